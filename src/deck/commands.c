/* Deck commands. Each reads its arguments with the deck_* helpers (which
 * report "file:line: command: what was expected") and acts on the system.
 * docs/deck-reference.md documents every command; keep the two in step. */
#include "analysis/analysis_cmd.h"
#include "build/build.h"
#include "core/elements.h"
#include "core/error.h"
#include "deck/deck.h"
#include "deck/restart.h"
#include "integrate/verlet.h"
#include "io/data_file.h"
#include "parallel/parallel.h"
#include "potential/eam.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void cmd_minimize(deck *dk);

static void need_no_system(deck *dk)
{
    if (dk->s->have_box)
        deck_fail(dk, "%s must come before the system is created (read_data, read_checkpoint, create_lattice, create_alloy)",
                  dk->args[0]);
}

static void need_system(deck *dk)
{
    if (!dk->s->have_box)
        deck_fail(dk, "%s: no system yet (use read_data, read_checkpoint, create_lattice or create_alloy first)", dk->args[0]);
}

static void cmd_units(deck *dk)
{
    int i = 1;
    const char *u = deck_word(dk, &i, "unit style");
    if (strcmp(u, "metal") != 0)
        deck_fail(dk, "units: mgmd uses LAMMPS metal units only (A, ps, eV, K, bar, g/mol), got '%s'", u);
    deck_done(dk, i);
}

static void cmd_boundary(deck *dk)
{
    need_no_system(dk);
    int i = 1;
    for (int d = 0; d < 3; d++) {
        const char *w = deck_word(dk, &i, "boundary (p, f or s for each of x, y, z)");
        if (strlen(w) != 1 || !strchr("pfs", w[0]))
            deck_fail(dk, "boundary: '%s' for %c is not p (periodic), f (fixed) or s (shrink-wrapped)", w, 'x' + d);
        dk->s->box.boundary[d] = w[0];
    }
    deck_done(dk, i);
}

static void cmd_processors(deck *dk)
{
    need_no_system(dk);
    int i = 1;
    for (int d = 0; d < 3; d++) {
        if (i < dk->nargs && strcmp(dk->args[i], "*") == 0) {
            dk->s->procs[d] = 0;
            i++;
        } else {
            dk->s->procs[d] = (int)deck_int(dk, &i, "ranks along a dimension (or *)", 1, 1 << 20);
        }
    }
    deck_done(dk, i);
    int64_t fixed = 1;
    for (int d = 0; d < 3; d++)
        if (dk->s->procs[d] > 0)
            fixed *= dk->s->procs[d];
    if (par_size() % fixed != 0 || (dk->s->procs[0] && dk->s->procs[1] && dk->s->procs[2] && fixed != par_size()))
        deck_fail(dk, "processors: the grid does not fit the %d MPI ranks of this run", par_size());
}

static void cmd_timestep(deck *dk)
{
    int i = 1;
    double dt = deck_quantity(dk, &i, Q_TIME, "time step", NULL);
    if (!(dt > 0))
        deck_fail(dk, "timestep: must be positive");
    deck_done(dk, i);
    dk->s->dt = dt;
}

static void cmd_variable(deck *dk)
{
    int i = 1;
    const char *name = deck_word(dk, &i, "variable name");
    if (i < dk->nargs && strcmp(dk->args[i], "=") == 0)
        i++;
    const char *value = deck_word(dk, &i, "value");
    deck_done(dk, i);
    if (deck_set_var(dk, name, value, 0) != 0)
        deck_fail(dk, "variable: bad name '%s' (letters, digits, _) or too many variables", name);
}

static void cmd_print(deck *dk)
{
    if (par_rank() == 0) {
        for (int i = 1; i < dk->nargs; i++)
            printf("%s%s", dk->args[i], i + 1 < dk->nargs ? " " : "\n");
        fflush(stdout);
    }
}

static void cmd_echo(deck *dk)
{
    int i = 1;
    dk->echo = deck_bool(dk, &i, "echo");
    deck_done(dk, i);
}

static void cmd_read_data(deck *dk)
{
    need_no_system(dk);
    int i = 1;
    char path[2048];
    deck_path(dk, deck_word(dk, &i, "data file"), path, sizeof path);
    deck_done(dk, i);
    /* Rank 0 decides, so every rank takes the same branch. */
    int err = 0;
    if (par_rank() == 0 && access(path, R_OK) != 0)
        err = errno;
    par_bcast_ints(&err, 1, 0);
    if (err)
        deck_fail(dk, "read_data: cannot open %s: %s", path, strerror(err));
    data_read(dk->s, path);
    if (par_rank() == 0)
        printf("read_data: %lld atoms, %d types from %s\n", (long long)dk->s->atoms.natoms, dk->s->atoms.ntypes, path);
}

static void cmd_write_data(deck *dk)
{
    need_system(dk);
    int i = 1;
    const char *path = deck_word(dk, &i, "file name");
    int vel = 1;
    while (i < dk->nargs) {
        const char *k = deck_word(dk, &i, "keyword");
        if (!strcmp(k, "velocities"))
            vel = deck_bool(dk, &i, "velocities");
        else
            deck_fail(dk, "write_data: unknown keyword '%s' (expected velocities)", k);
    }
    if (data_write(dk->s, path, vel) != 0)
        deck_fail(dk, "write_data: cannot write %s: %s", path, strerror(errno));
}

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

static void lattice_args(deck *dk, int *i, char *style, double *a, int cells[3], double *covera)
{
    snprintf(style, 16, "%s", deck_word(dk, i, "lattice style (sc, bcc, fcc, hcp, diamond, b2, l12)"));
    *a = deck_quantity(dk, i, Q_LENGTH, "lattice constant", "cells");
    if (!(*a > 0))
        deck_fail(dk, "%s: lattice constant must be positive", dk->args[0]);
    const char *k = deck_word(dk, i, "'cells'");
    if (strcmp(k, "cells") != 0)
        deck_fail(dk, "%s: expected 'cells NX NY NZ' after the lattice constant, got '%s'", dk->args[0], k);
    for (int d = 0; d < 3; d++)
        cells[d] = (int)deck_int(dk, i, "number of unit cells", 1, 100000);
    *covera = 0.0;
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

static void cmd_create_lattice(deck *dk)
{
    need_no_system(dk);
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
            covera = deck_real(dk, &i, "c/a ratio");
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
    if (build_lattice(dk->s, style, a, covera, cells, type_of_kind, 0, NULL, 0, err, sizeof err) != 0)
        deck_fail(dk, "create_lattice: %s", err);
    report_built(dk);
}

static void cmd_create_alloy(deck *dk)
{
    need_no_system(dk);
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
                covera = deck_real(dk, &i, "c/a ratio");
            } else {
                deck_fail(dk, "create_alloy: unknown keyword '%s' (expected seed, covera)", k);
            }
        }
        if (!have_seed)
            deck_fail(dk, "create_alloy: missing 'seed N' (the random placement of species needs one)");
        set_types(dk->s, ns, names);
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
        if (build_random(dk->s, n, rho, mindist, ns, frac, seed, err, sizeof err) != 0)
            deck_fail(dk, "create_alloy: %s", err);
    } else {
        deck_fail(dk, "create_alloy: expected 'lattice' or 'atoms' after the composition, got '%s'", mode);
    }
    report_built(dk);
}

/* Potential files: as given, next to the deck, in $MGMD_POTENTIALS, in the
 * source tree's potentials/, the installed share/mgmd/potentials, or
 * Debian's LAMMPS potentials folder. */
static void find_potential(const deck *dk, const char *name, char *out, int outlen)
{
    deck_path(dk, name, out, outlen);
    if (access(out, F_OK) == 0 || name[0] == '/')
        return;
    const char *dirs[4] = {getenv("MGMD_POTENTIALS"), MGMD_SOURCE_DIR "/potentials", MGMD_DATA_DIR "/potentials",
                           "/usr/share/lammps/potentials"};
    for (int k = 0; k < 4; k++) {
        if (!dirs[k])
            continue;
        char cand[2048];
        snprintf(cand, sizeof cand, "%s/%s", dirs[k], name);
        if (access(cand, F_OK) == 0) {
            snprintf(out, (size_t)outlen, "%s", cand);
            return;
        }
    }
}

static void cmd_potential(deck *dk)
{
    need_system(dk);
    md *s = dk->s;
    int i = 1;
    const char *style = deck_word(dk, &i, "potential style (eam, eam/alloy, eam/fs)");
    enum eam_style es;
    if (!strcmp(style, "eam")) es = EAM_FUNCFL;
    else if (!strcmp(style, "eam/alloy")) es = EAM_SETFL;
    else if (!strcmp(style, "eam/fs")) es = EAM_FS;
    else deck_fail(dk, "potential: unknown style '%s' (expected eam, eam/alloy, eam/fs)", style);
    int nt = s->atoms.ntypes;
    int want = es == EAM_FUNCFL ? nt : nt + 1;
    if (dk->nargs - i != want)
        deck_fail(dk, "potential %s: expected %s for the %d atom type%s, got %d word%s", style,
                  es == EAM_FUNCFL ? "one funcfl file per type" : "a file and one element per type", nt,
                  nt > 1 ? "s" : "", dk->nargs - i, dk->nargs - i == 1 ? "" : "s");
    char paths[DECK_MAX_ARGS][2048];
    const char *args[DECK_MAX_ARGS];
    for (int k = 0; k < want; k++) {
        if (es == EAM_FUNCFL || k == 0)
            find_potential(dk, dk->args[i + k], paths[k], sizeof paths[k]);
        else
            snprintf(paths[k], sizeof paths[k], "%s", dk->args[i + k]);
        args[k] = paths[k];
    }
    /* Rank 0 reads; the tables (or the error) go to everybody. */
    eam_tables tab;
    memset(&tab, 0, sizeof tab);
    char err[1024] = "";
    int status = 0;
    if (par_rank() == 0)
        status = eam_tables_read(es, nt, want, args, &tab, err, sizeof err);
    par_bcast_ints(&status, 1, 0);
    if (status != 0) {
        par_bcast_bytes(err, sizeof err, 0);
        deck_fail(dk, "potential: %s", err);
    }
    size_t nint = 0, ndbl = 0;
    if (par_rank() == 0)
        ndbl = eam_tables_pack_size(&tab, &nint);
    size_t sizes[2] = {ndbl, nint};
    par_bcast_bytes(sizes, sizeof sizes, 0);
    double *dbuf = mg_malloc(sizes[0] * sizeof(double));
    int *ibuf = mg_malloc(sizes[1] * sizeof(int));
    if (par_rank() == 0)
        eam_tables_pack(&tab, dbuf, ibuf);
    par_bcast_doubles(dbuf, sizes[0], 0);
    par_bcast_ints(ibuf, sizes[1], 0);
    if (par_rank() != 0 && eam_tables_unpack(&tab, dbuf, ibuf) != 0)
        mg_fail_one("potential: broadcast tables are inconsistent");
    free(dbuf);
    free(ibuf);
    /* The file's masses and element names replace the defaults, as in LAMMPS. */
    for (int t = 1; t <= nt; t++) {
        const char *old = s->atoms.element[t];
        if (old[0] && strcmp(old, tab.element[t]) != 0)
            mg_warn("%s:%d: type %d was %s but the potential maps it to %s", dk->path, dk->line, t, old,
                    tab.element[t]);
        snprintf(s->atoms.element[t], ATOMS_NAME_LEN, "%s", tab.element[t]);
        s->atoms.mass[t] = tab.mass[t];
    }
    if (s->pot) {
        eam_destroy(s->pot);
        free(s->pot);
    }
    s->pot = mg_calloc(1, sizeof *s->pot);
    eam_setup(s->pot, es, &tab);
    s->ready = 0;
    if (par_rank() == 0) {
        printf("potential %s: cutoff %.6g A, closest allowed approach %.3g A; per type pair cutoffs (A):", style,
               s->pot->cut, s->pot->rmin);
        for (int a = 1; a <= nt; a++)
            for (int b = a; b <= nt; b++)
                printf(" %s-%s %.4g", s->atoms.element[a], s->atoms.element[b], s->pot->cutpair[a * (nt + 1) + b]);
        printf("\n");
    }
}

static void cmd_mass(deck *dk)
{
    need_system(dk);
    int i = 1;
    int t = (int)deck_int(dk, &i, "atom type", 1, dk->s->atoms.ntypes);
    double m = deck_quantity(dk, &i, Q_MASS, "mass", NULL);
    if (!(m > 0))
        deck_fail(dk, "mass: must be positive");
    deck_done(dk, i);
    dk->s->atoms.mass[t] = m;
}

static void cmd_neighbor(deck *dk)
{
    int i = 1;
    neighbor *nb = &dk->s->nb;
    const char *kw = "skin every delay check";
    while (i < dk->nargs) {
        const char *k = deck_word(dk, &i, "keyword");
        if (!strcmp(k, "skin")) {
            nb->skin = deck_quantity(dk, &i, Q_LENGTH, "skin", kw);
            if (!(nb->skin >= 0))
                deck_fail(dk, "neighbor: skin must be >= 0");
        } else if (!strcmp(k, "every")) {
            nb->every = (int)deck_int(dk, &i, "every", 1, 1000000);
        } else if (!strcmp(k, "delay")) {
            nb->delay = (int)deck_int(dk, &i, "delay", 0, 1000000);
        } else if (!strcmp(k, "check")) {
            nb->check = deck_bool(dk, &i, "check");
        } else {
            deck_fail(dk, "neighbor: unknown keyword '%s' (expected %s)", k, kw);
        }
    }
    dk->s->ready = 0;
}

/* sort yes|no: order each rank's atoms spatially at every rebuild. */
static void cmd_sort(deck *dk)
{
    int i = 1;
    dk->s->nb.sort = deck_bool(dk, &i, "sorting (yes or no)");
    deck_done(dk, i);
}

static void cmd_velocity(deck *dk)
{
    need_system(dk);
    int i = 1;
    const char *what = deck_word(dk, &i, "'create' or 'zero'");
    if (!strcmp(what, "create")) {
        double T = deck_quantity(dk, &i, Q_TEMPERATURE, "temperature", "seed");
        if (!(T >= 0))
            deck_fail(dk, "velocity create: temperature must be >= 0 K");
        const char *k = deck_word(dk, &i, "'seed'");
        if (strcmp(k, "seed") != 0)
            deck_fail(dk, "velocity create: expected 'seed N', got '%s'", k);
        uint64_t seed = (uint64_t)deck_int(dk, &i, "seed", 0, INT64_MAX);
        deck_done(dk, i);
        for (int t = 1; t <= dk->s->atoms.ntypes; t++)
            if (!(dk->s->atoms.mass[t] > 0))
                deck_fail(dk, "velocity create: type %d has no mass yet (choose the potential first, or set 'mass %d VALUE')",
                          t, t);
        velocity_create(dk->s, T, seed);
    } else if (!strcmp(what, "zero")) {
        const char *k = deck_word(dk, &i, "'momentum'");
        if (strcmp(k, "momentum") != 0)
            deck_fail(dk, "velocity zero: expected 'momentum', got '%s'", k);
        deck_done(dk, i);
        velocity_zero_momentum(dk->s);
    } else {
        deck_fail(dk, "velocity: expected 'create T seed N' or 'zero momentum', got '%s'", what);
    }
}

static void cmd_thermo(deck *dk)
{
    int i = 1;
    thermo *t = &dk->out->thermo;
    while (i < dk->nargs) {
        const char *k = deck_word(dk, &i, "keyword");
        if (!strcmp(k, "every")) {
            t->every = (int)deck_int(dk, &i, "thermo interval (steps)", 0, 1000000000);
        } else if (!strcmp(k, "file")) {
            const char *p = deck_word(dk, &i, "CSV file name");
            if (thermo_open(t, p, dk->replaying) != 0)
                deck_fail(dk, "thermo: cannot write %s: %s", p, strerror(errno));
        } else {
            deck_fail(dk, "thermo: unknown keyword '%s' (expected every, file)", k);
        }
    }
}

static void cmd_dump(deck *dk)
{
    int i = 1;
    outputs *o = dk->out;
    const char *name = deck_word(dk, &i, "dump name");
    if (outputs_find_dump(o, name))
        deck_fail(dk, "dump: a dump named '%s' exists already (undump it first)", name);
    if (o->ndump == OUTPUT_MAX_DUMPS)
        deck_fail(dk, "dump: at most %d dumps at a time", OUTPUT_MAX_DUMPS);
    dump d;
    memset(&d, 0, sizeof d);
    snprintf(d.name, sizeof d.name, "%s", name);
    d.precision = 10;
    d.last_step = -1;
    while (i < dk->nargs) {
        const char *k = deck_word(dk, &i, "keyword");
        if (!strcmp(k, "every")) {
            d.every = (int)deck_int(dk, &i, "dump interval (steps)", 1, 1000000000);
        } else if (!strcmp(k, "file")) {
            snprintf(d.path, sizeof d.path, "%s", deck_word(dk, &i, "file name"));
        } else if (!strcmp(k, "precision")) {
            d.precision = (int)deck_int(dk, &i, "precision (significant digits)", 1, 17);
        } else if (!strcmp(k, "format")) {
            const char *f = deck_word(dk, &i, "format (lammps, xyz, h5md)");
            if (!strcmp(f, "lammps"))
                d.format = DUMP_LAMMPS;
            else if (!strcmp(f, "xyz"))
                d.format = DUMP_XYZ;
            else if (!strcmp(f, "h5md"))
                d.format = DUMP_H5MD;
            else
                deck_fail(dk, "dump: format '%s' is not lammps, xyz or h5md", f);
        } else if (!strcmp(k, "columns")) {
            while (i < dk->nargs && strcmp(dk->args[i], "every") && strcmp(dk->args[i], "file") &&
                   strcmp(dk->args[i], "precision") && strcmp(dk->args[i], "format")) {
                if (d.ncol == DUMP_MAX_COLS)
                    deck_fail(dk, "dump: at most %d columns", DUMP_MAX_COLS);
                if (dump_add_column(&d, &dk->s->atoms, dk->args[i]) != 0)
                    deck_fail(dk, "dump: unknown column '%s' (columns: %s; or an observer's per-atom column "
                              "such as vor_n5, defined before the dump)", dk->args[i], dump_column_list());
                i++;
            }
        } else {
            deck_fail(dk, "dump: unknown keyword '%s' (expected every, file, format, columns, precision)", k);
        }
    }
    if (!d.every)
        deck_fail(dk, "dump: missing 'every N'");
    if (!d.path[0])
        deck_fail(dk, "dump: missing 'file PATH'");
    if (!d.ncol) {
        static const char *def[] = {"id", "type", "x", "y", "z"};
        for (int k = 0; k < 5; k++)
            d.col[d.ncol++] = dump_column_code(def[k]);
    }
    if (d.format == DUMP_H5MD && !dk->s->have_box)
        deck_fail(dk, "dump: an h5md dump needs the system first (its atom count fixes the file's shape)");
    if (d.format == DUMP_H5MD && dump_h5md_unsupported(&d))
        deck_fail(dk, "dump: column '%s' is not written in h5md format (h5md takes id type element x y z vx vy vz "
                  "fx fy fz ix iy iz and observers' columns; use a text dump for the others)",
                  dump_h5md_unsupported(&d));
    if (dump_open(&d, dk->s, dk->replaying) != 0)
        deck_fail(dk, "dump: cannot write %s: %s", d.path, strerror(errno));
    o->dumps[o->ndump++] = d;
}

static void cmd_undump(deck *dk)
{
    int i = 1;
    const char *name = deck_word(dk, &i, "dump name");
    deck_done(dk, i);
    if (!outputs_find_dump(dk->out, name))
        deck_fail(dk, "undump: no dump named '%s'", name);
    outputs_remove_dump(dk->out, name);
}

static void cmd_run(deck *dk)
{
    need_system(dk);
    int i = 1;
    int64_t n = deck_int(dk, &i, "number of steps", 0, INT64_C(1) << 50);
    deck_done(dk, i);
    if (!dk->s->pot)
        deck_fail(dk, "run: no potential chosen (use the potential command)");
    deck_dynamics(dk, n);
}

/* ensemble nve
 * ensemble nvt temp T0 [T1] tdamp TAU [chain M]
 * ensemble langevin temp T0 [T1] damp TAU seed S
 * ensemble npt temp T0 [T1] tdamp TAU press P0 [P1] [unit] pdamp TAUP
 *              [couple iso|aniso|tri] [axes xyz|x|y|z|xy|xz|yz] [chain M] [pchain M] */
static void cmd_ensemble(deck *dk)
{
    int i = 1;
    ensemble *e = &dk->ens;
    const char *kind = deck_word(dk, &i, "ensemble (nve, nvt, langevin, npt)");
    ensemble next = *e;
    if (!strcmp(kind, "nve")) {
        next.kind = ENS_NVE;
    } else if (!strcmp(kind, "nvt") || !strcmp(kind, "langevin") || !strcmp(kind, "npt")) {
        next.kind = !strcmp(kind, "nvt") ? ENS_NVT : !strcmp(kind, "npt") ? ENS_NPT : ENS_LANGEVIN;
        const int npt = next.kind == ENS_NPT;
        const char *kw = npt ? "temp tdamp press pdamp couple axes chain pchain" : "temp tdamp damp chain seed";
        int have_t = 0, have_damp = 0, have_seed = 0, have_p = 0, have_pdamp = 0;
        if (npt && e->kind != ENS_NPT) { /* barostat defaults */
            next.couple = BARO_ISO;
            next.paxis[0] = next.paxis[1] = next.paxis[2] = 1;
            next.pchain = 3;
        }
        while (i < dk->nargs) {
            const char *k = deck_word(dk, &i, "keyword");
            if (!strcmp(k, "temp")) {
                next.t_start = deck_quantity(dk, &i, Q_TEMPERATURE, "start temperature", kw);
                next.t_stop = next.t_start;
                if (i < dk->nargs && (isdigit((unsigned char)dk->args[i][0]) || dk->args[i][0] == '.'))
                    next.t_stop = deck_quantity(dk, &i, Q_TEMPERATURE, "end temperature", kw);
                if (!(next.t_start > 0) || !(next.t_stop > 0))
                    deck_fail(dk, "ensemble %s: temperatures must be positive (K)", kind);
                have_t = 1;
            } else if (!strcmp(k, "tdamp") || (!strcmp(k, "damp") && !npt)) {
                next.tdamp = deck_quantity(dk, &i, Q_TIME, "damping time", kw);
                if (!(next.tdamp > 0))
                    deck_fail(dk, "ensemble %s: damping time must be positive", kind);
                have_damp = 1;
            } else if (!strcmp(k, "chain") && next.kind != ENS_LANGEVIN) {
                next.nchain = (int)deck_int(dk, &i, "chain length", 1, NH_MAX_CHAIN);
            } else if (!strcmp(k, "seed") && next.kind == ENS_LANGEVIN) {
                next.seed = (uint64_t)deck_int(dk, &i, "seed", 0, INT64_MAX);
                have_seed = 1;
            } else if (!strcmp(k, "press") && npt) {
                /* P0 [P1] [unit]: a unit after P1 alone applies to both. */
                int i0 = i;
                next.p_start = deck_quantity(dk, &i, Q_PRESSURE, "start pressure", kw);
                int unit0 = i - i0 == 2;
                next.p_stop = next.p_start;
                const char *w = i < dk->nargs ? dk->args[i] + (dk->args[i][0] == '-' || dk->args[i][0] == '+') : "";
                if (isdigit((unsigned char)w[0]) || (w[0] == '.' && isdigit((unsigned char)w[1]))) {
                    int i1 = i;
                    next.p_stop = deck_quantity(dk, &i, Q_PRESSURE, "end pressure", kw);
                    int unit1 = i - i1 == 2;
                    double f = 1.0;
                    if (unit1 && !unit0 && units_factor(Q_PRESSURE, dk->args[i - 1], &f))
                        next.p_start *= f;
                    else if (unit0 && !unit1)
                        deck_fail(dk, "ensemble npt: give the pressure unit after both values or after each "
                                  "('press 0 10 GPa' or 'press 0 GPa 10 GPa'), not after the first only");
                }
                if (!isfinite(next.p_start) || !isfinite(next.p_stop))
                    deck_fail(dk, "ensemble npt: pressures must be finite numbers");
                have_p = 1;
            } else if (!strcmp(k, "pdamp") && npt) {
                next.pdamp = deck_quantity(dk, &i, Q_TIME, "barostat damping time", kw);
                if (!(next.pdamp > 0))
                    deck_fail(dk, "ensemble npt: pdamp must be positive");
                have_pdamp = 1;
            } else if (!strcmp(k, "couple") && npt) {
                const char *c = deck_word(dk, &i, "coupling (iso, aniso, tri)");
                if (!strcmp(c, "iso"))
                    next.couple = BARO_ISO;
                else if (!strcmp(c, "aniso"))
                    next.couple = BARO_ANISO;
                else if (!strcmp(c, "tri"))
                    next.couple = BARO_TRI;
                else
                    deck_fail(dk, "ensemble npt: couple '%s' is not iso, aniso or tri", c);
            } else if (!strcmp(k, "axes") && npt) {
                const char *ax = deck_word(dk, &i, "coupled axes (xyz, x, y, z, xy, xz, yz)");
                static const char *ok[] = {"xyz", "x", "y", "z", "xy", "xz", "yz"};
                int good = 0;
                for (size_t q = 0; q < sizeof ok / sizeof ok[0]; q++)
                    good |= !strcmp(ax, ok[q]);
                if (!good)
                    deck_fail(dk, "ensemble npt: axes '%s' is not one of xyz, x, y, z, xy, xz, yz", ax);
                for (int d = 0; d < 3; d++)
                    next.paxis[d] = strchr(ax, 'x' + d) != NULL;
            } else if (!strcmp(k, "pchain") && npt) {
                next.pchain = (int)deck_int(dk, &i, "barostat chain length", 0, NH_MAX_CHAIN);
            } else {
                deck_fail(dk, "ensemble %s: unknown keyword '%s' (expected %s)", kind, k,
                          npt ? "temp, tdamp, press, pdamp, couple, axes, chain, pchain"
                              : next.kind == ENS_NVT ? "temp, tdamp, chain" : "temp, damp, seed");
            }
        }
        if (!have_t || !have_damp)
            deck_fail(dk, "ensemble %s: needs 'temp T [T_end]' and '%s TIME'", kind,
                      next.kind == ENS_LANGEVIN ? "damp" : "tdamp");
        if (next.kind == ENS_LANGEVIN && !have_seed)
            deck_fail(dk, "ensemble langevin: needs 'seed N' (its random forces are keyed by it)");
        if (npt && (!have_p || !have_pdamp))
            deck_fail(dk, "ensemble npt: needs 'press P [P_end] [unit]' and 'pdamp TIME'");
        if (next.tdamp < 10 * dk->s->dt)
            mg_warn("%s:%d: a damping time of %g ps is under 10 time steps (%g ps): the thermostat will be stiff",
                    dk->path, dk->line, next.tdamp, dk->s->dt);
        if (npt) {
            static const char *axis = "xyz";
            if (next.couple == BARO_TRI && !(next.paxis[0] && next.paxis[1] && next.paxis[2]))
                deck_fail(dk, "ensemble npt: couple tri controls all six components; it takes only 'axes xyz'");
            for (int d = 0; d < 3; d++)
                if (next.paxis[d] && dk->s->box.boundary[d] != 'p')
                    deck_fail(dk, "ensemble npt: the box is not periodic along %c (boundary %c), so the barostat "
                              "cannot couple it; a barostat needs periodic axes (couple the others with "
                              "'couple aniso axes ...')", axis[d], dk->s->box.boundary[d]);
            if (next.couple == BARO_TRI && dk->s->have_box && !dk->s->box.triclinic)
                deck_fail(dk, "ensemble npt: couple tri needs a triclinic box (xy xz yz in the data file); this "
                          "one is orthogonal (use couple iso or aniso)");
            if (next.pdamp < 100 * dk->s->dt)
                mg_warn("%s:%d: a barostat damping time of %g ps is under 100 time steps (%g ps): the box will "
                        "ring (LAMMPS recommends ~1000 steps)", dk->path, dk->line, next.pdamp, dk->s->dt);
        }
    } else {
        deck_fail(dk, "ensemble: unknown ensemble '%s' (expected nve, nvt, langevin, npt)", kind);
    }
    /* A new kind of thermostat starts from a fresh state; so does a
     * barostat coupled differently. */
    if (next.kind != e->kind) {
        memset(next.eta, 0, sizeof next.eta);
        memset(next.eta_dot, 0, sizeof next.eta_dot);
        next.reservoir = 0;
    }
    if (next.kind != e->kind || next.couple != e->couple || memcmp(next.paxis, e->paxis, sizeof next.paxis)) {
        memset(next.omega_dot, 0, sizeof next.omega_dot);
        memset(next.etap, 0, sizeof next.etap);
        memset(next.etap_dot, 0, sizeof next.etap_dot);
        next.mtk_term2 = 0;
    }
    *e = next;
}

static void need_thermostat(deck *dk)
{
    if (dk->ens.kind == ENS_NVE)
        deck_fail(dk, "%s needs a thermostat: choose 'ensemble nvt ...' or 'ensemble langevin ...' first", dk->args[0]);
    need_system(dk);
    if (!dk->s->pot)
        deck_fail(dk, "%s: no potential chosen", dk->args[0]);
}

/* One stage of a schedule: ramp (or hold) from t0 to t1 over nsteps. */
static void stage(deck *dk, const char *what, double t0, double t1, int64_t nsteps)
{
    if (par_rank() == 0) {
        printf("%s: %.6g K -> %.6g K over %lld steps (%.6g ps)\n", what, t0, t1, (long long)nsteps,
               (double)nsteps * dk->s->dt);
        fflush(stdout);
    }
    dk->ens.t_start = t0;
    dk->ens.t_stop = t1;
    deck_dynamics(dk, nsteps);
}

static int64_t steps_for(deck *dk, double duration)
{
    double n = nearbyint(duration / dk->s->dt);
    if (!(n >= 1) || n > 1e15)
        deck_fail(dk, "%s: %.6g ps is %.6g steps of %.6g ps; need at least one and fewer than 1e15", dk->args[0],
                  duration, n, dk->s->dt);
    return (int64_t)n;
}

/* quench from T0 to T1 rate R: a linear ramp at |R| (K/ps, K/s ...). */
static void cmd_quench(deck *dk)
{
    need_thermostat(dk);
    int i = 1;
    const char *kw = "from to rate";
    double t0 = -1, t1 = -1, rate = 0;
    while (i < dk->nargs) {
        const char *k = deck_word(dk, &i, "keyword");
        if (!strcmp(k, "from")) t0 = deck_quantity(dk, &i, Q_TEMPERATURE, "start temperature", kw);
        else if (!strcmp(k, "to")) t1 = deck_quantity(dk, &i, Q_TEMPERATURE, "end temperature", kw);
        else if (!strcmp(k, "rate")) rate = deck_quantity(dk, &i, Q_TEMPERATURE_RATE, "cooling rate", kw);
        else deck_fail(dk, "%s: unknown keyword '%s' (expected from, to, rate)", dk->args[0], k);
    }
    if (!(t0 > 0) || !(t1 > 0) || !(rate != 0))
        deck_fail(dk, "%s: needs 'from T0 K to T1 K rate R K/ps' (or K/s) with positive temperatures", dk->args[0]);
    stage(dk, dk->args[0], t0, t1, steps_for(dk, fabs(t1 - t0) / fabs(rate)));
}

/* hold T for D: constant target temperature for a duration. */
static void cmd_hold(deck *dk)
{
    need_thermostat(dk);
    int i = 1;
    double t = deck_quantity(dk, &i, Q_TEMPERATURE, "temperature", "for");
    const char *k = deck_word(dk, &i, "'for'");
    if (strcmp(k, "for") != 0)
        deck_fail(dk, "hold: expected 'hold T K for DURATION ps', got '%s'", k);
    double d = deck_quantity(dk, &i, Q_TIME, "duration", NULL);
    deck_done(dk, i);
    if (!(t > 0))
        deck_fail(dk, "hold: temperature must be positive (K)");
    stage(dk, "hold", t, t, steps_for(dk, d));
}

/* cycle N between TLOW and THIGH rate R hold D: heat, hold, cool, hold; N times. */
static void cmd_cycle(deck *dk)
{
    need_thermostat(dk);
    int i = 1;
    const char *kw = "between and rate hold";
    int64_t n = deck_int(dk, &i, "number of cycles", 1, 1000000);
    double lo = -1, hi = -1, rate = 0, hold = 0;
    while (i < dk->nargs) {
        const char *k = deck_word(dk, &i, "keyword");
        if (!strcmp(k, "between")) lo = deck_quantity(dk, &i, Q_TEMPERATURE, "low temperature", kw);
        else if (!strcmp(k, "and")) hi = deck_quantity(dk, &i, Q_TEMPERATURE, "high temperature", kw);
        else if (!strcmp(k, "rate")) rate = deck_quantity(dk, &i, Q_TEMPERATURE_RATE, "heating/cooling rate", kw);
        else if (!strcmp(k, "hold")) hold = deck_quantity(dk, &i, Q_TIME, "hold time", kw);
        else deck_fail(dk, "cycle: unknown keyword '%s' (expected between, and, rate, hold)", k);
    }
    if (!(lo > 0) || !(hi > lo) || !(rate > 0) || !(hold >= 0))
        deck_fail(dk, "cycle: needs 'N between TLOW K and THIGH K rate R K/ps hold D ps' with 0 < TLOW < THIGH");
    int64_t ramp = steps_for(dk, (hi - lo) / rate);
    for (int64_t c = 1; c <= n; c++) {
        char what[64];
        snprintf(what, sizeof what, "cycle %lld/%lld heat", (long long)c, (long long)n);
        stage(dk, what, lo, hi, ramp);
        if (hold > 0) {
            snprintf(what, sizeof what, "cycle %lld/%lld hold", (long long)c, (long long)n);
            stage(dk, what, hi, hi, steps_for(dk, hold));
        }
        snprintf(what, sizeof what, "cycle %lld/%lld cool", (long long)c, (long long)n);
        stage(dk, what, hi, lo, ramp);
        if (hold > 0) {
            snprintf(what, sizeof what, "cycle %lld/%lld hold", (long long)c, (long long)n);
            stage(dk, what, lo, lo, steps_for(dk, hold));
        }
    }
}

static const deck_command commands[] = {
    {"boundary", cmd_boundary, CMD_SETTING},
    {"checkpoint", cmd_checkpoint, CMD_SETTING},
    {"create_alloy", cmd_create_alloy, CMD_CREATE},
    {"create_lattice", cmd_create_lattice, CMD_CREATE},
    {"cycle", cmd_cycle, CMD_ACTION},
    {"dump", cmd_dump, CMD_SETTING},
    {"echo", cmd_echo, CMD_SETTING},
    {"ensemble", cmd_ensemble, CMD_SETTING},
    {"hold", cmd_hold, CMD_ACTION},
    {"mass", cmd_mass, CMD_SETTING},
    {"minimize", cmd_minimize, CMD_ACTION},
    {"neighbor", cmd_neighbor, CMD_SETTING},
    {"potential", cmd_potential, CMD_SETTING},
    {"print", cmd_print, CMD_ACTION},
    {"progress", cmd_progress, CMD_SETTING},
    {"processors", cmd_processors, CMD_SETTING},
    {"quench", cmd_quench, CMD_ACTION},
    {"read_checkpoint", cmd_read_checkpoint, CMD_CREATE},
    {"read_data", cmd_read_data, CMD_CREATE},
    {"restart", cmd_restart, CMD_SETTING},
    {"run", cmd_run, CMD_ACTION},
    {"sort", cmd_sort, CMD_SETTING},
    {"thermo", cmd_thermo, CMD_SETTING},
    {"timestep", cmd_timestep, CMD_SETTING},
    {"undump", cmd_undump, CMD_SETTING},
    {"units", cmd_units, CMD_SETTING},
    {"variable", cmd_variable, CMD_SETTING},
    {"velocity", cmd_velocity, CMD_ACTION},
    {"write_checkpoint", cmd_write_checkpoint, CMD_ACTION},
    {"write_data", cmd_write_data, CMD_ACTION},
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

const deck_command *deck_find_command(const char *name)
{
    for (size_t k = 0; k < NCOMMANDS; k++)
        if (strcmp(commands[k].name, name) == 0)
            return &commands[k];
    for (const deck_command *c = analysis_commands; c->name; c++)
        if (strcmp(c->name, name) == 0)
            return c;
    return NULL;
}

const char *deck_command_list(void)
{
    static char list[2048];
    if (!list[0]) {
        for (size_t k = 0; k < NCOMMANDS; k++) {
            strcat(list, commands[k].name);
            strcat(list, " ");
        }
        for (const deck_command *c = analysis_commands; c->name; c++) {
            strcat(list, c->name);
            strcat(list, " ");
        }
        list[strlen(list) - 1] = '\0';
    }
    return list;
}
