/* SPDX-License-Identifier: MIT */
/*
 * The work engine's storage, written once on store/sqlx.h for SQLite and
 * PostgreSQL. Locks (FOR UPDATE, SKIP LOCKED) are added on PostgreSQL
 * only: SQLite has one writer, so a write transaction holds the whole
 * database already.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/backend.h"
#include "store/import_backend.h"
#include "store/workorder.h"
#include "util/buf.h"

#define WO_SQL_MAX (8 * 1024)

/* Columns of work_order w joined with request r, as read_wo() reads them. */
#define WO_COLUMNS                                                             \
    "w.id, w.request_id, r.public_id, r.service_code, w.workflow, w.step,"     \
    " w.name, w.department, w.work_group, w.assignee, w.status, w.priority,"   \
    " w.sla, w.created_at, w.updated_at, w.due_at, w.at_risk_at,"              \
    " w.started_at, w.completed_at, w.outcome, w.notes, w.hold_reason,"        \
    " w.held_since, w.held_seconds, w.sla_state, r.address, r.lat, r.lon,"     \
    " r.description"

#define WO_FROM " FROM work_order w JOIN request r ON r.id = w.request_id"

/* True when x runs on PostgreSQL. */
static bool
is_pg(const struct sqlx *x)
{
    return x->exec == store__pg_exec;
}

/* Inserts a request inside x's transaction, through its back end. */
enum c311_rc
store_wo_request_insert(struct sqlx *x, struct sr *req, char **cause)
{
    const struct store_ops *ops =
        is_pg(x) ? &store__pg_ops : &store__sqlite_ops;

    return ops->request_insert_x(x, req, cause);
}

/* Fills wo from row i of rows selecting WO_COLUMNS. */
static void
read_wo(const struct sqlx_rows *rows, size_t i, struct work_order *wo)
{
    memset(wo, 0, sizeof(*wo));
    wo->id = sqlx_int(rows, i, 0);
    wo->request_id = sqlx_int(rows, i, 1);
    wo->public_id = sqlx_cell(rows, i, 2);
    wo->service_code = sqlx_cell(rows, i, 3);
    wo->workflow = sqlx_cell(rows, i, 4);
    wo->step = sqlx_cell(rows, i, 5);
    wo->name = sqlx_cell(rows, i, 6);
    wo->department = sqlx_cell(rows, i, 7);
    wo->work_group = sqlx_cell(rows, i, 8);
    wo->assignee = sqlx_cell(rows, i, 9);
    wo_status_parse(sqlx_cell(rows, i, 10), &wo->status);
    wo->priority = (int)sqlx_int(rows, i, 11);
    wo->sla = sqlx_cell(rows, i, 12);
    wo->created_at = sqlx_int(rows, i, 13);
    wo->updated_at = sqlx_int(rows, i, 14);
    wo->due_at = sqlx_int(rows, i, 15);
    wo->at_risk_at = sqlx_int(rows, i, 16);
    wo->started_at = sqlx_int(rows, i, 17);
    wo->completed_at = sqlx_int(rows, i, 18);
    wo->outcome = sqlx_cell(rows, i, 19);
    wo->notes = sqlx_cell(rows, i, 20);
    wo->hold_reason = sqlx_cell(rows, i, 21);
    wo->held_since = sqlx_int(rows, i, 22);
    wo->held_seconds = sqlx_int(rows, i, 23);
    sla_state_parse(sqlx_cell(rows, i, 24), &wo->sla_state);
    wo->address = sqlx_cell(rows, i, 25);
    wo->has_location = sqlx_cell(rows, i, 26) != NULL;
    wo->lat = sqlx_real(rows, i, 26);
    wo->lon = sqlx_real(rows, i, 27);
    wo->description = sqlx_cell(rows, i, 28);
}

/* Copies every row of rows into a new array of work orders. */
static enum c311_rc
read_all(struct sqlx *x, const struct sqlx_rows *rows, struct work_order **v,
         size_t *n, char **cause)
{
    size_t i;

    *v = NULL;
    *n = 0;
    if (rows->nrows == 0)
        return C311_OK;
    *v = arena_alloc(x->a, rows->nrows * sizeof(**v));
    if (*v == NULL)
        return store__fail(cause, C311_ERR_NOMEM, "out of memory");
    for (i = 0; i < rows->nrows; i++)
        read_wo(rows, i, &(*v)[i]);
    *n = rows->nrows;
    return C311_OK;
}

/* Text or NULL for an empty string, as the rest of the store keeps it. */
static struct sqlx_val
text_val(const char *s)
{
    return SQLX_T(s != NULL && *s != '\0' ? s : NULL);
}

/* Inserts a work order; see workorder.h. */
enum c311_rc
store_wo_insert(struct sqlx *x, struct work_order *wo, char **cause)
{
    const struct sqlx_val p[] = {
        SQLX_I(wo->request_id),
        text_val(wo->workflow),
        SQLX_T(wo->step),
        text_val(wo->name),
        SQLX_T(wo->department),
        text_val(wo->work_group),
        text_val(wo->assignee),
        SQLX_T(wo_status_name(wo->status)),
        SQLX_I(wo->priority),
        text_val(wo->sla),
        SQLX_I(wo->created_at),
        SQLX_I(wo->updated_at),
        SQLX_TIME(wo->due_at),
        SQLX_TIME(wo->at_risk_at),
        SQLX_T(sla_state_name(wo->sla_state)),
        text_val(wo->notes),
    };
    struct sqlx_rows rows;
    enum c311_rc rc;

    rc = sqlx_exec(x,
                   "INSERT INTO work_order (request_id, workflow, step, name,"
                   " department, work_group, assignee, status, priority, sla,"
                   " created_at, updated_at, due_at, at_risk_at, sla_state,"
                   " notes)"
                   " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11,"
                   " $12, $13, $14, $15, $16) RETURNING id",
                   p, sizeof(p) / sizeof(p[0]), &rows, cause);
    if (rc == C311_OK)
        wo->id = sqlx_int(&rows, 0, 0);
    return rc;
}

/* Loads one work order; see workorder.h. */
enum c311_rc
store_wo_get(struct sqlx *x, int64_t id, bool lock, struct work_order **out,
             char **cause)
{
    const struct sqlx_val p[] = {SQLX_I(id)};
    struct sqlx_rows rows;
    enum c311_rc rc;
    size_t n;

    *out = NULL;
    rc = sqlx_exec(x,
                   lock && is_pg(x) ? "SELECT " WO_COLUMNS WO_FROM
                                      " WHERE w.id = $1 FOR UPDATE OF w"
                                    : "SELECT " WO_COLUMNS WO_FROM
                                      " WHERE w.id = $1",
                   p, 1, &rows, cause);
    if (rc != C311_OK)
        return rc;
    if (rows.nrows == 0)
        return store__fail(cause, C311_ERR_NOT_FOUND, "no work order %lld",
                           (long long)id);
    return read_all(x, &rows, out, &n, cause);
}

/* Writes the fields of wo that change over its life. */
enum c311_rc
store_wo_update(struct sqlx *x, const struct work_order *wo, char **cause)
{
    const struct sqlx_val p[] = {
        SQLX_I(wo->id),
        SQLX_T(wo->department),
        text_val(wo->work_group),
        text_val(wo->assignee),
        SQLX_T(wo_status_name(wo->status)),
        SQLX_I(wo->priority),
        SQLX_I(wo->updated_at),
        SQLX_TIME(wo->due_at),
        SQLX_TIME(wo->at_risk_at),
        SQLX_TIME(wo->started_at),
        SQLX_TIME(wo->completed_at),
        text_val(wo->outcome),
        text_val(wo->notes),
        text_val(wo->hold_reason),
        SQLX_TIME(wo->held_since),
        SQLX_I(wo->held_seconds),
        SQLX_T(sla_state_name(wo->sla_state)),
    };

    return sqlx_exec(x,
                     "UPDATE work_order SET department = $2, work_group = $3,"
                     " assignee = $4, status = $5, priority = $6,"
                     " updated_at = $7, due_at = $8, at_risk_at = $9,"
                     " started_at = $10, completed_at = $11, outcome = $12,"
                     " notes = $13, hold_reason = $14, held_since = $15,"
                     " held_seconds = $16, sla_state = $17 WHERE id = $1",
                     p, sizeof(p) / sizeof(p[0]), NULL, cause);
}

/* Appends " AND cond $N" with a text value. */
static void
where_text(struct buf *sql, const char *cond, const char *v, struct sqlx_val *p,
           size_t *np)
{
    if (v == NULL)
        return;
    p[*np] = SQLX_T(v);
    (*np)++;
    buf_printf(sql, " AND %s $%zu", cond, *np);
}

/* Lists work orders; see workorder.h. */
enum c311_rc
store_wo_list(struct sqlx *x, const struct wo_query *q, struct work_order **v,
              size_t *n, char **cause)
{
    struct buf sql = BUF_INIT(WO_SQL_MAX);
    struct sqlx_val p[10];
    struct sqlx_rows rows;
    enum c311_rc rc;
    size_t np = 0;

    buf_puts(&sql, "SELECT " WO_COLUMNS WO_FROM " WHERE 1 = 1");
    if (q->request_id != 0) {
        p[np++] = SQLX_I(q->request_id);
        buf_printf(&sql, " AND w.request_id = $%zu", np);
    }
    where_text(&sql, "w.department =", q->department, p, &np);
    where_text(&sql, "w.work_group =", q->work_group, p, &np);
    where_text(&sql, "w.assignee =", q->assignee, p, &np);
    if (q->has_status)
        where_text(&sql, "w.status =", wo_status_name(q->status), p, &np);
    if (q->unfinished)
        buf_puts(&sql, " AND w.status <> 'done'");
    if (q->has_sla)
        where_text(&sql, "w.sla_state =", sla_state_name(q->sla), p, &np);
    buf_puts(&sql, " ORDER BY w.due_at IS NULL, w.due_at, w.id");
    if (q->limit > 0) {
        p[np++] = SQLX_I((int64_t)q->limit);
        buf_printf(&sql, " LIMIT $%zu", np);
        p[np++] = SQLX_I((int64_t)q->offset);
        buf_printf(&sql, " OFFSET $%zu", np);
    }
    if (sql.failed) {
        buf_release(&sql);
        return store__fail(cause, C311_ERR_NOMEM, "out of memory");
    }
    rc = sqlx_exec(x, sql.data, p, np, &rows, cause);
    buf_release(&sql);
    if (rc != C311_OK)
        return rc;
    return read_all(x, &rows, v, n, cause);
}

/* Counts unfinished work orders per assignee of a work group. */
enum c311_rc
store_wo_open_counts(struct sqlx *x, const char *work_group,
                     const char ***logins, int64_t **counts, size_t *n,
                     char **cause)
{
    const struct sqlx_val p[] = {SQLX_T(work_group)};
    struct sqlx_rows rows;
    enum c311_rc rc;
    size_t i;

    *n = 0;
    rc = sqlx_exec(x,
                   "SELECT assignee, count(*) FROM work_order"
                   " WHERE work_group = $1 AND status <> 'done'"
                   " AND assignee IS NOT NULL GROUP BY assignee",
                   p, 1, &rows, cause);
    if (rc != C311_OK || rows.nrows == 0)
        return rc;
    *logins = arena_alloc(x->a, rows.nrows * sizeof(**logins));
    *counts = arena_alloc(x->a, rows.nrows * sizeof(**counts));
    if (*logins == NULL || *counts == NULL)
        return store__fail(cause, C311_ERR_NOMEM, "out of memory");
    for (i = 0; i < rows.nrows; i++) {
        (*logins)[i] = sqlx_cell(&rows, i, 0);
        (*counts)[i] = sqlx_int(&rows, i, 1);
    }
    *n = rows.nrows;
    return C311_OK;
}

/* Reads a staff account for the engine; see workorder.h. */
enum c311_rc
store_wo_staff(struct sqlx *x, const char *login, bool *found, bool *disabled,
               const char **roles, const char **departments, char **cause)
{
    const struct sqlx_val p[] = {SQLX_T(login)};
    struct sqlx_rows rows;
    enum c311_rc rc;

    *found = *disabled = false;
    *roles = *departments = "";
    rc = sqlx_exec(x,
                   "SELECT disabled, roles, departments FROM staff_user"
                   " WHERE login = $1",
                   p, 1, &rows, cause);
    if (rc != C311_OK || rows.nrows == 0)
        return rc;
    *found = true;
    *disabled = sqlx_int(&rows, 0, 0) != 0;
    if (sqlx_cell(&rows, 0, 1) != NULL)
        *roles = sqlx_cell(&rows, 0, 1);
    if (sqlx_cell(&rows, 0, 2) != NULL)
        *departments = sqlx_cell(&rows, 0, 2);
    return C311_OK;
}

/* Takes a round_robin turn; see workorder.h. */
enum c311_rc
store_wo_next_turn(struct sqlx *x, const char *work_group, int64_t *turn,
                   char **cause)
{
    const struct sqlx_val p[] = {SQLX_T(work_group)};
    struct sqlx_rows rows;
    enum c311_rc rc;

    rc = sqlx_exec(x,
                   "INSERT INTO work_group_turn (work_group, turns)"
                   " VALUES ($1, 1) ON CONFLICT (work_group) DO UPDATE"
                   " SET turns = work_group_turn.turns + 1 RETURNING turns",
                   p, 1, &rows, cause);
    if (rc == C311_OK)
        *turn = sqlx_int(&rows, 0, 0) - 1;
    return rc;
}

/* Appends one entry to a request's history. */
enum c311_rc
store_wo_event(struct sqlx *x, const struct wo_event *e, char **cause)
{
    const struct sqlx_val p[] = {
        SQLX_I(e->request_id), text_val(e->jurisdiction_id),
        SQLX_I(e->at),         text_val(e->actor),
        SQLX_T(e->kind),       SQLX_I(e->public ? 1 : 0),
        text_val(e->note),     SQLX_J(e->after_json),
    };

    return sqlx_exec(x,
                     "INSERT INTO event (request_id, jurisdiction_id, at,"
                     " actor, kind, public, note, after_json)"
                     " VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                     p, sizeof(p) / sizeof(p[0]), NULL, cause);
}

/* Queues one notification. */
enum c311_rc
store_wo_outbox(struct sqlx *x, int64_t at, const char *recipient,
                const char *subject, const char *body, int64_t request_id,
                int64_t wo_id, char **cause)
{
    const struct sqlx_val p[] = {
        SQLX_I(at),     SQLX_T(recipient),     SQLX_T(subject),
        text_val(body), SQLX_TIME(request_id), SQLX_TIME(wo_id),
    };

    return sqlx_exec(x,
                     "INSERT INTO outbox (created_at, recipient, subject,"
                     " body, request_id, work_order_id)"
                     " VALUES ($1, $2, $3, $4, $5, $6)",
                     p, sizeof(p) / sizeof(p[0]), NULL, cause);
}

/* Applies an escalation level once; see workorder.h. */
enum c311_rc
store_wo_claim_escalation(struct sqlx *x, int64_t wo_id, int level, int64_t at,
                          const char *notified, bool *claimed, char **cause)
{
    const struct sqlx_val p[] = {SQLX_I(wo_id), SQLX_I(level), SQLX_I(at),
                                 text_val(notified)};
    struct sqlx_rows rows;
    enum c311_rc rc;

    *claimed = false;
    rc = sqlx_exec(x,
                   "INSERT INTO sla_escalation (work_order_id, level, at,"
                   " notified) VALUES ($1, $2, $3, $4)"
                   " ON CONFLICT (work_order_id, level) DO NOTHING",
                   p, 4, &rows, cause);
    if (rc == C311_OK)
        *claimed = rows.changes == 1;
    return rc;
}

/* Picks the next work orders for a sweep; see workorder.h. */
enum c311_rc
store_wo_sweep_batch(struct sqlx *x, int64_t now, int64_t after_id,
                     size_t limit, struct work_order **v, size_t *n,
                     char **cause)
{
    const struct sqlx_val p[] = {SQLX_I(now), SQLX_I(after_id),
                                 SQLX_I((int64_t)limit)};
    struct sqlx_rows rows;
    enum c311_rc rc;

    rc = sqlx_exec(x,
                   is_pg(x) ? "SELECT " WO_COLUMNS WO_FROM
                              " WHERE w.status IN ('open', 'in_progress')"
                              " AND w.at_risk_at <= $1 AND w.id > $2"
                              " ORDER BY w.id LIMIT $3"
                              " FOR UPDATE OF w SKIP LOCKED"
                            : "SELECT " WO_COLUMNS WO_FROM
                              " WHERE w.status IN ('open', 'in_progress')"
                              " AND w.at_risk_at <= $1 AND w.id > $2"
                              " ORDER BY w.id LIMIT $3",
                   p, 3, &rows, cause);
    if (rc != C311_OK)
        return rc;
    return read_all(x, &rows, v, n, cause);
}

/* Counts the escalation levels applied to a work order. */
enum c311_rc
store_wo_escalations(struct sqlx *x, int64_t wo_id, int64_t *n, char **cause)
{
    const struct sqlx_val p[] = {SQLX_I(wo_id)};

    return sqlx_scalar(x,
                       "SELECT count(*) FROM sla_escalation"
                       " WHERE work_order_id = $1",
                       p, 1, n, cause);
}

/* Loads a request's answers into r. */
static enum c311_rc
read_answers(struct sqlx *x, struct sr *r, char **cause)
{
    const struct sqlx_val p[] = {SQLX_I(r->id)};
    struct sqlx_rows rows;
    enum c311_rc rc;
    size_t i;

    rc = sqlx_exec(x,
                   "SELECT code, value FROM request_attr"
                   " WHERE request_id = $1 ORDER BY seq",
                   p, 1, &rows, cause);
    if (rc == C311_OK && rows.nrows == 0) {
        /* An imported request keeps its answers as one JSON value. */
        rc = sqlx_exec(x,
                       "SELECT attrs FROM request_import"
                       " WHERE request_id = $1",
                       p, 1, &rows, cause);
        if (rc == C311_OK && rows.nrows > 0)
            rc = store__import_attrs_parse(sqlx_cell(&rows, 0, 0), x->a, r,
                                           cause);
        return rc;
    }
    if (rc != C311_OK)
        return rc;
    r->attrs = arena_alloc(x->a, rows.nrows * sizeof(*r->attrs));
    if (r->attrs == NULL)
        return store__fail(cause, C311_ERR_NOMEM, "out of memory");
    for (i = 0; i < rows.nrows; i++) {
        r->attrs[i].code = sqlx_cell(&rows, i, 0);
        r->attrs[i].value = sqlx_cell(&rows, i, 1);
    }
    r->nattrs = rows.nrows;
    return C311_OK;
}

#define REQ_LOCK_COLUMNS                                                       \
    "id, public_id, jurisdiction_id, service_code, status, status_notes,"      \
    " agency_responsible, requested_at, updated_at, expected_at, closed_at,"   \
    " zipcode, lat, lon"

/* Loads and locks a request; see workorder.h. */
enum c311_rc
store_wo_request_lock(struct sqlx *x, const char *public_id, int64_t id,
                      struct sr **out, char **cause)
{
    const struct sqlx_val pp[] = {SQLX_T(public_id)};
    const struct sqlx_val pi[] = {SQLX_I(id)};
    char sql[512];
    struct sqlx_rows rows;
    enum c311_rc rc;
    struct sr *r;

    *out = NULL;
    snprintf(sql, sizeof(sql), "SELECT " REQ_LOCK_COLUMNS " FROM request%s%s",
             public_id != NULL ? " WHERE public_id = $1" : " WHERE id = $1",
             is_pg(x) ? " FOR UPDATE" : "");
    rc = sqlx_exec(x, sql, public_id != NULL ? pp : pi, 1, &rows, cause);
    if (rc != C311_OK)
        return rc;
    if (rows.nrows == 0)
        return store__fail(cause, C311_ERR_NOT_FOUND, "no request '%s'",
                           public_id != NULL ? public_id : "?");
    if ((r = arena_alloc(x->a, sizeof(*r))) == NULL)
        return store__fail(cause, C311_ERR_NOMEM, "out of memory");
    r->id = sqlx_int(&rows, 0, 0);
    r->public_id = sqlx_cell(&rows, 0, 1);
    r->jurisdiction_id = sqlx_cell(&rows, 0, 2);
    r->service_code = sqlx_cell(&rows, 0, 3);
    sr_status_parse(sqlx_cell(&rows, 0, 4), &r->status);
    r->status_notes = sqlx_cell(&rows, 0, 5);
    r->agency_responsible = sqlx_cell(&rows, 0, 6);
    r->requested_at = sqlx_int(&rows, 0, 7);
    r->updated_at = sqlx_int(&rows, 0, 8);
    r->expected_at = sqlx_int(&rows, 0, 9);
    r->closed_at = sqlx_int(&rows, 0, 10);
    r->zipcode = sqlx_cell(&rows, 0, 11);
    r->has_location = sqlx_cell(&rows, 0, 12) != NULL;
    r->lat = sqlx_real(&rows, 0, 12);
    r->lon = sqlx_real(&rows, 0, 13);
    rc = read_answers(x, r, cause);
    if (rc == C311_OK)
        *out = r;
    return rc;
}

/* Writes the engine's changes to a request. */
enum c311_rc
store_wo_request_update(struct sqlx *x, const struct sr *r, char **cause)
{
    const struct sqlx_val p[] = {
        SQLX_I(r->id),
        SQLX_T(sr_status_name(r->status)),
        text_val(r->status_notes),
        text_val(r->agency_responsible),
        SQLX_I(r->updated_at),
        SQLX_TIME(r->expected_at),
        SQLX_TIME(r->closed_at),
    };

    return sqlx_exec(x,
                     "UPDATE request SET status = $2, status_notes = $3,"
                     " agency_responsible = $4, updated_at = $5,"
                     " expected_at = $6, closed_at = $7 WHERE id = $1",
                     p, sizeof(p) / sizeof(p[0]), NULL, cause);
}
