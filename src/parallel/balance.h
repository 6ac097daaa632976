/* Load balance by shifted planar cuts (docs/methods.md#load-balance).
 *
 * The decomposition is a tensor grid: grid[d] slabs along each dimension d,
 * bounded by cut planes at fractional coordinates (decomp.h). Balancing
 * moves each dimension's cuts to the quantiles of the weight's marginal
 * distribution along it (slab k of g holds k/g .. (k+1)/g of the total),
 * as LAMMPS' `balance shift` does by iteration; here the quantiles are
 * read from two weighted histograms (4096 bins over the box, then 1024
 * inside the bin holding each cut), so a cut lands within 2.4e-7 of the box
 * length of its quantile in two reductions. The weight of an atom is 1
 * (`by atoms`) or its rank's measured force time divided by its atom count
 * (`by time`: cost per atom differs between ranks with the local density
 * and the share of ghost pairs, e.g. in a wire's surface).
 *
 * The `balance` command may also choose the grid anew for the atoms
 * rather than the box (balance_choose_grid): a wire in a box three times
 * its diameter is then cut as if the vacuum were not there, along its axis
 * while the slabs stay thicker than the ghost shell. */
#ifndef MGMD_BALANCE_H
#define MGMD_BALANCE_H

#include "parallel/decomp.h"
#include "system/atoms.h"
#include "system/box.h"

/* Per-rank load, reduced over the ranks. */
typedef struct balance_load {
    double atoms_min, atoms_mean, atoms_max;
    double weight_mean, weight_max; /* the balanced quantity (atoms or s)  */
} balance_load;

/* Collective: the load of the current decomposition with this rank's
 * weight per atom w (1 for atoms). */
void balance_measure(const atoms *a, double w, balance_load *out);
/* The weight per rank's max over its mean (1 when nothing weighs). */
double balance_imbalance(const balance_load *l);
/* Collective: the fractional extent [lo, hi] of the owned atoms per
 * dimension, over all ranks. */
void balance_extent(const atoms *a, const box *b, double lo[3], double hi[3]);
/* Collective: cuts (grid[d] + 1 per dimension, written into cuts[d]) that
 * split the total weight evenly along each dimension whose bit is set in
 * dims (1 x, 2 y, 4 z); other dimensions keep dc's cuts. */
void balance_cuts(const decomp *dc, const atoms *a, const box *b, double w, int dims, double *cuts[3]);
/* Collective: the grid (user[d] > 0 fixes dimension d) with the least
 * predicted work on the busiest rank: the atoms per cell that balanced
 * cuts give, over the mean, times 1 + half the ghosts per owned atom of a
 * sub-domain of the occupied region (ghost_cut: the ghost shell depth, A).
 * *imbalance: that grid's predicted atoms max/mean. Returns 0, or -1 if
 * user[] does not fit the ranks. */
int balance_choose_grid(const atoms *a, const box *b, const int user[3], double ghost_cut, int grid[3],
                        double *imbalance);

#endif
