/* The analyses' ghost shell (shell.h): this rank's owned atoms copied in
 * order (id, type, position, image flags; velocities zero; per-type masses
 * and elements) into a private atoms struct, then a halo built around them
 * width + skin/2 wide, the extra half skin covering how far an owned atom
 * can have drifted out of its sub-domain since the last rebuild. The
 * system's own ghosts, halo plans and lists are never touched.
 * Communication: the halo build (one paired send/receive per swap). */
#include "analysis/shell.h"

#include <string.h>

void shell_init(shell *sh)
{
    memset(sh, 0, sizeof *sh);
    atoms_init(&sh->a);
    halo_init(&sh->h);
}

void shell_destroy(shell *sh)
{
    atoms_destroy(&sh->a);
    halo_destroy(&sh->h);
    memset(sh, 0, sizeof *sh);
}

void shell_build(shell *sh, const md *s, double width)
{
    const atoms *src = &s->atoms;
    atoms *a = &sh->a;
    if (a->ntypes != src->ntypes) {
        atoms_set_ntypes(a, src->ntypes);
    }
    memcpy(a->mass, src->mass, (size_t)(src->ntypes + 1) * sizeof *a->mass);
    memcpy(a->element, src->element, (size_t)(src->ntypes + 1) * sizeof *a->element);
    a->nlocal = 0;
    a->nghost = 0;
    a->natoms = src->natoms;
    atoms_reserve(a, src->nlocal);
    static const double zero[3] = {0, 0, 0};
    for (int i = 0; i < src->nlocal; i++)
        atoms_add(a, src->id[i], src->type[i], src->x[i], zero, src->image[i]);
    /* Owned atoms drift at most skin/2 from their build positions, which
     * lay inside the sub-domain, before the list must be rebuilt. */
    sh->width = width;
    halo_build(&sh->h, a, &s->box, &s->dc, width + 0.5 * s->nb.skin);
}
