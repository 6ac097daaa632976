/* Text that every rank formats and rank 0 writes, one rank at a time, so no
 * rank ever holds all atoms. A growable text buffer to format into. */
#ifndef MGMD_FUNNEL_H
#define MGMD_FUNNEL_H

#include <stddef.h>
#include <stdio.h>

typedef struct textbuf {
    char *s;
    size_t len, cap;
} textbuf;

/* Append formatted text, growing the buffer as needed. */
void tb_printf(textbuf *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void tb_putc(textbuf *t, char c);
void tb_free(textbuf *t);

/* Collective: rank 0 writes its own text, then every other rank's in rank
 * order, to f (only rank 0's f is used). */
void funnel_write(FILE *f, const textbuf *mine);

/* Rank-0 text files that a restart continues (thermo CSV, text dumps). */
/* Bytes written so far (flushes; collective: every rank gets the value). */
long long text_position(FILE *f);
/* Collective: reopen path for appending after cutting it back to `bytes`
 * (what it held at the checkpoint), so the continued run's lines follow
 * on as if it had never stopped. Returns the stream on rank 0 (NULL on the
 * others); fails collectively naming the file if it is missing or shorter. */
FILE *text_resume(FILE *old, const char *path, long long bytes, const char *what);

#endif
