/* H5MD 1.1 trajectories (de Buyl, Colberg, Hoefling, Comput. Phys. Commun.
 * 185, 1546 (2014); https://www.nongnu.org/h5md/h5md.html), written
 * collectively with parallel HDF5. Row k of every per-atom dataset is the
 * atom with id k+1, so ids must be 1..N without gaps. Each frame one
 * all-to-all exchange moves every atom's values to the rank that writes its
 * block of rows; nobody gathers the system.
 *
 *   h5md/                       version [1,1]; author/ name (email); creator/ name "mgmd", version
 *   particles/all/box           dimension 3, boundary periodic|none x3
 *       edges/{step,time,value[F][3][3]}   rows a, b, c (A)
 *       origin/{step,time,value[F][3]}     lower corner (xlo,ylo,zlo), mgmd extension
 *   particles/all/position/{step[F] int64, time[F] ps, value[F][N][3] A}
 *   particles/all/{velocity,force,image}/value[F][N][3], species[N], id[N]  (optional)
 *   particles/all/<column>/value[F][N]  per-atom properties of md.atoms by name
 *   parameters/mgmd             natoms, type_element, type_mass, boundary (LAMMPS letters)
 *
 * All step/time datasets are hard links to position's, as the specification
 * asks. docs/h5md.md has the full layout and how to read it in MDAnalysis,
 * h5py, VMD and OVITO. Every function here is collective. */
#ifndef MGMD_H5MD_H
#define MGMD_H5MD_H

#include <stddef.h>
#include <stdint.h>

#include "system/system.h"

#define H5MD_MAX_COLS 40
#define H5MD_NAME_LEN 32

typedef struct h5md_options {
    int velocity, force, image, species, id;  /* write these elements (0/1)  */
    int ncol;                                 /* extra per-atom columns:     */
    char col[H5MD_MAX_COLS][H5MD_NAME_LEN];   /* names of md.atoms properties */
    char author[128];                         /* "" -> $USER (rank 0), else "unknown" */
    char email[128];                          /* "" -> no email attribute     */
} h5md_options;

typedef struct h5md_file h5md_file;

/* Create path (truncating it), or, with resume_frames >= 0, reopen a file
 * mgmd wrote for the same N atoms and the same elements and cut every
 * time-dependent dataset back to its first resume_frames frames, so a run
 * restarted from a checkpoint continues the trajectory as if never stopped.
 * Returns NULL on every rank, with err = "path: reason", if the file cannot
 * be created or opened, does not match, or the atom ids are not 1..N. */
h5md_file *h5md_open(const char *path, const md *s, const h5md_options *opt, int64_t resume_frames, char *err,
                     size_t errlen);
/* Append the current state as one frame (step s->step, time s->time). An
 * I/O failure (disk full) stops every rank through mg_fail_run, naming the
 * file. */
void h5md_write_frame(h5md_file *h, const md *s);
/* Frames in the file. */
int64_t h5md_frames(const h5md_file *h);
/* Push everything written so far to the file (H5Fflush). */
void h5md_flush(h5md_file *h);
/* Close and free; NULL is fine. */
void h5md_close(h5md_file *h);

#endif
