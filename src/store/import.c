/* SPDX-License-Identifier: MIT */
/*
 * The front of imported history (store/import.h): checks the arguments
 * once for every back end and forwards to the back end's import table.
 */
#include <string.h>

#include <jansson.h>

#include "store/backend.h"
#include "store/import_backend.h"

/* The import table of st's back end, and the back end's handle. */
static const struct store__import_ops *
ops(struct store *st, void **impl)
{
    const struct store_ops *o;

    store__impl(st, &o, impl);
    return o->import;
}

/* Checks what every row needs before any reaches the database. */
static enum c311_rc
check_rows(const struct store_import_row *rows, size_t n, char **cause)
{
    const struct sr *r;
    size_t i;

    for (i = 0; i < n; i++) {
        r = &rows[i].req;
        if (r->public_id == NULL || *r->public_id == '\0' ||
            r->service_code == NULL || *r->service_code == '\0')
            return store__fail(cause, C311_ERR_INVALID,
                               "imported row %zu has no key or no service",
                               i + 1);
        if (r->requested_at == 0 || r->updated_at == 0)
            return store__fail(cause, C311_ERR_INVALID,
                               "imported request '%s' has no requested_at "
                               "or updated_at",
                               r->public_id);
        if (rows[i].digest == NULL || *rows[i].digest == '\0')
            return store__fail(cause, C311_ERR_INVALID,
                               "imported request '%s' has no digest",
                               r->public_id);
        if (r->nattrs > 0 && r->attrs == NULL)
            return store__fail(cause, C311_ERR_INVALID,
                               "imported request '%s' lost its attributes",
                               r->public_id);
    }
    return C311_OK;
}

enum c311_rc
store__import_attrs_json(const struct sr *req, char **out, char **cause)
{
    json_t *o, *v;
    size_t i;

    *out = NULL;
    if (req->nattrs == 0)
        return C311_OK;
    o = json_object();
    if (o == NULL)
        return store__fail(cause, C311_ERR_NOMEM, "out of memory");
    for (i = 0; i < req->nattrs; i++) {
        v = json_string(req->attrs[i].value);
        if (v == NULL || json_object_set_new(o, req->attrs[i].code, v) != 0) {
            json_decref(o);
            return store__fail(cause, C311_ERR_INVALID,
                               "imported request '%s': attribute '%s' is "
                               "not valid UTF-8",
                               req->public_id, req->attrs[i].code);
        }
    }
    *out = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    return *out != NULL ? C311_OK
                        : store__fail(cause, C311_ERR_NOMEM, "out of memory");
}

enum c311_rc
store__import_attrs_parse(const char *text, struct arena *a, struct sr *r,
                          char **cause)
{
    const char *code;
    json_t *o, *v;
    size_t i = 0, n;

    r->attrs = NULL;
    r->nattrs = 0;
    if (text == NULL)
        return C311_OK;
    o = json_loads(text, 0, NULL);
    if (!json_is_object(o)) {
        json_decref(o);
        return store__fail(cause, C311_ERR_DB,
                           "request %lld: imported attributes are not a "
                           "JSON object",
                           (long long)r->id);
    }
    n = json_object_size(o);
    if (n > 0)
        r->attrs = arena_alloc(a, n * sizeof(*r->attrs));
    json_object_foreach(o, code, v)
    {
        if (r->attrs == NULL)
            break;
        r->attrs[i].code = arena_strdup(a, code);
        r->attrs[i].value =
            arena_strdup(a, json_is_string(v) ? json_string_value(v) : "");
        if (r->attrs[i].code == NULL || r->attrs[i].value == NULL)
            break;
        i++;
    }
    r->nattrs = i;
    json_decref(o);
    if (i < n)
        return store__fail(cause, C311_ERR_NOMEM, "out of memory");
    return C311_OK;
}

/* Forwards to the back end. */
enum c311_rc
store_import_begin(struct store *st, int64_t rows_hint, char **cause)
{
    const struct store__import_ops *io;
    void *impl;

    io = ops(st, &impl);
    return io->begin(impl, rows_hint > 0 ? rows_hint : 0, cause);
}

/* Forwards to the back end. */
enum c311_rc
store_import_end(struct store *st, char **cause)
{
    const struct store__import_ops *io;
    void *impl;

    io = ops(st, &impl);
    return io->end(impl, cause);
}

/* Forwards a batch after checking it. */
enum c311_rc
store_import_batch(struct store *st, const char *format,
                   struct store_import_row *rows, size_t n, int64_t now,
                   char **cause)
{
    enum c311_rc rc;
    const struct store__import_ops *io;
    void *impl;

    if (n == 0)
        return C311_OK;
    if (format == NULL || *format == '\0')
        return store__fail(cause, C311_ERR_INVALID, "import without a format");
    rc = check_rows(rows, n, cause);
    if (rc != C311_OK)
        return rc;
    io = ops(st, &impl);
    return io->batch(impl, format, rows, n, now, cause);
}

/* Forwards after checking the service has a code, a name and a format. */
enum c311_rc
store_imported_service_put(struct store *st, const struct imported_service *s,
                           bool *created, char **cause)
{
    const struct store__import_ops *io;
    void *impl;

    if (created != NULL)
        *created = false;
    if (s->code == NULL || *s->code == '\0' || s->name == NULL ||
        *s->name == '\0' || s->format == NULL || *s->format == '\0')
        return store__fail(cause, C311_ERR_INVALID,
                           "imported service needs a code, a name and a "
                           "format");
    io = ops(st, &impl);
    return io->service_put(impl, s, created, cause);
}

/* Forwards to the back end. */
enum c311_rc
store_imported_service_list(struct store *st, struct arena *a,
                            struct imported_service **out, size_t *n,
                            char **cause)
{
    const struct store__import_ops *io;
    void *impl;

    io = ops(st, &impl);
    return io->service_list(impl, a, out, n, cause);
}

/* Forwards after checking the limit. */
enum c311_rc
store_request_scan(struct store *st, struct store_scan *scan, size_t limit,
                   struct arena *a, struct sr **out, const char ***formats,
                   const char ***departments, size_t *n, char **cause)
{
    const char **f = NULL, **d = NULL;
    enum c311_rc rc;
    const struct store__import_ops *io;
    void *impl;

    *out = NULL;
    *n = 0;
    if (formats != NULL)
        *formats = NULL;
    if (departments != NULL)
        *departments = NULL;
    if (limit == 0 || limit > 100000)
        return store__fail(cause, C311_ERR_INVALID,
                           "scan limit must be from 1 to 100000");
    io = ops(st, &impl);
    rc = io->scan(impl, scan, limit, a, out, &f, &d, n, cause);
    if (rc == C311_OK && formats != NULL)
        *formats = f;
    if (rc == C311_OK && departments != NULL)
        *departments = d;
    return rc;
}

/* Forwards after checking the window. */
enum c311_rc
store_report_scan(struct store *st, const char *jurisdiction_id, int64_t from,
                  int64_t to, store_report_fn fn, void *arg, char **cause)
{
    const struct store__import_ops *io;
    void *impl;

    if (from >= to)
        return store__fail(cause, C311_ERR_INVALID,
                           "a report needs from before to");
    io = ops(st, &impl);
    return io->report_scan(impl, jurisdiction_id, from, to, fn, arg, cause);
}
