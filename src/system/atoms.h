/* Atoms: one array per property (structure of arrays; 3-vectors packed per
 * atom so a neighbour's position is one cache line). Owned atoms come first
 * [0, nlocal), ghosts after [nlocal, nlocal+nghost).
 *
 * Every per-atom array here and every registered property travels with its
 * atom: migration packs it (atoms_pack), sorting permutes it, checkpoints
 * store it. Ghosts carry id, type, position and group mask (halo.h); other
 * arrays reach ghosts only through a halo payload.
 *
 * Types are 1-based as in LAMMPS data files. Extra per-atom properties
 * (a D2min reference, an accumulated average) are registered by name with a
 * width and travel with their atom when it migrates. */
#ifndef MGMD_ATOMS_H
#define MGMD_ATOMS_H

#include <stdint.h>

#define ATOMS_MAX_PROPS 64
#define ATOMS_NAME_LEN 8

typedef struct atom_prop {
    char name[32];
    int width;          /* doubles per atom                                 */
    int integer;        /* whole numbers only (counts, flags): dumps print  */
                        /* them as integers and declare them so             */
    double *data;       /* [nmax*width]                                     */
} atom_prop;

typedef struct atoms {
    int nlocal, nghost, nmax;
    int64_t natoms;              /* global count                            */
    int64_t *id;
    int *type;
    double (*x)[3];              /* A                                       */
    double (*v)[3];              /* A/ps                                    */
    double (*f)[3];              /* eV/A                                    */
    int (*image)[3];
    uint64_t *mask;              /* group membership: bit g = group g       */
                                 /* (system/group.h); bit 0, `all`, always  */
    double *eatom;               /* per-atom potential energy (eV), on request */
    double (*vatom)[6];          /* per-atom virial xx yy zz xy xz yz (eV)     */
    int want_peratom;            /* fill eatom/vatom at the next force call  */

    int ntypes;                  /* types 1..ntypes                         */
    double *mass;                /* [ntypes+1] g/mol                        */
    char (*element)[ATOMS_NAME_LEN]; /* [ntypes+1] element names, "" if unknown */

    int nprop;
    atom_prop prop[ATOMS_MAX_PROPS];
} atoms;

void atoms_init(atoms *a);
void atoms_destroy(atoms *a);
/* Make room for n atoms in total (owned + ghost); keeps contents. */
void atoms_reserve(atoms *a, int n);
void atoms_set_ntypes(atoms *a, int ntypes);
/* Append an owned atom (only while nghost == 0), in group `all` only. */
int atoms_add(atoms *a, int64_t id, int type, const double x[3], const double v[3], const int image[3]);
/* Copy every per-atom property of atom `from` onto slot `to`. */
void atoms_copy(atoms *a, int from, int to);
/* Register an extra per-atom property; returns its index. */
int atoms_add_prop(atoms *a, const char *name, int width);
int atoms_find_prop(const atoms *a, const char *name);
/* Drop a property (if present), so it no longer travels with migrating atoms. */
void atoms_remove_prop(atoms *a, const char *name);
/* Bytes one atom takes when packed for migration. */
int atoms_pack_size(const atoms *a);
void atoms_pack(const atoms *a, int i, unsigned char *buf);
/* Append an owned atom from a packed buffer. */
void atoms_unpack_append(atoms *a, const unsigned char *buf);
/* Mass of atom i (g/mol). */
static inline double atoms_mass(const atoms *a, int i) { return a->mass[a->type[i]]; }

#endif
