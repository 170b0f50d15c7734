/* SPDX-License-Identifier: MIT */
/*
 * The PostgreSQL back end, on libpq. A pool of connections is handed out
 * under a mutex and a condition variable; every call takes one, runs, and
 * gives it back, so each connection is used by one thread at a time. Every
 * value travels as a PQexecParams parameter. Writes run between BEGIN and
 * COMMIT and succeed only once COMMIT has returned.
 *
 * Text fields that are NULL or empty are stored as NULL and come back as
 * NULL pointers; instants that are 0 ("unknown") are stored as NULL, as in
 * the SQLite back end. Row ids come from identity sequences, which never
 * hand a number back: an insert that fails leaves a gap where SQLite would
 * reuse the id.
 *
 * When the server goes away (a lost connection, SQLSTATE class 08, or an
 * administrator shutdown) the call fails with C311_ERR_UNAVAILABLE and
 * every connection of the pool is reset before its next use, so the store
 * recovers by itself once the server is back. A failed call is tried once
 * more on a fresh connection, unless it was a write whose COMMIT had been
 * sent: its outcome is unknown and only the caller may decide.
 */
#include <inttypes.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/geo.h"
#include "store/backend.h"
#include "store/columns.h"
#include "store/import_backend.h"
#include "store/pg_schema.h"
#include "store/pg_shared.h"
#include "util/buf.h"

#define PG_DEFAULT_POOL    5
#define PG_CONNECT_TIMEOUT "10"
#define PG_QUERY_SQL_MAX   (256 * 1024)
#define PG_REQ_PARAMS      29
#define PG_CONSTRAINT_MAX  64

/* $1 is public_id; the others follow REQ_COLUMNS without id. */
static const char sql_req_insert[] =
    "INSERT INTO request (public_id, jurisdiction_id, service_code,"
    " service_name, status, status_notes, description,"
    " agency_responsible, service_notice, requested_at, updated_at,"
    " expected_at, closed_at, lat, lon, address, address_id, zipcode,"
    " media_url, channel, language, api_key_name, email, phone,"
    " first_name, last_name, device_id, account_id, token)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::bigint, $11::bigint,"
    " $12::bigint, $13::bigint, $14::double precision,"
    " $15::double precision, $16, $17, $18, $19, $20, $21, $22, $23, $24,"
    " $25, $26, $27, $28, $29)"
    " RETURNING id";

static const char sql_event_created[] =
    "INSERT INTO event (request_id, jurisdiction_id, at, actor, kind,"
    " public, after_json)"
    " SELECT id, jurisdiction_id, requested_at,"
    " coalesce('api_key:' || api_key_name, channel), 'created', 1,"
    " jsonb_build_object('public_id', public_id,"
    " 'service_code', service_code, 'status', status,"
    " 'description', description, 'lat', lat, 'lon', lon,"
    " 'address', address, 'channel', channel)"
    " FROM request WHERE id = $1::bigint";

struct pg_conn {
    PGconn *db;
    unsigned epoch; /* the store's epoch when this was (re)connected */
    bool commit_sent;
    char constraint[PG_CONSTRAINT_MAX]; /* of the last failed statement */
};

struct pg_store {
    struct pg_conn *conns;
    size_t nconns;
    struct pg_conn **idle; /* stack of connections not in use */
    size_t nidle;
    unsigned epoch; /* bumped when a lost connection is seen */
    pthread_mutex_t lock;
    pthread_cond_t ready;

    char *dsn;
    bool synchronous;
    int version;
    int64_t import_run; /* the open import run's id, or 0 */
};

int64_t *
store__pg_import_run(struct pg_store *s)
{
    return &s->import_run;
}

/* ---- connections ---- */

/* Notes that the server went away: every connection reconnects first. */
static void
pool_lost(struct pg_store *s)
{
    pthread_mutex_lock(&s->lock);
    s->epoch++;
    pthread_mutex_unlock(&s->lock);
}

/*
 * Runs sql with n text parameters (NULL pointers are SQL NULL) on c. On
 * success *out (when not NULL) receives the result, which the caller
 * clears; on failure the statement's constraint is kept in c->constraint
 * and a lost connection resets the pool.
 */
static enum c311_rc
conn_exec(struct pg_store *s, struct pg_conn *c, const char *sql, int n,
          const char *const *values, PGresult **out, const char *what,
          char **cause)
{
    PGresult *res;
    const char *name;
    enum c311_rc rc;
    bool lost;

    if (out != NULL)
        *out = NULL;
    c->constraint[0] = '\0';
    res = PQexecParams(c->db, sql, n, NULL, values, NULL, NULL, 0);
    if (res != NULL && (PQresultStatus(res) == PGRES_COMMAND_OK ||
                        PQresultStatus(res) == PGRES_TUPLES_OK)) {
        if (out != NULL)
            *out = res;
        else
            PQclear(res);
        return C311_OK;
    }
    rc = store__pg_fail(c->db, res, &lost, cause, what);
    name =
        res != NULL ? PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME) : NULL;
    if (name != NULL)
        snprintf(c->constraint, sizeof(c->constraint), "%s", name);
    PQclear(res);
    if (lost)
        pool_lost(s);
    return rc;
}

/* Drops server notices ("relation exists, skipping" and the like). */
static void
ignore_notice(void *arg, const char *message)
{
}

/* Applies the per-connection settings (after a connect or a reset). */
static enum c311_rc
conn_setup(struct pg_store *s, struct pg_conn *c, char **cause)
{
    return conn_exec(s, c,
                     s->synchronous ? "SET synchronous_commit = on"
                                    : "SET synchronous_commit = off",
                     0, NULL, NULL, "configuring the connection", cause);
}

/* The first line of libpq's last message on db, for a cause. */
static const char *
conn_error(PGconn *db, char *out, size_t size)
{
    const char *msg = db != NULL ? PQerrorMessage(db) : "out of memory";
    size_t n = strcspn(msg, "\n");

    if (n >= size)
        n = size - 1;
    memcpy(out, msg, n);
    out[n] = '\0';
    return out;
}

/*
 * Makes c usable: connects it the first time, resets it when it was lost
 * or older than the last loss the pool saw, and applies the settings.
 */
static enum c311_rc
conn_ready(struct pg_store *s, struct pg_conn *c, char **cause)
{
    /*
     * TODO: a database that freezes without closing the connection (a
     * stopped process, a hung host) makes calls wait for it; queries have
     * no client-side deadline yet.
     *
     * Over TCP, keepalives and a user timeout notice a database host that
     * has gone away within about 15 s instead of the kernel's two hours.
     * The DSN comes last, so its own settings win over these.
     */
    static const char *const keys[] = {
        "connect_timeout",  "fallback_application_name",
        "client_encoding",  "keepalives",
        "keepalives_idle",  "keepalives_interval",
        "keepalives_count", "tcp_user_timeout",
        "dbname",           NULL};
    const char *values[] = {PG_CONNECT_TIMEOUT,
                            "civic311",
                            "UTF8",
                            "1",
                            "5",
                            "2",
                            "3",
                            "15000",
                            s->dsn,
                            NULL};
    unsigned epoch;
    char msg[512];

    pthread_mutex_lock(&s->lock);
    epoch = s->epoch;
    pthread_mutex_unlock(&s->lock);

    c->commit_sent = false;
    if (c->db != NULL && c->epoch == epoch && PQstatus(c->db) == CONNECTION_OK)
        return C311_OK;
    if (c->db == NULL)
        c->db = PQconnectdbParams(keys, values, 1);
    else
        PQreset(c->db);
    if (c->db == NULL || PQstatus(c->db) != CONNECTION_OK)
        return store__fail(cause, C311_ERR_UNAVAILABLE,
                           "database unavailable: cannot connect: %s",
                           conn_error(c->db, msg, sizeof(msg)));
    c->epoch = epoch;
    PQsetNoticeProcessor(c->db, ignore_notice, NULL);
    return conn_setup(s, c, cause);
}

/* Takes a connection, waiting until one is free. */
static struct pg_conn *
pool_get(struct pg_store *s)
{
    struct pg_conn *c;

    pthread_mutex_lock(&s->lock);
    while (s->nidle == 0)
        pthread_cond_wait(&s->ready, &s->lock);
    c = s->idle[--s->nidle];
    pthread_mutex_unlock(&s->lock);
    return c;
}

/* Gives a connection back to the pool. */
static void
pool_put(struct pg_store *s, struct pg_conn *c)
{
    pthread_mutex_lock(&s->lock);
    s->idle[s->nidle++] = c;
    pthread_cond_signal(&s->ready);
    pthread_mutex_unlock(&s->lock);
}

/* The work of one store call, run on a ready connection. */
typedef enum c311_rc (*pg_work)(struct pg_store *s, struct pg_conn *c,
                                void *arg, char **cause);

/*
 * Runs work on a pooled connection, inside BEGIN ... COMMIT when write is
 * set (rolled back unless work and COMMIT succeed). A call that found the
 * server gone is tried once more on a fresh connection, except a write
 * whose COMMIT was sent.
 */
static enum c311_rc
pg_run(struct pg_store *s, bool write, pg_work work, void *arg, char **cause)
{
    struct pg_conn *c;
    enum c311_rc rc;
    bool unknown;
    int attempt;

    for (attempt = 0;; attempt++) {
        c = pool_get(s);
        rc = conn_ready(s, c, cause);
        if (rc == C311_OK && write)
            rc = conn_exec(s, c, "BEGIN", 0, NULL, NULL,
                           "starting a transaction", cause);
        if (rc == C311_OK)
            rc = work(s, c, arg, cause);
        if (write && rc == C311_OK) {
            c->commit_sent = true;
            rc = conn_exec(s, c, "COMMIT", 0, NULL, NULL, "committing", cause);
        }
        if (write && rc != C311_OK && c->db != NULL &&
            PQtransactionStatus(c->db) != PQTRANS_IDLE &&
            PQtransactionStatus(c->db) != PQTRANS_UNKNOWN)
            PQclear(PQexec(c->db, "ROLLBACK"));
        unknown = c->commit_sent && rc == C311_ERR_UNAVAILABLE;
        pool_put(s, c);
        if (unknown && cause != NULL) {
            free(*cause);
            return store__fail(cause, C311_ERR_UNAVAILABLE,
                               "database unavailable while committing: the "
                               "write may or may not have been stored");
        }
        if (rc != C311_ERR_UNAVAILABLE || unknown || attempt > 0)
            return rc;
        if (cause != NULL) {
            free(*cause);
            *cause = NULL;
        }
    }
}

/* Closes every connection and frees s; handles a half-opened store. */
static void
pg_close(void *impl)
{
    struct pg_store *s = impl;
    size_t i;

    if (s == NULL)
        return;
    for (i = 0; i < s->nconns; i++)
        PQfinish(s->conns[i].db);
    free(s->conns);
    free(s->idle);
    free(s->dsn);
    pthread_mutex_destroy(&s->lock);
    pthread_cond_destroy(&s->ready);
    free(s);
}

/*
 * Checks that the database holds a store already, creating nothing: every
 * created store has the migration table (looked up on the search path, as
 * the migrations create it).
 */
static enum c311_rc
store_exists(PGconn *db, char **cause)
{
    PGresult *res;
    bool found;

    res = PQexec(db, "SELECT to_regclass('schema_migration') IS NOT NULL");
    if (res == NULL || PQresultStatus(res) != PGRES_TUPLES_OK ||
        PQntuples(res) != 1) {
        PQclear(res);
        return store__fail(cause, C311_ERR_DB,
                           "cannot look for the store's tables: %s",
                           PQerrorMessage(db));
    }
    found = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
    PQclear(res);
    if (!found)
        return store__fail(cause, C311_ERR_NOT_FOUND,
                           "no store in this PostgreSQL database; import or "
                           "serve first");
    return C311_OK;
}

/*
 * Connects to the server named by dsn (a postgresql:// or postgres:// URI),
 * migrates the database with the first connection and connects the rest.
 */
static enum c311_rc
pg_open(const char *dsn, const struct store_options *opt, void **impl,
        char **cause)
{
    struct pg_store *s;
    enum c311_rc rc;
    size_t i, n;

    *impl = NULL;
    if (!PQisthreadsafe())
        return store__fail(cause, C311_ERR_DB,
                           "the libpq library was built without threads");
    n = opt->readers > 0 ? opt->readers + 1 : PG_DEFAULT_POOL;
    s = calloc(1, sizeof(*s));
    if (s == NULL)
        return store__fail(cause, C311_ERR_NOMEM, "out of memory");
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->ready, NULL);
    s->synchronous = opt->synchronous;
    s->dsn = strdup(dsn);
    s->conns = calloc(n, sizeof(*s->conns));
    s->idle = calloc(n, sizeof(*s->idle));
    if (s->dsn == NULL || s->conns == NULL || s->idle == NULL) {
        rc = store__fail(cause, C311_ERR_NOMEM, "out of memory");
        goto fail;
    }
    s->nconns = n;
    for (i = 0; i < n; i++) {
        rc = conn_ready(s, &s->conns[i], cause);
        if (rc != C311_OK)
            goto fail;
        if (i == 0 && opt->existing &&
            (rc = store_exists(s->conns[0].db, cause)) != C311_OK)
            goto fail;
        if (i == 0 && (rc = store__pg_migrate(s->conns[0].db, &s->version,
                                              cause)) != C311_OK)
            goto fail;
        s->idle[s->nidle++] = &s->conns[i];
    }
    *impl = s;
    return C311_OK;

fail:
    pg_close(s);
    return rc;
}

/* Schema version read when the store was opened. */
static int
pg_schema_version(void *impl)
{
    return ((struct pg_store *)impl)->version;
}

/* ---- reading rows ---- */

/* Copies values of one result row into an arena, noting allocation failure. */
struct row {
    const PGresult *res;
    int i;
    struct arena *a;
    bool oom;
};

/* Returns column j as an arena string, or NULL when it is NULL. */
static const char *
row_text(struct row *r, int j)
{
    char *s;

    if (PQgetisnull(r->res, r->i, j))
        return NULL;
    s = arena_strndup(r->a, PQgetvalue(r->res, r->i, j),
                      (size_t)PQgetlength(r->res, r->i, j));
    if (s == NULL)
        r->oom = true;
    return s;
}

/* Returns column j as an integer, 0 when it is NULL. */
static int64_t
row_int(struct row *r, int j)
{
    if (PQgetisnull(r->res, r->i, j))
        return 0;
    return strtoll(PQgetvalue(r->res, r->i, j), NULL, 10);
}

/* Returns column j as a double, 0 when it is NULL. */
static double
row_double(struct row *r, int j)
{
    if (PQgetisnull(r->res, r->i, j))
        return 0;
    return strtod(PQgetvalue(r->res, r->i, j), NULL);
}

/* Fills req from row i of a result selecting REQ_COLUMNS. */
static enum c311_rc
read_request(const PGresult *res, int i, struct arena *a, struct sr *req)
{
    struct row r = {res, i, a, false};

    memset(req, 0, sizeof(*req));
    req->id = row_int(&r, COL_ID);
    req->public_id = row_text(&r, COL_PUBLIC_ID);
    req->jurisdiction_id = row_text(&r, COL_JURISDICTION_ID);
    req->service_code = row_text(&r, COL_SERVICE_CODE);
    req->service_name = row_text(&r, COL_SERVICE_NAME);
    req->status = strcmp(PQgetvalue(res, i, COL_STATUS), "closed") == 0
                      ? SR_CLOSED
                      : SR_OPEN;
    req->status_notes = row_text(&r, COL_STATUS_NOTES);
    req->description = row_text(&r, COL_DESCRIPTION);
    req->agency_responsible = row_text(&r, COL_AGENCY_RESPONSIBLE);
    req->service_notice = row_text(&r, COL_SERVICE_NOTICE);
    req->requested_at = row_int(&r, COL_REQUESTED_AT);
    req->updated_at = row_int(&r, COL_UPDATED_AT);
    req->expected_at = row_int(&r, COL_EXPECTED_AT);
    req->closed_at = row_int(&r, COL_CLOSED_AT);
    req->has_location = !PQgetisnull(res, i, COL_LAT);
    req->lat = row_double(&r, COL_LAT);
    req->lon = row_double(&r, COL_LON);
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

/* Loads the answers of req, in the order they were given. */
static enum c311_rc
read_attrs(struct pg_store *s, struct pg_conn *c, struct sr *req,
           struct arena *a, char **cause)
{
    char id[24];
    const char *values[1] = {id};
    struct row r = {NULL, 0, a, false};
    PGresult *res;
    enum c311_rc rc;
    int n, i;

    snprintf(id, sizeof(id), "%" PRId64, req->id);
    rc = conn_exec(s, c,
                   "SELECT code, value FROM ("
                   " SELECT 0 AS part, seq, code, value FROM request_attr"
                   " WHERE request_id = $1::bigint"
                   " UNION ALL SELECT 1, j.seq, j.key, j.value"
                   " FROM request_import i,"
                   " json_each_text(i.attrs::json) WITH ORDINALITY"
                   " AS j (key, value, seq)"
                   " WHERE i.request_id = $1::bigint) a"
                   " ORDER BY part, seq",
                   1, values, &res, "reading answers", cause);
    if (rc != C311_OK)
        return rc;
    n = PQntuples(res);
    req->attrs = NULL;
    req->nattrs = 0;
    if (n > 0)
        req->attrs = arena_alloc(a, (size_t)n * sizeof(*req->attrs));
    if (n > 0 && req->attrs == NULL)
        r.oom = true;
    r.res = res;
    for (i = 0; !r.oom && i < n; i++) {
        r.i = i;
        req->attrs[i].code = row_text(&r, 0);
        req->attrs[i].value = row_text(&r, 1);
        req->nattrs++;
    }
    PQclear(res);
    return r.oom ? store__fail(cause, C311_ERR_NOMEM, "out of memory")
                 : C311_OK;
}

/* What get_one() looks for and where it puts the request. */
struct get_arg {
    const char *sql; /* selects REQ_COLUMNS by $1 */
    const char *key;
    struct arena *a;
    struct sr **out;
};

/* Loads the one request the statement selects, and its answers. */
static enum c311_rc
get_one(struct pg_store *s, struct pg_conn *c, void *arg, char **cause)
{
    struct get_arg *g = arg;
    const char *values[1] = {g->key};
    struct sr *req = NULL;
    PGresult *res;
    enum c311_rc rc;

    *g->out = NULL;
    rc = conn_exec(s, c, g->sql, 1, values, &res, "reading a request", cause);
    if (rc != C311_OK)
        return rc;
    if (PQntuples(res) == 0)
        rc = store__fail(cause, C311_ERR_NOT_FOUND, "no request '%s'", g->key);
    else if ((req = arena_alloc(g->a, sizeof(*req))) == NULL ||
             read_request(res, 0, g->a, req) != C311_OK)
        rc = store__fail(cause, C311_ERR_NOMEM, "out of memory");
    PQclear(res);
    if (rc == C311_OK)
        rc = read_attrs(s, c, req, g->a, cause);
    if (rc == C311_OK)
        *g->out = req;
    return rc;
}

/* Loads a request by public id. */
static enum c311_rc
pg_request_get(void *impl, const char *public_id, struct arena *a,
               struct sr **out, char **cause)
{
    struct get_arg g = {"SELECT " REQ_COLUMNS " FROM request"
                        " WHERE public_id = $1",
                        public_id, a, out};

    *out = NULL;
    return pg_run(impl, false, get_one, &g, cause);
}

/* Loads a request by batch token. */
static enum c311_rc
pg_request_by_token(void *impl, const char *token, struct arena *a,
                    struct sr **out, char **cause)
{
    struct get_arg g = {"SELECT " REQ_COLUMNS " FROM request"
                        " WHERE token = $1",
                        token, a, out};

    *out = NULL;
    return pg_run(impl, false, get_one, &g, cause);
}

/* ---- writing requests ---- */

/* Text of every stored field of a request, as parameters $1 .. $29. */
struct req_params {
    const char *v[PG_REQ_PARAMS];
    char num[6][32]; /* requested, updated, expected, closed, lat, lon */
};

/* s, or NULL when s is NULL or empty. */
static const char *
text_or_null(const char *s)
{
    return s == NULL || *s == '\0' ? NULL : s;
}

/* Formats t into buf, or returns NULL when t is 0 (an unknown instant). */
static const char *
instant_or_null(int64_t t, char *buf, size_t size, bool keep_zero)
{
    if (t == 0 && !keep_zero)
        return NULL;
    snprintf(buf, size, "%" PRId64, t);
    return buf;
}

/* Fills p with the parameters of sql_req_insert from req. */
static void
request_params(const struct sr *req, struct req_params *p)
{
    const char *const texts[] = {
        req->public_id,
        req->jurisdiction_id,
        req->service_code,
        req->service_name,
        NULL,
        req->status_notes,
        req->description,
        req->agency_responsible,
        req->service_notice,
    };
    const char *const tail[] = {
        req->address,    req->address_id, req->zipcode,      req->media_url,
        req->channel,    req->language,   req->api_key_name, req->email,
        req->phone,      req->first_name, req->last_name,    req->device_id,
        req->account_id, req->token,
    };
    size_t i;

    for (i = 0; i < 9; i++)
        p->v[i] = text_or_null(texts[i]);
    p->v[4] = req->status == SR_CLOSED ? "closed" : "open";
    p->v[9] = instant_or_null(req->requested_at, p->num[0], 32, true);
    p->v[10] = instant_or_null(req->updated_at, p->num[1], 32, true);
    p->v[11] = instant_or_null(req->expected_at, p->num[2], 32, false);
    p->v[12] = instant_or_null(req->closed_at, p->num[3], 32, false);
    p->v[13] = p->v[14] = NULL;
    if (req->has_location) {
        snprintf(p->num[4], 32, "%.17g", req->lat);
        snprintf(p->num[5], 32, "%.17g", req->lon);
        p->v[13] = p->num[4];
        p->v[14] = p->num[5];
    }
    for (i = 0; i < 14; i++)
        p->v[15 + i] = text_or_null(tail[i]);
}

/* What insert_work() stores and what it learns. */
struct insert_arg {
    const struct sr *req;
    struct arena *a;
    int64_t id;
    const char *pid;
};

/* Sets the public id "YYYY-NNNNNN" of the new row, allocated in the arena. */
static enum c311_rc
assign_public_id(struct pg_store *s, struct pg_conn *c, struct insert_arg *w,
                 char **cause)
{
    time_t t = (time_t)w->req->requested_at;
    char id[24];
    const char *values[2] = {id, NULL};
    struct tm tm;
    char *pid;

    if (localtime_r(&t, &tm) == NULL)
        return store__fail(cause, C311_ERR_INVALID,
                           "requested_at is out of range");
    pid = arena_printf(w->a, "%04d-%06" PRId64, tm.tm_year + 1900, w->id);
    if (pid == NULL)
        return store__fail(cause, C311_ERR_NOMEM, "out of memory");
    snprintf(id, sizeof(id), "%" PRId64, w->id);
    values[1] = pid;
    w->pid = pid;
    return conn_exec(s, c,
                     "UPDATE request SET public_id = $2 WHERE id = $1::bigint",
                     2, values, NULL, "assigning a public id", cause);
}

/* Stores the answers of the request under its row id, numbered in order. */
static enum c311_rc
insert_attrs(struct pg_store *s, struct pg_conn *c, struct insert_arg *w,
             char **cause)
{
    const struct sr *req = w->req;
    char id[24], seq[24];
    const char *values[4] = {id, seq, NULL, NULL};
    enum c311_rc rc = C311_OK;
    size_t i;

    snprintf(id, sizeof(id), "%" PRId64, w->id);
    for (i = 0; rc == C311_OK && i < req->nattrs; i++) {
        if (req->attrs[i].code == NULL || req->attrs[i].value == NULL)
            return store__fail(cause, C311_ERR_INVALID,
                               "answer %zu has no code or value", i + 1);
        snprintf(seq, sizeof(seq), "%zu", i);
        values[2] = req->attrs[i].code;
        values[3] = req->attrs[i].value;
        rc = conn_exec(s, c,
                       "INSERT INTO request_attr (request_id, seq, code,"
                       " value) VALUES ($1::bigint, $2::bigint, $3, $4)",
                       4, values, NULL, "storing an answer", cause);
    }
    return rc;
}

/* Gives a clearer cause for the two unique columns a client can clash on. */
static enum c311_rc
insert_conflict(const struct pg_conn *c, char **cause)
{
    const char *what = NULL;

    if (strcmp(c->constraint, "request_token_key") == 0)
        what = "token";
    else if (strcmp(c->constraint, "request_public_id_key") == 0)
        what = "public id";
    if (what == NULL || cause == NULL)
        return C311_ERR_CONFLICT;
    free(*cause);
    return store__fail(cause, C311_ERR_CONFLICT,
                       "a request with this %s exists already", what);
}

/* Runs what the rest of the store adds to a new request, on c. */
static enum c311_rc
filed_hook(struct pg_store *s, struct pg_conn *c, struct insert_arg *w,
           char **cause)
{
    struct sqlx x = {store__pg_exec, c->db, s, w->a, false};
    enum c311_rc rc;

    rc = store__request_filed(&x, w->req, w->id, cause);
    if (x.lost)
        pool_lost(s);
    return rc;
}

/* Inserts the row, its public id, answers and "created" event. */
static enum c311_rc
insert_work(struct pg_store *s, struct pg_conn *c, void *arg, char **cause)
{
    struct insert_arg *w = arg;
    struct req_params p;
    char id[24];
    const char *values[1] = {id};
    PGresult *res;
    enum c311_rc rc;

    request_params(w->req, &p);
    w->pid = w->req->public_id;
    rc = conn_exec(s, c, sql_req_insert, PG_REQ_PARAMS, p.v, &res,
                   "storing a request", cause);
    if (rc == C311_OK) {
        w->id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
        PQclear(res);
        snprintf(id, sizeof(id), "%" PRId64, w->id);
    }
    if (rc == C311_OK && (w->pid == NULL || *w->pid == '\0'))
        rc = assign_public_id(s, c, w, cause);
    if (rc == C311_OK)
        rc = insert_attrs(s, c, w, cause);
    if (rc == C311_OK)
        rc = conn_exec(s, c, sql_event_created, 1, values, NULL,
                       "recording the creation", cause);
    if (rc == C311_OK)
        rc = filed_hook(s, c, w, cause);
    if (rc == C311_ERR_CONFLICT)
        return insert_conflict(c, cause);
    return rc;
}

/*
 * Inserts req with its answers and its "created" event in one transaction;
 * req->id and a generated req->public_id are set only once it committed.
 */
static enum c311_rc
pg_request_insert(void *impl, struct sr *req, struct arena *a, char **cause)
{
    struct insert_arg w = {req, a, 0, NULL};
    enum c311_rc rc;

    if (req->service_code == NULL || *req->service_code == '\0')
        return store__fail(cause, C311_ERR_INVALID, "request has no service");
    if (req->requested_at == 0 || req->updated_at == 0)
        return store__fail(cause, C311_ERR_INVALID,
                           "request has no requested_at or updated_at");
    if (req->nattrs > 0 && req->attrs == NULL)
        return store__fail(cause, C311_ERR_INVALID, "answers are missing");

    rc = pg_run(impl, true, insert_work, &w, cause);
    if (rc != C311_OK)
        return rc;
    req->id = w.id;
    req->public_id = w.pid;
    return C311_OK;
}

/*
 * Inserts req inside the write transaction of x; req->id and its public id
 * are set at once, and stand only if the transaction commits.
 */
static enum c311_rc
pg_request_insert_x(struct sqlx *x, struct sr *req, char **cause)
{
    struct insert_arg w = {req, x->a, 0, NULL};
    struct pg_store *s = x->store;
    struct pg_conn *c = NULL;
    enum c311_rc rc;
    size_t i;

    if (req->service_code == NULL || *req->service_code == '\0')
        return store__fail(cause, C311_ERR_INVALID, "request has no service");
    if (req->requested_at == 0 || req->updated_at == 0)
        return store__fail(cause, C311_ERR_INVALID,
                           "request has no requested_at or updated_at");
    if (req->nattrs > 0 && req->attrs == NULL)
        return store__fail(cause, C311_ERR_INVALID, "answers are missing");
    for (i = 0; i < s->nconns; i++) {
        if (s->conns[i].db == x->conn)
            c = &s->conns[i];
    }
    if (c == NULL || PQtransactionStatus(c->db) != PQTRANS_INTRANS)
        return store__fail(cause, C311_ERR_INTERNAL,
                           "a request is inserted in a write transaction");
    rc = insert_work(s, c, &w, cause);
    if (rc != C311_OK)
        return rc;
    req->id = w.id;
    req->public_id = w.pid;
    return C311_OK;
}

/* ---- querying requests ---- */

/* Query text and the text of its parameters, numbered from $1. */
struct query_build {
    struct buf sql;
    const char **v;
    size_t nv;
    char (*num)[32]; /* storage for number parameters, one per slot */
};

/* Appends one parameter placeholder for text value s. */
static void
add_text(struct query_build *b, const char *s)
{
    b->v[b->nv] = s;
    b->nv++;
    buf_printf(&b->sql, "$%zu", b->nv);
}

/* Appends one placeholder for integer i. */
static void
add_int(struct query_build *b, int64_t i)
{
    snprintf(b->num[b->nv], sizeof(b->num[0]), "%" PRId64, i);
    b->v[b->nv] = b->num[b->nv];
    b->nv++;
    buf_printf(&b->sql, "$%zu::bigint", b->nv);
}

/* Appends one placeholder for the real number d. */
static void
add_float(struct query_build *b, double d)
{
    snprintf(b->num[b->nv], sizeof(b->num[0]), "%.17g", d);
    b->v[b->nv] = b->num[b->nv];
    b->nv++;
    buf_printf(&b->sql, "$%zu::float8", b->nv);
}

/*
 * Appends the box on (lat, lon) that the index serves, then the circle:
 * the haversine distance of core/geo.c written in SQL, on the same radius,
 * so both back ends agree on which requests are near.
 */
static void
where_near(struct query_build *b, const struct sr_query *q)
{
    struct geo_box g = geo_box_around(q->near_lat, q->near_lon, q->near_m);
    char radius[32];

    buf_puts(&b->sql, " AND lat BETWEEN ");
    add_float(b, g.min_lat);
    buf_puts(&b->sql, " AND ");
    add_float(b, g.max_lat);
    buf_puts(&b->sql, " AND lon BETWEEN ");
    add_float(b, g.min_lon);
    buf_puts(&b->sql, " AND ");
    add_float(b, g.max_lon);
    snprintf(radius, sizeof(radius), "%.1f", GEO_EARTH_RADIUS_M);
    buf_printf(&b->sql, " AND 2 * %s * asin(least(1, sqrt(", radius);
    buf_puts(&b->sql, "power(sin(radians(lat - ");
    add_float(b, q->near_lat);
    buf_puts(&b->sql, ") / 2), 2) + cos(radians(lat)) * cos(radians(");
    add_float(b, q->near_lat);
    buf_puts(&b->sql, ")) * power(sin(radians(lon - ");
    add_float(b, q->near_lon);
    buf_puts(&b->sql, ") / 2), 2)))) <= ");
    add_float(b, q->near_m);
}

/* Appends " AND column IN ($n, ...)". */
static void
where_in(struct query_build *b, const char *column, const char **v, size_t n)
{
    size_t i;

    buf_printf(&b->sql, " AND %s IN (", column);
    for (i = 0; i < n; i++) {
        if (i > 0)
            buf_puts(&b->sql, ", ");
        add_text(b, v[i] != NULL ? v[i] : "");
    }
    buf_putc(&b->sql, ')');
}

/* Appends " AND cond $n" when t is set. */
static void
where_instant(struct query_build *b, const char *cond, int64_t t)
{
    if (t == 0)
        return;
    buf_printf(&b->sql, " AND %s ", cond);
    add_int(b, t);
}

/*
 * Writes the SELECT for q, as the SQLite back end does: the jurisdiction
 * is a scope and applies even when public ids turn the other filters off.
 */
static void
build_query(const struct sr_query *q, struct query_build *b)
{
    buf_puts(&b->sql, "SELECT " REQ_COLUMNS " FROM request WHERE true");
    if (q->jurisdiction_id != NULL) {
        buf_puts(&b->sql, " AND jurisdiction_id = ");
        add_text(b, q->jurisdiction_id);
    }
    if (q->npublic_ids > 0) {
        where_in(b, "public_id", q->public_ids, q->npublic_ids);
    } else {
        if (q->nservice_codes > 0)
            where_in(b, "service_code", q->service_codes, q->nservice_codes);
        if (q->want_open && !q->want_closed)
            buf_puts(&b->sql, " AND status = 'open'");
        if (q->want_closed && !q->want_open)
            buf_puts(&b->sql, " AND status = 'closed'");
        where_instant(b, "requested_at >=", q->requested_from);
        where_instant(b, "requested_at <=", q->requested_to);
        where_instant(b, "updated_at >=", q->updated_from);
        where_instant(b, "updated_at <=", q->updated_to);
        if (q->near)
            where_near(b, q);
    }
    buf_puts(&b->sql, " ORDER BY requested_at DESC, id DESC LIMIT ");
    add_int(b, (int64_t)q->limit);
    buf_puts(&b->sql, " OFFSET ");
    add_int(b, (int64_t)q->offset);
}

/* What query_work() runs and where the rows go. */
struct query_arg {
    const struct query_build *b;
    struct arena *a;
    struct sr **out;
    size_t *n;
};

/* Runs the built query and copies its rows into an arena array. */
static enum c311_rc
query_work(struct pg_store *s, struct pg_conn *c, void *arg, char **cause)
{
    struct query_arg *w = arg;
    struct sr *v = NULL;
    PGresult *res;
    enum c311_rc rc;
    int n, i;

    *w->out = NULL;
    *w->n = 0;
    rc = conn_exec(s, c, w->b->sql.data, (int)w->b->nv, w->b->v, &res,
                   "querying requests", cause);
    if (rc != C311_OK)
        return rc;
    n = PQntuples(res);
    if (n > 0 && (v = arena_alloc(w->a, (size_t)n * sizeof(*v))) == NULL)
        rc = store__fail(cause, C311_ERR_NOMEM, "out of memory");
    for (i = 0; rc == C311_OK && i < n; i++)
        if (read_request(res, i, w->a, &v[i]) != C311_OK)
            rc = store__fail(cause, C311_ERR_NOMEM, "out of memory");
    PQclear(res);
    if (rc == C311_OK) {
        *w->out = v;
        *w->n = (size_t)n;
    }
    return rc;
}

/* Runs a filtered, ordered, paged query built from q. */
static enum c311_rc
pg_request_query(void *impl, const struct sr_query *q, struct arena *a,
                 struct sr **out, size_t *n, char **cause)
{
    struct query_build b = {BUF_INIT(PG_QUERY_SQL_MAX), NULL, 0, NULL};
    struct query_arg w = {&b, a, out, n};
    size_t slots = q->npublic_ids + q->nservice_codes + 16;
    enum c311_rc rc;

    *out = NULL;
    *n = 0;
    if (q->limit == 0 || q->limit > INT64_MAX || q->offset > INT64_MAX)
        return store__fail(cause, C311_ERR_INVALID,
                           "query limit must be positive");
    if (slots > 65535)
        return store__fail(cause, C311_ERR_TOO_LARGE,
                           "query has too many values");
    b.v = calloc(slots, sizeof(*b.v));
    b.num = calloc(slots, sizeof(*b.num));
    if (b.v == NULL || b.num == NULL) {
        rc = store__fail(cause, C311_ERR_NOMEM, "out of memory");
        goto out;
    }
    build_query(q, &b);
    if (b.sql.failed) {
        rc =
            store__fail(cause, C311_ERR_TOO_LARGE, "query has too many values");
        goto out;
    }
    rc = pg_run(impl, false, query_work, &w, cause);
out:
    free(b.v);
    free(b.num);
    buf_release(&b.sql);
    return rc;
}

/* ---- API keys ---- */

/* Fills k from row i of a result selecting KEY_COLUMNS. */
static enum c311_rc
read_key(const PGresult *res, int i, struct arena *a, struct api_key *k)
{
    struct row r = {res, i, a, false};

    k->id = row_int(&r, 0);
    k->name = row_text(&r, 1);
    k->prefix = row_text(&r, 2);
    k->created_at = row_int(&r, 3);
    k->revoked_at = row_int(&r, 4);
    return r.oom ? C311_ERR_NOMEM : C311_OK;
}

/* A statement on api_key, its parameters and where results go. */
struct key_arg {
    const char *sql;
    const char *values[4];
    int nvalues;
    const char *what;
    struct arena *a;
    struct api_key *one;   /* find: the key */
    struct api_key **many; /* list: the keys */
    size_t *n;
    int changed; /* rows the statement touched */
};

/* Runs the statement; for a SELECT, copies the keys it returns. */
static enum c311_rc
key_work(struct pg_store *s, struct pg_conn *c, void *arg, char **cause)
{
    struct key_arg *k = arg;
    struct api_key *v = NULL;
    PGresult *res;
    enum c311_rc rc;
    int n, i;

    rc = conn_exec(s, c, k->sql, k->nvalues, k->values, &res, k->what, cause);
    if (rc != C311_OK)
        return rc;
    n = PQntuples(res);
    k->changed = atoi(PQcmdTuples(res));
    if (k->one != NULL && n == 0)
        rc =
            store__fail(cause, C311_ERR_NOT_FOUND, "no active api key matches");
    else if (k->one != NULL && read_key(res, 0, k->a, k->one) != C311_OK)
        rc = store__fail(cause, C311_ERR_NOMEM, "out of memory");
    if (k->many != NULL && n > 0 &&
        (v = arena_alloc(k->a, (size_t)n * sizeof(*v))) == NULL)
        rc = store__fail(cause, C311_ERR_NOMEM, "out of memory");
    for (i = 0; k->many != NULL && rc == C311_OK && i < n; i++)
        if (read_key(res, i, k->a, &v[i]) != C311_OK)
            rc = store__fail(cause, C311_ERR_NOMEM, "out of memory");
    if (k->many != NULL && rc == C311_OK) {
        *k->many = v;
        *k->n = (size_t)n;
    }
    PQclear(res);
    return rc;
}

/* Stores a new active key; the partial unique index rejects a name clash. */
static enum c311_rc
pg_apikey_add(void *impl, const char *name, const char *prefix,
              const char *hash_hex, int64_t now, char **cause)
{
    struct key_arg k = {.sql = "INSERT INTO api_key (name, prefix, hash,"
                               " created_at) VALUES ($1, $2, $3, $4::bigint)",
                        .nvalues = 4,
                        .what = "storing an api key"};
    char when[24];
    enum c311_rc rc;

    if (name == NULL || *name == '\0' || prefix == NULL || hash_hex == NULL ||
        *hash_hex == '\0')
        return store__fail(cause, C311_ERR_INVALID,
                           "api key needs a name, a prefix and a hash");
    snprintf(when, sizeof(when), "%" PRId64, now);
    k.values[0] = name;
    k.values[1] = prefix;
    k.values[2] = hash_hex;
    k.values[3] = when;
    rc = pg_run(impl, true, key_work, &k, cause);
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
pg_apikey_find(void *impl, const char *hash_hex, struct arena *a,
               struct api_key *out, char **cause)
{
    struct key_arg k = {.sql = "SELECT " KEY_COLUMNS " FROM api_key"
                               " WHERE hash = $1 AND revoked_at IS NULL",
                        .values = {hash_hex},
                        .nvalues = 1,
                        .what = "finding an api key",
                        .a = a,
                        .one = out};

    return pg_run(impl, false, key_work, &k, cause);
}

/* Lists every key, revoked ones included, oldest first. */
static enum c311_rc
pg_apikey_list(void *impl, struct arena *a, struct api_key **out, size_t *n,
               char **cause)
{
    struct key_arg k = {.sql = "SELECT " KEY_COLUMNS " FROM api_key"
                               " ORDER BY id",
                        .what = "listing api keys",
                        .a = a,
                        .many = out,
                        .n = n};

    *out = NULL;
    *n = 0;
    return pg_run(impl, false, key_work, &k, cause);
}

/* Marks the active key called name as revoked at now. */
static enum c311_rc
pg_apikey_revoke(void *impl, const char *name, int64_t now, char **cause)
{
    struct key_arg k = {.sql = "UPDATE api_key SET revoked_at = $2::bigint"
                               " WHERE name = $1 AND revoked_at IS NULL",
                        .nvalues = 2,
                        .what = "revoking an api key"};
    char when[24];
    enum c311_rc rc;

    snprintf(when, sizeof(when), "%" PRId64, now);
    k.values[0] = name;
    k.values[1] = when;
    rc = pg_run(impl, true, key_work, &k, cause);
    if (rc == C311_OK && k.changed == 0)
        rc = store__fail(cause, C311_ERR_NOT_FOUND,
                         "no active api key named '%s'", name);
    return rc;
}

/* ---- copying whole tables ---- */

#define PG_MAX_PARAMS 65535

/* Appends "c1, c2, ..." naming the first n columns of t. */
static void
column_list(struct buf *sql, const struct store__table *t, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        buf_printf(sql, "%s%s", i > 0 ? ", " : "", t->cols[i].name);
}

/* The cast that turns a text parameter into a column of this type. */
static const char *
type_cast(enum store__type type)
{
    switch (type) {
    case STORE__INT:
        return "::bigint";
    case STORE__REAL:
        return "::double precision";
    case STORE__JSON:
        return "::jsonb";
    case STORE__TEXT:
        break;
    }
    return "";
}

/* What export_work() reads and where the rows go. */
struct export_arg {
    const struct store__table *t;
    const char *sql;
    const char *values[3];
    int nvalues;
    struct arena *a;
    const char ***cells;
    size_t *n;
};

/*
 * Runs the export query and copies its cells into the arena. Reals come
 * out with the shortest text that reads back as the same double.
 */
static enum c311_rc
export_work(struct pg_store *s, struct pg_conn *c, void *arg, char **cause)
{
    struct export_arg *w = arg;
    struct row r = {NULL, 0, w->a, false};
    const char **v = NULL;
    PGresult *res;
    enum c311_rc rc;
    size_t j;
    int n, i;

    rc = conn_exec(s, c, "SET extra_float_digits = 3", 0, NULL, NULL,
                   "configuring the connection", cause);
    if (rc == C311_OK)
        rc = conn_exec(s, c, w->sql, w->nvalues, w->values, &res,
                       "reading rows to copy", cause);
    if (rc != C311_OK)
        return rc;
    n = PQntuples(res);
    if (n > 0 &&
        (v = arena_alloc(w->a, (size_t)n * w->t->ncols * sizeof(*v))) == NULL)
        r.oom = true;
    r.res = res;
    for (i = 0; !r.oom && i < n; i++) {
        r.i = i;
        for (j = 0; j < w->t->ncols; j++)
            v[(size_t)i * w->t->ncols + j] = row_text(&r, (int)j);
    }
    PQclear(res);
    if (r.oom)
        return store__fail(cause, C311_ERR_NOMEM, "out of memory");
    *w->cells = v;
    *w->n = (size_t)n;
    return C311_OK;
}

/* Reads up to limit rows of t whose key comes after after[], in key order. */
static enum c311_rc
pg_export_rows(void *impl, const struct store__table *t, const int64_t after[2],
               size_t limit, struct arena *a, const char ***cells, size_t *n,
               char **cause)
{
    struct buf sql = BUF_INIT(PG_QUERY_SQL_MAX);
    struct export_arg w = {t, NULL, {NULL}, 0, a, cells, n};
    char num[3][24];
    enum c311_rc rc;
    size_t k;

    buf_puts(&sql, "SELECT ");
    column_list(&sql, t, t->ncols);
    buf_printf(&sql, " FROM %s", t->name);
    if (t->nkey == 0) {
        /* Keyed by text: after[0] rows are already read. */
        buf_puts(&sql, " ORDER BY ");
        column_list(&sql, t, t->nsort);
        snprintf(num[0], sizeof(num[0]), "%" PRId64, after[0]);
        w.values[w.nvalues++] = num[0];
        buf_printf(&sql, " OFFSET $%d::bigint", w.nvalues);
    } else {
        buf_puts(&sql, " WHERE (");
        column_list(&sql, t, t->nkey);
        buf_puts(&sql, ") > (");
        for (k = 0; k < t->nkey; k++) {
            snprintf(num[k], sizeof(num[k]), "%" PRId64, after[k]);
            w.values[w.nvalues++] = num[k];
            buf_printf(&sql, "%s$%d::bigint", k > 0 ? ", " : "", w.nvalues);
        }
        buf_puts(&sql, ") ORDER BY ");
        column_list(&sql, t, t->nkey);
    }
    snprintf(num[2], sizeof(num[2]), "%zu", limit);
    w.values[w.nvalues++] = num[2];
    buf_printf(&sql, " LIMIT $%d::bigint", w.nvalues);
    if (sql.failed) {
        buf_release(&sql);
        return store__fail(cause, C311_ERR_NOMEM, "out of memory");
    }
    w.sql = sql.data;
    rc = pg_run(impl, false, export_work, &w, cause);
    buf_release(&sql);
    return rc;
}

/* What import_work() stores. */
struct import_arg {
    const struct store__table *t;
    const char *const *cells;
    size_t n;
};

/* Inserts rows [first, first + n) of the import with one statement. */
static enum c311_rc
insert_chunk(struct pg_store *s, struct pg_conn *c, const struct import_arg *w,
             size_t first, size_t n, char **cause)
{
    struct buf sql = BUF_INIT(0);
    size_t i, j, p = 0;
    enum c311_rc rc;

    buf_printf(&sql, "INSERT INTO %s (", w->t->name);
    column_list(&sql, w->t, w->t->ncols);
    buf_puts(&sql, ") VALUES ");
    for (i = 0; i < n; i++) {
        buf_puts(&sql, i > 0 ? ", (" : "(");
        for (j = 0; j < w->t->ncols; j++)
            buf_printf(&sql, "%s$%zu%s", j > 0 ? ", " : "", ++p,
                       type_cast(w->t->cols[j].type));
        buf_putc(&sql, ')');
    }
    if (sql.failed)
        rc = store__fail(cause, C311_ERR_NOMEM, "out of memory");
    else
        rc = conn_exec(s, c, sql.data, (int)p, w->cells + first * w->t->ncols,
                       NULL, "copying rows", cause);
    buf_release(&sql);
    return rc;
}

/*
 * Inserts every row in statements of at most PG_MAX_PARAMS parameters,
 * then sets the table's identity so that its next id is max(id) + 1.
 */
static enum c311_rc
import_work(struct pg_store *s, struct pg_conn *c, void *arg, char **cause)
{
    struct import_arg *w = arg;
    size_t per = PG_MAX_PARAMS / w->t->ncols, i, n;
    const char *id = w->t->cols[0].name;
    enum c311_rc rc = C311_OK;
    char sql[256];

    for (i = 0; rc == C311_OK && i < w->n; i += n) {
        n = w->n - i < per ? w->n - i : per;
        rc = insert_chunk(s, c, w, i, n, cause);
    }
    if (rc != C311_OK || !w->t->has_identity)
        return rc;
    snprintf(sql, sizeof(sql),
             "SELECT setval(pg_get_serial_sequence('%s', '%s'),"
             " coalesce(max(%s), 0) + 1, false) FROM %s",
             w->t->name, id, id, w->t->name);
    return conn_exec(s, c, sql, 0, NULL, NULL, "moving the id sequence", cause);
}

/* Inserts rows of t with their ids in one transaction. */
static enum c311_rc
pg_import_rows(void *impl, const struct store__table *t,
               const char *const *cells, size_t n, char **cause)
{
    struct import_arg w = {t, cells, n};

    return pg_run(impl, true, import_work, &w, cause);
}

/* What count_work() counts and where the number goes. */
struct count_arg {
    const struct store__table *t;
    int64_t *n;
};

/* Counts the rows of the table. */
static enum c311_rc
count_work(struct pg_store *s, struct pg_conn *c, void *arg, char **cause)
{
    struct count_arg *w = arg;
    PGresult *res;
    enum c311_rc rc;
    char sql[128];

    snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", w->t->name);
    rc = conn_exec(s, c, sql, 0, NULL, &res, "counting rows", cause);
    if (rc != C311_OK)
        return rc;
    *w->n = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
    PQclear(res);
    return C311_OK;
}

/* Counts the rows of t. */
static enum c311_rc
pg_count_rows(void *impl, const struct store__table *t, int64_t *n,
              char **cause)
{
    struct count_arg w = {t, n};

    return pg_run(impl, false, count_work, &w, cause);
}

/* ---- portable SQL ---- */

/* What sqlx_work() runs and where its cells go. */
struct sqlx_arg {
    sqlx_work_fn work;
    void *arg;
    struct arena *a;
};

/* Runs a module's work on c; a broken connection resets the pool. */
static enum c311_rc
sqlx_work(struct pg_store *s, struct pg_conn *c, void *arg, char **cause)
{
    struct sqlx_arg *w = arg;
    struct sqlx x = {store__pg_exec, c->db, s, w->a, false};
    enum c311_rc rc;

    rc = w->work(&x, w->arg, cause);
    if (x.lost)
        pool_lost(s);
    return rc;
}

/* Runs work through pg_run: retried once on a fresh connection if lost. */
static enum c311_rc
pg_sqlx_run(void *impl, bool write, sqlx_work_fn work, void *arg,
            struct arena *a, char **cause)
{
    struct sqlx_arg w = {work, arg, a};

    return pg_run(impl, write, sqlx_work, &w, cause);
}

/* ---- shared with the other PostgreSQL files (pg_shared.h) ---- */

const char store__pg_req_columns[] = REQ_COLUMNS;

/* Runs work on the pool, as every call of this file does. */
enum c311_rc
store__pg_run(void *impl, bool write, store__pg_work work, void *arg,
              char **cause)
{
    return pg_run(impl, write, work, arg, cause);
}

/* Runs one statement on c. */
enum c311_rc
store__pg_conn_exec(struct pg_store *s, struct pg_conn *c, const char *sql,
                    int n, const char *const *values, PGresult **out,
                    const char *what, char **cause)
{
    return conn_exec(s, c, sql, n, values, out, what, cause);
}

/* Runs a COPY FROM STDIN with the given rows and waits for its result. */
enum c311_rc
store__pg_copy(struct pg_store *s, struct pg_conn *c, const char *copy_sql,
               const char *data, size_t len, const char *what, char **cause)
{
    PGresult *res = PQexec(c->db, copy_sql);
    enum c311_rc rc = C311_OK;
    bool lost = false;

    if (res == NULL || PQresultStatus(res) != PGRES_COPY_IN) {
        rc = store__pg_fail(c->db, res, &lost, cause, what);
        PQclear(res);
        goto out;
    }
    PQclear(res);
    if ((len > 0 && PQputCopyData(c->db, data, (int)len) != 1) ||
        PQputCopyEnd(c->db, NULL) != 1) {
        rc = store__pg_fail(c->db, NULL, &lost, cause, what);
        goto out;
    }
    while ((res = PQgetResult(c->db)) != NULL) {
        if (rc == C311_OK && PQresultStatus(res) != PGRES_COMMAND_OK)
            rc = store__pg_fail(c->db, res, &lost, cause, what);
        PQclear(res);
    }
out:
    if (lost)
        pool_lost(s);
    return rc;
}

/* Reads a row selected with store__pg_req_columns. */
enum c311_rc
store__pg_read_request(const PGresult *res, int i, struct arena *a,
                       struct sr *req)
{
    return read_request(res, i, a, req);
}

const struct store_ops store__pg_ops = {
    .name = "postgresql",
    .request_insert_x = pg_request_insert_x,
    .open = pg_open,
    .close = pg_close,
    .schema_version = pg_schema_version,
    .request_insert = pg_request_insert,
    .request_get = pg_request_get,
    .request_by_token = pg_request_by_token,
    .request_query = pg_request_query,
    .apikey_add = pg_apikey_add,
    .apikey_find = pg_apikey_find,
    .apikey_list = pg_apikey_list,
    .apikey_revoke = pg_apikey_revoke,
    .export_rows = pg_export_rows,
    .import_rows = pg_import_rows,
    .count_rows = pg_count_rows,
    .import = &store__pg_import_ops,
    .sqlx_run = pg_sqlx_run,
};
