/* One validated path for every number a user gives: deck values, data
 * files, potential files, composition strings, checkpoint attributes.
 *
 * num_real accepts a decimal number only ("300", "-1.5e-3", ".5"): not
 * "inf", "nan", hexadecimal or a value beyond the range of a double, all of
 * which strtod would take. num_int accepts a decimal integer that fits an
 * int64_t. The callers add the range of the quantity: units_range() for
 * physical quantities (units.h; the table is in docs/errors.md), their own
 * bounds for counts and indices, and num_describe() words the complaint.
 * No communication. */
#ifndef MGMD_NUMBERS_H
#define MGMD_NUMBERS_H

#include <stdint.h>

enum num_status {
    NUM_OK = 0,
    NUM_SYNTAX,     /* not a decimal number (or trailing characters)      */
    NUM_NONFINITE,  /* inf, nan, or beyond the range of a double          */
    NUM_RANGE       /* an integer beyond int64_t                          */
};

/* The whole of text as a finite double. */
enum num_status num_real(const char *text, double *v);
/* A finite decimal number at the start of text; *end is set past it (for
 * strings such as compositions, "Cu64Zr36"). */
enum num_status num_real_prefix(const char *text, double *v, const char **end);
/* The whole of text as a decimal integer. */
enum num_status num_int(const char *text, int64_t *v);
/* "is not a number", "is not finite", ... for a message. */
const char *num_describe(enum num_status st);

#endif
