/* The thermo table (thermo.h): global sums of kinetic energy, virial and
 * per-group quantities, printed on rank 0 and written as CSV with the unit
 * in every header name. Communication: the reductions of md_kinetic,
 * md_group_kinetic/md_group_dof and the group energies (collective: every
 * rank calls thermo_output). */
#include "io/thermo.h"
#include "io/funnel.h"
#include "core/error.h"
#include "core/units.h"
#include "parallel/parallel.h"

#include <errno.h>
#include <string.h>

static const char *names[THERMO_NCOL] = {
    "step", "time[ps]", "temp[K]", "pe[eV]", "ke[eV]", "etotal[eV]", "press[bar]",
    "pxx[bar]", "pyy[bar]", "pzz[bar]", "pxy[bar]", "pxz[bar]", "pyz[bar]",
    "vol[A^3]", "density[g/cm^3]", "econserve[eV]", "enthalpy[eV]",
};

const char *thermo_column_name(int k) { return names[k]; }

void thermo_init(thermo *t)
{
    memset(t, 0, sizeof *t);
    t->every = 0;
}

void thermo_close(thermo *t)
{
    if (t->csv)
        fclose(t->csv);
    t->csv = NULL;
}

long long thermo_position(thermo *t) { return t->path[0] ? text_position(t->csv) : 0; }

void thermo_flush(thermo *t)
{
    if (t->csv)
        fflush(t->csv);
}

void thermo_resume(thermo *t, long long bytes, int64_t last_step)
{
    t->csv = text_resume(t->csv, t->path, bytes, "thermo file");
    t->csv_last = last_step;
}

int thermo_open(thermo *t, const char *path, int append)
{
    thermo_close(t);
    snprintf(t->path, sizeof t->path, "%s", path);
    int ok = 1;
    if (par_rank() == 0) {
        t->csv = fopen(path, append ? "a" : "w");
        ok = t->csv != NULL;
        if (ok && !append) {
            for (int k = 0; k < THERMO_NCOL; k++)
                fprintf(t->csv, "%s%s", names[k], k + 1 < THERMO_NCOL || t->ngroups ? "," : "\n");
            for (int g = 0; g < t->ngroups; g++) {
                const char *n = t->gname[g];
                fprintf(t->csv, "count_%s,temp_%s[K],ke_%s[eV],pe_%s[eV]%s", n, n, n, n, g + 1 < t->ngroups ? "," : "\n");
            }
            fflush(t->csv);
        }
    }
    t->csv_last = -1;
    int err = errno;
    par_bcast_ints(&ok, 1, 0);
    par_bcast_ints(&err, 1, 0);
    errno = err;
    return ok ? 0 : -1;
}

void thermo_compute(md *s, double v[THERMO_NCOL])
{
    double ke = md_kinetic(s, NULL);
    double dof = md_dof(s);
    double vol = s->box.volume;
    /* Held atoms' motion is prescribed: not part of the temperature. */
    double ke_mobile = s->held ? md_group_kinetic(s, GROUP_ALL, NULL) : ke;
    double temp = dof > 0 ? 2.0 * ke_mobile / (dof * MG_BOLTZ) : 0.0;
    double p[6];
    md_pressure(s, p);
    v[0] = (double)s->step;
    v[1] = s->time;
    v[2] = temp;
    v[3] = s->epot;
    v[4] = ke;
    v[5] = s->epot + ke;
    v[6] = (p[0] + p[1] + p[2]) / 3.0;
    for (int q = 0; q < 6; q++)
        v[7 + q] = p[q];
    v[13] = vol;
    v[14] = md_total_mass(s) / vol * MG_MV2D;
    v[15] = v[5] + s->bath_energy;
    v[16] = v[5] + v[6] * vol / MG_NKTV2P;
}

void thermo_compute_groups(const thermo *t, md *s, double *v)
{
    const atoms *a = &s->atoms;
    double pe[THERMO_MAX_GROUPS] = {0}, pesum[THERMO_MAX_GROUPS];
    for (int k = 0; k < t->ngroups; k++) {
        const uint64_t bit = group_bit(t->groups[k]);
        for (int i = 0; i < a->nlocal; i++)
            if (a->mask[i] & bit)
                pe[k] += a->eatom[i];
    }
    par_sum_doubles(pe, pesum, t->ngroups > 0 ? t->ngroups : 1);
    for (int k = 0; k < t->ngroups; k++) {
        int g = t->groups[k];
        double ke = md_group_kinetic(s, g, NULL), dof = md_group_dof(s, g);
        v[THERMO_GROUP_NCOL * k] = (double)s->groups.g[g].count;
        v[THERMO_GROUP_NCOL * k + 1] = dof > 0 ? 2.0 * ke / (dof * MG_BOLTZ) : 0.0;
        v[THERMO_GROUP_NCOL * k + 2] = ke;
        v[THERMO_GROUP_NCOL * k + 3] = pesum[k];
    }
}

void thermo_output(thermo *t, md *s)
{
    double v[THERMO_NCOL], gv[THERMO_MAX_GROUPS * THERMO_GROUP_NCOL];
    thermo_compute(s, v);
    if (t->ngroups)
        thermo_compute_groups(t, s, gv);
    if (par_rank() != 0)
        return;
    if (!t->header_printed) {
        printf("%10s %12s %10s %16s %14s %16s %16s %12s %12s %10s\n", "Step", "Time[ps]", "Temp[K]",
               "PotEng[eV]", "KinEng[eV]", "TotEng[eV]", "Econserve[eV]", "Press[bar]", "Volume[A^3]",
               "Dens[g/cm3]");
        t->header_printed = 1;
    }
    printf("%10lld %12.6g %10.4f %16.8f %14.8f %16.8f %16.8f %12.4f %12.6g %10.6f\n", (long long)s->step,
           v[1], v[2], v[3], v[4], v[5], v[15], v[6], v[13], v[14]);
    fflush(stdout);
    if (t->csv && s->step != t->csv_last) {
        fprintf(t->csv, "%lld", (long long)s->step);
        for (int k = 1; k < THERMO_NCOL; k++)
            fprintf(t->csv, ",%.17g", v[k]);
        for (int k = 0; k < t->ngroups * THERMO_GROUP_NCOL; k++)
            fprintf(t->csv, ",%.17g", gv[k]);
        fputc('\n', t->csv);
        if (fflush(t->csv) != 0 || ferror(t->csv))
            mg_fail_one("thermo: writing %s failed: %s", t->path, strerror(errno));
        t->csv_last = s->step;
    }
}
