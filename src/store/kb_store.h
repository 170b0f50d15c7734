/* SPDX-License-Identifier: MIT */
/*
 * The knowledge base in the store: articles with their linked services,
 * the version history every change appends to (in the same transaction),
 * the search index, article uses and the search log. Written once on
 * store/sqlx.h; the parts that differ between databases (the full-text
 * index and the candidate query) are in store/sqlite_kb.c (FTS5 with the
 * trigram tokenizer, plus a table of short grams) and store/pg_kb.c (a
 * GIN-indexed tsvector of lexemes computed by core/kb_text.h).
 *
 * Articles come back with services sorted by code. Errors: C311_ERR_NOT_FOUND
 * for an unknown article or version, C311_ERR_CONFLICT for a second article
 * of one group in one language or a stale expected version.
 *
 * civic311 copy moves the tables but not the search index, which differs
 * between the databases: it calls kb_store_reindex() on the new store.
 */
#ifndef CIVIC311_KB_STORE_H
#define CIVIC311_KB_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/kb.h"
#include "core/kb_text.h"
#include "store/store.h"

/*
 * Search candidates fetched at most, before ranking (core/kb_search.h),
 * out of the KB_STORE_RANKED best by the index's own rank in each tier,
 * or KB_STORE_RANKED_FILTERED when filters will leave some of them out.
 */
#define KB_STORE_CANDIDATES      100
#define KB_STORE_RANKED          150
#define KB_STORE_RANKED_FILTERED 600

/* Which articles a list or search looks at; NULL or false: any. */
struct kb_filter {
    bool published_only;
    bool drafts_only;
    const char *lang; /* this language only (primary subtag matches too) */
    const char *category;
    const char *service;
};

/*
 * Adds art: a new group when art->group_id is 0 (or when art->group_key
 * names no group yet), else a translation in that group. Sets id,
 * group_id, version 1 and the times; a published article also gets
 * published_at. Records version 1 ("created").
 */
enum c311_rc kb_store_create(struct store *st, struct kb_article *art,
                             const char *actor, int64_t now, char **cause);

/*
 * Adds n articles as kb_store_create() does, in one transaction: all of
 * them or, on any failure, none.
 */
enum c311_rc kb_store_create_many(struct store *st, struct kb_article *arts,
                                  size_t n, const char *actor, int64_t now,
                                  char **cause);

/* Loads one article (in a). */
enum c311_rc kb_store_get(struct store *st, int64_t id, struct arena *a,
                          struct kb_article *out, char **cause);

/*
 * The article of a data file's group key in lang, C311_ERR_NOT_FOUND when
 * there is none.
 */
enum c311_rc kb_store_by_key(struct store *st, const char *key,
                             const char *lang, struct arena *a,
                             struct kb_article *out, char **cause);

/*
 * Replaces the content of article id and appends a version: action
 * KB_EDITED, or KB_RESTORED with restored_from naming the version copied.
 * expect, when not 0, must be the article's current version. An edit that
 * changes nothing appends nothing. *out is the article afterwards (in a).
 */
enum c311_rc kb_store_update(struct store *st, int64_t id,
                             const struct kb_content *c, int expect,
                             enum kb_action action, int restored_from,
                             const char *actor, int64_t now, struct arena *a,
                             struct kb_article *out, char **cause);

/*
 * Publishes a draft and appends a version ("published", status changed);
 * an article already published is left as it is. *out as above.
 */
enum c311_rc kb_store_publish(struct store *st, int64_t id, const char *actor,
                              int64_t now, struct arena *a,
                              struct kb_article *out, char **cause);

/* The history of article id, oldest first (in a). */
enum c311_rc kb_store_versions(struct store *st, int64_t id, struct arena *a,
                               struct kb_version **out, size_t *n,
                               char **cause);

/* Version n of article id (in a). */
enum c311_rc kb_store_version(struct store *st, int64_t id, int n,
                              struct arena *a, struct kb_version *out,
                              char **cause);

/* Articles passing f, by id, from offset, at most limit (in a). */
enum c311_rc kb_store_list(struct store *st, const struct kb_filter *f,
                           size_t offset, size_t limit, struct arena *a,
                           struct kb_article **out, size_t *n, char **cause);

/* The articles of group_id, by language (in a). */
enum c311_rc kb_store_group(struct store *st, int64_t group_id,
                            bool published_only, struct arena *a,
                            struct kb_article **out, size_t *n, char **cause);

/*
 * For each of the n groups (at most 50), its articles in language lang
 * (as kb_search_lang_fits() takes it), passing published_only (in a).
 */
enum c311_rc kb_store_members(struct store *st, const int64_t *groups, size_t n,
                              const char *lang, bool published_only,
                              struct arena *a, struct kb_article **out,
                              size_t *count, char **cause);

/*
 * Up to KB_STORE_CANDIDATES articles passing f that may match the terms:
 * all of them, or with any set one of them. Every article that matches
 * by the rules of core/kb_text.h is among them unless there are more
 * candidates than that; some returned may not match. nt must be > 0.
 */
enum c311_rc kb_store_find(struct store *st, const struct kb_filter *f,
                           const struct kb_term *t, size_t nt, bool any,
                           struct arena *a, struct kb_article **out, size_t *n,
                           char **cause);

/* The number of articles. */
enum c311_rc kb_store_count(struct store *st, int64_t *n, char **cause);

/* Records that article id answered a contact; NOT_FOUND when unknown. */
enum c311_rc kb_store_use_add(struct store *st, int64_t id, const char *actor,
                              const char *channel, bool without_request,
                              int64_t now, char **cause);

/* One search, for the log; norm is the query as reports group it. */
struct kb_search_entry {
    int64_t at;
    const char *actor; /* NULL for the public */
    bool public;
    const char *query;
    const char *norm;
    const char *lang;
    int64_t results;
};

/* Appends n searches to the log in one transaction. */
enum c311_rc kb_store_search_log(struct store *st,
                                 const struct kb_search_entry *e, size_t n,
                                 char **cause);

/* What kb_store_report() finds over a period. */
struct kb_report_top {
    int64_t id;
    const char *title;
    const char *lang;
    int64_t uses;
};

struct kb_report_miss {
    const char *query; /* normalised */
    int64_t count;
};

struct kb_report {
    struct kb_report_top *top; /* most used first, ties by id */
    size_t ntop;
    int64_t uses;                  /* uses recorded in the period */
    int64_t without_request;       /* of which answered without a request */
    struct kb_report_miss *misses; /* most frequent first, ties by query */
    size_t nmisses;
    int64_t searches;           /* searches logged in the period */
    int64_t empty_searches;     /* of which found nothing */
    struct kb_article *overdue; /* review_by before today, oldest first */
    size_t noverdue;
};

/*
 * Usage over [from, to) and articles whose review date is before today
 * ("YYYY-MM-DD"); at most limit entries in each list (in a).
 */
enum c311_rc kb_store_report(struct store *st, int64_t from, int64_t to,
                             const char *today, size_t limit, struct arena *a,
                             struct kb_report *out, char **cause);

/*
 * Rebuilds the search index of every article from its title, tags and
 * body, a batch of articles per transaction: after a copy, whose rows
 * carry no index. *n receives the number of articles indexed.
 */
enum c311_rc kb_store_reindex(struct store *st, int64_t *n, char **cause);

/*
 * Rebuilds the search index as kb_store_reindex() does when a migration
 * changed how it is built and left a row in kb_index_pending (the rows
 * are removed once it is done), which store_open() checks. *n is the
 * number of articles indexed, or -1 when nothing was pending.
 */
enum c311_rc kb_store_reindex_pending(struct store *st, int64_t *n,
                                      char **cause);

#endif
