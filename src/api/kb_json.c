/* SPDX-License-Identifier: MIT */
/*
 * JSON for the knowledge base API (see kb_json.h). Articles carry their
 * markdown body and the same body rendered as safe HTML (core/kb_md.h).
 */
#include <stdlib.h>
#include <string.h>

#include "api/kb_json.h"
#include "api/staff.h"
#include "core/kb_md.h"
#include "util/isotime.h"

/* Sets o[key] = v, taking v; records failure in *ok. */
static void
put(json_t *o, const char *key, json_t *v, bool *ok)
{
    if (v == NULL || json_object_set_new(o, key, v) < 0)
        *ok = false;
}

/* A string, or null for NULL. */
static json_t *
jstr(const char *s)
{
    return s != NULL ? json_string(s) : json_null();
}

/* The datetime of an instant, or null; see kb_json.h. */
json_t *
kb_json_time(int64_t t)
{
    char buf[ISOTIME_LEN];

    if (t == 0)
        return json_null();
    isotime_format_local(t, buf);
    return json_string(buf);
}

/* A JSON array of strings; see kb_json.h. */
json_t *
kb_json_strings(const char *const *v, size_t n)
{
    json_t *arr = json_array();
    size_t i;

    for (i = 0; arr != NULL && i < n; i++) {
        if (json_array_append_new(arr, json_string(v[i])) < 0) {
            json_decref(arr);
            return NULL;
        }
    }
    return arr;
}

/* The other articles of the group: id, language, title (and state). */
static json_t *
translations_json(const struct kb_article *art, bool staff,
                  const struct kb_article *t, size_t n)
{
    json_t *arr = json_array(), *e;
    size_t i;

    for (i = 0; arr != NULL && i < n; i++) {
        if (t[i].id == art->id)
            continue;
        e = json_pack("{s:I, s:s, s:s}", "id", (json_int_t)t[i].id, "lang",
                      t[i].lang, "title", t[i].c.title);
        if (e != NULL && staff)
            json_object_set_new(e, "status",
                                json_string(kb_status_name(t[i].status)));
        if (json_array_append_new(arr, e) < 0) {
            json_decref(arr);
            return NULL;
        }
    }
    return arr;
}

/* What only staff see of an article: state, review date, history. */
static void
staff_fields(json_t *o, const struct kb_article *art, bool *ok)
{
    put(o, "key", jstr(art->group_key), ok);
    put(o, "status", json_string(kb_status_name(art->status)), ok);
    put(o, "review_by", jstr(art->c.review_by), ok);
    put(o, "version", json_integer(art->version), ok);
    put(o, "created_at", kb_json_time(art->created_at), ok);
    put(o, "published_at", kb_json_time(art->published_at), ok);
    put(o, "updated_by", jstr(art->updated_by), ok);
}

/* An article as JSON; see kb_json.h. */
json_t *
kb_json_article(const struct kb_article *art, bool staff,
                const struct kb_article *translations, size_t n,
                struct arena *a)
{
    json_t *o = json_object();
    const char *html = kb_md_html(art->c.body, a);
    bool ok = o != NULL && html != NULL;

    if (!ok) {
        json_decref(o);
        return NULL;
    }
    put(o, "id", json_integer(art->id), &ok);
    put(o, "group_id", json_integer(art->group_id), &ok);
    put(o, "lang", json_string(art->lang), &ok);
    put(o, "title", json_string(art->c.title), &ok);
    put(o, "body", json_string(art->c.body), &ok);
    put(o, "body_html", json_string(html), &ok);
    put(o, "category", jstr(art->c.category), &ok);
    put(o, "tags", kb_json_strings(art->c.tags, art->c.ntags), &ok);
    put(o, "services", kb_json_strings(art->c.services, art->c.nservices), &ok);
    put(o, "department", jstr(art->c.department), &ok);
    put(o, "updated_at", kb_json_time(art->updated_at), &ok);
    if (staff)
        staff_fields(o, art, &ok);
    if (translations != NULL)
        put(o, "translations", translations_json(art, staff, translations, n),
            &ok);
    if (!ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* The names of the fields a version changed, as a JSON array. */
static json_t *
changed_json(unsigned changed)
{
    json_t *arr = json_array();
    unsigned bit;

    for (bit = 1; arr != NULL && bit < 1u << KB_NFIELDS; bit <<= 1) {
        if ((changed & bit) &&
            json_array_append_new(arr, json_string(kb_field_name(bit))) < 0) {
            json_decref(arr);
            return NULL;
        }
    }
    return arr;
}

/* A version as JSON; see kb_json.h. */
json_t *
kb_json_version(const struct kb_version *v)
{
    const struct kb_content *c = &v->c;

    return json_pack(
        "{s:i, s:o, s:o, s:s, s:o, s:o, s:s, s:{s:o, s:o, s:o, s:o, s:o, s:o,"
        " s:o}}",
        "version", v->version, "at", kb_json_time(v->at), "actor",
        jstr(v->actor), "action", kb_action_name(v->action), "restored_from",
        v->restored_from > 0 ? json_integer(v->restored_from) : json_null(),
        "changed", changed_json(v->changed), "status",
        kb_status_name(v->status), "content", "title", jstr(c->title), "body",
        jstr(c->body), "category", jstr(c->category), "tags",
        kb_json_strings(c->tags, c->ntags), "services",
        kb_json_strings(c->services, c->nservices), "department",
        jstr(c->department), "review_by", jstr(c->review_by));
}

/* True when key is in the NULL-ended list. */
static bool
allowed_key(const char *key, const char *const *allowed)
{
    for (; *allowed != NULL; allowed++) {
        if (strcmp(key, *allowed) == 0)
            return true;
    }
    return false;
}

/* Reads an optional string member; false (replied) for another type. */
static bool
opt_string(struct http_req *req, json_t *body, const char *key,
           const char **out)
{
    json_t *v = json_object_get(body, key);

    *out = NULL;
    if (v == NULL || json_is_null(v))
        return true;
    if (!json_is_string(v)) {
        staff_error(req, 400, "invalid_type", key, "%s must be a string", key);
        return false;
    }
    *out = arena_strdup(&req->arena, json_string_value(v));
    if (*out == NULL) {
        staff_error(req, 500, "internal", NULL, "out of memory");
        return false;
    }
    if (**out == '\0')
        *out = NULL;
    return true;
}

/* Reads an optional list of strings; false (replied) otherwise. */
static bool
opt_strings(struct http_req *req, json_t *body, const char *key,
            const char ***out, size_t *n)
{
    json_t *v = json_object_get(body, key), *e;
    size_t i;

    *out = NULL;
    *n = 0;
    if (v == NULL || json_is_null(v))
        return true;
    if (!json_is_array(v) || json_array_size(v) > 64) {
        staff_error(req, 400, "invalid_type", key,
                    "%s must be a list of at most 64 strings", key);
        return false;
    }
    *out = arena_alloc(&req->arena, (json_array_size(v) + 1) * sizeof(**out));
    if (*out == NULL) {
        staff_error(req, 500, "internal", NULL, "out of memory");
        return false;
    }
    json_array_foreach(v, i, e)
    {
        if (!json_is_string(e)) {
            staff_error(req, 400, "invalid_type", key,
                        "%s must be a list of strings", key);
            return false;
        }
        (*out)[(*n)++] = arena_strdup(&req->arena, json_string_value(e));
    }
    return true;
}

/* Reads an editor's content; see kb_json.h. */
bool
kb_json_content(struct http_req *req, json_t *body, const char *const *allowed,
                struct kb_content *out)
{
    const char *key;
    json_t *v;

    memset(out, 0, sizeof(*out));
    json_object_foreach(body, key, v)
    {
        if (!allowed_key(key, allowed)) {
            staff_error(req, 400, "unknown", key, "unknown field %s", key);
            return false;
        }
    }
    return opt_string(req, body, "title", &out->title) &&
           opt_string(req, body, "body", &out->body) &&
           opt_string(req, body, "category", &out->category) &&
           opt_string(req, body, "department", &out->department) &&
           opt_string(req, body, "review_by", &out->review_by) &&
           opt_strings(req, body, "tags", &out->tags, &out->ntags) &&
           opt_strings(req, body, "services", &out->services, &out->nservices);
}

/* Reads a positive decimal id of at most 18 digits. */
bool
kb_json_id(const char *s, int64_t *out)
{
    size_t n = s != NULL ? strlen(s) : 0;

    if (n == 0 || n > 18 || strspn(s, "0123456789") != n || s[0] == '0')
        return false;
    *out = strtoll(s, NULL, 10);
    return true;
}
