/* SPDX-License-Identifier: MIT */
/* API keys in the store: add, find by hash, list, revoke. */
#include "fixture.h"

TestSuite(S(store_apikey), .init = fixture_setup, .fini = fixture_teardown);

#define HASH_A                                                                 \
    "aaaa000000000000000000000000000000000000000000000000000000000001"
#define HASH_B                                                                 \
    "bbbb000000000000000000000000000000000000000000000000000000000002"
#define HASH_C                                                                 \
    "cccc000000000000000000000000000000000000000000000000000000000003"

Test(S(store_apikey), add_find_list_revoke)
{
    struct arena a = ARENA_INIT;
    struct store *st = fixture_open();
    struct api_key k, *v;
    char *cause = NULL;
    size_t n;

    cr_assert_eq(store_apikey_add(st, "mobile", "abcd1234", HASH_A, 1000, NULL),
                 C311_OK);
    cr_assert_eq(store_apikey_add(st, "kiosk", "ef567890", HASH_B, 2000, NULL),
                 C311_OK);

    cr_assert_eq(store_apikey_find(st, HASH_B, &a, &k, NULL), C311_OK);
    cr_assert_eq(k.id, 2);
    cr_assert_str_eq(k.name, "kiosk");
    cr_assert_str_eq(k.prefix, "ef567890");
    cr_assert_eq(k.created_at, 2000);
    cr_assert_eq(k.revoked_at, 0);
    cr_assert_eq(store_apikey_find(st, HASH_C, &a, &k, NULL),
                 C311_ERR_NOT_FOUND);

    cr_assert_eq(store_apikey_revoke(st, "mobile", 3000, NULL), C311_OK);
    cr_assert_eq(store_apikey_find(st, HASH_A, &a, &k, NULL),
                 C311_ERR_NOT_FOUND);
    cr_assert_eq(store_apikey_revoke(st, "mobile", 3001, &cause),
                 C311_ERR_NOT_FOUND);
    cr_assert_str_eq(cause, "no active api key named 'mobile'");
    free(cause);

    cr_assert_eq(store_apikey_list(st, &a, &v, &n, NULL), C311_OK);
    cr_assert_eq(n, 2);
    cr_assert_str_eq(v[0].name, "mobile");
    cr_assert_eq(v[0].created_at, 1000);
    cr_assert_eq(v[0].revoked_at, 3000);
    cr_assert_str_eq(v[1].name, "kiosk");
    cr_assert_eq(v[1].revoked_at, 0);

    store_close(st);
    arena_free(&a);
}

Test(S(store_apikey), active_names_and_hashes_are_unique)
{
    struct arena a = ARENA_INIT;
    struct store *st = fixture_open();
    struct api_key *v;
    char *cause = NULL;
    size_t n;

    cr_assert_eq(store_apikey_add(st, "mobile", "p", HASH_A, 1, NULL), C311_OK);
    cr_assert_eq(store_apikey_add(st, "mobile", "p", HASH_B, 2, &cause),
                 C311_ERR_CONFLICT);
    cr_assert_str_eq(cause, "an active api key named 'mobile' or with this "
                            "hash exists already");
    free(cause);
    cr_assert_eq(store_apikey_add(st, "other", "p", HASH_A, 2, NULL),
                 C311_ERR_CONFLICT);

    /* Once revoked, the name is free again. */
    cr_assert_eq(store_apikey_revoke(st, "mobile", 5, NULL), C311_OK);
    cr_assert_eq(store_apikey_add(st, "mobile", "q", HASH_C, 6, NULL), C311_OK);
    cr_assert_eq(store_apikey_list(st, &a, &v, &n, NULL), C311_OK);
    cr_assert_eq(n, 2);
    cr_assert_eq(v[0].revoked_at, 5);
    cr_assert_str_eq(v[1].prefix, "q");
    cr_assert_eq(v[1].revoked_at, 0);

    store_close(st);
    arena_free(&a);
}

Test(S(store_apikey), empty_list)
{
    struct arena a = ARENA_INIT;
    struct store *st = fixture_open();
    struct api_key *v = (struct api_key *)&a;
    size_t n = 7;

    cr_assert_eq(store_apikey_list(st, &a, &v, &n, NULL), C311_OK);
    cr_assert_eq(n, 0);
    cr_assert_null(v);
    store_close(st);
}
