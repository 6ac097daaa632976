/* FIRE, the Fast Inertial Relaxation Engine: damped dynamics that steers the
 * velocity toward the force and grows the time step while going downhill.
 *
 * E. Bitzek, P. Koskinen, F. Gaehler, M. Moseley and P. Gumbsch, "Structural
 * relaxation made simple", Phys. Rev. Lett. 97, 170201 (2006), with its
 * standard parameters: N_min 5, f_inc 1.1, f_dec 0.5, alpha_start 0.1,
 * f_alpha 0.99, dt_max 10 dt (dt the `timestep`). The integrator is
 * semi-implicit Euler with the mixing applied after the velocity update, as
 * recommended by J. Guenole, W. G. Noehring, A. Vaid, F. Houlle, Z. Xie,
 * A. Prakash and E. Bitzek, Comput. Mater. Sci. 175, 109584 (2020).
 * Each iteration:
 *
 *     P = F.v
 *     P > 0:  if more than N_min steps since P <= 0:
 *                 dt = min(dt f_inc, dt_max), alpha = alpha f_alpha
 *     P <= 0: dt = dt f_dec, alpha = alpha_start, v = 0
 *     v = v + dt F/m
 *     v = (1 - alpha) v + alpha |v| F/|F|        (global norms)
 *     x = x + dt' v,  dt' <= dt so that no atom moves more than dmax and
 *                     no box strain more than vmax allows (as LAMMPS)
 *
 * The box coordinates of min_core.h move with the atoms, each with the mean
 * atomic mass. The energy tolerance is tested only when more than N_min
 * steps have passed since the velocities were last zeroed (LAMMPS does the
 * same: just after a reset the energy barely changes).
 *
 * Communication: three global sums and one global max per iteration, plus
 * the force evaluation. */
#include "minimize/min_core.h"
#include "core/units.h"
#include "parallel/parallel.h"

#include <math.h>
#include <string.h>

#define FIRE_NMIN 5
#define FIRE_FINC 1.1
#define FIRE_FDEC 0.5
#define FIRE_ALPHA0 0.1
#define FIRE_FALPHA 0.99
#define FIRE_DTMAX 10.0

enum min_stop min_fire(min_state *m, int64_t *niter)
{
    md *s = m->s;
    atoms *a = &s->atoms;
    double dt = s->dt, dtmax = FIRE_DTMAX * s->dt, alpha = FIRE_ALPHA0;
    int64_t npos = 0, last_negative = s->step;
    double vq[MIN_NBOX_MAX] = {0};
    double mbox = m->nbox ? md_total_mass(s) / (double)a->natoms : 1.0;
    double ecurrent = m->phi;

    for (int64_t iter = 0; iter < m->p.maxiter; iter++) {
        s->step++;
        (*niter)++;
        int n = a->nlocal;

        /* Power P = F.v */
        double loc = 0.0;
        for (int i = 0; i < n; i++) {
            double fu[3];
            min_fu(m, i, fu);
            loc += fu[0] * a->v[i][0] + fu[1] * a->v[i][1] + fu[2] * a->v[i][2];
        }
        double P = par_sum_double(loc);
        for (int k = 0; k < m->nbox; k++)
            P += m->fq[k] * vq[k];
        if (P > 0.0) {
            if (++npos > FIRE_NMIN) {
                dt = fmin(dt * FIRE_FINC, dtmax);
                alpha *= FIRE_FALPHA;
            }
        } else if (iter > 0) {
            /* (At the first iteration P = 0 because the system starts at
             * rest, not because it went uphill: nothing to undo. Bitzek et
             * al. take the first MD step before testing P.) */
            npos = 0;
            last_negative = s->step;
            dt *= FIRE_FDEC;
            alpha = FIRE_ALPHA0;
            memset(a->v, 0, (size_t)n * sizeof *a->v);
            memset(vq, 0, sizeof vq);
        }

        /* v += dt F/m, then mix v toward F. */
        double sums[2] = {0.0, 0.0}, tot[2];
        for (int i = 0; i < n; i++) {
            double fu[3];
            min_fu(m, i, fu);
            double dtfm = dt * MG_FTM2V / atoms_mass(a, i);
            for (int d = 0; d < 3; d++) {
                a->v[i][d] += dtfm * fu[d];
                sums[0] += a->v[i][d] * a->v[i][d];
                sums[1] += fu[d] * fu[d];
            }
        }
        par_sum_doubles(sums, tot, 2);
        for (int k = 0; k < m->nbox; k++) {
            vq[k] += dt * MG_FTM2V / mbox * m->fq[k];
            tot[0] += vq[k] * vq[k];
            tot[1] += m->fq[k] * m->fq[k];
        }
        double vmx = 0.0;
        if (tot[1] > 0.0) {
            double s1 = 1.0 - alpha, s2 = alpha * sqrt(tot[0] / tot[1]);
            for (int i = 0; i < n; i++) {
                double fu[3];
                min_fu(m, i, fu);
                for (int d = 0; d < 3; d++) {
                    a->v[i][d] = s1 * a->v[i][d] + s2 * fu[d];
                    vmx = fmax(vmx, fabs(a->v[i][d]));
                }
            }
            for (int k = 0; k < m->nbox; k++)
                vq[k] = s1 * vq[k] + s2 * m->fq[k];
        } else {
            for (int i = 0; i < n; i++)
                for (int d = 0; d < 3; d++)
                    vmx = fmax(vmx, fabs(a->v[i][d]));
        }

        /* Step length: at most dmax for an atom, qmax for a box coordinate. */
        double dtv = dt;
        vmx = par_max_double(vmx);
        if (dtv * vmx > m->p.dmax)
            dtv = m->p.dmax / vmx;
        for (int k = 0; k < m->nbox; k++)
            if (dtv * fabs(vq[k]) > m->qmax[k])
                dtv = m->qmax[k] / fabs(vq[k]);

        /* Move: the box first (atoms follow affinely, u fixed), then the
         * atoms by A dtv v (their step in reference coordinates). */
        if (m->nbox) {
            double q[MIN_NBOX_MAX] = {0};
            for (int k = 0; k < m->nbox; k++)
                q[k] = m->q[k] + dtv * vq[k];
            min_set_box(m, q);
            double (*A)[3] = m->A;
            for (int i = 0; i < n; i++) {
                const double *v = a->v[i];
                a->x[i][0] += dtv * (A[0][0] * v[0] + A[0][1] * v[1] + A[0][2] * v[2]);
                a->x[i][1] += dtv * (A[1][1] * v[1] + A[1][2] * v[2]);
                a->x[i][2] += dtv * A[2][2] * v[2];
            }
        } else {
            for (int i = 0; i < n; i++)
                for (int d = 0; d < 3; d++)
                    a->x[i][d] += dtv * a->v[i][d];
        }

        min_eval(m);
        double eprevious = ecurrent;
        ecurrent = m->phi;
        min_output(m);

        if (s->step - last_negative > FIRE_NMIN && min_etol_met(m, ecurrent, eprevious))
            return MIN_STOP_ETOL;
        if (m->p.ftol > 0.0 && min_fnorm_sqr(m) < m->p.ftol * m->p.ftol)
            return MIN_STOP_FTOL;
        if (m->neval >= m->p.maxeval)
            return MIN_STOP_MAXEVAL;
    }
    return MIN_STOP_MAXITER;
}
