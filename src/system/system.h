/* The whole simulated system, passed explicitly to every command: box,
 * atoms, decomposition, halo, neighbour list, potential, clock.
 * No global state anywhere else in mgmd. */
#ifndef MGMD_SYSTEM_H
#define MGMD_SYSTEM_H

#include <stdint.h>

#include "core/timer.h"
#include "neighbor/neighbor.h"
#include "parallel/decomp.h"
#include "parallel/halo.h"
#include "potential/eam.h"
#include "system/atoms.h"
#include "system/box.h"

typedef struct md {
    box box;
    atoms atoms;
    decomp dc;
    halo halo;
    neighbor nb;
    eam *pot;                /* NULL until a potential is chosen             */
    int have_box;
    int procs[3];            /* user's rank grid, 0 = choose                 */
    double dt;               /* ps                                           */
    int64_t step;
    double time;             /* ps                                           */
    /* Results of the last force evaluation (global sums). */
    double epot;             /* eV                                           */
    double virial[6];        /* eV: xx yy zz xy xz yz                        */
    int64_t energy_at;
    int ready;               /* ghosts, lists and forces are current         */
    double bath_energy;      /* eV held by a thermostat (ensemble.h), so     */
                             /* thermo can report the conserved quantity      */
    timers tm;
} md;

void md_init(md *s);
void md_destroy(md *s);
/* Build the decomposition for the current box and rank count (collective). */
void md_decompose(md *s);
/* Re-neighbour: shrink-wrap, migrate, sort (if due), ghosts, lists. */
void md_reneighbor(md *s);
/* Forces at the current positions (ghosts must be current). With
 * want_energy, also energy and virial, summed over ranks. */
void md_force(md *s, int want_energy);
/* Make everything current before a run or an analysis (collective). */
void md_setup(md *s, int want_energy);
/* After owned atoms moved: re-neighbour if they moved far enough, else
 * refresh the ghosts' positions (collective). `strict` as in
 * neighbor_decide(): dynamics stops on a blown-up step, minimisers do not.
 * Returns 1 if it re-neighboured. */
int md_refresh(md *s, int strict);
/* Replace the box, mapping owned atoms affinely (same fractional
 * coordinates); ghosts follow at the next md_refresh(). Velocities are not
 * touched. Collective only in that every rank must call it. */
void md_change_box(md *s, const box *nb);
/* Pressure tensor (bar, xx yy zz xy xz yz) from the last energy evaluation
 * and the current velocities; returns the scalar pressure (bar). */
double md_pressure(md *s, double p[6]);

/* Global kinetic energy (eV) and kinetic tensor sum m v_a v_b (eV). */
double md_kinetic(const md *s, double ktensor[6]);
/* Degrees of freedom for the temperature: 3N - 3 (momentum removed). */
double md_dof(const md *s);
/* Total mass (g/mol). */
double md_total_mass(const md *s);

#endif
