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
 *   npt       the nvt chain plus the Martyna-Tobias-Klein barostat
 *             (J. Chem. Phys. 101, 4177 (1994)) in the flexible-cell form
 *             of Shinoda, Shiga & Mikami (Phys. Rev. B 69, 134103 (2004)),
 *             the equations and Trotter order of LAMMPS' fix npt. Strain
 *             rates omega_dot (1/ps) of the coupled box components, each of
 *             mass W = (N+1) kT taup^2, driven by (P - P_target) V plus the
 *             MTK term 2 KE / (3N); particle velocities feel
 *             -(omega_dot + Tr(omega_dot)/(3N)) v. The strain rates have
 *             their own Nose-Hoover chain (masses kT taup^2, LAMMPS'
 *             mpchain). couple iso: one rate for the coupled axes, driven by
 *             their mean pressure; aniso: one per coupled axis; tri: all
 *             six components (tilts driven by the off-diagonal pressure).
 *             docs/ensembles.md has the equations and the step order.
 *
 * The targets follow schedules: linear from start to stop over each `run`
 * (LAMMPS' convention) for temperature and pressure, or the temperature set
 * by the quench/hold/cycle commands. The conserved quantity (econserve in
 * thermo) is the total energy plus the baths' energy: for the chain,
 * sum Q_i eta_dot_i^2 / 2 + Nf kT eta_0 + kT sum_{i>0} eta_i; for the
 * barostat in addition sum W omega_dot^2 / 2 + the barostat chain's energy
 * + P_target V; for Langevin, minus the heat the thermostat added. Its drift
 * measures integration error (exact only while the targets are constant). */
#ifndef MGMD_ENSEMBLE_H
#define MGMD_ENSEMBLE_H

#include <stdint.h>

#include "system/system.h"

#define NH_MAX_CHAIN 10

enum ensemble_kind { ENS_NVE = 0, ENS_NVT = 1, ENS_LANGEVIN = 2, ENS_NPT = 3 };
/* Barostat coupling styles. */
enum baro_couple { BARO_ISO = 0, BARO_ANISO = 1, BARO_TRI = 2 };

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
    /* barostat (npt): settings */
    enum baro_couple couple;
    int paxis[3];                /* x, y, z coupled (1) or held fixed (0)     */
    double p_start, p_stop;      /* bar: hydrostatic target, start/end of run */
    double pdamp;                /* ps                                        */
    int pchain;                  /* barostat chain length, 0 = none           */
    /* barostat state (checkpointed); components xx yy zz xy xz yz as the
     * virial */
    double omega_dot[6];         /* 1/ps: box strain rates                    */
    double etap[NH_MAX_CHAIN], etap_dot[NH_MAX_CHAIN];
    double p_target;             /* bar: at the current step                  */
    double mtk_term2;            /* 1/ps: Tr(omega_dot)/(3N), from the last   */
                                 /* pressure half step                        */
} ensemble;

void ensemble_init(ensemble *e);
const char *ensemble_name(const ensemble *e);
/* Target temperature at step n of a run of nsteps (linear ramp). */
double ensemble_target(const ensemble *e, int64_t n, int64_t nsteps);
/* Target pressure (bar) at step n of a run of nsteps (linear ramp). */
double ensemble_pressure_target(const ensemble *e, int64_t n, int64_t nsteps);
/* Nose-Hoover chain: half a time step (dt/2) of the chain, scaling the
 * velocities of owned atoms (collective). */
void nh_half_step(ensemble *e, md *s, double dt);
/* Langevin O step: exact Ornstein-Uhlenbeck update over dt (collective for
 * the energy bookkeeping). */
void langevin_o_step(ensemble *e, md *s, double dt);
/* Barostat (npt): the pieces of the Trotter splitting, called by the run
 * loop in LAMMPS fix_nh's order (verlet.c; docs/ensembles.md). */
/* Can this box take this barostat? Fails collectively if a coupled axis is
 * not periodic or tri is asked of an orthogonal box. */
void npt_check(const ensemble *e, const md *s);
/* Half step (dt/2) of the barostat's Nose-Hoover chain, scaling the strain
 * rates. */
void npt_chain_half_step(ensemble *e, const md *s, double dt);
/* Half step (dt/2) of the strain rates from the current pressure tensor
 * (virial of the last energy evaluation, current velocities; collective). */
void npt_omega_half_step(ensemble *e, md *s, double dt);
/* Velocities under the strain rates for dt/2: v <- exp(-(omega_dot +
 * Tr(omega_dot)/(3N)) dt/2) v, split around the off-diagonal part. */
void npt_scale_velocities(ensemble *e, md *s, double dt);
/* Dilate (and shear) the box for dt/2 at the current strain rates, mapping
 * owned atoms affinely (md_change_box). */
void npt_remap_half(ensemble *e, md *s, double dt);
/* After a tri step: if a tilt passed half the box length it tilts along,
 * replace the cell by the equivalent less-skewed one (the same lattice of
 * images, as LAMMPS' box flip), fix the image flags and return 1: the caller
 * must then re-neighbour. Returns 0 if nothing changed. */
int npt_flip(ensemble *e, md *s);
/* Thermostat energy for the conserved quantity (eV). */
double ensemble_energy(const ensemble *e, const md *s);

#endif
