/* Rank-0 text output (funnel.h). funnel_write: every other rank sends its
 * whole buffer to rank 0 in one message; rank 0 writes its own text, then
 * receives and writes rank 1's, rank 2's, ... (size found by probing, one
 * receive buffer reused), so it holds one rank's text at a time and the
 * file is in rank order. fwrite's result is not checked here: callers test
 * ferror(). A textbuf grows by doubling from 4 KiB and stays NUL-terminated.
 * text_resume cuts the file back to its checkpoint length; rank 0 checks and
 * broadcasts any error, so all ranks fail together (mg_fail_all).
 * Communication: one message per rank > 0 in funnel_write, one broadcast
 * each in text_position and text_resume. */
#include "io/funnel.h"
#include "core/error.h"
#include "parallel/parallel.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdlib.h>

static void room(textbuf *t, size_t more)
{
    if (t->len + more + 1 <= t->cap)
        return;
    size_t c = t->cap ? t->cap : 4096;
    while (c < t->len + more + 1)
        c *= 2;
    t->s = mg_realloc(t->s, c);
    t->cap = c;
}

void tb_printf(textbuf *t, const char *fmt, ...)
{
    va_list ap;
    room(t, 128);
    va_start(ap, fmt);
    int n = vsnprintf(t->s + t->len, t->cap - t->len, fmt, ap);
    va_end(ap);
    if (n < 0)
        mg_fail_one("formatting output text failed");
    if ((size_t)n >= t->cap - t->len) {
        room(t, (size_t)n);
        va_start(ap, fmt);
        vsnprintf(t->s + t->len, t->cap - t->len, fmt, ap);
        va_end(ap);
    }
    t->len += (size_t)n;
}

void tb_putc(textbuf *t, char c)
{
    room(t, 1);
    t->s[t->len++] = c;
    t->s[t->len] = '\0';
}

void tb_free(textbuf *t)
{
    free(t->s);
    t->s = NULL;
    t->len = t->cap = 0;
}

void funnel_write(FILE *f, const textbuf *mine)
{
    if (par_rank() != 0) {
        par_send(mine->s, mine->len, 0);
        return;
    }
    if (mine->len > 0)
        fwrite(mine->s, 1, mine->len, f);
    void *rb = NULL;
    size_t rcap = 0;
    for (int r = 1; r < par_size(); r++) {
        size_t n = par_recv(&rb, &rcap, r);
        if (n > 0) /* a rank with no atoms sends nothing */
            fwrite(rb, 1, n, f);
    }
    free(rb);
}

long long text_position(FILE *f)
{
    long long pos = 0;
    if (par_rank() == 0 && f) {
        fflush(f);
        pos = (long long)ftello(f);
    }
    par_bcast_bytes(&pos, sizeof pos, 0);
    return pos;
}

FILE *text_resume(FILE *old, const char *path, long long bytes, const char *what)
{
    char err[1400] = "";
    FILE *f = NULL;
    if (par_rank() == 0) {
        if (old)
            fclose(old);
        struct stat sb;
        if (stat(path, &sb) != 0)
            snprintf(err, sizeof err, "restart: %s %s is gone (%s); it held %lld bytes at the checkpoint", what,
                     path, strerror(errno), bytes);
        else if ((long long)sb.st_size < bytes)
            snprintf(err, sizeof err, "restart: %s %s has %lld bytes, fewer than the %lld it had at the checkpoint",
                     what, path, (long long)sb.st_size, bytes);
        else if (truncate(path, (off_t)bytes) != 0 || !(f = fopen(path, "a")))
            snprintf(err, sizeof err, "restart: cannot continue %s %s: %s", what, path, strerror(errno));
    }
    par_bcast_bytes(err, sizeof err, 0);
    if (err[0])
        mg_fail_all("%s", err);
    return f;
}
