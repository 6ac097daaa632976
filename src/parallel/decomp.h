/* Domain decomposition: a 3-D grid of ranks over the box in fractional
 * coordinates, so a triclinic box is cut along its own edges.
 *
 * Rank r sits at grid coordinate (cx, cy, cz) with r = cx + gx*(cy + gy*cz)
 * and owns the atoms whose fractional coordinates lie in [sublo, subhi).
 * The cut positions are arrays (cuts[d][0..grid[d]]) so a load balancer can
 * move them; they start uniform, and the decomposition keeps them until it
 * is set up again (a new box or grid), across runs and checkpoints. */
#ifndef MGMD_DECOMP_H
#define MGMD_DECOMP_H

#include "system/atoms.h"
#include "system/box.h"

typedef struct decomp {
    int nranks, rank;
    int grid[3];
    int coord[3];
    int neigh[3][2];        /* rank below / above in each dimension; -1 none */
    double *cuts[3];        /* fractional cut planes, grid[d]+1 each        */
    double sublo[3], subhi[3];
} decomp;

/* Choose the grid (user[d] > 0 fixes that dimension) minimising the surface
 * of a sub-domain. Returns 0, or -1 with a message if user[] cannot fit. */
int decomp_setup(decomp *dc, const box *b, const int user[3], char *err, int errlen);
void decomp_destroy(decomp *dc);
/* Every grid gx x gy x gz = n (user[d] > 0 fixes dimension d), in order
 * of gx then gy; the first max go into grids. Returns how many there are
 * (at most a few thousand for n <= 2^20: the number of ordered
 * factorisations into three). */
#define DECOMP_MAX_GRIDS 8192
int decomp_grids(int n, const int user[3], int (*grids)[3], int max);
/* The grid for n ranks (user[d] > 0 fixes dimension d) minimising the
 * surface of a sub-domain of a region with face distances len (A).
 * Returns 0, or -1 if user[] cannot fit. */
int decomp_choose_grid(const double len[3], int n, const int user[3], int grid[3]);
/* Rank owning fractional coordinate l (clamped into the box). */
int decomp_owner(const decomp *dc, const double l[3]);
/* Is fractional coordinate l inside this rank's sub-domain? */
int decomp_mine(const decomp *dc, const double l[3]);

/* Wrap owned atoms into the periodic box (updating image flags), then move
 * every owned atom to the rank that owns it. Ghosts are dropped first.
 * Atoms outside a fixed ('f') boundary are an error naming atom and position. */
void decomp_migrate(decomp *dc, atoms *a, const box *b);

/* Move the cuts (a load balancer, a restart): cuts[d][0..grid[d]] rising
 * strictly from 0 to 1. Returns 0, or -1 (nothing changed) if they do not.
 * Atoms must then be migrated (decomp_migrate). */
int decomp_set_cuts(decomp *dc, const double *const cuts[3]);

#endif
