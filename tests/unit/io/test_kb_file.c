/* SPDX-License-Identifier: MIT */
/*
 * Knowledge base data files: the demo city's file loads whole, and a file
 * with one problem per group reports each of them on its line.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "io/config.h"
#include "io/kb_file.h"

#define DEMO_CITY CIVIC311_SOURCE_DIR "/config/demo-city.yaml"
#define DEMO_KB   CIVIC311_SOURCE_DIR "/config/kb/demo-city.yaml"
#define BAD_KB    CIVIC311_SOURCE_DIR "/tests/fixtures/kb/bad.yaml"

static struct city *city;
static struct config_report rep = CONFIG_REPORT_INIT;

/* Loads the demo city the files are checked against. */
static void
setup(void)
{
    cr_assert_eq(config_load(DEMO_CITY, &city, &rep), C311_OK);
}

/* Frees the city and the report. */
static void
teardown(void)
{
    config_free(city);
    config_report_free(&rep);
}

TestSuite(kb_file, .init = setup, .fini = teardown);

/* The seed of key in lang, or NULL. */
static const struct kb_seed *
seed(const struct kb_file *f, const char *key, const char *lang)
{
    size_t i;

    for (i = 0; i < f->n; i++) {
        if (strcmp(f->v[i].key, key) == 0 && strcmp(f->v[i].lang, lang) == 0)
            return &f->v[i];
    }
    return NULL;
}

Test(kb_file, the_demo_file_loads)
{
    static const char *const langs[] = {"en", "zh", "es"};
    const struct kb_seed *en, *zh, *es;
    struct kb_file *f = NULL;
    size_t i;

    cr_assert_eq(kb_file_load(DEMO_KB, city, &f, &rep), C311_OK);
    /* 36 groups, each in English, Chinese and Spanish, in that order. */
    cr_assert_eq(f->ngroups, 36);
    cr_assert_eq(f->n, 108);
    cr_assert_str_eq(f->v[0].key, "towed-car");
    for (i = 0; i < f->n; i++) {
        cr_assert_str_eq(f->v[i].lang, langs[i % 3], "article %zu", i);
        cr_assert_str_eq(f->v[i].key, f->v[i - i % 3].key);
        cr_assert_not_null(f->v[i].c.category, "%s", f->v[i].key);
    }
    es = seed(f, "towed-car", "es");
    cr_assert_not_null(es);
    cr_assert_str_eq(es->c.title,
                     "Auto remolcado: dónde está y cómo recuperarlo");
    cr_assert_str_eq(es->c.category, "Vehículos y estacionamiento");
    cr_assert_eq(es->c.nservices, 3);
    cr_assert_str_eq(es->c.services[2], "ILLEGAL_PARKING");
    en = seed(f, "bulky-item-pickup", "en");
    zh = seed(f, "bulky-item-pickup", "zh");
    cr_assert_not_null(en);
    cr_assert_not_null(zh);
    cr_assert_str_eq(en->c.title, "Bulky item pickup");
    cr_assert_str_eq(zh->c.title, "大件物品清运");
    cr_assert_str_eq(en->c.category, "Sanitation");
    cr_assert_str_eq(zh->c.category, "环境卫生");
    cr_assert_str_eq(en->c.department, "SANITATION");
    cr_assert_str_eq(en->c.review_by, "2027-03-31");
    cr_assert_eq(en->status, KB_PUBLISHED);
    cr_assert_eq(en->c.nservices, 1);
    cr_assert_str_eq(en->c.services[0], "BULKY_ITEM");
    cr_assert_eq(en->c.ntags, 5);
    cr_assert_str_eq(en->c.tags[0], "bulky");
    /* Services are sorted as the store keeps them. */
    en = seed(f, "towed-car", "en");
    cr_assert_eq(en->c.nservices, 3);
    cr_assert_str_eq(en->c.services[0], "ABANDONED_VEHICLE");
    cr_assert_str_eq(en->c.services[1], "BLOCKED_DRIVEWAY");
    cr_assert_str_eq(en->c.services[2], "ILLEGAL_PARKING");
    kb_file_free(f);
}

Test(kb_file, every_problem_on_its_line)
{
    static const struct {
        int line;
        const char *msg;
    } want[] = {
        {3, "bad key 'Bad Key' (use lowercase letters, digits and '-')"},
        {5, "group 'no-languages' has no article in any language"},
        {9, "article 'unknown-service' (en): unknown service code 'NOPE'"},
        {12, "key 'dup' is used by an earlier group"},
        {15, "article 'missing-title' (zh): title is required"},
        {17, "'status' must be draft or published"},
        {20, "unknown key 'colour' in an article group"},
        {21, "unknown key 'author' in en"},
        {22, "missing required field 'key' in an article group"},
    };
    struct kb_file *f = NULL;
    size_t i;

    cr_assert_eq(kb_file_load(BAD_KB, city, &f, &rep), C311_ERR_INVALID);
    cr_assert_null(f);
    for (i = 0; i < rep.n && i < sizeof(want) / sizeof(want[0]); i++) {
        cr_expect_eq(rep.v[i].line, want[i].line, "problem %zu: line %d", i,
                     rep.v[i].line);
        cr_expect_str_eq(rep.v[i].message, want[i].msg);
    }
    cr_assert_eq(rep.n, sizeof(want) / sizeof(want[0]));
}

Test(kb_file, unreadable)
{
    struct kb_file *f = NULL;

    cr_assert_eq(kb_file_load("/nonexistent/kb.yaml", city, &f, &rep),
                 C311_ERR_IO);
    cr_assert_eq(rep.n, 1);
    cr_assert_str_eq(rep.v[0].message,
                     "cannot read file: No such file or directory");
}
