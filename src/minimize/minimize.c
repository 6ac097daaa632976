/* Energy minimisation: the driver shared by both minimisers.
 *
 * minimize() sets up (velocities zeroed, neighbour checks every evaluation,
 * the box degrees of freedom of min_core.h), hands over to min_cg() or
 * min_fire(), and afterwards leaves the system current and prints the
 * report. Everything else in this file is the machinery min_core.h declares:
 * placing atoms for given coordinates, the box built from its strain, one
 * force evaluation with the generalized box forces, and the global norms.
 *
 * Re-neighbouring with a moving box is neighbor_decide()'s rule (the
 * displacement trigger shrinks by the box corners' displacements). */
#include "minimize/min_core.h"
#include "core/error.h"
#include "core/units.h"
#include "parallel/parallel.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void min_params_default(min_params *p)
{
    memset(p, 0, sizeof *p);
    p->style = MIN_CG;
    p->etol = 0.0;
    p->ftol = 0.0;
    p->maxiter = 10000;
    p->maxeval = 100000;
    p->box = MIN_BOX_NONE;
    p->ptarget = 0.0;
    p->vmax = 0.001;
    p->dmax = 0.1;
}

const char *min_stop_name(enum min_stop stop)
{
    switch (stop) {
    case MIN_STOP_ETOL: return "energy tolerance";
    case MIN_STOP_FTOL: return "force tolerance";
    case MIN_STOP_MAXITER: return "max iterations";
    case MIN_STOP_MAXEVAL: return "max force evaluations";
    case MIN_STOP_DOWNHILL: return "line search failed: search direction is not downhill";
    case MIN_STOP_ZEROALPHA: return "linesearch alpha is zero";
    case MIN_STOP_ZEROFORCE: return "forces are zero";
    case MIN_STOP_ZEROQUAD: return "line search failed: quadratic factors are zero";
    }
    return "unknown";
}

const char *min_style_name(enum min_style style)
{
    return style == MIN_FIRE ? "fire" : "cg";
}

const char *min_box_name(enum min_box b)
{
    switch (b) {
    case MIN_BOX_ISO: return "iso";
    case MIN_BOX_ANISO: return "aniso";
    case MIN_BOX_TRI: return "tri";
    default: return "none";
    }
}

/* ---- coordinates ------------------------------------------------------ */

/* Unwrapped position x + H n (image flags count along periodic dims only). */
static void unwrap(const md *s, int i, double w[3])
{
    const box *b = &s->box;
    const int *n = s->atoms.image[i];
    for (int d = 0; d < 3; d++) {
        w[d] = s->atoms.x[i][d];
        for (int e = d; e < 3; e++)
            if (b->periodic[e])
                w[d] += b->h[d][e] * n[e];
    }
}

void min_unplace(const min_state *m, int i, double u[3])
{
    double w[3];
    unwrap(m->s, i, w);
    if (!m->nbox) {
        u[0] = w[0]; u[1] = w[1]; u[2] = w[2];
        return;
    }
    /* Solve A (u - c) = w - c, A upper triangular. */
    const double (*A)[3] = m->A;
    double r0 = w[0] - m->c[0], r1 = w[1] - m->c[1], r2 = w[2] - m->c[2];
    double v2 = r2 / A[2][2];
    double v1 = (r1 - A[1][2] * v2) / A[1][1];
    double v0 = (r0 - A[0][1] * v1 - A[0][2] * v2) / A[0][0];
    u[0] = m->c[0] + v0;
    u[1] = m->c[1] + v1;
    u[2] = m->c[2] + v2;
}

void min_place(const min_state *m, int i, const double u[3])
{
    const md *s = m->s;
    const box *b = &s->box;
    const int *n = s->atoms.image[i];
    double w[3];
    if (!m->nbox) {
        w[0] = u[0]; w[1] = u[1]; w[2] = u[2];
    } else {
        const double (*A)[3] = m->A;
        double v0 = u[0] - m->c[0], v1 = u[1] - m->c[1], v2 = u[2] - m->c[2];
        w[0] = m->c[0] + A[0][0] * v0 + A[0][1] * v1 + A[0][2] * v2;
        w[1] = m->c[1] + A[1][1] * v1 + A[1][2] * v2;
        w[2] = m->c[2] + A[2][2] * v2;
    }
    double *x = m->s->atoms.x[i];
    for (int d = 0; d < 3; d++) {
        double shift = 0.0;
        for (int e = d; e < 3; e++)
            if (b->periodic[e])
                shift += b->h[d][e] * n[e];
        x[d] = w[d] - shift;
    }
}

void min_set_box(min_state *m, const double q[MIN_NBOX_MAX])
{
    md *s = m->s;
    double A[3][3] = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
    if (m->nbox == 1) {
        double e = q[0] / m->qs[0];
        for (int d = 0; d < 3; d++)
            A[d][d] = 1.0 + e;
    } else {
        for (int d = 0; d < 3; d++)
            A[d][d] = 1.0 + q[d] / m->qs[d];
        if (m->nbox == 6) {
            A[0][1] = q[3] / m->qs[3];
            A[0][2] = q[4] / m->qs[4];
            A[1][2] = q[5] / m->qs[5];
        }
    }
    for (int d = 0; d < 3; d++)
        if (!(A[d][d] > 0.1))
            mg_fail_run("minimize: the box relaxation collapsed the box (strain %g along %c): the target pressure "
                        "cannot be reached", A[d][d] - 1.0, 'x' + d);
    /* H = A H0, both upper triangular. */
    double H[3][3] = {{0}};
    for (int a = 0; a < 3; a++)
        for (int b = a; b < 3; b++)
            for (int k = a; k <= b; k++)
                H[a][b] += A[a][k] * m->H0[k][b];
    box nb = s->box;
    for (int d = 0; d < 3; d++) {
        nb.lo[d] = m->c[d] - 0.5 * (H[d][0] + H[d][1] + H[d][2]);
        nb.hi[d] = nb.lo[d] + H[d][d];
    }
    nb.xy = H[0][1];
    nb.xz = H[0][2];
    nb.yz = H[1][2];
    box_update(&nb);
    char err[256];
    if (box_check_tilts(&nb, err, sizeof err) != 0)
        mg_fail_run("minimize: the box relaxation tilted the box too far: %s", err);
    memcpy(m->A, A, sizeof A);
    memcpy(m->q, q, sizeof m->q);
    md_change_box(s, &nb);
}

/* ---- evaluation --------------------------------------------------------- */

/* Atoms a fix holds (freeze, move: md.held) keep their positions: their
 * forces are zero, so no search direction moves them (the box relaxation
 * still maps them affinely, as LAMMPS' setforce 0 0 0 with box/relax). */
static void hold(md *s)
{
    if (!s->held)
        return;
    atoms *a = &s->atoms;
    for (int i = 0; i < a->nlocal; i++)
        if (a->mask[i] & s->held)
            memset(a->f[i], 0, sizeof a->f[i]);
}

/* Phi and the box's generalized forces from the last force call. */
static void after_force(min_state *m)
{
    md *s = m->s;
    hold(s);
    double V = s->box.volume;
    m->phi = s->epot + m->pt * V;
    if (!m->nbox)
        return;
    const double *w = s->virial;
    double M[3][3] = {{w[0], w[3], w[4]}, {w[3], w[1], w[5]}, {w[4], w[5], w[2]}};
    for (int d = 0; d < 3; d++)
        M[d][d] -= m->pt * V;
    /* Ainv, upper triangular. */
    double (*A)[3] = m->A;
    double Ai[3][3] = {{0}};
    Ai[0][0] = 1.0 / A[0][0];
    Ai[1][1] = 1.0 / A[1][1];
    Ai[2][2] = 1.0 / A[2][2];
    Ai[0][1] = -A[0][1] / (A[0][0] * A[1][1]);
    Ai[1][2] = -A[1][2] / (A[1][1] * A[2][2]);
    Ai[0][2] = (A[0][1] * A[1][2] - A[1][1] * A[0][2]) / (A[0][0] * A[1][1] * A[2][2]);
    /* F = M A^-T = -dPhi/dA. */
    double F[3][3];
    for (int a = 0; a < 3; a++)
        for (int b = 0; b < 3; b++) {
            double t = 0.0;
            for (int c = 0; c < 3; c++)
                t += M[a][c] * Ai[b][c];
            F[a][b] = t;
        }
    if (m->nbox == 1) {
        m->fq[0] = (F[0][0] + F[1][1] + F[2][2]) / m->qs[0];
    } else {
        for (int d = 0; d < 3; d++)
            m->fq[d] = F[d][d] / m->qs[d];
        if (m->nbox == 6) {
            m->fq[3] = F[0][1] / m->qs[3];
            m->fq[4] = F[0][2] / m->qs[4];
            m->fq[5] = F[1][2] / m->qs[5];
        }
    }
}

void min_eval(min_state *m)
{
    md_refresh(m->s, 0);
    md_force(m->s, 1);
    m->neval++;
    after_force(m);
}

double min_fnorm_sqr(const min_state *m)
{
    const atoms *a = &m->s->atoms;
    double loc = 0.0;
    for (int i = 0; i < a->nlocal; i++) {
        double fu[3];
        min_fu(m, i, fu);
        loc += fu[0] * fu[0] + fu[1] * fu[1] + fu[2] * fu[2];
    }
    double ff = par_sum_double(loc);
    for (int k = 0; k < m->nbox; k++)
        ff += m->fq[k] * m->fq[k];
    return ff;
}

int min_etol_met(const min_state *m, double ecur, double eprev)
{
    return m->p.etol > 0.0 &&
           fabs(ecur - eprev) < m->p.etol * 0.5 * (fabs(ecur) + fabs(eprev) + MIN_EPS_ENERGY);
}

/* ---- output ------------------------------------------------------------- */

static int thermo_due_at(const thermo *t, int64_t step, int64_t start, int64_t end)
{
    return step == start || step == end || (t->every > 0 && step % t->every == 0);
}

static void refresh_peratom(md *s)
{
    s->atoms.want_peratom = 1;
    md_force(s, 1);
    hold(s);
    s->atoms.want_peratom = 0;
}

void min_output(min_state *m)
{
    md *s = m->s;
    int64_t end = m->start + m->p.maxiter;
    int peratom = 0;
    if (!outputs_due(m->o, s->step, m->start, end, &peratom))
        return;
    /* Per-atom energies for a dump: one more force call at the same
     * positions (not counted as an evaluation; the forces are identical). */
    if (peratom)
        refresh_peratom(s);
    if (thermo_due_at(&m->o->thermo, s->step, m->start, end))
        m->thermo_last = s->step;
    outputs_write(m->o, s, m->start, end);
}

/* The last step of a minimisation is always written (thermo and dumps), as
 * LAMMPS does when a minimisation stops before its iteration limit. */
static void final_output(min_state *m)
{
    md *s = m->s;
    outputs *o = m->o;
    int peratom = 0;
    for (int k = 0; k < o->ndump; k++)
        if (o->dumps[k].last_step != s->step)
            peratom |= dump_needs_peratom(&o->dumps[k]);
    if (peratom)
        refresh_peratom(s);
    if (m->thermo_last != s->step) {
        thermo_output(&o->thermo, s, 1);
        m->thermo_last = s->step;
    }
    for (int k = 0; k < o->ndump; k++)
        if (o->dumps[k].last_step != s->step)
            dump_write(&o->dumps[k], s);
}

static void zero_velocities(md *s)
{
    memset(s->atoms.v, 0, (size_t)s->atoms.nlocal * sizeof *s->atoms.v);
}

/* Force 2-norm and largest component of the Cartesian atom forces. */
static void force_norms(const md *s, double *fnorm, double *fmax)
{
    const atoms *a = &s->atoms;
    double ff = 0.0, mx = 0.0;
    for (int i = 0; i < a->nlocal; i++)
        for (int d = 0; d < 3; d++) {
            double f = a->f[i][d];
            ff += f * f;
            if (fabs(f) > mx)
                mx = fabs(f);
        }
    *fnorm = sqrt(par_sum_double(ff));
    *fmax = par_max_double(mx);
}

static void report(const min_state *m, const min_result *r)
{
    const md *s = m->s;
    if (par_rank() != 0)
        return;
    double n = (double)s->atoms.natoms;
    const box *b = &s->box;
    printf("Minimization (%s", min_style_name(m->p.style));
    if (m->nbox)
        printf(", box %s to %.6g bar", min_box_name(m->p.box), m->p.ptarget);
    printf(") stopped: %s\n", min_stop_name(r->stop));
    printf("  Stopping criterion = %s\n", min_stop_name(r->stop));
    printf("  Energy initial, final = %.10f %.10f eV (%.10f %.10f eV/atom)\n", r->e0, r->e1, r->e0 / n, r->e1 / n);
    if (m->nbox && m->pt != 0.0)
        printf("  Enthalpy E + P V initial, final = %.10f %.10f eV\n", r->h0, r->h1);
    printf("  Force two-norm initial, final = %.8g %.8g eV/A\n", r->fnorm0, r->fnorm1);
    printf("  Force max component initial, final = %.8g %.8g eV/A\n", r->fmax0, r->fmax1);
    if (m->nbox)
        printf("  Force two-norm with the box's generalized forces = %.8g eV/A\n", r->gnorm1);
    printf("  Iterations, force evaluations = %lld %lld\n", (long long)r->niter, (long long)r->neval);
    printf("  Box lengths = %.10g %.10g %.10g A", b->len[0], b->len[1], b->len[2]);
    if (b->triclinic)
        printf(", tilts xy xz yz = %.6g %.6g %.6g A", b->xy, b->xz, b->yz);
    printf(", volume %.10g A^3\n", b->volume);
    const double *p = r->press;
    printf("  Pressure = %.6g bar (xx yy zz xy xz yz: %.6g %.6g %.6g %.6g %.6g %.6g bar)\n",
           (p[0] + p[1] + p[2]) / 3.0, p[0], p[1], p[2], p[3], p[4], p[5]);
    printf("  Loop time = %.6g s\n\n", r->wall);
    fflush(stdout);
}

/* ---- driver ------------------------------------------------------------- */

void minimize(md *s, outputs *o, const min_params *p, min_result *res)
{
    if (!s->have_box)
        mg_fail_all("minimize: no system yet");
    if (!s->pot)
        mg_fail_all("minimize: no potential chosen (use the potential command)");
    if (p->box != MIN_BOX_NONE)
        for (int d = 0; d < 3; d++)
            if (s->box.boundary[d] != 'p')
                mg_fail_all("minimize: box relaxation needs a periodic box, but %c is '%c'", 'x' + d,
                            s->box.boundary[d]);

    min_state m;
    memset(&m, 0, sizeof m);
    m.s = s;
    m.o = o;
    m.p = *p;
    m.prop = -1;

    /* Check the lists at every evaluation, as LAMMPS does for minimisation. */
    int every = s->nb.every, delay = s->nb.delay, check = s->nb.check;
    s->nb.every = 1;
    s->nb.delay = 0;
    s->nb.check = 1;

    zero_velocities(s);
    /* No thermostat acts here: econserve is the potential energy. The
     * ensemble's own state is untouched and back at the next run. */
    s->bath_energy = 0.0;
    s->atoms.want_peratom = 0;
    o->thermo.header_printed = 0;
    md_setup(s, 1);
    m.neval = 1;
    m.start = s->step;
    m.thermo_last = -1;

    /* Box degrees of freedom. */
    m.nbox = p->box == MIN_BOX_ISO ? 1 : p->box == MIN_BOX_ANISO ? 3 : p->box == MIN_BOX_TRI ? 6 : 0;
    memset(m.A, 0, sizeof m.A);
    for (int d = 0; d < 3; d++)
        m.A[d][d] = 1.0;
    memcpy(m.H0, s->box.h, sizeof m.H0);
    for (int d = 0; d < 3; d++)
        m.c[d] = s->box.lo[d] + 0.5 * (m.H0[d][0] + m.H0[d][1] + m.H0[d][2]);
    double natoms = (double)s->atoms.natoms;
    double len = sqrt(natoms) * cbrt(s->box.volume / natoms);
    for (int k = 0; k < m.nbox; k++) {
        m.qs[k] = m.nbox == 1 ? sqrt(3.0) * len : len;
        /* vmax limits the fractional volume change: 3 eps for iso. */
        m.qmax[k] = (m.nbox == 1 ? p->vmax / 3.0 : p->vmax) * m.qs[k];
    }
    m.pt = p->ptarget / MG_NKTV2P;
    after_force(&m);

    min_result r;
    memset(&r, 0, sizeof r);
    r.e0 = s->epot;
    r.h0 = m.phi;
    force_norms(s, &r.fnorm0, &r.fmax0);
    min_output(&m);

    double wall0 = par_wtime();
    int64_t niter = 0;
    enum min_stop stop;
    if (p->ftol > 0.0 && min_fnorm_sqr(&m) < p->ftol * p->ftol)
        stop = MIN_STOP_FTOL;
    else if (p->maxiter == 0)
        stop = MIN_STOP_MAXITER;
    else if (m.neval >= p->maxeval)
        stop = MIN_STOP_MAXEVAL;
    else
        stop = p->style == MIN_FIRE ? min_fire(&m, &niter) : min_cg(&m, &niter);

    /* The minimisers end with forces at the current positions. */
    zero_velocities(s);
    s->ready = 1;
    if (p->before_output)
        p->before_output(s, p->before_arg);
    final_output(&m);
    s->nb.every = every;
    s->nb.delay = delay;
    s->nb.check = check;

    r.stop = stop;
    r.niter = niter;
    r.neval = m.neval;
    r.e1 = s->epot;
    r.h1 = m.phi;
    force_norms(s, &r.fnorm1, &r.fmax1);
    r.gnorm1 = sqrt(min_fnorm_sqr(&m));
    for (int k = 0; k < 6; k++)
        r.press[k] = s->virial[k] / s->box.volume * MG_NKTV2P;
    r.wall = par_max_double(par_wtime() - wall0);
    /* Held atoms had their forces zeroed to keep them in place; give them
     * back the potential's forces, what a grip's torque is measured from
     * (torsion.c) and what "forces are current" promises. */
    if (s->held)
        md_force(s, 1);
    report(&m, &r);
    if (res)
        *res = r;
}
