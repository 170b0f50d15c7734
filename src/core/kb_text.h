/* SPDX-License-Identifier: MIT */
/*
 * Text analysis for knowledge base search, the same whichever database
 * holds the articles. A text is read as UTF-8 and cut into words: runs of
 * letters and digits (Latin and other alphabets) and runs of CJK
 * characters (Han, kana, Hangul), which have no spaces between words.
 *
 * A query becomes terms. A word term matches where a word of the text
 * starts with it ("tow" matches "towed", not "stow"); a CJK term matches
 * anywhere ("拖车" matches "被拖车辆"). Texts and terms are compared
 * folded (kb_text_fold()): case and accents of Latin letters are ignored,
 * so "grua" matches "Grúa" and "grúa" matches "GRUA".
 * The index side gives lexemes (whole words, short word prefixes, CJK
 * unigrams and bigrams) that back ends use to find candidates quickly;
 * kb_text_find() has the final word.
 */
#ifndef CIVIC311_KB_TEXT_H
#define CIVIC311_KB_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"
#include "util/status.h"

#define KB_QUERY_MAX      200 /* bytes of a search query */
#define KB_TERMS_MAX      8   /* terms kept from a query */
#define KB_TERM_BYTES_MAX 64  /* longer words are cut to this (whole chars) */

enum kb_term_kind { KB_TERM_WORD, KB_TERM_CJK };

struct kb_term {
    const char *text; /* folded, NUL-terminated */
    size_t len;       /* bytes */
    size_t nchars;    /* code points */
    enum kb_term_kind kind;
};

/* True when s is well-formed UTF-8 (no overlongs, no surrogates). */
bool kb_text_utf8_ok(const char *s);

/* The number of code points in the first len bytes of s. */
size_t kb_text_nchars(const char *s, size_t len);

/*
 * Decodes the code point at s (n bytes left) and stores its length in
 * *len; a malformed byte reads as U+FFFD of length 1.
 */
uint32_t kb_text_decode(const char *s, size_t n, size_t *len);

/*
 * The code point search compares in place of cp: ASCII letters
 * lowercased; the Latin letters from U+00C0 to U+017F with an accent or
 * stroke as their ASCII letter, lowercased ("Ñ" and "ñ" as "n"), others
 * there lowercased (Æ as æ); 0 for a combining accent (U+0300 to U+036F),
 * which is left out; fullwidth digits and letters (U+FF10 to U+FF5A) as
 * their ASCII digit or lowercase letter. Every other code point is
 * itself.
 */
uint32_t kb_text_fold(uint32_t cp);

/* s with every code point folded, in a; NULL when out of memory. */
char *kb_text_fold_text(const char *s, struct arena *a);

/* True for CJK ideographs, kana and Hangul syllables. */
bool kb_text_is_cjk(uint32_t cp);

/* True for a code point that belongs to a (non-CJK) word. */
bool kb_text_is_word(uint32_t cp);

/*
 * Splits a query into at most KB_TERMS_MAX distinct terms, folded, in a.
 * Common English and Spanish words ("how", "the", "my", "donde", "el",
 * "mi" ...) and one-letter words are dropped when the query has other
 * terms. *n is 0 for a query with no words.
 */
enum c311_rc kb_text_terms(const char *q, struct arena *a, struct kb_term **out,
                           size_t *n);

/*
 * The looser terms tried when no article has every term: word terms as
 * they are, CJK terms of three or more characters cut into overlapping
 * pairs ("拖车费用" gives 拖车, 车费, 费用). Distinct, in a.
 */
enum c311_rc kb_text_relax(const struct kb_term *t, size_t n, struct arena *a,
                           struct kb_term **out, size_t *nout);

/* What kb_text_lexemes() gives. */
#define KB_LEX_WORDS  0x1 /* whole words, folded, cut to 64 bytes */
#define KB_LEX_PREFIX 0x2 /* the 1- and 2-character prefixes of words */
#define KB_LEX_CJK    0x4 /* CJK unigrams and bigrams */

/* One lexeme of indexed texts and the texts it comes from. */
struct kb_lexeme {
    const char *text;
    unsigned in; /* bit i set: found in texts[i] */
};

/*
 * The distinct lexemes of the ntexts texts (at most 8), sorted bytewise,
 * in a. A word term t occurs in a text only if the text has a
 * KB_LEX_WORDS lexeme that starts with t (and the KB_LEX_PREFIX lexeme t,
 * when t is one or two characters); a CJK term only if every unigram or
 * bigram of it is a KB_LEX_CJK lexeme.
 */
enum c311_rc kb_text_lexemes(const char *const *texts, size_t ntexts,
                             unsigned flags, struct arena *a,
                             struct kb_lexeme **out, size_t *n);

/*
 * The byte offset of the first match of t in hay[from, len), or -1.
 * Matches follow the rules at the top of this file.
 */
long kb_text_find(const char *hay, size_t len, const struct kb_term *t,
                  size_t from);

/*
 * As kb_text_find(), and *mlen is the match's length in hay, which may
 * differ from the term's ("Grúa" is 5 bytes, its term "grua" 4).
 */
long kb_text_match(const char *hay, size_t len, const struct kb_term *t,
                   size_t from, size_t *mlen);

/* The length in hay of a match of t that starts at hay[at], or 0. */
size_t kb_text_match_at(const char *hay, size_t len, size_t at,
                        const struct kb_term *t);

/*
 * The query as reports group it, in a: ASCII letters lowercased, runs of
 * white space made one space, none at either end.
 */
char *kb_text_normalize(const char *q, struct arena *a);

/* The number of matches of t in hay, counting at most max. */
size_t kb_text_count(const char *hay, const struct kb_term *t, size_t max);

#endif
