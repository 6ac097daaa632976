/* Counter-based random numbers: Philox4x32-10 (Salmon, Moraes, Dror & Shaw,
 * "Parallel random numbers: as easy as 1, 2, 3", SC'11).
 *
 * A random number is a pure function of (seed, atom id, stream, index), so a
 * result never depends on which rank owns an atom or in which order atoms
 * are visited: velocities created on 1 or 8 ranks are identical. */
#ifndef MGMD_RNG_H
#define MGMD_RNG_H

#include <stdint.h>

/* Four 32-bit words for counter (a, b, c, d) under key (seed). */
void rng_philox(uint64_t seed, uint64_t a, uint32_t c, uint32_t d, uint32_t out[4]);
/* Two uniform doubles in (0,1) with 53 random bits each. */
void rng_uniform2(uint64_t seed, uint64_t id, uint32_t stream, uint32_t index, double u[2]);
/* Two independent standard normal deviates (Box-Muller). */
void rng_normal2(uint64_t seed, uint64_t id, uint32_t stream, uint32_t index, double g[2]);

/* Streams: one per use, so two uses with the same seed never correlate. */
enum rng_stream {
    RNG_VELOCITY = 1,
    RNG_ALLOY_SPECIES = 2,
    RNG_ALLOY_POSITION = 3,
    RNG_LANGEVIN = 4,
    RNG_DISPLACE = 5,
};

#endif
