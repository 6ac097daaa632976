/* group NAME [dynamic [PARENT]] SELECTION | group NAME clear | delete
 * (system/group.h)
 *
 *   region R                  atoms in region R
 *   type T [T2 ...]           of these types; ranges A:B, A:B:S or <> A B
 *   element El [El2 ...]      of the types with these elements
 *   id I [I2 ...]             with these ids; ranges as for type
 *   union G1 G2 ...           in any of the groups
 *   intersect G1 G2 ...       in all of them
 *   subtract G1 G2 ...        in G1 and none of the others
 *
 * A static group is evaluated now, on the atoms as they are (defining an
 * existing static group adds atoms to it, as in LAMMPS); a dynamic group is
 * evaluated again at every neighbour-list rebuild, optionally only among
 * the atoms of PARENT. Prints the group's atom count. A setting: replayed
 * on restart, where the checkpoint's masks then replace what the replay
 * selected. Communication: one reduction (the counts). */
#include "deck/deck.h"
#include "parallel/parallel.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int64_t parse_i64(deck *dk, const char *w, const char *what, int64_t lo, int64_t hi)
{
    char *end;
    errno = 0;
    long long v = strtoll(w, &end, 10);
    if (*end || end == w || errno)
        deck_fail(dk, "group: %s must be an integer, got '%s'", what, w);
    if (v < lo || v > hi)
        deck_fail(dk, "group: %s must be between %lld and %lld, got %lld", what, (long long)lo, (long long)hi, v);
    return v;
}

/* Values and ranges A, A:B, A:B:S, <> A B into sel; returns the index after. */
static int ranges(deck *dk, int i, const char *what, int64_t max, group_selection *sel)
{
    while (i < dk->nargs) {
        if (sel->nrange == GROUP_MAX_ITEMS)
            deck_fail(dk, "group: at most %d %s values or ranges", GROUP_MAX_ITEMS, what);
        int k = sel->nrange;
        const char *w = dk->args[i++];
        if (!strcmp(w, "<>")) {
            if (i + 2 > dk->nargs)
                deck_fail(dk, "group: '<>' needs two %s values, from and to", what);
            sel->lo[k] = parse_i64(dk, dk->args[i++], what, 1, max);
            sel->hi[k] = parse_i64(dk, dk->args[i++], what, 1, max);
            sel->stride[k] = 1;
        } else {
            char buf[128];
            snprintf(buf, sizeof buf, "%s", w);
            char *p1 = strchr(buf, ':'), *p2 = p1 ? strchr(p1 + 1, ':') : NULL;
            if (p1)
                *p1 = '\0';
            if (p2)
                *p2 = '\0';
            sel->lo[k] = parse_i64(dk, buf, what, 1, max);
            sel->hi[k] = p1 ? parse_i64(dk, p1 + 1, what, 1, max) : sel->lo[k];
            sel->stride[k] = p2 ? parse_i64(dk, p2 + 1, "stride", 1, max) : 1;
        }
        if (sel->hi[k] < sel->lo[k])
            deck_fail(dk, "group: the %s range %lld:%lld is empty (from must not exceed to)", what,
                      (long long)sel->lo[k], (long long)sel->hi[k]);
        sel->nrange++;
    }
    if (!sel->nrange)
        deck_fail(dk, "group: '%s' needs at least one value or range", what);
    return i;
}

static void report(deck *dk, const char *name, int g)
{
    if (dk->replaying || par_rank() != 0)
        return;
    const group *gr = &dk->s->groups.g[g];
    printf("group %s: %lld atoms (%s; bit %d of the dump column mask)\n", name, (long long)gr->count,
           gr->dynamic ? "dynamic" : "static", g);
    fflush(stdout);
}

/* Is group g used by something that would dangle without it? */
static void refuse_if_used(deck *dk, int g, const char *what)
{
    md *s = dk->s;
    const char *name = s->groups.g[g].name;
    const fix *f = fixes_using_group(dk->fixes, g);
    if (f)
        deck_fail(dk, "group: cannot %s '%s': fix '%s' acts on it (unfix it first)", what, name, f->name);
    for (int k = 0; k < dk->out->ndump; k++)
        if (dk->out->dumps[k].group == g)
            deck_fail(dk, "group: cannot %s '%s': dump '%s' writes it (undump it first)", what, name,
                      dk->out->dumps[k].name);
    for (int k = 0; k < dk->out->thermo.ngroups; k++)
        if (dk->out->thermo.groups[k] == g)
            deck_fail(dk, "group: cannot %s '%s': the thermo table has its columns", what, name);
    for (int h = 0; h < GROUP_MAX; h++)
        if (h != g && s->groups.g[h].name[0] && s->groups.g[h].dynamic && group_selection_uses(&s->groups.g[h].sel, g))
            deck_fail(dk, "group: cannot %s '%s': the dynamic group '%s' is made from it", what, name,
                      s->groups.g[h].name);
}

void cmd_group(deck *dk)
{
    md *s = dk->s;
    int i = 1;
    const char *name = deck_word(dk, &i, "group name");
    if (strlen(name) >= GROUP_NAME_LEN)
        deck_fail(dk, "group: name '%s' is longer than %d characters", name, GROUP_NAME_LEN - 1);
    for (const char *c = name; *c; c++)
        if (!(*c == '_' || *c == '-' || (*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z')))
            deck_fail(dk, "group: name '%s' may hold only letters, digits, '_' and '-'", name);
    int existing = group_find(&s->groups, name);
    const char *how = deck_word(dk, &i, "selection (region, type, element, id, union, intersect, subtract, clear, "
                                        "delete, dynamic)");
    if (!strcmp(how, "delete") || !strcmp(how, "clear")) {
        deck_done(dk, i);
        if (existing < 0)
            deck_fail(dk, "group %s: no group named '%s'", how, name);
        if (existing == GROUP_ALL)
            deck_fail(dk, "group %s: 'all' holds every atom, always", how);
        refuse_if_used(dk, existing, how);
        group_delete(s, existing);
        if (!strcmp(how, "clear")) {
            group_selection sel = {.how = GROUP_SELECT_EMPTY};
            char err[256];
            if (group_define(s, name, &sel, 0, err, sizeof err) < 0)
                deck_fail(dk, "group: %s", err);
        }
        return;
    }
    if (!s->have_box)
        deck_fail(dk, "group: no system yet (use read_data, read_checkpoint, create_lattice or create_alloy first)");
    int dynamic = 0;
    group_selection sel;
    memset(&sel, 0, sizeof sel);
    sel.parent = GROUP_ALL;
    if (!strcmp(how, "dynamic")) {
        dynamic = 1;
        how = deck_word(dk, &i, "selection of the dynamic group (region, type, element, id, union, intersect, "
                                "subtract)");
        int p = group_find(&s->groups, how);
        if (p >= 0) { /* LAMMPS' form: dynamic PARENT STYLE ... */
            sel.parent = p;
            how = deck_word(dk, &i, "selection after the parent group");
        }
    }
    if (!strcmp(how, "region")) {
        sel.how = GROUP_SELECT_REGION;
        const char *r = deck_word(dk, &i, "region name");
        sel.region = region_find(&s->regions, r);
        if (sel.region < 0)
            deck_fail(dk, "group: no region named '%s' (define it with the region command)", r);
        if (i < dk->nargs && !strcmp(dk->args[i], "every"))
            deck_fail(dk, "group: mgmd re-evaluates a dynamic group at every neighbour-list rebuild; drop 'every'");
        deck_done(dk, i);
    } else if (!strcmp(how, "type")) {
        sel.how = GROUP_SELECT_TYPE;
        ranges(dk, i, "type", s->atoms.ntypes, &sel);
    } else if (!strcmp(how, "id")) {
        sel.how = GROUP_SELECT_ID;
        ranges(dk, i, "id", INT64_MAX, &sel);
    } else if (!strcmp(how, "element")) {
        sel.how = GROUP_SELECT_TYPE;
        if (i >= dk->nargs)
            deck_fail(dk, "group: 'element' needs at least one element name");
        for (; i < dk->nargs; i++) {
            int found = 0;
            for (int t = 1; t <= s->atoms.ntypes; t++)
                if (!strcmp(s->atoms.element[t], dk->args[i]) && sel.nrange < GROUP_MAX_ITEMS) {
                    sel.lo[sel.nrange] = sel.hi[sel.nrange] = t;
                    sel.stride[sel.nrange++] = 1;
                    found = 1;
                }
            if (!found) {
                char types[512] = "";
                for (int t = 1; t <= s->atoms.ntypes; t++) {
                    char one[32];
                    snprintf(one, sizeof one, "%s%d=%s", t > 1 ? " " : "", t,
                             s->atoms.element[t][0] ? s->atoms.element[t] : "?");
                    strncat(types, one, sizeof types - strlen(types) - 1);
                }
                deck_fail(dk, "group: no type has element '%s' (types: %s)", dk->args[i], types);
            }
        }
    } else if (!strcmp(how, "union") || !strcmp(how, "intersect") || !strcmp(how, "subtract")) {
        sel.how = !strcmp(how, "union") ? GROUP_SELECT_UNION
                  : !strcmp(how, "intersect") ? GROUP_SELECT_INTERSECT : GROUP_SELECT_SUBTRACT;
        for (; i < dk->nargs; i++) {
            int g = group_find(&s->groups, dk->args[i]);
            if (g < 0)
                deck_fail(dk, "group %s: no group named '%s'", how, dk->args[i]);
            if (sel.nop == GROUP_MAX_ITEMS)
                deck_fail(dk, "group %s: at most %d groups", how, GROUP_MAX_ITEMS);
            sel.op[sel.nop++] = g;
        }
        if (sel.nop < (sel.how == GROUP_SELECT_UNION ? 1 : 2))
            deck_fail(dk, "group %s: needs %s groups", how, sel.how == GROUP_SELECT_UNION ? "one or more" : "two or more");
    } else {
        deck_fail(dk, "group: unknown selection '%s' (expected region, type, element, id, union, intersect, subtract, "
                  "clear, delete, dynamic)", how);
    }
    char err[512];
    int g = group_define(s, name, &sel, dynamic, err, sizeof err);
    if (g < 0)
        deck_fail(dk, "group: %s", err);
    s->ready = 0; /* ghosts carry masks: make them again before forces */
    report(dk, name, g);
}
