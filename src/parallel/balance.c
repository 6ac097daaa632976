/* Load balance by shifted planar cuts (balance.h): quantiles of the
 * weight's marginal distribution along each dimension from two weighted
 * histograms. Pass 1: BINS1 bins over [0, 1) per dimension, one sum-
 * reduction; each cut k/g of the total lies in one bin, whose lower edge
 * and the weight below it are then exact. Pass 2: BINS2 sub-bins inside
 * each cut's bin (an atom counts once per cut whose bin holds it), one more
 * reduction; the cut is interpolated linearly inside its sub-bin. Cuts are
 * kept at least MIN_GAP apart (a plateau of zero weight, i.e. vacuum,
 * would otherwise let neighbouring quantiles coincide).
 * balance_choose_grid tries every grid for the rank count: for each, the
 * atoms per cell that its balanced cuts would give (so the imbalance the
 * planes leave, e.g. a circle's cross-section cut 3 x 3), and the ghost
 * atoms per owned atom of a sub-domain of the occupied region; it takes
 * the grid with the least imbalance x (1 + ghosts/2), a rank's work being
 * its owned pairs plus half its ghost pairs (each computed on both sides).
 * Communication: two sum-reductions of histograms; min/max reductions in
 * balance_measure and balance_extent; per candidate grid, those of
 * balance_cuts and a sum of the cell counts. */
#include "parallel/balance.h"
#include "core/error.h"
#include "parallel/parallel.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define BINS1 4096
#define BINS2 1024
#define MIN_GAP 1e-6 /* fractional: the thinnest slab a balance makes */

double balance_imbalance(const balance_load *l)
{
    return l->weight_mean > 0 ? l->weight_max / l->weight_mean : 1.0;
}

void balance_measure(const atoms *a, double w, balance_load *out)
{
    double n = (double)a->nlocal, mine[2] = {n, n * w}, mx[2], sum[2];
    par_max_doubles(mine, mx, 2);
    par_sum_doubles(mine, sum, 2);
    double mn = -par_max_double(-n);
    int np = par_size();
    out->atoms_min = mn;
    out->atoms_max = mx[0];
    out->atoms_mean = sum[0] / np;
    out->weight_max = mx[1];
    out->weight_mean = sum[1] / np;
}

/* Fractional coordinates of x in [0, 1) per dimension (periodic
 * dimensions wrapped, others clamped: an atom is owned by the edge slab). */
static void frac3(const box *b, const double x[3], double l[3])
{
    box_to_lamda(b, x, l);
    for (int d = 0; d < 3; d++) {
        double v = l[d];
        if (b->periodic[d])
            v -= floor(v);
        if (!(v >= 0.0))
            v = 0.0;
        if (v >= 1.0)
            v = nextafter(1.0, 0.0);
        l[d] = v;
    }
}

void balance_extent(const atoms *a, const box *b, double lo[3], double hi[3])
{
    double m[6];
    for (int d = 0; d < 3; d++)
        m[d] = m[3 + d] = -DBL_MAX; /* -min, max */
    for (int i = 0; i < a->nlocal; i++) {
        double l[3];
        frac3(b, a->x[i], l);
        for (int d = 0; d < 3; d++) {
            double v = l[d];
            if (-v > m[d])
                m[d] = -v;
            if (v > m[3 + d])
                m[3 + d] = v;
        }
    }
    double g[6];
    par_max_doubles(m, g, 6);
    for (int d = 0; d < 3; d++) {
        lo[d] = g[d] == -DBL_MAX ? 0.0 : -g[d];
        hi[d] = g[3 + d] == -DBL_MAX ? 1.0 : g[3 + d];
    }
}

void balance_cuts(const decomp *dc, const atoms *a, const box *b, double w, int dims, double *cuts[3])
{
    /* Which dimensions move, and where each cut's slot starts. */
    int move[3], ncut = 0, first[3];
    for (int d = 0; d < 3; d++) {
        move[d] = (dims >> d & 1) && dc->grid[d] > 1;
        first[d] = ncut;
        if (move[d])
            ncut += dc->grid[d] - 1;
        memcpy(cuts[d], dc->cuts[d], (size_t)(dc->grid[d] + 1) * sizeof(double));
    }
    if (ncut == 0)
        return;
    /* Pass 1. */
    double *h = mg_calloc(3 * BINS1, sizeof *h), *H = mg_malloc(3 * BINS1 * sizeof *H);
    for (int i = 0; i < a->nlocal; i++) {
        double l[3];
        frac3(b, a->x[i], l);
        for (int d = 0; d < 3; d++)
            if (move[d]) {
                int k = (int)(l[d] * BINS1);
                h[d * BINS1 + (k < BINS1 ? k : BINS1 - 1)] += w;
            }
    }
    par_sum_doubles(h, H, 3 * BINS1);
    /* Each cut: its bin, the weight below the bin, the target. */
    int *bin = mg_malloc((size_t)ncut * sizeof *bin);
    double *below = mg_malloc((size_t)ncut * sizeof *below), *target = mg_malloc((size_t)ncut * sizeof *target);
    for (int d = 0; d < 3; d++) {
        if (!move[d])
            continue;
        const double *hd = H + d * BINS1;
        double total = 0.0;
        for (int k = 0; k < BINS1; k++)
            total += hd[k];
        int g = dc->grid[d], k = 0;
        double cum = 0.0;
        for (int c = 1; c < g; c++) {
            int slot = first[d] + c - 1;
            target[slot] = total * c / g;
            while (k < BINS1 - 1 && cum + hd[k] < target[slot])
                cum += hd[k++];
            bin[slot] = k;
            below[slot] = cum;
        }
    }
    /* Pass 2: sub-bins inside each cut's bin. */
    double *s = mg_calloc((size_t)ncut * BINS2, sizeof *s), *S = mg_malloc((size_t)ncut * BINS2 * sizeof *S);
    for (int i = 0; i < a->nlocal; i++) {
        double l[3];
        frac3(b, a->x[i], l);
        for (int d = 0; d < 3; d++) {
            if (!move[d])
                continue;
            double v = l[d] * BINS1;
            int k = (int)v;
            for (int c = 0; c < dc->grid[d] - 1; c++) {
                int slot = first[d] + c;
                if (bin[slot] != k)
                    continue;
                int j = (int)((v - k) * BINS2);
                s[(size_t)slot * BINS2 + (j < BINS2 ? j : BINS2 - 1)] += w;
            }
        }
    }
    par_sum_doubles(s, S, ncut * BINS2);
    for (int d = 0; d < 3; d++) {
        if (!move[d])
            continue;
        int g = dc->grid[d];
        cuts[d][0] = 0.0;
        cuts[d][g] = 1.0;
        for (int c = 1; c < g; c++) {
            int slot = first[d] + c - 1;
            const double *sd = S + (size_t)slot * BINS2;
            double cum = below[slot], pos = 1.0;
            int j = 0;
            for (; j < BINS2; j++) {
                if (cum + sd[j] >= target[slot]) {
                    /* Inside sub-bin j, linearly. */
                    double f = sd[j] > 0.0 ? (target[slot] - cum) / sd[j] : 0.0;
                    pos = (bin[slot] + (j + f) / BINS2) / BINS1;
                    break;
                }
                cum += sd[j];
            }
            if (j == BINS2)
                pos = (bin[slot] + 1.0) / BINS1;
            cuts[d][c] = pos;
        }
        /* Strictly rising, MIN_GAP apart, inside (0, 1). */
        for (int c = 1; c < g; c++)
            if (!(cuts[d][c] >= cuts[d][c - 1] + MIN_GAP))
                cuts[d][c] = cuts[d][c - 1] + MIN_GAP;
        for (int c = g - 1; c >= 1; c--)
            if (!(cuts[d][c] <= cuts[d][c + 1] - MIN_GAP))
                cuts[d][c] = cuts[d][c + 1] - MIN_GAP;
    }
    free(h);
    free(H);
    free(bin);
    free(below);
    free(target);
    free(s);
    free(S);
}

/* Atoms per cell of grid g with the cuts balance_cuts would give: the
 * largest count over the mean (collective). */
static double predicted_imbalance(const atoms *a, const box *b, const int g[3])
{
    decomp t = {0};
    char err[128];
    if (decomp_setup(&t, b, g, err, sizeof err) != 0)
        return INFINITY;
    double *cuts[3];
    for (int d = 0; d < 3; d++)
        cuts[d] = mg_malloc((size_t)(g[d] + 1) * sizeof(double));
    balance_cuts(&t, a, b, 1.0, 7, cuts);
    decomp_set_cuts(&t, (const double *const *)cuts);
    int n = t.nranks;
    double *cnt = mg_calloc((size_t)n, sizeof *cnt), *tot = mg_malloc((size_t)n * sizeof *tot);
    for (int i = 0; i < a->nlocal; i++) {
        double l[3];
        frac3(b, a->x[i], l);
        cnt[decomp_owner(&t, l)] += 1.0;
    }
    par_sum_doubles(cnt, tot, n);
    double mx = 0.0, sum = 0.0;
    for (int r = 0; r < n; r++) {
        sum += tot[r];
        if (tot[r] > mx)
            mx = tot[r];
    }
    free(cnt);
    free(tot);
    for (int d = 0; d < 3; d++)
        free(cuts[d]);
    decomp_destroy(&t);
    return sum > 0 ? mx * n / sum : 1.0;
}

int balance_choose_grid(const atoms *a, const box *b, const int user[3], double ghost_cut, int grid[3],
                        double *imbalance)
{
    int n = par_size();
    double lo[3], hi[3], fd[3];
    balance_extent(a, b, lo, hi);
    box_face_distances(b, fd);
    int (*cand)[3] = mg_malloc(DECOMP_MAX_GRIDS * sizeof *cand);
    int count = decomp_grids(n, user, cand, DECOMP_MAX_GRIDS);
    double best = INFINITY;
    for (int k = 0; k < count && k < DECOMP_MAX_GRIDS; k++) {
        const int *g = cand[k];
        /* Ghost atoms per owned atom in a sub-domain of the occupied
         * region: along each dimension that is cut, or periodic and
         * filled, a shell ghost_cut deep on both sides. */
        double ghosts = 1.0;
        for (int d = 0; d < 3; d++) {
            double span = hi[d] - lo[d], w = fd[d] * (span > 1e-6 ? span : 1e-6) / g[d];
            if (g[d] > 1 || (b->periodic[d] && span > 0.9))
                ghosts *= 1.0 + 2.0 * ghost_cut / w;
        }
        ghosts -= 1.0;
        double imb = predicted_imbalance(a, b, g);
        double cost = imb * (1.0 + 0.5 * ghosts);
        if (cost < best * (1 - 1e-9)) {
            best = cost;
            memcpy(grid, g, 3 * sizeof *g);
            *imbalance = imb;
        }
    }
    free(cand);
    return count > 0 ? 0 : -1;
}
