/* SPDX-License-Identifier: MIT */
/*
 * The front of imported history (store/import.h): checks the arguments
 * once for every back end and forwards to the back end's import table.
 */
#include <string.h>

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
                   size_t *n, char **cause)
{
    const char **f = NULL;
    enum c311_rc rc;
    const struct store__import_ops *io;
    void *impl;

    *out = NULL;
    *n = 0;
    if (formats != NULL)
        *formats = NULL;
    if (limit == 0 || limit > 100000)
        return store__fail(cause, C311_ERR_INVALID,
                           "scan limit must be from 1 to 100000");
    io = ops(st, &impl);
    rc = io->scan(impl, scan, limit, a, out, &f, n, cause);
    if (rc == C311_OK && formats != NULL)
        *formats = f;
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
