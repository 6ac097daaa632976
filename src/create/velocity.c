/* Velocities of a group (create.h): created from counter-based Gaussian
 * numbers keyed by (seed, atom id), set, scaled, or stripped of their
 * centre-of-mass motion. Momentum and temperature sums are reproducible
 * (parallel/repro.h), so the result is bitwise the same on any number of
 * ranks. Communication: those sums. */
#include "core/error.h"
#include "core/rng.h"
#include "core/units.h"
#include "create/create.h"
#include "parallel/repro.h"

#include <math.h>
#include <stdlib.h>

/* Does velocity code act on atom i of group bit (and not held)? */
static inline int acts(const md *s, int i, uint64_t bit)
{
    return (s->atoms.mask[i] & bit) && !(s->atoms.mask[i] & s->held);
}

void velocity_zero_momentum(md *s, int g)
{
    atoms *a = &s->atoms;
    const uint64_t bit = group_bit(g);
    double *p = mg_malloc((size_t)(a->nlocal + 1) * 4 * sizeof(double));
    for (int i = 0; i < a->nlocal; i++) {
        double m = acts(s, i, bit) ? atoms_mass(a, i) : 0.0;
        p[4 * i] = m * a->v[i][0];
        p[4 * i + 1] = m * a->v[i][1];
        p[4 * i + 2] = m * a->v[i][2];
        p[4 * i + 3] = m;
    }
    double tot[4];
    repro_sum(p, a->nlocal, 4, 4, tot);
    free(p);
    if (tot[3] <= 0)
        return;
    for (int i = 0; i < a->nlocal; i++)
        if (acts(s, i, bit))
            for (int d = 0; d < 3; d++)
                a->v[i][d] -= tot[d] / tot[3];
}

/* The group's sum m v^2 (reproducible), in (g/mol) (A/ps)^2. */
static double sum_mv2(const md *s, uint64_t bit)
{
    const atoms *a = &s->atoms;
    double *mv2 = mg_malloc((size_t)(a->nlocal + 1) * sizeof(double));
    for (int i = 0; i < a->nlocal; i++) {
        const double *v = a->v[i];
        mv2[i] = acts(s, i, bit) ? atoms_mass(a, i) * (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]) : 0.0;
    }
    double sum;
    repro_sum(mv2, a->nlocal, 1, 1, &sum);
    free(mv2);
    return sum;
}

static void scale_to(md *s, uint64_t bit, double T, double tcur)
{
    atoms *a = &s->atoms;
    double scale = tcur > 0 ? sqrt(T / tcur) : 0.0;
    for (int i = 0; i < a->nlocal; i++)
        if (acts(s, i, bit))
            for (int d = 0; d < 3; d++)
                a->v[i][d] *= scale;
}

void velocity_create(md *s, int g, double T, uint64_t seed)
{
    atoms *a = &s->atoms;
    const uint64_t bit = group_bit(g);
    for (int i = 0; i < a->nlocal; i++) {
        if (!acts(s, i, bit))
            continue;
        double r[4];
        rng_normal2(seed, (uint64_t)a->id[i], RNG_VELOCITY, 0, r);
        rng_normal2(seed, (uint64_t)a->id[i], RNG_VELOCITY, 1, r + 2);
        double sigma = sqrt(MG_BOLTZ * (T > 0 ? T : 1.0) / (atoms_mass(a, i) * MG_MVV2E));
        for (int d = 0; d < 3; d++)
            a->v[i][d] = sigma * r[d];
    }
    velocity_zero_momentum(s, g);
    double dof = md_group_dof(s, g);
    double sum = sum_mv2(s, bit);
    double tcur = dof > 0 ? sum * MG_MVV2E / (dof * MG_BOLTZ) : 0.0;
    scale_to(s, bit, T, tcur);
}

void velocity_set(md *s, int g, const double v[3], const int set[3], int sum)
{
    atoms *a = &s->atoms;
    const uint64_t bit = group_bit(g);
    for (int i = 0; i < a->nlocal; i++)
        if (acts(s, i, bit))
            for (int d = 0; d < 3; d++)
                if (set[d])
                    a->v[i][d] = sum ? a->v[i][d] + v[d] : v[d];
}

int velocity_scale(md *s, int g, double T)
{
    const uint64_t bit = group_bit(g);
    double dof = md_group_dof(s, g);
    double tcur = dof > 0 ? sum_mv2(s, bit) * MG_MVV2E / (dof * MG_BOLTZ) : 0.0;
    if (!(tcur > 0))
        return -1;
    scale_to(s, bit, T, tcur);
    return 0;
}
