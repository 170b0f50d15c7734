/* SPDX-License-Identifier: MIT */
/*
 * Imported history on SQLite (see store/import.h). A batch runs in one
 * IMMEDIATE transaction on the write connection with statements prepared
 * once per batch: for each row, one indexed lookup by public id decides
 * between insert, update and nothing. A run finds a key repeated in its
 * file through the database, not memory: a key met before was stored, so
 * a key not found is new; a key found on a request made by the run is a
 * repeat (the import record has its line); other keys found go to a TEMP
 * table of the keys seen. A large run into a small store is a bulk load: the
 * request table's secondary indexes are dropped at its start and built
 * again at its end, index_deferred recording them so that an interrupted
 * run leaves the rebuild to the next open. Bulk reads for exports and
 * reports run on a read connection.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/backend.h"
#include "store/import_backend.h"
#include "store/sqlite_schema.h"
#include "store/sqlite_shared.h"

/*
 * The write connection's page cache while it imports, in KiB: the indexes
 * of a large store are written in random order, and pages read back from
 * the file cost system calls on every batch. A bulk load writes its pages
 * in order and needs less.
 */
#define IMPORT_CACHE_KIB      65536
#define IMPORT_BULK_CACHE_KIB 16384

/*
 * A run is a bulk load when the store holds at most one request for every
 * BULK_RATIO rows the run expects: building the secondary indexes of the
 * request table again at the end (a sort each) then costs less than
 * inserting every row into each of them in random order.
 */
#define BULK_RATIO 4

/*
 * The indexes a bulk load sets aside: those every imported row enters in
 * an order of its own. The unique ones stay (the key lookup needs
 * public_id's; token is NULL for every import, so its entries come in
 * row order), as do the partial indexes no import row enters (callers,
 * escalated requests, phone numbers).
 */
#define BULK_INDEXES                                                           \
    "('request_requested', 'request_updated', 'request_service_requested',"    \
    " 'request_status_requested', 'request_jurisdiction_requested',"           \
    " 'request_location', 'request_closed')"

/* The statements of a batch, by index into batch_sql[]. */
enum batch_stmt {
    B_SEEN,
    B_LOOKUP,
    B_INSERT,
    B_UPDATE,
    B_ATTR_DELETE,
    B_MARK_INSERT,
    B_MARK_UPDATE,
    B_EVENT,
    B_COUNT
};

static const char *const batch_sql[B_COUNT] = {
    /* The line a key first came on in this run (this row's if new). */
    [B_SEEN] = "INSERT INTO temp.import_seen (key, line) VALUES (?1, ?2)"
               " ON CONFLICT (key) DO UPDATE SET line = line RETURNING line",
    [B_LOOKUP] = "SELECT r.id, i.digest, i.line, i.format FROM request r"
                 " LEFT JOIN request_import i ON i.request_id = r.id"
                 " WHERE r.public_id = ?1",
    [B_INSERT] = NULL, /* store__sqlite_req_insert_sql() */
    /* The columns of the INSERT, bound alike; ?30 is the row id. */
    [B_UPDATE] = "UPDATE request SET public_id = ?1, jurisdiction_id = ?2,"
                 " service_code = ?3, service_name = ?4, status = ?5,"
                 " status_notes = ?6, description = ?7,"
                 " agency_responsible = ?8, service_notice = ?9,"
                 " requested_at = ?10, updated_at = ?11, expected_at = ?12,"
                 " closed_at = ?13, lat = ?14, lon = ?15, address = ?16,"
                 " address_id = ?17, zipcode = ?18, media_url = ?19,"
                 " channel = ?20, language = ?21, api_key_name = ?22,"
                 " email = ?23, phone = ?24, first_name = ?25,"
                 " last_name = ?26, device_id = ?27, account_id = ?28,"
                 " token = ?29 WHERE id = ?30",
    /* Rows of a request imported before its answers moved to attrs. */
    [B_ATTR_DELETE] = "DELETE FROM request_attr WHERE request_id = ?1",
    [B_MARK_INSERT] = "INSERT INTO request_import (request_id, format, digest,"
                      " department, imported_at, changed_at, attrs, line)"
                      " VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6, ?7)",
    [B_MARK_UPDATE] = "UPDATE request_import SET format = ?2, digest = ?3,"
                      " department = ?4, changed_at = ?5, attrs = ?6,"
                      " line = ?7 WHERE request_id = ?1",
    [B_EVENT] = "INSERT INTO event (request_id, jurisdiction_id, at, actor,"
                " kind, public, note)"
                " VALUES (?1, ?2, ?3, 'import', ?4, 0, ?5)",
};

/*
 * The answers of a request of up to JSON_MAX_ATTRS answers become JSON by
 * SQLite's json_object(), one statement per count of answers; more than
 * that (no known layout has so many columns) go through Jansson.
 */
#define JSON_MAX_ATTRS 64

/* A batch in progress on the write connection. */
struct batch {
    sqlite3 *db;
    sqlite3_stmt *st[B_COUNT];
    sqlite3_stmt *json[JSON_MAX_ATTRS + 1]; /* by count of answers */
    const char *format;
    int64_t now;
    bool run;       /* inside store_import_begin .. end: repeats refused */
    int64_t max_id; /* of run: the largest request id when it began */
    bool bulk;      /* a bulk load: most keys are new */
};

/* Binds s, or NULL when s is NULL or empty (as the rest of the store). */
static int
bind_text(sqlite3_stmt *stmt, int i, const char *s)
{
    if (s == NULL || *s == '\0')
        return sqlite3_bind_null(stmt, i);
    return sqlite3_bind_text(stmt, i, s, -1, SQLITE_STATIC);
}

/* Steps a statement that returns no row, then makes it ready again. */
static enum c311_rc
run(struct batch *b, enum batch_stmt id, const char *what, char **cause)
{
    sqlite3_stmt *stmt = b->st[id];
    enum c311_rc rc = C311_OK;

    if (sqlite3_step(stmt) != SQLITE_DONE)
        rc = store__sqlite_fail(b->db, cause, what);
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    return rc;
}

/* Runs sql on db (no rows), naming `what` in a failure. */
static enum c311_rc
exec(sqlite3 *db, const char *sql, const char *what, char **cause)
{
    if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return store__sqlite_fail(db, cause, what);
    return C311_OK;
}

/*
 * Whether a run is open on db (its TEMP tables exist) and, when it is,
 * the largest request id when it began.
 */
static enum c311_rc
run_open(sqlite3 *db, bool *open, int64_t *max_id, char **cause)
{
    sqlite3_stmt *stmt = NULL;
    int step;

    *open = false;
    *max_id = 0;
    if (sqlite3_prepare_v2(db,
                           "SELECT 1 FROM sqlite_temp_master"
                           " WHERE type = 'table' AND name = 'import_run'",
                           -1, &stmt, NULL) != SQLITE_OK)
        return store__sqlite_fail(db, cause, "looking for an import run");
    step = sqlite3_step(stmt);
    sqlite3_finalize(stmt);
    if (step == SQLITE_DONE)
        return C311_OK;
    if (step != SQLITE_ROW ||
        sqlite3_prepare_v2(db, "SELECT max_id FROM temp.import_run", -1, &stmt,
                           NULL) != SQLITE_OK)
        return store__sqlite_fail(db, cause, "looking for an import run");
    step = sqlite3_step(stmt);
    if (step == SQLITE_ROW) {
        *open = true;
        *max_id = sqlite3_column_int64(stmt, 0);
    }
    sqlite3_finalize(stmt);
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        return store__sqlite_fail(db, cause, "looking for an import run");
    return C311_OK;
}

/* Prepares every statement of a batch and enlarges the page cache. */
static enum c311_rc
batch_prepare(struct batch *b, char **cause)
{
    char pragma[64];
    const char *sql;
    enum c311_rc rc;
    bool bulk;
    int i;

    rc = run_open(b->db, &b->run, &b->max_id, cause);
    if (rc == C311_OK)
        rc = store__sqlite_indexes_pending(b->db, &bulk, cause);
    if (rc != C311_OK)
        return rc;
    b->bulk = bulk;
    snprintf(pragma, sizeof(pragma), "PRAGMA cache_size = -%d",
             bulk ? IMPORT_BULK_CACHE_KIB : IMPORT_CACHE_KIB);
    rc = exec(b->db, pragma, "sizing the page cache", cause);
    if (rc != C311_OK)
        return rc;
    for (i = 0; i < B_COUNT; i++) {
        if (i == B_SEEN && !b->run)
            continue;
        sql = i == B_INSERT ? store__sqlite_req_insert_sql() : batch_sql[i];
        if (sqlite3_prepare_v2(b->db, sql, -1, &b->st[i], NULL) != SQLITE_OK)
            return store__sqlite_fail(b->db, cause, "preparing an import");
    }
    return C311_OK;
}

/* Finalizes the statements of a batch. */
static void
batch_finalize(struct batch *b)
{
    int i;

    for (i = 0; i < B_COUNT; i++) {
        sqlite3_finalize(b->st[i]);
        b->st[i] = NULL;
    }
    for (i = 0; i <= JSON_MAX_ATTRS; i++) {
        sqlite3_finalize(b->json[i]);
        b->json[i] = NULL;
    }
}

/* The statement that makes a JSON object of n answers, prepared once. */
static sqlite3_stmt *
json_stmt(struct batch *b, size_t n)
{
    char sql[JSON_MAX_ATTRS * 16 + 32];
    size_t len, i;

    if (b->json[n] != NULL)
        return b->json[n];
    len = (size_t)snprintf(sql, sizeof(sql), "SELECT json_object(");
    for (i = 0; i < n; i++)
        len += (size_t)snprintf(sql + len, sizeof(sql) - len, "%s?, ?",
                                i > 0 ? ", " : "");
    snprintf(sql + len, sizeof(sql) - len, ")");
    if (sqlite3_prepare_v2(b->db, sql, -1, &b->json[n], NULL) != SQLITE_OK)
        b->json[n] = NULL;
    return b->json[n];
}

/*
 * Binds the answers of req as one JSON object (NULL when it has none) to
 * parameter i of stmt.
 */
static enum c311_rc
bind_attrs(struct batch *b, sqlite3_stmt *stmt, int i, const struct sr *req,
           char **cause)
{
    sqlite3_stmt *js;
    enum c311_rc rc;
    char *text;
    size_t k;

    if (req->nattrs == 0)
        return sqlite3_bind_null(stmt, i) == SQLITE_OK
                   ? C311_OK
                   : store__sqlite_fail(b->db, cause, "binding answers");
    if (req->nattrs > JSON_MAX_ATTRS) {
        rc = store__import_attrs_json(req, &text, cause);
        if (rc == C311_OK)
            sqlite3_bind_text(stmt, i, text, -1, free);
        return rc;
    }
    js = json_stmt(b, req->nattrs);
    if (js == NULL)
        return store__sqlite_fail(b->db, cause, "preparing answers");
    for (k = 0; k < req->nattrs; k++) {
        sqlite3_bind_text(js, (int)(2 * k + 1), req->attrs[k].code, -1,
                          SQLITE_STATIC);
        sqlite3_bind_text(js, (int)(2 * k + 2), req->attrs[k].value, -1,
                          SQLITE_STATIC);
    }
    rc = C311_OK;
    if (sqlite3_step(js) != SQLITE_ROW ||
        sqlite3_bind_value(stmt, i, sqlite3_column_value(js, 0)) != SQLITE_OK)
        rc = store__sqlite_fail(b->db, cause, "storing answers as JSON");
    sqlite3_reset(js);
    return rc;
}

/* Sets row->first_line to the line its key first came on in the run. */
static enum c311_rc
seen(struct batch *b, struct store_import_row *row, char **cause)
{
    sqlite3_stmt *stmt = b->st[B_SEEN];
    enum c311_rc rc = C311_OK;

    sqlite3_bind_text(stmt, 1, row->req.public_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(stmt, 2, row->line);
    if (sqlite3_step(stmt) == SQLITE_ROW)
        row->first_line = sqlite3_column_int64(stmt, 0);
    else
        rc = store__sqlite_fail(b->db, cause, "noting an imported key");
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    return rc;
}

/*
 * Finds the request with row->req.public_id: *id is 0 when there is none,
 * *digest (copied into buf) empty when it was not imported, *line the
 * line it was last imported from, *other whether an import of another
 * format stored it.
 */
static enum c311_rc
lookup(struct batch *b, const struct store_import_row *row, int64_t *id,
       int64_t *line, char *digest, size_t size, bool *other, char **cause)
{
    sqlite3_stmt *stmt = b->st[B_LOOKUP];
    const unsigned char *d;
    enum c311_rc rc = C311_OK;
    int step;

    *id = 0;
    *other = false;
    digest[0] = '\0';
    sqlite3_bind_text(stmt, 1, row->req.public_id, -1, SQLITE_STATIC);
    step = sqlite3_step(stmt);
    if (step == SQLITE_ROW) {
        *id = sqlite3_column_int64(stmt, 0);
        *line = sqlite3_column_int64(stmt, 2);
        d = sqlite3_column_text(stmt, 1);
        if (d != NULL)
            snprintf(digest, size, "%s", (const char *)d);
        d = sqlite3_column_text(stmt, 3);
        *other = d != NULL && strcmp((const char *)d, b->format) != 0;
    } else if (step != SQLITE_DONE) {
        rc = store__sqlite_fail(b->db, cause, "looking up an imported key");
    }
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    return rc;
}

/*
 * Writes the import record (insert or update) with the request's answers
 * as one JSON value, and the history event.
 */
static enum c311_rc
mark(struct batch *b, int64_t id, const struct store_import_row *row,
     bool fresh, char **cause)
{
    enum batch_stmt m = fresh ? B_MARK_INSERT : B_MARK_UPDATE;
    sqlite3_stmt *stmt = b->st[m];
    enum c311_rc rc;

    rc = bind_attrs(b, stmt, 6, &row->req, cause);
    if (rc != C311_OK)
        return rc;
    sqlite3_bind_int64(stmt, 1, id);
    sqlite3_bind_text(stmt, 2, b->format, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 3, row->digest, -1, SQLITE_STATIC);
    bind_text(stmt, 4, row->department);
    sqlite3_bind_int64(stmt, 5, b->now);
    sqlite3_bind_int64(stmt, 7, row->line);
    rc = run(b, m, "recording an import", cause);
    if (rc != C311_OK)
        return rc;
    stmt = b->st[B_EVENT];
    sqlite3_bind_int64(stmt, 1, id);
    bind_text(stmt, 2, row->req.jurisdiction_id);
    sqlite3_bind_int64(stmt, 3, b->now);
    sqlite3_bind_text(stmt, 4, fresh ? "imported" : "import_updated", -1,
                      SQLITE_STATIC);
    bind_text(stmt, 5, row->note);
    return run(b, B_EVENT, "recording an import in the history", cause);
}

/*
 * Inserts a new imported request with everything that goes with it. With
 * taken not NULL, a key that is stored already is no failure: *taken is
 * set and nothing is written.
 */
static enum c311_rc
insert_row(struct batch *b, const struct store_import_row *row, bool *taken,
           char **cause)
{
    sqlite3_stmt *stmt = b->st[B_INSERT];
    int64_t id;
    int step;

    if (store__sqlite_bind_request(stmt, &row->req) != SQLITE_OK) {
        sqlite3_reset(stmt);
        sqlite3_clear_bindings(stmt);
        return store__sqlite_fail(b->db, cause, "binding an imported request");
    }
    step = sqlite3_step(stmt);
    if (step != SQLITE_DONE && taken != NULL &&
        sqlite3_extended_errcode(b->db) == SQLITE_CONSTRAINT_UNIQUE) {
        sqlite3_reset(stmt);
        sqlite3_clear_bindings(stmt);
        *taken = true;
        return C311_OK;
    }
    if (step != SQLITE_DONE) {
        enum c311_rc rc =
            store__sqlite_fail(b->db, cause, "storing an imported request");
        sqlite3_reset(stmt);
        sqlite3_clear_bindings(stmt);
        return rc;
    }
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    id = sqlite3_last_insert_rowid(b->db);
    return mark(b, id, row, true, cause);
}

/* Rewrites imported request id with the row's data. */
static enum c311_rc
update_row(struct batch *b, int64_t id, const struct store_import_row *row,
           char **cause)
{
    sqlite3_stmt *stmt = b->st[B_UPDATE];
    enum c311_rc rc;

    if (store__sqlite_bind_request(stmt, &row->req) != SQLITE_OK ||
        sqlite3_bind_int64(stmt, 30, id) != SQLITE_OK) {
        sqlite3_reset(stmt);
        sqlite3_clear_bindings(stmt);
        return store__sqlite_fail(b->db, cause, "binding an imported request");
    }
    rc = run(b, B_UPDATE, "updating an imported request", cause);
    if (rc != C311_OK)
        return rc;
    sqlite3_bind_int64(b->st[B_ATTR_DELETE], 1, id);
    rc = run(b, B_ATTR_DELETE, "replacing imported attributes", cause);
    if (rc == C311_OK)
        rc = mark(b, id, row, false, cause);
    return rc;
}

/*
 * Whether the key of a row that found request id was met earlier in the
 * run; sets row->first_line when it was. A request made after the run
 * began was made by it (its import record has the line); one older is
 * looked up in (and added to) the run's table of keys seen, so that a
 * run into an empty store never touches that table.
 */
static enum c311_rc
repeated(struct batch *b, struct store_import_row *row, int64_t id,
         int64_t line, bool imported, bool *yes, char **cause)
{
    enum c311_rc rc;

    *yes = false;
    if (id > b->max_id && imported) {
        row->first_line = line;
        *yes = true;
        return C311_OK;
    }
    rc = seen(b, row, cause);
    if (rc == C311_OK)
        *yes = row->first_line != row->line;
    return rc;
}

/* Decides what to do with one row and does it. */
static enum c311_rc
import_row(struct batch *b, struct store_import_row *row, char **cause)
{
    char digest[128];
    enum c311_rc rc;
    int64_t id, line = 0;
    bool again = false, other = false;

    row->first_line = 0;
    /*
     * In a bulk load nearly every key is new: inserting first spares the
     * look-up, and the key's unique index tells when it was not new.
     */
    if (b->bulk) {
        rc = insert_row(b, row, &again, cause);
        if (rc != C311_OK || !again) {
            row->outcome = STORE_IMPORT_INSERTED;
            return rc;
        }
        again = false;
    }
    rc = lookup(b, row, &id, &line, digest, sizeof(digest), &other, cause);
    if (rc != C311_OK)
        return rc;
    if (id == 0) {
        row->outcome = STORE_IMPORT_INSERTED;
        return insert_row(b, row, NULL, cause);
    }
    if (b->run) {
        rc = repeated(b, row, id, line, digest[0] != '\0', &again, cause);
        if (rc != C311_OK)
            return rc;
        if (again) {
            row->outcome = STORE_IMPORT_REPEATED;
            return C311_OK;
        }
    }
    if (digest[0] == '\0') {
        row->outcome = STORE_IMPORT_NATIVE;
        return C311_OK;
    }
    /* Its source's columns differ: the digests could never match. */
    if (other) {
        row->outcome = STORE_IMPORT_OTHER;
        return C311_OK;
    }
    if (strcmp(digest, row->digest) == 0) {
        row->outcome = STORE_IMPORT_UNCHANGED;
        return C311_OK;
    }
    row->outcome = STORE_IMPORT_UPDATED;
    return update_row(b, id, row, cause);
}

/*
 * Sets the request table's secondary indexes aside (index_deferred keeps
 * their SQL) when the run is large for the store. Unique indexes stay:
 * the key lookup needs public_id's.
 */
static enum c311_rc
defer_indexes(sqlite3 *db, int64_t rows_hint, char **cause)
{
    sqlite3_stmt *stmt = NULL;
    enum c311_rc rc = C311_OK;
    int64_t stored = 0;
    char *drops;

    if (sqlite3_prepare_v2(db, "SELECT coalesce(max(id), 0) FROM request", -1,
                           &stmt, NULL) != SQLITE_OK ||
        sqlite3_step(stmt) != SQLITE_ROW)
        rc = store__sqlite_fail(db, cause, "counting requests");
    else
        stored = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    if (rc != C311_OK || rows_hint < stored * BULK_RATIO || rows_hint == 0)
        return rc;
    rc = exec(db,
              "INSERT INTO index_deferred (name, sql)"
              " SELECT name, sql FROM sqlite_master"
              " WHERE type = 'index' AND name IN " BULK_INDEXES
              " ON CONFLICT (name) DO NOTHING",
              "setting indexes aside", cause);
    if (rc != C311_OK)
        return rc;
    /* One script of DROP INDEX, run once no statement reads the schema. */
    if (sqlite3_prepare_v2(db,
                           "SELECT group_concat('DROP INDEX \"'"
                           " || replace(name, '\"', '\"\"') || '\";', '')"
                           " FROM index_deferred WHERE name IN"
                           " (SELECT name FROM sqlite_master"
                           " WHERE type = 'index')",
                           -1, &stmt, NULL) != SQLITE_OK ||
        sqlite3_step(stmt) != SQLITE_ROW) {
        sqlite3_finalize(stmt);
        return store__sqlite_fail(db, cause, "setting indexes aside");
    }
    drops = sqlite3_column_text(stmt, 0) != NULL
                ? sqlite3_mprintf("%s", sqlite3_column_text(stmt, 0))
                : NULL;
    sqlite3_finalize(stmt);
    if (drops != NULL)
        rc = exec(db, drops, "setting an index aside", cause);
    sqlite3_free(drops);
    return rc;
}

/* Notes the size of the file map in the run, to give it back at its end. */
static enum c311_rc
note_mmap(sqlite3 *db, char **cause)
{
    sqlite3_stmt *stmt = NULL;
    char sql[96];
    int64_t size = 0;

    if (sqlite3_prepare_v2(db, "PRAGMA mmap_size", -1, &stmt, NULL) !=
        SQLITE_OK)
        return store__sqlite_fail(db, cause, "reading the map size");
    if (sqlite3_step(stmt) == SQLITE_ROW)
        size = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    snprintf(sql, sizeof(sql), "UPDATE temp.import_run SET mmap_size = %lld",
             (long long)size);
    return exec(db, sql, "starting an import", cause);
}

/* Opens a run: an empty table of keys seen, and maybe a bulk load. */
static enum c311_rc
sqlite_import_begin(void *impl, int64_t rows_hint, char **cause)
{
    enum c311_rc rc;
    sqlite3 *db;

    rc = store__sqlite_write_begin(impl, &db, cause);
    if (rc != C311_OK)
        return rc;
    rc = exec(db,
              "CREATE TEMP TABLE IF NOT EXISTS import_seen ("
              " key TEXT PRIMARY KEY, line INTEGER NOT NULL) WITHOUT ROWID;"
              "CREATE TEMP TABLE IF NOT EXISTS import_run ("
              " max_id INTEGER NOT NULL, mmap_size INTEGER NOT NULL);"
              "DELETE FROM temp.import_seen;"
              "DELETE FROM temp.import_run;"
              "INSERT INTO temp.import_run (max_id, mmap_size)"
              " SELECT coalesce(max(id), 0), 0 FROM request",
              "starting an import", cause);
    if (rc == C311_OK)
        rc = note_mmap(db, cause);
    /*
     * Pages go through the page cache, not a map of the file: every page
     * an import touches would stay mapped, and memory would grow with
     * the store.
     */
    if (rc == C311_OK)
        rc = exec(db, "PRAGMA mmap_size = 0", "starting an import", cause);
    if (rc == C311_OK)
        rc = defer_indexes(db, rows_hint, cause);
    return store__sqlite_write_end(impl, rc, cause);
}

/* Maps the file again as it was before the run. */
static enum c311_rc
restore_mmap(sqlite3 *db, char **cause)
{
    sqlite3_stmt *stmt = NULL;
    enum c311_rc rc = C311_OK;
    char sql[64];

    if (sqlite3_prepare_v2(db, "SELECT mmap_size FROM temp.import_run", -1,
                           &stmt, NULL) != SQLITE_OK)
        return C311_OK; /* no run: nothing was changed */
    if (sqlite3_step(stmt) == SQLITE_ROW) {
        snprintf(sql, sizeof(sql), "PRAGMA mmap_size = %lld",
                 (long long)sqlite3_column_int64(stmt, 0));
        sqlite3_finalize(stmt);
        return exec(db, sql, "ending an import", cause);
    }
    sqlite3_finalize(stmt);
    return rc;
}

/* Ends a run: forgets its keys and builds the indexes set aside. */
static enum c311_rc
sqlite_import_end(void *impl, char **cause)
{
    bool pending = false;
    enum c311_rc rc;
    sqlite3 *db;

    rc = store__sqlite_write_begin(impl, &db, cause);
    if (rc != C311_OK)
        return rc;
    rc = store__sqlite_indexes_pending(db, &pending, cause);
    if (rc == C311_OK && pending)
        rc = store__sqlite_indexes_restore(db, cause);
    if (rc == C311_OK)
        rc = restore_mmap(db, cause);
    if (rc == C311_OK)
        rc = exec(db,
                  "DROP TABLE IF EXISTS temp.import_seen;"
                  "DROP TABLE IF EXISTS temp.import_run",
                  "ending an import", cause);
    return store__sqlite_write_end(impl, rc, cause);
}

/* Imports a batch in one transaction; see store/import.h. */
static enum c311_rc
sqlite_import_batch(void *impl, const char *format,
                    struct store_import_row *rows, size_t n, int64_t now,
                    char **cause)
{
    struct batch b = {.format = format, .now = now};
    enum c311_rc rc;
    size_t i;

    rc = store__sqlite_write_begin(impl, &b.db, cause);
    if (rc != C311_OK)
        return rc;
    rc = batch_prepare(&b, cause);
    for (i = 0; rc == C311_OK && i < n; i++)
        rc = import_row(&b, &rows[i], cause);
    batch_finalize(&b);
    return store__sqlite_write_end(impl, rc, cause);
}

/* Stores an imported service unless its code is known. */
static enum c311_rc
sqlite_service_put(void *impl, const struct imported_service *s, bool *created,
                   char **cause)
{
    sqlite3_stmt *stmt = NULL;
    enum c311_rc rc;
    sqlite3 *db;

    rc = store__sqlite_write_begin(impl, &db, cause);
    if (rc != C311_OK)
        return rc;
    if (sqlite3_prepare_v2(db,
                           "INSERT INTO imported_service (code, name, format,"
                           " department, created_at)"
                           " VALUES (?1, ?2, ?3, ?4, ?5)"
                           " ON CONFLICT (code) DO NOTHING",
                           -1, &stmt, NULL) != SQLITE_OK) {
        rc = store__sqlite_fail(db, cause, "preparing an imported service");
    } else {
        sqlite3_bind_text(stmt, 1, s->code, -1, SQLITE_STATIC);
        sqlite3_bind_text(stmt, 2, s->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(stmt, 3, s->format, -1, SQLITE_STATIC);
        bind_text(stmt, 4, s->department);
        sqlite3_bind_int64(stmt, 5, s->created_at);
        if (sqlite3_step(stmt) != SQLITE_DONE)
            rc = store__sqlite_fail(db, cause, "storing an imported service");
        else if (created != NULL)
            *created = sqlite3_changes(db) > 0;
    }
    sqlite3_finalize(stmt);
    return store__sqlite_write_end(impl, rc, cause);
}

/* Copies column i as an arena string (NULL for SQL NULL); notes failure. */
static const char *
col_text(sqlite3_stmt *stmt, int i, struct arena *a, bool *oom)
{
    const unsigned char *t = sqlite3_column_text(stmt, i);
    char *s;

    if (t == NULL)
        return NULL;
    s = arena_strndup(a, (const char *)t, sqlite3_column_bytes(stmt, i));
    if (s == NULL)
        *oom = true;
    return s;
}

/*
 * Makes room for one more element in an arena array of *cap elements of
 * size bytes holding n; returns the (possibly moved) array or NULL.
 */
static void *
grow(struct arena *a, void *v, size_t n, size_t *cap, size_t size)
{
    void *bigger;

    if (n < *cap)
        return v;
    *cap = *cap == 0 ? 16 : *cap * 2;
    bigger = arena_alloc(a, *cap * size);
    if (bigger != NULL && n > 0)
        memcpy(bigger, v, n * size);
    return bigger;
}

/* Lists the imported services by code. */
static enum c311_rc
sqlite_service_list(void *impl, struct arena *a, struct imported_service **out,
                    size_t *n, char **cause)
{
    sqlite3 *db = store__sqlite_read_begin(impl);
    struct imported_service *v = NULL;
    sqlite3_stmt *stmt = NULL;
    enum c311_rc rc = C311_OK;
    bool oom = false;
    size_t cap = 0;
    int step;

    *out = NULL;
    *n = 0;
    if (sqlite3_prepare_v2(db,
                           "SELECT code, name, format, department, created_at"
                           " FROM imported_service ORDER BY code",
                           -1, &stmt, NULL) != SQLITE_OK) {
        rc = store__sqlite_fail(db, cause, "listing imported services");
        goto out;
    }
    while (!oom && (step = sqlite3_step(stmt)) == SQLITE_ROW) {
        if ((v = grow(a, v, *n, &cap, sizeof(*v))) == NULL) {
            oom = true;
            break;
        }
        v[*n].code = col_text(stmt, 0, a, &oom);
        v[*n].name = col_text(stmt, 1, a, &oom);
        v[*n].format = col_text(stmt, 2, a, &oom);
        v[*n].department = col_text(stmt, 3, a, &oom);
        v[*n].created_at = sqlite3_column_int64(stmt, 4);
        (*n)++;
    }
    if (oom)
        rc = store__fail(cause, C311_ERR_NOMEM, "out of memory");
    else if (step != SQLITE_DONE)
        rc = store__sqlite_fail(db, cause, "listing imported services");
    else
        *out = v;
out:
    sqlite3_finalize(stmt);
    store__sqlite_read_end(impl, db);
    if (rc != C311_OK)
        *n = 0;
    return rc;
}

/* Binds the filters of a scan as ?1 (cursor) .. ?4. */
static void
bind_scan(sqlite3_stmt *stmt, const struct store_scan *scan)
{
    sqlite3_bind_int64(stmt, 1, scan->after_id);
    bind_text(stmt, 2, scan->jurisdiction_id);
    sqlite3_bind_int64(stmt, 3, scan->from);
    sqlite3_bind_int64(stmt, 4, scan->to);
}

/*
 * Reads up to limit requests of the scan, in id order, and the format and
 * department of each (the two columns after the request's own).
 */
static enum c311_rc
scan_rows(sqlite3 *db, const struct store_scan *scan, size_t limit,
          struct arena *a, struct sr **out, const char ***formats,
          const char ***departments, size_t *n, char **cause)
{
    sqlite3_stmt *stmt = NULL;
    enum c311_rc rc = C311_OK;
    struct sr *v = NULL;
    const char **f = NULL, **d = NULL;
    size_t cap = 0, fcap = 0, dcap = 0;
    int last;
    int step = SQLITE_DONE;
    bool oom = false;
    char *sql;

    sql = sqlite3_mprintf("SELECT %s, (SELECT format FROM request_import"
                          " WHERE request_id = request.id),"
                          " (SELECT department FROM request_import"
                          " WHERE request_id = request.id)"
                          " FROM request WHERE id > ?1"
                          " AND (?2 IS NULL OR jurisdiction_id = ?2)"
                          " AND (?3 = 0 OR requested_at >= ?3)"
                          " AND (?4 = 0 OR requested_at < ?4)"
                          " ORDER BY id LIMIT ?5",
                          store__sqlite_req_columns);
    if (sql == NULL)
        return store__fail(cause, C311_ERR_NOMEM, "out of memory");
    if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK) {
        rc = store__sqlite_fail(db, cause, "preparing a scan");
        goto out;
    }
    bind_scan(stmt, scan);
    sqlite3_bind_int64(stmt, 5, (int64_t)limit);
    last = sqlite3_column_count(stmt) - 1;
    while (rc == C311_OK && (step = sqlite3_step(stmt)) == SQLITE_ROW) {
        if ((v = grow(a, v, *n, &cap, sizeof(*v))) == NULL ||
            (f = grow(a, f, *n, &fcap, sizeof(*f))) == NULL ||
            (d = grow(a, d, *n, &dcap, sizeof(*d))) == NULL ||
            store__sqlite_read_request(stmt, a, &v[*n]) != C311_OK) {
            oom = true;
        } else {
            f[*n] = col_text(stmt, last - 1, a, &oom);
            d[*n] = col_text(stmt, last, a, &oom);
        }
        if (oom)
            rc = store__fail(cause, C311_ERR_NOMEM, "out of memory");
        else
            (*n)++;
    }
    if (rc == C311_OK && step != SQLITE_DONE)
        rc = store__sqlite_fail(db, cause, "scanning requests");
    *out = v;
    *formats = f;
    *departments = d;
out:
    sqlite3_finalize(stmt);
    sqlite3_free(sql);
    return rc;
}

/*
 * Loads the answers of the n requests v (in id order) with one query over
 * their id range, handing each its slice.
 */
static enum c311_rc
scan_attrs(sqlite3 *db, struct sr *v, size_t n, struct arena *a, char **cause)
{
    sqlite3_stmt *stmt = NULL;
    enum c311_rc rc = C311_OK;
    size_t i = 0, cap = 0;
    bool oom = false;
    int64_t id;
    int step = SQLITE_DONE;

    if (sqlite3_prepare_v2(db,
                           "SELECT request_id, code, value FROM ("
                           " SELECT request_id, 0 AS part, seq, code, value"
                           " FROM request_attr"
                           " WHERE request_id BETWEEN ?1 AND ?2"
                           " UNION ALL SELECT i.request_id, 1, j.id, j.key,"
                           " j.value FROM request_import i,"
                           " json_each(i.attrs) j"
                           " WHERE i.request_id BETWEEN ?1 AND ?2)"
                           " ORDER BY request_id, part, seq",
                           -1, &stmt, NULL) != SQLITE_OK) {
        rc = store__sqlite_fail(db, cause, "preparing a scan");
        goto out;
    }
    sqlite3_bind_int64(stmt, 1, v[0].id);
    sqlite3_bind_int64(stmt, 2, v[n - 1].id);
    while (!oom && (step = sqlite3_step(stmt)) == SQLITE_ROW) {
        id = sqlite3_column_int64(stmt, 0);
        while (i < n && v[i].id < id) {
            i++;
            cap = 0;
        }
        if (i == n)
            break;
        if (v[i].id != id)
            continue;
        v[i].attrs =
            grow(a, v[i].attrs, v[i].nattrs, &cap, sizeof(*v[i].attrs));
        if (v[i].attrs == NULL) {
            oom = true;
            break;
        }
        v[i].attrs[v[i].nattrs].code = col_text(stmt, 1, a, &oom);
        v[i].attrs[v[i].nattrs].value = col_text(stmt, 2, a, &oom);
        v[i].nattrs++;
    }
    if (oom)
        rc = store__fail(cause, C311_ERR_NOMEM, "out of memory");
    else if (step != SQLITE_DONE && step != SQLITE_ROW)
        rc = store__sqlite_fail(db, cause, "scanning answers");
out:
    sqlite3_finalize(stmt);
    return rc;
}

/* Reads the next requests of a scan with their answers. */
static enum c311_rc
sqlite_scan(void *impl, struct store_scan *scan, size_t limit, struct arena *a,
            struct sr **out, const char ***formats, const char ***departments,
            size_t *n, char **cause)
{
    sqlite3 *db = store__sqlite_read_begin(impl);
    enum c311_rc rc;

    *out = NULL;
    *formats = NULL;
    *departments = NULL;
    *n = 0;
    rc = scan_rows(db, scan, limit, a, out, formats, departments, n, cause);
    if (rc == C311_OK && *n > 0)
        rc = scan_attrs(db, *out, *n, a, cause);
    store__sqlite_read_end(impl, db);
    if (rc != C311_OK) {
        *out = NULL;
        *formats = NULL;
        *departments = NULL;
        *n = 0;
    } else if (*n > 0) {
        scan->after_id = (*out)[*n - 1].id;
    }
    return rc;
}

/*
 * The three disjoint parts of a report: requested in [from, to), and
 * requested before from but open at to, either still open or closed at
 * or after to. ?1 jurisdiction, ?2 from, ?3 to.
 */
#define REPORT_COLUMNS                                                         \
    "SELECT r.requested_at, r.closed_at, r.expected_at, r.status,"             \
    " r.service_code, r.service_name, r.channel, i.department,"                \
    " r.agency_responsible FROM request r"                                     \
    " LEFT JOIN request_import i ON i.request_id = r.id"                       \
    " WHERE (?1 IS NULL OR r.jurisdiction_id = ?1) AND "

static const char report_sql[] = REPORT_COLUMNS
    "r.requested_at >= ?2 AND r.requested_at < ?3"
    " UNION ALL " REPORT_COLUMNS "r.requested_at < ?2 AND r.status = 'open'"
    " UNION ALL " REPORT_COLUMNS "r.requested_at < ?2 AND r.status = 'closed'"
    " AND r.closed_at >= ?3";

/* Hands every row of a report to fn. */
static enum c311_rc
sqlite_report_scan(void *impl, const char *jurisdiction_id, int64_t from,
                   int64_t to, store_report_fn fn, void *arg, char **cause)
{
    sqlite3 *db = store__sqlite_read_begin(impl);
    struct store_report_row row;
    sqlite3_stmt *stmt = NULL;
    enum c311_rc rc = C311_OK;
    const char *status;
    int step = SQLITE_DONE;

    if (sqlite3_prepare_v2(db, report_sql, -1, &stmt, NULL) != SQLITE_OK) {
        rc = store__sqlite_fail(db, cause, "preparing a report");
        goto out;
    }
    bind_text(stmt, 1, jurisdiction_id);
    sqlite3_bind_int64(stmt, 2, from);
    sqlite3_bind_int64(stmt, 3, to);
    while (rc == C311_OK && (step = sqlite3_step(stmt)) == SQLITE_ROW) {
        row.requested_at = sqlite3_column_int64(stmt, 0);
        row.closed_at = sqlite3_column_int64(stmt, 1);
        row.expected_at = sqlite3_column_int64(stmt, 2);
        status = (const char *)sqlite3_column_text(stmt, 3);
        row.closed = status != NULL && strcmp(status, "closed") == 0;
        row.service_code = (const char *)sqlite3_column_text(stmt, 4);
        row.service_name = (const char *)sqlite3_column_text(stmt, 5);
        row.channel = (const char *)sqlite3_column_text(stmt, 6);
        row.department = (const char *)sqlite3_column_text(stmt, 7);
        row.agency = (const char *)sqlite3_column_text(stmt, 8);
        rc = fn(arg, &row);
    }
    if (rc == C311_OK && step != SQLITE_DONE)
        rc = store__sqlite_fail(db, cause, "reading a report");
out:
    sqlite3_finalize(stmt);
    store__sqlite_read_end(impl, db);
    return rc;
}

const struct store__import_ops store__sqlite_import_ops = {
    .begin = sqlite_import_begin,
    .end = sqlite_import_end,
    .batch = sqlite_import_batch,
    .service_put = sqlite_service_put,
    .service_list = sqlite_service_list,
    .scan = sqlite_scan,
    .report_scan = sqlite_report_scan,
};
