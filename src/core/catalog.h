/* SPDX-License-Identifier: MIT */
/*
 * The city's catalogue as loaded from its configuration: the jurisdiction,
 * departments, work groups, business calendars and services with their
 * questions (Open311 "attributes"). Plain data, no I/O: io/config.c fills
 * it, the API reads it, core/catalog.c validates attribute answers.
 *
 * Everything in a struct city lives in the city's arena and is read-only
 * once loaded, so server threads share one copy without locks.
 */
#ifndef CIVIC311_CATALOG_H
#define CIVIC311_CATALOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"
#include "util/status.h"

/* A text in several languages; lang is a tag such as "en", "zh", "es". */
struct i18n_text {
    const char *lang;
    const char *text;
};

struct i18n {
    struct i18n_text *v;
    size_t n;
};

/* The six GeoReport v2 attribute datatypes. */
enum attr_datatype {
    ATTR_STRING,
    ATTR_NUMBER,
    ATTR_DATETIME,
    ATTR_TEXT,
    ATTR_SINGLEVALUELIST,
    ATTR_MULTIVALUELIST
};

enum service_type { SERVICE_REALTIME, SERVICE_BATCH, SERVICE_BLACKBOX };

struct attr_value {
    const char *key;  /* what a client sends */
    struct i18n name; /* what a person reads */
};

struct service_attr {
    const char *code;
    enum attr_datatype datatype;
    bool variable; /* false: informational, no answer expected */
    bool required;
    int order;
    struct i18n description; /* the question asked */
    const char *datatype_description;
    struct attr_value *values; /* list datatypes only */
    size_t nvalues;
    int line; /* where it was defined in the config, for messages */
};

struct service {
    const char *code;
    struct i18n name;
    struct i18n description;
    const char *group;
    const char **keywords;
    size_t nkeywords;
    enum service_type type;
    const char *department;     /* code of the responsible department */
    struct service_attr *attrs; /* sorted by order */
    size_t nattrs;
    int line;
};

struct work_group {
    const char *code;
    const char *name;
    const char *department;
    int line;
};

/* One opening interval in minutes from local midnight, [open, close). */
struct calendar_interval {
    int weekday; /* 0 = Sunday ... 6 = Saturday */
    int open_min;
    int close_min;
};

struct calendar {
    const char *id;
    const char *timezone; /* IANA name; defaults to the jurisdiction's */
    struct calendar_interval *hours;
    size_t nhours;
    const char **holidays; /* "YYYY-MM-DD" local dates */
    size_t nholidays;
    int line;
};

struct department {
    const char *code;
    const char *name;
    const char *calendar; /* id of its business calendar, may be NULL */
    const char *email;
    const char *phone;
    int line;
};

struct import_mapping; /* core/mapping.h */

struct city {
    struct arena arena; /* owns everything below */
    const char *source; /* the file it was read from */

    const char *jurisdiction_id; /* e.g. "demo.civic311.org" */
    const char *name;
    const char *timezone; /* IANA name */
    const char *default_lang;

    struct department *departments;
    size_t ndepartments;
    struct work_group *work_groups;
    size_t nwork_groups;
    struct calendar *calendars;
    size_t ncalendars;
    struct service *services; /* in configuration order */
    size_t nservices;
    struct import_mapping *mappings; /* of imported data, by format */
    size_t nmappings;
};

/* Lookups by code; NULL when absent. */
const struct service *catalog_service(const struct city *c, const char *code);
const struct department *catalog_department(const struct city *c,
                                            const char *code);
const struct calendar *catalog_calendar(const struct city *c, const char *id);

/*
 * Picks the text for lang, falling back to the city's default language,
 * then "en", then the first one given. Returns "" for an empty set.
 */
const char *i18n_get(const struct i18n *t, const char *lang,
                     const char *fallback_lang);

const char *attr_datatype_name(enum attr_datatype t);
bool attr_datatype_parse(const char *name, enum attr_datatype *out);
const char *service_type_name(enum service_type t);
bool service_type_parse(const char *name, enum service_type *out);

/* Longest answers, in characters: a `string` is a line, a `text` as long
 * as a request's description. */
#define CATALOG_STRING_MAX 1000
#define CATALOG_TEXT_MAX   4000

/* One answer to a service question; multivaluelist answers repeat code. */
struct attr_answer {
    const char *code;
    const char *value;
};

/* One problem found in the answers, for an error list. */
struct attr_problem {
    const char *code; /* the attribute concerned */
    const char *message;
};

/*
 * Checks answers against the service's questions: required ones present,
 * numbers numeric, datetimes valid ISO 8601, list values among the keys,
 * only multivaluelist answered more than once, no unknown codes. Problems
 * are allocated in arena a; *nproblems is 0 when all is well. Returns
 * C311_ERR_INVALID when there are problems, C311_ERR_NOMEM on allocation
 * failure.
 */
enum c311_rc catalog_check_answers(const struct service *svc,
                                   const struct attr_answer *answers,
                                   size_t nanswers, struct arena *a,
                                   struct attr_problem **problems,
                                   size_t *nproblems);

#endif
