/* The `rdf` observer: accumulates pair histograms over the samples of a
 * stage, writes g(r), S(q), G(r) and coordination numbers as CSV at the end
 * of every stage (and at `analyze`), then starts afresh. Its accumulators
 * are replicated on every rank (summed once per sample) and go into
 * checkpoints through save/restore. Conventions: pair_structure.h and
 * docs/analysis.md. Communication: the shell's halo and one sum per sample. */
#include "analysis/pair_structure.h"
#include "analysis/shell.h"
#include "core/error.h"
#include "io/checkpoint.h"
#include "io/claim.h"
#include "parallel/parallel.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct rdf {
    pair_opts opt;
    int resolved;          /* rmax and nbins fixed (first sample or restore)  */
    double rmax;           /* A                                               */
    int nbins;
    int ntypes;            /* of the accumulators; 0: none yet                */
    size_t nacc;
    double *acc;           /* [samples, cnt(nt), nv(nt), nnv(nt^2), h(nt^2 nb)] */
    int64_t first_step, last_step;
    int64_t *count;        /* this sample's local ordered pair counts        */
    double *local, *sum;   /* [nt^2 nb + nt] for the reduction               */
    shell sh;
    int warned;
} rdf;

/* Offsets into acc. */
static inline double *acc_cnt(rdf *p) { return p->acc + 1; }
static inline double *acc_nv(rdf *p) { return p->acc + 1 + p->ntypes; }
static inline double *acc_nnv(rdf *p) { return p->acc + 1 + 2 * p->ntypes; }
static inline double *acc_h(rdf *p) { return p->acc + 1 + 2 * p->ntypes + p->ntypes * p->ntypes; }

static void reset(rdf *p)
{
    if (p->acc)
        memset(p->acc, 0, p->nacc * sizeof *p->acc);
    p->first_step = p->last_step = -1;
}

static void ensure_acc(rdf *p, const char *name, int ntypes)
{
    if (p->ntypes == ntypes)
        return;
    if (p->ntypes)
        mg_fail_all("rdf %s: the system has %d atom types, the accumulated histograms %d", name, ntypes, p->ntypes);
    p->ntypes = ntypes;
    size_t nh = (size_t)ntypes * ntypes * p->nbins;
    p->nacc = 1 + 2 * (size_t)ntypes + (size_t)ntypes * ntypes + nh;
    p->acc = mg_calloc(p->nacc, sizeof *p->acc);
    p->count = mg_calloc(nh, sizeof *p->count);
    p->local = mg_calloc(nh + ntypes, sizeof *p->local);
    p->sum = mg_calloc(nh + ntypes, sizeof *p->sum);
    reset(p);
}

/* rmax and the bin count, from the deck or from the first box seen. */
static void resolve(rdf *p, const char *name, const box *b)
{
    if (p->resolved)
        return;
    double hh = pair_half_height(b);
    if (p->opt.rmax > 0) {
        p->rmax = p->opt.rmax;
    } else {
        /* The default stays 0.1 A clear of half the box so that a box
         * breathing under a barostat does not trip the check below. */
        p->rmax = PAIR_DEFAULT_RMAX;
        if (isfinite(hh) && !p->opt.images && hh - 0.1 < p->rmax)
            p->rmax = floor(10.0 * (hh - 0.1)) / 10.0;
        if (!(p->rmax > 0))
            mg_fail_all("rdf %s: the box is too small for a pair distribution (half its smallest height is %.4g A)",
                        name, hh);
    }
    p->nbins = p->opt.nbins ? p->opt.nbins : (int)ceil(p->rmax / PAIR_DEFAULT_DR - 1e-9);
    p->resolved = 1;
}

static void check_box(rdf *p, const char *name, const box *b)
{
    double hh = pair_half_height(b);
    if (!p->opt.images && p->rmax > hh)
        mg_fail_all("rdf %s: rmax %.6g A is more than half the smallest periodic box height (%.6g A), where an atom "
                    "would meet two images of a neighbour; choose rmax <= %.6g A, or 'images yes' to count all "
                    "periodic images",
                    name, p->rmax, hh, hh);
    if (!p->warned && !(b->periodic[0] && b->periodic[1] && b->periodic[2])) {
        mg_warn("rdf %s: the box is not periodic in every dimension; g(r) is normalised with the box volume and "
                "does not tend to 1 at large r",
                name);
        p->warned = 1;
    }
}

/* Neutron weights need a tabulated length for every element present and a
 * mean length that does not vanish (a null-matrix alloy has no total S). */
static void check_neutron(const char *name, const atoms *a, const double *n)
{
    double sum = 0.0, sumabs = 0.0, ntot = 0.0;
    for (int t = 0; t < a->ntypes; t++) {
        if (!(n[t] > 0))
            continue;
        const char *el = a->element[t + 1];
        if (!el[0])
            mg_fail_all("rdf %s: 'weights neutron' needs the element of every atom type, but type %d has none "
                        "(choose the potential first, or name the elements in the data file)",
                        name, t + 1);
        double b = pair_neutron_b(el);
        if (isnan(b))
            mg_fail_all("rdf %s: no coherent neutron scattering length tabulated for element %s (type %d); use "
                        "'weights number'",
                        name, el, t + 1);
        sum += n[t] * b;
        sumabs += n[t] * fabs(b);
        ntot += n[t];
    }
    if (!(fabs(sum) > 1e-3 * sumabs))
        mg_fail_all("rdf %s: the mean coherent scattering length of this composition is %.3g fm, too close to zero "
                    "for a neutron-weighted total S(q); use 'weights number'",
                    name, sum / ntot);
}

static void rdf_sample(observer *ob, md *s)
{
    rdf *p = ob->data;
    const atoms *a = &s->atoms;
    resolve(p, ob->name, &s->box);
    check_box(p, ob->name, &s->box);
    ensure_acc(p, ob->name, a->ntypes);
    const int nt = p->ntypes;
    const size_t nh = (size_t)nt * nt * p->nbins;

    shell_build(&p->sh, s, p->rmax);
    memset(p->count, 0, nh * sizeof *p->count);
    pair_count(&p->sh.a, p->rmax, p->nbins, p->count);
    /* Integer counts, summed as doubles: exact below 2^53 per bin. */
    for (size_t k = 0; k < nh; k++)
        p->local[k] = (double)p->count[k];
    memset(p->local + nh, 0, (size_t)nt * sizeof *p->local);
    for (int i = 0; i < a->nlocal; i++)
        p->local[nh + a->type[i] - 1] += 1.0;
    par_sum_doubles(p->local, p->sum, (int)(nh + nt));

    const double vol = s->box.volume;
    const double *n = p->sum + nh;
    if (p->opt.weights == PAIR_WEIGHTS_NEUTRON)
        check_neutron(ob->name, a, n);
    double *cnt = acc_cnt(p), *nv = acc_nv(p), *nnv = acc_nnv(p), *h = acc_h(p);
    p->acc[0] += 1.0;
    for (int t = 0; t < nt; t++) {
        cnt[t] += n[t];
        nv[t] += n[t] / vol;
        for (int u = 0; u < nt; u++)
            nnv[t * nt + u] += n[t] * n[u] / vol;
    }
    for (size_t k = 0; k < nh; k++)
        h[k] += p->sum[k];
    if (p->first_step < 0)
        p->first_step = s->step;
    p->last_step = s->step;
}

/* ---- results -------------------------------------------------------------- */

#define MAX_SPECIES 16

typedef struct results {
    int ns;                        /* species present                        */
    char name[MAX_SPECIES][16];
    int of_type[64];               /* type-1 -> species, -1 absent           */
    double cnt[MAX_SPECIES];       /* sum over samples of the atom count      */
    double c[MAX_SPECIES];         /* number fraction                        */
    double f[MAX_SPECIES];         /* scattering weight (1 or b, fm)         */
    double rho;                    /* mean number density, 1/A^3             */
    int nb;
    double dr;
    double *hab;                   /* [ns*ns][nb] ordered counts             */
    double *g;                     /* [ns*ns][nb]                            */
    double *gnum, *gw;             /* [nb] number- and scattering-weighted   */
} results;

static void results_free(results *r)
{
    free(r->hab);
    free(r->g);
    free(r->gnum);
    free(r->gw);
}

/* Merge types into species (element names; "T<n>" for a type without one),
 * leaving out types with no atoms. */
static void species_of(rdf *p, const atoms *a, results *r)
{
    r->ns = 0;
    for (int t = 0; t < p->ntypes; t++) {
        r->of_type[t] = -1;
        if (!(acc_cnt(p)[t] > 0))
            continue;
        char nm[16];
        if (a->element[t + 1][0])
            snprintf(nm, sizeof nm, "%s", a->element[t + 1]);
        else
            snprintf(nm, sizeof nm, "T%d", t + 1);
        int k = 0;
        while (k < r->ns && strcmp(r->name[k], nm) != 0)
            k++;
        if (k == r->ns) {
            if (r->ns == MAX_SPECIES)
                mg_fail_all("rdf: more than %d species", MAX_SPECIES);
            snprintf(r->name[r->ns++], sizeof r->name[0], "%s", nm);
        }
        r->of_type[t] = k;
    }
}

static void compute(rdf *p, const atoms *a, results *r)
{
    memset(r, 0, sizeof *r);
    const int nt = p->ntypes, nb = p->nbins;
    if (nt > 64)
        mg_fail_all("rdf: more than 64 atom types");
    species_of(p, a, r);
    const int ns = r->ns;
    r->nb = nb;
    r->dr = p->rmax / nb;
    const double samples = p->acc[0];
    double *cnt = acc_cnt(p), *nv = acc_nv(p), *nnv = acc_nnv(p), *h = acc_h(p);
    double norm[MAX_SPECIES * MAX_SPECIES] = {0}, total = 0.0, nvs = 0.0;
    r->hab = mg_calloc((size_t)ns * ns * nb, sizeof *r->hab);
    for (int t = 0; t < nt; t++) {
        int A = r->of_type[t];
        if (A < 0)
            continue;
        r->cnt[A] += cnt[t];
        total += cnt[t];
        nvs += nv[t];
        norm[A * ns + A] -= nv[t]; /* N_a (N_b - delta_ab): no atom is its own neighbour */
        for (int u = 0; u < nt; u++) {
            int B = r->of_type[u];
            if (B < 0)
                continue;
            norm[A * ns + B] += nnv[t * nt + u];
            for (int k = 0; k < nb; k++)
                r->hab[((size_t)A * ns + B) * nb + k] += h[((size_t)t * nt + u) * nb + k];
        }
    }
    r->rho = nvs / samples;
    for (int A = 0; A < ns; A++)
        r->c[A] = r->cnt[A] / total;
    r->g = mg_malloc((size_t)ns * ns * nb * sizeof *r->g);
    for (int AB = 0; AB < ns * ns; AB++)
        for (int k = 0; k < nb; k++) {
            double vshell = 4.0 * M_PI / 3.0 * (pow(k + 1.0, 3) - pow(k, 3)) * pow(r->dr, 3);
            r->g[(size_t)AB * nb + k] = norm[AB] > 0 ? r->hab[(size_t)AB * nb + k] / (norm[AB] * vshell) : NAN;
        }
    /* Totals: sum_AB w_AB g_AB with w_AB = c_A c_B f_A f_B / (sum c f)^2. */
    double fbar = 0.0;
    for (int A = 0; A < ns; A++) {
        r->f[A] = 1.0;
        if (p->opt.weights == PAIR_WEIGHTS_NEUTRON)
            r->f[A] = pair_neutron_b(r->name[A]);
        fbar += r->c[A] * r->f[A];
    }
    r->gnum = mg_calloc((size_t)nb, sizeof *r->gnum);
    r->gw = mg_calloc((size_t)nb, sizeof *r->gw);
    for (int A = 0; A < ns; A++)
        for (int B = 0; B < ns; B++) {
            double wn = r->c[A] * r->c[B], ww = wn * r->f[A] * r->f[B] / (fbar * fbar);
            for (int k = 0; k < nb; k++) {
                double gk = r->g[((size_t)A * ns + B) * nb + k];
                r->gnum[k] += wn * gk;
                r->gw[k] += ww * gk;
            }
        }
}

/* Mean number of B neighbours within the lower edge of bin m of an A atom
 * (exact counts, no interpolation). */
static double coord(const results *r, int A, int B, int m)
{
    double n = 0.0;
    for (int k = 0; k < m; k++)
        n += r->hab[((size_t)A * r->ns + B) * r->nb + k];
    return n / r->cnt[A];
}

static void expand_prefix(const char *pattern, int64_t step, char *out, size_t len)
{
    size_t o = 0;
    for (const char *c = pattern; *c && o + 1 < len; c++) {
        if (*c == '*') {
            int w = snprintf(out + o, len - o, "%lld", (long long)step);
            o += w > 0 ? (size_t)w : 0;
            if (o >= len)
                o = len - 1;
        } else {
            out[o++] = *c;
        }
    }
    out[o] = '\0';
}

/* Why the last open_csv was refused (rank 0), for claim_verdict. */
static char refusal[2600];
static char owner_now[128];

/* Claimed for the observer (held until its next write or its end), so a
 * table never lands on a file another output writes (claim.h). */
static FILE *open_csv(const char *base, const char *ext, char *path, size_t len)
{
    snprintf(path, len, "%s.%s.csv", base, ext);
    FILE *f = claim_fopen(owner_now, path, "w", refusal, sizeof refusal);
    if (f || errno != EBUSY)
        refusal[0] = '\0';
    return f;
}

static int close_csv(FILE *f)
{
    int bad = ferror(f);
    return (fclose(f) != 0 || bad) ? -1 : 0;
}

/* Rank 0: write the four tables. Returns 0, or -1 with errno and the path. */
static int write_tables(rdf *p, const char *obname, md *s, const char *base, char *path, size_t plen)
{
    results r;
    compute(p, &s->atoms, &r);
    const int ns = r.ns, nb = r.nb, neutron = p->opt.weights == PAIR_WEIGHTS_NEUTRON;
    const double dr = r.dr;
    int rc = 0;

    /* Columns: number-weighted total, partials A <= B, scattering-weighted total. */
    int ncol = 1 + ns * (ns + 1) / 2 + neutron;
    const double **cols = mg_malloc((size_t)ncol * sizeof *cols);
    char (*label)[40] = mg_malloc((size_t)ncol * sizeof *label);
    int c = 0;
    cols[c] = r.gnum;
    snprintf(label[c++], sizeof label[0], "total");
    for (int A = 0; A < ns; A++)
        for (int B = A; B < ns; B++) {
            cols[c] = r.g + ((size_t)A * ns + B) * nb;
            snprintf(label[c++], sizeof label[0], "%s%s", r.name[A], r.name[B]);
        }
    if (neutron) {
        cols[c] = r.gw;
        snprintf(label[c++], sizeof label[0], "neutron");
    }

    FILE *f = open_csv(base, "gr", path, plen);
    if (!f)
        rc = -1;
    if (!rc) {
        fprintf(f, "r[A]");
        for (c = 0; c < ncol; c++)
            fprintf(f, ",g_%s", label[c]);
        fputc('\n', f);
        for (int k = 0; k < nb; k++) {
            fprintf(f, "%.12g", (k + 0.5) * dr);
            for (c = 0; c < ncol; c++)
                fprintf(f, ",%.12g", cols[c][k]);
            fputc('\n', f);
        }
        rc = close_csv(f);
    }

    if (!rc && (f = open_csv(base, "pdf", path, plen)) == NULL)
        rc = -1;
    if (!rc) {
        fprintf(f, "r[A]");
        for (c = 0; c < ncol; c++)
            fprintf(f, ",G_%s[1/A^2]", label[c]);
        fputc('\n', f);
        for (int k = 0; k < nb; k++) {
            double rk = (k + 0.5) * dr;
            fprintf(f, "%.12g", rk);
            for (c = 0; c < ncol; c++)
                fprintf(f, ",%.12g", 4.0 * M_PI * r.rho * rk * (cols[c][k] - 1.0));
            fputc('\n', f);
        }
        rc = close_csv(f);
    }

    if (!rc) {
        int cap = (int)fmin(ceil(p->opt.qmax / fmin(p->opt.dq, M_PI / p->rmax)) + 16, 10000000.0);
        double *q = mg_malloc((size_t)cap * sizeof *q);
        double **sq = mg_malloc((size_t)ncol * sizeof *sq);
        for (c = 0; c < ncol; c++)
            sq[c] = mg_malloc((size_t)cap * sizeof **sq);
        int nq = pair_transform(ncol, cols, nb, dr, r.rho, p->opt.window, p->opt.dq, p->opt.qmax, q, sq, cap);
        if ((f = open_csv(base, "sq", path, plen)) == NULL)
            rc = -1;
        if (!rc) {
            fprintf(f, "q[1/A]");
            for (c = 0; c < ncol; c++)
                fprintf(f, ",S_%s", label[c]);
            fputc('\n', f);
            for (int j = 0; j < nq; j++) {
                fprintf(f, "%.12g", q[j]);
                for (c = 0; c < ncol; c++)
                    fprintf(f, ",%.12g", sq[c][j]);
                fputc('\n', f);
            }
            rc = close_csv(f);
        }
        /* The number-weighted total S(q) of a liquid or glass is positive;
         * negative values are the ripple of cutting g(r) at rmax (largest
         * at low q; below ~2 pi/rmax the box measures nothing) and noise. */
        int jmin = -1;
        for (int j = 0; j < nq; j++)
            if (sq[0][j] < 0 && (jmin < 0 || sq[0][j] < sq[0][jmin]))
                jmin = j;
        if (!rc && jmin >= 0)
            mg_warn("rdf %s: the total S(q) is negative (%.3g at q = %.3g 1/A): the ripple of cutting g(r) at rmax = "
                    "%.3g A (its period 2 pi/rmax = %.3g 1/A; S(q) below that is not measured) and the noise of %.0f "
                    "sample%s; 'window lorch' damps the ripple, a larger box or more samples (every N over a hold) "
                    "shrink both (docs/analysis.md)", obname, sq[0][jmin], q[jmin], p->rmax, 2 * M_PI / p->rmax,
                    p->acc[0], p->acc[0] == 1 ? "" : "s");
        for (c = 0; c < ncol; c++)
            free(sq[c]);
        free(sq);
        free(q);
    }

    /* Coordination numbers: each partial at its own first minimum, then
     * every pair and the sums at the first minimum of the total g. */
    int mtot = pair_first_minimum(r.gnum, nb, dr);
    if (!rc && (f = open_csv(base, "cn", path, plen)) == NULL)
        rc = -1;
    if (!rc) {
        fprintf(f, "cutoff,center,neighbor,rmin[A],cn\n");
        for (int A = 0; A < ns; A++)
            for (int B = 0; B < ns; B++) {
                int m = pair_first_minimum(r.g + ((size_t)A * ns + B) * nb, nb, dr);
                fprintf(f, "partial,%s,%s,%.12g,%.12g\n", r.name[A], r.name[B], m >= 0 ? m * dr : NAN,
                        m >= 0 ? coord(&r, A, B, m) : NAN);
            }
        double rt = mtot >= 0 ? mtot * dr : NAN, all = 0.0;
        for (int A = 0; A < ns; A++) {
            double sum = 0.0;
            for (int B = 0; B < ns; B++) {
                double n = mtot >= 0 ? coord(&r, A, B, mtot) : NAN;
                sum += n;
                fprintf(f, "total,%s,%s,%.12g,%.12g\n", r.name[A], r.name[B], rt, n);
            }
            fprintf(f, "total,%s,all,%.12g,%.12g\n", r.name[A], rt, sum);
            all += r.c[A] * sum;
        }
        fprintf(f, "total,all,all,%.12g,%.12g\n", rt, all);
        rc = close_csv(f);
        printf("rdf %s: %.0f sample%s (steps %lld-%lld), rho %.6g 1/A^3, first minimum of g(r) at %.4g A, "
               "coordination %.4g; wrote %s.{gr,sq,pdf,cn}.csv\n",
               obname, p->acc[0], p->acc[0] == 1 ? "" : "s", (long long)p->first_step, (long long)p->last_step,
               r.rho, rt, all, base);
        fflush(stdout);
    }
    free(cols);
    free(label);
    results_free(&r);
    return rc;
}

static void rdf_write(observer *ob, md *s)
{
    rdf *p = ob->data;
    if (!p->ntypes || !(p->acc[0] > 0))
        return;
    char base[1100], path[1200] = "";
    expand_prefix(p->opt.file, s->step, base, sizeof base);
    int ok = 1, err = 0;
    refusal[0] = '\0';
    if (par_rank() == 0) {
        snprintf(owner_now, sizeof owner_now, "rdf %s", ob->name);
        claim_release(owner_now, NULL); /* the last stage's tables */
        if (write_tables(p, ob->name, s, base, path, sizeof path) != 0) {
            ok = 0;
            err = errno;
        }
    }
    claim_verdict(refusal);
    int st[2] = {ok, err};
    par_bcast_ints(st, 2, 0);
    par_bcast_bytes(path, sizeof path, 0);
    if (!st[0])
        mg_fail_run("rdf %s: cannot write %s: %s", ob->name, path, strerror(st[1]));
}

static void rdf_stage_end(observer *ob, md *s)
{
    rdf_write(ob, s);
    reset(ob->data);
}

/* ---- checkpoint ----------------------------------------------------------- */

static void rdf_save(observer *ob, struct ckpt_state *c)
{
    rdf *p = ob->data;
    int64_t shape[4] = {p->ntypes, p->resolved ? p->nbins : 0, p->first_step, p->last_step};
    double rmax = p->resolved ? p->rmax : 0.0;
    ckpt_put_i64(c, "shape", shape, 4);
    ckpt_put_doubles(c, "rmax", &rmax, 1);
    if (p->ntypes)
        ckpt_put_doubles(c, "acc", p->acc, p->nacc);
}

static void rdf_restore(observer *ob, struct ckpt_state *c)
{
    rdf *p = ob->data;
    int64_t shape[4];
    double rmax;
    if (ckpt_get_i64(c, "shape", shape, 4) != 0 || ckpt_get_doubles(c, "rmax", &rmax, 1) != 0)
        mg_fail_all("rdf %s: the checkpoint holds no pair histograms for this observer", ob->name);
    if (shape[1] > 0) {
        if (p->opt.rmax > 0 && fabs(p->opt.rmax - rmax) > 1e-12 * rmax)
            mg_fail_all("rdf %s: the deck says rmax %.10g A, the checkpoint's histograms reach %.10g A", ob->name,
                        p->opt.rmax, rmax);
        if (p->opt.nbins > 0 && p->opt.nbins != shape[1])
            mg_fail_all("rdf %s: the deck says bins %d, the checkpoint's histograms have %lld", ob->name,
                        p->opt.nbins, (long long)shape[1]);
        if (p->resolved && (p->nbins != shape[1] || p->rmax != rmax))
            mg_fail_all("rdf %s: the checkpoint's histograms (rmax %.10g A, %lld bins) do not match these "
                        "(rmax %.10g A, %d bins)",
                        ob->name, rmax, (long long)shape[1], p->rmax, p->nbins);
        p->rmax = rmax;
        p->nbins = (int)shape[1];
        p->resolved = 1;
    }
    if (shape[0] > 0) {
        if (shape[0] > 64 || !p->resolved)
            mg_fail_all("rdf %s: the checkpoint's pair histograms are malformed", ob->name);
        ensure_acc(p, ob->name, (int)shape[0]);
        if (ckpt_get_doubles(c, "acc", p->acc, p->nacc) != 0)
            mg_fail_all("rdf %s: the checkpoint's pair histograms are missing or of another size", ob->name);
        p->first_step = shape[2];
        p->last_step = shape[3];
    } else {
        reset(p);
    }
}

static void rdf_destroy(observer *ob, md *s)
{
    rdf *p = ob->data;
    if (!p)
        return;
    char owner[128];
    snprintf(owner, sizeof owner, "rdf %s", ob->name);
    claim_release(owner, NULL);
    shell_destroy(&p->sh);
    free(p->acc);
    free(p->count);
    free(p->local);
    free(p->sum);
    free(p);
    ob->data = NULL;
}

static const observer_ops rdf_ops = {
    .kind = "rdf",
    .sample = rdf_sample,
    .stage_end = rdf_stage_end,
    .save = rdf_save,
    .restore = rdf_restore,
    .destroy = rdf_destroy,
};

observer *pair_observer_new(const char *name, const pair_opts *opt, int every, int at_end)
{
    observer *ob = observer_new(name, &rdf_ops, every, at_end);
    rdf *p = mg_calloc(1, sizeof *p);
    p->opt = *opt;
    shell_init(&p->sh);
    p->first_step = p->last_step = -1;
    ob->data = p;
    return ob;
}
