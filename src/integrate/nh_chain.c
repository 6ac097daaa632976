/* Nose-Hoover chain half step (nh_chain.h). */
#include "integrate/nh_chain.h"

#include <math.h>

/* All sub-steps after the scaling see ke2 already scaled, so scaling the
 * momenta afterwards is the same flow. */
double nh_chain_half(int M, const double *Q, double *eta, double *eta_dot, double ke2, double target0, double kt,
                     double dt)
{
    double G[NH_MAX_CHAIN] = {0};
    const double dt2 = 0.5 * dt, dt4 = 0.25 * dt, dt8 = 0.125 * dt;

    /* Chain forces G_k; update from the top of the chain down. */
    G[0] = (ke2 - target0) / Q[0];
    for (int k = 1; k < M; k++)
        G[k] = (Q[k - 1] * eta_dot[k - 1] * eta_dot[k - 1] - kt) / Q[k];
    eta_dot[M - 1] += G[M - 1] * dt4;
    for (int k = M - 2; k >= 0; k--) {
        double f = exp(-dt8 * eta_dot[k + 1]);
        eta_dot[k] = (eta_dot[k] * f + G[k] * dt4) * f;
    }
    /* The momenta scale by exp(-eta_dot_0 dt/2). */
    double scale = exp(-dt2 * eta_dot[0]);
    ke2 *= scale * scale;
    for (int k = 0; k < M; k++)
        eta[k] += dt2 * eta_dot[k];
    /* And back up the chain. */
    G[0] = (ke2 - target0) / Q[0];
    for (int k = 0; k < M - 1; k++) {
        double f = exp(-dt8 * eta_dot[k + 1]);
        eta_dot[k] = (eta_dot[k] * f + G[k] * dt4) * f;
        G[k + 1] = (Q[k] * eta_dot[k] * eta_dot[k] - kt) / Q[k + 1];
    }
    eta_dot[M - 1] += G[M - 1] * dt4;
    return scale;
}
