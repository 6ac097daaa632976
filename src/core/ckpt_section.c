/* The table of checkpoint sections (ckpt_section.h); the put/get functions
 * are io/checkpoint.c's, on HDF5. */
#include "core/ckpt_section.h"

#include <string.h>

int ckpt_sections_add(ckpt_sections *t, const ckpt_section *sec)
{
    if (t->n == CKPT_MAX_SECTIONS)
        return -1;
    for (int k = 0; k < t->n; k++)
        if (strcmp(t->s[k].name, sec->name) == 0)
            return -1;
    t->s[t->n++] = *sec;
    return 0;
}
