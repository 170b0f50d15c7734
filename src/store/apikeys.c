/* SPDX-License-Identifier: MIT */
/* Open311 API keys with rate limits and an audit trail, on store/sqlx.h. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "store/apikeys.h"
#include "store/audit.h"
#include "store/backend.h"

#define APIKEY_COLUMNS "id, name, prefix, rate_limit, created_at, revoked_at"

/* Fills k from row i of a result selecting APIKEY_COLUMNS. */
static void
apikeys_read(const struct sqlx_rows *r, size_t i, struct apikeys_rec *k)
{
    k->id = sqlx_int(r, i, 0);
    k->name = sqlx_cell(r, i, 1);
    k->prefix = sqlx_cell(r, i, 2);
    k->rate_limit = sqlx_int(r, i, 3);
    k->created_at = sqlx_int(r, i, 4);
    k->revoked_at = sqlx_int(r, i, 5);
}

/* The key as the audit trail records it (no hash), JSON text in a. */
static const char *
apikeys_json(const struct apikeys_rec *k, struct arena *a)
{
    json_t *o = json_pack(
        "{s:I, s:s?, s:s?, s:o, s:I, s:o}", "id", (json_int_t)k->id, "name",
        k->name, "prefix", k->prefix, "rate_limit",
        k->rate_limit != 0 ? json_integer(k->rate_limit) : json_null(),
        "created_at", (json_int_t)k->created_at, "revoked_at",
        k->revoked_at != 0 ? json_integer(k->revoked_at) : json_null());
    char *text = o != NULL ? json_dumps(o, JSON_COMPACT) : NULL;
    const char *s = arena_strdup(a, text);

    free(text);
    json_decref(o);
    return s;
}

/* What the work functions below read or change. */
struct apikeys_arg {
    struct apikeys_rec k;
    const char *hash;
    const char *actor;
    int64_t now;
    struct apikeys_rec **many;
    size_t *n;
};

/* Inserts the key and audits it. */
static enum c311_rc
apikeys_create_work(struct sqlx *x, void *arg, char **cause)
{
    struct apikeys_arg *w = arg;
    const struct sqlx_val p[] = {SQLX_T(w->k.name), SQLX_T(w->k.prefix),
                                 SQLX_T(w->hash), SQLX_I(w->now),
                                 SQLX_TIME(w->k.rate_limit)};
    const char *after, *sid;
    struct sqlx_rows r;
    enum c311_rc rc;

    rc = sqlx_exec(x,
                   "INSERT INTO api_key (name, prefix, hash, created_at,"
                   " rate_limit) VALUES ($1, $2, $3, $4, $5) RETURNING id",
                   p, 5, &r, cause);
    if (rc != C311_OK)
        return rc;
    w->k.id = sqlx_int(&r, 0, 0);
    w->k.created_at = w->now;
    after = apikeys_json(&w->k, x->a);
    sid = arena_printf(x->a, "%lld", (long long)w->k.id);
    if (after == NULL || sid == NULL)
        return store__fail(cause, C311_ERR_NOMEM, "out of memory");
    return audit_append(x, w->now, w->actor, "api_key.created", "api_key", sid,
                        NULL, after, cause);
}

enum c311_rc
apikeys_create(struct store *st, const char *name, const char *prefix,
               const char *hash_hex, int64_t rate_limit, const char *actor,
               int64_t now, int64_t *id, char **cause)
{
    struct apikeys_arg w = {
        {0, name, prefix, rate_limit, 0, 0}, hash_hex, actor, now, NULL, NULL};
    struct arena a = ARENA_INIT;
    enum c311_rc rc;

    rc = sqlx_run(st, true, apikeys_create_work, &w, &a, cause);
    arena_free(&a);
    if (rc == C311_ERR_CONFLICT && cause != NULL) {
        free(*cause);
        return store__fail(cause, rc, "an active api key named '%s' exists",
                           name);
    }
    if (rc == C311_OK && id != NULL)
        *id = w.k.id;
    return rc;
}

/* Reads every key. */
static enum c311_rc
apikeys_list_work(struct sqlx *x, void *arg, char **cause)
{
    struct apikeys_arg *w = arg;
    struct sqlx_rows r;
    enum c311_rc rc;
    size_t i;

    rc = sqlx_exec(x, "SELECT " APIKEY_COLUMNS " FROM api_key ORDER BY id",
                   NULL, 0, &r, cause);
    if (rc != C311_OK || r.nrows == 0)
        return rc;
    *w->many = arena_alloc(x->a, r.nrows * sizeof(**w->many));
    if (*w->many == NULL)
        return store__fail(cause, C311_ERR_NOMEM, "out of memory");
    for (i = 0; i < r.nrows; i++)
        apikeys_read(&r, i, &(*w->many)[i]);
    *w->n = r.nrows;
    return C311_OK;
}

enum c311_rc
apikeys_list(struct store *st, struct arena *a, struct apikeys_rec **out,
             size_t *n, char **cause)
{
    struct apikeys_arg w = {.many = out, .n = n};

    *out = NULL;
    *n = 0;
    return sqlx_run(st, false, apikeys_list_work, &w, a, cause);
}

/* Reads the active key with a hash. */
static enum c311_rc
apikeys_find_work(struct sqlx *x, void *arg, char **cause)
{
    struct apikeys_arg *w = arg;
    const struct sqlx_val p[] = {SQLX_T(w->hash)};
    struct sqlx_rows r;
    enum c311_rc rc;

    rc = sqlx_exec(x,
                   "SELECT " APIKEY_COLUMNS " FROM api_key"
                   " WHERE hash = $1 AND revoked_at IS NULL",
                   p, 1, &r, cause);
    if (rc != C311_OK)
        return rc;
    if (r.nrows == 0)
        return store__fail(cause, C311_ERR_NOT_FOUND,
                           "no active api key matches");
    apikeys_read(&r, 0, &w->k);
    return C311_OK;
}

enum c311_rc
apikeys_find(struct store *st, const char *hash_hex, struct arena *a,
             struct apikeys_rec *out, char **cause)
{
    struct apikeys_arg w = {.hash = hash_hex};
    enum c311_rc rc;

    rc = sqlx_run(st, false, apikeys_find_work, &w, a, cause);
    *out = w.k;
    return rc;
}

/* Revokes the active key called w->k.name and audits it. */
static enum c311_rc
apikeys_revoke_work(struct sqlx *x, void *arg, char **cause)
{
    struct apikeys_arg *w = arg;
    const struct sqlx_val p[] = {SQLX_T(w->k.name), SQLX_I(w->now)};
    struct apikeys_rec before;
    const char *bj, *aj, *sid;
    struct sqlx_rows r;
    enum c311_rc rc;

    rc = sqlx_exec(x,
                   "SELECT " APIKEY_COLUMNS " FROM api_key"
                   " WHERE name = $1 AND revoked_at IS NULL",
                   p, 1, &r, cause);
    if (rc != C311_OK)
        return rc;
    if (r.nrows == 0)
        return store__fail(cause, C311_ERR_NOT_FOUND,
                           "no active api key named '%s'", w->k.name);
    apikeys_read(&r, 0, &before);
    rc = sqlx_exec(x,
                   "UPDATE api_key SET revoked_at = $2"
                   " WHERE name = $1 AND revoked_at IS NULL",
                   p, 2, NULL, cause);
    if (rc != C311_OK)
        return rc;
    w->k = before;
    w->k.revoked_at = w->now;
    bj = apikeys_json(&before, x->a);
    aj = apikeys_json(&w->k, x->a);
    sid = arena_printf(x->a, "%lld", (long long)before.id);
    if (bj == NULL || aj == NULL || sid == NULL)
        return store__fail(cause, C311_ERR_NOMEM, "out of memory");
    return audit_append(x, w->now, w->actor, "api_key.revoked", "api_key", sid,
                        bj, aj, cause);
}

enum c311_rc
apikeys_revoke(struct store *st, const char *name, const char *actor,
               int64_t now, struct arena *a, struct apikeys_rec *out,
               char **cause)
{
    struct apikeys_arg w = {.actor = actor, .now = now};
    enum c311_rc rc;

    w.k.name = name;
    rc = sqlx_run(st, true, apikeys_revoke_work, &w, a, cause);
    if (rc == C311_OK && out != NULL)
        *out = w.k;
    return rc;
}
