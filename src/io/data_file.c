/* LAMMPS data files (data_file.h). Reading: rank 0 parses; the header goes
 * out as one struct, then each section in blocks of 65536 lines, 8 doubles
 * a line (ids bit-copied), with the block's first line number and rank 0's
 * parse error if any; each rank keeps the atoms decomp_owner() gives it
 * from the position as read, wrapped into the box with image flags updated.
 * No rank holds anything of every atom: the id checks are distributed.
 * Unique ids: each rank keeps the line of each atom it placed; after an
 * Atoms section (or before failing inside one) the (id, line) pairs go to
 * the rank a hash of the id names (P - 1 rounds of paired send/receive),
 * which finds repeats among its share, and the earliest second occurrence
 * over all ranks is reported. Velocities: each owner marks the atoms given
 * one, a line found by no owner names no atom; per block a sum and a min
 * decide, and the earliest offending line wins. Every error is the one at
 * the earliest line, as a one-pass reader would report it; all ranks fail
 * together ("path:line: ..."), and a final sum checks every atom was
 * placed. Writing: header by rank 0, sections funnelled through it
 * (funnel.h), numbers in %.17g (exact round trip).
 * Communication: broadcasts from rank 0 per section and block, two
 * reductions per Velocities block, the id exchange per Atoms section and
 * one sum when reading; status broadcasts and the funnel's messages when
 * writing. */
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
#include <limits.h>
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

/* The rank that checks id for repeats: the high bits of a Fibonacci
 * multiplicative hash (as core/idmap), so ids spread evenly over the ranks
 * whatever their stride (id mod P would send every id of a file holding
 * only even ids to the even ranks). */
static int check_rank(int64_t id, int nranks)
{
    uint64_t h = (uint64_t)id * 0x9E3779B97F4A7C15ull;
    return (int)((h >> 32) % (uint64_t)nranks);
}

/* What a checking rank knows of the ids sent to it: per distinct id (its
 * index in the map) the two smallest lines it appears on, and the id whose
 * second line is the smallest so far (any change to an id lowers its
 * second line, so a running minimum is exact). */
struct repeats {
    idmap map;
    int *first, *second;
    int n;
    int best, best_first;
    int64_t best_id;
};

static void repeats_add(struct repeats *rp, int64_t id, int line)
{
    int j = idmap_put(&rp->map, id, rp->n);
    if (j < 0) {
        j = rp->n++;
        rp->first[j] = line;
        rp->second[j] = INT_MAX;
        return;
    }
    if (line < rp->first[j]) {
        rp->second[j] = rp->first[j];
        rp->first[j] = line;
    } else if (line < rp->second[j]) {
        rp->second[j] = line;
    }
    if (rp->second[j] < rp->best) {
        rp->best = rp->second[j];
        rp->best_first = rp->first[j];
        rp->best_id = id;
    }
}

/* Messages of the id exchange stay below INT_MAX bytes (par_sendrecv):
 * at most this many (id, line) records each. */
enum { ID_CHUNK = 1 << 26 };

/* Collective: the earliest line on which an atom id placed so far appears
 * for the second time (INT_MAX if none), with that id and the line of its
 * first appearance, the same on every rank. line[i] is the line of this
 * rank's atom i. Each rank sends its (id, line) pairs to check_rank(id)
 * and holds only what it receives: O(N/P) memory, not O(N). */
static int first_repeat(const atoms *a, const int *line, int64_t *id_out, int *first_out)
{
    int P = par_size(), me = par_rank(), n = a->nlocal;
    int64_t *cnt = mg_calloc((size_t)P, sizeof *cnt), *in = mg_malloc((size_t)P * sizeof *in);
    size_t *pos = mg_malloc((size_t)P * sizeof *pos);
    for (int i = 0; i < n; i++)
        cnt[check_rank(a->id[i], P)]++;
    par_sum_i64s(cnt, in, P); /* in[me]: how many records this rank receives */
    /* Records for the other ranks, grouped by destination; this rank's
     * own share is read from the atoms directly. */
    int64_t most = 0;
    size_t sum = 0;
    for (int t = 0; t < P; t++) {
        pos[t] = sum;
        if (t != me) {
            sum += (size_t)cnt[t];
            most = cnt[t] > most ? cnt[t] : most;
        }
    }
    int64_t *sbuf = mg_malloc(2 * (sum ? sum : 1) * sizeof *sbuf);
    for (int i = 0; i < n; i++) {
        int t = check_rank(a->id[i], P);
        if (t == me)
            continue;
        size_t q = pos[t]++;
        sbuf[2 * q] = a->id[i];
        sbuf[2 * q + 1] = line[i];
    }
    struct repeats rp = {{NULL, NULL, 0}, NULL, NULL, 0, INT_MAX, 0, 0};
    size_t nin = (size_t)(in[me] > 0 ? in[me] : 1);
    idmap_init(&rp.map, in[me]);
    rp.first = mg_malloc(nin * sizeof *rp.first);
    rp.second = mg_malloc(nin * sizeof *rp.second);
    /* Every pair of ranks exchanges in the same number of rounds, the
     * most any rank needs for any destination. */
    int64_t rounds = par_max_i64((most + ID_CHUNK - 1) / ID_CHUNK);
    void *rbuf = NULL;
    size_t rcap = 0;
    for (int k = 0; k < P; k++) {
        int dest = (me + k) % P, src = (me - k + P) % P;
        if (k == 0) {
            for (int i = 0; i < n; i++)
                if (check_rank(a->id[i], P) == me)
                    repeats_add(&rp, a->id[i], line[i]);
            continue;
        }
        const int64_t *mine = sbuf + 2 * (pos[dest] - (size_t)cnt[dest]);
        for (int64_t c = 0; c < rounds; c++) {
            int64_t from = c * ID_CHUNK, part = cnt[dest] - from;
            part = part < 0 ? 0 : part > ID_CHUNK ? ID_CHUNK : part;
            size_t got = par_sendrecv(mine + 2 * (part ? from : 0), (size_t)part * 2 * sizeof *mine, dest, &rbuf,
                                      &rcap, src);
            const int64_t *r = rbuf;
            for (size_t q = 0; q < got / (2 * sizeof *r); q++)
                repeats_add(&rp, r[2 * q], (int)r[2 * q + 1]);
        }
    }
    free(rbuf);
    free(sbuf);
    free(rp.first);
    free(rp.second);
    idmap_free(&rp.map);
    free(cnt);
    free(in);
    free(pos);
    /* A line holds one atom, and its id one checking rank: the rank whose
     * line wins is the only one that passes its id and first line. */
    int line_out = par_min_int(rp.best);
    int wins = line_out != INT_MAX && rp.best == line_out;
    *id_out = par_max_i64(wins ? rp.best_id : 0);
    *first_out = par_max_int(wins ? rp.best_first : 0);
    return line_out;
}

/* The id of line k of a block (bit-copied into its first double). */
static int64_t block_id(const double *blk, int k)
{
    int64_t id;
    memcpy(&id, blk + (size_t)k * 8, sizeof id);
    return id;
}

/* Collective: the velocities of a block's first n lines (line line0 + k)
 * to the atoms this rank owns (ids: id -> local index), marking them in
 * given[]. Returns the earliest line that gives an atom a second velocity
 * or names no atom (INT_MAX if none), its message in err. A line names no
 * atom if no rank found it: a sum over ranks tells whether there is one,
 * and only then a per-line sum finds the first. */
static int velocity_block(atoms *a, const idmap *ids, unsigned char *given, const double *blk, int n, int line0,
                          const char *path, char *err, size_t errlen)
{
    int found = 0, twice = INT_MAX;
    for (int k = 0; k < n; k++) {
        const double *v = blk + (size_t)k * 8;
        int i = idmap_find(ids, block_id(blk, k));
        if (i < 0)
            continue;
        found++;
        if (given[i]) {
            if (twice == INT_MAX)
                twice = line0 + k;
            continue;
        }
        given[i] = 1;
        a->v[i][0] = v[1];
        a->v[i][1] = v[2];
        a->v[i][2] = v[3];
    }
    twice = par_min_int(twice);
    int unknown = INT_MAX;
    if (par_sum_int(found) < n) {
        int64_t *mine = mg_calloc((size_t)n, sizeof *mine), *all = mg_malloc((size_t)n * sizeof *all);
        for (int k = 0; k < n; k++)
            mine[k] = idmap_find(ids, block_id(blk, k)) >= 0;
        par_sum_i64s(mine, all, n);
        for (int k = 0; k < n && unknown == INT_MAX; k++)
            if (!all[k])
                unknown = line0 + k;
        free(mine);
        free(all);
    }
    if (twice < unknown)
        snprintf(err, errlen, "%s:%d: velocity of atom id %lld given twice", path, twice,
                 (long long)block_id(blk, twice - line0));
    else if (unknown != INT_MAX)
        snprintf(err, errlen, "%s:%d: velocity for atom id %lld, which the Atoms section does not have", path,
                 unknown, (long long)block_id(blk, unknown - line0));
    return twice < unknown ? twice : unknown;
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
    /* Before anything is sized by the header: a rank's share of the atoms.
     * The id checks' temporaries (a line number and a velocity mark per
     * atom placed; the id exchange's records and map, 40-90 bytes per
     * atom of a rank's share) are freed before the neighbour lists that
     * the per-atom figure is sized for exist, so they fit within it. No
     * rank needs more than its share (rank 0 reads in blocks). */
    char what[600];
    snprintf(what, sizeof what, "%s: the header's %lld atoms", path, (long long)h.natoms);
    double need = MEM_BYTES_PER_ATOM * (double)h.natoms / par_size();
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
    /* The distributed id checks: per atom placed here, the line it came
     * from (atom_line, for first_repeat) and whether a velocity was given
     * (given, sized at each Velocities section). */
    int *atom_line = NULL;
    size_t line_cap = 0;
    unsigned char *given = NULL;
    int ngiven = 0;
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
            given = mg_realloc(given, (size_t)(s->atoms.nlocal > 0 ? s->atoms.nlocal : 1));
            memset(given + ngiven, 0, (size_t)(s->atoms.nlocal - ngiven));
            ngiven = s->atoms.nlocal;
        }
        int first = 1;
        while (done < count) {
            int nblk = (int)(count - done < BLOCK ? count - done : BLOCK);
            /* The block's lines are consecutive in the file (a blank line
             * inside a section is an error): line k is line0 + k. nok: the
             * lines read before an error, which are checked and reported
             * first if one of them is wrong (the earliest line wins). */
            int nok = nblk, line0 = 0;
            if (root) {
                if (first && !skip_blank(&r))
                    snprintf(errbuf, sizeof errbuf, "%s:%d: file ends before the %s section's lines", path, r.line, sec);
                int k = 0;
                for (; k < nblk && !errbuf[0]; k++) {
                    if (!(first && k == 0) && !next_line(&r)) {
                        snprintf(errbuf, sizeof errbuf, "%s:%d: file ends after %lld of %lld lines of %s", path,
                                 r.line, done + k, count, sec);
                        break;
                    }
                    if (k == 0)
                        line0 = r.line;
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
                        memcpy(&v[0], &id, sizeof id);
                    }
                }
                nok = k;
            }
            first = 0;
            int at[2] = {nok, line0};
            par_bcast_ints(at, 2, 0);
            nok = at[0];
            line0 = at[1];
            par_bcast_bytes(errbuf, sizeof errbuf, 0);
            par_bcast_doubles(blk, (size_t)nok * 8, 0);
            for (int k = 0; k < nok; k++) {
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
                        int i = atoms_add(&s->atoms, id, (int)v[1], x, NULL, im);
                        if ((size_t)i >= line_cap) {
                            line_cap = line_cap ? 2 * line_cap : 1024;
                            atom_line = mg_realloc(atom_line, line_cap * sizeof *atom_line);
                        }
                        atom_line[i] = line0 + k;
                    }
                }
            }
            char verr[512] = "";
            int vline = INT_MAX, rline = INT_MAX, rfirst = 0;
            int64_t rid = 0;
            if (kind == 2)
                vline = velocity_block(&s->atoms, &ids, given, blk, nok, line0, path, verr, sizeof verr);
            /* Ids are checked at the end of an Atoms section, and before
             * an error in it is reported: a repeat is on an earlier line. */
            if (kind == 1 && (errbuf[0] || done + nblk == count))
                rline = first_repeat(&s->atoms, atom_line, &rid, &rfirst);
            if (vline != INT_MAX || rline != INT_MAX || errbuf[0]) {
                if (root) fclose(r.f);
                free(blk);
                free(atom_line);
                free(given);
                idmap_free(&ids);
                if (vline != INT_MAX)
                    mg_fail_all("%s", verr);
                if (rline != INT_MAX)
                    mg_fail_all("%s:%d: atom id %lld appears twice (first at line %d)", path, rline, (long long)rid,
                                rfirst);
                mg_fail_all("%s", errbuf);
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
    free(atom_line);
    free(given);
    idmap_free(&ids);
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
