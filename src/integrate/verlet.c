/* The velocity-Verlet skeleton (verlet.h): kicks and drifts of every owned
 * atom, the fix list's hooks between them, and the end-of-run timing table.
 * Communication: ghost refresh or re-neighbouring and the forces (md_*),
 * and the reductions of the timing table; fixes communicate on their own. */
#include "integrate/verlet.h"
#include "core/units.h"
#include "parallel/parallel.h"
#include "potential/eam.h"

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
static void report(md *s, int64_t nsteps, double wall, const par_traffic *t0)
{
    /* This run's traffic per rank (mean and max over ranks), read before
     * the summary's own reductions count themselves in, and the ghosts per
     * owned atom: what the scaling model in docs/performance.md needs. */
    const par_traffic t1 = par_traffic_now();
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
    /* Load balance: atoms and force time per rank (min, mean, max), as
     * LAMMPS' Nlocal histogram and its Pair line. */
    double load[2] = {(double)s->atoms.nlocal, s->tm.t[TIMER_FORCE]}, lmin[2], lmax[2], lsum[2];
    par_min_doubles(load, lmin, 2);
    par_max_doubles(load, lmax, 2);
    par_sum_doubles(load, lsum, 2);
    int64_t nb = s->nb.nbuild, nd = s->nb.ndanger;
    /* Pair counts of the last force call, for the cost per pair
     * (docs/performance.md): listed candidates and pairs inside the cutoff. */
    double pairs[2] = {(double)s->nb.nneigh, s->pot ? (double)s->pot->npairs : 0.0}, pairsum[2];
    par_sum_doubles(pairs, pairsum, 2);
    double traffic[5] = {(double)(t1.messages - t0->messages), (double)(t1.bytes - t0->bytes),
                         (double)(t1.collectives - t0->collectives),
                         (double)(t1.collective_bytes - t0->collective_bytes), (double)s->atoms.nghost};
    double tsum[5], tmax[5];
    par_sum_doubles(traffic, tsum, 5);
    par_max_doubles(traffic, tmax, 5);
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
    double amean = lsum[0] / np, fmean = lsum[1] / np;
    printf("\nAtoms per rank: min %.0f mean %.1f max %.0f (max/mean %.3f); force time per rank max/mean %.3f\n",
           lmin[0], amean, lmax[0], amean > 0 ? lmax[0] / amean : 1.0, fmean > 0 ? lmax[1] / fmean : 1.0);
    if (s->atoms.natoms > 0 && s->pot)
        printf("Pairs per atom: %.4g listed (cutoff + skin), %.4g inside the cutoff (%s); pair loops %s\n",
               pairsum[0] / (double)s->atoms.natoms, pairsum[1] / (double)s->atoms.natoms,
               s->nb.newton ? "each pair once: newton yes" : "pairs across a face counted on both sides: newton no",
               s->pot->kernel->name);
    if (np > 1 && nsteps > 0) {
        double per = 1.0 / (double)nsteps;
        printf("Communication per step and rank (grid %d x %d x %d): %.4g messages (max %.4g), %.4g kB sent "
               "(max %.4g); %.4g collectives, %.4g bytes; ghosts per owned atom %.3g\n",
               s->dc.grid[0], s->dc.grid[1], s->dc.grid[2], tsum[0] / np * per, tmax[0] * per,
               tsum[1] / np * per * 1e-3, tmax[1] * per * 1e-3, tsum[2] / np * per, tsum[3] / np * per,
               lsum[0] > 0 ? tsum[4] / lsum[0] : 0.0);
    }
    printf("Neighbor list builds = %lld, dangerous builds = %lld\n\n", (long long)nb, (long long)nd);
    fflush(stdout);
}

int run_dynamics(md *s, fix_list *fx, int64_t nsteps, const run_resume *r)
{
    atoms *a = &s->atoms;
    const int resumed = r && r->resumed;
    const int64_t first = resumed ? r->done : 0;
    const int64_t start = s->step - first;
    const double t0 = resumed ? r->t0 : s->time;
    const double dt = s->dt, dtf = 0.5 * dt * MG_FTM2V;
    step_info si = {.n = first, .nsteps = nsteps, .first = first, .start = start, .step = s->step, .dt = dt,
                    .resumed = resumed, .rebuilt = 1};

    timers_reset(&s->tm);
    fixes_call(fx, FIX_HOOK_BEGIN_RUN, s, &si);
    int want = fixes_wants(fx, s, s->step, &si);
    a->want_peratom = (want & FIX_WANTS_PERATOM) != 0;
    md_setup(s, want != 0);
    fixes_call(fx, FIX_HOOK_REBUILT, s, &si); /* set-up rebuilt the lists (and dynamic groups) */
    fixes_call(fx, FIX_HOOK_POST_FORCE, s, &si);
    s->bath_energy = fixes_energy(fx, s);
    /* Set-up is not part of the loop time or the build count, as in LAMMPS. */
    timers_reset(&s->tm);
    s->nb.nbuild = s->nb.ndanger = 0;
    const double wall0 = s->tm.mark;
    const par_traffic traffic0 = par_traffic_now();
    si.wall0 = wall0;
    fixes_call(fx, FIX_HOOK_SETUP, s, &si);

    int stopped = 0;
    int64_t n = first + 1;
    const int split = fixes_have(fx, FIX_HOOK_POST_KICK) || fixes_have(fx, FIX_HOOK_MID_DRIFT);
    for (; n <= nsteps && !stopped; n++) {
        si.n = n;
        si.step = start + n;
        const int64_t boxes = s->box_changes;
        fixes_call(fx, FIX_HOOK_INITIAL, s, &si);
        if (!split) {
            kick_drift(a, dtf, dt);
        } else {
            half_kick(a, dtf);
            fixes_call(fx, FIX_HOOK_POST_KICK, s, &si);
            if (fixes_have(fx, FIX_HOOK_MID_DRIFT)) {
                drift(a, 0.5 * dt);
                fixes_call(fx, FIX_HOOK_MID_DRIFT, s, &si);
                drift(a, 0.5 * dt);
            } else {
                drift(a, dt);
            }
        }
        s->step = start + n;
        s->time = t0 + (double)n * dt;
        fixes_call(fx, FIX_HOOK_POST_DRIFT, s, &si);
        timers_stamp(&s->tm, TIMER_MODIFY);
        /* An entry may have re-neighboured already (a box flip). */
        if (s->nb.last_build != s->step && md_refresh(s, 1))
            fixes_call(fx, FIX_HOOK_REBUILT, s, &si);
        si.rebuilt = s->nb.last_build == s->step;
        if (s->box_changes != boxes)
            fixes_call(fx, FIX_HOOK_BOX_CHANGED, s, &si);
        fixes_force(fx, s, fixes_wants(fx, s, s->step, &si), &si);
        half_kick(a, dtf);
        fixes_call(fx, FIX_HOOK_FINAL, s, &si);
        s->bath_energy = fixes_energy(fx, s);
        timers_stamp(&s->tm, TIMER_MODIFY);
        stopped = fixes_end_of_step(fx, s, &si);
    }
    a->want_peratom = 0;
    fixes_end_run(fx, s, stopped);
    report(s, (n - 1) - first, par_wtime() - wall0, &traffic0);
    return stopped;
}
