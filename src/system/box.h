/* The simulation box in LAMMPS' convention.
 *
 * Edge vectors a = (lx,0,0), b = (xy,ly,0), c = (xz,yz,lz) from the corner
 * (xlo,ylo,zlo); orthogonal when all tilts are zero. A point x has
 * fractional ("lamda") coordinates l = H^-1 (x - lo), with
 *     H = | lx xy xz |
 *         |  0 ly yz |
 *         |  0  0 lz |
 * Each dimension is periodic ('p'), fixed non-periodic ('f': atoms leaving
 * are lost, an error) or shrink-wrapped ('s': the bounds follow the atoms at
 * every re-neighbouring). All lengths in Angstrom. */
#ifndef MGMD_BOX_H
#define MGMD_BOX_H

typedef struct box {
    double lo[3], hi[3];
    double xy, xz, yz;
    /* Tilt taken out by box flips (A; xy xz yz): tilt + tilt_flipped is the
     * shear applied since the box was made, continuous across flips, which
     * is what strains are measured from. Zero for a box that never
     * flipped; checkpointed with the box. */
    double tilt_flipped[3];
    int triclinic;
    char boundary[3];      /* 'p', 'f' or 's' per dimension                 */
    int periodic[3];       /* derived: boundary == 'p'                      */
    /* derived by box_update() */
    double len[3];         /* hi - lo                                       */
    double h[3][3];        /* columns are a, b, c                           */
    double hinv[3][3];
    double volume;         /* A^3                                           */
} box;

/* Recompute derived quantities after lo/hi/tilts changed. */
void box_update(box *b);
void box_to_lamda(const box *b, const double x[3], double l[3]);
void box_from_lamda(const box *b, const double l[3], double x[3]);
/* Distance between opposite faces of the cell in each dimension (A). */
void box_face_distances(const box *b, double d[3]);
/* The nearest periodic image of the separation v (A): whole lattice vectors
 * taken out along the periodic dimensions. */
void box_min_image(const box *b, const double v[3], double out[3]);
/* Map x into the primary cell along periodic dimensions, updating image. */
void box_remap(const box *b, double x[3], int image[3]);
/* Unwrapped position from wrapped position and image flags. */
void box_unwrap(const box *b, const double x[3], const int image[3], double out[3]);
/* Its inverse: the position in periodic image `image` of the unwrapped
 * position xu, xu - H image (a prescribed motion put back in the atom's
 * image). */
void box_rewrap(const box *b, const double xu[3], const int image[3], double out[3]);
/* If a tilt passed half the box length it tilts along, replace the cell by
 * the equivalent less-skewed one (the same lattice of periodic images, as
 * LAMMPS' box flip: c' = c - k b for yz, c' -= k a for xz, b' = b - k a for
 * xy), adding what it removed to tilt_flipped. Returns 1 if it flipped. */
int box_flip(box *b);
/* Has a tilt passed half the box length it tilts along (what box_flip
 * acts on)? */
int box_needs_flip(const box *b);
/* Largest tilt allowed by LAMMPS (|xy| <= lx/2 etc.); returns 0 if fine. */
int box_check_tilts(const box *b, char *err, int errlen);

#endif
