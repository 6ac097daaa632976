/* change_box [G] OPERATION... [units box]: change the box, and with
 * `remap` map atoms into it affinely (as LAMMPS' change_box).
 *
 *   x|y|z final LO HI | delta DLO DHI | scale F | volume
 *   xy|xz|yz final V | delta D
 *   boundary BX BY BZ          p, f or s per dimension
 *   ortho | triclinic          make the box orthogonal (tilts must be 0) or
 *                              triclinic
 *   remap [x]                  map the atoms of G (default all) from the box
 *                              as it was at the last remap or set (or the
 *                              command's start) to the box as it is now,
 *                              keeping their fractional coordinates
 *   set                        take the box as it is now as the one the next
 *                              remap maps from
 *
 * Operations run in order. scale is about the box centre; volume changes
 * its dimension about the centre so that the volume stays what it was
 * before the size operation just before it (one volume operation takes the
 * whole change, two share it equally: `x scale 1.1 y volume z volume` is a
 * volume-preserving stretch). Lengths in A (box units only). A dimension
 * that becomes non-periodic has its image flags reset to 0 (positions are
 * kept, as LAMMPS). Afterwards every atom is wrapped into the new box
 * (image flags updated) and the system is decomposed again; an atom left
 * outside a fixed boundary is an error. Parallel: each rank its own
 * atoms, then migration. An action: skipped on restart replay. */
#include "deck/deck.h"
#include "parallel/parallel.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define MAX_OPS 32

enum op_style { OP_LEN, OP_TILT, OP_BOUNDARY, OP_ORTHO, OP_TRICLINIC, OP_REMAP, OP_SET };
enum op_flavor { FINAL, DELTA, SCALE, VOLUME };

typedef struct op {
    enum op_style style;
    enum op_flavor flavor;
    int dim;                    /* 0..2, or for tilts 0 xy 1 xz 2 yz         */
    double v[2];
    char boundary[3];
    int nvolume;                /* volume: operations sharing the change     */
    int ref;                    /* volume: the size operation it follows     */
} op;

static const char *box_kw = "x y z xy xz yz boundary ortho triclinic remap set units";

static const char *ops_list = " x y z xy xz yz boundary ortho triclinic remap set ";

static double length(deck *dk, int *i, const char *what) { return deck_finite_quantity(dk, i, Q_LENGTH, what, box_kw); }

void cmd_change_box(deck *dk)
{
    deck_need_system(dk);
    md *s = dk->s;
    atoms *a = &s->atoms;
    int i = 1, g = GROUP_ALL;
    /* LAMMPS' leading group (change_box all x ...) is optional here. */
    if (i < dk->nargs && group_find(&s->groups, dk->args[i]) >= 0 && i + 1 < dk->nargs) {
        char w[40];
        snprintf(w, sizeof w, " %.30s ", dk->args[i + 1]);
        if (strstr(ops_list, w))
            g = deck_group(dk, &i);
    }
    op ops[MAX_OPS];
    int nops = 0;
    while (i < dk->nargs) {
        const char *k = deck_word(dk, &i, "operation");
        if (!strcmp(k, "units")) {
            const char *v = deck_word(dk, &i, "units (box)");
            if (strcmp(v, "box"))
                deck_fail(dk, "change_box: mgmd's lengths are in box units (A) only; LAMMPS' default 'units "
                          "lattice' scales by a lattice spacing mgmd does not keep");
            continue;
        }
        if (nops == MAX_OPS)
            deck_fail(dk, "change_box: at most %d operations", MAX_OPS);
        op *o = &ops[nops];
        memset(o, 0, sizeof *o);
        if (!strcmp(k, "x") || !strcmp(k, "y") || !strcmp(k, "z")) {
            o->style = OP_LEN;
            o->dim = k[0] - 'x';
            const char *f = deck_word(dk, &i, "final, delta, scale or volume");
            if (!strcmp(f, "final") || !strcmp(f, "delta")) {
                o->flavor = f[0] == 'f' ? FINAL : DELTA;
                o->v[0] = length(dk, &i, f[0] == 'f' ? "lower bound" : "change of the lower bound");
                o->v[1] = length(dk, &i, f[0] == 'f' ? "upper bound" : "change of the upper bound");
            } else if (!strcmp(f, "scale")) {
                o->flavor = SCALE;
                o->v[0] = deck_real(dk, &i, "scale factor");
                if (!(o->v[0] > 0) || !isfinite(o->v[0]))
                    deck_fail(dk, "change_box: a scale factor must be positive");
            } else if (!strcmp(f, "volume")) {
                o->flavor = VOLUME;
                int j = nops - 1;
                while (j >= 0 && ops[j].style == OP_LEN && ops[j].flavor == VOLUME)
                    j--;
                if (j < 0 || ops[j].style != OP_LEN || nops - j > 2)
                    deck_fail(dk, "change_box: 'volume' must follow a size change of another dimension (e.g. "
                              "'x scale 1.1 y volume' or 'x scale 1.1 y volume z volume')");
                o->ref = j;
                for (int q = j + 1; q <= nops; q++) {
                    if (q < nops && ops[q].dim == o->dim)
                        deck_fail(dk, "change_box: %c volume twice", 'x' + o->dim);
                    if (ops[j].dim == o->dim)
                        deck_fail(dk, "change_box: %c volume right after a change of %c itself", 'x' + o->dim,
                                  'x' + o->dim);
                }
                for (int q = j + 1; q <= nops; q++)
                    ops[q].nvolume = nops - j;
            } else {
                deck_fail(dk, "change_box: %s '%s' is not final, delta, scale or volume", k, f);
            }
        } else if (!strcmp(k, "xy") || !strcmp(k, "xz") || !strcmp(k, "yz")) {
            o->style = OP_TILT;
            o->dim = !strcmp(k, "xy") ? 0 : !strcmp(k, "xz") ? 1 : 2;
            const char *f = deck_word(dk, &i, "final or delta");
            if (strcmp(f, "final") && strcmp(f, "delta"))
                deck_fail(dk, "change_box: %s '%s' is not final or delta", k, f);
            o->flavor = f[0] == 'f' ? FINAL : DELTA;
            o->v[0] = length(dk, &i, "tilt");
        } else if (!strcmp(k, "boundary")) {
            o->style = OP_BOUNDARY;
            for (int d = 0; d < 3; d++) {
                const char *w = deck_word(dk, &i, "boundary (p, f or s for each of x, y, z)");
                if (strlen(w) != 1 || !strchr("pfs", w[0]))
                    deck_fail(dk, "change_box: boundary '%s' for %c is not p (periodic), f (fixed) or s "
                              "(shrink-wrapped)", w, 'x' + d);
                o->boundary[d] = w[0];
            }
        } else if (!strcmp(k, "ortho")) {
            o->style = OP_ORTHO;
        } else if (!strcmp(k, "triclinic")) {
            o->style = OP_TRICLINIC;
        } else if (!strcmp(k, "remap")) {
            o->style = OP_REMAP;
            if (i < dk->nargs && !strcmp(dk->args[i], "x"))
                i++; /* LAMMPS' `remap x`: the same */
        } else if (!strcmp(k, "set")) {
            o->style = OP_SET;
        } else {
            deck_fail(dk, "change_box: unknown operation '%s' (expected x, y, z, xy, xz, yz, boundary, ortho, "
                      "triclinic, remap, set, units)", k);
        }
        nops++;
    }
    if (!nops)
        deck_fail(dk, "change_box: no operation given");

    /* Atoms in the box first, then the operations in order. */
    decomp_migrate(&s->dc, a, &s->box);
    box b = s->box, saved = s->box;
    const uint64_t bit = group_bit(g);
    double before[MAX_OPS][3];         /* lengths before each operation */
    for (int m = 0; m < nops; m++) {
        op *o = &ops[m];
        for (int d = 0; d < 3; d++)
            before[m][d] = b.len[d];
        int d = o->dim;
        double c = 0.5 * (b.lo[d] + b.hi[d]);
        switch (o->style) {
        case OP_LEN:
            if (o->flavor == FINAL) {
                b.lo[d] = o->v[0];
                b.hi[d] = o->v[1];
            } else if (o->flavor == DELTA) {
                b.lo[d] += o->v[0];
                b.hi[d] += o->v[1];
            } else {
                double f = o->v[0];
                if (o->flavor == VOLUME) { /* undo the size change of op ref */
                    int rd = ops[o->ref].dim;
                    f = pow(before[o->ref][rd] / b.len[rd], 1.0 / o->nvolume);
                }
                b.lo[d] = c + f * (b.lo[d] - c);
                b.hi[d] = c + f * (b.hi[d] - c);
            }
            if (!(b.hi[d] > b.lo[d]))
                deck_fail(dk, "change_box: the box would have no extent along %c (%g to %g A)", 'x' + d, b.lo[d],
                          b.hi[d]);
            break;
        case OP_TILT: {
            if (!b.triclinic)
                deck_fail(dk, "change_box: a tilt needs a triclinic box ('triclinic' first)");
            double *t = d == 0 ? &b.xy : d == 1 ? &b.xz : &b.yz;
            *t = o->flavor == FINAL ? o->v[0] : *t + o->v[0];
            break;
        }
        case OP_BOUNDARY:
            for (int q = 0; q < 3; q++) {
                if (b.boundary[q] == 'p' && o->boundary[q] != 'p')
                    for (int j = 0; j < a->nlocal; j++)
                        a->image[j][q] = 0;
                b.boundary[q] = o->boundary[q];
            }
            for (int q = 0; q < 3; q++)
                if (b.boundary[q] == 's' && (b.xy != 0 || b.xz != 0 || b.yz != 0 || b.triclinic))
                    deck_fail(dk, "change_box: boundary 's' (shrink-wrapped) needs an orthogonal box; use 'f' with "
                              "room to spare");
            break;
        case OP_ORTHO:
            if (b.xy != 0 || b.xz != 0 || b.yz != 0)
                deck_fail(dk, "change_box: ortho needs zero tilts (xy %g, xz %g, yz %g A)", b.xy, b.xz, b.yz);
            b.triclinic = 0;
            break;
        case OP_TRICLINIC:
            b.triclinic = 1;
            break;
        case OP_REMAP:
            box_update(&b);
            for (int j = 0; j < a->nlocal; j++)
                if (a->mask[j] & bit) {
                    double l[3];
                    box_to_lamda(&saved, a->x[j], l);
                    box_from_lamda(&b, l, a->x[j]);
                }
            saved = b;
            break;
        case OP_SET:
            box_update(&b);
            saved = b;
            break;
        }
        box_update(&b);
    }
    char err[512];
    if (b.triclinic && box_check_tilts(&b, err, sizeof err) != 0)
        deck_fail(dk, "change_box: %s", err);
    s->box = b;
    s->box_changes++;
    md_decompose(s);
    md_atoms_changed(s);
    if (par_rank() == 0) {
        printf("change_box: box %.6g %.6g  %.6g %.6g  %.6g %.6g A, tilts %.6g %.6g %.6g A, boundary %c %c %c\n",
               b.lo[0], b.hi[0], b.lo[1], b.hi[1], b.lo[2], b.hi[2], b.xy, b.xz, b.yz, b.boundary[0], b.boundary[1],
               b.boundary[2]);
        fflush(stdout);
    }
}
