/* The `stress_strain` observer and its deck command (docs/analysis.md,
 * "Stress–strain curves"):
 *
 *   stress_strain NAME strain xx|yy|zz|xy|xz|yz file PREFIX [every N]
 *                 [at_end yes|no] [stress xx|yy|zz|xy|xz|yz|vm] [fit E1]
 *                 [offset O] [flow A B] [blocks K] [reference now|stage]
 *                 [stages runs|manual]
 *   stress_strain NAME torsion TFIX file PREFIX [every N] [at_end yes|no]
 *                 [fit G1] [offset O] [flow A B] [blocks K] [stages runs|manual]
 *   stress_strain NAME end_stage
 *
 * Each sample is one row of PREFIX.csv: the stage, step, time, the strain
 * of the box against the reference box (stress_strain.h), the six stresses
 * (sigma = -P, GPa), von Mises stress, pressure, potential energy per atom
 * and temperature. With `torsion TFIX` the curve is a twisted wire's
 * surface shear stress tau_s against its surface shear strain gamma_s
 * (Equation 1 of Dong et al. 2021, measured by the torsion fix TFIX:
 * fix/torsion.h), each row holding the twist angle, the torques on both
 * grips and the transmitted one, the measured diameter and gauge length,
 * tau_s, the energy per atom and the temperature; the modulus of the
 * summary is then the surface shear modulus Gs and the offset yield
 * gamma_SY. The samples of a loading stage are kept (strain and the
 * analysed stress, as printed) and at the stage's end analysed
 * (ss_analyze) into one row of PREFIX_summary.csv and a line on screen.
 * A stage ends with every stage of a run and every `analyze NAME`
 * (`stages runs`), or only at `stress_strain NAME end_stage` (`stages
 * manual`: a loading driven by a deck loop of change_box and short runs or
 * minimisations is one stage).
 *
 * Rank 0's values of a sample are broadcast, so every rank keeps the same
 * samples and computes the same summary; rank 0 alone writes. Checkpoints
 * keep the reference box, the stage's samples and both files' lengths; a
 * restart cuts the files back to those lengths and continues them
 * (io/funnel.h text_resume), so the tables are byte-identical to an
 * uninterrupted run's. Communication: thermo_compute's reductions and one
 * broadcast per sample; the claims' verdicts when the files are opened. */
#include "analysis/stress_strain.h"
#include "core/error.h"
#include "deck/deck.h"
#include "fix/torsion.h"
#include "io/checkpoint.h"
#include "io/claim.h"
#include "io/funnel.h"
#include "io/thermo.h"
#include "parallel/parallel.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cmd_stress_strain(deck *dk);

typedef struct ssobs {
    int comp;                  /* strain component SS_XX..SS_YZ; SS_TWIST    */
    int scomp;                 /* analysed stress SS_XX..SS_VM; SS_TWIST     */
    fix_list *fixes;           /* torsion: the list the fix is in             */
    char twist[64];            /* torsion: the fix's name                     */
    ss_options opt;
    int ref_each_stage;        /* reference stage: re-taken at each stage end */
    int manual;                /* stages manual                               */
    ss_reference ref;
    char path_table[1100], path_sum[1100];
    FILE *ftab, *fsum;         /* rank 0                                      */
    int64_t stage;             /* number of the current stage, from 1         */
    int n, cap;                /* samples of the current stage                */
    double *x, *y;             /* strain and analysed stress, as printed      */
    int64_t first_step, last_step;
} ssobs;

static const observer_ops ss_ops;

/* The component of a torsion curve (tau_s against gamma_s). */
#define SS_TWIST SS_NCOMP

static const char *strain_name(int c) { return c == SS_TWIST ? "gamma_s" : ss_component_name(c); }
static const char *stress_name(int c) { return c == SS_TWIST ? "tau_s" : ss_component_name(c); }

/* ---- formatting ------------------------------------------------------------- */

/* 15 significant digits: a rank count's round-off (1e-16 relative) changes
 * the printed value by at most one unit in the 15th digit. */
static double put_num(textbuf *t, double v)
{
    char w[40];
    if (isnan(v))
        snprintf(w, sizeof w, "nan");
    else
        snprintf(w, sizeof w, "%.15g", v);
    tb_printf(t, ",%s", w);
    return isnan(v) ? v : strtod(w, NULL);
}

static void strain_headers(const ssobs *p, textbuf *t)
{
    const char *c = ss_component_name(p->comp);
    if (ss_is_shear(p->comp))
        tb_printf(t, ",gamma_%s[1]", c);
    else
        tb_printf(t, ",eng_strain_%s[1],true_strain_%s[1]", c, c);
}

static void write_headers(ssobs *p)
{
    textbuf t = {NULL, 0, 0};
    tb_printf(&t, "stage,step,time[ps]");
    if (p->comp == SS_TWIST)
        tb_printf(&t, ",gamma_s[1],phi[deg],torque[eV],torque_top[eV],torque_bottom[eV],diameter[A],gauge[A],"
                      "tau_s[GPa],pe[eV/atom],temp[K]\n");
    else {
        strain_headers(p, &t);
        tb_printf(&t, ",sxx[GPa],syy[GPa],szz[GPa],sxy[GPa],sxz[GPa],syz[GPa],svm[GPa],press[GPa],pe[eV/atom],"
                      "temp[K]\n");
    }
    fputs(t.s, p->ftab);
    tb_free(&t);
    fputs("stage,strain,stress,fit[1],offset[1],flow_lo[1],flow_hi[1],direction,samples,first_step,last_step,"
          "strain_min[1],strain_max[1],fit_points,modulus[GPa],modulus_se[GPa],intercept[GPa],yield_strain[1],"
          "yield_stress[GPa],secant_yield[GPa],max_strain[1],max_stress[GPa],secant_max[GPa],flow_points,"
          "flow_blocks,flow_stress[GPa],flow_se[GPa]\n",
          p->fsum);
}

static void check_write(FILE *f, const char *path)
{
    if (fflush(f) != 0 || ferror(f))
        mg_fail_one("stress_strain: writing %s failed: %s", path, strerror(errno));
}

/* ---- sampling --------------------------------------------------------------- */

enum { V_SIG = 0, V_VM = 6, V_PRESS, V_PE, V_TEMP, V_N };

/* A sample's point of the curve, as printed. */
static void keep_point(ssobs *p, const md *s, double x, double y)
{
    if (p->n == p->cap) {
        p->cap = p->cap ? 2 * p->cap : 64;
        p->x = mg_realloc(p->x, (size_t)p->cap * sizeof *p->x);
        p->y = mg_realloc(p->y, (size_t)p->cap * sizeof *p->y);
    }
    p->x[p->n] = x;
    p->y[p->n] = y;
    p->n++;
    if (p->first_step < 0)
        p->first_step = s->step;
    p->last_step = s->step;
}

static void emit_row(ssobs *p, const textbuf *t)
{
    if (par_rank() == 0 && p->ftab) {
        fputs(t->s, p->ftab);
        check_write(p->ftab, p->path_table);
    }
}

/* A row of a torsion table (the fix's measurement, rank 0's values). */
static void twist_sample(observer *ob, md *s, double pe, double temp)
{
    ssobs *p = ob->data;
    torsion_sample w;
    if (torsion_measure(fixes_find(p->fixes, p->twist), s, &w) != 0)
        mg_fail_all("stress_strain %s: the torsion fix '%s' it measures is gone", ob->name, p->twist);
    double v[9] = {w.gamma_s, w.phi * 180.0 / M_PI, w.torque, w.torque_top, w.torque_bottom, w.diameter, w.gauge,
                   w.tau_s, pe};
    par_bcast_doubles(v, 9, 0);
    textbuf t = {NULL, 0, 0};
    tb_printf(&t, "%lld,%lld", (long long)p->stage, (long long)s->step);
    put_num(&t, s->time);
    double printed[9];
    for (int k = 0; k < 9; k++)
        printed[k] = put_num(&t, v[k]);
    put_num(&t, temp);
    tb_putc(&t, '\n');
    emit_row(p, &t);
    tb_free(&t);
    keep_point(p, s, printed[0], printed[7]);
}

static void ss_sample(observer *ob, md *s)
{
    ssobs *p = ob->data;
    double th[THERMO_NCOL], v[V_N];
    thermo_compute(s, th);
    ss_stress_from_pressure(th + 7, v + V_SIG);
    v[V_VM] = ss_von_mises(v + V_SIG);
    v[V_PRESS] = th[6] * 1e-4;
    v[V_PE] = s->atoms.natoms > 0 ? th[3] / (double)s->atoms.natoms : 0.0;
    /* The peculiar temperature: the thermo temperature, or under a
     * streaming flow (deform ... remap v) the one without it (ptemp). */
    v[V_TEMP] = s->flow ? md_peculiar_temperature(s) : th[2];
    /* Sums may round differently on different ranks: rank 0's count. */
    par_bcast_bytes(v, sizeof v, 0);
    if (p->comp == SS_TWIST) {
        twist_sample(ob, s, v[V_PE], v[V_TEMP]);
        return;
    }

    double eng, tru;
    eng = ss_strain(&p->ref, &s->box, p->comp, &tru);
    textbuf t = {NULL, 0, 0};
    tb_printf(&t, "%lld,%lld", (long long)p->stage, (long long)s->step);
    put_num(&t, s->time);
    double x = put_num(&t, eng);
    if (!ss_is_shear(p->comp))
        put_num(&t, tru);
    double printed[V_N];
    for (int k = 0; k < V_N; k++)
        printed[k] = put_num(&t, v[k]);
    tb_putc(&t, '\n');
    emit_row(p, &t);
    tb_free(&t);
    keep_point(p, s, x, printed[p->scomp == SS_VM ? V_VM : V_SIG + p->scomp]);
}

/* ---- the end of a stage ------------------------------------------------------ */

static void fmt_g(char *out, size_t len, double v, const char *fmt)
{
    if (isnan(v))
        snprintf(out, len, "n/a");
    else
        snprintf(out, len, fmt, v);
}

static void print_summary(const observer *ob, const ssobs *p, const ss_summary *r)
{
    const char *sc = strain_name(p->comp), *yc = stress_name(p->scomp);
    char e[48], ese[48], ys[48], ye[48], sec[48], fl[48], fse[48];
    fmt_g(e, sizeof e, r->modulus, "%.6g");
    fmt_g(ese, sizeof ese, r->modulus_se, "%.3g");
    fmt_g(ys, sizeof ys, r->yield_stress, "%.6g");
    fmt_g(ye, sizeof ye, r->yield_strain, "%.6g");
    fmt_g(sec, sizeof sec, r->secant_yield, "%.6g");
    fmt_g(fl, sizeof fl, r->flow_stress, "%.6g");
    fmt_g(fse, sizeof fse, r->flow_se, "%.3g");
    printf("stress_strain %s: stage %lld: %d sample%s (steps %lld-%lld), strain %s from %.6g to %.6g%s\n", ob->name,
           (long long)p->stage, r->n, r->n == 1 ? "" : "s", (long long)p->first_step, (long long)p->last_step, sc,
           r->strain_min, r->strain_max,
           r->direction < 0 ? (p->scomp == SS_VM ? " (negative loading: analysed against -strain)"
                                                 : " (negative loading: -stress against -strain analysed)")
                            : "");
    if (p->comp == SS_TWIST)
        printf("  surface shear modulus Gs (tau_s vs gamma_s, fit over [0, %g], %d point%s) %s +- %s GPa\n", p->opt.fit,
               r->fit_n, r->fit_n == 1 ? "" : "s", e, ese);
    else
        printf("  modulus (s%s vs strain %s, fit over [0, %g], %d point%s) %s +- %s GPa\n", yc, sc, p->opt.fit,
               r->fit_n, r->fit_n == 1 ? "" : "s", e, ese);
    if (r->yielded)
        printf("  yield (%g offset) %s GPa at strain %s, secant modulus %s GPa\n", p->opt.offset, ys, ye, sec);
    else
        printf("  no yield: the curve does not cross the %g offset line%s\n", p->opt.offset,
               isnan(r->modulus) ? " (no modulus: fewer than 2 samples in the fit window)" : "");
    printf("  maximum %.6g GPa at strain %.6g", r->max_stress, r->max_strain);
    if (!isnan(r->secant_max))
        printf(", secant modulus %.6g GPa", r->secant_max);
    printf("\n");
    if (p->opt.flow_lo < p->opt.flow_hi)
        printf("  flow stress over [%g, %g] %s +- %s GPa (%d sample%s, %d block%s)\n", p->opt.flow_lo,
               p->opt.flow_hi, fl, fse, r->flow_n, r->flow_n == 1 ? "" : "s", r->flow_blocks,
               r->flow_blocks == 1 ? "" : "s");
    fflush(stdout);
}

static void write_summary(const ssobs *p, const ss_summary *r)
{
    textbuf t = {NULL, 0, 0};
    int flow = p->opt.flow_lo < p->opt.flow_hi;
    tb_printf(&t, "%lld,%s,%s", (long long)p->stage, strain_name(p->comp), stress_name(p->scomp));
    put_num(&t, p->opt.fit);
    put_num(&t, p->opt.offset);
    put_num(&t, flow ? p->opt.flow_lo : NAN);
    put_num(&t, flow ? p->opt.flow_hi : NAN);
    tb_printf(&t, ",%d,%d,%lld,%lld", r->direction, r->n, (long long)p->first_step, (long long)p->last_step);
    put_num(&t, r->strain_min);
    put_num(&t, r->strain_max);
    tb_printf(&t, ",%d", r->fit_n);
    put_num(&t, r->modulus);
    put_num(&t, r->modulus_se);
    put_num(&t, r->intercept);
    put_num(&t, r->yield_strain);
    put_num(&t, r->yield_stress);
    put_num(&t, r->secant_yield);
    put_num(&t, r->max_strain);
    put_num(&t, r->max_stress);
    put_num(&t, r->secant_max);
    tb_printf(&t, ",%d,%d", r->flow_n, r->flow_blocks);
    put_num(&t, r->flow_stress);
    put_num(&t, r->flow_se);
    tb_putc(&t, '\n');
    fputs(t.s, p->fsum);
    check_write(p->fsum, p->path_sum);
    tb_free(&t);
}

/* The stage's summary (if it has samples), then a new stage. */
static void end_stage(observer *ob, md *s)
{
    ssobs *p = ob->data;
    if (p->n > 0) {
        ss_summary r;
        ss_analyze(p->x, p->y, p->n, p->scomp != SS_VM, &p->opt, &r);
        if (par_rank() == 0) {
            print_summary(ob, p, &r);
            if (p->fsum)
                write_summary(p, &r);
        }
        p->stage++;
        p->n = 0;
        p->first_step = p->last_step = -1;
    }
    /* The box the next stage starts from. */
    if (p->ref_each_stage)
        ss_reference_of(&s->box, &p->ref);
}

static void ss_stage_end(observer *ob, md *s)
{
    ssobs *p = ob->data;
    if (!p->manual)
        end_stage(ob, s);
}

/* ---- checkpoint ------------------------------------------------------------- */

enum { ST_TAB, ST_SUM, ST_STAGE, ST_N, ST_FIRST, ST_LAST, ST_COMP, ST_SCOMP, ST_COUNT };

static void ss_save(observer *ob, struct ckpt_state *c)
{
    ssobs *p = ob->data;
    int64_t st[ST_COUNT] = {text_position(p->ftab), text_position(p->fsum), p->stage, p->n, p->first_step,
                            p->last_step, p->comp, p->scomp};
    ckpt_put_i64(c, "state", st, ST_COUNT);
    double ref[6] = {p->ref.len[0], p->ref.len[1], p->ref.len[2], p->ref.tilt[0], p->ref.tilt[1], p->ref.tilt[2]};
    ckpt_put_doubles(c, "reference", ref, 6);
    ckpt_put_text(c, "table", p->path_table);
    if (p->n > 0) {
        ckpt_put_doubles(c, "strain", p->x, (size_t)p->n);
        ckpt_put_doubles(c, "stress", p->y, (size_t)p->n);
    }
}

static void ss_restore(observer *ob, struct ckpt_state *c)
{
    ssobs *p = ob->data;
    int64_t st[ST_COUNT];
    double ref[6];
    if (ckpt_get_i64(c, "state", st, ST_COUNT) != 0 || ckpt_get_doubles(c, "reference", ref, 6) != 0)
        mg_fail_all("restart: the checkpoint has no state for stress_strain observer %s", ob->name);
    if (st[ST_COMP] != p->comp || st[ST_SCOMP] != p->scomp)
        mg_fail_all("restart: stress_strain %s: the deck analyses strain %s and stress %s, the checkpoint's table "
                    "strain %s and stress %s", ob->name, strain_name(p->comp), stress_name(p->scomp),
                    st[ST_COMP] >= 0 && st[ST_COMP] <= SS_TWIST ? strain_name((int)st[ST_COMP]) : "?",
                    st[ST_SCOMP] >= 0 && st[ST_SCOMP] <= SS_TWIST ? stress_name((int)st[ST_SCOMP]) : "?");
    char *table = ckpt_get_text(c, "table");
    int same = table && !strcmp(table, p->path_table);
    free(table);
    if (!same)
        mg_fail_all("restart: stress_strain %s: the deck writes %s, not the table the checkpoint continued", ob->name,
                    p->path_table);
    if (st[ST_N] < 0 || st[ST_N] > INT32_MAX / 2)
        mg_fail_all("restart: stress_strain %s: the checkpoint's sample count %lld is malformed", ob->name,
                    (long long)st[ST_N]);
    int n = (int)st[ST_N];
    if (n > p->cap) {
        p->cap = n;
        p->x = mg_realloc(p->x, (size_t)n * sizeof *p->x);
        p->y = mg_realloc(p->y, (size_t)n * sizeof *p->y);
    }
    if (n > 0 && (ckpt_get_doubles(c, "strain", p->x, (size_t)n) != 0 ||
                  ckpt_get_doubles(c, "stress", p->y, (size_t)n) != 0))
        mg_fail_all("restart: stress_strain %s: the checkpoint's samples are missing or of another size", ob->name);
    p->n = n;
    p->stage = st[ST_STAGE];
    p->first_step = st[ST_FIRST];
    p->last_step = st[ST_LAST];
    for (int d = 0; d < 3; d++) {
        p->ref.len[d] = ref[d];
        p->ref.tilt[d] = ref[3 + d];
    }
    char owner[128];
    snprintf(owner, sizeof owner, "stress_strain %s", ob->name);
    FILE *f[2] = {p->ftab, p->fsum};
    const char *path[2] = {p->path_table, p->path_sum}, *what[2] = {"stress_strain table", "stress_strain summary"};
    const long long bytes[2] = {st[ST_TAB], st[ST_SUM]};
    claim_resume_all(owner, 2, f, path, bytes, what);
    p->ftab = f[0];
    p->fsum = f[1];
}

static void ss_destroy(observer *ob, md *s)
{
    ssobs *p = ob->data;
    if (!p)
        return;
    if (p->n > 0 && par_rank() == 0) {
        printf("stress_strain %s: the %d sample%s of stage %lld %s no summary (the stage had not ended when the "
               "observer was closed; 'stress_strain %s end_stage' ends it)\n",
               ob->name, p->n, p->n == 1 ? "" : "s", (long long)p->stage, p->n == 1 ? "has" : "have", ob->name);
        fflush(stdout);
    }
    if (p->ftab)
        fclose(p->ftab);
    if (p->fsum)
        fclose(p->fsum);
    char owner[128];
    snprintf(owner, sizeof owner, "stress_strain %s", ob->name);
    claim_release(owner, NULL);
    free(p->x);
    free(p->y);
    free(p);
    ob->data = NULL;
}

static const observer_ops ss_ops = {
    .kind = "stress_strain",
    .sample = ss_sample,
    .stage_end = ss_stage_end,
    .save = ss_save,
    .restore = ss_restore,
    .destroy = ss_destroy,
};

/* ---- the deck command --------------------------------------------------------- */

#define SS_KEYWORDS "strain torsion file every at_end stress fit offset flow blocks reference stages"

/* Rank 0 claims and opens both files ("a" while a restart replays the
 * deck: restore() cuts them back; "w" and the headers otherwise). */
static void open_files(deck *dk, observer *ob, ssobs *p)
{
    char owner[128], refusal[2600];
    snprintf(owner, sizeof owner, "stress_strain %s", ob->name);
    FILE *f[2] = {NULL, NULL};
    const char *path[2] = {p->path_table, p->path_sum};
    int failed, code;
    if (claim_fopen_all(owner, 2, f, path, dk->replaying ? "a" : "w", refusal, sizeof refusal, &failed, &code) != 0) {
        char name[1100];
        snprintf(name, sizeof name, "%s", path[failed]);
        free(p);
        free(ob);
        claim_verdict(refusal); /* a refused claim fails here, naming the other output */
        deck_fail(dk, "stress_strain: cannot write %s: %s", name, strerror(code));
    }
    p->ftab = f[0];
    p->fsum = f[1];
    if (par_rank() == 0 && !dk->replaying) {
        write_headers(p);
        check_write(p->ftab, p->path_table);
        check_write(p->fsum, p->path_sum);
    }
    claim_verdict(refusal);
}

static void end_stage_cmd(deck *dk, const char *name)
{
    observer *ob = outputs_find_observer(dk->out, name);
    if (!ob)
        deck_fail(dk, "stress_strain: no observer named '%s' (define it with 'stress_strain %s strain ...')", name,
                  name);
    if (ob->ops != &ss_ops)
        deck_fail(dk, "stress_strain: observer '%s' is a %s observer, not a stress_strain one", name, ob->ops->kind);
    /* Done before the checkpoint a restart replays up to: its summary row
     * and stage count are in the checkpoint's state. */
    if (dk->replaying)
        return;
    end_stage(ob, dk->s);
}

static double strain_value(deck *dk, int *i, const char *what, double lo, double hi, int open_lo)
{
    const char *w = *i < dk->nargs ? dk->args[*i] : "";
    double v = deck_real(dk, i, what);
    if (!(open_lo ? v > lo : v >= lo) || !(v <= hi))
        deck_fail(dk, "stress_strain: %s must be %s %g and at most %g (a strain, not a percentage), got %s", what,
                  open_lo ? "above" : "at least", lo, hi, w);
    return v;
}

void cmd_stress_strain(deck *dk)
{
    int i = 1;
    const char *name = deck_word(dk, &i, "observer name");
    if (i < dk->nargs && !strcmp(dk->args[i], "end_stage")) {
        deck_done(dk, i + 1);
        end_stage_cmd(dk, name);
        return;
    }
    if (strlen(name) >= sizeof(((observer *)0)->name))
        deck_fail(dk, "stress_strain: observer name '%s' is longer than %zu characters", name,
                  sizeof(((observer *)0)->name) - 1);
    for (const char *c = name; *c; c++)
        if (!isalnum((unsigned char)*c) && *c != '_' && *c != '-')
            deck_fail(dk, "stress_strain: observer name '%s' may hold only letters, digits, '_' and '-'", name);
    deck_need_system(dk);
    if (outputs_find_observer(dk->out, name))
        deck_fail(dk, "stress_strain: an observer named '%s' exists already (unobserve it first)", name);

    int comp = -1, scomp = -1, every = 0, at_end = 1, ref_each = 0, manual = 0, have_flow = 0;
    char prefix[1024] = "", twist[64] = "";
    ss_options o;
    ss_options_default(&o);
    while (i < dk->nargs) {
        const char *k = deck_word(dk, &i, "keyword");
        if (!strcmp(k, "strain")) {
            const char *w = deck_word(dk, &i, "strain component (xx, yy, zz, xy, xz or yz)");
            comp = ss_component_parse(w, 0);
            if (comp < 0)
                deck_fail(dk, "stress_strain: unknown strain component '%s' (expected xx, yy, zz, xy, xz or yz)", w);
        } else if (!strcmp(k, "torsion")) {
            const char *w = deck_word(dk, &i, "torsion fix name");
            torsion_geometry g;
            if (torsion_geometry_of(fixes_find(dk->fixes, w), &g) != 0)
                deck_fail(dk, "stress_strain: no torsion fix named '%s' (define it first with 'torsion %s top G1 "
                          "bottom G2 ...')", w, w);
            snprintf(twist, sizeof twist, "%s", w);
        } else if (!strcmp(k, "stress")) {
            const char *w = deck_word(dk, &i, "stress component (xx, yy, zz, xy, xz, yz or vm)");
            scomp = ss_component_parse(w, 1);
            if (scomp < 0)
                deck_fail(dk, "stress_strain: unknown stress component '%s' (expected xx, yy, zz, xy, xz, yz or vm)",
                          w);
        } else if (!strcmp(k, "file")) {
            const char *f = deck_word(dk, &i, "file prefix");
            if (strlen(f) >= 1000)
                deck_fail(dk, "stress_strain: file prefix longer than 999 characters");
            snprintf(prefix, sizeof prefix, "%s", f);
        } else if (!strcmp(k, "every")) {
            every = (int)deck_int(dk, &i, "sampling interval (steps)", 0, 1000000000);
        } else if (!strcmp(k, "at_end")) {
            at_end = deck_bool(dk, &i, "at_end");
        } else if (!strcmp(k, "fit")) {
            o.fit = strain_value(dk, &i, "fit (upper end of the elastic fit window)", 0.0, 10.0, 1);
        } else if (!strcmp(k, "offset")) {
            o.offset = strain_value(dk, &i, "offset (of the yield line)", 0.0, 1.0, 1);
        } else if (!strcmp(k, "flow")) {
            o.flow_lo = strain_value(dk, &i, "flow window start", -100.0, 100.0, 0);
            o.flow_hi = strain_value(dk, &i, "flow window end", -100.0, 100.0, 0);
            if (!(o.flow_lo < o.flow_hi))
                deck_fail(dk, "stress_strain: the flow window [%g, %g] is empty or inverted (give 'flow A B' with "
                              "A < B, strains in the loading direction)",
                          o.flow_lo, o.flow_hi);
            have_flow = 1;
        } else if (!strcmp(k, "blocks")) {
            o.blocks = (int)deck_int(dk, &i, "number of blocks of the flow stress's error", 2, 100000);
        } else if (!strcmp(k, "reference")) {
            const char *w = deck_word(dk, &i, "reference (now or stage)");
            if (!strcmp(w, "now"))
                ref_each = 0;
            else if (!strcmp(w, "stage"))
                ref_each = 1;
            else
                deck_fail(dk, "stress_strain: reference must be 'now' or 'stage', got '%s'", w);
        } else if (!strcmp(k, "stages")) {
            const char *w = deck_word(dk, &i, "stages (runs or manual)");
            if (!strcmp(w, "runs"))
                manual = 0;
            else if (!strcmp(w, "manual"))
                manual = 1;
            else
                deck_fail(dk, "stress_strain: stages must be 'runs' or 'manual', got '%s'", w);
        } else if (!strcmp(k, "end_stage")) {
            deck_fail(dk, "stress_strain: end_stage comes right after the name: 'stress_strain %s end_stage'", name);
        } else {
            deck_fail(dk, "stress_strain: unknown keyword '%s' (expected %s)", k, SS_KEYWORDS);
        }
    }
    if (twist[0]) {
        if (comp >= 0 || scomp >= 0 || ref_each)
            deck_fail(dk, "stress_strain: 'torsion %s' analyses tau_s against gamma_s; it takes no 'strain', "
                      "'stress' or 'reference'", twist);
        comp = scomp = SS_TWIST;
    }
    if (comp < 0)
        deck_fail(dk, "stress_strain: missing 'strain xx|yy|zz|xy|xz|yz' (the loading component) or 'torsion "
                  "TFIX' (a twisted wire)");
    if (!prefix[0])
        deck_fail(dk, "stress_strain: missing 'file PREFIX' (tables PREFIX.csv and PREFIX_summary.csv)");
    if (scomp < 0)
        scomp = comp; /* the stress conjugate to the strain */
    if (every == 0 && !at_end)
        mg_warn("stress_strain %s: 'every 0' and 'at_end no': samples only at 'analyze %s'", name, name);
    md *s = dk->s;
    if (comp != SS_TWIST && !ss_is_shear(comp) && s->box.boundary[comp] == 's')
        deck_fail(dk, "stress_strain: strain %s needs a box length along %c that the loading sets, but %c is "
                      "shrink-wrapped (boundary s follows the atoms)",
                  ss_component_name(comp), 'x' + comp, 'x' + comp);

    observer *ob = observer_new(name, &ss_ops, every, at_end);
    ssobs *p = mg_calloc(1, sizeof *p);
    p->comp = comp;
    p->scomp = scomp;
    p->fixes = dk->fixes;
    snprintf(p->twist, sizeof p->twist, "%s", twist);
    p->opt = o;
    p->ref_each_stage = ref_each;
    p->manual = manual;
    p->stage = 1;
    p->first_step = p->last_step = -1;
    ss_reference_of(&s->box, &p->ref);
    snprintf(p->path_table, sizeof p->path_table, "%s.csv", prefix);
    snprintf(p->path_sum, sizeof p->path_sum, "%s_summary.csv", prefix);
    open_files(dk, ob, p);
    ob->data = p;
    if (outputs_add_observer(dk->out, ob) != 0) {
        ss_destroy(ob, s);
        free(ob);
        deck_fail(dk, "stress_strain: too many observers (at most %d)", OUTPUT_MAX_OBSERVERS);
    }
    if (par_rank() == 0) {
        const char *c = ss_component_name(comp);
        if (comp == SS_TWIST) {
            printf("stress_strain %s: torsion %s: tau_s = 16 T / (pi D^3) (GPa) against gamma_s = D phi / (2 L)", name,
                   twist);
        } else if (ss_is_shear(comp)) {
            int t = comp - SS_XY;
            printf("stress_strain %s: strain gamma_%s = (T_%s - %.10g A) / %.10g A (T = tilt + flipped tilt, %s)", name,
                   c, c, p->ref.tilt[t], t == 0 ? p->ref.len[1] : p->ref.len[2],
                   ref_each ? "the reference re-taken at each stage end" : "the box now");
        } else {
            printf("stress_strain %s: strain %s = L%c / %.10g A - 1 (%s)", name, c, 'x' + comp, p->ref.len[comp],
                   ref_each ? "the reference re-taken at each stage end" : "the box now");
        }
        if (comp != SS_TWIST)
            printf("; stress s%s (GPa, tension positive)", ss_component_name(scomp));
        printf("; fit [0, %g], offset %g", o.fit, o.offset);
        if (have_flow)
            printf(", flow window [%g, %g] in %d blocks", o.flow_lo, o.flow_hi, o.blocks);
        printf("; stages end %s; tables %s, %s\n", manual ? "at 'stress_strain NAME end_stage'" : "with every run",
               p->path_table, p->path_sum);
        fflush(stdout);
    }
}
