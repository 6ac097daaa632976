/* Least-squares and FFT fits of a sinusoidal loading's strain and stress
 * (analysis/dma.h). */
#include "analysis/dma.h"
#include "core/linsolve.h"

#include <complex.h>
#include <fftw3.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int dma_basis(double t, double period, int drift, double t_mid, double phi[DMA_MAXK])
{
    const double w = 2.0 * M_PI / period;
    int k = 0;
    phi[k++] = 1.0;
    phi[k++] = sin(w * t);
    phi[k++] = cos(w * t);
    if (drift)
        phi[k++] = t - t_mid;
    for (int h = 2; h <= 3; h++) {
        phi[k++] = sin(h * w * t);
        phi[k++] = cos(h * w * t);
    }
    return k;
}

void dma_add(dma_sums *s, const double *phi, int k, double strain, double stress)
{
    for (int r = 0; r < k; r++) {
        for (int c = 0; c < k; c++)
            s->ata[k * r + c] += phi[r] * phi[c];
        s->ate[r] += phi[r] * strain;
        s->ats[r] += phi[r] * stress;
    }
    s->ee += strain * strain;
    s->ss += stress * stress;
    s->n += 1.0;
}

void dma_sums_add(dma_sums *into, const dma_sums *from)
{
    for (int q = 0; q < DMA_MAXK * DMA_MAXK; q++)
        into->ata[q] += from->ata[q];
    for (int q = 0; q < DMA_MAXK; q++) {
        into->ate[q] += from->ate[q];
        into->ats[q] += from->ats[q];
    }
    into->ee += from->ee;
    into->ss += from->ss;
    into->n += from->n;
}

void dma_solve(const dma_sums *s, int k, int drift, dma_fit *f)
{
    memset(f, 0, sizeof *f);
    double ce[DMA_MAXK], cs[DMA_MAXK];
    if (!(s->n >= k) || !linsolve(k, s->ata, s->ate, ce) || !linsolve(k, s->ata, s->ats, cs))
        return;
    const double complex ze = ce[1] + I * ce[2], zs = cs[1] + I * cs[2];
    f->strain_amp = cabs(ze);
    f->stress_amp = cabs(zs);
    if (!(f->strain_amp > 0))
        return;
    const double complex m = zs / ze;
    f->ok = 1;
    f->storage = creal(m);
    f->loss = cimag(m);
    f->tan_delta = f->loss / f->storage;
    f->delta = carg(m);
    f->mean_stress = cs[0];
    f->drift = drift ? cs[3] : 0.0;
    const int h = drift ? 4 : 3;
    for (int q = 0; q < 4; q++)
        f->hc[q] = cs[h + q];
    f->harmonics = f->stress_amp > 0 ? sqrt(cs[h] * cs[h] + cs[h + 1] * cs[h + 1] + cs[h + 2] * cs[h + 2] +
                                            cs[h + 3] * cs[h + 3]) / f->stress_amp
                                     : NAN;
}

static void mean_sd(const double *v, int n, double *mean, double *sd)
{
    double m = 0.0;
    for (int q = 0; q < n; q++)
        m += v[q] / n;
    double s2 = 0.0;
    for (int q = 0; q < n; q++)
        s2 += (v[q] - m) * (v[q] - m);
    *mean = m;
    *sd = n > 1 ? sqrt(s2 / (n - 1)) : NAN;
}

static double t_quantile(int nu, const double table[31], double z);

/* t(0.9995, nu), nu = 1 ... 30. */
static const double t9995[31] = {NAN,   636.62, 31.599, 12.924, 8.610, 6.869, 5.959, 5.408, 5.041, 4.781, 4.587,
                                 4.437, 4.318,  4.221,  4.140,  4.073, 4.015, 3.965, 3.922, 3.883, 3.850, 3.819,
                                 3.792, 3.768,  3.745,  3.725,  3.707, 3.690, 3.674, 3.659, 3.646};

void dma_analyze(const dma_sums *cycle, int n, int k, int drift, dma_result *r)
{
    memset(r, 0, sizeof *r);
    r->cycles = n;
    dma_sums all;
    memset(&all, 0, sizeof all);
    for (int c = 0; c < n; c++)
        dma_sums_add(&all, &cycle[c]);
    dma_solve(&all, k, drift, &r->all);
    r->storage_se = r->loss_se = r->tan_se = r->delta_se = r->harmonics_se = NAN;
    r->t95 = dma_t975(n - 1);
    r->settled = -1;
    if (n < 2)
        return;
    double *v = malloc((size_t)8 * n * sizeof *v);
    int m = 0;
    for (int c = 0; c < n; c++) {
        dma_fit f;
        dma_solve(&cycle[c], k, drift, &f);
        if (!f.ok)
            continue;
        v[m] = f.storage;
        v[n + m] = f.loss;
        v[2 * n + m] = f.tan_delta;
        v[3 * n + m] = f.delta;
        for (int q = 0; q < 4; q++)
            v[(4 + q) * n + m] = f.hc[q];
        m++;
    }
    if (m >= 2) {
        double mean, sd;
        double *se[4] = {&r->storage_se, &r->loss_se, &r->tan_se, &r->delta_se};
        for (int q = 0; q < 4; q++) {
            mean_sd(&v[q * n], m, &mean, &sd);
            *se[q] = sd / sqrt((double)m);
        }
        double h2 = 0.0;
        for (int q = 0; q < 4; q++) {
            mean_sd(&v[(4 + q) * n], m, &mean, &sd);
            h2 += sd * sd / m;
        }
        if (r->all.stress_amp > 0)
            r->harmonics_se = sqrt(h2) / r->all.stress_amp;
        r->t95 = dma_t975(m - 1);
    }
    /* Settling: the first cycle against the rest. If it belongs with them,
     * (x1 - mean)/(s sqrt(1 + 1/(m-1))) is Student-t with m - 2 degrees of
     * freedom; beyond its 99.95 % point (two-sided 0.1 %, per modulus) it
     * does not. A floor of 1e-9 |M*| for round-off. */
    if (m >= 3) {
        int settled = 1;
        for (int q = 0; q < 2; q++) {
            double mean, sd;
            mean_sd(&v[q * n + 1], m - 1, &mean, &sd);
            const double lim = t_quantile(m - 2, t9995, 3.290527) * sd * sqrt(1.0 + 1.0 / (m - 1));
            if (fabs(v[q * n] - mean) > lim + 1e-9 * hypot(r->all.storage, r->all.loss))
                settled = 0;
        }
        r->settled = settled;
    }
    free(v);
}

int dma_fft(const double *strain, const double *stress, int m, int n, double *storage, double *loss)
{
    const int N = m * n;
    if (m < 4 || n < 1)
        return 0;
    double *in = fftw_malloc((size_t)N * sizeof *in);
    fftw_complex *out = fftw_malloc((size_t)(N / 2 + 1) * sizeof *out);
    fftw_plan plan = fftw_plan_dft_r2c_1d(N, in, out, FFTW_ESTIMATE);
    double complex z[2];
    const double *sig[2] = {strain, stress};
    for (int q = 0; q < 2; q++) {
        memcpy(in, sig[q], (size_t)N * sizeof *in);
        fftw_execute(plan);
        z[q] = out[n]; /* fftw_complex is double complex after complex.h */
    }
    fftw_destroy_plan(plan);
    fftw_free(in);
    fftw_free(out);
    if (!(cabs(z[0]) > 0))
        return 0;
    /* X_k = sum_j x_j e^{-2 pi i jk/N}; with w t_j = 2 pi j/m and x =
     * Im(Z e^{iwt}) = (Z e^{iwt} - Z* e^{-iwt})/2i, X_n = -i N Z/2: the
     * ratio of the two signals' bins n is Z_stress/Z_strain = M*. */
    const double complex mstar = z[1] / z[0];
    *storage = creal(mstar);
    *loss = cimag(mstar);
    return 1;
}

/* Student t quantiles: tabulated to 30 degrees of freedom, then the
 * Cornish-Fisher expansion about the normal quantile z,
 * t = z + (z^3 + z)/(4 nu) + (5 z^5 + 16 z^3 + 3 z)/(96 nu^2). */
static double t_quantile(int nu, const double table[31], double z)
{
    if (nu < 1)
        return NAN;
    if (nu <= 30)
        return table[nu];
    const double v = nu;
    return z + (z * z * z + z) / (4 * v) + (5 * pow(z, 5) + 16 * z * z * z + 3 * z) / (96 * v * v);
}

static const double t975[31] = {NAN,   12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
                                2.201, 2.179,  2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080,
                                2.074, 2.069,  2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};

double dma_t975(int nu) { return t_quantile(nu, t975, 1.959964); }
