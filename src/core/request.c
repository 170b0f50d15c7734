/* SPDX-License-Identifier: MIT */
/* Names of the public request statuses, as GeoReport v2 spells them. */
#include <string.h>

#include "core/request.h"

/* Returns "open" or "closed". */
const char *
sr_status_name(enum sr_status s)
{
    return s == SR_CLOSED ? "closed" : "open";
}

/* Parses "open" or "closed"; false for anything else. */
bool
sr_status_parse(const char *name, enum sr_status *out)
{
    if (name == NULL)
        return false;
    if (strcmp(name, "open") == 0) {
        *out = SR_OPEN;
        return true;
    }
    if (strcmp(name, "closed") == 0) {
        *out = SR_CLOSED;
        return true;
    }
    return false;
}
