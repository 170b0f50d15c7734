/* SPDX-License-Identifier: MIT */
/* The call report's options: the instants --from and --to accept. */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "api/calls_report.h"
#include "util/isotime.h"

static void
setup(void)
{
    cr_assert_eq(isotime_set_zone("America/New_York"), C311_OK);
}

TestSuite(calls_report, .init = setup);

/* Parses from and to; asserts success and the two instants. */
static void
expect_range(const char *from, const char *to, int64_t want_from,
             int64_t want_to)
{
    struct calls_report_args args = {from, to, NULL, NULL, NULL, NULL};
    struct calls_report_opts o;
    const char *field = NULL;
    char *cause = NULL;

    cr_assert_eq(calls_report_parse(&args, 0, &o, &field, &cause), C311_OK,
                 "%s .. %s: %s", from, to, cause ? cause : "");
    cr_assert_eq(o.from, want_from, "from %s", from);
    cr_assert_eq(o.to, want_to, "to %s", to);
}

/*
 * The forms `report` and `export` read, in New York time: 2018-12-28 is
 * 05:00 UTC (1545973200), 14:00 that day 1546023600, the next day's
 * midnight 1546059600.
 */
Test(calls_report, from_and_to_forms)
{
    expect_range("2018-12-28", "2018-12-29", 1545973200, 1546059600);
    expect_range("2018-12-28 14:00", "2018-12-29", 1546023600, 1546059600);
    expect_range("2018-12-28T14:00", "2018-12-29", 1546023600, 1546059600);
    expect_range("2018-12-28 14:00:30", "2018-12-28T15:00", 1546023630,
                 1546027200);
    expect_range("2018-12-28T19:00:00Z", "2018-12-28T15:00:00-05:00",
                 1546023600, 1546027200);
    /* Epoch seconds, as queue_log files give times. */
    expect_range("1546023600", "1546027200", 1546023600, 1546027200);
}

Test(calls_report, bad_instant_names_the_field)
{
    struct calls_report_args args = {
        "2018-12-28 25:00", "2018-12-29", NULL, NULL, NULL, NULL};
    struct calls_report_opts o;
    const char *field = NULL;
    char *cause = NULL;

    cr_assert_eq(calls_report_parse(&args, 0, &o, &field, &cause),
                 C311_ERR_INVALID);
    cr_assert_str_eq(field, "from");
    cr_assert_str_eq(cause, "from must be a local date (2026-03-01), a local "
                            "time (2026-03-01 14:00) or an ISO 8601 time with "
                            "an offset");
    free(cause);
}
