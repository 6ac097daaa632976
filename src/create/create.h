/* Creating a system: crystal lattices, random alloys on a lattice or at
 * random positions, composition strings (create.c), and velocities
 * (velocity.c).
 *
 * Every builder is rank-independent: it enumerates the same global sites in
 * the same order on every rank, draws counter-based random numbers keyed by
 * (seed, site), and each rank keeps the sites inside its sub-domain. The
 * alloy builders' species thresholds are the one step that communicates
 * (alloy_thresholds, a few global sums), so they are collective. */
#ifndef MGMD_BUILD_H
#define MGMD_BUILD_H

#include <stdint.h>

#include "system/system.h"

#define BUILD_MAX_SPECIES 16
#define COMPOSITION_MAX_AMOUNT 1e6

/* "Cu64Zr36", "Pd40Cu30Ni10P20", "Cu64.5Zr35.5", "CuZr" (1:1). Each amount
 * a finite decimal number in (0, COMPOSITION_MAX_AMOUNT]. Returns the
 * number of species (fractions normalised to 1) or -1 with a message. */
int composition_parse(const char *s, char (*element)[8], double *fraction, char *err, int errlen);

/* Lattice styles: sc bcc fcc hcp diamond b2 l12. cell[] is the orthogonal
 * unit cell in units of a; kind[] tells which of the lattice's species (0 or
 * 1: b2 CsCl-type sites A at corners, B at centre; l12 A3B: A on faces, B on
 * corners) a basis site carries. Returns the number of basis sites or -1. */
int lattice_basis(const char *style, double covera, double cell[3], double basis[][3], int kind[], int *nkinds);

/* Place atoms on every site of cells[0..2] unit cells of a lattice with
 * constant a (A). Types: by site kind (type_of_kind) or, when alloy_frac is
 * not NULL, frac*N sites of each of nspecies types (rounded by largest
 * remainder so the counts add up to N) chosen at
 * random from seed. Replaces the box. Returns 0 or -1 with a message. */
int build_lattice(md *s, const char *style, double a, double covera, const int cells[3],
                  const int *type_of_kind, int nspecies, const double *alloy_frac, uint64_t seed,
                  char *err, int errlen);

/* Exact species counts of n sites for fractions frac[0..ns-1]: floor(frac_k
 * n) each, the sites left over to the largest remainders. */
void alloy_counts(int64_t n, int ns, const double *frac, int64_t *count);

/* Species thresholds of an alloy of n sites (lattice sites or atoms) with
 * species fractions frac[0..ns-1], ns <= BUILD_MAX_SPECIES: with the
 * largest-remainder counts c_k and cum_k = c_0 + ... + c_k, thr[k] is the
 * cum_k-th smallest (0-based) of the sites' random keys (seed, site index),
 * or UINT64_MAX when cum_k = n; a site whose key lies in [thr[k-1], thr[k])
 * gets species k. Exactly the elements of a sorted array of all n keys, but
 * found by select_keys: no rank holds O(n) memory. Collective. */
void alloy_thresholds(uint64_t seed, int64_t n, int ns, const double *frac, uint64_t *thr);

/* The key of site (or item) g, 0 <= g < n, from ctx; any rank can compute
 * any g's. */
typedef uint64_t (*select_key_fn)(const void *ctx, int64_t g);
/* out[i] = the rank[i]-th smallest (0-based, equal keys counted as often as
 * they occur) of key(ctx, 0 .. n-1), for 0 <= rank[i] < n, i < nr; ranks in
 * any order, repeats allowed. Distributed radix selection: each rank
 * computes the keys of n/P indices twice and holds no more of them than
 * that (about n/65536/P in practice); per batch of 16 ranks, seven global
 * sums of histograms (one of 512 KB, six of at most 32 KB).
 * Collective: every rank passes the same n, key and ranks. */
void select_keys(int64_t n, select_key_fn key, const void *ctx, int nr, const int64_t *rank, uint64_t *out);

/* N atoms at random positions in a cube of number density rho (A^-3), no
 * two closer than mindist (A); species fractions exact as above. */
int build_random(md *s, int64_t n, double rho, double mindist, int nspecies, const double *frac,
                 uint64_t seed, char *err, int errlen);

/* Velocities of the atoms of group g (velocity.c). Atoms a fix holds are
 * left alone, as thermostats leave them.
 *
 * Gaussian velocities at temperature T (K) from seed, the group's momentum
 * zero, scaled so its temperature (md_group_dof: 3N-3 degrees of freedom)
 * is exactly T. Keyed by (seed, atom id): bitwise identical for any rank
 * count, and an atom's velocity does not depend on the group. */
void velocity_create(md *s, int g, double T, uint64_t seed);
/* Remove the group's centre-of-mass velocity. */
void velocity_zero_momentum(md *s, int g);
/* Set the given components (set[d]) of every velocity to v (A/ps); with
 * `sum`, add them instead. */
void velocity_set(md *s, int g, const double v[3], const int set[3], int sum);
/* Scale the velocities so the group's temperature is T (K); fails (returns
 * -1) if it is zero. */
int velocity_scale(md *s, int g, double T);

#endif
