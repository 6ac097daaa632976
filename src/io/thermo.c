/* The thermo table (thermo.h): global sums of kinetic energy, virial and
 * per-group quantities, printed on rank 0 and written as CSV with the unit
 * in every header name. Communication: the reductions of md_kinetic,
 * md_group_kinetic/md_group_dof and the group energies (collective: every
 * rank calls thermo_output). */
#include "io/thermo.h"
#include "io/claim.h"
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

/* The quantity of each default column, for a unit the user asks for
 * (-1: only its metal unit). */
static const int column_quantity[THERMO_NCOL] = {
    -1, Q_TIME, Q_TEMPERATURE, Q_ENERGY, Q_ENERGY, Q_ENERGY, Q_PRESSURE, Q_PRESSURE, Q_PRESSURE, Q_PRESSURE,
    Q_PRESSURE, Q_PRESSURE, Q_PRESSURE, -1, Q_MASS_DENSITY, Q_ENERGY, Q_ENERGY,
};
static const char *box_names[] = {"lx", "ly", "lz", "xlo", "xhi", "ylo", "yhi", "zlo", "zhi", "xy", "xz", "yz"};
enum { NBOX = 12 };
static const char *group_names[THERMO_GROUP_NCOL] = {"count", "temp", "ke", "pe"};
static const int group_quantity[THERMO_GROUP_NCOL] = {-1, Q_TEMPERATURE, Q_ENERGY, Q_ENERGY};

enum { KEY_BOX = THERMO_NCOL, KEY_NATOMS = THERMO_NCOL + NBOX, KEY_ATOMS };

int thermo_keyword(const char *name)
{
    for (int k = 0; k < THERMO_NCOL; k++) {
        const char *br = strchr(names[k], '[');
        size_t nl = br ? (size_t)(br - names[k]) : strlen(names[k]);
        if (strlen(name) == nl && !strncmp(name, names[k], nl))
            return k;
    }
    for (int k = 0; k < NBOX; k++)
        if (!strcmp(name, box_names[k]))
            return KEY_BOX + k;
    if (!strcmp(name, "natoms"))
        return KEY_NATOMS;
    if (!strcmp(name, "atoms"))
        return KEY_ATOMS;
    return -1;
}

int thermo_keyword_needs_energy(int id)
{
    return id > 1 && id < THERMO_NCOL && id != 2 && id != 4 && id != 13 && id != 14;
}

double thermo_keyword_value(md *s, int id)
{
    if (id >= KEY_NATOMS)
        return (double)s->atoms.natoms;
    if (id >= KEY_BOX) {
        const box *b = &s->box;
        const double bv[NBOX] = {b->len[0], b->len[1], b->len[2], b->lo[0], b->hi[0], b->lo[1],
                                 b->hi[1],  b->lo[2],  b->hi[2],  b->xy,    b->xz,    b->yz};
        return bv[id - KEY_BOX];
    }
    if (id == 0)
        return (double)s->step;
    if (id == 1)
        return s->time;
    double v[THERMO_NCOL];
    thermo_compute(s, v);
    return v[id];
}

/* "NAME[UNIT]": NAME into name, UNIT into unit ("" if none). */
static int split_unit(const char *spec, char *name, size_t nlen, char *unit, size_t ulen)
{
    const char *br = strchr(spec, '[');
    unit[0] = '\0';
    if (!br) {
        snprintf(name, nlen, "%s", spec);
        return strlen(spec) < nlen ? 0 : -1;
    }
    size_t l = strlen(br);
    if (br == spec || br[l - 1] != ']' || (size_t)(br - spec) >= nlen || l - 2 >= ulen || l < 3)
        return -1;
    snprintf(name, nlen, "%.*s", (int)(br - spec), spec);
    snprintf(unit, ulen, "%.*s", (int)(l - 2), br + 1);
    return 0;
}

/* The scale from metal to `unit` of quantity q (q < 0: its metal name only). */
static int unit_scale(int q, const char *metal, const char *unit, double *scale, char *err, size_t errlen,
                      const char *name)
{
    *scale = 1.0;
    if (!unit[0] || !strcmp(unit, metal))
        return 0;
    double f;
    if (q >= 0 && units_factor((enum quantity)q, unit, &f)) {
        *scale = 1.0 / f;
        return 0;
    }
    if (q >= 0)
        snprintf(err, errlen, "column %s: '%s' is not a unit of %s (expected %s)", name, unit,
                 units_quantity_name((enum quantity)q), units_accepted((enum quantity)q));
    else
        snprintf(err, errlen, "column %s is in %s only", name, metal[0] ? metal : "no unit");
    return -1;
}

int thermo_parse_column(const char *spec, const md *s, thermo_column *c, char *err, size_t errlen)
{
    char name[96], unit[32];
    memset(c, 0, sizeof *c);
    c->scale = 1.0;
    if (split_unit(spec, name, sizeof name, unit, sizeof unit) != 0) {
        snprintf(err, errlen, "column '%s': expected NAME or NAME[UNIT]", spec);
        return -1;
    }
    const char *shown = unit[0] ? unit : NULL;
    for (int k = 0; k < THERMO_NCOL; k++) {
        const char *n = names[k], *br = strchr(n, '[');
        size_t nl = br ? (size_t)(br - n) : strlen(n);
        if (strlen(name) != nl || strncmp(name, n, nl) != 0)
            continue;
        char metal[24] = "";
        if (br)
            snprintf(metal, sizeof metal, "%.*s", (int)(strlen(br) - 2), br + 1);
        if (unit_scale(column_quantity[k], metal, unit, &c->scale, err, errlen, name) != 0)
            return -1;
        c->kind = TC_THERMO;
        c->index = k;
        c->integer = k == 0;
        snprintf(c->header, sizeof c->header, "%s%s%s%s", name, shown || metal[0] ? "[" : "",
                 shown ? shown : metal, shown || metal[0] ? "]" : "");
        return 0;
    }
    for (int k = 0; k < NBOX; k++)
        if (!strcmp(name, box_names[k])) {
            if (unit_scale(Q_LENGTH, "A", unit, &c->scale, err, errlen, name) != 0)
                return -1;
            c->kind = TC_BOX;
            c->index = k;
            snprintf(c->header, sizeof c->header, "%s[%s]", name, shown ? shown : "A");
            return 0;
        }
    if (!strcmp(name, "natoms")) {
        if (unit[0]) {
            snprintf(err, errlen, "column natoms has no unit");
            return -1;
        }
        c->kind = TC_NATOMS;
        c->integer = 1;
        snprintf(c->header, sizeof c->header, "natoms");
        return 0;
    }
    if (!strcmp(name, "ptemp")) {
        /* The peculiar temperature: the streaming flow of a `deform ...
         * remap v` taken out (equal to temp without one). */
        if (unit_scale(Q_TEMPERATURE, "K", unit, &c->scale, err, errlen, name) != 0)
            return -1;
        c->kind = TC_PTEMP;
        snprintf(c->header, sizeof c->header, "ptemp[%s]", shown ? shown : "K");
        return 0;
    }
    if (!strncmp(name, "v_", 2)) {
        const char *v = name + 2;
        int ok = *v != '\0';
        for (const char *p = v; *p; p++)
            ok &= (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_';
        if (!ok || strlen(v) >= sizeof c->var) {
            snprintf(err, errlen, "column '%s': v_ is followed by a variable name", spec);
            return -1;
        }
        if (unit[0] && strcmp(unit, "1")) {
            enum quantity q;
            double f;
            if (!units_is_any(unit, &q) || !units_factor(q, unit, &f)) {
                snprintf(err, errlen, "column %s: unknown unit '%s' (a unit such as GPa, fs, eV, or 1 for a pure "
                         "number)", spec, unit);
                return -1;
            }
            c->scale = 1.0 / f;
        }
        c->kind = TC_VARIABLE;
        memcpy(c->var, v, strlen(v) + 1); /* length checked above */
        snprintf(c->header, sizeof c->header, "%s", spec);
        return 0;
    }
    /* Group quantities: QTY_GROUP, or c_GROUP_QTY as LAMMPS' compute names. */
    char qty[16] = "", gname[64] = "";
    const char *us = strchr(name, '_');
    if (!strncmp(name, "c_", 2) && strrchr(name, '_') > name + 2) {
        const char *last = strrchr(name, '_');
        snprintf(gname, sizeof gname, "%.*s", (int)(last - name - 2), name + 2);
        snprintf(qty, sizeof qty, "%.15s", last + 1);
    } else if (us && us > name && us[1]) {
        snprintf(qty, sizeof qty, "%.*s", (int)(us - name) < 15 ? (int)(us - name) : 15, name);
        snprintf(gname, sizeof gname, "%s", us + 1);
    }
    for (int k = 0; k < THERMO_GROUP_NCOL && qty[0]; k++)
        if (!strcmp(qty, group_names[k])) {
            int g = group_find(&s->groups, gname);
            if (g < 0) {
                snprintf(err, errlen, "column %s: no group named '%s'", spec, gname);
                return -1;
            }
            const char *metal = k == 1 ? "K" : k == 0 ? "" : "eV";
            if (unit_scale(group_quantity[k], metal, unit, &c->scale, err, errlen, name) != 0)
                return -1;
            c->kind = TC_GROUP;
            c->index = k;
            c->group = g;
            c->integer = k == 0;
            snprintf(c->header, sizeof c->header, "%s_%s%s%s%s", group_names[k], gname, k ? "[" : "",
                     k ? (shown ? shown : metal) : "", k ? "]" : "");
            return 0;
        }
    snprintf(err, errlen, "unknown column '%s' (step time temp pe ke etotal press pxx pyy pzz pxy pxz pyz vol "
             "density econserve enthalpy, ptemp, lx ly lz xlo xhi ylo yhi zlo zhi xy xz yz, natoms, count_G temp_G "
             "ke_G pe_G for a group G, v_NAME for an equal variable; NAME[UNIT] for another unit)", spec);
    return -1;
}

int thermo_needs_peratom(const thermo *t)
{
    if (t->ngroups)
        return 1;
    for (int k = 0; k < t->ncolumns; k++)
        if (t->columns[k].kind == TC_GROUP && t->columns[k].index == 3)
            return 1;
    return 0;
}

void thermo_init(thermo *t)
{
    memset(t, 0, sizeof *t);
    t->every = 0;
    t->screen = 1;
}

void thermo_close(thermo *t)
{
    if (t->csv)
        fclose(t->csv);
    t->csv = NULL;
    claim_release("thermo", NULL);
}

long long thermo_position(thermo *t) { return t->path[0] ? text_position(t->csv) : 0; }

void thermo_flush(thermo *t)
{
    if (t->csv)
        fflush(t->csv);
}

void thermo_resume(thermo *t, long long bytes, int64_t last_step)
{
    const char *path = t->path, *what = "thermo file";
    claim_resume_all("thermo", 1, &t->csv, &path, &bytes, &what);
    t->csv_last = last_step;
}

int thermo_open(thermo *t, const char *path, int append)
{
    thermo_close(t);
    snprintf(t->path, sizeof t->path, "%s", path);
    int ok = 1;
    char err[2600] = "";
    if (par_rank() == 0) {
        /* Claimed and locked first: another output of this run, or another
         * job, writing the file is refused before it is truncated. */
        t->csv = claim_fopen("thermo", path, append ? "a" : "w", err, sizeof err);
        ok = t->csv != NULL;
        if (ok || errno != EBUSY)
            err[0] = '\0';
        if (ok && !append) {
            for (int k = 0; k < t->ncolumns; k++)
                fprintf(t->csv, "%s%s", t->columns[k].header, k + 1 < t->ncolumns || t->ngroups ? "," : "\n");
            for (int k = 0; k < THERMO_NCOL && !t->ncolumns; k++)
                fprintf(t->csv, "%s%s", names[k], k + 1 < THERMO_NCOL || t->ngroups ? "," : "\n");
            for (int g = 0; g < t->ngroups; g++) {
                const char *n = t->gname[g];
                fprintf(t->csv, "count_%s,temp_%s[K],ke_%s[eV],pe_%s[eV]%s", n, n, n, n, g + 1 < t->ngroups ? "," : "\n");
            }
            fflush(t->csv);
        }
    }
    t->csv_last = -1;
    claim_verdict(err);
    int code = errno;
    par_bcast_ints(&ok, 1, 0);
    par_bcast_ints(&code, 1, 0);
    errno = code;
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

/* The custom columns' values (collective: group sums, variables). */
static void compute_columns(const thermo *t, md *s, const double v[THERMO_NCOL], double *out)
{
    for (int k = 0; k < t->ncolumns; k++) {
        const thermo_column *c = &t->columns[k];
        double x = 0.0;
        switch (c->kind) {
        case TC_THERMO: x = v[c->index]; break;
        case TC_BOX: x = thermo_keyword_value(s, KEY_BOX + c->index); break;
        case TC_NATOMS: x = thermo_keyword_value(s, KEY_NATOMS); break;
        case TC_PTEMP: x = md_peculiar_temperature(s); break;
        case TC_VARIABLE:
            if (!t->variable)
                mg_fail_all("thermo: column v_%s needs the deck's variables", c->var);
            x = t->variable(t->variable_ctx, c->var);
            break;
        case TC_GROUP: {
            int g = c->group;
            if (c->index == 0) {
                x = (double)s->groups.g[g].count;
            } else if (c->index == 3) {
                const atoms *a = &s->atoms;
                const uint64_t bit = group_bit(g);
                double pe = 0.0;
                for (int i = 0; i < a->nlocal; i++)
                    if (a->mask[i] & bit)
                        pe += a->eatom[i];
                par_sum_doubles(&pe, &x, 1);
            } else {
                double ke = md_group_kinetic(s, g, NULL), dof = md_group_dof(s, g);
                x = c->index == 2 ? ke : dof > 0 ? 2.0 * ke / (dof * MG_BOLTZ) : 0.0;
            }
            break;
        }
        }
        out[k] = x * c->scale;
    }
}

/* Screen width of a custom column. */
static int column_width(const thermo_column *c)
{
    int w = (int)strlen(c->header) + 1;
    return w < 15 ? 15 : w;
}

/* The end of a CSV row: the group columns, the newline, and a flush (a
 * full disk is reported now, not at close). */
static void csv_row_end(thermo *t, int64_t step, const double *gv)
{
    for (int k = 0; k < t->ngroups * THERMO_GROUP_NCOL; k++)
        fprintf(t->csv, ",%.17g", gv[k]);
    fputc('\n', t->csv);
    if (fflush(t->csv) != 0 || ferror(t->csv))
        mg_fail_one("thermo: writing %s failed: %s", t->path, strerror(errno));
    t->csv_last = step;
}

void thermo_output(thermo *t, md *s, int edge)
{
    /* `thermo every 1 file F screen 1000`: a CSV at every step (a stress
     * autocorrelation) without a screen line per step. */
    const int screen = edge || (t->screen > 0 && s->step % t->screen == 0);
    double v[THERMO_NCOL], gv[THERMO_MAX_GROUPS * THERMO_GROUP_NCOL], cv[THERMO_MAX_COLUMNS];
    thermo_compute(s, v);
    if (t->ngroups)
        thermo_compute_groups(t, s, gv);
    if (t->ncolumns)
        compute_columns(t, s, v, cv);
    if (par_rank() != 0)
        return;
    if (t->ncolumns) {
        if (screen) {
            if (!t->header_printed) {
                for (int k = 0; k < t->ncolumns; k++)
                    printf("%*s", column_width(&t->columns[k]), t->columns[k].header);
                printf("\n");
                t->header_printed = 1;
            }
            for (int k = 0; k < t->ncolumns; k++) {
                if (t->columns[k].integer)
                    printf("%*lld", column_width(&t->columns[k]), (long long)cv[k]);
                else
                    printf("%*.8g", column_width(&t->columns[k]), cv[k]);
            }
            printf("\n");
            fflush(stdout);
        }
        if (t->csv && s->step != t->csv_last) {
            for (int k = 0; k < t->ncolumns; k++) {
                if (t->columns[k].integer)
                    fprintf(t->csv, "%s%lld", k ? "," : "", (long long)cv[k]);
                else
                    fprintf(t->csv, "%s%.17g", k ? "," : "", cv[k]);
            }
            csv_row_end(t, s->step, gv);
        }
        return;
    }
    if (screen) {
        if (!t->header_printed) {
            printf("%10s %12s %10s %16s %14s %16s %16s %12s %12s %10s\n", "Step", "Time[ps]", "Temp[K]",
                   "PotEng[eV]", "KinEng[eV]", "TotEng[eV]", "Econserve[eV]", "Press[bar]", "Volume[A^3]",
                   "Dens[g/cm3]");
            t->header_printed = 1;
        }
        printf("%10lld %12.6g %10.4f %16.8f %14.8f %16.8f %16.8f %12.4f %12.6g %10.6f\n", (long long)s->step,
               v[1], v[2], v[3], v[4], v[5], v[15], v[6], v[13], v[14]);
        fflush(stdout);
    }
    if (t->csv && s->step != t->csv_last) {
        fprintf(t->csv, "%lld", (long long)s->step);
        for (int k = 1; k < THERMO_NCOL; k++)
            fprintf(t->csv, ",%.17g", v[k]);
        csv_row_end(t, s->step, gv);
    }
}
