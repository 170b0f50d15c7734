/* SPDX-License-Identifier: MIT */
/*
 * One statement of shared SQL on PostgreSQL: parameters travel as text
 * (integers formatted here) and rows come back as text in the caller's
 * arena. A lost connection is reported as C311_ERR_UNAVAILABLE, which
 * makes pg.c reset the pool and try the transaction once more.
 */
#include <inttypes.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/pg_schema.h"
#include "store/pg_tx.h"

#define PG_TX_PARAMS_MAX 64

/* Copies the result's rows into the arena. */
static enum c311_rc
collect(PGresult *res, struct arena *a, struct store__rows *out, char **cause)
{
    size_t n = (size_t)PQntuples(res), ncols = (size_t)PQnfields(res), i, j;
    const char **cells = NULL;

    out->changes = strtoll(PQcmdTuples(res), NULL, 10);
    if (n > 0 && ncols > 0) {
        cells = arena_alloc(a, n * ncols * sizeof(*cells));
        if (cells == NULL)
            return store__fail(cause, C311_ERR_NOMEM, "out of memory");
    }
    for (i = 0; i < n; i++) {
        for (j = 0; j < ncols; j++) {
            if (PQgetisnull(res, (int)i, (int)j))
                continue;
            cells[i * ncols + j] =
                arena_strndup(a, PQgetvalue(res, (int)i, (int)j),
                              (size_t)PQgetlength(res, (int)i, (int)j));
            if (cells[i * ncols + j] == NULL)
                return store__fail(cause, C311_ERR_NOMEM, "out of memory");
        }
    }
    out->cells = cells;
    out->nrows = n;
    out->ncols = ncols;
    return C311_OK;
}

/* Runs one statement in the transaction; see store_ops.tx_query. */
enum c311_rc
store__pg_tx_query(struct store_tx *tx, const char *sql,
                   const struct store__param *p, size_t np, struct arena *a,
                   struct store__rows *out, char **cause)
{
    char nums[PG_TX_PARAMS_MAX][24], what[48];
    const char *values[PG_TX_PARAMS_MAX];
    enum c311_rc rc = C311_OK;
    PGresult *res;
    size_t i;

    if (np > PG_TX_PARAMS_MAX)
        return store__fail(cause, C311_ERR_INTERNAL, "too many parameters");
    for (i = 0; i < np; i++) {
        values[i] = NULL;
        if (p[i].type == STORE__P_TEXT) {
            values[i] = p[i].s;
        } else if (p[i].type == STORE__P_INT) {
            snprintf(nums[i], sizeof(nums[i]), "%" PRId64, p[i].i);
            values[i] = nums[i];
        }
    }
    res = PQexecParams(tx->db, sql, (int)np, NULL, values, NULL, NULL, 0);
    if (res != NULL && (PQresultStatus(res) == PGRES_COMMAND_OK ||
                        PQresultStatus(res) == PGRES_TUPLES_OK)) {
        if (out != NULL)
            rc = collect(res, a, out, cause);
        PQclear(res);
        return rc;
    }
    snprintf(what, sizeof(what), "%.40s...", sql);
    rc = store__pg_fail(tx->db, res, NULL, cause, what);
    PQclear(res);
    return rc;
}
