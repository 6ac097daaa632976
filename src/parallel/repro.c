/* Reproducible sums (repro.h). Per component, S = 61 - e with
 * 2^(e-1) <= max|x| N < 2^e (max and N over all ranks): each term is scaled
 * by 2^S and rounded to an integer (llround), so the sum's magnitude stays
 * below about 2^61 and cannot overflow an int64; integer addition is exact
 * in any order, and one ldexp brings the total back. Each term is thus
 * rounded to a multiple of 2^-S, about 2^-61 of max|x| N. A component that
 * is zero everywhere (or no terms at all) gives 0 on every rank alike,
 * since max and N are global. Communication: one max-reduction and one
 * integer sum, then one integer sum per non-zero component. */
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
