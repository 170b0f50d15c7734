/* SPDX-License-Identifier: MIT */
/*
 * Filing a service request: what the platform fills in, then the request
 * and the first work orders of its workflow in one transaction.
 */
#include <stdlib.h>

#include "api/filing.h"
#include "engine/engine.h"
#include "store/sqlx.h"
#include "util/secret.h"

/* What file_work() stores. */
struct filing_arg {
    const struct app *app;
    const struct service *svc;
    struct sr *r;
    int64_t now;
};

/* Stores the request and starts its work, inside the transaction. */
static enum c311_rc
file_work(struct sqlx *x, void *arg, char **cause)
{
    struct filing_arg *f = arg;

    return engine_file(x, f->app->city, f->svc, f->r, f->now, cause);
}

/* Fills what the platform, not the client, decides about r. */
static void
filing_fill(const struct app *app, const struct service *svc, struct sr *r,
            int64_t now)
{
    const struct city *city = app->city;
    const struct department *dept = catalog_department(city, svc->department);

    r->jurisdiction_id = city->jurisdiction_id;
    r->service_code = svc->code;
    r->service_name =
        i18n_get(&svc->name, city->default_lang, city->default_lang);
    r->status = SR_OPEN;
    r->agency_responsible =
        dept != NULL ? catalog_text(city, &dept->name, NULL) : NULL;
    if (r->requested_at == 0)
        r->requested_at = now;
    r->updated_at = now;
}

/* Files r; see filing.h. */
enum c311_rc
filing_submit(const struct app *app, const struct service *svc, struct sr *r,
              int64_t now, struct arena *a, char **cause)
{
    struct filing_arg f = {app, svc, r, now};
    enum c311_rc rc = C311_ERR_INTERNAL;
    char *token;
    int attempt;

    filing_fill(app, svc, r, now);
    /* A token that collides with an earlier one is drawn again. */
    for (attempt = 0; attempt < 3; attempt++) {
        if (svc->type == SERVICE_BATCH) {
            token = arena_alloc(a, SECRET_TOKEN_SIZE(FILING_TOKEN_BYTES));
            if (token == NULL)
                return C311_ERR_NOMEM;
            secret_token(token, FILING_TOKEN_BYTES);
            r->token = token;
        }
        free(*cause);
        *cause = NULL;
        rc = sqlx_run(app->st, true, file_work, &f, a, cause);
        if (rc != C311_ERR_CONFLICT || svc->type != SERVICE_BATCH)
            break;
    }
    return rc;
}
