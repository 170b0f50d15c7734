/* SPDX-License-Identifier: MIT */
/*
 * A caller as the contact centre knows them: names, phones in E.164,
 * emails, a home address and a preferred language, so that the next call
 * from the same number brings up their earlier requests. Plain data and
 * the rules for phones and emails; the store keeps contacts, the API
 * checks what agents type.
 */
#ifndef CIVIC311_CONTACT_H
#define CIVIC311_CONTACT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"

/* Room for an E.164 number: '+', up to 15 digits, NUL. */
#define CONTACT_PHONE_SIZE 17
#define CONTACT_EMAIL_MAX  254
#define CONTACT_POINTS_MAX 8 /* phones, and emails, per contact */

/*
 * A phone or email that staff intake would give a caller while another
 * caller (not merged away) has it already: kind is "phone" or "email",
 * value as stored, other the other caller's id.
 */
struct contact_clash {
    const char *kind;
    const char *value;
    int64_t other;
};

struct contact {
    int64_t id; /* 0 before it is stored */
    const char *first_name;
    const char *last_name;
    const char *address;
    const char *language;
    const char **phones; /* E.164, "+12125550123" */
    size_t nphones;
    const char **emails; /* lowercase */
    size_t nemails;
    int64_t merged_into; /* the contact this one was merged into, or 0 */
    int64_t created_at;
    int64_t updated_at;
};

/*
 * Writes phone number in as E.164 to out. Spaces, dots, dashes, slashes
 * and parentheses are ignored; "+" and 8 to 15 digits is kept as it is; 10
 * digits whose first is 2-9 are a US number (+1 added), as are 11 digits
 * starting with 1. Anything else (letters, extensions, too few or too
 * many digits) is refused: returns false.
 */
bool contact_phone_e164(const char *in, char out[CONTACT_PHONE_SIZE]);

/*
 * Checks an email address (one '@', a local part, a domain with a dot, no
 * spaces or control characters, at most 254 bytes) and returns its
 * lowercase form in a, or NULL when it is not one.
 */
const char *contact_email_norm(const char *in, struct arena *a);

/*
 * Why a phone number or email address is refused, to follow the name of
 * the field that held it ("phone cannot be read as ..."). Every API that
 * takes contact details says the same.
 */
#define CONTACT_PHONE_REFUSED                                                  \
    "cannot be read as a phone number (10 US digits, or + and 8 to 15 "        \
    "digits)"
#define CONTACT_EMAIL_REFUSED "is not an email address"

#endif
