#include "integrate/ensemble.h"
#include "core/rng.h"
#include "core/units.h"
#include "parallel/parallel.h"

#include <math.h>
#include <string.h>

void ensemble_init(ensemble *e)
{
    memset(e, 0, sizeof *e);
    e->kind = ENS_NVE;
    e->nchain = 3;
    e->tdamp = 0.1;
}

const char *ensemble_name(const ensemble *e)
{
    static const char *n[] = {"nve", "nvt", "langevin"};
    return n[e->kind];
}

double ensemble_target(const ensemble *e, int64_t n, int64_t nsteps)
{
    if (nsteps <= 0)
        return e->t_stop;
    return e->t_start + (e->t_stop - e->t_start) * (double)n / (double)nsteps;
}

static double chain_mass(const ensemble *e, int k, double dof, double kt)
{
    double tau2 = e->tdamp * e->tdamp;
    return (k == 0 ? dof : 1.0) * kt * tau2;
}

void nh_half_step(ensemble *e, md *s, double dt)
{
    atoms *a = &s->atoms;
    const int M = e->nchain;
    const double dof = md_dof(s), kt = MG_BOLTZ * e->t_target;
    if (dof <= 0 || kt <= 0)
        return;
    double ke2 = 2.0 * md_kinetic(s, NULL); /* sum m v^2, eV */
    double Q[NH_MAX_CHAIN] = {0}, G[NH_MAX_CHAIN] = {0};
    for (int k = 0; k < M; k++)
        Q[k] = chain_mass(e, k, dof, kt);
    const double dt2 = 0.5 * dt, dt4 = 0.25 * dt, dt8 = 0.125 * dt;

    /* Chain thermostat forces G_k; update from the top of the chain down. */
    G[0] = (ke2 - dof * kt) / Q[0];
    for (int k = 1; k < M; k++)
        G[k] = (Q[k - 1] * e->eta_dot[k - 1] * e->eta_dot[k - 1] - kt) / Q[k];
    e->eta_dot[M - 1] += G[M - 1] * dt4;
    for (int k = M - 2; k >= 0; k--) {
        double f = exp(-dt8 * e->eta_dot[k + 1]);
        e->eta_dot[k] = (e->eta_dot[k] * f + G[k] * dt4) * f;
    }
    /* Scale velocities by exp(-eta_dot_0 dt/2). */
    double scale = exp(-dt2 * e->eta_dot[0]);
    for (int i = 0; i < a->nlocal; i++)
        for (int d = 0; d < 3; d++)
            a->v[i][d] *= scale;
    ke2 *= scale * scale;
    for (int k = 0; k < M; k++)
        e->eta[k] += dt2 * e->eta_dot[k];
    /* And back up the chain. */
    G[0] = (ke2 - dof * kt) / Q[0];
    for (int k = 0; k < M - 1; k++) {
        double f = exp(-dt8 * e->eta_dot[k + 1]);
        e->eta_dot[k] = (e->eta_dot[k] * f + G[k] * dt4) * f;
        G[k + 1] = (Q[k] * e->eta_dot[k] * e->eta_dot[k] - kt) / Q[k + 1];
    }
    e->eta_dot[M - 1] += G[M - 1] * dt4;
}

void langevin_o_step(ensemble *e, md *s, double dt)
{
    atoms *a = &s->atoms;
    const double c1 = exp(-dt / e->tdamp), c2 = sqrt(1.0 - c1 * c1);
    const double kt = MG_BOLTZ * e->t_target;
    /* Counter: atom id, step (high bits into the stream word). */
    uint64_t step = (uint64_t)s->step;
    uint32_t stream = RNG_LANGEVIN | (uint32_t)(step >> 30) << 4;
    uint32_t idx = (uint32_t)(step & 0x3fffffffu) << 1;
    double dke = 0.0;
    for (int i = 0; i < a->nlocal; i++) {
        double m = atoms_mass(a, i);
        double sigma = sqrt(kt / (m * MG_MVV2E));
        double g[4];
        rng_normal2(e->seed, (uint64_t)a->id[i], stream, idx, g);
        rng_normal2(e->seed, (uint64_t)a->id[i], stream, idx + 1, g + 2);
        double *v = a->v[i];
        double before = v[0] * v[0] + v[1] * v[1] + v[2] * v[2];
        for (int d = 0; d < 3; d++)
            v[d] = c1 * v[d] + c2 * sigma * g[d];
        dke += 0.5 * m * (v[0] * v[0] + v[1] * v[1] + v[2] * v[2] - before) * MG_MVV2E;
    }
    /* Heat added by the bath; the conserved quantity subtracts it. */
    e->reservoir -= par_sum_double(dke);
}

double ensemble_energy(const ensemble *e, const md *s)
{
    if (e->kind == ENS_LANGEVIN)
        return e->reservoir;
    if (e->kind != ENS_NVT)
        return 0.0;
    const double dof = md_dof(s), kt = MG_BOLTZ * e->t_target;
    double en = dof * kt * e->eta[0];
    for (int k = 0; k < e->nchain; k++) {
        en += 0.5 * chain_mass(e, k, dof, kt) * e->eta_dot[k] * e->eta_dot[k];
        if (k > 0)
            en += kt * e->eta[k];
    }
    return en;
}
