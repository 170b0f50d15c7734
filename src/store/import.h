/* SPDX-License-Identifier: MIT */
/*
 * Historical requests imported from another system's data, and reading
 * requests back in bulk for exports and reports.
 *
 * An imported request is an ordinary row of `request` whose public id is
 * the source's key, plus a `request_import` row holding a digest of
 * everything the importer stored: a re-import of the same data finds the
 * same digest and writes nothing, while a changed row is updated in place.
 * Imports never start work: no work orders, only a private "imported"
 * event in each request's history. Complaint types that map to no
 * configured service become imported services, stored so that reports
 * and exports can name them, and never offered to clients.
 *
 * As everywhere in the store, results live in the caller's arena and
 * *cause (malloc'd, the caller frees it) says what failed.
 */
#ifndef CIVIC311_STORE_IMPORT_H
#define CIVIC311_STORE_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/request.h"
#include "util/arena.h"
#include "util/status.h"

struct store;

/* What store_import_batch did with one row. */
enum store_import_outcome {
    STORE_IMPORT_INSERTED,  /* a new request */
    STORE_IMPORT_UPDATED,   /* an imported request whose data changed */
    STORE_IMPORT_UNCHANGED, /* an imported request, same digest */
    STORE_IMPORT_NATIVE,    /* the key is a request filed here: untouched */
    STORE_IMPORT_OTHER,     /* the key came from another format: untouched */
    STORE_IMPORT_REPEATED   /* the key came earlier in the run: untouched */
};

/* One row of an import, as the importer mapped it. */
struct store_import_row {
    struct sr req;          /* public_id is the source's key */
    const char *department; /* department code, NULL when not known */
    const char *digest;     /* of everything stored, to spot changes */
    const char *note;       /* where it came from, for the history */
    int64_t line;           /* where it is in its file */
    enum store_import_outcome outcome; /* set by store_import_batch */
    int64_t first_line; /* STORE_IMPORT_REPEATED: the line the key came on */
};

/*
 * Starts an import run of about rows_hint rows (an estimate from the
 * file's size; 0 when not known). Within a run, store_import_batch
 * refuses a key already met in the run (STORE_IMPORT_REPEATED), keeping
 * what it has seen in the database, not in memory. A back end may make
 * a large run into a small store a bulk load (SQLite drops the request
 * table's secondary indexes and builds them again at the end; an
 * interrupted run leaves them to the next store_open). Every run ends
 * with store_import_end, whether its batches worked or not.
 */
enum c311_rc store_import_begin(struct store *st, int64_t rows_hint,
                                char **cause);

/* Ends the run: forgets its keys and rebuilds what a bulk load dropped. */
enum c311_rc store_import_end(struct store *st, char **cause);

/*
 * Stores n rows of one source format in one transaction: inserts the new
 * keys, updates the imported ones whose digest differs, leaves the rest,
 * and sets each row's outcome. Every request needs public_id,
 * service_code, requested_at and updated_at. now is the import's time,
 * kept in the history. Outside a run (store_import_begin) no two rows may
 * share a key. The source columns (req.attrs) are stored as one JSON
 * object with the import record, not as a request_attr row each; readers
 * take both, so requests imported earlier read as before.
 */
enum c311_rc store_import_batch(struct store *st, const char *format,
                                struct store_import_row *rows, size_t n,
                                int64_t now, char **cause);

/* A complaint type kept as a service of its own. */
struct imported_service {
    const char *code;
    const char *name;
    const char *format;
    const char *department; /* may be NULL */
    int64_t created_at;
};

/*
 * Stores s unless a service with its code was imported before (then the
 * first one stays); *created says which happened (may be NULL).
 */
enum c311_rc store_imported_service_put(struct store *st,
                                        const struct imported_service *s,
                                        bool *created, char **cause);

/* Every imported service, by code. */
enum c311_rc store_imported_service_list(struct store *st, struct arena *a,
                                         struct imported_service **out,
                                         size_t *n, char **cause);

/* What store_request_scan reads. */
struct store_scan {
    const char *jurisdiction_id; /* NULL: any */
    int64_t from;                /* requested_at >= from; 0: open-ended */
    int64_t to;                  /* requested_at < to; 0: open-ended */
    int64_t after_id;            /* the cursor: rows with a greater id */
};

/*
 * Reads up to limit requests of the scan in id order, with their answers,
 * and moves scan->after_id past them. *n is 0 once none is left. When
 * formats is not NULL, (*formats)[i] is the format request i was imported
 * from ("nyc", "boston"), NULL for a request filed here. When departments
 * is not NULL, (*departments)[i] is the department code the import stored
 * for request i, NULL when it stored none or the request was filed here.
 */
enum c311_rc store_request_scan(struct store *st, struct store_scan *scan,
                                size_t limit, struct arena *a, struct sr **out,
                                const char ***formats,
                                const char ***departments, size_t *n,
                                char **cause);

/* What a report needs of one request; strings live during the call only. */
struct store_report_row {
    int64_t requested_at;
    int64_t closed_at;   /* 0: not known */
    int64_t expected_at; /* 0: no due time */
    bool closed;
    const char *service_code;
    const char *service_name;
    const char *channel;
    const char *department; /* the import's department; NULL otherwise */
    const char *agency;     /* agency_responsible */
};

/* Called once per row; a status other than C311_OK stops the scan. */
typedef enum c311_rc (*store_report_fn)(void *arg,
                                        const struct store_report_row *row);

/*
 * Calls fn for every request of the jurisdiction (NULL: any) that a report
 * over [from, to) looks at: those requested in it, and those requested
 * before it that were still open at `to` (open now, or closed at or after
 * `to`). Order is unspecified.
 */
enum c311_rc store_report_scan(struct store *st, const char *jurisdiction_id,
                               int64_t from, int64_t to, store_report_fn fn,
                               void *arg, char **cause);

#endif
