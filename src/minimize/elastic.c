/* Elastic constants by central finite strains (elastic.h, docs/elastic.md).
 *
 * Protocol (LAMMPS' examples/ELASTIC, with the strain as a deformation
 * gradient): for Voigt strain J = xx yy zz yz xz xy, i.e. (a,b) = (x,x)
 * (y,y) (z,z) (y,z) (x,z) (x,y), the box becomes H' = (I + e e_a e_b^T) H:
 * row a of H gains e times row b. For the normal strains that scales the
 * length and the tilts of that row by (1 + e) (LAMMPS' `x delta 0 up*lx xy
 * delta up*xy xz delta up*xz`); for yz and xz it adds e*lz to the tilt;
 * for xy it adds e*ly to xy and e*yz to xz (LAMMPS changes only xy: the
 * same whenever yz = 0). The lower corner stays put; atoms keep their
 * fractional coordinates (`remap`). With the pressure tensor p of the
 * strained state,
 *
 *     C_iJ = -(p_i(+e) - p_i(-e)) / (2 e)     (bar -> GPa: 1e-4),
 *
 * i.e. stress sigma = -p (tension positive) and engineering shear strains
 * (the tilt change over the perpendicular length), so C_44 is the shear
 * modulus of a cubic crystal. The matrix written is (C_iJ + C_Ji)/2, as
 * LAMMPS' example symmetrises it.
 *
 * States: at 0 K the virial pressure (no kinetic part) of the affinely
 * strained atoms (relax no) or of the atoms minimised by CG at the fixed
 * strained box (relax yes). At temperature T, the time average of the full
 * pressure tensor (kinetic + virial) over `steps` steps after `equil`
 * steps of a run under a fresh copy of the deck's thermostat at T, fixed
 * box; every run starts from the reference positions (strained) and
 * velocities at the reference step. Standard errors: the sampled steps are
 * cut into B equal blocks, the same in every run, and each block gives its
 * own C matrix (paired + and - blocks, so correlation between the two
 * runs, which start from the same microstate, is accounted for); SE = sd of
 * the block values / sqrt(B), symmetrised block by block.
 *
 * Before each strained state and at the end, every rank puts back the
 * atoms it owned (packed with atoms_pack: ids, types, masks, image flags,
 * positions, velocities, per-atom properties, in their order), the forces,
 * the box, the step counter, the time and the last energies, so that the
 * command leaves the configuration exactly as it found it.
 *
 * Communication: the minimisations and runs (their own), the reductions of
 * the pressure tensor, the broadcast of a file's status. */
#include "minimize/elastic.h"
#include "core/error.h"
#include "core/jacobi.h"
#include "core/units.h"
#include "fix/ensemble.h"
#include "integrate/verlet.h"
#include "io/claim.h"
#include "io/output.h"
#include "parallel/parallel.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BAR_TO_GPA 1e-4

static const char *voigt_name[6] = {"xx", "yy", "zz", "yz", "xz", "xy"};
/* Where Voigt component i sits in md's tensors (xx yy zz xy xz yz). */
static const int voigt_md[6] = {0, 1, 2, 5, 4, 3};
/* Strain J: F = I + e e_a e_b^T. */
static const int strain_ab[6][2] = {{0, 0}, {1, 1}, {2, 2}, {1, 2}, {0, 2}, {0, 1}};

/* ---- the reference state ----------------------------------------------- */

typedef struct saved {
    box box;
    int nlocal, nprop, stride;
    unsigned char *buf;
    double (*f)[3];
    int64_t step, energy_at;
    double time, epot, virial[6], bath_energy;
    uint64_t held;
} saved;

static void save_state(const md *s, saved *sv)
{
    const atoms *a = &s->atoms;
    memset(sv, 0, sizeof *sv);
    sv->box = s->box;
    sv->nlocal = a->nlocal;
    sv->nprop = a->nprop;
    sv->stride = atoms_pack_size(a);
    size_t n = (size_t)(a->nlocal > 0 ? a->nlocal : 1);
    sv->buf = mg_malloc(n * (size_t)sv->stride);
    sv->f = mg_malloc(n * sizeof *sv->f);
    for (int i = 0; i < a->nlocal; i++)
        atoms_pack(a, i, sv->buf + (size_t)i * (size_t)sv->stride);
    memcpy(sv->f, a->f, (size_t)a->nlocal * sizeof *sv->f);
    sv->step = s->step;
    sv->time = s->time;
    sv->epot = s->epot;
    memcpy(sv->virial, s->virial, sizeof sv->virial);
    sv->energy_at = s->energy_at;
    sv->bath_energy = s->bath_energy;
    sv->held = s->held;
}

static void free_state(saved *sv)
{
    free(sv->buf);
    free(sv->f);
    sv->buf = NULL;
    sv->f = NULL;
}

/* Every rank its own atoms again, in their order; ghosts and lists are made
 * anew by the next set-up (ready = 0). */
static void restore_state(md *s, const saved *sv)
{
    atoms *a = &s->atoms;
    /* A minimiser's work vectors are a per-atom property only while it runs. */
    int bad = a->nprop != sv->nprop || atoms_pack_size(a) != sv->stride;
    mg_check_all(bad, "elastic: the per-atom properties changed during the measurement (internal error)");
    a->nghost = 0;
    a->nlocal = 0;
    for (int i = 0; i < sv->nlocal; i++)
        atoms_unpack_append(a, sv->buf + (size_t)i * (size_t)sv->stride);
    memcpy(a->f, sv->f, (size_t)sv->nlocal * sizeof *sv->f);
    s->box = sv->box;
    s->box_changes++; /* anything that caches the box looks again */
    s->step = sv->step;
    s->time = sv->time;
    s->epot = sv->epot;
    memcpy(s->virial, sv->virial, sizeof s->virial);
    s->energy_at = sv->energy_at;
    s->bath_energy = sv->bath_energy;
    s->held = sv->held;
    s->ready = 0;
}

/* ---- strains ---------------------------------------------------------- */

/* H' = (I + e e_a e_b^T) H about the fixed lower corner. */
static void strained_box(const box *b0, int J, double e, box *nb)
{
    double H[3][3];
    memcpy(H, b0->h, sizeof H);
    const int a = strain_ab[J][0], b = strain_ab[J][1];
    for (int c = 0; c < 3; c++)
        H[a][c] += e * b0->h[b][c];
    *nb = *b0;
    for (int d = 0; d < 3; d++)
        nb->hi[d] = nb->lo[d] + H[d][d];
    nb->xy = H[0][1];
    nb->xz = H[0][2];
    nb->yz = H[1][2];
    box_update(nb); /* a tilt makes it triclinic; the restore undoes it */
}

int elastic_boxes_ok(const md *s, double strain, char *err, int errlen)
{
    for (int J = 0; J < 6; J++)
        for (int k = -1; k <= 1; k += 2) {
            box nb;
            strained_box(&s->box, J, k * strain, &nb);
            char why[256];
            if (nb.triclinic && box_check_tilts(&nb, why, sizeof why) != 0) {
                snprintf(err, (size_t)errlen, "the %s strain %+g tilts the box too far: %s", voigt_name[J],
                         k * strain, why);
                return 0;
            }
        }
    return 1;
}

/* Virial pressure (bar, Voigt order) of the last energy evaluation. */
static void static_pressure(const md *s, double pv[6])
{
    for (int i = 0; i < 6; i++)
        pv[i] = s->virial[voigt_md[i]] / s->box.volume * MG_NKTV2P;
}

static void progress(int J, double e, const double pv[6], const char *extra)
{
    if (par_rank() != 0)
        return;
    printf("elastic: strain %s %+.6g: stress xx yy zz yz xz xy = %.8g %.8g %.8g %.8g %.8g %.8g GPa%s\n\n",
           voigt_name[J], e, -pv[0] * BAR_TO_GPA, -pv[1] * BAR_TO_GPA, -pv[2] * BAR_TO_GPA, -pv[3] * BAR_TO_GPA,
           -pv[4] * BAR_TO_GPA, -pv[5] * BAR_TO_GPA, extra);
    fflush(stdout);
}

/* ---- 0 K -------------------------------------------------------------- */

/* pv[J][k][i]: pressure component i at strain J, k = 0 for -e, 1 for +e. */
static void run_static(md *s, const elastic_params *p, const saved *ref, double pv[6][2][6], elastic_result *r)
{
    /* The minimisations print their report and first and last thermo lines
     * (default columns), but write no dump, CSV row or observer sample:
     * the strained states are not part of the study's trajectory. */
    outputs quiet;
    outputs_init(&quiet, s);
    for (int J = 0; J < 6; J++)
        for (int k = 0; k < 2; k++) {
            const double e = (k ? 1.0 : -1.0) * p->strain;
            restore_state(s, ref);
            box nb;
            strained_box(&ref->box, J, e, &nb);
            md_change_box(s, &nb);
            char extra[160] = "";
            if (p->relax) {
                min_result mr;
                minimize(s, &quiet, &p->min, &mr);
                if (mr.stop == MIN_STOP_MAXITER || mr.stop == MIN_STOP_MAXEVAL) {
                    r->min_unconverged++;
                    mg_warn("elastic: the minimisation at strain %s %+g stopped on %s with a force 2-norm of %g "
                            "eV/A (ftol %g): this column of C is not converged (raise maxiter)",
                            voigt_name[J], e, min_stop_name(mr.stop), mr.fnorm1, p->min.ftol);
                }
                snprintf(extra, sizeof extra, " (relaxed: %lld iterations, |F| %.3g eV/A, %s)",
                         (long long)mr.niter, mr.fnorm1, min_stop_name(mr.stop));
            } else {
                md_setup(s, 1);
                snprintf(extra, sizeof extra, " (affine)");
            }
            static_pressure(s, pv[J][k]);
            progress(J, e, pv[J][k], extra);
        }
}

/* ---- finite temperature ----------------------------------------------- */

/* The sampling entry of the private fix list: block sums of the pressure
 * tensor (bar, Voigt order) over the steps after `skip`. */
typedef struct sampler {
    int64_t skip, block;
    int nblocks;
    double (*sum)[6];
    double tsum;              /* temperature sum (K), for the progress line */
    int64_t n;
} sampler;

static int sampler_wants(const fix *f, const md *s, int64_t step, const step_info *si)
{
    const sampler *sp = f->data;
    return step - si->start > sp->skip ? FIX_WANTS_ENERGY : 0;
}

static int sampler_end(fix *f, md *s, const step_info *si)
{
    sampler *sp = f->data;
    int64_t n = si->n - sp->skip;
    if (n <= 0)
        return 0;
    int k = (int)((n - 1) / sp->block);
    double pt[6], kt[6];
    md_pressure(s, pt); /* collective, as end_of_step is */
    for (int i = 0; i < 6; i++)
        sp->sum[k][i] += pt[voigt_md[i]];
    double dof = md_dof(s);
    if (dof > 0)
        sp->tsum += 2.0 * md_kinetic(s, kt) / (dof * MG_BOLTZ);
    sp->n++;
    return 0;
}

static const fix_ops sampler_ops = {
    .kind = "elastic",
    .order = FIX_ORDER_OUTPUT,
    .end_of_step = sampler_end,
    .wants = sampler_wants,
};

/* A fresh thermostat of the deck's kind, group and damping, at temp. The
 * deck's own entry (its chain state, its schedule) is not touched. */
static fix *thermostat_copy(const elastic_params *p)
{
    ensemble_settings e;
    ensemble_defaults(&e);
    const int langevin = thermostat_ensemble(p->thermostat) == ENS_LANGEVIN;
    if (langevin) {
        langevin_settings(p->thermostat, &e);
        e.kind = ENS_LANGEVIN;
    } else {
        nose_hoover_settings(p->thermostat, &e);
        e.kind = ENS_NVT;
    }
    /* The strained runs have no streaming flow (no deform fix runs). */
    e.sllod = 0;
    schedule_constant(&e.temp, p->temp, Q_TEMPERATURE);
    return langevin ? langevin_new(&e, NULL) : nose_hoover_new(&e, NULL);
}

/* bm[((J*2 + k)*B + b)*6 + i]: block b's mean pressure component i. */
static void run_thermal(md *s, const elastic_params *p, const saved *ref, double *bm)
{
    const int B = p->blocks;
    sampler sp;
    memset(&sp, 0, sizeof sp);
    sp.nblocks = B;
    sp.block = p->steps / B;
    /* Equal blocks: a remainder of steps/B is sampled as equilibration. */
    sp.skip = p->equil + (p->steps - sp.block * B);
    sp.sum = mg_malloc((size_t)B * sizeof *sp.sum);
    for (int J = 0; J < 6; J++)
        for (int k = 0; k < 2; k++) {
            const double e = (k ? 1.0 : -1.0) * p->strain;
            restore_state(s, ref);
            box nb;
            strained_box(&ref->box, J, e, &nb);
            md_change_box(s, &nb);
            memset(sp.sum, 0, (size_t)B * sizeof *sp.sum);
            sp.tsum = 0.0;
            sp.n = 0;
            fix_list fx;
            fixes_init(&fx);
            fix *sf = fix_new(&sampler_ops, "elastic", GROUP_ALL);
            sf->data = &sp; /* ours: sampler_ops has no destroy */
            if (fixes_add(&fx, s, thermostat_copy(p)) != 0 || fixes_add(&fx, s, sf) != 0)
                mg_fail_all("elastic: cannot build its fix list (internal error)");
            run_dynamics(s, &fx, p->equil + p->steps, NULL);
            fixes_destroy(&fx, s);
            double mean[6] = {0};
            for (int b = 0; b < B; b++)
                for (int i = 0; i < 6; i++) {
                    double v = sp.sum[b][i] / (double)sp.block;
                    bm[((J * 2 + k) * B + b) * 6 + i] = v;
                    mean[i] += v / B;
                }
            char extra[96];
            snprintf(extra, sizeof extra, " (mean of %lld steps at %.1f K)", (long long)sp.n,
                     sp.n ? sp.tsum / (double)sp.n : 0.0);
            progress(J, e, mean, extra);
        }
    free(sp.sum);
}

/* ---- moduli ----------------------------------------------------------- */

/* Inverse of a 6x6 matrix by Gauss-Jordan elimination with partial
 * pivoting; returns -1 if a pivot falls below 1e-12 of the largest entry. */
static int invert6(const double c[6][6], double inv[6][6])
{
    double a[6][12], big = 0.0;
    for (int i = 0; i < 6; i++)
        for (int j = 0; j < 6; j++) {
            a[i][j] = c[i][j];
            a[i][j + 6] = i == j;
            if (fabs(c[i][j]) > big)
                big = fabs(c[i][j]);
        }
    if (!(big > 0.0))
        return -1;
    for (int col = 0; col < 6; col++) {
        int piv = col;
        for (int i = col + 1; i < 6; i++)
            if (fabs(a[i][col]) > fabs(a[piv][col]))
                piv = i;
        if (!(fabs(a[piv][col]) > 1e-12 * big))
            return -1;
        if (piv != col)
            for (int j = 0; j < 12; j++) {
                double t = a[col][j];
                a[col][j] = a[piv][j];
                a[piv][j] = t;
            }
        double d = a[col][col];
        for (int j = 0; j < 12; j++)
            a[col][j] /= d;
        for (int i = 0; i < 6; i++)
            if (i != col && a[i][col] != 0.0) {
                double m = a[i][col];
                for (int j = 0; j < 12; j++)
                    a[i][j] -= m * a[col][j];
            }
    }
    for (int i = 0; i < 6; i++)
        for (int j = 0; j < 6; j++)
            inv[i][j] = a[i][j + 6];
    return 0;
}

static void young_poisson(double *row)
{
    double B = row[EL_B], G = row[EL_G];
    row[EL_E] = 9.0 * B * G / (3.0 * B + G);
    row[EL_NU] = (3.0 * B - 2.0 * G) / (2.0 * (3.0 * B + G));
}

/* Hill, Proc. Phys. Soc. A 65, 349 (1952): Voigt (uniform strain) and Reuss
 * (uniform stress) bounds of the polycrystal's B and G, and their mean. */
int elastic_moduli(const double c[6][6], double mod[3][4])
{
    double *v = mod[EL_VOIGT], *r = mod[EL_REUSS], *h = mod[EL_HILL];
    double a = c[0][0] + c[1][1] + c[2][2], b = c[0][1] + c[1][2] + c[0][2], d = c[3][3] + c[4][4] + c[5][5];
    v[EL_B] = (a + 2.0 * b) / 9.0;
    v[EL_G] = (a - b + 3.0 * d) / 15.0;
    young_poisson(v);
    double S[6][6];
    if (invert6(c, S) != 0) {
        for (int k = 0; k < 4; k++)
            r[k] = h[k] = NAN;
        return -1;
    }
    double sa = S[0][0] + S[1][1] + S[2][2], sb = S[0][1] + S[1][2] + S[0][2], sd = S[3][3] + S[4][4] + S[5][5];
    r[EL_B] = 1.0 / (sa + 2.0 * sb);
    r[EL_G] = 15.0 / (4.0 * sa - 4.0 * sb + 3.0 * sd);
    young_poisson(r);
    h[EL_B] = 0.5 * (v[EL_B] + r[EL_B]);
    h[EL_G] = 0.5 * (v[EL_G] + r[EL_G]);
    young_poisson(h);
    return 0;
}

/* Born (1940): a crystal (any solid at rest) is mechanically stable when
 * its elastic energy (1/2) e.C.e is positive for every strain e, i.e. when
 * C (Voigt, engineering shears, symmetric) is positive definite: all six
 * eigenvalues > 0. For a cubic crystal they are C11 + 2 C12, C11 - C12
 * (twice) and C44 (three times), the familiar cubic criteria. */
void elastic_eigenvalues(const double c[6][6], double eig[6]) { jacobi_eigen(6, &c[0][0], eig, NULL); }

/* ---- the measurement -------------------------------------------------- */

static void symmetrise(const double raw[6][6], double c[6][6], double *asym)
{
    for (int i = 0; i < 6; i++)
        for (int j = 0; j < 6; j++) {
            c[i][j] = 0.5 * (raw[i][j] + raw[j][i]);
            if (asym && fabs(raw[i][j] - raw[j][i]) > *asym)
                *asym = fabs(raw[i][j] - raw[j][i]);
        }
}

void elastic_compute(md *s, const elastic_params *p, elastic_result *r)
{
    memset(r, 0, sizeof *r);
    if (par_rank() == 0) {
        if (p->temp > 0)
            printf("elastic: strains +-%g of xx yy zz yz xz xy at %g K: %lld steps each after %lld of "
                   "equilibration, %d blocks, thermostat %s (a fresh copy at %g K), fixed box\n\n",
                   p->strain, p->temp, (long long)p->steps, (long long)p->equil, p->blocks,
                   p->thermostat->ops->kind, p->temp);
        else if (p->relax)
            printf("elastic: strains +-%g of xx yy zz yz xz xy at 0 K, atoms relaxed at fixed box (cg, etol %g, "
                   "ftol %g eV/A, maxiter %lld)\n\n", p->strain, p->min.etol, p->min.ftol,
                   (long long)p->min.maxiter);
        else
            printf("elastic: strains +-%g of xx yy zz yz xz xy at 0 K, atoms mapped affinely (relax no)\n\n",
                   p->strain);
        fflush(stdout);
    }
    saved ref;
    save_state(s, &ref);
    const double f2 = BAR_TO_GPA / (2.0 * p->strain);
    if (p->temp > 0) {
        const int B = p->blocks;
        double *bm = mg_calloc((size_t)(6 * 2 * B * 6), sizeof *bm);
        run_thermal(s, p, &ref, bm);
        /* Per block: its own raw and symmetrised C and moduli. */
        double (*cb)[6][6] = mg_malloc((size_t)B * sizeof *cb);
        double (*mb)[3][4] = mg_malloc((size_t)B * sizeof *mb);
        for (int b = 0; b < B; b++) {
            double raw[6][6];
            for (int J = 0; J < 6; J++)
                for (int i = 0; i < 6; i++)
                    raw[i][J] = -(bm[((J * 2 + 1) * B + b) * 6 + i] - bm[((J * 2 + 0) * B + b) * 6 + i]) * f2;
            for (int i = 0; i < 6; i++)
                for (int j = 0; j < 6; j++)
                    r->craw[i][j] += raw[i][j] / B;
            symmetrise(raw, cb[b], NULL);
            elastic_moduli(cb[b], mb[b]);
        }
        symmetrise(r->craw, r->c, &r->asym);
        for (int i = 0; i < 6; i++)
            for (int j = 0; j < 6; j++) {
                double ss = 0.0;
                for (int b = 0; b < B; b++)
                    ss += (cb[b][i][j] - r->c[i][j]) * (cb[b][i][j] - r->c[i][j]);
                r->se[i][j] = sqrt(ss / (B - 1) / B);
            }
        elastic_moduli(r->c, r->mod);
        for (int a = 0; a < 3; a++)
            for (int k = 0; k < 4; k++) {
                double m = 0.0, ss = 0.0;
                for (int b = 0; b < B; b++)
                    m += mb[b][a][k] / B;
                for (int b = 0; b < B; b++)
                    ss += (mb[b][a][k] - m) * (mb[b][a][k] - m);
                r->mod_se[a][k] = sqrt(ss / (B - 1) / B);
            }
        r->finite_t = 1;
        r->block_steps = p->steps / B;
        free(cb);
        free(mb);
        free(bm);
    } else {
        double pv[6][2][6];
        run_static(s, p, &ref, pv, r);
        for (int J = 0; J < 6; J++)
            for (int i = 0; i < 6; i++)
                r->craw[i][J] = -(pv[J][1][i] - pv[J][0][i]) * f2;
        symmetrise(r->craw, r->c, &r->asym);
        elastic_moduli(r->c, r->mod);
    }
    elastic_eigenvalues(r->c, r->eig);
    restore_state(s, &ref);
    free_state(&ref);
}

/* ---- output ----------------------------------------------------------- */

static void cij_header(FILE *f, const char *pre)
{
    for (int j = 0; j < 6; j++)
        fprintf(f, "%s%sC_i%d_%s[GPa]", j ? "," : "", pre, j + 1, voigt_name[j]);
    fputc('\n', f);
}

static int write_matrix(const char *path, const char *pre, const double m[6][6])
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    cij_header(f, pre);
    for (int i = 0; i < 6; i++)
        for (int j = 0; j < 6; j++)
            fprintf(f, "%.12g%c", m[i][j], j == 5 ? '\n' : ',');
    int bad = ferror(f);
    return (fclose(f) != 0 || bad) ? -1 : 0;
}

static int write_moduli(const char *path, const elastic_result *r)
{
    static const char *avg[3] = {"voigt", "reuss", "hill"};
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fprintf(f, "average,B[GPa],G[GPa],E[GPa],nu");
    if (r->finite_t)
        fprintf(f, ",B_se[GPa],G_se[GPa],E_se[GPa],nu_se");
    fputc('\n', f);
    for (int a = 0; a < 3; a++) {
        fprintf(f, "%s", avg[a]);
        for (int k = 0; k < 4; k++)
            fprintf(f, ",%.12g", r->mod[a][k]);
        if (r->finite_t)
            for (int k = 0; k < 4; k++)
                fprintf(f, ",%.12g", r->mod_se[a][k]);
        fputc('\n', f);
    }
    int bad = ferror(f);
    return (fclose(f) != 0 || bad) ? -1 : 0;
}

static void paths(const char *prefix, char out[3][1100])
{
    snprintf(out[0], 1100, "%s_cij.csv", prefix);
    snprintf(out[1], 1100, "%s_moduli.csv", prefix);
    snprintf(out[2], 1100, "%s_cij_err.csv", prefix);
}

int elastic_files_ok(const char *prefix, int finite_t, char *err, int errlen)
{
    char p[3][1100];
    paths(prefix, p);
    int nf = finite_t ? 3 : 2;
    for (int k = 0; k < nf; k++)
        claim_check_all("elastic", p[k]);
    int st[2] = {0, 0};
    char which[1100] = "";
    if (par_rank() == 0)
        for (int k = 0; k < nf && !st[0]; k++) {
            FILE *f = fopen(p[k], "w");
            if (!f) {
                st[0] = 1;
                st[1] = errno;
                memcpy(which, p[k], sizeof which);
            } else {
                fclose(f);
            }
        }
    par_bcast_ints(st, 2, 0);
    par_bcast_bytes(which, sizeof which, 0);
    if (st[0]) {
        snprintf(err, (size_t)errlen, "cannot write %s: %s", which, strerror(st[1]));
        return 0;
    }
    return 1;
}

static void print_matrix(const char *title, const double m[6][6])
{
    printf("%s\n      ", title);
    for (int j = 0; j < 6; j++)
        printf(" %12s", voigt_name[j]);
    printf("\n");
    for (int i = 0; i < 6; i++) {
        printf("  %-4s", voigt_name[i]);
        for (int j = 0; j < 6; j++)
            printf(" %12.6f", m[i][j]);
        printf("\n");
    }
}

void elastic_report(const md *s, const elastic_params *p, const elastic_result *r, const char *prefix)
{
    char path[3][1100];
    paths(prefix, path);
    int st[2] = {0, 0}, which = 0;
    if (par_rank() == 0) {
        char title[300];
        snprintf(title, sizeof title,
                 "Elastic constants C_ij (GPa), Voigt order; symmetrised (C_ij + C_ji)/2, the largest |C_ij - C_ji| "
                 "was %.3g GPa:", r->asym);
        print_matrix(title, r->c);
        if (r->finite_t) {
            snprintf(title, sizeof title, "Standard errors of C_ij (GPa), from %d blocks of %lld steps:", p->blocks,
                     (long long)r->block_steps);
            print_matrix(title, r->se);
        }
        static const char *avg[3] = {"Voigt", "Reuss", "Hill"};
        printf("Moduli (Hill 1952 averages): bulk B, shear G, Young's E (GPa), Poisson ratio nu\n");
        printf("         %12s %12s %12s %12s\n", "B[GPa]", "G[GPa]", "E[GPa]", "nu");
        for (int a = 0; a < 3; a++) {
            printf("  %-6s %12.6f %12.6f %12.6f %12.6f", avg[a], r->mod[a][EL_B], r->mod[a][EL_G], r->mod[a][EL_E],
                   r->mod[a][EL_NU]);
            if (r->finite_t)
                printf("   +- %.3f %.3f %.3f %.4f", r->mod_se[a][EL_B], r->mod_se[a][EL_G], r->mod_se[a][EL_E],
                       r->mod_se[a][EL_NU]);
            printf("\n");
        }
        if (isnan(r->mod[EL_REUSS][EL_B]))
            printf("  (C is singular: no Reuss or Hill average)\n");
        printf("Eigenvalues of C (GPa): %.6g %.6g %.6g %.6g %.6g %.6g\n", r->eig[0], r->eig[1], r->eig[2], r->eig[3],
               r->eig[4], r->eig[5]);
        if (!(r->eig[0] > 0.0))
            printf("WARNING: elastic: C is not positive definite (smallest eigenvalue %.6g GPa): the configuration "
                   "is mechanically unstable (Born criterion) at this strain, or the strain %g is too large for "
                   "the linear regime, or the states are too noisy%s\n",
                   r->eig[0], p->strain, r->min_unconverged ? ", or minimisations did not converge" : "");
        else
            printf("  mechanically stable (Born criterion: every eigenvalue of C > 0)\n");
        if (write_matrix(path[0], "", r->c) != 0)
            st[0] = 1;
        else if ((which = 1, write_moduli(path[1], r) != 0))
            st[0] = 1;
        else if (r->finite_t && (which = 2, write_matrix(path[2], "SE_", r->se) != 0))
            st[0] = 1;
        if (st[0])
            st[1] = errno;
        else
            printf("elastic: wrote %s, %s%s%s (%lld atoms)\n\n", path[0], path[1], r->finite_t ? ", " : "",
                   r->finite_t ? path[2] : "", (long long)s->atoms.natoms);
        fflush(stdout);
    }
    int msg[3] = {st[0], st[1], which};
    par_bcast_ints(msg, 3, 0);
    if (msg[0])
        mg_fail_run("elastic: cannot write %s: %s", path[msg[2]], strerror(msg[1]));
}
