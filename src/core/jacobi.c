/* Cyclic Jacobi eigen-decomposition (core/jacobi.h): sweeps of plane
 * rotations, each zeroing one off-diagonal pair, until the off-diagonal
 * norm is below 1e-28 of the matrix's (quadratic convergence: a handful
 * of sweeps); then a sort. */
#include "core/jacobi.h"

#include <math.h>
#include <string.h>

void jacobi_eigen(int n, const double *m, double *val, double *vec)
{
    double a[JACOBI_MAX_N][JACOBI_MAX_N], v[JACOBI_MAX_N][JACOBI_MAX_N], norm = 0.0;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            a[i][j] = m[i * n + j];
            v[i][j] = i == j;
            norm += a[i][j] * a[i][j];
        }
    const double tol = 1e-28 * norm;
    for (int sweep = 0; sweep < 100; sweep++) {
        double off = 0.0;
        for (int p = 0; p < n; p++)
            for (int q = p + 1; q < n; q++)
                off += a[p][q] * a[p][q];
        if (!(off > tol)) /* NaN ends the loop: NaN eigenvalues */
            break;
        for (int p = 0; p < n; p++)
            for (int q = p + 1; q < n; q++) {
                if (a[p][q] == 0.0)
                    continue;
                /* The rotation in the (p, q) plane that zeroes a[p][q]. */
                double theta = (a[q][q] - a[p][p]) / (2.0 * a[p][q]);
                double t = (theta >= 0 ? 1.0 : -1.0) / (fabs(theta) + sqrt(theta * theta + 1.0));
                double cs = 1.0 / sqrt(t * t + 1.0), sn = t * cs;
                for (int k = 0; k < n; k++) {
                    double akp = a[k][p], akq = a[k][q];
                    a[k][p] = cs * akp - sn * akq;
                    a[k][q] = sn * akp + cs * akq;
                }
                for (int k = 0; k < n; k++) {
                    double apk = a[p][k], aqk = a[q][k];
                    a[p][k] = cs * apk - sn * aqk;
                    a[q][k] = sn * apk + cs * aqk;
                }
                for (int k = 0; k < n; k++) {
                    double vkp = v[k][p], vkq = v[k][q];
                    v[k][p] = cs * vkp - sn * vkq;
                    v[k][q] = sn * vkp + cs * vkq;
                }
            }
    }
    int order[JACOBI_MAX_N];
    for (int i = 0; i < n; i++)
        order[i] = i;
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && a[order[j - 1]][order[j - 1]] > a[order[j]][order[j]]; j--) {
            int t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    for (int k = 0; k < n; k++) {
        val[k] = a[order[k]][order[k]];
        for (int r = 0; r < n && vec; r++)
            vec[r * n + k] = v[r][order[k]];
    }
}
