/* Fuzz target: the formula evaluator (core/expr.h), expr_eval and
 * expr_check on the input as formula text.
 *
 * The environment resolves a few thermo-like names (step, temp, lx), v_a and
 * v_b (v_b refers to nothing further: no recursion here, that is the deck's
 * business) and the group functions count(G), xcm(G,x|y|z) for G = all, so
 * the resolver paths and their error messages run. Contract checked beyond
 * "no crash": a success gives a finite value (expr.h: a non-finite result is
 * an error), a failure leaves a non-empty message that fits its buffer (the
 * second call gets a buffer of 1..40 bytes from malloc, so ASan sees any
 * write past errlen). Pure: no MPI, no files. Inputs are cut at 4095
 * characters, the longest formula a deck line can hold. */
#include "core/expr.h"
#include "core/error.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int name(void *ctx, const char *n, double *v, char *err, size_t errlen)
{
    (void)ctx;
    if (!strcmp(n, "step")) *v = 1000;
    else if (!strcmp(n, "temp")) *v = 300.5;
    else if (!strcmp(n, "lx")) *v = 1e-300;
    else if (!strcmp(n, "pe")) {
        snprintf(err, errlen, "'pe' needs a potential");
        return -1;
    } else
        return -1;
    return 0;
}

static int variable(void *ctx, const char *n, double *v, char *err, size_t errlen)
{
    (void)ctx;
    if (!strcmp(n, "a")) *v = 2.5;
    else if (!strcmp(n, "b")) *v = -0.0;
    else {
        snprintf(err, errlen, "variable '%s' is not defined", n);
        return -1;
    }
    return 0;
}

static int group_fn(void *ctx, const char *fn, const char *group, const char *arg, double *v, char *err,
                    size_t errlen)
{
    (void)ctx;
    if (strcmp(fn, "count") && strcmp(fn, "xcm"))
        return -1;
    if (strcmp(group, "all")) {
        snprintf(err, errlen, "%s: no group '%s'", fn, group);
        return -1;
    }
    if (!strcmp(fn, "xcm")) {
        if (!arg || !arg[0] || arg[1] || !strchr("xyz", arg[0])) {
            snprintf(err, errlen, "xcm(%s,...): expected x, y or z", group);
            return -1;
        }
        *v = arg[0] - 'x';
        return 0;
    }
    if (arg) {
        snprintf(err, errlen, "count(%s): takes one argument", group);
        return -1;
    }
    *v = 42;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4095)
        size = 4095;
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    const expr_env env = {name, variable, group_fn, " count xcm", NULL};
    char err[600];
    double v;
    for (int with_env = 0; with_env < 2; with_env++) {
        const expr_env *e = with_env ? &env : NULL;
        err[0] = '\0';
        if (expr_eval(text, e, &v, err, sizeof err) == 0) {
            if (!isfinite(v)) {
                fprintf(stderr, "expr_eval returned success with a non-finite value %g\n", v);
                abort();
            }
        } else if (!err[0] || !memchr(err, '\0', sizeof err)) {
            fprintf(stderr, "expr_eval failed without a message\n");
            abort();
        }
        err[0] = '\0';
        if (expr_check(text, e, err, sizeof err) != 0 && !err[0]) {
            fprintf(stderr, "expr_check failed without a message\n");
            abort();
        }
    }
    /* A small error buffer: messages must be cut, not overrun. */
    size_t small = 1 + (size ? data[0] % 40 : 0);
    char *tiny = malloc(small);
    tiny[0] = '\0';
    if (expr_eval(text, &env, &v, tiny, small) != 0 && !memchr(tiny, '\0', small)) {
        fprintf(stderr, "expr_eval left an unterminated message\n");
        abort();
    }
    expr_check(text, &env, tiny, small);
    free(tiny);
    free(text);
    return 0;
}
