/* replicate NX NY NZ: the system copied NX x NY x NZ times into a box that
 * many times larger (as LAMMPS' replicate).
 *
 * The copy (ix, iy, iz) of an atom sits at its unwrapped position plus
 * ix a + iy b + iz c (the old box's edge vectors) and has id
 * id + M (ix + NX (iy + NY iz)), M the largest old id, so ids stay unique
 * and holes stay holes. Positions are then wrapped into the new box, whose
 * image flags they get (LAMMPS' rule); velocities, group masks and every
 * per-atom property are copied. The new box keeps lo, has hi = lo + N L
 * and tilts xy NY, xz NZ, yz NZ times the old.
 *
 * Parallel without gathering: the atoms go once round the ring of ranks,
 * and each rank keeps the copies that fall in its new sub-domain (P - 1
 * paired exchanges of one rank's atoms each). An action: skipped on
 * restart replay (the checkpoint holds the replicated system). */
#include "core/error.h"
#include "core/memory.h"
#include "deck/deck.h"
#include "parallel/parallel.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void cmd_replicate(deck *dk)
{
    deck_need_system(dk);
    md *s = dk->s;
    atoms *a = &s->atoms;
    int i = 1, n[3];
    for (int d = 0; d < 3; d++)
        n[d] = (int)deck_int(dk, &i, "number of copies along a dimension", 1, 1000000);
    deck_done(dk, i);
    const int64_t copies = (int64_t)n[0] * n[1] * n[2];
    int64_t maxid = 0;
    for (int j = 0; j < a->nlocal; j++)
        maxid = a->id[j] > maxid ? a->id[j] : maxid;
    maxid = par_max_i64(maxid);
    if (copies > INT64_MAX / 4 / (maxid > a->natoms ? maxid : a->natoms))
        deck_fail(dk, "replicate: %lld copies of %lld atoms (ids up to %lld) would overflow 64-bit ids",
                  (long long)copies, (long long)a->natoms, (long long)maxid);
    /* Refused before it costs memory: the new atoms of this rank, about
     * twice their packed size each while they are made, and then what an
     * atom costs a run (core/memory.h). */
    if (a->natoms * copies > (INT64_C(1) << 40))
        deck_fail(dk, "replicate: %lld atoms are more than the 2^40 a system may hold; use fewer copies",
                  (long long)(a->natoms * copies));
    const double total = (double)a->natoms * (double)copies;
    char what[200];
    snprintf(what, sizeof what, "%.4g atoms on %d rank%s (use fewer copies)", total, par_size(),
             par_size() > 1 ? "s" : "");
    deck_check_memory(dk, total / par_size() * (2.0 * atoms_pack_size(a) + MEM_BYTES_PER_ATOM), what);
    deck_atoms_will_change(dk);
    for (int k = 0; k < dk->fixes->n; k++)
        if (dk->fixes->f[k]->ops->holds_atoms)
            deck_fail(dk, "replicate: fix '%s' holds its atoms by their reference positions; define it after "
                      "replicating", dk->fixes->f[k]->name);
    for (int d = 0; d < 3; d++)
        if (n[d] > 1 && !s->box.periodic[d])
            mg_warn("%s:%d: replicate: the box is not periodic along %c: its copies are stacked, touching", dk->path,
                    dk->line, 'x' + d);

    /* Each atom packed with its unwrapped position in place of x. */
    const box old = s->box;
    const size_t psize = (size_t)atoms_pack_size(a);
    size_t nbytes = (size_t)a->nlocal * psize, cap = nbytes + 1, rcap = 0;
    void *cur = mg_malloc(cap), *next = NULL;
    for (int j = 0; j < a->nlocal; j++) {
        double u[3];
        box_unwrap(&old, a->x[j], a->image[j], u);
        memcpy(a->x[j], u, sizeof u);
        atoms_pack(a, j, (unsigned char *)cur + (size_t)j * psize);
    }
    /* The new box and its decomposition. */
    box nb = old;
    for (int d = 0; d < 3; d++)
        nb.hi[d] = nb.lo[d] + n[d] * old.len[d];
    nb.xy *= n[1];
    nb.xz *= n[2];
    nb.yz *= n[2];
    box_update(&nb);
    s->box = nb;
    s->box_changes++;
    md_decompose(s);
    a->nlocal = a->nghost = 0;

    /* Round the ring: at hop h this rank holds the atoms of rank r - h. */
    const int P = par_size(), r = par_rank();
    for (int hop = 0; hop < P; hop++) {
        for (size_t off = 0; off + psize <= nbytes; off += psize)
            for (int iz = 0; iz < n[2]; iz++)
                for (int iy = 0; iy < n[1]; iy++)
                    for (int ix = 0; ix < n[0]; ix++) {
                        int j = a->nlocal;
                        atoms_unpack_append(a, (unsigned char *)cur + off);
                        double *x = a->x[j];
                        for (int q = 0; q < 3; q++)
                            x[q] += ix * old.h[q][0] + iy * old.h[q][1] + iz * old.h[q][2];
                        memset(a->image[j], 0, sizeof a->image[j]);
                        box_remap(&nb, x, a->image[j]);
                        double l[3];
                        box_to_lamda(&nb, x, l);
                        if (decomp_owner(&s->dc, l) != r) {
                            a->nlocal--;
                            continue;
                        }
                        a->id[j] += maxid * (ix + (int64_t)n[0] * (iy + (int64_t)n[1] * iz));
                    }
        if (hop + 1 == P)
            break;
        nbytes = par_ring_shift(&cur, &cap, nbytes, &next, &rcap);
    }
    free(cur);
    free(next);
    md_atoms_changed(s);
    if (par_rank() == 0) {
        printf("replicate: %d x %d x %d: %lld atoms in a %.6g x %.6g x %.6g A box\n", n[0], n[1], n[2],
               (long long)s->atoms.natoms, nb.len[0], nb.len[1], nb.len[2]);
        fflush(stdout);
    }
}
