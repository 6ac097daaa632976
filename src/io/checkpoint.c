/* HDF5 checkpoints (layout: docs/checkpoints.md).
 *
 * Per-atom datasets are contiguous arrays written collectively: rank r
 * writes rows [offset_r, offset_r + nlocal_r), offsets from a prefix sum.
 * Everything small (box, deck, the sections) is written as attributes
 * or as datasets that rank 0 fills while the others select nothing; HDF5
 * requires every rank to make the same metadata calls with the same values.
 *
 * Verification, on opening and before anything is used: the format and
 * version, the digest of the whole file (below: every item bound to its
 * name, written last), every per-atom dataset's row checksum, then the
 * records against each other (check_records) and the atoms against the
 * records (read_atoms). Each refusal names the file and what is wrong.
 *
 * HDF5 glue is the one place besides parallel.c that names MPI: parallel
 * HDF5 needs the communicator (MPI_COMM_WORLD, as par_* use) at file open. */
#include "io/checkpoint.h"
#include "core/error.h"
#include "parallel/parallel.h"

#include <errno.h>
#include <fcntl.h>
#include <hdf5.h>
#include <inttypes.h>
#include <math.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct ckpt_state {
    hid_t group;
    int writing;
    hid_t xfer;       /* the file's collective transfer list, when writing */
};

struct ckpt_file {
    hid_t file;
    char path[1024];
    ckpt_meta meta;
    int64_t natoms;
    box box;          /* as recorded (validated on opening) */
    int ntypes;
};

/* ---- checksums --------------------------------------------------------- */

static uint64_t mix64(uint64_t z)
{
    z += 0x9e3779b97f4a7c15ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Checksum of rows [row0, row0+n) of rowbytes each: a sum over rows of a
 * hash of (global row, bytes), so any split over ranks gives the same total.
 * The halves are summed separately to stay within int64 reductions. */
static void checksum_rows(const void *data, int64_t row0, int64_t n, size_t rowbytes, int64_t out[2])
{
    int64_t lo = 0, hi = 0;
    const unsigned char *p = data;
    for (int64_t r = 0; r < n; r++, p += rowbytes) {
        /* FNV-1a over 8-byte words (then a 4-byte tail: every row here is
         * a multiple of 4 bytes), finished by a strong mix. */
        uint64_t h = 1469598103934665603ull ^ (uint64_t)(row0 + r), w;
        size_t b = 0;
        for (; b + 8 <= rowbytes; b += 8) {
            memcpy(&w, p + b, 8);
            h = (h ^ w) * 1099511628211ull;
        }
        for (; b < rowbytes; b++)
            h = (h ^ p[b]) * 1099511628211ull;
        h = mix64(h);
        lo += (int64_t)(h & 0xffffffffu);
        hi += (int64_t)(h >> 32);
    }
    out[0] = par_sum_i64(lo);
    out[1] = par_sum_i64(hi);
}

/* ---- the digest of the whole file ----------------------------------------
 *
 * The row checksums say that a dataset's rows are intact, not that it is
 * the dataset of that name, nor anything about the attributes and small
 * datasets around it (step, box, masses, the deck). The digest covers every
 * item of the file: each group, dataset and attribute is hashed with its
 * path, name, type (class, size, sign), shape and bytes. A per-atom
 * dataset's bytes are not hashed again: they are bound by its `checksum`
 * attribute (an item like any other, so bound to the dataset's path), which
 * reading verifies against the data; the digest thus costs no second pass
 * over the atoms and is the same on any rank count.
 *
 * Item hashes are summed (two 64-bit lanes), so the writer can hash items in
 * the order it writes them and the reader in name order (H5Lvisit). The
 * writer hashes what it writes as it writes it (every rank the same values;
 * rank 0's sums are stored), so nothing is read back. One sum per top-level
 * group ("/" for the root's attributes) lets a refusal say where the file
 * changed. The sums are the root attribute `digest`, written last and left
 * out of itself.
 *
 * This detects edits and damage, not forgery: anyone can recompute it. */

#define DIGEST_PARTS 24

typedef struct digest {
    int n;
    struct {
        char name[48];  /* "/", "/state", "/atoms", ...                 */
        uint64_t h[2];
    } part[DIGEST_PARTS];
} digest;

/* The digest of the file being written (checkpoints are written one at a
 * time), NULL when not writing: attr_write() and the other writers below
 * add what they write to it. */
static digest *wdigest;

static void hash_words(uint64_t h[2], const void *data, size_t n)
{
    const unsigned char *p = data;
    while (n > 0) {
        size_t k = n < 8 ? n : 8;
        uint64_t w = (uint64_t)k << 56; /* a short tail: its length in the top byte */
        memcpy(&w, p, k);
        h[0] = (h[0] ^ w) * 1099511628211ull;
        h[1] = (h[1] + w) * 0xff51afd7ed558ccdull;
        h[1] ^= h[1] >> 31;
        p += k;
        n -= k;
    }
}

/* The sum an item at `path` goes to: its top-level group's. */
static uint64_t *digest_part(digest *dg, const char *path)
{
    char name[48] = "/";
    if (path[0] == '/' && path[1]) {
        size_t k = strcspn(path + 1, "/");
        snprintf(name, sizeof name, "/%.*s", (int)(k < 46 ? k : 46), path + 1);
    }
    for (int k = 0; k < dg->n; k++)
        if (!strcmp(dg->part[k].name, name))
            return dg->part[k].h;
    int k = dg->n < DIGEST_PARTS ? dg->n++ : DIGEST_PARTS - 1; /* more: only in an edited file */
    if (k == DIGEST_PARTS - 1)
        snprintf(name, sizeof name, "(more groups)");
    snprintf(dg->part[k].name, sizeof dg->part[k].name, "%s", name);
    return dg->part[k].h;
}

enum { ITEM_GROUP = 'G', ITEM_DATASET = 'D', ITEM_ATOMS = 'A', ITEM_ATTR = 'a', ITEM_OTHER = '?' };

/* Add an item: kind, the object's path, the attribute's name (or ""), its
 * type and dataspace (either may be -1) and its bytes. */
static void digest_item(digest *dg, int kind, const char *path, const char *name, hid_t type, hid_t space,
                        const void *bytes, size_t nbytes)
{
    unsigned char head[2400];
    size_t len = 0, lp = strlen(path) + 1, ln = strlen(name) + 1;
    if (lp + ln > 2200)
        lp = ln = 1; /* only in an edited file: hashes as something never written */
    head[len++] = (unsigned char)kind;
    memcpy(head + len, path, lp);
    len += lp;
    memcpy(head + len, name, ln);
    len += ln;
    int64_t d[16] = {0};
    int nd = 0;
    if (type >= 0) {
        H5T_class_t c = H5Tget_class(type);
        d[nd++] = c;
        d[nd++] = (int64_t)H5Tget_size(type);
        d[nd++] = c == H5T_INTEGER ? H5Tget_sign(type) : -1;
        d[nd++] = c == H5T_STRING ? H5Tis_variable_str(type) : 0;
    }
    if (space >= 0) {
        hsize_t dims[8];
        int r = H5Sget_simple_extent_ndims(space);
        d[nd++] = H5Sget_simple_extent_type(space);
        d[nd++] = r;
        if (r >= 0 && r <= 8) {
            H5Sget_simple_extent_dims(space, dims, NULL);
            for (int k = 0; k < r && nd < 15; k++)
                d[nd++] = (int64_t)dims[k];
        }
    }
    d[nd++] = (int64_t)nbytes;
    memcpy(head + len, d, (size_t)nd * sizeof d[0]);
    len += (size_t)nd * sizeof d[0];
    uint64_t h[2] = {1469598103934665603ull, 0x6a09e667f3bcc908ull};
    hash_words(h, head, len);
    if (nbytes)
        hash_words(h, bytes, nbytes);
    uint64_t *sum = digest_part(dg, path);
    sum[0] += mix64(h[0]);
    sum[1] += mix64(h[1] ^ 0x3c6ef372fe94f82bull);
}

/* Writing: add an item at object `obj` to the file's digest. */
static void wdigest_item(int kind, hid_t obj, const char *name, hid_t type, hid_t space, const void *bytes,
                         size_t nbytes)
{
    if (!wdigest)
        return;
    char path[1100];
    if (H5Iget_name(obj, path, sizeof path) < 0)
        mg_fail_all("checkpoint: cannot name an object while writing");
    digest_item(wdigest, kind, path, name, type, space, bytes, nbytes);
}

/* A new group, in the digest. */
static hid_t group_create(hid_t loc, const char *name)
{
    hid_t g = H5Gcreate2(loc, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (g >= 0)
        wdigest_item(ITEM_GROUP, g, "", -1, -1, NULL, 0);
    return g;
}

/* ---- small helpers: attributes and rank-0 datasets ---------------------- */

static void attr_write(hid_t obj, const char *name, hid_t type, const void *v, hsize_t n)
{
    hid_t sp = n == 1 ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &n, NULL);
    hid_t a = H5Acreate2(obj, name, type, sp, H5P_DEFAULT, H5P_DEFAULT);
    if (a < 0 || H5Awrite(a, type, v) < 0)
        mg_fail_all("checkpoint: cannot write attribute %s", name);
    wdigest_item(ITEM_ATTR, obj, name, type, sp, v, (size_t)n * H5Tget_size(type));
    H5Aclose(a);
    H5Sclose(sp);
}

static void attr_i64(hid_t o, const char *n, int64_t v) { attr_write(o, n, H5T_NATIVE_INT64, &v, 1); }
static void attr_dbl(hid_t o, const char *n, double v) { attr_write(o, n, H5T_NATIVE_DOUBLE, &v, 1); }
static void attr_dbls(hid_t o, const char *n, const double *v, int k) { attr_write(o, n, H5T_NATIVE_DOUBLE, v, (hsize_t)k); }
static void attr_ints(hid_t o, const char *n, const int *v, int k) { attr_write(o, n, H5T_NATIVE_INT, v, (hsize_t)k); }

static void attr_str(hid_t obj, const char *name, const char *v)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, strlen(v) + 1);
    hid_t sp = H5Screate(H5S_SCALAR);
    hid_t a = H5Acreate2(obj, name, t, sp, H5P_DEFAULT, H5P_DEFAULT);
    if (a < 0 || H5Awrite(a, t, v) < 0)
        mg_fail_all("checkpoint: cannot write attribute %s", name);
    wdigest_item(ITEM_ATTR, obj, name, t, sp, v, strlen(v) + 1);
    H5Aclose(a);
    H5Sclose(sp);
    H5Tclose(t);
}

static int attr_read(hid_t obj, const char *name, hid_t type, void *v, hsize_t n)
{
    if (H5Aexists(obj, name) <= 0)
        return -1;
    hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
    hid_t sp = H5Aget_space(a);
    hssize_t np = H5Sget_simple_extent_npoints(sp);
    int rc = (a >= 0 && np == (hssize_t)n && H5Aread(a, type, v) >= 0) ? 0 : -1;
    H5Sclose(sp);
    H5Aclose(a);
    return rc;
}

/* String attribute, malloc'd; NULL if missing. */
static char *attr_get_str(hid_t obj, const char *name)
{
    if (H5Aexists(obj, name) <= 0)
        return NULL;
    hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
    hid_t t = H5Aget_type(a);
    if (H5Tget_class(t) != H5T_STRING || H5Tis_variable_str(t) > 0) {
        H5Tclose(t);
        H5Aclose(a);
        return NULL;
    }
    size_t len = H5Tget_size(t);
    char *s = mg_calloc(len + 1, 1);
    hid_t mt = H5Tcopy(H5T_C_S1);
    H5Tset_size(mt, len);
    H5Aread(a, mt, s);
    H5Tclose(mt);
    H5Tclose(t);
    H5Aclose(a);
    return s;
}

/* Dataset of n elements filled by rank 0 (same values on every rank).
 * Strings go in as fixed-length text (h5dump shows them as written). */
static void small_write(hid_t loc, const char *name, hid_t type, const void *v, hsize_t n, hid_t xfer)
{
    hsize_t dim = n > 0 ? n : 1;
    hid_t sp = H5Screate_simple(1, &dim, NULL);
    hid_t d = H5Dcreate2(loc, name, type, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (d < 0)
        mg_fail_all("checkpoint: cannot create dataset %s", name);
    static const char zero[64];
    const void *data = n > 0 ? v : (const void *)zero; /* empty: one zero, written (the digest hashes it) */
    wdigest_item(ITEM_DATASET, d, "", type, sp, data, (size_t)dim * H5Tget_size(type));
    hid_t ms = H5Screate_simple(1, &dim, NULL);
    if (par_rank() != 0) {
        H5Sselect_none(ms);
        H5Sselect_none(sp);
    }
    if (H5Dwrite(d, type, ms, sp, xfer, data) < 0)
        mg_fail_all("checkpoint: cannot write dataset %s", name);
    H5Sclose(ms);
    H5Sclose(sp);
    H5Dclose(d);
}

static void text_write(hid_t loc, const char *name, const char *text, hid_t xfer)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, strlen(text) + 1);
    hid_t sp = H5Screate(H5S_SCALAR);
    hid_t d = H5Dcreate2(loc, name, t, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (d < 0)
        mg_fail_all("checkpoint: cannot create dataset %s", name);
    wdigest_item(ITEM_DATASET, d, "", t, sp, text, strlen(text) + 1);
    hid_t ms = H5Screate(H5S_SCALAR);
    if (par_rank() != 0) {
        H5Sselect_none(ms);
        H5Sselect_none(sp);
    }
    if (H5Dwrite(d, t, ms, sp, xfer, text) < 0)
        mg_fail_all("checkpoint: cannot write dataset %s", name);
    H5Sclose(ms);
    H5Sclose(sp);
    H5Dclose(d);
    H5Tclose(t);
}

static char *text_read(hid_t loc, const char *name)
{
    if (H5Lexists(loc, name, H5P_DEFAULT) <= 0)
        return NULL;
    hid_t d = H5Dopen2(loc, name, H5P_DEFAULT);
    hid_t t = H5Dget_type(d);
    size_t len = H5Tget_size(t);
    char *s = mg_calloc(len + 1, 1);
    hid_t mt = H5Tcopy(H5T_C_S1);
    H5Tset_size(mt, len);
    int ok = H5Dread(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, s) >= 0;
    H5Tclose(mt);
    H5Tclose(t);
    H5Dclose(d);
    if (!ok) {
        free(s);
        return NULL;
    }
    return s;
}

/* Reading: the digest of every item of an open file, in name order. */
typedef struct dvisit {
    digest dg;
    char path[1100];
    size_t limit;    /* the file's size: no item holds more bytes */
} dvisit;

/* An attribute of the object at v->path (the root's digest excepted). */
/* The memory type (*mt, -1 if none) and a buffer for the value of an
 * attribute or small dataset of file type ft and space sp: fixed strings
 * and numbers up to `limit` bytes; NULL for others (their type alone goes
 * into the digest). */
static void *small_buffer(hid_t ft, hid_t sp, size_t limit, hid_t *mt, size_t *nb)
{
    H5T_class_t c = H5Tget_class(ft);
    *mt = -1;
    if (c == H5T_STRING && H5Tis_variable_str(ft) == 0)
        *mt = H5Tcopy(ft);
    else if (c == H5T_INTEGER || c == H5T_FLOAT)
        *mt = H5Tget_native_type(ft, H5T_DIR_ASCEND);
    hssize_t np = H5Sget_simple_extent_npoints(sp);
    *nb = *mt >= 0 && np >= 0 ? (size_t)np * H5Tget_size(*mt) : 0;
    return *nb && *nb <= limit ? mg_malloc(*nb) : NULL;
}

static herr_t digest_attr(hid_t obj, const char *name, const H5A_info_t *info, void *op)
{
    (void)info;
    dvisit *v = op;
    if (!strcmp(v->path, "/") && !strcmp(name, "digest"))
        return 0;
    hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
    if (a < 0) {
        digest_item(&v->dg, ITEM_OTHER, v->path, name, -1, -1, NULL, 0);
        return 0;
    }
    hid_t ft = H5Aget_type(a), sp = H5Aget_space(a), mt;
    size_t nb;
    void *buf = small_buffer(ft, sp, v->limit, &mt, &nb);
    if (buf && H5Aread(a, mt, buf) < 0) {
        free(buf);
        buf = NULL;
    }
    /* Others (variable-length strings, compounds): mgmd writes none, so the
     * type alone makes the item differ. */
    if (buf)
        digest_item(&v->dg, ITEM_ATTR, v->path, name, mt, sp, buf, nb);
    else
        digest_item(&v->dg, ITEM_OTHER, v->path, name, ft, sp, NULL, 0);
    free(buf);
    if (mt >= 0)
        H5Tclose(mt);
    H5Tclose(ft);
    H5Sclose(sp);
    H5Aclose(a);
    return 0;
}

static void digest_attrs(hid_t obj, dvisit *v)
{
    hsize_t idx = 0;
    if (H5Aiterate2(obj, H5_INDEX_NAME, H5_ITER_INC, &idx, digest_attr, v) < 0)
        digest_item(&v->dg, ITEM_OTHER, v->path, "(attributes unreadable)", -1, -1, NULL, 0);
}

/* A link below the root: its object, then the object's attributes. */
static herr_t digest_link(hid_t root, const char *name, const H5L_info_t *info, void *op)
{
    dvisit *v = op;
    snprintf(v->path, sizeof v->path, "/%s", name);
    hid_t o = info->type == H5L_TYPE_HARD ? H5Oopen(root, name, H5P_DEFAULT) : -1;
    H5I_type_t t = o >= 0 ? H5Iget_type(o) : H5I_BADID;
    if (t == H5I_GROUP) {
        digest_item(&v->dg, ITEM_GROUP, v->path, "", -1, -1, NULL, 0);
    } else if (t == H5I_DATASET) {
        hid_t ft = H5Dget_type(o), sp = H5Dget_space(o), mt = -1;
        H5T_class_t c = H5Tget_class(ft);
        if (!strncmp(v->path, "/atoms/", 7)) {
            /* Per-atom: bound by its checksum attribute (verified on reading). */
            mt = c == H5T_INTEGER || c == H5T_FLOAT ? H5Tget_native_type(ft, H5T_DIR_ASCEND) : H5Tcopy(ft);
            digest_item(&v->dg, ITEM_ATOMS, v->path, "", mt, sp, NULL, 0);
        } else {
            size_t nb;
            void *buf = small_buffer(ft, sp, v->limit, &mt, &nb);
            if (buf && H5Dread(o, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0) {
                free(buf);
                buf = NULL;
            }
            if (buf)
                digest_item(&v->dg, ITEM_DATASET, v->path, "", mt, sp, buf, nb);
            else
                digest_item(&v->dg, ITEM_OTHER, v->path, "", ft, sp, NULL, 0);
            free(buf);
        }
        if (mt >= 0)
            H5Tclose(mt);
        H5Tclose(ft);
        H5Sclose(sp);
    } else {
        /* Soft and external links, named types: mgmd writes none. */
        digest_item(&v->dg, ITEM_OTHER, v->path, "", -1, -1, NULL, 0);
    }
    if (o >= 0) {
        digest_attrs(o, v);
        H5Oclose(o);
    }
    return 0;
}

/* Check the stored digest against the file (every rank computes it; all
 * agree). Returns 0, or -1 with the reason in why. */
static int check_digest(hid_t file, const char *path, char *why, size_t whylen)
{
    char *stored = attr_get_str(file, "digest");
    dvisit *v = mg_calloc(1, sizeof *v);
    snprintf(v->path, sizeof v->path, "/");
    hsize_t fsize = 0;
    H5Fget_filesize(file, &fsize);
    v->limit = (size_t)fsize;
    digest_attrs(file, v);
    if (H5Lvisit(file, H5_INDEX_NAME, H5_ITER_INC, digest_link, v) < 0)
        digest_item(&v->dg, ITEM_OTHER, "/", "(links unreadable)", -1, -1, NULL, 0);
    char msg[700] = "";
    if (!stored) {
        snprintf(msg, sizeof msg, "%s has no digest (root attribute 'digest'): it was not written whole by this "
                 "mgmd, or has been edited", path);
    } else {
        /* "NAME HEX HEX" a line, one per top-level group. */
        int seen[DIGEST_PARTS] = {0};
        char *save = NULL;
        for (char *ln = strtok_r(stored, "\n", &save); ln && !msg[0]; ln = strtok_r(NULL, "\n", &save)) {
            char name[64];
            unsigned long long h0, h1;
            if (sscanf(ln, "%63s %llx %llx", name, &h0, &h1) != 3) {
                snprintf(msg, sizeof msg, "%s: its digest attribute is garbled", path);
                break;
            }
            int k = 0;
            while (k < v->dg.n && strcmp(v->dg.part[k].name, name))
                k++;
            if (k == v->dg.n)
                snprintf(msg, sizeof msg, "%s: %s is gone (renamed or deleted since mgmd wrote the file, "
                         "which its digest records)", path, name);
            else if (v->dg.part[k].h[0] != h0 || v->dg.part[k].h[1] != h1)
                snprintf(msg, sizeof msg, "%s: %s does not match the digest written with it: an attribute or "
                         "dataset in it was edited, added, removed, renamed or swapped since mgmd wrote the "
                         "file (or the file is damaged)", path, name);
            else
                seen[k] = 1;
        }
        for (int k = 0; k < v->dg.n && !msg[0]; k++)
            if (!seen[k])
                snprintf(msg, sizeof msg, "%s: %s is not in the digest written with the file (added since "
                         "mgmd wrote it)", path, v->dg.part[k].name);
    }
    free(stored);
    free(v);
    /* Rank 0's verdict (all read the same bytes; this keeps them agreeing). */
    par_bcast_bytes(msg, sizeof msg, 0);
    if (msg[0])
        snprintf(why, whylen, "%s", msg);
    return msg[0] ? -1 : 0;
}

/* Writing: the digest, last; every rank stores rank 0's sums. */
static void write_digest(hid_t f, digest *dg)
{
    par_bcast_bytes(dg, sizeof *dg, 0);
    char text[DIGEST_PARTS * 90] = "";
    size_t len = 0;
    for (int k = 0; k < dg->n; k++)
        len += (size_t)snprintf(text + len, sizeof text - len, "%s %016llx %016llx\n", dg->part[k].name,
                                (unsigned long long)dg->part[k].h[0], (unsigned long long)dg->part[k].h[1]);
    attr_str(f, "digest", text);
}

/* ---- per-atom arrays ----------------------------------------------------- */

typedef struct slab {
    int64_t natoms, offset, n; /* global rows, this rank's first row and count */
    hid_t xfer;
} slab;

/* Write rows of `width` elements of `type` (this rank's n rows at offset). */
static void atoms_write_array(hid_t g, const char *name, hid_t type, const void *data, int width, const slab *sl,
                              const char *unit)
{
    hsize_t dims[2] = {(hsize_t)sl->natoms, (hsize_t)width};
    hid_t fs = H5Screate_simple(width > 1 ? 2 : 1, dims, NULL);
    hid_t d = H5Dcreate2(g, name, type, fs, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (d < 0)
        mg_fail_all("checkpoint: cannot create dataset atoms/%s", name);
    wdigest_item(ITEM_ATOMS, d, "", type, fs, NULL, 0); /* its rows: by the checksum attribute */
    hsize_t start[2] = {(hsize_t)sl->offset, 0}, count[2] = {(hsize_t)sl->n, (hsize_t)width};
    H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, count, NULL);
    hid_t ms = H5Screate_simple(width > 1 ? 2 : 1, count, NULL);
    if (sl->n == 0) {
        H5Sselect_none(fs);
        H5Sselect_none(ms);
    }
    size_t esz = H5Tget_size(type);
    static const char dummy[8];
    if (H5Dwrite(d, type, ms, fs, sl->xfer, sl->n ? data : (const void *)dummy) < 0)
        mg_fail_all("checkpoint: writing atoms/%s failed", name);
    int64_t sum[2];
    checksum_rows(data, sl->offset, sl->n, esz * (size_t)width, sum);
    attr_write(d, "checksum", H5T_NATIVE_INT64, sum, 2);
    if (unit)
        attr_str(d, "unit", unit);
    H5Sclose(ms);
    H5Sclose(fs);
    H5Dclose(d);
}

/* Read rows [offset, offset+n) into data; verify the checksum (collective).
 * Returns 0, or -1 with why filled. */
static int atoms_read_array(hid_t g, const char *name, hid_t type, void *data, int width, const slab *sl, char *why,
                            size_t whylen)
{
    int bad = 0;
    hid_t d = -1, fs = -1, ms = -1;
    if (H5Lexists(g, name, H5P_DEFAULT) <= 0) {
        snprintf(why, whylen, "dataset atoms/%s is missing", name);
        return -1;
    }
    d = H5Dopen2(g, name, H5P_DEFAULT);
    fs = H5Dget_space(d);
    hsize_t dims[2] = {0, 1};
    int rank = H5Sget_simple_extent_ndims(fs);
    H5Sget_simple_extent_dims(fs, dims, NULL);
    if ((int64_t)dims[0] != sl->natoms || (rank == 2 ? (int)dims[1] : 1) != width) {
        snprintf(why, whylen, "dataset atoms/%s has shape %llux%llu, but the file records %lld atoms (/state "
                 "natoms) and %d values per atom", name, (unsigned long long)dims[0],
                 (unsigned long long)(rank == 2 ? dims[1] : 1), (long long)sl->natoms, width);
        H5Sclose(fs);
        H5Dclose(d);
        return -1;
    }
    hsize_t start[2] = {(hsize_t)sl->offset, 0}, count[2] = {(hsize_t)sl->n, (hsize_t)width};
    H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, count, NULL);
    ms = H5Screate_simple(rank, count, NULL);
    if (sl->n == 0) {
        H5Sselect_none(fs);
        H5Sselect_none(ms);
    }
    char dummy[8];
    bad = H5Dread(d, type, ms, fs, sl->xfer, sl->n ? data : (void *)dummy) < 0;
    bad = par_max_int(bad);
    int64_t want[2] = {0, 0}, got[2];
    if (!bad) {
        checksum_rows(data, sl->offset, sl->n, H5Tget_size(type) * (size_t)width, got);
        if (attr_read(d, "checksum", H5T_NATIVE_INT64, want, 2) != 0 || want[0] != got[0] || want[1] != got[1])
            bad = 2;
    }
    H5Sclose(ms);
    H5Sclose(fs);
    H5Dclose(d);
    if (bad)
        snprintf(why, whylen, bad == 2 ? "dataset atoms/%s fails its checksum (the file is damaged)"
                                       : "dataset atoms/%s cannot be read (the file is truncated or damaged)",
                 name);
    return bad ? -1 : 0;
}

/* ---- writing ------------------------------------------------------------- */

/* Fault injection for the tests that kill a run mid-write
 * (tests/checkpoint): MGMD_TEST_CHECKPOINT_STALL=PHASE:SECONDS:SEQ sleeps
 * while writing checkpoint number SEQ at PHASE (atoms: after the per-atom
 * data; close: before closing the file; rename: flushed, not yet renamed). */
static void test_stall(const char *phase, int64_t seq)
{
    const char *v = getenv("MGMD_TEST_CHECKPOINT_STALL");
    size_t n = strlen(phase);
    const char *q = v ? strrchr(v, ':') : NULL;
    if (v && !strncmp(v, phase, n) && v[n] == ':' && q && atoll(q + 1) == seq) {
        if (par_rank() == 0) {
            printf("checkpoint: stalling at '%s' (MGMD_TEST_CHECKPOINT_STALL)\n", phase);
            fflush(stdout);
        }
        sleep((unsigned)atoi(v + n + 1));
    }
}

/* ---- sections ------------------------------------------------------------ */

static void write_sections(hid_t f, const ckpt_sections *sec, hid_t xfer)
{
    hid_t g = group_create(f, "sections");
    if (g < 0)
        mg_fail_all("checkpoint: cannot create group /sections");
    for (int k = 0; k < sec->n; k++) {
        struct ckpt_state c = {group_create(g, sec->s[k].name), 1, xfer};
        if (c.group < 0)
            mg_fail_all("checkpoint: cannot create group /sections/%s", sec->s[k].name);
        sec->s[k].save(sec->s[k].ctx, &c);
        H5Gclose(c.group);
    }
    H5Gclose(g);
}

static void write_file(const char *path, md *s, const ckpt_sections *sec, const ckpt_meta *m)
{
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    H5Pset_fapl_mpio(fapl, MPI_COMM_WORLD, MPI_INFO_NULL);
    /* Superblock v2 and later object headers carry metadata checksums. */
    H5Pset_libver_bounds(fapl, H5F_LIBVER_V18, H5F_LIBVER_LATEST);
    hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
    H5Pclose(fapl);
    if (f < 0)
        mg_fail_all("checkpoint: cannot create %s", path);
    hid_t xfer = H5Pcreate(H5P_DATASET_XFER);
    H5Pset_dxpl_mpio(xfer, H5FD_MPIO_COLLECTIVE);
    digest dgst;
    memset(&dgst, 0, sizeof dgst);
    wdigest = &dgst;

    /* Root: what this is. */
    attr_str(f, "format", CKPT_FORMAT);
    attr_i64(f, "format_version", CKPT_VERSION);
    attr_str(f, "creator", "mgmd " MGMD_VERSION " (git " MGMD_GIT_HASH ")");
    attr_str(f, "units", "metal: lengths Angstrom, times ps, velocities Angstrom/ps, forces eV/Angstrom, "
                         "energies eV, masses g/mol, temperatures K, pressures bar");
    char when[64];
    time_t now = time(NULL);
    if (par_rank() == 0)
        strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S%z", localtime(&now));
    par_bcast_bytes(when, sizeof when, 0);
    attr_str(f, "created", when);
    attr_i64(f, "sequence", m->seq);
    attr_i64(f, "nranks", par_size());

    /* The clock and the box. */
    hid_t st = group_create(f, "state");
    attr_i64(st, "step", s->step);
    attr_dbl(st, "time", s->time);
    attr_dbl(st, "dt", s->dt);
    attr_i64(st, "natoms", s->atoms.natoms);
    attr_dbl(st, "bath_energy", s->bath_energy);
    attr_ints(st, "procs", s->procs, 3);
    attr_str(st, "units", "time ps, dt ps, bath_energy eV");
    H5Gclose(st);
    hid_t bx = group_create(f, "box");
    attr_dbls(bx, "lo", s->box.lo, 3);
    attr_dbls(bx, "hi", s->box.hi, 3);
    double tilt[3] = {s->box.xy, s->box.xz, s->box.yz};
    attr_dbls(bx, "tilt", tilt, 3);
    attr_dbls(bx, "tilt_flipped", s->box.tilt_flipped, 3);
    int tri = s->box.triclinic;
    attr_ints(bx, "triclinic", &tri, 1);
    char bnd[4] = {s->box.boundary[0], s->box.boundary[1], s->box.boundary[2], '\0'};
    attr_str(bx, "boundary", bnd);
    attr_str(bx, "unit", "Angstrom (LAMMPS convention: tilt = xy xz yz)");
    H5Gclose(bx);
    hid_t ty = group_create(f, "types");
    int nt = s->atoms.ntypes;
    attr_ints(ty, "ntypes", &nt, 1);
    attr_dbls(ty, "mass", s->atoms.mass + 1, nt);
    char *elem = mg_calloc((size_t)nt * (ATOMS_NAME_LEN + 1) + 1, 1);
    for (int t = 1; t <= nt; t++) {
        strcat(elem, s->atoms.element[t][0] ? s->atoms.element[t] : "-");
        if (t < nt)
            strcat(elem, " ");
    }
    attr_str(ty, "elements", elem);
    free(elem);
    attr_str(ty, "unit", "mass g/mol");
    H5Gclose(ty);
    if (s->pot) {
        /* Which tables the forces came from: a restart that reads different
         * ones would silently continue with other dynamics. */
        static const char *style[] = {"eam", "eam/alloy", "eam/fs"};
        hid_t pg = group_create(f, "potential");
        attr_str(pg, "style", style[s->pot->style]);
        attr_i64(pg, "table_hash", (int64_t)s->pot->hash);
        attr_dbl(pg, "cutoff", s->pot->cut);
        attr_str(pg, "unit", "cutoff Angstrom; table_hash: 64-bit FNV-1a of every tabulated value");
        H5Gclose(pg);
    }

    /* The sections first: the outputs' section flushes their files, so
     * the lengths recorded are on disk before anything else is written. */
    write_sections(f, sec, xfer);

    /* Atoms, each rank its slab in its own order. */
    atoms *a = &s->atoms;
    slab sl = {a->natoms, par_exscan_i64(a->nlocal), a->nlocal, xfer};
    hid_t ag = group_create(f, "atoms");
    atoms_write_array(ag, "id", H5T_NATIVE_INT64, a->id, 1, &sl, NULL);
    atoms_write_array(ag, "type", H5T_NATIVE_INT, a->type, 1, &sl, NULL);
    atoms_write_array(ag, "position", H5T_NATIVE_DOUBLE, a->x, 3, &sl, "Angstrom");
    atoms_write_array(ag, "velocity", H5T_NATIVE_DOUBLE, a->v, 3, &sl, "Angstrom/ps");
    atoms_write_array(ag, "image", H5T_NATIVE_INT, a->image, 3, &sl, NULL);
    atoms_write_array(ag, "mask", H5T_NATIVE_UINT64, a->mask, 1, &sl, NULL);
    if (a->nprop) {
        hid_t pg = group_create(ag, "properties");
        for (int k = 0; k < a->nprop; k++) {
            int w = a->prop[k].width;
            atoms_write_array(pg, a->prop[k].name, H5T_NATIVE_DOUBLE, a->prop[k].data, w, &sl, NULL);
        }
        H5Gclose(pg);
    }
    H5Gclose(ag);
    test_stall("atoms", m->seq);


    /* The deck and where we are in it. */
    hid_t dg = group_create(f, "deck");
    attr_str(dg, "path", m->deck_path);
    attr_str(dg, "dir", m->deck_dir);
    attr_i64(dg, "command", m->pos.command);
    attr_i64(dg, "line", m->pos.line);
    attr_i64(dg, "stage", m->pos.stage);
    attr_i64(dg, "done", m->pos.done);
    attr_i64(dg, "run_steps", m->pos.run_steps);
    attr_dbl(dg, "run_t0", m->pos.run_t0);
    text_write(dg, "text", m->deck_text, xfer);
    text_write(dg, "commands", m->commands, xfer);
    text_write(dg, "sources", m->sources, xfer);
    text_write(dg, "decisions", m->decisions, xfer);
    text_write(dg, "where", m->where, xfer);
    text_write(dg, "cmdline_vars", m->cmdline_vars, xfer);
    H5Gclose(dg);

    /* Last, over everything above. */
    wdigest = NULL;
    write_digest(f, &dgst);

    H5Pclose(xfer);
    test_stall("close", m->seq);
    if (H5Fclose(f) < 0)
        mg_fail_all("checkpoint: closing %s failed (disk full?)", path);
}

void ckpt_write(const char *path, md *s, const ckpt_sections *sec, const ckpt_meta *m)
{
    char tmp[1100];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    write_file(tmp, s, sec, m);
    /* Data on disk before the name: a crash leaves either the old file or
     * the complete new one under `path`. */
    char err[2600] = "";
    if (par_rank() == 0) {
        int fd = open(tmp, O_RDONLY);
        if (fd < 0 || fsync(fd) != 0)
            snprintf(err, sizeof err, "checkpoint: cannot flush %s to disk: %s", tmp, strerror(errno));
        if (fd >= 0)
            close(fd);
        if (!err[0])
            test_stall("rename", m->seq);
        if (!err[0] && rename(tmp, path) != 0)
            snprintf(err, sizeof err, "checkpoint: cannot rename %s to %s: %s", tmp, path, strerror(errno));
        if (!err[0]) {
            char dir[1100];
            snprintf(dir, sizeof dir, "%s", path);
            char *slash = strrchr(dir, '/');
            if (slash)
                *slash = '\0';
            else
                snprintf(dir, sizeof dir, ".");
            int dfd = open(dir, O_RDONLY | O_DIRECTORY);
            if (dfd >= 0) {
                fsync(dfd);
                close(dfd);
            }
        }
    }
    par_bcast_bytes(err, sizeof err, 0);
    if (err[0])
        mg_fail_all("%s", err);
}

/* ---- reading ------------------------------------------------------------- */

static void meta_free(ckpt_meta *m)
{
    free(m->deck_path);
    free(m->deck_dir);
    free(m->deck_text);
    free(m->commands);
    free(m->sources);
    free(m->decisions);
    free(m->where);
    free(m->cmdline_vars);
    memset(m, 0, sizeof *m);
}

void ckpt_close(ckpt_file *f)
{
    if (!f)
        return;
    if (f->file >= 0)
        H5Fclose(f->file);
    meta_free(&f->meta);
    free(f);
}

const ckpt_meta *ckpt_meta_of(const ckpt_file *f) { return &f->meta; }

static slab read_slab(const ckpt_file *f, hid_t xfer)
{
    int p = par_size(), r = par_rank();
    int64_t n = f->natoms, per = n / p, extra = n % p;
    slab sl;
    sl.natoms = n;
    sl.offset = (int64_t)r * per + (r < extra ? r : extra);
    sl.n = per + (r < extra ? 1 : 0);
    sl.xfer = xfer;
    return sl;
}

/* How far outside the box (a fraction of its length) a stored atom may be:
 * positions are wrapped at each rebuild and move less than half the skin
 * before the next, so any real checkpoint is far inside this; beyond it the
 * box and the positions do not belong together. */
#define CKPT_BOX_SLACK 0.5

/* Read every per-atom array of the file (validating all of them). When s is
 * not NULL, put the atoms into it (each rank a slab, then migrate). */
static int read_atoms(ckpt_file *f, md *s, char *why, size_t whylen)
{
    hid_t xfer = H5Pcreate(H5P_DATASET_XFER);
    H5Pset_dxpl_mpio(xfer, H5FD_MPIO_COLLECTIVE);
    slab sl = read_slab(f, xfer);
    size_t n = (size_t)sl.n;
    int64_t *id = mg_malloc((n ? n : 1) * sizeof *id);
    int *type = mg_malloc((n ? n : 1) * sizeof *type);
    double (*x)[3] = mg_malloc((n ? n : 1) * sizeof *x);
    double (*v)[3] = mg_malloc((n ? n : 1) * sizeof *v);
    int (*img)[3] = mg_malloc((n ? n : 1) * sizeof *img);
    uint64_t *mask = mg_malloc((n ? n : 1) * sizeof *mask);
    hid_t ag = H5Gopen2(f->file, "atoms", H5P_DEFAULT);
    int bad = ag < 0;
    if (bad)
        snprintf(why, whylen, "group /atoms is missing");
    if (!bad) bad = atoms_read_array(ag, "id", H5T_NATIVE_INT64, id, 1, &sl, why, whylen);
    if (!bad) bad = atoms_read_array(ag, "type", H5T_NATIVE_INT, type, 1, &sl, why, whylen);
    if (!bad) bad = atoms_read_array(ag, "position", H5T_NATIVE_DOUBLE, x, 3, &sl, why, whylen);
    if (!bad) bad = atoms_read_array(ag, "velocity", H5T_NATIVE_DOUBLE, v, 3, &sl, why, whylen);
    if (!bad) bad = atoms_read_array(ag, "image", H5T_NATIVE_INT, img, 3, &sl, why, whylen);
    if (!bad) bad = atoms_read_array(ag, "mask", H5T_NATIVE_UINT64, mask, 1, &sl, why, whylen);
    /* Properties: all validated; those s knows are kept. */
    double **pdata = NULL;
    int *pidx = NULL, np = 0;
    if (!bad && H5Lexists(ag, "properties", H5P_DEFAULT) > 0) {
        hid_t pg = H5Gopen2(ag, "properties", H5P_DEFAULT);
        H5G_info_t info;
        H5Gget_info(pg, &info);
        np = (int)info.nlinks;
        pdata = mg_calloc((size_t)np + 1, sizeof *pdata);
        pidx = mg_calloc((size_t)np + 1, sizeof *pidx);
        for (int k = 0; k < np && !bad; k++) {
            char name[64];
            H5Lget_name_by_idx(pg, ".", H5_INDEX_NAME, H5_ITER_INC, (hsize_t)k, name, sizeof name, H5P_DEFAULT);
            hid_t d = H5Dopen2(pg, name, H5P_DEFAULT);
            hid_t sp = H5Dget_space(d);
            hsize_t dims[2] = {0, 1};
            int rk = H5Sget_simple_extent_ndims(sp);
            H5Sget_simple_extent_dims(sp, dims, NULL);
            H5Sclose(sp);
            H5Dclose(d);
            int w = rk == 2 ? (int)dims[1] : 1;
            pdata[k] = mg_malloc((n ? n : 1) * (size_t)w * sizeof(double));
            bad = atoms_read_array(pg, name, H5T_NATIVE_DOUBLE, pdata[k], w, &sl, why, whylen);
            pidx[k] = s ? atoms_find_prop(&s->atoms, name) : -1;
            if (pidx[k] >= 0 && s->atoms.prop[pidx[k]].width != w)
                pidx[k] = -1;
        }
        H5Gclose(pg);
    }
    if (ag >= 0)
        H5Gclose(ag);
    H5Pclose(xfer);
    bad = par_max_int(bad != 0);
    if (!bad && !s) {
        /* Validating: each atom against the records (the first bad one of
         * the highest rank that has one is named). */
        char mine[400] = "";
        for (size_t i = 0; i < n && !mine[0]; i++) {
            double l[3];
            box_to_lamda(&f->box, x[i], l);
            if (id[i] < 1)
                snprintf(mine, sizeof mine, "atoms/id row %lld holds %lld (ids are positive)",
                         (long long)(sl.offset + (int64_t)i), (long long)id[i]);
            else if (type[i] < 1 || type[i] > f->ntypes)
                snprintf(mine, sizeof mine, "atom %lld has type %d, but the file has %d types (/types ntypes)",
                         (long long)id[i], type[i], f->ntypes);
            else if (!isfinite(x[i][0] + x[i][1] + x[i][2]) || !isfinite(v[i][0] + v[i][1] + v[i][2]))
                snprintf(mine, sizeof mine, "atom %lld has a position or velocity that is not finite",
                         (long long)id[i]);
            for (int d = 0; d < 3 && !mine[0]; d++)
                if (!(l[d] >= -CKPT_BOX_SLACK && l[d] <= 1 + CKPT_BOX_SLACK))
                    snprintf(mine, sizeof mine, "atom %lld at (%g, %g, %g) Angstrom is outside the box "
                             "(%g..%g, %g..%g, %g..%g) by more than %g of its length along %c: the box and the "
                             "positions disagree", (long long)id[i], x[i][0], x[i][1], x[i][2], f->box.lo[0],
                             f->box.hi[0], f->box.lo[1], f->box.hi[1], f->box.lo[2], f->box.hi[2], CKPT_BOX_SLACK,
                             "xyz"[d]);
        }
        int who = par_max_int(mine[0] ? par_rank() : -1);
        if (who >= 0) {
            par_bcast_bytes(mine, sizeof mine, who);
            snprintf(why, whylen, "%s", mine);
            bad = 1;
        }
    }
    if (!bad && s) {
        atoms *a = &s->atoms;
        a->nlocal = a->nghost = 0;
        a->natoms = f->natoms;
        atoms_reserve(a, (int)n);
        for (size_t i = 0; i < n; i++) {
            if (type[i] < 1 || type[i] > a->ntypes)
                mg_fail_one("checkpoint %s: atom %lld has type %d, outside 1..%d", f->path, (long long)id[i],
                            type[i], a->ntypes);
            int j = atoms_add(a, id[i], type[i], x[i], v[i], img[i]);
            a->mask[j] = mask[i] | 1; /* bit 0: all */
            for (int k = 0; k < np; k++)
                if (pidx[k] >= 0) {
                    int w = a->prop[pidx[k]].width;
                    memcpy(a->prop[pidx[k]].data + (size_t)j * (size_t)w, pdata[k] + i * (size_t)w,
                           (size_t)w * sizeof(double));
                }
        }
    }
    for (int k = 0; k < np; k++)
        free(pdata ? pdata[k] : NULL);
    free(pdata);
    free(pidx);
    free(id);
    free(type);
    free(x);
    free(v);
    free(img);
    free(mask);
    return bad ? -1 : 0;
}

/* More types than any alloy deck has: a larger count is a damaged record. */
#define CKPT_MAX_TYPES 4096

static int count_lines(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

/* What the file says against itself: the box, the types, the clock and the
 * deck position (the atoms: read_atoms). The digest says the file is as
 * written; these say that what was written makes sense, so a file that
 * passes (whoever made it) cannot send the restart somewhere undefined.
 * Returns 0, or -1 with the reason in why (every rank reads the same). */
static int check_records(ckpt_file *f, char *why, size_t whylen)
{
    const ckpt_meta *m = &f->meta;
    hid_t bx = H5Gopen2(f->file, "box", H5P_DEFAULT);
    hid_t ty = H5Gopen2(f->file, "types", H5P_DEFAULT);
    hid_t st = H5Gopen2(f->file, "state", H5P_DEFAULT);
    box b;
    memset(&b, 0, sizeof b);
    double tilt[3] = {0, 0, 0}, *mass = NULL, time = 0, dt = 0, bath = 0;
    int tri = -1, nt = 0;
    int64_t step = -1;
    char *bnd = bx >= 0 ? attr_get_str(bx, "boundary") : NULL;
    char *elem = ty >= 0 ? attr_get_str(ty, "elements") : NULL;
    int bad = bx < 0 || ty < 0 || st < 0;
    if (!bad)
        bad = attr_read(bx, "lo", H5T_NATIVE_DOUBLE, b.lo, 3) | attr_read(bx, "hi", H5T_NATIVE_DOUBLE, b.hi, 3) |
              attr_read(bx, "tilt", H5T_NATIVE_DOUBLE, tilt, 3) |
              attr_read(bx, "triclinic", H5T_NATIVE_INT, &tri, 1) | attr_read(ty, "ntypes", H5T_NATIVE_INT, &nt, 1) |
              attr_read(st, "step", H5T_NATIVE_INT64, &step, 1) | attr_read(st, "time", H5T_NATIVE_DOUBLE, &time, 1) |
              attr_read(st, "dt", H5T_NATIVE_DOUBLE, &dt, 1) |
              attr_read(st, "bath_energy", H5T_NATIVE_DOUBLE, &bath, 1) || !bnd || !elem;
    /* Tilt removed by flips (box.h): absent in files of boxes written before
     * flips were recorded, which never flipped. */
    double flipped[3] = {0, 0, 0};
    if (!bad && H5Aexists(bx, "tilt_flipped") > 0)
        bad = attr_read(bx, "tilt_flipped", H5T_NATIVE_DOUBLE, flipped, 3) != 0;
    int nmass = -1;
    if (!bad && H5Aexists(ty, "mass") > 0) {
        hid_t a = H5Aopen(ty, "mass", H5P_DEFAULT);
        hid_t sp = H5Aget_space(a);
        nmass = (int)H5Sget_simple_extent_npoints(sp);
        H5Sclose(sp);
        H5Aclose(a);
        if (nmass == nt && nt >= 1 && nt <= CKPT_MAX_TYPES) {
            mass = mg_malloc((size_t)nt * sizeof *mass);
            if (attr_read(ty, "mass", H5T_NATIVE_DOUBLE, mass, (hsize_t)nt) != 0)
                nmass = -1;
        }
    }
    if (bx >= 0)
        H5Gclose(bx);
    if (ty >= 0)
        H5Gclose(ty);
    if (st >= 0)
        H5Gclose(st);
    const char *P = f->path;
    /* The atom count against the rows, before anything is sized by it. */
    hsize_t rows[2] = {0, 0};
    hid_t ids = H5Lexists(f->file, "atoms", H5P_DEFAULT) > 0 && H5Lexists(f->file, "atoms/id", H5P_DEFAULT) > 0
                    ? H5Dopen2(f->file, "atoms/id", H5P_DEFAULT)
                    : -1;
    if (ids >= 0) {
        hid_t sp = H5Dget_space(ids);
        if (H5Sget_simple_extent_ndims(sp) != 1 || H5Sget_simple_extent_dims(sp, rows, NULL) < 0)
            rows[0] = (hsize_t)-1;
        H5Sclose(sp);
        H5Dclose(ids);
    }
    if (bad)
        snprintf(why, whylen, "%s: its box, type or clock records are incomplete", P);
    else if (ids < 0)
        snprintf(why, whylen, "%s: dataset atoms/id is missing", P);
    else if (f->natoms < 0 || (hsize_t)f->natoms != rows[0])
        snprintf(why, whylen, "%s: the file records %lld atoms (/state natoms) but atoms/id has %lld rows", P,
                 (long long)f->natoms, (long long)rows[0]);
    hsize_t fsize = 0;
    H5Fget_filesize(f->file, &fsize);
    if (!why[0] && (hsize_t)f->natoms > fsize / 8) /* 8 bytes of id each, at least */
        snprintf(why, whylen, "%s: the file is %llu bytes, too short to hold the %lld atoms it records", P,
                 (unsigned long long)fsize, (long long)f->natoms);
    /* The box. */
    for (int d = 0; d < 3 && !why[0]; d++)
        if (!isfinite(b.lo[d]) || !isfinite(b.hi[d]) || !(b.hi[d] > b.lo[d]))
            snprintf(why, whylen, "%s: the box is not a box: along %c, lo = %g and hi = %g Angstrom (hi must "
                     "exceed lo, both finite)", P, "xyz"[d], b.lo[d], b.hi[d]);
    if (!why[0] && (!isfinite(tilt[0]) || !isfinite(tilt[1]) || !isfinite(tilt[2]) || !isfinite(flipped[0]) ||
                    !isfinite(flipped[1]) || !isfinite(flipped[2])))
        snprintf(why, whylen, "%s: the box's tilts are not finite", P);
    if (!why[0] && tri != 0 && tri != 1)
        snprintf(why, whylen, "%s: the box's triclinic flag is %d (0 or 1)", P, tri);
    if (!why[0] && !tri && (tilt[0] != 0 || tilt[1] != 0 || tilt[2] != 0))
        snprintf(why, whylen, "%s: the box has tilts %g %g %g but is recorded as orthogonal", P, tilt[0], tilt[1],
                 tilt[2]);
    if (!why[0] && (strlen(bnd) != 3 || strspn(bnd, "pfs") != 3))
        snprintf(why, whylen, "%s: the box's boundary '%s' is not three of p, f, s", P, bnd);
    /* The types. */
    if (!why[0] && (nt < 1 || nt > CKPT_MAX_TYPES))
        snprintf(why, whylen, "%s: /types ntypes = %d, outside 1..%d", P, nt, CKPT_MAX_TYPES);
    if (!why[0] && (nmass != nt || !mass))
        snprintf(why, whylen, "%s: /types has %d masses for ntypes = %d", P, nmass, nt);
    for (int t = 0; t < nt && !why[0]; t++)
        if (!isfinite(mass[t]) || mass[t] < 0) /* 0: not set yet (a checkpoint before any mass command) */
            snprintf(why, whylen, "%s: the mass of type %d is %g g/mol", P, t + 1, mass[t]);
    if (!why[0]) {
        int ne = 0;
        for (const char *q = elem; *q;) {
            q += strspn(q, " ");
            if (*q)
                ne++;
            q += strcspn(q, " ");
        }
        if (ne != nt)
            snprintf(why, whylen, "%s: /types names %d elements ('%s') for ntypes = %d", P, ne, elem, nt);
    }
    /* The clock: inside a run, time = run_t0 + done * dt, as the
     * integrator computes it. */
    if (!why[0] && (!isfinite(dt) || !(dt > 0)))
        snprintf(why, whylen, "%s: the time step dt = %g ps is not positive", P, dt);
    if (!why[0] && (step < 0 || !isfinite(time) || !isfinite(bath)))
        snprintf(why, whylen, "%s: the clock is invalid (step %lld, time %g ps, bath_energy %g eV)", P,
                 (long long)step, time, bath);
    /* The deck position. */
    int ncmd = count_lines(m->commands), nsrc = count_lines(m->sources);
    if (!why[0] && nsrc != ncmd)
        snprintf(why, whylen, "%s: the deck record has %d statements as substituted but %d as written", P, ncmd,
                 nsrc);
    if (!why[0] && (m->pos.command < 0 || m->pos.command > ncmd ||
                    (m->pos.done >= 0 && m->pos.command >= ncmd)))
        snprintf(why, whylen, "%s: the deck position (statement %lld%s) is outside the %d statements the "
                 "checkpoint records", P, (long long)m->pos.command + 1, m->pos.done >= 0 ? ", inside a run" : "",
                 ncmd);
    if (!why[0] && (m->pos.stage < 0 || m->pos.done < -1 || m->pos.run_steps < 0 ||
                    m->pos.done > m->pos.run_steps || m->pos.line < 0 || !isfinite(m->pos.run_t0)))
        snprintf(why, whylen, "%s: the deck position is invalid (line %d, run %d, %lld of %lld steps done)", P,
                 m->pos.line, m->pos.stage + 1, (long long)m->pos.done, (long long)m->pos.run_steps);
    if (!why[0] && strspn(m->decisions, "01") != strlen(m->decisions))
        snprintf(why, whylen, "%s: the deck's if/elif decisions are not a string of 0 and 1", P);
    if (!why[0] && m->pos.done >= 0) {
        double want = m->pos.run_t0 + (double)m->pos.done * dt;
        if (!(fabs(time - want) <= 1e-9 * (fabs(want) + dt)))
            snprintf(why, whylen, "%s: the clock disagrees with the deck position: time %.17g ps, but the run "
                     "began at %.17g ps and %lld steps of %g ps are done (%.17g ps)", P, time, m->pos.run_t0,
                     (long long)m->pos.done, dt, want);
    }
    if (!why[0]) {
        b.xy = tilt[0];
        b.xz = tilt[1];
        b.yz = tilt[2];
        memcpy(b.tilt_flipped, flipped, sizeof flipped);
        b.triclinic = tri;
        for (int d = 0; d < 3; d++) {
            b.boundary[d] = bnd[d];
            b.periodic[d] = bnd[d] == 'p';
        }
        box_update(&b);
        f->box = b;
        f->ntypes = nt;
    }
    free(bnd);
    free(elem);
    free(mass);
    return why[0] ? -1 : 0;
}

ckpt_file *ckpt_open(const char *path, char *why, size_t whylen)
{
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    why[0] = '\0';
    /* Is it there, and is it HDF5 at all? (Rank 0 looks; all agree.) */
    char msg[512] = "";
    if (par_rank() == 0) {
        struct stat sb;
        if (stat(path, &sb) != 0)
            snprintf(msg, sizeof msg, "%s: %s", path, strerror(errno));
        else if (H5Fis_hdf5(path) <= 0)
            snprintf(msg, sizeof msg, "%s is not an HDF5 file (or its superblock is damaged)", path);
    }
    par_bcast_bytes(msg, sizeof msg, 0);
    if (msg[0]) {
        snprintf(why, whylen, "%s", msg);
        return NULL;
    }
    ckpt_file *f = mg_calloc(1, sizeof *f);
    snprintf(f->path, sizeof f->path, "%s", path);
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    H5Pset_fapl_mpio(fapl, MPI_COMM_WORLD, MPI_INFO_NULL);
    f->file = H5Fopen(path, H5F_ACC_RDONLY, fapl);
    H5Pclose(fapl);
    if (par_max_int(f->file < 0)) {
        snprintf(why, whylen, "%s cannot be opened as HDF5 (truncated or damaged: HDF5 found its end or its "
                              "metadata inconsistent)", path);
        f->file = -1;
        ckpt_close(f);
        return NULL;
    }
    /* Damaged root metadata must not read as "someone else's file". */
    htri_t has = H5Aexists(f->file, "format");
    char *fmt = has > 0 ? attr_get_str(f->file, "format") : NULL;
    int64_t ver = -1;
    attr_read(f->file, "format_version", H5T_NATIVE_INT64, &ver, 1);
    if (has < 0 || (has > 0 && !fmt)) {
        snprintf(why, whylen, "%s: the root group's metadata is damaged (its attributes cannot be read)", path);
        ckpt_close(f);
        return NULL;
    }
    if (!fmt || strcmp(fmt, CKPT_FORMAT) != 0) {
        snprintf(why, whylen, "%s is an HDF5 file but not an mgmd checkpoint (no format = \"%s\" attribute)", path,
                 CKPT_FORMAT);
        free(fmt);
        ckpt_close(f);
        return NULL;
    }
    free(fmt);
    if (ver != CKPT_VERSION) {
        snprintf(why, whylen, "%s has checkpoint format version %lld; this mgmd reads version %d", path,
                 (long long)ver, CKPT_VERSION);
        ckpt_close(f);
        return NULL;
    }
    /* Nothing of the file is taken before it is known to be as written. */
    if (check_digest(f->file, path, why, whylen) != 0) {
        ckpt_close(f);
        return NULL;
    }
    ckpt_meta *m = &f->meta;
    hid_t st = H5Gopen2(f->file, "state", H5P_DEFAULT);
    hid_t dg = H5Gopen2(f->file, "deck", H5P_DEFAULT);
    int bad = st < 0 || dg < 0;
    int64_t line = 0, stage = 0, nr = 0;
    if (!bad) {
        bad |= attr_read(st, "natoms", H5T_NATIVE_INT64, &f->natoms, 1);
        bad |= attr_read(f->file, "sequence", H5T_NATIVE_INT64, &m->seq, 1);
        bad |= attr_read(f->file, "nranks", H5T_NATIVE_INT64, &nr, 1);
        bad |= attr_read(dg, "command", H5T_NATIVE_INT64, &m->pos.command, 1);
        bad |= attr_read(dg, "line", H5T_NATIVE_INT64, &line, 1);
        bad |= attr_read(dg, "stage", H5T_NATIVE_INT64, &stage, 1);
        bad |= attr_read(dg, "done", H5T_NATIVE_INT64, &m->pos.done, 1);
        bad |= attr_read(dg, "run_steps", H5T_NATIVE_INT64, &m->pos.run_steps, 1);
        bad |= attr_read(dg, "run_t0", H5T_NATIVE_DOUBLE, &m->pos.run_t0, 1);
        m->deck_path = attr_get_str(dg, "path");
        m->deck_dir = attr_get_str(dg, "dir");
        m->deck_text = text_read(dg, "text");
        m->commands = text_read(dg, "commands");
        m->sources = text_read(dg, "sources");
        m->decisions = text_read(dg, "decisions");
        m->where = text_read(dg, "where");
        m->cmdline_vars = text_read(dg, "cmdline_vars");
        bad |= !m->deck_path || !m->deck_dir || !m->deck_text || !m->commands || !m->sources ||
               !m->decisions || !m->where || !m->cmdline_vars;
    }
    m->pos.line = (int)line;
    m->pos.stage = (int)stage;
    m->nranks = (int)nr;
    if (st >= 0)
        H5Gclose(st);
    if (dg >= 0)
        H5Gclose(dg);
    if (par_max_int(bad)) {
        snprintf(why, whylen, "%s lacks part of its state or deck records (damaged, or not written by this mgmd)",
                 path);
        ckpt_close(f);
        return NULL;
    }
    if (check_records(f, why, whylen) != 0) {
        ckpt_close(f);
        return NULL;
    }
    char sub[512];
    if (read_atoms(f, NULL, sub, sizeof sub) != 0) {
        snprintf(why, whylen, "%s: %s", path, sub);
        ckpt_close(f);
        return NULL;
    }
    return f;
}

static void fail_file(const ckpt_file *f, const char *what)
{
    mg_fail_all("checkpoint %s: %s", f->path, what);
}

void ckpt_load_system(ckpt_file *f, md *s)
{
    hid_t ty = H5Gopen2(f->file, "types", H5P_DEFAULT);
    int nt = 0;
    int bad = attr_read(ty, "ntypes", H5T_NATIVE_INT, &nt, 1);
    char *elem = attr_get_str(ty, "elements");
    if (bad || !elem || nt < 1)
        fail_file(f, "type records are incomplete");
    atoms *a = &s->atoms;
    atoms_set_ntypes(a, nt);
    if (attr_read(ty, "mass", H5T_NATIVE_DOUBLE, a->mass + 1, (hsize_t)nt) != 0)
        fail_file(f, "type masses are missing");
    char *save = NULL, *tok = strtok_r(elem, " ", &save);
    for (int t = 1; t <= nt; t++, tok = strtok_r(NULL, " ", &save))
        snprintf(a->element[t], sizeof a->element[t], "%s", tok && strcmp(tok, "-") ? tok : "");
    free(elem);
    H5Gclose(ty);
    /* The box as ckpt_open read and checked it. */
    s->box = f->box;
    s->have_box = 1;
    md_decompose(s);
    char why[512];
    if (read_atoms(f, s, why, sizeof why) != 0)
        fail_file(f, why);
    /* Every atom to the rank that owns it (no wrapping: they are home). */
    decomp_migrate(&s->dc, &s->atoms, &s->box);
    s->ready = 0;
}

void ckpt_load_sections(ckpt_file *f, const ckpt_sections *sec)
{
    hid_t g = H5Gopen2(f->file, "sections", H5P_DEFAULT);
    if (g < 0)
        fail_file(f, "the group /sections is missing");
    for (int k = 0; k < sec->n; k++) {
        struct ckpt_state c = {-1, 0, H5P_DEFAULT};
        if (H5Lexists(g, sec->s[k].name, H5P_DEFAULT) > 0)
            c.group = H5Gopen2(g, sec->s[k].name, H5P_DEFAULT);
        if (par_max_int(c.group < 0)) {
            char msg[256];
            snprintf(msg, sizeof msg, "the section /sections/%s is missing", sec->s[k].name);
            fail_file(f, msg);
        }
        char why[1024] = "";
        int bad = sec->s[k].restore(sec->s[k].ctx, &c, why, sizeof why);
        H5Gclose(c.group);
        if (bad) {
            H5Gclose(g);
            mg_fail_all("restart from %s: %s", f->path, why);
        }
    }
    H5Gclose(g);
}

/* The replayed deck must have read the same potential tables. */
static void check_potential(ckpt_file *f, const md *s)
{
    if (H5Lexists(f->file, "potential", H5P_DEFAULT) <= 0 || !s->pot)
        return; /* written before any potential was chosen */
    hid_t pg = H5Gopen2(f->file, "potential", H5P_DEFAULT);
    int64_t h = 0;
    int bad = attr_read(pg, "table_hash", H5T_NATIVE_INT64, &h, 1);
    H5Gclose(pg);
    if (bad)
        fail_file(f, "the potential record is incomplete");
    if ((uint64_t)h != s->pot->hash)
        mg_fail_all("restart from %s: the potential tables differ from those the checkpoint was written with "
                    "(hash %016" PRIx64 ", now %016" PRIx64 "): the potential file has changed since, so the "
                    "run would not continue the same dynamics; restore that file, or begin a new deck with "
                    "read_checkpoint to go on with another potential",
                    f->path, (uint64_t)h, s->pot->hash);
}

void ckpt_load_state(ckpt_file *f, md *s, const ckpt_sections *sec)
{
    ckpt_load_system(f, s);
    hid_t st = H5Gopen2(f->file, "state", H5P_DEFAULT);
    int bad = attr_read(st, "step", H5T_NATIVE_INT64, &s->step, 1) |
              attr_read(st, "time", H5T_NATIVE_DOUBLE, &s->time, 1) |
              attr_read(st, "dt", H5T_NATIVE_DOUBLE, &s->dt, 1) |
              attr_read(st, "bath_energy", H5T_NATIVE_DOUBLE, &s->bath_energy, 1);
    H5Gclose(st);
    if (bad)
        fail_file(f, "the state record is incomplete");
    check_potential(f, s);
    ckpt_load_sections(f, sec);
}

/* ---- the sections' state API (core/ckpt_section.h) ---------------------- */

static void put(struct ckpt_state *c, const char *key, hid_t type, const void *v, size_t n)
{
    if (!c->writing)
        mg_fail_all("checkpoint: put '%s' while reading", key);
    small_write(c->group, key, type, v, (hsize_t)n, c->xfer);
}

static int get(struct ckpt_state *c, const char *key, hid_t type, void *v, size_t n)
{
    int bad = H5Lexists(c->group, key, H5P_DEFAULT) <= 0;
    hid_t d = -1;
    if (!bad) {
        d = H5Dopen2(c->group, key, H5P_DEFAULT);
        hid_t sp = H5Dget_space(d);
        bad = H5Sget_simple_extent_npoints(sp) != (hssize_t)(n > 0 ? n : 1);
        H5Sclose(sp);
    }
    if (!bad && n > 0)
        bad = H5Dread(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) < 0;
    if (d >= 0)
        H5Dclose(d);
    return par_max_int(bad) ? -1 : 0;
}

void ckpt_put_doubles(struct ckpt_state *c, const char *key, const double *v, size_t n)
{
    put(c, key, H5T_NATIVE_DOUBLE, v, n);
}

void ckpt_put_i64(struct ckpt_state *c, const char *key, const int64_t *v, size_t n)
{
    put(c, key, H5T_NATIVE_INT64, v, n);
}

void ckpt_put_text(struct ckpt_state *c, const char *key, const char *text)
{
    if (!c->writing)
        mg_fail_all("checkpoint: put '%s' while reading", key);
    text_write(c->group, key, text, c->xfer);
}

int ckpt_get_doubles(struct ckpt_state *c, const char *key, double *v, size_t n)
{
    return get(c, key, H5T_NATIVE_DOUBLE, v, n);
}

int ckpt_get_i64(struct ckpt_state *c, const char *key, int64_t *v, size_t n)
{
    return get(c, key, H5T_NATIVE_INT64, v, n);
}

char *ckpt_get_text(struct ckpt_state *c, const char *key)
{
    char *t = text_read(c->group, key);
    if (par_max_int(t == NULL)) {
        free(t);
        return NULL;
    }
    return t;
}

struct ckpt_state *ckpt_enter(struct ckpt_state *c, const char *name)
{
    hid_t g;
    if (c->writing) {
        g = group_create(c->group, name);
        if (g < 0)
            mg_fail_all("checkpoint: cannot create group %s", name);
    } else {
        g = H5Lexists(c->group, name, H5P_DEFAULT) > 0 ? H5Gopen2(c->group, name, H5P_DEFAULT) : -1;
        if (par_max_int(g < 0)) {
            if (g >= 0)
                H5Gclose(g);
            return NULL;
        }
    }
    struct ckpt_state *sub = mg_malloc(sizeof *sub);
    *sub = (struct ckpt_state){g, c->writing, c->xfer};
    return sub;
}

void ckpt_leave(struct ckpt_state *sub)
{
    if (!sub)
        return;
    H5Gclose(sub->group);
    free(sub);
}

int ckpt_count(struct ckpt_state *c)
{
    H5G_info_t info;
    if (H5Gget_info(c->group, &info) < 0)
        return 0;
    return (int)info.nlinks;
}

void ckpt_name(struct ckpt_state *c, int k, char *out, size_t len)
{
    out[0] = '\0';
    H5Lget_name_by_idx(c->group, ".", H5_INDEX_NAME, H5_ITER_INC, (hsize_t)k, out, len, H5P_DEFAULT);
}
