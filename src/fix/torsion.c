/* torsion NAME top GTOP bottom GBOT [axis x|y|z] [center X Y|auto]
 *         rate W | schedule S | angle PHI  [affine yes|no]
 *
 * Torsion of a wire between two rigid grips (docs/torsion.md): the atoms
 * of group GTOP turn rigidly about the wire axis by the applied angle
 * phi(t), those of GBOT stay where they were; both grips are held (fix.h:
 * no thermostat acts on them, temperatures leave them out, minimisers keep
 * them in place), the atoms between them move freely.
 *
 *   rate W      phi = phi0 + W (t - t0), W in deg/ps (or rad/ps)
 *   schedule S  phi = phi0 + S(step), S a named schedule of angles (deg)
 *   angle PHI   phi = PHI from now on (deg, or rad): a static twist, for
 *               quasistatic torsion (a deck loop of `torsion ... angle`
 *               and `minimize`)
 *
 * phi0 and t0 are the applied angle and the clock when the command is
 * given; phi is measured from the configuration the fix was first defined
 * on. Redefining the fix with the same grips, axis and centre continues
 * the twist from where it is (the grips' reference positions are kept), so
 * a deck may switch styles or step the angle.
 *
 * The top grip at phi: x = c + R(phi) (x0 - c), R the rotation by phi about
 * the axis (right-handed: a positive angle turns a1 towards a2, where
 * (a1, a2, axis) is (x, y, z) in cyclic order), x0 its unwrapped position
 * at zero twist, c the point on the axis (`center`: the given in-plane
 * coordinates, or with `auto` the mean in-plane position of both grips'
 * atoms when first defined). Velocities: dphi/dt (e_axis x (x - c)); the
 * bottom grip at rest. Positions and velocities are set after the drift
 * (post_drift) and velocities again after the second half-kick (final),
 * as for `move`.
 *
 * affine yes: the free atoms follow the twist affinely, rotated by
 * w(z) dphi with w(z) = (z - lo)/(hi - lo) clamped to [0, 1] on the gauge
 * section [lo, hi] between the grips: a jump of the angle (`angle`) moves
 * them at once; a rate adds the angular velocity profile w(z) W (e_axis x
 * r) to their velocities at the first run, so the wire twists uniformly
 * from the start instead of by a torsional wave from the top grip.
 *
 * Streaming flow (rate and schedule): the fix publishes the twist's
 * velocity profile u = omega w(z) (e_axis x r) as the system's flow
 * (FLOW_TWIST, system.h), omega the grip's rate over the latest step,
 * so that a thermostat with `sllod yes` acts on the velocities relative to
 * it (without, a thermostat brakes a fast twist: docs/torsion.md) and the
 * peculiar temperature, the pressure's kinetic part and the profiles'
 * kinetic stress leave it out. A deform fix with remap v cannot run beside
 * it (one flow at a time). With a thermostat on the whole velocity and a
 * twist whose kinetic energy at the gauge's top is not small against kT,
 * the run's start warns.
 *
 * Measurement (torsion_measure, for the stress_strain observer's torsion
 * tables): the torque about the axis that the rest of the system exerts on
 * each grip, T_grip = sum_i ((x_i - c) x F_i) . e_axis over its atoms. EAM
 * forces are sums of central pair terms, so the pairs inside a grip add
 * nothing and this is the free atoms' torque on it. The wire transmits
 * T = (T_bottom - T_top) / 2 (positive for a positive elastic twist). The
 * diameter D = 2 sqrt(2 <rho^2>) over the free atoms of the gauge section:
 * the cylinder with the same polar second moment per atom (for atoms
 * filling a disc of radius R, D = 2R; its polar moment pi D^4 / 32 is then
 * the atoms' sum of Omega rho^2 / L to 0.1 %, Omega the volume per atom).
 * Equation 1 of Dong et al. (2021): tau_s = 16 T / (pi D^3),
 * gamma_s = D phi / (2 L), L the gauge length.
 *
 * Checkpointed: the applied angle, the style's parameters and schedule, the
 * geometry, whether the velocity profile was added; the grips' reference
 * positions are a per-atom property (NAME_x0), so they migrate and are
 * saved with the atoms. Communication: none in the step; one sum reduction
 * per measurement and at definition. */
#include "fix/torsion.h"

#include "core/error.h"
#include "core/units.h"
#include "deck/deck.h"
#include "fix/ensemble.h"
#include "parallel/parallel.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EV_PER_A3_IN_GPA 160.21766208

enum torsion_style { TW_RATE, TW_SCHEDULE, TW_ANGLE };

typedef struct torsion {
    int axis, a1, a2;          /* axis; in-plane dimensions, (a1 a2 axis) cyclic */
    double c[3];               /* point on the axis (A); c[axis] = 0            */
    int top, bottom;           /* groups                                        */
    enum torsion_style style;
    double omega;              /* rate: rad/ps                                  */
    schedule sched;            /* schedule: degrees                             */
    double phi_set;            /* angle: rad                                    */
    double phi0, t0;           /* applied angle (rad) and clock (ps) at the     */
                               /* command                                       */
    double phi;                /* the angle last applied (rad)                  */
    int affine;
    int profile_added;         /* rate + affine: profile in the velocities      */
    int warned;                /* the thermostat warning was printed            */
    double lo, hi;             /* gauge section along the axis (A)              */
    char prop[48];             /* per-atom reference positions of the grips;    */
                               /* "" once handed to a redefinition              */
    char where[160];           /* FILE:LINE of the command                      */
} torsion;

static const fix_ops torsion_ops;

/* Both grips' group bits. */
static uint64_t grip_bits(const torsion *t) { return group_bit(t->top) | group_bit(t->bottom); }

/* v rotated by angle th about the axis (in-plane components only). */
static void turn(const torsion *t, const double v[3], double th, double out[3])
{
    const double ct = cos(th), st = sin(th);
    out[t->axis] = v[t->axis];
    out[t->a1] = ct * v[t->a1] - st * v[t->a2];
    out[t->a2] = st * v[t->a1] + ct * v[t->a2];
}

/* e_axis x r for r relative to the axis. */
static void tangential(const torsion *t, const double r[3], double out[3])
{
    out[t->axis] = 0.0;
    out[t->a1] = -r[t->a2];
    out[t->a2] = r[t->a1];
}

/* Applied angle (rad) at the step a hook is about (time t, ps). */
static double applied(torsion *t, const step_info *si, double time)
{
    switch (t->style) {
    case TW_RATE: return t->phi0 + t->omega * (time - t->t0);
    case TW_SCHEDULE: return t->phi0 + fix_target(&t->sched, si) * M_PI / 180.0;
    default: return t->phi_set;
    }
}

/* The affine weight of an atom at axial coordinate z. */
static double weight(const torsion *t, double z)
{
    double w = (z - t->lo) / (t->hi - t->lo);
    return w < 0.0 ? 0.0 : w > 1.0 ? 1.0 : w;
}

/* Set the grips at angle phi (positions if `positions`) turning at rate
 * omega (rad/ps). */
static void place_grips(const torsion *t, md *s, double phi, double omega, int positions)
{
    atoms *a = &s->atoms;
    int k = atoms_find_prop(a, t->prop);
    if (k < 0)
        mg_fail_all("%s: torsion: the grips' reference positions (%s) are gone", t->where, t->prop);
    const double *x0 = a->prop[k].data;
    const uint64_t top = group_bit(t->top), bottom = group_bit(t->bottom);
    const box *b = &s->box;
    for (int i = 0; i < a->nlocal; i++) {
        const uint64_t m = a->mask[i];
        if (!(m & (top | bottom)))
            continue;
        double xu[3], v[3] = {0.0, 0.0, 0.0};
        const double *r0 = x0 + 3 * (size_t)i;
        if (m & top) {
            double d[3] = {r0[0] - t->c[0], r0[1] - t->c[1], r0[2] - t->c[2]}, r[3];
            turn(t, d, phi, r);
            tangential(t, r, v);
            for (int q = 0; q < 3; q++) {
                xu[q] = t->c[q] + r[q];
                v[q] *= omega;
            }
        } else {
            memcpy(xu, r0, sizeof xu);
        }
        if (positions)
            box_rewrap(b, xu, a->image[i], a->x[i]); /* back into the atom's periodic image */
        memcpy(a->v[i], v, sizeof v);
    }
}

/* Rate of the applied angle over the step (rad/ps). */
static double rate_over_step(torsion *t, md *s, const step_info *si)
{
    if (t->style == TW_RATE)
        return t->omega;
    if (t->style == TW_ANGLE)
        return 0.0;
    const step_info prev = {.n = si->n - 1, .nsteps = si->nsteps, .start = si->start, .step = si->step - 1};
    return (applied(t, si, s->time) - applied(t, &prev, s->time - si->dt)) / si->dt;
}

/* The twist's streaming flow at rate omega (rate and schedule styles). */
static void publish_flow(const torsion *t, md *s, double omega)
{
    if (t->style == TW_ANGLE)
        return;
    s->flow = FLOW_TWIST;
    s->twist.axis = t->axis;
    memcpy(s->twist.c, t->c, sizeof s->twist.c);
    s->twist.lo = t->lo;
    s->twist.hi = t->hi;
    s->twist.omega = omega;
}

static void post_drift(fix *f, md *s, const step_info *si)
{
    torsion *t = f->data;
    t->phi = applied(t, si, s->time);
    const double omega = rate_over_step(t, s, si);
    place_grips(t, s, t->phi, omega, 1);
    publish_flow(t, s, omega);
}

static void final(fix *f, md *s, const step_info *si)
{
    torsion *t = f->data;
    place_grips(t, s, t->phi, rate_over_step(t, s, si), 0);
}

/* A thermostat acting on the whole velocity of atoms the twist carries
 * fast against kT brakes the twist: say so at the run's start (once per
 * fix), with the cure. */
static void warn_thermostat(fix *f, md *s, const step_info *si)
{
    torsion *t = f->data;
    const fix *th = fixes_find(f->list, THERMOSTAT_FIX);
    if (!th || t->style == TW_ANGLE || t->warned)
        return;
    ensemble_settings e;
    thermostat_settings(th, &e);
    if (e.sllod)
        return;
    const atoms *a = &s->atoms;
    const uint64_t grips = grip_bits(t), bath = group_bit(th->group);
    double top = 0.0; /* largest 1/2 m u^2 of a thermostatted free atom, eV */
    for (int i = 0; i < a->nlocal; i++) {
        if ((a->mask[i] & grips) || !(a->mask[i] & bath))
            continue;
        double u[3]; /* the flow publish_flow has just set */
        md_streaming(s, i, u);
        top = fmax(top, 0.5 * atoms_mass(a, i) * MG_MVV2E * (u[0] * u[0] + u[1] * u[1] + u[2] * u[2]));
    }
    top = par_max_double(top);
    const double kt = MG_BOLTZ * fix_target(&e.temp, si);
    t->warned = 1;
    if (par_rank() == 0 && kt > 0 && top > 0.1 * kt)
        printf("WARNING: %s: torsion %s: the twist carries free atoms at up to 1/2 m (omega w rho)^2 = %.3g meV, "
               "%.2g kT of the thermostat, which acts on the whole velocity and so brakes the twist; add 'sllod yes' "
               "to the ensemble command (it then acts on the velocity relative to the twist's profile)\n",
               t->where, f->name, 1e3 * top, top / kt);
}

static void begin_run(fix *f, md *s, const step_info *si)
{
    torsion *t = f->data;
    if (t->style == TW_SCHEDULE)
        schedule_begin_run(&t->sched, si->start);
    if (t->style != TW_ANGLE) {
        if (s->flow == FLOW_AFFINE)
            mg_fail_all("%s: torsion %s: a deform fix with remap v drives a streaming flow already; one flow at a "
                        "time (use remap x for the box, or the twist alone)", t->where, f->name);
        /* The rate over the last step taken, as post_drift left it, so a
         * run resumed from a checkpoint continues the same flow. */
        const double omega = rate_over_step(t, s, si);
        publish_flow(t, s, omega);
        warn_thermostat(f, s, si);
    }
    if (t->style != TW_RATE || !t->affine || t->profile_added)
        return;
    /* The free atoms' share of the twist rate, so the wire starts twisting
     * uniformly (a torsional wave from the grip otherwise). */
    atoms *a = &s->atoms;
    const uint64_t grips = grip_bits(t);
    for (int i = 0; i < a->nlocal; i++) {
        if (a->mask[i] & grips)
            continue;
        double xu[3], r[3], e[3];
        box_unwrap(&s->box, a->x[i], a->image[i], xu);
        for (int q = 0; q < 3; q++)
            r[q] = xu[q] - t->c[q];
        tangential(t, r, e);
        const double w = weight(t, xu[t->axis]) * t->omega;
        for (int q = 0; q < 3; q++)
            a->v[i][q] += w * e[q];
    }
    t->profile_added = 1;
}

static uint64_t held(const fix *f) { return grip_bits(f->data); }

/* ---- checkpoint ---------------------------------------------------------- */

enum { SV_PHI0, SV_T0, SV_PHI, SV_PHISET, SV_OMEGA, SV_PROFILE, SV_LO, SV_HI, SV_C0, SV_C1, SV_C2, SV_N };

static void save(fix *f, ckpt_state *c)
{
    const torsion *t = f->data;
    const double v[SV_N] = {t->phi0, t->t0, t->phi, t->phi_set, t->omega, t->profile_added, t->lo, t->hi,
                            t->c[0], t->c[1], t->c[2]};
    ckpt_put_doubles(c, "state", v, SV_N);
    if (t->style == TW_SCHEDULE)
        schedule_save_in(&t->sched, c, "angle");
}

static int restore(fix *f, ckpt_state *c, char *why, size_t whylen)
{
    torsion *t = f->data;
    double v[SV_N];
    int bad = ckpt_get_doubles(c, "state", v, SV_N);
    if (!bad && t->style == TW_SCHEDULE)
        bad = schedule_restore_from(&t->sched, c, "angle");
    if (bad) {
        snprintf(why, whylen, "the state of torsion '%s' is incomplete", f->name);
        return -1;
    }
    t->phi0 = v[SV_PHI0];
    t->t0 = v[SV_T0];
    t->phi = v[SV_PHI];
    t->phi_set = v[SV_PHISET];
    t->omega = v[SV_OMEGA];
    t->profile_added = v[SV_PROFILE] != 0;
    t->lo = v[SV_LO];
    t->hi = v[SV_HI];
    t->c[0] = v[SV_C0];
    t->c[1] = v[SV_C1];
    t->c[2] = v[SV_C2];
    return 0;
}

static int counts_steps(const fix *f)
{
    const torsion *t = f->data;
    return t->style == TW_SCHEDULE && schedule_started(&t->sched);
}

static void destroy(fix *f, md *s)
{
    torsion *t = f->data;
    if (s->flow == FLOW_TWIST && t->style != TW_ANGLE)
        s->flow = FLOW_NONE;
    if (t->prop[0])
        atoms_remove_prop(&s->atoms, t->prop);
    free(t);
}

static const fix_ops torsion_ops = {
    .kind = "torsion",
    .order = FIX_ORDER_USER,
    .holds_atoms = 1,
    .held = held,
    .begin_run = begin_run,
    .post_drift = post_drift,
    .final = final,
    .counts_steps = counts_steps,
    .save = save,
    .restore = restore,
    .destroy = destroy,
};

/* ---- what others see ------------------------------------------------------- */

int torsion_geometry_of(const fix *f, torsion_geometry *g)
{
    if (!f || f->ops != &torsion_ops)
        return -1;
    const torsion *t = f->data;
    g->axis = t->axis;
    memcpy(g->center, t->c, sizeof g->center);
    g->phi = t->phi;
    g->gauge = t->hi - t->lo;
    g->lo = t->lo;
    g->hi = t->hi;
    return 0;
}

int torsion_measure(const fix *f, md *s, torsion_sample *out)
{
    if (!f || f->ops != &torsion_ops)
        return -1;
    const torsion *t = f->data;
    const atoms *a = &s->atoms;
    const uint64_t top = group_bit(t->top), bottom = group_bit(t->bottom);
    enum { M_TTOP, M_TBOT, M_NGAUGE, M_RHO2, M_N };
    double loc[M_N] = {0.0}, sum[M_N];
    for (int i = 0; i < a->nlocal; i++) {
        double xu[3];
        box_unwrap(&s->box, a->x[i], a->image[i], xu);
        const double r1 = xu[t->a1] - t->c[t->a1], r2 = xu[t->a2] - t->c[t->a2];
        const uint64_t m = a->mask[i];
        if (m & (top | bottom)) {
            const double torque = r1 * a->f[i][t->a2] - r2 * a->f[i][t->a1];
            loc[(m & top) ? M_TTOP : M_TBOT] += torque;
        } else if (xu[t->axis] >= t->lo && xu[t->axis] <= t->hi) {
            loc[M_NGAUGE] += 1.0;
            loc[M_RHO2] += r1 * r1 + r2 * r2;
        }
    }
    par_sum_doubles(loc, sum, M_N);
    out->phi = t->phi;
    out->torque_top = sum[M_TTOP];
    out->torque_bottom = sum[M_TBOT];
    out->torque = 0.5 * (sum[M_TBOT] - sum[M_TTOP]);
    out->n_gauge = (int64_t)sum[M_NGAUGE];
    out->gauge = t->hi - t->lo;
    out->diameter = out->n_gauge > 0 ? 2.0 * sqrt(2.0 * sum[M_RHO2] / sum[M_NGAUGE]) : NAN;
    const double D = out->diameter;
    out->tau_s = 16.0 * out->torque / (M_PI * D * D * D) * EV_PER_A3_IN_GPA;
    out->gamma_s = D * out->phi / (2.0 * out->gauge);
    return 0;
}

/* ---- the deck command -------------------------------------------------------- */

#define TORSION_KEYWORDS "top bottom axis center rate schedule angle affine"

/* Extent of group g along the axis (unwrapped): lo = min, hi = max. */
static void extent(md *s, int g, int axis, double *lo, double *hi, int64_t *n)
{
    const atoms *a = &s->atoms;
    const uint64_t bit = group_bit(g);
    double mn = INFINITY, mx = -INFINITY;
    int64_t cnt = 0;
    for (int i = 0; i < a->nlocal; i++) {
        if (!(a->mask[i] & bit))
            continue;
        double xu[3];
        box_unwrap(&s->box, a->x[i], a->image[i], xu);
        mn = fmin(mn, xu[axis]);
        mx = fmax(mx, xu[axis]);
        cnt++;
    }
    *lo = par_min_double(mn);
    *hi = par_max_double(mx);
    *n = par_sum_i64(cnt);
}

/* Mean in-plane position of the grips' atoms (center auto). */
static void grips_center(md *s, const torsion *t, double c[3])
{
    const atoms *a = &s->atoms;
    const uint64_t grips = grip_bits(t);
    double loc[3] = {0.0, 0.0, 0.0}, sum[3];
    for (int i = 0; i < a->nlocal; i++) {
        if (!(a->mask[i] & grips))
            continue;
        double xu[3];
        box_unwrap(&s->box, a->x[i], a->image[i], xu);
        loc[0] += xu[t->a1];
        loc[1] += xu[t->a2];
        loc[2] += 1.0;
    }
    par_sum_doubles(loc, sum, 3);
    c[t->axis] = 0.0;
    c[t->a1] = sum[0] / sum[2];
    c[t->a2] = sum[1] / sum[2];
}

/* Record the grips' unwrapped positions as their zero-twist reference. */
static void record_reference(md *s, const torsion *t)
{
    atoms *a = &s->atoms;
    atoms_remove_prop(a, t->prop);
    int k = atoms_add_prop(a, t->prop, 3);
    double *x0 = a->prop[k].data;
    for (int i = 0; i < a->nlocal; i++)
        box_unwrap(&s->box, a->x[i], a->image[i], x0 + 3 * (size_t)i);
}

/* affine yes with a jump of the angle: the free atoms turned by w(z) dphi
 * (unwrapped, then wrapped and migrated like displace_atoms rotate). */
static void twist_free_atoms(md *s, const torsion *t, double dphi)
{
    atoms *a = &s->atoms;
    const uint64_t grips = grip_bits(t);
    for (int i = 0; i < a->nlocal; i++) {
        if (a->mask[i] & grips)
            continue;
        double xu[3], d[3], r[3];
        box_unwrap(&s->box, a->x[i], a->image[i], xu);
        for (int q = 0; q < 3; q++)
            d[q] = xu[q] - t->c[q];
        turn(t, d, weight(t, xu[t->axis]) * dphi, r);
        for (int q = 0; q < 3; q++) {
            a->x[i][q] = t->c[q] + r[q];
            a->image[i][q] = 0;
        }
        a->x[i][t->axis] = xu[t->axis];
    }
}

/* The grips' atoms placed at the applied angle with unwrapped positions
 * (images reset), so md_atoms_changed wraps them with everyone else. */
static void set_grips_now(md *s, const torsion *t)
{
    atoms *a = &s->atoms;
    const uint64_t grips = grip_bits(t);
    for (int i = 0; i < a->nlocal; i++)
        if (a->mask[i] & grips)
            memset(a->image[i], 0, sizeof a->image[i]);
    place_grips(t, s, t->phi, 0.0, 1);
}

static int same_grips(const torsion *a, const torsion *b)
{
    return a->top == b->top && a->bottom == b->bottom && a->axis == b->axis && a->c[a->a1] == b->c[b->a1] &&
           a->c[a->a2] == b->c[b->a2];
}

void cmd_torsion(deck *dk)
{
    md *s = dk->s;
    deck_need_system(dk);
    int i = 1;
    const char *name = deck_word(dk, &i, "fix name");
    torsion t;
    memset(&t, 0, sizeof t);
    t.axis = 2;
    t.top = t.bottom = -1;
    t.style = -1;
    int center_given = 0;
    double center_in[2] = {0.0, 0.0};
    while (i < dk->nargs) {
        const char *k = deck_word(dk, &i, "keyword");
        if (!strcmp(k, "top")) {
            t.top = deck_group(dk, &i);
        } else if (!strcmp(k, "bottom")) {
            t.bottom = deck_group(dk, &i);
        } else if (!strcmp(k, "axis")) {
            const char *w = deck_word(dk, &i, "axis (x, y or z)");
            if (strlen(w) != 1 || w[0] < 'x' || w[0] > 'z')
                deck_fail(dk, "torsion: the axis must be x, y or z (a box direction), got '%s'", w);
            t.axis = w[0] - 'x';
        } else if (!strcmp(k, "center")) {
            if (i < dk->nargs && !strcmp(dk->args[i], "auto")) {
                i++;
                center_given = 0;
            } else {
                center_in[0] = deck_finite_quantity(dk, &i, Q_LENGTH, "axis position (first in-plane coordinate)",
                                                    TORSION_KEYWORDS);
                center_in[1] = deck_finite_quantity(dk, &i, Q_LENGTH, "axis position (second in-plane coordinate)",
                                                    TORSION_KEYWORDS);
                center_given = 1;
            }
        } else if (!strcmp(k, "rate")) {
            t.style = TW_RATE;
            t.omega = deck_finite_quantity(dk, &i, Q_ANGULAR_RATE, "twist rate", TORSION_KEYWORDS) * M_PI / 180.0;
        } else if (!strcmp(k, "angle")) {
            t.style = TW_ANGLE;
            t.phi_set = deck_finite_quantity(dk, &i, Q_ANGLE, "twist angle", TORSION_KEYWORDS) * M_PI / 180.0;
            if (fabs(t.phi_set) > 1e3 * M_PI)
                deck_fail(dk, "torsion: a twist angle of %g deg is beyond 180000 deg", t.phi_set * 180.0 / M_PI);
        } else if (!strcmp(k, "schedule")) {
            const char *sn = deck_word(dk, &i, "schedule name");
            const schedule *sc = schedules_find(&dk->fixes->schedules, sn);
            if (!sc)
                deck_fail(dk, "torsion: no schedule named '%s' (define it first with 'schedule %s ...')", sn, sn);
            if (sc->quantity >= 0 && sc->quantity != Q_ANGLE)
                deck_fail(dk, "torsion: schedule '%s' holds a %s, but a twist follows an angle (degrees: plain "
                          "numbers or deg)", sn, units_quantity_name(sc->quantity));
            t.style = TW_SCHEDULE;
            t.sched = *sc;
            t.sched.anchor = -1;
        } else if (!strcmp(k, "affine")) {
            t.affine = deck_bool(dk, &i, "affine");
        } else {
            deck_fail(dk, "torsion: unknown keyword '%s' (expected %s)", k, TORSION_KEYWORDS);
        }
    }
    if (t.top < 0 || t.bottom < 0)
        deck_fail(dk, "torsion: needs 'top GROUP' and 'bottom GROUP' (the grips: the top one turns, the bottom one "
                  "is held)");
    if (t.top == t.bottom)
        deck_fail(dk, "torsion: the top and bottom grips are the same group '%s'", s->groups.g[t.top].name);
    if ((int)t.style < 0)
        deck_fail(dk, "torsion: needs one of 'rate W' (deg/ps), 'schedule S' (deg) or 'angle PHI' (deg)");
    for (int g = 0; g < 2; g++) {
        const int gi = g ? t.bottom : t.top;
        if (gi == GROUP_ALL)
            deck_fail(dk, "torsion: a grip cannot be group all (nothing would be left to twist)");
        if (s->groups.g[gi].dynamic)
            deck_fail(dk, "torsion: grip group '%s' is dynamic; a grip is a fixed set of atoms (a static group)",
                      s->groups.g[gi].name);
    }
    t.a1 = (t.axis + 1) % 3;
    t.a2 = (t.axis + 2) % 3;
    deck_location(dk, t.where, sizeof t.where);
    if (snprintf(t.prop, sizeof t.prop, "%s_x0", name) >= (int)sizeof t.prop)
        deck_fail(dk, "torsion: fix name '%s' is too long (at most %zu characters)", name, sizeof t.prop - 4);

    /* The grips: non-empty, apart along the axis, the top one above. */
    double tlo, thi, blo, bhi;
    int64_t ntop, nbot;
    extent(s, t.top, t.axis, &tlo, &thi, &ntop);
    extent(s, t.bottom, t.axis, &blo, &bhi, &nbot);
    const char ax = (char)('x' + t.axis);
    if (ntop == 0 || nbot == 0)
        deck_fail(dk, "torsion: grip group '%s' has no atoms", s->groups.g[ntop == 0 ? t.top : t.bottom].name);
    if (!(tlo > bhi))
        deck_fail(dk, "torsion: the top grip '%s' (%c from %g to %g A) must lie above the bottom grip '%s' (%c from %g "
                  "to %g A) along the axis, with free atoms between them", s->groups.g[t.top].name, ax, tlo, thi,
                  s->groups.g[t.bottom].name, ax, blo, bhi);
    if (s->box.periodic[t.axis] && s->pot && s->box.len[t.axis] - (thi - blo) < s->pot->cut)
        deck_fail(dk, "torsion: along %c the box is periodic and the gap between the top grip and the bottom grip's "
                  "image is %g A, less than the cutoff %g A: the grips would hold each other through the boundary "
                  "(make %c non-periodic, or leave a vacuum gap)", ax, s->box.len[t.axis] - (thi - blo), s->pot->cut,
                  ax);

    /* Continue a torsion of the same name and grips, or start one. */
    fix *old = fixes_find(dk->fixes, name);
    if (old && old->ops != &torsion_ops)
        deck_fail(dk, "torsion: a fix named '%s' exists already and is a %s ('unfix %s' first)", name,
                  old->ops->kind, name);
    torsion *prev = old ? old->data : NULL;
    if (center_given) {
        t.c[t.a1] = center_in[0];
        t.c[t.a2] = center_in[1];
    } else if (prev) {
        memcpy(t.c, prev->c, sizeof t.c);
    } else {
        grips_center(s, &t, t.c);
    }
    const int continuing = prev && same_grips(prev, &t);
    t.t0 = s->time;
    if (continuing) {
        t.lo = prev->lo;
        t.hi = prev->hi;
        t.phi0 = prev->phi;
        prev->prop[0] = '\0'; /* its reference positions are ours now */
    } else {
        t.lo = bhi;
        t.hi = tlo;
        t.phi0 = 0.0;
        if (old)
            fixes_remove(dk->fixes, s, name);
        record_reference(s, &t);
    }
    t.phi = t.style == TW_ANGLE ? t.phi_set : t.phi0;
    /* A jump of the angle moves the atoms now (not while a restart
     * replays the deck: the checkpoint's atoms are where they were). */
    if (!dk->replaying && t.phi != t.phi0) {
        if (t.affine)
            twist_free_atoms(s, &t, t.phi - t.phi0);
        set_grips_now(s, &t);
        md_atoms_changed(s);
    }
    fix *f = fix_new(&torsion_ops, name, t.top);
    f->data = mg_malloc(sizeof t);
    memcpy(f->data, &t, sizeof t);
    deck_add_fix(dk, f);
    if (par_rank() == 0) {
        printf("torsion %s: grips %s (top, %lld atoms) and %s (bottom, %lld atoms), axis %c through (%c, %c) = "
               "(%.6g, %.6g) A, gauge %c in [%.6g, %.6g] A (L = %.6g A); ",
               name, s->groups.g[t.top].name, (long long)ntop, s->groups.g[t.bottom].name, (long long)nbot, ax,
               'x' + t.a1, 'x' + t.a2, t.c[t.a1], t.c[t.a2], ax, t.lo, t.hi, t.hi - t.lo);
        if (t.style == TW_RATE)
            printf("twist from %.6g deg at %.6g deg/ps%s\n", t.phi0 * 180.0 / M_PI, t.omega * 180.0 / M_PI,
                   t.affine ? ", the free atoms given the affine twist rate" : "");
        else if (t.style == TW_SCHEDULE)
            printf("twist %.6g deg plus schedule %s (deg)\n", t.phi0 * 180.0 / M_PI, t.sched.name);
        else
            printf("twist %.6g deg (was %.6g deg)%s\n", t.phi * 180.0 / M_PI, t.phi0 * 180.0 / M_PI,
                   t.affine && t.phi != t.phi0 ? ", the free atoms twisted affinely" : "");
        fflush(stdout);
    }
}
