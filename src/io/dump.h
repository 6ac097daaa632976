/* LAMMPS text dumps ("dump custom" layout), readable by OVITO, ASE, VMD.
 *
 *   ITEM: TIMESTEP / ITEM: NUMBER OF ATOMS / ITEM: BOX BOUNDS [xy xz yz] pp pp pp
 *   ITEM: ATOMS id type x y z ...
 *
 * Each rank formats its own atoms; rank 0 receives and writes the blocks one
 * rank at a time, so no rank ever holds all atoms. Columns: see dump.c. */
#ifndef MGMD_DUMP_H
#define MGMD_DUMP_H

#include <stdint.h>
#include <stdio.h>

#include "analysis/observer.h"
#include "system/system.h"

#define DUMP_MAX_COLS 40

typedef struct dump {
    char name[64];
    char path[1024];
    int every;                 /* steps                                       */
    int precision;             /* significant digits of real columns          */
    int ncol;
    int col[DUMP_MAX_COLS];    /* column codes (dump.c); DUMP_PROP: a per-atom */
    char prop[DUMP_MAX_COLS][32]; /* property (an observer's column) by name  */
    FILE *fp;                  /* rank 0                                      */
    int64_t last_step;         /* last step written, to avoid duplicates      */
} dump;

/* Column code for a built-in name, or -1. */
int dump_column_code(const char *name);
#define DUMP_PROP 1000
/* Add a column by name: built-in, or a per-atom property of a (e.g. an
 * observer's "vor_n5"). Returns 0, or -1 if neither. */
int dump_add_column(dump *d, const atoms *a, const char *name);
/* Does d write a per-atom property of observer ob? */
int dump_uses_observer(const dump *d, const observer *ob);
/* Space-separated list of all column names, for error messages. */
const char *dump_column_list(void);
/* Does column code need per-atom energy/virial? */
int dump_column_peratom(int code);

/* Open the file on rank 0 (collective). Returns 0 or -1 (errno set). */
int dump_open(dump *d);
void dump_close(dump *d);
/* Write the current step (collective). */
void dump_write(dump *d, md *s);
int dump_needs_peratom(const dump *d);

#endif
