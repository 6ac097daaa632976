/* The two failure routes (error.h) and the helpers built on them. The
 * collective route prints on rank 0 only, flushes, and calls par_finalize
 * (MPI_Finalize, itself collective), so every rank must reach it; the
 * one-rank route prints with its rank and calls par_abort (MPI_Abort),
 * which ends every rank. mg_check_all finds the lowest failing rank with a
 * min-reduction and broadcasts its message (cut to 1023 characters) before
 * failing collectively. Allocation failures take the one-rank route;
 * warnings print on rank 0 only. A fail hook (set only by the fuzz
 * harnesses, tests/fuzz/) is called with the exit code and the formatted
 * message before anything is printed, so a harness can longjmp back and
 * try its next input; unset, the routes are unchanged. Communication:
 * MPI_Finalize and MPI_Abort, through parallel.h, and mg_check_all's
 * reduction and broadcast. */
#include "core/error.h"
#include "parallel/parallel.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static mg_fail_hook fail_hook;

void mg_set_fail_hook(mg_fail_hook hook) { fail_hook = hook; }

/* Hand the message to the hook, if one is set; it should not return (if it
 * does, the default route follows). */
static void call_hook(int code, const char *fmt, va_list ap)
{
    if (!fail_hook)
        return;
    char msg[4096];
    va_list aq;
    va_copy(aq, ap);
    vsnprintf(msg, sizeof msg, fmt, aq);
    va_end(aq);
    fail_hook(code, msg);
}

static _Noreturn void fail_collective(int code, const char *fmt, va_list ap)
{
    call_hook(code, fmt, ap);
    if (par_rank() == 0) {
        fputs("ERROR: ", stderr);
        vfprintf(stderr, fmt, ap);
        fputc('\n', stderr);
        fflush(stderr);
    }
    fflush(stdout);
    par_finalize();
    exit(code);
}

void mg_fail_all(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fail_collective(MG_EXIT_INPUT, fmt, ap);
}

void mg_fail_run(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fail_collective(MG_EXIT_RUNTIME, fmt, ap);
}

void mg_fail_one(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    call_hook(MG_EXIT_RUNTIME, fmt, ap);
    fprintf(stderr, "ERROR on rank %d: ", par_rank());
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    fflush(stderr);
    fflush(stdout);
    par_abort(MG_EXIT_RUNTIME);
    exit(MG_EXIT_RUNTIME); /* not reached */
}

void mg_check_all(int failed, const char *msg)
{
    int first = par_min_int(failed ? par_rank() : par_size());
    if (first == par_size())
        return;
    char buf[1024] = "";
    if (par_rank() == first && msg)
        snprintf(buf, sizeof buf, "%s", msg);
    par_bcast_bytes(buf, sizeof buf, first);
    mg_fail_all("%s", buf);
}

void *mg_malloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        mg_fail_one("out of memory allocating %zu bytes", n);
    return p;
}

void *mg_calloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        mg_fail_one("out of memory allocating %zu x %zu bytes", n, size);
    return p;
}

void *mg_realloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        mg_fail_one("out of memory reallocating to %zu bytes", n);
    return q;
}

void mg_warn(const char *fmt, ...)
{
    if (par_rank() != 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    fputs("WARNING: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}
