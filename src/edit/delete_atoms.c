/* delete_atoms region R | group G | overlap D [G1 G2]   [compress no]
 *
 *   region R      every atom in region R (periodic images included:
 *                 system/region.h)
 *   group G       every atom of G
 *   overlap D     of each pair of atoms closer than D (A, strictly) with
 *                 one in G1 and the other in G2 (both `all` if not given),
 *                 the one in G1 goes; when either could go (each is in both
 *                 groups), the one with the lower id goes. Deletions are
 *                 decided from the atoms as they are, not one after the
 *                 other, so the result does not depend on the rank count or
 *                 the order of atoms (LAMMPS' rule across ranks, and on one
 *                 rank for isolated pairs).
 *
 * Ids are kept (LAMMPS' default `compress yes` renumbers them in an order
 * that depends on the processor layout; mgmd keeps them so configurations
 * can be compared atom by atom): `compress no` is accepted, `compress yes`
 * is refused with that reason. All parallel: each rank deletes among its
 * own atoms; overlap builds a ghost shell D wide (one halo exchange).
 * An action: skipped when a restart replays the deck. */
#include "core/error.h"
#include "deck/deck.h"
#include "parallel/parallel.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Remove the owned atoms with del[i] set, keeping the order of the rest. */
static int64_t compact(atoms *a, const char *del)
{
    int n = 0;
    for (int i = 0; i < a->nlocal; i++) {
        if (del[i])
            continue;
        if (n != i)
            atoms_copy(a, i, n);
        n++;
    }
    int64_t gone = a->nlocal - n;
    a->nlocal = n;
    return gone;
}

/* Mark the atoms of G1 that overlap one of G2 (see the header); owned atoms
 * must be home. */
static void overlap(md *s, double cut, int g1, int g2, char *del)
{
    atoms *a = &s->atoms;
    halo_build(&s->halo, a, &s->box, &s->dc, cut);
    const int nall = a->nlocal + a->nghost;
    /* Cells of side >= cut over the owned and ghost atoms. */
    double lo[3] = {DBL_MAX, DBL_MAX, DBL_MAX}, hi[3] = {-DBL_MAX, -DBL_MAX, -DBL_MAX};
    for (int i = 0; i < nall; i++)
        for (int d = 0; d < 3; d++) {
            lo[d] = fmin(lo[d], a->x[i][d]);
            hi[d] = fmax(hi[d], a->x[i][d]);
        }
    int nc[3];
    long ncell = 1;
    for (int d = 0; d < 3; d++) {
        double ext = nall ? hi[d] - lo[d] : 0.0;
        nc[d] = (int)fmin(fmax(floor(ext / cut), 1.0), 512.0);
        ncell *= nc[d];
    }
    int *head = mg_malloc((size_t)ncell * sizeof *head), *next = mg_malloc((size_t)(nall + 1) * sizeof *next);
    int *cell = mg_malloc((size_t)(nall + 1) * sizeof *cell);
    for (long c = 0; c < ncell; c++)
        head[c] = -1;
    for (int i = 0; i < nall; i++) {
        int c[3];
        for (int d = 0; d < 3; d++) {
            double ext = hi[d] - lo[d];
            c[d] = ext > 0 ? (int)((a->x[i][d] - lo[d]) / ext * nc[d]) : 0;
            if (c[d] >= nc[d])
                c[d] = nc[d] - 1;
        }
        cell[i] = (c[2] * nc[1] + c[1]) * nc[0] + c[0];
        next[i] = head[cell[i]];
        head[cell[i]] = i;
    }
    const uint64_t b1 = group_bit(g1), b2 = group_bit(g2);
    const double cutsq = cut * cut;
    for (int i = 0; i < a->nlocal; i++) {
        if (!(a->mask[i] & b1))
            continue;
        int ci = cell[i], cz = ci / (nc[0] * nc[1]), cy = (ci / nc[0]) % nc[1], cx = ci % nc[0];
        for (int dz = -1; dz <= 1 && !del[i]; dz++)
            for (int dy = -1; dy <= 1 && !del[i]; dy++)
                for (int dx = -1; dx <= 1 && !del[i]; dx++) {
                    int x = cx + dx, y = cy + dy, z = cz + dz;
                    if (x < 0 || y < 0 || z < 0 || x >= nc[0] || y >= nc[1] || z >= nc[2])
                        continue;
                    for (int j = head[(z * nc[1] + y) * nc[0] + x]; j >= 0 && !del[i]; j = next[j]) {
                        if (j == i || a->id[j] == a->id[i] || !(a->mask[j] & b2))
                            continue;
                        double r2 = 0;
                        for (int d = 0; d < 3; d++) {
                            double e = a->x[i][d] - a->x[j][d];
                            r2 += e * e;
                        }
                        if (r2 >= cutsq)
                            continue;
                        /* Either could go: the lower id does. */
                        if ((a->mask[i] & b2) && (a->mask[j] & b1) && a->id[i] > a->id[j])
                            continue;
                        del[i] = 1;
                    }
                }
    }
    free(head);
    free(next);
    free(cell);
    a->nghost = 0;
}

void cmd_delete_atoms(deck *dk)
{
    deck_need_system(dk);
    md *s = dk->s;
    atoms *a = &s->atoms;
    int i = 1;
    const char *how = deck_word(dk, &i, "what to delete (region, group or overlap)");
    int reg = -1, g = -1, g1 = GROUP_ALL, g2 = GROUP_ALL;
    double cut = 0;
    if (!strcmp(how, "region")) {
        const char *r = deck_word(dk, &i, "region name");
        reg = region_find(&s->regions, r);
        if (reg < 0)
            deck_fail(dk, "delete_atoms: no region named '%s'", r);
    } else if (!strcmp(how, "group")) {
        g = deck_group(dk, &i);
    } else if (!strcmp(how, "overlap")) {
        cut = deck_quantity(dk, &i, Q_LENGTH, "overlap distance", "*");
        if (!(cut > 0) || !isfinite(cut))
            deck_fail(dk, "delete_atoms overlap: the distance must be a positive length (A)");
        if (i < dk->nargs && strcmp(dk->args[i], "compress")) {
            g1 = deck_group(dk, &i);
            g2 = deck_group(dk, &i);
        }
    } else {
        deck_fail(dk, "delete_atoms: expected 'region R', 'group G' or 'overlap D [G1 G2]', got '%s'", how);
    }
    while (i < dk->nargs) {
        const char *k = deck_word(dk, &i, "keyword");
        if (!strcmp(k, "compress")) {
            if (deck_bool(dk, &i, "compress (no)"))
                deck_fail(dk, "delete_atoms: mgmd keeps atom ids (compress yes would renumber them, in LAMMPS in "
                          "an order that depends on the processors); use 'compress no' or leave it out");
        } else {
            deck_fail(dk, "delete_atoms: unknown keyword '%s' (expected compress)", k);
        }
    }
    deck_atoms_will_change(dk);
    if (cut > 0) /* atoms home first: the ghost shell needs them there */
        decomp_migrate(&s->dc, a, &s->box);
    char *del = mg_calloc((size_t)a->nlocal + 1, 1);
    if (reg >= 0) {
        for (int j = 0; j < a->nlocal; j++)
            del[j] = region_contains(&s->regions, reg, &s->box, a->x[j]) != 0;
    } else if (g >= 0) {
        if (g == GROUP_ALL)
            deck_fail(dk, "delete_atoms: deleting group all would leave no atoms");
        for (int j = 0; j < a->nlocal; j++)
            del[j] = (a->mask[j] & group_bit(g)) != 0;
    } else {
        overlap(s, cut, g1, g2, del);
    }
    int64_t before = a->natoms, gone = par_sum_i64(compact(a, del));
    free(del);
    if (gone == before)
        deck_fail(dk, "delete_atoms: this would delete all %lld atoms", (long long)before);
    md_atoms_changed(s);
    if (par_rank() == 0) {
        printf("delete_atoms: %lld atoms deleted, %lld left\n", (long long)gone, (long long)s->atoms.natoms);
        fflush(stdout);
    }
}
