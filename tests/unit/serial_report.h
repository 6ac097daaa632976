/* One ok/FAIL line per check for the serial C tests (no MPI): `checks` and
 * `failures` count them for the exit status. The MPI tests use
 * unit_report.h, which reduces each check over the ranks. */
#ifndef MGMD_SERIAL_REPORT_H
#define MGMD_SERIAL_REPORT_H

#include <stdarg.h>
#include <stdio.h>

static int failures, checks;

static void report(int ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void report(int ok, const char *fmt, ...)
{
    checks++;
    if (!ok)
        failures++;
    char msg[800];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    printf("%s %s\n", ok ? "ok  " : "FAIL", msg);
}

#endif
