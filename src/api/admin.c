/* SPDX-License-Identifier: MIT */
/*
 * API keys and the audit trail for administrators. A key is made like
 * `civic311 apikey create` makes one ("c311_" and 64 hex digits) and
 * shown once; only its prefix and SHA-256 are kept.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/admin.h"
#include "api/args.h"
#include "api/reports.h"
#include "api/staff.h"
#include "store/apikeys.h"
#include "store/audit.h"
#include "util/isotime.h"
#include "util/secret.h"

#define ADMIN_KEY_SCHEME "c311_"

/* A key as the list shows it. */
static json_t *
admin_key_json(const struct apikeys_rec *k, const struct city *city)
{
    int64_t limit = k->rate_limit != 0 ? k->rate_limit
                    : city->api_key_rate_limit > 0
                        ? city->api_key_rate_limit
                        : CATALOG_DEFAULT_KEY_RATE_LIMIT;

    return json_pack("{s:s?, s:s?, s:I, s:b, s:o, s:o, s:s}", "name", k->name,
                     "prefix", k->prefix, "rate_limit", (json_int_t)limit,
                     "rate_limit_default", k->rate_limit == 0, "created_at",
                     staff_jtime(k->created_at), "revoked_at",
                     staff_jtime(k->revoked_at), "status",
                     k->revoked_at != 0 ? "revoked" : "active");
}

/* True when name is 1 to 64 characters from [A-Za-z0-9._-]. */
static bool
admin_name_ok(const char *name)
{
    size_t n = strlen(name);

    return n > 0 && n <= ADMIN_KEY_NAME_MAX &&
           strspn(name, "abcdefghijklmnopqrstuvwxyz"
                        "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == n;
}

/* Reads {"name", "rate_limit"}; false once it has answered. */
static bool
admin_key_args(struct http_req *req, json_t *body, const char **name,
               int64_t *rate)
{
    struct staff_problems p = {.a = &req->arena};
    json_t *n = json_object_get(body, "name");
    json_t *r = json_object_get(body, "rate_limit");
    const char *key;
    json_t *v;

    json_object_foreach(body, key, v)
    {
        if (strcmp(key, "name") != 0 && strcmp(key, "rate_limit") != 0)
            staff_problem(&p, "unknown", key, "%s is not a field of a key",
                          key);
    }
    *name = json_string_value(n);
    if (n == NULL)
        staff_problem(&p, "required", "name", "name is required");
    else if (*name == NULL || !admin_name_ok(*name))
        staff_problem(
            &p, n != NULL && !json_is_string(n) ? "invalid_type" : "invalid",
            "name", "name must be 1 to 64 letters, digits, '.', '_' or '-'");
    *rate = 0;
    if (r != NULL && !json_is_null(r)) {
        if (!json_is_integer(r) || json_integer_value(r) < 1 ||
            json_integer_value(r) > ADMIN_RATE_MAX)
            staff_problem(&p, "invalid", "rate_limit",
                          "rate_limit must be a whole number of requests per "
                          "minute from 1 to %d",
                          ADMIN_RATE_MAX);
        else
            *rate = json_integer_value(r);
    }
    return !staff_reply_problems(req, &p);
}

/* POST /api/v1/keys {"name", "rate_limit"}: a new key, shown once. */
static void
admin_key_create(struct http_req *req)
{
    char key[sizeof(ADMIN_KEY_SCHEME) + SECRET_TOKEN_SIZE(ADMIN_KEY_RANDOM)];
    char prefix[ADMIN_KEY_PREFIX_LEN + 1], hash[SECRET_HASH_HEX_SIZE];
    const struct app *app = app_of(req);
    struct apikeys_rec k = {0};
    const struct staff *me;
    const char *name;
    char *cause = NULL;
    enum c311_rc rc;
    int64_t rate, now = isotime_now();
    json_t *body, *v;

    if (!staff_require(req, STAFF_ADMIN, &me) || !staff_body_json(req, &body) ||
        !admin_key_args(req, body, &name, &rate))
        return;
    memcpy(key, ADMIN_KEY_SCHEME, strlen(ADMIN_KEY_SCHEME));
    secret_token(key + strlen(ADMIN_KEY_SCHEME), ADMIN_KEY_RANDOM);
    memcpy(prefix, key + strlen(ADMIN_KEY_SCHEME), ADMIN_KEY_PREFIX_LEN);
    prefix[ADMIN_KEY_PREFIX_LEN] = '\0';
    secret_hash_hex(key, hash);
    rc = apikeys_create(app->st, name, prefix, hash, rate,
                        staff_actor(me, &req->arena), now, &k.id, &cause);
    if (rc == C311_ERR_CONFLICT) {
        free(cause);
        staff_error(req, 409, "conflict", "name",
                    "an active key named '%s' exists already", name);
        return;
    }
    if (rc != C311_OK) {
        staff_store_failed(req, rc, cause, "creating an api key");
        return;
    }
    k.name = name;
    k.prefix = prefix;
    k.rate_limit = rate;
    k.created_at = now;
    v = admin_key_json(&k, app->city);
    if (v != NULL && json_object_set_new(v, "key", json_string(key)) < 0) {
        json_decref(v);
        v = NULL;
    }
    http_reply_value(req, 201, v, "key", "item");
}

/* GET /api/v1/keys: every key, revoked ones too. */
static void
admin_key_list(struct http_req *req)
{
    const struct app *app = app_of(req);
    struct apikeys_rec *keys;
    const struct staff *me;
    json_t *list;
    char *cause = NULL;
    enum c311_rc rc;
    size_t n, i;

    if (!staff_require(req, STAFF_ADMIN, &me))
        return;
    rc = apikeys_list(app->st, &req->arena, &keys, &n, &cause);
    if (rc != C311_OK) {
        staff_store_failed(req, rc, cause, "listing api keys");
        return;
    }
    list = json_array();
    for (i = 0; list != NULL && i < n; i++) {
        if (json_array_append_new(list, admin_key_json(&keys[i], app->city)) <
            0) {
            json_decref(list);
            list = NULL;
        }
    }
    http_reply_value(req, 200,
                     list != NULL ? json_pack("{s:o}", "keys", list) : NULL,
                     "keys", "item");
}

/* DELETE /api/v1/keys/{name}: revokes the active key of that name. */
static void
admin_key_revoke(struct http_req *req)
{
    const char *name = http_path_param(req, "name");
    const struct app *app = app_of(req);
    const struct staff *me;
    struct apikeys_rec k;
    char *cause = NULL;
    enum c311_rc rc;

    if (!staff_require(req, STAFF_ADMIN, &me))
        return;
    rc = apikeys_revoke(app->st, name, staff_actor(me, &req->arena),
                        isotime_now(), &req->arena, &k, &cause);
    if (rc == C311_ERR_NOT_FOUND) {
        free(cause);
        staff_error(req, 404, "not_found", NULL, "no active key named '%s'",
                    name);
        return;
    }
    if (rc != C311_OK) {
        staff_store_failed(req, rc, cause, "revoking an api key");
        return;
    }
    http_reply_value(req, 200, admin_key_json(&k, app->city), "key", "item");
}

/* Parses stored JSON text, or null. */
static json_t *
admin_parsed(const char *text)
{
    json_t *v = text != NULL ? json_loads(text, JSON_DECODE_ANY, NULL) : NULL;

    return v != NULL ? v : json_null();
}

/* One audit entry as JSON. */
static json_t *
admin_entry_json(const struct audit_entry *e)
{
    return json_pack(
        "{s:o, s:o, s:s?, s:s?, s:o, s:b, s:o, s:o, s:o}", "at",
        staff_jtime(e->at), "actor", staff_jstr(e->actor), "kind", e->kind,
        "subject", e->subject, "subject_id", staff_jstr(e->subject_id),
        "public", e->public, "note", staff_jstr(e->note), "before",
        admin_parsed(e->before_json), "after", admin_parsed(e->after_json));
}

/* Reads the filters of GET /api/v1/audit; false once it has answered. */
static bool
admin_audit_filter(struct http_req *req, struct audit_filter *f,
                   unsigned long *page)
{
    struct staff_problems p = {.a = &req->arena};
    const char *from = http_param(req, "from"), *to = http_param(req, "to");
    const char *pg = http_param(req, "page"),
               *size = http_param(req, "page_size");
    unsigned long ps = ADMIN_AUDIT_PAGE_DEFAULT;

    f->actor = http_param(req, "actor");
    f->kind = http_param(req, "kind");
    if (from != NULL)
        reports_time_arg("from", from, &f->from, &p);
    if (to != NULL)
        reports_time_arg("to", to, &f->to, &p);
    *page = 1;
    if (pg != NULL && !args_uint(pg, 1, 1000000, page))
        staff_problem(&p, "invalid", "page",
                      "page must be a whole number from 1");
    if (size != NULL && !args_uint(size, 1, ADMIN_AUDIT_PAGE_MAX, &ps))
        staff_problem(&p, "invalid", "page_size",
                      "page_size must be a whole number from 1 to %d",
                      ADMIN_AUDIT_PAGE_MAX);
    f->offset = (size_t)(*page - 1) * ps;
    f->limit = ps;
    return !staff_reply_problems(req, &p);
}

/* GET /api/v1/audit?actor=&kind=&from=&to=: the trail, newest first. */
static void
admin_audit(struct http_req *req)
{
    struct audit_filter f = {0};
    struct audit_entry *v;
    const struct staff *me;
    unsigned long page;
    char *cause = NULL;
    enum c311_rc rc;
    json_t *list;
    size_t n, i;

    if (!staff_require(req, STAFF_ADMIN, &me) ||
        !admin_audit_filter(req, &f, &page))
        return;
    rc = audit_query(app_of(req)->st, &f, &req->arena, &v, &n, &cause);
    if (rc != C311_OK) {
        staff_store_failed(req, rc, cause, "reading the audit trail");
        return;
    }
    list = json_array();
    for (i = 0; list != NULL && i < n; i++) {
        if (json_array_append_new(list, admin_entry_json(&v[i])) < 0) {
            json_decref(list);
            list = NULL;
        }
    }
    http_reply_value(req, 200,
                     list != NULL ? json_pack("{s:o, s:I, s:I}", "entries",
                                              list, "page", (json_int_t)page,
                                              "page_size", (json_int_t)f.limit)
                                  : NULL,
                     "audit", "item");
}

const struct route admin_routes[] = {
    {"POST", "/api/v1/keys", admin_key_create, 0},
    {"GET", "/api/v1/keys", admin_key_list, 0},
    {"DELETE", "/api/v1/keys/{name}", admin_key_revoke, 0},
    {"GET", "/api/v1/audit", admin_audit, 0},
};

const size_t admin_nroutes = sizeof(admin_routes) / sizeof(admin_routes[0]);
