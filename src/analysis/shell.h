/* A private ghost shell for analyses that reach farther than the force
 * cutoff (a Voronoi cell's neighbours, g(r) out to 10 A or more).
 *
 * shell_build() copies this rank's owned atoms (id, type, position) into a
 * separate atoms struct and builds a halo of the requested width around the
 * sub-domain there, so the running system's ghosts, halo plans and lists
 * are untouched and an analysis never perturbs the trajectory. Owned atoms
 * may sit up to half the skin outside their sub-domain between rebuilds;
 * the shell is widened by that much so every owned atom sees at least
 * `width` of neighbourhood in every periodic or occupied direction.
 *
 * Copy k < nlocal of the shell is owned atom k of the system (same order). */
#ifndef MGMD_SHELL_H
#define MGMD_SHELL_H

#include "parallel/halo.h"
#include "system/system.h"

typedef struct shell {
    atoms a;          /* [0, nlocal) owned copies, then ghosts           */
    halo h;
    double width;     /* A: guaranteed reach around every owned atom      */
} shell;

void shell_init(shell *sh);
void shell_destroy(shell *sh);
/* Collective. Rebuilds the copy from the current owned atoms of s. */
void shell_build(shell *sh, const md *s, double width);

#endif
