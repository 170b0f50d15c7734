/* SPDX-License-Identifier: MIT */
/*
 * A libFuzzer target for the knowledge base's text analysis
 * (core/kb_text.h): any bytes, valid UTF-8 or not, as a query and as an
 * article text. Besides the sanitizers' checks it asserts that folding
 * never makes a text longer and keeps UTF-8 valid, that folding twice
 * changes nothing, that terms are bounded, that a match lies within the
 * text and agrees with kb_text_match_at(), and that a word term found in
 * a text has a word lexeme starting with it, which the back ends' indexes
 * rely on. Build and run with clang:
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Isrc \
 *       tests/fuzz/fuzz_kb_text.c src/core/kb_text.c src/util/arena.c \
 *       -o fuzz_kb_text && ./fuzz_kb_text -max_total_time=300 -max_len=600
 *
 * The first byte of an input says where the query ends and the text
 * starts; NUL bytes read as spaces.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/kb_text.h"

static void
check(int cond, const char *what)
{
    if (!cond) {
        fprintf(stderr, "invariant failed: %s\n", what);
        abort();
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arena a = ARENA_INIT;
    char *q, *hay, *f, *ff;
    size_t split, i, j, nt, nl, nlex, m;
    struct kb_term *t, *loose;
    struct kb_lexeme *lex;
    const char *texts[2];
    long at;
    bool ok;

    if (size < 2)
        return 0;
    split = data[0] % (size);
    q = malloc(size + 1);
    memcpy(q, data + 1, size - 1);
    q[size - 1] = 0;
    for (i = 0; i + 1 < size; i++)
        if (q[i] == 0)
            q[i] = ' ';
    /* hay: the part after split; q: before */
    hay = strdup(q + (split < size - 1 ? split : 0));
    q[split < size - 1 ? split : 0] = 0;

    ok = kb_text_utf8_ok(q);
    f = kb_text_fold_text(q, &a);
    check(f != NULL && strlen(f) <= strlen(q), "fold no longer");
    if (ok) {
        check(kb_text_utf8_ok(f), "fold keeps utf8");
        ff = kb_text_fold_text(f, &a);
        check(strcmp(f, ff) == 0, "fold idempotent");
    }
    kb_text_normalize(q, &a);
    check(kb_text_terms(q, &a, &t, &nt) == C311_OK, "terms");
    check(nt <= KB_TERMS_MAX, "nt");
    for (i = 0; i < nt; i++) {
        check(t[i].len > 0 && t[i].len <= KB_TERM_BYTES_MAX, "term len");
        check(strlen(t[i].text) == t[i].len, "term strlen");
        if (ok)
            check(kb_text_utf8_ok(t[i].text), "term utf8");
    }
    check(kb_text_relax(t, nt, &a, &loose, &nl) == C311_OK, "relax");
    texts[0] = hay;
    texts[1] = q;
    check(kb_text_lexemes(texts, 2, KB_LEX_WORDS | KB_LEX_PREFIX | KB_LEX_CJK,
                          &a, &lex, &nlex) == C311_OK,
          "lexemes");
    for (i = 0; i < nt; i++) {
        size_t hl = strlen(hay);
        at = kb_text_match(hay, hl, &t[i], 0, &m);
        if (at >= 0) {
            check((size_t)at + m <= hl, "match in bounds");
            check(kb_text_match_at(hay, hl, (size_t)at, &t[i]) == m,
                  "match_at agrees");
        }
        kb_text_count(hay, &t[i], 100);
        if (at >= 0 && ok && kb_text_utf8_ok(hay) &&
            t[i].kind == KB_TERM_WORD) {
            bool found = false;
            for (j = 0; j < nlex; j++)
                if ((lex[j].in & 1) &&
                    strncmp(lex[j].text, t[i].text, t[i].len) == 0)
                    found = true;
            check(found, "a word term found in a text has its lexeme");
        }
    }
    for (i = 0; i < nl; i++)
        kb_text_count(hay, &loose[i], 100);
    arena_free(&a);
    free(q);
    free(hay);
    return 0;
}
