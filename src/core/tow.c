/* SPDX-License-Identifier: MIT */
/* The life of a towed vehicle record: names, plates and transitions. */
#include <ctype.h>
#include <string.h>

#include "core/tow.h"

static const char *const status_names[] = {
    [TOW_TOWED] = "towed",       [TOW_NOTICE_SENT] = "notice_sent",
    [TOW_HELD] = "held",         [TOW_RELEASED] = "released",
    [TOW_DISPOSED] = "disposed",
};

static const char *const reason_names[] = {
    [TOW_ABANDONED] = "abandoned",
    [TOW_VIOLATION] = "violation",
};

/* Returns the status's name. */
const char *
tow_status_name(enum tow_status s)
{
    return status_names[s];
}

/* Parses a status name; false for anything else. */
bool
tow_status_parse(const char *name, enum tow_status *out)
{
    int i;

    for (i = TOW_TOWED; name != NULL && i <= TOW_DISPOSED; i++) {
        if (strcmp(name, status_names[i]) == 0) {
            *out = (enum tow_status)i;
            return true;
        }
    }
    return false;
}

/* Returns "abandoned" or "violation". */
const char *
tow_reason_name(enum tow_reason r)
{
    return reason_names[r];
}

/* Parses a reason name; false for anything else. */
bool
tow_reason_parse(const char *name, enum tow_reason *out)
{
    if (name != NULL && strcmp(name, "abandoned") == 0) {
        *out = TOW_ABANDONED;
        return true;
    }
    if (name != NULL && strcmp(name, "violation") == 0) {
        *out = TOW_VIOLATION;
        return true;
    }
    return false;
}

/* Normalises a plate; see tow.h. */
bool
tow_plate_normalize(const char *plate, char *out, size_t size)
{
    size_t n = 0;

    for (; plate != NULL && *plate != '\0'; plate++) {
        if (*plate == ' ' || *plate == '-' || *plate == '.')
            continue;
        if (!isalnum((unsigned char)*plate) || n + 1 >= size)
            return false;
        out[n++] = (char)toupper((unsigned char)*plate);
    }
    out[n] = '\0';
    return n > 0;
}

/* Checks and applies one move; see tow.h. */
enum c311_rc
tow_transition(struct tow_record *r, enum tow_status to, int64_t now,
               const char **why)
{
    *why = NULL;
    switch (to) {
    case TOW_NOTICE_SENT:
        if (r->status != TOW_TOWED)
            *why = "the notice can be sent only for a vehicle just towed";
        else
            r->notice_sent_at = now;
        break;
    case TOW_HELD:
        if (r->status != TOW_NOTICE_SENT)
            *why = "a vehicle is held once its owner's notice is sent";
        break;
    case TOW_RELEASED:
        if (r->status == TOW_RELEASED || r->status == TOW_DISPOSED)
            *why = "the vehicle has left the pound";
        else if (!r->ownership_checked || !r->payment_checked)
            *why = "release needs ownership and payment checked first";
        else
            r->released_at = now;
        break;
    case TOW_DISPOSED:
        if (r->status != TOW_HELD)
            *why = "only a held vehicle may be disposed of";
        else if (now < r->disposal_from)
            *why = "the legal holding period is not over";
        else
            r->disposed_at = now;
        break;
    case TOW_TOWED:
        *why = "a record starts as towed and cannot go back";
        break;
    }
    if (*why != NULL)
        return C311_ERR_CONFLICT;
    r->status = to;
    r->updated_at = now;
    return C311_OK;
}
