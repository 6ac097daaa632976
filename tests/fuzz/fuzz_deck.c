/* Fuzz target: the deck language's parsing layer (deck/deck.c and
 * deck/variables.c): statements split over lines, '&' continuations and
 * comments, quotes, block pairing (for/if/elif/else/end), the one-line if,
 * ${NAME}, $X and $(FORMULA) substitution, and the `variable` and `next`
 * commands that substitution depends on, run by deck_run_text on the input.
 *
 * The seam: this file defines the command registry's four functions
 * (deck_find_command, deck_commands, deck_command_list,
 * deck_registry_duplicates), so the linker takes them from here and never
 * pulls deck/registry.c (and with it the real commands) out of libmgmd_core.
 * `variable` and `next` are the real ones; every other name the real
 * registry knows is a no-op that only reads its words (so nothing is
 * created, run or written: `print ... file` cannot write files); other
 * names get NULL, as unknown commands do, which runs the LAMMPS-habit and
 * unknown-command messages. No deck.c hook is needed.
 *
 * Bounds that are not bugs: inputs with more than two `for` words are
 * skipped (nested loops of up to 256 passes each are legitimate and only
 * slow), and an input stops after 100000 commands. Oracle beyond the
 * sanitizers: at the top level, commands run in line order (budget()). `include` runs from an
 * empty folder in /dev/shm, so relative includes find nothing. One rank. */
#include "deck/deck.h"
#include "fuzz_common.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void cmd_variable(deck *dk);
void cmd_next(deck *dk);

static long commands_run;
static size_t words_seen;
static int last_line;

/* Every command: the budget, and the one ordering a deck guarantees: at the
 * top level (no loop, no include open) statements run in file order, so a
 * command's line never goes back. A line that does is a statement run again
 * by mistake (aborts: a bug in the block logic). */
static void budget(deck *dk)
{
    if (++commands_run > 100000)
        longjmp(fuzz_jmp, 2);
    if (dk->nframes == 0 && dk->include_depth == 0) {
        if (dk->line < last_line) {
            fprintf(stderr, "deck: line %d ran after line %d at the top level (no loop open)\n", dk->line,
                    last_line);
            abort();
        }
        last_line = dk->line;
    }
}

static void fake_command(deck *dk)
{
    budget(dk);
    for (int i = 0; i < dk->nargs; i++)
        words_seen += strlen(dk->args[i]);
}

static void real_variable(deck *dk)
{
    budget(dk);
    cmd_variable(dk);
}

static void real_next(deck *dk)
{
    budget(dk);
    cmd_next(dk);
}

/* The names of deck/registry.c (a copy: a name missing here only makes it
 * "unknown" for the fuzzer). */
static const char *const names[] = {
    "print", "clear", "units", "boundary", "processors", "timestep", "echo", "read_data", "write_data",
    "create_lattice", "create_alloy", "potential", "mass", "neighbor", "sort", "velocity", "thermo", "dump",
    "undump", "run", "ensemble", "quench", "hold", "cycle", "minimize", "schedule", "region", "group",
    "delete_atoms", "displace_atoms", "replicate", "change_box", "reset_timestep", "freeze", "setforce",
    "addforce", "move", "unfix", "checkpoint", "write_checkpoint", "restart", "read_checkpoint", "progress",
    "analyze", "unobserve", "rdf", "voronoi"};
#define NNAMES (sizeof names / sizeof names[0])
static deck_command table[NNAMES + 2];

static void fill_table(void)
{
    table[0] = (deck_command){"variable", real_variable, CMD_SETTING};
    table[1] = (deck_command){"next", real_next, CMD_SETTING};
    for (size_t k = 0; k < NNAMES; k++)
        table[k + 2] = (deck_command){names[k], fake_command, CMD_SETTING};
}

const deck_command *deck_find_command(const char *name)
{
    for (size_t k = 0; k < NNAMES + 2; k++)
        if (!strcmp(table[k].name, name))
            return &table[k];
    return NULL;
}

const deck_command *deck_commands(int *n)
{
    *n = (int)(NNAMES + 2);
    return table;
}

const char *deck_command_list(void) { return "variable next print (and the rest, no-ops here)"; }

int deck_registry_duplicates(void) { return 0; }

static char folder[128];
static void remove_folder(void) { rmdir(folder); }

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz_init_mpi(argc, argv);
    fill_table();
    snprintf(folder, sizeof folder, "/dev/shm/mgmd-fuzz-deck-XXXXXX");
    if (!mkdtemp(folder))
        abort();
    atexit(remove_folder);
    return 0;
}

static md s;
static outputs out;
static fix_list fixes;
static deck dk;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_string(data, size);
    int nfor = 0; /* the word, standing alone */
    for (const char *p = text; (p = strstr(p, "for")); p += 3)
        nfor += (p == text || strchr(" \t\n\"'}", p[-1])) && (!p[3] || strchr(" \t\n\r", p[3]));
    if (nfor > 2) {
        free(text);
        return 0;
    }
    commands_run = 0;
    last_line = 0;
    fuzz_track_begin();
    volatile int failed = 0;
    if (setjmp(fuzz_jmp) == 0) {
        md_init(&s);
        outputs_init(&out, &s);
        fixes_init(&fixes);
        deck_init(&dk, &s, &out, &fixes);
        deck_run_text(&dk, "fuzz.deck", folder, text);
        fuzz_note("accepted", "deck");
    } else {
        failed = 1;
    }
    outputs_close(&out, &s);
    deck_free(&dk);
    fixes_destroy(&fixes, &s);
    md_destroy(&s);
    free(text);
    fuzz_track_end(failed);
    return 0;
}
