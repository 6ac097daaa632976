/* Stress-strain curves: strain from the box, stress from the pressure
 * tensor, and the analysis of a loading curve (moduli, yield, maximum, flow
 * stress). docs/analysis.md, "Stress–strain curves", defines every number.
 *
 * Two layers:
 *  - the pure part (ss_*): plain arrays and boxes in, numbers out; no MPI,
 *    no files, no global state, so any code (the stress_strain observer, an
 *    AQS driver, a unit test) can measure strains and analyse a curve;
 *  - the observer (stress_strain_obs.c, deck command `stress_strain`), which
 *    samples a running system and writes the tables; its constructor is at
 *    the end of this header.
 *
 * Conventions: strains are pure numbers; stresses are in GPa with tension
 * positive (sigma = -P, P the pressure tensor in bar: 1 GPa = 1e4 bar);
 * components in the order xx yy zz xy xz yz. */
#ifndef MGMD_STRESS_STRAIN_H
#define MGMD_STRESS_STRAIN_H

#include <stdint.h>

#include "system/box.h"

/* ---- components ------------------------------------------------------------ */

enum ss_component { SS_XX, SS_YY, SS_ZZ, SS_XY, SS_XZ, SS_YZ, SS_VM, SS_NCOMP };

/* "xx".."yz", "vm" -> the component, or -1. `allow_vm`: von Mises is a
 * stress one may analyse, not a strain. */
int ss_component_parse(const char *word, int allow_vm);
const char *ss_component_name(int c);   /* "xx", ..., "vm"                  */
static inline int ss_is_shear(int c) { return c >= SS_XY && c <= SS_YZ; }

/* ---- strain from the box ---------------------------------------------------- */

/* The reference box a strain is measured from: the edge lengths and the
 * total tilts T = tilt + tilt_flipped (A; xy xz yz), which stay continuous
 * across box flips (box.h). */
typedef struct ss_reference {
    double len[3];
    double tilt[3];
} ss_reference;

void ss_reference_of(const box *b, ss_reference *ref);

/* Strain of component c of box b relative to ref:
 *   normal d (xx yy zz): engineering L_d/L_d0 - 1, and *true_strain (if
 *     not NULL) ln(L_d/L_d0);
 *   shear (LAMMPS' tilt strain): gamma_xy = (T_xy - T_xy0)/ly0,
 *     gamma_xz = (T_xz - T_xz0)/lz0, gamma_yz = (T_yz - T_yz0)/lz0, with
 *     T = tilt + tilt_flipped; *true_strain is set to the same value.
 * c must be SS_XX..SS_YZ. */
double ss_strain(const ss_reference *ref, const box *b, int c, double *true_strain);

/* ---- stress ----------------------------------------------------------------- */

/* sigma (GPa, tension positive, xx yy zz xy xz yz) from the pressure
 * tensor p (bar, same order). */
void ss_stress_from_pressure(const double p_bar[6], double sigma_gpa[6]);
/* von Mises stress of sigma:
 * sqrt(1/2[(sxx-syy)^2 + (syy-szz)^2 + (szz-sxx)^2] + 3(sxy^2 + sxz^2 + syz^2)). */
double ss_von_mises(const double sigma[6]);

/* ---- curve analysis --------------------------------------------------------- */

typedef struct ss_options {
    double fit;              /* elastic fit over strains [0, fit]; > 0          */
    double offset;           /* strain offset of the yield line; > 0            */
    double flow_lo, flow_hi; /* flow-stress window [lo, hi]; none if lo >= hi  */
    int blocks;              /* blocks for the flow stress's standard error, >= 2 */
} ss_options;

/* fit 0.01, offset 0.002, no flow window, 5 blocks. */
void ss_options_default(ss_options *o);

/* Everything the summary reports. NaN marks a number that cannot be had
 * (too few points, no yield). Strains and stresses are in the analysed
 * frame: the tabulated ones times `direction` (for a signed stress). */
typedef struct ss_summary {
    int n;                   /* samples                                         */
    int direction;           /* +1 tension / positive shear, -1 the opposite    */
    double strain_min, strain_max;   /* tabulated (signed) strain range         */
    int fit_n;               /* samples in [0, fit]                             */
    double modulus, modulus_se, intercept;   /* GPa: sigma = intercept + E eps */
    int yielded;             /* the curve crossed the offset line               */
    double yield_strain, yield_stress, secant_yield;
    double max_strain, max_stress, secant_max;
    int flow_n, flow_blocks; /* samples in the window, blocks used              */
    double flow_stress, flow_se;
} ss_summary;

/* Analyse the curve (strain[k], stress[k]), k = 0 .. n-1 in the order
 * sampled; stress_signed: the stress changes sign with the loading
 * direction (a tensor component; not von Mises). The rules:
 *  - direction: the sign of the tabulated strain of largest magnitude (+1
 *    if all are 0); x = direction * strain, y = direction * stress (or
 *    stress if !stress_signed) are what is analysed;
 *  - modulus: least-squares line y = a + E x through the samples with
 *    0 <= x <= fit (at least 2; standard error of E with n - 2 degrees of
 *    freedom, NaN for 2 samples);
 *  - yield (offset method): g_k = y_k - (a + E (x_k - offset)); the first
 *    k >= 1 with g_{k-1} > 0 and g_k <= 0; the point is interpolated
 *    linearly between samples k-1 and k at g = 0; secant y/x there;
 *  - maximum: the largest y (the first if several), its x, secant y/x;
 *  - flow: the samples with flow_lo <= x <= flow_hi, in order: their mean;
 *    split into K = min(blocks, n_w) consecutive blocks (block j holds
 *    samples floor(j n_w/K) .. floor((j+1) n_w/K) - 1), the standard error
 *    is the standard deviation of the block means (n-1) over sqrt(K); NaN
 *    for K < 2.
 * Returns 0, or -1 if n < 1 (r is then all NaN). */
int ss_analyze(const double *strain, const double *stress, int n, int stress_signed, const ss_options *o,
               ss_summary *r);

#endif
