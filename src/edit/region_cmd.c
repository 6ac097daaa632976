/* region NAME STYLE ARGS [side in|out] [units box]   (system/region.h)
 *
 *   block     xlo xhi ylo yhi zlo zhi
 *   sphere    cx cy cz r
 *   cylinder  x|y|z c1 c2 r lo hi
 *   plane     px py pz nx ny nz
 *   prism     xlo xhi ylo yhi zlo zhi xy xz yz
 *   union     [N] R1 R2 ...
 *   intersect [N] R1 R2 ...
 *
 * Lengths in Angstrom (box units; a length unit may follow a number).
 * Bounds of block and cylinder may be INF (open on that side: -inf for a
 * lower bound, +inf for an upper one, as LAMMPS), -INF, +INF, or EDGE (the
 * box's bound when the region is defined; its bounding box when tilted, as
 * LAMMPS).
 * A setting: replayed on restart. No communication. */
#include "deck/deck.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *region_kw = "side units INF EDGE";

/* The box's bounding box along d (LAMMPS' for a tilted box). */
static double edge(const box *b, int d, int upper)
{
    if (d == 0) {
        double lo = fmin(fmin(0.0, b->xy), fmin(b->xz, b->xy + b->xz)), hi = fmax(fmax(0.0, b->xy), fmax(b->xz, b->xy + b->xz));
        return upper ? b->hi[0] + hi : b->lo[0] + lo;
    }
    if (d == 1)
        return upper ? b->hi[1] + fmax(0.0, b->yz) : b->lo[1] + fmin(0.0, b->yz);
    return upper ? b->hi[2] : b->lo[2];
}

/* A bound of block or cylinder: a length, INF, -INF or EDGE. */
static double bound(deck *dk, int *i, const char *what, int d, int upper)
{
    const char *w = *i < dk->nargs ? dk->args[*i] : "";
    if (!strcmp(w, "INF") || !strcmp(w, "-INF") || !strcmp(w, "+INF")) {
        (*i)++;
        /* LAMMPS: INF is open on its side (-inf for a lower bound). */
        return w[0] == '-' ? -HUGE_VAL : w[0] == '+' ? HUGE_VAL : upper ? HUGE_VAL : -HUGE_VAL;
    }
    if (!strcmp(w, "EDGE")) {
        (*i)++;
        if (!dk->s->have_box)
            deck_fail(dk, "region: EDGE needs the system's box; define the region after the system is created");
        return edge(&dk->s->box, d, upper);
    }
    return deck_finite_quantity(dk, i, Q_LENGTH, what, region_kw);
}

static double length(deck *dk, int *i, const char *what) { return deck_finite_quantity(dk, i, Q_LENGTH, what, region_kw); }

void cmd_region(deck *dk)
{
    md *s = dk->s;
    int i = 1;
    const char *name = deck_word(dk, &i, "region name");
    const char *style = deck_word(dk, &i, "region style (block, sphere, cylinder, plane, prism, union, intersect)");
    region r;
    memset(&r, 0, sizeof r);
    snprintf(r.name, sizeof r.name, "%s", name);
    if (strlen(name) >= sizeof r.name)
        deck_fail(dk, "region: name '%s' is longer than %zu characters", name, sizeof r.name - 1);
    static const char *lohi[6] = {"xlo", "xhi", "ylo", "yhi", "zlo", "zhi"};
    if (!strcmp(style, "block")) {
        r.style = REGION_BLOCK;
        for (int k = 0; k < 6; k++)
            r.p[k] = bound(dk, &i, lohi[k], k / 2, k % 2);
    } else if (!strcmp(style, "sphere")) {
        r.style = REGION_SPHERE;
        static const char *what[4] = {"centre x", "centre y", "centre z", "radius"};
        for (int k = 0; k < 4; k++)
            r.p[k] = length(dk, &i, what[k]);
    } else if (!strcmp(style, "cylinder")) {
        r.style = REGION_CYLINDER;
        const char *ax = deck_word(dk, &i, "cylinder axis (x, y or z)");
        if (strlen(ax) != 1 || ax[0] < 'x' || ax[0] > 'z')
            deck_fail(dk, "region cylinder: axis '%s' is not x, y or z", ax);
        r.axis = ax[0] - 'x';
        const char *c1 = r.axis == 0 ? "y" : "x", *c2 = r.axis == 2 ? "y" : "z";
        char w1[32], w2[32];
        snprintf(w1, sizeof w1, "axis position %s", c1);
        snprintf(w2, sizeof w2, "axis position %s", c2);
        r.p[0] = length(dk, &i, w1);
        r.p[1] = length(dk, &i, w2);
        r.p[2] = length(dk, &i, "radius");
        r.p[3] = bound(dk, &i, "lower end", r.axis, 0);
        r.p[4] = bound(dk, &i, "upper end", r.axis, 1);
    } else if (!strcmp(style, "plane")) {
        r.style = REGION_PLANE;
        static const char *what[3] = {"point x", "point y", "point z"};
        for (int k = 0; k < 3; k++)
            r.p[k] = length(dk, &i, what[k]);
        for (int k = 0; k < 3; k++) {
            r.p[3 + k] = deck_real(dk, &i, "normal component");
            if (!isfinite(r.p[3 + k]))
                deck_fail(dk, "region plane: the normal's components must be finite numbers");
        }
    } else if (!strcmp(style, "prism")) {
        r.style = REGION_PRISM;
        static const char *tilt[3] = {"xy", "xz", "yz"};
        for (int k = 0; k < 6; k++)
            r.p[k] = length(dk, &i, lohi[k]);
        for (int k = 0; k < 3; k++)
            r.p[6 + k] = length(dk, &i, tilt[k]);
    } else if (!strcmp(style, "union") || !strcmp(style, "intersect")) {
        r.style = !strcmp(style, "union") ? REGION_UNION : REGION_INTERSECT;
        int want = -1; /* LAMMPS' count, optional here */
        if (i < dk->nargs && dk->args[i][0] >= '0' && dk->args[i][0] <= '9')
            want = (int)deck_int(dk, &i, "number of regions", 2, REGION_MAX_OPERANDS);
        while (i < dk->nargs && strcmp(dk->args[i], "side") && strcmp(dk->args[i], "units")) {
            const char *o = dk->args[i++];
            int k = region_find(&s->regions, o);
            if (k < 0)
                deck_fail(dk, "region %s: no region named '%s' (define it first)", style, o);
            if (r.nop == REGION_MAX_OPERANDS)
                deck_fail(dk, "region %s: at most %d regions", style, REGION_MAX_OPERANDS);
            r.op[r.nop++] = k;
        }
        if (want >= 0 && want != r.nop)
            deck_fail(dk, "region %s: the count says %d regions, but %d follow", style, want, r.nop);
        if (r.nop < 2)
            deck_fail(dk, "region %s: needs at least two regions", style);
    } else {
        deck_fail(dk, "region: unknown style '%s' (expected block, sphere, cylinder, plane, prism, union, intersect)",
                  style);
    }
    while (i < dk->nargs) {
        const char *k = deck_word(dk, &i, "keyword");
        if (!strcmp(k, "side")) {
            const char *v = deck_word(dk, &i, "side (in or out)");
            if (strcmp(v, "in") && strcmp(v, "out"))
                deck_fail(dk, "region: side '%s' is not in or out", v);
            r.side_out = !strcmp(v, "out");
        } else if (!strcmp(k, "units")) {
            const char *v = deck_word(dk, &i, "units (box)");
            if (!strcmp(v, "lattice"))
                deck_fail(dk, "region: mgmd regions are in box units (Angstrom) only; LAMMPS' default 'units "
                          "lattice' scales by a lattice spacing mgmd does not keep: give the lengths in A");
            if (strcmp(v, "box"))
                deck_fail(dk, "region: units '%s' is not box", v);
        } else {
            deck_fail(dk, "region: unknown keyword '%s' after the %s's parameters (expected side, units)", k, style);
        }
    }
    int old = region_find(&s->regions, name);
    for (int g = 0; old >= 0 && g < GROUP_MAX; g++)
        if (s->groups.g[g].name[0] && s->groups.g[g].dynamic && s->groups.g[g].sel.how == GROUP_SELECT_REGION &&
            s->groups.g[g].sel.region == old)
            deck_fail(dk, "region: '%s' selects the dynamic group '%s'; delete that group before redefining it",
                      name, s->groups.g[g].name);
    char err[512];
    /* region.c's messages name the region: "region NAME: ..." */
    if (region_init(&s->regions, &r, err, sizeof err) != 0 || region_add(&s->regions, &r, err, sizeof err) < 0)
        deck_fail(dk, "%s", err);
}
