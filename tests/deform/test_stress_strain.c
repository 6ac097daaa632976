/* The pure stress-strain analysis (analysis/stress_strain.h) against closed
 * forms written here.
 *
 *   bilinear      elastic-perfectly-plastic sigma = E min(eps, eps_y) (E = 50
 *                 GPa, eps_y = 0.03), sampled every 0.0007: modulus E and
 *                 intercept 0 (to 1e-12: the fit of exact points is exact
 *                 up to round-off), modulus SE 0 (< 1e-9 E), the 0.2 %
 *                 offset yield at strain eps_y + 0.002 and stress E eps_y
 *                 (the crossing lies between two plateau samples, where
 *                 linear interpolation is exact), secant E eps_y/(eps_y +
 *                 0.002), maximum E eps_y at the first plateau sample,
 *                 flow stress E eps_y with SE 0 (to round-off of summing
 *                 57 equal values: 1e-14, 1e-13); with a residual stress s0
 *                 added (the intercept s0, the yield still at eps_y + offset,
 *                 since the offset line is the fitted line shifted);
 *   compression   the same curve mirrored (-eps, -sigma): direction -1 and
 *                 the same numbers (magnitudes); von Mises (unsigned) under
 *                 compression is not mirrored;
 *   no yield      a linear curve: yielded 0 and NaN yield numbers; fewer
 *                 than 2 samples in the fit window: NaN modulus, no yield;
 *   fit SE        three points (0,0) (0.001,1) (0.002,3): E = 1500 GPa,
 *                 intercept -1/6 GPa, SE = sqrt(1e6/12) GPa exactly;
 *   blocks        window values 1..10 in 5 blocks: mean 5.5, SE sqrt(2);
 *                 1..11 in 5 blocks of 2,2,2,2,3 (block j holds samples
 *                 floor(j n/K)..): means 1.5 3.5 5.5 7.5 10, SE from them;
 *                 a window with 1 sample: SE NaN;
 *   noisy curve   the bilinear curve plus uniform noise of half-width h on
 *                 400 realisations (a fixed LCG): the errors of the fitted
 *                 modulus in units of its SE have RMS sqrt((m-2)/(m-4)) for
 *                 m fit points (Student t), and those of the flow stress in
 *                 units of its block SE sqrt((K-1)/(K-3)); accepted within
 *                 [0.85, 1.2] of that (the RMS of 400 draws has about 4 %
 *                 relative spread, 5 sigma is 20 %); the mean of the fitted
 *                 moduli within 4 standard errors of the mean of E;
 *   strain        engineering L/L0 - 1 and true ln(L/L0) of a stretched
 *                 box; gamma_xy, gamma_xz, gamma_yz as tilt change over ly0,
 *                 lz0, lz0; a box sheared in xy by 0.07 ly0 per step past
 *                 several flips (box_flip): gamma_xy = 0.07 k to 1e-12, the
 *                 tilt itself within +-lx/2 after every flip; a yz shear past
 *                 its flip (which changes xz by -k xy) leaves gamma_xz at
 *                 its value;
 *   stress        sigma = -P/1e4 (GPa from bar); von Mises of uniaxial s is
 *                 |s|, of pure shear t is sqrt(3) t, of a hydrostatic
 *                 state 0.
 *
 * One ok/FAIL line per check; exit status non-zero on any failure. No MPI:
 * the pure part of the analysis uses none. */
#include "analysis/stress_strain.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../unit/serial_report.h"

static int close_to(double got, double want, double rel)
{
    return fabs(got - want) <= rel * fmax(fabs(want), 1e-300);
}

enum { NB = 144 };
static const double E = 50.0, EPSY = 0.03, DX = 0.0007;

/* sigma = s0 + E min(x, eps_y) at x_k = k dx. */
static void bilinear(double *x, double *y, int n, double s0, double mirror)
{
    for (int k = 0; k < n; k++) {
        double xk = k * DX;
        x[k] = mirror * xk;
        y[k] = mirror * (s0 + E * fmin(xk, EPSY));
    }
}

static void test_bilinear(double s0, double mirror, const char *label)
{
    double x[NB], y[NB];
    bilinear(x, y, NB, s0, mirror);
    ss_options o;
    ss_options_default(&o);
    o.fit = 0.01;
    o.offset = 0.002;
    o.flow_lo = 0.05;
    o.flow_hi = 0.09;
    ss_summary r;
    ss_analyze(x, y, NB, 1, &o, &r);
    int kfirst = 0; /* first plateau sample */
    while (kfirst * DX < EPSY)
        kfirst++;
    double sy = s0 + E * EPSY;
    report(r.direction == (mirror > 0 ? 1 : -1), "%s: direction %d", label, r.direction);
    report(r.fit_n == 15 && close_to(r.modulus, E, 1e-12) && fabs(r.intercept - s0) < 1e-12 * E &&
               r.modulus_se < 1e-9 * E,
           "%s: modulus %.15g GPa (want %g) from %d points, intercept %.3g GPa (want %g), SE %.3g GPa", label,
           r.modulus, E, r.fit_n, r.intercept, s0, r.modulus_se);
    report(r.yielded && close_to(r.yield_strain, EPSY + 0.002, 1e-11) && close_to(r.yield_stress, sy, 1e-12),
           "%s: yield at strain %.15g (want %g), stress %.15g GPa (want %g)", label, r.yield_strain, EPSY + 0.002,
           r.yield_stress, sy);
    report(close_to(r.secant_yield, sy / (EPSY + 0.002), 1e-11), "%s: secant at yield %.15g GPa (want %.15g)", label,
           r.secant_yield, sy / (EPSY + 0.002));
    report(r.max_stress == sy && r.max_strain == kfirst * DX && close_to(r.secant_max, sy / (kfirst * DX), 1e-15),
           "%s: maximum %.15g GPa at strain %.15g (want %g at the first plateau sample %.15g), secant %.15g", label,
           r.max_stress, r.max_strain, sy, kfirst * DX, r.secant_max);
    report(r.flow_n == 57 && r.flow_blocks == 5 && close_to(r.flow_stress, sy, 1e-14) && r.flow_se < 1e-13,
           "%s: flow stress %.15g GPa (want %g) +- %g from %d samples in %d blocks", label, r.flow_stress, sy,
           r.flow_se, r.flow_n, r.flow_blocks);
    report(r.strain_min == fmin(0.0, mirror * (NB - 1) * DX) && r.strain_max == fmax(0.0, mirror * (NB - 1) * DX),
           "%s: strain range [%g, %g]", label, r.strain_min, r.strain_max);
}

static void test_unsigned_compression(void)
{
    double x[NB], y[NB];
    bilinear(x, y, NB, 0.0, -1.0);
    for (int k = 0; k < NB; k++)
        y[k] = fabs(y[k]); /* a von Mises stress: positive either way */
    ss_options o;
    ss_options_default(&o);
    ss_summary r;
    ss_analyze(x, y, NB, 0, &o, &r);
    report(r.direction == -1 && close_to(r.modulus, E, 1e-12) && r.yielded &&
               close_to(r.yield_stress, E * EPSY, 1e-12),
           "von Mises under compression: strain mirrored, stress not: modulus %.15g, yield %.15g GPa", r.modulus,
           r.yield_stress);
}

static void test_no_yield(void)
{
    double x[50], y[50];
    for (int k = 0; k < 50; k++) {
        x[k] = k * 0.001;
        y[k] = E * x[k];
    }
    ss_options o;
    ss_options_default(&o);
    ss_summary r;
    ss_analyze(x, y, 50, 1, &o, &r);
    report(!r.yielded && isnan(r.yield_strain) && isnan(r.yield_stress) && isnan(r.secant_yield) &&
               close_to(r.modulus, E, 1e-12),
           "linear curve: no yield (NaN yield numbers), modulus %.15g", r.modulus);
    report(isnan(r.flow_stress) && r.flow_n == 0, "no flow window: flow stress NaN");
    double xs[3] = {0.0, 0.02, 0.04}, ys[3] = {0.0, 1.0, 1.5};
    ss_analyze(xs, ys, 3, 1, &o, &r);
    report(r.fit_n == 1 && isnan(r.modulus) && !r.yielded && r.max_stress == 1.5,
           "one sample in the fit window: modulus NaN, no yield, maximum still %g", r.max_stress);
    report(ss_analyze(xs, ys, 0, 1, &o, &r) == -1 && isnan(r.max_stress), "no samples: -1, NaN");
}

static void test_fit_se(void)
{
    double x[3] = {0.0, 0.001, 0.002}, y[3] = {0.0, 1.0, 3.0};
    ss_options o;
    ss_options_default(&o);
    o.fit = 0.002;
    ss_summary r;
    ss_analyze(x, y, 3, 1, &o, &r);
    report(r.fit_n == 3 && close_to(r.modulus, 1500.0, 1e-12) && close_to(r.intercept, -1.0 / 6.0, 1e-12) &&
               close_to(r.modulus_se, sqrt(1e6 / 12.0), 1e-12),
           "3-point fit: E %.15g (1500), intercept %.15g (-1/6), SE %.15g (%.15g)", r.modulus, r.intercept,
           r.modulus_se, sqrt(1e6 / 12.0));
    double x2[2] = {0.0, 0.001}, y2[2] = {0.0, 1.0};
    ss_analyze(x2, y2, 2, 1, &o, &r);
    report(r.fit_n == 2 && close_to(r.modulus, 1000.0, 1e-12) && isnan(r.modulus_se),
           "2-point fit: E %.15g, SE NaN", r.modulus);
}

static void test_blocks(void)
{
    double x[11], y[11];
    for (int k = 0; k < 11; k++) {
        x[k] = 0.1 + 0.001 * k;
        y[k] = k + 1.0;
    }
    ss_options o;
    ss_options_default(&o);
    o.flow_lo = 0.1;
    o.flow_hi = 0.1095; /* the first 10 samples */
    ss_summary r;
    ss_analyze(x, y, 11, 1, &o, &r);
    report(r.flow_n == 10 && r.flow_blocks == 5 && close_to(r.flow_stress, 5.5, 1e-15) &&
               close_to(r.flow_se, sqrt(2.0), 1e-14),
           "values 1..10 in 5 blocks: mean %.15g (5.5), SE %.15g (sqrt 2)", r.flow_stress, r.flow_se);
    o.flow_hi = 0.2;
    ss_analyze(x, y, 11, 1, &o, &r);
    double m[5] = {1.5, 3.5, 5.5, 7.5, 10.0}, mm = 0.0, v = 0.0;
    for (int j = 0; j < 5; j++)
        mm += m[j] / 5.0;
    for (int j = 0; j < 5; j++)
        v += (m[j] - mm) * (m[j] - mm);
    double se = sqrt(v / 4.0 / 5.0);
    report(r.flow_n == 11 && close_to(r.flow_stress, 6.0, 1e-15) && close_to(r.flow_se, se, 1e-14),
           "values 1..11 in blocks of 2,2,2,2,3: mean %.15g (6), SE %.15g (%.15g)", r.flow_stress, r.flow_se, se);
    o.flow_lo = 0.1;
    o.flow_hi = 0.1005;
    ss_analyze(x, y, 11, 1, &o, &r);
    report(r.flow_n == 1 && r.flow_stress == 1.0 && isnan(r.flow_se), "a window with 1 sample: mean 1, SE NaN");
}

/* A 64-bit LCG (Knuth's MMIX constants): the same numbers everywhere. */
static uint64_t lcg = 12345;
static double uniform(void)
{
    lcg = lcg * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(lcg >> 11) * (1.0 / 9007199254740992.0);
}

static void test_noisy(void)
{
    enum { REAL = 400, N = 144 };
    const double h = 0.05; /* GPa */
    ss_options o;
    ss_options_default(&o);
    o.fit = 0.01;
    o.flow_lo = 0.04;
    o.flow_hi = 0.1;
    o.blocks = 10;
    double zE2 = 0.0, zF2 = 0.0, sumE = 0.0, sumE2 = 0.0;
    int m = 0, K = 0, yielded = 0;
    for (int rep = 0; rep < REAL; rep++) {
        double x[N], y[N];
        bilinear(x, y, N, 0.0, 1.0);
        for (int k = 0; k < N; k++)
            y[k] += h * (2.0 * uniform() - 1.0);
        ss_summary r;
        ss_analyze(x, y, N, 1, &o, &r);
        zE2 += pow((r.modulus - E) / r.modulus_se, 2);
        zF2 += pow((r.flow_stress - E * EPSY) / r.flow_se, 2);
        sumE += r.modulus;
        sumE2 += r.modulus * r.modulus;
        m = r.fit_n;
        K = r.flow_blocks;
        yielded += r.yielded;
    }
    double rmsE = sqrt(zE2 / REAL), wantE = sqrt((m - 2.0) / (m - 4.0));
    double rmsF = sqrt(zF2 / REAL), wantF = sqrt((K - 1.0) / (K - 3.0));
    report(rmsE > 0.85 * wantE && rmsE < 1.2 * wantE,
           "noisy curve, %d realisations: RMS of (E_fit - E)/SE %.4f, Student t with %d dof gives %.4f", REAL, rmsE,
           m - 2, wantE);
    report(rmsF > 0.85 * wantF && rmsF < 1.2 * wantF,
           "noisy curve: RMS of (flow - E eps_y)/SE %.4f, %d blocks (t with %d dof) give %.4f", rmsF, K, K - 1, wantF);
    double meanE = sumE / REAL, sdE = sqrt(fmax(sumE2 / REAL - meanE * meanE, 0.0));
    report(fabs(meanE - E) < 4.0 * sdE / sqrt(REAL), "noisy curve: mean fitted modulus %.5g GPa, E = %g GPa (4 SE: %.3g)",
           meanE, E, 4.0 * sdE / sqrt(REAL));
    report(yielded == REAL, "noisy curve: every realisation yields (%d of %d)", yielded, REAL);
}

static void make_box(box *b, double lx, double ly, double lz)
{
    memset(b, 0, sizeof *b);
    b->hi[0] = lx;
    b->hi[1] = ly;
    b->hi[2] = lz;
    b->triclinic = 1;
    for (int d = 0; d < 3; d++) {
        b->boundary[d] = 'p';
        b->periodic[d] = 1;
    }
    box_update(b);
}

static void test_strain(void)
{
    box b;
    make_box(&b, 10.0, 12.0, 14.0);
    ss_reference ref;
    ss_reference_of(&b, &ref);
    b.hi[0] = 11.5; /* x stretched by 15 % */
    b.lo[2] = -0.7; /* z by 5 % */
    b.xy = 1.2;
    b.xz = -0.7;
    b.yz = 2.1;
    box_update(&b);
    double tx, tz, g;
    double ex = ss_strain(&ref, &b, SS_XX, &tx), ez = ss_strain(&ref, &b, SS_ZZ, &tz);
    report(close_to(ex, 0.15, 1e-14) && close_to(tx, log(1.15), 1e-14) && close_to(ez, 0.05, 1e-14) &&
               close_to(tz, log(1.05), 1e-14) && ss_strain(&ref, &b, SS_YY, NULL) == 0.0,
           "normal strains: xx %.15g (0.15), true %.15g; zz %.15g (0.05), true %.15g", ex, tx, ez, tz);
    double gxy = ss_strain(&ref, &b, SS_XY, &g), gxz = ss_strain(&ref, &b, SS_XZ, NULL),
           gyz = ss_strain(&ref, &b, SS_YZ, NULL);
    report(close_to(gxy, 0.1, 1e-14) && g == gxy && close_to(gxz, -0.05, 1e-14) && close_to(gyz, 0.15, 1e-14),
           "shear strains: xy 1.2/ly0 = %.15g (0.1), xz -0.7/lz0 = %.15g (-0.05), yz 2.1/lz0 = %.15g (0.15)", gxy,
           gxz, gyz);

    /* Past flips: xy grows by 0.07 ly0 a step; a flip whenever |xy| > lx/2. */
    make_box(&b, 10.0, 10.0, 10.0);
    ss_reference_of(&b, &ref);
    int flips = 0, cont = 1, bounded = 1;
    for (int k = 1; k <= 60; k++) {
        b.xy += 0.7;
        box_update(&b);
        flips += box_flip(&b);
        bounded &= fabs(b.xy) <= 0.5 * b.len[0] + 1e-12;
        cont &= fabs(ss_strain(&ref, &b, SS_XY, NULL) - 0.07 * k) < 1e-12;
    }
    report(flips >= 4 && cont && bounded,
           "xy shear to 4.2 in 60 steps: %d flips, gamma_xy = 0.07 k at every step (1e-12), |xy| <= lx/2 throughout",
           flips);
    /* yz past its flip with xy set: the flip changes xz by -k xy. */
    make_box(&b, 10.0, 10.0, 10.0);
    b.xy = 3.0;
    b.xz = 1.0;
    box_update(&b);
    ss_reference_of(&b, &ref);
    flips = 0;
    cont = 1;
    for (int k = 1; k <= 20; k++) {
        b.yz += 0.6;
        box_update(&b);
        flips += box_flip(&b);
        cont &= fabs(ss_strain(&ref, &b, SS_YZ, NULL) - 0.06 * k) < 1e-12 &&
                fabs(ss_strain(&ref, &b, SS_XZ, NULL)) < 1e-12;
    }
    report(flips >= 1 && cont, "yz shear to 12 A with xy = 3 A: %d flip(s), gamma_yz = 0.06 k, gamma_xz stays 0",
           flips);
}

static void test_stress(void)
{
    double p[6] = {1e4, -2e4, 3e4, 5e3, -6e3, 7e3}, s[6];
    ss_stress_from_pressure(p, s);
    int ok = 1;
    for (int q = 0; q < 6; q++)
        ok &= s[q] == -p[q] * 1e-4;
    report(ok, "sigma = -P in GPa: %g %g %g %g %g %g", s[0], s[1], s[2], s[3], s[4], s[5]);
    double uni[6] = {0, 0, -2.5, 0, 0, 0}, shear[6] = {0, 0, 0, 0, 1.5, 0}, hyd[6] = {3, 3, 3, 0, 0, 0};
    report(close_to(ss_von_mises(uni), 2.5, 1e-15) && close_to(ss_von_mises(shear), sqrt(3.0) * 1.5, 1e-15) &&
               ss_von_mises(hyd) == 0.0,
           "von Mises: uniaxial %.15g (2.5), shear %.15g (sqrt3 1.5), hydrostatic %g", ss_von_mises(uni),
           ss_von_mises(shear), ss_von_mises(hyd));
    report(ss_component_parse("xy", 0) == SS_XY && ss_component_parse("vm", 0) == -1 &&
               ss_component_parse("vm", 1) == SS_VM && ss_component_parse("yx", 1) == -1,
           "component names: xy, vm only as a stress, yx unknown");
}

int main(void)
{
    test_bilinear(0.0, 1.0, "bilinear");
    test_bilinear(0.3, 1.0, "bilinear + 0.3 GPa residual stress");
    test_bilinear(0.0, -1.0, "bilinear in compression");
    test_unsigned_compression();
    test_no_yield();
    test_fit_se();
    test_blocks();
    test_noisy();
    test_strain();
    test_stress();
    printf("%d checks, %d passed, %d failed\n", checks, checks - failures, failures);
    return failures ? 1 : 0;
}
