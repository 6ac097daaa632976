/* TEMPORARY (pair-structure engineer's local testing only; to be deleted):
 * weak stand-ins for the checkpoint engineer's observer-state API. */
#include "io/checkpoint.h"
#include "core/error.h"
__attribute__((weak)) void ckpt_put_doubles(struct ckpt_state *c, const char *key, const double *v, size_t n) { (void)c; (void)key; (void)v; (void)n; }
__attribute__((weak)) void ckpt_put_i64(struct ckpt_state *c, const char *key, const int64_t *v, size_t n) { (void)c; (void)key; (void)v; (void)n; }
__attribute__((weak)) int ckpt_get_doubles(struct ckpt_state *c, const char *key, double *v, size_t n) { (void)c; (void)key; (void)v; (void)n; return -1; }
__attribute__((weak)) int ckpt_get_i64(struct ckpt_state *c, const char *key, int64_t *v, size_t n) { (void)c; (void)key; (void)v; (void)n; return -1; }
