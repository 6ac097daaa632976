/* Deck variables and formulas (deck.h; the language in
 * docs/deck-reference.md#variables-and-formulas).
 *
 *   variable NAME [=] VALUE              text (as `string`)
 *   variable NAME string VALUE           text, fixed when defined
 *   variable NAME equal FORMULA          evaluated each time it is used
 *   variable NAME index W1 W2 ...        the current word; `next` advances
 *   variable NAME loop N | loop N1 N2 [pad]   integers N1..N2 (1..N)
 *   variable NAME format VAR FMT         an equal variable printed with a
 *                                        C format (%.3f, %10.4e, %g)
 *   next NAME...                         the next word or integer; past the
 *                                        last one the variable is deleted
 *   print WORD... [file F | append F] [screen yes|no]
 *
 * ${NAME} and $X (one-letter name) substitute a variable's value (an equal
 * variable evaluated, %.15g); $(FORMULA) and $(FORMULA:FMT) substitute a
 * formula's value (%.20g unless FMT), as LAMMPS. Formulas (core/expr.h)
 * know v_NAME, the thermo keywords (step, time, dt, temp, pe, ke, etotal,
 * press, pxx..pyz, vol, density, econserve, enthalpy, lx, ly, lz, xlo..zhi,
 * xy, xz, yz, natoms) and group functions count(G), mass(G), temp(G),
 * ke(G), xcm(G,dim), vcm(G,dim), fcm(G,dim). A keyword that needs energies
 * sets the system up first if its forces are not current (collective:
 * every rank evaluates the same formula at the same command).
 * A command-line -var NAME VALUE wins over the deck's definitions; an
 * index or loop variable that exists already is not redefined (LAMMPS'
 * rule, so `next` can run through it). */
#include "core/error.h"
#include "core/expr.h"
#include "core/units.h"
#include "deck/deck.h"
#include "io/claim.h"
#include "io/thermo.h"
#include "parallel/parallel.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int valid_name(const char *n)
{
    if (!isalpha((unsigned char)*n) && *n != '_')
        return 0;
    for (; *n; n++)
        if (!isalnum((unsigned char)*n) && *n != '_')
            return 0;
    return 1;
}

deck_var *deck_find_var(deck *dk, const char *name)
{
    for (int k = 0; k < dk->nvars; k++)
        if (strcmp(dk->vars[k].name, name) == 0)
            return &dk->vars[k];
    return NULL;
}

static void remove_var(deck *dk, deck_var *v)
{
    int k = (int)(v - dk->vars);
    memmove(&dk->vars[k], &dk->vars[k + 1], (size_t)(dk->nvars - k - 1) * sizeof dk->vars[0]);
    dk->nvars--;
}

/* A variable of kind `kind` with text `value` (its formula, words, ...). */
static int define(deck *dk, const char *name, enum var_kind kind, const char *value, int from_command_line)
{
    if (!valid_name(name) || strlen(name) >= sizeof dk->vars[0].name || strlen(value) >= sizeof dk->vars[0].value)
        return -1;
    deck_var *v = deck_find_var(dk, name);
    if (v) {
        if (v->from_command_line && !from_command_line)
            return 0;
        if ((v->kind == VAR_INDEX || v->kind == VAR_LOOP) && !from_command_line && kind == v->kind)
            return 0; /* LAMMPS: an existing index/loop variable stays */
    } else {
        if (dk->nvars == DECK_MAX_VARS)
            return -1;
        v = &dk->vars[dk->nvars++];
    }
    memset(v, 0, sizeof *v);
    snprintf(v->name, sizeof v->name, "%s", name);
    snprintf(v->value, sizeof v->value, "%s", value);
    v->kind = kind;
    v->from_command_line = from_command_line;
    return 0;
}

int deck_set_var(deck *dk, const char *name, const char *value, int from_command_line)
{
    return define(dk, name, VAR_STRING, value, from_command_line);
}

void deck_set_loop_var(deck *dk, const char *name, const char *value)
{
    deck_var *v = deck_find_var(dk, name);
    if (v && v->from_command_line)
        v->from_command_line = 0; /* the loop sets it, whatever -var said */
    if (define(dk, name, VAR_STRING, value, 0) != 0)
        deck_fail(dk, "%s: cannot set variable '%s' (a bad name, a value over %zu characters, or more than %d "
                  "variables)", dk->args[0], name, sizeof dk->vars[0].value - 1, DECK_MAX_VARS);
}

/* ---- formulas ------------------------------------------------------------- */

#define MAX_NESTING 32
typedef struct env_ctx {
    deck *dk;
    int depth;                            /* v_NAME nesting             */
    const char *within[MAX_NESTING];      /* ... the names being valued */
    int recursive;                        /* a cycle was found          */
} env_ctx;

static int eval_var(env_ctx *c, const char *name, double *v, char *err, size_t errlen);

/* Energies and virial of the current state: set up when not current. */
static void current_forces(md *s)
{
    if (!s->ready || s->energy_at != s->step)
        md_setup(s, 1);
}

static int keyword(void *ctx, const char *name, double *v, char *err, size_t errlen)
{
    md *s = ((env_ctx *)ctx)->dk->s;
    if (!strcmp(name, "dt")) {
        *v = s->dt;
        return 0;
    }
    int id = thermo_keyword(name);
    if (id < 0) {
        snprintf(err, errlen, "unknown name '%s' (a thermo keyword such as temp, pe, lx, or PI; a variable is "
                 "written v_%s)", name, name);
        return -1;
    }
    if (id > 1 && !s->have_box) {
        snprintf(err, errlen, "'%s' needs the system (create it first)", name);
        return -1;
    }
    if (thermo_keyword_needs_energy(id)) {
        if (!s->pot) {
            snprintf(err, errlen, "'%s' needs a potential", name);
            return -1;
        }
        /* Current at thermo lines; set up between commands. */
        current_forces(s);
    }
    *v = thermo_keyword_value(s, id);
    return 0;
}

static int variable(void *ctx, const char *name, double *v, char *err, size_t errlen)
{
    return eval_var(ctx, name, v, err, errlen);
}

/* Mass-weighted sum over group g of one component of x (unwrapped), v or f. */
static double group_moment(md *s, int g, char what, int d, double *mass)
{
    const atoms *a = &s->atoms;
    const uint64_t bit = group_bit(g);
    double loc[2] = {0, 0}, tot[2];
    for (int i = 0; i < a->nlocal; i++) {
        if (!(a->mask[i] & bit))
            continue;
        double m = atoms_mass(a, i), u[3];
        if (what == 'x')
            box_unwrap(&s->box, a->x[i], a->image[i], u);
        const double *q = what == 'x' ? u : what == 'v' ? a->v[i] : a->f[i];
        loc[0] += what == 'f' ? q[d] : m * q[d];
        loc[1] += m;
    }
    par_sum_doubles(loc, tot, 2);
    *mass = tot[1];
    return tot[0];
}

static int group_fn(void *ctx, const char *fn, const char *gname, const char *arg, double *v, char *err,
                    size_t errlen)
{
    md *s = ((env_ctx *)ctx)->dk->s;
    int g = group_find(&s->groups, gname);
    if (g < 0) {
        snprintf(err, errlen, "%s(): no group named '%s'", fn, gname);
        return -1;
    }
    int need_dim = fn[1] == 'c' && fn[2] == 'm';
    if (need_dim != (arg != NULL) || (arg && (strlen(arg) != 1 || arg[0] < 'x' || arg[0] > 'z'))) {
        snprintf(err, errlen, need_dim ? "%s(%s,DIM): DIM must be x, y or z" : "%s() takes a group only", fn, gname);
        return -1;
    }
    if (!strcmp(fn, "count")) {
        groups_recount(s); /* edits since the last set-up change counts */
        *v = (double)s->groups.g[g].count;
    } else if (!strcmp(fn, "temp") || !strcmp(fn, "ke")) {
        double ke = md_group_kinetic(s, g, NULL), dof = md_group_dof(s, g);
        *v = fn[0] == 'k' ? ke : dof > 0 ? 2.0 * ke / (dof * MG_BOLTZ) : 0.0;
    } else {
        double m;
        double sum = group_moment(s, g, need_dim ? fn[0] : 'x', need_dim ? arg[0] - 'x' : 0, &m);
        if (!strcmp(fn, "mass"))
            *v = m;
        else if (fn[0] == 'f')
            *v = sum;
        else if (!(m > 0)) {
            snprintf(err, errlen, "%s(%s): the group is empty", fn, gname);
            return -1;
        } else {
            *v = sum / m;
        }
    }
    return 0;
}

static const char *group_functions = " count mass temp ke xcm vcm fcm";

static int eval_formula(env_ctx *c, const char *text, double *v, char *err, size_t errlen)
{
    expr_env env = {keyword, variable, group_fn, group_functions, c};
    return expr_eval(text, &env, v, err, errlen);
}

static int eval_var(env_ctx *c, const char *name, double *v, char *err, size_t errlen)
{
    deck_var *var = deck_find_var(c->dk, name);
    if (!var) {
        snprintf(err, errlen, "variable '%s' is not defined", name);
        return -1;
    }
    for (int k = 0; k < c->depth; k++)
        if (!strcmp(c->within[k], name)) {
            char chain[512] = "";
            for (int j = k; j < c->depth; j++)
                snprintf(chain + strlen(chain), sizeof chain - strlen(chain), "%s -> ", c->within[j]);
            snprintf(err, errlen, "variable '%s' is defined through itself (%s%s)", name, chain, name);
            c->recursive = 1;
            return -1;
        }
    if (c->depth == MAX_NESTING) {
        snprintf(err, errlen, "variables nested more than %d deep", MAX_NESTING);
        return -1;
    }
    char text[sizeof var->value];
    snprintf(text, sizeof text, "%s", var->value);
    if (var->kind == VAR_INDEX) { /* the current word */
        const char *p = text;
        for (int k = 0; k < var->pos; k++)
            p = strchr(p, ' ') + 1;
        snprintf(text, sizeof text, "%.*s", (int)strcspn(p, " "), p);
    } else if (var->kind == VAR_LOOP) {
        snprintf(text, sizeof text, "%lld", (long long)(var->lo + var->pos));
    } else if (var->kind == VAR_FORMAT) {
        snprintf(text, sizeof text, "v_%s", var->target);
    }
    c->within[c->depth++] = var->name;
    char sub[512];
    int bad = eval_formula(c, text, v, sub, sizeof sub);
    c->depth--;
    /* A cycle's message names the whole chain once. */
    if (bad && c->recursive)
        snprintf(err, errlen, "%s", strstr(sub, "variable '") ? strstr(sub, "variable '") : sub);
    else if (bad)
        snprintf(err, errlen, "in variable '%s' (%s): %s", name, text, sub);
    return bad ? -1 : 0;
}

int deck_eval(deck *dk, const char *text, double *v, char *err, size_t errlen)
{
    env_ctx c = {.dk = dk};
    return eval_formula(&c, text, v, err, errlen);
}

double deck_var_value(deck *dk, const char *name)
{
    env_ctx c = {.dk = dk};
    double v;
    char err[600];
    if (eval_var(&c, name, &v, err, sizeof err) != 0)
        mg_fail_all("variable %s: %s", name, err);
    return v;
}

/* The text ${NAME} stands for. Returns 0, or -1 with a message. */
static int var_text(deck *dk, const char *name, char *out, size_t len, char *err, size_t errlen)
{
    deck_var *v = deck_find_var(dk, name);
    if (!v) {
        snprintf(err, errlen, "variable '%s' is not defined (define it with 'variable %s = VALUE' or -var %s VALUE)",
                 name, name, name);
        return -1;
    }
    if (v->kind == VAR_STRING) {
        snprintf(out, len, "%s", v->value);
        return 0;
    }
    if (v->kind == VAR_INDEX) {
        const char *p = v->value;
        for (int k = 0; k < v->pos; k++)
            p = strchr(p, ' ') + 1;
        snprintf(out, len, "%.*s", (int)strcspn(p, " "), p);
        return 0;
    }
    if (v->kind == VAR_LOOP) {
        snprintf(out, len, v->pad ? "%0*lld" : "%*lld", v->pad, (long long)(v->lo + v->pos));
        return 0;
    }
    env_ctx c = {.dk = dk};
    double x;
    if (eval_var(&c, name, &x, err, errlen) != 0)
        return -1;
    if (v->kind == VAR_FORMAT)
        snprintf(out, len, v->value, x);
    else
        snprintf(out, len, "%.15g", x);
    return 0;
}

/* Is fmt one C conversion for a double (flags, width, precision, f e g)?
 * Width and precision at most 2 digits each: printf allocates for what
 * they ask (a precision of 1e18 digits is gigabytes, found by fuzzing). */
static int double_format(const char *fmt)
{
    const char *p = strchr(fmt, '%');
    if (!p || strchr(p + 1, '%'))
        return 0;
    p++;
    while (*p && strchr("-+ #0", *p))
        p++;
    int digits = 0;
    while (isdigit((unsigned char)*p))
        p++, digits++;
    if (digits > 2)
        return 0;
    if (*p == '.') {
        digits = 0;
        for (p++; isdigit((unsigned char)*p);)
            p++, digits++;
        if (digits > 2)
            return 0;
    }
    return *p && strchr("feEgG", *p) && !p[1];
}

/* ---- substitution ---------------------------------------------------------- */

static void put(deck *dk, size_t *n, const char *text, size_t len)
{
    if (*n + len + 1 >= sizeof dk->expanded)
        deck_fail(dk, "line too long after substitution");
    memcpy(dk->expanded + *n, text, len);
    *n += len;
}

void deck_substitute(deck *dk, const char *src)
{
    size_t n = 0;
    char val[1100], err[600];
    for (const char *p = src; *p;) {
        if (p[0] != '$') {
            put(dk, &n, p++, 1);
            continue;
        }
        if (p[1] == '{') {
            const char *end = strchr(p, '}');
            if (!end)
                deck_fail(dk, "unterminated '${' (expected ${name})");
            char name[64];
            size_t len = (size_t)(end - p - 2);
            if (len == 0 || len >= sizeof name)
                deck_fail(dk, "bad variable reference '%.*s'", (int)(end - p + 1), p);
            memcpy(name, p + 2, len);
            name[len] = '\0';
            if (var_text(dk, name, val, sizeof val, err, sizeof err) != 0)
                deck_fail(dk, "%s", err);
            put(dk, &n, val, strlen(val));
            p = end + 1;
        } else if (p[1] == '(') {
            /* $(FORMULA[:FORMAT]): to the ')' that balances the '('. */
            int depth = 0;
            const char *q = p + 1, *colon = NULL;
            for (; *q; q++) {
                if (*q == '(')
                    depth++;
                else if (*q == ')' && --depth == 0)
                    break;
                else if (*q == ':' && depth == 1)
                    colon = q;
            }
            if (!*q)
                deck_fail(dk, "unterminated '$(' (expected $(FORMULA))");
            char formula[1024], fmt[64] = "%.20g";
            const char *fend = colon ? colon : q;
            if ((size_t)(fend - p - 2) >= sizeof formula)
                deck_fail(dk, "formula too long");
            snprintf(formula, sizeof formula, "%.*s", (int)(fend - p - 2), p + 2);
            if (colon) {
                snprintf(fmt, sizeof fmt, "%.*s", (int)(q - colon - 1), colon + 1);
                if (!double_format(fmt))
                    deck_fail(dk, "$(...:%s): the format must be one C conversion of a number, such as %%.3f or "
                              "%%10.4e (width and precision up to 99)", fmt);
            }
            double x;
            if (deck_eval(dk, formula, &x, err, sizeof err) != 0)
                deck_fail(dk, "in $(%s): %s", formula, err);
            snprintf(val, sizeof val, fmt, x);
            put(dk, &n, val, strlen(val));
            p = q + 1;
        } else if (isalpha((unsigned char)p[1]) || p[1] == '_') {
            char name[2] = {p[1], '\0'}; /* $X: a one-letter name, as LAMMPS */
            if (var_text(dk, name, val, sizeof val, err, sizeof err) != 0)
                deck_fail(dk, "%s (a name of more letters is written ${NAME})", err);
            put(dk, &n, val, strlen(val));
            p += 2;
        } else {
            put(dk, &n, p++, 1);
        }
    }
    dk->expanded[n] = '\0';
}

/* ---- commands ---------------------------------------------------------------- */

/* The words from args[i] on, joined by spaces (a formula may hold them). */
static void rest(deck *dk, int i, char *out, size_t len)
{
    out[0] = '\0';
    for (; i < dk->nargs; i++) {
        if (strlen(out) + strlen(dk->args[i]) + 2 >= len)
            deck_fail(dk, "variable: the value is longer than %zu characters", len - 1);
        if (out[0])
            strcat(out, " ");
        strcat(out, dk->args[i]);
    }
}

void cmd_variable(deck *dk)
{
    int i = 1;
    const char *name = deck_word(dk, &i, "variable name");
    const char *style = i < dk->nargs ? dk->args[i] : "";
    char value[1024];
    enum var_kind kind = VAR_STRING;
    int64_t lo = 1, hi = 0;
    int pad = 0, count = 0;
    char target[64] = "";
    if (!strcmp(style, "=")) {
        i++;
        snprintf(value, sizeof value, "%s", deck_word(dk, &i, "value"));
        deck_done(dk, i);
    } else if (!strcmp(style, "string")) {
        i++;
        snprintf(value, sizeof value, "%s", deck_word(dk, &i, "string value"));
        deck_done(dk, i);
    } else if (!strcmp(style, "equal")) {
        kind = VAR_EQUAL;
        rest(dk, i + 1, value, sizeof value);
        if (!value[0])
            deck_fail(dk, "variable %s equal: missing the formula", name);
        /* Its syntax now; its names are valued when it is used (they may
         * be defined later). */
        expr_env env = {NULL, NULL, NULL, group_functions, NULL};
        char err[600];
        if (expr_check(value, &env, err, sizeof err) != 0)
            deck_fail(dk, "variable %s equal %s: %s", name, value, err);
    } else if (!strcmp(style, "index")) {
        kind = VAR_INDEX;
        rest(dk, i + 1, value, sizeof value);
        for (int k = i + 1; k < dk->nargs; k++)
            count++;
        if (!count)
            deck_fail(dk, "variable %s index: needs at least one word", name);
    } else if (!strcmp(style, "loop")) {
        kind = VAR_LOOP;
        i++;
        int64_t a = deck_int(dk, &i, "loop count (or first value)", 0, INT64_C(1) << 40);
        if (i < dk->nargs && strcmp(dk->args[i], "pad")) {
            lo = a;
            hi = deck_int(dk, &i, "loop end", a, INT64_C(1) << 40);
        } else {
            hi = a;
        }
        if (i < dk->nargs) {
            const char *w = deck_word(dk, &i, "'pad'");
            if (strcmp(w, "pad"))
                deck_fail(dk, "variable %s loop: expected 'pad' after the numbers, got '%s'", name, w);
            pad = snprintf(NULL, 0, "%lld", (long long)hi);
        }
        deck_done(dk, i);
        if (hi < lo)
            deck_fail(dk, "variable %s loop: the range %lld..%lld is empty", name, (long long)lo, (long long)hi);
        snprintf(value, sizeof value, "%lld %lld", (long long)lo, (long long)hi);
    } else if (!strcmp(style, "format")) {
        kind = VAR_FORMAT;
        i++;
        snprintf(target, sizeof target, "%s", deck_word(dk, &i, "the equal variable to format"));
        snprintf(value, sizeof value, "%s", deck_word(dk, &i, "C format (such as %.3f)"));
        deck_done(dk, i);
        if (!double_format(value))
            deck_fail(dk, "variable %s format: '%s' is not one C conversion of a number (such as %%.3f or %%10.4e; width and "
                      "precision up to 99)",
                      name, value);
    } else if (i < dk->nargs) {
        snprintf(value, sizeof value, "%s", deck_word(dk, &i, "value"));
        if (i < dk->nargs)
            deck_fail(dk, "variable: '%s' is not a style (=, string, equal, index, loop, format); a text with spaces "
                      "needs quotes", style);
    } else {
        deck_fail(dk, "variable: missing value");
    }
    deck_var *old = deck_find_var(dk, name);
    int kept = old && ((old->from_command_line) || ((old->kind == VAR_INDEX || old->kind == VAR_LOOP) &&
                                                     old->kind == kind));
    if (define(dk, name, kind, value, 0) != 0)
        deck_fail(dk, "variable: bad name '%s' (letters, digits, _) or too many variables", name);
    if (kept)
        return;
    deck_var *v = deck_find_var(dk, name);
    v->lo = lo;
    v->count = kind == VAR_LOOP ? (int)(hi - lo + 1) : count;
    v->pad = pad;
    snprintf(v->target, sizeof v->target, "%s", target);
}

void cmd_next(deck *dk)
{
    if (dk->nargs < 2)
        deck_fail(dk, "next: missing variable name");
    for (int i = 1; i < dk->nargs; i++) {
        deck_var *v = deck_find_var(dk, dk->args[i]);
        if (!v)
            deck_fail(dk, "next: variable '%s' is not defined", dk->args[i]);
        if (v->kind != VAR_INDEX && v->kind != VAR_LOOP)
            deck_fail(dk, "next: variable '%s' is not an index or loop variable", dk->args[i]);
        if (++v->pos >= v->count)
            remove_var(dk, v); /* past its last value, as LAMMPS */
    }
}

void cmd_print(deck *dk)
{
    /* Trailing keywords: file F, append F, screen yes|no. */
    int end = dk->nargs, screen = 1;
    const char *path = NULL;
    int append = 0;
    for (int k = 1; k < dk->nargs - 1; k++) {
        const char *w = dk->args[k];
        if (!strcmp(w, "file") || !strcmp(w, "append") || !strcmp(w, "screen")) {
            end = k;
            for (int j = k; j < dk->nargs; j++) {
                const char *kw = dk->args[j];
                if (j + 1 >= dk->nargs)
                    deck_fail(dk, "print: '%s' needs a value", kw);
                if (!strcmp(kw, "file") || !strcmp(kw, "append")) {
                    path = dk->args[++j];
                    append = kw[0] == 'a';
                } else if (!strcmp(kw, "screen")) {
                    int jj = j + 1;
                    screen = deck_bool(dk, &jj, "screen");
                    j = jj - 1;
                } else {
                    deck_fail(dk, "print: unknown keyword '%s' after the text (expected file, append, screen)", kw);
                }
            }
            break;
        }
    }
    char line[4200] = "";
    for (int i = 1; i < end; i++) {
        strncat(line, dk->args[i], sizeof line - strlen(line) - 2);
        if (i + 1 < end)
            strcat(line, " ");
    }
    if (screen && par_rank() == 0) {
        printf("%s\n", line);
        fflush(stdout);
    }
    if (path)
        deck_print_file(dk, path, append, line);
}

/* ---- print files ------------------------------------------------------------- */

/* Collective: rank 0 writes, every rank learns the new length. */
void deck_print_file(deck *dk, const char *path, int append, const char *line)
{
    int k = 0;
    while (k < dk->nprint && strcmp(dk->prints[k].path, path))
        k++;
    int64_t pos = 0;
    char refusal[2600] = "";
    if (par_rank() == 0) {
        /* Every print shares the owner "print" (prints append to one file
         * as a matter of course); another output's file is refused. The
         * claim is held for the run, the lock while the line is written. */
        FILE *f = claim_fopen("print", path, append ? "a" : "w", refusal, sizeof refusal);
        if (!f && errno == EBUSY)
            pos = -1;
        else if (!f || fprintf(f, "%s\n", line) < 0 || fflush(f) != 0)
            mg_fail_one("print: cannot write %s: %s", path, strerror(errno));
        if (f) {
            pos = ftell(f);
            fclose(f);
        }
    }
    claim_verdict(pos < 0 ? refusal : "");
    par_bcast_bytes(&pos, sizeof pos, 0);
    if (k == dk->nprint) {
        if (dk->nprint == DECK_MAX_PRINT_FILES)
            return; /* not followed across a restart beyond this many */
        dk->nprint++;
        snprintf(dk->prints[k].path, sizeof dk->prints[k].path, "%s", path);
    }
    dk->prints[k].bytes = pos;
}

static void save_prints(void *ctx, ckpt_state *c)
{
    deck *dk = ctx;
    for (int k = 0; k < dk->nprint; k++) {
        char key[16];
        snprintf(key, sizeof key, "file%d", k);
        ckpt_state *sub = ckpt_enter(c, key);
        ckpt_put_text(sub, "path", dk->prints[k].path);
        ckpt_put_i64(sub, "bytes", &dk->prints[k].bytes, 1);
        ckpt_leave(sub);
    }
}

/* Each print file back to its length at the checkpoint: what the killed
 * run printed after it is printed again by the continuation. */
static int restore_prints(void *ctx, ckpt_state *c, char *why, size_t whylen)
{
    deck *dk = ctx;
    int n = ckpt_count(c);
    for (int k = 0; k < n && k < DECK_MAX_PRINT_FILES; k++) {
        char key[16];
        snprintf(key, sizeof key, "file%d", k);
        ckpt_state *sub = ckpt_enter(c, key);
        char *path = sub ? ckpt_get_text(sub, "path") : NULL;
        int64_t bytes = 0;
        int bad = !path || ckpt_get_i64(sub, "bytes", &bytes, 1) != 0;
        ckpt_leave(sub);
        if (bad) {
            free(path);
            snprintf(why, whylen, "the record of print files is incomplete");
            return -1;
        }
        char err[1200] = "";
        if (par_rank() == 0 && truncate(path, (off_t)bytes) != 0)
            snprintf(err, sizeof err, "cannot cut the print file %s back to %lld bytes: %s", path, (long long)bytes,
                     strerror(errno));
        par_bcast_bytes(err, sizeof err, 0);
        snprintf(dk->prints[k].path, sizeof dk->prints[k].path, "%s", path);
        dk->prints[k].bytes = bytes;
        free(path);
        if (err[0]) {
            snprintf(why, whylen, "%s", err);
            return -1;
        }
    }
    dk->nprint = n < DECK_MAX_PRINT_FILES ? n : DECK_MAX_PRINT_FILES;
    return 0;
}

ckpt_section deck_prints_section(deck *dk)
{
    ckpt_section s = {"prints", save_prints, restore_prints, dk};
    return s;
}
