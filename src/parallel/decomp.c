/* Domain decomposition (decomp.h): the grid that minimises the sub-domain
 * surface for the rank count, cuts in fractional coordinates (uniform when
 * set up, movable by decomp_set_cuts), owner lookup, and migration:
 * dimension by dimension, atoms leaving a sub-domain go to the neighbour
 * on that side, repeated until every atom is home (an atom may cross
 * several thin sub-domains in one rebuild). Communication: paired
 * send/receive with the two neighbours per dimension and pass, and one
 * reduction per pass to agree that all atoms are home. */
#include "parallel/decomp.h"
#include "core/error.h"
#include "parallel/parallel.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int rank_of(const decomp *dc, const int c[3])
{
    return c[0] + dc->grid[0] * (c[1] + dc->grid[1] * c[2]);
}

int decomp_grids(int n, const int user[3], int (*grids)[3], int max)
{
    int count = 0;
    for (int gx = 1; gx <= n; gx++) {
        if (n % gx || (user[0] > 0 && gx != user[0]))
            continue;
        for (int gy = 1; gy <= n / gx; gy++) {
            if ((n / gx) % gy || (user[1] > 0 && gy != user[1]))
                continue;
            int gz = n / gx / gy;
            if (user[2] > 0 && gz != user[2])
                continue;
            if (count < max) {
                grids[count][0] = gx;
                grids[count][1] = gy;
                grids[count][2] = gz;
            }
            count++;
        }
    }
    return count;
}

int decomp_choose_grid(const double len[3], int n, const int user[3], int grid[3])
{
    /* Sub-domain surface per unit of the region's face areas: pick the grid
     * that minimises communication (proportional to the halo surface). */
    double area[3] = {len[1] * len[2], len[0] * len[2], len[0] * len[1]};
    int (*g)[3] = mg_malloc(DECOMP_MAX_GRIDS * sizeof *g);
    int count = decomp_grids(n, user, g, DECOMP_MAX_GRIDS);
    double best = DBL_MAX;
    for (int k = 0; k < count && k < DECOMP_MAX_GRIDS; k++) {
        double s = area[0] / (g[k][1] * g[k][2]) + area[1] / (g[k][0] * g[k][2]) + area[2] / (g[k][0] * g[k][1]);
        if (s < best * (1 - 1e-12)) {
            best = s;
            memcpy(grid, g[k], sizeof g[k]);
        }
    }
    free(g);
    return count > 0 ? 0 : -1;
}

int decomp_setup(decomp *dc, const box *b, const int user[3], char *err, int errlen)
{
    int n = par_size();
    decomp_destroy(dc);
    dc->nranks = n;
    dc->rank = par_rank();
    double fd[3];
    box_face_distances(b, fd);
    if (decomp_choose_grid(fd, n, user, dc->grid) != 0) {
        snprintf(err, (size_t)errlen, "processors %d %d %d does not multiply to the %d MPI ranks",
                 user[0], user[1], user[2], n);
        return -1;
    }
    int r = dc->rank;
    dc->coord[0] = r % dc->grid[0];
    dc->coord[1] = (r / dc->grid[0]) % dc->grid[1];
    dc->coord[2] = r / (dc->grid[0] * dc->grid[1]);
    for (int d = 0; d < 3; d++) {
        dc->cuts[d] = mg_malloc((size_t)(dc->grid[d] + 1) * sizeof(double));
        for (int k = 0; k <= dc->grid[d]; k++)
            dc->cuts[d][k] = (double)k / dc->grid[d];
        dc->sublo[d] = dc->cuts[d][dc->coord[d]];
        dc->subhi[d] = dc->cuts[d][dc->coord[d] + 1];
        for (int s = 0; s < 2; s++) {
            int c[3] = {dc->coord[0], dc->coord[1], dc->coord[2]};
            c[d] += s ? 1 : -1;
            if (c[d] < 0 || c[d] >= dc->grid[d]) {
                if (!b->periodic[d]) {
                    dc->neigh[d][s] = -1;
                    continue;
                }
                c[d] = (c[d] + dc->grid[d]) % dc->grid[d];
            }
            dc->neigh[d][s] = rank_of(dc, c);
        }
    }
    return 0;
}

void decomp_destroy(decomp *dc)
{
    for (int d = 0; d < 3; d++)
        free(dc->cuts[d]);
    memset(dc, 0, sizeof *dc);
}

static int slab_of(const decomp *dc, int d, double l)
{
    int g = dc->grid[d];
    /* Uniform first guess, then correct against the actual cuts. */
    int k = (int)floor(l * g);
    if (k < 0) k = 0;
    if (k >= g) k = g - 1;
    while (k > 0 && l < dc->cuts[d][k]) k--;
    while (k < g - 1 && l >= dc->cuts[d][k + 1]) k++;
    return k;
}

int decomp_owner(const decomp *dc, const double l[3])
{
    int c[3];
    for (int d = 0; d < 3; d++)
        c[d] = slab_of(dc, d, l[d]);
    return rank_of(dc, c);
}

int decomp_mine(const decomp *dc, const double l[3])
{
    for (int d = 0; d < 3; d++) {
        /* The top slab also owns atoms on or beyond a non-periodic upper face. */
        if (l[d] < dc->sublo[d] && dc->coord[d] > 0)
            return 0;
        if (l[d] >= dc->subhi[d] && dc->coord[d] < dc->grid[d] - 1)
            return 0;
    }
    return 1;
}

int decomp_set_cuts(decomp *dc, const double *const cuts[3])
{
    for (int d = 0; d < 3; d++) {
        if (cuts[d][0] != 0.0 || cuts[d][dc->grid[d]] != 1.0)
            return -1;
        for (int k = 0; k < dc->grid[d]; k++)
            if (!(cuts[d][k + 1] > cuts[d][k]))
                return -1;
    }
    for (int d = 0; d < 3; d++) {
        memcpy(dc->cuts[d], cuts[d], (size_t)(dc->grid[d] + 1) * sizeof(double));
        dc->sublo[d] = dc->cuts[d][dc->coord[d]];
        dc->subhi[d] = dc->cuts[d][dc->coord[d] + 1];
    }
    return 0;
}

void decomp_migrate(decomp *dc, atoms *a, const box *b)
{
    a->nghost = 0;
    /* Wrap periodic dimensions; refuse atoms beyond fixed walls. */
    int lost = -1;
    for (int i = 0; i < a->nlocal; i++) {
        if (!isfinite(a->x[i][0]) || !isfinite(a->x[i][1]) || !isfinite(a->x[i][2]))
            mg_fail_one("atom %lld has a non-finite position: the system has blown up (time step too large, "
                        "or atoms overlapping)", (long long)a->id[i]);
        box_remap(b, a->x[i], a->image[i]);
        if (lost < 0) {
            double l[3];
            box_to_lamda(b, a->x[i], l);
            for (int d = 0; d < 3; d++)
                if (b->boundary[d] == 'f' && (l[d] < 0.0 || l[d] >= 1.0))
                    lost = i;
        }
    }
    if (lost >= 0)
        mg_fail_one("atom %lld left the box through a fixed ('f') boundary at (%.6g, %.6g, %.6g) A; "
                    "use 's' for a free surface that may move, or check the time step",
                    (long long)a->id[lost], a->x[lost][0], a->x[lost][1], a->x[lost][2]);
    if (dc->nranks == 1)
        return;

    int psize = atoms_pack_size(a);
    unsigned char *sbuf[2] = {NULL, NULL};
    size_t scap[2] = {0, 0};
    void *rbuf = NULL;
    size_t rcap = 0;
    for (int d = 0; d < 3; d++) {
        if (dc->grid[d] == 1)
            continue;
        /* An atom may have crossed more than one sub-domain (small domains,
         * big steps): repeat until every atom is home in this dimension. */
        for (int pass = 0; pass <= dc->grid[d]; pass++) {
            size_t ns[2] = {0, 0};
            int i = 0, misplaced = 0;
            while (i < a->nlocal) {
                double l[3];
                box_to_lamda(b, a->x[i], l);
                int k = slab_of(dc, d, l[d]);
                if (k == dc->coord[d]) {
                    i++;
                    continue;
                }
                /* Send the short way round a periodic ring. */
                int g = dc->grid[d], diff = k - dc->coord[d];
                if (b->periodic[d]) {
                    if (diff > g / 2) diff -= g;
                    if (diff < -g / 2) diff += g;
                }
                int s = diff > 0 ? 1 : 0;
                if (ns[s] + (size_t)psize > scap[s]) {
                    scap[s] = 2 * (ns[s] + (size_t)psize) + 4096;
                    sbuf[s] = mg_realloc(sbuf[s], scap[s]);
                }
                atoms_pack(a, i, sbuf[s] + ns[s]);
                ns[s] += (size_t)psize;
                atoms_copy(a, --a->nlocal, i);
                misplaced++;
            }
            if (par_max_int(misplaced) == 0)
                break;
            for (int s = 0; s < 2; s++) {
                /* Send toward s, receive from the opposite neighbour. */
                size_t nr = par_sendrecv(sbuf[s], ns[s], dc->neigh[d][s], &rbuf, &rcap, dc->neigh[d][1 - s]);
                for (size_t off = 0; off + (size_t)psize <= nr; off += (size_t)psize)
                    atoms_unpack_append(a, (unsigned char *)rbuf + off);
            }
        }
    }
    free(sbuf[0]);
    free(sbuf[1]);
    free(rbuf);
}
