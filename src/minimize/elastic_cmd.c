/* The `elastic` deck command (docs/elastic.md):
 *
 *   elastic strain EPS [relax yes|no] [file PREFIX] [ftol F] [maxiter N]
 *           [temp T [K] steps N [equil M] [blocks B]]
 *
 * Without `temp`: the 0 K stiffness of the current configuration, atoms
 * relaxed at each strained box (relax yes, the default) or mapped affinely
 * (relax no); the minimisations are CG with etol 0, ftol F (1e-10 eV/A on
 * the force 2-norm) and maxiter N (10000). Velocities are ignored (and
 * restored). With `temp T`: each strained state is a run of M + N steps
 * (M = N/4 unless given) under a fresh copy of the deck's thermostat at T,
 * pressure sampled over the last N, standard errors from B blocks (10).
 * Writes PREFIX_cij.csv, PREFIX_moduli.csv and at finite temperature
 * PREFIX_cij_err.csv (PREFIX `elastic` unless given). Every check that the
 * deck can fail is made here, before any strain is applied. An action:
 * skipped on restart replay. No communication of its own beyond
 * elastic.c's and the kinetic-energy sum of the velocity check. */
#include "core/error.h"
#include "deck/deck.h"
#include "fix/ensemble.h"
#include "minimize/elastic.h"

#include <stdio.h>
#include <string.h>

static const char *el_keywords = "strain relax file ftol maxiter temp steps equil blocks";

#define USAGE "elastic strain EPS [relax yes|no] [file PREFIX] [ftol F] [maxiter N] [temp T steps N [equil M] [blocks B]]"

void cmd_elastic(deck *dk)
{
    md *s = dk->s;
    deck_need_system(dk);
    elastic_params p;
    memset(&p, 0, sizeof p);
    min_params_default(&p.min);
    p.min.style = MIN_CG;
    p.min.etol = 0.0;
    p.min.ftol = 1e-10;
    p.min.maxiter = 10000;
    p.relax = 1;
    p.blocks = 10;
    p.equil = -1;
    char prefix[1024] = "elastic";
    int have_strain = 0, have_relax = 0, have_min = 0, have_steps = 0, have_fin = 0;
    int i = 1;
    while (i < dk->nargs) {
        const char *k = deck_word(dk, &i, "keyword");
        if (!strcmp(k, "strain")) {
            p.strain = deck_real(dk, &i, "strain");
            if (!(p.strain > 0.0 && p.strain <= 0.05))
                deck_fail(dk, "elastic: the strain must be in (0, 0.05] (a small strain: 1e-5 to 1e-3 at 0 K, "
                          "0.005 to 0.02 at finite temperature), got %g", p.strain);
            have_strain = 1;
        } else if (!strcmp(k, "relax")) {
            p.relax = deck_bool(dk, &i, "relax");
            have_relax = 1;
        } else if (!strcmp(k, "file")) {
            const char *w = deck_word(dk, &i, "file prefix");
            if (strlen(w) >= sizeof prefix - 20)
                deck_fail(dk, "elastic: the file prefix is too long (at most %zu characters)", sizeof prefix - 20);
            snprintf(prefix, sizeof prefix, "%s", w);
        } else if (!strcmp(k, "ftol")) {
            p.min.ftol = deck_real(dk, &i, "force tolerance (eV/A)");
            if (!(p.min.ftol >= 0.0 && p.min.ftol <= 1.0))
                deck_fail(dk, "elastic: ftol must be in [0, 1] eV/A (the 2-norm of the force vector; 0 = off), "
                          "got %g", p.min.ftol);
            have_min = 1;
        } else if (!strcmp(k, "maxiter")) {
            p.min.maxiter = deck_int(dk, &i, "maximum number of iterations", 1, INT64_C(1) << 40);
            have_min = 1;
        } else if (!strcmp(k, "temp")) {
            p.temp = deck_quantity(dk, &i, Q_TEMPERATURE, "temperature", el_keywords);
            if (!(p.temp > 0.0))
                deck_fail(dk, "elastic: the temperature must be above 0 K (leave 'temp' out for the 0 K "
                          "calculation), got %g K", p.temp);
            have_fin = 1;
        } else if (!strcmp(k, "steps")) {
            p.steps = deck_int(dk, &i, "sampled steps per strained run", 1, INT64_C(1) << 40);
            have_steps = 1;
        } else if (!strcmp(k, "equil")) {
            p.equil = deck_int(dk, &i, "equilibration steps per strained run", 0, INT64_C(1) << 40);
            have_fin = 1;
        } else if (!strcmp(k, "blocks")) {
            p.blocks = (int)deck_int(dk, &i, "number of blocks", 2, ELASTIC_MAX_BLOCKS);
            have_fin = 1;
        } else {
            deck_fail(dk, "elastic: unknown keyword '%s' (expected %s)", k, el_keywords);
        }
    }
    if (!have_strain)
        deck_fail(dk, "elastic: missing 'strain EPS' (usage: " USAGE ")");
    if (!s->pot)
        deck_fail(dk, "elastic: no potential chosen (use the potential command)");
    for (int d = 0; d < 3; d++)
        if (s->box.boundary[d] != 'p')
            deck_fail(dk, "elastic: the box must be periodic in x, y and z (the boundary in %c is '%c'): the "
                      "stiffness of a bulk needs no surfaces", 'x' + d, s->box.boundary[d]);
    if (s->held)
        deck_fail(dk, "elastic: a fix holds atoms (freeze or move); the elastic constants of the whole system "
                  "need every atom free: unfix it first");
    const int finite_t = p.temp > 0.0;
    if (!finite_t && (have_steps || have_fin))
        deck_fail(dk, "elastic: 'steps', 'equil' and 'blocks' belong to the finite-temperature calculation: give "
                  "'temp T' too (usage: " USAGE ")");
    if (finite_t) {
        if (!have_steps)
            deck_fail(dk, "elastic: 'temp' needs 'steps N', the sampled steps of each strained run");
        if (have_relax || have_min)
            deck_fail(dk, "elastic: 'relax', 'ftol' and 'maxiter' belong to the 0 K calculation; at 'temp T' the "
                      "atoms move by dynamics");
        if (p.equil < 0)
            p.equil = p.steps / 4;
        if (p.steps < p.blocks)
            deck_fail(dk, "elastic: %lld sampled steps cannot make %d blocks", (long long)p.steps, p.blocks);
        p.thermostat = fixes_find(dk->fixes, THERMOSTAT_FIX);
        if (!p.thermostat)
            deck_fail(dk, "elastic: 'temp' needs a thermostat to copy: choose one with 'ensemble nvt', 'ensemble "
                      "langevin' or 'ensemble npt' first (the strained runs use its kind, group and damping at "
                      "%g K, at fixed box)", p.temp);
        for (int k = 0; k < dk->fixes->n; k++) {
            const fix *f = dk->fixes->f[k];
            if (f->ops->order == FIX_ORDER_USER)
                deck_fail(dk, "elastic: fix '%s' (%s) is defined; the strained runs have the thermostat only: "
                          "unfix it first", f->name, f->ops->kind);
        }
        for (int t = 1; t <= s->atoms.ntypes; t++)
            if (!(s->atoms.mass[t] > 0))
                deck_fail(dk, "elastic: type %d has no mass (set it with 'mass %d VALUE')", t, t);
        double dof = md_dof(s), ke = md_kinetic(s, NULL);
        if (!(ke > 0.0) || !(dof > 0.0))
            deck_fail(dk, "elastic: the atoms have no velocities; at 'temp %g K' start from a configuration "
                      "equilibrated at that temperature (velocity create, then a run under 'ensemble npt')",
                      p.temp);
        double tnow = 2.0 * ke / (dof * MG_BOLTZ);
        if (tnow < 0.5 * p.temp || tnow > 2.0 * p.temp)
            mg_warn("%s:%d: elastic: the configuration is at %.4g K, the strained runs at %g K: equilibrate it at "
                    "%g K first, or each run's equilibration steps must bring it there", dk->path, dk->line, tnow,
                    p.temp, p.temp);
    }
    p.min.maxeval = 10 * p.min.maxiter;
    char err[1400];
    if (!elastic_boxes_ok(s, p.strain, err, sizeof err))
        deck_fail(dk, "elastic: %s", err);
    if (!elastic_files_ok(prefix, finite_t, err, sizeof err))
        deck_fail(dk, "elastic: %s", err);
    elastic_result r;
    elastic_compute(s, &p, &r);
    elastic_report(s, &p, &r, prefix);
}
