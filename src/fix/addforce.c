/* addforce NAME FX FY FZ [group G]: push a group's atoms.
 *
 * After every force evaluation the given force (eV/A per atom; NULL adds
 * nothing to that component) is added to each atom in G, as LAMMPS' fix
 * addforce. Its work is not added to the potential energy (LAMMPS'
 * fix_modify energy no, the default), so econserve drifts by that work.
 * No communication. */
#include "core/error.h"
#include "deck/deck.h"

#include <stdlib.h>
#include <string.h>

typedef struct addforce {
    double f[3];
    int set[3];
} addforce;

static void apply(fix *f, md *s, const step_info *si)
{
    const addforce *d = f->data;
    atoms *a = &s->atoms;
    const uint64_t bit = group_bit(f->group);
    for (int i = 0; i < a->nlocal; i++)
        if (a->mask[i] & bit)
            for (int q = 0; q < 3; q++)
                a->f[i][q] += d->f[q];
}

static void destroy(fix *f, md *s) { free(f->data); }

static const fix_ops addforce_ops = {
    .kind = "addforce",
    .order = FIX_ORDER_USER,
    .post_force = apply,
    .destroy = destroy,
};

void cmd_addforce(deck *dk)
{
    int i = 1;
    const char *name = deck_word(dk, &i, "fix name");
    addforce *d = mg_calloc(1, sizeof *d);
    deck_components(dk, &i, Q_FORCE, "force", "group", d->f, d->set);
    int g = GROUP_ALL;
    while (i < dk->nargs) {
        const char *k = deck_word(dk, &i, "keyword");
        if (!strcmp(k, "group"))
            g = deck_group(dk, &i);
        else
            deck_fail(dk, "addforce: unknown keyword '%s' (expected group)", k);
    }
    fix *f = fix_new(&addforce_ops, name, g);
    f->data = d;
    deck_add_fix(dk, f);
}
