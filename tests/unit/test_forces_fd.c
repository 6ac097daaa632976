/* Forces are minus the gradient of the energy.
 *
 * For each EAM file format (funcfl mix, setfl, Finnis-Sinclair) and for an
 * orthogonal and a triclinic box, builds a disordered periodic alloy, then
 * compares every force component of a sample of atoms with the central
 * difference -(E(x+h) - E(x-h)) / 2h.
 *
 * Tolerance: |F - F_fd| <= 1e-6 * max(|F|, F_rms) (the 1e-6 relative
 * error, relative to the atom's force or, for nearly force-free components,
 * the system's RMS force). With h = 1e-5 A the truncation error is ~h^2 F'''
 * ~ 1e-10 eV/A and round-off ~ eps |E| / h ~ 1e-8 eV/A for |E| ~ 1e3 eV, so
 * a pass is meaningful and a wrong derivative (a sign, a missing F' term)
 * fails by orders of magnitude. Runs on any number of ranks. */
#include "core/rng.h"
#include "parallel/parallel.h"
#include "potential/eam.h"
#include "system/system.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;

/* Energy of the whole system (collective). */
static double energy(md *s)
{
    md_setup(s, 1);
    return s->epot;
}

/* Find atom by id on this rank. */
static int local_index(const md *s, int64_t id)
{
    for (int i = 0; i < s->atoms.nlocal; i++)
        if (s->atoms.id[i] == id)
            return i;
    return -1;
}

static void build(md *s, const double len[3], const double tilt[3], int ntypes, int ncell, uint64_t seed)
{
    md_init(s);
    box *b = &s->box;
    for (int d = 0; d < 3; d++) {
        b->lo[d] = 0.0;
        b->hi[d] = len[d];
        b->boundary[d] = 'p';
    }
    b->xy = tilt[0]; b->xz = tilt[1]; b->yz = tilt[2];
    box_update(b);
    s->have_box = 1;
    atoms_set_ntypes(&s->atoms, ntypes);
    md_decompose(s);
    /* A jittered simple-cubic arrangement: disordered, no overlaps. */
    int64_t id = 0;
    for (int k = 0; k < ncell; k++)
        for (int j = 0; j < ncell; j++)
            for (int i = 0; i < ncell; i++) {
                double u[4];
                id++;
                rng_uniform2(seed, (uint64_t)id, 9, 0, u);
                rng_uniform2(seed, (uint64_t)id, 9, 1, u + 2);
                double l[3] = {(i + 0.5 + 0.3 * (u[0] - 0.5)) / ncell, (j + 0.5 + 0.3 * (u[1] - 0.5)) / ncell,
                               (k + 0.5 + 0.3 * (u[2] - 0.5)) / ncell};
                double x[3];
                box_from_lamda(b, l, x);
                int type = 1 + (int)(u[3] * ntypes);
                if (decomp_owner(&s->dc, l) == s->dc.rank) {
                    int img[3] = {0, 0, 0};
                    atoms_add(&s->atoms, id, type, x, NULL, img);
                }
            }
    s->atoms.natoms = id;
}

static void check(const char *label, enum eam_style style, int nargs, const char **args, int ntypes,
                  const double len[3], const double tilt[3], int ncell)
{
    md s;
    build(&s, len, tilt, ntypes, ncell, 7);
    eam_tables tab;
    char err[512];
    if (eam_tables_read(style, ntypes, nargs, args, &tab, err, sizeof err) != 0) {
        if (par_rank() == 0)
            printf("FAIL %s: %s\n", label, err);
        failures++;
        md_destroy(&s);
        return;
    }
    for (int t = 1; t <= ntypes; t++)
        s.atoms.mass[t] = tab.mass[t];
    s.pot = calloc(1, sizeof *s.pot);
    eam_setup(s.pot, style, &tab);
    s.nb.sort = 0; /* keep atom order fixed while probing */

    md_setup(&s, 1);
    double fsq = 0;
    for (int i = 0; i < s.atoms.nlocal; i++)
        for (int d = 0; d < 3; d++)
            fsq += s.atoms.f[i][d] * s.atoms.f[i][d];
    double frms = sqrt(par_sum_double(fsq) / (3.0 * (double)s.atoms.natoms));

    const double h = 1e-5;
    double worst = 0.0;
    int64_t probe[] = {1, 2, 17, 40, 77, (int64_t)s.atoms.natoms};
    for (size_t p = 0; p < sizeof probe / sizeof probe[0]; p++) {
        for (int d = 0; d < 3; d++) {
            md_setup(&s, 1);
            int i = local_index(&s, probe[p]);
            double f = i >= 0 ? s.atoms.f[i][d] : 0.0;
            f = par_sum_double(f);
            double x0 = i >= 0 ? s.atoms.x[i][d] : 0.0;
            if (i >= 0) s.atoms.x[i][d] = x0 + h;
            double ep = energy(&s);
            i = local_index(&s, probe[p]);
            if (i >= 0) s.atoms.x[i][d] = x0 - h;
            double em = energy(&s);
            i = local_index(&s, probe[p]);
            if (i >= 0) s.atoms.x[i][d] = x0;
            double ffd = -(ep - em) / (2 * h);
            double rel = fabs(f - ffd) / fmax(fabs(f), frms);
            if (rel > worst)
                worst = rel;
        }
    }
    int ok = worst < 1e-6;
    if (!ok)
        failures++;
    if (par_rank() == 0)
        printf("%s %-28s atoms %lld, F_rms %.3g eV/A, max relative error %.2e (tol 1e-06)\n", ok ? "ok  " : "FAIL",
               label, (long long)s.atoms.natoms, frms, worst);
    md_destroy(&s);
}

int main(int argc, char **argv)
{
    par_init(&argc, &argv);
    const char *dir = argc > 1 ? argv[1] : "/usr/share/lammps/potentials";
    char cuzr[1024], cuni[1024], pd[1024], cu[1024], ni[1024];
    snprintf(cuzr, sizeof cuzr, "%s/CuZr_mm.eam.fs", dir);
    snprintf(cuni, sizeof cuni, "%s/CuNi.eam.alloy", dir);
    snprintf(pd, sizeof pd, "%s/Pd_u3.eam", dir);
    snprintf(cu, sizeof cu, "%s/Cu_u3.eam", dir);
    snprintf(ni, sizeof ni, "%s/Ni_u3.eam", dir);

    /* ~0.06 atoms/A^3, like a Cu-Zr liquid. */
    const double len[3] = {16.0, 16.0, 16.0}, none[3] = {0, 0, 0}, tilt[3] = {2.5, -1.8, 3.1};
    const char *fs[] = {cuzr, "Cu", "Zr"};
    const char *alloy[] = {cuni, "Cu", "Ni"};
    const char *funcfl[] = {pd, cu, ni};
    check("eam/fs CuZr_mm", EAM_FS, 3, fs, 2, len, none, 6);
    check("eam/fs CuZr_mm triclinic", EAM_FS, 3, fs, 2, len, tilt, 6);
    check("eam/alloy CuNi", EAM_SETFL, 3, alloy, 2, len, none, 6);
    check("eam/alloy CuNi triclinic", EAM_SETFL, 3, alloy, 2, len, tilt, 6);
    check("eam Pd+Cu+Ni funcfl", EAM_FUNCFL, 3, funcfl, 3, len, none, 6);
    check("eam Pd+Cu+Ni triclinic", EAM_FUNCFL, 3, funcfl, 3, len, tilt, 6);
    if (par_rank() == 0)
        printf("%d passed, %d failed\n", 6 - failures, failures);
    par_finalize();
    return failures ? 1 : 0;
}
