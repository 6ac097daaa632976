/* Output claims: one writer per file, one job per study.
 *
 * Every output that writes a file (thermo CSV, dumps, H5MD, observers'
 * tables, print files) claims it first, under an
 * owner name ("thermo", "dump d1", "print"); write_data and checkpoints,
 * written and closed at once, only check (claim_check_all). A file is the
 * same file if its device and inode are (symlinks, "./x" and "x" alike) or,
 * before it exists, if its resolved path is. A second owner's claim of a
 * file this run already writes is refused, naming both and where the first
 * claim was made; the same owner may claim its file again (a restart
 * reopening it, `print` appending). Releasing (the output closed: `undump`,
 * `clear`, the end of the deck) frees the file for a later output.
 *
 * Across processes: text outputs hold a POSIX fcntl write lock on their file
 * (F_SETLK, whole file) for as long as they write it, and the checkpoint
 * series a lock file PREFIX.lock holding "host pid" of its job. A second mgmd
 * on the same files is refused before it truncates or writes anything;
 * fcntl locks vanish with their process, so a dead job's never block.
 * HDF5 files are not fcntl-locked: MPI-IO takes and drops its own fcntl
 * locks on them (and any close of the file drops every lock the process
 * holds on it), so a lock of ours would be lost or would block other ranks;
 * PREFIX.lock covers them.
 *
 * Only rank 0 claims (it opens text outputs; it decides for the HDF5 files
 * every rank opens); claim_verdict() hands its decision to all ranks.
 * Communication: claim_verdict's broadcast only. */
#ifndef MGMD_CLAIM_H
#define MGMD_CLAIM_H

#include <stddef.h>
#include <stdio.h>

/* The deck statement now running, for messages (any rank; restart.c sets it
 * before every statement). */
void claim_set_place(const char *file, int line, const char *text);

/* Rank 0: claim path for owner and open it ("w" truncates, "a" appends),
 * locked. Nothing is truncated unless the claim and the lock are granted.
 * NULL with the message in err when refused or when the file cannot be
 * opened (then errno is set and err says so). */
FILE *claim_fopen(const char *owner, const char *path, const char *mode, char *err, size_t errlen);
/* Rank 0: claim without opening or locking (files HDF5 opens, a checkpoint
 * being written). 0, or -1 with the message in err. */
int claim_path(const char *owner, const char *path, char *err, size_t errlen);
/* Rank 0: the lock again on f, after the owner closed and reopened its file
 * (every close of a file drops the process's fcntl locks on it). 0 or -1. */
int claim_relock(const char *owner, FILE *f, char *err, size_t errlen);
/* Collective: rank 0 claims and opens owner's n files (claim_fopen, in
 * order, mode "w" or "a"); if one cannot be had, those opened are closed,
 * owner's claims released and f[] left NULL. Every rank learns the
 * outcome: 0 when all are open (on rank 0; NULL elsewhere), -1 with
 * *failed the index of the file that could not be had and *code its errno.
 * refusal gets a refused claim's message ("" for any other failure): the
 * caller frees what it must and passes it to claim_verdict(), which ends
 * the run on a refusal, then reports a plain failure itself. */
int claim_fopen_all(const char *owner, int n, FILE **f, const char *const *path, const char *mode, char *refusal,
                    size_t rlen, int *failed, int *code);
/* Collective, an output continued by a restart: each of owner's n files
 * cut back to its checkpointed length (io/funnel.h text_resume; what[k]
 * names it in messages), then locked again by rank 0 (closing the old
 * stream dropped the lock), stopping at the first refusal, which ends the
 * run on every rank (claim_verdict). */
void claim_resume_all(const char *owner, int n, FILE **f, const char *const *path, const long long *bytes,
                      const char *const *what);
/* Rank 0 (no-op elsewhere): release owner's claims (path NULL: all of them). */
void claim_release(const char *owner, const char *path);

/* Collective, for a file written and closed at once (write_data, a
 * checkpoint): refused, on every rank together, if another output of this
 * run holds path; nothing is entered or locked. */
void claim_check_all(const char *owner, const char *path);

/* Collective: rank 0's verdict (err, "" when granted) to every rank; a
 * refusal ends the run on all ranks together (mg_fail_all), with the deck
 * statement running as context. */
void claim_verdict(const char *err);

/* Rank 0: lock PREFIX.lock for the life of the process (written "host pid"),
 * once per prefix. 0, or -1 with a message naming the holder in err. */
int claim_study(const char *prefix, char *err, size_t errlen);
/* mkdir -p of the folder part of path (the checkpoint series' folder,
 * before its lock file or first checkpoint). */
void claim_make_folder(const char *path);

#endif
