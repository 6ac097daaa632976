/* reset_timestep N [time T]: set the step counter to N (and, with `time`,
 * the clock to T ps; otherwise the clock keeps its value, as LAMMPS 2021
 * does). Refused while a fix follows a schedule that counts steps from a
 * start it has already had (a reset would make it jump); schedules that
 * ramp over each run are fine. An action: skipped when a restart replays
 * the deck (the checkpoint has the step). No communication. */
#include "deck/deck.h"

#include <math.h>
#include <string.h>

void cmd_reset_timestep(deck *dk)
{
    deck_need_system(dk);
    int i = 1;
    int64_t n = deck_int(dk, &i, "step", 0, INT64_C(1) << 60);
    double t = dk->s->time;
    while (i < dk->nargs) {
        const char *k = deck_word(dk, &i, "keyword");
        if (!strcmp(k, "time")) {
            t = deck_quantity(dk, &i, Q_TIME, "time", NULL);
            if (!isfinite(t))
                deck_fail(dk, "reset_timestep: time must be finite (ps)");
        } else {
            deck_fail(dk, "reset_timestep: unknown keyword '%s' (expected time)", k);
        }
    }
    for (int k = 0; k < dk->fixes->n; k++) {
        const fix *f = dk->fixes->f[k];
        if (f->ops->counts_steps && f->ops->counts_steps(f))
            deck_fail(dk, "reset_timestep: fix '%s' follows a schedule that has started counting steps; reset the "
                      "step before giving it the schedule", f->name);
    }
    dk->s->step = n;
    dk->s->time = t;
    deck_clock_changed(dk);
}
