/* Observers: analyses that sample the running system (Voronoi motifs, pair
 * distribution functions, and later D2min, STZs, profiles, DMA).
 *
 * Every observer has the same small interface: it samples the decomposed
 * system in parallel at an interval and/or at the end of every stage (run,
 * quench, hold, each stage of a cycle), writes its tables, and saves its
 * state in a checkpoint. The run loop drives them through outputs (io/
 * output.h): at a step where an observer is due it samples first, so dumps
 * and H5MD frames written at the same step carry its fresh per-atom columns.
 *
 * Per-atom results live in per-atom properties (atoms_add_prop), one
 * property per column, so they migrate and sort with their atoms, appear as
 * dump and H5MD columns under the property's name, and are saved in
 * checkpoints without any code in the observer. Only replicated global
 * state (accumulated histograms, sample counts) needs save/restore. */
#ifndef MGMD_OBSERVER_H
#define MGMD_OBSERVER_H

#include <stdint.h>

#include "system/system.h"

struct ckpt_state; /* io/checkpoint.h */

typedef struct observer observer;

typedef struct observer_ops {
    const char *kind;                          /* "voronoi", "rdf", ...      */
    /* Sample the current state (collective). Owned atoms, ghosts, lists and
     * forces are current; owned atoms may have drifted up to half the
     * neighbour skin outside their sub-domain since the last rebuild. */
    void (*sample)(observer *ob, md *s);
    /* Start of a stage, before its first sample (collective; owned atoms
     * and ghosts are current). May be NULL. */
    void (*stage_begin)(observer *ob, md *s);
    /* End of a stage, after its last sample: write what accumulates over a
     * stage (collective). May be NULL. */
    void (*stage_end)(observer *ob, md *s);
    /* Replicated global state into / out of a checkpoint (collective; every
     * rank passes the same values). May be NULL when there is none. */
    void (*save)(observer *ob, struct ckpt_state *c);
    void (*restore)(observer *ob, struct ckpt_state *c);
    /* Close files, free data, remove per-atom properties. */
    void (*destroy)(observer *ob, md *s);
} observer_ops;

struct observer {
    char name[64];                 /* user's name, unique                    */
    const observer_ops *ops;
    int every;                     /* steps; 0: not at an interval           */
    int at_end;                    /* also at the end of every stage         */
    int64_t last_step;             /* last step sampled (no double samples)  */
    int nprops;                    /* per-atom properties it registered      */
    char props[24][32];            /* ("NAME_col"), dump/H5MD column names    */
    void *data;                    /* the observer's own                     */
};

/* A new observer (heap, data NULL) named `name` (the caller checked it
 * fits), sampling every `every` steps and/or at stage ends; nothing
 * sampled yet. */
observer *observer_new(const char *name, const observer_ops *ops, int every, int at_end);
/* Register per-atom property "NAME_col" of `width` doubles on s's atoms
 * (`integer`: it holds whole numbers, which dumps declare and print as
 * integers) and remember it; returns the property index (look it up again with
 * atoms_find_prop after other properties come and go). Fails collectively
 * if the name is too long or the table is full. */
int observer_add_prop(observer *ob, md *s, const char *col, int width, int integer);
/* Remove every property the observer registered (for destroy()). */
void observer_remove_props(observer *ob, md *s);
/* Is ob due at `step` of a run spanning [start, end]? */
int observer_due(const observer *ob, int64_t step, int64_t start, int64_t end);
/* Sample once (no-op if already sampled at this step). */
void observer_sample(observer *ob, md *s);

#endif
