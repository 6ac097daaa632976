/* Pair structure: partial radial distribution functions g_ab(r), the total
 * g(r), coordination numbers, Faber-Ziman structure factors S_ab(q) and
 * S(q), and the reduced pair distribution function G(r) (docs/analysis.md,
 * "Pair structure", has the definitions and citations).
 *
 * Counting. Every rank counts the pairs of its owned atoms with every other
 * atom (owned or ghost) of a private ghost shell of width rmax (shell.h),
 * binned by distance with a cell list. An owned-owned pair is met once
 * (j > i) and entered for both ordered pairs (a around b and b around a);
 * an owned-ghost pair is entered once, for the owned centre: its other
 * order is entered by the rank that owns the ghost's original. So every
 * ordered pair (centre i, neighbour j) of the whole system is counted
 * exactly once, in integers, whatever the number of ranks; the histograms
 * are summed over ranks once per sample (the only communication besides
 * the shell's halo). With rmax at most half the smallest periodic box
 * height, at most one periodic image of j lies within rmax of i, so this
 * is the minimum-image count; `images yes` lifts that limit and counts
 * every image (including an atom's own), i.e. explicit image sums.
 *
 * Accumulation. Per sample s and per type pair (a, b) we add the ordered
 * counts H_ab(k), and the normalisations sum_s N_a N_b / V_s and
 * sum_s N_a / V_s, so a box whose volume changes (NPT) is averaged
 * correctly: g_ab(r_k) = sum_s H_ab,s(k) / (sum_s N_a (N_b - d_ab) / V_s
 * * 4pi/3 (r_k+1^3 - r_k^3)). Types are merged into species (element
 * names) only when results are written.
 *
 * Transform. S_ab(q) = 1 + 4 pi rho int_0^rmax r^2 (g_ab - 1) W(r)
 * sin(qr)/(qr) dr is evaluated by the midpoint rule on the bin centres,
 * which is exactly a type-II discrete sine transform (FFTW_RODFT10) of
 * r (g - 1) W zero-padded to M points, giving q_j = (j+1) pi / (M dr). */
#ifndef MGMD_PAIR_STRUCTURE_H
#define MGMD_PAIR_STRUCTURE_H

#include <stdint.h>

#include "analysis/observer.h"
#include "system/atoms.h"
#include "system/system.h"

enum pair_window { PAIR_WINDOW_NONE, PAIR_WINDOW_LORCH };
enum pair_weights { PAIR_WEIGHTS_NUMBER, PAIR_WEIGHTS_NEUTRON };

/* The user's settings of one `rdf` observer (deck: pair_structure_cmd.c). */
typedef struct pair_opts {
    double rmax;          /* A; 0: choose at the first sample                 */
    int nbins;            /* 0: rmax / PAIR_DEFAULT_DR                         */
    double qmax;          /* 1/A                                              */
    double dq;            /* 1/A: finest q spacing wanted                     */
    int window;           /* enum pair_window                                 */
    int weights;          /* enum pair_weights                                */
    int images;           /* allow rmax beyond half the box: all images       */
    char file[1024];      /* output prefix; '*' becomes the step              */
} pair_opts;

#define PAIR_DEFAULT_RMAX 10.0   /* A */
#define PAIR_DEFAULT_DR 0.02     /* A */
#define PAIR_DEFAULT_QMAX 20.0   /* 1/A */
#define PAIR_DEFAULT_DQ 0.02     /* 1/A */
#define PAIR_SMOOTH 0.1          /* A: half-width of the smoothing for minima */
#define PAIR_EXTREMUM 0.5        /* A: half-width over which an extremum rules */

/* Half the smallest distance between opposite faces of the box along its
 * periodic dimensions (A); HUGE_VAL if none is periodic. */
double pair_half_height(const box *b);

/* Count ordered pairs within rmax into hist[(ta*ntypes + tb)*nbins + k]
 * (types 0-based; centre ta, neighbour tb; bin k = floor(r nbins/rmax)).
 * Centres are a's owned atoms [0, a->nlocal); neighbours every other atom
 * of a, ghosts included. hist is added to, not cleared. Cell list: O(N). */
void pair_count(const atoms *a, double rmax, int nbins, int64_t *hist);

/* Coherent neutron scattering length (fm) of an element (Sears 1992), or
 * NAN if not tabulated. */
double pair_neutron_b(const char *element);

/* S(q) - 1 of ncol columns g[c][0..nbins) by the sine transform (see the
 * header). Writes q[0..nq) and sq[c][0..nq) (each room for `cap` values)
 * and returns nq, the q points up to qmax. */
int pair_transform(int ncol, const double *const *g, int nbins, double dr, double rho, int window, double dq,
                   double qmax, double *q, double *const *sq, int cap);

/* First minimum after the first peak of g[0..n) (bins of width dr, centres
 * (k+1/2) dr), found on a smoothed copy: returns the bin index, or -1. */
int pair_first_minimum(const double *g, int n, double dr);

/* The `rdf` observer. Creates it with the given options (collective; the
 * caller registers it with outputs_add_observer). */
observer *pair_observer_new(const char *name, const pair_opts *opt, int every, int at_end);

#endif
