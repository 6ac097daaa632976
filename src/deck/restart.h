/* Checkpoints and restarts, from the deck's side (docs/checkpoints.md).
 *
 * The deck's position is (command, stage, step): the index of the command
 * in execution order, how many runs that command had finished (a `cycle` is
 * several), and how many steps of the current run were done. A restart
 * replays the deck from the top: settings run again, actions already done
 * are skipped, the first command that created the system loads it from the
 * checkpoint, and at the checkpoint's command the whole state is loaded and
 * the command resumes at its stage and step.
 *
 * Checkpoints within runs are made by an entry of the fix list (after the
 * outputs at the end of a step). Periodic checkpoints are written at the
 * first neighbour-list rebuild at
 * or after each due step (at most 100 steps later, then a rebuild is
 * forced): the state right after a rebuild is what a restart rebuilds
 * exactly, so the continued run is bitwise the uninterrupted one on the
 * same rank count. */
#ifndef MGMD_RESTART_H
#define MGMD_RESTART_H

#include <stdint.h>

#include "deck/deck.h"

void restart_init(deck *dk);
void restart_free(deck *dk);
/* -restart on the command line, or the `restart` command: find the newest
 * valid checkpoint of PREFIX (or the file itself) and arrange the replay.
 * Returns 1 if one was found; 0 if none exists and `optional`. */
int restart_from(deck *dk, const char *prefix, int optional);
/* The stored deck of the pending restart (for -restart without a deck). */
const char *restart_deck_text(const deck *dk, const char **path, const char **dir);
/* Around every deck command: returns 1 to execute it, 0 to skip it. */
int restart_before_command(deck *dk, const deck_command *c);
void restart_after_command(deck *dk);
/* At the end of the deck. */
void restart_end_of_deck(deck *dk);

/* Deck commands (restart.c). */
void cmd_checkpoint(deck *dk);
void cmd_write_checkpoint(deck *dk);
void cmd_restart(deck *dk);
void cmd_read_checkpoint(deck *dk);
void cmd_progress(deck *dk);

#endif
