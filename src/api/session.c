/* SPDX-License-Identifier: MIT */
/*
 * Staff sign-in. A token is 32 random bytes from libsodium, shown once;
 * the store keeps its SHA-256. Failed sign-ins are recorded in the store
 * per login, so the limit holds across every server of one database.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/session.h"
#include "api/staff.h"
#include "store/users.h"
#include "util/isotime.h"
#include "util/password.h"
#include "util/secret.h"

/* A string member of the body, or NULL when absent or not a string. */
static const char *
session_str(json_t *body, const char *key)
{
    return json_string_value(json_object_get(body, key));
}

/* Replies 429 when login has failed too often lately; false then. */
static bool
session_not_throttled(struct http_req *req, const char *login, int64_t now)
{
    int64_t count, oldest;
    char *cause = NULL;
    char retry[24];
    enum c311_rc rc;

    rc = users_failures(app_of(req)->st, login, now - SESSION_FAILURE_SECS,
                        &count, &oldest, &cause);
    if (rc != C311_OK) {
        staff_store_failed(req, rc, cause, "counting failed sign-ins");
        return false;
    }
    if (count < SESSION_MAX_FAILURES)
        return true;
    snprintf(retry, sizeof(retry), "%lld",
             (long long)(oldest + SESSION_FAILURE_SECS - now > 0
                             ? oldest + SESSION_FAILURE_SECS - now
                             : 1));
    http_add_header(req, "Retry-After", retry);
    staff_error(req, 429, "too_many_requests", NULL,
                "too many failed sign-ins for this login; try again in %s "
                "seconds",
                retry);
    return false;
}

/* Records a failed sign-in and replies 401. */
static void
session_refuse(struct http_req *req, const char *login, int64_t now)
{
    char *cause = NULL;
    enum c311_rc rc;

    rc = users_failure_add(app_of(req)->st, login, now,
                           now - SESSION_FAILURE_SECS, &cause);
    if (rc != C311_OK) {
        staff_store_failed(req, rc, cause, "recording a failed sign-in");
        return;
    }
    staff_error(req, 401, "unauthorized", NULL,
                "login or password is wrong, or the account is disabled");
}

/* Starts a session for u and replies 201 with its token. */
static void
session_start(struct http_req *req, const struct users_rec *u, int64_t now)
{
    char token[SECRET_TOKEN_SIZE(SESSION_TOKEN_BYTES)];
    char hash[SECRET_HASH_HEX_SIZE], when[ISOTIME_LEN];
    int64_t expires = now + STAFF_SESSION_SECONDS;
    struct staff s;
    char *cause = NULL;
    enum c311_rc rc;

    secret_token(token, SESSION_TOKEN_BYTES);
    secret_hash_hex(token, hash);
    rc = users_failures_clear(app_of(req)->st, u->login, &cause);
    if (rc == C311_OK)
        rc = users_session_add(app_of(req)->st, u->id, hash, now, expires,
                               &cause);
    if (rc != C311_OK) {
        staff_store_failed(req, rc, cause, "starting a session");
        return;
    }
    if (!staff_from_user(u, &req->arena, &s)) {
        staff_error(req, 500, "internal", NULL, "out of memory");
        return;
    }
    isotime_format_local(expires, when);
    http_reply_value(req, 201,
                     json_pack("{s:s, s:s, s:o}", "token", token, "expires_at",
                               when, "user", staff_json(&s)),
                     "session", "item");
}

/* POST /api/v1/session {"login","password"}: signs in. */
static void
session_create(struct http_req *req)
{
    const char *login, *password, *hash = NULL;
    int64_t now = isotime_now();
    struct users_rec u;
    char *cause = NULL;
    enum c311_rc rc;
    json_t *body;

    if (!staff_body_json(req, &body))
        return;
    login = session_str(body, "login");
    password = session_str(body, "password");
    if (login == NULL || *login == '\0') {
        staff_error(req, 400, "bad_request", "login",
                    "login is required and must be a string");
        return;
    }
    if (password == NULL || *password == '\0') {
        staff_error(req, 400, "bad_request", "password",
                    "password is required and must be a string");
        return;
    }
    if (strlen(login) > 64 || strlen(password) > PASSWORD_MAX) {
        staff_error(req, 400, "bad_request", NULL,
                    "login or password is too long");
        return;
    }
    if (!session_not_throttled(req, login, now))
        return;
    rc = users_get(app_of(req)->st, login, &req->arena, &u, &hash, &cause);
    if (rc != C311_OK && rc != C311_ERR_NOT_FOUND) {
        staff_store_failed(req, rc, cause, "reading an account");
        return;
    }
    free(cause);
    /* An unknown login costs as much as a wrong password. */
    if (!password_verify(rc == C311_OK ? hash : NULL, password) || u.disabled) {
        session_refuse(req, login, now);
        return;
    }
    session_start(req, &u, now);
}

/* DELETE /api/v1/session: signs out (ends this token's session). */
static void
session_delete(struct http_req *req)
{
    const struct staff *me;
    char *cause = NULL;
    enum c311_rc rc;

    if (!staff_require(req, STAFF_ANY, &me))
        return;
    rc = users_session_end(app_of(req)->st, me->token_hash, isotime_now(),
                           &cause);
    if (rc != C311_OK && rc != C311_ERR_NOT_FOUND) {
        staff_store_failed(req, rc, cause, "ending a session");
        return;
    }
    free(cause);
    http_reply(req, 204, "application/json; charset=utf-8", NULL, 0);
}

/*
 * The names the city configuration gives the departments of s in lang, by
 * code; a department no longer configured is left out.
 */
static json_t *
department_names(const struct city *c, const struct staff *s, const char *lang)
{
    const struct department *d;
    const char *name;
    json_t *o = json_object();
    size_t i;

    for (i = 0; o != NULL && i < s->ndepartments; i++) {
        d = catalog_department(c, s->departments[i]);
        name = d != NULL ? catalog_text(c, &d->name, lang) : NULL;
        if (name != NULL &&
            json_object_set_new(o, d->code, json_string(name)) < 0) {
            json_decref(o);
            o = NULL;
        }
    }
    return o;
}

/*
 * GET /api/v1/me: the signed-in user, the names of their departments and
 * when the session ends.
 */
static void
session_me(struct http_req *req)
{
    const struct staff *me;
    char when[ISOTIME_LEN];
    json_t *v;

    if (!staff_require(req, STAFF_ANY, &me))
        return;
    isotime_format_local(me->session_expires_at, when);
    v = staff_json(me);
    if (v != NULL &&
        (json_object_set_new(
             v, "department_names",
             department_names(app_of(req)->city, me, staff_lang(req))) < 0 ||
         json_object_set_new(v, "session_expires_at", json_string(when)) < 0)) {
        json_decref(v);
        v = NULL;
    }
    http_reply_value(req, 200, v, "user", "item");
}

const struct route session_routes[] = {
    {"POST", "/api/v1/session", session_create, 0},
    {"DELETE", "/api/v1/session", session_delete, 0},
    {"GET", "/api/v1/me", session_me, 0},
};

const size_t session_nroutes =
    sizeof(session_routes) / sizeof(session_routes[0]);
