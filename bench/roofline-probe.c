/* The machine's limits for the EAM roofline (bench/roofline): one core's
 * peak double-precision arithmetic and its memory bandwidth at each level
 * of the cache hierarchy, and the cost of the two ways a vector loop can
 * fetch scattered table rows (gather instructions against row loads plus a
 * transpose). Each figure is the best of several repetitions. Compiled by
 * bench/roofline with -O3 -march=native -mprefer-vector-width=512; prints `name value unit` lines.
 *
 *   fma    independent fused multiply-adds on 8 accumulators, the widest
 *          vectors the compiler has (-march=native): flops/cycle x clock
 *   triad  a[i] = b[i] + s c[i] over arrays sized for L1, L2, L3, DRAM:
 *          bytes moved (24 per element; write-allocate not counted)
 *   gather one 8-double gather of random rows in a 2 MB table, and eight
 *          64-byte row loads from the same table (ns per row)
 *   sqrt, div  throughput of AVX-512 square roots and divisions (ns per
 *          element): the two long-latency operations every EAM pair needs
 * The last four need AVX-512 (skipped without it).
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef __AVX512F__
#include <immintrin.h>
#endif

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

static volatile double sink;

#define W 8 /* doubles per accumulator block: the compiler vectorises across it */

static double fma_peak(void)
{
    double acc[8][W], m[W], c[W];
    for (int k = 0; k < W; k++) {
        m[k] = 1.0 + 1e-12 * k;
        c[k] = 1e-9;
        for (int a = 0; a < 8; a++)
            acc[a][k] = a + k;
    }
    long n = 20000000;
    double best = 0;
    for (int rep = 0; rep < 3; rep++) {
        double t0 = now();
        for (long it = 0; it < n; it++)
            for (int a = 0; a < 8; a++)
                for (int k = 0; k < W; k++)
                    acc[a][k] = acc[a][k] * m[k] + c[k];
        double t = now() - t0;
        double flops = 2.0 * 8 * W * n / t;
        best = flops > best ? flops : best;
    }
    double s = 0;
    for (int a = 0; a < 8; a++)
        for (int k = 0; k < W; k++)
            s += acc[a][k];
    sink = s;
    return best;
}

static double triad(size_t bytes)
{
    size_t n = bytes / 24;
    double *a = aligned_alloc(64, n * 8 + 64), *b = aligned_alloc(64, n * 8 + 64), *c = aligned_alloc(64, n * 8 + 64);
    for (size_t i = 0; i < n; i++) {
        a[i] = 0;
        b[i] = i;
        c[i] = 1.0 / (i + 1);
    }
    long reps = (long)(4e9 / (double)bytes) + 1;
    double best = 0;
    for (int r = 0; r < 5; r++) {
        double t0 = now();
        for (long k = 0; k < reps; k++) {
            for (size_t i = 0; i < n; i++)
                a[i] = b[i] + 1.0000001 * c[i];
            __asm__ volatile("" ::: "memory");
        }
        double t = now() - t0;
        double bw = 24.0 * n * reps / t;
        best = bw > best ? bw : best;
    }
    sink = a[n / 2];
    free(a);
    free(b);
    free(c);
    return best;
}

#ifdef __AVX512F__
static double elementwise(int which)
{
    /* which 0: sqrt, 1: divide, on 8 independent chains of 8-lane vectors
     * (throughput, not latency: a chain's next operation waits for its last). */
    __m512d x[8];
    for (int a = 0; a < 8; a++)
        x[a] = _mm512_set1_pd(2.0 + a);
    const __m512d one = _mm512_set1_pd(1.0), three = _mm512_set1_pd(3.0);
    long n = 2000000;
    double best = 1e30;
    for (int rep = 0; rep < 3; rep++) {
        double t0 = now();
        for (long it = 0; it < n; it++)
            for (int a = 0; a < 8; a++)
                x[a] = which == 0 ? _mm512_add_pd(_mm512_sqrt_pd(x[a]), one)
                                  : _mm512_add_pd(_mm512_div_pd(three, x[a]), one);
        double t = (now() - t0) / (64.0 * n);
        best = t < best ? t : best;
    }
    __m512d s = x[0];
    for (int a = 1; a < 8; a++)
        s = _mm512_add_pd(s, x[a]);
    sink = _mm512_reduce_add_pd(s);
    return best;
}

static void gather_vs_rows(double *ns_gather, double *ns_rows)
{
    size_t nrow = (2u << 20) / 64; /* 2 MB of 64-byte rows */
    double *tab = aligned_alloc(64, nrow * 64);
    for (size_t i = 0; i < nrow * 8; i++)
        tab[i] = 1e-9 * i;
    int nidx = 1 << 14;
    int *row = malloc(nidx * sizeof *row);
    srand(7);
    for (int i = 0; i < nidx; i++)
        row[i] = rand() % (int)nrow;
    long reps = 400;
    double bg = 1e30, br = 1e30;
    for (int rep = 0; rep < 3; rep++) {
        __m512d s = _mm512_setzero_pd();
        double t0 = now();
        for (long r = 0; r < reps; r++)
            for (int i = 0; i < nidx; i += 8) {
                __m256i v = _mm256_slli_epi32(_mm256_loadu_si256((const __m256i *)(row + i)), 3);
                for (int q = 0; q < 8; q++) /* the eight columns of the eight rows */
                    s = _mm512_add_pd(s, _mm512_i32gather_pd(v, tab + q, 8));
            }
        double t = (now() - t0) / ((double)reps * nidx);
        bg = t < bg ? t : bg;
        sink = _mm512_reduce_add_pd(s);
        s = _mm512_setzero_pd();
        t0 = now();
        for (long r = 0; r < reps; r++)
            for (int i = 0; i < nidx; i++)
                s = _mm512_add_pd(s, _mm512_load_pd(tab + 8 * (size_t)row[i]));
        t = (now() - t0) / ((double)reps * nidx);
        br = t < br ? t : br;
        sink = _mm512_reduce_add_pd(s);
    }
    *ns_gather = 1e9 * bg;
    *ns_rows = 1e9 * br;
    free(tab);
    free(row);
}
#endif

int main(void)
{
    printf("fma %.4g Gflop/s\n", 1e-9 * fma_peak());
    const struct {
        const char *name;
        size_t bytes;
    } lv[] = {{"L1", 24u << 10}, {"L2", 768u << 10}, {"L3", 24u << 20}, {"DRAM", 1536u << 20}};
    for (int k = 0; k < 4; k++)
        printf("triad_%s %.4g GB/s (%zu KiB)\n", lv[k].name, 1e-9 * triad(lv[k].bytes), lv[k].bytes >> 10);
#ifdef __AVX512F__
    printf("sqrt %.4g ns/element (AVX-512)\n", 1e9 * elementwise(0));
    printf("div %.4g ns/element (AVX-512)\n", 1e9 * elementwise(1));
    double g, r;
    gather_vs_rows(&g, &r);
    printf("gather_row %.4g ns/row (8 gathers of 8 lanes per 8 rows)\n", g);
    printf("load_row %.4g ns/row (one 64-byte load)\n", r);
#endif
    return 0;
}
