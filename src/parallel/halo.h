/* Halo: ghost atoms, the copies of other ranks' (or periodic images of our
 * own) atoms within `cutghost` of this rank's sub-domain.
 *
 * Built once per re-neighbouring, LAMMPS-style: dimension by dimension
 * (x, then y, then z, each pass also forwarding the ghosts of the earlier
 * ones so edges and corners arrive), in both directions, with as many hops
 * per direction as the ghost shell is wider than the thinnest sub-domain.
 * Each hop ("swap") remembers which atoms it sent and the periodic image
 * shift, so between re-neighbourings only positions (or any per-atom array,
 * such as the EAM embedding derivative) are forwarded along the same paths.
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

void halo_init(halo *h);
void halo_destroy(halo *h);
/* Create ghosts for all atoms within cutghost (A) of the sub-domain. Owned
 * atoms must be home (decomp_migrate just before). */
void halo_build(halo *h, atoms *a, const box *b, const decomp *dc, double cutghost);
/* Refresh ghost positions from their owners. */
void halo_forward_x(halo *h, atoms *a, const box *b);
/* Refresh ghost values of a per-atom array of `width` doubles per atom. */
void halo_forward(halo *h, double *data, int width);

#endif
