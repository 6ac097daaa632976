/* The C API of voro_wrap.h over Voro++ 0.4 (container, container_poly,
 * voronoicell_neighbor). The only C++ file of mgmd.
 *
 * Points go into a non-periodic Voro++ container; centres are also recorded
 * in a particle_order, so a c_loop_order visits exactly them, in the order
 * they were put. For each centre the cell is computed with neighbour
 * information and reduced to what mgmd's observers use: volume, faces with
 * their neighbour, area and order (edges at least edge_min long), the
 * counted faces' order histogram, and the vertices.
 *
 * Voro++'s per-face queries (neighbors, face_areas, face_vertices) walk the
 * faces in the same order, so entry f of each belongs to face f. */
#include "analysis/voro_wrap.h"

#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <new>
#include <vector>

#include <voro++/voro++.hh>

namespace {

void say(char *err, int errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void say(char *err, int errlen, const char *fmt, ...)
{
    if (!err || errlen <= 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    std::vsnprintf(err, (size_t)errlen, fmt, ap);
    va_end(ap);
}

} // namespace

struct vw_container {
    struct plane {
        double n[3], offset;
    };
    int radical = 0;
    double lo[3] = {0, 0, 0}, hi[3] = {0, 0, 0};
    voro::container *mono = nullptr;
    voro::container_poly *poly = nullptr;
    voro::particle_order order;
    std::vector<voro::wall_plane *> walls;
    std::vector<plane> planes;
    int npoints = 0;
    /* scratch, reused from cell to cell */
    std::vector<int> neigh, fverts, forder;
    std::vector<double> areas, verts;
    std::vector<unsigned char> counted;

    ~vw_container()
    {
        delete mono;
        delete poly;
        for (voro::wall_plane *w : walls)
            delete w;
    }
};

extern "C" vw_container *vw_create(const double lo[3], const double hi[3], int npoints, int radical, char *err,
                                   int errlen)
{
    double vol = 1.0;
    for (int d = 0; d < 3; d++) {
        if (!std::isfinite(lo[d]) || !std::isfinite(hi[d]) || !(hi[d] > lo[d])) {
            say(err, errlen, "container bounds [%g, %g] in dimension %d are not an interval", lo[d], hi[d], d);
            return nullptr;
        }
        vol *= hi[d] - lo[d];
    }
    if (npoints < 1)
        npoints = 1;
    /* About five points per block (Voro++'s recommendation), at most as many
     * blocks as points, and at least one per dimension. */
    double per_len = std::cbrt((double)npoints / (5.0 * vol));
    int nb[3];
    double total = 1.0;
    for (int d = 0; d < 3; d++) {
        double n = std::floor((hi[d] - lo[d]) * per_len + 0.5);
        n = n < 1.0 ? 1.0 : n;
        n = n > 1e6 ? 1e6 : n;
        nb[d] = (int)n;
        total *= n;
    }
    while (total > (double)npoints + 8.0) { /* very flat containers */
        int dmax = 0;
        for (int d = 1; d < 3; d++)
            if (nb[d] > nb[dmax])
                dmax = d;
        nb[dmax] = nb[dmax] / 2 > 0 ? nb[dmax] / 2 : 1;
        total = (double)nb[0] * nb[1] * nb[2];
    }
    vw_container *c = new (std::nothrow) vw_container;
    if (!c) {
        say(err, errlen, "out of memory");
        return nullptr;
    }
    try {
        c->radical = radical != 0;
        for (int d = 0; d < 3; d++) {
            c->lo[d] = lo[d];
            c->hi[d] = hi[d];
        }
        if (c->radical)
            c->poly = new voro::container_poly(lo[0], hi[0], lo[1], hi[1], lo[2], hi[2], nb[0], nb[1], nb[2], false,
                                               false, false, 8);
        else
            c->mono = new voro::container(lo[0], hi[0], lo[1], hi[1], lo[2], hi[2], nb[0], nb[1], nb[2], false,
                                          false, false, 8);
    } catch (const std::bad_alloc &) {
        delete c;
        say(err, errlen, "out of memory for a %d x %d x %d block grid", nb[0], nb[1], nb[2]);
        return nullptr;
    }
    return c;
}

extern "C" void vw_destroy(vw_container *c) { delete c; }

extern "C" int vw_add_wall(vw_container *c, const double n[3], double offset, char *err, int errlen)
{
    if (c->npoints > 0) {
        say(err, errlen, "walls must be added before points");
        return -1;
    }
    int k = (int)c->walls.size();
    if (k == VW_MAX_WALLS) {
        say(err, errlen, "at most %d walls", VW_MAX_WALLS);
        return -1;
    }
    double nn = n[0] * n[0] + n[1] * n[1] + n[2] * n[2];
    if (!std::isfinite(nn) || !(nn > 0) || !std::isfinite(offset)) {
        say(err, errlen, "wall normal (%g, %g, %g) or offset %g is not usable", n[0], n[1], n[2], offset);
        return -1;
    }
    try {
        voro::wall_plane *w = new voro::wall_plane(n[0], n[1], n[2], offset, VW_WALL_FACE(k));
        c->walls.push_back(w);
        c->planes.push_back(vw_container::plane{{n[0], n[1], n[2]}, offset});
        if (c->mono)
            c->mono->add_wall(*w);
        else
            c->poly->add_wall(*w);
    } catch (const std::bad_alloc &) {
        say(err, errlen, "out of memory");
        return -1;
    }
    return k;
}

extern "C" int vw_put(vw_container *c, int id, const double x[3], double radius, int centre, char *err, int errlen)
{
    for (int d = 0; d < 3; d++)
        if (!std::isfinite(x[d]) || !(x[d] > c->lo[d]) || !(x[d] < c->hi[d])) {
            say(err, errlen, "point %d at (%g, %g, %g) is outside the container [%g,%g] x [%g,%g] x [%g,%g]",
                id, x[0], x[1], x[2], c->lo[0], c->hi[0], c->lo[1], c->hi[1], c->lo[2], c->hi[2]);
            return -1;
        }
    if (c->radical && (!std::isfinite(radius) || radius < 0)) {
        say(err, errlen, "point %d has radius %g (must be finite and >= 0)", id, radius);
        return -1;
    }
    if (centre)
        for (size_t k = 0; k < c->planes.size(); k++) {
            const vw_container::plane &p = c->planes[k];
            if (!(p.n[0] * x[0] + p.n[1] * x[1] + p.n[2] * x[2] < p.offset)) {
                say(err, errlen, "point %d at (%g, %g, %g) is outside wall %zu", id, x[0], x[1], x[2], k);
                return -1;
            }
        }
    try {
        if (c->radical) {
            if (centre)
                c->poly->put(c->order, id, x[0], x[1], x[2], radius);
            else
                c->poly->put(id, x[0], x[1], x[2], radius);
        } else {
            if (centre)
                c->mono->put(c->order, id, x[0], x[1], x[2]);
            else
                c->mono->put(id, x[0], x[1], x[2]);
        }
    } catch (const std::bad_alloc &) {
        say(err, errlen, "out of memory adding point %d", id);
        return -1;
    }
    c->npoints++;
    return 0;
}

namespace {

/* Reduce the computed cell v of the centre at x to a vw_cell. */
void describe(vw_container *c, voro::voronoicell_neighbor &v, const vw_options *opt, vw_cell *out)
{
    v.neighbors(c->neigh);
    v.face_areas(c->areas);
    v.face_vertices(c->fverts);
    v.vertices(out->x[0], out->x[1], out->x[2], c->verts);
    int nf = (int)c->neigh.size();
    c->forder.assign((size_t)nf, 0);
    c->counted.assign((size_t)nf, 0);

    out->volume = v.volume();
    out->nfaces = nf;
    out->ncounted = 0;
    out->max_order = 0;
    out->wall_faces = 0;
    out->wall_mask = 0;
    for (int k = 0; k <= VW_MAX_ORDER; k++)
        out->hist[k] = 0;
    double r2max = 0.0;
    int nv = (int)c->verts.size() / 3;
    for (int k = 0; k < nv; k++) {
        double dx = c->verts[3 * k] - out->x[0], dy = c->verts[3 * k + 1] - out->x[1],
               dz = c->verts[3 * k + 2] - out->x[2];
        double r2 = dx * dx + dy * dy + dz * dz;
        r2max = r2 > r2max ? r2 : r2max;
    }
    out->max_vertex_dist2 = r2max;

    double total = 0.0;
    for (int f = 0; f < nf; f++)
        total += c->areas[f];
    double amin = opt->face_area_min;
    if (opt->area_mode == VW_AREA_TOTAL)
        amin *= total;
    else if (opt->area_mode == VW_AREA_MEAN)
        amin *= nf > 0 ? total / nf : 0.0;
    double e2 = opt->edge_min * opt->edge_min;

    size_t pos = 0;
    for (int f = 0; f < nf; f++) {
        int n = c->fverts[pos];
        const int *iv = &c->fverts[pos + 1];
        pos += (size_t)n + 1;
        int order = n;
        if (opt->edge_min > 0) {
            order = 0;
            for (int k = 0; k < n; k++) {
                const double *a = &c->verts[3 * (size_t)iv[k]], *b = &c->verts[3 * (size_t)iv[(k + 1) % n]];
                double dx = a[0] - b[0], dy = a[1] - b[1], dz = a[2] - b[2];
                if (dx * dx + dy * dy + dz * dz >= e2)
                    order++;
            }
        }
        c->forder[f] = order;
        int nb = c->neigh[f];
        if (nb < 0) {
            out->wall_faces++;
            if (nb >= VW_CONTAINER_FACE(5))
                out->wall_mask |= VW_CONTAINER_BIT;
            else
                out->wall_mask |= 1u << (VW_WALL_FACE(0) - nb);
            continue;
        }
        if (c->areas[f] < amin || order < 3)
            continue;
        c->counted[f] = 1;
        out->ncounted++;
        out->hist[order < VW_MAX_ORDER ? order : VW_MAX_ORDER]++;
        if (order > out->max_order)
            out->max_order = order;
    }
    out->face_neighbor = c->neigh.data();
    out->face_area = c->areas.data();
    out->face_order = c->forder.data();
    out->face_counted = c->counted.data();
    out->nvertices = opt->want_vertices ? nv : 0;
    out->vertex = opt->want_vertices ? c->verts.data() : nullptr;
}

template <class con_t>
int loop(vw_container *c, con_t &con, const vw_options *opt, vw_cell_fn fn, void *ctx, char *err, int errlen)
{
    voro::voronoicell_neighbor v;
    voro::c_loop_order cl(con, c->order);
    vw_cell cell;
    if (!cl.start())
        return 0;
    do {
        cell.id = cl.pid();
        cl.pos(cell.x[0], cell.x[1], cell.x[2]);
        if (!con.compute_cell(v, cl)) {
            say(err, errlen, "the cell of point %d at (%g, %g, %g) vanished (another point on top of it?)",
                cell.id, cell.x[0], cell.x[1], cell.x[2]);
            return -1;
        }
        describe(c, v, opt, &cell);
        int r = fn(ctx, &cell);
        if (r)
            return r;
    } while (cl.inc());
    return 0;
}

} // namespace

extern "C" int vw_compute(vw_container *c, const vw_options *opt, vw_cell_fn fn, void *ctx, char *err, int errlen)
{
    if (!(opt->face_area_min >= 0) || !(opt->edge_min >= 0)) {
        say(err, errlen, "thresholds must be >= 0 (face area %g, edge %g)", opt->face_area_min, opt->edge_min);
        return -1;
    }
    try {
        if (c->radical)
            return loop(c, *c->poly, opt, fn, ctx, err, errlen);
        return loop(c, *c->mono, opt, fn, ctx, err, errlen);
    } catch (const std::bad_alloc &) {
        say(err, errlen, "out of memory computing cells");
        return -1;
    }
}
