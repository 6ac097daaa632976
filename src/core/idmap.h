/* Map from 64-bit atom id to local index (open addressing), for looking up
 * atoms named by id in input files. */
#ifndef MGMD_IDMAP_H
#define MGMD_IDMAP_H

#include <stdint.h>

typedef struct idmap {
    int64_t *key;
    int *val;
    uint64_t mask;
} idmap;

/* Empty map for up to n ids. */
void idmap_init(idmap *m, int64_t n);
/* Insert id -> val; returns the value already stored for id, or -1. */
int idmap_put(idmap *m, int64_t id, int val);
/* Build from ids[0..n-1]; returns -1 if an id repeats (*dup set), else 0. */
int idmap_build(idmap *m, const int64_t *ids, int n, int64_t *dup);
/* Local index of id, or -1. */
int idmap_find(const idmap *m, int64_t id);
void idmap_free(idmap *m);

#endif
