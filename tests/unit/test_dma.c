/* The DMA fitter (src/analysis/dma.c) on synthetic signals whose moduli are
 * known:
 *
 * 1. Exact sinusoids (strain of amplitude 0.01 at a phase offset, stress
 *    leading by delta, a constant, a second and a third harmonic): M', M'',
 *    delta, the mean stress and the harmonic ratio to 1e-10; the FFT check
 *    gives the same M', M'' (1e-10); with a linear drift in the stress,
 *    the drift column recovers its slope and leaves M', M'' unchanged.
 * 2. Coverage: 200 trials of 6 cycles with white noise on the stress (and a
 *    little on the strain); the 95 % interval t(0.975, 5) SE of M', M'' and
 *    delta holds the true value in 91-99 % of the trials (binomial: 95 %
 *    within 3 sigma, 3.1 %) — errors neither under- nor overstated; and the
 *    mean SE matches the trials' own scatter within 15 %; the settling test
 *    calls a steady signal unsettled in at most 4 of the 200 (its false
 *    alarms: 0.1 % per modulus), and noise alone rises above three times
 *    the harmonics' noise floor in at most 2.
 * 3. A purely elastic response with noise: delta consistent with zero
 *    within its 95 % interval in >= 91 % of 200 trials, and tan delta's
 *    mean over trials within 3 standard errors of zero.
 * 4. Maxwell (Debye) relaxation, sigma' = E eps' - sigma/tau, solved exactly
 *    from rest (steady state plus the transient -E eA wt/(1+w2t2) e^{-t/tau}):
 *    after enough settling cycles M' = E (wt)^2/(1+(wt)^2), M'' = E wt/
 *    (1+(wt)^2) to 1e-6 for wt = 0.1, 0.5, 1, 2, 10 (SCIENCE.md); counted
 *    from rest, the first cycle is flagged as not settled.
 * 5. Student t quantiles against tabulated values. */
#include "analysis/dma.h"
#include "core/rng.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "serial_report.h"

#define PERIOD 10.0 /* ps */
#define EPS_A 0.01

typedef double (*signal_fn)(double t, const void *arg);

/* Samples of n cycles at m points each into per-cycle sums; optionally the
 * box-car averaged signals (mfft points a cycle) for the FFT check. */
static void sample(int ncyc, int m, int drift, double (*strain)(double, const void *),
                   double (*stress)(double, const void *), const void *arg, int skip, dma_sums *cyc, double *fe,
                   double *fs, int mfft)
{
    memset(cyc, 0, (size_t)ncyc * sizeof *cyc);
    const double dt = PERIOD / m, tmid = (skip + 0.5 * ncyc) * PERIOD;
    if (fe) {
        memset(fe, 0, (size_t)ncyc * mfft * sizeof *fe);
        memset(fs, 0, (size_t)ncyc * mfft * sizeof *fs);
    }
    for (int c = 0; c < ncyc; c++)
        for (int j = 0; j < m; j++) {
            double t = (skip + c) * PERIOD + j * dt, phi[DMA_MAXK];
            int k = dma_basis(t, PERIOD, drift, tmid, phi);
            double e = strain(t, arg), s = stress(t, arg);
            dma_add(&cyc[c], phi, k, e, s);
            if (fe) {
                int b = c * mfft + j * mfft / m;
                fe[b] += e * mfft / m;
                fs[b] += s * mfft / m;
            }
        }
}

/* ---- 1. exact sinusoids ------------------------------------------------------ */

typedef struct exact {
    double phase, delta, modulus, mean, h2, h3, slope;
} exact;

static double ex_strain(double t, const void *a)
{
    const exact *x = a;
    return EPS_A * sin(2 * M_PI * t / PERIOD + x->phase);
}

static double ex_stress(double t, const void *a)
{
    const exact *x = a;
    double w = 2 * M_PI / PERIOD;
    return x->mean + x->modulus * EPS_A * sin(w * t + x->phase + x->delta) + x->h2 * sin(2 * w * t + 0.3) +
           x->h3 * cos(3 * w * t) + x->slope * (t - 2.5 * PERIOD);
}

static void exact_tests(void)
{
    enum { NC = 5, M = 400, MF = 64 };
    dma_sums cyc[NC];
    double fe[NC * MF], fs[NC * MF];
    exact x = {0.7, 0.2, 50.0, 0.3, 0.02, 0.01, 0.0};
    sample(NC, M, 0, ex_strain, ex_stress, &x, 0, cyc, fe, fs, MF);
    dma_result r;
    dma_analyze(cyc, NC, 7, 0, &r);
    double sp = 50.0 * cos(0.2), lo = 50.0 * sin(0.2);
    double hr = hypot(0.02, 0.01) / (50.0 * EPS_A);
    report(r.all.ok && fabs(r.all.storage - sp) < 1e-10 * sp && fabs(r.all.loss - lo) < 1e-10 * sp &&
               fabs(r.all.delta - 0.2) < 1e-12 && fabs(r.all.mean_stress - 0.3) < 1e-12 &&
               fabs(r.all.harmonics - hr) < 1e-10 && fabs(r.all.strain_amp - EPS_A) < 1e-14,
           "exact signal: M' %.12g (want %.12g), M'' %.12g (want %.12g), delta %.12g, mean %.12g, harmonics %.10g "
           "(want %.10g)", r.all.storage, sp, r.all.loss, lo, r.all.delta, r.all.mean_stress, r.all.harmonics, hr);
    report(fabs(r.storage_se) < 1e-9 && fabs(r.loss_se) < 1e-9 && r.settled == 1 && r.harmonics_se < 1e-9,
           "exact signal: cycle-to-cycle errors vanish (%.1e, %.1e GPa), harmonics' noise floor %.1e, settled",
           r.storage_se, r.loss_se, r.harmonics_se);
    double s2, l2;
    int ok = dma_fft(fe, fs, MF, NC, &s2, &l2);
    report(ok && fabs(s2 - sp) < 1e-10 * sp && fabs(l2 - lo) < 1e-10 * sp,
           "FFT check (64 box-car points a cycle): M' %.12g, M'' %.12g", s2, l2);
    x.slope = 0.004;
    sample(NC, M, 1, ex_strain, ex_stress, &x, 0, cyc, NULL, NULL, 0);
    dma_analyze(cyc, NC, 8, 1, &r);
    report(fabs(r.all.drift - 0.004) < 1e-12 && fabs(r.all.storage - sp) < 1e-10 * sp &&
               fabs(r.all.loss - lo) < 1e-10 * sp,
           "a linear drift of 0.004 GPa/ps: recovered (%.12g) by the drift column, M' and M'' unchanged",
           r.all.drift);
}

/* ---- 2, 3. noise ------------------------------------------------------------- */

typedef struct noisy {
    exact x;
    double noise_s, noise_e;
    unsigned seed;
} noisy;

static double nz_strain(double t, const void *a)
{
    const noisy *x = a;
    double g[2];
    rng_normal2(x->seed, (uint64_t)llround(t * 1000.0), 7, 0, g);
    return ex_strain(t, &x->x) + x->noise_e * g[0];
}

static double nz_stress(double t, const void *a)
{
    const noisy *x = a;
    double g[2];
    rng_normal2(x->seed, (uint64_t)llround(t * 1000.0), 7, 0, g);
    return ex_stress(t, &x->x) + x->noise_s * g[1];
}

static void coverage(const char *label, double modulus, double delta, unsigned seed0)
{
    enum { NC = 6, M = 100, TRIALS = 200 };
    dma_sums cyc[NC];
    int in_s = 0, in_l = 0, in_d = 0, unsettled = 0, nonlinear = 0;
    double sum_se[2] = {0, 0}, est[2][TRIALS], tan_sum = 0, tan2 = 0;
    const double sp = modulus * cos(delta), lo = modulus * sin(delta);
    for (int tr = 0; tr < TRIALS; tr++) {
        noisy x = {{0.4, delta, modulus, 0.1, 0.0, 0.0, 0.0}, 0.15, 2e-5, seed0 + (unsigned)tr};
        sample(NC, M, 0, nz_strain, nz_stress, &x, 0, cyc, NULL, NULL, 0);
        dma_result r;
        dma_analyze(cyc, NC, 7, 0, &r);
        in_s += fabs(r.all.storage - sp) <= r.t95 * r.storage_se;
        in_l += fabs(r.all.loss - lo) <= r.t95 * r.loss_se;
        in_d += fabs(r.all.delta - delta) <= r.t95 * r.delta_se;
        unsettled += r.settled == 0;
        nonlinear += r.all.harmonics > 3.0 * r.harmonics_se;
        sum_se[0] += r.storage_se / TRIALS;
        sum_se[1] += r.loss_se / TRIALS;
        est[0][tr] = r.all.storage;
        est[1][tr] = r.all.loss;
        tan_sum += r.all.tan_delta;
        tan2 += r.all.tan_delta * r.all.tan_delta;
    }
    double sd[2];
    for (int q = 0; q < 2; q++) {
        double m = 0, s2 = 0;
        for (int tr = 0; tr < TRIALS; tr++)
            m += est[q][tr] / TRIALS;
        for (int tr = 0; tr < TRIALS; tr++)
            s2 += (est[q][tr] - m) * (est[q][tr] - m) / (TRIALS - 1);
        sd[q] = sqrt(s2);
    }
    double fs = in_s / (double)TRIALS, fl = in_l / (double)TRIALS, fd = in_d / (double)TRIALS;
    report(fs >= 0.91 && fs <= 0.99 && fl >= 0.91 && fl <= 0.99 && fd >= 0.91 && fd <= 0.99,
           "%s: the 95 %% intervals hold the true M', M'', delta in %.1f, %.1f, %.1f %% of %d trials (91-99)", label,
           100 * fs, 100 * fl, 100 * fd, TRIALS);
    report(nonlinear <= 2, "%s: noise alone above 3 times the harmonics' noise floor in %d of %d trials (<= 2)",
           label, nonlinear, TRIALS);
    report(unsettled <= 4, "%s: a steady signal called not settled in %d of %d trials (<= 4; 0.2 %% expected)", label,
           unsettled, TRIALS);
    report(fabs(sum_se[0] / sd[0] - 1) < 0.15 && fabs(sum_se[1] / sd[1] - 1) < 0.15,
           "%s: mean SE / scatter of the estimates: M' %.3f, M'' %.3f (1 within 0.15)", label, sum_se[0] / sd[0],
           sum_se[1] / sd[1]);
    if (delta == 0.0) {
        double m = tan_sum / TRIALS, se = sqrt((tan2 / TRIALS - m * m) / (TRIALS - 1));
        report(fabs(m) < 3 * se, "%s: mean tan delta over the trials %.2e +- %.1e, consistent with zero", label, m,
               se);
    }
}

/* ---- 4. Maxwell relaxation ---------------------------------------------------- */

typedef struct maxwell {
    double E, tau;
} maxwell;

static double mx_strain(double t, const void *a)
{
    (void)a;
    return EPS_A * sin(2 * M_PI * t / PERIOD);
}

static double mx_stress(double t, const void *a)
{
    const maxwell *x = a;
    double wt = 2 * M_PI / PERIOD * x->tau, w = 2 * M_PI / PERIOD;
    return x->E * EPS_A * wt / (1 + wt * wt) * (wt * sin(w * t) + cos(w * t) - exp(-t / x->tau));
}

static void maxwell_tests(void)
{
    enum { NC = 4, M = 400 };
    dma_sums cyc[NC];
    const double wts[5] = {0.1, 0.5, 1.0, 2.0, 10.0};
    double worst = 0;
    for (int q = 0; q < 5; q++) {
        maxwell x = {80.0, wts[q] * PERIOD / (2 * M_PI)};
        int skip = (int)ceil(20.0 * x.tau / PERIOD) + 1; /* e^{-20}: the transient gone */
        sample(NC, M, 0, mx_strain, mx_stress, &x, skip, cyc, NULL, NULL, 0);
        dma_result r;
        dma_analyze(cyc, NC, 7, 0, &r);
        double wt = wts[q], sp = x.E * wt * wt / (1 + wt * wt), lo = x.E * wt / (1 + wt * wt);
        worst = fmax(worst, fmax(fabs(r.all.storage - sp), fabs(r.all.loss - lo)) / x.E);
    }
    report(worst < 1e-6, "Maxwell relaxation at w tau = 0.1, 0.5, 1, 2, 10: M', M'' as the closed form to %.1e E",
           worst);
    maxwell x = {80.0, 2.0 * PERIOD / (2 * M_PI)};
    sample(NC, M, 0, mx_strain, mx_stress, &x, 0, cyc, NULL, NULL, 0);
    dma_result r;
    dma_analyze(cyc, NC, 7, 0, &r);
    report(r.settled == 0, "Maxwell relaxation counted from rest (w tau = 2): the first cycle is not settled");
}

int main(void)
{
    exact_tests();
    coverage("lossy (|M| 50 GPa, delta 0.3)", 50.0, 0.3, 1000u);
    coverage("elastic (M 50 GPa, delta 0)", 50.0, 0.0, 5000u);
    maxwell_tests();
    report(fabs(dma_t975(1) - 12.706) < 1e-3 && fabs(dma_t975(5) - 2.571) < 1e-3 &&
               fabs(dma_t975(40) - 2.021) < 2e-3 && fabs(dma_t975(1000) - 1.962) < 1e-3,
           "t(0.975): %.4f %.4f %.4f %.4f for 1, 5, 40, 1000 degrees of freedom", dma_t975(1), dma_t975(5),
           dma_t975(40), dma_t975(1000));
    printf("%d checks, %d failed\n", checks, failures);
    return failures != 0;
}
