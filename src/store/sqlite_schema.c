/* SPDX-License-Identifier: MIT */
/*
 * Versioned SQLite schema. Each migration is plain SQL applied once, in its
 * own transaction, and recorded in the schema_migration table; a database
 * therefore says which version it is at, and reopening it applies only what
 * is new. Migrations are never edited once released: a change is a new one
 * at the end of the list.
 */
#include <stdbool.h>
#include <stdio.h>

#include "store/backend.h"
#include "store/sqlite_schema.h"

struct migration {
    int version;
    const char *name;
    const char *sql;
};

/*
 * Version 1: the first cut of the platform. Instants are INTEGER UTC
 * seconds; NULL stands for "unknown" or "none" wherever a column allows it.
 */
static const char migration_1[] =
    "CREATE TABLE request ("
    " id INTEGER PRIMARY KEY,"
    " public_id TEXT UNIQUE,"
    " jurisdiction_id TEXT,"
    " service_code TEXT NOT NULL,"
    " service_name TEXT,"
    " status TEXT NOT NULL CHECK (status IN ('open', 'closed')),"
    " status_notes TEXT,"
    " description TEXT,"
    " agency_responsible TEXT,"
    " service_notice TEXT,"
    " requested_at INTEGER NOT NULL,"
    " updated_at INTEGER NOT NULL,"
    " expected_at INTEGER,"
    " closed_at INTEGER,"
    " lat REAL,"
    " lon REAL,"
    " address TEXT,"
    " address_id TEXT,"
    " zipcode TEXT,"
    " media_url TEXT,"
    " channel TEXT,"
    " language TEXT,"
    " api_key_name TEXT,"
    " email TEXT,"
    " phone TEXT,"
    " first_name TEXT,"
    " last_name TEXT,"
    " device_id TEXT,"
    " account_id TEXT,"
    " token TEXT UNIQUE,"
    " CHECK ((lat IS NULL) = (lon IS NULL))"
    ") STRICT;"
    /* GET requests.json: newest first, optionally by code, status, dates. */
    "CREATE INDEX request_requested ON request (requested_at, id);"
    "CREATE INDEX request_updated ON request (updated_at);"
    "CREATE INDEX request_service_requested"
    " ON request (service_code, requested_at);"
    "CREATE INDEX request_status_requested ON request (status, requested_at);"
    "CREATE INDEX request_jurisdiction_requested"
    " ON request (jurisdiction_id, requested_at);"

    /* Answers to the service's questions; multivaluelist codes repeat. */
    "CREATE TABLE request_attr ("
    " request_id INTEGER NOT NULL REFERENCES request (id) ON DELETE CASCADE,"
    " seq INTEGER NOT NULL,"
    " code TEXT NOT NULL,"
    " value TEXT NOT NULL,"
    " PRIMARY KEY (request_id, seq)"
    ") STRICT, WITHOUT ROWID;"

    /* Open311 client keys, kept only as SHA-256 hex of the key. */
    "CREATE TABLE api_key ("
    " id INTEGER PRIMARY KEY,"
    " name TEXT NOT NULL,"
    " prefix TEXT NOT NULL,"
    " hash TEXT NOT NULL UNIQUE,"
    " created_at INTEGER NOT NULL,"
    " revoked_at INTEGER"
    ") STRICT;"
    "CREATE UNIQUE INDEX api_key_active_name ON api_key (name)"
    " WHERE revoked_at IS NULL;"

    /* History of each request; rows are only ever added. */
    "CREATE TABLE event ("
    " id INTEGER PRIMARY KEY,"
    " request_id INTEGER NOT NULL REFERENCES request (id),"
    " jurisdiction_id TEXT,"
    " at INTEGER NOT NULL,"
    " actor TEXT,"
    " kind TEXT NOT NULL,"
    " public INTEGER NOT NULL DEFAULT 0 CHECK (public IN (0, 1)),"
    " note TEXT,"
    " before_json TEXT CHECK (before_json IS NULL OR json_valid(before_json)),"
    " after_json TEXT CHECK (after_json IS NULL OR json_valid(after_json))"
    ") STRICT;"
    "CREATE INDEX event_request ON event (request_id, at, id);"
    "CREATE TRIGGER event_no_update BEFORE UPDATE ON event"
    " BEGIN SELECT RAISE(ABORT, 'event history is append-only'); END;"
    "CREATE TRIGGER event_no_delete BEFORE DELETE ON event"
    " BEGIN SELECT RAISE(ABORT, 'event history is append-only'); END;";

/*
 * Version 2: the work engine. Work orders with their service levels and
 * hold accounting, round_robin turns, escalations applied, an outbox of
 * notifications and tow records.
 */
static const char migration_2[] =
    /* One piece of work of a request: a step of its workflow or a task. */
    "CREATE TABLE work_order ("
    " id INTEGER PRIMARY KEY,"
    " request_id INTEGER NOT NULL REFERENCES request (id),"
    " workflow TEXT,"
    " step TEXT NOT NULL,"
    " name TEXT,"
    " department TEXT NOT NULL,"
    " work_group TEXT,"
    " assignee TEXT,"
    " status TEXT NOT NULL"
    " CHECK (status IN ('open', 'in_progress', 'on_hold', 'done')),"
    " priority INTEGER NOT NULL DEFAULT 1,"
    " sla TEXT,"
    " created_at INTEGER NOT NULL,"
    " updated_at INTEGER NOT NULL,"
    " due_at INTEGER,"
    " at_risk_at INTEGER,"
    " started_at INTEGER,"
    " completed_at INTEGER,"
    " outcome TEXT,"
    " notes TEXT,"
    " hold_reason TEXT,"
    " held_since INTEGER,"
    " held_seconds INTEGER NOT NULL DEFAULT 0,"
    " sla_state TEXT NOT NULL DEFAULT 'on_track'"
    " CHECK (sla_state IN ('on_track', 'at_risk', 'breached'))"
    ") STRICT;"
    "CREATE INDEX work_order_request ON work_order (request_id, id);"
    "CREATE INDEX work_order_due ON work_order (status, due_at);"
    "CREATE INDEX work_order_group ON work_order (work_group, status);"
    /* Whose turn it is in a round_robin work group. */
    "CREATE TABLE work_group_turn ("
    " work_group TEXT PRIMARY KEY,"
    " turns INTEGER NOT NULL"
    ") STRICT;"
    /* Escalation levels applied: each at most once per work order. */
    "CREATE TABLE sla_escalation ("
    " work_order_id INTEGER NOT NULL REFERENCES work_order (id),"
    " level INTEGER NOT NULL,"
    " at INTEGER NOT NULL,"
    " notified TEXT,"
    " PRIMARY KEY (work_order_id, level)"
    ") STRICT;"
    /* Messages to deliver later (email, SMS); sent_at set once sent. */
    "CREATE TABLE outbox ("
    " id INTEGER PRIMARY KEY,"
    " created_at INTEGER NOT NULL,"
    " recipient TEXT NOT NULL,"
    " subject TEXT NOT NULL,"
    " body TEXT,"
    " request_id INTEGER REFERENCES request (id),"
    " work_order_id INTEGER REFERENCES work_order (id),"
    " sent_at INTEGER"
    ") STRICT;"
    "CREATE INDEX outbox_unsent ON outbox (sent_at, id);"
    /* Vehicles towed to a pound, from tow to release or disposal. */
    "CREATE TABLE tow_record ("
    " id INTEGER PRIMARY KEY,"
    " request_id INTEGER REFERENCES request (id),"
    " work_order_id INTEGER REFERENCES work_order (id),"
    " plate TEXT NOT NULL,"
    " plate_state TEXT,"
    " make TEXT,"
    " model TEXT,"
    " colour TEXT,"
    " towed_at INTEGER NOT NULL,"
    " towed_from TEXT,"
    " pound TEXT NOT NULL,"
    " reason TEXT NOT NULL CHECK (reason IN ('abandoned', 'violation')),"
    " status TEXT NOT NULL CHECK (status IN"
    " ('towed', 'notice_sent', 'held', 'released', 'disposed')),"
    " notice_due_at INTEGER,"
    " notice_sent_at INTEGER,"
    " disposal_from INTEGER,"
    " ownership_checked INTEGER NOT NULL DEFAULT 0,"
    " payment_checked INTEGER NOT NULL DEFAULT 0,"
    " released_at INTEGER,"
    " disposed_at INTEGER,"
    " owner_name TEXT,"
    " owner_address TEXT,"
    " created_at INTEGER NOT NULL,"
    " updated_at INTEGER NOT NULL"
    ") STRICT;"
    "CREATE INDEX tow_record_plate ON tow_record (plate, towed_at);";

/*
 * Version 3: the staff side. Staff accounts with hashed passwords, their
 * sessions (by token hash) and failed sign-ins; callers as contacts with
 * phones and emails, linked from their requests; escalation to experts;
 * per-key rate limits; an audit trail for what is not a request (request
 * changes stay in event).
 */
static const char migration_3[] =
    "CREATE TABLE staff_user ("
    " id INTEGER PRIMARY KEY,"
    " login TEXT NOT NULL UNIQUE,"
    " name TEXT NOT NULL,"
    " password_hash TEXT NOT NULL,"
    " roles TEXT NOT NULL,"
    " departments TEXT NOT NULL DEFAULT '',"
    " disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),"
    " created_at INTEGER NOT NULL,"
    " updated_at INTEGER NOT NULL"
    ") STRICT;"
    "CREATE TABLE staff_session ("
    " id INTEGER PRIMARY KEY,"
    " token_hash TEXT NOT NULL UNIQUE,"
    " user_id INTEGER NOT NULL REFERENCES staff_user (id),"
    " created_at INTEGER NOT NULL,"
    " expires_at INTEGER NOT NULL,"
    " ended_at INTEGER"
    ") STRICT;"
    "CREATE INDEX staff_session_user ON staff_session (user_id);"
    "CREATE TABLE login_failure ("
    " id INTEGER PRIMARY KEY,"
    " login TEXT NOT NULL,"
    " at INTEGER NOT NULL"
    ") STRICT;"
    "CREATE INDEX login_failure_login ON login_failure (login, at);"

    "CREATE TABLE contact ("
    " id INTEGER PRIMARY KEY,"
    " first_name TEXT,"
    " last_name TEXT,"
    " address TEXT,"
    " language TEXT,"
    " merged_into INTEGER,"
    " created_at INTEGER NOT NULL,"
    " updated_at INTEGER NOT NULL"
    ") STRICT;"
    "CREATE TABLE contact_point ("
    " contact_id INTEGER NOT NULL REFERENCES contact (id),"
    " seq INTEGER NOT NULL,"
    " kind TEXT NOT NULL CHECK (kind IN ('phone', 'email')),"
    " value TEXT NOT NULL,"
    " PRIMARY KEY (contact_id, seq)"
    ") STRICT, WITHOUT ROWID;"
    "CREATE INDEX contact_point_value ON contact_point (kind, value);"

    "ALTER TABLE request ADD COLUMN contact_id INTEGER"
    " REFERENCES contact (id);"
    "ALTER TABLE request ADD COLUMN interpreter_used INTEGER;"
    "ALTER TABLE request ADD COLUMN escalated_at INTEGER;"
    "ALTER TABLE request ADD COLUMN escalation_reason TEXT;"
    "ALTER TABLE request ADD COLUMN expert_id INTEGER"
    " REFERENCES staff_user (id);"
    "ALTER TABLE request ADD COLUMN taken_at INTEGER;"
    "CREATE INDEX request_contact ON request (contact_id, requested_at);"
    "CREATE INDEX request_escalated ON request (escalated_at)"
    " WHERE escalated_at IS NOT NULL;"
    "CREATE INDEX event_at ON event (at, id);"

    "ALTER TABLE api_key ADD COLUMN rate_limit INTEGER;"

    "CREATE TABLE audit ("
    " id INTEGER PRIMARY KEY,"
    " at INTEGER NOT NULL,"
    " actor TEXT,"
    " kind TEXT NOT NULL,"
    " subject TEXT NOT NULL,"
    " subject_id TEXT,"
    " before_json TEXT CHECK (before_json IS NULL OR json_valid(before_json)),"
    " after_json TEXT CHECK (after_json IS NULL OR json_valid(after_json))"
    ") STRICT;"
    "CREATE INDEX audit_at ON audit (at, id);"
    "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
    " BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;"
    "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit"
    " BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;";

/*
 * Version 5: calls of the contact centre, rebuilt from the ACD's queue_log
 * (core/acd.h). A call row keeps the call's whole event set (canonical
 * lines), so later lines merge into it and the report can rebuild it; the
 * other columns summarise it for look-ups. Agent login and pause spans
 * feed occupancy; queue_log_source remembers how far a followed log was
 * read.
 */
static const char migration_5[] =
    "CREATE TABLE call ("
    " id INTEGER PRIMARY KEY,"
    " callid TEXT NOT NULL UNIQUE,"
    " caller TEXT,"
    " queue TEXT NOT NULL,"
    " agent TEXT,"
    " entered_at INTEGER NOT NULL,"
    " answered_at INTEGER,"
    " ended_at INTEGER,"
    " outcome TEXT NOT NULL,"
    " wait_s INTEGER,"
    " talk_s INTEGER,"
    " events TEXT NOT NULL"
    ") STRICT;"
    "CREATE INDEX call_entered ON call (entered_at, id);"
    "CREATE INDEX call_caller ON call (caller, entered_at);"
    "CREATE TABLE call_agent_span ("
    " id INTEGER PRIMARY KEY,"
    " agent TEXT NOT NULL,"
    " queue TEXT NOT NULL,"
    " kind TEXT NOT NULL CHECK (kind IN ('member', 'pause')),"
    " started_at INTEGER NOT NULL,"
    " ended_at INTEGER,"
    " UNIQUE (agent, queue, kind, started_at)"
    ") STRICT;"
    "CREATE INDEX call_agent_span_started ON call_agent_span (started_at);"
    "CREATE TABLE queue_log_source ("
    " path TEXT PRIMARY KEY,"
    " inode TEXT NOT NULL,"
    " position INTEGER NOT NULL,"
    " updated_at INTEGER NOT NULL"
    ") STRICT;"
    /* Requests an agent filed by phone, found by the caller's number. */
    "CREATE INDEX request_phone ON request (phone, requested_at)"
    " WHERE phone IS NOT NULL;";

/*
 * Version 6: the knowledge base. Articles of one group are translations
 * of each other, one per language; kb_version keeps every version's
 * content (append-only); kb_fts (FTS5, trigram tokenizer) indexes title,
 * tags and body for terms of three characters or more and follows
 * kb_article by triggers; kb_gram holds the short grams of each article
 * for shorter terms (store/sqlite_kb.c). Uses and searches are logged for
 * the usage report.
 */
static const char migration_6[] =
    "CREATE TABLE kb_article ("
    " id INTEGER PRIMARY KEY,"
    " group_id INTEGER," /* set to the group's first id in the same txn */
    " group_key TEXT,"
    " lang TEXT NOT NULL,"
    " status TEXT NOT NULL CHECK (status IN ('draft', 'published')),"
    " category TEXT,"
    " department TEXT,"
    " review_by TEXT,"
    " version INTEGER NOT NULL,"
    " created_at INTEGER NOT NULL,"
    " updated_at INTEGER NOT NULL,"
    " published_at INTEGER,"
    " updated_by TEXT,"
    " title TEXT NOT NULL,"
    " tags TEXT,"
    /* Last, so that filters read no overflow page of a long body. */
    " body TEXT NOT NULL,"
    " UNIQUE (group_id, lang),"
    " UNIQUE (group_key, lang)"
    ") STRICT;"
    "CREATE INDEX kb_article_review ON kb_article (review_by);"
    "CREATE INDEX kb_article_category ON kb_article (category);"
    "CREATE TABLE kb_article_service ("
    " article_id INTEGER NOT NULL REFERENCES kb_article (id),"
    " service_code TEXT NOT NULL,"
    " PRIMARY KEY (article_id, service_code)"
    ") STRICT, WITHOUT ROWID;"
    "CREATE INDEX kb_article_service_code"
    " ON kb_article_service (service_code, article_id);"
    "CREATE TABLE kb_version ("
    " article_id INTEGER NOT NULL REFERENCES kb_article (id),"
    " version INTEGER NOT NULL,"
    " at INTEGER NOT NULL,"
    " actor TEXT,"
    " action TEXT NOT NULL"
    "  CHECK (action IN ('created', 'edited', 'published', 'restored')),"
    " restored_from INTEGER,"
    " changed TEXT NOT NULL,"
    " status TEXT NOT NULL,"
    " content TEXT NOT NULL CHECK (json_valid(content)),"
    " PRIMARY KEY (article_id, version)"
    ") STRICT, WITHOUT ROWID;"
    "CREATE TRIGGER kb_version_no_update BEFORE UPDATE ON kb_version"
    " BEGIN SELECT RAISE(ABORT, 'article history is append-only'); END;"
    "CREATE TRIGGER kb_version_no_delete BEFORE DELETE ON kb_version"
    " BEGIN SELECT RAISE(ABORT, 'article history is append-only'); END;"
    "CREATE TABLE kb_use ("
    " id INTEGER PRIMARY KEY,"
    " article_id INTEGER NOT NULL REFERENCES kb_article (id),"
    " at INTEGER NOT NULL,"
    " actor TEXT,"
    " channel TEXT NOT NULL,"
    " without_request INTEGER NOT NULL CHECK (without_request IN (0, 1))"
    ") STRICT;"
    "CREATE INDEX kb_use_at ON kb_use (at);"
    "CREATE TABLE kb_search ("
    " id INTEGER PRIMARY KEY,"
    " at INTEGER NOT NULL,"
    " actor TEXT,"
    " public INTEGER NOT NULL CHECK (public IN (0, 1)),"
    " query TEXT NOT NULL,"
    " norm TEXT NOT NULL,"
    " lang TEXT,"
    " results INTEGER NOT NULL"
    ") STRICT;"
    "CREATE INDEX kb_search_at ON kb_search (at);"
    "CREATE VIRTUAL TABLE kb_fts USING fts5(title, tags, body,"
    " content = 'kb_article', content_rowid = 'id', tokenize = 'trigram');"
    "CREATE TRIGGER kb_article_fts_insert AFTER INSERT ON kb_article BEGIN"
    " INSERT INTO kb_fts (rowid, title, tags, body)"
    " VALUES (new.id, new.title, new.tags, new.body); END;"
    "CREATE TRIGGER kb_article_fts_delete AFTER DELETE ON kb_article BEGIN"
    " INSERT INTO kb_fts (kb_fts, rowid, title, tags, body)"
    " VALUES ('delete', old.id, old.title, old.tags, old.body); END;"
    "CREATE TRIGGER kb_article_fts_update AFTER UPDATE OF title, tags, body"
    " ON kb_article BEGIN"
    " INSERT INTO kb_fts (kb_fts, rowid, title, tags, body)"
    " VALUES ('delete', old.id, old.title, old.tags, old.body);"
    " INSERT INTO kb_fts (rowid, title, tags, body)"
    " VALUES (new.id, new.title, new.tags, new.body); END;"
    "CREATE TABLE kb_gram ("
    " gram TEXT NOT NULL,"
    " weight INTEGER NOT NULL,"
    " article_id INTEGER NOT NULL REFERENCES kb_article (id),"
    " PRIMARY KEY (gram, weight, article_id)"
    ") STRICT, WITHOUT ROWID;"
    "CREATE INDEX kb_gram_article ON kb_gram (article_id);";

/* "Requests near a place": a box on (lat, lon) narrows the search. */
static const char migration_7[] =
    "CREATE INDEX request_location ON request (lat, lon)"
    " WHERE lat IS NOT NULL;";

/*
 * Version 4: imported history. request_import marks a request as imported
 * and keeps the digest that makes re-imports idempotent; imported_service
 * keeps complaint types that map to no configured service. The index on
 * closed_at serves the backlog of reports (still open at a given time).
 */
static const char migration_4[] =
    "CREATE TABLE request_import ("
    " request_id INTEGER PRIMARY KEY"
    " REFERENCES request (id) ON DELETE CASCADE,"
    " format TEXT NOT NULL,"
    " digest TEXT NOT NULL,"
    " department TEXT,"
    " imported_at INTEGER NOT NULL,"
    " changed_at INTEGER NOT NULL"
    ") STRICT;"
    "CREATE TABLE imported_service ("
    " id INTEGER PRIMARY KEY,"
    " code TEXT NOT NULL UNIQUE,"
    " name TEXT NOT NULL,"
    " format TEXT NOT NULL,"
    " department TEXT,"
    " created_at INTEGER NOT NULL"
    ") STRICT;"
    "CREATE INDEX request_closed ON request (closed_at);";

/*
 * Version 8 adds a trigram index of descriptions on PostgreSQL. SQLite has
 * no index for a substring search; the number is kept so that both back
 * ends name the same schema version.
 */
static const char migration_8[] = "SELECT 1;";

/*
 * Version 9: knowledge base search ignores accents (core/kb_text.h folds
 * "Grúa" to "grua"). kb_fts holds the folded title, tags and body, which
 * store/sqlite_kb.c writes with the short grams, instead of following
 * kb_article by triggers; kb_index_pending asks store_open() to rebuild
 * the index of the articles already there (folding is not SQL).
 */
static const char migration_9[] =
    "DROP TRIGGER kb_article_fts_insert;"
    "DROP TRIGGER kb_article_fts_delete;"
    "DROP TRIGGER kb_article_fts_update;"
    "DROP TABLE kb_fts;"
    "CREATE VIRTUAL TABLE kb_fts USING fts5(title, tags, body,"
    " tokenize = 'trigram');"
    "CREATE TABLE kb_index_pending (since INTEGER NOT NULL) STRICT;"
    "INSERT INTO kb_index_pending (since) SELECT unixepoch()"
    " WHERE EXISTS (SELECT 1 FROM kb_article);";

/*
 * Version 10: a call keeps its legs and rings as compact text (legs, see
 * acd_call_legs_text), so reports read them instead of replaying the
 * call's lines. Once a call is over its event set is no longer kept
 * (events is ''): digest holds the hashes of its lines (16 hex digits
 * each), so lines read again are known. Calls stored before keep their
 * event set and no legs; they are read by replaying it.
 */
static const char migration_10[] = "ALTER TABLE call ADD COLUMN legs TEXT;"
                                   "ALTER TABLE call ADD COLUMN digest TEXT;";

/*
 * Version 11: imports at the pace of a bulk load. request_import.attrs
 * keeps an imported request's source columns as one JSON object (code to
 * value, in the file's order) instead of a request_attr row each;
 * requests imported before keep their rows and readers take both. line
 * is the line of its file a request was last written from. index_deferred holds
 * the indexes a bulk import dropped, with the SQL that makes them, until the
 * import builds them again at its end, or the next open does after an import
 * that was killed.
 */
static const char migration_11[] =
    "ALTER TABLE request_import ADD COLUMN attrs TEXT;"
    "ALTER TABLE request_import ADD COLUMN line INTEGER;"
    "CREATE TABLE index_deferred ("
    " name TEXT PRIMARY KEY,"
    " sql TEXT NOT NULL"
    ") STRICT;"
    /* Requests of a known caller only: imported ones have none. */
    "DROP INDEX request_contact;"
    "CREATE INDEX request_contact ON request (contact_id, requested_at)"
    " WHERE contact_id IS NOT NULL;";

/*
 * Version 12: knowledge base search reads fullwidth letters and digits
 * ("ＧＲＵＡ", as Chinese and Japanese input types them) as ASCII ones, so
 * the folded index of the articles already there is rebuilt at open.
 */
static const char migration_12[] =
    "INSERT INTO kb_index_pending (since) SELECT unixepoch()"
    " WHERE EXISTS (SELECT 1 FROM kb_article);";

static const struct migration migrations[] = {
    {1, "requests, answers, api keys, events", migration_1},
    {2, "work orders, escalations, outbox, tow records", migration_2},
    {3, "staff, sessions, contacts, escalation, key limits, audit",
     migration_3},
    {4, "imported requests and services", migration_4},
    {5, "calls from the contact centre's queue log", migration_5},
    {6, "knowledge base: articles, versions, search index, usage", migration_6},
    {7, "index of request locations", migration_7},
    {8, "trigram index of request descriptions (PostgreSQL)", migration_8},
    {9, "knowledge base search without accents", migration_9},
    {10, "legs and line digests of calls", migration_10},
    {11, "imported attributes as one value, deferred indexes", migration_11},
    {12, "knowledge base search reads fullwidth letters", migration_12},
};

#define NMIGRATIONS (sizeof(migrations) / sizeof(migrations[0]))

/* Newest version this build knows. */
int
store__sqlite_schema_latest(void)
{
    return migrations[NMIGRATIONS - 1].version;
}

/* Runs sql (any number of statements) and turns a failure into a cause. */
static enum c311_rc
exec_sql(sqlite3 *db, const char *sql, const char *what, char **cause)
{
    char *msg = NULL;
    enum c311_rc rc;

    if (sqlite3_exec(db, sql, NULL, NULL, &msg) == SQLITE_OK)
        return C311_OK;
    rc = store__fail(cause, C311_ERR_DB, "%s failed: %s", what,
                     msg != NULL ? msg : sqlite3_errmsg(db));
    sqlite3_free(msg);
    return rc;
}

/* Reads a single integer result of sql into *out. */
static enum c311_rc
query_int(sqlite3 *db, const char *sql, int *out, char **cause)
{
    sqlite3_stmt *stmt = NULL;
    enum c311_rc rc = C311_OK;

    if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK ||
        sqlite3_step(stmt) != SQLITE_ROW)
        rc = store__fail(cause, C311_ERR_DB,
                         "reading the schema version failed: %s",
                         sqlite3_errmsg(db));
    else
        *out = sqlite3_column_int(stmt, 0);
    sqlite3_finalize(stmt);
    return rc;
}

enum c311_rc
store__sqlite_version(sqlite3 *db, int *version, char **cause)
{
    enum c311_rc rc;

    rc = exec_sql(db,
                  "CREATE TABLE IF NOT EXISTS schema_migration ("
                  " version INTEGER PRIMARY KEY,"
                  " name TEXT NOT NULL,"
                  " applied_at INTEGER NOT NULL) STRICT",
                  "creating the migration table", cause);
    if (rc != C311_OK)
        return rc;
    return query_int(db,
                     "SELECT coalesce(max(version), 0) FROM schema_migration",
                     version, cause);
}

/* Notes in schema_migration that m has been applied. */
static enum c311_rc
record(sqlite3 *db, const struct migration *m, char **cause)
{
    sqlite3_stmt *stmt = NULL;
    enum c311_rc rc = C311_OK;

    if (sqlite3_prepare_v2(db,
                           "INSERT INTO schema_migration"
                           " (version, name, applied_at)"
                           " VALUES (?1, ?2, unixepoch())",
                           -1, &stmt, NULL) != SQLITE_OK ||
        sqlite3_bind_int(stmt, 1, m->version) != SQLITE_OK ||
        sqlite3_bind_text(stmt, 2, m->name, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_step(stmt) != SQLITE_DONE)
        rc =
            store__fail(cause, C311_ERR_DB, "recording migration %d failed: %s",
                        m->version, sqlite3_errmsg(db));
    sqlite3_finalize(stmt);
    return rc;
}

/* Sets *done to whether migration version is recorded as applied. */
static enum c311_rc
applied(sqlite3 *db, int version, bool *done, char **cause)
{
    sqlite3_stmt *stmt = NULL;
    enum c311_rc rc = C311_OK;
    int step;

    if (sqlite3_prepare_v2(db,
                           "SELECT 1 FROM schema_migration WHERE version = ?1",
                           -1, &stmt, NULL) != SQLITE_OK ||
        sqlite3_bind_int(stmt, 1, version) != SQLITE_OK ||
        ((step = sqlite3_step(stmt)) != SQLITE_ROW && step != SQLITE_DONE))
        rc = store__fail(cause, C311_ERR_DB,
                         "reading the applied migrations failed: %s",
                         sqlite3_errmsg(db));
    else
        *done = step == SQLITE_ROW;
    sqlite3_finalize(stmt);
    return rc;
}

/*
 * Applies migration m unless it is recorded already (another process may
 * have applied it first; the check runs inside the write transaction, so
 * two openers cannot both apply it). Migrations are recorded one by one,
 * so a lower number added after a higher one still gets applied.
 */
static enum c311_rc
apply(sqlite3 *db, const struct migration *m, char **cause)
{
    enum c311_rc rc;
    bool done = false;
    int version;

    rc = exec_sql(db, "BEGIN IMMEDIATE", "starting a migration", cause);
    if (rc != C311_OK)
        return rc;
    rc = store__sqlite_version(db, &version, cause);
    if (rc == C311_OK)
        rc = applied(db, m->version, &done, cause);
    if (rc != C311_OK || done)
        goto rollback;

    rc = exec_sql(db, m->sql, "migration", cause);
    if (rc != C311_OK)
        goto rollback;
    rc = record(db, m, cause);
    if (rc != C311_OK)
        goto rollback;
    return exec_sql(db, "COMMIT", "committing a migration", cause);

rollback:
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

enum c311_rc
store__sqlite_migrate(sqlite3 *db, int *version, char **cause)
{
    enum c311_rc rc;
    size_t i;

    rc = store__sqlite_version(db, version, cause);
    if (rc != C311_OK)
        return rc;
    if (*version > store__sqlite_schema_latest())
        return store__fail(cause, C311_ERR_INVALID,
                           "database schema version %d is newer than this "
                           "build knows (%d)",
                           *version, store__sqlite_schema_latest());

    for (i = 0; i < NMIGRATIONS; i++) {
        rc = apply(db, &migrations[i], cause);
        if (rc != C311_OK)
            return rc;
    }
    return store__sqlite_version(db, version, cause);
}

/* The page cache while indexes are built, in PRAGMA cache_size's terms. */
#define REBUILD_CACHE "-4096"

enum c311_rc
store__sqlite_indexes_restore(sqlite3 *db, char **cause)
{
    sqlite3_stmt *stmt = NULL;
    enum c311_rc rc = C311_OK;
    int step = SQLITE_DONE;
    int64_t cache = -2000;
    char pragma[64];
    char *sql;

    /*
     * A second thread helps sort the keys of each index, in small runs
     * (the sorter's memory follows the page cache's size): merging more
     * runs costs less than the sort's memory would, and peak memory does
     * not grow with the table.
     */
    if (sqlite3_prepare_v2(db, "PRAGMA cache_size", -1, &stmt, NULL) ==
            SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW)
        cache = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    sqlite3_exec(db, "PRAGMA threads = 2", NULL, NULL, NULL);
    sqlite3_exec(db, "PRAGMA cache_size = " REBUILD_CACHE, NULL, NULL, NULL);
    if (sqlite3_prepare_v2(db, "SELECT sql FROM index_deferred", -1, &stmt,
                           NULL) != SQLITE_OK)
        rc = store__fail(cause, C311_ERR_DB, "reading deferred indexes: %s",
                         sqlite3_errmsg(db));
    while (rc == C311_OK && (step = sqlite3_step(stmt)) == SQLITE_ROW) {
        sql = sqlite3_mprintf("%s", sqlite3_column_text(stmt, 0));
        if (sql == NULL)
            rc = store__fail(cause, C311_ERR_NOMEM, "out of memory");
        else
            rc = exec_sql(db, sql, "rebuilding an index", cause);
        sqlite3_free(sql);
    }
    if (rc == C311_OK && step != SQLITE_DONE)
        rc = store__fail(cause, C311_ERR_DB, "reading deferred indexes: %s",
                         sqlite3_errmsg(db));
    sqlite3_finalize(stmt);
    sqlite3_exec(db, "PRAGMA threads = 0", NULL, NULL, NULL);
    snprintf(pragma, sizeof(pragma), "PRAGMA cache_size = %lld",
             (long long)cache);
    sqlite3_exec(db, pragma, NULL, NULL, NULL);
    if (rc == C311_OK)
        rc = exec_sql(db, "DELETE FROM index_deferred", "rebuilding indexes",
                      cause);
    return rc;
}

enum c311_rc
store__sqlite_indexes_pending(sqlite3 *db, bool *pending, char **cause)
{
    sqlite3_stmt *stmt = NULL;
    int step;

    *pending = false;
    if (sqlite3_prepare_v2(db, "SELECT 1 FROM index_deferred LIMIT 1", -1,
                           &stmt, NULL) != SQLITE_OK)
        return store__fail(cause, C311_ERR_DB, "reading deferred indexes: %s",
                           sqlite3_errmsg(db));
    step = sqlite3_step(stmt);
    *pending = step == SQLITE_ROW;
    sqlite3_finalize(stmt);
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        return store__fail(cause, C311_ERR_DB, "reading deferred indexes: %s",
                           sqlite3_errmsg(db));
    return C311_OK;
}
