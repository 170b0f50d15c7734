/* SPDX-License-Identifier: MIT */
/*
 * UTF-8 reading, word and CJK runs, query terms, index lexemes and the
 * matching rule of knowledge base search (see kb_text.h).
 */
#include <stdlib.h>
#include <string.h>

#include "core/kb_text.h"

/* Words too common in questions to narrow a search. */
static const char *const stop_words[] = {
    "a",    "about", "an",    "and", "are",  "as",   "at",   "be",  "by",
    "can",  "do",    "does",  "for", "from", "how",  "i",    "if",  "in",
    "is",   "it",    "me",    "my",  "of",   "on",   "or",   "the", "to",
    "what", "when",  "where", "who", "why",  "will", "with", "you", "your",
};

/* Decodes one code point; see kb_text.h. */
uint32_t
kb_text_decode(const char *s, size_t n, size_t *len)
{
    const unsigned char *p = (const unsigned char *)s;
    uint32_t cp, min;
    size_t need, i;

    *len = 1;
    if (n == 0)
        return 0xfffd;
    if (p[0] < 0x80)
        return p[0];
    if (p[0] >= 0xc2 && p[0] <= 0xdf) {
        need = 2;
        cp = p[0] & 0x1f;
        min = 0x80;
    } else if (p[0] >= 0xe0 && p[0] <= 0xef) {
        need = 3;
        cp = p[0] & 0x0f;
        min = 0x800;
    } else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
        need = 4;
        cp = p[0] & 0x07;
        min = 0x10000;
    } else {
        return 0xfffd;
    }
    if (n < need)
        return 0xfffd;
    for (i = 1; i < need; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0xfffd;
        cp = cp << 6 | (p[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0xfffd;
    *len = need;
    return cp;
}

/* Checks every sequence of s. */
bool
kb_text_utf8_ok(const char *s)
{
    size_t n = strlen(s), k;
    uint32_t cp;

    while (n > 0) {
        cp = kb_text_decode(s, n, &k);
        if (cp == 0xfffd && !(k == 3 && memcmp(s, "\xef\xbf\xbd", 3) == 0))
            return false;
        s += k;
        n -= k;
    }
    return true;
}

/* Counts code points (bytes that do not continue a sequence). */
size_t
kb_text_nchars(const char *s, size_t len)
{
    size_t i, n = 0;

    for (i = 0; i < len; i++)
        n += ((unsigned char)s[i] & 0xc0) != 0x80;
    return n;
}

/* Han (with extensions and compatibility), kana, Hangul syllables. */
bool
kb_text_is_cjk(uint32_t cp)
{
    return (cp >= 0x3040 && cp <= 0x30ff) || /* hiragana, katakana */
           (cp >= 0x3400 && cp <= 0x4dbf) || /* Han extension A */
           (cp >= 0x4e00 && cp <= 0x9fff) || /* Han */
           (cp >= 0xac00 && cp <= 0xd7af) || /* Hangul syllables */
           (cp >= 0xf900 && cp <= 0xfaff) || /* Han compatibility */
           (cp >= 0x20000 && cp <= 0x3134f); /* Han extensions B-G */
}

/*
 * ASCII letters and digits, and every code point from U+00C0 on that is
 * neither CJK nor in a block of punctuation, symbols or spaces.
 */
bool
kb_text_is_word(uint32_t cp)
{
    if (cp < 0x80)
        return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') ||
               (cp >= 'A' && cp <= 'Z');
    if (cp < 0xc0 || cp == 0xd7 || cp == 0xf7 || cp == 0xfffd)
        return false;
    if ((cp >= 0x2000 && cp <= 0x2bff) || /* punctuation, symbols, arrows */
        (cp >= 0x3000 && cp <= 0x303f) || /* CJK punctuation */
        (cp >= 0xfe30 && cp <= 0xfe4f) || /* CJK compatibility forms */
        (cp >= 0xff00 && cp <= 0xff0f) || /* fullwidth punctuation */
        (cp >= 0xff1a && cp <= 0xff20) || (cp >= 0xff3b && cp <= 0xff40) ||
        (cp >= 0xff5b && cp <= 0xff65) || (cp >= 0x1f000 && cp <= 0x1faff))
        return false;
    return !kb_text_is_cjk(cp);
}

/* The kind of run a code point belongs to: 0 none, 1 word, 2 CJK. */
static int
run_kind(uint32_t cp)
{
    if (kb_text_is_cjk(cp))
        return 2;
    return kb_text_is_word(cp) ? 1 : 0;
}

/* A copy of s[0, len) with ASCII letters lowercased, in a. */
static char *
lower_dup(const char *s, size_t len, struct arena *a)
{
    char *d = arena_strndup(a, s, len);
    size_t i;

    if (d == NULL)
        return NULL;
    for (i = 0; i < len; i++) {
        if (d[i] >= 'A' && d[i] <= 'Z')
            d[i] = (char)(d[i] - 'A' + 'a');
    }
    return d;
}

/* The length of the longest prefix of s[0, len) within max bytes. */
static size_t
cut_chars(const char *s, size_t len, size_t max)
{
    if (len <= max)
        return len;
    while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
        max--;
    return max;
}

/* True when w is one of the stop words (all of them are short). */
static bool
is_stop_word(const char *w)
{
    size_t i, n = strlen(w);

    if (n > 5)
        return false;
    for (i = 0; i < sizeof(stop_words) / sizeof(stop_words[0]); i++) {
        if (stop_words[i][0] == w[0] && strcmp(w, stop_words[i]) == 0)
            return true;
    }
    return false;
}

/*
 * Calls fn for each run of text: start, length in bytes, number of code
 * points and kind (1 word, 2 CJK). Stops when fn returns false.
 */
static bool
each_run(const char *s, size_t n,
         bool (*fn)(void *arg, const char *p, size_t len, size_t nchars,
                    int kind),
         void *arg)
{
    size_t i = 0, start = 0, nchars = 0, k;
    int cur = 0, kind;
    uint32_t cp;

    while (i <= n) {
        cp = i < n ? kb_text_decode(s + i, n - i, &k) : 0;
        kind = i < n ? run_kind(cp) : 0;
        if (i == n)
            k = 1;
        if (kind != cur) {
            if (cur != 0 && !fn(arg, s + start, i - start, nchars, cur))
                return false;
            start = i;
            nchars = 0;
            cur = kind;
        }
        nchars++;
        i += k;
    }
    return true;
}

/* What terms_run() collects. */
struct term_acc {
    struct arena *a;
    struct kb_term *v;
    size_t n;
    size_t cap;
    bool nomem;
};

/* Adds one term unless it is there already. */
static bool
term_add(struct term_acc *acc, const char *p, size_t len,
         enum kb_term_kind kind)
{
    char *text;
    size_t i;

    len = cut_chars(p, len, KB_TERM_BYTES_MAX);
    text = lower_dup(p, len, acc->a);
    if (text == NULL) {
        acc->nomem = true;
        return false;
    }
    for (i = 0; i < acc->n; i++) {
        if (strcmp(acc->v[i].text, text) == 0)
            return true;
    }
    if (acc->n == acc->cap)
        return false;
    acc->v[acc->n].text = text;
    acc->v[acc->n].len = len;
    acc->v[acc->n].nchars = kb_text_nchars(text, len);
    acc->v[acc->n].kind = kind;
    acc->n++;
    return true;
}

/* each_run() callback for a query. */
static bool
terms_run(void *arg, const char *p, size_t len, size_t nchars, int kind)
{
    (void)nchars;
    return term_add(arg, p, len, kind == 2 ? KB_TERM_CJK : KB_TERM_WORD);
}

/* True when term t is worth keeping beside others. */
static bool
is_strong(const struct kb_term *t)
{
    if (t->kind == KB_TERM_CJK)
        return true;
    return t->nchars > 1 && !is_stop_word(t->text);
}

/* Splits a query; see kb_text.h. */
enum c311_rc
kb_text_terms(const char *q, struct arena *a, struct kb_term **out, size_t *n)
{
    struct kb_term all[4 * KB_TERMS_MAX];
    struct term_acc acc = {a, all, 0, 4 * KB_TERMS_MAX, false};
    size_t i, nstrong = 0;

    *out = NULL;
    *n = 0;
    each_run(q, strlen(q), terms_run, &acc);
    if (acc.nomem)
        return C311_ERR_NOMEM;
    for (i = 0; i < acc.n; i++)
        nstrong += is_strong(&all[i]);
    *out = arena_alloc(a, KB_TERMS_MAX * sizeof(**out));
    if (*out == NULL)
        return C311_ERR_NOMEM;
    for (i = 0; i < acc.n && *n < KB_TERMS_MAX; i++) {
        if (nstrong == 0 || is_strong(&all[i]))
            (*out)[(*n)++] = all[i];
    }
    return C311_OK;
}

/* Loosens terms; see kb_text.h. */
enum c311_rc
kb_text_relax(const struct kb_term *t, size_t n, struct arena *a,
              struct kb_term **out, size_t *nout)
{
    struct term_acc acc = {a, NULL, 0, 0, false};
    size_t i, j, k1, k2;

    for (i = 0; i < n; i++)
        acc.cap += t[i].kind == KB_TERM_CJK ? t[i].nchars : 1;
    acc.v = arena_alloc(a, (acc.cap ? acc.cap : 1) * sizeof(*acc.v));
    if (acc.v == NULL)
        return C311_ERR_NOMEM;
    for (i = 0; i < n; i++) {
        if (t[i].kind != KB_TERM_CJK || t[i].nchars < 3) {
            term_add(&acc, t[i].text, t[i].len, t[i].kind);
            continue;
        }
        for (j = 0; j + 1 < t[i].len;) {
            kb_text_decode(t[i].text + j, t[i].len - j, &k1);
            if (j + k1 >= t[i].len)
                break;
            kb_text_decode(t[i].text + j + k1, t[i].len - j - k1, &k2);
            term_add(&acc, t[i].text + j, k1 + k2, KB_TERM_CJK);
            j += k1;
        }
    }
    if (acc.nomem)
        return C311_ERR_NOMEM;
    *out = acc.v;
    *nout = acc.n;
    return C311_OK;
}

/* What lex_run() collects. */
struct lex_acc {
    struct arena *a;
    unsigned flags;
    unsigned in; /* the bit of the text being read */
    struct kb_lexeme *v;
    size_t n;
    size_t cap;
    bool nomem;
};

/* Adds a lowercased copy of p[0, len) to the lexemes. */
static void
lex_add(struct lex_acc *acc, const char *p, size_t len)
{
    struct kb_lexeme *nv;
    size_t cap;

    if (acc->n == acc->cap) {
        cap = acc->cap ? acc->cap * 2 : 256;
        nv = arena_alloc(acc->a, cap * sizeof(*nv));
        if (nv == NULL) {
            acc->nomem = true;
            return;
        }
        if (acc->n > 0)
            memcpy(nv, acc->v, acc->n * sizeof(*nv));
        acc->v = nv;
        acc->cap = cap;
    }
    acc->v[acc->n].text = lower_dup(p, len, acc->a);
    acc->v[acc->n].in = acc->in;
    if (acc->v[acc->n].text == NULL)
        acc->nomem = true;
    else
        acc->n++;
}

/* each_run() callback for an indexed text. */
static bool
lex_run(void *arg, const char *p, size_t len, size_t nchars, int kind)
{
    struct lex_acc *acc = arg;
    size_t k1, k2, j;

    if (kind == 1) {
        if (acc->flags & KB_LEX_WORDS)
            lex_add(acc, p, cut_chars(p, len, KB_TERM_BYTES_MAX));
        if (acc->flags & KB_LEX_PREFIX) {
            kb_text_decode(p, len, &k1);
            lex_add(acc, p, k1);
            if (nchars > 1) {
                kb_text_decode(p + k1, len - k1, &k2);
                lex_add(acc, p, k1 + k2);
            }
        }
        return !acc->nomem;
    }
    if (!(acc->flags & KB_LEX_CJK))
        return true;
    for (j = 0; j < len; j += k1) {
        kb_text_decode(p + j, len - j, &k1);
        lex_add(acc, p + j, k1);
        if (j + k1 < len) {
            kb_text_decode(p + j + k1, len - j - k1, &k2);
            lex_add(acc, p + j, k1 + k2);
        }
    }
    return !acc->nomem;
}

/* qsort() order of lexemes: bytewise. */
static int
lex_cmp(const void *x, const void *y)
{
    return strcmp(((const struct kb_lexeme *)x)->text,
                  ((const struct kb_lexeme *)y)->text);
}

/* Collects, sorts and merges the lexemes of the texts. */
enum c311_rc
kb_text_lexemes(const char *const *texts, size_t ntexts, unsigned flags,
                struct arena *a, struct kb_lexeme **out, size_t *n)
{
    struct lex_acc acc = {a, flags, 0, NULL, 0, 0, false};
    size_t i, j;

    *out = NULL;
    *n = 0;
    for (i = 0; i < ntexts && i < 8; i++) {
        acc.in = 1u << i;
        if (texts[i] != NULL)
            each_run(texts[i], strlen(texts[i]), lex_run, &acc);
        if (acc.nomem)
            return C311_ERR_NOMEM;
    }
    if (acc.n == 0)
        return C311_OK;
    qsort(acc.v, acc.n, sizeof(*acc.v), lex_cmp);
    for (i = 1, j = 1; i < acc.n; i++) {
        if (strcmp(acc.v[i].text, acc.v[j - 1].text) == 0)
            acc.v[j - 1].in |= acc.v[i].in;
        else
            acc.v[j++] = acc.v[i];
    }
    *out = acc.v;
    *n = j;
    return C311_OK;
}

/* True when hay[at, at+t->len) equals the term, ASCII case folded. */
static bool
match_at(const char *hay, size_t at, const struct kb_term *t)
{
    size_t i;
    char c;

    for (i = 0; i < t->len; i++) {
        c = hay[at + i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != t->text[i])
            return false;
    }
    return true;
}

/* True when the code point that ends just before hay[at] is a word one. */
static bool
word_before(const char *hay, size_t at)
{
    size_t start = at, k;

    if (at == 0)
        return false;
    do
        start--;
    while (start > 0 && ((unsigned char)hay[start] & 0xc0) == 0x80);
    return kb_text_is_word(kb_text_decode(hay + start, at - start, &k));
}

/* Finds the next match; see kb_text.h. */
long
kb_text_find(const char *hay, size_t len, const struct kb_term *t, size_t from)
{
    char first, upper;
    size_t at;

    if (t->len == 0 || t->len > len)
        return -1;
    /* Looks for the first byte inline: most positions fail there. */
    first = t->text[0];
    upper = first >= 'a' && first <= 'z' ? (char)(first - 'a' + 'A') : first;
    for (at = from; at + t->len <= len; at++) {
        if (hay[at] != first && hay[at] != upper)
            continue;
        if (!match_at(hay, at, t))
            continue;
        if (t->kind == KB_TERM_WORD && word_before(hay, at))
            continue;
        return (long)at;
    }
    return -1;
}

/* Counts matches up to max. */
size_t
kb_text_count(const char *hay, const struct kb_term *t, size_t max)
{
    size_t len, n = 0;
    long at = 0;

    if (hay == NULL)
        return 0;
    len = strlen(hay);
    while (n < max && (at = kb_text_find(hay, len, t, (size_t)at)) >= 0) {
        n++;
        at += (long)t->len;
    }
    return n;
}

/* Normalises a query for the search log; see kb_text.h. */
char *
kb_text_normalize(const char *q, struct arena *a)
{
    char *out = arena_alloc(a, strlen(q) + 1), *p = out;
    bool space = false;

    if (out == NULL)
        return NULL;
    for (; *q != '\0'; q++) {
        if (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r') {
            space = p != out;
            continue;
        }
        if (space)
            *p++ = ' ';
        space = false;
        *p++ = *q >= 'A' && *q <= 'Z' ? (char)(*q - 'A' + 'a') : *q;
    }
    *p = '\0';
    return out;
}
