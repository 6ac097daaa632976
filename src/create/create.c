/* Builders (create.h). Rank independence: every rank enumerates all sites
 * (or runs the whole random placement) in the same order with the same
 * counter-based numbers and keeps those decomp_owner() gives it, so ids
 * (site index + 1), positions and species do not depend on the rank count.
 * Species: largest-remainder counts of frac*N; each site's 64-bit Philox key
 * is sorted, and the sites between successive count thresholds get
 * successive species. Random positions: random sequential addition in a
 * periodic cube, overlaps tested on a cell grid (cells no narrower than
 * mindist unless there is one; at most 256 a side); after 2000 N + 100000
 * attempts it gives up with the same message on every rank. Each rank holds
 * 8 bytes per site (keys), plus 32 per atom for random positions: a set-up
 * cost. No communication. */
#include "create/create.h"
#include "core/elements.h"
#include "core/error.h"
#include "core/numbers.h"
#include "core/rng.h"
#include "core/units.h"

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

/* Exact species counts (largest remainder) for n sites. */
static void species_counts(int64_t n, int ns, const double *frac, int64_t *count)
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

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Thresholds on the random keys of n sites such that the sites with keys in
 * [thr[k-1], thr[k]) get species k: exact counts, random placement. Every
 * rank computes all keys (8 bytes a site), a set-up cost only. */
static uint64_t *species_thresholds(uint64_t seed, int64_t n, int ns, const double *frac)
{
    uint64_t *keys = mg_malloc((size_t)n * sizeof *keys);
    for (int64_t g = 0; g < n; g++)
        keys[g] = site_key(seed, g);
    qsort(keys, (size_t)n, sizeof *keys, cmp_u64);
    int64_t count[BUILD_MAX_SPECIES];
    species_counts(n, ns, frac, count);
    uint64_t *thr = mg_malloc((size_t)ns * sizeof *thr);
    int64_t cum = 0;
    for (int k = 0; k < ns; k++) {
        cum += count[k];
        thr[k] = cum < n ? keys[cum] : UINT64_MAX;
    }
    free(keys);
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

static void add_if_mine(md *s, int64_t id, int type, double x[3])
{
    double l[3];
    box_to_lamda(&s->box, x, l);
    if (decomp_owner(&s->dc, l) == s->dc.rank) {
        int img[3] = {0, 0, 0};
        box_remap(&s->box, x, img);
        atoms_add(&s->atoms, id, type, x, NULL, img);
    }
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
                    int type = thr ? 1 + species_of(thr, nspecies, site_key(seed, g)) : type_of_kind[kind[k]];
                    add_if_mine(s, g + 1, type, x);
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

