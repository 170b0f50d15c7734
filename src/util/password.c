/* SPDX-License-Identifier: MIT */
/* argon2id password hashes through libsodium. */
#include <pthread.h>
#include <sodium.h>
#include <string.h>

#include "util/password.h"

_Static_assert(PASSWORD_HASH_SIZE >= crypto_pwhash_STRBYTES,
               "PASSWORD_HASH_SIZE is too small for crypto_pwhash_str");

static char password_dummy[PASSWORD_HASH_SIZE];
static pthread_once_t password_dummy_once = PTHREAD_ONCE_INIT;

enum c311_rc
password_hash(const char *password, char out[PASSWORD_HASH_SIZE])
{
    if (crypto_pwhash_str(out, password, strlen(password),
                          crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return C311_ERR_NOMEM;
    return C311_OK;
}

/* Makes the hash that unknown logins are checked against. */
static void
password_make_dummy(void)
{
    if (password_hash("civic311 no such account", password_dummy) != C311_OK)
        password_dummy[0] = '\0';
}

bool
password_verify(const char *hash, const char *password)
{
    bool ok;

    if (hash == NULL) {
        pthread_once(&password_dummy_once, password_make_dummy);
        /* The outcome does not matter, only the time it takes. */
        if (password_dummy[0] != '\0' &&
            crypto_pwhash_str_verify(password_dummy, password,
                                     strlen(password)) == 0)
            return false;
        return false;
    }
    ok = crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
    return ok;
}
