/* SPDX-License-Identifier: MIT */
/*
 * A map from strings to 64-bit integers that only grows: open addressing
 * with FNV-1a hashes, keys copied into the map's own arena. Importers use
 * it to spot a key seen earlier in a file (with its line) among millions.
 */
#ifndef CIVIC311_STRMAP_H
#define CIVIC311_STRMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"
#include "util/status.h"

struct strmap_slot {
    const char *key; /* NULL: empty */
    uint64_t hash;
    int64_t value;
};

struct strmap {
    struct arena arena; /* the keys */
    struct strmap_slot *slots;
    size_t cap; /* a power of two */
    size_t n;
};

#define STRMAP_INIT                                                            \
    {                                                                          \
        ARENA_INIT, NULL, 0, 0                                                 \
    }

/* The value of key in *value; false when the key is absent. */
bool strmap_get(const struct strmap *m, const char *key, int64_t *value);

/*
 * Adds key with value unless it is there. *old (may be NULL) receives the
 * value already stored, and C311_ERR_CONFLICT says it was; C311_ERR_NOMEM
 * when memory runs out.
 */
enum c311_rc strmap_add(struct strmap *m, const char *key, int64_t value,
                        int64_t *old);

/* Frees everything; the map may be used again. */
void strmap_free(struct strmap *m);

#endif
