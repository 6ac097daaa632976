/* Velocity-Verlet time integration (NVE) and the run loop.
 *
 *   v(t+dt/2) = v(t) + dt/2 f(t)/m;  x(t+dt) = x(t) + dt v(t+dt/2)
 *   [re-neighbour or refresh ghosts; forces f(t+dt)]
 *   v(t+dt)   = v(t+dt/2) + dt/2 f(t+dt)/m
 *
 * The same arithmetic as LAMMPS' fix nve, so short trajectories from the same
 * data file agree with it to round-off. Later ensembles plug in around the
 * two half-steps. */
#ifndef MGMD_VERLET_H
#define MGMD_VERLET_H

#include <stdint.h>

#include "io/output.h"
#include "system/system.h"

/* Run nsteps steps (0: just evaluate and output the current state). */
void run_nve(md *s, outputs *o, int64_t nsteps);

#endif
