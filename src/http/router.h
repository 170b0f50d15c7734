/* SPDX-License-Identifier: MIT */
/*
 * The route table: which handler answers a method and a path. Patterns are
 * literal segments and {name} segments ("/open311/v2/services/{code}");
 * a route flagged ROUTER_EXT also answers with a ".json" or ".xml" suffix,
 * which picks the response format. Matching is pure, so it is unit-tested
 * without a server.
 */
#ifndef CIVIC311_ROUTER_H
#define CIVIC311_ROUTER_H

#include <stddef.h>

#include "util/arena.h"

enum http_format { HTTP_FMT_JSON, HTTP_FMT_XML };

struct http_req;

/* A handler answers the request with one of the http_reply functions. */
typedef void (*router_handler_fn)(struct http_req *req);

#define ROUTER_EXT 0x1 /* ".json" / ".xml" suffix allowed */
/*
 * The handler lists parameter values that are not valid UTF-8 among its
 * other problems (params_take_unreadable), rather than the server refusing
 * the request on the first one. Names that are not UTF-8, or hold a NUL,
 * are still refused before the handler runs: nothing can be said of them.
 */
#define ROUTER_OWN_UTF8 0x2

struct route {
    const char *method; /* "GET" also answers HEAD */
    const char *pattern;
    router_handler_fn handler;
    unsigned flags;
};

#define ROUTER_MAX_PARAMS 4

struct router_match {
    const struct route *route;
    enum http_format fmt;
    size_t nparams;
    const char *names[ROUTER_MAX_PARAMS];  /* as in the pattern, no braces */
    const char *values[ROUTER_MAX_PARAMS]; /* copies in the arena */
};

enum router_result {
    ROUTER_FOUND,
    ROUTER_NO_PATH,   /* 404 */
    ROUTER_NO_METHOD, /* 405: the path exists for another method */
    ROUTER_NOMEM
};

/*
 * Finds the route for method and path among the n routes. On ROUTER_FOUND
 * m holds the route, the format and the {param} values (allocated in a).
 * m->fmt is set whatever the result, from the path's suffix.
 */
enum router_result router_match(const struct route *routes, size_t n,
                                const char *method, const char *path,
                                struct arena *a, struct router_match *m);

/* The format a path's suffix asks for: XML for ".xml", JSON otherwise. */
enum http_format router_format_of(const char *path);

/* The value of {name} in a match, or NULL. */
const char *router_param(const struct router_match *m, const char *name);

#endif
