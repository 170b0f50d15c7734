/* SPDX-License-Identifier: MIT */
/* Ordered parameters, empty-as-absent, UTF-8 checks. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "http/params.h"

Test(params, repeated_keys_kept_in_order)
{
    struct arena a = ARENA_INIT;
    struct params p = PARAMS_INIT;
    char name[16];
    int i;

    /* More than the first allocation, to exercise growth. */
    for (i = 0; i < 40; i++) {
        snprintf(name, sizeof(name), "v%d", i);
        cr_assert_eq(params_add(&p, &a, "k", name, strlen(name)), C311_OK);
    }
    cr_assert_eq(params_add(&p, &a, "empty", "", 0), C311_OK);
    cr_assert_eq(params_add(&p, &a, "null", NULL, 0), C311_OK);
    cr_assert_eq(p.n, 42);
    cr_assert_str_eq(p.v[0].value, "v0");
    cr_assert_str_eq(p.v[39].value, "v39");
    cr_assert_str_eq(params_get(&p, "k"), "v0");
    cr_assert_eq(params_count(&p, "k"), 40);
    cr_assert_null(params_get(&p, "empty"));
    cr_assert_null(params_get(&p, "null"));
    cr_assert_null(params_get(&p, "absent"));
    cr_assert_eq(params_count(&p, "empty"), 0);
    arena_free(&a);
}

Test(params, extend_last)
{
    struct arena a = ARENA_INIT;
    struct params p = PARAMS_INIT;

    cr_assert_eq(params_add(&p, &a, "d", "abc", 3), C311_OK);
    cr_assert_eq(params_extend_last(&p, &a, "def", 3), C311_OK);
    cr_assert_str_eq(p.v[0].value, "abcdef");
    cr_assert_eq(p.v[0].len, 6);
    arena_free(&a);
}

Test(params, extend_last_byte_by_byte_stays_linear)
{
    struct arena a = ARENA_INIT;
    struct params p = PARAMS_INIT;
    size_t i;

    /* 64 KiB sent one byte at a time, as a hostile client may. */
    cr_assert_eq(params_add(&p, &a, "x", "", 0), C311_OK);
    for (i = 0; i < 65536; i++)
        cr_assert_eq(params_extend_last(&p, &a, "a", 1), C311_OK);
    cr_assert_eq(p.v[0].len, 65536);
    cr_assert_eq(p.v[0].value[65535], 'a');
    cr_assert_eq(p.v[0].value[65536], '\0');
    /* Doubling: every copy together stays under four times the value. */
    cr_assert_lt(a.total, (size_t)4 * 65536 + 4096, "arena holds %zu bytes",
                 a.total);
    arena_free(&a);
}

Test(params, utf8_valid)
{
    cr_assert(params_utf8_valid("", 0));
    cr_assert(params_utf8_valid("plain", 5));
    cr_assert(params_utf8_valid("路面", 6));
    cr_assert(params_utf8_valid("\xf0\x9f\x98\x80", 4)); /* U+1F600 */
    cr_assert(params_utf8_valid("\xf4\x8f\xbf\xbf", 4)); /* U+10FFFF */
}

Test(params, utf8_invalid)
{
    cr_assert_not(params_utf8_valid("\xff", 1));
    cr_assert_not(params_utf8_valid("\xc3", 1));             /* cut short */
    cr_assert_not(params_utf8_valid("\xc0\xaf", 2));         /* overlong / */
    cr_assert_not(params_utf8_valid("\xe0\x80\xaf", 3));     /* overlong */
    cr_assert_not(params_utf8_valid("\xed\xa0\x80", 3));     /* surrogate */
    cr_assert_not(params_utf8_valid("\xf4\x90\x80\x80", 4)); /* > 10FFFF */
    cr_assert_not(params_utf8_valid("a\0b", 3));             /* NUL */
    cr_assert_not(params_utf8_valid("\xe8\xb7", 2));
}

Test(params, find_invalid)
{
    struct arena a = ARENA_INIT;
    struct params p = PARAMS_INIT;

    params_add(&p, &a, "ok", "fine", 4);
    cr_assert_null(params_find_invalid(&p));
    params_add(&p, &a, "bad", "x\xffy", 3);
    cr_assert_str_eq(params_find_invalid(&p)->key, "bad");
    arena_free(&a);
}

Test(params, take_unreadable)
{
    struct arena a = ARENA_INIT;
    struct params p = PARAMS_INIT;
    const char *names[2];

    params_add(&p, &a, "lat", "40", 2);
    params_add(&p, &a, "description", "\xff", 1);
    params_add(&p, &a, "long", "-74", 3);
    params_add(&p, &a, "description", "a\xc3", 2);
    params_add(&p, &a, "email", "\xed\xa0\x80", 3);
    params_add(&p, &a, "x\xff", "fine", 4);
    params_add(&p, &a, "phone", "\xc0\xaf", 2);
    cr_assert_str_eq(params_find_invalid_key(&p)->key, "x\xff");
    /* Each key once, the first two only; every unreadable value goes. */
    cr_assert_eq(params_take_unreadable(&p, names, 2), 2);
    cr_assert_str_eq(names[0], "description");
    cr_assert_str_eq(names[1], "email");
    cr_assert_eq(p.n, 3);
    cr_assert_str_eq(p.v[0].key, "lat");
    cr_assert_str_eq(p.v[1].key, "long");
    cr_assert_str_eq(p.v[2].key, "x\xff");
    cr_assert_eq(params_find_invalid(&p), &p.v[2]);
    arena_free(&a);
}

Test(params, utf8_chars)
{
    cr_assert_eq(params_utf8_chars(""), 0);
    cr_assert_eq(params_utf8_chars("abc"), 3);
    cr_assert_eq(params_utf8_chars("路面坑洞"), 4);
    cr_assert_eq(params_utf8_chars("a\xf0\x9f\x98\x80"), 2);
}
