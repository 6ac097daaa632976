/* The `dma` observer and its deck command (docs/analysis.md, "MD-DMA"):
 *
 *   dma NAME strain xx|yy|zz|xy|xz|yz period T file PREFIX [stress COMP]
 *            [settle S] [cycles N] [every K] [drift yes|no] [fft M]
 *            [nonlinear F] [signal yes|no]
 *   dma NAME period T        the period of the stages to come (a sweep)
 *   dma NAME pause|resume    stages to come are not measured / are again
 *
 * Measures the complex modulus of a sinusoidal loading that the deck
 * applies (a `deform` driven by a `schedule ... sine` of period T, under a
 * thermostat; the observer does not move the box, it reads it). Every K
 * steps (default 1: every step, not the thermo interval) of a stage it
 * takes the strain of component `strain` from the box against the box at
 * the stage's start (ss_strain: engineering for xx yy zz, the tilt strain
 * for shear) and the stress `stress` (default the same component; sigma =
 * -P, GPa). The stage's first S cycles (default 1) settle; the next N
 * (default 5) are measured, each cycle keeping its own least-squares
 * normal equations (analysis/dma.h), a box-car average of M points a
 * cycle (default 64) for the FFT check, and the temperature 16 times a
 * cycle. At the stage's end (a run, a hold, a stage of a protocol) one row
 * goes to the spectrum table PREFIX.csv: the temperature, period,
 * amplitudes, delta, M' and M'' with standard errors and the factor of the
 * 95 % interval, tan delta, the FFT's M' and M'', the harmonic ratio, the
 * settling verdict; a warning on screen when the response is not linear
 * (harmonics above F, default 0.1), not settled, or fewer cycles ran than
 * asked. Deck loops over temperatures or periods write one row each: a
 * spectrum. With `signal yes` every measured sample also goes to
 * PREFIX_signal.csv (stage, time, strain, stress) for tools/dma-fit.
 *
 * The period must be a whole number of K-step samples. Every rank
 * accumulates the same sums (the stress is rank 0's value, broadcast):
 * checkpoints hold them, the stage's start and both files' lengths, so a
 * run restarted mid-cycle or mid-sweep writes the same table byte for
 * byte. Communication per sample: the pressure's reduction and one
 * broadcast; the temperature's reduction 16 times a cycle. */
#include "analysis/dma.h"
#include "analysis/stress_strain.h"
#include "core/error.h"
#include "deck/deck.h"
#include "io/checkpoint.h"
#include "io/claim.h"
#include "io/funnel.h"
#include "parallel/parallel.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cmd_dma(deck *dk);

enum { TEMP_PER_CYCLE = 16 };

typedef struct dmaobs {
    int comp, scomp;              /* strain and stress components SS_XX..SS_YZ */
    double period;                /* ps                                          */
    int settle, cycles, every, drift, fftm, want_signal;
    double nonlinear;
    char where[220];
    char path[1100], path_signal[1100];
    FILE *f, *fs;                 /* rank 0                                      */
    /* The stage. */
    int64_t stage, step0, nper;   /* steps a cycle                               */
    double dt;                    /* ps, the stage's time step                   */
    ss_reference ref;
    int active;                   /* a stage has begun and not been analysed     */
    int paused;                   /* `dma NAME pause`: stages are not measured   */
    dma_sums *cyc;                /* cycles                                      */
    double *fe, *fsig, *fcount;   /* cycles * fftm box-car sums and counts       */
    double tsum, tcount;          /* temperature                                 */
    int64_t done;                 /* measured cycles complete                    */
} dmaobs;

static const observer_ops dma_ops;

static int basis_k(const dmaobs *p) { return p->drift ? 8 : 7; }

static void check_write(FILE *f, const char *path)
{
    fflush(f);
    if (ferror(f))
        mg_fail_one("dma: writing %s failed", path);
}

/* The stage starts: the box the strain is measured from, empty sums. */
static void begin(dmaobs *p, md *s)
{
    p->step0 = s->step;
    p->dt = s->dt;
    p->nper = llround(p->period / s->dt);
    ss_reference_of(&s->box, &p->ref);
    memset(p->cyc, 0, (size_t)p->cycles * sizeof *p->cyc);
    const size_t nb = (size_t)p->cycles * p->fftm;
    memset(p->fe, 0, nb * sizeof *p->fe);
    memset(p->fsig, 0, nb * sizeof *p->fsig);
    memset(p->fcount, 0, nb * sizeof *p->fcount);
    p->tsum = p->tcount = 0.0;
    p->done = 0;
    p->active = 1;
}

static void dma_stage_begin(observer *ob, md *s)
{
    dmaobs *p = ob->data;
    if (p->paused) {
        p->active = 0;
        return;
    }
    if (fabs(p->period / s->dt - llround(p->period / s->dt)) > 1e-6 * (p->period / s->dt) ||
        llround(p->period / s->dt) % p->every != 0)
        mg_fail_all("%s: dma %s: the period %g ps is not a whole number of %d-step samples of %g ps", p->where,
                    ob->name, p->period, p->every, s->dt);
    begin(p, s);
    /* The stage's first step is its first sample, even where the stage
     * before ended (and sampled) at the same step. */
    ob->last_step = -1;
}

static void dma_sample(observer *ob, md *s)
{
    dmaobs *p = ob->data;
    if (!p->active)
        return;
    const int64_t j = s->step - p->step0; /* steps into the stage */
    const int64_t c = j / p->nper, in = j % p->nper;
    if (j < 0 || c < p->settle || c >= p->settle + p->cycles)
        return;
    const int64_t mc = c - p->settle;
    double pr[6], sig[6];
    md_pressure(s, pr);
    ss_stress_from_pressure(pr, sig);
    double v[2] = {0.0, sig[p->scomp]};
    v[0] = ss_strain(&p->ref, &s->box, p->comp, NULL);
    par_bcast_doubles(v, 2, 0); /* rank 0's sums, on every rank */
    const double t = (double)j * p->dt;
    double phi[DMA_MAXK];
    const double tmid = (p->settle + 0.5 * p->cycles) * p->period;
    const int k = dma_basis(t, p->period, p->drift, tmid, phi);
    dma_add(&p->cyc[mc], phi, k, v[0], v[1]);
    const int64_t b = mc * p->fftm + in * p->fftm / p->nper;
    p->fe[b] += v[0];
    p->fsig[b] += v[1];
    p->fcount[b] += 1.0;
    const int64_t per_temp = p->nper / p->every / TEMP_PER_CYCLE > 0 ? p->nper / p->every / TEMP_PER_CYCLE : 1;
    if ((in / p->every) % per_temp == 0) {
        double temp = md_peculiar_temperature(s);
        par_bcast_doubles(&temp, 1, 0);
        p->tsum += temp;
        p->tcount += 1.0;
    }
    if (in + p->every >= p->nper)
        p->done = mc + 1;
    if (p->fs && par_rank() == 0) {
        fprintf(p->fs, "%lld,%.10g,%.12g,%.12g\n", (long long)p->stage, t, v[0], v[1]);
        if (ferror(p->fs))
            mg_fail_one("dma %s: writing %s failed", ob->name, p->path_signal);
    }
}

static void put(textbuf *t, double v) { tb_printf(t, ",%.10g", v); }

static void dma_stage_end(observer *ob, md *s)
{
    dmaobs *p = ob->data;
    if (!p->active)
        return;
    p->active = 0;
    const int n = (int)p->done;
    const int64_t stage = p->stage++;
    if (n < 1) {
        if (par_rank() == 0) {
            printf("dma %s: stage %lld ended before a measured cycle (%d settling + %d measured cycles of %lld "
                   "steps need %lld steps): no row\n", ob->name, (long long)stage, p->settle, p->cycles,
                   (long long)p->nper, (long long)(p->settle + p->cycles) * p->nper);
            fflush(stdout);
        }
        return;
    }
    dma_result r;
    dma_analyze(p->cyc, n, basis_k(p), p->drift, &r);
    /* The FFT check on the box-car averages. */
    double *fe = mg_malloc((size_t)n * p->fftm * sizeof *fe), *fsg = mg_malloc((size_t)n * p->fftm * sizeof *fsg);
    int full = 1;
    for (int q = 0; q < n * p->fftm; q++) {
        full &= p->fcount[q] > 0;
        fe[q] = p->fcount[q] > 0 ? p->fe[q] / p->fcount[q] : 0.0;
        fsg[q] = p->fcount[q] > 0 ? p->fsig[q] / p->fcount[q] : 0.0;
    }
    double sfft = NAN, lfft = NAN;
    if (!full || !dma_fft(fe, fsg, p->fftm, n, &sfft, &lfft))
        sfft = lfft = NAN;
    free(fe);
    free(fsg);
    const double temp = p->tcount > 0 ? p->tsum / p->tcount : NAN;
    if (par_rank() == 0) {
        textbuf t = {NULL, 0, 0};
        tb_printf(&t, "%lld,%lld", (long long)stage, (long long)s->step);
        put(&t, temp);
        put(&t, p->period);
        put(&t, 1.0 / p->period);
        tb_printf(&t, ",%s,%d", ss_is_shear(p->comp) ? "shear" : "tension", n);
        const double vals[] = {r.all.strain_amp, r.all.stress_amp, r.all.delta, r.delta_se,
                               r.all.storage, r.storage_se, r.all.loss, r.loss_se, r.all.tan_delta, r.tan_se,
                               r.t95, sfft, lfft, r.all.harmonics, r.harmonics_se, r.all.mean_stress, r.all.drift};
        for (size_t q = 0; q < sizeof vals / sizeof vals[0]; q++)
            put(&t, r.all.ok || q < 2 ? vals[q] : NAN);
        tb_printf(&t, ",%d\n", r.settled);
        if (p->f) {
            fputs(t.s, p->f);
            check_write(p->f, p->path);
        }
        tb_free(&t);
        const char *mod = ss_is_shear(p->comp) ? "G" : "E";
        printf("dma %s: T %.4g K, period %g ps, %d cycle%s, strain amplitude %.4g: %s' %.5g +- %.2g GPa, %s'' %.5g "
               "+- %.2g GPa, tan delta %.4g +- %.2g (standard errors from the cycles; 95 %% interval: x %.3g); FFT "
               "%s' %.5g, %s'' %.5g GPa\n", ob->name, temp, p->period, n, n == 1 ? "" : "s", r.all.strain_amp, mod,
               r.all.storage, r.storage_se, mod, r.all.loss, r.loss_se, r.all.tan_delta, r.tan_se, r.t95, mod, sfft,
               mod, lfft);
        if (n < p->cycles)
            printf("dma %s: WARNING: %d of %d measured cycles ran (the stage was %lld steps; %d + %d cycles of %lld "
                   "steps need %lld)\n", ob->name, n, p->cycles, (long long)(s->step - p->step0), p->settle,
                   p->cycles, (long long)p->nper, (long long)(p->settle + p->cycles) * p->nper);
        /* Noise alone gives the harmonics a floor: a nonlinearity stands
         * above both the set fraction and three times that floor. */
        if (r.all.harmonics > p->nonlinear && !(r.all.harmonics <= 3.0 * r.harmonics_se))
            printf("dma %s: WARNING: not a linear response: the 2nd and 3rd harmonics are %.3g of the fundamental "
                   "(above %g and 3 times their noise floor %.2g): take a smaller amplitude\n", ob->name,
                   r.all.harmonics, p->nonlinear, r.harmonics_se);
        if (r.settled == 0)
            printf("dma %s: WARNING: not settled: the first measured cycle's moduli differ from the others' by more "
                   "than 3 standard deviations; settle longer (settle S)\n", ob->name);
        if (!r.all.ok)
            printf("dma %s: WARNING: no fit: the strain has no component at the period (is the loading's period %g "
                   "ps?)\n", ob->name, p->period);
        fflush(stdout);
    }
}

/* ---- checkpoint ------------------------------------------------------------------ */

enum { ST_TAB, ST_SIG, ST_STAGE, ST_STEP0, ST_NPER, ST_ACTIVE, ST_DONE, ST_CYCLES, ST_FFTM, ST_K, ST_PAUSED, ST_COUNT };

static void dma_save(observer *ob, struct ckpt_state *c)
{
    dmaobs *p = ob->data;
    int64_t st[ST_COUNT] = {text_position(p->f), text_position(p->fs), p->stage, p->step0, p->nper, p->active,
                            p->done, p->cycles, p->fftm, basis_k(p), p->paused};
    ckpt_put_i64(c, "state", st, ST_COUNT);
    double ref[10] = {p->ref.len[0], p->ref.len[1], p->ref.len[2], p->ref.tilt[0], p->ref.tilt[1], p->ref.tilt[2],
                      p->dt, p->tsum, p->tcount, p->period};
    ckpt_put_doubles(c, "reference", ref, 10);
    ckpt_put_doubles(c, "sums", (const double *)p->cyc, (size_t)p->cycles * sizeof *p->cyc / sizeof(double));
    const size_t nb = (size_t)p->cycles * p->fftm;
    ckpt_put_doubles(c, "fft_strain", p->fe, nb);
    ckpt_put_doubles(c, "fft_stress", p->fsig, nb);
    ckpt_put_doubles(c, "fft_count", p->fcount, nb);
    ckpt_put_text(c, "table", p->path);
}

static void dma_restore(observer *ob, struct ckpt_state *c)
{
    dmaobs *p = ob->data;
    int64_t st[ST_COUNT];
    double ref[10];
    if (ckpt_get_i64(c, "state", st, ST_COUNT) != 0 || ckpt_get_doubles(c, "reference", ref, 10) != 0)
        mg_fail_all("restart: the checkpoint has no state for dma observer %s", ob->name);
    if (st[ST_CYCLES] != p->cycles || st[ST_FFTM] != p->fftm || st[ST_K] != basis_k(p))
        mg_fail_all("restart: dma %s: the deck measures %d cycles (fft %d, drift %s), the checkpoint %lld (fft %lld, "
                    "%lld fit columns)", ob->name, p->cycles, p->fftm, p->drift ? "yes" : "no",
                    (long long)st[ST_CYCLES], (long long)st[ST_FFTM], (long long)st[ST_K]);
    char *table = ckpt_get_text(c, "table");
    int same = table && !strcmp(table, p->path);
    free(table);
    if (!same)
        mg_fail_all("restart: dma %s: the deck writes %s, not the table the checkpoint continued", ob->name, p->path);
    const size_t nb = (size_t)p->cycles * p->fftm;
    if (ckpt_get_doubles(c, "sums", (double *)p->cyc, (size_t)p->cycles * sizeof *p->cyc / sizeof(double)) != 0 ||
        ckpt_get_doubles(c, "fft_strain", p->fe, nb) != 0 || ckpt_get_doubles(c, "fft_stress", p->fsig, nb) != 0 ||
        ckpt_get_doubles(c, "fft_count", p->fcount, nb) != 0)
        mg_fail_all("restart: dma %s: the checkpoint's sums are missing or of another size", ob->name);
    p->stage = st[ST_STAGE];
    p->step0 = st[ST_STEP0];
    p->nper = st[ST_NPER];
    p->active = (int)st[ST_ACTIVE];
    p->paused = (int)st[ST_PAUSED];
    p->done = st[ST_DONE];
    for (int d = 0; d < 3; d++) {
        p->ref.len[d] = ref[d];
        p->ref.tilt[d] = ref[3 + d];
    }
    p->dt = ref[6];
    p->tsum = ref[7];
    p->tcount = ref[8];
    p->period = ref[9];
    char owner[128];
    snprintf(owner, sizeof owner, "dma %s", ob->name);
    FILE *f[2] = {p->f, p->fs};
    const char *path[2] = {p->path, p->path_signal}, *what[2] = {"dma table", "dma signal"};
    const long long bytes[2] = {st[ST_TAB], st[ST_SIG]};
    claim_resume_all(owner, p->want_signal ? 2 : 1, f, path, bytes, what);
    p->f = f[0];
    p->fs = f[1];
}

static void dma_destroy(observer *ob, md *s)
{
    (void)s;
    dmaobs *p = ob->data;
    if (!p)
        return;
    if (p->f)
        fclose(p->f);
    if (p->fs)
        fclose(p->fs);
    char owner[128];
    snprintf(owner, sizeof owner, "dma %s", ob->name);
    claim_release(owner, NULL);
    free(p->cyc);
    free(p->fe);
    free(p->fsig);
    free(p->fcount);
    free(p);
    ob->data = NULL;
}

static const observer_ops dma_ops = {
    .kind = "dma",
    .sample = dma_sample,
    .stage_begin = dma_stage_begin,
    .stage_end = dma_stage_end,
    .save = dma_save,
    .restore = dma_restore,
    .destroy = dma_destroy,
};

/* ---- the deck command ------------------------------------------------------------ */

#define DMA_KEYWORDS "strain stress period settle cycles every drift fft nonlinear signal file"

static const char *table_header =
    "stage,step,temp[K],period[ps],frequency[1/ps],mode,cycles,strain_amplitude[1],stress_amplitude[GPa],"
    "delta[rad],delta_se[rad],storage[GPa],storage_se[GPa],loss[GPa],loss_se[GPa],tan_delta[1],tan_delta_se[1],"
    "t95,storage_fft[GPa],loss_fft[GPa],harmonics[1],harmonics_se[1],mean_stress[GPa],drift[GPa/ps],settled\n";

/* Whether period T (ps) is a whole number of K-step samples, at least M of
 * them, at time step dt. */
static int period_fits(double period, double dt, int every, int fftm)
{
    const double steps = period / dt;
    return fabs(steps - llround(steps)) <= 1e-6 * steps && llround(steps) % every == 0 &&
           llround(steps) / every >= fftm && llround(steps) >= 2 * fftm;
}

/* `dma NAME period T`: the period of the stages to come. */
static void period_cmd(deck *dk, observer *ob, int i)
{
    if (ob->ops != &dma_ops)
        deck_fail(dk, "dma: observer '%s' is a %s observer, not a dma one", ob->name, ob->ops->kind);
    dmaobs *p = ob->data;
    double period = deck_quantity(dk, &i, Q_TIME, "period", "period");
    deck_done(dk, i);
    if (!(period > 0) || period > 1e7)
        deck_fail(dk, "dma: the period must be above 0 and at most 1e7 ps, got %g", period);
    if (!period_fits(period, dk->s->dt, p->every, p->fftm))
        deck_fail(dk, "dma: the period (%g ps = %.6g steps of %g ps) must be a whole number of %d-step samples, at "
                      "least %d of them (fft %d)", period, period / dk->s->dt, dk->s->dt, p->every, p->fftm, p->fftm);
    p->period = period;
    if (par_rank() == 0 && !dk->replaying) {
        printf("dma %s: period %g ps (%lld steps) from the next stage on\n", ob->name, period,
               (long long)llround(period / dk->s->dt));
        fflush(stdout);
    }
}

void cmd_dma(deck *dk)
{
    int i = 1;
    const char *name = deck_word(dk, &i, "observer name");
    deck_need_system(dk);
    observer *old = outputs_find_observer(dk->out, name);
    if (old && i < dk->nargs && !strcmp(dk->args[i], "period")) {
        period_cmd(dk, old, i + 1);
        return;
    }
    if (old && i < dk->nargs && (!strcmp(dk->args[i], "pause") || !strcmp(dk->args[i], "resume"))) {
        if (old->ops != &dma_ops)
            deck_fail(dk, "dma: observer '%s' is a %s observer, not a dma one", name, old->ops->kind);
        const int pause = !strcmp(dk->args[i], "pause");
        deck_done(dk, i + 1);
        ((dmaobs *)old->data)->paused = pause;
        return;
    }
    if (old)
        deck_fail(dk, "dma: an observer named '%s' exists already (unobserve it first; 'dma %s period T' changes "
                      "its period)", name, name);
    dmaobs q = {.comp = -1, .scomp = -1, .settle = 1, .cycles = 5, .every = 1, .fftm = 64, .nonlinear = 0.1};
    deck_location(dk, q.where, sizeof q.where);
    char prefix[1000] = "";
    while (i < dk->nargs) {
        const char *k = deck_word(dk, &i, "keyword (strain, period, file, ...)");
        if (!strcmp(k, "strain") || !strcmp(k, "stress")) {
            const char *w = deck_word(dk, &i, "component (xx yy zz xy xz yz)");
            int c = ss_component_parse(w, 0);
            if (c < 0)
                deck_fail(dk, "dma: %s component must be xx, yy, zz, xy, xz or yz, got '%s'", k, w);
            *(!strcmp(k, "strain") ? &q.comp : &q.scomp) = c;
        } else if (!strcmp(k, "period")) {
            q.period = deck_quantity(dk, &i, Q_TIME, "period", DMA_KEYWORDS);
            if (!(q.period > 0) || q.period > 1e7)
                deck_fail(dk, "dma: the period must be above 0 and at most 1e7 ps, got %g", q.period);
        } else if (!strcmp(k, "settle")) {
            q.settle = (int)deck_int(dk, &i, "settling cycles", 0, 100000);
        } else if (!strcmp(k, "cycles")) {
            q.cycles = (int)deck_int(dk, &i, "measured cycles", 1, 10000);
        } else if (!strcmp(k, "every")) {
            q.every = (int)deck_int(dk, &i, "sampling interval (steps)", 1, 1000000);
        } else if (!strcmp(k, "drift")) {
            q.drift = deck_bool(dk, &i, "drift");
        } else if (!strcmp(k, "fft")) {
            q.fftm = (int)deck_int(dk, &i, "FFT points a cycle", 8, 4096);
        } else if (!strcmp(k, "nonlinear")) {
            q.nonlinear = deck_real(dk, &i, "harmonic fraction that warns");
            if (!(q.nonlinear > 0 && q.nonlinear < 1))
                deck_fail(dk, "dma: nonlinear takes a fraction of the fundamental between 0 and 1, got %g",
                          q.nonlinear);
        } else if (!strcmp(k, "signal")) {
            q.want_signal = deck_bool(dk, &i, "signal");
        } else if (!strcmp(k, "file")) {
            const char *f = deck_word(dk, &i, "file prefix");
            if (strlen(f) >= sizeof prefix)
                deck_fail(dk, "dma: file prefix longer than 999 characters");
            snprintf(prefix, sizeof prefix, "%s", f);
        } else {
            deck_fail(dk, "dma: unknown keyword '%s' (expected %s)", k, DMA_KEYWORDS);
        }
    }
    if (q.comp < 0)
        deck_fail(dk, "dma: give the loaded strain component: 'strain xx|yy|zz|xy|xz|yz'");
    if (!(q.period > 0))
        deck_fail(dk, "dma: give the loading's period: 'period T ps' (the schedule's)");
    if (!prefix[0])
        deck_fail(dk, "dma: give 'file PREFIX' (the spectrum table PREFIX.csv)");
    if (q.scomp < 0)
        q.scomp = q.comp;
    md *s = dk->s;
    const double steps = q.period / s->dt;
    if (!period_fits(q.period, s->dt, q.every, q.fftm))
        deck_fail(dk, "dma: the period (%g ps = %.6g steps of %g ps) must be a whole number of %d-step samples, "
                      "at least %d of them (fft %d)", q.period, steps, s->dt, q.every, q.fftm, q.fftm);
    observer *ob = observer_new(name, &dma_ops, q.every, 1);
    dmaobs *p = mg_calloc(1, sizeof *p);
    *p = q;
    p->cyc = mg_calloc((size_t)p->cycles, sizeof *p->cyc);
    const size_t nb = (size_t)p->cycles * p->fftm;
    p->fe = mg_calloc(nb, sizeof *p->fe);
    p->fsig = mg_calloc(nb, sizeof *p->fsig);
    p->fcount = mg_calloc(nb, sizeof *p->fcount);
    ob->data = p;
    snprintf(p->path, sizeof p->path, "%s.csv", prefix);
    snprintf(p->path_signal, sizeof p->path_signal, "%s_signal.csv", prefix);
    char owner[128], refusal[2600];
    snprintf(owner, sizeof owner, "dma %s", name);
    FILE *f[2] = {NULL, NULL};
    const char *path[2] = {p->path, p->path_signal};
    int failed, code;
    if (claim_fopen_all(owner, p->want_signal ? 2 : 1, f, path, dk->replaying ? "a" : "w", refusal, sizeof refusal,
                        &failed, &code) != 0) {
        char bad[1100];
        snprintf(bad, sizeof bad, "%s", path[failed]);
        dma_destroy(ob, s);
        free(ob);
        claim_verdict(refusal);
        deck_fail(dk, "dma: cannot write %s: %s", bad, strerror(code));
    }
    p->f = f[0];
    p->fs = f[1];
    if (par_rank() == 0 && !dk->replaying) {
        fputs(table_header, p->f);
        check_write(p->f, p->path);
        if (p->fs) {
            fputs("stage,time[ps],strain[1],stress[GPa]\n", p->fs);
            check_write(p->fs, p->path_signal);
        }
    }
    claim_verdict(refusal);
    if (outputs_add_observer(dk->out, ob) != 0) {
        dma_destroy(ob, s);
        free(ob);
        deck_fail(dk, "dma: too many observers (at most %d)", OUTPUT_MAX_OBSERVERS);
    }
    if (par_rank() == 0) {
        printf("dma %s: strain %s, stress %s, period %g ps (%lld steps), %d settling + %d measured cycles a stage, "
               "sampled every %d step%s; table %s%s%s\n", name, ss_component_name(p->comp),
               ss_component_name(p->scomp), p->period, (long long)llround(steps), p->settle, p->cycles, p->every,
               p->every == 1 ? "" : "s", p->path, p->fs ? ", signal " : "", p->fs ? p->path_signal : "");
        fflush(stdout);
    }
}
