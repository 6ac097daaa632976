/* The analyses' deck commands (analysis_cmd.c), consulted by deck/commands.c. */
#ifndef MGMD_ANALYSIS_CMD_H
#define MGMD_ANALYSIS_CMD_H

#include "deck/deck.h"

extern const deck_command analysis_commands[];

#endif
