/* D2min, the local deformation gradient J and the atomic strain of one
 * atom from its neighbours' separations (analysis/d2min.h).
 *
 * V is symmetric positive semi-definite; J = W V^-1 through the adjugate
 * (3x3, so no pivoting is needed once det V is known to be well away from
 * zero relative to V's scale). D2min is summed from the residuals
 * d - J d0 directly rather than from the expanded quadratic form
 * tr(sum d d^T) - tr(J W^T), which cancels catastrophically when the
 * deformation is nearly affine: the homogeneous case must give zero to
 * round-off. */
#include "analysis/d2min.h"

#include <math.h>
#include <string.h>

double d2min_shear_strain(const double E[6])
{
    double a = E[0] - E[1], b = E[0] - E[2], c = E[1] - E[2];
    return sqrt(E[3] * E[3] + E[4] * E[4] + E[5] * E[5] + (a * a + b * b + c * c) / 6.0);
}

double d2min_volumetric_strain(const double E[6]) { return (E[0] + E[1] + E[2]) / 3.0; }

static void invalid(d2min_result *r)
{
    memset(r, 0, sizeof *r);
    for (int a = 0; a < 3; a++)
        r->J[a][a] = 1.0;
}

int d2min_atom(int n, const double (*d0)[3], const double (*d)[3], d2min_result *r)
{
    if (n < 3) {
        invalid(r);
        return 0;
    }
    double V[3][3] = {{0}}, W[3][3] = {{0}};
    for (int k = 0; k < n; k++)
        for (int a = 0; a < 3; a++)
            for (int b = 0; b < 3; b++) {
                V[a][b] += d0[k][a] * d0[k][b];
                W[a][b] += d[k][a] * d0[k][b];
            }
    /* Adjugate of V (symmetric). */
    double adj[3][3];
    adj[0][0] = V[1][1] * V[2][2] - V[1][2] * V[2][1];
    adj[0][1] = V[0][2] * V[2][1] - V[0][1] * V[2][2];
    adj[0][2] = V[0][1] * V[1][2] - V[0][2] * V[1][1];
    adj[1][0] = V[1][2] * V[2][0] - V[1][0] * V[2][2];
    adj[1][1] = V[0][0] * V[2][2] - V[0][2] * V[2][0];
    adj[1][2] = V[0][2] * V[1][0] - V[0][0] * V[1][2];
    adj[2][0] = V[1][0] * V[2][1] - V[1][1] * V[2][0];
    adj[2][1] = V[0][1] * V[2][0] - V[0][0] * V[2][1];
    adj[2][2] = V[0][0] * V[1][1] - V[0][1] * V[1][0];
    double det = V[0][0] * adj[0][0] + V[0][1] * adj[1][0] + V[0][2] * adj[2][0];
    double scale = (V[0][0] + V[1][1] + V[2][2]) / 3.0;
    if (!(det > 1e-12 * scale * scale * scale)) {
        invalid(r);
        return 0;
    }
    double inv[3][3];
    for (int a = 0; a < 3; a++)
        for (int b = 0; b < 3; b++)
            inv[a][b] = adj[a][b] / det;
    for (int a = 0; a < 3; a++)
        for (int b = 0; b < 3; b++)
            r->J[a][b] = W[a][0] * inv[0][b] + W[a][1] * inv[1][b] + W[a][2] * inv[2][b];
    double sum = 0.0;
    for (int k = 0; k < n; k++)
        for (int a = 0; a < 3; a++) {
            double e = d[k][a] - (r->J[a][0] * d0[k][0] + r->J[a][1] * d0[k][1] + r->J[a][2] * d0[k][2]);
            sum += e * e;
        }
    r->d2min = sum;
    /* E = (J^T J - I) / 2 in Voigt order xx yy zz xy xz yz. */
    static const int ia[6] = {0, 1, 2, 0, 0, 1}, ib[6] = {0, 1, 2, 1, 2, 2};
    for (int v = 0; v < 6; v++) {
        int a = ia[v], b = ib[v];
        double c = r->J[0][a] * r->J[0][b] + r->J[1][a] * r->J[1][b] + r->J[2][a] * r->J[2][b];
        r->E[v] = 0.5 * (c - (a == b));
    }
    r->shear = d2min_shear_strain(r->E);
    r->vol = d2min_volumetric_strain(r->E);
    r->valid = 1;
    return 1;
}
