/* Deck command of the Voronoi observer (docs/analysis.md#voronoi):
 *
 *   voronoi NAME [every N] [at_end yes|no] [file PREFIX|none]
 *           [radical yes|no] [radius EL R [EL R ...]]
 *           [face_area_min A [relative|mean]] [edge_min L] [top K]
 *           [walls box|atoms GAP]
 *
 * Defines observer NAME (sampled every N steps, at the end of every stage,
 * and by `analyze NAME`); its per-atom columns are NAME_n3 ... NAME_surface. */
#include "analysis/voronoi.h"
#include "core/elements.h"
#include "deck/deck.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VORONOI_KEYWORDS "every at_end file radical radius face_area_min edge_min top walls"

static int is_voronoi_keyword(const char *w)
{
    size_t n = strlen(w);
    for (const char *k = VORONOI_KEYWORDS; *k;) {
        const char *e = strchr(k, ' ');
        size_t l = e ? (size_t)(e - k) : strlen(k);
        if (l == n && !strncmp(k, w, n))
            return 1;
        k += l + (e != NULL);
    }
    return 0;
}

/* radius EL R [EL R ...]: element symbols or type numbers with lengths. */
static void parse_radii(deck *dk, int *i, voronoi_params *p)
{
    int first = 1;
    while (*i < dk->nargs && (first || !is_voronoi_keyword(dk->args[*i]))) {
        first = 0;
        const char *label = deck_word(dk, i, "element or type of a radius");
        char *end;
        long t = strtol(label, &end, 10);
        int is_type = *end == '\0' && end != label;
        if (is_type && (t < 1 || t > dk->s->atoms.ntypes))
            deck_fail(dk, "voronoi: radius for type %s, but types are 1 to %d", label, dk->s->atoms.ntypes);
        if (!is_type && element_number(label) == 0)
            deck_fail(dk, "voronoi: '%s' after 'radius' is neither a chemical element nor a type number", label);
        if (strlen(label) >= sizeof p->radius_label[0])
            deck_fail(dk, "voronoi: radius label '%s' is too long", label);
        /* A unit word is optional; the next word may be the next element. */
        double r = deck_real(dk, i, "radius"), f;
        if (*i < dk->nargs && units_factor(Q_LENGTH, dk->args[*i], &f)) {
            r *= f;
            (*i)++;
        }
        if (!(r >= 0) || r > 100)
            deck_fail(dk, "voronoi: radius of %s must be between 0 and 100 A, got %g", label, r);
        int k = 0;
        while (k < p->nradii && strcmp(p->radius_label[k], label))
            k++;
        if (k == VORONOI_MAX_RADII)
            deck_fail(dk, "voronoi: at most %d radii", VORONOI_MAX_RADII);
        snprintf(p->radius_label[k], sizeof p->radius_label[k], "%s", label);
        p->radius[k] = r;
        if (k == p->nradii)
            p->nradii++;
    }
}

/* Every type with a known element must have a radius (types whose element
 * a later `potential` names are checked when the observer samples). */
static void check_radii(deck *dk, const voronoi_params *p)
{
    const atoms *a = &dk->s->atoms;
    for (int t = 1; t <= a->ntypes; t++) {
        char num[16];
        snprintf(num, sizeof num, "%d", t);
        int found = 0;
        for (int k = 0; k < p->nradii; k++)
            found |= !strcmp(p->radius_label[k], num) || (a->element[t][0] && !strcmp(p->radius_label[k], a->element[t]));
        if (!found && a->element[t][0])
            deck_fail(dk, "voronoi: radical tessellation needs a radius for every type: none for type %d (%s); add "
                      "'radius %s R'", t, a->element[t], a->element[t]);
    }
}

void cmd_voronoi(deck *dk)
{
    int i = 1;
    const char *name = deck_word(dk, &i, "observer name");
    if (!dk->s->have_box)
        deck_fail(dk, "voronoi: no system yet (read_data, read_checkpoint, create_lattice or create_alloy first)");
    size_t len = strlen(name);
    int ok = len > 0 && len <= 23;
    for (size_t k = 0; k < len; k++)
        ok &= isalnum((unsigned char)name[k]) || name[k] == '_';
    if (!ok)
        deck_fail(dk, "voronoi: observer name '%s' must be 1 to 23 letters, digits or _ (it prefixes dump columns "
                  "such as %s_n5)", name, name);
    if (outputs_find_observer(dk->out, name))
        deck_fail(dk, "voronoi: an observer named '%s' exists already (unobserve it first)", name);

    voronoi_params p;
    memset(&p, 0, sizeof p);
    p.top = 10;
    p.opt.area_mode = VW_AREA_ABSOLUTE;
    snprintf(p.prefix, sizeof p.prefix, "%s", name);
    int every = 0, at_end = 0, radical = -1;
    while (i < dk->nargs) {
        const char *k = deck_word(dk, &i, "keyword");
        if (!strcmp(k, "every")) {
            every = (int)deck_int(dk, &i, "sampling interval (steps)", 0, 1000000000);
        } else if (!strcmp(k, "at_end")) {
            at_end = deck_bool(dk, &i, "at_end");
        } else if (!strcmp(k, "file")) {
            const char *f = deck_word(dk, &i, "file prefix (or none)");
            if (!strcmp(f, "none")) {
                p.prefix[0] = '\0';
            } else {
                size_t n = strlen(f);
                if (n >= sizeof p.prefix - 16)
                    deck_fail(dk, "voronoi: file prefix is too long");
                snprintf(p.prefix, sizeof p.prefix, "%s", f);
                if (n > 4 && !strcmp(p.prefix + n - 4, ".csv"))
                    p.prefix[n - 4] = '\0';
            }
        } else if (!strcmp(k, "radical")) {
            radical = deck_bool(dk, &i, "radical");
        } else if (!strcmp(k, "radius")) {
            parse_radii(dk, &i, &p);
        } else if (!strcmp(k, "face_area_min")) {
            p.opt.face_area_min = deck_real(dk, &i, "face_area_min (A^2, or a fraction with relative or mean)");
            if (i < dk->nargs && !strcmp(dk->args[i], "relative")) {
                p.opt.area_mode = VW_AREA_TOTAL;
                i++;
            } else if (i < dk->nargs && !strcmp(dk->args[i], "mean")) {
                p.opt.area_mode = VW_AREA_MEAN;
                i++;
            } else if (i < dk->nargs && !strcmp(dk->args[i], "A^2")) {
                i++;
            }
            if (!(p.opt.face_area_min >= 0) || (p.opt.area_mode != VW_AREA_ABSOLUTE && p.opt.face_area_min >= 1))
                deck_fail(dk, "voronoi: face_area_min must be >= 0 (and below 1 as a fraction), got %g",
                          p.opt.face_area_min);
        } else if (!strcmp(k, "edge_min")) {
            p.opt.edge_min = deck_quantity(dk, &i, Q_LENGTH, "edge_min", VORONOI_KEYWORDS);
            if (!(p.opt.edge_min >= 0))
                deck_fail(dk, "voronoi: edge_min must be >= 0, got %g", p.opt.edge_min);
        } else if (!strcmp(k, "top")) {
            p.top = (int)deck_int(dk, &i, "number of indices per element (top K)", 1, 100000);
        } else if (!strcmp(k, "walls")) {
            const char *w = deck_word(dk, &i, "walls (box, or atoms GAP)");
            if (!strcmp(w, "box")) {
                p.walls_atoms = 0;
            } else if (!strcmp(w, "atoms")) {
                p.walls_atoms = 1;
                p.wall_gap = deck_quantity(dk, &i, Q_LENGTH, "wall gap", VORONOI_KEYWORDS);
                if (!(p.wall_gap > 0) || p.wall_gap > 1e4)
                    deck_fail(dk, "voronoi: the wall gap must be above 0 (and at most 1e4 A), got %g", p.wall_gap);
            } else {
                deck_fail(dk, "voronoi: walls must be 'box' or 'atoms GAP', got '%s'", w);
            }
        } else {
            deck_fail(dk, "voronoi: unknown keyword '%s' (expected %s)", k, VORONOI_KEYWORDS);
        }
    }
    if (radical == 0 && p.nradii > 0)
        deck_fail(dk, "voronoi: radii given with 'radical no'; drop one of them");
    p.radical = radical == 1 || p.nradii > 0;
    if (p.radical) {
        if (p.nradii == 0)
            deck_fail(dk, "voronoi: 'radical yes' needs the radius of every element: 'radius EL R ...' (A); mgmd "
                      "has no default radii (docs/analysis.md#voronoi)");
        check_radii(dk, &p);
    }
    char err[1400];
    observer *ob = voronoi_create(dk->s, name, &p, every, at_end, dk->replaying, err, sizeof err);
    if (!ob)
        deck_fail(dk, "voronoi: %s", err);
    if (outputs_add_observer(dk->out, ob) != 0) {
        ob->ops->destroy(ob, dk->s);
        free(ob);
        deck_fail(dk, "voronoi: at most %d observers at a time", OUTPUT_MAX_OBSERVERS);
    }
}
