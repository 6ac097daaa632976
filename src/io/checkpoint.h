/* HDF5 checkpoints: the whole state of a study, written collectively with
 * parallel HDF5 (each rank writes its own atoms; nothing is gathered), so a
 * run continues exactly where it stopped. docs/checkpoints.md has the file
 * layout; h5dump and h5py read it.
 *
 * Safety: a checkpoint is written to PATH.tmp, flushed to disk, and only
 * then renamed to PATH, so a job killed mid-write leaves the previous
 * checkpoint untouched. Every per-atom dataset carries a checksum and the
 * HDF5 metadata its own (superblock v2), so a truncated or damaged file is
 * refused with the reason, never half-read.
 *
 * This header also gives observers a way to keep replicated global state
 * (histograms, counters) in a checkpoint: inside their save()/restore()
 * hooks (analysis/observer.h) they put and get named arrays. */
#ifndef MGMD_CHECKPOINT_H
#define MGMD_CHECKPOINT_H

#include <stddef.h>
#include <stdint.h>

#include "integrate/ensemble.h"
#include "io/output.h"
#include "system/system.h"

#define CKPT_FORMAT "mgmd checkpoint"
#define CKPT_VERSION 1

/* Where in the deck the checkpoint was taken (deck/restart.c). */
typedef struct ckpt_position {
    int64_t command;     /* index of the command in execution order (0-based) */
    int line;            /* its line in the deck, for messages               */
    int stage;           /* runs of that command completed before            */
    int64_t done;        /* steps done of run `stage`; -1: command not begun  */
    int64_t run_steps;   /* that run's length (steps)                        */
    double run_t0;       /* ps: time at that run's step 0                    */
} ckpt_position;

typedef struct ckpt_meta {
    ckpt_position pos;
    int64_t seq;             /* checkpoint number (1, 2, ...)                 */
    char *deck_path;         /* the deck as given                             */
    char *deck_dir;          /* its folder, for relative paths                */
    char *deck_text;         /* the whole deck file                           */
    char *commands;          /* each executed command after ${} substitution, */
                             /* one a line, up to and including pos.command   */
    char *cmdline_vars;      /* "NAME=VALUE" lines given with -var            */
    int nranks;              /* ranks that wrote it                           */
} ckpt_meta;

/* Write a checkpoint (collective). Fails collectively, leaving any earlier
 * file at `path` intact, if it cannot be written. */
void ckpt_write(const char *path, md *s, const ensemble *e, outputs *o, const ckpt_meta *m);

typedef struct ckpt_file ckpt_file;
/* Open and fully validate (format, version, checksums of every dataset).
 * On failure returns NULL on every rank with the reason in why (naming the
 * file); never exits. */
ckpt_file *ckpt_open(const char *path, char *why, size_t whylen);
/* Metadata of an open checkpoint (strings owned by the file). */
const ckpt_meta *ckpt_meta_of(const ckpt_file *f);
/* Box, types, masses, element names and atoms (collective; atoms go to the
 * ranks that own them). Per-atom properties present in both s and the file
 * are filled. */
void ckpt_load_system(ckpt_file *f, md *s);
/* Everything else: step, time, time step, thermostat/barostat, the outputs'
 * files cut back to their length at the checkpoint, observers' state; and
 * the atoms again, with every per-atom property now registered. */
void ckpt_load_state(ckpt_file *f, md *s, ensemble *e, outputs *o);
void ckpt_close(ckpt_file *f);

/* Observers' replicated state. Collective; every rank passes the same
 * values. Keys are dataset names inside the observer's group (letters,
 * digits, _). */
struct ckpt_state;
void ckpt_put_doubles(struct ckpt_state *c, const char *key, const double *v, size_t n);
void ckpt_put_i64(struct ckpt_state *c, const char *key, const int64_t *v, size_t n);
/* Collective. Returns 0, or -1 if the key is missing or holds another count
 * (v untouched); the caller then fails with its own message. */
int ckpt_get_doubles(struct ckpt_state *c, const char *key, double *v, size_t n);
int ckpt_get_i64(struct ckpt_state *c, const char *key, int64_t *v, size_t n);

#endif
