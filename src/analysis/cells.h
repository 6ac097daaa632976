/* Cartesian cells over a cloud of points, for analyses that search
 * neighbours among owned atoms and ghosts (or any positions they compute,
 * such as reference positions): the ghosts carry the periodic images, so
 * the cells span the points' extent and do not wrap.
 *
 * Cells of about rmax/2 with a reach of two cells search 15.6 rmax^3
 * around a point rather than 27 rmax^3 with cells of rmax; the cell count
 * is kept comparable to the point count (a sparse cloud, such as a wire's
 * halo, gets larger cells). No communication. */
#ifndef MGMD_CELLS_H
#define MGMD_CELLS_H

typedef struct cells {
    int nc[3];          /* cells per dimension                          */
    int reach[3];       /* cells searched either side                   */
    double lo[3];       /* A: lower corner of the extent                */
    double inv[3];      /* cells per A                                  */
    int *cell;          /* [n] cell of each point                       */
    int *start;         /* [ncells + 1] first index into order          */
    int *order;         /* [n] points sorted by cell                    */
} cells;

/* Bin n points x for searches out to rmax (A). */
void cells_build(cells *c, const double (*x)[3], int n, double rmax);
void cells_free(cells *c);
/* The cell coordinates of point i. */
void cells_coords(const cells *c, int i, int out[3]);
/* Indices j != i of points within sqrt(r2max) of point i, in cell order,
 * into *buf (grown as needed, capacity *cap); returns their count. */
int cells_gather(const cells *c, const double (*x)[3], int i, double r2max, int **buf, int *cap);

#endif
