/* The neighbour-list displacement check under a deforming box.
 *
 * neighbor_decide keeps a list while either (plain) every atom moved at most
 * (skin - d1 - d2)/2 since the build, or (affine) every atom's motion beyond
 * the box's affine map x -> A x + t is at most (s skin - (1 - s) rc)/2,
 * s = 1 - ||A - I||_F (neighbor.h). This test derives both thresholds here,
 * from the boxes alone, and checks the code against them on random atoms
 * (three types with cutoffs 4.0, 4.5 and 5.0 A, skin 1 A) in an off-origin
 * triclinic periodic box, decomposed over the ranks:
 *
 *   keep       the box strained by a random upper-triangular E (|E_ij| up
 *              to 0.02, so the corner shifts alone exhaust the plain
 *              threshold) and shifted; every atom mapped affinely and then
 *              displaced by up to 0.999 of the affine threshold in a random
 *              direction (one atom exactly that far): the list is kept;
 *   complete   in each kept case, every pair closer than its cutoff (brute
 *              force over all atoms and the 27 nearest images, positions
 *              recomputed from the atom ids on every rank) is in the list:
 *              owned pairs once, ghosts with the right id and image; with
 *              newton yes a pair with a ghost is listed exactly on the side
 *              the rule of neighbor.h names (and not on the other), with
 *              newton no on both;
 *   rebuild    the same with 1.001 of the threshold: a rebuild is asked for
 *              (where the plain test also fails, as the test computes it);
 *   at rest    no box change and displacements of 0.999 skin/2: kept.
 *
 * Every group runs with newton yes and with newton no (lists rebuilt from
 * the start positions in between). One ok/FAIL line per check group, exit
 * status non-zero on any failure. */
#include "core/rng.h"
#include "neighbor/neighbor.h"
#include "parallel/halo.h"
#include "parallel/parallel.h"
#include "system/system.h"
#include "unit_report.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SEED 20261203u
#define NATOMS 320
#define SKIN 1.0
#define NTRIAL 40
#define IMAGE_TOL 1e-8 /* A: a ghost is the image it should be */

static int type_of(int64_t id) { return 1 + (int)(id % 3); }

/* Cutoff (A) of a type pair: 4.0, 4.5, 5.0 for 1-1, 1-2 or 2-2 ..., 3-3. */
static double cut_of(int ti, int tj) { return 3.5 + 0.25 * (ti + tj); }

static double uniform(uint64_t id, uint32_t stream, uint32_t index)
{
    double u[2];
    rng_uniform2(SEED, id, stream, index, u);
    return u[0];
}

/* A random unit vector for (id, trial). */
static void direction(uint64_t id, uint32_t trial, double d[3])
{
    double g[2], h[2];
    rng_normal2(SEED, id, 7, 2 * trial, g);
    rng_normal2(SEED, id, 7, 2 * trial + 1, h);
    double n = sqrt(g[0] * g[0] + g[1] * g[1] + h[0] * h[0]);
    d[0] = g[0] / n;
    d[1] = g[1] / n;
    d[2] = h[0] / n;
}

/* Build position of atom id: fractional coordinates away from the faces. */
static void build_pos(const box *b, int64_t id, double x[3])
{
    double l[3];
    for (int k = 0; k < 3; k++)
        l[k] = 0.001 + 0.998 * uniform((uint64_t)id, 5, (uint32_t)k);
    box_from_lamda(b, l, x);
}

typedef struct trial {
    double E[3][3]; /* strain: h_new = (I + E) h_build */
    double shift[3];
    double umax;    /* largest motion beyond the affine map (A) */
    int index;
} trial;

static void apply(const box *b0, const trial *t, int64_t id, double x[3])
{
    double x0[3], d[3];
    build_pos(b0, id, x0);
    direction((uint64_t)id, (uint32_t)t->index, d);
    double f = id == 1 ? 1.0 : uniform((uint64_t)id, 6, (uint32_t)t->index);
    for (int r = 0; r < 3; r++) {
        double y = 0.0;
        for (int c = 0; c < 3; c++)
            y += ((r == c) + t->E[r][c]) * (x0[c] - b0->lo[c]);
        x[r] = y + b0->lo[r] + t->shift[r] + f * t->umax * d[r];
    }
}

static void strained_box(const box *b0, const trial *t, box *b)
{
    *b = *b0;
    double h[3][3];
    for (int r = 0; r < 3; r++)
        for (int c = 0; c < 3; c++) {
            h[r][c] = 0.0;
            for (int k = 0; k < 3; k++)
                h[r][c] += ((r == k) + t->E[r][k]) * b0->h[k][c];
        }
    for (int d = 0; d < 3; d++) {
        b->lo[d] = b0->lo[d] + t->shift[d];
        b->hi[d] = b->lo[d] + h[d][d];
    }
    b->xy = h[0][1];
    b->xz = h[0][2];
    b->yz = h[1][2];
    box_update(b);
}

/* The test's own thresholds: plain (skin - d1 - d2)/2 from the corners,
 * affine (s skin - (1 - s) rc)/2 from E. */
static double plain_threshold(const box *b0, const box *b)
{
    double d1 = 0.0, d2 = 0.0;
    for (int k = 0; k < 8; k++) {
        double l[3] = {k & 1, (k >> 1) & 1, (k >> 2) & 1}, p[3], q[3];
        box_from_lamda(b0, l, p);
        box_from_lamda(b, l, q);
        double d = sqrt((p[0] - q[0]) * (p[0] - q[0]) + (p[1] - q[1]) * (p[1] - q[1]) + (p[2] - q[2]) * (p[2] - q[2]));
        if (d > d1) {
            d2 = d1;
            d1 = d;
        } else if (d > d2) {
            d2 = d;
        }
    }
    return 0.5 * (SKIN - d1 - d2);
}

static double affine_threshold(const trial *t)
{
    double fr = 0.0;
    for (int r = 0; r < 3; r++)
        for (int c = 0; c < 3; c++)
            fr += t->E[r][c] * t->E[r][c];
    double s = 1.0 - sqrt(fr);
    return 0.5 * (s * SKIN - (1.0 - s) * cut_of(3, 3));
}

static void random_strain(trial *t, int index, double scale)
{
    memset(t, 0, sizeof *t);
    t->index = index;
    int k = 0;
    for (int r = 0; r < 3; r++)
        for (int c = r; c < 3; c++)
            t->E[r][c] = scale * (2.0 * uniform(1000000u + (uint64_t)index, 8, (uint32_t)k++) - 1.0);
    for (int d = 0; d < 3; d++)
        t->shift[d] = 0.3 * (2.0 * uniform(1000000u + (uint64_t)index, 9, (uint32_t)d) - 1.0);
}

/* Set every owned atom (and, through the halo, every ghost) to the trial's
 * positions in box b. */
static void place(md *s, const box *b0, const trial *t, const box *b)
{
    s->box = *b;
    atoms *a = &s->atoms;
    for (int i = 0; i < a->nlocal; i++)
        apply(b0, t, a->id[i], a->x[i]);
    halo_forward_x(&s->halo, a, &s->box);
}

/* The largest plain displacement since the build over all ranks (A). */
static double largest_displacement(const md *s, const box *b0)
{
    const atoms *a = &s->atoms;
    double worst = 0.0;
    for (int i = 0; i < a->nlocal; i++) {
        double x0[3];
        build_pos(b0, a->id[i], x0);
        double d2 = 0.0;
        for (int r = 0; r < 3; r++)
            d2 += (a->x[i][r] - x0[r]) * (a->x[i][r] - x0[r]);
        worst = fmax(worst, d2);
    }
    return sqrt(par_max_double(worst));
}

/* Whether owned atom i's side evaluates its pair with the ghost of atom
 * idj at p under newton yes (neighbor.h): the smaller id if the ids' sum
 * is even, the larger if it is odd; an atom and its own image by the
 * image's place, above in z, then y, then x. */
static int newton_side(int64_t idi, const double xi[3], int64_t idj, const double p[3])
{
    if (idi != idj)
        return (idi + idj) % 2 == 0 ? idi < idj : idi > idj;
    if (p[2] != xi[2])
        return p[2] > xi[2];
    if (p[1] != xi[1])
        return p[1] > xi[1];
    return p[0] > xi[0];
}

/* Pairs closer than their cutoff that the list lacks (or, with newton
 * yes, a pair with a ghost listed on the side that must not list it), over
 * this rank's owned atoms. */
static long missing_pairs(md *s, const box *b0, const trial *t, long *needed)
{
    atoms *a = &s->atoms;
    neighbor *nb = &s->nb;
    int *local = malloc((NATOMS + 1) * sizeof *local);
    for (int k = 0; k <= NATOMS; k++)
        local[k] = -1;
    for (int i = 0; i < a->nlocal; i++)
        local[a->id[i]] = i;
    long missing = 0;
    for (int i = 0; i < a->nlocal; i++) {
        for (int64_t j = 1; j <= NATOMS; j++) {
            double xj[3];
            apply(b0, t, j, xj);
            for (int n = 0; n < 27; n++) {
                int im[3] = {n % 3 - 1, n / 3 % 3 - 1, n / 9 - 1};
                if (j == a->id[i] && !im[0] && !im[1] && !im[2])
                    continue;
                double p[3], r2 = 0.0;
                for (int r = 0; r < 3; r++) {
                    p[r] = xj[r] + s->box.h[r][0] * im[0] + s->box.h[r][1] * im[1] + s->box.h[r][2] * im[2];
                    r2 += (p[r] - a->x[i][r]) * (p[r] - a->x[i][r]);
                }
                double c = cut_of(a->type[i], type_of(j));
                if (r2 >= c * c)
                    continue;
                ++*needed;
                int found = 0;
                int lj = local[j];
                if (lj >= 0 && !im[0] && !im[1] && !im[2]) {
                    /* An owned pair is listed once, by either atom (the
                     * half stencil picks the one whose bin comes first). */
                    for (int k = 0; k < nb->nown[i] && !found; k++)
                        found = nb->neigh[nb->first[i] + k] == lj;
                    for (int k = 0; k < nb->nown[lj] && !found; k++)
                        found = nb->neigh[nb->first[lj] + k] == i;
                    missing += !found;
                } else {
                    /* Anywhere in i's list: with newton yes such pairs sit
                     * among those evaluated for both atoms. */
                    const int total = nb->nown[i] + nb->nghost[i];
                    for (int k = 0; k < total && !found; k++) {
                        int g = nb->neigh[nb->first[i] + k];
                        if (g < a->nlocal)
                            continue;
                        double e2 = 0.0;
                        for (int r = 0; r < 3; r++)
                            e2 += (a->x[g][r] - p[r]) * (a->x[g][r] - p[r]);
                        found = a->id[g] == j && e2 < IMAGE_TOL * IMAGE_TOL;
                    }
                    int expect = !nb->newton || newton_side(a->id[i], a->x[i], j, p);
                    missing += found != expect;
                }
            }
        }
    }
    free(local);
    return missing;
}

/* The groups of checks on lists built from the start positions in b0 with
 * the given newton setting. */
static void run_checks(md *s, const box *b0p, int newton)
{
    const box b0 = *b0p;
    atoms *a = &s->atoms;
    const char *nw = newton ? "yes" : "no";
    s->box = b0;
    for (int i = 0; i < a->nlocal; i++)
        build_pos(&b0, a->id[i], a->x[i]);
    s->nb.newton = newton;
    md_reneighbor(s);
    const int64_t step = 10;

    int kept = 0, kept_by_affine_only = 0, rebuilt = 0, rebuild_checked = 0;
    long missing = 0, needed = 0;
    double min_thr = INFINITY, max_thr = 0.0;
    for (int k = 0; k < NTRIAL; k++) {
        trial t;
        random_strain(&t, k, 0.005 + 0.015 * k / (NTRIAL - 1));
        box nbx;
        strained_box(&b0, &t, &nbx);
        double thr = affine_threshold(&t), plain = plain_threshold(&b0, &nbx);
        min_thr = fmin(min_thr, thr);
        max_thr = fmax(max_thr, thr);
        /* Keep: 0.999 of the threshold. */
        t.umax = 0.999 * thr;
        place(s, &b0, &t, &nbx);
        int keep = !neighbor_decide(&s->nb, a, &s->box, step, 0);
        kept += keep;
        /* The plain test alone would have rebuilt: some atom (id 1 at
         * least, moved affinely by up to |E| times the box) is beyond it. */
        double worst = largest_displacement(s, &b0);
        kept_by_affine_only += keep && (plain <= 0.0 || worst > plain);
        if (keep)
            missing += missing_pairs(s, &b0, &t, &needed);
        /* Rebuild: 1.001 of the threshold. */
        t.umax = 1.001 * thr;
        place(s, &b0, &t, &nbx);
        int again = neighbor_decide(&s->nb, a, &s->box, step, 0);
        worst = largest_displacement(s, &b0);
        if (plain <= 0.0 || worst > plain) {
            rebuild_checked++;
            rebuilt += again;
        }
    }
    long tot_missing = (long)par_sum_i64(missing), tot_needed = (long)par_sum_i64(needed);
    report(kept == NTRIAL,
           "newton %s: keep: %d of %d strained boxes (|E_ij| up to 0.005-0.02, affine thresholds %.3f-%.3f A) "
           "with motion 0.999 of the affine threshold keep the list",
           nw, kept, NTRIAL, min_thr, max_thr);
    report(kept_by_affine_only >= NTRIAL * 3 / 4,
           "newton %s: keep: in %d of them the plain test alone would have rebuilt", nw, kept_by_affine_only);
    report(tot_missing == 0 && tot_needed > 0,
           "newton %s: complete: %ld of %ld pairs inside the cutoff missing from (or, newton yes, listed on the "
           "wrong side of) kept lists",
           nw, tot_missing, tot_needed);
    report(rebuild_checked >= NTRIAL * 3 / 4 && rebuilt == rebuild_checked,
           "newton %s: rebuild: %d of %d cases beyond both thresholds (1.001 of the affine one) ask for a rebuild", nw,
           rebuilt, rebuild_checked);

    /* At rest: no box change, displacements just inside skin/2. */
    trial t;
    memset(&t, 0, sizeof t);
    t.index = NTRIAL + 1;
    t.umax = 0.999 * 0.5 * SKIN;
    place(s, &b0, &t, &b0);
    int keep_rest = !neighbor_decide(&s->nb, a, &s->box, step, 0);
    long need_rest = 0, miss_rest = missing_pairs(s, &b0, &t, &need_rest);
    t.umax = 1.001 * 0.5 * SKIN;
    place(s, &b0, &t, &b0);
    int rebuild_rest = neighbor_decide(&s->nb, a, &s->box, step, 0);
    report(keep_rest && rebuild_rest && par_sum_i64(miss_rest) == 0,
           "newton %s: at rest: motion 0.999 skin/2 keeps the list (%lld pairs, none missing), 1.001 skin/2 rebuilds",
           nw, (long long)par_sum_i64(need_rest));
}

int main(int argc, char **argv)
{
    par_init(&argc, &argv);
    md s;
    md_init(&s);
    box *b = &s.box;
    const double len[3] = {19.0, 18.5, 18.0}, lo[3] = {-7.25, 3.5, -1.0};
    for (int d = 0; d < 3; d++) {
        b->lo[d] = lo[d];
        b->hi[d] = lo[d] + len[d];
        b->boundary[d] = 'p';
    }
    b->xy = 2.25;
    b->xz = -1.5;
    b->yz = 1.75;
    b->triclinic = 1;
    box_update(b);
    s.have_box = 1;
    atoms_set_ntypes(&s.atoms, 3);
    md_decompose(&s);
    const box b0 = *b;
    atoms *a = &s.atoms;
    for (int64_t id = 1; id <= NATOMS; id++) {
        double x[3], l[3];
        build_pos(b, id, x);
        box_to_lamda(b, x, l);
        if (decomp_owner(&s.dc, l) == s.dc.rank) {
            int img0[3] = {0, 0, 0};
            atoms_add(a, id, type_of(id), x, NULL, img0);
        }
    }
    a->natoms = NATOMS;
    double cut[16] = {0};
    for (int ti = 1; ti <= 3; ti++)
        for (int tj = 1; tj <= 3; tj++)
            cut[ti * 4 + tj] = cut_of(ti, tj);
    s.nb.skin = SKIN;
    s.nb.sort = 0; /* positions are recomputed from ids, order is free */
    neighbor_set_cutoffs(&s.nb, 3, cut);
    run_checks(&s, &b0, 1);
    run_checks(&s, &b0, 0);
    md_destroy(&s);
    if (par_rank() == 0)
        printf("%s\n", unit_failures ? "FAILED" : "all ok");
    par_finalize();
    return unit_failures ? 1 : 0;
}
