/* SPDX-License-Identifier: MIT */
/*
 * What every staff API module (/api/v1/...) shares: who is asking (a
 * session token in "Authorization: Bearer TOKEN"), what their roles and
 * department scopes let them do, JSON bodies, and the error shape
 *
 *     {"error": {"code": "bad_request", "message": "...", "field": "x"}}
 *
 * A handler typically starts with
 *
 *     const struct staff *me;
 *     json_t *body;
 *
 *     if (!staff_require(req, STAFF_AGENT | STAFF_SUPERVISOR, &me))
 *         return;
 *     if (!staff_body_json(req, &body))
 *         return;
 *
 * Both reply themselves (401, 403, 400, 413, 503) and return false.
 * Everything they hand out lives in the request's arena, except the JSON
 * body, which is released with the request too (see staff_body_json).
 */
#ifndef CIVIC311_STAFF_H
#define CIVIC311_STAFF_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "api/app.h"
#include "http/http.h"

/* Roles, as bit flags; a user may hold several. */
enum staff_role {
    STAFF_AGENT = 1u << 0,      /* takes contacts, files requests */
    STAFF_EXPERT = 1u << 1,     /* takes escalated cases */
    STAFF_SUPERVISOR = 1u << 2, /* oversees agents and departments */
    STAFF_CREW = 1u << 3,       /* field work in a department */
    STAFF_QA = 1u << 4,         /* quality assurance: reads, does not change */
    STAFF_EDITOR = 1u << 5,     /* knowledge base content */
    STAFF_ADMIN = 1u << 6       /* accounts, keys, audit; sees everything */
};

/* Every role. */
#define STAFF_ANY 0x7fu

/* Default session lifetime. */
#define STAFF_SESSION_SECONDS (12 * 3600)

/* A signed-in staff member. */
struct staff {
    int64_t id;
    const char *login;
    const char *name;
    unsigned roles; /* enum staff_role flags */
    const char **departments;
    size_t ndepartments;
    int64_t session_expires_at;
    const char *token_hash; /* of the session's token (SHA-256 hex) */
};

struct users_rec;

/*
 * Checks the request's bearer token and that its user holds one of the
 * roles in any_of (STAFF_ANY: any signed-in user). On success *out is the
 * user. Otherwise replies 401 (no token, unknown, ended or expired
 * session, disabled account), 403 (no matching role) or 503, and returns
 * false.
 */
bool staff_require(struct http_req *req, unsigned any_of,
                   const struct staff **out);

/* True when s may act in department dept: admins always, others when
 * dept is among their scopes. */
bool staff_in_department(const struct staff *s, const char *dept);

/*
 * Answers with the error shape; field is the JSON path of the culprit
 * ("attributes.MAKE") or NULL, fmt a printf format for the message.
 */
void staff_error(struct http_req *req, int status, const char *code,
                 const char *field, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/*
 * Parses the request body as a JSON object into *out (released when the
 * request ends; do not decref it), whatever the Content-Type says. An
 * empty body, malformed JSON, another top-level type, invalid UTF-8 or a
 * NUL byte: 400; over the body limit: 413. Replies itself and returns
 * false then.
 */
bool staff_body_json(struct http_req *req, json_t **out);

/*
 * Problems found in a body, each with a code, a field and a message. The
 * reply names the first as "error" and lists all under "errors".
 */
struct staff_problems {
    struct arena *a;
    json_t *list;
    size_t n;
    int status;
    const char *code, *field, *message; /* the first */
};

#define STAFF_PROBLEMS_MAX 64

/* Adds a problem (past STAFF_PROBLEMS_MAX they are dropped). */
void staff_problem(struct staff_problems *p, const char *code,
                   const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/*
 * Answers the problems with p->status (400 unless set) and returns true
 * when there are any; frees the list either way.
 */
bool staff_reply_problems(struct http_req *req, struct staff_problems *p);

/* A string, or null for NULL and "". */
json_t *staff_jstr(const char *s);

/*
 * The language names from the configuration are given in: the first of
 * the Accept-Language header when it is a language tag, else NULL (the
 * city's default language).
 */
const char *staff_lang(struct http_req *req);

/* A datetime in the jurisdiction's zone, or null for 0. */
json_t *staff_jtime(int64_t t);

/* Sets o[key] = v, taking v; records failure in *ok. */
void staff_put(json_t *o, const char *key, json_t *v, bool *ok);

/*
 * True when s may see every request (agents, experts, QA, admins), false
 * when only its departments' (crew and supervisors without those roles).
 */
bool staff_sees_all(const struct staff *s);

/*
 * The service codes of the departments s works in, for a scoped user, in
 * the arena; *n may be 0.
 */
const char **staff_scope_codes(const struct staff *s, const struct city *c,
                               struct arena *a, size_t *n);

/* Answers a store failure: 503 when worth retrying, 500 otherwise. */
void staff_store_failed(struct http_req *req, enum c311_rc rc, char *cause,
                        const char *what);

/* The flag of a role name ("agent"), or 0 when it is not one. */
unsigned staff_role_parse(const char *name);

/* The name of one role flag. */
const char *staff_role_name(unsigned role);

/*
 * Parses a list of role names separated by commas ("agent,expert") into
 * flags; false when one is unknown.
 */
bool staff_roles_parse(const char *list, unsigned *roles);

/* The roles as names separated by commas, in the arena. */
const char *staff_roles_format(unsigned roles, struct arena *a);

/* The roles as a JSON array of names. */
json_t *staff_roles_json(unsigned roles);

/* Fills out from a stored account (strings in a); false when out of memory. */
bool staff_from_user(const struct users_rec *u, struct arena *a,
                     struct staff *out);

/* The actor an audit entry names for s: "user:LOGIN", in the arena. */
const char *staff_actor(const struct staff *s, struct arena *a);

/* The user as the API shows it: id, login, name, roles, departments. */
json_t *staff_json(const struct staff *s);

#endif
