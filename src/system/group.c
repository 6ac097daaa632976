/* Groups (group.h): selection of owned atoms into mask bits, static and
 * dynamic, and their global counts (one reduction per evaluation). */
#include "system/group.h"
#include "core/ckpt_section.h"
#include "parallel/parallel.h"
#include "system/system.h"

#include <stdio.h>
#include <string.h>

void groups_init(group_table *t)
{
    memset(t, 0, sizeof *t);
    snprintf(t->g[GROUP_ALL].name, sizeof t->g[GROUP_ALL].name, "all");
    t->g[GROUP_ALL].sel.how = GROUP_SELECT_ALL;
    t->next_seq = 1;
}

int group_find(const group_table *t, const char *name)
{
    for (int g = 0; g < GROUP_MAX; g++)
        if (t->g[g].name[0] && strcmp(t->g[g].name, name) == 0)
            return g;
    return -1;
}

int groups_defined(const group_table *t)
{
    int n = 0;
    for (int g = 0; g < GROUP_MAX; g++)
        n += t->g[g].name[0] != '\0';
    return n;
}

int group_selection_uses(const group_selection *sel, int g)
{
    if (g != GROUP_ALL && sel->parent == g)
        return 1;
    if (sel->how != GROUP_SELECT_UNION && sel->how != GROUP_SELECT_INTERSECT && sel->how != GROUP_SELECT_SUBTRACT)
        return 0;
    for (int k = 0; k < sel->nop; k++)
        if (sel->op[k] == g)
            return 1;
    return 0;
}

static int in_ranges(const group_selection *sel, int64_t v)
{
    for (int k = 0; k < sel->nrange; k++)
        if (v >= sel->lo[k] && v <= sel->hi[k] && (v - sel->lo[k]) % sel->stride[k] == 0)
            return 1;
    return 0;
}

/* Is owned atom i selected? */
static int selected(const md *s, const group_selection *sel, int i)
{
    const atoms *a = &s->atoms;
    if (!(a->mask[i] & group_bit(sel->parent)))
        return 0;
    switch (sel->how) {
    case GROUP_SELECT_ALL: return 1;
    case GROUP_SELECT_EMPTY: return 0;
    case GROUP_SELECT_REGION: return region_contains(&s->regions, sel->region, &s->box, a->x[i]);
    case GROUP_SELECT_TYPE: return in_ranges(sel, a->type[i]);
    case GROUP_SELECT_ID: return in_ranges(sel, a->id[i]);
    case GROUP_SELECT_UNION:
        for (int k = 0; k < sel->nop; k++)
            if (a->mask[i] & group_bit(sel->op[k]))
                return 1;
        return 0;
    case GROUP_SELECT_INTERSECT:
        for (int k = 0; k < sel->nop; k++)
            if (!(a->mask[i] & group_bit(sel->op[k])))
                return 0;
        return 1;
    case GROUP_SELECT_SUBTRACT:
        if (!(a->mask[i] & group_bit(sel->op[0])))
            return 0;
        for (int k = 1; k < sel->nop; k++)
            if (a->mask[i] & group_bit(sel->op[k]))
                return 0;
        return 1;
    }
    return 0;
}

/* Set (or, with `replace`, set and clear) bit g by the selection. */
static void evaluate(md *s, int g, const group_selection *sel, int replace)
{
    atoms *a = &s->atoms;
    const uint64_t bit = group_bit(g);
    for (int i = 0; i < a->nlocal; i++) {
        if (selected(s, sel, i))
            a->mask[i] |= bit;
        else if (replace)
            a->mask[i] &= ~bit;
    }
}

void groups_recount(md *s)
{
    const atoms *a = &s->atoms;
    group_table *t = &s->groups;
    int64_t local[GROUP_MAX] = {0}, global[GROUP_MAX];
    for (int i = 0; i < a->nlocal; i++)
        for (uint64_t m = a->mask[i]; m; m &= m - 1)
            local[__builtin_ctzll(m)]++;
    par_sum_i64s(local, global, GROUP_MAX);
    for (int g = 0; g < GROUP_MAX; g++)
        t->g[g].count = t->g[g].name[0] ? global[g] : 0;
}

int group_define(md *s, const char *name, const group_selection *sel, int dynamic, char *err, int errlen)
{
    group_table *t = &s->groups;
    int g = group_find(t, name);
    if (g == GROUP_ALL) {
        snprintf(err, (size_t)errlen, "group 'all' holds every atom and cannot be redefined");
        return -1;
    }
    if (g >= 0 && (t->g[g].dynamic || dynamic)) {
        snprintf(err, (size_t)errlen,
                 "group '%s' exists and %s: delete it first ('group %s delete'); only static groups add atoms "
                 "when defined again", name, t->g[g].dynamic ? "is dynamic" : "is static", name);
        return -1;
    }
    if (dynamic && group_selection_uses(sel, g >= 0 ? g : -2)) {
        snprintf(err, (size_t)errlen, "a dynamic group cannot be made from itself");
        return -1;
    }
    if (g < 0) {
        for (g = 1; g < GROUP_MAX && t->g[g].name[0]; g++)
            ;
        if (g == GROUP_MAX) {
            snprintf(err, (size_t)errlen, "at most %d groups (all included) can exist at once; delete one first",
                     GROUP_MAX);
            return -1;
        }
        memset(&t->g[g], 0, sizeof t->g[g]);
        snprintf(t->g[g].name, sizeof t->g[g].name, "%s", name);
        t->g[g].seq = t->next_seq++;
        t->g[g].dynamic = dynamic;
        /* A new bit starts clear on every atom (a freed bit was cleared). */
    }
    t->g[g].sel = *sel;
    evaluate(s, g, sel, dynamic);
    groups_recount(s);
    return g;
}

void group_delete(md *s, int g)
{
    if (g <= GROUP_ALL || g >= GROUP_MAX)
        return;
    atoms *a = &s->atoms;
    const uint64_t bit = group_bit(g);
    for (int i = 0; i < a->nlocal + a->nghost; i++)
        a->mask[i] &= ~bit;
    memset(&s->groups.g[g], 0, sizeof s->groups.g[g]);
}

void groups_update_dynamic(md *s)
{
    group_table *t = &s->groups;
    /* In definition order: one dynamic group may be made of another. */
    int order[GROUP_MAX], n = 0;
    for (int g = 1; g < GROUP_MAX; g++)
        if (t->g[g].name[0] && t->g[g].dynamic)
            order[n++] = g;
    if (n == 0)
        return;
    for (int p = 1; p < n; p++) {
        int v = order[p], q = p;
        for (; q > 0 && t->g[order[q - 1]].seq > t->g[v].seq; q--)
            order[q] = order[q - 1];
        order[q] = v;
    }
    for (int k = 0; k < n; k++)
        evaluate(s, order[k], &t->g[order[k]].sel, 1);
    groups_recount(s);
}

/* ---- checkpoint section "groups" --------------------------------------------- */

/* The masks travel with the atoms; the section records which name each bit
 * has, so a restart can tell that its replay made the same groups. */
static void save_groups(void *ctx, ckpt_state *c)
{
    const group_table *t = &((md *)ctx)->groups;
    for (int g = 0; g < GROUP_MAX; g++) {
        if (!t->g[g].name[0])
            continue;
        ckpt_state *sub = ckpt_enter(c, t->g[g].name);
        int64_t v[3] = {g, t->g[g].dynamic, t->g[g].count};
        ckpt_put_i64(sub, "bit_dynamic_count", v, 3);
        ckpt_leave(sub);
    }
}

static int restore_groups(void *ctx, ckpt_state *c, char *why, size_t whylen)
{
    md *s = ctx;
    group_table *t = &s->groups;
    int n = ckpt_count(c);
    for (int k = 0; k < n; k++) {
        char name[GROUP_NAME_LEN];
        ckpt_name(c, k, name, sizeof name);
        ckpt_state *sub = ckpt_enter(c, name);
        int64_t v[3] = {-1, 0, 0};
        int bad = !sub || ckpt_get_i64(sub, "bit_dynamic_count", v, 3) != 0;
        ckpt_leave(sub);
        int g = group_find(t, name);
        if (bad || g != v[0] || t->g[g].dynamic != v[1]) {
            snprintf(why, whylen, "its group '%s' (bit %lld, %s) is not what the deck defines at this point "
                     "(is this the deck that wrote it?)", name, (long long)v[0], v[1] ? "dynamic" : "static");
            return -1;
        }
    }
    groups_recount(s);
    return 0;
}

ckpt_section groups_section(md *s)
{
    ckpt_section sec = {"groups", save_groups, restore_groups, s};
    return sec;
}
