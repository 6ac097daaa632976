/* The `minimize` deck command (docs/minimize.md):
 *
 *   minimize [cg|fire] etol E ftol F [maxiter N] [maxeval N]
 *            [box iso|aniso|tri P [unit]] [vmax V] [dmax D [unit]]
 *
 * etol: relative energy change (LAMMPS' etol); ftol: eV/A on the 2-norm of
 * the force vector; maxiter 10000, maxeval 100000 unless given; box: relax
 * the box to pressure P (bar unless a unit follows); vmax: the largest
 * fractional volume change per iteration (0.001); dmax: the largest atom
 * displacement per iteration (0.1 A, LAMMPS' min_modify dmax). */
#include "deck/deck.h"
#include "minimize/minimize.h"

#include <string.h>

void cmd_minimize(deck *dk);

static const char *min_keywords = "etol ftol maxiter maxeval box vmax dmax";

void cmd_minimize(deck *dk)
{
    md *s = dk->s;
    if (!s->have_box)
        deck_fail(dk, "minimize: no system yet (use read_data, read_checkpoint, create_lattice or create_alloy first)");
    if (!s->pot)
        deck_fail(dk, "minimize: no potential chosen (use the potential command)");
    min_params p;
    min_params_default(&p);
    int i = 1, have_etol = 0, have_ftol = 0;
    if (i < dk->nargs && (!strcmp(dk->args[i], "cg") || !strcmp(dk->args[i], "fire"))) {
        p.style = strcmp(dk->args[i], "fire") == 0 ? MIN_FIRE : MIN_CG;
        i++;
    }
    while (i < dk->nargs) {
        const char *k = deck_word(dk, &i, "keyword");
        if (!strcmp(k, "etol")) {
            p.etol = deck_real(dk, &i, "energy tolerance (relative)");
            if (!(p.etol >= 0.0 && p.etol < 1.0))
                deck_fail(dk, "minimize: etol must be in [0, 1) (a relative energy change; 0 = off), got %g", p.etol);
            have_etol = 1;
        } else if (!strcmp(k, "ftol")) {
            p.ftol = deck_real(dk, &i, "force tolerance (eV/A)");
            if (!(p.ftol >= 0.0))
                deck_fail(dk, "minimize: ftol must be >= 0 eV/A (0 = off), got %g", p.ftol);
            have_ftol = 1;
        } else if (!strcmp(k, "maxiter")) {
            p.maxiter = deck_int(dk, &i, "maximum number of iterations", 0, INT64_C(1) << 50);
        } else if (!strcmp(k, "maxeval")) {
            p.maxeval = deck_int(dk, &i, "maximum number of force evaluations", 1, INT64_C(1) << 50);
        } else if (!strcmp(k, "box")) {
            const char *b = deck_word(dk, &i, "box relaxation (iso, aniso or tri)");
            if (!strcmp(b, "iso"))
                p.box = MIN_BOX_ISO;
            else if (!strcmp(b, "aniso"))
                p.box = MIN_BOX_ANISO;
            else if (!strcmp(b, "tri"))
                p.box = MIN_BOX_TRI;
            else
                deck_fail(dk, "minimize: box '%s' is not iso, aniso or tri", b);
            p.ptarget = deck_quantity(dk, &i, Q_PRESSURE, "target pressure", min_keywords);
        } else if (!strcmp(k, "vmax")) {
            p.vmax = deck_real(dk, &i, "largest fractional volume change per iteration");
            if (!(p.vmax > 0.0 && p.vmax < 1.0))
                deck_fail(dk, "minimize: vmax must be in (0, 1) (a fractional volume change), got %g", p.vmax);
        } else if (!strcmp(k, "dmax")) {
            p.dmax = deck_quantity(dk, &i, Q_LENGTH, "largest atom displacement per iteration", min_keywords);
            if (!(p.dmax > 0.0))
                deck_fail(dk, "minimize: dmax must be positive");
        } else if (!strcmp(k, "cg") || !strcmp(k, "fire")) {
            deck_fail(dk, "minimize: the style (%s) must come first, right after 'minimize'", k);
        } else {
            deck_fail(dk, "minimize: unknown keyword '%s' (expected cg or fire first, then %s)", k, min_keywords);
        }
    }
    if (!have_etol || !have_ftol)
        deck_fail(dk, "minimize: missing '%s' (usage: minimize [cg|fire] etol E ftol F [maxiter N] [maxeval N] "
                  "[box iso|aniso|tri P [unit]] [vmax V] [dmax D])", have_etol ? "ftol F" : "etol E");
    if (p.box != MIN_BOX_NONE)
        for (int d = 0; d < 3; d++)
            if (s->box.boundary[d] != 'p')
                deck_fail(dk, "minimize: box relaxation needs a periodic box, but the boundary in %c is '%c'",
                          'x' + d, s->box.boundary[d]);
    if (p.style == MIN_FIRE)
        for (int t = 1; t <= s->atoms.ntypes; t++)
            if (!(s->atoms.mass[t] > 0))
                deck_fail(dk, "minimize fire: type %d has no mass (set it with 'mass %d VALUE')", t, t);
    minimize(s, dk->out, &p, NULL);
}
