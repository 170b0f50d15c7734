/* SPDX-License-Identifier: MIT */
/*
 * Catalogue lookups, language fallback, type names and the checking of
 * answers against a service's questions, on a service built by hand.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "core/catalog.h"

static struct attr_value yes_no[] = {
    {"yes", {NULL, 0}},
    {"no", {NULL, 0}},
};

static struct attr_value parts[] = {
    {"wheels", {NULL, 0}},
    {"windows", {NULL, 0}},
    {"plates", {NULL, 0}},
    {"engine", {NULL, 0}},
};

/* A cut-down abandoned vehicle form, in question order. */
static struct service_attr attrs[] = {
    {"HAZARD",
     ATTR_SINGLEVALUELIST,
     true,
     true,
     1,
     {NULL, 0},
     {NULL, 0},
     yes_no,
     2,
     0},
    {"MAKE", ATTR_STRING, true, true, 2, {NULL, 0}, {NULL, 0}, NULL, 0, 0},
    {"YEAR", ATTR_NUMBER, true, false, 3, {NULL, 0}, {NULL, 0}, NULL, 0, 0},
    {"MISSING_PARTS",
     ATTR_MULTIVALUELIST,
     true,
     false,
     4,
     {NULL, 0},
     {NULL, 0},
     parts,
     4,
     0},
    {"FIRST_SEEN",
     ATTR_DATETIME,
     true,
     false,
     5,
     {NULL, 0},
     {NULL, 0},
     NULL,
     0,
     0},
    {"NOTE", ATTR_TEXT, false, false, 6, {NULL, 0}, {NULL, 0}, NULL, 0, 0},
};

static const struct service svc = {
    .code = "ABANDONED_VEHICLE",
    .attrs = attrs,
    .nattrs = sizeof(attrs) / sizeof(attrs[0]),
};

static struct arena arena = ARENA_INIT;

/* Gives back the problems of each test. */
static void
teardown(void)
{
    arena_free(&arena);
}

TestSuite(catalog, .fini = teardown);

/*
 * Checks answers and compares the messages with want (NULL-terminated);
 * returns the status.
 */
static enum c311_rc
check(const struct attr_answer *ans, size_t n, const char *const *want)
{
    struct attr_problem *p = NULL;
    size_t np = 99, i, nwant = 0;
    enum c311_rc rc;

    rc = catalog_check_answers(&svc, ans, n, &arena, &p, &np);
    while (want[nwant] != NULL)
        nwant++;
    for (i = 0; i < np && i < nwant; i++)
        cr_expect_str_eq(p[i].message, want[i], "problem %zu", i);
    cr_assert_eq(np, nwant, "got %zu problems, want %zu (first: %s)", np, nwant,
                 np ? p[0].message : "none");
    cr_assert_eq(rc, nwant ? C311_ERR_INVALID : C311_OK);
    return rc;
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

Test(catalog, accepts_complete_answers)
{
    static const struct attr_answer ans[] = {
        {"HAZARD", "no"},
        {"MAKE", "Toyota"},
        {"YEAR", "2012"},
        {"MISSING_PARTS", "wheels"},
        {"MISSING_PARTS", "plates"},
        {"FIRST_SEEN", "2026-03-01T09:00:00-05:00"},
    };
    static const char *const want[] = {NULL};

    check(ans, N(ans), want);
    check(ans, 2, want);
}

Test(catalog, requires_required_answers)
{
    static const struct attr_answer ans[] = {{"YEAR", "1999"}};
    static const char *const want[] = {"attribute HAZARD is required",
                                       "attribute MAKE is required", NULL};

    check(ans, N(ans), want);
    check(NULL, 0, want);
}

Test(catalog, empty_answers_count_as_absent)
{
    static const struct attr_answer ans[] = {
        {"HAZARD", "yes"}, {"MAKE", ""},   {"YEAR", ""},
        {"COLOR", ""},     {"HAZARD", ""}, {"FIRST_SEEN", ""},
    };
    static const char *const want[] = {"attribute MAKE is required", NULL};

    check(ans, N(ans), want);
}

Test(catalog, numbers_must_be_numeric)
{
    static const char *const good[] = {"2012", "-3.5", "+7",
                                       "1e3",  "0.25", ".5"};
    static const char *const bad[] = {"abc", "12 ", " 12", "0x10", "inf",
                                      "nan", "1,5", "12a", "-",    "1e"};
    static const char *const ok[] = {NULL};
    static const char *const want[] = {"attribute YEAR must be a number", NULL};
    size_t i;

    for (i = 0; i < N(good); i++) {
        struct attr_answer ans[] = {
            {"HAZARD", "yes"}, {"MAKE", "Ford"}, {"YEAR", good[i]}};

        check(ans, N(ans), ok);
    }
    for (i = 0; i < N(bad); i++) {
        struct attr_answer ans[] = {
            {"HAZARD", "yes"}, {"MAKE", "Ford"}, {"YEAR", bad[i]}};

        check(ans, N(ans), want);
    }
}

Test(catalog, datetimes_need_an_offset)
{
    static const struct attr_answer ans[] = {
        {"HAZARD", "yes"},
        {"MAKE", "Ford"},
        {"FIRST_SEEN", "2026-03-01T09:00:00"},
    };
    static const char *const want[] = {
        "attribute FIRST_SEEN must be an ISO 8601 datetime with an offset",
        NULL};

    check(ans, N(ans), want);
}

Test(catalog, list_answers_must_be_keys)
{
    static const struct attr_answer ans[] = {
        {"HAZARD", "maybe"},         {"MAKE", "Ford"},
        {"MISSING_PARTS", "wheels"}, {"MISSING_PARTS", "roof"},
        {"MISSING_PARTS", "Engine"},
    };
    static const char *const want[] = {
        "attribute HAZARD: 'maybe' is not one of yes, no",
        "attribute MISSING_PARTS: 'roof' is not one of wheels, windows, "
        "plates, engine",
        "attribute MISSING_PARTS: 'Engine' is not one of wheels, windows, "
        "plates, engine",
        NULL};

    check(ans, N(ans), want);
}

Test(catalog, only_multivaluelist_takes_several_values)
{
    static const struct attr_answer ans[] = {
        {"HAZARD", "yes"}, {"HAZARD", "no"}, {"MAKE", "Ford"},
        {"MAKE", "Fiat"},  {"YEAR", "1"},    {"YEAR", "2"},
    };
    static const char *const want[] = {"attribute HAZARD takes one value",
                                       "attribute MAKE takes one value",
                                       "attribute YEAR takes one value", NULL};

    check(ans, N(ans), want);
}

Test(catalog, unknown_codes_reported_once_in_order)
{
    static const struct attr_answer ans[] = {
        {"COLOR", "red"}, {"HAZARD", "no"},  {"MAKE", "VW"},
        {"DOORS", "4"},   {"COLOR", "blue"},
    };
    static const char *const want[] = {
        "attribute COLOR is not a question of service ABANDONED_VEHICLE",
        "attribute DOORS is not a question of service ABANDONED_VEHICLE", NULL};

    check(ans, N(ans), want);
}

Test(catalog, informational_questions_take_no_answer)
{
    static const struct attr_answer ans[] = {
        {"HAZARD", "no"}, {"MAKE", "VW"}, {"NOTE", "hello"}};
    static const char *const want[] = {
        "attribute NOTE is information only and takes no answer", NULL};

    check(ans, N(ans), want);
}

Test(catalog, problems_name_their_attribute)
{
    static const struct attr_answer ans[] = {{"YEAR", "x"}, {"ZZ", "1"}};
    struct attr_problem *p;
    size_t np;

    cr_assert_eq(catalog_check_answers(&svc, ans, 2, &arena, &p, &np),
                 C311_ERR_INVALID);
    cr_assert_eq(np, 4);
    cr_assert_str_eq(p[0].code, "HAZARD");
    cr_assert_str_eq(p[1].code, "MAKE");
    cr_assert_str_eq(p[2].code, "YEAR");
    cr_assert_str_eq(p[3].code, "ZZ");
}

Test(catalog, i18n_fallbacks)
{
    struct i18n_text t3[] = {
        {"es", "Bache"}, {"en", "Pothole"}, {"zh", "路面坑洞"}};
    struct i18n_text t1[] = {{"fr", "Nid-de-poule"}};
    struct i18n all = {t3, 3}, fr = {t1, 1}, none = {NULL, 0};

    cr_assert_str_eq(i18n_get(&all, "zh", "es"), "路面坑洞");
    cr_assert_str_eq(i18n_get(&all, "de", "es"), "Bache");
    cr_assert_str_eq(i18n_get(&all, "de", "it"), "Pothole");
    cr_assert_str_eq(i18n_get(&all, NULL, NULL), "Pothole");
    cr_assert_str_eq(i18n_get(&fr, "en", "en"), "Nid-de-poule");
    cr_assert_str_eq(i18n_get(&none, "en", "en"), "");
    /* Regions, scripts and case as browsers and phones send them. */
    cr_assert_str_eq(i18n_get(&all, "zh-CN", "en"), "路面坑洞");
    cr_assert_str_eq(i18n_get(&all, "es_MX", "en"), "Bache");
    cr_assert_str_eq(i18n_get(&all, "ZH", "en"), "路面坑洞");
    cr_assert_str_eq(i18n_get(&all, "zhx", "en"), "Pothole");
}

Test(catalog, type_names_round_trip)
{
    static const char *const dt[] = {"string",          "number",
                                     "datetime",        "text",
                                     "singlevaluelist", "multivaluelist"};
    enum attr_datatype d;
    enum service_type s;
    size_t i;

    for (i = 0; i < N(dt); i++) {
        cr_assert(attr_datatype_parse(dt[i], &d));
        cr_assert_eq(d, (enum attr_datatype)i);
        cr_assert_str_eq(attr_datatype_name(d), dt[i]);
    }
    cr_assert_not(attr_datatype_parse("String", &d));
    cr_assert_not(attr_datatype_parse("bool", &d));

    cr_assert(service_type_parse("batch", &s));
    cr_assert_eq(s, SERVICE_BATCH);
    cr_assert(service_type_parse("blackbox", &s));
    cr_assert_eq(s, SERVICE_BLACKBOX);
    cr_assert_str_eq(service_type_name(SERVICE_REALTIME), "realtime");
    cr_assert_not(service_type_parse("live", &s));
}

Test(catalog, lookups_by_code)
{
    struct department deps[] = {
        {"PARKS", {NULL, 0}, NULL, NULL, NULL, 3, NULL, NULL, 0, NULL, 0},
        {"POLICE", {NULL, 0}, "24x7", NULL, NULL, 9, NULL, NULL, 0, NULL, 0}};
    struct calendar cals[] = {{"24x7", "UTC", NULL, 0, NULL, 0, 1}};
    struct city c;

    memset(&c, 0, sizeof(c));
    c.departments = deps;
    c.ndepartments = 2;
    c.calendars = cals;
    c.ncalendars = 1;
    c.services = (struct service *)&svc;
    c.nservices = 1;

    cr_assert_eq(catalog_department(&c, "POLICE"), &deps[1]);
    cr_assert_null(catalog_department(&c, "police"));
    cr_assert_null(catalog_department(&c, NULL));
    cr_assert_eq(catalog_calendar(&c, "24x7"), &cals[0]);
    cr_assert_null(catalog_calendar(&c, "business"));
    cr_assert_eq(catalog_service(&c, "ABANDONED_VEHICLE"), &svc);
    cr_assert_null(catalog_service(&c, "POTHOLE"));
}

Test(catalog, string_answers_have_a_length_limit)
{
    static const char *const ok[] = {NULL};
    static const char *const want[] = {"attribute MAKE is over 1000 characters",
                                       NULL};
    char *long_ascii = malloc(1002), *long_zh = malloc(3 * 1000 + 1);
    size_t i;

    memset(long_ascii, 'a', 1001);
    long_ascii[1001] = '\0';
    /* 1,000 characters of three bytes each fit: the limit counts
     * characters, not bytes. */
    for (i = 0; i < 1000; i++)
        memcpy(long_zh + 3 * i, "车", 3);
    long_zh[3000] = '\0';
    {
        struct attr_answer over[] = {{"HAZARD", "yes"}, {"MAKE", long_ascii}};
        struct attr_answer fits[] = {{"HAZARD", "yes"}, {"MAKE", long_zh}};

        check(over, N(over), want);
        check(fits, N(fits), ok);
    }
    free(long_ascii);
    free(long_zh);
}
