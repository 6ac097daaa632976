/* Progress lines during long runs: an entry of the fix list that prints,
 * on rank 0, every `every` seconds of wall time,
 *
 *   progress: step 12000, 12000 of 50000 (24.0 %), 24 ps, 3.1e+06
 *             atom-steps/s, 2 min 35 s left
 *
 * Wall time only: no communication. */
#ifndef MGMD_PROGRESS_H
#define MGMD_PROGRESS_H

#include "integrate/fix.h"

fix *progress_fix(double every);
/* Seconds of wall time between lines (0: none). */
void progress_set_every(fix *f, double every);
double progress_every(const fix *f);

#endif
