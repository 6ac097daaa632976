/* Checkpoints and restarts, from the deck's side (docs/checkpoints.md).
 *
 * The deck's position is (statement, stage, step): the index of the
 * statement in execution order (every command and every for/if/else/end/
 * include line executed, loops unrolled), how many runs that command had
 * finished (a `cycle` is several), and how many steps of the current run
 * were done. A restart replays the deck from the top: settings run again,
 * actions already done are skipped, each statement takes the substitution
 * and each condition the decision recorded by the run that wrote the
 * checkpoint (so loops take the same passes and includes the same files),
 * the first command that created the system loads it from the checkpoint,
 * and at the checkpoint's statement, after checking that the open loops and
 * includes are the recorded ones, the whole state is loaded and the command
 * resumes at its stage and step.
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
/* Around `clear` (deck_clear): the progress interval before, and the
 * checkpoint and progress entries added to the emptied fix list after. */
double restart_progress_interval(const deck *dk);
void restart_readd_fixes(deck *dk, double progress_interval);
/* -restart on the command line, or the `restart` command: find the newest
 * valid checkpoint of PREFIX (or the file itself) and arrange the replay.
 * Returns 1 if one was found; 0 if none exists and `optional`. */
int restart_from(deck *dk, const char *prefix, int optional);
/* The stored deck of the pending restart (for -restart without a deck). */
const char *restart_deck_text(const deck *dk, const char **path, const char **dir);
/* Every statement of the deck (commands and the language's lines), before
 * it runs: counts it, checks it against the checkpoint's record while a
 * restart replays, loads the state at the checkpoint's statement, and fills
 * dk->expanded (substituted now, or as recorded while replaying). */
void restart_statement(deck *dk, const char *raw);
/* An if/elif condition while replaying: 1 and the recorded decision, or 0
 * (decide it now, then record it). */
int restart_decision(deck *dk, int *value);
void restart_record_decision(deck *dk, int value);
/* Around every registered command: returns 1 to execute it, 0 to skip it. */
int restart_before_command(deck *dk, const deck_command *c);
void restart_after_command(deck *dk);
/* A command that runs no dynamics but has stages of its own (aqs: strain
 * increments), after `done` of them: a checkpoint if `due` (the command's
 * own interval), if `checkpoint every N` steps have passed, or if a stop
 * was signalled (then exit 75); collective, returns 1 if it wrote one. The
 * state must be one the next stage rebuilds exactly (it re-neighbours
 * first). A restart from it resumes the command with dk->pos.resume set
 * and dk->pos.resume_stage = done; the command clears resume. */
int restart_between_stages(deck *dk, int done, int due);
/* At the end of the deck. */
void restart_end_of_deck(deck *dk);

/* Deck commands (restart.c). */
void cmd_checkpoint(deck *dk);
void cmd_write_checkpoint(deck *dk);
void cmd_restart(deck *dk);
void cmd_read_checkpoint(deck *dk);
void cmd_progress(deck *dk);

#endif
