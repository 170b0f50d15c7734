/* SPDX-License-Identifier: MIT */
/* Secrets through libsodium: random tokens, SHA-256 hex, safe comparison. */
#include <sodium.h>
#include <string.h>

#include "util/secret.h"

/* Starts libsodium once; later calls are no-ops. */
enum c311_rc
secret_init(void)
{
    /* sodium_init() returns 1 when already initialised, -1 on failure. */
    return sodium_init() < 0 ? C311_ERR_INTERNAL : C311_OK;
}

/* Writes nbytes of randomness to out as lowercase hex. */
void
secret_token(char *out, size_t nbytes)
{
    unsigned char chunk[64];
    size_t n;

    /* Chunks keep any nbytes off the heap; hex of each fills out in turn. */
    *out = '\0';
    while (nbytes > 0) {
        n = nbytes < sizeof(chunk) ? nbytes : sizeof(chunk);
        randombytes_buf(chunk, n);
        sodium_bin2hex(out, 2 * n + 1, chunk, n);
        out += 2 * n;
        nbytes -= n;
    }
    sodium_memzero(chunk, sizeof(chunk));
}

/* Writes the SHA-256 of s as lowercase hex. */
void
secret_hash_hex(const char *s, char out[SECRET_HASH_HEX_SIZE])
{
    unsigned char digest[crypto_hash_sha256_BYTES];

    crypto_hash_sha256(digest, (const unsigned char *)s, strlen(s));
    sodium_bin2hex(out, SECRET_HASH_HEX_SIZE, digest, sizeof(digest));
}

/* Compares two strings in time independent of their contents. */
bool
secret_equal(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);

    if (na != nb)
        return false;
    return sodium_memcmp(a, b, na) == 0;
}
