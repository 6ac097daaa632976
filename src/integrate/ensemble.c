#include "integrate/ensemble.h"
#include "core/error.h"
#include "core/rng.h"
#include "core/units.h"
#include "parallel/parallel.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void ensemble_init(ensemble *e)
{
    memset(e, 0, sizeof *e);
    e->kind = ENS_NVE;
    e->nchain = 3;
    e->tdamp = 0.1;
    e->couple = BARO_ISO;
    e->paxis[0] = e->paxis[1] = e->paxis[2] = 1;
    e->pdamp = 1.0;
    e->pchain = 3;
}

const char *ensemble_name(const ensemble *e)
{
    static const char *n[] = {"nve", "nvt", "langevin", "npt"};
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

/* Half a time step (dt/2) of a Nose-Hoover chain of length M with masses Q
 * acting on a set of momenta whose sum p^2/m is ke2 (eV) and whose target is
 * ndof kT = target0: Trotter-split as Martyna et al. (1996), from the top of
 * the chain down, the scaling, and back up. Returns the factor by which the
 * caller must scale the momenta (all sub-steps after the scaling see ke2
 * already scaled, so scaling afterwards is the same flow). */
static double chain_half(int M, const double *Q, double *eta, double *eta_dot, double ke2, double target0,
                         double kt, double dt)
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

void nh_half_step(ensemble *e, md *s, double dt)
{
    atoms *a = &s->atoms;
    const int M = e->nchain;
    const double dof = md_dof(s), kt = MG_BOLTZ * e->t_target;
    if (dof <= 0 || kt <= 0)
        return;
    double ke2 = 2.0 * md_kinetic(s, NULL); /* sum m v^2, eV */
    double Q[NH_MAX_CHAIN] = {0};
    for (int k = 0; k < M; k++)
        Q[k] = chain_mass(e, k, dof, kt);
    double scale = chain_half(M, Q, e->eta, e->eta_dot, ke2, dof * kt, kt, dt);
    for (int i = 0; i < a->nlocal; i++)
        for (int d = 0; d < 3; d++)
            a->v[i][d] *= scale;
}

/* ---- barostat ----------------------------------------------------------- */

double ensemble_pressure_target(const ensemble *e, int64_t n, int64_t nsteps)
{
    if (nsteps <= 0)
        return e->p_stop;
    return e->p_start + (e->p_stop - e->p_start) * (double)n / (double)nsteps;
}

/* Which of the six strain rates (xx yy zz xy xz yz) are live; returns the
 * barostat's number of degrees of freedom (iso: one, however many axes). */
static int baro_active(const ensemble *e, int act[6])
{
    int n = 0;
    for (int d = 0; d < 3; d++) {
        act[d] = e->paxis[d] != 0;
        n += act[d];
    }
    for (int q = 3; q < 6; q++) {
        act[q] = e->couple == BARO_TRI;
        n += act[q];
    }
    return e->couple == BARO_ISO ? (n > 0) : n;
}

/* W = (N+1) kT taup^2 per component (eV ps^2), as LAMMPS' fix npt. */
static double baro_mass(const ensemble *e, const md *s, double kt)
{
    return ((double)s->atoms.natoms + 1.0) * kt * e->pdamp * e->pdamp;
}

void npt_check(const ensemble *e, const md *s)
{
    static const char *axis = "xyz";
    for (int d = 0; d < 3; d++)
        if (e->paxis[d] && s->box.boundary[d] != 'p')
            mg_fail_all("ensemble npt: the barostat couples %c, but the box is not periodic along %c "
                        "(boundary %c); couple only periodic axes (keyword axes)",
                        axis[d], axis[d], s->box.boundary[d]);
    if (e->couple == BARO_TRI && !s->box.triclinic)
        mg_fail_all("ensemble npt: couple tri needs a triclinic box (tilt factors xy xz yz in the data file); "
                    "this box is orthogonal: use couple aniso or iso");
    if (!(e->t_target > 0) || !(e->pdamp > 0))
        mg_fail_all("ensemble npt: needs a positive temperature and pdamp");
}

void npt_chain_half_step(ensemble *e, const md *s, double dt)
{
    const int M = e->pchain;
    const double kt = MG_BOLTZ * e->t_target;
    if (M <= 0 || kt <= 0)
        return;
    int act[6];
    const int ndof = baro_active(e, act);
    const double W = baro_mass(e, s, kt);
    double ke2 = 0.0;
    for (int q = 0; q < 6; q++)
        if (act[q])
            ke2 += W * e->omega_dot[q] * e->omega_dot[q];
    double Q[NH_MAX_CHAIN];
    for (int k = 0; k < M; k++)
        Q[k] = kt * e->pdamp * e->pdamp;
    double scale = chain_half(M, Q, e->etap, e->etap_dot, ke2, ndof * kt, kt, dt);
    for (int q = 0; q < 6; q++)
        e->omega_dot[q] *= scale;
}

void npt_omega_half_step(ensemble *e, md *s, double dt)
{
    const double kt = MG_BOLTZ * e->t_target;
    const double W = baro_mass(e, s, kt);
    const double n3 = 3.0 * (double)s->atoms.natoms;
    if (!(W > 0) || !(n3 > 0))
        return;
    double k[6], p[6];
    md_kinetic(s, k);
    const double V = s->box.volume;
    for (int q = 0; q < 6; q++) /* as md_pressure() */
        p[q] = (k[q] + s->virial[q]) / V * MG_NKTV2P;
    /* MTK: the kinetic energy's share 2 KE / (3N) (eV) in each coupled
     * diagonal force; matches the Tr(omega_dot)/(3N) velocity term. */
    const double mtk1 = (k[0] + k[1] + k[2]) / n3;
    int act[6];
    baro_active(e, act);
    if (e->couple == BARO_ISO) {
        double pc = 0.0;
        int nc = 0;
        for (int d = 0; d < 3; d++)
            if (act[d]) {
                pc += p[d];
                nc++;
            }
        if (nc)
            pc /= nc;
        for (int d = 0; d < 3; d++)
            p[d] = pc;
    }
    const double dt2 = 0.5 * dt;
    for (int d = 0; d < 3; d++)
        if (act[d])
            e->omega_dot[d] += dt2 * ((p[d] - e->p_target) * V / MG_NKTV2P + mtk1) / W;
    for (int q = 3; q < 6; q++)
        if (act[q])
            e->omega_dot[q] += dt2 * p[q] * V / MG_NKTV2P / W;
    double tr = 0.0;
    for (int d = 0; d < 3; d++)
        if (act[d])
            tr += e->omega_dot[d];
    e->mtk_term2 = tr / n3;
}

void npt_scale_velocities(ensemble *e, md *s, double dt)
{
    atoms *a = &s->atoms;
    double f[3];
    for (int d = 0; d < 3; d++)
        f[d] = exp(-0.25 * dt * (e->omega_dot[d] + e->mtk_term2));
    const int tri = e->couple == BARO_TRI;
    const double dt2 = 0.5 * dt, wxy = e->omega_dot[3], wxz = e->omega_dot[4], wyz = e->omega_dot[5];
    for (int i = 0; i < a->nlocal; i++) {
        double *v = a->v[i];
        v[0] *= f[0];
        v[1] *= f[1];
        v[2] *= f[2];
        if (tri) {
            v[0] -= dt2 * (v[1] * wxy + v[2] * wxz);
            v[1] -= dt2 * v[2] * wyz;
        }
        v[0] *= f[0];
        v[1] *= f[1];
        v[2] *= f[2];
    }
}

/* Off-diagonal half (dt/2 of the ODE dh/dt = omega_dot h restricted to the
 * tilts) of a tri remap over tau, symmetric in xz (LAMMPS' order). */
static void remap_tilts(const ensemble *e, box *b, double tau)
{
    const double *w = e->omega_dot; /* xx yy zz xy xz yz */
    const double ly = b->hi[1] - b->lo[1], lz = b->hi[2] - b->lo[2];
    const double t2 = 0.5 * tau, t4 = 0.25 * tau, t8 = 0.125 * tau;
    double f;
    f = exp(t8 * w[0]);
    b->xz = (b->xz * f + t4 * (w[3] * b->yz + w[4] * lz)) * f;
    f = exp(t4 * w[1]);
    b->yz = (b->yz * f + t2 * w[5] * lz) * f;
    f = exp(t4 * w[0]);
    b->xy = (b->xy * f + t2 * w[3] * ly) * f;
    f = exp(t8 * w[0]);
    b->xz = (b->xz * f + t4 * (w[3] * b->yz + w[4] * lz)) * f;
}

void npt_remap_half(ensemble *e, md *s, double dt)
{
    box nb = s->box;
    const double tau = 0.5 * dt;
    const int tri = e->couple == BARO_TRI;
    if (tri)
        remap_tilts(e, &nb, tau);
    /* Lengths scale about the box centre; uncoupled axes are untouched
     * (bit for bit). Without tri, the tilts scale with the axis they tilt
     * along (h <- diag(f) h, the same affine map as the velocities feel), so
     * xy/lx, xz/lx and yz/ly stay fixed. */
    for (int d = 0; d < 3; d++) {
        if (!e->paxis[d])
            continue;
        double f = exp(tau * e->omega_dot[d]);
        double c = 0.5 * (nb.lo[d] + nb.hi[d]);
        nb.lo[d] = (nb.lo[d] - c) * f + c;
        nb.hi[d] = (nb.hi[d] - c) * f + c;
        if (!tri && d == 0) {
            nb.xy *= f;
            nb.xz *= f;
        } else if (!tri && d == 1) {
            nb.yz *= f;
        }
    }
    if (tri)
        remap_tilts(e, &nb, tau);
    md_change_box(s, &nb);
}

int npt_flip(ensemble *e, md *s)
{
    if (e->couple != BARO_TRI)
        return 0;
    box *b = &s->box;
    const double lx = b->len[0], ly = b->len[1];
    if (!(fabs(b->yz) > 0.5 * ly) && !(fabs(b->xz) > 0.5 * lx) && !(fabs(b->xy) > 0.5 * lx))
        return 0;
    const box old = *b;
    /* New edges c' = c - k b (yz), c' -= k a (xz), b' = b - k a (xy): the same
     * lattice of periodic images, a less skewed cell. */
    if (fabs(b->yz) > 0.5 * ly) {
        double k = nearbyint(b->yz / ly);
        b->yz -= k * ly;
        b->xz -= k * b->xy;
    }
    if (fabs(b->xz) > 0.5 * lx)
        b->xz -= nearbyint(b->xz / lx) * lx;
    if (fabs(b->xy) > 0.5 * lx)
        b->xy -= nearbyint(b->xy / lx) * lx;
    box_update(b);
    /* Image flags: x + H n = x + H' n'. Positions stay; the re-neighbouring
     * the caller does wraps them into the new cell. */
    atoms *a = &s->atoms;
    for (int i = 0; i < a->nlocal; i++) {
        double u[3], n[3];
        for (int r = 0; r < 3; r++)
            u[r] = old.h[r][0] * a->image[i][0] + old.h[r][1] * a->image[i][1] + old.h[r][2] * a->image[i][2];
        for (int r = 0; r < 3; r++)
            n[r] = b->hinv[r][0] * u[0] + b->hinv[r][1] * u[1] + b->hinv[r][2] * u[2];
        for (int r = 0; r < 3; r++)
            a->image[i][r] = (int)nearbyint(n[r]);
    }
    if (par_rank() == 0) {
        printf("npt: step %lld: box flipped to tilts xy %.6g xz %.6g yz %.6g A (were %.6g %.6g %.6g)\n",
               (long long)s->step, b->xy, b->xz, b->yz, old.xy, old.xz, old.yz);
        fflush(stdout);
    }
    return 1;
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
    if (e->kind != ENS_NVT && e->kind != ENS_NPT)
        return 0.0;
    const double dof = md_dof(s), kt = MG_BOLTZ * e->t_target;
    double en = dof * kt * e->eta[0];
    for (int k = 0; k < e->nchain; k++) {
        en += 0.5 * chain_mass(e, k, dof, kt) * e->eta_dot[k] * e->eta_dot[k];
        if (k > 0)
            en += kt * e->eta[k];
    }
    if (e->kind != ENS_NPT)
        return en;
    /* Barostat: kinetic energy of the strain rates, their chain, and the
     * enthalpy term P_target V (bar A^3 -> eV). */
    int act[6];
    const int ndof = baro_active(e, act);
    const double W = baro_mass(e, s, kt);
    for (int q = 0; q < 6; q++)
        if (act[q])
            en += 0.5 * W * e->omega_dot[q] * e->omega_dot[q];
    if (e->pchain > 0) {
        const double Q = kt * e->pdamp * e->pdamp;
        en += ndof * kt * e->etap[0];
        for (int k = 0; k < e->pchain; k++) {
            en += 0.5 * Q * e->etap_dot[k] * e->etap_dot[k];
            if (k > 0)
                en += kt * e->etap[k];
        }
    }
    en += e->p_target * s->box.volume / MG_NKTV2P;
    return en;
}
