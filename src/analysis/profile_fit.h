/* Fits of surface profiles (the `profile` observer, docs/analysis.md
 * "Radial and slab profiles"): plain C, no MPI, no state, so a test or
 * another driver uses the same definitions.
 *
 * The tanh profile of a quantity that falls from a core value a to zero
 * across a surface at r0 with width w,
 *
 *     y(x) = a/2 [1 - tanh((x - r0)/w)],
 *
 * is fitted to binned data: point k is the mean of y over its bin
 * [lo_k, hi_k] (the bin average of tanh has a closed form, so a profile
 * sharper than a bin, a step, is fitted exactly: w then goes to zero and
 * r0 is where the step cuts its bin). Weighted least squares by
 * Levenberg-Marquardt; the covariance is s^2 (J^T W J)^-1 with s^2 the
 * weighted residual variance chi^2/(n - 3), so the weights need only be
 * relative (the expected atom count of a bin, say) and the standard
 * errors come from the scatter of the points about the fit. */
#ifndef MGMD_PROFILE_FIT_H
#define MGMD_PROFILE_FIT_H

enum { PF_A, PF_R0, PF_W, PF_NPAR };

typedef struct pf_tanh {
    double p[PF_NPAR];          /* a, r0, w                                   */
    double se[PF_NPAR];         /* standard errors (NaN when not defined)     */
    double cov[PF_NPAR][PF_NPAR];
    double rms;                 /* weighted rms residual, sqrt(chi^2 / sum wt) */
    int n;                      /* points used (finite y, positive weight)    */
    int iterations;
    int converged;              /* 1: the parameters settled                  */
    int sharp;                  /* 1: w below a tenth of the bin width (a     */
                                /* step): w and its error are not resolved    */
                                /* (se NaN); the a, r0 errors are at fixed w  */
} pf_tanh;

/* Mean of a/2 [1 - tanh((x - r0)/w)] over [lo, hi] (lo == hi: the value
 * at lo). */
double pf_tanh_bin(double a, double r0, double w, double lo, double hi);

/* Fit n binned points (bins [lo_k, hi_k], means y_k, relative weights
 * wt_k; wt NULL: all 1; points with a non-finite y or wt <= 0 are left
 * out). Returns 0, or -1 when fewer than 4 points remain or no start can
 * be found (then out->p are NaN). The start: a = median of the first half
 * of the points, r0 = lo_0 + sum (hi_k - lo_k) y_k / a (the equivalent
 * step), w = two mean bin widths. */
int pf_fit_tanh(const double *lo, const double *hi, const double *y, const double *wt, int n, pf_tanh *out);

/* Depth of the surface layer from the data: scanning the points (centres
 * x_k, increasing) inward from the outermost one below `surface`, the
 * first point k that lies, with the `stay` - 1 points inside it (or all
 * of them if fewer), within the band |y - core| <= (1 - frac) |core|. The
 * profile leaves the band between x_k and the next point outward (if any):
 * linearly interpolated there to the band's edge at x_c, the depth is
 * max(0, surface - x_c) (surface - x_k without a next point). NaN if no
 * point qualifies or an input is not finite. Non-finite y_k are skipped. */
double pf_recovery_depth(const double *x, const double *y, int n, double core, double frac, double surface,
                         int stay);

/* The depth at which the fitted tanh recovers to frac of its core value,
 * measured from `surface`: surface - r0 + w atanh(2 frac - 1). */
double pf_tanh_depth(const pf_tanh *f, double frac, double surface);

#endif
