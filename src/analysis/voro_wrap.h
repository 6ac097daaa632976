/* A small C API over Voro++ (C. H. Rycroft, Chaos 19, 041111 (2009)), the
 * only C++ in mgmd (voro_wrap.cpp).
 *
 * A container is a non-periodic axis-aligned box [lo, hi] holding points
 * (an index, a position and, for the radical or power tessellation, a
 * radius). Optional plane walls cut every cell (n . x < offset is inside).
 * Some points are marked as centres; vw_compute() computes the Voronoi cell
 * of each centre, in the order they were put, from all points in the
 * container, and hands each cell to a callback. Faces carry the index of
 * the point on the other side, or a negative number for a container face
 * (VW_CONTAINER_FACE) or wall k (VW_WALL_FACE(k)).
 *
 * Thresholds, as in OVITO's Voronoi analysis and LAMMPS' compute
 * voronoi/atom (docs/analysis.md#voronoi):
 *   - an edge shorter than edge_min does not count toward its face's order;
 *   - a face is counted (coordination, index) if its area is at least
 *     face_area_min (A^2, or a fraction of the cell's total surface area or
 *     of its mean face area), it still has 3 or more edges, and it is shared
 *     with another point (not a wall or container face).
 *
 * Voro++ ends the program on bad input (exit()), so this wrapper checks
 * everything it passes on: finite coordinates inside the container,
 * non-negative finite radii, centres inside every wall. Functions return 0
 * on success or -1 with a message in err; they never exit or throw. */
#ifndef MGMD_VORO_WRAP_H
#define MGMD_VORO_WRAP_H

#ifdef __cplusplus
extern "C" {
#endif

typedef struct vw_container vw_container;

/* Face orders 0 .. VW_MAX_ORDER-1 have their own bin in vw_cell.hist; the
 * last bin (VW_MAX_ORDER) counts faces with VW_MAX_ORDER edges or more. */
#define VW_MAX_ORDER 16
#define VW_CONTAINER_FACE(k) (-1 - (k)) /* k = 0..5: x lo, x hi, y lo, ... */
#define VW_WALL_FACE(k) (-7 - (k))      /* plane wall number k            */
#define VW_MAX_WALLS 16

enum vw_area_mode {
    VW_AREA_ABSOLUTE,   /* face_area_min in A^2                           */
    VW_AREA_TOTAL,      /* fraction of the cell's total surface area      */
    VW_AREA_MEAN,       /* fraction of the cell's mean face area          */
};

typedef struct vw_options {
    double face_area_min;      /* 0: count every face                      */
    enum vw_area_mode area_mode;
    double edge_min;           /* A; 0: count every edge                   */
    int want_vertices;         /* fill vw_cell.vertex                      */
} vw_options;

typedef struct vw_cell {
    int id;                    /* the centre's index as given to vw_put    */
    double x[3];               /* its position                             */
    double volume;             /* A^3                                      */
    int nfaces;                /* all faces, walls included                */
    int ncounted;              /* counted faces: the coordination number   */
    int hist[VW_MAX_ORDER + 1];/* counted faces by order                   */
    int max_order;             /* largest order of a counted face (0: none) */
    int wall_faces;            /* faces on walls or the container          */
    unsigned wall_mask;        /* bit k: a face on wall k; bit 31: on the  */
                               /* container                                */
    double max_vertex_dist2;   /* A^2: largest |vertex - x|^2              */
    /* Per face, valid during the callback only. */
    const int *face_neighbor;  /* point index, or VW_*_FACE               */
    const double *face_area;   /* A^2                                      */
    const int *face_order;     /* edges after the edge threshold           */
    const unsigned char *face_counted;
    int nvertices;
    const double *vertex;      /* [3*nvertices] absolute positions (A), if */
                               /* want_vertices                            */
} vw_cell;

#define VW_CONTAINER_BIT 0x80000000u

/* A container over [lo, hi] for about npoints points (sets the block grid);
 * radical != 0: power tessellation with per-point radii. NULL on error. */
vw_container *vw_create(const double lo[3], const double hi[3], int npoints, int radical, char *err, int errlen);
void vw_destroy(vw_container *c);
/* Add the plane wall n . x = offset (inside: n . x < offset); returns its
 * number k (faces on it are VW_WALL_FACE(k)) or -1. Add walls before points. */
int vw_add_wall(vw_container *c, const double n[3], double offset, char *err, int errlen);
/* Add a point; its cell is computed if centre != 0. radius is ignored
 * unless the container is radical. */
int vw_put(vw_container *c, int id, const double x[3], double radius, int centre, char *err, int errlen);
/* Compute the cell of every centre, in the order put, and call fn on it;
 * fn returns 0 to go on, non-zero to stop (vw_compute then returns that
 * value). A centre whose cell vanishes (a point on top of it, or cut away
 * by a wall) is an error. */
typedef int (*vw_cell_fn)(void *ctx, const vw_cell *cell);
int vw_compute(vw_container *c, const vw_options *opt, vw_cell_fn fn, void *ctx, char *err, int errlen);

#ifdef __cplusplus
}
#endif

#endif
