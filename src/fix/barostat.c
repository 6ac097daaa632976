/* Martyna-Tobias-Klein barostat (entry "barostat" of `ensemble npt`), with
 * a pressure target per box component (stress control).
 *
 * J. Chem. Phys. 101, 4177 (1994), in the flexible-cell form of Shinoda,
 * Shiga & Mikami (Phys. Rev. B 69, 134103 (2004)), with the equations and
 * Trotter order of LAMMPS' fix npt. Strain rates omega_dot (1/ps) of the
 * controlled box components (xx yy zz xy xz yz), each of mass W = (N+1) kT
 * taup^2, are driven by (p_q - P_q) V, the component's pressure less its
 * target, plus on the diagonal the MTK term 2 KE / (3N); particle
 * velocities feel -(omega_dot + Tr(omega_dot)/(3N)) v. The strain rates
 * have their own Nose-Hoover chain (masses kT taup^2, LAMMPS' mpchain).
 * With `iso` the controlled diagonals share one rate, driven by their
 * mean pressure (their targets are then equal); otherwise each has its
 * own. A controlled tilt is driven by its off-diagonal pressure less its
 * target (LAMMPS' fix npt `xy` with the reference cell reset at every
 * step, `nreset 1`: the mean pressure tensor reaches the targets however
 * far the box strains). Uncontrolled components have omega_dot = 0.
 *
 * In the step (fix.h): initial = chain, strain rates, velocities;
 * post_kick and post_drift = half a box remap each (the drift between
 * them); post_drift also flips a tilt that passed half a box length;
 * final = velocities, strain rates, chain. The thermostat's chain runs
 * inside these (thermostats come first in `initial`, last in `final`).
 * Its energy for the conserved quantity: sum W omega_dot^2 / 2, its
 * chain's, P_h V with P_h the hydrostatic part of the targets, and the
 * work A of their non-hydrostatic part, dA/dt = sum_q (P_q - P_h delta_q)
 * V omega_dot_q, summed over the remaps (a constant non-hydrostatic true
 * stress does path-dependent work, so A is a running sum, checkpointed).
 * The temperature kT of the masses is its own "temp" target, the same
 * schedule the thermostat follows.
 * Communication: a reduction per strain-rate half step (the kinetic
 * tensor); re-neighbouring after a flip. */
#include "core/error.h"
#include "core/units.h"
#include "fix/ensemble.h"
#include "parallel/parallel.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *comp_name[BARO_NCOMP] = {"xx", "yy", "zz", "xy", "xz", "yz"};

typedef struct barostat {
    schedule temp;                /* K                                        */
    schedule press;               /* bar: `press` as given (the next line     */
                                  /* inherits it)                             */
    schedule target[BARO_NCOMP];  /* bar: each controlled component's target  */
    enum baro_couple couple;      /* as given (inherited by the next line)    */
    int paxis[3];                 /* `axes` as given                          */
    int ctrl[BARO_NCOMP];         /* components driven                        */
    int bypress[BARO_NCOMP];      /* ... whose target is `press`              */
    int iso;                      /* controlled diagonals share one rate      */
    int offdiag;                  /* a tilt is controlled: full h' = e^(wt) h */
                                  /* remap, velocity shear, flips             */
    double pdamp;                 /* ps                                       */
    int pchain;
    /* state; components xx yy zz xy xz yz as the virial */
    double omega_dot[6];          /* 1/ps: box strain rates                   */
    double etap[NH_MAX_CHAIN], etap_dot[NH_MAX_CHAIN];
    double t_target;              /* K                                        */
    double p_target[BARO_NCOMP];  /* bar: this step's targets                 */
    double mtk_term2;             /* 1/ps: Tr(omega_dot)/(3N), from the last  */
                                  /* pressure half step                       */
    double work;                  /* eV: A, the non-hydrostatic targets' work */
} barostat;

/* Live strain rates into act; returns the barostat's number of degrees of
 * freedom (iso: one for all controlled diagonals). */
static int baro_active(const barostat *e, int act[6])
{
    int ndiag = 0, noff = 0;
    for (int q = 0; q < BARO_NCOMP; q++) {
        act[q] = e->ctrl[q] != 0;
        if (act[q])
            q < 3 ? ndiag++ : noff++;
    }
    return (e->iso ? ndiag > 0 : ndiag) + noff;
}

/* W = (N+1) kT taup^2 per component (eV ps^2), as LAMMPS' fix npt. */
static double baro_mass(const barostat *e, const md *s, double kt)
{
    return ((double)s->atoms.natoms + 1.0) * kt * e->pdamp * e->pdamp;
}

/* The hydrostatic part P_h of this step's targets (bar): their common value
 * when the controlled diagonals share one (so a hydrostatic target gives
 * exactly the P V of a plain barostat), else their mean; 0 when no diagonal
 * is controlled. */
static double p_hydro(const barostat *e)
{
    double sum = 0.0, first = 0.0;
    int n = 0, same = 1;
    for (int d = 0; d < 3; d++)
        if (e->ctrl[d]) {
            if (!n)
                first = e->p_target[d];
            else
                same &= e->p_target[d] == first;
            sum += e->p_target[d];
            n++;
        }
    return !n ? 0.0 : same ? first : sum / n;
}

static void check(const barostat *e, const md *s)
{
    static const char *axis = "xyz";
    for (int d = 0; d < 3; d++)
        if (e->ctrl[d] && s->box.boundary[d] != 'p')
            mg_fail_all("ensemble npt: the barostat controls %s, but the box is not periodic along %c "
                        "(boundary %c); control only periodic axes (keywords axes, xx, yy, zz)",
                        comp_name[d], axis[d], s->box.boundary[d]);
    for (int q = 3; q < BARO_NCOMP; q++) {
        if (!e->ctrl[q])
            continue;
        if (!s->box.triclinic && e->couple == BARO_TRI)
            mg_fail_all("ensemble npt: couple tri needs a triclinic box (tilt factors xy xz yz in the data file, "
                        "or 'change_box all triclinic'); this box is orthogonal: use couple iso or aniso");
        if (!s->box.triclinic)
            mg_fail_all("ensemble npt: a target for the tilt %s needs a triclinic box (tilt factors xy xz yz in "
                        "the data file, or 'change_box all triclinic' before the run); this box is orthogonal",
                        comp_name[q]);
        for (int k = 0; k < 2; k++) {
            int d = comp_name[q][k] - 'x';
            if (s->box.boundary[d] != 'p')
                mg_fail_all("ensemble npt: the barostat controls the tilt %s, but the box is not periodic along "
                            "%c (boundary %c)", comp_name[q], axis[d], s->box.boundary[d]);
        }
    }
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
    if (e->iso) {
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
            e->omega_dot[d] += dt2 * ((p[d] - e->p_target[d]) * V / MG_NKTV2P + mtk1) / W;
    /* A tilt: its pressure less its target (0 for couple tri's own). */
    for (int q = 3; q < 6; q++)
        if (act[q])
            e->omega_dot[q] += dt2 * (p[q] - e->p_target[q]) * V / MG_NKTV2P / W;
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
    const int tri = e->offdiag;
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
 * tilts) of a remap over tau, symmetric in xz (LAMMPS' order). An
 * uncontrolled tilt has omega_dot 0 and only scales with its axis. */
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

/* The work (eV) the non-hydrostatic part of the targets does over a remap
 * of tau at constant strain rates: sum_q D_q omega_dot_q integral V dt with
 * D the targets less P_h on the diagonal; the volume is V0 exp(Tr t)
 * exactly in the remap, so integral V dt = V0 tau expm1(s)/s, s = tau Tr. */
static void add_work(barostat *e, double V0, double tau)
{
    const double ph = p_hydro(e);
    double rate = 0.0, tr = 0.0; /* bar/ps, 1/ps */
    for (int d = 0; d < 3; d++)
        if (e->ctrl[d]) {
            rate += (e->p_target[d] - ph) * e->omega_dot[d];
            tr += e->omega_dot[d];
        }
    for (int q = 3; q < BARO_NCOMP; q++)
        if (e->ctrl[q])
            rate += e->p_target[q] * e->omega_dot[q];
    if (rate == 0.0) /* hydrostatic targets: A stays exactly 0 */
        return;
    const double x = tau * tr, g = x == 0.0 ? 1.0 : expm1(x) / x;
    e->work += rate * V0 * tau * g / MG_NKTV2P;
}

/* Dilate (and shear) the box for dt/2 at the current strain rates, mapping
 * owned atoms affinely (md_change_box). */
static void remap_half(barostat *e, md *s, double dt)
{
    box nb = s->box;
    const double tau = 0.5 * dt;
    const int tri = e->offdiag;
    add_work(e, s->box.volume, tau);
    if (tri)
        remap_tilts(e, &nb, tau);
    /* Lengths scale about the box centre; uncontrolled axes are untouched
     * (bit for bit). Without controlled tilts, the tilts scale with the axis
     * they tilt along (h <- diag(f) h, the same affine map as the velocities
     * feel), so xy/lx, xz/lx and yz/ly stay fixed; with them remap_tilts
     * does this as part of h' = exp(omega_dot tau) h. */
    for (int d = 0; d < 3; d++) {
        if (!e->ctrl[d])
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

/* This step's targets. */
static void targets(barostat *e, const step_info *si)
{
    e->t_target = fix_target(&e->temp, si);
    for (int q = 0; q < BARO_NCOMP; q++)
        e->p_target[q] = e->ctrl[q] ? fix_target(&e->target[q], si) : 0.0;
}

/* ---- hooks --------------------------------------------------------------- */

static void begin_run(fix *f, md *s, const step_info *si)
{
    barostat *e = f->data;
    schedule_begin_run(&e->temp, si->start);
    schedule_begin_run(&e->press, si->start);
    for (int q = 0; q < BARO_NCOMP; q++)
        schedule_begin_run(&e->target[q], si->start);
    targets(e, si);
    check(e, s);
}

/* LAMMPS fix_nh's Trotter order: barostat chain, (the particle chain,)
 * strain rates from the pressure, velocities under the strain rates. */
static void initial(fix *f, md *s, const step_info *si)
{
    barostat *e = f->data;
    targets(e, si);
    chain_half_step(e, s, si->dt);
    omega_half_step(e, s, si->dt);
    scale_velocities(e, s, si->dt);
}

static void post_kick(fix *f, md *s, const step_info *si) { remap_half(f->data, s, si->dt); }

static void post_drift(fix *f, md *s, const step_info *si)
{
    barostat *e = f->data;
    remap_half(e, s, si->dt);
    if (e->offdiag && md_flip_box(s, "npt"))
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

/* Kinetic energy of the strain rates, their chain, the enthalpy term
 * P_h V (bar A^3 -> eV) and the work A of the non-hydrostatic targets. */
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
    *acc += p_hydro(e) * s->box.volume / MG_NKTV2P;
    if (e->work != 0.0)
        *acc += e->work;
}

/* "temp"; "press": the components `press` covers; "press_xx" ... "press_yz":
 * one controlled component. */
static int set_target(fix *f, const char *what, const schedule *sc)
{
    barostat *e = f->data;
    if (!strcmp(what, "temp")) {
        e->temp = *sc;
        return 1;
    }
    if (!strcmp(what, "press")) {
        e->press = *sc;
        for (int q = 0; q < BARO_NCOMP; q++)
            if (e->bypress[q])
                e->target[q] = *sc;
        return 1;
    }
    for (int q = 0; q < BARO_NCOMP; q++)
        if (!strncmp(what, "press_", 6) && !strcmp(what + 6, comp_name[q]) && e->ctrl[q]) {
            e->target[q] = *sc;
            return 1;
        }
    return 0;
}

static void save(fix *f, ckpt_state *c)
{
    barostat *e = f->data;
    int64_t i[5] = {e->couple, e->paxis[0], e->paxis[1], e->paxis[2], e->pchain};
    double v[4] = {e->pdamp, e->t_target, p_hydro(e), e->mtk_term2};
    ckpt_put_i64(c, "couple_paxis_pchain", i, 5);
    ckpt_put_doubles(c, "pdamp_ttarget_ptarget_mtk2", v, 4);
    ckpt_put_doubles(c, "omega_dot", e->omega_dot, 6);
    ckpt_put_doubles(c, "etap", e->etap, NH_MAX_CHAIN);
    ckpt_put_doubles(c, "etap_dot", e->etap_dot, NH_MAX_CHAIN);
    schedule_save_in(&e->temp, c, "temp");
    schedule_save_in(&e->press, c, "press");
    /* Stress control: which components, their targets, the work A. */
    int64_t m[2 * BARO_NCOMP + 1];
    for (int q = 0; q < BARO_NCOMP; q++) {
        m[q] = e->ctrl[q];
        m[BARO_NCOMP + q] = e->bypress[q];
    }
    m[2 * BARO_NCOMP] = e->iso;
    ckpt_put_i64(c, "ctrl_bypress_iso", m, 2 * BARO_NCOMP + 1);
    ckpt_put_doubles(c, "ptarget", e->p_target, BARO_NCOMP);
    ckpt_put_doubles(c, "work", &e->work, 1);
    for (int q = 0; q < BARO_NCOMP; q++) {
        char name[16];
        snprintf(name, sizeof name, "target_%s", comp_name[q]);
        schedule_save_in(&e->target[q], c, name);
    }
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
    e->mtk_term2 = v[3];
    int64_t m[2 * BARO_NCOMP + 1];
    if (ckpt_get_i64(c, "ctrl_bypress_iso", m, 2 * BARO_NCOMP + 1) != 0) {
        /* Written before stress control: one hydrostatic target, `press`,
         * for the axes the (replayed) deck line resolved to. */
        for (int q = 0; q < BARO_NCOMP; q++)
            if (e->bypress[q])
                e->target[q] = e->press;
        for (int q = 0; q < BARO_NCOMP; q++)
            e->p_target[q] = e->ctrl[q] && q < 3 ? v[2] : 0.0;
        e->work = 0.0;
        return 0;
    }
    int nctrl = 0;
    for (int q = 0; q < BARO_NCOMP; q++) {
        char name[16];
        snprintf(name, sizeof name, "target_%s", comp_name[q]);
        bad |= schedule_restore_from(&e->target[q], c, name) != 0;
        e->ctrl[q] = m[q] != 0;
        e->bypress[q] = m[BARO_NCOMP + q] != 0;
        nctrl += e->ctrl[q];
    }
    e->iso = m[2 * BARO_NCOMP] != 0;
    e->offdiag = e->ctrl[BARO_XY] || e->ctrl[BARO_XZ] || e->ctrl[BARO_YZ];
    if (bad || nctrl == 0 || ckpt_get_doubles(c, "ptarget", e->p_target, BARO_NCOMP) ||
        ckpt_get_doubles(c, "work", &e->work, 1) || !isfinite(e->work)) {
        snprintf(why, whylen, "the barostat's per-component targets are incomplete");
        return -1;
    }
    return 0;
}

static int counts_steps(const fix *f)
{
    const barostat *d = f->data;
    int n = schedule_started(&d->temp) || schedule_started(&d->press);
    for (int q = 0; q < BARO_NCOMP; q++)
        n |= d->ctrl[q] && schedule_started(&d->target[q]);
    return n;
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
    /* The same components controlled the same way, redefined: keep the
     * strain rates, their chain and the work done. */
    if (old && old->ops == &barostat_ops) {
        const barostat *o = old->data;
        if (o->iso == es->iso && !memcmp(o->ctrl, es->ctrl, sizeof o->ctrl))
            *e = *o;
    }
    e->temp = es->temp;
    e->press = es->press;
    e->couple = es->couple;
    memcpy(e->paxis, es->paxis, sizeof e->paxis);
    memcpy(e->ctrl, es->ctrl, sizeof e->ctrl);
    memcpy(e->bypress, es->bypress, sizeof e->bypress);
    e->iso = es->iso;
    e->offdiag = es->ctrl[BARO_XY] || es->ctrl[BARO_XZ] || es->ctrl[BARO_YZ];
    for (int q = 0; q < BARO_NCOMP; q++) {
        if (es->ctrl[q])
            e->target[q] = es->ptarget[q];
        else
            schedule_constant(&e->target[q], 0.0, Q_PRESSURE);
    }
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
    /* Targets are not inherited: each npt line gives its own. ctrl (the
     * components it controls now) is for callers that check against it
     * (barostat_controls() says the same); an npt line resolves its own. */
    memcpy(es->ctrl, e->ctrl, sizeof es->ctrl);
    es->press = e->press;
    es->couple = e->couple;
    memcpy(es->paxis, e->paxis, sizeof es->paxis);
    es->pdamp = e->pdamp;
    es->pchain = e->pchain;
}

int barostat_controls(const fix *f, int ctrl[BARO_NCOMP])
{
    int n = 0;
    const barostat *e = f && f->ops == &barostat_ops ? f->data : NULL;
    for (int q = 0; q < BARO_NCOMP; q++) {
        ctrl[q] = e ? e->ctrl[q] : 0;
        n += ctrl[q];
    }
    return n;
}
