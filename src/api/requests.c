/* SPDX-License-Identifier: MIT */
/*
 * Service requests over the staff API. Intake checks a JSON body with the
 * rules of the Open311 form (core/catalog.c for answers, api/args.c for
 * the rest), reports every problem with the JSON path of its field, and
 * files through filing_submit, so a request an agent takes starts its
 * work exactly like one from an app. Crew and supervisors see only the
 * requests of their departments' services.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/args.h"
#include "api/callers.h"
#include "api/filing.h"
#include "api/reports.h"
#include "api/requests.h"
#include "api/workorders.h"
#include "http/params.h"
#include "store/audit.h"
#include "store/casework.h"
#include "store/contacts.h"
#include "util/isotime.h"

/* The channels an agent may record. */
static const char *const requests_channels[] = {
    "phone", "walk_in", "tty", "sms", "email", "web", "app",
};

#define NELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* ---- reading the body ---- */

/* True when s is one of the n names. */
static bool
requests_one_of(const char *s, const char *const *names, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (strcmp(s, names[i]) == 0)
            return true;
    }
    return false;
}

/* Adds a problem for every member of o whose name is not in names. */
static void
requests_known_members(json_t *o, const char *prefix, const char *const *names,
                       size_t n, struct staff_problems *p)
{
    const char *key;
    json_t *v;

    json_object_foreach(o, key, v)
    {
        if (requests_one_of(key, names, n))
            continue;
        staff_problem(
            p, "unknown",
            prefix != NULL ? arena_printf(p->a, "%s.%s", prefix, key) : key,
            "%s%s%s is not a field of this request",
            prefix != NULL ? prefix : "", prefix != NULL ? "." : "", key);
    }
}

/*
 * A string member key of o at path field: NULL when absent or null;
 * problems for another type, more than max bytes (max_chars characters
 * when that is not 0) or an empty required one.
 */
static const char *
requests_text(json_t *o, const char *key, const char *field, bool required,
              size_t max, size_t max_chars, struct staff_problems *p)
{
    json_t *v = json_object_get(o, key);
    const char *s;

    if (v == NULL || json_is_null(v)) {
        if (required)
            staff_problem(p, "required", field, "%s is required", field);
        return NULL;
    }
    if (!json_is_string(v)) {
        staff_problem(p, "invalid_type", field, "%s must be a string", field);
        return NULL;
    }
    s = json_string_value(v);
    if (*s == '\0') {
        if (required)
            staff_problem(p, "required", field, "%s is required", field);
        return NULL;
    }
    if (max_chars != 0 && params_utf8_chars(s) > max_chars) {
        staff_problem(p, "invalid", field, "%s is over %zu characters", field,
                      max_chars);
        return NULL;
    }
    if (max_chars == 0 && strlen(s) > max) {
        staff_problem(p, "invalid", field, "%s is over %zu bytes", field, max);
        return NULL;
    }
    return s;
}

/* Reads the location object into r. */
static void
requests_location(json_t *body, struct sr *r, struct staff_problems *p)
{
    static const char *const names[] = {"lat", "long", "address", "address_id",
                                        "zipcode"};
    json_t *loc = json_object_get(body, "location"), *lat, *lon;

    if (loc == NULL || json_is_null(loc)) {
        staff_problem(p, "required", "location",
                      "location is required: lat and long, address or "
                      "address_id");
        return;
    }
    if (!json_is_object(loc)) {
        staff_problem(p, "invalid_type", "location",
                      "location must be an object");
        return;
    }
    requests_known_members(loc, "location", names, NELEMS(names), p);
    lat = json_object_get(loc, "lat");
    lon = json_object_get(loc, "long");
    if ((lat == NULL) != (lon == NULL))
        staff_problem(p, "invalid",
                      lat == NULL ? "location.lat" : "location.long",
                      "location.lat and location.long go together");
    if (lat != NULL &&
        (!json_is_number(lat) || json_number_value(lat) < -90.0 ||
         json_number_value(lat) > 90.0))
        staff_problem(p, "invalid", "location.lat",
                      "location.lat must be a number from -90 to 90");
    if (lon != NULL &&
        (!json_is_number(lon) || json_number_value(lon) < -180.0 ||
         json_number_value(lon) > 180.0))
        staff_problem(p, "invalid", "location.long",
                      "location.long must be a number from -180 to 180");
    if (lat != NULL && lon != NULL && json_is_number(lat) &&
        json_is_number(lon)) {
        r->has_location = true;
        r->lat = json_number_value(lat);
        r->lon = json_number_value(lon);
    }
    r->address = requests_text(loc, "address", "location.address", false,
                               SR_FIELD_MAX, 0, p);
    r->address_id = requests_text(loc, "address_id", "location.address_id",
                                  false, SR_FIELD_MAX, 0, p);
    r->zipcode =
        requests_text(loc, "zipcode", "location.zipcode", false, 32, 0, p);
    if (lat == NULL && lon == NULL && json_object_get(loc, "address") == NULL &&
        json_object_get(loc, "address_id") == NULL)
        staff_problem(p, "required", "location",
                      "location needs lat and long, address or address_id");
}

/* One answer value as text in a, or NULL when v is not a string/number. */
static const char *
requests_answer_text(json_t *v, struct arena *a)
{
    if (json_is_string(v))
        return json_string_value(v);
    if (json_is_integer(v))
        return arena_printf(a, "%lld", (long long)json_integer_value(v));
    if (json_is_real(v))
        return arena_printf(a, "%.15g", json_real_value(v));
    return NULL;
}

/* Appends one answer; false when the list is full. */
static bool
requests_add_answer(struct sr *r, const char *code, const char *value)
{
    if (r->nattrs == SR_ATTRS_MAX)
        return false;
    if (*value == '\0')
        return true; /* an empty answer is no answer, as in Open311 */
    r->attrs[r->nattrs].code = code;
    r->attrs[r->nattrs++].value = value;
    return true;
}

/* Reads the attributes object into r->attrs and checks them against svc. */
static void
requests_answers(json_t *body, const struct service *svc, struct sr *r,
                 struct staff_problems *p)
{
    json_t *attrs = json_object_get(body, "attributes"), *v, *item;
    struct attr_problem *ap = NULL;
    const char *code, *text;
    size_t i, np = 0;

    r->attrs = arena_alloc(p->a, (SR_ATTRS_MAX + 1) * sizeof(*r->attrs));
    if (r->attrs == NULL) {
        p->status = 500;
        return;
    }
    if (attrs != NULL && !json_is_null(attrs) && !json_is_object(attrs)) {
        staff_problem(p, "invalid_type", "attributes",
                      "attributes must be an object of CODE: answer");
        return;
    }
    json_object_foreach(attrs, code, v)
    {
        const char *field = arena_printf(p->a, "attributes.%s", code);

        if (json_is_array(v)) {
            json_array_foreach(v, i, item)
            {
                text = requests_answer_text(item, p->a);
                if (text == NULL) {
                    staff_problem(p, "invalid_type", field,
                                  "%s must hold strings", field);
                    break;
                }
                if (!requests_add_answer(r, code, text))
                    break;
            }
            continue;
        }
        text = requests_answer_text(v, p->a);
        if (text == NULL)
            staff_problem(p, "invalid_type", field,
                          "%s must be a string, a number or a list of "
                          "strings",
                          field);
        else
            requests_add_answer(r, code, text);
    }
    if (r->nattrs == SR_ATTRS_MAX) {
        staff_problem(p, "invalid", "attributes",
                      "more than %d attribute answers", SR_ATTRS_MAX);
        return;
    }
    if (svc == NULL)
        return;
    if (catalog_check_answers(svc, r->attrs, r->nattrs, p->a, &ap, &np) ==
        C311_ERR_NOMEM)
        p->status = 500;
    for (i = 0; i < np; i++)
        staff_problem(p, ap[i].missing ? "required" : "invalid",
                      arena_printf(p->a, "attributes.%s", ap[i].code), "%s",
                      ap[i].message);
}

/*
 * Reads phones (or emails) given as "phone": "..." and/or "phones": [...]
 * in a caller object into c, normalised.
 */
static void
requests_caller_points(json_t *o, bool phones, struct contact *c,
                       struct staff_problems *p)
{
    const char *one = phones ? "phone" : "email";
    const char *many = phones ? "phones" : "emails";
    char e164[CONTACT_PHONE_SIZE];
    const char **v = arena_alloc(p->a, (CONTACT_POINTS_MAX + 1) * sizeof(*v));
    const char *s, *norm, *field;
    json_t *list, *item;
    size_t n = 0, i;

    if (v == NULL) {
        p->status = 500;
        return;
    }
    list = json_array();
    if (json_object_get(o, one) != NULL)
        json_array_append(list, json_object_get(o, one));
    if (json_is_array(json_object_get(o, many)))
        json_array_extend(list, json_object_get(o, many));
    else if (json_object_get(o, many) != NULL)
        staff_problem(p, "invalid_type", arena_printf(p->a, "caller.%s", many),
                      "caller.%s must be a list of strings", many);
    json_array_foreach(list, i, item)
    {
        field = json_object_get(o, one) != NULL && i == 0
                    ? arena_printf(p->a, "caller.%s", one)
                    : arena_printf(p->a, "caller.%s[%zu]", many,
                                   i - (json_object_get(o, one) != NULL));
        s = json_string_value(item);
        if (s == NULL) {
            staff_problem(p, "invalid_type", field, "%s must be a string",
                          field);
            continue;
        }
        norm = NULL;
        if (phones && contact_phone_e164(s, e164))
            norm = arena_strdup(p->a, e164);
        else if (!phones)
            norm = contact_email_norm(s, p->a);
        if (norm == NULL) {
            staff_problem(p, "invalid", field, "%s %s", field,
                          phones ? CONTACT_PHONE_REFUSED
                                 : CONTACT_EMAIL_REFUSED);
            continue;
        }
        if (n < CONTACT_POINTS_MAX)
            v[n++] = norm;
    }
    json_decref(list);
    if (phones) {
        c->phones = v;
        c->nphones = n;
    } else {
        c->emails = v;
        c->nemails = n;
    }
}

/*
 * Reads a caller's details (an object) into c: a new caller's, or what an
 * agent typed for a known one ("id" present, allowed when known is true).
 */
static void
requests_new_caller(json_t *o, bool known, struct contact *c,
                    struct staff_problems *p)
{
    static const char *const names[] = {
        "first_name", "last_name", "phone",    "phones", "email",
        "emails",     "address",   "language", "id",
    };

    requests_known_members(o, "caller", names, NELEMS(names) - !known, p);
    c->first_name = requests_text(o, "first_name", "caller.first_name", false,
                                  SR_FIELD_MAX, 0, p);
    c->last_name = requests_text(o, "last_name", "caller.last_name", false,
                                 SR_FIELD_MAX, 0, p);
    c->address = requests_text(o, "address", "caller.address", false,
                               SR_FIELD_MAX, 0, p);
    c->language =
        requests_text(o, "language", "caller.language", false, 35, 0, p);
    if (c->language != NULL && !args_lang_ok(c->language))
        staff_problem(p, "invalid", "caller.language",
                      "caller.language is not a language tag such as en, "
                      "zh or es");
    requests_caller_points(o, true, c, p);
    requests_caller_points(o, false, c, p);
    if (c->first_name == NULL && c->last_name == NULL && c->nphones == 0 &&
        c->nemails == 0 && json_object_size(o) == 0)
        staff_problem(p, "invalid", "caller",
                      "caller needs a name, a phone or an email");
}

/*
 * Reads "caller": an existing caller's id, a new caller's details, or an
 * existing caller's id with details to save on it ({"id": N, ...}).
 * *c->id is set for an existing one; false when there is no caller.
 */
static bool
requests_caller(struct http_req *req, json_t *body, struct contact *c,
                struct staff_problems *p)
{
    json_t *v = json_object_get(body, "caller");
    struct contact found;
    char *cause = NULL;
    enum c311_rc rc;

    memset(c, 0, sizeof(*c));
    if (v == NULL || json_is_null(v))
        return false;
    if (json_is_object(v) && json_object_get(v, "id") == NULL) {
        requests_new_caller(v, false, c, p);
        return true;
    }
    if (json_is_object(v)) {
        requests_new_caller(v, true, c, p);
        v = json_object_get(v, "id");
    }
    if (!json_is_integer(v) || json_integer_value(v) < 1) {
        staff_problem(p, "invalid_type", "caller",
                      "caller must be a caller id or an object of details");
        return false;
    }
    rc = contacts_get(app_of(req)->st, json_integer_value(v), &req->arena,
                      &found, &cause);
    free(cause);
    if (rc == C311_ERR_NOT_FOUND)
        staff_problem(p, "invalid", "caller", "caller %lld does not exist",
                      (long long)json_integer_value(v));
    else if (rc != C311_OK)
        p->status = rc == C311_ERR_UNAVAILABLE ? 503 : 500;
    c->id = json_integer_value(v);
    return rc == C311_OK;
}

/* Reads channel, language and interpreter_used into r. */
static void
requests_how(struct http_req *req, json_t *body, struct sr *r,
             struct staff_problems *p)
{
    json_t *interp = json_object_get(body, "interpreter_used");

    r->channel = requests_text(body, "channel", "channel", false, 32, 0, p);
    if (r->channel == NULL && json_object_get(body, "channel") == NULL)
        r->channel = "phone";
    else if (r->channel != NULL &&
             !requests_one_of(r->channel, requests_channels,
                              NELEMS(requests_channels)))
        staff_problem(p, "invalid", "channel",
                      "channel must be phone, walk_in, tty, sms, email, web "
                      "or app");
    r->language = requests_text(body, "language", "language", false, 35, 0, p);
    if (r->language != NULL && !args_lang_ok(r->language))
        staff_problem(p, "invalid", "language",
                      "language is not a language tag such as en, zh or es");
    r->language_stated = r->language != NULL;
    if (r->language == NULL)
        r->language = app_of(req)->city->default_lang;
    if (interp != NULL && !json_is_boolean(interp))
        staff_problem(p, "invalid_type", "interpreter_used",
                      "interpreter_used must be true or false");
    r->interpreter_used = json_is_true(interp);
}

/* ---- the full view ---- */

/*
 * The answers as {"CODE": "value"}, with a list for every multivaluelist
 * question (and any code answered more than once).
 */
static json_t *
requests_answers_json(const struct service *svc, const struct sr *r)
{
    json_t *o = json_object(), *have;
    size_t i, j;
    bool multi;

    for (i = 0; o != NULL && i < r->nattrs; i++) {
        multi = false;
        for (j = 0; svc != NULL && j < svc->nattrs; j++) {
            if (strcmp(svc->attrs[j].code, r->attrs[i].code) == 0)
                multi = svc->attrs[j].datatype == ATTR_MULTIVALUELIST;
        }
        have = json_object_get(o, r->attrs[i].code);
        if (have != NULL && !json_is_array(have)) {
            have = json_pack("[O]", have);
            json_object_set_new(o, r->attrs[i].code, have);
        } else if (have == NULL && multi) {
            have = json_array();
            json_object_set_new(o, r->attrs[i].code, have);
        }
        if (have != NULL)
            json_array_append_new(have, json_string(r->attrs[i].value));
        else
            json_object_set_new(o, r->attrs[i].code,
                                json_string(r->attrs[i].value));
    }
    return o;
}

/* Parses stored JSON text, or null. */
static json_t *
requests_parsed(const char *text)
{
    json_t *v = text != NULL ? json_loads(text, JSON_DECODE_ANY, NULL) : NULL;

    return v != NULL ? v : json_null();
}

/* One entry of a request's history. */
static json_t *
requests_event_json(const struct audit_entry *e)
{
    return json_pack("{s:o, s:o, s:s?, s:b, s:o, s:o, s:o}", "at",
                     staff_jtime(e->at), "actor", staff_jstr(e->actor), "kind",
                     e->kind, "public", e->public, "note", staff_jstr(e->note),
                     "before", requests_parsed(e->before_json), "after",
                     requests_parsed(e->after_json));
}

/* The history, and the notes drawn from it. */
static bool
requests_history_json(const struct audit_entry *v, size_t n, json_t **history,
                      json_t **notes)
{
    bool ok = true;
    size_t i;

    *history = json_array();
    *notes = json_array();
    if (*history == NULL || *notes == NULL)
        ok = false;
    for (i = 0; ok && i < n; i++) {
        if (json_array_append_new(*history, requests_event_json(&v[i])) < 0)
            ok = false;
        if (strcmp(v[i].kind, "note") != 0)
            continue;
        if (json_array_append_new(
                *notes,
                json_pack("{s:o, s:o, s:o, s:b}", "at", staff_jtime(v[i].at),
                          "author", staff_jstr(v[i].actor), "text",
                          staff_jstr(v[i].note), "public", v[i].public)) < 0)
            ok = false;
    }
    return ok;
}

/* The escalation, or null when the request was never escalated. */
static json_t *
requests_escalation_json(const struct casework_info *ci)
{
    if (ci->escalated_at == 0)
        return json_null();
    return json_pack("{s:o, s:o, s:b, s:o, s:o}", "escalated_at",
                     staff_jtime(ci->escalated_at), "reason",
                     staff_jstr(ci->escalation_reason), "waiting",
                     ci->taken_at == 0, "expert", staff_jstr(ci->expert_login),
                     "taken_at", staff_jtime(ci->taken_at));
}

/* Everything the full view shows, loaded. */
struct requests_view {
    struct sr *r;
    const struct city *city;
    const char *lang; /* of the names from the configuration */
    const struct service *svc;
    const struct department *dept;
    struct casework_info ci;
    struct contact caller;
    bool has_caller;
    struct audit_entry *history;
    size_t nhistory;
};

/* The plain fields of the view. */
static void
requests_plain_json(json_t *o, const struct requests_view *v, bool *ok)
{
    const struct sr *r = v->r;

    staff_put(o, "service_request_id", staff_jstr(r->public_id), ok);
    staff_put(o, "status", json_string(sr_status_name(r->status)), ok);
    staff_put(o, "status_notes",
              staff_jstr(catalog_status_note(v->city, r->service_code,
                                             r->status_notes, v->lang)),
              ok);
    staff_put(o, "service_code", staff_jstr(r->service_code), ok);
    staff_put(o, "service_name", staff_jstr(r->service_name), ok);
    staff_put(o, "department",
              staff_jstr(v->dept != NULL ? v->dept->code : NULL), ok);
    staff_put(o, "agency_responsible",
              staff_jstr(catalog_agency(v->city, r->service_code,
                                        r->agency_responsible, v->lang)),
              ok);
    staff_put(o, "description", staff_jstr(r->description), ok);
    staff_put(o, "requested_datetime", staff_jtime(r->requested_at), ok);
    staff_put(o, "updated_datetime", staff_jtime(r->updated_at), ok);
    staff_put(o, "expected_datetime", staff_jtime(r->expected_at), ok);
    staff_put(o, "closed_datetime", staff_jtime(r->closed_at), ok);
    staff_put(
        o, "location",
        json_pack("{s:o, s:o, s:o, s:o, s:o}", "lat",
                  r->has_location ? json_real(r->lat) : json_null(), "long",
                  r->has_location ? json_real(r->lon) : json_null(), "address",
                  staff_jstr(r->address), "address_id",
                  staff_jstr(r->address_id), "zipcode", staff_jstr(r->zipcode)),
        ok);
    staff_put(o, "media_url", staff_jstr(r->media_url), ok);
    staff_put(o, "channel", staff_jstr(r->channel), ok);
    staff_put(o, "language", staff_jstr(r->language), ok);
    staff_put(o, "interpreter_used", json_boolean(v->ci.interpreter_used), ok);
    staff_put(o, "api_key_name", staff_jstr(r->api_key_name), ok);
    staff_put(o, "token", staff_jstr(r->token), ok);
}

/* The full view of one request as JSON. */
static json_t *
requests_view_json(const struct requests_view *v)
{
    json_t *o = json_object(), *history = NULL, *notes = NULL;
    bool ok = o != NULL;

    if (!ok)
        return NULL;
    requests_plain_json(o, v, &ok);
    staff_put(o, "attributes", requests_answers_json(v->svc, v->r), &ok);
    staff_put(o, "caller",
              v->has_caller ? callers_json(&v->caller) : json_null(), &ok);
    staff_put(o, "escalation", requests_escalation_json(&v->ci), &ok);
    if (!requests_history_json(v->history, v->nhistory, &history, &notes))
        ok = false;
    staff_put(o, "notes", notes, &ok);
    staff_put(o, "history", history, &ok);
    if (!ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* Replies to a store error while loading; 404 for an unknown request. */
static void
requests_load_failed(struct http_req *req, enum c311_rc rc, char *cause)
{
    if (rc == C311_ERR_NOT_FOUND) {
        free(cause);
        staff_error(req, 404, "not_found", NULL, "no such request");
        return;
    }
    staff_store_failed(req, rc, cause, "reading a request");
}

/*
 * Loads the request the path names and checks me may see it (403 outside
 * its departments); false once it has answered.
 */
static bool
requests_find_id(struct http_req *req, const struct staff *me, const char *id,
                 struct requests_view *v)
{
    const struct city *city = app_of(req)->city;
    char *cause = NULL;
    enum c311_rc rc;

    memset(v, 0, sizeof(*v));
    rc = store_request_get(app_of(req)->st, id, &req->arena, &v->r, &cause);
    if (rc != C311_OK) {
        requests_load_failed(req, rc, cause);
        return false;
    }
    v->city = city;
    v->lang = staff_lang(req);
    v->svc = catalog_service(city, v->r->service_code);
    v->dept =
        v->svc != NULL ? catalog_department(city, v->svc->department) : NULL;
    if (!staff_sees_all(me) &&
        !staff_in_department(me, v->dept != NULL ? v->dept->code : NULL)) {
        staff_error(req, 403, "forbidden", NULL,
                    "request %s is outside your departments", id);
        return false;
    }
    return true;
}

/* requests_find_id() for the request the path names. */
static bool
requests_find(struct http_req *req, const struct staff *me,
              struct requests_view *v)
{
    return requests_find_id(req, me, http_path_param(req, "id"), v);
}

/* Loads what the full view shows besides the request itself. */
static bool
requests_load_rest(struct http_req *req, struct requests_view *v)
{
    struct store *st = app_of(req)->st;
    char *cause = NULL;
    enum c311_rc rc;

    rc = casework_info(st, v->r->public_id, &req->arena, &v->ci, &cause);
    if (rc == C311_OK && v->ci.contact_id != 0) {
        rc =
            contacts_get(st, v->ci.contact_id, &req->arena, &v->caller, &cause);
        v->has_caller = rc == C311_OK;
    }
    if (rc == C311_OK)
        rc = audit_history(st, v->r->public_id, &req->arena, &v->history,
                           &v->nhistory, &cause);
    if (rc != C311_OK) {
        requests_load_failed(req, rc, cause);
        return false;
    }
    return true;
}

/*
 * The service level state of a request: that of its worst unfinished work
 * order (breached, then at_risk, then on_track), or null when no work is
 * left open.
 */
static json_t *
requests_sla_state(json_t *work)
{
    static const char *const order[] = {"on_track", "at_risk", "breached"};
    const char *st, *status;
    int worst = -1, k;
    size_t i;
    json_t *wo;

    json_array_foreach(work, i, wo)
    {
        status = json_string_value(json_object_get(wo, "status"));
        st = json_string_value(json_object_get(wo, "sla_state"));
        if (status == NULL || strcmp(status, "done") == 0 || st == NULL)
            continue;
        for (k = 0; k < 3; k++) {
            if (strcmp(st, order[k]) == 0 && k > worst)
                worst = k;
        }
    }
    return worst < 0 ? json_null() : json_string(order[worst]);
}

/* Answers status with the full view of the request id. */
static void
requests_reply_view(struct http_req *req, const struct staff *me,
                    const char *id, int status)
{
    struct requests_view v;
    json_t *o, *work = NULL;
    char *cause = NULL;
    enum c311_rc rc;

    if (!requests_find_id(req, me, id, &v) || !requests_load_rest(req, &v))
        return;
    rc = workorders_of_request_json(req, v.r->public_id, &work, &cause);
    if (rc != C311_OK) {
        requests_load_failed(req, rc, cause);
        return;
    }
    free(cause);
    o = requests_view_json(&v);
    if (o != NULL &&
        json_object_set_new(o, "sla_state", requests_sla_state(work)) < 0) {
        json_decref(o);
        o = NULL;
    }
    if (o != NULL && json_object_set_new(o, "work_orders", work) < 0) {
        json_decref(o);
        o = NULL;
    } else if (o == NULL) {
        json_decref(work);
    }
    http_reply_value(req, status, o, "request", "item");
}

/* ---- handlers ---- */

/* Checks the whole intake body; r is filled as far as it is valid. */
static const struct service *
requests_check_intake(struct http_req *req, json_t *body, struct sr *r,
                      struct contact *caller, bool *has_caller,
                      struct staff_problems *p)
{
    static const char *const names[] = {
        "service_code", "attributes",       "location",
        "description",  "caller",           "channel",
        "language",     "interpreter_used", "media_url",
    };
    const struct service *svc = NULL;
    const char *code;

    requests_known_members(body, NULL, names, NELEMS(names), p);
    code = requests_text(body, "service_code", "service_code", true, 64, 0, p);
    if (code != NULL &&
        (svc = catalog_service(app_of(req)->city, code)) == NULL)
        staff_problem(p, "invalid", "service_code",
                      "service_code '%s' is not a known service", code);
    requests_location(body, r, p);
    r->description = requests_text(body, "description", "description", false, 0,
                                   SR_DESCRIPTION_MAX, p);
    r->media_url = requests_text(body, "media_url", "media_url", false,
                                 SR_FIELD_MAX, 0, p);
    if (r->media_url != NULL && !args_url_ok(r->media_url))
        staff_problem(p, "invalid", "media_url",
                      "media_url is not an http or https URL");
    requests_answers(body, svc, r, p);
    *has_caller = requests_caller(req, body, caller, p);
    requests_how(req, body, r, p);
    return svc;
}

/* POST /api/v1/requests: an agent files a request for a caller. */
static void
requests_create(struct http_req *req)
{
    struct staff_problems p = {.a = &req->arena};
    const struct service *svc;
    const struct staff *me;
    struct contact_clash clash = {0};
    struct contact caller;
    bool has_caller = false;
    struct sr r = {0};
    char *cause = NULL;
    enum c311_rc rc;
    json_t *body;

    if (!staff_require(req, REQUESTS_FILE_ROLES, &me) ||
        !staff_body_json(req, &body))
        return;
    svc = requests_check_intake(req, body, &r, &caller, &has_caller, &p);
    if (staff_reply_problems(req, &p))
        return;
    if (has_caller) {
        if (caller.id == 0 && caller.language == NULL)
            caller.language = r.language;
        r.caller = &caller;
        r.first_name = caller.first_name;
        r.last_name = caller.last_name;
        r.phone = caller.nphones > 0 ? caller.phones[0] : NULL;
        r.email = caller.nemails > 0 ? caller.emails[0] : NULL;
    }
    r.actor = staff_actor(me, &req->arena);
    r.caller_clash = &clash;
    rc =
        filing_submit(app_of(req), svc, &r, isotime_now(), &req->arena, &cause);
    if (rc == C311_ERR_CONFLICT && clash.other != 0) {
        free(cause);
        staff_error(req, 409, "conflict",
                    arena_printf(&req->arena, "caller.%s", clash.kind),
                    "caller.%s %s belongs to caller %lld", clash.kind,
                    clash.value, (long long)clash.other);
        return;
    }
    if (rc != C311_OK) {
        staff_store_failed(req, rc, cause, "filing a request");
        return;
    }
    requests_reply_view(req, me, r.public_id, 201);
}

/* GET /api/v1/requests/{id}: the full view. */
static void
requests_get(struct http_req *req)
{
    const struct staff *me;

    if (!staff_require(req, REQUESTS_READ_ROLES, &me))
        return;
    requests_reply_view(req, me, http_path_param(req, "id"), 200);
}

/* GET /api/v1/requests/{id}/history: what happened to it, oldest first. */
static void
requests_history(struct http_req *req)
{
    struct requests_view v;
    const struct staff *me;
    json_t *history, *notes;

    if (!staff_require(req, REQUESTS_READ_ROLES, &me) ||
        !requests_find(req, me, &v) || !requests_load_rest(req, &v))
        return;
    if (!requests_history_json(v.history, v.nhistory, &history, &notes)) {
        json_decref(history);
        json_decref(notes);
        staff_error(req, 500, "internal", NULL, "out of memory");
        return;
    }
    json_decref(notes);
    http_reply_value(req, 200,
                     json_pack("{s:s, s:o}", "service_request_id",
                               v.r->public_id, "history", history),
                     "history", "item");
}

/* A list row as JSON. */
static json_t *
requests_row_json(const struct city *city, const struct casework_row *r)
{
    const struct service *svc = catalog_service(city, r->service_code);
    json_t *o = json_object();
    bool ok = o != NULL;

    if (!ok)
        return NULL;
    staff_put(o, "service_request_id", staff_jstr(r->public_id), &ok);
    staff_put(o, "status", json_string(sr_status_name(r->status)), &ok);
    staff_put(o, "service_code", staff_jstr(r->service_code), &ok);
    staff_put(o, "service_name", staff_jstr(r->service_name), &ok);
    staff_put(o, "department", staff_jstr(svc != NULL ? svc->department : NULL),
              &ok);
    staff_put(o, "description", staff_jstr(r->description), &ok);
    staff_put(o, "address", staff_jstr(r->address), &ok);
    staff_put(o, "channel", staff_jstr(r->channel), &ok);
    staff_put(o, "caller_id",
              r->contact_id != 0 ? json_integer(r->contact_id) : json_null(),
              &ok);
    staff_put(o, "requested_datetime", staff_jtime(r->requested_at), &ok);
    staff_put(o, "updated_datetime", staff_jtime(r->updated_at), &ok);
    staff_put(o, "escalated_datetime", staff_jtime(r->escalated_at), &ok);
    staff_put(o, "escalation_reason", staff_jstr(r->escalation_reason), &ok);
    if (!ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* Reads a comma list parameter; false (problem added) when out of memory. */
static bool
requests_list_param(struct http_req *req, const char *name, const char ***items,
                    size_t *n, struct staff_problems *p)
{
    const char *s = http_param(req, name);

    *items = NULL;
    *n = 0;
    if (s == NULL)
        return false;
    if (args_split_list(s, &req->arena, items, n) != C311_OK) {
        p->status = 500;
        return false;
    }
    return true;
}

/* Reads status and channel filters. */
static void
requests_status_filter(struct http_req *req, struct casework_filter *f,
                       struct staff_problems *p)
{
    const char **items;
    size_t n, i;

    if (requests_list_param(req, "status", &items, &n, p)) {
        for (i = 0; i < n; i++) {
            if (strcmp(items[i], "open") == 0)
                f->want_open = true;
            else if (strcmp(items[i], "closed") == 0)
                f->want_closed = true;
            else
                staff_problem(p, "invalid", "status",
                              "status must be open, closed or both");
        }
    }
    if (requests_list_param(req, "channel", &f->channels, &f->nchannels, p)) {
        for (i = 0; i < f->nchannels; i++) {
            if (!requests_one_of(f->channels[i], requests_channels,
                                 NELEMS(requests_channels)) &&
                strcmp(f->channels[i], "open311") != 0)
                staff_problem(p, "invalid", "channel",
                              "channel '%s' is not a channel", f->channels[i]);
        }
    }
}

/* Adds to f->codes the services of the departments named in department. */
static void
requests_department_filter(struct http_req *req, struct casework_filter *f,
                           struct staff_problems *p)
{
    const struct city *city = app_of(req)->city;
    const char **depts, **codes;
    size_t n, i, j;

    if (!requests_list_param(req, "department", &depts, &n, p))
        return;
    codes = arena_alloc(&req->arena,
                        (f->ncodes + city->nservices + 1) * sizeof(*codes));
    if (codes == NULL) {
        p->status = 500;
        return;
    }
    for (i = 0; i < n; i++) {
        if (catalog_department(city, depts[i]) == NULL)
            staff_problem(p, "invalid", "department",
                          "department '%s' is not a department", depts[i]);
    }
    /* A service filter and a department filter together: both must hold. */
    j = 0;
    for (i = 0; i < city->nservices; i++) {
        const struct service *svc = &city->services[i];
        bool in_dept = false, in_codes = !f->restrict_codes;
        size_t k;

        for (k = 0; k < n; k++)
            in_dept |= strcmp(svc->department, depts[k]) == 0;
        for (k = 0; k < f->ncodes; k++)
            in_codes |= strcmp(svc->code, f->codes[k]) == 0;
        if (in_dept && in_codes)
            codes[j++] = svc->code;
    }
    f->codes = codes;
    f->ncodes = j;
    f->restrict_codes = true;
}

/* Reads a datetime parameter into *t (0 when absent). */
static void
requests_time_param(struct http_req *req, const char *name, int64_t *t,
                    struct staff_problems *p)
{
    const char *s = http_param(req, name);

    *t = 0;
    if (s != NULL)
        reports_time_arg(name, s, t, p);
}

/* Reads page and page_size. */
static void
requests_page(struct http_req *req, struct casework_filter *f,
              unsigned long *page, struct staff_problems *p)
{
    const char *pg = http_param(req, "page"),
               *size = http_param(req, "page_size");
    unsigned long ps = REQUESTS_PAGE_DEFAULT;

    *page = 1;
    if (pg != NULL && !args_uint(pg, 1, 1000000, page))
        staff_problem(p, "invalid", "page",
                      "page must be a whole number from 1");
    if (size != NULL && !args_uint(size, 1, REQUESTS_PAGE_MAX, &ps))
        staff_problem(p, "invalid", "page_size",
                      "page_size must be a whole number from 1 to %d",
                      REQUESTS_PAGE_MAX);
    f->offset = (size_t)(*page - 1) * ps;
    f->limit = ps;
}

/* Restricts f to what me may see. */
static bool
requests_scope(struct http_req *req, const struct staff *me,
               struct casework_filter *f)
{
    if (staff_sees_all(me))
        return true;
    f->scoped = true;
    f->scope =
        staff_scope_codes(me, app_of(req)->city, &req->arena, &f->nscope);
    return f->scope != NULL;
}

/* Runs the query and answers the page. */
static void
requests_reply_list(struct http_req *req, const struct casework_filter *f,
                    unsigned long page)
{
    const struct city *city = app_of(req)->city;
    struct casework_row *rows;
    json_t *list = json_array();
    char *cause = NULL;
    enum c311_rc rc;
    int64_t total;
    size_t n, i;

    rc = casework_query(app_of(req)->st, f, &req->arena, &rows, &n, &total,
                        &cause);
    if (rc != C311_OK) {
        json_decref(list);
        staff_store_failed(req, rc, cause, "listing requests");
        return;
    }
    for (i = 0; list != NULL && i < n; i++) {
        if (json_array_append_new(list, requests_row_json(city, &rows[i])) <
            0) {
            json_decref(list);
            list = NULL;
        }
    }
    http_reply_value(req, 200,
                     list == NULL
                         ? NULL
                         : json_pack("{s:o, s:I, s:I, s:I}", "requests", list,
                                     "page", (json_int_t)page, "page_size",
                                     (json_int_t)f->limit, "total",
                                     (json_int_t)total),
                     "requests", "item");
}

/* GET /api/v1/requests: filtered, paged, newest first. */
static void
requests_list(struct http_req *req)
{
    struct staff_problems p = {.a = &req->arena};
    struct casework_filter f = {0};
    const struct staff *me;
    unsigned long page;

    if (!staff_require(req, REQUESTS_READ_ROLES, &me))
        return;
    f.restrict_codes =
        requests_list_param(req, "service", &f.codes, &f.ncodes, &p);
    requests_department_filter(req, &f, &p);
    requests_status_filter(req, &f, &p);
    requests_time_param(req, "from", &f.from, &p);
    requests_time_param(req, "to", &f.to, &p);
    if (f.from != 0 && f.to != 0 && f.from > f.to)
        staff_problem(&p, "invalid", "from", "from is after to");
    f.text = http_param(req, "q");
    requests_page(req, &f, &page, &p);
    if (!requests_scope(req, me, &f))
        p.status = 500;
    if (staff_reply_problems(req, &p))
        return;
    if (p.status == 500) {
        staff_error(req, 500, "internal", NULL, "out of memory");
        return;
    }
    requests_reply_list(req, &f, page);
}

/* GET /api/v1/queues/expert: escalated requests waiting, oldest first. */
static void
requests_queue(struct http_req *req)
{
    struct staff_problems p = {.a = &req->arena};
    struct casework_filter f = {0};
    const struct staff *me;
    unsigned long page;

    if (!staff_require(req, REQUESTS_QUEUE_ROLES, &me))
        return;
    f.escalated = true;
    requests_page(req, &f, &page, &p);
    if (staff_reply_problems(req, &p))
        return;
    if (!requests_scope(req, me, &f)) {
        staff_error(req, 500, "internal", NULL, "out of memory");
        return;
    }
    requests_reply_list(req, &f, page);
}

/* Answers a conflict or another failure of a change. */
static void
requests_change_failed(struct http_req *req, enum c311_rc rc, char *cause)
{
    if (rc == C311_ERR_CONFLICT) {
        staff_error(req, 409, "conflict", NULL, "%s",
                    cause != NULL ? cause : "conflict");
        free(cause);
        return;
    }
    requests_load_failed(req, rc, cause);
}

/* POST /api/v1/requests/{id}/notes {"text","public"}: adds a note. */
static void
requests_note(struct http_req *req)
{
    struct staff_problems p = {.a = &req->arena};
    struct requests_view v;
    const struct staff *me;
    const char *text, *actor;
    int64_t now = isotime_now();
    char *cause = NULL;
    json_t *body, *pub;
    enum c311_rc rc;

    if (!staff_require(req, REQUESTS_NOTE_ROLES, &me) ||
        !requests_find(req, me, &v) || !staff_body_json(req, &body))
        return;
    {
        static const char *const names[] = {"text", "public"};

        requests_known_members(body, NULL, names, NELEMS(names), &p);
    }
    text = requests_text(body, "text", "text", true, 0, REQUESTS_NOTE_MAX, &p);
    pub = json_object_get(body, "public");
    if (pub != NULL && !json_is_boolean(pub))
        staff_problem(&p, "invalid_type", "public",
                      "public must be true or false");
    if (staff_reply_problems(req, &p))
        return;
    actor = staff_actor(me, &req->arena);
    rc = casework_note(app_of(req)->st, v.r->public_id, actor, text,
                       json_is_true(pub), now, &cause);
    if (rc != C311_OK) {
        requests_change_failed(req, rc, cause);
        return;
    }
    http_reply_value(req, 201,
                     json_pack("{s:o, s:s, s:s, s:b}", "at", staff_jtime(now),
                               "author", actor, "text", text, "public",
                               json_is_true(pub)),
                     "note", "item");
}

/* POST /api/v1/requests/{id}/escalate {"reason"}: to the expert queue. */
static void
requests_escalate(struct http_req *req)
{
    struct staff_problems p = {.a = &req->arena};
    struct requests_view v;
    const struct staff *me;
    const char *reason;
    char *cause = NULL;
    enum c311_rc rc;
    json_t *body;

    if (!staff_require(req, REQUESTS_ESCALATE_ROLES, &me) ||
        !requests_find(req, me, &v) || !staff_body_json(req, &body))
        return;
    {
        static const char *const names[] = {"reason"};

        requests_known_members(body, NULL, names, NELEMS(names), &p);
    }
    reason =
        requests_text(body, "reason", "reason", true, 0, REQUESTS_NOTE_MAX, &p);
    if (staff_reply_problems(req, &p))
        return;
    rc = casework_escalate(app_of(req)->st, v.r->public_id,
                           staff_actor(me, &req->arena), reason, isotime_now(),
                           &cause);
    if (rc != C311_OK) {
        requests_change_failed(req, rc, cause);
        return;
    }
    requests_reply_view(req, me, v.r->public_id, 200);
}

/* POST /api/v1/requests/{id}/take: an expert takes an escalated case. */
static void
requests_take(struct http_req *req)
{
    struct requests_view v;
    const struct staff *me;
    char *cause = NULL;
    enum c311_rc rc;

    if (!staff_require(req, REQUESTS_TAKE_ROLES, &me) ||
        !requests_find(req, me, &v))
        return;
    rc = casework_take(app_of(req)->st, v.r->public_id, me->id,
                       staff_actor(me, &req->arena), isotime_now(), &cause);
    if (rc != C311_OK) {
        requests_change_failed(req, rc, cause);
        return;
    }
    requests_reply_view(req, me, v.r->public_id, 200);
}

const struct route requests_routes[] = {
    {"POST", "/api/v1/requests", requests_create, 0},
    {"GET", "/api/v1/requests", requests_list, 0},
    {"GET", "/api/v1/requests/{id}", requests_get, 0},
    {"GET", "/api/v1/requests/{id}/history", requests_history, 0},
    {"POST", "/api/v1/requests/{id}/notes", requests_note, 0},
    {"POST", "/api/v1/requests/{id}/escalate", requests_escalate, 0},
    {"POST", "/api/v1/requests/{id}/take", requests_take, 0},
    {"GET", "/api/v1/queues/expert", requests_queue, 0},
};

const size_t requests_nroutes =
    sizeof(requests_routes) / sizeof(requests_routes[0]);
