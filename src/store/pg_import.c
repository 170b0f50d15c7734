/* SPDX-License-Identifier: MIT */
/*
 * Imported history on PostgreSQL (see store/import.h). A batch costs a
 * handful of round trips, not a few per row: one query finds which keys
 * exist (and their digests), new rows get their ids from the sequence in
 * one query and go in with COPY (requests, attributes, import records,
 * history), and only changed rows are updated one by one. Report rows
 * stream from a cursor.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/backend.h"
#include "store/import_backend.h"
#include "store/pg_shared.h"
#include "util/buf.h"

#define PG_IMPORT_REQ_VALUES 29
#define PG_REPORT_FETCH      "FETCH 10000 FROM civic311_report"

/*
 * Seconds after which a run that never ended (its import was killed) is
 * forgotten: two days, far longer than any import takes.
 */
#define PG_RUN_STALE "172800"

/* The request columns a batch writes, in the order of request_cells(). */
#define REQ_WRITE_COLUMNS                                                      \
    "public_id, jurisdiction_id, service_code, service_name, status,"          \
    " status_notes, description, agency_responsible, service_notice,"          \
    " requested_at, updated_at, expected_at, closed_at, lat, lon, address,"    \
    " address_id, zipcode, media_url, channel, language, api_key_name,"        \
    " email, phone, first_name, last_name, device_id, account_id, token"

static const char sql_update[] =
    "UPDATE request SET (" REQ_WRITE_COLUMNS ") = ($1, $2, $3, $4, $5, $6,"
    " $7, $8, $9, $10::bigint, $11::bigint, $12::bigint, $13::bigint,"
    " $14::double precision, $15::double precision, $16, $17, $18, $19, $20,"
    " $21, $22, $23, $24, $25, $26, $27, $28, $29) WHERE id = $30::bigint";

/* The text of every written column of a request; NULL for SQL NULL. */
struct req_cells {
    const char *v[PG_IMPORT_REQ_VALUES];
    char num[6][32];
};

/* s, or NULL when s is NULL or empty (stored as NULL). */
static const char *
nonempty(const char *s)
{
    return s == NULL || *s == '\0' ? NULL : s;
}

/* Fills c from req, in the order of REQ_WRITE_COLUMNS. */
static void
request_cells(const struct sr *req, struct req_cells *c)
{
    const char *const head[] = {
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
        c->v[i] = nonempty(head[i]);
    c->v[4] = req->status == SR_CLOSED ? "closed" : "open";
    snprintf(c->num[0], 32, "%" PRId64, req->requested_at);
    snprintf(c->num[1], 32, "%" PRId64, req->updated_at);
    snprintf(c->num[2], 32, "%" PRId64, req->expected_at);
    snprintf(c->num[3], 32, "%" PRId64, req->closed_at);
    c->v[9] = c->num[0];
    c->v[10] = c->num[1];
    c->v[11] = req->expected_at != 0 ? c->num[2] : NULL;
    c->v[12] = req->closed_at != 0 ? c->num[3] : NULL;
    c->v[13] = c->v[14] = NULL;
    if (req->has_location) {
        snprintf(c->num[4], 32, "%.17g", req->lat);
        snprintf(c->num[5], 32, "%.17g", req->lon);
        c->v[13] = c->num[4];
        c->v[14] = c->num[5];
    }
    for (i = 0; i < 14; i++)
        c->v[15 + i] = nonempty(tail[i]);
}

/* Appends one field in COPY's text format, and the separator after it. */
static void
copy_field(struct buf *b, const char *s, bool last)
{
    const char *p;

    if (s == NULL) {
        buf_puts(b, "\\N");
    } else {
        for (p = s; *p != '\0'; p++) {
            switch (*p) {
            case '\\':
                buf_puts(b, "\\\\");
                break;
            case '\t':
                buf_puts(b, "\\t");
                break;
            case '\n':
                buf_puts(b, "\\n");
                break;
            case '\r':
                buf_puts(b, "\\r");
                break;
            default:
                buf_putc(b, *p);
            }
        }
    }
    buf_putc(b, last ? '\n' : '\t');
}

/* Appends an integer field. */
static void
copy_int(struct buf *b, int64_t v, bool last)
{
    buf_printf(b, "%" PRId64 "%c", v, last ? '\n' : '\t');
}

/* Where a key of the batch stands in the database. */
struct found {
    int64_t id;   /* 0: not there */
    char *digest; /* NULL: a native request (malloc'd) */
    bool other;   /* imported from another format */
};

/* A batch and what the work learns about it. */
struct batch_arg {
    const char *format;
    struct store_import_row *rows;
    size_t n;
    int64_t now;
    struct found *found; /* one per row */
    int64_t *ids;        /* the row id of each row once known */
};

/* Frees the digests found by an earlier attempt. */
static void
found_clear(struct batch_arg *w)
{
    size_t i;

    for (i = 0; i < w->n; i++) {
        free(w->found[i].digest);
        w->found[i].digest = NULL;
        w->found[i].id = 0;
        w->found[i].other = false;
        w->ids[i] = 0;
    }
}

/* Appends s as an element of a PostgreSQL array literal. */
static void
array_elem(struct buf *b, const char *s, bool first)
{
    buf_puts(b, first ? "\"" : ",\"");
    for (; *s != '\0'; s++) {
        if (*s == '"' || *s == '\\')
            buf_putc(b, '\\');
        buf_putc(b, *s);
    }
    buf_putc(b, '"');
}

/* A key of the batch and its row, for finding rows by key. */
struct key_index {
    const char *key;
    size_t row;
};

/* Orders keys as strcmp does (and as COLLATE "C" would). */
static int
key_cmp(const void *a, const void *b)
{
    return strcmp(((const struct key_index *)a)->key,
                  ((const struct key_index *)b)->key);
}

/* Orders keys, then rows of the same key in file order. */
static int
key_row_cmp(const void *a, const void *b)
{
    const struct key_index *x = a, *y = b;
    int c = strcmp(x->key, y->key);

    if (c != 0)
        return c;
    return x->row < y->row ? -1 : x->row > y->row;
}

/*
 * The rows of the batch not refused as repeats, sorted by key (malloc'd),
 * their number in *n; NULL when out of memory.
 */
static struct key_index *
index_keys(const struct batch_arg *w, size_t *n)
{
    struct key_index *ix = malloc((w->n > 0 ? w->n : 1) * sizeof(*ix));
    size_t i;

    *n = 0;
    if (ix == NULL)
        return NULL;
    for (i = 0; i < w->n; i++) {
        if (w->rows[i].outcome == STORE_IMPORT_REPEATED)
            continue;
        ix[*n].key = w->rows[i].req.public_id;
        ix[*n].row = i;
        (*n)++;
    }
    if (*n > 0)
        qsort(ix, *n, sizeof(*ix), key_row_cmp);
    return ix;
}

/* The row with key among the n of ix, or w->n. */
static size_t
row_of(const struct batch_arg *w, const struct key_index *ix, size_t n,
       const char *key)
{
    struct key_index want = {key, 0};
    const struct key_index *hit;

    hit = bsearch(&want, ix, n, sizeof(*ix), key_cmp);
    return hit != NULL ? hit->row : w->n;
}

/* A PostgreSQL array literal of the keys of the rows not refused. */
static void
key_array(const struct batch_arg *w, struct buf *keys)
{
    bool first = true;
    size_t i;

    buf_putc(keys, '{');
    for (i = 0; i < w->n; i++) {
        if (w->rows[i].outcome == STORE_IMPORT_REPEATED)
            continue;
        array_elem(keys, w->rows[i].req.public_id, first);
        first = false;
    }
    buf_putc(keys, '}');
}

/*
 * Refuses the rows whose key came earlier in the run: in the batch (the
 * first row wins), or in an earlier batch (import_key), then notes the
 * keys of the others in import_key.
 */
static enum c311_rc
refuse_repeats(struct pg_store *s, struct pg_conn *c, struct batch_arg *w,
               char **cause)
{
    struct buf keys = BUF_INIT(0), copy = BUF_INIT(0);
    char run[24];
    const char *values[2] = {run, NULL};
    struct key_index *ix;
    PGresult *res = NULL;
    enum c311_rc rc;
    size_t i, k, n;
    int j;

    ix = index_keys(w, &n);
    if (ix == NULL)
        return store__fail(cause, C311_ERR_NOMEM, "out of memory");
    for (i = 1; i < n; i++) {
        if (strcmp(ix[i].key, ix[i - 1].key) != 0)
            continue;
        w->rows[ix[i].row].outcome = STORE_IMPORT_REPEATED;
        w->rows[ix[i].row].first_line =
            w->rows[ix[i - 1].row].outcome == STORE_IMPORT_REPEATED
                ? w->rows[ix[i - 1].row].first_line
                : w->rows[ix[i - 1].row].line;
    }
    free(ix);
    snprintf(run, sizeof(run), "%" PRId64, *store__pg_import_run(s));
    key_array(w, &keys);
    values[1] = keys.data;
    rc = keys.failed
             ? store__fail(cause, C311_ERR_NOMEM, "out of memory")
             : store__pg_conn_exec(s, c,
                                   "SELECT key, line FROM import_key"
                                   " WHERE run = $1::bigint"
                                   " AND key = ANY ($2::text[])",
                                   2, values, &res,
                                   "looking up the keys of the run", cause);
    buf_release(&keys);
    if (rc != C311_OK)
        return rc;
    ix = index_keys(w, &n);
    if (ix == NULL)
        rc = store__fail(cause, C311_ERR_NOMEM, "out of memory");
    for (j = 0; rc == C311_OK && j < PQntuples(res); j++) {
        k = row_of(w, ix, n, PQgetvalue(res, j, 0));
        if (k == w->n)
            continue;
        w->rows[k].outcome = STORE_IMPORT_REPEATED;
        w->rows[k].first_line = strtoll(PQgetvalue(res, j, 1), NULL, 10);
    }
    free(ix);
    PQclear(res);
    for (i = 0; rc == C311_OK && i < w->n; i++) {
        if (w->rows[i].outcome == STORE_IMPORT_REPEATED)
            continue;
        buf_puts(&copy, run);
        buf_putc(&copy, '\t');
        copy_field(&copy, w->rows[i].req.public_id, false);
        copy_int(&copy, w->rows[i].line, true);
    }
    if (rc == C311_OK && copy.failed)
        rc = store__fail(cause, C311_ERR_NOMEM, "out of memory");
    if (rc == C311_OK && copy.len > 0)
        rc = store__pg_copy(s, c, "COPY import_key (run, key, line) FROM STDIN",
                            copy.data, copy.len, "noting the keys of the run",
                            cause);
    buf_release(&copy);
    return rc;
}

/* One query: which keys exist, with which id and digest. */
static enum c311_rc
lookup(struct pg_store *s, struct pg_conn *c, struct batch_arg *w, char **cause)
{
    struct buf keys = BUF_INIT(0);
    struct key_index *ix;
    const char *values[1];
    PGresult *res = NULL;
    enum c311_rc rc;
    size_t k, nix = 0;
    int j, n;

    key_array(w, &keys);
    if (keys.failed) {
        buf_release(&keys);
        return store__fail(cause, C311_ERR_NOMEM, "out of memory");
    }
    values[0] = keys.data;
    rc =
        store__pg_conn_exec(s, c,
                            "SELECT r.public_id, r.id, i.digest, i.format"
                            " FROM request r"
                            " LEFT JOIN request_import i ON i.request_id = r.id"
                            " WHERE r.public_id = ANY ($1::text[])",
                            1, values, &res, "looking up imported keys", cause);
    buf_release(&keys);
    if (rc != C311_OK)
        return rc;
    n = PQntuples(res);
    ix = n > 0 ? index_keys(w, &nix) : NULL;
    if (n > 0 && ix == NULL)
        rc = store__fail(cause, C311_ERR_NOMEM, "out of memory");
    for (j = 0; rc == C311_OK && j < n; j++) {
        k = row_of(w, ix, nix, PQgetvalue(res, j, 0));
        if (k == w->n)
            continue;
        w->found[k].id = strtoll(PQgetvalue(res, j, 1), NULL, 10);
        w->found[k].other = !PQgetisnull(res, j, 3) &&
                            strcmp(PQgetvalue(res, j, 3), w->format) != 0;
        if (!PQgetisnull(res, j, 2) &&
            (w->found[k].digest = strdup(PQgetvalue(res, j, 2))) == NULL)
            rc = store__fail(cause, C311_ERR_NOMEM, "out of memory");
    }
    free(ix);
    PQclear(res);
    return rc;
}

/* Sets each row's outcome from what lookup() found; counts new rows. */
static size_t
classify(struct batch_arg *w)
{
    struct store_import_row *row;
    size_t i, fresh = 0;

    for (i = 0; i < w->n; i++) {
        row = &w->rows[i];
        w->ids[i] = w->found[i].id;
        if (row->outcome == STORE_IMPORT_REPEATED)
            continue;
        if (w->found[i].id == 0) {
            row->outcome = STORE_IMPORT_INSERTED;
            fresh++;
        } else if (w->found[i].digest == NULL) {
            row->outcome = STORE_IMPORT_NATIVE;
        } else if (w->found[i].other) {
            /* Its source's columns differ: the digests could never match. */
            row->outcome = STORE_IMPORT_OTHER;
        } else if (strcmp(w->found[i].digest, row->digest) == 0) {
            row->outcome = STORE_IMPORT_UNCHANGED;
        } else {
            row->outcome = STORE_IMPORT_UPDATED;
        }
    }
    return fresh;
}

/* Draws ids for the new rows from the request sequence. */
static enum c311_rc
draw_ids(struct pg_store *s, struct pg_conn *c, struct batch_arg *w,
         size_t fresh, char **cause)
{
    char count[24];
    const char *values[1] = {count};
    PGresult *res = NULL;
    enum c311_rc rc;
    size_t i, j = 0;

    snprintf(count, sizeof(count), "%zu", fresh);
    rc = store__pg_conn_exec(s, c,
                             "SELECT nextval(pg_get_serial_sequence('request',"
                             " 'id')) FROM generate_series(1, $1::bigint)",
                             1, values, &res, "drawing request ids", cause);
    if (rc != C311_OK)
        return rc;
    if ((size_t)PQntuples(res) != fresh) {
        PQclear(res);
        return store__fail(cause, C311_ERR_DB, "drawing request ids failed");
    }
    for (i = 0; i < w->n; i++) {
        if (w->rows[i].outcome == STORE_IMPORT_INSERTED)
            w->ids[i] = strtoll(PQgetvalue(res, (int)j++, 0), NULL, 10);
    }
    PQclear(res);
    return C311_OK;
}

/* True for the outcomes that write the request and its attributes. */
static bool
writes(enum store_import_outcome o)
{
    return o == STORE_IMPORT_INSERTED || o == STORE_IMPORT_UPDATED;
}

/* Copies the new request rows. */
static enum c311_rc
copy_requests(struct pg_store *s, struct pg_conn *c, struct batch_arg *w,
              char **cause)
{
    struct buf b = BUF_INIT(0);
    struct req_cells cells;
    enum c311_rc rc;
    size_t i, j;

    for (i = 0; i < w->n; i++) {
        if (w->rows[i].outcome != STORE_IMPORT_INSERTED)
            continue;
        request_cells(&w->rows[i].req, &cells);
        copy_int(&b, w->ids[i], false);
        for (j = 0; j < PG_IMPORT_REQ_VALUES; j++)
            copy_field(&b, cells.v[j], j + 1 == PG_IMPORT_REQ_VALUES);
    }
    if (b.failed)
        rc = store__fail(cause, C311_ERR_NOMEM, "out of memory");
    else
        rc = store__pg_copy(
            s, c, "COPY request (id, " REQ_WRITE_COLUMNS ") FROM STDIN", b.data,
            b.len, "storing imported requests", cause);
    buf_release(&b);
    return rc;
}

/*
 * Rewrites one changed request and its import record, answers included;
 * drops the answer rows it may have from before answers moved there.
 */
static enum c311_rc
update_one(struct pg_store *s, struct pg_conn *c, const struct batch_arg *w,
           size_t i, char **cause)
{
    const struct store_import_row *row = &w->rows[i];
    const char *values[PG_IMPORT_REQ_VALUES + 1];
    struct req_cells cells;
    char id[24], now[24], line[24];
    enum c311_rc rc;
    char *attrs;

    request_cells(&row->req, &cells);
    memcpy(values, cells.v, sizeof(cells.v));
    snprintf(id, sizeof(id), "%" PRId64, w->ids[i]);
    snprintf(now, sizeof(now), "%" PRId64, w->now);
    snprintf(line, sizeof(line), "%" PRId64, row->line);
    values[PG_IMPORT_REQ_VALUES] = id;
    rc = store__pg_conn_exec(s, c, sql_update, PG_IMPORT_REQ_VALUES + 1, values,
                             NULL, "updating an imported request", cause);
    if (rc != C311_OK)
        return rc;
    rc = store__import_attrs_json(&row->req, &attrs, cause);
    if (rc != C311_OK)
        return rc;
    values[0] = id;
    values[1] = w->format;
    values[2] = row->digest;
    values[3] = nonempty(row->department);
    values[4] = now;
    values[5] = attrs;
    values[6] = line;
    rc = store__pg_conn_exec(
        s, c,
        "UPDATE request_import SET format = $2, digest = $3,"
        " department = $4, changed_at = $5::bigint, attrs = $6,"
        " line = $7::bigint WHERE request_id = $1::bigint",
        7, values, NULL, "recording an import", cause);
    free(attrs);
    if (rc != C311_OK)
        return rc;
    return store__pg_conn_exec(s, c,
                               "DELETE FROM request_attr"
                               " WHERE request_id = $1::bigint",
                               1, values, NULL, "replacing imported attributes",
                               cause);
}

/* Rewrites the changed requests, one at a time. */
static enum c311_rc
update_requests(struct pg_store *s, struct pg_conn *c, struct batch_arg *w,
                char **cause)
{
    enum c311_rc rc = C311_OK;
    size_t i;

    for (i = 0; rc == C311_OK && i < w->n; i++) {
        if (w->rows[i].outcome == STORE_IMPORT_UPDATED)
            rc = update_one(s, c, w, i, cause);
    }
    return rc;
}

/* Copies the import records of new rows and the history of written ones. */
static enum c311_rc
copy_marks(struct pg_store *s, struct pg_conn *c, struct batch_arg *w,
           char **cause)
{
    struct buf marks = BUF_INIT(0), events = BUF_INIT(0);
    const struct store_import_row *row;
    enum c311_rc rc = C311_OK;
    char *attrs;
    size_t i;

    for (i = 0; i < w->n; i++) {
        row = &w->rows[i];
        if (!writes(row->outcome))
            continue;
        if (row->outcome == STORE_IMPORT_INSERTED) {
            rc = store__import_attrs_json(&row->req, &attrs, cause);
            if (rc != C311_OK)
                break;
            copy_int(&marks, w->ids[i], false);
            copy_field(&marks, w->format, false);
            copy_field(&marks, row->digest, false);
            copy_field(&marks, nonempty(row->department), false);
            copy_int(&marks, w->now, false);
            copy_int(&marks, w->now, false);
            copy_field(&marks, attrs, false);
            copy_int(&marks, row->line, true);
            free(attrs);
        }
        copy_int(&events, w->ids[i], false);
        copy_field(&events, nonempty(row->req.jurisdiction_id), false);
        copy_int(&events, w->now, false);
        copy_field(&events, "import", false);
        copy_field(&events,
                   row->outcome == STORE_IMPORT_INSERTED ? "imported"
                                                         : "import_updated",
                   false);
        copy_int(&events, 0, false);
        copy_field(&events, nonempty(row->note), true);
    }
    if (rc == C311_OK && (marks.failed || events.failed))
        rc = store__fail(cause, C311_ERR_NOMEM, "out of memory");
    if (rc == C311_OK && marks.len > 0)
        rc = store__pg_copy(s, c,
                            "COPY request_import (request_id, format,"
                            " digest, department, imported_at, changed_at,"
                            " attrs, line) FROM STDIN",
                            marks.data, marks.len, "recording imports", cause);
    if (rc == C311_OK && events.len > 0)
        rc = store__pg_copy(s, c,
                            "COPY event (request_id, jurisdiction_id, at,"
                            " actor, kind, public, note) FROM STDIN",
                            events.data, events.len,
                            "recording imports in the history", cause);
    buf_release(&marks);
    buf_release(&events);
    return rc;
}

/* The whole batch, inside the transaction pg_run opened. */
static enum c311_rc
batch_work(struct pg_store *s, struct pg_conn *c, void *arg, char **cause)
{
    struct batch_arg *w = arg;
    enum c311_rc rc;
    size_t fresh, i;

    found_clear(w);
    for (i = 0; i < w->n; i++) {
        w->rows[i].outcome = STORE_IMPORT_INSERTED;
        w->rows[i].first_line = 0;
    }
    if (*store__pg_import_run(s) != 0) {
        rc = refuse_repeats(s, c, w, cause);
        if (rc != C311_OK)
            return rc;
    }
    rc = lookup(s, c, w, cause);
    if (rc != C311_OK)
        return rc;
    fresh = classify(w);
    if (fresh > 0) {
        rc = draw_ids(s, c, w, fresh, cause);
        if (rc == C311_OK)
            rc = copy_requests(s, c, w, cause);
    }
    if (rc == C311_OK)
        rc = update_requests(s, c, w, cause);
    if (rc == C311_OK)
        rc = copy_marks(s, c, w, cause);
    return rc;
}

/* Imports a batch in one transaction; see store/import.h. */
static enum c311_rc
pg_import_batch(void *impl, const char *format, struct store_import_row *rows,
                size_t n, int64_t now, char **cause)
{
    struct batch_arg w = {format, rows, n, now, NULL, NULL};
    enum c311_rc rc;

    w.found = calloc(n, sizeof(*w.found));
    w.ids = calloc(n, sizeof(*w.ids));
    if (w.found == NULL || w.ids == NULL)
        rc = store__fail(cause, C311_ERR_NOMEM, "out of memory");
    else
        rc = store__pg_run(impl, true, batch_work, &w, cause);
    if (w.found != NULL)
        found_clear(&w);
    free(w.found);
    free(w.ids);
    return rc;
}

/* Starts a run: its id, and forgets runs a killed import left behind. */
static enum c311_rc
begin_work(struct pg_store *s, struct pg_conn *c, void *arg, char **cause)
{
    char now[24];
    const char *values[1] = {now};
    PGresult *res = NULL;
    enum c311_rc rc;

    snprintf(now, sizeof(now), "%" PRId64, *(const int64_t *)arg);
    rc = store__pg_conn_exec(s, c,
                             "DELETE FROM import_key WHERE run IN"
                             " (SELECT id FROM import_run"
                             " WHERE started_at < $1::bigint - " PG_RUN_STALE
                             ")",
                             1, values, NULL, "starting an import", cause);
    if (rc == C311_OK)
        rc = store__pg_conn_exec(
            s, c,
            "DELETE FROM import_run"
            " WHERE started_at < $1::bigint - " PG_RUN_STALE,
            1, values, NULL, "starting an import", cause);
    if (rc == C311_OK)
        rc = store__pg_conn_exec(s, c,
                                 "INSERT INTO import_run (started_at)"
                                 " VALUES ($1::bigint) RETURNING id",
                                 1, values, &res, "starting an import", cause);
    if (rc != C311_OK)
        return rc;
    *store__pg_import_run(s) = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
    PQclear(res);
    return C311_OK;
}

/* Opens an import run; see store_import_begin. */
static enum c311_rc
pg_import_begin(void *impl, int64_t rows_hint, char **cause)
{
    int64_t now = (int64_t)time(NULL);

    (void)rows_hint;
    *store__pg_import_run(impl) = 0;
    return store__pg_run(impl, true, begin_work, &now, cause);
}

/* Forgets the keys of the open run. */
static enum c311_rc
end_work(struct pg_store *s, struct pg_conn *c, void *arg, char **cause)
{
    char run[24];
    const char *values[1] = {run};
    enum c311_rc rc;

    (void)arg;
    snprintf(run, sizeof(run), "%" PRId64, *store__pg_import_run(s));
    rc = store__pg_conn_exec(s, c, "DELETE FROM import_key WHERE run = $1", 1,
                             values, NULL, "ending an import", cause);
    if (rc == C311_OK)
        rc = store__pg_conn_exec(s, c, "DELETE FROM import_run WHERE id = $1",
                                 1, values, NULL, "ending an import", cause);
    return rc;
}

/* Closes the open import run; see store_import_end. */
static enum c311_rc
pg_import_end(void *impl, char **cause)
{
    enum c311_rc rc;

    if (*store__pg_import_run(impl) == 0)
        return C311_OK;
    rc = store__pg_run(impl, true, end_work, NULL, cause);
    *store__pg_import_run(impl) = 0;
    return rc;
}

/* What service_work stores and learns. */
struct service_arg {
    const struct imported_service *svc;
    bool created;
};

/* Inserts the service unless its code exists. */
static enum c311_rc
service_work(struct pg_store *s, struct pg_conn *c, void *arg, char **cause)
{
    struct service_arg *w = arg;
    char when[24];
    const char *values[5] = {w->svc->code, w->svc->name, w->svc->format,
                             nonempty(w->svc->department), when};
    PGresult *res = NULL;
    enum c311_rc rc;

    snprintf(when, sizeof(when), "%" PRId64, w->svc->created_at);
    rc = store__pg_conn_exec(s, c,
                             "INSERT INTO imported_service (code, name, format,"
                             " department, created_at)"
                             " VALUES ($1, $2, $3, $4, $5::bigint)"
                             " ON CONFLICT (code) DO NOTHING",
                             5, values, &res, "storing an imported service",
                             cause);
    if (rc != C311_OK)
        return rc;
    w->created = atoi(PQcmdTuples(res)) > 0;
    PQclear(res);
    return C311_OK;
}

/* Stores an imported service unless its code is known. */
static enum c311_rc
pg_service_put(void *impl, const struct imported_service *svc, bool *created,
               char **cause)
{
    struct service_arg w = {svc, false};
    enum c311_rc rc;

    rc = store__pg_run(impl, true, service_work, &w, cause);
    if (rc == C311_OK && created != NULL)
        *created = w.created;
    return rc;
}

/* Copies value (i, j) into the arena; NULL for SQL NULL. */
static const char *
cell(const PGresult *res, int i, int j, struct arena *a, bool *oom)
{
    char *s;

    if (PQgetisnull(res, i, j))
        return NULL;
    s = arena_strndup(a, PQgetvalue(res, i, j), (size_t)PQgetlength(res, i, j));
    if (s == NULL)
        *oom = true;
    return s;
}

/* Where a list of imported services goes. */
struct list_arg {
    struct arena *a;
    struct imported_service **out;
    size_t *n;
};

/* Reads every imported service by code. */
static enum c311_rc
list_work(struct pg_store *s, struct pg_conn *c, void *arg, char **cause)
{
    struct list_arg *w = arg;
    struct imported_service *v = NULL;
    PGresult *res = NULL;
    enum c311_rc rc;
    bool oom = false;
    int i, n;

    rc = store__pg_conn_exec(
        s, c,
        "SELECT code, name, format, department, created_at"
        " FROM imported_service ORDER BY code COLLATE \"C\"",
        0, NULL, &res, "listing imported services", cause);
    if (rc != C311_OK)
        return rc;
    n = PQntuples(res);
    if (n > 0 && (v = arena_alloc(w->a, (size_t)n * sizeof(*v))) == NULL)
        oom = true;
    for (i = 0; !oom && i < n; i++) {
        v[i].code = cell(res, i, 0, w->a, &oom);
        v[i].name = cell(res, i, 1, w->a, &oom);
        v[i].format = cell(res, i, 2, w->a, &oom);
        v[i].department = cell(res, i, 3, w->a, &oom);
        v[i].created_at = strtoll(PQgetvalue(res, i, 4), NULL, 10);
    }
    PQclear(res);
    if (oom)
        return store__fail(cause, C311_ERR_NOMEM, "out of memory");
    *w->out = v;
    *w->n = (size_t)n;
    return C311_OK;
}

/* Lists the imported services by code. */
static enum c311_rc
pg_service_list(void *impl, struct arena *a, struct imported_service **out,
                size_t *n, char **cause)
{
    struct list_arg w = {a, out, n};

    *out = NULL;
    *n = 0;
    return store__pg_run(impl, false, list_work, &w, cause);
}

/* A scan and where its rows go. */
struct scan_arg {
    const struct store_scan *scan;
    size_t limit;
    struct arena *a;
    struct sr *v;
    const char **formats;
    const char **departments;
    size_t n;
};

/* Hands the answers of result res (ordered by request) to the rows. */
static bool
spread_attrs(struct scan_arg *w, const PGresult *res)
{
    bool oom = false;
    size_t i = 0, first;
    int j = 0, n = PQntuples(res), k;
    int64_t id;

    while (j < n && !oom) {
        id = strtoll(PQgetvalue(res, j, 0), NULL, 10);
        for (k = j; k < n && strtoll(PQgetvalue(res, k, 0), NULL, 10) == id;)
            k++;
        while (i < w->n && w->v[i].id < id)
            i++;
        if (i < w->n && w->v[i].id == id) {
            w->v[i].attrs =
                arena_alloc(w->a, (size_t)(k - j) * sizeof(*w->v[i].attrs));
            oom = w->v[i].attrs == NULL;
            for (first = (size_t)j; !oom && j < k; j++) {
                w->v[i].attrs[(size_t)j - first].code =
                    cell(res, j, 1, w->a, &oom);
                w->v[i].attrs[(size_t)j - first].value =
                    cell(res, j, 2, w->a, &oom);
            }
            w->v[i].nattrs = (size_t)(k - (int)first);
        }
        j = k;
    }
    return !oom;
}

/* Reads one page of a scan, then the answers of its requests. */
static enum c311_rc
scan_work(struct pg_store *s, struct pg_conn *c, void *arg, char **cause)
{
    struct scan_arg *w = arg;
    char num[5][24];
    const char *values[5] = {num[0], w->scan->jurisdiction_id, num[1], num[2],
                             num[3]};
    struct buf sql = BUF_INIT(0);
    PGresult *res = NULL;
    bool oom = false;
    enum c311_rc rc;
    int i, n;

    w->v = NULL;
    w->formats = NULL;
    w->departments = NULL;
    w->n = 0;
    snprintf(num[0], 24, "%" PRId64, w->scan->after_id);
    snprintf(num[1], 24, "%" PRId64, w->scan->from);
    snprintf(num[2], 24, "%" PRId64, w->scan->to);
    snprintf(num[3], 24, "%zu", w->limit);
    buf_printf(&sql,
               "SELECT %s, (SELECT format FROM request_import"
               " WHERE request_id = request.id),"
               " (SELECT department FROM request_import"
               " WHERE request_id = request.id)"
               " FROM request WHERE id > $1::bigint"
               " AND ($2::text IS NULL OR jurisdiction_id = $2)"
               " AND ($3::bigint = 0 OR requested_at >= $3::bigint)"
               " AND ($4::bigint = 0 OR requested_at < $4::bigint)"
               " ORDER BY id LIMIT $5::bigint",
               store__pg_req_columns);
    rc = sql.failed ? store__fail(cause, C311_ERR_NOMEM, "out of memory")
                    : store__pg_conn_exec(s, c, sql.data, 5, values, &res,
                                          "scanning requests", cause);
    buf_release(&sql);
    if (rc != C311_OK)
        return rc;
    n = PQntuples(res);
    if (n > 0 &&
        ((w->v = arena_alloc(w->a, (size_t)n * sizeof(*w->v))) == NULL ||
         (w->formats = arena_alloc(w->a, (size_t)n * sizeof(char *))) == NULL ||
         (w->departments = arena_alloc(w->a, (size_t)n * sizeof(char *))) ==
             NULL))
        oom = true;
    for (i = 0; !oom && i < n; i++) {
        oom = store__pg_read_request(res, i, w->a, &w->v[i]) != C311_OK;
        if (!oom)
            w->formats[i] = cell(res, i, PQnfields(res) - 2, w->a, &oom);
        if (!oom)
            w->departments[i] = cell(res, i, PQnfields(res) - 1, w->a, &oom);
    }
    if (oom)
        rc = store__fail(cause, C311_ERR_NOMEM, "out of memory");
    PQclear(res);
    if (rc != C311_OK || n == 0)
        return rc;
    w->n = (size_t)n;
    snprintf(num[0], 24, "%" PRId64, w->v[0].id);
    snprintf(num[1], 24, "%" PRId64, w->v[n - 1].id);
    values[1] = num[1];
    rc = store__pg_conn_exec(
        s, c,
        "SELECT request_id, code, value FROM ("
        " SELECT request_id, 0 AS part, seq, code, value FROM request_attr"
        " WHERE request_id BETWEEN $1::bigint AND $2::bigint"
        " UNION ALL SELECT i.request_id, 1, j.seq, j.key, j.value"
        " FROM request_import i,"
        " json_each_text(i.attrs::json) WITH ORDINALITY AS j (key, value, seq)"
        " WHERE i.request_id BETWEEN $1::bigint AND $2::bigint) a"
        " ORDER BY request_id, part, seq",
        2, values, &res, "scanning answers", cause);
    if (rc != C311_OK)
        return rc;
    if (!spread_attrs(w, res))
        rc = store__fail(cause, C311_ERR_NOMEM, "out of memory");
    PQclear(res);
    return rc;
}

/* Reads the next requests of a scan with their answers. */
static enum c311_rc
pg_scan(void *impl, struct store_scan *scan, size_t limit, struct arena *a,
        struct sr **out, const char ***formats, const char ***departments,
        size_t *n, char **cause)
{
    struct scan_arg w = {scan, limit, a, NULL, NULL, NULL, 0};
    enum c311_rc rc;

    *out = NULL;
    *formats = NULL;
    *departments = NULL;
    *n = 0;
    rc = store__pg_run(impl, false, scan_work, &w, cause);
    if (rc != C311_OK || w.n == 0)
        return rc;
    *out = w.v;
    *formats = w.formats;
    *departments = w.departments;
    *n = w.n;
    scan->after_id = w.v[w.n - 1].id;
    return C311_OK;
}

/* The three disjoint parts of a report, as in the SQLite back end. */
#define REPORT_COLUMNS                                                         \
    "SELECT r.requested_at, r.closed_at, r.expected_at, r.status,"             \
    " r.service_code, r.service_name, r.channel, i.department,"                \
    " r.agency_responsible FROM request r"                                     \
    " LEFT JOIN request_import i ON i.request_id = r.id"                       \
    " WHERE ($1::text IS NULL OR r.jurisdiction_id = $1) AND "

static const char report_sql[] =
    "DECLARE civic311_report NO SCROLL CURSOR FOR " REPORT_COLUMNS
    "r.requested_at >= $2::bigint AND r.requested_at < $3::bigint"
    " UNION ALL " REPORT_COLUMNS
    "r.requested_at < $2::bigint AND r.status = 'open'"
    " UNION ALL " REPORT_COLUMNS
    "r.requested_at < $2::bigint AND r.status = 'closed'"
    " AND r.closed_at >= $3::bigint";

/* A report scan and its caller's function. */
struct report_arg {
    const char *jurisdiction_id;
    int64_t from, to;
    store_report_fn fn;
    void *arg;
    bool started; /* rows were handed out: a retry would repeat them */
};

/* Returns column j of row i as a transient string, NULL for SQL NULL. */
static const char *
value_or_null(const PGresult *res, int i, int j)
{
    return PQgetisnull(res, i, j) ? NULL : PQgetvalue(res, i, j);
}

/* Hands the rows of one fetched page to the caller's function. */
static enum c311_rc
report_page(struct report_arg *w, const PGresult *res)
{
    struct store_report_row row;
    enum c311_rc rc = C311_OK;
    int i, n = PQntuples(res);

    for (i = 0; rc == C311_OK && i < n; i++) {
        row.requested_at = strtoll(PQgetvalue(res, i, 0), NULL, 10);
        row.closed_at = strtoll(PQgetvalue(res, i, 1), NULL, 10);
        row.expected_at = strtoll(PQgetvalue(res, i, 2), NULL, 10);
        row.closed = strcmp(PQgetvalue(res, i, 3), "closed") == 0;
        row.service_code = value_or_null(res, i, 4);
        row.service_name = value_or_null(res, i, 5);
        row.channel = value_or_null(res, i, 6);
        row.department = value_or_null(res, i, 7);
        row.agency = value_or_null(res, i, 8);
        rc = w->fn(w->arg, &row);
    }
    return rc;
}

/* Opens the cursor and fetches it page by page. */
static enum c311_rc
report_work(struct pg_store *s, struct pg_conn *c, void *arg, char **cause)
{
    struct report_arg *w = arg;
    char from[24], to[24];
    const char *values[3] = {w->jurisdiction_id, from, to};
    PGresult *res = NULL;
    enum c311_rc rc;
    int n;

    if (w->started)
        return store__fail(cause, C311_ERR_UNAVAILABLE,
                           "database unavailable: the connection was lost "
                           "during a report");
    snprintf(from, sizeof(from), "%" PRId64, w->from);
    snprintf(to, sizeof(to), "%" PRId64, w->to);
    rc = store__pg_conn_exec(s, c, report_sql, 3, values, NULL,
                             "opening a report", cause);
    do {
        if (rc != C311_OK)
            break;
        rc = store__pg_conn_exec(s, c, PG_REPORT_FETCH, 0, NULL, &res,
                                 "reading a report", cause);
        if (rc != C311_OK)
            break;
        n = PQntuples(res);
        w->started = w->started || n > 0;
        rc = report_page(w, res);
        PQclear(res);
    } while (rc == C311_OK && n > 0);
    return rc;
}

/* Hands every row of a report to fn. */
static enum c311_rc
pg_report_scan(void *impl, const char *jurisdiction_id, int64_t from,
               int64_t to, store_report_fn fn, void *arg, char **cause)
{
    struct report_arg w = {jurisdiction_id, from, to, fn, arg, false};

    /* A cursor needs a transaction: run it as a (read-only) write. */
    return store__pg_run(impl, true, report_work, &w, cause);
}

const struct store__import_ops store__pg_import_ops = {
    .begin = pg_import_begin,
    .end = pg_import_end,
    .batch = pg_import_batch,
    .service_put = pg_service_put,
    .service_list = pg_service_list,
    .scan = pg_scan,
    .report_scan = pg_report_scan,
};
