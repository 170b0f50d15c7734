/* SPDX-License-Identifier: MIT */
/*
 * Management figures over a period [from, to): volume, share closed, time
 * to close (median and 90th percentile, nearest rank), compliance with due
 * times, the backlog still open at `to` by age, and the busiest services;
 * in total and per group (department, service, channel, day or hour).
 * docs/REPORTS.md defines each figure for the managers who read them;
 * this file is the definition in code. Pure: rows come in one at a time
 * with their group already named, figures go out.
 */
#ifndef CIVIC311_REPORT_H
#define CIVIC311_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"
#include "util/status.h"
#include "util/strmap.h"

/* How a report is broken down. */
enum report_by {
    REPORT_BY_NONE,
    REPORT_BY_DEPARTMENT,
    REPORT_BY_SERVICE,
    REPORT_BY_CHANNEL,
    REPORT_BY_DAY,
    REPORT_BY_HOUR
};

/* "department" ... "hour" to a breakdown; false for anything else. */
bool report_by_parse(const char *name, enum report_by *out);
const char *report_by_name(enum report_by by);

/* Backlog age bands: [0, 1 d), [1, 3 d), [3, 7 d), [7, 30 d), 30 d and up. */
#define REPORT_AGES 5
extern const int64_t report_age_limits[REPORT_AGES - 1]; /* seconds */
extern const char *const report_age_names[REPORT_AGES];  /* "0-1d" ... */

/* How many services the top list names. */
#define REPORT_TOP 10

struct report_figures {
    int64_t requests; /* requested in the period */
    int64_t closed;   /* of those, closed before `to` */
    int64_t timed;    /* of the closed, with a closed time not before
                         the requested time: what time to close is over */
    int64_t median_s; /* nearest rank; -1 when timed is 0 */
    int64_t p90_s;
    int64_t with_due; /* requested in the period with a due time */
    int64_t met;      /* closed at or before the due time */
    int64_t missed;   /* closed after it, or still open past it at `to` */
    int64_t unknown;  /* open and not yet due at `to`, or closed untimed */
    int64_t backlog;  /* requested before `to` and still open at `to` */
    int64_t ages[REPORT_AGES];
};

/* closed / requests, or -1 when there are no requests. */
double report_share_closed(const struct report_figures *f);

/* met / (met + missed), or -1 when neither. */
double report_compliance(const struct report_figures *f);

struct report_group {
    const char *key;  /* service code, department code, "2022-05-01", "13" */
    const char *name; /* for people; the key when there is no other */
    struct report_figures f;
};

struct report_service {
    const char *code;
    const char *name;
    int64_t requests;
};

struct report {
    int64_t from, to;
    enum report_by by;
    struct report_figures total;
    struct report_group *groups; /* chronological for day and hour, else
                                    busiest first, then by key */
    size_t ngroups;
    struct report_service top[REPORT_TOP]; /* busiest first, then by code */
    size_t ntop;
};

/* One request as the report sees it; strings are copied when needed. */
struct report_row {
    int64_t requested_at;
    int64_t closed_at;   /* 0: not known */
    int64_t expected_at; /* 0: no due time */
    bool closed;
    const char *group_key; /* NULL unless the report has groups */
    const char *group_name;
    const char *service_code;
    const char *service_name;
};

/* What report_add accumulates; see report.c. */
struct report_builder {
    struct report r;
    struct arena *a;
    struct report_acc *total;
    struct report_acc *accs; /* one per group, malloc'd */
    size_t nacc, capacc;
    struct strmap groups;        /* key -> index into accs */
    struct strmap services;      /* code -> index into svcs */
    struct report_service *svcs; /* malloc'd */
    size_t nsvc, capsvc;
};

/* Starts a report over [from, to) broken down by `by`, results in a. */
void report_begin(struct report_builder *b, int64_t from, int64_t to,
                  enum report_by by, struct arena *a);

/* Counts one request. C311_ERR_NOMEM is the only failure. */
enum c311_rc report_add(struct report_builder *b, const struct report_row *row);

/*
 * Computes the figures into *out (groups and names in the arena) and
 * frees the builder's own memory; call it once, even after a failure.
 */
enum c311_rc report_end(struct report_builder *b, struct report *out);

/* The p-th percentile (0 < p <= 100) of n sorted values, nearest rank. */
int64_t report_nearest_rank(const int64_t *sorted, size_t n, int p);

#endif
