/* The surface-profile fitter (analysis/profile_fit.h) against closed forms
 * and synthetic data written here. No MPI: the library is plain C.
 *
 *   bin mean      pf_tanh_bin against a 200000-point midpoint rule for bins
 *                 much narrower than w (the Gauss-Legendre branch), about
 *                 as wide, much wider (the closed form) and for a step;
 *                 1e-9 of a;
 *   exact data    noiseless bin means of a tanh (a = 0.06, r0 = 20 A,
 *                 w = 1.5 A, bins of 0.5 A over [0, 30] A): the fit from
 *                 its own start returns the parameters to 1e-8 relative;
 *                 a step at r0 = 20.3 A (w = 0): r0 to 1e-6 A, a to 1e-9,
 *                 flagged sharp;
 *   coverage      400 realisations with Gaussian noise (sigma = 0.003, 5 %
 *                 of a; equal weights): each parameter within 2 of its
 *                 stated standard errors in >= 90 % of them (95.4 %
 *                 expected; the binomial sd of the fraction is 1 %), within
 *                 1 SE in 60-77 % (68.3 %), and the mean stated SE within
 *                 20 % of the scatter of the estimates; the same for the
 *                 shells of a wire, noise sigma_k^2 = s^2 / V_k with the
 *                 shell volumes V_k as weights;
 *   depth         the data depth of a finely binned noiseless tanh equals
 *                 the model's w atanh(2 f - 1) within 0.02 A (0.1 A bins),
 *                 for f = 0.9, 0.95, 0.99; noise deeper than the stay
 *                 length does not move it, a dip within it does (to the
 *                 interpolated value); a profile that never recovers: NaN;
 *   refusals      fewer than 4 valid points, an all-zero profile: -1, NaN.
 *
 * One ok/FAIL line per check group; exit status non-zero on a failure. */
#include "analysis/profile_fit.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/serial_report.h"

/* splitmix64 and Box-Muller: reproducible Gaussian noise. */
static uint64_t rng_state = 0x1234567u;
static double uniform(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    z ^= z >> 31;
    return ((z >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}
static double gauss(void) { return sqrt(-2.0 * log(uniform())) * cos(2.0 * M_PI * uniform()); }

static double midpoint_mean(double a, double r0, double w, double lo, double hi)
{
    const int n = 200000;
    double s = 0.0;
    for (int k = 0; k < n; k++) {
        double x = lo + (k + 0.5) * (hi - lo) / n;
        s += w > 0 ? 0.5 * a * (1.0 - tanh((x - r0) / w)) : (x < r0 ? a : 0.0);
    }
    return s / n;
}

#define NB 60

static void bins(double *lo, double *hi, double *mid, double dr, int n)
{
    for (int k = 0; k < n; k++) {
        lo[k] = k * dr;
        hi[k] = (k + 1) * dr;
        mid[k] = (k + 0.5) * dr;
    }
}

static void test_bin_mean(void)
{
    double worst = 0.0;
    const double ws[] = {50.0, 5.0, 1.0, 0.3, 0.05, 0.0};
    for (unsigned j = 0; j < sizeof ws / sizeof ws[0]; j++)
        for (double lo = 17.0; lo < 23.0; lo += 0.37) {
            double hi = lo + 0.5;
            double e = fabs(pf_tanh_bin(0.06, 20.0, ws[j], lo, hi) - midpoint_mean(0.06, 20.0, ws[j], lo, hi));
            worst = fmax(worst, e / 0.06);
        }
    report(worst < 1e-9, "bin mean of the tanh = midpoint rule (w/bin 100 ... 0.1, and a step): worst %.2g of a",
           worst);
}

static void test_exact(void)
{
    double lo[NB], hi[NB], mid[NB], y[NB];
    bins(lo, hi, mid, 0.5, NB);
    for (int k = 0; k < NB; k++)
        y[k] = pf_tanh_bin(0.06, 20.0, 1.5, lo[k], hi[k]);
    pf_tanh f;
    int rc = pf_fit_tanh(lo, hi, y, NULL, NB, &f);
    double e = fmax(fabs(f.p[PF_A] / 0.06 - 1), fmax(fabs(f.p[PF_R0] / 20.0 - 1), fabs(f.p[PF_W] / 1.5 - 1)));
    report(rc == 0 && f.converged && !f.sharp && e < 1e-8,
           "noiseless tanh: a %.12g r0 %.12g w %.12g (worst relative error %.2g, %d iterations)", f.p[PF_A],
           f.p[PF_R0], f.p[PF_W], e, f.iterations);
    for (int k = 0; k < NB; k++)
        y[k] = pf_tanh_bin(0.06, 20.3, 0.0, lo[k], hi[k]);
    rc = pf_fit_tanh(lo, hi, y, NULL, NB, &f);
    report(rc == 0 && fabs(f.p[PF_R0] - 20.3) < 1e-6 && fabs(f.p[PF_A] - 0.06) < 1e-9 * 0.06 && f.sharp &&
               isnan(f.se[PF_W]),
           "noiseless step at 20.3 A: r0 %.10g, a %.12g, w %.3g (sharp %d, w's error %g)", f.p[PF_R0], f.p[PF_A],
           f.p[PF_W], f.sharp, f.se[PF_W]);
}

/* Coverage of the stated errors over many noisy realisations. */
static void coverage(const char *label, int shells)
{
    const int trials = 400;
    const double truth[3] = {0.06, 20.0, 1.5}, sigma = 0.003;
    double lo[NB], hi[NB], mid[NB], y[NB], wt[NB];
    bins(lo, hi, mid, 0.5, NB);
    /* Shells: Var_k = s^2 / V_k, V_k in units of the mean shell, so the
     * noise is sigma on average. */
    double vmean = 0.0;
    for (int k = 0; k < NB; k++)
        vmean += hi[k] * hi[k] - lo[k] * lo[k];
    vmean /= NB;
    int in2[3] = {0, 0, 0}, in1[3] = {0, 0, 0}, good = 0;
    double sum[3] = {0}, sum2[3] = {0}, sese[3] = {0};
    for (int t = 0; t < trials; t++) {
        for (int k = 0; k < NB; k++) {
            wt[k] = shells ? (hi[k] * hi[k] - lo[k] * lo[k]) / vmean : 1.0;
            y[k] = pf_tanh_bin(truth[0], truth[1], truth[2], lo[k], hi[k]) + sigma / sqrt(wt[k]) * gauss();
        }
        pf_tanh f;
        if (pf_fit_tanh(lo, hi, y, wt, NB, &f) != 0 || !f.converged)
            continue;
        good++;
        for (int j = 0; j < 3; j++) {
            double z = fabs(f.p[j] - truth[j]) / f.se[j];
            in2[j] += z <= 2.0;
            in1[j] += z <= 1.0;
            sum[j] += f.p[j];
            sum2[j] += f.p[j] * f.p[j];
            sese[j] += f.se[j];
        }
    }
    const char *nm[3] = {"a", "r0", "w"};
    for (int j = 0; j < 3; j++) {
        double f2 = (double)in2[j] / trials, f1 = (double)in1[j] / trials;
        double mean = sum[j] / good, sd = sqrt((sum2[j] / good - mean * mean) * good / (good - 1.0));
        double ratio = sese[j] / good / sd;
        report(good == trials && f2 >= 0.90 && f1 >= 0.60 && f1 <= 0.77 && ratio > 0.8 && ratio < 1.25,
               "%s: %s within 2 SE in %.1f %% and 1 SE in %.1f %% of %d fits (95.4, 68.3 expected); mean SE / "
               "scatter %.3f; mean %.6g (true %.6g)",
               label, nm[j], 100 * f2, 100 * f1, good, ratio, mean, truth[j]);
    }
}

static void test_depth(void)
{
    enum { N = 300 };
    double lo[N], hi[N], mid[N], y[N];
    bins(lo, hi, mid, 0.1, N);
    const double a = 0.06, r0 = 20.0, w = 1.5;
    for (int k = 0; k < N; k++)
        y[k] = pf_tanh_bin(a, r0, w, lo[k], hi[k]);
    const double fr[3] = {0.9, 0.95, 0.99};
    double worst = 0.0;
    for (int j = 0; j < 3; j++) {
        double d = pf_recovery_depth(mid, y, N, a, fr[j], r0, 30), model = w * atanh(2 * fr[j] - 1);
        worst = fmax(worst, fabs(d - model));
        pf_tanh f = {.p = {a, r0, w}};
        worst = fmax(worst, fabs(pf_tanh_depth(&f, fr[j], r0) - model));
    }
    report(worst < 0.02, "data depth of a tanh (0.1 A bins) = w atanh(2f - 1) for f = 0.9, 0.95, 0.99: worst %.3g A",
           worst);
    /* The band must hold over `stay` points (30: 3 A) inward. Noise deeper
     * than that (the smallest shells of a wire) is not looked at. */
    double d0 = pf_recovery_depth(mid, y, N, a, 0.95, r0, 30);
    y[5] = 0.5 * a;
    y[20] = 1.5 * a;
    double d1 = pf_recovery_depth(mid, y, N, a, 0.95, r0, 30);
    /* A dip (0.8 a at 16.05 A) within 3 A of where the tanh recovers
     * (17.79 A) moves the depth inward: the band holds from 15.95 A on
     * and is left between there and the dip, interpolated linearly to
     * 0.95 a (about 4.03 A deep). */
    y[160] = 0.8 * a;
    double t = (0.95 * a - y[159]) / (y[160] - y[159]), expect = r0 - (mid[159] + t * (mid[160] - mid[159]));
    double d2 = pf_recovery_depth(mid, y, N, a, 0.95, r0, 30);
    for (int k = 0; k < N; k++)
        y[k] = 0.5 * a;
    double d3 = pf_recovery_depth(mid, y, N, a, 0.95, r0, 30);
    report(d1 == d0 && fabs(d2 - expect) < 1e-12 && isnan(d3),
           "depth: unmoved by noise deep inside (%.4g = %.4g A), a dip at 16.05 A gives %.6g A (%.6g), never "
           "recovered: %g", d1, d0, d2, expect, d3);
}

static void test_refusals(void)
{
    double lo[NB], hi[NB], mid[NB], y[NB];
    bins(lo, hi, mid, 0.5, NB);
    for (int k = 0; k < NB; k++)
        y[k] = k < 3 ? 0.06 : NAN;
    pf_tanh f;
    int rc1 = pf_fit_tanh(lo, hi, y, NULL, NB, &f);
    int nan1 = isnan(f.p[PF_R0]);
    for (int k = 0; k < NB; k++)
        y[k] = 0.0;
    int rc2 = pf_fit_tanh(lo, hi, y, NULL, NB, &f);
    report(rc1 == -1 && nan1 && rc2 == -1 && isnan(f.p[PF_A]), "3 valid points: %d; all zero: %d (both -1, NaN)",
           rc1, rc2);
}

int main(void)
{
    test_bin_mean();
    test_exact();
    coverage("equal weights", 0);
    coverage("shells (weights = volumes)", 1);
    test_depth();
    test_refusals();
    printf("%d of %d check groups passed\n", checks - failures, checks);
    return failures ? 1 : 0;
}
