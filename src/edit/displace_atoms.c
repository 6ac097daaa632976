/* displace_atoms G STYLE ARGS [units box]: move the atoms of group G once.
 *
 *   move DX DY DZ                          x += D (A)
 *   ramp DDIM DLO DHI CDIM CLO CHI         x_DDIM += DLO + f (DHI - DLO),
 *                                          f = (x_CDIM - CLO)/(CHI - CLO)
 *                                          clamped to [0, 1] (as LAMMPS)
 *   random DX DY DZ seed S                 x += uniform in [-D, D], keyed
 *                                          by (S, atom id): rank-independent
 *   rotate PX PY PZ AX AY AZ THETA         about the axis through P along A
 *                                          by THETA (degrees, or rad)
 *   affine F11 F12 F13 F21 ... F33 [about PX PY PZ]
 *                                          x = P + F (x - P), P the box
 *                                          centre unless given
 *
 * rotate and affine act on unwrapped positions (image flags reset, as
 * LAMMPS' rotate); then every atom is wrapped into the periodic box with
 * its image flags updated and goes to the rank that owns it. An atom
 * pushed through a fixed boundary is an error. All parallel (each rank its
 * own atoms, then migration). An action: skipped on restart replay. */
#include "core/rng.h"
#include "deck/deck.h"
#include "parallel/parallel.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Lengths may be followed by a unit, a keyword, or (ramp) a dimension. */
static const char *disp_kw = "*";

static int dim_of(deck *dk, int *i, const char *what)
{
    const char *w = deck_word(dk, i, what);
    if (strlen(w) != 1 || w[0] < 'x' || w[0] > 'z')
        deck_fail(dk, "displace_atoms: %s '%s' is not x, y or z", what, w);
    return w[0] - 'x';
}

static double len(deck *dk, int *i, const char *what) { return deck_finite_quantity(dk, i, Q_LENGTH, what, disp_kw); }

/* Three coordinates of a point (A). */
static void point(deck *dk, int *i, double p[3])
{
    static const char *w[3] = {"point x", "point y", "point z"};
    for (int q = 0; q < 3; q++)
        p[q] = len(dk, i, w[q]);
}

/* Unwrapped position of owned atom j; its image flags set to 0. */
static void unwrap_reset(md *s, int j, double u[3])
{
    box_unwrap(&s->box, s->atoms.x[j], s->atoms.image[j], u);
    memset(s->atoms.image[j], 0, sizeof s->atoms.image[j]);
}

void cmd_displace_atoms(deck *dk)
{
    deck_need_system(dk);
    md *s = dk->s;
    atoms *a = &s->atoms;
    int i = 1;
    int g = deck_group(dk, &i);
    const uint64_t bit = group_bit(g);
    const char *style = deck_word(dk, &i, "style (move, ramp, random, rotate, affine)");
    if (!strcmp(style, "move") || !strcmp(style, "random")) {
        int rnd = !strcmp(style, "random");
        double d[3];
        static const char *what[3] = {"displacement x", "displacement y", "displacement z"};
        for (int q = 0; q < 3; q++)
            d[q] = len(dk, &i, what[q]);
        uint64_t seed = 0;
        if (rnd) {
            const char *k = deck_word(dk, &i, "'seed'");
            if (strcmp(k, "seed"))
                deck_fail(dk, "displace_atoms random: expected 'seed S' after the three amplitudes, got '%s'", k);
            seed = (uint64_t)deck_int(dk, &i, "seed", 0, INT64_MAX);
        }
        for (int j = 0; j < a->nlocal; j++) {
            if (!(a->mask[j] & bit))
                continue;
            double u[4] = {0.5, 0.5, 0.5, 0.5};
            if (rnd) {
                rng_uniform2(seed, (uint64_t)a->id[j], RNG_DISPLACE, 0, u);
                rng_uniform2(seed, (uint64_t)a->id[j], RNG_DISPLACE, 1, u + 2);
            }
            for (int q = 0; q < 3; q++)
                a->x[j][q] += rnd ? d[q] * (2.0 * u[q] - 1.0) : d[q];
        }
    } else if (!strcmp(style, "ramp")) {
        int dd = dim_of(dk, &i, "displaced dimension");
        double dlo = len(dk, &i, "displacement at the low end"), dhi = len(dk, &i, "displacement at the high end");
        int cd = dim_of(dk, &i, "ramp dimension");
        double clo = len(dk, &i, "ramp start"), chi = len(dk, &i, "ramp end");
        if (!(chi != clo))
            deck_fail(dk, "displace_atoms ramp: the ramp's start and end must differ");
        for (int j = 0; j < a->nlocal; j++) {
            if (!(a->mask[j] & bit))
                continue;
            double f = (a->x[j][cd] - clo) / (chi - clo);
            f = f < 0 ? 0 : f > 1 ? 1 : f;
            a->x[j][dd] += dlo + f * (dhi - dlo);
        }
    } else if (!strcmp(style, "rotate")) {
        double p[3], ax[3];
        point(dk, &i, p);
        for (int q = 0; q < 3; q++) {
            ax[q] = deck_real(dk, &i, "axis direction component");
            if (!isfinite(ax[q]))
                deck_fail(dk, "displace_atoms rotate: the axis direction must be finite");
        }
        double theta = deck_quantity(dk, &i, Q_ANGLE, "angle", disp_kw);
        double n = sqrt(ax[0] * ax[0] + ax[1] * ax[1] + ax[2] * ax[2]);
        if (!(n > 0) || !isfinite(theta))
            deck_fail(dk, "displace_atoms rotate: needs a non-zero axis direction and a finite angle (degrees)");
        double u[3] = {ax[0] / n, ax[1] / n, ax[2] / n};
        double th = theta * M_PI / 180.0, ct = cos(th), st = sin(th);
        for (int j = 0; j < a->nlocal; j++) {
            if (!(a->mask[j] & bit))
                continue;
            double x[3];
            unwrap_reset(s, j, x);
            /* Rodrigues: d = x - P, c = (d.u)u, a = d - c, b = u x a. */
            double d[3] = {x[0] - p[0], x[1] - p[1], x[2] - p[2]};
            double du = d[0] * u[0] + d[1] * u[1] + d[2] * u[2];
            double c[3] = {du * u[0], du * u[1], du * u[2]};
            double e[3] = {d[0] - c[0], d[1] - c[1], d[2] - c[2]};
            double b[3] = {u[1] * e[2] - u[2] * e[1], u[2] * e[0] - u[0] * e[2], u[0] * e[1] - u[1] * e[0]};
            for (int q = 0; q < 3; q++)
                a->x[j][q] = p[q] + c[q] + e[q] * ct + b[q] * st;
        }
    } else if (!strcmp(style, "affine")) {
        double F[3][3];
        for (int r = 0; r < 3; r++)
            for (int c = 0; c < 3; c++) {
                F[r][c] = deck_real(dk, &i, "deformation gradient component");
                if (!isfinite(F[r][c]))
                    deck_fail(dk, "displace_atoms affine: the nine components must be finite numbers");
            }
        double p[3];
        for (int q = 0; q < 3; q++)
            p[q] = s->box.lo[q] + 0.5 * (s->box.h[q][0] + s->box.h[q][1] + s->box.h[q][2]);
        if (i < dk->nargs && !strcmp(dk->args[i], "about")) {
            i++;
            point(dk, &i, p);
        }
        for (int j = 0; j < a->nlocal; j++) {
            if (!(a->mask[j] & bit))
                continue;
            double x[3];
            unwrap_reset(s, j, x);
            double d[3] = {x[0] - p[0], x[1] - p[1], x[2] - p[2]};
            for (int r = 0; r < 3; r++)
                a->x[j][r] = p[r] + F[r][0] * d[0] + F[r][1] * d[1] + F[r][2] * d[2];
        }
    } else {
        deck_fail(dk, "displace_atoms: unknown style '%s' (expected move, ramp, random, rotate, affine)", style);
    }
    while (i < dk->nargs) {
        const char *k = deck_word(dk, &i, "keyword");
        if (!strcmp(k, "units")) {
            const char *v = deck_word(dk, &i, "units (box)");
            if (strcmp(v, "box"))
                deck_fail(dk, "displace_atoms: mgmd displaces in box units (A) only; LAMMPS' default 'units "
                          "lattice' scales by a lattice spacing mgmd does not keep");
        } else {
            deck_fail(dk, "displace_atoms %s: unknown keyword '%s' (expected units)", style, k);
        }
    }
    md_atoms_changed(s);
}
