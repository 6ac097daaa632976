/* Shared machinery of the minimisers (internal to src/minimize).
 *
 * Degrees of freedom. Without box relaxation they are the atoms' unwrapped
 * positions u_i = x_i + H n_i (n_i the image flags), so periodic wrapping
 * and migration between ranks never disturb a line search. With box
 * relaxation the box is H = A H0, A = I + eps upper triangular (eps the
 * strain from the box H0 at the start, about the fixed box centre c), and
 * the atom coordinates live in that reference frame:
 *
 *     x_i (unwrapped) = c + A (u_i - c),     x_i = c + A (u_i - c) - H n_i.
 *
 * The objective is Phi = E + P_t V (the enthalpy LAMMPS' fix box/relax
 * minimises). With fractional coordinates fixed, dE/dH = -W H^-T for the
 * virial W_ab = sum r_a f_b of the periodic cell, so its gradient is
 *
 *     dPhi/du_i = -A^T f_i
 *     dPhi/dA   = -(W - P_t V I) A^-T            (W the virial, eV)
 *
 * The strain components are dimensionless; each is scaled to a length,
 * q_k = s_k eps_k with s_k = sqrt(N) (V0/N)^(1/3) (times sqrt(3) for the one
 * iso strain), so a box coordinate is about as stiff as an atom's:
 * d2Phi/dq^2 ~ N (V/N) B / s^2 = B (V/N)^(1/3), a few eV/A^2. Its generalized
 * force, -dPhi/dq_k, is in eV/A like an atom's. The force 2-norm that ftol
 * tests includes these box forces; at convergence the pressure is within
 * ftol s_k / V of the target.
 *
 * Every rank holds the same box coordinates (they are computed from global
 * sums only), so the box stays the same everywhere.
 *
 * Communication: min_eval() (halo refresh or re-neighbouring, the force
 * call's reductions) and the global dot products (one allreduce each). */
#ifndef MGMD_MIN_CORE_H
#define MGMD_MIN_CORE_H

#include "minimize/minimize.h"

#define MIN_NBOX_MAX 6

typedef struct min_state {
    md *s;
    outputs *o;
    min_params p;
    int nbox;                 /* box degrees of freedom: 0, 1, 3 or 6         */
    double q[MIN_NBOX_MAX];   /* box coordinates (A), 0 at the start          */
    double qs[MIN_NBOX_MAX];  /* scale: eps_k = q_k / qs_k                    */
    double qmax[MIN_NBOX_MAX]; /* largest change of q_k in one iteration (A)  */
    double fq[MIN_NBOX_MAX];  /* generalized forces -dPhi/dq_k (eV/A)         */
    double A[3][3];           /* deformation from the reference box           */
    double H0[3][3];          /* reference box matrix                         */
    double c[3];              /* fixed box centre (A)                         */
    double pt;                /* target pressure in eV/A^3                    */
    double phi;               /* objective E + P_t V at the last evaluation   */
    int64_t neval;
    int64_t start;            /* s->step at the start                         */
    int64_t thermo_last;      /* step of the last thermo line                 */
    /* CG's per-atom work vectors: one registered property of width 9 (u0, g,
     * h), so they travel with their atoms between ranks. */
    int prop;
} min_state;

/* Atom forces in the reference frame, A^T f_i. */
static inline void min_fu(const min_state *m, int i, double fu[3])
{
    const double *f = m->s->atoms.f[i];
    if (!m->nbox) {
        fu[0] = f[0]; fu[1] = f[1]; fu[2] = f[2];
        return;
    }
    const double (*A)[3] = m->A;
    fu[0] = A[0][0] * f[0];
    fu[1] = A[0][1] * f[0] + A[1][1] * f[1];
    fu[2] = A[0][2] * f[0] + A[1][2] * f[1] + A[2][2] * f[2];
}

/* Atom i's reference-frame coordinate from its current position. */
void min_unplace(const min_state *m, int i, double u[3]);
/* Atom i's position (wrapped as its image flags say) for coordinate u. */
void min_place(const min_state *m, int i, const double u[3]);
/* Set the box coordinates: new box, owned atoms mapped affinely. */
void min_set_box(min_state *m, const double q[MIN_NBOX_MAX]);
/* Ghosts and lists current, forces, energy, virial, Phi and box forces. */
void min_eval(min_state *m);
/* Global squared 2-norm of the generalized force (atoms and box). */
double min_fnorm_sqr(const min_state *m);
/* Energy tolerance test, as LAMMPS: |dE| < etol (|E| + |E'| + EPS)/2. */
int min_etol_met(const min_state *m, double ecur, double eprev);
/* Thermo and dumps due at this step (collective). */
void min_output(min_state *m);

#define MIN_EPS_ENERGY 1.0e-8

enum min_stop min_cg(min_state *m, int64_t *niter);
enum min_stop min_fire(min_state *m, int64_t *niter);

#endif
