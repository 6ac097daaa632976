/* The outputs a run writes on schedule: the thermo table, the dumps and the
 * observers (analyses). They are one entry of the fix list ("outputs",
 * after every user fix at the end of a step): the run loop asks it which
 * steps need energies (so forces on other steps skip the energy and virial
 * sums), and it writes what is due. Its checkpoint section ("outputs")
 * keeps how far each file was written and the observers' state. */
#ifndef MGMD_OUTPUT_H
#define MGMD_OUTPUT_H

#include <stdint.h>

#include "analysis/observer.h"
#include "core/ckpt_section.h"
#include "integrate/fix.h"
#include "io/dump.h"
#include "io/thermo.h"
#include "system/system.h"

#define OUTPUT_MAX_DUMPS 16
#define OUTPUT_MAX_OBSERVERS 32

typedef struct outputs {
    md *s;                               /* the system they write            */
    thermo thermo;
    int ndump;
    dump dumps[OUTPUT_MAX_DUMPS];
    int nobs;
    observer *obs[OUTPUT_MAX_OBSERVERS]; /* heap; destroyed by outputs_close */
} outputs;

void outputs_init(outputs *o, md *s);
/* The fix-list entry that writes them during runs (not owned by the list's
 * caller: destroying it leaves the outputs alone). */
fix *outputs_fix(outputs *o);
/* Their checkpoint section. */
ckpt_section outputs_section(outputs *o);
/* Close files; destroy observers (their per-atom properties leave s). */
void outputs_close(outputs *o, md *s);
/* Is any output due at `step` of a run spanning [start, end]? Sets
 * *peratom when a due dump needs per-atom energy or virial. */
int outputs_due(const outputs *o, int64_t step, int64_t start, int64_t end, int *peratom);
/* Sample due observers, then write due thermo and dumps (collective). */
void outputs_write(outputs *o, md *s, int64_t start, int64_t end);
/* The observers with `at_end yes` sample the present state unless they did
 * at this step: the settled state of an AQS increment, which is a stage's
 * end for them (collective). */
void outputs_sample_at_end(outputs *o, md *s);
/* End of a stage: observers write what they accumulated (collective). */
void outputs_stage_end(outputs *o, md *s);
observer *outputs_find_observer(outputs *o, const char *name);
/* Take ownership of a heap-allocated observer. Returns -1 if full. */
int outputs_add_observer(outputs *o, observer *ob);
void outputs_remove_observer(outputs *o, md *s, const char *name);
dump *outputs_find_dump(outputs *o, const char *name);
void outputs_remove_dump(outputs *o, const char *name);

#endif
