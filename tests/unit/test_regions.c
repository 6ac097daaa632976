/* Region membership, for an independent check by regions_reference.py.
 *
 * Usage: test_regions OUTPUT
 *
 * For four boxes (orthogonal fully periodic; triclinic with xy, xz and yz
 * tilts, fully periodic; triclinic periodic in x and y but fixed in z;
 * orthogonal 'f p s') defines regions of every style: blocks crossing
 * periodic faces, blocks and cylinders with INF bounds, slabs bounded only
 * in x (crossing the periodic x face) or only in y, which in a tilted box
 * must still take their images along a or b, spheres (one larger
 * than half the box, so it overlaps its own images), cylinders along x, y
 * and z, planes with oblique normals, prisms, `side out` variants, unions,
 * intersections and a nested combination. It evaluates region_contains() for
 * 2000 pseudo-random points inside the box plus 200 in the surrounding
 * half-box shell (fractional coordinates from core/rng.h's Philox,
 * converted with box_from_lamda) and writes OUTPUT as text: per box its
 * lo, hi, tilts and boundary flags, every region's stored parameters (after
 * region_init, 17 significant digits, `inf` for unbounded), then one line
 * per point: x y z and the 0/1 membership in each region.
 *
 * It also checks region_init/region_add's error paths (zero radius, lo >
 * hi, zero normal, undefined operand and more, each must fail with a
 * non-empty message) and prints one PASS/FAIL line per check; the exit
 * status is non-zero if any failed. Geometry is verified by the Python
 * reference, not here. Serial: par_init/par_finalize only because the
 * engine library links MPI. */
#include "core/rng.h"
#include "parallel/parallel.h"
#include "system/box.h"
#include "system/region.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NPOINTS_IN 2000
#define NPOINTS_SHELL 200
#define RNG_STREAM_TEST 901

static int failures;

static void check(int ok, const char *what, const char *msg)
{
    printf("%s: %s%s%s\n", ok ? "PASS" : "FAIL", what, msg && msg[0] ? ": " : "", msg ? msg : "");
    if (!ok)
        failures++;
}

static region make(const char *name, enum region_style style, int side_out)
{
    region r;
    memset(&r, 0, sizeof r);
    snprintf(r.name, sizeof r.name, "%s", name);
    r.style = style;
    r.side_out = side_out;
    return r;
}

/* region_init + region_add; any failure here is a bug in the test setup. */
static int add(region_table *t, region r)
{
    char err[256];
    if (region_init(t, &r, err, sizeof err) != 0 || region_add(t, &r, err, sizeof err) < 0) {
        fprintf(stderr, "test_regions: cannot define region %s: %s\n", r.name, err);
        exit(2);
    }
    return region_find(t, r.name);
}

static int add_block(region_table *t, const char *name, int side, double xlo, double xhi, double ylo,
                     double yhi, double zlo, double zhi)
{
    region r = make(name, REGION_BLOCK, side);
    double p[6] = {xlo, xhi, ylo, yhi, zlo, zhi};
    memcpy(r.p, p, sizeof p);
    return add(t, r);
}

static int add_sphere(region_table *t, const char *name, int side, const double c[3], double rad)
{
    region r = make(name, REGION_SPHERE, side);
    r.p[0] = c[0]; r.p[1] = c[1]; r.p[2] = c[2]; r.p[3] = rad;
    return add(t, r);
}

static int add_cylinder(region_table *t, const char *name, int side, int axis, double c1, double c2,
                        double rad, double lo, double hi)
{
    region r = make(name, REGION_CYLINDER, side);
    r.axis = axis;
    r.p[0] = c1; r.p[1] = c2; r.p[2] = rad; r.p[3] = lo; r.p[4] = hi;
    return add(t, r);
}

static int add_plane(region_table *t, const char *name, int side, const double p[3], const double n[3])
{
    region r = make(name, REGION_PLANE, side);
    for (int d = 0; d < 3; d++) {
        r.p[d] = p[d];
        r.p[3 + d] = n[d];
    }
    return add(t, r);
}

static int add_prism(region_table *t, const char *name, int side, const double q[9])
{
    region r = make(name, REGION_PRISM, side);
    memcpy(r.p, q, 9 * sizeof(double));
    return add(t, r);
}

static int add_combo(region_table *t, const char *name, enum region_style style, int side, int nop,
                     const int *op)
{
    region r = make(name, style, side);
    r.nop = nop;
    for (int i = 0; i < nop; i++)
        r.op[i] = op[i];
    return add(t, r);
}

/* The regions tested in every box, placed in terms of its lo and lengths. */
static void define_regions(region_table *t, const box *b)
{
    const double *lo = b->lo, *L = b->len;
    double lmin = fmin(L[0], fmin(L[1], L[2]));
    double c[3], l[3];
    t->n = 0;

    int blk_in = add_block(t, "blk_in", 0, lo[0] + 0.2 * L[0], lo[0] + 0.5 * L[0], lo[1] + 0.3 * L[1],
                           lo[1] + 0.6 * L[1], lo[2] + 0.25 * L[2], lo[2] + 0.55 * L[2]);
    add_block(t, "blk_cross", 0, lo[0] + 0.8 * L[0], lo[0] + 1.15 * L[0], lo[1] + 0.2 * L[1],
              lo[1] + 0.7 * L[1], lo[2] - 0.1 * L[2], lo[2] + 0.25 * L[2]);
    int blk_inf = add_block(t, "blk_inf", 0, -HUGE_VAL, HUGE_VAL, lo[1] + 0.3 * L[1], lo[1] + 0.55 * L[1],
                            -HUGE_VAL, lo[2] + 0.4 * L[2]);
    int blk_inf_out = add_block(t, "blk_inf_out", 1, lo[0] - 0.1 * L[0], lo[0] + 0.3 * L[0], -HUGE_VAL,
                                HUGE_VAL, lo[2] + 0.5 * L[2], lo[2] + 0.9 * L[2]);
    /* Slabs bounded in one Cartesian direction only: in a tilted box their
     * extent in the fractional coordinates is infinite, but their x (y)
     * images must be taken all the same. slab_x crosses the periodic x face. */
    add_block(t, "slab_x", 0, lo[0] + 0.85 * L[0], lo[0] + 1.1 * L[0], -HUGE_VAL, HUGE_VAL, -HUGE_VAL,
              HUGE_VAL);
    add_block(t, "slab_y", 0, -HUGE_VAL, HUGE_VAL, lo[1] - 0.15 * L[1], lo[1] + 0.1 * L[1], -HUGE_VAL,
              HUGE_VAL);

    l[0] = 0.95; l[1] = 0.05; l[2] = 0.9;
    box_from_lamda(b, l, c);
    int sph_corner = add_sphere(t, "sph_corner", 0, c, 0.3 * lmin);
    l[0] = 0.5; l[1] = 0.5; l[2] = 0.5;
    box_from_lamda(b, l, c);
    int sph_out = add_sphere(t, "sph_out", 1, c, 0.35 * lmin);
    l[0] = 0.1; l[1] = 0.6; l[2] = 0.3;
    box_from_lamda(b, l, c);
    int sph_big = add_sphere(t, "sph_big", 0, c, 0.62 * lmin);

    int cyl_x = add_cylinder(t, "cyl_x", 0, 0, lo[1] + 0.9 * L[1], lo[2] + 0.5 * L[2], 0.2 * lmin,
                             lo[0] - 0.2 * L[0], lo[0] + 0.4 * L[0]);
    add_cylinder(t, "cyl_y", 0, 1, lo[0] + 0.1 * L[0], lo[2] + 0.85 * L[2], 0.25 * lmin, -HUGE_VAL, HUGE_VAL);
    int cyl_z = add_cylinder(t, "cyl_z", 0, 2, lo[0] + 1.0 * L[0], lo[1] + 0.5 * L[1], 0.3 * lmin,
                             lo[2] + 0.6 * L[2], HUGE_VAL);

    l[0] = 0.5; l[1] = 0.5; l[2] = 0.5;
    box_from_lamda(b, l, c);
    double n1[3] = {1.0, -2.0, 0.7};
    int plane_obl = add_plane(t, "plane_obl", 0, c, n1);
    l[0] = 0.3; l[1] = 0.3; l[2] = 0.3;
    box_from_lamda(b, l, c);
    double n2[3] = {0.2, 0.3, -1.0};
    add_plane(t, "plane_out", 1, c, n2);

    double q1[9] = {lo[0] + 0.7 * L[0], lo[0] + 1.1 * L[0], lo[1] - 0.15 * L[1], lo[1] + 0.3 * L[1],
                    lo[2] + 0.6 * L[2], lo[2] + 1.05 * L[2], 0.2 * L[0], -0.15 * L[0], 0.1 * L[1]};
    int prism = add_prism(t, "prism", 0, q1);
    double q2[9] = {lo[0] + 0.3 * L[0], lo[0] + 0.6 * L[0], lo[1] + 0.2 * L[1], lo[1] + 0.5 * L[1],
                    lo[2] + 0.3 * L[2], lo[2] + 0.7 * L[2], -0.25 * L[0], 0.2 * L[0], -0.3 * L[1]};
    add_prism(t, "prism_out", 1, q2);

    int u1[3] = {sph_corner, cyl_z, prism};
    int uni = add_combo(t, "uni", REGION_UNION, 0, 3, u1);
    int i1[2] = {plane_obl, sph_big};
    add_combo(t, "inter", REGION_INTERSECT, 0, 2, i1);
    int u2[2] = {blk_in, cyl_x};
    add_combo(t, "uni_out", REGION_UNION, 1, 2, u2);
    int i2[2] = {blk_inf, sph_out};
    add_combo(t, "inter_side", REGION_INTERSECT, 0, 2, i2);
    int i3[2] = {uni, blk_inf_out};
    add_combo(t, "nested", REGION_INTERSECT, 0, 2, i3);
}

static void write_region(FILE *f, int k, const region *r)
{
    static const char *names[] = {"block", "sphere", "cylinder", "plane", "prism", "union", "intersect"};
    fprintf(f, "region %d %s %s %d %d %d", k, r->name, names[r->style], r->side_out, r->axis, r->nop);
    for (int i = 0; i < r->nop; i++)
        fprintf(f, " %d", r->op[i]);
    fprintf(f, " params");
    for (int i = 0; i < 9; i++)
        fprintf(f, " %.17g", r->p[i]);
    fprintf(f, "\n");
}

static void run_box(FILE *f, const char *name, const double lo[3], const double hi[3], const double tilt[3],
                    const char *boundary, uint64_t seed)
{
    box b;
    memset(&b, 0, sizeof b);
    for (int d = 0; d < 3; d++) {
        b.lo[d] = lo[d];
        b.hi[d] = hi[d];
        b.boundary[d] = boundary[d];
    }
    b.xy = tilt[0]; b.xz = tilt[1]; b.yz = tilt[2];
    box_update(&b);

    static region_table t; /* ~20 kB: keep it off the stack */
    define_regions(&t, &b);

    int np = NPOINTS_IN + NPOINTS_SHELL;
    fprintf(f, "box %s %d %d\n", name, np, t.n);
    fprintf(f, "lo %.17g %.17g %.17g\n", b.lo[0], b.lo[1], b.lo[2]);
    fprintf(f, "hi %.17g %.17g %.17g\n", b.hi[0], b.hi[1], b.hi[2]);
    fprintf(f, "tilt %.17g %.17g %.17g\n", b.xy, b.xz, b.yz);
    fprintf(f, "boundary %c%c%c\n", b.boundary[0], b.boundary[1], b.boundary[2]);
    for (int k = 0; k < t.n; k++)
        write_region(f, k, &t.r[k]);
    for (int i = 0; i < np; i++) {
        double u[4], l[3], x[3];
        rng_uniform2(seed, (uint64_t)i, RNG_STREAM_TEST, 0, u);
        rng_uniform2(seed, (uint64_t)i, RNG_STREAM_TEST, 1, u + 2);
        for (int d = 0; d < 3; d++)
            l[d] = i < NPOINTS_IN ? u[d] : -0.5 + 2.0 * u[d];
        box_from_lamda(&b, l, x);
        fprintf(f, "point %.17g %.17g %.17g", x[0], x[1], x[2]);
        for (int k = 0; k < t.n; k++)
            fprintf(f, " %d", region_contains(&t, k, &b, x));
        fprintf(f, "\n");
    }
    fprintf(f, "endbox\n");
}

/* Error paths of region_init and region_add. */
static void negative_checks(void)
{
    static region_table t;
    char err[256];
    memset(&t, 0, sizeof t);
    double c0[3] = {1.0, 2.0, 3.0};
    add_sphere(&t, "s1", 0, c0, 1.0);
    add_sphere(&t, "s2", 0, c0, 2.0);

    struct {
        const char *what;
        region r;
    } bad[16];
    int nb = 0;

    bad[nb].what = "region_init rejects a zero sphere radius";
    bad[nb].r = make("bad", REGION_SPHERE, 0);
    bad[nb].r.p[3] = 0.0;
    nb++;
    bad[nb].what = "region_init rejects a negative cylinder radius";
    bad[nb].r = make("bad", REGION_CYLINDER, 0);
    bad[nb].r.axis = 2; bad[nb].r.p[2] = -1.0; bad[nb].r.p[3] = 0.0; bad[nb].r.p[4] = 1.0;
    nb++;
    bad[nb].what = "region_init rejects block ylo > yhi";
    bad[nb].r = make("bad", REGION_BLOCK, 0);
    {
        double p[6] = {0, 1, 2, 1, 0, 1};
        memcpy(bad[nb].r.p, p, sizeof p);
    }
    nb++;
    bad[nb].what = "region_init rejects cylinder lo > hi";
    bad[nb].r = make("bad", REGION_CYLINDER, 0);
    bad[nb].r.axis = 0; bad[nb].r.p[2] = 1.0; bad[nb].r.p[3] = 5.0; bad[nb].r.p[4] = -HUGE_VAL;
    nb++;
    bad[nb].what = "region_init rejects a zero plane normal";
    bad[nb].r = make("bad", REGION_PLANE, 0);
    nb++;
    bad[nb].what = "region_init rejects a union operand out of range";
    bad[nb].r = make("bad", REGION_UNION, 0);
    bad[nb].r.nop = 2; bad[nb].r.op[0] = 0; bad[nb].r.op[1] = 2;
    nb++;
    bad[nb].what = "region_init rejects a negative intersect operand";
    bad[nb].r = make("bad", REGION_INTERSECT, 0);
    bad[nb].r.nop = 2; bad[nb].r.op[0] = -1; bad[nb].r.op[1] = 1;
    nb++;
    bad[nb].what = "region_init rejects a union of one region";
    bad[nb].r = make("bad", REGION_UNION, 0);
    bad[nb].r.nop = 1;
    nb++;
    bad[nb].what = "region_init rejects more than REGION_MAX_OPERANDS operands";
    bad[nb].r = make("bad", REGION_INTERSECT, 0);
    bad[nb].r.nop = REGION_MAX_OPERANDS + 1;
    nb++;
    bad[nb].what = "region_init rejects cylinder axis 3";
    bad[nb].r = make("bad", REGION_CYLINDER, 0);
    bad[nb].r.axis = 3; bad[nb].r.p[2] = 1.0; bad[nb].r.p[3] = 0.0; bad[nb].r.p[4] = 1.0;
    nb++;
    bad[nb].what = "region_init rejects a prism with xhi = xlo";
    bad[nb].r = make("bad", REGION_PRISM, 0);
    {
        double p[9] = {1, 1, 0, 1, 0, 1, 0, 0, 0};
        memcpy(bad[nb].r.p, p, sizeof p);
    }
    nb++;
    bad[nb].what = "region_init rejects a NaN block bound";
    bad[nb].r = make("bad", REGION_BLOCK, 0);
    {
        double p[6] = {0, 1, 0, NAN, 0, 1};
        memcpy(bad[nb].r.p, p, sizeof p);
    }
    nb++;
    bad[nb].what = "region_init rejects an INF sphere centre";
    bad[nb].r = make("bad", REGION_SPHERE, 0);
    bad[nb].r.p[0] = HUGE_VAL; bad[nb].r.p[3] = 1.0;
    nb++;
    bad[nb].what = "region_init rejects an INF plane normal component";
    bad[nb].r = make("bad", REGION_PLANE, 0);
    bad[nb].r.p[5] = -HUGE_VAL;
    nb++;

    for (int i = 0; i < nb; i++) {
        err[0] = '\0';
        int rc = region_init(&t, &bad[i].r, err, sizeof err);
        check(rc == -1 && err[0] != '\0', bad[i].what, err);
    }

    /* Accepted: INF bounds, a normal that is normalised. */
    region r = make("ok", REGION_BLOCK, 0);
    {
        double p[6] = {-HUGE_VAL, HUGE_VAL, 0, 1, -HUGE_VAL, 2};
        memcpy(r.p, p, sizeof p);
    }
    check(region_init(&t, &r, err, sizeof err) == 0, "region_init accepts INF block bounds", err);
    r = make("ok", REGION_PLANE, 0);
    r.p[3] = 3.0; r.p[4] = 0.0; r.p[5] = -4.0;
    int rc = region_init(&t, &r, err, sizeof err);
    check(rc == 0 && fabs(r.p[3] - 0.6) < 1e-15 && fabs(r.p[5] + 0.8) < 1e-15,
          "region_init normalises the plane normal (3,0,-4) to (0.6,0,-0.8)", rc ? err : "");

    /* The table: find, replace, refuse to replace a used region, full. */
    check(region_find(&t, "s2") == 1 && region_find(&t, "nope") == -1, "region_find", "");
    int ops[2] = {0, 1};
    add_combo(&t, "u", REGION_UNION, 0, 2, ops);
    r = make("s1", REGION_SPHERE, 0);
    r.p[3] = 5.0;
    region_init(&t, &r, err, sizeof err);
    err[0] = '\0';
    rc = region_add(&t, &r, err, sizeof err);
    check(rc == -1 && err[0] != '\0' && t.r[0].p[3] == 1.0,
          "region_add refuses to redefine a region a union uses", err);
    r = make("u", REGION_UNION, 0);
    r.nop = 2; r.op[0] = 1; r.op[1] = 2;
    region_init(&t, &r, err, sizeof err);
    err[0] = '\0';
    rc = region_add(&t, &r, err, sizeof err);
    check(rc == -1 && err[0] != '\0', "region_add refuses a union that includes the region it redefines",
          err);
    r = make("u", REGION_INTERSECT, 0);
    r.nop = 2; r.op[0] = 1; r.op[1] = 0;
    err[0] = '\0';
    rc = region_init(&t, &r, err, sizeof err) == 0 ? region_add(&t, &r, err, sizeof err) : -1;
    check(rc == 2 && t.n == 3 && t.r[2].style == REGION_INTERSECT,
          "region_add replaces an unused region of the same name in place", err);
    while (t.n < REGION_MAX) {
        char nm[REGION_NAME_LEN];
        snprintf(nm, sizeof nm, "fill%d", t.n);
        add_sphere(&t, nm, 0, c0, 1.0);
    }
    r = make("one_too_many", REGION_SPHERE, 0);
    r.p[3] = 1.0;
    region_init(&t, &r, err, sizeof err);
    err[0] = '\0';
    rc = region_add(&t, &r, err, sizeof err);
    check(rc == -1 && strstr(err, "64") != NULL, "region_add refuses a region beyond REGION_MAX", err);
}

int main(int argc, char **argv)
{
    par_init(&argc, &argv);
    if (argc < 2) {
        fprintf(stderr, "usage: test_regions OUTPUT\n");
        par_finalize();
        return 2;
    }
    if (par_rank() == 0) {
        negative_checks();
        FILE *f = fopen(argv[1], "w");
        if (!f) {
            fprintf(stderr, "test_regions: cannot write %s\n", argv[1]);
            failures++;
        } else {
            fprintf(f, "mgmd-regions 1\n");
            double lo1[3] = {-1.0, 2.0, 0.5}, hi1[3] = {9.0, 14.0, 8.5}, t1[3] = {0.0, 0.0, 0.0};
            run_box(f, "ortho_ppp", lo1, hi1, t1, "ppp", 11);
            double lo2[3] = {0.5, -1.0, 2.0}, hi2[3] = {10.5, 10.0, 11.0}, t2[3] = {3.0, -2.5, 4.0};
            run_box(f, "tric_ppp", lo2, hi2, t2, "ppp", 12);
            double lo3[3] = {0.0, 0.0, 0.0}, hi3[3] = {12.0, 10.0, 9.0}, t3[3] = {-2.5, 1.5, 2.0};
            run_box(f, "tric_ppf", lo3, hi3, t3, "ppf", 13);
            double lo4[3] = {0.0, 0.0, 0.0}, hi4[3] = {9.0, 11.0, 10.0}, t4[3] = {0.0, 0.0, 0.0};
            run_box(f, "ortho_fps", lo4, hi4, t4, "fps", 14);
            fprintf(f, "end\n");
            if (fclose(f) != 0) {
                fprintf(stderr, "test_regions: error writing %s\n", argv[1]);
                failures++;
            }
        }
        printf("%d check(s) failed\n", failures);
    }
    failures = par_max_int(failures);
    par_finalize();
    return failures ? 1 : 0;
}
