/* Validated numbers (numbers.h). The span of a decimal number is found by
 * hand, so strtod only ever sees digits, a point and an exponent: it
 * cannot take "inf", "nan", "0x1p3" or "infinity" from a user. A value
 * whose magnitude exceeds DBL_MAX is refused (strtod's ERANGE with
 * HUGE_VAL); one below the smallest double becomes 0 or a denormal, which
 * is what it means. No communication. */
#include "core/numbers.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Length of the decimal number at s (0 if none). */
static size_t decimal_span(const char *s)
{
    const char *p = s;
    if (*p == '+' || *p == '-')
        p++;
    size_t digits = 0;
    while (isdigit((unsigned char)*p))
        p++, digits++;
    if (*p == '.') {
        p++;
        while (isdigit((unsigned char)*p))
            p++, digits++;
    }
    if (!digits)
        return 0;
    if (*p == 'e' || *p == 'E') {
        const char *q = p + 1;
        if (*q == '+' || *q == '-')
            q++;
        if (isdigit((unsigned char)*q)) {
            while (isdigit((unsigned char)*q))
                q++;
            p = q;
        }
    }
    return (size_t)(p - s);
}

enum num_status num_real_prefix(const char *text, double *v, const char **end)
{
    size_t n = decimal_span(text);
    *end = text;
    if (!n)
        return NUM_SYNTAX;
    char buf[128];
    if (n >= sizeof buf)
        return NUM_SYNTAX; /* 127 characters hold any double in full */
    memcpy(buf, text, n);
    buf[n] = '\0';
    errno = 0;
    double x = strtod(buf, NULL);
    *end = text + n;
    if (!isfinite(x) || (errno == ERANGE && fabs(x) > 1.0))
        return NUM_NONFINITE;
    *v = x;
    return NUM_OK;
}

enum num_status num_real(const char *text, double *v)
{
    const char *end;
    enum num_status st = num_real_prefix(text, v, &end);
    if (st == NUM_OK && *end)
        return NUM_SYNTAX;
    if (st == NUM_SYNTAX) {
        /* Say "not finite" for the words strtod would have taken. */
        const char *p = text + (*text == '+' || *text == '-');
        if (!strncasecmp(p, "inf", 3) || !strncasecmp(p, "nan", 3))
            return NUM_NONFINITE;
    }
    return st;
}

enum num_status num_int(const char *text, int64_t *v)
{
    const char *p = text;
    if (*p == '+' || *p == '-')
        p++;
    if (!isdigit((unsigned char)*p))
        return NUM_SYNTAX;
    while (isdigit((unsigned char)*p))
        p++;
    if (*p)
        return NUM_SYNTAX;
    errno = 0;
    long long x = strtoll(text, NULL, 10);
    if (errno == ERANGE)
        return NUM_RANGE;
    *v = x;
    return NUM_OK;
}

const char *num_describe(enum num_status st)
{
    switch (st) {
    case NUM_OK: return "is a number";
    case NUM_SYNTAX: return "is not a number";
    case NUM_NONFINITE: return "is not a finite number (inf, nan or beyond 1.8e308 are refused)";
    case NUM_RANGE: return "is beyond the range of a 64-bit integer";
    }
    return "is not a number";
}
