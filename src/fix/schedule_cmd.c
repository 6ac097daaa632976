/* schedule NAME SEGMENT [then SEGMENT]... [repeat N]   (integrate/schedule.h)
 *
 *   constant V [for D]
 *   ramp [V0] to V1 (over D | rate R)      V0: the previous segment's end
 *   hold [V] for D                         V: the previous segment's end
 *   sine amplitude A period P [phase PHI] [offset C] [for D | cycles N]
 *   cycle N between LO and HI (rate R | over D) [hold H]
 *                                          N times: ramp LO -> HI, hold H,
 *                                          ramp HI -> LO, hold H (as the
 *                                          `cycle` command)
 *
 * A named target any fix can follow: `ensemble nvt temp schedule NAME`,
 * `ensemble npt ... press schedule NAME`. Values take the unit of their
 * quantity (K, bar, GPa, ...; a bare number is in metal units); the first
 * unit given fixes the schedule's quantity, and a fix refuses a schedule
 * of another. Durations (D, P: fs, ps, ns) become whole steps with the
 * current time step; rates (R) the steps of |V1 - V0| / |R|. A schedule
 * given to a fix starts at its next run and runs on across runs. */
#include "deck/deck.h"
#include "parallel/parallel.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *seg_kw = "to over rate for then repeat amplitude period phase offset cycles between and hold";

/* A value with an optional unit of any quantity; the first unit fixes the
 * schedule's quantity, later ones must agree. A bare number is in the
 * metal unit of whatever the schedule holds. */
static double value(deck *dk, int *i, schedule *sc, const char *what)
{
    double v = deck_real(dk, i, what);
    if (!isfinite(v))
        deck_fail(dk, "schedule: %s must be a finite number", what);
    if (*i >= dk->nargs || strstr(seg_kw, dk->args[*i]) || !isalpha((unsigned char)dk->args[*i][0]))
        return v;
    enum quantity q;
    const char *u = dk->args[*i];
    if (!units_is_any(u, &q))
        deck_fail(dk, "schedule: unknown unit '%s' after %s", u, what);
    if (q == Q_TIME || q == Q_TEMPERATURE_RATE)
        deck_fail(dk, "schedule: '%s' is a unit of %s, not of the scheduled value", u, units_quantity_name(q));
    if (sc->quantity >= 0 && sc->quantity != (int)q)
        deck_fail(dk, "schedule: '%s' is a unit of %s, but the schedule holds a %s", u, units_quantity_name(q),
                  units_quantity_name((enum quantity)sc->quantity));
    double f;
    units_factor(q, u, &f);
    sc->quantity = (int)q;
    (*i)++;
    return v * f;
}

static int64_t steps_of(deck *dk, double t, const char *what)
{
    double n = nearbyint(t / dk->s->dt);
    if (!(n >= 1) || n > 1e15)
        deck_fail(dk, "schedule: %s of %.6g ps is %.6g steps of %.6g ps; need at least one and fewer than 1e15",
                  what, t, n, dk->s->dt);
    return (int64_t)n;
}

static int64_t duration(deck *dk, int *i, const char *what)
{
    return steps_of(dk, deck_quantity(dk, i, Q_TIME, what, seg_kw), what);
}

/* The end value of the segments so far (where a ramp or hold starts). */
static double last_end(deck *dk, const schedule *sc, const char *seg)
{
    if (!sc->nseg)
        deck_fail(dk, "schedule: the first segment's %s needs its start value", seg);
    return schedule_segment_end(sc, sc->nseg - 1);
}

/* A rate: unit per time, with the schedule's unit over fs/ps/ns/s. */
static double rate(deck *dk, int *i, schedule *sc)
{
    double r = deck_real(dk, i, "rate");
    if (!isfinite(r) || r == 0)
        deck_fail(dk, "schedule: the rate must be a non-zero number");
    if (*i >= dk->nargs || strstr(seg_kw, dk->args[*i]))
        deck_fail(dk, "schedule: the rate needs its unit, VALUE-UNIT/TIME: %g K/ps, %g K/s, %g GPa/ns, %g 1/ps "
                  "(a bare number is ambiguous: quench rates are quoted in K/s, mgmd's time unit is ps)", r, r, r, r);
    char u[64];
    snprintf(u, sizeof u, "%s", dk->args[(*i)++]);
    char *slash = strrchr(u, '/');
    double ft = 0, fv = 1;
    if (!slash || !units_factor(Q_TIME, slash + 1, &ft))
        deck_fail(dk, "schedule: rate unit '%s' is not VALUE-UNIT/TIME (e.g. K/ps, GPa/ns, 1/ps)", u);
    *slash = '\0';
    enum quantity q;
    if (strcmp(u, "1") != 0) {
        if (!units_is_any(u, &q) || q == Q_TIME)
            deck_fail(dk, "schedule: '%s' in the rate unit is not a unit of the scheduled value", u);
        if (sc->quantity >= 0 && sc->quantity != (int)q)
            deck_fail(dk, "schedule: the rate is in %s, but the schedule holds a %s", units_quantity_name(q),
                      units_quantity_name((enum quantity)sc->quantity));
        units_factor(q, u, &fv);
        sc->quantity = (int)q;
    }
    if (!strcmp(slash + 1, "s"))
        ft = 1e12;
    return fabs(r) * fv / ft;
}

static void add(deck *dk, schedule *sc, const schedule_segment *g)
{
    char err[256];
    if (schedule_append(sc, g, err, sizeof err) != 0)
        deck_fail(dk, "schedule: %s", err);
}

void cmd_schedule(deck *dk)
{
    int i = 1;
    const char *name = deck_word(dk, &i, "schedule name");
    schedule sc;
    memset(&sc, 0, sizeof sc);
    sc.quantity = -1;
    sc.repeat = 1;
    sc.anchor = -1;
    if (strlen(name) >= sizeof sc.name)
        deck_fail(dk, "schedule: name '%s' is longer than %zu characters", name, sizeof sc.name - 1);
    snprintf(sc.name, sizeof sc.name, "%s", name);
    for (;;) {
        const char *shape = deck_word(dk, &i, "segment (constant, ramp, hold, sine, cycle)");
        schedule_segment g = {.steps = SCHEDULE_FOREVER};
        int added = 0;
        if (!strcmp(shape, "constant")) {
            g.shape = SCHEDULE_CONSTANT;
            g.v0 = g.v1 = value(dk, &i, &sc, "constant value");
            if (i < dk->nargs && !strcmp(dk->args[i], "for")) {
                i++;
                g.steps = duration(dk, &i, "duration");
            }
        } else if (!strcmp(shape, "ramp")) {
            g.shape = SCHEDULE_RAMP;
            if (i < dk->nargs && !strcmp(dk->args[i], "to"))
                g.v0 = last_end(dk, &sc, "ramp");
            else
                g.v0 = value(dk, &i, &sc, "ramp start");
            const char *to = deck_word(dk, &i, "'to'");
            if (strcmp(to, "to"))
                deck_fail(dk, "schedule: expected 'ramp V0 to V1 over D' (or 'rate R'), got '%s'", to);
            g.v1 = value(dk, &i, &sc, "ramp end");
            const char *how = deck_word(dk, &i, "'over DURATION' or 'rate R'");
            if (!strcmp(how, "over"))
                g.steps = duration(dk, &i, "ramp duration");
            else if (!strcmp(how, "rate"))
                g.steps = steps_of(dk, fabs(g.v1 - g.v0) / rate(dk, &i, &sc), "ramp");
            else
                deck_fail(dk, "schedule: expected 'over DURATION' or 'rate R' after the ramp's end, got '%s'", how);
        } else if (!strcmp(shape, "hold")) {
            g.shape = SCHEDULE_CONSTANT;
            if (i < dk->nargs && !strcmp(dk->args[i], "for"))
                g.v0 = last_end(dk, &sc, "hold");
            else
                g.v0 = value(dk, &i, &sc, "hold value");
            g.v1 = g.v0;
            const char *f = deck_word(dk, &i, "'for'");
            if (strcmp(f, "for"))
                deck_fail(dk, "schedule: expected 'hold [V] for DURATION', got '%s'", f);
            g.steps = duration(dk, &i, "hold duration");
        } else if (!strcmp(shape, "cycle")) {
            int64_t n = deck_int(dk, &i, "number of cycles", 1, SCHEDULE_MAX_SEGMENTS / 4);
            double lo = 0, hi = 0;
            int64_t ramp = 0, hold = 0;
            int have = 0;
            while (i < dk->nargs && strcmp(dk->args[i], "then") && strcmp(dk->args[i], "repeat")) {
                const char *k = deck_word(dk, &i, "keyword");
                if (!strcmp(k, "between")) {
                    lo = value(dk, &i, &sc, "low value");
                    have |= 1;
                } else if (!strcmp(k, "and")) {
                    hi = value(dk, &i, &sc, "high value");
                    have |= 2;
                } else if (!strcmp(k, "rate")) {
                    if ((have & 3) != 3)
                        deck_fail(dk, "schedule: give 'between LO and HI' before the cycle's rate");
                    ramp = steps_of(dk, fabs(hi - lo) / rate(dk, &i, &sc), "cycle ramp");
                } else if (!strcmp(k, "over")) {
                    ramp = duration(dk, &i, "cycle ramp");
                } else if (!strcmp(k, "hold")) {
                    hold = duration(dk, &i, "cycle hold");
                } else {
                    deck_fail(dk, "schedule: unknown cycle keyword '%s' (expected between, and, rate, over, hold)", k);
                }
            }
            if ((have & 3) != 3 || !ramp)
                deck_fail(dk, "schedule: a cycle needs 'between LO and HI' and 'rate R' or 'over D'");
            for (int64_t c = 0; c < n; c++) {
                schedule_segment up = {.shape = SCHEDULE_RAMP, .steps = ramp, .v0 = lo, .v1 = hi};
                schedule_segment top = {.shape = SCHEDULE_CONSTANT, .steps = hold, .v0 = hi, .v1 = hi};
                schedule_segment down = {.shape = SCHEDULE_RAMP, .steps = ramp, .v0 = hi, .v1 = lo};
                schedule_segment bottom = {.shape = SCHEDULE_CONSTANT, .steps = hold, .v0 = lo, .v1 = lo};
                add(dk, &sc, &up);
                if (hold)
                    add(dk, &sc, &top);
                add(dk, &sc, &down);
                if (hold)
                    add(dk, &sc, &bottom);
            }
            added = 1;
        } else if (!strcmp(shape, "sine")) {
            g.shape = SCHEDULE_SINE;
            double period = 0;
            int have_a = 0;
            while (i < dk->nargs && strcmp(dk->args[i], "then") && strcmp(dk->args[i], "repeat")) {
                const char *k = deck_word(dk, &i, "keyword");
                if (!strcmp(k, "amplitude")) {
                    g.amplitude = value(dk, &i, &sc, "amplitude");
                    have_a = 1;
                } else if (!strcmp(k, "period")) {
                    period = deck_quantity(dk, &i, Q_TIME, "period", seg_kw);
                    if (!(period > 0))
                        deck_fail(dk, "schedule: the sine's period must be positive");
                    g.period = period / dk->s->dt;
                } else if (!strcmp(k, "phase")) {
                    g.phase = deck_quantity(dk, &i, Q_ANGLE, "phase", seg_kw) * M_PI / 180.0;
                } else if (!strcmp(k, "offset")) {
                    g.offset = value(dk, &i, &sc, "offset");
                } else if (!strcmp(k, "for")) {
                    g.steps = duration(dk, &i, "sine duration");
                } else if (!strcmp(k, "cycles")) {
                    if (!(period > 0))
                        deck_fail(dk, "schedule: give the period before 'cycles'");
                    g.steps = steps_of(dk, (double)deck_int(dk, &i, "cycles", 1, 1000000000) * period, "sine");
                } else {
                    deck_fail(dk, "schedule: unknown sine keyword '%s' (expected amplitude, period, phase, offset, "
                              "for, cycles)", k);
                }
            }
            if (!have_a || !(period > 0))
                deck_fail(dk, "schedule: a sine needs 'amplitude A' and 'period P'");
        } else {
            deck_fail(dk, "schedule: unknown segment '%s' (expected constant, ramp, hold, sine, cycle)", shape);
        }
        if (!added)
            add(dk, &sc, &g);
        if (i >= dk->nargs)
            break;
        const char *k = deck_word(dk, &i, "'then' or 'repeat'");
        if (!strcmp(k, "repeat")) {
            sc.repeat = deck_int(dk, &i, "repeat count", 1, 1000000000);
            deck_done(dk, i);
            int64_t one = 0;
            for (int k2 = 0; k2 < sc.nseg; k2++)
                one = sc.seg[k2].steps < 0 || sc.seg[k2].steps == SCHEDULE_FOREVER || one < 0 ? -1 : one + sc.seg[k2].steps;
            if (one < 0)
                deck_fail(dk, "schedule: 'repeat' needs every segment to have an end ('for', 'over', 'rate')");
            if ((double)one * (double)sc.repeat > 1e15)
                deck_fail(dk, "schedule: %lld repeats of %lld steps is more than 1e15 steps", (long long)sc.repeat,
                          (long long)one);
            break;
        }
        if (strcmp(k, "then"))
            deck_fail(dk, "schedule: expected 'then' between segments or 'repeat N' at the end, got '%s'", k);
    }
    if (!schedules_define(&dk->fixes->schedules, &sc))
        deck_fail(dk, "schedule: at most %d named schedules", SCHEDULE_MAX_NAMED);
    if (par_rank() == 0 && !dk->replaying) {
        char text[1024];
        schedule_describe(&sc, text, sizeof text);
        printf("schedule %s: %s\n", name, text);
        fflush(stdout);
    }
}
