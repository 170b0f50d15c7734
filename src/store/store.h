/* SPDX-License-Identifier: MIT */
/*
 * The storage interface. Callers see only these functions and the plain
 * structs of core/; which database sits behind them is chosen by the DSN
 * given to store_open():
 *
 *     "path/to/file.db"  or "sqlite:path"   embedded SQLite (the default)
 *     "postgresql://..."                    PostgreSQL
 *
 * A store is safe to use from many threads at once. Every write function
 * returns only after its transaction has committed, so an acknowledged
 * write survives a crash of the process.
 *
 * Results are allocated in the arena the caller passes and live as long as
 * it does. Errors put a readable sentence in *cause when cause is not NULL
 * (allocated with malloc; the caller frees it).
 */
#ifndef CIVIC311_STORE_H
#define CIVIC311_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/request.h"
#include "util/arena.h"
#include "util/status.h"

struct store;

struct store_options {
    size_t readers;   /* read connections; 0 picks a default */
    bool synchronous; /* fsync at every commit (survives power loss too) */
    bool existing;    /* refuse to create a store; see store_open() */
};

/*
 * Opens the store named by dsn, creating and migrating it to the newest
 * schema when needed. On success *out owns the connections. With
 * opt->existing, a store that was never created (no SQLite file, or a file
 * or PostgreSQL database without civic311's tables) is C311_ERR_NOT_FOUND
 * and nothing is created: commands that only read use it, so a mistyped
 * --db fails instead of reading an empty store.
 */
enum c311_rc store_open(const char *dsn, const struct store_options *opt,
                        struct store **out, char **cause);
void store_close(struct store *st);

/* Schema version the store is at, and the newest this build knows. */
int store_schema_version(struct store *st);
int store_schema_latest(void);

/* ---- service requests ---- */

/*
 * Inserts req: assigns req->id and, when req->public_id is NULL, a new
 * public id "YYYY-NNNNNN" (the year of requested_at in the process time
 * zone, then the row id; allocated in a). requested_at and updated_at must be
 * set. C311_ERR_CONFLICT when the public id or token exists already.
 */
enum c311_rc store_request_insert(struct store *st, struct sr *req,
                                  struct arena *a, char **cause);

/* Loads one request with its answers; C311_ERR_NOT_FOUND if absent. */
enum c311_rc store_request_get(struct store *st, const char *public_id,
                               struct arena *a, struct sr **out, char **cause);

/* Resolves a batch token; C311_ERR_NOT_FOUND if absent. */
enum c311_rc store_request_by_token(struct store *st, const char *token,
                                    struct arena *a, struct sr **out,
                                    char **cause);

/* Filters for store_request_query; NULL or 0 means "any". */
struct sr_query {
    const char *jurisdiction_id;
    const char **public_ids; /* when set, only these (other filters off) */
    size_t npublic_ids;
    const char **service_codes;
    size_t nservice_codes;
    bool want_open, want_closed; /* both false: any status */
    int64_t requested_from;      /* inclusive; 0 = open-ended */
    int64_t requested_to;        /* inclusive; 0 = open-ended */
    int64_t updated_from;        /* inclusive; 0 = open-ended */
    int64_t updated_to;          /* inclusive; 0 = open-ended */
    bool near;                   /* only requests within near_m metres */
    double near_lat, near_lon, near_m;
    size_t offset;
    size_t limit; /* required, > 0 */
};

/*
 * Finds requests, newest requested first (ties by id, descending). Answers
 * are not loaded (nattrs is 0); contact fields are loaded.
 */
enum c311_rc store_request_query(struct store *st, const struct sr_query *q,
                                 struct arena *a, struct sr **out, size_t *n,
                                 char **cause);

/* ---- Open311 API keys ---- */

struct api_key {
    int64_t id;
    const char *name;
    const char *prefix; /* first characters of the key, to recognise it */
    int64_t created_at;
    int64_t revoked_at; /* 0 while valid */
};

/*
 * Stores a key by its hash (the key itself is never stored).
 * C311_ERR_CONFLICT if an active key has that name.
 */
enum c311_rc store_apikey_add(struct store *st, const char *name,
                              const char *prefix, const char *hash_hex,
                              int64_t now, char **cause);

/* Finds the active key whose hash is hash_hex; C311_ERR_NOT_FOUND if none. */
enum c311_rc store_apikey_find(struct store *st, const char *hash_hex,
                               struct arena *a, struct api_key *out,
                               char **cause);

enum c311_rc store_apikey_list(struct store *st, struct arena *a,
                               struct api_key **out, size_t *n, char **cause);

/* Revokes the active key called name; C311_ERR_NOT_FOUND if none. */
enum c311_rc store_apikey_revoke(struct store *st, const char *name,
                                 int64_t now, char **cause);

/* ---- copying whole stores ---- */

/*
 * The tables a copy from one store to another moves, parents before
 * children, so that importing them in this order meets every foreign key.
 */
enum store_table {
    STORE_API_KEY,
    STORE_STAFF_USER,
    STORE_STAFF_SESSION,
    STORE_CONTACT,
    STORE_CONTACT_POINT,
    STORE_REQUEST,
    STORE_REQUEST_ATTR,
    STORE_EVENT,
    STORE_AUDIT,
    STORE_REQUEST_IMPORT,
    STORE_IMPORTED_SERVICE,
    STORE_WORK_ORDER,
    STORE_WORK_GROUP_TURN,
    STORE_SLA_ESCALATION,
    STORE_OUTBOX,
    STORE_TOW_RECORD,
    STORE_CALL,
    STORE_CALL_AGENT_SPAN,
    STORE_QUEUE_LOG_SOURCE,
    STORE_KB_ARTICLE,
    STORE_KB_ARTICLE_SERVICE,
    STORE_KB_VERSION,
    STORE_KB_USE,
    STORE_KB_SEARCH,
    STORE_NTABLES
};

/* The table's name in the schema ("request", ...). */
const char *store_table_name(enum store_table t);

/* The number of columns of a row of t, as store_export lays them out. */
size_t store_table_width(enum store_table t);

/*
 * Where store_export goes on: after the row whose key (its first column,
 * or its first two for request_attr) is key; for a table keyed by text
 * (work_group_turn, ...), key[0] counts the rows already read. Start from
 * STORE_CURSOR_INIT.
 */
struct store_cursor {
    int64_t key[2];
};

#define STORE_CURSOR_INIT                                                      \
    {                                                                          \
        {                                                                      \
            INT64_MIN, INT64_MIN                                               \
        }                                                                      \
    }

/*
 * Reads up to limit rows of t that come after *cur in key order and moves
 * *cur past them. *cells receives n rows of store_table_width(t) values,
 * row after row: every column of the schema, in schema order, as text (a
 * real with all 17 digits, JSON as JSON text), NULL for SQL NULL. n is 0
 * once the table is exhausted. Private contact fields, key hashes and
 * tokens are included: this is for moving a store, never for clients.
 */
enum c311_rc store_export(struct store *st, enum store_table t,
                          struct store_cursor *cur, size_t limit,
                          struct arena *a, const char ***cells, size_t *n,
                          char **cause);

/*
 * Inserts n rows laid out as store_export gives them, ids included, in one
 * transaction, and moves the table's id generator past the largest id, so
 * that rows added later get new ids. C311_ERR_CONFLICT when a key exists.
 */
enum c311_rc store_import(struct store *st, enum store_table t,
                          const char *const *cells, size_t n, char **cause);

/* Counts the rows of t. */
enum c311_rc store_count(struct store *st, enum store_table t, int64_t *n,
                         char **cause);

#endif
