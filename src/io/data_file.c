/* LAMMPS data files (data_file.h). Reading: rank 0 parses; the header goes
 * out as one struct, then each section in blocks of 65536 lines, 8 doubles
 * a line (ids bit-copied); each rank keeps the atoms decomp_owner() gives it
 * from the position as read, wrapped into the box with image flags updated.
 * Only rank 0 sees every line, so it alone checks that ids are unique and
 * that velocities name known atoms; it broadcasts each block's error before
 * the block, so all ranks fail together ("path:line: ..."), and a final sum
 * checks that every atom was placed. Writing: header by rank 0, sections
 * funnelled through it (funnel.h), numbers in %.17g (exact round trip).
 * Communication: broadcasts from rank 0 per section and block and one sum
 * when reading; status broadcasts and the funnel's messages when writing. */
#include "io/data_file.h"
#include "core/elements.h"
#include "core/error.h"
#include "core/idmap.h"
#include "core/memory.h"
#include "core/numbers.h"
#include "core/units.h"
#include "io/claim.h"
#include "io/funnel.h"
#include "parallel/parallel.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum { BLOCK = 65536 };

/* What rank 0 learns from the header, broadcast as one struct. */
struct header {
    long long natoms;
    int ntypes;
    double lo[3], hi[3], tilt[3];
    int triclinic;
    int have_masses, have_velocities;
    char err[512];
};

struct reader {
    FILE *f;
    const char *path;
    int line;
    char buf[4096];
    char raw[4096];        /* the line before its comment was cut */
    const char *bad;       /* why the last line cannot be read, or NULL    */
};

/* The next line into buf (without its comment) and raw. A line that holds
 * a NUL byte or does not fit is marked (r->bad) for the caller to refuse:
 * fgets would cut it silently. */
static int next_line(struct reader *r)
{
    size_t n = 0;
    int c;
    r->bad = NULL;
    while ((c = getc(r->f)) != EOF) {
        if (c == '\0')
            r->bad = "holds a NUL byte (is this a text file?)";
        if (n + 1 < sizeof r->buf)
            r->buf[n++] = (char)c;
        else
            r->bad = "is longer than 4095 characters";
        if (c == '\n')
            break;
    }
    if (n == 0 && c == EOF)
        return 0;
    r->buf[n] = '\0';
    if (r->bad)
        r->buf[0] = '\0';
    r->line++;
    memcpy(r->raw, r->buf, sizeof r->raw);
    char *hash = strchr(r->buf, '#');
    if (hash)
        *hash = '\0';
    return 1;
}

static int blank(const char *s)
{
    while (*s && isspace((unsigned char)*s))
        s++;
    return *s == '\0';
}

/* The words of buf (cut in place), at most max; returns how many there
 * were (more than max counts as max + 1). */
static int words(char *buf, char **w, int max)
{
    int n = 0;
    for (char *p = strtok(buf, " \t\r\n"); p; p = strtok(NULL, " \t\r\n")) {
        if (n == max)
            return max + 1;
        w[n++] = p;
    }
    return n;
}

/* One number of a data file through the validated path (core/numbers.h),
 * within [lo, hi]; on failure a message "path:line: WHAT ..." in err. */
static int real_field(const struct reader *r, const char *w, const char *what, double lo, double hi, double *v,
                      char *err, size_t errlen)
{
    enum num_status st = num_real(w, v);
    if (st != NUM_OK) {
        snprintf(err, errlen, "%s:%d: %s '%s' %s", r->path, r->line, what, w, num_describe(st));
        return -1;
    }
    if (!(*v >= lo && *v <= hi)) {
        snprintf(err, errlen, "%s:%d: %s %s is outside %g .. %g", r->path, r->line, what, w, lo, hi);
        return -1;
    }
    return 0;
}

static int int_field(const struct reader *r, const char *w, const char *what, int64_t lo, int64_t hi, int64_t *v,
                     char *err, size_t errlen)
{
    enum num_status st = num_int(w, v);
    if (st != NUM_OK) {
        snprintf(err, errlen, "%s:%d: %s '%s' %s", r->path, r->line, what, w,
                 st == NUM_SYNTAX ? "is not an integer" : num_describe(st));
        return -1;
    }
    if (*v < lo || *v > hi) {
        snprintf(err, errlen, "%s:%d: %s %s is outside %lld .. %lld", r->path, r->line, what, w, (long long)lo,
                 (long long)hi);
        return -1;
    }
    return 0;
}

static int is_integer_word(const char *w)
{
    int64_t v;
    return num_int(w, &v) == NUM_OK;
}

/* Parse the header and leave the reader at the first section keyword. */
static int read_header(struct reader *r, struct header *h, char *section)
{
    /* The first line is a title. */
    if (!fgets(r->buf, sizeof r->buf, r->f)) {
        snprintf(h->err, sizeof h->err, "%s:1: file is empty (expected a LAMMPS data file)", r->path);
        return -1;
    }
    r->line = 1;
    int have_lo[3] = {0, 0, 0};
    double lo, hi;
    units_range(Q_LENGTH, &lo, &hi);
    while (next_line(r)) {
        if (r->bad) {
            snprintf(h->err, sizeof h->err, "%s:%d: the line %s", r->path, r->line, r->bad);
            return -1;
        }
        if (blank(r->buf))
            continue;
        char line[sizeof r->buf], *w[8];
        memcpy(line, r->buf, sizeof line);
        int n = words(line, w, 7);
        int64_t count;
        double a, b, c;
        if (n == 3 && !strcmp(w[1], "atom") && !strcmp(w[2], "types")) {
            if (int_field(r, w[0], "number of atom types", 1, DATA_MAX_TYPES, &count, h->err, sizeof h->err))
                return -1;
            h->ntypes = (int)count;
        } else if (n == 2 && !strcmp(w[1], "atoms")) {
            if (int_field(r, w[0], "number of atoms", 1, DATA_MAX_ATOMS, &count, h->err, sizeof h->err))
                return -1;
            h->natoms = count;
        } else if (n == 4 && strlen(w[2]) == 3 && strlen(w[3]) == 3 && w[2][0] >= 'x' && w[2][0] <= 'z' &&
                   w[3][0] == w[2][0] && !strcmp(w[2] + 1, "lo") && !strcmp(w[3] + 1, "hi")) {
            int k = w[2][0] - 'x';
            if (real_field(r, w[0], "box bound (A)", lo, hi, &a, h->err, sizeof h->err) ||
                real_field(r, w[1], "box bound (A)", lo, hi, &b, h->err, sizeof h->err))
                return -1;
            h->lo[k] = a;
            h->hi[k] = b;
            have_lo[k] = 1;
        } else if (n == 6 && !strcmp(w[3], "xy") && !strcmp(w[4], "xz") && !strcmp(w[5], "yz")) {
            if (real_field(r, w[0], "tilt xy (A)", lo, hi, &a, h->err, sizeof h->err) ||
                real_field(r, w[1], "tilt xz (A)", lo, hi, &b, h->err, sizeof h->err) ||
                real_field(r, w[2], "tilt yz (A)", lo, hi, &c, h->err, sizeof h->err))
                return -1;
            h->tilt[0] = a; h->tilt[1] = b; h->tilt[2] = c;
            h->triclinic = 1;
        } else if (n >= 1 && isalpha((unsigned char)w[0][0])) {
            snprintf(section, 64, "%.63s", w[0]);
            break;
        } else if (n >= 2 && is_integer_word(w[0])) {
            /* Bonds, angles... are fine as long as they are zero. */
            if (strcmp(w[0], "0") != 0) {
                snprintf(h->err, sizeof h->err, "%s:%d: '%s' is not supported (mgmd reads atom_style atomic)",
                         r->path, r->line, w[1]);
                return -1;
            }
        } else {
            snprintf(h->err, sizeof h->err, "%s:%d: cannot read header line '%.80s'", r->path, r->line, r->buf);
            return -1;
        }
    }
    if (h->natoms <= 0 || h->ntypes <= 0) {
        snprintf(h->err, sizeof h->err, "%s: header must give a positive 'N atoms' and 'N atom types'", r->path);
        return -1;
    }
    for (int d = 0; d < 3; d++)
        if (!have_lo[d] || !(h->hi[d] > h->lo[d])) {
            snprintf(h->err, sizeof h->err, "%s: header must give '%clo %chi' with %chi > %clo", r->path,
                     'x' + d, 'x' + d, 'x' + d, 'x' + d);
            return -1;
        }
    /* Each atom needs a line "id type x y z" of at least 10 bytes, so the
     * file's size bounds the count before anything is sized by it (a
     * header that claims millions of atoms in a short file is refused
     * here, not after allocating for them). */
    struct stat st;
    if (fstat(fileno(r->f), &st) == 0 && S_ISREG(st.st_mode) && h->natoms > (long long)(st.st_size / 10)) {
        snprintf(h->err, sizeof h->err, "%s: the header says %lld atoms, but the file (%lld bytes) can hold at most "
                 "%lld atom lines of 10 bytes or more (a wrong count, or a truncated file)", r->path,
                 (long long)h->natoms, (long long)st.st_size, (long long)(st.st_size / 10));
        return -1;
    }
    return 0;
}

/* Skip to the first non-blank line after a section keyword. */
static int skip_blank(struct reader *r)
{
    while (next_line(r))
        if (r->bad || !blank(r->buf))
            return 1;
    return 0;
}

void data_read(md *s, const char *path)
{
    if (s->have_box)
        mg_fail_all("read_data %s: a system already exists; mgmd holds one system per deck", path);
    struct header h;
    memset(&h, 0, sizeof h);
    struct reader r = {NULL, path, 0, {0}, {0}, NULL};
    char section[64] = "";
    int root = par_rank() == 0;
    if (root) {
        r.f = fopen(path, "r");
        if (!r.f)
            snprintf(h.err, sizeof h.err, "%s: cannot open data file: %s", path, strerror(errno));
        else
            read_header(&r, &h, section);
    }
    par_bcast_bytes(&h, sizeof h, 0);
    if (h.err[0]) {
        if (r.f) fclose(r.f);
        mg_fail_all("%s", h.err);
    }
    /* Before anything is sized by the header: the atoms, and rank 0's two
     * id maps of every atom (about 32 bytes each). */
    char what[600];
    snprintf(what, sizeof what, "%s: the header's %lld atoms", path, (long long)h.natoms);
    double need = MEM_BYTES_PER_ATOM * (double)h.natoms / par_size() + (root ? 64.0 * (double)h.natoms : 0.0);
    char merr[1000] = "";
    int too_big = mem_check(need, par_size(), what, merr, sizeof merr) != 0;
    if (par_max_int(too_big)) {
        par_bcast_bytes(merr, sizeof merr, par_min_int(too_big ? par_rank() : par_size()));
        if (r.f) fclose(r.f);
        mg_fail_all("%s", merr);
    }
    box *b = &s->box;
    for (int d = 0; d < 3; d++) {
        b->lo[d] = h.lo[d];
        b->hi[d] = h.hi[d];
    }
    b->xy = h.tilt[0]; b->xz = h.tilt[1]; b->yz = h.tilt[2];
    b->triclinic = h.triclinic;
    box_update(b);
    char err[512];
    if (box_check_tilts(b, err, sizeof err) != 0)
        mg_fail_all("%s: %s", path, err);
    s->have_box = 1;
    atoms_set_ntypes(&s->atoms, h.ntypes);
    s->atoms.natoms = h.natoms;
    md_decompose(s);

    /* Sections, in file order. Rank 0 parses; blocks go to everybody.
     * status: 0 more sections, 1 done, -1 error (message in errbuf). */
    double *blk = mg_malloc((size_t)BLOCK * 8 * sizeof(double));
    int seen_atoms = 0;
    idmap ids = {NULL, NULL, 0};
    /* Rank 0 sees every line: it checks ids are unique (value: their line)
     * and that velocities name known atoms. */
    idmap lineof = {NULL, NULL, 0}, velof = {NULL, NULL, 0};
    if (root) {
        idmap_init(&lineof, h.natoms);
        idmap_init(&velof, h.natoms);
    }
    for (;;) {
        char sec[64] = "", errbuf[512] = "";
        int status = 0;
        if (root) {
            if (!section[0])
                status = 1;
            else
                snprintf(sec, sizeof sec, "%s", section);
        }
        par_bcast_ints(&status, 1, 0);
        if (status == 1)
            break;
        par_bcast_bytes(sec, sizeof sec, 0);
        int kind = !strcmp(sec, "Masses") ? 0 : !strcmp(sec, "Atoms") ? 1 : !strcmp(sec, "Velocities") ? 2 : -1;
        if (kind < 0 && (isdigit((unsigned char)sec[0]) || sec[0] == '-')) {
            if (root) fclose(r.f);
            mg_fail_all("%s:%d: more lines than the header declares (%lld atoms, %d atom types) in the section "
                        "before this line", path, r.line, (long long)h.natoms, h.ntypes);
        }
        if (kind < 0 && !strcmp(sec, "!bad")) {
            if (root) fclose(r.f);
            mg_fail_all("%s:%d: the line holds a NUL byte or is longer than 4095 characters", path, r.line);
        }
        if (kind < 0) {
            if (root) fclose(r.f);
            mg_fail_all("%s:%d: unknown section '%s' (expected Masses, Atoms or Velocities)", path, r.line, sec);
        }
        long long count = kind == 0 ? h.ntypes : h.natoms;
        long long done = 0;
        if (kind == 2) {
            if (!seen_atoms) {
                if (root) fclose(r.f);
                mg_fail_all("%s: the Velocities section must come after the Atoms section", path);
            }
            int64_t dup = 0;
            idmap_free(&ids);
            idmap_build(&ids, s->atoms.id, s->atoms.nlocal, &dup); /* ids are unique: checked above */
        }
        int first = 1;
        while (done < count) {
            int nblk = (int)(count - done < BLOCK ? count - done : BLOCK);
            if (root) {
                if (first && !skip_blank(&r))
                    snprintf(errbuf, sizeof errbuf, "%s:%d: file ends before the %s section's lines", path, r.line, sec);
                for (int k = 0; k < nblk && !errbuf[0]; k++) {
                    if (!(first && k == 0) && !next_line(&r)) {
                        snprintf(errbuf, sizeof errbuf, "%s:%d: file ends after %lld of %lld lines of %s", path,
                                 r.line, done + k, count, sec);
                        break;
                    }
                    double *v = blk + (size_t)k * 8;
                    if (r.bad) {
                        snprintf(errbuf, sizeof errbuf, "%s:%d: the line %s", path, r.line, r.bad);
                        break;
                    }
                    if (kind == 0) {
                        char line[sizeof r.buf], *w[4];
                        memcpy(line, r.buf, sizeof line);
                        int64_t t;
                        double mlo, mhi;
                        units_range(Q_MASS, &mlo, &mhi);
                        if (words(line, w, 2) != 2) {
                            snprintf(errbuf, sizeof errbuf, "%s:%d: expected 'type mass' with type 1..%d and mass > 0 (g/mol)",
                                     path, r.line, h.ntypes);
                            break;
                        }
                        if (int_field(&r, w[0], "atom type", 1, h.ntypes, &t, errbuf, sizeof errbuf) ||
                            real_field(&r, w[1], "mass (g/mol)", mlo, mhi, &v[1], errbuf, sizeof errbuf))
                            break;
                        if (!(v[1] > 0)) {
                            snprintf(errbuf, sizeof errbuf, "%s:%d: the mass of type %lld must be > 0 (g/mol)", path,
                                     r.line, (long long)t);
                            break;
                        }
                        v[0] = (double)t;
                        /* "1 63.546 # Cu": the comment names the element. */
                        char name[8] = "";
                        const char *hash = strchr(r.raw, '#');
                        if (hash && sscanf(hash + 1, "%7s", name) == 1 && element_number(name))
                            memcpy(&v[2], name, sizeof name);
                        else
                            memset(&v[2], 0, sizeof name);
                    } else if (kind == 1) {
                        char line[sizeof r.buf], *w[9];
                        memcpy(line, r.buf, sizeof line);
                        int nw = words(line, w, 8);
                        int64_t id, t, im[3] = {0, 0, 0};
                        if (nw != 5 && nw != 8) {
                            snprintf(errbuf, sizeof errbuf,
                                     "%s:%d: expected 'id type x y z [ix iy iz]' with id >= 1 and type 1..%d",
                                     path, r.line, h.ntypes);
                            break;
                        }
                        double llo, lhi;
                        units_range(Q_LENGTH, &llo, &lhi);
                        int bad = int_field(&r, w[0], "atom id", 1, DATA_MAX_ID, &id, errbuf, sizeof errbuf) ||
                                  int_field(&r, w[1], "atom type", 1, h.ntypes, &t, errbuf, sizeof errbuf);
                        for (int d = 0; d < 3 && !bad; d++)
                            bad = real_field(&r, w[2 + d], "coordinate (A)", llo, lhi, &v[2 + d], errbuf,
                                             sizeof errbuf);
                        for (int d = 0; d < 3 && !bad && nw == 8; d++)
                            bad = int_field(&r, w[5 + d], "image flag", -DATA_MAX_IMAGE, DATA_MAX_IMAGE, &im[d],
                                            errbuf, sizeof errbuf);
                        if (bad)
                            break;
                        int prev = idmap_put(&lineof, id, r.line);
                        if (prev >= 0) {
                            snprintf(errbuf, sizeof errbuf, "%s:%d: atom id %lld appears twice (first at line %d)",
                                     path, r.line, (long long)id, prev);
                            break;
                        }
                        memcpy(&v[0], &id, sizeof id);
                        v[1] = (double)t;
                        v[5] = (double)im[0]; v[6] = (double)im[1]; v[7] = (double)im[2];
                    } else {
                        char line[sizeof r.buf], *w[5];
                        memcpy(line, r.buf, sizeof line);
                        int64_t id;
                        if (words(line, w, 4) != 4) {
                            snprintf(errbuf, sizeof errbuf, "%s:%d: expected 'id vx vy vz' (A/ps)", path, r.line);
                            break;
                        }
                        double vlo, vhi;
                        units_range(Q_VELOCITY, &vlo, &vhi);
                        int bad = int_field(&r, w[0], "atom id", 1, DATA_MAX_ID, &id, errbuf, sizeof errbuf);
                        for (int d = 0; d < 3 && !bad; d++)
                            bad = real_field(&r, w[1 + d], "velocity (A/ps)", vlo, vhi, &v[1 + d], errbuf,
                                             sizeof errbuf);
                        if (bad)
                            break;
                        if (idmap_put(&velof, id, r.line) >= 0) {
                            snprintf(errbuf, sizeof errbuf, "%s:%d: velocity of atom id %lld given twice", path, r.line,
                                     (long long)id);
                            break;
                        }
                        if (idmap_find(&lineof, id) < 0) {
                            snprintf(errbuf, sizeof errbuf, "%s:%d: velocity for atom id %lld, which the Atoms section does not have",
                                     path, r.line, (long long)id);
                            break;
                        }
                        memcpy(&v[0], &id, sizeof id);
                    }
                }
            }
            first = 0;
            par_bcast_bytes(errbuf, sizeof errbuf, 0);
            if (errbuf[0]) {
                if (root) fclose(r.f);
                free(blk);
                idmap_free(&lineof);
                idmap_free(&velof);
                mg_fail_all("%s", errbuf);
            }
            par_bcast_doubles(blk, (size_t)nblk * 8, 0);
            for (int k = 0; k < nblk; k++) {
                double *v = blk + (size_t)k * 8;
                if (kind == 0) {
                    s->atoms.mass[(int)v[0]] = v[1];
                    memcpy(s->atoms.element[(int)v[0]], &v[2], ATOMS_NAME_LEN);
                    s->atoms.element[(int)v[0]][ATOMS_NAME_LEN - 1] = '\0';
                } else if (kind == 1) {
                    long long id;
                    memcpy(&id, &v[0], sizeof id);
                    double x[3] = {v[2], v[3], v[4]}, l[3];
                    int im[3] = {(int)v[5], (int)v[6], (int)v[7]};
                    box_to_lamda(b, x, l);
                    if (decomp_owner(&s->dc, l) == s->dc.rank) {
                        box_remap(b, x, im);
                        atoms_add(&s->atoms, id, (int)v[1], x, NULL, im);
                    }
                } else {
                    long long id;
                    memcpy(&id, &v[0], sizeof id);
                    int i = idmap_find(&ids, id);
                    if (i >= 0) {
                        s->atoms.v[i][0] = v[1];
                        s->atoms.v[i][1] = v[2];
                        s->atoms.v[i][2] = v[3];
                    }
                }
            }
            done += nblk;
        }
        if (kind == 1)
            seen_atoms = 1;
        if (root) {
            section[0] = '\0';
            if (skip_blank(&r)) {
                if (r.bad)
                    snprintf(section, sizeof section, "!bad");
                else
                    sscanf(r.buf, "%63s", section);
            }
        }
    }
    free(blk);
    idmap_free(&ids);
    idmap_free(&lineof);
    idmap_free(&velof);
    if (root)
        fclose(r.f);
    if (!seen_atoms)
        mg_fail_all("%s: no Atoms section", path);
    int64_t total = par_sum_i64(s->atoms.nlocal);
    if (total != s->atoms.natoms)
        mg_fail_all("%s: header says %lld atoms, the Atoms section placed %lld in the box", path,
                    (long long)s->atoms.natoms, (long long)total);
}

/* This rank's lines of one section, through rank 0 into f. */
static void write_section(FILE *f, const md *s, int velocities)
{
    const atoms *a = &s->atoms;
    textbuf t = {NULL, 0, 0};
    for (int i = 0; i < a->nlocal; i++) {
        if (velocities)
            tb_printf(&t, "%lld %.17g %.17g %.17g\n", (long long)a->id[i], a->v[i][0], a->v[i][1], a->v[i][2]);
        else
            tb_printf(&t, "%lld %d %.17g %.17g %.17g %d %d %d\n", (long long)a->id[i], a->type[i], a->x[i][0],
                      a->x[i][1], a->x[i][2], a->image[i][0], a->image[i][1], a->image[i][2]);
    }
    funnel_write(f, &t);
    tb_free(&t);
}

int data_write(md *s, const char *path, int velocities)
{
    const box *b = &s->box;
    const atoms *a = &s->atoms;
    FILE *f = NULL;
    int ok = 1, err = 0;
    claim_check_all("write_data", path); /* not another output's file */
    if (par_rank() == 0) {
        f = fopen(path, "w");
        ok = f != NULL;
        err = errno;
    }
    par_bcast_ints(&ok, 1, 0);
    if (!ok) {
        errno = err;
        return -1;
    }
    if (f) {
        fprintf(f, "LAMMPS data file written by mgmd (units metal) at step %lld\n\n", (long long)s->step);
        fprintf(f, "%lld atoms\n%d atom types\n\n", (long long)a->natoms, a->ntypes);
        fprintf(f, "%.17g %.17g xlo xhi\n%.17g %.17g ylo yhi\n%.17g %.17g zlo zhi\n", b->lo[0], b->hi[0], b->lo[1],
                b->hi[1], b->lo[2], b->hi[2]);
        if (b->triclinic)
            fprintf(f, "%.17g %.17g %.17g xy xz yz\n", b->xy, b->xz, b->yz);
        fprintf(f, "\nMasses\n\n");
        for (int t = 1; t <= a->ntypes; t++)
            fprintf(f, "%d %.17g%s%s\n", t, a->mass[t], a->element[t][0] ? " # " : "", a->element[t]);
        fprintf(f, "\nAtoms # atomic\n\n");
    }
    write_section(f, s, 0);
    if (velocities) {
        if (f)
            fprintf(f, "\nVelocities\n\n");
        write_section(f, s, 1);
    }
    if (f) {
        ok = !ferror(f);
        err = errno;
        if (fclose(f) != 0) {
            if (ok)
                err = errno;
            ok = 0;
        }
    }
    par_bcast_ints(&ok, 1, 0);
    par_bcast_ints(&err, 1, 0);
    errno = err;
    return ok ? 0 : -1;
}
