/* Regions: parameter checks, the table, and membership with periodic images.
 *
 * Contract (region.h): a primitive selects x if x + H n lies in the shape
 * (surfaces inside) for some integer n = (n0, n1, n2), H's columns the edges
 * a = (lx,0,0), b = (xy,ly,0), c = (xz,yz,lz). The shifts come from the
 * shape's Cartesian bounding box (region_init), edge by edge from c to a,
 * because H is upper triangular: n2 changes z alone by n2 lz, so n2 ranges
 * over the integers with z + n2 lz in [bblo_z, bbhi_z] if the box is
 * periodic in z and that range is finite (else n2 = 0); for each n2, n1 over
 * those with y + n1 ly + n2 yz in the y range if periodic in y and finite
 * there (else 0); for each (n1, n2), n0 over those with
 * x + n0 lx + n1 xy + n2 xz in the x range if periodic in x and finite there
 * (else 0). Every image that lies in the shape lies in its bounding box, so
 * this enumerates exactly the images that can matter along the edges that
 * take images. `side out` complements that set. Union and intersect combine
 * the memberships of their operands (each with its own images and side),
 * then apply their own side.
 *
 * The ranges are widened by a round-off margin (a fraction of the box
 * length), which only adds candidates: the shape test itself is exact. The
 * cost per point is about the product over the edges taking images of
 * (bounding-box extent in box lengths + 1). The point itself (n = 0) is
 * always tested first, so a point in the shape is always taken.
 *
 * Pure functions of the position, the box and the table: no globals, no
 * allocation, no communication. */
#include "system/region.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Margin on the bounding box (box lengths): a shift that brings the point
 * within round-off of the bounding box is still tried; the shape test itself
 * is exact. */
#define REGION_SHIFT_TINY 1e-9
/* Shifts beyond this are meaningless in double precision (a point absurdly
 * far from the box); only n = 0 is tried along such a dimension. */
#define REGION_SHIFT_MAX 1e9

static const char *style_name(enum region_style s)
{
    switch (s) {
    case REGION_BLOCK: return "block";
    case REGION_SPHERE: return "sphere";
    case REGION_CYLINDER: return "cylinder";
    case REGION_PLANE: return "plane";
    case REGION_PRISM: return "prism";
    case REGION_UNION: return "union";
    case REGION_INTERSECT: return "intersect";
    }
    return "unknown";
}

static int fail(char *err, int errlen, const char *fmt, ...)
{
    if (err && errlen > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, (size_t)errlen, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* The region's name for messages, safe even if not NUL-terminated. */
static void name_of(const region *r, char out[REGION_NAME_LEN + 1])
{
    memcpy(out, r->name, REGION_NAME_LEN);
    out[REGION_NAME_LEN] = '\0';
    if (out[0] == '\0')
        strcpy(out, "(unnamed)");
}

static int nparams(enum region_style s)
{
    switch (s) {
    case REGION_BLOCK: return 6;
    case REGION_SPHERE: return 4;
    case REGION_CYLINDER: return 5;
    case REGION_PLANE: return 6;
    case REGION_PRISM: return 9;
    default: return 0;
    }
}

static const char *block_param[6] = {"xlo", "xhi", "ylo", "yhi", "zlo", "zhi"};
static const char *sphere_param[4] = {"x centre", "y centre", "z centre", "radius"};
static const char *cylinder_param[5] = {"c1", "c2", "radius", "lo", "hi"};
static const char *plane_param[6] = {"px", "py", "pz", "nx", "ny", "nz"};
static const char *prism_param[9] = {"xlo", "xhi", "ylo", "yhi", "zlo", "zhi", "xy", "xz", "yz"};

static const char *param_name(enum region_style s, int i)
{
    switch (s) {
    case REGION_BLOCK: return block_param[i];
    case REGION_SPHERE: return sphere_param[i];
    case REGION_CYLINDER: return cylinder_param[i];
    case REGION_PLANE: return plane_param[i];
    case REGION_PRISM: return prism_param[i];
    default: return "?";
    }
}

/* May parameter i of style s be +-INF? Only block bounds and cylinder lo/hi. */
static int may_be_infinite(enum region_style s, int i)
{
    return s == REGION_BLOCK || (s == REGION_CYLINDER && i >= 3);
}

static int check_bounds(const char *nm, const char *what, const char *lon, const char *hin, double lo,
                        double hi, char *err, int errlen)
{
    if (lo > hi)
        return fail(err, errlen, "region %s: %s %s %g A is above %s %g A (need %s <= %s)", nm, what, lon,
                    lo, hin, hi, lon, hin);
    if (lo == HUGE_VAL)
        return fail(err, errlen, "region %s: %s %s cannot be +INF (use INF or -INF for an open lower end)", nm,
                    what, lon);
    if (hi == -HUGE_VAL)
        return fail(err, errlen, "region %s: %s %s cannot be -INF (use INF or +INF for an open upper end)", nm,
                    what, hin);
    return 0;
}

/* The name: terminated within its array, not empty. */
static int check_name(const region *r, char nm[REGION_NAME_LEN + 1], char *err, int errlen)
{
    name_of(r, nm);
    if (err && errlen > 0)
        err[0] = '\0';
    if (memchr(r->name, '\0', REGION_NAME_LEN) == NULL)
        return fail(err, errlen, "region %s...: name longer than %d characters", nm, REGION_NAME_LEN - 1);
    if (r->name[0] == '\0')
        return fail(err, errlen, "region: empty region name");
    return 0;
}

int region_init(const region_table *t, region *r, char *err, int errlen)
{
    char nm[REGION_NAME_LEN + 1];
    if (check_name(r, nm, err, errlen))
        return -1;
    if ((int)r->style < REGION_BLOCK || (int)r->style > REGION_INTERSECT)
        return fail(err, errlen, "region %s: unknown style %d", nm, (int)r->style);
    const char *st = style_name(r->style);
    r->side_out = r->side_out != 0;

    int np = nparams(r->style);
    for (int i = 0; i < np; i++) {
        if (isnan(r->p[i]))
            return fail(err, errlen, "region %s: %s %s is NaN", nm, st, param_name(r->style, i));
        if (isinf(r->p[i]) && !may_be_infinite(r->style, i))
            return fail(err, errlen, "region %s: %s %s must be finite (INF is allowed only for block "
                        "bounds and cylinder lo/hi)", nm, st, param_name(r->style, i));
    }

    memset(r->hinv, 0, sizeof r->hinv);
    for (int d = 0; d < 3; d++) {
        r->bblo[d] = -HUGE_VAL;
        r->bbhi[d] = HUGE_VAL;
    }

    switch (r->style) {
    case REGION_BLOCK:
        for (int d = 0; d < 3; d++) {
            if (check_bounds(nm, st, block_param[2 * d], block_param[2 * d + 1], r->p[2 * d],
                             r->p[2 * d + 1], err, errlen))
                return -1;
            r->bblo[d] = r->p[2 * d];
            r->bbhi[d] = r->p[2 * d + 1];
        }
        break;
    case REGION_SPHERE:
        if (!(r->p[3] > 0.0))
            return fail(err, errlen, "region %s: sphere radius %g A must be positive", nm, r->p[3]);
        for (int d = 0; d < 3; d++) {
            r->bblo[d] = r->p[d] - r->p[3];
            r->bbhi[d] = r->p[d] + r->p[3];
        }
        break;
    case REGION_CYLINDER: {
        if (r->axis < 0 || r->axis > 2)
            return fail(err, errlen, "region %s: cylinder axis %d must be x, y or z (0, 1 or 2)", nm,
                        r->axis);
        if (!(r->p[2] > 0.0))
            return fail(err, errlen, "region %s: cylinder radius %g A must be positive", nm, r->p[2]);
        if (check_bounds(nm, st, "lo", "hi", r->p[3], r->p[4], err, errlen))
            return -1;
        int a = r->axis, c1 = a == 0 ? 1 : 0, c2 = a == 2 ? 1 : 2;
        r->bblo[a] = r->p[3];
        r->bbhi[a] = r->p[4];
        r->bblo[c1] = r->p[0] - r->p[2];
        r->bbhi[c1] = r->p[0] + r->p[2];
        r->bblo[c2] = r->p[1] - r->p[2];
        r->bbhi[c2] = r->p[1] + r->p[2];
        break;
    }
    case REGION_PLANE: {
        /* Scale first so that huge or tiny components neither overflow nor
         * underflow the norm. */
        double m = fmax(fabs(r->p[3]), fmax(fabs(r->p[4]), fabs(r->p[5])));
        if (!(m > 0.0))
            return fail(err, errlen, "region %s: plane normal (%g, %g, %g) is zero; give a non-zero "
                        "direction", nm, r->p[3], r->p[4], r->p[5]);
        double n[3] = {r->p[3] / m, r->p[4] / m, r->p[5] / m};
        double len = sqrt(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]);
        for (int d = 0; d < 3; d++)
            r->p[3 + d] = n[d] / len;
        break; /* a half-space: unbounded in every direction */
    }
    case REGION_PRISM: {
        for (int d = 0; d < 3; d++)
            if (!(r->p[2 * d + 1] > r->p[2 * d]))
                return fail(err, errlen, "region %s: prism %s %g A must be above %s %g A (edge lengths "
                            "must be positive)", nm, prism_param[2 * d + 1], r->p[2 * d + 1],
                            prism_param[2 * d], r->p[2 * d]);
        double lx = r->p[1] - r->p[0], ly = r->p[3] - r->p[2], lz = r->p[5] - r->p[4];
        double xy = r->p[6], xz = r->p[7], yz = r->p[8];
        if (!isfinite(lx) || !isfinite(ly) || !isfinite(lz))
            return fail(err, errlen, "region %s: prism edge lengths %g %g %g A overflow", nm, lx, ly, lz);
        /* Inverse of the upper-triangular edge matrix, as in box_update(). */
        r->hinv[0][0] = 1.0 / lx;
        r->hinv[1][1] = 1.0 / ly;
        r->hinv[2][2] = 1.0 / lz;
        r->hinv[0][1] = -xy / (lx * ly);
        r->hinv[1][2] = -yz / (ly * lz);
        r->hinv[0][2] = (xy * yz - ly * xz) / (lx * ly * lz);
        double e[3][3] = {{lx, 0.0, 0.0}, {xy, ly, 0.0}, {xz, yz, lz}}; /* rows: edges a, b, c */
        for (int d = 0; d < 3; d++) {
            r->bblo[d] = HUGE_VAL;
            r->bbhi[d] = -HUGE_VAL;
        }
        for (int c = 0; c < 8; c++) {
            for (int d = 0; d < 3; d++) {
                double v = r->p[2 * d];
                for (int k = 0; k < 3; k++)
                    if (c & (1 << k))
                        v += e[k][d];
                r->bblo[d] = fmin(r->bblo[d], v);
                r->bbhi[d] = fmax(r->bbhi[d], v);
            }
        }
        break;
    }
    case REGION_UNION:
    case REGION_INTERSECT:
        if (r->nop < 2 || r->nop > REGION_MAX_OPERANDS)
            return fail(err, errlen, "region %s: %s needs 2 to %d regions, got %d", nm, st,
                        REGION_MAX_OPERANDS, r->nop);
        for (int i = 0; i < r->nop; i++)
            if (!t || r->op[i] < 0 || r->op[i] >= t->n)
                return fail(err, errlen, "region %s: %s region %d of %d is not a defined region "
                            "(define it before the %s)", nm, st, i + 1, r->nop, st);
        break; /* membership comes from the operands: no bounding box used */
    }
    return 0;
}

int region_find(const region_table *t, const char *name)
{
    if (!t || !name)
        return -1;
    for (int k = 0; k < t->n; k++)
        if (strncmp(t->r[k].name, name, REGION_NAME_LEN) == 0)
            return k;
    return -1;
}

int region_add(region_table *t, const region *r, char *err, int errlen)
{
    char nm[REGION_NAME_LEN + 1];
    if (check_name(r, nm, err, errlen))
        return -1;
    int composite = r->style == REGION_UNION || r->style == REGION_INTERSECT;
    if (composite)
        for (int i = 0; i < r->nop; i++)
            if (r->op[i] < 0 || r->op[i] >= t->n)
                return fail(err, errlen, "region %s: %s region %d of %d is not a defined region", nm,
                            style_name(r->style), i + 1, r->nop);
    int k = region_find(t, r->name);
    if (k >= 0) {
        /* Replacing k is safe only if nothing refers to it: then no chain of
         * references reaches k, and the new region must not refer to
         * itself either, so the table stays acyclic. */
        for (int j = 0; j < t->n; j++) {
            const region *u = &t->r[j];
            if (u->style != REGION_UNION && u->style != REGION_INTERSECT)
                continue;
            for (int i = 0; i < u->nop; i++)
                if (u->op[i] == k) {
                    char un[REGION_NAME_LEN + 1];
                    name_of(u, un);
                    return fail(err, errlen, "region %s: cannot redefine it, %s region %s uses it", nm,
                                style_name(u->style), un);
                }
        }
        if (composite)
            for (int i = 0; i < r->nop; i++)
                if (r->op[i] == k)
                    return fail(err, errlen, "region %s: a %s cannot include the region it redefines", nm,
                                style_name(r->style));
        t->r[k] = *r;
        return k;
    }
    if (t->n >= REGION_MAX)
        return fail(err, errlen, "region %s: too many regions (at most %d, REGION_MAX)", nm, REGION_MAX);
    t->r[t->n] = *r;
    return t->n++;
}

/* Is x in the shape itself (no images, no side)? */
static int in_shape(const region *r, const double x[3])
{
    const double *p = r->p;
    switch (r->style) {
    case REGION_BLOCK:
        return x[0] >= p[0] && x[0] <= p[1] && x[1] >= p[2] && x[1] <= p[3] && x[2] >= p[4] && x[2] <= p[5];
    case REGION_SPHERE: {
        double dx = x[0] - p[0], dy = x[1] - p[1], dz = x[2] - p[2];
        return dx * dx + dy * dy + dz * dz <= p[3] * p[3];
    }
    case REGION_CYLINDER: {
        int a = r->axis, c1 = a == 0 ? 1 : 0, c2 = a == 2 ? 1 : 2;
        if (!(x[a] >= p[3] && x[a] <= p[4]))
            return 0;
        double d1 = x[c1] - p[0], d2 = x[c2] - p[1];
        return d1 * d1 + d2 * d2 <= p[2] * p[2];
    }
    case REGION_PLANE:
        return (x[0] - p[0]) * p[3] + (x[1] - p[1]) * p[4] + (x[2] - p[2]) * p[5] >= 0.0;
    case REGION_PRISM: {
        double dx = x[0] - p[0], dy = x[1] - p[2], dz = x[2] - p[4];
        double f0 = r->hinv[0][0] * dx + r->hinv[0][1] * dy + r->hinv[0][2] * dz;
        double f1 = r->hinv[1][1] * dy + r->hinv[1][2] * dz;
        double f2 = r->hinv[2][2] * dz;
        return f0 >= 0.0 && f0 <= 1.0 && f1 >= 0.0 && f1 <= 1.0 && f2 >= 0.0 && f2 <= 1.0;
    }
    default:
        return 0;
    }
}

/* The shifts n along edge d (a, b, c for d = 0, 1, 2) that bring coordinate
 * d of a point, v (already shifted along the later edges), into the shape's
 * bounding box: [*nlo, *nhi], possibly empty (returns 0: no image along the
 * remaining edges can reach the shape). Only n = 0 (returns 1 with
 * [0, 0]) if the box is not periodic in d or the bounding box is unbounded
 * in d, or if the shifts would be absurd (a point absurdly far from the
 * box, NaN). */
static int shift_range(const region *r, const box *b, int d, double v, long *nlo, long *nhi)
{
    *nlo = *nhi = 0;
    if (!b->periodic[d] || !isfinite(r->bblo[d]) || !isfinite(r->bbhi[d]))
        return 1;
    double len = b->len[d], tol = REGION_SHIFT_TINY * len;
    double lo = ceil((r->bblo[d] - tol - v) / len);
    double hi = floor((r->bbhi[d] + tol - v) / len);
    if (!(lo >= -REGION_SHIFT_MAX && hi <= REGION_SHIFT_MAX))
        return 1;
    if (lo > hi)
        return 0;
    *nlo = (long)lo;
    *nhi = (long)hi;
    return 1;
}

static int primitive_contains(const region *r, const box *b, const double x[3])
{
    if (in_shape(r, x))
        return 1;
    const double(*h)[3] = b->h; /* columns a, b, c; h[1][0] = h[2][0] = h[2][1] = 0 */
    long lo2, hi2;
    if (!shift_range(r, b, 2, x[2], &lo2, &hi2))
        return 0;
    for (long n2 = lo2; n2 <= hi2; n2++) {
        double m2 = (double)n2;
        long lo1, hi1;
        if (!shift_range(r, b, 1, x[1] + h[1][2] * m2, &lo1, &hi1))
            continue;
        for (long n1 = lo1; n1 <= hi1; n1++) {
            double m1 = (double)n1;
            long lo0, hi0;
            if (!shift_range(r, b, 0, x[0] + h[0][1] * m1 + h[0][2] * m2, &lo0, &hi0))
                continue;
            for (long n0 = lo0; n0 <= hi0; n0++) {
                if (n0 == 0 && n1 == 0 && n2 == 0)
                    continue; /* tested above */
                double m0 = (double)n0, y[3];
                for (int k = 0; k < 3; k++)
                    y[k] = x[k] + h[k][0] * m0 + h[k][1] * m1 + h[k][2] * m2;
                if (in_shape(r, y))
                    return 1;
            }
        }
    }
    return 0;
}

int region_contains(const region_table *t, int k, const box *b, const double x[3])
{
    if (!t || k < 0 || k >= t->n)
        return 0;
    const region *r = &t->r[k];
    int in;
    if (r->style == REGION_UNION) {
        in = 0;
        for (int i = 0; i < r->nop && !in; i++)
            in = region_contains(t, r->op[i], b, x);
    } else if (r->style == REGION_INTERSECT) {
        in = 1;
        for (int i = 0; i < r->nop && in; i++)
            in = region_contains(t, r->op[i], b, x);
    } else {
        in = primitive_contains(r, b, x);
    }
    return r->side_out ? !in : in;
}

/* ---- checkpoint section "regions" ------------------------------------------ */

/* The regions as they were resolved when defined (EDGE is the box of that
 * moment): a restart's replay defines them on the checkpoint's box, so
 * their parameters are taken from the checkpoint instead. */
static void save_regions(void *ctx, ckpt_state *c)
{
    const region_table *t = ctx;
    for (int k = 0; k < t->n; k++) {
        const region *r = &t->r[k];
        ckpt_state *sub = ckpt_enter(c, r->name);
        int64_t head[4 + REGION_MAX_OPERANDS] = {k, r->style, r->side_out, r->axis};
        for (int j = 0; j < r->nop; j++)
            head[4 + j] = r->op[j];
        ckpt_put_i64(sub, "index_style_side_axis_ops", head, 4 + (size_t)r->nop);
        ckpt_put_doubles(sub, "params", r->p, 9);
        ckpt_leave(sub);
    }
}

static int restore_regions(void *ctx, ckpt_state *c, char *why, size_t whylen)
{
    region_table *t = ctx;
    int n = ckpt_count(c);
    for (int k = 0; k < n; k++) {
        char name[REGION_NAME_LEN + 8];
        ckpt_name(c, k, name, sizeof name);
        int idx = region_find(t, name);
        ckpt_state *sub = ckpt_enter(c, name);
        region r = idx >= 0 ? t->r[idx] : (region){0};
        int64_t head[4 + REGION_MAX_OPERANDS];
        int bad = idx < 0 || !sub || ckpt_get_i64(sub, "index_style_side_axis_ops", head, 4 + (size_t)r.nop) != 0 ||
                  ckpt_get_doubles(sub, "params", r.p, 9) != 0 || head[0] != idx || head[1] != (int64_t)r.style;
        ckpt_leave(sub);
        if (bad) {
            snprintf(why, whylen, "its region '%s' is not what the deck defines at this point (is this the deck "
                     "that wrote it?)", name);
            return -1;
        }
        char err[256];
        if (region_init(t, &r, err, sizeof err) != 0) {
            snprintf(why, whylen, "its region '%s' is invalid: %s", name, err);
            return -1;
        }
        t->r[idx] = r;
    }
    return 0;
}

ckpt_section regions_section(region_table *t)
{
    ckpt_section s = {"regions", save_regions, restore_regions, t};
    return s;
}
