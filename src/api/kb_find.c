/* SPDX-License-Identifier: MIT */
/*
 * Knowledge base search, for staff (drafts included) and for the public
 * (published articles only), and the public's article page. A search:
 *
 *   1. cuts the query into terms (core/kb_text.h) and finds the services
 *      whose keywords it names (core/kb_search.h, for the boost);
 *   2. asks the store for candidates that have every term, and ranks them;
 *   3. when none has them all, loosens the terms (CJK phrases into pairs of
 *      characters) and takes articles with any of them, ranked by how many
 *      they have;
 *   4. keeps one article per translation group, in the language asked for
 *      when the group has one, those first;
 *   5. cuts a snippet with the matches marked, and logs the search.
 */
#include <stdlib.h>
#include <string.h>

#include "api/args.h"
#include "api/kb.h"
#include "api/kb_json.h"
#include "api/kb_log.h"
#include "api/staff.h"
#include "core/kb_md.h"
#include "core/kb_search.h"
#include "store/kb_store.h"
#include "util/isotime.h"

#define KB_FIND_DEFAULT 10
#define KB_FIND_MAX     50

/* One search as asked. */
struct find_req {
    const char *q; /* NULL when the search is by filters alone */
    const char *want;
    struct kb_filter f;
    unsigned long limit;
    bool public;
    const char *actor;
};

/* What a search found, before it is written out. */
struct find_res {
    const struct kb_term *t; /* the terms that matched (loosened or not) */
    size_t nt;
    bool any;
    struct kb_scored *r;
    size_t n;
    size_t total;
    int64_t *via;
};

/* The language Accept-Language prefers, if the knowledge base takes it. */
static const char *
accept_language(struct http_req *req)
{
    const char *tag =
        args_accept_language(http_header(req, "Accept-Language"), &req->arena);

    return tag != NULL && kb_lang_ok(tag) ? tag : NULL;
}

/* Reads a language parameter; false (replied) when it is not a tag. */
static bool
lang_param(struct http_req *req, const char *name, const char **out)
{
    *out = http_param(req, name);
    if (*out == NULL || kb_lang_ok(*out))
        return true;
    staff_error(req, 400, "invalid", name,
                "%s must be a language tag such as en or zh", name);
    return false;
}

/* Reads the search parameters; false (replied) when one is wrong. */
static bool
find_args(struct http_req *req, bool public, struct find_req *fr)
{
    const char *limit = http_param(req, "limit");

    memset(fr, 0, sizeof(*fr));
    fr->public = public;
    fr->f.published_only = public;
    fr->limit = KB_FIND_DEFAULT;
    fr->q = http_param(req, "q");
    fr->f.category = http_param(req, "category");
    fr->f.service = http_param(req, "service");
    if (!lang_param(req, "lang", &fr->want) ||
        !lang_param(req, "language", &fr->f.lang))
        return false;
    if (fr->want == NULL)
        fr->want = accept_language(req);
    fr->want = kb_search_want(fr->want, &req->arena);
    if (fr->q != NULL &&
        (strlen(fr->q) > KB_QUERY_MAX || !kb_text_utf8_ok(fr->q))) {
        staff_error(req, 400, "invalid", "q",
                    "q must be UTF-8 text of at most %d bytes", KB_QUERY_MAX);
        return false;
    }
    if (fr->q == NULL && fr->f.category == NULL && fr->f.service == NULL) {
        staff_error(req, 400, "required", "q",
                    "q is required unless category or service is given");
        return false;
    }
    if (fr->f.service != NULL &&
        catalog_service(app_of(req)->city, fr->f.service) == NULL) {
        staff_error(req, 404, "not_found", "service",
                    "service is not a service code of this city");
        return false;
    }
    if (limit != NULL && !args_uint(limit, 1, KB_FIND_MAX, &fr->limit)) {
        staff_error(req, 400, "invalid", "limit",
                    "limit must be a whole number from 1 to %d", KB_FIND_MAX);
        return false;
    }
    return true;
}

/* Fetches candidates and ranks them into res. */
static enum c311_rc
rank(struct http_req *req, const struct find_req *fr, const struct kb_boost *b,
     size_t nb, struct find_res *res, char **cause)
{
    struct kb_article *cands;
    enum c311_rc rc;
    size_t n;

    if (res->nt > 0)
        rc = kb_store_find(app_of(req)->st, &fr->f, res->t, res->nt, res->any,
                           &req->arena, &cands, &n, cause);
    else
        rc = kb_store_list(app_of(req)->st, &fr->f, 0, KB_STORE_CANDIDATES,
                           &req->arena, &cands, &n, cause);
    if (rc != C311_OK)
        return rc;
    return kb_search_rank(res->t, res->nt, res->any, cands, n, b, nb, fr->want,
                          &req->arena, &res->r, &res->n);
}

/*
 * Runs the search: every term first, then the loosened terms when that
 * found nothing and loosening gives more than one term.
 */
static enum c311_rc
search(struct http_req *req, const struct find_req *fr, struct find_res *res,
       char **cause)
{
    struct kb_term *t = NULL, *loose;
    struct kb_boost *b = NULL;
    size_t nt = 0, nl, nb = 0;
    enum c311_rc rc;

    memset(res, 0, sizeof(*res));
    if (fr->q != NULL) {
        rc = kb_text_terms(fr->q, &req->arena, &t, &nt);
        if (rc == C311_OK)
            rc = kb_search_boosts(app_of(req)->city, fr->q, &req->arena, &b,
                                  &nb);
        if (rc != C311_OK)
            return rc;
        /* A query of punctuation alone has nothing to look for. */
        if (nt == 0)
            return C311_OK;
    }
    res->t = t;
    res->nt = nt;
    rc = rank(req, fr, b, nb, res, cause);
    if (rc != C311_OK || res->n > 0 || nt == 0)
        return rc;
    rc = kb_text_relax(t, nt, &req->arena, &loose, &nl);
    if (rc != C311_OK || nl < 2)
        return rc;
    res->t = loose;
    res->nt = nl;
    res->any = true;
    return rank(req, fr, b, nb, res, cause);
}

/* Puts each result in the language asked for, where a translation is. */
static enum c311_rc
prefer(struct http_req *req, const struct find_req *fr, struct find_res *res,
       char **cause)
{
    struct kb_article *members = NULL;
    int64_t groups[KB_FIND_MAX];
    size_t i, ng = 0, nm = 0;
    enum c311_rc rc;

    for (i = 0; fr->want != NULL && i < res->n; i++) {
        if (!kb_search_lang_fits(res->r[i].art->lang, fr->want))
            groups[ng++] = res->r[i].art->group_id;
    }
    if (ng > 0) {
        rc = kb_store_members(app_of(req)->st, groups, ng, fr->want, fr->public,
                              &req->arena, &members, &nm, cause);
        if (rc != C311_OK)
            return rc;
    }
    return kb_search_prefer(res->r, res->n, fr->want, members, nm, &req->arena,
                            &res->via);
}

/* One result as JSON, with its snippet. */
static json_t *
result_json(struct http_req *req, const struct find_req *fr,
            const struct find_res *res, size_t i)
{
    const struct kb_article *art = res->r[i].art;
    const char *plain = kb_md_plain(art->c.body, &req->arena);
    const char *snippet =
        plain != NULL ? kb_search_snippet(plain, res->t, res->nt, &req->arena)
                      : NULL;
    json_t *o;

    if (snippet == NULL)
        return NULL;
    o = json_pack("{s:I, s:I, s:s, s:s, s:s, s:s?, s:o, s:o}", "id",
                  (json_int_t)art->id, "group_id", (json_int_t)art->group_id,
                  "lang", art->lang, "title", art->c.title, "snippet", snippet,
                  "category", art->c.category, "services",
                  kb_json_strings(art->c.services, art->c.nservices),
                  "matched_id",
                  res->via[i] != 0 ? json_integer(res->via[i]) : json_null());
    if (o != NULL && !fr->public &&
        json_object_set_new(o, "status",
                            json_string(kb_status_name(art->status))) < 0) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* The whole answer of a search. */
static json_t *
answer_json(struct http_req *req, const struct find_req *fr,
            const struct find_res *res)
{
    json_t *list = json_array();
    size_t i;

    for (i = 0; list != NULL && i < res->n; i++) {
        if (json_array_append_new(list, result_json(req, fr, res, i)) < 0) {
            json_decref(list);
            list = NULL;
        }
    }
    return json_pack("{s:s?, s:s?, s:s, s:I, s:I, s:o}", "query", fr->q, "lang",
                     fr->want, "mode", res->any ? "any" : "all", "total",
                     (json_int_t)res->total, "count", (json_int_t)res->n,
                     "results", list);
}

/* Queues the search for the log (api/kb_log.h). */
static void
log_search(struct http_req *req, const struct find_req *fr, size_t total)
{
    struct kb_search_entry e;

    if (fr->q == NULL)
        return;
    e.at = isotime_now();
    e.actor = fr->actor;
    e.public = fr->public;
    e.query = fr->q;
    e.norm = kb_text_normalize(fr->q, &req->arena);
    e.lang = fr->want;
    e.results = (int64_t)total;
    if (e.norm != NULL)
        kb_log_add(app_of(req)->st, &e);
}

/* Searches and answers, for staff or the public. */
static void
find(struct http_req *req, const struct find_req *fr)
{
    struct find_res res;
    char *cause = NULL;
    enum c311_rc rc;

    rc = search(req, fr, &res, &cause);
    if (rc == C311_OK) {
        res.total = res.n;
        if (res.n > fr->limit)
            res.n = fr->limit;
        rc = prefer(req, fr, &res, &cause);
    }
    if (rc != C311_OK) {
        staff_store_failed(req, rc, cause, "searching the knowledge base");
        return;
    }
    log_search(req, fr, res.total);
    http_reply_value(req, 200, answer_json(req, fr, &res), "search", "item");
}

/* GET /api/v1/kb/search: staff search, drafts included. */
static void
kb_find_staff(struct http_req *req)
{
    const struct staff *me;
    struct find_req fr;

    if (!staff_require(req, KB_READERS, &me) || !find_args(req, false, &fr))
        return;
    fr.actor = staff_actor(me, &req->arena);
    find(req, &fr);
}

/* GET /api/v1/public/kb/search: published articles, no sign-in. */
static void
kb_find_public(struct http_req *req)
{
    struct find_req fr;

    if (find_args(req, true, &fr))
        find(req, &fr);
}

/* GET /api/v1/public/kb/articles/{id}: a published article. */
static void
kb_public_article(struct http_req *req)
{
    struct kb_article art, *group = NULL;
    char *cause = NULL;
    enum c311_rc rc;
    size_t n = 0;
    int64_t id;
    json_t *v;

    if (!kb_json_id(http_path_param(req, "id"), &id)) {
        staff_error(req, 404, "not_found", NULL, "no such article");
        return;
    }
    rc = kb_store_get(app_of(req)->st, id, &req->arena, &art, &cause);
    if (rc == C311_OK && art.status != KB_PUBLISHED)
        rc = C311_ERR_NOT_FOUND;
    if (rc == C311_OK)
        rc = kb_store_group(app_of(req)->st, art.group_id, true, &req->arena,
                            &group, &n, &cause);
    if (rc == C311_ERR_NOT_FOUND) {
        free(cause);
        staff_error(req, 404, "not_found", NULL, "no published article %lld",
                    (long long)id);
        return;
    }
    if (rc != C311_OK) {
        staff_store_failed(req, rc, cause, "reading an article");
        return;
    }
    v = kb_json_article(&art, false, group, n, &req->arena);
    if (v == NULL) {
        staff_error(req, 500, "internal", NULL, "out of memory");
        return;
    }
    http_reply_value(req, 200, v, "article", "item");
}

const struct route kb_find_routes[] = {
    {"GET", "/api/v1/kb/search", kb_find_staff, 0},
    {"GET", "/api/v1/public/kb/search", kb_find_public, 0},
    {"GET", "/api/v1/public/kb/articles/{id}", kb_public_article, 0},
};

const size_t kb_find_nroutes =
    sizeof(kb_find_routes) / sizeof(kb_find_routes[0]);
