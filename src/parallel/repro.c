#include "parallel/repro.h"
#include "parallel/parallel.h"

#include <math.h>

void repro_sum(const double *x, int n, int stride, int ncomp, double *out)
{
    double mx[8] = {0}, gmx[8];
    for (int k = 0; k < n; k++)
        for (int c = 0; c < ncomp; c++)
            mx[c] = fmax(mx[c], fabs(x[(long)k * stride + c]));
    par_max_doubles(mx, gmx, ncomp);
    int64_t ntot = par_sum_i64(n);
    for (int c = 0; c < ncomp; c++) {
        if (gmx[c] == 0.0 || ntot == 0) {
            out[c] = 0.0;
            continue;
        }
        /* |sum| <= ntot * max < 2^62 after scaling by 2^S. */
        int e;
        frexp(gmx[c] * (double)ntot, &e);
        int S = 61 - e;
        int64_t acc = 0;
        for (int k = 0; k < n; k++)
            acc += (int64_t)llround(ldexp(x[(long)k * stride + c], S));
        out[c] = ldexp((double)par_sum_i64(acc), -S);
    }
}
