/* SPDX-License-Identifier: MIT */
/*
 * The SQLite schema as a list of numbered migrations, and the function that
 * brings a database up to the newest one, and the indexes a bulk import
 * set aside (index_deferred). Private to the SQLite back end.
 */
#ifndef CIVIC311_STORE_SQLITE_SCHEMA_H
#define CIVIC311_STORE_SQLITE_SCHEMA_H

#include <sqlite3.h>
#include <stdbool.h>

#include "util/status.h"

/*
 * Applies every migration db lacks, each in its own IMMEDIATE transaction,
 * and sets *version to the version db is at afterwards. Safe to call on
 * every open and from several processes at once. C311_ERR_INVALID when
 * the database is newer than this build.
 */
enum c311_rc store__sqlite_migrate(sqlite3 *db, int *version, char **cause);

/* Reads the version db is at (0 for a new database) into *version. */
enum c311_rc store__sqlite_version(sqlite3 *db, int *version, char **cause);

/* Sets *pending when index_deferred lists an index to build again. */
enum c311_rc store__sqlite_indexes_pending(sqlite3 *db, bool *pending,
                                           char **cause);

/*
 * Builds every index that index_deferred lists and empties it, inside the
 * caller's write transaction: after a bulk import, or on open after one
 * that was interrupted.
 */
enum c311_rc store__sqlite_indexes_restore(sqlite3 *db, char **cause);

#endif
