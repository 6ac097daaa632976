/* The communication constants of the weak-scaling model (bench/weak-scaling,
 * docs/performance.md "Scaling"), measured on the ranks it is started on:
 *
 *   latency    alpha: half the round trip of an 8-byte MPI_Sendrecv between
 *              ranks 0 and 1 (us), the cost of one halo message
 *   bandwidth  1/beta: a 4 MB message each way (GB/s)
 *   allreduce  one MPI_Allreduce of 3 doubles over all ranks (us)
 *
 * Each is the median of R repetitions after a warm-up. Needs >= 2 ranks.
 * Prints one "key value" line each, for the script to parse. Build:
 * mpicc -O2 bench/comm-probe.c -o comm-probe. */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return v[n / 2];
}

/* Ranks 0 and 1 swap `bytes` each way `reps` times; the others wait. */
static double swap_time(char *s, char *r, int bytes, int reps, int rank)
{
    MPI_Barrier(MPI_COMM_WORLD);
    double t0 = MPI_Wtime();
    if (rank < 2)
        for (int k = 0; k < reps; k++)
            MPI_Sendrecv(s, bytes, MPI_BYTE, 1 - rank, 1, r, bytes, MPI_BYTE, 1 - rank, 1, MPI_COMM_WORLD,
                         MPI_STATUS_IGNORE);
    return (MPI_Wtime() - t0) / reps;
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (size < 2) {
        if (rank == 0)
            fprintf(stderr, "comm-probe: needs at least 2 ranks\n");
        MPI_Finalize();
        return 1;
    }
    enum { R = 15, BIG = 4 << 20 };
    char *s = calloc(BIG, 1), *r = calloc(BIG, 1);
    double lat[R], bw[R], red[R];
    swap_time(s, r, 8, 1000, rank); /* warm-up */
    swap_time(s, r, BIG, 3, rank);
    for (int k = 0; k < R; k++) {
        lat[k] = swap_time(s, r, 8, 2000, rank);
        bw[k] = swap_time(s, r, BIG, 5, rank);
        double in[3] = {rank, 1, 2}, out[3];
        MPI_Barrier(MPI_COMM_WORLD);
        double t0 = MPI_Wtime();
        for (int q = 0; q < 2000; q++)
            MPI_Allreduce(in, out, 3, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
        red[k] = (MPI_Wtime() - t0) / 2000;
    }
    /* A Sendrecv is one message each way at once: its time is one latency
     * (not a round trip) plus the bytes over the bandwidth. */
    if (rank == 0) {
        printf("ranks %d\n", size);
        printf("latency_us %.4g\n", 1e6 * median(lat, R));
        printf("bandwidth_GBps %.4g\n", BIG / median(bw, R) * 1e-9);
        printf("allreduce_us %.4g\n", 1e6 * median(red, R));
    }
    free(s);
    free(r);
    MPI_Finalize();
    return 0;
}
