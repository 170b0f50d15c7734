/* SPDX-License-Identifier: MIT */
/*
 * Request parameters as an ordered list of key/value pairs: query arguments
 * and form fields alike, repeated keys kept in the order they came. An empty
 * value counts as absent for params_get(). Also the UTF-8 checks every
 * parameter goes through before a handler sees it.
 */
#ifndef CIVIC311_PARAMS_H
#define CIVIC311_PARAMS_H

#include <stdbool.h>
#include <stddef.h>

#include "util/arena.h"
#include "util/status.h"

struct param {
    const char *key;
    char *value; /* NUL-terminated; may hold a NUL if len says so */
    size_t len;
    size_t cap; /* bytes allocated for value, its NUL included */
};

struct params {
    struct param *v;
    size_t n;
    size_t cap;
};

#define PARAMS_INIT                                                            \
    {                                                                          \
        NULL, 0, 0                                                             \
    }

/* Appends a copy of key and of the len bytes of value (NULL: empty). */
enum c311_rc params_add(struct params *p, struct arena *a, const char *key,
                        const char *value, size_t len);

/*
 * Appends len bytes to the value of the last parameter, for values that a
 * form parser hands over in pieces.
 */
enum c311_rc params_extend_last(struct params *p, struct arena *a,
                                const char *data, size_t len);

/* The first non-empty value of key, or NULL when absent or empty. */
const char *params_get(const struct params *p, const char *key);

/* How many times key is given with a non-empty value. */
size_t params_count(const struct params *p, const char *key);

/*
 * Returns the first parameter whose key or value is not valid UTF-8 or
 * holds a NUL byte, or NULL when all are valid.
 */
const struct param *params_find_invalid(const struct params *p);

/*
 * Returns the first parameter whose key is not valid UTF-8 or holds a NUL
 * byte, or NULL when all keys are valid.
 */
const struct param *params_find_invalid_key(const struct params *p);

/*
 * Removes from p every parameter whose value is not valid UTF-8 or holds a
 * NUL byte, keeping the order of the rest, and stores the keys of the
 * first max of them in names (each key once). Returns how many keys it
 * stored. For a handler that reports them with its other problems and
 * then reads the rest as if they had not been given.
 */
size_t params_take_unreadable(struct params *p, const char **names, size_t max);

/*
 * True when the len bytes at s are well-formed UTF-8 (no overlong forms,
 * no surrogates, nothing above U+10FFFF) without NUL bytes.
 */
bool params_utf8_valid(const char *s, size_t len);

/* Number of code points in the valid UTF-8 string s. */
size_t params_utf8_chars(const char *s);

#endif
