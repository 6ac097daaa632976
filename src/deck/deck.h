/* The input deck: one command a line, `#` comments, `&` at the end of a line
 * continues it, "double" or 'single' quotes group words; ${NAME}, $X and
 * $(FORMULA) substitute (variables.c). The language around the commands:
 * for ... end loops, if/elif/else/end blocks and LAMMPS' one-line if,
 * include FILE (docs/deck-reference.md, "The deck language").
 *
 * Rank 0 reads each file and broadcasts its text; every rank then parses and
 * executes the same statements in step, so a bad line is found by all ranks
 * at once and reported collectively ("deck.in:12: what was wrong, what was
 * expected") without any rank waiting on another. */
#ifndef MGMD_DECK_H
#define MGMD_DECK_H

#include <stdint.h>

#include "core/ckpt_section.h"
#include "core/units.h"
#include "integrate/fix.h"
#include "integrate/run.h"
#include "io/output.h"
#include "system/system.h"

#define DECK_MAX_ARGS 128
#define DECK_MAX_VARS 256

enum var_kind { VAR_STRING, VAR_EQUAL, VAR_INDEX, VAR_LOOP, VAR_FORMAT };

typedef struct deck_var {
    char name[64];
    enum var_kind kind;
    char value[1024];          /* text; formula; words; "lo hi"; format    */
    int pos, count;            /* index, loop: the current value, how many */
    int64_t lo;                /* loop: the first integer                  */
    int pad;                   /* loop: zero-padded to this width          */
    char target[64];           /* format: the equal variable it prints     */
    int from_command_line;     /* command-line values win over the deck    */
} deck_var;

#define DECK_MAX_PRINT_FILES 64
#define DECK_MAX_FRAMES 64
/* A file `print` writes, and its length after the last write (so a restart
 * cuts it back to what it held at the checkpoint). */
typedef struct deck_print_record {
    char path[1024];
    int64_t bytes;
} deck_print_record;

/* A statement of a deck file: a command line (continuations joined) and,
 * for block lines, where the block's next branch and end are. */
typedef struct deck_stmt {
    int line;                  /* its first line in the file               */
    char *raw;                 /* as written, comment stripped             */
    int match;                 /* for/if/elif/else: the next branch or end */
    int end;                   /* ... and the end of the block             */
} deck_stmt;

typedef struct deck_src {
    char path[1024], dir[1024];
    int n;
    deck_stmt *st;
} deck_src;

typedef struct deck {
    char path[1024];           /* the file of the current statement        */
    char dir[1024];            /* its folder, for relative paths           */
    char main_path[1024];      /* the deck given to mgmd                   */
    char main_dir[1024];
    int include_depth;
    char *text;                /* whole file                               */
    int line;                  /* line of the current command              */
    char cmdline[4096];        /* current command as written               */
    char expanded[4096];       /* ... after ${name} substitution           */
    int nargs;
    char *args[DECK_MAX_ARGS];
    char argbuf[4096];
    int nvars;
    deck_var vars[DECK_MAX_VARS];
    int nprint;
    deck_print_record prints[DECK_MAX_PRINT_FILES];
    /* The open loops and includes, outermost first ("for T (deck.in:12):
     * pass 2 of 3, T = 400 K"): where a checkpoint was taken. */
    int nframes;
    char frames[DECK_MAX_FRAMES][320];
    int echo;
    /* The study the deck drives. */
    md *s;
    outputs *out;
    fix_list *fixes;           /* thermostats, barostat, user fixes, ...   */
    run_position pos;          /* stage of the current command             */
    ckpt_sections sections;    /* what a checkpoint keeps besides atoms    */
    /* Position, checkpoints and restart (deck/restart.c). */
    int replaying;             /* re-running settings up to a checkpoint   */
    struct restart_state *rs;
} deck;

/* Wire a deck to its study: the fix list gets the outputs' entry (and
 * restart.c's checkpoint and progress entries), and the checkpoint
 * sections are registered in restore order. */
void deck_init(deck *dk, md *s, outputs *out, fix_list *fixes);
void deck_free(deck *dk);
/* `clear`: the system, its fixes, groups, regions, schedules and outputs
 * go (files closed); variables, print files, checkpoint settings and the
 * deck's position stay. The section table keeps pointing at the same
 * (re-initialised) structures. */
void deck_clear(deck *dk);
/* Set a variable (command line first, so the deck's own definition of the
 * same name is ignored). Returns 0 or -1 if the table is full or name bad. */
int deck_set_var(deck *dk, const char *name, const char *value, int from_command_line);
/* Variables (variables.c). */
deck_var *deck_find_var(deck *dk, const char *name);
/* A loop's variable takes its next value (a command-line -var of that name
 * yields to it). */
void deck_set_loop_var(deck *dk, const char *name, const char *value);
/* Substitute ${NAME}, $X and $(FORMULA) of src into dk->expanded. */
void deck_substitute(deck *dk, const char *src);
/* Evaluate a formula now (collective). Returns 0, or -1 with a message
 * naming the column. */
int deck_eval(deck *dk, const char *text, double *v, char *err, size_t errlen);
/* An equal variable's value now (collective; fails naming it). */
double deck_var_value(deck *dk, const char *name);
/* Append (or, not append, replace) a line to a print file (rank 0). */
void deck_print_file(deck *dk, const char *path, int append, const char *line);
/* The checkpoint section "prints": each print file's length. */
ckpt_section deck_prints_section(deck *dk);

/* The open loops and includes, one an indented line ("" at the top level). */
/* "FILE:LINE" of the current statement, for messages a fix or an observer
 * gives later (at a run) about the command that defined it. */
void deck_location(const deck *dk, char *out, size_t len);
void deck_where(const deck *dk, char *out, size_t len);

/* Read and run a whole deck (collective). */
void deck_run_file(deck *dk, const char *path);
/* Run deck text (the same on every rank); path and dir for messages and
 * relative file names. */
void deck_run_text(deck *dk, const char *path, const char *dir, const char *text);

/* Error with the deck's file and line (collective). */
_Noreturn void deck_fail(const deck *dk, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Argument helpers: each reads args[*i] (advancing *i) or fails with a
 * message naming the command, the argument and what was expected. Numbers
 * go through core/numbers.h: decimal only, finite (inf, nan, hexadecimal
 * and overflow refused), integers within [min, max]. */
const char *deck_word(deck *dk, int *i, const char *what);
int64_t deck_int(deck *dk, int *i, const char *what, int64_t min, int64_t max);
double deck_real(deck *dk, int *i, const char *what);
/* Refuse (collectively, with the deck line) a request that needs more
 * than the memory available to a rank (core/memory.h); what: "864000
 * atoms on 2 ranks". */
void deck_check_memory(deck *dk, double bytes_per_rank, const char *what);
/* A pure number within [lo, hi] (a ratio, a fraction, a factor). */
double deck_real_in(deck *dk, int *i, const char *what, double lo, double hi);
/* A number with an optional unit of quantity q after it (a bare number is in
 * metal units), within the physical range of q (units_range) once in metal
 * units. A following word that is not one of `keywords` (a
 * space-separated list, may be NULL) is taken as a unit and must be one;
 * with keywords "*" a following word that is no unit at all is left for the
 * caller (a group name, a dimension letter), one of another quantity is
 * still an error. */
double deck_quantity(deck *dk, int *i, enum quantity q, const char *what, const char *keywords);
/* yes/no */
/* One of the space-separated words of `choices`, as its index; otherwise
 * fails with "CMD: WHAT must be A, B or C, got 'X'". */
int deck_choice(deck *dk, int *i, const char *what, const char *choices);
int deck_bool(deck *dk, int *i, const char *what);
/* A component a fix leaves alone: the word NULL (as in LAMMPS), consumed.
 * Returns 1 if it was NULL, else 0 (nothing consumed). */
int deck_null(deck *dk, int *i);
/* Three components (x, y, z) of quantity q, each a number with an optional
 * unit or NULL: v[d] and set[d] (0 for NULL). */
void deck_components(deck *dk, int *i, enum quantity q, const char *what, const char *keywords, double v[3],
                     int set[3]);
/* Resolve a file path relative to the deck's folder when not found as given. */
void deck_path(const deck *dk, const char *name, char *out, int outlen);
/* No arguments may remain after *i. */
void deck_done(deck *dk, int i);
/* The command must come before / after the system is created. */
void deck_need_no_system(deck *dk);
void deck_need_system(deck *dk);
/* A group name (an existing group); returns its index. */
int deck_group(deck *dk, int *i);
/* The words left must be nothing or `group G`: G's index, or `all`. */
int deck_trailing_group(deck *dk, int *i);
/* deck_quantity, and the number must be finite. */
double deck_finite_quantity(deck *dk, int *i, enum quantity q, const char *what, const char *keywords);
/* Add a user fix (fix.h) under its name, failing on a name the list
 * reserves or a full list; a fix of that name is replaced in place. */
void deck_add_fix(deck *dk, fix *f);
/* An edit is about to add or delete atoms: refused while a file holds a
 * fixed set of them (an H5MD dump). */
void deck_atoms_will_change(deck *dk);
/* The step counter was set (reset_timestep): periodic checkpoints count
 * from it anew (restart.c). */
void deck_clock_changed(deck *dk);
/* Run nsteps as the next stage of the current command (every run goes
 * through here: checkpoints, signals, resuming). */
void deck_run_steps(deck *dk, int64_t nsteps);

/* The command registry (deck/registry.c): one line per command. A restart
 * replays the deck up to its checkpoint (docs/checkpoints.md): settings
 * run again (variables, potential, regions, groups, fixes, outputs,
 * observers, ensemble), actions that were already done are skipped, and the
 * first command that creates the system loads the checkpoint instead. */
typedef void (*deck_command_fn)(deck *dk);
enum deck_cmd_kind {
    CMD_SETTING,   /* replayed                                             */
    CMD_ACTION,    /* skipped while replaying (runs, edits, write_data)     */
    CMD_CREATE,    /* creates the system; replay loads the checkpoint       */
};
typedef struct deck_command {
    const char *name;
    deck_command_fn fn;
    enum deck_cmd_kind kind;
} deck_command;
const deck_command *deck_find_command(const char *name);
/* The registered commands, in registry order, and how many. */
const deck_command *deck_commands(int *n);
const char *deck_command_list(void);
/* Names registered twice (a programming error): 0 in a sound build. */
int deck_registry_duplicates(void);
/* A message for a LAMMPS command mgmd spells differently (lammps_habits.c),
 * or NULL: into out, naming the mgmd equivalent. */
const char *deck_lammps_habit(const deck *dk, char *out, int len);

#endif
