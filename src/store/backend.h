/* SPDX-License-Identifier: MIT */
/*
 * The table each storage back end fills in. store.c picks a back end from
 * the DSN and forwards every store_* call through these pointers, so a new
 * database (PostgreSQL next) is one more file and one more row in store.c;
 * callers of store.h never change.
 *
 * Back-end functions take the back end's own handle (impl) and follow the
 * contract written in store.h for the store_* call of the same name.
 */
#ifndef CIVIC311_STORE_BACKEND_H
#define CIVIC311_STORE_BACKEND_H

#include "store/sqlx.h"
#include "store/store.h"

/* How a column travels in a copy: its values are text either way. */
enum store__type {
    STORE__INT,  /* integer, decimal text */
    STORE__REAL, /* double, "%.17g" text so that it comes back exact */
    STORE__TEXT,
    STORE__JSON /* JSON text (jsonb on PostgreSQL) */
};

struct store__column {
    const char *name;
    enum store__type type;
};

/*
 * A table as the copy sees it. Its first nkey columns are integers that
 * order its rows and identify each one; has_identity says whether its
 * first column is an id that the database generates. A table whose key
 * holds text has nkey 0: its rows are read in the order of its first
 * nsort columns (its key), a page at an offset.
 */
struct store__table {
    const char *name;
    const struct store__column *cols;
    size_t ncols;
    size_t nkey;
    bool has_identity;
    size_t nsort;
};

struct store__import_ops; /* store/import_backend.h */

struct store_ops {
    const char *name; /* "sqlite", "postgresql" */

    /* store_request_insert_x: a request inside x's write transaction. */
    enum c311_rc (*request_insert_x)(struct sqlx *x, struct sr *req,
                                     char **cause);

    /* Opens and migrates the database at target (the DSN minus prefix). */
    enum c311_rc (*open)(const char *target, const struct store_options *opt,
                         void **impl, char **cause);
    void (*close)(void *impl);
    int (*schema_version)(void *impl);

    enum c311_rc (*request_insert)(void *impl, struct sr *req, struct arena *a,
                                   char **cause);
    enum c311_rc (*request_get)(void *impl, const char *public_id,
                                struct arena *a, struct sr **out, char **cause);
    enum c311_rc (*request_by_token)(void *impl, const char *token,
                                     struct arena *a, struct sr **out,
                                     char **cause);
    enum c311_rc (*request_query)(void *impl, const struct sr_query *q,
                                  struct arena *a, struct sr **out, size_t *n,
                                  char **cause);

    enum c311_rc (*apikey_add)(void *impl, const char *name, const char *prefix,
                               const char *hash_hex, int64_t now, char **cause);
    enum c311_rc (*apikey_find)(void *impl, const char *hash_hex,
                                struct arena *a, struct api_key *out,
                                char **cause);
    enum c311_rc (*apikey_list)(void *impl, struct arena *a,
                                struct api_key **out, size_t *n, char **cause);
    enum c311_rc (*apikey_revoke)(void *impl, const char *name, int64_t now,
                                  char **cause);

    /* Whole-table copy; t says which table, after[] is the cursor's key. */
    enum c311_rc (*export_rows)(void *impl, const struct store__table *t,
                                const int64_t after[2], size_t limit,
                                struct arena *a, const char ***cells, size_t *n,
                                char **cause);
    enum c311_rc (*import_rows)(void *impl, const struct store__table *t,
                                const char *const *cells, size_t n,
                                char **cause);
    enum c311_rc (*count_rows)(void *impl, const struct store__table *t,
                               int64_t *n, char **cause);

    /* Imported history, bulk reads for exports and reports. */
    const struct store__import_ops *import;

    /* Portable SQL (store/sqlx.h): work on one connection. */
    enum c311_rc (*sqlx_run)(void *impl, bool write, sqlx_work_fn work,
                             void *arg, struct arena *a, char **cause);
};

/* The SQLite back end (store/sqlite.c). */
extern const struct store_ops store__sqlite_ops;

/* The PostgreSQL back end (store/pg.c). */
extern const struct store_ops store__pg_ops;

/*
 * Newest schema version known to this build. Every back end numbers its
 * migrations alike, so the SQLite list is the reference.
 */
int store__sqlite_schema_latest(void);

/* The back end behind st, for modules written on store/sqlx.h. */
void store__impl(struct store *st, const struct store_ops **ops, void **impl);

/*
 * What every back end runs inside the transaction that inserts a request,
 * after the row, its answers and its "created" event: the caller's
 * contact and the staff side of intake (store/contacts.c). x is the
 * back end's handle on that transaction; id is the new row.
 */
enum c311_rc store__request_filed(struct sqlx *x, const struct sr *req,
                                  int64_t id, char **cause);

/* SQLite's sqlx_exec (store/sqlite_sqlx.c); x->conn is a sqlite3 *. */
enum c311_rc store__sqlite_exec(struct sqlx *x, const char *sql,
                                const struct sqlx_val *params, size_t n,
                                struct sqlx_rows *out, char **cause);

/*
 * A call row as store/calls.c writes it; times 0 and durations below 0
 * are unknown (NULL).
 */
struct store__call_row {
    const char *callid, *caller, *queue, *agent;
    int64_t entered_at, answered_at, ended_at;
    const char *outcome;
    int64_t wait_s, talk_s;
    const char *events, *legs, *digest;
    /* Their lengths, known when the row was made: a writer that need not
       read them twice. */
    size_t events_len, legs_len, digest_len;
};

/*
 * Inserts n call rows on SQLite with one prepared statement, skipping
 * callids stored already: done[i] tells whether row i went in
 * (store/sqlite_sqlx.c). x->conn is the write connection, in a
 * transaction.
 */
enum c311_rc store__sqlite_calls_insert(struct sqlx *x,
                                        const struct store__call_row *rows,
                                        size_t n, bool *done, char **cause);

/*
 * What a scan reads of a stored call row: the rest of its summary
 * follows from its legs (or its lines).
 */
struct store__call_cells {
    int64_t id;
    const char *callid, *caller;
    const char *events; /* NULL when the row has legs */
    const char *legs;
};

typedef enum c311_rc (*store__call_cells_fn)(void *arg,
                                             const struct store__call_cells *c);

/*
 * Hands every call row whose entry is in [from, to) to fn, in order of
 * entry then id, stepping one statement on SQLite (store/sqlite_sqlx.c);
 * non-OK from fn stops the scan. The cells live until fn returns.
 */
enum c311_rc store__sqlite_calls_scan(struct sqlx *x, int64_t from, int64_t to,
                                      store__call_cells_fn fn, void *arg,
                                      char **cause);

/* PostgreSQL's sqlx_exec (store/pg_sqlx.c); x->conn is a PGconn *. */
enum c311_rc store__pg_exec(struct sqlx *x, const char *sql,
                            const struct sqlx_val *params, size_t n,
                            struct sqlx_rows *out, char **cause);

/*
 * Sets *cause (when cause is not NULL) to a malloc'd formatted message and
 * returns rc, so back ends can write `return store__fail(...)`.
 */
enum c311_rc store__fail(char **cause, enum c311_rc rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
