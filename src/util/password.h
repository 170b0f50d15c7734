/* SPDX-License-Identifier: MIT */
/*
 * Staff passwords, hashed with argon2id by libsodium (crypto_pwhash_str):
 * slow and memory-hard on purpose, with the salt and the cost kept in the
 * hash string itself. Call secret_init() first.
 */
#ifndef CIVIC311_PASSWORD_H
#define CIVIC311_PASSWORD_H

#include <stdbool.h>
#include <stddef.h>

#include "util/status.h"

/* Size of a hash string, NUL included. */
#define PASSWORD_HASH_SIZE 128

/* Longest password accepted, in bytes. */
#define PASSWORD_MAX 1024

/*
 * Hashes password into out. C311_ERR_NOMEM when the memory the hash needs
 * cannot be had.
 */
enum c311_rc password_hash(const char *password, char out[PASSWORD_HASH_SIZE]);

/*
 * True when password matches hash. With hash NULL (no such account) the
 * same work is done against a fixed hash and false returned, so that an
 * unknown login takes as long as a wrong password.
 */
bool password_verify(const char *hash, const char *password);

#endif
