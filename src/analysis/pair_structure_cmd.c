/* Deck command of the pair-structure observer (docs/analysis.md):
 *
 *   rdf NAME [rmax R [unit]] [bins N] [every N] [at_end yes|no]
 *            [file PREFIX] [qmax Q] [dq D] [window none|lorch]
 *            [weights number|neutron] [images no|yes]
 *
 * Defaults: rmax min(10 A, half the smallest periodic box height - 0.1 A,
 * rounded down to 0.1 A), bins rmax/0.02 A, every 0, at_end yes when every
 * is 0 else no, file NAME.* ('*' becomes the step), qmax 20 1/A, dq
 * 0.02 1/A, window none, weights number, images no. */
#include "deck/deck.h"
#include "analysis/pair_structure.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cmd_rdf(deck *dk);

void cmd_rdf(deck *dk)
{
    static const char *kw = "rmax bins every at_end file qmax dq window weights images";
    int i = 1;
    const char *name = deck_word(dk, &i, "observer name");
    if (strlen(name) >= sizeof(((observer *)0)->name))
        deck_fail(dk, "rdf: observer name '%s' is longer than %zu characters", name,
                  sizeof(((observer *)0)->name) - 1);
    for (const char *c = name; *c; c++)
        if (!isalnum((unsigned char)*c) && *c != '_' && *c != '-')
            deck_fail(dk, "rdf: observer name '%s' may hold only letters, digits, '_' and '-'", name);
    if (outputs_find_observer(dk->out, name))
        deck_fail(dk, "rdf: an observer named '%s' exists already (unobserve it first)", name);

    pair_opts o;
    memset(&o, 0, sizeof o);
    o.qmax = PAIR_DEFAULT_QMAX;
    o.dq = PAIR_DEFAULT_DQ;
    o.window = PAIR_WINDOW_NONE;
    o.weights = PAIR_WEIGHTS_NUMBER;
    snprintf(o.file, sizeof o.file, "%s.*", name);
    int every = 0, at_end = -1;
    while (i < dk->nargs) {
        const char *k = deck_word(dk, &i, "keyword");
        if (!strcmp(k, "rmax")) {
            o.rmax = deck_quantity(dk, &i, Q_LENGTH, "rmax", kw);
            if (!(o.rmax > 0) || !isfinite(o.rmax))
                deck_fail(dk, "rdf: rmax must be a positive length");
        } else if (!strcmp(k, "bins")) {
            o.nbins = (int)deck_int(dk, &i, "number of bins", 1, 1000000);
        } else if (!strcmp(k, "every")) {
            every = (int)deck_int(dk, &i, "sampling interval (steps)", 0, 1000000000);
        } else if (!strcmp(k, "at_end")) {
            at_end = deck_bool(dk, &i, "at_end");
        } else if (!strcmp(k, "file")) {
            const char *f = deck_word(dk, &i, "file prefix");
            if (strlen(f) >= 1000)
                deck_fail(dk, "rdf: file prefix longer than 999 characters");
            snprintf(o.file, sizeof o.file, "%s", f);
        } else if (!strcmp(k, "qmax")) {
            o.qmax = deck_real(dk, &i, "qmax (1/A)");
            if (!(o.qmax > 0) || !isfinite(o.qmax))
                deck_fail(dk, "rdf: qmax must be positive (1/A)");
        } else if (!strcmp(k, "dq")) {
            o.dq = deck_real(dk, &i, "dq (1/A)");
            if (!(o.dq > 0) || !isfinite(o.dq))
                deck_fail(dk, "rdf: dq must be positive (1/A)");
        } else if (!strcmp(k, "window")) {
            const char *w = deck_word(dk, &i, "window (none or lorch)");
            if (!strcmp(w, "none"))
                o.window = PAIR_WINDOW_NONE;
            else if (!strcmp(w, "lorch"))
                o.window = PAIR_WINDOW_LORCH;
            else
                deck_fail(dk, "rdf: unknown window '%s' (expected none or lorch)", w);
        } else if (!strcmp(k, "weights")) {
            const char *w = deck_word(dk, &i, "weights (number or neutron)");
            if (!strcmp(w, "number"))
                o.weights = PAIR_WEIGHTS_NUMBER;
            else if (!strcmp(w, "neutron"))
                o.weights = PAIR_WEIGHTS_NEUTRON;
            else if (!strcmp(w, "xray"))
                deck_fail(dk, "rdf: x-ray weights need q-dependent atomic form factors, which mgmd does not have "
                              "yet (expected number or neutron)");
            else
                deck_fail(dk, "rdf: unknown weights '%s' (expected number or neutron)", w);
        } else if (!strcmp(k, "images")) {
            o.images = deck_bool(dk, &i, "images");
        } else {
            deck_fail(dk, "rdf: unknown keyword '%s' (expected %s)", k, kw);
        }
    }
    if (at_end < 0)
        at_end = every == 0;
    double dr = o.rmax > 0 ? o.rmax / (o.nbins ? o.nbins : ceil(o.rmax / PAIR_DEFAULT_DR - 1e-9)) : 0.0;
    if (dr > 0 && o.qmax > M_PI / dr)
        deck_fail(dk, "rdf: qmax %.6g 1/A is beyond pi/dr = %.6g 1/A that bins of %.6g A resolve; use more bins or "
                      "a smaller qmax",
                  o.qmax, M_PI / dr, dr);
    if (dk->s->have_box && o.rmax > 0 && !o.images) {
        double hh = pair_half_height(&dk->s->box);
        if (o.rmax > hh)
            deck_fail(dk, "rdf: rmax %.6g A is more than half the smallest periodic box height (%.6g A), where an "
                          "atom would meet two images of a neighbour; choose rmax <= %.6g A, or 'images yes' to "
                          "count all periodic images",
                      o.rmax, hh, hh);
    }
    observer *ob = pair_observer_new(name, &o, every, at_end);
    if (outputs_add_observer(dk->out, ob) != 0) {
        ob->ops->destroy(ob, dk->s);
        free(ob);
        deck_fail(dk, "rdf: too many observers (at most %d)", OUTPUT_MAX_OBSERVERS);
    }
}
