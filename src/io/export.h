/* SPDX-License-Identifier: MIT */
/*
 * Requests written back in the current NYC Open Data layout (41 columns),
 * so that other tools, and civic311 import itself, can read them. Fields
 * come from the request, and from the source columns an import kept as
 * attributes. A request that did not come from NYC data (filed here, or
 * imported from Boston) gets values derived from its own fields where it
 * has no such attribute; one that came from NYC data does not, so that
 * what was empty stays empty and a re-import of the export changes
 * nothing. Times are local, in the process time zone, as NYC writes them
 * ("05/01/2022 12:00:09 AM").
 */
#ifndef CIVIC311_EXPORT_H
#define CIVIC311_EXPORT_H

#include <stddef.h>
#include <stdint.h>

#include "core/catalog.h"
#include "core/request.h"
#include "util/arena.h"
#include "util/status.h"

/*
 * Fills one field per column of import_nyc_columns() for req, which was
 * imported from format ("nyc", "boston"; NULL when filed here) with
 * department (the code the import stored; NULL when none, or filed here).
 * Strings are allocated in a; C311_ERR_NOMEM is the only failure.
 */
enum c311_rc export_nyc_row(const struct city *city, const struct sr *req,
                            const char *format, const char *department,
                            struct arena *a, const char **fields);

/* Writes t as NYC does: "MM/DD/YYYY hh:mm:ss AM", local time. */
char *export_nyc_time(struct arena *a, int64_t t);

/* The shortest decimal text that reads back as d. */
char *export_real(struct arena *a, double d);

#endif
