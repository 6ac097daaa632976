/* Halo: ghost atoms, the copies of other ranks' (or periodic images of our
 * own) atoms within `cutghost` of this rank's sub-domain.
 *
 * Built once per re-neighbouring, LAMMPS-style: dimension by dimension
 * (the dimensions split among ranks first, then those whose ghosts are
 * our own periodic images, each pass also forwarding the ghosts of the
 * earlier ones so edges and corners arrive), in both directions, with as many hops
 * per direction as the ghost shell is wider than the thinnest sub-domain.
 * Each hop ("swap") remembers which atoms it sent and the periodic image
 * shift. A ghost arrives with its id, type, position and group mask.
 *
 * Between re-neighbourings any per-atom payload moves along the same paths
 * through one engine with pack/unpack callbacks (as CoMD's halo exchange
 * moves both atoms and the EAM embedding derivative F'):
 *
 *   forward   owners -> ghosts, swap by swap in build order (positions
 *             with their image shift, F', an analysis' reference
 *             positions or labels);
 *   reverse   ghosts -> owners, swaps in reverse order, each value added
 *             onto the atom it is a copy of (so a ghost of a ghost is
 *             summed back hop by hop): per-pair contributions an analysis
 *             accumulates on ghosts.
 *
 * All communication of a step happens here and in decomp_migrate(). */
#ifndef MGMD_HALO_H
#define MGMD_HALO_H

#include <stddef.h>

#include "parallel/decomp.h"
#include "system/atoms.h"
#include "system/box.h"

typedef struct halo_swap {
    int dim, dir;            /* dir 0: send toward lower, 1: toward upper     */
    int sendto, recvfrom;    /* ranks, -1 none                                */
    int image_shift;         /* +1/-1/0: lattice vector added to sent atoms   */
    int nsend, sendcap;
    int *sendlist;           /* indices of atoms sent                         */
    int firstrecv, nrecv;    /* where received ghosts land                    */
} halo_swap;

typedef struct halo {
    int nswap, swapcap;
    halo_swap *swaps;
    double cutghost;         /* A                                             */
    void *sbuf, *rbuf;
    size_t scap, rcap;
} halo;

/* A per-atom payload of `bytes` bytes per atom.
 *   pack(ctx, s, buf)        the values of atoms s->sendlist[0..nsend) into
 *                            buf (forward; s->dim and s->image_shift say
 *                            which lattice vector a position gains)
 *   unpack(ctx, first, n, buf)  into ghosts first..first+n (forward)
 *   pack_ghosts(ctx, first, n, buf)  ghosts' values (reverse)
 *   unpack_add(ctx, s, buf)  add onto atoms s->sendlist[..] (reverse)
 * Callbacks a direction does not use may be NULL. */
typedef struct halo_payload {
    size_t bytes;
    void (*pack)(void *ctx, const halo_swap *s, void *buf);
    void (*unpack)(void *ctx, int first, int n, const void *buf);
    void (*pack_ghosts)(void *ctx, int first, int n, void *buf);
    void (*unpack_add)(void *ctx, const halo_swap *s, const void *buf);
    void *ctx;
} halo_payload;

void halo_init(halo *h);
void halo_destroy(halo *h);
/* Create ghosts for all atoms within cutghost (A) of the sub-domain. Owned
 * atoms must be home (decomp_migrate just before). */
void halo_build(halo *h, atoms *a, const box *b, const decomp *dc, double cutghost);
/* Move a payload owners -> ghosts, or ghosts -> owners summed (collective). */
void halo_forward_payload(halo *h, const halo_payload *p);
void halo_reverse_payload(halo *h, const halo_payload *p);
/* Refresh ghost positions from their owners. */
void halo_forward_x(halo *h, atoms *a, const box *b);
/* Refresh ghost values of a per-atom array of `width` doubles per atom. */
void halo_forward(halo *h, double *data, int width);
/* Add each ghost's values of such an array onto its owner's, then leave
 * the ghosts' values as they were. */
void halo_reverse_sum(halo *h, double *data, int width);
/* The same for a value the ghosts are done with (a pair kernel's ghost
 * shares of densities and forces under Newton's third law, every step):
 * no copy is kept, and the ghosts' values are partial sums afterwards. */
void halo_reverse_add(halo *h, double *data, int width);

#endif
