/* HDF5 checkpoints: the whole state of a study, written collectively with
 * parallel HDF5, so a run continues exactly where it stopped (docs/
 * checkpoints.md has the file layout).
 *
 * This header also gives observers a way to keep replicated global state
 * (histograms, counters) in a checkpoint: inside their save()/restore()
 * hooks (analysis/observer.h) they put and get named arrays. */
#ifndef MGMD_CHECKPOINT_H
#define MGMD_CHECKPOINT_H

#include <stddef.h>
#include <stdint.h>

struct ckpt_state;

/* Collective; every rank passes the same values. Keys are names of datasets
 * inside the observer's group (letters, digits, _). */
void ckpt_put_doubles(struct ckpt_state *c, const char *key, const double *v, size_t n);
void ckpt_put_i64(struct ckpt_state *c, const char *key, const int64_t *v, size_t n);
/* Collective. Returns 0, or -1 if the key is missing or holds another count
 * (v untouched); the caller then fails with its own message. */
int ckpt_get_doubles(struct ckpt_state *c, const char *key, double *v, size_t n);
int ckpt_get_i64(struct ckpt_state *c, const char *key, int64_t *v, size_t n);

#endif
