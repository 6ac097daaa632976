/* Schedules (integrate/schedule.h) against closed forms written here.
 *
 *   constant       the value at any step, before and after any anchor;
 *   run ramp       schedule_run_ramp(v0, v1) at run step n of an N-step run
 *                  is bitwise v0 + (v1 - v0) * (double)n / (double)N, the
 *                  expression mgmd's run loop has always used (and v1 for a
 *                  run of 0 steps), for every n of several runs, rising and
 *                  falling, with values whose difference is not exact;
 *   sequence       ramp -> hold -> ramp (discontinuous, so a boundary step
 *                  shows which segment it belongs to): the value at every
 *                  step; a boundary belongs to the next segment; the last
 *                  segment reaches its end value at its last step; after the
 *                  end the final value holds; before the anchor, the first;
 *   sine           offset + amplitude sin(2 pi k / period + phase) with a
 *                  non-integer period, against a long double evaluation, to
 *                  1e-14 relative to |offset| + |amplitude|; as the last
 *                  segment its value at its end holds afterwards; without
 *                  end it runs on;
 *   repeat         a sequence repeated N times has the period of one pass,
 *                  its end value is reached only at the end of the last pass
 *                  and holds afterwards;
 *   anchoring      schedule_begin_run anchors a schedule that is not
 *                  per-run at the first run only; a per-run schedule (run
 *                  ramp, or a sequence ending with a segment lasting a run)
 *                  follows each run's start;
 *   refusals       schedule_append refuses a segment after an endless one
 *                  (for ever, or over each run), a zero or negative length,
 *                  a non-finite value, a non-positive or non-finite sine
 *                  period and a 65th segment, each with a non-empty message
 *                  and the schedule unchanged;
 *   length         schedule_length (repeats included; -1 when a segment
 *                  lasts a run or for ever).
 *
 * One ok/FAIL line per check group with the measured values; exit status
 * non-zero on any failure. Serial: par_init/par_finalize only because the
 * engine library links MPI. */
#include "integrate/schedule.h"
#include "parallel/parallel.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "serial_report.h"

/* An empty schedule, as the `schedule` command starts one. */
static void empty(schedule *sc)
{
    memset(sc, 0, sizeof *sc);
    sc->quantity = -1;
    sc->repeat = 1;
    sc->anchor = -1;
}

static int append(schedule *sc, schedule_segment g)
{
    char err[256] = "";
    if (schedule_append(sc, &g, err, sizeof err) != 0) {
        printf("FAIL test setup: schedule_append refused a valid segment: %s\n", err);
        failures++;
        return -1;
    }
    return 0;
}

static schedule_segment ramp(double v0, double v1, int64_t n)
{
    return (schedule_segment){.shape = SCHEDULE_RAMP, .steps = n, .v0 = v0, .v1 = v1};
}

static schedule_segment hold(double v, int64_t n)
{
    return (schedule_segment){.shape = SCHEDULE_CONSTANT, .steps = n, .v0 = v, .v1 = v};
}

static schedule_segment sine(double offset, double amp, double period, double phase, int64_t n)
{
    return (schedule_segment){
        .shape = SCHEDULE_SINE, .steps = n, .amplitude = amp, .period = period, .phase = phase, .offset = offset};
}

static double value(const schedule *sc, int64_t step, int64_t run_start, int64_t run_steps)
{
    schedule_clock c = {step, run_start, run_steps};
    return schedule_value(sc, &c);
}

/* The run loop's ramp, as it has always been written (ensemble_target). */
static double legacy_target(double t_start, double t_stop, int64_t n, int64_t nsteps)
{
    if (nsteps <= 0)
        return t_stop;
    return t_start + (t_stop - t_start) * (double)n / (double)nsteps;
}

/* A ramp's documented value at step k of n: v0 + (v1 - v0) k / n. */
static double ramp_at(double v0, double v1, int64_t k, int64_t n) { return v0 + (v1 - v0) * (double)k / (double)n; }

static double relerr(double got, double want)
{
    if (got == want)
        return 0.0;
    return fabs(got - want) / fmax(fabs(want), 1e-300);
}

/* ---- constant ------------------------------------------------------------- */

static void test_constant(void)
{
    schedule sc;
    schedule_constant(&sc, 312.625, -1);
    int bad = 0;
    int64_t steps[] = {0, 1, 7, 1000, 123456789, (int64_t)1 << 50};
    for (size_t a = 0; a < sizeof steps / sizeof steps[0]; a++)
        for (size_t r = 0; r < sizeof steps / sizeof steps[0]; r++)
            bad += value(&sc, steps[a], steps[r], 1000) != 312.625;
    schedule_begin_run(&sc, 500);
    for (int64_t k = 0; k < 2000; k++)
        bad += value(&sc, k, 1500, 100) != 312.625;
    report(!bad, "constant: %d of %d values differ from 312.625", bad,
           (int)(sizeof steps / sizeof steps[0] * sizeof steps / sizeof steps[0]) + 2000);
}

/* ---- per-run ramp: bitwise the legacy expression ------------------------------ */

static void test_run_ramp(void)
{
    struct {
        double v0, v1;
        int64_t start, n;
    } runs[] = {
        {300.0, 900.0, 0, 1000},   {900.0, 300.0, 1000, 37},       {1.1, 0.1, 1037, 1013},
        {0.7, 3.3, 5000, 1},       {273.15, 0.001, 7, 4999},       {1e-3, 5e4, 123456789, 777},
        {300.0, 300.0, 42, 10},    {2.2, 1.01325, 0, 0},
    };
    int bad = 0, total = 0, nruns = (int)(sizeof runs / sizeof runs[0]);
    double worst = 0;
    for (int r = 0; r < nruns; r++) {
        schedule sc;
        schedule_run_ramp(&sc, runs[r].v0, runs[r].v1, -1);
        /* Runs of one fix: begin_run at each, the ramp starts again. */
        for (int again = 0; again < 2; again++) {
            int64_t start = runs[r].start + again * (runs[r].n + 5);
            schedule_begin_run(&sc, start);
            for (int64_t n = 0; n <= runs[r].n; n++) {
                double got = value(&sc, start + n, start, runs[r].n);
                double want = legacy_target(runs[r].v0, runs[r].v1, n, runs[r].n);
                total++;
                if (memcmp(&got, &want, sizeof got) != 0) {
                    bad++;
                    worst = fmax(worst, relerr(got, want));
                }
            }
        }
    }
    report(!bad, "per-run ramp: %d of %d values (%d runs, twice each) not bitwise v0 + (v1 - v0) n / N (worst relative %.2e)",
           bad, total, nruns, worst);
    schedule sc;
    schedule_run_ramp(&sc, 10.0, 20.0, -1);
    report(sc.per_run == 1 && schedule_length(&sc) == -1,
           "per-run ramp: per_run %d (want 1), schedule_length %lld (want -1)", sc.per_run,
           (long long)schedule_length(&sc));
}

/* ---- sequence ramp -> hold -> ramp ----------------------------------------------- */

typedef struct piece {
    int shape; /* 0 ramp, 1 hold */
    double v0, v1;
    int64_t n;
} piece;

/* Closed form of a sequence of ramps and holds at step k >= 0. */
static double seq_at(const piece *p, int np, int64_t k)
{
    for (int j = 0; j < np; j++) {
        if (k < p[j].n)
            return p[j].shape == 1 ? p[j].v0 : ramp_at(p[j].v0, p[j].v1, k, p[j].n);
        k -= p[j].n;
    }
    /* Past the last segment: its end value. */
    return p[np - 1].shape == 1 ? p[np - 1].v0 : p[np - 1].v1;
}

static void test_sequence(void)
{
    /* Discontinuous at each boundary, with inexact differences. */
    const piece p[] = {{0, 300.0, 900.0, 100}, {1, 950.0, 950.0, 50}, {0, 400.3, 111.1, 30}};
    const int np = 3;
    schedule sc;
    empty(&sc);
    append(&sc, ramp(300.0, 900.0, 100));
    append(&sc, hold(950.0, 50));
    append(&sc, ramp(400.3, 111.1, 30));
    const int64_t anchor = 2000;
    schedule_begin_run(&sc, anchor);
    int bad = 0, total = 0;
    double worst = 0;
    for (int64_t k = 0; k <= 400; k++) {
        double got = value(&sc, anchor + k, anchor, 1000), want = seq_at(p, np, k);
        double e = relerr(got, want);
        worst = fmax(worst, e);
        bad += e > 1e-15;
        total++;
    }
    report(!bad, "sequence ramp 300->900/100, hold 950/50, ramp 400.3->111.1/30: %d of %d steps off the closed form "
           "(worst relative %.2e, tol 1e-15)", bad, total, worst);

    double b100 = value(&sc, anchor + 100, anchor, 1000), b150 = value(&sc, anchor + 150, anchor, 1000);
    double b99 = value(&sc, anchor + 99, anchor, 1000), b149 = value(&sc, anchor + 149, anchor, 1000);
    report(b100 == 950.0 && b150 == 400.3 && b99 == ramp_at(300, 900, 99, 100) && b149 == 950.0,
           "sequence boundaries belong to the next segment: step 99 %.10g, 100 %.10g (want 950), 149 %.10g, 150 "
           "%.10g (want 400.3)", b99, b100, b149, b150);

    /* The last segment's end value at its last step: v0 + (v1 - v0) n / n, which is v1 to rounding (v1
     * itself is accepted too), and v1 itself from the next step on, whatever run asks. */
    double last = value(&sc, anchor + 180, anchor, 1000), before = value(&sc, anchor + 179, anchor, 1000);
    double want_before = ramp_at(400.3, 111.1, 29, 30), want_last = ramp_at(400.3, 111.1, 30, 30);
    double after[4] = {value(&sc, anchor + 181, anchor, 1000), value(&sc, anchor + 1000, anchor, 1000),
                       value(&sc, anchor + 100000000, anchor, 1000), value(&sc, anchor + 500, anchor + 400, 5)};
    int hold_ok = 1;
    for (int q = 0; q < 4; q++)
        hold_ok &= after[q] == 111.1;
    report((last == want_last || last == 111.1) && relerr(last, 111.1) <= 1e-15 && before == want_before && hold_ok,
           "sequence end: step 179 %.17g (want %.17g), step 180 %.17g (want %.17g, v1 = 111.1 to %.1e%s), "
           "then held at v1: %.17g %.17g %.17g %.17g",
           before, want_before, last, want_last, relerr(last, 111.1), last == 111.1 ? ", exactly" : "", after[0],
           after[1], after[2], after[3]);

    double early[2] = {value(&sc, anchor - 1, anchor, 1000), value(&sc, 0, 0, 1000)};
    report(early[0] == 300.0 && early[1] == 300.0,
           "sequence before its anchor: %.10g, %.10g (want the first value 300)", early[0], early[1]);

    /* A hold last: its value from its first step on, for ever. */
    schedule s2;
    empty(&s2);
    append(&s2, ramp(10.0, 20.0, 4));
    append(&s2, hold(5.0, 3));
    double v[10];
    int ok2 = 1;
    for (int k = 0; k < 10; k++) {
        v[k] = value(&s2, k, 0, 100);
        double want = k < 4 ? ramp_at(10, 20, k, 4) : 5.0;
        ok2 &= v[k] == want;
    }
    report(ok2, "ramp 10->20/4 then hold 5/3: %g %g %g %g | %g %g %g | %g %g %g", v[0], v[1], v[2], v[3], v[4], v[5],
           v[6], v[7], v[8], v[9]);
}

/* ---- sine --------------------------------------------------------------------- */

static long double sine_ref(double offset, double amp, double period, double phase, int64_t k)
{
    const long double pi = 3.141592653589793238462643383279502884L;
    return (long double)offset + (long double)amp * sinl(2.0L * pi * (long double)k / (long double)period +
                                                         (long double)phase);
}

static void test_sine(void)
{
    struct {
        double offset, amp, period, phase;
        int64_t n;
    } c[] = {{300.0, 50.0, 37.3, 0.4, 200}, {-2.0, 3.0, 9.5, -1.1, 60}, {0.0, 1.0e4, 1234.567, 3.0, 2500}};
    for (int q = 0; q < 3; q++) {
        schedule sc;
        empty(&sc);
        append(&sc, sine(c[q].offset, c[q].amp, c[q].period, c[q].phase, c[q].n));
        schedule_begin_run(&sc, 10);
        double scale = fabs(c[q].offset) + fabs(c[q].amp), worst = 0;
        for (int64_t k = 0; k <= c[q].n; k++) {
            double got = value(&sc, 10 + k, 10, 5);
            double e = fabs((double)((long double)got - sine_ref(c[q].offset, c[q].amp, c[q].period, c[q].phase, k))) /
                       scale;
            worst = fmax(worst, e);
        }
        double endv = (double)sine_ref(c[q].offset, c[q].amp, c[q].period, c[q].phase, c[q].n);
        double a1 = value(&sc, 10 + c[q].n + 1, 10, 5), a2 = value(&sc, 10 + 10 * c[q].n, 10, 5);
        double eh = fmax(fabs(a1 - endv), fabs(a2 - endv)) / scale;
        report(worst <= 1e-14 && eh <= 1e-14,
               "sine %g + %g sin(2 pi k/%g + %g) for %lld steps: max relative error %.2e over steps 0..%lld "
               "(tol 1e-14); after the end %.15g, %.15g (want the value at step %lld, %.15g)",
               c[q].offset, c[q].amp, c[q].period, c[q].phase, (long long)c[q].n, worst, (long long)c[q].n, a1, a2,
               (long long)c[q].n, endv);
    }
    /* Without end: runs on. Near (arguments up to ~60 rad) to 1e-14; far out
     * (step 10^7, argument ~1.7e6 rad) the argument itself carries a
     * rounding of a few ulp of its size, so the bound there is 8 ulp(arg). */
    schedule sc;
    empty(&sc);
    append(&sc, hold(7.0, 10));
    append(&sc, sine(300.0, 50.0, 37.3, 0.4, SCHEDULE_FOREVER));
    double worst = 0, worst_far = 0;
    for (int64_t k = 10; k <= 360; k++) {
        double got = value(&sc, k, 0, 5);
        worst = fmax(worst, fabs((double)((long double)got - sine_ref(300.0, 50.0, 37.3, 0.4, k - 10))) / 350.0);
    }
    int far_ok = 1;
    for (int64_t k = 10000000; k < 10000000 + 50; k++) {
        double got = value(&sc, k, 0, 5);
        double err = fabs((double)((long double)got - sine_ref(300.0, 50.0, 37.3, 0.4, k - 10)));
        double arg = 2.0 * M_PI * (double)(k - 10) / 37.3 + 0.4;
        double bound = 8.0 * (nextafter(arg, INFINITY) - arg) * 50.0 + 1e-14 * 350.0;
        far_ok &= err <= bound;
        worst_far = fmax(worst_far, err / bound);
    }
    report(worst <= 1e-14 && far_ok && value(&sc, 9, 0, 5) == 7.0 && schedule_length(&sc) == -1,
           "hold 7/10 then sine for ever: step 9 %g (want 7), max relative error %.2e over steps 10..360 (tol 1e-14); "
           "at steps 1e7.. error up to %.2f of 8 ulp(argument); length %lld",
           value(&sc, 9, 0, 5), worst, worst_far, (long long)schedule_length(&sc));
}

/* ---- repeat ------------------------------------------------------------------------ */

static void test_repeat(void)
{
    /* One pass: hold 5 for 4, ramp 0 -> 10 over 10 (14 steps); 3 passes. */
    const piece p[] = {{1, 5.0, 5.0, 4}, {0, 0.0, 10.0, 10}};
    schedule sc;
    empty(&sc);
    append(&sc, hold(5.0, 4));
    append(&sc, ramp(0.0, 10.0, 10));
    sc.repeat = 3;
    schedule_begin_run(&sc, 100);
    int bad = 0, nonperiodic = 0;
    for (int64_t k = 0; k < 42; k++) {
        double got = value(&sc, 100 + k, 100, 1);
        bad += got != seq_at(p, 2, k % 14);
        if (k + 14 < 42)
            nonperiodic += got != value(&sc, 100 + k + 14, 100, 1);
    }
    double at13 = value(&sc, 113, 100, 1), at14 = value(&sc, 114, 100, 1), at28 = value(&sc, 128, 100, 1);
    double at41 = value(&sc, 141, 100, 1), at42 = value(&sc, 142, 100, 1);
    double after[3] = {value(&sc, 143, 100, 1), value(&sc, 100 + 14 * 3 + 14, 100, 1), value(&sc, 100000, 100, 1)};
    int hold_ok = at42 == 10.0 && after[0] == 10.0 && after[1] == 10.0 && after[2] == 10.0;
    report(!bad && !nonperiodic && at14 == 5.0 && at28 == 5.0 && hold_ok,
           "repeat 3 of (hold 5/4, ramp 0->10/10): %d steps off the closed form, %d not periodic; step 13 %g, 14 %g "
           "and 28 %g (a new pass: 5), 41 %g, 42 %g (end: 10), then %g %g %g",
           bad, nonperiodic, at13, at14, at28, at41, at42, after[0], after[1], after[2]);
    report(schedule_length(&sc) == 42, "repeat: schedule_length %lld (want 42)", (long long)schedule_length(&sc));
}

/* ---- anchoring ------------------------------------------------------------------- */

static void test_anchor(void)
{
    schedule sc;
    empty(&sc);
    append(&sc, ramp(100.0, 200.0, 1000));
    append(&sc, hold(200.0, 500));
    /* Not started: follows the run asked about. */
    double pre = value(&sc, 5050, 5000, 100);
    schedule_begin_run(&sc, 5000); /* first run: anchors */
    int64_t a1 = sc.anchor;
    double r1 = value(&sc, 5050, 5000, 100);
    schedule_begin_run(&sc, 5100); /* second run: keeps the first anchor */
    int64_t a2 = sc.anchor;
    double r2 = value(&sc, 5150, 5100, 300);
    double r2b = value(&sc, 5100, 5100, 300);
    report(pre == ramp_at(100, 200, 50, 1000) && a1 == 5000 && a2 == 5000 && r1 == ramp_at(100, 200, 50, 1000) &&
               r2 == ramp_at(100, 200, 150, 1000) && r2b == ramp_at(100, 200, 100, 1000),
           "anchoring (not per run): anchor after run 1 %lld, after run 2 %lld (want 5000); step 5050 %.10g, "
           "step 5150 in run 2 %.10g (want %.10g, k = 150 from the first run)",
           (long long)a1, (long long)a2, r1, r2, ramp_at(100, 200, 150, 1000));

    /* Per run: a run ramp, and a sequence whose last segment lasts a run. */
    schedule pr;
    schedule_run_ramp(&pr, 100.0, 200.0, -1);
    schedule_begin_run(&pr, 5000);
    int64_t pa1 = pr.anchor;
    double p1 = value(&pr, 5050, 5000, 100);
    schedule_begin_run(&pr, 5100);
    double p2 = value(&pr, 5150, 5100, 100), p2e = value(&pr, 5200, 5100, 100);
    report(pa1 == -1 && p1 == legacy_target(100, 200, 50, 100) && p2 == legacy_target(100, 200, 50, 100) &&
               p2e == legacy_target(100, 200, 100, 100),
           "anchoring (run ramp): anchor %lld (want -1), step 50 of run 1 %.10g, of run 2 %.10g, end of run 2 %.10g",
           (long long)pa1, p1, p2, p2e);

    /* A per-run schedule carrying an anchor (as if restored from a
     * checkpoint written while it was anchored) still follows each run. */
    schedule pa;
    schedule_run_ramp(&pa, 100.0, 200.0, -1);
    pa.anchor = 123;
    schedule_begin_run(&pa, 5000);
    double pa_v = value(&pa, 5050, 5000, 100);
    report(pa_v == legacy_target(100, 200, 50, 100) && pa.anchor == 123,
           "anchoring (run ramp with a stale anchor 123): step 50 of a run from 5000 %.10g (want %.10g)", pa_v,
           legacy_target(100, 200, 50, 100));

    /* How long a last segment lasting a run is after earlier segments is
     * not asserted here, only that the schedule starts again at each run. */
    schedule sq;
    empty(&sq);
    append(&sq, hold(50.0, 10));
    append(&sq, ramp(60.0, 80.0, SCHEDULE_RUN));
    schedule_begin_run(&sq, 700);
    double run1[41], run2[41];
    for (int k = 0; k <= 40; k++)
        run1[k] = value(&sq, 700 + k, 700, 40);
    schedule_begin_run(&sq, 900);
    int differ = 0;
    for (int k = 0; k <= 40; k++) {
        run2[k] = value(&sq, 900 + k, 900, 40);
        differ += memcmp(&run1[k], &run2[k], sizeof run1[k]) != 0;
    }
    report(sq.per_run == 1 && sq.anchor == -1 && run1[0] == 50.0 && run1[9] == 50.0 && run1[10] == 60.0 && !differ,
           "anchoring (hold then ramp over each run): per_run %d (want 1), anchor %lld (want -1); run 1 steps 0, 9, "
           "10: %g %g %g (want 50 50 60); steps of run 2 unlike run 1's: %d of 41",
           sq.per_run, (long long)sq.anchor, run1[0], run1[9], run1[10], differ);
}

/* ---- refusals -------------------------------------------------------------------- */

static void test_refusals(void)
{
    struct {
        const char *what;
        int base; /* 0 empty, 1 ends for ever, 2 ends over each run, 3 one finite segment */
        schedule_segment g;
    } c[] = {
        {"after a segment for ever", 1, {.shape = SCHEDULE_CONSTANT, .steps = 10, .v0 = 1, .v1 = 1}},
        {"after a segment over each run", 2, {.shape = SCHEDULE_CONSTANT, .steps = 10, .v0 = 1, .v1 = 1}},
        {"zero length", 3, {.shape = SCHEDULE_RAMP, .steps = 0, .v0 = 1, .v1 = 2}},
        {"negative length", 0, {.shape = SCHEDULE_CONSTANT, .steps = -5, .v0 = 1, .v1 = 1}},
        {"NaN value", 0, {.shape = SCHEDULE_RAMP, .steps = 10, .v0 = NAN, .v1 = 2}},
        {"infinite end value", 3, {.shape = SCHEDULE_RAMP, .steps = 10, .v0 = 1, .v1 = INFINITY}},
        {"NaN amplitude", 0, {.shape = SCHEDULE_SINE, .steps = 10, .amplitude = NAN, .period = 5}},
        {"infinite offset", 0, {.shape = SCHEDULE_SINE, .steps = 10, .amplitude = 1, .period = 5, .offset = -INFINITY}},
        {"NaN phase", 0, {.shape = SCHEDULE_SINE, .steps = 10, .amplitude = 1, .period = 5, .phase = NAN}},
        {"zero period", 0, {.shape = SCHEDULE_SINE, .steps = 10, .amplitude = 1, .period = 0}},
        {"negative period", 3, {.shape = SCHEDULE_SINE, .steps = 10, .amplitude = 1, .period = -3}},
        {"NaN period", 0, {.shape = SCHEDULE_SINE, .steps = 10, .amplitude = 1, .period = NAN}},
        {"infinite period", 0, {.shape = SCHEDULE_SINE, .steps = SCHEDULE_FOREVER, .amplitude = 1, .period = INFINITY}},
    };
    int nc = (int)(sizeof c / sizeof c[0]);
    int bad = 0;
    for (int q = 0; q < nc; q++) {
        schedule sc;
        empty(&sc);
        if (c[q].base == 1)
            append(&sc, hold(3.0, SCHEDULE_FOREVER));
        else if (c[q].base == 2)
            append(&sc, ramp(3.0, 4.0, SCHEDULE_RUN));
        else if (c[q].base == 3)
            append(&sc, hold(3.0, 10));
        schedule before = sc;
        char err[256] = "";
        int rc = schedule_append(&sc, &c[q].g, err, sizeof err);
        int ok = rc == -1 && err[0] != '\0' && memcmp(&before, &sc, sizeof sc) == 0;
        bad += !ok;
        report(ok, "schedule_append refuses %s: returned %d, schedule %s, message \"%s\"", c[q].what, rc,
               memcmp(&before, &sc, sizeof sc) == 0 ? "unchanged" : "CHANGED", err);
    }
    /* Full. */
    schedule sc;
    empty(&sc);
    int filled = 0;
    for (int k = 0; k < SCHEDULE_MAX_SEGMENTS; k++)
        filled += append(&sc, hold((double)k, 1)) == 0;
    schedule_segment g = hold(1.0, 1);
    char err[256] = "";
    int rc = schedule_append(&sc, &g, err, sizeof err);
    report(filled == SCHEDULE_MAX_SEGMENTS && rc == -1 && err[0] && sc.nseg == SCHEDULE_MAX_SEGMENTS,
           "schedule_append refuses segment %d: returned %d, message \"%s\" (%d segments accepted first)",
           SCHEDULE_MAX_SEGMENTS + 1, rc, err, filled);
    /* And accepts the valid edge cases. */
    schedule ok;
    empty(&ok);
    int good = 0;
    schedule_segment e1 = ramp(1.0, 2.0, 1), e2 = sine(0.0, 1.0, 1e-3, 0.0, 1), e3 = hold(-0.0, SCHEDULE_FOREVER);
    char e[256];
    good += schedule_append(&ok, &e1, e, sizeof e) == 0;
    good += schedule_append(&ok, &e2, e, sizeof e) == 0;
    good += schedule_append(&ok, &e3, e, sizeof e) == 0;
    report(good == 3 && ok.nseg == 3, "schedule_append accepts a 1-step ramp, a sine of period 0.001, then a hold for "
           "ever: %d of 3", good);
    (void)bad;
}

/* ---- length ------------------------------------------------------------------------ */

static void test_length(void)
{
    schedule a, b, c, d, e;
    empty(&a);
    append(&a, ramp(1, 2, 100));
    append(&a, hold(2, 50));
    append(&a, sine(0, 1, 3.3, 0, 30));
    empty(&b);
    b = a;
    b.repeat = 7;
    schedule_constant(&c, 5, -1);
    empty(&d);
    append(&d, hold(1, 10));
    append(&d, ramp(1, 2, SCHEDULE_RUN));
    empty(&e);
    int64_t la = schedule_length(&a), lb = schedule_length(&b), lc = schedule_length(&c), ld = schedule_length(&d),
            le = schedule_length(&e);
    report(la == 180 && lb == 1260 && lc == -1 && ld == -1 && le == 0,
           "schedule_length: 100+50+30 -> %lld (180), x7 repeats -> %lld (1260), constant -> %lld (-1), "
           "hold then over each run -> %lld (-1), empty -> %lld (0)",
           (long long)la, (long long)lb, (long long)lc, (long long)ld, (long long)le);
    double v = value(&e, 10, 0, 10);
    report(v == 0.0, "empty schedule's value: %g (0)", v);
}

int main(int argc, char **argv)
{
    par_init(&argc, &argv);
    if (par_rank() == 0) {
        test_constant();
        test_run_ramp();
        test_sequence();
        test_sine();
        test_repeat();
        test_anchor();
        test_refusals();
        test_length();
        printf("%d checks, %d passed, %d failed\n", checks, checks - failures, failures);
    }
    int f = par_max_int(failures);
    par_finalize();
    return f ? 1 : 0;
}
