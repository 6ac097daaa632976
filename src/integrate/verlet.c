#include "integrate/verlet.h"
#include "core/units.h"
#include "parallel/parallel.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static void half_kick(atoms *a, double dtf)
{
    for (int i = 0; i < a->nlocal; i++) {
        double dtfm = dtf / atoms_mass(a, i);
        a->v[i][0] += dtfm * a->f[i][0];
        a->v[i][1] += dtfm * a->f[i][1];
        a->v[i][2] += dtfm * a->f[i][2];
    }
}

static void drift(atoms *a, double dt)
{
    for (int i = 0; i < a->nlocal; i++) {
        a->x[i][0] += dt * a->v[i][0];
        a->x[i][1] += dt * a->v[i][1];
        a->x[i][2] += dt * a->v[i][2];
    }
}

static void kick_drift(atoms *a, double dtf, double dt)
{
    for (int i = 0; i < a->nlocal; i++) {
        double dtfm = dtf / atoms_mass(a, i);
        a->v[i][0] += dtfm * a->f[i][0];
        a->v[i][1] += dtfm * a->f[i][1];
        a->v[i][2] += dtfm * a->f[i][2];
        a->x[i][0] += dt * a->v[i][0];
        a->x[i][1] += dt * a->v[i][1];
        a->x[i][2] += dt * a->v[i][2];
    }
}

/* End-of-run timing table: Section | min | avg | max | %varavg | %total,
 * over ranks, as LAMMPS prints it. */
static void report(md *s, int64_t nsteps, double wall)
{
    double t[TIMER_NSECTION + 1], tsq[TIMER_NSECTION + 1];
    double accounted = 0;
    for (int k = 0; k < TIMER_NSECTION; k++) {
        t[k] = s->tm.t[k];
        accounted += t[k];
    }
    t[TIMER_NSECTION] = wall - accounted;
    int n = TIMER_NSECTION + 1;
    for (int k = 0; k < n; k++)
        tsq[k] = t[k] * t[k];
    double mn[TIMER_NSECTION + 1], mx[TIMER_NSECTION + 1], sum[TIMER_NSECTION + 1], sumsq[TIMER_NSECTION + 1];
    par_min_doubles(t, mn, n);
    par_max_doubles(t, mx, n);
    par_sum_doubles(t, sum, n);
    par_sum_doubles(tsq, sumsq, n);
    double wall_max = par_max_double(wall);
    int64_t nb = s->nb.nbuild, nd = s->nb.ndanger;
    if (par_rank() != 0)
        return;
    int np = par_size();
    double atomsteps = (double)s->atoms.natoms * (double)nsteps;
    printf("Loop time of %.6g s on %d rank%s for %lld steps with %lld atoms\n", wall_max, np, np > 1 ? "s" : "",
           (long long)nsteps, (long long)s->atoms.natoms);
    if (nsteps > 0 && wall_max > 0)
        printf("Performance: %.4g us/atom-step, %.4g atom-steps/s, %.4g ns/day (dt %.6g ps)\n",
               1e6 * wall_max / atomsteps, atomsteps / wall_max,
               (double)nsteps * s->dt * 1e-3 / wall_max * 86400.0, s->dt);
    printf("\nSection |  min time  |  avg time  |  max time  |%%varavg| %%total\n");
    printf("---------------------------------------------------------------\n");
    for (int k = 0; k < n; k++) {
        double avg = sum[k] / np;
        double var = sumsq[k] / np - avg * avg;
        double varavg = avg > 0 ? 100.0 * sqrt(var > 0 ? var : 0) / avg : 0.0;
        printf("%-7s | %-10.5g | %-10.5g | %-10.5g | %5.1f | %6.2f\n",
               k < TIMER_NSECTION ? timers_name((enum timer_section)k) : "Other", mn[k], avg, mx[k], varavg,
               wall_max > 0 ? 100.0 * avg / wall_max : 0.0);
    }
    printf("\nNeighbor list builds = %lld, dangerous builds = %lld\n\n", (long long)nb, (long long)nd);
    fflush(stdout);
}

void run_dynamics(md *s, outputs *o, ensemble *e, int64_t nsteps)
{
    atoms *a = &s->atoms;
    const int64_t start = s->step, end = start + nsteps;
    const double t0 = s->time;
    const double dt = s->dt, dtf = 0.5 * dt * MG_FTM2V;
    /* The barostat needs the virial (and so energies) at every step. */
    const int npt = e->kind == ENS_NPT;

    o->thermo.header_printed = 0;
    timers_reset(&s->tm);
    e->t_target = ensemble_target(e, 0, nsteps);
    if (npt) {
        e->p_target = ensemble_pressure_target(e, 0, nsteps);
        npt_check(e, s);
    }
    s->bath_energy = ensemble_energy(e, s);
    int peratom = 0;
    int due = outputs_due(o, start, start, end, &peratom);
    a->want_peratom = peratom;
    md_setup(s, due || npt);
    /* Set-up is not part of the loop time or the build count, as in LAMMPS. */
    timers_reset(&s->tm);
    s->nb.nbuild = s->nb.ndanger = 0;
    double wall0 = s->tm.mark;
    if (due)
        outputs_write(o, s, start, end);
    timers_stamp(&s->tm, TIMER_OUTPUT);

    for (int64_t n = 1; n <= nsteps; n++) {
        e->t_target = ensemble_target(e, n, nsteps);
        if (npt) {
            /* LAMMPS fix_nh's Trotter order: barostat chain, particle chain,
             * strain rates from the pressure, velocities under the strain
             * rates, kick, half box, drift, half box. */
            e->p_target = ensemble_pressure_target(e, n, nsteps);
            npt_chain_half_step(e, s, dt);
            nh_half_step(e, s, dt);
            npt_omega_half_step(e, s, dt);
            npt_scale_velocities(e, s, dt);
            half_kick(a, dtf);
            npt_remap_half(e, s, dt);
            drift(a, dt);
            npt_remap_half(e, s, dt);
        } else {
            if (e->kind == ENS_NVT)
                nh_half_step(e, s, dt);
            if (e->kind == ENS_LANGEVIN) {
                /* B A O A: the O step sits between two half drifts. */
                kick_drift(a, dtf, 0.5 * dt);
                langevin_o_step(e, s, dt);
                drift(a, 0.5 * dt);
            } else {
                kick_drift(a, dtf, dt);
            }
        }
        s->step = start + n;
        s->time = t0 + (double)n * dt;
        timers_stamp(&s->tm, TIMER_MODIFY);
        if (npt && npt_flip(e, s))
            md_reneighbor(s); /* a new cell: wrap, migrate, rebuild */
        else
            md_refresh(s, 1);
        due = outputs_due(o, s->step, start, end, &peratom);
        a->want_peratom = peratom;
        md_force(s, due || npt);
        half_kick(a, dtf);
        if (npt) {
            npt_scale_velocities(e, s, dt);
            npt_omega_half_step(e, s, dt);
            nh_half_step(e, s, dt);
            npt_chain_half_step(e, s, dt);
        } else if (e->kind == ENS_NVT) {
            nh_half_step(e, s, dt);
        }
        s->bath_energy = ensemble_energy(e, s);
        timers_stamp(&s->tm, TIMER_MODIFY);
        if (due)
            outputs_write(o, s, start, end);
        timers_stamp(&s->tm, TIMER_OUTPUT);
    }
    a->want_peratom = 0;
    outputs_stage_end(o, s);
    report(s, nsteps, par_wtime() - wall0);
}
