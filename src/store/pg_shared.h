/* SPDX-License-Identifier: MIT */
/*
 * What store/pg.c lends the other PostgreSQL files of the store
 * (pg_import.c ...): its pool, with the same handling of transactions,
 * retries and lost connections, and its code for reading request rows.
 */
#ifndef CIVIC311_STORE_PG_SHARED_H
#define CIVIC311_STORE_PG_SHARED_H

#include <libpq-fe.h>
#include <stdbool.h>

#include "core/request.h"
#include "util/arena.h"
#include "util/status.h"

struct pg_store;
struct pg_conn;

/* The work of one store call, run on a ready connection. */
typedef enum c311_rc (*store__pg_work)(struct pg_store *s, struct pg_conn *c,
                                       void *arg, char **cause);

/*
 * Runs work on a pooled connection, inside BEGIN ... COMMIT when write is
 * set. A call that found the server gone is run once more on a fresh
 * connection (unless its COMMIT was sent), so work must start from
 * scratch each time it is called.
 */
enum c311_rc store__pg_run(void *impl, bool write, store__pg_work work,
                           void *arg, char **cause);

/*
 * Runs sql with n text parameters (NULL pointers are SQL NULL); *out (when
 * not NULL) receives the result, which the caller clears.
 */
enum c311_rc store__pg_conn_exec(struct pg_store *s, struct pg_conn *c,
                                 const char *sql, int n,
                                 const char *const *values, PGresult **out,
                                 const char *what, char **cause);

/*
 * Runs `COPY ... FROM STDIN` (copy_sql) and sends data[0 .. len), rows in
 * COPY's text format.
 */
enum c311_rc store__pg_copy(struct pg_store *s, struct pg_conn *c,
                            const char *copy_sql, const char *data, size_t len,
                            const char *what, char **cause);

/* Where the store keeps the id of its open import run (0: none). */
int64_t *store__pg_import_run(struct pg_store *s);

/* The request columns store__pg_read_request expects, as SQL text. */
extern const char store__pg_req_columns[];

/* Fills req from row i of a result selecting store__pg_req_columns. */
enum c311_rc store__pg_read_request(const PGresult *res, int i, struct arena *a,
                                    struct sr *req);

#endif
