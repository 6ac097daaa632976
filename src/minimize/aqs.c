/* Athermal quasistatic shear (AQS; Maloney & Lemaitre, Phys. Rev. E 74,
 * 016118, 2006): the box is strained in small affine increments, each
 * followed by an energy minimisation at fixed box, so the system follows a
 * local energy minimum until it disappears (a saddle-node instability) and
 * the stress drops while the system falls into another (an avalanche).
 * docs/aqs.md describes the method, the tables and restarts.
 *
 *   aqs strain xx|yy|zz|xy|xz|yz step DG to GMAX [min cg|fire] [etol E]
 *       [ftol F] [maxiter N] [maxeval N] [dmax D] [drop S] [moved D]
 *       [file PREFIX] [every K] [fit STRAIN]
 *
 * DG and GMAX may be negative together (reverse shear, compression); a
 * stress drop is then a rise of the conjugate stress.
 *
 * Increment k (1..n, n = floor(GMAX/DG)) multiplies the box edge vectors
 * by F = I + DG e_a (x) e_b (shear ab: tilt += DG L_b, as LAMMPS'
 * change_box ab delta) or by F = 1 + (f - 1) e_a (x) e_a with
 * f = (1 + k DG)/(1 + (k - 1) DG) (normal aa, about the box centre, so the
 * length is L0 (1 + k DG) without remembering L0), maps the atoms affinely
 * (md_change_box), flips the box when a tilt passes half a box length
 * (md_flip_box; box.tilt_flipped keeps the strain continuous), and
 * minimises (minimize(), box fixed). Increment 0 minimises the starting
 * configuration. The strain reported is k DG.
 *
 * After each minimisation the atoms are re-neighboured (wrapped, sorted)
 * and the forces evaluated once more: the stress and energy tabulated are
 * those of a state that depends on the atoms alone, which is what a restart
 * rebuilds, so a run continued from a checkpoint taken between increments
 * writes the same bytes as one never stopped (docs/aqs.md). Between
 * increments restart_between_stages() writes checkpoints (every K
 * increments, `checkpoint every N` steps, signals); a restart resumes at
 * the increment after the checkpoint's, cutting the tables back to it.
 *
 * Non-affine displacement of an atom in an increment: its unwrapped position
 * after the minimisation minus its unwrapped position after the affine step
 * (and flip), both in the same cell; the latter is a per-atom property
 * (aqs_affine) so it travels with atoms that migrate while minimising.
 *
 * Communication: minimize()'s; one max- and one sum-reduction per increment
 * (non-affine displacements), the re-neighbouring and force call; broadcasts
 * of rank 0's file verdicts. Only rank 0 writes the tables. */
#include "analysis/stress_strain.h"
#include "core/error.h"
#include "deck/deck.h"
#include "deck/restart.h"
#include "io/claim.h"
#include "minimize/minimize.h"
#include "parallel/parallel.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void cmd_aqs(deck *dk);

#define AQS_OWNER "aqs"
#define AQS_PROP "aqs_affine"
#define AQS_MAX_INCREMENTS 100000000
#define GPA_PER_BAR 1e-4

static const char *comp_names[6] = {"xx", "yy", "zz", "xy", "xz", "yz"};
static const char *aqs_keywords = "strain step to min etol ftol maxiter maxeval dmax drop moved file every fit";

typedef struct aqs_opts {
    int comp;                  /* 0..5: xx yy zz xy xz yz (pressure order)   */
    double step, to;           /* strain                                     */
    int64_t n;                 /* increments                                 */
    min_params mp;
    double drop;               /* bar: conjugate-stress drop of an avalanche */
    double moved;              /* A: non-affine displacement counted moved   */
    char prefix[1024];
    int64_t every;             /* checkpoint every K increments; 0 none      */
    double fit;                /* strain up to which the modulus is fitted   */
} aqs_opts;

/* One increment's results (identical on every rank). */
typedef struct aqs_point {
    double sigma[6];           /* GPa, -P (tension positive)                 */
    double vm;                 /* GPa, von Mises                             */
    double epot;               /* eV                                         */
    double dmax;               /* A, largest non-affine displacement         */
    int64_t nmoved;            /* atoms whose exceeded `moved`               */
    int64_t niter;
    int converged;             /* stopped on etol or ftol                    */
} aqs_point;

/* Rank 0's record of the tables as written (parsed back from the rows, so
 * a resumed run's summary is the uninterrupted run's). */
typedef struct aqs_record {
    int64_t n, cap;
    double *strain, *sigma;    /* conjugate stress, GPa                      */
    int64_t nav, avcap;
    double *av_strain, *av_drop, *av_de;
    int64_t unconverged, iterations;
} aqs_record;

typedef struct aqs_files {
    char path[2][1100];        /* PREFIX_aqs.csv, PREFIX_avalanches.csv      */
    FILE *f[2];                /* rank 0                                     */
} aqs_files;

/* ---- parsing ------------------------------------------------------------ */

static void parse(deck *dk, aqs_opts *o)
{
    memset(o, 0, sizeof *o);
    min_params_default(&o->mp);
    o->mp.ftol = 1e-10;
    o->mp.maxiter = 100000;
    o->mp.maxeval = 1000000;
    o->comp = -1;
    o->drop = 0.01 / GPA_PER_BAR;
    o->moved = 0.5;
    o->fit = 0.01;
    int i = 1, have_step = 0, have_to = 0;
    while (i < dk->nargs) {
        const char *k = deck_word(dk, &i, "keyword");
        if (!strcmp(k, "strain")) {
            const char *c = deck_word(dk, &i, "strain component (xx, yy, zz, xy, xz or yz)");
            for (int d = 0; d < 6; d++)
                if (!strcmp(c, comp_names[d]))
                    o->comp = d;
            if (o->comp < 0)
                deck_fail(dk, "aqs: unknown strain component '%s' (expected xx, yy, zz, xy, xz or yz)", c);
        } else if (!strcmp(k, "step")) {
            o->step = deck_real(dk, &i, "strain increment");
            if (!(o->step != 0.0))
                deck_fail(dk, "aqs: the strain increment (step) must not be zero (negative: reverse shear or "
                          "compression), got %s", dk->args[i - 1]);
            if (fabs(o->step) > 0.1)
                deck_fail(dk, "aqs: a strain increment of %g is not quasistatic (at most 0.1; AQS steps are "
                          "typically 1e-5 to 1e-3)", o->step);
            have_step = 1;
        } else if (!strcmp(k, "to")) {
            o->to = deck_real(dk, &i, "final strain");
            if (!(o->to != 0.0) || fabs(o->to) > 100.0)
                deck_fail(dk, "aqs: the final strain (to) must be non-zero and between -100 and 100, got %s",
                          dk->args[i - 1]);
            have_to = 1;
        } else if (!strcmp(k, "min")) {
            const char *m = deck_word(dk, &i, "minimiser (cg or fire)");
            if (!strcmp(m, "cg"))
                o->mp.style = MIN_CG;
            else if (!strcmp(m, "fire"))
                o->mp.style = MIN_FIRE;
            else
                deck_fail(dk, "aqs: minimiser '%s' is not cg or fire", m);
        } else if (!strcmp(k, "etol")) {
            o->mp.etol = deck_real(dk, &i, "energy tolerance (relative)");
            if (!(o->mp.etol >= 0.0 && o->mp.etol < 1.0))
                deck_fail(dk, "aqs: etol must be in [0, 1) (a relative energy change; 0 = off), got %g", o->mp.etol);
        } else if (!strcmp(k, "ftol")) {
            o->mp.ftol = deck_real(dk, &i, "force tolerance (eV/A)");
            if (!(o->mp.ftol >= 0.0))
                deck_fail(dk, "aqs: ftol must be >= 0 eV/A (0 = off), got %g", o->mp.ftol);
        } else if (!strcmp(k, "maxiter")) {
            o->mp.maxiter = deck_int(dk, &i, "maximum number of iterations per increment", 1, INT64_C(1) << 40);
        } else if (!strcmp(k, "maxeval")) {
            o->mp.maxeval = deck_int(dk, &i, "maximum number of force evaluations per increment", 1,
                                     INT64_C(1) << 40);
        } else if (!strcmp(k, "dmax")) {
            o->mp.dmax = deck_quantity(dk, &i, Q_LENGTH, "largest atom displacement per iteration", aqs_keywords);
            if (!(o->mp.dmax > 0.0))
                deck_fail(dk, "aqs: dmax must be positive");
        } else if (!strcmp(k, "drop")) {
            o->drop = deck_quantity(dk, &i, Q_PRESSURE, "stress drop threshold", aqs_keywords);
            if (!(o->drop >= 0.0))
                deck_fail(dk, "aqs: the stress drop threshold must be >= 0 (e.g. 'drop 0.05 GPa'), got %g GPa",
                          o->drop * GPA_PER_BAR);
        } else if (!strcmp(k, "moved")) {
            o->moved = deck_quantity(dk, &i, Q_LENGTH, "non-affine displacement of a moved atom", aqs_keywords);
            if (!(o->moved > 0.0))
                deck_fail(dk, "aqs: the displacement of a moved atom must be positive (e.g. 'moved 0.5 A')");
        } else if (!strcmp(k, "file")) {
            const char *p = deck_word(dk, &i, "file prefix");
            if (strlen(p) > 1000)
                deck_fail(dk, "aqs: file prefix too long");
            snprintf(o->prefix, sizeof o->prefix, "%s", p);
        } else if (!strcmp(k, "every")) {
            o->every = deck_int(dk, &i, "checkpoint interval (increments, 0 = none)", 0, AQS_MAX_INCREMENTS);
        } else if (!strcmp(k, "fit")) {
            o->fit = deck_real_in(dk, &i, "largest strain of the modulus fit", 0.0, 1.0);
        } else {
            deck_fail(dk, "aqs: unknown keyword '%s' (usage: aqs strain xx|yy|zz|xy|xz|yz step DG to GMAX "
                      "[min cg|fire] [etol E] [ftol F] [maxiter N] [maxeval N] [dmax D] [drop S GPa] "
                      "[moved D A] [file PREFIX] [every K] [fit STRAIN])", k);
        }
    }
    if (o->comp < 0 || !have_step || !have_to)
        deck_fail(dk, "aqs: missing '%s' (usage: aqs strain xx|yy|zz|xy|xz|yz step DG to GMAX ...)",
                  o->comp < 0 ? "strain COMPONENT" : !have_step ? "step DG" : "to GMAX");
    if ((o->to > 0) != (o->step > 0))
        deck_fail(dk, "aqs: the final strain (to %g) and the increment (step %g) must have the same sign", o->to,
                  o->step);
    if (fabs(o->to) < fabs(o->step))
        deck_fail(dk, "aqs: the final strain (to %g) is smaller than one increment (step %g)", o->to, o->step);
    /* A normal strain stretches the box to L0 (1 + k DG): compression must
     * leave it a length. */
    if (o->comp < 3 && o->to <= -0.9)
        deck_fail(dk, "aqs: a normal strain of %g would crush the box (compression to at most -0.9)", o->to);
    double n = floor(o->to / o->step + 1e-9);
    if (n > AQS_MAX_INCREMENTS)
        deck_fail(dk, "aqs: %.4g increments (to / step) are more than %d", n, AQS_MAX_INCREMENTS);
    o->n = (int64_t)n;
}

/* The box must take the strain: shear ab tilts along a by b, so both are
 * periodic (a tilt with a non-periodic b, or a flip along a non-periodic
 * a, has no meaning); a shrink-wrapped face would follow the atoms rather
 * than the strain. An orthogonal box becomes triclinic for shear, as
 * change_box's `triclinic` makes it. */
static void check_box(deck *dk, const aqs_opts *o)
{
    md *s = dk->s;
    const box *b = &s->box;
    static const int dims[6][2] = {{0, 0}, {1, 1}, {2, 2}, {0, 1}, {0, 2}, {1, 2}};
    for (int e = 0; e < 2; e++) {
        int d = dims[o->comp][e];
        if (b->boundary[d] == 's')
            deck_fail(dk, "aqs: strain %s needs a box that is not shrink-wrapped along %c (boundary 's'); use 'p', or "
                      "'f' with room to spare", comp_names[o->comp], 'x' + d);
        if (o->comp >= 3 && b->boundary[d] != 'p')
            deck_fail(dk, "aqs: shear %s needs a periodic box along %c (boundary is '%c')", comp_names[o->comp],
                      'x' + d, b->boundary[d]);
    }
    if (o->comp >= 3)
        for (int d = 0; d < 3; d++)
            if (b->boundary[d] == 's')
                deck_fail(dk, "aqs: shear needs a triclinic box, and boundary 's' (shrink-wrapped, along %c) needs an "
                          "orthogonal one; use 'f' with room to spare", 'x' + d);
}

/* ---- the increments ----------------------------------------------------- */

/* The box after increment k: its edge vectors a, b, c (columns of H)
 * multiplied by the increment's F. */
static void strain_box(box *b, const aqs_opts *o, int64_t k)
{
    double g = o->step;
    switch (o->comp) {
    case 3: /* xy: F = I + g e_x e_y^T: b_x += g b_y, c_x += g c_y */
        b->xy += g * b->len[1];
        b->xz += g * b->yz;
        break;
    case 4: /* xz */
        b->xz += g * b->len[2];
        break;
    case 5: /* yz */
        b->yz += g * b->len[2];
        break;
    default: {
        int d = o->comp;
        double f = (1.0 + (double)k * g) / (1.0 + (double)(k - 1) * g);
        double c = 0.5 * (b->lo[d] + b->hi[d]);
        b->lo[d] = c - f * (c - b->lo[d]);
        b->hi[d] = c + f * (b->hi[d] - c);
        /* Row d of H scales: the tilts that are x (xy, xz) or y (yz)
         * components of the edge vectors. */
        if (d == 0) {
            b->xy *= f;
            b->xz *= f;
        } else if (d == 1) {
            b->yz *= f;
        }
        break;
    }
    }
    box_update(b);
}

/* Every owned atom's unwrapped position now, into the property. */
static void record_affine(md *s)
{
    atoms *a = &s->atoms;
    int p = atoms_add_prop(a, AQS_PROP, 3);
    double *u = a->prop[p].data;
    for (int i = 0; i < a->nlocal; i++)
        box_unwrap(&s->box, a->x[i], a->image[i], u + 3 * (size_t)i);
}

/* The state after a minimisation as a function of the atoms alone (docs
 * above): re-neighbour (wrap, migrate, sort), then energy and virial. */
static void settle(md *s)
{
    md_reneighbor(s);
    md_force(s, 1);
    s->ready = 1;
}

static void measure(md *s, const aqs_opts *o, aqs_point *pt, int with_displacements)
{
    double p[6];
    md_pressure(s, p);
    ss_stress_from_pressure(p, pt->sigma);
    pt->vm = ss_von_mises(pt->sigma);
    pt->epot = s->epot;
    pt->dmax = 0.0;
    pt->nmoved = 0;
    if (!with_displacements)
        return;
    atoms *a = &s->atoms;
    int q = atoms_find_prop(a, AQS_PROP);
    const double *u0 = a->prop[q].data;
    double dmax = 0.0;
    int64_t nmoved = 0;
    for (int i = 0; i < a->nlocal; i++) {
        double u[3];
        box_unwrap(&s->box, a->x[i], a->image[i], u);
        const double *w = u0 + 3 * (size_t)i;
        double d = sqrt((u[0] - w[0]) * (u[0] - w[0]) + (u[1] - w[1]) * (u[1] - w[1]) + (u[2] - w[2]) * (u[2] - w[2]));
        if (d > dmax)
            dmax = d;
        nmoved += d > o->moved;
    }
    pt->dmax = par_max_double(dmax);
    pt->nmoved = par_sum_i64(nmoved);
}

/* What an increment does when its minimisation has ended, before the
 * minimiser's final thermo line and dumps: settle, measure, and let the
 * observers with at_end sample the settled state (the d2min observer with
 * `reference window`: the increment's non-affine motion, its STZs at an
 * avalanche), so the dumps carry their columns of this increment. */
typedef struct increment_end {
    deck *dk;
    const aqs_opts *o;
    aqs_point *pt;
} increment_end;

static void end_of_increment(md *s, void *arg)
{
    increment_end *e = arg;
    settle(s);
    measure(s, e->o, e->pt, 1);
    outputs_sample_at_end(e->dk->out, s);
}

/* One increment (k = 0: the starting configuration, minimised). */
static void increment(deck *dk, const aqs_opts *o, int64_t k, aqs_point *pt)
{
    md *s = dk->s;
    if (k > 0) {
        box nb = s->box;
        strain_box(&nb, o, k);
        md_change_box(s, &nb);
        md_flip_box(s, "aqs");
    }
    record_affine(s);
    min_result r;
    increment_end end = {dk, o, pt};
    min_params mp = o->mp;
    mp.before_output = end_of_increment;
    mp.before_arg = &end;
    minimize(s, dk->out, &mp, &r);
    pt->niter = r.niter;
    pt->converged = r.stop == MIN_STOP_ETOL || r.stop == MIN_STOP_FTOL;
}

/* ---- tables ------------------------------------------------------------- */

static const char *aqs_header =
    "increment,strain,step,sxx[GPa],syy[GPa],szz[GPa],sxy[GPa],sxz[GPa],syz[GPa],von_mises[GPa],"
           "pe[eV/atom],iterations,converged,nonaffine_max[A]\n";

static const char *avalanche_header =
    "increment,strain,stress_drop[GPa],energy_drop[eV],energy_drop_per_atom[eV/atom],moved_atoms,moved_fraction,"
    "nonaffine_max[A]\n";

/* Strains are k DG, printed to 10 digits: "0.145", not 0.14500000000000002. */
static void format_aqs_row(char *out, size_t len, int64_t k, double strain, int64_t step, const aqs_point *p,
                           double natoms)
{
    snprintf(out, len, "%lld,%.10g,%lld,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%.12g,%lld,%d,%.6g\n",
             (long long)k, strain, (long long)step, p->sigma[0], p->sigma[1], p->sigma[2], p->sigma[3], p->sigma[4],
             p->sigma[5], p->vm, p->epot / natoms, (long long)p->niter, p->converged, p->dmax);
}

/* Six digits: what a minimisation to a force tolerance resolves of a drop,
 * and what makes the table the same on any number of ranks (docs/aqs.md). */
static void format_avalanche_row(char *out, size_t len, int64_t k, double strain, double drop, double de,
                                 const aqs_point *p, double natoms)
{
    snprintf(out, len, "%lld,%.10g,%.6g,%.6g,%.6g,%lld,%.6g,%.6g\n", (long long)k, strain, drop, de, de / natoms,
             (long long)p->nmoved, (double)p->nmoved / natoms, p->dmax);
}

static void grow(aqs_record *r)
{
    if (r->n < r->cap)
        return;
    r->cap = r->cap ? 2 * r->cap : 256;
    r->strain = mg_realloc(r->strain, (size_t)r->cap * sizeof *r->strain);
    r->sigma = mg_realloc(r->sigma, (size_t)r->cap * sizeof *r->sigma);
}

static void grow_av(aqs_record *r)
{
    if (r->nav < r->avcap)
        return;
    r->avcap = r->avcap ? 2 * r->avcap : 64;
    r->av_strain = mg_realloc(r->av_strain, (size_t)r->avcap * sizeof *r->av_strain);
    r->av_drop = mg_realloc(r->av_drop, (size_t)r->avcap * sizeof *r->av_drop);
    r->av_de = mg_realloc(r->av_de, (size_t)r->avcap * sizeof *r->av_de);
}

/* Field `col` (0-based) of a CSV row, as a number. */
static double field(const char *row, int col)
{
    const char *p = row;
    for (int c = 0; c < col && p; c++) {
        p = strchr(p, ',');
        if (p)
            p++;
    }
    return p ? strtod(p, NULL) : NAN;
}

/* Rank 0: a row of either table into the record (the numbers as printed). */
static void record_aqs_row(aqs_record *r, const char *row, int comp)
{
    grow(r);
    r->strain[r->n] = field(row, 1);
    r->sigma[r->n] = field(row, 3 + comp);
    r->n++;
    r->iterations += (int64_t)field(row, 11);
    r->unconverged += field(row, 12) == 0.0;
}

static void record_avalanche_row(aqs_record *r, const char *row)
{
    grow_av(r);
    r->av_strain[r->nav] = field(row, 1);
    r->av_drop[r->nav] = field(row, 2);
    r->av_de[r->nav] = field(row, 3);
    r->nav++;
}

static void record_free(aqs_record *r)
{
    free(r->strain);
    free(r->sigma);
    free(r->av_strain);
    free(r->av_drop);
    free(r->av_de);
    memset(r, 0, sizeof *r);
}

/* A collective failure from rank 0's message (empty: none). */
static void verdict(deck *dk, char *err, size_t len)
{
    par_bcast_bytes(err, len, 0);
    if (err[0])
        deck_fail(dk, "%s", err);
}

static void table_paths(const aqs_opts *o, aqs_files *t)
{
    if (o->prefix[0]) {
        snprintf(t->path[0], sizeof t->path[0], "%s_aqs.csv", o->prefix);
        snprintf(t->path[1], sizeof t->path[1], "%s_avalanches.csv", o->prefix);
    } else {
        snprintf(t->path[0], sizeof t->path[0], "aqs.csv");
        snprintf(t->path[1], sizeof t->path[1], "avalanches.csv");
    }
}

/* Rank 0: keep the header and the rows of increments <= k of a table,
 * recording them; the byte length kept into *keep. Returns 0, or -1 with
 * the reason in err. `need_k`: the row of increment k must be there. */
static int scan_table(const char *path, int64_t k, int need_k, int which, int comp, aqs_record *r, long *keep,
                      char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "aqs: restart: cannot read the table %s, written before the checkpoint: %s", path,
                 strerror(errno));
        return -1;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t got;
    long at = 0;
    int64_t last = -1;
    int header = 1, bad = 0;
    *keep = 0;
    while ((got = getline(&line, &cap, f)) > 0) {
        if (header) {
            header = 0;
            at += got;
            *keep = at;
            continue;
        }
        if (line[got - 1] != '\n')
            break; /* a row the killed job did not finish */
        char *end;
        long long inc = strtoll(line, &end, 10);
        if (end == line || *end != ',') {
            bad = 1;
            break;
        }
        if (inc > k)
            break;
        at += got;
        *keep = at;
        last = inc;
        if (which == 0)
            record_aqs_row(r, line, comp);
        else
            record_avalanche_row(r, line);
    }
    free(line);
    fclose(f);
    if (bad || header)
        snprintf(err, errlen, "aqs: restart: %s is not the table this command writes (%s)", path,
                 header ? "it is empty" : "a row does not begin with its increment");
    else if (need_k && last != k)
        snprintf(err, errlen, "aqs: restart: the table %s ends at increment %lld, but the checkpoint was taken "
                 "after increment %lld (was the table moved or replaced?)", path, (long long)last, (long long)k);
    return err[0] ? -1 : 0;
}

/* Rank 0 opens both tables: anew, or (resuming after increment k) cut back
 * to the rows of increments <= k, which are recorded. Collective verdict. */
static void open_tables(deck *dk, const aqs_opts *o, aqs_files *t, int resume, int64_t k, aqs_record *r)
{
    char err[2600] = "";
    if (par_rank() == 0) {
        long keep[2] = {0, 0};
        for (int w = 0; w < 2 && resume && !err[0]; w++)
            scan_table(t->path[w], k, w == 0, w, o->comp, r, &keep[w], err, sizeof err);
        for (int w = 0; w < 2 && !err[0]; w++) {
            claim_make_folder(t->path[w]);
            t->f[w] = claim_fopen(AQS_OWNER, t->path[w], resume ? "a" : "w", err, sizeof err);
            if (!t->f[w])
                break;
            if (resume) {
                if (ftruncate(fileno(t->f[w]), (off_t)keep[w]) != 0)
                    snprintf(err, sizeof err, "aqs: restart: cannot cut %s back to %ld bytes: %s", t->path[w],
                             keep[w], strerror(errno));
            } else {
                fputs(w == 0 ? aqs_header : avalanche_header, t->f[w]);
                fflush(t->f[w]);
            }
        }
    }
    verdict(dk, err, sizeof err);
}

static void close_tables(aqs_files *t)
{
    for (int w = 0; w < 2; w++)
        if (t->f[w]) {
            fclose(t->f[w]);
            t->f[w] = NULL;
        }
    claim_release(AQS_OWNER, NULL);
}

/* Rank 0: append a row and flush it (a checkpoint after it must find it on
 * disk); a failed write ends the run collectively at the next verdict. */
static void put_row(aqs_files *t, int w, const char *row, char *err, size_t errlen)
{
    if (par_rank() != 0 || err[0])
        return;
    if (fputs(row, t->f[w]) < 0 || fflush(t->f[w]) != 0)
        snprintf(err, errlen, "aqs: cannot write %s: %s", t->path[w], strerror(errno));
}

/* ---- summary ------------------------------------------------------------ */

static void summary(const aqs_opts *o, const aqs_record *r, const aqs_point *last, const aqs_files *t,
                    int64_t natoms)
{
    if (par_rank() != 0 || r->n == 0)
        return;
    const char *c = comp_names[o->comp];
    printf("aqs: %lld increments of %s strain %g to %.10g (%lld atoms, %lld minimiser iterations)\n",
           (long long)(r->n - 1), c, o->step, r->strain[r->n - 1], (long long)natoms, (long long)r->iterations);
    printf("aqs: final stress xx yy zz xy xz yz %.6g %.6g %.6g %.6g %.6g %.6g GPa (von Mises %.6g GPa), energy "
           "%.10g eV/atom\n", last->sigma[0], last->sigma[1], last->sigma[2], last->sigma[3], last->sigma[4],
           last->sigma[5], last->vm, last->epot / (double)natoms);
    /* The curve's analysis is the stress_strain module's (docs/analysis.md,
     * "Stress-strain curves"): the same definitions as the observer's. */
    ss_options so;
    ss_options_default(&so);
    so.fit = o->fit;
    ss_summary ss;
    ss_analyze(r->strain, r->sigma, (int)r->n, 1, &so, &ss);
    const char *what = o->comp >= 3 ? "shear modulus" : "modulus at fixed lateral box (C11-like)";
    if (isfinite(ss.modulus))
        printf("aqs: %s %s %.6g GPa (+- %.2g; least squares over strain 0 to %g, %d points; residual stress %.6g "
               "GPa)\n", what, c, ss.modulus, ss.modulus_se, o->fit, ss.fit_n, ss.intercept);
    else
        printf("aqs: %s: fewer than 2 increments with strain <= %g (fit STRAIN sets the range)\n", what, o->fit);
    if (ss.yielded)
        printf("aqs: yield (%g offset) at strain %.6g, s%s %.6g GPa\n", so.offset, ss.yield_strain, c,
               ss.yield_stress);
    else
        printf("aqs: no yield (the curve never crosses the %g offset line)\n", so.offset);
    printf("aqs: peak s%s %.6g GPa at strain %.10g\n", c, ss.max_stress, ss.max_strain);
    if (r->nav) {
        double sum = 0, big = 0, at = 0, de = 0;
        for (int64_t k = 0; k < r->nav; k++) {
            sum += r->av_drop[k];
            de += r->av_de[k];
            if (r->av_drop[k] > big)
                big = r->av_drop[k], at = r->av_strain[k];
        }
        printf("aqs: %lld avalanche%s (s%s drop > %g GPa): first at strain %.10g, mean drop %.6g GPa, largest "
               "%.6g GPa at strain %.10g, energy released %.6g eV in all\n", (long long)r->nav,
               r->nav > 1 ? "s" : "", c, o->drop * GPA_PER_BAR, r->av_strain[0], sum / (double)r->nav, big, at, de);
    } else {
        printf("aqs: no avalanche (no s%s drop > %g GPa)\n", c, o->drop * GPA_PER_BAR);
    }
    if (r->unconverged)
        printf("aqs: warning: %lld minimisation%s stopped before etol or ftol was met (column converged = 0; the "
               "minimiser's report says why)\n", (long long)r->unconverged, r->unconverged > 1 ? "s" : "");
    printf("aqs: tables %s, %s\n", t->path[0], t->path[1]);
    fflush(stdout);
}

/* ---- the command -------------------------------------------------------- */

void cmd_aqs(deck *dk)
{
    md *s = dk->s;
    deck_need_system(dk);
    if (!s->pot)
        deck_fail(dk, "aqs: no potential chosen (use the potential command)");
    aqs_opts o;
    parse(dk, &o);
    check_box(dk, &o);
    if (o.mp.style == MIN_FIRE)
        for (int t = 1; t <= s->atoms.ntypes; t++)
            if (!(s->atoms.mass[t] > 0))
                deck_fail(dk, "aqs: min fire: type %d has no mass (set it with 'mass %d VALUE')", t, t);
    int resume = dk->pos.resume;
    int64_t k0 = 0;
    if (resume) {
        k0 = dk->pos.resume_stage;
        dk->pos.resume = 0;
        if (k0 > o.n)
            deck_fail(dk, "aqs: restart: the checkpoint was taken after increment %lld, but this aqs makes %lld",
                      (long long)k0, (long long)o.n);
    }
    if (o.comp >= 3 && !s->box.triclinic) {
        s->box.triclinic = 1;
        box_update(&s->box);
    }
    double natoms = (double)s->atoms.natoms;
    aqs_files t;
    memset(&t, 0, sizeof t);
    table_paths(&o, &t);
    aqs_record rec;
    memset(&rec, 0, sizeof rec);
    open_tables(dk, &o, &t, resume, k0, &rec);
    if (par_rank() == 0) {
        printf("aqs: %s strain in %lld increments of %g to %g, each minimised (%s, etol %g, ftol %g eV/A) at "
               "fixed box; avalanches: s%s drop > %g GPa, moved atoms: non-affine displacement > %g A\n",
               comp_names[o.comp], (long long)o.n, o.step, (double)o.n * o.step, min_style_name(o.mp.style),
               o.mp.etol, o.mp.ftol, comp_names[o.comp], o.drop * GPA_PER_BAR, o.moved);
        if (resume)
            printf("aqs: resuming after increment %lld (strain %.10g)\n", (long long)k0, (double)k0 * o.step);
        fflush(stdout);
    }

    char row[512], err[1200] = "";
    aqs_point prev, cur;
    memset(&prev, 0, sizeof prev);
    if (resume) {
        /* The state the checkpoint holds is the one after settle(): the
         * same set-up gives the same stress and energy, bit for bit. */
        md_setup(s, 1);
        measure(s, &o, &prev, 0);
    } else {
        increment(dk, &o, 0, &prev);
        format_aqs_row(row, sizeof row, 0, 0.0, s->step, &prev, natoms);
        put_row(&t, 0, row, err, sizeof err);
        if (par_rank() == 0)
            record_aqs_row(&rec, row, o.comp);
        verdict(dk, err, sizeof err);
        if (o.n > 0)
            restart_between_stages(dk, 0, 0);
    }
    for (int64_t k = k0 + 1; k <= o.n; k++) {
        increment(dk, &o, k, &cur);
        double strain = (double)k * o.step;
        format_aqs_row(row, sizeof row, k, strain, s->step, &cur, natoms);
        put_row(&t, 0, row, err, sizeof err);
        if (par_rank() == 0)
            record_aqs_row(&rec, row, o.comp);
        /* A drop of the stress conjugate to the strain, in the loading
         * direction (under compression or reverse shear, a rise). */
        double drop = (o.step > 0 ? 1.0 : -1.0) * (prev.sigma[o.comp] - cur.sigma[o.comp]);
        if (drop > o.drop * GPA_PER_BAR) {
            double de = prev.epot - cur.epot;
            format_avalanche_row(row, sizeof row, k, strain, drop, de, &cur, natoms);
            put_row(&t, 1, row, err, sizeof err);
            if (par_rank() == 0) {
                record_avalanche_row(&rec, row);
                printf("aqs: avalanche at increment %lld (strain %.10g): s%s drops %.6g GPa, energy %.6g eV, %lld "
                       "atoms moved more than %g A (largest %.3g A)\n", (long long)k, strain, comp_names[o.comp],
                       drop, de, (long long)cur.nmoved, o.moved, cur.dmax);
                fflush(stdout);
            }
        }
        verdict(dk, err, sizeof err);
        prev = cur;
        if (k < o.n)
            restart_between_stages(dk, (int)k, o.every > 0 && k % o.every == 0);
    }
    atoms_remove_prop(&s->atoms, AQS_PROP);
    summary(&o, &rec, &prev, &t, s->atoms.natoms);
    close_tables(&t);
    record_free(&rec);
}
