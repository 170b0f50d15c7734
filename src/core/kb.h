/* SPDX-License-Identifier: MIT */
/*
 * The knowledge base as plain data: articles that agents answer
 * information requests from, their translations (articles of one group,
 * one per language), the services and department they belong to, and
 * the version history that every change adds to. This module checks what
 * an editor writes and says which fields a change touched; storage and
 * search live elsewhere (store/kb.h, core/kb_search.h).
 */
#ifndef CIVIC311_KB_H
#define CIVIC311_KB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/catalog.h"
#include "util/arena.h"
#include "util/status.h"

/* Limits on what an editor may write. */
#define KB_TITLE_MAX    200   /* characters */
#define KB_BODY_MAX     20000 /* bytes */
#define KB_CATEGORY_MAX 80    /* characters */
#define KB_TAG_MAX      40    /* characters per tag */
#define KB_TAGS_MAX     20
#define KB_SERVICES_MAX 10
#define KB_KEY_MAX      80 /* bytes of a data file's group key */

enum kb_status { KB_DRAFT, KB_PUBLISHED };

/*
 * What an editor writes and a version keeps. The language and the group
 * are set when the article is created and never change. Text fields may
 * be NULL when optional; review_by is a local date "YYYY-MM-DD".
 */
struct kb_content {
    const char *title;
    const char *body; /* plain text with light markdown (core/kb_md.h) */
    const char *category;
    const char *department; /* department code */
    const char *review_by;
    const char **tags;
    size_t ntags;
    const char **services; /* service codes */
    size_t nservices;
};

struct kb_article {
    int64_t id;
    int64_t group_id;      /* the id of the group's first article */
    const char *group_key; /* from a data file; NULL for editors' articles */
    const char *lang;
    struct kb_content c;
    enum kb_status status;
    int version; /* the newest version's number, from 1 */
    int64_t created_at;
    int64_t updated_at;
    int64_t published_at; /* 0 while a draft */
    const char *updated_by;
};

/* What one change to an article was. */
enum kb_action { KB_CREATED, KB_EDITED, KB_PUBLISHED_ACT, KB_RESTORED };

/* Field names a change can touch, as they appear in "changed" lists. */
enum kb_field {
    KB_F_TITLE = 1 << 0,
    KB_F_BODY = 1 << 1,
    KB_F_CATEGORY = 1 << 2,
    KB_F_DEPARTMENT = 1 << 3,
    KB_F_REVIEW_BY = 1 << 4,
    KB_F_TAGS = 1 << 5,
    KB_F_SERVICES = 1 << 6,
    KB_F_STATUS = 1 << 7
};

#define KB_NFIELDS 8

/* One entry of an article's history, with the content it left behind. */
struct kb_version {
    int64_t article_id;
    int version;
    int64_t at;
    const char *actor;
    enum kb_action action;
    int restored_from; /* the version copied back, for KB_RESTORED */
    unsigned changed;  /* enum kb_field bits */
    struct kb_content c;
    enum kb_status status;
};

/*
 * A problem with an editor's input: the field concerned, "required" (it
 * is missing) or "invalid" (it breaks a rule), and a sentence.
 */
struct kb_problem {
    const char *field;
    const char *code;
    const char *message;
};

const char *kb_status_name(enum kb_status s);
bool kb_status_parse(const char *name, enum kb_status *out);
const char *kb_action_name(enum kb_action a);
bool kb_action_parse(const char *name, enum kb_action *out);

/* The name of one field bit ("title", ...), or NULL for other values. */
const char *kb_field_name(unsigned bit);

/* True for a language tag such as "en", "zh", "zh-Hant". */
bool kb_lang_ok(const char *s);

/* True for a real local date written "YYYY-MM-DD". */
bool kb_date_ok(const char *s);

/*
 * Checks content against the limits above and against the city: known
 * service codes and department, a real review date, tags without commas
 * or line breaks, links in the body that are http, https, mailto or tel.
 * Returns true when all is well; otherwise fills *p (message allocated
 * in a) and returns false.
 */
bool kb_content_check(const struct kb_content *c, const struct city *city,
                      struct arena *a, struct kb_problem *p);

/* The fields (enum kb_field bits) in which a and b differ. */
unsigned kb_content_diff(const struct kb_content *a,
                         const struct kb_content *b);

/*
 * Joins tags into the one text the store keeps ("a, b, c"), in a; NULL
 * when there are none. kb_tags_split() gives them back.
 */
const char *kb_tags_join(const char *const *tags, size_t n, struct arena *a);
enum c311_rc kb_tags_split(const char *s, struct arena *a, const char ***out,
                           size_t *n);

#endif
