/* deform NAME COMPONENT STYLE VALUE [COMPONENT STYLE VALUE]... [remap x|v|none] [flip yes|no]
 *
 * Box deformation (LAMMPS' fix deform): each named component of the box
 * follows a prescribed function of time, set after the drift of every step
 * (post_drift), so the step's forces see the new box.
 *
 *   COMPONENT  xx yy zz (x y z): box lengths, changed about the box centre;
 *              xy xz yz: tilts, along x for xy and xz, along y for yz
 *   STYLE      erate R   engineering strain rate (1/s, 1/ps, ...; a unit
 *                        is required): L = L0 (1 + R t), T = T0 + R t P0
 *              trate R   true strain rate: L = L0 exp(R t), T = T0 exp(R t)
 *              vel V     A/ps: L = L0 + V t, T = T0 + V t
 *              final V   A: reaches V at the end of each run, linearly in
 *                        the step from its value at the run's start
 *              schedule S  the engineering strain (lengths) or shear strain
 *                        (tilts) of the named schedule S (a sine for DMA):
 *                        L = L0 (1 + s), T = T0 + s P0
 *
 * t is the time since the fix was defined (ps, on the clock: runs and
 * restarts do not reset it); L0 and T0 are the length and the tilt then,
 * P0 the length the tilt is measured against (ly for xy, lz for xz and yz;
 * LAMMPS' convention, so gamma_xy = dT/ly). Tilts are followed as the shear
 * applied (tilt + box.tilt_flipped), and a tilt that passes half the box
 * length along it flips the box to the equivalent less-skewed cell
 * (md_flip_box: the same lattice of images, every atom's unwrapped position
 * kept), so shears of several hundred percent run; the strain stays
 * continuous and the forces do not notice the flip.
 *
 * remap x (default): atoms follow the box affinely (md_change_box).
 * remap v: atoms stay where they are and the box's flow rides in their
 * velocities: u(x) = lo_rate + hdot h^-1 (x - lo), added to every velocity
 * at the fix's first run (the streaming profile), kept across periodic
 * boundaries (an atom wrapped by image n' - n has its velocity changed by
 * -hdot (n' - n), Lees-Edwards), and published in md.flow so that SLLOD
 * thermostats (`ensemble nvt|langevin ... sllod yes`) act on the peculiar
 * velocity and the pressure's kinetic part leaves the flow out. A
 * thermostat without sllod under remap v, or sllod without remap v, is an
 * error (LAMMPS' "inconsistent fix deform remap option"), as is a barostat
 * coupling a component the fix drives. remap none: atoms stay, no flow.
 *
 * Dimensions: a shrink-wrapped ('s') dimension cannot be deformed; a
 * fixed ('f') one can (its walls move); a tilt along a non-periodic
 * dimension cannot flip and stops the run at half a box length.
 * Checkpointed: the reference box, the definition time, each run's start
 * values (for final), the schedules, whether the profile was added.
 * No communication beyond the re-neighbouring after a flip. */
#include "core/error.h"
#include "deck/deck.h"
#include "fix/ensemble.h"
#include "parallel/parallel.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum deform_style { DF_NONE, DF_ERATE, DF_TRATE, DF_VEL, DF_FINAL, DF_SCHEDULE };
enum deform_remap { REMAP_X, REMAP_V, REMAP_NONE };

/* Components in the order xx yy zz xy xz yz. */
static const char *component_name[6] = {"xx", "yy", "zz", "xy", "xz", "yz"};

typedef struct deform {
    enum deform_style style[6];
    double value[6];            /* rate (1/ps), velocity (A/ps), final (A)  */
    schedule sched[6];          /* DF_SCHEDULE: strain (dimensionless)      */
    enum deform_remap remap;
    int flip;
    /* reference, when defined */
    double t0;                  /* ps                                       */
    double ref[6];              /* lengths lx ly lz and applied tilts (A)   */
    double perp0[3];            /* ly, lz, lz at definition (A)             */
    /* the run in progress */
    double run_value0[6];       /* value at the run's step 0 (final)        */
    double run_t0;              /* ps, the clock at the run's step 0        */
    int profile_added;          /* remap v: the streaming profile is in v   */
    char prop[40];              /* per-atom image flags last seen (remap v) */
    char where[160];            /* FILE:LINE of the defining command        */
} deform;

/* The tilt applied so far: the box's tilt plus what flips removed. */
static double applied_tilt(const box *b, int k)
{
    const double t[3] = {b->xy, b->xz, b->yz};
    return t[k] + b->tilt_flipped[k];
}

/* Value (length or applied tilt, A) of component c at step n of the run. */
static double target(const deform *d, int c, const step_info *si, int64_t n)
{
    const double t = d->run_t0 + (double)n * si->dt - d->t0;
    const int tilt = c >= 3;
    const double v0 = d->ref[c], p0 = tilt ? d->perp0[c - 3] : 0.0, r = d->value[c];
    switch (d->style[c]) {
    case DF_ERATE: return tilt ? v0 + r * t * p0 : v0 * (1.0 + r * t);
    case DF_TRATE: return v0 * exp(r * t);
    case DF_VEL: return v0 + r * t;
    case DF_FINAL: {
        const double f = si->nsteps > 0 ? (double)n / (double)si->nsteps : 1.0;
        return d->run_value0[c] + (r - d->run_value0[c]) * f;
    }
    case DF_SCHEDULE: {
        schedule_clock ck = {si->start + n, si->start, si->nsteps};
        const double e = schedule_value(&d->sched[c], &ck);
        return tilt ? v0 + e * p0 : v0 * (1.0 + e);
    }
    default: return 0.0;
    }
}

/* The box at step n of the run, built on the current box `cur` (the
 * components other fixes drive are kept). */
static void box_at(const deform *d, const box *cur, const step_info *si, int64_t n, box *out, fix *f)
{
    *out = *cur;
    for (int c = 0; c < 3; c++) {
        if (d->style[c] == DF_NONE)
            continue;
        double L = target(d, c, si, n);
        if (!(L > 0) || !isfinite(L))
            mg_fail_all("%s: deform %s: the box length %s would be %g A at step %lld (it must stay positive)",
                        d->where, f->name, component_name[c], L, (long long)(si->start + n));
        const double mid = 0.5 * (cur->lo[c] + cur->hi[c]);
        out->lo[c] = mid - 0.5 * L;
        out->hi[c] = mid + 0.5 * L;
    }
    double *tilt[3] = {&out->xy, &out->xz, &out->yz};
    for (int k = 0; k < 3; k++)
        if (d->style[3 + k] != DF_NONE)
            *tilt[k] = target(d, 3 + k, si, n) - out->tilt_flipped[k];
    box_update(out);
}

/* Edge rates over step n (A/ps): what the box did during it, so the flow
 * carries the atoms exactly as the box moved. */
static void flow_over_step(const deform *d, md *s, const step_info *si, int64_t n, fix *f)
{
    box a, b;
    box_at(d, &s->box, si, n - 1, &a, f);
    box_at(d, &s->box, si, n, &b, f);
    const double dt = si->dt;
    for (int r = 0; r < 3; r++) {
        for (int c = 0; c < 3; c++)
            s->hdot[r][c] = (b.h[r][c] - a.h[r][c]) / dt;
        s->lo_rate[r] = (b.lo[r] - a.lo[r]) / dt;
    }
    s->flow = FLOW_AFFINE;
}

/* remap v: an atom wrapped across a periodic boundary since we last looked
 * (image n -> n') moved by -H (n' - n), where the flow is slower by
 * hdot (n' - n): its velocity changes by that much (its peculiar velocity
 * is kept). */
static void follow_wraps(fix *f, md *s)
{
    deform *d = f->data;
    atoms *a = &s->atoms;
    int k = atoms_find_prop(a, d->prop);
    if (k < 0)
        mg_fail_all("%s: deform %s: its per-atom image record (%s) is gone", d->where, f->name, d->prop);
    double *seen = a->prop[k].data;
    for (int i = 0; i < a->nlocal; i++) {
        double *n0 = seen + 3 * (size_t)i;
        double dn[3] = {a->image[i][0] - n0[0], a->image[i][1] - n0[1], a->image[i][2] - n0[2]};
        if (dn[0] != 0 || dn[1] != 0 || dn[2] != 0)
            for (int r = 0; r < 3; r++)
                a->v[i][r] -= s->hdot[r][0] * dn[0] + s->hdot[r][1] * dn[1] + s->hdot[r][2] * dn[2];
        for (int q = 0; q < 3; q++)
            n0[q] = a->image[i][q];
    }
}

static void remember_images(fix *f, md *s)
{
    deform *d = f->data;
    atoms *a = &s->atoms;
    int k = atoms_find_prop(a, d->prop);
    if (k < 0)
        k = atoms_add_prop(a, d->prop, 3);
    double *seen = a->prop[k].data;
    for (int i = 0; i < a->nlocal; i++)
        for (int q = 0; q < 3; q++)
            seen[3 * (size_t)i + q] = a->image[i][q];
}

/* ---- hooks --------------------------------------------------------------- */

static void check_companions(fix *f, md *s)
{
    deform *d = f->data;
    const fix_list *fx = f->list;
    const fix *th = fixes_find(fx, THERMOSTAT_FIX), *ba = fixes_find(fx, BAROSTAT_FIX);
    if (ba) {
        int ctrl[BARO_NCOMP];
        barostat_controls(ba, ctrl);
        for (int c = 0; c < 6; c++)
            if (d->style[c] != DF_NONE && ctrl[c])
                mg_fail_all("%s: deform %s drives %s, which the barostat also controls: give the barostat only the "
                            "other components (uniaxial stress along x: 'ensemble npt ... yy 0 zz 0 pdamp ...', or "
                            "'press 0 couple aniso axes yz')", d->where, f->name, component_name[c]);
        if (d->remap == REMAP_V)
            mg_fail_all("%s: deform %s: remap v (a streaming flow) cannot run under a barostat, which would act on "
                        "the streaming velocity; use remap x with ensemble npt", d->where, f->name);
    }
    if (d->remap == REMAP_V && th) {
        ensemble_settings e;
        thermostat_settings(th, &e);
        if (!e.sllod)
            mg_fail_all("%s: deform %s: remap v puts the flow into the velocities, but the thermostat is not told: it "
                        "would heat or brake the flow. Add 'sllod yes' to the ensemble command (SLLOD: it then "
                        "thermostats the peculiar velocity), or use remap x", d->where, f->name);
    }
    for (int c = 0; c < 3; c++)
        if (d->style[c] != DF_NONE && s->box.boundary[c] == 's')
            mg_fail_all("%s: deform %s: %s is shrink-wrapped (boundary s), its length follows the atoms; make it p "
                        "or f to deform it", d->where, f->name, component_name[c]);
}

static void begin_run(fix *f, md *s, const step_info *si)
{
    deform *d = f->data;
    check_companions(f, s);
    for (int c = 0; c < 6; c++)
        if (d->style[c] == DF_SCHEDULE)
            schedule_begin_run(&d->sched[c], si->start);
    if (!si->resumed) {
        d->run_t0 = s->time;
        for (int c = 0; c < 3; c++)
            d->run_value0[c] = s->box.len[c];
        for (int k = 0; k < 3; k++)
            d->run_value0[3 + k] = applied_tilt(&s->box, k);
    }
    if (d->remap != REMAP_V)
        return;
    if (s->flow == FLOW_TWIST)
        mg_fail_all("%s: deform %s: remap v makes a streaming flow, but a torsion fix drives one already (the twist); "
                    "one flow at a time: use remap x", d->where, f->name);
    flow_over_step(d, s, si, si->n + 1, f);
    if (!d->profile_added) {
        /* The streaming profile: without it the flow would have to diffuse
         * in from the periodic boundaries. */
        atoms *a = &s->atoms;
        for (int i = 0; i < a->nlocal; i++) {
            double u[3];
            md_streaming(s, i, u);
            for (int q = 0; q < 3; q++)
                a->v[i][q] += u[q];
        }
        d->profile_added = 1;
    }
    remember_images(f, s);
}

static void post_drift(fix *f, md *s, const step_info *si)
{
    deform *d = f->data;
    box nb;
    box_at(d, &s->box, si, si->n, &nb, f);
    if (d->remap == REMAP_X)
        md_change_box(s, &nb);
    else
        md_set_box(s, &nb);
    const box *b = &s->box;
    const double lx = b->len[0], ly = b->len[1];
    if (box_needs_flip(b)) {
        /* A flip needs both dimensions of the tilt periodic (a lattice of
         * images to re-express the cell in). */
        const int can = d->flip && b->periodic[0] && b->periodic[1] && (b->periodic[2] || (!(fabs(b->xz) > 0.5 * lx) &&
                                                                                           !(fabs(b->yz) > 0.5 * ly)));
        if (!can)
            mg_fail_all("%s: deform %s: at step %lld the tilts xy %g xz %g yz %g A passed half the box length along "
                        "them (lx %g, ly %g A) and the box cannot flip (%s)", d->where, f->name, (long long)si->step,
                        b->xy, b->xz, b->yz, lx, ly, d->flip ? "a dimension of the tilt is not periodic" : "flip no");
        if (d->remap == REMAP_V)
            follow_wraps(f, s);
        md_flip_box(s, f->name);
        fixes_reneighbor(f->list, s, si); /* a new cell: wrap, migrate, rebuild (rebuilt follows wraps) */
        if (d->remap == REMAP_V)
            remember_images(f, s); /* a flip re-expresses images: not a crossing */
    }
    if (d->remap == REMAP_V && si->n < si->nsteps)
        flow_over_step(d, s, si, si->n + 1, f);
}

static void rebuilt(fix *f, md *s, const step_info *si)
{
    deform *d = f->data;
    if (d->remap == REMAP_V && d->profile_added)
        follow_wraps(f, s);
}

static void save(fix *f, ckpt_state *c)
{
    deform *d = f->data;
    double v[3] = {d->t0, d->run_t0, d->profile_added};
    ckpt_put_doubles(c, "t0_runt0_profile", v, 3);
    ckpt_put_doubles(c, "reference", d->ref, 6);
    ckpt_put_doubles(c, "perp0", d->perp0, 3);
    ckpt_put_doubles(c, "run_value0", d->run_value0, 6);
    for (int k = 0; k < 6; k++)
        if (d->style[k] == DF_SCHEDULE)
            schedule_save_in(&d->sched[k], c, component_name[k]);
}

static int restore(fix *f, ckpt_state *c, char *why, size_t whylen)
{
    deform *d = f->data;
    double v[3];
    int bad = ckpt_get_doubles(c, "t0_runt0_profile", v, 3) || ckpt_get_doubles(c, "reference", d->ref, 6) ||
              ckpt_get_doubles(c, "perp0", d->perp0, 3) || ckpt_get_doubles(c, "run_value0", d->run_value0, 6);
    for (int k = 0; k < 6 && !bad; k++)
        if (d->style[k] == DF_SCHEDULE)
            bad = schedule_restore_from(&d->sched[k], c, component_name[k]);
    if (bad) {
        snprintf(why, whylen, "the state of deform '%s' is incomplete", f->name);
        return -1;
    }
    d->t0 = v[0];
    d->run_t0 = v[1];
    d->profile_added = v[2] != 0;
    return 0;
}

static int counts_steps(const fix *f)
{
    const deform *d = f->data;
    for (int k = 0; k < 6; k++)
        if (d->style[k] == DF_SCHEDULE && schedule_started(&d->sched[k]))
            return 1;
    return 0;
}

static void destroy(fix *f, md *s)
{
    deform *d = f->data;
    if (d->remap == REMAP_V) {
        if (s->flow == FLOW_AFFINE)
            s->flow = FLOW_NONE;
        atoms_remove_prop(&s->atoms, d->prop);
    }
    free(d);
}

static const fix_ops deform_ops = {
    .kind = "deform",
    .order = FIX_ORDER_USER,
    .begin_run = begin_run,
    .post_drift = post_drift,
    .rebuilt = rebuilt,
    .counts_steps = counts_steps,
    .save = save,
    .restore = restore,
    .destroy = destroy,
};

/* ---- the command --------------------------------------------------------- */

static int component_of(const char *w)
{
    static const char *alias[3] = {"x", "y", "z"};
    for (int c = 0; c < 6; c++)
        if (!strcmp(w, component_name[c]) || (c < 3 && !strcmp(w, alias[c])))
            return c;
    return -1;
}

void cmd_deform(deck *dk)
{
    md *s = dk->s;
    if (!s->have_box)
        deck_fail(dk, "deform: no system yet (use read_data, read_checkpoint, create_lattice or create_alloy first)");
    int i = 1;
    const char *name = deck_word(dk, &i, "fix name");
    if (component_of(name) >= 0)
        deck_fail(dk, "deform: '%s' is a component; the command is 'deform NAME COMPONENT STYLE VALUE ...' (give "
                  "the fix a name first)", name);
    deform d;
    memset(&d, 0, sizeof d);
    d.remap = REMAP_X;
    d.flip = 1;
    const char *kw = "xx yy zz xy xz yz x y z remap flip";
    int ncomp = 0;
    while (i < dk->nargs) {
        const char *w = deck_word(dk, &i, "component (xx yy zz xy xz yz) or keyword (remap, flip)");
        int c = component_of(w);
        if (c >= 0) {
            if (d.style[c] != DF_NONE)
                deck_fail(dk, "deform: component %s given twice", component_name[c]);
            const char *st = deck_word(dk, &i, "style (erate, trate, vel, final, schedule)");
            if (!strcmp(st, "erate") || !strcmp(st, "trate")) {
                d.style[c] = st[0] == 'e' ? DF_ERATE : DF_TRATE;
                d.value[c] = deck_quantity(dk, &i, Q_STRAIN_RATE, "strain rate", kw);
            } else if (!strcmp(st, "vel")) {
                d.style[c] = DF_VEL;
                d.value[c] = deck_quantity(dk, &i, Q_VELOCITY, "velocity", kw);
            } else if (!strcmp(st, "final")) {
                d.style[c] = DF_FINAL;
                d.value[c] = deck_quantity(dk, &i, Q_LENGTH, c < 3 ? "final length" : "final tilt", kw);
                if (c < 3 && !(d.value[c] > 0))
                    deck_fail(dk, "deform: the final length of %s must be positive (A), got %g", component_name[c],
                              d.value[c]);
            } else if (!strcmp(st, "schedule")) {
                d.style[c] = DF_SCHEDULE;
                const char *sn = deck_word(dk, &i, "schedule name");
                const schedule *sc = schedules_find(&dk->fixes->schedules, sn);
                if (!sc)
                    deck_fail(dk, "deform: no schedule named '%s' (define it first with 'schedule %s ...')", sn, sn);
                if (sc->quantity >= 0)
                    deck_fail(dk, "deform: schedule '%s' holds a %s, but a deformation follows a strain (plain "
                              "numbers: engineering strain, or shear strain for a tilt)", sn,
                              units_quantity_name((enum quantity)sc->quantity));
                d.sched[c] = *sc;
                d.sched[c].anchor = -1;
            } else {
                deck_fail(dk, "deform: unknown style '%s' for %s (expected erate, trate, vel, final, schedule)", st,
                          component_name[c]);
            }
            ncomp++;
        } else if (!strcmp(w, "remap")) {
            const char *r = deck_word(dk, &i, "remap (x, v or none)");
            if (!strcmp(r, "x"))
                d.remap = REMAP_X;
            else if (!strcmp(r, "v"))
                d.remap = REMAP_V;
            else if (!strcmp(r, "none"))
                d.remap = REMAP_NONE;
            else
                deck_fail(dk, "deform: remap '%s' is not x, v or none", r);
        } else if (!strcmp(w, "flip")) {
            d.flip = deck_bool(dk, &i, "flip");
        } else {
            deck_fail(dk, "deform: unknown component or keyword '%s' (expected xx yy zz xy xz yz, remap, flip)", w);
        }
    }
    if (!ncomp)
        deck_fail(dk, "deform: nothing to deform; give at least one 'COMPONENT STYLE VALUE' (e.g. 'xy erate 1e9 1/s')");
    const box *b = &s->box;
    for (int c = 3; c < 6; c++)
        if (d.style[c] != DF_NONE && !b->triclinic)
            deck_fail(dk, "deform: the tilt %s needs a triclinic box; this one is orthogonal (make it triclinic "
                      "first with 'change_box all triclinic')", component_name[c]);
    for (int c = 0; c < 3; c++)
        if (d.style[c] != DF_NONE && b->boundary[c] == 's')
            deck_fail(dk, "deform: %s is shrink-wrapped (boundary s); its length follows the atoms (make it p or f "
                      "to deform it)", component_name[c]);
    if (d.remap == REMAP_V && (b->boundary[0] != 'p' || b->boundary[1] != 'p' || b->boundary[2] != 'p'))
        deck_fail(dk, "deform: remap v (a streaming flow across periodic boundaries) needs a fully periodic box");
    const fix *old = fixes_find(dk->fixes, name);
    if (old && old->ops != &deform_ops)
        deck_fail(dk, "deform: a fix named '%s' exists already and is a %s ('unfix %s' first)", name, old->ops->kind,
                  name);
    for (int k = 0; k < dk->fixes->n; k++) {
        const fix *o = dk->fixes->f[k];
        if (o->ops != &deform_ops || !strcmp(o->name, name))
            continue;
        const deform *od = o->data;
        for (int c = 0; c < 6; c++)
            if (od->style[c] != DF_NONE && d.style[c] != DF_NONE)
                deck_fail(dk, "deform: %s is driven by deform '%s' already ('unfix %s' first)", component_name[c],
                          o->name, o->name);
        if (od->remap == REMAP_V || d.remap == REMAP_V)
            deck_fail(dk, "deform: a streaming flow (remap v) takes one deform fix; '%s' exists already (give all "
                      "components in one command)", o->name);
    }
    snprintf(d.where, sizeof d.where, "%.120s:%d", dk->path, dk->line);
    if (snprintf(d.prop, sizeof d.prop, "%s_image", name) >= (int)sizeof d.prop)
        deck_fail(dk, "deform: fix name '%s' is too long (at most %zu characters)", name, sizeof d.prop - 7);
    /* The reference: the box now. A redefinition starts afresh from the
     * box as it is (strains are measured by the observers from their own
     * reference); a flow already in the velocities stays there. */
    d.t0 = s->time;
    for (int c = 0; c < 3; c++)
        d.ref[c] = b->len[c];
    for (int k = 0; k < 3; k++)
        d.ref[3 + k] = applied_tilt(b, k);
    d.perp0[0] = b->len[1];
    d.perp0[1] = b->len[2];
    d.perp0[2] = b->len[2];
    if (old && d.remap == REMAP_V)
        d.profile_added = ((const deform *)old->data)->profile_added;
    if (old)
        fixes_remove(dk->fixes, s, name);
    fix *f = fix_new(&deform_ops, name, GROUP_ALL);
    f->data = mg_malloc(sizeof d);
    memcpy(f->data, &d, sizeof d);
    deck_add_fix(dk, f);
}
