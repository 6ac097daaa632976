/* Voronoi observer: per-atom Voronoi indices, coordination and volumes, and
 * per-sample motif statistics (see voronoi.h for the parallel scheme and
 * the completeness test, docs/analysis.md#voronoi for the definitions). */
#include "analysis/voronoi.h"
#include "analysis/shell.h"
#include "core/error.h"
#include "core/units.h"
#include "io/checkpoint.h"
#include "io/claim.h"
#include "io/funnel.h"
#include "parallel/parallel.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { COL_N3, COL_N4, COL_N5, COL_N6, COL_N7, COL_NMAX, COL_CN, COL_VOL, COL_SURFACE, NCOL };
static const char *col_names[NCOL] = {"n3", "n4", "n5", "n6", "n7", "nmax", "cn", "vol", "surface"};

/* Per centre group g (0: all atoms, t: type t), summed over ranks. */
enum { ST_N, ST_SURF, ST_ICO, ST_VOL, ST_CN, ST_NSTAT };

typedef struct vor {
    voronoi_params p;
    shell sh;
    double width_next;        /* A: first width of the next sample; 0: guess */
    FILE *fmotif, *fsum;      /* rank 0                                      */
    char path_motif[1100], path_sum[1100];
    int header_done;
    /* since the last report (stage_end) */
    int nsamples, npasses;
    double seconds, width;
    int64_t *key;             /* [nlocal] packed index of interior atoms, -1 */
    int keycap;
} vor;

/* One tessellation pass over this rank's owned atoms. */
typedef struct pass {
    const atoms *sa;          /* the shell: owned copies, then ghosts        */
    const box *b;
    double *col[NCOL];        /* per-atom columns (property data)            */
    const double *rad;        /* [ntypes+1] A, or NULL                       */
    double rmax;              /* largest radius (0 without radii)            */
    double flo[3], fhi[3];    /* fractional faces of the covered region      */
    int lo_fin[3], hi_fin[3]; /* ... or none on that side                    */
    double fd[3];             /* A per unit of fractional coordinate         */
    double slack;             /* min over cells and vertices (A); < 0: redo  */
    int64_t *key;
    double *pcn;              /* [(nt+1)^2] counted faces by centre, neighbour */
    int nt;
} pass;

static inline double sq(double x) { return x * x; }

/* Voronoi index <n3,n4,n5,n6,n7+> packed in 40 bits, type above. */
static int64_t pack_key(int t, const int n[5])
{
    int64_t k = t;
    for (int j = 0; j < 5; j++)
        k = (k << 8) | (n[j] > 255 ? 255 : n[j]);
    return k;
}

static void unpack_key(int64_t k, int *t, int n[5])
{
    for (int j = 4; j >= 0; j--) {
        n[j] = (int)(k & 255);
        k >>= 8;
    }
    *t = (int)k;
}

static int on_cell(void *ctx, const vw_cell *c)
{
    pass *q = ctx;
    int i = c->id;
    int ti = q->sa->type[i];

    /* Completeness: the ball of (power) radius rho around every vertex must
     * lie inside the covered region (voronoi.h). */
    double slack = INFINITY;
    if (c->wall_mask & VW_CONTAINER_BIT) {
        slack = -INFINITY;
    } else {
        double shift = q->rad ? sq(q->rmax) - sq(q->rad[ti]) : 0.0;
        const box *b = q->b;
        /* Quick test first: every vertex ball lies inside the ball of radius
         * r_max + rho_max around the atom. Only if that one sticks out are
         * the vertices tested one by one. */
        double l[3], quick = INFINITY;
        box_to_lamda(b, c->x, l);
        for (int d = 0; d < 3; d++) {
            if (q->lo_fin[d])
                quick = fmin(quick, (l[d] - q->flo[d]) * q->fd[d]);
            if (q->hi_fin[d])
                quick = fmin(quick, (q->fhi[d] - l[d]) * q->fd[d]);
        }
        quick -= sqrt(c->max_vertex_dist2) + sqrt(c->max_vertex_dist2 + shift);
        if (quick >= 0)
            slack = quick;
        for (int k = 0; k < c->nvertices && quick < 0; k++) {
            const double *v = c->vertex + 3 * k;
            double rho = sqrt(sq(v[0] - c->x[0]) + sq(v[1] - c->x[1]) + sq(v[2] - c->x[2]) + shift);
            box_to_lamda(b, v, l);
            for (int d = 0; d < 3; d++) {
                if (q->lo_fin[d])
                    slack = fmin(slack, (l[d] - q->flo[d]) * q->fd[d] - rho);
                if (q->hi_fin[d])
                    slack = fmin(slack, (q->fhi[d] - l[d]) * q->fd[d] - rho);
            }
        }
    }
    if (slack < q->slack)
        q->slack = slack;

    int surface = (c->wall_mask & ~VW_CONTAINER_BIT) != 0;
    int n[5] = {c->hist[3], c->hist[4], c->hist[5], c->hist[6], 0};
    for (int k = 7; k <= VW_MAX_ORDER; k++)
        n[4] += c->hist[k];
    for (int j = 0; j < 5; j++)
        q->col[COL_N3 + j][i] = n[j];
    q->col[COL_NMAX][i] = c->max_order;
    q->col[COL_CN][i] = c->ncounted;
    q->col[COL_VOL][i] = c->volume;
    q->col[COL_SURFACE][i] = surface;
    q->key[i] = surface ? -1 : pack_key(ti, n);
    if (!surface) {
        int w = q->nt + 1;
        for (int f = 0; f < c->nfaces; f++)
            if (c->face_counted[f]) {
                int tj = q->sa->type[c->face_neighbor[f]];
                q->pcn[ti * w + tj] += 1.0;
                q->pcn[tj] += 1.0; /* row 0: any centre */
            }
    }
    return 0;
}

/* Radius of every type (A) from the user's table, by element or type number. */
static void resolve_radii(const vor *v, const atoms *a, double *rad, double *rmax)
{
    *rmax = 0.0;
    for (int t = 1; t <= a->ntypes; t++) {
        char num[16];
        snprintf(num, sizeof num, "%d", t);
        int found = -1;
        for (int k = 0; k < v->p.nradii; k++)
            if ((a->element[t][0] && !strcmp(v->p.radius_label[k], a->element[t])) ||
                !strcmp(v->p.radius_label[k], num))
                found = k;
        if (found < 0)
            mg_fail_all("voronoi: no radius for type %d%s%s%s (give 'radius %s R' for the radical tessellation)", t,
                        a->element[t][0] ? " (" : "", a->element[t], a->element[t][0] ? ")" : "",
                        a->element[t][0] ? a->element[t] : num);
        rad[t] = v->p.radius[found];
        *rmax = fmax(*rmax, rad[t]);
    }
}

/* Tessellate with shell width W. Returns the global minimum slack (A). */
static double tessellate(vor *v, md *s, double W, const double wall_l[3][2], double dmean, pass *q)
{
    const box *b = &s->box;
    shell_build(&v->sh, s, W);
    const atoms *sa = &v->sh.a;
    int nall = sa->nlocal + sa->nghost;
    q->sa = sa;
    q->b = b;
    q->slack = INFINITY;

    /* The covered region, fractional: the sub-domain widened by the shell's
     * halo reach; in a non-periodic dimension a side reaching past the box
     * has every atom there, and the walls bound it. */
    double P[3][2];
    box_face_distances(b, q->fd);
    for (int d = 0; d < 3; d++) {
        double cut = v->sh.h.cutghost / q->fd[d];
        q->flo[d] = s->dc.sublo[d] - cut;
        q->fhi[d] = s->dc.subhi[d] + cut;
        q->lo_fin[d] = b->periodic[d] || q->flo[d] > 0.0;
        q->hi_fin[d] = b->periodic[d] || q->fhi[d] < 1.0;
        P[d][0] = q->flo[d];
        P[d][1] = q->fhi[d];
        if (!b->periodic[d]) {
            P[d][0] = q->lo_fin[d] ? fmax(q->flo[d], wall_l[d][0]) : wall_l[d][0];
            P[d][1] = q->hi_fin[d] ? fmin(q->fhi[d], wall_l[d][1]) : wall_l[d][1];
        }
    }
    /* Container: the bounding box of that region and of every shell atom. */
    double lo[3] = {INFINITY, INFINITY, INFINITY}, hi[3] = {-INFINITY, -INFINITY, -INFINITY};
    for (int corner = 0; corner < 8; corner++) {
        double l[3] = {P[0][corner & 1], P[1][(corner >> 1) & 1], P[2][(corner >> 2) & 1]}, x[3];
        box_from_lamda(b, l, x);
        for (int d = 0; d < 3; d++) {
            lo[d] = fmin(lo[d], x[d]);
            hi[d] = fmax(hi[d], x[d]);
        }
    }
    for (int i = 0; i < nall; i++)
        for (int d = 0; d < 3; d++) {
            lo[d] = fmin(lo[d], sa->x[i][d]);
            hi[d] = fmax(hi[d], sa->x[i][d]);
        }
    for (int d = 0; d < 3; d++) {
        double m = 0.05 * dmean + 1e-9 * fmax(fabs(lo[d]), fabs(hi[d]));
        lo[d] -= m;
        hi[d] += m;
    }

    char err[512] = "";
    int failed = 0;
    vw_container *c = vw_create(lo, hi, nall, v->p.radical, err, sizeof err);
    failed = c == NULL;
    for (int d = 0; d < 3 && !failed; d++) {
        if (b->periodic[d])
            continue;
        /* l_d = hinv[d] . (x - lo): inside the lower wall when
         * -n . x < -(l_lo + n . lo), inside the upper one when
         * n . x < l_hi + n . lo, with n = hinv[d] (scaled to unit length). */
        double n[3] = {b->hinv[d][0] * q->fd[d], b->hinv[d][1] * q->fd[d], b->hinv[d][2] * q->fd[d]};
        double nlo = n[0] * b->lo[0] + n[1] * b->lo[1] + n[2] * b->lo[2];
        double neg[3] = {-n[0], -n[1], -n[2]};
        if (vw_add_wall(c, neg, -(wall_l[d][0] * q->fd[d] + nlo), err, sizeof err) < 0 ||
            vw_add_wall(c, n, wall_l[d][1] * q->fd[d] + nlo, err, sizeof err) < 0)
            failed = 1;
    }
    for (int i = 0; i < nall && !failed; i++) {
        double r = q->rad ? q->rad[sa->type[i]] : 0.0;
        if (vw_put(c, i, sa->x[i], r, i < sa->nlocal, err, sizeof err) != 0)
            failed = 1;
    }
    if (!failed) {
        memset(q->pcn, 0, (size_t)(q->nt + 1) * (q->nt + 1) * sizeof *q->pcn);
        vw_options o = v->p.opt;
        o.want_vertices = 1;
        failed = vw_compute(c, &o, on_cell, q, err, sizeof err) != 0;
    }
    if (c)
        vw_destroy(c);
    char msg[700];
    snprintf(msg, sizeof msg, "voronoi: %s", err);
    mg_check_all(failed, msg);
    return par_min_double(q->slack);
}

/* Text label of group g (0: all, t: type t). */
static void group_label(const atoms *a, int g, char *out, size_t n)
{
    if (g == 0) {
        snprintf(out, n, "all");
        return;
    }
    int unique = a->element[g][0] != '\0';
    for (int t = 1; t <= a->ntypes && unique; t++)
        if (t != g && !strcmp(a->element[t], a->element[g]))
            unique = 0;
    if (unique)
        snprintf(out, n, "%s", a->element[g]);
    else
        snprintf(out, n, "type%d", g);
}

static int cmp_i64(const void *x, const void *y)
{
    int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
    return (a > b) - (a < b);
}

/* (key, count) pairs sorted by key, duplicates merged; returns the count. */
static int merge_pairs(int64_t *kc, int n)
{
    qsort(kc, (size_t)n, 2 * sizeof *kc, cmp_i64);
    int m = 0;
    for (int k = 0; k < n; k++) {
        if (m > 0 && kc[2 * (m - 1)] == kc[2 * k]) {
            kc[2 * (m - 1) + 1] += kc[2 * k + 1];
        } else {
            kc[2 * m] = kc[2 * k];
            kc[2 * m + 1] = kc[2 * k + 1];
            m++;
        }
    }
    return m;
}

static int by_count_desc(const void *x, const void *y)
{
    const int64_t *a = x, *b = y;
    if (a[1] != b[1])
        return a[1] < b[1] ? 1 : -1;
    return (a[0] > b[0]) - (a[0] < b[0]);
}

/* Every rank's index histogram of interior atoms, merged on rank 0: returns
 * there the (key, count) pairs sorted by key (type in the key), NULL on the
 * other ranks. */
static int64_t *gather_histogram(const int64_t *key, int nlocal, int *npairs)
{
    int64_t *kc = mg_malloc((size_t)(2 * nlocal + 2) * sizeof *kc);
    int n = 0;
    for (int i = 0; i < nlocal; i++)
        if (key[i] >= 0) {
            kc[2 * n] = key[i];
            kc[2 * n + 1] = 1;
            n++;
        }
    n = merge_pairs(kc, n);
    if (par_rank() != 0) {
        par_send(kc, (size_t)n * 2 * sizeof *kc, 0);
        free(kc);
        *npairs = 0;
        return NULL;
    }
    void *rb = NULL;
    size_t rcap = 0;
    for (int r = 1; r < par_size(); r++) {
        size_t bytes = par_recv(&rb, &rcap, r);
        int m = (int)(bytes / (2 * sizeof *kc));
        kc = mg_realloc(kc, (size_t)(2 * (n + m) + 2) * sizeof *kc);
        memcpy(kc + 2 * n, rb, (size_t)m * 2 * sizeof *kc);
        n = merge_pairs(kc, n + m);
    }
    free(rb);
    *npairs = n;
    return kc;
}

static void write_headers(vor *v, const atoms *a)
{
    if (v->fmotif)
        fprintf(v->fmotif, "step,time[ps],temp[K],element,rank,n3,n4,n5,n6,n7,count,fraction\n");
    if (!v->fsum)
        return;
    fprintf(v->fsum, "step,time[ps],temp[K],atoms,surface,shell[A]");
    char ga[16], gb[16];
    for (int g = 0; g <= a->ntypes; g++) {
        group_label(a, g, ga, sizeof ga);
        fprintf(v->fsum, ",N_%s,ico_%s,vol_%s[A^3],cn_%s", ga, ga, ga, ga);
    }
    for (int g = 0; g <= a->ntypes; g++)
        for (int h = 1; h <= a->ntypes; h++) {
            group_label(a, g, ga, sizeof ga);
            group_label(a, h, gb, sizeof gb);
            fprintf(v->fsum, ",cn_%s_%s", ga, gb);
        }
    fputc('\n', v->fsum);
}

static void check_write(FILE *f, const char *path)
{
    if (fflush(f) != 0 || ferror(f))
        mg_fail_one("voronoi: writing %s failed: %s", path, strerror(errno));
}

/* Motif statistics of this sample into the CSV files (collective). */
static void write_stats(vor *v, md *s, const double *st, const double *pcn, double W)
{
    const atoms *a = &s->atoms;
    int nt = a->ntypes;
    int npairs = 0;
    int64_t *kc = gather_histogram(v->key, a->nlocal, &npairs);
    double ke = md_kinetic(s, NULL), dof = md_dof(s);
    double temp = dof > 0 ? 2.0 * ke / (dof * MG_BOLTZ) : 0.0;
    if (par_rank() != 0)
        return;
    if (!v->header_done) {
        write_headers(v, a);
        v->header_done = 1;
    }
    char g_label[16];
    if (v->fmotif) {
        /* Top K indices of every group, most frequent first. */
        for (int g = 0; g <= nt; g++) {
            int m = 0;
            int64_t *sel = mg_malloc((size_t)(2 * npairs + 2) * sizeof *sel);
            for (int k = 0; k < npairs; k++) {
                int t, n[5];
                unpack_key(kc[2 * k], &t, n);
                if (g == 0 || t == g) {
                    sel[2 * m] = g == 0 ? kc[2 * k] & (((int64_t)1 << 40) - 1) : kc[2 * k];
                    sel[2 * m + 1] = kc[2 * k + 1];
                    m++;
                }
            }
            if (g == 0)
                m = merge_pairs(sel, m);
            qsort(sel, (size_t)m, 2 * sizeof *sel, by_count_desc);
            group_label(a, g, g_label, sizeof g_label);
            double ng = st[g * ST_NSTAT + ST_N];
            for (int k = 0; k < m && k < v->p.top; k++) {
                int t, n[5];
                unpack_key(sel[2 * k], &t, n);
                fprintf(v->fmotif, "%lld,%.10g,%.10g,%s,%d,%d,%d,%d,%d,%d,%lld,%.10g\n", (long long)s->step, s->time,
                        temp, g_label, k + 1, n[0], n[1], n[2], n[3], n[4], (long long)sel[2 * k + 1],
                        ng > 0 ? (double)sel[2 * k + 1] / ng : 0.0);
            }
            free(sel);
        }
        check_write(v->fmotif, v->path_motif);
    }
    free(kc);
    if (v->fsum) {
        double nsurf = st[ST_SURF];
        fprintf(v->fsum, "%lld,%.10g,%.10g,%lld,%lld,%.6g", (long long)s->step, s->time, temp,
                (long long)(st[ST_N] + nsurf), (long long)nsurf, W);
        for (int g = 0; g <= nt; g++) {
            const double *x = st + g * ST_NSTAT;
            double ng = x[ST_N], inv = ng > 0 ? 1.0 / ng : 0.0;
            fprintf(v->fsum, ",%lld,%.10g,%.10g,%.10g", (long long)ng, x[ST_ICO] * inv, x[ST_VOL] * inv,
                    x[ST_CN] * inv);
        }
        for (int g = 0; g <= nt; g++) {
            double ng = st[g * ST_NSTAT + ST_N], inv = ng > 0 ? 1.0 / ng : 0.0;
            for (int h = 1; h <= nt; h++)
                fprintf(v->fsum, ",%.10g", pcn[g * (nt + 1) + h] * inv);
        }
        fputc('\n', v->fsum);
        check_write(v->fsum, v->path_sum);
    }
}

static void vor_sample(observer *ob, md *s)
{
    vor *v = ob->data;
    double t0 = par_wtime();
    atoms *a = &s->atoms;
    const box *b = &s->box;
    int nt = a->ntypes;

    /* Extent of the atoms (fractional) along the non-periodic dimensions. */
    double lmin[3] = {0, 0, 0}, lmax[3] = {0, 0, 0}, gmin[3], gmax[3];
    for (int d = 0; d < 3; d++) {
        lmin[d] = INFINITY;
        lmax[d] = -INFINITY;
    }
    for (int i = 0; i < a->nlocal; i++) {
        double l[3];
        box_to_lamda(b, a->x[i], l);
        for (int d = 0; d < 3; d++) {
            lmin[d] = fmin(lmin[d], l[d]);
            lmax[d] = fmax(lmax[d], l[d]);
        }
    }
    par_min_doubles(lmin, gmin, 3);
    par_max_doubles(lmax, gmax, 3);
    double fd[3];
    box_face_distances(b, fd);
    double occupied = b->volume, wall_l[3][2];
    for (int d = 0; d < 3; d++) {
        wall_l[d][0] = 0.0;
        wall_l[d][1] = 1.0;
        if (b->periodic[d] || a->natoms == 0)
            continue;
        double eps = 1e-6 / fd[d];
        if (v->p.walls_atoms) {
            wall_l[d][0] = gmin[d] - v->p.wall_gap / fd[d];
            wall_l[d][1] = gmax[d] + v->p.wall_gap / fd[d];
        } else {
            wall_l[d][0] = fmin(0.0, gmin[d] - eps);
            wall_l[d][1] = fmax(1.0, gmax[d] + eps);
        }
        occupied *= fmax(gmax[d] - gmin[d], 1.0 / fd[d]);
    }
    double dmean = a->natoms > 0 ? cbrt(occupied / (double)a->natoms) : 1.0;

    double *rad = NULL, rmax = 0.0;
    if (v->p.radical) {
        rad = mg_calloc((size_t)nt + 1, sizeof *rad);
        resolve_radii(v, a, rad, &rmax);
    }
    if (a->nlocal > v->keycap) {
        v->keycap = a->nlocal + a->nlocal / 4 + 16;
        v->key = mg_realloc(v->key, (size_t)v->keycap * sizeof *v->key);
    }
    pass q;
    memset(&q, 0, sizeof q);
    for (int k = 0; k < NCOL; k++) {
        char name[160];
        snprintf(name, sizeof name, "%s_%s", ob->name, col_names[k]);
        int p = atoms_find_prop(a, name);
        if (p < 0)
            mg_fail_all("voronoi %s: per-atom column %s has gone", ob->name, name);
        q.col[k] = a->prop[p].data;
    }
    q.rad = rad;
    q.rmax = rmax;
    q.key = v->key;
    q.nt = nt;
    q.pcn = mg_calloc((size_t)(nt + 1) * (nt + 1), sizeof *q.pcn);

    /* No cell reaches farther than the box's longest diagonal (periodic
     * images bound it, walls in the other dimensions), so a shell of twice
     * that (plus radii and wall gaps) always suffices. */
    double diag = 0.0;
    for (int sgn = 0; sgn < 4; sgn++) {
        double sa = sgn & 1 ? -1.0 : 1.0, sb = sgn & 2 ? -1.0 : 1.0, dsq = 0.0;
        for (int k = 0; k < 3; k++)
            dsq += sq(sa * b->h[k][0] + sb * b->h[k][1] + b->h[k][2]);
        diag = fmax(diag, sqrt(dsq));
    }
    double gap = v->p.walls_atoms ? v->p.wall_gap : 0.0;
    double cap = 2.0 * (diag + 2.0 * gap) + 2.0 * rmax + 4.0 * dmean;
    double W = v->width_next > 0 ? v->width_next : 2.5 * dmean;
    double slack;
    for (;;) {
        v->npasses++;
        slack = tessellate(v, s, W, wall_l, dmean, &q);
        if (slack >= 0)
            break;
        if (W >= cap)
            mg_fail_all("voronoi %s: Voronoi cells still incomplete with a ghost shell of %.4g A (the box diagonal "
                        "is %.4g A); this should not happen, please report it", ob->name, W, diag);
        double need = isfinite(slack) ? W - slack : 0.0;
        W = fmin(cap, fmax(1.5 * W, 1.02 * need));
    }
    v->width_next = isfinite(slack) ? fmax(dmean, 1.15 * (W - slack)) : dmean;

    /* Statistics of interior atoms (surface atoms are excluded). */
    int ns = (nt + 1) * ST_NSTAT, np = (nt + 1) * (nt + 1);
    double *loc = mg_calloc((size_t)(ns + np), sizeof *loc), *glob = mg_malloc((size_t)(ns + np) * sizeof *glob);
    for (int i = 0; i < a->nlocal; i++) {
        int t = a->type[i];
        int groups[2] = {0, t};
        for (int k = 0; k < 2; k++) {
            double *x = loc + groups[k] * ST_NSTAT;
            if (q.col[COL_SURFACE][i] != 0) {
                x[ST_SURF] += 1;
                continue;
            }
            x[ST_N] += 1;
            x[ST_ICO] += q.col[COL_N5][i] == 12 && q.col[COL_CN][i] == 12;
            x[ST_VOL] += q.col[COL_VOL][i];
            x[ST_CN] += q.col[COL_CN][i];
        }
    }
    memcpy(loc + ns, q.pcn, (size_t)np * sizeof *loc);
    par_sum_doubles(loc, glob, ns + np);
    write_stats(v, s, glob, glob + ns, W);
    free(loc);
    free(glob);
    free(q.pcn);
    free(rad);

    v->nsamples++;
    v->width = W;
    v->seconds += par_max_double(par_wtime() - t0);
}

static void vor_stage_end(observer *ob, md *s)
{
    vor *v = ob->data;
    if (v->nsamples == 0)
        return;
    if (par_rank() == 0) {
        printf("voronoi %s: %d sample%s, %.4g s per sample (slowest rank), ghost shell %.4g A, %d pass%s\n", ob->name,
               v->nsamples, v->nsamples == 1 ? "" : "s", v->seconds / v->nsamples, v->width, v->npasses,
               v->npasses == 1 ? "" : "es");
        fflush(stdout);
    }
    v->nsamples = v->npasses = 0;
    v->seconds = 0.0;
}

static void vor_destroy(observer *ob, md *s)
{
    vor *v = ob->data;
    if (v->fmotif)
        fclose(v->fmotif);
    if (v->fsum)
        fclose(v->fsum);
    char owner[128];
    snprintf(owner, sizeof owner, "voronoi %s", ob->name);
    claim_release(owner, NULL);
    shell_destroy(&v->sh);
    free(v->key);
    free(v);
    ob->data = NULL;
    observer_remove_props(ob, s);
}

/* Checkpoint: how far the CSV files had got, so a restart cuts them back
 * there and goes on; the shell width only saves a pass. */
static void vor_save(observer *ob, struct ckpt_state *c)
{
    vor *v = ob->data;
    int64_t st[3] = {text_position(v->fmotif), text_position(v->fsum), v->header_done};
    ckpt_put_i64(c, "csv_bytes", st, 3);
    ckpt_put_doubles(c, "shell_width", &v->width_next, 1);
}

static void vor_restore(observer *ob, struct ckpt_state *c)
{
    vor *v = ob->data;
    int64_t st[3];
    if (ckpt_get_i64(c, "csv_bytes", st, 3) != 0 || ckpt_get_doubles(c, "shell_width", &v->width_next, 1) != 0)
        mg_fail_all("restart: the checkpoint has no state for voronoi observer %s", ob->name);
    if (v->p.prefix[0]) {
        char owner[128];
        snprintf(owner, sizeof owner, "voronoi %s", ob->name);
        FILE *f[2] = {v->fmotif, v->fsum};
        const char *path[2] = {v->path_motif, v->path_sum}, *what[2] = {"voronoi table", "voronoi table"};
        const long long bytes[2] = {st[0], st[1]};
        claim_resume_all(owner, 2, f, path, bytes, what);
        v->fmotif = f[0];
        v->fsum = f[1];
    }
    v->header_done = (int)st[2];
}

static const observer_ops vor_ops = {
    .kind = "voronoi",
    .sample = vor_sample,
    .stage_end = vor_stage_end,
    .save = vor_save,
    .restore = vor_restore,
    .destroy = vor_destroy,
};

observer *voronoi_create(md *s, const char *name, const voronoi_params *p, int every, int at_end, int append,
                         char *err, int errlen)
{
    observer *ob = observer_new(name, &vor_ops, every, at_end);
    vor *v = mg_calloc(1, sizeof *v);
    ob->data = v;
    v->p = *p;
    shell_init(&v->sh);

    if (p->prefix[0]) {
        snprintf(v->path_motif, sizeof v->path_motif, "%s_motifs.csv", p->prefix);
        snprintf(v->path_sum, sizeof v->path_sum, "%s_summary.csv", p->prefix);
        /* Claimed and locked before they are truncated (claim.h). */
        char owner[128], refusal[2600];
        snprintf(owner, sizeof owner, "voronoi %s", name);
        FILE *f[2] = {NULL, NULL};
        const char *path[2] = {v->path_motif, v->path_sum};
        int failed, code;
        int ok = claim_fopen_all(owner, 2, f, path, append ? "a" : "w", refusal, sizeof refusal, &failed, &code) == 0;
        v->fmotif = f[0];
        v->fsum = f[1];
        claim_verdict(refusal);
        if (!ok) {
            snprintf(err, (size_t)errlen, "cannot write %s: %s", path[failed], strerror(code));
            ob->nprops = 0;
            vor_destroy(ob, s);
            free(ob);
            return NULL;
        }
    }
    for (int k = 0; k < NCOL; k++)
        observer_add_prop(ob, s, col_names[k], 1, k != COL_VOL); /* counts and the surface flag */
    return ob;
}
