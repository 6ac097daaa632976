/* Regions: volumes of space that select atoms into groups and for editing
 * (LAMMPS' `region` styles, always in box units, Angstrom).
 *
 *   block     xlo xhi ylo yhi zlo zhi         lo <= x <= hi in each dimension
 *   sphere    cx cy cz r                      |x - c| <= r
 *   cylinder  axis c1 c2 r lo hi              distance from the axis <= r and
 *                                             lo <= x_axis <= hi (axis x, y or
 *                                             z; c1 c2 the other two
 *                                             coordinates in xyz order)
 *   plane     px py pz nx ny nz               (x - p) . n >= 0 (the side the
 *                                             normal points to)
 *   prism     xlo xhi ylo yhi zlo zhi xy xz yz  the parallelepiped with edges
 *                                             (xhi-xlo,0,0), (xy,yhi-ylo,0),
 *                                             (xz,yz,zhi-zlo) from (xlo,ylo,zlo):
 *                                             fractional coordinates in [0,1]
 *   union     R1 R2 ...                       in any of the regions
 *   intersect R1 R2 ...                       in all of them
 *
 * Surfaces count as inside (<=), as in LAMMPS. Bounds of block and cylinder
 * may be infinite (-INF, INF in the deck, +-HUGE_VAL here).
 *
 * Periodic images: a primitive (every style but union/intersect) selects a
 * point if the point or one of its periodic images lies in the shape, so a
 * sphere across a periodic face also takes the atoms on the far side. The
 * images are x + H n for integer n = (n0, n1, n2), H the box's edge matrix
 * (columns a = (lx,0,0), b = (xy,ly,0), c = (xz,yz,lz)), and which shifts
 * are tried is decided from the shape's Cartesian bounding box, one edge at
 * a time from c down to a:
 *   - n2 (along c, which alone changes z): only if the box is periodic in z
 *     and the bounding box is finite in z; then every n2 that brings z into
 *     the bounding box's z range. Otherwise n2 = 0.
 *   - n1 (along b, which changes y and x but not z): for each such n2, only
 *     if periodic in y and the bounding box is finite in y; then every n1
 *     that brings the shifted y into its y range. Otherwise n1 = 0.
 *   - n0 (along a, which changes x only): for each such (n1, n2), only if
 *     periodic in x and the bounding box is finite in x; then every n0 that
 *     brings the shifted x into its x range. Otherwise n0 = 0.
 * (The ranges are widened by a round-off margin; n = 0 is always tried
 * first.) So a shape bounded in x gets its x-images whatever it does in y
 * and z, also in a tilted box, while along a direction in which the shape is
 * unbounded (a plane, an INF block face) no images are taken, so a half
 * space does not fill the whole periodic box. In an orthogonal box this is
 * simply: images along each periodic dimension in which the shape is
 * bounded. `side out` is then the complement of that periodic set. Union
 * and intersect combine the memberships of their regions (each already with
 * its images and side).
 *
 * No communication: membership is a pure function of the position and the
 * box, so every rank decides for its own atoms and the result does not
 * depend on the rank count. */
#ifndef MGMD_REGION_H
#define MGMD_REGION_H

#include "core/ckpt_section.h"
#include "system/box.h"

#define REGION_MAX 64
#define REGION_MAX_OPERANDS 16
#define REGION_NAME_LEN 32

enum region_style {
    REGION_BLOCK,
    REGION_SPHERE,
    REGION_CYLINDER,
    REGION_PLANE,
    REGION_PRISM,
    REGION_UNION,
    REGION_INTERSECT,
};

typedef struct region {
    char name[REGION_NAME_LEN];
    enum region_style style;
    int side_out;             /* 1: the region is the outside of the shape    */
    /* Parameters (A), by style:
     *   block     p[0..5] = xlo xhi ylo yhi zlo zhi
     *   sphere    p[0..3] = cx cy cz r
     *   cylinder  axis, p[0..4] = c1 c2 r lo hi
     *   plane     p[0..5] = px py pz nx ny nz (n normalised by region_init)
     *   prism     p[0..8] = xlo xhi ylo yhi zlo zhi xy xz yz                 */
    double p[9];
    int axis;                 /* cylinder: 0, 1, 2 for x, y, z                */
    int nop;                  /* union/intersect: operands, indices into the  */
    int op[REGION_MAX_OPERANDS]; /* table, each defined before this one       */
    /* Derived by region_init(): the Cartesian bounding box of the shape
     * (+-HUGE_VAL where unbounded) and, for a prism, its inverse edge matrix. */
    double bblo[3], bbhi[3];
    double hinv[3][3];
} region;

typedef struct region_table {
    int n;
    region r[REGION_MAX];
} region_table;

/* Check the parameters of r (radius > 0, lo <= hi, a non-zero plane normal,
 * positive prism edges, operands that exist) and compute its derived
 * fields. Returns 0, or -1 with a message in err (what is wrong, in the
 * deck's terms). */
int region_init(const region_table *t, region *r, char *err, int errlen);
/* Index of the region named `name`, or -1. */
int region_find(const region_table *t, const char *name);
/* Add r (after region_init) under its name, replacing a region of the same
 * name only if no union/intersect refers to it. Returns its index, or -1
 * with a message. */
int region_add(region_table *t, const region *r, char *err, int errlen);
/* Is x (A, inside or outside the box) in region k of t, periodic images
 * included as described above? */
int region_contains(const region_table *t, int k, const box *b, const double x[3]);

/* Checkpoint section "regions": each region's resolved parameters, restored
 * over the replayed definitions (EDGE meant the box of its moment). */
ckpt_section regions_section(region_table *t);

#endif
