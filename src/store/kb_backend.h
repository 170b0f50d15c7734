/* SPDX-License-Identifier: MIT */
/*
 * What store/kb_store.c asks of each database for the knowledge base: the
 * SQL that aggregates an article's services, keeping the search index of
 * one article up to date, and the statement that finds search candidates.
 * store/sqlite_kb.c and store/pg_kb.c fill one table each.
 */
#ifndef CIVIC311_KB_BACKEND_H
#define CIVIC311_KB_BACKEND_H

#include <stdbool.h>
#include <stddef.h>

#include "core/kb_text.h"
#include "store/sqlx.h"
#include "util/buf.h"

/* The most parameters one knowledge base statement takes. */
#define KB__PARAMS_MAX 64

/* A statement being built, with its parameters. */
struct kb__stmt {
    struct buf sql;
    struct sqlx_val p[KB__PARAMS_MAX];
    size_t np;
    struct arena *a;
    bool overflow; /* too many parameters */
};

/* Adds a parameter to s and appends its placeholder ("$3") to to. */
void kb__param(struct kb__stmt *s, struct buf *to, struct sqlx_val v);

struct kb__dialect {
    /* An expression giving the services of article a, space-separated. */
    const char *services_sql;

    /*
     * Brings the search index of article id up to date with its title,
     * tags ("a, b") and body, inside the caller's transaction.
     */
    enum c311_rc (*index)(struct sqlx *x, int64_t id, const char *title,
                          const char *tags, const char *body, char **cause);

    /*
     * Appends to s a whole SELECT of cols (over kb_article as a), then the
     * number of ranked articles, for the candidates of the terms (all of
     * them, or any): the lim best by the index's rank, then those of them
     * that pass filters (" AND ..." whose parameters are already in s), at
     * most limit, best first. With exact, the filters apply before the
     * rank is cut instead, which reads every matching article.
     */
    enum c311_rc (*find_sql)(struct kb__stmt *s, const char *cols,
                             const char *filters, const struct kb_term *t,
                             size_t nt, bool any, bool exact, size_t lim,
                             size_t limit);
};

extern const struct kb__dialect kb__sqlite;
extern const struct kb__dialect kb__pg;

#endif
