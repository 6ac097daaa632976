/* H5MD 1.1 trajectory writer on parallel HDF5 (layout: h5md.h, docs/h5md.md).
 *
 * Rows: row k of every per-atom dataset is atom id k+1. Rank b owns the
 * block of rows [ceil(bN/P), ceil((b+1)N/P)). Each frame, every rank packs
 * the values of its owned atoms, sends each to the rank whose block holds
 * its row (one all-to-all exchange through parallel.h; no rank ever holds
 * more than its block), and then all ranks write their blocks with one
 * collective H5Dwrite per element, each a single hyperslab.
 *
 * Why not let each rank select its own scattered rows: measured for 262144
 * atoms with ids shuffled over 2 ranks (docs/h5md.md, "Cost"), a union of
 * one hyperslab per run of consecutive rows takes HDF5 1.10 time quadratic
 * in the number of runs (>60 s per frame), and a point selection
 * (H5Sselect_elements) 1.6 s per frame, against 0.04-0.08 s for the
 * exchange plus contiguous blocks.
 *
 * Where communication happens: the exchange (P-1 rounds of paired
 * send/receive); H5Fcreate/H5Fopen/H5Fclose, every dataset and attribute
 * creation, H5Dset_extent and H5Dwrite (collective transfer) inside HDF5
 * and MPI-IO; and one allreduce per call that agrees on failure, so every
 * rank returns or stops together.
 *
 * Errors: every HDF5 call is checked; the first failure on a rank is kept
 * with the innermost message of HDF5's error stack. All ranks carry on with
 * the same sequence of collective calls (a failed handle makes the later
 * calls fail at once, without communication) and then agree. */
#include "io/h5md.h"
#include "core/error.h"
#include "parallel/parallel.h"

/* HDF5 glue: only parallel.c calls MPI in mgmd. This file includes mpi.h
 * solely for the constants MPI_COMM_WORLD and MPI_INFO_NULL that
 * H5Pset_fapl_mpio needs; it makes no MPI call itself. */
#include <mpi.h>
#include <hdf5.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Largest chunk of a per-atom dataset: one frame is split along atoms into
 * chunks of at most this many bytes. */
#define CHUNK_BYTES ((size_t)4 << 20)
/* Frames per chunk of step, time, edges, origin. */
#define SERIES_CHUNK 256

enum kind { K_POSITION, K_VELOCITY, K_FORCE, K_IMAGE, K_COLUMN };

typedef struct element {
    char name[H5MD_NAME_LEN];
    int kind;
    int width;                  /* values per atom                          */
    hid_t value;                /* particles/all/<name>/value               */
} element;

struct h5md_file {
    char path[1024];
    hid_t file, dxpl;
    hid_t step, time, edges, origin;
    int nel;
    element el[4 + H5MD_MAX_COLS];
    int64_t natoms, nframes;
    /* This rank's block of rows [lo, hi) and the scratch of the exchange
     * that brings their values here, kept between frames. */
    int64_t lo, hi;
    size_t *cnt, *pos;          /* records per destination rank, cursor    */
    unsigned char *sbuf;
    size_t scap;
    void *rbuf;
    size_t rcap;
    double *loc, *vals, *dbuf;  /* owned atoms' values, the block's, one   */
    size_t loccap, valcap, dcap;/* element's                               */
    int *ibuf;
    size_t icap;
    /* Error state and HDF5's automatic error printing, silenced meanwhile. */
    int failed;
    char msg[768];
    H5E_auto2_t old_func;
    void *old_data;
};

/* ---- errors ------------------------------------------------------------ */

static herr_t innermost(unsigned n, const H5E_error2_t *e, void *data)
{
    char *why = data;
    if (n == 0 && e->desc)
        snprintf(why, 256, "%s", e->desc);
    return 0;
}

/* Keep the first failure of this rank; with hdf5, append the innermost
 * message of HDF5's error stack (the call that just failed). */
static void fail(h5md_file *h, int hdf5, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void fail(h5md_file *h, int hdf5, const char *fmt, ...)
{
    if (h->failed)
        return;
    h->failed = 1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(h->msg, sizeof h->msg, fmt, ap);
    va_end(ap);
    if (hdf5) {
        char why[256] = "";
        H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, innermost, why);
        if (why[0]) {
            size_t n = strlen(h->msg);
            snprintf(h->msg + n, sizeof h->msg - n, " (HDF5: %s)", why);
        }
    }
}

/* Check an HDF5 return value (hid_t or herr_t); returns 1 if fine. */
#define OK(h, r, ...) ((r) >= 0 ? 1 : (fail((h), 1, __VA_ARGS__), 0))

/* Collective: did any rank fail? Every rank then holds the message of the
 * lowest failing rank. */
static int agree(h5md_file *h)
{
    int first = par_min_int(h->failed ? par_rank() : par_size());
    if (first == par_size())
        return 0;
    par_bcast_bytes(h->msg, sizeof h->msg, first);
    h->failed = 1;
    return 1;
}

/* An I/O failure every rank has agreed on: rank 0 prints it and the job
 * aborts with MG_EXIT_RUNTIME. Not mg_fail_run(): MPI_Finalize makes HDF5
 * close the file that just failed to write, and HDF5 1.10 then crashes
 * (seen with a full device), turning a clear message into a segfault. */
static _Noreturn void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static _Noreturn void die(const char *fmt, ...)
{
    if (par_rank() == 0) {
        va_list ap;
        va_start(ap, fmt);
        fputs("ERROR: ", stderr);
        vfprintf(stderr, fmt, ap);
        fputc('\n', stderr);
        fflush(stderr);
        va_end(ap);
    }
    fflush(stdout);
    par_barrier();
    par_abort(MG_EXIT_RUNTIME);
}

static void quiet(h5md_file *h)
{
    H5Eget_auto2(H5E_DEFAULT, &h->old_func, &h->old_data);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
}

static void loud(h5md_file *h) { H5Eset_auto2(H5E_DEFAULT, h->old_func, h->old_data); }

static void close_id(hid_t *id, herr_t (*fn)(hid_t))
{
    if (*id >= 0)
        fn(*id);
    *id = -1;
}

/* ---- attributes -------------------------------------------------------- */

/* Fixed-length string type of size n (H5MD 1.1 mandates fixed-length
 * strings for the metadata attributes). */
static hid_t fixed_str(size_t n)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, n ? n : 1);
    H5Tset_strpad(t, H5T_STR_NULLTERM);
    return t;
}

static void attr_write(h5md_file *h, hid_t loc, const char *name, hid_t ftype, hid_t mtype, hid_t space,
                       const void *buf)
{
    hid_t a = H5Acreate2(loc, name, ftype, space, H5P_DEFAULT, H5P_DEFAULT);
    if (OK(h, a, "creating attribute %s", name))
        OK(h, H5Awrite(a, mtype, buf), "writing attribute %s", name);
    if (a >= 0)
        H5Aclose(a);
}

static void attr_str(h5md_file *h, hid_t loc, const char *name, const char *s)
{
    hid_t t = fixed_str(strlen(s) + 1), sp = H5Screate(H5S_SCALAR);
    attr_write(h, loc, name, t, t, sp, s);
    H5Sclose(sp);
    H5Tclose(t);
}

/* Array of n fixed-length strings, each at most len-1 characters. */
static void attr_strs(h5md_file *h, hid_t loc, const char *name, int n, const char *s, size_t len)
{
    hsize_t dim = (hsize_t)n;
    hid_t t = fixed_str(len), sp = H5Screate_simple(1, &dim, NULL);
    attr_write(h, loc, name, t, t, sp, s);
    H5Sclose(sp);
    H5Tclose(t);
}

/* Units module style: scalar variable-length ASCII string. MDAnalysis needs
 * it so (a fixed-length one reads back as bytes and is not recognised). */
static void attr_unit(h5md_file *h, hid_t loc, const char *unit)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, H5T_VARIABLE);
    H5Tset_cset(t, H5T_CSET_ASCII);
    hid_t sp = H5Screate(H5S_SCALAR);
    attr_write(h, loc, "unit", t, t, sp, &unit);
    H5Sclose(sp);
    H5Tclose(t);
}

/* n numbers of memory type mtype stored as ftype; n == 0: a scalar. */
static void attr_num(h5md_file *h, hid_t loc, const char *name, hid_t ftype, hid_t mtype, int n, const void *v)
{
    hsize_t dim = (hsize_t)n;
    hid_t sp = n ? H5Screate_simple(1, &dim, NULL) : H5Screate(H5S_SCALAR);
    attr_write(h, loc, name, ftype, mtype, sp, v);
    H5Sclose(sp);
}

/* Read a scalar string attribute (fixed or variable length) of object obj
 * below loc; returns 0, or -1 if absent or not a string. */
static int attr_read_str(hid_t loc, const char *obj, const char *name, char *out, size_t outlen)
{
    out[0] = '\0';
    if (H5Aexists_by_name(loc, obj, name, H5P_DEFAULT) <= 0)
        return -1;
    hid_t a = H5Aopen_by_name(loc, obj, name, H5P_DEFAULT, H5P_DEFAULT);
    if (a < 0)
        return -1;
    hid_t t = H5Aget_type(a);
    int rc = -1;
    if (t >= 0 && H5Tget_class(t) == H5T_STRING) {
        if (H5Tis_variable_str(t) > 0) {
            char *s = NULL;
            hid_t mt = H5Tcopy(H5T_C_S1);
            H5Tset_size(mt, H5T_VARIABLE);
            if (H5Aread(a, mt, &s) >= 0 && s) {
                snprintf(out, outlen, "%s", s);
                H5free_memory(s);
                rc = 0;
            }
            H5Tclose(mt);
        } else {
            size_t n = H5Tget_size(t);
            char *s = calloc(n + 1, 1);
            hid_t mt = fixed_str(n);
            if (s && H5Aread(a, mt, s) >= 0) {
                snprintf(out, outlen, "%s", s);
                rc = 0;
            }
            H5Tclose(mt);
            free(s);
        }
    }
    if (t >= 0)
        H5Tclose(t);
    H5Aclose(a);
    return rc;
}

/* ---- datasets ---------------------------------------------------------- */

static hid_t make_group(h5md_file *h, hid_t loc, const char *name)
{
    hid_t g = H5Gcreate2(loc, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    OK(h, g, "creating group %s", name);
    return g;
}

/* Dataset of the given rank; with chunk, extensible along the first axis
 * (frames) and starting with zero frames, else fixed at dims. */
static hid_t make_dataset(h5md_file *h, hid_t loc, const char *name, hid_t type, int rank, const hsize_t *dims,
                          const hsize_t *chunk)
{
    hsize_t cur[4], max[4];
    for (int d = 0; d < rank; d++) {
        cur[d] = max[d] = dims[d];
    }
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    /* Every value is written before anybody reads it: no fill pass. */
    H5Pset_fill_time(dcpl, H5D_FILL_TIME_NEVER);
    if (chunk) {
        cur[0] = 0;
        max[0] = H5S_UNLIMITED;
        H5Pset_chunk(dcpl, rank, chunk);
    }
    hid_t sp = H5Screate_simple(rank, cur, max);
    hid_t d = H5Dcreate2(loc, name, type, sp, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    OK(h, d, "creating dataset %s", name);
    H5Sclose(sp);
    H5Pclose(dcpl);
    return d;
}

/* Rows of atoms per chunk: at most CHUNK_BYTES, the N rows split evenly. */
static hsize_t chunk_rows(int64_t natoms, size_t rowbytes)
{
    hsize_t cap = (hsize_t)(CHUNK_BYTES / rowbytes);
    if (cap < 1)
        cap = 1;
    hsize_t n = (hsize_t)natoms, nchunk = (n + cap - 1) / cap;
    return (n + nchunk - 1) / nchunk;
}

/* A time-dependent element group below particles/all whose step and time
 * are hard links to position's; returns the group (value made by caller). */
static hid_t make_element(h5md_file *h, hid_t all, const char *name)
{
    hid_t g = make_group(h, all, name);
    if (g >= 0) {
        OK(h, H5Lcreate_hard(h->file, "/particles/all/position/step", g, "step", H5P_DEFAULT, H5P_DEFAULT),
           "linking %s/step", name);
        OK(h, H5Lcreate_hard(h->file, "/particles/all/position/time", g, "time", H5P_DEFAULT, H5P_DEFAULT),
           "linking %s/time", name);
    }
    return g;
}

static hid_t per_atom_value(h5md_file *h, hid_t g, const element *e, hid_t type, size_t esize)
{
    hsize_t dims[3] = {0, (hsize_t)h->natoms, (hsize_t)e->width};
    hsize_t chunk[3] = {1, chunk_rows(h->natoms, esize * (size_t)e->width), (hsize_t)e->width};
    return make_dataset(h, g, "value", type, e->width == 1 ? 2 : 3, dims, chunk);
}

static void set_frames(h5md_file *h, hid_t d, int64_t frames, const char *what)
{
    hsize_t dims[4];
    hid_t sp = H5Dget_space(d);
    int rank = sp >= 0 ? H5Sget_simple_extent_dims(sp, dims, NULL) : -1;
    if (sp >= 0)
        H5Sclose(sp);
    if (!OK(h, rank, "reading the shape of %s", what))
        return;
    dims[0] = (hsize_t)frames;
    OK(h, H5Dset_extent(d, dims), "resizing %s to %lld frames", what, (long long)frames);
}

/* Every time-dependent dataset of the file to `frames` frames. */
static void set_all_frames(h5md_file *h, int64_t frames)
{
    set_frames(h, h->step, frames, "position/step");
    set_frames(h, h->time, frames, "position/time");
    set_frames(h, h->edges, frames, "box/edges/value");
    set_frames(h, h->origin, frames, "box/origin/value");
    for (int k = 0; k < h->nel; k++)
        set_frames(h, h->el[k].value, frames, h->el[k].name);
}

/* Rank 0 writes a block of a small dataset (start/count in file
 * coordinates); the others take part in the collective call with nothing. */
static void write_small(h5md_file *h, hid_t d, hid_t mtype, const hsize_t *start, const hsize_t *count,
                        const void *buf, const char *what)
{
    hid_t fs = H5Dget_space(d);
    if (!OK(h, fs, "selecting %s", what))
        return;
    int rank = H5Sget_simple_extent_ndims(fs);
    hsize_t n = 1;
    for (int k = 0; k < rank; k++)
        n *= count[k];
    hid_t ms = H5Screate_simple(1, &n, NULL);
    if (par_rank() == 0) {
        OK(h, H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, count, NULL), "selecting %s", what);
    } else {
        H5Sselect_none(fs);
        H5Sselect_none(ms);
    }
    OK(h, H5Dwrite(d, mtype, ms, fs, h->dxpl, buf), "writing %s", what);
    H5Sclose(ms);
    H5Sclose(fs);
}

/* ---- this rank's rows ------------------------------------------------ */

/* Rank b writes rows [ceil(b N / P), ceil((b+1) N / P)); row r is in block
 * floor(r P / N). */
static int64_t block_lo(int64_t n, int p, int b) { return (n * b + p - 1) / p; }
static int block_of(int64_t n, int p, int64_t row) { return (int)(row * p / n); }

static void *grow(void *buf, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap && buf)
        return buf;
    *cap = need + need / 4 + 16;
    return mg_realloc(buf, *cap * size);
}

/* h->loc holds nv values of every owned atom; move each atom's values to
 * the rank whose block holds its row, so that afterwards h->vals[(row -
 * lo) * nv + k] is value k of row. Communication: one exchange with every
 * other rank (P-1 rounds of paired send/receive, parallel.h), records of
 * 8 + 8 nv bytes per atom. Every row of the block must arrive exactly once
 * (ids 1..N, as checked at open). */
static void exchange(h5md_file *h, const atoms *a, int nv)
{
    int P = par_size(), me = par_rank();
    int64_t N = h->natoms;
    size_t n = (size_t)a->nlocal, rec = sizeof(int64_t) + (size_t)nv * sizeof(double);
    memset(h->cnt, 0, (size_t)P * sizeof *h->cnt);
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        int64_t id = a->id[i];
        if (id < 1 || id > N)
            bad = 1;
        else
            h->cnt[block_of(N, P, id - 1)]++;
    }
    if (bad)
        fail(h, 0, "atom ids are no longer 1..%lld", (long long)N);
    size_t sum = 0;
    for (int t = 0; t < P; t++) {
        h->pos[t] = sum;
        sum += h->cnt[t];
    }
    h->sbuf = grow(h->sbuf, &h->scap, sum * rec, 1);
    for (size_t i = 0; i < n; i++) {
        int64_t row = a->id[i] - 1;
        if (row < 0 || row >= N)
            continue;
        unsigned char *p = h->sbuf + h->pos[block_of(N, P, row)]++ * rec;
        memcpy(p, &row, sizeof row);
        memcpy(p + sizeof row, h->loc + i * (size_t)nv, (size_t)nv * sizeof(double));
    }
    size_t m = (size_t)(h->hi - h->lo), got = 0;
    h->vals = grow(h->vals, &h->valcap, m * (size_t)nv, sizeof *h->vals);
    for (int k = 0; k < P; k++) {
        int dest = (me + k) % P, src = (me - k + P) % P;
        const unsigned char *sb = h->sbuf + (h->pos[dest] - h->cnt[dest]) * rec, *data = sb;
        size_t bytes = h->cnt[dest] * rec;
        if (k > 0) {
            bytes = par_sendrecv(sb, bytes, dest, &h->rbuf, &h->rcap, src);
            data = h->rbuf;
        }
        for (size_t q = 0; q + rec <= bytes; q += rec) {
            int64_t row;
            memcpy(&row, data + q, sizeof row);
            if (row < h->lo || row >= h->hi) {
                fail(h, 0, "internal error: row %lld sent to the wrong rank", (long long)row);
                continue;
            }
            memcpy(h->vals + (size_t)(row - h->lo) * (size_t)nv, data + q + sizeof row, (size_t)nv * sizeof(double));
            got++;
        }
    }
    if (got != m)
        fail(h, 0, "rows %lld..%lld: %zu atoms arrived for %zu rows (atom ids are no longer 1..%lld)",
             (long long)h->lo + 1, (long long)h->hi, got, m, (long long)N);
}

/* Collective write of this rank's block of rows (w values per row, in row
 * order) into frame `frame` of d: [frame][N][w] (w == 1: [frame][N]), or
 * [N] when frame < 0 (a time-independent dataset). */
static void write_block(h5md_file *h, hid_t d, int64_t frame, int width, hid_t mtype, const void *buf,
                        const char *what)
{
    hid_t fs = H5Dget_space(d);
    if (!OK(h, fs, "selecting rows of %s", what))
        return;
    /* The memory space has the shape of the file selection, so HDF5 maps
     * it to chunks block-wise (with a flat one it walks every element). */
    hsize_t start[3], count[3];
    int d0 = 0;
    if (frame >= 0) {
        start[d0] = (hsize_t)frame;
        count[d0++] = 1;
    }
    start[d0] = (hsize_t)h->lo;
    count[d0++] = (hsize_t)(h->hi - h->lo);
    if (width > 1) {
        start[d0] = 0;
        count[d0++] = (hsize_t)width;
    }
    int empty = h->hi == h->lo;
    hsize_t mdims[3];
    for (int k = 0; k < d0; k++)
        mdims[k] = count[k] ? count[k] : 1;
    hid_t ms = H5Screate_simple(d0, mdims, NULL);
    if (empty) {
        H5Sselect_none(fs);
        H5Sselect_none(ms);
    } else {
        OK(h, H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, count, NULL), "selecting rows of %s", what);
    }
    OK(h, H5Dwrite(d, mtype, ms, fs, h->dxpl, buf), "writing %s", what);
    H5Sclose(ms);
    H5Sclose(fs);
}

/* ---- open -------------------------------------------------------------- */

static int standard_name(const char *s)
{
    static const char *names[] = {"box", "position", "velocity", "force", "image", "species", "id", "mass", "charge"};
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
        if (!strcmp(s, names[k]))
            return 1;
    return 0;
}

/* The elements this file holds, from the options; checks the columns. */
static void plan_elements(h5md_file *h, const atoms *a, const h5md_options *opt)
{
    static const struct {
        const char *name;
        int kind;
    } std[] = {{"position", K_POSITION}, {"velocity", K_VELOCITY}, {"force", K_FORCE}, {"image", K_IMAGE}};
    int want[] = {1, opt->velocity, opt->force, opt->image};
    for (int k = 0; k < 4; k++)
        if (want[k])
            h->el[h->nel++] = (element){.kind = std[k].kind, .width = 3, .value = -1};
    for (int k = 0; k < h->nel; k++)
        snprintf(h->el[k].name, sizeof h->el[k].name, "%s", std[h->el[k].kind].name);
    if (opt->ncol < 0 || opt->ncol > H5MD_MAX_COLS) {
        fail(h, 0, "%d columns; at most %d", opt->ncol, H5MD_MAX_COLS);
        return;
    }
    for (int c = 0; c < opt->ncol; c++) {
        const char *name = opt->col[c];
        int p = atoms_find_prop(a, name);
        if (p < 0) {
            fail(h, 0, "no per-atom property '%s' to write as a column", name);
            return;
        }
        if (!name[0] || strchr(name, '/') || strchr(name, '.') == name || standard_name(name)) {
            fail(h, 0, "column name '%s' cannot be an element of particles/all", name);
            return;
        }
        for (int k = 0; k < h->nel; k++)
            if (!strcmp(h->el[k].name, name)) {
                fail(h, 0, "column '%s' given twice", name);
                return;
            }
        element *e = &h->el[h->nel++];
        *e = (element){.kind = K_COLUMN, .width = a->prop[p].width, .value = -1};
        snprintf(e->name, sizeof e->name, "%s", name);
    }
}

/* Ids must be exactly 1..N: count, range and sum (modulo 2^64). */
static void check_ids(h5md_file *h, const atoms *a)
{
    int64_t lo = INT64_MAX, hi = 0;
    uint64_t sum = 0;
    for (int i = 0; i < a->nlocal; i++) {
        int64_t id = a->id[i];
        lo = id < lo ? id : lo;
        hi = id > hi ? id : hi;
        sum += (uint64_t)id;
    }
    int64_t n = par_sum_i64(a->nlocal);
    lo = -par_max_i64(-lo);
    hi = par_max_i64(hi);
    sum = (uint64_t)par_sum_i64((int64_t)sum);
    int64_t N = a->natoms;
    uint64_t u = (uint64_t)N, want = u % 2 ? u * ((u + 1) / 2) : (u / 2) * (u + 1);
    if (N <= 0 || n != N || lo != 1 || hi != N || sum != want)
        fail(h, 0,
             "atom ids must be 1..N without gaps (row k of every dataset is atom k+1); this system has %lld atoms "
             "with ids %lld..%lld",
             (long long)N, (long long)(n ? lo : 0), (long long)hi);
}

static void write_metadata(h5md_file *h, const md *s, const h5md_options *opt)
{
    const atoms *a = &s->atoms;
    hid_t g = make_group(h, h->file, "h5md");
    int version[2] = {1, 1};
    attr_num(h, g, "version", H5T_STD_I32LE, H5T_NATIVE_INT, 2, version);
    hid_t au = make_group(h, g, "author");
    char name[128];
    snprintf(name, sizeof name, "%s", opt->author);
    if (!name[0] && par_rank() == 0) {
        const char *u = getenv("USER");
        snprintf(name, sizeof name, "%s", u && u[0] ? u : "unknown");
    }
    par_bcast_bytes(name, sizeof name, 0); /* the same attribute on every rank */
    attr_str(h, au, "name", name);
    if (opt->email[0])
        attr_str(h, au, "email", opt->email);
    hid_t cr = make_group(h, g, "creator");
    attr_str(h, cr, "name", "mgmd");
    attr_str(h, cr, "version", MGMD_VERSION);
    H5Gclose(cr);
    H5Gclose(au);
    H5Gclose(g);

    /* Per-type data and LAMMPS' boundary letters, for readers that want
     * element names or to rebuild a data file. */
    hid_t p = make_group(h, h->file, "parameters");
    hid_t m = make_group(h, p, "mgmd");
    attr_num(h, m, "natoms", H5T_STD_I64LE, H5T_NATIVE_INT64, 0, &h->natoms);
    attr_str(h, m, "units", "metal");
    char bnd[6] = {s->box.boundary[0], ' ', s->box.boundary[1], ' ', s->box.boundary[2], '\0'};
    attr_str(h, m, "boundary", bnd);
    int nt = a->ntypes > 0 ? a->ntypes : 0;
    if (nt > 0) {
        char(*el)[ATOMS_NAME_LEN] = mg_calloc((size_t)nt, ATOMS_NAME_LEN);
        for (int t = 1; t <= nt; t++)
            memcpy(el[t - 1], a->element[t], ATOMS_NAME_LEN);
        attr_strs(h, m, "type_element", nt, &el[0][0], ATOMS_NAME_LEN);
        free(el);
        attr_num(h, m, "type_mass", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, nt, a->mass + 1);
    }
    H5Gclose(m);
    H5Gclose(p);
}

static void create_layout(h5md_file *h, const md *s, const h5md_options *opt)
{
    write_metadata(h, s, opt);
    hid_t parts = make_group(h, h->file, "particles");
    hid_t all = make_group(h, parts, "all");

    /* position first: its step and time are the ones everything links to. */
    hid_t pos = make_group(h, all, "position");
    hsize_t one = 0, chunk1 = SERIES_CHUNK;
    h->step = make_dataset(h, pos, "step", H5T_STD_I64LE, 1, &one, &chunk1);
    h->time = make_dataset(h, pos, "time", H5T_IEEE_F64LE, 1, &one, &chunk1);
    attr_unit(h, h->time, "ps");

    hid_t bx = make_group(h, all, "box");
    int dim = 3;
    attr_num(h, bx, "dimension", H5T_STD_I32LE, H5T_NATIVE_INT, 0, &dim);
    char bnd[3][9];
    for (int d = 0; d < 3; d++)
        snprintf(bnd[d], sizeof bnd[d], "%s", s->box.boundary[d] == 'p' ? "periodic" : "none");
    attr_strs(h, bx, "boundary", 3, &bnd[0][0], sizeof bnd[0]);
    hid_t edges = make_element(h, bx, "edges");
    hsize_t ed[3] = {0, 3, 3}, ec[3] = {SERIES_CHUNK, 3, 3};
    h->edges = make_dataset(h, edges, "value", H5T_IEEE_F64LE, 3, ed, ec);
    attr_unit(h, h->edges, "Angstrom");
    hid_t origin = make_element(h, bx, "origin");
    h->origin = make_dataset(h, origin, "value", H5T_IEEE_F64LE, 2, ed, ec);
    attr_unit(h, h->origin, "Angstrom");

    for (int k = 0; k < h->nel; k++) {
        element *e = &h->el[k];
        hid_t g = e->kind == K_POSITION ? pos : make_element(h, all, e->name);
        int is_int = e->kind == K_IMAGE;
        e->value = per_atom_value(h, g, e, is_int ? H5T_STD_I32LE : H5T_IEEE_F64LE, is_int ? 4 : 8);
        static const char *unit[] = {"Angstrom", "Angstrom ps-1", "eV Angstrom-1"};
        if (e->kind <= K_FORCE)
            attr_unit(h, e->value, unit[e->kind]);
        if (g != pos && g >= 0)
            H5Gclose(g);
    }

    /* Time-independent: species (the LAMMPS type) and id (row + 1). */
    const atoms *a = &s->atoms;
    hsize_t n = (hsize_t)h->natoms;
    size_t m = (size_t)(h->hi - h->lo);
    if (opt->species) {
        hid_t d = make_dataset(h, all, "species", H5T_STD_I32LE, 1, &n, NULL);
        h->loc = grow(h->loc, &h->loccap, (size_t)a->nlocal, sizeof *h->loc);
        for (int i = 0; i < a->nlocal; i++)
            h->loc[i] = a->type[i];
        exchange(h, a, 1);
        h->ibuf = grow(h->ibuf, &h->icap, m, sizeof *h->ibuf);
        for (size_t k = 0; k < m; k++)
            h->ibuf[k] = (int)h->vals[k];
        write_block(h, d, -1, 1, H5T_NATIVE_INT, h->ibuf, "species");
        if (d >= 0)
            H5Dclose(d);
    }
    if (opt->id) {
        hid_t d = make_dataset(h, all, "id", H5T_STD_I64LE, 1, &n, NULL);
        int64_t *ids = mg_malloc((m ? m : 1) * sizeof *ids);
        for (size_t k = 0; k < m; k++)
            ids[k] = h->lo + 1 + (int64_t)k;
        write_block(h, d, -1, 1, H5T_NATIVE_INT64, ids, "id");
        free(ids);
        if (d >= 0)
            H5Dclose(d);
    }
    if (edges >= 0)
        H5Gclose(edges);
    if (origin >= 0)
        H5Gclose(origin);
    H5Gclose(bx);
    H5Gclose(pos);
    H5Gclose(all);
    H5Gclose(parts);
}

/* Open a value dataset of an existing file and check its shape. */
static hid_t open_series(h5md_file *h, const char *path, int rank, const hsize_t *tail, int64_t frames)
{
    if (H5Lexists(h->file, path, H5P_DEFAULT) <= 0) {
        fail(h, 0, "the file has no %s, but this dump writes it", path);
        return -1;
    }
    hid_t d = H5Dopen2(h->file, path, H5P_DEFAULT);
    if (!OK(h, d, "opening %s", path))
        return -1;
    hsize_t dims[4] = {0};
    hid_t sp = H5Dget_space(d);
    int r = sp >= 0 ? H5Sget_simple_extent_dims(sp, dims, NULL) : -1;
    if (sp >= 0)
        H5Sclose(sp);
    int same = r == rank;
    for (int k = 1; same && k < rank; k++)
        same = dims[k] == tail[k - 1];
    if (!same) {
        if (r >= 2 && dims[1] != tail[0])
            fail(h, 0, "the file holds %llu atoms (%s), the system has %lld", (unsigned long long)dims[1], path,
                 (long long)h->natoms);
        else
            fail(h, 0, "%s has another shape than this dump writes", path);
    } else if ((int64_t)dims[0] < frames) {
        fail(h, 0, "the file holds %llu frames (%s), fewer than the %lld to keep", (unsigned long long)dims[0], path,
             (long long)frames);
    }
    return d;
}

/* H5Literate callback: an element in particles/all this dump does not write
 * would be left with more frames than the others. */
static herr_t find_extra(hid_t g, const char *name, const H5L_info_t *info, void *data)
{
    h5md_file *h = data;
    if (!strcmp(name, "box") || !strcmp(name, "species") || !strcmp(name, "id"))
        return 0;
    for (int k = 0; k < h->nel; k++)
        if (!strcmp(h->el[k].name, name))
            return 0;
    fail(h, 0, "the file has particles/all/%s, which this dump does not write", name);
    return 1;
}

static void reopen_layout(h5md_file *h, int64_t frames)
{
    char creator[64];
    if (attr_read_str(h->file, "h5md/creator", "name", creator, sizeof creator) != 0 || strcmp(creator, "mgmd")) {
        fail(h, 0, "not an H5MD file written by mgmd (h5md/creator/name is %s%s%s)", creator[0] ? "'" : "",
             creator[0] ? creator : "missing", creator[0] ? "'" : "");
        return;
    }
    hsize_t n3[2] = {(hsize_t)h->natoms, 3}, e3[2] = {3, 3};
    /* position/value first, so a wrong atom count is what gets reported. */
    for (int k = 0; k < h->nel && !h->failed; k++) {
        element *e = &h->el[k];
        char path[128];
        snprintf(path, sizeof path, "particles/all/%s/value", e->name);
        hsize_t tail[2] = {(hsize_t)h->natoms, (hsize_t)e->width};
        e->value = open_series(h, path, e->width == 1 && e->kind == K_COLUMN ? 2 : 3, e->kind == K_COLUMN ? tail : n3,
                               frames);
    }
    if (h->failed)
        return;
    h->step = open_series(h, "particles/all/position/step", 1, NULL, frames);
    h->time = open_series(h, "particles/all/position/time", 1, NULL, frames);
    h->edges = open_series(h, "particles/all/box/edges/value", 3, e3, frames);
    hsize_t o3[1] = {3};
    h->origin = open_series(h, "particles/all/box/origin/value", 2, o3, frames);
    if (h->failed)
        return;
    hid_t all = H5Gopen2(h->file, "particles/all", H5P_DEFAULT);
    if (OK(h, all, "opening particles/all")) {
        H5Literate(all, H5_INDEX_NAME, H5_ITER_NATIVE, NULL, find_extra, h);
        H5Gclose(all);
    }
}

static void close_datasets(h5md_file *h)
{
    for (int k = 0; k < h->nel; k++)
        close_id(&h->el[k].value, H5Dclose);
    close_id(&h->step, H5Dclose);
    close_id(&h->time, H5Dclose);
    close_id(&h->edges, H5Dclose);
    close_id(&h->origin, H5Dclose);
}

/* Close everything; returns -1 if closing the file failed (HDF5 then
 * still holds it, half torn down). */
static int close_all(h5md_file *h)
{
    int rc = 0;
    close_datasets(h);
    close_id(&h->dxpl, H5Pclose);
    if (h->file >= 0 && H5Fclose(h->file) < 0) {
        fail(h, 1, "closing the file");
        rc = -1;
    }
    h->file = -1;
    return rc;
}

static void free_handle(h5md_file *h)
{
    free(h->cnt);
    free(h->pos);
    free(h->sbuf);
    free(h->rbuf);
    free(h->loc);
    free(h->vals);
    free(h->dbuf);
    free(h->ibuf);
    free(h);
}

h5md_file *h5md_open(const char *path, const md *s, const h5md_options *opt, int64_t resume_frames, char *err,
                     size_t errlen)
{
    h5md_file *h = mg_calloc(1, sizeof *h);
    snprintf(h->path, sizeof h->path, "%s", path);
    h->file = h->dxpl = h->step = h->time = h->edges = h->origin = -1;
    h->natoms = s->atoms.natoms;
    int P = par_size();
    h->lo = block_lo(h->natoms, P, par_rank());
    h->hi = block_lo(h->natoms, P, par_rank() + 1);
    h->cnt = mg_calloc((size_t)P, sizeof *h->cnt);
    h->pos = mg_calloc((size_t)P, sizeof *h->pos);
    quiet(h);

    check_ids(h, &s->atoms);
    plan_elements(h, &s->atoms, opt);
    if (strlen(path) >= sizeof h->path)
        fail(h, 0, "path too long");
    if (!agree(h)) {
        hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
        H5Pset_fapl_mpio(fapl, MPI_COMM_WORLD, MPI_INFO_NULL);
        /* Metadata read and written collectively: no rank storms the file
         * system with small reads; file format of HDF5 1.8 (superblock 2,
         * as the specification recommends), readable by 1.8 and later. */
        H5Pset_all_coll_metadata_ops(fapl, 1);
        H5Pset_coll_metadata_write(fapl, 1);
        H5Pset_libver_bounds(fapl, H5F_LIBVER_V18, H5F_LIBVER_V18);
        if (resume_frames < 0) {
            h->file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
            OK(h, h->file, "cannot create the file");
        } else {
            h->file = H5Fopen(path, H5F_ACC_RDWR, fapl);
            OK(h, h->file, "cannot open the file to continue it");
        }
        H5Pclose(fapl);
        h->dxpl = H5Pcreate(H5P_DATASET_XFER);
        H5Pset_dxpl_mpio(h->dxpl, H5FD_MPIO_COLLECTIVE);
    }
    if (!agree(h)) {
        if (resume_frames < 0) {
            create_layout(h, s, opt);
            h->nframes = 0;
        } else {
            reopen_layout(h, resume_frames);
            if (!agree(h)) {
                set_all_frames(h, resume_frames);
                /* Cutting a chunk that spans the new end fills its tail in
                 * HDF5's chunk cache; were it flushed after the next frames
                 * went to the file (collective writes bypass that cache), it
                 * would overwrite them. Closing the datasets flushes it now. */
                close_datasets(h);
                if (!agree(h))
                    reopen_layout(h, resume_frames);
                h->nframes = resume_frames;
            }
        }
    }
    if (agree(h)) {
        snprintf(err, errlen, "%s: %s", path, h->msg);
        int broken = close_all(h);
        loud(h);
        free_handle(h);
        if (par_max_int(broken ? 1 : 0))
            die("%s", err);
        return NULL;
    }
    loud(h);
    return h;
}

/* ---- frames ------------------------------------------------------------ */

void h5md_write_frame(h5md_file *h, const md *s)
{
    quiet(h);
    const atoms *a = &s->atoms;
    const box *b = &s->box;
    int64_t f = h->nframes, nf = f + 1;
    if (a->natoms != h->natoms)
        fail(h, 0, "the system has %lld atoms, the file %lld", (long long)a->natoms, (long long)h->natoms);

    set_all_frames(h, nf);

    hsize_t at[3] = {(hsize_t)f, 0, 0}, c1[1] = {1}, c33[3] = {1, 3, 3}, c3[2] = {1, 3};
    int64_t step = s->step;
    double time = s->time;
    /* Edge vectors as rows: a = (lx,0,0), b = (xy,ly,0), c = (xz,yz,lz). */
    double edges[9], origin[3] = {b->lo[0], b->lo[1], b->lo[2]};
    for (int r = 0; r < 3; r++)
        for (int c = 0; c < 3; c++)
            edges[3 * r + c] = b->h[c][r];
    write_small(h, h->step, H5T_NATIVE_INT64, at, c1, &step, "position/step");
    write_small(h, h->time, H5T_NATIVE_DOUBLE, at, c1, &time, "position/time");
    write_small(h, h->edges, H5T_NATIVE_DOUBLE, at, c33, edges, "box/edges/value");
    write_small(h, h->origin, H5T_NATIVE_DOUBLE, at, c3, origin, "box/origin/value");

    /* All per-atom values of this frame in one exchange. */
    int nv = 0;
    for (int k = 0; k < h->nel; k++)
        nv += h->el[k].width;
    size_t n = (size_t)a->nlocal, m = (size_t)(h->hi - h->lo);
    h->loc = grow(h->loc, &h->loccap, n * (size_t)nv, sizeof *h->loc);
    for (int k = 0, c0 = 0; k < h->nel; c0 += h->el[k++].width) {
        const element *e = &h->el[k];
        int w = e->width;
        double *out = h->loc + c0;
        if (e->kind == K_COLUMN) {
            int p = atoms_find_prop(a, e->name);
            if (p < 0 || a->prop[p].width != w) {
                fail(h, 0, "per-atom column '%s' no longer exists (or changed width)", e->name);
                for (size_t i = 0; i < n; i++)
                    memset(out + i * (size_t)nv, 0, (size_t)w * sizeof *out);
                continue;
            }
            const double *src = a->prop[p].data;
            for (size_t i = 0; i < n; i++)
                memcpy(out + i * (size_t)nv, src + i * (size_t)w, (size_t)w * sizeof *out);
        } else if (e->kind == K_IMAGE) {
            for (size_t i = 0; i < n; i++)
                for (int c = 0; c < 3; c++)
                    out[i * (size_t)nv + (size_t)c] = a->image[i][c];
        } else {
            const double(*src)[3] = e->kind == K_POSITION ? a->x : e->kind == K_VELOCITY ? a->v : a->f;
            for (size_t i = 0; i < n; i++)
                memcpy(out + i * (size_t)nv, src[i], 3 * sizeof *out);
        }
    }
    exchange(h, a, nv);
    for (int k = 0, c0 = 0; k < h->nel; c0 += h->el[k++].width) {
        const element *e = &h->el[k];
        size_t w = (size_t)e->width;
        if (e->kind == K_IMAGE) {
            h->ibuf = grow(h->ibuf, &h->icap, m * w, sizeof *h->ibuf);
            for (size_t r = 0; r < m; r++)
                for (size_t c = 0; c < w; c++)
                    h->ibuf[r * w + c] = (int)h->vals[r * (size_t)nv + (size_t)c0 + c];
            write_block(h, e->value, f, e->width, H5T_NATIVE_INT, h->ibuf, e->name);
        } else {
            h->dbuf = grow(h->dbuf, &h->dcap, m * w, sizeof *h->dbuf);
            for (size_t r = 0; r < m; r++)
                memcpy(h->dbuf + r * w, h->vals + r * (size_t)nv + (size_t)c0, w * sizeof *h->dbuf);
            write_block(h, e->value, f, e->width, H5T_NATIVE_DOUBLE, h->dbuf, e->name);
        }
    }
    loud(h);
    if (agree(h))
        die("h5md %s: frame %lld (step %lld): %s", h->path, (long long)f, (long long)s->step, h->msg);
    h->nframes = nf;
}

int64_t h5md_frames(const h5md_file *h) { return h ? h->nframes : 0; }

void h5md_flush(h5md_file *h)
{
    if (!h)
        return;
    quiet(h);
    OK(h, H5Fflush(h->file, H5F_SCOPE_GLOBAL), "flushing");
    loud(h);
    if (agree(h))
        die("h5md %s: %s", h->path, h->msg);
}

void h5md_close(h5md_file *h)
{
    if (!h)
        return;
    quiet(h);
    close_all(h);
    loud(h);
    int bad = agree(h);
    char msg[sizeof h->msg + sizeof h->path + 16];
    snprintf(msg, sizeof msg, "h5md %s: %s", h->path, h->msg);
    free_handle(h);
    if (bad)
        die("%s", msg);
}
