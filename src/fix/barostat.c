/* Martyna-Tobias-Klein barostat (entry "barostat" of `ensemble npt`).
 *
 * J. Chem. Phys. 101, 4177 (1994), in the flexible-cell form of Shinoda,
 * Shiga & Mikami (Phys. Rev. B 69, 134103 (2004)), with the equations and
 * Trotter order of LAMMPS' fix npt. Strain rates omega_dot (1/ps) of the
 * coupled box components, each of mass W = (N+1) kT taup^2, are driven by
 * (P - P_target) V plus the MTK term 2 KE / (3N); particle velocities feel
 * -(omega_dot + Tr(omega_dot)/(3N)) v. The strain rates have their own
 * Nose-Hoover chain (masses kT taup^2, LAMMPS' mpchain). couple iso: one
 * rate for the coupled axes, driven by their mean pressure; aniso: one per
 * coupled axis; tri: all six components (tilts driven by the off-diagonal
 * pressure).
 *
 * In the step (fix.h): initial = chain, strain rates, velocities;
 * post_kick and post_drift = half a box remap each (the drift between
 * them); post_drift also flips a tilt that passed half a box length;
 * final = velocities, strain rates, chain. The thermostat's chain runs
 * inside these (thermostats come first in `initial`, last in `final`).
 * Its energy for the conserved quantity: sum W omega_dot^2 / 2, its
 * chain's, and P_target V. The temperature kT of the masses is its own
 * "temp" target, the same schedule the thermostat follows.
 * Communication: a reduction per strain-rate half step (the kinetic
 * tensor); re-neighbouring after a flip. */
#include "core/error.h"
#include "core/units.h"
#include "fix/ensemble.h"
#include "parallel/parallel.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

typedef struct barostat {
    schedule temp;                /* K                                        */
    schedule press;               /* bar                                      */
    enum baro_couple couple;
    int paxis[3];
    double pdamp;                 /* ps                                       */
    int pchain;
    /* state; components xx yy zz xy xz yz as the virial */
    double omega_dot[6];          /* 1/ps: box strain rates                   */
    double etap[NH_MAX_CHAIN], etap_dot[NH_MAX_CHAIN];
    double t_target;              /* K                                        */
    double p_target;              /* bar                                      */
    double mtk_term2;             /* 1/ps: Tr(omega_dot)/(3N), from the last  */
                                  /* pressure half step                       */
} barostat;

/* Which of the six strain rates (xx yy zz xy xz yz) are live; returns the
 * barostat's number of degrees of freedom (iso: one, however many axes). */
static int baro_active(const barostat *e, int act[6])
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
static double baro_mass(const barostat *e, const md *s, double kt)
{
    return ((double)s->atoms.natoms + 1.0) * kt * e->pdamp * e->pdamp;
}

static void check(const barostat *e, const md *s)
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

/* Half step (dt/2) of the barostat's Nose-Hoover chain, scaling the strain
 * rates. */
static void chain_half_step(barostat *e, const md *s, double dt)
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
    double scale = nh_chain_half(M, Q, e->etap, e->etap_dot, ke2, ndof * kt, kt, dt);
    for (int q = 0; q < 6; q++)
        e->omega_dot[q] *= scale;
}

/* Half step (dt/2) of the strain rates from the current pressure tensor
 * (virial of the last energy evaluation, current velocities; collective). */
static void omega_half_step(barostat *e, md *s, double dt)
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

/* Velocities under the strain rates for dt/2: v <- exp(-(omega_dot +
 * Tr(omega_dot)/(3N)) dt/2) v, split around the off-diagonal part. */
static void scale_velocities(barostat *e, md *s, double dt)
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
static void remap_tilts(const barostat *e, box *b, double tau)
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

/* Dilate (and shear) the box for dt/2 at the current strain rates, mapping
 * owned atoms affinely (md_change_box). */
static void remap_half(barostat *e, md *s, double dt)
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

/* After a tri step: if a tilt passed half the box length it tilts along,
 * replace the cell by the equivalent less-skewed one (the same lattice of
 * images, as LAMMPS' box flip) and fix the image flags. Returns 1 if the
 * box changed (the caller re-neighbours). */
static int flip(barostat *e, md *s)
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
    s->box_changes++;
    /* Image flags: x + H n = x + H' n'. Positions stay; the re-neighbouring
     * wraps them into the new cell. */
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

/* ---- hooks --------------------------------------------------------------- */

static void begin_run(fix *f, md *s, const step_info *si)
{
    barostat *e = f->data;
    schedule_begin_run(&e->temp, si->start);
    schedule_begin_run(&e->press, si->start);
    e->t_target = fix_target(&e->temp, si);
    e->p_target = fix_target(&e->press, si);
    check(e, s);
}

/* LAMMPS fix_nh's Trotter order: barostat chain, (the particle chain,)
 * strain rates from the pressure, velocities under the strain rates. */
static void initial(fix *f, md *s, const step_info *si)
{
    barostat *e = f->data;
    e->t_target = fix_target(&e->temp, si);
    e->p_target = fix_target(&e->press, si);
    chain_half_step(e, s, si->dt);
    omega_half_step(e, s, si->dt);
    scale_velocities(e, s, si->dt);
}

static void post_kick(fix *f, md *s, const step_info *si) { remap_half(f->data, s, si->dt); }

static void post_drift(fix *f, md *s, const step_info *si)
{
    remap_half(f->data, s, si->dt);
    if (flip(f->data, s))
        fixes_reneighbor(f->list, s, si); /* a new cell: wrap, migrate, rebuild */
}

static void final(fix *f, md *s, const step_info *si)
{
    barostat *e = f->data;
    scale_velocities(e, s, si->dt);
    omega_half_step(e, s, si->dt);
    chain_half_step(e, s, si->dt);
}

/* The strain rates need the virial at every step. */
static int wants(const fix *f, const md *s, int64_t step, const step_info *si) { return FIX_WANTS_ENERGY; }

/* Kinetic energy of the strain rates, their chain, and the enthalpy term
 * P_target V (bar A^3 -> eV). */
static void energy(const fix *f, const md *s, double *acc)
{
    const barostat *e = f->data;
    const double kt = MG_BOLTZ * e->t_target;
    int act[6];
    const int ndof = baro_active(e, act);
    const double W = baro_mass(e, s, kt);
    for (int q = 0; q < 6; q++)
        if (act[q])
            *acc += 0.5 * W * e->omega_dot[q] * e->omega_dot[q];
    if (e->pchain > 0) {
        const double Q = kt * e->pdamp * e->pdamp;
        *acc += ndof * kt * e->etap[0];
        for (int k = 0; k < e->pchain; k++) {
            *acc += 0.5 * Q * e->etap_dot[k] * e->etap_dot[k];
            if (k > 0)
                *acc += kt * e->etap[k];
        }
    }
    *acc += e->p_target * s->box.volume / MG_NKTV2P;
}

static int set_target(fix *f, const char *what, const schedule *sc)
{
    barostat *e = f->data;
    if (!strcmp(what, "temp"))
        e->temp = *sc;
    else if (!strcmp(what, "press"))
        e->press = *sc;
    else
        return 0;
    return 1;
}

static void save(fix *f, ckpt_state *c)
{
    barostat *e = f->data;
    int64_t i[5] = {e->couple, e->paxis[0], e->paxis[1], e->paxis[2], e->pchain};
    double v[4] = {e->pdamp, e->t_target, e->p_target, e->mtk_term2};
    ckpt_put_i64(c, "couple_paxis_pchain", i, 5);
    ckpt_put_doubles(c, "pdamp_ttarget_ptarget_mtk2", v, 4);
    ckpt_put_doubles(c, "omega_dot", e->omega_dot, 6);
    ckpt_put_doubles(c, "etap", e->etap, NH_MAX_CHAIN);
    ckpt_put_doubles(c, "etap_dot", e->etap_dot, NH_MAX_CHAIN);
    schedule_save_in(&e->temp, c, "temp");
    schedule_save_in(&e->press, c, "press");
}

static int restore(fix *f, ckpt_state *c, char *why, size_t whylen)
{
    barostat *e = f->data;
    int64_t i[5];
    double v[4];
    int bad = ckpt_get_i64(c, "couple_paxis_pchain", i, 5) || ckpt_get_doubles(c, "pdamp_ttarget_ptarget_mtk2", v, 4) ||
              ckpt_get_doubles(c, "omega_dot", e->omega_dot, 6) || ckpt_get_doubles(c, "etap", e->etap, NH_MAX_CHAIN) ||
              ckpt_get_doubles(c, "etap_dot", e->etap_dot, NH_MAX_CHAIN) ||
              schedule_restore_from(&e->temp, c, "temp") || schedule_restore_from(&e->press, c, "press");
    if (bad || i[0] < BARO_ISO || i[0] > BARO_TRI || i[4] < 0 || i[4] > NH_MAX_CHAIN) {
        snprintf(why, whylen, "the barostat's state is incomplete");
        return -1;
    }
    e->couple = (enum baro_couple)i[0];
    for (int d = 0; d < 3; d++)
        e->paxis[d] = (int)i[1 + d];
    e->pchain = (int)i[4];
    e->pdamp = v[0];
    e->t_target = v[1];
    e->p_target = v[2];
    e->mtk_term2 = v[3];
    return 0;
}

static int counts_steps(const fix *f)
{
    const barostat *d = f->data;
    return schedule_started(&d->temp) || schedule_started(&d->press);
}

static const fix_ops barostat_ops = {
    .kind = "mtk",
    .order = FIX_ORDER_BAROSTAT,
    .begin_run = begin_run,
    .initial = initial,
    .post_kick = post_kick,
    .post_drift = post_drift,
    .final = final,
    .wants = wants,
    .energy = energy,
    .set_target = set_target,
    .counts_steps = counts_steps,
    .save = save,
    .restore = restore,
    .destroy = fix_free_data,
};

fix *barostat_new(const ensemble_settings *es, const fix *old)
{
    fix *f = fix_new(&barostat_ops, BAROSTAT_FIX, GROUP_ALL);
    barostat *e = mg_calloc(1, sizeof *e);
    /* The same coupling, redefined: keep the strain rates and their chain. */
    if (old && old->ops == &barostat_ops) {
        const barostat *o = old->data;
        if (o->couple == es->couple && !memcmp(o->paxis, es->paxis, sizeof o->paxis))
            *e = *o;
    }
    e->temp = es->temp;
    e->press = es->press;
    e->couple = es->couple;
    memcpy(e->paxis, es->paxis, sizeof e->paxis);
    e->pdamp = es->pdamp;
    e->pchain = es->pchain;
    f->data = e;
    return f;
}

void barostat_settings(const fix *f, ensemble_settings *es)
{
    if (f->ops != &barostat_ops)
        return;
    const barostat *e = f->data;
    es->press = e->press;
    es->couple = e->couple;
    memcpy(es->paxis, e->paxis, sizeof es->paxis);
    es->pdamp = e->pdamp;
    es->pchain = e->pchain;
}
