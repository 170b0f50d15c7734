/* SPDX-License-Identifier: MIT */
/*
 * Business calendars as arithmetic on instants: how much working time lies
 * between two instants, and when an amount of working time or of plain
 * time has passed. This is what turns a service level such as "3bd" into a
 * due time. docs/SLA.md defines every rule in words for managers.
 *
 * Local dates and wall-clock times are those of the process time zone,
 * which the commands set to the jurisdiction's zone before any thread
 * starts (the configuration refuses a calendar in another zone); the C
 * library's localtime_r() supplies the offsets, so daylight saving is
 * handled without touching TZ while threads run.
 */
#ifndef CIVIC311_CALENDAR_H
#define CIVIC311_CALENDAR_H

#include <stdbool.h>
#include <stdint.h>

#include "core/catalog.h"
#include "util/status.h"

#define CAL_AMOUNT_MAX 100000

/* How far ahead a calendar is searched for working time (ten years). */
#define CAL_SEARCH_DAYS 3660

/*
 * Parses "90m", "4h", "2d", "30bm", "4bh" or "3bd"; false for anything
 * else, a zero amount or an amount over CAL_AMOUNT_MAX.
 */
bool calendar_duration_parse(const char *s, struct cal_duration *out);

/* True when the duration counts working time of a calendar. */
bool calendar_duration_is_business(const struct cal_duration *d);

/*
 * Sets *out to t plus d, counted on cal for business units (cal is not
 * used for plain units and may then be NULL). C311_ERR_INVALID when a
 * business unit has no calendar or the calendar has no working time in
 * the next CAL_SEARCH_DAYS days.
 */
enum c311_rc calendar_add(const struct calendar *cal, int64_t t,
                          const struct cal_duration *d, int64_t *out);

/*
 * Sets *out to the earliest instant by which secs seconds of working time
 * of cal have passed since t. Work starting outside working hours starts
 * at the next opening; with secs 0 that opening is the result.
 */
enum c311_rc calendar_add_seconds(const struct calendar *cal, int64_t t,
                                  int64_t secs, int64_t *out);

/* Working seconds of cal in [a, b); 0 when b <= a. */
int64_t calendar_business_seconds(const struct calendar *cal, int64_t a,
                                  int64_t b);

/*
 * Sets *out to the instant at which percent of the time from start to due
 * has passed: working time of cal when business is set, plain time
 * otherwise. Used for the "at risk" point of a service level.
 */
enum c311_rc calendar_share_at(const struct calendar *cal, bool business,
                               int64_t start, int64_t due, int percent,
                               int64_t *out);

/* True when the local date of day number day (days since 1970-01-01) is a
 * holiday of cal. */
bool calendar_is_holiday(const struct calendar *cal, int64_t day);

#endif
