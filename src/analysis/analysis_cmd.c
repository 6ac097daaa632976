/* Deck commands common to every analysis (docs/analysis.md); each analysis
 * defines its own command in its *_cmd.c, registered in deck/registry.c.
 *
 *   analyze NAME       sample observer NAME now and write its tables
 *   unobserve NAME     remove observer NAME (its dump columns go too)  */
#include "deck/deck.h"
#include "io/dump.h"
#include "parallel/parallel.h"

#include <string.h>

void cmd_analyze(deck *dk)
{
    int i = 1;
    const char *name = deck_word(dk, &i, "observer name");
    deck_done(dk, i);
    observer *ob = outputs_find_observer(dk->out, name);
    if (!ob)
        deck_fail(dk, "analyze: no observer named '%s'", name);
    if (!dk->s->have_box)
        deck_fail(dk, "analyze: no system yet");
    if (!dk->s->ready)
        md_setup(dk->s, 1);
    ob->last_step = -1; /* sample even if this step was sampled in a run */
    observer_sample(ob, dk->s);
    if (ob->ops->stage_end)
        ob->ops->stage_end(ob, dk->s);
}

void cmd_unobserve(deck *dk)
{
    int i = 1;
    const char *name = deck_word(dk, &i, "observer name");
    deck_done(dk, i);
    if (!outputs_find_observer(dk->out, name))
        deck_fail(dk, "unobserve: no observer named '%s'", name);
    for (int k = 0; k < dk->out->ndump; k++)
        if (dump_uses_observer(&dk->out->dumps[k], outputs_find_observer(dk->out, name)))
            deck_fail(dk, "unobserve: dump '%s' writes columns of '%s'; undump it first", dk->out->dumps[k].name,
                      name);
    outputs_remove_observer(dk->out, dk->s, name);
}

