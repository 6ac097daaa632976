/* Schedules (schedule.h): piecewise targets in steps from an anchor. The
 * ramp formula v0 + (v1 - v0) k / n is evaluated in exactly this order so
 * that a run's ramp gives the same numbers as LAMMPS' fix nvt start/stop
 * targets (and as mgmd's runs always have). */
#include "integrate/schedule.h"
#include "core/error.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void schedule_clear(schedule *sc, int quantity)
{
    memset(sc, 0, sizeof *sc);
    sc->quantity = quantity;
    sc->repeat = 1;
    sc->anchor = -1;
}

void schedule_constant(schedule *sc, double v, int quantity)
{
    schedule_clear(sc, quantity);
    sc->nseg = 1;
    sc->seg[0] = (schedule_segment){.shape = SCHEDULE_CONSTANT, .steps = SCHEDULE_FOREVER, .v0 = v, .v1 = v};
}

void schedule_run_ramp(schedule *sc, double v0, double v1, int quantity)
{
    schedule_clear(sc, quantity);
    sc->nseg = 1;
    sc->per_run = 1;
    sc->seg[0] = (schedule_segment){.shape = SCHEDULE_RAMP, .steps = SCHEDULE_RUN, .v0 = v0, .v1 = v1};
}

int schedule_append(schedule *sc, const schedule_segment *seg, char *err, int errlen)
{
    if (sc->nseg == SCHEDULE_MAX_SEGMENTS) {
        snprintf(err, (size_t)errlen, "a schedule has at most %d segments", SCHEDULE_MAX_SEGMENTS);
        return -1;
    }
    if (sc->nseg > 0 && (sc->seg[sc->nseg - 1].steps == SCHEDULE_FOREVER || sc->seg[sc->nseg - 1].steps == SCHEDULE_RUN)) {
        snprintf(err, (size_t)errlen, "a segment without an end (no 'for' duration) must be the last one");
        return -1;
    }
    if (seg->steps != SCHEDULE_RUN && seg->steps != SCHEDULE_FOREVER && seg->steps < 1) {
        snprintf(err, (size_t)errlen, "a segment must last at least one time step");
        return -1;
    }
    if (!isfinite(seg->v0) || !isfinite(seg->v1) || !isfinite(seg->amplitude) || !isfinite(seg->phase) ||
        !isfinite(seg->offset)) {
        snprintf(err, (size_t)errlen, "schedule values must be finite numbers");
        return -1;
    }
    if (seg->shape == SCHEDULE_SINE && !(seg->period > 0 && isfinite(seg->period))) {
        snprintf(err, (size_t)errlen, "a sine's period must be positive");
        return -1;
    }
    if (seg->steps == SCHEDULE_RUN)
        sc->per_run = 1;
    sc->seg[sc->nseg++] = *seg;
    return 0;
}

static int64_t seg_len(const schedule_segment *g, const schedule_clock *c)
{
    return g->steps == SCHEDULE_RUN ? c->run_steps : g->steps;
}

static double shape_at(const schedule_segment *g, int64_t k, int64_t n)
{
    switch (g->shape) {
    case SCHEDULE_CONSTANT:
        return g->v0;
    case SCHEDULE_RAMP:
        if (n <= 0 || n == SCHEDULE_FOREVER)
            return g->v1;
        return g->v0 + (g->v1 - g->v0) * (double)k / (double)n;
    case SCHEDULE_SINE:
        return g->offset + g->amplitude * sin(2.0 * M_PI * (double)k / g->period + g->phase);
    }
    return g->v0;
}

double schedule_segment_end(const schedule *sc, int k)
{
    const schedule_segment *g = &sc->seg[k];
    if (g->shape == SCHEDULE_SINE)
        return g->steps == SCHEDULE_FOREVER || g->steps == SCHEDULE_RUN ? g->offset : shape_at(g, g->steps, g->steps);
    return g->shape == SCHEDULE_RAMP ? g->v1 : g->v0;
}

double schedule_value(const schedule *sc, const schedule_clock *c)
{
    if (sc->nseg == 0)
        return 0.0;
    int64_t anchor = sc->per_run || sc->anchor < 0 ? c->run_start : sc->anchor;
    int64_t k = c->step - anchor;
    if (k < 0)
        k = 0;
    /* Total length of one pass (finite unless a segment lasts for ever). */
    int64_t total = 0;
    int endless = 0;
    for (int j = 0; j < sc->nseg; j++) {
        int64_t n = seg_len(&sc->seg[j], c);
        if (n == SCHEDULE_FOREVER)
            endless = 1;
        else
            total += n;
    }
    if (!endless && sc->repeat > 1 && total > 0) {
        if (k >= total * sc->repeat)
            k = total; /* past the last pass: its end */
        else if (k >= total)
            k %= total;
    }
    for (int j = 0; j < sc->nseg; j++) {
        const schedule_segment *g = &sc->seg[j];
        int64_t n = seg_len(g, c);
        int last = j == sc->nseg - 1;
        if (k < n || n == SCHEDULE_FOREVER)
            return shape_at(g, k, n);
        if (last) /* held: a ramp's end value, a sine's value at its end */
            return k == n || g->shape == SCHEDULE_SINE ? shape_at(g, n, n) : schedule_segment_end(sc, j);
        k -= n;
    }
    return schedule_segment_end(sc, sc->nseg - 1);
}

void schedule_begin_run(schedule *sc, int64_t run_start)
{
    if (!sc->per_run && sc->anchor < 0)
        sc->anchor = run_start;
}

int64_t schedule_length(const schedule *sc)
{
    int64_t total = 0;
    for (int j = 0; j < sc->nseg; j++) {
        if (sc->seg[j].steps == SCHEDULE_RUN || sc->seg[j].steps == SCHEDULE_FOREVER)
            return -1;
        total += sc->seg[j].steps;
    }
    return total * sc->repeat;
}

void schedule_describe(const schedule *sc, char *out, int len)
{
    int n = 0;
    out[0] = '\0';
    for (int j = 0; j < sc->nseg && n < len; j++) {
        const schedule_segment *g = &sc->seg[j];
        char steps[48];
        if (g->steps == SCHEDULE_RUN)
            snprintf(steps, sizeof steps, "over each run");
        else if (g->steps == SCHEDULE_FOREVER)
            snprintf(steps, sizeof steps, "from then on");
        else
            snprintf(steps, sizeof steps, "for %lld steps", (long long)g->steps);
        const char *sep = j ? ", then " : "";
        if (g->shape == SCHEDULE_CONSTANT)
            n += snprintf(out + n, (size_t)(len - n), "%s%.6g %s", sep, g->v0, steps);
        else if (g->shape == SCHEDULE_RAMP)
            n += snprintf(out + n, (size_t)(len - n), "%s%.6g -> %.6g %s", sep, g->v0, g->v1, steps);
        else
            n += snprintf(out + n, (size_t)(len - n), "%s%.6g + %.6g sin(2 pi k/%.6g + %.6g) %s", sep, g->offset,
                          g->amplitude, g->period, g->phase, steps);
    }
    if (sc->repeat > 1 && n < len)
        snprintf(out + n, (size_t)(len - n), ", %lld times", (long long)sc->repeat);
}

/* ---- checkpoint ------------------------------------------------------------ */

void schedule_save(const schedule *sc, ckpt_state *c)
{
    int64_t head[5] = {sc->quantity, sc->nseg, sc->repeat, sc->per_run, sc->anchor};
    ckpt_put_i64(c, "head", head, 5);
    int64_t shape[SCHEDULE_MAX_SEGMENTS], steps[SCHEDULE_MAX_SEGMENTS];
    double val[SCHEDULE_MAX_SEGMENTS * 6];
    for (int j = 0; j < sc->nseg; j++) {
        const schedule_segment *g = &sc->seg[j];
        shape[j] = g->shape;
        steps[j] = g->steps;
        double v[6] = {g->v0, g->v1, g->amplitude, g->period, g->phase, g->offset};
        memcpy(val + 6 * j, v, sizeof v);
    }
    ckpt_put_i64(c, "shape", shape, (size_t)sc->nseg);
    ckpt_put_i64(c, "steps", steps, (size_t)sc->nseg);
    ckpt_put_doubles(c, "values", val, (size_t)sc->nseg * 6);
}

int schedule_restore(schedule *sc, ckpt_state *c)
{
    int64_t head[5];
    if (ckpt_get_i64(c, "head", head, 5) != 0 || head[1] < 0 || head[1] > SCHEDULE_MAX_SEGMENTS || head[2] < 1)
        return -1;
    schedule s = *sc;
    s.quantity = (int)head[0];
    s.nseg = (int)head[1];
    s.repeat = head[2];
    s.per_run = (int)head[3];
    s.anchor = head[4];
    int64_t shape[SCHEDULE_MAX_SEGMENTS], steps[SCHEDULE_MAX_SEGMENTS];
    double val[SCHEDULE_MAX_SEGMENTS * 6];
    if (ckpt_get_i64(c, "shape", shape, (size_t)s.nseg) != 0 || ckpt_get_i64(c, "steps", steps, (size_t)s.nseg) != 0 ||
        ckpt_get_doubles(c, "values", val, (size_t)s.nseg * 6) != 0)
        return -1;
    for (int j = 0; j < s.nseg; j++) {
        if (shape[j] < SCHEDULE_CONSTANT || shape[j] > SCHEDULE_SINE)
            return -1;
        s.seg[j] = (schedule_segment){(enum schedule_shape)shape[j], steps[j], val[6 * j], val[6 * j + 1],
                                      val[6 * j + 2], val[6 * j + 3], val[6 * j + 4], val[6 * j + 5]};
    }
    *sc = s;
    return 0;
}

void schedule_save_in(const schedule *sc, ckpt_state *c, const char *name)
{
    ckpt_state *sub = ckpt_enter(c, name);
    schedule_save(sc, sub);
    ckpt_leave(sub);
}

int schedule_restore_from(schedule *sc, ckpt_state *c, const char *name)
{
    ckpt_state *sub = ckpt_enter(c, name);
    int bad = !sub || schedule_restore(sc, sub) != 0;
    ckpt_leave(sub);
    return bad ? -1 : 0;
}

/* ---- named schedules --------------------------------------------------------- */

void schedules_init(schedule_table *t) { memset(t, 0, sizeof *t); }

void schedules_destroy(schedule_table *t)
{
    for (int k = 0; k < t->n; k++)
        free(t->s[k]);
    memset(t, 0, sizeof *t);
}

schedule *schedules_find(const schedule_table *t, const char *name)
{
    for (int k = 0; k < t->n; k++)
        if (strcmp(t->s[k]->name, name) == 0)
            return t->s[k];
    return NULL;
}

schedule *schedules_define(schedule_table *t, const schedule *sc)
{
    schedule *old = schedules_find(t, sc->name);
    if (old) {
        *old = *sc;
        return old;
    }
    if (t->n == SCHEDULE_MAX_NAMED)
        return NULL;
    t->s[t->n] = mg_malloc(sizeof *sc);
    *t->s[t->n] = *sc;
    return t->s[t->n++];
}

static void save_named(void *ctx, ckpt_state *c)
{
    schedule_table *t = ctx;
    for (int k = 0; k < t->n; k++)
        schedule_save_in(t->s[k], c, t->s[k]->name);
}

/* The replayed deck has defined the same schedules; take their anchors. */
static int restore_named(void *ctx, ckpt_state *c, char *why, size_t whylen)
{
    schedule_table *t = ctx;
    for (int k = 0; k < t->n; k++) {
        ckpt_state *sub = ckpt_enter(c, t->s[k]->name);
        if (!sub)
            continue; /* defined after the checkpoint */
        int bad = schedule_restore(t->s[k], sub);
        ckpt_leave(sub);
        if (bad) {
            snprintf(why, whylen, "the state of schedule '%s' is incomplete", t->s[k]->name);
            return -1;
        }
    }
    return 0;
}

ckpt_section schedules_section(schedule_table *t)
{
    ckpt_section s = {"schedules", save_named, restore_named, t};
    return s;
}
