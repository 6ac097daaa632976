/* What a `torsion` fix tells others about the wire it twists (the radial
 * profile observer turns its per-atom shear stresses into a local modulus
 * G(rho) = tau_ztheta(rho) / gamma(rho), gamma(rho) = rho phi / L). */
#ifndef MGMD_TORSION_H
#define MGMD_TORSION_H

#include <stdint.h>

#include "integrate/fix.h"

typedef struct torsion_geometry {
    int axis;            /* wire axis: 0 x, 1 y, 2 z                          */
    double center[3];    /* a point on the axis (A); the axis component is 0  */
    double phi;          /* twist of the top grip against the bottom one
                            (rad), as applied at the current step            */
    double gauge;        /* L (A): axial distance between the grips' inner
                            faces (lowest top-grip atom, highest bottom-grip
                            atom when the fix was defined)                   */
    double lo, hi;       /* the gauge section along the axis (A): [lo, hi]    */
} torsion_geometry;

/* If f is a torsion fix, fill *g and return 0; otherwise return -1. */
int torsion_geometry_of(const fix *f, torsion_geometry *g);

/* One measurement of the twisted wire (torsion.c has the definitions). */
typedef struct torsion_sample {
    double phi;             /* applied twist (rad)                             */
    double torque_top;      /* eV: torque about the axis the rest of the       */
    double torque_bottom;   /*     system exerts on each grip                  */
    double torque;          /* eV: transmitted, (bottom - top) / 2             */
    double diameter;        /* A: 2 sqrt(2 <rho^2>) of the gauge's free atoms  */
    double gauge;           /* A: L                                            */
    double tau_s;           /* GPa: 16 T / (pi D^3)                            */
    double gamma_s;         /* D phi / (2 L)                                   */
    int64_t n_gauge;        /* free atoms in the gauge section                 */
} torsion_sample;

/* Measure the wire from the current forces and positions (collective: one
 * sum reduction). Returns 0, or -1 if f is not a torsion fix. */
int torsion_measure(const fix *f, md *s, torsion_sample *out);

#endif
