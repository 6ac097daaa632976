/* Reproducible global sums: the same bits on any number of ranks.
 *
 * Each term is rounded to a fixed-point grid fine enough for the data
 * (2^-S with S chosen from the largest |term| and the term count so no
 * 64-bit accumulator can overflow), summed exactly as integers, and
 * converted back. Integer addition is associative, floating-point is not:
 * that is what makes velocities created on 1 or 8 ranks identical. */
#ifndef MGMD_REPRO_H
#define MGMD_REPRO_H

#include <stdint.h>

/* Sum over all ranks of x[k*stride + c] for k < n, for each component c <
 * ncomp (at most 8); results in out[c]. Collective. */
void repro_sum(const double *x, int n, int stride, int ncomp, double *out);

#endif
