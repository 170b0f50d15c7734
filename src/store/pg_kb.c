/* SPDX-License-Identifier: MIT */
/*
 * The knowledge base index on PostgreSQL: a tsvector column with a GIN
 * index. Its lexemes are computed by core/kb_text.h, not by a text search
 * parser, and written as a tsvector literal: whole words (a word term
 * matches them as a prefix, 'tow':*) and every CJK character and pair of
 * characters (a CJK term needs all its pairs, '拖' & '车' giving '拖车').
 * Weights say where a lexeme occurs (A title, B tags, D body). heads, a
 * second indexed vector, holds the lexemes of the title and tags alone.
 *
 * Candidates are ranked by ts_rank over heads: ranking over the whole
 * vector would read the long vector of each of thousands of articles
 * that a common word matches. For one word, or any of several, they come
 * in two tiers as on SQLite: articles with a term in the title or tags,
 * ranked; then the others, by id. Several words that must all match are
 * ranked at once.
 *
 * pg_trgm is not used: which characters it reads as parts of words depends
 * on the database's LC_CTYPE, and under the C locale it extracts no
 * trigram at all from Chinese text.
 */
#include <string.h>

#include "store/backend.h"
#include "store/kb_backend.h"

/* Appends s quoted as a tsvector or tsquery lexeme. */
static void
put_lexeme(struct buf *b, const char *s)
{
    buf_putc(b, '\'');
    for (; *s != '\0'; s++) {
        if (*s == '\'' || *s == '\\')
            buf_putc(b, *s);
        buf_putc(b, *s);
    }
    buf_putc(b, '\'');
}

/* The weight letter of a lexeme found in the texts of in. */
static char
weight_of(unsigned in)
{
    if (in & 1)
        return 'A';
    return in & 2 ? 'B' : 'D';
}

/*
 * The tsvector literal of the lexemes of texts found in any of the texts
 * of mask, in a; NULL when out of memory.
 */
static const char *
vector_of(const struct kb_lexeme *lex, size_t n, unsigned mask, struct arena *a)
{
    struct buf v = BUF_INIT(4u << 20);
    const char *text = NULL;
    bool first = true;
    size_t i;

    for (i = 0; i < n; i++) {
        if (!(lex[i].in & mask))
            continue;
        if (!first)
            buf_putc(&v, ' ');
        first = false;
        put_lexeme(&v, lex[i].text);
        buf_printf(&v, ":1%c", weight_of(lex[i].in));
    }
    if (!v.failed)
        text = arena_strdup(a, v.data != NULL ? v.data : "");
    buf_release(&v);
    return text;
}

/* Rewrites the search and heads columns of article id. */
static enum c311_rc
pg_kb_index(struct sqlx *x, int64_t id, const char *title, const char *tags,
            const char *body, char **cause)
{
    const char *texts[3] = {title, tags, body};
    const char *all, *heads;
    struct kb_lexeme *lex;
    enum c311_rc rc;
    size_t n;

    rc = kb_text_lexemes(texts, 3, KB_LEX_WORDS | KB_LEX_CJK, x->a, &lex, &n);
    if (rc != C311_OK)
        return store__fail(cause, rc, "out of memory");
    all = vector_of(lex, n, 7, x->a);
    heads = vector_of(lex, n, 3, x->a);
    if (all == NULL || heads == NULL)
        return store__fail(cause, C311_ERR_NOMEM, "out of memory");
    {
        const struct sqlx_val p[] = {SQLX_I(id), SQLX_T(all), SQLX_T(heads)};

        return sqlx_exec(x,
                         "UPDATE kb_article SET search = $2::tsvector,"
                         " heads = $3::tsvector WHERE id = $1",
                         p, 3, NULL, cause);
    }
}

/* Appends the tsquery of one term. */
static void
put_term(struct buf *q, const struct kb_term *t)
{
    size_t j, k1, k2;
    bool first = true;
    char pair[16];

    if (t->kind == KB_TERM_WORD) {
        put_lexeme(q, t->text);
        buf_puts(q, ":*");
        return;
    }
    if (t->nchars == 1) {
        put_lexeme(q, t->text);
        return;
    }
    buf_putc(q, '(');
    for (j = 0; j < t->len; j += k1) {
        kb_text_decode(t->text + j, t->len - j, &k1);
        if (j + k1 >= t->len)
            break;
        kb_text_decode(t->text + j + k1, t->len - j - k1, &k2);
        memcpy(pair, t->text + j, k1 + k2);
        pair[k1 + k2] = '\0';
        if (!first)
            buf_puts(q, " & ");
        put_lexeme(q, pair);
        first = false;
    }
    buf_putc(q, ')');
}

/* Adds the tsquery of the terms joined by op as a parameter; its number. */
static size_t
query_param(struct kb__stmt *s, const struct kb_term *t, size_t nt,
            const char *op, bool *failed)
{
    struct buf q = BUF_INIT(8192);
    struct buf unused = BUF_INIT(16);
    size_t i;

    for (i = 0; i < nt; i++) {
        if (i > 0)
            buf_puts(&q, op);
        put_term(&q, &t[i]);
    }
    if (q.failed)
        *failed = true;
    kb__param(s, &unused,
              SQLX_T(arena_strdup(s->a, q.data != NULL ? q.data : "")));
    buf_release(&q);
    buf_release(&unused);
    return s->np;
}

/* Builds the candidate query; see kb_backend.h. */
static enum c311_rc
pg_kb_find_sql(struct kb__stmt *s, const char *cols, const char *filters,
               const struct kb_term *t, size_t nt, bool any, bool exact,
               size_t lim, size_t limit)
{
    bool failed = false;
    size_t q, one;

    q = query_param(s, t, nt, any ? " | " : " & ", &failed);
    one = query_param(s, t, nt, " | ", &failed);
    if (nt > 1 && !any) {
        /* Several words that must all match: few articles, rank them. */
        buf_printf(&s->sql,
                   "WITH r (id, k) AS (SELECT a.id,"
                   " -ts_rank(a.heads, $%zu::tsquery) FROM kb_article a"
                   " WHERE a.search @@ $%zu::tsquery%s ORDER BY 2, 1"
                   " LIMIT %zu)",
                   one, q, exact ? filters : "", lim);
    } else {
        buf_printf(&s->sql,
                   "WITH r (id, k) AS ((SELECT a.id,"
                   " -ts_rank(a.heads, $%zu::tsquery) FROM kb_article a"
                   " WHERE a.heads @@ $%zu::tsquery AND a.search @@"
                   " $%zu::tsquery%s ORDER BY 2, 1 LIMIT %zu) UNION ALL"
                   " (SELECT a.id, 1e9 FROM kb_article a WHERE a.search @@"
                   " $%zu::tsquery AND NOT a.heads @@ $%zu::tsquery%s"
                   " ORDER BY a.id LIMIT %zu))",
                   one, one, q, exact ? filters : "", lim, q, one,
                   exact ? filters : "", lim);
    }
    buf_printf(&s->sql,
               " SELECT %s, (SELECT count(*) FROM r) FROM r JOIN kb_article"
               " a ON a.id = r.id WHERE 1 = 1%s ORDER BY r.k, a.id LIMIT %zu",
               cols, exact ? "" : filters, limit);
    return s->sql.failed || s->overflow || failed ? C311_ERR_TOO_LARGE
                                                  : C311_OK;
}

const struct kb__dialect kb__pg = {
    .services_sql = "(SELECT string_agg(service_code, ' ')"
                    " FROM kb_article_service s WHERE s.article_id = a.id)",
    .index = pg_kb_index,
    .find_sql = pg_kb_find_sql,
};
