/* SPDX-License-Identifier: MIT */
/*
 * The functions each back end gives store/import.c, reached through the
 * `import` member of its struct store_ops. Each follows the contract in
 * store/import.h of the store_* call it serves.
 */
#ifndef CIVIC311_STORE_IMPORT_BACKEND_H
#define CIVIC311_STORE_IMPORT_BACKEND_H

#include "store/import.h"

struct store__import_ops {
    enum c311_rc (*begin)(void *impl, int64_t rows_hint, char **cause);
    enum c311_rc (*end)(void *impl, char **cause);
    enum c311_rc (*batch)(void *impl, const char *format,
                          struct store_import_row *rows, size_t n, int64_t now,
                          char **cause);
    enum c311_rc (*service_put)(void *impl, const struct imported_service *s,
                                bool *created, char **cause);
    enum c311_rc (*service_list)(void *impl, struct arena *a,
                                 struct imported_service **out, size_t *n,
                                 char **cause);
    enum c311_rc (*scan)(void *impl, struct store_scan *scan, size_t limit,
                         struct arena *a, struct sr **out,
                         const char ***formats, const char ***departments,
                         size_t *n, char **cause);
    enum c311_rc (*report_scan)(void *impl, const char *jurisdiction_id,
                                int64_t from, int64_t to, store_report_fn fn,
                                void *arg, char **cause);
};

/*
 * The answers of req as the text of one JSON object, code to value in
 * their order (malloc'd; the caller frees it), in *out; NULL when req has
 * none. C311_ERR_NOMEM or C311_ERR_INVALID (text that is not UTF-8).
 */
enum c311_rc store__import_attrs_json(const struct sr *req, char **out,
                                      char **cause);

/*
 * Sets r->attrs (in a) from such a JSON object text; none for NULL text.
 * C311_ERR_DB when the text is not an object, C311_ERR_NOMEM.
 */
enum c311_rc store__import_attrs_parse(const char *text, struct arena *a,
                                       struct sr *r, char **cause);

/* store/sqlite_import.c */
extern const struct store__import_ops store__sqlite_import_ops;

/* store/pg_import.c */
extern const struct store__import_ops store__pg_import_ops;

#endif
