/* SPDX-License-Identifier: MIT */
/*
 * Sessions, roles, department scopes, JSON bodies and errors for the staff
 * API. A bearer token is looked up by its SHA-256 on every request, so a
 * session ended or an account disabled on one server is refused by every
 * server at once.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/args.h"
#include "api/staff.h"
#include "http/params.h"
#include "store/users.h"
#include "util/isotime.h"
#include "util/log.h"
#include "util/secret.h"

static const char *const staff_role_names[] = {
    "agent", "expert", "supervisor", "crew", "qa", "editor", "admin",
};

#define STAFF_NROLES (sizeof(staff_role_names) / sizeof(staff_role_names[0]))

unsigned
staff_role_parse(const char *name)
{
    size_t i;

    for (i = 0; i < STAFF_NROLES; i++) {
        if (strcmp(name, staff_role_names[i]) == 0)
            return 1u << i;
    }
    return 0;
}

const char *
staff_role_name(unsigned role)
{
    size_t i;

    for (i = 0; i < STAFF_NROLES; i++) {
        if (role == 1u << i)
            return staff_role_names[i];
    }
    return "?";
}

bool
staff_roles_parse(const char *list, unsigned *roles)
{
    const char *p = list;
    char name[32];
    size_t n;
    unsigned r;

    *roles = 0;
    while (*p != '\0') {
        n = strcspn(p, ",");
        if (n == 0 || n >= sizeof(name))
            return false;
        memcpy(name, p, n);
        name[n] = '\0';
        r = staff_role_parse(name);
        if (r == 0)
            return false;
        *roles |= r;
        p += n;
        if (*p == ',')
            p++;
    }
    return true;
}

const char *
staff_roles_format(unsigned roles, struct arena *a)
{
    struct buf b = BUF_INIT(0);
    const char *s;
    size_t i;

    buf_puts(&b, "");
    for (i = 0; i < STAFF_NROLES; i++) {
        if (roles & (1u << i))
            buf_printf(&b, "%s%s", b.len > 0 ? "," : "", staff_role_names[i]);
    }
    s = b.failed ? NULL : arena_strdup(a, b.data);
    buf_release(&b);
    return s;
}

json_t *
staff_roles_json(unsigned roles)
{
    json_t *list = json_array();
    size_t i;

    for (i = 0; list != NULL && i < STAFF_NROLES; i++) {
        if ((roles & (1u << i)) &&
            json_array_append_new(list, json_string(staff_role_names[i])) < 0) {
            json_decref(list);
            return NULL;
        }
    }
    return list;
}

const char *
staff_actor(const struct staff *s, struct arena *a)
{
    return arena_printf(a, "user:%s", s->login);
}

json_t *
staff_json(const struct staff *s)
{
    json_t *depts = json_array();
    size_t i;

    for (i = 0; depts != NULL && i < s->ndepartments; i++) {
        if (json_array_append_new(depts, json_string(s->departments[i])) < 0) {
            json_decref(depts);
            depts = NULL;
        }
    }
    if (depts == NULL)
        return NULL;
    return json_pack("{s:I, s:s, s:s, s:o, s:o}", "id", (json_int_t)s->id,
                     "login", s->login, "name", s->name, "roles",
                     staff_roles_json(s->roles), "departments", depts);
}

void
staff_error(struct http_req *req, int status, const char *code,
            const char *field, const char *fmt, ...)
{
    const char *msg;
    va_list ap;

    va_start(ap, fmt);
    msg = arena_vprintf(&req->arena, fmt, ap);
    va_end(ap);
    http_reply_api_error(req, status, code, field,
                         msg != NULL ? msg : "out of memory", NULL);
}

void
staff_problem(struct staff_problems *p, const char *code, const char *field,
              const char *fmt, ...)
{
    const char *msg;
    json_t *e;
    va_list ap;

    if (p->n == STAFF_PROBLEMS_MAX)
        return;
    va_start(ap, fmt);
    msg = arena_vprintf(p->a, fmt, ap);
    va_end(ap);
    if (msg == NULL)
        msg = "out of memory";
    if (p->list == NULL)
        p->list = json_array();
    e = json_pack("{s:s, s:s, s:s?}", "code", code, "message", msg, "field",
                  field);
    if (p->list == NULL || e == NULL || json_array_append_new(p->list, e) < 0)
        p->status = 500;
    if (p->n++ == 0) {
        p->code = code;
        p->field = field != NULL ? arena_strdup(p->a, field) : NULL;
        p->message = msg;
    }
}

bool
staff_reply_problems(struct http_req *req, struct staff_problems *p)
{
    if (p->n == 0) {
        json_decref(p->list);
        p->list = NULL;
        return false;
    }
    if (p->status == 500) {
        json_decref(p->list);
        staff_error(req, 500, "internal", NULL, "out of memory");
        return true;
    }
    http_reply_api_error(req, p->status != 0 ? p->status : 400, p->code,
                         p->field, p->message, p->list);
    p->list = NULL;
    return true;
}

json_t *
staff_jstr(const char *s)
{
    json_t *v;

    if (s == NULL || s[0] == '\0')
        return json_null();
    v = json_string(s);
    return v != NULL ? v : json_null();
}

const char *
staff_lang(struct http_req *req)
{
    return args_accept_language(http_header(req, "Accept-Language"),
                                &req->arena);
}

json_t *
staff_jtime(int64_t t)
{
    char buf[ISOTIME_LEN];

    if (t == 0)
        return json_null();
    isotime_format_local(t, buf);
    return json_string(buf);
}

void
staff_put(json_t *o, const char *key, json_t *v, bool *ok)
{
    if (v == NULL || json_object_set_new(o, key, v) < 0)
        *ok = false;
}

bool
staff_sees_all(const struct staff *s)
{
    return (s->roles & (STAFF_AGENT | STAFF_EXPERT | STAFF_QA | STAFF_ADMIN)) !=
           0;
}

const char **
staff_scope_codes(const struct staff *s, const struct city *c, struct arena *a,
                  size_t *n)
{
    const char **v = arena_alloc(a, (c->nservices + 1) * sizeof(*v));
    size_t i;

    *n = 0;
    if (v == NULL)
        return NULL;
    for (i = 0; i < c->nservices; i++) {
        if (staff_in_department(s, c->services[i].department))
            v[(*n)++] = c->services[i].code;
    }
    return v;
}

void
staff_store_failed(struct http_req *req, enum c311_rc rc, char *cause,
                   const char *what)
{
    char esc[512];

    log_error(
        "staff", "%s failed: %s: %s", what, c311_rc_str(rc),
        log_escape(cause != NULL ? cause : "no detail", esc, sizeof(esc)));
    free(cause);
    if (rc == C311_ERR_UNAVAILABLE)
        staff_error(req, 503, "unavailable", NULL,
                    "the service is busy; try again shortly");
    else
        staff_error(req, 500, "internal", NULL,
                    "the request could not be completed");
}

/* Splits space-separated department codes into an arena array. */
static bool
staff_split_departments(const char *s, struct arena *a, struct staff *out)
{
    const char *p = s;
    size_t n = 0, len;

    out->departments = NULL;
    out->ndepartments = 0;
    if (s == NULL)
        return true;
    out->departments = arena_alloc(a, (strlen(s) / 2 + 1) * sizeof(char *));
    if (out->departments == NULL)
        return false;
    while (*p != '\0') {
        p += strspn(p, " ");
        len = strcspn(p, " ");
        if (len == 0)
            break;
        out->departments[n] = arena_strndup(a, p, len);
        if (out->departments[n++] == NULL)
            return false;
        p += len;
    }
    out->ndepartments = n;
    return true;
}

bool
staff_from_user(const struct users_rec *u, struct arena *a, struct staff *out)
{
    memset(out, 0, sizeof(*out));
    out->id = u->id;
    out->login = u->login;
    out->name = u->name;
    if (!staff_roles_parse(u->roles != NULL ? u->roles : "", &out->roles))
        log_warning("staff", "user %lld has an unknown role in '%s'",
                    (long long)u->id, u->roles);
    return staff_split_departments(u->departments, a, out);
}

/* The token of an "Authorization: Bearer TOKEN" header, or NULL. */
static const char *
staff_bearer(struct http_req *req)
{
    const char *h = http_header(req, "Authorization");

    if (h == NULL || strncasecmp(h, "Bearer ", 7) != 0)
        return NULL;
    h += 7;
    h += strspn(h, " ");
    return *h != '\0' ? h : NULL;
}

bool
staff_require(struct http_req *req, unsigned any_of, const struct staff **out)
{
    const struct app *app = app_of(req);
    char hash[SECRET_HASH_HEX_SIZE];
    const char *token = staff_bearer(req);
    int64_t expires = 0;
    struct users_rec u;
    struct staff *s;
    char *cause = NULL;
    enum c311_rc rc;

    *out = NULL;
    if (token == NULL) {
        staff_error(req, 401, "unauthorized", NULL,
                    "sign in first: send Authorization: Bearer TOKEN");
        return false;
    }
    secret_hash_hex(token, hash);
    s = arena_alloc(&req->arena, sizeof(*s));
    if (s == NULL) {
        staff_error(req, 500, "internal", NULL, "out of memory");
        return false;
    }
    rc = users_session_find(app->st, hash, isotime_now(), &req->arena, &u,
                            &expires, &cause);
    if (rc == C311_ERR_NOT_FOUND) {
        free(cause);
        staff_error(req, 401, "unauthorized", NULL,
                    "the session is unknown, ended or expired");
        return false;
    }
    if (rc != C311_OK) {
        staff_store_failed(req, rc, cause, "checking a session");
        return false;
    }
    if (!staff_from_user(&u, &req->arena, s) ||
        (s->token_hash = arena_strdup(&req->arena, hash)) == NULL) {
        staff_error(req, 500, "internal", NULL, "out of memory");
        return false;
    }
    s->session_expires_at = expires;
    if ((s->roles & any_of) == 0) {
        staff_error(req, 403, "forbidden", NULL,
                    "your roles do not allow this");
        return false;
    }
    *out = s;
    return true;
}

bool
staff_in_department(const struct staff *s, const char *dept)
{
    size_t i;

    if (s->roles & STAFF_ADMIN)
        return true;
    if (dept == NULL)
        return false;
    for (i = 0; i < s->ndepartments; i++) {
        if (strcmp(s->departments[i], dept) == 0)
            return true;
    }
    return false;
}

bool
staff_body_json(struct http_req *req, json_t **out)
{
    json_error_t err;
    json_t *v;

    *out = NULL;
    if (req->too_large) {
        staff_error(req, 413, "payload_too_large", NULL,
                    "request body is over %d bytes", HTTP_BODY_MAX);
        return false;
    }
    if (req->body.len == 0) {
        staff_error(req, 400, "bad_request", NULL,
                    "request body is empty; send a JSON object");
        return false;
    }
    if (!params_utf8_valid(req->body.data, req->body.len)) {
        staff_error(req, 400, "bad_request", NULL,
                    "request body is not valid UTF-8");
        return false;
    }
    v = json_loadb(req->body.data, req->body.len, JSON_REJECT_DUPLICATES, &err);
    if (v == NULL) {
        staff_error(req, 400, "bad_request", NULL,
                    "request body is not valid JSON: %s (line %d, column %d)",
                    err.text, err.line, err.column);
        return false;
    }
    if (!json_is_object(v)) {
        json_decref(v);
        staff_error(req, 400, "bad_request", NULL,
                    "request body must be a JSON object");
        return false;
    }
    json_decref(req->json);
    req->json = v;
    *out = v;
    return true;
}
