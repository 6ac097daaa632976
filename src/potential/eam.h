/* Embedded-atom method forces (Daw & Baskes, PRB 29, 6443, 1984).
 *
 *   E = sum_i F_ti(rho_i) + 1/2 sum_i sum_j!=i phi_titj(r_ij),
 *   rho_i = sum_j!=i rho_{tj->ti}(r_ij)
 *   f_i = -sum_j [F'_ti(rho_i) rho'_{tj->ti}(r) + F'_tj(rho_j) rho'_{ti->tj}(r) + phi'(r)] (x_i - x_j)/r
 *
 * The tabulated functions are interpolated by piecewise cubics whose knot
 * derivatives come from a five-point finite-difference stencil (the scheme
 * LAMMPS uses for the same files, so energies and forces agree with it to
 * round-off; see docs/methods.md). Forces are the exact derivatives of the
 * interpolated energy, so energy is conserved to integrator accuracy.
 *
 * Two passes over the half neighbour list (neighbor.h):
 *   1. densities rho_i for owned atoms (owned pairs update both atoms, ghost
 *      pairs only the owned one), then F(rho_i) and F'(rho_i);
 *   2. halo_forward() of F' to the ghosts -- the one communication inside a
 *      force call -- then pair forces.
 * Coefficients are packed per ordered pair of types, so one pair reads one
 * cache line in pass 1 and two in pass 2. */
#ifndef MGMD_EAM_H
#define MGMD_EAM_H

#include "neighbor/neighbor.h"
#include "parallel/halo.h"
#include "potential/eam_file.h"
#include "system/atoms.h"

typedef struct eam_pass1 { double a[4], b[4]; } eam_pass1;   /* rho_{j->i}, rho_{i->j} */
typedef struct eam_pass2 { double c[16]; } eam_pass2;       /* see eam.c             */

typedef struct eam {
    enum eam_style style;
    eam_tables tab;
    uint64_t hash;              /* eam_tables_hash of tab (checkpoints)       */
    int ntypes, nr, nrho;
    double dr, rdr, drho, rdrho, rhomax, cut;
    double rmin;                /* closest allowed approach (A): eam.c        */
    double (**frho)[7];         /* [nfrho] -> [nrho][7] spline of F           */
    eam_pass1 **p1;             /* [(nt+1)^2] -> [nr]                         */
    eam_pass2 **p2;             /* [(nt+1)^2] -> [nr]                         */
    double *cutpair;            /* [(nt+1)^2] effective cutoff per pair (A)   */
    double *rho, *fp;           /* per atom (owned + ghost)                   */
    int nmax;
    /* Pairs inside the cutoff found by pass 1, reused by pass 2 so it never
     * visits the skin's candidates: per owned atom, owned then ghost ones. */
    int *pair_j, *pair_nown, *pair_nghost, *pair_first;
    size_t paircap;
    int pairatoms;
} eam;

/* Spline the tables and build packed coefficients. Takes ownership of tab. */
void eam_setup(eam *p, enum eam_style style, eam_tables *tab);
void eam_destroy(eam *p);

/* Forces on owned atoms (added to a->f, which the caller zeroes), total
 * potential energy of owned atoms (eV) and virial W_ab = sum r_a f_b (eV,
 * order xx yy zz xy xz yz), both summed over this rank only. With
 * a->want_peratom, also a->eatom and a->vatom. Pass energy == NULL on steps
 * that need forces only. Returns -1, or the index of an owned atom closer
 * than p->rmin to a neighbour (*other = that neighbour's index). */
int eam_compute(eam *p, atoms *a, const neighbor *nb, halo *h,
                double *energy, double virial[6], int *other);

#endif
