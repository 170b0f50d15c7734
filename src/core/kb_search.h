/* SPDX-License-Identifier: MIT */
/*
 * Ranking knowledge base search results, the same on every back end. The
 * store finds candidate articles with its own index (store/kb.h); this
 * module decides which of them match, orders them, keeps one article per
 * translation group in the language asked for, and cuts a snippet with
 * the matches marked.
 *
 * Order: articles that match more terms first (this only differs when no
 * article matched them all and the search was loosened), then articles
 * in the language asked for, then articles linked to a service whose
 * keywords or name the query contains (more such keywords first), then by
 * score, then by id. The score adds, for each term, 10 when it is in the
 * title, 6 in the tags and 1 per match in the body up to 5.
 */
#ifndef CIVIC311_KB_SEARCH_H
#define CIVIC311_KB_SEARCH_H

#include <stdbool.h>
#include <stddef.h>

#include "core/catalog.h"
#include "core/kb.h"
#include "core/kb_text.h"
#include "util/arena.h"
#include "util/status.h"

#define KB_SCORE_TITLE    10
#define KB_SCORE_TAGS     6
#define KB_SCORE_BODY_MAX 5
#define KB_SNIPPET_CHARS  160

/* A service whose keywords the query names, and how many of them. */
struct kb_boost {
    const char *service;
    int weight;
};

/* One ranked article. */
struct kb_scored {
    const struct kb_article *art;
    int matched; /* terms found */
    int boost;   /* largest weight among the article's boosted services */
    int score;
    bool own; /* in the language asked for */
};

/*
 * The services of city whose keywords or names (any language) the query
 * contains: a keyword counts when each of its terms matches the query the
 * way a term matches an article. In a; *n may be 0.
 */
enum c311_rc kb_search_boosts(const struct city *city, const char *q,
                              struct arena *a, struct kb_boost **out,
                              size_t *n);

/*
 * Scores the n candidates against the terms and keeps those that match:
 * every term, or with any set at least one (nt == 0 keeps them all).
 * Sorted in the order above, then reduced to one article per group, at
 * the group's best place: its best match in the language want when one
 * of its matches is in it (those come first), else its best match. In a.
 */
enum c311_rc kb_search_rank(const struct kb_term *t, size_t nt, bool any,
                            const struct kb_article *cands, size_t n,
                            const struct kb_boost *b, size_t nb,
                            const char *want, struct arena *a,
                            struct kb_scored **out, size_t *nout);

/* True when an article in lang serves a reader who asked for want:
 * equal, or want is the primary subtag of lang ("zh" and "zh-Hans"). */
bool kb_search_lang_fits(const char *lang, const char *want);

/*
 * The language a reader's tag asks the knowledge base for, in a: the
 * language and its script, without a region, variant or private use
 * subtag ("es-MX", "es-419" and "zh-CN" ask for es and zh, as articles are
 * written once for every region; "zh-Hant-TW" asks for zh-Hant,
 * Traditional and Simplified Chinese being written apart). NULL for NULL
 * or when out of memory.
 */
const char *kb_search_want(const char *tag, struct arena *a);

/*
 * Puts each result in the language asked for: an article of the same
 * group in that language, found among the nm members, replaces the one
 * that matched. Results then shown in the language asked for come first,
 * others (groups without such a translation) after them, each part in
 * rank order. via[i] is set to the id of the article that matched when
 * result i was replaced, 0 otherwise (an array of n, in a).
 */
enum c311_rc kb_search_prefer(struct kb_scored *r, size_t n, const char *want,
                              const struct kb_article *members, size_t nm,
                              struct arena *a, int64_t **via);

/*
 * A snippet of plain text around the first match of any term: about
 * KB_SNIPPET_CHARS characters, "…" where text was cut, HTML-escaped, each
 * match wrapped in <mark></mark>. Without a match, the start of the text.
 * In a; NULL when out of memory.
 */
char *kb_search_snippet(const char *plain, const struct kb_term *t, size_t nt,
                        struct arena *a);

#endif
