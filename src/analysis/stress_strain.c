/* Stress-strain curves, the pure part (stress_strain.h): strains of a box
 * against a reference box, stress and von Mises stress from the pressure
 * tensor, and the analysis of a loading curve.
 *
 * Strain is taken from the box alone, so it is exact and the same on every
 * rank: normal components from the edge lengths, shear ones from the total
 * tilt T = tilt + tilt_flipped over the reference's perpendicular length
 * (LAMMPS' tilt strain, as fix deform's erate for xy, xz, yz), which a box
 * flip leaves continuous: a flip replaces xy by xy - k lx and adds k lx to
 * tilt_flipped (box.c). The analysis works on the samples as given (the
 * observer passes the values it printed, so the summary is a function of
 * the table); its rules are in the header and docs/analysis.md.
 * No communication. */
#include "analysis/stress_strain.h"
#include "core/error.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *comp_names[SS_NCOMP] = {"xx", "yy", "zz", "xy", "xz", "yz", "vm"};

int ss_component_parse(const char *word, int allow_vm)
{
    for (int c = 0; c < SS_NCOMP; c++)
        if (!strcmp(word, comp_names[c]))
            return c == SS_VM && !allow_vm ? -1 : c;
    return -1;
}

const char *ss_component_name(int c) { return c >= 0 && c < SS_NCOMP ? comp_names[c] : "?"; }

void ss_reference_of(const box *b, ss_reference *ref)
{
    for (int d = 0; d < 3; d++)
        ref->len[d] = b->len[d];
    ref->tilt[0] = b->xy + b->tilt_flipped[0];
    ref->tilt[1] = b->xz + b->tilt_flipped[1];
    ref->tilt[2] = b->yz + b->tilt_flipped[2];
}

double ss_strain(const ss_reference *ref, const box *b, int c, double *true_strain)
{
    double e;
    if (c <= SS_ZZ) {
        double ratio = b->len[c] / ref->len[c];
        e = ratio - 1.0;
        if (true_strain)
            *true_strain = log(ratio);
        return e;
    }
    /* Tilt xy leans b along x over the height ly; xz and yz lean c over lz. */
    const double tilt[3] = {b->xy + b->tilt_flipped[0], b->xz + b->tilt_flipped[1], b->yz + b->tilt_flipped[2]};
    int t = c - SS_XY;
    double height = t == 0 ? ref->len[1] : ref->len[2];
    e = (tilt[t] - ref->tilt[t]) / height;
    if (true_strain)
        *true_strain = e;
    return e;
}

void ss_stress_from_pressure(const double p_bar[6], double sigma_gpa[6])
{
    for (int q = 0; q < 6; q++)
        sigma_gpa[q] = -p_bar[q] * 1e-4;
}

double ss_von_mises(const double s[6])
{
    double a = s[0] - s[1], b = s[1] - s[2], c = s[2] - s[0];
    return sqrt(0.5 * (a * a + b * b + c * c) + 3.0 * (s[3] * s[3] + s[4] * s[4] + s[5] * s[5]));
}

void ss_options_default(ss_options *o)
{
    o->fit = 0.01;
    o->offset = 0.002;
    o->flow_lo = 0.0;
    o->flow_hi = 0.0;
    o->blocks = 5;
}

/* y = a + E x by least squares over the samples in [0, fit]: two passes
 * (means, then centred sums) for accuracy. */
static void fit_line(const double *x, const double *y, int n, double fit, ss_summary *r)
{
    int m = 0;
    double sx = 0.0, sy = 0.0;
    for (int k = 0; k < n; k++)
        if (x[k] >= 0.0 && x[k] <= fit) {
            m++;
            sx += x[k];
            sy += y[k];
        }
    r->fit_n = m;
    if (m < 2)
        return;
    double mx = sx / m, my = sy / m, sxx = 0.0, sxy = 0.0;
    for (int k = 0; k < n; k++)
        if (x[k] >= 0.0 && x[k] <= fit) {
            sxx += (x[k] - mx) * (x[k] - mx);
            sxy += (x[k] - mx) * (y[k] - my);
        }
    if (!(sxx > 0.0))
        return;
    r->modulus = sxy / sxx;
    r->intercept = my - r->modulus * mx;
    if (m > 2) {
        double ssr = 0.0;
        for (int k = 0; k < n; k++)
            if (x[k] >= 0.0 && x[k] <= fit) {
                double e = y[k] - (r->intercept + r->modulus * x[k]);
                ssr += e * e;
            }
        r->modulus_se = sqrt(ssr / (m - 2) / sxx);
    }
}

static void offset_yield(const double *x, const double *y, int n, double offset, ss_summary *r)
{
    if (isnan(r->modulus))
        return;
    const double E = r->modulus, a = r->intercept;
    double gprev = y[0] - (a + E * (x[0] - offset));
    for (int k = 1; k < n; k++) {
        double g = y[k] - (a + E * (x[k] - offset));
        if (gprev > 0.0 && g <= 0.0) {
            double t = gprev / (gprev - g);
            r->yielded = 1;
            r->yield_strain = x[k - 1] + t * (x[k] - x[k - 1]);
            r->yield_stress = y[k - 1] + t * (y[k] - y[k - 1]);
            r->secant_yield = r->yield_strain != 0.0 ? r->yield_stress / r->yield_strain : NAN;
            return;
        }
        gprev = g;
    }
}

static void flow(const double *x, const double *y, int n, const ss_options *o, ss_summary *r)
{
    if (!(o->flow_lo < o->flow_hi))
        return;
    /* The window's samples, in sampled order. */
    double *w = mg_malloc((size_t)n * sizeof *w);
    int m = 0;
    double sum = 0.0;
    for (int k = 0; k < n; k++)
        if (x[k] >= o->flow_lo && x[k] <= o->flow_hi) {
            w[m++] = y[k];
            sum += y[k];
        }
    r->flow_n = m;
    if (m > 0)
        r->flow_stress = sum / m;
    int K = o->blocks < m ? o->blocks : m;
    r->flow_blocks = K;
    if (K >= 2) {
        double *means = mg_malloc((size_t)K * sizeof *means), bsum = 0.0, bsq = 0.0;
        for (int j = 0; j < K; j++) {
            int lo = (int)((int64_t)j * m / K), hi = (int)((int64_t)(j + 1) * m / K);
            double acc = 0.0;
            for (int k = lo; k < hi; k++)
                acc += w[k];
            means[j] = acc / (hi - lo);
            bsum += means[j];
        }
        double bmean = bsum / K;
        for (int j = 0; j < K; j++)
            bsq += (means[j] - bmean) * (means[j] - bmean);
        r->flow_se = sqrt(bsq / (K - 1) / K);
        free(means);
    }
    free(w);
}

int ss_analyze(const double *strain, const double *stress, int n, int stress_signed, const ss_options *o,
               ss_summary *r)
{
    memset(r, 0, sizeof *r);
    r->n = n > 0 ? n : 0;
    r->direction = 1;
    r->strain_min = r->strain_max = NAN;
    r->modulus = r->modulus_se = r->intercept = NAN;
    r->yield_strain = r->yield_stress = r->secant_yield = NAN;
    r->max_strain = r->max_stress = r->secant_max = NAN;
    r->flow_stress = r->flow_se = NAN;
    if (n < 1)
        return -1;

    double far = 0.0;
    r->strain_min = r->strain_max = strain[0];
    for (int k = 0; k < n; k++) {
        if (fabs(strain[k]) > fabs(far))
            far = strain[k];
        r->strain_min = fmin(r->strain_min, strain[k]);
        r->strain_max = fmax(r->strain_max, strain[k]);
    }
    r->direction = far < 0.0 ? -1 : 1;
    double sx = r->direction, sy = stress_signed ? r->direction : 1.0;
    double *x = mg_malloc((size_t)n * 2 * sizeof *x);
    double *y = x + n;
    for (int k = 0; k < n; k++) {
        x[k] = sx * strain[k];
        y[k] = sy * stress[k];
    }

    fit_line(x, y, n, o->fit, r);
    offset_yield(x, y, n, o->offset, r);
    int kmax = 0;
    for (int k = 1; k < n; k++)
        if (y[k] > y[kmax])
            kmax = k;
    r->max_strain = x[kmax];
    r->max_stress = y[kmax];
    r->secant_max = x[kmax] != 0.0 ? y[kmax] / x[kmax] : NAN;
    flow(x, y, n, o, r);
    free(x);
    return 0;
}
