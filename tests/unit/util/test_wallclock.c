/* SPDX-License-Identifier: MIT */
/*
 * Local wall-clock time to UTC across daylight saving. Expected instants
 * come from 2022-01-01T00:00:00Z = 1640995200 plus whole days and hours:
 * New York is UTC-5 in winter and UTC-4 in summer; in 2022 clocks went
 * forward at 02:00 on March 13 (day 71) and back at 02:00 on November 6
 * (day 309). Lord Howe Island moves by half an hour (+10:30 / +11:00).
 */
#include <criterion/criterion.h>

#include "util/isotime.h"
#include "util/wallclock.h"

#define Y2022 INT64_C(1640995200)
#define D     INT64_C(86400)
#define H     INT64_C(3600)

static struct wallclock wc;

/* Puts the process on the zone and empties the cache. */
static void
zone(const char *iana)
{
    cr_assert_eq(isotime_set_zone(iana), C311_OK);
    wallclock_init(&wc);
}

/* Converts and checks the instant and the kind of local time. */
static void
check(int y, int mo, int d, int h, int mi, int s, int64_t want,
      enum wallclock_kind want_kind)
{
    enum wallclock_kind kind;
    int64_t t = 0;

    cr_assert(wallclock_to_utc(&wc, y, mo, d, h, mi, s, &t, &kind),
              "%04d-%02d-%02d %02d:%02d:%02d refused", y, mo, d, h, mi, s);
    cr_assert_eq(t, want, "%04d-%02d-%02d %02d:%02d:%02d: %lld, want %lld", y,
                 mo, d, h, mi, s, (long long)t, (long long)want);
    cr_assert_eq(kind, want_kind, "%04d-%02d-%02d %02d:%02d:%02d: kind %d", y,
                 mo, d, h, mi, s, (int)kind);
}

Test(wallclock, plain_times_in_winter_and_summer)
{
    zone("America/New_York");
    /* January 15 (day 14) 12:00 EST is 17:00Z. */
    check(2022, 1, 15, 12, 0, 0, Y2022 + 14 * D + 17 * H, WALLCLOCK_PLAIN);
    /* May 1 (day 120) 00:00:09 EDT is 04:00:09Z. */
    check(2022, 5, 1, 0, 0, 9, Y2022 + 120 * D + 4 * H + 9, WALLCLOCK_PLAIN);
    cr_assert_eq(Y2022 + 120 * D + 4 * H + 9, INT64_C(1651377609));
}

Test(wallclock, the_hour_skipped_in_spring_moves_forward)
{
    zone("America/New_York");
    check(2022, 3, 13, 1, 59, 59, Y2022 + 71 * D + 6 * H + 3599,
          WALLCLOCK_PLAIN);
    /* 02:30 does not exist: read as EST, 07:30Z, which is 03:30 EDT. */
    check(2022, 3, 13, 2, 30, 0, Y2022 + 71 * D + 7 * H + 1800,
          WALLCLOCK_NONEXISTENT);
    check(2022, 3, 13, 2, 0, 0, Y2022 + 71 * D + 7 * H, WALLCLOCK_NONEXISTENT);
    check(2022, 3, 13, 3, 0, 0, Y2022 + 71 * D + 7 * H, WALLCLOCK_PLAIN);
    check(2022, 3, 13, 12, 0, 0, Y2022 + 71 * D + 16 * H, WALLCLOCK_PLAIN);
}

Test(wallclock, the_hour_repeated_in_autumn_is_its_first_occurrence)
{
    zone("America/New_York");
    check(2022, 11, 6, 0, 59, 59, Y2022 + 309 * D + 4 * H + 3599,
          WALLCLOCK_PLAIN);
    /* 01:30 happens at 05:30Z (EDT) and at 06:30Z (EST): the first. */
    check(2022, 11, 6, 1, 30, 0, Y2022 + 309 * D + 5 * H + 1800,
          WALLCLOCK_AMBIGUOUS);
    check(2022, 11, 6, 1, 0, 0, Y2022 + 309 * D + 5 * H, WALLCLOCK_AMBIGUOUS);
    check(2022, 11, 6, 2, 0, 0, Y2022 + 309 * D + 7 * H, WALLCLOCK_PLAIN);
    check(2022, 11, 6, 23, 0, 0, Y2022 + 310 * D + 4 * H, WALLCLOCK_PLAIN);
}

Test(wallclock, half_hour_changes_follow_the_same_rules)
{
    zone("Australia/Lord_Howe");
    /* Forward at 02:00 to 02:30 on 2022-10-02: 02:15 is read at +10:30. */
    check(2022, 10, 2, 2, 15, 0, INT64_C(1664639100), WALLCLOCK_NONEXISTENT);
    /* Back at 02:00 to 01:30 on 2022-04-03: 01:45 first at +11:00. */
    check(2022, 4, 3, 1, 45, 0, INT64_C(1648910700), WALLCLOCK_AMBIGUOUS);
}

Test(wallclock, a_cached_day_gives_the_same_answers)
{
    int i;

    zone("America/New_York");
    for (i = 0; i < 3; i++) {
        check(2022, 3, 13, 2, 30, 0, Y2022 + 71 * D + 7 * H + 1800,
              WALLCLOCK_NONEXISTENT);
        check(2022, 5, 1, 0, 0, 9, INT64_C(1651377609), WALLCLOCK_PLAIN);
        /* Day 120 + 1024 shares a cache slot with May 1, 2022. */
        check(2025, 2, 18, 12, 0, 0, Y2022 + (120 + 1024) * D + 17 * H,
              WALLCLOCK_PLAIN);
    }
}

Test(wallclock, impossible_dates_and_times_are_refused)
{
    int64_t t = 42;

    zone("America/New_York");
    cr_assert_not(wallclock_to_utc(&wc, 2022, 2, 29, 0, 0, 0, &t, NULL));
    cr_assert_not(wallclock_to_utc(&wc, 2022, 4, 31, 0, 0, 0, &t, NULL));
    cr_assert_not(wallclock_to_utc(&wc, 2022, 13, 1, 0, 0, 0, &t, NULL));
    cr_assert_not(wallclock_to_utc(&wc, 2022, 1, 1, 24, 0, 0, &t, NULL));
    cr_assert_not(wallclock_to_utc(&wc, 2022, 1, 1, 0, 60, 0, &t, NULL));
    cr_assert_not(wallclock_to_utc(&wc, 1899, 12, 31, 0, 0, 0, &t, NULL));
    cr_assert_eq(t, 42);
    cr_assert(wallclock_to_utc(&wc, 2024, 2, 29, 0, 0, 0, &t, NULL));
}
