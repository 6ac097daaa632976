/* unfix NAME: remove a fix (freeze, setforce, addforce, move, ...) from
 * the fix list. The thermostat and barostat go with `ensemble nve`;
 * mgmd's own entries (outputs, checkpoint, progress) stay. */
#include "deck/deck.h"

#include <string.h>

void cmd_unfix(deck *dk)
{
    int i = 1;
    const char *name = deck_word(dk, &i, "fix name");
    deck_done(dk, i);
    const fix *f = fixes_find(dk->fixes, name);
    if (!f) {
        char list[1024] = "";
        for (int k = 0; k < dk->fixes->n; k++)
            if (dk->fixes->f[k]->ops->order == FIX_ORDER_USER) {
                strncat(list, " ", sizeof list - strlen(list) - 1);
                strncat(list, dk->fixes->f[k]->name, sizeof list - strlen(list) - 1);
            }
        deck_fail(dk, "unfix: no fix named '%s' (fixes:%s)", name, list[0] ? list : " none");
    }
    if (f->ops->order != FIX_ORDER_USER)
        deck_fail(dk, "unfix: '%s' is %s; %s", name,
                  f->ops->order <= FIX_ORDER_BAROSTAT ? "made by the ensemble command" : "mgmd's own entry",
                  f->ops->order <= FIX_ORDER_BAROSTAT ? "use 'ensemble nve' to remove it" : "it cannot be removed");
    fixes_remove(dk->fixes, dk->s, name);
}
