/* SPDX-License-Identifier: MIT */
/*
 * Management reports, for `civic311 report` and the staff route
 * GET /api/v1/reports/summary: reads the requests of a period from the
 * store, names each one's group (department, service, channel, local day
 * or hour), lets core/report.c count, and writes the figures as JSON.
 * docs/REPORTS.md defines every figure.
 */
#ifndef CIVIC311_REPORTS_H
#define CIVIC311_REPORTS_H

#include <jansson.h>
#include <stdint.h>

#include "api/app.h"
#include "core/report.h"
#include "http/router.h"

/* The staff route GET /api/v1/reports/summary, for the server's table. */
extern const struct route reports_routes[];
extern const size_t reports_nroutes;

/*
 * Says whether a request of department (a department code, or the agency
 * a request without one names) belongs in a report.
 */
typedef bool (*reports_keep_fn)(void *arg, const char *department);

/*
 * Builds the report of the jurisdiction over [from, to) broken down by
 * `by`, of the requests keep accepts (every request when keep is NULL);
 * everything lives in a. Errors are the store's, with *cause (malloc'd,
 * the caller frees it).
 */
enum c311_rc reports_build(const struct app *app, int64_t from, int64_t to,
                           enum report_by by, reports_keep_fn keep,
                           void *keep_arg, struct arena *a, struct report *out,
                           char **cause);

/*
 * Reads a bound of a period: an ISO 8601 instant with an offset, or a
 * local date, or date and time, in the process time zone ("2022-05-01",
 * "2022-05-01 06:00"). False if it is neither.
 */
bool reports_parse_time(const char *s, int64_t *out);

struct staff_problems;

/*
 * Reads s, the value of parameter name, as reports_parse_time does; when
 * it cannot, adds an "invalid" problem naming both forms to p.
 */
void reports_time_arg(const char *name, const char *s, int64_t *out,
                      struct staff_problems *p);

/*
 * Gives the department and service names of r (its groups, its busiest
 * services) in lang, NULL meaning the city's default language; other
 * groups keep their names.
 */
void reports_translate(struct report *r, const struct city *city,
                       const char *lang);

/* The report as JSON (see docs/REPORTS.md); NULL when memory runs out. */
json_t *reports_json(const struct report *r);

#endif
