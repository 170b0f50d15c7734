/* SPDX-License-Identifier: MIT */
/* Ordered request parameters and UTF-8 checks. */
#include <string.h>

#include "http/params.h"

enum c311_rc
params_add(struct params *p, struct arena *a, const char *key,
           const char *value, size_t len)
{
    struct param *v;
    size_t cap;

    if (p->n == p->cap) {
        /* The arena cannot grow in place: move to a block twice as big. */
        cap = p->cap ? p->cap * 2 : 16;
        v = arena_alloc(a, cap * sizeof(*v));
        if (v == NULL)
            return C311_ERR_NOMEM;
        if (p->n > 0)
            memcpy(v, p->v, p->n * sizeof(*v));
        p->v = v;
        p->cap = cap;
    }
    v = &p->v[p->n];
    v->key = arena_strdup(a, key);
    v->value = arena_strndup(a, value ? value : "", value ? len : 0);
    v->len = value ? len : 0;
    v->cap = v->len + 1;
    if (v->key == NULL || v->value == NULL)
        return C311_ERR_NOMEM;
    p->n++;
    return C311_OK;
}

enum c311_rc
params_extend_last(struct params *p, struct arena *a, const char *data,
                   size_t len)
{
    struct param *last;
    size_t cap;
    char *v;

    if (p->n == 0)
        return C311_ERR_INTERNAL;
    last = &p->v[p->n - 1];
    if (last->len + len + 1 > last->cap) {
        /*
         * A client can send a value one byte at a time; growing by
         * doubling keeps the copies, and the arena, linear in its size.
         */
        cap = last->cap * 2;
        if (cap < last->len + len + 1)
            cap = last->len + len + 1;
        v = arena_alloc(a, cap);
        if (v == NULL)
            return C311_ERR_NOMEM;
        memcpy(v, last->value, last->len);
        last->value = v;
        last->cap = cap;
    }
    memcpy(last->value + last->len, data, len);
    last->len += len;
    last->value[last->len] = '\0';
    return C311_OK;
}

const char *
params_get(const struct params *p, const char *key)
{
    size_t i;

    for (i = 0; i < p->n; i++) {
        if (p->v[i].len > 0 && strcmp(p->v[i].key, key) == 0)
            return p->v[i].value;
    }
    return NULL;
}

size_t
params_count(const struct params *p, const char *key)
{
    size_t i, n = 0;

    for (i = 0; i < p->n; i++) {
        if (p->v[i].len > 0 && strcmp(p->v[i].key, key) == 0)
            n++;
    }
    return n;
}

const struct param *
params_find_invalid(const struct params *p)
{
    size_t i;

    for (i = 0; i < p->n; i++) {
        if (!params_utf8_valid(p->v[i].key, strlen(p->v[i].key)) ||
            !params_utf8_valid(p->v[i].value, p->v[i].len))
            return &p->v[i];
    }
    return NULL;
}

const struct param *
params_find_invalid_key(const struct params *p)
{
    size_t i;

    for (i = 0; i < p->n; i++) {
        if (!params_utf8_valid(p->v[i].key, strlen(p->v[i].key)))
            return &p->v[i];
    }
    return NULL;
}

size_t
params_take_unreadable(struct params *p, const char **names, size_t max)
{
    size_t i, j, k = 0, n = 0;
    bool seen;

    for (i = 0; i < p->n; i++) {
        if (params_utf8_valid(p->v[i].value, p->v[i].len)) {
            p->v[k++] = p->v[i];
            continue;
        }
        seen = false;
        for (j = 0; j < n; j++)
            seen = seen || strcmp(names[j], p->v[i].key) == 0;
        if (!seen && n < max)
            names[n++] = p->v[i].key;
    }
    p->n = k;
    return n;
}

/* Length of the well-formed sequence at s (n bytes left), or 0. */
static size_t
params_utf8_seq(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    size_t k, i;
    unsigned char lo = 0x80, hi = 0xbf;

    if (c == 0)
        return 0;
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf) {
        k = 2;
    } else if (c >= 0xe0 && c <= 0xef) {
        k = 3;
        if (c == 0xe0)
            lo = 0xa0; /* overlong */
        else if (c == 0xed)
            hi = 0x9f; /* surrogates */
    } else if (c >= 0xf0 && c <= 0xf4) {
        k = 4;
        if (c == 0xf0)
            lo = 0x90; /* overlong */
        else if (c == 0xf4)
            hi = 0x8f; /* above U+10FFFF */
    } else {
        return 0;
    }
    if (n < k || s[1] < lo || s[1] > hi)
        return 0;
    for (i = 2; i < k; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
    }
    return k;
}

bool
params_utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t k;

    while (len > 0) {
        k = params_utf8_seq(p, len);
        if (k == 0)
            return false;
        p += k;
        len -= k;
    }
    return true;
}

size_t
params_utf8_chars(const char *s)
{
    size_t n = 0;

    for (; *s != '\0'; s++) {
        if (((unsigned char)*s & 0xc0) != 0x80)
            n++;
    }
    return n;
}
