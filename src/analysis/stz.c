/* STZ clusters and events from a D2min sample (analysis/stz.h): the
 * threshold, connected components by label propagation over the
 * observer's ghost shell, the cluster and event tables on rank 0. */
#include "analysis/stz.h"
#include "analysis/cells.h"
#include "core/ckpt_section.h"
#include "core/error.h"
#include "core/jacobi.h"
#include "io/funnel.h"
#include "parallel/parallel.h"
#include "parallel/repro.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void stz_init(stz *z)
{
    memset(z, 0, sizeof *z);
    z->connect = 3.8;
    z->min_size = 1;
    z->background = -1.0;
    z->next_event = 1;
    eshelby_init(&z->esh);
}

void stz_destroy(stz *z)
{
    if (z->fc)
        fclose(z->fc);
    if (z->fe)
        fclose(z->fe);
    free(z->open);
    free(z->born);
    eshelby_destroy(&z->esh);
    memset(z, 0, sizeof *z);
}

/* ---- the threshold --------------------------------------------------------- */

/* The k-th largest of the valid values over all ranks (k >= 1), exactly:
 * bisection on the bit patterns of non-negative doubles, which order as
 * the values do; 64 global counts. */
static double kth_largest(const double *v, const int *valid, int n, int64_t k)
{
    uint64_t lo = 0, hi = 0x7ff0000000000000ull; /* 0 .. +inf */
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo + 1) / 2;
        double t;
        memcpy(&t, &mid, sizeof t);
        int64_t c = 0;
        for (int i = 0; i < n; i++)
            c += valid[i] && v[i] >= t;
        c = par_sum_i64(c);
        if (c >= k)
            lo = mid; /* t is at or below the k-th largest */
        else
            hi = mid - 1;
    }
    double t;
    memcpy(&t, &lo, sizeof t);
    return t;
}

static double threshold_of(stz *z, const double *d2, const int *valid, int n)
{
    if (z->mode == STZ_ABOVE)
        return z->value;
    if (z->mode == STZ_BACKGROUND) {
        if (z->background < 0) {
            double *t = mg_malloc((size_t)(n ? n : 1) * sizeof *t);
            int m = 0;
            for (int i = 0; i < n; i++)
                if (valid[i])
                    t[m++] = d2[i];
            double sum;
            repro_sum(t, m, 1, 1, &sum);
            int64_t cnt = par_sum_i64(m);
            free(t);
            z->background = cnt > 0 ? sum / (double)cnt : 0.0;
        }
        return z->value * z->background;
    }
    int64_t nvalid = 0;
    for (int i = 0; i < n; i++)
        nvalid += valid[i] != 0;
    nvalid = par_sum_i64(nvalid);
    int64_t k = (int64_t)llround(z->value * (double)nvalid);
    if (k < 1)
        return HUGE_VAL; /* nobody */
    return kth_largest(d2, valid, n, k);
}

/* ---- geometry ---------------------------------------------------------------- */

/* Minimum-image offset b - a along the periodic dimensions (A). */
static void min_image(const box *bx, const double a[3], const double b[3], double out[3])
{
    const double v[3] = {b[0] - a[0], b[1] - a[1], b[2] - a[2]};
    box_min_image(bx, v, out);
}

/* ---- connected components ---------------------------------------------------- */

/* Each active copy's label: the smallest id in its cluster (0: inactive). */
static double *propagate(const stz *z, shell *sh, const int *active)
{
    const atoms *sa = &sh->a;
    const int nlocal = sa->nlocal, nall = sa->nlocal + sa->nghost;
    double *lab = mg_calloc((size_t)(nall ? nall : 1), sizeof *lab);
    for (int i = 0; i < nlocal; i++)
        lab[i] = active[i] ? (double)sa->id[i] : 0.0;
    halo_forward(&sh->h, lab, 1);
    /* Adjacency among active copies, fixed for the propagation. */
    cells c;
    cells_build(&c, (const double (*)[3])sa->x, nall, z->connect);
    int *first = mg_malloc((size_t)(nlocal + 1) * sizeof *first), *adj = NULL, nadj = 0, capadj = 0;
    int *buf = NULL, cap = 0;
    for (int i = 0; i < nlocal; i++) {
        first[i] = nadj;
        if (!active[i])
            continue;
        int n = cells_gather(&c, (const double (*)[3])sa->x, i, z->connect * z->connect, &buf, &cap);
        for (int q = 0; q < n; q++)
            if (lab[buf[q]] > 0) {
                if (nadj == capadj) {
                    capadj = capadj ? 2 * capadj : 1024;
                    adj = mg_realloc(adj, (size_t)capadj * sizeof *adj);
                }
                adj[nadj++] = buf[q];
            }
    }
    first[nlocal] = nadj;
    free(buf);
    cells_free(&c);
    for (int pass = 0;; pass++) {
        int changed = 0;
        for (int i = 0; i < nlocal; i++) {
            if (!active[i])
                continue;
            double m = lab[i];
            for (int q = first[i]; q < first[i + 1]; q++)
                if (lab[adj[q]] < m)
                    m = lab[adj[q]];
            if (m < lab[i]) {
                lab[i] = m;
                changed = 1;
            }
        }
        if (!par_max_int(changed))
            break;
        if (pass > 1000000)
            mg_fail_all("STZ clustering did not converge"); /* cannot happen: labels only decrease */
        halo_forward(&sh->h, lab, 1);
    }
    free(first);
    free(adj);
    return lab;
}

/* ---- records on rank 0 ------------------------------------------------------- */

/* Per active atom: label, id, x y z, d2, shear, E (6), previous event, the
 * non-affine displacement w (3, for the events' Eshelby maps). */
enum { R_LAB, R_ID, R_X, R_D2 = R_X + 3, R_SHEAR, R_E, R_PREV = R_E + 6, R_W, R_N = R_W + 3 };

static int by_label_id(const void *a, const void *b)
{
    const double *x = a, *y = b;
    if (x[R_LAB] != y[R_LAB])
        return x[R_LAB] < y[R_LAB] ? -1 : 1;
    return (x[R_ID] > y[R_ID]) - (x[R_ID] < y[R_ID]);
}

typedef struct cluster {
    double label;
    int64_t size, event;
    int first;                /* its first record                        */
    int64_t prev, overlap;    /* best previous event and its atom count   */
    double centre[3], rg, d2mean, d2max, shear, E[6], e[3], normal[3], w[3];
} cluster;

static int by_value(const void *a, const void *b)
{
    const double *x = a, *y = b;
    return (*x > *y) - (*x < *y);
}

static int by_size_desc(const void *a, const void *b)
{
    const cluster *x = a, *y = b;
    if (x->size != y->size)
        return x->size > y->size ? -1 : 1;
    return (x->label > y->label) - (x->label < y->label);
}

static void put(textbuf *t, double v) { tb_printf(t, ",%.10g", v); }

static void check_write(FILE *f, const char *path)
{
    fflush(f);
    if (ferror(f))
        mg_fail_one("STZ tables: writing %s failed", path);
}

static void write_event(stz *z, const stz_event *e)
{
    if (!z->fe)
        return;
    textbuf t = {NULL, 0, 0};
    if (!z->header_e)
        tb_printf(&t, "event,first_step,last_step,samples,first_time[ps],max_size,peak_d2min_mean[A^2],"
                      "x[A],y[A],z[A]\n");
    tb_printf(&t, "%lld,%lld,%lld,%lld", (long long)e->id, (long long)e->first_step, (long long)e->last_step,
              (long long)e->samples);
    put(&t, e->first_time);
    tb_printf(&t, ",%lld", (long long)e->max_size);
    put(&t, e->peak_d2min);
    for (int d = 0; d < 3; d++)
        put(&t, e->centre[d]);
    tb_putc(&t, '\n');
    fputs(t.s, z->fe);
    check_write(z->fe, z->path_events);
    tb_free(&t);
}

/* Rank 0: clusters from the sorted records, their events, the tables.
 * Returns the clusters (labels and events filled), *nc their count. */
static cluster *tabulate(stz *z, md *s, double *rec, int64_t nrec, const double Ebox[6], int *nc)
{
    qsort(rec, (size_t)nrec, R_N * sizeof *rec, by_label_id);
    int ncl = 0, capcl = 0;
    cluster *cl = NULL;
    for (int64_t a = 0; a < nrec;) {
        int64_t b = a;
        while (b < nrec && rec[b * R_N + R_LAB] == rec[a * R_N + R_LAB])
            b++;
        if (b - a >= z->min_size) {
            if (ncl == capcl) {
                capcl = capcl ? 2 * capcl : 64;
                cl = mg_realloc(cl, (size_t)capcl * sizeof *cl);
            }
            cluster *c = &cl[ncl++];
            memset(c, 0, sizeof *c);
            c->label = rec[a * R_N + R_LAB];
            c->size = b - a;
            c->first = (int)a;
            const double *x0 = &rec[a * R_N + R_X];
            double mean[3] = {0, 0, 0}, (*off)[3] = mg_malloc((size_t)(b - a) * sizeof *off);
            c->d2max = -HUGE_VAL;
            for (int64_t k = a; k < b; k++) {
                const double *r = &rec[k * R_N];
                min_image(&s->box, x0, &r[R_X], off[k - a]);
                for (int d = 0; d < 3; d++)
                    mean[d] += off[k - a][d] / (double)c->size;
                c->d2mean += r[R_D2] / (double)c->size;
                c->d2max = fmax(c->d2max, r[R_D2]);
                c->shear += r[R_SHEAR] / (double)c->size;
                for (int v = 0; v < 6; v++)
                    c->E[v] += r[R_E + v] / (double)c->size;
                for (int d = 0; d < 3; d++)
                    c->w[d] += r[R_W + d] / (double)c->size;
            }
            double rg2 = 0.0;
            for (int64_t k = 0; k < b - a; k++)
                for (int d = 0; d < 3; d++)
                    rg2 += (off[k][d] - mean[d]) * (off[k][d] - mean[d]) / (double)c->size;
            free(off);
            c->rg = sqrt(rg2);
            double cen[3] = {x0[0] + mean[0], x0[1] + mean[1], x0[2] + mean[2]};
            int img[3] = {0, 0, 0};
            box_remap(&s->box, cen, img);
            memcpy(c->centre, cen, sizeof cen);
            double m[3][3] = {{c->E[0], c->E[3], c->E[4]}, {c->E[3], c->E[1], c->E[5]}, {c->E[4], c->E[5], c->E[2]}};
            double val[3], vec[3][3]; /* ascending: e1 = val[2], e3 = val[0] */
            jacobi_eigen(3, &m[0][0], val, &vec[0][0]);
            for (int k = 0; k < 3; k++)
                c->e[k] = val[2 - k];
            for (int d = 0; d < 3; d++)
                c->normal[d] = (vec[d][2] + vec[d][0]) / sqrt(2.0);
            /* The previous event most of its atoms belonged to (the
             * smaller id on a tie). */
            double *prev = mg_malloc((size_t)(b - a) * sizeof *prev);
            for (int64_t k = a; k < b; k++)
                prev[k - a] = rec[k * R_N + R_PREV];
            qsort(prev, (size_t)(b - a), sizeof *prev, by_value);
            for (int64_t k = 0; k < b - a;) {
                int64_t q = k;
                while (q < b - a && prev[q] == prev[k])
                    q++;
                if (prev[k] > 0 && q - k > c->overlap) {
                    c->overlap = q - k;
                    c->prev = (int64_t)prev[k];
                }
                k = q;
            }
            free(prev);
        }
        a = b;
    }
    /* Events: larger clusters claim first. */
    if (ncl > 1)
        qsort(cl, (size_t)ncl, sizeof *cl, by_size_desc);
    int *continued = mg_calloc((size_t)z->nopen + 1, sizeof *continued);
    const int64_t first_new = z->next_event;
    z->nnew = 0;
    z->natoms_in = 0;
    for (int k = 0; k < ncl; k++) {
        cluster *c = &cl[k];
        z->natoms_in += c->size;
        int o = -1;
        for (int q = 0; q < z->nopen && c->prev > 0; q++)
            if (z->open[q].id == c->prev && !continued[q])
                o = q;
        if (o >= 0) {
            continued[o] = 1;
            stz_event *e = &z->open[o];
            c->event = e->id;
            e->last_step = s->step;
            e->samples++;
            if (c->size > e->max_size)
                e->max_size = c->size;
            e->peak_d2min = fmax(e->peak_d2min, c->d2mean);
        } else {
            c->event = z->next_event++;
            z->nnew++;
        }
    }
    /* Events no cluster continued have ended; new ones open. */
    int kept = 0;
    for (int q = 0; q < z->nopen; q++) {
        if (continued[q])
            z->open[kept++] = z->open[q];
        else
            write_event(z, &z->open[q]), z->header_e = 1;
    }
    z->nopen = kept;
    free(continued);
    /* The births, for the map of their surroundings. */
    z->nborn = 0;
    for (int k = 0; k < ncl; k++) {
        const cluster *c = &cl[k];
        if (c->event < first_new)
            continue;
        if (z->nborn == z->capborn) {
            z->capborn = z->capborn ? 2 * z->capborn : 16;
            z->born = mg_realloc(z->born, (size_t)z->capborn * sizeof *z->born);
        }
        stz_birth *b = &z->born[z->nborn++];
        b->event = c->event;
        b->size = c->size;
        memcpy(b->centre, c->centre, sizeof b->centre);
        memcpy(b->w, c->w, sizeof b->w);
        for (int v = 0; v < 6; v++)
            b->E[v] = c->E[v] - Ebox[v];
    }
    for (int k = 0; k < ncl; k++) {
        cluster *c = &cl[k];
        int isnew = 1;
        for (int q = 0; q < z->nopen; q++)
            isnew &= z->open[q].id != c->event;
        if (!isnew)
            continue;
        if (z->nopen == z->capopen) {
            z->capopen = z->capopen ? 2 * z->capopen : 64;
            z->open = mg_realloc(z->open, (size_t)z->capopen * sizeof *z->open);
        }
        stz_event *e = &z->open[z->nopen++];
        *e = (stz_event){.id = c->event, .first_step = s->step, .last_step = s->step, .samples = 1,
                         .max_size = c->size, .first_time = s->time, .peak_d2min = c->d2mean};
        memcpy(e->centre, c->centre, sizeof e->centre);
    }
    if (z->fc) {
        textbuf t = {NULL, 0, 0};
        if (!z->header_c)
            tb_printf(&t, "step,time[ps],event,size,x[A],y[A],z[A],rg[A],d2min_mean[A^2],d2min_max[A^2],shear_mean,"
                          "exx,eyy,ezz,exy,exz,eyz,e1,e2,e3,gamma_max,nx,ny,nz\n");
        for (int k = 0; k < ncl; k++) {
            const cluster *c = &cl[k];
            tb_printf(&t, "%lld", (long long)s->step);
            put(&t, s->time);
            tb_printf(&t, ",%lld,%lld", (long long)c->event, (long long)c->size);
            for (int d = 0; d < 3; d++)
                put(&t, c->centre[d]);
            put(&t, c->rg);
            put(&t, c->d2mean);
            put(&t, c->d2max);
            put(&t, c->shear);
            for (int v = 0; v < 6; v++)
                put(&t, c->E[v]);
            for (int v = 0; v < 3; v++)
                put(&t, c->e[v]);
            put(&t, c->e[0] - c->e[2]);
            for (int d = 0; d < 3; d++)
                put(&t, c->normal[d]);
            tb_putc(&t, '\n');
        }
        if (t.s) {
            fputs(t.s, z->fc);
            check_write(z->fc, z->path_clusters);
        }
        tb_free(&t);
    }
    *nc = ncl;
    return cl;
}


/* Sync the replicated state after rank 0 changed it. */
static void broadcast_state(stz *z)
{
    int64_t head[5] = {z->next_event, z->nopen, z->nnew, z->natoms_in, z->header_e};
    par_bcast_bytes(head, sizeof head, 0);
    z->next_event = head[0];
    z->nnew = head[2];
    z->natoms_in = head[3];
    z->header_e = (int)head[4];
    if (head[1] > z->capopen) {
        z->capopen = (int)head[1];
        z->open = mg_realloc(z->open, (size_t)z->capopen * sizeof *z->open);
    }
    z->nopen = (int)head[1];
    if (z->nopen)
        par_bcast_bytes(z->open, (size_t)z->nopen * sizeof *z->open, 0);
    int nb = z->nborn;
    par_bcast_ints(&nb, 1, 0);
    if (nb > z->capborn) {
        z->capborn = nb;
        z->born = mg_realloc(z->born, (size_t)z->capborn * sizeof *z->born);
    }
    z->nborn = nb;
    if (nb)
        par_bcast_bytes(z->born, (size_t)nb * sizeof *z->born, 0);
}

void stz_sample(stz *z, const char *name, md *s, shell *sh, const double *d2, const int *valid,
                const double (*E)[6], const double *shear, const double (*w)[3], const double Ebox[6],
                double *event, int empty)
{
    (void)name;
    const atoms *sa = &sh->a;
    const int nlocal = sa->nlocal;
    z->threshold = empty ? HUGE_VAL : threshold_of(z, d2, valid, nlocal);
    int *active = mg_malloc((size_t)(nlocal ? nlocal : 1) * sizeof *active);
    for (int i = 0; i < nlocal; i++)
        active[i] = valid[i] && d2[i] >= z->threshold;
    double *lab = propagate(z, sh, active);

    /* Records of the active atoms, to rank 0. */
    int n = 0;
    for (int i = 0; i < nlocal; i++)
        n += active[i];
    double *rec = mg_malloc((size_t)(n ? n : 1) * R_N * sizeof *rec);
    for (int i = 0, k = 0; i < nlocal; i++) {
        if (!active[i])
            continue;
        double *r = &rec[(size_t)k++ * R_N];
        r[R_LAB] = lab[i];
        r[R_ID] = (double)sa->id[i];
        memcpy(&r[R_X], sa->x[i], 3 * sizeof *r);
        r[R_D2] = d2[i];
        r[R_SHEAR] = shear[i];
        memcpy(&r[R_E], E[i], 6 * sizeof *r);
        r[R_PREV] = event[i];
        memcpy(&r[R_W], w[i], 3 * sizeof *r);
    }
    int64_t nall = 0;
    double *all = NULL;
    if (par_rank() == 0) {
        size_t cap = 0, bytes = 0;
        void *buf = NULL;
        all = mg_malloc((size_t)(n ? n : 1) * R_N * sizeof *all);
        memcpy(all, rec, (size_t)n * R_N * sizeof *all);
        nall = n;
        for (int r = 1; r < par_size(); r++) {
            bytes = par_recv(&buf, &cap, r);
            int64_t m = (int64_t)(bytes / (R_N * sizeof(double)));
            all = mg_realloc(all, (size_t)(nall + m + 1) * R_N * sizeof *all);
            if (bytes)
                memcpy(&all[nall * R_N], buf, bytes);
            nall += m;
        }
        free(buf);
    } else {
        par_send(rec, (size_t)n * R_N * sizeof *rec, 0);
    }
    free(rec);

    /* Rank 0 tabulates; everyone learns label -> event. */
    int ncl = 0;
    cluster *cl = NULL;
    if (par_rank() == 0)
        cl = tabulate(z, s, all, nall, Ebox, &ncl);
    free(all);
    par_bcast_bytes(&ncl, sizeof ncl, 0);
    double *map = mg_malloc((size_t)(ncl ? ncl : 1) * 2 * sizeof *map);
    if (par_rank() == 0)
        for (int k = 0; k < ncl; k++) {
            map[2 * k] = cl[k].label;
            map[2 * k + 1] = (double)cl[k].event;
        }
    free(cl);
    if (ncl)
        par_bcast_doubles(map, (size_t)ncl * 2, 0);
    qsort(map, (size_t)ncl, 2 * sizeof *map, by_value); /* by label, the first of each pair */
    for (int i = 0; i < nlocal; i++) {
        event[i] = 0.0;
        if (!active[i])
            continue;
        double key[2] = {lab[i], 0};
        const double *hit = bsearch(key, map, (size_t)ncl, 2 * sizeof *map, by_value);
        if (hit)
            event[i] = hit[1];
    }
    z->nclusters = ncl;
    z->header_c = 1; /* on every rank: the checkpoint's value */
    free(map);
    free(lab);
    free(active);
    broadcast_state(z);
}

/* ---- checkpoint ------------------------------------------------------------------ */

enum { SZ_NEXT, SZ_NOPEN, SZ_HC, SZ_HE, SZ_POSC, SZ_POSE, SZ_COUNT };

void stz_save(const stz *z, ckpt_state *c)
{
    int64_t st[SZ_COUNT] = {z->next_event, z->nopen, z->header_c, z->header_e, text_position(z->fc),
                            text_position(z->fe)};
    ckpt_put_i64(c, "stz_state", st, SZ_COUNT);
    ckpt_put_doubles(c, "stz_background", &z->background, 1);
    if (z->nopen) {
        int64_t *iv = mg_malloc((size_t)z->nopen * 5 * sizeof *iv);
        double *dv = mg_malloc((size_t)z->nopen * 5 * sizeof *dv);
        for (int k = 0; k < z->nopen; k++) {
            const stz_event *e = &z->open[k];
            int64_t a[5] = {e->id, e->first_step, e->last_step, e->samples, e->max_size};
            double b[5] = {e->first_time, e->peak_d2min, e->centre[0], e->centre[1], e->centre[2]};
            memcpy(&iv[5 * k], a, sizeof a);
            memcpy(&dv[5 * k], b, sizeof b);
        }
        ckpt_put_i64(c, "stz_open_ints", iv, (size_t)z->nopen * 5);
        ckpt_put_doubles(c, "stz_open_reals", dv, (size_t)z->nopen * 5);
        free(iv);
        free(dv);
    }
}

void stz_restore(stz *z, const char *name, ckpt_state *c, long long *pos_clusters, long long *pos_events)
{
    int64_t st[SZ_COUNT];
    if (ckpt_get_i64(c, "stz_state", st, SZ_COUNT) != 0 || ckpt_get_doubles(c, "stz_background", &z->background, 1))
        mg_fail_all("restart: d2min %s: the checkpoint has no STZ state (written without 'stz')", name);
    if (st[SZ_NOPEN] < 0 || st[SZ_NOPEN] > 100000000 || st[SZ_NEXT] < 1)
        mg_fail_all("restart: d2min %s: the checkpoint's STZ state is malformed", name);
    z->next_event = st[SZ_NEXT];
    z->header_c = (int)st[SZ_HC];
    z->header_e = (int)st[SZ_HE];
    *pos_clusters = st[SZ_POSC];
    *pos_events = st[SZ_POSE];
    z->nopen = z->capopen = (int)st[SZ_NOPEN];
    free(z->open);
    z->open = mg_calloc((size_t)(z->nopen ? z->nopen : 1), sizeof *z->open);
    if (z->nopen) {
        int64_t *iv = mg_malloc((size_t)z->nopen * 5 * sizeof *iv);
        double *dv = mg_malloc((size_t)z->nopen * 5 * sizeof *dv);
        if (ckpt_get_i64(c, "stz_open_ints", iv, (size_t)z->nopen * 5) ||
            ckpt_get_doubles(c, "stz_open_reals", dv, (size_t)z->nopen * 5))
            mg_fail_all("restart: d2min %s: the checkpoint's open STZ events are missing", name);
        for (int k = 0; k < z->nopen; k++) {
            stz_event *e = &z->open[k];
            e->id = iv[5 * k];
            e->first_step = iv[5 * k + 1];
            e->last_step = iv[5 * k + 2];
            e->samples = iv[5 * k + 3];
            e->max_size = iv[5 * k + 4];
            e->first_time = dv[5 * k];
            e->peak_d2min = dv[5 * k + 1];
            memcpy(e->centre, &dv[5 * k + 2], 3 * sizeof *dv);
        }
        free(iv);
        free(dv);
    }
}
