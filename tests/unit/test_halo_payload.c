/* The halo payload engine on a real decomposed system.
 *
 * For four periodic (one partly fixed) boxes, orthogonal and triclinic,
 * builds a jittered lattice whose every position is a deterministic
 * function of the atom id (so every rank knows where every atom is without
 * any gather), decomposes it over the ranks (decomp_migrate), builds the
 * ghosts with halo_build at a ghost cutoff chosen so that in some cases the
 * shell is wider than a sub-domain (several hops per direction; on 1 rank
 * wider than the box itself) and then checks, at two stages (as built, and
 * after a large displacement, a migration and a rebuild of the same halo):
 *
 *   ghost set     the (id, periodic image) pairs each rank holds as ghosts
 *                 are exactly those an independent enumeration finds in its
 *                 sub-domain grown by the cutoff (fractional slab
 *                 [sublo - c/d, subhi + c/d) per dimension), minus its own
 *                 atoms; no pair twice; type and mask arrive with the id;
 *   lattice       every ghost's position minus its atom's reference position
 *                 is H n with integer n, to 1e-12 A;
 *   forward       a registered property (atoms_add_prop, width 2: 1.5 id and
 *                 id^2 mod 97) and a plain width-1 array through
 *                 halo_forward, and a custom 33-byte payload (id, a tag
 *                 byte, the position with its swap's image shift, packed
 *                 unaligned by callbacks written here) through
 *                 halo_forward_payload: every ghost holds its id's values
 *                 exactly, the custom payload's position equals halo_build's;
 *   forward x     owned atoms moved by a small id-dependent displacement:
 *                 halo_forward_x gives every ghost its owner's new position
 *                 plus the same lattice vector as at the build (1e-12 A);
 *   reverse       each ghost contributes (1, id) to a width-2 array whose
 *                 owned entries start at (id mod 7 + 1/4, 3 id): after
 *                 halo_reverse_sum each owned atom holds its start value
 *                 plus (c, c id), c the number of ghost copies of it on all
 *                 ranks (counted independently: per-id counts of ghosts
 *                 summed over ranks with par_sum_doubles), and the ghosts
 *                 still hold (1, id); zero contributions leave owned values
 *                 bitwise unchanged; a custom payload through
 *                 halo_reverse_payload returning (id, count) records checks
 *                 that each record comes back onto the atom with that id and
 *                 that a ghost of a ghost is summed back hop by hop.
 *
 * One ok/FAIL line per check group (rank 0), exit status non-zero on any
 * failure. Runs on any number of ranks (ctest: 1, 2, 3, 4, 8). */
#include "core/rng.h"
#include "parallel/decomp.h"
#include "parallel/halo.h"
#include "parallel/parallel.h"
#include "system/system.h"
#include "unit_report.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SEED 20240611u
#define NBASE 17 /* image components encoded in [-8, 8] */
#define IMG_OFF 8
#define LATTICE_TOL 1e-12 /* A */
#define FRAC_TOL 1e-9     /* fractional distance from a slab boundary taken as ambiguous */

typedef struct tcase {
    const char *name;
    double len[3], tilt[3];
    int ncell[3];
    char boundary[3];
    double cut;
} tcase;

/* ---- the deterministic system --------------------------------------------- */

static void cell_of(const tcase *tc, int64_t id, int c[3])
{
    int64_t k = id - 1;
    c[0] = (int)(k % tc->ncell[0]);
    c[1] = (int)(k / tc->ncell[0] % tc->ncell[1]);
    c[2] = (int)(k / ((int64_t)tc->ncell[0] * tc->ncell[1]));
}

/* Position of atom id at a stage: 0 as created, 1 after the small
 * displacement, 2 after the large one as well (unwrapped). */
static void small_disp(int64_t id, double dx[3])
{
    double u[4];
    rng_uniform2(SEED, (uint64_t)id, 11, 0, u);
    rng_uniform2(SEED, (uint64_t)id, 11, 1, u + 2);
    for (int d = 0; d < 3; d++)
        dx[d] = 0.04 * (u[d] - 0.5);
}

static void large_disp(int64_t id, double dx[3])
{
    double u[4];
    rng_uniform2(SEED, (uint64_t)id, 12, 0, u);
    rng_uniform2(SEED, (uint64_t)id, 12, 1, u + 2);
    for (int d = 0; d < 3; d++)
        dx[d] = 1.0 * (u[d] - 0.5);
}

static void ref_pos(const tcase *tc, const box *b, int64_t id, int stage, double x[3])
{
    int c[3];
    cell_of(tc, id, c);
    double u[4];
    rng_uniform2(SEED, (uint64_t)id, 9, 0, u);
    rng_uniform2(SEED, (uint64_t)id, 9, 1, u + 2);
    double l[3];
    for (int d = 0; d < 3; d++)
        l[d] = (c[d] + 0.5 + 0.3 * (u[d] - 0.5)) / tc->ncell[d];
    box_from_lamda(b, l, x);
    if (stage >= 1) {
        double dx[3];
        small_disp(id, dx);
        for (int d = 0; d < 3; d++)
            x[d] += dx[d];
    }
    if (stage >= 2) {
        double dx[3];
        large_disp(id, dx);
        for (int d = 0; d < 3; d++)
            x[d] += dx[d];
    }
}

static int type_of(int64_t id) { return 1 + (int)(id % 3); }
static uint64_t mask_of(int64_t id) { return 1u | ((uint64_t)(id % 5) << 3) | ((uint64_t)(id % 2) << 40); }
static double fa(int64_t id) { return 1.5 * (double)id; }
static double fb(int64_t id) { return (double)((id * id) % 97); }
static double fc(int64_t id) { return 0.125 * (double)id - 7.0; }

static int64_t encode(int64_t id, const int n[3])
{
    return ((id * NBASE + (n[0] + IMG_OFF)) * NBASE + (n[1] + IMG_OFF)) * NBASE + (n[2] + IMG_OFF);
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static void sort(int64_t *v, int n)
{
    if (n > 1)
        qsort(v, (size_t)n, sizeof *v, cmp_i64);
}

static int contains(const int64_t *v, int n, int64_t key)
{
    return n > 0 && bsearch(&key, v, (size_t)n, sizeof *v, cmp_i64) != NULL;
}

typedef struct ivec {
    int64_t *v;
    int n, cap;
} ivec;

static void push(ivec *a, int64_t x)
{
    if (a->n == a->cap) {
        a->cap = a->cap ? 2 * a->cap : 1024;
        a->v = realloc(a->v, (size_t)a->cap * sizeof *a->v);
    }
    a->v[a->n++] = x;
}

/* Fractional cutoff per dimension, as halo_build computes it. */
static void frac_cut(const box *b, double cut, double cl[3])
{
    double fd[3];
    box_face_distances(b, fd);
    for (int d = 0; d < 3; d++)
        cl[d] = cut / fd[d];
}

/* Wrapped fractional coordinates of atom id at a stage. */
static void wrapped_lamda(const tcase *tc, const box *b, int64_t id, int stage, double lw[3])
{
    double x[3];
    ref_pos(tc, b, id, stage, x);
    box_to_lamda(b, x, lw);
    for (int d = 0; d < 3; d++)
        if (b->periodic[d])
            lw[d] -= floor(lw[d]);
}

/* ---- custom payloads ------------------------------------------------------- */

#define FREC 33 /* int64 id, uint8 tag, 3 doubles: deliberately unaligned */

typedef struct fwd_ctx {
    atoms *a;
    const box *b;
    int64_t *gid;   /* per atom slot: received id                          */
    unsigned char *gtag;
    double (*gx)[3];
} fwd_ctx;

static void fwd_pack(void *ctx, const halo_swap *s, void *buf)
{
    fwd_ctx *c = ctx;
    unsigned char *p = buf;
    for (int k = 0; k < s->nsend; k++, p += FREC) {
        int i = s->sendlist[k];
        int64_t id = c->a->id[i];
        unsigned char tag = (unsigned char)(id % 251);
        double x[3];
        for (int d = 0; d < 3; d++)
            x[d] = c->a->x[i][d] + s->image_shift * c->b->h[d][s->dim];
        memcpy(p, &id, 8);
        p[8] = tag;
        memcpy(p + 9, x, 24);
    }
}

static void fwd_unpack(void *ctx, int first, int n, const void *buf)
{
    fwd_ctx *c = ctx;
    const unsigned char *p = buf;
    for (int k = 0; k < n; k++, p += FREC) {
        memcpy(&c->gid[first + k], p, 8);
        c->gtag[first + k] = p[8];
        memcpy(c->gx[first + k], p + 9, 24);
    }
}

/* Reverse: a record (id, count) per ghost; count = 1 + what came back onto
 * it from its own ghosts (so a ghost of a ghost is summed back hop by hop). */
typedef struct rev_ctx {
    atoms *a;
    int64_t *acc;
    int bad_id;      /* records that came back onto an atom of another id   */
    int packed;      /* ghosts packed (each exactly once)                    */
} rev_ctx;

static void rev_pack(void *ctx, int first, int n, void *buf)
{
    rev_ctx *c = ctx;
    int64_t *r = buf;
    for (int k = 0; k < n; k++) {
        r[2 * k] = c->a->id[first + k];
        r[2 * k + 1] = 1 + c->acc[first + k];
    }
    c->packed += n;
}

static void rev_unpack_add(void *ctx, const halo_swap *s, const void *buf)
{
    rev_ctx *c = ctx;
    const int64_t *r = buf;
    for (int k = 0; k < s->nsend; k++) {
        int i = s->sendlist[k];
        if (r[2 * k] != c->a->id[i])
            c->bad_id++;
        c->acc[i] += r[2 * k + 1];
    }
}

/* ---- checks ------------------------------------------------------------------ */

/* Ghost set against an independent enumeration; returns each ghost's image
 * n (relative to its atom's wrapped fractional position) in img. */
static void check_ghost_set(const char *label, const tcase *tc, md *s, int stage, int (*img)[3])
{
    atoms *a = &s->atoms;
    const box *b = &s->box;
    const decomp *dc = &s->dc;
    const int64_t N = a->natoms;
    double cl[3];
    frac_cut(b, tc->cut, cl);

    /* Owned here (from the atoms themselves) and a partition over ranks. */
    double *own = calloc((size_t)N, sizeof *own), *ownsum = calloc((size_t)N, sizeof *ownsum);
    for (int i = 0; i < a->nlocal; i++)
        own[a->id[i] - 1] += 1.0;
    par_sum_doubles(own, ownsum, (int)N);
    int bad_partition = 0;
    for (int64_t k = 0; k < N; k++)
        bad_partition += ownsum[k] != 1.0;

    ivec sure = {0}, amb = {0}, got = {0};
    for (int64_t id = 1; id <= N; id++) {
        double lw[3];
        wrapped_lamda(tc, b, id, stage, lw);
        int nlo[3], nhi[3];
        for (int d = 0; d < 3; d++) {
            if (b->periodic[d]) {
                nlo[d] = (int)floor(dc->sublo[d] - cl[d] - lw[d]) - 1;
                nhi[d] = (int)ceil(dc->subhi[d] + cl[d] - lw[d]) + 1;
            } else {
                nlo[d] = nhi[d] = 0;
            }
        }
        int n[3];
        for (n[0] = nlo[0]; n[0] <= nhi[0]; n[0]++)
            for (n[1] = nlo[1]; n[1] <= nhi[1]; n[1]++)
                for (n[2] = nlo[2]; n[2] <= nhi[2]; n[2]++) {
                    if (n[0] == 0 && n[1] == 0 && n[2] == 0 && own[id - 1] > 0)
                        continue;
                    double margin = 1e300;
                    for (int d = 0; d < 3; d++) {
                        double l = lw[d] + n[d];
                        double m = fmin(l - (dc->sublo[d] - cl[d]), (dc->subhi[d] + cl[d]) - l);
                        margin = fmin(margin, m);
                    }
                    if (margin > FRAC_TOL)
                        push(&sure, encode(id, n));
                    else if (margin > -FRAC_TOL)
                        push(&amb, encode(id, n));
                }
    }
    sort(sure.v, sure.n);
    sort(amb.v, amb.n);

    int bad_frac = 0, bad_type = 0, bad_range = 0;
    double worst_frac = 0;
    for (int g = a->nlocal; g < a->nlocal + a->nghost; g++) {
        int64_t id = a->id[g];
        if (id < 1 || id > N) {
            bad_range++;
            img[g][0] = img[g][1] = img[g][2] = 0;
            continue;
        }
        double lw[3], l[3];
        wrapped_lamda(tc, b, id, stage, lw);
        box_to_lamda(b, a->x[g], l);
        for (int d = 0; d < 3; d++) {
            double r = l[d] - lw[d];
            img[g][d] = (int)lround(r);
            double e = fabs(r - img[g][d]);
            if (e > worst_frac)
                worst_frac = e;
            if (e > FRAC_TOL || img[g][d] < -IMG_OFF || img[g][d] > IMG_OFF)
                bad_frac++;
        }
        if (a->type[g] != type_of(id) || a->mask[g] != mask_of(id))
            bad_type++;
        push(&got, encode(id, img[g]));
    }
    sort(got.v, got.n);
    int dup = 0, extra = 0, missing = 0;
    for (int k = 1; k < got.n; k++)
        dup += got.v[k] == got.v[k - 1];
    for (int k = 0; k < got.n; k++)
        extra += !contains(sure.v, sure.n, got.v[k]) && !contains(amb.v, amb.n, got.v[k]);
    for (int k = 0; k < sure.n; k++)
        missing += !contains(got.v, got.n, sure.v[k]);

    int64_t nghost = par_sum_i64(a->nghost), nsure = par_sum_i64(sure.n), namb = par_sum_i64(amb.n);
    int tot_dup = par_sum_int(dup), tot_extra = par_sum_int(extra), tot_missing = par_sum_int(missing);
    int tot_frac = par_sum_int(bad_frac), tot_type = par_sum_int(bad_type), tot_range = par_sum_int(bad_range);
    report(!bad_partition && !tot_dup && !tot_extra && !tot_missing && !tot_frac && !tot_type && !tot_range,
           "%s: ghost set: %lld ghosts on all ranks, %lld expected (+%lld on a slab boundary); missing %d, "
           "unexpected %d, duplicated %d, off-lattice %d (worst %.1e), wrong type/mask %d, bad id %d, "
           "ownership errors %d",
           label, (long long)nghost, (long long)nsure, (long long)namb, tot_missing, tot_extra, tot_dup, tot_frac,
           par_max_double(worst_frac), tot_type, tot_range, bad_partition);

    free(own);
    free(ownsum);
    free(sure.v);
    free(amb.v);
    free(got.v);
}

/* Largest |x - x_ref(id) - H n| over ghosts (given n) or over owned atoms
 * with n from their image flags. */
static double lattice_dev(const tcase *tc, md *s, int stage, int (*img)[3], int *bad_int)
{
    atoms *a = &s->atoms;
    const box *b = &s->box;
    double worst = 0;
    for (int g = a->nlocal; g < a->nlocal + a->nghost; g++) {
        double xr[3], dx[3], l[3];
        ref_pos(tc, b, a->id[g], stage, xr);
        for (int d = 0; d < 3; d++)
            dx[d] = a->x[g][d] - xr[d];
        /* The lattice vector's coefficients, as real numbers. */
        double o[3] = {b->lo[0], b->lo[1], b->lo[2]};
        double t[3] = {dx[0] + o[0], dx[1] + o[1], dx[2] + o[2]};
        box_to_lamda(b, t, l);
        int n[3];
        for (int d = 0; d < 3; d++) {
            n[d] = (int)lround(l[d]);
            if (fabs(l[d] - n[d]) > 1e-6)
                (*bad_int)++;
        }
        /* The ghost's image relative to its atom's reference (unwrapped)
         * position: must be the same at every stage's refresh. */
        if (img) {
            double lw[3], lr[3];
            box_to_lamda(b, xr, lr);
            wrapped_lamda(tc, b, a->id[g], stage, lw);
            for (int d = 0; d < 3; d++)
                if (n[d] != img[g][d] + (int)lround(lw[d] - lr[d]))
                    (*bad_int)++;
        }
        for (int d = 0; d < 3; d++) {
            double hn = b->h[d][0] * n[0] + b->h[d][1] * n[1] + b->h[d][2] * n[2];
            double e = fabs(dx[d] - hn);
            if (e > worst)
                worst = e;
        }
    }
    return worst;
}

static void run_stage(const char *name, const tcase *tc, md *s, int stage, int kprop)
{
    atoms *a = &s->atoms;
    const box *b = &s->box;
    halo *h = &s->halo;
    char label[160];
    snprintf(label, sizeof label, "%s [%s]", name, stage == 0 ? "built" : "moved+migrated+rebuilt");
    const int nl = a->nlocal, nt = a->nlocal + a->nghost;
    const int64_t N = a->natoms;

    int (*img)[3] = calloc((size_t)nt + 1, sizeof *img);
    check_ghost_set(label, tc, s, stage, img);

    /* Ghost positions are their atom's position plus a lattice vector. */
    {
        int bad = 0;
        double w = lattice_dev(tc, s, stage, img, &bad);
        w = par_max_double(w);
        bad = par_sum_int(bad);
        report(w <= LATTICE_TOL && !bad, "%s: build positions: max |x_ghost - x_atom - H n| %.2e A (tol %.0e), "
               "non-integer or inconsistent n %d", label, w, LATTICE_TOL, bad);
    }

    /* Forward: the registered property and a plain array through halo_forward. */
    {
        double *p = a->prop[kprop].data;
        int owned_bad = 0;
        for (int i = 0; i < nl; i++)
            owned_bad += p[2 * i] != fa(a->id[i]) || p[2 * i + 1] != fb(a->id[i]);
        for (int g = nl; g < nt; g++)
            p[2 * g] = p[2 * g + 1] = -1e300;
        double *c = malloc(((size_t)nt + 1) * sizeof *c);
        for (int i = 0; i < nl; i++)
            c[i] = fc(a->id[i]);
        for (int g = nl; g < nt; g++)
            c[g] = NAN;
        halo_forward(h, p, 2);
        halo_forward(h, c, 1);
        int bad = 0, badc = 0, changed = 0;
        for (int g = nl; g < nt; g++) {
            bad += p[2 * g] != fa(a->id[g]) || p[2 * g + 1] != fb(a->id[g]);
            badc += c[g] != fc(a->id[g]);
        }
        for (int i = 0; i < nl; i++)
            changed += p[2 * i] != fa(a->id[i]) || p[2 * i + 1] != fb(a->id[i]) || c[i] != fc(a->id[i]);
        owned_bad = par_sum_int(owned_bad);
        bad = par_sum_int(bad);
        badc = par_sum_int(badc);
        changed = par_sum_int(changed);
        report(!bad && !badc && !changed,
               "%s: halo_forward: ghosts with a wrong property value (width 2) %d, wrong array value (width 1) %d; "
               "owned values changed %d",
               label, bad, badc, changed);
        report(!owned_bad, "%s: registered property on owned atoms (%s): %d with a wrong value", label,
               stage ? "travelled with migrating atoms" : "as set", owned_bad);
        free(c);
    }

    /* Forward: a custom payload (unaligned records, image shift applied in pack). */
    {
        int64_t *gid = malloc(((size_t)nt + 1) * sizeof *gid);
        unsigned char *gtag = malloc((size_t)nt + 1);
        double (*gx)[3] = malloc(((size_t)nt + 1) * sizeof *gx);
        for (int g = 0; g < nt; g++) {
            gid[g] = -7;
            gtag[g] = 0;
            gx[g][0] = gx[g][1] = gx[g][2] = NAN;
        }
        fwd_ctx fc_ = {a, b, gid, gtag, gx};
        halo_payload pl = {FREC, fwd_pack, fwd_unpack, NULL, NULL, &fc_};
        halo_forward_payload(h, &pl);
        int bad = 0, untouched = 0;
        double w = 0;
        for (int g = nl; g < nt; g++) {
            bad += gid[g] != a->id[g] || gtag[g] != (unsigned char)(a->id[g] % 251);
            for (int d = 0; d < 3; d++) {
                double e = fabs(gx[g][d] - a->x[g][d]);
                if (!(e <= w))
                    w = isnan(e) ? INFINITY : e;
            }
        }
        for (int i = 0; i < nl; i++)
            untouched += gid[i] != -7;
        bad = par_sum_int(bad);
        untouched = par_sum_int(untouched);
        w = par_max_double(w);
        report(!bad && !untouched && w <= LATTICE_TOL,
               "%s: halo_forward_payload (%d-byte records): wrong id/tag %d, owned slots written %d, max |x_payload - "
               "x_ghost| %.2e A",
               label, FREC, bad, untouched, w);

        /* Forward x: owned atoms move a little; ghosts follow with the same
         * lattice vector. */
        double (*x0)[3] = malloc(((size_t)nt + 1) * sizeof *x0);
        memcpy(x0, a->x, (size_t)nt * sizeof *x0);
        for (int i = 0; i < nl; i++) {
            double dx[3];
            small_disp(a->id[i], dx);
            for (int d = 0; d < 3; d++)
                a->x[i][d] += dx[d];
        }
        halo_forward_x(h, a, b);
        int badn = 0;
        /* Reference after the small move: the stage's plus small_disp. */
        double worst = 0, moved = 0;
        for (int g = nl; g < nt; g++) {
            double xr[3], dx[3];
            ref_pos(tc, b, a->id[g], stage, xr);
            small_disp(a->id[g], dx);
            /* x_ghost(new) - x_ghost(old) must be exactly the owner's displacement. */
            for (int d = 0; d < 3; d++) {
                double e = fabs((a->x[g][d] - x0[g][d]) - dx[d]);
                if (e > worst)
                    worst = e;
                if (fabs(a->x[g][d] - x0[g][d]) > moved)
                    moved = fabs(a->x[g][d] - x0[g][d]);
            }
            /* And the new position is the new reference plus the build's lattice vector. */
            double hn[3], lw[3], lr[3];
            box_to_lamda(b, xr, lr);
            wrapped_lamda(tc, b, a->id[g], stage, lw);
            int n[3];
            for (int d = 0; d < 3; d++)
                n[d] = img[g][d] + (int)lround(lw[d] - lr[d]);
            for (int d = 0; d < 3; d++) {
                hn[d] = b->h[d][0] * n[0] + b->h[d][1] * n[1] + b->h[d][2] * n[2];
                double e = fabs(a->x[g][d] - (xr[d] + dx[d] + hn[d]));
                if (e > LATTICE_TOL)
                    badn++;
                if (e > worst)
                    worst = e;
            }
        }
        /* The custom payload again: the same positions as halo_forward_x. */
        halo_forward_payload(h, &pl);
        double wp = 0;
        for (int g = nl; g < nt; g++)
            for (int d = 0; d < 3; d++) {
                double e = fabs(gx[g][d] - a->x[g][d]);
                if (!(e <= wp))
                    wp = isnan(e) ? INFINITY : e;
            }
        worst = par_max_double(worst);
        wp = par_max_double(wp);
        badn = par_sum_int(badn);
        moved = par_max_double(moved);
        report(worst <= LATTICE_TOL && wp <= LATTICE_TOL && !badn && (nt == nl || moved > 1e-4),
               "%s: halo_forward_x after a small move: max |x_ghost - x_atom - H n_build| %.2e A, ghosts off "
               "their lattice vector %d, max |x_payload - x_ghost| %.2e A (ghosts moved up to %.3f A)",
               label, worst, badn, wp, moved);
        /* Undo the move (owned and ghosts) so the reverse checks see the build. */
        memcpy(a->x, x0, (size_t)nt * sizeof *x0);
        free(x0);
        free(gid);
        free(gtag);
        free(gx);
    }

    /* Reverse: ghosts contribute (1, id); owned start at (id mod 7 + 1/4, 3 id). */
    {
        double *cnt = calloc((size_t)N, sizeof *cnt), *tot = calloc((size_t)N, sizeof *tot);
        for (int g = nl; g < nt; g++)
            cnt[a->id[g] - 1] += 1.0;
        par_sum_doubles(cnt, tot, (int)N);

        double *v = malloc(((size_t)nt + 1) * 2 * sizeof *v);
        for (int i = 0; i < nl; i++) {
            v[2 * i] = (double)(a->id[i] % 7) + 0.25;
            v[2 * i + 1] = 3.0 * (double)a->id[i];
        }
        for (int g = nl; g < nt; g++) {
            v[2 * g] = 1.0;
            v[2 * g + 1] = (double)a->id[g];
        }
        halo_reverse_sum(h, v, 2);
        int bad = 0, ghost_changed = 0;
        double maxc = 0;
        for (int i = 0; i < nl; i++) {
            int64_t id = a->id[i];
            double c = tot[id - 1];
            if (c > maxc)
                maxc = c;
            bad += v[2 * i] != (double)(id % 7) + 0.25 + c || v[2 * i + 1] != 3.0 * (double)id + c * (double)id;
        }
        /* halo.h: "then leave the ghosts' values as they were". */
        for (int g = nl; g < nt; g++)
            ghost_changed += v[2 * g] != 1.0 || v[2 * g + 1] != (double)a->id[g];
        bad = par_sum_int(bad);
        ghost_changed = par_sum_int(ghost_changed);
        maxc = par_max_double(maxc);
        int64_t ntot = par_sum_i64(nt - nl);
        report(!bad, "%s: halo_reverse_sum: owned atoms without start + (c, c id) %d (c = ghost copies on all ranks, "
               "up to %.0f per atom, %lld ghosts)", label, bad, maxc, (long long)ntot);
        report(!ghost_changed, "%s: halo_reverse_sum leaves ghosts' values as they were: %d of %lld ghosts changed",
               label, ghost_changed, (long long)ntot);

        /* Zero contributions leave owned values bitwise unchanged. */
        for (int i = 0; i < nl; i++) {
            v[2 * i] = 0.1 * (double)a->id[i] + 1.0 / 3.0;
            v[2 * i + 1] = -sqrt((double)a->id[i]);
        }
        for (int g = nl; g < nt; g++)
            v[2 * g] = v[2 * g + 1] = 0.0;
        halo_reverse_sum(h, v, 2);
        int changed = 0, gnz = 0;
        for (int i = 0; i < nl; i++)
            changed += v[2 * i] != 0.1 * (double)a->id[i] + 1.0 / 3.0 || v[2 * i + 1] != -sqrt((double)a->id[i]);
        for (int g = nl; g < nt; g++)
            gnz += v[2 * g] != 0.0 || v[2 * g + 1] != 0.0;
        changed = par_sum_int(changed);
        gnz = par_sum_int(gnz);
        report(!changed && !gnz, "%s: halo_reverse_sum of zeros: owned values changed %d, ghosts changed %d", label,
               changed, gnz);

        /* A custom reverse payload: (id, count) records summed hop by hop. */
        int64_t *acc = calloc((size_t)nt + 1, sizeof *acc);
        rev_ctx rc = {a, acc, 0, 0};
        halo_payload pr = {2 * sizeof(int64_t), NULL, NULL, rev_pack, rev_unpack_add, &rc};
        halo_reverse_payload(h, &pr);
        int badr = 0;
        for (int i = 0; i < nl; i++)
            badr += (double)acc[i] != tot[a->id[i] - 1];
        badr = par_sum_int(badr);
        int bad_id = par_sum_int(rc.bad_id);
        int packed_wrong = par_sum_int(rc.packed != nt - nl);
        report(!badr && !bad_id && !packed_wrong,
               "%s: halo_reverse_payload: owned atoms with a wrong copy count %d, records returned onto another "
               "atom %d, ranks that did not pack each ghost once %d",
               label, badr, bad_id, packed_wrong);
        free(acc);
        free(v);
        free(cnt);
        free(tot);
    }
    free(img);
}

static void run_case(const tcase *tc)
{
    md s;
    md_init(&s);
    box *b = &s.box;
    for (int d = 0; d < 3; d++) {
        b->lo[d] = -0.5 * tc->len[d] + 1.25 * d; /* an off-origin box */
        b->hi[d] = b->lo[d] + tc->len[d];
        b->boundary[d] = tc->boundary[d];
    }
    b->xy = tc->tilt[0];
    b->xz = tc->tilt[1];
    b->yz = tc->tilt[2];
    box_update(b);
    s.have_box = 1;
    atoms_set_ntypes(&s.atoms, 3);
    md_decompose(&s);
    atoms *a = &s.atoms;
    int kprop = atoms_add_prop(a, "hp_test", 2);

    const int64_t N = (int64_t)tc->ncell[0] * tc->ncell[1] * tc->ncell[2];
    for (int64_t id = 1; id <= N; id++) {
        double x[3], l[3];
        ref_pos(tc, b, id, 0, x);
        box_to_lamda(b, x, l);
        if (decomp_owner(&s.dc, l) == s.dc.rank) {
            int img0[3] = {0, 0, 0};
            int i = atoms_add(a, id, type_of(id), x, NULL, img0);
            a->mask[i] = mask_of(id);
            a->prop[kprop].data[2 * i] = fa(id);
            a->prop[kprop].data[2 * i + 1] = fb(id);
        }
    }
    a->natoms = N;

    /* Stage 0: as created. */
    decomp_migrate(&s.dc, a, b);
    halo_build(&s.halo, a, b, &s.dc, tc->cut);
    int hops[3] = {0, 0, 0};
    for (int k = 0; k < s.halo.nswap; k++)
        hops[s.halo.swaps[k].dim]++;
    if (par_rank() == 0)
        printf("---- %s: %lld atoms, %d ranks as %dx%dx%d, ghost cutoff %.2f A, hops per direction x %d y %d z %d\n",
               tc->name, (long long)N, par_size(), s.dc.grid[0], s.dc.grid[1], s.dc.grid[2], tc->cut, hops[0] / 2,
               hops[1] / 2, hops[2] / 2);
    run_stage(tc->name, tc, &s, 0, kprop);

    /* Stage 2: a large move (small + large displacement), migrate, rebuild
     * the same halo. */
    for (int i = 0; i < a->nlocal; i++) {
        double d1[3], d2[3];
        small_disp(a->id[i], d1);
        large_disp(a->id[i], d2);
        for (int d = 0; d < 3; d++)
            a->x[i][d] += d1[d] + d2[d];
    }
    a->nghost = 0;
    decomp_migrate(&s.dc, a, b);
    halo_build(&s.halo, a, b, &s.dc, tc->cut);
    run_stage(tc->name, tc, &s, 2, kprop);
    md_destroy(&s);
}

int main(int argc, char **argv)
{
    par_init(&argc, &argv);
    const tcase cases[] = {
        /* One hop per direction up to 4 ranks. */
        {"orthogonal 16^3, cut 5", {16, 16, 16}, {0, 0, 0}, {6, 6, 6}, {'p', 'p', 'p'}, 5.0},
        /* Wider than a sub-domain on 2 ranks (x) and on 8 (2x2x2). */
        {"triclinic 16^3, cut 10", {16, 16, 16}, {2.5, -1.8, 3.1}, {6, 6, 6}, {'p', 'p', 'p'}, 10.0},
        /* Wider than the box along z: two self hops on 1 rank, more on 8. */
        {"orthogonal 24x16x12, cut 13", {24, 16, 12}, {0, 0, 0}, {9, 6, 5}, {'p', 'p', 'p'}, 13.0},
        /* Fixed z: no images along c, at most grid-1 hops along z. */
        {"triclinic 16^3 'p p f', cut 9", {16, 16, 16}, {-3.0, 2.0, 1.5}, {6, 6, 6}, {'p', 'p', 'f'}, 9.0},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++)
        run_case(&cases[k]);
    if (par_rank() == 0)
        printf("%d checks, %d passed, %d failed\n", unit_checks, unit_checks - unit_failures, unit_failures);
    par_finalize();
    return unit_failures ? 1 : 0;
}
