/* SPDX-License-Identifier: MIT */
/*
 * Workflows, zones, work group members and escalation chains in the city
 * configuration: the demo city's, and a file with every kind of mistake.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "io/config.h"

#define FIXTURE(name) CIVIC311_SOURCE_DIR "/tests/fixtures/config/" name
#define DEMO_CITY     CIVIC311_SOURCE_DIR "/config/demo-city.yaml"

static struct config_report rep = CONFIG_REPORT_INIT;
static struct city *city;

/* Frees what each test leaves behind. */
static void
teardown(void)
{
    config_free(city);
    city = NULL;
    config_report_free(&rep);
}

TestSuite(config_workflow, .fini = teardown);

Test(config_workflow, demo_city_workflows)
{
    const struct workflow *wf;
    const struct workflow_step *st;
    const struct work_group *g;
    const struct department *d;
    size_t i;

    cr_assert_eq(config_load(DEMO_CITY, &city, &rep), C311_OK);
    cr_assert_eq(city->at_risk_percent, 75);
    for (i = 0; i < city->nservices; i++)
        cr_assert_not_null(catalog_workflow(city, city->services[i].workflow),
                           "%s has no workflow", city->services[i].code);

    wf = catalog_workflow(city, "ABANDONED_VEHICLE");
    cr_assert_not_null(wf);
    cr_assert_eq(wf->nsteps, 5);
    st = catalog_step(wf, "INSPECT");
    cr_assert_str_eq(st->work_group, "PD_PATROL");
    cr_assert_str_eq(st->sla_text, "2bd");
    cr_assert_eq(st->sla.amount, 2);
    cr_assert_eq(st->sla.unit, CAL_BDAYS);
    cr_assert_eq(st->noutcomes, 3);
    cr_assert_str_eq(st->outcomes[0].code, "tow");
    cr_assert_str_eq(st->outcomes[0].next[0], "TOW");
    st = catalog_step(wf, "TOW");
    cr_assert_eq(st->priority, PRIO_HIGH);
    cr_assert(st->tow);

    st = catalog_step(catalog_workflow(city, "POTHOLE"), "REPAIR");
    cr_assert_null(st->work_group);
    cr_assert_eq(st->nroute, 3);
    cr_assert_str_eq(st->route[0].zone, "DOWNTOWN");
    cr_assert_str_eq(st->route[1].attribute, "SIZE");
    cr_assert_str_eq(st->route[1].value, "large");

    g = catalog_work_group(city, "PD_TOWING");
    cr_assert_eq(g->assignment, ASSIGN_LEAST_OPEN);
    cr_assert_eq(g->nmembers, 2);
    cr_assert_str_eq(g->members[1], "pd.tow2");
    cr_assert_str_eq(g->lead, "pd.tow.lead");

    d = catalog_department(city, "POLICE");
    cr_assert_str_eq(d->head, "pd.head");
    cr_assert_eq(d->nescalation, 3);
    cr_assert_eq(d->escalation[0].when, ESC_AT_RISK);
    cr_assert_eq(d->escalation[0].priority, -1);
    cr_assert_eq(d->escalation[2].when, ESC_BREACHED);
    cr_assert(d->escalation[2].has_after);
    cr_assert_eq(d->escalation[2].after.unit, CAL_BDAYS);
    cr_assert_eq(d->escalation[2].notify, ESC_NOTIFY_HEAD);
    cr_assert_eq(d->escalation[2].priority, PRIO_URGENT);

    cr_assert_eq(catalog_zone(city, "MIDTOWN")->npoints, 4);
    cr_assert_eq(catalog_zone(city, "DOWNTOWN")->nzips, 6);
}

Test(config_workflow, every_mistake_has_a_line)
{
    static const char *const want[] = {
        "8: calendar time zone 'Europe/Paris' differs from the "
        "jurisdiction's 'America/New_York' (not supported)",
        "11: zone needs 'zips' or 'polygon'",
        "12: polygon needs at least 3 points",
        "17: unknown escalation 'when' 'late' (use at_risk, breached)",
        "17: unknown escalation 'notify' 'boss' (use lead, supervisor, head)",
        "18: 'after' applies only to 'when: breached'",
        "18: unknown priority 'top' (use low, normal, high, urgent)",
        "20: unknown assignment 'random' (use round_robin, least_open)",
        "23: unknown step 'NOPE' in workflow 'LOOPY'",
        "25: step 'FIRST' counts business time but department 'ROADS' has "
        "no calendar",
        "25: workflow 'LOOPY' has a loop back to step 'FIRST'",
        "29: unknown zone 'EAST'",
        "29: route of step 'SECOND' must end with a rule that has only a "
        "work_group",
        "30: unknown work group 'GANG'",
        "30: service 'HOLE' has no attribute 'DEPTH' (route of step "
        "'SECOND')",
        "31: bad duration '3 days' (use a whole number and m, h, d, bm, bh "
        "or bd, such as 90m, 4bh, 3bd)",
        "34: duplicate outcome code 'again' (first on line 33)",
        "35: step needs a 'work_group' or a 'route'",
        "35: step 'LONELY' of workflow 'LOOPY' is never started",
        "46: unknown workflow 'MISSING'",
        NULL};
    size_t i, nwant = 0;
    char got[512];

    cr_assert_eq(config_load(FIXTURE("bad-workflow.yaml"), &city, &rep),
                 C311_ERR_INVALID);
    while (want[nwant] != NULL)
        nwant++;
    for (i = 0; i < rep.n && i < nwant; i++) {
        snprintf(got, sizeof(got), "%d: %s", rep.v[i].line, rep.v[i].message);
        cr_expect_str_eq(got, want[i], "problem %zu", i);
    }
    cr_assert_eq(rep.n, nwant, "got %zu problems, want %zu", rep.n, nwant);
}
