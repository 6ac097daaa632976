/* The outputs a run writes on schedule: the thermo table and the dumps.
 * The run loop asks which steps need energies (so forces on other steps
 * skip the energy and virial sums) and writes what is due. */
#ifndef MGMD_OUTPUT_H
#define MGMD_OUTPUT_H

#include <stdint.h>

#include "io/dump.h"
#include "io/thermo.h"
#include "system/system.h"

#define OUTPUT_MAX_DUMPS 16

typedef struct outputs {
    thermo thermo;
    int ndump;
    dump dumps[OUTPUT_MAX_DUMPS];
} outputs;

void outputs_init(outputs *o);
void outputs_close(outputs *o);
/* Is any output due at `step` of a run spanning [start, end]? Sets
 * *peratom when a due dump needs per-atom energy or virial. */
int outputs_due(const outputs *o, int64_t step, int64_t start, int64_t end, int *peratom);
void outputs_write(outputs *o, md *s, int64_t start, int64_t end);
dump *outputs_find_dump(outputs *o, const char *name);
void outputs_remove_dump(outputs *o, const char *name);

#endif
