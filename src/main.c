/* mgmd: molecular dynamics for metallic glasses.
 *
 *   mgmd [-var NAME VALUE]... [-echo] [-restart CHECKPOINT] DECK
 *   mgmd -restart CHECKPOINT          (the deck stored in the checkpoint)
 *   mpirun -np N mgmd DECK
 */
#include "core/error.h"
#include "deck/deck.h"
#include "deck/restart.h"
#include "integrate/fix.h"
#include "io/output.h"
#include "parallel/parallel.h"
#include "potential/eam.h"
#include "system/system.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
    fprintf(f,
            "usage: mgmd [options] DECK\n"
            "  -var NAME VALUE   set deck variable NAME (overrides 'variable NAME = ...' in the deck)\n"
            "  -v NAME VALUE     same as -var\n"
            "  -echo             print each deck command before running it\n"
            "  -restart CKPT     continue from checkpoint CKPT (a file, or a prefix whose newest valid\n"
            "                    PREFIX.NNNNNN.h5 is taken); without DECK, the deck stored in it\n"
            "  -h, --help        this help\n"
            "  --version         version and exit\n"
            "Runs under mpirun for several ranks. Units: LAMMPS metal. See docs/deck-reference.md.\n"
            "Exit codes: 0 done, 1 usage, 2 bad input, 3 run-time failure, 75 stopped on a signal or\n"
            "wall time after writing a checkpoint (run again with -restart; docs/checkpoints.md).\n");
}

int main(int argc, char **argv)
{
    par_init(&argc, &argv);
    /* Help and version first, before anything is allocated. */
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            if (par_rank() == 0)
                usage(stdout);
            par_finalize();
            return MG_EXIT_OK;
        } else if (!strcmp(a, "--version")) {
            if (par_rank() == 0) {
                printf("mgmd %s (git %s)\n", MGMD_VERSION, MGMD_GIT_HASH);
                printf("EAM pair loops on this CPU: scalar%s%s (default %s; MGMD_KERNEL chooses)\n",
                       eam_simd_kernel("avx2") ? " avx2" : "", eam_simd_kernel("avx512") ? " avx512" : "",
                       eam_simd_kernel(NULL) ? eam_simd_kernel(NULL)->name : "scalar");
            }
            par_finalize();
            return MG_EXIT_OK;
        } else if (!strcmp(a, "-var") || !strcmp(a, "-v")) {
            i += 2; /* a value may look like an option */
        } else if (!strcmp(a, "-restart")) {
            i += 1;
        }
    }
    md s;
    outputs out;
    fix_list fixes;
    deck dk;
    md_init(&s);
    outputs_init(&out, &s);
    fixes_init(&fixes);
    deck_init(&dk, &s, &out, &fixes);

    const char *path = NULL, *restart = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help") || !strcmp(a, "--version")) {
            continue; /* answered above */
        } else if (!strcmp(a, "-var") || !strcmp(a, "-v")) {
            if (i + 2 >= argc) {
                if (par_rank() == 0)
                    fprintf(stderr, "ERROR: %s needs NAME VALUE\n", a);
                par_finalize();
                return MG_EXIT_USAGE;
            }
            if (deck_set_var(&dk, argv[i + 1], argv[i + 2], 1) != 0) {
                if (par_rank() == 0)
                    fprintf(stderr, "ERROR: -var %s: the name must be letters, digits and _ (at most 63) and the "
                                    "value at most 1023 characters\n", argv[i + 1]);
                par_finalize();
                return MG_EXIT_USAGE;
            }
            i += 2;
        } else if (!strcmp(a, "-restart")) {
            if (i + 1 >= argc) {
                if (par_rank() == 0)
                    fprintf(stderr, "ERROR: -restart needs a checkpoint file or prefix\n");
                par_finalize();
                return MG_EXIT_USAGE;
            }
            restart = argv[++i];
        } else if (!strcmp(a, "-echo")) {
            dk.echo = 1;
        } else if (a[0] == '-') {
            if (par_rank() == 0) {
                fprintf(stderr, "ERROR: unknown option '%s'\n", a);
                usage(stderr);
            }
            par_finalize();
            return MG_EXIT_USAGE;
        } else if (!path) {
            path = a;
        } else {
            if (par_rank() == 0)
                fprintf(stderr, "ERROR: more than one deck given ('%s' and '%s')\n", path, a);
            par_finalize();
            return MG_EXIT_USAGE;
        }
    }
    if (!path && !restart) {
        if (par_rank() == 0)
            usage(stderr);
        par_finalize();
        return MG_EXIT_USAGE;
    }
    if (par_rank() == 0)
        printf("mgmd %s (git %s) on %d MPI rank%s, deck %s\n", MGMD_VERSION, MGMD_GIT_HASH, par_size(),
               par_size() > 1 ? "s" : "", path ? path : "(from the checkpoint)");
    if (restart)
        restart_from(&dk, restart, 0);
    if (path) {
        deck_run_file(&dk, path);
    } else {
        const char *dpath, *ddir;
        const char *text = restart_deck_text(&dk, &dpath, &ddir);
        char *copy = strdup(text), *pcopy = strdup(dpath), *dcopy = strdup(ddir);
        deck_run_text(&dk, pcopy, dcopy, copy);
        free(copy);
        free(pcopy);
        free(dcopy);
    }
    outputs_close(&out, &s);
    deck_free(&dk);
    fixes_destroy(&fixes, &s);
    md_destroy(&s);
    par_finalize();
    return MG_EXIT_OK;
}
