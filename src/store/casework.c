/* SPDX-License-Identifier: MIT */
/* The contact centre's side of requests, on store/sqlx.h. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "store/audit.h"
#include "store/backend.h"
#include "store/casework.h"
#include "util/buf.h"

#define CASEWORK_SQL_MAX (256 * 1024)

/* A one-member JSON object {key: value} as text in a; value may be NULL. */
static const char *
casework_json1(struct arena *a, const char *key, json_t *value)
{
    json_t *o = json_pack("{s:o}", key, value != NULL ? value : json_null());
    char *text = o != NULL ? json_dumps(o, JSON_COMPACT) : NULL;
    const char *s = arena_strdup(a, text);

    free(text);
    json_decref(o);
    return s;
}

/* What the work functions below read or change. */
struct casework_arg {
    const char *public_id;
    const char *actor;
    const char *text;
    bool public;
    int64_t user_id;
    int64_t now;
    struct casework_info *info;
};

/* Loads the staff facts of the request into *out. */
static enum c311_rc
casework_load(struct sqlx *x, const char *public_id, struct casework_info *out,
              const char **status, char **cause)
{
    const struct sqlx_val p[] = {SQLX_T(public_id)};
    struct sqlx_rows r;
    enum c311_rc rc;

    rc = sqlx_exec(x,
                   "SELECT r.id, r.contact_id, r.interpreter_used,"
                   " r.escalated_at, r.escalation_reason, u.login,"
                   " r.taken_at, r.status"
                   " FROM request r LEFT JOIN staff_user u"
                   " ON u.id = r.expert_id WHERE r.public_id = $1",
                   p, 1, &r, cause);
    if (rc != C311_OK)
        return rc;
    if (r.nrows == 0)
        return store__fail(cause, C311_ERR_NOT_FOUND, "no request '%s'",
                           public_id);
    memset(out, 0, sizeof(*out));
    out->id = sqlx_int(&r, 0, 0);
    out->contact_id = sqlx_int(&r, 0, 1);
    out->interpreter_used = sqlx_int(&r, 0, 2) != 0;
    out->escalated_at = sqlx_int(&r, 0, 3);
    out->escalation_reason = sqlx_cell(&r, 0, 4);
    out->expert_login = sqlx_cell(&r, 0, 5);
    out->taken_at = sqlx_int(&r, 0, 6);
    if (status != NULL)
        *status = sqlx_cell(&r, 0, 7);
    return C311_OK;
}

/* Reads the staff facts. */
static enum c311_rc
casework_info_work(struct sqlx *x, void *arg, char **cause)
{
    struct casework_arg *w = arg;

    return casework_load(x, w->public_id, w->info, NULL, cause);
}

enum c311_rc
casework_info(struct store *st, const char *public_id, struct arena *a,
              struct casework_info *out, char **cause)
{
    struct casework_arg w = {.public_id = public_id, .info = out};

    memset(out, 0, sizeof(*out));
    return sqlx_run(st, false, casework_info_work, &w, a, cause);
}

/* Appends the note; a public one becomes the status notes. */
static enum c311_rc
casework_note_work(struct sqlx *x, void *arg, char **cause)
{
    struct casework_arg *w = arg;
    struct casework_info info;
    enum c311_rc rc;

    rc = casework_load(x, w->public_id, &info, NULL, cause);
    if (rc != C311_OK)
        return rc;
    rc = audit_request_event(x, info.id, w->now, w->actor, "note", w->public,
                             w->text, NULL, NULL, cause);
    if (rc != C311_OK || !w->public)
        return rc;
    {
        const struct sqlx_val p[] = {SQLX_I(info.id), SQLX_T(w->text),
                                     SQLX_I(w->now)};

        return sqlx_exec(x,
                         "UPDATE request SET status_notes = $2,"
                         " updated_at = $3 WHERE id = $1",
                         p, 3, NULL, cause);
    }
}

enum c311_rc
casework_note(struct store *st, const char *public_id, const char *actor,
              const char *text, bool public, int64_t now, char **cause)
{
    struct casework_arg w = {public_id, actor, text, public, 0, now, NULL};
    struct arena a = ARENA_INIT;
    enum c311_rc rc;

    rc = sqlx_run(st, true, casework_note_work, &w, &a, cause);
    arena_free(&a);
    return rc;
}

/* Puts the request in the queue unless it is closed or queued. */
static enum c311_rc
casework_escalate_work(struct sqlx *x, void *arg, char **cause)
{
    struct casework_arg *w = arg;
    struct casework_info info;
    const char *status = NULL, *bj, *aj;
    enum c311_rc rc;

    rc = casework_load(x, w->public_id, &info, &status, cause);
    if (rc != C311_OK)
        return rc;
    if (status != NULL && strcmp(status, "closed") == 0)
        return store__fail(cause, C311_ERR_CONFLICT, "request %s is closed",
                           w->public_id);
    if (info.escalated_at != 0 && info.taken_at == 0)
        return store__fail(cause, C311_ERR_CONFLICT,
                           "request %s waits in the expert queue already",
                           w->public_id);
    {
        const struct sqlx_val p[] = {SQLX_I(info.id), SQLX_I(w->now),
                                     SQLX_T(w->text)};

        rc = sqlx_exec(x,
                       "UPDATE request SET escalated_at = $2,"
                       " escalation_reason = $3, expert_id = NULL,"
                       " taken_at = NULL WHERE id = $1",
                       p, 3, NULL, cause);
    }
    if (rc != C311_OK)
        return rc;
    bj = casework_json1(x->a, "escalated", json_boolean(false));
    aj = casework_json1(x->a, "escalated", json_boolean(true));
    if (bj == NULL || aj == NULL)
        return store__fail(cause, C311_ERR_NOMEM, "out of memory");
    return audit_request_event(x, info.id, w->now, w->actor, "escalated", false,
                               w->text, bj, aj, cause);
}

enum c311_rc
casework_escalate(struct store *st, const char *public_id, const char *actor,
                  const char *reason, int64_t now, char **cause)
{
    struct casework_arg w = {public_id, actor, reason, false, 0, now, NULL};
    struct arena a = ARENA_INIT;
    enum c311_rc rc;

    rc = sqlx_run(st, true, casework_escalate_work, &w, &a, cause);
    arena_free(&a);
    return rc;
}

/* Takes the request out of the queue for the expert. */
static enum c311_rc
casework_take_work(struct sqlx *x, void *arg, char **cause)
{
    struct casework_arg *w = arg;
    struct casework_info info;
    const char *bj, *aj;
    enum c311_rc rc;
    struct sqlx_rows r;

    rc = casework_load(x, w->public_id, &info, NULL, cause);
    if (rc != C311_OK)
        return rc;
    {
        /* The condition holds the race: of two experts, one changes it. */
        const struct sqlx_val p[] = {SQLX_I(info.id), SQLX_I(w->user_id),
                                     SQLX_I(w->now)};

        rc = sqlx_exec(x,
                       "UPDATE request SET expert_id = $2, taken_at = $3"
                       " WHERE id = $1 AND escalated_at IS NOT NULL"
                       " AND taken_at IS NULL",
                       p, 3, &r, cause);
    }
    if (rc != C311_OK)
        return rc;
    if (r.changes == 0)
        return store__fail(cause, C311_ERR_CONFLICT,
                           "request %s is not waiting in the expert queue",
                           w->public_id);
    bj = casework_json1(x->a, "expert", NULL);
    aj = casework_json1(x->a, "expert",
                        json_string(w->actor + strcspn(w->actor, ":") +
                                    (strchr(w->actor, ':') != NULL)));
    if (bj == NULL || aj == NULL)
        return store__fail(cause, C311_ERR_NOMEM, "out of memory");
    return audit_request_event(x, info.id, w->now, w->actor, "taken", false,
                               NULL, bj, aj, cause);
}

enum c311_rc
casework_take(struct store *st, const char *public_id, int64_t user_id,
              const char *actor, int64_t now, char **cause)
{
    struct casework_arg w = {public_id, actor, NULL, false, user_id, now, NULL};
    struct arena a = ARENA_INIT;
    enum c311_rc rc;

    rc = sqlx_run(st, true, casework_take_work, &w, &a, cause);
    arena_free(&a);
    return rc;
}

/* ---- lists ---- */

/* A query under construction: SQL text and its parameters. */
struct casework_sql {
    struct buf sql;
    struct sqlx_val *p;
    size_t np;
};

/* Appends "$N" for value v. */
static void
casework_param(struct casework_sql *q, struct sqlx_val v)
{
    q->p[q->np++] = v;
    buf_printf(&q->sql, "$%zu", q->np);
}

/* Appends " AND column IN ($a, $b, ...)"; an empty list matches nothing. */
static void
casework_in(struct casework_sql *q, const char *column, const char **v,
            size_t n)
{
    size_t i;

    if (n == 0) {
        buf_puts(&q->sql, " AND 1 = 0");
        return;
    }
    buf_printf(&q->sql, " AND %s IN (", column);
    for (i = 0; i < n; i++) {
        if (i > 0)
            buf_puts(&q->sql, ", ");
        casework_param(q, SQLX_T(v[i]));
    }
    buf_putc(&q->sql, ')');
}

/* Copies text with LIKE's wildcards escaped and wrapped in '%'. */
static const char *
casework_like(const char *text, struct arena *a)
{
    struct buf b = BUF_INIT(0);
    const char *s;

    buf_putc(&b, '%');
    for (; *text != '\0'; text++) {
        if (*text == '%' || *text == '_' || *text == '\\')
            buf_putc(&b, '\\');
        buf_putc(&b, *text);
    }
    buf_putc(&b, '%');
    s = b.failed ? NULL : arena_strdup(a, b.data);
    buf_release(&b);
    return s;
}

/* Appends the WHERE conditions of f. */
static bool
casework_where(struct casework_sql *q, const struct casework_filter *f,
               struct arena *a)
{
    const char *like;

    buf_puts(&q->sql, " WHERE 1 = 1");
    if (f->restrict_codes)
        casework_in(q, "service_code", f->codes, f->ncodes);
    if (f->scoped)
        casework_in(q, "service_code", f->scope, f->nscope);
    if (f->nchannels > 0)
        casework_in(q, "channel", f->channels, f->nchannels);
    if (f->want_open != f->want_closed) {
        buf_puts(&q->sql, " AND status = ");
        casework_param(q, SQLX_T(f->want_open ? "open" : "closed"));
    }
    if (f->from != 0) {
        buf_puts(&q->sql, " AND requested_at >= ");
        casework_param(q, SQLX_I(f->from));
    }
    if (f->to != 0) {
        buf_puts(&q->sql, " AND requested_at <= ");
        casework_param(q, SQLX_I(f->to));
    }
    if (f->contact_id != 0) {
        buf_puts(&q->sql, " AND contact_id = ");
        casework_param(q, SQLX_I(f->contact_id));
    }
    if (f->escalated)
        buf_puts(&q->sql, " AND escalated_at IS NOT NULL AND taken_at IS NULL"
                          " AND status = 'open'");
    if (f->text != NULL) {
        like = casework_like(f->text, a);
        if (like == NULL)
            return false;
        /* TODO: SQLite's lower() folds ASCII letters only, so on SQLite
         * the text search ignores case for those alone. */
        buf_puts(&q->sql, " AND lower(description) LIKE lower(");
        casework_param(q, SQLX_T(like));
        buf_puts(&q->sql, ") ESCAPE '\\'");
    }
    return true;
}

/* Fills the rows of a list from r. */
static enum c311_rc
casework_rows(const struct sqlx_rows *r, struct arena *a,
              struct casework_row **out, size_t *n, char **cause)
{
    struct casework_row *v;
    const char *status;
    size_t i;

    if (r->nrows == 0)
        return C311_OK;
    v = arena_alloc(a, r->nrows * sizeof(*v));
    if (v == NULL)
        return store__fail(cause, C311_ERR_NOMEM, "out of memory");
    for (i = 0; i < r->nrows; i++) {
        v[i].public_id = sqlx_cell(r, i, 0);
        v[i].service_code = sqlx_cell(r, i, 1);
        v[i].service_name = sqlx_cell(r, i, 2);
        status = sqlx_cell(r, i, 3);
        v[i].status = status != NULL && strcmp(status, "closed") == 0
                          ? SR_CLOSED
                          : SR_OPEN;
        v[i].description = sqlx_cell(r, i, 4);
        v[i].address = sqlx_cell(r, i, 5);
        v[i].channel = sqlx_cell(r, i, 6);
        v[i].requested_at = sqlx_int(r, i, 7);
        v[i].updated_at = sqlx_int(r, i, 8);
        v[i].contact_id = sqlx_int(r, i, 9);
        v[i].escalated_at = sqlx_int(r, i, 10);
        v[i].escalation_reason = sqlx_cell(r, i, 11);
    }
    *out = v;
    *n = r->nrows;
    return C311_OK;
}

/* What casework_query_work() reads and returns. */
struct casework_query_arg {
    const struct casework_filter *f;
    struct casework_row **out;
    size_t *n;
    int64_t *total;
};

/* Counts the matches, then reads one page of them. */
static enum c311_rc
casework_query_work(struct sqlx *x, void *arg, char **cause)
{
    struct casework_query_arg *w = arg;
    const struct casework_filter *f = w->f;
    struct casework_sql q = {BUF_INIT(CASEWORK_SQL_MAX), NULL, 0};
    struct buf count = BUF_INIT(CASEWORK_SQL_MAX);
    struct sqlx_rows r;
    enum c311_rc rc = C311_OK;
    size_t nwhere;

    q.p = arena_alloc(x->a, (f->ncodes + f->nscope + f->nchannels + 12) *
                                sizeof(*q.p));
    if (q.p == NULL)
        return store__fail(cause, C311_ERR_NOMEM, "out of memory");
    buf_puts(&q.sql, "SELECT public_id, service_code, service_name, status,"
                     " description, address, channel, requested_at,"
                     " updated_at, contact_id, escalated_at,"
                     " escalation_reason FROM request");
    if (!casework_where(&q, f, x->a)) {
        rc = store__fail(cause, C311_ERR_NOMEM, "out of memory");
        goto out;
    }
    nwhere = q.np;
    buf_printf(&count, "SELECT count(*) FROM request%s",
               q.sql.data != NULL ? strstr(q.sql.data, " WHERE") : "");
    buf_puts(&q.sql, f->escalated
                         ? " ORDER BY escalated_at, id LIMIT "
                         : " ORDER BY requested_at DESC, id DESC LIMIT ");
    casework_param(&q, SQLX_I(f->limit));
    buf_puts(&q.sql, " OFFSET ");
    casework_param(&q, SQLX_I(f->offset));
    if (q.sql.failed || count.failed) {
        rc = store__fail(cause, C311_ERR_TOO_LARGE, "query is too large");
        goto out;
    }
    rc = sqlx_scalar(x, count.data, q.p, nwhere, w->total, cause);
    if (rc == C311_OK)
        rc = sqlx_exec(x, q.sql.data, q.p, q.np, &r, cause);
    if (rc == C311_OK)
        rc = casework_rows(&r, x->a, w->out, w->n, cause);
out:
    buf_release(&q.sql);
    buf_release(&count);
    return rc;
}

enum c311_rc
casework_query(struct store *st, const struct casework_filter *f,
               struct arena *a, struct casework_row **out, size_t *n,
               int64_t *total, char **cause)
{
    struct casework_query_arg w = {f, out, n, total};

    *out = NULL;
    *n = 0;
    *total = 0;
    if (f->limit == 0)
        return store__fail(cause, C311_ERR_INVALID, "limit must be positive");
    return sqlx_run(st, false, casework_query_work, &w, a, cause);
}
