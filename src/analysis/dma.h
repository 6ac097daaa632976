/* Dynamic mechanical analysis: the storage and loss moduli of a sinusoidal
 * loading from its strain and stress signals (docs/analysis.md, "MD-DMA").
 *
 * The pure part (no MPI, no files): an observer, a unit test or any code
 * feeds samples (t, strain, stress) of whole cycles of period P; each
 * cycle keeps its own least-squares normal equations for the basis
 *     1, sin wt, cos wt, [t - t_mid], sin 2wt, cos 2wt, sin 3wt, cos 3wt
 * (w = 2 pi / P; the drift column on request), fitted to the strain and to
 * the stress alike. With x(t) = a sin wt + b cos wt + ... the complex
 * amplitude is Z = a + i b (x = Im(Z e^{iwt})); the complex modulus is
 * M* = Z_stress / Z_strain = M' + i M'': M' = (s_A/e_A) cos delta (storage),
 * M'' = (s_A/e_A) sin delta (loss), delta the phase by which the stress
 * leads the strain, tan delta = M''/M'. Measuring the strain's own phase
 * rather than assuming the loading's makes the sign convention and any
 * offset of the loading's clock irrelevant.
 *
 * The moduli are those of the fit over all measured cycles (the sum of the
 * cycles' normal equations); their standard errors come from the scatter
 * of the cycle-by-cycle fits, each cycle a block (SE = s/sqrt(n), n - 1 in
 * s), and the 95 % interval is t(0.975, n - 1) SE. The second and third
 * harmonics are fitted, not assumed away: their amplitude relative to the
 * fundamental's is the nonlinearity; noise alone gives it a floor (the
 * harmonics' own standard errors), so a nonlinearity is one well above
 * that floor. Settling: the first measured cycle
 * against the others, in M' and in M'': if it belongs with them, its
 * distance from their mean over s sqrt(1 + 1/(m - 1)) (s their standard
 * deviation, m the cycles) is Student-t with m - 2 degrees of freedom;
 * beyond the 99.95 % point (plus 1e-9 |M*| for round-off) it is "not
 * settled" (three cycles at least). The FFT check: the signals averaged over
 * M points per cycle (box-car, equal for strain and stress, so it cancels
 * in the ratio), transformed with FFTW; the fundamental is bin n of the
 * n cycles. */
#ifndef MGMD_DMA_H
#define MGMD_DMA_H

enum { DMA_MAXK = 8 };

/* One cycle's normal equations: A^T A, A^T strain, A^T stress, the sums of
 * squares, and the sample count. */
typedef struct dma_sums {
    double ata[DMA_MAXK * DMA_MAXK];
    double ate[DMA_MAXK], ats[DMA_MAXK];
    double ee, ss;
    double n;
} dma_sums;

/* The basis at time t (ps): w = 2 pi / period; t_mid the centre of the
 * measured window (drift column only). Returns the column count. */
int dma_basis(double t, double period, int drift, double t_mid, double phi[DMA_MAXK]);
void dma_add(dma_sums *s, const double *phi, int k, double strain, double stress);
void dma_sums_add(dma_sums *into, const dma_sums *from);

/* One fit. */
typedef struct dma_fit {
    int ok;                  /* 0: singular (too few samples) or no strain */
    double strain_amp, stress_amp; /* 1, GPa (the stress's unit)         */
    double delta;            /* rad, in (-pi, pi]                        */
    double storage, loss, tan_delta; /* GPa, GPa, 1                     */
    double mean_stress;      /* the constant term (GPa)                  */
    double drift;            /* GPa/ps (0 without the drift column)      */
    double harmonics;        /* |2nd, 3rd| / |fundamental| of the stress  */
    double hc[4];            /* the stress's sin 2wt, cos 2wt, sin 3wt, cos 3wt */
} dma_fit;

void dma_solve(const dma_sums *s, int k, int drift, dma_fit *f);

/* The analysis of n cycles. */
typedef struct dma_result {
    dma_fit all;             /* the fit over every cycle                 */
    int cycles;
    double storage_se, loss_se, tan_se, delta_se; /* NaN for one cycle   */
    double t95;              /* Student t(0.975, cycles - 1)             */
    double harmonics_se;     /* the harmonic ratio's noise floor: the
                              * standard errors of the four harmonic
                              * coefficients from the cycles, in quadrature,
                              * over the stress amplitude; NaN for one cycle */
    int settled;             /* 1 settled, 0 not, -1 too few cycles      */
} dma_result;

void dma_analyze(const dma_sums *cycle, int n, int k, int drift, dma_result *r);

/* The FFT check on signals of m points per cycle over n cycles (m n
 * points each): the complex modulus at the fundamental. Returns 0 if the
 * strain has no component there. */
int dma_fft(const double *strain, const double *stress, int m, int n, double *storage, double *loss);

/* Student's t quantile t(0.975, nu) for nu >= 1 (a table to 30, then the
 * Cornish-Fisher expansion); NaN for nu < 1. */
double dma_t975(int nu);

#endif
