/* EAM potential files -> tabulated functions on one grid (see eam_file.h).
 *
 * The embedded-atom method (Daw & Baskes, PRB 29, 6443 (1984)) writes the
 * energy of atom i as F_a(rho_i) + 1/2 sum_j phi_ab(r_ij) with
 * rho_i = sum_j rho_b(r_ij). The files tabulate F, rho and phi on uniform
 * grids; we read them and hand the force kernel the same tables LAMMPS
 * (29 Sep 2021) builds, value for value, so forces agree to round-off.
 *
 * Formats (whitespace-separated values, wrapping lines freely):
 *   funcfl, one file per element (Foiles et al., PRB 33, 7983 (1986)):
 *     line 1   comment
 *     line 2   Z mass a lattice
 *     line 3   nrho drho nr dr cut
 *     then     nrho values F(rho), nr values Z(r), nr values rho(r);
 *              phi_ab(r) = 27.2*0.529 * Z_a(r) Z_b(r) / r (Hartree*Bohr ->
 *              eV*Angstrom with LAMMPS' constant, kept for agreement).
 *   setfl (DYNAMO, LAMMPS eam/alloy):
 *     lines 1-3 comments; line 4 "N El_1 ... El_N"; line 5 "nrho drho nr dr cut";
 *     per element: "Z mass a lattice", nrho values F, nr values rho(r);
 *     then for i = 1..N, j = 1..i: nr values r*phi_ij(r).
 *   Finnis-Sinclair (Finnis & Sinclair, Phil. Mag. A 50, 45 (1984); LAMMPS
 *   eam/fs): as setfl, but each element block holds F and then N density
 *   functions rho_IJ(r), J = 1..N. The density an atom of element b receives
 *   from a neighbour of element a is rho_{a,b}: block of a, function b.
 *
 * Several funcfl files are put on one grid as LAMMPS does:
 *   dr = max dr_f, drho = max drho_f, rmax = max (nr_f-1) dr_f,
 *   rhomax = max (nrho_f-1) drho_f, nr = (int)(rmax/dr + 0.5),
 *   nrho = (int)(rhomax/drho + 0.5), cut = max cut_f,
 * and every function is resampled with 4-point Lagrange interpolation on the
 * file's own grid (1-based a[1..n], spacing d, new point x):
 *   p = x/d + 1; k = clamp((int)p, 2, n-2); p = min(p - k, 2);
 *   a(x) = c1 a[k-1] + c2 a[k] + c3 a[k+1] + c4 a[k+2] with
 *   c1 = -p(p-1)(p-2)/6, c2 = (p^2-1)(p-2)/2, c3 = -p(p+1)(p-2)/2, c4 = p(p^2-1)/6,
 * evaluated in LAMMPS' operation order (results are bit-identical, provided
 * the compiler does not contract to FMA: ISO C mode, -std=c17, has
 * -ffp-contract=off in GCC). Note that a single funcfl file therefore yields
 * nr_f - 1 and nrho_f - 1 points, as in LAMMPS.
 *
 * Reading rules follow LAMMPS' text reader, so that every file it accepts
 * gives the same numbers: the first comment line(s) are skipped verbatim
 * (a "UNITS:" tag there must say metal); elsewhere '#' starts a comment and
 * blank lines are skipped; a header record ("Z mass ...", "nrho drho nr dr
 * cut") may continue on the next lines until it has enough fields, and
 * extra fields are ignored; a block of values always starts on a new line,
 * and values left on the line where a block ends are ignored (Fortran
 * record semantics).
 * We are stricter where LAMMPS would read garbage: a number must be a whole
 * decimal token ("1.5-3" is an error, not 1.5), counts need at least
 * EAM_MIN_POINTS points, spacings and cut must be positive, masses too.
 *
 * No MPI here. Errors are returned as "PATH:LINE: message". Memory grows
 * with the data actually read, never with a count claimed by a header.
 */
#include "eam_file.h"
#include "core/numbers.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    EAM_MIN_POINTS = 5,          /* Lagrange needs 4, LAMMPS' spline 5      */
    EAM_MAX_POINTS = 1000000,    /* points of one table (published: ~1e4)    */
    EAM_MAX_ELEMENTS = 1000,     /* elements in one setfl/fs file           */
    EAM_MAX_TYPES = 46000,       /* (ntypes+1)^2 must fit an int            */
    EAM_MAX_LINE = 1 << 24,      /* longest line accepted (bytes)           */
    EAM_PACK_MAGIC = 0x45414d31  /* "EAM1": layout version of pack/unpack   */
};
/* Metallic EAM cutoffs are 5-8 A; beyond this a file is mistyped. */
#define EAM_MAX_CUTOFF 50.0

/* Hartree*Bohr -> eV*Angstrom exactly as LAMMPS writes it. */
#define EAM_ZZ_TO_EV_A (27.2 * 0.529)

static const char *const element_symbol[] = {
    "",   "H",  "He", "Li", "Be", "B",  "C",  "N",  "O",  "F",  "Ne",
    "Na", "Mg", "Al", "Si", "P",  "S",  "Cl", "Ar", "K",  "Ca", "Sc",
    "Ti", "V",  "Cr", "Mn", "Fe", "Co", "Ni", "Cu", "Zn", "Ga", "Ge",
    "As", "Se", "Br", "Kr", "Rb", "Sr", "Y",  "Zr", "Nb", "Mo", "Tc",
    "Ru", "Rh", "Pd", "Ag", "Cd", "In", "Sn", "Sb", "Te", "I",  "Xe",
    "Cs", "Ba", "La", "Ce", "Pr", "Nd", "Pm", "Sm", "Eu", "Gd", "Tb",
    "Dy", "Ho", "Er", "Tm", "Yb", "Lu", "Hf", "Ta", "W",  "Re", "Os",
    "Ir", "Pt", "Au", "Hg", "Tl", "Pb", "Bi", "Po", "At", "Rn", "Fr",
    "Ra", "Ac", "Th", "Pa", "U",  "Np", "Pu", "Am", "Cm", "Bk", "Cf",
    "Es", "Fm", "Md", "No", "Lr", "Rf", "Db", "Sg", "Bh", "Hs", "Mt",
    "Ds", "Rg", "Cn", "Nh", "Fl", "Mc", "Lv", "Ts", "Og"};
#define NSYMBOL ((int)(sizeof element_symbol / sizeof element_symbol[0]))

/* ------------------------------------------------------------------------
 * Error messages
 * ------------------------------------------------------------------------ */

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    if (err && errlen > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* A token as it may appear in a message: at most 40 characters, anything
 * unprintable shown as '?'. */
static const char *show(const char *tok, char out[48])
{
    size_t i = 0;
    for (; tok[i] && i < 40; i++) {
        unsigned char c = (unsigned char)tok[i];
        out[i] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
    }
    if (tok[i]) {
        memcpy(out + i, "...", 4);
    } else {
        out[i] = '\0';
    }
    return out;
}

/* ------------------------------------------------------------------------
 * Line reader
 * ------------------------------------------------------------------------ */

typedef struct reader {
    FILE *fp;
    const char *path;
    long line;        /* number of the last line read (1-based), 0 at start */
    char *buf;        /* current line, NUL-terminated                       */
    size_t cap;
    char *cur;        /* tokenizer position in buf                          */
    char *err;
    size_t errlen;
} reader;

/* Message prefixed with "PATH:LINE: ". */
static int rfail(reader *r, long line, const char *fmt, ...)
{
    if (r->err && r->errlen > 0) {
        int n = snprintf(r->err, r->errlen, "%s:%ld: ", r->path, line);
        if (n >= 0 && (size_t)n < r->errlen) {
            va_list ap;
            va_start(ap, fmt);
            vsnprintf(r->err + n, r->errlen - (size_t)n, fmt, ap);
            va_end(ap);
        }
    }
    return -1;
}

static int reader_open(reader *r, const char *path, char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    r->path = path;
    r->err = err;
    r->errlen = errlen;
    errno = 0;
    r->fp = fopen(path, "r");
    if (!r->fp) {
        return fail(err, errlen, "%s: cannot open EAM potential file: %s", path,
                    errno ? strerror(errno) : "unknown error");
    }
    r->cap = 256;
    r->buf = malloc(r->cap);
    if (!r->buf) {
        fclose(r->fp);
        r->fp = NULL;
        return fail(err, errlen, "%s: out of memory", path);
    }
    r->buf[0] = '\0';
    r->cur = r->buf;
    return 0;
}

static void reader_close(reader *r)
{
    if (r->fp) fclose(r->fp);
    free(r->buf);
    r->fp = NULL;
    r->buf = NULL;
}

/* Read the next line into r->buf (without its newline) and reset the
 * tokenizer. With strip, cut it at '#'. NUL bytes become 0x01 so that a
 * garbage file cannot hide text behind them.
 * Returns 1 for a line, 0 at end of file, -1 on error (message set). */
static int read_line(reader *r, int strip)
{
    size_t len = 0;
    int c = EOF;
    for (;;) {
        c = getc(r->fp);
        if (c == EOF || c == '\n') break;
        if (len + 1 >= r->cap) {
            if (r->cap >= (size_t)EAM_MAX_LINE) {
                return rfail(r, r->line + 1, "line longer than %d characters",
                             EAM_MAX_LINE);
            }
            size_t ncap = 2 * r->cap;
            char *nbuf = realloc(r->buf, ncap);
            if (!nbuf) return rfail(r, r->line + 1, "out of memory");
            r->buf = nbuf;
            r->cap = ncap;
        }
        r->buf[len++] = (c == '\0') ? '\x01' : (char)c;
    }
    if (c == EOF && ferror(r->fp)) {
        return rfail(r, r->line + 1, "read error: %s", strerror(errno));
    }
    r->buf[len] = '\0';
    r->cur = r->buf;
    if (c == EOF && len == 0) return 0;
    r->line++;
    if (strip) {
        char *hash = strchr(r->buf, '#');
        if (hash) *hash = '\0';
    }
    return 1;
}

/* LAMMPS' default separators. */
static int is_sep(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f';
}

/* Next whitespace-separated token of the current line, or NULL. */
static char *next_token(reader *r)
{
    char *p = r->cur;
    while (*p && is_sep(*p)) p++;
    if (!*p) {
        r->cur = p;
        return NULL;
    }
    char *tok = p;
    while (*p && !is_sep(*p)) p++;
    if (*p) *p++ = '\0';
    r->cur = p;
    return tok;
}

/* ------------------------------------------------------------------------
 * Numbers
 * ------------------------------------------------------------------------ */

/* A decimal floating-point token, whole and finite, and an int: through
 * the one validated path (core/numbers.h). */
static int parse_double(const char *tok, double *v)
{
    return num_real(tok, v) == NUM_OK ? 0 : -1;
}

static int parse_int(const char *tok, int *v)
{
    int64_t x;
    if (num_int(tok, &x) != NUM_OK || x < INT_MIN || x > INT_MAX)
        return -1;
    *v = (int)x;
    return 0;
}

/* ------------------------------------------------------------------------
 * Records and blocks
 * ------------------------------------------------------------------------ */

enum { REC_MAXF = 5, REC_TOKLEN = 128 };

typedef struct record {
    int n;                           /* fields kept (<= REC_MAXF)           */
    char tok[REC_MAXF][REC_TOKLEN];
    long line[REC_MAXF];
} record;

/* A header record of at least `need` fields, continued over several lines
 * if needed (blank and comment lines skipped). `what` names it for messages. */
static int read_record(reader *r, int need, const char *what, record *rec)
{
    long nwords = 0;
    rec->n = 0;
    while (nwords < need) {
        int s = read_line(r, 1);
        if (s < 0) return -1;
        if (s == 0) {
            if (nwords == 0 && r->line == 0) {
                return rfail(r, 1, "file is empty (expected the line '%s')", what);
            }
            if (nwords == 0) {
                return rfail(r, r->line + 1, "missing header line '%s': file ended", what);
            }
            return rfail(r, r->line, "file ended in the line '%s' after %ld of its %d fields",
                         what, nwords, need);
        }
        char *tok;
        while ((tok = next_token(r)) != NULL) {
            if (rec->n < REC_MAXF) {
                char shown[48];
                if (strlen(tok) >= REC_TOKLEN) {
                    return rfail(r, r->line, "field '%s' of '%s' is too long",
                                 show(tok, shown), what);
                }
                strcpy(rec->tok[rec->n], tok);
                rec->line[rec->n] = r->line;
                rec->n++;
            }
            nwords++;
        }
    }
    return 0;
}

static int rec_int(reader *r, const record *rec, int i, const char *name,
                   const char *what, int *v)
{
    if (parse_int(rec->tok[i], v) != 0) {
        char shown[48];
        return rfail(r, rec->line[i], "expected an integer %s (field %d of '%s') but found '%s'",
                     name, i + 1, what, show(rec->tok[i], shown));
    }
    return 0;
}

static int rec_double(reader *r, const record *rec, int i, const char *name,
                      const char *what, double *v)
{
    if (parse_double(rec->tok[i], v) != 0) {
        char shown[48];
        return rfail(r, rec->line[i], "expected a number %s (field %d of '%s') but found '%s'",
                     name, i + 1, what, show(rec->tok[i], shown));
    }
    return 0;
}

/* n values starting on a new line; values left on its last line are
 * ignored. *out receives a malloc'd array of exactly n doubles. */
static int read_block(reader *r, int n, const char *desc, double **out)
{
    size_t cap = n < 4096 ? (size_t)n : 4096;
    double *a = malloc(cap * sizeof *a);
    long first = 0;
    int i = 0;
    *out = NULL;
    if (!a) return rfail(r, r->line, "out of memory reading %s", desc);
    while (i < n) {
        int s = read_line(r, 1);
        if (s < 0) goto bad;
        if (s == 0) {
            if (first) {
                rfail(r, r->line, "expected %d values of %s, file ended after %d "
                      "(the block began at line %ld)", n, desc, i, first);
            } else {
                rfail(r, r->line, "expected %d values of %s, file ended after %d", n, desc, i);
            }
            goto bad;
        }
        char *tok;
        while (i < n && (tok = next_token(r)) != NULL) {
            double v;
            if (parse_double(tok, &v) != 0) {
                char shown[48];
                rfail(r, r->line, "expected a number (value %d of %d of %s) but found '%s'",
                      i + 1, n, desc, show(tok, shown));
                goto bad;
            }
            if (!first) first = r->line;
            if ((size_t)i == cap) {
                size_t ncap = cap * 2 > (size_t)n ? (size_t)n : cap * 2;
                double *na = realloc(a, ncap * sizeof *a);
                if (!na) {
                    rfail(r, r->line, "out of memory reading %s", desc);
                    goto bad;
                }
                a = na;
                cap = ncap;
            }
            a[i++] = v;
        }
    }
    *out = a;
    return 0;
bad:
    free(a);
    return -1;
}

/* The "nrho drho nr dr cut" record, checked. */
typedef struct grid {
    int nrho, nr;
    double drho, dr, cut;
} grid;

static int read_grid(reader *r, grid *g)
{
    static const char what[] = "nrho drho nr dr cut";
    record rec;
    if (read_record(r, 5, what, &rec) != 0) return -1;
    if (rec_int(r, &rec, 0, "nrho", what, &g->nrho) != 0) return -1;
    if (rec_double(r, &rec, 1, "drho", what, &g->drho) != 0) return -1;
    if (rec_int(r, &rec, 2, "nr", what, &g->nr) != 0) return -1;
    if (rec_double(r, &rec, 3, "dr", what, &g->dr) != 0) return -1;
    if (rec_double(r, &rec, 4, "cut", what, &g->cut) != 0) return -1;
    if (g->nrho <= 0) return rfail(r, rec.line[0], "nrho must be positive, found %d", g->nrho);
    if (g->nr <= 0) return rfail(r, rec.line[2], "nr must be positive, found %d", g->nr);
    if (g->nrho < EAM_MIN_POINTS) {
        return rfail(r, rec.line[0], "nrho must be at least %d for interpolation, found %d",
                     EAM_MIN_POINTS, g->nrho);
    }
    if (g->nr < EAM_MIN_POINTS) {
        return rfail(r, rec.line[2], "nr must be at least %d for interpolation, found %d",
                     EAM_MIN_POINTS, g->nr);
    }
    if (g->nrho > EAM_MAX_POINTS || g->nr > EAM_MAX_POINTS)
        return rfail(r, rec.line[g->nrho > EAM_MAX_POINTS ? 0 : 2], "nrho and nr must be at most %d (the tables "
                     "are held in memory), found %d and %d", EAM_MAX_POINTS, g->nrho, g->nr);
    if (!(g->drho > 0.0)) return rfail(r, rec.line[1], "drho must be positive, found %g", g->drho);
    if (!(g->dr > 0.0)) return rfail(r, rec.line[3], "dr must be positive, found %g", g->dr);
    if (!(g->cut > 0.0) || g->cut > EAM_MAX_CUTOFF)
        return rfail(r, rec.line[4], "cut must be above 0 and at most %g A, found %g", EAM_MAX_CUTOFF, g->cut);
    return 0;
}

/* "Z mass a lattice" (only Z and mass are used). */
static int read_element_line(reader *r, const char *elem, int *z, double *mass, long *line)
{
    char what[64];
    record rec;
    snprintf(what, sizeof what, "Z mass a lattice%s%s", elem ? " of " : "", elem ? elem : "");
    if (read_record(r, 2, what, &rec) != 0) return -1;
    if (rec_int(r, &rec, 0, "Z", what, z) != 0) return -1;
    if (rec_double(r, &rec, 1, "mass", what, mass) != 0) return -1;
    *line = rec.line[1];
    return 0;
}

/* The first line: a comment, skipped verbatim. LAMMPS honours a
 * "UNITS: <style>" tag there; mgmd works in metal units only. */
static int read_comment_line(reader *r, int k, int of)
{
    int s = read_line(r, 0);
    if (s < 0) return -1;
    if (s == 0 && r->line == 0) {
        return rfail(r, 1, "file is empty (expected %d comment line%s first)", of,
                     of == 1 ? "" : "s");
    }
    if (s == 0) {
        return rfail(r, r->line + 1, "missing header line: file ended in the %d comment lines",
                     of);
    }
    if (k == 1) {
        char *tok;
        while ((tok = next_token(r)) != NULL) {
            if (strcmp(tok, "UNITS:") == 0) {
                char *units = next_token(r);
                if (units && strcmp(units, "metal") != 0) {
                    char shown[48];
                    return rfail(r, r->line, "file is in '%s' units, mgmd needs 'metal'",
                                 show(units, shown));
                }
                break;
            }
        }
    }
    return 0;
}

/* ------------------------------------------------------------------------
 * Tables
 * ------------------------------------------------------------------------ */

static void free_rows(double **rows, int n)
{
    if (!rows) return;
    for (int i = 0; i < n; i++) free(rows[i]);
    free(rows);
}

void eam_tables_free(eam_tables *t)
{
    if (!t) return;
    free_rows(t->frho, t->nfrho);
    free_rows(t->rhor, t->nrhor);
    free_rows(t->z2r, t->nz2r);
    free(t->type2frho);
    free(t->type2rhor);
    free(t->type2z2r);
    free(t->mass);
    free(t->element);
    memset(t, 0, sizeof *t);
}

/* Everything but the tables' rows: row pointer arrays (zeroed), maps, mass,
 * element. Counts set so that eam_tables_free works on a partial result. */
static int tables_alloc(eam_tables *t, int ntypes, int nfrho, int nrhor, int nz2r)
{
    size_t nt1 = (size_t)ntypes + 1;
    t->ntypes = ntypes;
    t->nfrho = nfrho;
    t->nrhor = nrhor;
    t->nz2r = nz2r;
    t->frho = calloc((size_t)nfrho, sizeof *t->frho);
    t->rhor = calloc((size_t)nrhor, sizeof *t->rhor);
    t->z2r = calloc((size_t)nz2r, sizeof *t->z2r);
    t->type2frho = calloc(nt1, sizeof *t->type2frho);
    t->type2rhor = calloc(nt1 * nt1, sizeof *t->type2rhor);
    t->type2z2r = calloc(nt1 * nt1, sizeof *t->type2z2r);
    t->mass = calloc(nt1, sizeof *t->mass);
    t->element = calloc(nt1, sizeof *t->element);
    if (!t->frho || !t->rhor || !t->z2r || !t->type2frho || !t->type2rhor ||
        !t->type2z2r || !t->mass || !t->element) {
        return -1;
    }
    return 0;
}

/* Index of the lower-triangle pair (i,j), LAMMPS' z2r order. */
static int tri_index(int i, int j)
{
    if (i < j) {
        int s = i;
        i = j;
        j = s;
    }
    return i * (i + 1) / 2 + j;
}

/* type -> table maps from the type -> element (or file) index map `map`
 * (1-based, map[t] in [0, nel)). fs: full NxN density functions. */
static void fill_maps(eam_tables *t, const int *map, int nel, int fs)
{
    int nt1 = t->ntypes + 1;
    for (int a = 1; a <= t->ntypes; a++) {
        t->type2frho[a] = map[a];
        for (int b = 1; b <= t->ntypes; b++) {
            t->type2rhor[a * nt1 + b] = fs ? map[a] * nel + map[b] : map[a];
            t->type2z2r[a * nt1 + b] = tri_index(map[a], map[b]);
        }
    }
}

/* ------------------------------------------------------------------------
 * funcfl
 * ------------------------------------------------------------------------ */

typedef struct funcfl_file {
    const char *path;
    int z;
    double mass;
    long mass_line;
    grid g;
    double *frho, *zr, *rhor;   /* 0-based, g.nrho / g.nr values */
    char name[8];
} funcfl_file;

static void element_name(int z, char name[8])
{
    if (z >= 1 && z < NSYMBOL) {
        snprintf(name, 8, "%s", element_symbol[z]);
    } else if (z >= 0 && z <= 99999) {
        snprintf(name, 8, "Z%d", z);
    } else {
        snprintf(name, 8, "?");
    }
}

static int read_funcfl(const char *path, funcfl_file *f, char *err, size_t errlen)
{
    reader r;
    char desc[64];
    if (reader_open(&r, path, err, errlen) != 0) return -1;
    f->path = path;
    if (read_comment_line(&r, 1, 1) != 0) goto bad;
    if (read_element_line(&r, NULL, &f->z, &f->mass, &f->mass_line) != 0) goto bad;
    element_name(f->z, f->name);
    if (!(f->mass > 0.0)) {
        rfail(&r, f->mass_line, "mass of %s must be positive, found %g", f->name, f->mass);
        goto bad;
    }
    if (read_grid(&r, &f->g) != 0) goto bad;
    snprintf(desc, sizeof desc, "F(rho) of %s", f->name);
    if (read_block(&r, f->g.nrho, desc, &f->frho) != 0) goto bad;
    snprintf(desc, sizeof desc, "Z(r) of %s", f->name);
    if (read_block(&r, f->g.nr, desc, &f->zr) != 0) goto bad;
    snprintf(desc, sizeof desc, "rho(r) of %s", f->name);
    if (read_block(&r, f->g.nr, desc, &f->rhor) != 0) goto bad;
    reader_close(&r);
    return 0;
bad:
    reader_close(&r);
    return -1;
}

/* Value of the file function a[0..n-1] (spacing d) at x, by LAMMPS' 4-point
 * Lagrange rule (see the top of this file; a is 0-based here). */
static double lagrange(const double *a, int n, double d, double x)
{
    const double sixth = 1.0 / 6.0;
    double p = x / d + 1.0;
    int k = (p >= (double)(n - 2)) ? n - 2 : (int)p;  /* no overflow on huge p */
    if (k < 2) k = 2;
    p -= k;
    if (p > 2.0) p = 2.0;
    double cof1 = -sixth * p * (p - 1.0) * (p - 2.0);
    double cof2 = 0.5 * (p * p - 1.0) * (p - 2.0);
    double cof3 = -0.5 * p * (p + 1.0) * (p - 2.0);
    double cof4 = sixth * p * (p * p - 1.0);
    return cof1 * a[k - 2] + cof2 * a[k - 1] + cof3 * a[k] + cof4 * a[k + 1];
}

static double *regrid(const double *a, int n, double d, int nnew, double dnew)
{
    double *out = malloc((size_t)nnew * sizeof *out);
    if (!out) return NULL;
    for (int m = 0; m < nnew; m++) out[m] = lagrange(a, n, d, m * dnew);
    return out;
}

static int read_funcfl_set(int ntypes, const char *const *args, eam_tables *t,
                           char *err, size_t errlen)
{
    int nf = 0, nr = 0, nrho = 0;
    int rc = -1;
    double dr = 0.0, drho = 0.0, rmax = 0.0, rhomax = 0.0, cut = 0.0;
    int *map = calloc((size_t)ntypes + 1, sizeof *map);
    funcfl_file *f = calloc((size_t)ntypes, sizeof *f);
    double *zi = NULL;
    if (!map || !f) {
        fail(err, errlen, "out of memory");
        goto done;
    }

    /* One file per distinct path, in order of first appearance. */
    for (int a = 1; a <= ntypes; a++) {
        int i;
        for (i = 0; i < nf; i++) {
            if (strcmp(args[a - 1], f[i].path) == 0) break;
        }
        if (i == nf) {
            if (read_funcfl(args[a - 1], &f[nf], err, errlen) != 0) goto done;
            nf++;
        }
        map[a] = i;
    }

    /* Common grid. */
    for (int i = 0; i < nf; i++) {
        const grid *g = &f[i].g;
        if (g->dr > dr) dr = g->dr;
        if (g->drho > drho) drho = g->drho;
        if ((g->nr - 1) * g->dr > rmax) rmax = (g->nr - 1) * g->dr;
        if ((g->nrho - 1) * g->drho > rhomax) rhomax = (g->nrho - 1) * g->drho;
        if (g->cut > cut) cut = g->cut;
    }
    /* rmax/dr <= max(nr_f - 1) since dr >= every dr_f: no int overflow. */
    nr = (int)(rmax / dr + 0.5);
    nrho = (int)(rhomax / drho + 0.5);
    if (nr < 2 || nrho < 2) {
        fail(err, errlen, "%s: the common funcfl grid has too few points (nr %d, nrho %d)",
             args[0], nr, nrho);
        goto done;
    }

    if (tables_alloc(t, ntypes, nf, nf, nf * (nf + 1) / 2) != 0) goto oom;
    t->nr = nr;
    t->nrho = nrho;
    t->dr = dr;
    t->drho = drho;
    t->rhomax = rhomax;
    t->cut = cut;

    for (int i = 0; i < nf; i++) {
        t->frho[i] = regrid(f[i].frho, f[i].g.nrho, f[i].g.drho, nrho, drho);
        t->rhor[i] = regrid(f[i].rhor, f[i].g.nr, f[i].g.dr, nr, dr);
        if (!t->frho[i] || !t->rhor[i]) goto oom;
    }
    zi = malloc((size_t)nr * sizeof *zi);
    if (!zi) goto oom;
    for (int i = 0; i < nf; i++) {
        for (int m = 0; m < nr; m++) zi[m] = lagrange(f[i].zr, f[i].g.nr, f[i].g.dr, m * dr);
        for (int j = 0; j <= i; j++) {
            double *z2r = malloc((size_t)nr * sizeof *z2r);
            if (!z2r) goto oom;
            t->z2r[tri_index(i, j)] = z2r;
            for (int m = 0; m < nr; m++) {
                double zj = lagrange(f[j].zr, f[j].g.nr, f[j].g.dr, m * dr);
                z2r[m] = EAM_ZZ_TO_EV_A * zi[m] * zj;
            }
        }
    }

    fill_maps(t, map, nf, 0);
    for (int a = 1; a <= ntypes; a++) {
        t->mass[a] = f[map[a]].mass;
        memcpy(t->element[a], f[map[a]].name, sizeof t->element[a]);
    }
    rc = 0;
    goto done;
oom:
    fail(err, errlen, "%s: out of memory building the funcfl tables", args[0]);
done:
    if (f) {
        for (int i = 0; i < nf; i++) {
            free(f[i].frho);
            free(f[i].zr);
            free(f[i].rhor);
        }
        /* the file that failed may hold partial arrays */
        if (nf < ntypes) {
            free(f[nf].frho);
            free(f[nf].zr);
            free(f[nf].rhor);
        }
    }
    free(f);
    free(map);
    free(zi);
    return rc;
}

/* ------------------------------------------------------------------------
 * setfl and Finnis-Sinclair
 * ------------------------------------------------------------------------ */

static int read_setfl(enum eam_style style, int ntypes, const char *const *args,
                      eam_tables *t, char *err, size_t errlen)
{
    const int fs = (style == EAM_FS);
    const char *path = args[0];
    reader r;
    int nel = 0;
    char (*names)[8] = NULL;
    double *emass = NULL;
    long *mline = NULL;
    int *map = NULL;
    char desc[96];
    char shown[48];
    grid g;
    int nrhor = 0;

    if (reader_open(&r, path, err, errlen) != 0) return -1;
    for (int k = 1; k <= 3; k++) {
        if (read_comment_line(&r, k, 3) != 0) goto bad;
    }

    /* "N El_1 ... El_N": one line. */
    for (;;) {
        int s = read_line(&r, 1);
        if (s < 0) goto bad;
        if (s == 0) {
            rfail(&r, r.line + 1, "missing header line 'Nelements El_1 ... El_N': file ended");
            goto bad;
        }
        char *tok = next_token(&r);
        if (!tok) continue;
        if (parse_int(tok, &nel) != 0) {
            rfail(&r, r.line, "expected the number of elements (line 'Nelements El_1 ... El_N') "
                  "but found '%s'", show(tok, shown));
            goto bad;
        }
        if (nel < 1 || nel > EAM_MAX_ELEMENTS) {
            rfail(&r, r.line, "Nelements must be between 1 and %d, found %d",
                  EAM_MAX_ELEMENTS, nel);
            goto bad;
        }
        names = calloc((size_t)nel, sizeof *names);
        if (!names) {
            rfail(&r, r.line, "out of memory");
            goto bad;
        }
        int k = 0;
        while ((tok = next_token(&r)) != NULL) {
            if (k < nel) {
                if (strlen(tok) >= sizeof names[0]) {
                    rfail(&r, r.line, "element name '%s' is longer than %d characters",
                          show(tok, shown), (int)sizeof names[0] - 1);
                    goto bad;
                }
                strcpy(names[k], tok);
            }
            k++;
        }
        if (k != nel) {
            rfail(&r, r.line, "Nelements is %d but %d element name%s follow%s", nel, k,
                  k == 1 ? "" : "s", k == 1 ? "s" : "");
            goto bad;
        }
        break;
    }

    if (read_grid(&r, &g) != 0) goto bad;

    nrhor = fs ? nel * nel : nel;
    emass = calloc((size_t)nel, sizeof *emass);
    mline = calloc((size_t)nel, sizeof *mline);
    map = calloc((size_t)ntypes + 1, sizeof *map);
    if (!emass || !mline || !map ||
        tables_alloc(t, ntypes, nel, nrhor, nel * (nel + 1) / 2) != 0) {
        rfail(&r, r.line, "out of memory");
        goto bad;
    }
    t->nrho = g.nrho;
    t->nr = g.nr;
    t->drho = g.drho;
    t->dr = g.dr;
    t->rhomax = (g.nrho - 1) * g.drho;
    t->cut = g.cut;

    for (int i = 0; i < nel; i++) {
        int z;
        if (read_element_line(&r, names[i], &z, &emass[i], &mline[i]) != 0) goto bad;
        snprintf(desc, sizeof desc, "F(rho) for %s", names[i]);
        if (read_block(&r, g.nrho, desc, &t->frho[i]) != 0) goto bad;
        if (fs) {
            for (int j = 0; j < nel; j++) {
                snprintf(desc, sizeof desc, "rho_%s,%s(r) (density function %d of %s)",
                         names[i], names[j], j + 1, names[i]);
                if (read_block(&r, g.nr, desc, &t->rhor[i * nel + j]) != 0) goto bad;
            }
        } else {
            snprintf(desc, sizeof desc, "rho(r) for %s", names[i]);
            if (read_block(&r, g.nr, desc, &t->rhor[i]) != 0) goto bad;
        }
    }
    for (int i = 0; i < nel; i++) {
        for (int j = 0; j <= i; j++) {
            snprintf(desc, sizeof desc, "r*phi(r) for %s-%s", names[i], names[j]);
            if (read_block(&r, g.nr, desc, &t->z2r[tri_index(i, j)]) != 0) goto bad;
        }
    }

    /* Types -> elements. */
    for (int a = 1; a <= ntypes; a++) {
        const char *want = args[a];
        int e;
        for (e = 0; e < nel; e++) {
            if (strcmp(want, names[e]) == 0) break;
        }
        if (e == nel) {
            char have[256];
            size_t len = 0;
            have[0] = '\0';
            for (int i = 0; i < nel && len + 12 < sizeof have; i++) {
                int w = snprintf(have + len, sizeof have - len, "%s%s", i ? " " : "", names[i]);
                if (w > 0) len += (size_t)w;
            }
            if (len + 12 >= sizeof have) snprintf(have + len, sizeof have - len, " ...");
            fail(err, errlen, "%s: element '%s' (atom type %d) is not in the file (it has %s)",
                 path, show(want, shown), a, have);
            goto bad;
        }
        if (!(emass[e] > 0.0)) {
            fail(err, errlen, "%s:%ld: mass of %s must be positive, found %g", path, mline[e],
                 names[e], emass[e]);
            goto bad;
        }
        map[a] = e;
        t->mass[a] = emass[e];
        memcpy(t->element[a], names[e], sizeof t->element[a]);
    }
    fill_maps(t, map, nel, fs);

    reader_close(&r);
    free(names);
    free(emass);
    free(mline);
    free(map);
    return 0;
bad:
    reader_close(&r);
    free(names);
    free(emass);
    free(mline);
    free(map);
    return -1;
}

/* ------------------------------------------------------------------------
 * Entry point
 * ------------------------------------------------------------------------ */

static const char *style_name(enum eam_style style)
{
    switch (style) {
    case EAM_FUNCFL: return "eam (funcfl)";
    case EAM_SETFL: return "eam/alloy (setfl)";
    case EAM_FS: return "eam/fs";
    }
    return "?";
}

int eam_tables_read(enum eam_style style, int ntypes, int nargs,
                    const char *const *args, eam_tables *out,
                    char *err, size_t errlen)
{
    if (err && errlen > 0) err[0] = '\0';
    if (!out) return fail(err, errlen, "eam_tables_read: no output tables given");
    memset(out, 0, sizeof *out);
    if (style != EAM_FUNCFL && style != EAM_SETFL && style != EAM_FS) {
        return fail(err, errlen, "unknown EAM file style %d", (int)style);
    }
    if (ntypes < 1 || ntypes > EAM_MAX_TYPES) {
        return fail(err, errlen, "%s: the number of atom types must be between 1 and %d, got %d",
                    style_name(style), EAM_MAX_TYPES, ntypes);
    }
    int want = (style == EAM_FUNCFL) ? ntypes : ntypes + 1;
    if (nargs != want || !args) {
        if (style == EAM_FUNCFL) {
            return fail(err, errlen, "%s: expected %d potential files (one per atom type), got %d",
                        style_name(style), ntypes, nargs);
        }
        return fail(err, errlen, "%s: expected a file and %d element names (one per atom type), "
                    "got %d argument%s", style_name(style), ntypes, nargs, nargs == 1 ? "" : "s");
    }
    for (int i = 0; i < nargs; i++) {
        if (!args[i]) return fail(err, errlen, "%s: argument %d is missing", style_name(style), i + 1);
    }
    int rc = (style == EAM_FUNCFL) ? read_funcfl_set(ntypes, args, out, err, errlen)
                                   : read_setfl(style, ntypes, args, out, err, errlen);
    if (rc != 0) eam_tables_free(out);
    return rc;
}

/* ------------------------------------------------------------------------
 * Pack / unpack for broadcasting
 *
 * ints  (nint of them):
 *   [0] EAM_PACK_MAGIC  [1] ntypes  [2] nrho  [3] nr  [4] nfrho  [5] nrhor  [6] nz2r
 *   type2frho[ntypes+1], type2rhor[(ntypes+1)^2], type2z2r[(ntypes+1)^2],
 *   element names: 8 ints per type 0..ntypes, one char each (as unsigned char)
 * doubles:
 *   drho, dr, rhomax, cut, mass[ntypes+1],
 *   frho rows (nfrho x nrho), rhor rows (nrhor x nr), z2r rows (nz2r x nr)
 * The receiver needs both lengths (broadcast them first), then the buffers.
 * ------------------------------------------------------------------------ */

enum { PACK_NHEAD_I = 7, PACK_NHEAD_D = 4, PACK_NAME = 8 };

size_t eam_tables_pack_size(const eam_tables *t, size_t *nint)
{
    size_t nt1 = (size_t)t->ntypes + 1;
    if (nint) *nint = PACK_NHEAD_I + nt1 + 2 * nt1 * nt1 + PACK_NAME * nt1;
    return PACK_NHEAD_D + nt1 + (size_t)t->nfrho * (size_t)t->nrho +
           ((size_t)t->nrhor + (size_t)t->nz2r) * (size_t)t->nr;
}

/* FNV-1a over the bytes, 64-bit. */
static uint64_t fnv1a(uint64_t h, const void *data, size_t n)
{
    const unsigned char *b = data;
    for (size_t k = 0; k < n; k++)
        h = (h ^ b[k]) * 1099511628211ull;
    return h;
}

uint64_t eam_tables_hash(const eam_tables *t)
{
    /* The numbers and the type maps, straight from the tables; the element
     * names are left out (the checkpoint stores them anyway). */
    size_t nt1 = (size_t)t->ntypes + 1;
    int dims[6] = {t->ntypes, t->nrho, t->nr, t->nfrho, t->nrhor, t->nz2r};
    double spacing[4] = {t->drho, t->dr, t->rhomax, t->cut};
    uint64_t h = fnv1a(1469598103934665603ull, dims, sizeof dims);
    h = fnv1a(h, t->type2frho, nt1 * sizeof *t->type2frho);
    h = fnv1a(h, t->type2rhor, nt1 * nt1 * sizeof *t->type2rhor);
    h = fnv1a(h, t->type2z2r, nt1 * nt1 * sizeof *t->type2z2r);
    h = fnv1a(h, spacing, sizeof spacing);
    h = fnv1a(h, t->mass, nt1 * sizeof *t->mass);
    for (int k = 0; k < t->nfrho; k++)
        h = fnv1a(h, t->frho[k], (size_t)t->nrho * sizeof **t->frho);
    for (int k = 0; k < t->nrhor; k++)
        h = fnv1a(h, t->rhor[k], (size_t)t->nr * sizeof **t->rhor);
    for (int k = 0; k < t->nz2r; k++)
        h = fnv1a(h, t->z2r[k], (size_t)t->nr * sizeof **t->z2r);
    return h;
}

void eam_tables_pack(const eam_tables *t, double *dbuf, int *ibuf)
{
    size_t nt1 = (size_t)t->ntypes + 1;
    int *ip = ibuf;
    *ip++ = EAM_PACK_MAGIC;
    *ip++ = t->ntypes;
    *ip++ = t->nrho;
    *ip++ = t->nr;
    *ip++ = t->nfrho;
    *ip++ = t->nrhor;
    *ip++ = t->nz2r;
    memcpy(ip, t->type2frho, nt1 * sizeof *ip);
    ip += nt1;
    memcpy(ip, t->type2rhor, nt1 * nt1 * sizeof *ip);
    ip += nt1 * nt1;
    memcpy(ip, t->type2z2r, nt1 * nt1 * sizeof *ip);
    ip += nt1 * nt1;
    for (size_t a = 0; a < nt1; a++) {
        for (int c = 0; c < PACK_NAME; c++) *ip++ = (unsigned char)t->element[a][c];
    }

    double *dp = dbuf;
    *dp++ = t->drho;
    *dp++ = t->dr;
    *dp++ = t->rhomax;
    *dp++ = t->cut;
    memcpy(dp, t->mass, nt1 * sizeof *dp);
    dp += nt1;
    for (int i = 0; i < t->nfrho; i++, dp += t->nrho) {
        memcpy(dp, t->frho[i], (size_t)t->nrho * sizeof *dp);
    }
    for (int i = 0; i < t->nrhor; i++, dp += t->nr) {
        memcpy(dp, t->rhor[i], (size_t)t->nr * sizeof *dp);
    }
    for (int i = 0; i < t->nz2r; i++, dp += t->nr) {
        memcpy(dp, t->z2r[i], (size_t)t->nr * sizeof *dp);
    }
}

static int unpack_rows(double **rows, const double **dp, int nrows, int n)
{
    for (int i = 0; i < nrows; i++) {
        rows[i] = malloc((size_t)n * sizeof **rows);
        if (!rows[i]) return -1;
        memcpy(rows[i], *dp, (size_t)n * sizeof **rows);
        *dp += n;
    }
    return 0;
}

int eam_tables_unpack(eam_tables *t, const double *dbuf, const int *ibuf)
{
    memset(t, 0, sizeof *t);
    if (ibuf[0] != EAM_PACK_MAGIC) return -1;
    int ntypes = ibuf[1], nrho = ibuf[2], nr = ibuf[3];
    int nfrho = ibuf[4], nrhor = ibuf[5], nz2r = ibuf[6];
    if (ntypes < 1 || ntypes > EAM_MAX_TYPES || nrho < 2 || nr < 2 || nfrho < 1 ||
        nrhor < 1 || nz2r < 1) {
        return -1;
    }
    size_t nt1 = (size_t)ntypes + 1;
    const int *ip = ibuf + PACK_NHEAD_I;
    /* the maps must point at existing tables */
    for (size_t k = 1; k < nt1; k++) {
        if (ip[k] < 0 || ip[k] >= nfrho) return -1;
    }
    for (size_t k = 0; k < nt1 * nt1; k++) {
        const int vr = ip[nt1 + k], vz = ip[nt1 + nt1 * nt1 + k];
        if (vr < 0 || vr >= nrhor || vz < 0 || vz >= nz2r) return -1;
    }

    if (tables_alloc(t, ntypes, nfrho, nrhor, nz2r) != 0) goto bad;
    memcpy(t->type2frho, ip, nt1 * sizeof *ip);
    ip += nt1;
    memcpy(t->type2rhor, ip, nt1 * nt1 * sizeof *ip);
    ip += nt1 * nt1;
    memcpy(t->type2z2r, ip, nt1 * nt1 * sizeof *ip);
    ip += nt1 * nt1;
    for (size_t a = 0; a < nt1; a++) {
        for (int c = 0; c < PACK_NAME; c++) t->element[a][c] = (char)(unsigned char)*ip++;
        t->element[a][PACK_NAME - 1] = '\0';
    }

    const double *dp = dbuf;
    t->nrho = nrho;
    t->nr = nr;
    t->drho = *dp++;
    t->dr = *dp++;
    t->rhomax = *dp++;
    t->cut = *dp++;
    memcpy(t->mass, dp, nt1 * sizeof *dp);
    dp += nt1;
    if (unpack_rows(t->frho, &dp, nfrho, nrho) != 0) goto bad;
    if (unpack_rows(t->rhor, &dp, nrhor, nr) != 0) goto bad;
    if (unpack_rows(t->z2r, &dp, nz2r, nr) != 0) goto bad;
    return 0;
bad:
    eam_tables_free(t);
    return -1;
}
