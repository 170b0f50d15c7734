/* SPDX-License-Identifier: MIT */
/* Staff accounts, sessions and failed sign-ins on store/sqlx.h. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "store/audit.h"
#include "store/backend.h"
#include "store/users.h"

#define USER_COLUMNS                                                           \
    "id, login, name, roles, departments, disabled, created_at, updated_at"

/* Fills u from row i of a result selecting USER_COLUMNS. */
static void
users_read(const struct sqlx_rows *r, size_t i, struct users_rec *u)
{
    u->id = sqlx_int(r, i, 0);
    u->login = sqlx_cell(r, i, 1);
    u->name = sqlx_cell(r, i, 2);
    u->roles = sqlx_cell(r, i, 3);
    u->departments = sqlx_cell(r, i, 4);
    if (u->departments == NULL)
        u->departments = "";
    u->disabled = sqlx_int(r, i, 5) != 0;
    u->created_at = sqlx_int(r, i, 6);
    u->updated_at = sqlx_int(r, i, 7);
}

/*
 * The account as the audit trail records it (no password), as JSON text in
 * a, or NULL when out of memory.
 */
static const char *
users_json(const struct users_rec *u, struct arena *a)
{
    json_t *o =
        json_pack("{s:I, s:s?, s:s?, s:s?, s:s?, s:b}", "id", (json_int_t)u->id,
                  "login", u->login, "name", u->name, "roles", u->roles,
                  "departments", u->departments, "disabled", u->disabled);
    char *text = o != NULL ? json_dumps(o, JSON_COMPACT) : NULL;
    const char *s = arena_strdup(a, text);

    free(text);
    json_decref(o);
    return s;
}

/* What users_add_work() stores. */
struct users_add_arg {
    const struct users_rec *u;
    const char *hash;
    const char *actor;
    int64_t now;
    int64_t id;
};

/* Inserts the account and its audit entry. */
static enum c311_rc
users_add_work(struct sqlx *x, void *arg, char **cause)
{
    struct users_add_arg *w = arg;
    struct users_rec u = *w->u;
    const struct sqlx_val p[] = {
        SQLX_T(u.login),
        SQLX_T(u.name),
        SQLX_T(w->hash),
        SQLX_T(u.roles),
        SQLX_T(u.departments != NULL ? u.departments : ""),
        SQLX_I(u.disabled),
        SQLX_I(w->now),
    };
    struct sqlx_rows r;
    const char *after, *sid;
    enum c311_rc rc;

    rc = sqlx_exec(x,
                   "INSERT INTO staff_user (login, name, password_hash,"
                   " roles, departments, disabled, created_at, updated_at)"
                   " VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
                   p, 7, &r, cause);
    if (rc != C311_OK)
        return rc;
    w->id = u.id = sqlx_int(&r, 0, 0);
    after = users_json(&u, x->a);
    sid = arena_printf(x->a, "%lld", (long long)u.id);
    if (after == NULL || sid == NULL)
        return store__fail(cause, C311_ERR_NOMEM, "out of memory");
    return audit_append(x, w->now, w->actor, "user.created", "user", sid, NULL,
                        after, cause);
}

enum c311_rc
users_add(struct store *st, const struct users_rec *u,
          const char *password_hash, const char *actor, int64_t now,
          int64_t *id, char **cause)
{
    struct users_add_arg w = {u, password_hash, actor, now, 0};
    struct arena a = ARENA_INIT;
    enum c311_rc rc;

    rc = sqlx_run(st, true, users_add_work, &w, &a, cause);
    arena_free(&a);
    if (rc == C311_ERR_CONFLICT && cause != NULL) {
        free(*cause);
        return store__fail(cause, rc, "login '%s' is taken", u->login);
    }
    if (rc == C311_OK && id != NULL)
        *id = w.id;
    return rc;
}

/* What users_list_work() and users_get_work() return. */
struct users_read_arg {
    const char *login;
    struct arena *a;
    struct users_rec **many;
    size_t *n;
    struct users_rec *one;
    const char **hash;
};

/* Reads every account. */
static enum c311_rc
users_list_work(struct sqlx *x, void *arg, char **cause)
{
    struct users_read_arg *w = arg;
    struct sqlx_rows r;
    enum c311_rc rc;
    size_t i;

    rc = sqlx_exec(x, "SELECT " USER_COLUMNS " FROM staff_user ORDER BY login",
                   NULL, 0, &r, cause);
    if (rc != C311_OK || r.nrows == 0)
        return rc;
    *w->many = arena_alloc(w->a, r.nrows * sizeof(**w->many));
    if (*w->many == NULL)
        return store__fail(cause, C311_ERR_NOMEM, "out of memory");
    for (i = 0; i < r.nrows; i++)
        users_read(&r, i, &(*w->many)[i]);
    *w->n = r.nrows;
    return C311_OK;
}

enum c311_rc
users_list(struct store *st, struct arena *a, struct users_rec **out, size_t *n,
           char **cause)
{
    struct users_read_arg w = {NULL, a, out, n, NULL, NULL};

    *out = NULL;
    *n = 0;
    return sqlx_run(st, false, users_list_work, &w, a, cause);
}

/* Reads one account and its password hash. */
static enum c311_rc
users_get_work(struct sqlx *x, void *arg, char **cause)
{
    struct users_read_arg *w = arg;
    const struct sqlx_val p[] = {SQLX_T(w->login)};
    struct sqlx_rows r;
    enum c311_rc rc;

    rc = sqlx_exec(x,
                   "SELECT " USER_COLUMNS ", password_hash FROM staff_user"
                   " WHERE login = $1",
                   p, 1, &r, cause);
    if (rc != C311_OK)
        return rc;
    if (r.nrows == 0)
        return store__fail(cause, C311_ERR_NOT_FOUND, "no user '%s'", w->login);
    users_read(&r, 0, w->one);
    if (w->hash != NULL)
        *w->hash = sqlx_cell(&r, 0, 8);
    return C311_OK;
}

enum c311_rc
users_get(struct store *st, const char *login, struct arena *a,
          struct users_rec *out, const char **password_hash, char **cause)
{
    struct users_read_arg w = {login, a, NULL, NULL, out, password_hash};

    memset(out, 0, sizeof(*out));
    return sqlx_run(st, false, users_get_work, &w, a, cause);
}

/* What users_disable_work() changes. */
struct users_disable_arg {
    const char *login;
    bool disabled;
    const char *actor;
    int64_t now;
};

/* Flips the flag, ends the sessions when disabling, and audits it. */
static enum c311_rc
users_disable_work(struct sqlx *x, void *arg, char **cause)
{
    struct users_disable_arg *w = arg;
    const struct sqlx_val p[] = {SQLX_T(w->login), SQLX_I(w->disabled),
                                 SQLX_I(w->now)};
    struct users_rec before, after;
    const char *bj, *aj, *sid;
    struct sqlx_rows r;
    enum c311_rc rc;

    rc =
        sqlx_exec(x, "SELECT " USER_COLUMNS " FROM staff_user WHERE login = $1",
                  p, 1, &r, cause);
    if (rc != C311_OK)
        return rc;
    if (r.nrows == 0)
        return store__fail(cause, C311_ERR_NOT_FOUND, "no user '%s'", w->login);
    users_read(&r, 0, &before);
    after = before;
    after.disabled = w->disabled;
    rc = sqlx_exec(x,
                   "UPDATE staff_user SET disabled = $2, updated_at = $3"
                   " WHERE login = $1",
                   p, 3, NULL, cause);
    if (rc == C311_OK && w->disabled)
        rc = sqlx_exec(x,
                       "UPDATE staff_session SET ended_at = $3"
                       " WHERE ended_at IS NULL AND user_id ="
                       " (SELECT id FROM staff_user WHERE login = $1)",
                       p, 3, NULL, cause);
    if (rc != C311_OK)
        return rc;
    bj = users_json(&before, x->a);
    aj = users_json(&after, x->a);
    sid = arena_printf(x->a, "%lld", (long long)before.id);
    if (bj == NULL || aj == NULL || sid == NULL)
        return store__fail(cause, C311_ERR_NOMEM, "out of memory");
    return audit_append(x, w->now, w->actor,
                        w->disabled ? "user.disabled" : "user.enabled", "user",
                        sid, bj, aj, cause);
}

enum c311_rc
users_set_disabled(struct store *st, const char *login, bool disabled,
                   const char *actor, int64_t now, char **cause)
{
    struct users_disable_arg w = {login, disabled, actor, now};
    struct arena a = ARENA_INIT;
    enum c311_rc rc;

    rc = sqlx_run(st, true, users_disable_work, &w, &a, cause);
    arena_free(&a);
    return rc;
}

/* One statement and its parameters, for the small calls below. */
struct users_stmt_arg {
    const char *sql;
    struct sqlx_val p[4];
    size_t np;
    struct sqlx_rows r;
};

/* Runs one statement, keeping its rows. */
static enum c311_rc
users_stmt_work(struct sqlx *x, void *arg, char **cause)
{
    struct users_stmt_arg *w = arg;

    return sqlx_exec(x, w->sql, w->p, w->np, &w->r, cause);
}

enum c311_rc
users_session_add(struct store *st, int64_t user_id, const char *token_hash,
                  int64_t now, int64_t expires_at, char **cause)
{
    struct users_stmt_arg w = {
        "INSERT INTO staff_session (token_hash, user_id, created_at,"
        " expires_at) VALUES ($1, $2, $3, $4)",
        {SQLX_T(token_hash), SQLX_I(user_id), SQLX_I(now), SQLX_I(expires_at)},
        4,
        {0}};
    struct arena a = ARENA_INIT;
    enum c311_rc rc;

    rc = sqlx_run(st, true, users_stmt_work, &w, &a, cause);
    arena_free(&a);
    return rc;
}

enum c311_rc
users_session_find(struct store *st, const char *token_hash, int64_t now,
                   struct arena *a, struct users_rec *out, int64_t *expires_at,
                   char **cause)
{
    struct users_stmt_arg w = {
        "SELECT u.id, u.login, u.name, u.roles, u.departments, u.disabled,"
        " u.created_at, u.updated_at, s.expires_at"
        " FROM staff_session s JOIN staff_user u ON u.id = s.user_id"
        " WHERE s.token_hash = $1 AND s.ended_at IS NULL"
        " AND s.expires_at > $2 AND u.disabled = 0",
        {SQLX_T(token_hash), SQLX_I(now)},
        2,
        {0}};
    enum c311_rc rc;

    memset(out, 0, sizeof(*out));
    rc = sqlx_run(st, false, users_stmt_work, &w, a, cause);
    if (rc != C311_OK)
        return rc;
    if (w.r.nrows == 0)
        return store__fail(cause, C311_ERR_NOT_FOUND, "no active session");
    users_read(&w.r, 0, out);
    if (expires_at != NULL)
        *expires_at = sqlx_int(&w.r, 0, 8);
    return C311_OK;
}

enum c311_rc
users_session_end(struct store *st, const char *token_hash, int64_t now,
                  char **cause)
{
    struct users_stmt_arg w = {"UPDATE staff_session SET ended_at = $2"
                               " WHERE token_hash = $1 AND ended_at IS NULL",
                               {SQLX_T(token_hash), SQLX_I(now)},
                               2,
                               {0}};
    struct arena a = ARENA_INIT;
    enum c311_rc rc;

    rc = sqlx_run(st, true, users_stmt_work, &w, &a, cause);
    arena_free(&a);
    if (rc == C311_OK && w.r.changes == 0)
        rc = store__fail(cause, C311_ERR_NOT_FOUND, "no active session");
    return rc;
}

enum c311_rc
users_failures(struct store *st, const char *login, int64_t since,
               int64_t *count, int64_t *oldest, char **cause)
{
    struct users_stmt_arg w = {"SELECT count(*), min(at) FROM login_failure"
                               " WHERE login = $1 AND at >= $2",
                               {SQLX_T(login), SQLX_I(since)},
                               2,
                               {0}};
    struct arena a = ARENA_INIT;
    enum c311_rc rc;

    *count = *oldest = 0;
    rc = sqlx_run(st, false, users_stmt_work, &w, &a, cause);
    if (rc == C311_OK) {
        *count = sqlx_int(&w.r, 0, 0);
        *oldest = sqlx_int(&w.r, 0, 1);
    }
    arena_free(&a);
    return rc;
}

/* What users_failure_work() writes. */
struct users_failure_arg {
    const char *login;
    int64_t now, forget_before;
};

/* Records one failure and drops the old ones. */
static enum c311_rc
users_failure_work(struct sqlx *x, void *arg, char **cause)
{
    struct users_failure_arg *w = arg;
    const struct sqlx_val p[] = {SQLX_T(w->login), SQLX_I(w->now),
                                 SQLX_I(w->forget_before)};
    enum c311_rc rc;

    rc = sqlx_exec(x, "DELETE FROM login_failure WHERE at < $3", p, 3, NULL,
                   cause);
    if (rc == C311_OK)
        rc = sqlx_exec(x,
                       "INSERT INTO login_failure (login, at) VALUES ($1, $2)",
                       p, 2, NULL, cause);
    return rc;
}

enum c311_rc
users_failure_add(struct store *st, const char *login, int64_t now,
                  int64_t forget_before, char **cause)
{
    struct users_failure_arg w = {login, now, forget_before};
    struct arena a = ARENA_INIT;
    enum c311_rc rc;

    rc = sqlx_run(st, true, users_failure_work, &w, &a, cause);
    arena_free(&a);
    return rc;
}

enum c311_rc
users_failures_clear(struct store *st, const char *login, char **cause)
{
    struct users_stmt_arg w = {
        "DELETE FROM login_failure WHERE login = $1", {SQLX_T(login)}, 1, {0}};
    struct arena a = ARENA_INIT;
    enum c311_rc rc;

    rc = sqlx_run(st, true, users_stmt_work, &w, &a, cause);
    arena_free(&a);
    return rc;
}
