/* Ensembles: what the velocity-Verlet loop does besides kicks and drifts.
 *
 *   nve       nothing
 *   nvt       Nose-Hoover chain thermostat (Martyna, Klein & Tuckerman,
 *             J. Chem. Phys. 97, 2635 (1992)), integrated by the Trotter
 *             splitting of Martyna, Tuckerman, Tobias & Klein, Mol. Phys.
 *             87, 1117 (1996): a half step of the chain around the
 *             velocity-Verlet step. Chain masses Q0 = Nf kT tau^2,
 *             Qi = kT tau^2 (tau = tdamp), as LAMMPS' fix nvt.
 *   langevin  BAOAB splitting (Leimkuhler & Matthews, Appl. Math. Res.
 *             Express 2013, 34): kick, half drift, exact Ornstein-Uhlenbeck
 *             velocity update, half drift, kick. Random numbers are keyed
 *             by (seed, atom id, step): identical on any rank count.
 *
 * The target temperature follows a schedule: linear from t_start to t_stop
 * over each `run` (LAMMPS' convention), or set by the quench/hold/cycle
 * commands. The conserved quantity (econserve in thermo) is the total energy
 * plus the thermostat's energy: for the chain, sum Q_i eta_dot_i^2 / 2 +
 * Nf kT eta_0 + kT sum_{i>0} eta_i; for Langevin, minus the heat the
 * thermostat added. Its drift measures integration error. */
#ifndef MGMD_ENSEMBLE_H
#define MGMD_ENSEMBLE_H

#include <stdint.h>

#include "system/system.h"

#define NH_MAX_CHAIN 10

enum ensemble_kind { ENS_NVE = 0, ENS_NVT = 1, ENS_LANGEVIN = 2 };

typedef struct ensemble {
    enum ensemble_kind kind;
    double t_start, t_stop;      /* K: target at the start and end of a run  */
    double tdamp;                /* ps                                        */
    int nchain;
    uint64_t seed;               /* Langevin                                  */
    /* state (checkpointed) */
    double eta[NH_MAX_CHAIN], eta_dot[NH_MAX_CHAIN];
    double reservoir;            /* eV: energy the thermostat holds/removed   */
    double t_target;             /* K: at the current step                    */
} ensemble;

void ensemble_init(ensemble *e);
const char *ensemble_name(const ensemble *e);
/* Target temperature at step n of a run of nsteps (linear ramp). */
double ensemble_target(const ensemble *e, int64_t n, int64_t nsteps);
/* Nose-Hoover chain: half a time step (dt/2) of the chain, scaling the
 * velocities of owned atoms (collective). */
void nh_half_step(ensemble *e, md *s, double dt);
/* Langevin O step: exact Ornstein-Uhlenbeck update over dt (collective for
 * the energy bookkeeping). */
void langevin_o_step(ensemble *e, md *s, double dt);
/* Thermostat energy for the conserved quantity (eV). */
double ensemble_energy(const ensemble *e, const md *s);

#endif
