/* The EAM pair loops in SIMD (AVX2: 4 lanes, AVX-512: 8 lanes) for x86-64
 * with GCC; eam.h's eam_kernel contract, the same arithmetic as eam.c's
 * scalar density_range and pair_forces. Each lane evaluates one pair with
 * the scalar expressions operation for operation (separate multiplies and
 * adds: ISO C mode contracts nothing, here or in the scalar code), so every
 * pair's terms are bit for bit the scalar ones; what changes is the order
 * in which one atom's sums are added (per lane, then across lanes), a
 * round-off of order 1e-16 relative. Neighbour positions, types, F' and
 * table rows are gathered; a neighbour's share (rho_j, f_j) goes to scratch
 * and a scalar loop adds it, so lanes never store to the same atom. A range
 * not a multiple of the width is finished by one vector whose spare lanes
 * repeat the range's first pair and are zeroed before any sum.
 *
 * Both widths come from one template, eam_simd_kernel.h, compiled under
 * `#pragma GCC target` for each instruction set; which one runs is decided
 * at run time from the CPU (__builtin_cpu_supports), so a portable build
 * (no -march=native) gets the vector loops wherever the CPU has them. */
#include "potential/eam.h"

#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define EAM_HAVE_SIMD 1
#include <immintrin.h>

/* ---- AVX2: 4 doubles, int32 lanes in an __m128i -------------------------- */
#pragma GCC push_options
#pragma GCC target("avx2")
#define VW 4
#define FN(name) avx2_##name
typedef __m256d vd;
typedef __m128i vi;
#define VSET1(x) _mm256_set1_pd(x)
#define VZERO() _mm256_setzero_pd()
#define VADD _mm256_add_pd
#define VSUB _mm256_sub_pd
#define VMUL _mm256_mul_pd
#define VDIV _mm256_div_pd
#define VSQRT _mm256_sqrt_pd
#define VMIN _mm256_min_pd
#define VNEG(v) _mm256_xor_pd(v, _mm256_set1_pd(-0.0))
#define VLOADU _mm256_loadu_pd
#define VSTOREU _mm256_storeu_pd
#define ISTOREU(p, v) _mm_storeu_si128((__m128i *)(p), v)
#define ISET1 _mm_set1_epi32
#define IADD _mm_add_epi32
#define ISUB _mm_sub_epi32
#define IMUL _mm_mullo_epi32
#define IMIN _mm_min_epi32
#define VCVTT _mm256_cvttpd_epi32
#define VCVT _mm256_cvtepi32_pd
#define VLTMASK(a, b) ((unsigned)_mm256_movemask_pd(_mm256_cmp_pd(a, b, _CMP_LT_OQ)))
#define VHSUM avx2_hsum

static inline vd avx2_keep(vd v, int nv)
{
    /* Lanes 0..nv-1 kept, the rest zero. */
    const __m256i lane = _mm256_set_epi64x(3, 2, 1, 0);
    __m256i m = _mm256_cmpgt_epi64(_mm256_set1_epi64x(nv), lane);
    return _mm256_and_pd(v, _mm256_castsi256_pd(m));
}
#define VKEEP avx2_keep

static inline double avx2_hsum(vd v)
{
    __m128d lo = _mm256_castpd256_pd128(v), hi = _mm256_extractf128_pd(v, 1);
    lo = _mm_add_pd(lo, hi);
    return _mm_cvtsd_f64(_mm_add_sd(lo, _mm_unpackhi_pd(lo, lo)));
}

/* Rows r0..r3 of 4 doubles -> columns c0..c3. */
static inline void avx2_transpose4(vd r0, vd r1, vd r2, vd r3, vd *c)
{
    vd t0 = _mm256_unpacklo_pd(r0, r1), t1 = _mm256_unpackhi_pd(r0, r1);
    vd t2 = _mm256_unpacklo_pd(r2, r3), t3 = _mm256_unpackhi_pd(r2, r3);
    c[0] = _mm256_permute2f128_pd(t0, t2, 0x20);
    c[1] = _mm256_permute2f128_pd(t1, t3, 0x20);
    c[2] = _mm256_permute2f128_pd(t0, t2, 0x31);
    c[3] = _mm256_permute2f128_pd(t1, t3, 0x31);
}

static inline void avx2_load_rec(const double (*rec)[4], const int *j, vd *x, vd *y, vd *z, vd *w)
{
    vd c[4];
    avx2_transpose4(_mm256_loadu_pd(rec[j[0]]), _mm256_loadu_pd(rec[j[1]]), _mm256_loadu_pd(rec[j[2]]),
                    _mm256_loadu_pd(rec[j[3]]), c);
    *x = c[0], *y = c[1], *z = c[2], *w = c[3];
}

static inline void avx2_load_cols(const double *table, int width, const int *row, vd *c)
{
    const double *p0 = table + (size_t)width * (size_t)row[0], *p1 = table + (size_t)width * (size_t)row[1],
                 *p2 = table + (size_t)width * (size_t)row[2], *p3 = table + (size_t)width * (size_t)row[3];
    avx2_transpose4(_mm256_loadu_pd(p0), _mm256_loadu_pd(p1), _mm256_loadu_pd(p2), _mm256_loadu_pd(p3), c);
    avx2_transpose4(_mm256_loadu_pd(p0 + 4), _mm256_loadu_pd(p1 + 4), _mm256_loadu_pd(p2 + 4),
                    _mm256_loadu_pd(p3 + 4), c + 4);
}

/* cutsq_i[t] lane by lane (t: types as doubles). */
static inline vd avx2_cut_of(const double *cutsq_i, int ntypes, vd t)
{
    (void)ntypes;
    return _mm256_i32gather_pd(cutsq_i, _mm256_cvttpd_epi32(t), 8);
}

static inline int avx2_pack(unsigned keep, const int *jj, vd rsq, vd t, int *out, double *srsq, double *stype,
                            int nout)
{
    double r2[4], tt[4];
    _mm256_storeu_pd(r2, rsq);
    _mm256_storeu_pd(tt, t);
    while (keep) {
        int l = __builtin_ctz(keep);
        keep &= keep - 1;
        out[nout] = jj[l];
        srsq[nout] = r2[l];
        stype[nout++] = tt[l];
    }
    return nout;
}
#include "potential/eam_simd_kernel.h"
#pragma GCC pop_options

/* ---- AVX-512: 8 doubles, int32 lanes in an __m256i ------------------------ */
#pragma GCC push_options
#pragma GCC target("avx512f,avx512vl,avx512dq,avx2")
#define VW 8
#define FN(name) avx512_##name
typedef __m512d vd8;
typedef __m256i vi8;
#define vd vd8
#define vi vi8
#define VSET1(x) _mm512_set1_pd(x)
#define VZERO() _mm512_setzero_pd()
#define VADD _mm512_add_pd
#define VSUB _mm512_sub_pd
#define VMUL _mm512_mul_pd
#define VDIV _mm512_div_pd
#define VSQRT _mm512_sqrt_pd
#define VMIN _mm512_min_pd
#define VNEG(v) _mm512_xor_pd(v, _mm512_set1_pd(-0.0))
#define VLOADU _mm512_loadu_pd
#define VSTOREU _mm512_storeu_pd
#define ISTOREU(p, v) _mm256_storeu_si256((__m256i *)(p), v)
#define ISET1 _mm256_set1_epi32
#define IADD _mm256_add_epi32
#define ISUB _mm256_sub_epi32
#define IMUL _mm256_mullo_epi32
#define IMIN _mm256_min_epi32
#define VCVTT _mm512_cvttpd_epi32
#define VCVT _mm512_cvtepi32_pd
#define VLTMASK(a, b) ((unsigned)_mm512_cmp_pd_mask(a, b, _CMP_LT_OQ))
#define VKEEP(v, nv) _mm512_maskz_mov_pd((__mmask8)((1u << (nv)) - 1u), v)
#define VHSUM _mm512_reduce_add_pd

/* Rows r[0..7] of 8 doubles -> columns c[0..7]: pairs interleaved, then
 * 128-bit pairs, then 256-bit halves (24 shuffles, no gather: gathers are
 * several times slower per element on recent Intel parts). */
static inline void avx512_transpose8(const vd *r, vd *c)
{
    const __m512i lo = _mm512_set_epi64(13, 12, 5, 4, 9, 8, 1, 0);
    const __m512i hi = _mm512_set_epi64(15, 14, 7, 6, 11, 10, 3, 2);
    vd t[8], u[8];
    for (int q = 0; q < 4; q++) {
        t[2 * q] = _mm512_unpacklo_pd(r[2 * q], r[2 * q + 1]);
        t[2 * q + 1] = _mm512_unpackhi_pd(r[2 * q], r[2 * q + 1]);
    }
    /* u[0]: elements 0 and 4 of rows 0-3; u[1]: 1 and 5; u[2]: 2, 6; u[3]: 3, 7; u[4..7] rows 4-7. */
    for (int h = 0; h < 2; h++) {
        u[4 * h + 0] = _mm512_permutex2var_pd(t[4 * h + 0], lo, t[4 * h + 2]);
        u[4 * h + 1] = _mm512_permutex2var_pd(t[4 * h + 1], lo, t[4 * h + 3]);
        u[4 * h + 2] = _mm512_permutex2var_pd(t[4 * h + 0], hi, t[4 * h + 2]);
        u[4 * h + 3] = _mm512_permutex2var_pd(t[4 * h + 1], hi, t[4 * h + 3]);
    }
    for (int q = 0; q < 4; q++) {
        c[q] = _mm512_shuffle_f64x2(u[q], u[q + 4], 0x44);
        c[q + 4] = _mm512_shuffle_f64x2(u[q], u[q + 4], 0xEE);
    }
}

static inline void avx512_load_rec(const double (*rec)[4], const int *j, vd *x, vd *y, vd *z, vd *w)
{
    /* Rows l and l+4 share a register: [x y z w]_l | [x y z w]_l+4. */
    vd q[4];
    for (int l = 0; l < 4; l++)
        q[l] = _mm512_insertf64x4(_mm512_castpd256_pd512(_mm256_loadu_pd(rec[j[l]])),
                                  _mm256_loadu_pd(rec[j[l + 4]]), 1);
    vd t0 = _mm512_unpacklo_pd(q[0], q[1]), t1 = _mm512_unpackhi_pd(q[0], q[1]);
    vd t2 = _mm512_unpacklo_pd(q[2], q[3]), t3 = _mm512_unpackhi_pd(q[2], q[3]);
    const __m512i lo = _mm512_set_epi64(13, 12, 5, 4, 9, 8, 1, 0);
    const __m512i hi = _mm512_set_epi64(15, 14, 7, 6, 11, 10, 3, 2);
    *x = _mm512_permutex2var_pd(t0, lo, t2);
    *y = _mm512_permutex2var_pd(t1, lo, t3);
    *z = _mm512_permutex2var_pd(t0, hi, t2);
    *w = _mm512_permutex2var_pd(t1, hi, t3);
}

static inline void avx512_load_cols(const double *table, int width, const int *row, vd *c)
{
    vd r[8];
    for (int l = 0; l < 8; l++)
        r[l] = _mm512_loadu_pd(table + (size_t)width * (size_t)row[l]);
    avx512_transpose8(r, c);
}

static inline vd avx512_cut_of(const double *cutsq_i, int ntypes, vd t)
{
    __m256i ti = _mm512_cvttpd_epi32(t);
    if (ntypes < 8) /* the row fits one register: a permutation, not a gather */
        return _mm512_permutexvar_pd(_mm512_cvtepi32_epi64(ti),
                                     _mm512_maskz_loadu_pd((__mmask8)((1u << (ntypes + 1)) - 1u), cutsq_i));
    return _mm512_i32gather_pd(ti, cutsq_i, 8);
}

/* The kept lanes compressed in registers and stored whole (the arrays
 * have room past their ends; the spare entries are overwritten later). */
static inline int avx512_pack(unsigned keep, const int *jj, vd rsq, vd t, int *out, double *srsq, double *stype,
                              int nout)
{
    __mmask8 k = (__mmask8)keep;
    _mm512_storeu_pd(srsq + nout, _mm512_maskz_compress_pd(k, rsq));
    _mm512_storeu_pd(stype + nout, _mm512_maskz_compress_pd(k, t));
    _mm256_storeu_si256((__m256i *)(out + nout),
                        _mm256_maskz_compress_epi32(k, _mm256_loadu_si256((const __m256i *)jj)));
    return nout + __builtin_popcount(keep);
}
#include "potential/eam_simd_kernel.h"
#undef vd
#undef vi
#pragma GCC pop_options
#endif

const eam_kernel *eam_simd_kernel(const char *name)
{
#ifdef EAM_HAVE_SIMD
    static const eam_kernel k512 = {
        "avx512", 1,
        {avx512_density_ghost, avx512_density_owned},
        {{avx512_pairs_ghost, avx512_pairs_ghost_e}, {avx512_pairs_owned, avx512_pairs_owned_e}},
    };
    static const eam_kernel k2 = {
        "avx2", 1,
        {avx2_density_ghost, avx2_density_owned},
        {{avx2_pairs_ghost, avx2_pairs_ghost_e}, {avx2_pairs_owned, avx2_pairs_owned_e}},
    };
    __builtin_cpu_init();
    int has512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
                 __builtin_cpu_supports("avx512dq");
    int has2 = __builtin_cpu_supports("avx2");
    if (!name)
        return has512 ? &k512 : has2 ? &k2 : NULL;
    if (strcmp(name, "avx512") == 0)
        return has512 ? &k512 : NULL;
    if (strcmp(name, "avx2") == 0)
        return has2 ? &k2 : NULL;
#else
    (void)name;
#endif
    return NULL;
}
