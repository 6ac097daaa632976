/* Runs as stages of a deck command, resumable from a checkpoint.
 *
 * A command may make several runs (`cycle` makes four per cycle); each is a
 * stage. The position of a study is (command, stage, step within the
 * stage's run); the deck knows the command, this driver the rest. A
 * restart sets a pending resume (the checkpoint's stage and step): stages
 * before it are skipped, that stage continues from its step, later ones
 * run as usual. All dynamics goes through run_stage(). */
#ifndef MGMD_RUN_H
#define MGMD_RUN_H

#include <stdint.h>

#include "integrate/fix.h"
#include "system/system.h"

typedef struct run_position {
    int stage;                 /* runs begun by the current command           */
    int64_t run_steps;         /* the current run's length                    */
    double run_t0;             /* ps: time at its step 0                      */
    /* A checkpoint's position to continue from (restart). */
    int resume;                /* pending                                     */
    int resume_stage;
    int64_t resume_done;       /* steps of that run done                      */
    int64_t resume_steps;      /* its length                                  */
    double resume_t0;          /* ps                                          */
} run_position;

/* A new command begins: its stages count from 0. */
void run_next_command(run_position *p);
/* Run nsteps as the next stage of the current command (collective).
 * Returns 0; or -1 with a message if it is the stage a restart resumes and
 * its length differs from the checkpoint's. */
int run_stage(md *s, fix_list *fx, run_position *p, int64_t nsteps, char *err, int errlen);

#endif
