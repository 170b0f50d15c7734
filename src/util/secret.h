/* SPDX-License-Identifier: MIT */
/*
 * Random tokens, hashes and comparisons for secrets (API keys, batch
 * tokens), all done by libsodium. Call secret_init() once before anything
 * else here, before threads start.
 */
#ifndef CIVIC311_SECRET_H
#define CIVIC311_SECRET_H

#include <stdbool.h>
#include <stddef.h>

#include "util/status.h"

/* Size of the buffer secret_token() needs for nbytes random bytes. */
#define SECRET_TOKEN_SIZE(nbytes) (2 * (nbytes) + 1)

/* Length of a SHA-256 digest in hex, and the buffer holding it. */
#define SECRET_HASH_HEX_LEN  64
#define SECRET_HASH_HEX_SIZE 65

/*
 * Initialises libsodium; further calls do nothing. C311_ERR_INTERNAL when
 * the library cannot start (no entropy source).
 */
enum c311_rc secret_init(void);

/*
 * Writes nbytes of cryptographic randomness to out as lowercase hex
 * (2 * nbytes characters and a NUL; out holds SECRET_TOKEN_SIZE(nbytes)).
 * Hex rather than base64 so that a double click selects the whole token.
 */
void secret_token(char *out, size_t nbytes);

/*
 * Writes the SHA-256 of the string s as 64 lowercase hex digits and a NUL.
 * A fast hash suits API keys, which are long and random; passwords need a
 * slow one (argon2id) instead.
 */
void secret_hash_hex(const char *s, char out[SECRET_HASH_HEX_SIZE]);

/*
 * True when a and b are the same string. The time taken depends only on
 * the lengths, not on where the strings differ.
 */
bool secret_equal(const char *a, const char *b);

#endif
