/* Driver for the H5MD writer tests (tests/io/h5md.py) and its benchmark.
 *
 *   test_h5md write OUT DATA NFRAMES [--resume K] [--boundary xyz] [--no V|F|I|S|D|C]...
 *                                    [--drop-id ID] [--author NAME]
 *       Read the LAMMPS data file DATA and write frames 0..NFRAMES-1 to OUT
 *       (with --resume K: reopen OUT keeping its first K frames and write
 *       frames K..NFRAMES-1). Frame f is a known function of the data file,
 *       which tests/io/h5md.py recomputes exactly:
 *         step 100 f + 7, time step * 0.002 ps;
 *         box lo_k - 0.005 f, hi_k + 0.01 f (k+1), tilts xy + 0.002 f,
 *             xz - 0.001 f, yz + 0.003 f (tilted boxes only);
 *         with d_c(id) = ((37 id + 11 c) mod 101 - 50) * 1e-3 for c = 0,1,2:
 *         x = x0 + f d, v = v0 - f d, force = (f + 1) d,
 *         image = image0 + (f, -f, f mod 2), column "tcol" = 0.25 id + f.
 *       Elements: velocity force image species id and the column, all on
 *       unless --no V (velocity), F (force), I (image), S (species),
 *       D (id), C (column). --drop-id removes one atom first (ids then have
 *       a gap, which the writer must refuse).
 *       A failure to open prints "ERROR: <message>" and exits 2, as mgmd does.
 *
 *   test_h5md bench NCELL NFRAMES OUT [all]
 *       NCELL^3 atoms on a jittered cubic lattice with ids shuffled over the
 *       sites (so every rank owns scattered ids, the worst case for the row
 *       selection); writes NFRAMES frames of positions (and with "all" also
 *       velocities, forces, images) and prints the time per frame. */
#include "core/error.h"
#include "io/data_file.h"
#include "io/h5md.h"
#include "parallel/parallel.h"
#include "system/system.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static double delta(int64_t id, int c) { return (double)((37 * id + 11 * c) % 101 - 50) * 1e-3; }

typedef struct base {
    int n;
    double (*x)[3], (*v)[3];
    int (*img)[3];
    box b;
} base;

static void set_frame(md *s, const base *b0, int f, int tcol)
{
    atoms *a = &s->atoms;
    box *b = &s->box;
    *b = b0->b;
    for (int k = 0; k < 3; k++) {
        b->lo[k] = b0->b.lo[k] - f * 0.005;
        b->hi[k] = b0->b.hi[k] + f * 0.01 * (k + 1);
    }
    if (b0->b.triclinic) {
        b->xy = b0->b.xy + f * 0.002;
        b->xz = b0->b.xz - f * 0.001;
        b->yz = b0->b.yz + f * 0.003;
    }
    box_update(b);
    for (int i = 0; i < a->nlocal; i++) {
        int64_t id = a->id[i];
        for (int c = 0; c < 3; c++) {
            double d = delta(id, c);
            a->x[i][c] = b0->x[i][c] + f * d;
            a->v[i][c] = b0->v[i][c] - f * d;
            a->f[i][c] = (f + 1) * d;
        }
        a->image[i][0] = b0->img[i][0] + f;
        a->image[i][1] = b0->img[i][1] - f;
        a->image[i][2] = b0->img[i][2] + f % 2;
        if (tcol >= 0)
            a->prop[tcol].data[i] = 0.25 * (double)id + f;
    }
    s->step = 100 * (int64_t)f + 7;
    s->time = (double)s->step * 0.002;
}

static h5md_file *open_or_die(const char *path, const md *s, const h5md_options *o, int64_t resume)
{
    char err[1024];
    h5md_file *h = h5md_open(path, s, o, resume, err, sizeof err);
    if (!h)
        mg_fail_all("%s", err);
    return h;
}

static int write_mode(int argc, char **argv)
{
    if (argc < 5)
        mg_fail_all("usage: test_h5md write OUT DATA NFRAMES [options]");
    const char *out = argv[2], *data = argv[3];
    int nframes = atoi(argv[4]);
    int64_t resume = -1, drop = 0;
    char boundary[4] = "ppp";
    h5md_options o;
    memset(&o, 0, sizeof o);
    o.velocity = o.force = o.image = o.species = o.id = 1;
    int column = 1;
    for (int k = 5; k < argc; k++) {
        if (!strcmp(argv[k], "--resume") && k + 1 < argc)
            resume = atoll(argv[++k]);
        else if (!strcmp(argv[k], "--boundary") && k + 1 < argc)
            snprintf(boundary, sizeof boundary, "%s", argv[++k]);
        else if (!strcmp(argv[k], "--drop-id") && k + 1 < argc)
            drop = atoll(argv[++k]);
        else if (!strcmp(argv[k], "--author") && k + 1 < argc)
            snprintf(o.author, sizeof o.author, "%s", argv[++k]);
        else if (!strcmp(argv[k], "--no") && k + 1 < argc) {
            const char *w = argv[++k];
            for (; *w; w++)
                switch (*w) {
                case 'V': o.velocity = 0; break;
                case 'F': o.force = 0; break;
                case 'I': o.image = 0; break;
                case 'S': o.species = 0; break;
                case 'D': o.id = 0; break;
                case 'C': column = 0; break;
                default: mg_fail_all("--no: unknown element '%c'", *w);
                }
        } else
            mg_fail_all("unknown argument %s", argv[k]);
    }
    md s;
    md_init(&s);
    for (int d = 0; d < 3; d++)
        s.box.boundary[d] = boundary[d];
    data_read(&s, data);
    atoms *a = &s.atoms;
    if (drop > 0) {
        for (int i = 0; i < a->nlocal; i++)
            if (a->id[i] == drop) {
                atoms_copy(a, a->nlocal - 1, i);
                a->nlocal--;
                break;
            }
        a->natoms--;
    }
    int tcol = -1;
    if (column) {
        tcol = atoms_add_prop(a, "tcol", 1);
        snprintf(o.col[o.ncol++], sizeof o.col[0], "tcol");
    }
    base b0 = {a->nlocal, mg_malloc((size_t)a->nlocal * sizeof *b0.x), mg_malloc((size_t)a->nlocal * sizeof *b0.v),
               mg_malloc((size_t)a->nlocal * sizeof *b0.img), s.box};
    memcpy(b0.x, a->x, (size_t)a->nlocal * sizeof *b0.x);
    memcpy(b0.v, a->v, (size_t)a->nlocal * sizeof *b0.v);
    memcpy(b0.img, a->image, (size_t)a->nlocal * sizeof *b0.img);

    int first = resume >= 0 ? (int)resume : 0;
    set_frame(&s, &b0, first, tcol);
    h5md_file *h = open_or_die(out, &s, &o, resume);
    for (int f = first; f < nframes; f++) {
        set_frame(&s, &b0, f, tcol);
        h5md_write_frame(h, &s);
        if (f == first)
            h5md_flush(h);
    }
    int64_t frames = h5md_frames(h);
    h5md_close(h);
    if (par_rank() == 0)
        printf("wrote %s: %lld frames, %lld atoms, %d ranks\n", out, (long long)frames, (long long)a->natoms,
               par_size());
    free(b0.x);
    free(b0.v);
    free(b0.img);
    md_destroy(&s);
    return 0;
}

/* xorshift64*: the same permutation on every rank. */
static uint64_t next(uint64_t *st)
{
    *st ^= *st >> 12;
    *st ^= *st << 25;
    *st ^= *st >> 27;
    return *st * 2685821657736338717ULL;
}

static int bench_mode(int argc, char **argv)
{
    if (argc < 5)
        mg_fail_all("usage: test_h5md bench NCELL NFRAMES OUT [all]");
    int ncell = atoi(argv[2]), nframes = atoi(argv[3]);
    int all = argc > 5 && !strcmp(argv[5], "all");
    md s;
    md_init(&s);
    box *b = &s.box;
    double a0 = 2.6;
    for (int d = 0; d < 3; d++) {
        b->lo[d] = 0.0;
        b->hi[d] = ncell * a0;
    }
    box_update(b);
    s.have_box = 1;
    atoms_set_ntypes(&s.atoms, 2);
    md_decompose(&s);
    int64_t n = (int64_t)ncell * ncell * ncell;
    int64_t *perm = mg_malloc((size_t)n * sizeof *perm);
    for (int64_t k = 0; k < n; k++)
        perm[k] = k + 1;
    uint64_t st = 88172645463325252ULL;
    for (int64_t k = n - 1; k > 0; k--) {
        int64_t j = (int64_t)(next(&st) % (uint64_t)(k + 1));
        int64_t t = perm[k];
        perm[k] = perm[j];
        perm[j] = t;
    }
    int64_t site = 0;
    for (int k = 0; k < ncell; k++)
        for (int j = 0; j < ncell; j++)
            for (int i = 0; i < ncell; i++, site++) {
                double l[3] = {(i + 0.5) / ncell, (j + 0.5) / ncell, (k + 0.5) / ncell}, x[3];
                box_from_lamda(b, l, x);
                if (decomp_owner(&s.dc, l) == s.dc.rank) {
                    int img[3] = {0, 0, 0};
                    double v[3] = {0.1, 0.2, 0.3};
                    atoms_add(&s.atoms, perm[site], 1 + (int)(perm[site] % 2), x, v, img);
                }
            }
    s.atoms.natoms = n;
    free(perm);
    h5md_options o;
    memset(&o, 0, sizeof o);
    o.velocity = o.force = o.image = all;
    o.species = 1;
    par_barrier();
    double t0 = par_wtime();
    h5md_file *h = open_or_die(argv[4], &s, &o, -1);
    par_barrier();
    double t1 = par_wtime(), worst = 0.0;
    for (int f = 0; f < nframes; f++) {
        double ta = par_wtime();
        s.step = f;
        h5md_write_frame(h, &s);
        par_barrier();
        double dt = par_wtime() - ta;
        worst = dt > worst ? dt : worst;
    }
    double t2 = par_wtime();
    h5md_close(h);
    par_barrier();
    double t3 = par_wtime();
    if (par_rank() == 0) {
        double mb = (double)n * (all ? 3 * 8 * 3 + 12 : 24) / 1e6;
        printf("bench: %lld atoms, %d ranks, %s: open %.3f s, %.4f s/frame (slowest %.4f s, %.0f MB/s), close %.3f s\n",
               (long long)n, par_size(), all ? "x v f image" : "x", t1 - t0, (t2 - t1) / nframes, worst,
               mb * nframes / (t2 - t1), t3 - t2);
    }
    md_destroy(&s);
    return 0;
}

int main(int argc, char **argv)
{
    par_init(&argc, &argv);
    int rc = 1;
    if (argc > 1 && !strcmp(argv[1], "write"))
        rc = write_mode(argc, argv);
    else if (argc > 1 && !strcmp(argv[1], "bench"))
        rc = bench_mode(argc, argv);
    else
        mg_fail_all("usage: test_h5md write|bench ...");
    par_finalize();
    return rc;
}
