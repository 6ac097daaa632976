/* parallel.c is the only file that calls MPI.
 *
 * Everything else talks to the other ranks through these wrappers: global
 * reductions, broadcasts from one rank, and the paired send/receive the halo
 * exchange and migration use. Ranks are those of MPI_COMM_WORLD; the 3-D
 * grid of sub-domains is computed by decomp.c and only needs the neighbour
 * ranks, so no Cartesian communicator is kept. */
#ifndef MGMD_PARALLEL_H
#define MGMD_PARALLEL_H

#include <stddef.h>
#include <stdint.h>

/* What this rank has sent since start-up: point-to-point messages to other
 * ranks and their bytes, and collectives (reductions, scans, broadcasts;
 * none are counted on one rank) with the bytes this rank contributed.
 * Differences of two readings give a run's traffic. */
typedef struct par_traffic {
    int64_t messages, bytes;
    int64_t collectives, collective_bytes;
} par_traffic;
par_traffic par_traffic_now(void);

void par_init(int *argc, char ***argv);
void par_finalize(void);
_Noreturn void par_abort(int code);
int par_rank(void);
int par_size(void);
double par_wtime(void);
void par_barrier(void);

int par_min_int(int v);
int par_max_int(int v);
int par_sum_int(int v);
int64_t par_sum_i64(int64_t v);
int64_t par_max_i64(int64_t v);
double par_sum_double(double v);
double par_max_double(double v);
double par_min_double(double v);
void par_sum_doubles(const double *in, double *out, int n);
void par_max_doubles(const double *in, double *out, int n);
void par_min_doubles(const double *in, double *out, int n);
void par_sum_i64s(const int64_t *in, int64_t *out, int n);
/* Exclusive prefix sum over ranks (rank 0 gets 0). */
int64_t par_exscan_i64(int64_t v);

void par_bcast_bytes(void *buf, size_t n, int root);
void par_bcast_doubles(double *buf, size_t n, int root);
void par_bcast_ints(int *buf, size_t n, int root);

/* Send nsend bytes to dest while receiving from src into *recv (grown with
 * realloc as needed, capacity in *cap); returns the bytes received. dest or
 * src may be this rank. */
size_t par_sendrecv(const void *send, size_t nsend, int dest,
                    void **recv, size_t *cap, int src);

/* The same when the receiver knows the size: one message instead of two
 * (the halo's per-step payloads, whose counts are fixed between
 * re-neighbourings). recv must hold nrecv bytes; a longer message is an MPI
 * error (truncation), a shorter one shows in the returned byte count. */
size_t par_sendrecv_sized(const void *send, size_t nsend, int dest, void *recv, size_t nrecv, int src);

/* One step of a ring pass: send the nbytes in *blk to the next rank while
 * receiving the previous rank's block into *spare (grown as needed), then
 * swap the two buffers and their capacities; returns the bytes now in
 * *blk. P - 1 steps show every rank every block. */
size_t par_ring_shift(void **blk, size_t *cap_blk, size_t nbytes, void **spare, size_t *cap_spare);

/* Point-to-point for output funnels: rank r sends its block to root, root
 * receives it (size discovered by probing). */
void par_send(const void *buf, size_t n, int dest);
size_t par_recv(void **buf, size_t *cap, int src);

#endif
