/* SPDX-License-Identifier: MIT */
/*
 * Open311 API keys as administrators manage them over the staff API: with
 * a rate limit each and every change audited in its transaction. Keys are
 * the same rows `civic311 apikey` manages (store.h); only the prefix and
 * the SHA-256 of a key are stored.
 */
#ifndef CIVIC311_APIKEYS_H
#define CIVIC311_APIKEYS_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

struct apikeys_rec {
    int64_t id;
    const char *name;
    const char *prefix;
    int64_t rate_limit; /* requests per minute; 0: the city's default */
    int64_t created_at;
    int64_t revoked_at; /* 0 while active */
};

/*
 * Stores a new active key; *id receives its row id. C311_ERR_CONFLICT when
 * an active key has that name.
 */
enum c311_rc apikeys_create(struct store *st, const char *name,
                            const char *prefix, const char *hash_hex,
                            int64_t rate_limit, const char *actor, int64_t now,
                            int64_t *id, char **cause);

/* Every key, revoked ones too, oldest first. */
enum c311_rc apikeys_list(struct store *st, struct arena *a,
                          struct apikeys_rec **out, size_t *n, char **cause);

/* The active key whose hash is hash_hex; C311_ERR_NOT_FOUND if none. */
enum c311_rc apikeys_find(struct store *st, const char *hash_hex,
                          struct arena *a, struct apikeys_rec *out,
                          char **cause);

/* Revokes the active key called name; C311_ERR_NOT_FOUND if none. */
enum c311_rc apikeys_revoke(struct store *st, const char *name,
                            const char *actor, int64_t now, struct arena *a,
                            struct apikeys_rec *out, char **cause);

#endif
