/* Velocity-Verlet time integration and the run loop.
 *
 *   v(t+dt/2) = v(t) + dt/2 f(t)/m;  x(t+dt) = x(t) + dt v(t+dt/2)
 *   [re-neighbour or refresh ghosts; forces f(t+dt)]
 *   v(t+dt)   = v(t+dt/2) + dt/2 f(t+dt)/m
 *
 * The same arithmetic as LAMMPS' fix nve, so short trajectories from the same
 * data file agree with it to round-off. Thermostats and the barostat
 * (ensemble.h) act around the two half steps. */
#ifndef MGMD_VERLET_H
#define MGMD_VERLET_H

#include <stdint.h>

#include "integrate/ensemble.h"
#include "io/output.h"
#include "system/system.h"

/* How a run is driven from outside: resumed part-way (restart), watched
 * after every step (checkpoints, signals), reporting progress. */
typedef struct run_control {
    int resumed;             /* continuing from a checkpoint taken in this run */
    int64_t resume;          /* steps of it done before the checkpoint       */
    double t0;               /* ps: time at the run's step 0 (when resumed)  */
    /* Called after set-up (n = resume) and at the end of every step n, after
     * the outputs, with whether that step rebuilt the neighbour lists.
     * Returns 1 to end the run there. May be NULL. */
    int (*after_step)(void *ctx, md *s, int64_t n, int64_t nsteps, int rebuilt);
    void *ctx;
    double progress_every;   /* s of wall time between progress lines; 0 none */
} run_control;

/* Run nsteps steps of the ensemble e (0: just evaluate and output the
 * current state). The target temperature ramps linearly from e->t_start to
 * e->t_stop over the run. rc may be NULL (a plain run). When resumed (the
 * state loaded from a checkpoint written after step rc->resume of this
 * run), the outputs of that step are not repeated: they were written before
 * the checkpoint. Returns 1 if after_step ended the run early, else 0. */
int run_dynamics(md *s, outputs *o, ensemble *e, int64_t nsteps, const run_control *rc);

#endif
