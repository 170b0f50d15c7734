/* SPDX-License-Identifier: MIT */
/* Tow records on store/sqlx.h; see store/tow.h. */
#include <stdio.h>
#include <string.h>

#include "store/backend.h"
#include "store/tow.h"

#define TOW_COLUMNS                                                            \
    "id, request_id, work_order_id, plate, plate_state, make, model,"          \
    " colour, towed_at, towed_from, pound, reason, status, notice_due_at,"     \
    " notice_sent_at, disposal_from, ownership_checked, payment_checked,"      \
    " released_at, disposed_at, owner_name, owner_address, created_at,"        \
    " updated_at"

/* Fills r from row i of rows selecting TOW_COLUMNS. */
static void
read_tow(const struct sqlx_rows *rows, size_t i, struct tow_record *r)
{
    memset(r, 0, sizeof(*r));
    r->id = sqlx_int(rows, i, 0);
    r->request_id = sqlx_int(rows, i, 1);
    r->work_order_id = sqlx_int(rows, i, 2);
    r->plate = sqlx_cell(rows, i, 3);
    r->plate_state = sqlx_cell(rows, i, 4);
    r->make = sqlx_cell(rows, i, 5);
    r->model = sqlx_cell(rows, i, 6);
    r->colour = sqlx_cell(rows, i, 7);
    r->towed_at = sqlx_int(rows, i, 8);
    r->towed_from = sqlx_cell(rows, i, 9);
    r->pound = sqlx_cell(rows, i, 10);
    tow_reason_parse(sqlx_cell(rows, i, 11), &r->reason);
    tow_status_parse(sqlx_cell(rows, i, 12), &r->status);
    r->notice_due_at = sqlx_int(rows, i, 13);
    r->notice_sent_at = sqlx_int(rows, i, 14);
    r->disposal_from = sqlx_int(rows, i, 15);
    r->ownership_checked = sqlx_int(rows, i, 16) != 0;
    r->payment_checked = sqlx_int(rows, i, 17) != 0;
    r->released_at = sqlx_int(rows, i, 18);
    r->disposed_at = sqlx_int(rows, i, 19);
    r->owner_name = sqlx_cell(rows, i, 20);
    r->owner_address = sqlx_cell(rows, i, 21);
    r->created_at = sqlx_int(rows, i, 22);
    r->updated_at = sqlx_int(rows, i, 23);
}

/* Inserts a tow record. */
enum c311_rc
store_tow_insert(struct sqlx *x, struct tow_record *r, char **cause)
{
    const struct sqlx_val p[] = {
        SQLX_TIME(r->request_id),
        SQLX_TIME(r->work_order_id),
        SQLX_T(r->plate),
        SQLX_T(r->plate_state),
        SQLX_T(r->make),
        SQLX_T(r->model),
        SQLX_T(r->colour),
        SQLX_I(r->towed_at),
        SQLX_T(r->towed_from),
        SQLX_T(r->pound),
        SQLX_T(tow_reason_name(r->reason)),
        SQLX_T(tow_status_name(r->status)),
        SQLX_TIME(r->notice_due_at),
        SQLX_TIME(r->disposal_from),
        SQLX_T(r->owner_name),
        SQLX_T(r->owner_address),
        SQLX_I(r->created_at),
        SQLX_I(r->updated_at),
    };
    struct sqlx_rows rows;
    enum c311_rc rc;

    rc = sqlx_exec(x,
                   "INSERT INTO tow_record (request_id, work_order_id, plate,"
                   " plate_state, make, model, colour, towed_at, towed_from,"
                   " pound, reason, status, notice_due_at, disposal_from,"
                   " owner_name, owner_address, created_at, updated_at)"
                   " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11,"
                   " $12, $13, $14, $15, $16, $17, $18) RETURNING id",
                   p, sizeof(p) / sizeof(p[0]), &rows, cause);
    if (rc == C311_OK)
        r->id = sqlx_int(&rows, 0, 0);
    return rc;
}

/* Loads one record. */
enum c311_rc
store_tow_get(struct sqlx *x, int64_t id, bool lock, struct tow_record **out,
              char **cause)
{
    const struct sqlx_val p[] = {SQLX_I(id)};
    struct sqlx_rows rows;
    enum c311_rc rc;

    *out = NULL;
    rc = sqlx_exec(x,
                   lock && x->exec == store__pg_exec
                       ? "SELECT " TOW_COLUMNS
                         " FROM tow_record WHERE id = $1 FOR UPDATE"
                       : "SELECT " TOW_COLUMNS " FROM tow_record WHERE id = $1",
                   p, 1, &rows, cause);
    if (rc != C311_OK)
        return rc;
    if (rows.nrows == 0)
        return store__fail(cause, C311_ERR_NOT_FOUND, "no tow record %lld",
                           (long long)id);
    if ((*out = arena_alloc(x->a, sizeof(**out))) == NULL)
        return store__fail(cause, C311_ERR_NOMEM, "out of memory");
    read_tow(&rows, 0, *out);
    return C311_OK;
}

/* Writes the fields that change. */
enum c311_rc
store_tow_update(struct sqlx *x, const struct tow_record *r, char **cause)
{
    const struct sqlx_val p[] = {
        SQLX_I(r->id),
        SQLX_T(tow_status_name(r->status)),
        SQLX_TIME(r->notice_sent_at),
        SQLX_I(r->ownership_checked ? 1 : 0),
        SQLX_I(r->payment_checked ? 1 : 0),
        SQLX_TIME(r->released_at),
        SQLX_TIME(r->disposed_at),
        SQLX_I(r->updated_at),
    };

    return sqlx_exec(x,
                     "UPDATE tow_record SET status = $2, notice_sent_at = $3,"
                     " ownership_checked = $4, payment_checked = $5,"
                     " released_at = $6, disposed_at = $7, updated_at = $8"
                     " WHERE id = $1",
                     p, sizeof(p) / sizeof(p[0]), NULL, cause);
}

/* Lists records of a plate, newest first. */
enum c311_rc
store_tow_list(struct sqlx *x, const char *plate, bool at_pound, size_t limit,
               struct tow_record **v, size_t *n, char **cause)
{
    const struct sqlx_val p[] = {SQLX_T(plate), SQLX_I((int64_t)limit)};
    const struct sqlx_val q[] = {SQLX_I((int64_t)limit)};
    char sql[1024];
    struct sqlx_rows rows;
    enum c311_rc rc;
    size_t i;

    *v = NULL;
    *n = 0;
    snprintf(sql, sizeof(sql),
             "SELECT " TOW_COLUMNS " FROM tow_record WHERE %s%s"
             " ORDER BY towed_at DESC, id DESC LIMIT $%d",
             plate != NULL ? "plate = $1" : "1 = 1",
             at_pound ? " AND status IN ('towed', 'notice_sent', 'held')" : "",
             plate != NULL ? 2 : 1);
    rc = sqlx_exec(x, sql, plate != NULL ? p : q, plate != NULL ? 2 : 1, &rows,
                   cause);
    if (rc != C311_OK || rows.nrows == 0)
        return rc;
    if ((*v = arena_alloc(x->a, rows.nrows * sizeof(**v))) == NULL)
        return store__fail(cause, C311_ERR_NOMEM, "out of memory");
    for (i = 0; i < rows.nrows; i++)
        read_tow(&rows, i, &(*v)[i]);
    *n = rows.nrows;
    return C311_OK;
}
