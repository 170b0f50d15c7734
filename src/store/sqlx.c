/* SPDX-License-Identifier: MIT */
/*
 * The back-end-neutral half of store/sqlx.h: running work through the
 * store's back end and reading cells.
 */
#include <stdlib.h>
#include <string.h>

#include "store/backend.h"
#include "store/sqlx.h"

/* Forwards to the back end of st. */
enum c311_rc
sqlx_run(struct store *st, bool write, sqlx_work_fn work, void *arg,
         struct arena *a, char **cause)
{
    const struct store_ops *ops;
    void *impl;

    store__impl(st, &ops, &impl);
    return ops->sqlx_run(impl, write, work, arg, a, cause);
}

/* Forwards to the handle's back end; an empty result when out is set. */
enum c311_rc
sqlx_exec(struct sqlx *x, const char *sql, const struct sqlx_val *params,
          size_t n, struct sqlx_rows *out, char **cause)
{
    if (out != NULL)
        memset(out, 0, sizeof(*out));
    return x->exec(x, sql, params, n, out, cause);
}

const char *
sqlx_cell(const struct sqlx_rows *r, size_t row, size_t col)
{
    if (row >= r->nrows || col >= r->ncols)
        return NULL;
    return r->cells[row * r->ncols + col];
}

int64_t
sqlx_int(const struct sqlx_rows *r, size_t row, size_t col)
{
    const char *s = sqlx_cell(r, row, col);

    return s != NULL ? strtoll(s, NULL, 10) : 0;
}

double
sqlx_real(const struct sqlx_rows *r, size_t row, size_t col)
{
    const char *s = sqlx_cell(r, row, col);

    return s != NULL ? strtod(s, NULL) : 0;
}

enum c311_rc
sqlx_scalar(struct sqlx *x, const char *sql, const struct sqlx_val *params,
            size_t n, int64_t *v, char **cause)
{
    struct sqlx_rows r;
    enum c311_rc rc;

    *v = 0;
    rc = sqlx_exec(x, sql, params, n, &r, cause);
    if (rc == C311_OK)
        *v = sqlx_int(&r, 0, 0);
    return rc;
}

void *
sqlx_grow(struct arena *a, void *v, size_t n, size_t *cap, size_t size)
{
    void *bigger;

    if (n < *cap)
        return v;
    *cap = *cap == 0 ? 8 : *cap * 2;
    bigger = arena_alloc(a, *cap * size);
    if (bigger != NULL && n > 0)
        memcpy(bigger, v, n * size);
    return bigger;
}
