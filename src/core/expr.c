/* Formulas (expr.h): a recursive-descent parser that evaluates as it
 * parses, one function per precedence level, errors carrying the column of
 * the token where they arise. LAMMPS' precedence and rounding (its
 * variable.cpp documentation): unary minus and ! bind tighter than ^, and
 * every level associates to the left. No communication. */
#include "core/expr.h"
#include "core/units.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct parser {
    const char *text, *p;
    const expr_env *env;
    char *err;
    size_t errlen;
    int failed;
    int check;          /* syntax only: names are 1, arithmetic unchecked */
} parser;

static int col(const parser *ps, const char *at) { return (int)(at - ps->text) + 1; }

/* First error wins; returns NAN so callers can simply return it. */
static double fail(parser *ps, const char *at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static double fail(parser *ps, const char *at, const char *fmt, ...)
{
    if (ps->failed)
        return NAN;
    ps->failed = 1;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(ps->err, ps->errlen, "column %d: %s", col(ps, at), msg);
    return NAN;
}

/* An arithmetic error (division by zero, a domain error): not one in a
 * syntax check, whose names all stand for 1. */
#define ARITH(ps) (!(ps)->check)

static void blank(parser *ps)
{
    while (*ps->p && isspace((unsigned char)*ps->p))
        ps->p++;
}

static int accept(parser *ps, const char *op)
{
    blank(ps);
    size_t n = strlen(op);
    if (strncmp(ps->p, op, n) != 0)
        return 0;
    /* '<' must not take the start of "<=", '|' of "||" and so on. */
    if (n == 1 && (op[0] == '<' || op[0] == '>' || op[0] == '!') && ps->p[1] == '=')
        return 0;
    ps->p += n;
    return 1;
}

static double or_expr(parser *ps);

static int is_name_start(char c) { return isalpha((unsigned char)c) || c == '_'; }
static int is_name_char(char c) { return isalnum((unsigned char)c) || c == '_'; }

/* A name at ps->p into buf; returns its length (0 if none). */
static size_t name(parser *ps, char *buf, size_t len)
{
    const char *q = ps->p;
    if (!is_name_start(*q))
        return 0;
    while (is_name_char(*q))
        q++;
    size_t n = (size_t)(q - ps->p);
    snprintf(buf, len, "%.*s", (int)n, ps->p);
    ps->p = q;
    return n;
}

/* A group function's arguments: a group name and an optional word. */
static double group_call(parser *ps, const char *fn, const char *at)
{
    char group[64] = "", arg[64] = "";
    blank(ps);
    if (!name(ps, group, sizeof group))
        return fail(ps, ps->p, "%s(): expected a group name", fn);
    blank(ps);
    if (accept(ps, ",")) {
        blank(ps);
        if (!name(ps, arg, sizeof arg))
            return fail(ps, ps->p, "%s(): expected a word after the group (such as x, y or z)", fn);
    }
    if (!accept(ps, ")"))
        return fail(ps, ps->p, "%s(): expected ')'", fn);
    if (ps->check)
        return 1.0;
    double v = 0;
    char e[256] = "";
    if (!ps->env || !ps->env->group_fn || ps->env->group_fn(ps->env->ctx, fn, group, arg[0] ? arg : NULL, &v, e,
                                                           sizeof e) != 0)
        return fail(ps, at, "%s", e[0] ? e : "unknown function");
    return v;
}

static const struct {
    const char *name;
    int nargs;
} math[] = {
    {"sqrt", 1}, {"exp", 1}, {"ln", 1}, {"log", 1}, {"abs", 1}, {"sin", 1}, {"cos", 1}, {"tan", 1},
    {"asin", 1}, {"acos", 1}, {"atan", 1}, {"atan2", 2}, {"floor", 1}, {"ceil", 1}, {"round", 1},
    {"min", 2}, {"max", 2},
};

static double apply(parser *ps, const char *fn, const double *a, const char *at)
{
    if (ps->check)
        return 1.0;
    if (!strcmp(fn, "sqrt"))
        return a[0] < 0 ? fail(ps, at, "sqrt of a negative number (%.17g)", a[0]) : sqrt(a[0]);
    if (!strcmp(fn, "exp"))
        return exp(a[0]);
    if (!strcmp(fn, "ln") || !strcmp(fn, "log")) {
        if (!(a[0] > 0))
            return fail(ps, at, "%s of zero or a negative number (%.17g)", fn, a[0]);
        return fn[1] == 'n' ? log(a[0]) : log10(a[0]);
    }
    if (!strcmp(fn, "abs"))
        return fabs(a[0]);
    if (!strcmp(fn, "sin"))
        return sin(a[0]);
    if (!strcmp(fn, "cos"))
        return cos(a[0]);
    if (!strcmp(fn, "tan"))
        return tan(a[0]);
    if (!strcmp(fn, "asin") || !strcmp(fn, "acos")) {
        if (a[0] < -1 || a[0] > 1)
            return fail(ps, at, "%s of %.17g, outside [-1, 1]", fn, a[0]);
        return fn[1] == 's' ? asin(a[0]) : acos(a[0]);
    }
    if (!strcmp(fn, "atan"))
        return atan(a[0]);
    if (!strcmp(fn, "atan2"))
        return atan2(a[0], a[1]);
    if (!strcmp(fn, "floor"))
        return floor(a[0]);
    if (!strcmp(fn, "ceil"))
        return ceil(a[0]);
    if (!strcmp(fn, "round")) /* halves up, as LAMMPS: round(-2.5) = -2 */
        return a[0] - floor(a[0]) >= 0.5 ? ceil(a[0]) : floor(a[0]);
    if (!strcmp(fn, "min"))
        return a[0] < a[1] ? a[0] : a[1];
    return a[0] > a[1] ? a[0] : a[1];
}

static double call(parser *ps, const char *fn, const char *at)
{
    for (size_t k = 0; k < sizeof math / sizeof math[0]; k++) {
        if (strcmp(math[k].name, fn))
            continue;
        double a[2] = {0, 0};
        for (int j = 0; j < math[k].nargs; j++) {
            if (j && !accept(ps, ","))
                return fail(ps, ps->p, "%s() takes %d arguments: expected ','", fn, math[k].nargs);
            a[j] = or_expr(ps);
        }
        if (accept(ps, ","))
            return fail(ps, ps->p, "%s() takes %d argument%s", fn, math[k].nargs, math[k].nargs > 1 ? "s" : "");
        if (!accept(ps, ")"))
            return fail(ps, ps->p, "expected ')' to close %s(", fn);
        return ps->failed ? NAN : apply(ps, fn, a, at);
    }
    /* A function of a group, if the caller has it. */
    const char *gf = ps->env && ps->env->group_functions ? ps->env->group_functions : "";
    size_t fl = strlen(fn);
    for (const char *g = strstr(gf, fn); g; g = strstr(g + 1, fn))
        if ((g == gf || g[-1] == ' ') && (g[fl] == ' ' || g[fl] == '\0'))
            return group_call(ps, fn, at);
    return fail(ps, at, "unknown function '%s' (sqrt exp ln log abs sin cos tan asin acos atan atan2 floor ceil round "
                "min max%s%s)", fn, gf[0] ? "; of a group:" : "", gf);
}

static double primary(parser *ps)
{
    blank(ps);
    const char *at = ps->p;
    if (!*ps->p)
        return fail(ps, at, "the formula ends where a number, a name or '(' was expected");
    if (accept(ps, "(")) {
        double v = or_expr(ps);
        if (!accept(ps, ")"))
            return fail(ps, ps->p, *ps->p ? "expected ')'" : "missing ')' for the '(' at column %d", col(ps, at));
        return v;
    }
    if (isdigit((unsigned char)*ps->p) || (*ps->p == '.' && isdigit((unsigned char)ps->p[1]))) {
        /* Decimal only: strtod would also take hex and "inf". */
        const char *q = ps->p;
        while (isdigit((unsigned char)*q))
            q++;
        if (*q == '.')
            for (q++; isdigit((unsigned char)*q);)
                q++;
        if ((*q == 'e' || *q == 'E') &&
            (isdigit((unsigned char)q[1]) || ((q[1] == '+' || q[1] == '-') && isdigit((unsigned char)q[2])))) {
            q += 2;
            while (isdigit((unsigned char)*q))
                q++;
        }
        char buf[64];
        snprintf(buf, sizeof buf, "%.*s", (int)(q - ps->p), ps->p);
        double v = strtod(buf, NULL);
        ps->p = q;
        /* A unit after a number: the value in metal units. */
        const char *u = ps->p;
        while (*u == ' ' || *u == '\t')
            u++;
        enum quantity which;
        double f;
        size_t n = units_match(u, &which, &f);
        if (n) {
            ps->p = u + n;
            v *= f;
        }
        return v;
    }
    char id[128];
    if (!name(ps, id, sizeof id))
        return fail(ps, at, "unexpected '%c' where a number, a name or '(' was expected", *at);
    blank(ps);
    if (*ps->p == '(') {
        ps->p++;
        return call(ps, id, at);
    }
    if (!strcmp(id, "PI"))
        return M_PI;
    if (ps->check)
        return 1.0;
    double v = 0;
    char e[256] = "";
    if (!strncmp(id, "v_", 2)) {
        if (!ps->env || !ps->env->variable || ps->env->variable(ps->env->ctx, id + 2, &v, e, sizeof e) != 0)
            return fail(ps, at, "%s", e[0] ? e : "unknown variable");
        return v;
    }
    if (!ps->env || !ps->env->name || ps->env->name(ps->env->ctx, id, &v, e, sizeof e) != 0)
        return fail(ps, at, "%s", e[0] ? e : "unknown name (a variable is written v_NAME)");
    return v;
}

static double unary(parser *ps)
{
    if (accept(ps, "-"))
        return -unary(ps);
    if (accept(ps, "!"))
        return unary(ps) == 0.0 ? 1.0 : 0.0;
    if (accept(ps, "+"))
        return unary(ps);
    return primary(ps);
}

static double power(parser *ps)
{
    double v = unary(ps);
    for (;;) {
        blank(ps);
        const char *at = ps->p;
        if (!accept(ps, "^"))
            return v;
        double e = unary(ps);
        if (ps->failed)
            return NAN;
        if (ps->check)
            continue;
        if (e == 0) { /* x^0 is 1, 0^0 too, as LAMMPS */
            v = 1.0;
            continue;
        }
        if (v == 0 && e < 0)
            return fail(ps, at, "0 to the power %.17g", e);
        if (v < 0 && e != floor(e))
            return fail(ps, at, "a negative number (%.17g) to the fractional power %.17g", v, e);
        v = pow(v, e);
    }
}

static double product(parser *ps)
{
    double v = power(ps);
    for (;;) {
        blank(ps);
        const char *at = ps->p;
        if (accept(ps, "*")) {
            v *= power(ps);
        } else if (accept(ps, "/")) {
            double d = power(ps);
            if (d == 0 && !ps->failed && ARITH(ps))
                return fail(ps, at, "division by zero");
            v /= d;
        } else if (accept(ps, "%")) {
            double d = power(ps);
            if (d == 0 && !ps->failed && ARITH(ps))
                return fail(ps, at, "modulo zero");
            v = fmod(v, d);
        } else {
            return v;
        }
    }
}

static double sum(parser *ps)
{
    double v = product(ps);
    for (;;) {
        if (accept(ps, "+"))
            v += product(ps);
        else if (accept(ps, "-"))
            v -= product(ps);
        else
            return v;
    }
}

static double relation(parser *ps)
{
    double v = sum(ps);
    for (;;) {
        if (accept(ps, "<="))
            v = v <= sum(ps);
        else if (accept(ps, ">="))
            v = v >= sum(ps);
        else if (accept(ps, "<"))
            v = v < sum(ps);
        else if (accept(ps, ">"))
            v = v > sum(ps);
        else
            return v;
    }
}

static double equality(parser *ps)
{
    double v = relation(ps);
    for (;;) {
        if (accept(ps, "=="))
            v = v == relation(ps);
        else if (accept(ps, "!="))
            v = v != relation(ps);
        else
            return v;
    }
}

static double and_expr(parser *ps)
{
    double v = equality(ps);
    while (accept(ps, "&&")) {
        double w = equality(ps);
        v = v != 0.0 && w != 0.0;
    }
    return v;
}

static double or_expr(parser *ps)
{
    double v = and_expr(ps);
    for (;;) {
        if (accept(ps, "||")) {
            double w = and_expr(ps);
            v = v != 0.0 || w != 0.0;
        } else if (accept(ps, "|^")) {
            double w = and_expr(ps);
            v = (v != 0.0) != (w != 0.0);
        } else {
            return v;
        }
    }
}

static int run(const char *text, const expr_env *env, int check, double *out, char *err, size_t errlen)
{
    parser ps = {text, text, env, err, errlen, 0, check};
    err[0] = '\0';
    double v = or_expr(&ps);
    blank(&ps);
    if (!ps.failed && *ps.p)
        fail(&ps, ps.p, *ps.p == ')' ? "')' without a '(' before it" : "unexpected '%s' (expected an operator)", ps.p);
    if (!ps.failed && !check && !isfinite(v))
        fail(&ps, text, "the result is not a finite number");
    if (ps.failed)
        return -1;
    *out = v;
    return 0;
}

int expr_eval(const char *text, const expr_env *env, double *out, char *err, size_t errlen)
{
    return run(text, env, 0, out, err, errlen);
}

int expr_check(const char *text, const expr_env *env, char *err, size_t errlen)
{
    double v;
    return run(text, env, 1, &v, err, errlen);
}
