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

/* "progress: step 12000 of 50000 (24.0 %), 12 ps, 3.1e+06 atom-steps/s,
 * 2 min 35 s left" on rank 0. Wall time only: no communication. */
static void progress(const md *s, int64_t n, int64_t nsteps, int64_t first, double wall)
{
    double rate = wall > 0 ? (double)(n - first) / wall : 0.0;
    double left = rate > 0 ? (double)(nsteps - n) / rate : 0.0;
    char eta[64];
    if (left >= 3600)
        snprintf(eta, sizeof eta, "%d h %02d min", (int)(left / 3600), (int)fmod(left / 60, 60));
    else if (left >= 60)
        snprintf(eta, sizeof eta, "%d min %02d s", (int)(left / 60), (int)fmod(left, 60));
    else
        snprintf(eta, sizeof eta, "%.0f s", left);
    printf("progress: step %lld, %lld of %lld (%.1f %%), %.6g ps, %.3g atom-steps/s, %s left\n",
           (long long)s->step, (long long)n, (long long)nsteps, 100.0 * (double)n / (double)nsteps, s->time,
           rate * (double)s->atoms.natoms, eta);
    fflush(stdout);
}

int run_dynamics(md *s, outputs *o, ensemble *e, int64_t nsteps, const run_control *rc)
{
    atoms *a = &s->atoms;
    const int resumed = rc && rc->resumed;
    const int64_t first = resumed ? rc->resume : 0;
    const int64_t start = s->step - first, end = start + nsteps;
    const double t0 = resumed ? rc->t0 : s->time;
    const double dt = s->dt, dtf = 0.5 * dt * MG_FTM2V;
    /* The barostat needs the virial (and so energies) at every step. */
    const int npt = e->kind == ENS_NPT;

    o->thermo.header_printed = 0;
    timers_reset(&s->tm);
    e->t_target = ensemble_target(e, first, nsteps);
    if (npt) {
        e->p_target = ensemble_pressure_target(e, first, nsteps);
        npt_check(e, s);
    }
    int peratom = 0;
    int due = outputs_due(o, s->step, start, end, &peratom);
    a->want_peratom = peratom;
    md_setup(s, due || npt);
    s->bath_energy = ensemble_energy(e, s);
    /* Set-up is not part of the loop time or the build count, as in LAMMPS. */
    timers_reset(&s->tm);
    s->nb.nbuild = s->nb.ndanger = 0;
    double wall0 = s->tm.mark, next_progress = rc && rc->progress_every > 0 ? rc->progress_every : INFINITY;
    if (due && !resumed)
        outputs_write(o, s, start, end);
    timers_stamp(&s->tm, TIMER_OUTPUT);
    int stopped = rc && rc->after_step && rc->after_step(rc->ctx, s, first, nsteps, 1);

    int64_t n = first + 1;
    for (; n <= nsteps && !stopped; n++) {
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
        int rebuilt = 1;
        if (npt && npt_flip(e, s))
            md_reneighbor(s); /* a new cell: wrap, migrate, rebuild */
        else
            rebuilt = md_refresh(s, 1);
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
        if (rc && rc->after_step)
            stopped = rc->after_step(rc->ctx, s, n, nsteps, rebuilt);
        if (par_rank() == 0 && s->tm.mark - wall0 >= next_progress && n < nsteps) {
            progress(s, n, nsteps, first, s->tm.mark - wall0);
            next_progress += rc->progress_every;
        }
    }
    a->want_peratom = 0;
    if (!stopped)
        outputs_stage_end(o, s);
    report(s, (n - 1) - first, par_wtime() - wall0);
    return stopped;
}
