/* What every mgmd fuzz target shares (header only; each fuzz_*.c includes
 * it once).
 *
 *  - MPI: par_init once, in LLVMFuzzerInitialize, on a single rank, so the
 *    collective routes (broadcasts, reductions, MPI-IO) work as in a 1-rank
 *    run; Open MPI's own handlers of fatal signals are turned off.
 *  - Failures: mgmd ends the process on a bad input (core/error.h). The
 *    harness sets a fail hook that longjmps back to FUZZ_TRY, so a rejected
 *    input is an ordinary outcome, not a crash; a real crash, an ASan or
 *    UBSan report, or a leak on a path that returns is one.
 *  - Leaks on the failure route: mgmd exits there, so what the failing code
 *    held (its locals' buffers) is never freed, by design. While an input
 *    runs, a malloc/free hook keeps the set of live blocks; when the input
 *    fails, the harness first frees what it owns (its system, deck), then tells
 *    LeakSanitizer to ignore the blocks still live. An input that returns
 *    normally is leak-checked as usual by libFuzzer.
 *  - Files: readers that take a path read the input from a file in /dev/shm
 *    (per process, overwritten by each input). */
#ifndef MGMD_FUZZ_COMMON_H
#define MGMD_FUZZ_COMMON_H

#include "core/error.h"
#include "parallel/parallel.h"

#include <sanitizer/allocator_interface.h>
#include <sanitizer/common_interface_defs.h>
#include <sanitizer/lsan_interface.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static jmp_buf fuzz_jmp;
static int fuzz_failures; /* inputs that took a failure route (statistics) */
static char fuzz_last_msg[256];

/* MGMD_FUZZ_VERBOSE=1: print why each input was rejected (to check that
 * seeds get past the first lines). */
static inline void fuzz_note(const char *what, const char *msg)
{
    static int verbose = -1;
    if (verbose < 0)
        verbose = getenv("MGMD_FUZZ_VERBOSE") != NULL;
    if (verbose)
        fprintf(stderr, "fuzz: %s: %s\n", what, msg);
}

static inline void fuzz_fail_hook(int code, const char *msg)
{
    (void)code;
    fuzz_failures++;
    snprintf(fuzz_last_msg, sizeof fuzz_last_msg, "%s", msg);
    fuzz_note("rejected", msg);
    longjmp(fuzz_jmp, 1);
}

/* ---- live blocks while an input runs (open addressing, no allocation) ----
 * Stored XOR-ed with a constant: LeakSanitizer scans this table as a global,
 * and plain pointers here would make every block look reachable. */
#define FUZZ_LIVE_SLOTS (1u << 16)
#define FUZZ_HIDE ((uintptr_t)0x5a5a5a5a5a5a5a5au)
static uintptr_t fuzz_live[FUZZ_LIVE_SLOTS];
static volatile int fuzz_tracking;
static size_t fuzz_live_count;
#define FUZZ_TOMB ((uintptr_t)1)

static inline size_t fuzz_slot(uintptr_t p) { return (size_t)((p >> 4) * 0x9E3779B97F4A7C15u >> 48); }

static inline void fuzz_malloc_hook(const volatile void *p, size_t size)
{
    (void)size;
    if (!fuzz_tracking || !p || fuzz_live_count >= FUZZ_LIVE_SLOTS / 2)
        return; /* untracked: a leak of it on the failure route is reported */
    uintptr_t u = (uintptr_t)p;
    size_t k = fuzz_slot(u);
    while (fuzz_live[k] && fuzz_live[k] != FUZZ_TOMB)
        k = (k + 1) & (FUZZ_LIVE_SLOTS - 1);
    fuzz_live[k] = u ^ FUZZ_HIDE;
    fuzz_live_count++;
}

static inline void fuzz_free_hook(const volatile void *p)
{
    if (!fuzz_tracking || !p)
        return;
    uintptr_t u = (uintptr_t)p;
    for (size_t k = fuzz_slot(u), n = 0; fuzz_live[k] && n < FUZZ_LIVE_SLOTS; k = (k + 1) & (FUZZ_LIVE_SLOTS - 1), n++)
        if (fuzz_live[k] == (u ^ FUZZ_HIDE)) {
            fuzz_live[k] = FUZZ_TOMB;
            return;
        }
}

static inline void fuzz_track_begin(void)
{
    memset(fuzz_live, 0, sizeof fuzz_live);
    fuzz_live_count = 0;
    fuzz_tracking = 1;
}

/* The input failed: what is still live was the failing code's, and mgmd
 * would have exited holding it. */
static inline void fuzz_track_end(int failed)
{
    fuzz_tracking = 0;
    if (!failed)
        return;
    for (size_t k = 0; k < FUZZ_LIVE_SLOTS; k++)
        if (fuzz_live[k] && fuzz_live[k] != FUZZ_TOMB)
            __lsan_ignore_object((const void *)(fuzz_live[k] ^ FUZZ_HIDE));
}

static inline void fuzz_init_mpi(int *argc, char ***argv)
{
    /* Open MPI must not see libFuzzer's flags as its own: give it none. */
    (void)argc;
    (void)argv;
    int n = 0;
    char **v = NULL;
    /* Open MPI catches SIGSEGV, SIGBUS, SIGFPE and SIGABRT to print its own
     * trace and exit; libFuzzer must see them to save the input. */
    setenv("OMPI_MCA_opal_signal", "", 1);
    par_init(&n, &v);
    mg_set_fail_hook(fuzz_fail_hook);
    __sanitizer_install_malloc_and_free_hooks(fuzz_malloc_hook, fuzz_free_hook);
}

static char fuzz_path[256];
static inline void fuzz_remove_file(void) { unlink(fuzz_path); }

/* The input as a file: PATH for this process, rewritten each time, removed
 * at exit. */
static inline const char *fuzz_write_file(const char *name, const uint8_t *data, size_t size)
{
    char *path = fuzz_path;
    if (!path[0]) {
        snprintf(fuzz_path, sizeof fuzz_path, "/dev/shm/mgmd-fuzz-%ld-%s", (long)getpid(), name);
        atexit(fuzz_remove_file);
    }
    FILE *f = fopen(path, "wb");
    if (!f) {
        perror(path);
        abort();
    }
    if (size && fwrite(data, 1, size, f) != size) {
        perror(path);
        abort();
    }
    fclose(f);
    return path;
}

/* The input as a NUL-terminated string (libFuzzer's data has no NUL). */
static inline char *fuzz_string(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

#endif
