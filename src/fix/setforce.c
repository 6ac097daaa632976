/* setforce NAME FX FY FZ [group G]: set the force on a group's atoms.
 *
 * After every force evaluation each given component (eV/A; NULL leaves
 * that component as the potential made it) of every atom in G is replaced,
 * as LAMMPS' fix setforce. `setforce NAME 0 0 0` with a group at rest
 * holds it in place under NVE; use freeze to hold atoms outright. The
 * virial is the potential's (the set forces do no work on the pressure).
 * No communication. */
#include "core/error.h"
#include "deck/deck.h"

#include <stdlib.h>
#include <string.h>

typedef struct setforce {
    double f[3];
    int set[3];
} setforce;

static void apply(fix *f, md *s, const step_info *si)
{
    const setforce *d = f->data;
    atoms *a = &s->atoms;
    const uint64_t bit = group_bit(f->group);
    for (int i = 0; i < a->nlocal; i++)
        if (a->mask[i] & bit)
            for (int q = 0; q < 3; q++)
                if (d->set[q])
                    a->f[i][q] = d->f[q];
}

static void destroy(fix *f, md *s) { free(f->data); }

static const fix_ops setforce_ops = {
    .kind = "setforce",
    .order = FIX_ORDER_USER,
    .post_force = apply,
    .destroy = destroy,
};

void cmd_setforce(deck *dk)
{
    int i = 1;
    const char *name = deck_word(dk, &i, "fix name");
    setforce *d = mg_calloc(1, sizeof *d);
    deck_components(dk, &i, Q_FORCE, "force", "group", d->f, d->set);
    int g = GROUP_ALL;
    while (i < dk->nargs) {
        const char *k = deck_word(dk, &i, "keyword");
        if (!strcmp(k, "group"))
            g = deck_group(dk, &i);
        else
            deck_fail(dk, "setforce: unknown keyword '%s' (expected group)", k);
    }
    fix *f = fix_new(&setforce_ops, name, g);
    f->data = d;
    deck_add_fix(dk, f);
}
