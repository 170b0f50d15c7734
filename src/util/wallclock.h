/* SPDX-License-Identifier: MIT */
/*
 * Local wall-clock times (a date and a time of day as a city writes them,
 * without an offset) turned into UTC instants in the process time zone,
 * with one fixed rule for the hours that daylight saving makes ambiguous:
 *
 *   - a time that does not exist (the hour skipped when clocks go forward)
 *     is read with the offset in force before the change, so it lands as
 *     far after the change as it was written after the start of the gap:
 *     02:30 on a spring-forward day in New York is 07:30Z (03:30 EDT);
 *   - a time that happens twice (the hour repeated when clocks go back) is
 *     read as its first occurrence, still on summer time: 01:30 on a
 *     fall-back day in New York is 05:30Z (01:30 EDT), not 06:30Z.
 *
 * The result says which rule applied, so importers can count such rows.
 * A struct wallclock caches the offset of each local day it has seen, so
 * converting millions of times costs a few C library calls per day, not
 * per time. It belongs to one thread.
 */
#ifndef CIVIC311_WALLCLOCK_H
#define CIVIC311_WALLCLOCK_H

#include <stdbool.h>
#include <stdint.h>

#define WALLCLOCK_CACHE 1024

/* What wallclock_to_utc found about a local time. */
enum wallclock_kind {
    WALLCLOCK_PLAIN,       /* exactly one instant has this local time */
    WALLCLOCK_NONEXISTENT, /* in a gap: read with the earlier offset */
    WALLCLOCK_AMBIGUOUS    /* in an overlap: the first occurrence */
};

struct wallclock_day {
    int64_t day;   /* local days since 1970-01-01, or INT64_MIN when unused */
    bool steady;   /* no offset change within a day of this one */
    int32_t off_s; /* the offset (seconds east of UTC) when steady */
};

struct wallclock {
    struct wallclock_day cache[WALLCLOCK_CACHE];
};

/* Empties the cache; call it again after the process time zone changed. */
void wallclock_init(struct wallclock *wc);

/*
 * Converts a local date and time (a real calendar date, hour 0-23, minute
 * and second 0-59) in the process time zone to UTC seconds in *out.
 * Returns false for a date or time out of range (*out untouched).
 */
bool wallclock_to_utc(struct wallclock *wc, int year, int month, int day,
                      int hour, int minute, int second, int64_t *out,
                      enum wallclock_kind *kind);

/* True for a real Gregorian date with a year from 1900 to 9999. */
bool wallclock_date_ok(int year, int month, int day);

#endif
