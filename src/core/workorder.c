/* SPDX-License-Identifier: MIT */
/* Names of work order statuses and service level states. */
#include <string.h>

#include "core/workorder.h"

static const char *const status_names[] = {
    [WO_OPEN] = "open",
    [WO_IN_PROGRESS] = "in_progress",
    [WO_ON_HOLD] = "on_hold",
    [WO_DONE] = "done",
};

static const char *const sla_names[] = {
    [SLA_ON_TRACK] = "on_track",
    [SLA_AT_RISK] = "at_risk",
    [SLA_BREACHED] = "breached",
};

/* Returns "open", "in_progress", "on_hold" or "done". */
const char *
wo_status_name(enum wo_status s)
{
    return status_names[s];
}

/* Parses a status name; false for anything else. */
bool
wo_status_parse(const char *name, enum wo_status *out)
{
    int i;

    for (i = WO_OPEN; name != NULL && i <= WO_DONE; i++) {
        if (strcmp(name, status_names[i]) == 0) {
            *out = (enum wo_status)i;
            return true;
        }
    }
    return false;
}

/* Returns "on_track", "at_risk" or "breached". */
const char *
sla_state_name(enum sla_state s)
{
    return sla_names[s];
}

/* Parses a service level state name; false for anything else. */
bool
sla_state_parse(const char *name, enum sla_state *out)
{
    int i;

    for (i = SLA_ON_TRACK; name != NULL && i <= SLA_BREACHED; i++) {
        if (strcmp(name, sla_names[i]) == 0) {
            *out = (enum sla_state)i;
            return true;
        }
    }
    return false;
}
