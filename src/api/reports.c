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
#include "store/import.h"
#include "util/isotime.h"

/* What the store's rows are turned into report rows with. */
struct build {
    const struct city *city;
    struct report_builder b;
    enum report_by by;
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
        *name = d->name;
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
    struct report_row r;
    char when[16];

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
              enum report_by by, struct arena *a, struct report *out,
              char **cause)
{
    struct build w = {.city = app->city, .by = by};
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
