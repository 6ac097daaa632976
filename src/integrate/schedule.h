/* Schedules: a scalar target as a function of time, for any fix and any
 * quantity (a temperature, a pressure or stress component, a strain or
 * strain rate, a tilt, an angle).
 *
 * A schedule is a sequence of segments, each a shape over a number of
 * steps, optionally repeated:
 *
 *   constant  v                       for its length (or for ever)
 *   ramp      v0 -> v1                linear in the step: at step k of a
 *                                     segment of n steps, v0 + (v1-v0) k/n
 *   sine      offset + amplitude sin(2 pi k / period + phase)
 *
 * Time is counted in steps from the schedule's anchor, so a ramp's values
 * are exact fractions of its length (a quench of n steps reaches its end
 * value at its n-th step, whatever the time step's rounding). Durations
 * given in ps are turned into steps when the schedule is defined, with the
 * time step of that moment; a sine's period stays a real number of steps.
 * After its last segment a schedule holds its final value.
 *
 * Anchors: a `per_run` schedule starts again at every run (LAMMPS' rule
 * for `temp T0 T1`: a ramp over each run); any other starts at the first
 * run that uses it and then runs on across runs and restarts (its anchor
 * is checkpointed). No communication: every rank evaluates the same
 * function of the step. */
#ifndef MGMD_SCHEDULE_H
#define MGMD_SCHEDULE_H

#include <stdint.h>

#include "core/ckpt_section.h"

#define SCHEDULE_MAX_SEGMENTS 256
#define SCHEDULE_NAME_LEN 32
/* Segment lengths: as long as the run in progress; or without end. */
#define SCHEDULE_RUN (-1)
#define SCHEDULE_FOREVER INT64_MAX

enum schedule_shape { SCHEDULE_CONSTANT, SCHEDULE_RAMP, SCHEDULE_SINE };

typedef struct schedule_segment {
    enum schedule_shape shape;
    int64_t steps;             /* length, SCHEDULE_RUN or SCHEDULE_FOREVER    */
    double v0, v1;             /* constant: v0; ramp: from v0 to v1           */
    double amplitude, period;  /* sine: period in steps (> 0)                 */
    double phase, offset;      /* sine: phase (rad), offset (the target unit) */
} schedule_segment;

typedef struct schedule {
    char name[SCHEDULE_NAME_LEN];  /* "" for a fix's own (inline) schedule    */
    int quantity;              /* enum quantity (core/units.h), -1 if none    */
    int nseg;
    schedule_segment seg[SCHEDULE_MAX_SEGMENTS];
    int64_t repeat;            /* times the sequence runs (>= 1)              */
    int per_run;               /* anchored at every run's start               */
    int64_t anchor;            /* absolute step of its step 0; -1 not started */
} schedule;

/* When a value is wanted: the absolute step, and the run in progress. */
typedef struct schedule_clock {
    int64_t step;
    int64_t run_start;         /* absolute step of the run's step 0           */
    int64_t run_steps;         /* the run's length                            */
} schedule_clock;

/* A schedule holding v for ever. */
void schedule_constant(schedule *sc, double v, int quantity);
/* v0 -> v1 over every run (LAMMPS' start and stop values). */
void schedule_run_ramp(schedule *sc, double v0, double v1, int quantity);
/* Append a segment. Returns 0, or -1 with a message (full; a segment after
 * one without end; a non-positive length or sine period; a non-finite
 * value). */
int schedule_append(schedule *sc, const schedule_segment *seg, char *err, int errlen);
/* Value at the clock's step. */
double schedule_value(const schedule *sc, const schedule_clock *c);
/* A run begins: anchor a schedule that has not started yet. */
void schedule_begin_run(schedule *sc, int64_t run_start);
/* Has it started counting steps from an absolute anchor (so a reset of
 * the step counter would make it jump)? Per-run schedules have not. */
static inline int schedule_started(const schedule *sc) { return !sc->per_run && sc->anchor >= 0; }
/* Steps from its start to its end (repeats included), or -1 if a segment
 * lasts a run or for ever. */
int64_t schedule_length(const schedule *sc);
/* Its value at the end of segment k (the start value of the next). */
double schedule_segment_end(const schedule *sc, int k);
/* One line describing it ("ramp 300 -> 900 over 60000 steps, then ..."). */
void schedule_describe(const schedule *sc, char *out, int len);

/* Checkpoint: the whole schedule (definition and anchor), in c itself or
 * in its sub-group `name` (a fix's target). Restore returns 0 or -1. */
void schedule_save(const schedule *sc, ckpt_state *c);
int schedule_restore(schedule *sc, ckpt_state *c);
void schedule_save_in(const schedule *sc, ckpt_state *c, const char *name);
int schedule_restore_from(schedule *sc, ckpt_state *c, const char *name);

/* The study's named schedules (the `schedule` command), which fixes take
 * as targets by name. */
#define SCHEDULE_MAX_NAMED 64
typedef struct schedule_table {
    int n;
    schedule *s[SCHEDULE_MAX_NAMED]; /* heap, so fixes may keep pointers     */
} schedule_table;

void schedules_init(schedule_table *t);
void schedules_destroy(schedule_table *t);
schedule *schedules_find(const schedule_table *t, const char *name);
/* Define (or redefine in place) a named schedule. Returns it, or NULL if
 * the table is full. */
schedule *schedules_define(schedule_table *t, const schedule *sc);
/* Its checkpoint section ("schedules": each named schedule's state). */
ckpt_section schedules_section(schedule_table *t);

#endif
