/* SPDX-License-Identifier: MIT */
/* Growable, capped byte buffer. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

static enum c311_rc
buf_grow(struct buf *b, size_t extra)
{
    size_t want, cap;
    char *p;

    if (b->failed)
        return C311_ERR_INVALID;
    if (b->len + extra < b->len ||
        (b->limit != 0 && b->len + extra > b->limit)) {
        b->failed = true;
        return C311_ERR_TOO_LARGE;
    }
    want = b->len + extra + 1;
    if (want <= b->cap)
        return C311_OK;

    cap = b->cap ? b->cap : 256;
    while (cap < want)
        cap *= 2;
    p = realloc(b->data, cap);
    if (p == NULL) {
        b->failed = true;
        return C311_ERR_NOMEM;
    }
    b->data = p;
    b->cap = cap;
    return C311_OK;
}

enum c311_rc
buf_append(struct buf *b, const void *p, size_t n)
{
    enum c311_rc rc = buf_grow(b, n);

    if (rc != C311_OK)
        return rc;
    if (n > 0)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return C311_OK;
}

enum c311_rc
buf_puts(struct buf *b, const char *s)
{
    return buf_append(b, s, strlen(s));
}

enum c311_rc
buf_putc(struct buf *b, char c)
{
    return buf_append(b, &c, 1);
}

enum c311_rc
buf_printf(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    int n;
    enum c311_rc rc;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->failed = true;
        return C311_ERR_INVALID;
    }
    rc = buf_grow(b, (size_t)n);
    if (rc != C311_OK)
        return rc;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return C311_OK;
}

void
buf_reset(struct buf *b)
{
    b->len = 0;
    b->failed = false;
    if (b->data != NULL)
        b->data[0] = '\0';
}

void
buf_release(struct buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->failed = false;
}

char *
buf_detach(struct buf *b, size_t *len)
{
    char *p = b->data;

    if (p == NULL)
        p = calloc(1, 1);
    if (len != NULL)
        *len = b->len;
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->failed = false;
    return p;
}
