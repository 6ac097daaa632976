/* The `profile` observer and its deck command (docs/analysis.md, "Radial
 * and slab profiles"):
 *
 *   profile NAME radial [axis] x|y|z bin DR file PREFIX [center C1 C2|auto]
 *           [range LO HI] [options]
 *   profile NAME normal x|y|z bin DR file PREFIX [origin Z|auto] [options]
 *     options: [extent D] [every N] [at_end yes|no] [window M [samples]]
 *              [group G] [voronoi VOBS] [torsion TFIX] [stress yes|no]
 *              [volume shell|voronoi] [reference untwisted|none] [recover F]
 *              [fit yes|no]
 *   profile NAME flush
 *
 * Profiles of a wire (radial: rho = distance from the axis through the
 * centre) or a slab (normal: |z|, the distance from the mid-plane along the
 * normal, both sides folded together), in bins of width DR from 0 to the
 * extent. Per bin and per sample: the atom count, the number density
 * (count / bin volume: pi (b^2 - a^2) L for a shell of the wire, L the
 * length profiled; 2 A (b - a) for the two slices of a slab, A the box's
 * cross-section), the fraction of each element, the mean potential energy
 * per atom, with `voronoi VOBS` the mean Voronoi volume and the fraction of
 * <0,0,12,0> atoms, and with `stress yes` (the default under `torsion`)
 * the local shear stress tau_zt = e_z . sigma . e_theta, sigma_i = -(m v v +
 * W_i) / Omega_i from each atom's virial W_i (half of each pair term, as
 * dumps' sxx ... syz) and an atomic volume Omega_i: the shell's volume over
 * its atoms (`volume shell`: tau of a shell = sum_i S_i / V_shell) or the
 * atom's Voronoi volume (`volume voronoi`). Under a torsion fix, the local
 * modulus G = tau_zt / gamma with gamma = phi <rho> / L_gauge (the fix's
 * twist angle, the bin's mean atomic radius, the gauge length); with
 * `reference untwisted`, G = (tau_zt - tau_zt,0) / gamma, tau_zt,0 the
 * shell's mean stress over the profile's samples at zero twist (a glass
 * wire's residual shear stresses are larger than G gamma at small twists).
 *
 * A window of M samples gives one row per bin in PREFIX.csv: the means
 * over the samples and their standard errors from the sample-to-sample
 * scatter (s / sqrt(M); NaN for M = 1), and one row of fits in
 * PREFIX_fits.csv (analysis/profile_fit.h): the tanh profile of the
 * density (n_core, R0, w, standard errors from the residual variance) and
 * of G, the recovery depths, and the rho^2-weighted mean of G (the
 * modulus of a uniform wire of the same torsional rigidity). A window closes only when its M samples
 * are in (or at `profile NAME flush`), not at the end of a run.
 *
 * The forces of the sampled step are recomputed with per-atom energies
 * and virials (one extra force call per sample; the step's forces,
 * energy and virial are put back, so the trajectory and thermo are
 * untouched). The Voronoi observer VOBS is sampled at the profile's
 * steps (a no-op if it was at this step, except under `analyze`, after
 * which atoms may have been edited at the same step). The centre
 * (`center auto`, `origin auto`) is the centre of
 * mass of the profiled atoms in unwrapped coordinates, summed exactly
 * (parallel/repro.h), so every rank count bins every atom alike;
 * distances are minimum images. Every rank holds the same reduced
 * histograms (one sum per sample, then rank 0's values broadcast);
 * rank 0 writes. Checkpoints keep the window's accumulators, the bins and
 * both files' lengths, so a restart mid-window continues the tables byte
 * for byte (io/funnel.h text_resume). Communication per sample: one
 * exact sum (the centre), the force call, one max (the first sample's
 * extent), one sum and one broadcast of the histograms. */
#include "analysis/profile_fit.h"
#include "core/error.h"
#include "core/units.h"
#include "deck/deck.h"
#include "fix/torsion.h"
#include "io/checkpoint.h"
#include "io/claim.h"
#include "io/funnel.h"
#include "parallel/parallel.h"
#include "parallel/repro.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cmd_profile(deck *dk);

#define EV_PER_A3_IN_GPA (MG_NKTV2P * 1e-4)
#define PROFILE_MAX_SPECIES 16

enum { MODE_RADIAL, MODE_NORMAL };
enum { VOL_SHELL, VOL_VORONOI };
enum { CENTER_AUTO, CENTER_FIXED, CENTER_TORSION };

/* Per bin and sample (accumulated as count, mean, M2: Welford). */
enum { Q_ATOMS, Q_DENS, Q_PE, Q_VOL, Q_ICO, Q_TAU, Q_GAMMA, Q_G, Q_X0 };
/* Per bin, summed over this rank's atoms. */
enum { L_CNT, L_PE, L_VOL, L_ICO, L_RHO, L_TAU, L_SP0 };
/* Window means of the geometry. */
enum { M_C1, M_C2, M_LEN, M_PHI, M_GAUGE, M_OUTSIDE, M_TIME, M_N };

typedef struct prof {
    int mode, axis, p1, p2;     /* (p1 p2 axis) cyclic                       */
    int center_mode;
    double center[2];           /* radial, fixed: p1, p2 coordinates (A)    */
    int origin_auto;
    double origin;              /* normal: A                                 */
    int have_range;
    double range[2];            /* radial: along the axis (A)                */
    double dr, extent_user;     /* A; extent 0: from the first sample        */
    int group, window, stress, volume, fit;
    int subtract;               /* reference untwisted: G from tau - tau(0)  */
    double *tref, *tref_n;      /* [nbins]: sum and count of tau at phi = 0  */
    int warned_ref;
    double recover;
    char vname[64], tname[FIX_NAME_LEN];
    outputs *out;
    fix_list *fixes;
    char path_tab[1100], path_fit[1100];
    FILE *ftab, *ffit;          /* rank 0                                    */
    /* Resolved at the first sample or from a checkpoint. */
    int resolved, nbins;
    double extent;
    int ntypes, nspecies;
    int sp_of_type[65];
    char species[PROFILE_MAX_SPECIES][16];
    int nq;
    double *acc;                /* [nbins][nq][3]                            */
    double meta[M_N];
    int64_t nsamp, window_no, first_step, last_step;
    int header_done, warned;
    int64_t seen_step;          /* step of this observer's last sample       */
    double *fsave;
    int fcap;
} prof;

static const observer_ops prof_ops;

static double sq(double x) { return x * x; }

/* How far inward a recovered profile must stay in its band: 3 A (about an
 * atomic layer, so a layering oscillation counts), at least 3 bins. */
static int stay_bins(const prof *p)
{
    int n = (int)ceil(3.0 / p->dr - 1e-9);
    return n < 3 ? 3 : n;
}

static int voigt(int a, int b)
{
    static const int v[3][3] = {{0, 3, 4}, {3, 1, 5}, {4, 5, 2}};
    return v[a][b];
}

/* ---- resolving bins and species ---------------------------------------------- */

static void species_of(prof *p, const atoms *a)
{
    if (a->ntypes > 64)
        mg_fail_all("profile: more than 64 atom types");
    p->ntypes = a->ntypes;
    p->nspecies = 0;
    for (int t = 1; t <= a->ntypes; t++) {
        char nm[16];
        if (a->element[t][0])
            snprintf(nm, sizeof nm, "%s", a->element[t]);
        else
            snprintf(nm, sizeof nm, "type%d", t);
        int k = 0;
        while (k < p->nspecies && strcmp(p->species[k], nm))
            k++;
        if (k == p->nspecies) {
            if (k == PROFILE_MAX_SPECIES)
                mg_fail_all("profile: more than %d elements", PROFILE_MAX_SPECIES);
            snprintf(p->species[p->nspecies++], sizeof p->species[0], "%s", nm);
        }
        p->sp_of_type[t] = k;
    }
}

static void alloc_acc(prof *p)
{
    p->nq = Q_X0 + p->nspecies;
    free(p->acc);
    p->acc = mg_calloc((size_t)p->nbins * p->nq * 3, sizeof *p->acc);
    if (p->subtract) {
        free(p->tref);
        free(p->tref_n);
        p->tref = mg_calloc((size_t)p->nbins, sizeof *p->tref);
        p->tref_n = mg_calloc((size_t)p->nbins, sizeof *p->tref_n);
    }
}

static void reset_window(prof *p)
{
    if (p->acc)
        memset(p->acc, 0, (size_t)p->nbins * p->nq * 3 * sizeof *p->acc);
    memset(p->meta, 0, sizeof p->meta);
    p->nsamp = 0;
    p->first_step = p->last_step = -1;
}

/* ---- geometry of a sample ------------------------------------------------------ */

typedef struct geom {
    double c[3];                /* centre (radial: on the axis) / origin     */
    int have_range;
    double lo, hi;              /* radial: the section profiled (A)          */
    double len;                 /* radial: L of the shells; normal: area A   */
    double phi, gauge;          /* torsion: rad, A (phi NaN without)         */
} geom;

static void torsion_of(const observer *ob, const prof *p, torsion_geometry *g)
{
    fix *f = fixes_find(p->fixes, p->tname);
    if (!f)
        mg_fail_all("profile %s: the torsion fix '%s' has gone (unfix); unobserve the profile first", ob->name,
                    p->tname);
    if (torsion_geometry_of(f, g) != 0)
        mg_fail_all("profile %s: fix '%s' is a %s fix now, not a torsion fix", ob->name, p->tname, f->ops->kind);
    if (g->axis != p->axis)
        mg_fail_all("profile %s: the torsion fix '%s' twists about %c, the profile's axis is %c", ob->name, p->tname,
                    'x' + g->axis, 'x' + p->axis);
}

/* Displacement of x from c, minimum image along the periodic dimensions. */
static void min_image(const box *b, const double x[3], const double c[3], double d[3])
{
    const double v[3] = {x[0] - c[0], x[1] - c[1], x[2] - c[2]};
    box_min_image(b, v, d);
}

static int selected(const prof *p, const geom *g, const atoms *a, const box *b, int i, double xu[3])
{
    if (!(a->mask[i] & group_bit(p->group)))
        return 0;
    box_unwrap(b, a->x[i], a->image[i], xu);
    return !g->have_range || (a->x[i][p->axis] >= g->lo && a->x[i][p->axis] <= g->hi);
}

/* The box must let shells (slices) be what they are taken to be. */
static void check_box(const observer *ob, const prof *p, const box *b)
{
    static const char *tilt[3] = {"xy", "xz", "yz"};
    if (p->mode == MODE_RADIAL) {
        /* A periodic axis: its box edge must lie along it. */
        if (b->periodic[p->axis] && ((p->axis == 1 && b->xy != 0) || (p->axis == 2 && (b->xz != 0 || b->yz != 0))))
            mg_fail_all("profile %s: the box edge along the periodic axis %c is tilted (%s = %g A): the wire's "
                        "periodic images would not line up along %c",
                        ob->name, 'x' + p->axis, p->axis == 1 ? tilt[0] : (b->xz != 0 ? tilt[1] : tilt[2]),
                        p->axis == 1 ? b->xy : (b->xz != 0 ? b->xz : b->yz), 'x' + p->axis);
        if (!b->periodic[p->axis] && !p->have_range && !p->tname[0])
            mg_fail_all("profile %s: the axis %c is not periodic, so the box length is not the wire's; give "
                        "'range LO HI' (the section profiled) or 'torsion TFIX'", ob->name, 'x' + p->axis);
    } else {
        int d = p->axis;
        for (int k = 0; k < 3; k++)
            if (k != d && !b->periodic[k])
                mg_fail_all("profile %s: a slab profile along %c needs the box periodic along %c and %c (the "
                            "slices' area is the box's cross-section), but %c is not",
                            ob->name, 'x' + d, 'x' + (d + 1) % 3, 'x' + (d + 2) % 3, 'x' + k);
        /* The in-plane edges must be perpendicular to the normal. */
        if ((d == 0 && (b->xy != 0 || b->xz != 0)) || (d == 1 && b->yz != 0))
            mg_fail_all("profile %s: the box's in-plane edges are tilted out of the plane normal to %c (%s); slab "
                        "profiles need %s", ob->name, 'x' + d, d == 0 ? "xy or xz nonzero" : "yz nonzero",
                        d == 0 ? "xy = xz = 0" : "yz = 0");
    }
}

static void geometry(const observer *ob, prof *p, md *s, geom *g)
{
    const atoms *a = &s->atoms;
    const box *b = &s->box;
    memset(g, 0, sizeof *g);
    g->phi = g->gauge = NAN;
    check_box(ob, p, b);
    torsion_geometry tg;
    memset(&tg, 0, sizeof tg);
    if (p->tname[0]) {
        torsion_of(ob, p, &tg);
        g->have_range = 1;
        g->lo = tg.lo;
        g->hi = tg.hi;
        g->phi = tg.phi;
        g->gauge = tg.gauge;
        if (!(tg.hi > tg.lo) || !(tg.gauge > 0))
            mg_fail_all("profile %s: the torsion fix '%s' has an empty gauge section [%g, %g] A", ob->name, p->tname,
                        tg.lo, tg.hi);
    } else if (p->have_range) {
        g->have_range = 1;
        g->lo = p->range[0];
        g->hi = p->range[1];
    }
    if (p->mode == MODE_RADIAL)
        g->len = g->have_range ? g->hi - g->lo : b->len[p->axis];
    else
        g->len = b->volume / b->len[p->axis];

    /* Centre of mass of the profiled atoms, summed exactly. */
    int autoc = p->mode == MODE_RADIAL ? p->center_mode == CENTER_AUTO : p->origin_auto;
    if (autoc) {
        double *t = mg_malloc((size_t)(4 * a->nlocal + 4) * sizeof *t);
        int n = 0;
        for (int i = 0; i < a->nlocal; i++) {
            double xu[3];
            if (!selected(p, g, a, b, i, xu))
                continue;
            double m = atoms_mass(a, i);
            for (int d = 0; d < 3; d++)
                t[4 * n + d] = m * xu[d];
            t[4 * n + 3] = m;
            n++;
        }
        double sum[4];
        repro_sum(t, n, 4, 4, sum);
        free(t);
        if (!(sum[3] > 0))
            mg_fail_all("profile %s: no atoms to profile (the group%s is empty)", ob->name,
                        g->have_range ? " within the section" : "");
        for (int d = 0; d < 3; d++)
            g->c[d] = sum[d] / sum[3];
    }
    if (p->mode == MODE_RADIAL) {
        if (p->center_mode == CENTER_FIXED) {
            g->c[p->p1] = p->center[0];
            g->c[p->p2] = p->center[1];
        } else if (p->center_mode == CENTER_TORSION) {
            g->c[p->p1] = tg.center[p->p1];
            g->c[p->p2] = tg.center[p->p2];
        }
    } else if (!p->origin_auto) {
        g->c[p->axis] = p->origin;
    }
}

/* Distance of atom i (unwrapped xu) from the centre, and the in-plane
 * displacement (radial). */
static double distance(const prof *p, const box *b, const geom *g, const double xu[3], double d[3])
{
    double c[3] = {g->c[0], g->c[1], g->c[2]};
    if (p->mode == MODE_RADIAL) {
        c[p->axis] = xu[p->axis];
        min_image(b, xu, c, d);
        d[p->axis] = 0.0;
        return sqrt(sq(d[p->p1]) + sq(d[p->p2]));
    }
    /* Normal: only the coordinate along it matters. */
    for (int k = 0; k < 3; k++)
        if (k != p->axis)
            c[k] = xu[k];
    min_image(b, xu, c, d);
    return fabs(d[p->axis]);
}

/* Bins from the first sample: the farthest profiled atom plus a margin
 * (the fit needs the empty bins beyond the surface), at most half the
 * periodic box across (shells or slices would meet their images). */
static void resolve(observer *ob, prof *p, md *s, const geom *g)
{
    const atoms *a = &s->atoms;
    const box *b = &s->box;
    double fd[3], cap = INFINITY;
    box_face_distances(b, fd);
    for (int k = 0; k < 3; k++) {
        int across = p->mode == MODE_RADIAL ? k != p->axis : k == p->axis;
        if (across && b->periodic[k])
            cap = fmin(cap, 0.5 * fd[k]);
    }
    double ext = p->extent_user;
    if (ext > 0) {
        if (ext > cap * (1 + 1e-12))
            mg_fail_all("profile %s: extent %g A is more than half the periodic box across (%g A), where %s would "
                        "meet their periodic images", ob->name, ext, cap, p->mode == MODE_RADIAL ? "shells" : "slices");
    } else {
        double far = 0.0;
        for (int i = 0; i < a->nlocal; i++) {
            double xu[3], d[3];
            if (selected(p, g, a, b, i, xu))
                far = fmax(far, distance(p, b, g, xu, d));
        }
        far = par_max_double(far);
        ext = fmin(far + fmax(4.0 * p->dr, 4.0), cap);
    }
    p->nbins = (int)ceil(ext / p->dr - 1e-9);
    if (p->nbins < 1)
        p->nbins = 1;
    if (p->nbins > 1000000)
        mg_fail_all("profile %s: %g A in bins of %g A is more than a million bins", ob->name, ext, p->dr);
    p->extent = p->nbins * p->dr;
    species_of(p, a);
    alloc_acc(p);
    reset_window(p);
    p->resolved = 1;
}

/* ---- forces with per-atom energies and virials ------------------------------------ */

/* One force call at the current positions with per-atom energy and virial;
 * the step's forces, energy and virial are put back afterwards. */
static void peratom_forces(prof *p, md *s)
{
    atoms *a = &s->atoms;
    if (a->nlocal > p->fcap) {
        p->fcap = a->nlocal + a->nlocal / 4 + 16;
        p->fsave = mg_realloc(p->fsave, (size_t)p->fcap * 3 * sizeof *p->fsave);
    }
    memcpy(p->fsave, a->f, (size_t)a->nlocal * sizeof *a->f);
    double epot = s->epot, vir[6];
    memcpy(vir, s->virial, sizeof vir);
    int64_t at = s->energy_at;
    int want = a->want_peratom;
    a->want_peratom = 1;
    md_force(s, 1);
    a->want_peratom = want;
    memcpy(a->f, p->fsave, (size_t)a->nlocal * sizeof *a->f);
    s->epot = epot;
    memcpy(s->virial, vir, sizeof vir);
    s->energy_at = at;
}

/* ---- sampling ------------------------------------------------------------------ */

static void welford(double *acc, double x)
{
    if (!isfinite(x))
        return;
    acc[0] += 1.0;
    double d = x - acc[1];
    acc[1] += d / acc[0];
    acc[2] += d * (x - acc[1]);
}

static double bin_volume(const prof *p, const geom *g, int k)
{
    double lo = k * p->dr, hi = (k + 1) * p->dr;
    if (p->mode == MODE_RADIAL)
        return M_PI * (hi * hi - lo * lo) * g->len;
    return 2.0 * g->len * (hi - lo);
}

static void write_window(observer *ob, prof *p);

static void prof_sample(observer *ob, md *s)
{
    prof *p = ob->data;
    atoms *a = &s->atoms;
    const box *b = &s->box;
    geom g;
    geometry(ob, p, s, &g);
    if (!p->resolved)
        resolve(ob, p, s, &g);
    if (a->ntypes != p->ntypes)
        mg_fail_all("profile %s: the system has %d atom types, the profile's accumulators %d", ob->name, a->ntypes,
                    p->ntypes);
    if (p->stress && !s->pot)
        mg_fail_all("profile %s: the stress profile needs a potential (per-atom virials)", ob->name);

    /* Voronoi columns, fresh at this step. */
    const double *vol = NULL, *n5 = NULL, *cn = NULL;
    if (p->vname[0]) {
        observer *v = outputs_find_observer(p->out, p->vname);
        if (!v || strcmp(v->ops->kind, "voronoi"))
            mg_fail_all("profile %s: its voronoi observer '%s' has gone (unobserve the profile first)", ob->name,
                        p->vname);
        /* `analyze NAME` (which resets the observer's last step) may come
         * after an edit at the same step: then the Voronoi cells are made
         * again. In a run, VOBS sampled at this step is current. */
        if (ob->last_step != p->seen_step)
            v->last_step = -1;
        observer_sample(v, s);
        const char *col[3] = {"vol", "n5", "cn"};
        const double **dst[3] = {&vol, &n5, &cn};
        for (int k = 0; k < 3; k++) {
            char name[160];
            snprintf(name, sizeof name, "%s_%s", p->vname, col[k]);
            int q = atoms_find_prop(a, name);
            if (q < 0)
                mg_fail_all("profile %s: per-atom column %s has gone", ob->name, name);
            *dst[k] = a->prop[q].data;
        }
    }
    if (s->pot)
        peratom_forces(p, s);

    const int nl = L_SP0 + p->nspecies, nb = p->nbins;
    const size_t nloc = (size_t)nb * nl + 1;
    double *loc = mg_calloc(nloc, sizeof *loc), *glob = mg_malloc(nloc * sizeof *glob);
    for (int i = 0; i < a->nlocal; i++) {
        double xu[3], d[3];
        if (!selected(p, &g, a, b, i, xu))
            continue;
        double r = distance(p, b, &g, xu, d);
        /* On the axis (to round-off): no direction theta, no shear strain. */
        if (p->mode == MODE_RADIAL && r < 1e-9 * p->dr)
            r = 0.0;
        int k = (int)floor(r / p->dr);
        if (k >= nb) {
            loc[(size_t)nb * nl] += 1.0;
            continue;
        }
        double *x = loc + (size_t)k * nl;
        x[L_CNT] += 1.0;
        x[L_SP0 + p->sp_of_type[a->type[i]]] += 1.0;
        if (s->pot)
            x[L_PE] += a->eatom[i];
        if (vol) {
            x[L_VOL] += vol[i];
            x[L_ICO] += n5[i] == 12 && cn[i] == 12;
        }
        x[L_RHO] += r;
        if (p->stress && r > 0) {
            /* S = -(m v v + W) (eV), v peculiar under a streaming flow. */
            double v[3] = {a->v[i][0], a->v[i][1], a->v[i][2]}, u[3], S[6];
            if (s->flow) {
                md_streaming(s, i, u);
                for (int c = 0; c < 3; c++)
                    v[c] -= u[c];
            }
            double m = atoms_mass(a, i) * MG_MVV2E;
            static const int ab[6][2] = {{0, 0}, {1, 1}, {2, 2}, {0, 1}, {0, 2}, {1, 2}};
            for (int c = 0; c < 6; c++)
                S[c] = -(m * v[ab[c][0]] * v[ab[c][1]] + a->vatom[i][c]);
            /* e_z . S . e_theta, e_theta = (d_p1 e_p2 - d_p2 e_p1) / rho. */
            int z = p->axis;
            double szt = (d[p->p1] * S[voigt(z, p->p2)] - d[p->p2] * S[voigt(z, p->p1)]) / r;
            if (p->volume == VOL_VORONOI) {
                if (!(vol[i] > 0))
                    mg_fail_one("profile %s: atom %lld has Voronoi volume %g A^3", ob->name, (long long)a->id[i],
                                vol[i]);
                szt /= vol[i];
            }
            x[L_TAU] += szt;
        }
    }
    par_sum_doubles(loc, glob, (int)nloc);
    par_bcast_doubles(glob, nloc, 0); /* the same bits on every rank */
    free(loc);

    double outside = glob[(size_t)nb * nl];
    if (outside > 0 && !p->warned) {
        mg_warn("profile %s: %.0f atom%s beyond the extent %g A at step %lld (not profiled; give a larger "
                "'extent')", ob->name, outside, outside == 1 ? " lies" : "s lie", p->extent, (long long)s->step);
        p->warned = 1;
    }
    double strain = p->tname[0] && g.phi != 0 ? g.phi / g.gauge : NAN; /* gamma / rho */
    for (int k = 0; k < nb; k++) {
        const double *x = glob + (size_t)k * nl;
        double n = x[L_CNT], V = bin_volume(p, &g, k), inv = n > 0 ? 1.0 / n : NAN;
        double q[Q_X0 + PROFILE_MAX_SPECIES];
        q[Q_ATOMS] = n;
        q[Q_DENS] = n / V;
        q[Q_PE] = s->pot ? x[L_PE] * inv : NAN;
        q[Q_VOL] = vol ? x[L_VOL] * inv : NAN;
        q[Q_ICO] = vol ? x[L_ICO] * inv : NAN;
        q[Q_TAU] = NAN;
        if (p->stress)
            q[Q_TAU] = EV_PER_A3_IN_GPA * (p->volume == VOL_SHELL ? x[L_TAU] / V : x[L_TAU] * inv);
        q[Q_GAMMA] = strain * x[L_RHO] * inv;
        q[Q_G] = q[Q_TAU] / q[Q_GAMMA];
        if (p->subtract) {
            /* The untwisted wire's residual stress profile (its mean over
             * the samples at phi = 0) taken out of tau before dividing. */
            if (g.phi == 0 && isfinite(q[Q_TAU])) {
                p->tref[k] += q[Q_TAU];
                p->tref_n[k] += 1.0;
            }
            q[Q_G] = p->tref_n[k] > 0 ? (q[Q_TAU] - p->tref[k] / p->tref_n[k]) / q[Q_GAMMA] : NAN;
            if (g.phi != 0 && !(p->tref_n[k] > 0) && n > 0 && !p->warned_ref) {
                mg_warn("profile %s: 'reference untwisted' but no sample at zero twist yet: G is nan until the "
                        "profile has sampled the wire at phi = 0", ob->name);
                p->warned_ref = 1;
            }
        }
        for (int sp = 0; sp < p->nspecies; sp++)
            q[Q_X0 + sp] = x[L_SP0 + sp] * inv;
        for (int j = 0; j < p->nq; j++)
            welford(p->acc + ((size_t)k * p->nq + j) * 3, q[j]);
    }
    free(glob);

    double gm[M_N] = {g.c[p->mode == MODE_RADIAL ? p->p1 : p->axis], p->mode == MODE_RADIAL ? g.c[p->p2] : NAN,
                      g.len, g.phi, g.gauge, outside, s->time};
    for (int k = 0; k < M_N; k++)
        p->meta[k] += gm[k];
    p->meta[M_TIME] = s->time;
    if (p->first_step < 0)
        p->first_step = s->step;
    p->last_step = s->step;
    p->seen_step = s->step;
    p->nsamp++;
    if (p->nsamp >= p->window)
        write_window(ob, p);
}

/* ---- writing a window ------------------------------------------------------------ */

/* 15 significant digits (a rank count's round-off shows at most in the
 * last one). */
static void put(textbuf *t, double v)
{
    if (isnan(v))
        tb_printf(t, ",nan");
    else
        tb_printf(t, ",%.15g", v);
}

static void check_write(FILE *f, const char *path)
{
    if (fflush(f) != 0 || ferror(f))
        mg_fail_one("profile: writing %s failed: %s", path, strerror(errno));
}

static const char *coord_name(const prof *p) { return p->mode == MODE_RADIAL ? "r" : "z"; }

static void write_headers(prof *p)
{
    const char *c = coord_name(p);
    textbuf t = {NULL, 0, 0};
    tb_printf(&t, "window,step_first,step_last,samples,%s_lo[A],%s_hi[A],%s[A],atoms[1],atoms_se[1],"
                  "density[1/A^3],density_se[1/A^3]", c, c, c);
    for (int sp = 0; sp < p->nspecies; sp++)
        tb_printf(&t, ",x_%s[1],x_%s_se[1]", p->species[sp], p->species[sp]);
    tb_printf(&t, ",pe[eV/atom],pe_se[eV/atom]");
    if (p->vname[0])
        tb_printf(&t, ",vol[A^3],vol_se[A^3],ico[1],ico_se[1]");
    if (p->stress)
        tb_printf(&t, ",tau_zt[GPa],tau_zt_se[GPa]");
    if (p->tname[0])
        tb_printf(&t, ",gamma[1],G[GPa],G_se[GPa]");
    tb_putc(&t, '\n');
    fputs(t.s, p->ftab);
    tb_free(&t);
    if (!p->ffit)
        return;
    int rad = p->mode == MODE_RADIAL;
    const char *R = rad ? "R0" : "h0";
    t = (textbuf){NULL, 0, 0};
    tb_printf(&t, "window,step_first,step_last,samples,time[ps],%s,%s,outside[1],recover[1]",
              rad ? "center_1[A],center_2[A]" : "origin[A]", rad ? "length[A]" : "area[A^2]");
    if (p->tname[0])
        tb_printf(&t, ",phi[rad],gauge[A]");
    tb_printf(&t, ",n_core[1/A^3],n_core_se[1/A^3],%s[A],%s_se[A],w[A],w_se[A]", R, R);
    if (!rad)
        tb_printf(&t, ",thickness[A],thickness_se[A]");
    tb_printf(&t, ",n_bins,n_rms[1/A^3],n_sharp,n_depth_tanh[A],n_depth_tanh_se[A],n_depth_data[A]");
    if (p->tname[0])
        tb_printf(&t, ",G_core[GPa],G_core_se[GPa],R_G[A],R_G_se[A],w_G[A],w_G_se[A],G_bins,G_rms[GPa],"
                      "G_depth_tanh[A],G_depth_tanh_se[A],G_depth_data[A],G_rho2[GPa],G_rho2_se[GPa]");
    tb_putc(&t, '\n');
    fputs(t.s, p->ffit);
    tb_free(&t);
}

static double mean_of(const prof *p, int k, int q) { return p->acc[((size_t)k * p->nq + q) * 3 + 1]; }

static double count_of(const prof *p, int k, int q) { return p->acc[((size_t)k * p->nq + q) * 3]; }

static double se_of(const prof *p, int k, int q)
{
    const double *x = p->acc + ((size_t)k * p->nq + q) * 3;
    return x[0] >= 2 ? sqrt(x[2] / (x[0] - 1.0) / x[0]) : NAN;
}

static double value_of(const prof *p, int k, int q) { return count_of(p, k, q) > 0 ? mean_of(p, k, q) : NAN; }

static void put_pair(textbuf *t, const prof *p, int k, int q)
{
    put(t, value_of(p, k, q));
    put(t, count_of(p, k, q) > 0 ? se_of(p, k, q) : NAN);
}

/* A tanh fit's a, r0, w, each followed by its standard error. */
static void put_fit(textbuf *t, const pf_tanh *f)
{
    for (int k = 0; k < PF_NPAR; k++) {
        put(t, f->p[k]);
        put(t, f->se[k]);
    }
}

/* The fits of a window into the fits table and a line on screen (rank 0). */
static void write_fits(observer *ob, prof *p, textbuf *t)
{
    const int nb = p->nbins, rad = p->mode == MODE_RADIAL, tor = p->tname[0] != 0;
    const double ns = (double)p->nsamp, f = p->recover, c = atanh(2.0 * f - 1.0);
    double *lo = mg_malloc((size_t)nb * sizeof *lo), *hi = mg_malloc((size_t)nb * sizeof *hi);
    double *mid = mg_malloc((size_t)nb * sizeof *mid), *y = mg_malloc((size_t)nb * sizeof *y);
    double *wt = mg_malloc((size_t)nb * sizeof *wt);
    for (int k = 0; k < nb; k++) {
        lo[k] = k * p->dr;
        hi[k] = (k + 1) * p->dr;
        mid[k] = 0.5 * (lo[k] + hi[k]);
        y[k] = value_of(p, k, Q_DENS);
        wt[k] = rad ? hi[k] * hi[k] - lo[k] * lo[k] : 1.0; /* the bin's volume: Var(n) ~ n / V */
    }
    pf_tanh fn;
    pf_fit_tanh(lo, hi, y, wt, nb, &fn);
    double dn_tanh = pf_tanh_depth(&fn, f, fn.p[PF_R0]);
    double dn_data = pf_recovery_depth(mid, y, nb, fn.p[PF_A], f, fn.p[PF_R0], stay_bins(p));

    tb_printf(t, "%lld,%lld,%lld,%lld", (long long)p->window_no, (long long)p->first_step, (long long)p->last_step,
              (long long)p->nsamp);
    put(t, p->meta[M_TIME]);
    put(t, p->meta[M_C1] / ns);
    if (rad)
        put(t, p->meta[M_C2] / ns);
    put(t, p->meta[M_LEN] / ns);
    put(t, p->meta[M_OUTSIDE] / ns);
    put(t, f);
    if (tor) {
        put(t, p->meta[M_PHI] / ns);
        put(t, p->meta[M_GAUGE] / ns);
    }
    put_fit(t, &fn);
    if (!rad) {
        put(t, 2.0 * fn.p[PF_R0]);
        put(t, 2.0 * fn.se[PF_R0]);
    }
    tb_printf(t, ",%d", fn.n);
    put(t, fn.rms);
    tb_printf(t, ",%d", fn.sharp);
    put(t, dn_tanh);
    put(t, c * fn.se[PF_W]);
    put(t, dn_data);

    pf_tanh fg;
    memset(&fg, 0, sizeof fg);
    double dg_tanh = NAN, dg_data = NAN, dg_se = NAN, g_rho2 = NAN;
    if (tor) {
        for (int k = 0; k < nb; k++) {
            y[k] = value_of(p, k, Q_G);
            /* Var(G) = Var(tau) / gamma^2 ~ 1 / (atoms gamma^2): the shells
             * near the axis, where gamma -> 0, carry little of G. */
            wt[k] = value_of(p, k, Q_ATOMS) * sq(value_of(p, k, Q_GAMMA));
        }
        pf_fit_tanh(lo, hi, y, wt, nb, &fg);
        dg_tanh = pf_tanh_depth(&fg, f, fn.p[PF_R0]);
        dg_se = sqrt(sq(fn.se[PF_R0]) + fg.cov[PF_R0][PF_R0] + c * c * fg.cov[PF_W][PF_W] -
                     2.0 * c * fg.cov[PF_R0][PF_W]);
        dg_data = pf_recovery_depth(mid, y, nb, fg.p[PF_A], f, fn.p[PF_R0], stay_bins(p));
        put_fit(t, &fg);
        tb_printf(t, ",%d", fg.n);
        put(t, fg.rms);
        put(t, dg_tanh);
        put(t, dg_se);
        put(t, dg_data);
        /* The rho^2-weighted G of the graded profile: what a uniform
         * cylinder of the same torsional rigidity would have (T = (phi/L)
         * sum_i G_i rho_i^2 Omega_i), each shell weighted by its atoms
         * times <rho>^2 (gamma^2 is proportional to it). */
        double num = 0.0, den = 0.0, var = 0.0;
        for (int k = 0; k < nb; k++) {
            const double g = value_of(p, k, Q_G), n = value_of(p, k, Q_ATOMS), gm = value_of(p, k, Q_GAMMA);
            if (!isfinite(g) || !(n > 0) || !isfinite(gm))
                continue;
            const double w = n * gm * gm, se = count_of(p, k, Q_G) > 0 ? se_of(p, k, Q_G) : NAN;
            num += w * g;
            den += w;
            var += sq(w * se);
        }
        g_rho2 = den > 0 ? num / den : NAN;
        put(t, g_rho2);
        put(t, den > 0 ? sqrt(var) / den : NAN);
    }
    tb_putc(t, '\n');

    printf("profile %s: window %lld (steps %lld-%lld, %lld sample%s): %s = %.6g +- %.2g A, w = %.4g +- %.2g A, "
           "n_core = %.6g +- %.2g 1/A^3, depth to %g %% of the core density %.4g A (tanh) %.4g A (data)",
           ob->name, (long long)p->window_no, (long long)p->first_step, (long long)p->last_step,
           (long long)p->nsamp, p->nsamp == 1 ? "" : "s", rad ? "R0" : "half thickness h0", fn.p[PF_R0],
           fn.se[PF_R0], fn.p[PF_W], fn.se[PF_W], fn.p[PF_A], fn.se[PF_A], 100.0 * f, dn_tanh, dn_data);
    if (tor)
        printf("; G_core = %.5g +- %.2g GPa, G recovers to %g %% at depth %.4g A (tanh) %.4g A (data); "
               "rho^2-weighted G = %.5g GPa", fg.p[PF_A], fg.se[PF_A], 100.0 * f, dg_tanh, dg_data, g_rho2);
    printf("\n");
    fflush(stdout);
    free(lo);
    free(hi);
    free(mid);
    free(y);
    free(wt);
}

static void write_window(observer *ob, prof *p)
{
    if (p->nsamp == 0)
        return;
    p->window_no++;
    if (par_rank() == 0 && p->ftab) {
        if (!p->header_done)
            write_headers(p);
        textbuf t = {NULL, 0, 0};
        for (int k = 0; k < p->nbins; k++) {
            tb_printf(&t, "%lld,%lld,%lld,%lld", (long long)p->window_no, (long long)p->first_step,
                      (long long)p->last_step, (long long)p->nsamp);
            put(&t, k * p->dr);
            put(&t, (k + 1) * p->dr);
            put(&t, (k + 0.5) * p->dr);
            put_pair(&t, p, k, Q_ATOMS);
            put_pair(&t, p, k, Q_DENS);
            for (int sp = 0; sp < p->nspecies; sp++)
                put_pair(&t, p, k, Q_X0 + sp);
            put_pair(&t, p, k, Q_PE);
            if (p->vname[0]) {
                put_pair(&t, p, k, Q_VOL);
                put_pair(&t, p, k, Q_ICO);
            }
            if (p->stress)
                put_pair(&t, p, k, Q_TAU);
            if (p->tname[0]) {
                put(&t, value_of(p, k, Q_GAMMA));
                put_pair(&t, p, k, Q_G);
            }
            tb_putc(&t, '\n');
        }
        fputs(t.s, p->ftab);
        check_write(p->ftab, p->path_tab);
        tb_free(&t);
        if (p->ffit) {
            t = (textbuf){NULL, 0, 0};
            write_fits(ob, p, &t);
            fputs(t.s, p->ffit);
            check_write(p->ffit, p->path_fit);
            tb_free(&t);
        }
    }
    p->header_done = 1;
    reset_window(p);
}

/* ---- checkpoint ----------------------------------------------------------------- */

enum { ST_TAB, ST_FIT, ST_RESOLVED, ST_NBINS, ST_NSAMP, ST_WINDOW, ST_FIRST, ST_LAST, ST_HEADER, ST_NSPECIES,
       ST_NTYPES, ST_MODE, ST_AXIS, ST_WARNED, ST_COUNT };

static void prof_save(observer *ob, struct ckpt_state *c)
{
    prof *p = ob->data;
    int64_t st[ST_COUNT] = {text_position(p->ftab), text_position(p->ffit), p->resolved, p->nbins, p->nsamp,
                            p->window_no, p->first_step, p->last_step, p->header_done, p->nspecies, p->ntypes,
                            p->mode, p->axis, p->warned};
    ckpt_put_i64(c, "state", st, ST_COUNT);
    double geo[2] = {p->dr, p->extent};
    ckpt_put_doubles(c, "bins", geo, 2);
    ckpt_put_text(c, "table", p->path_tab);
    if (p->resolved) {
        int64_t map[65];
        for (int t = 0; t <= p->ntypes; t++)
            map[t] = t ? p->sp_of_type[t] : -1;
        ckpt_put_i64(c, "species_of_type", map, (size_t)p->ntypes + 1);
        char names[PROFILE_MAX_SPECIES * 17] = "";
        for (int sp = 0; sp < p->nspecies; sp++) {
            strcat(names, p->species[sp]);
            strcat(names, " ");
        }
        ckpt_put_text(c, "species", names);
        ckpt_put_doubles(c, "acc", p->acc, (size_t)p->nbins * p->nq * 3);
        ckpt_put_doubles(c, "meta", p->meta, M_N);
        if (p->subtract) {
            ckpt_put_doubles(c, "tau_ref_sum", p->tref, (size_t)p->nbins);
            ckpt_put_doubles(c, "tau_ref_count", p->tref_n, (size_t)p->nbins);
        }
    }
}

static void prof_restore(observer *ob, struct ckpt_state *c)
{
    prof *p = ob->data;
    int64_t st[ST_COUNT];
    double geo[2];
    if (ckpt_get_i64(c, "state", st, ST_COUNT) != 0 || ckpt_get_doubles(c, "bins", geo, 2) != 0)
        mg_fail_all("restart: the checkpoint has no state for profile observer %s", ob->name);
    if (st[ST_MODE] != p->mode || st[ST_AXIS] != p->axis || geo[0] != p->dr)
        mg_fail_all("restart: profile %s: the deck profiles %s %c in bins of %g A, the checkpoint's tables %s %c in "
                    "bins of %g A", ob->name, p->mode == MODE_RADIAL ? "radial" : "normal", 'x' + p->axis, p->dr,
                    st[ST_MODE] == MODE_RADIAL ? "radial" : "normal", 'x' + (int)st[ST_AXIS], geo[0]);
    char *table = ckpt_get_text(c, "table");
    int same = table && !strcmp(table, p->path_tab);
    free(table);
    if (!same)
        mg_fail_all("restart: profile %s: the deck writes %s, not the table the checkpoint continued", ob->name,
                    p->path_tab);
    p->resolved = st[ST_RESOLVED] != 0;
    if (p->resolved) {
        if (st[ST_NBINS] < 1 || st[ST_NBINS] > 1000000 || st[ST_NTYPES] < 1 || st[ST_NTYPES] > 64 ||
            st[ST_NSPECIES] < 1 || st[ST_NSPECIES] > PROFILE_MAX_SPECIES)
            mg_fail_all("restart: profile %s: the checkpoint's bins are malformed", ob->name);
        p->nbins = (int)st[ST_NBINS];
        p->extent = geo[1];
        p->ntypes = (int)st[ST_NTYPES];
        p->nspecies = (int)st[ST_NSPECIES];
        int64_t map[65];
        char *names = ckpt_get_text(c, "species");
        if (ckpt_get_i64(c, "species_of_type", map, (size_t)p->ntypes + 1) != 0 || !names)
            mg_fail_all("restart: profile %s: the checkpoint's species are missing", ob->name);
        for (int t = 1; t <= p->ntypes; t++) {
            if (map[t] < 0 || map[t] >= p->nspecies)
                mg_fail_all("restart: profile %s: the checkpoint's species are malformed", ob->name);
            p->sp_of_type[t] = (int)map[t];
        }
        char *save = NULL, *w = strtok_r(names, " ", &save);
        for (int sp = 0; sp < p->nspecies; sp++, w = strtok_r(NULL, " ", &save))
            snprintf(p->species[sp], sizeof p->species[0], "%s", w ? w : "?");
        free(names);
        alloc_acc(p);
        if (ckpt_get_doubles(c, "acc", p->acc, (size_t)p->nbins * p->nq * 3) != 0 ||
            ckpt_get_doubles(c, "meta", p->meta, M_N) != 0)
            mg_fail_all("restart: profile %s: the checkpoint's accumulators are missing or of another size", ob->name);
        if (p->subtract && (ckpt_get_doubles(c, "tau_ref_sum", p->tref, (size_t)p->nbins) != 0 ||
                            ckpt_get_doubles(c, "tau_ref_count", p->tref_n, (size_t)p->nbins) != 0))
            mg_fail_all("restart: profile %s: the deck subtracts the untwisted stress profile, the checkpoint has "
                        "none (it was written without 'reference untwisted')", ob->name);
    }
    p->nsamp = st[ST_NSAMP];
    p->window_no = st[ST_WINDOW];
    p->first_step = st[ST_FIRST];
    p->last_step = st[ST_LAST];
    p->header_done = (int)st[ST_HEADER];
    p->warned = (int)st[ST_WARNED];
    char owner[128];
    snprintf(owner, sizeof owner, "profile %s", ob->name);
    FILE *f[2] = {p->ftab, p->ffit};
    const char *path[2] = {p->path_tab, p->path_fit}, *what[2] = {"profile table", "profile fits"};
    const long long bytes[2] = {st[ST_TAB], st[ST_FIT]};
    claim_resume_all(owner, p->fit ? 2 : 1, f, path, bytes, what);
    p->ftab = f[0];
    p->ffit = f[1];
}

static void prof_destroy(observer *ob, md *s)
{
    (void)s;
    prof *p = ob->data;
    if (!p)
        return;
    if (p->nsamp > 0 && par_rank() == 0) {
        printf("profile %s: the %lld sample%s of window %lld %s not written (the window of %d samples had not "
               "closed; 'profile %s flush' closes it)\n", ob->name, (long long)p->nsamp, p->nsamp == 1 ? "" : "s",
               (long long)p->window_no + 1, p->nsamp == 1 ? "was" : "were", p->window, ob->name);
        fflush(stdout);
    }
    if (p->ftab)
        fclose(p->ftab);
    if (p->ffit)
        fclose(p->ffit);
    char owner[128];
    snprintf(owner, sizeof owner, "profile %s", ob->name);
    claim_release(owner, NULL);
    free(p->acc);
    free(p->tref);
    free(p->tref_n);
    free(p->fsave);
    free(p);
    ob->data = NULL;
}

static const observer_ops prof_ops = {
    .kind = "profile",
    .sample = prof_sample,
    .save = prof_save,
    .restore = prof_restore,
    .destroy = prof_destroy,
};

/* ---- the deck command ------------------------------------------------------------- */

#define PROFILE_KEYWORDS                                                                                            \
    "bin file center origin range extent every at_end window group voronoi torsion stress volume reference recover " \
    "fit"

/* Rank 0 claims and opens the files ("a" while a restart replays the
 * deck: restore() cuts them back; "w" otherwise). */
static void open_files(deck *dk, observer *ob, prof *p)
{
    char owner[128], refusal[2600];
    snprintf(owner, sizeof owner, "profile %s", ob->name);
    FILE *f[2] = {NULL, NULL};
    const char *path[2] = {p->path_tab, p->path_fit};
    int failed, code;
    if (claim_fopen_all(owner, p->fit ? 2 : 1, f, path, dk->replaying ? "a" : "w", refusal, sizeof refusal, &failed,
                        &code) != 0) {
        char name[1100];
        snprintf(name, sizeof name, "%s", path[failed]);
        free(p);
        free(ob);
        claim_verdict(refusal);
        deck_fail(dk, "profile: cannot write %s: %s", name, strerror(code));
    }
    p->ftab = f[0];
    p->ffit = f[1];
    claim_verdict(refusal);
}

static void flush_cmd(deck *dk, const char *name)
{
    observer *ob = outputs_find_observer(dk->out, name);
    if (!ob)
        deck_fail(dk, "profile: no observer named '%s' (define it with 'profile %s radial|normal ...')", name, name);
    if (ob->ops != &prof_ops)
        deck_fail(dk, "profile: observer '%s' is a %s observer, not a profile", name, ob->ops->kind);
    /* Done before the checkpoint a restart replays up to: the window it
     * wrote and the empty one after it are in the checkpoint's state. */
    if (dk->replaying)
        return;
    write_window(ob, ob->data);
}

static int axis_of(deck *dk, int *i, const char *what)
{
    const char *w = deck_word(dk, i, what);
    if (strlen(w) != 1 || w[0] < 'x' || w[0] > 'z')
        deck_fail(dk, "profile: %s must be x, y or z, got '%s'", what, w);
    return w[0] - 'x';
}

void cmd_profile(deck *dk)
{
    int i = 1;
    const char *name = deck_word(dk, &i, "observer name");
    if (i < dk->nargs && !strcmp(dk->args[i], "flush")) {
        deck_done(dk, i + 1);
        flush_cmd(dk, name);
        return;
    }
    if (strlen(name) >= sizeof(((observer *)0)->name))
        deck_fail(dk, "profile: observer name '%s' is longer than %zu characters", name,
                  sizeof(((observer *)0)->name) - 1);
    for (const char *c = name; *c; c++)
        if (!isalnum((unsigned char)*c) && *c != '_' && *c != '-')
            deck_fail(dk, "profile: observer name '%s' may hold only letters, digits, '_' and '-'", name);
    deck_need_system(dk);
    if (outputs_find_observer(dk->out, name))
        deck_fail(dk, "profile: an observer named '%s' exists already (unobserve it first)", name);

    prof q;
    memset(&q, 0, sizeof q);
    q.mode = -1;
    q.group = GROUP_ALL;
    q.window = 1;
    q.stress = -1;
    q.volume = -1;
    q.fit = 1;
    q.recover = 0.95;
    q.center_mode = -1;
    q.origin_auto = -1;
    int every = 0, at_end = 0;
    char prefix[1024] = "";
    const char *kw = PROFILE_KEYWORDS;
    while (i < dk->nargs) {
        const char *k = deck_word(dk, &i, "keyword (radial, normal, bin, file, ...)");
        if (!strcmp(k, "radial") || !strcmp(k, "normal")) {
            if (q.mode >= 0)
                deck_fail(dk, "profile: give one of 'radial AXIS' and 'normal AXIS', once");
            q.mode = !strcmp(k, "radial") ? MODE_RADIAL : MODE_NORMAL;
            if (q.mode == MODE_RADIAL && i < dk->nargs && !strcmp(dk->args[i], "axis"))
                i++;
            q.axis = axis_of(dk, &i, q.mode == MODE_RADIAL ? "the wire's axis" : "the slab's normal");
        } else if (!strcmp(k, "bin")) {
            q.dr = deck_quantity(dk, &i, Q_LENGTH, "bin width", kw);
            if (!(q.dr > 0))
                deck_fail(dk, "profile: the bin width must be above 0 A, got %g", q.dr);
        } else if (!strcmp(k, "file")) {
            const char *f = deck_word(dk, &i, "file prefix");
            if (strlen(f) >= 1000)
                deck_fail(dk, "profile: file prefix longer than 999 characters");
            snprintf(prefix, sizeof prefix, "%s", f);
            size_t n = strlen(prefix);
            if (n > 4 && !strcmp(prefix + n - 4, ".csv"))
                prefix[n - 4] = '\0';
        } else if (!strcmp(k, "center")) {
            if (i < dk->nargs && !strcmp(dk->args[i], "auto")) {
                i++;
                q.center_mode = CENTER_AUTO;
            } else {
                q.center[0] = deck_finite_quantity(dk, &i, Q_LENGTH, "first centre coordinate", kw);
                q.center[1] = deck_finite_quantity(dk, &i, Q_LENGTH, "second centre coordinate", kw);
                q.center_mode = CENTER_FIXED;
            }
        } else if (!strcmp(k, "origin")) {
            if (i < dk->nargs && !strcmp(dk->args[i], "auto")) {
                i++;
                q.origin_auto = 1;
            } else {
                q.origin = deck_finite_quantity(dk, &i, Q_LENGTH, "origin", kw);
                q.origin_auto = 0;
            }
        } else if (!strcmp(k, "range")) {
            q.range[0] = deck_finite_quantity(dk, &i, Q_LENGTH, "range start", kw);
            q.range[1] = deck_finite_quantity(dk, &i, Q_LENGTH, "range end", kw);
            if (!(q.range[1] > q.range[0]))
                deck_fail(dk, "profile: the range [%g, %g] A is empty (give 'range LO HI' with LO < HI)", q.range[0],
                          q.range[1]);
            q.have_range = 1;
        } else if (!strcmp(k, "extent")) {
            q.extent_user = deck_quantity(dk, &i, Q_LENGTH, "extent", kw);
            if (!(q.extent_user > 0))
                deck_fail(dk, "profile: the extent must be above 0 A, got %g", q.extent_user);
        } else if (!strcmp(k, "every")) {
            every = (int)deck_int(dk, &i, "sampling interval (steps)", 0, 1000000000);
        } else if (!strcmp(k, "at_end")) {
            at_end = deck_bool(dk, &i, "at_end");
        } else if (!strcmp(k, "window")) {
            q.window = (int)deck_int(dk, &i, "window (samples per table)", 1, 100000000);
            if (i < dk->nargs && !strcmp(dk->args[i], "samples"))
                i++;
        } else if (!strcmp(k, "group")) {
            q.group = deck_group(dk, &i);
        } else if (!strcmp(k, "voronoi")) {
            const char *v = deck_word(dk, &i, "voronoi observer name");
            observer *vo = outputs_find_observer(dk->out, v);
            if (!vo)
                deck_fail(dk, "profile: no observer named '%s' (define 'voronoi %s' before the profile)", v, v);
            if (strcmp(vo->ops->kind, "voronoi"))
                deck_fail(dk, "profile: observer '%s' is a %s observer, not a voronoi one", v, vo->ops->kind);
            snprintf(q.vname, sizeof q.vname, "%s", v);
        } else if (!strcmp(k, "torsion")) {
            const char *t = deck_word(dk, &i, "torsion fix name");
            fix *f = fixes_find(dk->fixes, t);
            torsion_geometry tg;
            if (!f)
                deck_fail(dk, "profile: no fix named '%s' (define the torsion fix before the profile)", t);
            if (torsion_geometry_of(f, &tg) != 0)
                deck_fail(dk, "profile: fix '%s' is a %s fix, not a torsion fix", t, f->ops->kind);
            if (strlen(t) >= sizeof q.tname)
                deck_fail(dk, "profile: fix name '%s' is too long", t);
            snprintf(q.tname, sizeof q.tname, "%s", t);
        } else if (!strcmp(k, "stress")) {
            q.stress = deck_bool(dk, &i, "stress");
        } else if (!strcmp(k, "volume")) {
            const char *w = deck_word(dk, &i, "atomic volume (shell or voronoi)");
            if (!strcmp(w, "shell"))
                q.volume = VOL_SHELL;
            else if (!strcmp(w, "voronoi"))
                q.volume = VOL_VORONOI;
            else
                deck_fail(dk, "profile: volume must be 'shell' or 'voronoi', got '%s'", w);
        } else if (!strcmp(k, "reference")) {
            const char *w = deck_word(dk, &i, "stress reference (untwisted or none)");
            if (!strcmp(w, "untwisted"))
                q.subtract = 1;
            else if (!strcmp(w, "none"))
                q.subtract = 0;
            else
                deck_fail(dk, "profile: reference must be 'untwisted' or 'none', got '%s'", w);
        } else if (!strcmp(k, "recover")) {
            q.recover = deck_real_in(dk, &i, "recover (fraction of the core value)", 0.0, 1.0);
            if (!(q.recover > 0 && q.recover < 1))
                deck_fail(dk, "profile: recover must lie strictly between 0 and 1 (a fraction such as 0.95), got %g",
                          q.recover);
        } else if (!strcmp(k, "fit")) {
            q.fit = deck_bool(dk, &i, "fit");
        } else {
            deck_fail(dk, "profile: unknown keyword '%s' (expected radial, normal or one of: %s)", k,
                      PROFILE_KEYWORDS);
        }
    }
    if (q.mode < 0)
        deck_fail(dk, "profile: missing 'radial AXIS' (a wire) or 'normal AXIS' (a slab)");
    if (!(q.dr > 0))
        deck_fail(dk, "profile: missing 'bin DR' (the bin width, A)");
    if (!prefix[0])
        deck_fail(dk, "profile: missing 'file PREFIX' (tables PREFIX.csv and PREFIX_fits.csv)");
    const int rad = q.mode == MODE_RADIAL;
    if (!rad && (q.center_mode >= 0 || q.have_range || q.tname[0] || q.stress == 1))
        deck_fail(dk, "profile: %s belongs to radial profiles (a slab has 'origin')",
                  q.center_mode >= 0 ? "'center'" : q.have_range ? "'range'" : q.tname[0] ? "'torsion'" : "'stress'");
    if (rad && q.origin_auto >= 0)
        deck_fail(dk, "profile: 'origin' belongs to slab profiles (a wire has 'center')");
    if (q.tname[0]) {
        torsion_geometry tg;
        torsion_geometry_of(fixes_find(dk->fixes, q.tname), &tg);
        if (tg.axis != q.axis)
            deck_fail(dk, "profile: the torsion fix '%s' twists about %c, the profile's axis is %c", q.tname,
                      'x' + tg.axis, 'x' + q.axis);
    }
    if (q.subtract && !q.tname[0])
        deck_fail(dk, "profile: 'reference untwisted' subtracts the stress profile of the wire at zero twist; it "
                      "needs 'torsion TFIX'");
    if (q.have_range && q.tname[0])
        deck_fail(dk, "profile: the torsion fix sets the section profiled (its gauge section); drop 'range'");
    q.p1 = (q.axis + 1) % 3;
    q.p2 = (q.axis + 2) % 3;
    if (q.center_mode < 0)
        q.center_mode = q.tname[0] ? CENTER_TORSION : CENTER_AUTO;
    if (q.origin_auto < 0)
        q.origin_auto = 1;
    if (q.stress < 0)
        q.stress = q.tname[0] != 0;
    if (q.tname[0] && !q.stress)
        deck_fail(dk, "profile: under 'torsion' the profile is of the stress (G = tau / gamma); 'stress no' "
                      "contradicts it");
    if (q.volume >= 0 && !q.stress)
        deck_fail(dk, "profile: 'volume' chooses the atomic volume of the stress profile; give 'stress yes' or "
                      "'torsion TFIX'");
    if (q.volume < 0)
        q.volume = VOL_SHELL;
    if (q.volume == VOL_VORONOI && !q.vname[0])
        deck_fail(dk, "profile: 'volume voronoi' needs 'voronoi VOBS' (the observer whose volumes it takes)");
    if (q.extent_user > 0 && q.extent_user < q.dr)
        deck_fail(dk, "profile: the extent %g A is less than one bin (%g A)", q.extent_user, q.dr);
    if (every == 0 && !at_end)
        mg_warn("profile %s: 'every 0' and 'at_end no': samples only at 'analyze %s'", name, name);
    md *s = dk->s;
    q.out = dk->out;
    q.fixes = dk->fixes;
    q.ntypes = s->atoms.ntypes;

    observer *ob = observer_new(name, &prof_ops, every, at_end);
    /* The box can be checked now (and is again at every sample). */
    if (rad) {
        const box *b = &s->box;
        if (b->periodic[q.axis] && ((q.axis == 1 && b->xy != 0) || (q.axis == 2 && (b->xz != 0 || b->yz != 0))))
            deck_fail(dk, "profile: the box edge along the periodic axis %c is tilted: the wire's periodic images "
                          "would not line up along %c", 'x' + q.axis, 'x' + q.axis);
        if (!b->periodic[q.axis] && !q.have_range && !q.tname[0])
            deck_fail(dk, "profile: the axis %c is not periodic, so the box length is not the wire's; give 'range "
                          "LO HI' (the section profiled) or 'torsion TFIX'", 'x' + q.axis);
    } else {
        const box *b = &s->box;
        for (int k = 0; k < 3; k++)
            if (k != q.axis && !b->periodic[k])
                deck_fail(dk, "profile: a slab profile along %c needs the box periodic along the other two "
                              "dimensions (the slices' area is the box's cross-section), but %c is not",
                          'x' + q.axis, 'x' + k);
        if ((q.axis == 0 && (b->xy != 0 || b->xz != 0)) || (q.axis == 1 && b->yz != 0))
            deck_fail(dk, "profile: the box's in-plane edges are tilted out of the plane normal to %c", 'x' + q.axis);
    }
    prof *p = mg_calloc(1, sizeof *p);
    *p = q;
    snprintf(p->path_tab, sizeof p->path_tab, "%s.csv", prefix);
    snprintf(p->path_fit, sizeof p->path_fit, "%s_fits.csv", prefix);
    p->first_step = p->last_step = p->seen_step = -1;
    open_files(dk, ob, p);
    ob->data = p;
    if (outputs_add_observer(dk->out, ob) != 0) {
        prof_destroy(ob, s);
        free(ob);
        deck_fail(dk, "profile: too many observers (at most %d)", OUTPUT_MAX_OBSERVERS);
    }
    if (par_rank() == 0) {
        if (rad) {
            printf("profile %s: radial about %c", name, 'x' + q.axis);
            if (q.center_mode == CENTER_FIXED)
                printf(" through (%c, %c) = (%g, %g) A", 'x' + q.p1, 'x' + q.p2, q.center[0], q.center[1]);
            else
                printf(" through the %s", q.center_mode == CENTER_AUTO ? "centre of mass (each sample)"
                                                                       : "torsion fix's axis");
            if (q.have_range)
                printf(", section %g to %g A", q.range[0], q.range[1]);
        } else {
            printf("profile %s: slab along %c, |distance| from ", name, 'x' + q.axis);
            if (q.origin_auto)
                printf("the centre of mass (each sample)");
            else
                printf("%c = %g A", 'x' + q.axis, q.origin);
        }
        printf("; bins of %g A; windows of %d sample%s", q.dr, q.window, q.window == 1 ? "" : "s");
        if (q.stress)
            printf("; tau_zt with the %s volume", q.volume == VOL_SHELL ? "shell's" : "Voronoi");
        if (q.tname[0])
            printf(", G = tau_zt / gamma under torsion fix %s", q.tname);
        printf("; tables %s%s%s\n", p->path_tab, q.fit ? ", " : "", q.fit ? p->path_fit : "");
        fflush(stdout);
    }
}
