/* SPDX-License-Identifier: MIT */
/*
 * Work order routes. Each action runs the engine inside one write
 * transaction; reads run on a read connection. Staff who do not see every
 * department (crew and supervisors without an agent, expert, QA or admin
 * role) see and change only the work of the departments their account is
 * scoped to, as for requests; editors have no access.
 */
#include <stdlib.h>
#include <string.h>

#include "api/staff.h"
#include "api/workorders.h"
#include "engine/engine.h"
#include "store/users.h"
#include "store/workorder.h"
#include "util/isotime.h"

#define NELEMS(a)         (sizeof(a) / sizeof((a)[0]))
#define WO_LIST_MAX_LIMIT 1000

/* The roles that do field work and may act on work orders. */
#define WO_WORKERS (STAFF_CREW | STAFF_SUPERVISOR | STAFF_ADMIN)

/* The roles that may read work orders. */
#define WO_READERS (STAFF_ANY & ~(unsigned)STAFF_EDITOR)

/* A JSON string, or null for NULL. */
static json_t *
jstr(const char *s)
{
    return s != NULL ? json_string(s) : json_null();
}

/* An instant as a local W3C datetime, or null for 0. */
static json_t *
jtime(int64_t t)
{
    char buf[ISOTIME_LEN];

    if (t == 0)
        return json_null();
    isotime_format_local(t, buf);
    return json_string(buf);
}

/*
 * The outcome codes the step of wo takes on completion, in the order the
 * configuration lists them; empty for a step without outcomes, a task added
 * by hand or a step no longer configured.
 */
static json_t *
outcomes_json(const struct city *c, const struct work_order *wo)
{
    const struct workflow *wf = catalog_workflow(c, wo->workflow);
    const struct workflow_step *st =
        wf != NULL && wo->step != NULL ? catalog_step(wf, wo->step) : NULL;
    json_t *a = json_array();
    size_t i;

    for (i = 0; a != NULL && st != NULL && i < st->noutcomes; i++)
        json_array_append_new(a, json_string(st->outcomes[i].code));
    return a;
}

/*
 * A work order as the API shows it, with the names of its step, department
 * and work group in lang and its step's outcomes from the configuration c.
 */
static json_t *
wo_json(const struct city *c, const struct work_order *wo, const char *lang)
{
    const struct department *d = catalog_department(c, wo->department);
    const struct work_group *g = catalog_work_group(c, wo->work_group);
    json_t *o = json_object();

    if (o == NULL)
        return NULL;
    json_object_set_new(o, "id", json_integer(wo->id));
    json_object_set_new(o, "service_request_id", jstr(wo->public_id));
    json_object_set_new(o, "service_code", jstr(wo->service_code));
    json_object_set_new(o, "address", jstr(wo->address));
    json_object_set_new(o, "lat",
                        wo->has_location ? json_real(wo->lat) : json_null());
    json_object_set_new(o, "long",
                        wo->has_location ? json_real(wo->lon) : json_null());
    json_object_set_new(o, "description", jstr(wo->description));
    json_object_set_new(o, "workflow", jstr(wo->workflow));
    json_object_set_new(o, "step", jstr(wo->step));
    json_object_set_new(
        o, "name",
        jstr(catalog_step_name(c, wo->workflow, wo->step, wo->name, lang)));
    json_object_set_new(o, "department", jstr(wo->department));
    json_object_set_new(o, "department_name",
                        jstr(d ? catalog_text(c, &d->name, lang) : NULL));
    json_object_set_new(o, "work_group", jstr(wo->work_group));
    json_object_set_new(o, "work_group_name",
                        jstr(g ? catalog_text(c, &g->name, lang) : NULL));
    json_object_set_new(o, "assignee", jstr(wo->assignee));
    json_object_set_new(o, "status", json_string(wo_status_name(wo->status)));
    json_object_set_new(o, "priority",
                        json_string(priority_name(wo->priority)));
    json_object_set_new(o, "sla", jstr(wo->sla));
    json_object_set_new(o, "sla_state",
                        json_string(sla_state_name(wo->sla_state)));
    json_object_set_new(o, "created_datetime", jtime(wo->created_at));
    json_object_set_new(o, "updated_datetime", jtime(wo->updated_at));
    json_object_set_new(o, "due_datetime", jtime(wo->due_at));
    json_object_set_new(o, "at_risk_datetime", jtime(wo->at_risk_at));
    json_object_set_new(o, "started_datetime", jtime(wo->started_at));
    json_object_set_new(o, "completed_datetime", jtime(wo->completed_at));
    json_object_set_new(o, "outcome", jstr(wo->outcome));
    json_object_set_new(o, "outcomes", outcomes_json(c, wo));
    json_object_set_new(o, "notes", jstr(wo->notes));
    json_object_set_new(o, "hold_reason", jstr(wo->hold_reason));
    json_object_set_new(o, "held_since", jtime(wo->held_since));
    json_object_set_new(o, "held_seconds", json_integer(wo->held_seconds));
    return o;
}

/* A list of work orders as a JSON array. */
static json_t *
wo_list_json(const struct city *c, const struct work_order *v, size_t n,
             const char *lang)
{
    json_t *a = json_array();
    size_t i;

    for (i = 0; a != NULL && i < n; i++)
        json_array_append_new(a, wo_json(c, &v[i], lang));
    return a;
}

/* True when s is limited to the work of its own departments. */
static bool
restricted(const struct staff *s)
{
    return !staff_sees_all(s);
}

/* Reads the service of request public_id. */
struct scope_arg {
    const char *public_id;
    struct sr *r;
};

/* Loads the request named in a scope check. */
static enum c311_rc
scope_work(struct sqlx *x, void *arg, char **cause)
{
    struct scope_arg *s = arg;

    return store_wo_request_lock(x, s->public_id, 0, &s->r, cause);
}

/*
 * Checks that me may touch request public_id: always when they see every
 * department, else when its service is of one of theirs. Replies 404 or
 * 403 and returns false otherwise.
 */
static bool
request_in_scope(struct http_req *req, const struct staff *me,
                 const char *public_id)
{
    struct scope_arg s = {public_id, NULL};
    const struct service *svc;
    char *cause = NULL;
    enum c311_rc rc;

    if (!restricted(me))
        return true;
    rc = sqlx_run(app_of(req)->st, false, scope_work, &s, &req->arena, &cause);
    if (rc == C311_ERR_NOT_FOUND) {
        free(cause);
        staff_error(req, 404, "not_found", NULL, "no request '%s'", public_id);
        return false;
    }
    if (rc != C311_OK) {
        staff_store_failed(req, rc, cause, "reading a request");
        return false;
    }
    free(cause);
    svc = catalog_service(app_of(req)->city, s.r->service_code);
    if (!staff_in_department(me, svc != NULL ? svc->department : NULL)) {
        staff_error(req, 403, "forbidden", NULL,
                    "request %s is outside your departments", public_id);
        return false;
    }
    return true;
}

/* The engine's view of who acts. */
static struct engine_actor
actor_of(struct http_req *req, const struct staff *me)
{
    struct engine_actor who = {staff_actor(me, &req->arena), restricted(me),
                               (const char *const *)me->departments,
                               me->ndepartments};

    return who;
}

/* Answers an engine refusal or a store failure. */
static void
reply_failure(struct http_req *req, enum c311_rc rc, char *cause)
{
    static const struct {
        enum c311_rc rc;
        int status;
        const char *code;
    } map[] = {
        {C311_ERR_NOT_FOUND, 404, "not_found"},
        {C311_ERR_DENIED, 403, "forbidden"},
        {C311_ERR_CONFLICT, 409, "conflict"},
        {C311_ERR_INVALID, 400, "bad_request"},
    };
    size_t i;

    for (i = 0; i < NELEMS(map); i++) {
        if (map[i].rc == rc) {
            staff_error(req, map[i].status, map[i].code, NULL, "%s",
                        cause != NULL ? cause : "refused");
            free(cause);
            return;
        }
    }
    staff_store_failed(req, rc, cause, "changing a work order");
}

/* The {id} of the path as a work order id; replies 404 when not one. */
static bool
path_id(struct http_req *req, int64_t *id)
{
    const char *s = http_path_param(req, "id");
    char *end;

    *id = s != NULL ? strtoll(s, &end, 10) : 0;
    if (s == NULL || *s == '\0' || *end != '\0' || *id <= 0) {
        staff_error(req, 404, "not_found", NULL, "no work order '%s'",
                    s != NULL ? s : "");
        return false;
    }
    return true;
}

/* What an action needs; filled by the handler, run by act_work(). */
enum wo_action {
    ACT_START,
    ACT_HOLD,
    ACT_RESUME,
    ACT_REASSIGN,
    ACT_COMPLETE,
    ACT_TASK,
    ACT_REOPEN
};

struct act_arg {
    enum wo_action action;
    const struct city *city;
    int64_t id;
    const char *public_id;
    const char *a, *b; /* reason, outcome and note, group and assignee */
    struct engine_task task;
    struct engine_actor who;
    int64_t now;
    struct work_order *out;
    const struct staff *assignee;   /* the account named as assignee, if any */
    const char *refused_department; /* set when assignee may not work there */
};

/* Runs the engine's side of the action. */
static enum c311_rc
act_engine(struct sqlx *x, struct act_arg *t, char **cause)
{
    switch (t->action) {
    case ACT_START:
        return engine_start(x, t->city, t->id, &t->who, t->now, &t->out, cause);
    case ACT_HOLD:
        return engine_hold(x, t->city, t->id, t->a, &t->who, t->now, &t->out,
                           cause);
    case ACT_RESUME:
        return engine_resume(x, t->city, t->id, &t->who, t->now, &t->out,
                             cause);
    case ACT_REASSIGN:
        return engine_reassign(x, t->city, t->id, t->a, t->b, &t->who, t->now,
                               &t->out, cause);
    case ACT_COMPLETE:
        return engine_complete(x, t->city, t->id, t->a, t->b, &t->who, t->now,
                               &t->out, cause);
    case ACT_TASK:
        return engine_add_task(x, t->city, t->public_id, &t->task, &t->who,
                               t->now, &t->out, cause);
    case ACT_REOPEN:
        return engine_reopen(x, t->city, t->public_id, t->a, t->b, &t->who,
                             t->now, &t->out, cause);
    }
    return C311_ERR_INTERNAL;
}

/*
 * True when s may be given work of department dept: a role that does
 * field work, and the department among those s sees, as the work order
 * routes decide who sees an order. Anyone else could not open the order
 * nor find it in a list.
 */
static bool
may_work_in(const struct staff *s, const char *dept)
{
    return (s->roles & WO_WORKERS) != 0 &&
           (!restricted(s) || staff_in_department(s, dept));
}

/*
 * Checks, inside the transaction, that the assignee may work in the
 * department the order will be in: the new work group's, or the one it
 * is in. An unknown group is left to the engine, which refuses it.
 */
static enum c311_rc
check_assignee(struct sqlx *x, struct act_arg *t, char **cause)
{
    const char *group = t->action == ACT_TASK ? t->task.work_group : t->a;
    const struct work_group *g;
    struct work_order *wo;
    enum c311_rc rc;

    if (t->assignee == NULL)
        return C311_OK;
    if (group == NULL) {
        rc = store_wo_get(x, t->id, false, &wo, cause);
        if (rc != C311_OK)
            return rc;
        group = wo->work_group;
    }
    g = catalog_work_group(t->city, group);
    if (g == NULL || may_work_in(t->assignee, g->department))
        return C311_OK;
    t->refused_department = g->department;
    return C311_ERR_INVALID;
}

/*
 * Runs the action inside the transaction, then reads the work order back
 * as GET /api/v1/workorders/{id} does: a work order the engine has just
 * made carries only its own fields, not its request's address, location
 * and description, and the answer must be the same representation.
 */
static enum c311_rc
act_work(struct sqlx *x, void *arg, char **cause)
{
    struct act_arg *t = arg;
    enum c311_rc rc = check_assignee(x, t, cause);

    if (rc == C311_OK)
        rc = act_engine(x, t, cause);
    if (rc != C311_OK || t->out == NULL)
        return rc;
    return store_wo_get(x, t->out->id, false, &t->out, cause);
}

/* Runs an action and answers with the work order it touched. */
static void
act(struct http_req *req, struct act_arg *t, int status)
{
    char *cause = NULL;
    enum c311_rc rc;
    struct work_order *wo;
    json_t *v;

    t->city = app_of(req)->city;
    t->now = isotime_now();
    rc = sqlx_run(app_of(req)->st, true, act_work, t, &req->arena, &cause);
    if (rc != C311_OK && t->refused_department != NULL) {
        free(cause);
        staff_error(req, 400, "invalid", "assignee",
                    "assignee '%s' does not work in department %s",
                    t->assignee->login, t->refused_department);
        return;
    }
    if (rc != C311_OK) {
        reply_failure(req, rc, cause);
        return;
    }
    free(cause);
    wo = t->out;
    v = wo_json(t->city, wo, staff_lang(req));
    http_reply_value(req, status, v, "work_order", "item");
}

/* A string member of body, or NULL; replies 400 when it is not a string. */
static bool
body_str(struct http_req *req, json_t *body, const char *key, bool required,
         const char **out)
{
    json_t *v = json_object_get(body, key);

    *out = NULL;
    if ((v == NULL || json_is_null(v)) && !required)
        return true;
    if (!json_is_string(v) || (required && json_string_length(v) == 0)) {
        staff_error(req, 400, "bad_request", key,
                    required ? "%s is required and must be a string"
                             : "%s must be a string",
                    key);
        return false;
    }
    *out = json_string_value(v);
    if (**out == '\0')
        *out = NULL;
    return true;
}

/*
 * Looks up the account an assignee names; false once it has answered 400
 * (no such login, a disabled one, or one without field work) or a store
 * failure. NULL names no one: the work group's policy picks.
 */
static bool
assignee_account(struct http_req *req, const char *login,
                 const struct staff **out)
{
    struct users_rec u;
    struct staff *s;
    const char *hash;
    char *cause = NULL;
    enum c311_rc rc;

    *out = NULL;
    if (login == NULL)
        return true;
    rc = users_get(app_of(req)->st, login, &req->arena, &u, &hash, &cause);
    if (rc == C311_ERR_NOT_FOUND || (rc == C311_OK && u.disabled)) {
        free(cause);
        staff_error(req, 400, "invalid", "assignee",
                    "assignee '%s' is not an active staff login", login);
        return false;
    }
    if (rc != C311_OK) {
        staff_store_failed(req, rc, cause, "reading an account");
        return false;
    }
    s = arena_alloc(&req->arena, sizeof(*s));
    if (s == NULL || !staff_from_user(&u, &req->arena, s)) {
        staff_store_failed(req, C311_ERR_NOMEM, NULL, "reading an account");
        return false;
    }
    if ((s->roles & WO_WORKERS) == 0) {
        staff_error(req, 400, "invalid", "assignee",
                    "assignee '%s' does no field work (crew, supervisor or "
                    "admin)",
                    login);
        return false;
    }
    *out = s;
    return true;
}

/* Signs in a worker and reads the path id and the JSON body. */
static bool
act_preamble(struct http_req *req, unsigned roles, struct act_arg *t,
             json_t **body, bool by_id)
{
    const struct staff *me;

    memset(t, 0, sizeof(*t));
    if (!staff_require(req, roles, &me))
        return false;
    t->who = actor_of(req, me);
    if (by_id && !path_id(req, &t->id))
        return false;
    if (!by_id) {
        t->public_id = http_path_param(req, "id");
        if (!request_in_scope(req, me, t->public_id))
            return false;
    }
    return body == NULL || staff_body_json(req, body);
}

/* POST /api/v1/workorders/{id}/start */
static void
wo_start(struct http_req *req)
{
    struct act_arg t;

    if (!act_preamble(req, WO_WORKERS, &t, NULL, true))
        return;
    t.action = ACT_START;
    act(req, &t, 200);
}

/* POST /api/v1/workorders/{id}/hold {"reason"} */
static void
wo_hold(struct http_req *req)
{
    struct act_arg t;
    json_t *body;

    if (!act_preamble(req, WO_WORKERS, &t, &body, true) ||
        !body_str(req, body, "reason", true, &t.a))
        return;
    t.action = ACT_HOLD;
    act(req, &t, 200);
}

/* POST /api/v1/workorders/{id}/resume */
static void
wo_resume(struct http_req *req)
{
    struct act_arg t;

    if (!act_preamble(req, WO_WORKERS, &t, NULL, true))
        return;
    t.action = ACT_RESUME;
    act(req, &t, 200);
}

/* POST /api/v1/workorders/{id}/reassign {"work_group", "assignee"} */
static void
wo_reassign(struct http_req *req)
{
    struct act_arg t;
    json_t *body;

    if (!act_preamble(req, WO_WORKERS, &t, &body, true) ||
        !body_str(req, body, "work_group", false, &t.a) ||
        !body_str(req, body, "assignee", false, &t.b) ||
        !assignee_account(req, t.b, &t.assignee))
        return;
    if (t.a == NULL && t.b == NULL) {
        staff_error(req, 400, "bad_request", NULL,
                    "give a work_group, an assignee or both");
        return;
    }
    t.action = ACT_REASSIGN;
    act(req, &t, 200);
}

/* POST /api/v1/workorders/{id}/complete {"outcome", "note"} */
static void
wo_complete(struct http_req *req)
{
    struct act_arg t;
    json_t *body;

    if (!act_preamble(req, WO_WORKERS, &t, &body, true) ||
        !body_str(req, body, "outcome", false, &t.a) ||
        !body_str(req, body, "note", false, &t.b))
        return;
    t.action = ACT_COMPLETE;
    act(req, &t, 200);
}

/* POST /api/v1/requests/{id}/workorders {"name", "work_group", ...} */
static void
wo_add_task(struct http_req *req)
{
    const char *prio = NULL;
    struct act_arg t;
    json_t *body;

    if (!act_preamble(req, WO_WORKERS | STAFF_AGENT | STAFF_EXPERT, &t, &body,
                      false) ||
        !body_str(req, body, "name", true, &t.task.name) ||
        !body_str(req, body, "work_group", true, &t.task.work_group) ||
        !body_str(req, body, "assignee", false, &t.task.assignee) ||
        !body_str(req, body, "sla", false, &t.task.sla) ||
        !body_str(req, body, "priority", false, &prio) ||
        !assignee_account(req, t.task.assignee, &t.assignee))
        return;
    t.task.priority = PRIO_NORMAL;
    if (prio != NULL && !priority_parse(prio, &t.task.priority)) {
        staff_error(req, 400, "bad_request", "priority",
                    "priority must be low, normal, high or urgent");
        return;
    }
    t.action = ACT_TASK;
    act(req, &t, 201);
}

/* POST /api/v1/requests/{id}/reopen {"reason", "work_group"} */
static void
wo_reopen(struct http_req *req)
{
    struct act_arg t;
    json_t *body;

    if (!act_preamble(
            req, STAFF_AGENT | STAFF_EXPERT | STAFF_SUPERVISOR | STAFF_ADMIN,
            &t, &body, false) ||
        !body_str(req, body, "reason", true, &t.a) ||
        !body_str(req, body, "work_group", false, &t.b))
        return;
    t.action = ACT_REOPEN;
    act(req, &t, 201);
}

/* What a listing reads. */
struct list_arg {
    struct wo_query q;
    const char *public_id;
    int64_t id; /* one work order, when set */
    struct work_order *v;
    size_t n;
};

/* Reads the listed work orders. */
static enum c311_rc
list_work(struct sqlx *x, void *arg, char **cause)
{
    struct list_arg *l = arg;
    struct sr *r;
    enum c311_rc rc;

    if (l->id != 0) {
        l->n = 1;
        return store_wo_get(x, l->id, false, &l->v, cause);
    }
    if (l->public_id != NULL) {
        rc = store_wo_request_lock(x, l->public_id, 0, &r, cause);
        if (rc != C311_OK)
            return rc;
        l->q.request_id = r->id;
    }
    return store_wo_list(x, &l->q, &l->v, &l->n, cause);
}

/* Drops the work orders me may not see; true when one was dropped. */
static bool
keep_visible(const struct staff *me, struct list_arg *l)
{
    size_t i, k = 0;

    if (!restricted(me))
        return false;
    for (i = 0; i < l->n; i++) {
        if (staff_in_department(me, l->v[i].department))
            l->v[k++] = l->v[i];
    }
    if (k == l->n)
        return false;
    l->n = k;
    return true;
}

/* Reads the filters of GET /api/v1/workorders; false once it answered. */
static bool
list_filters(struct http_req *req, const struct staff *me, struct list_arg *l)
{
    const char *status = http_param(req, "status");
    const char *sla = http_param(req, "sla");
    const char *limit = http_param(req, "limit");
    const char *offset = http_param(req, "offset");

    l->q.department = http_param(req, "department");
    l->q.work_group = http_param(req, "work_group");
    l->q.assignee = http_param(req, "assignee");
    l->public_id = http_param(req, "service_request_id");
    if (status != NULL && strcmp(status, "unfinished") == 0)
        l->q.unfinished = true;
    else if (status != NULL &&
             !(l->q.has_status = wo_status_parse(status, &l->q.status))) {
        staff_error(req, 400, "bad_request", "status",
                    "status must be open, in_progress, on_hold, done or "
                    "unfinished");
        return false;
    }
    if (sla != NULL && (!(l->q.has_sla = sla_state_parse(sla, &l->q.sla)) ||
                        l->q.sla == SLA_ON_TRACK)) {
        staff_error(req, 400, "bad_request", "sla",
                    "sla must be at_risk or breached");
        return false;
    }
    l->q.limit = limit != NULL ? (size_t)strtoul(limit, NULL, 10) : 100;
    l->q.offset = offset != NULL ? (size_t)strtoul(offset, NULL, 10) : 0;
    if (l->q.limit == 0 || l->q.limit > WO_LIST_MAX_LIMIT) {
        staff_error(req, 400, "bad_request", "limit",
                    "limit must be from 1 to %d", WO_LIST_MAX_LIMIT);
        return false;
    }
    if (restricted(me) && l->q.department != NULL &&
        !staff_in_department(me, l->q.department)) {
        staff_error(req, 403, "forbidden", "department",
                    "you may see only the work of your departments");
        return false;
    }
    if (restricted(me) && l->q.department == NULL && me->ndepartments == 1)
        l->q.department = me->departments[0];
    return true;
}

/* Runs a listing and answers with it. */
static void
list_reply(struct http_req *req, const struct staff *me, struct list_arg *l,
           bool one)
{
    char *cause = NULL;
    enum c311_rc rc;

    rc = sqlx_run(app_of(req)->st, false, list_work, l, &req->arena, &cause);
    if (rc != C311_OK) {
        reply_failure(req, rc, cause);
        return;
    }
    free(cause);
    if (keep_visible(me, l) && one) {
        staff_error(req, 403, "forbidden", NULL,
                    "work order %lld belongs to department %s",
                    (long long)l->id, l->v[0].department);
        return;
    }
    if (one)
        http_reply_value(req, 200,
                         wo_json(app_of(req)->city, &l->v[0], staff_lang(req)),
                         "work_order", "item");
    else
        http_reply_value(
            req, 200,
            wo_list_json(app_of(req)->city, l->v, l->n, staff_lang(req)),
            "work_orders", "work_order");
}

enum c311_rc
workorders_of_request_json(struct http_req *req, const char *public_id,
                           json_t **out, char **cause)
{
    struct list_arg l = {0};
    enum c311_rc rc;

    *out = NULL;
    l.public_id = public_id;
    rc = sqlx_run(app_of(req)->st, false, list_work, &l, &req->arena, cause);
    if (rc != C311_OK)
        return rc;
    *out = wo_list_json(app_of(req)->city, l.v, l.n, staff_lang(req));
    return *out != NULL ? C311_OK : C311_ERR_NOMEM;
}

/* GET /api/v1/workorders?department=&work_group=&status=&sla= */
static void
wo_list(struct http_req *req)
{
    const struct staff *me;
    struct list_arg l = {0};

    if (!staff_require(req, WO_READERS, &me) || !list_filters(req, me, &l))
        return;
    list_reply(req, me, &l, false);
}

/* GET /api/v1/workorders/{id} */
static void
wo_get(struct http_req *req)
{
    const struct staff *me;
    struct list_arg l = {0};

    if (!staff_require(req, WO_READERS, &me) || !path_id(req, &l.id))
        return;
    list_reply(req, me, &l, true);
}

/* GET /api/v1/requests/{id}/workorders */
static void
wo_of_request(struct http_req *req)
{
    const struct staff *me;
    struct list_arg l = {0};

    if (!staff_require(req, WO_READERS, &me))
        return;
    l.public_id = http_path_param(req, "id");
    if (!request_in_scope(req, me, l.public_id))
        return;
    list_reply(req, me, &l, false);
}

const struct route workorders_routes[] = {
    {"GET", "/api/v1/workorders", wo_list, 0},
    {"GET", "/api/v1/workorders/{id}", wo_get, 0},
    {"POST", "/api/v1/workorders/{id}/start", wo_start, 0},
    {"POST", "/api/v1/workorders/{id}/hold", wo_hold, 0},
    {"POST", "/api/v1/workorders/{id}/resume", wo_resume, 0},
    {"POST", "/api/v1/workorders/{id}/reassign", wo_reassign, 0},
    {"POST", "/api/v1/workorders/{id}/complete", wo_complete, 0},
    {"GET", "/api/v1/requests/{id}/workorders", wo_of_request, 0},
    {"POST", "/api/v1/requests/{id}/workorders", wo_add_task, 0},
    {"POST", "/api/v1/requests/{id}/reopen", wo_reopen, 0},
};

const size_t workorders_nroutes = NELEMS(workorders_routes);
