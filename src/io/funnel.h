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

#endif
