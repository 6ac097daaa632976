/* The distributed selection behind create_alloy's species (create.h)
 * against a sort of all keys on every rank, the method it replaced.
 *
 *   thresholds     alloy_thresholds(seed, n, ns, frac) equals, entry for
 *                  entry, the reference below (every site's Philox key
 *                  sorted, thr[k] = the cum_k-th smallest key or UINT64_MAX
 *                  when cum_k = n, with the largest-remainder counts) for
 *                  n from 1 to 100,003 (n = 1, 2, 3 below the rank count on
 *                  4 ranks; 65,536 and 65,537 at a digit's size), seeds 0
 *                  to 2^63 - 1 and eight compositions: one species, 2, 3, 4
 *                  and 16 species, and fractions that give a species no
 *                  site (Cu98Zr1Al1 on few sites; a first species of 1e-6,
 *                  whose threshold is then the smallest key, rank 0);
 *   ties           select_keys with key functions that tie heavily or put
 *                  all the information in one digit (a constant; g mod 3;
 *                  0 and UINT64_MAX alternating; ties in every 16-bit digit;
 *                  only the lowest digit random, so every key is a
 *                  candidate; only the top and bottom digits random;
 *                  descending keys; full Philox keys): every wanted rank
 *                  gives the element of the sorted array at that position,
 *                  for all ranks 0 .. n-1 of small n (wanted in descending
 *                  order, each twice, so more than one batch of 16) and 40
 *                  ranks (first, last, random, repeated) of larger n.
 *
 * Every rank computes the reference alone and compares; a check fails if it
 * fails on any rank (unit_report.h). One ok/FAIL line per check group with
 * the first mismatch; exit status non-zero on any failure. Runs on any
 * number of ranks (ctest: 1, 2, 3, 4). */
#include "core/error.h"
#include "core/rng.h"
#include "create/create.h"
#include "parallel/parallel.h"
#include "unit_report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the reference: the sort create.c did before --------------------------- */

static uint64_t philox_key(uint64_t seed, int64_t g)
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

static void ref_thresholds(const uint64_t *sorted, int64_t n, int ns, const double *frac, uint64_t *thr)
{
    int64_t count[BUILD_MAX_SPECIES], cum = 0;
    alloy_counts(n, ns, frac, count); /* the counts are not what is tested */
    for (int k = 0; k < ns; k++) {
        cum += count[k];
        thr[k] = cum < n ? sorted[cum] : UINT64_MAX;
    }
}

/* ---- thresholds ------------------------------------------------------------ */

typedef struct comp {
    const char *name;
    int ns;
    double frac[BUILD_MAX_SPECIES];
} comp;

static void check_thresholds(void)
{
    static const int64_t sizes[] = {1, 2, 3, 4, 5, 7, 10, 31, 100, 1000, 4096, 65536, 65537, 100003};
    static const uint64_t seeds[] = {0, 7, 2024, 9223372036854775807u};
    comp comps[] = {
        {"Cu", 1, {1.0}},
        {"CuZr", 2, {0.5, 0.5}},
        {"Cu64Zr36", 2, {0.64, 0.36}},
        {"Pd40Cu30Ni30", 3, {0.4, 0.3, 0.3}},
        {"Pd40Cu30Ni10P20", 4, {0.4, 0.3, 0.1, 0.2}},
        {"Cu98Zr1Al1", 3, {0.98, 0.01, 0.01}},
        {"1e-6 : 1 : 1e-6", 3, {1e-6 / (1 + 2e-6), 1 / (1 + 2e-6), 1e-6 / (1 + 2e-6)}},
        {"16 equal", 16, {0}},
    };
    int ncomp = (int)(sizeof comps / sizeof comps[0]);
    for (int k = 0; k < 16; k++)
        comps[ncomp - 1].frac[k] = 1.0 / 16;
    for (size_t in = 0; in < sizeof sizes / sizeof sizes[0]; in++) {
        int64_t n = sizes[in];
        uint64_t *keys = mg_malloc((size_t)n * sizeof *keys);
        int ok = 1, cases = 0;
        char first[300] = "";
        for (size_t is = 0; is < sizeof seeds / sizeof seeds[0]; is++) {
            for (int64_t g = 0; g < n; g++)
                keys[g] = philox_key(seeds[is], g);
            qsort(keys, (size_t)n, sizeof *keys, cmp_u64);
            for (int c = 0; c < ncomp; c++) {
                uint64_t want[BUILD_MAX_SPECIES], got[BUILD_MAX_SPECIES];
                ref_thresholds(keys, n, comps[c].ns, comps[c].frac, want);
                alloy_thresholds(seeds[is], n, comps[c].ns, comps[c].frac, got);
                cases++;
                for (int k = 0; k < comps[c].ns; k++)
                    if (got[k] != want[k]) {
                        if (ok)
                            snprintf(first, sizeof first, "; first: %s seed %llu thr[%d] = %016llx, sort gives %016llx",
                                     comps[c].name, (unsigned long long)seeds[is], k, (unsigned long long)got[k],
                                     (unsigned long long)want[k]);
                        ok = 0;
                        break;
                    }
            }
        }
        free(keys);
        report(ok, "thresholds: n = %lld, %d compositions x seeds equal the sorted keys' elements%s", (long long)n,
               cases, first);
    }
}

/* ---- ties and skewed digits ------------------------------------------------ */

enum kind { K_CONST, K_MOD3, K_ZERO_MAX, K_DIGIT_TIES, K_LOW_DIGIT, K_TOP_BOTTOM, K_DESCENDING, K_PHILOX, K_COUNT };
static const char *kind_name[K_COUNT] = {"constant", "g mod 3", "0 / UINT64_MAX", "ties in every digit",
                                         "lowest digit only", "top and bottom digits", "descending", "Philox"};

static uint64_t test_key(const void *ctx, int64_t g)
{
    uint64_t h = philox_key(99, g);
    switch (*(const int *)ctx) {
    case K_CONST: return 42;
    case K_MOD3: return (uint64_t)(g % 3);
    case K_ZERO_MAX: return g % 2 ? UINT64_MAX : 0;
    case K_DIGIT_TIES:
        return ((uint64_t)(g % 5) << 48) | ((uint64_t)(g % 3) << 32) | ((uint64_t)(g % 7) << 16) | (uint64_t)(g % 2);
    case K_LOW_DIGIT: return h & 0xFFFFu;
    case K_TOP_BOTTOM: return h & 0xFFFF00000000FFFFu;
    case K_DESCENDING: return UINT64_MAX - (uint64_t)g;
    default: return h;
    }
}

static void check_ties(void)
{
    static const int64_t sizes[] = {1, 2, 3, 5, 17, 64, 1000, 70001};
    for (int kind = 0; kind < K_COUNT; kind++) {
        int ok = 1, nchecked = 0;
        char first[300] = "";
        for (size_t in = 0; in < sizeof sizes / sizeof sizes[0]; in++) {
            int64_t n = sizes[in];
            uint64_t *keys = mg_malloc((size_t)n * sizeof *keys);
            for (int64_t g = 0; g < n; g++)
                keys[g] = test_key(&kind, g);
            qsort(keys, (size_t)n, sizeof *keys, cmp_u64);
            int64_t want[200];
            int nr = 0;
            if (n <= 64) {
                for (int64_t r = n - 1; r >= 0; r--) {
                    want[nr++] = r;
                    want[nr++] = r;
                }
            } else {
                want[nr++] = 0;
                want[nr++] = n - 1;
                want[nr++] = 0;
                for (int i = 0; nr < 40; i++)
                    want[nr++] = (int64_t)(philox_key(5, i) % (uint64_t)n);
            }
            uint64_t got[200];
            select_keys(n, test_key, &kind, nr, want, got);
            for (int i = 0; i < nr; i++, nchecked++)
                if (got[i] != keys[want[i]]) {
                    if (ok)
                        snprintf(first, sizeof first, "; first: n = %lld rank %lld gives %016llx, sort %016llx",
                                 (long long)n, (long long)want[i], (unsigned long long)got[i],
                                 (unsigned long long)keys[want[i]]);
                    ok = 0;
                }
            free(keys);
        }
        report(ok, "select_keys, %s keys: %d wanted ranks equal the sorted array's elements%s", kind_name[kind],
               nchecked, first);
    }
}

int main(int argc, char **argv)
{
    par_init(&argc, &argv);
    check_thresholds();
    check_ties();
    if (par_rank() == 0)
        printf("%d checks, %d passed, %d failed (%d ranks)\n", unit_checks, unit_checks - unit_failures, unit_failures,
               par_size());
    par_finalize();
    return unit_failures ? 1 : 0;
}
