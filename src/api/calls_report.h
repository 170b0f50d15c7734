/* SPDX-License-Identifier: MIT */
/*
 * The call report that `civic311 calls report` prints and
 * GET /api/v1/calls/report answers: its options read from text, the
 * interval edges in the jurisdiction's local time, the calls read from the
 * store and linked to the requests agents filed during them, and the
 * result as JSON or as a table. Definitions: docs/CALLS.md.
 */
#ifndef CIVIC311_CALLS_REPORT_H
#define CIVIC311_CALLS_REPORT_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

#include "core/callstats.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/status.h"

/* Most intervals one report may have. */
#define CALLS_REPORT_MAX_INTERVALS 10000

/*
 * A request filed from the caller's number this long after a call ended
 * still counts as filed during it (the agent finishing the form).
 */
#define CALLS_REPORT_LINK_GRACE 300

struct calls_report_opts {
    int64_t from, to; /* [from, to) */
    enum callstats_by by;
    int64_t step; /* 900, 3600 or 86400; 0: one interval */
    int64_t sl_seconds;
    int64_t short_abandon;
    int64_t now;
};

/* Text form of the options, as given on a command line or in a query. */
struct calls_report_args {
    const char *from, *to, *by, *interval, *sl, *short_abandon;
};

/*
 * Reads args into o (defaults: the 24 hours before now, by interval,
 * hourly intervals for "interval" and none otherwise, 20 s, 5 s). On a
 * bad value returns C311_ERR_INVALID, *field names the argument and
 * *cause (malloc'd) says what is wrong.
 */
enum c311_rc calls_report_parse(const struct calls_report_args *args,
                                int64_t now, struct calls_report_opts *o,
                                const char **field, char **cause);

/* A report: its options and figures. */
struct calls_report {
    struct calls_report_opts opts;
    struct callstats_report stats;
    int64_t calls_seen; /* calls read from the store */
};

/* Runs the report over st; the rows live in a. */
enum c311_rc calls_report_run(struct store *st,
                              const struct calls_report_opts *o,
                              struct arena *a, struct calls_report *out,
                              char **cause);

/* The report as a JSON object (new reference), or NULL if out of memory. */
json_t *calls_report_json(const struct calls_report *r);

/* Prints the report as a table. */
void calls_report_print(FILE *f, const struct calls_report *r);

/* Interval edges for o: from, the local boundaries after it, to. */
enum c311_rc calls_report_edges(const struct calls_report_opts *o,
                                struct arena *a, int64_t **edges, size_t *n);

#endif
