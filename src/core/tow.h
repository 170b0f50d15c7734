/* SPDX-License-Identifier: MIT */
/*
 * A towed vehicle from the tow until it leaves the pound: towed, the
 * owner's notice sent, held, then released to its owner or disposed of.
 * The rules of each move are here, as plain functions over the record.
 */
#ifndef CIVIC311_TOW_H
#define CIVIC311_TOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/status.h"

enum tow_status {
    TOW_TOWED,
    TOW_NOTICE_SENT,
    TOW_HELD,
    TOW_RELEASED,
    TOW_DISPOSED
};

enum tow_reason { TOW_ABANDONED, TOW_VIOLATION };

/* Longest plate kept, after normalising. */
#define TOW_PLATE_MAX 16

struct tow_record {
    int64_t id;
    int64_t request_id;    /* 0 when the tow came from no request */
    int64_t work_order_id; /* 0 when none */
    const char *plate;     /* normalised: upper case, no spaces or dashes */
    const char *plate_state;
    const char *make, *model, *colour;
    int64_t towed_at;
    const char *towed_from;
    const char *pound; /* code of a pound of the city */
    enum tow_reason reason;
    enum tow_status status;
    int64_t notice_due_at;  /* the owner's notice is due by then */
    int64_t notice_sent_at; /* 0 until sent */
    int64_t disposal_from;  /* end of the legal holding period */
    bool ownership_checked, payment_checked;
    int64_t released_at, disposed_at;
    const char *owner_name, *owner_address; /* private */
    int64_t created_at, updated_at;
};

const char *tow_status_name(enum tow_status s);
bool tow_status_parse(const char *name, enum tow_status *out);
const char *tow_reason_name(enum tow_reason r);
bool tow_reason_parse(const char *name, enum tow_reason *out);

/*
 * Writes plate in upper case without spaces, dashes or dots into out
 * (size bytes); false when nothing is left, a character is not a letter
 * or digit, or it does not fit.
 */
bool tow_plate_normalize(const char *plate, char *out, size_t size);

/*
 * Moves r to status to at now when the rules allow it: towed, then
 * notice_sent, then held; released from any of those once ownership and
 * payment are checked; disposed only when held, its notice sent, and the
 * holding period over. Otherwise returns C311_ERR_CONFLICT with *why set
 * to a sentence for the client, and leaves r as it was.
 */
enum c311_rc tow_transition(struct tow_record *r, enum tow_status to,
                            int64_t now, const char **why);

#endif
