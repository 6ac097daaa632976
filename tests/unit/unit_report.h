/* One ok/FAIL line per check group for the MPI unit tests: `ok` is reduced
 * over the ranks (a check fails if it fails on any rank) and rank 0 prints.
 * unit_checks and unit_failures count the groups for the exit status. */
#ifndef MGMD_UNIT_REPORT_H
#define MGMD_UNIT_REPORT_H

#include "parallel/parallel.h"

#include <stdarg.h>
#include <stdio.h>

static int unit_failures, unit_checks;

static void report(int ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void report(int ok, const char *fmt, ...)
{
    ok = par_min_int(ok ? 1 : 0);
    unit_checks++;
    if (!ok)
        unit_failures++;
    if (par_rank() == 0) {
        char msg[600];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        printf("%s %s\n", ok ? "ok  " : "FAIL", msg);
        fflush(stdout);
    }
}

#endif
