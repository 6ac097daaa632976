/* Memory a request will need, checked before it is allocated.
 *
 * mem_available_per_rank: what one rank may use, the smallest of the
 * node's MemAvailable (/proc/meminfo) and the cgroup's headroom
 * (memory.max - memory.current, cgroup v2), shared by the ranks on this
 * node (Open MPI's OMPI_COMM_WORLD_LOCAL_SIZE, else all ranks), and the
 * user's `memory limit` if given. mem_check compares an estimate with it
 * and words a refusal that names both and what to change. The estimates
 * themselves live with the callers (atoms, sites, tables), each generous
 * rather than tight: a refusal must mean the run could not have fitted.
 * No communication (every rank computes the same, from node facts that
 * may differ between nodes: callers that must agree reduce the verdict). */
#ifndef MGMD_MEMORY_H
#define MGMD_MEMORY_H

#include <stddef.h>

/* Bytes an atom costs a rank, all included: its arrays, its share of
 * ghosts and neighbour list (about 160 neighbours within 8.6 A at metallic
 * density), sort buffers and halo messages. */
#define MEM_BYTES_PER_ATOM 1024.0

/* The user's limit per rank in bytes (0: none). */
void mem_set_limit(double bytes);
double mem_limit(void);
/* nranks: all ranks of the run (used when the launcher does not say how
 * many share this node). */
double mem_available_per_rank(int nranks);
/* 0 if `bytes` (per rank) fits; else -1 and a message: "WHAT: about X GB
 * per rank needed, Y GB available to each (...)". */
int mem_check(double bytes, int nranks, const char *what, char *err, size_t errlen);

#endif
