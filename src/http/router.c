/* SPDX-License-Identifier: MIT */
/* Route matching on path segments with an optional format suffix. */
#include <string.h>

#include "http/router.h"

/* Where the suffix of the last segment starts ('.'), or NULL. */
static const char *
router_suffix(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *dot = strrchr(path, '.');

    if (dot == NULL || (slash != NULL && dot < slash))
        return NULL;
    return dot;
}

enum http_format
router_format_of(const char *path)
{
    const char *dot = router_suffix(path);

    if (dot != NULL && strcmp(dot, ".xml") == 0)
        return HTTP_FMT_XML;
    return HTTP_FMT_JSON;
}

/*
 * Matches the first len bytes of path against pattern, filling m's
 * parameters (pointers into path, lengths in lens). Returns 1 on a match.
 */
static int
router_match_pattern(const char *pattern, const char *path, size_t len,
                     struct router_match *m, size_t *lens)
{
    const char *pe = path + len, *close;
    size_t seg;

    m->nparams = 0;
    while (*pattern != '\0') {
        if (path >= pe || *pattern != *path)
            return 0;
        if (*pattern != '/' || pattern[1] != '{') {
            pattern++;
            path++;
            continue;
        }
        /* A {name} segment: any non-empty run of bytes up to '/'. */
        pattern++;
        path++;
        close = strchr(pattern, '}');
        for (seg = 0; path + seg < pe && path[seg] != '/'; seg++)
            ;
        if (close == NULL || seg == 0 || m->nparams == ROUTER_MAX_PARAMS)
            return 0;
        m->names[m->nparams] = pattern + 1;
        lens[m->nparams * 2] = (size_t)(close - pattern - 1);
        m->values[m->nparams] = path;
        lens[m->nparams * 2 + 1] = seg;
        m->nparams++;
        pattern = close + 1;
        path += seg;
    }
    return path == pe;
}

/* True when a route for rmethod answers a request made with method. */
static int
router_method_ok(const char *rmethod, const char *method)
{
    if (strcmp(rmethod, method) == 0)
        return 1;
    return strcmp(rmethod, "GET") == 0 && strcmp(method, "HEAD") == 0;
}

/* Copies the matched names and values of route r into the arena. */
static enum router_result
router_copy(const struct route *r, struct arena *a, struct router_match *m,
            const size_t *lens)
{
    size_t i;

    m->route = r;
    for (i = 0; i < m->nparams; i++) {
        m->names[i] = arena_strndup(a, m->names[i], lens[i * 2]);
        m->values[i] = arena_strndup(a, m->values[i], lens[i * 2 + 1]);
        if (m->names[i] == NULL || m->values[i] == NULL)
            return ROUTER_NOMEM;
    }
    return ROUTER_FOUND;
}

enum router_result
router_match(const struct route *routes, size_t n, const char *method,
             const char *path, struct arena *a, struct router_match *m)
{
    const char *dot = router_suffix(path);
    size_t full = strlen(path), base = full, lens[ROUTER_MAX_PARAMS * 2];
    int known_ext = 0, path_seen = 0;
    size_t i;

    memset(m, 0, sizeof(*m));
    m->fmt = router_format_of(path);
    if (dot != NULL) {
        base = (size_t)(dot - path);
        known_ext = strcmp(dot, ".json") == 0 || strcmp(dot, ".xml") == 0;
    }
    for (i = 0; i < n; i++) {
        const struct route *r = &routes[i];
        int hit;

        /* With a suffix, extension routes match on what comes before it;
         * an unknown suffix there is a 404, not a parameter value. */
        if ((r->flags & ROUTER_EXT) && dot != NULL &&
            router_match_pattern(r->pattern, path, base, m, lens)) {
            if (!known_ext)
                return ROUTER_NO_PATH;
            hit = 1;
        } else {
            hit = router_match_pattern(r->pattern, path, full, m, lens);
        }
        if (!hit)
            continue;
        path_seen = 1;
        if (router_method_ok(r->method, method))
            return router_copy(r, a, m, lens);
    }
    memset(m->values, 0, sizeof(m->values));
    m->nparams = 0;
    m->route = NULL;
    return path_seen ? ROUTER_NO_METHOD : ROUTER_NO_PATH;
}

const char *
router_param(const struct router_match *m, const char *name)
{
    size_t i;

    for (i = 0; i < m->nparams; i++) {
        if (strcmp(m->names[i], name) == 0)
            return m->values[i];
    }
    return NULL;
}
