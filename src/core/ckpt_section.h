/* Checkpoint sections: how a stateful module (fixes, schedules, groups, the
 * decomposition, outputs and observers) keeps its state in a checkpoint
 * without knowing the file format.
 *
 * A module registers one section (a name and save/restore callbacks) with
 * the study's section table; the checkpoint writer (io/checkpoint.c, which
 * implements the functions below on HDF5) gives each section its own group
 * /sections/NAME and calls save() on writing and restore() when a restart
 * loads the state, in registration order. Inside, a module puts and gets
 * named arrays and text, and may open named sub-groups (one per fix, per
 * observer). Per-atom state needs no section: it lives in per-atom
 * properties (system/atoms.h), which checkpoints store with the atoms.
 *
 * Every call is collective: every rank passes the same values (replicated
 * state); rank 0's are written. */
#ifndef MGMD_CKPT_SECTION_H
#define MGMD_CKPT_SECTION_H

#include <stddef.h>
#include <stdint.h>

typedef struct ckpt_state ckpt_state;

void ckpt_put_doubles(ckpt_state *c, const char *key, const double *v, size_t n);
void ckpt_put_i64(ckpt_state *c, const char *key, const int64_t *v, size_t n);
void ckpt_put_text(ckpt_state *c, const char *key, const char *text);
/* Return 0, or -1 if the key is missing or holds another count (v
 * untouched); the caller then fails with its own message. */
int ckpt_get_doubles(ckpt_state *c, const char *key, double *v, size_t n);
int ckpt_get_i64(ckpt_state *c, const char *key, int64_t *v, size_t n);
/* Text as stored (malloc'd), or NULL if missing. */
char *ckpt_get_text(ckpt_state *c, const char *key);
/* A named sub-group: created when writing, opened when reading (NULL if it
 * does not exist). Close it with ckpt_leave(). */
ckpt_state *ckpt_enter(ckpt_state *c, const char *name);
void ckpt_leave(ckpt_state *sub);
/* Reading: the names of the sub-groups, in name order (count, then each
 * into out). */
int ckpt_count(ckpt_state *c);
void ckpt_name(ckpt_state *c, int k, char *out, size_t len);

typedef struct ckpt_section {
    char name[32];
    void (*save)(void *ctx, ckpt_state *c);
    /* Returns 0, or -1 with the reason in why (the caller names the file). */
    int (*restore)(void *ctx, ckpt_state *c, char *why, size_t whylen);
    void *ctx;
} ckpt_section;

#define CKPT_MAX_SECTIONS 16

typedef struct ckpt_sections {
    int n;
    ckpt_section s[CKPT_MAX_SECTIONS];
} ckpt_sections;

/* Register a section; returns 0, or -1 if the name is taken or the table
 * full (a programming error: the caller aborts). */
int ckpt_sections_add(ckpt_sections *t, const ckpt_section *sec);

#endif
