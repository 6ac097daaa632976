/* freeze NAME [group G]: hold a group's atoms still.
 *
 * After every force evaluation (and at a run's set-up) the force and the
 * velocity of each atom in G are set to zero, so the kicks and the drift
 * leave its position unchanged to the bit. The atoms are held (fix.h):
 * thermostats leave them alone and temperatures do not count their degrees
 * of freedom. A barostat's remap still moves them with the box (as LAMMPS'
 * setforce 0 0 0 with velocity 0). No communication. */
#include "deck/deck.h"

#include <string.h>

static void zero(fix *f, md *s, const step_info *si)
{
    atoms *a = &s->atoms;
    const uint64_t bit = group_bit(f->group);
    for (int i = 0; i < a->nlocal; i++)
        if (a->mask[i] & bit) {
            memset(a->f[i], 0, sizeof a->f[i]);
            memset(a->v[i], 0, sizeof a->v[i]);
        }
}

static const fix_ops freeze_ops = {
    .kind = "freeze",
    .order = FIX_ORDER_USER,
    .holds_atoms = 1,
    .post_force = zero,
};

void cmd_freeze(deck *dk)
{
    int i = 1;
    const char *name = deck_word(dk, &i, "fix name");
    deck_add_fix(dk, fix_new(&freeze_ops, name, deck_trailing_group(dk, &i)));
}
