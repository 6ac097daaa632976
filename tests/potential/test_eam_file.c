/* Tests of the EAM file readers (src/potential/eam_file.c).
 *
 * Real files come from Debian's lammps-data (/usr/share/lammps/potentials,
 * or $MGMD_LAMMPS_POTENTIALS). Expected numbers are computed here from the
 * files themselves, with a reader independent of the one under test (whole
 * lines, sscanf / strtod on a flat token stream), never copied from it.
 * Malformed files are written into a fresh temporary directory.
 */
#define _POSIX_C_SOURCE 200809L

#include "potential/eam_file.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int nfail = 0;
static int ncheck = 0;

#define CHECK(cond, ...)                                                    \
    do {                                                                    \
        ncheck++;                                                           \
        if (!(cond)) {                                                      \
            nfail++;                                                        \
            fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
            fprintf(stderr, __VA_ARGS__);                                   \
            fputc('\n', stderr);                                            \
        }                                                                   \
    } while (0)

static char potdir[1024];
static char tmpdir[256];

static const char *pot(const char *name)
{
    static char buf[8][1200];
    static int k = 0;
    k = (k + 1) % 8;
    snprintf(buf[k], sizeof buf[k], "%s/%s", potdir, name);
    return buf[k];
}

/* ------------------------------------------------------------------------
 * An independent view of a file: line n, and all tokens after line `skip`.
 * ------------------------------------------------------------------------ */

static int file_line(const char *path, int n, char *buf, size_t len)
{
    FILE *fp = fopen(path, "r");
    if (!fp) return -1;
    int k = 0;
    while (fgets(buf, (int)len, fp)) {
        if (++k == n) {
            fclose(fp);
            return 0;
        }
    }
    fclose(fp);
    return -1;
}

typedef struct flat {
    double *v;   /* numeric value, NAN for a word like "fcc" */
    size_t n;
} flat;

static flat flat_tokens(const char *path, int skip)
{
    flat f = {NULL, 0};
    size_t cap = 0;
    FILE *fp = fopen(path, "r");
    if (!fp) return f;
    char line[4096];
    int k = 0;
    while (fgets(line, sizeof line, fp)) {
        if (++k <= skip) continue;
        for (char *tok = strtok(line, " \t\r\n"); tok; tok = strtok(NULL, " \t\r\n")) {
            if (f.n == cap) {
                cap = cap ? 2 * cap : 65536;
                f.v = realloc(f.v, cap * sizeof *f.v);
                if (!f.v) abort();
            }
            char *end;
            double x = strtod(tok, &end);
            f.v[f.n++] = (*end == '\0') ? x : NAN;
        }
    }
    fclose(fp);
    return f;
}

typedef struct header {
    int nel;
    char el[8][8];
    int nrho, nr;
    double drho, dr, cut;
} header;

static int setfl_header(const char *path, header *h)
{
    char line[1024];
    memset(h, 0, sizeof *h);
    if (file_line(path, 4, line, sizeof line)) return -1;
    char *tok = strtok(line, " \t\r\n");
    h->nel = atoi(tok);
    for (int i = 0; i < h->nel && i < 8; i++) {
        tok = strtok(NULL, " \t\r\n");
        snprintf(h->el[i], 8, "%s", tok);
    }
    if (file_line(path, 5, line, sizeof line)) return -1;
    if (sscanf(line, "%d %lf %d %lf %lf", &h->nrho, &h->drho, &h->nr, &h->dr, &h->cut) != 5) return -1;
    return 0;
}

/* ------------------------------------------------------------------------
 * setfl / fs: grids from the header, every value against the token stream
 * ------------------------------------------------------------------------ */

static int same_array(const double *a, const double *b, int n)
{
    return memcmp(a, b, (size_t)n * sizeof *a) == 0;
}

static int tri(int i, int j)
{
    return i >= j ? i * (i + 1) / 2 + j : j * (j + 1) / 2 + i;
}

/* Read `file` for the given element names (types 1..ntypes) and compare. */
static void check_setfl(const char *file, int fs, int ntypes, const char *const *names)
{
    const char *path = pot(file);
    header h;
    if (setfl_header(path, &h)) {
        CHECK(0, "cannot read the header of %s", path);
        return;
    }
    const char *args[16];
    args[0] = path;
    for (int a = 1; a <= ntypes; a++) args[a] = names[a - 1];
    eam_tables t;
    char err[512] = "";
    int rc = eam_tables_read(fs ? EAM_FS : EAM_SETFL, ntypes, ntypes + 1, args, &t, err, sizeof err);
    CHECK(rc == 0, "%s: %s", file, err);
    if (rc != 0) return;

    const int N = h.nel;
    CHECK(t.ntypes == ntypes, "%s", file);
    CHECK(t.nrho == h.nrho && t.nr == h.nr, "%s: nrho %d nr %d", file, t.nrho, t.nr);
    CHECK(t.drho == h.drho && t.dr == h.dr && t.cut == h.cut, "%s: drho %.17g dr %.17g cut %.17g",
          file, t.drho, t.dr, t.cut);
    CHECK(t.rhomax == (h.nrho - 1) * h.drho, "%s: rhomax %.17g", file, t.rhomax);
    CHECK(t.nfrho == N, "%s: nfrho %d", file, t.nfrho);
    CHECK(t.nrhor == (fs ? N * N : N), "%s: nrhor %d", file, t.nrhor);
    CHECK(t.nz2r == N * (N + 1) / 2, "%s: nz2r %d", file, t.nz2r);

    /* Walk the token stream after line 5: per element Z mass a lattice, F,
     * rho (N of them for fs); then r*phi for i >= j. */
    flat f = flat_tokens(path, 5);
    size_t o = 0;
    double mass[8];
    int ok_f = 1, ok_r = 1, ok_z = 1;
    for (int i = 0; i < N; i++) {
        mass[i] = f.v[o + 1];
        o += 4;
        ok_f &= o + (size_t)h.nrho <= f.n && same_array(t.frho[i], f.v + o, h.nrho);
        o += (size_t)h.nrho;
        for (int j = 0; j < (fs ? N : 1); j++) {
            ok_r &= o + (size_t)h.nr <= f.n && same_array(t.rhor[fs ? i * N + j : i], f.v + o, h.nr);
            o += (size_t)h.nr;
        }
    }
    for (int i = 0; i < N; i++) {
        for (int j = 0; j <= i; j++) {
            ok_z &= o + (size_t)h.nr <= f.n && same_array(t.z2r[tri(i, j)], f.v + o, h.nr);
            o += (size_t)h.nr;
        }
    }
    CHECK(ok_f && ok_r && ok_z, "%s: table contents differ from the file (F %d rho %d z2r %d)",
          file, ok_f, ok_r, ok_z);
    CHECK(o == f.n, "%s: %zu tokens in the file, %zu used", file, f.n, o);

    /* Type maps. */
    const int nt1 = ntypes + 1;
    for (int a = 1; a <= ntypes; a++) {
        int ea = -1;
        for (int e = 0; e < N; e++) {
            if (strcmp(names[a - 1], h.el[e]) == 0) {
                ea = e;
                break;
            }
        }
        CHECK(strcmp(t.element[a], names[a - 1]) == 0, "%s: element of type %d is '%s'", file, a,
              t.element[a]);
        CHECK(t.mass[a] == mass[ea], "%s: mass of type %d %.17g", file, a, t.mass[a]);
        CHECK(t.type2frho[a] == ea, "%s: type2frho[%d] = %d", file, a, t.type2frho[a]);
        for (int b = 1; b <= ntypes; b++) {
            int eb = -1;
            for (int e = 0; e < N; e++) {
                if (strcmp(names[b - 1], h.el[e]) == 0) {
                    eb = e;
                    break;
                }
            }
            /* fs: a neighbour of type a gives an atom of type b the function
             * in the block of element(a), number element(b). */
            int want_r = fs ? ea * N + eb : ea;
            CHECK(t.type2rhor[a * nt1 + b] == want_r, "%s: type2rhor[%d][%d] = %d, want %d", file,
                  a, b, t.type2rhor[a * nt1 + b], want_r);
            CHECK(t.type2z2r[a * nt1 + b] == tri(ea, eb), "%s: type2z2r[%d][%d] = %d", file, a, b,
                  t.type2z2r[a * nt1 + b]);
        }
    }
    free(f.v);
    eam_tables_free(&t);
    CHECK(t.frho == NULL && t.nfrho == 0, "eam_tables_free must empty the struct");
}

/* ------------------------------------------------------------------------
 * funcfl
 * ------------------------------------------------------------------------ */

typedef struct ffile {
    int nrho, nr;
    double drho, dr, cut, mass;
    double *F, *Z, *rho;   /* the file's own values */
    flat tok;
} ffile;

static int funcfl_file(const char *path, ffile *ff)
{
    char line[1024];
    int z;
    memset(ff, 0, sizeof *ff);
    if (file_line(path, 2, line, sizeof line) || sscanf(line, "%d %lf", &z, &ff->mass) != 2) return -1;
    if (file_line(path, 3, line, sizeof line) ||
        sscanf(line, "%d %lf %d %lf %lf", &ff->nrho, &ff->drho, &ff->nr, &ff->dr, &ff->cut) != 5) {
        return -1;
    }
    ff->tok = flat_tokens(path, 3);
    if (ff->tok.n != (size_t)(ff->nrho + 2 * ff->nr)) return -1;
    ff->F = ff->tok.v;
    ff->Z = ff->F + ff->nrho;
    ff->rho = ff->Z + ff->nr;
    return 0;
}

static double maxabs(const double *a, int n)
{
    double m = 0.0;
    for (int i = 0; i < n; i++) m = fmax(m, fabs(a[i]));
    return m;
}

/* |a[i] - b[i]| <= tol * max|b| for i < n */
static int close_array(const double *a, const double *b, int n, double tol)
{
    double s = maxabs(b, n) * tol + 1e-300;
    for (int i = 0; i < n; i++) {
        if (!(fabs(a[i] - b[i]) <= s)) return 0;
    }
    return 1;
}

static void test_funcfl_single(void)
{
    const char *path = pot("Cu_u3.eam");
    ffile ff;
    if (funcfl_file(path, &ff)) {
        CHECK(0, "cannot read %s", path);
        return;
    }
    const char *args[1] = {path};
    eam_tables t;
    char err[512] = "";
    int rc = eam_tables_read(EAM_FUNCFL, 1, 1, args, &t, err, sizeof err);
    CHECK(rc == 0, "%s", err);
    if (rc == 0) {
        /* LAMMPS' common-grid rule, one file: n = (int)((n_f-1)*d/d + 0.5) */
        int nr = (int)((ff.nr - 1) * ff.dr / ff.dr + 0.5);
        int nrho = (int)((ff.nrho - 1) * ff.drho / ff.drho + 0.5);
        CHECK(t.nr == nr && nr == ff.nr - 1, "nr %d, want %d", t.nr, nr);
        CHECK(t.nrho == nrho && nrho == ff.nrho - 1, "nrho %d, want %d", t.nrho, nrho);
        CHECK(t.dr == ff.dr && t.drho == ff.drho && t.cut == ff.cut, "grid");
        CHECK(t.rhomax == (ff.nrho - 1) * ff.drho, "rhomax %.17g", t.rhomax);
        CHECK(t.nfrho == 1 && t.nrhor == 1 && t.nz2r == 1, "counts");
        CHECK(strcmp(t.element[1], "Cu") == 0, "element '%s'", t.element[1]);
        CHECK(t.mass[1] == ff.mass, "mass %g", t.mass[1]);
        CHECK(t.type2frho[1] == 0 && t.type2rhor[3] == 0 && t.type2z2r[3] == 0, "maps");
        /* Lagrange on the file's own grid returns the file's values */
        CHECK(close_array(t.frho[0], ff.F, t.nrho, 1e-13), "F differs from the file");
        CHECK(close_array(t.rhor[0], ff.rho, t.nr, 1e-13), "rho differs from the file");
        double *z2 = malloc((size_t)t.nr * sizeof *z2);
        for (int m = 0; m < t.nr; m++) z2[m] = 27.2 * 0.529 * ff.Z[m] * ff.Z[m];
        CHECK(close_array(t.z2r[0], z2, t.nr, 1e-13), "z2r != 27.2*0.529*Z^2");
        free(z2);
        eam_tables_free(&t);
    }
    free(ff.tok.v);
}

static void test_funcfl_mix(void)
{
    const char *names[3] = {"Pd_u3.eam", "Cu_u3.eam", "Ni_u3.eam"};
    const char *sym[3] = {"Pd", "Cu", "Ni"};
    ffile ff[3];
    const char *args[3];
    for (int i = 0; i < 3; i++) {
        args[i] = pot(names[i]);
        if (funcfl_file(args[i], &ff[i])) {
            CHECK(0, "cannot read %s", args[i]);
            return;
        }
    }
    /* the grid rules, from the headers */
    double dr = 0, drho = 0, rmax = 0, rhomax = 0, cut = 0;
    for (int i = 0; i < 3; i++) {
        dr = fmax(dr, ff[i].dr);
        drho = fmax(drho, ff[i].drho);
        rmax = fmax(rmax, (ff[i].nr - 1) * ff[i].dr);
        rhomax = fmax(rhomax, (ff[i].nrho - 1) * ff[i].drho);
        cut = fmax(cut, ff[i].cut);
    }
    int nr = (int)(rmax / dr + 0.5), nrho = (int)(rhomax / drho + 0.5);

    eam_tables t;
    char err[512] = "";
    int rc = eam_tables_read(EAM_FUNCFL, 3, 3, args, &t, err, sizeof err);
    CHECK(rc == 0, "%s", err);
    if (rc == 0) {
        CHECK(t.dr == dr && t.drho == drho, "dr %.17g drho %.17g", t.dr, t.drho);
        CHECK(t.nr == nr && t.nrho == nrho, "nr %d (want %d) nrho %d (want %d)", t.nr, nr, t.nrho,
              nrho);
        CHECK(t.rhomax == rhomax && t.cut == cut, "rhomax %.17g cut %.17g", t.rhomax, t.cut);
        CHECK(dr == ff[0].dr && cut == ff[0].cut, "Pd should set dr and cut");
        CHECK(t.nfrho == 3 && t.nrhor == 3 && t.nz2r == 6, "counts %d %d %d", t.nfrho, t.nrhor,
              t.nz2r);
        for (int a = 1; a <= 3; a++) {
            CHECK(strcmp(t.element[a], sym[a - 1]) == 0, "element %d '%s'", a, t.element[a]);
            CHECK(t.mass[a] == ff[a - 1].mass, "mass %d", a);
            CHECK(t.type2frho[a] == a - 1, "type2frho[%d]", a);
            for (int b = 1; b <= 3; b++) {
                CHECK(t.type2rhor[a * 4 + b] == a - 1, "type2rhor[%d][%d]", a, b);
                CHECK(t.type2z2r[a * 4 + b] == tri(a - 1, b - 1), "type2z2r[%d][%d]", a, b);
            }
        }
        /* All three share drho: F comes back unchanged. Pd sets dr: its
         * rho comes back unchanged. */
        for (int i = 0; i < 3; i++) {
            CHECK(ff[i].drho == drho, "drho of %s", names[i]);
            CHECK(close_array(t.frho[i], ff[i].F, nrho, 1e-13), "F of %s", names[i]);
        }
        CHECK(close_array(t.rhor[0], ff[0].rho, nr, 1e-13), "rho of Pd");
        /* z2r_ij = 27.2*0.529 Zi Zj  =>  z2r_ij^2 = z2r_ii z2r_jj */
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < i; j++) {
                const double *zij = t.z2r[tri(i, j)], *zii = t.z2r[tri(i, i)], *zjj = t.z2r[tri(j, j)];
                int ok = 1;
                for (int m = 0; m < nr; m++) {
                    double l = zij[m] * zij[m], r = zii[m] * zjj[m];
                    ok &= fabs(l - r) <= 1e-12 * fabs(r) + 1e-300;
                }
                CHECK(ok, "z2r[%d,%d]^2 != z2r[%d,%d] z2r[%d,%d]", i, j, i, i, j, j);
            }
        }
        /* Cu's rho resampled onto Pd's grid stops at Cu's last point */
        double rend = (ff[1].nr - 1) * ff[1].dr;
        for (int m = 0; m < nr; m++) {
            if (m * dr > rend) {
                CHECK(t.rhor[1][m] == ff[1].rho[ff[1].nr - 1], "Cu rho beyond its table at m=%d", m);
                break;
            }
        }
        eam_tables_free(&t);
    }

    /* The same path twice is one file. */
    const char *dup[3] = {args[1], args[2], args[1]};
    rc = eam_tables_read(EAM_FUNCFL, 3, 3, dup, &t, err, sizeof err);
    CHECK(rc == 0, "%s", err);
    if (rc == 0) {
        CHECK(t.nfrho == 2 && t.nrhor == 2 && t.nz2r == 3, "duplicate path: %d files", t.nfrho);
        CHECK(t.type2frho[1] == 0 && t.type2frho[2] == 1 && t.type2frho[3] == 0, "duplicate maps");
        CHECK(t.type2z2r[1 * 4 + 3] == 0 && t.type2z2r[2 * 4 + 3] == 1, "duplicate z2r maps");
        CHECK(strcmp(t.element[3], "Cu") == 0, "element 3 '%s'", t.element[3]);
        eam_tables_free(&t);
    }
    for (int i = 0; i < 3; i++) free(ff[i].tok.v);
}

/* ------------------------------------------------------------------------
 * pack / unpack
 * ------------------------------------------------------------------------ */

static void roundtrip(const eam_tables *t, const char *what)
{
    size_t nint = 0;
    size_t nd = eam_tables_pack_size(t, &nint);
    double *d = malloc(nd * sizeof *d);
    int *ib = malloc(nint * sizeof *ib);
    eam_tables_pack(t, d, ib);
    eam_tables u;
    int rc = eam_tables_unpack(&u, d, ib);
    CHECK(rc == 0, "%s: unpack failed", what);
    if (rc == 0) {
        size_t nt1 = (size_t)t->ntypes + 1;
        int ok = u.ntypes == t->ntypes && u.nrho == t->nrho && u.nr == t->nr &&
                 u.nfrho == t->nfrho && u.nrhor == t->nrhor && u.nz2r == t->nz2r &&
                 memcmp(&u.drho, &t->drho, sizeof u.drho) == 0 &&
                 memcmp(&u.dr, &t->dr, sizeof u.dr) == 0 &&
                 memcmp(&u.rhomax, &t->rhomax, sizeof u.rhomax) == 0 &&
                 memcmp(&u.cut, &t->cut, sizeof u.cut) == 0;
        CHECK(ok, "%s: scalars differ", what);
        if (ok) {
            for (int i = 0; i < t->nfrho; i++) ok &= same_array(u.frho[i], t->frho[i], t->nrho);
            for (int i = 0; i < t->nrhor; i++) ok &= same_array(u.rhor[i], t->rhor[i], t->nr);
            for (int i = 0; i < t->nz2r; i++) ok &= same_array(u.z2r[i], t->z2r[i], t->nr);
            ok &= memcmp(u.type2frho, t->type2frho, nt1 * sizeof(int)) == 0;
            ok &= memcmp(u.type2rhor, t->type2rhor, nt1 * nt1 * sizeof(int)) == 0;
            ok &= memcmp(u.type2z2r, t->type2z2r, nt1 * nt1 * sizeof(int)) == 0;
            ok &= same_array(u.mass, t->mass, (int)nt1);
            ok &= memcmp(u.element, t->element, nt1 * sizeof t->element[0]) == 0;
            CHECK(ok, "%s: arrays differ after unpack", what);
        }
        eam_tables_free(&u);
    }
    /* a corrupted buffer is refused, not trusted */
    ib[0] ^= 1;
    CHECK(eam_tables_unpack(&u, d, ib) == -1 && u.frho == NULL, "%s: bad magic accepted", what);
    ib[0] ^= 1;
    ib[7 + 1] = 9999; /* type2frho[1] out of range */
    CHECK(eam_tables_unpack(&u, d, ib) == -1, "%s: bad map accepted", what);
    free(d);
    free(ib);
}

static void test_pack(void)
{
    eam_tables t;
    char err[512];
    const char *fs[4] = {pot("CuZr_mm.eam.fs"), "Zr", "Cu", "Zr"};
    if (eam_tables_read(EAM_FS, 3, 4, fs, &t, err, sizeof err) == 0) {
        roundtrip(&t, "CuZr_mm.eam.fs");
        eam_tables_free(&t);
    } else {
        CHECK(0, "%s", err);
    }
    const char *ff[2] = {pot("Pd_u3.eam"), pot("Ni_u3.eam")};
    if (eam_tables_read(EAM_FUNCFL, 2, 2, ff, &t, err, sizeof err) == 0) {
        roundtrip(&t, "Pd+Ni funcfl");
        eam_tables_free(&t);
    } else {
        CHECK(0, "%s", err);
    }
}

/* ------------------------------------------------------------------------
 * Synthetic files
 * ------------------------------------------------------------------------ */

static const char *tmpfile_path(const char *name)
{
    static char buf[8][600];
    static int k = 0;
    k = (k + 1) % 8;
    snprintf(buf[k], sizeof buf[k], "%s/%s", tmpdir, name);
    return buf[k];
}

/* A file made of lines; lines[i] is line i+1. */
typedef struct lines {
    int n;
    char l[64][256];
} lines;

static void addl(lines *L, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(L->l[L->n++], sizeof L->l[0], fmt, ap);
    va_end(ap);
}

/* nvals values of f(k), 3 to a line */
static void addvals(lines *L, int nvals, double (*f)(int, int), int which)
{
    char buf[256] = "";
    for (int k = 0; k < nvals; k++) {
        size_t len = strlen(buf);
        snprintf(buf + len, sizeof buf - len, " %.17g", f(which, k));
        if (k % 3 == 2 || k == nvals - 1) {
            addl(L, "%s", buf);
            buf[0] = '\0';
        }
    }
}

static const char *write_lines(const char *name, const lines *L, int upto)
{
    const char *path = tmpfile_path(name);
    FILE *fp = fopen(path, "w");
    if (!fp) abort();
    for (int i = 0; i < upto && i < L->n; i++) fprintf(fp, "%s\n", L->l[i]);
    fclose(fp);
    return path;
}

static double sval(int which, int k)
{
    return 0.25 * which + 0.01 * k - 0.5;
}

/* setfl (fs=0) or fs (fs=1) with elements Cu Ni, nrho = nr = 6:
 *   1-3 comments, 4 "2 Cu Ni", 5 grid, 6 Cu line, 7-8 F_Cu,
 *   setfl: 9-10 rho_Cu, 11 Ni line, 12-13 F_Ni, 14-15 rho_Ni,
 *          16-17 phi CuCu, 18-19 phi NiCu, 20-21 phi NiNi
 *   fs:    9-10 rho_Cu,Cu 11-12 rho_Cu,Ni, 13 Ni line, ... */
static lines small_setfl(int fs)
{
    lines L = {0};
    addl(&L, "comment 1");
    addl(&L, "comment 2");
    addl(&L, "comment 3");
    addl(&L, "2 Cu Ni");
    addl(&L, "6 0.1 6 0.5 2.5");
    int w = 0;
    for (int e = 0; e < 2; e++) {
        addl(&L, e == 0 ? "29 63.55 3.615 fcc" : "28 58.69 3.52 fcc");
        addvals(&L, 6, sval, w++);
        for (int j = 0; j < (fs ? 2 : 1); j++) addvals(&L, 6, sval, w++);
    }
    for (int p = 0; p < 3; p++) addvals(&L, 6, sval, w++);
    return L;
}

static void expect_fail(enum eam_style style, int ntypes, int nargs, const char *const *args,
                        const char *const *expect, const char *label)
{
    /* expect: NULL-terminated substrings the message must contain */
    eam_tables t;
    char err[1024] = "";
    int rc = eam_tables_read(style, ntypes, nargs, args, &t, err, sizeof err);
    if (getenv("MGMD_TEST_VERBOSE")) printf("%-24s %s\n", label, err);
    CHECK(rc == -1, "%s: expected failure, got %d", label, rc);
    CHECK(t.frho == NULL && t.rhor == NULL && t.z2r == NULL && t.type2frho == NULL &&
              t.mass == NULL && t.nfrho == 0,
          "%s: tables not left empty", label);
    for (int i = 0; expect[i]; i++) {
        CHECK(strstr(err, expect[i]) != NULL, "%s: message \"%s\" lacks \"%s\"", label, err,
              expect[i]);
    }
    if (rc == 0) eam_tables_free(&t);
}

/* "PATH:LINE:" */
static const char *at(const char *path, int line)
{
    static char buf[8][700];
    static int k = 0;
    k = (k + 1) % 8;
    snprintf(buf[k], sizeof buf[k], "%s:%d:", path, line);
    return buf[k];
}

static void test_malformed(void)
{
    lines L;
    const char *p;

    /* setfl: truncated in F of Ni (file ends at line 12, 3 values read) */
    L = small_setfl(0);
    p = write_lines("trunc_F.eam.alloy", &L, 12);
    {
        const char *args[3] = {p, "Cu", "Ni"};
        const char *ex[] = {at(p, 12), "6 values of F(rho) for Ni", "file ended after 3", NULL};
        expect_fail(EAM_SETFL, 2, 3, args, ex, "truncated in F");
    }
    /* truncated in rho of Cu, after its first line (line 9) */
    p = write_lines("trunc_rho.eam.alloy", &L, 9);
    {
        const char *args[3] = {p, "Cu", "Ni"};
        const char *ex[] = {at(p, 9), "rho(r) for Cu", "file ended after 3", NULL};
        expect_fail(EAM_SETFL, 2, 3, args, ex, "truncated in rho");
    }
    /* truncated in phi Ni-Cu (line 18) */
    p = write_lines("trunc_phi.eam.alloy", &L, 18);
    {
        const char *args[3] = {p, "Cu", "Ni"};
        const char *ex[] = {at(p, 18), "r*phi(r) for Ni-Cu", "file ended after 3", NULL};
        expect_fail(EAM_SETFL, 2, 3, args, ex, "truncated in phi");
    }
    /* truncated right before phi Ni-Ni: no value at all */
    p = write_lines("trunc_phi2.eam.alloy", &L, 19);
    {
        const char *args[3] = {p, "Cu", "Ni"};
        const char *ex[] = {at(p, 19), "r*phi(r) for Ni-Ni", "file ended after 0", NULL};
        expect_fail(EAM_SETFL, 2, 3, args, ex, "truncated before phi");
    }
    /* fs: truncated in the second density function of Cu (rho_Cu,Ni, line 11) */
    L = small_setfl(1);
    p = write_lines("trunc_rho.eam.fs", &L, 11);
    {
        const char *args[3] = {p, "Cu", "Ni"};
        const char *ex[] = {at(p, 11), "rho_Cu,Ni(r)", "file ended after 3", NULL};
        expect_fail(EAM_FS, 2, 3, args, ex, "fs truncated in rho");
    }
    /* fs file read as setfl: reads fine until the token stream runs out */
    p = write_lines("whole.eam.fs", &L, L.n);
    {
        const char *args[3] = {p, "Cu", "Ni"};
        eam_tables t;
        char err[512];
        CHECK(eam_tables_read(EAM_FS, 2, 3, args, &t, err, sizeof err) == 0, "valid fs: %s", err);
        eam_tables_free(&t);
    }
    /* wrong element count */
    L = small_setfl(0);
    snprintf(L.l[3], sizeof L.l[3], "3 Cu Ni");
    p = write_lines("nel.eam.alloy", &L, L.n);
    {
        const char *args[3] = {p, "Cu", "Ni"};
        const char *ex[] = {at(p, 4), "Nelements is 3 but 2 element names", NULL};
        expect_fail(EAM_SETFL, 2, 3, args, ex, "wrong element count");
    }
    /* unknown element */
    L = small_setfl(0);
    p = write_lines("good.eam.alloy", &L, L.n);
    {
        const char *args[3] = {p, "Cu", "Fe"};
        const char *ex[] = {p, "element 'Fe'", "(it has Cu Ni)", NULL};
        expect_fail(EAM_SETFL, 2, 3, args, ex, "unknown element");
    }
    /* non-numeric token in F of Ni, line 13 */
    snprintf(L.l[12], sizeof L.l[12], " 0.1 1.0x 0.3");
    p = write_lines("nonnum.eam.alloy", &L, L.n);
    {
        const char *args[3] = {p, "Cu", "Ni"};
        const char *ex[] = {at(p, 13), "found '1.0x'", "F(rho) for Ni", NULL};
        expect_fail(EAM_SETFL, 2, 3, args, ex, "non-numeric token");
    }
    /* Fortran-style exponent without E (atof would read 1.5) is an error */
    L = small_setfl(0);
    snprintf(L.l[16], sizeof L.l[16], " 0.1 1.5-100 0.3");
    p = write_lines("fortran.eam.alloy", &L, L.n);
    {
        const char *args[3] = {p, "Cu", "Ni"};
        const char *ex[] = {at(p, 17), "'1.5-100'", NULL};
        expect_fail(EAM_SETFL, 2, 3, args, ex, "1.5-100");
    }
    /* missing header line: the file stops after line 4 */
    L = small_setfl(0);
    p = write_lines("nogrid.eam.alloy", &L, 4);
    {
        const char *args[3] = {p, "Cu", "Ni"};
        const char *ex[] = {at(p, 5), "missing header line", "nrho drho nr dr cut", NULL};
        expect_fail(EAM_SETFL, 2, 3, args, ex, "missing header line 5");
    }
    p = write_lines("nonames.eam.alloy", &L, 3);
    {
        const char *args[3] = {p, "Cu", "Ni"};
        const char *ex[] = {at(p, 4), "Nelements", NULL};
        expect_fail(EAM_SETFL, 2, 3, args, ex, "missing header line 4");
    }
    p = write_lines("twolines.eam.alloy", &L, 2);
    {
        const char *args[3] = {p, "Cu", "Ni"};
        const char *ex[] = {at(p, 3), "missing header line", NULL};
        expect_fail(EAM_SETFL, 2, 3, args, ex, "missing comment line 3");
    }
    /* zero nr, negative dr, too few points, non-integer nr */
    L = small_setfl(0);
    snprintf(L.l[4], sizeof L.l[4], "6 0.1 0 0.5 2.5");
    p = write_lines("zero_nr.eam.alloy", &L, L.n);
    {
        const char *args[3] = {p, "Cu", "Ni"};
        const char *ex[] = {at(p, 5), "nr must be positive, found 0", NULL};
        expect_fail(EAM_SETFL, 2, 3, args, ex, "zero nr");
    }
    snprintf(L.l[4], sizeof L.l[4], "6 0.1 6 -0.5 2.5");
    p = write_lines("neg_dr.eam.alloy", &L, L.n);
    {
        const char *args[3] = {p, "Cu", "Ni"};
        const char *ex[] = {at(p, 5), "dr must be positive", NULL};
        expect_fail(EAM_SETFL, 2, 3, args, ex, "negative dr");
    }
    snprintf(L.l[4], sizeof L.l[4], "3 0.1 6 0.5 2.5");
    p = write_lines("few.eam.alloy", &L, L.n);
    {
        const char *args[3] = {p, "Cu", "Ni"};
        const char *ex[] = {at(p, 5), "nrho must be at least", NULL};
        expect_fail(EAM_SETFL, 2, 3, args, ex, "too few points");
    }
    snprintf(L.l[4], sizeof L.l[4], "6 0.1 six 0.5 2.5");
    p = write_lines("six.eam.alloy", &L, L.n);
    {
        const char *args[3] = {p, "Cu", "Ni"};
        const char *ex[] = {at(p, 5), "integer nr", "'six'", NULL};
        expect_fail(EAM_SETFL, 2, 3, args, ex, "non-integer nr");
    }
    /* a header claiming 9e5 points (allowed): fails at end of file, no
     * allocation beyond what was read */
    snprintf(L.l[4], sizeof L.l[4], "900000 0.1 6 0.5 2.5");
    p = write_lines("long.eam.alloy", &L, 10);
    {
        const char *args[3] = {p, "Cu", "Ni"};
        const char *ex[] = {at(p, 10), "900000 values of F(rho) for Cu", "ended after 12", NULL};
        expect_fail(EAM_SETFL, 2, 3, args, ex, "long count");
    }
    /* 2e9 points: refused at the header, before any table is read */
    snprintf(L.l[4], sizeof L.l[4], "2000000000 0.1 6 0.5 2.5");
    p = write_lines("huge.eam.alloy", &L, 10);
    {
        const char *args[3] = {p, "Cu", "Ni"};
        const char *ex[] = {at(p, 5), "nrho and nr must be at most 1000000", "2000000000", NULL};
        expect_fail(EAM_SETFL, 2, 3, args, ex, "huge count");
    }
    /* a cutoff of 1e10 A */
    snprintf(L.l[4], sizeof L.l[4], "6 0.1 6 0.5 1e10");
    p = write_lines("cut.eam.alloy", &L, L.n);
    {
        const char *args[3] = {p, "Cu", "Ni"};
        const char *ex[] = {at(p, 5), "cut must be above 0 and at most 50 A", NULL};
        expect_fail(EAM_SETFL, 2, 3, args, ex, "huge cutoff");
    }
    snprintf(L.l[4], sizeof L.l[4], "99999999999 0.1 6 0.5 2.5");
    p = write_lines("overflow.eam.alloy", &L, L.n);
    {
        const char *args[3] = {p, "Cu", "Ni"};
        const char *ex[] = {at(p, 5), "integer nrho", NULL};
        expect_fail(EAM_SETFL, 2, 3, args, ex, "int overflow");
    }
    /* empty file, nonexistent file, wrong number of arguments */
    L.n = 0;
    p = write_lines("empty.eam.alloy", &L, 0);
    {
        const char *args[3] = {p, "Cu", "Ni"};
        const char *ex[] = {at(p, 1), "empty", NULL};
        expect_fail(EAM_SETFL, 2, 3, args, ex, "empty setfl");
        const char *fargs[1] = {p};
        expect_fail(EAM_FUNCFL, 1, 1, fargs, ex, "empty funcfl");
    }
    p = tmpfile_path("does_not_exist.eam.fs");
    {
        const char *args[3] = {p, "Cu", "Ni"};
        const char *ex[] = {p, "cannot open", NULL};
        expect_fail(EAM_FS, 2, 3, args, ex, "nonexistent file");
    }
    {
        const char *args[2] = {pot("CuZr_mm.eam.fs"), "Cu"};
        const char *ex[] = {"expected a file and 2 element names", "got 2", NULL};
        expect_fail(EAM_FS, 2, 2, args, ex, "nargs mismatch");
        const char *ex2[] = {"expected 2 potential files", NULL};
        expect_fail(EAM_FUNCFL, 2, 1, args, ex2, "funcfl nargs mismatch");
    }
    /* units other than metal */
    L = small_setfl(0);
    snprintf(L.l[0], sizeof L.l[0], "DATE: 2020-01-01 UNITS: real CONTRIBUTOR: nobody");
    p = write_lines("real.eam.alloy", &L, L.n);
    {
        const char *args[3] = {p, "Cu", "Ni"};
        const char *ex[] = {at(p, 1), "'real' units", NULL};
        expect_fail(EAM_SETFL, 2, 3, args, ex, "real units");
    }
    /* zero mass of a used element */
    L = small_setfl(0);
    snprintf(L.l[10], sizeof L.l[10], "28 0 3.52 fcc");
    p = write_lines("mass.eam.alloy", &L, L.n);
    {
        const char *args[3] = {p, "Ni", "Ni"};
        const char *ex[] = {at(p, 11), "mass of Ni must be positive", NULL};
        expect_fail(EAM_SETFL, 2, 3, args, ex, "zero mass");
    }

    /* funcfl: truncated in Z(r), missing grid line, non-numeric */
    lines F = {0};
    addl(&F, "funcfl test file");
    addl(&F, "29 63.55 3.615 FCC");
    addl(&F, "6 0.1 6 0.5 2.5");
    addvals(&F, 6, sval, 0);   /* lines 4-5 */
    addvals(&F, 6, sval, 1);   /* lines 6-7 */
    addvals(&F, 6, sval, 2);   /* lines 8-9 */
    p = write_lines("trunc_Z.eam", &F, 6);
    {
        const char *args[1] = {p};
        const char *ex[] = {at(p, 6), "6 values of Z(r) of Cu", "file ended after 3", NULL};
        expect_fail(EAM_FUNCFL, 1, 1, args, ex, "funcfl truncated in Z");
    }
    p = write_lines("nogrid.eam", &F, 2);
    {
        const char *args[1] = {p};
        const char *ex[] = {at(p, 3), "missing header line", "nrho drho nr dr cut", NULL};
        expect_fail(EAM_FUNCFL, 1, 1, args, ex, "funcfl missing grid");
    }
    p = write_lines("good.eam", &F, F.n);
    {
        /* an error in the second file names the second file */
        snprintf(F.l[8], sizeof F.l[8], " 0.1 nan 0.3");
        const char *q = write_lines("nan.eam", &F, F.n);
        const char *args[2] = {p, q};
        const char *ex[] = {at(q, 9), "found 'nan'", "rho(r) of Cu", NULL};
        expect_fail(EAM_FUNCFL, 2, 2, args, ex, "funcfl NaN");
    }
    /* garbage: binary bytes with NULs */
    {
        const char *g = tmpfile_path("garbage.eam.fs");
        FILE *fp = fopen(g, "wb");
        unsigned x = 12345u;
        for (int i = 0; i < 20000; i++) {
            x = x * 1103515245u + 12345u;
            fputc((int)((x >> 16) & 0xff), fp);
        }
        fclose(fp);
        const char *args[3] = {g, "Cu", "Ni"};
        const char *ex[] = {g, NULL};
        expect_fail(EAM_FS, 2, 3, args, ex, "garbage");
        const char *fargs[1] = {g};
        expect_fail(EAM_FUNCFL, 1, 1, fargs, ex, "garbage funcfl");
    }
}

/* LAMMPS' reading rules on a valid file: comments, blank lines, a header
 * record split over two lines, values left on a block's last line. */
static void test_reading_rules(void)
{
    lines L = small_setfl(0);
    lines M = {0};
    for (int i = 0; i < L.n; i++) {
        if (i == 4) {               /* grid record over two lines */
            addl(&M, "6 0.1 6   # nrho drho nr");
            addl(&M, "");
            addl(&M, "0.5 2.5");
            continue;
        }
        if (i == 7) {               /* last line of F_Cu: an extra value */
            addl(&M, "%s 999.0", L.l[i]);
            addl(&M, "# a comment line");
            continue;
        }
        addl(&M, "%s", L.l[i]);
    }
    const char *p = write_lines("rules.eam.alloy", &M, M.n);
    const char *args[3] = {p, "Ni", "Cu"};
    eam_tables t;
    char err[512] = "";
    int rc = eam_tables_read(EAM_SETFL, 2, 3, args, &t, err, sizeof err);
    CHECK(rc == 0, "%s", err);
    if (rc != 0) return;
    CHECK(t.nrho == 6 && t.nr == 6 && t.dr == 0.5 && t.cut == 2.5, "grid over two lines");
    CHECK(t.frho[0][5] == sval(0, 5) && t.rhor[0][0] == sval(1, 0),
          "the extra value at the end of F must be ignored (F[5] %g rho[0] %g)", t.frho[0][5],
          t.rhor[0][0]);
    CHECK(t.z2r[2][5] == sval(6, 5), "last phi value");
    CHECK(t.type2frho[1] == 1 && t.type2frho[2] == 0, "type order Ni Cu");
    CHECK(t.type2z2r[1 * 3 + 2] == 1 && t.type2z2r[2 * 3 + 1] == 1 && t.type2z2r[1 * 3 + 1] == 2,
          "z2r maps");
    CHECK(t.mass[1] == 58.69 && t.mass[2] == 63.55, "masses");
    eam_tables_free(&t);
}

/* Lagrange regridding of funcfl is exact for cubics: two synthetic files
 * with cubic F, Z, rho on different grids. */
static double cubic(int which, double x)
{
    switch (which) {
    case 0: return -1.0 + 0.5 * x - 0.3 * x * x + 0.07 * x * x * x;   /* F   */
    case 1: return 2.0 - 0.8 * x + 0.1 * x * x - 0.004 * x * x * x;   /* Z   */
    default: return 0.3 + 0.2 * x - 0.05 * x * x + 0.002 * x * x * x; /* rho */
    }
}

static void write_cubic_funcfl(const char *path, int z, int nrho, double drho, int nr, double dr,
                               double cut)
{
    FILE *fp = fopen(path, "w");
    if (!fp) abort();
    fprintf(fp, "synthetic cubic funcfl\n%d 10.0 3.0 fcc\n%d %.17g %d %.17g %.17g\n", z, nrho,
            drho, nr, dr, cut);
    for (int k = 0; k < nrho; k++) fprintf(fp, "%.17g%s", cubic(0, k * drho), k % 4 == 3 ? "\n" : " ");
    fprintf(fp, "\n");
    for (int w = 1; w <= 2; w++) {
        for (int k = 0; k < nr; k++) fprintf(fp, "%.17g%s", cubic(w, k * dr), k % 5 == 4 ? "\n" : " ");
        fprintf(fp, "\n");
    }
    fclose(fp);
}

static void test_funcfl_cubic(void)
{
    const char *a = tmpfile_path("cubicA.eam"), *b = tmpfile_path("cubicB.eam");
    write_cubic_funcfl(a, 40, 21, 0.05, 31, 0.2, 5.0);   /* Zr, rho to 1.0, r to 6.0 */
    write_cubic_funcfl(b, 95, 41, 0.02, 51, 0.1, 4.5);   /* Am, rho to 0.8, r to 5.0 */
    const char *args[2] = {a, b};
    eam_tables t;
    char err[512] = "";
    int rc = eam_tables_read(EAM_FUNCFL, 2, 2, args, &t, err, sizeof err);
    CHECK(rc == 0, "%s", err);
    if (rc != 0) return;
    CHECK(t.dr == 0.2 && t.drho == 0.05 && t.nr == 30 && t.nrho == 20, "cubic grid nr %d nrho %d",
          t.nr, t.nrho);
    CHECK(t.rhomax == 20 * 0.05 && t.cut == 5.0, "rhomax %.17g cut %g", t.rhomax, t.cut);
    CHECK(strcmp(t.element[1], "Zr") == 0 && strcmp(t.element[2], "Am") == 0, "names %s %s",
          t.element[1], t.element[2]);
    const double dd[2] = {0.05, 0.02}, dz[2] = {0.2, 0.1};
    const int nn[2] = {21, 41}, nz[2] = {31, 51};
    int okF = 1, okR = 1, okZ = 1;
    for (int f = 0; f < 2; f++) {
        double xend = (nn[f] - 1) * dd[f];
        for (int m = 0; m < t.nrho; m++) {
            double x = m * t.drho;
            double want = x <= xend + 1e-12 ? cubic(0, x) : cubic(0, xend);
            okF &= fabs(t.frho[f][m] - want) < 1e-12;
        }
        double rend = (nz[f] - 1) * dz[f];
        for (int m = 0; m < t.nr; m++) {
            double x = m * t.dr;
            double xr = x <= rend + 1e-12 ? x : rend;
            okR &= fabs(t.rhor[f][m] - cubic(2, xr)) < 1e-12;
            for (int g = 0; g <= f; g++) {
                double rg = (nz[g] - 1) * dz[g];
                double xg = x <= rg + 1e-12 ? x : rg;
                double want = 27.2 * 0.529 * cubic(1, xr) * cubic(1, xg);
                okZ &= fabs(t.z2r[tri(f, g)][m] - want) < 1e-11;
            }
        }
    }
    CHECK(okF, "cubic F not reproduced");
    CHECK(okR, "cubic rho not reproduced");
    CHECK(okZ, "z2r of cubic Z not reproduced");
    eam_tables_free(&t);
}

/* ------------------------------------------------------------------------ */

static void cleanup_tmpdir(void)
{
    static const char *names[] = {
        "trunc_F.eam.alloy", "trunc_rho.eam.alloy", "trunc_phi.eam.alloy", "trunc_phi2.eam.alloy",
        "trunc_rho.eam.fs", "whole.eam.fs", "nel.eam.alloy", "good.eam.alloy", "nonnum.eam.alloy",
        "fortran.eam.alloy", "nogrid.eam.alloy", "nonames.eam.alloy", "twolines.eam.alloy",
        "zero_nr.eam.alloy", "neg_dr.eam.alloy", "few.eam.alloy", "six.eam.alloy",
        "huge.eam.alloy", "long.eam.alloy", "cut.eam.alloy", "overflow.eam.alloy", "empty.eam.alloy", "real.eam.alloy",
        "mass.eam.alloy", "trunc_Z.eam", "nogrid.eam", "good.eam", "nan.eam", "garbage.eam.fs",
        "rules.eam.alloy", "cubicA.eam", "cubicB.eam"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) unlink(tmpfile_path(names[i]));
    rmdir(tmpdir);
}

int main(void)
{
    const char *env = getenv("MGMD_LAMMPS_POTENTIALS");
    snprintf(potdir, sizeof potdir, "%s", env && *env ? env : "/usr/share/lammps/potentials");
    snprintf(tmpdir, sizeof tmpdir, "/tmp/mgmd_eam_test_XXXXXX");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }

    /* the three formats, real files */
    {
        const char *cuni[2] = {"Cu", "Ni"};
        check_setfl("CuNi.eam.alloy", 0, 2, cuni);
        const char *alcu[3] = {"Cu", "Al", "Cu"};
        check_setfl("AlCu.eam.alloy", 0, 3, alcu);
        const char *cu[1] = {"Cu"};
        check_setfl("Cu_zhou.eam.alloy", 0, 1, cu);
        const char *cuzr[2] = {"Cu", "Zr"};
        check_setfl("CuZr_mm.eam.fs", 1, 2, cuzr);
        const char *zrcuzr[3] = {"Zr", "Cu", "Zr"};
        check_setfl("CuZr_mm.eam.fs", 1, 3, zrcuzr);
        /* a file whose rho_ab differs from rho_ba, so the fs map matters */
        const char *nah[3] = {"H", "Ni", "Al"};
        check_setfl("NiAlH_jea.eam.fs", 1, 3, nah);
    }
    test_funcfl_single();
    test_funcfl_mix();
    test_funcfl_cubic();
    test_pack();
    test_reading_rules();
    test_malformed();

    cleanup_tmpdir();
    printf("test_eam_file: %d checks, %d failed\n", ncheck, nfail);
    return nfail ? 1 : 0;
}
