/* Gaussian elimination with partial pivoting for small systems
 * (core/linsolve.h). */
#include "core/linsolve.h"

#include <math.h>

int linsolve(int n, const double *A, const double *b, double *x) { return linsolve_tol(n, A, b, x, 1e-10); }

int linsolve_tol(int n, const double *A, const double *b, double *x, double tol)
{
    if (n < 1 || n > LINSOLVE_MAX_N)
        return 0;
    double m[LINSOLVE_MAX_N][LINSOLVE_MAX_N + 1];
    double scale = 0.0;
    for (int r = 0; r < n; r++) {
        for (int c = 0; c < n; c++) {
            m[r][c] = A[n * r + c];
            scale = fmax(scale, fabs(A[n * r + c]));
        }
        m[r][n] = b[r];
    }
    if (!(scale > 0) || !isfinite(scale))
        return 0;
    for (int c = 0; c < n; c++) {
        int piv = c;
        for (int r = c + 1; r < n; r++)
            if (fabs(m[r][c]) > fabs(m[piv][c]))
                piv = r;
        if (!(fabs(m[piv][c]) > tol * scale))
            return 0;
        if (piv != c)
            for (int q = 0; q <= n; q++) {
                double t = m[c][q];
                m[c][q] = m[piv][q];
                m[piv][q] = t;
            }
        for (int r = c + 1; r < n; r++) {
            double f = m[r][c] / m[c][c];
            for (int q = c; q <= n; q++)
                m[r][q] -= f * m[c][q];
        }
    }
    double y[LINSOLVE_MAX_N];
    for (int r = n - 1; r >= 0; r--) {
        double v = m[r][n];
        for (int q = r + 1; q < n; q++)
            v -= m[r][q] * y[q];
        y[r] = v / m[r][r];
    }
    for (int r = 0; r < n; r++)
        x[r] = y[r];
    return 1;
}
