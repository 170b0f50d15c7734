/* SPDX-License-Identifier: MIT */
/*
 * What store/sqlite.c lends the other SQLite files of the store
 * (sqlite_import.c ...): its connections, in the same discipline (one
 * writer behind a mutex, a pool of readers), and its code for reading and
 * binding request rows, so that every file agrees on the columns.
 */
#ifndef CIVIC311_STORE_SQLITE_SHARED_H
#define CIVIC311_STORE_SQLITE_SHARED_H

#include <sqlite3.h>

#include "core/request.h"
#include "util/arena.h"
#include "util/status.h"

/* The request columns read_request expects, from column 0, as SQL text. */
extern const char store__sqlite_req_columns[];

/* The INSERT of one request row; its ?1 .. ?29 are bound as below. */
const char *store__sqlite_req_insert_sql(void);

/* Binds every stored field of req as ?1 .. ?29; SQLITE_OK or an error. */
int store__sqlite_bind_request(sqlite3_stmt *stmt, const struct sr *req);

/* Fills req from the current row, columns as store__sqlite_req_columns. */
enum c311_rc store__sqlite_read_request(sqlite3_stmt *stmt, struct arena *a,
                                        struct sr *req);

/* Turns the last error on db into a status and a cause naming `what`. */
enum c311_rc store__sqlite_fail(sqlite3 *db, char **cause, const char *what);

/*
 * Takes the write connection and starts an IMMEDIATE transaction on it;
 * *db is the connection until store__sqlite_write_end.
 */
enum c311_rc store__sqlite_write_begin(void *impl, sqlite3 **db, char **cause);

/*
 * Commits when rc is C311_OK, rolls back otherwise, and gives the write
 * connection back. Returns the final status.
 */
enum c311_rc store__sqlite_write_end(void *impl, enum c311_rc rc, char **cause);

/* Takes a read connection, waiting for one; give it back with _end. */
sqlite3 *store__sqlite_read_begin(void *impl);
void store__sqlite_read_end(void *impl, sqlite3 *db);

#endif
