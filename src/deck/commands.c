/* Deck commands. Each reads its arguments with the deck_* helpers (which
 * report "file:line: command: what was expected") and acts on the system.
 * docs/deck-reference.md documents every command; keep the two in step. */
#include "core/elements.h"
#include "core/error.h"
#include "core/memory.h"
#include "deck/deck.h"
#include "deck/restart.h"
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

void cmd_units(deck *dk)
{
    int i = 1;
    const char *u = deck_word(dk, &i, "unit style");
    if (strcmp(u, "metal") != 0)
        deck_fail(dk, "units: mgmd uses LAMMPS metal units only (A, ps, eV, K, bar, g/mol), got '%s'", u);
    deck_done(dk, i);
}

void cmd_boundary(deck *dk)
{
    deck_need_no_system(dk);
    int i = 1;
    for (int d = 0; d < 3; d++) {
        const char *w = deck_word(dk, &i, "boundary (p, f or s for each of x, y, z)");
        if (strlen(w) != 1 || !strchr("pfs", w[0]))
            deck_fail(dk, "boundary: '%s' for %c is not p (periodic), f (fixed) or s (shrink-wrapped)", w, 'x' + d);
        dk->s->box.boundary[d] = w[0];
    }
    deck_done(dk, i);
}

void cmd_processors(deck *dk)
{
    deck_need_no_system(dk);
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

void cmd_timestep(deck *dk)
{
    int i = 1;
    double dt = deck_quantity(dk, &i, Q_TIME, "time step", NULL);
    if (!(dt > 0))
        deck_fail(dk, "timestep: must be positive");
    deck_done(dk, i);
    dk->s->dt = dt;
}

/* clear: start a new system in the same deck (LAMMPS' clear): a loop whose
 * passes each read the same glass. */
void cmd_clear(deck *dk)
{
    deck_done(dk, 1);
    deck_clear(dk);
}

void cmd_echo(deck *dk)
{
    int i = 1;
    dk->echo = deck_bool(dk, &i, "echo");
    deck_done(dk, i);
}

void cmd_read_data(deck *dk)
{
    deck_need_no_system(dk);
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

void cmd_write_data(deck *dk)
{
    deck_need_system(dk);
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

void cmd_potential(deck *dk)
{
    deck_need_system(dk);
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
        printf("; pair loops %s\n", s->pot->kernel->name);
    }
}

void cmd_mass(deck *dk)
{
    deck_need_system(dk);
    int i = 1;
    int t = (int)deck_int(dk, &i, "atom type", 1, dk->s->atoms.ntypes);
    double m = deck_quantity(dk, &i, Q_MASS, "mass", NULL);
    if (!(m > 0))
        deck_fail(dk, "mass: must be positive");
    deck_done(dk, i);
    dk->s->atoms.mass[t] = m;
}

void cmd_neighbor(deck *dk)
{
    int i = 1;
    neighbor *nb = &dk->s->nb;
    const char *kw = "skin every delay check newton";
    while (i < dk->nargs) {
        const char *k = deck_word(dk, &i, "keyword");
        if (!strcmp(k, "skin")) {
            nb->skin = deck_quantity(dk, &i, Q_LENGTH, "skin", kw);
            /* Typical skins are 0.3-2 A; the list grows as (cutoff+skin)^3. */
            if (!(nb->skin >= 0 && nb->skin <= NEIGHBOR_MAX_SKIN))
                deck_fail(dk, "neighbor: skin must be between 0 and %g A, got %g A", NEIGHBOR_MAX_SKIN, nb->skin);
        } else if (!strcmp(k, "every")) {
            nb->every = (int)deck_int(dk, &i, "every", 1, 1000000);
        } else if (!strcmp(k, "delay")) {
            nb->delay = (int)deck_int(dk, &i, "delay", 0, 1000000);
        } else if (!strcmp(k, "check")) {
            nb->check = deck_bool(dk, &i, "check");
        } else if (!strcmp(k, "newton")) {
            /* Pairs across a sub-domain face on one side (with a reverse
             * sum) or on both (neighbor.h); LAMMPS' `newton on|off`. */
            nb->newton = deck_bool(dk, &i, "newton");
        } else {
            deck_fail(dk, "neighbor: unknown keyword '%s' (expected %s)", k, kw);
        }
    }
    dk->s->ready = 0;
}

/* memory limit N MB|GB|TB: the memory one rank may use (core/memory.h);
 * requests estimated beyond it are refused before they allocate. */
void cmd_memory(deck *dk)
{
    int i = 1;
    const char *k = deck_word(dk, &i, "'limit'");
    if (strcmp(k, "limit"))
        deck_fail(dk, "memory: expected 'memory limit N MB|GB|TB' (per rank), got '%s'", k);
    double v = deck_real_in(dk, &i, "memory limit", 0.0, 1e6);
    const char *u = deck_word(dk, &i, "unit (MB, GB or TB)");
    double f = !strcmp(u, "MB") ? 1e6 : !strcmp(u, "GB") ? 1e9 : !strcmp(u, "TB") ? 1e12 : 0.0;
    if (f == 0.0)
        deck_fail(dk, "memory limit: the unit must be MB, GB or TB (per rank), got '%s'", u);
    deck_done(dk, i);
    mem_set_limit(v * f);
}

/* sort yes|no: order each rank's atoms spatially at every rebuild. */
void cmd_sort(deck *dk)
{
    int i = 1;
    dk->s->nb.sort = deck_bool(dk, &i, "sorting (yes or no)");
    deck_done(dk, i);
}

static int thermo_option(const char *w)
{
    return !strcmp(w, "every") || !strcmp(w, "file") || !strcmp(w, "groups") || !strcmp(w, "columns") ||
           !strcmp(w, "screen");
}

void cmd_thermo(deck *dk)
{
    int i = 1;
    thermo *t = &dk->out->thermo;
    const char *path = NULL;
    int ngroups = -1, groups[THERMO_MAX_GROUPS], ncolumns = -1;
    thermo_column columns[THERMO_MAX_COLUMNS];
    while (i < dk->nargs) {
        const char *k = deck_word(dk, &i, "keyword");
        if (!strcmp(k, "every")) {
            t->every = (int)deck_int(dk, &i, "thermo interval (steps)", 0, 1000000000);
        } else if (!strcmp(k, "screen")) {
            t->screen = (int)deck_int(dk, &i, "steps between screen lines", 0, 1000000000);
        } else if (!strcmp(k, "file")) {
            path = deck_word(dk, &i, "CSV file name");
        } else if (!strcmp(k, "groups")) {
            ngroups = 0;
            while (i < dk->nargs && !thermo_option(dk->args[i])) {
                if (ngroups == THERMO_MAX_GROUPS)
                    deck_fail(dk, "thermo: at most %d groups have columns", THERMO_MAX_GROUPS);
                groups[ngroups++] = deck_group(dk, &i);
            }
        } else if (!strcmp(k, "columns")) {
            ncolumns = 0;
            while (i < dk->nargs && !thermo_option(dk->args[i])) {
                if (ncolumns == THERMO_MAX_COLUMNS)
                    deck_fail(dk, "thermo: at most %d columns", THERMO_MAX_COLUMNS);
                char err[1024];
                if (thermo_parse_column(dk->args[i], dk->s, &columns[ncolumns], err, sizeof err) != 0)
                    deck_fail(dk, "thermo: %s", err);
                if (columns[ncolumns].kind == TC_VARIABLE) {
                    const deck_var *v = deck_find_var(dk, columns[ncolumns].var);
                    if (!v)
                        deck_fail(dk, "thermo: column %s: no variable named '%s' (define it first with 'variable "
                                  "%s equal FORMULA')", dk->args[i], columns[ncolumns].var, columns[ncolumns].var);
                    if (v->kind != VAR_EQUAL)
                        deck_fail(dk, "thermo: column %s: '%s' is not an equal-style variable (a column is "
                                  "evaluated at each line)", dk->args[i], columns[ncolumns].var);
                }
                ncolumns++;
                i++;
            }
            if (!ncolumns)
                deck_fail(dk, "thermo: 'columns' needs at least one column (such as step temp pe pxy)");
        } else {
            deck_fail(dk, "thermo: unknown keyword '%s' (expected every, screen, file, groups, columns)", k);
        }
    }
    if (ncolumns >= 0) {
        if (t->csv && !path)
            deck_fail(dk, "thermo: give 'columns' in the same command as 'file' (the CSV header names the columns)");
        t->ncolumns = ncolumns;
        memcpy(t->columns, columns, (size_t)ncolumns * sizeof columns[0]);
        t->header_printed = 0;
    }
    if (ngroups >= 0) {
        if (t->csv && !path)
            deck_fail(dk, "thermo: give 'groups' in the same command as 'file' (the CSV header names the columns)");
        t->ngroups = ngroups;
        for (int g = 0; g < ngroups; g++) {
            t->groups[g] = groups[g];
            snprintf(t->gname[g], sizeof t->gname[g], "%s", dk->s->groups.g[groups[g]].name);
        }
    }
    if (path && thermo_open(t, path, dk->replaying) != 0)
        deck_fail(dk, "thermo: cannot write %s: %s", path, strerror(errno));
}

void cmd_dump(deck *dk)
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
        } else if (!strcmp(k, "group")) {
            d.group = deck_group(dk, &i);
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
                   strcmp(dk->args[i], "precision") && strcmp(dk->args[i], "format") && strcmp(dk->args[i], "group")) {
                if (d.ncol == DUMP_MAX_COLS)
                    deck_fail(dk, "dump: at most %d columns", DUMP_MAX_COLS);
                if (dump_add_column(&d, &dk->s->atoms, dk->args[i]) != 0)
                    deck_fail(dk, "dump: unknown column '%s' (columns: %s; or an observer's per-atom column "
                              "such as vor_n5, defined before the dump)", dk->args[i], dump_column_list());
                i++;
            }
        } else {
            deck_fail(dk, "dump: unknown keyword '%s' (expected every, file, format, columns, precision, group)", k);
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
    if (d.format == DUMP_H5MD && d.group != GROUP_ALL)
        deck_fail(dk, "dump: an h5md dump writes every atom (row k of its datasets is atom id k+1); write a group "
                  "with format lammps or xyz");
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

void cmd_undump(deck *dk)
{
    int i = 1;
    const char *name = deck_word(dk, &i, "dump name");
    deck_done(dk, i);
    if (!outputs_find_dump(dk->out, name))
        deck_fail(dk, "undump: no dump named '%s'", name);
    outputs_remove_dump(dk->out, name);
}

void cmd_run(deck *dk)
{
    deck_need_system(dk);
    int i = 1;
    int64_t n = deck_int(dk, &i, "number of steps", 0, INT64_C(1) << 50);
    deck_done(dk, i);
    if (!dk->s->pot)
        deck_fail(dk, "run: no potential chosen (use the potential command)");
    deck_run_steps(dk, n);
}

static void discard(deck *dk, fix *f)
{
    if (f->ops->destroy)
        f->ops->destroy(f, dk->s);
    free(f);
}

void deck_add_fix(deck *dk, fix *f)
{
    static const char *reserved[] = {"outputs", "checkpoint", "progress", "thermostat", "barostat"};
    for (size_t k = 0; k < sizeof reserved / sizeof reserved[0]; k++)
        if (!strcmp(f->name, reserved[k]) && f->ops->order == FIX_ORDER_USER) {
            discard(dk, f);
            deck_fail(dk, "%s: the name '%s' is taken by mgmd's own entry of the fix list; choose another",
                      dk->args[0], reserved[k]);
        }
    const fix *old = fixes_find(dk->fixes, f->name);
    if (old && strcmp(old->ops->kind, f->ops->kind) != 0) {
        char kind[64];
        snprintf(kind, sizeof kind, "%s", old->ops->kind);
        discard(dk, f);
        deck_fail(dk, "%s: a fix named '%s' exists already and is a %s ('unfix %s' first)", dk->args[0], old->name,
                  kind, old->name);
    }
    if (fixes_add(dk->fixes, dk->s, f) != 0)
        deck_fail(dk, "%s: the fix list is full (%d entries)", dk->args[0], FIX_MAX);
}

void deck_atoms_will_change(deck *dk)
{
    for (int k = 0; k < dk->out->ndump; k++)
        if (dk->out->dumps[k].format == DUMP_H5MD)
            deck_fail(dk, "%s: the h5md dump '%s' holds a fixed set of atoms (ids 1..%lld); undump it before "
                      "adding or deleting atoms, and start a new one after", dk->args[0], dk->out->dumps[k].name,
                      (long long)dk->s->atoms.natoms);
}

void deck_run_steps(deck *dk, int64_t nsteps)
{
    char err[512];
    if (run_stage(dk->s, dk->fixes, &dk->pos, nsteps, err, sizeof err) != 0)
        deck_fail(dk, "%s", err);
}

