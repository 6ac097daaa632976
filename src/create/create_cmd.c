/* Creating the system and its velocities: deck commands (create.h).
 *
 *   create_lattice STYLE A cells NX NY NZ types El... [covera C]
 *   create_alloy COMPOSITION lattice STYLE A cells NX NY NZ seed S [covera C]
 *   create_alloy COMPOSITION atoms N density RHO UNIT seed S [mindist D]
 *   velocity create T seed S [group G]
 *   velocity set VX VY VZ [sum yes] [group G]       (NULL: leave a component)
 *   velocity scale T [group G]
 *   velocity zero momentum [group G]
 *
 * Builders are rank-independent (create.c); velocities are keyed by (seed,
 * atom id) and their sums reproducible (velocity.c). */
#include "core/elements.h"
#include "create/create.h"
#include "core/memory.h"
#include "deck/deck.h"
#include "parallel/parallel.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Types named by element: type t gets element names[t-1] and its standard mass. */
static void set_types(md *s, int n, char (*names)[8])
{
    atoms_set_ntypes(&s->atoms, n);
    for (int t = 1; t <= n; t++) {
        memcpy(s->atoms.element[t], names[t - 1], ATOMS_NAME_LEN);
        s->atoms.element[t][ATOMS_NAME_LEN - 1] = '\0';
        s->atoms.mass[t] = element_mass(element_number(names[t - 1]));
    }
}

#define LATTICE_MIN 0.5
#define LATTICE_MAX 100.0

static void lattice_args(deck *dk, int *i, char *style, double *a, int cells[3], double *covera)
{
    snprintf(style, 16, "%s", deck_word(dk, i, "lattice style (sc, bcc, fcc, hcp, diamond, b2, l12)"));
    *a = deck_quantity(dk, i, Q_LENGTH, "lattice constant", "cells");
    /* Metals' lattice constants are 2.5-7 A; anything outside this is a
     * typo (nm for A) that would build an absurd system. */
    if (!(*a >= LATTICE_MIN && *a <= LATTICE_MAX))
        deck_fail(dk, "%s: the lattice constant must be between %g and %g A, got %g A", dk->args[0], LATTICE_MIN,
                  LATTICE_MAX, *a);
    const char *k = deck_word(dk, i, "'cells'");
    if (strcmp(k, "cells") != 0)
        deck_fail(dk, "%s: expected 'cells NX NY NZ' after the lattice constant, got '%s'", dk->args[0], k);
    for (int d = 0; d < 3; d++)
        cells[d] = (int)deck_int(dk, i, "number of unit cells", 1, 100000);
    *covera = 0.0;
}

/* Before building: every rank holds `every_rank` bytes of set-up data
 * (8 per site for the species keys; 32 more per atom for random
 * positions) and keeps its share of the atoms. */
static void check_build_memory(deck *dk, double every_rank, double natoms)
{
    char what[160];
    snprintf(what, sizeof what, "building %.4g atoms on %d rank%s", natoms, par_size(), par_size() > 1 ? "s" : "");
    deck_check_memory(dk, every_rank + MEM_BYTES_PER_ATOM * natoms / par_size(), what);
}

static double lattice_sites(const char *style, double covera, const int cells[3])
{
    double cell[3], basis[64][3];
    int kind[64], nkinds;
    int nb = lattice_basis(style, covera, cell, basis, kind, &nkinds);
    return (nb > 0 ? nb : 1) * (double)cells[0] * cells[1] * cells[2];
}

static void report_built(deck *dk)
{
    md *s = dk->s;
    if (par_rank() == 0) {
        printf("%s: %lld atoms in a %.6g x %.6g x %.6g A box, types", dk->args[0], (long long)s->atoms.natoms,
               s->box.len[0], s->box.len[1], s->box.len[2]);
        for (int t = 1; t <= s->atoms.ntypes; t++)
            printf(" %d=%s", t, s->atoms.element[t]);
        printf("\n");
        fflush(stdout);
    }
}

void cmd_create_lattice(deck *dk)
{
    deck_need_no_system(dk);
    int i = 1, cells[3];
    char style[16];
    double a, covera;
    lattice_args(dk, &i, style, &a, cells, &covera);
    char names[BUILD_MAX_SPECIES][8];
    int nt = 0;
    while (i < dk->nargs) {
        const char *k = deck_word(dk, &i, "keyword");
        if (!strcmp(k, "types")) {
            while (i < dk->nargs && strcmp(dk->args[i], "covera") != 0 && nt < BUILD_MAX_SPECIES) {
                if (!element_number(dk->args[i]))
                    deck_fail(dk, "create_lattice: '%s' after 'types' is not a chemical element", dk->args[i]);
                snprintf(names[nt++], 8, "%s", dk->args[i++]);
            }
        } else if (!strcmp(k, "covera")) {
            covera = deck_real_in(dk, &i, "c/a ratio", 0.5, 5.0);
        } else {
            deck_fail(dk, "create_lattice: unknown keyword '%s' (expected types, covera)", k);
        }
    }
    double cell[3], basis[8][3];
    int kind[8], nkinds;
    if (lattice_basis(style, covera, cell, basis, kind, &nkinds) < 0)
        deck_fail(dk, "create_lattice: unknown lattice '%s' (expected sc, bcc, fcc, hcp, diamond, b2, l12)", style);
    if (nt != nkinds)
        deck_fail(dk, "create_lattice: lattice %s needs %d element name%s after 'types' (got %d)", style, nkinds,
                  nkinds > 1 ? "s" : "", nt);
    int type_of_kind[2] = {1, 2};
    /* The same element on both kinds of site is one type. */
    if (nkinds == 2 && strcmp(names[0], names[1]) == 0) {
        nt = 1;
        type_of_kind[1] = 1;
    }
    set_types(dk->s, nt, names);
    char err[512];
    double sites = lattice_sites(style, covera, cells);
    check_build_memory(dk, 8.0 * sites, sites);
    if (build_lattice(dk->s, style, a, covera, cells, type_of_kind, 0, NULL, 0, err, sizeof err) != 0)
        deck_fail(dk, "create_lattice: %s", err);
    report_built(dk);
}

void cmd_create_alloy(deck *dk)
{
    deck_need_no_system(dk);
    int i = 1;
    const char *comp = deck_word(dk, &i, "composition (e.g. Cu64Zr36)");
    char names[BUILD_MAX_SPECIES][8], err[512];
    double frac[BUILD_MAX_SPECIES];
    int ns = composition_parse(comp, names, frac, err, sizeof err);
    if (ns < 0)
        deck_fail(dk, "create_alloy: %s", err);
    const char *mode = deck_word(dk, &i, "'lattice' or 'atoms'");
    uint64_t seed = 0;
    int have_seed = 0;
    if (!strcmp(mode, "lattice")) {
        int cells[3];
        char style[16];
        double a, covera;
        lattice_args(dk, &i, style, &a, cells, &covera);
        while (i < dk->nargs) {
            const char *k = deck_word(dk, &i, "keyword");
            if (!strcmp(k, "seed")) {
                seed = (uint64_t)deck_int(dk, &i, "seed", 0, INT64_MAX);
                have_seed = 1;
            } else if (!strcmp(k, "covera")) {
                covera = deck_real_in(dk, &i, "c/a ratio", 0.5, 5.0);
            } else {
                deck_fail(dk, "create_alloy: unknown keyword '%s' (expected seed, covera)", k);
            }
        }
        if (!have_seed)
            deck_fail(dk, "create_alloy: missing 'seed N' (the random placement of species needs one)");
        set_types(dk->s, ns, names);
        double sites = lattice_sites(style, covera, cells);
        check_build_memory(dk, 8.0 * sites, sites);
        if (build_lattice(dk->s, style, a, covera, cells, NULL, ns, frac, seed, err, sizeof err) != 0)
            deck_fail(dk, "create_alloy: %s", err);
    } else if (!strcmp(mode, "atoms")) {
        int64_t n = deck_int(dk, &i, "number of atoms", 1, INT64_C(1) << 40);
        double rho = 0, mindist = 2.0;
        while (i < dk->nargs) {
            const char *k = deck_word(dk, &i, "keyword");
            if (!strcmp(k, "density")) {
                double v = deck_real(dk, &i, "density");
                const char *u = deck_word(dk, &i, "density unit (A^-3, nm^-3 for atoms per volume; g/cm^3)");
                double f;
                if (units_factor(Q_NUMBER_DENSITY, u, &f)) {
                    rho = v * f;
                } else if (units_factor(Q_MASS_DENSITY, u, &f)) {
                    double mbar = 0;
                    for (int k2 = 0; k2 < ns; k2++)
                        mbar += frac[k2] * element_mass(element_number(names[k2]));
                    rho = v * f / (mbar * MG_MV2D);
                } else {
                    deck_fail(dk, "create_alloy: unknown density unit '%s' (expected %s, or %s)", u,
                              units_accepted(Q_NUMBER_DENSITY), units_accepted(Q_MASS_DENSITY));
                }
                double lo, hi;
                units_range(Q_NUMBER_DENSITY, &lo, &hi);
                if (!(rho > lo && rho <= hi))
                    deck_fail(dk, "create_alloy: the density %s %s is %g atoms/A^3; it must be above 0 and at most "
                              "%g (metals are near 0.06)", dk->args[i - 2], u, rho, hi);
            } else if (!strcmp(k, "seed")) {
                seed = (uint64_t)deck_int(dk, &i, "seed", 0, INT64_MAX);
                have_seed = 1;
            } else if (!strcmp(k, "mindist")) {
                mindist = deck_quantity(dk, &i, Q_LENGTH, "minimum distance", "density seed mindist");
                if (!(mindist >= 0))
                    deck_fail(dk, "create_alloy: mindist must be >= 0 A");
            } else {
                deck_fail(dk, "create_alloy: unknown keyword '%s' (expected density, seed, mindist)", k);
            }
        }
        if (!(rho > 0))
            deck_fail(dk, "create_alloy: missing 'density VALUE UNIT'");
        if (!have_seed)
            deck_fail(dk, "create_alloy: missing 'seed N'");
        set_types(dk->s, ns, names);
        check_build_memory(dk, 40.0 * (double)n, (double)n);
        if (build_random(dk->s, n, rho, mindist, ns, frac, seed, err, sizeof err) != 0)
            deck_fail(dk, "create_alloy: %s", err);
    } else {
        deck_fail(dk, "create_alloy: expected 'lattice' or 'atoms' after the composition, got '%s'", mode);
    }
    report_built(dk);
}

void cmd_velocity(deck *dk)
{
    deck_need_system(dk);
    md *s = dk->s;
    int i = 1;
    const char *what = deck_word(dk, &i, "'create', 'set', 'scale' or 'zero'");
    const char *kw = "seed group sum";
    int g = GROUP_ALL;
    if (!strcmp(what, "create")) {
        double T = deck_quantity(dk, &i, Q_TEMPERATURE, "temperature", kw);
        if (!(T >= 0))
            deck_fail(dk, "velocity create: temperature must be >= 0 K");
        const char *k = deck_word(dk, &i, "'seed'");
        if (strcmp(k, "seed") != 0)
            deck_fail(dk, "velocity create: expected 'seed N', got '%s'", k);
        uint64_t seed = (uint64_t)deck_int(dk, &i, "seed", 0, INT64_MAX);
        g = deck_trailing_group(dk, &i);
        for (int t = 1; t <= s->atoms.ntypes; t++)
            if (!(s->atoms.mass[t] > 0))
                deck_fail(dk, "velocity create: type %d has no mass yet (choose the potential first, or set 'mass %d "
                          "VALUE')", t, t);
        velocity_create(s, g, T, seed);
    } else if (!strcmp(what, "set")) {
        double v[3];
        int set[3], sum = 0;
        deck_components(dk, &i, Q_VELOCITY, "velocity", kw, v, set);
        while (i < dk->nargs) {
            const char *k = deck_word(dk, &i, "keyword");
            if (!strcmp(k, "sum"))
                sum = deck_bool(dk, &i, "sum (yes: add to the velocities)");
            else if (!strcmp(k, "group"))
                g = deck_group(dk, &i);
            else
                deck_fail(dk, "velocity set: unknown keyword '%s' (expected sum, group)", k);
        }
        velocity_set(s, g, v, set, sum);
    } else if (!strcmp(what, "scale")) {
        double T = deck_quantity(dk, &i, Q_TEMPERATURE, "temperature", kw);
        if (!(T >= 0) || !isfinite(T))
            deck_fail(dk, "velocity scale: temperature must be >= 0 K");
        g = deck_trailing_group(dk, &i);
        if (velocity_scale(s, g, T) != 0)
            deck_fail(dk, "velocity scale: group '%s' has no kinetic energy to scale (create velocities first)",
                      s->groups.g[g].name);
    } else if (!strcmp(what, "zero")) {
        const char *k = deck_word(dk, &i, "'momentum'");
        if (strcmp(k, "momentum") != 0)
            deck_fail(dk, "velocity zero: expected 'momentum', got '%s'", k);
        g = deck_trailing_group(dk, &i);
        velocity_zero_momentum(s, g);
    } else {
        deck_fail(dk, "velocity: expected 'create T seed N', 'set VX VY VZ', 'scale T' or 'zero momentum', got '%s'",
                  what);
    }
}
