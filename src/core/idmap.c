#include "core/idmap.h"
#include "core/error.h"

#include <stdlib.h>

static inline uint64_t hash(int64_t id)
{
    uint64_t h = (uint64_t)id * 0x9E3779B97F4A7C15ull;
    return h ^ (h >> 29);
}

void idmap_init(idmap *m, int64_t n)
{
    uint64_t cap = 16;
    while (cap < 2 * (uint64_t)n)
        cap <<= 1;
    m->mask = cap - 1;
    m->key = mg_malloc(cap * sizeof *m->key);
    m->val = mg_malloc(cap * sizeof *m->val);
    for (uint64_t k = 0; k < cap; k++)
        m->key[k] = -1;
}

int idmap_put(idmap *m, int64_t id, int val)
{
    uint64_t k = hash(id) & m->mask;
    while (m->key[k] != -1) {
        if (m->key[k] == id)
            return m->val[k];
        k = (k + 1) & m->mask;
    }
    m->key[k] = id;
    m->val[k] = val;
    return -1;
}

int idmap_build(idmap *m, const int64_t *ids, int n, int64_t *dup)
{
    idmap_init(m, n);
    for (int i = 0; i < n; i++)
        if (idmap_put(m, ids[i], i) >= 0) {
            *dup = ids[i];
            return -1;
        }
    return 0;
}

int idmap_find(const idmap *m, int64_t id)
{
    uint64_t k = hash(id) & m->mask;
    while (m->key[k] != -1) {
        if (m->key[k] == id)
            return m->val[k];
        k = (k + 1) & m->mask;
    }
    return -1;
}

void idmap_free(idmap *m)
{
    free(m->key);
    free(m->val);
    m->key = NULL;
    m->val = NULL;
}
