/* SPDX-License-Identifier: MIT */
/*
 * GET /api/v1/calls/report: the call report of api/calls_report.h for
 * the staff who oversee the contact centre, in the staff API's shapes;
 * and the calls a caller's history shows next to their requests.
 */
#include <stdlib.h>
#include <string.h>

#include "api/calls.h"
#include "api/calls_report.h"
#include "api/staff.h"
#include "store/calls.h"
#include "util/isotime.h"
#include "util/log.h"

/* GET /api/v1/calls/report?from=&to=&by=&interval=&sl=&short= */
static void
calls_report_get(struct http_req *req)
{
    struct calls_report_args args = {
        http_param(req, "from"), http_param(req, "to"),
        http_param(req, "by"),   http_param(req, "interval"),
        http_param(req, "sl"),   http_param(req, "short"),
    };
    struct calls_report_opts o;
    struct calls_report r;
    const struct staff *me;
    const char *field;
    char *cause = NULL;
    enum c311_rc rc;

    if (!staff_require(req, STAFF_SUPERVISOR | STAFF_QA | STAFF_ADMIN, &me))
        return;
    if (calls_report_parse(&args, isotime_now(), &o, &field, &cause) !=
        C311_OK) {
        staff_error(req, 400, "bad_request", field, "%s",
                    cause ? cause : "bad argument");
        free(cause);
        return;
    }
    rc = calls_report_run(app_of(req)->st, &o, &req->arena, &r, &cause);
    if (rc == C311_ERR_TOO_LARGE) {
        staff_error(req, 400, "bad_request", "interval", "%s",
                    cause ? cause : "too many intervals");
        free(cause);
        return;
    }
    if (rc != C311_OK) {
        staff_store_failed(req, rc, cause, "reading calls");
        return;
    }
    http_reply_value(req, 200, calls_report_json(&r), "report", "row");
}

/* Orders calls newest first. */
static int
row_newest_first(const void *x, const void *y)
{
    const struct calls_row *a = x, *b = y;

    if (a->entered_at != b->entered_at)
        return a->entered_at < b->entered_at ? 1 : -1;
    return (a->id < b->id) - (a->id > b->id);
}

/* The ids of the phone requests among v filed during call r. */
static json_t *
linked_requests(const struct calls_row *r, const struct contacts_request *v,
                size_t n, int64_t now)
{
    int64_t end =
        (r->ended_at != 0 ? r->ended_at : now) + CALLS_REPORT_LINK_GRACE;
    json_t *ids = json_array();
    size_t i;

    for (i = 0; ids != NULL && i < n; i++) {
        if (r->answered_at == 0 || v[i].channel == NULL ||
            strcmp(v[i].channel, "phone") != 0 ||
            v[i].requested_at < r->answered_at || v[i].requested_at > end)
            continue;
        if (json_array_append_new(ids, staff_jstr(v[i].public_id)) != 0) {
            json_decref(ids);
            return NULL;
        }
    }
    return ids;
}

/* Seconds, or null when unknown (-1). */
static json_t *
seconds(int64_t s)
{
    return s >= 0 ? json_integer(s) : json_null();
}

/* One call of a caller's history. */
static json_t *
history_call_json(const struct calls_row *r, const struct contacts_request *v,
                  size_t n, int64_t now)
{
    json_t *o = json_object();
    bool ok = o != NULL;

    staff_put(o, "callid", staff_jstr(r->callid), &ok);
    staff_put(o, "queue", staff_jstr(r->queue), &ok);
    staff_put(o, "agent", staff_jstr(r->agent), &ok);
    staff_put(o, "outcome", staff_jstr(r->outcome), &ok);
    staff_put(o, "entered_datetime", staff_jtime(r->entered_at), &ok);
    staff_put(o, "answered_datetime", staff_jtime(r->answered_at), &ok);
    staff_put(o, "ended_datetime", staff_jtime(r->ended_at), &ok);
    staff_put(o, "wait_seconds", seconds(r->wait), &ok);
    staff_put(o, "talk_seconds", seconds(r->talk), &ok);
    staff_put(o, "service_request_ids", linked_requests(r, v, n, now), &ok);
    if (!ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/*
 * Loads the calls from every phone of c into one list, newest first, at
 * most CALLS_HISTORY_MAX.
 */
static enum c311_rc
history_rows(struct http_req *req, const struct contact *c,
             struct calls_row **out, size_t *n, char **cause)
{
    struct calls_row *all, *v;
    size_t i, k;
    enum c311_rc rc;

    *n = 0;
    all = arena_alloc(&req->arena,
                      (c->nphones * CALLS_HISTORY_MAX + 1) * sizeof(*all));
    if (all == NULL)
        return C311_ERR_NOMEM;
    for (i = 0; i < c->nphones; i++) {
        rc = calls_by_caller(app_of(req)->st, c->phones[i], CALLS_HISTORY_MAX,
                             &req->arena, &v, &k, cause);
        if (rc != C311_OK)
            return rc;
        if (k > 0)
            memcpy(all + *n, v, k * sizeof(*v));
        *n += k;
    }
    if (*n > 0)
        qsort(all, *n, sizeof(*all), row_newest_first);
    if (*n > CALLS_HISTORY_MAX)
        *n = CALLS_HISTORY_MAX;
    *out = all;
    return C311_OK;
}

/* Lists the caller's calls with the requests filed during each. */
json_t *
calls_history_json(struct http_req *req, const struct contact *c,
                   const struct contacts_request *v, size_t n)
{
    struct calls_row *rows;
    json_t *list = json_array();
    char *cause = NULL;
    int64_t now = isotime_now();
    size_t i, k;

    if (list == NULL || history_rows(req, c, &rows, &k, &cause) != C311_OK) {
        log_warning("calls", "reading a caller's calls failed: %s",
                    cause ? cause : "out of memory");
        free(cause);
        json_decref(list);
        return NULL;
    }
    for (i = 0; i < k; i++) {
        if (json_array_append_new(
                list, history_call_json(&rows[i], v, n, now)) != 0) {
            json_decref(list);
            return NULL;
        }
    }
    return list;
}

const struct route calls_routes[] = {
    {"GET", "/api/v1/calls/report", calls_report_get, 0},
};

const size_t calls_nroutes = sizeof(calls_routes) / sizeof(calls_routes[0]);
