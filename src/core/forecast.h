/* SPDX-License-Identifier: MIT */
/*
 * Next week's calls per hour from history, by a day-of-week x hour
 * profile: each of the week's 168 local hours (Monday 00h first) is
 * forecast as the average of the calls in that same hour of the week over
 * the past weeks whose data covers it. A slot no past week covers has no
 * forecast. Pure: the caller counts the history into weeks and slots.
 */
#ifndef CIVIC311_FORECAST_H
#define CIVIC311_FORECAST_H

#include <stdbool.h>
#include <stddef.h>

#define FORECAST_SLOTS 168 /* hours of a week, Monday 00h first */

/* One past week: calls in each slot, and whether data covers the slot. */
struct forecast_week {
    double calls[FORECAST_SLOTS];
    bool covered[FORECAST_SLOTS];
};

/* The forecast of one slot. */
struct forecast_slot {
    double calls;   /* average calls in the hour; 0 without history */
    unsigned weeks; /* past weeks averaged; 0: no forecast */
};

/* Averages the n past weeks (any order) into out. */
void forecast_profile(const struct forecast_week *past, size_t n,
                      struct forecast_slot out[FORECAST_SLOTS]);

#endif
