/* SPDX-License-Identifier: MIT */
/*
 * One statement of shared SQL on SQLite: "$N" parameters become "?N",
 * values are bound by type, and rows come back as text in the caller's
 * arena, as the PostgreSQL side returns them.
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite_tx.h"
#include "util/buf.h"

#define SQLITE_TX_SQL_MAX (64 * 1024)

/* Maps the last error on db to a status, as the rest of the back end. */
static enum c311_rc
tx_fail(sqlite3 *db, char **cause, const char *sql)
{
    int code = sqlite3_extended_errcode(db);
    enum c311_rc rc = C311_ERR_DB;

    if (code == SQLITE_CONSTRAINT_UNIQUE ||
        code == SQLITE_CONSTRAINT_PRIMARYKEY)
        rc = C311_ERR_CONFLICT;
    else if ((code & 0xff) == SQLITE_CONSTRAINT)
        rc = C311_ERR_INVALID;
    else if ((code & 0xff) == SQLITE_BUSY || (code & 0xff) == SQLITE_LOCKED)
        rc = C311_ERR_UNAVAILABLE;
    return store__fail(cause, rc, "%.40s... failed: %s", sql,
                       sqlite3_errmsg(db));
}

/* Copies the SQL with every "$" of a parameter turned into "?". */
static char *
translate(const char *sql)
{
    char *out = strdup(sql), *p;

    for (p = out; p != NULL && *p != '\0'; p++) {
        if (*p == '$' && p[1] >= '0' && p[1] <= '9')
            *p = '?';
    }
    return out;
}

/* Binds the parameters by type. */
static int
bind_all(sqlite3_stmt *stmt, const struct store__param *p, size_t np)
{
    int rc = SQLITE_OK;
    size_t i;

    for (i = 0; rc == SQLITE_OK && i < np; i++) {
        switch (p[i].type) {
        case STORE__P_NULL:
            rc = sqlite3_bind_null(stmt, (int)i + 1);
            break;
        case STORE__P_TEXT:
            rc = sqlite3_bind_text(stmt, (int)i + 1, p[i].s, -1, SQLITE_STATIC);
            break;
        case STORE__P_INT:
            rc = sqlite3_bind_int64(stmt, (int)i + 1, p[i].i);
            break;
        }
    }
    return rc;
}

/* Steps through the rows, copying each cell into the arena as text. */
static enum c311_rc
collect(sqlite3 *db, sqlite3_stmt *stmt, struct arena *a,
        struct store__rows *out, const char *sql, char **cause)
{
    size_t cap = 0, j, ncols = (size_t)sqlite3_column_count(stmt);
    const char **cells = NULL, **bigger;
    const unsigned char *t;
    int step;

    while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
        if (out == NULL)
            continue;
        if ((out->nrows + 1) * ncols > cap) {
            cap = cap == 0 ? 8 * ncols : cap * 2;
            bigger = arena_alloc(a, cap * sizeof(*cells));
            if (bigger == NULL)
                return store__fail(cause, C311_ERR_NOMEM, "out of memory");
            if (cells != NULL)
                memcpy(bigger, cells, out->nrows * ncols * sizeof(*cells));
            cells = bigger;
        }
        for (j = 0; j < ncols; j++) {
            t = sqlite3_column_text(stmt, (int)j);
            cells[out->nrows * ncols + j] =
                t == NULL
                    ? NULL
                    : arena_strndup(a, (const char *)t,
                                    (size_t)sqlite3_column_bytes(stmt, (int)j));
            if (t != NULL && cells[out->nrows * ncols + j] == NULL)
                return store__fail(cause, C311_ERR_NOMEM, "out of memory");
        }
        out->nrows++;
    }
    if (step != SQLITE_DONE)
        return tx_fail(db, cause, sql);
    if (out != NULL) {
        out->cells = cells;
        out->ncols = ncols;
        out->changes = sqlite3_changes(db);
    }
    return C311_OK;
}

/* Runs one statement in the transaction; see store_ops.tx_query. */
enum c311_rc
store__sqlite_tx_query(struct store_tx *tx, const char *sql,
                       const struct store__param *p, size_t np, struct arena *a,
                       struct store__rows *out, char **cause)
{
    sqlite3 *db = tx->db;
    sqlite3_stmt *stmt = NULL;
    enum c311_rc rc;
    char *text;

    text = translate(sql);
    if (text == NULL)
        return store__fail(cause, C311_ERR_NOMEM, "out of memory");
    if (sqlite3_prepare_v2(db, text, -1, &stmt, NULL) != SQLITE_OK)
        rc = tx_fail(db, cause, sql);
    else if (bind_all(stmt, p, np) != SQLITE_OK)
        rc = tx_fail(db, cause, sql);
    else
        rc = collect(db, stmt, a, out, sql, cause);
    sqlite3_finalize(stmt);
    free(text);
    return rc;
}
