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

/* Read into an empty system (collective). Errors go through mg_fail_all with
 * "path:line: what was expected". */
void data_read(md *s, const char *path);
/* Write the current state (collective). Returns 0 or -1 (errno). */
int data_write(md *s, const char *path, int velocities);

#endif
