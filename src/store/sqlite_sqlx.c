/* SPDX-License-Identifier: MIT */
/*
 * SQLite's side of store/sqlx.h: prepares a statement, binds the typed
 * parameters by their $N names, and copies the rows into the arena as text.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "store/backend.h"

/* Turns the last error on db into a status, as sqlite.c does. */
static enum c311_rc
sqlite_sqlx_fail(sqlite3 *db, char **cause, const char *what)
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
    return store__fail(cause, rc, "%s failed: %s", what, sqlite3_errmsg(db));
}

/* Binds parameter $i+1 of stmt, wherever it appears; true on success. */
static bool
sqlite_sqlx_bind(sqlite3_stmt *stmt, size_t i, const struct sqlx_val *v)
{
    char name[32];
    int at;

    snprintf(name, sizeof(name), "$%zu", i + 1);
    at = sqlite3_bind_parameter_index(stmt, name);
    if (at == 0)
        return true; /* not used by this statement */
    switch (v->type) {
    case SQLX_NULL:
        return sqlite3_bind_null(stmt, at) == SQLITE_OK;
    case SQLX_INT:
        return sqlite3_bind_int64(stmt, at, v->i) == SQLITE_OK;
    case SQLX_TEXT:
    case SQLX_JSON:
        break;
    }
    return sqlite3_bind_text(stmt, at, v->s, -1, SQLITE_STATIC) == SQLITE_OK;
}

/* Column i of the current row as arena text; false when out of memory. */
static bool
sqlite_sqlx_cell(sqlite3_stmt *stmt, int i, struct arena *a, const char **out)
{
    const unsigned char *t;

    switch (sqlite3_column_type(stmt, i)) {
    case SQLITE_NULL:
        *out = NULL;
        return true;
    case SQLITE_INTEGER:
        *out =
            arena_printf(a, "%lld", (long long)sqlite3_column_int64(stmt, i));
        break;
    case SQLITE_FLOAT:
        *out = arena_printf(a, "%.17g", sqlite3_column_double(stmt, i));
        break;
    default:
        t = sqlite3_column_text(stmt, i);
        *out = arena_strndup(a, t != NULL ? (const char *)t : "",
                             (size_t)sqlite3_column_bytes(stmt, i));
        break;
    }
    return *out != NULL;
}

/* Steps through the rows, copying them into out. */
static enum c311_rc
sqlite_sqlx_collect(sqlite3 *db, sqlite3_stmt *stmt, struct arena *a,
                    struct sqlx_rows *out, char **cause)
{
    size_t cap = 0, j;
    int step;

    out->ncols = (size_t)sqlite3_column_count(stmt);
    while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
        if (out == NULL || out->ncols == 0)
            continue;
        out->cells = sqlx_grow(a, out->cells, out->nrows, &cap,
                               out->ncols * sizeof(*out->cells));
        if (out->cells == NULL)
            return store__fail(cause, C311_ERR_NOMEM, "out of memory");
        for (j = 0; j < out->ncols; j++) {
            if (!sqlite_sqlx_cell(stmt, (int)j, a,
                                  &out->cells[out->nrows * out->ncols + j]))
                return store__fail(cause, C311_ERR_NOMEM, "out of memory");
        }
        out->nrows++;
    }
    if (step != SQLITE_DONE)
        return sqlite_sqlx_fail(db, cause, "running a statement");
    out->changes = sqlite3_changes(db);
    return C311_OK;
}

enum c311_rc
store__sqlite_exec(struct sqlx *x, const char *sql,
                   const struct sqlx_val *params, size_t n,
                   struct sqlx_rows *out, char **cause)
{
    sqlite3 *db = x->conn;
    struct sqlx_rows scratch;
    sqlite3_stmt *stmt = NULL;
    enum c311_rc rc;
    size_t i;

    if (out == NULL)
        out = &scratch;
    memset(out, 0, sizeof(*out));
    if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK)
        return sqlite_sqlx_fail(db, cause, "preparing a statement");
    for (i = 0; i < n; i++) {
        if (!sqlite_sqlx_bind(stmt, i, &params[i])) {
            rc = sqlite_sqlx_fail(db, cause, "binding a statement");
            goto out;
        }
    }
    rc = sqlite_sqlx_collect(db, stmt, x->a, out, cause);
out:
    sqlite3_finalize(stmt);
    return rc;
}

/*
 * The write connection's page cache while it stores calls, in KiB (it
 * also bounds the memory SQLite sorts an index in): the table and its
 * callid index grow at their ends, and the entry and caller indexes of
 * a first load are built at the end, so a small cache serves.
 */
#define CALLS_CACHE_KIB "8192"

/* Binds s as text, or NULL when s is NULL. */
static int
bind_opt_text(sqlite3_stmt *stmt, int i, const char *s)
{
    if (s == NULL)
        return sqlite3_bind_null(stmt, i);
    return sqlite3_bind_text(stmt, i, s, -1, SQLITE_STATIC);
}

/* Binds the n bytes of s as text, or NULL when s is NULL. */
static int
bind_opt_textn(sqlite3_stmt *stmt, int i, const char *s, size_t n)
{
    if (s == NULL)
        return sqlite3_bind_null(stmt, i);
    return sqlite3_bind_text(stmt, i, s, (int)n, SQLITE_STATIC);
}

/* Binds v, or NULL when it is not known. */
static int
bind_opt_int(sqlite3_stmt *stmt, int i, int64_t v, bool known)
{
    if (!known)
        return sqlite3_bind_null(stmt, i);
    return sqlite3_bind_int64(stmt, i, v);
}

/* Binds the columns of one call row. */
static void
bind_call(sqlite3_stmt *stmt, const struct store__call_row *r)
{
    bind_opt_text(stmt, 1, r->callid);
    bind_opt_text(stmt, 2, r->caller != NULL && *r->caller ? r->caller : NULL);
    bind_opt_text(stmt, 3, r->queue);
    bind_opt_text(stmt, 4, r->agent != NULL && *r->agent ? r->agent : NULL);
    sqlite3_bind_int64(stmt, 5, r->entered_at);
    bind_opt_int(stmt, 6, r->answered_at, r->answered_at != 0);
    bind_opt_int(stmt, 7, r->ended_at, r->ended_at != 0);
    bind_opt_text(stmt, 8, r->outcome);
    bind_opt_int(stmt, 9, r->wait_s, r->wait_s >= 0);
    bind_opt_int(stmt, 10, r->talk_s, r->talk_s >= 0);
    bind_opt_textn(stmt, 11, r->events, r->events_len);
    bind_opt_textn(stmt, 12, r->legs, r->legs_len);
    bind_opt_textn(stmt, 13, r->digest, r->digest_len);
}

enum c311_rc
store__sqlite_calls_insert(struct sqlx *x, const struct store__call_row *rows,
                           size_t n, bool *done, char **cause)
{
    sqlite3 *db = x->conn;
    sqlite3_stmt *stmt = NULL;
    enum c311_rc rc = C311_OK;
    size_t i;

    if (n == 0)
        return C311_OK;
    /* The callid and caller indexes take rows in random order. */
    sqlite3_exec(db, "PRAGMA cache_size = -" CALLS_CACHE_KIB, NULL, NULL, NULL);
    if (sqlite3_prepare_v2(db,
                           "INSERT INTO call (callid, caller, queue, agent,"
                           " entered_at, answered_at, ended_at, outcome,"
                           " wait_s, talk_s, events, legs, digest)"
                           " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9,"
                           " ?10, ?11, ?12, ?13)"
                           " ON CONFLICT (callid) DO NOTHING",
                           -1, &stmt, NULL) != SQLITE_OK)
        return sqlite_sqlx_fail(db, cause, "preparing a statement");
    for (i = 0; i < n && rc == C311_OK; i++) {
        bind_call(stmt, &rows[i]);
        if (sqlite3_step(stmt) != SQLITE_DONE)
            rc = sqlite_sqlx_fail(db, cause, "storing a call");
        done[i] = sqlite3_changes(db) > 0;
        sqlite3_reset(stmt);
    }
    sqlite3_finalize(stmt);
    return rc;
}

/* Column i as text, or NULL. */
static const char *
col_text(sqlite3_stmt *stmt, int i)
{
    return (const char *)sqlite3_column_text(stmt, i);
}

enum c311_rc
store__sqlite_calls_scan(struct sqlx *x, int64_t from, int64_t to,
                         store__call_cells_fn fn, void *arg, char **cause)
{
    sqlite3 *db = x->conn;
    struct store__call_cells c;
    sqlite3_stmt *stmt = NULL;
    enum c311_rc rc = C311_OK;
    int step;

    if (sqlite3_prepare_v2(db,
                           "SELECT id, callid, caller,"
                           " CASE WHEN legs IS NULL THEN events END, legs"
                           " FROM call WHERE entered_at >= ?1"
                           " AND entered_at < ?2 ORDER BY entered_at, id",
                           -1, &stmt, NULL) != SQLITE_OK)
        return sqlite_sqlx_fail(db, cause, "preparing a statement");
    sqlite3_bind_int64(stmt, 1, from);
    sqlite3_bind_int64(stmt, 2, to);
    while (rc == C311_OK && (step = sqlite3_step(stmt)) == SQLITE_ROW) {
        c.id = sqlite3_column_int64(stmt, 0);
        c.callid = col_text(stmt, 1);
        c.caller = col_text(stmt, 2);
        c.events = col_text(stmt, 3);
        c.legs = col_text(stmt, 4);
        rc = fn(arg, &c);
    }
    if (rc == C311_OK && step != SQLITE_DONE)
        rc = sqlite_sqlx_fail(db, cause, "reading calls");
    sqlite3_finalize(stmt);
    return rc;
}
