/* The ensemble and its temperature protocols: deck commands that make the
 * thermostat and barostat entries (fix/ensemble.h) and drive their targets.
 *
 *   ensemble nve
 *   ensemble nvt temp T0 [T1] | temp schedule S  tdamp TAU [chain M] [sllod yes|no] [group G]
 *   ensemble langevin temp ... damp TAU seed S [sllod yes|no] [group G]
 *   ensemble npt temp ... tdamp TAU [press TARGET] [C TARGET]... pdamp TAUP
 *                [couple iso|aniso|tri] [axes xyz|x|y|z|xy|xz|yz]
 *                [chain M] [pchain M]
 *     TARGET: P0 [P1] [unit] | schedule S       (a pressure, bar)
 *     C:      xx|x yy|y zz|z xy xz yz           (a component's own target)
 *   quench from T0 to T1 rate R
 *   hold T for D
 *   cycle N between TLOW and THIGH rate R hold D
 *
 * `temp T0 T1` ramps over each run (LAMMPS' start/stop); `temp schedule S`
 * follows a named schedule (fix/schedule_cmd.c) from the next run on.
 * quench, hold and cycle build their protocol as a schedule and run each
 * of its segments as a stage (a run with its own thermo lines, observers'
 * stage ends and timing table), the target ramping over the stage.
 *
 * Barostat targets (docs/ensembles.md, "Targets per component"): `press`
 * applies to the axes of `axes` (default all three) that have no target of
 * their own, and under couple tri to the tilts without one (at 0); a
 * component keyword controls its component at its own target. Unnamed
 * components are not controlled. A component keyword makes the coupling
 * aniso unless `couple` is on the same line; couple iso needs equal
 * diagonal targets. Targets are not inherited from an earlier line. */
#include "core/error.h"
#include "deck/deck.h"
#include "fix/ensemble.h"
#include "parallel/parallel.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

void ensemble_defaults(ensemble_settings *e)
{
    memset(e, 0, sizeof *e);
    e->kind = ENS_NVE;
    e->group = GROUP_ALL;
    e->nchain = 3;
    e->tdamp = 0.1;
    e->couple = BARO_ISO;
    e->paxis[0] = e->paxis[1] = e->paxis[2] = 1;
    e->pdamp = 1.0;
    e->pchain = 3;
    schedule_constant(&e->temp, 0.0, Q_TEMPERATURE);
    schedule_constant(&e->press, 0.0, Q_PRESSURE);
}

const char *ensemble_kind_name(enum ensemble_kind k)
{
    static const char *n[] = {"nve", "nvt", "langevin", "npt"};
    return n[k];
}

/* Does the next word start a number? */
static int number_next(const deck *dk, int i)
{
    if (i >= dk->nargs)
        return 0;
    const char *w = dk->args[i] + (dk->args[i][0] == '-' || dk->args[i][0] == '+');
    return isdigit((unsigned char)w[0]) || (w[0] == '.' && isdigit((unsigned char)w[1]));
}

/* `schedule NAME` after a target keyword: a copy of the named schedule,
 * checked to be of quantity q. Returns 1 if taken. */
static int named_target(deck *dk, int *i, enum quantity q, const char *what, schedule *out)
{
    if (*i >= dk->nargs || strcmp(dk->args[*i], "schedule") != 0)
        return 0;
    (*i)++;
    const char *name = deck_word(dk, i, "schedule name");
    const schedule *sc = schedules_find(&dk->fixes->schedules, name);
    if (!sc)
        deck_fail(dk, "%s: no schedule named '%s' (define it first with 'schedule %s ...')", dk->args[0], name, name);
    if (sc->quantity >= 0 && sc->quantity != (int)q)
        deck_fail(dk, "%s: %s is a %s, but schedule '%s' holds a %s", dk->args[0], what, units_quantity_name(q),
                  name, units_quantity_name((enum quantity)sc->quantity));
    *out = *sc;
    out->quantity = (int)q;
    out->anchor = -1;
    return 1;
}

/* A pressure target after `press` or a component keyword C: `P0 [P1]
 * [unit]` (a ramp over each run; a unit after P1 alone applies to both) or
 * `schedule S`. */
static void pressure_target(deck *dk, int *i, const char *what, const char *kw, schedule *out)
{
    if (named_target(dk, i, Q_PRESSURE, what, out))
        return;
    int i0 = *i;
    double p0 = deck_quantity(dk, i, Q_PRESSURE, "start pressure", kw), p1 = p0;
    int unit0 = *i - i0 == 2;
    if (number_next(dk, *i)) {
        int i1 = *i;
        p1 = deck_quantity(dk, i, Q_PRESSURE, "end pressure", kw);
        int unit1 = *i - i1 == 2;
        double f = 1.0;
        if (unit1 && !unit0 && units_factor(Q_PRESSURE, dk->args[*i - 1], &f))
            p0 *= f;
        else if (unit0 && !unit1)
            deck_fail(dk, "ensemble npt: give the pressure unit after both values or after each "
                      "('%s 0 10 GPa' or '%s 0 GPa 10 GPa'), not after the first only", what, what);
        /* LAMMPS' `x Pstart Pstop Pdamp`: a third number. */
        if (number_next(dk, *i))
            deck_fail(dk, "ensemble npt: %s takes a start and an end pressure; the damping time is 'pdamp TIME', "
                      "one for all components (LAMMPS' '%s Pstart Pstop Pdamp' is '%s %s %s ... pdamp %s ps' "
                      "here)", what, what, what, dk->args[i0], dk->args[i1], dk->args[*i]);
    }
    if (!isfinite(p0) || !isfinite(p1))
        deck_fail(dk, "ensemble npt: pressures must be finite numbers");
    schedule_run_ramp(out, p0, p1, Q_PRESSURE);
}

/* Two targets that are the same function of time: the same named schedule
 * or the same per-run ramp (what couple iso needs of its axes). */
static int same_target(const schedule *a, const schedule *b)
{
    if (strcmp(a->name, b->name) || a->quantity != b->quantity || a->nseg != b->nseg || a->repeat != b->repeat ||
        a->per_run != b->per_run)
        return 0;
    for (int k = 0; k < a->nseg; k++) {
        const schedule_segment *p = &a->seg[k], *q = &b->seg[k];
        if (p->shape != q->shape || p->steps != q->steps || p->v0 != q->v0 || p->v1 != q->v1 ||
            p->amplitude != q->amplitude || p->period != q->period || p->phase != q->phase || p->offset != q->offset)
            return 0;
    }
    return 1;
}

/* A target for messages: "10000 bar (1 GPa)", a ramp, or "schedule 'S'". */
static const char *target_text(const schedule *sc, char *out, size_t len)
{
    const double v0 = sc->nseg ? sc->seg[0].v0 : 0.0, v1 = sc->nseg ? sc->seg[0].v1 : 0.0;
    if (sc->name[0])
        snprintf(out, len, "schedule '%s'", sc->name);
    else if (sc->nseg == 1 && sc->seg[0].shape == SCHEDULE_RAMP && v0 != v1)
        snprintf(out, len, "%.6g -> %.6g bar (%.6g -> %.6g GPa)", v0, v1, v0 * 1e-4, v1 * 1e-4);
    else
        snprintf(out, len, "%.6g bar (%.6g GPa)", v0, v0 * 1e-4);
    return out;
}

static const char *comp_name[BARO_NCOMP] = {"xx", "yy", "zz", "xy", "xz", "yz"};

/* The component a keyword names: xx or x -> BARO_XX ... yz -> BARO_YZ; -1
 * if none. */
static int component_keyword(const char *k)
{
    for (int q = 0; q < BARO_NCOMP; q++)
        if (!strcmp(k, comp_name[q]) || (q < 3 && k[0] == comp_name[q][0] && !k[1]))
            return q;
    return -1;
}

/* What an npt line's targets resolve to (the comment at the top): the
 * controlled components, their targets, the coupling; deck errors for
 * contradictions. */
static void resolve_targets(deck *dk, ensemble_settings *e, int couple_given, int axes_given)
{
    static const char *axis = "xyz";
    const md *s = dk->s;
    int named = 0;
    for (int q = 0; q < BARO_NCOMP; q++)
        named += e->pnamed[q];
    if (!e->have_press && !named)
        deck_fail(dk, "ensemble npt: needs a pressure target: 'press P [P_end] [unit]' for the whole box, or one "
                  "per component (xx, yy, zz, xy, xz, yz; e.g. 'xx 1 GPa yy 0 zz 0')");
    if (axes_given && !e->have_press)
        deck_fail(dk, "ensemble npt: 'axes' chooses the axes 'press' applies to, and this line has no press; "
                  "give each axis to control its own target instead (xx, yy, zz)");
    /* Targets per component: each axis on its own, unless this line says
     * couple iso (the couple kept for the next line stays as given). */
    const int iso = e->couple == BARO_ISO && !(named && !couple_given);
    for (int q = 0; q < BARO_NCOMP; q++) {
        e->bypress[q] = !e->pnamed[q] && e->have_press && q < 3 && e->paxis[q];
        e->ctrl[q] = e->pnamed[q] || e->bypress[q] || (q >= 3 && e->couple == BARO_TRI);
        if (e->bypress[q])
            e->ptarget[q] = e->press;
        else if (!e->pnamed[q]) /* uncontrolled, or a couple tri tilt without a target of its own */
            schedule_constant(&e->ptarget[q], 0.0, Q_PRESSURE);
    }
    e->iso = iso;
    const int ndiag = e->ctrl[0] + e->ctrl[1] + e->ctrl[2];
    if (e->couple == BARO_TRI && ndiag < 3)
        deck_fail(dk, "ensemble npt: couple tri controls all six components, but %s%s%s%s no target (%s); give "
                  "press for the whole box or a target for each axis, or use couple aniso with the tilts to "
                  "control (xy, xz, yz)", e->ctrl[0] ? "" : "x ", e->ctrl[1] ? "" : "y ", e->ctrl[2] ? "" : "z ",
                  ndiag == 2 ? "has" : "have", e->have_press ? "'axes' leaves it out of press" : "no press");
    if (e->iso) {
        int first = -1;
        char a[96], b[96];
        for (int d = 0; d < 3; d++) {
            if (!e->ctrl[d])
                continue;
            if (first < 0)
                first = d;
            else if (!same_target(&e->ptarget[first], &e->ptarget[d]))
                deck_fail(dk, "ensemble npt: couple iso gives the controlled axes one strain rate, driven by their "
                          "mean pressure, so they need one target, but %s is %s and %s is %s; use couple aniso "
                          "(each axis on its own)", comp_name[first], target_text(&e->ptarget[first], a, sizeof a),
                          comp_name[d], target_text(&e->ptarget[d], b, sizeof b));
        }
    }
    for (int q = 0; q < BARO_NCOMP; q++) {
        if (!e->ctrl[q])
            continue;
        for (int k = 0; k < (q < 3 ? 1 : 2); k++) {
            int d = comp_name[q][k] - 'x';
            if (s->box.boundary[d] != 'p')
                deck_fail(dk, "ensemble npt: the box is not periodic along %c (boundary %c), so the barostat "
                          "cannot control %s; a barostat needs periodic axes (control the others with "
                          "'couple aniso axes ...' or with their own targets)", axis[d], s->box.boundary[d],
                          e->bypress[q] ? "it" : comp_name[q]);
        }
        if (q >= 3 && s->have_box && !s->box.triclinic) {
            if (e->couple == BARO_TRI && !e->pnamed[q])
                deck_fail(dk, "ensemble npt: couple tri needs a triclinic box (xy xz yz in the data file, or "
                          "'change_box all triclinic'); this one is orthogonal (use couple iso or aniso)");
            deck_fail(dk, "ensemble npt: a target for the tilt %s needs a triclinic box (xy xz yz in the data file, "
                      "or 'change_box all triclinic' first); this one is orthogonal", comp_name[q]);
        }
    }
    /* With targets per component, say what the line resolved to. */
    if (named && par_rank() == 0) {
        char line[1024] = "", t[96];
        size_t n = 0;
        for (int q = 0; q < BARO_NCOMP; q++)
            if (e->ctrl[q] && n < sizeof line) { /* 6 x ~70 characters: never full */
                int w = snprintf(line + n, sizeof line - n, "%s%s %s", n ? ", " : "", comp_name[q],
                                 target_text(&e->ptarget[q], t, sizeof t));
                n += w > 0 ? (size_t)w : 0;
            }
        printf("ensemble npt: barostat targets %s; %s", line,
               e->iso ? "the axes share one strain rate (iso)" : "each axis on its own");
        const char *sep = "; not controlled:";
        for (int q = 0; q < BARO_NCOMP; q++)
            if (!e->ctrl[q] && (q < 3 || s->box.triclinic || !s->have_box)) {
                printf("%s %s", sep, comp_name[q]);
                sep = "";
            }
        printf("\n");
        fflush(stdout);
    }
}

void cmd_ensemble(deck *dk)
{
    int i = 1;
    md *s = dk->s;
    fix_list *fx = dk->fixes;
    fix *th = fixes_find(fx, THERMOSTAT_FIX), *ba = fixes_find(fx, BAROSTAT_FIX);
    const char *kind = deck_word(dk, &i, "ensemble (nve, nvt, langevin, npt)");
    ensemble_settings next;
    ensemble_defaults(&next);
    if (th) {
        nose_hoover_settings(th, &next);
        langevin_settings(th, &next);
    }
    if (ba)
        barostat_settings(ba, &next);
    if (!strcmp(kind, "nve")) {
        next.kind = ENS_NVE;
        deck_done(dk, i);
    } else if (!strcmp(kind, "nvt") || !strcmp(kind, "langevin") || !strcmp(kind, "npt")) {
        next.kind = !strcmp(kind, "nvt") ? ENS_NVT : !strcmp(kind, "npt") ? ENS_NPT : ENS_LANGEVIN;
        const int npt = next.kind == ENS_NPT;
        const char *kw = npt ? "temp tdamp press pdamp couple axes chain pchain group xx yy zz xy xz yz x y z"
                             : "temp tdamp damp chain seed group sllod";
        int have_t = 0, have_damp = 0, have_seed = 0, have_pdamp = 0, couple_given = 0, axes_given = 0;
        next.group = GROUP_ALL;
        next.sllod = 0;
        while (i < dk->nargs) {
            const char *k = deck_word(dk, &i, "keyword");
            if (!strcmp(k, "temp")) {
                if (!named_target(dk, &i, Q_TEMPERATURE, "temp", &next.temp)) {
                    double t0 = deck_quantity(dk, &i, Q_TEMPERATURE, "start temperature", kw), t1 = t0;
                    if (i < dk->nargs && (isdigit((unsigned char)dk->args[i][0]) || dk->args[i][0] == '.'))
                        t1 = deck_quantity(dk, &i, Q_TEMPERATURE, "end temperature", kw);
                    if (!(t0 > 0) || !(t1 > 0))
                        deck_fail(dk, "ensemble %s: temperatures must be positive (K)", kind);
                    schedule_run_ramp(&next.temp, t0, t1, Q_TEMPERATURE);
                }
                have_t = 1;
            } else if (!strcmp(k, "tdamp") || (!strcmp(k, "damp") && !npt)) {
                next.tdamp = deck_quantity(dk, &i, Q_TIME, "damping time", kw);
                if (!(next.tdamp > 0))
                    deck_fail(dk, "ensemble %s: damping time must be positive", kind);
                have_damp = 1;
            } else if (!strcmp(k, "chain") && next.kind != ENS_LANGEVIN) {
                next.nchain = (int)deck_int(dk, &i, "chain length", 1, NH_MAX_CHAIN);
            } else if (!strcmp(k, "seed") && next.kind == ENS_LANGEVIN) {
                next.seed = (uint64_t)deck_int(dk, &i, "seed", 0, INT64_MAX);
                have_seed = 1;
            } else if (!strcmp(k, "sllod") && !npt) {
                /* Under a `deform ... remap v` flow: thermostat the
                 * velocity relative to the flow (fix/deform.c). */
                next.sllod = deck_bool(dk, &i, "sllod");
            } else if (!strcmp(k, "group")) {
                next.group = deck_group(dk, &i);
            } else if (!strcmp(k, "press") && npt) {
                if (next.have_press)
                    deck_fail(dk, "ensemble npt: press is given twice");
                pressure_target(dk, &i, "press", kw, &next.press);
                next.have_press = 1;
            } else if (npt && component_keyword(k) >= 0) {
                /* A component's own target (LAMMPS' fix npt x y z xy xz yz). */
                const int q = component_keyword(k);
                if (next.pnamed[q])
                    deck_fail(dk, "ensemble npt: %s has two targets%s", comp_name[q],
                              q < 3 ? " (x and xx, y and yy, z and zz name the same component)" : "");
                pressure_target(dk, &i, comp_name[q], kw, &next.ptarget[q]);
                next.pnamed[q] = 1;
            } else if (!strcmp(k, "pdamp") && npt) {
                next.pdamp = deck_quantity(dk, &i, Q_TIME, "barostat damping time", kw);
                if (!(next.pdamp > 0))
                    deck_fail(dk, "ensemble npt: pdamp must be positive");
                have_pdamp = 1;
            } else if (!strcmp(k, "couple") && npt) {
                const char *c = deck_word(dk, &i, "coupling (iso, aniso, tri)");
                if (!strcmp(c, "iso"))
                    next.couple = BARO_ISO;
                else if (!strcmp(c, "aniso"))
                    next.couple = BARO_ANISO;
                else if (!strcmp(c, "tri"))
                    next.couple = BARO_TRI;
                else
                    deck_fail(dk, "ensemble npt: couple '%s' is not iso, aniso or tri", c);
                couple_given = 1;
            } else if (!strcmp(k, "axes") && npt) {
                const char *ax = deck_word(dk, &i, "coupled axes (xyz, x, y, z, xy, xz, yz)");
                static const char *ok[] = {"xyz", "x", "y", "z", "xy", "xz", "yz"};
                int good = 0;
                for (size_t q = 0; q < sizeof ok / sizeof ok[0]; q++)
                    good |= !strcmp(ax, ok[q]);
                if (!good)
                    deck_fail(dk, "ensemble npt: axes '%s' is not one of xyz, x, y, z, xy, xz, yz", ax);
                for (int d = 0; d < 3; d++)
                    next.paxis[d] = strchr(ax, 'x' + d) != NULL;
                axes_given = 1;
            } else if (!strcmp(k, "pchain") && npt) {
                next.pchain = (int)deck_int(dk, &i, "barostat chain length", 0, NH_MAX_CHAIN);
            } else {
                deck_fail(dk, "ensemble %s: unknown keyword '%s' (expected %s)", kind, k,
                          npt ? "temp, tdamp, press, xx, yy, zz, xy, xz, yz, pdamp, couple, axes, chain, "
                                "pchain, group"
                              : next.kind == ENS_NVT ? "temp, tdamp, chain, sllod, group" : "temp, damp, seed, sllod, group");
            }
        }
        if (!have_t || !have_damp)
            deck_fail(dk, "ensemble %s: needs 'temp T [T_end]' and '%s TIME'", kind,
                      next.kind == ENS_LANGEVIN ? "damp" : "tdamp");
        if (next.kind == ENS_LANGEVIN && !have_seed)
            deck_fail(dk, "ensemble langevin: needs 'seed N' (its random forces are keyed by it)");
        if (npt && !have_pdamp)
            deck_fail(dk, "ensemble npt: needs 'pdamp TIME' (the barostat's damping time)");
        if (npt && next.group != GROUP_ALL)
            deck_fail(dk, "ensemble npt: the barostat acts on the whole box, so its thermostat does too; "
                      "thermostat a group with 'ensemble nvt ... group G' or 'ensemble langevin ... group G'");
        if (next.tdamp < 10 * s->dt)
            mg_warn("%s:%d: a damping time of %g ps is under 10 time steps (%g ps): the thermostat will be stiff",
                    dk->path, dk->line, next.tdamp, s->dt);
        if (npt) {
            resolve_targets(dk, &next, couple_given, axes_given);
            if (next.pdamp < 100 * s->dt)
                mg_warn("%s:%d: a barostat damping time of %g ps is under 100 time steps (%g ps): the box will "
                        "ring (LAMMPS recommends ~1000 steps)", dk->path, dk->line, next.pdamp, s->dt);
        }
    } else {
        deck_fail(dk, "ensemble: unknown ensemble '%s' (expected nve, nvt, langevin, npt)", kind);
    }
    if (next.kind == ENS_NVE) {
        fixes_remove(fx, s, BAROSTAT_FIX);
        fixes_remove(fx, s, THERMOSTAT_FIX);
        return;
    }
    /* A new kind of thermostat starts from rest; so does a barostat coupled
     * differently (the constructors decide from the entry replaced). */
    fix *nt = next.kind == ENS_LANGEVIN ? langevin_new(&next, th) : nose_hoover_new(&next, th);
    fix *nb = next.kind == ENS_NPT ? barostat_new(&next, ba) : NULL;
    if (fixes_add(fx, s, nt) != 0 || (nb && fixes_add(fx, s, nb) != 0))
        deck_fail(dk, "ensemble: the fix list is full (%d entries)", FIX_MAX);
    if (!nb)
        fixes_remove(fx, s, BAROSTAT_FIX);
}

static void need_thermostat(deck *dk)
{
    if (!fixes_find(dk->fixes, THERMOSTAT_FIX))
        deck_fail(dk, "%s needs a thermostat: choose 'ensemble nvt ...' or 'ensemble langevin ...' first", dk->args[0]);
    if (!dk->s->have_box)
        deck_fail(dk, "%s: no system yet (use read_data, read_checkpoint, create_lattice or create_alloy first)",
                  dk->args[0]);
    if (!dk->s->pot)
        deck_fail(dk, "%s: no potential chosen", dk->args[0]);
}

/* Run segment k of protocol p as a stage: its target ramps over the run. */
static void stage(deck *dk, const char *what, const schedule *p, int k)
{
    const schedule_segment *g = &p->seg[k];
    double t0 = g->v0, t1 = g->shape == SCHEDULE_RAMP ? g->v1 : g->v0;
    if (par_rank() == 0) {
        printf("%s: %.6g K -> %.6g K over %lld steps (%.6g ps)\n", what, t0, t1, (long long)g->steps,
               (double)g->steps * dk->s->dt);
        fflush(stdout);
    }
    schedule target;
    if (g->shape == SCHEDULE_RAMP)
        schedule_run_ramp(&target, t0, t1, Q_TEMPERATURE);
    else
        schedule_constant(&target, t0, Q_TEMPERATURE);
    fixes_set_target(dk->fixes, "temp", &target);
    deck_run_steps(dk, g->steps);
}

static int64_t steps_for(deck *dk, double duration)
{
    double n = nearbyint(duration / dk->s->dt);
    if (!(n >= 1) || n > 1e15)
        deck_fail(dk, "%s: %.6g ps is %.6g steps of %.6g ps; need at least one and fewer than 1e15", dk->args[0],
                  duration, n, dk->s->dt);
    return (int64_t)n;
}

static void append(deck *dk, schedule *p, enum schedule_shape shape, double v0, double v1, int64_t steps)
{
    schedule_segment g = {.shape = shape, .steps = steps, .v0 = v0, .v1 = v1};
    char err[256];
    if (schedule_append(p, &g, err, sizeof err) != 0)
        deck_fail(dk, "%s: %s", dk->args[0], err);
}

/* quench from T0 to T1 rate R: a linear ramp at |R| (K/ps, K/s ...). */
void cmd_quench(deck *dk)
{
    need_thermostat(dk);
    int i = 1;
    const char *kw = "from to rate";
    double t0 = -1, t1 = -1, rate = 0;
    while (i < dk->nargs) {
        const char *k = deck_word(dk, &i, "keyword");
        if (!strcmp(k, "from")) t0 = deck_quantity(dk, &i, Q_TEMPERATURE, "start temperature", kw);
        else if (!strcmp(k, "to")) t1 = deck_quantity(dk, &i, Q_TEMPERATURE, "end temperature", kw);
        else if (!strcmp(k, "rate")) rate = deck_quantity(dk, &i, Q_TEMPERATURE_RATE, "cooling rate", kw);
        else deck_fail(dk, "%s: unknown keyword '%s' (expected from, to, rate)", dk->args[0], k);
    }
    if (!(t0 > 0) || !(t1 > 0) || !(rate != 0))
        deck_fail(dk, "%s: needs 'from T0 K to T1 K rate R K/ps' (or K/s) with positive temperatures", dk->args[0]);
    schedule p;
    memset(&p, 0, sizeof p);
    p.repeat = 1;
    append(dk, &p, SCHEDULE_RAMP, t0, t1, steps_for(dk, fabs(t1 - t0) / fabs(rate)));
    stage(dk, dk->args[0], &p, 0);
}

/* hold T for D: constant target temperature for a duration. */
void cmd_hold(deck *dk)
{
    need_thermostat(dk);
    int i = 1;
    double t = deck_quantity(dk, &i, Q_TEMPERATURE, "temperature", "for");
    const char *k = deck_word(dk, &i, "'for'");
    if (strcmp(k, "for") != 0)
        deck_fail(dk, "hold: expected 'hold T K for DURATION ps', got '%s'", k);
    double d = deck_quantity(dk, &i, Q_TIME, "duration", NULL);
    deck_done(dk, i);
    if (!(t > 0))
        deck_fail(dk, "hold: temperature must be positive (K)");
    schedule p;
    memset(&p, 0, sizeof p);
    p.repeat = 1;
    append(dk, &p, SCHEDULE_CONSTANT, t, t, steps_for(dk, d));
    stage(dk, "hold", &p, 0);
}

/* cycle N between TLOW and THIGH rate R hold D: heat, hold, cool, hold; N
 * times. */
void cmd_cycle(deck *dk)
{
    need_thermostat(dk);
    int i = 1;
    const char *kw = "between and rate hold";
    int64_t n = deck_int(dk, &i, "number of cycles", 1, 1000000);
    double lo = -1, hi = -1, rate = 0, hold = 0;
    while (i < dk->nargs) {
        const char *k = deck_word(dk, &i, "keyword");
        if (!strcmp(k, "between")) lo = deck_quantity(dk, &i, Q_TEMPERATURE, "low temperature", kw);
        else if (!strcmp(k, "and")) hi = deck_quantity(dk, &i, Q_TEMPERATURE, "high temperature", kw);
        else if (!strcmp(k, "rate")) rate = deck_quantity(dk, &i, Q_TEMPERATURE_RATE, "heating/cooling rate", kw);
        else if (!strcmp(k, "hold")) hold = deck_quantity(dk, &i, Q_TIME, "hold time", kw);
        else deck_fail(dk, "cycle: unknown keyword '%s' (expected between, and, rate, hold)", k);
    }
    if (!(lo > 0) || !(hi > lo) || !(rate > 0) || !(hold >= 0))
        deck_fail(dk, "cycle: needs 'N between TLOW K and THIGH K rate R K/ps hold D ps' with 0 < TLOW < THIGH");
    int64_t ramp = steps_for(dk, (hi - lo) / rate);
    int64_t hsteps = hold > 0 ? steps_for(dk, hold) : 0;
    /* One cycle as a schedule: heat, hold, cool, hold. */
    schedule p;
    memset(&p, 0, sizeof p);
    p.repeat = n;
    static const char *part[4] = {"heat", "hold", "cool", "hold"};
    append(dk, &p, SCHEDULE_RAMP, lo, hi, ramp);
    if (hsteps)
        append(dk, &p, SCHEDULE_CONSTANT, hi, hi, hsteps);
    append(dk, &p, SCHEDULE_RAMP, hi, lo, ramp);
    if (hsteps)
        append(dk, &p, SCHEDULE_CONSTANT, lo, lo, hsteps);
    for (int64_t c = 1; c <= n; c++)
        for (int k = 0; k < p.nseg; k++) {
            char what[64];
            snprintf(what, sizeof what, "cycle %lld/%lld %s", (long long)c, (long long)n,
                     part[hsteps ? k : 2 * k]);
            stage(dk, what, &p, k);
        }
}
