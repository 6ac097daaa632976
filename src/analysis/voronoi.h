/* Voronoi analysis as an in-situ observer (docs/analysis.md#voronoi).
 *
 * Each rank tessellates its own atoms: it copies them into a private ghost
 * shell (analysis/shell.h) of width W, puts owned atoms and ghosts into a
 * non-periodic Voro++ container (analysis/voro_wrap.h) around its sub-domain,
 * and computes the cells of its owned atoms only. Periodic images arrive as
 * ghosts in Cartesian coordinates, so orthogonal and triclinic boxes are
 * handled alike. Non-periodic dimensions get plane walls (at the box faces,
 * or a gap beyond the atoms' extent); an atom whose cell touches a wall is a
 * surface atom.
 *
 * Completeness ("never silently wrong"): a ghost shell of width W holds
 * every atom inside the region C = sub-domain widened by W (plus the
 * neighbour skin drift) on every side that has atoms beyond it. An atom p
 * outside the shell could cut the cell of owned atom i only if it were
 * closer, in the (power) distance, to some vertex v of the computed cell
 * than i is: |p - v|^2 - R_p^2 < |v - x_i|^2 - R_i^2, so |p - v| < rho_v with
 * rho_v^2 = |v - x_i|^2 - R_i^2 + R_max^2. If the ball of radius rho_v around
 * every vertex lies inside C, no such atom exists and the cell is exact.
 * Every rank checks every owned cell; if any fails anywhere, all ranks agree
 * (one reduction), widen W by at least 1.5x (or to what the worst cell
 * needs) and redo the pass. The next sample starts from the width the
 * last one needed, plus a margin.
 *
 * Communication per sample: the shell's halo exchange (per pass), a few
 * reductions of fixed size, and each rank's table of Voronoi indices sent
 * to rank 0 (hundreds of entries, independent of the atom count), which
 * merges them and writes the CSV files. */
#ifndef MGMD_VORONOI_H
#define MGMD_VORONOI_H

#include "analysis/observer.h"
#include "analysis/voro_wrap.h"

#define VORONOI_MAX_RADII 32

typedef struct voronoi_params {
    int radical;                    /* power (radical) tessellation         */
    int nradii;
    char radius_label[VORONOI_MAX_RADII][16]; /* element symbol or type no. */
    double radius[VORONOI_MAX_RADII];         /* A                          */
    vw_options opt;                 /* face-area and edge thresholds        */
    int top;                        /* indices per element in the CSV       */
    int walls_atoms;                /* walls a gap beyond the atoms, not at */
    double wall_gap;                /* the box faces (A)                    */
    char prefix[1024];              /* PREFIX_motifs.csv, PREFIX_summary.csv; */
                                    /* "" for no files                      */
} voronoi_params;

/* Create observer `name` on s: opens its files on rank 0, truncated, or
 * with `append` (a restart replaying its deck) as they are, for the
 * checkpoint's restore to cut back, and registers its per-atom columns
 * NAME_n3, NAME_n4, NAME_n5, NAME_n6, NAME_n7 (7 or more edges), NAME_nmax,
 * NAME_cn, NAME_vol, NAME_surface. Collective. Returns NULL on every rank
 * with a message in err if a file cannot be opened. The caller hands the
 * observer to outputs_add_observer(). */
observer *voronoi_create(md *s, const char *name, const voronoi_params *p, int every, int at_end, int append,
                         char *err, int errlen);

#endif
