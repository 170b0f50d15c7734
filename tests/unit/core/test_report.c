/* SPDX-License-Identifier: MIT */
/*
 * Report figures on rows worked out by hand. The period is [T, T + 10 d);
 * H is an hour, D a day.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "core/report.h"

#define T INT64_C(1651377600)
#define H INT64_C(3600)
#define D INT64_C(86400)

static struct arena a = ARENA_INIT;

/* Frees what a test leaves. */
static void
teardown(void)
{
    arena_free(&a);
}

TestSuite(report, .fini = teardown);

/*
 * A row: requested at r, closed at c (-1: open, 0: closed untimed), in
 * group and of service svc.
 */
static struct report_row
row(int64_t r, int64_t c, int64_t due, const char *group, const char *svc)
{
    struct report_row x = {r,     c > 0 ? c : 0, due, c >= 0,
                           group, group,         svc, svc};

    return x;
}

Test(report, nearest_rank_percentiles)
{
    static const int64_t v[10] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};

    /* rank = ceil(p / 100 * n) */
    cr_assert_eq(report_nearest_rank(v, 10, 50), 5);
    cr_assert_eq(report_nearest_rank(v, 10, 90), 9);
    cr_assert_eq(report_nearest_rank(v, 9, 50), 5);
    cr_assert_eq(report_nearest_rank(v, 9, 90), 9);
    cr_assert_eq(report_nearest_rank(v, 1, 50), 1);
    cr_assert_eq(report_nearest_rank(v, 1, 90), 1);
    cr_assert_eq(report_nearest_rank(v, 2, 50), 1);
    cr_assert_eq(report_nearest_rank(v, 2, 90), 2);
    cr_assert_eq(report_nearest_rank(v, 0, 50), -1);
}

Test(report, every_figure_of_a_small_period)
{
    struct report_row rows[] = {
        /* In the period, closed in 1 h, 2 h, 3 h and 10 h. */
        row(T, T + H, 0, "S1", "S1"),
        row(T + D, T + D + 2 * H, 0, "S1", "S1"),
        row(T + 2 * D, T + 2 * D + 3 * H, T + 2 * D + 4 * H, "S2", "S2"),
        row(T + 3 * D, T + 3 * D + 10 * H, T + 3 * D + 5 * H, "S2", "S2"),
        /* Closed before it was made: closed, but not timed. */
        row(T + 4 * D, T + 4 * D - H, 0, "S3", "S3"),
        /* Closed, time unknown, with a due time: unknown. */
        row(T + 4 * D, 0, T + 5 * D, "S1", "S1"),
        /* Open at the end: past due (missed) and not yet due (unknown). */
        row(T + 9 * D, -1, T + 9 * D + H, "S1", "S1"),
        row(T + 9 * D + 12 * H, -1, T + 11 * D, "S3", "S3"),
        /* Closed after the end: open at `to`, 2 days old. */
        row(T + 8 * D, T + 12 * D, 0, "S2", "S2"),
        /* Made before the period, open at its end: backlog only. */
        row(T - 5 * D, -1, T - 4 * D, "S9", "S9"),
        row(T - 40 * D, T + 11 * D, 0, "S9", "S9"),
        /* Made before the period and closed in it: nothing at all. */
        row(T - D, T + H, 0, "S9", "S9"),
    };
    struct report_builder b;
    struct report r;
    const struct report_figures *f = &r.total;
    size_t i;

    report_begin(&b, T, T + 10 * D, REPORT_BY_SERVICE, &a);
    for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
        cr_assert_eq(report_add(&b, &rows[i]), C311_OK);
    cr_assert_eq(report_end(&b, &r), C311_OK);

    cr_assert_eq(f->requests, 9);
    cr_assert_eq(f->closed, 6);
    cr_assert_float_eq(report_share_closed(f), 6.0 / 9.0, 1e-12);
    /* Times: 1 h, 2 h, 3 h, 10 h. Median rank 2, p90 rank 4. */
    cr_assert_eq(f->timed, 4);
    cr_assert_eq(f->median_s, 2 * H);
    cr_assert_eq(f->p90_s, 10 * H);
    cr_assert_eq(f->with_due, 5);
    cr_assert_eq(f->met, 1);
    cr_assert_eq(f->missed, 2);
    cr_assert_eq(f->unknown, 2);
    cr_assert_float_eq(report_compliance(f), 1.0 / 3.0, 1e-12);
    /* Open at T + 10 d: 1 d, 12 h, 2 d, 15 d and 50 d old. */
    cr_assert_eq(f->backlog, 5);
    cr_assert_eq(f->ages[0], 1);
    cr_assert_eq(f->ages[1], 2);
    cr_assert_eq(f->ages[2], 0);
    cr_assert_eq(f->ages[3], 1);
    cr_assert_eq(f->ages[4], 1);

    /* Groups by service: S1 4, S2 3, S3 2, S9 backlog only. */
    cr_assert_eq(r.ngroups, 4);
    cr_assert_str_eq(r.groups[0].key, "S1");
    cr_assert_eq(r.groups[0].f.requests, 4);
    cr_assert_eq(r.groups[0].f.closed, 3);
    cr_assert_eq(r.groups[0].f.median_s, H);
    cr_assert_eq(r.groups[0].f.backlog, 1);
    cr_assert_str_eq(r.groups[1].key, "S2");
    cr_assert_eq(r.groups[1].f.requests, 3);
    cr_assert_eq(r.groups[1].f.median_s, 3 * H);
    cr_assert_eq(r.groups[1].f.p90_s, 10 * H);
    cr_assert_eq(r.groups[1].f.met, 1);
    cr_assert_eq(r.groups[1].f.missed, 1);
    cr_assert_str_eq(r.groups[2].key, "S3");
    cr_assert_eq(r.groups[2].f.timed, 0);
    cr_assert_eq(r.groups[2].f.median_s, -1);
    cr_assert_str_eq(r.groups[3].key, "S9");
    cr_assert_eq(r.groups[3].f.requests, 0);
    cr_assert_eq(r.groups[3].f.backlog, 2);
    cr_assert_float_eq(report_share_closed(&r.groups[3].f), -1, 0);

    /* The top list counts requests made in the period only. */
    cr_assert_eq(r.ntop, 3);
    cr_assert_str_eq(r.top[0].code, "S1");
    cr_assert_eq(r.top[0].requests, 4);
    cr_assert_str_eq(r.top[2].code, "S3");
}

Test(report, groups_by_time_are_chronological_and_ties_go_by_key)
{
    struct report_row rows[] = {
        row(T + 2 * D, -1, 0, "2022-05-03", "X"),
        row(T, -1, 0, "2022-05-01", "Y"),
        row(T + 2 * D, -1, 0, "2022-05-03", "Y"),
    };
    struct report_builder b;
    struct report r;
    size_t i;

    report_begin(&b, T, T + 3 * D, REPORT_BY_DAY, &a);
    for (i = 0; i < 3; i++)
        cr_assert_eq(report_add(&b, &rows[i]), C311_OK);
    cr_assert_eq(report_end(&b, &r), C311_OK);
    cr_assert_eq(r.ngroups, 2);
    cr_assert_str_eq(r.groups[0].key, "2022-05-01");
    cr_assert_str_eq(r.groups[1].key, "2022-05-03");
    cr_assert_eq(r.groups[0].f.ages[2], 1);
    cr_assert_eq(r.groups[1].f.backlog, 2);
    cr_assert_eq(r.groups[1].f.ages[1], 2);
    cr_assert_str_eq(r.top[0].code, "Y");
    cr_assert_str_eq(r.top[1].code, "X");
    cr_assert_eq(r.total.median_s, -1);
    cr_assert_float_eq(report_compliance(&r.total), -1, 0);
}

Test(report, breakdown_names)
{
    enum report_by by;

    cr_assert(report_by_parse("department", &by));
    cr_assert_eq(by, REPORT_BY_DEPARTMENT);
    cr_assert(report_by_parse("hour", &by));
    cr_assert_eq(by, REPORT_BY_HOUR);
    cr_assert_not(report_by_parse("none", &by));
    cr_assert_not(report_by_parse("week", &by));
    cr_assert_str_eq(report_by_name(REPORT_BY_CHANNEL), "channel");
}
