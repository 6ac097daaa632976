/* Langevin thermostat (entry "thermostat" of `ensemble langevin`).
 *
 * BAOAB splitting (Leimkuhler & Matthews, Appl. Math. Res. Express 2013,
 * 34): kick, half drift, an exact Ornstein-Uhlenbeck velocity update
 * v <- c1 v + c2 sigma g (c1 = exp(-dt/damp), c2 = sqrt(1 - c1^2),
 * sigma^2 = kT/m), half drift, kick. The O step sits in the middle of the
 * drift (hook mid_drift). Random numbers are keyed by (seed, atom id,
 * step): identical on any rank count. Acts on its group, less the atoms a
 * fix holds. Under a streaming flow with sllod (fix/deform.c,
 * fix/torsion.c) it acts on the peculiar velocity v - u(x) and, for the
 * affine flow of a deforming box, adds SLLOD's flow term. Its energy
 * for the conserved quantity is minus the heat it added. Communication:
 * one reduction per step (that heat). */
#include "core/error.h"
#include "core/rng.h"
#include "core/units.h"
#include "fix/ensemble.h"
#include "parallel/parallel.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

typedef struct langevin {
    schedule temp;                /* K                                        */
    double damp;                  /* ps                                       */
    uint64_t seed;
    double reservoir;             /* eV: heat the bath removed (added < 0)    */
    double t_target;              /* K                                        */
    int sllod;                    /* on the peculiar velocity (a flow)        */
} langevin;

static void begin_run(fix *f, md *s, const step_info *si)
{
    langevin *d = f->data;
    schedule_begin_run(&d->temp, si->start);
    d->t_target = fix_target(&d->temp, si);
}

static void setup(fix *f, md *s, const step_info *si) { thermostat_check_flow(((langevin *)f->data)->sllod, s); }

static void initial(fix *f, md *s, const step_info *si)
{
    langevin *d = f->data;
    d->t_target = fix_target(&d->temp, si);
}

/* The O step over dt; the clock still reads the step it starts from. */
static void o_step(fix *f, md *s, const step_info *si)
{
    langevin *d = f->data;
    atoms *a = &s->atoms;
    const double dt = s->dt;
    const double c1 = exp(-dt / d->damp), c2 = sqrt(1.0 - c1 * c1);
    const double kt = MG_BOLTZ * d->t_target;
    /* Counter: atom id, step (high bits into the stream word). */
    uint64_t step = (uint64_t)s->step;
    uint32_t stream = RNG_LANGEVIN | (uint32_t)(step >> 30) << 4;
    uint32_t idx = (uint32_t)(step & 0x3fffffffu) << 1;
    const uint64_t bit = group_bit(f->group), held = s->held;
    const int flow = d->sllod && s->flow;
    double grad[3][3];
    if (flow)
        md_flow_gradient(s, grad);
    double dke = 0.0;
    for (int i = 0; i < a->nlocal; i++) {
        if (!(a->mask[i] & bit) || (a->mask[i] & held))
            continue;
        double m = atoms_mass(a, i);
        double sigma = sqrt(kt / (m * MG_MVV2E));
        double g[4];
        rng_normal2(d->seed, (uint64_t)a->id[i], stream, idx, g);
        rng_normal2(d->seed, (uint64_t)a->id[i], stream, idx + 1, g + 2);
        double *v = a->v[i];
        if (flow) {
            /* On the peculiar velocity, with SLLOD's flow term over dt. */
            double u[3];
            md_streaming(s, i, u);
            double before = 0.0, after = 0.0;
            for (int q = 0; q < 3; q++)
                before += (v[q] - u[q]) * (v[q] - u[q]);
            md_flow_scale(u, grad, v, c1, dt);
            for (int q = 0; q < 3; q++) {
                v[q] += c2 * sigma * g[q];
                after += (v[q] - u[q]) * (v[q] - u[q]);
            }
            dke += 0.5 * m * (after - before) * MG_MVV2E;
            continue;
        }
        double before = v[0] * v[0] + v[1] * v[1] + v[2] * v[2];
        for (int q = 0; q < 3; q++)
            v[q] = c1 * v[q] + c2 * sigma * g[q];
        dke += 0.5 * m * (v[0] * v[0] + v[1] * v[1] + v[2] * v[2] - before) * MG_MVV2E;
    }
    /* Heat added by the bath; the conserved quantity subtracts it. */
    d->reservoir -= par_sum_double(dke);
}

static void energy(const fix *f, const md *s, double *acc) { *acc += ((const langevin *)f->data)->reservoir; }

static int set_target(fix *f, const char *what, const schedule *sc)
{
    if (strcmp(what, "temp") != 0)
        return 0;
    ((langevin *)f->data)->temp = *sc;
    return 1;
}

static void save(fix *f, ckpt_state *c)
{
    langevin *d = f->data;
    double v[3] = {d->damp, d->reservoir, d->t_target};
    int64_t seed = (int64_t)d->seed;
    ckpt_put_doubles(c, "damp_reservoir_ttarget", v, 3);
    ckpt_put_i64(c, "seed", &seed, 1);
    schedule_save_in(&d->temp, c, "temp");
}

static int restore(fix *f, ckpt_state *c, char *why, size_t whylen)
{
    langevin *d = f->data;
    double v[3];
    int64_t seed;
    int bad = ckpt_get_doubles(c, "damp_reservoir_ttarget", v, 3) || ckpt_get_i64(c, "seed", &seed, 1) ||
              schedule_restore_from(&d->temp, c, "temp");
    if (bad) {
        snprintf(why, whylen, "the Langevin thermostat's state is incomplete");
        return -1;
    }
    d->damp = v[0];
    d->reservoir = v[1];
    d->t_target = v[2];
    d->seed = (uint64_t)seed;
    return 0;
}

static int counts_steps(const fix *f) { return schedule_started(&((const langevin *)f->data)->temp); }

static const fix_ops langevin_ops = {
    .kind = "langevin",
    .order = FIX_ORDER_THERMOSTAT,
    .begin_run = begin_run,
    .setup = setup,
    .initial = initial,
    .mid_drift = o_step,
    .energy = energy,
    .set_target = set_target,
    .counts_steps = counts_steps,
    .save = save,
    .restore = restore,
    .destroy = fix_free_data,
};

fix *langevin_new(const ensemble_settings *e, const fix *old)
{
    fix *f = fix_new(&langevin_ops, THERMOSTAT_FIX, e->group);
    langevin *d = mg_calloc(1, sizeof *d);
    if (old && old->ops == &langevin_ops)
        d->reservoir = ((const langevin *)old->data)->reservoir;
    d->temp = e->temp;
    d->damp = e->tdamp;
    d->seed = e->seed;
    d->sllod = e->sllod;
    f->data = d;
    return f;
}

void langevin_settings(const fix *f, ensemble_settings *e)
{
    if (f->ops != &langevin_ops)
        return;
    const langevin *d = f->data;
    e->temp = d->temp;
    e->tdamp = d->damp;
    e->seed = d->seed;
    e->sllod = d->sllod;
    e->group = f->group;
}
