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

/* Scratch arrays per atom's pair range (eam.c), each padded by the widest
 * SIMD width so vector kernels may store whole vectors. */
#define EAM_NSCRATCH 3
#define EAM_SIMD_PAD 16

/* Interval m and fraction pp of r in the r tables, LAMMPS' arithmetic, so
 * the same r lands at the same point bit for bit (the vector kernels
 * repeat it lane by lane). */
#define EAM_LOCATE(pp, mm, x, rd, n)                                           \
    do {                                                                       \
        pp = (x) * (rd) + 1.0;                                                 \
        mm = (int)pp;                                                          \
        if (mm > (n) - 1) mm = (n) - 1;                                        \
        pp -= mm;                                                              \
        if (pp > 1.0) pp = 1.0;                                                \
        mm -= 1;                                                               \
    } while (0)

struct eam;

/* One implementation of the pair loops for one atom's neighbour range
 * (eam.c: scalar; eam_simd.c: AVX2, AVX-512). density[owned]: pass 1 over
 * the list's candidates, returns the accepted ones in out[];
 * pairs[owned][eflag]: pass 2 over accepted pairs (ghost ranges with
 * eflag add their virial pair by pair). Same arguments as eam.c's
 * density_range and pair_forces. */
typedef struct eam_kernel {
    const char *name;
    int packed;                 /* reads eam.rec and eam.pair_row             */
    int (*density[2])(const struct eam *p, const atoms *a, int i, const int *jl, int n,
                      const double *cutsq_i, const double *row1, double *rhoi, int *out, double *rsqmin);
    void (*pairs[2][2])(const struct eam *p, atoms *a, int i, const int *jl, int n, const double *row2,
                        double *energy, double *vir, double fsum[3]);
} eam_kernel;

/* The vector kernel named `name` ("avx2", "avx512") if this build and CPU
 * run it, the widest such for NULL; NULL if none. */
const eam_kernel *eam_simd_kernel(const char *name);

typedef struct eam {
    enum eam_style style;
    eam_tables tab;
    uint64_t hash;              /* eam_tables_hash of tab (checkpoints)       */
    int ntypes, nr, nrho;
    double dr, rdr, drho, rdrho, rhomax, cut;
    double rmin;                /* closest allowed approach (A): eam.c        */
    double (**frho)[7];         /* [nfrho] -> [nrho][7] spline of F           */
    double *c1;                 /* [nt*nt][nr][8]  pass 1 (eam.c)             */
    double *c2;                 /* [nt*nt][nr][16] pass 2 (eam.c)             */
    double *cutpair;            /* [(nt+1)^2] effective cutoff per pair (A)   */
    double *rho, *fp;           /* per atom (owned + ghost)                   */
    int nmax;
    /* Pairs inside the cutoff found by pass 1, reused by pass 2 so it never
     * visits the skin's candidates: per owned atom, owned then ghost ones. */
    int *pair_j, *pair_nown, *pair_nghost, *pair_first;
    int *pair_row;              /* each pair's table row, (tj-1) nr + m       */
    double *rec;                /* [nmax][4] packed per atom (vector kernels) */
    size_t paircap, npairs;     /* npairs: accepted by the last pass 1        */
    int pairatoms;
    double *scratch;            /* [EAM_NSCRATCH][scap] per-pair values       */
    int scap;
    const eam_kernel *kernel;   /* chosen at setup (eam.c select_kernel)      */
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
