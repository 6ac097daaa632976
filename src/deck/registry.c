/* The command registry: every deck command, one line each, and nothing
 * else. A command NAME is implemented by `void cmd_NAME(deck *dk)` in the
 * module it belongs to; the line below declares it and enters it in the
 * table. Kinds (deck.h): a SETTING is replayed on restart, an ACTION is
 * skipped while replaying, CREATE makes the system (a restart loads the
 * checkpoint there). docs/deck-reference.md documents every command.
 *
 * Adding a command: write cmd_NAME in its module's folder, add one line
 * here. deck_registry_duplicates() (tested) finds a name entered twice. */
#include "deck/deck.h"

#include <string.h>

#define MGMD_COMMANDS(X)                                                     \
    /* the language's commands (deck/variables.c; for, if, include: deck.c) */ \
    X(variable, CMD_SETTING)                                                 \
    X(next, CMD_SETTING)                                                     \
    X(print, CMD_ACTION)                                                     \
    X(clear, CMD_SETTING)                                                    \
    /* system: units, box, creation, potential (deck/commands.c) */           \
    X(units, CMD_SETTING)                                                    \
    X(boundary, CMD_SETTING)                                                 \
    X(processors, CMD_SETTING)                                               \
    X(balance, CMD_ACTION)                                                   \
    X(timestep, CMD_SETTING)                                                 \
    X(echo, CMD_SETTING)                                                     \
    X(read_data, CMD_CREATE)                                                 \
    X(write_data, CMD_ACTION)                                                \
    X(create_lattice, CMD_CREATE)                                            \
    X(create_alloy, CMD_CREATE)                                              \
    X(potential, CMD_SETTING)                                                \
    X(mass, CMD_SETTING)                                                     \
    X(neighbor, CMD_SETTING)                                                 \
    X(sort, CMD_SETTING)                                                     \
    X(memory, CMD_SETTING)                                                   \
    X(velocity, CMD_ACTION)                                                  \
    /* outputs (deck/commands.c) */                                          \
    X(thermo, CMD_SETTING)                                                   \
    X(dump, CMD_SETTING)                                                     \
    X(undump, CMD_SETTING)                                                   \
    /* dynamics (deck/commands.c, fix/ensemble.c, minimize/) */              \
    X(run, CMD_ACTION)                                                       \
    X(ensemble, CMD_SETTING)                                                 \
    X(quench, CMD_ACTION)                                                    \
    X(hold, CMD_ACTION)                                                      \
    X(cycle, CMD_ACTION)                                                     \
    X(minimize, CMD_ACTION)                                                  \
    X(aqs, CMD_ACTION)                                                       \
    X(elastic, CMD_ACTION)                                                   \
    X(schedule, CMD_SETTING)                                                 \
    /* selections (edit/) */                                                 \
    X(region, CMD_SETTING)                                                   \
    X(group, CMD_SETTING)                                                    \
    /* editing the system (edit/) */                                         \
    X(delete_atoms, CMD_ACTION)                                              \
    X(displace_atoms, CMD_ACTION)                                            \
    X(replicate, CMD_ACTION)                                                 \
    X(change_box, CMD_ACTION)                                                \
    X(reset_timestep, CMD_ACTION)                                            \
    /* fixes on groups (fix/) */                                             \
    X(freeze, CMD_SETTING)                                                   \
    X(setforce, CMD_SETTING)                                                 \
    X(addforce, CMD_SETTING)                                                 \
    X(move, CMD_SETTING)                                                     \
    X(deform, CMD_SETTING)                                                   \
    X(torsion, CMD_SETTING)                                                  \
    X(rebalance, CMD_SETTING)                                                \
    X(unfix, CMD_SETTING)                                                    \
    /* checkpoints (deck/restart.c) */                                       \
    X(checkpoint, CMD_SETTING)                                               \
    X(write_checkpoint, CMD_ACTION)                                          \
    X(restart, CMD_SETTING)                                                  \
    X(read_checkpoint, CMD_CREATE)                                           \
    X(progress, CMD_SETTING)                                                 \
    /* analyses (analysis/) */                                               \
    X(analyze, CMD_ACTION)                                                   \
    X(unobserve, CMD_SETTING)                                                \
    X(rdf, CMD_SETTING)                                                      \
    X(stress_strain, CMD_SETTING)                                            \
    X(voronoi, CMD_SETTING)                                                  \
    X(profile, CMD_SETTING)                                                  \
    X(d2min, CMD_SETTING)                                                    \
    X(dma, CMD_SETTING)

#define DECLARE(name, kind) void cmd_##name(deck *dk);
MGMD_COMMANDS(DECLARE)
#undef DECLARE

#define ENTRY(name, kind) {#name, cmd_##name, kind},
static const deck_command registry[] = {MGMD_COMMANDS(ENTRY)};
#undef ENTRY
#define NCOMMANDS (sizeof registry / sizeof registry[0])

const deck_command *deck_find_command(const char *name)
{
    for (size_t k = 0; k < NCOMMANDS; k++)
        if (strcmp(registry[k].name, name) == 0)
            return &registry[k];
    return NULL;
}

const deck_command *deck_commands(int *n)
{
    *n = (int)NCOMMANDS;
    return registry;
}

const char *deck_command_list(void)
{
    static char list[4096];
    if (!list[0]) {
        for (size_t k = 0; k < NCOMMANDS; k++) {
            strcat(list, registry[k].name);
            strcat(list, " ");
        }
        list[strlen(list) - 1] = '\0';
    }
    return list;
}

int deck_registry_duplicates(void)
{
    int dup = 0;
    for (size_t a = 0; a < NCOMMANDS; a++)
        for (size_t b = a + 1; b < NCOMMANDS; b++)
            dup += strcmp(registry[a].name, registry[b].name) == 0;
    return dup;
}
