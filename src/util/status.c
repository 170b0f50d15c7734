/* SPDX-License-Identifier: MIT */
/* Names for the project status codes. */
#include "util/status.h"

const char *
c311_rc_str(enum c311_rc rc)
{
    switch (rc) {
    case C311_OK:
        return "ok";
    case C311_ERR_NOMEM:
        return "out of memory";
    case C311_ERR_INVALID:
        return "invalid input";
    case C311_ERR_NOT_FOUND:
        return "not found";
    case C311_ERR_CONFLICT:
        return "conflict";
    case C311_ERR_DENIED:
        return "denied";
    case C311_ERR_TOO_LARGE:
        return "too large";
    case C311_ERR_IO:
        return "i/o error";
    case C311_ERR_DB:
        return "database error";
    case C311_ERR_UNAVAILABLE:
        return "unavailable";
    case C311_ERR_INTERNAL:
        return "internal error";
    }
    return "unknown status";
}
