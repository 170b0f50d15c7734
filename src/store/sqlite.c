/* SPDX-License-Identifier: MIT */
/*
 * The SQLite back end. One write connection, guarded by a mutex, runs every
 * write as BEGIN IMMEDIATE ... COMMIT and reports success only once COMMIT
 * has returned; a pool of read connections, handed out under a mutex and a
 * condition variable, serves reads in parallel thanks to WAL mode. Each
 * connection is used by one thread at a time and keeps its own cache of
 * prepared statements. Every value reaches SQLite as a bound parameter.
 *
 * Text fields that are NULL or empty are stored as NULL and come back as
 * NULL pointers; instants that are 0 ("unknown") are stored as NULL.
 */
#include <inttypes.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/geo.h"
#include "store/backend.h"
#include "store/columns.h"
#include "store/import_backend.h"
#include "store/sqlite_schema.h"
#include "store/sqlite_shared.h"
#include "util/buf.h"

#define SQLITE_DEFAULT_READERS 4
#define SQLITE_BUSY_MS         5000
#define SQLITE_QUERY_SQL_MAX   (256 * 1024)
#define SQLITE_MMAP_BYTES      "1073741824"

/* The statements each connection may cache, by index into stmt_sql[]. */
enum stmt_id {
    ST_BEGIN,
    ST_COMMIT,
    ST_ROLLBACK,
    ST_REQ_INSERT,
    ST_REQ_SET_PUBLIC_ID,
    ST_ATTR_INSERT,
    ST_EVENT_CREATED,
    ST_REQ_BY_PUBLIC_ID,
    ST_REQ_BY_TOKEN,
    ST_ATTRS_OF,
    ST_KEY_ADD,
    ST_KEY_FIND,
    ST_KEY_LIST,
    ST_KEY_REVOKE,
    ST_COUNT
};

static const char *const stmt_sql[ST_COUNT] = {
    [ST_BEGIN] = "BEGIN IMMEDIATE",
    [ST_COMMIT] = "COMMIT",
    [ST_ROLLBACK] = "ROLLBACK",
    /* Parameters follow REQ_COLUMNS without id: ?1 is public_id. */
    [ST_REQ_INSERT] =
        "INSERT INTO request (public_id, jurisdiction_id, service_code,"
        " service_name, status, status_notes, description,"
        " agency_responsible, service_notice, requested_at, updated_at,"
        " expected_at, closed_at, lat, lon, address, address_id, zipcode,"
        " media_url, channel, language, api_key_name, email, phone,"
        " first_name, last_name, device_id, account_id, token)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,"
        " ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26,"
        " ?27, ?28, ?29)",
    [ST_REQ_SET_PUBLIC_ID] = "UPDATE request SET public_id = ?2 WHERE id = ?1",
    [ST_ATTR_INSERT] = "INSERT INTO request_attr (request_id, seq, code, value)"
                       " VALUES (?1, ?2, ?3, ?4)",
    [ST_EVENT_CREATED] =
        "INSERT INTO event (request_id, jurisdiction_id, at, actor, kind,"
        " public, after_json)"
        " SELECT id, jurisdiction_id, requested_at,"
        " coalesce('api_key:' || api_key_name, channel), 'created', 1,"
        " json_object('public_id', public_id, 'service_code', service_code,"
        " 'status', status, 'description', description, 'lat', lat,"
        " 'lon', lon, 'address', address, 'channel', channel)"
        " FROM request WHERE id = ?1",
    [ST_REQ_BY_PUBLIC_ID] =
        "SELECT " REQ_COLUMNS " FROM request WHERE public_id = ?1",
    [ST_REQ_BY_TOKEN] = "SELECT " REQ_COLUMNS " FROM request WHERE token = ?1",
    /* Answers filed here, or the source columns of an import. */
    [ST_ATTRS_OF] = "SELECT code, value FROM ("
                    " SELECT 0 AS part, seq, code, value FROM request_attr"
                    " WHERE request_id = ?1"
                    " UNION ALL SELECT 1, j.id, j.key, j.value"
                    " FROM request_import i, json_each(i.attrs) j"
                    " WHERE i.request_id = ?1) ORDER BY part, seq",
    [ST_KEY_ADD] = "INSERT INTO api_key (name, prefix, hash, created_at)"
                   " VALUES (?1, ?2, ?3, ?4)",
    [ST_KEY_FIND] = "SELECT " KEY_COLUMNS " FROM api_key"
                    " WHERE hash = ?1 AND revoked_at IS NULL",
    [ST_KEY_LIST] = "SELECT " KEY_COLUMNS " FROM api_key ORDER BY id",
    [ST_KEY_REVOKE] = "UPDATE api_key SET revoked_at = ?2"
                      " WHERE name = ?1 AND revoked_at IS NULL",
};

struct conn {
    sqlite3 *db;
    sqlite3_stmt *stmts[ST_COUNT]; /* prepared on first use */
};

struct sqlite_store {
    struct conn writer;
    pthread_mutex_t write_lock;

    struct conn *readers;
    size_t nreaders;
    struct conn **idle; /* stack of readers not in use */
    size_t nidle;
    pthread_mutex_t read_lock;
    pthread_cond_t read_ready;

    int version;
};

/* ---- connections and errors ---- */

/*
 * Turns the last error on db into a status and a cause naming what was
 * being done. Unique-key violations are conflicts, other constraint
 * violations invalid input, a busy database unavailability.
 */
static enum c311_rc
db_fail(sqlite3 *db, char **cause, const char *what)
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

/* Runs a pragma or other statement that needs no parameters. */
static enum c311_rc
conn_exec(struct conn *c, const char *sql, char **cause)
{
    if (sqlite3_exec(c->db, sql, NULL, NULL, NULL) == SQLITE_OK)
        return C311_OK;
    return db_fail(c->db, cause, sql);
}

/* Switches the connection to WAL mode, which SQLite reports back. */
static enum c311_rc
conn_enable_wal(struct conn *c, char **cause)
{
    sqlite3_stmt *stmt = NULL;
    const unsigned char *mode;
    enum c311_rc rc = C311_OK;

    if (sqlite3_prepare_v2(c->db, "PRAGMA journal_mode = WAL", -1, &stmt,
                           NULL) != SQLITE_OK ||
        sqlite3_step(stmt) != SQLITE_ROW) {
        rc = db_fail(c->db, cause, "switching to WAL mode");
        goto out;
    }
    mode = sqlite3_column_text(stmt, 0);
    if (mode == NULL || strcmp((const char *)mode, "wal") != 0)
        rc = store__fail(cause, C311_ERR_DB,
                         "database cannot use WAL mode (journal mode '%s')",
                         mode != NULL ? (const char *)mode : "?");
out:
    sqlite3_finalize(stmt);
    return rc;
}

/*
 * SQL function c311_distance_m(lat1, lon1, lat2, lon2): the great-circle
 * distance in metres, NULL when a coordinate is NULL.
 */
static void
sql_distance_m(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    int i;

    for (i = 0; i < argc; i++) {
        if (sqlite3_value_type(argv[i]) == SQLITE_NULL) {
            sqlite3_result_null(ctx);
            return;
        }
    }
    sqlite3_result_double(ctx, geo_distance_m(sqlite3_value_double(argv[0]),
                                              sqlite3_value_double(argv[1]),
                                              sqlite3_value_double(argv[2]),
                                              sqlite3_value_double(argv[3])));
}

/*
 * Opens one connection to path with the settings every connection shares.
 * The writer creates the file and enables WAL; readers refuse writes.
 */
static enum c311_rc
conn_open(struct conn *c, const char *path, bool synchronous, bool writer,
          char **cause)
{
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
    enum c311_rc rc;

    if (writer)
        flags |= SQLITE_OPEN_CREATE;
    if (sqlite3_open_v2(path, &c->db, flags, NULL) != SQLITE_OK) {
        rc = store__fail(cause, C311_ERR_DB, "cannot open '%s': %s", path,
                         c->db != NULL ? sqlite3_errmsg(c->db)
                                       : "out of memory");
        sqlite3_close(c->db);
        c->db = NULL;
        return rc;
    }
    sqlite3_extended_result_codes(c->db, 1);
    sqlite3_busy_timeout(c->db, SQLITE_BUSY_MS);
    if (sqlite3_create_function_v2(
            c->db, "c311_distance_m", 4, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
            NULL, sql_distance_m, NULL, NULL, NULL) != SQLITE_OK)
        return store__fail(cause, C311_ERR_DB, "cannot add SQL functions: %s",
                           sqlite3_errmsg(c->db));

    if (writer && (rc = conn_enable_wal(c, cause)) != C311_OK)
        return rc;
    rc = conn_exec(c, "PRAGMA foreign_keys = ON", cause);
    if (rc == C311_OK)
        rc = conn_exec(c,
                       synchronous ? "PRAGMA synchronous = FULL"
                                   : "PRAGMA synchronous = NORMAL",
                       cause);
    if (rc == C311_OK && !writer)
        rc = conn_exec(c, "PRAGMA query_only = ON", cause);
    /*
     * Read pages through a shared memory map instead of a read() each:
     * searches touch many pages of large indexes (knowledge base).
     */
    if (rc == C311_OK)
        rc = conn_exec(c, "PRAGMA mmap_size = " SQLITE_MMAP_BYTES, cause);
    return rc;
}

/* Finalizes the cached statements and closes the connection. */
static void
conn_close(struct conn *c)
{
    size_t i;

    for (i = 0; i < ST_COUNT; i++) {
        sqlite3_finalize(c->stmts[i]);
        c->stmts[i] = NULL;
    }
    sqlite3_close(c->db);
    c->db = NULL;
}

/* Hands out the cached statement id of c, preparing it on first use. */
static enum c311_rc
conn_stmt(struct conn *c, enum stmt_id id, sqlite3_stmt **out, char **cause)
{
    if (c->stmts[id] == NULL &&
        sqlite3_prepare_v3(c->db, stmt_sql[id], -1, SQLITE_PREPARE_PERSISTENT,
                           &c->stmts[id], NULL) != SQLITE_OK)
        return db_fail(c->db, cause, "preparing a statement");
    *out = c->stmts[id];
    return C311_OK;
}

/* Makes a cached statement ready for its next use. */
static void
stmt_done(sqlite3_stmt *stmt)
{
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
}

/* Steps a statement that returns no rows, then resets it. */
static enum c311_rc
stmt_run(struct conn *c, sqlite3_stmt *stmt, const char *what, char **cause)
{
    enum c311_rc rc = C311_OK;

    if (sqlite3_step(stmt) != SQLITE_DONE)
        rc = db_fail(c->db, cause, what);
    stmt_done(stmt);
    return rc;
}

/* Runs the cached parameterless statement id (BEGIN, COMMIT, ROLLBACK). */
static enum c311_rc
conn_run(struct conn *c, enum stmt_id id, const char *what, char **cause)
{
    sqlite3_stmt *stmt;
    enum c311_rc rc;

    rc = conn_stmt(c, id, &stmt, cause);
    if (rc != C311_OK)
        return rc;
    return stmt_run(c, stmt, what, cause);
}

/* Binds s, or NULL when s is NULL or empty. */
static int
bind_text(sqlite3_stmt *stmt, int i, const char *s)
{
    if (s == NULL || *s == '\0')
        return sqlite3_bind_null(stmt, i);
    return sqlite3_bind_text(stmt, i, s, -1, SQLITE_STATIC);
}

/* Binds t, or NULL when t is 0 (an unknown instant). */
static int
bind_instant(sqlite3_stmt *stmt, int i, int64_t t)
{
    if (t == 0)
        return sqlite3_bind_null(stmt, i);
    return sqlite3_bind_int64(stmt, i, t);
}

/* ---- the pool ---- */

/* Takes the write connection and starts an IMMEDIATE transaction. */
static enum c311_rc
write_begin(struct sqlite_store *s, char **cause)
{
    enum c311_rc rc;

    pthread_mutex_lock(&s->write_lock);
    rc = conn_run(&s->writer, ST_BEGIN, "starting a transaction", cause);
    if (rc != C311_OK)
        pthread_mutex_unlock(&s->write_lock);
    return rc;
}

/*
 * Commits when rc is C311_OK, rolls back otherwise (or when COMMIT fails),
 * and gives the write connection back. Returns the final status.
 */
static enum c311_rc
write_end(struct sqlite_store *s, enum c311_rc rc, char **cause)
{
    struct conn *c = &s->writer;

    if (rc == C311_OK)
        rc = conn_run(c, ST_COMMIT, "committing", cause);
    if (rc != C311_OK && !sqlite3_get_autocommit(c->db))
        conn_run(c, ST_ROLLBACK, "rolling back", NULL);
    pthread_mutex_unlock(&s->write_lock);
    return rc;
}

/* Takes a read connection, waiting until one is free. */
static struct conn *
reader_get(struct sqlite_store *s)
{
    struct conn *c;

    pthread_mutex_lock(&s->read_lock);
    while (s->nidle == 0)
        pthread_cond_wait(&s->read_ready, &s->read_lock);
    c = s->idle[--s->nidle];
    pthread_mutex_unlock(&s->read_lock);
    return c;
}

/* Gives a read connection back to the pool. */
static void
reader_put(struct sqlite_store *s, struct conn *c)
{
    pthread_mutex_lock(&s->read_lock);
    s->idle[s->nidle++] = c;
    pthread_cond_signal(&s->read_ready);
    pthread_mutex_unlock(&s->read_lock);
}

/* Closes every connection and frees s; handles a half-opened store. */
static void
sqlite_close(void *impl)
{
    struct sqlite_store *s = impl;
    size_t i;

    if (s == NULL)
        return;
    for (i = 0; i < s->nreaders; i++)
        conn_close(&s->readers[i]);
    conn_close(&s->writer);
    free(s->readers);
    free(s->idle);
    pthread_mutex_destroy(&s->write_lock);
    pthread_mutex_destroy(&s->read_lock);
    pthread_cond_destroy(&s->read_ready);
    free(s);
}

/* Opens the readers once the writer has created and migrated the file. */
static enum c311_rc
open_readers(struct sqlite_store *s, const char *path, size_t n,
             bool synchronous, char **cause)
{
    enum c311_rc rc;

    s->readers = calloc(n, sizeof(*s->readers));
    s->idle = calloc(n, sizeof(*s->idle));
    if (s->readers == NULL || s->idle == NULL)
        return store__fail(cause, C311_ERR_NOMEM, "out of memory");
    for (; s->nreaders < n; s->nreaders++) {
        rc = conn_open(&s->readers[s->nreaders], path, synchronous, false,
                       cause);
        if (rc != C311_OK) {
            s->nreaders++; /* so that sqlite_close closes it */
            return rc;
        }
        s->idle[s->nidle++] = &s->readers[s->nreaders];
    }
    return C311_OK;
}

/*
 * Builds the indexes a bulk import set aside and did not build again (it
 * was killed, or the machine stopped): the store is whole once open.
 */
static enum c311_rc
restore_indexes(sqlite3 *db, char **cause)
{
    bool pending = false;
    enum c311_rc rc;

    rc = store__sqlite_indexes_pending(db, &pending, cause);
    if (rc != C311_OK || !pending)
        return rc;
    if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return db_fail(db, cause, "rebuilding indexes");
    rc = store__sqlite_indexes_restore(db, cause);
    if (rc == C311_OK && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != 0)
        rc = db_fail(db, cause, "committing rebuilt indexes");
    if (rc != C311_OK)
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

/*
 * Checks that path holds a store already, creating nothing: the file must
 * be there and have the migration table every created store has.
 */
static enum c311_rc
store_exists(const char *path, char **cause)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;
    bool found = false;

    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db,
                           "SELECT 1 FROM sqlite_master WHERE type = 'table'"
                           " AND name = 'schema_migration'",
                           -1, &stmt, NULL) == SQLITE_OK)
        found = sqlite3_step(stmt) == SQLITE_ROW;
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    if (!found)
        return store__fail(cause, C311_ERR_NOT_FOUND,
                           "no store at '%s'; import or serve first", path);
    return C311_OK;
}

/* Opens path (creating it), migrates it and fills the read pool. */
static enum c311_rc
sqlite_open(const char *path, const struct store_options *opt, void **impl,
            char **cause)
{
    struct sqlite_store *s;
    enum c311_rc rc;

    *impl = NULL;
    if (!sqlite3_threadsafe())
        return store__fail(cause, C311_ERR_DB,
                           "the SQLite library was built without threads");
    if (opt->existing && (rc = store_exists(path, cause)) != C311_OK)
        return rc;
    s = calloc(1, sizeof(*s));
    if (s == NULL)
        return store__fail(cause, C311_ERR_NOMEM, "out of memory");
    pthread_mutex_init(&s->write_lock, NULL);
    pthread_mutex_init(&s->read_lock, NULL);
    pthread_cond_init(&s->read_ready, NULL);

    rc = conn_open(&s->writer, path, opt->synchronous, true, cause);
    if (rc != C311_OK)
        goto fail;
    rc = store__sqlite_migrate(s->writer.db, &s->version, cause);
    if (rc != C311_OK)
        goto fail;
    rc = restore_indexes(s->writer.db, cause);
    if (rc != C311_OK)
        goto fail;
    rc = open_readers(s, path,
                      opt->readers > 0 ? opt->readers : SQLITE_DEFAULT_READERS,
                      opt->synchronous, cause);
    if (rc != C311_OK)
        goto fail;
    *impl = s;
    return C311_OK;

fail:
    sqlite_close(s);
    return rc;
}

/* Schema version read when the store was opened. */
static int
sqlite_schema_version(void *impl)
{
    return ((struct sqlite_store *)impl)->version;
}

/* ---- reading rows ---- */

/* Copies column values into an arena, remembering any allocation failure. */
struct row {
    sqlite3_stmt *stmt;
    struct arena *a;
    bool oom;
};

/* Returns column i as an arena string, or NULL when the column is NULL. */
static const char *
row_text(struct row *r, int i)
{
    const unsigned char *t = sqlite3_column_text(r->stmt, i);
    char *s;

    if (t == NULL)
        return NULL;
    s = arena_strndup(r->a, (const char *)t, sqlite3_column_bytes(r->stmt, i));
    if (s == NULL)
        r->oom = true;
    return s;
}

/* Fills req from the current row of a statement selecting REQ_COLUMNS. */
static enum c311_rc
read_request(sqlite3_stmt *stmt, struct arena *a, struct sr *req)
{
    struct row r = {stmt, a, false};
    const char *status;

    memset(req, 0, sizeof(*req));
    req->id = sqlite3_column_int64(stmt, COL_ID);
    req->public_id = row_text(&r, COL_PUBLIC_ID);
    req->jurisdiction_id = row_text(&r, COL_JURISDICTION_ID);
    req->service_code = row_text(&r, COL_SERVICE_CODE);
    req->service_name = row_text(&r, COL_SERVICE_NAME);
    status = (const char *)sqlite3_column_text(stmt, COL_STATUS);
    req->status =
        status != NULL && strcmp(status, "closed") == 0 ? SR_CLOSED : SR_OPEN;
    req->status_notes = row_text(&r, COL_STATUS_NOTES);
    req->description = row_text(&r, COL_DESCRIPTION);
    req->agency_responsible = row_text(&r, COL_AGENCY_RESPONSIBLE);
    req->service_notice = row_text(&r, COL_SERVICE_NOTICE);
    req->requested_at = sqlite3_column_int64(stmt, COL_REQUESTED_AT);
    req->updated_at = sqlite3_column_int64(stmt, COL_UPDATED_AT);
    req->expected_at = sqlite3_column_int64(stmt, COL_EXPECTED_AT);
    req->closed_at = sqlite3_column_int64(stmt, COL_CLOSED_AT);
    req->has_location = sqlite3_column_type(stmt, COL_LAT) != SQLITE_NULL;
    req->lat = sqlite3_column_double(stmt, COL_LAT);
    req->lon = sqlite3_column_double(stmt, COL_LON);
    req->address = row_text(&r, COL_ADDRESS);
    req->address_id = row_text(&r, COL_ADDRESS_ID);
    req->zipcode = row_text(&r, COL_ZIPCODE);
    req->media_url = row_text(&r, COL_MEDIA_URL);
    req->channel = row_text(&r, COL_CHANNEL);
    req->language = row_text(&r, COL_LANGUAGE);
    req->api_key_name = row_text(&r, COL_API_KEY_NAME);
    req->email = row_text(&r, COL_EMAIL);
    req->phone = row_text(&r, COL_PHONE);
    req->first_name = row_text(&r, COL_FIRST_NAME);
    req->last_name = row_text(&r, COL_LAST_NAME);
    req->device_id = row_text(&r, COL_DEVICE_ID);
    req->account_id = row_text(&r, COL_ACCOUNT_ID);
    req->token = row_text(&r, COL_TOKEN);
    return r.oom ? C311_ERR_NOMEM : C311_OK;
}

/*
 * Makes room for one more element in an arena array of *cap elements of
 * size bytes holding n; returns the (possibly moved) array or NULL.
 */
static void *
array_grow(struct arena *a, void *v, size_t n, size_t *cap, size_t size)
{
    void *bigger;

    if (n < *cap)
        return v;
    *cap = *cap == 0 ? 8 : *cap * 2;
    bigger = arena_alloc(a, *cap * size);
    if (bigger != NULL && n > 0)
        memcpy(bigger, v, n * size);
    return bigger;
}

/* Loads the answers of req, in the order they were given. */
static enum c311_rc
read_attrs(struct conn *c, struct sr *req, struct arena *a, char **cause)
{
    struct row r = {NULL, a, false};
    sqlite3_stmt *stmt;
    size_t cap = 0;
    enum c311_rc rc;
    int step;

    rc = conn_stmt(c, ST_ATTRS_OF, &stmt, cause);
    if (rc != C311_OK)
        return rc;
    r.stmt = stmt;
    sqlite3_bind_int64(stmt, 1, req->id);
    while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
        req->attrs =
            array_grow(a, req->attrs, req->nattrs, &cap, sizeof(*req->attrs));
        if (req->attrs == NULL) {
            r.oom = true;
            break;
        }
        req->attrs[req->nattrs].code = row_text(&r, 0);
        req->attrs[req->nattrs].value = row_text(&r, 1);
        req->nattrs++;
    }
    if (r.oom)
        rc = store__fail(cause, C311_ERR_NOMEM, "out of memory");
    else if (step != SQLITE_DONE)
        rc = db_fail(c->db, cause, "reading answers");
    stmt_done(stmt);
    return rc;
}

/* Loads the one request selected by statement id with key, and its answers. */
static enum c311_rc
get_one(struct sqlite_store *s, enum stmt_id id, const char *key,
        struct arena *a, struct sr **out, char **cause)
{
    struct conn *c = reader_get(s);
    sqlite3_stmt *stmt;
    struct sr *req = NULL;
    enum c311_rc rc;
    int step;

    *out = NULL;
    rc = conn_stmt(c, id, &stmt, cause);
    if (rc != C311_OK)
        goto out;
    sqlite3_bind_text(stmt, 1, key, -1, SQLITE_STATIC);
    step = sqlite3_step(stmt);
    if (step == SQLITE_DONE)
        rc = store__fail(cause, C311_ERR_NOT_FOUND, "no request '%s'", key);
    else if (step != SQLITE_ROW)
        rc = db_fail(c->db, cause, "reading a request");
    else if ((req = arena_alloc(a, sizeof(*req))) == NULL ||
             read_request(stmt, a, req) != C311_OK)
        rc = store__fail(cause, C311_ERR_NOMEM, "out of memory");
    stmt_done(stmt);
    if (rc == C311_OK)
        rc = read_attrs(c, req, a, cause);
    if (rc == C311_OK)
        *out = req;
out:
    reader_put(s, c);
    return rc;
}

/* Loads a request by public id. */
static enum c311_rc
sqlite_request_get(void *impl, const char *public_id, struct arena *a,
                   struct sr **out, char **cause)
{
    return get_one(impl, ST_REQ_BY_PUBLIC_ID, public_id, a, out, cause);
}

/* Loads a request by batch token. */
static enum c311_rc
sqlite_request_by_token(void *impl, const char *token, struct arena *a,
                        struct sr **out, char **cause)
{
    return get_one(impl, ST_REQ_BY_TOKEN, token, a, out, cause);
}

/* ---- writing requests ---- */

/* Binds every stored field of req to ST_REQ_INSERT (?1 .. ?29). */
static int
bind_request(sqlite3_stmt *stmt, const struct sr *req)
{
    int rc = SQLITE_OK;

    rc |= bind_text(stmt, 1, req->public_id);
    rc |= bind_text(stmt, 2, req->jurisdiction_id);
    rc |= bind_text(stmt, 3, req->service_code);
    rc |= bind_text(stmt, 4, req->service_name);
    rc |=
        sqlite3_bind_text(stmt, 5, req->status == SR_CLOSED ? "closed" : "open",
                          -1, SQLITE_STATIC);
    rc |= bind_text(stmt, 6, req->status_notes);
    rc |= bind_text(stmt, 7, req->description);
    rc |= bind_text(stmt, 8, req->agency_responsible);
    rc |= bind_text(stmt, 9, req->service_notice);
    rc |= sqlite3_bind_int64(stmt, 10, req->requested_at);
    rc |= sqlite3_bind_int64(stmt, 11, req->updated_at);
    rc |= bind_instant(stmt, 12, req->expected_at);
    rc |= bind_instant(stmt, 13, req->closed_at);
    if (req->has_location) {
        rc |= sqlite3_bind_double(stmt, 14, req->lat);
        rc |= sqlite3_bind_double(stmt, 15, req->lon);
    }
    rc |= bind_text(stmt, 16, req->address);
    rc |= bind_text(stmt, 17, req->address_id);
    rc |= bind_text(stmt, 18, req->zipcode);
    rc |= bind_text(stmt, 19, req->media_url);
    rc |= bind_text(stmt, 20, req->channel);
    rc |= bind_text(stmt, 21, req->language);
    rc |= bind_text(stmt, 22, req->api_key_name);
    rc |= bind_text(stmt, 23, req->email);
    rc |= bind_text(stmt, 24, req->phone);
    rc |= bind_text(stmt, 25, req->first_name);
    rc |= bind_text(stmt, 26, req->last_name);
    rc |= bind_text(stmt, 27, req->device_id);
    rc |= bind_text(stmt, 28, req->account_id);
    rc |= bind_text(stmt, 29, req->token);
    return rc;
}

/* Inserts the request row and returns its row id in *id. */
static enum c311_rc
insert_row(struct conn *c, const struct sr *req, int64_t *id, char **cause)
{
    sqlite3_stmt *stmt;
    enum c311_rc rc;

    rc = conn_stmt(c, ST_REQ_INSERT, &stmt, cause);
    if (rc != C311_OK)
        return rc;
    if (bind_request(stmt, req) != SQLITE_OK) {
        rc = db_fail(c->db, cause, "binding a request");
        stmt_done(stmt);
        return rc;
    }
    rc = stmt_run(c, stmt, "storing a request", cause);
    *id = sqlite3_last_insert_rowid(c->db);
    return rc;
}

/* Sets the public id "YYYY-NNNNNN" of row id, allocated in a. */
static enum c311_rc
assign_public_id(struct conn *c, int64_t id, int64_t requested_at,
                 struct arena *a, const char **out, char **cause)
{
    time_t t = (time_t)requested_at;
    sqlite3_stmt *stmt;
    struct tm tm;
    enum c311_rc rc;
    char *pid;

    if (localtime_r(&t, &tm) == NULL)
        return store__fail(cause, C311_ERR_INVALID,
                           "requested_at is out of range");
    pid = arena_printf(a, "%04d-%06" PRId64, tm.tm_year + 1900, id);
    if (pid == NULL)
        return store__fail(cause, C311_ERR_NOMEM, "out of memory");

    rc = conn_stmt(c, ST_REQ_SET_PUBLIC_ID, &stmt, cause);
    if (rc != C311_OK)
        return rc;
    sqlite3_bind_int64(stmt, 1, id);
    sqlite3_bind_text(stmt, 2, pid, -1, SQLITE_STATIC);
    rc = stmt_run(c, stmt, "assigning a public id", cause);
    if (rc == C311_OK)
        *out = pid;
    return rc;
}

/* Stores the answers of req under row id, numbered in their order. */
static enum c311_rc
insert_attrs(struct conn *c, int64_t id, const struct sr *req, char **cause)
{
    sqlite3_stmt *stmt;
    enum c311_rc rc;
    size_t i;

    if (req->nattrs == 0)
        return C311_OK;
    rc = conn_stmt(c, ST_ATTR_INSERT, &stmt, cause);
    for (i = 0; rc == C311_OK && i < req->nattrs; i++) {
        if (req->attrs[i].code == NULL || req->attrs[i].value == NULL)
            return store__fail(cause, C311_ERR_INVALID,
                               "answer %zu has no code or value", i + 1);
        sqlite3_bind_int64(stmt, 1, id);
        sqlite3_bind_int64(stmt, 2, (int64_t)i);
        sqlite3_bind_text(stmt, 3, req->attrs[i].code, -1, SQLITE_STATIC);
        sqlite3_bind_text(stmt, 4, req->attrs[i].value, -1, SQLITE_STATIC);
        rc = stmt_run(c, stmt, "storing an answer", cause);
    }
    return rc;
}

/* Appends the "created" event of row id to the history. */
static enum c311_rc
insert_created_event(struct conn *c, int64_t id, char **cause)
{
    sqlite3_stmt *stmt;
    enum c311_rc rc;

    rc = conn_stmt(c, ST_EVENT_CREATED, &stmt, cause);
    if (rc != C311_OK)
        return rc;
    sqlite3_bind_int64(stmt, 1, id);
    return stmt_run(c, stmt, "recording the creation", cause);
}

/* Runs what the rest of the store adds to a new request, on the writer. */
static enum c311_rc
filed_hook(struct sqlite_store *s, const struct sr *req, int64_t id,
           struct arena *a, char **cause)
{
    struct sqlx x = {store__sqlite_exec, s->writer.db, s, a, false};

    return store__request_filed(&x, req, id, cause);
}

/* Gives a clearer cause for the two unique columns a client can clash on. */
static enum c311_rc
insert_conflict(char **cause)
{
    if (cause != NULL && *cause != NULL && strstr(*cause, "request.token")) {
        free(*cause);
        return store__fail(cause, C311_ERR_CONFLICT,
                           "a request with this token exists already");
    }
    if (cause != NULL && *cause != NULL &&
        strstr(*cause, "request.public_id")) {
        free(*cause);
        return store__fail(cause, C311_ERR_CONFLICT,
                           "a request with this public id exists already");
    }
    return C311_ERR_CONFLICT;
}

/* Refuses a request that lacks what every stored request has. */
static enum c311_rc
check_insert(const struct sr *req, char **cause)
{
    if (req->service_code == NULL || *req->service_code == '\0')
        return store__fail(cause, C311_ERR_INVALID, "request has no service");
    if (req->requested_at == 0 || req->updated_at == 0)
        return store__fail(cause, C311_ERR_INVALID,
                           "request has no requested_at or updated_at");
    if (req->nattrs > 0 && req->attrs == NULL)
        return store__fail(cause, C311_ERR_INVALID, "answers are missing");
    return C311_OK;
}

/*
 * Inserts req, its public id, answers, "created" event and what the rest
 * of the store adds to a new request, on the writer.
 */
static enum c311_rc
insert_all(struct sqlite_store *s, const struct sr *req, struct arena *a,
           int64_t *id, const char **pid, char **cause)
{
    struct conn *c = &s->writer;
    enum c311_rc rc;

    *pid = req->public_id;
    rc = insert_row(c, req, id, cause);
    if (rc == C311_OK && (*pid == NULL || **pid == '\0'))
        rc = assign_public_id(c, *id, req->requested_at, a, pid, cause);
    if (rc == C311_OK)
        rc = insert_attrs(c, *id, req, cause);
    if (rc == C311_OK)
        rc = insert_created_event(c, *id, cause);
    if (rc == C311_OK)
        rc = filed_hook(s, req, *id, a, cause);
    return rc;
}

/*
 * Inserts req with its answers and its "created" event in one transaction;
 * req->id and a generated req->public_id are set only once it committed.
 */
static enum c311_rc
sqlite_request_insert(void *impl, struct sr *req, struct arena *a, char **cause)
{
    struct sqlite_store *s = impl;
    const char *pid = NULL;
    enum c311_rc rc;
    int64_t id = 0;

    if ((rc = check_insert(req, cause)) != C311_OK)
        return rc;
    rc = write_begin(s, cause);
    if (rc != C311_OK)
        return rc;
    rc = insert_all(s, req, a, &id, &pid, cause);
    rc = write_end(s, rc, cause);
    if (rc == C311_ERR_CONFLICT)
        return insert_conflict(cause);
    if (rc != C311_OK)
        return rc;
    req->id = id;
    req->public_id = pid;
    return C311_OK;
}

/*
 * Inserts req inside the write transaction of x; req->id and its public id
 * are set at once, and stand only if the transaction commits.
 */
static enum c311_rc
sqlite_request_insert_x(struct sqlx *x, struct sr *req, char **cause)
{
    struct sqlite_store *s = x->store;
    const char *pid = NULL;
    enum c311_rc rc;
    int64_t id = 0;

    if ((rc = check_insert(req, cause)) != C311_OK)
        return rc;
    if (x->conn != s->writer.db || sqlite3_get_autocommit(s->writer.db))
        return store__fail(cause, C311_ERR_INTERNAL,
                           "a request is inserted in a write transaction");
    rc = insert_all(s, req, x->a, &id, &pid, cause);
    if (rc == C311_ERR_CONFLICT)
        return insert_conflict(cause);
    if (rc != C311_OK)
        return rc;
    req->id = id;
    req->public_id = pid;
    return C311_OK;
}

/* ---- querying requests ---- */

/* One bound value of a dynamic query: text when s is set, else integer. */
struct param {
    const char *s;
    int64_t i;
    double d;
    bool is_double;
};

/* Appends " AND column IN (?, ?, ...)" and the values to bind. */
static void
where_in(struct buf *sql, const char *column, const char **v, size_t n,
         struct param *p, size_t *np)
{
    size_t i;

    buf_printf(sql, " AND %s IN (", column);
    for (i = 0; i < n; i++) {
        buf_puts(sql, i == 0 ? "?" : ", ?");
        p[(*np)++].s = v[i] != NULL ? v[i] : "";
    }
    buf_putc(sql, ')');
}

/* Appends " AND column op ?" when t is set. */
static void
where_instant(struct buf *sql, const char *cond, int64_t t, struct param *p,
              size_t *np)
{
    if (t == 0)
        return;
    buf_printf(sql, " AND %s ?", cond);
    p[(*np)++].i = t;
}

/* Appends the box on (lat, lon) that the index serves, then the circle. */
static void
where_near(struct buf *sql, const struct sr_query *q, struct param *p,
           size_t *np)
{
    struct geo_box b = geo_box_around(q->near_lat, q->near_lon, q->near_m);
    double v[] = {b.min_lat,   b.max_lat,   b.min_lon, b.max_lon,
                  q->near_lat, q->near_lon, q->near_m};
    size_t i;

    buf_puts(sql, " AND lat BETWEEN ? AND ? AND lon BETWEEN ? AND ?"
                  " AND c311_distance_m(lat, lon, ?, ?) <= ?");
    for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        p[*np].d = v[i];
        p[*np].is_double = true;
        (*np)++;
    }
}

/*
 * Writes the SELECT for q into sql and the values for its parameters, in
 * order, into p. The jurisdiction is a scope, so it applies even when
 * public ids turn the other filters off.
 */
static void
build_query(const struct sr_query *q, struct buf *sql, struct param *p,
            size_t *np)
{
    buf_puts(sql, "SELECT " REQ_COLUMNS " FROM request");
    /*
     * A client polling for changes asks for a short span of updated_at
     * inside the default 90-day window of requested_at. The planner
     * prefers walking requested_at in order and tests updated_at row by
     * row, tens of thousands of rows on a large store; the span of
     * updated_at itself holds few rows, and sorting them is cheap.
     */
    if (q->npublic_ids == 0 && q->near)
        buf_puts(sql, " INDEXED BY request_location");
    else if (q->npublic_ids == 0 &&
             (q->updated_from != 0 || q->updated_to != 0))
        buf_puts(sql, " INDEXED BY request_updated");
    buf_puts(sql, " WHERE 1 = 1");
    if (q->jurisdiction_id != NULL) {
        buf_puts(sql, " AND jurisdiction_id = ?");
        p[(*np)++].s = q->jurisdiction_id;
    }
    if (q->npublic_ids > 0) {
        where_in(sql, "public_id", q->public_ids, q->npublic_ids, p, np);
    } else {
        if (q->nservice_codes > 0)
            where_in(sql, "service_code", q->service_codes, q->nservice_codes,
                     p, np);
        if (q->want_open && !q->want_closed)
            buf_puts(sql, " AND status = 'open'");
        if (q->want_closed && !q->want_open)
            buf_puts(sql, " AND status = 'closed'");
        where_instant(sql, "requested_at >=", q->requested_from, p, np);
        where_instant(sql, "requested_at <=", q->requested_to, p, np);
        where_instant(sql, "updated_at >=", q->updated_from, p, np);
        where_instant(sql, "updated_at <=", q->updated_to, p, np);
        if (q->near)
            where_near(sql, q, p, np);
    }
    buf_puts(sql, " ORDER BY requested_at DESC, id DESC LIMIT ? OFFSET ?");
    p[(*np)++].i = (int64_t)q->limit;
    p[(*np)++].i = (int64_t)q->offset;
}

/* Binds the values build_query() collected. */
static int
bind_params(sqlite3_stmt *stmt, const struct param *p, size_t np)
{
    int rc = SQLITE_OK;
    size_t i;

    for (i = 0; rc == SQLITE_OK && i < np; i++) {
        if (p[i].s != NULL)
            rc = sqlite3_bind_text(stmt, (int)i + 1, p[i].s, -1, SQLITE_STATIC);
        else if (p[i].is_double)
            rc = sqlite3_bind_double(stmt, (int)i + 1, p[i].d);
        else
            rc = sqlite3_bind_int64(stmt, (int)i + 1, p[i].i);
    }
    return rc;
}

/* Steps through the query, collecting requests into an arena array. */
static enum c311_rc
collect(struct conn *c, sqlite3_stmt *stmt, struct arena *a, struct sr **out,
        size_t *n, char **cause)
{
    struct sr *v = NULL;
    size_t cap = 0;
    int step;

    while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
        v = array_grow(a, v, *n, &cap, sizeof(*v));
        if (v == NULL || read_request(stmt, a, &v[*n]) != C311_OK)
            return store__fail(cause, C311_ERR_NOMEM, "out of memory");
        (*n)++;
    }
    if (step != SQLITE_DONE)
        return db_fail(c->db, cause, "querying requests");
    *out = v;
    return C311_OK;
}

/* Runs a filtered, ordered, paged query built from q. */
static enum c311_rc
sqlite_request_query(void *impl, const struct sr_query *q, struct arena *a,
                     struct sr **out, size_t *n, char **cause)
{
    struct sqlite_store *s = impl;
    struct buf sql = BUF_INIT(SQLITE_QUERY_SQL_MAX);
    sqlite3_stmt *stmt = NULL;
    struct param *p;
    struct conn *c;
    enum c311_rc rc;
    size_t np = 0;

    *out = NULL;
    *n = 0;
    if (q->limit == 0 || q->limit > INT64_MAX || q->offset > INT64_MAX)
        return store__fail(cause, C311_ERR_INVALID,
                           "query limit must be positive");
    p = calloc(q->npublic_ids + q->nservice_codes + 16, sizeof(*p));
    if (p == NULL)
        return store__fail(cause, C311_ERR_NOMEM, "out of memory");
    build_query(q, &sql, p, &np);
    if (sql.failed) {
        rc = store__fail(cause, C311_ERR_TOO_LARGE,
                         "query has too many "
                         "values");
        goto free_params;
    }

    c = reader_get(s);
    if (sqlite3_prepare_v2(c->db, sql.data, -1, &stmt, NULL) != SQLITE_OK)
        rc = db_fail(c->db, cause, "preparing a query");
    else if (bind_params(stmt, p, np) != SQLITE_OK)
        rc = db_fail(c->db, cause, "binding a query");
    else
        rc = collect(c, stmt, a, out, n, cause);
    sqlite3_finalize(stmt);
    reader_put(s, c);
    if (rc != C311_OK) {
        *out = NULL;
        *n = 0;
    }
free_params:
    free(p);
    buf_release(&sql);
    return rc;
}

/* ---- API keys ---- */

/* Fills k from the current row of a statement selecting KEY_COLUMNS. */
static enum c311_rc
read_key(sqlite3_stmt *stmt, struct arena *a, struct api_key *k)
{
    struct row r = {stmt, a, false};

    k->id = sqlite3_column_int64(stmt, 0);
    k->name = row_text(&r, 1);
    k->prefix = row_text(&r, 2);
    k->created_at = sqlite3_column_int64(stmt, 3);
    k->revoked_at = sqlite3_column_int64(stmt, 4);
    return r.oom ? C311_ERR_NOMEM : C311_OK;
}

/* Stores a new active key; the partial unique index rejects a name clash. */
static enum c311_rc
sqlite_apikey_add(void *impl, const char *name, const char *prefix,
                  const char *hash_hex, int64_t now, char **cause)
{
    struct sqlite_store *s = impl;
    sqlite3_stmt *stmt;
    enum c311_rc rc;

    if (name == NULL || *name == '\0' || prefix == NULL || hash_hex == NULL ||
        *hash_hex == '\0')
        return store__fail(cause, C311_ERR_INVALID,
                           "api key needs a name, a prefix and a hash");
    rc = write_begin(s, cause);
    if (rc != C311_OK)
        return rc;
    rc = conn_stmt(&s->writer, ST_KEY_ADD, &stmt, cause);
    if (rc == C311_OK) {
        sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
        sqlite3_bind_text(stmt, 2, prefix, -1, SQLITE_STATIC);
        sqlite3_bind_text(stmt, 3, hash_hex, -1, SQLITE_STATIC);
        sqlite3_bind_int64(stmt, 4, now);
        rc = stmt_run(&s->writer, stmt, "storing an api key", cause);
    }
    rc = write_end(s, rc, cause);
    if (rc == C311_ERR_CONFLICT && cause != NULL) {
        free(*cause);
        return store__fail(cause, rc,
                           "an active api key named '%s' or "
                           "with this hash exists already",
                           name);
    }
    return rc;
}

/* Finds the active key with this hash. */
static enum c311_rc
sqlite_apikey_find(void *impl, const char *hash_hex, struct arena *a,
                   struct api_key *out, char **cause)
{
    struct sqlite_store *s = impl;
    struct conn *c = reader_get(s);
    sqlite3_stmt *stmt;
    enum c311_rc rc;
    int step;

    rc = conn_stmt(c, ST_KEY_FIND, &stmt, cause);
    if (rc != C311_OK)
        goto out;
    sqlite3_bind_text(stmt, 1, hash_hex, -1, SQLITE_STATIC);
    step = sqlite3_step(stmt);
    if (step == SQLITE_DONE)
        rc = store__fail(cause, C311_ERR_NOT_FOUND,
                         "no active api key "
                         "matches");
    else if (step != SQLITE_ROW)
        rc = db_fail(c->db, cause, "finding an api key");
    else if (read_key(stmt, a, out) != C311_OK)
        rc = store__fail(cause, C311_ERR_NOMEM, "out of memory");
    stmt_done(stmt);
out:
    reader_put(s, c);
    return rc;
}

/* Lists every key, revoked ones included, oldest first. */
static enum c311_rc
sqlite_apikey_list(void *impl, struct arena *a, struct api_key **out, size_t *n,
                   char **cause)
{
    struct sqlite_store *s = impl;
    struct conn *c = reader_get(s);
    struct api_key *v = NULL;
    sqlite3_stmt *stmt;
    size_t cap = 0;
    enum c311_rc rc;
    int step;

    *out = NULL;
    *n = 0;
    rc = conn_stmt(c, ST_KEY_LIST, &stmt, cause);
    if (rc != C311_OK)
        goto out;
    while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
        v = array_grow(a, v, *n, &cap, sizeof(*v));
        if (v == NULL || read_key(stmt, a, &v[*n]) != C311_OK)
            break;
        (*n)++;
    }
    if (step == SQLITE_ROW)
        rc = store__fail(cause, C311_ERR_NOMEM, "out of memory");
    else if (step != SQLITE_DONE)
        rc = db_fail(c->db, cause, "listing api keys");
    else
        *out = v;
    stmt_done(stmt);
    if (rc != C311_OK)
        *n = 0;
out:
    reader_put(s, c);
    return rc;
}

/* Marks the active key called name as revoked at now. */
static enum c311_rc
sqlite_apikey_revoke(void *impl, const char *name, int64_t now, char **cause)
{
    struct sqlite_store *s = impl;
    sqlite3_stmt *stmt;
    enum c311_rc rc;

    rc = write_begin(s, cause);
    if (rc != C311_OK)
        return rc;
    rc = conn_stmt(&s->writer, ST_KEY_REVOKE, &stmt, cause);
    if (rc == C311_OK) {
        sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
        sqlite3_bind_int64(stmt, 2, now);
        rc = stmt_run(&s->writer, stmt, "revoking an api key", cause);
    }
    if (rc == C311_OK && sqlite3_changes(s->writer.db) == 0)
        rc = store__fail(cause, C311_ERR_NOT_FOUND,
                         "no active api key named '%s'", name);
    return write_end(s, rc, cause);
}

/* ---- copying whole tables ---- */

#define SQLITE_COPY_SQL_MAX (16 * 1024)

/* Appends "c1, c2, ..." naming the first n columns of t. */
static void
column_list(struct buf *sql, const struct store__table *t, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        buf_printf(sql, "%s%s", i > 0 ? ", " : "", t->cols[i].name);
}

/* Returns column i of the current row as copy text, NULL for SQL NULL. */
static const char *
cell_text(struct row *r, int i, enum store__type type)
{
    char *s = NULL;

    if (sqlite3_column_type(r->stmt, i) == SQLITE_NULL)
        return NULL;
    switch (type) {
    case STORE__INT:
        s = arena_printf(r->a, "%lld",
                         (long long)sqlite3_column_int64(r->stmt, i));
        break;
    case STORE__REAL:
        s = arena_printf(r->a, "%.17g", sqlite3_column_double(r->stmt, i));
        break;
    case STORE__TEXT:
    case STORE__JSON:
        return row_text(r, i);
    }
    if (s == NULL)
        r->oom = true;
    return s;
}

/* Steps through an export query, collecting rows of cells into an array. */
static enum c311_rc
collect_cells(struct conn *c, sqlite3_stmt *stmt, const struct store__table *t,
              struct arena *a, const char ***cells, size_t *n, char **cause)
{
    struct row r = {stmt, a, false};
    const char **v = NULL;
    size_t cap = 0, j;
    int step;

    while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
        v = array_grow(a, v, *n, &cap, t->ncols * sizeof(*v));
        if (v == NULL)
            return store__fail(cause, C311_ERR_NOMEM, "out of memory");
        for (j = 0; j < t->ncols; j++)
            v[*n * t->ncols + j] = cell_text(&r, (int)j, t->cols[j].type);
        if (r.oom)
            return store__fail(cause, C311_ERR_NOMEM, "out of memory");
        (*n)++;
    }
    if (step != SQLITE_DONE)
        return db_fail(c->db, cause, "reading rows to copy");
    *cells = v;
    return C311_OK;
}

/* Reads up to limit rows of t whose key comes after after[], in key order. */
static enum c311_rc
sqlite_export_rows(void *impl, const struct store__table *t,
                   const int64_t after[2], size_t limit, struct arena *a,
                   const char ***cells, size_t *n, char **cause)
{
    struct sqlite_store *s = impl;
    struct buf sql = BUF_INIT(SQLITE_COPY_SQL_MAX);
    sqlite3_stmt *stmt = NULL;
    struct conn *c;
    enum c311_rc rc;
    size_t k;

    buf_puts(&sql, "SELECT ");
    column_list(&sql, t, t->ncols);
    buf_printf(&sql, " FROM %s", t->name);
    if (t->nkey == 0) {
        /* Keyed by text: after[0] rows are already read. */
        buf_puts(&sql, " ORDER BY ");
        column_list(&sql, t, t->nsort);
        buf_puts(&sql, " LIMIT ?3 OFFSET ?1");
    } else {
        buf_puts(&sql, " WHERE (");
        column_list(&sql, t, t->nkey);
        buf_puts(&sql, t->nkey == 2 ? ") > (?1, ?2)" : ") > (?1)");
        buf_puts(&sql, " ORDER BY ");
        column_list(&sql, t, t->nkey);
        buf_puts(&sql, " LIMIT ?3");
    }
    if (sql.failed) {
        buf_release(&sql);
        return store__fail(cause, C311_ERR_NOMEM, "out of memory");
    }

    c = reader_get(s);
    if (sqlite3_prepare_v2(c->db, sql.data, -1, &stmt, NULL) != SQLITE_OK) {
        rc = db_fail(c->db, cause, "preparing a copy");
    } else {
        for (k = 0; k < (t->nkey == 0 ? 1 : t->nkey); k++)
            sqlite3_bind_int64(stmt, (int)k + 1, after[k]);
        sqlite3_bind_int64(stmt, 3, (int64_t)limit);
        rc = collect_cells(c, stmt, t, a, cells, n, cause);
    }
    sqlite3_finalize(stmt);
    reader_put(s, c);
    buf_release(&sql);
    if (rc != C311_OK) {
        *cells = NULL;
        *n = 0;
    }
    return rc;
}

/* Binds copy text v to parameter i as the column's type wants it. */
static bool
bind_cell(sqlite3_stmt *stmt, int i, enum store__type type, const char *v)
{
    char *end;
    long long l;
    double d;

    if (v == NULL)
        return sqlite3_bind_null(stmt, i) == SQLITE_OK;
    switch (type) {
    case STORE__INT:
        l = strtoll(v, &end, 10);
        return *v != '\0' && *end == '\0' &&
               sqlite3_bind_int64(stmt, i, l) == SQLITE_OK;
    case STORE__REAL:
        d = strtod(v, &end);
        return *v != '\0' && *end == '\0' &&
               sqlite3_bind_double(stmt, i, d) == SQLITE_OK;
    case STORE__TEXT:
    case STORE__JSON:
        break;
    }
    return sqlite3_bind_text(stmt, i, v, -1, SQLITE_STATIC) == SQLITE_OK;
}

/* Inserts the rows of cells one by one on the writer, in its transaction. */
static enum c311_rc
insert_cells(struct conn *c, sqlite3_stmt *stmt, const struct store__table *t,
             const char *const *cells, size_t n, char **cause)
{
    const char *const *row;
    enum c311_rc rc = C311_OK;
    size_t i, j;

    for (i = 0; rc == C311_OK && i < n; i++) {
        row = cells + i * t->ncols;
        for (j = 0; j < t->ncols; j++) {
            if (!bind_cell(stmt, (int)j + 1, t->cols[j].type, row[j])) {
                stmt_done(stmt);
                return store__fail(cause, C311_ERR_INVALID,
                                   "%s.%s: '%s' is not a number", t->name,
                                   t->cols[j].name, row[j]);
            }
        }
        rc = stmt_run(c, stmt, "copying a row", cause);
    }
    return rc;
}

/*
 * Inserts rows of t with their ids in one transaction. SQLite gives the
 * next row max(id) + 1, so there is no generator to move.
 */
static enum c311_rc
sqlite_import_rows(void *impl, const struct store__table *t,
                   const char *const *cells, size_t n, char **cause)
{
    struct sqlite_store *s = impl;
    struct buf sql = BUF_INIT(SQLITE_COPY_SQL_MAX);
    sqlite3_stmt *stmt = NULL;
    enum c311_rc rc;
    size_t j;

    buf_printf(&sql, "INSERT INTO %s (", t->name);
    column_list(&sql, t, t->ncols);
    buf_puts(&sql, ") VALUES (");
    for (j = 0; j < t->ncols; j++)
        buf_printf(&sql, "%s?%zu", j > 0 ? ", " : "", j + 1);
    buf_putc(&sql, ')');
    if (sql.failed) {
        buf_release(&sql);
        return store__fail(cause, C311_ERR_NOMEM, "out of memory");
    }

    rc = write_begin(s, cause);
    if (rc != C311_OK)
        goto out;
    if (sqlite3_prepare_v2(s->writer.db, sql.data, -1, &stmt, NULL) !=
        SQLITE_OK)
        rc = db_fail(s->writer.db, cause, "preparing a copy");
    else
        rc = insert_cells(&s->writer, stmt, t, cells, n, cause);
    sqlite3_finalize(stmt);
    rc = write_end(s, rc, cause);
out:
    buf_release(&sql);
    return rc;
}

/* Counts the rows of t. */
static enum c311_rc
sqlite_count_rows(void *impl, const struct store__table *t, int64_t *n,
                  char **cause)
{
    struct sqlite_store *s = impl;
    sqlite3_stmt *stmt = NULL;
    struct conn *c;
    enum c311_rc rc = C311_OK;
    char sql[128];

    snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", t->name);
    c = reader_get(s);
    if (sqlite3_prepare_v2(c->db, sql, -1, &stmt, NULL) != SQLITE_OK ||
        sqlite3_step(stmt) != SQLITE_ROW)
        rc = db_fail(c->db, cause, "counting rows");
    else
        *n = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    reader_put(s, c);
    return rc;
}

/* ---- shared with the other SQLite files (sqlite_shared.h) ---- */

const char store__sqlite_req_columns[] = REQ_COLUMNS;

/* The INSERT whose parameters bind_request() fills. */
const char *
store__sqlite_req_insert_sql(void)
{
    return stmt_sql[ST_REQ_INSERT];
}

/* Binds req as ?1 .. ?29. */
int
store__sqlite_bind_request(sqlite3_stmt *stmt, const struct sr *req)
{
    return bind_request(stmt, req);
}

/* Reads a row selected with store__sqlite_req_columns. */
enum c311_rc
store__sqlite_read_request(sqlite3_stmt *stmt, struct arena *a, struct sr *req)
{
    return read_request(stmt, a, req);
}

/* The error classifier of this file. */
enum c311_rc
store__sqlite_fail(sqlite3 *db, char **cause, const char *what)
{
    return db_fail(db, cause, what);
}

/* Takes the writer in a transaction. */
enum c311_rc
store__sqlite_write_begin(void *impl, sqlite3 **db, char **cause)
{
    struct sqlite_store *s = impl;
    enum c311_rc rc;

    rc = write_begin(s, cause);
    *db = rc == C311_OK ? s->writer.db : NULL;
    return rc;
}

/* Ends the writer's transaction and gives it back. */
enum c311_rc
store__sqlite_write_end(void *impl, enum c311_rc rc, char **cause)
{
    return write_end(impl, rc, cause);
}

/* Takes a reader. */
sqlite3 *
store__sqlite_read_begin(void *impl)
{
    return reader_get(impl)->db;
}

/* Gives back the reader whose handle is db. */
void
store__sqlite_read_end(void *impl, sqlite3 *db)
{
    struct sqlite_store *s = impl;
    size_t i;

    for (i = 0; i < s->nreaders; i++) {
        if (s->readers[i].db == db) {
            reader_put(s, &s->readers[i]);
            return;
        }
    }
}

/* ---- portable SQL ---- */

/*
 * Runs work on the writer inside a transaction, or on a reader. Readers
 * are query_only, so a read that tries to write fails.
 */
static enum c311_rc
sqlite_sqlx_run(void *impl, bool write, sqlx_work_fn work, void *arg,
                struct arena *a, char **cause)
{
    struct sqlite_store *s = impl;
    struct sqlx x = {store__sqlite_exec, NULL, s, a, false};
    struct conn *c;
    enum c311_rc rc;

    if (write) {
        rc = write_begin(s, cause);
        if (rc != C311_OK)
            return rc;
        x.conn = s->writer.db;
        rc = work(&x, arg, cause);
        return write_end(s, rc, cause);
    }
    c = reader_get(s);
    x.conn = c->db;
    rc = work(&x, arg, cause);
    reader_put(s, c);
    return rc;
}

const struct store_ops store__sqlite_ops = {
    .name = "sqlite",
    .request_insert_x = sqlite_request_insert_x,
    .open = sqlite_open,
    .close = sqlite_close,
    .schema_version = sqlite_schema_version,
    .request_insert = sqlite_request_insert,
    .request_get = sqlite_request_get,
    .request_by_token = sqlite_request_by_token,
    .request_query = sqlite_request_query,
    .apikey_add = sqlite_apikey_add,
    .apikey_find = sqlite_apikey_find,
    .apikey_list = sqlite_apikey_list,
    .apikey_revoke = sqlite_apikey_revoke,
    .export_rows = sqlite_export_rows,
    .import_rows = sqlite_import_rows,
    .count_rows = sqlite_count_rows,
    .import = &store__sqlite_import_ops,
    .sqlx_run = sqlite_sqlx_run,
};
