/* The EAM kernel (eam.h; docs/methods.md has the formulas). Setup: every
 * table becomes spline7 cubics (LAMMPS' interpolation), packed per ordered
 * type pair into two flat arrays (pass 1 rows: rho values; pass 2 rows:
 * slopes, r*phi); a pair's cutoff
 * ends one interval past its last non-zero coefficient; rmin is one dr past
 * the largest table r where some phi reaches 10 keV (at least dr). Pass 1
 * keeps the pairs inside the cutoff for pass 2. A pair with a ghost is
 * either evaluated for both atoms on one side (newton yes: the ghost's
 * density and force shares summed back to its owner by the halo) or for
 * the owned atom alone on each side, adding half its energy and virial
 * (newton no). Above rho_max
 * F follows its last tangent. Failure routes: tables under 5 points fail
 * collectively at setup; a NaN distance is skipped, never used as a table
 * index; an owned atom closer than rmin is returned (md_force stops the run).
 * The pair loops are an eam_kernel chosen at setup: the scalar loops here,
 * or eam_simd.c's vector ones (which read a packed record per atom, filled
 * here each call). Communication: one halo_forward() of F' per call, and
 * under Newton's third law two reverse sums (densities, forces; per-atom
 * energies and virials when wanted); sums are this rank's. */
#include "potential/eam.h"
#include "core/error.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define EAM_RMIN_ENERGY 1e4 /* eV: a pair energy no sane MD reaches */

/* Cubic through every interval of a table f[0..n-1] with spacing delta:
 * knot slopes from the five-point stencil (three- and two-point at the
 * ends), values and slopes matched at both knots (cubic Hermite). Row m
 * holds, for p in [0,1] across interval m,
 *   value = ((s[3] p + s[4]) p + s[5]) p + s[6]
 *   slope = ( s[0] p + s[1]) p + s[2]          (per unit r or rho)
 * This is the interpolation LAMMPS applies to EAM tables. */
static void spline7(int n, double delta, const double *f, double (*s)[7])
{
    for (int m = 0; m < n; m++)
        s[m][6] = f[m];
    s[0][5] = f[1] - f[0];
    s[1][5] = 0.5 * (f[2] - f[0]);
    s[n - 2][5] = 0.5 * (f[n - 1] - f[n - 3]);
    s[n - 1][5] = f[n - 1] - f[n - 2];
    for (int m = 2; m < n - 2; m++)
        s[m][5] = ((f[m - 2] - f[m + 2]) + 8.0 * (f[m + 1] - f[m - 1])) / 12.0;
    for (int m = 0; m < n - 1; m++) {
        s[m][4] = 3.0 * (f[m + 1] - f[m]) - 2.0 * s[m][5] - s[m + 1][5];
        s[m][3] = s[m][5] + s[m + 1][5] - 2.0 * (f[m + 1] - f[m]);
    }
    s[n - 1][4] = 0.0;
    s[n - 1][3] = 0.0;
    for (int m = 0; m < n; m++) {
        s[m][2] = s[m][5] / delta;
        s[m][1] = 2.0 * s[m][4] / delta;
        s[m][0] = 3.0 * s[m][3] / delta;
    }
}

static int row_nonzero(const double *s)
{
    for (int k = 0; k < 7; k++)
        if (s[k] != 0.0)
            return 1;
    return 0;
}

/* Which pair-loop implementation runs (defined with the kernels below). */
static const eam_kernel *select_kernel(void);

void eam_setup(eam *p, enum eam_style style, eam_tables *tab)
{
    memset(p, 0, sizeof *p);
    p->style = style;
    p->hash = eam_tables_hash(tab);
    p->tab = *tab;
    memset(tab, 0, sizeof *tab);
    eam_tables *t = &p->tab;
    if (t->nr < 5 || t->nrho < 5)
        mg_fail_all("EAM tables need at least 5 points (nr %d, nrho %d)", t->nr, t->nrho);
    int nt = t->ntypes, n1 = nt + 1;
    p->ntypes = nt;
    p->nr = t->nr;
    p->nrho = t->nrho;
    p->dr = t->dr;
    p->rdr = 1.0 / t->dr;
    p->drho = t->drho;
    p->rdrho = 1.0 / t->drho;
    p->rhomax = t->rhomax;
    p->cut = t->cut;
    /* Closest allowed approach: beyond the first table point and where every
     * pair energy phi = z2r/r has fallen below 10 keV. Placeholder values in
     * the cores of some files (CuZr_mm.eam.fs holds 1e12 up to 0.5 A) and
     * the 1/r of funcfl charges lie inside; no MD of a metal at any sane
     * temperature brings atoms there, so reaching it means overlapping atoms
     * in the input or a blown-up run. */
    p->rmin = t->dr;
    for (int k = 0; k < t->nz2r; k++)
        for (int m = 1; m < t->nr; m++) {
            double r = m * t->dr;
            if (!(t->z2r[k][m] / r < EAM_RMIN_ENERGY))
                p->rmin = fmax(p->rmin, r + t->dr);
        }

    p->frho = mg_calloc((size_t)t->nfrho, sizeof *p->frho);
    for (int k = 0; k < t->nfrho; k++) {
        p->frho[k] = mg_malloc((size_t)t->nrho * sizeof **p->frho);
        spline7(t->nrho, t->drho, t->frho[k], p->frho[k]);
    }
    double (**rs)[7] = mg_calloc((size_t)t->nrhor, sizeof *rs);
    for (int k = 0; k < t->nrhor; k++) {
        rs[k] = mg_malloc((size_t)t->nr * sizeof **rs);
        spline7(t->nr, t->dr, t->rhor[k], rs[k]);
    }
    double (**zs)[7] = mg_calloc((size_t)t->nz2r, sizeof *zs);
    for (int k = 0; k < t->nz2r; k++) {
        zs[k] = mg_malloc((size_t)t->nr * sizeof **zs);
        spline7(t->nr, t->dr, t->z2r[k], zs[k]);
    }

    /* Flat per ordered type pair (ti, tj), types from 1: row
     * ((ti-1) nt + tj-1) nr + m; the kernels index it with an int. */
    if ((double)nt * nt * t->nr * 16.0 > (double)INT32_MAX)
        mg_fail_all("EAM tables too large: %d types x %d points", nt, t->nr);
    p->c1 = mg_calloc((size_t)nt * nt * t->nr * 8, sizeof(double));
    p->c2 = mg_calloc((size_t)nt * nt * t->nr * 16, sizeof(double));
    p->cutpair = mg_calloc((size_t)(n1 * n1), sizeof *p->cutpair);
    p->kernel = select_kernel();
    for (int ti = 1; ti <= nt; ti++)
        for (int tj = 1; tj <= nt; tj++) {
            double (*rji)[7] = rs[t->type2rhor[tj * n1 + ti]];  /* j gives to i */
            double (*rij)[7] = rs[t->type2rhor[ti * n1 + tj]];  /* i gives to j */
            double (*z)[7] = zs[t->type2z2r[ti * n1 + tj]];
            size_t base = ((size_t)(ti - 1) * nt + (size_t)(tj - 1)) * (size_t)t->nr;
            int last = -1;
            for (int m = 0; m < t->nr; m++) {
                /* Pass 1: rho_{j->i} then rho_{i->j}, cubic coefficients. */
                double *r1 = p->c1 + 8 * (base + (size_t)m);
                /* Pass 2: slopes of rho_{j->i}, rho_{i->j}, r phi; then r phi. */
                double *r2 = p->c2 + 16 * (base + (size_t)m);
                for (int k = 0; k < 4; k++) {
                    r1[k] = rji[m][3 + k];
                    r1[4 + k] = rij[m][3 + k];
                }
                for (int k = 0; k < 3; k++) {
                    r2[k] = rji[m][k];
                    r2[3 + k] = rij[m][k];
                    r2[6 + k] = z[m][k];
                }
                for (int k = 0; k < 4; k++)
                    r2[9 + k] = z[m][3 + k];
                if (m <= t->nr - 2 && (row_nonzero(rji[m]) || row_nonzero(rij[m]) || row_nonzero(z[m])))
                    last = m;
            }
            /* Beyond the last interval with a non-zero coefficient every term
             * is exactly zero; one spare interval guards the index rounding. */
            double c = last >= t->nr - 3 ? t->cut : (last + 2) * t->dr;
            p->cutpair[ti * n1 + tj] = last < 0 ? 0.0 : fmin(c, t->cut);
        }
    for (int k = 0; k < t->nrhor; k++)
        free(rs[k]);
    for (int k = 0; k < t->nz2r; k++)
        free(zs[k]);
    free(rs);
    free(zs);
}

void eam_destroy(eam *p)
{
    if (p->frho)
        for (int k = 0; k < p->tab.nfrho; k++)
            free(p->frho[k]);
    free(p->frho);
    free(p->c1);
    free(p->c2);
    free(p->scratch);
    free(p->cutpair);
    free(p->rho);
    free(p->fp);
    free(p->pair_j);
    free(p->pair_row);
    free(p->rec);
    free(p->pair_first);
    free(p->pair_nown);
    free(p->pair_nghost);
    eam_tables_free(&p->tab);
    memset(p, 0, sizeof *p);
}

/* v += r (x) f in the virial's order xx yy zz xy xz yz. */
static inline void add_outer(double v[6], double rx, double ry, double rz, const double f[3])
{
    v[0] += rx * f[0];
    v[1] += ry * f[1];
    v[2] += rz * f[2];
    v[3] += rx * f[1];
    v[4] += rx * f[2];
    v[5] += ry * f[2];
}

/* Scratch for one atom's pair range (EAM_NSCRATCH arrays of scap
 * doubles), grown to the longest range plus one SIMD width of padding. */
static void scratch_reserve(eam *p, int n)
{
    if (n + EAM_SIMD_PAD <= p->scap)
        return;
    p->scap = n + n / 2 + 64 + EAM_SIMD_PAD;
    free(p->scratch);
    p->scratch = mg_malloc((size_t)p->scap * EAM_NSCRATCH * sizeof(double));
}

/* ---- the scalar kernels (every machine; eam_simd.c has the vector ones) */

/* Pass 1 over one atom's candidate range jl[0..n): the candidates inside
 * their pair cutoff are appended to out[] (NaN is rejected too: it must
 * never index a table) and counted; rho_{j->i} goes to *rhoi and, for
 * `owned` ranges, rho_{i->j} to rho[j]; *rsqmin: smallest accepted r^2. */
static inline __attribute__((always_inline)) int
density_range(const eam *p, const atoms *a, int i, const int *jl, int n, const double *cutsq_i,
              const double *row1, const int owned, double *rhoi, int *out, double *rsqmin)
{
    const double xi = a->x[i][0], yi = a->x[i][1], zi = a->x[i][2];
    const double rdr = p->rdr;
    const int nr = p->nr;
    double *rho = p->rho;
    double acc = 0.0, mn = *rsqmin;
    int nout = 0;
    for (int k = 0; k < n; k++) {
        int j = jl[k];
        double dx = xi - a->x[j][0], dy = yi - a->x[j][1], dz = zi - a->x[j][2];
        double rsq = dx * dx + dy * dy + dz * dz;
        int tj = a->type[j];
        if (!(rsq < cutsq_i[tj]))
            continue;
        out[nout++] = j;
        mn = rsq < mn ? rsq : mn;
        double pp;
        int m;
        EAM_LOCATE(pp, m, sqrt(rsq), rdr, nr);
        const double *c = row1 + 8 * ((tj - 1) * nr + m);
        acc += ((c[0] * pp + c[1]) * pp + c[2]) * pp + c[3];
        if (owned)
            rho[j] += ((c[4] * pp + c[5]) * pp + c[6]) * pp + c[7];
    }
    *rhoi += acc;
    *rsqmin = mn;
    return nout;
}

/* Pass 2 for one owned atom over its accepted pairs jl[0..n); `owned`
 * selects owned neighbours (both atoms updated, full energy) or ghosts
 * (only i, half the energy and virial). `vpair`: accumulate the virial
 * pair by pair (otherwise eam_compute gets the owned pairs' share from the
 * forces). The sum of the forces on i from these pairs goes to fsum. The
 * flags are compile-time constants at each call, so the compiler emits
 * lean loops. */
static inline __attribute__((always_inline)) void
pair_forces(const eam *p, atoms *a, int i, const int *jl, int n, const double *row2, const int owned,
            const int eflag, const int vpair, const int peratom, double *energy, double *vir, double fsum[3])
{
    const double xi = a->x[i][0], yi = a->x[i][1], zi = a->x[i][2];
    const double fpi = p->fp[i];
    const double rdr = p->rdr;
    const int nr = p->nr;
    /* Ghost pairs carry half the energy and virial; the weight is applied
     * once per call, and a pair's virial is built from its force
     * components (one multiply-add per entry). */
    const double w = owned ? 1.0 : 0.5;
    double fxi = 0, fyi = 0, fzi = 0, e = 0;
    double v0 = 0, v1 = 0, v2 = 0, v3 = 0, v4 = 0, v5 = 0;
    for (int k = 0; k < n; k++) {
        int j = jl[k];
        double dx = xi - a->x[j][0], dy = yi - a->x[j][1], dz = zi - a->x[j][2];
        double rsq = dx * dx + dy * dy + dz * dz;
        double r = sqrt(rsq), pp;
        int m;
        EAM_LOCATE(pp, m, r, rdr, nr);
        const double *c = row2 + 16 * ((a->type[j] - 1) * nr + m);
        double rhojp = (c[0] * pp + c[1]) * pp + c[2];
        double rhoip = (c[3] * pp + c[4]) * pp + c[5];
        double z2p = (c[6] * pp + c[7]) * pp + c[8];
        double z2 = ((c[9] * pp + c[10]) * pp + c[11]) * pp + c[12];
        double recip = 1.0 / r;
        double phi = z2 * recip;
        double phip = z2p * recip - phi * recip;
        double psip = fpi * rhojp + p->fp[j] * rhoip + phip;
        double fpair = -psip * recip;
        double fx = dx * fpair, fy = dy * fpair, fz = dz * fpair;
        fxi += fx;
        fyi += fy;
        fzi += fz;
        if (owned) {
            a->f[j][0] -= fx;
            a->f[j][1] -= fy;
            a->f[j][2] -= fz;
        }
        if (eflag) {
            e += phi;
        }
        if (eflag && vpair) {
            v0 += dx * fx;
            v1 += dy * fy;
            v2 += dz * fz;
            v3 += dx * fy;
            v4 += dx * fz;
            v5 += dy * fz;
            if (peratom) {
                /* Half of each pair term to each atom, as LAMMPS tallies. */
                double hv[6] = {0.5 * dx * fx, 0.5 * dy * fy, 0.5 * dz * fz,
                                0.5 * dx * fy, 0.5 * dx * fz, 0.5 * dy * fz};
                a->eatom[i] += 0.5 * phi;
                for (int q = 0; q < 6; q++)
                    a->vatom[i][q] += hv[q];
                if (owned) {
                    a->eatom[j] += 0.5 * phi;
                    for (int q = 0; q < 6; q++)
                        a->vatom[j][q] += hv[q];
                }
            }
        }
    }
    a->f[i][0] += fxi;
    a->f[i][1] += fyi;
    a->f[i][2] += fzi;
    fsum[0] = fxi;
    fsum[1] = fyi;
    fsum[2] = fzi;
    if (eflag)
        *energy += w * e;
    if (eflag && vpair) {
        vir[0] += w * v0; vir[1] += w * v1; vir[2] += w * v2;
        vir[3] += w * v3; vir[4] += w * v4; vir[5] += w * v5;
    }
}

static int scalar_density_ghost(const eam *p, const atoms *a, int i, const int *jl, int n, const double *cutsq_i,
                                const double *row1, double *rhoi, int *out, double *rsqmin)
{
    return density_range(p, a, i, jl, n, cutsq_i, row1, 0, rhoi, out, rsqmin);
}
static int scalar_density_owned(const eam *p, const atoms *a, int i, const int *jl, int n, const double *cutsq_i,
                                const double *row1, double *rhoi, int *out, double *rsqmin)
{
    return density_range(p, a, i, jl, n, cutsq_i, row1, 1, rhoi, out, rsqmin);
}
static void scalar_pairs_ghost(const eam *p, atoms *a, int i, const int *jl, int n, const double *row2,
                               double *e, double *vir, double fsum[3])
{
    pair_forces(p, a, i, jl, n, row2, 0, 0, 0, 0, e, vir, fsum);
}
static void scalar_pairs_ghost_e(const eam *p, atoms *a, int i, const int *jl, int n, const double *row2,
                                 double *e, double *vir, double fsum[3])
{
    pair_forces(p, a, i, jl, n, row2, 0, 1, 1, 0, e, vir, fsum);
}
static void scalar_pairs_owned(const eam *p, atoms *a, int i, const int *jl, int n, const double *row2,
                               double *e, double *vir, double fsum[3])
{
    pair_forces(p, a, i, jl, n, row2, 1, 0, 0, 0, e, vir, fsum);
}
static void scalar_pairs_owned_e(const eam *p, atoms *a, int i, const int *jl, int n, const double *row2,
                                 double *e, double *vir, double fsum[3])
{
    pair_forces(p, a, i, jl, n, row2, 1, 1, 0, 0, e, vir, fsum);
}

static const eam_kernel scalar_kernel = {
    "scalar", 0,
    {scalar_density_ghost, scalar_density_owned},
    {{scalar_pairs_ghost, scalar_pairs_ghost_e}, {scalar_pairs_owned, scalar_pairs_owned_e}},
};

/* The kernel: MGMD_KERNEL=scalar|avx2|avx512 if set (an error if this
 * build or CPU lacks it), else the widest this CPU runs. */
static const eam_kernel *select_kernel(void)
{
    const char *want = getenv("MGMD_KERNEL");
    const eam_kernel *best = eam_simd_kernel(NULL);
    if (!want || !*want)
        return best ? best : &scalar_kernel;
    if (strcmp(want, "scalar") == 0)
        return &scalar_kernel;
    const eam_kernel *k = eam_simd_kernel(want);
    if (!k)
        mg_fail_all("MGMD_KERNEL=%s: not available on this CPU or in this build (scalar%s)", want,
                    eam_simd_kernel("avx512") ? ", avx2, avx512" : eam_simd_kernel("avx2") ? ", avx2" : "");
    return k;
}

static int densities(eam *p, atoms *a, const neighbor *nb, int *other)
{
    const int nlocal = a->nlocal, n1 = p->ntypes + 1, nt = p->ntypes;
    /* A rank may own no atoms (a wire in vacuum before `balance`): rho is
     * then still unallocated, and memset must not be given NULL. Under
     * Newton's third law the ghosts collect shares too. */
    const int nzero = nb->newton ? nlocal + a->nghost : nlocal;
    if (nzero > 0)
        memset(p->rho, 0, (size_t)nzero * sizeof *p->rho);
    if (nlocal > p->pairatoms) {
        p->pairatoms = nlocal + nlocal / 4 + 16;
        p->pair_first = mg_realloc(p->pair_first, (size_t)p->pairatoms * sizeof(int));
        p->pair_nown = mg_realloc(p->pair_nown, (size_t)p->pairatoms * sizeof(int));
        p->pair_nghost = mg_realloc(p->pair_nghost, (size_t)p->pairatoms * sizeof(int));
    }
    /* Accepted pairs never outnumber the list's candidates; the vector
     * kernels store whole vectors, up to EAM_SIMD_PAD entries past the end. */
    if (nb->nneigh + EAM_SIMD_PAD > p->paircap) {
        p->paircap = nb->nneigh + nb->nneigh / 8 + 1024;
        free(p->pair_j);
        free(p->pair_row);
        p->pair_j = mg_malloc(p->paircap * sizeof(int));
        p->pair_row = mg_malloc(p->paircap * sizeof(int));
    }
    const eam_kernel *kern = p->kernel;
    const double rminsq = p->rmin * p->rmin;
    int bad = -1;
    size_t np = 0;
    for (int i = 0; i < nlocal; i++) {
        const int ti = a->type[i];
        const double *cutsq_i = nb->cutsq + ti * n1;
        const double *row1 = p->c1 + (size_t)8 * (size_t)(ti - 1) * (size_t)nt * (size_t)p->nr;
        const int *jl = nb->neigh + nb->first[i];
        const int nown = nb->nown[i], nghost = nb->nghost[i];
        scratch_reserve(p, nown > nghost ? nown : nghost);
        double rhoi = 0.0, mn = INFINITY;
        p->pair_first[i] = (int)np;
        int no = kern->density[1](p, a, i, jl, nown, cutsq_i, row1, &rhoi, p->pair_j + np, &mn);
        np += (size_t)no;
        /* No ghost range under newton yes (neighbor.h): no call. */
        int ng = nghost > 0 ? kern->density[0](p, a, i, jl + nown, nghost, cutsq_i, row1, &rhoi, p->pair_j + np, &mn)
                            : 0;
        np += (size_t)ng;
        p->pair_nown[i] = no;
        p->pair_nghost[i] = ng;
        p->rho[i] += rhoi;
        if (mn < rminsq) {
            /* Rare: name the neighbour that came too close. */
            const int *pj = p->pair_j + p->pair_first[i];
            for (int k = 0; k < no + ng; k++) {
                int j = pj[k];
                double dx = a->x[i][0] - a->x[j][0], dy = a->x[i][1] - a->x[j][1], dz = a->x[i][2] - a->x[j][2];
                if (dx * dx + dy * dy + dz * dz < rminsq) {
                    bad = i;
                    *other = j;
                }
            }
        }
    }
    p->npairs = np;
    return bad;
}

/* Pass 2 over every owned atom (eam_compute has the virial's routes). */
static void pair_pass(eam *p, atoms *a, int eflag, int peratom, double cx, double cy, double cz,
                      double *e, double vir[6], double vg[6])
{
    const int nt = p->ntypes;
    const eam_kernel *kern = p->kernel;
    for (int i = 0; i < a->nlocal; i++) {
        const double *row2 = p->c2 + (size_t)16 * (size_t)(a->type[i] - 1) * (size_t)nt * (size_t)p->nr;
        const int *jl = p->pair_j + p->pair_first[i];
        int no = p->pair_nown[i], ng = p->pair_nghost[i];
        scratch_reserve(p, no > ng ? no : ng);
        double g[3];
        if (peratom) {
            pair_forces(p, a, i, jl, no, row2, 1, 1, 1, 1, e, vir, g);
            pair_forces(p, a, i, jl + no, ng, row2, 0, 1, 1, 1, e, vir, g);
        } else {
            kern->pairs[1][eflag](p, a, i, jl, no, row2, e, vir, g);
            if (ng > 0) { /* never under newton yes */
                kern->pairs[0][eflag](p, a, i, jl + no, ng, row2, e, vir, g);
                if (eflag)
                    add_outer(vg, a->x[i][0] - cx, a->x[i][1] - cy, a->x[i][2] - cz, g);
            }
        }
    }
}

static double embedding(eam *p, atoms *a, int eflag, int peratom)
{
    double e = 0.0;
    for (int i = 0; i < a->nlocal; i++) {
        double pp = p->rho[i] * p->rdrho + 1.0;
        int m = (int)pp;
        if (m > p->nrho - 1) m = p->nrho - 1;
        if (m < 1) m = 1;
        pp -= m;
        if (pp > 1.0) pp = 1.0;
        const double *c = p->frho[p->tab.type2frho[a->type[i]]][m - 1];
        p->fp[i] = (c[0] * pp + c[1]) * pp + c[2];
        if (eflag) {
            double phi = ((c[3] * pp + c[4]) * pp + c[5]) * pp + c[6];
            /* Above the table F continues along its last tangent. */
            if (p->rho[i] > p->rhomax)
                phi += p->fp[i] * (p->rho[i] - p->rhomax);
            e += phi;
            if (peratom)
                a->eatom[i] += phi;
        }
    }
    return e;
}


int eam_compute(eam *p, atoms *a, const neighbor *nb, halo *h,
                double *energy, double virial[6], int *other)
{
    int nall = a->nlocal + a->nghost;
    if (nall > p->nmax) {
        p->nmax = nall + nall / 4 + 16;
        free(p->rho);
        free(p->fp);
        p->rho = mg_malloc((size_t)p->nmax * sizeof *p->rho);
        p->fp = mg_malloc((size_t)p->nmax * sizeof *p->fp);
        if (p->kernel->packed) {
            free(p->rec);
            p->rec = mg_malloc((size_t)p->nmax * 4 * sizeof *p->rec);
        }
    }
    /* Vector kernels read one 32-byte record per neighbour: {x, y, z,
     * type} in pass 1, {x, y, z, F'} in pass 2. */
    if (p->kernel->packed)
        for (int i = 0; i < nall; i++) {
            double *r = p->rec + 4 * (size_t)i;
            r[0] = a->x[i][0];
            r[1] = a->x[i][1];
            r[2] = a->x[i][2];
            r[3] = a->type[i];
        }
    int eflag = energy != NULL, peratom = a->want_peratom && eflag;
    /* Newton's third law across faces (neighbor.h): a boundary pair is
     * evaluated on one side, which adds the ghost's shares of density,
     * force and per-atom tallies to the ghost; the halo sums them back. */
    const int newton = nb->newton, nacc = newton ? nall : a->nlocal;
    if (newton && nall > a->nlocal)
        memset(a->f + a->nlocal, 0, (size_t)(nall - a->nlocal) * sizeof *a->f);
    if (peratom && nacc > 0) {
        memset(a->eatom, 0, (size_t)nacc * sizeof *a->eatom);
        memset(a->vatom, 0, (size_t)nacc * sizeof *a->vatom);
    }
    int bad = densities(p, a, nb, other);
    if (newton)
        halo_reverse_add(h, p->rho, 1);
    double e = embedding(p, a, eflag, peratom);
    halo_forward(h, p->fp, 1);
    if (p->kernel->packed)
        for (int i = 0; i < nall; i++)
            p->rec[4 * (size_t)i + 3] = p->fp[i];

    /* The virial. Per pair, W = sum over owned pairs of d (x) f plus half
     * of d (x) f over ghost pairs. Under a barostat the energy is wanted at
     * every step, so the owned pairs' share is taken from the forces
     * instead (LAMMPS' fdotr): sum_i (x_i - c) (x) F_i over owned atoms is
     * the owned pairs' sum (each pair's two forces cancel but for d, for
     * any fixed c; c = the first owned atom keeps the products within the
     * rank's domain) plus sum_i (x_i - c) (x) G_i, G_i the force on i from
     * its ghost pairs, which is subtracted; the ghost pairs still add their
     * half pair by pair. This needs a->f zero at entry (the contract) and
     * owned pairs taken between the owned copies themselves (no wrapped
     * separations: periodic images are ghosts). Per-atom virials are
     * tallied pair by pair. */
    double vir[6] = {0, 0, 0, 0, 0, 0}, vg[6] = {0, 0, 0, 0, 0, 0};
    const double cx = a->nlocal ? a->x[0][0] : 0.0, cy = a->nlocal ? a->x[0][1] : 0.0,
                 cz = a->nlocal ? a->x[0][2] : 0.0;
    pair_pass(p, a, eflag, peratom, cx, cy, cz, &e, vir, vg);
    if (eflag && !peratom) {
        /* Under Newton's third law the ghosts' forces (not yet sent home)
         * close the sum: every pair's two forces are in it. */
        double vf[6] = {0, 0, 0, 0, 0, 0};
        for (int i = 0; i < nacc; i++)
            add_outer(vf, a->x[i][0] - cx, a->x[i][1] - cy, a->x[i][2] - cz, a->f[i]);
        for (int k = 0; k < 6; k++)
            vir[k] += vf[k] - vg[k];
    }
    if (newton) {
        halo_reverse_add(h, &a->f[0][0], 3);
        if (peratom) {
            halo_reverse_add(h, a->eatom, 1);
            halo_reverse_add(h, &a->vatom[0][0], 6);
        }
    }
    if (eflag) {
        *energy = e;
        for (int k = 0; k < 6; k++)
            virial[k] = vir[k];
    }
    return bad;
}
