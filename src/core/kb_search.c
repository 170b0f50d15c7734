/* SPDX-License-Identifier: MIT */
/*
 * Ranking, grouping by translation, language preference and snippets for
 * knowledge base search (see kb_search.h). Candidates come from the
 * store; everything here is plain computation on them, so both back ends
 * give the same answers.
 */
#include <stdlib.h>
#include <string.h>

#include "core/kb_search.h"
#include "util/buf.h"

#define SNIPPET_LEAD 40 /* characters shown before the first match */

/* True when every term of text (a keyword or a name) occurs in q. */
static bool
names_query(const char *text, const char *q, size_t qlen, struct arena *a,
            enum c311_rc *rc)
{
    struct kb_term *t;
    size_t n, i;

    *rc = kb_text_terms(text, a, &t, &n);
    if (*rc != C311_OK || n == 0)
        return false;
    for (i = 0; i < n; i++) {
        if (kb_text_find(q, qlen, &t[i], 0) < 0)
            return false;
    }
    return true;
}

/* The number of keywords and names of svc that the query names. */
static int
service_weight(const struct service *svc, const char *q, size_t qlen,
               struct arena *a, enum c311_rc *rc)
{
    int w = 0;
    size_t i;

    for (i = 0; i < svc->nkeywords && *rc == C311_OK; i++)
        w += names_query(svc->keywords[i], q, qlen, a, rc);
    for (i = 0; i < svc->name.n && *rc == C311_OK; i++)
        w += names_query(svc->name.v[i].text, q, qlen, a, rc);
    return w;
}

/* Finds the services a query names; see kb_search.h. */
enum c311_rc
kb_search_boosts(const struct city *city, const char *q, struct arena *a,
                 struct kb_boost **out, size_t *n)
{
    enum c311_rc rc = C311_OK;
    size_t i, qlen = strlen(q);
    int w;

    *n = 0;
    *out = arena_alloc(a, (city->nservices + 1) * sizeof(**out));
    if (*out == NULL)
        return C311_ERR_NOMEM;
    for (i = 0; i < city->nservices; i++) {
        w = service_weight(&city->services[i], q, qlen, a, &rc);
        if (rc != C311_OK)
            return rc;
        if (w > 0) {
            (*out)[*n].service = city->services[i].code;
            (*out)[*n].weight = w;
            (*n)++;
        }
    }
    return C311_OK;
}

/* True when lang is want, or want is lang's primary subtag. */
bool
kb_search_lang_fits(const char *lang, const char *want)
{
    size_t n;

    if (want == NULL || lang == NULL)
        return false;
    n = strlen(want);
    return strncmp(lang, want, n) == 0 && (lang[n] == '\0' || lang[n] == '-');
}

/* True when s[0, n) is n letters. */
static bool
all_alpha(const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z')))
            return false;
    }
    return true;
}

/* The language a tag asks for; see kb_search.h. */
const char *
kb_search_want(const char *tag, struct arena *a)
{
    size_t keep, n;

    if (tag == NULL)
        return NULL;
    keep = strcspn(tag, "-");
    if (tag[keep] == '\0')
        return tag;
    /* A script subtag right after the language stays, nothing else. */
    n = strcspn(tag + keep + 1, "-");
    if (n == 4 && all_alpha(tag + keep + 1, n))
        keep += 1 + n;
    return tag[keep] == '\0' ? tag : arena_strndup(a, tag, keep);
}

/* True when term t is among the tags. */
static bool
in_tags(const struct kb_article *art, const struct kb_term *t)
{
    size_t i;

    for (i = 0; i < art->c.ntags; i++) {
        if (kb_text_find(art->c.tags[i], strlen(art->c.tags[i]), t, 0) >= 0)
            return true;
    }
    return false;
}

/* Scores one article; matched counts the terms found anywhere. */
static void
score_one(struct kb_scored *s, const struct kb_term *t, size_t nt)
{
    const struct kb_article *art = s->art;
    bool title, tags;
    size_t i, body;

    for (i = 0; i < nt; i++) {
        title = kb_text_find(art->c.title, strlen(art->c.title), &t[i], 0) >= 0;
        tags = in_tags(art, &t[i]);
        body = kb_text_count(art->c.body, &t[i], KB_SCORE_BODY_MAX);
        if (title || tags || body > 0)
            s->matched++;
        s->score += (title ? KB_SCORE_TITLE : 0) + (tags ? KB_SCORE_TAGS : 0) +
                    (int)body;
    }
}

/* The largest boost among the services the article is linked to. */
static int
boost_of(const struct kb_article *art, const struct kb_boost *b, size_t nb)
{
    size_t i, j;
    int best = 0;

    for (i = 0; i < art->c.nservices; i++) {
        for (j = 0; j < nb; j++) {
            if (strcmp(art->c.services[i], b[j].service) == 0 &&
                b[j].weight > best)
                best = b[j].weight;
        }
    }
    return best;
}

/* qsort() order of results; see the top of kb_search.h. */
static int
scored_cmp(const void *x, const void *y)
{
    const struct kb_scored *a = x, *b = y;

    if (a->matched != b->matched)
        return a->matched > b->matched ? -1 : 1;
    if (a->own != b->own)
        return a->own ? -1 : 1;
    if (a->boost != b->boost)
        return a->boost > b->boost ? -1 : 1;
    if (a->score != b->score)
        return a->score > b->score ? -1 : 1;
    if (a->art->id != b->art->id)
        return a->art->id < b->art->id ? -1 : 1;
    return 0;
}

/*
 * Keeps the first result of each group in place; a later result of the
 * same group in the language wanted takes the place of a first one that
 * is not in it. Returns the new count.
 */
static size_t
one_per_group(struct kb_scored *v, size_t n, const char *want)
{
    size_t i, j, kept = 0;

    for (i = 0; i < n; i++) {
        for (j = 0; j < kept; j++) {
            if (v[j].art->group_id == v[i].art->group_id)
                break;
        }
        if (j == kept) {
            v[kept++] = v[i];
            continue;
        }
        if (!kb_search_lang_fits(v[j].art->lang, want) &&
            kb_search_lang_fits(v[i].art->lang, want))
            v[j].art = v[i].art;
    }
    return kept;
}

/* Ranks candidates; see kb_search.h. */
enum c311_rc
kb_search_rank(const struct kb_term *t, size_t nt, bool any,
               const struct kb_article *cands, size_t n,
               const struct kb_boost *b, size_t nb, const char *want,
               struct arena *a, struct kb_scored **out, size_t *nout)
{
    struct kb_scored *v;
    size_t i, k = 0;

    *out = NULL;
    *nout = 0;
    v = arena_alloc(a, (n ? n : 1) * sizeof(*v));
    if (v == NULL)
        return C311_ERR_NOMEM;
    for (i = 0; i < n; i++) {
        memset(&v[k], 0, sizeof(v[k]));
        v[k].art = &cands[i];
        score_one(&v[k], t, nt);
        if (nt > 0 && (any ? v[k].matched == 0 : v[k].matched < (int)nt))
            continue;
        v[k].boost = boost_of(&cands[i], b, nb);
        v[k].own = kb_search_lang_fits(cands[i].lang, want);
        k++;
    }
    qsort(v, k, sizeof(*v), scored_cmp);
    *out = v;
    *nout = one_per_group(v, k, want);
    return C311_OK;
}

/* Puts results in the language wanted; see kb_search.h. */
enum c311_rc
kb_search_prefer(struct kb_scored *r, size_t n, const char *want,
                 const struct kb_article *members, size_t nm, struct arena *a,
                 int64_t **via)
{
    struct kb_scored *tmp;
    int64_t *v, *vtmp;
    size_t i, j, k = 0;

    *via = v = arena_alloc(a, (n ? n : 1) * sizeof(*v));
    tmp = arena_alloc(a, (n ? n : 1) * sizeof(*tmp));
    vtmp = arena_alloc(a, (n ? n : 1) * sizeof(*vtmp));
    if (v == NULL || tmp == NULL || vtmp == NULL)
        return C311_ERR_NOMEM;
    if (want == NULL)
        return C311_OK;
    for (i = 0; i < n; i++) {
        if (kb_search_lang_fits(r[i].art->lang, want))
            continue;
        for (j = 0; j < nm; j++) {
            if (members[j].group_id == r[i].art->group_id &&
                kb_search_lang_fits(members[j].lang, want)) {
                v[i] = r[i].art->id;
                r[i].art = &members[j];
                break;
            }
        }
    }
    /* A stable partition: the language wanted first. */
    for (i = 0; i < n; i++) {
        if (kb_search_lang_fits(r[i].art->lang, want)) {
            tmp[k] = r[i];
            vtmp[k++] = v[i];
        }
    }
    for (i = 0; i < n; i++) {
        if (!kb_search_lang_fits(r[i].art->lang, want)) {
            tmp[k] = r[i];
            vtmp[k++] = v[i];
        }
    }
    memcpy(r, tmp, n * sizeof(*r));
    memcpy(v, vtmp, n * sizeof(*v));
    return C311_OK;
}

/* Moves back over up to n code points from at. */
static size_t
back_chars(const char *s, size_t at, size_t n)
{
    while (at > 0 && n > 0) {
        do
            at--;
        while (at > 0 && ((unsigned char)s[at] & 0xc0) == 0x80);
        n--;
    }
    return at;
}

/* Moves forward over up to n code points from at, within len. */
static size_t
fwd_chars(const char *s, size_t len, size_t at, size_t n)
{
    while (at < len && n > 0) {
        do
            at++;
        while (at < len && ((unsigned char)s[at] & 0xc0) == 0x80);
        n--;
    }
    return at;
}

/* Appends s[0, n) escaped for HTML. */
static void
put_escaped(struct buf *b, const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        switch (s[i]) {
        case '&':
            buf_puts(b, "&amp;");
            break;
        case '<':
            buf_puts(b, "&lt;");
            break;
        case '>':
            buf_puts(b, "&gt;");
            break;
        case '"':
            buf_puts(b, "&quot;");
            break;
        case '\'':
            buf_puts(b, "&#39;");
            break;
        default:
            buf_putc(b, s[i]);
        }
    }
}

/* The length in plain of the longest term matching at plain[at], or 0. */
static size_t
match_len(const char *plain, size_t len, size_t at, const struct kb_term *t,
          size_t nt)
{
    size_t i, m, best = 0;

    for (i = 0; i < nt; i++) {
        m = kb_text_match_at(plain, len, at, &t[i]);
        if (m > best)
            best = m;
    }
    return best;
}

/* The first match of any term, or -1. */
static long
first_match(const char *plain, size_t len, const struct kb_term *t, size_t nt)
{
    long best = -1, at;
    size_t i;

    for (i = 0; i < nt; i++) {
        at = kb_text_find(plain, len, &t[i], 0);
        if (at >= 0 && (best < 0 || at < best))
            best = at;
    }
    return best;
}

/* Writes plain[start, end) with the matches marked. */
static void
mark_window(struct buf *b, const char *plain, size_t len, size_t start,
            size_t *end, const struct kb_term *t, size_t nt)
{
    size_t at = start, m, k;

    while (at < *end) {
        m = match_len(plain, len, at, t, nt);
        if (m > 0) {
            if (at + m > *end)
                *end = at + m;
            buf_puts(b, "<mark>");
            put_escaped(b, plain + at, m);
            buf_puts(b, "</mark>");
            at += m;
            continue;
        }
        k = fwd_chars(plain, len, at, 1) - at;
        put_escaped(b, plain + at, k);
        at += k;
    }
}

/* Cuts a snippet; see kb_search.h. */
char *
kb_search_snippet(const char *plain, const struct kb_term *t, size_t nt,
                  struct arena *a)
{
    struct buf b = BUF_INIT(0);
    size_t len = strlen(plain), start = 0, end, sp;
    long first = first_match(plain, len, t, nt);
    char *s;

    if (first > 0) {
        start = back_chars(plain, (size_t)first, SNIPPET_LEAD);
        /* Start after a space when one is near, not inside a word. */
        sp = start;
        while (start > 0 && sp < (size_t)first && plain[sp] != ' ')
            sp++;
        if (start > 0 && sp < (size_t)first)
            start = sp + 1;
    }
    end = fwd_chars(plain, len, start, KB_SNIPPET_CHARS);
    if (start > 0)
        buf_puts(&b, "\xe2\x80\xa6");
    mark_window(&b, plain, len, start, &end, t, nt);
    if (end < len)
        buf_puts(&b, "\xe2\x80\xa6");
    if (b.failed) {
        buf_release(&b);
        return NULL;
    }
    s = arena_strdup(a, b.data != NULL ? b.data : "");
    buf_release(&b);
    return s;
}
