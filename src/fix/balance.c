/* Load balance (parallel/balance.h, docs/methods.md#load-balance):
 *
 *   balance [by atoms|time] [dims D] [threshold T] [grid auto|keep]
 *   rebalance NAME every N [by atoms|time] [dims D] [threshold T]
 *
 * `balance` (an action) moves the decomposition's cuts now: each dimension
 * in D (a word of x, y, z; default xyz) is cut at the quantiles of the
 * weight along it, so every slab holds the same share. `by atoms` (the
 * default) weighs atoms alike; `by time` gives each atom its rank's force
 * time in the last run divided by the rank's atoms. Nothing moves if the
 * imbalance (max/mean of the weight per rank) is at most T (default 1, i.e.
 * always balance). With `grid auto` (the default unless `processors` fixed
 * all three dimensions) the rank grid is first chosen anew for the atoms
 * (balance_choose_grid: the least predicted imbalance with the ghost shell
 * counted): a wire in vacuum is cut as if the vacuum were not there. A new
 * grid moves atoms to other ranks, so `by time` then falls back to atoms
 * for this balance.
 *
 * `rebalance NAME every N` (a fix) does the same every N steps of a run,
 * after the drift and before the forces (the lists are rebuilt then), when
 * the imbalance since the last check exceeds T (default 1.1); the grid is
 * kept. `unfix NAME` ends it.
 *
 * The cuts (and a grid `balance` chose) are part of the decomposition: kept
 * across runs and written to checkpoints (system.c). Balancing moves atoms
 * between ranks and so changes the order of sums: results change in the
 * last bits, as with another rank count. Communication: balance.c's
 * reductions and the migration. */
#include "core/error.h"
#include "deck/deck.h"
#include "parallel/balance.h"
#include "parallel/parallel.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct balance_opts {
    int by_time;
    int dims;         /* bits: 1 x, 2 y, 4 z */
    double threshold; /* max/mean above which to balance */
    int grid_auto;
    int64_t every;
} balance_opts;

static void parse(deck *dk, int *i, balance_opts *o, int periodic)
{
    while (*i < dk->nargs) {
        const char *k = dk->args[(*i)++];
        if (!strcmp(k, "by")) {
            const char *w = deck_word(dk, i, "weight (atoms or time)");
            if (!strcmp(w, "atoms"))
                o->by_time = 0;
            else if (!strcmp(w, "time"))
                o->by_time = 1;
            else
                deck_fail(dk, "%s: by must be atoms or time, got '%s'", dk->args[0], w);
        } else if (!strcmp(k, "dims")) {
            const char *w = deck_word(dk, i, "dimensions (x, y, z or a combination such as xy)");
            o->dims = 0;
            for (const char *c = w; *c; c++) {
                int bit = *c == 'x' ? 1 : *c == 'y' ? 2 : *c == 'z' ? 4 : 0;
                if (!bit || (o->dims & bit))
                    deck_fail(dk, "%s: dims must be a word of distinct x, y, z (such as z or xy), got '%s'",
                              dk->args[0], w);
                o->dims |= bit;
            }
        } else if (!strcmp(k, "threshold")) {
            o->threshold = deck_real_in(dk, i, "imbalance threshold (max/mean)", 1.0, 1e6);
        } else if (!strcmp(k, "grid") && !periodic) {
            const char *w = deck_word(dk, i, "grid (auto or keep)");
            if (!strcmp(w, "auto"))
                o->grid_auto = 1;
            else if (!strcmp(w, "keep"))
                o->grid_auto = 0;
            else
                deck_fail(dk, "balance: grid must be auto or keep, got '%s'", w);
        } else if (!strcmp(k, "every") && periodic) {
            o->every = deck_int(dk, i, "steps between checks", 1, (int64_t)1 << 40);
        } else {
            deck_fail(dk, "%s: unknown keyword '%s' (expected %s)", dk->args[0], k,
                      periodic ? "every by dims threshold" : "by dims threshold grid");
        }
    }
}

/* This rank's weight per atom: 1, or its force time (s) per atom. */
static double weight_of(const md *s, int by_time, double force_time)
{
    if (!by_time)
        return 1.0;
    return s->atoms.nlocal > 0 ? force_time / s->atoms.nlocal : 0.0;
}

static void print_cuts(const decomp *dc)
{
    for (int d = 0; d < 3; d++) {
        printf("  cuts %c:", 'x' + d);
        for (int k = 0; k <= dc->grid[d]; k++)
            printf(" %.6g", dc->cuts[d][k]);
        printf("\n");
    }
}

/* Move the cuts of every dimension in o->dims to the weight's quantiles;
 * atoms are not migrated here. */
static void move_cuts(md *s, const balance_opts *o, double w)
{
    double *cuts[3];
    for (int d = 0; d < 3; d++)
        cuts[d] = mg_malloc((size_t)(s->dc.grid[d] + 1) * sizeof(double));
    balance_cuts(&s->dc, &s->atoms, &s->box, w, o->dims, cuts);
    if (decomp_set_cuts(&s->dc, (const double *const *)cuts) != 0)
        mg_fail_all("balance: internal error: the cuts computed are not rising from 0 to 1");
    for (int d = 0; d < 3; d++)
        free(cuts[d]);
}

void cmd_balance(deck *dk)
{
    deck_need_system(dk);
    md *s = dk->s;
    balance_opts o = {0, 7, 1.0, !(s->procs[0] && s->procs[1] && s->procs[2]), 0};
    int i = 1;
    parse(dk, &i, &o, 0);
    double force_time = s->tm.t[TIMER_FORCE];
    int by_time = o.by_time;
    if (by_time && !(par_max_double(force_time) > 0.0)) {
        if (par_rank() == 0)
            printf("balance: no force time measured yet (no run since the system was made): balancing by atoms\n");
        by_time = 0;
    }
    double w = weight_of(s, by_time, force_time);
    balance_load before, after;
    balance_measure(&s->atoms, w, &before);
    double imb = balance_imbalance(&before);
    if (imb <= o.threshold) {
        if (par_rank() == 0)
            printf("balance: %s per rank max/mean %.4f is within the threshold %.4g: nothing moved\n",
                   by_time ? "force time" : "atoms", imb, o.threshold);
        return;
    }
    int old[3] = {s->dc.grid[0], s->dc.grid[1], s->dc.grid[2]}, regrid = 0;
    double predicted = 0.0;
    if (o.grid_auto) {
        int grid[3];
        /* Before a potential is chosen, a typical EAM cutoff plus skin. */
        double h = s->nb.cutneigh_max > 0.0 ? s->nb.cutneigh_max : 8.0;
        if (balance_choose_grid(&s->atoms, &s->box, s->procs, h, grid, &predicted) == 0 &&
            (grid[0] != old[0] || grid[1] != old[1] || grid[2] != old[2])) {
            char err[256];
            if (decomp_setup(&s->dc, &s->box, grid, err, sizeof err) != 0)
                mg_fail_all("balance: %s", err);
            regrid = 1; /* md_atoms_changed migrates */
            if (by_time) {
                if (par_rank() == 0)
                    printf("balance: the grid changed, so the force time per rank no longer applies: "
                           "balancing by atoms\n");
                by_time = 0;
                w = 1.0;
            }
        }
    }
    move_cuts(s, &o, w);
    md_atoms_changed(s);
    balance_measure(&s->atoms, 1.0, &after);
    if (par_rank() == 0) {
        printf("balance: by %s, grid %dx%dx%d%s", by_time ? "force time" : "atoms", s->dc.grid[0], s->dc.grid[1],
               s->dc.grid[2], regrid ? "" : "\n");
        if (regrid)
            printf(" (was %dx%dx%d; chosen for the atoms: least atoms max/mean x (1 + ghosts per atom / 2), "
                   "predicted max/mean %.4f)\n", old[0], old[1], old[2], predicted);
        if (by_time)
            printf("  force time per rank max/mean before %.4f (its value after shows in the next run)\n", imb);
        printf("  atoms per rank: min %.0f mean %.1f max %.0f, max/mean %.4f before -> min %.0f max %.0f, "
               "max/mean %.4f after\n", before.atoms_min, before.atoms_mean, before.atoms_max,
               before.atoms_max / before.atoms_mean, after.atoms_min, after.atoms_max,
               after.atoms_max / after.atoms_mean);
        print_cuts(&s->dc);
        fflush(stdout);
    }
}

/* ---- rebalance: the periodic fix ---------------------------------------- */

typedef struct rebalance {
    balance_opts o;
    double force_time0; /* force time at the last check (s)          */
    int64_t nbalanced;  /* rebalances in the current run              */
    double last_imb;
} rebalance;

static void rb_begin_run(fix *f, md *s, const step_info *si)
{
    (void)si;
    rebalance *r = f->data;
    r->force_time0 = s->tm.t[TIMER_FORCE];
    r->nbalanced = 0;
    r->last_imb = 0.0;
}

static void rb_setup(fix *f, md *s, const step_info *si)
{
    (void)si;
    ((rebalance *)f->data)->force_time0 = s->tm.t[TIMER_FORCE];
}

static void rb_post_drift(fix *f, md *s, const step_info *si)
{
    rebalance *r = f->data;
    if (si->step % r->o.every != 0)
        return;
    double ft = s->tm.t[TIMER_FORCE] - r->force_time0;
    r->force_time0 = s->tm.t[TIMER_FORCE];
    int by_time = r->o.by_time && par_max_double(ft) > 0.0;
    double w = weight_of(s, by_time, ft);
    balance_load l;
    balance_measure(&s->atoms, w, &l);
    double imb = balance_imbalance(&l);
    r->last_imb = imb;
    if (imb <= r->o.threshold)
        return;
    move_cuts(s, &r->o, w);
    r->nbalanced++;
    fixes_reneighbor(f->list, s, si);
}

static void rb_end_run(fix *f, md *s, int stopped)
{
    (void)s;
    (void)stopped;
    rebalance *r = f->data;
    if (par_rank() == 0) {
        printf("rebalance %s: %lld rebalance%s in this run (every %lld steps, threshold %.4g by %s; last "
               "imbalance seen %.4f)\n", f->name, (long long)r->nbalanced, r->nbalanced == 1 ? "" : "s",
               (long long)r->o.every, r->o.threshold, r->o.by_time ? "force time" : "atoms", r->last_imb);
        fflush(stdout);
    }
}

static const fix_ops rebalance_ops = {
    .kind = "rebalance",
    .order = FIX_ORDER_USER,
    .begin_run = rb_begin_run,
    .setup = rb_setup,
    .post_drift = rb_post_drift,
    .end_run = rb_end_run,
    .destroy = fix_free_data,
};

void cmd_rebalance(deck *dk)
{
    int i = 1;
    const char *name = deck_word(dk, &i, "fix name");
    balance_opts o = {0, 7, 1.1, 0, 0};
    parse(dk, &i, &o, 1);
    if (o.every <= 0)
        deck_fail(dk, "rebalance: missing 'every N' (usage: rebalance NAME every N [by atoms|time] [dims D] "
                  "[threshold T])");
    rebalance *r = mg_calloc(1, sizeof *r);
    r->o = o;
    fix *f = fix_new(&rebalance_ops, name, 0);
    f->data = r;
    deck_add_fix(dk, f);
}
