/* SPDX-License-Identifier: MIT */
/*
 * Callers (contacts) over the staff API. Phone numbers in queries are
 * read as E.164 like everywhere else, so "(212) 555-0123" and
 * "+12125550123" find the same caller.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "api/callers.h"
#include "api/calls.h"
#include "api/staff.h"
#include "store/contacts.h"
#include "util/isotime.h"

/* A JSON array of n strings. */
static json_t *
callers_strings(const char *const *v, size_t n)
{
    json_t *list = json_array();
    size_t i;

    for (i = 0; list != NULL && i < n; i++) {
        if (json_array_append_new(list, json_string(v[i])) < 0) {
            json_decref(list);
            return NULL;
        }
    }
    return list;
}

json_t *
callers_json(const struct contact *c)
{
    json_t *o = json_object();
    bool ok = o != NULL;

    if (!ok)
        return NULL;
    staff_put(o, "id", json_integer(c->id), &ok);
    staff_put(o, "first_name", staff_jstr(c->first_name), &ok);
    staff_put(o, "last_name", staff_jstr(c->last_name), &ok);
    staff_put(o, "phones", callers_strings(c->phones, c->nphones), &ok);
    staff_put(o, "emails", callers_strings(c->emails, c->nemails), &ok);
    staff_put(o, "address", staff_jstr(c->address), &ok);
    staff_put(o, "language", staff_jstr(c->language), &ok);
    staff_put(o, "merged_into",
              c->merged_into != 0 ? json_integer(c->merged_into) : json_null(),
              &ok);
    staff_put(o, "created_at", staff_jtime(c->created_at), &ok);
    staff_put(o, "updated_at", staff_jtime(c->updated_at), &ok);
    if (!ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* One entry of a caller's request list. */
static json_t *
callers_request_json(const struct contacts_request *r)
{
    json_t *o = json_object();
    bool ok = o != NULL;

    if (!ok)
        return NULL;
    staff_put(o, "service_request_id", staff_jstr(r->public_id), &ok);
    staff_put(o, "service_code", staff_jstr(r->service_code), &ok);
    staff_put(o, "service_name", staff_jstr(r->service_name), &ok);
    staff_put(o, "status", json_string(sr_status_name(r->status)), &ok);
    staff_put(o, "open", json_boolean(r->status == SR_OPEN), &ok);
    staff_put(o, "description", staff_jstr(r->description), &ok);
    staff_put(o, "address", staff_jstr(r->address), &ok);
    staff_put(o, "channel", staff_jstr(r->channel), &ok);
    staff_put(o, "requested_datetime", staff_jtime(r->requested_at), &ok);
    staff_put(o, "updated_datetime", staff_jtime(r->updated_at), &ok);
    if (!ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* Answers 200 with the caller and their requests, newest first. */
static void
callers_reply(struct http_req *req, const struct contact *c)
{
    struct contacts_request *v = NULL;
    json_t *o, *list;
    char *cause = NULL;
    enum c311_rc rc;
    size_t n = 0, i, open = 0;
    bool ok;

    rc = contacts_requests(app_of(req)->st, c->id, &req->arena, &v, &n, &cause);
    if (rc != C311_OK) {
        staff_store_failed(req, rc, cause, "listing a caller's requests");
        return;
    }
    o = callers_json(c);
    list = json_array();
    ok = o != NULL && list != NULL;
    for (i = 0; ok && i < n; i++) {
        if (json_array_append_new(list, callers_request_json(&v[i])) < 0)
            ok = false;
        open += v[i].status == SR_OPEN;
    }
    staff_put(o, "open_requests", json_integer((json_int_t)open), &ok);
    staff_put(o, "calls", calls_history_json(req, c, v, n), &ok);
    if (ok && json_object_set_new(o, "requests", list) == 0)
        list = NULL;
    else
        ok = false;
    json_decref(list);
    if (!ok) {
        json_decref(o);
        o = NULL;
    }
    http_reply_value(req, 200, o, "caller", "item");
}

/* GET /api/v1/callers?phone=...: the screen-pop for an incoming call. */
static void
callers_by_phone(struct http_req *req)
{
    const struct staff *me;
    const char *phone = http_param(req, "phone");
    char e164[CONTACT_PHONE_SIZE];
    struct contact c;
    char *cause = NULL;
    enum c311_rc rc;

    if (!staff_require(req, CALLERS_READ_ROLES, &me))
        return;
    if (phone == NULL) {
        staff_error(req, 400, "required", "phone",
                    "phone is required: GET /api/v1/callers?phone=NUMBER");
        return;
    }
    if (!contact_phone_e164(phone, e164)) {
        staff_error(req, 400, "invalid", "phone",
                    "phone is not a number that can be written in E.164");
        return;
    }
    rc = contacts_by_phone(app_of(req)->st, e164, &req->arena, &c, &cause);
    if (rc == C311_ERR_NOT_FOUND) {
        free(cause);
        staff_error(req, 404, "not_found", "phone", "no caller has %s", e164);
        return;
    }
    if (rc != C311_OK) {
        staff_store_failed(req, rc, cause, "finding a caller");
        return;
    }
    callers_reply(req, &c);
}

/* Reads {id} as a positive contact id; false once it has answered 404. */
static bool
callers_id(struct http_req *req, int64_t *id)
{
    const char *s = http_path_param(req, "id");
    char *end;
    long long v;

    errno = 0;
    v = s != NULL ? strtoll(s, &end, 10) : 0;
    if (s == NULL || *s < '1' || *s > '9' || *end != '\0' || errno != 0) {
        staff_error(req, 404, "not_found", NULL, "no such caller");
        return false;
    }
    *id = v;
    return true;
}

/* GET /api/v1/callers/{id}: one caller with their requests. */
static void
callers_get(struct http_req *req)
{
    const struct staff *me;
    struct contact c;
    char *cause = NULL;
    enum c311_rc rc;
    int64_t id;

    if (!staff_require(req, CALLERS_READ_ROLES, &me) || !callers_id(req, &id))
        return;
    rc = contacts_get(app_of(req)->st, id, &req->arena, &c, &cause);
    if (rc == C311_ERR_NOT_FOUND) {
        free(cause);
        staff_error(req, 404, "not_found", NULL, "no such caller");
        return;
    }
    if (rc != C311_OK) {
        staff_store_failed(req, rc, cause, "reading a caller");
        return;
    }
    callers_reply(req, &c);
}

/* POST /api/v1/callers/{id}/merge {"other": id}: folds other into id. */
static void
callers_merge(struct http_req *req)
{
    const struct staff *me;
    json_t *body, *other;
    struct contact c;
    char *cause = NULL;
    enum c311_rc rc;
    int64_t id;

    if (!staff_require(req, CALLERS_MERGE_ROLES, &me) ||
        !callers_id(req, &id) || !staff_body_json(req, &body))
        return;
    other = json_object_get(body, "other");
    if (other == NULL) {
        staff_error(req, 400, "required", "other",
                    "other is required: the id of the caller to merge in");
        return;
    }
    if (!json_is_integer(other) || json_integer_value(other) < 1) {
        staff_error(req, 400, "invalid_type", "other",
                    "other must be a caller id (a positive integer)");
        return;
    }
    rc = contacts_merge(app_of(req)->st, id, json_integer_value(other),
                        staff_actor(me, &req->arena), isotime_now(), &cause);
    if (rc == C311_ERR_NOT_FOUND) {
        staff_error(req, 404, "not_found", NULL, "%s",
                    cause != NULL ? cause : "no such caller");
        free(cause);
        return;
    }
    if (rc == C311_ERR_CONFLICT || rc == C311_ERR_INVALID) {
        staff_error(req, rc == C311_ERR_CONFLICT ? 409 : 400,
                    rc == C311_ERR_CONFLICT ? "conflict" : "invalid", "other",
                    "%s", cause != NULL ? cause : "these callers cannot merge");
        free(cause);
        return;
    }
    if (rc != C311_OK) {
        staff_store_failed(req, rc, cause, "merging callers");
        return;
    }
    rc = contacts_get(app_of(req)->st, id, &req->arena, &c, &cause);
    if (rc != C311_OK) {
        staff_store_failed(req, rc, cause, "reading a caller");
        return;
    }
    callers_reply(req, &c);
}

const struct route callers_routes[] = {
    {"GET", "/api/v1/callers", callers_by_phone, 0},
    {"GET", "/api/v1/callers/{id}", callers_get, 0},
    {"POST", "/api/v1/callers/{id}/merge", callers_merge, 0},
};

const size_t callers_nroutes =
    sizeof(callers_routes) / sizeof(callers_routes[0]);
