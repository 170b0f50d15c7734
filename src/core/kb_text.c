/* SPDX-License-Identifier: MIT */
/*
 * UTF-8 reading, word and CJK runs, query terms, index lexemes and the
 * matching rule of knowledge base search (see kb_text.h).
 */
#include <stdlib.h>
#include <string.h>

#include "core/kb_text.h"

/*
 * Words too common in questions to narrow a search: English, then Spanish
 * (folded: "dónde" is "donde").
 */
static const char *const stop_words[] = {
    "a",    "about", "an",    "and",  "are",    "as",   "at",   "be",    "by",
    "can",  "do",    "does",  "for",  "from",   "how",  "i",    "if",    "in",
    "is",   "it",    "me",    "my",   "of",     "on",   "or",   "the",   "to",
    "what", "when",  "where", "who",  "why",    "will", "with", "you",   "your",
    "al",   "como",  "con",   "cual", "cuando", "de",   "del",  "donde", "el",
    "en",   "es",    "esta",  "la",   "las",    "lo",   "los",  "mi",    "mis",
    "para", "por",   "que",   "se",   "su",     "sus",  "un",   "una",   "y",
};

/*
 * What the letters from U+00C0 to U+017F fold to: the ASCII letter they
 * are without their accent or stroke, or '.' for a letter that has none
 * (æ, ð, þ, ß, œ, ...).
 */
static const char fold_latin[] =
    "aaaaaa.ceeeeiiii.nooooo.ouuuuy.."  /* U+00C0 À ... U+00DF ß */
    "aaaaaa.ceeeeiiii.nooooo.ouuuuy.y"  /* U+00E0 à ... U+00FF ÿ */
    "aaaaaaccccccccddddeeeeeeeeeegggg"  /* U+0100 Ā ... U+011F ğ */
    "gggghhhhiiiiiiiiii..jjkk.lllllll"  /* U+0120 Ġ ... U+013F Ŀ */
    "lllnnnnnn...oooooo..rrrrrrssssss"  /* U+0140 ŀ ... U+015F ş */
    "ssttttttuuuuuuuuuuuuwwyyyzzzzzzs"; /* U+0160 Š ... U+017F ſ */

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

/* Folds one code point; see kb_text.h. */
uint32_t
kb_text_fold(uint32_t cp)
{
    char c;

    if (cp < 0x80)
        return cp >= 'A' && cp <= 'Z' ? cp - 'A' + 'a' : cp;
    if (cp >= 0x300 && cp <= 0x36f) /* combining accents */
        return 0;
    /* Fullwidth digits and letters, as Chinese and Japanese input types. */
    if (cp >= 0xff10 && cp <= 0xff19)
        return cp - 0xff10 + '0';
    if (cp >= 0xff21 && cp <= 0xff3a)
        return cp - 0xff21 + 'a';
    if (cp >= 0xff41 && cp <= 0xff5a)
        return cp - 0xff41 + 'a';
    if (cp < 0xc0 || cp > 0x17f)
        return cp;
    c = fold_latin[cp - 0xc0];
    if (c != '.')
        return (uint32_t)c;
    if (cp == 0xc6 || cp == 0xd0 || cp == 0xde) /* Æ Ð Þ */
        return cp + 0x20;
    if (cp == 0x132 || cp == 0x14a || cp == 0x152) /* Ĳ Ŋ Œ */
        return cp + 1;
    return cp;
}

/* Writes cp as UTF-8 at d; its length. */
static size_t
put_utf8(char *d, uint32_t cp)
{
    if (cp < 0x80) {
        d[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        d[0] = (char)(0xc0 | cp >> 6);
        d[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        d[0] = (char)(0xe0 | cp >> 12);
        d[1] = (char)(0x80 | (cp >> 6 & 0x3f));
        d[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    d[0] = (char)(0xf0 | cp >> 18);
    d[1] = (char)(0x80 | (cp >> 12 & 0x3f));
    d[2] = (char)(0x80 | (cp >> 6 & 0x3f));
    d[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

/*
 * A folded copy of s[0, len) in a, its length in *out_len. Folding never
 * makes a character longer; a malformed byte is copied as it is.
 */
static char *
fold_dup(const char *s, size_t len, struct arena *a, size_t *out_len)
{
    char *d = arena_alloc(a, len + 1);
    size_t i = 0, n = 0, k;
    uint32_t cp;

    if (d == NULL)
        return NULL;
    while (i < len) {
        if ((unsigned char)s[i] < 0x80) {
            d[n++] = (char)kb_text_fold((unsigned char)s[i++]);
            continue;
        }
        cp = kb_text_decode(s + i, len - i, &k);
        if (cp == 0xfffd && k == 1)
            d[n++] = s[i];
        else if ((cp = kb_text_fold(cp)) != 0)
            n += put_utf8(d + n, cp);
        i += k;
    }
    d[n] = '\0';
    *out_len = n;
    return d;
}

/* Folds a whole text; see kb_text.h. */
char *
kb_text_fold_text(const char *s, struct arena *a)
{
    size_t n;

    return fold_dup(s, strlen(s), a, &n);
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

    if (n > 6)
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

    text = fold_dup(p, len, acc->a, &len);
    if (text == NULL) {
        acc->nomem = true;
        return false;
    }
    len = cut_chars(text, len, KB_TERM_BYTES_MAX);
    text[len] = '\0';
    if (len == 0) /* only accents that fold away */
        return true;
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

/* True for a consonant after which Spanish plurals add "es". */
static bool
plural_es_after(char c)
{
    return c == 'l' || c == 'n' || c == 'r' || c == 'd' || c == 'z';
}

/*
 * The length of a folded word with a plural ending cut off: a final "s"
 * after a letter other than s ("multas", "cars"), or "es" after l, n, r,
 * d or z that leaves four letters or more ("contenedores", "potholes").
 * Words of three letters or fewer are left as they are. A word term
 * matches at the start of words, so the cut one still finds the plural.
 */
static size_t
plural_cut(const char *w, size_t len)
{
    char c;

    if (len < 4 || w[len - 1] != 's')
        return len;
    c = w[len - 2];
    if (c < 'a' || c > 'z' || c == 's')
        return len;
    if (c == 'e' && len >= 6 && plural_es_after(w[len - 3]) &&
        w[len - 4] != w[len - 3])
        return len - 2;
    return len - 1;
}

/* each_run() callback for a query. */
static bool
terms_run(void *arg, const char *p, size_t len, size_t nchars, int kind)
{
    struct term_acc *acc = arg;
    char *w;

    (void)nchars;
    if (kind == 2)
        return term_add(acc, p, len, KB_TERM_CJK);
    w = fold_dup(p, len, acc->a, &len);
    if (w == NULL) {
        acc->nomem = true;
        return false;
    }
    if (!is_stop_word(w))
        len = plural_cut(w, len);
    return term_add(acc, w, len, KB_TERM_WORD);
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

/* Adds a copy of p[0, len), folded already, to the lexemes. */
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
    acc->v[acc->n].text = arena_strndup(acc->a, p, len);
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
        p = fold_dup(p, len, acc->a, &len);
        if (p == NULL) {
            acc->nomem = true;
            return false;
        }
        if (len == 0)
            return true;
        nchars = kb_text_nchars(p, len);
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

/* The folded code point at hay[at] (0 for an accent that folds away). */
static uint32_t
fold_at(const char *hay, size_t len, size_t at, size_t *k)
{
    unsigned char c = (unsigned char)hay[at];

    if (c < 0x80) {
        *k = 1;
        return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
    }
    return kb_text_fold(kb_text_decode(hay + at, len - at, k));
}

/*
 * The number of bytes from hay[at] whose folded text is the term's, with
 * the accents that fold away after them, or 0.
 */
static size_t
fold_match(const char *hay, size_t len, size_t at, const struct kb_term *t)
{
    size_t i = 0, h = at, k, kt;
    uint32_t c;

    while (i < t->len) {
        if (h >= len)
            return 0;
        c = fold_at(hay, len, h, &k);
        h += k;
        if (c == 0 && h - k > at)
            continue;
        if (c != kb_text_decode(t->text + i, t->len - i, &kt))
            return 0;
        i += kt;
    }
    while (h < len && fold_at(hay, len, h, &k) == 0)
        h += k;
    return h - at;
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

/* The length of a match at hay[at]; see kb_text.h. */
size_t
kb_text_match_at(const char *hay, size_t len, size_t at,
                 const struct kb_term *t)
{
    size_t m;

    if (t->len == 0 || at >= len)
        return 0;
    m = fold_match(hay, len, at, t);
    if (m == 0 || (t->kind == KB_TERM_WORD && word_before(hay, at)))
        return 0;
    return m;
}

/* Finds the next match and its length; see kb_text.h. */
long
kb_text_match(const char *hay, size_t len, const struct kb_term *t, size_t from,
              size_t *mlen)
{
    unsigned char c, first, upper;
    size_t at;

    *mlen = 0;
    if (t->len == 0 || t->len > len)
        return -1;
    /*
     * Looks at the first byte inline: most positions fail there. A folded
     * text is never longer than the text, so a match needs t->len bytes.
     * Only U+00C0 to U+017F (lead bytes C3 to C5) and the fullwidth
     * letters and digits (lead byte EF) fold to another letter.
     */
    first = (unsigned char)t->text[0];
    upper = first >= 'a' && first <= 'z' ? first - 'a' + 'A' : first;
    for (at = from; at + t->len <= len; at++) {
        c = (unsigned char)hay[at];
        if (c != first && c != upper && (c < 0xc3 || c > 0xc5) && c != 0xef)
            continue;
        if ((*mlen = kb_text_match_at(hay, len, at, t)) > 0)
            return (long)at;
    }
    return -1;
}

/* Finds the next match; see kb_text.h. */
long
kb_text_find(const char *hay, size_t len, const struct kb_term *t, size_t from)
{
    size_t m;

    return kb_text_match(hay, len, t, from, &m);
}

/* Counts matches up to max. */
size_t
kb_text_count(const char *hay, const struct kb_term *t, size_t max)
{
    size_t len, n = 0, m;
    long at = 0;

    if (hay == NULL)
        return 0;
    len = strlen(hay);
    while (n < max && (at = kb_text_match(hay, len, t, (size_t)at, &m)) >= 0) {
        n++;
        at += (long)m;
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
