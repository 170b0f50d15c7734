/* SPDX-License-Identifier: MIT */
/*
 * The staff side of the knowledge base: editors create, change, publish
 * and restore articles; agents, experts and supervisors read them and
 * record which article answered a contact; supervisors and editors read
 * the usage report. Every change goes through core/kb.h's checks and
 * appends a version in the store (store/kb_store.h).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/args.h"
#include "api/kb.h"
#include "api/kb_json.h"
#include "api/kb_log.h"
#include "api/staff.h"
#include "store/kb_store.h"
#include "util/isotime.h"

#define KB_LIST_DEFAULT   50
#define KB_LIST_MAX       200
#define KB_REPORT_ROWS    20
#define KB_REPORT_DAYS    30
#define KB_CHANNELS_COUNT 9

/* The channels a use may name, as the rest of the platform spells them. */
static const char *const kb_channels[KB_CHANNELS_COUNT] = {
    "phone", "web", "app", "sms", "tty", "walk_in", "email", "chat", "social",
};

/* Keys of a new article's body, and of a change. */
static const char *const create_keys[] = {
    "lang", "translation_of", "title",      "body",      "category",
    "tags", "services",       "department", "review_by", NULL,
};
static const char *const update_keys[] = {
    "version",  "title",      "body",      "category", "tags",
    "services", "department", "review_by", NULL,
};

/* Answers a store failure: 404, 409 and 400 in words, others logged. */
static void
kb_failed(struct http_req *req, enum c311_rc rc, char *cause, const char *what)
{
    switch (rc) {
    case C311_ERR_NOT_FOUND:
        staff_error(req, 404, "not_found", NULL, "%s",
                    cause != NULL ? cause : "not found");
        break;
    case C311_ERR_CONFLICT:
        staff_error(req, 409, "conflict", NULL, "%s",
                    cause != NULL ? cause : "conflict");
        break;
    case C311_ERR_INVALID:
        staff_error(req, 400, "invalid", NULL, "%s",
                    cause != NULL ? cause : "invalid");
        break;
    default:
        staff_store_failed(req, rc, cause, what);
        return;
    }
    free(cause);
}

/* The {id} of the path; replies 404 and returns false when malformed. */
static bool
path_id(struct http_req *req, const char *name, int64_t *id)
{
    if (kb_json_id(http_path_param(req, name), id))
        return true;
    staff_error(req, 404, "not_found", NULL, "no such %s",
                strcmp(name, "n") == 0 ? "version" : "article");
    return false;
}

/* Replies with an article and the other articles of its group. */
static void
reply_article(struct http_req *req, int status, const struct kb_article *art)
{
    struct kb_article *group = NULL;
    char *cause = NULL;
    enum c311_rc rc;
    size_t n = 0;
    json_t *v;

    rc = kb_store_group(app_of(req)->st, art->group_id, false, &req->arena,
                        &group, &n, &cause);
    if (rc != C311_OK) {
        kb_failed(req, rc, cause, "reading translations");
        return;
    }
    v = kb_json_article(art, true, group, n, &req->arena);
    if (v == NULL) {
        staff_error(req, 500, "internal", NULL, "out of memory");
        return;
    }
    http_reply_value(req, status, v, "article", "item");
}

/* Checks content against the city; replies 400 and returns false if bad. */
static bool
content_ok(struct http_req *req, const struct kb_content *c)
{
    struct kb_problem p;

    if (kb_content_check(c, app_of(req)->city, &req->arena, &p))
        return true;
    staff_error(req, 400, p.code, p.field, "%s", p.message);
    return false;
}

/* Reads the filters of a list from the query; false (replied) if bad. */
static bool
list_filter(struct http_req *req, struct kb_filter *f)
{
    const char *status = http_param(req, "status");

    memset(f, 0, sizeof(*f));
    f->lang = http_param(req, "lang");
    f->category = http_param(req, "category");
    f->service = http_param(req, "service");
    if (f->lang != NULL && !kb_lang_ok(f->lang)) {
        staff_error(req, 400, "invalid", "lang",
                    "lang must be a language tag such as en or zh");
        return false;
    }
    if (status != NULL && strcmp(status, "published") == 0) {
        f->published_only = true;
    } else if (status != NULL && strcmp(status, "draft") == 0) {
        f->drafts_only = true;
    } else if (status != NULL) {
        staff_error(req, 400, "invalid", "status",
                    "status must be draft or published");
        return false;
    }
    return true;
}

/* GET /api/v1/kb/articles: articles by id, with filters and paging. */
static void
kb_list(struct http_req *req)
{
    unsigned long limit = KB_LIST_DEFAULT, offset = 0;
    const char *sl = http_param(req, "limit"), *so = http_param(req, "offset");
    const struct staff *me;
    struct kb_article *v;
    struct kb_filter f;
    char *cause = NULL;
    json_t *list;
    enum c311_rc rc;
    size_t n, i;

    if (!staff_require(req, KB_READERS, &me) || !list_filter(req, &f))
        return;
    if ((sl != NULL && !args_uint(sl, 1, KB_LIST_MAX, &limit)) ||
        (so != NULL && !args_uint(so, 0, 1000000, &offset))) {
        staff_error(req, 400, "invalid", sl != NULL ? "limit" : "offset",
                    "limit must be 1 to 200 and offset a whole number");
        return;
    }
    rc = kb_store_list(app_of(req)->st, &f, offset, limit, &req->arena, &v, &n,
                       &cause);
    if (rc != C311_OK) {
        kb_failed(req, rc, cause, "listing articles");
        return;
    }
    list = json_array();
    for (i = 0; list != NULL && i < n; i++) {
        if (json_array_append_new(
                list, kb_json_article(&v[i], true, NULL, 0, &req->arena)) < 0) {
            json_decref(list);
            list = NULL;
        }
    }
    http_reply_value(
        req, 200,
        json_pack("{s:o, s:I}", "articles", list, "count", (json_int_t)n), "kb",
        "item");
}

/* Reads lang and translation_of of a new article into art. */
static bool
create_target(struct http_req *req, json_t *body, struct kb_article *art)
{
    json_t *lang = json_object_get(body, "lang");
    json_t *of = json_object_get(body, "translation_of");
    struct kb_article other;
    char *cause = NULL;
    enum c311_rc rc;

    if (lang == NULL || json_is_null(lang)) {
        staff_error(req, 400, "required", "lang",
                    "lang is required: a language tag such as en or zh");
        return false;
    }
    if (!json_is_string(lang) || !kb_lang_ok(json_string_value(lang))) {
        staff_error(req, 400, json_is_string(lang) ? "invalid" : "invalid_type",
                    "lang", "lang must be a language tag such as en or zh");
        return false;
    }
    art->lang = arena_strdup(&req->arena, json_string_value(lang));
    if (of == NULL || json_is_null(of))
        return true;
    if (!json_is_integer(of) || json_integer_value(of) < 1) {
        staff_error(req, 400, json_is_integer(of) ? "invalid" : "invalid_type",
                    "translation_of", "translation_of must be an article id");
        return false;
    }
    rc = kb_store_get(app_of(req)->st, json_integer_value(of), &req->arena,
                      &other, &cause);
    if (rc == C311_ERR_NOT_FOUND) {
        free(cause);
        staff_error(req, 400, "invalid", "translation_of",
                    "translation_of names no article");
        return false;
    }
    if (rc != C311_OK) {
        kb_failed(req, rc, cause, "reading an article");
        return false;
    }
    art->group_id = other.group_id;
    return true;
}

/* POST /api/v1/kb/articles: a new draft, alone or as a translation. */
static void
kb_create(struct http_req *req)
{
    const struct staff *me;
    struct kb_article art;
    char *cause = NULL;
    enum c311_rc rc;
    json_t *body;

    if (!staff_require(req, KB_WRITERS, &me) || !staff_body_json(req, &body))
        return;
    memset(&art, 0, sizeof(art));
    art.status = KB_DRAFT;
    if (!kb_json_content(req, body, create_keys, &art.c) ||
        !create_target(req, body, &art) || !content_ok(req, &art.c))
        return;
    rc = kb_store_create(app_of(req)->st, &art, staff_actor(me, &req->arena),
                         isotime_now(), &cause);
    if (rc != C311_OK) {
        kb_failed(req, rc, cause, "creating an article");
        return;
    }
    rc = kb_store_get(app_of(req)->st, art.id, &req->arena, &art, &cause);
    if (rc != C311_OK) {
        kb_failed(req, rc, cause, "reading an article");
        return;
    }
    reply_article(req, 201, &art);
}

/* GET /api/v1/kb/articles/{id}: one article, drafts included. */
static void
kb_get(struct http_req *req)
{
    const struct staff *me;
    struct kb_article art;
    char *cause = NULL;
    enum c311_rc rc;
    int64_t id;

    if (!staff_require(req, KB_READERS, &me) || !path_id(req, "id", &id))
        return;
    rc = kb_store_get(app_of(req)->st, id, &req->arena, &art, &cause);
    if (rc != C311_OK) {
        kb_failed(req, rc, cause, "reading an article");
        return;
    }
    reply_article(req, 200, &art);
}

/* PUT /api/v1/kb/articles/{id}: new content, a new version. */
static void
kb_update(struct http_req *req)
{
    const struct staff *me;
    struct kb_content c;
    struct kb_article art;
    char *cause = NULL;
    json_t *body, *ver;
    enum c311_rc rc;
    int64_t id;

    if (!staff_require(req, KB_WRITERS, &me) || !path_id(req, "id", &id) ||
        !staff_body_json(req, &body) ||
        !kb_json_content(req, body, update_keys, &c) || !content_ok(req, &c))
        return;
    ver = json_object_get(body, "version");
    if (ver != NULL && (!json_is_integer(ver) || json_integer_value(ver) < 1 ||
                        json_integer_value(ver) > 1000000000)) {
        staff_error(req, 400, json_is_integer(ver) ? "invalid" : "invalid_type",
                    "version",
                    "version must be the article's current version number");
        return;
    }
    rc = kb_store_update(app_of(req)->st, id, &c,
                         ver != NULL ? (int)json_integer_value(ver) : 0,
                         KB_EDITED, 0, staff_actor(me, &req->arena),
                         isotime_now(), &req->arena, &art, &cause);
    if (rc != C311_OK) {
        kb_failed(req, rc, cause, "changing an article");
        return;
    }
    reply_article(req, 200, &art);
}

/* POST /api/v1/kb/articles/{id}/publish: makes a draft public. */
static void
kb_publish(struct http_req *req)
{
    const struct staff *me;
    struct kb_article art;
    char *cause = NULL;
    enum c311_rc rc;
    int64_t id;

    if (!staff_require(req, KB_WRITERS, &me) || !path_id(req, "id", &id))
        return;
    rc = kb_store_publish(app_of(req)->st, id, staff_actor(me, &req->arena),
                          isotime_now(), &req->arena, &art, &cause);
    if (rc != C311_OK) {
        kb_failed(req, rc, cause, "publishing an article");
        return;
    }
    reply_article(req, 200, &art);
}

/* GET /api/v1/kb/articles/{id}/versions: the history, oldest first. */
static void
kb_versions(struct http_req *req)
{
    const struct staff *me;
    struct kb_version *v;
    char *cause = NULL;
    json_t *list;
    enum c311_rc rc;
    int64_t id;
    size_t n, i;

    if (!staff_require(req, KB_READERS, &me) || !path_id(req, "id", &id))
        return;
    rc = kb_store_versions(app_of(req)->st, id, &req->arena, &v, &n, &cause);
    if (rc != C311_OK) {
        kb_failed(req, rc, cause, "reading a history");
        return;
    }
    list = json_array();
    for (i = 0; list != NULL && i < n; i++) {
        if (json_array_append_new(list, kb_json_version(&v[i])) < 0) {
            json_decref(list);
            list = NULL;
        }
    }
    http_reply_value(
        req, 200,
        json_pack("{s:I, s:o}", "article_id", (json_int_t)id, "versions", list),
        "kb", "item");
}

/*
 * POST /api/v1/kb/articles/{id}/versions/{n}/restore: the content of
 * version n becomes a new version.
 */
static void
kb_restore(struct http_req *req)
{
    const struct staff *me;
    struct kb_article art;
    struct kb_version v;
    struct kb_problem p;
    char *cause = NULL;
    enum c311_rc rc;
    int64_t id, n;

    if (!staff_require(req, KB_WRITERS, &me) || !path_id(req, "id", &id) ||
        !path_id(req, "n", &n))
        return;
    rc = kb_store_version(app_of(req)->st, id, n > 1000000000 ? 0 : (int)n,
                          &req->arena, &v, &cause);
    if (rc != C311_OK) {
        kb_failed(req, rc, cause, "reading a version");
        return;
    }
    if (!kb_content_check(&v.c, app_of(req)->city, &req->arena, &p)) {
        staff_error(req, 409, "conflict", p.field,
                    "version %d cannot be restored: %s", v.version, p.message);
        return;
    }
    rc = kb_store_update(app_of(req)->st, id, &v.c, 0, KB_RESTORED, v.version,
                         staff_actor(me, &req->arena), isotime_now(),
                         &req->arena, &art, &cause);
    if (rc != C311_OK) {
        kb_failed(req, rc, cause, "restoring a version");
        return;
    }
    reply_article(req, 200, &art);
}

/* True when s is one of the channels a use may name. */
static bool
channel_ok(const char *s)
{
    size_t i;

    for (i = 0; i < KB_CHANNELS_COUNT; i++) {
        if (strcmp(s, kb_channels[i]) == 0)
            return true;
    }
    return false;
}

/*
 * POST /api/v1/kb/articles/{id}/uses {channel, answered_without_request}:
 * the article answered a contact on that channel.
 */
static void
kb_use(struct http_req *req)
{
    const struct staff *me;
    json_t *body, *ch, *without;
    int64_t id, now = isotime_now();
    char *cause = NULL;
    enum c311_rc rc;

    if (!staff_require(req, KB_READERS, &me) || !path_id(req, "id", &id) ||
        !staff_body_json(req, &body))
        return;
    ch = json_object_get(body, "channel");
    without = json_object_get(body, "answered_without_request");
    if (ch == NULL || json_is_null(ch)) {
        staff_error(req, 400, "required", "channel", "channel is required");
        return;
    }
    if (without == NULL || json_is_null(without)) {
        staff_error(req, 400, "required", "answered_without_request",
                    "answered_without_request is required");
        return;
    }
    if (!json_is_string(ch) || !channel_ok(json_string_value(ch))) {
        staff_error(req, 400, json_is_string(ch) ? "invalid" : "invalid_type",
                    "channel",
                    "channel must be one of phone, web, app, sms, tty, "
                    "walk_in, email, chat, social");
        return;
    }
    if (!json_is_boolean(without)) {
        staff_error(req, 400, "invalid_type", "answered_without_request",
                    "answered_without_request must be true or false");
        return;
    }
    rc = kb_store_use_add(app_of(req)->st, id, staff_actor(me, &req->arena),
                          json_string_value(ch), json_is_true(without), now,
                          &cause);
    if (rc != C311_OK) {
        kb_failed(req, rc, cause, "recording a use");
        return;
    }
    http_reply_value(req, 201,
                     json_pack("{s:I, s:s, s:b, s:o}", "article_id",
                               (json_int_t)id, "channel", json_string_value(ch),
                               "answered_without_request",
                               json_is_true(without), "at", kb_json_time(now)),
                     "use", "item");
}

/*
 * Reads a report bound: a local date (the start of that day, or of the
 * next one for an end) or an instant with an offset.
 */
static bool
report_bound(const char *s, bool end, int64_t *out)
{
    struct tm tm;

    if (kb_date_ok(s)) {
        memset(&tm, 0, sizeof(tm));
        tm.tm_year = atoi(s) - 1900;
        tm.tm_mon = atoi(s + 5) - 1;
        tm.tm_mday = atoi(s + 8) + (end ? 1 : 0);
        tm.tm_isdst = -1;
        *out = (int64_t)mktime(&tm);
        return true;
    }
    return isotime_parse(s, out);
}

/* The overdue articles of a report as JSON. */
static json_t *
overdue_json(const struct kb_report *r)
{
    json_t *arr = json_array(), *e;
    size_t i;

    for (i = 0; arr != NULL && i < r->noverdue; i++) {
        const struct kb_article *a = &r->overdue[i];

        e = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s?}", "id",
                      (json_int_t)a->id, "lang", a->lang, "title", a->c.title,
                      "review_by", a->c.review_by, "status",
                      kb_status_name(a->status), "department", a->c.department);
        if (json_array_append_new(arr, e) < 0) {
            json_decref(arr);
            return NULL;
        }
    }
    return arr;
}

/* The lists of a report as JSON: top articles and empty searches. */
static json_t *
report_json(const struct kb_report *r, int64_t from, int64_t to,
            const char *today)
{
    json_t *top = json_array(), *miss = json_array();
    size_t i;

    for (i = 0; top != NULL && i < r->ntop; i++)
        json_array_append_new(top,
                              json_pack("{s:I, s:s, s:s, s:I}", "id",
                                        (json_int_t)r->top[i].id, "title",
                                        r->top[i].title, "lang", r->top[i].lang,
                                        "uses", (json_int_t)r->top[i].uses));
    for (i = 0; miss != NULL && i < r->nmisses; i++)
        json_array_append_new(miss, json_pack("{s:s, s:I}", "query",
                                              r->misses[i].query, "count",
                                              (json_int_t)r->misses[i].count));
    return json_pack(
        "{s:o, s:o, s:s, s:o, s:I, s:I, s:o, s:I, s:I, s:o, s:o}", "from",
        kb_json_time(from), "to", kb_json_time(to), "today", today,
        "top_articles", top, "uses", (json_int_t)r->uses,
        "answered_without_request", (json_int_t)r->without_request,
        "answered_without_request_share",
        r->uses > 0 ? json_real(round(10000.0 * (double)r->without_request /
                                      (double)r->uses) /
                                10000.0)
                    : json_null(),
        "searches", (json_int_t)r->searches, "searches_without_results",
        (json_int_t)r->empty_searches, "empty_searches", miss,
        "overdue_articles", overdue_json(r));
}

/*
 * GET /api/v1/kb/reports?from=&to=: usage over [from, to) (default the
 * last 30 days) and the articles past their review date.
 */
static void
kb_report(struct http_req *req)
{
    const char *sf = http_param(req, "from"), *st = http_param(req, "to");
    int64_t now = isotime_now(), from, to;
    const struct staff *me;
    struct kb_report r;
    char today[16];
    char *cause = NULL;
    enum c311_rc rc;
    struct tm tm;
    time_t t = (time_t)now;

    if (!staff_require(req, KB_REPORTERS, &me))
        return;
    to = now + 1;
    from = now - KB_REPORT_DAYS * 86400;
    if ((sf != NULL && !report_bound(sf, false, &from)) ||
        (st != NULL && !report_bound(st, true, &to))) {
        staff_error(req, 400, "invalid",
                    sf != NULL && !report_bound(sf, false, &from) ? "from"
                                                                  : "to",
                    "from and to must be dates (YYYY-MM-DD) or datetimes "
                    "with an offset");
        return;
    }
    if (from >= to) {
        staff_error(req, 400, "invalid", "from", "from must be before to");
        return;
    }
    localtime_r(&t, &tm);
    strftime(today, sizeof(today), "%Y-%m-%d", &tm);
    kb_log_flush(app_of(req)->st);
    rc = kb_store_report(app_of(req)->st, from, to, today, KB_REPORT_ROWS,
                         &req->arena, &r, &cause);
    if (rc != C311_OK) {
        kb_failed(req, rc, cause, "reading the report");
        return;
    }
    http_reply_value(req, 200, report_json(&r, from, to, today), "report",
                     "item");
}

/*
 * TODO: there is no route to withdraw (unpublish) or delete an article:
 * an article published by mistake stays public until an editor rewrites
 * it.
 */
const struct route kb_routes[] = {
    {"GET", "/api/v1/kb/articles", kb_list, 0},
    {"POST", "/api/v1/kb/articles", kb_create, 0},
    {"GET", "/api/v1/kb/articles/{id}", kb_get, 0},
    {"PUT", "/api/v1/kb/articles/{id}", kb_update, 0},
    {"POST", "/api/v1/kb/articles/{id}/publish", kb_publish, 0},
    {"GET", "/api/v1/kb/articles/{id}/versions", kb_versions, 0},
    {"POST", "/api/v1/kb/articles/{id}/versions/{n}/restore", kb_restore, 0},
    {"POST", "/api/v1/kb/articles/{id}/uses", kb_use, 0},
    {"GET", "/api/v1/kb/reports", kb_report, 0},
};

const size_t kb_nroutes = sizeof(kb_routes) / sizeof(kb_routes[0]);
