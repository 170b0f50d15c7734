/* SPDX-License-Identifier: MIT */
/*
 * GET /api/v1/calls/report: the call report of api/calls_report.h for
 * the staff who oversee the contact centre, in the staff API's shapes.
 */
#include <stdlib.h>

#include "api/calls.h"
#include "api/calls_report.h"
#include "api/staff.h"
#include "util/isotime.h"

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

const struct route calls_routes[] = {
    {"GET", "/api/v1/calls/report", calls_report_get, 0},
};

const size_t calls_nroutes = sizeof(calls_routes) / sizeof(calls_routes[0]);
