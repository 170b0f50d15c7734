/* SPDX-License-Identifier: MIT */
/*
 * The PostgreSQL schema as a list of numbered migrations matching the
 * SQLite ones, the function that brings a database up to the newest, and
 * the error classifier both PostgreSQL files share. Private to store/pg.c.
 */
#ifndef CIVIC311_STORE_PG_SCHEMA_H
#define CIVIC311_STORE_PG_SCHEMA_H

#include <libpq-fe.h>
#include <stdbool.h>

#include "util/status.h"

/*
 * Applies every migration db lacks, each in its own transaction under a
 * transaction-scoped advisory lock, and sets *version to the version db is
 * at afterwards. Safe to call from several servers starting at once.
 * C311_ERR_INVALID when the database is newer than this build.
 */
enum c311_rc store__pg_migrate(PGconn *db, int *version, char **cause);

/*
 * Turns a failed result (res may be NULL) on db into a status and a cause
 * naming what was being done: 23505 is a conflict, other integrity
 * violations invalid input, a lost connection (CONNECTION_BAD, class 08,
 * 57P01..57P03) unavailability; *lost (when not NULL) says which.
 */
enum c311_rc store__pg_fail(PGconn *db, const PGresult *res, bool *lost,
                            char **cause, const char *what);

#endif
