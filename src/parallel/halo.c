/* Halo exchange (halo.h): the ghost build and one payload engine for every
 * exchange between re-neighbourings, forward (owners -> ghosts) and reverse
 * (ghosts -> owners, summed). A swap whose partner is this rank itself (a
 * periodic image of our own atoms) packs and unpacks without a message.
 * Communication: one paired send/receive per swap (parallel.h); the
 * build sends each swap's size first, the payloads between builds do not
 * (both sides know the counts), so a step costs one message per swap and
 * payload. */
#include "parallel/halo.h"
#include "core/error.h"
#include "parallel/parallel.h"

#include <math.h>
#include <stdint.h>
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

/* A message buffer of at least n bytes (contents not kept). */
static void *room(void **buf, size_t *cap, size_t n)
{
    if (n > *cap) {
        *cap = n + n / 2 + 4096;
        free(*buf);
        *buf = mg_malloc(*cap);
    }
    return *buf;
}

static void *sbuf_room(halo *h, size_t n) { return room(&h->sbuf, &h->scap, n); }

static int self_swap(const halo_swap *s) { return s->sendto == par_rank() && s->recvfrom == par_rank(); }

/* Send nbytes from sbuf along the swap's direction (or back against it);
 * returns the received bytes, in *in. expect: the bytes the partner sends
 * when known (a payload between re-neighbourings: one message), or
 * SIZE_MAX (the ghost build: sizes go first, two messages). */
static size_t swap_message(halo *h, const halo_swap *s, int reverse, size_t nbytes, size_t expect, const void **in)
{
    if (self_swap(s)) {
        *in = h->sbuf;
        return nbytes;
    }
    const int to = reverse ? s->recvfrom : s->sendto, from = reverse ? s->sendto : s->recvfrom;
    size_t got = expect == SIZE_MAX
                     ? par_sendrecv(h->sbuf, nbytes, to, &h->rbuf, &h->rcap, from)
                     : par_sendrecv_sized(h->sbuf, nbytes, to, room(&h->rbuf, &h->rcap, expect), expect, from);
    *in = h->rbuf; /* after the call: par_sendrecv may move it */
    return got;
}

void halo_forward_payload(halo *h, const halo_payload *p)
{
    for (int n = 0; n < h->nswap; n++) {
        const halo_swap *s = &h->swaps[n];
        void *buf = sbuf_room(h, (size_t)s->nsend * p->bytes);
        if (s->nsend) /* an empty swap may have no buffer at all */
            p->pack(p->ctx, s, buf);
        const void *in;
        size_t got = swap_message(h, s, 0, (size_t)s->nsend * p->bytes, (size_t)s->nrecv * p->bytes, &in);
        if (got != (size_t)s->nrecv * p->bytes)
            mg_fail_one("halo: expected %d ghost records of %zu bytes, received %zu bytes", s->nrecv, p->bytes, got);
        if (s->nrecv)
            p->unpack(p->ctx, s->firstrecv, s->nrecv, in);
    }
}

void halo_reverse_payload(halo *h, const halo_payload *p)
{
    for (int n = h->nswap - 1; n >= 0; n--) {
        const halo_swap *s = &h->swaps[n];
        void *buf = sbuf_room(h, (size_t)s->nrecv * p->bytes);
        if (s->nrecv)
            p->pack_ghosts(p->ctx, s->firstrecv, s->nrecv, buf);
        const void *in;
        size_t got = swap_message(h, s, 1, (size_t)s->nrecv * p->bytes, (size_t)s->nsend * p->bytes, &in);
        if (got != (size_t)s->nsend * p->bytes)
            mg_fail_one("halo: expected %d returned records of %zu bytes, received %zu bytes", s->nsend, p->bytes,
                        got);
        if (s->nsend)
            p->unpack_add(p->ctx, s, in);
    }
}

/* ---- positions ----------------------------------------------------------- */

/* Lattice vector (column dim of H) times shift, added to a sent position. */
static inline void shifted(const box *b, int dim, int shift, const double x[3], double out[3])
{
    out[0] = x[0] + shift * b->h[0][dim];
    out[1] = x[1] + shift * b->h[1][dim];
    out[2] = x[2] + shift * b->h[2][dim];
}

typedef struct xctx {
    atoms *a;
    const box *b;
} xctx;

static void pack_x(void *ctx, const halo_swap *s, void *buf)
{
    const xctx *c = ctx;
    double (*out)[3] = buf;
    for (int k = 0; k < s->nsend; k++)
        shifted(c->b, s->dim, s->image_shift, c->a->x[s->sendlist[k]], out[k]);
}

static void unpack_x(void *ctx, int first, int n, const void *buf)
{
    const xctx *c = ctx;
    memcpy(c->a->x[first], buf, (size_t)n * sizeof c->a->x[0]);
}

void halo_forward_x(halo *h, atoms *a, const box *b)
{
    xctx c = {a, b};
    halo_payload p = {3 * sizeof(double), pack_x, unpack_x, NULL, NULL, &c};
    halo_forward_payload(h, &p);
}

/* ---- arrays of doubles ----------------------------------------------------- */

typedef struct dctx {
    double *data;
    int width;
} dctx;

static void pack_d(void *ctx, const halo_swap *s, void *buf)
{
    const dctx *c = ctx;
    const size_t w = (size_t)c->width;
    double *out = buf;
    for (int k = 0; k < s->nsend; k++)
        memcpy(out + (size_t)k * w, c->data + (size_t)s->sendlist[k] * w, w * sizeof(double));
}

static void unpack_d(void *ctx, int first, int n, const void *buf)
{
    const dctx *c = ctx;
    memcpy(c->data + (size_t)first * (size_t)c->width, buf, (size_t)n * (size_t)c->width * sizeof(double));
}

static void pack_ghost_d(void *ctx, int first, int n, void *buf)
{
    const dctx *c = ctx;
    memcpy(buf, c->data + (size_t)first * (size_t)c->width, (size_t)n * (size_t)c->width * sizeof(double));
}

static void unpack_add_d(void *ctx, const halo_swap *s, const void *buf)
{
    const dctx *c = ctx;
    const size_t w = (size_t)c->width;
    const double *in = buf;
    for (int k = 0; k < s->nsend; k++) {
        double *dst = c->data + (size_t)s->sendlist[k] * w;
        for (size_t q = 0; q < w; q++)
            dst[q] += in[(size_t)k * w + q];
    }
}

void halo_forward(halo *h, double *data, int width)
{
    dctx c = {data, width};
    halo_payload p = {(size_t)width * sizeof(double), pack_d, unpack_d, NULL, NULL, &c};
    halo_forward_payload(h, &p);
}

void halo_reverse_add(halo *h, double *data, int width)
{
    dctx c = {data, width};
    halo_payload p = {(size_t)width * sizeof(double), NULL, NULL, pack_ghost_d, unpack_add_d, &c};
    halo_reverse_payload(h, &p);
}

void halo_reverse_sum(halo *h, double *data, int width)
{
    if (h->nswap == 0)
        return;
    /* A ghost that was sent on in a later swap (a corner, a second hop)
     * collects its copies' values on the way back; keep the ghosts' own. */
    int first = h->swaps[0].firstrecv, end = first;
    for (int n = 0; n < h->nswap; n++)
        if (h->swaps[n].firstrecv + h->swaps[n].nrecv > end)
            end = h->swaps[n].firstrecv + h->swaps[n].nrecv;
    size_t bytes = (size_t)(end - first) * (size_t)width * sizeof(double);
    double *keep = mg_malloc(bytes + 1);
    if (bytes)
        memcpy(keep, data + (size_t)first * (size_t)width, bytes);
    halo_reverse_add(h, data, width);
    if (bytes)
        memcpy(data + (size_t)first * (size_t)width, keep, bytes);
    free(keep);
}

/* ---- the ghost build ------------------------------------------------------- */

/* A ghost record: position (with the swap's image shift), type, id, mask. */
typedef struct ghost_rec {
    double x[3];
    int64_t id;
    uint64_t mask;
    int64_t type;
} ghost_rec;

void halo_build(halo *h, atoms *a, const box *b, const decomp *dc, double cutghost)
{
    h->nswap = 0;
    h->cutghost = cutghost;
    a->nghost = 0;
    double fd[3];
    box_face_distances(b, fd);
    /* Dimensions split among ranks go first: each pass also forwards the
     * earlier passes' ghosts, so the last pass carries the widest face
     * ((a + 2r)(b + 2r) against a b). Copies of our own atoms (a dimension
     * with one rank) cost no message, so they take the wide faces: a grid
     * 1 x 1 x 2 then sends 2 r a b rho ghosts a step, not 2 r (a + 2r)(b +
     * 2r) rho. Any order finds every edge and corner ghost. */
    int order[3], no = 0;
    for (int d = 0; d < 3; d++)
        if (dc->grid[d] > 1)
            order[no++] = d;
    for (int d = 0; d < 3; d++)
        if (dc->grid[d] == 1)
            order[no++] = d;

    for (int od = 0; od < 3; od++) {
        const int d = order[od];
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
                ghost_rec *buf = sbuf_room(h, (size_t)s->nsend * sizeof *buf);
                for (int k = 0; k < s->nsend; k++) {
                    int i = s->sendlist[k];
                    shifted(b, d, s->image_shift, a->x[i], buf[k].x);
                    buf[k].id = a->id[i];
                    buf[k].mask = a->mask[i];
                    buf[k].type = a->type[i];
                }
                const void *inv;
                size_t nbytes = swap_message(h, s, 0, (size_t)s->nsend * sizeof *buf, SIZE_MAX, &inv);
                const ghost_rec *in = inv;
                int nrecv = (int)(nbytes / sizeof *in);
                s->firstrecv = a->nlocal + a->nghost;
                s->nrecv = nrecv;
                atoms_reserve(a, s->firstrecv + nrecv);
                for (int k = 0; k < nrecv; k++) {
                    int j = s->firstrecv + k;
                    memcpy(a->x[j], in[k].x, sizeof a->x[j]);
                    a->id[j] = in[k].id;
                    a->mask[j] = in[k].mask;
                    a->type[j] = (int)in[k].type;
                }
                a->nghost += nrecv;
                prev_first[dir] = s->firstrecv;
                prev_n[dir] = nrecv;
            }
        }
    }
}
