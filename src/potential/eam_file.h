/* EAM potential files -> one set of tabulated functions on common grids.
 *
 * Reads the three LAMMPS formats and reduces them to the tables the force
 * kernel (eam.c) interpolates:
 *   funcfl  (LAMMPS `eam`):       one file per element; several files are mixed
 *                                 the way LAMMPS mixes them (common grid, 4-point
 *                                 Lagrange regridding, z2r = 27.2*0.529*Zi*Zj)
 *   setfl   (LAMMPS `eam/alloy`): one file, F_a(rho), rho_a(r), r*phi_ab(r)
 *   Finnis-Sinclair (`eam/fs`):   one file, F_a(rho), rho_ab(r), r*phi_ab(r)
 *
 * Readers are pure: no MPI, no exit(). They run on one rank; the caller
 * broadcasts the tables (or the error) to the others. Every error message
 * names the file, the line and what was expected.
 *
 * Units (LAMMPS metal): r in Angstrom, rho dimensionless, F and phi in eV,
 * z2r = r*phi in eV*Angstrom, mass in g/mol.
 */
#ifndef MGMD_EAM_FILE_H
#define MGMD_EAM_FILE_H

#include <stddef.h>
#include <stdint.h>

enum eam_style { EAM_FUNCFL = 0, EAM_SETFL = 1, EAM_FS = 2 };

/* Tabulated EAM functions, all arrays 0-based; value k of a table sits at
 * r = k*dr (resp. rho = k*drho). */
typedef struct eam_tables {
    int ntypes;              /* atom types of the system, 1..ntypes            */
    int nrho, nr;            /* points per F(rho) table and per r table        */
    double drho, dr;         /* grid spacings                                  */
    double rhomax;           /* (nrho-1)*drho: F is extrapolated linearly above*/
                             /* (funcfl: LAMMPS' max_f (nrho_f-1)*drho_f, which */
                             /* is about one drho beyond the last point: use    */
                             /* this field, do not recompute it)                */
    double cut;              /* cutoff radius (Angstrom) as the file states    */

    int nfrho;  double **frho;   /* [nfrho][nrho]  embedding energy F (eV)     */
    int nrhor;  double **rhor;   /* [nrhor][nr]    density functions           */
    int nz2r;   double **z2r;    /* [nz2r][nr]     r*phi (eV*Angstrom)         */
                                 /* (each row its own malloc block)            */

    /* Maps from atom types (1-based) to tables, each a ntypes+1 square array
     * flattened as [a*(ntypes+1) + b]; index 0 unused.
     *   type2frho[a]                 F of an atom of type a
     *   type2rhor[a*(nt+1)+b]        density that a neighbour of type a gives to
     *                                an atom of type b (LAMMPS' type2rhor[a][b])
     *   type2z2r[a*(nt+1)+b]         pair function of types a,b (symmetric)  */
    int *type2frho;
    int *type2rhor;
    int *type2z2r;

    double *mass;            /* [ntypes+1] mass of each type from the file     */
    char (*element)[8];      /* [ntypes+1] element name of each type           */
} eam_tables;

/* Read the potential for `ntypes` atom types.
 *   EAM_FUNCFL: args[t-1] is the funcfl file of type t (nargs == ntypes);
 *               elements are taken from the atomic number in each file.
 *   EAM_SETFL, EAM_FS: args[0] is the file, args[t] the element name of type
 *               t (nargs == ntypes + 1).
 * On success returns 0 and fills *out (free with eam_tables_free).
 * On failure returns -1, *out is left empty, and err holds a message such as
 *   "CuZr_mm.eam.fs:5: expected 10000 values of F(rho) for Cu, file ended after 9000"
 *   "CuZr_mm.eam.fs: element 'Ni' is not in the file (it has Cu Zr)"       */
int eam_tables_read(enum eam_style style, int ntypes, int nargs,
                    const char *const *args, eam_tables *out,
                    char *err, size_t errlen);

void eam_tables_free(eam_tables *t);

/* Flatten to / rebuild from one contiguous buffer of doubles and ints, so the
 * reading rank can broadcast the tables. */
size_t eam_tables_pack_size(const eam_tables *t, size_t *nint);
void eam_tables_pack(const eam_tables *t, double *dbuf, int *ibuf);
int eam_tables_unpack(eam_tables *t, const double *dbuf, const int *ibuf);

/* A 64-bit hash of every tabulated number and type map: equal for files that
 * differ only in layout or digits beyond double precision, different when any
 * value the forces use changes. Checkpoints store it (docs/checkpoints.md). */
uint64_t eam_tables_hash(const eam_tables *t);

#endif
