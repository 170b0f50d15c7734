/* SPDX-License-Identifier: MIT */
/* The string map of strmap.h: linear probing, doubling at half full. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util/strmap.h"

/* FNV-1a, 64 bits. */
static uint64_t
hash_of(const char *s)
{
    uint64_t h = UINT64_C(14695981039346656037);

    for (; *s != '\0'; s++) {
        h ^= (unsigned char)*s;
        h *= UINT64_C(1099511628211);
    }
    return h;
}

/* The slot holding key, or the empty slot where it would go. */
static struct strmap_slot *
probe(struct strmap_slot *slots, size_t cap, const char *key, uint64_t h)
{
    size_t i = (size_t)h & (cap - 1);

    while (slots[i].key != NULL &&
           (slots[i].hash != h || strcmp(slots[i].key, key) != 0))
        i = (i + 1) & (cap - 1);
    return &slots[i];
}

/* Doubles the table (or makes the first one). */
static bool
grow(struct strmap *m)
{
    size_t cap = m->cap == 0 ? 1024 : m->cap * 2, i;
    struct strmap_slot *slots = calloc(cap, sizeof(*slots)), *s;

    if (slots == NULL)
        return false;
    for (i = 0; i < m->cap; i++) {
        if (m->slots[i].key == NULL)
            continue;
        s = probe(slots, cap, m->slots[i].key, m->slots[i].hash);
        *s = m->slots[i];
    }
    free(m->slots);
    m->slots = slots;
    m->cap = cap;
    return true;
}

/* Looks key up. */
bool
strmap_get(const struct strmap *m, const char *key, int64_t *value)
{
    const struct strmap_slot *s;

    if (m->cap == 0)
        return false;
    s = probe(m->slots, m->cap, key, hash_of(key));
    if (s->key == NULL)
        return false;
    *value = s->value;
    return true;
}

/* Adds key unless present; see strmap.h. */
enum c311_rc
strmap_add(struct strmap *m, const char *key, int64_t value, int64_t *old)
{
    uint64_t h = hash_of(key);
    struct strmap_slot *s;

    if ((m->n + 1) * 2 > m->cap && !grow(m))
        return C311_ERR_NOMEM;
    s = probe(m->slots, m->cap, key, h);
    if (s->key != NULL) {
        if (old != NULL)
            *old = s->value;
        return C311_ERR_CONFLICT;
    }
    if ((s->key = arena_strdup(&m->arena, key)) == NULL)
        return C311_ERR_NOMEM;
    s->hash = h;
    s->value = value;
    m->n++;
    return C311_OK;
}

/* Frees the table and the keys. */
void
strmap_free(struct strmap *m)
{
    free(m->slots);
    arena_free(&m->arena);
    m->slots = NULL;
    m->cap = 0;
    m->n = 0;
}
