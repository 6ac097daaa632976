/* HDF5 checkpoints: the whole state of a study, written collectively with
 * parallel HDF5 (each rank writes its own atoms; nothing is gathered), so a
 * run continues exactly where it stopped. docs/checkpoints.md has the file
 * layout; h5dump and h5py read it.
 *
 * Safety: a checkpoint is written to PATH.tmp, flushed to disk, and only
 * then renamed to PATH, so a job killed mid-write leaves the previous
 * checkpoint untouched. Every per-atom dataset carries a checksum and the
 * HDF5 metadata its own (superblock v2), and a digest written last covers
 * every dataset and attribute with its name, type and shape (the per-atom
 * rows through their checksums), so a truncated, damaged or edited file is
 * refused with the reason, never half-read. What the file says is then
 * checked against what it holds (atom count, types, clock, deck position,
 * box and positions). The digest detects edits, not forgery: a checkpoint's
 * stored deck is code, so run only files you trust.
 *
 * Beyond the system itself (clock, box, types, potential, every per-atom
 * array and property) and the deck's record, a checkpoint holds one group
 * per registered section (core/ckpt_section.h: fixes, schedules, groups,
 * the decomposition, outputs and observers), which this file writes and
 * restores without knowing their contents. */
#ifndef MGMD_CHECKPOINT_H
#define MGMD_CHECKPOINT_H

#include <stddef.h>
#include <stdint.h>

#include "core/ckpt_section.h"
#include "system/system.h"

#define CKPT_FORMAT "mgmd checkpoint"
#define CKPT_VERSION 4

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
    char *commands;          /* each executed statement after substitution,   */
                             /* one a line, up to and including pos.command   */
    char *sources;           /* ... each as written: "FILE:LINE: text"        */
    char *decisions;         /* every if/elif decided so far: '0'/'1' each    */
    char *where;             /* the open loops and includes at pos.command,   */
                             /* one a line (checked when a restart gets there) */
    char *cmdline_vars;      /* "NAME=VALUE" lines given with -var            */
    int nranks;              /* ranks that wrote it                           */
} ckpt_meta;

/* Write a checkpoint (collective). Fails collectively, leaving any earlier
 * file at `path` intact, if it cannot be written. */
void ckpt_write(const char *path, md *s, const ckpt_sections *sec, const ckpt_meta *m);

typedef struct ckpt_file ckpt_file;
/* Open and fully validate (format, version, the digest, the checksums of
 * every dataset, the records against each other and the atoms) before
 * anything of the file is used. On failure returns NULL on every rank with
 * the reason in why (naming the file); never exits. */
ckpt_file *ckpt_open(const char *path, char *why, size_t whylen);
/* Metadata of an open checkpoint (strings owned by the file). */
const ckpt_meta *ckpt_meta_of(const ckpt_file *f);
/* Box, types, masses, element names and atoms (collective; atoms go to the
 * ranks that own them). Per-atom properties present in both s and the file
 * are filled. */
void ckpt_load_system(ckpt_file *f, md *s);
/* Everything else: the atoms again (with every per-atom property now
 * registered), step, time, time step, and each section's state in
 * registration order (collective; a section that refuses its state stops
 * the run naming the file). */
void ckpt_load_state(ckpt_file *f, md *s, const ckpt_sections *sec);
/* Only these sections' state, after ckpt_load_system (read_checkpoint
 * keeps the decomposition: a balanced grid and cuts). */
void ckpt_load_sections(ckpt_file *f, const ckpt_sections *sec);
void ckpt_close(ckpt_file *f);

#endif
