/* LAMMPS data files, atom_style atomic: header (N atoms, N atom types,
 * xlo xhi, ylo yhi, zlo zhi, xy xz yz), sections Masses, Atoms (id type x y
 * z [ix iy iz]) and Velocities (id vx vy vz).
 *
 * Rank 0 reads and broadcasts atoms in blocks; every rank keeps the atoms of
 * its sub-domain. Writing funnels rank by rank through rank 0. Element names
 * travel as comments on the Masses lines ("1 63.546 # Cu"), as LAMMPS
 * writes them. */
#ifndef MGMD_DATA_FILE_H
#define MGMD_DATA_FILE_H

#include "system/system.h"

/* What a data file may declare (checked before anything is allocated for
 * it; docs/errors.md): atoms, types (a type per element and a few more),
 * ids, and image flags (LAMMPS' own range with 64-bit images, so that
 * unwrapped coordinates stay exact and the written flags fit an int). */
#define DATA_MAX_ATOMS (INT64_C(1) << 40)
#define DATA_MAX_TYPES 1000
#define DATA_MAX_ID (INT64_C(1) << 62)
#define DATA_MAX_IMAGE 1048575

/* Read into an empty system (collective). Errors go through mg_fail_all with
 * "path:line: what was expected". */
void data_read(md *s, const char *path);
/* Write the current state (collective). Returns 0 or -1 (errno). */
int data_write(md *s, const char *path, int velocities);

#endif
