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

/* Run nsteps steps of the ensemble e (0: just evaluate and output the
 * current state). The target temperature ramps linearly from e->t_start to
 * e->t_stop over the run. */
void run_dynamics(md *s, outputs *o, ensemble *e, int64_t nsteps);

#endif
