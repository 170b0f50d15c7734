/* SPDX-License-Identifier: MIT */
/*
 * Text analysis for knowledge base search: UTF-8, query terms, loosened
 * terms, index lexemes, the matching rule and query normalisation.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "core/kb_text.h"

static struct arena arena = ARENA_INIT;

/* Gives back what each test allocated. */
static void
teardown(void)
{
    arena_free(&arena);
}

TestSuite(kb_text, .fini = teardown);

/* The terms of q joined by '|', with C before CJK ones. */
static const char *
terms(const char *q)
{
    static char out[512];
    struct kb_term *t;
    size_t n, i;

    cr_assert_eq(kb_text_terms(q, &arena, &t, &n), C311_OK);
    out[0] = '\0';
    for (i = 0; i < n; i++) {
        if (i > 0)
            strcat(out, "|");
        if (t[i].kind == KB_TERM_CJK)
            strcat(out, "C");
        strcat(out, t[i].text);
    }
    return out;
}

/* One term of kind k made from s, as kb_text_terms() would. */
static struct kb_term
term(const char *s, enum kb_term_kind k)
{
    struct kb_term t = {s, strlen(s), kb_text_nchars(s, strlen(s)), k};

    return t;
}

Test(kb_text, utf8)
{
    size_t k;

    cr_assert(kb_text_utf8_ok("plain"));
    cr_assert(kb_text_utf8_ok("拖车 \xef\xbf\xbd"));
    cr_assert_not(kb_text_utf8_ok("\xc0\xaf"));     /* overlong '/' */
    cr_assert_not(kb_text_utf8_ok("\xed\xa0\x80")); /* a surrogate */
    cr_assert_not(kb_text_utf8_ok("cut \xe6\x8b"));
    cr_assert_eq(kb_text_nchars("拖车ab", 8), 4);
    cr_assert_eq(kb_text_decode("\xe6\x8b\x96", 3, &k), 0x62d6);
    cr_assert_eq(k, 3);
    cr_assert_eq(kb_text_decode("\xe6\x8b", 2, &k), 0xfffd);
    cr_assert_eq(k, 1);
}

Test(kb_text, classes)
{
    cr_assert(kb_text_is_cjk(0x62d6));     /* 拖 */
    cr_assert(kb_text_is_cjk(0x30ab));     /* katakana */
    cr_assert(kb_text_is_cjk(0xd55c));     /* Hangul */
    cr_assert_not(kb_text_is_cjk(0x3002)); /* 。 */
    cr_assert(kb_text_is_word('a'));
    cr_assert(kb_text_is_word('7'));
    cr_assert(kb_text_is_word(0xe9)); /* é */
    cr_assert_not(kb_text_is_word('-'));
    cr_assert_not(kb_text_is_word(0xd7));   /* × */
    cr_assert_not(kb_text_is_word(0x2026)); /* … */
    cr_assert_not(kb_text_is_word(0xff0c)); /* ， */
    cr_assert_not(kb_text_is_word(0x62d6)); /* CJK is not a word char */
}

Test(kb_text, terms_split_lower_and_drop_common_words)
{
    cr_assert_str_eq(terms("Towed car"), "towed|car");
    cr_assert_str_eq(terms("How do I get my TOWED car back?"),
                     "get|towed|car|back");
    cr_assert_str_eq(terms("the"), "the", "only common words: kept");
    cr_assert_str_eq(terms("car car CAR"), "car");
    cr_assert_str_eq(terms("拖车"), "C拖车");
    cr_assert_str_eq(terms("我的车被拖走了，怎么办？"),
                     "C我的车被拖走了|C怎么办");
    cr_assert_str_eq(terms("311热线 hotline"), "311|C热线|hotline");
    cr_assert_str_eq(terms("a b"), "a|b", "one letter each: kept");
    cr_assert_str_eq(terms("a tow"), "tow");
    cr_assert_str_eq(terms("!!! ..."), "");
    cr_assert_str_eq(terms("one two three four five six seven eight nine"),
                     "one|two|three|four|five|six|seven|eight");
}

Test(kb_text, long_words_are_cut_at_64_bytes_on_a_character)
{
    char q[200];
    struct kb_term *t;
    size_t n, i;

    /* 30 three-byte characters: cut after 21 (63 bytes). */
    for (i = 0; i < 30; i++)
        memcpy(q + 3 * i, "\xe8\xbd\xa6", 3);
    q[90] = '\0';
    cr_assert_eq(kb_text_terms(q, &arena, &t, &n), C311_OK);
    cr_assert_eq(n, 1);
    cr_assert_eq(t[0].len, 63);
    cr_assert_eq(t[0].nchars, 21);
}

Test(kb_text, relax_cuts_cjk_phrases_into_pairs)
{
    struct kb_term *t, *r;
    size_t n, nr;
    char out[256] = "";
    size_t i;

    cr_assert_eq(kb_text_terms("车被拖走了 towed 拖车", &arena, &t, &n),
                 C311_OK);
    cr_assert_eq(kb_text_relax(t, n, &arena, &r, &nr), C311_OK);
    for (i = 0; i < nr; i++) {
        strcat(out, r[i].text);
        strcat(out, r[i].kind == KB_TERM_CJK ? "/C " : "/W ");
    }
    cr_assert_str_eq(out, "车被/C 被拖/C 拖走/C 走了/C towed/W 拖车/C ");
    cr_assert_eq(r[0].nchars, 2);
}

/* The lexemes of texts as "text:in" joined by spaces. */
static const char *
lexemes(const char *const *texts, size_t n, unsigned flags)
{
    static char out[1024];
    struct kb_lexeme *v;
    size_t count, i;
    char one[64];

    cr_assert_eq(kb_text_lexemes(texts, n, flags, &arena, &v, &count), C311_OK);
    out[0] = '\0';
    for (i = 0; i < count; i++) {
        snprintf(one, sizeof(one), "%s%s:%u", i ? " " : "", v[i].text, v[i].in);
        strcat(out, one);
    }
    return out;
}

Test(kb_text, lexemes_of_words_prefixes_and_cjk)
{
    const char *texts[] = {"Towed car", "tow 拖车", "被拖车"};

    cr_assert_str_eq(lexemes(texts, 3, KB_LEX_WORDS), "car:1 tow:2 towed:1");
    cr_assert_str_eq(lexemes(texts, 3, KB_LEX_PREFIX), "c:1 ca:1 t:3 to:3");
    cr_assert_str_eq(lexemes(texts, 3, KB_LEX_CJK),
                     "拖:6 拖车:6 被:4 被拖:4 车:6");
}

Test(kb_text, word_terms_match_at_the_start_of_words)
{
    const char *hay = "Stow the car; TOWED cars: tow-away";
    struct kb_term tow = term("tow", KB_TERM_WORD);
    struct kb_term car = term("car", KB_TERM_WORD);
    struct kb_term way = term("way", KB_TERM_WORD);

    cr_assert_eq(kb_text_find(hay, strlen(hay), &tow, 0), 14);
    cr_assert_eq(kb_text_find(hay, strlen(hay), &tow, 15), 26);
    cr_assert_eq(kb_text_count(hay, &tow, 10), 2);
    cr_assert_eq(kb_text_count(hay, &car, 10), 2);
    cr_assert_eq(kb_text_count(hay, &car, 1), 1);
    cr_assert_eq(kb_text_find(hay, strlen(hay), &way, 0), -1);
}

Test(kb_text, cjk_terms_match_anywhere)
{
    const char *hay = "车辆被拖车拖走；拖车费";
    struct kb_term t = term("拖车", KB_TERM_CJK);
    struct kb_term one = term("车", KB_TERM_CJK);

    cr_assert_eq(kb_text_find(hay, strlen(hay), &t, 0), 9);
    cr_assert_eq(kb_text_count(hay, &t, 10), 2);
    cr_assert_eq(kb_text_count(hay, &one, 10), 3);
}

Test(kb_text, a_word_after_a_cjk_character_starts_a_word)
{
    const char *hay = "服务代码ABANDONED_VEHICLE";
    struct kb_term t = term("abandoned", KB_TERM_WORD);
    struct kb_term v = term("vehicle", KB_TERM_WORD);

    cr_assert_eq(kb_text_find(hay, strlen(hay), &t, 0), 12);
    cr_assert_eq(kb_text_find(hay, strlen(hay), &v, 0), 22);
}

Test(kb_text, normalize)
{
    cr_assert_str_eq(kb_text_normalize("  XYZZY \t  Plugh ", &arena),
                     "xyzzy plugh");
    cr_assert_str_eq(kb_text_normalize("拖车", &arena), "拖车");
    cr_assert_str_eq(kb_text_normalize("   ", &arena), "");
}

Test(kb_text, fold_drops_case_and_accents_of_latin_letters)
{
    cr_assert_eq(kb_text_fold('A'), 'a');
    cr_assert_eq(kb_text_fold('7'), '7');
    cr_assert_eq(kb_text_fold(0xfa), 'u');      /* ú */
    cr_assert_eq(kb_text_fold(0xda), 'u');      /* Ú */
    cr_assert_eq(kb_text_fold(0xd1), 'n');      /* Ñ */
    cr_assert_eq(kb_text_fold(0xfc), 'u');      /* ü */
    cr_assert_eq(kb_text_fold(0xff), 'y');      /* ÿ */
    cr_assert_eq(kb_text_fold(0x10c), 'c');     /* Č */
    cr_assert_eq(kb_text_fold(0x142), 'l');     /* ł */
    cr_assert_eq(kb_text_fold(0x17e), 'z');     /* ž */
    cr_assert_eq(kb_text_fold(0x17f), 's');     /* ſ */
    cr_assert_eq(kb_text_fold(0xc6), 0xe6);     /* Æ is æ */
    cr_assert_eq(kb_text_fold(0xe6), 0xe6);     /* æ has no ASCII letter */
    cr_assert_eq(kb_text_fold(0x152), 0x153);   /* Œ is œ */
    cr_assert_eq(kb_text_fold(0xdf), 0xdf);     /* ß stays */
    cr_assert_eq(kb_text_fold(0x301), 0);       /* a combining accent */
    cr_assert_eq(kb_text_fold(0x62d6), 0x62d6); /* 拖 */
    cr_assert_eq(kb_text_fold(0x416), 0x416);   /* Cyrillic Ж: itself */
    cr_assert_str_eq(kb_text_fold_text("Grúa: CALEFACCIÓN, año", &arena),
                     "grua: calefaccion, ano");
    cr_assert_str_eq(kb_text_fold_text("gru\xcc\x81"
                                       "a 拖车",
                                       &arena),
                     "grua 拖车");
    cr_assert_str_eq(kb_text_fold_text("bad \xe6\x8b end", &arena),
                     "bad \xe6\x8b end");
}

Test(kb_text, fullwidth_letters_and_digits_fold_to_ascii)
{
    struct kb_term grua = term("grua", KB_TERM_WORD);
    const char *hay = "Servicio de \xef\xbc\xa7\xef\xbd\x92\xc3\xba"
                      "\xef\xbd\x81 24h"; /* Ｇｒúａ */
    size_t m;

    cr_assert_eq(kb_text_fold(0xff27), 'g'); /* Ｇ */
    cr_assert_eq(kb_text_fold(0xff47), 'g'); /* ｇ */
    cr_assert_eq(kb_text_fold(0xff10), '0'); /* ０ */
    cr_assert_eq(kb_text_fold(0xff19), '9'); /* ９ */
    cr_assert_eq(kb_text_fold(0xff0d), 0xff0d, "－ is no letter");
    cr_assert_eq(kb_text_fold(0xff5e), 0xff5e, "～ is no letter");
    cr_assert_str_eq(terms("ＧＲＵＡ ３１１"), "grua|311");
    cr_assert_eq(kb_text_match(hay, strlen(hay), &grua, 0, &m), 12);
    cr_assert_eq(m, 11, "three fullwidth letters and ú");
}

Test(kb_text, terms_are_folded_and_spanish_common_words_dropped)
{
    cr_assert_str_eq(terms("Grúa coche"), "grua|coche");
    cr_assert_str_eq(terms("CALEFACCIÓN"), "calefaccion");
    cr_assert_str_eq(terms("¿Dónde está mi coche remolcado?"),
                     "coche|remolcado");
    cr_assert_str_eq(terms("recogida de la basura"), "recogida|basura");
    cr_assert_str_eq(terms("\xcc\x81"), "", "only an accent: no term");
    cr_assert_str_eq(terms("de la"), "de|la", "only common words: kept");
}

Test(kb_text, lexemes_are_folded)
{
    const char *texts[] = {"Grúa", "Ñu", ""};

    cr_assert_str_eq(lexemes(texts, 2, KB_LEX_WORDS), "grua:1 nu:2");
    cr_assert_str_eq(lexemes(texts, 2, KB_LEX_PREFIX), "g:1 gr:1 n:2 nu:2");
}

Test(kb_text, matches_ignore_accents_on_either_side)
{
    const char *hay = "La GRÚA llevó el auto; calefacción y grua\xcc\x81s.";
    struct kb_term grua = term("grua", KB_TERM_WORD);
    struct kb_term cal = term("calefaccion", KB_TERM_WORD);
    struct kb_term llevo = term("llevo", KB_TERM_WORD);
    struct kb_term rua = term("rua", KB_TERM_WORD);
    size_t m;

    cr_assert_eq(kb_text_match(hay, strlen(hay), &grua, 0, &m), 3);
    cr_assert_eq(m, 5, "GRÚA is five bytes");
    cr_assert_eq(kb_text_match(hay, strlen(hay), &grua, 4, &m), 40);
    cr_assert_eq(m, 6, "grua and the combining accent after it");
    cr_assert_eq(kb_text_find(hay, strlen(hay), &cal, 0), 25);
    cr_assert_eq(kb_text_find(hay, strlen(hay), &llevo, 0), 9);
    cr_assert_eq(kb_text_count(hay, &grua, 10), 2);
    cr_assert_eq(kb_text_find(hay, strlen(hay), &rua, 0), -1,
                 "not at the start of a word");
    cr_assert_eq(kb_text_match_at(hay, strlen(hay), 3, &grua), 5);
    cr_assert_eq(kb_text_match_at(hay, strlen(hay), 4, &rua), 0);
}

Test(kb_text, plural_endings_are_cut_from_query_words)
{
    cr_assert_str_eq(terms("multas farolas baches"), "multa|farola|bache");
    cr_assert_str_eq(terms("contenedores árboles ratones"),
                     "contenedor|arbol|raton");
    cr_assert_str_eq(terms("calles towed cars potholes"),
                     "calle|towed|car|pothol");
    cr_assert_str_eq(terms("fines mattress bus 311s"),
                     "fine|mattress|bus|311s");
    cr_assert_str_eq(terms("does"), "does", "a common word stays whole");
}
