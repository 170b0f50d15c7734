/* SPDX-License-Identifier: MIT */
/*
 * Loading city configurations: the demo city field by field, and each bad
 * file in tests/fixtures/config/ with the exact problems it must produce.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "core/mapping.h"
#include "io/config.h"

#define FIXTURE(name) CIVIC311_SOURCE_DIR "/tests/fixtures/config/" name
#define DEMO_CITY     CIVIC311_SOURCE_DIR "/config/demo-city.yaml"

static struct config_report rep = CONFIG_REPORT_INIT;
static struct city *city;

/* Frees the city and the report each test leaves behind. */
static void
teardown(void)
{
    config_free(city);
    city = NULL;
    config_report_free(&rep);
}

TestSuite(config, .fini = teardown);

/* Loads path and fails the test, listing problems, unless it is clean. */
static struct city *
load_ok(const char *path)
{
    enum c311_rc rc = config_load(path, &city, &rep);

    if (rc != C311_OK)
        config_report_print(&rep, "config", stderr);
    cr_assert_eq(rc, C311_OK, "%s: %s", path, c311_rc_str(rc));
    cr_assert_eq(rep.n, 0);
    cr_assert_not_null(city);
    return city;
}

/* Loads a bad file and compares "LINE: message" with want, in order. */
static void
expect_problems(const char *path, const char *const *want)
{
    enum c311_rc rc = config_load(path, &city, &rep);
    size_t i, nwant = 0;
    char got[512];

    cr_assert_eq(rc, C311_ERR_INVALID, "%s: %s", path, c311_rc_str(rc));
    cr_assert_null(city);
    while (want[nwant] != NULL)
        nwant++;
    for (i = 0; i < rep.n && i < nwant; i++) {
        snprintf(got, sizeof(got), "%d: %s", rep.v[i].line, rep.v[i].message);
        cr_expect_str_eq(got, want[i], "problem %zu", i);
    }
    cr_assert_eq(rep.n, nwant, "got %zu problems, want %zu", rep.n, nwant);
}

/* Returns the department, failing the test when it is absent. */
static const struct department *
dept(const char *code)
{
    const struct department *d = catalog_department(city, code);

    cr_assert_not_null(d, "no department %s", code);
    return d;
}

/* Returns the service, failing the test when it is absent. */
static const struct service *
service(const char *code)
{
    const struct service *s = catalog_service(city, code);

    cr_assert_not_null(s, "no service %s", code);
    return s;
}

Test(config, demo_city_counts_and_jurisdiction)
{
    load_ok(DEMO_CITY);

    cr_assert_eq(city->ndepartments, 9);
    cr_assert_eq(city->nwork_groups, 14);
    cr_assert_eq(city->nservices, 28);
    cr_assert_eq(city->ncalendars, 2);
    cr_assert_str_eq(city->jurisdiction_id, "democity.example");
    cr_assert_str_eq(city->name, "Demo City");
    cr_assert_str_eq(city->timezone, "America/New_York");
    cr_assert_str_eq(city->default_lang, "en");
    cr_assert_str_eq(city->source, DEMO_CITY);
}

Test(config, demo_city_departments)
{
    static const char *const codes[] = {
        "SANITATION", "TRANSPORTATION", "POLICE",      "BUILDINGS", "HOUSING",
        "HEALTH",     "PARKS",          "ENVIRONMENT", "CONSUMER"};
    size_t i;

    load_ok(DEMO_CITY);
    for (i = 0; i < 9; i++)
        cr_assert_str_eq(city->departments[i].code, codes[i]);
    cr_assert_str_eq(i18n_get(&dept("SANITATION")->name, "en", "en"),
                     "Department of Sanitation");
    cr_assert_str_eq(dept("SANITATION")->calendar, "business");
    cr_assert_str_eq(dept("POLICE")->calendar, "24x7");
    cr_assert_str_eq(dept("POLICE")->phone, "+1-555-0102");
    cr_assert_str_eq(city->work_groups[5].code, "PD_TOWING");
    cr_assert_str_eq(city->work_groups[5].department, "POLICE");
}

Test(config, demo_city_calendars)
{
    const struct calendar *biz, *always;
    size_t i;

    load_ok(DEMO_CITY);
    biz = catalog_calendar(city, "business");
    always = catalog_calendar(city, "24x7");
    cr_assert_not_null(biz);
    cr_assert_not_null(always);

    /* Two intervals on each of Monday to Friday, sorted by day. */
    cr_assert_str_eq(biz->timezone, "America/New_York");
    cr_assert_eq(biz->nhours, 10);
    cr_assert_eq(biz->hours[0].weekday, 1);
    cr_assert_eq(biz->hours[0].open_min, 8 * 60);
    cr_assert_eq(biz->hours[0].close_min, 12 * 60);
    cr_assert_eq(biz->hours[1].weekday, 1);
    cr_assert_eq(biz->hours[1].open_min, 13 * 60);
    cr_assert_eq(biz->hours[1].close_min, 17 * 60);
    cr_assert_eq(biz->hours[9].weekday, 5);

    /* Eleven federal holidays a year, plus New Year 2028 observed. */
    cr_assert_eq(biz->nholidays, 23);
    cr_assert_str_eq(biz->holidays[0], "2026-01-01");
    cr_assert_str_eq(biz->holidays[10], "2026-12-25");
    cr_assert_str_eq(biz->holidays[22], "2027-12-31");

    cr_assert_eq(always->nhours, 7);
    cr_assert_eq(always->nholidays, 0);
    for (i = 0; i < 7; i++) {
        cr_assert_eq(always->hours[i].weekday, (int)i);
        cr_assert_eq(always->hours[i].open_min, 0);
        cr_assert_eq(always->hours[i].close_min, 24 * 60);
    }
}

Test(config, demo_city_abandoned_vehicle)
{
    static const char *const order[] = {
        "HAZARD",     "CONDITION",      "MAKE",       "MODEL",
        "COLOUR",     "YEAR",           "BODY_STYLE", "MISSING_PARTS",
        "FIRST_SEEN", "LOCATION_DETAIL"};
    static const enum attr_datatype types[] = {
        ATTR_SINGLEVALUELIST, ATTR_SINGLEVALUELIST,
        ATTR_STRING,          ATTR_STRING,
        ATTR_STRING,          ATTR_NUMBER,
        ATTR_SINGLEVALUELIST, ATTR_MULTIVALUELIST,
        ATTR_DATETIME,        ATTR_TEXT};
    const struct service *s;
    size_t i;

    load_ok(DEMO_CITY);
    s = service("ABANDONED_VEHICLE");
    cr_assert_str_eq(i18n_get(&s->name, "zh", "en"), "废弃车辆");
    cr_assert_str_eq(i18n_get(&s->name, "es", "en"), "Vehículo abandonado");
    cr_assert_str_eq(i18n_get(&s->name, "fr", "en"), "Abandoned Vehicle");
    cr_assert_eq(s->type, SERVICE_REALTIME);
    cr_assert_str_eq(s->department, "POLICE");
    cr_assert_str_eq(i18n_get(&s->group, "en", "en"), "Vehicles and Parking");
    cr_assert_eq(s->nkeywords, 6);
    cr_assert_str_eq(s->keywords[0], "abandoned");

    cr_assert_eq(s->nattrs, 10);
    for (i = 0; i < 10; i++) {
        cr_assert_str_eq(s->attrs[i].code, order[i]);
        cr_assert_eq(s->attrs[i].order, (int)i + 1);
        cr_assert_eq(s->attrs[i].datatype, types[i], "%s", order[i]);
        cr_assert(s->attrs[i].variable);
        cr_assert_eq(s->attrs[i].required, i < 3, "%s", order[i]);
    }
    cr_assert_eq(s->attrs[0].nvalues, 2);
    cr_assert_str_eq(s->attrs[0].values[0].key, "yes");
    cr_assert_str_eq(i18n_get(&s->attrs[0].values[0].name, "es", "en"), "Sí");
    cr_assert_str_eq(s->attrs[0].values[1].key, "no");
    cr_assert_eq(s->attrs[1].nvalues, 4);
    cr_assert_str_eq(s->attrs[1].values[3].key, "stripped");
    cr_assert_eq(s->attrs[6].nvalues, 7);
    cr_assert_str_eq(s->attrs[6].values[5].key, "motorcycle");
    cr_assert_eq(s->attrs[7].nvalues, 4);
    cr_assert_str_eq(s->attrs[7].values[2].key, "plates");
}

Test(config, demo_city_other_fixed_services)
{
    static const char *const codes[] = {
        "NOISE_RESIDENTIAL",    "NOISE_STREET", "MISSED_COLLECTION",
        "STREETLIGHT_OUT",      "GRAFFITI",     "HEAT_HOT_WATER",
        "ILLEGAL_CONSTRUCTION", "RODENTS",      "FALLEN_TREE",
        "SIDEWALK_DAMAGE",      "WATER_LEAK",   "BLOCKED_DRIVEWAY"};
    const struct service *s;
    size_t i;

    load_ok(DEMO_CITY);
    for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
        s = service(codes[i]);
        cr_assert_str_neq(i18n_get(&s->name, "zh", "en"),
                          i18n_get(&s->name, "en", "en"), "%s", codes[i]);
        cr_assert_str_neq(i18n_get(&s->name, "es", "en"),
                          i18n_get(&s->name, "en", "en"), "%s", codes[i]);
    }

    s = service("POTHOLE");
    cr_assert_eq(s->type, SERVICE_REALTIME);
    cr_assert_eq(s->nattrs, 1);
    cr_assert_str_eq(s->attrs[0].code, "SIZE");
    cr_assert_not(s->attrs[0].required);
    cr_assert_eq(s->attrs[0].datatype, ATTR_SINGLEVALUELIST);
    cr_assert_eq(s->attrs[0].nvalues, 3);
    cr_assert_str_eq(s->attrs[0].values[2].key, "large");

    s = service("BULKY_ITEM");
    cr_assert_eq(s->type, SERVICE_BATCH);
    cr_assert_str_eq(s->department, "SANITATION");
    cr_assert_eq(s->nattrs, 1);
    cr_assert_str_eq(s->attrs[0].code, "ITEMS");
    cr_assert_eq(s->attrs[0].datatype, ATTR_MULTIVALUELIST);
    cr_assert_not(s->attrs[0].required);
    cr_assert_eq(s->attrs[0].nvalues, 5);
    cr_assert_str_eq(s->attrs[0].values[1].key, "mattress");

    cr_assert_eq(service("GRAFFITI")->type, SERVICE_BLACKBOX);
    cr_assert_eq(service("GRAFFITI")->nattrs, 0);
}

Test(config, minimal_city_defaults_and_order)
{
    const struct service *s;

    load_ok(FIXTURE("good-minimal.yaml"));
    cr_assert_str_eq(city->default_lang, "en");
    cr_assert_eq(city->ncalendars, 0);
    cr_assert_eq(city->nwork_groups, 0);
    cr_assert_null(city->departments[0].calendar);

    s = service("BENCH");
    cr_assert_eq(s->name.n, 1);
    cr_assert_str_eq(s->name.v[0].lang, "en");
    cr_assert_str_eq(s->name.v[0].text, "Broken bench");
    cr_assert_eq(s->description.n, 0);
    cr_assert_eq(s->group.n, 0);
    cr_assert_eq(s->nkeywords, 0);

    /* Sorted by order, not by position in the file. */
    cr_assert_eq(s->nattrs, 3);
    cr_assert_str_eq(s->attrs[0].code, "HOW");
    cr_assert(s->attrs[0].required);
    cr_assert_str_eq(i18n_get(&s->attrs[0].description, "fr", "en"),
                     "Quel est le problème ?");
    cr_assert_str_eq(s->attrs[0].values[0].key, "yes");
    cr_assert_str_eq(s->attrs[0].values[1].name.v[0].lang, "fr");
    cr_assert_str_eq(s->attrs[1].code, "WHERE");
    cr_assert_not(s->attrs[1].required);
    cr_assert_str_eq(s->attrs[2].code, "INFO");
    cr_assert_not(s->attrs[2].variable);
}

Test(config, bad_fields)
{
    static const char *const want[] = {
        "6: bad language tag 'English' (expected a tag such as en, zh, es)",
        "7: unknown key 'mayor' in jurisdiction",
        "10: 'name' must be a string or a mapping of language to text",
        "11: missing required field 'code' in department",
        "12: each department must be a mapping",
        "15: bad language tag in 'name' (expected a tag such as en, zh, es)",
        "18: 'keywords' must be a list",
        "19: unknown key 'colour' in service",
        "20: bad service code 'BAD CODE' (use letters, digits, '_' and '-')",
        "24: duplicate key 'name' (first on line 21)",
        "25: unknown key 'extra' in top level",
        NULL};

    expect_problems(FIXTURE("bad-fields.yaml"), want);
}

Test(config, translated_names_notes_groups_and_hints)
{
    const struct workflow_step *cut, *sweep;
    const struct service *s;
    const struct work_group *g;

    load_ok(FIXTURE("good-translated.yaml"));
    cr_assert_str_eq(city->default_lang, "es");
    cr_assert_str_eq(catalog_text(city, &dept("PARKS")->name, "zh"), "公园局");
    cr_assert_str_eq(catalog_text(city, &dept("PARKS")->name, NULL),
                     "Departamento de Parques");
    /* A plain string is in the default language, the fallback of all. */
    cr_assert_eq(dept("ROADS")->name.n, 1);
    cr_assert_str_eq(dept("ROADS")->name.v[0].lang, "es");
    cr_assert_str_eq(catalog_text(city, &dept("ROADS")->name, "zh"),
                     "Departamento de Calles");

    g = catalog_work_group(city, "FORESTRY");
    cr_assert_str_eq(catalog_text(city, &g->name, "zh-CN"), "林务组");
    cr_assert_str_eq(catalog_text(city, &g->name, "en"), "Forestry");
    g = catalog_work_group(city, "CREWS");
    cr_assert_str_eq(catalog_text(city, &g->name, "en"), "Cuadrillas");

    cut = catalog_step(catalog_workflow(city, "TREE"), "CUT");
    sweep = catalog_step(catalog_workflow(city, "TREE"), "SWEEP");
    cr_assert_str_eq(catalog_text(city, &cut->name, "zh"), "移除树木");
    cr_assert_str_eq(catalog_text(city, &cut->note, "es"),
                     "Se retiró el árbol.");
    cr_assert_eq(cut->outcomes[0].note.n, 0);
    cr_assert_str_eq(catalog_text(city, &cut->outcomes[1].note, "zh"),
                     "未发现树木。");
    /* No Spanish text: the default language lacks one, so English. */
    cr_assert_str_eq(catalog_text(city, &cut->outcomes[1].note, "es"),
                     "No tree was found.");
    cr_assert_str_eq(catalog_text(city, &sweep->name, "en"), "Barrer");
    cr_assert_str_eq(sweep->note.v[0].lang, "es");

    s = service("TREE");
    cr_assert_str_eq(catalog_text(city, &s->group, "es"), "Árboles y parques");
    cr_assert_str_eq(catalog_text(city, &s->group, "zh"), "树木和公园");
    cr_assert_str_eq(
        catalog_text(city, &s->attrs[0].datatype_description, "zh"),
        "例如 3 米");
    cr_assert_str_eq(
        catalog_text(city, &s->attrs[0].datatype_description, "fr"),
        "por ejemplo 3 metros");
    s = service("BENCH");
    cr_assert_str_eq(catalog_text(city, &s->group, "en"), "Mobiliario urbano");
    cr_assert_str_eq(
        catalog_text(city, &s->attrs[0].datatype_description, "zh"),
        "una calle y un número");
}

Test(config, stored_texts_shown_per_language)
{
    load_ok(FIXTURE("good-translated.yaml"));
    /* Stored in any language, shown in the one asked for. */
    cr_assert_str_eq(
        catalog_agency(city, "TREE", "Departamento de Parques", "zh"),
        "公园局");
    cr_assert_str_eq(catalog_agency(city, "BENCH", "公园局", "en"),
                     "Parks Department");
    /* Empty: the service's department; unknown: as stored. */
    cr_assert_str_eq(catalog_agency(city, "BENCH", "", "en"),
                     "Departamento de Calles");
    cr_assert_str_eq(catalog_agency(city, "TREE", "NYPD", "zh"), "NYPD");
    cr_assert_null(catalog_agency(city, "GONE", NULL, "zh"));

    cr_assert_str_eq(
        catalog_status_note(city, "TREE", "Se retiró el árbol.", "zh"),
        "树木已移除。");
    cr_assert_str_eq(
        catalog_status_note(city, "TREE", "No tree was found.", "zh"),
        "未发现树木。");
    cr_assert_str_eq(
        catalog_status_note(city, "TREE", "Se barrió la calle.", "en"),
        "Se barrió la calle.");
    /* Typed by staff, or a service without a workflow: as stored. */
    cr_assert_str_eq(catalog_status_note(city, "TREE", "Crews came by.", "zh"),
                     "Crews came by.");
    cr_assert_str_eq(
        catalog_status_note(city, "BENCH", "Se retiró el árbol.", "zh"),
        "Se retiró el árbol.");
    cr_assert_null(catalog_status_note(city, "TREE", NULL, "zh"));

    cr_assert_str_eq(
        catalog_step_name(city, "TREE", "CUT", "Retirar el árbol", "zh"),
        "移除树木");
    /* An ad hoc task, a renamed step, a step no longer configured. */
    cr_assert_str_eq(catalog_step_name(city, NULL, "TASK", "Call back", "zh"),
                     "Call back");
    cr_assert_str_eq(catalog_step_name(city, "TREE", "CUT", "Cut it", "zh"),
                     "Cut it");
    cr_assert_str_eq(catalog_step_name(city, "TREE", "GONE", "Old", "zh"),
                     "Old");
}

Test(config, bad_translations)
{
    static const char *const want[] = {
        "8: 'name' has no text in any language",
        "10: bad language tag in 'name' (expected a tag such as en, zh, es)",
        "12: 'name' must be a string or a mapping of language to text",
        "17: 'name' text for 'en' must be a string",
        "19: 'note' must be a string or a mapping of language to text",
        "21: bad language tag in 'note' (expected a tag such as en, zh, es)",
        "28: 'group' has no text in any language",
        "34: 'datatype_description' must be a string or a mapping of "
        "language to text",
        NULL};

    expect_problems(FIXTURE("bad-translations.yaml"), want);
}

Test(config, bad_translation_texts)
{
    static const char *const want[] = {
        "8: 'name' gives language 'en' twice (first on line 8)",
        "10: 'name' is empty",
        "15: 'name' text for 'zh' is empty",
        "23: 'note' gives language 'es' twice (first on line 23)",
        "30: 'group' gives language 'en' twice (first on line 30)",
        NULL};

    expect_problems(FIXTURE("bad-translation-texts.yaml"), want);
}

Test(config, bad_references)
{
    static const char *const want[] = {
        "5: unknown time zone 'Mars/Olympus_Mons'",
        "8: unknown time zone 'Europe/Nowhere'",
        "11: duplicate calendar id 'office' (first on line 7)",
        "17: unknown calendar 'weekends'",
        "18: bad email 'water.example'",
        "19: duplicate department code 'WATER' (first on line 15)",
        "23: unknown department 'SEWER'",
        "23: duplicate work group code 'CREW' (first on line 22)",
        "29: duplicate service code 'LEAK' (first on line 25)",
        "31: unknown service type 'instant' (use realtime, batch, blackbox)",
        "32: unknown department 'ROADS'",
        NULL};

    expect_problems(FIXTURE("bad-refs.yaml"), want);
}

Test(config, bad_attributes)
{
    static const char *const want[] = {
        "16: missing values for list datatype singlevaluelist",
        "22: values not allowed for datatype number",
        "24: unknown datatype 'boolean' (use string, number, datetime, "
        "text, singlevaluelist, multivaluelist)",
        "28: 'required' must be true or false",
        "29: 'order' must be a whole number",
        "33: duplicate value key 'left' (first on line 32)",
        "34: duplicate attribute code 'SIZE' (first on line 15)",
        "40: attribute cannot be required when 'variable' is false",
        "42: missing required field 'description' in attribute",
        "46: 'description' has no text in any language",
        NULL};

    expect_problems(FIXTURE("bad-attributes.yaml"), want);
}

Test(config, demo_city_mappings)
{
    const struct import_mapping *nyc, *bos;

    load_ok(DEMO_CITY);
    cr_assert_eq(city->nmappings, 2);
    nyc = mapping_of(city, "nyc");
    bos = mapping_of(city, "boston");
    cr_assert_not_null(nyc);
    cr_assert_not_null(bos);
    cr_assert_null(mapping_of(city, "chicago"));

    cr_assert_str_eq(mapping_department(nyc, "NYPD"), "POLICE");
    cr_assert_str_eq(mapping_department(nyc, "nypd"), "POLICE");
    cr_assert_null(mapping_department(nyc, "EDC"));
    cr_assert_null(mapping_department(nyc, ""));
    cr_assert_str_eq(mapping_department_source(nyc, "SANITATION"), "DSNY");

    cr_assert_str_eq(mapping_service(nyc, "Noise - Residential", "Banging"),
                     "NOISE_RESIDENTIAL");
    cr_assert_str_eq(mapping_service(nyc, "noise - residential", NULL),
                     "NOISE_RESIDENTIAL");
    cr_assert_str_eq(mapping_service(nyc, "Street Condition", "Pothole"),
                     "POTHOLE");
    cr_assert_null(mapping_service(nyc, "Street Condition", "Cave-in"));
    cr_assert_null(mapping_service(nyc, "Noise - Commercial", "Loud Talking"));

    cr_assert_str_eq(mapping_channel(nyc, "ONLINE"), "web");
    cr_assert_null(mapping_channel(nyc, "UNKNOWN"));
    cr_assert_str_eq(mapping_channel_source(nyc, "mobile"), "MOBILE");
    cr_assert_null(mapping_channel_source(nyc, "open311"));

    cr_assert_str_eq(mapping_department(bos, "BTDT"), "TRANSPORTATION");
    cr_assert_str_eq(mapping_service(bos, "Parking Enforcement", NULL),
                     "ILLEGAL_PARKING");
    cr_assert_str_eq(mapping_channel(bos, "Citizens Connect App"), "mobile");
}

Test(config, minimal_city_has_no_mapping)
{
    load_ok(FIXTURE("good-minimal.yaml"));
    cr_assert_eq(city->nmappings, 0);
    cr_assert_null(mapping_of(city, "nyc"));
    cr_assert_null(mapping_service(mapping_of(city, "nyc"), "Noise", NULL));
}

Test(config, bad_mapping)
{
    static const char *const want[] = {
        "11: duplicate 'nypd' in departments (first on line 10)",
        "12: unknown department 'ROADS'",
        "15: duplicate 'noise - residential' in services (first on line 14)",
        "17: unknown service 'POTHOLE'",
        "18: missing required field 'type' in service mapping",
        "19: unknown key 'agency' in service mapping",
        "21: bad channel 'web site' (use letters, digits, '_' and '-')",
        "23: unknown key 'colour' in mapping",
        "24: unknown import format 'chicago' (use nyc, boston)",
        "27: 'departments' must be a mapping of source value to department",
        "28: 'services' must be a list",
        NULL};

    expect_problems(FIXTURE("bad-mapping.yaml"), want);
}

Test(config, bad_calendar)
{
    static const char *const want[] = {
        "10: bad hours '9-5' (expected HH:MM-HH:MM)",
        "11: overlapping hours '11:00-13:00' on wed",
        "12: bad hours '17:00-09:00' (closes before it opens)",
        "13: bad hours '13:00-24:30' (expected HH:MM-HH:MM)",
        "14: unknown weekday 'monday' (use mon, tue, wed, thu, fri, sat, "
        "sun)",
        "17: bad holiday date '2026-02-30' (expected YYYY-MM-DD)",
        "18: bad holiday date '2026-13-01' (expected YYYY-MM-DD)",
        "19: bad holiday date '1899-12-25' (expected YYYY-MM-DD)",
        "20: bad holiday date 'tomorrow' (expected YYYY-MM-DD)",
        NULL};

    expect_problems(FIXTURE("bad-calendar.yaml"), want);
}

Test(config, yaml_syntax_error_has_a_line)
{
    static const char *const want[] = {
        "8: yaml syntax error: did not find expected ',' or ']' (while "
        "parsing a flow sequence)",
        NULL};

    expect_problems(FIXTURE("bad-syntax.yaml"), want);
}

Test(config, missing_file)
{
    cr_assert_eq(config_load(FIXTURE("no-such-file.yaml"), &city, &rep),
                 C311_ERR_IO);
    cr_assert_null(city);
    cr_assert_eq(rep.n, 1);
    cr_assert_eq(rep.v[0].line, 0);
    cr_assert_str_eq(rep.v[0].message,
                     "cannot read file: No such file or directory");
}

Test(config, report_print_format)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f;

    config_load(FIXTURE("bad-syntax.yaml"), &city, &rep);
    config_load(FIXTURE("no-such-file.yaml"), &city, &rep);
    f = open_memstream(&text, &len);
    cr_assert_not_null(f);
    config_report_print(&rep, "x.yaml", f);
    fclose(f);
    cr_assert_str_eq(text, "x.yaml:8: yaml syntax error: did not find expected "
                           "',' or ']' (while parsing a flow sequence)\n"
                           "x.yaml: cannot read file: No such file or "
                           "directory\n");
    free(text);
}
