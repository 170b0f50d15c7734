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
    struct i18n description;          /* the question asked */
    struct i18n datatype_description; /* a hint on the answer's form */
    struct attr_value *values;        /* list datatypes only */
    size_t nvalues;
    int line; /* where it was defined in the config, for messages */
};

struct service {
    const char *code;
    struct i18n name;
    struct i18n description;
    struct i18n group; /* the heading it is listed under */
    const char **keywords;
    size_t nkeywords;
    enum service_type type;
    const char *department;     /* code of the responsible department */
    struct service_attr *attrs; /* sorted by order */
    size_t nattrs;
    int line;
    const char *workflow; /* id of its workflow, or NULL */
};

/* How a work group picks the member a new work order goes to. */
enum assign_policy {
    ASSIGN_ROUND_ROBIN, /* members in turn */
    ASSIGN_LEAST_OPEN   /* the member with the fewest unfinished orders */
};

struct work_group {
    const char *code;
    struct i18n name;
    const char *department;
    int line;
    const char *lead;     /* login told when an order is at risk, or NULL */
    const char **members; /* logins, in the order round_robin uses */
    size_t nmembers;
    enum assign_policy assignment;
};

/* One opening interval in minutes from local midnight, [open, close). */
struct calendar_interval {
    int weekday; /* 0 = Sunday ... 6 = Saturday */
    int open_min;
    int close_min;
};

/* The unit of a duration: plain time, or working time of a calendar. */
enum cal_unit {
    CAL_MINUTES,  /* "90m": elapsed minutes */
    CAL_HOURS,    /* "4h": elapsed hours */
    CAL_DAYS,     /* "2d": the same wall-clock time N local days later */
    CAL_BMINUTES, /* "30bm": working minutes */
    CAL_BHOURS,   /* "4bh": working hours */
    CAL_BDAYS     /* "3bd": whole working days */
};

/* A service level or delay, read by calendar_duration_parse(). */
struct cal_duration {
    int64_t amount; /* 1 .. CAL_AMOUNT_MAX */
    enum cal_unit unit;
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

/* Work order priorities, lowest first. */
enum priority { PRIO_LOW, PRIO_NORMAL, PRIO_HIGH, PRIO_URGENT };

/* When an escalation level applies, and whom it tells. */
enum esc_when { ESC_AT_RISK, ESC_BREACHED };
enum esc_notify { ESC_NOTIFY_LEAD, ESC_NOTIFY_SUPERVISOR, ESC_NOTIFY_HEAD };

/*
 * One level of a department's escalation chain: once a work order is at
 * risk, or breached (for longer than after, when has_after), the people
 * named by notify are told and its priority is raised to at least
 * priority (-1 leaves it).
 */
struct escalation_level {
    enum esc_when when;
    bool has_after;
    struct cal_duration after;
    enum esc_notify notify;
    int priority;
    int line;
};

struct department {
    const char *code;
    struct i18n name;
    const char *calendar; /* id of its business calendar, may be NULL */
    const char *email;
    const char *phone;
    int line;
    const char *head;         /* login, or NULL */
    const char **supervisors; /* logins */
    size_t nsupervisors;
    struct escalation_level *escalation; /* in the order written */
    size_t nescalation;
};

struct import_mapping; /* core/mapping.h */

/* A named area: a list of zip codes, or a polygon of lat/long points. */
struct zone {
    const char *id;
    const char **zips;
    size_t nzips;
    double *lat, *lon; /* npoints vertices */
    size_t npoints;
    int line;
};

/*
 * One rule of a step's route: when the request lies in zone, or answered
 * attribute with value, the work goes to work_group. A rule with neither
 * condition matches every request; a route ends with one.
 */
struct route_rule {
    const char *zone;
    const char *attribute;
    const char *value;
    const char *work_group;
    int line;
};

/* What completing a step with outcome code leads to. */
struct step_outcome {
    const char *code;
    const char **next; /* step ids started */
    size_t nnext;
    struct i18n note; /* public status note if the request closes */
    int line;
};

/*
 * A step of a workflow: the work order it creates, whom it goes to, its
 * service level and the steps that follow it.
 */
struct workflow_step {
    const char *id;
    struct i18n name;
    const char *work_group; /* NULL when route decides */
    struct route_rule *route;
    size_t nroute;
    bool has_sla;
    struct cal_duration sla;
    const char *sla_text; /* as written, e.g. "3bd" */
    int priority;
    const char **next; /* started on every completion */
    size_t nnext;
    struct step_outcome *outcomes; /* when set, completion names one */
    size_t noutcomes;
    struct i18n note; /* public status note if the request closes */
    bool tow;         /* the work is on a towed vehicle (tow records) */
    int line;
};

struct workflow {
    const char *id;
    struct workflow_step *steps;
    size_t nsteps;
    const char **start; /* step ids created when a request is filed */
    size_t nstart;
    int line;
};

/* A vehicle pound, for the public towed-vehicle lookup. */
struct pound {
    const char *code;
    const char *name;
    const char *address;
    const char *hours;
    const char *phone;
    int line;
};

/*
 * The rules of towed vehicles: the department that tows (its calendar
 * counts the owner notice), the notice deadline, the legal holding
 * period before disposal may start, what an owner must bring, the pounds.
 */
struct towing {
    const char *department;
    struct cal_duration notice_within;
    const char *notice_text;
    struct cal_duration holding_period;
    const char *holding_text;
    const char *release_requires;
    struct pound *pounds;
    size_t npounds;
    bool configured;
};

/* Requests per minute an API key may make unless it has its own limit. */
#define CATALOG_DEFAULT_KEY_RATE_LIMIT 120

struct city {
    struct arena arena; /* owns everything below */
    const char *source; /* the file it was read from */

    const char *jurisdiction_id; /* e.g. "demo.civic311.org" */
    const char *name;
    const char *timezone; /* IANA name */
    const char *default_lang;
    int api_key_rate_limit; /* Open311 requests per minute per key */
    /* Believe a reverse proxy's X-Forwarded-Proto (false: ignore it). */
    bool trust_forwarded_proto;

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
    struct zone *zones;
    size_t nzones;
    struct workflow *workflows;
    size_t nworkflows;
    int at_risk_percent; /* share of a service level that makes it at risk */
    struct towing towing;
};

/* Lookups by code; NULL when absent. */
const struct service *catalog_service(const struct city *c, const char *code);
const struct department *catalog_department(const struct city *c,
                                            const char *code);
const struct calendar *catalog_calendar(const struct city *c, const char *id);
const struct work_group *catalog_work_group(const struct city *c,
                                            const char *code);
const struct zone *catalog_zone(const struct city *c, const char *id);
const struct workflow *catalog_workflow(const struct city *c, const char *id);
const struct workflow_step *catalog_step(const struct workflow *wf,
                                         const char *id);

/* The business calendar of a department, or NULL when it has none. */
const struct calendar *catalog_department_calendar(const struct city *c,
                                                   const char *dept);

const struct pound *catalog_pound(const struct city *c, const char *code);

const char *priority_name(int p);
bool priority_parse(const char *name, int *out);
const char *assign_policy_name(enum assign_policy p);

/*
 * Picks the text for lang, falling back to the city's default language,
 * then "en", then the first one given. Returns "" for an empty set.
 */
const char *i18n_get(const struct i18n *t, const char *lang,
                     const char *fallback_lang);

/*
 * The text of t for lang (NULL: the city's default language), falling
 * back as i18n_get() does; NULL when t has no text at all.
 */
const char *catalog_text(const struct city *c, const struct i18n *t,
                         const char *lang);

/* True when one of the texts of t is text, in whatever language. */
bool i18n_has(const struct i18n *t, const char *text);

/*
 * Stored texts shown in lang (NULL: the default language). A request
 * keeps the name of its department and its public status note as written
 * when it was filed or closed, in the default language; a work order keeps
 * its step's name. When such a text is, word for word, one the
 * configuration gives (a department's name, a note of a step or outcome of
 * the service's workflow, the step's name) in any language, these give it
 * in lang; any other text (typed by staff, imported from another system,
 * from an older configuration) comes back as stored. An empty agency gives
 * the name of the service's department.
 */
const char *catalog_agency(const struct city *c, const char *service_code,
                           const char *stored, const char *lang);
const char *catalog_status_note(const struct city *c, const char *service_code,
                                const char *stored, const char *lang);
const char *catalog_step_name(const struct city *c, const char *workflow,
                              const char *step, const char *stored,
                              const char *lang);

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
    bool missing; /* a required answer is absent, not wrong */
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
