/* SPDX-License-Identifier: MIT */
/*
 * Local wall-clock time to UTC. The C library knows the offsets of the
 * process time zone only in the UTC-to-local direction (localtime_r), so
 * the conversion asks it for the offsets around the local time and keeps
 * the instants that read back as that local time; the rules for gaps and
 * overlaps are in wallclock.h.
 */
#include <time.h>

#include "util/wallclock.h"

#define DAY_S 86400

/* Empties every cache slot. */
void
wallclock_init(struct wallclock *wc)
{
    int i;

    for (i = 0; i < WALLCLOCK_CACHE; i++) {
        wc->cache[i].day = INT64_MIN;
        wc->cache[i].steady = false;
        wc->cache[i].off_s = 0;
    }
}

/* True for a Gregorian leap year. */
static bool
leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* True for a real date with a year from 1900 to 9999. */
bool
wallclock_date_ok(int year, int month, int day)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};

    if (year < 1900 || year > 9999 || month < 1 || month > 12 || day < 1)
        return false;
    if (month == 2 && leap(year))
        return day <= 29;
    return day <= mdays[month - 1];
}

/* Days from 1970-01-01 to a proleptic Gregorian date (any era). */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
    int64_t era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* The offset east of UTC, in seconds, in force at instant t. */
static int32_t
offset_at(int64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;

    if (localtime_r(&tt, &tm) == NULL)
        return 0;
    return (int32_t)tm.tm_gmtoff;
}

/* Floor division of a by b (b > 0). */
static int64_t
floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;

    return (a % b != 0 && a < 0) ? q - 1 : q;
}

/*
 * Looks at local day `day` (and a day either side): when one offset holds
 * all along, every time of that day converts with it.
 */
static const struct wallclock_day *
day_info(struct wallclock *wc, int64_t day)
{
    struct wallclock_day *slot;
    int64_t base = day * DAY_S;
    int32_t a, b, c;

    slot = &wc->cache[(uint64_t)day % WALLCLOCK_CACHE];
    if (slot->day == day)
        return slot;
    a = offset_at(base - DAY_S);
    b = offset_at(base + DAY_S / 2);
    c = offset_at(base + 2 * DAY_S);
    slot->day = day;
    slot->steady = a == b && b == c;
    slot->off_s = b;
    return slot;
}

/*
 * The slow path, for the days around an offset change: tries the offsets
 * in force a day before and a day after, keeps those that read back.
 */
static int64_t
resolve(int64_t u, enum wallclock_kind *kind)
{
    int32_t before = offset_at(u - DAY_S), after = offset_at(u + DAY_S);
    int64_t tb = u - before, ta = u - after;
    bool vb = offset_at(tb) == before, va = offset_at(ta) == after;

    *kind = WALLCLOCK_PLAIN;
    if (before == after || (vb && !va))
        return tb;
    if (va && !vb)
        return ta;
    if (va && vb) {
        *kind = WALLCLOCK_AMBIGUOUS;
        return tb < ta ? tb : ta;
    }
    *kind = WALLCLOCK_NONEXISTENT;
    return tb;
}

/* Converts a local time to UTC; see wallclock.h for the rules. */
bool
wallclock_to_utc(struct wallclock *wc, int year, int month, int day, int hour,
                 int minute, int second, int64_t *out,
                 enum wallclock_kind *kind)
{
    const struct wallclock_day *info;
    enum wallclock_kind k = WALLCLOCK_PLAIN;
    int64_t u, t;

    if (!wallclock_date_ok(year, month, day) || hour < 0 || hour > 23 ||
        minute < 0 || minute > 59 || second < 0 || second > 59)
        return false;
    u = days_from_civil(year, month, day) * DAY_S + hour * 3600 + minute * 60 +
        second;
    info = day_info(wc, floor_div(u, DAY_S));
    if (info->steady)
        t = u - info->off_s;
    else
        t = resolve(u, &k);
    *out = t;
    if (kind != NULL)
        *kind = k;
    return true;
}
