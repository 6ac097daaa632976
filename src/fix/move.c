/* move NAME linear VX VY VZ [group G]
 * move NAME rotate PX PY PZ AX AY AZ period P | rate W [group G]
 *
 * Prescribed rigid motion of a group (LAMMPS' fix move): from the
 * unwrapped positions x0 the atoms had when the fix was defined, at time t
 * after that (ps),
 *
 *   linear   x = x0 + V t, v = V for each given component (A/ps;
 *            NULL leaves that component to the integrator)
 *   rotate   about the axis through P along unit vector u at angular
 *            velocity w = 2 pi / period (or `rate` in deg/ps or rad/ps):
 *            with d = x0 - P, c = (d.u) u, a = d - c, b = u x a,
 *            x = P + c + a cos(wt) + b sin(wt), v = w (u x (a cos + b sin))
 *
 * Positions and velocities are set after the drift (post_drift) and the
 * velocities again after the second half-kick (final), so forces do not
 * move the group; x0 is a per-atom property (migrates, checkpoints). The
 * atoms are held (fix.h): thermostats skip them and temperatures leave
 * out their degrees of freedom. t is measured on the clock (s->time), so
 * changing the time step or the step number does not make it jump.
 * No communication. */
#include "core/error.h"
#include "deck/deck.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct move {
    int rotate;
    double v[3];                /* linear: A/ps                             */
    int set[3];                 /* linear: components prescribed            */
    double p[3], u[3], omega;   /* rotate: point (A), unit axis, rad/ps     */
    double t0;                  /* ps: the clock when defined               */
    char prop[32];              /* per-atom property of x0                  */
} move;

/* Prescribed unwrapped position and velocity of an atom at time t. */
static void motion(const move *m, const double x0[3], double t, double xu[3], double v[3])
{
    if (!m->rotate) {
        for (int q = 0; q < 3; q++) {
            xu[q] = x0[q] + m->v[q] * t;
            v[q] = m->v[q];
        }
        return;
    }
    const double *u = m->u;
    double d[3] = {x0[0] - m->p[0], x0[1] - m->p[1], x0[2] - m->p[2]};
    double du = d[0] * u[0] + d[1] * u[1] + d[2] * u[2];
    double c[3] = {du * u[0], du * u[1], du * u[2]};
    double a[3] = {d[0] - c[0], d[1] - c[1], d[2] - c[2]};
    double b[3] = {u[1] * a[2] - u[2] * a[1], u[2] * a[0] - u[0] * a[2], u[0] * a[1] - u[1] * a[0]};
    double th = m->omega * t, ct = cos(th), st = sin(th);
    double r[3];
    for (int q = 0; q < 3; q++) {
        r[q] = a[q] * ct + b[q] * st;
        xu[q] = m->p[q] + c[q] + r[q];
    }
    v[0] = m->omega * (u[1] * r[2] - u[2] * r[1]);
    v[1] = m->omega * (u[2] * r[0] - u[0] * r[2]);
    v[2] = m->omega * (u[0] * r[1] - u[1] * r[0]);
}

static void prescribe(fix *f, md *s, int positions)
{
    const move *m = f->data;
    atoms *a = &s->atoms;
    int k = atoms_find_prop(a, m->prop);
    if (k < 0)
        mg_fail_all("move %s: its reference positions (%s) are gone", f->name, m->prop);
    const double *x0 = a->prop[k].data;
    const uint64_t bit = group_bit(f->group);
    const double t = s->time - m->t0;
    const box *b = &s->box;
    for (int i = 0; i < a->nlocal; i++) {
        if (!(a->mask[i] & bit))
            continue;
        double xu[3], v[3];
        motion(m, x0 + 3 * (size_t)i, t, xu, v);
        double w[3];
        box_rewrap(b, xu, a->image[i], w); /* back into the atom's periodic image */
        for (int q = 0; q < 3; q++) {
            if (!m->rotate && !m->set[q])
                continue;
            if (positions)
                a->x[i][q] = w[q];
            a->v[i][q] = v[q];
        }
    }
}

static void post_drift(fix *f, md *s, const step_info *si) { prescribe(f, s, 1); }
static void final(fix *f, md *s, const step_info *si) { prescribe(f, s, 0); }

static void save(fix *f, ckpt_state *c) { ckpt_put_doubles(c, "t0", &((move *)f->data)->t0, 1); }

static int restore(fix *f, ckpt_state *c, char *why, size_t whylen)
{
    if (ckpt_get_doubles(c, "t0", &((move *)f->data)->t0, 1) != 0) {
        snprintf(why, whylen, "the state of move '%s' is incomplete", f->name);
        return -1;
    }
    return 0;
}

static void destroy(fix *f, md *s)
{
    atoms_remove_prop(&s->atoms, ((move *)f->data)->prop);
    free(f->data);
}

static const fix_ops move_ops = {
    .kind = "move",
    .order = FIX_ORDER_USER,
    .holds_atoms = 1,
    .post_drift = post_drift,
    .final = final,
    .save = save,
    .restore = restore,
    .destroy = destroy,
};

void cmd_move(deck *dk)
{
    md *s = dk->s;
    if (!s->have_box)
        deck_fail(dk, "move: no system yet (use read_data, read_checkpoint, create_lattice or create_alloy first)");
    int i = 1;
    const char *name = deck_word(dk, &i, "fix name");
    const char *style = deck_word(dk, &i, "motion (linear or rotate)");
    const char *kw = "group period rate";
    move m;
    memset(&m, 0, sizeof m);
    if (!strcmp(style, "linear")) {
        deck_components(dk, &i, Q_VELOCITY, "velocity", kw, m.v, m.set);
    } else if (!strcmp(style, "rotate")) {
        m.rotate = 1;
        int set[3];
        deck_components(dk, &i, Q_LENGTH, "axis point", kw, m.p, set);
        double ax[3];
        for (int q = 0; q < 3; q++) {
            ax[q] = deck_real(dk, &i, "axis direction component");
            if (!isfinite(ax[q]))
                deck_fail(dk, "move rotate: the axis direction must be finite");
        }
        if (!set[0] || !set[1] || !set[2])
            deck_fail(dk, "move rotate: the axis point needs all three coordinates (no NULL)");
        double len = sqrt(ax[0] * ax[0] + ax[1] * ax[1] + ax[2] * ax[2]);
        if (!(len > 0))
            deck_fail(dk, "move rotate: the axis direction is zero");
        for (int q = 0; q < 3; q++)
            m.u[q] = ax[q] / len;
    } else {
        deck_fail(dk, "move: unknown motion '%s' (expected linear or rotate)", style);
    }
    int g = GROUP_ALL, have_rate = 0;
    while (i < dk->nargs) {
        const char *k = deck_word(dk, &i, "keyword");
        if (!strcmp(k, "group")) {
            g = deck_group(dk, &i);
        } else if (!strcmp(k, "period") && m.rotate) {
            double p = deck_quantity(dk, &i, Q_TIME, "period", kw);
            if (!(p != 0) || !isfinite(p))
                deck_fail(dk, "move rotate: the period must be a non-zero time (ps; negative turns backwards)");
            m.omega = 2.0 * M_PI / p;
            have_rate = 1;
        } else if (!strcmp(k, "rate") && m.rotate) {
            double w = deck_quantity(dk, &i, Q_ANGULAR_RATE, "angular rate", kw);
            if (!isfinite(w))
                deck_fail(dk, "move rotate: the rate must be finite (deg/ps, or rad/ps)");
            m.omega = w * M_PI / 180.0;
            have_rate = 1;
        } else {
            deck_fail(dk, "move: unknown keyword '%s' (expected group%s)", k, m.rotate ? ", period, rate" : "");
        }
    }
    if (m.rotate && !have_rate)
        deck_fail(dk, "move rotate: needs 'period P' (ps) or 'rate W' (deg/ps)");
    if (s->groups.g[g].dynamic)
        deck_fail(dk, "move: group '%s' is dynamic; a prescribed motion needs the atoms it started from (a static "
                  "group)", s->groups.g[g].name);
    if (snprintf(m.prop, sizeof m.prop, "%s_x0", name) >= (int)sizeof m.prop)
        deck_fail(dk, "move: fix name '%s' is too long (at most %zu characters)", name, sizeof m.prop - 4);
    const fix *old = fixes_find(dk->fixes, name);
    if (old && old->ops != &move_ops)
        deck_fail(dk, "move: a fix named '%s' exists already and is a %s ('unfix %s' first)", name, old->ops->kind,
                  name);
    if (old)
        fixes_remove(dk->fixes, s, name);
    m.t0 = s->time;
    /* x0: the unwrapped positions now. */
    atoms *a = &s->atoms;
    atoms_remove_prop(a, m.prop);
    int k = atoms_add_prop(a, m.prop, 3);
    double *x0 = a->prop[k].data;
    for (int j = 0; j < a->nlocal; j++)
        box_unwrap(&s->box, a->x[j], a->image[j], x0 + 3 * (size_t)j);
    fix *f = fix_new(&move_ops, name, g);
    f->data = mg_malloc(sizeof m);
    memcpy(f->data, &m, sizeof m);
    deck_add_fix(dk, f);
}
