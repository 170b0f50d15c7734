/* SPDX-License-Identifier: MIT */
/* Static file names: traversal refused, index.html, content types. */
#include <criterion/criterion.h>

#include "http/static.h"

Test(static, resolve)
{
    struct arena a = ARENA_INIT;
    char *f;

    cr_assert_eq(static_resolve("web", "/", &a, &f), C311_OK);
    cr_assert_str_eq(f, "web/index.html");
    cr_assert_eq(static_resolve("web", "/css/site.css", &a, &f), C311_OK);
    cr_assert_str_eq(f, "web/css/site.css");
    cr_assert_eq(static_resolve("web", "/docs/", &a, &f), C311_OK);
    cr_assert_str_eq(f, "web/docs/index.html");
    arena_free(&a);
}

Test(static, traversal_and_hidden)
{
    struct arena a = ARENA_INIT;
    char *f;

    cr_assert_eq(static_resolve("web", "/../etc/passwd", &a, &f),
                 C311_ERR_INVALID);
    cr_assert_eq(static_resolve("web", "/a/../../x", &a, &f), C311_ERR_INVALID);
    cr_assert_eq(static_resolve("web", "/a/..", &a, &f), C311_ERR_INVALID);
    cr_assert_eq(static_resolve("web", "/a\\..\\b", &a, &f), C311_ERR_INVALID);
    cr_assert_eq(static_resolve("web", "relative", &a, &f), C311_ERR_INVALID);
    cr_assert_eq(static_resolve("web", "/.git/config", &a, &f),
                 C311_ERR_NOT_FOUND);
    cr_assert_eq(static_resolve("web", "/a/...", &a, &f), C311_ERR_NOT_FOUND);
    arena_free(&a);
}

Test(static, content_types)
{
    cr_assert_str_eq(static_content_type("web/index.html"),
                     "text/html; charset=utf-8");
    cr_assert_str_eq(static_content_type("web/app.JS"),
                     "text/javascript; charset=utf-8");
    cr_assert_str_eq(static_content_type("web/logo.svg"), "image/svg+xml");
    cr_assert_str_eq(static_content_type("web/data.bin"),
                     "application/octet-stream");
    cr_assert_str_eq(static_content_type("web.d/README"),
                     "application/octet-stream");
}
