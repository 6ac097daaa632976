/* Conjugate-gradient minimisation: Polak-Ribiere directions with a
 * backtracking line search that ends, when it can, with a quadratic
 * (secant) step to the zero of the directional derivative.
 *
 * This is LAMMPS' default `min_style cg` with `min_modify line quadratic`
 * (src/min_cg.cpp, src/min_linesearch.cpp):
 *
 *   h = g = f;  repeat:
 *     line search along h from x0: alpha starts at
 *         min(1, dmax / max|h_atom|, vmax-limit of the box coordinates)
 *       evaluate at alpha; fh = f.h there;
 *       secant: alpha0 = alpha - (alpha - alpha_prev) fh / (fh - fh_prev);
 *       if 0 < alpha0 < alphamax: evaluate there, accept if E rose < EMACH;
 *       else accept alpha if E(alpha) - E0 <= -0.4 alpha f0.h (Armijo);
 *       else alpha /= 2 and repeat, giving up when 0.4 alpha f0.h < EMACH
 *       ("linesearch alpha is zero");
 *     stop on the energy tolerance, the force tolerance or the limits;
 *     beta = max(0, (f.f - f.g) / g.g)  (Polak-Ribiere, restart every ndof);
 *     g = f;  h = g + beta h;  if g.h <= 0: h = g  (not downhill: restart).
 *
 * References: E. Polak and G. Ribiere, Rev. Fr. Inform. Rech. Oper. 3 (R1),
 * 35-43 (1969); J. Nocedal and S. J. Wright, Numerical Optimization, 2nd ed.
 * (Springer 2006), ch. 3 and 5.
 *
 * The secant step is what reaches tight force tolerances: near the minimum
 * energy differences drown in round-off (1e-12 eV of a 1e4 eV total), while
 * f.h stays accurate. Dot products are global sums (one allreduce each);
 * x0, g and h of each atom are a registered per-atom property so they move
 * with their atom between ranks. */
#include "minimize/min_core.h"
#include "core/error.h"
#include "parallel/parallel.h"

#include <limits.h>
#include <math.h>
#include <string.h>

#define ALPHA_MAX 1.0
#define ALPHA_REDUCE 0.5
#define BACKTRACK_SLOPE 0.4
#define QUADRATIC_TOL 0.1
#define EMACH 1.0e-8
#define EPS_QUAD 1.0e-28

typedef struct cg_box {
    double q0[MIN_NBOX_MAX], g[MIN_NBOX_MAX], h[MIN_NBOX_MAX];
} cg_box;

/* Per atom: u0 [0..2], g [3..5], h [6..8]. Re-read after every evaluation
 * (migration reallocates and reorders). */
static double *work(const min_state *m)
{
    return m->s->atoms.prop[m->prop].data;
}

/* Move to x0 + alpha h (atoms and box) and evaluate; returns Phi. */
static double alpha_step(min_state *m, const cg_box *cb, double alpha)
{
    if (m->nbox) {
        double q[MIN_NBOX_MAX] = {0};
        for (int k = 0; k < m->nbox; k++)
            q[k] = cb->q0[k] + alpha * cb->h[k];
        min_set_box(m, q);
    }
    const double *w = work(m);
    int n = m->s->atoms.nlocal;
    for (int i = 0; i < n; i++) {
        const double *wi = w + 9 * (size_t)i;
        double u[3] = {wi[0] + alpha * wi[6], wi[1] + alpha * wi[7], wi[2] + alpha * wi[8]};
        min_place(m, i, u);
    }
    min_eval(m);
    return m->phi;
}

/* f.h over atoms and box. */
static double dot_fh(const min_state *m, const cg_box *cb)
{
    const double *w = work(m);
    int n = m->s->atoms.nlocal;
    double loc = 0.0;
    for (int i = 0; i < n; i++) {
        double fu[3];
        min_fu(m, i, fu);
        const double *h = w + 9 * (size_t)i + 6;
        loc += fu[0] * h[0] + fu[1] * h[1] + fu[2] * h[2];
    }
    double fh = par_sum_double(loc);
    for (int k = 0; k < m->nbox; k++)
        fh += m->fq[k] * cb->h[k];
    return fh;
}

static enum min_stop linemin(min_state *m, cg_box *cb, double eoriginal, double *ecurrent)
{
    const int n = m->s->atoms.nlocal;
    double *w = work(m);

    /* Projection of the search direction on the force: must be downhill. */
    double fh0 = dot_fh(m, cb);
    if (!(fh0 > 0.0))
        return MIN_STOP_DOWNHILL;

    /* Largest step: no atom moves more than dmax, no box strain more than
     * vmax allows, alpha <= ALPHA_MAX. */
    double hme = 0.0;
    for (int i = 0; i < n; i++)
        for (int d = 0; d < 3; d++)
            if (fabs(w[9 * (size_t)i + 6 + d]) > hme)
                hme = fabs(w[9 * (size_t)i + 6 + d]);
    double hmax = par_max_double(hme);
    double alphamax = ALPHA_MAX;
    if (hmax > 0.0)
        alphamax = fmin(alphamax, m->p.dmax / hmax);
    for (int k = 0; k < m->nbox; k++) {
        double hk = fabs(cb->h[k]);
        if (hk > 0.0)
            alphamax = fmin(alphamax, m->qmax[k] / hk);
        hmax = fmax(hmax, hk);
    }
    if (hmax == 0.0)
        return MIN_STOP_ZEROFORCE;

    /* Start of the line: reference coordinates of atoms and box. */
    for (int i = 0; i < n; i++)
        min_unplace(m, i, w + 9 * (size_t)i);
    memcpy(cb->q0, m->q, sizeof cb->q0);

    double alpha = alphamax, alphaprev = 0.0, fhprev = fh0, engprev = eoriginal;
    for (;;) {
        double e = alpha_step(m, cb, alpha);
        double fh = dot_fh(m, cb);
        double delfh = fh - fhprev;
        if (fabs(fh) < EPS_QUAD || fabs(delfh) < EPS_QUAD) {
            *ecurrent = alpha_step(m, cb, 0.0);
            return MIN_STOP_ZEROQUAD;
        }

        /* Quadratic projection (secant on f.h) once the trapezoidal energy
         * estimate is consistent with the energies seen. */
        double relerr = fabs(engprev - (0.5 * (alpha - alphaprev) * (fh + fhprev) + e));
        if (engprev != 0.0)
            relerr /= fabs(engprev);
        double alpha0 = alpha - (alpha - alphaprev) * fh / delfh;
        int moved = 0;
        if (relerr <= QUADRATIC_TOL && alpha0 > 0.0 && alpha0 < alphamax) {
            double e0 = alpha_step(m, cb, alpha0);
            if (e0 - eoriginal < EMACH) {
                *ecurrent = e0;
                return 0;
            }
            moved = 1;
        }

        /* Sufficient decrease at alpha: accept it. */
        double de_ideal = -BACKTRACK_SLOPE * alpha * fh0;
        if (e - eoriginal <= de_ideal) {
            *ecurrent = moved ? alpha_step(m, cb, alpha) : e;
            return 0;
        }

        fhprev = fh;
        engprev = e;
        alphaprev = alpha;
        alpha *= ALPHA_REDUCE;
        if (alpha <= 0.0 || de_ideal >= -EMACH) {
            *ecurrent = alpha_step(m, cb, 0.0);
            return MIN_STOP_ZEROALPHA;
        }
    }
}

static enum min_stop cg_iterate(min_state *m, int64_t *niter);

/* The CG vectors (x0, g, h: 9 doubles an atom) live as a per-atom property
 * so they migrate with their atoms, and only while the minimisation runs. */
enum min_stop min_cg(min_state *m, int64_t *niter)
{
    m->prop = atoms_add_prop(&m->s->atoms, "minimize_cg", 9);
    if (m->s->atoms.prop[m->prop].width != 9)
        mg_fail_all("minimize: per-atom property 'minimize_cg' exists with another width");
    enum min_stop why = cg_iterate(m, niter);
    atoms_remove_prop(&m->s->atoms, "minimize_cg");
    return why;
}

static enum min_stop cg_iterate(min_state *m, int64_t *niter)
{
    md *s = m->s;
    cg_box cb;
    memset(&cb, 0, sizeof cb);

    /* h = g = f */
    double *w = work(m);
    for (int i = 0; i < s->atoms.nlocal; i++) {
        double fu[3];
        min_fu(m, i, fu);
        for (int d = 0; d < 3; d++)
            w[9 * (size_t)i + 3 + d] = w[9 * (size_t)i + 6 + d] = fu[d];
    }
    for (int k = 0; k < m->nbox; k++)
        cb.g[k] = cb.h[k] = m->fq[k];
    double gg = min_fnorm_sqr(m);

    double ndof = 3.0 * (double)s->atoms.natoms + m->nbox;
    int64_t nlimit = ndof < (double)INT_MAX ? (int64_t)ndof : INT_MAX;
    double ecurrent = m->phi;

    for (int64_t iter = 0; iter < m->p.maxiter; iter++) {
        s->step++;
        (*niter)++;
        double eprevious = ecurrent;
        enum min_stop fail = linemin(m, &cb, ecurrent, &ecurrent);
        min_output(m);
        if (fail)
            return fail;
        if (m->neval >= m->p.maxeval)
            return MIN_STOP_MAXEVAL;
        if (min_etol_met(m, ecurrent, eprevious))
            return MIN_STOP_ETOL;

        /* f.f and f.g (one allreduce) */
        w = work(m);
        int n = s->atoms.nlocal;
        double loc[2] = {0.0, 0.0}, dot[2];
        for (int i = 0; i < n; i++) {
            double fu[3];
            min_fu(m, i, fu);
            const double *g = w + 9 * (size_t)i + 3;
            loc[0] += fu[0] * fu[0] + fu[1] * fu[1] + fu[2] * fu[2];
            loc[1] += fu[0] * g[0] + fu[1] * g[1] + fu[2] * g[2];
        }
        par_sum_doubles(loc, dot, 2);
        for (int k = 0; k < m->nbox; k++) {
            dot[0] += m->fq[k] * m->fq[k];
            dot[1] += m->fq[k] * cb.g[k];
        }
        if (m->p.ftol > 0.0 && dot[0] < m->p.ftol * m->p.ftol)
            return MIN_STOP_FTOL;

        /* Polak-Ribiere, restarted every ndof iterations. */
        double beta = fmax(0.0, (dot[0] - dot[1]) / gg);
        if ((*niter + 1) % nlimit == 0)
            beta = 0.0;
        gg = dot[0];
        double gh = 0.0;
        for (int i = 0; i < n; i++) {
            double fu[3];
            min_fu(m, i, fu);
            double *g = w + 9 * (size_t)i + 3, *h = w + 9 * (size_t)i + 6;
            for (int d = 0; d < 3; d++) {
                g[d] = fu[d];
                h[d] = g[d] + beta * h[d];
                gh += g[d] * h[d];
            }
        }
        gh = par_sum_double(gh);
        for (int k = 0; k < m->nbox; k++) {
            cb.g[k] = m->fq[k];
            cb.h[k] = cb.g[k] + beta * cb.h[k];
            gh += cb.g[k] * cb.h[k];
        }
        /* Not downhill: restart along the force. */
        if (gh <= 0.0) {
            for (int i = 0; i < n; i++)
                memcpy(w + 9 * (size_t)i + 6, w + 9 * (size_t)i + 3, 3 * sizeof(double));
            memcpy(cb.h, cb.g, sizeof cb.h);
        }
    }
    return MIN_STOP_MAXITER;
}
