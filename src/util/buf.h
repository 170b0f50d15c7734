/* SPDX-License-Identifier: MIT */
/*
 * A growable byte buffer with a size cap, used to build SQL, JSON, XML and
 * log text. Initialise on the stack, append, then release or detach:
 *
 *     struct buf b = BUF_INIT(64 * 1024);
 *     buf_puts(&b, "hello");
 *     ...
 *     buf_release(&b);
 *
 * An append that would pass the cap, or that fails to allocate, leaves the
 * buffer as it was and sets b->failed; later appends do nothing, so callers
 * may check once at the end.
 */
#ifndef CIVIC311_BUF_H
#define CIVIC311_BUF_H

#include <stdbool.h>
#include <stddef.h>

#include "util/status.h"

struct buf {
    char *data; /* always NUL-terminated when non-NULL */
    size_t len;
    size_t cap;   /* bytes allocated */
    size_t limit; /* largest len allowed; 0 means no limit */
    bool failed;
};

#define BUF_INIT(limit)                                                        \
    {                                                                          \
        NULL, 0, 0, (limit), false                                             \
    }

enum c311_rc buf_append(struct buf *b, const void *p, size_t n);
enum c311_rc buf_puts(struct buf *b, const char *s);
enum c311_rc buf_putc(struct buf *b, char c);
enum c311_rc buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Empties the buffer but keeps its memory. */
void buf_reset(struct buf *b);

/* Frees the memory; the buffer may be used again afterwards. */
void buf_release(struct buf *b);

/* Hands the string to the caller, who frees it with free(); the buffer is
 * left empty. Returns an allocated empty string for an empty buffer. */
char *buf_detach(struct buf *b, size_t *len);

#endif
