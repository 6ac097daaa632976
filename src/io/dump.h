/* Trajectory dumps in three formats, each with any per-atom columns:
 *
 *   lammps  LAMMPS text ("dump custom" layout), readable by OVITO, ASE, VMD
 *   xyz     extended XYZ (one frame: N, a comment line with Lattice=,
 *           Properties=, pbc=, Step=, Time=; then one line an atom), ASE
 *   h5md    H5MD 1.1 (io/h5md.h), written collectively with parallel HDF5
 *
 * LAMMPS text:
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

enum dump_format { DUMP_LAMMPS = 0, DUMP_XYZ = 1, DUMP_H5MD = 2 };

typedef struct dump {
    char name[64];
    enum dump_format format;
    char path[1024];
    int every;                 /* steps                                       */
    int group;                 /* atoms written: this group's (system/group.h) */
    int precision;             /* significant digits of real columns          */
    int ncol;
    int col[DUMP_MAX_COLS];    /* column codes (dump.c); DUMP_PROP: a per-atom */
    char prop[DUMP_MAX_COLS][32]; /* property (an observer's column) by name  */
    FILE *fp;                  /* rank 0 (text formats)                       */
    void *h5;                  /* h5md_file (h5md format)                     */
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

/* Open the file (collective): truncating, or with `append` (a restart
 * replaying its deck) keeping it for dump_resume() to cut back. Returns 0 or
 * -1 (errno set). */
int dump_open(dump *d, const md *s, int append);
const char *dump_format_name(const dump *d);
/* A column the h5md format cannot write (energies, stresses, unwrapped
 * positions: use a text dump), or NULL. */
const char *dump_h5md_unsupported(const dump *d);
/* Restart bookkeeping: bytes written (text) or frames (h5md) so far
 * (collective); flush; continue from a checkpoint's record. */
long long dump_position(dump *d);
void dump_flush(dump *d);
void dump_resume(dump *d, const md *s, long long position, int64_t last_step);
void dump_close(dump *d);
/* Write the current step (collective). */
void dump_write(dump *d, md *s);
int dump_needs_peratom(const dump *d);

#endif
