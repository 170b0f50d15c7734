/* SPDX-License-Identifier: MIT */
/*
 * Tow record routes. Staff of the towing department (and supervisors and
 * admins) record tows and their moves, each move an audit entry and, when
 * the tow came from a request, an event of that request. The public
 * lookup tells where a vehicle is and what its owner must bring, never
 * who the owner is.
 */
#include <stdlib.h>
#include <string.h>

#include "api/staff.h"
#include "api/tows.h"
#include "core/calendar.h"
#include "store/audit.h"
#include "store/tow.h"
#include "store/workorder.h"
#include "util/isotime.h"

#define NELEMS(a)      (sizeof(a) / sizeof((a)[0]))
#define TOW_LIST_LIMIT 100
#define TOW_STAFF      (STAFF_CREW | STAFF_SUPERVISOR | STAFF_ADMIN)

/* A JSON string, or null for NULL. */
static json_t *
jstr(const char *s)
{
    return s != NULL ? json_string(s) : json_null();
}

/* An instant as a local W3C datetime, or null for 0. */
static json_t *
jtime(int64_t t)
{
    char buf[ISOTIME_LEN];

    if (t == 0)
        return json_null();
    isotime_format_local(t, buf);
    return json_string(buf);
}

/* A pound as the public sees it. */
static json_t *
pound_json(const struct city *c, const char *code)
{
    const struct pound *p = catalog_pound(c, code);

    if (p == NULL)
        return json_pack("{s:o}", "code", jstr(code));
    return json_pack("{s:s, s:o, s:o, s:o, s:o}", "code", p->code, "name",
                     jstr(p->name), "address", jstr(p->address), "hours",
                     jstr(p->hours), "phone", jstr(p->phone));
}

/* What anyone may know of a towed vehicle. */
static json_t *
public_json(const struct city *c, const struct tow_record *r)
{
    json_t *o = json_object();

    json_object_set_new(o, "plate", jstr(r->plate));
    json_object_set_new(o, "plate_state", jstr(r->plate_state));
    json_object_set_new(o, "make", jstr(r->make));
    json_object_set_new(o, "model", jstr(r->model));
    json_object_set_new(o, "colour", jstr(r->colour));
    json_object_set_new(o, "status", json_string(tow_status_name(r->status)));
    json_object_set_new(o, "towed_datetime", jtime(r->towed_at));
    json_object_set_new(o, "towed_from", jstr(r->towed_from));
    json_object_set_new(o, "pound", pound_json(c, r->pound));
    json_object_set_new(o, "must_bring", jstr(c->towing.release_requires));
    json_object_set_new(o, "disposal_possible_datetime",
                        jtime(r->disposal_from));
    return o;
}

/*
 * True when the owner's notice is late: still not sent, the vehicle still
 * at the pound, and now past the day it was due.
 */
static bool
tow_notice_overdue(const struct tow_record *r, int64_t now)
{
    return r->notice_sent_at == 0 && r->notice_due_at != 0 &&
           now > r->notice_due_at && r->status == TOW_TOWED;
}

/* An id, or null for 0 (none): 0 is never a stored row's id. */
static json_t *
jid(int64_t id)
{
    return id != 0 ? json_integer(id) : json_null();
}

/* Everything staff see of a tow record. */
static json_t *
tow_json(const struct city *c, const struct tow_record *r)
{
    json_t *o = public_json(c, r);

    json_object_set_new(o, "id", json_integer(r->id));
    json_object_set_new(o, "reason", json_string(tow_reason_name(r->reason)));
    json_object_set_new(o, "request_id", jid(r->request_id));
    json_object_set_new(o, "work_order_id", jid(r->work_order_id));
    json_object_set_new(o, "notice_due_datetime", jtime(r->notice_due_at));
    json_object_set_new(o, "notice_sent_datetime", jtime(r->notice_sent_at));
    json_object_set_new(o, "notice_overdue",
                        json_boolean(tow_notice_overdue(r, isotime_now())));
    json_object_set_new(o, "ownership_checked",
                        json_boolean(r->ownership_checked));
    json_object_set_new(o, "payment_checked", json_boolean(r->payment_checked));
    json_object_set_new(o, "released_datetime", jtime(r->released_at));
    json_object_set_new(o, "disposed_datetime", jtime(r->disposed_at));
    json_object_set_new(o, "owner_name", jstr(r->owner_name));
    json_object_set_new(o, "owner_address", jstr(r->owner_address));
    json_object_set_new(o, "created_datetime", jtime(r->created_at));
    json_object_set_new(o, "updated_datetime", jtime(r->updated_at));
    return o;
}

/* Signs in tow staff of the towing department; false once answered. */
static bool
tow_staff(struct http_req *req, const struct staff **me)
{
    const struct city *c = app_of(req)->city;

    if (!staff_require(req, TOW_STAFF, me))
        return false;
    if (!c->towing.configured) {
        staff_error(req, 404, "not_found", NULL,
                    "this city has no towing section in its configuration");
        return false;
    }
    if (((*me)->roles & (STAFF_SUPERVISOR | STAFF_ADMIN)) == 0 &&
        !staff_in_department(*me, c->towing.department)) {
        staff_error(req, 403, "forbidden", NULL,
                    "tows are the work of department %s", c->towing.department);
        return false;
    }
    return true;
}

/* A string member of body, or NULL; false (answered 400) when bad. */
static bool
str_of(struct http_req *req, json_t *body, const char *key, bool required,
       const char **out)
{
    json_t *v = json_object_get(body, key);

    *out = json_string_value(v);
    if (*out != NULL && **out == '\0')
        *out = NULL;
    if ((v != NULL && !json_is_null(v) && !json_is_string(v)) ||
        (required && *out == NULL)) {
        staff_error(req, 400, "bad_request", key,
                    required ? "%s is required and must be a string"
                             : "%s must be a string",
                    key);
        return false;
    }
    return true;
}

/* What a tow change needs and gives back. */
struct tow_arg {
    const struct city *city;
    const char *actor;
    int64_t now;
    int64_t id;
    const char *public_id;  /* create: the request it came from, or NULL */
    struct tow_record rec;  /* create: the new record */
    int to;                 /* move: the status, or -1 for checks */
    int ownership, payment; /* checks: -1 keeps */
    struct tow_record *out;
};

/* Records a change in the audit trail and the request's history. */
static enum c311_rc
tow_history(struct sqlx *x, struct tow_arg *t, const char *kind, char **cause)
{
    struct tow_record *r = t->out;
    const char *after, *sid;
    json_t *v;
    char *s;
    enum c311_rc rc;

    v = json_pack("{s:I, s:s, s:s, s:s}", "tow_id", (json_int_t)r->id, "plate",
                  r->plate, "status", tow_status_name(r->status), "pound",
                  r->pound);
    s = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(v);
    after = s != NULL ? arena_strdup(x->a, s) : NULL;
    free(s);
    sid = arena_printf(x->a, "%lld", (long long)r->id);
    rc =
        audit_append(x, t->now, t->actor, kind, "tow", sid, NULL, after, cause);
    if (rc == C311_OK && r->request_id != 0)
        rc = audit_request_event(x, r->request_id, t->now, t->actor, kind,
                                 false, NULL, NULL, after, cause);
    return rc;
}

/* Inserts a new record, linked to its request when one is named. */
static enum c311_rc
tow_create_work(struct sqlx *x, void *arg, char **cause)
{
    struct tow_arg *t = arg;
    struct sr *r;
    enum c311_rc rc;

    if (t->public_id != NULL) {
        rc = store_wo_request_lock(x, t->public_id, 0, &r, cause);
        if (rc != C311_OK)
            return rc;
        t->rec.request_id = r->id;
    }
    rc = store_tow_insert(x, &t->rec, cause);
    t->out = &t->rec;
    if (rc == C311_OK)
        rc = tow_history(x, t, "tow.towed", cause);
    return rc;
}

/* Computes the deadlines of a tow at towed_at; false when impossible. */
static bool
deadlines(const struct city *c, struct tow_record *r)
{
    const struct calendar *cal =
        catalog_department_calendar(c, c->towing.department);

    return calendar_add(cal, r->towed_at, &c->towing.notice_within,
                        &r->notice_due_at) == C311_OK &&
           calendar_add(cal, r->towed_at, &c->towing.holding_period,
                        &r->disposal_from) == C311_OK;
}

/* Reads the fields of a new tow from the body; false once answered. */
static bool
tow_fields(struct http_req *req, json_t *body, struct tow_arg *t)
{
    char plate[TOW_PLATE_MAX + 1];
    const char *p, *reason, *towed_at;
    struct tow_record *r = &t->rec;

    if (!str_of(req, body, "plate", true, &p) ||
        !str_of(req, body, "plate_state", false, &r->plate_state) ||
        !str_of(req, body, "make", false, &r->make) ||
        !str_of(req, body, "model", false, &r->model) ||
        !str_of(req, body, "colour", false, &r->colour) ||
        !str_of(req, body, "towed_at", false, &towed_at) ||
        !str_of(req, body, "towed_from", true, &r->towed_from) ||
        !str_of(req, body, "pound", true, &r->pound) ||
        !str_of(req, body, "reason", true, &reason) ||
        !str_of(req, body, "owner_name", false, &r->owner_name) ||
        !str_of(req, body, "owner_address", false, &r->owner_address) ||
        !str_of(req, body, "service_request_id", false, &t->public_id))
        return false;
    if (!tow_plate_normalize(p, plate, sizeof(plate))) {
        staff_error(req, 400, "bad_request", "plate",
                    "plate must be letters and digits (spaces and dashes "
                    "are dropped), at most %d",
                    TOW_PLATE_MAX);
        return false;
    }
    r->plate = arena_strdup(&req->arena, plate);
    if (!tow_reason_parse(reason, &r->reason)) {
        staff_error(req, 400, "bad_request", "reason",
                    "reason must be abandoned or violation");
        return false;
    }
    if (catalog_pound(app_of(req)->city, r->pound) == NULL) {
        staff_error(req, 400, "bad_request", "pound", "unknown pound '%s'",
                    r->pound);
        return false;
    }
    r->towed_at = t->now;
    if (towed_at != NULL && !isotime_parse(towed_at, &r->towed_at)) {
        staff_error(req, 400, "bad_request", "towed_at",
                    "towed_at must be an ISO 8601 instant with an offset");
        return false;
    }
    return true;
}

/* Answers a failed change. */
static void
tow_failed(struct http_req *req, enum c311_rc rc, char *cause)
{
    int status = rc == C311_ERR_NOT_FOUND  ? 404
                 : rc == C311_ERR_CONFLICT ? 409
                 : rc == C311_ERR_INVALID  ? 400
                                           : 0;

    if (status == 0) {
        staff_store_failed(req, rc, cause, "changing a tow record");
        return;
    }
    staff_error(req, status,
                status == 404   ? "not_found"
                : status == 409 ? "conflict"
                                : "bad_request",
                NULL, "%s", cause != NULL ? cause : "refused");
    free(cause);
}

/* POST /api/v1/tows: records a tow. */
static void
tows_create(struct http_req *req)
{
    const struct staff *me;
    struct tow_arg t = {0};
    char *cause = NULL;
    enum c311_rc rc;
    json_t *body;

    if (!tow_staff(req, &me) || !staff_body_json(req, &body))
        return;
    t.city = app_of(req)->city;
    t.actor = staff_actor(me, &req->arena);
    t.now = isotime_now();
    if (!tow_fields(req, body, &t))
        return;
    if (!deadlines(t.city, &t.rec)) {
        staff_error(req, 500, "internal", NULL,
                    "the towing department's calendar has no working time");
        return;
    }
    t.rec.status = TOW_TOWED;
    t.rec.created_at = t.rec.updated_at = t.now;
    rc = sqlx_run(app_of(req)->st, true, tow_create_work, &t, &req->arena,
                  &cause);
    if (rc != C311_OK) {
        tow_failed(req, rc, cause);
        return;
    }
    free(cause);
    http_reply_value(req, 201, tow_json(t.city, t.out), "tow", "item");
}

/* Puts a refusal's words in *cause and returns rc. */
static enum c311_rc
refuse(char **cause, enum c311_rc rc, const char *why)
{
    free(*cause);
    *cause = strdup(why);
    return rc;
}

/* Applies checks or a move to one record, inside the transaction. */
static enum c311_rc
tow_change_work(struct sqlx *x, void *arg, char **cause)
{
    struct tow_arg *t = arg;
    const char *why;
    enum c311_rc rc;

    rc = store_tow_get(x, t->id, true, &t->out, cause);
    if (rc != C311_OK)
        return rc;
    if (t->to < 0) {
        if (t->out->status == TOW_RELEASED || t->out->status == TOW_DISPOSED)
            return refuse(cause, C311_ERR_CONFLICT,
                          "the vehicle has left the pound");
        if (t->ownership >= 0)
            t->out->ownership_checked = t->ownership;
        if (t->payment >= 0)
            t->out->payment_checked = t->payment;
        t->out->updated_at = t->now;
    } else if (tow_transition(t->out, (enum tow_status)t->to, t->now, &why) !=
               C311_OK) {
        return refuse(cause, C311_ERR_CONFLICT, why);
    }
    rc = store_tow_update(x, t->out, cause);
    if (rc == C311_OK)
        rc = tow_history(
            x, t,
            t->to < 0 ? "tow.checked"
                      : arena_printf(x->a, "tow.%s", tow_status_name(t->to)),
            cause);
    return rc;
}

/* Reads the {id} of the path; false (answered 404) when not one. */
static bool
tow_id(struct http_req *req, int64_t *id)
{
    const char *s = http_path_param(req, "id");
    char *end;

    *id = s != NULL ? strtoll(s, &end, 10) : 0;
    if (s == NULL || *end != '\0' || *id <= 0) {
        staff_error(req, 404, "not_found", NULL, "no tow record '%s'",
                    s != NULL ? s : "");
        return false;
    }
    return true;
}

/* Runs a change and answers with the record. */
static void
tow_change(struct http_req *req, const struct staff *me, struct tow_arg *t)
{
    char *cause = NULL;
    enum c311_rc rc;

    t->city = app_of(req)->city;
    t->actor = staff_actor(me, &req->arena);
    t->now = isotime_now();
    rc = sqlx_run(app_of(req)->st, true, tow_change_work, t, &req->arena,
                  &cause);
    if (rc != C311_OK) {
        tow_failed(req, rc, cause);
        return;
    }
    free(cause);
    http_reply_value(req, 200, tow_json(t->city, t->out), "tow", "item");
}

/* A true/false member of body: 1, 0, or -1 when absent. */
static bool
bool_of(struct http_req *req, json_t *body, const char *key, int *out)
{
    json_t *v = json_object_get(body, key);

    *out = -1;
    if (v == NULL)
        return true;
    if (!json_is_boolean(v)) {
        staff_error(req, 400, "bad_request", key, "%s must be true or false",
                    key);
        return false;
    }
    *out = json_is_true(v);
    return true;
}

/* POST /api/v1/tows/{id}/checks {"ownership": true, "payment": true} */
static void
tows_checks(struct http_req *req)
{
    const struct staff *me;
    struct tow_arg t = {0};
    json_t *body;

    if (!tow_staff(req, &me) || !tow_id(req, &t.id) ||
        !staff_body_json(req, &body) ||
        !bool_of(req, body, "ownership", &t.ownership) ||
        !bool_of(req, body, "payment", &t.payment))
        return;
    t.to = -1;
    tow_change(req, me, &t);
}

/* POST /api/v1/tows/{id}/status {"status": "notice_sent"} */
static void
tows_status(struct http_req *req)
{
    const struct staff *me;
    struct tow_arg t = {0};
    enum tow_status to;
    const char *s;
    json_t *body;

    if (!tow_staff(req, &me) || !tow_id(req, &t.id) ||
        !staff_body_json(req, &body) || !str_of(req, body, "status", true, &s))
        return;
    if (!tow_status_parse(s, &to)) {
        staff_error(req, 400, "bad_request", "status",
                    "status must be notice_sent, held, released or disposed");
        return;
    }
    t.to = (int)to;
    tow_change(req, me, &t);
}

/* What a lookup reads. */
struct look_arg {
    const char *plate;
    int64_t id;
    bool at_pound;
    struct tow_record *v;
    size_t n;
};

/* Reads one record or the records of a plate. */
static enum c311_rc
tow_look_work(struct sqlx *x, void *arg, char **cause)
{
    struct look_arg *l = arg;

    if (l->id != 0) {
        l->n = 1;
        return store_tow_get(x, l->id, false, &l->v, cause);
    }
    return store_tow_list(x, l->plate, l->at_pound, TOW_LIST_LIMIT, &l->v,
                          &l->n, cause);
}

/* Runs a lookup; false once it answered a failure. */
static bool
tow_look(struct http_req *req, struct look_arg *l)
{
    char *cause = NULL;
    enum c311_rc rc;

    rc =
        sqlx_run(app_of(req)->st, false, tow_look_work, l, &req->arena, &cause);
    if (rc != C311_OK) {
        tow_failed(req, rc, cause);
        return false;
    }
    free(cause);
    return true;
}

/* Normalises the plate query parameter; false (answered 400) when bad. */
static bool
plate_param(struct http_req *req, bool required, const char **out)
{
    const char *p = http_param(req, "plate");
    char plate[TOW_PLATE_MAX + 1];

    *out = NULL;
    if (p == NULL && !required)
        return true;
    if (!tow_plate_normalize(p, plate, sizeof(plate))) {
        staff_error(req, 400, "bad_request", "plate",
                    "plate is required: letters and digits, at most %d",
                    TOW_PLATE_MAX);
        return false;
    }
    *out = arena_strdup(&req->arena, plate);
    return true;
}

/* GET /api/v1/tows?plate=: staff list, newest first. */
static void
tows_list(struct http_req *req)
{
    const struct city *c = app_of(req)->city;
    const struct staff *me;
    struct look_arg l = {0};
    json_t *a;
    size_t i;

    if (!tow_staff(req, &me) || !plate_param(req, false, &l.plate) ||
        !tow_look(req, &l))
        return;
    a = json_array();
    for (i = 0; i < l.n; i++)
        json_array_append_new(a, tow_json(c, &l.v[i]));
    http_reply_value(req, 200, a, "tows", "tow");
}

/* GET /api/v1/tows/{id} */
static void
tows_get(struct http_req *req)
{
    const struct staff *me;
    struct look_arg l = {0};

    if (!tow_staff(req, &me) || !tow_id(req, &l.id) || !tow_look(req, &l))
        return;
    http_reply_value(req, 200, tow_json(app_of(req)->city, l.v), "tow", "item");
}

/* GET /api/v1/public/towed?plate=: where a towed vehicle is, for anyone. */
static void
tows_public(struct http_req *req)
{
    const struct city *c = app_of(req)->city;
    struct look_arg l = {0};
    json_t *a;
    size_t i;

    if (!plate_param(req, true, &l.plate))
        return;
    l.at_pound = true;
    if (!tow_look(req, &l))
        return;
    if (l.n == 0) {
        staff_error(req, 404, "not_found", "plate",
                    "no vehicle with plate %s is at a city pound", l.plate);
        return;
    }
    a = json_array();
    for (i = 0; i < l.n; i++)
        json_array_append_new(a, public_json(c, &l.v[i]));
    http_reply_value(req, 200, a, "towed", "vehicle");
}

const struct route tows_routes[] = {
    {"POST", "/api/v1/tows", tows_create, 0},
    {"GET", "/api/v1/tows", tows_list, 0},
    {"GET", "/api/v1/tows/{id}", tows_get, 0},
    {"POST", "/api/v1/tows/{id}/checks", tows_checks, 0},
    {"POST", "/api/v1/tows/{id}/status", tows_status, 0},
    {"GET", "/api/v1/public/towed", tows_public, 0},
};

const size_t tows_nroutes = NELEMS(tows_routes);
