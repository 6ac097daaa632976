/* Thermodynamic output: a table on screen and a CSV file whose header names
 * every column with its unit, e.g. `temp[K]`.
 *
 * Columns: step, time[ps], temp[K], pe[eV], ke[eV], etotal[eV], press[bar],
 * pxx..pyz[bar], vol[A^3], density[g/cm^3], econserve[eV] (total energy plus
 * the thermostat's: conserved by NVE and NVT), enthalpy[eV] (etotal + P V).
 * Energies are totals over the
 * system (not per atom), as in LAMMPS' default thermo. Pressure includes the
 * kinetic term; temperature uses 3N-3 degrees of freedom (less 3 for each
 * atom a fix holds, whose motion it leaves out: md_group_dof).
 *
 * Group columns (`thermo groups G1 G2 ...`), in the CSV after the others,
 * for each group G: count_G (atoms), temp_G[K] (of its atoms no fix holds,
 * 3 N_G - 3 degrees of freedom as LAMMPS' compute temp on a group),
 * ke_G[eV] (their kinetic energy) and pe_G[eV] (the potential energy of
 * its atoms, from per-atom energies). */
#ifndef MGMD_THERMO_H
#define MGMD_THERMO_H

#include <stdint.h>
#include <stdio.h>

#include "system/system.h"

enum { THERMO_NCOL = 17, THERMO_MAX_GROUPS = 8, THERMO_GROUP_NCOL = 4 };

typedef struct thermo {
    int every;              /* steps between lines; 0 = first and last only */
    char path[1024];        /* CSV file, "" for none                        */
    FILE *csv;              /* open on rank 0                               */
    int header_printed;     /* screen header for the current run            */
    int64_t csv_last;       /* last step in the CSV (runs share end/start)  */
    int ngroups;            /* groups with columns of their own             */
    int groups[THERMO_MAX_GROUPS];
    char gname[THERMO_MAX_GROUPS][32];
} thermo;

void thermo_init(thermo *t);
void thermo_close(thermo *t);
/* Open the CSV file on rank 0, truncating it and writing the header, or
 * with `append` (a restart replaying its deck) as it is, for
 * thermo_resume() to cut back. Returns 0 or -1 with errno. */
int thermo_open(thermo *t, const char *path, int append);
/* Restart: bytes written so far; continue from a checkpoint's record. */
long long thermo_position(thermo *t);
void thermo_flush(thermo *t);
void thermo_resume(thermo *t, long long bytes, int64_t last_step);
/* Values of all columns at the current step (collective; forces with energy
 * must be current). */
void thermo_compute(md *s, double v[THERMO_NCOL]);
/* The group columns, THERMO_GROUP_NCOL per group (collective; per-atom
 * energies must be current). */
void thermo_compute_groups(const thermo *t, md *s, double *v);
/* Print one line to screen and CSV (collective). */
void thermo_output(thermo *t, md *s);
const char *thermo_column_name(int k);

#endif
