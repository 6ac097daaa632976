/* Fits of surface profiles (profile_fit.h): the bin-averaged tanh model,
 * its Levenberg-Marquardt fit with the covariance from the residual
 * variance, and the recovery depth of a profile. No MPI, no state.
 *
 * The bin mean of tanh((x - r0)/w) over [lo, hi] (width D, u = (x - r0)/w)
 * is (w/D) [ln cosh u_hi - ln cosh u_lo]; its derivatives are
 *   d/dr0 = -(tanh u_hi - tanh u_lo)/D,
 *   d/dw  = [ln cosh u - u tanh u]_lo^hi / D.
 * For a bin much narrower than w (D/w < 0.1) the difference of logarithms
 * cancels, and a 4-point Gauss-Legendre mean of the point values is used
 * instead (error below 1e-15 there). ln cosh u = |u| + log1p(e^-2|u|) - ln 2
 * never overflows. */
#include "analysis/profile_fit.h"
#include "core/linsolve.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static double lncosh(double u)
{
    u = fabs(u);
    return u + log1p(exp(-2.0 * u)) - M_LN2;
}

static double sech2(double u)
{
    double c = cosh(u);
    return isfinite(c) ? 1.0 / (c * c) : 0.0;
}

/* 4-point Gauss-Legendre nodes and weights on [-1, 1]. */
static const double GL_X[4] = {-0.8611363115940526, -0.3399810435848563, 0.3399810435848563, 0.8611363115940526};
static const double GL_W[4] = {0.3478548451374538, 0.6521451548625461, 0.6521451548625461, 0.3478548451374538};

/* Bin mean T of tanh((x - r0)/w) over [lo, hi] and its derivatives. */
static void tanh_mean(double r0, double w, double lo, double hi, double *T, double *dr0, double *dw)
{
    double d = hi - lo;
    if (!(w > 0)) { /* the step: w -> 0 */
        if (d > 0) {
            *T = (fabs(hi - r0) - fabs(lo - r0)) / d;
            *dr0 = (r0 > lo && r0 < hi) ? -2.0 / d : 0.0;
        } else {
            *T = lo > r0 ? 1.0 : (lo < r0 ? -1.0 : 0.0);
            *dr0 = 0.0;
        }
        *dw = 0.0;
        return;
    }
    if (d < 0.1 * w) {
        double c = 0.5 * (lo + hi), h = 0.5 * d, t = 0.0, a = 0.0, b = 0.0;
        int npt = d > 0 ? 4 : 1;
        for (int k = 0; k < npt; k++) {
            double x = d > 0 ? c + h * GL_X[k] : lo, g = d > 0 ? 0.5 * GL_W[k] : 1.0;
            double u = (x - r0) / w, s = sech2(u);
            t += g * tanh(u);
            a += g * (-s / w);
            b += g * (-u * s / w);
        }
        *T = t;
        *dr0 = a;
        *dw = b;
        return;
    }
    double uh = (hi - r0) / w, ul = (lo - r0) / w, diff;
    /* ln cosh u_hi - ln cosh u_lo, without cancelling the large |u| parts
     * when both lie on one side. */
    if (ul >= 0)
        diff = d / w + (log1p(exp(-2.0 * uh)) - log1p(exp(-2.0 * ul)));
    else if (uh <= 0)
        diff = -d / w + (log1p(exp(2.0 * uh)) - log1p(exp(2.0 * ul)));
    else
        diff = lncosh(uh) - lncosh(ul);
    double th = tanh(uh), tl = tanh(ul);
    *T = w / d * diff;
    *dr0 = -(th - tl) / d;
    *dw = (diff - uh * th + ul * tl) / d;
}

double pf_tanh_bin(double a, double r0, double w, double lo, double hi)
{
    double T, d1, d2;
    tanh_mean(r0, w, lo, hi, &T, &d1, &d2);
    return 0.5 * a * (1.0 - T);
}

/* ---- the fit ---------------------------------------------------------------- */

typedef struct pts {
    int m;
    const double *lo, *hi, *y, *wt;
    int *idx; /* valid points */
} pts;

static double chi2_of(const pts *P, const double p[3])
{
    double c = 0.0;
    for (int j = 0; j < P->m; j++) {
        int k = P->idx[j];
        double r = P->y[k] - pf_tanh_bin(p[0], p[1], p[2], P->lo[k], P->hi[k]);
        c += (P->wt ? P->wt[k] : 1.0) * r * r;
    }
    return c;
}

/* A = J^T W J, g = J^T W r at p. */
static void normal_eqs(const pts *P, const double p[3], double A[3][3], double g[3])
{
    memset(A, 0, 9 * sizeof(double));
    memset(g, 0, 3 * sizeof(double));
    for (int j = 0; j < P->m; j++) {
        int k = P->idx[j];
        double T, dr0, dw;
        tanh_mean(p[1], p[2], P->lo[k], P->hi[k], &T, &dr0, &dw);
        double J[3] = {0.5 * (1.0 - T), -0.5 * p[0] * dr0, -0.5 * p[0] * dw};
        double wk = P->wt ? P->wt[k] : 1.0, r = P->y[k] - 0.5 * p[0] * (1.0 - T);
        for (int a = 0; a < 3; a++) {
            g[a] += wk * J[a] * r;
            for (int b = 0; b < 3; b++)
                A[a][b] += wk * J[a] * J[b];
        }
    }
}

/* Solve M x = b (n <= 3; core/linsolve.h, any nonzero pivot accepted).
 * Returns -1 if M is singular. */
static int solve(int n, double M[3][3], double b[3], double x[3])
{
    double A[9];
    for (int r = 0; r < n; r++)
        for (int c = 0; c < n; c++)
            A[n * r + c] = M[r][c];
    return linsolve_tol(n, A, b, x, 0.0) ? 0 : -1;
}

/* Inverse of the symmetric positive definite n x n block of A (n = 2 or 3),
 * scaled by its diagonal first (the parameters differ in scale by orders of
 * magnitude). Returns -1 if it is not positive definite to working
 * precision. */
static int spd_inverse(int n, double A[3][3], double inv[3][3])
{
    double s[3], B[3][3];
    for (int a = 0; a < n; a++) {
        if (!(A[a][a] > 0))
            return -1;
        s[a] = 1.0 / sqrt(A[a][a]);
    }
    for (int a = 0; a < n; a++)
        for (int b = 0; b < n; b++)
            B[a][b] = A[a][b] * s[a] * s[b];
    /* Cholesky of the scaled matrix: a pivot below 1e-13 means a direction
     * the data do not constrain. */
    double L[3][3] = {{0}};
    for (int a = 0; a < n; a++)
        for (int b = 0; b <= a; b++) {
            double v = B[a][b];
            for (int k = 0; k < b; k++)
                v -= L[a][k] * L[b][k];
            if (a == b) {
                if (!(v > 1e-13))
                    return -1;
                L[a][a] = sqrt(v);
            } else {
                L[a][b] = v / L[b][b];
            }
        }
    for (int c = 0; c < n; c++) {
        double e[3] = {0, 0, 0}, x[3];
        e[c] = 1.0;
        if (solve(n, B, e, x) != 0)
            return -1;
        for (int r = 0; r < n; r++)
            inv[r][c] = x[r] * s[r] * s[c];
    }
    return 0;
}

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

static void set_nan(pf_tanh *out)
{
    for (int a = 0; a < PF_NPAR; a++) {
        out->p[a] = out->se[a] = NAN;
        for (int b = 0; b < PF_NPAR; b++)
            out->cov[a][b] = NAN;
    }
    out->rms = NAN;
}

int pf_fit_tanh(const double *lo, const double *hi, const double *y, const double *wt, int n, pf_tanh *out)
{
    memset(out, 0, sizeof *out);
    set_nan(out);
    pts P = {0, lo, hi, y, wt, malloc((size_t)(n > 0 ? n : 1) * sizeof(int))};
    for (int k = 0; k < n; k++)
        if (isfinite(y[k]) && isfinite(lo[k]) && isfinite(hi[k]) && hi[k] >= lo[k] &&
            (!wt || (wt[k] > 0 && isfinite(wt[k]))))
            P.idx[P.m++] = k;
    out->n = P.m;
    if (P.m < 4) {
        free(P.idx);
        return -1;
    }

    /* The start. */
    int half = (P.m + 1) / 2;
    double *tmp = malloc((size_t)half * sizeof *tmp), width = 0.0, wsum = 0.0;
    for (int j = 0; j < half; j++)
        tmp[j] = y[P.idx[j]];
    qsort(tmp, (size_t)half, sizeof *tmp, cmp_double);
    double a0 = half % 2 ? tmp[half / 2] : 0.5 * (tmp[half / 2 - 1] + tmp[half / 2]);
    free(tmp);
    for (int j = 0; j < P.m; j++)
        width += hi[P.idx[j]] - lo[P.idx[j]];
    width /= P.m;
    const double xfirst = lo[P.idx[0]], xlast = hi[P.idx[P.m - 1]];
    if (!(width > 0))
        width = (xlast - xfirst) / (P.m - 1);
    if (!(a0 != 0) || !isfinite(a0) || !(width > 0)) {
        free(P.idx);
        return -1;
    }
    for (int j = 0; j < P.m; j++) {
        int k = P.idx[j];
        double dk = hi[k] - lo[k] > 0 ? hi[k] - lo[k] : width;
        wsum += dk * y[k] / a0;
    }
    double p[3] = {a0, fmin(fmax(xfirst + wsum, xfirst), xlast), 2.0 * width};
    const double wmin = 1e-6 * width;
    const double scale[3] = {fabs(a0), fmax(xlast - xfirst, width), width};

    /* Levenberg-Marquardt (Marquardt's diagonal scaling). */
    double chi2 = chi2_of(&P, p), lambda = 1e-3;
    int it, done = 0;
    for (it = 0; it < 500 && !done; it++) {
        double A[3][3], g[3];
        normal_eqs(&P, p, A, g);
        int accepted = 0;
        while (!accepted) {
            double M[3][3], d[3], q[3];
            memcpy(M, A, sizeof M);
            for (int a = 0; a < 3; a++)
                M[a][a] = A[a][a] * (1.0 + lambda) + (A[a][a] > 0 ? 0.0 : 1e-300);
            if (solve(3, M, g, d) != 0) {
                lambda *= 10.0;
                if (lambda > 1e16) {
                    done = 1;
                    break;
                }
                continue;
            }
            for (int a = 0; a < 3; a++)
                q[a] = p[a] + d[a];
            if (q[2] < wmin)
                q[2] = fmax(wmin, 0.1 * p[2]);
            double c = chi2_of(&P, q);
            if (c <= chi2) {
                double step = 0.0;
                for (int a = 0; a < 3; a++)
                    step = fmax(step, fabs(q[a] - p[a]) / scale[a]);
                double drop = chi2 - c;
                memcpy(p, q, sizeof p);
                chi2 = c;
                lambda = fmax(lambda * 0.1, 1e-15);
                accepted = 1;
                if (step < 1e-12 || drop <= 1e-15 * chi2 || chi2 == 0.0)
                    done = 1;
            } else {
                lambda *= 10.0;
                if (lambda > 1e16) {
                    done = 1;
                    break;
                }
            }
        }
    }
    out->iterations = it;
    out->converged = done;
    for (int a = 0; a < 3; a++)
        out->p[a] = p[a];
    out->p[PF_W] = fabs(p[2]);
    double wtot = 0.0;
    for (int j = 0; j < P.m; j++)
        wtot += wt ? wt[P.idx[j]] : 1.0;
    out->rms = sqrt(chi2 / wtot);

    /* Covariance from the residual variance. */
    double A[3][3], g[3], inv[3][3];
    normal_eqs(&P, p, A, g);
    double s2 = P.m > 3 ? chi2 / (P.m - 3) : NAN;
    out->sharp = out->p[PF_W] < 0.1 * width;
    int np = out->sharp ? 2 : 3;
    if (spd_inverse(np, A, inv) == 0) {
        for (int a = 0; a < np; a++) {
            for (int b = 0; b < np; b++)
                out->cov[a][b] = s2 * inv[a][b];
            out->se[a] = sqrt(out->cov[a][a]);
        }
    }
    free(P.idx);
    return 0;
}

/* ---- depths ----------------------------------------------------------------- */

double pf_recovery_depth(const double *x, const double *y, int n, double core, double frac, double surface, int stay)
{
    if (!isfinite(core) || !isfinite(frac) || !isfinite(surface) || n <= 0)
        return NAN;
    if (stay < 1)
        stay = 1;
    const double tol = (1.0 - frac) * fabs(core);
    int last = -1; /* outermost finite point below the surface */
    for (int k = 0; k < n; k++)
        if (isfinite(y[k]) && isfinite(x[k]) && x[k] < surface)
            last = k;
    for (int k = last; k >= 0; k--) {
        if (!isfinite(y[k]) || !isfinite(x[k]))
            continue;
        int good = 0, seen = 0;
        for (int j = k; j >= 0 && seen < stay; j--) {
            if (!isfinite(y[j]) || !isfinite(x[j]))
                continue;
            seen++;
            good += fabs(y[j] - core) <= tol;
        }
        if (good != seen)
            continue;
        /* The next finite point outward, where the profile is out of the band. */
        int o = -1;
        for (int j = k + 1; j < n && o < 0; j++)
            if (isfinite(y[j]) && isfinite(x[j]))
                o = j;
        double xc = x[k];
        if (o >= 0 && fabs(y[o] - core) > tol && y[o] != y[k]) {
            double edge = y[o] > core ? core + tol : core - tol;
            double t = (edge - y[k]) / (y[o] - y[k]);
            xc = x[k] + fmin(fmax(t, 0.0), 1.0) * (x[o] - x[k]);
        }
        return fmax(0.0, surface - xc);
    }
    return NAN;
}

double pf_tanh_depth(const pf_tanh *f, double frac, double surface)
{
    if (!(frac > 0 && frac < 1))
        return NAN;
    return surface - f->p[PF_R0] + f->p[PF_W] * atanh(2.0 * frac - 1.0);
}
