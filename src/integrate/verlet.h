/* Velocity-Verlet time integration: the skeleton of every step.
 *
 *   v(t+dt/2) = v(t) + dt/2 f(t)/m;  x(t+dt) = x(t) + dt v(t+dt/2)
 *   [re-neighbour or refresh ghosts; forces f(t+dt)]
 *   v(t+dt)   = v(t+dt/2) + dt/2 f(t+dt)/m
 *
 * The same arithmetic as LAMMPS' fix nve, so short trajectories from the same
 * data file agree with it to round-off. Everything else that acts during a
 * step (thermostats, the barostat, frozen or driven groups, outputs,
 * checkpoints) is an entry of the fix list, called at the points fix.h
 * lists; this file knows no kind of fix by name. */
#ifndef MGMD_VERLET_H
#define MGMD_VERLET_H

#include <stdint.h>

#include "integrate/fix.h"
#include "system/system.h"

/* A run continued from a checkpoint written after `done` of its steps. */
typedef struct run_resume {
    int resumed;
    int64_t done;
    double t0;               /* ps: time at the run's step 0                 */
} run_resume;

/* Run nsteps steps (0: just evaluate, and let the outputs write, the
 * current state) under the fix list. r may be NULL (a fresh run); when
 * resumed, the state is the checkpoint's, taken after step r->done, and the
 * outputs of that step are not written again. Prints LAMMPS' timing table
 * at the end. Returns 1 if an entry ended the run early, else 0. */
int run_dynamics(md *s, fix_list *fx, int64_t nsteps, const run_resume *r);

#endif
