/* Nose-Hoover chain thermostat (entry "thermostat" of `ensemble nvt` and
 * `ensemble npt`).
 *
 * Martyna, Klein & Tuckerman, J. Chem. Phys. 97, 2635 (1992), integrated
 * by the Trotter splitting of Martyna, Tuckerman, Tobias & Klein, Mol.
 * Phys. 87, 1117 (1996): a half step of the chain before the first
 * half-kick (initial) and after the second (final). Chain masses
 * Q0 = Nf kT tau^2, Qi = kT tau^2 (tau = tdamp), as LAMMPS' fix nvt. Nf is
 * the group's degrees of freedom (md_group_dof: 3N - 3 for the whole
 * system, 3 per atom for a part of it); atoms a fix holds are left alone.
 * Under a streaming flow with sllod (fix/deform.c, fix/torsion.c) the chain
 * acts on the peculiar velocity v - u(x) (SLLOD; docs/deformation.md,
 * docs/torsion.md).
 * Its energy for the conserved quantity is
 * sum Q_i eta_dot_i^2 / 2 + Nf kT eta_0 + kT sum_{i>0} eta_i.
 * Communication: one reduction per half step (the group's kinetic energy),
 * and one for Nf at each run's start (and rebuild, for a dynamic group). */
#include "core/error.h"
#include "core/units.h"
#include "fix/ensemble.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

typedef struct nose_hoover {
    enum ensemble_kind ens;       /* made by `ensemble nvt` or `ensemble npt` */
    schedule temp;                /* K                                        */
    double tdamp;                 /* ps                                       */
    int nchain;
    double eta[NH_MAX_CHAIN], eta_dot[NH_MAX_CHAIN];
    double t_target;              /* K, at the current step                   */
    double dof;                   /* of the group, as of the run's start      */
    int sllod;                    /* thermostat the peculiar velocity          */
} nose_hoover;

static double chain_mass(const nose_hoover *d, int k, double dof, double kt)
{
    double tau2 = d->tdamp * d->tdamp;
    return (k == 0 ? dof : 1.0) * kt * tau2;
}

/* Under a streaming flow (sllod): the chain sees and scales the peculiar
 * velocity v - u(x), and the velocity gains the SLLOD flow term
 * (u.grad)u dt/2 (fix/deform.c, docs/deformation.md). */
static void half_step(fix *f, md *s)
{
    nose_hoover *d = f->data;
    atoms *a = &s->atoms;
    const int M = d->nchain;
    const double dof = d->dof, kt = MG_BOLTZ * d->t_target;
    if (dof <= 0 || kt <= 0)
        return;
    const int flow = d->sllod && s->flow;
    double ke2 = 2.0 * (flow ? md_peculiar_kinetic(s, f->group, NULL) : md_group_kinetic(s, f->group, NULL));
    double Q[NH_MAX_CHAIN] = {0};
    for (int k = 0; k < M; k++)
        Q[k] = chain_mass(d, k, dof, kt);
    double scale = nh_chain_half(M, Q, d->eta, d->eta_dot, ke2, dof * kt, kt, s->dt);
    const uint64_t bit = group_bit(f->group), held = s->held;
    double grad[3][3];
    if (flow)
        md_flow_gradient(s, grad);
    for (int i = 0; i < a->nlocal; i++) {
        if (!(a->mask[i] & bit) || (a->mask[i] & held))
            continue;
        if (flow) {
            double u[3];
            md_streaming(s, i, u);
            md_flow_scale(u, grad, a->v[i], scale, 0.5 * s->dt);
            continue;
        }
        for (int q = 0; q < 3; q++)
            a->v[i][q] *= scale;
    }
}

static void begin_run(fix *f, md *s, const step_info *si)
{
    nose_hoover *d = f->data;
    schedule_begin_run(&d->temp, si->start);
    d->t_target = fix_target(&d->temp, si);
    d->dof = md_group_dof(s, f->group);
}

void thermostat_settings(const fix *f, ensemble_settings *e)
{
    ensemble_defaults(e);
    nose_hoover_settings(f, e);
    langevin_settings(f, e);
}

/* After every fix's begin_run: a SLLOD thermostat needs the flow a
 * `deform ... remap v` or a `torsion ... rate|schedule` publishes. */
void thermostat_check_flow(int sllod, const md *s)
{
    if (sllod && !s->flow)
        mg_fail_all("ensemble: the thermostat has 'sllod yes' but no fix makes a streaming flow (a 'deform ... "
                    "remap v', or a 'torsion ... rate W' or 'schedule S' turning its grip); SLLOD thermostats the "
                    "velocity relative to that flow (add one, or drop sllod)");
}

static void setup(fix *f, md *s, const step_info *si) { thermostat_check_flow(((nose_hoover *)f->data)->sllod, s); }

static void initial(fix *f, md *s, const step_info *si)
{
    nose_hoover *d = f->data;
    d->t_target = fix_target(&d->temp, si);
    half_step(f, s);
}

static void final(fix *f, md *s, const step_info *si) { half_step(f, s); }

static void rebuilt(fix *f, md *s, const step_info *si)
{
    if (s->groups.g[f->group].dynamic)
        ((nose_hoover *)f->data)->dof = md_group_dof(s, f->group);
}

static void energy(const fix *f, const md *s, double *acc)
{
    const nose_hoover *d = f->data;
    const double dof = d->dof, kt = MG_BOLTZ * d->t_target;
    *acc += dof * kt * d->eta[0];
    for (int k = 0; k < d->nchain; k++) {
        *acc += 0.5 * chain_mass(d, k, dof, kt) * d->eta_dot[k] * d->eta_dot[k];
        if (k > 0)
            *acc += kt * d->eta[k];
    }
}

static int set_target(fix *f, const char *what, const schedule *sc)
{
    if (strcmp(what, "temp") != 0)
        return 0;
    ((nose_hoover *)f->data)->temp = *sc;
    return 1;
}

static void save(fix *f, ckpt_state *c)
{
    nose_hoover *d = f->data;
    double v[2] = {d->tdamp, d->t_target};
    int64_t i[2] = {d->ens, d->nchain};
    ckpt_put_doubles(c, "tdamp_ttarget", v, 2);
    ckpt_put_i64(c, "ensemble_nchain", i, 2);
    ckpt_put_doubles(c, "eta", d->eta, NH_MAX_CHAIN);
    ckpt_put_doubles(c, "eta_dot", d->eta_dot, NH_MAX_CHAIN);
    schedule_save_in(&d->temp, c, "temp");
}

static int restore(fix *f, ckpt_state *c, char *why, size_t whylen)
{
    nose_hoover *d = f->data;
    double v[2];
    int64_t i[2];
    int bad = ckpt_get_doubles(c, "tdamp_ttarget", v, 2) || ckpt_get_i64(c, "ensemble_nchain", i, 2) ||
              ckpt_get_doubles(c, "eta", d->eta, NH_MAX_CHAIN) || ckpt_get_doubles(c, "eta_dot", d->eta_dot, NH_MAX_CHAIN) ||
              schedule_restore_from(&d->temp, c, "temp") || i[1] < 1 || i[1] > NH_MAX_CHAIN;
    if (bad) {
        snprintf(why, whylen, "the Nose-Hoover thermostat's state is incomplete");
        return -1;
    }
    d->tdamp = v[0];
    d->t_target = v[1];
    d->ens = (enum ensemble_kind)i[0];
    d->nchain = (int)i[1];
    return 0;
}

static int counts_steps(const fix *f) { return schedule_started(&((const nose_hoover *)f->data)->temp); }

static const fix_ops nose_hoover_ops = {
    .kind = "nvt",
    .order = FIX_ORDER_THERMOSTAT,
    .begin_run = begin_run,
    .setup = setup,
    .initial = initial,
    .final = final,
    .rebuilt = rebuilt,
    .energy = energy,
    .set_target = set_target,
    .counts_steps = counts_steps,
    .save = save,
    .restore = restore,
    .destroy = fix_free_data,
};

fix *nose_hoover_new(const ensemble_settings *e, const fix *old)
{
    fix *f = fix_new(&nose_hoover_ops, THERMOSTAT_FIX, e->group);
    nose_hoover *d = mg_calloc(1, sizeof *d);
    /* The same chain, redefined: keep its state. */
    if (old && old->ops == &nose_hoover_ops && ((const nose_hoover *)old->data)->ens == e->kind)
        *d = *(const nose_hoover *)old->data;
    d->ens = e->kind;
    d->temp = e->temp;
    d->tdamp = e->tdamp;
    d->nchain = e->nchain;
    d->sllod = e->sllod;
    f->data = d;
    return f;
}

void nose_hoover_settings(const fix *f, ensemble_settings *e)
{
    if (f->ops != &nose_hoover_ops)
        return;
    const nose_hoover *d = f->data;
    e->temp = d->temp;
    e->tdamp = d->tdamp;
    e->nchain = d->nchain;
    e->sllod = d->sllod;
    e->group = f->group;
}

enum ensemble_kind thermostat_ensemble(const fix *f)
{
    if (!f)
        return ENS_NVE;
    if (f->ops == &nose_hoover_ops)
        return ((const nose_hoover *)f->data)->ens;
    return ENS_LANGEVIN;
}
