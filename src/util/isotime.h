/* SPDX-License-Identifier: MIT */
/*
 * Instants as UTC seconds since the epoch (int64_t), read from and written
 * to ISO 8601 / W3C datetime text.
 *
 * Local time is the process time zone, which `serve` and the other
 * commands set to the jurisdiction's IANA zone (isotime_set_zone) before
 * any thread starts; the C library then handles daylight saving.
 */
#ifndef CIVIC311_ISOTIME_H
#define CIVIC311_ISOTIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/status.h"

/* Large enough for "2026-12-03T12:20:34-05:00" and its NUL. */
#define ISOTIME_LEN 32

/*
 * Sets the process time zone to an IANA name such as "America/New_York".
 * Returns C311_ERR_INVALID when the system has no such zone. Not thread
 * safe: call it before starting threads.
 */
enum c311_rc isotime_set_zone(const char *iana);

/* True when the system time zone database knows the name. */
bool isotime_zone_exists(const char *iana);

/*
 * Parses an ISO 8601 instant with a date, a time and an explicit offset:
 * "2026-12-03T12:20:34Z", "2026-12-03T12:20:34.250-05:00", "...+0530",
 * "20261203T172034Z" (basic format). Fractional seconds are accepted and
 * dropped. A value without an offset, an impossible date (February 30th,
 * hour 25) or trailing text is rejected. Returns true on success.
 */
bool isotime_parse(const char *s, int64_t *out);

/* Writes t as "YYYY-MM-DDThh:mm:ss+hh:mm" in the process time zone. */
void isotime_format_local(int64_t t, char out[ISOTIME_LEN]);

/* Writes t as "YYYY-MM-DDThh:mm:ssZ". */
void isotime_format_utc(int64_t t, char out[ISOTIME_LEN]);

/* The current instant. Domain code takes `now` as a parameter instead. */
int64_t isotime_now(void);

#endif
