/* SPDX-License-Identifier: MIT */
/*
 * A work order: one piece of work on a service request, from a step of the
 * service's workflow or added by staff as a task, with whom it is assigned
 * to, its service level and where it stands. Plain data shared by the
 * engine, the store and the staff API.
 */
#ifndef CIVIC311_WORKORDER_H
#define CIVIC311_WORKORDER_H

#include <stdbool.h>
#include <stdint.h>

enum wo_status { WO_OPEN, WO_IN_PROGRESS, WO_ON_HOLD, WO_DONE };

/* How a work order stands against its service level (docs/SLA.md). */
enum sla_state { SLA_ON_TRACK, SLA_AT_RISK, SLA_BREACHED };

/* The step name of a work order that staff added by hand. */
#define WO_TASK_STEP "TASK"

struct work_order {
    int64_t id;
    int64_t request_id;
    const char *public_id;    /* the request's, when loaded with it */
    const char *service_code; /* the request's, when loaded with it */
    /* Where the work is and what the resident said: the request's. */
    const char *address;
    bool has_location;
    double lat, lon;
    const char *description;
    const char *workflow; /* NULL for a task */
    const char *step;     /* step id, or WO_TASK_STEP */
    const char *name;
    const char *department;
    const char *work_group;
    const char *assignee; /* login, or NULL */
    enum wo_status status;
    int priority;    /* enum priority */
    const char *sla; /* as configured ("3bd"), or NULL */
    int64_t created_at, updated_at;
    int64_t due_at, at_risk_at; /* 0 without a service level */
    int64_t started_at, completed_at;
    const char *outcome;
    const char *notes;
    const char *hold_reason;
    int64_t held_since;   /* 0 unless on hold */
    int64_t held_seconds; /* time on hold so far, counted as the SLA is */
    enum sla_state sla_state;
};

const char *wo_status_name(enum wo_status s);
bool wo_status_parse(const char *name, enum wo_status *out);
const char *sla_state_name(enum sla_state s);
bool sla_state_parse(const char *name, enum sla_state *out);

#endif
