/* Dumps (dump.h): per-atom columns formatted by each rank for its own
 * atoms (of the dump's group), funnelled to rank 0 in rank order for the
 * text formats; the h5md format goes through io/h5md.c. Restart support:
 * a text dump is cut back to its length at the checkpoint, an H5MD file to
 * its frame count. Communication: the funnel (one message per rank), a
 * reduction for a group's atom count, H5MD's collective writes. */
#include "io/dump.h"
#include "core/error.h"
#include "core/units.h"
#include "io/claim.h"
#include "io/funnel.h"
#include "io/h5md.h"
#include "parallel/parallel.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

enum col {
    C_ID, C_TYPE, C_ELEMENT, C_MASS, C_X, C_Y, C_Z, C_XU, C_YU, C_ZU, C_IX, C_IY, C_IZ,
    C_VX, C_VY, C_VZ, C_FX, C_FY, C_FZ, C_PE, C_KE, C_SXX, C_SYY, C_SZZ, C_SXY, C_SXZ, C_SYZ, C_MASK,
    C_NCOL
};

/* Names as LAMMPS' dump custom spells them; stress columns are LAMMPS'
 * compute stress/atom: -(m v_a v_b + W_ab), in bar*A^3. `mask` is the
 * group mask: bit g set for membership of group g (the `group` command
 * prints each group's bit; bit 0 is `all`). */
static const char *names[C_NCOL] = {
    "id", "type", "element", "mass", "x", "y", "z", "xu", "yu", "zu", "ix", "iy", "iz",
    "vx", "vy", "vz", "fx", "fy", "fz", "pe", "ke", "sxx", "syy", "szz", "sxy", "sxz", "syz", "mask",
};

int dump_column_code(const char *name)
{
    for (int k = 0; k < C_NCOL; k++)
        if (strcmp(names[k], name) == 0)
            return k;
    return -1;
}

const char *dump_column_list(void)
{
    return "id type element mass x y z xu yu zu ix iy iz vx vy vz fx fy fz pe ke sxx syy szz sxy sxz syz";
}

int dump_add_column(dump *d, const atoms *a, const char *name)
{
    int c = dump_column_code(name);
    if (c < 0) {
        if (atoms_find_prop(a, name) < 0 || strlen(name) >= sizeof d->prop[0])
            return -1;
        c = DUMP_PROP;
        snprintf(d->prop[d->ncol], sizeof d->prop[0], "%s", name);
    }
    d->col[d->ncol++] = c;
    return 0;
}

int dump_uses_observer(const dump *d, const observer *ob)
{
    for (int k = 0; k < d->ncol; k++)
        if (d->col[k] == DUMP_PROP)
            for (int q = 0; q < ob->nprops; q++)
                if (!strcmp(d->prop[k], ob->props[q]))
                    return 1;
    return 0;
}

int dump_column_peratom(int code) { return code == C_PE || (code >= C_SXX && code <= C_SYZ); }

int dump_needs_peratom(const dump *d)
{
    for (int k = 0; k < d->ncol; k++)
        if (dump_column_peratom(d->col[k]))
            return 1;
    return 0;
}

const char *dump_format_name(const dump *d)
{
    return d->format == DUMP_XYZ ? "xyz" : d->format == DUMP_H5MD ? "h5md" : "lammps";
}

long long dump_position(dump *d)
{
    if (d->format == DUMP_H5MD)
        return d->h5 ? (long long)h5md_frames(d->h5) : 0;
    return text_position(d->fp);
}

void dump_flush(dump *d)
{
    if (d->h5)
        h5md_flush(d->h5);
    if (d->fp)
        fflush(d->fp);
}

/* H5MD elements from the dump's columns: positions always; velocity,
 * force, image, species, id when their columns are asked for; observers'
 * columns as extra per-atom datasets. */
static void h5md_columns(const dump *d, h5md_options *opt)
{
    memset(opt, 0, sizeof *opt);
    for (int k = 0; k < d->ncol; k++) {
        int c = d->col[k];
        if (c >= C_VX && c <= C_VZ) opt->velocity = 1;
        else if (c >= C_FX && c <= C_FZ) opt->force = 1;
        else if (c >= C_IX && c <= C_IZ) opt->image = 1;
        else if (c == C_TYPE || c == C_ELEMENT) opt->species = 1;
        else if (c == C_ID) opt->id = 1;
        else if (c == DUMP_PROP && opt->ncol < H5MD_MAX_COLS)
            snprintf(opt->col[opt->ncol++], sizeof opt->col[0], "%s", d->prop[k]);
    }
}

const char *dump_h5md_unsupported(const dump *d)
{
    for (int k = 0; k < d->ncol; k++) {
        int c = d->col[k];
        if (c != DUMP_PROP && !(c == C_ID || c == C_TYPE || c == C_ELEMENT || (c >= C_X && c <= C_Z) ||
                                (c >= C_IX && c <= C_IZ) || (c >= C_VX && c <= C_VZ) || (c >= C_FX && c <= C_FZ)))
            return names[c];
    }
    return NULL;
}

static void h5md_start(dump *d, const md *s, int64_t frames)
{
    h5md_options opt;
    h5md_columns(d, &opt);
    char err[1400];
    d->h5 = h5md_open(d->path, s, &opt, frames, err, sizeof err);
    if (!d->h5)
        mg_fail_all("dump %s: %s", d->name, err);
}

void dump_resume(dump *d, const md *s, long long position, int64_t last_step)
{
    d->last_step = last_step;
    if (d->format == DUMP_H5MD) {
        h5md_close(d->h5);
        h5md_start(d, s, position);
        return;
    }
    char what[128];
    snprintf(what, sizeof what, "dump %s", d->name);
    const char *path = d->path, *name = what;
    claim_resume_all(what, 1, &d->fp, &path, &position, &name);
}

int dump_open(dump *d, const md *s, int append)
{
    d->last_step = -1;
    char owner[128], refusal[2600] = "";
    snprintf(owner, sizeof owner, "dump %s", d->name);
    if (d->format == DUMP_H5MD) {
        /* Claimed here, by rank 0 for every rank (HDF5 opens it on all);
         * not locked (claim.h). A restart opens it in dump_resume(), with
         * its frame count. */
        if (par_rank() == 0)
            claim_path(owner, d->path, refusal, sizeof refusal);
        claim_verdict(refusal);
        if (!append)
            h5md_start(d, s, -1);
        return 0;
    }
    int ok = 1, err = 0;
    if (par_rank() == 0) {
        /* Claimed and locked before anything is truncated (claim.h). */
        d->fp = claim_fopen(owner, d->path, append ? "a" : "w", refusal, sizeof refusal);
        ok = d->fp != NULL;
        err = errno;
        if (ok || err != EBUSY)
            refusal[0] = '\0';
    }
    claim_verdict(refusal);
    par_bcast_ints(&ok, 1, 0);
    par_bcast_ints(&err, 1, 0);
    errno = err;
    d->last_step = -1;
    return ok ? 0 : -1;
}

void dump_close(dump *d)
{
    if (d->fp)
        fclose(d->fp);
    d->fp = NULL;
    h5md_close(d->h5);
    d->h5 = NULL;
    char owner[128];
    snprintf(owner, sizeof owner, "dump %s", d->name);
    claim_release(owner, NULL);
}

/* Extended XYZ: species and pos first (what every reader needs), then
 * each other column as a one-wide property named as in LAMMPS dumps. */
static int xyz_skipped(int c) { return c == C_ELEMENT || (c >= C_X && c <= C_Z); }

static int xyz_integer(int c) { return c == C_ID || c == C_TYPE || c == C_MASK || (c >= C_IX && c <= C_IZ); }

/* Format this rank's atoms as text lines. */
static void format_atoms(const dump *d, const md *s, textbuf *t)
{
    const atoms *a = &s->atoms;
    int pidx[DUMP_MAX_COLS];
    for (int k = 0; k < d->ncol; k++)
        if (d->col[k] == DUMP_PROP && (pidx[k] = atoms_find_prop(a, d->prop[k])) < 0)
            mg_fail_all("dump %s: per-atom column '%s' no longer exists", d->name, d->prop[k]);
    int last = d->ncol - 1; /* the last column written */
    while (d->format == DUMP_XYZ && last >= 0 && xyz_skipped(d->col[last]))
        last--;
    const uint64_t bit = group_bit(d->group);
    for (int i = 0; i < a->nlocal; i++) {
        if (!(a->mask[i] & bit))
            continue;
        double u[3];
        box_unwrap(&s->box, a->x[i], a->image[i], u);
        double m = atoms_mass(a, i);
        if (d->format == DUMP_XYZ)
            tb_printf(t, "%s %.*g %.*g %.*g%c", a->element[a->type[i]][0] ? a->element[a->type[i]] : "X",
                      d->precision, a->x[i][0], d->precision, a->x[i][1], d->precision, a->x[i][2],
                      last >= 0 ? ' ' : '\n');
        for (int k = 0; k <= last; k++) {
            int c = d->col[k];
            if (d->format == DUMP_XYZ && xyz_skipped(c))
                continue;
            double val = 0.0;
            switch (c) {
            case C_ID: tb_printf(t, "%lld", (long long)a->id[i]); break;
            case C_TYPE: tb_printf(t, "%d", a->type[i]); break;
            case C_ELEMENT: tb_printf(t, "%s", a->element[a->type[i]][0] ? a->element[a->type[i]] : "X"); break;
            case C_IX: case C_IY: case C_IZ: tb_printf(t, "%d", a->image[i][c - C_IX]); break;
            case C_MASK: tb_printf(t, "%llu", (unsigned long long)a->mask[i]); break;
            case DUMP_PROP: {
                const atom_prop *p = &a->prop[pidx[k]];
                /* Integer columns (Voronoi indices, counts, flags) print
                 * as integers, declared I in the XYZ header. */
                val = p->data[(size_t)i * (size_t)p->width];
                if (p->integer || (val == nearbyint(val) && fabs(val) < 1e15))
                    tb_printf(t, "%lld", (long long)nearbyint(val));
                else
                    tb_printf(t, "%.*g", d->precision, val);
                break;
            }
            default:
                if (c == C_MASS) val = m;
                else if (c >= C_X && c <= C_Z) val = a->x[i][c - C_X];
                else if (c >= C_XU && c <= C_ZU) val = u[c - C_XU];
                else if (c >= C_VX && c <= C_VZ) val = a->v[i][c - C_VX];
                else if (c >= C_FX && c <= C_FZ) val = a->f[i][c - C_FX];
                else if (c == C_PE) val = a->eatom[i];
                else if (c == C_KE) {
                    const double *v = a->v[i];
                    val = 0.5 * m * (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]) * MG_MVV2E;
                } else {
                    static const int ab[6][2] = {{0, 0}, {1, 1}, {2, 2}, {0, 1}, {0, 2}, {1, 2}};
                    int q = c - C_SXX;
                    val = -(m * a->v[i][ab[q][0]] * a->v[i][ab[q][1]] * MG_MVV2E + a->vatom[i][q]) * MG_NKTV2P;
                }
                tb_printf(t, "%.*g", d->precision, val);
            }
            tb_putc(t, k < last ? ' ' : '\n');
        }
    }
}

static void xyz_header(const dump *d, const md *s, FILE *f, int64_t natoms)
{
    const box *b = &s->box;
    fprintf(f, "%lld\n", (long long)natoms);
    fprintf(f, "Lattice=\"%.17g 0 0 %.17g %.17g 0 %.17g %.17g %.17g\" Origin=\"%.17g %.17g %.17g\" "
               "Properties=species:S:1:pos:R:3",
            b->hi[0] - b->lo[0], b->xy, b->hi[1] - b->lo[1], b->xz, b->yz, b->hi[2] - b->lo[2], b->lo[0], b->lo[1],
            b->lo[2]);
    for (int k = 0; k < d->ncol; k++) {
        if (xyz_skipped(d->col[k]))
            continue;
        int integer = xyz_integer(d->col[k]);
        if (d->col[k] == DUMP_PROP) {
            int p = atoms_find_prop(&s->atoms, d->prop[k]);
            integer = p >= 0 && s->atoms.prop[p].integer;
        }
        fprintf(f, ":%s:%c:1", d->col[k] == DUMP_PROP ? d->prop[k] : names[d->col[k]], integer ? 'I' : 'R');
    }
    fprintf(f, " pbc=\"%c %c %c\" Step=%lld Time=%.17g units=\"metal: Angstrom ps eV\"\n",
            b->periodic[0] ? 'T' : 'F', b->periodic[1] ? 'T' : 'F', b->periodic[2] ? 'T' : 'F', (long long)s->step,
            s->time);
}

void dump_write(dump *d, md *s)
{
    if (d->last_step == s->step)
        return;
    d->last_step = s->step;
    if (d->format == DUMP_H5MD) {
        if (!d->h5)
            h5md_start(d, s, -1);
        h5md_write_frame(d->h5, s);
        return;
    }
    textbuf mine = {NULL, 0, 0};
    format_atoms(d, s, &mine);
    int64_t n = s->atoms.natoms;
    if (d->group != GROUP_ALL) {
        int64_t mine_n = 0;
        for (int i = 0; i < s->atoms.nlocal; i++)
            mine_n += (s->atoms.mask[i] & group_bit(d->group)) != 0;
        n = par_sum_i64(mine_n);
    }
    if (par_rank() == 0 && d->format == DUMP_XYZ)
        xyz_header(d, s, d->fp, n);
    else if (par_rank() == 0) {
        const box *b = &s->box;
        FILE *f = d->fp;
        fprintf(f, "ITEM: TIMESTEP\n%lld\nITEM: NUMBER OF ATOMS\n%lld\n", (long long)s->step, (long long)n);
        char bnd[3][3];
        for (int k = 0; k < 3; k++) {
            char c = b->boundary[k] == 'p' ? 'p' : b->boundary[k];
            bnd[k][0] = bnd[k][1] = c;
            bnd[k][2] = '\0';
        }
        if (b->triclinic) {
            /* LAMMPS writes the bounding box of the tilted cell plus tilts. */
            double xlo = b->lo[0] + fmin(fmin(0.0, b->xy), fmin(b->xz, b->xy + b->xz));
            double xhi = b->hi[0] + fmax(fmax(0.0, b->xy), fmax(b->xz, b->xy + b->xz));
            double ylo = b->lo[1] + fmin(0.0, b->yz), yhi = b->hi[1] + fmax(0.0, b->yz);
            fprintf(f, "ITEM: BOX BOUNDS xy xz yz %s %s %s\n%.17g %.17g %.17g\n%.17g %.17g %.17g\n%.17g %.17g %.17g\n",
                    bnd[0], bnd[1], bnd[2], xlo, xhi, b->xy, ylo, yhi, b->xz, b->lo[2], b->hi[2], b->yz);
        } else {
            fprintf(f, "ITEM: BOX BOUNDS %s %s %s\n%.17g %.17g\n%.17g %.17g\n%.17g %.17g\n", bnd[0], bnd[1],
                    bnd[2], b->lo[0], b->hi[0], b->lo[1], b->hi[1], b->lo[2], b->hi[2]);
        }
        fputs("ITEM: ATOMS", f);
        for (int k = 0; k < d->ncol; k++)
            fprintf(f, " %s", d->col[k] == DUMP_PROP ? d->prop[k] : names[d->col[k]]);
        fputc('\n', f);
    }
    funnel_write(d->fp, &mine);
    tb_free(&mine);
    if (par_rank() == 0 && (fflush(d->fp) != 0 || ferror(d->fp)))
        mg_fail_one("dump %s: writing %s failed: %s", d->name, d->path, strerror(errno));
}
