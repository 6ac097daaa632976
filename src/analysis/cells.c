/* Cartesian cells over a point cloud (analysis/cells.h): a counting sort
 * of the points by cell, so each cell's points are contiguous in
 * `order`. */
#include "analysis/cells.h"
#include "core/error.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void cells_build(cells *c, const double (*x)[3], int n, double rmax)
{
    memset(c, 0, sizeof *c);
    double lo[3] = {HUGE_VAL, HUGE_VAL, HUGE_VAL}, hi[3] = {-HUGE_VAL, -HUGE_VAL, -HUGE_VAL};
    for (int i = 0; i < n; i++)
        for (int d = 0; d < 3; d++) {
            lo[d] = fmin(lo[d], x[i][d]);
            hi[d] = fmax(hi[d], x[i][d]);
        }
    if (n == 0)
        lo[0] = lo[1] = lo[2] = hi[0] = hi[1] = hi[2] = 0.0;
    double target = 0.5 * rmax;
    for (;;) {
        double ncell = 1.0;
        for (int d = 0; d < 3; d++) {
            double len = hi[d] - lo[d];
            c->nc[d] = (int)fmin(fmax(floor(len / target), 1.0), 4096.0);
            double size = len > 0 ? len / c->nc[d] : target;
            c->inv[d] = len > 0 ? c->nc[d] / len : 0.0;
            c->reach[d] = (int)ceil(rmax / size);
            if (c->reach[d] > c->nc[d] - 1)
                c->reach[d] = c->nc[d] - 1;
            c->lo[d] = lo[d];
            ncell *= c->nc[d];
        }
        if (ncell <= 8.0 * n + 64)
            break;
        target *= 1.5;
    }
    const int ncells = c->nc[0] * c->nc[1] * c->nc[2];
    c->cell = mg_malloc((size_t)n * sizeof *c->cell + 1);
    c->start = mg_calloc((size_t)ncells + 1, sizeof *c->start);
    c->order = mg_malloc((size_t)n * sizeof *c->order + 1);
    for (int i = 0; i < n; i++) {
        int k[3];
        for (int d = 0; d < 3; d++) {
            k[d] = (int)((x[i][d] - c->lo[d]) * c->inv[d]);
            if (k[d] >= c->nc[d])
                k[d] = c->nc[d] - 1;
            if (k[d] < 0)
                k[d] = 0;
        }
        c->cell[i] = k[0] + c->nc[0] * (k[1] + c->nc[1] * k[2]);
        c->start[c->cell[i] + 1]++;
    }
    for (int k = 0; k < ncells; k++)
        c->start[k + 1] += c->start[k];
    int *fill = mg_malloc((size_t)ncells * sizeof *fill);
    memcpy(fill, c->start, (size_t)ncells * sizeof *fill);
    for (int i = 0; i < n; i++)
        c->order[fill[c->cell[i]]++] = i;
    free(fill);
}

void cells_free(cells *c)
{
    free(c->cell);
    free(c->start);
    free(c->order);
    memset(c, 0, sizeof *c);
}

void cells_coords(const cells *c, int i, int out[3])
{
    int k = c->cell[i];
    out[0] = k % c->nc[0];
    out[1] = (k / c->nc[0]) % c->nc[1];
    out[2] = k / (c->nc[0] * c->nc[1]);
}

int cells_gather(const cells *c, const double (*x)[3], int i, double r2max, int **buf, int *cap)
{
    int k[3], n = 0;
    cells_coords(c, i, k);
    const double *xi = x[i];
    for (int z = k[2] - c->reach[2]; z <= k[2] + c->reach[2]; z++) {
        if (z < 0 || z >= c->nc[2])
            continue;
        for (int y = k[1] - c->reach[1]; y <= k[1] + c->reach[1]; y++) {
            if (y < 0 || y >= c->nc[1])
                continue;
            for (int xk = k[0] - c->reach[0]; xk <= k[0] + c->reach[0]; xk++) {
                if (xk < 0 || xk >= c->nc[0])
                    continue;
                int cc = xk + c->nc[0] * (y + c->nc[1] * z);
                for (int m = c->start[cc]; m < c->start[cc + 1]; m++) {
                    int j = c->order[m];
                    if (j == i)
                        continue;
                    double dx = x[j][0] - xi[0], dy = x[j][1] - xi[1], dz = x[j][2] - xi[2];
                    if (dx * dx + dy * dy + dz * dz >= r2max)
                        continue;
                    if (n == *cap) {
                        *cap = *cap ? 2 * *cap : 64;
                        *buf = mg_realloc(*buf, (size_t)*cap * sizeof **buf);
                    }
                    (*buf)[n++] = j;
                }
            }
        }
    }
    return n;
}
