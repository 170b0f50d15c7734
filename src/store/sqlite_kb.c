/* SPDX-License-Identifier: MIT */
/*
 * The knowledge base index on SQLite. Terms of three characters or more
 * are looked up in kb_fts, an FTS5 table with the trigram tokenizer over
 * the folded title, tags and body (core/kb_text.h: no case, no accents),
 * which finds any substring of three characters or more, Chinese
 * included. Its rowid is the article's id.
 * Shorter terms have no trigram: for them kb_gram holds, per article, the
 * one- and two-character prefixes of its words and every CJK character
 * and pair of characters (拖车), with a weight saying where they occur (4
 * title, 2 tags, 1 body, added up).
 *
 * Candidates are ranked by bm25 weighted like core/kb_search.h. For one
 * word, or any of several, they come in two tiers as on PostgreSQL:
 * articles with a term in the title or tags, ranked; then the others, by
 * id, so that a common word does not cost a bm25 for each of thousands of
 * articles. Several words that must all match are ranked at once.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "store/backend.h"
#include "store/kb_backend.h"

/* Adds the folded texts of article id to kb_fts. */
static enum c311_rc
fts_write(struct sqlx *x, int64_t id, const char *title, const char *tags,
          const char *body, char **cause)
{
    const char *ft = kb_text_fold_text(title, x->a);
    const char *fg = tags != NULL ? kb_text_fold_text(tags, x->a) : NULL;
    const char *fb = kb_text_fold_text(body, x->a);

    if (ft == NULL || fb == NULL || (tags != NULL && fg == NULL))
        return store__fail(cause, C311_ERR_NOMEM, "out of memory");
    {
        const struct sqlx_val p[] = {SQLX_I(id), SQLX_T(ft), SQLX_T(fg),
                                     SQLX_T(fb)};

        return sqlx_exec(x,
                         "INSERT INTO kb_fts (rowid, title, tags, body)"
                         " VALUES ($1, $2, $3, $4)",
                         p, 4, NULL, cause);
    }
}

/* Rebuilds the folded texts and the short grams of article id. */
static enum c311_rc
sqlite_kb_index(struct sqlx *x, int64_t id, const char *title, const char *tags,
                const char *body, char **cause)
{
    const char *texts[3] = {title, tags, body};
    const struct sqlx_val del[] = {SQLX_I(id)};
    struct kb_lexeme *lex;
    json_t *rows = json_array(), *row;
    char *text = NULL;
    const char *json;
    enum c311_rc rc;
    size_t i, n;

    rc = sqlx_exec(x, "DELETE FROM kb_gram WHERE article_id = $1", del, 1, NULL,
                   cause);
    if (rc == C311_OK)
        rc = sqlx_exec(x, "DELETE FROM kb_fts WHERE rowid = $1", del, 1, NULL,
                       cause);
    if (rc == C311_OK)
        rc = fts_write(x, id, title, tags, body, cause);
    if (rc != C311_OK)
        goto out;
    rc = kb_text_lexemes(texts, 3, KB_LEX_PREFIX | KB_LEX_CJK, x->a, &lex, &n);
    for (i = 0; rc == C311_OK && rows != NULL && i < n; i++) {
        row = json_pack("[s, i]", lex[i].text,
                        (lex[i].in & 1 ? 4 : 0) + (lex[i].in & 2 ? 2 : 0) +
                            (lex[i].in & 4 ? 1 : 0));
        if (json_array_append_new(rows, row) < 0)
            rc = C311_ERR_NOMEM;
    }
    if (rc == C311_OK && rows != NULL)
        text = json_dumps(rows, JSON_COMPACT);
    if (rc != C311_OK || text == NULL ||
        (json = arena_strdup(x->a, text)) == NULL) {
        rc = store__fail(cause, C311_ERR_NOMEM, "out of memory");
        goto out;
    }
    {
        const struct sqlx_val p[] = {SQLX_I(id), SQLX_T(json)};

        rc = sqlx_exec(x,
                       "INSERT INTO kb_gram (gram, article_id, weight)"
                       " SELECT value ->> 0, $1, value ->> 1"
                       " FROM json_each($2)",
                       p, 2, NULL, cause);
    }
out:
    free(text);
    json_decref(rows);
    return rc;
}

/* True when a term goes to kb_fts rather than kb_gram. */
static bool
is_long(const struct kb_term *t)
{
    return t->nchars >= 3;
}

/* Appends the FTS5 expression of the long terms, joined by op, to q. */
static void
fts_terms(struct buf *q, const struct kb_term *t, size_t nt, const char *op)
{
    bool first = true;
    size_t i;

    buf_putc(q, '(');
    for (i = 0; i < nt; i++) {
        if (!is_long(&t[i]))
            continue;
        /* Terms hold letters and digits only: no quote to double. */
        buf_printf(q, "%s\"%s\"", first ? "" : op, t[i].text);
        first = false;
    }
    buf_putc(q, ')');
}

/*
 * Adds the FTS5 query of one tier as a parameter: tier 0 the terms (all,
 * or any), tier 1 any of them in the title or tags, tier 2 the terms with
 * none of them there.
 */
static void
fts_param(struct kb__stmt *s, const struct kb_term *t, size_t nt, bool any,
          int tier)
{
    struct buf q = BUF_INIT(4096);

    if (tier != 1)
        fts_terms(&q, t, nt, any ? " OR " : " AND ");
    if (tier == 1)
        buf_puts(&q, "{title tags} : ");
    else if (tier == 2)
        buf_puts(&q, " NOT {title tags} : ");
    if (tier != 0)
        fts_terms(&q, t, nt, " OR ");
    kb__param(s, &s->sql,
              SQLX_T(arena_strdup(s->a, q.data != NULL ? q.data : "")));
    buf_release(&q);
}

/*
 * Appends " AND ID IN (articles with gram t)" for each short term, ID
 * being the column that holds the article id.
 */
static void
gram_filters(struct kb__stmt *s, const char *id, const struct kb_term *t,
             size_t nt, size_t skip)
{
    size_t i;

    for (i = 0; i < nt; i++) {
        if (is_long(&t[i]) || i == skip)
            continue;
        buf_printf(&s->sql,
                   " AND %s IN (SELECT article_id FROM kb_gram"
                   " WHERE gram = ",
                   id);
        kb__param(s, &s->sql, SQLX_T(t[i].text));
        buf_puts(&s->sql, ")");
    }
}

/* The bm25 of kb_fts weighted like core/kb_search.h: title, tags, body. */
#define KB_BM25 "bm25(kb_fts, 10.0, 6.0, 1.0)"

/*
 * The FROM of a ranked list: an FTS or gram table alone, or joined to the
 * article when filters are to be applied to it (exact).
 */
static void
ranked_from(struct kb__stmt *s, const char *table, const char *id, bool exact)
{
    buf_printf(&s->sql, " FROM %s", table);
    if (exact)
        buf_printf(&s->sql, " JOIN kb_article a ON a.id = %s", id);
}

/*
 * Appends one tier of the long terms as "SELECT * FROM (SELECT id, k
 * ...)": tier 0 (every match) and tier 1 ranked by bm25, tier 2 by id
 * with k = 1e9 (after tier 1). With exact, filters apply already here.
 */
static void
fts_tier(struct kb__stmt *s, const char *filters, bool exact,
         const struct kb_term *t, size_t nt, bool any, int tier, size_t lim)
{
    buf_printf(&s->sql, "SELECT * FROM (SELECT kb_fts.rowid AS id, %s AS k",
               tier != 2 ? KB_BM25 : "1e9");
    ranked_from(s, "kb_fts", "kb_fts.rowid", exact);
    buf_puts(&s->sql, " WHERE kb_fts MATCH ");
    fts_param(s, t, nt, any, tier);
    if (!any)
        gram_filters(s, "kb_fts.rowid", t, nt, nt);
    buf_printf(&s->sql, "%s ORDER BY %s LIMIT %zu)", exact ? filters : "",
               tier != 2 ? "k" : "kb_fts.rowid", lim);
}

/*
 * Appends the short terms' part as "SELECT * FROM (SELECT id, k ...)":
 * every short term (or any), k the negated weight of the first (or the
 * best), the heaviest first.
 */
static void
gram_part(struct kb__stmt *s, const char *filters, bool exact,
          const struct kb_term *t, size_t nt, bool any, size_t lim)
{
    size_t i, first = nt, nshort = 0;

    for (i = 0; i < nt; i++) {
        if (is_long(&t[i]))
            continue;
        nshort++;
        if (first == nt)
            first = i;
    }
    buf_puts(&s->sql, "SELECT * FROM (SELECT g.article_id AS id,"
                      " -max(g.weight) AS k");
    ranked_from(s, "kb_gram g", "g.article_id", exact);
    buf_puts(&s->sql, " WHERE g.gram IN (");
    for (i = 0; i < nt; i++) {
        if (is_long(&t[i]) || (!any && i != first))
            continue;
        kb__param(s, &s->sql, SQLX_T(t[i].text));
        if (any && --nshort > 0)
            buf_puts(&s->sql, ", ");
    }
    buf_puts(&s->sql, ")");
    if (!any)
        gram_filters(s, "g.article_id", t, nt, first);
    buf_printf(&s->sql, "%s GROUP BY g.article_id ORDER BY k, id LIMIT %zu)",
               exact ? filters : "", lim);
}

/*
 * Appends "SELECT id, k ...", the ranked candidates: the long terms' part
 * (short ones filter it when all terms are wanted), or without a long
 * term the short terms' part; for any term, both. The long terms' part
 * is in two tiers when one word, or any, may match many articles; when
 * several must all match, the few that do are ranked at once, which costs
 * less than matching them twice.
 */
static void
ranked(struct kb__stmt *s, const char *filters, bool exact,
       const struct kb_term *t, size_t nt, bool any, size_t lim)
{
    size_t i, nlong = 0;

    for (i = 0; i < nt; i++)
        nlong += is_long(&t[i]);
    buf_puts(&s->sql, "SELECT id, min(k) FROM (");
    if (nlong > 1 && !any) {
        fts_tier(s, filters, exact, t, nt, any, 0, lim);
    } else if (nlong > 0) {
        fts_tier(s, filters, exact, t, nt, any, 1, lim);
        buf_puts(&s->sql, " UNION ALL ");
        fts_tier(s, filters, exact, t, nt, any, 2, lim);
    }
    if (nlong < nt && (any || nlong == 0)) {
        if (nlong > 0)
            buf_puts(&s->sql, " UNION ALL ");
        gram_part(s, filters, exact, t, nt, any, lim);
    }
    buf_puts(&s->sql, ") GROUP BY id");
}

/* Builds the candidate query; see kb_backend.h. */
static enum c311_rc
sqlite_kb_find_sql(struct kb__stmt *s, const char *cols, const char *filters,
                   const struct kb_term *t, size_t nt, bool any, bool exact,
                   size_t lim, size_t limit)
{
    buf_puts(&s->sql, "WITH r (id, k) AS (");
    ranked(s, filters, exact, t, nt, any, lim);
    buf_printf(&s->sql,
               ") SELECT %s, (SELECT count(*) FROM r) FROM r JOIN kb_article"
               " a ON a.id = r.id WHERE 1 = 1%s ORDER BY r.k, a.id LIMIT %zu",
               cols, exact ? "" : filters, limit);
    return s->sql.failed || s->overflow ? C311_ERR_TOO_LARGE : C311_OK;
}

const struct kb__dialect kb__sqlite = {
    .services_sql = "(SELECT group_concat(service_code, ' ')"
                    " FROM kb_article_service s WHERE s.article_id = a.id)",
    .index = sqlite_kb_index,
    .find_sql = sqlite_kb_find_sql,
};
