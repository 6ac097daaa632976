/* The whole simulated system, passed explicitly to every command: box,
 * atoms, decomposition, halo, neighbour list, potential, clock, regions and
 * groups. No global state anywhere else in mgmd.
 *
 * The decomposition persists across runs: it is made when a system is
 * created or its box is replaced or reshaped (md_decompose), not at every
 * run, so cuts a load balancer moves stay where it put them.
 *
 * Communication: md_reneighbor (migration, ghosts), md_refresh (ghost
 * positions, the rebuild decision), md_force (F' to ghosts, energy sums),
 * and every function below marked collective. */
#ifndef MGMD_SYSTEM_H
#define MGMD_SYSTEM_H

#include <stdint.h>

#include "core/ckpt_section.h"
#include "core/timer.h"
#include "neighbor/neighbor.h"
#include "parallel/decomp.h"
#include "parallel/halo.h"
#include "potential/eam.h"
#include "system/atoms.h"
#include "system/box.h"
#include "system/group.h"
#include "system/region.h"

enum md_flow { FLOW_NONE, FLOW_AFFINE, FLOW_TWIST };

typedef struct md {
    box box;
    atoms atoms;
    decomp dc;
    halo halo;
    neighbor nb;
    eam *pot;                /* NULL until a potential is chosen             */
    region_table regions;
    group_table groups;
    uint64_t held;           /* groups whose atoms a fix holds (freeze, move):*/
                             /* no thermostat acts on them and temperatures   */
                             /* leave out their degrees of freedom            */
    int64_t box_changes;     /* counts md_change_box calls (fixes notice)     */
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
    /* Streaming flow: the part of the atoms' velocities that a loading
     * fix drives, which SLLOD thermostats (`sllod yes`), the kinetic part
     * of the pressure and the peculiar temperature take out (v - u).
     * FLOW_AFFINE (a `deform ... remap v` fix, fix/deform.c): the flow
     * u(x) = lo_rate + hdot h^-1 (x - lo) of the deforming box, hdot the
     * edges' rates (A/ps; columns a, b, c as box.h's h) and lo_rate the
     * corner's (A/ps). FLOW_TWIST (a `torsion` fix turning its top grip,
     * fix/torsion.c): u(x) = omega w(z) e_axis x (x - c), w(z) = (z - lo) /
     * (hi - lo) clamped to [0, 1] on the unwrapped axial coordinate z, the
     * uniform twist between a held bottom grip and a top grip turning at
     * omega (rad/ps). */
    int flow;                /* enum md_flow                                 */
    double hdot[3][3];
    double lo_rate[3];
    struct md_twist_flow {
        int axis;
        double c[3];         /* a point on the axis (A)                      */
        double lo, hi;       /* gauge section along the axis (A)             */
        double omega;        /* rad/ps                                       */
    } twist;
    double bath_energy;      /* eV held by a thermostat (ensemble.h), so     */
                             /* thermo can report the conserved quantity      */
    timers tm;
} md;

void md_init(md *s);
void md_destroy(md *s);
/* Build the decomposition for the current box and rank count: the grid
 * that minimises the sub-domain surface, uniform cuts (collective). Called
 * when a system is created and when its box is replaced or its boundaries
 * change; runs keep the cuts they find. */
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
/* Replace the box leaving the atoms where they are (a deformation whose
 * flow the velocities carry, `remap v`). */
void md_set_box(md *s, const box *nb);
/* The streaming velocity u of the flow at owned atom i (A/ps; zero
 * without flow). */
void md_streaming(const md *s, int i, double u[3]);
/* The term SLLOD adds for the flow: the velocity gradient g[r][c] =
 * du_r/dx_c = (hdot h^-1)[r][c] (1/ps) of an affine flow, the same for
 * every atom, so a loop computes it once. Zero for a twist, which is not a
 * homogeneous flow: a thermostat there only takes the profile out of the
 * velocities it acts on (as LAMMPS' biased temperatures, compute
 * temp/profile or temp/rotate, do). */
void md_flow_gradient(const md *s, double g[3][3]);
/* A thermostat's update of an atom's velocity v under the flow over a
 * time tau (ps), u the streaming velocity where the atom is and g the
 * gradient: the peculiar part scaled, v <- u + scale (v - u), plus SLLOD's
 * flow term (u.grad)u tau, which with v the total velocity (x drifts by v)
 * is what makes the peculiar momentum obey dp/dt = F - p.grad(u); zero for
 * simple shear, where SLLOD is Newton's equations under a sheared box. */
void md_flow_scale(const double u[3], const double g[3][3], double v[3], double scale, double tau);
/* After an edit added, removed or moved owned atoms anywhere (collective):
 * the global count, atoms wrapped into the periodic box (image flags
 * updated) and sent to the ranks that own them, dynamic groups and group
 * counts brought up to date; ghosts and lists are made again before the
 * next forces. Fails naming the atom if one is outside a fixed boundary. */
void md_atoms_changed(md *s);
/* Flip the box if a tilt passed half a box length (box_flip), keeping every
 * atom's unwrapped position (image flags re-expressed in the new cell;
 * positions are wrapped by the next re-neighbouring, which the caller
 * does: fixes_reneighbor in a run, md_reneighbor elsewhere). Prints the
 * flip on rank 0 with `who` (the fix or command). Returns 1 if it flipped. */
int md_flip_box(md *s, const char *who);
/* Pressure tensor (bar, xx yy zz xy xz yz) from the last energy evaluation
 * and the current velocities (their thermal part under a streaming flow,
 * as LAMMPS' pressure with a temp/deform temperature); returns the scalar
 * pressure (bar). */
double md_pressure(md *s, double p[6]);

/* Global kinetic energy (eV) and kinetic tensor sum m v_a v_b (eV). */
double md_kinetic(const md *s, double ktensor[6]);
/* md_group_kinetic with the streaming flow taken out of the velocities,
 * v - u(x) (equal to it without flow): the thermal part, what SLLOD
 * thermostats and the peculiar temperature use (collective). */
double md_peculiar_kinetic(const md *s, int g, double ktensor[6]);
/* The system's peculiar temperature (K): md_peculiar_kinetic over md_dof,
 * thermo's `ptemp` (equal to `temp` without a flow; collective). */
double md_peculiar_temperature(const md *s);
/* The same over the owned atoms in group g that no fix holds (collective). */
double md_group_kinetic(const md *s, int g, double ktensor[6]);
/* Atoms in group g that no fix holds (collective when a fix holds atoms or
 * g is not `all`). */
int64_t md_group_mobile(const md *s, int g);
/* Degrees of freedom of group g for its temperature: 3 per atom no fix
 * holds, less 3 (LAMMPS' compute temp: 3N - 3 for any group). Collective
 * as md_group_mobile. */
double md_group_dof(const md *s, int g);
/* Degrees of freedom of the whole system's temperature: md_group_dof(all). */
double md_dof(const md *s);
/* Total mass (g/mol). */
double md_total_mass(const md *s);

/* Checkpoint sections of the system: "decomposition" (the grid and its
 * cuts) and "groups" (system/group.c: which name each mask bit has). */
ckpt_section md_decomposition_section(md *s);
ckpt_section groups_section(md *s);

#endif
