/* Progress lines (progress.h). */
#include "io/progress.h"
#include "core/error.h"
#include "parallel/parallel.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct progress {
    double every;                /* s of wall time; 0 none                   */
    double next;                 /* s after the run's start                  */
} progress;

static void setup(fix *f, md *s, const step_info *si)
{
    progress *p = f->data;
    p->next = p->every > 0 ? p->every : INFINITY;
}

static int end_of_step(fix *f, md *s, const step_info *si)
{
    progress *p = f->data;
    double wall = s->tm.mark - si->wall0;
    if (par_rank() != 0 || wall < p->next || si->n >= si->nsteps)
        return 0;
    p->next += p->every;
    double rate = wall > 0 ? (double)(si->n - si->first) / wall : 0.0;
    double left = rate > 0 ? (double)(si->nsteps - si->n) / rate : 0.0;
    char eta[64];
    if (left >= 3600)
        snprintf(eta, sizeof eta, "%d h %02d min", (int)(left / 3600), (int)fmod(left / 60, 60));
    else if (left >= 60)
        snprintf(eta, sizeof eta, "%d min %02d s", (int)(left / 60), (int)fmod(left, 60));
    else
        snprintf(eta, sizeof eta, "%.0f s", left);
    printf("progress: step %lld, %lld of %lld (%.1f %%), %.6g ps, %.3g atom-steps/s, %s left\n",
           (long long)s->step, (long long)si->n, (long long)si->nsteps, 100.0 * (double)si->n / (double)si->nsteps,
           s->time, rate * (double)s->atoms.natoms, eta);
    fflush(stdout);
    return 0;
}

static void destroy(fix *f, md *s) { free(f->data); }

static const fix_ops progress_ops = {
    .kind = "progress",
    .order = FIX_ORDER_REPORT,
    .setup = setup,
    .end_of_step = end_of_step,
    .destroy = destroy,
};

fix *progress_fix(double every)
{
    fix *f = fix_new(&progress_ops, "progress", GROUP_ALL);
    progress *p = mg_calloc(1, sizeof *p);
    p->every = every;
    f->data = p;
    return f;
}

void progress_set_every(fix *f, double every) { ((progress *)f->data)->every = every; }
double progress_every(const fix *f) { return ((const progress *)f->data)->every; }
