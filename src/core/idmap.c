/* The id -> index map (idmap.h): open addressing with linear probing in a
 * power-of-two table at least twice the announced count (load <= 1/2, at
 * least 16 slots). Hash: Fibonacci multiplicative hashing (Knuth, TAOCP
 * vol. 3, sec. 6.4) with the high bits folded down, since the mask keeps
 * the low ones. Key -1 marks an empty slot (atom ids are >= 1). No
 * deletion and no growth: past the announced count probes lengthen, and
 * a full table would loop forever. Allocation failure takes the one-rank
 * error route. No communication. */
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
