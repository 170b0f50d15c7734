/* SPDX-License-Identifier: MIT */
/*
 * Knowledge base articles: names of states and actions, the checks an
 * editor's input must pass, and the comparison that says which fields a
 * new version changed.
 */
#include <stdio.h>
#include <string.h>

#include "core/kb.h"
#include "core/kb_md.h"
#include "core/kb_text.h"

static const char *const status_names[] = {"draft", "published"};
static const char *const action_names[] = {"created", "edited", "published",
                                           "restored"};
static const char *const field_names[KB_NFIELDS] = {
    "title",     "body", "category", "department",
    "review_by", "tags", "services", "status"};

/* The name of a state. */
const char *
kb_status_name(enum kb_status s)
{
    return status_names[s];
}

/* Reads "draft" or "published". */
bool
kb_status_parse(const char *name, enum kb_status *out)
{
    size_t i;

    for (i = 0; i < 2; i++) {
        if (strcmp(name, status_names[i]) == 0) {
            *out = (enum kb_status)i;
            return true;
        }
    }
    return false;
}

/* The name of an action in the history. */
const char *
kb_action_name(enum kb_action a)
{
    return action_names[a];
}

/* Reads an action name. */
bool
kb_action_parse(const char *name, enum kb_action *out)
{
    size_t i;

    for (i = 0; i < 4; i++) {
        if (strcmp(name, action_names[i]) == 0) {
            *out = (enum kb_action)i;
            return true;
        }
    }
    return false;
}

/* The name of a single field bit. */
const char *
kb_field_name(unsigned bit)
{
    size_t i;

    for (i = 0; i < KB_NFIELDS; i++) {
        if (bit == 1u << i)
            return field_names[i];
    }
    return NULL;
}

/* True for "en", "zh", "es-MX", "zh-Hant": 2-3 letters, then subtags. */
bool
kb_lang_ok(const char *s)
{
    size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyz");

    if (n < 2 || n > 3)
        return false;
    s += n;
    while (*s == '-') {
        n = strspn(s + 1, "abcdefghijklmnopqrstuvwxyz"
                          "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
        if (n < 1 || n > 8)
            return false;
        s += 1 + n;
    }
    return *s == '\0';
}

/* True for "YYYY-MM-DD" naming a day that exists. */
bool
kb_date_ok(const char *s)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y, m, d, leap;
    size_t i;

    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return false;
    for (i = 0; i < 10; i++) {
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return false;
    }
    y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
        (s[3] - '0');
    m = (s[5] - '0') * 10 + (s[6] - '0');
    d = (s[8] - '0') * 10 + (s[9] - '0');
    if (y < 1900 || m < 1 || m > 12 || d < 1)
        return false;
    leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d <= mdays[m - 1] + (m == 2 ? leap : 0);
}

/* Sets *p ("invalid", or "required" when missing) and returns false. */
static bool
fail(struct kb_problem *p, struct arena *a, const char *field, const char *msg)
{
    size_t n = strlen(msg);

    p->field = field;
    p->code = n > 12 && strcmp(msg + n - 12, " is required") == 0 ? "required"
                                                                  : "invalid";
    p->message = arena_strdup(a, msg);
    if (p->message == NULL)
        p->message = "out of memory";
    return false;
}

/* True when s has a character that may not appear in a one-line text. */
static bool
has_control(const char *s)
{
    for (; *s != '\0'; s++) {
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return true;
    }
    return false;
}

/* Checks a one-line text of at most max characters; NULL is allowed. */
static bool
check_line(const char *s, size_t max, bool required, const char *field,
           struct arena *a, struct kb_problem *p)
{
    char msg[128];

    if (s == NULL || *s == '\0') {
        if (!required)
            return true;
        snprintf(msg, sizeof(msg), "%s is required", field);
        return fail(p, a, field, msg);
    }
    if (!kb_text_utf8_ok(s) || has_control(s)) {
        snprintf(msg, sizeof(msg),
                 "%s must be one line of UTF-8 text without control "
                 "characters",
                 field);
        return fail(p, a, field, msg);
    }
    if (kb_text_nchars(s, strlen(s)) > max) {
        snprintf(msg, sizeof(msg), "%s is longer than %zu characters", field,
                 max);
        return fail(p, a, field, msg);
    }
    return true;
}

/* Checks the body: present, UTF-8, within the size, links allowed. */
static bool
check_body(const char *body, struct arena *a, struct kb_problem *p)
{
    const char *bad = NULL;
    const char *s;

    if (body == NULL || *body == '\0')
        return fail(p, a, "body", "body is required");
    if (strlen(body) > KB_BODY_MAX)
        return fail(p, a, "body", "body is longer than 20000 bytes");
    if (!kb_text_utf8_ok(body))
        return fail(p, a, "body", "body is not valid UTF-8");
    for (s = body; *s != '\0'; s++) {
        if (((unsigned char)*s < 0x20 && *s != '\n' && *s != '\r' &&
             *s != '\t') ||
            *s == 0x7f)
            return fail(p, a, "body", "body has a control character");
    }
    if (!kb_md_links_ok(body, a, &bad)) {
        p->field = "body";
        p->code = "invalid";
        p->message = arena_printf(a,
                                  "link '%s' in body is not an http, https, "
                                  "mailto or tel address",
                                  bad != NULL ? bad : "?");
        if (p->message == NULL)
            p->message = "out of memory";
        return false;
    }
    return true;
}

/* Checks the tags: at most KB_TAGS_MAX one-line tags, no commas, unique. */
static bool
check_tags(const struct kb_content *c, struct arena *a, struct kb_problem *p)
{
    size_t i, j;

    if (c->ntags > KB_TAGS_MAX)
        return fail(p, a, "tags", "more than 20 tags");
    for (i = 0; i < c->ntags; i++) {
        if (!check_line(c->tags[i], KB_TAG_MAX, true, "tags", a, p))
            return false;
        if (strchr(c->tags[i], ',') != NULL)
            return fail(p, a, "tags", "a tag may not contain a comma");
        for (j = 0; j < i; j++) {
            if (strcmp(c->tags[i], c->tags[j]) == 0)
                return fail(p, a, "tags", "a tag is given twice");
        }
    }
    return true;
}

/* Checks the linked services: known codes, each once, at most ten. */
static bool
check_services(const struct kb_content *c, const struct city *city,
               struct arena *a, struct kb_problem *p)
{
    size_t i, j;

    if (c->nservices > KB_SERVICES_MAX)
        return fail(p, a, "services", "more than 10 linked services");
    for (i = 0; i < c->nservices; i++) {
        if (c->services[i] == NULL ||
            catalog_service(city, c->services[i]) == NULL) {
            p->field = "services";
            p->code = "invalid";
            p->message = arena_printf(a, "unknown service code '%s'",
                                      c->services[i] ? c->services[i] : "");
            if (p->message == NULL)
                p->message = "out of memory";
            return false;
        }
        for (j = 0; j < i; j++) {
            if (strcmp(c->services[i], c->services[j]) == 0)
                return fail(p, a, "services", "a service is linked twice");
        }
    }
    return true;
}

/* Checks an editor's content; see kb.h. */
bool
kb_content_check(const struct kb_content *c, const struct city *city,
                 struct arena *a, struct kb_problem *p)
{
    if (!check_line(c->title, KB_TITLE_MAX, true, "title", a, p) ||
        !check_body(c->body, a, p) ||
        !check_line(c->category, KB_CATEGORY_MAX, false, "category", a, p) ||
        !check_tags(c, a, p) || !check_services(c, city, a, p))
        return false;
    if (c->department != NULL &&
        catalog_department(city, c->department) == NULL) {
        p->field = "department";
        p->code = "invalid";
        p->message =
            arena_printf(a, "unknown department code '%s'", c->department);
        if (p->message == NULL)
            p->message = "out of memory";
        return false;
    }
    if (c->review_by != NULL && !kb_date_ok(c->review_by))
        return fail(p, a, "review_by",
                    "review_by must be a date written YYYY-MM-DD");
    return true;
}

/* True when two optional texts are equal (NULL equals ""). */
static bool
same_text(const char *x, const char *y)
{
    return strcmp(x != NULL ? x : "", y != NULL ? y : "") == 0;
}

/* True when two lists hold the same strings in the same order. */
static bool
same_list(const char *const *x, size_t nx, const char *const *y, size_t ny)
{
    size_t i;

    if (nx != ny)
        return false;
    for (i = 0; i < nx; i++) {
        if (strcmp(x[i], y[i]) != 0)
            return false;
    }
    return true;
}

/* Compares two contents field by field. */
unsigned
kb_content_diff(const struct kb_content *a, const struct kb_content *b)
{
    unsigned d = 0;

    if (!same_text(a->title, b->title))
        d |= KB_F_TITLE;
    if (!same_text(a->body, b->body))
        d |= KB_F_BODY;
    if (!same_text(a->category, b->category))
        d |= KB_F_CATEGORY;
    if (!same_text(a->department, b->department))
        d |= KB_F_DEPARTMENT;
    if (!same_text(a->review_by, b->review_by))
        d |= KB_F_REVIEW_BY;
    if (!same_list(a->tags, a->ntags, b->tags, b->ntags))
        d |= KB_F_TAGS;
    if (!same_list(a->services, a->nservices, b->services, b->nservices))
        d |= KB_F_SERVICES;
    return d;
}

/* Joins tags with ", ". */
const char *
kb_tags_join(const char *const *tags, size_t n, struct arena *a)
{
    size_t i, len = 0;
    char *s, *p;

    if (n == 0)
        return NULL;
    for (i = 0; i < n; i++)
        len += strlen(tags[i]) + 2;
    s = arena_alloc(a, len + 1);
    if (s == NULL)
        return NULL;
    p = s;
    for (i = 0; i < n; i++) {
        if (i > 0) {
            memcpy(p, ", ", 2);
            p += 2;
        }
        len = strlen(tags[i]);
        memcpy(p, tags[i], len);
        p += len;
    }
    *p = '\0';
    return s;
}

/* Splits "a, b, c" back into tags; NULL or "" gives none. */
enum c311_rc
kb_tags_split(const char *s, struct arena *a, const char ***out, size_t *n)
{
    const char **v;
    size_t cap = 1, len;
    const char *p;

    *out = NULL;
    *n = 0;
    if (s == NULL || *s == '\0')
        return C311_OK;
    for (p = s; *p != '\0'; p++)
        cap += *p == ',';
    v = arena_alloc(a, cap * sizeof(*v));
    if (v == NULL)
        return C311_ERR_NOMEM;
    for (p = s; *p != '\0';) {
        p += strspn(p, " ");
        len = strcspn(p, ",");
        while (len > 0 && p[len - 1] == ' ')
            len--;
        if (len > 0 && (v[*n] = arena_strndup(a, p, len)) == NULL)
            return C311_ERR_NOMEM;
        if (len > 0)
            (*n)++;
        p += strcspn(p, ",");
        if (*p == ',')
            p++;
    }
    *out = v;
    return C311_OK;
}
