/* SPDX-License-Identifier: MIT */
/*
 * Business calendar arithmetic. A local date is kept as a day number (days
 * since 1970-01-01), a wall-clock time as seconds from local midnight; the
 * two become an instant through the offsets localtime_r() reports, which
 * makes a 23-hour day in spring and a 25-hour day in autumn come out right.
 * A wall-clock time that does not exist (inside the spring gap) means the
 * end of the gap; one that exists twice (the autumn overlap) means its
 * first occurrence.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/calendar.h"

#define DAY_SECS INT64_C(86400)

/* The date of day number z. */
static void
civil_from_days(int64_t z, int *y, int *m, int *d)
{
    int64_t era, doe, yoe, doy, mp;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

/* Weekday of day number day, 0 = Sunday (1970-01-01 was a Thursday). */
static int
weekday_of(int64_t day)
{
    int64_t w = (day + 4) % 7;

    return (int)(w < 0 ? w + 7 : w);
}

/* The offset from UTC, in seconds, of local time at instant t. */
static int64_t
utc_offset(int64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;

    if (localtime_r(&tt, &tm) == NULL)
        return 0;
    return tm.tm_gmtoff;
}

/* The local day number of instant t and its seconds from local midnight. */
static void
local_day(int64_t t, int64_t *day, int64_t *sod)
{
    int64_t wall = t + utc_offset(t);
    int64_t d = wall / DAY_SECS;

    if (wall % DAY_SECS < 0)
        d--;
    *day = d;
    if (sod != NULL)
        *sod = wall - d * DAY_SECS;
}

/*
 * The instant at which local wall-clock time is sod seconds after the
 * midnight that starts day. Offsets are taken a day before and a day
 * after, which holds as long as a zone changes its offset at most once in
 * two days.
 */
static int64_t
local_instant(int64_t day, int64_t sod)
{
    int64_t wall = day * DAY_SECS + sod;
    int64_t before = utc_offset(wall - DAY_SECS);
    int64_t after = utc_offset(wall + DAY_SECS);
    int64_t t1 = wall - before, t2 = wall - after, lo, hi, mid;
    bool ok1 = utc_offset(t1) == before, ok2 = utc_offset(t2) == after;

    if (ok1 && ok2)
        return t1 < t2 ? t1 : t2;
    if (ok1)
        return t1;
    if (ok2)
        return t2;
    /* In the gap: the first instant with the new offset ends it. */
    lo = t1 < t2 ? t1 : t2;
    hi = t1 < t2 ? t2 : t1;
    while (lo < hi) {
        mid = lo + (hi - lo) / 2;
        if (utc_offset(mid) == after)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

/* True when the local date of day is listed among cal's holidays. */
bool
calendar_is_holiday(const struct calendar *cal, int64_t day)
{
    char date[16];
    int y, m, d;
    size_t i;

    civil_from_days(day, &y, &m, &d);
    snprintf(date, sizeof(date), "%04d-%02d-%02d", y, m, d);
    for (i = 0; i < cal->nholidays; i++) {
        if (strcmp(cal->holidays[i], date) == 0)
            return true;
    }
    return false;
}

/* Where the intervals of weekday wd start in cal->hours, and how many. */
static size_t
day_intervals(const struct calendar *cal, int wd, size_t *first)
{
    size_t i, n = 0;

    *first = 0;
    for (i = 0; i < cal->nhours; i++) {
        if (cal->hours[i].weekday != wd)
            continue;
        if (n == 0)
            *first = i;
        n++;
    }
    return n;
}

/* True when day is a working day: some opening hours, not a holiday. */
static bool
working_day(const struct calendar *cal, int64_t day)
{
    size_t first;

    return day_intervals(cal, weekday_of(day), &first) > 0 &&
           !calendar_is_holiday(cal, day);
}

/* The instants an interval of day opens and closes. */
static void
interval_span(const struct calendar_interval *iv, int64_t day, int64_t *s,
              int64_t *e)
{
    *s = local_instant(day, (int64_t)iv->open_min * 60);
    *e = local_instant(day, (int64_t)iv->close_min * 60);
}

/* Reads a duration such as "90m" or "3bd" into *out. */
bool
calendar_duration_parse(const char *s, struct cal_duration *out)
{
    static const struct {
        const char *suffix;
        enum cal_unit unit;
    } units[] = {
        {"m", CAL_MINUTES},   {"h", CAL_HOURS},   {"d", CAL_DAYS},
        {"bm", CAL_BMINUTES}, {"bh", CAL_BHOURS}, {"bd", CAL_BDAYS},
    };
    int64_t v = 0;
    size_t i;

    if (s == NULL || *s < '0' || *s > '9')
        return false;
    for (; *s >= '0' && *s <= '9'; s++) {
        v = v * 10 + (*s - '0');
        if (v > CAL_AMOUNT_MAX)
            return false;
    }
    if (v == 0)
        return false;
    for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
        if (strcmp(s, units[i].suffix) == 0) {
            out->amount = v;
            out->unit = units[i].unit;
            return true;
        }
    }
    return false;
}

/* True for bm, bh and bd. */
bool
calendar_duration_is_business(const struct cal_duration *d)
{
    return d->unit == CAL_BMINUTES || d->unit == CAL_BHOURS ||
           d->unit == CAL_BDAYS;
}

/* Adds working seconds; see calendar.h. */
enum c311_rc
calendar_add_seconds(const struct calendar *cal, int64_t t, int64_t secs,
                     int64_t *out)
{
    int64_t day, k, s, e;
    size_t first, n, i;

    if (cal == NULL || secs < 0)
        return C311_ERR_INVALID;
    local_day(t, &day, NULL);
    for (k = 0; k < CAL_SEARCH_DAYS; k++, day++) {
        if (calendar_is_holiday(cal, day))
            continue;
        n = day_intervals(cal, weekday_of(day), &first);
        for (i = first; i < first + n; i++) {
            interval_span(&cal->hours[i], day, &s, &e);
            if (e <= t)
                continue;
            if (s < t)
                s = t;
            if (secs <= e - s) {
                *out = s + secs;
                return C311_OK;
            }
            secs -= e - s;
        }
    }
    return C311_ERR_INVALID;
}

/* Sums the working time of cal inside [a, b). */
int64_t
calendar_business_seconds(const struct calendar *cal, int64_t a, int64_t b)
{
    int64_t day, last, total = 0, s, e;
    size_t first, n, i;

    if (cal == NULL || b <= a)
        return 0;
    local_day(a, &day, NULL);
    local_day(b, &last, NULL);
    for (; day <= last; day++) {
        if (calendar_is_holiday(cal, day))
            continue;
        n = day_intervals(cal, weekday_of(day), &first);
        for (i = first; i < first + n; i++) {
            interval_span(&cal->hours[i], day, &s, &e);
            if (s < a)
                s = a;
            if (e > b)
                e = b;
            if (e > s)
                total += e - s;
        }
    }
    return total;
}

/* The working seconds of day, and the closing instant of its last interval. */
static int64_t
day_length(const struct calendar *cal, int64_t day, int64_t *close)
{
    int64_t total = 0, s, e;
    size_t first, n, i;

    n = day_intervals(cal, weekday_of(day), &first);
    for (i = first; i < first + n; i++) {
        interval_span(&cal->hours[i], day, &s, &e);
        total += e - s;
        *close = e;
    }
    return total;
}

/* The working day k working days after day (k >= 0), or -1 if none near. */
static int64_t
next_working_day(const struct calendar *cal, int64_t day, int64_t k)
{
    int64_t tries;

    for (tries = 0; tries < CAL_SEARCH_DAYS; tries++, day++) {
        if (!working_day(cal, day))
            continue;
        if (k-- == 0)
            return day;
    }
    return -1;
}

/*
 * Adds n whole working days. The position of t is its working day and the
 * working time already passed in it; the result is the same position n
 * working days later, clipped to that day's length. A position at the
 * very start of a day is the close of the working day before it.
 */
static enum c311_rc
add_business_days(const struct calendar *cal, int64_t t, int64_t n,
                  int64_t *out)
{
    int64_t day, d0, target, p, len, close = 0, s, e;
    size_t first, cnt, i;

    local_day(t, &day, NULL);
    d0 = next_working_day(cal, day, 0);
    if (d0 < 0)
        return C311_ERR_INVALID;
    p = d0 == day ? calendar_business_seconds(cal, local_instant(day, 0), t)
                  : 0;
    if (p >= day_length(cal, d0, &close)) {
        d0 = next_working_day(cal, d0 + 1, 0);
        p = 0;
    }
    if (d0 < 0)
        return C311_ERR_INVALID;
    if (p == 0) {
        target = next_working_day(cal, d0, n - 1);
        if (target < 0)
            return C311_ERR_INVALID;
        day_length(cal, target, out);
        return C311_OK;
    }
    target = next_working_day(cal, d0, n);
    if (target < 0)
        return C311_ERR_INVALID;
    len = day_length(cal, target, &close);
    if (p >= len) {
        *out = close;
        return C311_OK;
    }
    cnt = day_intervals(cal, weekday_of(target), &first);
    for (i = first; i < first + cnt; i++) {
        interval_span(&cal->hours[i], target, &s, &e);
        if (p <= e - s) {
            *out = s + p;
            return C311_OK;
        }
        p -= e - s;
    }
    *out = close;
    return C311_OK;
}

/* Adds a duration of any unit; see calendar.h. */
enum c311_rc
calendar_add(const struct calendar *cal, int64_t t,
             const struct cal_duration *d, int64_t *out)
{
    int64_t day, sod;

    switch (d->unit) {
    case CAL_MINUTES:
        *out = t + d->amount * 60;
        return C311_OK;
    case CAL_HOURS:
        *out = t + d->amount * 3600;
        return C311_OK;
    case CAL_DAYS:
        local_day(t, &day, &sod);
        *out = local_instant(day + d->amount, sod);
        return C311_OK;
    case CAL_BMINUTES:
        return calendar_add_seconds(cal, t, d->amount * 60, out);
    case CAL_BHOURS:
        return calendar_add_seconds(cal, t, d->amount * 3600, out);
    case CAL_BDAYS:
        if (cal == NULL)
            return C311_ERR_INVALID;
        return add_business_days(cal, t, d->amount, out);
    }
    return C311_ERR_INVALID;
}

/* The instant percent of the way from start to due; see calendar.h. */
enum c311_rc
calendar_share_at(const struct calendar *cal, bool business, int64_t start,
                  int64_t due, int percent, int64_t *out)
{
    int64_t total;

    if (due <= start) {
        *out = due;
        return C311_OK;
    }
    if (!business) {
        *out = start + (due - start) * percent / 100;
        return C311_OK;
    }
    total = calendar_business_seconds(cal, start, due);
    return calendar_add_seconds(cal, start, (total * percent + 99) / 100, out);
}
