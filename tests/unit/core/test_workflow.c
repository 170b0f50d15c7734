/* SPDX-License-Identifier: MIT */
/*
 * Workflow rules on hand-built steps: routing by zip code, by polygon and
 * by answer, follow-ups by outcome, and the graph checks.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "core/workflow.h"

static const char *zips[] = {"10004", "10005"};
static double lat[] = {40.0, 40.0, 41.0, 41.0};
static double lon[] = {-75.0, -73.0, -73.0, -75.0};
static struct zone zones[] = {
    {"DOWNTOWN", zips, 2, NULL, NULL, 0, 1},
    {"SQUARE", NULL, 0, lat, lon, 4, 2},
};
static struct route_rule rules[] = {
    {"DOWNTOWN", NULL, NULL, "DOWNTOWN_CREW", 1},
    {"SQUARE", NULL, NULL, "SQUARE_CREW", 2},
    {NULL, "SIZE", "large", "PAVERS", 3},
    {NULL, NULL, NULL, "STREETS", 4},
};

static struct city city;

/* A city holding only the zones. */
static void
setup(void)
{
    memset(&city, 0, sizeof(city));
    city.zones = zones;
    city.nzones = 2;
}

TestSuite(workflow, .init = setup);

Test(workflow, routes_by_zone_answer_and_default)
{
    struct workflow_step st = {0};
    struct attr_answer large = {"SIZE", "large"};
    struct sr r = {0};

    st.route = rules;
    st.nroute = 4;
    cr_assert_str_eq(workflow_route(&city, &st, &r), "STREETS");
    r.zipcode = "10005";
    cr_assert_str_eq(workflow_route(&city, &st, &r), "DOWNTOWN_CREW");
    r.zipcode = "10006";
    r.has_location = true;
    r.lat = 40.5;
    r.lon = -74.0;
    cr_assert_str_eq(workflow_route(&city, &st, &r), "SQUARE_CREW");
    r.lat = 41.5;
    cr_assert_str_eq(workflow_route(&city, &st, &r), "STREETS");
    r.attrs = &large;
    r.nattrs = 1;
    cr_assert_str_eq(workflow_route(&city, &st, &r), "PAVERS");
    st.work_group = "OWN";
    cr_assert_str_eq(workflow_route(&city, &st, &r), "OWN");
}

Test(workflow, follow_ups_by_outcome)
{
    static const char *always[] = {"REPORT"};
    static const char *tow[] = {"TOW", "HOLD"};
    struct i18n_text done[] = {{"en", "Done."}, {"es", "Hecho."}};
    struct i18n_text gone[] = {{"en", "Not found."}};
    struct step_outcome outs[] = {
        {"tow", tow, 2, {NULL, 0}, 1},
        {"not_found", NULL, 0, {gone, 1}, 2},
    };
    struct workflow_step st = {0};
    struct arena a = ARENA_INIT;
    const char **next;
    const struct i18n *note;
    size_t n;

    st.next = always;
    st.nnext = 1;
    st.outcomes = outs;
    st.noutcomes = 2;
    st.note = (struct i18n){done, 2};
    cr_assert_eq(workflow_complete(&st, "tow", &a, &next, &n, &note), C311_OK);
    cr_assert_eq(n, 3);
    cr_assert_str_eq(next[0], "REPORT");
    cr_assert_str_eq(next[1], "TOW");
    cr_assert_str_eq(next[2], "HOLD");
    cr_assert_eq(note, &st.note);
    cr_assert_str_eq(i18n_get(note, "es", "en"), "Hecho.");
    cr_assert_eq(workflow_complete(&st, "not_found", &a, &next, &n, &note),
                 C311_OK);
    cr_assert_eq(n, 1);
    cr_assert_str_eq(i18n_get(note, "en", "en"), "Not found.");
    /* An outcome's note holds when nothing follows it, too. */
    st.nnext = 0;
    cr_assert_eq(workflow_complete(&st, "not_found", &a, &next, &n, &note),
                 C311_OK);
    cr_assert_eq(n, 0);
    cr_assert_str_eq(i18n_get(note, "en", "en"), "Not found.");
    st.nnext = 1;
    cr_assert_eq(workflow_complete(&st, "other", &a, &next, &n, &note),
                 C311_ERR_INVALID);
    cr_assert_eq(workflow_complete(&st, NULL, &a, &next, &n, &note),
                 C311_ERR_INVALID);
    st.noutcomes = 0;
    cr_assert_eq(workflow_complete(&st, NULL, &a, &next, &n, &note), C311_OK);
    cr_assert_eq(n, 1);
    cr_assert_eq(workflow_complete(&st, "", &a, &next, &n, &note), C311_OK);
    /* A step without outcomes takes none: a typed one is a mistake. */
    cr_assert_eq(workflow_complete(&st, "tow", &a, &next, &n, &note),
                 C311_ERR_INVALID);
    /* A step without a note gives none. */
    st.note = (struct i18n){NULL, 0};
    cr_assert_eq(workflow_complete(&st, NULL, &a, &next, &n, &note), C311_OK);
    cr_assert_null(note);
    arena_free(&a);
}

Test(workflow, graph_loops_and_orphans)
{
    static const char *to_b[] = {"B"};
    static const char *to_a[] = {"A"};
    struct workflow_step steps[3] = {{0}};
    struct workflow wf = {"W", steps, 3, NULL, 0, 1};
    struct arena a = ARENA_INIT;
    struct workflow_problem *v;
    size_t n;

    steps[0].id = "A";
    steps[0].line = 10;
    steps[0].next = to_b;
    steps[0].nnext = 1;
    steps[1].id = "B";
    steps[1].line = 20;
    steps[2].id = "C";
    steps[2].line = 30;
    cr_assert_eq(workflow_check_graph(&wf, &a, &v, &n), C311_OK);
    cr_assert_eq(n, 1);
    cr_assert_eq(v[0].line, 30);
    cr_assert_str_eq(v[0].message, "step 'C' of workflow 'W' is never started");

    steps[1].next = to_a;
    steps[1].nnext = 1;
    wf.nsteps = 2;
    cr_assert_eq(workflow_check_graph(&wf, &a, &v, &n), C311_OK);
    cr_assert_eq(n, 1);
    cr_assert_eq(v[0].line, 10);
    cr_assert_str_eq(v[0].message, "workflow 'W' has a loop back to step 'A'");
    arena_free(&a);
}
