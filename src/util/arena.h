/* SPDX-License-Identifier: MIT */
/*
 * A region allocator. Everything that lives as long as one HTTP request, one
 * CLI command or one loaded configuration is taken from an arena and given
 * back at once by arena_free(); nothing allocated from it is freed alone.
 *
 * Allocation functions return NULL when memory runs out; callers in the
 * server fail only the request, the CLI may use the x-prefixed wrappers in
 * util/xalloc.h instead.
 */
#ifndef CIVIC311_ARENA_H
#define CIVIC311_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct arena_block;

struct arena {
    struct arena_block *head;
    size_t total; /* bytes handed out so far */
};

#define ARENA_INIT                                                             \
    {                                                                          \
        NULL, 0                                                                \
    }

/* Returns n bytes aligned for any type, zero-filled, or NULL. */
void *arena_alloc(struct arena *a, size_t n);

/* Returns a copy of s (NULL stays NULL) that lives in the arena. */
char *arena_strdup(struct arena *a, const char *s);

/* Returns a NUL-terminated copy of the n first bytes of s. */
char *arena_strndup(struct arena *a, const char *s, size_t n);

/* Returns a formatted string that lives in the arena, or NULL. */
char *arena_printf(struct arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap);

/* Gives back every block; the arena may be used again afterwards. */
void arena_free(struct arena *a);

/*
 * Forgets everything allocated but keeps the newest (largest) block for
 * what comes next: cheaper than arena_free when an arena is filled and
 * emptied again and again.
 */
void arena_reset(struct arena *a);

#endif
