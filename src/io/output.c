/* Outputs (output.h): what is due when, writing it, the fix-list entry
 * that does so during runs, and the checkpoint section. Communication: the
 * writers' own (thermo sums, dump funnels, H5MD collective writes,
 * observers' analyses). */
#include "io/output.h"
#include "core/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void outputs_init(outputs *o, md *s)
{
    memset(o, 0, sizeof *o);
    o->s = s;
    thermo_init(&o->thermo);
}

static void destroy_observer(observer *ob, md *s)
{
    if (ob->ops->destroy)
        ob->ops->destroy(ob, s);
    free(ob);
}

void outputs_close(outputs *o, md *s)
{
    thermo_close(&o->thermo);
    for (int k = 0; k < o->ndump; k++)
        dump_close(&o->dumps[k]);
    o->ndump = 0;
    for (int k = 0; k < o->nobs; k++)
        destroy_observer(o->obs[k], s);
    o->nobs = 0;
}

static int thermo_due(const thermo *t, int64_t step, int64_t start, int64_t end)
{
    return step == start || step == end || (t->every > 0 && step % t->every == 0);
}

static int dump_due(const dump *d, int64_t step)
{
    return d->every > 0 && step % d->every == 0 && d->last_step != step;
}

int outputs_due(const outputs *o, int64_t step, int64_t start, int64_t end, int *peratom)
{
    int due = thermo_due(&o->thermo, step, start, end);
    /* Group columns sum per-atom energies. */
    *peratom = due && thermo_needs_peratom(&o->thermo);
    for (int k = 0; k < o->ndump; k++)
        if (dump_due(&o->dumps[k], step)) {
            due = 1;
            *peratom |= dump_needs_peratom(&o->dumps[k]);
        }
    for (int k = 0; k < o->nobs; k++)
        due |= observer_due(o->obs[k], step, start, end);
    return due;
}

void outputs_write(outputs *o, md *s, int64_t start, int64_t end)
{
    for (int k = 0; k < o->nobs; k++)
        if (observer_due(o->obs[k], s->step, start, end))
            observer_sample(o->obs[k], s);
    if (thermo_due(&o->thermo, s->step, start, end))
        thermo_output(&o->thermo, s, s->step == start || s->step == end);
    for (int k = 0; k < o->ndump; k++)
        if (dump_due(&o->dumps[k], s->step))
            dump_write(&o->dumps[k], s);
}

void outputs_sample_at_end(outputs *o, md *s)
{
    for (int k = 0; k < o->nobs; k++)
        if (o->obs[k]->at_end)
            observer_sample(o->obs[k], s);
}

void outputs_stage_end(outputs *o, md *s)
{
    for (int k = 0; k < o->nobs; k++)
        if (o->obs[k]->ops->stage_end)
            o->obs[k]->ops->stage_end(o->obs[k], s);
}

dump *outputs_find_dump(outputs *o, const char *name)
{
    for (int k = 0; k < o->ndump; k++)
        if (strcmp(o->dumps[k].name, name) == 0)
            return &o->dumps[k];
    return NULL;
}

void outputs_remove_dump(outputs *o, const char *name)
{
    for (int k = 0; k < o->ndump; k++)
        if (strcmp(o->dumps[k].name, name) == 0) {
            dump_close(&o->dumps[k]);
            memmove(&o->dumps[k], &o->dumps[k + 1], (size_t)(o->ndump - k - 1) * sizeof o->dumps[0]);
            o->ndump--;
            return;
        }
}

observer *outputs_find_observer(outputs *o, const char *name)
{
    for (int k = 0; k < o->nobs; k++)
        if (strcmp(o->obs[k]->name, name) == 0)
            return o->obs[k];
    return NULL;
}

int outputs_add_observer(outputs *o, observer *ob)
{
    if (o->nobs == OUTPUT_MAX_OBSERVERS)
        return -1;
    ob->last_step = -1;
    o->obs[o->nobs++] = ob;
    return 0;
}

void outputs_remove_observer(outputs *o, md *s, const char *name)
{
    for (int k = 0; k < o->nobs; k++)
        if (strcmp(o->obs[k]->name, name) == 0) {
            destroy_observer(o->obs[k], s);
            memmove(&o->obs[k], &o->obs[k + 1], (size_t)(o->nobs - k - 1) * sizeof o->obs[0]);
            o->nobs--;
            return;
        }
}

/* ---- the fix-list entry ------------------------------------------------------ */

typedef struct outputs_run {
    outputs *o;
    int64_t start, end;          /* the run's first and last step            */
} outputs_run;

static void out_begin_run(fix *f, md *s, const step_info *si)
{
    outputs_run *r = f->data;
    r->o->thermo.header_printed = 0;
    r->start = si->start;
    r->end = si->start + si->nsteps;
}

static int out_wants(const fix *f, const md *s, int64_t step, const step_info *si)
{
    const outputs_run *r = f->data;
    int peratom = 0;
    int due = outputs_due(r->o, step, r->start, r->end, &peratom);
    return (due ? FIX_WANTS_ENERGY : 0) | (peratom ? FIX_WANTS_PERATOM : 0);
}

/* The state at set-up: observers that start something with a stage do so,
 * then the outputs due are written, unless the run resumes, whose outputs
 * of this step were written before the checkpoint. */
static void out_setup(fix *f, md *s, const step_info *si)
{
    outputs_run *r = f->data;
    int peratom;
    for (int k = 0; k < r->o->nobs && !si->resumed; k++)
        if (r->o->obs[k]->ops->stage_begin)
            r->o->obs[k]->ops->stage_begin(r->o->obs[k], s);
    if (!si->resumed && outputs_due(r->o, s->step, r->start, r->end, &peratom))
        outputs_write(r->o, s, r->start, r->end);
    timers_stamp(&s->tm, TIMER_OUTPUT);
}

static int out_end_of_step(fix *f, md *s, const step_info *si)
{
    outputs_run *r = f->data;
    int peratom;
    if (outputs_due(r->o, s->step, r->start, r->end, &peratom))
        outputs_write(r->o, s, r->start, r->end);
    timers_stamp(&s->tm, TIMER_OUTPUT);
    return 0;
}

/* Observers write what they accumulated over a stage that ran to its end. */
static void out_end_run(fix *f, md *s, int stopped)
{
    if (!stopped)
        outputs_stage_end(((outputs_run *)f->data)->o, s);
}

static void out_destroy(fix *f, md *s) { free(f->data); }

static const fix_ops outputs_ops = {
    .kind = "outputs",
    .order = FIX_ORDER_OUTPUT,
    .begin_run = out_begin_run,
    .setup = out_setup,
    .end_of_step = out_end_of_step,
    .end_run = out_end_run,
    .wants = out_wants,
    .destroy = out_destroy,
};

fix *outputs_fix(outputs *o)
{
    fix *f = fix_new(&outputs_ops, "outputs", GROUP_ALL);
    outputs_run *r = mg_calloc(1, sizeof *r);
    r->o = o;
    f->data = r;
    return f;
}

/* ---- checkpoint section ------------------------------------------------------ */

static void save_outputs(void *ctx, ckpt_state *c)
{
    outputs *o = ctx;
    /* Every file reaches the disk first, so the positions recorded are
     * what is on disk (and an H5MD file is whole should the job die while
     * the checkpoint is written). */
    thermo_flush(&o->thermo);
    for (int k = 0; k < o->ndump; k++)
        dump_flush(&o->dumps[k]);
    ckpt_state *t = ckpt_enter(c, "thermo");
    int64_t th[2] = {thermo_position(&o->thermo), o->thermo.csv_last};
    ckpt_put_text(t, "path", o->thermo.path);
    ckpt_put_i64(t, "bytes_last_step", th, 2);
    ckpt_leave(t);
    ckpt_state *dg = ckpt_enter(c, "dumps");
    for (int k = 0; k < o->ndump; k++) {
        dump *d = &o->dumps[k];
        ckpt_state *h = ckpt_enter(dg, d->name);
        int64_t pos[2] = {dump_position(d), d->last_step};
        ckpt_put_text(h, "path", d->path);
        ckpt_put_text(h, "format", dump_format_name(d));
        ckpt_put_i64(h, "position_last_step", pos, 2);
        ckpt_leave(h);
    }
    ckpt_leave(dg);
    ckpt_state *og = ckpt_enter(c, "observers");
    for (int k = 0; k < o->nobs; k++) {
        observer *ob = o->obs[k];
        ckpt_state *h = ckpt_enter(og, ob->name);
        ckpt_put_text(h, "kind", ob->ops->kind);
        ckpt_put_i64(h, "last_step", &ob->last_step, 1);
        if (ob->ops->save)
            ob->ops->save(ob, h);
        ckpt_leave(h);
    }
    ckpt_leave(og);
}

/* Files cut back to their length at the checkpoint; outputs defined after
 * it start afresh. */
static int restore_outputs(void *ctx, ckpt_state *c, char *why, size_t whylen)
{
    outputs *o = ctx;
    md *s = o->s;
    ckpt_state *t = ckpt_enter(c, "thermo");
    if (!t) {
        snprintf(why, whylen, "the outputs record is missing");
        return -1;
    }
    int64_t th[2] = {0, -1};
    char *tpath = ckpt_get_text(t, "path");
    int bad = ckpt_get_i64(t, "bytes_last_step", th, 2);
    ckpt_leave(t);
    if (!bad && tpath && o->thermo.path[0] && !strcmp(tpath, o->thermo.path))
        thermo_resume(&o->thermo, th[0], th[1]);
    free(tpath);
    ckpt_state *dg = ckpt_enter(c, "dumps");
    for (int k = 0; k < o->ndump && dg; k++) {
        dump *d = &o->dumps[k];
        ckpt_state *h = ckpt_enter(dg, d->name);
        if (!h)
            continue;
        int64_t pos[2] = {0, -1};
        bad |= ckpt_get_i64(h, "position_last_step", pos, 2);
        ckpt_leave(h);
        dump_resume(d, s, pos[0], pos[1]);
    }
    ckpt_leave(dg);
    ckpt_state *og = ckpt_enter(c, "observers");
    for (int k = 0; k < o->nobs && og; k++) {
        observer *ob = o->obs[k];
        ckpt_state *h = ckpt_enter(og, ob->name);
        if (!h)
            continue;
        bad |= ckpt_get_i64(h, "last_step", &ob->last_step, 1);
        if (ob->ops->restore)
            ob->ops->restore(ob, h);
        ckpt_leave(h);
    }
    ckpt_leave(og);
    if (bad) {
        snprintf(why, whylen, "the outputs record is incomplete");
        return -1;
    }
    return 0;
}

ckpt_section outputs_section(outputs *o)
{
    ckpt_section s = {"outputs", save_outputs, restore_outputs, o};
    return s;
}
