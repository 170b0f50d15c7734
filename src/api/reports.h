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

/*
 * Builds the report of the jurisdiction over [from, to) broken down by
 * `by`; everything lives in a. Errors are the store's, with *cause
 * (malloc'd, the caller frees it).
 */
enum c311_rc reports_build(const struct app *app, int64_t from, int64_t to,
                           enum report_by by, struct arena *a,
                           struct report *out, char **cause);

/* The report as JSON (see docs/REPORTS.md); NULL when memory runs out. */
json_t *reports_json(const struct report *r);

#endif
