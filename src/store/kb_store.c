/* SPDX-License-Identifier: MIT */
/*
 * The knowledge base on store/sqlx.h (see kb_store.h): articles, their
 * services and history, the search candidates, uses, the search log and
 * the usage report. Each public function runs one unit of work; writes
 * run in one transaction with the version they append and the index
 * rows they change.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/backend.h"
#include "store/kb_backend.h"
#include "store/kb_store.h"

/* Columns of an article, then its services (the dialect's expression). */
#define ART_BASE                                                               \
    "a.id, a.group_id, a.group_key, a.lang, a.title, a.body, a.tags,"          \
    " a.category, a.department, a.review_by, a.status, a.version,"             \
    " a.created_at, a.updated_at, a.published_at, a.updated_by"

enum art_col {
    AC_ID,
    AC_GROUP,
    AC_KEY,
    AC_LANG,
    AC_TITLE,
    AC_BODY,
    AC_TAGS,
    AC_CATEGORY,
    AC_DEPARTMENT,
    AC_REVIEW_BY,
    AC_STATUS,
    AC_VERSION,
    AC_CREATED,
    AC_UPDATED,
    AC_PUBLISHED,
    AC_UPDATED_BY,
    AC_SERVICES
};

#define SQL_MAX (64 * 1024)

/* The dialect of the database behind x. */
static const struct kb__dialect *
dialect_of(const struct sqlx *x)
{
    return x->exec == store__sqlite_exec ? &kb__sqlite : &kb__pg;
}

/* Adds a parameter and its placeholder; see kb_backend.h. */
void
kb__param(struct kb__stmt *s, struct buf *to, struct sqlx_val v)
{
    if (s->np == KB__PARAMS_MAX) {
        s->overflow = true;
        return;
    }
    s->p[s->np++] = v;
    buf_printf(to, "$%zu", s->np);
}

/* The select list of an article for x's database, in a. */
static const char *
art_cols(const struct sqlx *x, struct arena *a)
{
    return arena_printf(a, "%s, %s", ART_BASE, dialect_of(x)->services_sql);
}

/* qsort() order of strings. */
static int
str_cmp(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* Splits space-separated codes into a sorted array in a. */
static enum c311_rc
split_codes(const char *s, struct arena *a, const char ***out, size_t *n)
{
    const char **v;
    size_t cap = 1, len;
    const char *p;

    *out = NULL;
    *n = 0;
    if (s == NULL || *s == '\0')
        return C311_OK;
    for (p = s; *p != '\0'; p++)
        cap += *p == ' ';
    if ((v = arena_alloc(a, cap * sizeof(*v))) == NULL)
        return C311_ERR_NOMEM;
    for (p = s; *p != '\0'; p += len) {
        p += strspn(p, " ");
        len = strcspn(p, " ");
        if (len > 0 && (v[(*n)++] = arena_strndup(a, p, len)) == NULL)
            return C311_ERR_NOMEM;
    }
    qsort(v, *n, sizeof(*v), str_cmp);
    *out = v;
    return C311_OK;
}

/* Fills out from row i of a result selecting art_cols(). */
static enum c311_rc
read_article(const struct sqlx_rows *r, size_t i, struct arena *a,
             struct kb_article *out)
{
    const char *status;
    enum c311_rc rc;

    memset(out, 0, sizeof(*out));
    out->id = sqlx_int(r, i, AC_ID);
    out->group_id = sqlx_int(r, i, AC_GROUP);
    out->group_key = sqlx_cell(r, i, AC_KEY);
    out->lang = sqlx_cell(r, i, AC_LANG);
    out->c.title = sqlx_cell(r, i, AC_TITLE);
    out->c.body = sqlx_cell(r, i, AC_BODY);
    out->c.category = sqlx_cell(r, i, AC_CATEGORY);
    out->c.department = sqlx_cell(r, i, AC_DEPARTMENT);
    out->c.review_by = sqlx_cell(r, i, AC_REVIEW_BY);
    status = sqlx_cell(r, i, AC_STATUS);
    out->status = KB_DRAFT;
    if (status != NULL)
        kb_status_parse(status, &out->status);
    out->version = (int)sqlx_int(r, i, AC_VERSION);
    out->created_at = sqlx_int(r, i, AC_CREATED);
    out->updated_at = sqlx_int(r, i, AC_UPDATED);
    out->published_at = sqlx_int(r, i, AC_PUBLISHED);
    out->updated_by = sqlx_cell(r, i, AC_UPDATED_BY);
    rc =
        kb_tags_split(sqlx_cell(r, i, AC_TAGS), a, &out->c.tags, &out->c.ntags);
    if (rc == C311_OK)
        rc = split_codes(sqlx_cell(r, i, AC_SERVICES), a, &out->c.services,
                         &out->c.nservices);
    return rc;
}

/* Reads every row of r into an array of articles in a. */
static enum c311_rc
read_articles(const struct sqlx_rows *r, struct arena *a,
              struct kb_article **out, size_t *n, char **cause)
{
    enum c311_rc rc;
    size_t i;

    *n = 0;
    *out = arena_alloc(a, (r->nrows ? r->nrows : 1) * sizeof(**out));
    if (*out == NULL)
        return store__fail(cause, C311_ERR_NOMEM, "out of memory");
    for (i = 0; i < r->nrows; i++) {
        rc = read_article(r, i, a, &(*out)[i]);
        if (rc != C311_OK)
            return store__fail(cause, rc, "out of memory");
    }
    *n = r->nrows;
    return C311_OK;
}

/* Loads article id on x; C311_ERR_NOT_FOUND when absent. */
static enum c311_rc
load_article(struct sqlx *x, int64_t id, struct kb_article *out, char **cause)
{
    const struct sqlx_val p[] = {SQLX_I(id)};
    struct sqlx_rows r;
    const char *sql;
    enum c311_rc rc;

    sql = arena_printf(x->a, "SELECT %s FROM kb_article a WHERE a.id = $1",
                       art_cols(x, x->a));
    if (sql == NULL)
        return store__fail(cause, C311_ERR_NOMEM, "out of memory");
    rc = sqlx_exec(x, sql, p, 1, &r, cause);
    if (rc != C311_OK)
        return rc;
    if (r.nrows == 0)
        return store__fail(cause, C311_ERR_NOT_FOUND, "no article %lld",
                           (long long)id);
    rc = read_article(&r, 0, x->a, out);
    return rc == C311_OK ? C311_OK : store__fail(cause, rc, "out of memory");
}

/* A list of strings as a JSON array; NULL when out of memory. */
static json_t *
json_list(const char *const *v, size_t n)
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

/* The content as the JSON text a version keeps, in a. */
static const char *
content_json(const struct kb_content *c, struct arena *a)
{
    json_t *o = json_pack("{s:s, s:s, s:s?, s:s?, s:s?, s:o*, s:o*}", "title",
                          c->title, "body", c->body, "category", c->category,
                          "department", c->department, "review_by",
                          c->review_by, "tags", json_list(c->tags, c->ntags),
                          "services", json_list(c->services, c->nservices));
    char *text = o != NULL ? json_dumps(o, JSON_COMPACT) : NULL;
    const char *s = text != NULL ? arena_strdup(a, text) : NULL;

    free(text);
    json_decref(o);
    return s;
}

/* A string member of o copied into a, NULL when absent or null. */
static const char *
json_text(json_t *o, const char *key, struct arena *a, bool *oom)
{
    const char *s = json_string_value(json_object_get(o, key));
    const char *d;

    if (s == NULL)
        return NULL;
    d = arena_strdup(a, s);
    if (d == NULL)
        *oom = true;
    return d;
}

/* A string array member of o copied into a. */
static const char **
json_texts(json_t *o, const char *key, struct arena *a, size_t *n, bool *oom)
{
    json_t *arr = json_object_get(o, key), *v;
    const char **out;
    size_t i;

    *n = 0;
    if (!json_is_array(arr) || json_array_size(arr) == 0)
        return NULL;
    out = arena_alloc(a, json_array_size(arr) * sizeof(*out));
    if (out == NULL) {
        *oom = true;
        return NULL;
    }
    json_array_foreach(arr, i, v)
    {
        if (json_is_string(v))
            out[(*n)++] = arena_strdup(a, json_string_value(v));
    }
    return out;
}

/* Reads a version's content JSON back into c (strings in a). */
static enum c311_rc
parse_content(const char *text, struct arena *a, struct kb_content *c,
              char **cause)
{
    json_t *o = text != NULL ? json_loads(text, 0, NULL) : NULL;
    bool oom = false;

    memset(c, 0, sizeof(*c));
    if (!json_is_object(o)) {
        json_decref(o);
        return store__fail(cause, C311_ERR_INTERNAL,
                           "a stored version is not a JSON object");
    }
    c->title = json_text(o, "title", a, &oom);
    c->body = json_text(o, "body", a, &oom);
    c->category = json_text(o, "category", a, &oom);
    c->department = json_text(o, "department", a, &oom);
    c->review_by = json_text(o, "review_by", a, &oom);
    c->tags = json_texts(o, "tags", a, &c->ntags, &oom);
    c->services = json_texts(o, "services", a, &c->nservices, &oom);
    json_decref(o);
    return oom ? store__fail(cause, C311_ERR_NOMEM, "out of memory") : C311_OK;
}

/* The names of the changed fields, separated by commas, in a. */
static const char *
changed_list(unsigned changed, struct arena *a)
{
    char buf[128] = "";
    unsigned bit;

    for (bit = 1; bit < 1u << KB_NFIELDS; bit <<= 1) {
        if (!(changed & bit))
            continue;
        if (buf[0] != '\0')
            strcat(buf, ",");
        strcat(buf, kb_field_name(bit));
    }
    return arena_strdup(a, buf);
}

/* Parses a list of field names back into bits. */
static unsigned
changed_bits(const char *s)
{
    unsigned bits = 0, bit;
    size_t len;

    while (s != NULL && *s != '\0') {
        len = strcspn(s, ",");
        for (bit = 1; bit < 1u << KB_NFIELDS; bit <<= 1) {
            if (strlen(kb_field_name(bit)) == len &&
                strncmp(kb_field_name(bit), s, len) == 0)
                bits |= bit;
        }
        s += len;
        if (*s == ',')
            s++;
    }
    return bits;
}

/* Appends version art->version of art, as it is now, to the history. */
static enum c311_rc
append_version(struct sqlx *x, const struct kb_article *art,
               enum kb_action action, int restored_from, unsigned changed,
               const char *actor, int64_t now, char **cause)
{
    const char *json = content_json(&art->c, x->a);
    const char *list = changed_list(changed, x->a);
    const struct sqlx_val p[] = {
        SQLX_I(art->id),
        SQLX_I(art->version),
        SQLX_I(now),
        SQLX_T(actor),
        SQLX_T(kb_action_name(action)),
        restored_from > 0 ? SQLX_I(restored_from) : SQLX_T(NULL),
        SQLX_T(list),
        SQLX_T(kb_status_name(art->status)),
        SQLX_J(json),
    };

    if (json == NULL || list == NULL)
        return store__fail(cause, C311_ERR_NOMEM, "out of memory");
    return sqlx_exec(x,
                     "INSERT INTO kb_version (article_id, version, at, actor,"
                     " action, restored_from, changed, status, content)"
                     " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                     p, 9, NULL, cause);
}

/* Replaces the services linked to article id. */
static enum c311_rc
set_services(struct sqlx *x, int64_t id, const struct kb_content *c,
             bool replace, char **cause)
{
    const struct sqlx_val p[] = {SQLX_I(id)};
    enum c311_rc rc = C311_OK;
    size_t i;

    if (replace)
        rc =
            sqlx_exec(x, "DELETE FROM kb_article_service WHERE article_id = $1",
                      p, 1, NULL, cause);
    for (i = 0; rc == C311_OK && i < c->nservices; i++) {
        const struct sqlx_val q[] = {SQLX_I(id), SQLX_T(c->services[i])};

        rc = sqlx_exec(x,
                       "INSERT INTO kb_article_service (article_id,"
                       " service_code) VALUES ($1, $2)",
                       q, 2, NULL, cause);
    }
    return rc;
}

/* A copy of c with its services sorted, as the store keeps them. */
static enum c311_rc
sorted_content(const struct kb_content *c, struct arena *a,
               struct kb_content *out)
{
    *out = *c;
    if (c->nservices == 0)
        return C311_OK;
    out->services = arena_alloc(a, c->nservices * sizeof(*out->services));
    if (out->services == NULL)
        return C311_ERR_NOMEM;
    memcpy(out->services, c->services, c->nservices * sizeof(*c->services));
    qsort(out->services, c->nservices, sizeof(*out->services), str_cmp);
    return C311_OK;
}

/* ---- creating ---- */

struct create_arg {
    struct kb_article *art;
    const char *actor;
    int64_t now;
};

/* Finds the group the new article joins; 0 for a new group. */
static enum c311_rc
resolve_group(struct sqlx *x, struct kb_article *art, char **cause)
{
    int64_t n;
    enum c311_rc rc;

    if (art->group_id == 0 && art->group_key != NULL) {
        const struct sqlx_val p[] = {SQLX_T(art->group_key)};

        return sqlx_scalar(x,
                           "SELECT coalesce(min(group_id), 0) FROM kb_article"
                           " WHERE group_key = $1",
                           p, 1, &art->group_id, cause);
    }
    if (art->group_id == 0)
        return C311_OK;
    {
        const struct sqlx_val p[] = {SQLX_I(art->group_id)};

        rc = sqlx_scalar(x,
                         "SELECT count(*) FROM kb_article WHERE group_id = $1",
                         p, 1, &n, cause);
    }
    if (rc == C311_OK && n == 0)
        return store__fail(cause, C311_ERR_NOT_FOUND, "no article group %lld",
                           (long long)art->group_id);
    return rc;
}

/* Inserts the row; the group of a new group is the article's own id. */
static enum c311_rc
insert_article(struct sqlx *x, struct kb_article *art, const char *actor,
               int64_t now, char **cause)
{
    const char *tags = kb_tags_join(art->c.tags, art->c.ntags, x->a);
    const struct sqlx_val p[] = {
        art->group_id != 0 ? SQLX_I(art->group_id) : SQLX_T(NULL),
        SQLX_T(art->group_key),
        SQLX_T(art->lang),
        SQLX_T(art->c.title),
        SQLX_T(art->c.body),
        SQLX_T(tags),
        SQLX_T(art->c.category),
        SQLX_T(art->c.department),
        SQLX_T(art->c.review_by),
        SQLX_T(kb_status_name(art->status)),
        SQLX_I(now),
        SQLX_TIME(art->status == KB_PUBLISHED ? now : 0),
        SQLX_T(actor),
    };
    struct sqlx_rows r;
    enum c311_rc rc;

    if (art->c.ntags > 0 && tags == NULL)
        return store__fail(cause, C311_ERR_NOMEM, "out of memory");
    rc = sqlx_exec(x,
                   "INSERT INTO kb_article (group_id, group_key, lang, title,"
                   " body, tags, category, department, review_by, status,"
                   " version, created_at, updated_at, published_at,"
                   " updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9,"
                   " $10, 1, $11, $11, $12, $13) RETURNING id",
                   p, 13, &r, cause);
    if (rc != C311_OK)
        return rc;
    art->id = sqlx_int(&r, 0, 0);
    if (art->group_id != 0)
        return C311_OK;
    art->group_id = art->id;
    {
        const struct sqlx_val q[] = {SQLX_I(art->id)};

        return sqlx_exec(x, "UPDATE kb_article SET group_id = id WHERE id = $1",
                         q, 1, NULL, cause);
    }
}

/* Creates the article, its services, index rows and first version. */
static enum c311_rc
create_work(struct sqlx *x, void *arg, char **cause)
{
    struct create_arg *w = arg;
    struct kb_article *art = w->art;
    enum c311_rc rc;

    rc = resolve_group(x, art, cause);
    if (rc == C311_OK)
        rc = insert_article(x, art, w->actor, w->now, cause);
    if (rc == C311_OK)
        rc = set_services(x, art->id, &art->c, false, cause);
    if (rc == C311_OK)
        rc = dialect_of(x)->index(x, art->id, art->c.title,
                                  kb_tags_join(art->c.tags, art->c.ntags, x->a),
                                  art->c.body, cause);
    if (rc != C311_OK)
        return rc;
    art->version = 1;
    art->created_at = art->updated_at = w->now;
    art->published_at = art->status == KB_PUBLISHED ? w->now : 0;
    art->updated_by = w->actor;
    return append_version(x, art, KB_CREATED, 0,
                          kb_content_diff(&(struct kb_content){0}, &art->c) |
                              (art->status == KB_PUBLISHED ? KB_F_STATUS : 0),
                          w->actor, w->now, cause);
}

struct create_many_arg {
    struct kb_article *arts;
    size_t n;
    const char *actor;
    int64_t now;
};

/* Creates every article of a batch. */
static enum c311_rc
create_many_work(struct sqlx *x, void *arg, char **cause)
{
    struct create_many_arg *w = arg;
    struct create_arg one = {NULL, w->actor, w->now};
    enum c311_rc rc = C311_OK;
    size_t i;

    for (i = 0; rc == C311_OK && i < w->n; i++) {
        one.art = &w->arts[i];
        rc = create_work(x, &one, cause);
    }
    return rc;
}

/* Adds articles in one transaction; see kb_store.h. */
enum c311_rc
kb_store_create_many(struct store *st, struct kb_article *arts, size_t n,
                     const char *actor, int64_t now, char **cause)
{
    struct create_many_arg w = {NULL, n, actor, now};
    struct arena a = ARENA_INIT;
    enum c311_rc rc = C311_OK;
    size_t i;

    w.arts = arena_alloc(&a, (n ? n : 1) * sizeof(*w.arts));
    for (i = 0; w.arts != NULL && i < n && rc == C311_OK; i++) {
        w.arts[i] = arts[i];
        rc = sorted_content(&arts[i].c, &a, &w.arts[i].c);
    }
    if (w.arts == NULL || rc != C311_OK) {
        arena_free(&a);
        return store__fail(cause, C311_ERR_NOMEM, "out of memory");
    }
    rc = sqlx_run(st, true, create_many_work, &w, &a, cause);
    for (i = 0; rc == C311_OK && i < n; i++) {
        arts[i].id = w.arts[i].id;
        arts[i].group_id = w.arts[i].group_id;
        arts[i].version = w.arts[i].version;
        arts[i].created_at = w.arts[i].created_at;
        arts[i].updated_at = w.arts[i].updated_at;
        arts[i].published_at = w.arts[i].published_at;
    }
    arena_free(&a);
    return rc;
}

/* Adds an article; see kb_store.h. */
enum c311_rc
kb_store_create(struct store *st, struct kb_article *art, const char *actor,
                int64_t now, char **cause)
{
    enum c311_rc rc;

    rc = kb_store_create_many(st, art, 1, actor, now, cause);
    if (rc == C311_ERR_CONFLICT && cause != NULL) {
        free(*cause);
        rc = store__fail(cause, rc,
                         "the group has an article in language '%s' already",
                         art->lang);
    }
    return rc;
}

/* ---- reading ---- */

struct get_arg {
    int64_t id;
    const char *key, *lang;
    struct kb_article *out;
};

/* Loads one article by id, or by key and language. */
static enum c311_rc
get_work(struct sqlx *x, void *arg, char **cause)
{
    struct get_arg *w = arg;
    const struct sqlx_val p[] = {SQLX_T(w->key), SQLX_T(w->lang)};
    int64_t id;
    enum c311_rc rc;

    if (w->key == NULL)
        return load_article(x, w->id, w->out, cause);
    rc = sqlx_scalar(x,
                     "SELECT coalesce(min(id), 0) FROM kb_article"
                     " WHERE group_key = $1 AND lang = $2",
                     p, 2, &id, cause);
    if (rc != C311_OK)
        return rc;
    if (id == 0)
        return store__fail(cause, C311_ERR_NOT_FOUND, "no article '%s' in '%s'",
                           w->key, w->lang);
    return load_article(x, id, w->out, cause);
}

/* Loads one article; see kb_store.h. */
enum c311_rc
kb_store_get(struct store *st, int64_t id, struct arena *a,
             struct kb_article *out, char **cause)
{
    struct get_arg w = {id, NULL, NULL, out};

    return sqlx_run(st, false, get_work, &w, a, cause);
}

/* Loads an article of a data file; see kb_store.h. */
enum c311_rc
kb_store_by_key(struct store *st, const char *key, const char *lang,
                struct arena *a, struct kb_article *out, char **cause)
{
    struct get_arg w = {0, key, lang, out};

    return sqlx_run(st, false, get_work, &w, a, cause);
}

/* ---- changing ---- */

struct update_arg {
    int64_t id;
    const struct kb_content *c;
    int expect;
    enum kb_action action;
    int restored_from;
    const char *actor;
    int64_t now;
    struct kb_article *out;
};

/* Writes the new content and version number of article id. */
static enum c311_rc
update_row(struct sqlx *x, const struct update_arg *w, int version,
           char **cause)
{
    const char *tags = kb_tags_join(w->c->tags, w->c->ntags, x->a);
    const struct sqlx_val p[] = {
        SQLX_I(w->id),           SQLX_T(w->c->title),
        SQLX_T(w->c->body),      SQLX_T(tags),
        SQLX_T(w->c->category),  SQLX_T(w->c->department),
        SQLX_T(w->c->review_by), SQLX_I(version),
        SQLX_I(w->now),          SQLX_T(w->actor),
    };

    return sqlx_exec(x,
                     "UPDATE kb_article SET title = $2, body = $3, tags = $4,"
                     " category = $5, department = $6, review_by = $7,"
                     " version = $8, updated_at = $9, updated_by = $10"
                     " WHERE id = $1",
                     p, 10, NULL, cause);
}

/* Replaces the content and appends a version. */
static enum c311_rc
update_work(struct sqlx *x, void *arg, char **cause)
{
    struct update_arg *w = arg;
    struct kb_article *cur = w->out;
    unsigned changed;
    enum c311_rc rc;

    rc = load_article(x, w->id, cur, cause);
    if (rc != C311_OK)
        return rc;
    if (w->expect != 0 && w->expect != cur->version)
        return store__fail(cause, C311_ERR_CONFLICT,
                           "article %lld is at version %d, not %d",
                           (long long)w->id, cur->version, w->expect);
    changed = kb_content_diff(&cur->c, w->c);
    if (changed == 0 && w->action == KB_EDITED)
        return C311_OK;
    rc = update_row(x, w, cur->version + 1, cause);
    if (rc == C311_OK && (changed & KB_F_SERVICES))
        rc = set_services(x, w->id, w->c, true, cause);
    if (rc == C311_OK && (changed & (KB_F_TITLE | KB_F_BODY | KB_F_TAGS)))
        rc = dialect_of(x)->index(x, w->id, w->c->title,
                                  kb_tags_join(w->c->tags, w->c->ntags, x->a),
                                  w->c->body, cause);
    if (rc == C311_OK)
        rc = load_article(x, w->id, cur, cause);
    if (rc == C311_OK)
        rc = append_version(x, cur, w->action, w->restored_from, changed,
                            w->actor, w->now, cause);
    return rc;
}

/* Changes an article's content; see kb_store.h. */
enum c311_rc
kb_store_update(struct store *st, int64_t id, const struct kb_content *c,
                int expect, enum kb_action action, int restored_from,
                const char *actor, int64_t now, struct arena *a,
                struct kb_article *out, char **cause)
{
    struct kb_content sorted;
    struct update_arg w = {id,    &sorted, expect, action, restored_from,
                           actor, now,     out};

    if (sorted_content(c, a, &sorted) != C311_OK)
        return store__fail(cause, C311_ERR_NOMEM, "out of memory");
    return sqlx_run(st, true, update_work, &w, a, cause);
}

struct publish_arg {
    int64_t id;
    const char *actor;
    int64_t now;
    struct kb_article *out;
};

/* Publishes a draft and appends a version. */
static enum c311_rc
publish_work(struct sqlx *x, void *arg, char **cause)
{
    struct publish_arg *w = arg;
    const struct sqlx_val p[] = {SQLX_I(w->id), SQLX_I(w->now),
                                 SQLX_T(w->actor)};
    enum c311_rc rc;

    rc = load_article(x, w->id, w->out, cause);
    if (rc != C311_OK || w->out->status == KB_PUBLISHED)
        return rc;
    rc = sqlx_exec(x,
                   "UPDATE kb_article SET status = 'published',"
                   " published_at = $2, updated_at = $2, updated_by = $3,"
                   " version = version + 1 WHERE id = $1",
                   p, 3, NULL, cause);
    if (rc == C311_OK)
        rc = load_article(x, w->id, w->out, cause);
    if (rc == C311_OK)
        rc = append_version(x, w->out, KB_PUBLISHED_ACT, 0, KB_F_STATUS,
                            w->actor, w->now, cause);
    return rc;
}

/* Publishes an article; see kb_store.h. */
enum c311_rc
kb_store_publish(struct store *st, int64_t id, const char *actor, int64_t now,
                 struct arena *a, struct kb_article *out, char **cause)
{
    struct publish_arg w = {id, actor, now, out};

    return sqlx_run(st, true, publish_work, &w, a, cause);
}

/* ---- history ---- */

#define VERSION_COLS                                                           \
    "version, at, actor, action, restored_from, changed, status, content"

struct versions_arg {
    int64_t id;
    int n; /* 0: all */
    struct kb_version *v;
    size_t count;
};

/* Fills v from row i of a result selecting VERSION_COLS. */
static enum c311_rc
read_version(const struct sqlx_rows *r, size_t i, int64_t id, struct arena *a,
             struct kb_version *v, char **cause)
{
    const char *s;

    memset(v, 0, sizeof(*v));
    v->article_id = id;
    v->version = (int)sqlx_int(r, i, 0);
    v->at = sqlx_int(r, i, 1);
    v->actor = sqlx_cell(r, i, 2);
    s = sqlx_cell(r, i, 3);
    if (s == NULL || !kb_action_parse(s, &v->action))
        v->action = KB_EDITED;
    v->restored_from = (int)sqlx_int(r, i, 4);
    v->changed = changed_bits(sqlx_cell(r, i, 5));
    s = sqlx_cell(r, i, 6);
    if (s == NULL || !kb_status_parse(s, &v->status))
        v->status = KB_DRAFT;
    return parse_content(sqlx_cell(r, i, 7), a, &v->c, cause);
}

/* Reads the history of an article, or one version of it. */
static enum c311_rc
versions_work(struct sqlx *x, void *arg, char **cause)
{
    struct versions_arg *w = arg;
    const struct sqlx_val p[] = {SQLX_I(w->id), SQLX_I(w->n)};
    struct sqlx_rows r;
    int64_t exists;
    enum c311_rc rc;
    size_t i;

    rc = sqlx_scalar(x, "SELECT count(*) FROM kb_article WHERE id = $1", p, 1,
                     &exists, cause);
    if (rc != C311_OK)
        return rc;
    if (exists == 0)
        return store__fail(cause, C311_ERR_NOT_FOUND, "no article %lld",
                           (long long)w->id);
    rc = sqlx_exec(x,
                   w->n == 0 ? "SELECT " VERSION_COLS " FROM kb_version"
                               " WHERE article_id = $1 ORDER BY version"
                             : "SELECT " VERSION_COLS " FROM kb_version"
                               " WHERE article_id = $1 AND version = $2",
                   p, w->n == 0 ? 1 : 2, &r, cause);
    if (rc != C311_OK)
        return rc;
    if (r.nrows == 0)
        return store__fail(cause, C311_ERR_NOT_FOUND,
                           "article %lld has no version %d", (long long)w->id,
                           w->n);
    w->v = arena_alloc(x->a, r.nrows * sizeof(*w->v));
    if (w->v == NULL)
        return store__fail(cause, C311_ERR_NOMEM, "out of memory");
    for (i = 0; i < r.nrows; i++) {
        rc = read_version(&r, i, w->id, x->a, &w->v[i], cause);
        if (rc != C311_OK)
            return rc;
    }
    w->count = r.nrows;
    return C311_OK;
}

/* The history of an article; see kb_store.h. */
enum c311_rc
kb_store_versions(struct store *st, int64_t id, struct arena *a,
                  struct kb_version **out, size_t *n, char **cause)
{
    struct versions_arg w = {id, 0, NULL, 0};
    enum c311_rc rc;

    rc = sqlx_run(st, false, versions_work, &w, a, cause);
    *out = w.v;
    *n = w.count;
    return rc;
}

/* One version of an article; see kb_store.h. */
enum c311_rc
kb_store_version(struct store *st, int64_t id, int n, struct arena *a,
                 struct kb_version *out, char **cause)
{
    struct versions_arg w = {id, n, NULL, 0};
    enum c311_rc rc;

    if (n < 1)
        return store__fail(cause, C311_ERR_NOT_FOUND,
                           "article %lld has no version %d", (long long)id, n);
    rc = sqlx_run(st, false, versions_work, &w, a, cause);
    if (rc == C311_OK)
        *out = w.v[0];
    return rc;
}

/* ---- lists and search ---- */

/* Appends the SQL of filter f to to, its parameters to s. */
static void
filter_sql(struct kb__stmt *s, struct buf *to, const struct kb_filter *f)
{
    if (f->published_only)
        buf_puts(to, " AND a.status = 'published'");
    if (f->drafts_only)
        buf_puts(to, " AND a.status = 'draft'");
    if (f->lang != NULL) {
        buf_puts(to, " AND (a.lang = ");
        kb__param(s, to, SQLX_T(f->lang));
        buf_puts(to, " OR a.lang LIKE ");
        kb__param(s, to, SQLX_T(arena_printf(s->a, "%s-%%", f->lang)));
        buf_puts(to, ")");
    }
    if (f->category != NULL) {
        buf_puts(to, " AND a.category = ");
        kb__param(s, to, SQLX_T(f->category));
    }
    if (f->service != NULL) {
        buf_puts(to, " AND a.id IN (SELECT article_id FROM"
                     " kb_article_service WHERE service_code = ");
        kb__param(s, to, SQLX_T(f->service));
        buf_puts(to, ")");
    }
}

/* Runs a built statement and reads the articles it selects. */
static enum c311_rc
run_articles(struct sqlx *x, struct kb__stmt *s, struct kb_article **out,
             size_t *n, char **cause)
{
    struct sqlx_rows r;
    enum c311_rc rc;

    if (s->sql.failed || s->overflow)
        return store__fail(cause, C311_ERR_INTERNAL,
                           "a search statement is too large");
    rc = sqlx_exec(x, s->sql.data, s->p, s->np, &r, cause);
    if (rc != C311_OK)
        return rc;
    return read_articles(&r, x->a, out, n, cause);
}

struct list_arg {
    const struct kb_filter *f;
    const struct kb_term *t;
    size_t nt;
    bool any;
    size_t offset, limit;
    const int64_t *groups;
    size_t ngroups;
    int64_t group;
    struct kb_article *out;
    size_t n;
};

/* Lists articles passing a filter, by id. */
static enum c311_rc
list_work(struct sqlx *x, void *arg, char **cause)
{
    struct list_arg *w = arg;
    struct kb__stmt s = {BUF_INIT(SQL_MAX), {{0}}, 0, x->a, false};
    struct buf f = BUF_INIT(SQL_MAX);
    enum c311_rc rc;

    filter_sql(&s, &f, w->f);
    buf_printf(&s.sql, "SELECT %s FROM kb_article a WHERE 1 = 1%s",
               art_cols(x, x->a), f.data != NULL ? f.data : "");
    buf_printf(&s.sql, " ORDER BY a.id LIMIT %zu OFFSET %zu", w->limit,
               w->offset);
    rc = run_articles(x, &s, &w->out, &w->n, cause);
    buf_release(&f);
    buf_release(&s.sql);
    return rc;
}

/* Lists articles; see kb_store.h. */
enum c311_rc
kb_store_list(struct store *st, const struct kb_filter *f, size_t offset,
              size_t limit, struct arena *a, struct kb_article **out, size_t *n,
              char **cause)
{
    struct list_arg w = {0};
    enum c311_rc rc;

    w.f = f;
    w.offset = offset;
    w.limit = limit;
    rc = sqlx_run(st, false, list_work, &w, a, cause);
    *out = w.out;
    *n = w.n;
    return rc;
}

/* Lists the articles of some groups, in a language or all of them. */
static enum c311_rc
members_work(struct sqlx *x, void *arg, char **cause)
{
    struct list_arg *w = arg;
    struct kb__stmt s = {BUF_INIT(SQL_MAX), {{0}}, 0, x->a, false};
    struct buf f = BUF_INIT(SQL_MAX);
    enum c311_rc rc;
    size_t i;

    filter_sql(&s, &f, w->f);
    buf_printf(&s.sql, "SELECT %s FROM kb_article a WHERE a.group_id IN (",
               art_cols(x, x->a));
    for (i = 0; i < w->ngroups; i++) {
        if (i > 0)
            buf_puts(&s.sql, ", ");
        kb__param(&s, &s.sql, SQLX_I(w->groups[i]));
    }
    buf_printf(&s.sql, ")%s ORDER BY a.group_id, a.lang",
               f.data != NULL ? f.data : "");
    rc = run_articles(x, &s, &w->out, &w->n, cause);
    buf_release(&f);
    buf_release(&s.sql);
    return rc;
}

/* Articles of some groups in a language; see kb_store.h. */
enum c311_rc
kb_store_members(struct store *st, const int64_t *groups, size_t n,
                 const char *lang, bool published_only, struct arena *a,
                 struct kb_article **out, size_t *count, char **cause)
{
    struct kb_filter f = {published_only, false, lang, NULL, NULL};
    struct list_arg w = {0};
    enum c311_rc rc;

    *out = NULL;
    *count = 0;
    if (n == 0)
        return C311_OK;
    if (n > 50)
        return store__fail(cause, C311_ERR_INVALID, "more than 50 groups");
    w.f = &f;
    w.groups = groups;
    w.ngroups = n;
    rc = sqlx_run(st, false, members_work, &w, a, cause);
    *out = w.out;
    *count = w.n;
    return rc;
}

/* The translations of one group; see kb_store.h. */
enum c311_rc
kb_store_group(struct store *st, int64_t group_id, bool published_only,
               struct arena *a, struct kb_article **out, size_t *n,
               char **cause)
{
    return kb_store_members(st, &group_id, 1, NULL, published_only, a, out, n,
                            cause);
}

/*
 * Runs one candidate query; *ranked is how many articles the index
 * ranked before the filters (0 when nothing came back).
 */
static enum c311_rc
find_once(struct sqlx *x, struct list_arg *w, bool exact, size_t lim,
          size_t *ranked, char **cause)
{
    struct kb__stmt s = {BUF_INIT(SQL_MAX), {{0}}, 0, x->a, false};
    struct buf f = BUF_INIT(SQL_MAX);
    struct sqlx_rows r;
    enum c311_rc rc;

    *ranked = 0;
    filter_sql(&s, &f, w->f);
    rc = dialect_of(x)->find_sql(
        &s, art_cols(x, x->a), f.data != NULL ? f.data : "", w->t, w->nt,
        w->any, exact, KB_STORE_RANKED, KB_STORE_CANDIDATES);
    if (rc != C311_OK)
        rc = store__fail(cause, rc, "building a search failed");
    else if (s.sql.failed || s.overflow)
        rc = store__fail(cause, C311_ERR_INTERNAL,
                         "a search statement is too large");
    else
        rc = sqlx_exec(x, s.sql.data, s.p, s.np, &r, cause);
    if (rc == C311_OK)
        rc = read_articles(&r, x->a, &w->out, &w->n, cause);
    if (rc == C311_OK && r.nrows > 0)
        *ranked = (size_t)sqlx_int(&r, 0, AC_SERVICES + 1);
    buf_release(&f);
    buf_release(&s.sql);
    return rc;
}

/*
 * Finds search candidates: the index's best, filtered. When filters left
 * fewer than wanted out of a full ranked list, better matches that pass
 * them may lie further down: then again, filtering first.
 */
static enum c311_rc
find_work(struct sqlx *x, void *arg, char **cause)
{
    struct list_arg *w = arg;
    const struct kb_filter *f = w->f;
    bool filtered = f->published_only || f->drafts_only || f->lang != NULL ||
                    f->category != NULL || f->service != NULL;
    size_t ranked, lim = filtered ? KB_STORE_RANKED_FILTERED : KB_STORE_RANKED;
    enum c311_rc rc;

    rc = find_once(x, w, false, lim, &ranked, cause);
    if (rc != C311_OK || !filtered || w->n >= KB_STORE_CANDIDATES ||
        (w->n > 0 && ranked < lim))
        return rc;
    /* Some ranked articles were left out: filter them before ranking. */
    return find_once(x, w, true, KB_STORE_RANKED, &ranked, cause);
}

/* Search candidates; see kb_store.h. */
enum c311_rc
kb_store_find(struct store *st, const struct kb_filter *f,
              const struct kb_term *t, size_t nt, bool any, struct arena *a,
              struct kb_article **out, size_t *n, char **cause)
{
    struct list_arg w = {0};
    enum c311_rc rc;

    *out = NULL;
    *n = 0;
    if (nt == 0)
        return store__fail(cause, C311_ERR_INVALID, "a search needs a term");
    w.f = f;
    w.t = t;
    w.nt = nt;
    w.any = any;
    rc = sqlx_run(st, false, find_work, &w, a, cause);
    *out = w.out;
    *n = w.n;
    return rc;
}

/* Counts articles. */
static enum c311_rc
count_work(struct sqlx *x, void *arg, char **cause)
{
    return sqlx_scalar(x, "SELECT count(*) FROM kb_article", NULL, 0, arg,
                       cause);
}

/* The number of articles; see kb_store.h. */
enum c311_rc
kb_store_count(struct store *st, int64_t *n, char **cause)
{
    struct arena a = ARENA_INIT;
    enum c311_rc rc;

    rc = sqlx_run(st, false, count_work, n, &a, cause);
    arena_free(&a);
    return rc;
}

/* ---- usage ---- */

struct use_arg {
    int64_t id;
    const char *actor, *channel;
    bool without_request;
    int64_t now;
};

/* Records one use of an article that exists. */
static enum c311_rc
use_work(struct sqlx *x, void *arg, char **cause)
{
    struct use_arg *w = arg;
    const struct sqlx_val p[] = {SQLX_I(w->id), SQLX_I(w->now),
                                 SQLX_T(w->actor), SQLX_T(w->channel),
                                 SQLX_I(w->without_request ? 1 : 0)};
    int64_t exists;
    enum c311_rc rc;

    rc = sqlx_scalar(x, "SELECT count(*) FROM kb_article WHERE id = $1", p, 1,
                     &exists, cause);
    if (rc != C311_OK)
        return rc;
    if (exists == 0)
        return store__fail(cause, C311_ERR_NOT_FOUND, "no article %lld",
                           (long long)w->id);
    return sqlx_exec(x,
                     "INSERT INTO kb_use (article_id, at, actor, channel,"
                     " without_request) VALUES ($1, $2, $3, $4, $5)",
                     p, 5, NULL, cause);
}

/* Records a use; see kb_store.h. */
enum c311_rc
kb_store_use_add(struct store *st, int64_t id, const char *actor,
                 const char *channel, bool without_request, int64_t now,
                 char **cause)
{
    struct use_arg w = {id, actor, channel, without_request, now};
    struct arena a = ARENA_INIT;
    enum c311_rc rc;

    rc = sqlx_run(st, true, use_work, &w, &a, cause);
    arena_free(&a);
    return rc;
}

struct search_log_arg {
    const struct kb_search_entry *e;
    size_t n;
};

/* Appends searches to the log. */
static enum c311_rc
search_log_work(struct sqlx *x, void *arg, char **cause)
{
    const struct search_log_arg *w = arg;
    enum c311_rc rc = C311_OK;
    size_t i;

    for (i = 0; rc == C311_OK && i < w->n; i++) {
        const struct kb_search_entry *e = &w->e[i];
        const struct sqlx_val p[] = {
            SQLX_I(e->at),     SQLX_T(e->actor), SQLX_I(e->public ? 1 : 0),
            SQLX_T(e->query),  SQLX_T(e->norm),  SQLX_T(e->lang),
            SQLX_I(e->results)};

        rc = sqlx_exec(x,
                       "INSERT INTO kb_search (at, actor, public, query, norm,"
                       " lang, results) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                       p, 7, NULL, cause);
    }
    return rc;
}

/* Logs searches; see kb_store.h. */
enum c311_rc
kb_store_search_log(struct store *st, const struct kb_search_entry *e, size_t n,
                    char **cause)
{
    struct search_log_arg w = {e, n};
    struct arena a = ARENA_INIT;
    enum c311_rc rc;

    rc = sqlx_run(st, true, search_log_work, &w, &a, cause);
    arena_free(&a);
    return rc;
}

/* ---- the report ---- */

struct report_arg {
    int64_t from, to;
    const char *today;
    size_t limit;
    struct kb_report *out;
};

/* The most used articles of the period. */
static enum c311_rc
report_top(struct sqlx *x, struct report_arg *w, char **cause)
{
    const struct sqlx_val p[] = {SQLX_I(w->from), SQLX_I(w->to),
                                 SQLX_I(w->limit)};
    struct sqlx_rows r;
    enum c311_rc rc;
    size_t i;

    rc = sqlx_exec(x,
                   "SELECT a.id, a.title, a.lang, count(*) FROM kb_use u"
                   " JOIN kb_article a ON a.id = u.article_id"
                   " WHERE u.at >= $1 AND u.at < $2"
                   " GROUP BY a.id, a.title, a.lang"
                   " ORDER BY count(*) DESC, a.id LIMIT $3",
                   p, 3, &r, cause);
    if (rc != C311_OK)
        return rc;
    w->out->top = arena_alloc(x->a, (r.nrows + 1) * sizeof(*w->out->top));
    if (w->out->top == NULL)
        return store__fail(cause, C311_ERR_NOMEM, "out of memory");
    for (i = 0; i < r.nrows; i++) {
        w->out->top[i].id = sqlx_int(&r, i, 0);
        w->out->top[i].title = sqlx_cell(&r, i, 1);
        w->out->top[i].lang = sqlx_cell(&r, i, 2);
        w->out->top[i].uses = sqlx_int(&r, i, 3);
    }
    w->out->ntop = r.nrows;
    return C311_OK;
}

/* The totals of uses and searches in the period. */
static enum c311_rc
report_totals(struct sqlx *x, struct report_arg *w, char **cause)
{
    const struct sqlx_val p[] = {SQLX_I(w->from), SQLX_I(w->to)};
    struct sqlx_rows r;
    enum c311_rc rc;

    rc = sqlx_exec(x,
                   "SELECT count(*), coalesce(sum(without_request), 0)"
                   " FROM kb_use WHERE at >= $1 AND at < $2",
                   p, 2, &r, cause);
    if (rc != C311_OK)
        return rc;
    w->out->uses = sqlx_int(&r, 0, 0);
    w->out->without_request = sqlx_int(&r, 0, 1);
    rc = sqlx_exec(x,
                   "SELECT count(*), coalesce(sum(CASE WHEN results = 0"
                   " THEN 1 ELSE 0 END), 0) FROM kb_search"
                   " WHERE at >= $1 AND at < $2",
                   p, 2, &r, cause);
    if (rc != C311_OK)
        return rc;
    w->out->searches = sqlx_int(&r, 0, 0);
    w->out->empty_searches = sqlx_int(&r, 0, 1);
    return C311_OK;
}

/* The searches of the period that found nothing, grouped. */
static enum c311_rc
report_misses(struct sqlx *x, struct report_arg *w, char **cause)
{
    const struct sqlx_val p[] = {SQLX_I(w->from), SQLX_I(w->to),
                                 SQLX_I(w->limit)};
    struct sqlx_rows r;
    enum c311_rc rc;
    size_t i;

    rc = sqlx_exec(x,
                   "SELECT norm, count(*) FROM kb_search"
                   " WHERE results = 0 AND at >= $1 AND at < $2"
                   " GROUP BY norm ORDER BY count(*) DESC, norm LIMIT $3",
                   p, 3, &r, cause);
    if (rc != C311_OK)
        return rc;
    w->out->misses = arena_alloc(x->a, (r.nrows + 1) * sizeof(*w->out->misses));
    if (w->out->misses == NULL)
        return store__fail(cause, C311_ERR_NOMEM, "out of memory");
    for (i = 0; i < r.nrows; i++) {
        w->out->misses[i].query = sqlx_cell(&r, i, 0);
        w->out->misses[i].count = sqlx_int(&r, i, 1);
    }
    w->out->nmisses = r.nrows;
    return C311_OK;
}

/* The articles whose review date has passed. */
static enum c311_rc
report_overdue(struct sqlx *x, struct report_arg *w, char **cause)
{
    const struct sqlx_val p[] = {SQLX_T(w->today), SQLX_I(w->limit)};
    struct sqlx_rows r;
    const char *sql;
    enum c311_rc rc;

    sql = arena_printf(x->a,
                       "SELECT %s FROM kb_article a WHERE a.review_by < $1"
                       " ORDER BY a.review_by, a.id LIMIT $2",
                       art_cols(x, x->a));
    if (sql == NULL)
        return store__fail(cause, C311_ERR_NOMEM, "out of memory");
    rc = sqlx_exec(x, sql, p, 2, &r, cause);
    if (rc != C311_OK)
        return rc;
    return read_articles(&r, x->a, &w->out->overdue, &w->out->noverdue, cause);
}

/* Runs the four parts of the report on one connection. */
static enum c311_rc
report_work(struct sqlx *x, void *arg, char **cause)
{
    struct report_arg *w = arg;
    enum c311_rc rc;

    rc = report_top(x, w, cause);
    if (rc == C311_OK)
        rc = report_totals(x, w, cause);
    if (rc == C311_OK)
        rc = report_misses(x, w, cause);
    if (rc == C311_OK)
        rc = report_overdue(x, w, cause);
    return rc;
}

/* Usage over a period; see kb_store.h. */
enum c311_rc
kb_store_report(struct store *st, int64_t from, int64_t to, const char *today,
                size_t limit, struct arena *a, struct kb_report *out,
                char **cause)
{
    struct report_arg w = {from, to, today, limit, out};

    memset(out, 0, sizeof(*out));
    return sqlx_run(st, false, report_work, &w, a, cause);
}

/* Articles kb_store_reindex() indexes per transaction. */
#define REINDEX_BATCH 200

struct reindex_arg {
    int64_t after; /* the last id indexed */
    size_t n;      /* articles indexed by this batch */
};

/* Indexes the next batch of articles after w->after. */
static enum c311_rc
reindex_work(struct sqlx *x, void *arg, char **cause)
{
    struct reindex_arg *w = arg;
    const struct sqlx_val p[] = {SQLX_I(w->after), SQLX_I(REINDEX_BATCH)};
    struct sqlx_rows r;
    enum c311_rc rc;
    size_t i;

    w->n = 0;
    rc = sqlx_exec(x,
                   "SELECT id, title, tags, body FROM kb_article"
                   " WHERE id > $1 ORDER BY id LIMIT $2",
                   p, 2, &r, cause);
    for (i = 0; rc == C311_OK && i < r.nrows; i++) {
        w->after = sqlx_int(&r, i, 0);
        rc = dialect_of(x)->index(x, w->after, sqlx_cell(&r, i, 1),
                                  sqlx_cell(&r, i, 2), sqlx_cell(&r, i, 3),
                                  cause);
    }
    if (rc == C311_OK)
        w->n = r.nrows;
    return rc;
}

/* Rebuilds the whole search index; see kb_store.h. */
enum c311_rc
kb_store_reindex(struct store *st, int64_t *n, char **cause)
{
    struct reindex_arg w = {INT64_MIN, 0};
    struct arena a = ARENA_INIT;
    enum c311_rc rc;

    *n = 0;
    do {
        rc = sqlx_run(st, true, reindex_work, &w, &a, cause);
        arena_free(&a);
        *n += (int64_t)w.n;
    } while (rc == C311_OK && w.n == REINDEX_BATCH);
    return rc;
}

/* Sets *pending to whether kb_index_pending has a row. */
static enum c311_rc
pending_work(struct sqlx *x, void *arg, char **cause)
{
    struct sqlx_rows r;
    enum c311_rc rc;

    rc = sqlx_exec(x, "SELECT count(*) FROM kb_index_pending", NULL, 0, &r,
                   cause);
    if (rc == C311_OK)
        *(bool *)arg = sqlx_int(&r, 0, 0) > 0;
    return rc;
}

/* Empties kb_index_pending. */
static enum c311_rc
pending_done_work(struct sqlx *x, void *arg, char **cause)
{
    (void)arg;
    return sqlx_exec(x, "DELETE FROM kb_index_pending", NULL, 0, NULL, cause);
}

/* Rebuilds the index if a migration asked for it; see kb_store.h. */
enum c311_rc
kb_store_reindex_pending(struct store *st, int64_t *n, char **cause)
{
    struct arena a = ARENA_INIT;
    bool pending = false;
    enum c311_rc rc;

    *n = -1;
    rc = sqlx_run(st, false, pending_work, &pending, &a, cause);
    arena_free(&a);
    if (rc != C311_OK || !pending)
        return rc;
    rc = kb_store_reindex(st, n, cause);
    if (rc == C311_OK)
        rc = sqlx_run(st, true, pending_done_work, NULL, &a, cause);
    arena_free(&a);
    return rc;
}
