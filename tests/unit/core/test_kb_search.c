/* SPDX-License-Identifier: MIT */
/*
 * Ranking knowledge base results: the service keyword boost, scores, the
 * loosened mode, one article per group in the language asked for, and
 * snippets with their marks, on articles built by hand.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "core/kb_search.h"

static const char *av_kw[] = {"abandoned", "car", "tow", "junk car"};
static const char *bd_kw[] = {"driveway", "car"};
static struct i18n_text av_name[] = {{"en", "Abandoned Vehicle"},
                                     {"zh", "废弃车辆"}};
static struct service services[] = {
    {.code = "ABANDONED_VEHICLE",
     .keywords = av_kw,
     .nkeywords = 4,
     .name = {av_name, 2}},
    {.code = "BLOCKED_DRIVEWAY", .keywords = bd_kw, .nkeywords = 2},
    {.code = "POTHOLE"},
};
static const struct city city = {.services = services, .nservices = 3};

static const char *svc_av[] = {"ABANDONED_VEHICLE"};
static const char *svc_pot[] = {"POTHOLE"};
static const char *tags_tow[] = {"towed", "impound"};

/* Articles: 1/2 a group in en/zh, 3 alone, 4 alone in en. */
static struct kb_article arts[] = {
    {.id = 1,
     .group_id = 1,
     .lang = "en",
     .c = {.title = "Towed car",
           .body = "Your car was towed to the pound.",
           .tags = tags_tow,
           .ntags = 2,
           .services = svc_av,
           .nservices = 1}},
    {.id = 2,
     .group_id = 1,
     .lang = "zh",
     .c = {.title = "拖车", .body = "车被拖走了。"}},
    {.id = 3,
     .group_id = 3,
     .lang = "en",
     .c = {.title = "Car car car",
           .body = "car car car car car car towed",
           .services = svc_pot,
           .nservices = 1}},
    {.id = 4,
     .group_id = 4,
     .lang = "en",
     .c = {.title = "Potholes", .body = "A car may hit a pothole."}},
};

static struct arena arena = ARENA_INIT;

/* Gives back what each test allocated. */
static void
teardown(void)
{
    arena_free(&arena);
}

TestSuite(kb_search, .fini = teardown);

/* The terms of q. */
static struct kb_term *
terms(const char *q, size_t *n)
{
    struct kb_term *t;

    cr_assert_eq(kb_text_terms(q, &arena, &t, n), C311_OK);
    return t;
}

Test(kb_search, boosts_from_keywords_and_names)
{
    struct kb_boost *b;
    size_t n;

    cr_assert_eq(kb_search_boosts(&city, "towed car", &arena, &b, &n), C311_OK);
    cr_assert_eq(n, 2);
    cr_assert_str_eq(b[0].service, "ABANDONED_VEHICLE");
    cr_assert_eq(b[0].weight, 2, "car and tow");
    cr_assert_str_eq(b[1].service, "BLOCKED_DRIVEWAY");
    cr_assert_eq(b[1].weight, 1);
    cr_assert_eq(kb_search_boosts(&city, "举报废弃车辆", &arena, &b, &n),
                 C311_OK);
    cr_assert_eq(n, 1);
    cr_assert_str_eq(b[0].service, "ABANDONED_VEHICLE");
    cr_assert_eq(kb_search_boosts(&city, "junk", &arena, &b, &n), C311_OK);
    cr_assert_eq(n, 0, "junk car needs both words");
}

Test(kb_search, every_term_then_boost_then_score)
{
    struct kb_boost *b;
    struct kb_scored *r;
    struct kb_term *t;
    size_t nt, nb, n;

    t = terms("towed car", &nt);
    cr_assert_eq(kb_search_boosts(&city, "towed car", &arena, &b, &nb),
                 C311_OK);
    cr_assert_eq(
        kb_search_rank(t, nt, false, arts, 4, b, nb, NULL, &arena, &r, &n),
        C311_OK);
    /* 4 lacks "towed", 2 both terms; 3 outscores 1 but 1 is boosted. */
    cr_assert_eq(n, 2);
    cr_assert_eq(r[0].art->id, 1);
    cr_assert_eq(r[0].boost, 2);
    /* towed: title 10 + tags 6 + body 1; car: title 10 + body 1. */
    cr_assert_eq(r[0].score, 28);
    cr_assert_eq(r[1].art->id, 3);
    cr_assert_eq(r[1].boost, 0);
    /* towed: body 1; car: title 10 + body 5 (capped). */
    cr_assert_eq(r[1].score, 16);
}

Test(kb_search, any_mode_ranks_by_terms_found)
{
    struct kb_scored *r;
    struct kb_term *t;
    size_t nt, n;

    t = terms("pothole towed", &nt);
    cr_assert_eq(
        kb_search_rank(t, nt, false, arts, 4, NULL, 0, NULL, &arena, &r, &n),
        C311_OK);
    cr_assert_eq(n, 0);
    cr_assert_eq(
        kb_search_rank(t, nt, true, arts, 4, NULL, 0, NULL, &arena, &r, &n),
        C311_OK);
    cr_assert_eq(n, 3);
    cr_assert_eq(r[0].art->id, 1, "towed: 17");
    cr_assert_eq(r[1].art->id, 4, "pothole: 10 + 1");
    cr_assert_eq(r[2].art->id, 3, "towed: 1");
}

Test(kb_search, one_per_group_in_the_language_wanted)
{
    struct kb_scored *r;
    struct kb_term *t;
    size_t nt, n;

    /* Both 1 (towed) and 2 (车) match "towed 车" loosely. */
    t = terms("towed 车", &nt);
    cr_assert_eq(
        kb_search_rank(t, nt, true, arts, 4, NULL, 0, "zh", &arena, &r, &n),
        C311_OK);
    cr_assert_eq(n, 2);
    cr_assert_eq(r[0].art->id, 2, "group 1 shown in Chinese");
    cr_assert_eq(r[1].art->id, 3);
    cr_assert_eq(
        kb_search_rank(t, nt, true, arts, 4, NULL, 0, NULL, &arena, &r, &n),
        C311_OK);
    cr_assert_eq(r[0].art->id, 1, "no language wanted: the best match");
}

Test(kb_search, matches_in_the_language_wanted_come_first)
{
    static struct kb_article mixed[] = {
        {.id = 10,
         .group_id = 10,
         .lang = "en",
         .c = {.title = "ID card", .body = "Bring an ID."}},
        {.id = 11,
         .group_id = 11,
         .lang = "es",
         .c = {.title = "Idiomas", .body = "idioma, idioma, idioma"}},
    };
    struct kb_scored *r;
    struct kb_term *t;
    size_t nt, n;

    /* "id" starts words of both: 10 + 1 in English, 10 + 3 in Spanish. */
    t = terms("id", &nt);
    cr_assert_eq(
        kb_search_rank(t, nt, false, mixed, 2, NULL, 0, NULL, &arena, &r, &n),
        C311_OK);
    cr_assert_eq(n, 2);
    cr_assert_eq(r[0].art->id, 11, "no language wanted: the best score");
    cr_assert_eq(r[0].score, 13);
    cr_assert_eq(
        kb_search_rank(t, nt, false, mixed, 2, NULL, 0, "en", &arena, &r, &n),
        C311_OK);
    cr_assert_eq(r[0].art->id, 10, "English asked for: the English match");
    cr_assert(r[0].own);
    cr_assert_eq(r[1].art->id, 11);
    cr_assert_not(r[1].own);
}

Test(kb_search, prefer_replaces_and_orders)
{
    struct kb_scored r[3] = {{&arts[2], 1, 0, 5, false},
                             {&arts[0], 1, 0, 4, false},
                             {&arts[3], 1, 0, 3, false}};
    int64_t *via;

    cr_assert(kb_search_lang_fits("zh-Hans", "zh"));
    cr_assert_not(kb_search_lang_fits("zh", "zh-Hans"));
    cr_assert_not(kb_search_lang_fits("zu", "z"));
    cr_assert_str_eq(kb_search_want("es-MX", &arena), "es");
    cr_assert_str_eq(kb_search_want("es-419", &arena), "es");
    cr_assert_str_eq(kb_search_want("zh-CN", &arena), "zh");
    cr_assert_str_eq(kb_search_want("zh-Hant", &arena), "zh-Hant");
    cr_assert_str_eq(kb_search_want("zh-Hant-TW", &arena), "zh-Hant");
    cr_assert_str_eq(kb_search_want("zh-Hans-CN", &arena), "zh-Hans");
    cr_assert_str_eq(kb_search_want("zh-Hant-TW-x-private", &arena), "zh-Hant");
    cr_assert_str_eq(kb_search_want("es-MX-x-abc", &arena), "es");
    cr_assert_str_eq(kb_search_want("de-DE-1996", &arena), "de");
    cr_assert_str_eq(kb_search_want("sl-rozaj", &arena), "sl");
    cr_assert_str_eq(kb_search_want("es", &arena), "es");
    cr_assert_null(kb_search_want(NULL, &arena));
    cr_assert_eq(kb_search_prefer(r, 3, "zh", &arts[1], 1, &arena, &via),
                 C311_OK);
    cr_assert_eq(r[0].art->id, 2, "the translation, moved first");
    cr_assert_eq(via[0], 1);
    cr_assert_eq(r[1].art->id, 3);
    cr_assert_eq(via[1], 0);
    cr_assert_eq(r[2].art->id, 4);
}

Test(kb_search, snippets_mark_and_escape)
{
    struct kb_term *t;
    size_t nt;
    char body[400], want[400] = "";

    t = terms("car tow", &nt);
    cr_assert_str_eq(
        kb_search_snippet("A <car> & a tow-away car.", t, nt, &arena),
        "A &lt;<mark>car</mark>&gt; &amp; a <mark>tow</mark>-away "
        "<mark>car</mark>.");
    t = terms("zzz", &nt);
    cr_assert_str_eq(kb_search_snippet("no match", t, nt, &arena), "no match");
    memset(body, 'x', sizeof(body));
    memcpy(body + 100, " pound ", 7);
    body[399] = '\0';
    t = terms("pound", &nt);
    /*
     * The match is at 101: 40 characters back is 61, moved on past the
     * space at 100. 160 characters from 101 end at 261: "pound", a space
     * and the 154 x from 107 to 260.
     */
    strcpy(want, "\xe2\x80\xa6<mark>pound</mark> ");
    memset(want + strlen(want), 'x', 154);
    strcpy(want + strlen("\xe2\x80\xa6<mark>pound</mark> ") + 154,
           "\xe2\x80\xa6");
    cr_assert_str_eq(kb_search_snippet(body, t, nt, &arena), want);
}

Test(kb_search, snippets_count_characters)
{
    struct kb_term *t;
    size_t nt;
    char body[3 * 300 + 1];
    const char *s;
    size_t i;

    for (i = 0; i < 300; i++)
        memcpy(body + 3 * i, "\xe8\xbd\xa6", 3); /* 车 */
    body[900] = '\0';
    t = terms("zzz", &nt);
    s = kb_search_snippet(body, t, nt, &arena);
    cr_assert_eq(strlen(s), 3 * 160 + 3, "160 characters and an ellipsis");
}
