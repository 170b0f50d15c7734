/* SPDX-License-Identifier: MIT */
/* Callers as contacts, on store/sqlx.h. */
#include "store/backend.h"

enum c311_rc
store__request_filed(struct sqlx *x, const struct sr *req, int64_t id,
                     char **cause)
{
    (void)x;
    (void)req;
    (void)id;
    (void)cause;
    return C311_OK;
}
