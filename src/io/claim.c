/* Output claims and job locks (claim.h). A table of this process's claims,
 * kept on rank 0: owner, the file's device and inode (once it exists) and
 * its resolved path (folder through realpath, then the name), and the deck
 * statement that made the claim. Two claims are of one file when their
 * inodes agree, or their resolved paths do.
 *
 * Locks are POSIX fcntl record locks (F_SETLK, F_WRLCK, the whole file):
 * they work on local disks and, through the lock manager, on NFS, and the
 * kernel drops them when the process dies however it dies, which is what
 * makes a dead job's locks harmless. Their catch: they belong to the
 * process, not the descriptor, and closing any descriptor of the file drops
 * them; hence claim_relock() after a writer reopens its file, and no lock
 * on the files HDF5/MPI-IO open and close themselves (claim.h).
 * The lock file PREFIX.lock is opened here once and never closed.
 *
 * Communication: claim_verdict() broadcasts rank 0's verdict;
 * claim_fopen_all() broadcasts whether rank 0 opened an output's files. */
#include "io/claim.h"
#include "core/error.h"
#include "io/funnel.h"
#include "parallel/parallel.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CLAIM_MAX 256
#define STUDY_MAX 16

typedef struct claim {
    char owner[80];
    char path[1024];        /* as the deck gave it, for messages            */
    char resolved[PATH_MAX];
    dev_t dev;
    ino_t ino;
    int known;              /* dev/ino valid                                 */
    char place[1100];       /* "in.deck:12" of the claiming statement        */
} claim;

static claim claims[CLAIM_MAX];
static int nclaims;
static char place_now[1100] = "";
static char text_now[1100] = "";

static struct {
    char prefix[1024];
    int fd;
} studies[STUDY_MAX];
static int nstudies;

void claim_set_place(const char *file, int line, const char *text)
{
    snprintf(place_now, sizeof place_now, "%s:%d", file, line);
    snprintf(text_now, sizeof text_now, "%s", text ? text : "");
}

/* The folder through realpath, then the name; the path as given (made
 * absolute) if the folder does not exist yet. */
static void resolve(const char *path, char *out, size_t len)
{
    char d[PATH_MAX], b[PATH_MAX], real[PATH_MAX];
    snprintf(d, sizeof d, "%s", path);
    snprintf(b, sizeof b, "%s", path);
    const char *dir = dirname(d), *base = basename(b);
    int n = -1;
    if (realpath(dir, real))
        n = snprintf(out, len, "%s/%s", real, base);
    else if (path[0] != '/' && getcwd(real, sizeof real))
        n = snprintf(out, len, "%s/%s", real, path);
    if (n < 0 || (size_t)n >= len)
        snprintf(out, len, "%s", path);
}

static void identify(claim *c)
{
    struct stat sb;
    if (!c->known && stat(c->resolved, &sb) == 0) {
        c->dev = sb.st_dev;
        c->ino = sb.st_ino;
        c->known = 1;
    }
}

/* The claim of another owner on the file c names, if any. */
static claim *held_by_other(claim *c)
{
    identify(c);
    for (int k = 0; k < nclaims; k++) {
        claim *o = &claims[k];
        identify(o);
        int same = (c->known && o->known && c->dev == o->dev && c->ino == o->ino) || !strcmp(c->resolved, o->resolved);
        if (same && strcmp(o->owner, c->owner) != 0)
            return o;
    }
    return NULL;
}

static claim *find(const char *owner, const claim *c)
{
    for (int k = 0; k < nclaims; k++) {
        claim *o = &claims[k];
        if (!strcmp(o->owner, owner) &&
            ((c->known && o->known && c->dev == o->dev && c->ino == o->ino) || !strcmp(c->resolved, o->resolved)))
            return o;
    }
    return NULL;
}

static void refused(const claim *c, const claim *o, char *err, size_t errlen)
{
    snprintf(err, errlen, "%s: %s: %s is already written by %s (%s); give each output a file of its own%s%s",
             place_now, c->owner, c->path, o->owner, o->place, text_now[0] ? "\n  in: " : "", text_now);
}

/* Check c against the table and enter it (once per owner and file). */
static int enter(claim *c, char *err, size_t errlen)
{
    const claim *o = held_by_other(c);
    if (o) {
        refused(c, o, err, errlen);
        return -1;
    }
    claim *mine = find(c->owner, c);
    if (mine) {
        if (c->known && !mine->known) {
            mine->dev = c->dev, mine->ino = c->ino, mine->known = 1;
        }
        return 0;
    }
    if (nclaims == CLAIM_MAX) {
        snprintf(err, errlen, "%s: more than %d output files open at once", c->owner, CLAIM_MAX);
        return -1;
    }
    claims[nclaims++] = *c;
    return 0;
}

static void prepare(claim *c, const char *owner, const char *path)
{
    memset(c, 0, sizeof *c);
    snprintf(c->owner, sizeof c->owner, "%s", owner);
    snprintf(c->path, sizeof c->path, "%s", path);
    snprintf(c->place, sizeof c->place, "%s", place_now[0] ? place_now : "the command line");
    resolve(path, c->resolved, sizeof c->resolved);
    identify(c);
}

/* Another process's write lock on fd's file: 0 if none (or locks are not
 * supported there), else its pid (-1 if unknown). */
static int lock_fd(int fd, long *holder)
{
    struct flock fl;
    memset(&fl, 0, sizeof fl);
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    if (fcntl(fd, F_SETLK, &fl) == 0)
        return 0;
    if (errno != EACCES && errno != EAGAIN)
        return 0; /* no lock support on this file system (ENOLCK): go on */
    struct flock q;
    memset(&q, 0, sizeof q);
    q.l_type = F_WRLCK;
    q.l_whence = SEEK_SET;
    *holder = fcntl(fd, F_GETLK, &q) == 0 && q.l_type != F_UNLCK ? (long)q.l_pid : -1;
    return 1;
}

static void locked_message(const char *owner, const char *path, long pid, char *err, size_t errlen)
{
    char who[64];
    if (pid > 0)
        snprintf(who, sizeof who, "process %ld", pid);
    else
        snprintf(who, sizeof who, "another process");
    snprintf(err, errlen, "%s: %s: %s is being written by %s (another mgmd job on these files, on this host or "
             "another); stop that job first (under mpirun kill its ranks too, not only mpirun), or write to "
             "another file%s%s", place_now, owner, path, who, text_now[0] ? "\n  in: " : "", text_now);
}

FILE *claim_fopen(const char *owner, const char *path, const char *mode, char *err, size_t errlen)
{
    claim c;
    err[0] = '\0';
    prepare(&c, owner, path);
    const claim *o = held_by_other(&c);
    if (o) {
        refused(&c, o, err, errlen);
        errno = EBUSY;
        return NULL;
    }
    int append = mode[0] == 'a';
    /* Opened without O_TRUNC: nothing is cut before the lock is ours. */
    int fd = open(path, O_WRONLY | O_CREAT | (append ? O_APPEND : 0), 0666);
    if (fd < 0) {
        snprintf(err, errlen, "%s: cannot write %s: %s", owner, path, strerror(errno));
        return NULL;
    }
    long pid = 0;
    if (lock_fd(fd, &pid)) {
        close(fd);
        locked_message(owner, path, pid, err, errlen);
        errno = EBUSY;
        return NULL;
    }
    c.known = 0;
    identify(&c);
    if (enter(&c, err, errlen) != 0) {
        close(fd);
        errno = EBUSY;
        return NULL;
    }
    if (!append && ftruncate(fd, 0) != 0) {
        int e = errno;
        snprintf(err, errlen, "%s: cannot write %s: %s", owner, path, strerror(e));
        close(fd);
        claim_release(owner, path);
        errno = e;
        return NULL;
    }
    FILE *f = fdopen(fd, append ? "a" : "w");
    if (!f) {
        int e = errno;
        snprintf(err, errlen, "%s: cannot write %s: %s", owner, path, strerror(e));
        close(fd);
        claim_release(owner, path);
        errno = e;
    }
    return f;
}

int claim_path(const char *owner, const char *path, char *err, size_t errlen)
{
    claim c;
    err[0] = '\0';
    prepare(&c, owner, path);
    return enter(&c, err, errlen);
}

int claim_relock(const char *owner, FILE *f, char *err, size_t errlen)
{
    err[0] = '\0';
    if (!f)
        return 0;
    long pid = 0;
    if (!lock_fd(fileno(f), &pid))
        return 0;
    const char *path = "its file";
    struct stat sb;
    if (fstat(fileno(f), &sb) == 0)
        for (int k = 0; k < nclaims; k++)
            if (!strcmp(claims[k].owner, owner) && claims[k].known && claims[k].dev == sb.st_dev &&
                claims[k].ino == sb.st_ino)
                path = claims[k].path;
    locked_message(owner, path, pid, err, errlen);
    return -1;
}

void claim_release(const char *owner, const char *path)
{
    claim c;
    memset(&c, 0, sizeof c);
    if (path)
        prepare(&c, owner, path);
    for (int k = 0; k < nclaims;) {
        claim *o = &claims[k];
        int match = !strcmp(o->owner, owner) &&
                    (!path || (c.known && o->known && c.dev == o->dev && c.ino == o->ino) ||
                     !strcmp(c.resolved, o->resolved));
        if (match) {
            claims[k] = claims[--nclaims];
            continue;
        }
        k++;
    }
}

void claim_check_all(const char *owner, const char *path)
{
    char err[5000] = "";
    if (par_rank() == 0) {
        claim c;
        prepare(&c, owner, path);
        const claim *o = held_by_other(&c);
        if (o)
            refused(&c, o, err, sizeof err);
    }
    claim_verdict(err);
}

int claim_fopen_all(const char *owner, int n, FILE **f, const char *const *path, const char *mode, char *refusal,
                    size_t rlen, int *failed, int *code)
{
    int st[3] = {1, 0, 0}; /* all open, errno, the file that failed */
    refusal[0] = '\0';
    if (par_rank() == 0) {
        for (int k = 0; k < n && st[0]; k++) {
            f[k] = claim_fopen(owner, path[k], mode, refusal, rlen);
            if (!f[k]) {
                st[0] = 0;
                st[1] = errno;
                st[2] = k;
            }
        }
        if (st[0] || st[1] != EBUSY)
            refusal[0] = '\0';
        if (!st[0]) {
            for (int k = 0; k < n; k++) {
                if (f[k])
                    fclose(f[k]);
                f[k] = NULL;
            }
            claim_release(owner, NULL);
        }
    }
    par_bcast_ints(st, 3, 0);
    *code = st[1];
    *failed = st[2];
    return st[0] ? 0 : -1;
}

void claim_resume_all(const char *owner, int n, FILE **f, const char *const *path, const long long *bytes,
                      const char *const *what)
{
    for (int k = 0; k < n; k++)
        f[k] = text_resume(f[k], path[k], bytes[k], what[k]);
    char err[2600] = "";
    if (par_rank() == 0)
        for (int k = 0; k < n; k++)
            if (claim_relock(owner, f[k], err, sizeof err) != 0)
                break;
    claim_verdict(err);
}

void claim_verdict(const char *err)
{
    char buf[5000];
    snprintf(buf, sizeof buf, "%s", par_rank() == 0 && err ? err : "");
    par_bcast_bytes(buf, sizeof buf, 0);
    if (buf[0])
        mg_fail_all("%s", buf);
}

void claim_make_folder(const char *path)
{
    char dir[1100];
    snprintf(dir, sizeof dir, "%s", path);
    for (char *p = dir + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            mkdir(dir, 0777);
            *p = '/';
        }
}

int claim_study(const char *prefix, char *err, size_t errlen)
{
    err[0] = '\0';
    for (int k = 0; k < nstudies; k++)
        if (!strcmp(studies[k].prefix, prefix))
            return 0;
    if (nstudies == STUDY_MAX)
        return 0;
    char path[1100];
    snprintf(path, sizeof path, "%s.lock", prefix);
    claim_make_folder(path);
    int fd = open(path, O_RDWR | O_CREAT, 0666);
    if (fd < 0) {
        snprintf(err, errlen, "checkpoint: cannot create the lock file %s: %s", path, strerror(errno));
        return -1;
    }
    long pid = 0;
    if (lock_fd(fd, &pid)) {
        /* The holder wrote "host pid" when it took the lock. */
        char held[256] = "";
        ssize_t n = pread(fd, held, sizeof held - 1, 0);
        held[n > 0 ? n : 0] = '\0';
        held[strcspn(held, "\n")] = '\0';
        char host[200] = "?";
        long hpid = pid;
        if (sscanf(held, "%199s %ld", host, &hpid) < 1)
            snprintf(host, sizeof host, "?");
        close(fd);
        snprintf(err, errlen, "%s%sthe study %s is in use by another mgmd: %s is held by pid %ld on host %s. Two "
                 "jobs on one study would interleave their outputs and checkpoints: wait for that job to end, or "
                 "stop it (under mpirun kill its ranks too, not only mpirun), then run this again",
                 place_now[0] ? place_now : "", place_now[0] ? ": " : "", prefix, path, hpid, host);
        return -1;
    }
    /* Ours: a stale holder's line is simply overwritten. */
    char host[256] = "unknown";
    gethostname(host, sizeof host - 1);
    host[sizeof host - 1] = '\0';
    char line[320];
    int len = snprintf(line, sizeof line, "%s %ld\n", host, (long)getpid());
    if (ftruncate(fd, 0) != 0 || pwrite(fd, line, (size_t)len, 0) != len) {
        /* The lock stands; only the note for others is missing. */
    }
    snprintf(studies[nstudies].prefix, sizeof studies[nstudies].prefix, "%s", prefix);
    studies[nstudies++].fd = fd;
    return 0;
}
