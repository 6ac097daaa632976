/* Pair structure kernels: pair counting with a cell list, the sine transform
 * to S(q) by FFTW, the first-minimum search, the neutron scattering lengths.
 * The observer that drives them is pair_structure_obs.c; the physics and
 * conventions are in pair_structure.h and docs/analysis.md. No MPI here. */
#include "analysis/pair_structure.h"
#include "analysis/cells.h"
#include "core/error.h"

#include <fftw3.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

double pair_half_height(const box *b)
{
    double d[3], h = HUGE_VAL;
    box_face_distances(b, d);
    for (int k = 0; k < 3; k++)
        if (b->periodic[k])
            h = fmin(h, 0.5 * d[k]);
    return h;
}

/* ---- counting ------------------------------------------------------------ */

void pair_count(const atoms *a, double rmax, int nbins, int64_t *hist)
{
    const int nlocal = a->nlocal, n = a->nlocal + a->nghost, nt = a->ntypes;
    if (nlocal == 0)
        return;
    /* Cells over all atoms (owned and ghosts; analysis/cells.h). */
    cells c;
    cells_build(&c, (const double (*)[3])a->x, n, rmax);
    const double rmax2 = rmax * rmax, binv = nbins / rmax;
    for (int i = 0; i < nlocal; i++) {
        int k[3];
        cells_coords(&c, i, k);
        const int cx = k[0], cy = k[1], cz = k[2];
        const double *xi = a->x[i];
        const int ti = a->type[i] - 1;
        for (int z = cz - c.reach[2]; z <= cz + c.reach[2]; z++) {
            if (z < 0 || z >= c.nc[2])
                continue;
            for (int y = cy - c.reach[1]; y <= cy + c.reach[1]; y++) {
                if (y < 0 || y >= c.nc[1])
                    continue;
                for (int x = cx - c.reach[0]; x <= cx + c.reach[0]; x++) {
                    if (x < 0 || x >= c.nc[0])
                        continue;
                    int cc = x + c.nc[0] * (y + c.nc[1] * z);
                    for (int m = c.start[cc]; m < c.start[cc + 1]; m++) {
                        int j = c.order[m];
                        /* Owned pairs once (j > i), entered both ways below. */
                        if (j < nlocal && j <= i)
                            continue;
                        double dx = a->x[j][0] - xi[0], dy = a->x[j][1] - xi[1], dz = a->x[j][2] - xi[2];
                        double r2 = dx * dx + dy * dy + dz * dz;
                        if (r2 >= rmax2)
                            continue;
                        int bin = (int)(sqrt(r2) * binv);
                        if (bin >= nbins)
                            continue;
                        int tj = a->type[j] - 1;
                        hist[((size_t)ti * nt + tj) * nbins + bin]++;
                        if (j < nlocal)
                            hist[((size_t)tj * nt + ti) * nbins + bin]++;
                    }
                }
            }
        }
    }
    cells_free(&c);
}

/* ---- S(q) by the sine transform ------------------------------------------ */

int pair_transform(int ncol, const double *const *g, int nbins, double dr, double rho, int window, double dq,
                   double qmax, double *q, double *const *sq, int cap)
{
    /* Zero-padding to M points samples the same finite integral on a finer
     * q grid: q_j = (j+1) pi / (M dr), j < M, so q reaches pi/dr. */
    const double rmax = nbins * dr;
    long m = (long)ceil(M_PI / (dr * dq));
    if (m < nbins)
        m = nbins;
    int nq = 0;
    while (nq < m && nq < cap && (nq + 1) * M_PI / (m * dr) <= qmax * (1 + 1e-12))
        nq++;
    if (nq == 0)
        return 0;
    double *in = fftw_malloc((size_t)m * sizeof *in);
    double *out = fftw_malloc((size_t)m * sizeof *out);
    if (!in || !out)
        mg_fail_one("rdf: out of memory for a sine transform of %ld points", m);
    fftw_plan plan = fftw_plan_r2r_1d((int)m, in, out, FFTW_RODFT10, FFTW_ESTIMATE);
    if (!plan)
        mg_fail_one("rdf: FFTW could not plan a sine transform of %ld points", m);
    for (int j = 0; j < nq; j++)
        q[j] = (j + 1) * M_PI / (m * dr);
    for (int c = 0; c < ncol; c++) {
        for (int k = 0; k < nbins; k++) {
            double r = (k + 0.5) * dr;
            double w = 1.0;
            if (window == PAIR_WINDOW_LORCH) {
                double x = M_PI * r / rmax;
                w = sin(x) / x;
            }
            in[k] = r * (g[c][k] - 1.0) * w;
        }
        for (long k = nbins; k < m; k++)
            in[k] = 0.0;
        fftw_execute(plan);
        /* FFTW's RODFT10: out_j = 2 sum_k in_k sin(pi (k+1/2)(j+1)/M), so
         * int r (g-1) W sin(q_j r) dr = dr out_j / 2. */
        for (int j = 0; j < nq; j++)
            sq[c][j] = 1.0 + 4.0 * M_PI * rho / q[j] * dr * 0.5 * out[j];
    }
    fftw_destroy_plan(plan);
    fftw_free(in);
    fftw_free(out);
    return nq;
}

/* ---- first minimum -------------------------------------------------------- */

int pair_first_minimum(const double *g, int n, double dr)
{
    int sm = (int)lround(PAIR_SMOOTH / dr), w = (int)lround(PAIR_EXTREMUM / dr);
    if (sm < 1)
        sm = 1;
    if (w < 1)
        w = 1;
    double *s = mg_malloc((size_t)n * sizeof *s);
    /* Running mean over +-sm bins (fewer at the ends). */
    for (int k = 0; k < n; k++) {
        double sum = 0.0;
        int cnt = 0;
        for (int j = k - sm; j <= k + sm; j++)
            if (j >= 0 && j < n && isfinite(g[j])) {
                sum += g[j];
                cnt++;
            }
        s[k] = cnt ? sum / cnt : NAN;
    }
    int found = -1;
    /* The first peak: the first point above 1 that is the largest within
     * +-w bins (a whole window must fit, so the data's end is no peak). */
    int p = -1;
    for (int k = 0; k + w < n && p < 0; k++) {
        if (!(s[k] > 1.0))
            continue;
        int top = 1;
        for (int j = k - w; j <= k + w && top; j++)
            if (j >= 0 && s[j] > s[k])
                top = 0;
        if (top)
            p = k;
    }
    if (p >= 0) {
        /* The first minimum after it: the first point that is the smallest
         * within +-w bins; on a flat stretch (a crystal's empty gap between
         * shells) the middle of the stretch. */
        for (int k = p + 1; k + w < n && found < 0; k++) {
            int bottom = 1;
            for (int j = k - w; j <= k + w && bottom; j++)
                if (j >= 0 && s[j] < s[k])
                    bottom = 0;
            if (bottom) {
                int e = k;
                while (e + 1 < n && s[e + 1] == s[k])
                    e++;
                found = (k + e) / 2;
            }
        }
    }
    free(s);
    return found;
}

/* ---- neutron scattering lengths ------------------------------------------ */

/* Bound coherent scattering lengths of the elements in natural abundance,
 * fm: V. F. Sears, "Neutron scattering lengths and cross sections", Neutron
 * News 3(3), 26-37 (1992), Table 1 (the NIST Center for Neutron Research
 * table). B absorbs strongly (its real part is given); Cd, Sm, Eu, Gd, whose
 * lengths depend on the neutron energy, are left out. */
static const struct {
    const char *el;
    double b;
} sears[] = {
    {"Li", -1.90},  {"Be", 7.79},   {"B", 5.30},    {"C", 6.6460},  {"N", 9.36},    {"O", 5.803},
    {"Mg", 5.375},  {"Al", 3.449},  {"Si", 4.1491}, {"P", 5.13},    {"S", 2.847},   {"Ca", 4.70},
    {"Ti", -3.438}, {"V", -0.3824}, {"Cr", 3.635},  {"Mn", -3.73},  {"Fe", 9.45},   {"Co", 2.49},
    {"Ni", 10.3},   {"Cu", 7.718},  {"Zn", 5.680},  {"Ga", 7.288},  {"Ge", 8.185},  {"Sr", 7.02},
    {"Y", 7.75},    {"Zr", 7.16},   {"Nb", 7.054},  {"Mo", 6.715},  {"Pd", 5.91},   {"Ag", 5.922},
    {"In", 4.065},  {"Sn", 6.225},  {"Sb", 5.57},   {"La", 8.24},   {"Ce", 4.84},   {"Nd", 7.69},
    {"Er", 7.79},   {"Hf", 7.77},   {"Ta", 6.91},   {"W", 4.86},    {"Pt", 9.60},   {"Au", 7.63},
    {"Pb", 9.405},  {"Bi", 8.532},
};

double pair_neutron_b(const char *element)
{
    for (size_t k = 0; k < sizeof sears / sizeof sears[0]; k++)
        if (strcmp(sears[k].el, element) == 0)
            return sears[k].b;
    return NAN;
}
