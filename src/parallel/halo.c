#include "parallel/halo.h"
#include "core/error.h"
#include "parallel/parallel.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void halo_init(halo *h) { memset(h, 0, sizeof *h); }

void halo_destroy(halo *h)
{
    for (int s = 0; s < h->swapcap; s++)
        free(h->swaps[s].sendlist);
    free(h->swaps);
    free(h->sbuf);
    free(h->rbuf);
    memset(h, 0, sizeof *h);
}

static halo_swap *new_swap(halo *h)
{
    if (h->nswap == h->swapcap) {
        int n = h->swapcap ? 2 * h->swapcap : 12;
        h->swaps = mg_realloc(h->swaps, (size_t)n * sizeof *h->swaps);
        memset(h->swaps + h->swapcap, 0, (size_t)(n - h->swapcap) * sizeof *h->swaps);
        h->swapcap = n;
    }
    halo_swap *s = &h->swaps[h->nswap++];
    s->nsend = 0;
    return s;
}

static void *sbuf_room(halo *h, size_t n)
{
    if (n > h->scap) {
        h->scap = n + n / 2 + 4096;
        free(h->sbuf);
        h->sbuf = mg_malloc(h->scap);
    }
    return h->sbuf;
}

/* Lattice vector (column dim of H) times shift, added to a sent position. */
static inline void shifted(const box *b, int dim, int shift, const double x[3], double out[3])
{
    out[0] = x[0] + shift * b->h[0][dim];
    out[1] = x[1] + shift * b->h[1][dim];
    out[2] = x[2] + shift * b->h[2][dim];
}

void halo_build(halo *h, atoms *a, const box *b, const decomp *dc, double cutghost)
{
    h->nswap = 0;
    h->cutghost = cutghost;
    a->nghost = 0;
    double fd[3];
    box_face_distances(b, fd);
    int me = par_rank();

    for (int d = 0; d < 3; d++) {
        double cut_l = cutghost / fd[d];
        double minlen = 1.0;
        for (int k = 0; k < dc->grid[d]; k++)
            minlen = fmin(minlen, dc->cuts[d][k + 1] - dc->cuts[d][k]);
        int need = (int)ceil(cut_l / minlen);
        if (need < 1)
            need = 1;
        if (!b->periodic[d] && need > dc->grid[d] - 1)
            need = dc->grid[d] - 1;
        int pool_end = a->nlocal + a->nghost;
        int prev_first[2] = {0, 0}, prev_n[2] = {0, 0};
        for (int hop = 0; hop < need; hop++) {
            for (int dir = 0; dir < 2; dir++) {
                halo_swap *s = new_swap(h);
                s->dim = d;
                s->dir = dir;
                s->sendto = dc->neigh[d][dir];
                s->recvfrom = dc->neigh[d][1 - dir];
                s->image_shift = 0;
                if (b->periodic[d]) {
                    if (dir == 0 && dc->coord[d] == 0)
                        s->image_shift = +1;
                    if (dir == 1 && dc->coord[d] == dc->grid[d] - 1)
                        s->image_shift = -1;
                }
                int lo = hop == 0 ? 0 : prev_first[dir];
                int hi = hop == 0 ? pool_end : prev_first[dir] + prev_n[dir];
                if (s->sendto >= 0) {
                    for (int i = lo; i < hi; i++) {
                        double l[3];
                        box_to_lamda(b, a->x[i], l);
                        int send = dir == 0 ? l[d] < dc->sublo[d] + cut_l : l[d] >= dc->subhi[d] - cut_l;
                        if (!send)
                            continue;
                        if (s->nsend == s->sendcap) {
                            s->sendcap = s->sendcap ? 2 * s->sendcap : 256;
                            s->sendlist = mg_realloc(s->sendlist, (size_t)s->sendcap * sizeof(int));
                        }
                        s->sendlist[s->nsend++] = i;
                    }
                }
                /* Ghost record: x, y, z, type, id (bit copy). */
                size_t rec = 5 * sizeof(double);
                double *buf = sbuf_room(h, (size_t)s->nsend * rec);
                for (int k = 0; k < s->nsend; k++) {
                    int i = s->sendlist[k];
                    shifted(b, d, s->image_shift, a->x[i], buf + 5 * k);
                    buf[5 * k + 3] = (double)a->type[i];
                    memcpy(&buf[5 * k + 4], &a->id[i], sizeof(int64_t));
                }
                size_t nbytes;
                const double *in;
                if (s->sendto == me && s->recvfrom == me) {
                    nbytes = (size_t)s->nsend * rec;
                    in = buf;
                } else {
                    nbytes = par_sendrecv(buf, (size_t)s->nsend * rec, s->sendto, &h->rbuf, &h->rcap, s->recvfrom);
                    in = h->rbuf;
                }
                int nrecv = (int)(nbytes / rec);
                s->firstrecv = a->nlocal + a->nghost;
                s->nrecv = nrecv;
                atoms_reserve(a, s->firstrecv + nrecv);
                for (int k = 0; k < nrecv; k++) {
                    int j = s->firstrecv + k;
                    a->x[j][0] = in[5 * k];
                    a->x[j][1] = in[5 * k + 1];
                    a->x[j][2] = in[5 * k + 2];
                    a->type[j] = (int)in[5 * k + 3];
                    memcpy(&a->id[j], &in[5 * k + 4], sizeof(int64_t));
                }
                a->nghost += nrecv;
                prev_first[dir] = s->firstrecv;
                prev_n[dir] = nrecv;
            }
        }
    }
}

void halo_forward_x(halo *h, atoms *a, const box *b)
{
    int me = par_rank();
    for (int n = 0; n < h->nswap; n++) {
        halo_swap *s = &h->swaps[n];
        if (s->sendto == me && s->recvfrom == me) {
            /* Periodic image of our own atoms: no message, a shifted copy. */
            for (int k = 0; k < s->nsend; k++)
                shifted(b, s->dim, s->image_shift, a->x[s->sendlist[k]], a->x[s->firstrecv + k]);
            continue;
        }
        double *buf = sbuf_room(h, (size_t)s->nsend * 3 * sizeof(double));
        for (int k = 0; k < s->nsend; k++)
            shifted(b, s->dim, s->image_shift, a->x[s->sendlist[k]], buf + 3 * k);
        size_t nb = par_sendrecv(buf, (size_t)s->nsend * 3 * sizeof(double), s->sendto, &h->rbuf, &h->rcap, s->recvfrom);
        if (nb != (size_t)s->nrecv * 3 * sizeof(double))
            mg_fail_one("halo: expected %d ghost positions, received %zu bytes", s->nrecv, nb);
        memcpy(a->x[s->firstrecv], h->rbuf, nb);
    }
}

void halo_forward(halo *h, double *data, int width)
{
    int me = par_rank();
    size_t rec = (size_t)width * sizeof(double);
    for (int n = 0; n < h->nswap; n++) {
        halo_swap *s = &h->swaps[n];
        if (s->sendto == me && s->recvfrom == me) {
            for (int k = 0; k < s->nsend; k++)
                memcpy(data + (size_t)(s->firstrecv + k) * width, data + (size_t)s->sendlist[k] * width, rec);
            continue;
        }
        double *buf = sbuf_room(h, (size_t)s->nsend * rec);
        for (int k = 0; k < s->nsend; k++)
            memcpy(buf + (size_t)k * width, data + (size_t)s->sendlist[k] * width, rec);
        size_t nb = par_sendrecv(buf, (size_t)s->nsend * rec, s->sendto, &h->rbuf, &h->rcap, s->recvfrom);
        if (nb != (size_t)s->nrecv * rec)
            mg_fail_one("halo: expected %d ghost values, received %zu bytes", s->nrecv, nb);
        memcpy(data + (size_t)s->firstrecv * width, h->rbuf, nb);
    }
}
