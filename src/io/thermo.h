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
 * its atoms, from per-atom energies).
 *
 * Custom columns (`thermo ... columns C1 C2 ...`) replace the default set in
 * the CSV and on screen: any name of the default set, the box (lx ly lz
 * xlo xhi ylo yhi zlo zhi xy xz yz [A]), natoms, a group's count_G temp_G
 * ke_G pe_G (also spelled c_G_temp as LAMMPS' compute names), or v_NAME,
 * an equal-style deck variable evaluated at the line (through the
 * `variable` callback). A column may name its unit, `pxy[GPa]`,
 * `time[fs]`, `v_sxy[GPa]`: the value (metal) is converted to it. The CSV
 * header carries each column's unit; a v_NAME column's only when given
 * (`v_strain[1]` for a pure number), since a formula's unit is not known. */
#ifndef MGMD_THERMO_H
#define MGMD_THERMO_H

#include <stdint.h>
#include <stdio.h>

#include "system/system.h"

enum { THERMO_NCOL = 17, THERMO_MAX_GROUPS = 8, THERMO_GROUP_NCOL = 4, THERMO_MAX_COLUMNS = 64 };

/* A custom column: what it shows and how its header reads. */
enum thermo_column_kind { TC_THERMO, TC_BOX, TC_NATOMS, TC_GROUP, TC_VARIABLE, TC_PTEMP };
typedef struct thermo_column {
    enum thermo_column_kind kind;
    int index;              /* TC_THERMO: of the default set; TC_BOX: of   */
                            /* lx..yz; TC_GROUP: count temp ke pe (0..3)    */
    int group;              /* TC_GROUP                                     */
    char var[64];           /* TC_VARIABLE: its name                        */
    char header[136];       /* "pxy[GPa]", "temp_top[K]", "v_strain"        */
    double scale;           /* value in metal units times this              */
    int integer;            /* printed as an integer (step, count, natoms)  */
} thermo_column;

typedef struct thermo {
    int every;              /* steps between lines; 0 = first and last only */
    int screen;             /* steps between screen lines (of those due);  */
                            /* 1 = every line, 0 = a run's first and last  */
    char path[1024];        /* CSV file, "" for none                        */
    FILE *csv;              /* open on rank 0                               */
    int header_printed;     /* screen header for the current run            */
    int64_t csv_last;       /* last step in the CSV (runs share end/start)  */
    int ngroups;            /* groups with columns of their own             */
    int groups[THERMO_MAX_GROUPS];
    char gname[THERMO_MAX_GROUPS][32];
    int ncolumns;           /* custom columns; 0 = the default set          */
    thermo_column columns[THERMO_MAX_COLUMNS];
    /* An equal variable's value now (collective), for v_NAME columns. */
    double (*variable)(void *ctx, const char *name);
    void *variable_ctx;
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
/* Write one line to the CSV and, when `edge` (a run's first or last step)
 * or the step is a multiple of `screen`, to the screen (collective). */
void thermo_output(thermo *t, md *s, int edge);
const char *thermo_column_name(int k);
/* The thermo keywords of formulas: the default set without units (step ..
 * enthalpy), the box (lx .. yz) and natoms (or atoms). thermo_keyword
 * gives a keyword's id or -1; thermo_keyword_needs_energy says whether
 * its value needs forces with energies and virial to be current (temp,
 * ke, vol, density and the box do not); thermo_keyword_value is its value
 * now, in metal units (collective). */
int thermo_keyword(const char *name);
int thermo_keyword_needs_energy(int id);
double thermo_keyword_value(md *s, int id);
/* Parse a custom column spec (see above) into c: 0, or -1 with a message.
 * Group names resolve against s; a v_NAME is not checked here. */
int thermo_parse_column(const char *spec, const md *s, thermo_column *c, char *err, size_t errlen);
/* Per-atom energies are summed by the output at a line (pe_G columns). */
int thermo_needs_peratom(const thermo *t);

#endif
