/* The input deck: one command a line, `#` comments, `&` at the end of a line
 * continues it, "double quotes" group words, ${name} substitutes a variable.
 *
 * Rank 0 reads the file and broadcasts its text; every rank then parses and
 * executes the same commands in step, so a bad line is found by all ranks at
 * once and reported collectively ("deck.in:12: what was wrong, what was
 * expected") without any rank waiting on another. */
#ifndef MGMD_DECK_H
#define MGMD_DECK_H

#include <stdint.h>

#include "core/units.h"
#include "integrate/ensemble.h"
#include "io/output.h"
#include "system/system.h"

#define DECK_MAX_ARGS 128
#define DECK_MAX_VARS 256

typedef struct deck_var {
    char name[64];
    char value[1024];
    int from_command_line;     /* command-line values win over the deck    */
} deck_var;

typedef struct deck {
    char path[1024];
    char dir[1024];            /* the deck's folder, for relative paths     */
    char *text;                /* whole file                               */
    int line;                  /* line of the current command              */
    char cmdline[4096];        /* current command as written               */
    char expanded[4096];       /* ... after ${name} substitution           */
    int nargs;
    char *args[DECK_MAX_ARGS];
    char argbuf[4096];
    int nvars;
    deck_var vars[DECK_MAX_VARS];
    int echo;
    md *s;
    outputs *out;
    ensemble ens;              /* thermostat and its state                 */
    /* Position, checkpoints and restart (deck/restart.c). */
    int replaying;             /* re-running settings up to a checkpoint   */
    struct restart_state *rs;
} deck;

void deck_init(deck *dk, md *s, outputs *out);
void deck_free(deck *dk);
/* Set a variable (command line first, so the deck's own definition of the
 * same name is ignored). Returns 0 or -1 if the table is full or name bad. */
int deck_set_var(deck *dk, const char *name, const char *value, int from_command_line);
/* Read and run a whole deck (collective). */
void deck_run_file(deck *dk, const char *path);
/* Run deck text (the same on every rank); path and dir for messages and
 * relative file names. */
void deck_run_text(deck *dk, const char *path, const char *dir, const char *text);

/* Error with the deck's file and line (collective). */
_Noreturn void deck_fail(const deck *dk, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Argument helpers: each reads args[*i] (advancing *i) or fails with a
 * message naming the command, the argument and what was expected. */
const char *deck_word(deck *dk, int *i, const char *what);
int64_t deck_int(deck *dk, int *i, const char *what, int64_t min, int64_t max);
double deck_real(deck *dk, int *i, const char *what);
/* A number with an optional unit of quantity q after it (a bare number is in
 * metal units). A following word that is not one of `keywords` (a
 * space-separated list, may be NULL) is taken as a unit and must be one. */
double deck_quantity(deck *dk, int *i, enum quantity q, const char *what, const char *keywords);
/* yes/no */
int deck_bool(deck *dk, int *i, const char *what);
/* Resolve a file path relative to the deck's folder when not found as given. */
void deck_path(const deck *dk, const char *name, char *out, int outlen);
/* No arguments may remain after *i. */
void deck_done(deck *dk, int i);

/* The command table (commands.c, and analysis/analysis_cmd.c for the
 * analyses). A restart replays the deck up to its checkpoint (docs/
 * checkpoints.md): settings run again (variables, potential, outputs,
 * observers, ensemble), actions that were already done are skipped, and
 * the first command that creates the system loads the checkpoint instead. */
typedef void (*deck_command_fn)(deck *dk);
enum deck_cmd_kind {
    CMD_SETTING,   /* replayed                                             */
    CMD_ACTION,    /* skipped while replaying (runs, velocity, write_data)  */
    CMD_CREATE,    /* creates the system; replay loads the checkpoint       */
};
typedef struct deck_command {
    const char *name;
    deck_command_fn fn;
    enum deck_cmd_kind kind;
} deck_command;
const deck_command *deck_find_command(const char *name);
const char *deck_command_list(void);

#endif
