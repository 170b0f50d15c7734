/* SPDX-License-Identifier: MIT */
/* API argument checks: lists, tags, numbers, URLs, attribute keys, dates. */
#include <criterion/criterion.h>
#include <stdio.h>

#include "api/args.h"

static struct arena arena = ARENA_INIT;

static void
teardown(void)
{
    arena_free(&arena);
}

TestSuite(args, .fini = teardown);

Test(args, split_list)
{
    const char **v;
    size_t n;

    cr_assert_eq(args_split_list("a, b,,c ,", &arena, &v, &n), C311_OK);
    cr_assert_eq(n, 3);
    cr_assert_str_eq(v[0], "a");
    cr_assert_str_eq(v[1], "b");
    cr_assert_str_eq(v[2], "c");
    cr_assert_eq(args_split_list(",,", &arena, &v, &n), C311_OK);
    cr_assert_eq(n, 0);
    cr_assert_eq(args_split_list("2026-000001", &arena, &v, &n), C311_OK);
    cr_assert_eq(n, 1);
    cr_assert_str_eq(v[0], "2026-000001");
}

Test(args, lang)
{
    cr_assert(args_lang_ok("en"));
    cr_assert(args_lang_ok("zh"));
    cr_assert(args_lang_ok("es-MX"));
    cr_assert(args_lang_ok("zh-Hans-CN"));
    cr_assert_not(args_lang_ok("e"));
    cr_assert_not(args_lang_ok("en-"));
    cr_assert_not(args_lang_ok("-en"));
    cr_assert_not(args_lang_ok("en_US"));
    cr_assert_not(args_lang_ok("1en"));
    cr_assert_not(args_lang_ok("en-abcdefghi"));
    cr_assert_not(args_lang_ok("x-private"), "a private use tag");
    cr_assert_not(args_lang_ok("i-klingon"));
    cr_assert_not(args_lang_ok("e1"));
}

/* The language an Accept-Language value asks for, NULL for none. */
static const char *
accept(const char *header)
{
    return args_accept_language(header, &arena);
}

Test(args, accept_language)
{
    cr_assert_str_eq(accept("es-MX,es;q=0.9"), "es-MX");
    cr_assert_str_eq(accept(" zh-CN, zh;q=0.8"), "zh-CN");
    cr_assert_str_eq(accept("en-US;q=0.1, es;q=0.9"), "es");
    cr_assert_str_eq(accept("en;q=0.5,es;q=0.5"), "en", "first of equals");
    cr_assert_str_eq(accept("es;q=0, en"), "en", "q=0: not acceptable");
    cr_assert_str_eq(accept("es;q=0.000,zh;Q=1.0"), "zh");
    cr_assert_str_eq(accept("*, es;q=0.5"), "es", "no tag in a wildcard");
    cr_assert_str_eq(accept("x-private, zh_CN, es"), "es");
    cr_assert_str_eq(accept("ES-mx"), "es-mx", "primary subtag lowercased");
    cr_assert_str_eq(accept("es\t,zh"), "es");
    cr_assert_str_eq(accept("en;q=2, es;q=abc, zh;q=0.7"), "zh",
                     "malformed weights skip their tag");
    cr_assert_str_eq(accept("es ; q=0.5 , en;q=0.4"), "es");
    cr_assert_null(accept("es;q=0"));
    cr_assert_null(accept("*"));
    cr_assert_null(accept(""));
    cr_assert_null(accept(" , ;q=1"));
    cr_assert_null(accept(NULL));
}

Test(args, accept_language_many)
{
    char h[12000];
    size_t i, n = 0;

    /* 1,000 tags, the last one weighed highest. */
    for (i = 0; i < 999; i++)
        n += (size_t)snprintf(h + n, sizeof(h) - n, "xx;q=0.1,");
    snprintf(h + n, sizeof(h) - n, "zh-Hant-TW;q=0.2");
    cr_assert_str_eq(accept(h), "zh-Hant-TW");
}

Test(args, decimal)
{
    double d;

    cr_assert(args_decimal("40.712776", &d));
    cr_assert_float_eq(d, 40.712776, 1e-12);
    cr_assert(args_decimal("-73.9", &d));
    cr_assert_float_eq(d, -73.9, 1e-12);
    cr_assert(args_decimal("+5", &d));
    cr_assert_float_eq(d, 5.0, 1e-12);
    cr_assert(args_decimal(".5", &d));
    cr_assert_float_eq(d, 0.5, 1e-12);
    cr_assert_not(args_decimal("", &d));
    cr_assert_not(args_decimal("-", &d));
    cr_assert_not(args_decimal(".", &d));
    cr_assert_not(args_decimal("1e5", &d));
    cr_assert_not(args_decimal("0x10", &d));
    cr_assert_not(args_decimal(" 1", &d));
    cr_assert_not(args_decimal("1.2.3", &d));
    cr_assert_not(args_decimal("nan", &d));
    cr_assert_not(args_decimal("inf", &d));
}

Test(args, url)
{
    cr_assert(args_url_ok("http://example.org/a.jpg"));
    cr_assert(args_url_ok("HTTPS://example.org"));
    cr_assert_not(args_url_ok("ftp://example.org/a.jpg"));
    cr_assert_not(args_url_ok("javascript:alert(1)"));
    cr_assert_not(args_url_ok("http://"));
    cr_assert_not(args_url_ok("http:///path"));
    cr_assert_not(args_url_ok("http://a b"));
    cr_assert_not(args_url_ok("http://a\nb"));
}

Test(args, attr_key)
{
    const char *code = NULL;

    cr_assert_eq(args_attr_key("attribute[SIZE]", &arena, &code), 1);
    cr_assert_str_eq(code, "SIZE");
    cr_assert_eq(args_attr_key("attribute[ITEMS][]", &arena, &code), 1);
    cr_assert_str_eq(code, "ITEMS");
    cr_assert_eq(args_attr_key("description", &arena, &code), 0);
    cr_assert_eq(args_attr_key("attributes", &arena, &code), 0);
    cr_assert_eq(args_attr_key("attribute", &arena, &code), -1);
    cr_assert_eq(args_attr_key("attribute[]", &arena, &code), -1);
    cr_assert_eq(args_attr_key("attribute[A", &arena, &code), -1);
    cr_assert_eq(args_attr_key("attribute[A]x", &arena, &code), -1);
    cr_assert_eq(args_attr_key("attribute[A][0]", &arena, &code), -1);
}

#define DAY 86400

Test(args, window)
{
    int64_t from, to, now = 1796000000;

    cr_assert(args_window(false, 0, false, 0, now, 90, &from, &to));
    cr_assert_eq(from, now - 90 * DAY);
    cr_assert_eq(to, 0);

    cr_assert(args_window(true, 1000000000, false, 0, now, 90, &from, &to));
    cr_assert_eq(from, 1000000000);
    cr_assert_eq(to, 1000000000 + 90 * DAY);

    cr_assert(args_window(false, 0, true, 1000000000, now, 90, &from, &to));
    cr_assert_eq(from, 1000000000 - 90 * DAY);
    cr_assert_eq(to, 1000000000);

    /* Both given: as given, any length; equal bounds are fine. */
    cr_assert(args_window(true, 5, true, 5 + 400 * DAY, now, 90, &from, &to));
    cr_assert_eq(from, 5);
    cr_assert_eq(to, 5 + 400 * DAY);
    cr_assert(args_window(true, 7, true, 7, now, 90, &from, &to));
    cr_assert_not(args_window(true, 8, true, 7, now, 90, &from, &to));
}

Test(args, uint)
{
    unsigned long v;

    cr_assert(args_uint("1", 1, 1000, &v));
    cr_assert_eq(v, 1);
    cr_assert(args_uint("1000", 1, 1000, &v));
    cr_assert_eq(v, 1000);
    cr_assert_not(args_uint("0", 1, 1000, &v));
    cr_assert_not(args_uint("1001", 1, 1000, &v));
    cr_assert_not(args_uint("-1", 1, 1000, &v));
    cr_assert_not(args_uint("+1", 1, 1000, &v));
    cr_assert_not(args_uint("1.5", 1, 1000, &v));
    cr_assert_not(args_uint("99999999999999999999", 1, 1000, &v));
}
