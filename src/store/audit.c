/* SPDX-License-Identifier: MIT */
/* The audit trail on store/sqlx.h, the same SQL on every back end. */
#include <string.h>

#include "store/audit.h"
#include "store/backend.h"
#include "util/buf.h"

#define AUDIT_SQL_MAX 8192

enum c311_rc
audit_append(struct sqlx *x, int64_t at, const char *actor, const char *kind,
             const char *subject, const char *subject_id,
             const char *before_json, const char *after_json, char **cause)
{
    const struct sqlx_val p[] = {
        SQLX_I(at),         SQLX_T(actor),      SQLX_T(kind),
        SQLX_T(subject),    SQLX_T(subject_id), SQLX_J(before_json),
        SQLX_J(after_json),
    };

    return sqlx_exec(x,
                     "INSERT INTO audit (at, actor, kind, subject,"
                     " subject_id, before_json, after_json)"
                     " VALUES ($1, $2, $3, $4, $5, $6, $7)",
                     p, 7, NULL, cause);
}

enum c311_rc
audit_request_event(struct sqlx *x, int64_t request_id, int64_t at,
                    const char *actor, const char *kind, bool public,
                    const char *note, const char *before_json,
                    const char *after_json, char **cause)
{
    const struct sqlx_val p[] = {
        SQLX_I(request_id),  SQLX_I(at),         SQLX_T(actor),
        SQLX_T(kind),        SQLX_I(public),     SQLX_T(note),
        SQLX_J(before_json), SQLX_J(after_json),
    };

    return sqlx_exec(x,
                     "INSERT INTO event (request_id, jurisdiction_id, at,"
                     " actor, kind, public, note, before_json, after_json)"
                     " SELECT id, jurisdiction_id, $2, $3, $4, $5, $6, $7, $8"
                     " FROM request WHERE id = $1",
                     p, 8, NULL, cause);
}

/* The columns both trails are read with, in struct audit_entry order. */
#define AUDIT_COLUMNS                                                          \
    "id, at, actor, kind, subject, subject_id, public, note, before_json,"     \
    " after_json"

/* Fills out with the n rows of r. */
static enum c311_rc
audit_read(const struct sqlx_rows *r, struct arena *a, struct audit_entry **out,
           size_t *n, char **cause)
{
    struct audit_entry *v;
    size_t i;

    *out = NULL;
    *n = 0;
    if (r->nrows == 0)
        return C311_OK;
    v = arena_alloc(a, r->nrows * sizeof(*v));
    if (v == NULL)
        return store__fail(cause, C311_ERR_NOMEM, "out of memory");
    for (i = 0; i < r->nrows; i++) {
        v[i].id = sqlx_int(r, i, 0);
        v[i].at = sqlx_int(r, i, 1);
        v[i].actor = sqlx_cell(r, i, 2);
        v[i].kind = sqlx_cell(r, i, 3);
        v[i].subject = sqlx_cell(r, i, 4);
        v[i].subject_id = sqlx_cell(r, i, 5);
        v[i].public = sqlx_int(r, i, 6) != 0;
        v[i].note = sqlx_cell(r, i, 7);
        v[i].before_json = sqlx_cell(r, i, 8);
        v[i].after_json = sqlx_cell(r, i, 9);
    }
    *out = v;
    *n = r->nrows;
    return C311_OK;
}

/* What audit_query_work() runs and returns. */
struct audit_query_arg {
    const struct audit_filter *f;
    struct arena *a;
    struct audit_entry **out;
    size_t *n;
};

/* Appends " AND column op $N" with the next parameter. */
static void
audit_where(struct buf *sql, const char *cond, struct sqlx_val *p, size_t *np,
            struct sqlx_val v)
{
    p[*np] = v;
    (*np)++;
    buf_printf(sql, " AND %s $%zu", cond, *np);
}

/* Builds the merged query from the filter and runs it. */
static enum c311_rc
audit_query_work(struct sqlx *x, void *arg, char **cause)
{
    struct audit_query_arg *w = arg;
    const struct audit_filter *f = w->f;
    struct buf sql = BUF_INIT(AUDIT_SQL_MAX);
    struct sqlx_val p[6];
    struct sqlx_rows r;
    enum c311_rc rc;
    size_t np = 0;

    buf_puts(&sql,
             "SELECT " AUDIT_COLUMNS " FROM ("
             "SELECT id, at, actor, kind, subject, subject_id, 0 AS public,"
             " NULL AS note, before_json, after_json FROM audit"
             " UNION ALL"
             " SELECT e.id, e.at, e.actor, e.kind, 'request', r.public_id,"
             " e.public, e.note, e.before_json, e.after_json"
             " FROM event e JOIN request r ON r.id = e.request_id"
             ") t WHERE 1 = 1");
    if (f->actor != NULL)
        audit_where(&sql, "actor =", p, &np, SQLX_T(f->actor));
    if (f->kind != NULL)
        audit_where(&sql, "kind =", p, &np, SQLX_T(f->kind));
    if (f->from != 0)
        audit_where(&sql, "at >=", p, &np, SQLX_I(f->from));
    if (f->to != 0)
        audit_where(&sql, "at <=", p, &np, SQLX_I(f->to));
    p[np++] = SQLX_I(f->limit);
    p[np++] = SQLX_I(f->offset);
    buf_printf(&sql,
               " ORDER BY at DESC, subject, id DESC LIMIT $%zu OFFSET $%zu",
               np - 1, np);
    if (sql.failed) {
        buf_release(&sql);
        return store__fail(cause, C311_ERR_NOMEM, "out of memory");
    }
    rc = sqlx_exec(x, sql.data, p, np, &r, cause);
    buf_release(&sql);
    if (rc != C311_OK)
        return rc;
    return audit_read(&r, w->a, w->out, w->n, cause);
}

enum c311_rc
audit_query(struct store *st, const struct audit_filter *f, struct arena *a,
            struct audit_entry **out, size_t *n, char **cause)
{
    struct audit_query_arg w = {f, a, out, n};

    *out = NULL;
    *n = 0;
    if (f->limit == 0)
        return store__fail(cause, C311_ERR_INVALID, "limit must be positive");
    return sqlx_run(st, false, audit_query_work, &w, a, cause);
}

/* What audit_history_work() reads and returns. */
struct audit_history_arg {
    const char *public_id;
    struct arena *a;
    struct audit_entry **out;
    size_t *n;
};

/* Reads the events of one request, oldest first. */
static enum c311_rc
audit_history_work(struct sqlx *x, void *arg, char **cause)
{
    struct audit_history_arg *w = arg;
    const struct sqlx_val p[] = {SQLX_T(w->public_id)};
    struct sqlx_rows r;
    enum c311_rc rc;
    int64_t found;

    rc = sqlx_scalar(x, "SELECT count(*) FROM request WHERE public_id = $1", p,
                     1, &found, cause);
    if (rc != C311_OK)
        return rc;
    if (found == 0)
        return store__fail(cause, C311_ERR_NOT_FOUND, "no request '%s'",
                           w->public_id);
    rc = sqlx_exec(x,
                   "SELECT e.id, e.at, e.actor, e.kind, 'request',"
                   " r.public_id, e.public, e.note, e.before_json,"
                   " e.after_json"
                   " FROM event e JOIN request r ON r.id = e.request_id"
                   " WHERE r.public_id = $1 ORDER BY e.at, e.id",
                   p, 1, &r, cause);
    if (rc != C311_OK)
        return rc;
    return audit_read(&r, w->a, w->out, w->n, cause);
}

enum c311_rc
audit_history(struct store *st, const char *public_id, struct arena *a,
              struct audit_entry **out, size_t *n, char **cause)
{
    struct audit_history_arg w = {public_id, a, out, n};

    *out = NULL;
    *n = 0;
    return sqlx_run(st, false, audit_history_work, &w, a, cause);
}
