/* Deck commands of the analyses (docs/analysis.md). Each analysis defines
 * its command in its own *_cmd.c; this table lists them for deck/commands.c.
 *
 *   analyze NAME       sample observer NAME now and write its tables
 *   unobserve NAME     remove observer NAME (its dump columns go too)  */
#include "analysis/analysis_cmd.h"
#include "io/dump.h"
#include "parallel/parallel.h"

#include <string.h>

static void cmd_analyze(deck *dk)
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

static void cmd_unobserve(deck *dk)
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

void cmd_rdf(deck *dk); /* pair_structure_cmd.c */
void cmd_voronoi(deck *dk); /* voronoi_cmd.c */

const deck_command analysis_commands[] = {
    {"analyze", cmd_analyze, CMD_ACTION},
    {"unobserve", cmd_unobserve, CMD_SETTING},
    {"rdf", cmd_rdf, CMD_SETTING},
    {"voronoi", cmd_voronoi, CMD_SETTING},
    /* One line per analysis; defining an observer is a setting:
     * {"voronoi", cmd_voronoi, CMD_SETTING}, */
    {NULL, NULL, CMD_SETTING},
};
