/* Atoms (atoms.h): structure-of-arrays storage grown by half again plus 64
 * at a time, registered per-atom properties that move with every copy, and
 * the packed form (id, mask, type, image, x, v, properties) in which an
 * atom migrates between ranks or goes round the ring of a replicate.
 * No communication. */
#include "system/atoms.h"
#include "core/error.h"

#include <stdlib.h>
#include <stdio.h>
#include <string.h>

/* Arrays exist from the start, so a rank that owns no atoms (vacuum around
 * a slab or wire) passes valid pointers everywhere. */
void atoms_init(atoms *a)
{
    memset(a, 0, sizeof *a);
    atoms_reserve(a, 64);
}

void atoms_destroy(atoms *a)
{
    free(a->id); free(a->type); free(a->x); free(a->v); free(a->f); free(a->image); free(a->mask);
    free(a->eatom); free(a->vatom); free(a->mass); free(a->element);
    for (int k = 0; k < a->nprop; k++)
        free(a->prop[k].data);
    memset(a, 0, sizeof *a);
}

void atoms_reserve(atoms *a, int n)
{
    if (n <= a->nmax)
        return;
    int m = a->nmax ? a->nmax : 64;
    while (m < n)
        m += m / 2 + 64;
    a->id = mg_realloc(a->id, (size_t)m * sizeof *a->id);
    a->type = mg_realloc(a->type, (size_t)m * sizeof *a->type);
    a->x = mg_realloc(a->x, (size_t)m * sizeof *a->x);
    a->v = mg_realloc(a->v, (size_t)m * sizeof *a->v);
    a->f = mg_realloc(a->f, (size_t)m * sizeof *a->f);
    a->image = mg_realloc(a->image, (size_t)m * sizeof *a->image);
    a->mask = mg_realloc(a->mask, (size_t)m * sizeof *a->mask);
    a->eatom = mg_realloc(a->eatom, (size_t)m * sizeof *a->eatom);
    a->vatom = mg_realloc(a->vatom, (size_t)m * sizeof *a->vatom);
    for (int k = 0; k < a->nprop; k++)
        a->prop[k].data = mg_realloc(a->prop[k].data, (size_t)m * (size_t)a->prop[k].width * sizeof(double));
    a->nmax = m;
}

void atoms_set_ntypes(atoms *a, int ntypes)
{
    a->mass = mg_realloc(a->mass, (size_t)(ntypes + 1) * sizeof *a->mass);
    a->element = mg_realloc(a->element, (size_t)(ntypes + 1) * sizeof *a->element);
    for (int t = a->ntypes + 1; t <= ntypes; t++) {
        a->mass[t] = 0.0;
        a->element[t][0] = '\0';
    }
    a->mass[0] = 0.0;
    a->element[0][0] = '\0';
    a->ntypes = ntypes;
}

int atoms_add(atoms *a, int64_t id, int type, const double x[3], const double v[3], const int image[3])
{
    atoms_reserve(a, a->nlocal + 1);
    int i = a->nlocal++;
    a->id[i] = id;
    a->type[i] = type;
    for (int d = 0; d < 3; d++) {
        a->x[i][d] = x[d];
        a->v[i][d] = v ? v[d] : 0.0;
        a->f[i][d] = 0.0;
        a->image[i][d] = image ? image[d] : 0;
    }
    a->mask[i] = 1; /* group all */
    for (int k = 0; k < a->nprop; k++)
        memset(a->prop[k].data + (size_t)i * a->prop[k].width, 0, (size_t)a->prop[k].width * sizeof(double));
    return i;
}

void atoms_copy(atoms *a, int from, int to)
{
    a->id[to] = a->id[from];
    a->type[to] = a->type[from];
    memcpy(a->x[to], a->x[from], sizeof a->x[0]);
    memcpy(a->v[to], a->v[from], sizeof a->v[0]);
    memcpy(a->f[to], a->f[from], sizeof a->f[0]);
    memcpy(a->image[to], a->image[from], sizeof a->image[0]);
    a->mask[to] = a->mask[from];
    for (int k = 0; k < a->nprop; k++) {
        int w = a->prop[k].width;
        memcpy(a->prop[k].data + (size_t)to * w, a->prop[k].data + (size_t)from * w, (size_t)w * sizeof(double));
    }
}

int atoms_add_prop(atoms *a, const char *name, int width)
{
    int k = atoms_find_prop(a, name);
    if (k >= 0)
        return k;
    if (a->nprop == ATOMS_MAX_PROPS)
        mg_fail_one("too many per-atom properties (%d)", ATOMS_MAX_PROPS);
    k = a->nprop++;
    atom_prop *p = &a->prop[k];
    snprintf(p->name, sizeof p->name, "%s", name);
    p->width = width;
    p->data = mg_calloc((size_t)(a->nmax ? a->nmax : 1) * (size_t)width, sizeof(double));
    return k;
}

void atoms_remove_prop(atoms *a, const char *name)
{
    int k = atoms_find_prop(a, name);
    if (k < 0)
        return;
    free(a->prop[k].data);
    memmove(&a->prop[k], &a->prop[k + 1], (size_t)(a->nprop - k - 1) * sizeof a->prop[0]);
    a->nprop--;
}

int atoms_find_prop(const atoms *a, const char *name)
{
    for (int k = 0; k < a->nprop; k++)
        if (strcmp(a->prop[k].name, name) == 0)
            return k;
    return -1;
}

/* Packed atom: id, mask, type, image[3] as integers, then x, v, props as
 * doubles. */
int atoms_pack_size(const atoms *a)
{
    int n = (int)(2 * sizeof(int64_t) + 4 * sizeof(int) + 6 * sizeof(double));
    for (int k = 0; k < a->nprop; k++)
        n += a->prop[k].width * (int)sizeof(double);
    return n;
}

void atoms_pack(const atoms *a, int i, unsigned char *buf)
{
    memcpy(buf, &a->id[i], sizeof(int64_t)); buf += sizeof(int64_t);
    memcpy(buf, &a->mask[i], sizeof(uint64_t)); buf += sizeof(uint64_t);
    memcpy(buf, &a->type[i], sizeof(int)); buf += sizeof(int);
    memcpy(buf, a->image[i], 3 * sizeof(int)); buf += 3 * sizeof(int);
    memcpy(buf, a->x[i], 3 * sizeof(double)); buf += 3 * sizeof(double);
    memcpy(buf, a->v[i], 3 * sizeof(double)); buf += 3 * sizeof(double);
    for (int k = 0; k < a->nprop; k++) {
        size_t w = (size_t)a->prop[k].width;
        memcpy(buf, a->prop[k].data + (size_t)i * w, w * sizeof(double));
        buf += w * sizeof(double);
    }
}

void atoms_unpack_append(atoms *a, const unsigned char *buf)
{
    atoms_reserve(a, a->nlocal + 1);
    int i = a->nlocal++;
    memcpy(&a->id[i], buf, sizeof(int64_t)); buf += sizeof(int64_t);
    memcpy(&a->mask[i], buf, sizeof(uint64_t)); buf += sizeof(uint64_t);
    memcpy(&a->type[i], buf, sizeof(int)); buf += sizeof(int);
    memcpy(a->image[i], buf, 3 * sizeof(int)); buf += 3 * sizeof(int);
    memcpy(a->x[i], buf, 3 * sizeof(double)); buf += 3 * sizeof(double);
    memcpy(a->v[i], buf, 3 * sizeof(double)); buf += 3 * sizeof(double);
    a->f[i][0] = a->f[i][1] = a->f[i][2] = 0.0;
    for (int k = 0; k < a->nprop; k++) {
        size_t w = (size_t)a->prop[k].width;
        memcpy(a->prop[k].data + (size_t)i * w, buf, w * sizeof(double));
        buf += w * sizeof(double);
    }
}
