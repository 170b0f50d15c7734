/* SPDX-License-Identifier: MIT */
/*
 * Management reports (see reports.h): the store streams the requests of a
 * period, each is given its group and service names from the catalogue,
 * and core/report.c does the counting.
 */
#include <math.h>
#include <string.h>
#include <time.h>

#include "api/reports.h"
#include "api/staff.h"
#include "io/import.h"
#include "store/import.h"
#include "util/isotime.h"

/* What the store's rows are turned into report rows with. */
struct build {
    const struct city *city;
    struct report_builder b;
    enum report_by by;
    reports_keep_fn keep;
    void *keep_arg;
};

/* The name of a service in the city's default language, else stored. */
static const char *
service_name(const struct city *city, const struct store_report_row *row)
{
    const struct service *svc = catalog_service(city, row->service_code);

    if (svc != NULL)
        return i18n_get(&svc->name, city->default_lang, city->default_lang);
    return row->service_name != NULL ? row->service_name : row->service_code;
}

/*
 * A request's department: the import's, else its service's; named by
 * the catalogue, else by the agency responsible the request names.
 */
static void
department_of(const struct city *city, const struct store_report_row *row,
              const char **key, const char **name)
{
    const struct service *svc = catalog_service(city, row->service_code);
    const char *code = row->department;
    const struct department *d;

    if (code == NULL && svc != NULL)
        code = svc->department;
    d = code != NULL ? catalog_department(city, code) : NULL;
    if (d != NULL) {
        *key = d->code;
        *name = catalog_text(city, &d->name, NULL);
        return;
    }
    *key = *name = row->agency != NULL ? row->agency : "(none)";
}

/* Names a row's group; day and hour are local, as managers read them. */
static void
group_of(const struct build *w, const struct store_report_row *row,
         struct report_row *out, char *buf, size_t size)
{
    time_t t = (time_t)row->requested_at;
    struct tm tm;

    switch (w->by) {
    case REPORT_BY_NONE:
        return;
    case REPORT_BY_DEPARTMENT:
        department_of(w->city, row, &out->group_key, &out->group_name);
        return;
    case REPORT_BY_SERVICE:
        out->group_key = row->service_code;
        out->group_name = out->service_name;
        return;
    case REPORT_BY_CHANNEL:
        out->group_key = out->group_name =
            row->channel != NULL ? row->channel : "(none)";
        return;
    case REPORT_BY_DAY:
    case REPORT_BY_HOUR:
        if (localtime_r(&t, &tm) == NULL)
            memset(&tm, 0, sizeof(tm));
        strftime(buf, size, w->by == REPORT_BY_DAY ? "%Y-%m-%d" : "%H", &tm);
        out->group_key = out->group_name = buf;
        return;
    }
}

/* The store's callback: one request into the report. */
static enum c311_rc
add_row(void *arg, const struct store_report_row *row)
{
    struct build *w = arg;
    const char *dept, *dept_name;
    struct report_row r;
    char when[16];

    if (w->keep != NULL) {
        department_of(w->city, row, &dept, &dept_name);
        if (!w->keep(w->keep_arg, dept))
            return C311_OK;
    }
    memset(&r, 0, sizeof(r));
    r.requested_at = row->requested_at;
    r.closed_at = row->closed_at;
    r.expected_at = row->expected_at;
    r.closed = row->closed;
    r.service_code = row->service_code;
    r.service_name = service_name(w->city, row);
    group_of(w, row, &r, when, sizeof(when));
    return report_add(&w->b, &r);
}

/* Streams the period's requests into a report. */
enum c311_rc
reports_build(const struct app *app, int64_t from, int64_t to,
              enum report_by by, reports_keep_fn keep, void *keep_arg,
              struct arena *a, struct report *out, char **cause)
{
    struct build w = {
        .city = app->city, .by = by, .keep = keep, .keep_arg = keep_arg};
    enum c311_rc rc, end;

    report_begin(&w.b, from, to, by, a);
    rc = store_report_scan(app->st, app->city->jurisdiction_id, from, to,
                           add_row, &w, cause);
    end = report_end(&w.b, out);
    return rc != C311_OK ? rc : end;
}

/* ---- JSON ---- */

/* A ratio rounded to 4 decimals, or null when undefined (negative). */
static json_t *
ratio(double x)
{
    if (x < 0)
        return json_null();
    return json_real(round(x * 10000) / 10000);
}

/* A duration in seconds, or null when undefined (negative). */
static json_t *
seconds(int64_t s)
{
    return s < 0 ? json_null() : json_integer(s);
}

/* An instant in the jurisdiction's zone. */
static json_t *
instant(int64_t t)
{
    char buf[ISOTIME_LEN];

    isotime_format_local(t, buf);
    return json_string(buf);
}

/* The figures of the total or of one group. */
static json_t *
figures_json(const struct report_figures *f)
{
    json_t *ages = json_object(), *o;
    int i;

    for (i = 0; ages != NULL && i < REPORT_AGES; i++)
        json_object_set_new(ages, report_age_names[i],
                            json_integer(f->ages[i]));
    o = json_pack(
        "{s:I, s:I, s:o, s:{s:I, s:o, s:o},"
        " s:{s:I, s:I, s:I, s:I, s:o}, s:{s:I, s:o}}",
        "requests", (json_int_t)f->requests, "closed", (json_int_t)f->closed,
        "share_closed", ratio(report_share_closed(f)), "time_to_close", "timed",
        (json_int_t)f->timed, "median_seconds", seconds(f->median_s),
        "p90_seconds", seconds(f->p90_s), "sla", "with_due",
        (json_int_t)f->with_due, "met", (json_int_t)f->met, "missed",
        (json_int_t)f->missed, "unknown", (json_int_t)f->unknown, "compliance",
        ratio(report_compliance(f)), "backlog", "open_at_end",
        (json_int_t)f->backlog, "by_age", ages != NULL ? ages : json_null());
    return o;
}

/* The groups, each its key, name and figures. */
static json_t *
groups_json(const struct report *r)
{
    json_t *list = json_array(), *g, *f;
    size_t i;

    for (i = 0; list != NULL && i < r->ngroups; i++) {
        g = json_pack("{s:s, s:s}", "key", r->groups[i].key, "name",
                      r->groups[i].name);
        f = figures_json(&r->groups[i].f);
        if (g == NULL || f == NULL || json_object_update(g, f) != 0 ||
            json_array_append_new(list, g) != 0) {
            json_decref(g);
            json_decref(f);
            json_decref(list);
            return NULL;
        }
        json_decref(f);
    }
    return list;
}

/* The busiest services, with their share of the period's requests. */
static json_t *
top_json(const struct report *r)
{
    json_t *list = json_array();
    double share;
    size_t i;

    for (i = 0; list != NULL && i < r->ntop; i++) {
        share = r->total.requests > 0
                    ? (double)r->top[i].requests / (double)r->total.requests
                    : -1;
        if (json_array_append_new(
                list, json_pack("{s:s, s:s, s:I, s:o}", "service_code",
                                r->top[i].code, "service_name", r->top[i].name,
                                "requests", (json_int_t)r->top[i].requests,
                                "share", ratio(share))) != 0) {
            json_decref(list);
            return NULL;
        }
    }
    return list;
}

/* Names the groups and top services of r in lang; see reports.h. */
void
reports_translate(struct report *r, const struct city *city, const char *lang)
{
    const struct department *d;
    const struct service *svc;
    size_t i;

    for (i = 0; i < r->ngroups; i++) {
        if (r->by == REPORT_BY_DEPARTMENT &&
            (d = catalog_department(city, r->groups[i].key)) != NULL)
            r->groups[i].name = catalog_text(city, &d->name, lang);
        else if (r->by == REPORT_BY_SERVICE &&
                 (svc = catalog_service(city, r->groups[i].key)) != NULL)
            r->groups[i].name = catalog_text(city, &svc->name, lang);
    }
    for (i = 0; i < r->ntop; i++) {
        if ((svc = catalog_service(city, r->top[i].code)) != NULL)
            r->top[i].name = catalog_text(city, &svc->name, lang);
    }
}

/* The whole report. */
json_t *
reports_json(const struct report *r)
{
    return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o}", "from", instant(r->from),
                     "to", instant(r->to), "by",
                     r->by == REPORT_BY_NONE
                         ? json_null()
                         : json_string(report_by_name(r->by)),
                     "total", figures_json(&r->total), "groups",
                     r->by == REPORT_BY_NONE ? json_array() : groups_json(r),
                     "top_services", top_json(r));
}

/* ---- GET /api/v1/reports/summary ---- */

/* Reads an ISO 8601 instant with an offset, else a local time. */
bool
reports_parse_time(const char *s, int64_t *out)
{
    struct wallclock wc;

    if (isotime_parse(s, out))
        return true;
    wallclock_init(&wc);
    return import_local_time(&wc, s, out, NULL);
}

void
reports_time_arg(const char *name, const char *s, int64_t *out,
                 struct staff_problems *p)
{
    if (!reports_parse_time(s, out))
        staff_problem(p, "invalid", name,
                      "%s must be an ISO 8601 date and time with an offset, "
                      "or a local date",
                      name);
}

/* Keeps the requests of the signed-in user's departments. */
static bool
keep_scope(void *arg, const char *department)
{
    return staff_in_department(arg, department);
}

/* Reads from= or to= into *t; a problem when missing or unreadable. */
static void
bound_arg(struct http_req *req, const char *name, struct staff_problems *p,
          int64_t *t)
{
    const char *s = http_param(req, name);

    if (s == NULL)
        staff_problem(p, "required", name, "%s is required", name);
    else
        reports_time_arg(name, s, t, p);
}

/*
 * The figures of requests made in [from, to), optionally broken down
 * (docs/REPORTS.md). Supervisors who do not see every department get the
 * figures of their departments' requests only.
 */
static void
reports_summary(struct http_req *req)
{
    struct staff_problems p = {.a = &req->arena};
    const char *by = http_param(req, "by");
    enum report_by group = REPORT_BY_NONE;
    const struct staff *me;
    int64_t from = 0, to = 0;
    char *cause = NULL;
    struct report r;
    enum c311_rc rc;
    size_t before;

    if (!staff_require(req, STAFF_SUPERVISOR | STAFF_QA | STAFF_ADMIN, &me))
        return;
    bound_arg(req, "from", &p, &from);
    bound_arg(req, "to", &p, &to);
    before = p.n;
    if (by != NULL && !report_by_parse(by, &group))
        staff_problem(&p, "invalid", "by",
                      "by must be department, service, channel, day or "
                      "hour");
    if (before == 0 && from >= to)
        staff_problem(&p, "invalid", "to", "to must come after from");
    if (staff_reply_problems(req, &p))
        return;
    rc = reports_build(app_of(req), from, to, group,
                       staff_sees_all(me) ? NULL : keep_scope, (void *)me,
                       &req->arena, &r, &cause);
    if (rc != C311_OK) {
        staff_store_failed(req, rc, cause, "building a report");
        return;
    }
    reports_translate(&r, app_of(req)->city, staff_lang(req));
    http_reply_value(req, 200, reports_json(&r), "report", "item");
}

const struct route reports_routes[] = {
    {"GET", "/api/v1/reports/summary", reports_summary, 0},
};

const size_t reports_nroutes =
    sizeof(reports_routes) / sizeof(reports_routes[0]);
