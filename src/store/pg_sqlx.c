/* SPDX-License-Identifier: MIT */
/*
 * PostgreSQL's side of store/sqlx.h: one PQexecParams per statement, with
 * parameter types given (bigint, text, jsonb) so the SQL needs no casts,
 * and the rows copied into the arena as text.
 */
#include <inttypes.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/backend.h"
#include "store/pg_schema.h"

#define PG_SQLX_INT8  20
#define PG_SQLX_TEXT  25
#define PG_SQLX_JSONB 3802
#define PG_SQLX_MAX   32767 /* parameters of one statement */

/* Copies the rows of res into out, in arena a. */
static enum c311_rc
pg_sqlx_collect(const PGresult *res, struct arena *a, struct sqlx_rows *out,
                char **cause)
{
    size_t i, j;

    out->nrows = (size_t)PQntuples(res);
    out->ncols = (size_t)PQnfields(res);
    out->changes = strtoll(PQcmdTuples((PGresult *)res), NULL, 10);
    if (out->nrows == 0 || out->ncols == 0)
        return C311_OK;
    out->cells = arena_alloc(a, out->nrows * out->ncols * sizeof(*out->cells));
    if (out->cells == NULL)
        return store__fail(cause, C311_ERR_NOMEM, "out of memory");
    for (i = 0; i < out->nrows; i++) {
        for (j = 0; j < out->ncols; j++) {
            const char **cell = &out->cells[i * out->ncols + j];

            if (PQgetisnull(res, (int)i, (int)j))
                continue;
            *cell = arena_strndup(a, PQgetvalue(res, (int)i, (int)j),
                                  (size_t)PQgetlength(res, (int)i, (int)j));
            if (*cell == NULL)
                return store__fail(cause, C311_ERR_NOMEM, "out of memory");
        }
    }
    return C311_OK;
}

enum c311_rc
store__pg_exec(struct sqlx *x, const char *sql, const struct sqlx_val *params,
               size_t n, struct sqlx_rows *out, char **cause)
{
    struct sqlx_rows scratch;
    const char **values;
    char(*nums)[24];
    Oid *types;
    PGresult *res;
    enum c311_rc rc;
    bool lost = false;
    size_t i;

    if (n > PG_SQLX_MAX)
        return store__fail(cause, C311_ERR_INTERNAL,
                           "statement has over %d parameters", PG_SQLX_MAX);
    if (out == NULL)
        out = &scratch;
    memset(out, 0, sizeof(*out));
    types = arena_alloc(x->a, (n + 1) * sizeof(*types));
    values = arena_alloc(x->a, (n + 1) * sizeof(*values));
    nums = arena_alloc(x->a, (n + 1) * sizeof(*nums));
    if (types == NULL || values == NULL || nums == NULL)
        return store__fail(cause, C311_ERR_NOMEM, "out of memory");
    for (i = 0; i < n; i++) {
        values[i] = params[i].s;
        switch (params[i].type) {
        case SQLX_NULL:
            types[i] = 0;
            values[i] = NULL;
            break;
        case SQLX_INT:
            snprintf(nums[i], sizeof(*nums), "%" PRId64, params[i].i);
            values[i] = nums[i];
            types[i] = PG_SQLX_INT8;
            break;
        case SQLX_TEXT:
            types[i] = PG_SQLX_TEXT;
            break;
        case SQLX_JSON:
            types[i] = PG_SQLX_JSONB;
            break;
        }
    }
    res = PQexecParams(x->conn, sql, (int)n, types, values, NULL, NULL, 0);
    if (res != NULL && (PQresultStatus(res) == PGRES_COMMAND_OK ||
                        PQresultStatus(res) == PGRES_TUPLES_OK)) {
        rc = pg_sqlx_collect(res, x->a, out, cause);
        PQclear(res);
        return rc;
    }
    rc = store__pg_fail(x->conn, res, &lost, cause, "running a statement");
    if (lost)
        x->lost = true;
    PQclear(res);
    return rc;
}
