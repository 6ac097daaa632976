/* The `d2min` observer and its deck command (docs/analysis.md, "Non-affine
 * displacement and atomic strain"):
 *
 *   d2min NAME [cutoff RC] [every N] [at_end yes|no] [file PREFIX]
 *              [reference now|stage|window|file PATH] [normalize sum|count]
 *              [mapping off|reference|current] [group G] [J yes|no]
 *              [stz above D|top F|background K] [connect RC2] [min_size N]
 *              [eshelby R [bins M] [slab T] [frame event|box] [annulus A B]]
 *   d2min NAME reset          take the reference again, now
 *
 * For every atom of group G (default all), against a reference
 * configuration of the same atoms: the neighbours within RC (default 5 A)
 * in the reference, their separations d0 there and d now, and from them
 * J, D2min, the Green-Lagrange strain and its von Mises and volumetric
 * invariants (analysis/d2min.h). Per-atom columns NAME_d2min (A^2; A^2 per
 * neighbour with `normalize count`, LAMMPS' fix nonaffine/displacement
 * convention; the default `sum` is OVITO's), NAME_shear, NAME_vol,
 * NAME_nnb (reference neighbours), NAME_valid (0 for fewer than three
 * neighbours or coplanar ones, whose values are zero), with `J yes`
 * NAME_Jxx ... NAME_Jzz; PREFIX.csv gets one row per sample (means and
 * maxima over the valid atoms). `stz` finds the STZs of each sample
 * (analysis/stz.h), `eshelby` maps the field around them at their birth
 * (analysis/eshelby.h).
 *
 * Reference: `now` (default) the configuration when the command is read
 * (again at `d2min NAME reset`); `stage` the start of every stage (run,
 * quench, hold, each stage of a cycle); `window` the previous sample
 * (incremental D2min over the sampling interval; the first sample is
 * against the configuration when the command was read); `file PATH` a
 * LAMMPS data file or mgmd checkpoint of the same atoms, matched by id
 * (reference_step -1 in the table).
 *
 * Geometry. Each atom keeps its unwrapped reference position u0 (a
 * per-atom property: it migrates with the atom and is checkpointed) and the
 * observer the box's cell H0 then, continued across box flips (tilt +
 * tilt_flipped, system/box.h). With u the atom's unwrapped position now and
 * F = H H0^-1 the cell's deformation since (the identity along
 * non-periodic dimensions), a copy of the atom at position x (owned, or a
 * ghost: a periodic image) stands at x0 = u0 + F^-1 (x - u) in the
 * reference: x - u is a lattice vector of the present cell, F^-1 maps it
 * onto the same lattice vector of the reference cell. Reference neighbours
 * are the copies within RC of each other in x0, so the pair of periodic
 * images is the one nearest in the reference box (every image within RC
 * when the box is that small); d0 = x0_j - x0_i and d = x_j - x_i. Under a
 * homogeneous deformation x -> A x + t with the box deformed alike, d =
 * A d0 for every pair and D2min vanishes. `mapping reference` uses F^-1 d
 * instead of d (current separations taken back into the reference cell),
 * `mapping current` F d0 instead of d0, as OVITO's affine mapping options.
 *
 * Parallel. The copies come from a private ghost shell (analysis/shell.h)
 * W wide, their u0 and u through its halo. A reference neighbour may have
 * moved farther than RC from the atom since the reference, so each atom
 * remembers how many reference neighbours it had (counted when the
 * reference was taken, when all of them were within RC); if a sample finds
 * fewer, the shell is widened (by half, up to W = s RC + 40 A, s the
 * largest stretch of F) and the search repeated, every rank together. The
 * results do not depend on W or on the rank count beyond round-off in the
 * last bits of x0. Communication per sample: the shell build and one
 * forward payload per attempt, one sum per attempt, the table's sums. */
#include "analysis/cells.h"
#include "analysis/d2min.h"
#include "analysis/shell.h"
#include "analysis/stz.h"
#include "core/error.h"
#include "deck/deck.h"
#include "io/checkpoint.h"
#include "io/claim.h"
#include "io/data_file.h"
#include "io/funnel.h"
#include "core/idmap.h"
#include "parallel/parallel.h"
#include "parallel/repro.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void cmd_d2min(deck *dk);

enum { REF_NOW, REF_STAGE, REF_WINDOW, REF_FILE };
enum { MAP_OFF, MAP_REFERENCE, MAP_CURRENT };

/* Per-atom properties, found again by name at each sample. NAME_ref holds
 * the reference: unwrapped position (A), 1 once taken, and the number of
 * neighbours within RC then. */
#define REF_W 5
enum { P_D2MIN, P_SHEAR, P_VOL, P_NNB, P_VALID, P_REF, P_J0 };
static const char *const prop_col[] = {"d2min", "shear", "vol", "nnb", "valid", "ref"};
static const char *const j_col[9] = {"Jxx", "Jxy", "Jxz", "Jyx", "Jyy", "Jyz", "Jzx", "Jzy", "Jzz"};

typedef struct d2m {
    double cutoff;              /* A                                          */
    int normalize;              /* 0: sum (OVITO), 1: per neighbour (LAMMPS)  */
    int mapping, ref_mode, group, want_j;
    stz z;                      /* STZ detection (mode STZ_OFF: none)        */
    char where[220];            /* FILE:LINE of the command, for messages    */
    /* The reference. */
    int have_ref;
    int64_t ref_step, ref_natoms;
    char ref_path[2048];        /* `reference file`: data file or checkpoint  */
    double h0[3][3];            /* continued cell then (A; columns a b c)     */
    /* Output. */
    char path[1100];
    FILE *f;                    /* rank 0, NULL without `file`                */
    int header_done;
    /* Work. */
    shell sh;
    double width;               /* A: the last shell width that sufficed     */
    int *nbuf, ncap;
    double (*d0)[3], (*d)[3];
    int dcap;
} d2m;

static const observer_ops d2m_ops;

/* ---- geometry ------------------------------------------------------------------ */

/* The cell with the tilts flips took out put back (continuous in time), and
 * a unit column along each non-periodic dimension: there the box's extent
 * is vacuum or a wall, not a lattice vector, and no ghost crosses it. */
static void continued_cell(const box *b, double h[3][3])
{
    memcpy(h, b->h, sizeof b->h);
    h[0][1] += b->tilt_flipped[0];
    h[0][2] += b->tilt_flipped[1];
    h[1][2] += b->tilt_flipped[2];
    for (int d = 0; d < 3; d++)
        if (!b->periodic[d])
            for (int r = 0; r < 3; r++)
                h[r][d] = r == d;
}

static void inverse3(const double m[3][3], double inv[3][3])
{
    double det = m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
                 m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
    inv[0][0] = (m[1][1] * m[2][2] - m[1][2] * m[2][1]) / det;
    inv[0][1] = (m[0][2] * m[2][1] - m[0][1] * m[2][2]) / det;
    inv[0][2] = (m[0][1] * m[1][2] - m[0][2] * m[1][1]) / det;
    inv[1][0] = (m[1][2] * m[2][0] - m[1][0] * m[2][2]) / det;
    inv[1][1] = (m[0][0] * m[2][2] - m[0][2] * m[2][0]) / det;
    inv[1][2] = (m[0][2] * m[1][0] - m[0][0] * m[1][2]) / det;
    inv[2][0] = (m[1][0] * m[2][1] - m[1][1] * m[2][0]) / det;
    inv[2][1] = (m[0][1] * m[2][0] - m[0][0] * m[2][1]) / det;
    inv[2][2] = (m[0][0] * m[1][1] - m[0][1] * m[1][0]) / det;
}

static void matmul3(const double a[3][3], const double b[3][3], double c[3][3])
{
    for (int r = 0; r < 3; r++)
        for (int k = 0; k < 3; k++)
            c[r][k] = a[r][0] * b[0][k] + a[r][1] * b[1][k] + a[r][2] * b[2][k];
}

static void apply3(const double m[3][3], const double v[3], double out[3])
{
    for (int r = 0; r < 3; r++)
        out[r] = m[r][0] * v[0] + m[r][1] * v[1] + m[r][2] * v[2];
}

/* The largest singular value of F (power iteration on F^T F). */
static double largest_stretch(const double F[3][3])
{
    double v[3] = {1, 1, 1}, lam = 1.0;
    for (int it = 0; it < 60; it++) {
        double w[3], u[3] = {0, 0, 0};
        apply3(F, v, w);
        for (int r = 0; r < 3; r++)
            for (int c = 0; c < 3; c++)
                u[c] += F[r][c] * w[r];
        double n = sqrt(u[0] * u[0] + u[1] * u[1] + u[2] * u[2]);
        if (!(n > 0))
            break;
        lam = n / sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
        for (int c = 0; c < 3; c++)
            v[c] = u[c] / n;
    }
    return sqrt(lam);
}

/* ---- the reference --------------------------------------------------------------- */

static int prop_of(const observer *ob, const md *s, const char *col)
{
    char name[160];
    snprintf(name, sizeof name, "%s_%s", ob->name, col);
    int k = atoms_find_prop(&s->atoms, name);
    if (k < 0)
        mg_fail_all("%s: d2min %s: its per-atom column %s is gone", ((d2m *)ob->data)->where, ob->name, name);
    return k;
}

/* Reference neighbours of owned atom i among the shell copies x0 (the
 * indices into p->nbuf); returns their count. */
static int reference_neighbours(d2m *p, const cells *c, const double (*x0)[3], int i)
{
    return cells_gather(c, x0, i, p->cutoff * p->cutoff, &p->nbuf, &p->ncap);
}

/* The reference is the present configuration: every atom's unwrapped
 * position, and its neighbour count within RC now (collective). */
static void take_reference(observer *ob, d2m *p, md *s)
{
    atoms *a = &s->atoms;
    const int nlocal = a->nlocal;
    double *ref = a->prop[prop_of(ob, s, "ref")].data;
    for (int i = 0; i < nlocal; i++) {
        box_unwrap(&s->box, a->x[i], a->image[i], &ref[REF_W * (size_t)i]);
        ref[REF_W * (size_t)i + 3] = 1.0;
    }
    shell_build(&p->sh, s, p->cutoff);
    const atoms *sa = &p->sh.a;
    cells c;
    cells_build(&c, (const double (*)[3])sa->x, sa->nlocal + sa->nghost, p->cutoff);
    for (int i = 0; i < nlocal; i++)
        ref[REF_W * (size_t)i + 4] = reference_neighbours(p, &c, (const double (*)[3])sa->x, i);
    cells_free(&c);
    continued_cell(&s->box, p->h0);
    p->have_ref = 1;
    p->width = 0.0; /* the shell a sample needs starts from the cutoff again */
    p->ref_step = s->step;
    p->ref_natoms = s->atoms.natoms;
}

/* The shell `width` wide and the reference position x0 of every copy in it
 * (the header's x0 = u0 + F^-1 (x - u)), with a cell list over x0
 * (collective: the shell build and one payload). */
static void reference_copies(d2m *p, md *s, const double *ref, const double Finv[3][3], double width,
                             double (**x0p)[3], double **payp, cells *c)
{
    const atoms *a = &s->atoms;
    shell_build(&p->sh, s, width);
    const atoms *sa = &p->sh.a;
    const int nall = sa->nlocal + sa->nghost;
    double *pay = *payp = mg_realloc(*payp, (size_t)(nall ? nall : 1) * 6 * sizeof *pay);
    for (int i = 0; i < a->nlocal; i++) {
        memcpy(&pay[6 * (size_t)i], &ref[REF_W * (size_t)i], 3 * sizeof *pay);
        box_unwrap(&s->box, a->x[i], a->image[i], &pay[6 * (size_t)i + 3]);
    }
    halo_forward(&p->sh.h, pay, 6);
    double (*x0)[3] = *x0p = mg_realloc(*x0p, (size_t)(nall ? nall : 1) * sizeof *x0);
    for (int k = 0; k < nall; k++) {
        double lat[3], back[3];
        for (int d = 0; d < 3; d++)
            lat[d] = sa->x[k][d] - pay[6 * (size_t)k + 3 + d];
        apply3(Finv, lat, back);
        for (int d = 0; d < 3; d++)
            x0[k][d] = pay[6 * (size_t)k + d] + back[d];
    }
    cells_build(c, (const double (*)[3])x0, nall, p->cutoff);
}

/* F = H H0^-1, the cell's deformation since the reference, and its inverse. */
static void cell_deformation(const d2m *p, const box *b, double F[3][3], double Finv[3][3])
{
    double h[3][3], h0inv[3][3];
    continued_cell(b, h);
    inverse3(p->h0, h0inv);
    matmul3(h, h0inv, F);
    inverse3(F, Finv);
}

/* `reference file PATH`: the reference is a LAMMPS data file or an mgmd
 * checkpoint of the same atoms, matched by id (collective). The file is
 * read into a second system with its own decomposition; its atoms' ids,
 * types and unwrapped positions then pass once around the ring of ranks,
 * each rank taking those of its own atoms (an O(N) exchange, once). The
 * reference cell is the file's box, with this system's periodicity. The
 * neighbour counts need the copies of every reference neighbour in the
 * shell: with delta the largest distance of an atom from where the cell's
 * affine deformation takes its reference position (minimum image), a pair
 * within RC in the reference is within s RC + 2 delta now, so a shell that
 * wide holds them all. */
static void reference_from_file(observer *ob, d2m *p, md *s)
{
    atoms *a = &s->atoms;
    const int nlocal = a->nlocal;
    double *ref = a->prop[prop_of(ob, s, "ref")].data;
    md t;
    md_init(&t);
    /* An HDF5 file (its signature) is a checkpoint, anything else a data file. */
    unsigned char sig[8] = {0};
    if (par_rank() == 0) {
        FILE *f = fopen(p->ref_path, "rb");
        if (f) {
            if (fread(sig, 1, sizeof sig, f) != sizeof sig)
                memset(sig, 0, sizeof sig);
            fclose(f);
        }
    }
    par_bcast_bytes(sig, sizeof sig, 0);
    const int is_ckpt = !memcmp(sig, "\211HDF\r\n\032\n", 8);
    if (is_ckpt) {
        char why[1400];
        ckpt_file *f = ckpt_open(p->ref_path, why, sizeof why);
        if (!f)
            mg_fail_all("%s: d2min %s: reference file: %s", p->where, ob->name, why);
        ckpt_load_system(f, &t);
        ckpt_close(f);
    } else {
        data_read(&t, p->ref_path);
    }
    if (t.atoms.natoms != a->natoms)
        mg_fail_all("%s: d2min %s: the reference %s holds %lld atoms, the system %lld: not the same atoms", p->where,
                    ob->name, p->ref_path, (long long)t.atoms.natoms, (long long)a->natoms);

    /* The ring: records of id (bit-copied), type and unwrapped position. */
    idmap mine;
    int64_t dup;
    idmap_build(&mine, a->id, nlocal, &dup);
    for (int i = 0; i < nlocal; i++)
        ref[REF_W * (size_t)i + 3] = 0.0;
    const int nt = t.atoms.nlocal;
    size_t nbytes = (size_t)(nt ? nt : 1) * 5 * sizeof(double);
    double *blk = mg_malloc(nbytes);
    for (int k = 0; k < nt; k++) {
        memcpy(&blk[5 * (size_t)k], &t.atoms.id[k], sizeof(double));
        blk[5 * (size_t)k + 1] = t.atoms.type[k];
        box_unwrap(&t.box, t.atoms.x[k], t.atoms.image[k], &blk[5 * (size_t)k + 2]);
    }
    nbytes = (size_t)nt * 5 * sizeof(double);
    const int np = par_size();
    void *in = NULL;
    size_t cap_in = 0, cap_blk = (size_t)(nt ? nt : 1) * 5 * sizeof(double);
    int64_t wrong_type = 0, first_wrong = -1;
    for (int step = 0; step < np; step++) {
        const size_t n = nbytes / (5 * sizeof(double));
        for (size_t k = 0; k < n; k++) {
            int64_t id;
            memcpy(&id, &blk[5 * k], sizeof id);
            int i = idmap_find(&mine, id);
            if (i < 0)
                continue;
            if ((int)blk[5 * k + 1] != a->type[i]) {
                if (!wrong_type++)
                    first_wrong = id;
                continue;
            }
            memcpy(&ref[REF_W * (size_t)i], &blk[5 * k + 2], 3 * sizeof(double));
            ref[REF_W * (size_t)i + 3] = 1.0;
        }
        if (step + 1 < np) {
            void *b = blk;
            nbytes = par_ring_shift(&b, &cap_blk, nbytes, &in, &cap_in);
            blk = b;
        }
    }
    free(blk);
    free(in);
    idmap_free(&mine);
    int unmatched = 0;
    for (int i = 0; i < nlocal; i++)
        unmatched += ref[REF_W * (size_t)i + 3] != 1.0;
    int64_t bad[2] = {wrong_type, unmatched}, badsum[2];
    par_sum_i64s(bad, badsum, 2);
    first_wrong = par_max_i64(first_wrong);
    if (badsum[0])
        mg_fail_all("%s: d2min %s: %lld atom%s of the reference %s (first: id %lld) have another type than now: not "
                    "the same atoms", p->where, ob->name, (long long)badsum[0], badsum[0] == 1 ? "" : "s",
                    p->ref_path, (long long)first_wrong);
    if (badsum[1])
        mg_fail_all("%s: d2min %s: %lld atom id%s of the system are not in the reference %s: not the same atoms",
                    p->where, ob->name, (long long)badsum[1], badsum[1] == 1 ? "" : "s", p->ref_path);
    box b0 = t.box;
    for (int d = 0; d < 3; d++) {
        b0.boundary[d] = s->box.boundary[d];
        b0.periodic[d] = s->box.periodic[d];
    }
    continued_cell(&b0, p->h0);
    md_destroy(&t);

    /* Neighbour counts in the reference. */
    double F[3][3], Finv[3][3], shift[3], lo0[3] = {b0.lo[0], b0.lo[1], b0.lo[2]};
    cell_deformation(p, &s->box, F, Finv);
    apply3(F, lo0, shift);
    double delta = 0.0;
    for (int i = 0; i < nlocal; i++) {
        double u[3], fu0[3], dv[3], l[3];
        box_unwrap(&s->box, a->x[i], a->image[i], u);
        apply3(F, &ref[REF_W * (size_t)i], fu0);
        for (int d = 0; d < 3; d++)
            dv[d] = u[d] - (fu0[d] - shift[d] + s->box.lo[d]);
        box_min_image(&s->box, dv, l);
        delta = fmax(delta, sqrt(l[0] * l[0] + l[1] * l[1] + l[2] * l[2]));
    }
    delta = par_max_double(delta);
    const double stretch = largest_stretch(F);
    const double width = stretch * p->cutoff + 2.0 * delta + 0.5;
    if (width > stretch * p->cutoff + 40.0)
        mg_fail_all("%s: d2min %s: atoms are up to %.4g A from where the cell's deformation since the reference %s "
                    "takes them; too far for their reference neighbours to be found (at most 20 A)", p->where,
                    ob->name, delta, p->ref_path);
    double (*x0)[3] = NULL, *pay = NULL;
    cells c;
    reference_copies(p, s, ref, Finv, width, &x0, &pay, &c);
    for (int i = 0; i < nlocal; i++)
        ref[REF_W * (size_t)i + 4] = reference_neighbours(p, &c, (const double (*)[3])x0, i);
    cells_free(&c);
    free(x0);
    free(pay);
    p->have_ref = 1;
    p->width = width;
    p->ref_step = -1;
    p->ref_natoms = a->natoms;
}

/* ---- a sample ------------------------------------------------------------------- */

static void ensure_pairs(d2m *p, int n)
{
    if (n > p->dcap) {
        p->dcap = n + n / 2 + 16;
        p->d0 = mg_realloc(p->d0, (size_t)p->dcap * sizeof *p->d0);
        p->d = mg_realloc(p->d, (size_t)p->dcap * sizeof *p->d);
    }
}

static void put(textbuf *t, double v) { tb_printf(t, ",%.10g", v); }

static void write_row(observer *ob, d2m *p, md *s, const double *sums, const double *maxima, int64_t counted,
                      int64_t invalid)
{
    if (par_rank() != 0 || !p->f)
        return;
    textbuf t = {NULL, 0, 0};
    if (!p->header_done)
        tb_printf(&t, "step,time[ps],reference_step,atoms,invalid,d2min_mean[%s],d2min_max[%s],shear_mean[1],"
                      "shear_max[1],vol_mean[1]%s\n", p->normalize ? "A^2/neighbour" : "A^2",
                  p->normalize ? "A^2/neighbour" : "A^2",
                  p->z.mode ? ",stz_threshold[A^2],clusters,cluster_atoms,new_events,open_events,"
                              "clusters_per_1000_atoms,cluster_density[1/nm^3]" : "");
    double nv = (double)(counted - invalid);
    tb_printf(&t, "%lld", (long long)s->step);
    put(&t, s->time);
    tb_printf(&t, ",%lld,%lld,%lld", (long long)p->ref_step, (long long)counted, (long long)invalid);
    put(&t, nv > 0 ? sums[0] / nv : NAN);
    put(&t, nv > 0 ? maxima[0] : NAN);
    put(&t, nv > 0 ? sums[1] / nv : NAN);
    put(&t, nv > 0 ? maxima[1] : NAN);
    put(&t, nv > 0 ? sums[2] / nv : NAN);
    if (p->z.mode) {
        put(&t, isinf(p->z.threshold) ? NAN : p->z.threshold);
        tb_printf(&t, ",%lld,%lld,%lld,%d", (long long)p->z.nclusters, (long long)p->z.natoms_in,
                  (long long)p->z.nnew, p->z.nopen);
        /* Spatial density: per analysed atom always, per volume only for a
         * box periodic in all three dimensions (a wire's box is mostly
         * vacuum). */
        const box *b = &s->box;
        const int bulk = b->periodic[0] && b->periodic[1] && b->periodic[2];
        put(&t, counted > 0 ? 1000.0 * (double)p->z.nclusters / (double)counted : NAN);
        put(&t, bulk ? (double)p->z.nclusters / (b->volume * 1e-3) : NAN);
    }
    tb_putc(&t, '\n');
    fputs(t.s, p->f);
    fflush(p->f);
    if (ferror(p->f))
        mg_fail_one("d2min %s: writing %s failed", ob->name, p->path);
    tb_free(&t);
}

static void d2m_sample(observer *ob, md *s)
{
    d2m *p = ob->data;
    atoms *a = &s->atoms;
    const int nlocal = a->nlocal;
    if (!p->have_ref)
        take_reference(ob, p, s);
    const int kd = prop_of(ob, s, "d2min"), ks = prop_of(ob, s, "shear"), kv = prop_of(ob, s, "vol"),
              kn = prop_of(ob, s, "nnb"), kval = prop_of(ob, s, "valid"), kr = prop_of(ob, s, "ref");
    int kj[9];
    for (int m = 0; m < 9 && p->want_j; m++)
        kj[m] = prop_of(ob, s, j_col[m]);
    const double *ref = a->prop[kr].data;

    /* Atoms made after the reference (create, read, replicate) have none, or
     * a copy of another's; deleted ones leave their neighbours short. */
    if (a->natoms != p->ref_natoms)
        mg_fail_all("%s: d2min %s: the system has %lld atoms, the reference (step %lld) had %lld: atoms were added "
                    "or deleted since; take the reference again with 'd2min %s reset'", p->where, ob->name,
                    (long long)a->natoms, (long long)p->ref_step, (long long)p->ref_natoms, ob->name);
    int without = 0;
    for (int i = 0; i < nlocal; i++)
        without += ref[REF_W * (size_t)i + 3] != 1.0;
    without = par_sum_int(without);
    if (without)
        mg_fail_all("%s: d2min %s: %d atom%s no reference position (made after the reference was taken at step "
                    "%lld); take it again with 'd2min %s reset'", p->where, ob->name, without,
                    without == 1 ? " has" : "s have", (long long)p->ref_step, ob->name);

    double F[3][3], Finv[3][3];
    cell_deformation(p, &s->box, F, Finv);
    const double stretch = largest_stretch(F);
    const double wmax = stretch * p->cutoff + 40.0;
    double width = fmax(p->width, stretch * p->cutoff + 1.0);

    double (*x0)[3] = NULL, *pay = NULL;
    cells c;
    for (;;) {
        reference_copies(p, s, ref, Finv, width, &x0, &pay, &c);
        int missing = 0;
        for (int i = 0; i < nlocal; i++)
            if (a->mask[i] >> p->group & 1)
                missing += reference_neighbours(p, &c, (const double (*)[3])x0, i) < (int)ref[REF_W * (size_t)i + 4];
        missing = par_sum_int(missing);
        if (!missing)
            break;
        cells_free(&c);
        if (width >= wmax)
            mg_fail_all("%s: d2min %s: at step %lld, %d atom%s reference neighbours (within %g A at step %lld) are "
                        "more than %g A away now; the configuration has moved too far from the reference: use "
                        "'reference window' or 'reference stage', or take it again ('d2min %s reset')", p->where,
                        ob->name, (long long)s->step, missing, missing == 1 ? "'s" : "s'", p->cutoff,
                        (long long)p->ref_step, width, ob->name);
        width = fmin(1.5 * width, wmax);
    }
    p->width = width;

    /* The analysis proper. */
    const atoms *sa = &p->sh.a;
    double local_max[2] = {-HUGE_VAL, -HUGE_VAL};
    double *terms = mg_malloc((size_t)(nlocal ? nlocal : 1) * 3 * sizeof *terms);
    /* What STZ detection takes per owned atom. */
    const size_t nl1 = (size_t)(nlocal ? nlocal : 1);
    double *zd2 = p->z.mode ? mg_calloc(nl1, sizeof *zd2) : NULL, *zsh = p->z.mode ? mg_calloc(nl1, sizeof *zsh) : NULL;
    double (*zE)[6] = p->z.mode ? mg_calloc(nl1, sizeof *zE) : NULL;
    double (*zw)[3] = p->z.mode ? mg_calloc(nl1, sizeof *zw) : NULL;
    int *zvalid = p->z.mode ? mg_calloc(nl1, sizeof *zvalid) : NULL;
    int64_t counted = 0, invalid = 0;
    int nterm = 0;
    for (int i = 0; i < nlocal; i++) {
        double *out[5] = {&a->prop[kd].data[i], &a->prop[ks].data[i], &a->prop[kv].data[i], &a->prop[kn].data[i],
                          &a->prop[kval].data[i]};
        if (!(a->mask[i] >> p->group & 1)) {
            *out[0] = *out[1] = *out[2] = *out[3] = *out[4] = 0.0;
            for (int m = 0; m < 9 && p->want_j; m++)
                a->prop[kj[m]].data[i] = (m % 4 == 0);
            continue;
        }
        int n = reference_neighbours(p, &c, (const double (*)[3])x0, i);
        ensure_pairs(p, n);
        for (int q = 0; q < n; q++) {
            int j = p->nbuf[q];
            double d0[3], d[3];
            for (int e = 0; e < 3; e++) {
                d0[e] = x0[j][e] - x0[i][e];
                d[e] = sa->x[j][e] - sa->x[i][e];
            }
            if (p->mapping == MAP_REFERENCE)
                apply3(Finv, d, p->d[q]);
            else
                memcpy(p->d[q], d, sizeof d);
            if (p->mapping == MAP_CURRENT)
                apply3(F, d0, p->d0[q]);
            else
                memcpy(p->d0[q], d0, sizeof d0);
        }
        d2min_result r;
        d2min_atom(n, (const double (*)[3])p->d0, (const double (*)[3])p->d, &r);
        double d2 = r.valid && p->normalize ? r.d2min / n : r.d2min;
        *out[0] = d2;
        *out[1] = r.shear;
        *out[2] = r.vol;
        *out[3] = n;
        *out[4] = r.valid;
        for (int m = 0; m < 9 && p->want_j; m++)
            a->prop[kj[m]].data[i] = r.J[m / 3][m % 3];
        if (p->z.mode) {
            zd2[i] = d2;
            zsh[i] = r.shear;
            memcpy(zE[i], r.E, sizeof r.E);
            zvalid[i] = r.valid;
            /* Non-affine displacement: u - F u0 (up to one translation
             * for all atoms, which the STZ map takes out). */
            double u[3], fu0[3];
            box_unwrap(&s->box, a->x[i], a->image[i], u);
            apply3(F, &ref[REF_W * (size_t)i], fu0);
            for (int d = 0; d < 3; d++)
                zw[i][d] = u[d] - fu0[d];
        }
        counted++;
        if (!r.valid) {
            invalid++;
            continue;
        }
        terms[3 * nterm] = d2;
        terms[3 * nterm + 1] = r.shear;
        terms[3 * nterm + 2] = r.vol;
        nterm++;
        local_max[0] = fmax(local_max[0], d2);
        local_max[1] = fmax(local_max[1], r.shear);
    }
    double sums[3], maxima[2];
    repro_sum(terms, nterm, 3, 3, sums);
    par_max_doubles(local_max, maxima, 2);
    int64_t cnt[2] = {counted, invalid}, tot[2];
    par_sum_i64s(cnt, tot, 2);
    free(terms);
    cells_free(&c);
    free(x0);
    free(pay);
    if (p->z.mode) {
        /* The box's own strain over the interval, as the atoms' strain
         * holds it: E_box = (F^T F - I)/2 with `mapping off`, none with an
         * affine mapping (J is then relative to the box). */
        double Ebox[6] = {0, 0, 0, 0, 0, 0};
        if (p->mapping == MAP_OFF) {
            double C[3][3];
            for (int r = 0; r < 3; r++)
                for (int q = 0; q < 3; q++)
                    C[r][q] = F[0][r] * F[0][q] + F[1][r] * F[1][q] + F[2][r] * F[2][q];
            const double v[6] = {C[0][0] - 1, C[1][1] - 1, C[2][2] - 1, C[0][1], C[0][2], C[1][2]};
            for (int k = 0; k < 6; k++)
                Ebox[k] = 0.5 * v[k];
        }
        char who[320];
        snprintf(who, sizeof who, "%s: d2min %s", p->where, ob->name);
        stz_sample(&p->z, ob->name, s, &p->sh, zd2, zvalid, (const double (*)[6])zE, zsh, (const double (*)[3])zw,
                   Ebox, a->prop[prop_of(ob, s, "stz")].data, !(maxima[0] > 1e-20));
        if (p->z.esh.on && p->z.nborn) {
            for (int i = 0; i < nlocal; i++)
                for (int k = 0; k < 6; k++)
                    zE[i][k] -= Ebox[k];
            eshelby_sample(&p->z.esh, who, s, p->z.born, p->z.nborn, nlocal, (const double (*)[3])a->x,
                           (const double (*)[3])zw, (const double (*)[6])zE, zd2, zvalid);
            eshelby_write(&p->z.esh, who);
        }
        free(zd2);
        free(zsh);
        free(zE);
        free(zw);
        free(zvalid);
    }
    write_row(ob, p, s, sums, maxima, tot[0], tot[1]);
    p->header_done = 1;
    if (p->ref_mode == REF_WINDOW)
        take_reference(ob, p, s);
}

/* `reference stage`: the reference is the configuration a stage starts
 * from (before its first sample). */
static void d2m_stage_begin(observer *ob, md *s)
{
    d2m *p = ob->data;
    if (p->ref_mode == REF_STAGE)
        take_reference(ob, p, s);
}

/* ---- checkpoint ------------------------------------------------------------------ */

/* The per-atom reference travels in the atoms' properties; here the cell,
 * the step and how far the table had got. */
enum { ST_TABLE, ST_HAVE, ST_REFSTEP, ST_HEADER, ST_NATOMS, ST_COUNT };

static void d2m_save(observer *ob, struct ckpt_state *c)
{
    d2m *p = ob->data;
    int64_t st[ST_COUNT] = {text_position(p->f), p->have_ref, p->ref_step, p->header_done, p->ref_natoms};
    ckpt_put_i64(c, "state", st, ST_COUNT);
    ckpt_put_doubles(c, "reference_cell", &p->h0[0][0], 9);
    ckpt_put_text(c, "table", p->path);
    if (p->z.mode)
        stz_save(&p->z, c);
    if (p->z.esh.on)
        eshelby_save(&p->z.esh, c);
}

static void d2m_restore(observer *ob, struct ckpt_state *c)
{
    d2m *p = ob->data;
    int64_t st[ST_COUNT];
    if (ckpt_get_i64(c, "state", st, ST_COUNT) != 0 || ckpt_get_doubles(c, "reference_cell", &p->h0[0][0], 9) != 0)
        mg_fail_all("restart: the checkpoint has no state for d2min observer %s", ob->name);
    char *table = ckpt_get_text(c, "table");
    int same = table && !strcmp(table, p->path);
    free(table);
    if (!same)
        mg_fail_all("restart: d2min %s: the deck writes '%s', not the table the checkpoint continued", ob->name,
                    p->path);
    p->have_ref = st[ST_HAVE] != 0;
    p->ref_step = st[ST_REFSTEP];
    p->header_done = (int)st[ST_HEADER];
    p->ref_natoms = st[ST_NATOMS];
    long long bytes[3] = {st[ST_TABLE], 0, 0};
    if (p->z.mode)
        stz_restore(&p->z, ob->name, c, &bytes[1], &bytes[2]);
    if (p->z.esh.on) {
        char who[160];
        snprintf(who, sizeof who, "d2min %s", ob->name);
        eshelby_restore(&p->z.esh, who, c);
    }
    if (p->path[0]) { /* collective: every rank, though only rank 0 has the streams */
        char owner[128];
        snprintf(owner, sizeof owner, "d2min %s", ob->name);
        FILE *f[3] = {p->f, p->z.fc, p->z.fe};
        const char *path[3] = {p->path, p->z.path_clusters, p->z.path_events};
        const char *what[3] = {"d2min table", "STZ clusters", "STZ events"};
        claim_resume_all(owner, p->z.mode ? 3 : 1, f, path, bytes, what);
        p->f = f[0];
        p->z.fc = f[1];
        p->z.fe = f[2];
    }
}

static void d2m_destroy(observer *ob, md *s)
{
    d2m *p = ob->data;
    if (p) {
        if (p->f)
            fclose(p->f);
        char owner[128];
        snprintf(owner, sizeof owner, "d2min %s", ob->name);
        claim_release(owner, NULL);
        shell_destroy(&p->sh);
        stz_destroy(&p->z);
        free(p->nbuf);
        free(p->d0);
        free(p->d);
        free(p);
        ob->data = NULL;
    }
    observer_remove_props(ob, s);
}

static const observer_ops d2m_ops = {
    .kind = "d2min",
    .sample = d2m_sample,
    .stage_begin = d2m_stage_begin,
    .save = d2m_save,
    .restore = d2m_restore,
    .destroy = d2m_destroy,
};

/* ---- the deck command ------------------------------------------------------------ */

#define D2MIN_KEYWORDS                                                                                                 \
    "cutoff every at_end file reference normalize mapping group J stz connect min_size eshelby bins slab frame annulus"

static void reset_cmd(deck *dk, const char *name)
{
    observer *ob = outputs_find_observer(dk->out, name);
    if (!ob)
        deck_fail(dk, "d2min: no observer named '%s' (define it with 'd2min %s ...')", name, name);
    if (ob->ops != &d2m_ops)
        deck_fail(dk, "d2min: observer '%s' is a %s observer, not a d2min one", name, ob->ops->kind);
    /* The reference taken then is in the checkpoint a restart replays to. */
    if (dk->replaying)
        return;
    if (!dk->s->ready)
        md_setup(dk->s, 0);
    take_reference(ob, ob->data, dk->s);
}

void cmd_d2min(deck *dk)
{
    int i = 1;
    const char *name = deck_word(dk, &i, "observer name");
    if (i < dk->nargs && !strcmp(dk->args[i], "reset")) {
        deck_done(dk, i + 1);
        reset_cmd(dk, name);
        return;
    }
    if (strlen(name) >= 20)
        deck_fail(dk, "d2min: observer name '%s' is longer than 19 characters (its columns are NAME_d2min ...)",
                  name);
    for (const char *q = name; *q; q++)
        if (!((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') || (*q >= '0' && *q <= '9') || *q == '_' ||
              *q == '-'))
            deck_fail(dk, "d2min: observer name '%s' may hold only letters, digits, '_' and '-'", name);
    deck_need_system(dk);
    if (outputs_find_observer(dk->out, name))
        deck_fail(dk, "d2min: an observer named '%s' exists already (unobserve it first)", name);
    md *s = dk->s;
    d2m q = {.cutoff = 5.0, .group = 0};
    stz_init(&q.z);
    deck_location(dk, q.where, sizeof q.where);
    int every = 0, at_end = 1;
    char prefix[1000] = "";
    while (i < dk->nargs) {
        const char *k = deck_word(dk, &i, "keyword (cutoff, every, file, reference, ...)");
        if (!strcmp(k, "cutoff")) {
            q.cutoff = deck_quantity(dk, &i, Q_LENGTH, "cutoff", D2MIN_KEYWORDS);
            if (!(q.cutoff > 0) || q.cutoff > 30)
                deck_fail(dk, "d2min: the cutoff must be above 0 and at most 30 A, got %g", q.cutoff);
        } else if (!strcmp(k, "every")) {
            every = (int)deck_int(dk, &i, "sampling interval (steps)", 0, 1000000000);
        } else if (!strcmp(k, "at_end")) {
            at_end = deck_bool(dk, &i, "at_end");
        } else if (!strcmp(k, "file")) {
            const char *f = deck_word(dk, &i, "file prefix");
            if (strlen(f) >= sizeof prefix)
                deck_fail(dk, "d2min: file prefix longer than 999 characters");
            snprintf(prefix, sizeof prefix, "%s", f);
        } else if (!strcmp(k, "reference")) {
            if (i < dk->nargs && !strcmp(dk->args[i], "step"))
                deck_fail(dk, "d2min: reference must be now, stage, window or file PATH, got 'step' (a given step: "
                              "'d2min %s reset' after the run that reaches it, or write_data there and 'reference "
                              "file')", name);
            q.ref_mode = deck_choice(dk, &i, "reference", "now stage window file");
            if (q.ref_mode == REF_FILE) {
                deck_path(dk, deck_word(dk, &i, "reference file (LAMMPS data file or mgmd checkpoint)"),
                          q.ref_path, sizeof q.ref_path);
                int err = 0;
                if (par_rank() == 0 && access(q.ref_path, R_OK) != 0)
                    err = errno;
                par_bcast_ints(&err, 1, 0);
                if (err)
                    deck_fail(dk, "d2min: cannot open the reference file %s: %s", q.ref_path, strerror(err));
            }
        } else if (!strcmp(k, "normalize")) {
            /* sum/ovito: OVITO's convention, count/lammps: LAMMPS' */
            q.normalize = deck_choice(dk, &i, "normalize", "sum count ovito lammps") % 2;
        } else if (!strcmp(k, "mapping")) {
            q.mapping = deck_choice(dk, &i, "mapping", "off reference current");
        } else if (!strcmp(k, "group")) {
            q.group = deck_group(dk, &i);
        } else if (!strcmp(k, "J")) {
            q.want_j = deck_bool(dk, &i, "J");
        } else if (!strcmp(k, "stz")) {
            q.z.mode = 1 + deck_choice(dk, &i, "stz threshold", "above top background");
            if (q.z.mode == STZ_ABOVE) {
                q.z.value = deck_real(dk, &i, "D2min threshold (A^2, as the NAME_d2min column)");
                if (!(q.z.value >= 0) || !isfinite(q.z.value))
                    deck_fail(dk, "d2min: stz above needs a D2min of at least 0 A^2, got %g", q.z.value);
            } else if (q.z.mode == STZ_TOP) {
                q.z.value = deck_real(dk, &i, "fraction of atoms");
                if (!(q.z.value > 0 && q.z.value <= 0.5))
                    deck_fail(dk, "d2min: stz top takes a fraction of the atoms above 0 and at most 0.5 (0.05 for "
                                  "the top 5 %%), got %g", q.z.value);
            } else {
                q.z.value = deck_real(dk, &i, "multiple of the background");
                if (!(q.z.value > 0) || !isfinite(q.z.value))
                    deck_fail(dk, "d2min: stz background takes a positive multiple of the mean D2min of the first "
                                  "sample, got %g", q.z.value);
            }
        } else if (!strcmp(k, "connect")) {
            q.z.connect = deck_quantity(dk, &i, Q_LENGTH, "connection distance", D2MIN_KEYWORDS);
            if (!(q.z.connect > 0))
                deck_fail(dk, "d2min: connect must be above 0 A, got %g", q.z.connect);
        } else if (!strcmp(k, "min_size")) {
            q.z.min_size = deck_int(dk, &i, "smallest cluster tabulated (atoms)", 1, 1000000000);
        } else if (!strcmp(k, "eshelby")) {
            q.z.esh.on = 1;
            q.z.esh.radius = deck_quantity(dk, &i, Q_LENGTH, "Eshelby map radius", D2MIN_KEYWORDS);
            if (!(q.z.esh.radius > 0) || q.z.esh.radius > 100)
                deck_fail(dk, "d2min: the Eshelby map radius must be above 0 and at most 100 A, got %g",
                          q.z.esh.radius);
        } else if (!strcmp(k, "bins")) {
            q.z.esh.bins = (int)deck_int(dk, &i, "bins a side of the Eshelby map", 2, 400);
        } else if (!strcmp(k, "slab")) {
            q.z.esh.slab = deck_quantity(dk, &i, Q_LENGTH, "slab thickness", D2MIN_KEYWORDS);
            if (!(q.z.esh.slab > 0) || q.z.esh.slab > 200)
                deck_fail(dk, "d2min: the Eshelby slab must be above 0 and at most 200 A thick, got %g", q.z.esh.slab);
        } else if (!strcmp(k, "frame")) {
            q.z.esh.frame = deck_choice(dk, &i, "frame", "event box");
        } else if (!strcmp(k, "annulus")) {
            q.z.esh.r_in = deck_quantity(dk, &i, Q_LENGTH, "inner radius of the annulus", D2MIN_KEYWORDS);
            q.z.esh.r_out = deck_quantity(dk, &i, Q_LENGTH, "outer radius of the annulus", D2MIN_KEYWORDS);
            if (!(q.z.esh.r_in >= 0 && q.z.esh.r_out > q.z.esh.r_in))
                deck_fail(dk, "d2min: the annulus needs 0 <= inner < outer radius, got %g and %g A", q.z.esh.r_in,
                          q.z.esh.r_out);
        } else {
            deck_fail(dk, "d2min: unknown keyword '%s' (expected %s)", k, D2MIN_KEYWORDS);
        }
    }
    int esh_keys = q.z.esh.bins != 24 || q.z.esh.slab != 4.0 || q.z.esh.frame || q.z.esh.r_in >= 0;
    if (esh_keys && !q.z.esh.on)
        deck_fail(dk, "d2min: bins, slab, frame and annulus shape the Eshelby map: give 'eshelby RADIUS' too");
    if (q.z.esh.on && !q.z.mode)
        deck_fail(dk, "d2min: eshelby maps the surroundings of STZs: give 'stz above|top|background ...' too");
    if (q.z.esh.on && !prefix[0])
        deck_fail(dk, "d2min: eshelby writes PREFIX_eshelby.csv and PREFIX_eshelby_fit.csv: give 'file PREFIX'");
    if (q.z.esh.on && q.z.esh.r_out > q.z.esh.radius * sqrt(2.0))
        deck_fail(dk, "d2min: the annulus (outer radius %g A) reaches beyond the map's corners (%g A)",
                  q.z.esh.r_out, q.z.esh.radius * sqrt(2.0));
    if (q.z.mode && q.z.connect > q.cutoff)
        deck_fail(dk, "d2min: connect (%g A) may not exceed the cutoff (%g A): clusters are found among the "
                      "neighbours the observer already has", q.z.connect, q.cutoff);
    observer *ob = observer_new(name, &d2m_ops, every, at_end);
    d2m *p = mg_calloc(1, sizeof *p);
    *p = q;
    shell_init(&p->sh);
    p->ref_step = -1;
    ob->data = p;
    if (p->z.esh.on)
        eshelby_start(&p->z.esh);
    if (prefix[0]) {
        snprintf(p->path, sizeof p->path, "%s.csv", prefix);
        snprintf(p->z.esh.path_map, sizeof p->z.esh.path_map, "%s_eshelby.csv", prefix);
        snprintf(p->z.esh.path_fit, sizeof p->z.esh.path_fit, "%s_eshelby_fit.csv", prefix);
        snprintf(p->z.path_clusters, sizeof p->z.path_clusters, "%s_clusters.csv", prefix);
        snprintf(p->z.path_events, sizeof p->z.path_events, "%s_events.csv", prefix);
        char owner[128], refusal[2600];
        snprintf(owner, sizeof owner, "d2min %s", name);
        FILE *f[3] = {NULL, NULL, NULL};
        const char *path[3] = {p->path, p->z.path_clusters, p->z.path_events};
        int failed, code;
        if (claim_fopen_all(owner, p->z.mode ? 3 : 1, f, path, dk->replaying ? "a" : "w", refusal, sizeof refusal,
                            &failed, &code) != 0) {
            char bad[1100];
            snprintf(bad, sizeof bad, "%s", path[failed]);
            d2m_destroy(ob, s);
            free(ob);
            claim_verdict(refusal);
            deck_fail(dk, "d2min: cannot write %s: %s", bad, strerror(code));
        }
        p->f = f[0];
        p->z.fc = f[1];
        p->z.fe = f[2];
        /* The map and its fit are rewritten whole (eshelby.c): claimed,
         * not held open. */
        refusal[0] = '\0';
        if (p->z.esh.on && par_rank() == 0 && claim_path(owner, p->z.esh.path_map, refusal, sizeof refusal) == 0)
            claim_path(owner, p->z.esh.path_fit, refusal, sizeof refusal);
        claim_verdict(refusal);
    }
    for (int c = 0; c < 5; c++)
        observer_add_prop(ob, s, prop_col[c], 1, c == P_NNB || c == P_VALID);
    for (int m = 0; m < 9 && p->want_j; m++)
        observer_add_prop(ob, s, j_col[m], 1, 0);
    observer_add_prop(ob, s, prop_col[P_REF], REF_W, 0);
    if (p->z.mode)
        observer_add_prop(ob, s, "stz", 1, 1);
    if (outputs_add_observer(dk->out, ob) != 0) {
        d2m_destroy(ob, s);
        free(ob);
        deck_fail(dk, "d2min: too many observers (at most %d)", OUTPUT_MAX_OBSERVERS);
    }
    /* A restart's checkpoint holds the reference (and the atoms' u0). */
    if (!dk->replaying && p->ref_mode != REF_STAGE) {
        if (!s->ready)
            md_setup(s, 0);
        if (p->ref_mode == REF_FILE)
            reference_from_file(ob, p, s);
        else
            take_reference(ob, p, s);
    }
    if (par_rank() == 0) {
        printf("d2min %s: neighbours within %g A in the reference, D2min %s, mapping %s; reference ", name,
               p->cutoff, p->normalize ? "per neighbour (LAMMPS)" : "summed (OVITO)",
               p->mapping == MAP_OFF ? "off" : p->mapping == MAP_REFERENCE ? "to reference" : "to current");
        if (p->ref_mode == REF_NOW)
            printf("now (step %lld)", (long long)s->step);
        else if (p->ref_mode == REF_FILE)
            printf("%s (atoms matched by id)", p->ref_path);
        else
            printf("%s", p->ref_mode == REF_STAGE ? "the start of every stage" : "the previous sample");
        printf("; columns %s_d2min %s_shear %s_vol %s_nnb %s_valid", name, name, name, name, name);
        if (p->want_j)
            printf(" %s_Jxx ... %s_Jzz", name, name);
        printf("\n");
        if (p->z.mode) {
            printf("d2min %s: STZs: atoms with D2min ", name);
            if (p->z.mode == STZ_ABOVE)
                printf("at or above %g A^2", p->z.value);
            else if (p->z.mode == STZ_TOP)
                printf("among the top %g of the atoms", p->z.value);
            else
                printf("at or above %g times the first sample's mean", p->z.value);
            printf(", joined within %g A, clusters of %lld atoms or more; column %s_stz (event id)\n", p->z.connect,
                   (long long)p->z.min_size, name);
            if (p->z.esh.on)
                printf("d2min %s: Eshelby map of the events at their birth: %d x %d bins over +-%g A in the %s "
                       "frame, slab %g A thick, lobe angles over %g-%g A: %s, %s\n", name, p->z.esh.bins,
                       p->z.esh.bins, p->z.esh.radius, p->z.esh.frame ? "box's" : "event's", p->z.esh.slab,
                       p->z.esh.r_in, p->z.esh.r_out, p->z.esh.path_map, p->z.esh.path_fit);
        }
        if (p->f && p->z.mode)
            printf("d2min %s: tables %s, %s, %s\n", name, p->path, p->z.path_clusters, p->z.path_events);
        else if (p->f)
            printf("d2min %s: table %s\n", name, p->path);
        fflush(stdout);
    }
}
