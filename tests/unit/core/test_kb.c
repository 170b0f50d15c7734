/* SPDX-License-Identifier: MIT */
/*
 * Knowledge base articles: names, language tags and dates, the checks an
 * editor's content must pass against a small city, the fields a change
 * touches, and tags joined and split.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "core/kb.h"

static struct service services[] = {
    {.code = "BULKY_ITEM"},
    {.code = "POTHOLE"},
};
static struct department departments[] = {{.code = "SANITATION"}};
static const struct city city = {
    .services = services,
    .nservices = 2,
    .departments = departments,
    .ndepartments = 1,
};

static struct arena arena = ARENA_INIT;

/* Gives back what each test allocated. */
static void
teardown(void)
{
    arena_free(&arena);
}

TestSuite(kb, .fini = teardown);

/* A valid content to break one field at a time. */
static struct kb_content
good(void)
{
    static const char *tags[] = {"bulky", "furniture"};
    static const char *svcs[] = {"BULKY_ITEM"};
    struct kb_content c = {
        .title = "Bulky item pickup",
        .body = "Put it out.\n\n- one\n- two\n\nSee "
                "[the page](https://democity.example/bulky).",
        .category = "Sanitation",
        .department = "SANITATION",
        .review_by = "2027-02-28",
        .tags = tags,
        .ntags = 2,
        .services = svcs,
        .nservices = 1,
    };
    return c;
}

static const char *last_code;

/* Runs the check and returns the field it blames, or NULL. */
static const char *
blame(const struct kb_content *c, const char **msg)
{
    struct kb_problem p = {NULL, NULL, NULL};

    if (kb_content_check(c, &city, &arena, &p))
        return NULL;
    *msg = p.message;
    last_code = p.code;
    return p.field;
}

Test(kb, names_round_trip)
{
    enum kb_status s;
    enum kb_action a;

    cr_assert_str_eq(kb_status_name(KB_DRAFT), "draft");
    cr_assert_str_eq(kb_status_name(KB_PUBLISHED), "published");
    cr_assert(kb_status_parse("published", &s));
    cr_assert_eq(s, KB_PUBLISHED);
    cr_assert_not(kb_status_parse("Published", &s));
    cr_assert(kb_action_parse("restored", &a));
    cr_assert_eq(a, KB_RESTORED);
    cr_assert_str_eq(kb_action_name(KB_PUBLISHED_ACT), "published");
    cr_assert_str_eq(kb_field_name(KB_F_REVIEW_BY), "review_by");
    cr_assert_str_eq(kb_field_name(KB_F_STATUS), "status");
    cr_assert_null(kb_field_name(KB_F_TITLE | KB_F_BODY));
}

Test(kb, language_tags)
{
    cr_assert(kb_lang_ok("en"));
    cr_assert(kb_lang_ok("zh"));
    cr_assert(kb_lang_ok("zh-Hant"));
    cr_assert(kb_lang_ok("es-419"));
    cr_assert_not(kb_lang_ok("e"));
    cr_assert_not(kb_lang_ok("EN"));
    cr_assert_not(kb_lang_ok("english"));
    cr_assert_not(kb_lang_ok("en-"));
    cr_assert_not(kb_lang_ok("en_US"));
}

Test(kb, dates)
{
    cr_assert(kb_date_ok("2027-02-28"));
    cr_assert(kb_date_ok("2028-02-29"));
    cr_assert(kb_date_ok("2000-02-29"));
    cr_assert_not(kb_date_ok("1900-02-29"));
    cr_assert_not(kb_date_ok("2027-02-29"));
    cr_assert_not(kb_date_ok("2027-04-31"));
    cr_assert_not(kb_date_ok("2027-13-01"));
    cr_assert_not(kb_date_ok("2027-1-01"));
    cr_assert_not(kb_date_ok("2027-01-01T00:00:00Z"));
}

Test(kb, good_content_passes)
{
    struct kb_content c = good();
    const char *msg = NULL;

    cr_assert_null(blame(&c, &msg), "%s", msg);
    c.category = c.department = c.review_by = NULL;
    c.ntags = c.nservices = 0;
    cr_assert_null(blame(&c, &msg), "%s", msg);
}

Test(kb, each_field_is_checked)
{
    static const char *dup[] = {"a", "a"};
    static const char *comma[] = {"a,b"};
    static const char *unknown[] = {"NOPE"};
    struct kb_content c;
    char big[KB_BODY_MAX + 2];
    const char *msg = NULL;

    c = good();
    c.title = NULL;
    cr_assert_str_eq(blame(&c, &msg), "title");
    cr_assert_str_eq(msg, "title is required");
    cr_assert_str_eq(last_code, "required");
    c = good();
    c.title = "two\nlines";
    cr_assert_str_eq(blame(&c, &msg), "title");
    cr_assert_str_eq(last_code, "invalid");
    c = good();
    c.body = "see [it](javascript:alert(1))";
    cr_assert_str_eq(blame(&c, &msg), "body");
    cr_assert_str_eq(msg, "link 'javascript:alert(1' in body is not an http, "
                          "https, mailto or tel address");
    c = good();
    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    c.body = big;
    cr_assert_str_eq(blame(&c, &msg), "body");
    cr_assert_str_eq(msg, "body is longer than 20000 bytes");
    c = good();
    c.body = "bad \xff byte";
    cr_assert_str_eq(blame(&c, &msg), "body");
    c = good();
    c.tags = dup;
    cr_assert_str_eq(blame(&c, &msg), "tags");
    cr_assert_str_eq(msg, "a tag is given twice");
    c = good();
    c.tags = comma;
    c.ntags = 1;
    cr_assert_str_eq(blame(&c, &msg), "tags");
    c = good();
    c.services = unknown;
    cr_assert_str_eq(blame(&c, &msg), "services");
    cr_assert_str_eq(msg, "unknown service code 'NOPE'");
    cr_assert_str_eq(last_code, "invalid");
    c = good();
    c.department = "POLICE";
    cr_assert_str_eq(blame(&c, &msg), "department");
    cr_assert_str_eq(msg, "unknown department code 'POLICE'");
    c = good();
    c.review_by = "2027-02-30";
    cr_assert_str_eq(blame(&c, &msg), "review_by");
}

Test(kb, titles_count_characters_not_bytes)
{
    struct kb_content c = good();
    char title[3 * KB_TITLE_MAX + 4];
    const char *msg = NULL;
    size_t i;

    /* 200 Chinese characters are 600 bytes and still fit. */
    for (i = 0; i < KB_TITLE_MAX; i++)
        memcpy(title + 3 * i, "\xe8\xbd\xa6", 3);
    title[3 * KB_TITLE_MAX] = '\0';
    c.title = title;
    cr_assert_null(blame(&c, &msg), "%s", msg);
    memcpy(title + 3 * KB_TITLE_MAX, "x", 2);
    cr_assert_str_eq(blame(&c, &msg), "title");
    cr_assert_str_eq(msg, "title is longer than 200 characters");
}

Test(kb, diff_names_the_changed_fields)
{
    static const char *tags2[] = {"bulky"};
    struct kb_content a = good(), b = good();

    cr_assert_eq(kb_content_diff(&a, &b), 0u);
    b.title = "Other";
    b.tags = tags2;
    b.ntags = 1;
    b.category = NULL;
    cr_assert_eq(kb_content_diff(&a, &b),
                 KB_F_TITLE | KB_F_TAGS | KB_F_CATEGORY);
    a.review_by = "";
    b = a;
    b.review_by = NULL;
    cr_assert_eq(kb_content_diff(&a, &b), 0u, "NULL and empty are alike");
}

Test(kb, tags_join_and_split)
{
    static const char *tags[] = {"tow pound", "car", "拖车"};
    const char **v;
    size_t n;

    cr_assert_str_eq(kb_tags_join(tags, 3, &arena), "tow pound, car, 拖车");
    cr_assert_null(kb_tags_join(tags, 0, &arena));
    cr_assert_eq(kb_tags_split("tow pound, car, 拖车", &arena, &v, &n),
                 C311_OK);
    cr_assert_eq(n, 3);
    cr_assert_str_eq(v[0], "tow pound");
    cr_assert_str_eq(v[1], "car");
    cr_assert_str_eq(v[2], "拖车");
    cr_assert_eq(kb_tags_split(NULL, &arena, &v, &n), C311_OK);
    cr_assert_eq(n, 0);
    cr_assert_eq(kb_tags_split(" a ,, b ", &arena, &v, &n), C311_OK);
    cr_assert_eq(n, 2);
    cr_assert_str_eq(v[0], "a");
    cr_assert_str_eq(v[1], "b");
}
