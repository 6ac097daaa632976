/* Builders (create.h). Rank independence: every rank enumerates all sites
 * (or runs the whole random placement) in the same order with the same
 * counter-based numbers and keeps those decomp_owner() gives it, so ids
 * (site index + 1), positions and species do not depend on the rank count.
 *
 * Species: largest-remainder counts of frac*N; each site has a 64-bit Philox
 * key, and the sites between successive count thresholds on the keys get
 * successive species. The thresholds are order statistics of all N keys,
 * found by a distributed radix selection (select_keys, below): each rank
 * recomputes the keys of a block of N/P site indices, so no rank holds
 * O(N) memory for them; it costs two passes over the block and seven
 * global sums of histograms (512 KB once, a few KB after), the builders'
 * only communication. Lattice sites are enumerated on every rank (O(N)
 * time, no memory for the sites not kept; a site's key is computed only
 * by the rank that keeps it).
 *
 * Random positions: random sequential addition in a periodic cube,
 * overlaps tested on a cell grid (cells no narrower than mindist unless
 * there is one; at most 256 a side); after 2000 N + 100000 attempts it
 * gives up with the same message on every rank. Every rank runs the whole
 * placement and holds all N positions (24 bytes per atom plus 8 for the
 * cell lists): a set-up cost, O(N) memory per rank. */
#include "create/create.h"
#include "core/elements.h"
#include "core/error.h"
#include "core/numbers.h"
#include "core/rng.h"
#include "core/units.h"
#include "parallel/parallel.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int composition_parse(const char *s, char (*element)[8], double *fraction, char *err, int errlen)
{
    int n = 0;
    double total = 0.0;
    const char *p = s;
    while (*p) {
        if (!isupper((unsigned char)*p)) {
            snprintf(err, (size_t)errlen, "composition '%s': expected an element symbol at '%s'", s, p);
            return -1;
        }
        char sym[8] = {0};
        int k = 0;
        sym[k++] = *p++;
        while (islower((unsigned char)*p) && k < 3)
            sym[k++] = *p++;
        if (!element_number(sym)) {
            snprintf(err, (size_t)errlen, "composition '%s': '%s' is not a chemical element", s, sym);
            return -1;
        }
        double x = 1.0;
        if (isdigit((unsigned char)*p) || *p == '.') {
            const char *end;
            if (num_real_prefix(p, &x, &end) != NUM_OK) {
                snprintf(err, (size_t)errlen, "composition '%s': the amount of %s %s", s, sym,
                         num_describe(NUM_NONFINITE));
                return -1;
            }
            p = end;
        }
        /* Parts (64) or fractions (0.64) alike; 1e6 bounds the sum so
         * that no element's share underflows against another's. */
        if (!(x > 0.0) || x > COMPOSITION_MAX_AMOUNT) {
            snprintf(err, (size_t)errlen, "composition '%s': the amount of %s must be above 0 and at most %g, got %g",
                     s, sym, COMPOSITION_MAX_AMOUNT, x);
            return -1;
        }
        for (int j = 0; j < n; j++)
            if (strcmp(element[j], sym) == 0) {
                snprintf(err, (size_t)errlen, "composition '%s': %s appears twice", s, sym);
                return -1;
            }
        if (n == BUILD_MAX_SPECIES) {
            snprintf(err, (size_t)errlen, "composition '%s': more than %d elements", s, BUILD_MAX_SPECIES);
            return -1;
        }
        memcpy(element[n], sym, 8);
        fraction[n++] = x;
        total += x;
    }
    if (n == 0) {
        snprintf(err, (size_t)errlen, "empty composition");
        return -1;
    }
    for (int j = 0; j < n; j++)
        fraction[j] /= total;
    return n;
}

int lattice_basis(const char *style, double covera, double cell[3], double basis[][3], int kind[], int *nkinds)
{
    static const double fcc[4][3] = {{0, 0, 0}, {0.5, 0.5, 0}, {0.5, 0, 0.5}, {0, 0.5, 0.5}};
    int n = 0;
    cell[0] = cell[1] = cell[2] = 1.0;
    *nkinds = 1;
#define SITE(x, y, z, k) do { basis[n][0] = (x); basis[n][1] = (y); basis[n][2] = (z); kind[n] = (k); n++; } while (0)
    if (strcmp(style, "sc") == 0) {
        SITE(0, 0, 0, 0);
    } else if (strcmp(style, "bcc") == 0) {
        SITE(0, 0, 0, 0); SITE(0.5, 0.5, 0.5, 0);
    } else if (strcmp(style, "b2") == 0) {
        SITE(0, 0, 0, 0); SITE(0.5, 0.5, 0.5, 1);
        *nkinds = 2;
    } else if (strcmp(style, "fcc") == 0) {
        for (int k = 0; k < 4; k++) SITE(fcc[k][0], fcc[k][1], fcc[k][2], 0);
    } else if (strcmp(style, "l12") == 0) {
        SITE(0, 0, 0, 1);
        for (int k = 1; k < 4; k++) SITE(fcc[k][0], fcc[k][1], fcc[k][2], 0);
        *nkinds = 2;
    } else if (strcmp(style, "diamond") == 0) {
        for (int k = 0; k < 4; k++) {
            SITE(fcc[k][0], fcc[k][1], fcc[k][2], 0);
            SITE(fcc[k][0] + 0.25, fcc[k][1] + 0.25, fcc[k][2] + 0.25, 0);
        }
    } else if (strcmp(style, "hcp") == 0) {
        /* Orthohexagonal cell a x sqrt(3)a x c with four atoms. */
        cell[1] = sqrt(3.0);
        cell[2] = covera > 0 ? covera : sqrt(8.0 / 3.0);
        SITE(0, 0, 0, 0); SITE(0.5, 0.5, 0, 0); SITE(0.5, 5.0 / 6.0, 0.5, 0); SITE(0, 1.0 / 3.0, 0.5, 0);
    } else {
        return -1;
    }
#undef SITE
    return n;
}

/* Exact species counts (largest remainder; create.h). */
void alloy_counts(int64_t n, int ns, const double *frac, int64_t *count)
{
    int64_t used = 0;
    double rem[BUILD_MAX_SPECIES];
    for (int k = 0; k < ns; k++) {
        count[k] = (int64_t)floor(frac[k] * (double)n);
        rem[k] = frac[k] * (double)n - (double)count[k];
        used += count[k];
    }
    while (used < n) {
        int best = 0;
        for (int k = 1; k < ns; k++)
            if (rem[k] > rem[best])
                best = k;
        count[best]++;
        rem[best] = -1.0;
        used++;
    }
}

static uint64_t site_key(uint64_t seed, int64_t g)
{
    uint32_t w[4];
    rng_philox(seed, (uint64_t)g, RNG_ALLOY_SPECIES, 0, w);
    return ((uint64_t)w[0] << 32) | w[1];
}

/* ---- Distributed exact selection ----------------------------------------
 *
 * select_keys finds the r-th smallest (0-based, counting equal keys as
 * often as they occur) of n keys that any rank can recompute from the site
 * index, without any rank holding them all: exactly the element a sort of
 * all n keys would put at position r, ties included. Radix selection, most
 * significant digit first: rank p looks only at the indices of its block
 * [lo, hi) (n/P of them). Each round knows, for each wanted rank, the
 * leading bits of the answer found so far (its prefix) and how many keys
 * with that prefix lie below the answer's position (left); every rank
 * histograms the next digit of its keys that carry the prefix, a sum over
 * the ranks (par_sum_i64s) gives the global histogram, and the digit is the
 * bin where the running count passes left. When all 64 bits are found the
 * prefix is the key. Wanted ranks that share a prefix share a histogram
 * (all share it in round 0), so the rounds serve up to SELECT_BATCH of them
 * at once.
 *
 * Digits: 16 bits first (65,536 bins), over every key; then six of 8 bits
 * (256 bins per distinct prefix), over the keys with a wanted top digit,
 * about n/65,536 per prefix. Round 1 computes the keys a second time and
 * keeps those in a candidate list; later rounds read and shrink it. So each
 * rank computes each key of its block twice, and the sums carry 512 KB once
 * and at most SELECT_BATCH x 2 KB six times (16-bit digits all the way
 * would sum 512 KB per prefix in every round). Memory per rank: two
 * histograms of 512 KB, and the candidates (at most the block, when most
 * keys share a top digit). Collective: every rank calls it with the same n,
 * key function and ranks. */
#define SELECT_ROUNDS 7
static const int select_bits[SELECT_ROUNDS] = {16, 8, 8, 8, 8, 8, 8};
#define SELECT_MAX_BINS (1 << 16)
#define SELECT_BATCH 16
_Static_assert(SELECT_BATCH * 256 <= SELECT_MAX_BINS, "the histograms of rounds 1-6 fit in round 0's");

/* Index of p in the sorted distinct prefixes gp[0..ng-1], or -1. */
static int prefix_group(const uint64_t *gp, int ng, uint64_t p)
{
    int lo = 0, hi = ng;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (gp[mid] < p)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < ng && gp[lo] == p ? lo : -1;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static void select_batch(int64_t lo, int64_t hi, select_key_fn key, const void *ctx, int nr,
                         const int64_t *rank, uint64_t *out, int64_t *hloc, int64_t *hsum)
{
    uint64_t prefix[SELECT_BATCH], gp[SELECT_BATCH];
    int64_t left[SELECT_BATCH];
    int grp[SELECT_BATCH];
    uint64_t *cand = NULL;
    size_t ncand = 0, cap = 0;
    for (int i = 0; i < nr; i++) {
        prefix[i] = 0;
        left[i] = rank[i];
    }
    int known = 0; /* bits of the answer found */
    for (int round = 0; round < SELECT_ROUNDS; round++) {
        int bits = select_bits[round], shift = 64 - known - bits;
        int64_t nbins = (int64_t)1 << bits;
        uint64_t mask = (uint64_t)nbins - 1;
        /* Distinct prefixes, sorted (one, empty, in round 0). */
        int ng = 0;
        if (round == 0) {
            gp[ng++] = 0;
            for (int i = 0; i < nr; i++)
                grp[i] = 0;
        } else {
            memcpy(gp, prefix, (size_t)nr * sizeof *gp);
            qsort(gp, (size_t)nr, sizeof *gp, cmp_u64);
            for (int i = 0; i < nr; i++)
                if (ng == 0 || gp[ng - 1] != gp[i])
                    gp[ng++] = gp[i];
            for (int i = 0; i < nr; i++)
                grp[i] = prefix_group(gp, ng, prefix[i]);
        }
        memset(hloc, 0, (size_t)(ng * nbins) * sizeof *hloc);
        if (round == 0) {
            for (int64_t g = lo; g < hi; g++)
                hloc[key(ctx, g) >> shift]++;
        } else if (round == 1) {
            for (int64_t g = lo; g < hi; g++) {
                uint64_t k = key(ctx, g);
                int j = prefix_group(gp, ng, k >> (64 - known));
                if (j < 0)
                    continue;
                hloc[j * nbins + (int64_t)((k >> shift) & mask)]++;
                if (ncand == cap) {
                    cap = cap ? 2 * cap : 1024;
                    cand = mg_realloc(cand, cap * sizeof *cand);
                }
                cand[ncand++] = k;
            }
        } else {
            size_t kept = 0;
            for (size_t c = 0; c < ncand; c++) {
                uint64_t k = cand[c];
                int j = prefix_group(gp, ng, k >> (64 - known));
                if (j < 0)
                    continue;
                hloc[j * nbins + (int64_t)((k >> shift) & mask)]++;
                cand[kept++] = k;
            }
            ncand = kept;
        }
        par_sum_i64s(hloc, hsum, (int)(ng * nbins));
        for (int i = 0; i < nr; i++) {
            const int64_t *h = hsum + grp[i] * nbins;
            int64_t d = 0;
            while (d < nbins - 1 && left[i] >= h[d])
                left[i] -= h[d++];
            prefix[i] = (prefix[i] << bits) | (uint64_t)d;
        }
        known += bits;
    }
    free(cand);
    memcpy(out, prefix, (size_t)nr * sizeof *out);
}

void select_keys(int64_t n, select_key_fn key, const void *ctx, int nr, const int64_t *rank, uint64_t *out)
{
    if (nr <= 0)
        return;
    int64_t P = par_size(), r = par_rank();
    int64_t lo = r * (n / P) + (r < n % P ? r : n % P);
    int64_t hi = lo + n / P + (r < n % P);
    int64_t *hloc = mg_malloc((size_t)SELECT_MAX_BINS * sizeof *hloc);
    int64_t *hsum = mg_malloc((size_t)SELECT_MAX_BINS * sizeof *hsum);
    for (int i = 0; i < nr; i += SELECT_BATCH)
        select_batch(lo, hi, key, ctx, nr - i < SELECT_BATCH ? nr - i : SELECT_BATCH, rank + i, out + i,
                     hloc, hsum);
    free(hloc);
    free(hsum);
}

static uint64_t alloy_key(const void *seed, int64_t g)
{
    return site_key(*(const uint64_t *)seed, g);
}

void alloy_thresholds(uint64_t seed, int64_t n, int ns, const double *frac, uint64_t *thr)
{
    int64_t count[BUILD_MAX_SPECIES], want[BUILD_MAX_SPECIES] = {0};
    uint64_t got[BUILD_MAX_SPECIES] = {0};
    alloy_counts(n, ns, frac, count);
    int nw = 0;
    int64_t cum = 0;
    for (int k = 0; k < ns; k++) {
        cum += count[k];
        if (cum < n)
            want[nw++] = cum;
    }
    select_keys(n, alloy_key, &seed, nw, want, got);
    cum = 0;
    for (int k = 0, w = 0; k < ns; k++) {
        cum += count[k];
        thr[k] = cum < n ? got[w++] : UINT64_MAX;
    }
}

static uint64_t *species_thresholds(uint64_t seed, int64_t n, int ns, const double *frac)
{
    uint64_t *thr = mg_malloc((size_t)ns * sizeof *thr);
    alloy_thresholds(seed, n, ns, frac, thr);
    return thr;
}

static int species_of(const uint64_t *thr, int ns, uint64_t key)
{
    int k = 0;
    while (k < ns - 1 && key >= thr[k])
        k++;
    return k;
}

static void new_box(md *s, const double len[3])
{
    box *b = &s->box;
    for (int d = 0; d < 3; d++) {
        b->lo[d] = 0.0;
        b->hi[d] = len[d];
    }
    b->xy = b->xz = b->yz = 0.0;
    b->triclinic = 0;
    box_update(b);
    s->have_box = 1;
    s->atoms.nlocal = s->atoms.nghost = 0;
    md_decompose(s);
}

static int is_mine(const md *s, const double x[3])
{
    double l[3];
    box_to_lamda(&s->box, x, l);
    return decomp_owner(&s->dc, l) == s->dc.rank;
}

static void add_atom(md *s, int64_t id, int type, double x[3])
{
    int img[3] = {0, 0, 0};
    box_remap(&s->box, x, img);
    atoms_add(&s->atoms, id, type, x, NULL, img);
}

static void add_if_mine(md *s, int64_t id, int type, double x[3])
{
    if (is_mine(s, x))
        add_atom(s, id, type, x);
}

int build_lattice(md *s, const char *style, double a, double covera, const int cells[3],
                  const int *type_of_kind, int nspecies, const double *alloy_frac, uint64_t seed,
                  char *err, int errlen)
{
    double cell[3], basis[8][3];
    int kind[8], nkinds;
    int nb = lattice_basis(style, covera, cell, basis, kind, &nkinds);
    if (nb < 0) {
        snprintf(err, (size_t)errlen, "unknown lattice '%s' (expected sc, bcc, fcc, hcp, diamond, b2, l12)", style);
        return -1;
    }
    if (!(a > 0) || cells[0] < 1 || cells[1] < 1 || cells[2] < 1) {
        snprintf(err, (size_t)errlen, "lattice constant and cell counts must be positive");
        return -1;
    }
    int64_t n = (int64_t)cells[0] * cells[1] * cells[2] * nb;
    double len[3];
    for (int d = 0; d < 3; d++)
        len[d] = cells[d] * cell[d] * a;
    new_box(s, len);
    uint64_t *thr = alloy_frac ? species_thresholds(seed, n, nspecies, alloy_frac) : NULL;
    int64_t g = 0;
    for (int iz = 0; iz < cells[2]; iz++)
        for (int iy = 0; iy < cells[1]; iy++)
            for (int ix = 0; ix < cells[0]; ix++)
                for (int k = 0; k < nb; k++, g++) {
                    double x[3] = {(ix + basis[k][0]) * cell[0] * a, (iy + basis[k][1]) * cell[1] * a,
                                   (iz + basis[k][2]) * cell[2] * a};
                    if (!is_mine(s, x))
                        continue;
                    int type = thr ? 1 + species_of(thr, nspecies, site_key(seed, g)) : type_of_kind[kind[k]];
                    add_atom(s, g + 1, type, x);
                }
    free(thr);
    s->atoms.natoms = n;
    return 0;
}

int build_random(md *s, int64_t n, double rho, double mindist, int nspecies, const double *frac,
                 uint64_t seed, char *err, int errlen)
{
    if (n < 1 || !(rho > 0)) {
        snprintf(err, (size_t)errlen, "atom count and density must be positive");
        return -1;
    }
    double L = cbrt((double)n / rho);
    double len[3] = {L, L, L};
    new_box(s, len);
    /* Random sequential addition with a cell grid for the overlap test. The
     * same sequence runs on every rank; each keeps its own atoms. */
    int nc = mindist > 0 ? (int)(L / mindist) : 1;
    if (nc < 1) nc = 1;
    if (nc > 256) nc = 256;
    double cs = L / nc;
    int64_t ncell = (int64_t)nc * nc * nc;
    int64_t *head = mg_malloc((size_t)ncell * sizeof *head);
    int64_t *next = mg_malloc((size_t)n * sizeof *next);
    double (*pos)[3] = mg_malloc((size_t)n * sizeof *pos);
    for (int64_t c = 0; c < ncell; c++)
        head[c] = -1;
    uint64_t *thr = species_thresholds(seed, n, nspecies, frac);
    double md2 = mindist * mindist;
    uint64_t attempt = 0, max_attempts = (uint64_t)n * 2000 + 100000;
    for (int64_t g = 0; g < n; g++) {
        for (;;) {
            if (attempt++ > max_attempts) {
                snprintf(err, (size_t)errlen,
                         "could not place %lld atoms %g A apart at %g atoms/A^3 (placed %lld); "
                         "lower mindist or the density", (long long)n, mindist, rho, (long long)g);
                free(head); free(next); free(pos); free(thr);
                return -1;
            }
            double u[4];
            rng_uniform2(seed, attempt, RNG_ALLOY_POSITION, 0, u);
            rng_uniform2(seed, attempt, RNG_ALLOY_POSITION, 1, u + 2);
            double x[3] = {u[0] * L, u[1] * L, u[2] * L};
            int c[3];
            for (int d = 0; d < 3; d++) {
                c[d] = (int)(x[d] / cs);
                if (c[d] >= nc) c[d] = nc - 1;
            }
            int ok = 1;
            for (int dz = -1; dz <= 1 && ok; dz++)
                for (int dy = -1; dy <= 1 && ok; dy++)
                    for (int dx = -1; dx <= 1 && ok; dx++) {
                        int cx = (c[0] + dx + nc) % nc, cy = (c[1] + dy + nc) % nc, cz = (c[2] + dz + nc) % nc;
                        for (int64_t j = head[(cz * nc + cy) * nc + cx]; j >= 0; j = next[j]) {
                            double r2 = 0;
                            for (int d = 0; d < 3; d++) {
                                double dd = x[d] - pos[j][d];
                                dd -= L * nearbyint(dd / L);
                                r2 += dd * dd;
                            }
                            if (r2 < md2) { ok = 0; break; }
                        }
                    }
            if (!ok)
                continue;
            memcpy(pos[g], x, sizeof x);
            int64_t cell = ((int64_t)c[2] * nc + c[1]) * nc + c[0];
            next[g] = head[cell];
            head[cell] = g;
            add_if_mine(s, g + 1, 1 + species_of(thr, nspecies, site_key(seed, g)), x);
            break;
        }
    }
    free(head); free(next); free(pos); free(thr);
    s->atoms.natoms = n;
    return 0;
}

