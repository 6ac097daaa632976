/* Per-rank section timers (timer.h) on par_wtime() (MPI_Wtime, the local
 * wall clock). Each stamp charges the interval since the previous stamp or
 * mark to exactly one section, so sections never overlap; what a mark
 * skips becomes the "Other" row (run time less all sections) of the timing
 * table. No communication: the table's min/avg/max over ranks are reduced
 * by its writer (integrate/verlet.c). */
#include "core/timer.h"
#include "parallel/parallel.h"

#include <string.h>

static const char *names[TIMER_NSECTION] = {"Force", "Neigh", "Comm", "Output", "Modify"};

void timers_reset(timers *tm)
{
    memset(tm, 0, sizeof *tm);
    tm->mark = tm->run_start = par_wtime();
}

void timers_stamp(timers *tm, enum timer_section s)
{
    double now = par_wtime();
    tm->t[s] += now - tm->mark;
    tm->mark = now;
}

void timers_mark(timers *tm) { tm->mark = par_wtime(); }
const char *timers_name(enum timer_section s) { return names[s]; }
