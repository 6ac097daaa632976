/* Timers: an enum of sections and a name table, accumulated per rank and
 * reported at the end of a run as min/avg/max over ranks (LAMMPS' layout). */
#ifndef MGMD_TIMER_H
#define MGMD_TIMER_H

enum timer_section {
    TIMER_FORCE,    /* potential: densities, embedding, pair forces          */
    TIMER_NEIGH,    /* binning, neighbour lists, sorting                     */
    TIMER_COMM,     /* halo exchange, migration, reductions                  */
    TIMER_OUTPUT,   /* thermo, dumps, files                                  */
    TIMER_MODIFY,   /* integrator, thermostats, schedules                    */
    TIMER_NSECTION
};

typedef struct timers {
    double t[TIMER_NSECTION];
    double mark;          /* time of the last stamp                         */
    double run_start;
} timers;

void timers_reset(timers *tm);
/* Charge the time since the last stamp to section s and restamp. */
void timers_stamp(timers *tm, enum timer_section s);
/* Restamp without charging (time before this goes to "other"). */
void timers_mark(timers *tm);
const char *timers_name(enum timer_section s);

#endif
