/* SPDX-License-Identifier: MIT */
/* Region allocator: blocks chained from the newest, freed all together. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"

#define ARENA_BLOCK_MIN 4096
#define ARENA_ALIGN     16

struct arena_block {
    struct arena_block *next;
    size_t size;
    size_t used;
    /* Data follows, aligned by the header size rounding below. */
};

#define ARENA_HDR                                                              \
    ((sizeof(struct arena_block) + ARENA_ALIGN - 1) &                          \
     ~(size_t)(ARENA_ALIGN - 1))

/* Room for n bytes, left as they are: the caller writes them all. */
static void *
alloc_bytes(struct arena *a, size_t n)
{
    struct arena_block *b = a->head;
    size_t need, size;
    char *p;

    need = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
    if (need < n)
        return NULL;

    if (b == NULL || b->size - b->used < need) {
        size = need > ARENA_BLOCK_MIN ? need : ARENA_BLOCK_MIN;
        /* Grow block size with the arena so large results stay cheap. */
        if (a->total > size && a->total < (size_t)64 << 20)
            size = a->total;
        b = malloc(ARENA_HDR + size);
        if (b == NULL)
            return NULL;
        b->size = size;
        b->used = 0;
        b->next = a->head;
        a->head = b;
    }

    p = (char *)b + ARENA_HDR + b->used;
    b->used += need;
    a->total += need;
    return p;
}

void *
arena_alloc(struct arena *a, size_t n)
{
    void *p = alloc_bytes(a, n);

    if (p != NULL)
        memset(p, 0, n);
    return p;
}

char *
arena_strndup(struct arena *a, const char *s, size_t n)
{
    char *p;

    if (s == NULL)
        return NULL;
    p = alloc_bytes(a, n + 1);
    if (p == NULL)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *
arena_strdup(struct arena *a, const char *s)
{
    if (s == NULL)
        return NULL;
    return arena_strndup(a, s, strlen(s));
}

char *
arena_vprintf(struct arena *a, const char *fmt, va_list ap)
{
    va_list ap2;
    int n;
    char *p;

    va_copy(ap2, ap);
    n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return NULL;
    p = arena_alloc(a, (size_t)n + 1);
    if (p == NULL)
        return NULL;
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

char *
arena_printf(struct arena *a, const char *fmt, ...)
{
    va_list ap;
    char *p;

    va_start(ap, fmt);
    p = arena_vprintf(a, fmt, ap);
    va_end(ap);
    return p;
}

void
arena_free(struct arena *a)
{
    struct arena_block *b, *next;

    for (b = a->head; b != NULL; b = next) {
        next = b->next;
        free(b);
    }
    a->head = NULL;
    a->total = 0;
}

void
arena_reset(struct arena *a)
{
    struct arena_block *keep = a->head;

    if (keep == NULL)
        return;
    a->head = keep->next;
    arena_free(a);
    keep->next = NULL;
    keep->used = 0;
    a->head = keep;
}
