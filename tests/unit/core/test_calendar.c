/* SPDX-License-Identifier: MIT */
/*
 * Business calendar arithmetic in America/New_York, with values computed
 * by hand: after hours on a Friday, weekends, a Monday holiday, the lunch
 * break, the spring-forward and fall-back days of 2026 and spans of
 * several weeks.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "core/calendar.h"
#include "util/isotime.h"

#define WEEKDAY(wd)                                                            \
    {wd, 8 * 60, 12 * 60},                                                     \
    {                                                                          \
        wd, 13 * 60, 17 * 60                                                   \
    }

/* Office hours with a lunch break, Monday to Friday. */
static struct calendar_interval office_hours[] = {
    WEEKDAY(1), WEEKDAY(2), WEEKDAY(3), WEEKDAY(4), WEEKDAY(5),
};

static const char *holidays[] = {"2026-01-19", "2026-06-19"};

static struct calendar office = {
    "business", "America/New_York", office_hours, 10, holidays, 2, 0};

static struct calendar_interval all_hours[] = {
    {0, 0, 1440}, {1, 0, 1440}, {2, 0, 1440}, {3, 0, 1440},
    {4, 0, 1440}, {5, 0, 1440}, {6, 0, 1440},
};

static struct calendar always = {"24x7", NULL, all_hours, 7, NULL, 0, 0};

static void
ny(void)
{
    cr_assert_eq(isotime_set_zone("America/New_York"), C311_OK);
}

TestSuite(calendar, .init = ny);

/* Parses an ISO 8601 instant or fails the test. */
static int64_t
at(const char *iso)
{
    int64_t t;

    cr_assert(isotime_parse(iso, &t), "bad instant %s", iso);
    return t;
}

/* Adds spec to from on cal and checks the result against want. */
static void
check_due(const struct calendar *cal, const char *from, const char *spec,
          const char *want)
{
    struct cal_duration d;
    char got[ISOTIME_LEN], exp[ISOTIME_LEN];
    int64_t due;

    cr_assert(calendar_duration_parse(spec, &d), "bad duration %s", spec);
    cr_assert_eq(calendar_add(cal, at(from), &d, &due), C311_OK);
    isotime_format_utc(due, got);
    isotime_format_utc(at(want), exp);
    cr_assert_str_eq(got, exp, "%s + %s", from, spec);
}

Test(calendar, parses_durations)
{
    struct cal_duration d;

    cr_assert(calendar_duration_parse("90m", &d));
    cr_assert_eq(d.amount, 90);
    cr_assert_eq(d.unit, CAL_MINUTES);
    cr_assert(calendar_duration_parse("3bd", &d));
    cr_assert_eq(d.amount, 3);
    cr_assert_eq(d.unit, CAL_BDAYS);
    cr_assert(calendar_duration_is_business(&d));
    cr_assert(calendar_duration_parse("4bh", &d));
    cr_assert_eq(d.unit, CAL_BHOURS);
    cr_assert(calendar_duration_parse("2d", &d));
    cr_assert_not(calendar_duration_is_business(&d));
    cr_assert_not(calendar_duration_parse("0m", &d));
    cr_assert_not(calendar_duration_parse("3", &d));
    cr_assert_not(calendar_duration_parse("bd", &d));
    cr_assert_not(calendar_duration_parse("3w", &d));
    cr_assert_not(calendar_duration_parse("-3h", &d));
    cr_assert_not(calendar_duration_parse("100001m", &d));
    cr_assert_not(calendar_duration_parse("", &d));
}

Test(calendar, friday_after_hours_starts_monday)
{
    /* Monday 2026-03-09 is the first working day on daylight time. */
    check_due(&office, "2026-03-06T18:00:00-05:00", "4bh",
              "2026-03-09T12:00:00-04:00");
    check_due(&office, "2026-03-06T18:00:00-05:00", "5bh",
              "2026-03-09T14:00:00-04:00");
    check_due(&office, "2026-03-06T18:00:00-05:00", "3bd",
              "2026-03-11T17:00:00-04:00");
}

Test(calendar, weekend_counts_nothing)
{
    check_due(&office, "2026-03-14T10:00:00-04:00", "90bm",
              "2026-03-16T09:30:00-04:00");
    check_due(&office, "2026-03-13T16:00:00-04:00", "2bh",
              "2026-03-16T09:00:00-04:00");
}

Test(calendar, monday_holiday_is_skipped)
{
    check_due(&office, "2026-01-16T16:00:00-05:00", "2bh",
              "2026-01-20T09:00:00-05:00");
    check_due(&office, "2026-01-16T10:00:00-05:00", "1bd",
              "2026-01-20T10:00:00-05:00");
}

Test(calendar, lunch_break_is_not_working_time)
{
    check_due(&office, "2026-03-10T11:00:00-04:00", "2bh",
              "2026-03-10T14:00:00-04:00");
    check_due(&office, "2026-03-10T12:30:00-04:00", "30bm",
              "2026-03-10T13:30:00-04:00");
    check_due(&office, "2026-03-10T10:00:00-04:00", "2bh",
              "2026-03-10T12:00:00-04:00");
    cr_assert_eq(calendar_business_seconds(&office,
                                           at("2026-03-10T11:00:00-04:00"),
                                           at("2026-03-10T14:00:00-04:00")),
                 2 * 3600);
}

Test(calendar, spring_forward_day_has_23_hours)
{
    check_due(&always, "2026-03-08T00:00:00-05:00", "24bh",
              "2026-03-09T01:00:00-04:00");
    check_due(&always, "2026-03-08T00:00:00-05:00", "1bd",
              "2026-03-09T00:00:00-04:00");
    check_due(&always, "2026-03-08T00:00:00-05:00", "1d",
              "2026-03-09T00:00:00-04:00");
    /* 02:30 does not exist on March 8th: the gap ends at 03:00 EDT. */
    check_due(&always, "2026-03-07T02:30:00-05:00", "1d",
              "2026-03-08T03:00:00-04:00");
    check_due(&always, "2026-03-07T12:00:00-05:00", "24h",
              "2026-03-08T13:00:00-04:00");
    check_due(&office, "2026-03-06T16:00:00-05:00", "2bh",
              "2026-03-09T09:00:00-04:00");
    cr_assert_eq(calendar_business_seconds(&always,
                                           at("2026-03-08T00:00:00-05:00"),
                                           at("2026-03-09T00:00:00-04:00")),
                 23 * 3600);
}

Test(calendar, fall_back_day_has_25_hours)
{
    check_due(&always, "2026-11-01T00:00:00-04:00", "24bh",
              "2026-11-01T23:00:00-05:00");
    check_due(&always, "2026-11-01T00:00:00-04:00", "1bd",
              "2026-11-02T00:00:00-05:00");
    /* 01:30 happens twice on November 1st; a day later it happens once. */
    check_due(&always, "2026-11-01T01:30:00-04:00", "1d",
              "2026-11-02T01:30:00-05:00");
    check_due(&always, "2026-10-31T01:30:00-04:00", "1d",
              "2026-11-01T01:30:00-04:00");
    cr_assert_eq(calendar_business_seconds(&always,
                                           at("2026-11-01T00:00:00-04:00"),
                                           at("2026-11-02T00:00:00-05:00")),
                 25 * 3600);
}

Test(calendar, spans_of_several_weeks)
{
    /* Working days from June 1st: 1-5, 8-12, 15-18, (19 off), 22. */
    check_due(&office, "2026-06-01T08:00:00-04:00", "15bd",
              "2026-06-22T17:00:00-04:00");
    check_due(&office, "2026-06-15T08:00:00-04:00", "40bh",
              "2026-06-22T17:00:00-04:00");
    check_due(&office, "2026-06-01T08:00:00-04:00", "120bh",
              "2026-06-22T17:00:00-04:00");
    check_due(&office, "2026-03-10T10:00:00-04:00", "3bd",
              "2026-03-13T10:00:00-04:00");
    check_due(&office, "2026-03-10T10:00:00-04:00", "30d",
              "2026-04-09T10:00:00-04:00");
}

Test(calendar, share_of_a_service_level)
{
    int64_t t;

    cr_assert_eq(calendar_share_at(&office, true,
                                   at("2026-03-09T08:00:00-04:00"),
                                   at("2026-03-09T17:00:00-04:00"), 75, &t),
                 C311_OK);
    cr_assert_eq(t, at("2026-03-09T15:00:00-04:00"));
    cr_assert_eq(calendar_share_at(NULL, false, at("2026-03-09T08:00:00-04:00"),
                                   at("2026-03-09T12:00:00-04:00"), 75, &t),
                 C311_OK);
    cr_assert_eq(t, at("2026-03-09T11:00:00-04:00"));
}

Test(calendar, closed_calendar_has_no_due)
{
    struct calendar closed = {"never", NULL, NULL, 0, NULL, 0, 0};
    struct cal_duration d = {1, CAL_BHOURS};
    int64_t t;

    cr_assert_eq(calendar_add(&closed, at("2026-03-09T08:00:00-04:00"), &d, &t),
                 C311_ERR_INVALID);
    cr_assert_eq(calendar_add(NULL, 0, &d, &t), C311_ERR_INVALID);
}
