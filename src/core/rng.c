/* Philox4x32-10 (rng.h): ten rounds of the paper's round function (two
 * 32x32->64-bit multiplies, high halves xored with the other words and the
 * key), the key bumped by the Weyl constants after each round. Counter:
 * atom id (low, high word), stream, index; key: the 64-bit seed. Uniforms
 * take 53 bits from two words: u = (bits + 0.5) 2^-53 is never 0, so log()
 * is finite (the largest rounds to exactly 1.0: harmless, r = 0). Normals:
 * Box-Muller (Box & Muller, Ann. Math. Stat. 29, 610 (1958)) on one call's
 * two uniforms. Pure functions, no state. No communication. */
#include "core/rng.h"

#include <math.h>

/* Multipliers and Weyl increments from the Philox paper. */
#define PHILOX_M0 0xD2511F53u
#define PHILOX_M1 0xCD9E8D57u
#define PHILOX_W0 0x9E3779B9u
#define PHILOX_W1 0xBB67AE85u

static inline void mulhilo(uint32_t a, uint32_t b, uint32_t *hi, uint32_t *lo)
{
    uint64_t p = (uint64_t)a * b;
    *hi = (uint32_t)(p >> 32);
    *lo = (uint32_t)p;
}

void rng_philox(uint64_t seed, uint64_t a, uint32_t c, uint32_t d, uint32_t out[4])
{
    uint32_t x0 = (uint32_t)a, x1 = (uint32_t)(a >> 32), x2 = c, x3 = d;
    uint32_t k0 = (uint32_t)seed, k1 = (uint32_t)(seed >> 32);
    for (int r = 0; r < 10; r++) {
        uint32_t hi0, lo0, hi1, lo1;
        mulhilo(PHILOX_M0, x0, &hi0, &lo0);
        mulhilo(PHILOX_M1, x2, &hi1, &lo1);
        uint32_t y0 = hi1 ^ x1 ^ k0, y1 = lo1, y2 = hi0 ^ x3 ^ k1, y3 = lo0;
        x0 = y0; x1 = y1; x2 = y2; x3 = y3;
        k0 += PHILOX_W0;
        k1 += PHILOX_W1;
    }
    out[0] = x0; out[1] = x1; out[2] = x2; out[3] = x3;
}

void rng_uniform2(uint64_t seed, uint64_t id, uint32_t stream, uint32_t index, double u[2])
{
    uint32_t w[4];
    rng_philox(seed, id, stream, index, w);
    for (int k = 0; k < 2; k++) {
        uint64_t bits = ((uint64_t)w[2 * k] << 21) ^ (w[2 * k + 1] >> 11); /* 53 bits */
        u[k] = ((double)bits + 0.5) * 0x1.0p-53;                          /* (0,1) */
    }
}

void rng_normal2(uint64_t seed, uint64_t id, uint32_t stream, uint32_t index, double g[2])
{
    double u[2];
    rng_uniform2(seed, id, stream, index, u);
    double r = sqrt(-2.0 * log(u[0]));
    double t = 2.0 * M_PI * u[1];
    g[0] = r * cos(t);
    g[1] = r * sin(t);
}
