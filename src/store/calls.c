/* SPDX-License-Identifier: MIT */
/*
 * Calls in the store, on store/sqlx.h: the same SQL on SQLite and
 * PostgreSQL, except that SQLite inserts a batch with one prepared
 * statement and scans with one stepped statement (store/sqlite_sqlx.c).
 * See store/calls.h.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/backend.h"
#include "store/calls.h"
#include "store/sqlx.h"
#include "util/buf.h"

/* Calls read per page by calls_scan. */
#define CALLS_PAGE 2000

/* Orders hashes ascending. */
static int
hash_cmp(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;

    return (a > b) - (a < b);
}

/* Largest JSON text of one batch of calls. */
#define CALLS_BATCH_JSON_MAX (256u << 20)

/* ---- writing ---- */

/*
 * One call of a batch: the row it stores, copied out of its rebuilt form
 * so that a batch takes a few hundred bytes a call, and what became of
 * it.
 */
struct put_item {
    const char *callid, *caller, *queue, *agent;
    int64_t entered, answered, ended;
    enum acd_outcome outcome;
    int64_t wait, talk;
    const char *events; /* the event set, kept in the row while it may grow */
    const char *legs;   /* acd_call_legs_text */
    const char *digest; /* line hashes, stored once the lines are not */
    size_t events_len, legs_len, digest_len;
    const uint64_t *hashes;
    size_t nhashes;
    bool keep; /* the event set is stored: more lines may come */
    bool done; /* the stream handed it out as over */
    bool inserted;
};

struct calls_batch {
    struct arena a;
    struct arena tmp; /* the call being rebuilt, emptied after each */
    struct put_item *items;
    size_t n, cap;
    size_t invalid;
    struct acd_span *spans;
    size_t nspans, capspans;
    calls_caller_fn norm;
};

/* What a write works on: a batch, its index by callid and its counts. */
struct put_arg {
    struct calls_batch *b;
    struct put_item **index; /* the items by callid */
    struct calls_put_stats stats;
};

/* Appends s as a JSON string, or null. */
static void
json_text(struct buf *b, const char *s)
{
    const char *p;

    if (s == NULL || *s == '\0') {
        buf_puts(b, "null");
        return;
    }
    buf_putc(b, '"');
    for (p = s; *p != '\0'; p++) {
        if (*p == '"' || *p == '\\')
            buf_printf(b, "\\%c", *p);
        else if (*p == '\n')
            buf_puts(b, "\\n");
        else if ((unsigned char)*p < 0x20)
            buf_printf(b, "\\u%04x", (unsigned char)*p);
        else
            buf_putc(b, *p);
    }
    buf_putc(b, '"');
}

/* Appends v as a JSON number, or null when unknown. */
static void
json_int(struct buf *b, int64_t v, bool known)
{
    if (known)
        buf_printf(b, "%" PRId64, v);
    else
        buf_puts(b, "null");
}

/* The agent who answered c first, or NULL. */
static const char *
first_agent(const struct acd_call *c)
{
    size_t i;

    for (i = 0; i < c->nlegs; i++) {
        if (c->legs[i].answered != 0)
            return c->legs[i].agent;
    }
    return NULL;
}

/* The event set stored for an item: "" once the call is over. */
static const char *
stored_events(const struct put_item *it)
{
    return it->keep ? it->events : "";
}

/*
 * Appends the row of an item as a JSON array, in the order of
 * CALL_COLUMNS.
 */
static void
call_json(struct buf *b, const struct put_item *it)
{
    buf_putc(b, '[');
    json_text(b, it->callid);
    buf_putc(b, ',');
    json_text(b, it->caller);
    buf_putc(b, ',');
    json_text(b, it->queue);
    buf_putc(b, ',');
    json_text(b, it->agent);
    buf_putc(b, ',');
    json_int(b, it->entered, true);
    buf_putc(b, ',');
    json_int(b, it->answered, it->answered != 0);
    buf_putc(b, ',');
    json_int(b, it->ended, it->ended != 0);
    buf_putc(b, ',');
    json_text(b, acd_outcome_name(it->outcome));
    buf_putc(b, ',');
    json_int(b, it->wait, it->wait >= 0);
    buf_putc(b, ',');
    json_int(b, it->talk, it->talk >= 0);
    buf_putc(b, ',');
    if (it->keep)
        json_text(b, it->events);
    else
        buf_puts(b, "\"\"");
    buf_putc(b, ',');
    json_text(b, it->legs);
    buf_putc(b, ',');
    json_text(b, it->digest);
    buf_putc(b, ']');
}

#define CALL_COLUMNS                                                           \
    "callid, caller, queue, agent, entered_at, answered_at, ended_at,"         \
    " outcome, wait_s, talk_s, events, legs, digest"

/*
 * The calls of a JSON array of call_json arrays as rows, in each back
 * end's words: SQLite's json_each, PostgreSQL's jsonb_array_elements.
 */
#define SQLITE_ROWS                                                            \
    "SELECT value->>0, value->>1, value->>2, value->>3, value->>4,"            \
    " value->>5, value->>6, value->>7, value->>8, value->>9, value->>10,"      \
    " value->>11, value->>12 FROM json_each($1) WHERE true"
#define PG_ROWS                                                                \
    "SELECT e->>0, e->>1, e->>2, e->>3, (e->>4)::bigint, (e->>5)::bigint,"     \
    " (e->>6)::bigint, e->>7, (e->>8)::bigint, (e->>9)::bigint, e->>10,"       \
    " e->>11, e->>12 FROM jsonb_array_elements($1) AS e"

/* True when x runs on PostgreSQL. */
static bool
on_pg(const struct sqlx *x)
{
    return x->exec == store__pg_exec;
}

/* Orders batch items by callid, then batch order. */
static int
item_cmp(const void *x, const void *y)
{
    const struct put_item *a = *(struct put_item *const *)x;
    const struct put_item *b = *(struct put_item *const *)y;
    int c = strcmp(a->callid, b->callid);

    return c != 0 ? c : (a > b) - (a < b);
}

/*
 * Finds the item of callid in the batch's index, the first in batch
 * order when it is there twice, or NULL.
 */
static struct put_item *
item_of(struct put_arg *w, const char *callid)
{
    size_t lo = 0, hi = w->b->n, mid;

    while (callid != NULL && lo < hi) {
        mid = (lo + hi) / 2;
        if (strcmp(w->index[mid]->callid, callid) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (callid == NULL || lo == w->b->n || strcmp(w->index[lo]->callid, callid))
        return NULL;
    return w->index[lo];
}

/* Writes the items of the batch as one JSON array into b. */
static enum c311_rc
batch_json(struct put_arg *w, struct buf *b, char **cause)
{
    size_t i;

    buf_putc(b, '[');
    for (i = 0; i < w->b->n; i++) {
        if (i > 0)
            buf_putc(b, ',');
        call_json(b, &w->b->items[i]);
    }
    buf_putc(b, ']');
    if (b->failed)
        return store__fail(cause, C311_ERR_NOMEM, "out of memory");
    return C311_OK;
}

/* Sorts an index of the batch by callid, for item_of; once per write. */
static enum c311_rc
index_batch(struct put_arg *w, struct arena *a, char **cause)
{
    size_t i;

    if (w->index != NULL)
        return C311_OK;
    w->index = arena_alloc(a, (w->b->n + 1) * sizeof(*w->index));
    if (w->index == NULL)
        return store__fail(cause, C311_ERR_NOMEM, "out of memory");
    for (i = 0; i < w->b->n; i++)
        w->index[i] = &w->b->items[i];
    qsort(w->index, w->b->n, sizeof(*w->index), item_cmp);
    return C311_OK;
}

/*
 * Inserts the batch in one statement; callids stored already are left as
 * they are and not marked inserted.
 */
static enum c311_rc
insert_batch_json(struct sqlx *x, struct put_arg *w, char **cause)
{
    struct buf b = BUF_INIT(CALLS_BATCH_JSON_MAX);
    struct sqlx_val p[1];
    struct sqlx_rows rows;
    struct put_item *it;
    enum c311_rc rc;
    size_t i;

    rc = index_batch(w, x->a, cause);
    if (rc == C311_OK)
        rc = batch_json(w, &b, cause);
    if (rc != C311_OK || b.len <= 2) {
        buf_release(&b);
        return rc;
    }
    p[0] = SQLX_J(b.data);
    rc = sqlx_exec(x,
                   on_pg(x) ? "INSERT INTO call (" CALL_COLUMNS ") " PG_ROWS
                              " ON CONFLICT (callid) DO NOTHING"
                              " RETURNING callid"
                            : "INSERT INTO call (" CALL_COLUMNS ") " SQLITE_ROWS
                              " ON CONFLICT (callid) DO NOTHING"
                              " RETURNING callid",
                   p, 1, &rows, cause);
    buf_release(&b);
    if (rc != C311_OK)
        return rc;
    for (i = 0; i < rows.nrows; i++) {
        it = item_of(w, sqlx_cell(&rows, i, 0));
        if (it != NULL)
            it->inserted = true;
    }
    return C311_OK;
}

/* Inserts the batch: one prepared statement on SQLite, JSON otherwise. */
static enum c311_rc
insert_batch(struct sqlx *x, struct put_arg *w, char **cause)
{
    struct store__call_row *rows;
    struct put_item *it;
    bool *done;
    size_t i;
    enum c311_rc rc;

    if (on_pg(x))
        return insert_batch_json(x, w, cause);
    rows = arena_alloc(x->a, (w->b->n + 1) * sizeof(*rows));
    done = arena_alloc(x->a, (w->b->n + 1) * sizeof(*done));
    if (rows == NULL || done == NULL)
        return store__fail(cause, C311_ERR_NOMEM, "out of memory");
    for (i = 0; i < w->b->n; i++) {
        it = &w->b->items[i];
        rows[i] = (struct store__call_row){
            it->callid,        it->caller,
            it->queue,         it->agent,
            it->entered,       it->answered,
            it->ended,         acd_outcome_name(it->outcome),
            it->wait,          it->talk,
            stored_events(it), it->legs,
            it->digest,        it->keep ? it->events_len : 0,
            it->legs_len,      it->digest_len};
    }
    rc = store__sqlite_calls_insert(x, rows, w->b->n, done, cause);
    for (i = 0; rc == C311_OK && i < w->b->n; i++)
        w->b->items[i].inserted = done[i];
    return rc;
}

/* The hashes as hex text, 16 digits each. */
static char *
digest_text(const uint64_t *h, size_t n, struct arena *a)
{
    static const char hex[] = "0123456789abcdef";
    char *out = arena_alloc(a, 16 * n + 1), *p = out;
    size_t i;
    int k;

    if (out == NULL)
        return NULL;
    for (i = 0; i < n; i++) {
        for (k = 15; k >= 0; k--)
            *p++ = hex[(h[i] >> (4 * k)) & 15];
    }
    *p = '\0';
    return out;
}

/* Reads digest text back into hashes in a; sets *n. */
static uint64_t *
digest_read(const char *s, struct arena *a, size_t *n)
{
    size_t len = s != NULL ? strlen(s) : 0, i;
    uint64_t *v = arena_alloc(a, (len / 16 + 1) * sizeof(*v));
    char one[17];

    *n = 0;
    if (v == NULL)
        return NULL;
    for (i = 0; i + 16 <= len; i += 16) {
        memcpy(one, s + i, 16);
        one[16] = '\0';
        v[(*n)++] = strtoull(one, NULL, 16);
    }
    return v;
}

/* True when h is among the n ascending hashes of v. */
static bool
has_hash(const uint64_t *v, size_t n, uint64_t h)
{
    size_t lo = 0, hi = n, mid;

    while (lo < hi) {
        mid = (lo + hi) / 2;
        if (v[mid] == h)
            return true;
        if (v[mid] < h)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

/*
 * Fills item it from call c, copying what the row needs into a: its
 * caller id (in E.164 when norm reads it so), summary, legs, and either
 * its event set (kept while more lines may come) or its line hashes.
 */
static enum c311_rc
item_set(struct put_item *it, const struct acd_call *c, bool done,
         calls_caller_fn norm, struct arena *a)
{
    const char *caller = c->caller, *e164;
    char buf[64];
    uint64_t *h;

    if (norm != NULL && caller != NULL &&
        (e164 = norm(caller, buf, sizeof(buf))) != NULL)
        caller = e164;
    it->done = done;
    /*
     * A call rebuilt from legs (merge_over) has no lines to keep.
     * TODO: a call the log follower stored while in progress ends in a
     * batch of its own, not seen quiet, and keeps its lines.
     */
    it->keep = (!done || c->ended == 0) && c->events_len > 0;
    it->callid = arena_strdup(a, c->callid);
    it->caller = arena_strdup(a, caller);
    it->queue = arena_strdup(a, c->legs[0].queue);
    it->agent = arena_strdup(a, first_agent(c));
    it->entered = c->entered;
    it->answered = c->answered;
    it->ended = c->ended;
    it->outcome = c->outcome;
    it->wait = c->wait;
    it->talk = c->talk;
    it->events = arena_strndup(a, c->events, c->events_len);
    it->events_len = c->events_len;
    it->legs = acd_call_legs_text(c, a);
    it->legs_len = it->legs != NULL ? strlen(it->legs) : 0;
    it->digest = it->keep ? NULL : digest_text(c->hashes, c->nhashes, a);
    it->digest_len = it->digest != NULL ? 16 * c->nhashes : 0;
    h = arena_alloc(a, (c->nhashes + 1) * sizeof(*h));
    if (h != NULL)
        memcpy(h, c->hashes, c->nhashes * sizeof(*h));
    it->hashes = h;
    it->nhashes = c->nhashes;
    if (it->callid == NULL || (caller != NULL && it->caller == NULL) ||
        it->queue == NULL || it->events == NULL || it->legs == NULL ||
        (!it->keep && it->digest == NULL) || h == NULL)
        return C311_ERR_NOMEM;
    return C311_OK;
}

/* Orders legs by entry. */
static int
leg_cmp(const void *x, const void *y)
{
    const struct acd_leg *a = x, *b = y;

    return (a->entered > b->entered) - (a->entered < b->entered);
}

/*
 * Adds the legs and rings of the new lines (call c, line hashes ch) to a
 * call stored without its lines (legs text legs, line hashes dv): the new
 * lines cannot be replayed among the old ones, so their legs join the
 * call's as they are.
 *
 * TODO: a late line that belongs to a leg stored before (an out-of-order
 * CONNECT, say) makes a leg of its own instead of changing that leg.
 */
static enum c311_rc
add_legs(struct acd_call *c, const uint64_t *ch, size_t cn, const char *caller,
         const char *legs, const uint64_t *dv, size_t dn, struct arena *a)
{
    struct acd_call old;
    struct acd_leg *l;
    struct acd_ring *r;
    uint64_t *h;
    size_t i, n;
    enum c311_rc rc;

    rc = acd_call_from_legs(c->callid, caller, legs, a, &old);
    if (rc != C311_OK)
        return rc;
    l = arena_alloc(a, (old.nlegs + c->nlegs) * sizeof(*l));
    r = arena_alloc(a, (old.nrings + c->nrings + 1) * sizeof(*r));
    h = arena_alloc(a, (dn + cn + 1) * sizeof(*h));
    if (l == NULL || r == NULL || h == NULL)
        return C311_ERR_NOMEM;
    memcpy(l, old.legs, old.nlegs * sizeof(*l));
    memcpy(l + old.nlegs, c->legs, c->nlegs * sizeof(*l));
    qsort(l, old.nlegs + c->nlegs, sizeof(*l), leg_cmp);
    memcpy(r, old.rings, old.nrings * sizeof(*r));
    if (c->nrings > 0)
        memcpy(r + old.nrings, c->rings, c->nrings * sizeof(*r));
    memcpy(h, dv, dn * sizeof(*h));
    for (i = 0, n = dn; i < cn; i++) {
        if (!has_hash(dv, dn, ch[i]))
            h[n++] = ch[i];
    }
    qsort(h, n, sizeof(*h), hash_cmp);
    c->legs = l;
    c->nlegs = old.nlegs + c->nlegs;
    c->rings = r;
    c->nrings = old.nrings + c->nrings;
    c->hashes = h;
    c->nhashes = n;
    c->events = "";
    c->events_len = 0;
    if (c->caller == NULL)
        c->caller = caller;
    acd_call_summarise(c);
    return C311_OK;
}

/* Rewrites the stored row of item it. */
static enum c311_rc
rewrite(struct sqlx *x, struct put_item *it, char **cause)
{
    struct buf b = BUF_INIT(CALLS_BATCH_JSON_MAX);
    struct sqlx_val p[1];
    enum c311_rc rc;

    buf_putc(&b, '[');
    call_json(&b, it);
    buf_putc(&b, ']');
    if (b.failed) {
        buf_release(&b);
        return store__fail(cause, C311_ERR_NOMEM, "out of memory");
    }
    p[0] = SQLX_J(b.data);
    rc = sqlx_exec(x,
                   on_pg(x) ? "UPDATE call SET (" CALL_COLUMNS ") = (SELECT *"
                              " FROM (" PG_ROWS ") AS r) WHERE callid = $2"
                            : "UPDATE call SET (" CALL_COLUMNS ") = (SELECT *"
                              " FROM (" SQLITE_ROWS ")) WHERE callid = $2",
                   (struct sqlx_val[]){p[0], SQLX_T(it->callid)}, 2, NULL,
                   cause);
    buf_release(&b);
    return rc;
}

/*
 * Merges item it with a call stored without its lines (row cells: caller,
 * legs, digest): nothing when every line is known already.
 */
static enum c311_rc
merge_over(struct sqlx *x, struct put_arg *w, struct put_item *it,
           const char *caller, const char *legs, const char *digest,
           char **cause)
{
    struct put_item copy = *it;
    struct acd_call c;
    const uint64_t *dv;
    size_t dn, i;
    enum c311_rc rc;

    dv = digest_read(digest, x->a, &dn);
    if (dv == NULL)
        return store__fail(cause, C311_ERR_NOMEM, "out of memory");
    for (i = 0; i < it->nhashes && has_hash(dv, dn, it->hashes[i]); i++)
        ;
    if (i == it->nhashes || legs == NULL) {
        w->stats.unchanged++;
        return C311_OK;
    }
    rc = acd_call_from_legs(it->callid, it->caller, it->legs, x->a, &c);
    if (rc == C311_OK)
        rc = add_legs(&c, it->hashes, it->nhashes, caller, legs, dv, dn, x->a);
    if (rc == C311_ERR_INVALID) { /* unreadable legs: keep the row */
        w->stats.unchanged++;
        return C311_OK;
    }
    if (rc == C311_OK)
        rc = item_set(&copy, &c, true, NULL, x->a);
    if (rc != C311_OK)
        return store__fail(cause, rc, "out of memory");
    w->stats.merged++;
    return rewrite(x, &copy, cause);
}

/*
 * Merges item it with the event set stored under its callid: rebuilds the
 * call from both and rewrites the row when the set grew.
 */
static enum c311_rc
merge_one(struct sqlx *x, struct put_arg *w, struct put_item *it,
          const char *stored, char **cause)
{
    struct put_item copy;
    struct acd_call c;
    enum c311_rc rc;
    char *both;

    both = arena_printf(x->a, "%s%s", stored, it->events);
    if (both == NULL)
        return store__fail(cause, C311_ERR_NOMEM, "out of memory");
    rc = acd_call_build(it->callid, both, strlen(both), x->a, &c);
    if (rc == C311_ERR_INVALID) {
        w->stats.unchanged++;
        return C311_OK;
    }
    if (rc != C311_OK)
        return store__fail(cause, C311_ERR_NOMEM, "out of memory");
    if (strcmp(c.events, stored) == 0) {
        w->stats.unchanged++;
        return C311_OK;
    }
    /* The caller id may be in the stored lines only. */
    if (item_set(&copy, &c, it->done, w->b->norm, x->a) != C311_OK)
        return store__fail(cause, C311_ERR_NOMEM, "out of memory");
    w->stats.merged++;
    return rewrite(x, &copy, cause);
}

/* A stored row found for the items of a batch, by callid. */
struct stored {
    const char *callid;
    size_t row;
    bool stale; /* rewritten since it was read */
};

/* Orders stored rows by callid. */
static int
stored_cmp(const void *x, const void *y)
{
    return strcmp(((const struct stored *)x)->callid,
                  ((const struct stored *)y)->callid);
}

/* Merges item it with the stored row i of rows. */
static enum c311_rc
merge_row(struct sqlx *x, struct put_arg *w, struct put_item *it,
          const struct sqlx_rows *rows, size_t i, char **cause)
{
    const char *ev = sqlx_cell(rows, i, 1);

    if (ev != NULL && *ev != '\0')
        return merge_one(x, w, it, ev, cause);
    return merge_over(x, w, it, sqlx_cell(rows, i, 2), sqlx_cell(rows, i, 3),
                      sqlx_cell(rows, i, 4), cause);
}

/* Reads the stored row of callid again, into one. */
static enum c311_rc
reread(struct sqlx *x, const char *callid, struct sqlx_rows *one, char **cause)
{
    return sqlx_exec(x,
                     "SELECT callid, events, caller, legs, digest FROM call"
                     " WHERE callid = $1",
                     (struct sqlx_val[]){SQLX_T(callid)}, 1, one, cause);
}

/*
 * Merges the items a batch found stored already, in batch order: reads
 * their stored rows in one statement, then rebuilds each. A callid twice
 * in the batch merges the second time with the row the first rewrote.
 */
static enum c311_rc
merge_batch(struct sqlx *x, struct put_arg *w, char **cause)
{
    struct buf b = BUF_INIT(CALLS_BATCH_JSON_MAX);
    struct sqlx_rows rows, one;
    struct stored *v, key, *hit;
    struct put_item *it;
    enum c311_rc rc = C311_OK;
    size_t i, k = 0;

    buf_putc(&b, '[');
    for (i = 0; i < w->b->n; i++) {
        if (w->b->items[i].inserted)
            continue;
        if (k++ > 0)
            buf_putc(&b, ',');
        json_text(&b, w->b->items[i].callid);
    }
    buf_putc(&b, ']');
    if (k == 0 || b.failed) {
        buf_release(&b);
        return b.failed ? store__fail(cause, C311_ERR_NOMEM, "out of memory")
                        : C311_OK;
    }
    rc = sqlx_exec(x,
                   on_pg(x) ? "SELECT callid, events, caller, legs, digest"
                              " FROM call WHERE callid"
                              " IN (SELECT jsonb_array_elements_text($1))"
                            : "SELECT callid, events, caller, legs, digest"
                              " FROM call WHERE callid"
                              " IN (SELECT value FROM json_each($1))",
                   (struct sqlx_val[]){SQLX_J(b.data)}, 1, &rows, cause);
    buf_release(&b);
    if (rc != C311_OK)
        return rc;
    v = arena_alloc(x->a, (rows.nrows + 1) * sizeof(*v));
    if (v == NULL)
        return store__fail(cause, C311_ERR_NOMEM, "out of memory");
    for (i = 0; i < rows.nrows; i++)
        v[i] = (struct stored){sqlx_cell(&rows, i, 0), i, false};
    qsort(v, rows.nrows, sizeof(*v), stored_cmp);
    for (i = 0; rc == C311_OK && i < w->b->n; i++) {
        it = &w->b->items[i];
        key.callid = it->callid;
        if (it->inserted || (hit = bsearch(&key, v, rows.nrows, sizeof(*v),
                                           stored_cmp)) == NULL)
            continue;
        if (!hit->stale) {
            rc = merge_row(x, w, it, &rows, hit->row, cause);
        } else {
            rc = reread(x, it->callid, &one, cause);
            if (rc == C311_OK && one.nrows == 1)
                rc = merge_row(x, w, it, &one, 0, cause);
        }
        hit->stale = true;
    }
    return rc;
}

/* Applies one agent state change (see acd_span). */
static enum c311_rc
put_span(struct sqlx *x, const struct acd_span *sp, char **cause)
{
    struct sqlx_val p[4];

    p[0] = SQLX_T(sp->agent);
    p[1] = SQLX_T(sp->queue);
    p[2] = SQLX_T(sp->kind == ACD_SPAN_MEMBER ? "member" : "pause");
    /* A start inside a span already open is a repeat, not a new span. */
    if (sp->start != 0) {
        p[3] = SQLX_I(sp->start);
        return sqlx_exec(x,
                         "INSERT INTO call_agent_span"
                         " (agent, queue, kind, started_at)"
                         " SELECT $1, $2, $3, $4 WHERE NOT EXISTS"
                         " (SELECT 1 FROM call_agent_span WHERE agent = $1"
                         " AND queue = $2 AND kind = $3 AND started_at <= $4"
                         " AND (ended_at IS NULL OR ended_at > $4))"
                         " ON CONFLICT DO NOTHING",
                         p, 4, NULL, cause);
    }
    p[3] = SQLX_I(sp->end);
    return sqlx_exec(x,
                     "UPDATE call_agent_span SET ended_at = $4"
                     " WHERE agent = $1 AND kind = $3"
                     " AND ($2 = '' OR queue = $2)"
                     " AND ended_at IS NULL AND started_at <= $4",
                     p, 4, NULL, cause);
}

/* The write transaction of calls_batch_write. */
static enum c311_rc
put_work(struct sqlx *x, void *arg, char **cause)
{
    struct put_arg *w = arg;
    enum c311_rc rc;
    size_t i;

    /* A back end may run the work again after a lost connection. */
    memset(&w->stats, 0, sizeof(w->stats));
    w->index = NULL;
    for (i = 0; i < w->b->n; i++)
        w->b->items[i].inserted = false;
    rc = insert_batch(x, w, cause);
    if (rc == C311_OK)
        rc = merge_batch(x, w, cause);
    for (i = 0; i < w->b->n; i++)
        w->stats.inserted += w->b->items[i].inserted;
    for (i = 0; i < w->b->nspans && rc == C311_OK; i++)
        rc = put_span(x, &w->b->spans[i], cause);
    return rc;
}

/* Makes an empty batch. */
struct calls_batch *
calls_batch_new(calls_caller_fn norm)
{
    struct calls_batch *b = calloc(1, sizeof(*b));

    if (b != NULL)
        b->norm = norm;
    return b;
}

/* Empties a batch, keeping its memory for the next one. */
static void
batch_clear(struct calls_batch *b)
{
    arena_reset(&b->a);
    b->n = b->nspans = b->invalid = 0;
}

/* Frees a batch. */
void
calls_batch_free(struct calls_batch *b)
{
    if (b == NULL)
        return;
    arena_free(&b->a);
    arena_free(&b->tmp);
    free(b->items);
    free(b->spans);
    free(b);
}

/* How many calls a batch holds. */
size_t
calls_batch_len(const struct calls_batch *b)
{
    return b->n;
}

/*
 * Rebuilds calls into the batch, each in a scratch arena emptied after
 * it, so that the scratch memory stays in the processor's cache.
 */
enum c311_rc
calls_batch_add(struct calls_batch *b, const struct acd_pending_call *v,
                size_t n)
{
    struct put_item *items;
    struct acd_call c;
    enum c311_rc rc = C311_OK;
    size_t i, cap;

    if (b->n + n > b->cap) {
        cap = b->cap ? b->cap : 64;
        while (cap < b->n + n)
            cap *= 2;
        items = realloc(b->items, cap * sizeof(*items));
        if (items == NULL)
            return C311_ERR_NOMEM;
        b->items = items;
        b->cap = cap;
    }
    for (i = 0; i < n && rc == C311_OK; i++) {
        rc = acd_call_build_pending(&v[i], &b->tmp, &c);
        if (rc == C311_OK) {
            memset(&b->items[b->n], 0, sizeof(b->items[b->n]));
            rc = item_set(&b->items[b->n], &c, v[i].done, b->norm, &b->a);
            b->n += rc == C311_OK;
        } else if (rc == C311_ERR_INVALID) {
            b->invalid++;
            rc = C311_OK;
        }
        arena_reset(&b->tmp);
    }
    return rc;
}

/* A batch item's entry and place, to sort by entry. */
struct entry_key {
    int64_t entered;
    size_t pos;
};

/* Orders by entry, then place in the batch. */
static int
entry_cmp(const void *x, const void *y)
{
    const struct entry_key *a = x, *b = y;

    if (a->entered != b->entered)
        return a->entered < b->entered ? -1 : 1;
    return (a->pos > b->pos) - (a->pos < b->pos);
}

/* True when two items of the batch have the same callid. */
static bool
batch_has_twice(const struct calls_batch *b)
{
    size_t size = 16, i, k, mask;
    uint64_t *slots, h;
    bool twice = false;

    while (size < 2 * b->n)
        size *= 2;
    mask = size - 1;
    slots = calloc(size, sizeof(*slots));
    if (slots == NULL)
        return true;
    for (i = 0; i < b->n && !twice; i++) {
        /* 0 marks a free slot, so a hash of 0 counts as 1. */
        h = acd_line_hash(b->items[i].callid, strlen(b->items[i].callid));
        h += h == 0;
        for (k = h & mask; slots[k] != 0 && !twice; k = (k + 1) & mask)
            twice = slots[k] == h; /* equal hashes: treated as equal */
        slots[k] = h;
    }
    free(slots);
    return twice;
}

/*
 * Puts the batch's calls in order of entry (among equal entries, as they
 * came) unless a callid is there twice, whose rows must be written in
 * the order they came. Rows stored in order of entry are read back by
 * entry (calls_scan) one after the other, not each from the top of the
 * table. Runs on the thread that fills batches, not the one that writes.
 */
void
calls_batch_order(struct calls_batch *b)
{
    struct entry_key *keys;
    struct put_item *v;
    size_t i;

    if (b->n < 2 || batch_has_twice(b))
        return;
    keys = malloc(b->n * sizeof(*keys));
    v = malloc(b->cap * sizeof(*v));
    if (keys == NULL || v == NULL) {
        free(keys);
        free(v);
        return;
    }
    for (i = 0; i < b->n; i++)
        keys[i] = (struct entry_key){b->items[i].entered, i};
    qsort(keys, b->n, sizeof(*keys), entry_cmp);
    for (i = 0; i < b->n; i++)
        v[i] = b->items[keys[i].pos];
    free(keys);
    free(b->items);
    b->items = v;
}

/* Copies agent state changes into the batch. */
enum c311_rc
calls_batch_add_spans(struct calls_batch *b, const struct acd_span *v, size_t n)
{
    struct acd_span *spans;
    size_t i, cap;

    if (b->nspans + n > b->capspans) {
        cap = b->capspans ? b->capspans : 16;
        while (cap < b->nspans + n)
            cap *= 2;
        spans = realloc(b->spans, cap * sizeof(*spans));
        if (spans == NULL)
            return C311_ERR_NOMEM;
        b->spans = spans;
        b->capspans = cap;
    }
    for (i = 0; i < n; i++) {
        b->spans[b->nspans] = v[i];
        b->spans[b->nspans].agent = arena_strdup(&b->a, v[i].agent);
        b->spans[b->nspans].queue = arena_strdup(&b->a, v[i].queue);
        if (b->spans[b->nspans].agent == NULL ||
            b->spans[b->nspans].queue == NULL)
            return C311_ERR_NOMEM;
        b->nspans++;
    }
    return C311_OK;
}

/* Writes the batch in one transaction and empties it. */
enum c311_rc
calls_batch_write(struct store *st, struct calls_batch *b,
                  struct calls_put_stats *stats, char **cause)
{
    struct put_arg w = {b, NULL, {0, 0, 0, 0}};
    struct arena a = ARENA_INIT;
    enum c311_rc rc = C311_OK;

    if (st == NULL) /* a dry run: every call counts as new */
        w.stats.inserted = b->n;
    else if (b->n > 0 || b->nspans > 0)
        rc = sqlx_run(st, true, put_work, &w, &a, cause);
    if (rc == C311_OK && stats != NULL) {
        stats->inserted += w.stats.inserted;
        stats->merged += w.stats.merged;
        stats->unchanged += w.stats.unchanged;
        stats->invalid += b->invalid;
    }
    arena_free(&a);
    if (rc == C311_OK)
        batch_clear(b);
    return rc;
}

/* Rebuilds calls and writes them in one transaction. */
enum c311_rc
calls_put(struct store *st, const struct acd_pending_call *v, size_t n,
          const struct acd_span *spans, size_t nspans, calls_caller_fn norm,
          struct calls_put_stats *stats, char **cause)
{
    struct calls_batch *b = calls_batch_new(norm);
    enum c311_rc rc;

    if (b == NULL)
        return store__fail(cause, C311_ERR_NOMEM, "out of memory");
    rc = calls_batch_add(b, v, n);
    if (rc == C311_OK)
        rc = calls_batch_add_spans(b, spans, nspans);
    if (rc != C311_OK)
        rc = store__fail(cause, rc, "out of memory");
    else
        rc = calls_batch_write(st, b, stats, cause);
    calls_batch_free(b);
    return rc;
}

/* ---- bulk loads ---- */

/* Drops the secondary indexes when the call table is empty. */
static enum c311_rc
load_begin_work(struct sqlx *x, void *arg, char **cause)
{
    bool *bulk = arg;
    int64_t any = 0;
    enum c311_rc rc;

    rc = sqlx_scalar(x,
                     "SELECT count(*) FROM (SELECT 1 FROM call LIMIT 1)"
                     " AS one",
                     NULL, 0, &any, cause);
    *bulk = rc == C311_OK && any == 0;
    if (*bulk)
        rc = sqlx_exec(x, "DROP INDEX IF EXISTS call_entered", NULL, 0, NULL,
                       cause);
    if (*bulk && rc == C311_OK)
        rc = sqlx_exec(x, "DROP INDEX IF EXISTS call_caller", NULL, 0, NULL,
                       cause);
    return rc;
}

/* Makes the secondary indexes of the call table if they are missing. */
static enum c311_rc
indexes_work(struct sqlx *x, void *arg, char **cause)
{
    enum c311_rc rc;

    (void)arg;
    rc = sqlx_exec(x,
                   "CREATE INDEX IF NOT EXISTS call_entered"
                   " ON call (entered_at, id)",
                   NULL, 0, NULL, cause);
    if (rc == C311_OK)
        rc = sqlx_exec(x,
                       "CREATE INDEX IF NOT EXISTS call_caller"
                       " ON call (caller, entered_at)",
                       NULL, 0, NULL, cause);
    return rc;
}

/* Starts a load: bare table when empty, else every index in place. */
enum c311_rc
calls_load_begin(struct store *st, bool *bulk, char **cause)
{
    struct arena a = ARENA_INIT;
    enum c311_rc rc;

    *bulk = false;
    rc = sqlx_run(st, true, load_begin_work, bulk, &a, cause);
    arena_free(&a);
    if (rc == C311_OK && !*bulk)
        rc = calls_indexes_ensure(st, cause);
    return rc;
}

/* Builds the secondary indexes that are missing. */
enum c311_rc
calls_indexes_ensure(struct store *st, char **cause)
{
    struct arena a = ARENA_INIT;
    enum c311_rc rc;

    rc = sqlx_run(st, true, indexes_work, NULL, &a, cause);
    arena_free(&a);
    return rc;
}

/* ---- reading ---- */

#define ROW_COLUMNS                                                            \
    "id, callid, caller, queue, agent, entered_at, answered_at, ended_at,"     \
    " outcome, wait_s, talk_s"

/* A column that may be NULL as a duration, -1 for NULL. */
static int64_t
opt_cell(const struct sqlx_rows *r, size_t i, size_t j)
{
    return sqlx_cell(r, i, j) != NULL ? sqlx_int(r, i, j) : -1;
}

/* Fills out from row i of a result selecting ROW_COLUMNS. */
static void
read_row(const struct sqlx_rows *r, size_t i, struct calls_row *out)
{
    out->id = sqlx_int(r, i, 0);
    out->callid = sqlx_cell(r, i, 1);
    out->caller = sqlx_cell(r, i, 2);
    out->queue = sqlx_cell(r, i, 3);
    out->agent = sqlx_cell(r, i, 4);
    out->entered_at = sqlx_int(r, i, 5);
    out->answered_at = sqlx_int(r, i, 6);
    out->ended_at = sqlx_int(r, i, 7);
    out->outcome = sqlx_cell(r, i, 8);
    out->wait = opt_cell(r, i, 9);
    out->talk = opt_cell(r, i, 10);
}

/* A query with its parameters, run on a reader by query_work. */
struct query {
    const char *sql;
    const struct sqlx_val *p;
    size_t n;
    struct sqlx_rows rows;
};

/* Runs one query. */
static enum c311_rc
query_work(struct sqlx *x, void *arg, char **cause)
{
    struct query *q = arg;

    return sqlx_exec(x, q->sql, q->p, q->n, &q->rows, cause);
}

/* Runs sql on a read connection, rows in a. */
static enum c311_rc
query(struct store *st, const char *sql, const struct sqlx_val *p, size_t n,
      struct arena *a, struct sqlx_rows *rows, char **cause)
{
    struct query q = {sql, p, n, {0, 0, NULL, 0}};
    enum c311_rc rc;

    rc = sqlx_run(st, false, query_work, &q, a, cause);
    *rows = q.rows;
    return rc;
}

/*
 * Reads the calls of one page, from their legs or, for calls stored
 * without legs, by replaying their event set, and hands them to fn.
 */
static enum c311_rc
scan_page(const struct sqlx_rows *r, struct arena *a, calls_scan_fn fn,
          void *arg, char **cause)
{
    struct calls_row row;
    struct acd_call c;
    const char *ev, *legs;
    enum c311_rc rc;
    size_t i;

    for (i = 0; i < r->nrows; i++) {
        read_row(r, i, &row);
        legs = sqlx_cell(r, i, 12);
        ev = sqlx_cell(r, i, 11);
        rc = C311_ERR_INVALID;
        if (legs != NULL)
            rc = acd_call_from_legs(row.callid, row.caller, legs, a, &c);
        if (rc == C311_ERR_INVALID && ev != NULL && *ev != '\0')
            rc = acd_call_build(row.callid, ev, strlen(ev), a, &c);
        if (rc == C311_ERR_INVALID)
            continue;
        if (rc != C311_OK)
            return store__fail(cause, rc, "out of memory");
        c.caller = row.caller;
        rc = fn(arg, &c, &row);
        if (rc != C311_OK)
            return rc;
    }
    return C311_OK;
}

/* A scan on SQLite: one statement stepped, a call at a time. */
struct scan_arg {
    int64_t from, to;
    calls_scan_fn fn;
    void *arg;
    struct arena a; /* for the call at hand */
};

/*
 * Reads one row, from its legs or by replaying its lines, and hands it
 * to fn with its summary as the call gives it (the same values the row's
 * columns hold).
 */
static enum c311_rc
scan_cells(void *arg, const struct store__call_cells *cells)
{
    struct scan_arg *s = arg;
    struct calls_row row;
    struct acd_call c;
    enum c311_rc rc = C311_ERR_INVALID;

    /* Emptied for every call, so that its memory stays in the cache. */
    arena_reset(&s->a);
    if (cells->legs != NULL)
        rc = acd_call_from_legs(cells->callid, cells->caller, cells->legs,
                                &s->a, &c);
    if (rc == C311_ERR_INVALID && cells->events != NULL &&
        *cells->events != '\0')
        rc = acd_call_build(cells->callid, cells->events, strlen(cells->events),
                            &s->a, &c);
    if (rc == C311_ERR_INVALID)
        return C311_OK;
    if (rc != C311_OK)
        return rc;
    c.caller = cells->caller;
    row.id = cells->id;
    row.callid = cells->callid;
    row.caller = cells->caller;
    row.queue = c.legs[0].queue;
    row.agent = first_agent(&c);
    row.entered_at = c.entered;
    row.answered_at = c.answered;
    row.ended_at = c.ended;
    row.outcome = acd_outcome_name(c.outcome);
    row.wait = c.wait;
    row.talk = c.talk;
    return s->fn(s->arg, &c, &row);
}

/* The read work of calls_scan on SQLite. */
static enum c311_rc
scan_work(struct sqlx *x, void *arg, char **cause)
{
    struct scan_arg *s = arg;
    enum c311_rc rc;

    rc = store__sqlite_calls_scan(x, s->from, s->to, scan_cells, s, cause);
    if (rc == C311_ERR_NOMEM)
        return store__fail(cause, rc, "out of memory");
    return rc;
}

/* True when st is a PostgreSQL store. */
static bool
store_on_pg(struct store *st)
{
    const struct store_ops *ops;
    void *impl;

    store__impl(st, &ops, &impl);
    return ops == &store__pg_ops;
}

/*
 * Reads calls by entry: on SQLite in one statement, elsewhere a page at
 * a time; each from its legs, or rebuilt from its lines.
 */
enum c311_rc
calls_scan(struct store *st, int64_t from, int64_t to, calls_scan_fn fn,
           void *arg, char **cause)
{
    struct sqlx_val p[5];
    struct sqlx_rows r;
    struct arena a = ARENA_INIT;
    int64_t after_t = from - 1, after_id = 0;
    enum c311_rc rc;

    if (!store_on_pg(st)) {
        struct scan_arg s = {from, to, fn, arg, ARENA_INIT};

        rc = sqlx_run(st, false, scan_work, &s, &a, cause);
        arena_free(&s.a);
        arena_free(&a);
        return rc;
    }
    do {
        arena_free(&a);
        p[0] = SQLX_I(from);
        p[1] = SQLX_I(to);
        p[2] = SQLX_I(after_t);
        p[3] = SQLX_I(after_id);
        p[4] = SQLX_I(CALLS_PAGE);
        rc = query(st,
                   "SELECT " ROW_COLUMNS ","
                   " CASE WHEN legs IS NULL THEN events END, legs FROM call"
                   " WHERE entered_at >= $1 AND entered_at < $2"
                   " AND (entered_at > $3 OR (entered_at = $3 AND id > $4))"
                   " ORDER BY entered_at, id LIMIT $5",
                   p, 5, &a, &r, cause);
        if (rc != C311_OK)
            break;
        if (r.nrows > 0) {
            after_t = sqlx_int(&r, r.nrows - 1, 5);
            after_id = sqlx_int(&r, r.nrows - 1, 0);
        }
        rc = scan_page(&r, &a, fn, arg, cause);
    } while (rc == C311_OK && r.nrows == CALLS_PAGE);
    arena_free(&a);
    return rc;
}

/* Reads the agent spans that overlap the range. */
enum c311_rc
calls_spans(struct store *st, int64_t from, int64_t to, struct arena *a,
            struct acd_span **out, size_t *n, char **cause)
{
    struct sqlx_val p[2] = {SQLX_I(from), SQLX_I(to)};
    struct acd_span *v;
    struct sqlx_rows r;
    enum c311_rc rc;
    size_t i;

    *out = NULL;
    *n = 0;
    rc = query(st,
               "SELECT agent, queue, kind, started_at, ended_at"
               " FROM call_agent_span WHERE started_at < $2"
               " AND (ended_at IS NULL OR ended_at > $1)"
               " ORDER BY started_at, id",
               p, 2, a, &r, cause);
    if (rc != C311_OK || r.nrows == 0)
        return rc;
    v = arena_alloc(a, r.nrows * sizeof(*v));
    if (v == NULL)
        return store__fail(cause, C311_ERR_NOMEM, "out of memory");
    for (i = 0; i < r.nrows; i++) {
        v[i].agent = sqlx_cell(&r, i, 0);
        v[i].queue = sqlx_cell(&r, i, 1);
        v[i].kind = strcmp(sqlx_cell(&r, i, 2), "member") == 0 ? ACD_SPAN_MEMBER
                                                               : ACD_SPAN_PAUSE;
        v[i].start = sqlx_int(&r, i, 3);
        v[i].end = sqlx_int(&r, i, 4);
    }
    *out = v;
    *n = r.nrows;
    return C311_OK;
}

/* Reads the latest calls from one number. */
enum c311_rc
calls_by_caller(struct store *st, const char *caller, size_t limit,
                struct arena *a, struct calls_row **out, size_t *n,
                char **cause)
{
    struct sqlx_val p[2] = {SQLX_T(caller), SQLX_I(limit)};
    struct calls_row *v;
    struct sqlx_rows r;
    enum c311_rc rc;
    size_t i;

    *out = NULL;
    *n = 0;
    rc = query(st,
               "SELECT " ROW_COLUMNS " FROM call WHERE caller = $1"
               " ORDER BY entered_at DESC, id DESC LIMIT $2",
               p, 2, a, &r, cause);
    if (rc != C311_OK || r.nrows == 0)
        return rc;
    v = arena_alloc(a, r.nrows * sizeof(*v));
    if (v == NULL)
        return store__fail(cause, C311_ERR_NOMEM, "out of memory");
    for (i = 0; i < r.nrows; i++)
        read_row(&r, i, &v[i]);
    *out = v;
    *n = r.nrows;
    return C311_OK;
}

/* Reads the requests filed by phone in the range. */
enum c311_rc
calls_phone_requests(struct store *st, int64_t from, int64_t to,
                     struct arena *a, struct calls_request **out, size_t *n,
                     char **cause)
{
    struct sqlx_val p[2] = {SQLX_I(from), SQLX_I(to)};
    struct calls_request *v;
    struct sqlx_rows r;
    enum c311_rc rc;
    size_t i;

    *out = NULL;
    *n = 0;
    rc = query(st,
               "SELECT public_id, phone, requested_at FROM request"
               " WHERE phone IS NOT NULL AND channel = 'phone'"
               " AND requested_at >= $1 AND requested_at < $2"
               " ORDER BY requested_at, id",
               p, 2, a, &r, cause);
    if (rc != C311_OK || r.nrows == 0)
        return rc;
    v = arena_alloc(a, r.nrows * sizeof(*v));
    if (v == NULL)
        return store__fail(cause, C311_ERR_NOMEM, "out of memory");
    for (i = 0; i < r.nrows; i++) {
        v[i].public_id = sqlx_cell(&r, i, 0);
        v[i].phone = sqlx_cell(&r, i, 1);
        v[i].requested_at = sqlx_int(&r, i, 2);
    }
    *out = v;
    *n = r.nrows;
    return C311_OK;
}

/* Counts calls by UTC hour of their first entry. */
enum c311_rc
calls_hourly(struct store *st, int64_t from, int64_t to, struct arena *a,
             int64_t **hours, int64_t **counts, size_t *n, char **cause)
{
    struct sqlx_val p[2] = {SQLX_I(from), SQLX_I(to)};
    struct sqlx_rows r;
    enum c311_rc rc;
    size_t i;

    *n = 0;
    rc = query(st,
               "SELECT entered_at / 3600, count(*) FROM call"
               " WHERE entered_at >= $1 AND entered_at < $2"
               " GROUP BY entered_at / 3600 ORDER BY 1",
               p, 2, a, &r, cause);
    if (rc != C311_OK)
        return rc;
    *hours = arena_alloc(a, (r.nrows + 1) * sizeof(**hours));
    *counts = arena_alloc(a, (r.nrows + 1) * sizeof(**counts));
    if (*hours == NULL || *counts == NULL)
        return store__fail(cause, C311_ERR_NOMEM, "out of memory");
    for (i = 0; i < r.nrows; i++) {
        (*hours)[i] = sqlx_int(&r, i, 0) * 3600;
        (*counts)[i] = sqlx_int(&r, i, 1);
    }
    *n = r.nrows;
    return C311_OK;
}

/* Sums the known talk times of the range. */
enum c311_rc
calls_talk(struct store *st, int64_t from, int64_t to, int64_t *sum, int64_t *n,
           char **cause)
{
    struct sqlx_val p[2] = {SQLX_I(from), SQLX_I(to)};
    struct arena a = ARENA_INIT;
    struct sqlx_rows r;
    enum c311_rc rc;

    rc = query(st,
               "SELECT coalesce(sum(talk_s), 0), count(talk_s) FROM call"
               " WHERE entered_at >= $1 AND entered_at < $2",
               p, 2, &a, &r, cause);
    *sum = rc == C311_OK ? sqlx_int(&r, 0, 0) : 0;
    *n = rc == C311_OK ? sqlx_int(&r, 0, 1) : 0;
    arena_free(&a);
    return rc;
}

/* Reads the first and last entry of any call. */
enum c311_rc
calls_range(struct store *st, int64_t *first, int64_t *last, char **cause)
{
    struct arena a = ARENA_INIT;
    struct sqlx_rows r;
    enum c311_rc rc;

    rc = query(st, "SELECT min(entered_at), max(entered_at) FROM call", NULL, 0,
               &a, &r, cause);
    *first = rc == C311_OK ? sqlx_int(&r, 0, 0) : 0;
    *last = rc == C311_OK ? sqlx_int(&r, 0, 1) : 0;
    arena_free(&a);
    return rc;
}

/* Reads the position kept for a followed log. */
enum c311_rc
calls_source_get(struct store *st, const char *path, struct arena *a,
                 struct calls_source *out, char **cause)
{
    struct sqlx_val p[1] = {SQLX_T(path)};
    struct sqlx_rows r;
    enum c311_rc rc;

    rc = query(st,
               "SELECT inode, position FROM queue_log_source WHERE path = $1",
               p, 1, a, &r, cause);
    if (rc != C311_OK)
        return rc;
    if (r.nrows == 0)
        return store__fail(cause, C311_ERR_NOT_FOUND, "no position kept for %s",
                           path);
    out->inode = sqlx_cell(&r, 0, 0);
    out->position = sqlx_int(&r, 0, 1);
    return C311_OK;
}

/* Upserts the position of a followed log. */
static enum c311_rc
source_work(struct sqlx *x, void *arg, char **cause)
{
    return sqlx_exec(x,
                     "INSERT INTO queue_log_source"
                     " (path, inode, position, updated_at)"
                     " VALUES ($1, $2, $3, $4) ON CONFLICT (path) DO UPDATE"
                     " SET inode = excluded.inode,"
                     " position = excluded.position,"
                     " updated_at = excluded.updated_at",
                     arg, 4, NULL, cause);
}

/* Keeps the position of a followed log. */
enum c311_rc
calls_source_put(struct store *st, const char *path,
                 const struct calls_source *src, int64_t now, char **cause)
{
    struct sqlx_val p[4] = {SQLX_T(path), SQLX_T(src->inode),
                            SQLX_I(src->position), SQLX_I(now)};
    struct arena a = ARENA_INIT;
    enum c311_rc rc;

    rc = sqlx_run(st, true, source_work, p, &a, cause);
    arena_free(&a);
    return rc;
}
