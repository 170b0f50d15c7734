/* SPDX-License-Identifier: MIT */
/* util/secret: random tokens, SHA-256 hex and constant-time comparison. */
#include <criterion/criterion.h>
#include <string.h>

#include "util/secret.h"

/* Starts libsodium before each test. */
static void
secret_setup(void)
{
    cr_assert_eq(secret_init(), C311_OK);
    cr_assert_eq(secret_init(), C311_OK); /* a second call is harmless */
}

TestSuite(secret, .init = secret_setup);

Test(secret, token_is_lowercase_hex_of_the_right_length)
{
    char a[SECRET_TOKEN_SIZE(100)], b[SECRET_TOKEN_SIZE(100)];

    memset(a, 'X', sizeof(a));
    secret_token(a, 100);
    cr_assert_eq(strlen(a), 200);
    cr_assert_eq(strspn(a, "0123456789abcdef"), 200);

    secret_token(b, 100);
    cr_assert_str_neq(a, b);
}

Test(secret, token_of_zero_bytes_is_empty)
{
    char a[SECRET_TOKEN_SIZE(0)] = {'X'};

    secret_token(a, 0);
    cr_assert_str_eq(a, "");
}

Test(secret, sha256_known_answers)
{
    char out[SECRET_HASH_HEX_SIZE];

    /* FIPS 180-2 test vectors. */
    secret_hash_hex("", out);
    cr_assert_str_eq(out, "e3b0c44298fc1c149afbf4c8996fb924"
                          "27ae41e4649b934ca495991b7852b855");
    secret_hash_hex("abc", out);
    cr_assert_str_eq(out, "ba7816bf8f01cfea414140de5dae2223"
                          "b00361a396177a9cb410ff61f20015ad");
    cr_assert_eq(strlen(out), SECRET_HASH_HEX_LEN);
}

Test(secret, equal)
{
    cr_assert(secret_equal("c311_abc", "c311_abc"));
    cr_assert(secret_equal("", ""));
    cr_assert(!secret_equal("c311_abc", "c311_abd"));
    cr_assert(!secret_equal("c311_abc", "c311_ab"));
    cr_assert(!secret_equal("", "a"));
}
