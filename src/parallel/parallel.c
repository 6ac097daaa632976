/* The MPI wrapper (parallel.h): the only file in mgmd that calls MPI, on
 * MPI_COMM_WORLD. Reductions, broadcasts in chunks below INT_MAX bytes,
 * paired send/receive with sizes exchanged first (so receivers can size
 * their buffers) or known in advance (the halo's per-step payloads), and the
 * point-to-point messages of output funnels. A failed allocation for a
 * message aborts the job (one-rank route). Every call is counted (messages
 * and bytes this rank sends, collectives and their bytes) for the run
 * summary's communication line and the scaling model in
 * docs/performance.md. */
#include "parallel/parallel.h"

#include <limits.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

/* Under LeakSanitizer (the sanitizer build, docs/testing.md): Open MPI keeps
 * thousands of blocks from MPI_Init to the process's end on purpose, and
 * matching each against tests/lsan.supp at exit cost every process ~1.5 s.
 * Blocks allocated while LeakSanitizer is disabled are never reported, so
 * MPI_Init and MPI_Finalize run with it off; mgmd's own allocations (made
 * outside them) are checked as before, and the suppressions stay for the
 * few blocks Open MPI allocates later (connections made on first use). */
#if defined(__has_feature) /* clang */
#if __has_feature(address_sanitizer)
#define MGMD_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(MGMD_ASAN) /* gcc, clang */
#include <sanitizer/lsan_interface.h>
#define LEAK_CHECKS_OFF() __lsan_disable()
#define LEAK_CHECKS_ON() __lsan_enable()
#else
#define LEAK_CHECKS_OFF() ((void)0)
#define LEAK_CHECKS_ON() ((void)0)
#endif

static int g_rank, g_size;
static par_traffic g_traffic;

par_traffic par_traffic_now(void) { return g_traffic; }

static void count_message(int dest, size_t bytes)
{
    if (dest >= 0 && dest != MPI_PROC_NULL && dest != g_rank) {
        g_traffic.messages++;
        g_traffic.bytes += (int64_t)bytes;
    }
}

static void count_collective(size_t bytes)
{
    if (g_size > 1) {
        g_traffic.collectives++;
        g_traffic.collective_bytes += (int64_t)bytes;
    }
}

void par_init(int *argc, char ***argv)
{
    LEAK_CHECKS_OFF();
    MPI_Init(argc, argv);
    LEAK_CHECKS_ON();
    MPI_Comm_rank(MPI_COMM_WORLD, &g_rank);
    MPI_Comm_size(MPI_COMM_WORLD, &g_size);
}

void par_finalize(void)
{
    int init = 0, fin = 0;
    MPI_Initialized(&init);
    MPI_Finalized(&fin);
    if (init && !fin) {
        LEAK_CHECKS_OFF();
        MPI_Finalize();
        LEAK_CHECKS_ON();
    }
}

void par_abort(int code)
{
    int init = 0;
    MPI_Initialized(&init);
    if (init)
        MPI_Abort(MPI_COMM_WORLD, code);
    exit(code);
}

int par_rank(void) { return g_rank; }
int par_size(void) { return g_size > 0 ? g_size : 1; }
double par_wtime(void) { return MPI_Wtime(); }
void par_barrier(void) { MPI_Barrier(MPI_COMM_WORLD); }

#define REDUCE(T, MT, OP)                                                   \
    T out;                                                                  \
    count_collective(sizeof(T));                                            \
    MPI_Allreduce(&v, &out, 1, MT, OP, MPI_COMM_WORLD);                     \
    return out;

int par_min_int(int v) { REDUCE(int, MPI_INT, MPI_MIN) }
int par_max_int(int v) { REDUCE(int, MPI_INT, MPI_MAX) }
int par_sum_int(int v) { REDUCE(int, MPI_INT, MPI_SUM) }
int64_t par_sum_i64(int64_t v) { REDUCE(int64_t, MPI_INT64_T, MPI_SUM) }
int64_t par_max_i64(int64_t v) { REDUCE(int64_t, MPI_INT64_T, MPI_MAX) }
double par_sum_double(double v) { REDUCE(double, MPI_DOUBLE, MPI_SUM) }
double par_max_double(double v) { REDUCE(double, MPI_DOUBLE, MPI_MAX) }
double par_min_double(double v) { REDUCE(double, MPI_DOUBLE, MPI_MIN) }

void par_sum_doubles(const double *in, double *out, int n)
{
    count_collective((size_t)n * sizeof(double));
    MPI_Allreduce(in, out, n, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
}
void par_max_doubles(const double *in, double *out, int n)
{
    count_collective((size_t)n * sizeof(double));
    MPI_Allreduce(in, out, n, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
}
void par_min_doubles(const double *in, double *out, int n)
{
    count_collective((size_t)n * sizeof(double));
    MPI_Allreduce(in, out, n, MPI_DOUBLE, MPI_MIN, MPI_COMM_WORLD);
}

void par_sum_i64s(const int64_t *in, int64_t *out, int n)
{
    count_collective((size_t)n * sizeof(int64_t));
    MPI_Allreduce(in, out, n, MPI_INT64_T, MPI_SUM, MPI_COMM_WORLD);
}

int64_t par_exscan_i64(int64_t v)
{
    int64_t out = 0;
    count_collective(sizeof v);
    MPI_Exscan(&v, &out, 1, MPI_INT64_T, MPI_SUM, MPI_COMM_WORLD);
    return g_rank == 0 ? 0 : out;
}

/* Broadcasts in chunks below INT_MAX so huge tables cannot overflow counts. */
void par_bcast_bytes(void *buf, size_t n, int root)
{
    char *p = buf;
    while (n > 0) {
        int chunk = n > (size_t)(INT_MAX / 2) ? INT_MAX / 2 : (int)n;
        count_collective((size_t)chunk);
        MPI_Bcast(p, chunk, MPI_BYTE, root, MPI_COMM_WORLD);
        p += chunk;
        n -= (size_t)chunk;
    }
}
void par_bcast_doubles(double *buf, size_t n, int root)
{
    par_bcast_bytes(buf, n * sizeof(double), root);
}
void par_bcast_ints(int *buf, size_t n, int root)
{
    par_bcast_bytes(buf, n * sizeof(int), root);
}

static void grow(void **buf, size_t *cap, size_t need)
{
    if (need <= *cap)
        return;
    size_t c = *cap ? *cap : 4096;
    while (c < need)
        c *= 2;
    void *p = realloc(*buf, c);
    if (!p) {
        fprintf(stderr, "ERROR on rank %d: out of memory (%zu bytes) in communication\n", g_rank, c);
        MPI_Abort(MPI_COMM_WORLD, 3);
    }
    *buf = p;
    *cap = c;
}

/* Messages stay below INT_MAX bytes (MPI's counts are int): a halo that
 * large means ~100M ghost atoms on one rank. */
static void refuse_oversized(size_t nsend, size_t nrecv)
{
    if (nsend > INT_MAX || nrecv > INT_MAX) {
        fprintf(stderr, "ERROR on rank %d: halo message of %zu bytes is too large\n", g_rank,
                nsend > nrecv ? nsend : nrecv);
        MPI_Abort(MPI_COMM_WORLD, 3);
    }
}

size_t par_sendrecv(const void *send, size_t nsend, int dest,
                    void **recv, size_t *cap, int src)
{
    /* Sizes first, so the receiver can size its buffer. */
    long long ns = (long long)nsend, nr = 0;
    if (dest < 0) {
        dest = MPI_PROC_NULL;
        ns = 0;
    }
    if (src < 0)
        src = MPI_PROC_NULL;
    MPI_Sendrecv(&ns, 1, MPI_LONG_LONG, dest, 11, &nr, 1, MPI_LONG_LONG, src, 11,
                 MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    refuse_oversized((size_t)ns, (size_t)nr);
    grow(recv, cap, (size_t)nr);
    MPI_Sendrecv(send, (int)ns, MPI_BYTE, dest, 12, *recv, (int)nr, MPI_BYTE, src, 12,
                 MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    count_message(dest, sizeof ns);
    count_message(dest, (size_t)ns);
    return (size_t)nr;
}

size_t par_sendrecv_sized(const void *send, size_t nsend, int dest, void *recv, size_t nrecv, int src)
{
    refuse_oversized(nsend, nrecv);
    if (dest < 0) {
        dest = MPI_PROC_NULL;
        nsend = 0;
    }
    if (src < 0)
        src = MPI_PROC_NULL;
    MPI_Status st;
    MPI_Sendrecv(send, (int)nsend, MPI_BYTE, dest, 13, recv, (int)nrecv, MPI_BYTE, src, 13, MPI_COMM_WORLD, &st);
    count_message(dest, nsend);
    if (src == MPI_PROC_NULL)
        return 0;
    int got = 0;
    MPI_Get_count(&st, MPI_BYTE, &got);
    return (size_t)got;
}

size_t par_ring_shift(void **blk, size_t *cap_blk, size_t nbytes, void **spare, size_t *cap_spare)
{
    const int np = par_size(), me = par_rank();
    size_t got = par_sendrecv(*blk, nbytes, (me + 1) % np, spare, cap_spare, (me - 1 + np) % np);
    void *t = *blk;
    *blk = *spare;
    *spare = t;
    size_t c = *cap_blk;
    *cap_blk = *cap_spare;
    *cap_spare = c;
    return got;
}

void par_send(const void *buf, size_t n, int dest)
{
    count_message(dest, n);
    MPI_Send(buf, (int)n, MPI_BYTE, dest, 21, MPI_COMM_WORLD);
}

size_t par_recv(void **buf, size_t *cap, int src)
{
    MPI_Status st;
    int n = 0;
    MPI_Probe(src, 21, MPI_COMM_WORLD, &st);
    MPI_Get_count(&st, MPI_BYTE, &n);
    grow(buf, cap, (size_t)n);
    MPI_Recv(*buf, n, MPI_BYTE, src, 21, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    return (size_t)n;
}
