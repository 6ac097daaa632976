/* The run driver (run.h): stage bookkeeping and resuming part-way through
 * a command; the steps themselves are verlet.c's. */
#include "integrate/run.h"
#include "integrate/verlet.h"

#include <stdio.h>
#include <string.h>

void run_next_command(run_position *p) { p->stage = 0; }

int run_stage(md *s, fix_list *fx, run_position *p, int64_t nsteps, char *err, int errlen)
{
    int stage = p->stage++;
    run_resume r;
    memset(&r, 0, sizeof r);
    if (p->resume) {
        if (stage < p->resume_stage)
            return 0; /* finished before the checkpoint */
        if (nsteps != p->resume_steps) {
            snprintf(err, (size_t)errlen,
                     "restart: this run has %lld steps, but the checkpoint's had %lld (time step or schedule "
                     "changed?)", (long long)nsteps, (long long)p->resume_steps);
            return -1;
        }
        r.resumed = 1;
        r.done = p->resume_done;
        r.t0 = p->resume_t0;
        p->resume = 0;
    }
    p->run_steps = nsteps;
    p->run_t0 = r.resumed ? r.t0 : s->time;
    run_dynamics(s, fx, nsteps, &r);
    return 0;
}
