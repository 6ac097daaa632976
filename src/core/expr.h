/* Formulas: the arithmetic of `variable NAME equal EXPR` and `$(EXPR)`,
 * with LAMMPS' meaning so that ported decks compute the same numbers.
 *
 *   numbers      2  0.5  1e-3  .5, optionally followed by a unit word of
 *                any quantity (2 fs = 0.002, 1 GPa = 1e4, 1e13 K/s = 10):
 *                converted to metal units (core/units.h)
 *   names        PI; thermo keywords and other names the caller resolves
 *                (step, temp, pe, lx, ...); v_NAME, another variable
 *   functions    sqrt exp ln log (base 10, as LAMMPS) abs sin cos tan asin
 *                acos atan atan2(y,x) floor ceil round (halves up, as
 *                LAMMPS) min max; and f(GROUP[,ARG]) functions the caller
 *                names and resolves (count(G), temp(G), xcm(G,x), ...)
 *   operators    by precedence, highest first, each level left to right:
 *                unary - and !          (-2^2 = 4, as LAMMPS)
 *                ^                      (2^3^2 = 64: left-associative)
 *                * / %                  (% is C's fmod: -7%3 = -1)
 *                + -
 *                < <= > >=
 *                == !=
 *                &&
 *                || |^                  (|^ exclusive or)
 *   logic        true is 1, false 0; any non-zero value is true
 *
 * Errors (division or modulo by zero, the square root or logarithm of a
 * negative number, a negative number to a fractional power, 0 to a
 * non-positive power, a non-finite result, unbalanced parentheses, an
 * unknown name or function, a wrong number of arguments) are reported
 * with the column (1-based) where the offending part of the formula
 * starts. No communication of its own: the resolvers may communicate, and
 * every rank must evaluate the same formula in step. */
#ifndef MGMD_EXPR_H
#define MGMD_EXPR_H

#include <stddef.h>

typedef struct expr_env {
    /* A bare name (thermo keyword): 0 and *v, or -1 if unknown (err may
     * then be left empty for the default message). */
    int (*name)(void *ctx, const char *name, double *v, char *err, size_t errlen);
    /* v_NAME. */
    int (*variable)(void *ctx, const char *name, double *v, char *err, size_t errlen);
    /* fn(GROUP) or fn(GROUP,ARG) with ARG a word (x, y, z): 0 and *v, or -1
     * if fn is not such a function (err empty) or fails (err set). */
    int (*group_fn)(void *ctx, const char *fn, const char *group, const char *arg, double *v, char *err,
                    size_t errlen);
    /* The names group_fn knows, each after a space (" count temp"). */
    const char *group_functions;
    void *ctx;
} expr_env;

/* Evaluate text. Returns 0 and *out, or -1 with a message in err that
 * names the column ("column 7: division by zero"). env may be NULL or have
 * NULL resolvers (then only numbers, PI and functions are known). */
int expr_eval(const char *text, const expr_env *env, double *out, char *err, size_t errlen);
/* The syntax of text only (a definition, before its names have values):
 * every name stands for 1, arithmetic errors are not looked for; unknown
 * functions, unbalanced parentheses and stray characters are errors. */
int expr_check(const char *text, const expr_env *env, char *err, size_t errlen);

#endif
