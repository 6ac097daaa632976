/* Errors: two routes, as every rank may or may not know of a problem.
 *
 *  mg_fail_all()  every rank reached the same error at the same point (a deck
 *                 line, a potential file whose status was broadcast): rank 0
 *                 prints "ERROR: ...", all ranks finalize MPI and exit with
 *                 MG_EXIT_INPUT. Nobody waits on anybody.
 *  mg_fail_one()  only this rank knows (an atom lost through a fixed boundary,
 *                 a NaN force): prints "ERROR on rank R: ..." and aborts the
 *                 whole MPI job with MG_EXIT_RUNTIME.
 *
 * Messages carry their own context ("deck.in:12: ..."); see docs/errors.md
 * for the exit codes a job script can test. */
#ifndef MGMD_ERROR_H
#define MGMD_ERROR_H

#include <stddef.h>

enum mg_exit {
    MG_EXIT_OK = 0,
    MG_EXIT_USAGE = 1,     /* bad command line                               */
    MG_EXIT_INPUT = 2,     /* bad deck, data or potential file               */
    MG_EXIT_RUNTIME = 3,   /* lost atoms, NaN, atoms too close, I/O failure  */
    /* Stopped early on a signal or the deck's wall-time limit, after writing
     * a checkpoint: run again with -restart to continue (sysexits.h'
     * EX_TEMPFAIL, "try again later"). */
    MG_EXIT_RESUBMIT = 75,
};

_Noreturn void mg_fail_all(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void mg_fail_one(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Collective like mg_fail_all, for a runtime failure every rank has seen
 * (non-finite energy, a blown-up system): exits with MG_EXIT_RUNTIME. */
_Noreturn void mg_fail_run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Collective check: every rank passes its own status (0 ok, else failed with
 * message msg); if any rank failed, all exit through mg_fail_all with the
 * message of the lowest failing rank. Costs one allreduce. */
void mg_check_all(int failed, const char *msg);

/* Allocation that cannot fail silently (one-rank route on failure). */
void *mg_malloc(size_t n);
void *mg_calloc(size_t n, size_t size);
void *mg_realloc(void *p, size_t n);

/* For fuzz harnesses only (tests/fuzz/): while a hook is set, every failure
 * route (mg_fail_all, mg_fail_run, mg_fail_one, and so mg_check_all and the
 * allocators) first calls hook(exit code, message) on the failing rank; the
 * hook is expected to longjmp back to the harness. If it returns, the route
 * goes on as usual (print, finalize or abort, exit). NULL removes it. */
typedef void (*mg_fail_hook)(int code, const char *msg);
void mg_set_fail_hook(mg_fail_hook hook);

/* Warning printed once by rank 0. */
void mg_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
