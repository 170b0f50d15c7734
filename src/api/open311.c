/* SPDX-License-Identifier: MIT */
/*
 * Open311 GeoReport v2 handlers. Each one checks its arguments, asks the
 * catalogue or the store, builds a Jansson value and lets the HTTP layer
 * write it as JSON or XML. Public output never carries the resident's
 * contact details, device or account.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "api/args.h"
#include "api/filing.h"
#include "api/open311.h"
#include "api/ratelimit.h"
#include "core/contact.h"
#include "http/http.h"
#include "store/apikeys.h"
#include "util/buf.h"
#include "util/isotime.h"
#include "util/log.h"
#include "util/secret.h"

#define OPEN311_MAX_PROBLEMS 64

/* Problems found in one request's arguments, for one error list. */
struct problems {
    struct arena *a;
    const char *msg[OPEN311_MAX_PROBLEMS];
    size_t n;
    /* Fields given with a value that is not UTF-8, already reported. */
    const char *unreadable[OPEN311_MAX_PROBLEMS];
    size_t nunreadable;
    /* Indexes of single_fields given more than once, counted as sent. */
    bool repeated[16];
};

/* True when field was given, but with a value that is not UTF-8. */
static bool
unreadable(const struct problems *p, const char *field)
{
    size_t i;

    for (i = 0; field != NULL && i < p->nunreadable; i++) {
        if (strcmp(p->unreadable[i], field) == 0)
            return true;
    }
    return false;
}

/* Adds a formatted problem; past the cap further ones are dropped. */
static void problem(struct problems *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
problem(struct problems *p, const char *fmt, ...)
{
    va_list ap;
    const char *m;

    if (p->n == OPEN311_MAX_PROBLEMS)
        return;
    va_start(ap, fmt);
    m = arena_vprintf(p->a, fmt, ap);
    va_end(ap);
    p->msg[p->n++] = m ? m : "out of memory";
}

static const struct app *
ctx_of(const struct http_req *req)
{
    return req->app;
}

/* ---- JSON values ---- */

/* A string, or null for NULL and "" (the API never writes ""). */
static json_t *
jstr(const char *s)
{
    json_t *v;

    if (s == NULL || s[0] == '\0')
        return json_null();
    v = json_string(s);
    return v != NULL ? v : json_null();
}

/* A datetime in the jurisdiction's zone, or null for 0 (unknown). */
static json_t *
jtime(int64_t t)
{
    char buf[ISOTIME_LEN];

    if (t == 0)
        return json_null();
    isotime_format_local(t, buf);
    return json_string(buf);
}

/* Sets o[key] = v, taking v; records failure in *ok. */
static void
put(json_t *o, const char *key, json_t *v, bool *ok)
{
    if (v == NULL || json_object_set_new(o, key, v) < 0)
        *ok = false;
}

/* Appends v to array arr, taking v; records failure in *ok. */
static void
push(json_t *arr, json_t *v, bool *ok)
{
    if (v == NULL || json_array_append_new(arr, v) < 0)
        *ok = false;
}

/* ---- shared argument checks ---- */

/* Checks jurisdiction_id against the one hosted; adds a problem if not. */
static void
check_jurisdiction(struct http_req *req, struct problems *p)
{
    const char *j = http_param(req, "jurisdiction_id");

    if (j != NULL && strcmp(j, ctx_of(req)->city->jurisdiction_id) != 0)
        problem(p, "jurisdiction_id is not a jurisdiction served here");
}

/*
 * The language asked for with `lang`, else the Accept-Language header,
 * else the city's default.
 */
static const char *
lang_of(struct http_req *req, struct problems *p)
{
    const char *lang = http_param(req, "lang");

    if (lang == NULL)
        lang = args_accept_language(http_header(req, "Accept-Language"),
                                    &req->arena);
    if (lang == NULL)
        return ctx_of(req)->city->default_lang;
    if (!args_lang_ok(lang)) {
        problem(p, "lang is not a language tag such as en, zh or es");
        return ctx_of(req)->city->default_lang;
    }
    return lang;
}

/* Answers the problems with status and returns true when there are any. */
static bool
reply_problems(struct http_req *req, struct problems *p, int status)
{
    if (p->n == 0)
        return false;
    http_reply_errors(req, status, p->msg, p->n);
    return true;
}

static bool get_rate(struct http_req *req);

/*
 * Checks the arguments every GET takes and the rate of its api_key, if it
 * names one; false once it has answered.
 */
static bool
get_preamble(struct http_req *req, const char **lang)
{
    struct problems p = {.a = &req->arena};

    check_jurisdiction(req, &p);
    *lang = lang_of(req, &p);
    return !reply_problems(req, &p, 400) && get_rate(req);
}

/* Answers a store failure: 503 when worth retrying, 500 otherwise. */
static void
store_failed(struct http_req *req, enum c311_rc rc, char *cause,
             const char *what)
{
    char esc[512];
    int status = rc == C311_ERR_UNAVAILABLE ? 503 : 500;

    log_error("open311", "%s failed: %s: %s", what, c311_rc_str(rc),
              log_escape(cause ? cause : "no detail", esc, sizeof(esc)));
    free(cause);
    if (status == 503)
        http_reply_error(req, 503, "the service is busy; try again shortly");
    else
        http_reply_error(req, 500, "the request could not be completed");
}

/* ---- discovery ---- */

/* True when a Host header is safe to echo in a URL. */
static bool
host_ok(const char *h)
{
    return h != NULL && h[0] != '\0' && strlen(h) < 256 &&
           strspn(h, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                     "0123456789.-:[]") == strlen(h);
}

/*
 * The scheme clients reach the server by: "http", unless the city says a
 * reverse proxy in front of it sets X-Forwarded-Proto and that names
 * https. Anyone can send the header, so it is believed only then, and
 * only for the two schemes a URL here may have.
 */
static const char *
scheme_of(struct http_req *req)
{
    const char *p = http_header(req, "X-Forwarded-Proto");

    if (ctx_of(req)->city->trust_forwarded_proto && p != NULL &&
        strcasecmp(p, "https") == 0)
        return "https";
    return "http";
}

/* When the catalogue last changed: the configuration file's mtime. */
static void
changeset_of(const struct city *city, char out[ISOTIME_LEN])
{
    struct stat st;

    if (city->source != NULL && stat(city->source, &st) == 0)
        isotime_format_utc((int64_t)st.st_mtime, out);
    else
        isotime_format_utc(isotime_now(), out);
}

/* GET discovery: where the API is and what it speaks. */
static void
open311_discovery(struct http_req *req)
{
    const struct city *city = ctx_of(req)->city;
    const char *host = http_header(req, "Host"), *lang;
    char changeset[ISOTIME_LEN];
    const char *url, *contact;
    json_t *v;

    if (!get_preamble(req, &lang))
        return;
    if (!host_ok(host))
        host = http_server_address(req->srv);
    url = arena_printf(&req->arena, "%s://%s/open311/v2", scheme_of(req), host);
    contact = arena_printf(&req->arena, "%s 311", city->name);
    changeset_of(city, changeset);
    v = json_pack("{s:s, s:s?, s:s, s:[{s:s, s:s?, s:s, s:s, s:[s, s]}]}",
                  "changeset", changeset, "contact", contact, "key_service",
                  "API keys are issued by the city's 311 administrators",
                  "endpoints", "specification",
                  "http://wiki.open311.org/GeoReport_v2", "url", url,
                  "changeset", changeset, "type", "production", "formats",
                  "application/json", "text/xml");
    http_reply_value(req, 200, v, "discovery", "endpoint");
}

/* ---- services ---- */

/* The keywords joined by commas, or NULL when there are none. */
static const char *
keywords_of(const struct service *svc, struct arena *a)
{
    struct buf b = BUF_INIT(0);
    const char *s;
    size_t i;

    if (svc->nkeywords == 0)
        return NULL;
    for (i = 0; i < svc->nkeywords; i++) {
        if (i > 0)
            buf_putc(&b, ',');
        buf_puts(&b, svc->keywords[i]);
    }
    s = b.failed ? NULL : arena_strdup(a, b.data);
    buf_release(&b);
    return s;
}

/* One entry of the service list. */
static json_t *
service_json(const struct city *city, const struct service *svc,
             const char *lang, struct arena *a)
{
    json_t *o = json_object();
    bool ok = o != NULL;

    if (!ok)
        return NULL;
    put(o, "service_code", json_string(svc->code), &ok);
    put(o, "service_name", jstr(i18n_get(&svc->name, lang, city->default_lang)),
        &ok);
    put(o, "description",
        jstr(i18n_get(&svc->description, lang, city->default_lang)), &ok);
    put(o, "metadata", json_boolean(svc->nattrs > 0), &ok);
    put(o, "type", json_string(service_type_name(svc->type)), &ok);
    put(o, "keywords", jstr(keywords_of(svc, a)), &ok);
    put(o, "group", jstr(catalog_text(city, &svc->group, lang)), &ok);
    if (!ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* GET services: the catalogue. */
static void
open311_services(struct http_req *req)
{
    const struct city *city = ctx_of(req)->city;
    json_t *list = json_array();
    const char *lang;
    bool ok = list != NULL;
    size_t i;

    if (!get_preamble(req, &lang)) {
        json_decref(list);
        return;
    }
    for (i = 0; ok && i < city->nservices; i++)
        push(list, service_json(city, &city->services[i], lang, &req->arena),
             &ok);
    if (!ok) {
        json_decref(list);
        list = NULL;
    }
    http_reply_value(req, 200, list, "services", "service");
}

/* The values of a list question. */
static json_t *
values_json(const struct city *city, const struct service_attr *at,
            const char *lang)
{
    json_t *list = json_array();
    bool ok = list != NULL;
    size_t i;

    for (i = 0; ok && i < at->nvalues; i++) {
        push(list,
             json_pack(
                 "{s:s, s:o}", "key", at->values[i].key, "name",
                 jstr(i18n_get(&at->values[i].name, lang, city->default_lang))),
             &ok);
    }
    if (!ok) {
        json_decref(list);
        return NULL;
    }
    return list;
}

/* One question of a service definition. */
static json_t *
attr_json(const struct city *city, const struct service_attr *at,
          const char *lang)
{
    json_t *o = json_object();
    bool ok = o != NULL;

    if (!ok)
        return NULL;
    put(o, "variable", json_boolean(at->variable), &ok);
    put(o, "code", json_string(at->code), &ok);
    put(o, "datatype", json_string(attr_datatype_name(at->datatype)), &ok);
    put(o, "required", json_boolean(at->required), &ok);
    put(o, "datatype_description",
        jstr(catalog_text(city, &at->datatype_description, lang)), &ok);
    put(o, "order", json_integer(at->order), &ok);
    put(o, "description",
        jstr(i18n_get(&at->description, lang, city->default_lang)), &ok);
    if (at->datatype == ATTR_SINGLEVALUELIST ||
        at->datatype == ATTR_MULTIVALUELIST)
        put(o, "values", values_json(city, at, lang), &ok);
    if (!ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* GET services/{service_code}: the questions of one service. */
static void
open311_service_definition(struct http_req *req)
{
    const struct city *city = ctx_of(req)->city;
    const struct service *svc;
    json_t *attrs, *v;
    const char *lang, *code, *msg;
    bool ok = true;
    size_t i;

    if (!get_preamble(req, &lang))
        return;
    code = http_path_param(req, "service_code");
    svc = catalog_service(city, code);
    if (svc == NULL) {
        msg = arena_printf(&req->arena,
                           "service_code '%s' is not a known service",
                           code != NULL ? code : "");
        http_reply_error(req, 404, "%s",
                         msg != NULL ? msg : "service_code is not known");
        return;
    }
    attrs = json_array();
    if (attrs == NULL)
        ok = false;
    for (i = 0; ok && i < svc->nattrs; i++)
        push(attrs, attr_json(city, &svc->attrs[i], lang), &ok);
    v = ok ? json_pack("{s:s, s:o}", "service_code", svc->code, "attributes",
                       attrs)
           : (json_decref(attrs), NULL);
    http_reply_value(req, 200, v, "service_definition", "attribute");
}

/* ---- reading requests ---- */

/* The answers of a request, one entry per value. */
static json_t *
answers_json(const struct sr *r)
{
    json_t *list = json_array();
    bool ok = list != NULL;
    size_t i;

    for (i = 0; ok && i < r->nattrs; i++) {
        push(list,
             json_pack("{s:s, s:o}", "code", r->attrs[i].code, "value",
                       jstr(r->attrs[i].value)),
             &ok);
    }
    if (!ok) {
        json_decref(list);
        return NULL;
    }
    return list;
}

/* The public view of a request: never contact details. */
static json_t *
request_json(const struct city *city, const struct sr *r, const char *lang,
             bool with_answers)
{
    const struct service *svc = catalog_service(city, r->service_code);
    const char *name = r->service_name;
    json_t *o = json_object();
    bool ok = o != NULL;

    if (!ok)
        return NULL;
    if (svc != NULL)
        name = i18n_get(&svc->name, lang, city->default_lang);
    put(o, "service_request_id", jstr(r->public_id), &ok);
    put(o, "status", json_string(sr_status_name(r->status)), &ok);
    put(o, "status_notes",
        jstr(catalog_status_note(city, r->service_code, r->status_notes, lang)),
        &ok);
    put(o, "service_name", jstr(name), &ok);
    put(o, "service_code", jstr(r->service_code), &ok);
    put(o, "description", jstr(r->description), &ok);
    put(o, "agency_responsible",
        jstr(
            catalog_agency(city, r->service_code, r->agency_responsible, lang)),
        &ok);
    put(o, "service_notice", jstr(r->service_notice), &ok);
    put(o, "requested_datetime", jtime(r->requested_at), &ok);
    put(o, "updated_datetime", jtime(r->updated_at), &ok);
    put(o, "expected_datetime", jtime(r->expected_at), &ok);
    put(o, "address", jstr(r->address), &ok);
    put(o, "address_id", jstr(r->address_id), &ok);
    put(o, "zipcode", jstr(r->zipcode), &ok);
    put(o, "lat", r->has_location ? json_real(r->lat) : json_null(), &ok);
    put(o, "long", r->has_location ? json_real(r->lon) : json_null(), &ok);
    put(o, "media_url", jstr(r->media_url), &ok);
    if (with_answers)
        put(o, "attributes", answers_json(r), &ok);
    if (!ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* Answers with a list of requests. */
static void
reply_requests(struct http_req *req, const struct sr *v, size_t n,
               const char *lang, bool with_answers)
{
    const struct city *city = ctx_of(req)->city;
    json_t *list = json_array();
    bool ok = list != NULL;
    size_t i;

    for (i = 0; ok && i < n; i++)
        push(list, request_json(city, &v[i], lang, with_answers), &ok);
    if (!ok) {
        json_decref(list);
        list = NULL;
    }
    http_reply_value(req, 200, list, "service_requests", "request");
}

/*
 * Parses s once more with its last space read as '+'. Clients often leave
 * the '+' of an offset unencoded in a query string ("...T12:00:00+05:00"),
 * and form decoding turns it into a space; nothing else puts one there.
 */
static bool
time_arg_plus(const char *s, int64_t *t)
{
    char copy[64];
    char *sp;

    if (strlen(s) >= sizeof(copy))
        return false;
    strcpy(copy, s);
    sp = strrchr(copy, ' ');
    if (sp == NULL || sp == copy)
        return false;
    *sp = '+';
    return isotime_parse(copy, t);
}

/* Reads an optional datetime argument; *has says whether it was given. */
static void
time_arg(struct http_req *req, const char *name, struct problems *p, bool *has,
         int64_t *t)
{
    const char *s = http_param(req, name);

    *has = false;
    if (s == NULL)
        return;
    if (!isotime_parse(s, t) && !time_arg_plus(s, t)) {
        problem(p, "%s is not a valid ISO 8601 datetime with an offset", name);
        return;
    }
    *has = true;
}

/* Reads service_code and status filters into q. */
static void
filter_args(struct http_req *req, struct sr_query *q, struct problems *p)
{
    const char *codes = http_param(req, "service_code");
    const char *status = http_param(req, "status"), **items;
    size_t n, i;

    if (codes != NULL && args_split_list(codes, &req->arena, &q->service_codes,
                                         &q->nservice_codes) != C311_OK)
        problem(p, "out of memory");
    if (status == NULL)
        return;
    if (args_split_list(status, &req->arena, &items, &n) != C311_OK) {
        problem(p, "out of memory");
        return;
    }
    for (i = 0; i < n; i++) {
        if (strcmp(items[i], "open") == 0)
            q->want_open = true;
        else if (strcmp(items[i], "closed") == 0)
            q->want_closed = true;
        else
            problem(p, "status must be open, closed or both");
    }
}

/* Reads the date ranges into q. */
static void
range_args(struct http_req *req, struct sr_query *q, struct problems *p)
{
    bool hs, he, ha, hb;
    int64_t s = 0, e = 0, ua = 0, ub = 0;
    size_t before = p->n;

    time_arg(req, "start_date", p, &hs, &s);
    time_arg(req, "end_date", p, &he, &e);
    time_arg(req, "updated_after", p, &ha, &ua);
    time_arg(req, "updated_before", p, &hb, &ub);
    if (p->n > before)
        return;
    if (!args_window(hs, s, he, e, isotime_now(), OPEN311_WINDOW_DAYS,
                     &q->requested_from, &q->requested_to))
        problem(p, "start_date is after end_date");
    if (ha && hb && ua > ub)
        problem(p, "updated_after is after updated_before");
    q->updated_from = ha ? ua : 0;
    q->updated_to = hb ? ub : 0;
    /*
     * The store reads 0 as "no bound". An upper bound at exactly
     * 1970-01-01T00:00:00Z moves one second earlier, which keeps it a
     * bound; a lower bound there lets in only instants before 1970.
     */
    if ((hs || he) && q->requested_to == 0)
        q->requested_to = -1;
    if (hb && q->updated_to == 0)
        q->updated_to = -1;
}

/*
 * Reads the location filter, an extension: lat and long with an optional
 * radius in metres (default OPEN311_NEAR_DEFAULT_M), for "what has been
 * reported around here".
 */
static void
near_args(struct http_req *req, struct sr_query *q, struct problems *p)
{
    const char *lat = http_param(req, "lat"), *lon = http_param(req, "long");
    const char *radius = http_param(req, "radius");

    if (lat == NULL && lon == NULL) {
        if (radius != NULL)
            problem(p, "radius needs lat and long");
        return;
    }
    if ((lat == NULL) != (lon == NULL)) {
        problem(p, "lat and long must be given together");
        return;
    }
    q->near = true;
    q->near_m = OPEN311_NEAR_DEFAULT_M;
    if (!args_decimal(lat, &q->near_lat) || q->near_lat < -90.0 ||
        q->near_lat > 90.0)
        problem(p, "lat is not a decimal latitude from -90 to 90");
    if (!args_decimal(lon, &q->near_lon) || q->near_lon < -180.0 ||
        q->near_lon > 180.0)
        problem(p, "long is not a decimal longitude from -180 to 180");
    if (radius != NULL && (!args_decimal(radius, &q->near_m) ||
                           q->near_m < 1.0 || q->near_m > OPEN311_NEAR_MAX_M))
        problem(p, "radius is not a number of metres from 1 to %d",
                OPEN311_NEAR_MAX_M);
}

/* Reads page and page_size into q. */
static void
page_args(struct http_req *req, struct sr_query *q, struct problems *p)
{
    const char *page = http_param(req, "page");
    const char *size = http_param(req, "page_size");
    unsigned long pg = 1, ps = OPEN311_PAGE_MAX;

    if (page != NULL && !args_uint(page, 1, 1000000, &pg))
        problem(p, "page must be a whole number from 1");
    if (size != NULL && !args_uint(size, 1, OPEN311_PAGE_MAX, &ps))
        problem(p, "page_size must be a whole number from 1 to %d",
                OPEN311_PAGE_MAX);
    q->offset = (size_t)(pg - 1) * ps;
    q->limit = ps;
}

/* GET requests: a filtered, paged list, newest first. */
static void
open311_requests(struct http_req *req)
{
    const struct app *ctx = ctx_of(req);
    struct problems p = {.a = &req->arena};
    struct sr_query q = {0};
    const char *ids = http_param(req, "service_request_id"), *lang;
    struct sr *out = NULL;
    char *cause = NULL;
    enum c311_rc rc;
    size_t n = 0;

    check_jurisdiction(req, &p);
    lang = lang_of(req, &p);
    q.jurisdiction_id = ctx->city->jurisdiction_id;
    if (ids != NULL) {
        /* Ids name exactly what is wanted: every other filter is off. */
        if (args_split_list(ids, &req->arena, &q.public_ids, &q.npublic_ids) !=
            C311_OK)
            problem(&p, "out of memory");
        else if (q.npublic_ids > OPEN311_PAGE_MAX)
            problem(&p, "service_request_id lists more than %d ids",
                    OPEN311_PAGE_MAX);
        q.limit = OPEN311_PAGE_MAX;
    } else {
        filter_args(req, &q, &p);
        range_args(req, &q, &p);
        near_args(req, &q, &p);
        page_args(req, &q, &p);
    }
    if (reply_problems(req, &p, 400) || !get_rate(req))
        return;
    if (ids != NULL && q.npublic_ids == 0) {
        reply_requests(req, NULL, 0, lang, false);
        return;
    }
    rc = store_request_query(ctx->st, &q, &req->arena, &out, &n, &cause);
    if (rc != C311_OK) {
        store_failed(req, rc, cause, "listing requests");
        return;
    }
    reply_requests(req, out, n, lang, false);
}

/* GET requests/{service_request_id}: one request and its answers. */
static void
open311_request(struct http_req *req)
{
    const struct app *ctx = ctx_of(req);
    const char *lang;
    struct sr *r = NULL;
    char *cause = NULL;
    enum c311_rc rc;

    if (!get_preamble(req, &lang))
        return;
    rc = store_request_get(ctx->st, http_path_param(req, "service_request_id"),
                           &req->arena, &r, &cause);
    if (rc == C311_ERR_NOT_FOUND) {
        free(cause);
        http_reply_error(req, 404,
                         "service_request_id is not a known "
                         "request");
        return;
    }
    if (rc != C311_OK) {
        store_failed(req, rc, cause, "reading a request");
        return;
    }
    reply_requests(req, r, 1, lang, true);
}

/* GET tokens/{token}: the request a batch token turned into. */
static void
open311_token(struct http_req *req)
{
    const struct app *ctx = ctx_of(req);
    const char *lang;
    struct sr *r = NULL;
    char *cause = NULL;
    enum c311_rc rc;
    json_t *v;

    if (!get_preamble(req, &lang))
        return;
    rc = store_request_by_token(ctx->st, http_path_param(req, "token"),
                                &req->arena, &r, &cause);
    if (rc == C311_ERR_NOT_FOUND) {
        free(cause);
        http_reply_error(req, 404, "token is not a known token");
        return;
    }
    if (rc != C311_OK) {
        store_failed(req, rc, cause, "resolving a token");
        return;
    }
    v = json_pack("[{s:o, s:o}]", "service_request_id", jstr(r->public_id),
                  "token", jstr(r->token));
    http_reply_value(req, 200, v, "service_requests", "request");
}

/* ---- filing a request ---- */

/* Fields that make no sense given twice. */
static const char *const single_fields[] = {
    "api_key",   "jurisdiction_id", "service_code", "lat",
    "long",      "address_string",  "address_id",   "description",
    "email",     "phone",           "first_name",   "last_name",
    "device_id", "account_id",      "media_url",    "lang",
};

/* Text fields with the byte limit of SR_FIELD_MAX. */
static const char *const short_fields[] = {
    "address_string", "address_id", "email",      "phone",     "first_name",
    "last_name",      "device_id",  "account_id", "media_url",
};

#define NELEMS(a) (sizeof(a) / sizeof((a)[0]))

_Static_assert(NELEMS(single_fields) <= 16, "problems.repeated is too short");

/* True when key is a field the form reads: one above or an answer. */
static bool
known_field(const char *key, struct arena *a)
{
    const char *code;
    size_t i;

    for (i = 0; i < NELEMS(single_fields); i++) {
        if (strcmp(single_fields[i], key) == 0)
            return true;
    }
    /* Malformed answer keys count too: they are reported as such. */
    return args_attr_key(key, a, &code) != 0;
}

/*
 * Reads the form as sent, before values that are not UTF-8 are taken out:
 * notes the fields given more than once, whatever their values, and drops
 * unknown fields whose value is not UTF-8, as every unknown field is
 * ignored. (A field name that is not UTF-8 never gets here.)
 */
static void
pre_read_form(struct http_req *req, struct problems *p)
{
    struct params *ps = &req->params;
    size_t i, k = 0;

    for (i = 0; i < NELEMS(single_fields); i++)
        p->repeated[i] = params_count(ps, single_fields[i]) > 1;
    for (i = 0; i < ps->n; i++) {
        if (params_utf8_valid(ps->v[i].value, ps->v[i].len) ||
            known_field(ps->v[i].key, &req->arena))
            ps->v[k++] = ps->v[i];
    }
    ps->n = k;
}

/*
 * Checks the resident's phone and email by the rules of the staff API:
 * one that cannot be used would otherwise be dropped when the caller is
 * recorded, and the resident never hear back. An empty field (a form left
 * blank) is no contact detail; one over the length limit is already
 * refused for that.
 */
static void
check_contact(struct http_req *req, struct problems *p)
{
    const char *phone = http_param(req, "phone");
    const char *email = http_param(req, "email");
    char e164[CONTACT_PHONE_SIZE];

    if (phone != NULL && phone[0] != '\0' && strlen(phone) <= SR_FIELD_MAX &&
        !contact_phone_e164(phone, e164))
        problem(p, "phone %s", CONTACT_PHONE_REFUSED);
    if (email != NULL && email[0] != '\0' && strlen(email) <= SR_FIELD_MAX &&
        contact_email_norm(email, p->a) == NULL)
        problem(p, "email %s", CONTACT_EMAIL_REFUSED);
}

/* Checks the plain fields of a new request. */
static void
check_fields(struct http_req *req, struct problems *p)
{
    const char *d = http_param(req, "description"), *url;
    size_t i;

    for (i = 0; i < NELEMS(single_fields); i++) {
        if (p->repeated[i])
            problem(p, "%s is given more than once", single_fields[i]);
    }
    for (i = 0; i < NELEMS(short_fields); i++) {
        const char *v = http_param(req, short_fields[i]);

        if (v != NULL && strlen(v) > SR_FIELD_MAX)
            problem(p, "%s is over %d bytes", short_fields[i], SR_FIELD_MAX);
    }
    if (d != NULL && params_utf8_chars(d) > SR_DESCRIPTION_MAX)
        problem(p, "description is over %d characters", SR_DESCRIPTION_MAX);
    url = http_param(req, "media_url");
    if (url != NULL && !args_url_ok(url))
        problem(p, "media_url is not an http or https URL");
    check_contact(req, p);
}

/* Checks the location fields and fills r's coordinates. */
static void
check_location(struct http_req *req, struct sr *r, struct problems *p)
{
    const char *lat = http_param(req, "lat"), *lon = http_param(req, "long");
    /* A value that is not UTF-8 was given, though it cannot be read. */
    bool has_lat = lat != NULL || unreadable(p, "lat");
    bool has_lon = lon != NULL || unreadable(p, "long");
    bool coords_ok = lat != NULL && lon != NULL;

    if (has_lat != has_lon) {
        problem(p, "lat and long must be given together");
        coords_ok = false;
    }
    if (lat != NULL &&
        (!args_decimal(lat, &r->lat) || r->lat < -90.0 || r->lat > 90.0)) {
        problem(p, "lat is not a decimal latitude from -90 to 90");
        coords_ok = false;
    }
    if (lon != NULL &&
        (!args_decimal(lon, &r->lon) || r->lon < -180.0 || r->lon > 180.0)) {
        problem(p, "long is not a decimal longitude from -180 to 180");
        coords_ok = false;
    }
    r->has_location = coords_ok;
    r->address = http_param(req, "address_string");
    r->address_id = http_param(req, "address_id");
    if (!has_lat && !has_lon && r->address == NULL && r->address_id == NULL &&
        !unreadable(p, "address_string") && !unreadable(p, "address_id"))
        problem(p, "a location is required: lat and long, address_string "
                   "or address_id");
}

/* Collects the attribute[CODE] answers and checks them against svc. */
static void
check_answers(struct http_req *req, const struct service *svc, struct sr *r,
              struct problems *p)
{
    struct attr_problem *ap = NULL;
    struct attr_answer *ans;
    const char *code;
    size_t i, n = 0, np = 0;
    int kind;

    ans = arena_alloc(&req->arena, (req->params.n + 1) * sizeof(*ans));
    if (ans == NULL) {
        problem(p, "out of memory");
        return;
    }
    for (i = 0; i < req->params.n; i++) {
        const struct param *pa = &req->params.v[i];

        kind = args_attr_key(pa->key, &req->arena, &code);
        if (kind < 0)
            problem(p, "%s is not attribute[CODE] or attribute[CODE][]",
                    pa->key);
        if (kind <= 0 || pa->len == 0)
            continue;
        ans[n].code = code;
        ans[n++].value = pa->value;
    }
    if (n > SR_ATTRS_MAX) {
        problem(p, "more than %d attribute answers", SR_ATTRS_MAX);
        return;
    }
    if (svc == NULL)
        return;
    if (catalog_check_answers(svc, ans, n, &req->arena, &ap, &np) ==
        C311_ERR_NOMEM)
        problem(p, "out of memory");
    for (i = 0; i < np; i++) {
        /* An answer that is not UTF-8 was given: it is reported as such. */
        if (ap[i].missing &&
            (unreadable(
                 p, arena_printf(&req->arena, "attribute[%s]", ap[i].code)) ||
             unreadable(
                 p, arena_printf(&req->arena, "attribute[%s][]", ap[i].code))))
            continue;
        problem(p, "%s", ap[i].message);
    }
    r->attrs = ans;
    r->nattrs = n;
}

/*
 * Takes one request from key's allowance; false once it has answered 429
 * (with Retry-After) in the client's format.
 */
static bool
within_rate(struct http_req *req, const struct apikeys_rec *key)
{
    const struct city *city = ctx_of(req)->city;
    unsigned limit = key->rate_limit > 0 ? (unsigned)key->rate_limit
                     : city->api_key_rate_limit > 0
                         ? (unsigned)city->api_key_rate_limit
                         : CATALOG_DEFAULT_KEY_RATE_LIMIT;
    unsigned retry;
    char header[16];

    if (ratelimit_take(ratelimit_shared(), key->id, limit, ratelimit_now_ms(),
                       &retry))
        return true;
    snprintf(header, sizeof(header), "%u", retry);
    http_add_header(req, "Retry-After", header);
    http_reply_error(req, 429,
                     "api_key is over its limit of %u requests per minute; "
                     "try again in %u seconds",
                     limit, retry);
    return false;
}

/* Checks the API key; false once it has answered (403, 429 or a failure). */
static bool
check_api_key(struct http_req *req, struct apikeys_rec *key)
{
    const char *k = http_param(req, "api_key");
    char hex[SECRET_HASH_HEX_SIZE];
    char *cause = NULL;
    enum c311_rc rc;

    if (k == NULL) {
        http_reply_error(req, 403, "api_key is missing");
        return false;
    }
    secret_hash_hex(k, hex);
    rc = apikeys_find(ctx_of(req)->st, hex, &req->arena, key, &cause);
    if (rc == C311_ERR_NOT_FOUND) {
        free(cause);
        http_reply_error(req, 403, "api_key is not a valid key");
        return false;
    }
    if (rc != C311_OK) {
        store_failed(req, rc, cause, "checking an api key");
        return false;
    }
    return within_rate(req, key);
}

/*
 * On a GET, counts the request against its api_key when it names a valid
 * one; GETs need no key, so an unknown one is ignored. False once it has
 * answered (429 or a failure).
 */
static bool
get_rate(struct http_req *req)
{
    const char *k = http_param(req, "api_key");
    char hex[SECRET_HASH_HEX_SIZE];
    struct apikeys_rec key;
    char *cause = NULL;
    enum c311_rc rc;

    if (k == NULL)
        return true;
    secret_hash_hex(k, hex);
    rc = apikeys_find(ctx_of(req)->st, hex, &req->arena, &key, &cause);
    if (rc == C311_ERR_NOT_FOUND) {
        free(cause);
        return true;
    }
    if (rc != C311_OK) {
        store_failed(req, rc, cause, "checking an api key");
        return false;
    }
    return within_rate(req, &key);
}

/* Fills the stored fields of r that come straight from the request. */
static void
fill_request(struct http_req *req, const struct apikeys_rec *key,
             const char *lang, struct sr *r)
{
    r->description = http_param(req, "description");
    r->media_url = http_param(req, "media_url");
    r->channel = ctx_of(req)->portal_key_name != NULL &&
                         strcmp(key->name, ctx_of(req)->portal_key_name) == 0
                     ? "web"
                     : "open311";
    r->language = lang;
    r->api_key_name = key->name;
    r->email = http_param(req, "email");
    r->phone = http_param(req, "phone");
    r->first_name = http_param(req, "first_name");
    r->last_name = http_param(req, "last_name");
    r->device_id = http_param(req, "device_id");
    r->account_id = http_param(req, "account_id");
}

/* POST requests: files a new service request. */
static void
open311_post_request(struct http_req *req)
{
    const struct city *city = ctx_of(req)->city;
    struct problems p = {.a = &req->arena};
    const struct service *svc = NULL;
    const char *code, *lang;
    struct apikeys_rec key;
    struct sr r = {0};
    char *cause = NULL;
    enum c311_rc rc;
    int status = 400;
    json_t *v;

    if (!check_api_key(req, &key))
        return;
    /*
     * Values that are not UTF-8 are reported first, then the form is read
     * without them, so that one answer names every problem.
     */
    pre_read_form(req, &p);
    p.nunreadable = params_take_unreadable(&req->params, p.unreadable,
                                           OPEN311_MAX_PROBLEMS);
    for (size_t i = 0; i < p.nunreadable; i++)
        problem(&p, "%s is not valid UTF-8", p.unreadable[i]);
    check_jurisdiction(req, &p);
    lang = lang_of(req, &p);
    code = http_param(req, "service_code");
    if (code == NULL) {
        if (!unreadable(&p, "service_code"))
            problem(&p, "service_code is required");
    } else if ((svc = catalog_service(city, code)) == NULL) {
        problem(&p, "service_code '%s' is not a known service", code);
        status = 404;
    }
    check_location(req, &r, &p);
    check_fields(req, &p);
    check_answers(req, svc, &r, &p);
    /*
     * An unknown service is a 404 as the GeoReport spec has it, whatever
     * else is wrong: the list names the other problems all the same.
     */
    if (reply_problems(req, &p, status))
        return;

    fill_request(req, &key, lang, &r);
    rc =
        filing_submit(ctx_of(req), svc, &r, isotime_now(), &req->arena, &cause);
    if (rc != C311_OK) {
        store_failed(req, rc, cause, "storing a request");
        return;
    }
    if (svc->type == SERVICE_BATCH)
        v = json_pack("[{s:s}]", "token", r.token);
    else
        v = json_pack("[{s:s, s:o, s:n}]", "service_request_id", r.public_id,
                      "service_notice", jstr(r.service_notice), "account_id");
    http_reply_value(req, 201, v, "service_requests", "request");
}

/* The public view of r, for exports; see open311.h. */
json_t *
open311_request_json(const struct city *city, const struct sr *r,
                     const char *lang, bool with_answers)
{
    return request_json(city, r, lang, with_answers);
}

const struct route open311_routes[] = {
    {"GET", "/open311/v2/discovery", open311_discovery, ROUTER_EXT},
    {"GET", "/open311/v2/services", open311_services, ROUTER_EXT},
    {"GET", "/open311/v2/services/{service_code}", open311_service_definition,
     ROUTER_EXT},
    {"GET", "/open311/v2/requests", open311_requests, ROUTER_EXT},
    {"POST", "/open311/v2/requests", open311_post_request,
     ROUTER_EXT | ROUTER_OWN_UTF8},
    {"GET", "/open311/v2/requests/{service_request_id}", open311_request,
     ROUTER_EXT},
    {"GET", "/open311/v2/tokens/{token}", open311_token, ROUTER_EXT},
};

const size_t open311_nroutes = NELEMS(open311_routes);
