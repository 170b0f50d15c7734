/* SPDX-License-Identifier: MIT */
/*
 * The one status type that every fallible function in civic311 returns.
 * Detail meant for a person travels separately, in an allocated `cause`
 * string or an error list; the code only says what kind of failure it was.
 */
#ifndef CIVIC311_STATUS_H
#define CIVIC311_STATUS_H

enum c311_rc {
    C311_OK = 0,
    C311_ERR_NOMEM,       /* an allocation failed */
    C311_ERR_INVALID,     /* the input broke a rule; the cause says which */
    C311_ERR_NOT_FOUND,   /* no such record */
    C311_ERR_CONFLICT,    /* the record exists already */
    C311_ERR_DENIED,      /* the caller may not do this */
    C311_ERR_TOO_LARGE,   /* the input is over a size limit */
    C311_ERR_IO,          /* a file or socket operation failed */
    C311_ERR_DB,          /* the database failed */
    C311_ERR_UNAVAILABLE, /* a dependency is down; try again later */
    C311_ERR_INTERNAL     /* a state that should be impossible */
};

/* Returns a short constant name for rc, for logs and messages. */
const char *c311_rc_str(enum c311_rc rc);

#endif
