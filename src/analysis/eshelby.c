/* The mean strain field around STZs at their birth, in the event's frame,
 * and its lobe angles (analysis/eshelby.h; docs/analysis.md, "Eshelby
 * field"). Every rank bins its own atoms around every event born at the
 * sample (all events against all atoms: births are few per sample); the
 * map and the per-event harmonic sums are reduced to every rank, so every
 * rank holds the state a checkpoint saves. Rank 0 writes the files whole
 * after each sample with births. */
#include "analysis/eshelby.h"
#include "core/ckpt_section.h"
#include "core/error.h"
#include "core/jacobi.h"
#include "core/linsolve.h"
#include "core/memory.h"
#include "io/funnel.h"
#include "parallel/parallel.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Per bin: Q_N atoms (event-atom pairs), then sums of D2min, the two
 * in-plane displacement components and the in-plane strain components
 * and the volumetric strain. */
enum { Q_N, Q_D2, Q_UX, Q_UY, Q_EXX, Q_EYY, Q_EXY, Q_VOL };
/* Per event: the annulus mean and the cos and sin components of u_r (k =
 * 2), the volumetric strain (k = 2) and e_x'y' (k = 4). */
enum { H_UR, H_VOL = 3, H_EXY = 6 };
static const int harmonic_k[3] = {2, 2, 4};
static const char *const harmonic_name[3] = {"u_r", "vol", "exy"};
static const char *const harmonic_unit[3] = {"A", "1", "1"};

void eshelby_init(eshelby *e)
{
    memset(e, 0, sizeof *e);
    e->radius = 12.0;
    e->bins = 24;
    e->slab = 4.0;
    e->r_in = -1.0; /* defaults follow the radius: eshelby_start */
    e->r_out = -1.0;
}

void eshelby_start(eshelby *e)
{
    if (e->r_in < 0)
        e->r_in = e->radius / 3.0;
    if (e->r_out < 0)
        e->r_out = e->radius;
    free(e->map);
    e->map = mg_calloc((size_t)e->bins * (size_t)e->bins * ESH_Q, sizeof *e->map);
}

void eshelby_destroy(eshelby *e)
{
    free(e->map);
    e->map = NULL;
}

/* Each eigenvector's sign chosen so its largest component (the first on a
 * tie) is positive: the frame is then a function of the strain alone. */
static void fix_sign(double v[3])
{
    int m = 0;
    for (int d = 1; d < 3; d++)
        if (fabs(v[d]) > fabs(v[m]))
            m = d;
    if (v[m] < 0)
        for (int d = 0; d < 3; d++)
            v[d] = -v[d];
}

void eshelby_frame(const eshelby *e, const double E[6], double R[3][3])
{
    memset(R, 0, 9 * sizeof(double));
    if (e->frame == ESH_FRAME_BOX) {
        for (int d = 0; d < 3; d++)
            R[d][d] = 1.0;
        return;
    }
    double m[3][3] = {{E[0], E[3], E[4]}, {E[3], E[1], E[5]}, {E[4], E[5], E[2]}};
    double val[3], vec[3][3]; /* ascending: v1 = column 2, v3 = column 0 */
    jacobi_eigen(3, &m[0][0], val, &vec[0][0]);
    double v1[3], v3[3];
    for (int d = 0; d < 3; d++) {
        v1[d] = vec[d][2];
        v3[d] = vec[d][0];
    }
    fix_sign(v1);
    fix_sign(v3);
    for (int d = 0; d < 3; d++) {
        R[0][d] = (v1[d] - v3[d]) / sqrt(2.0); /* shear direction */
        R[1][d] = (v1[d] + v3[d]) / sqrt(2.0); /* normal of the plane of largest shear */
    }
    R[2][0] = R[0][1] * R[1][2] - R[0][2] * R[1][1];
    R[2][1] = R[0][2] * R[1][0] - R[0][0] * R[1][2];
    R[2][2] = R[0][0] * R[1][1] - R[0][1] * R[1][0];
}

/* Per event, summed over its annulus: the normal matrices of the basis
 * (1, cos t, sin t, cos kt, sin kt) for k = 2 and 4 (5 x 5 each), then
 * basis times each quantity (u_r, vol: k = 2; exy: k = 4). */
enum { HS_A2 = 0, HS_Q = 50, HS_N = 65 };

static void basis(double th, int k, double phi[5])
{
    phi[0] = 1.0;
    phi[1] = cos(th);
    phi[2] = sin(th);
    phi[3] = cos(k * th);
    phi[4] = sin(k * th);
}

void eshelby_sample(eshelby *e, const char *who, const md *s, const stz_birth *born, int nborn, int n,
                    const double (*x)[3], const double (*w)[3], const double (*E)[6], const double *d2,
                    const int *valid)
{
    if (!nborn)
        return;
    /* The map's corners (and the slab) must be nearer than half the box
     * across every periodic dimension, or an atom could fall in twice. */
    double face[3], reach = sqrt(2.0 * e->radius * e->radius + 0.25 * e->slab * e->slab);
    box_face_distances(&s->box, face);
    for (int d = 0; d < 3; d++)
        if (s->box.periodic[d] && reach > 0.5 * face[d])
            mg_fail_all("%s: the Eshelby map (radius %g A, slab %g A) reaches %.4g A from an event, more than half "
                        "the box across dimension %c (%.4g A): take a smaller radius or a larger box", who,
                        e->radius, e->slab, reach, "xyz"[d], 0.5 * face[d]);
    const int M = e->bins;
    const size_t nmap = (size_t)M * M * ESH_Q;
    double *map = mg_calloc(nmap, sizeof *map);
    double *har = mg_calloc((size_t)nborn * HS_N, sizeof *har);
    const double bw = 2.0 * e->radius / M;
    for (int b = 0; b < nborn; b++) {
        double R[3][3];
        eshelby_frame(e, born[b].E, R);
        double *hb = &har[(size_t)b * HS_N];
        for (int i = 0; i < n; i++) {
            if (!valid[i])
                continue;
            double off[3], r[3];
            const double sep[3] = {x[i][0] - born[b].centre[0], x[i][1] - born[b].centre[1],
                                   x[i][2] - born[b].centre[2]};
            box_min_image(&s->box, sep, off);
            for (int a = 0; a < 3; a++)
                r[a] = R[a][0] * off[0] + R[a][1] * off[1] + R[a][2] * off[2];
            if (fabs(r[2]) > 0.5 * e->slab || fabs(r[0]) > e->radius || fabs(r[1]) > e->radius)
                continue;
            double du[3], u[3], em[3][3], Ef[3][3];
            for (int d = 0; d < 3; d++)
                du[d] = w[i][d] - born[b].w[d];
            for (int a = 0; a < 3; a++)
                u[a] = R[a][0] * du[0] + R[a][1] * du[1] + R[a][2] * du[2];
            const double *ei = E[i];
            double m[3][3] = {{ei[0], ei[3], ei[4]}, {ei[3], ei[1], ei[5]}, {ei[4], ei[5], ei[2]}};
            for (int a = 0; a < 3; a++)
                for (int c = 0; c < 3; c++)
                    em[a][c] = R[a][0] * m[0][c] + R[a][1] * m[1][c] + R[a][2] * m[2][c];
            for (int a = 0; a < 3; a++)
                for (int c = 0; c < 3; c++)
                    Ef[a][c] = em[a][0] * R[c][0] + em[a][1] * R[c][1] + em[a][2] * R[c][2];
            const double vol = (ei[0] + ei[1] + ei[2]) / 3.0; /* invariant */
            int bx = (int)floor((r[0] + e->radius) / bw), by = (int)floor((r[1] + e->radius) / bw);
            bx = bx < 0 ? 0 : bx >= M ? M - 1 : bx;
            by = by < 0 ? 0 : by >= M ? M - 1 : by;
            double *q = &map[((size_t)by * M + bx) * ESH_Q];
            q[Q_N] += 1.0;
            q[Q_D2] += d2[i];
            q[Q_UX] += u[0];
            q[Q_UY] += u[1];
            q[Q_EXX] += Ef[0][0];
            q[Q_EYY] += Ef[1][1];
            q[Q_EXY] += Ef[0][1];
            q[Q_VOL] += vol;
            const double rho = hypot(r[0], r[1]);
            if (rho < e->r_in || rho > e->r_out || rho == 0.0)
                continue;
            const double th = atan2(r[1], r[0]);
            const double val[3] = {(r[0] * u[0] + r[1] * u[1]) / rho, vol, Ef[0][1]};
            double phi[2][5];
            for (int g = 0; g < 2; g++)
                basis(th, 2 * (g + 1), phi[g]);
            for (int g = 0; g < 2; g++)
                for (int a = 0; a < 5; a++)
                    for (int c = 0; c < 5; c++)
                        hb[HS_A2 + 25 * g + 5 * a + c] += phi[g][a] * phi[g][c];
            for (int k = 0; k < 3; k++)
                for (int a = 0; a < 5; a++)
                    hb[HS_Q + 5 * k + a] += val[k] * phi[harmonic_k[k] / 2 - 1][a];
        }
    }
    double *sum = mg_malloc(nmap * sizeof *sum);
    par_sum_doubles(map, sum, (int)nmap);
    for (size_t k = 0; k < nmap; k++)
        e->map[k] += sum[k];
    free(sum);
    double *hs = mg_malloc((size_t)nborn * HS_N * sizeof *hs);
    par_sum_doubles(har, hs, nborn * HS_N);
    for (int b = 0; b < nborn; b++) {
        const double *hb = &hs[(size_t)b * HS_N];
        e->events++;
        /* Least squares per quantity: q = c0 + a1 cos t + b1 sin t + ak
         * cos kt + bk sin kt (the k = 1 terms take up what a translation
         * of the cluster leaves); an event with too few atoms around it
         * for the fit (a singular system) is mapped but not fitted. */
        double coef[3][5];
        int ok = 1;
        for (int k = 0; k < 3 && ok; k++)
            ok = linsolve(5, &hb[HS_A2 + 25 * (harmonic_k[k] / 2 - 1)], &hb[HS_Q + 5 * k], coef[k]);
        if (!ok)
            continue;
        e->fitted++;
        for (int k = 0; k < 3; k++) {
            const double v[3] = {coef[k][0], coef[k][3], coef[k][4]};
            for (int c = 0; c < 3; c++) {
                e->h[3 * k + c] += v[c];
                e->h2[3 * k + c] += v[c] * v[c];
            }
        }
    }
    free(hs);
    free(har);
    free(map);
}

/* Rank 0: text to path through a temporary file and a rename, so the file
 * is the old one or the new one, whole. */
static void replace_file(const char *path, const textbuf *t, const char *who)
{
    char tmp[1200];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    int ok = f != NULL;
    if (f) {
        if (t->s)
            ok = fputs(t->s, f) >= 0;
        ok = (fclose(f) == 0) && ok;
    }
    if (!ok || rename(tmp, path) != 0) {
        unlink(tmp);
        mg_fail_one("%s: writing %s failed", who, path);
    }
}

void eshelby_write(const eshelby *e, const char *who)
{
    if (par_rank() != 0 || !e->path_map[0])
        return;
    const int M = e->bins;
    const double bw = 2.0 * e->radius / M;
    textbuf t = {NULL, 0, 0};
    tb_printf(&t, "x[A],y[A],samples,d2min[A^2],ux[A],uy[A],ur[A],exx,eyy,exy,vol\n");
    for (int by = 0; by < M; by++)
        for (int bx = 0; bx < M; bx++) {
            const double *q = &e->map[((size_t)by * M + bx) * ESH_Q];
            const double xc = -e->radius + (bx + 0.5) * bw, yc = -e->radius + (by + 0.5) * bw;
            tb_printf(&t, "%.6g,%.6g,%.0f", xc, yc, q[Q_N]);
            if (q[Q_N] > 0) {
                const double n = q[Q_N], rho = hypot(xc, yc);
                const double ur = rho > 0 ? (xc * q[Q_UX] + yc * q[Q_UY]) / (n * rho) : 0.0;
                tb_printf(&t, ",%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g\n", q[Q_D2] / n, q[Q_UX] / n,
                          q[Q_UY] / n, ur, q[Q_EXX] / n, q[Q_EYY] / n, q[Q_EXY] / n, q[Q_VOL] / n);
            } else {
                tb_printf(&t, ",nan,nan,nan,nan,nan,nan,nan,nan\n");
            }
        }
    replace_file(e->path_map, &t, who);
    tb_free(&t);

    /* The fit: mean over events of each component, its standard error, the
     * amplitude and the lobe angle with errors propagated. */
    t = (textbuf){NULL, 0, 0};
    tb_printf(&t, "quantity,harmonic,events,r_in[A],r_out[A],mean,mean_se,cos,cos_se,sin,sin_se,amplitude,"
                  "amplitude_se,lobe_angle[deg],lobe_angle_se[deg],unit\n");
    const double nf = (double)e->fitted;
    for (int k = 0; k < 3; k++) {
        double mean[3], se[3];
        for (int c = 0; c < 3; c++) {
            const int j = 3 * k + c;
            mean[c] = nf > 0 ? e->h[j] / nf : NAN;
            double var = nf > 1 ? (e->h2[j] - nf * mean[c] * mean[c]) / (nf - 1.0) : NAN;
            se[c] = nf > 1 ? sqrt(fmax(var, 0.0) / nf) : NAN;
        }
        const double A = mean[1], B = mean[2], amp = hypot(A, B);
        const double amp_se = amp > 0 ? sqrt(A * A * se[1] * se[1] + B * B * se[2] * se[2]) / amp : NAN;
        const double kk = harmonic_k[k];
        const double ang = atan2(B, A) / kk * 180.0 / M_PI;
        const double ang_se =
            amp > 0 ? sqrt(B * B * se[1] * se[1] + A * A * se[2] * se[2]) / (amp * amp) / kk * 180.0 / M_PI : NAN;
        tb_printf(&t, "%s,%d,%lld,%.6g,%.6g,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%s\n",
                  harmonic_name[k], harmonic_k[k], (long long)e->fitted, e->r_in, e->r_out, mean[0], se[0], A,
                  se[1], B, se[2], amp, amp_se, ang, ang_se, harmonic_unit[k]);
    }
    replace_file(e->path_fit, &t, who);
    tb_free(&t);
}

/* ---- checkpoint ------------------------------------------------------------------ */

void eshelby_save(const eshelby *e, ckpt_state *c)
{
    int64_t st[3] = {e->events, e->fitted, e->bins};
    ckpt_put_i64(c, "eshelby_state", st, 3);
    ckpt_put_doubles(c, "eshelby_map", e->map, (size_t)e->bins * e->bins * ESH_Q);
    ckpt_put_doubles(c, "eshelby_harmonics", e->h, ESH_H);
    ckpt_put_doubles(c, "eshelby_harmonics2", e->h2, ESH_H);
}

void eshelby_restore(eshelby *e, const char *who, ckpt_state *c)
{
    int64_t st[3];
    if (ckpt_get_i64(c, "eshelby_state", st, 3) != 0)
        mg_fail_all("restart: %s: the checkpoint has no Eshelby map (written without 'eshelby')", who);
    if (st[2] != e->bins || st[0] < 0 || st[1] < 0 || st[1] > st[0])
        mg_fail_all("restart: %s: the checkpoint's Eshelby map has %lld bins a side, the deck asks for %d", who,
                    (long long)st[2], e->bins);
    if (ckpt_get_doubles(c, "eshelby_map", e->map, (size_t)e->bins * e->bins * ESH_Q) != 0 ||
        ckpt_get_doubles(c, "eshelby_harmonics", e->h, ESH_H) != 0 ||
        ckpt_get_doubles(c, "eshelby_harmonics2", e->h2, ESH_H) != 0)
        mg_fail_all("restart: %s: the checkpoint's Eshelby map is incomplete", who);
    e->events = st[0];
    e->fitted = st[1];
}
