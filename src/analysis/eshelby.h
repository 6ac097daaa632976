/* The strain field around shear transformation zones (docs/analysis.md,
 * "Eshelby field"), for the d2min observer's STZ detection.
 *
 * An STZ is a small region that shears plastically inside an elastic
 * matrix: Eshelby's inclusion. Its surroundings answer with a quadrupolar
 * field: for a shear eigenstrain whose tension axis is e1, the far-field
 * radial displacement goes as n.eps*.n / r^2 (outward along e1, inward
 * along e3) and the dilatation as -(1 - 2 nu) n.eps*.n / r^3, so in the
 * plane of the shear, measured from the shear direction, u_r has its
 * positive lobes at +45 deg and the volumetric strain at -45 deg (Eshelby,
 * Proc. R. Soc. A 241, 376, 1957; the lobes "~45 deg to the shear plane" of
 * the 4D-STEM maps, SCIENCE.md).
 *
 * For every event at the sample it is born, every valid atom near it is
 * taken into the event's frame: x' along the shear direction s = (v1 -
 * v3)/sqrt 2, y' along the normal of the plane of largest shear n = (v1 +
 * v3)/sqrt 2 (v1, v3 the principal axes of the cluster's mean strain less
 * the box's), z' = x' x y' (`frame event`), or the box's axes (`frame box`).
 * An atom at offset r from the event's centre (minimum image) with |x'|,
 * |y'| <= R and |z'| <= slab/2 adds to its bin of an M x M map: its
 * non-affine displacement relative to the cluster's (w - w_cluster, w = u
 * - F u0: the displacement less the cell's affine deformation), its strain
 * less the box's (E - E_box, in the frame) and its D2min. In an annulus
 * r_in <= rho <= r_out (rho the in-plane distance) each event also gives,
 * by least squares over its atoms there, q = c0 + a1 cos theta + b1 sin
 * theta + ak cos k theta + bk sin k theta for u_r and the volumetric strain
 * (k = 2) and for e_x'y' (k = 4); the means of c0, ak, bk over events and
 * their standard errors (events are independent samples) give the
 * amplitude and the lobe angle theta0 = atan2(bk, ak)/k.
 *
 * The sums are replicated on every rank (a reduction per sample with
 * births) and checkpointed; the map and the fit are rewritten whole (to a
 * temporary file, then renamed) after every sample with births. */
#ifndef MGMD_ESHELBY_H
#define MGMD_ESHELBY_H

#include <stdint.h>

#include "system/system.h"

struct ckpt_state;

enum { ESH_FRAME_EVENT, ESH_FRAME_BOX };

/* An event at the sample it was born: what the map needs of its cluster. */
typedef struct stz_birth {
    int64_t event, size;
    double centre[3];        /* A, in the box                            */
    double w[3];             /* mean non-affine displacement (A)         */
    double E[6];             /* mean strain less the box's (xx yy zz xy xz yz) */
} stz_birth;

enum { ESH_Q = 8 };          /* per bin: n, d2min, ux, uy, exx, eyy, exy, vol */
enum { ESH_H = 9 };          /* per event: u_r, vol, exy: mean, cos, sin      */

typedef struct eshelby {
    int on, frame;
    double radius, slab, r_in, r_out; /* A                               */
    int bins;
    int64_t events, fitted;  /* events mapped; those with atoms in the annulus */
    double *map;             /* bins * bins * ESH_Q sums                  */
    double h[ESH_H], h2[ESH_H]; /* sums over events and of squares         */
    char path_map[1100], path_fit[1100];
} eshelby;

void eshelby_init(eshelby *e);
/* Allocate the map (after the options are set). */
void eshelby_start(eshelby *e);
void eshelby_destroy(eshelby *e);
/* Collective: add the events born at this sample. n owned atoms with
 * positions x (in the box), non-affine displacements w, strain E less the
 * box's (xx yy zz xy xz yz), D2min and valid flags. Fails collectively
 * (naming `who`) if the map does not fit in the periodic box. */
void eshelby_sample(eshelby *e, const char *who, const md *s, const stz_birth *born, int nborn, int n,
                    const double (*x)[3], const double (*w)[3], const double (*E)[6], const double *d2,
                    const int *valid);
/* Rank 0: write the map and the fit (if there are paths). */
void eshelby_write(const eshelby *e, const char *who);
/* The frame of an event: rows x', y', z' (collective-free, deterministic). */
void eshelby_frame(const eshelby *e, const double E[6], double R[3][3]);
void eshelby_save(const eshelby *e, struct ckpt_state *c);
void eshelby_restore(eshelby *e, const char *who, struct ckpt_state *c);

#endif
