/* SPDX-License-Identifier: MIT */
/*
 * Token buckets per key: a full minute's allowance at first, one request
 * back every 60/N seconds, the wait until the next one, keys apart.
 */
#include <criterion/criterion.h>

#include "api/ratelimit.h"

Test(ratelimit, a_minute_of_allowance_then_the_rate)
{
    struct ratelimit rl;
    unsigned retry;
    int i;

    ratelimit_init(&rl);
    /* 6 per minute: 6 at once, then one every 10 s. */
    for (i = 0; i < 6; i++)
        cr_assert(ratelimit_take(&rl, 7, 6, 1000, &retry), "request %d", i);
    cr_assert_not(ratelimit_take(&rl, 7, 6, 1000, &retry));
    cr_assert_eq(retry, 10);
    cr_assert_not(ratelimit_take(&rl, 7, 6, 4000, &retry));
    cr_assert_eq(retry, 7);
    cr_assert_not(ratelimit_take(&rl, 7, 6, 10999, &retry));
    cr_assert_eq(retry, 1);
    cr_assert(ratelimit_take(&rl, 7, 6, 11000, &retry));
    cr_assert_eq(retry, 0);
    cr_assert_not(ratelimit_take(&rl, 7, 6, 11000, &retry));
    /* A long pause refills to a minute's allowance, no more. */
    for (i = 0; i < 6; i++)
        cr_assert(ratelimit_take(&rl, 7, 6, 3600000, &retry));
    cr_assert_not(ratelimit_take(&rl, 7, 6, 3600000, &retry));
    ratelimit_free(&rl);
}

Test(ratelimit, keys_are_counted_apart)
{
    struct ratelimit rl;
    unsigned retry;
    int64_t key;

    ratelimit_init(&rl);
    cr_assert(ratelimit_take(&rl, 1, 1, 0, &retry));
    cr_assert_not(ratelimit_take(&rl, 1, 1, 0, &retry));
    cr_assert_eq(retry, 60);
    /* Many keys make the table grow; each keeps its own bucket. */
    for (key = 2; key < 500; key++)
        cr_assert(ratelimit_take(&rl, key, 1, 0, &retry));
    for (key = 2; key < 500; key++)
        cr_assert_not(ratelimit_take(&rl, key, 1, 0, &retry));
    cr_assert_not(ratelimit_take(&rl, 1, 1, 30000, &retry));
    cr_assert_eq(retry, 30);
    cr_assert(ratelimit_take(&rl, 1, 1, 60000, &retry));
    ratelimit_free(&rl);
}

Test(ratelimit, no_key_or_no_limit_always_passes)
{
    struct ratelimit rl;
    unsigned retry;
    int i;

    ratelimit_init(&rl);
    for (i = 0; i < 1000; i++) {
        cr_assert(ratelimit_take(&rl, 0, 1, 0, &retry));
        cr_assert(ratelimit_take(&rl, 9, 0, 0, &retry));
    }
    ratelimit_free(&rl);
}
