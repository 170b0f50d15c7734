/* SPDX-License-Identifier: MIT */
/* Route matching: parameters, format suffixes, 404 versus 405. */
#include <criterion/criterion.h>

#include "http/router.h"

static void
h_a(struct http_req *req)
{
    (void)req;
}
static void
h_b(struct http_req *req)
{
    (void)req;
}
static void
h_c(struct http_req *req)
{
    (void)req;
}
static void
h_d(struct http_req *req)
{
    (void)req;
}

static const struct route routes[] = {
    {"GET", "/open311/v2/services", h_a, ROUTER_EXT},
    {"GET", "/open311/v2/services/{service_code}", h_b, ROUTER_EXT},
    {"GET", "/open311/v2/requests", h_c, ROUTER_EXT},
    {"POST", "/open311/v2/requests", h_d, ROUTER_EXT},
    {"GET", "/healthz", h_a, 0},
};

#define NROUTES (sizeof(routes) / sizeof(routes[0]))

static struct arena arena = ARENA_INIT;

static void
teardown(void)
{
    arena_free(&arena);
}

TestSuite(router, .fini = teardown);

static enum router_result
match(const char *method, const char *path, struct router_match *m)
{
    return router_match(routes, NROUTES, method, path, &arena, m);
}

Test(router, plain_path_is_json)
{
    struct router_match m;

    cr_assert_eq(match("GET", "/open311/v2/services", &m), ROUTER_FOUND);
    cr_assert_eq(m.route->handler, h_a);
    cr_assert_eq(m.fmt, HTTP_FMT_JSON);
    cr_assert_eq(m.nparams, 0);
}

Test(router, xml_suffix)
{
    struct router_match m;

    cr_assert_eq(match("GET", "/open311/v2/services.xml", &m), ROUTER_FOUND);
    cr_assert_eq(m.route->handler, h_a);
    cr_assert_eq(m.fmt, HTTP_FMT_XML);
}

Test(router, param_without_suffix)
{
    struct router_match m;

    cr_assert_eq(match("GET", "/open311/v2/services/pothole.json", &m),
                 ROUTER_FOUND);
    cr_assert_eq(m.route->handler, h_b);
    cr_assert_eq(m.fmt, HTTP_FMT_JSON);
    cr_assert_eq(m.nparams, 1);
    cr_assert_str_eq(m.names[0], "service_code");
    cr_assert_str_eq(router_param(&m, "service_code"), "pothole");
    cr_assert_null(router_param(&m, "other"));
}

Test(router, param_plain)
{
    struct router_match m;

    cr_assert_eq(match("GET", "/open311/v2/services/2026-000001", &m),
                 ROUTER_FOUND);
    cr_assert_str_eq(router_param(&m, "service_code"), "2026-000001");
}

Test(router, unknown_suffix_is_404)
{
    struct router_match m;

    cr_assert_eq(match("GET", "/open311/v2/services.html", &m), ROUTER_NO_PATH);
    cr_assert_eq(match("GET", "/open311/v2/services/x.yaml", &m),
                 ROUTER_NO_PATH);
}

Test(router, method_choice)
{
    struct router_match m;

    cr_assert_eq(match("POST", "/open311/v2/requests.xml", &m), ROUTER_FOUND);
    cr_assert_eq(m.route->handler, h_d);
    cr_assert_eq(m.fmt, HTTP_FMT_XML);
    cr_assert_eq(match("HEAD", "/open311/v2/requests", &m), ROUTER_FOUND);
    cr_assert_eq(m.route->handler, h_c);
    cr_assert_eq(match("DELETE", "/open311/v2/requests.json", &m),
                 ROUTER_NO_METHOD);
    cr_assert_eq(match("POST", "/open311/v2/services", &m), ROUTER_NO_METHOD);
}

Test(router, no_such_path)
{
    struct router_match m;

    cr_assert_eq(match("GET", "/open311/v2/servicesx", &m), ROUTER_NO_PATH);
    cr_assert_eq(match("GET", "/open311/v2/services/", &m), ROUTER_NO_PATH);
    cr_assert_eq(match("GET", "/open311/v2/services/a/b", &m), ROUTER_NO_PATH);
    cr_assert_eq(match("GET", "/", &m), ROUTER_NO_PATH);
}

Test(router, suffix_only_on_ext_routes)
{
    struct router_match m;

    cr_assert_eq(match("GET", "/healthz", &m), ROUTER_FOUND);
    cr_assert_eq(match("GET", "/healthz.json", &m), ROUTER_NO_PATH);
}

Test(router, format_of)
{
    cr_assert_eq(router_format_of("/a/b.xml"), HTTP_FMT_XML);
    cr_assert_eq(router_format_of("/a.xml/b"), HTTP_FMT_JSON);
    cr_assert_eq(router_format_of("/a/b.json"), HTTP_FMT_JSON);
}
