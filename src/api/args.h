/* SPDX-License-Identifier: MIT */
/*
 * Checks and conversions for API arguments, kept free of HTTP and storage
 * so they can be tested alone: comma lists, language tags, coordinates,
 * media URLs, attribute[CODE] keys, the default date window and page
 * numbers.
 */
#ifndef CIVIC311_ARGS_H
#define CIVIC311_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"
#include "util/status.h"

/*
 * Splits a comma-separated list into its non-empty items (spaces around an
 * item are dropped), allocated in a. Returns C311_ERR_NOMEM or C311_OK.
 */
enum c311_rc args_split_list(const char *s, struct arena *a,
                             const char ***items, size_t *n);

/* True for a language tag such as "en", "zh", "es-MX". */
bool args_lang_ok(const char *s);

/*
 * The language an Accept-Language value prefers, copied into a with its
 * primary subtag in lower case: the tag of the highest weight, the first
 * of equal ones ("es-MX,es;q=0.9" gives "es-MX", "en;q=0.1,es" gives es).
 * A weight of 0 (not acceptable), a wildcard "*" and items that are not
 * language tags or have a malformed weight are passed over. NULL when no
 * item is left.
 */
const char *args_accept_language(const char *header, struct arena *a);

/*
 * Parses a plain decimal number ("40.712776", "-73.9"): digits, one
 * optional sign and point, no exponent, no spaces. True on success.
 */
bool args_decimal(const char *s, double *out);

/* True for an absolute http or https URL with a host and no spaces. */
bool args_url_ok(const char *s);

/*
 * Recognises "attribute[CODE]" and "attribute[CODE][]". Returns 1 and the
 * code (in a) for those, 0 for keys that are not about attributes, -1 for
 * a key that starts with "attribute[" but is malformed.
 */
int args_attr_key(const char *key, struct arena *a, const char **code);

/*
 * The requested_datetime range for GET requests. has_start/has_end say
 * which bounds were given. Without both, the range is `days` long: ending
 * now (open-ended), starting at start, or ending at end. Returns false when
 * start is after end.
 */
bool args_window(bool has_start, int64_t start, bool has_end, int64_t end,
                 int64_t now, int days, int64_t *from, int64_t *to);

/* Parses a whole number from min to max. True on success. */
bool args_uint(const char *s, unsigned long min, unsigned long max,
               unsigned long *out);

#endif
