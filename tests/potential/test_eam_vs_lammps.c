/* The EAM tables against LAMMPS itself.
 *
 * For each potential (the three formats, several type orders) this writes a
 * 40-atom random cluster, runs `lmp` on it (run 0, per-atom forces and
 * energies printed with 17 digits), and evaluates the same cluster from our
 * tables with LAMMPS' cubic-spline interpolation (coefficients from the
 * standard 5-point derivative rule, F extrapolated linearly above rhomax).
 * Any difference in the tables shows up far above the 1e-10 tolerance used
 * here; with identical tables only summation order differs (~1e-14).
 *
 * usage: test_eam_vs_lammps LMP [POTENTIAL_DIR]
 */
#define _POSIX_C_SOURCE 200809L

#include "potential/eam_file.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { NATOM = 40 };

typedef double spline7[7];

/* LAMMPS-convention cubic spline of f[0..n-1] (1-based rows 1..n). */
static spline7 *make_spline(int n, double delta, const double *f)
{
    spline7 *s = calloc((size_t)n + 1, sizeof *s);
    if (!s) abort();
    for (int m = 1; m <= n; m++) s[m][6] = f[m - 1];
    s[1][5] = s[2][6] - s[1][6];
    s[2][5] = 0.5 * (s[3][6] - s[1][6]);
    s[n - 1][5] = 0.5 * (s[n][6] - s[n - 2][6]);
    s[n][5] = s[n][6] - s[n - 1][6];
    for (int m = 3; m <= n - 2; m++) {
        s[m][5] = ((s[m - 2][6] - s[m + 2][6]) + 8.0 * (s[m + 1][6] - s[m - 1][6])) / 12.0;
    }
    for (int m = 1; m <= n - 1; m++) {
        s[m][4] = 3.0 * (s[m + 1][6] - s[m][6]) - 2.0 * s[m][5] - s[m + 1][5];
        s[m][3] = s[m][5] + s[m + 1][5] - 2.0 * (s[m + 1][6] - s[m][6]);
    }
    s[n][4] = 0.0;
    s[n][3] = 0.0;
    for (int m = 1; m <= n; m++) {
        s[m][2] = s[m][5] / delta;
        s[m][1] = 2.0 * s[m][4] / delta;
        s[m][0] = 3.0 * s[m][3] / delta;
    }
    return s;
}

static int row(double x, double rdx, int n, int lo, double *p)
{
    double q = x * rdx + 1.0;
    int m = (int)q;
    if (m > n - 1) m = n - 1;
    if (m < lo) m = lo;
    q -= m;
    *p = q < 1.0 ? q : 1.0;
    return m;
}

/* Forces f and per-atom energies e of the cluster from the tables. */
static void evaluate(const eam_tables *t, int n, const int *type, double (*x)[3], double (*f)[3],
                     double *e)
{
    spline7 **fs = malloc((size_t)t->nfrho * sizeof *fs);
    spline7 **rs = malloc((size_t)t->nrhor * sizeof *rs);
    spline7 **zs = malloc((size_t)t->nz2r * sizeof *zs);
    double *rho = calloc((size_t)n, sizeof *rho), *fp = calloc((size_t)n, sizeof *fp);
    if (!fs || !rs || !zs || !rho || !fp) abort();
    for (int i = 0; i < t->nfrho; i++) fs[i] = make_spline(t->nrho, t->drho, t->frho[i]);
    for (int i = 0; i < t->nrhor; i++) rs[i] = make_spline(t->nr, t->dr, t->rhor[i]);
    for (int i = 0; i < t->nz2r; i++) zs[i] = make_spline(t->nr, t->dr, t->z2r[i]);
    const int nt1 = t->ntypes + 1;
    const double rdr = 1.0 / t->dr, rdrho = 1.0 / t->drho, cutsq = t->cut * t->cut;
    for (int i = 0; i < n; i++) {
        e[i] = 0.0;
        f[i][0] = f[i][1] = f[i][2] = 0.0;
    }
    for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
            double d[3], rsq = 0.0, p;
            if (i == j) continue;
            for (int k = 0; k < 3; k++) {
                d[k] = x[i][k] - x[j][k];
                rsq += d[k] * d[k];
            }
            if (rsq >= cutsq) continue;
            int m = row(sqrt(rsq), rdr, t->nr, 0, &p);
            /* density at i from neighbour j */
            const double *c = rs[t->type2rhor[type[j] * nt1 + type[i]]][m];
            rho[i] += ((c[3] * p + c[4]) * p + c[5]) * p + c[6];
        }
    }
    for (int i = 0; i < n; i++) {
        double p;
        int m = row(rho[i], rdrho, t->nrho, 1, &p);
        const double *c = fs[t->type2frho[type[i]]][m];
        fp[i] = (c[0] * p + c[1]) * p + c[2];
        e[i] = ((c[3] * p + c[4]) * p + c[5]) * p + c[6];
        if (rho[i] > t->rhomax) e[i] += fp[i] * (rho[i] - t->rhomax);
    }
    for (int i = 0; i < n; i++) {
        for (int j = i + 1; j < n; j++) {
            double d[3], rsq = 0.0, p;
            for (int k = 0; k < 3; k++) {
                d[k] = x[i][k] - x[j][k];
                rsq += d[k] * d[k];
            }
            if (rsq >= cutsq) continue;
            double r = sqrt(rsq);
            int m = row(r, rdr, t->nr, 0, &p);
            const double *c = rs[t->type2rhor[type[i] * nt1 + type[j]]][m];
            double rhoip = (c[0] * p + c[1]) * p + c[2];
            c = rs[t->type2rhor[type[j] * nt1 + type[i]]][m];
            double rhojp = (c[0] * p + c[1]) * p + c[2];
            c = zs[t->type2z2r[type[i] * nt1 + type[j]]][m];
            double z2p = (c[0] * p + c[1]) * p + c[2];
            double z2 = ((c[3] * p + c[4]) * p + c[5]) * p + c[6];
            double recip = 1.0 / r, phi = z2 * recip, phip = z2p * recip - phi * recip;
            double fpair = -(fp[i] * rhojp + fp[j] * rhoip + phip) * recip;
            for (int k = 0; k < 3; k++) {
                f[i][k] += d[k] * fpair;
                f[j][k] -= d[k] * fpair;
            }
            e[i] += 0.5 * phi;
            e[j] += 0.5 * phi;
        }
    }
    for (int i = 0; i < t->nfrho; i++) free(fs[i]);
    for (int i = 0; i < t->nrhor; i++) free(rs[i]);
    for (int i = 0; i < t->nz2r; i++) free(zs[i]);
    free(fs);
    free(rs);
    free(zs);
    free(rho);
    free(fp);
}

typedef struct tcase {
    const char *label;
    enum eam_style style;
    const char *lmp_style;
    int ntypes;
    const char *arg[5];   /* file names relative to the potential dir, or elements */
} tcase;

static const tcase cases[] = {
    {"CuZr_mm fs Cu Zr", EAM_FS, "eam/fs", 2, {"CuZr_mm.eam.fs", "Cu", "Zr"}},
    {"CuZr_mm fs Zr Cu Zr", EAM_FS, "eam/fs", 3, {"CuZr_mm.eam.fs", "Zr", "Cu", "Zr"}},
    {"NiAlH_jea fs H Ni Al", EAM_FS, "eam/fs", 3, {"NiAlH_jea.eam.fs", "H", "Ni", "Al"}},
    {"CuNi alloy Cu Ni", EAM_SETFL, "eam/alloy", 2, {"CuNi.eam.alloy", "Cu", "Ni"}},
    {"AlCu alloy Al Cu", EAM_SETFL, "eam/alloy", 2, {"AlCu.eam.alloy", "Al", "Cu"}},
    {"Pd Cu Ni funcfl", EAM_FUNCFL, "eam", 3, {"Pd_u3.eam", "Cu_u3.eam", "Ni_u3.eam"}},
    {"Ni Cu Ni Pd funcfl", EAM_FUNCFL, "eam", 4,
     {"Ni_u3.eam", "Cu_u3.eam", "Ni_u3.eam", "Pd_u3.eam"}},
    {"Cu funcfl", EAM_FUNCFL, "eam", 1, {"Cu_u3.eam"}},
};

static unsigned long long rng = 88172645463325252ULL;
static double uniform(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (double)(rng >> 11) / 9007199254740992.0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s LMP [POTENTIAL_DIR]\n", argv[0]);
        return 2;
    }
    const char *lmp = argv[1];
    const char *potdir = argc > 2 ? argv[2] : "/usr/share/lammps/potentials";
    char dir[] = "/tmp/mgmd_eam_lmp_XXXXXX";
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    int nfail = 0;
    char path[6][1200], data[1200], in[1200], dump[1200], cmd[4096];
    snprintf(data, sizeof data, "%s/cluster.data", dir);
    snprintf(in, sizeof in, "%s/in.eam", dir);
    snprintf(dump, sizeof dump, "%s/eam.dump", dir);

    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        const tcase *tc = &cases[c];
        int nargs = tc->style == EAM_FUNCFL ? tc->ntypes : tc->ntypes + 1;
        const char *args[6];
        for (int a = 0; a < nargs; a++) {
            if (a == 0 || tc->style == EAM_FUNCFL) {
                snprintf(path[a], sizeof path[a], "%s/%s", potdir, tc->arg[a]);
                args[a] = path[a];
            } else {
                args[a] = tc->arg[a];
            }
        }

        /* a random cluster, no pair closer than 1.9 A */
        int type[NATOM];
        double x[NATOM][3], f[NATOM][3], e[NATOM];
        for (int i = 0; i < NATOM; i++) {
            int ok;
            do {
                for (int k = 0; k < 3; k++) x[i][k] = 10.0 * uniform();
                ok = 1;
                for (int j = 0; j < i; j++) {
                    double r2 = 0.0;
                    for (int k = 0; k < 3; k++) r2 += (x[i][k] - x[j][k]) * (x[i][k] - x[j][k]);
                    if (r2 < 1.9 * 1.9) ok = 0;
                }
            } while (!ok);
            type[i] = i % tc->ntypes + 1;
        }

        FILE *fp = fopen(data, "w");
        if (!fp) abort();
        fprintf(fp, "cluster\n\n%d atoms\n%d atom types\n-20 30 xlo xhi\n-20 30 ylo yhi\n"
                    "-20 30 zlo zhi\n\nAtoms\n\n", NATOM, tc->ntypes);
        for (int i = 0; i < NATOM; i++) {
            fprintf(fp, "%d %d %.17g %.17g %.17g\n", i + 1, type[i], x[i][0], x[i][1], x[i][2]);
        }
        fclose(fp);
        fp = fopen(in, "w");
        if (!fp) abort();
        fprintf(fp, "units metal\natom_style atomic\nboundary f f f\nread_data %s\npair_style %s\n",
                data, tc->lmp_style);
        if (tc->style == EAM_FUNCFL) {
            for (int a = 1; a <= tc->ntypes; a++) fprintf(fp, "pair_coeff %d %d %s\n", a, a, args[a - 1]);
        } else {
            fprintf(fp, "pair_coeff * * %s", args[0]);
            for (int a = 1; a <= tc->ntypes; a++) fprintf(fp, " %s", args[a]);
            fprintf(fp, "\n");
        }
        fprintf(fp, "compute pe all pe/atom\ndump d all custom 1 %s id fx fy fz c_pe\n"
                    "dump_modify d format float %%.17g sort id\nrun 0\n", dump);
        fclose(fp);
        remove(dump);
        snprintf(cmd, sizeof cmd, "cd %s && %s -in %s -log none -screen none", dir, lmp, in);
        if (system(cmd) != 0) {
            fprintf(stderr, "FAIL %s: lmp failed (%s)\n", tc->label, cmd);
            nfail++;
            continue;
        }

        eam_tables t;
        char err[512];
        if (eam_tables_read(tc->style, tc->ntypes, nargs, args, &t, err, sizeof err) != 0) {
            fprintf(stderr, "FAIL %s: %s\n", tc->label, err);
            nfail++;
            continue;
        }
        evaluate(&t, NATOM, type, x, f, e);
        eam_tables_free(&t);

        fp = fopen(dump, "r");
        if (!fp) {
            fprintf(stderr, "FAIL %s: no dump\n", tc->label);
            nfail++;
            continue;
        }
        char line[1024];
        for (int k = 0; k < 9; k++) {
            if (!fgets(line, sizeof line, fp)) break;
        }
        double dfmax = 0.0, demax = 0.0;
        int nread = 0;
        double elmp = 0.0;
        while (fgets(line, sizeof line, fp)) {
            int id;
            double lf[3], le;
            if (sscanf(line, "%d %lf %lf %lf %lf", &id, &lf[0], &lf[1], &lf[2], &le) != 5) continue;
            if (id < 1 || id > NATOM) continue;
            nread++;
            for (int k = 0; k < 3; k++) dfmax = fmax(dfmax, fabs(lf[k] - f[id - 1][k]));
            demax = fmax(demax, fabs(le - e[id - 1]));
            elmp += le;
        }
        fclose(fp);
        int ok = nread == NATOM && dfmax < 1e-10 && demax < 1e-11;
        printf("%-24s %s  E_lammps %.12f  max|dF| %.2e eV/A  max|dE| %.2e eV\n", tc->label,
               ok ? "ok  " : "FAIL", elmp, dfmax, demax);
        if (!ok) nfail++;
    }
    remove(data);
    remove(in);
    remove(dump);
    rmdir(dir);
    return nfail ? 1 : 0;
}
