/* SPDX-License-Identifier: MIT */
/*
 * The work engine on top of the catalogue (core/), the calendar arithmetic
 * and the engine's storage (store/workorder.h). Errors meant for a client
 * carry their words in *cause; the caller turns the status into HTTP.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/calendar.h"
#include "core/workflow.h"
#include "engine/engine.h"
#include "store/backend.h"
#include "store/workorder.h"

#define ENGINE_SWEEP_BATCH 200

/* Formats a client-facing refusal into *cause and returns rc. */
#define refuse(cause, rc, ...) store__fail((cause), (rc), __VA_ARGS__)

/* Copies a JSON value's text into the arena and drops the value. */
static const char *
json_text(struct sqlx *x, json_t *v)
{
    char *s = v != NULL ? json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    const char *out = s != NULL ? arena_strdup(x->a, s) : NULL;

    free(s);
    json_decref(v);
    return out;
}

/* A JSON string, or null for NULL. */
static json_t *
jstr(const char *s)
{
    return s != NULL ? json_string(s) : json_null();
}

/* Appends an event about a work order to its request's history. */
static enum c311_rc
wo_event(struct sqlx *x, const struct work_order *wo, const char *actor,
         const char *kind, const char *note, json_t *extra, int64_t now,
         char **cause)
{
    struct wo_event e = {wo->request_id, NULL,  now,  actor,
                         kind,           false, note, NULL};
    json_t *v = extra != NULL ? extra : json_object();

    json_object_set_new(v, "work_order_id", json_integer(wo->id));
    json_object_set_new(v, "step", jstr(wo->step));
    json_object_set_new(v, "status", json_string(wo_status_name(wo->status)));
    e.after_json = json_text(x, v);
    return store_wo_event(x, &e, cause);
}

/* True when who may touch work of department dept. */
static bool
actor_may(const struct engine_actor *who, const char *dept)
{
    size_t i;

    if (!who->restricted)
        return true;
    for (i = 0; dept != NULL && i < who->ndepartments; i++) {
        if (strcmp(who->departments[i], dept) == 0)
            return true;
    }
    return false;
}

/*
 * Sets the due and at-risk instants of a work order of department dept
 * created at start with service level sla (text); both 0 without one.
 */
static enum c311_rc
due_times(const struct city *c, const char *dept, const char *sla,
          int64_t start, int64_t *due, int64_t *at_risk, char **cause)
{
    const struct calendar *cal = catalog_department_calendar(c, dept);
    struct cal_duration d;
    bool business;

    *due = *at_risk = 0;
    if (sla == NULL)
        return C311_OK;
    if (!calendar_duration_parse(sla, &d))
        return refuse(cause, C311_ERR_INVALID, "bad service level '%s'", sla);
    business = calendar_duration_is_business(&d);
    if (calendar_add(cal, start, &d, due) != C311_OK)
        return refuse(cause, C311_ERR_INVALID,
                      "department '%s' has no working time for '%s'", dept,
                      sla);
    return calendar_share_at(cal, business, start, *due, c->at_risk_percent,
                             at_risk);
}

/* True when word is one of the entries of list, separated by any of seps. */
static bool
has_word(const char *list, const char *seps, const char *word)
{
    size_t len = strlen(word), n;

    while (*list != '\0') {
        list += strspn(list, seps);
        n = strcspn(list, seps);
        if (n == len && strncmp(list, word, len) == 0)
            return true;
        list += n;
    }
    return false;
}

/*
 * True when login may be given work of department dept, by the rules
 * POST /api/v1/workorders/{id}/reassign applies to an assignee named
 * there: an enabled account, a role that does field work (crew,
 * supervisor, admin), and dept among the departments it sees (every one
 * for admins, agents, experts and QA). A policy must not hand work to
 * someone a supervisor could not name.
 */
static enum c311_rc
member_may_work(struct sqlx *x, const char *login, const char *dept, bool *ok,
                char **cause)
{
    static const char *const field[] = {"crew", "supervisor", "admin"};
    static const char *const all[] = {"agent", "expert", "qa", "admin"};
    const char *roles, *depts;
    bool found, disabled, worker = false, sees = false;
    enum c311_rc rc;
    size_t i;

    *ok = false;
    rc = store_wo_staff(x, login, &found, &disabled, &roles, &depts, cause);
    if (rc != C311_OK || !found || disabled)
        return rc;
    for (i = 0; i < sizeof(field) / sizeof(field[0]); i++)
        worker = worker || has_word(roles, ", ", field[i]);
    for (i = 0; i < sizeof(all) / sizeof(all[0]); i++)
        sees = sees || has_word(roles, ", ", all[i]);
    *ok = worker && (sees || (dept != NULL && has_word(depts, " ,", dept)));
    return C311_OK;
}

/*
 * Picks the member of g a new work order goes to, by its policy, among
 * the members who may work in g's department; NULL when none may, and
 * the order waits unassigned in the group.
 */
static enum c311_rc
pick_member(struct sqlx *x, const struct work_group *g, const char **out,
            char **cause)
{
    const char **logins = NULL;
    int64_t *counts = NULL, turn, best = -1, mine;
    size_t i, j, n = 0;
    enum c311_rc rc;
    bool ok;

    *out = NULL;
    if (g->nmembers == 0)
        return C311_OK;
    if (g->assignment == ASSIGN_ROUND_ROBIN) {
        rc = store_wo_next_turn(x, g->code, &turn, cause);
        /* The turn's member, or the next one after it who may work. */
        for (i = 0; rc == C311_OK && i < g->nmembers; i++) {
            j = (size_t)((turn + (int64_t)i) % (int64_t)g->nmembers);
            rc = member_may_work(x, g->members[j], g->department, &ok, cause);
            if (rc == C311_OK && ok) {
                *out = g->members[j];
                break;
            }
        }
        return rc;
    }
    /*
     * TODO: counts see only committed work orders, so two filings at the
     * same instant on two PostgreSQL servers may pick the same member.
     */
    rc = store_wo_open_counts(x, g->code, &logins, &counts, &n, cause);
    if (rc != C311_OK)
        return rc;
    for (i = 0; i < g->nmembers; i++) {
        mine = 0;
        for (j = 0; j < n; j++) {
            if (strcmp(logins[j], g->members[i]) == 0)
                mine = counts[j];
        }
        if (best >= 0 && mine >= best)
            continue;
        rc = member_may_work(x, g->members[i], g->department, &ok, cause);
        if (rc != C311_OK)
            return rc;
        if (ok) {
            best = mine;
            *out = g->members[i];
        }
    }
    return C311_OK;
}

/*
 * Fills a new work order for request r: its group (from the step's route
 * when step is set), department, member and due times.
 */
static enum c311_rc
plan_wo(struct sqlx *x, const struct city *c, const char *workflow,
        const struct workflow_step *step, const char *group, const struct sr *r,
        int64_t now, struct work_order *wo, char **cause)
{
    const struct work_group *g;
    enum c311_rc rc;

    if (step != NULL)
        group = workflow_route(c, step, r);
    g = catalog_work_group(c, group);
    if (g == NULL)
        return refuse(cause, C311_ERR_INVALID, "unknown work group '%s'",
                      group != NULL ? group : "");
    wo->request_id = r->id;
    wo->workflow = workflow;
    wo->department = g->department;
    wo->work_group = g->code;
    wo->status = WO_OPEN;
    wo->created_at = wo->updated_at = now;
    wo->sla_state = SLA_ON_TRACK;
    if (step != NULL) {
        wo->step = step->id;
        wo->name = catalog_text(c, &step->name, NULL);
        wo->priority = step->priority;
        wo->sla = step->has_sla ? step->sla_text : NULL;
    }
    rc = due_times(c, wo->department, wo->sla, now, &wo->due_at,
                   &wo->at_risk_at, cause);
    if (rc == C311_OK && wo->assignee == NULL)
        rc = pick_member(x, g, &wo->assignee, cause);
    return rc;
}

/*
 * Inserts a planned work order and, with record set, an event of its
 * creation. The first work orders of a new request go without one: the
 * request's "created" event and the work order row (created, group,
 * assignee, due) say it all, and the history of intake stays as short
 * as staff read it.
 */
static enum c311_rc
create_wo(struct sqlx *x, struct work_order *wo, const char *actor, int64_t now,
          bool record, char **cause)
{
    json_t *v;
    enum c311_rc rc;

    rc = store_wo_insert(x, wo, cause);
    if (rc != C311_OK || !record)
        return rc;
    v = json_pack("{s:o, s:o, s:o, s:I}", "work_group", jstr(wo->work_group),
                  "assignee", jstr(wo->assignee), "name", jstr(wo->name),
                  "due_at", (json_int_t)wo->due_at);
    return wo_event(x, wo, actor, "work_order_created", NULL, v, now, cause);
}

/* The latest due time of the request's unfinished work orders, or keep. */
static enum c311_rc
expected_of(struct sqlx *x, struct sr *r, size_t *open, char **cause)
{
    struct wo_query q = {0};
    struct work_order *v;
    int64_t latest = 0;
    enum c311_rc rc;
    size_t n, i;

    q.request_id = r->id;
    q.unfinished = true;
    rc = store_wo_list(x, &q, &v, &n, cause);
    if (rc != C311_OK)
        return rc;
    for (i = 0; i < n; i++) {
        if (v[i].due_at > latest)
            latest = v[i].due_at;
    }
    if (latest != 0)
        r->expected_at = latest;
    *open = n;
    return C311_OK;
}

/* Files a request and starts its workflow; see engine.h. */
enum c311_rc
engine_file(struct sqlx *x, const struct city *c, const struct service *svc,
            struct sr *r, int64_t now, char **cause)
{
    const struct workflow *wf = catalog_workflow(c, svc->workflow);
    const struct department *dept;
    struct work_order *wos = NULL;
    const char *actor;
    size_t n = 0, i;
    enum c311_rc rc;

    if (wf != NULL && wf->nsteps > 0) {
        n = wf->nstart > 0 ? wf->nstart : 1;
        wos = arena_alloc(x->a, n * sizeof(*wos));
        if (wos == NULL)
            return refuse(cause, C311_ERR_NOMEM, "out of memory");
    }
    for (i = 0; i < n; i++) {
        const struct workflow_step *st =
            wf->nstart > 0 ? catalog_step(wf, wf->start[i]) : &wf->steps[0];

        rc = plan_wo(x, c, wf->id, st, NULL, r, now, &wos[i], cause);
        if (rc != C311_OK)
            return rc;
        if (wos[i].due_at > r->expected_at)
            r->expected_at = wos[i].due_at;
    }
    if (n > 0 && (dept = catalog_department(c, wos[0].department)) != NULL)
        r->agency_responsible = catalog_text(c, &dept->name, NULL);

    rc = store_wo_request_insert(x, r, cause);
    if (rc != C311_OK)
        return rc;
    actor = r->api_key_name != NULL
                ? arena_printf(x->a, "api_key:%s", r->api_key_name)
                : r->channel;
    for (i = 0; rc == C311_OK && i < n; i++) {
        wos[i].request_id = r->id;
        rc = create_wo(x, &wos[i], actor, now, false, cause);
    }
    return rc;
}

/*
 * Loads and locks work order id for an action by who; refuses when who
 * may not touch it.
 */
static enum c311_rc
load_wo(struct sqlx *x, int64_t id, const struct engine_actor *who,
        struct work_order **wo, char **cause)
{
    enum c311_rc rc = store_wo_get(x, id, true, wo, cause);

    if (rc == C311_ERR_NOT_FOUND) {
        free(*cause);
        *cause = NULL;
        return refuse(cause, rc, "no work order %lld", (long long)id);
    }
    if (rc == C311_OK && !actor_may(who, (*wo)->department))
        return refuse(cause, C311_ERR_DENIED,
                      "work order %lld belongs to department %s", (long long)id,
                      (*wo)->department);
    return rc;
}

/* Loads the request of wo, locked, and bumps its updated instant. */
static enum c311_rc
load_request(struct sqlx *x, int64_t request_id, int64_t now, struct sr **r,
             char **cause)
{
    enum c311_rc rc = store_wo_request_lock(x, NULL, request_id, r, cause);

    if (rc == C311_OK)
        (*r)->updated_at = now;
    return rc;
}

/* Starts work on an open work order. */
enum c311_rc
engine_start(struct sqlx *x, const struct city *c, int64_t id,
             const struct engine_actor *who, int64_t now,
             struct work_order **out, char **cause)
{
    struct work_order *wo;
    enum c311_rc rc;

    (void)c;
    if ((rc = load_wo(x, id, who, &wo, cause)) != C311_OK)
        return rc;
    if (wo->status != WO_OPEN)
        return refuse(cause, C311_ERR_CONFLICT,
                      "work order %lld is %s, not open", (long long)id,
                      wo_status_name(wo->status));
    wo->status = WO_IN_PROGRESS;
    wo->started_at = wo->updated_at = now;
    rc = store_wo_update(x, wo, cause);
    if (rc == C311_OK)
        rc = wo_event(x, wo, who->name, "work_order_started", NULL, NULL, now,
                      cause);
    *out = wo;
    return rc;
}

/* Puts a work order on hold. */
enum c311_rc
engine_hold(struct sqlx *x, const struct city *c, int64_t id,
            const char *reason, const struct engine_actor *who, int64_t now,
            struct work_order **out, char **cause)
{
    struct work_order *wo;
    enum c311_rc rc;

    (void)c;
    if (reason == NULL || *reason == '\0')
        return refuse(cause, C311_ERR_INVALID, "a hold needs a reason");
    if ((rc = load_wo(x, id, who, &wo, cause)) != C311_OK)
        return rc;
    if (wo->status != WO_OPEN && wo->status != WO_IN_PROGRESS)
        return refuse(cause, C311_ERR_CONFLICT,
                      "work order %lld is %s and cannot be held", (long long)id,
                      wo_status_name(wo->status));
    wo->status = WO_ON_HOLD;
    wo->hold_reason = reason;
    wo->held_since = wo->updated_at = now;
    rc = store_wo_update(x, wo, cause);
    if (rc == C311_OK)
        rc = wo_event(x, wo, who->name, "work_order_held", reason, NULL, now,
                      cause);
    *out = wo;
    return rc;
}

/*
 * Moves an instant t of a work order's service level on by held, counted
 * as the level counts (working time of the department's calendar or not).
 */
static int64_t
shift(const struct city *c, const struct work_order *wo, int64_t t,
      int64_t held)
{
    const struct calendar *cal = catalog_department_calendar(c, wo->department);
    struct cal_duration d;
    int64_t out;

    if (t == 0 || held <= 0)
        return t;
    if (wo->sla != NULL && calendar_duration_parse(wo->sla, &d) &&
        calendar_duration_is_business(&d))
        return calendar_add_seconds(cal, t, held, &out) == C311_OK ? out : t;
    return t + held;
}

/* The time spent on hold from since to now, counted as the SLA counts. */
static int64_t
held_time(const struct city *c, const struct work_order *wo, int64_t now)
{
    struct cal_duration d;

    if (wo->sla != NULL && calendar_duration_parse(wo->sla, &d) &&
        calendar_duration_is_business(&d))
        return calendar_business_seconds(
            catalog_department_calendar(c, wo->department), wo->held_since,
            now);
    return now - wo->held_since;
}

/* Ends a hold, moving the due and at-risk instants on. */
enum c311_rc
engine_resume(struct sqlx *x, const struct city *c, int64_t id,
              const struct engine_actor *who, int64_t now,
              struct work_order **out, char **cause)
{
    struct work_order *wo;
    enum c311_rc rc;
    int64_t held;
    json_t *v;

    if ((rc = load_wo(x, id, who, &wo, cause)) != C311_OK)
        return rc;
    if (wo->status != WO_ON_HOLD)
        return refuse(cause, C311_ERR_CONFLICT,
                      "work order %lld is %s, not on hold", (long long)id,
                      wo_status_name(wo->status));
    held = held_time(c, wo, now);
    wo->held_seconds += held;
    wo->due_at = shift(c, wo, wo->due_at, held);
    wo->at_risk_at = shift(c, wo, wo->at_risk_at, held);
    wo->status = wo->started_at != 0 ? WO_IN_PROGRESS : WO_OPEN;
    wo->held_since = 0;
    wo->hold_reason = NULL;
    wo->updated_at = now;
    rc = store_wo_update(x, wo, cause);
    v = json_pack("{s:I, s:I}", "held_seconds", (json_int_t)held, "due_at",
                  (json_int_t)wo->due_at);
    if (rc == C311_OK)
        rc = wo_event(x, wo, who->name, "work_order_resumed", NULL, v, now,
                      cause);
    else
        json_decref(v);
    *out = wo;
    return rc;
}

/* Sets the request's expected instant from its open work orders. */
static enum c311_rc
refresh_request(struct sqlx *x, int64_t request_id, int64_t now, char **cause)
{
    struct sr *r;
    size_t open;
    enum c311_rc rc;

    rc = load_request(x, request_id, now, &r, cause);
    if (rc == C311_OK)
        rc = expected_of(x, r, &open, cause);
    if (rc == C311_OK)
        rc = store_wo_request_update(x, r, cause);
    return rc;
}

/* Moves a work order to another group or member. */
enum c311_rc
engine_reassign(struct sqlx *x, const struct city *c, int64_t id,
                const char *work_group, const char *assignee,
                const struct engine_actor *who, int64_t now,
                struct work_order **out, char **cause)
{
    const struct work_group *g;
    struct work_order *wo;
    enum c311_rc rc;
    json_t *v;

    if ((rc = load_wo(x, id, who, &wo, cause)) != C311_OK)
        return rc;
    if (wo->status == WO_DONE)
        return refuse(cause, C311_ERR_CONFLICT, "work order %lld is done",
                      (long long)id);
    g = catalog_work_group(c, work_group != NULL ? work_group : wo->work_group);
    if (g == NULL)
        return refuse(cause, C311_ERR_INVALID, "unknown work group '%s'",
                      work_group);
    if (!actor_may(who, g->department))
        return refuse(cause, C311_ERR_DENIED,
                      "work group %s belongs to department %s", g->code,
                      g->department);
    v = json_pack("{s:o, s:o}", "from_work_group", jstr(wo->work_group),
                  "from_assignee", jstr(wo->assignee));
    wo->assignee = assignee;
    if (assignee == NULL && work_group != NULL &&
        strcmp(work_group, wo->work_group) != 0 &&
        (rc = pick_member(x, g, &wo->assignee, cause)) != C311_OK) {
        json_decref(v);
        return rc;
    }
    wo->work_group = g->code;
    wo->department = g->department;
    wo->updated_at = now;
    rc = store_wo_update(x, wo, cause);
    json_object_set_new(v, "work_group", jstr(wo->work_group));
    json_object_set_new(v, "assignee", jstr(wo->assignee));
    if (rc == C311_OK)
        rc = wo_event(x, wo, who->name, "work_order_reassigned", NULL, v, now,
                      cause);
    else
        json_decref(v);
    *out = wo;
    return rc;
}

/* Closes the request r with a public note. */
static enum c311_rc
close_request(struct sqlx *x, struct sr *r, const char *note, const char *actor,
              int64_t now, char **cause)
{
    struct wo_event e = {
        r->id, r->jurisdiction_id, now, actor, "closed", true, NULL, NULL};
    enum c311_rc rc;

    r->status = SR_CLOSED;
    r->closed_at = now;
    r->status_notes = note != NULL ? note : "The work was completed.";
    e.note = r->status_notes;
    rc = store_wo_request_update(x, r, cause);
    if (rc == C311_OK)
        rc = store_wo_event(x, &e, cause);
    return rc;
}

/* Lists the outcomes a step allows, for a refusal. */
static const char *
outcome_list(struct sqlx *x, const struct workflow_step *st)
{
    const char *s = "";
    size_t i;

    for (i = 0; i < st->noutcomes; i++)
        s = arena_printf(x->a, "%s%s%s", s, i > 0 ? ", " : "",
                         st->outcomes[i].code);
    return s;
}

/* Starts the follow-up steps next of a completed work order. */
static enum c311_rc
start_followups(struct sqlx *x, const struct city *c, const struct workflow *wf,
                const char **next, size_t n, const struct sr *r,
                const char *actor, int64_t now, char **cause)
{
    struct work_order nw;
    enum c311_rc rc = C311_OK;
    size_t i;

    for (i = 0; rc == C311_OK && i < n; i++) {
        memset(&nw, 0, sizeof(nw));
        rc = plan_wo(x, c, wf->id, catalog_step(wf, next[i]), NULL, r, now, &nw,
                     cause);
        if (rc == C311_OK)
            rc = create_wo(x, &nw, actor, now, true, cause);
    }
    return rc;
}

/* Completes a work order; see engine.h. */
enum c311_rc
engine_complete(struct sqlx *x, const struct city *c, int64_t id,
                const char *outcome, const char *note,
                const struct engine_actor *who, int64_t now,
                struct work_order **out, char **cause)
{
    const struct workflow *wf;
    const struct workflow_step *st = NULL;
    const char **next = NULL;
    const struct i18n *public_note = NULL;
    size_t nnext = 0, open;
    struct work_order *wo;
    struct sr *r;
    enum c311_rc rc;

    if ((rc = load_wo(x, id, who, &wo, cause)) != C311_OK)
        return rc;
    if (wo->status == WO_DONE)
        return refuse(cause, C311_ERR_CONFLICT, "work order %lld is done",
                      (long long)id);
    wf = catalog_workflow(c, wo->workflow);
    st = catalog_step(wf, wo->step);
    if (outcome != NULL && *outcome == '\0')
        outcome = NULL;
    if (st != NULL) {
        rc = workflow_complete(st, outcome, x->a, &next, &nnext, &public_note);
        if (rc == C311_ERR_INVALID && st->noutcomes == 0)
            return refuse(cause, rc, "step %s takes no outcome", st->id);
        if (rc == C311_ERR_INVALID)
            return refuse(cause, rc, "outcome must be one of: %s",
                          outcome_list(x, st));
        if (rc != C311_OK)
            return refuse(cause, rc, "out of memory");
    }
    if (wo->status == WO_ON_HOLD)
        wo->held_seconds += held_time(c, wo, now);
    wo->status = WO_DONE;
    wo->outcome = outcome;
    wo->notes = note;
    wo->held_since = 0;
    wo->completed_at = wo->updated_at = now;
    rc = load_request(x, wo->request_id, now, &r, cause);
    if (rc == C311_OK)
        rc = store_wo_update(x, wo, cause);
    if (rc == C311_OK)
        rc = wo_event(x, wo, who->name, "work_order_completed", note,
                      json_pack("{s:o}", "outcome", jstr(outcome)), now, cause);
    if (rc == C311_OK && wf != NULL)
        rc = start_followups(x, c, wf, next, nnext, r, who->name, now, cause);
    if (rc == C311_OK)
        rc = expected_of(x, r, &open, cause);
    if (rc == C311_OK && open == 0 && r->status == SR_OPEN)
        rc = close_request(x, r, catalog_text(c, public_note, NULL), who->name,
                           now, cause);
    else if (rc == C311_OK)
        rc = store_wo_request_update(x, r, cause);
    *out = wo;
    return rc;
}

/* Adds a task to an open request; see engine.h. */
enum c311_rc
engine_add_task(struct sqlx *x, const struct city *c, const char *public_id,
                const struct engine_task *t, const struct engine_actor *who,
                int64_t now, struct work_order **out, char **cause)
{
    const struct work_group *g = catalog_work_group(c, t->work_group);
    struct work_order *wo;
    struct cal_duration d;
    struct sr *r;
    enum c311_rc rc;

    if (t->name == NULL || *t->name == '\0')
        return refuse(cause, C311_ERR_INVALID, "a task needs a name");
    if (g == NULL)
        return refuse(cause, C311_ERR_INVALID, "unknown work group '%s'",
                      t->work_group != NULL ? t->work_group : "");
    if (t->sla != NULL && !calendar_duration_parse(t->sla, &d))
        return refuse(cause, C311_ERR_INVALID,
                      "bad sla '%s' (use 90m, 4h, 2d, 4bh, 3bd)", t->sla);
    if (!actor_may(who, g->department))
        return refuse(cause, C311_ERR_DENIED,
                      "work group %s belongs to department %s", g->code,
                      g->department);
    rc = store_wo_request_lock(x, public_id, 0, &r, cause);
    if (rc != C311_OK)
        return rc;
    if (r->status != SR_OPEN)
        return refuse(cause, C311_ERR_CONFLICT,
                      "request %s is closed; reopen it first", public_id);
    if ((wo = arena_alloc(x->a, sizeof(*wo))) == NULL)
        return refuse(cause, C311_ERR_NOMEM, "out of memory");
    wo->step = WO_TASK_STEP;
    wo->name = t->name;
    wo->priority = t->priority;
    wo->sla = t->sla;
    wo->assignee = t->assignee;
    rc = plan_wo(x, c, NULL, NULL, g->code, r, now, wo, cause);
    if (rc == C311_OK)
        rc = create_wo(x, wo, who->name, now, true, cause);
    if (rc == C311_OK)
        rc = refresh_request(x, r->id, now, cause);
    wo->public_id = r->public_id;
    wo->service_code = r->service_code;
    *out = wo;
    return rc;
}

/* Reopens a closed request; see engine.h. */
enum c311_rc
engine_reopen(struct sqlx *x, const struct city *c, const char *public_id,
              const char *reason, const char *work_group,
              const struct engine_actor *who, int64_t now,
              struct work_order **out, char **cause)
{
    struct engine_task t = {"Reopened: follow up", work_group, NULL, NULL,
                            PRIO_HIGH};
    struct wo_event e = {0,          NULL, now,    who->name,
                         "reopened", true, reason, NULL};
    struct wo_query q = {0};
    struct work_order *v;
    struct sr *r;
    enum c311_rc rc;
    size_t n;

    if (reason == NULL || *reason == '\0')
        return refuse(cause, C311_ERR_INVALID, "reopening needs a reason");
    rc = store_wo_request_lock(x, public_id, 0, &r, cause);
    if (rc != C311_OK)
        return rc;
    if (r->status != SR_CLOSED)
        return refuse(cause, C311_ERR_CONFLICT, "request %s is open",
                      public_id);
    q.request_id = r->id;
    rc = store_wo_list(x, &q, &v, &n, cause);
    if (rc != C311_OK)
        return rc;
    if (t.work_group == NULL && n > 0)
        t.work_group = v[n - 1].work_group;
    r->status = SR_OPEN;
    r->closed_at = 0;
    r->status_notes = arena_printf(x->a, "Reopened: %s", reason);
    r->updated_at = now;
    e.request_id = r->id;
    e.jurisdiction_id = r->jurisdiction_id;
    rc = store_wo_request_update(x, r, cause);
    if (rc == C311_OK)
        rc = store_wo_event(x, &e, cause);
    if (rc == C311_OK)
        rc = engine_add_task(x, c, public_id, &t, who, now, out, cause);
    return rc;
}

/* ---- the sweep ---- */

/* The people an escalation level tells, as a NULL-ended arena list. */
static const char **
recipients(struct sqlx *x, const struct city *c, const struct department *d,
           const struct work_order *wo, const struct escalation_level *lv)
{
    const struct work_group *g = catalog_work_group(c, wo->work_group);
    const char **v = arena_alloc(x->a, (d->nsupervisors + 2) * sizeof(*v));
    size_t n = 0, i;

    if (v == NULL)
        return NULL;
    if (lv->notify == ESC_NOTIFY_LEAD && g != NULL && g->lead != NULL)
        v[n++] = g->lead;
    if (lv->notify == ESC_NOTIFY_SUPERVISOR) {
        for (i = 0; i < d->nsupervisors; i++)
            v[n++] = d->supervisors[i];
    }
    if (lv->notify == ESC_NOTIFY_HEAD && d->head != NULL)
        v[n++] = d->head;
    v[n] = NULL;
    return v;
}

/* True when level lv applies to wo at now. */
static bool
level_due(const struct city *c, const struct work_order *wo,
          const struct escalation_level *lv, enum sla_state state, int64_t now)
{
    int64_t from;

    if (lv->when == ESC_AT_RISK)
        return true;
    if (state != SLA_BREACHED)
        return false;
    if (!lv->has_after)
        return true;
    return calendar_add(catalog_department_calendar(c, wo->department),
                        wo->due_at, &lv->after, &from) == C311_OK &&
           now >= from;
}

static const char *const notify_names[] = {"lead", "supervisor", "head"};

/* Applies escalation level i of department d to wo, once. */
static enum c311_rc
escalate(struct sqlx *x, const struct city *c, const struct department *d,
         size_t i, struct work_order *wo, int64_t now, bool *applied,
         char **cause)
{
    const struct escalation_level *lv = &d->escalation[i];
    const char **to = recipients(x, c, d, wo, lv), *subject;
    json_t *list = json_array(), *v;
    enum c311_rc rc;
    size_t k;

    if (to == NULL || list == NULL) {
        json_decref(list);
        return refuse(cause, C311_ERR_NOMEM, "out of memory");
    }
    for (k = 0; to[k] != NULL; k++)
        json_array_append_new(list, json_string(to[k]));
    v = json_pack("{s:i, s:s, s:s, s:O}", "level", (int)i, "when",
                  lv->when == ESC_AT_RISK ? "at_risk" : "breached", "notify",
                  notify_names[lv->notify], "notified", list);
    rc = store_wo_claim_escalation(x, wo->id, (int)i, now,
                                   json_text(x, json_incref(list)), applied,
                                   cause);
    json_decref(list);
    if (rc != C311_OK || !*applied) {
        json_decref(v);
        return rc;
    }
    subject = arena_printf(x->a, "Work order %lld (%s) of request %s is %s",
                           (long long)wo->id, wo->name ? wo->name : wo->step,
                           wo->public_id,
                           lv->when == ESC_AT_RISK ? "at risk" : "breached");
    /* TODO: nothing delivers the outbox yet; people hear of escalations
     * only by reading it or the request's history. */
    for (k = 0; rc == C311_OK && to[k] != NULL; k++)
        rc = store_wo_outbox(x, now, to[k], subject, NULL, wo->request_id,
                             wo->id, cause);
    if (lv->priority > wo->priority)
        wo->priority = lv->priority;
    json_object_set_new(v, "priority",
                        json_string(priority_name(wo->priority)));
    if (rc == C311_OK)
        rc = wo_event(x, wo, "system", "escalated", subject, v, now, cause);
    else
        json_decref(v);
    return rc;
}

/* Marks and escalates one work order of a sweep. */
static enum c311_rc
sweep_one(struct sqlx *x, const struct city *c, struct work_order *wo,
          int64_t now, struct engine_sweep_stats *stats, char **cause)
{
    const struct department *d = catalog_department(c, wo->department);
    enum sla_state state = now >= wo->due_at ? SLA_BREACHED : SLA_AT_RISK;
    bool changed = false, applied;
    int priority = wo->priority;
    enum c311_rc rc = C311_OK;
    size_t i;

    stats->examined++;
    if (state > wo->sla_state) {
        wo->sla_state = state;
        changed = true;
        if (state == SLA_BREACHED)
            stats->breached++;
        else
            stats->at_risk++;
        rc = wo_event(x, wo, "system",
                      state == SLA_BREACHED ? "sla_breached" : "sla_at_risk",
                      NULL, NULL, now, cause);
    }
    for (i = 0; rc == C311_OK && d != NULL && i < d->nescalation; i++) {
        if (!level_due(c, wo, &d->escalation[i], state, now))
            continue;
        rc = escalate(x, c, d, i, wo, now, &applied, cause);
        stats->escalated += applied;
    }
    if (rc == C311_OK && (changed || priority != wo->priority)) {
        wo->updated_at = now;
        rc = store_wo_update(x, wo, cause);
    }
    return rc;
}

/* One batch of a sweep, in its own transaction. */
struct sweep_arg {
    const struct city *c;
    int64_t now;
    int64_t after_id;
    size_t n;
    struct engine_sweep_stats stats;
};

/* Sweeps the next batch of work orders after arg->after_id. */
static enum c311_rc
sweep_batch(struct sqlx *x, void *arg, char **cause)
{
    struct sweep_arg *s = arg;
    struct work_order *v;
    enum c311_rc rc;
    size_t i;

    memset(&s->stats, 0, sizeof(s->stats));
    rc = store_wo_sweep_batch(x, s->now, s->after_id, ENGINE_SWEEP_BATCH, &v,
                              &s->n, cause);
    for (i = 0; rc == C311_OK && i < s->n; i++)
        rc = sweep_one(x, s->c, &v[i], s->now, &s->stats, cause);
    if (rc == C311_OK && s->n > 0)
        s->after_id = v[s->n - 1].id;
    return rc;
}

/* Sweeps every work order in batches; see engine.h. */
enum c311_rc
engine_sweep(struct store *st, const struct city *c, int64_t now,
             struct engine_sweep_stats *stats, char **cause)
{
    struct sweep_arg s = {c, now, 0, 0, {0, 0, 0, 0}};
    struct arena a = ARENA_INIT;
    int64_t before;
    enum c311_rc rc;

    memset(stats, 0, sizeof(*stats));
    do {
        before = s.after_id;
        rc = sqlx_run(st, true, sweep_batch, &s, &a, cause);
        arena_free(&a);
        if (rc != C311_OK)
            return rc;
        stats->examined += s.stats.examined;
        stats->at_risk += s.stats.at_risk;
        stats->breached += s.stats.breached;
        stats->escalated += s.stats.escalated;
    } while (s.n == ENGINE_SWEEP_BATCH && s.after_id != before);
    return C311_OK;
}
