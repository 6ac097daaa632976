/* The fix list (fix.h): ordered entries, hook dispatch, the baths' energy,
 * and the checkpoint section holding every entry's state. No
 * communication of its own; hooks communicate as their fixes do. */
#include "integrate/fix.h"
#include "core/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void fixes_init(fix_list *fx)
{
    memset(fx, 0, sizeof *fx);
    fx->next_seq = 1;
    schedules_init(&fx->schedules);
}

static void destroy_fix(fix *f, md *s)
{
    if (f->ops->destroy)
        f->ops->destroy(f, s);
    free(f);
}

void fixes_destroy(fix_list *fx, md *s)
{
    for (int k = 0; k < fx->n; k++)
        destroy_fix(fx->f[k], s);
    schedules_destroy(&fx->schedules);
    memset(fx, 0, sizeof *fx);
}

void fix_free_data(fix *f, md *s) { free(f->data); }

fix *fix_new(const fix_ops *ops, const char *name, int grp)
{
    fix *f = mg_calloc(1, sizeof *f);
    snprintf(f->name, sizeof f->name, "%s", name);
    f->ops = ops;
    f->group = grp;
    return f;
}

/* Which hook points are present, and which groups are held. */
static void refresh(fix_list *fx, md *s)
{
    unsigned p = 0;
    uint64_t held = 0;
    for (int k = 0; k < fx->n; k++) {
        const fix_ops *o = fx->f[k]->ops;
        const fix_hook hooks[FIX_NHOOK] = {o->initial,     o->post_kick, o->mid_drift, o->post_drift,
                                           o->post_force,  o->final,     o->box_changed, o->rebuilt,
                                           o->setup,       o->begin_run};
        for (int h = 0; h < FIX_NHOOK; h++)
            if (hooks[h])
                p |= 1u << h;
        if (o->holds_atoms)
            held |= o->held ? o->held(fx->f[k]) : group_bit(fx->f[k]->group);
    }
    fx->present = p;
    s->held = held;
}

static int before(const fix *a, const fix *b)
{
    return a->ops->order < b->ops->order || (a->ops->order == b->ops->order && a->seq < b->seq);
}

int fixes_add(fix_list *fx, md *s, fix *f)
{
    f->list = fx;
    for (int k = 0; k < fx->n; k++)
        if (strcmp(fx->f[k]->name, f->name) == 0) {
            fix *old = fx->f[k];
            f->seq = old->seq;
            if (old->ops->order == f->ops->order) {
                fx->f[k] = f;
                destroy_fix(old, s);
                refresh(fx, s);
                return 0;
            }
            fixes_remove(fx, s, old->name);
            break;
        }
    if (fx->n == FIX_MAX)
        return -1;
    if (!f->seq)
        f->seq = fx->next_seq++;
    int k = fx->n;
    while (k > 0 && before(f, fx->f[k - 1])) {
        fx->f[k] = fx->f[k - 1];
        k--;
    }
    fx->f[k] = f;
    fx->n++;
    refresh(fx, s);
    return 0;
}

fix *fixes_find(const fix_list *fx, const char *name)
{
    for (int k = 0; k < fx->n; k++)
        if (strcmp(fx->f[k]->name, name) == 0)
            return fx->f[k];
    return NULL;
}

int fixes_remove(fix_list *fx, md *s, const char *name)
{
    for (int k = 0; k < fx->n; k++)
        if (strcmp(fx->f[k]->name, name) == 0) {
            fix *f = fx->f[k];
            memmove(&fx->f[k], &fx->f[k + 1], (size_t)(fx->n - k - 1) * sizeof fx->f[0]);
            fx->n--;
            destroy_fix(f, s);
            refresh(fx, s);
            return 0;
        }
    return -1;
}

int fixes_set_target(fix_list *fx, const char *what, const schedule *sc)
{
    int n = 0;
    for (int k = 0; k < fx->n; k++)
        if (fx->f[k]->ops->set_target)
            n += fx->f[k]->ops->set_target(fx->f[k], what, sc);
    return n;
}

const fix *fixes_using_group(const fix_list *fx, int g)
{
    for (int k = 0; k < fx->n; k++) {
        const fix *f = fx->f[k];
        if (f->group == g || (f->ops->held && (f->ops->held(f) & group_bit(g))))
            return f;
    }
    return NULL;
}

static fix_hook hook_of(const fix_ops *o, enum fix_hook_point p)
{
    switch (p) {
    case FIX_HOOK_INITIAL: return o->initial;
    case FIX_HOOK_POST_KICK: return o->post_kick;
    case FIX_HOOK_MID_DRIFT: return o->mid_drift;
    case FIX_HOOK_POST_DRIFT: return o->post_drift;
    case FIX_HOOK_POST_FORCE: return o->post_force;
    case FIX_HOOK_FINAL: return o->final;
    case FIX_HOOK_BOX_CHANGED: return o->box_changed;
    case FIX_HOOK_REBUILT: return o->rebuilt;
    case FIX_HOOK_SETUP: return o->setup;
    case FIX_HOOK_BEGIN_RUN: return o->begin_run;
    case FIX_NHOOK: break;
    }
    return NULL;
}

void fixes_call(fix_list *fx, enum fix_hook_point p, md *s, const step_info *si)
{
    if (!fixes_have(fx, p))
        return;
    if (p == FIX_HOOK_FINAL) {
        for (int k = fx->n - 1; k >= 0; k--)
            if (fx->f[k]->ops->final)
                fx->f[k]->ops->final(fx->f[k], s, si);
        return;
    }
    for (int k = 0; k < fx->n; k++) {
        fix_hook h = hook_of(fx->f[k]->ops, p);
        if (h)
            h(fx->f[k], s, si);
    }
}

int fixes_end_of_step(fix_list *fx, md *s, const step_info *si)
{
    int stop = 0;
    for (int k = 0; k < fx->n; k++)
        if (fx->f[k]->ops->end_of_step)
            stop |= fx->f[k]->ops->end_of_step(fx->f[k], s, si);
    return stop;
}

void fixes_end_run(fix_list *fx, md *s, int stopped)
{
    for (int k = 0; k < fx->n; k++)
        if (fx->f[k]->ops->end_run)
            fx->f[k]->ops->end_run(fx->f[k], s, stopped);
}

int fixes_wants(const fix_list *fx, const md *s, int64_t step, const step_info *si)
{
    int w = 0;
    for (int k = 0; k < fx->n; k++)
        if (fx->f[k]->ops->wants)
            w |= fx->f[k]->ops->wants(fx->f[k], s, step, si);
    return w;
}

double fixes_energy(const fix_list *fx, const md *s)
{
    double acc = 0.0;
    for (int k = 0; k < fx->n; k++)
        if (fx->f[k]->ops->energy)
            fx->f[k]->ops->energy(fx->f[k], s, &acc);
    return acc;
}

void fixes_force(fix_list *fx, md *s, int want, const step_info *si)
{
    s->atoms.want_peratom = (want & FIX_WANTS_PERATOM) != 0;
    md_force(s, want != 0);
    fixes_call(fx, FIX_HOOK_POST_FORCE, s, si);
}

void fixes_reneighbor(fix_list *fx, md *s, const step_info *si)
{
    md_reneighbor(s);
    fixes_call(fx, FIX_HOOK_REBUILT, s, si);
}

/* ---- checkpoint section ------------------------------------------------------ */

static void save_fixes(void *ctx, ckpt_state *c)
{
    fix_list *fx = ctx;
    for (int k = 0; k < fx->n; k++) {
        fix *f = fx->f[k];
        ckpt_state *sub = ckpt_enter(c, f->name);
        ckpt_put_text(sub, "kind", f->ops->kind);
        int64_t g = f->group;
        ckpt_put_i64(sub, "group", &g, 1);
        if (f->ops->save)
            f->ops->save(f, sub);
        ckpt_leave(sub);
    }
}

/* Every entry of the checkpoint must be one the replayed deck defined, of
 * the same kind and group; each then takes its state. */
static int restore_fixes(void *ctx, ckpt_state *c, char *why, size_t whylen)
{
    fix_list *fx = ctx;
    int n = ckpt_count(c);
    for (int k = 0; k < n; k++) {
        char name[FIX_NAME_LEN];
        ckpt_name(c, k, name, sizeof name);
        if (!fixes_find(fx, name)) {
            snprintf(why, whylen, "its fix '%s' is not defined when the deck is replayed up to the checkpoint "
                     "(is this the deck that wrote it?)", name);
            return -1;
        }
    }
    for (int k = 0; k < fx->n; k++) {
        fix *f = fx->f[k];
        ckpt_state *sub = ckpt_enter(c, f->name);
        if (!sub)
            continue; /* defined by the replay at the checkpoint's own command */
        char *kind = ckpt_get_text(sub, "kind");
        int64_t g = -1;
        int bad = !kind || strcmp(kind, f->ops->kind) != 0 || ckpt_get_i64(sub, "group", &g, 1) != 0 || g != f->group;
        if (bad)
            snprintf(why, whylen, "its fix '%s' is a %s on group %lld, but the deck defines a %s on group %d",
                     f->name, kind ? kind : "?", (long long)g, f->ops->kind, f->group);
        free(kind);
        if (!bad && f->ops->restore)
            bad = f->ops->restore(f, sub, why, whylen) != 0;
        ckpt_leave(sub);
        if (bad)
            return -1;
    }
    return 0;
}

ckpt_section fixes_section(fix_list *fx)
{
    ckpt_section s = {"fixes", save_fixes, restore_fixes, fx};
    return s;
}
