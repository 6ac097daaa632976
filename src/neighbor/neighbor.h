/* Verlet neighbour lists from a bin grid, with a skin.
 *
 * The list of owned atom i holds first the pairs it evaluates for both
 * atoms (`nown` of them) and then those it evaluates for itself alone
 * (`nghost`). Owned pairs are listed once, in the list of the atom whose
 * bin comes first, or of the lower index within one bin (a half stencil).
 * A pair of an owned atom and a ghost exists twice, once on each side of
 * the face (or of the periodic boundary) it crosses:
 *   newton yes (default)  it is listed on one side only: the side whose
 *                         owned atom has the smaller id when the two ids'
 *                         sum is even, the larger when it is odd (half the
 *                         pairs across a face to each side, however ids
 *                         follow position); for an atom and its own image
 *                         the side where the image lies above in z, then
 *                         y, then x. It is kept among the pairs
 *                         evaluated for both atoms: the kernel adds the
 *                         ghost's share to the ghost and the halo sums it
 *                         back to the owner (densities, forces; docs/
 *                         methods.md "Newton's third law across faces");
 *   newton no             it is listed on both sides, each evaluating it
 *                         for its own atom only: no reverse exchange, the
 *                         boundary pairs computed twice.
 * The choice depends only on ids and on a ghost's coordinates relative to
 * its owner's image, so both sides agree whatever the decomposition.
 *
 * Cutoffs are per pair of types: potentials whose functions vanish early
 * for some pairs (Mendelev's Cu-Cu ends at 6.0 A in a 7.6 A file) keep
 * shorter lists at no loss of accuracy.
 *
 * Lists are rebuilt when an atom has moved more than half the skin since the
 * last build (checked every `every` steps, not before `delay` steps). When
 * the box changed (barostat, box relaxation), the two largest displacements
 * d1, d2 of its corners shrink that to (skin - d1 - d2)/2, as in LAMMPS:
 * a periodic image moves with the box even where its atom stands still.
 * A second test keeps the list under steady deformation: the motion of
 * each atom beyond the box's affine map x -> A x + t since the build (what
 * remap x and a barostat apply, and SLLOD streaming follows) within
 * (s skin - (1 - s) rc)/2, rc the largest cutoff and s <= the smallest
 * singular value of A; the list is rebuilt only when both tests fail. */
#ifndef MGMD_NEIGHBOR_H
#define MGMD_NEIGHBOR_H

/* The largest skin a deck may set (A): typical skins are 0.3-2 A, and the
 * list grows as (cutoff + skin)^3. */
#define NEIGHBOR_MAX_SKIN 20.0

#include <stddef.h>
#include <stdint.h>

#include "system/atoms.h"
#include "system/box.h"

typedef struct neighbor {
    /* settings */
    double skin;                 /* A                                        */
    int every, delay, check;
    int newton;                  /* boundary pairs on one side (above)       */
    int sort;                    /* sort owned atoms at every rebuild        */
    /* cutoffs: potential cutoffs per type pair, [(nt+1)^2] */
    int ntypes;
    double *cutsq;               /* force cutoff^2 (A^2)                     */
    double *cutneighsq;          /* (cutoff + skin)^2                        */
    double cutneigh_max;         /* A                                        */
    double cut_max;              /* largest force cutoff (A)                 */
    /* list */
    int nlist, listcap;          /* owned atoms with a list                  */
    int *first, *nown, *nghost;  /* per owned atom                           */
    int *neigh;                  /* all neighbour indices                    */
    size_t neighcap, nneigh;
    /* bins */
    int nbin[3], nbins;
    double binlo[3], bininv[3];
    int *binstart, *binatom, *atombin;
    int bincap, atomcap;
    int *binown, bincap_own;     /* owned atoms per bin (listed first)       */
    int *stencil, nstencil, stencilcap; /* [4]: offset, half-stencil sign */
    /* rebuild bookkeeping */
    double (*xhold)[3];
    int holdcap;
    box build_box;               /* the box at the last build                */
    int64_t last_build;
    int64_t nbuild, ndanger;
    /* A passenger on the rebuild check's reduction, so that another
     * per-step agreement among ranks needs no reduction of its own (the
     * checkpoint's stop request, deck/restart.c): whoever sets `rider`
     * before a check finds the maximum over ranks in rider_max, and the
     * step it was taken in rider_step (INT64_MIN when none was). */
    double rider, rider_max;
    int64_t rider_step;
} neighbor;

void neighbor_init(neighbor *nb);
void neighbor_destroy(neighbor *nb);
/* Set per-type-pair force cutoffs (A), flattened [(nt+1)^2]. */
void neighbor_set_cutoffs(neighbor *nb, int ntypes, const double *cut);
/* Build the list for owned atoms against owned + ghost atoms in box b. */
void neighbor_build(neighbor *nb, const atoms *a, const box *b, int64_t step);
/* Collective: must the list be rebuilt before computing forces at `step`?
 * With `strict` (dynamics), an atom that moved farther than the skin since
 * the last build is an error (interactions may have been missed); a
 * minimiser's line search may move atoms that far and just rebuilds. */
int neighbor_decide(neighbor *nb, const atoms *a, const box *b, int64_t step, int strict);
/* Reorder owned atoms along a bin grid for cache locality (no ghosts),
 * by (bin, id): the order does not depend on the order before. */
void neighbor_sort_atoms(neighbor *nb, atoms *a);

#endif
