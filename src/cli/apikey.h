/* SPDX-License-Identifier: MIT */
/*
 * Open311 API keys as the commands make them: "c311_" followed by 64
 * lowercase hex digits (32 random bytes). `civic311 apikey create` prints
 * one; `civic311 serve --portal-key-file` makes one for the web portal.
 */
#ifndef CIVIC311_APIKEY_H
#define CIVIC311_APIKEY_H

#include <stdint.h>

#include "store/store.h"
#include "util/secret.h"
#include "util/status.h"

#define APIKEY_SCHEME "c311_"
#define APIKEY_RANDOM 32 /* bytes of randomness in a key */

/* Length of a key and the buffer holding it with its NUL. */
#define APIKEY_LEN  (sizeof(APIKEY_SCHEME) - 1 + 2 * APIKEY_RANDOM)
#define APIKEY_SIZE (APIKEY_LEN + 1)

/*
 * Makes a key called name with a limit of rate_limit requests a minute (0:
 * the city's default), stores its prefix and hash in st with actor in the
 * audit trail, and writes the key itself to key. C311_ERR_CONFLICT when an
 * active key has that name. secret_init() must have run.
 */
enum c311_rc apikey_make(struct store *st, const char *name, int64_t rate_limit,
                         const char *actor, char key[APIKEY_SIZE],
                         char **cause);

#endif
