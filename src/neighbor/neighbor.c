/* Verlet lists (Verlet, Phys. Rev. 159, 98 (1967)) from a bin grid
 * (neighbor.h). Bins cover the bounding box of owned + ghost atoms, about
 * half the largest list cutoff wide (at most 1024 a side; over 2^26 bins,
 * or over 2^31 list entries, is a one-rank error), filled by a counting
 * sort; the stencil keeps the bin offsets whose nearest points lie within
 * that cutoff, and owned pairs are looked for in its upper half only (each
 * found once), ghosts in all of it. Distances are plain Cartesian (ghosts
 * carry their image shift: no minimum image); a type pair with zero cutoff
 * is never listed, nor a NaN distance.
 * neighbor_decide keeps the list while the largest displacement since the
 * build (NaN counts as infinite) is within (skin - d1 - d2)/2, or the
 * largest motion beyond the box's affine map within (s skin - (1-s) rc)/2
 * (s bounds the map's smallest singular value from below). Sorting orders owned atoms
 * by (bin, id) and permutes every per-atom array and property alike.
 * Communication: one max-reduction per check in neighbor_decide (one more
 * to name the atom that moved beyond the skin); none elsewhere. */
#include "neighbor/neighbor.h"
#include "core/error.h"
#include "parallel/parallel.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void neighbor_init(neighbor *nb)
{
    memset(nb, 0, sizeof *nb);
    nb->skin = 1.0;
    nb->every = 1;
    nb->delay = 0;
    nb->check = 1;
    nb->newton = 1;
    nb->sort = 1;
    nb->last_build = -1;
    nb->rider_step = INT64_MIN;
}

void neighbor_destroy(neighbor *nb)
{
    free(nb->cutsq); free(nb->cutneighsq);
    free(nb->first); free(nb->nown); free(nb->nghost); free(nb->neigh);
    free(nb->binstart); free(nb->binatom); free(nb->atombin);
    free(nb->stencil); free(nb->xhold); free(nb->binown);
    memset(nb, 0, sizeof *nb);
}

void neighbor_set_cutoffs(neighbor *nb, int ntypes, const double *cut)
{
    int n1 = ntypes + 1;
    nb->ntypes = ntypes;
    nb->cutsq = mg_realloc(nb->cutsq, (size_t)(n1 * n1) * sizeof(double));
    nb->cutneighsq = mg_realloc(nb->cutneighsq, (size_t)(n1 * n1) * sizeof(double));
    nb->cutneigh_max = 0.0;
    nb->cut_max = 0.0;
    for (int k = 0; k < n1 * n1; k++) {
        if (cut[k] > nb->cut_max)
            nb->cut_max = cut[k];
        nb->cutsq[k] = cut[k] * cut[k];
        double c = cut[k] > 0.0 ? cut[k] + nb->skin : 0.0;
        nb->cutneighsq[k] = c * c;
        if (c > nb->cutneigh_max)
            nb->cutneigh_max = c;
    }
}

/* Bin grid over the bounding box of `n` atoms, bins about half the
 * neighbour cutoff wide (a finer grid wastes fewer distance checks). */
static void make_bins(neighbor *nb, const atoms *a, int n)
{
    double lo[3] = {DBL_MAX, DBL_MAX, DBL_MAX}, hi[3] = {-DBL_MAX, -DBL_MAX, -DBL_MAX};
    for (int i = 0; i < n; i++)
        for (int d = 0; d < 3; d++) {
            lo[d] = fmin(lo[d], a->x[i][d]);
            hi[d] = fmax(hi[d], a->x[i][d]);
        }
    double binsize = 0.5 * (nb->cutneigh_max > 0 ? nb->cutneigh_max : 1.0);
    long total = 1;
    for (int d = 0; d < 3; d++) {
        if (n == 0) { lo[d] = 0; hi[d] = 1; }
        double ext = hi[d] - lo[d];
        int k = (int)(ext / binsize);
        if (k < 1) k = 1;
        /* Cap the grid so a sparse system (a wire in vacuum) cannot blow up memory. */
        if (k > 1024) k = 1024;
        nb->nbin[d] = k;
        nb->binlo[d] = lo[d];
        nb->bininv[d] = ext > 0 ? k / ext : 0.0;
        total *= k;
    }
    if (total > 64L * 1024 * 1024)
        mg_fail_one("neighbor: %ld bins needed; the system is too sparse for its cutoff", total);
    nb->nbins = (int)total;
    if (nb->nbins + 1 > nb->bincap) {
        nb->bincap = nb->nbins + 1;
        nb->binstart = mg_realloc(nb->binstart, (size_t)nb->bincap * sizeof(int));
    }
    if (n > nb->atomcap) {
        nb->atomcap = n + n / 4 + 16;
        nb->binatom = mg_realloc(nb->binatom, (size_t)nb->atomcap * sizeof(int));
        nb->atombin = mg_realloc(nb->atombin, (size_t)nb->atomcap * sizeof(int));
    }
    /* Counting sort of atoms by bin. */
    memset(nb->binstart, 0, (size_t)(nb->nbins + 1) * sizeof(int));
    for (int i = 0; i < n; i++) {
        int c[3];
        for (int d = 0; d < 3; d++) {
            c[d] = (int)((a->x[i][d] - nb->binlo[d]) * nb->bininv[d]);
            if (c[d] >= nb->nbin[d]) c[d] = nb->nbin[d] - 1;
            if (c[d] < 0) c[d] = 0;
        }
        int b = c[0] + nb->nbin[0] * (c[1] + nb->nbin[1] * c[2]);
        nb->atombin[i] = b;
        nb->binstart[b + 1]++;
    }
    for (int b = 0; b < nb->nbins; b++)
        nb->binstart[b + 1] += nb->binstart[b];
    for (int i = 0; i < n; i++)
        nb->binatom[nb->binstart[nb->atombin[i]]++] = i;
    for (int b = nb->nbins; b > 0; b--)
        nb->binstart[b] = nb->binstart[b - 1];
    nb->binstart[0] = 0;
}

/* Owned atoms per bin: the counting sort is stable and owned atoms have
 * the lowest indices, so each bin lists its owned atoms first. */
static void count_owned(neighbor *nb, int nlocal)
{
    if (nb->nbins > nb->bincap_own) {
        nb->bincap_own = nb->nbins;
        nb->binown = mg_realloc(nb->binown, (size_t)nb->bincap_own * sizeof(int));
    }
    for (int b = 0; b < nb->nbins; b++) {
        int k = nb->binstart[b], end = nb->binstart[b + 1];
        while (k < end && nb->binatom[k] < nlocal)
            k++;
        nb->binown[b] = k - nb->binstart[b];
    }
}

/* Bin offsets whose closest approach is within the neighbour cutoff. */
static void make_stencil(neighbor *nb)
{
    double bs[3];
    int s[3];
    for (int d = 0; d < 3; d++) {
        bs[d] = nb->bininv[d] > 0 ? 1.0 / nb->bininv[d] : 1.0;
        s[d] = (int)ceil(nb->cutneigh_max / bs[d]);
        if (s[d] > nb->nbin[d] - 1) s[d] = nb->nbin[d] - 1;
    }
    nb->nstencil = 0;
    double c2 = nb->cutneigh_max * nb->cutneigh_max;
    for (int k = -s[2]; k <= s[2]; k++)
        for (int j = -s[1]; j <= s[1]; j++)
            for (int i = -s[0]; i <= s[0]; i++) {
                double dx = (abs(i) > 0 ? abs(i) - 1 : 0) * bs[0];
                double dy = (abs(j) > 0 ? abs(j) - 1 : 0) * bs[1];
                double dz = (abs(k) > 0 ? abs(k) - 1 : 0) * bs[2];
                if (dx * dx + dy * dy + dz * dz >= c2)
                    continue;
                if (nb->nstencil == nb->stencilcap) {
                    nb->stencilcap = nb->stencilcap ? 2 * nb->stencilcap : 256;
                    nb->stencil = mg_realloc(nb->stencil, (size_t)nb->stencilcap * 4 * sizeof(int));
                }
                int *st = nb->stencil + 4 * nb->nstencil++;
                st[0] = i; st[1] = j; st[2] = k;
                /* The half stencil: +1 for offsets after (0,0,0) in (k, j,
                 * i) order, 0 for the atom's own bin, -1 before. */
                st[3] = k != 0 ? (k > 0 ? 1 : -1) : j != 0 ? (j > 0 ? 1 : -1) : i != 0 ? (i > 0 ? 1 : -1) : 0;
            }
}

/* Room for `more` entries after the list's current end. */
static void reserve(neighbor *nb, size_t more)
{
    if (nb->nneigh + more <= nb->neighcap)
        return;
    size_t cap = nb->neighcap ? 2 * nb->neighcap : 65536;
    while (cap < nb->nneigh + more)
        cap *= 2;
    nb->neighcap = cap;
    nb->neigh = mg_realloc(nb->neigh, cap * sizeof(int));
}

void neighbor_build(neighbor *nb, const atoms *a, const box *b, int64_t step)
{
    int nlocal = a->nlocal, nall = a->nlocal + a->nghost;
    make_bins(nb, a, nall);
    count_owned(nb, nlocal);
    make_stencil(nb);
    if (nlocal > nb->listcap) {
        nb->listcap = nlocal + nlocal / 4 + 16;
        nb->first = mg_realloc(nb->first, (size_t)nb->listcap * sizeof(int));
        nb->nown = mg_realloc(nb->nown, (size_t)nb->listcap * sizeof(int));
        nb->nghost = mg_realloc(nb->nghost, (size_t)nb->listcap * sizeof(int));
    }
    nb->nlist = nlocal;
    nb->nneigh = 0;
    int n1 = nb->ntypes + 1;
    int ghostbuf_cap = 1024, *ghostbuf = mg_malloc((size_t)ghostbuf_cap * sizeof(int));
    for (int i = 0; i < nlocal; i++) {
        const double *xi = a->x[i];
        const double *cut_i = nb->cutneighsq + a->type[i] * n1;
        int bin = nb->atombin[i];
        int c0 = bin % nb->nbin[0], c1 = (bin / nb->nbin[0]) % nb->nbin[1], c2 = bin / (nb->nbin[0] * nb->nbin[1]);
        nb->first[i] = (int)nb->nneigh;
        if (nb->nneigh > (size_t)INT32_MAX)
            mg_fail_one("neighbor list larger than 2^31 entries on one rank; use more ranks");
        int ng = 0;
        const int64_t idi = a->id[i];
        /* Each owned pair is listed once, by the atom whose bin comes
         * first (the half stencil; within one bin, the lower index);
         * ghosts are owned by no one here, so every bin's ghosts are
         * scanned. The owned half is not looked at from the lower side at
         * all: half the owned candidates' distance tests saved. */
        for (int s = 0; s < nb->nstencil; s++) {
            const int *st = nb->stencil + 4 * s;
            int b0 = c0 + st[0], b1 = c1 + st[1], b2 = c2 + st[2];
            if (b0 < 0 || b0 >= nb->nbin[0] || b1 < 0 || b1 >= nb->nbin[1] || b2 < 0 || b2 >= nb->nbin[2])
                continue;
            int bb = b0 + nb->nbin[0] * (b1 + nb->nbin[1] * b2);
            int kb = nb->binstart[bb], ko = kb + nb->binown[bb], ke = nb->binstart[bb + 1];
            /* Candidates are stored unconditionally and kept by advancing
             * the count (no branch to mispredict: most are rejected). */
            if (st[3] >= 0) {
                int k = kb;
                if (st[3] == 0) /* owned atoms of a bin are in index order */
                    while (k < ko && nb->binatom[k] <= i)
                        k++;
                reserve(nb, (size_t)(ko - k));
                size_t n = nb->nneigh;
                for (; k < ko; k++) {
                    int j = nb->binatom[k];
                    double dx = xi[0] - a->x[j][0], dy = xi[1] - a->x[j][1], dz = xi[2] - a->x[j][2];
                    nb->neigh[n] = j;
                    n += dx * dx + dy * dy + dz * dz < cut_i[a->type[j]];
                }
                nb->nneigh = n;
            }
            if (ng + (ke - ko) > ghostbuf_cap) {
                ghostbuf_cap = 2 * (ng + (ke - ko));
                ghostbuf = mg_realloc(ghostbuf, (size_t)ghostbuf_cap * sizeof(int));
            }
            if (nb->newton) {
                /* This side's share of the boundary pairs (neighbor.h):
                 * the smaller id evaluates when the ids' sum is even, the
                 * larger when it is odd (ids often grow with position: the
                 * smaller id alone would give every pair across a face to
                 * the rank below it); an atom and its own image (boxes
                 * under twice the list radius) by the image's place, z
                 * then y then x (dz, dy, dx < 0: the image lies above).
                 * Kept among the both-atom pairs. */
                reserve(nb, (size_t)(ke - ko));
                size_t n = nb->nneigh;
                for (int k = ko; k < ke; k++) {
                    int j = nb->binatom[k];
                    double dx = xi[0] - a->x[j][0], dy = xi[1] - a->x[j][1], dz = xi[2] - a->x[j][2];
                    int64_t idj = a->id[j];
                    int mine = idi != idj ? (idi < idj) ^ (int)((idi + idj) & 1)
                                          : dz < 0.0 || (dz == 0.0 && (dy < 0.0 || (dy == 0.0 && dx < 0.0)));
                    nb->neigh[n] = j;
                    n += (dx * dx + dy * dy + dz * dz < cut_i[a->type[j]]) & mine;
                }
                nb->nneigh = n;
                continue;
            }
            for (int k = ko; k < ke; k++) {
                int j = nb->binatom[k];
                double dx = xi[0] - a->x[j][0], dy = xi[1] - a->x[j][1], dz = xi[2] - a->x[j][2];
                ghostbuf[ng] = j;
                ng += dx * dx + dy * dy + dz * dz < cut_i[a->type[j]];
            }
        }
        nb->nown[i] = (int)(nb->nneigh - (size_t)nb->first[i]);
        if (ng > 0) {
            reserve(nb, (size_t)ng);
            memcpy(nb->neigh + nb->nneigh, ghostbuf, (size_t)ng * sizeof(int));
            nb->nneigh += (size_t)ng;
        }
        nb->nghost[i] = ng;
    }
    free(ghostbuf);
    /* Remember positions for the displacement check. */
    if (nlocal > nb->holdcap) {
        nb->holdcap = nlocal + nlocal / 4 + 16;
        nb->xhold = mg_realloc(nb->xhold, (size_t)nb->holdcap * sizeof *nb->xhold);
    }
    if (nlocal > 0)
        memcpy(nb->xhold, a->x, (size_t)nlocal * sizeof *nb->xhold);
    nb->last_build = step;
    nb->build_box = *b;
    nb->nbuild++;
}

/* The two largest displacements of the box's eight corners from a to b. */
static void corner_shift(const box *a, const box *b, double *d1, double *d2)
{
    *d1 = *d2 = 0.0;
    for (int k = 0; k < 8; k++) {
        double l[3] = {k & 1, (k >> 1) & 1, (k >> 2) & 1}, ca[3], cb[3];
        box_from_lamda(a, l, ca);
        box_from_lamda(b, l, cb);
        double d = sqrt((ca[0] - cb[0]) * (ca[0] - cb[0]) + (ca[1] - cb[1]) * (ca[1] - cb[1]) +
                        (ca[2] - cb[2]) * (ca[2] - cb[2]));
        if (d > *d1) {
            *d2 = *d1;
            *d1 = d;
        } else if (d > *d2) {
            *d2 = d;
        }
    }
}

/* The affine map x -> A x + t that takes box a onto box b (the map a remap
 * x applies to atoms: equal fractional coordinates), and a lower bound on
 * its smallest singular value, 1 - ||A - I||_F (Weyl: sigma_min(A) >=
 * 1 - ||A - I||_2, and the Frobenius norm bounds the spectral one). */
static double affine_map(const box *a, const box *b, double A[3][3], double t[3])
{
    double frob = 0.0;
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
            double s = 0.0;
            for (int k = 0; k < 3; k++)
                s += b->h[i][k] * a->hinv[k][j];
            A[i][j] = s;
            frob += (s - (i == j)) * (s - (i == j));
        }
    for (int i = 0; i < 3; i++)
        t[i] = b->lo[i] - (A[i][0] * a->lo[0] + A[i][1] * a->lo[1] + A[i][2] * a->lo[2]);
    return 1.0 - sqrt(frob);
}

int neighbor_decide(neighbor *nb, const atoms *a, const box *b, int64_t step, int strict)
{
    int64_t since = step - nb->last_build;
    if (since < nb->delay || (nb->every > 1 && since % nb->every != 0))
        return 0;
    if (!nb->check)
        return 1;
    /* Two sufficient conditions for a list that still holds every pair
     * inside the cutoff; the list is kept if either holds.
     * Plain: every atom moved at most (skin - d1 - d2)/2 (d1, d2 the two
     * largest corner shifts, bounding how far a periodic image moved).
     * Affine: with u_i = x_i - (A xhold_i + t) the motion beyond the box's
     * affine map since the build, a pair's separation now is A r0 + u_j -
     * u_i with r0 its separation at the build (images included, as ghosts
     * carry the current box's shift), so |r| >= s |r0| - 2 max|u|, s <=
     * sigma_min(A). A pair left out had |r0| >= rc + skin, so it stays
     * outside rc while max|u| <= (s skin - (1 - s) rc)/2. Under a remap x
     * deformation, a barostat or SLLOD streaming, u is the thermal motion
     * alone, while plain displacements grow with the distance from the
     * origin and the corner shifts with the box: the affine test keeps the
     * lists as long as at fixed box. */
    double corner1, corner2, A[3][3], t[3];
    corner_shift(&nb->build_box, b, &corner1, &corner2);
    double trigger = 0.5 * (nb->skin - corner1 - corner2);
    double s = affine_map(&nb->build_box, b, A, t);
    /* The affine counterpart of the skin: the budget two atoms share. */
    double affine_skin = s * nb->skin - (1.0 - s) * nb->cut_max;
    double trigger_affine = 0.5 * affine_skin;
    if (trigger <= 0.0 && trigger_affine <= 0.0)
        return 1;
    /* Largest displacements since the build; NaN counts as infinite, so a
     * non-finite position triggers a rebuild, where migration reports it. */
    double maxsq[2] = {0.0, 0.0};
    int64_t worst = -1;
    for (int i = 0; i < a->nlocal; i++) {
        const double *x = a->x[i], *h = nb->xhold[i];
        double dx = x[0] - h[0], dy = x[1] - h[1], dz = x[2] - h[2];
        double d2 = dx * dx + dy * dy + dz * dz;
        if (!(d2 <= maxsq[0])) {
            maxsq[0] = isnan(d2) ? INFINITY : d2;
            worst = a->id[i];
        }
        double ux = x[0] - (A[0][0] * h[0] + A[0][1] * h[1] + A[0][2] * h[2] + t[0]);
        double uy = x[1] - (A[1][0] * h[0] + A[1][1] * h[1] + A[1][2] * h[2] + t[1]);
        double uz = x[2] - (A[2][0] * h[0] + A[2][1] * h[1] + A[2][2] * h[2] + t[2]);
        double u2 = ux * ux + uy * uy + uz * uz;
        if (!(u2 <= maxsq[1]))
            maxsq[1] = isnan(u2) ? INFINITY : u2;
    }
    double mx[3] = {maxsq[0], maxsq[1], nb->rider}, gmax[3];
    par_max_doubles(mx, gmax, 3);
    nb->rider_max = gmax[2];
    nb->rider_step = step;
    /* false for NaN */
    if ((trigger > 0.0 && gmax[0] <= trigger * trigger) ||
        (trigger_affine > 0.0 && gmax[1] <= trigger_affine * trigger_affine))
        return 0;
    /* One atom beyond the whole skin by both measures (a pair with an atom
     * that stood still came inside the cutoff unlisted): the forces were
     * wrong, so stop. NaN is not > : migration reports it. */
    if (strict && gmax[0] > nb->skin * nb->skin &&
        (affine_skin <= 0.0 || gmax[1] > affine_skin * affine_skin)) {
        int64_t who = par_max_i64(maxsq[0] == gmax[0] ? worst : -1);
        mg_fail_run("atom %lld moved %.3g A in the %lld steps since the neighbor list was built, more than the "
                    "skin (%.3g A): interactions may have been missed. The time step is too large or the system "
                    "has blown up (check the neighbor list every step, or reduce the time step)",
                    (long long)who, sqrt(gmax[0]), (long long)since, nb->skin);
    }
    /* As LAMMPS counts them: a rebuild on the first step one was allowed. */
    if (since == (nb->every > nb->delay ? nb->every : nb->delay))
        nb->ndanger++;
    return 1;
}

void neighbor_sort_atoms(neighbor *nb, atoms *a)
{
    int n = a->nlocal;
    if (n < 2)
        return;
    make_bins(nb, a, n);
    /* Within a bin, order by id: the result then depends only on which
     * atoms a rank owns and where they are, not on the order they arrived
     * in, so a run restarted from a checkpoint rebuilds exactly the same
     * arrays, ghosts and lists (bins hold one to a few atoms). */
    for (int b = 0; b < nb->nbins; b++) {
        int *slot = nb->binatom + nb->binstart[b];
        int len = nb->binstart[b + 1] - nb->binstart[b];
        for (int p = 1; p < len; p++) {
            int v = slot[p], q = p;
            for (; q > 0 && a->id[slot[q - 1]] > a->id[v]; q--)
                slot[q] = slot[q - 1];
            slot[q] = v;
        }
    }
    /* binatom is now the permutation: new slot k holds old atom binatom[k].
     * Apply it array by array through a scratch buffer. */
    size_t maxw = 6 * sizeof(double);
    for (int k = 0; k < a->nprop; k++)
        if ((size_t)a->prop[k].width * sizeof(double) > maxw)
            maxw = (size_t)a->prop[k].width * sizeof(double);
    unsigned char *tmp = mg_malloc((size_t)n * maxw);
#define PERMUTE(arr, sz)                                                       \
    do {                                                                       \
        for (int q = 0; q < n; q++)                                            \
            memcpy(tmp + (size_t)q * (sz), (unsigned char *)(arr) + (size_t)nb->binatom[q] * (sz), (sz)); \
        memcpy((arr), tmp, (size_t)n * (sz));                                  \
    } while (0)
    PERMUTE(a->id, sizeof *a->id);
    PERMUTE(a->type, sizeof *a->type);
    PERMUTE(a->x, sizeof *a->x);
    PERMUTE(a->v, sizeof *a->v);
    PERMUTE(a->f, sizeof *a->f);
    PERMUTE(a->image, sizeof *a->image);
    PERMUTE(a->mask, sizeof *a->mask);
    for (int k = 0; k < a->nprop; k++)
        PERMUTE(a->prop[k].data, (size_t)a->prop[k].width * sizeof(double));
#undef PERMUTE
    free(tmp);
}
