/* SPDX-License-Identifier: MIT */
/* The day-of-week x hour profile behind staffing forecasts. */
#include <string.h>

#include "core/forecast.h"

/* Averages each slot over the past weeks that cover it. */
void
forecast_profile(const struct forecast_week *past, size_t n,
                 struct forecast_slot out[FORECAST_SLOTS])
{
    double sum;
    size_t w, s;

    memset(out, 0, FORECAST_SLOTS * sizeof(*out));
    for (s = 0; s < FORECAST_SLOTS; s++) {
        sum = 0;
        for (w = 0; w < n; w++) {
            if (!past[w].covered[s])
                continue;
            sum += past[w].calls[s];
            out[s].weeks++;
        }
        if (out[s].weeks > 0)
            out[s].calls = sum / out[s].weeks;
    }
}
