/* SPDX-License-Identifier: MIT */
/*
 * ISO 8601 parsing and formatting. Expected epoch values were worked out
 * by hand from 2026-01-01T00:00:00Z = 1767225600 plus whole days.
 */
#include <criterion/criterion.h>

#include "util/isotime.h"

struct parse_case {
    const char *text;
    int64_t want;
};

/* 2026-12-03 is day 336 of 2026: 1767225600 + 336 * 86400 + 12:20:34. */
#define DEC3_1220 INT64_C(1796300434)

static const struct parse_case valid[] = {
    {"2026-12-03T12:20:34Z", DEC3_1220},
    {"2026-12-03T12:20:34z", DEC3_1220},
    {"2026-12-03t12:20:34+00:00", DEC3_1220},
    {"2026-12-03T12:20:34-00:00", DEC3_1220},
    {"2026-12-03T12:20:34.250-05:00", DEC3_1220 + 5 * 3600},
    {"2026-12-03T12:20:34,9Z", DEC3_1220},
    {"2026-12-03T12:20:34.123456789Z", DEC3_1220},
    {"2026-12-03T12:20:34+0530", DEC3_1220 - 5 * 3600 - 30 * 60},
    {"2026-12-03T12:20:34+05", DEC3_1220 - 5 * 3600},
    {"2026-12-03T12:20:34-09:30", DEC3_1220 + 9 * 3600 + 30 * 60},
    {"20261203T172034Z", DEC3_1220 + 5 * 3600},
    {"20261203T122034-0500", DEC3_1220 + 5 * 3600},
    {"20261203T122034.5+01", DEC3_1220 - 3600},
    {"2026-01-01T00:00:00Z", INT64_C(1767225600)},
    {"1970-01-01T00:00:00Z", 0},
    {"1969-12-31T23:59:59Z", -1},
    {"1900-01-01T00:00:00Z", INT64_C(-2208988800)},
    {"9999-12-31T23:59:59Z", INT64_C(253402300799)},
    /* 2024 is a leap year: 2024-01-01 is 1704067200, plus 59 days. */
    {"2024-02-29T00:00:00Z", INT64_C(1709164800)},
    {"2026-03-08T06:59:59Z", INT64_C(1772953199)},
};

static const char *const invalid[] = {
    "",
    "2026-12-03",
    "2026-12-03T12:20:34",
    "2026-12-03T12:20:34.250",
    "2026-12-03T12:20Z",
    "2026-12-03 12:20:34Z",
    "2026-02-30T00:00:00Z",
    "2025-02-29T00:00:00Z",
    "2100-02-29T00:00:00Z",
    "2026-04-31T00:00:00Z",
    "2026-13-01T00:00:00Z",
    "2026-00-10T00:00:00Z",
    "2026-12-00T00:00:00Z",
    "2026-12-03T24:00:00Z",
    "2026-12-03T25:00:00Z",
    "2026-12-03T12:60:00Z",
    "2026-12-03T12:20:60Z",
    "1899-12-31T23:59:59Z",
    "10000-01-01T00:00:00Z",
    "2026-12-03T12:20:34Zjunk",
    "2026-12-03T12:20:34Z ",
    "2026-12-03T12:20:34+05:00 ",
    "2026-12-03T12:20:34.Z",
    "2026-12-03T12:20:34+24:00",
    "2026-12-03T12:20:34+05:60",
    "2026-12-03T12:20:34+5",
    "2026-12-03T12:20:34+05:0",
    "2026-1203T122034Z",
    "20261203T12:20:34Z",
    "2026-12-03T122034Z",
    "+2026-12-03T12:20:34Z",
    "２026-12-03T12:20:34Z",
};

Test(isotime, parses_valid_forms)
{
    size_t i;

    for (i = 0; i < sizeof(valid) / sizeof(valid[0]); i++) {
        int64_t t = 42;

        cr_assert(isotime_parse(valid[i].text, &t), "rejected %s",
                  valid[i].text);
        cr_assert_eq(t, valid[i].want, "%s: got %lld, want %lld", valid[i].text,
                     (long long)t, (long long)valid[i].want);
    }
}

Test(isotime, rejects_invalid_forms)
{
    size_t i;

    for (i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
        int64_t t = 42;

        cr_assert_not(isotime_parse(invalid[i], &t), "accepted '%s'",
                      invalid[i]);
        cr_assert_eq(t, 42, "'%s' wrote a value", invalid[i]);
    }
    cr_assert_not(isotime_parse(NULL, &(int64_t){0}));
}

Test(isotime, formats_utc)
{
    char out[ISOTIME_LEN];

    isotime_format_utc(DEC3_1220, out);
    cr_assert_str_eq(out, "2026-12-03T12:20:34Z");
    isotime_format_utc(0, out);
    cr_assert_str_eq(out, "1970-01-01T00:00:00Z");
    isotime_format_utc(INT64_C(-2208988800), out);
    cr_assert_str_eq(out, "1900-01-01T00:00:00Z");
}

/* Formats t in the process zone and compares with want. */
static void
assert_local(int64_t t, const char *want)
{
    char out[ISOTIME_LEN];

    isotime_format_local(t, out);
    cr_assert_str_eq(out, want, "%lld: got %s, want %s", (long long)t, out,
                     want);
}

/*
 * New York in 2026: clocks go forward at 02:00 EST on March 8
 * (07:00Z) and back at 02:00 EDT on November 1 (06:00Z).
 */
Test(isotime, local_new_york_across_dst)
{
    cr_assert_eq(isotime_set_zone("America/New_York"), C311_OK);

    /* 2026-03-08 is day 66: 1767225600 + 66 * 86400 = 1772928000. */
    assert_local(INT64_C(1772928000) + 6 * 3600 + 59 * 60 + 59,
                 "2026-03-08T01:59:59-05:00");
    assert_local(INT64_C(1772928000) + 7 * 3600, "2026-03-08T03:00:00-04:00");

    /* 2026-11-01 is day 304: 1767225600 + 304 * 86400 = 1793491200. */
    assert_local(INT64_C(1793491200) + 5 * 3600 + 59 * 60 + 59,
                 "2026-11-01T01:59:59-04:00");
    assert_local(INT64_C(1793491200) + 6 * 3600, "2026-11-01T01:00:00-05:00");

    assert_local(DEC3_1220, "2026-12-03T07:20:34-05:00");
    assert_local(INT64_C(1767225600) + 180 * 86400,
                 "2026-06-29T20:00:00-04:00");
}

Test(isotime, local_half_hour_zone)
{
    cr_assert_eq(isotime_set_zone("Asia/Kolkata"), C311_OK);
    assert_local(DEC3_1220, "2026-12-03T17:50:34+05:30");
}

Test(isotime, round_trips_local_text)
{
    char out[ISOTIME_LEN];
    int64_t t;

    cr_assert_eq(isotime_set_zone("America/New_York"), C311_OK);
    isotime_format_local(INT64_C(1772953200), out);
    cr_assert(isotime_parse(out, &t));
    cr_assert_eq(t, INT64_C(1772953200));
}

Test(isotime, zone_names)
{
    cr_assert(isotime_zone_exists("America/New_York"));
    cr_assert(isotime_zone_exists("UTC"));
    cr_assert_not(isotime_zone_exists("Mars/Olympus_Mons"));
    cr_assert_not(isotime_zone_exists(""));
    cr_assert_not(isotime_zone_exists(NULL));
    cr_assert_not(isotime_zone_exists("/etc/passwd"));
    cr_assert_not(isotime_zone_exists("../../../etc/passwd"));
    cr_assert_not(isotime_zone_exists("America/../UTC"));
    cr_assert_not(isotime_zone_exists("America"));

    cr_assert_eq(isotime_set_zone("Mars/Olympus_Mons"), C311_ERR_INVALID);
    cr_assert_eq(isotime_set_zone("America/../UTC"), C311_ERR_INVALID);
}
