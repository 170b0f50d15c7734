/* SPDX-License-Identifier: MIT */
/*
 * Portable SQL for store modules that are written once for every back end.
 * A module hands a work function to sqlx_run(); it runs on one connection,
 * inside a transaction for writes, and calls sqlx_exec() with SQL that both
 * SQLite and PostgreSQL accept: parameters written $1, $2, ..., values
 * typed (integer, text, JSON) so that no cast is needed, rows read back as
 * text. Integers come back in decimal, reals with 17 significant digits,
 * NULL as a NULL pointer.
 *
 * The same handle is given to hooks that run inside a back end's own
 * transaction (see store__request_filed), so that what they write commits
 * or rolls back with it.
 */
#ifndef CIVIC311_SQLX_H
#define CIVIC311_SQLX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"
#include "util/status.h"

struct store;
struct sqlx;

enum sqlx_type { SQLX_NULL, SQLX_INT, SQLX_TEXT, SQLX_JSON };

/* One parameter value; s for text and JSON, i for integers. */
struct sqlx_val {
    enum sqlx_type type;
    int64_t i;
    const char *s;
};

/* Parameter constructors; a NULL string is SQL NULL. */
#define SQLX_I(v) ((struct sqlx_val){SQLX_INT, (int64_t)(v), NULL})
#define SQLX_T(v)                                                              \
    ((struct sqlx_val){(v) != NULL ? SQLX_TEXT : SQLX_NULL, 0, (v)})
#define SQLX_J(v)                                                              \
    ((struct sqlx_val){(v) != NULL ? SQLX_JSON : SQLX_NULL, 0, (v)})
/* An instant: 0 ("unknown") is NULL, as in the rest of the store. */
#define SQLX_TIME(v)                                                           \
    ((struct sqlx_val){(v) != 0 ? SQLX_INT : SQLX_NULL, (int64_t)(v), NULL})

/* Rows a statement returned, as text cells in the caller's arena. */
struct sqlx_rows {
    size_t nrows;
    size_t ncols;
    const char **cells; /* nrows * ncols, row after row */
    int64_t changes;    /* rows an INSERT, UPDATE or DELETE touched */
};

/* The back end's side of a handle: runs one statement. */
typedef enum c311_rc (*sqlx_exec_fn)(struct sqlx *x, const char *sql,
                                     const struct sqlx_val *params, size_t n,
                                     struct sqlx_rows *out, char **cause);

struct sqlx {
    sqlx_exec_fn exec;
    void *conn;      /* the back end's connection */
    void *store;     /* the back end's store */
    struct arena *a; /* where cells are copied */
    bool lost;       /* PostgreSQL: the connection was seen broken */
};

/* A unit of work on one connection. */
typedef enum c311_rc (*sqlx_work_fn)(struct sqlx *x, void *arg, char **cause);

/*
 * Runs work on a connection of st, cells allocated in a. With write set,
 * inside one transaction that commits only when work returns C311_OK.
 */
enum c311_rc sqlx_run(struct store *st, bool write, sqlx_work_fn work,
                      void *arg, struct arena *a, char **cause);

/*
 * Runs sql with n parameters. out may be NULL when the rows do not matter.
 * Errors map as in the store: a unique key is C311_ERR_CONFLICT, another
 * constraint C311_ERR_INVALID, a busy or lost database
 * C311_ERR_UNAVAILABLE.
 */
enum c311_rc sqlx_exec(struct sqlx *x, const char *sql,
                       const struct sqlx_val *params, size_t n,
                       struct sqlx_rows *out, char **cause);

/* Cell (row, col), or NULL. */
const char *sqlx_cell(const struct sqlx_rows *r, size_t row, size_t col);

/* Cell (row, col) as an integer; 0 for NULL. */
int64_t sqlx_int(const struct sqlx_rows *r, size_t row, size_t col);

/* Cell (row, col) as a real; 0 for NULL. */
double sqlx_real(const struct sqlx_rows *r, size_t row, size_t col);

/*
 * Runs sql and returns the integer in the first column of its first row in
 * *v (0 when there is no row or it is NULL).
 */
enum c311_rc sqlx_scalar(struct sqlx *x, const char *sql,
                         const struct sqlx_val *params, size_t n, int64_t *v,
                         char **cause);

/*
 * Appends a grown copy of the array v (n elements of size bytes, *cap
 * allocated) with room for one more, in a; NULL when out of memory.
 */
void *sqlx_grow(struct arena *a, void *v, size_t n, size_t *cap, size_t size);

#endif
