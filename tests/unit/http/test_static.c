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

Test(static, dir_location)
{
    struct arena a = ARENA_INIT;
    struct params q = PARAMS_INIT;

    cr_assert_str_eq(static_dir_location("/console", NULL, &a), "/console/");
    cr_assert_str_eq(static_dir_location("/console", &q, &a), "/console/");
    cr_assert_eq(params_add(&q, &a, "from", "2026-12-01", 10), C311_OK);
    cr_assert_eq(params_add(&q, &a, "to", "a b&c=d/é", 10), C311_OK);
    cr_assert_str_eq(static_dir_location("/dashboard", &q, &a),
                     "/dashboard/?from=2026-12-01&to=a%20b%26c%3Dd%2F%C3%A9");
    /* A value's bytes all go, a NUL byte included. */
    cr_assert_eq(params_add(&q, &a, "n", "x\0y", 3), C311_OK);
    cr_assert_str_eq(static_dir_location("/w", &q, &a),
                     "/w/?from=2026-12-01&to=a%20b%26c%3Dd%2F%C3%A9&n=x%00y");
    /* The path keeps its slashes; what would end or break it is escaped. */
    cr_assert_str_eq(static_dir_location("/a dir/x?y#z", NULL, &a),
                     "/a%20dir/x%3Fy%23z/");
    arena_free(&a);
}
