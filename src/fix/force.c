/* setforce NAME FX FY FZ [group G]: set the force on a group's atoms.
 * addforce NAME FX FY FZ [group G]: push a group's atoms.
 *
 * After every force evaluation `setforce` replaces each given component
 * (eV/A; NULL leaves that component as the potential made it) of every
 * atom in G, and `addforce` adds the given force to each, as LAMMPS' fix
 * setforce and fix addforce. The virial is the potential's (the set or
 * added forces do not enter the pressure), and an added force's work is
 * not counted in the potential energy (LAMMPS' fix_modify energy no, the
 * default), so econserve drifts by it. Both act in dynamics only (minimize
 * relaxes the potential energy). No communication. */
#include "core/error.h"
#include "deck/deck.h"

#include <string.h>

typedef struct force {
    double f[3];
    int set[3];
} force;

static void set(fix *f, md *s, const step_info *si)
{
    const force *d = f->data;
    atoms *a = &s->atoms;
    const uint64_t bit = group_bit(f->group);
    for (int i = 0; i < a->nlocal; i++)
        if (a->mask[i] & bit)
            for (int q = 0; q < 3; q++)
                if (d->set[q])
                    a->f[i][q] = d->f[q];
}

static void add(fix *f, md *s, const step_info *si)
{
    const force *d = f->data;
    atoms *a = &s->atoms;
    const uint64_t bit = group_bit(f->group);
    for (int i = 0; i < a->nlocal; i++)
        if (a->mask[i] & bit)
            for (int q = 0; q < 3; q++)
                a->f[i][q] += d->f[q];
}

static const fix_ops setforce_ops = {
    .kind = "setforce",
    .order = FIX_ORDER_USER,
    .post_force = set,
    .destroy = fix_free_data,
};

static const fix_ops addforce_ops = {
    .kind = "addforce",
    .order = FIX_ORDER_USER,
    .post_force = add,
    .destroy = fix_free_data,
};

/* NAME FX FY FZ [group G] */
static void define(deck *dk, const fix_ops *ops)
{
    int i = 1;
    const char *name = deck_word(dk, &i, "fix name");
    force *d = mg_calloc(1, sizeof *d);
    deck_components(dk, &i, Q_FORCE, "force", "group", d->f, d->set);
    fix *f = fix_new(ops, name, deck_trailing_group(dk, &i));
    f->data = d;
    deck_add_fix(dk, f);
}

void cmd_setforce(deck *dk) { define(dk, &setforce_ops); }
void cmd_addforce(deck *dk) { define(dk, &addforce_ops); }
