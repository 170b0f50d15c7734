/* SPDX-License-Identifier: MIT */
/*
 * The front of the storage layer: chooses a back end from the DSN given to
 * store_open() and forwards each store_* call to it through the table in
 * store/backend.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/backend.h"
#include "store/kb_store.h"
#include "store/store.h"

struct store {
    const struct store_ops *ops;
    void *impl;
};

/* Formats a cause for the caller and returns rc. */
enum c311_rc
store__fail(char **cause, enum c311_rc rc, const char *fmt, ...)
{
    va_list ap;

    if (cause == NULL)
        return rc;
    va_start(ap, fmt);
    if (vasprintf(cause, fmt, ap) < 0)
        *cause = NULL;
    va_end(ap);
    return rc;
}

/* Hands out the back end behind st. */
void
store__impl(struct store *st, const struct store_ops **ops, void **impl)
{
    *ops = st->ops;
    *impl = st->impl;
}

/* Returns true when s starts with prefix. */
static bool
has_prefix(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Picks the back end named by the DSN and opens it. */
enum c311_rc
store_open(const char *dsn, const struct store_options *opt, struct store **out,
           char **cause)
{
    static const struct store_options defaults = {0, true, false};
    const struct store_ops *ops;
    const char *target;
    struct store *st;
    enum c311_rc rc;
    int64_t n;

    *out = NULL;
    if (opt == NULL)
        opt = &defaults;
    if (dsn == NULL || *dsn == '\0')
        return store__fail(cause, C311_ERR_INVALID, "empty database name");

    /* libpq reads the whole URI, scheme included. */
    if (has_prefix(dsn, "postgresql://") || has_prefix(dsn, "postgres://")) {
        ops = &store__pg_ops;
        target = dsn;
    } else {
        ops = &store__sqlite_ops;
        target = has_prefix(dsn, "sqlite:") ? dsn + strlen("sqlite:") : dsn;
        if (*target == '\0')
            return store__fail(cause, C311_ERR_INVALID,
                               "no file name after 'sqlite:'");
    }

    st = calloc(1, sizeof(*st));
    if (st == NULL)
        return store__fail(cause, C311_ERR_NOMEM, "out of memory");
    st->ops = ops;
    rc = ops->open(target, opt, &st->impl, cause);
    if (rc != C311_OK) {
        free(st);
        return rc;
    }
    /* A migration may have changed how the knowledge base is indexed. */
    rc = kb_store_reindex_pending(st, &n, cause);
    if (rc != C311_OK) {
        store_close(st);
        return rc;
    }
    *out = st;
    return C311_OK;
}

/* Closes the back end and frees the handle; NULL is allowed. */
void
store_close(struct store *st)
{
    if (st == NULL)
        return;
    st->ops->close(st->impl);
    free(st);
}

/* Forwards to the back end. */
int
store_schema_version(struct store *st)
{
    return st->ops->schema_version(st->impl);
}

/* The SQLite migration list is the reference numbering. */
int
store_schema_latest(void)
{
    return store__sqlite_schema_latest();
}

/* Forwards to the back end. */
enum c311_rc
store_request_insert(struct store *st, struct sr *req, struct arena *a,
                     char **cause)
{
    return st->ops->request_insert(st->impl, req, a, cause);
}

/* Forwards to the back end. */
enum c311_rc
store_request_get(struct store *st, const char *public_id, struct arena *a,
                  struct sr **out, char **cause)
{
    return st->ops->request_get(st->impl, public_id, a, out, cause);
}

/* Forwards to the back end. */
enum c311_rc
store_request_by_token(struct store *st, const char *token, struct arena *a,
                       struct sr **out, char **cause)
{
    return st->ops->request_by_token(st->impl, token, a, out, cause);
}

/* Forwards to the back end. */
enum c311_rc
store_request_query(struct store *st, const struct sr_query *q, struct arena *a,
                    struct sr **out, size_t *n, char **cause)
{
    return st->ops->request_query(st->impl, q, a, out, n, cause);
}

/* Forwards to the back end. */
enum c311_rc
store_apikey_add(struct store *st, const char *name, const char *prefix,
                 const char *hash_hex, int64_t now, char **cause)
{
    return st->ops->apikey_add(st->impl, name, prefix, hash_hex, now, cause);
}

/* Forwards to the back end. */
enum c311_rc
store_apikey_find(struct store *st, const char *hash_hex, struct arena *a,
                  struct api_key *out, char **cause)
{
    return st->ops->apikey_find(st->impl, hash_hex, a, out, cause);
}

/* Forwards to the back end. */
enum c311_rc
store_apikey_list(struct store *st, struct arena *a, struct api_key **out,
                  size_t *n, char **cause)
{
    return st->ops->apikey_list(st->impl, a, out, n, cause);
}

/* Forwards to the back end. */
enum c311_rc
store_apikey_revoke(struct store *st, const char *name, int64_t now,
                    char **cause)
{
    return st->ops->apikey_revoke(st->impl, name, now, cause);
}

/* ---- copying whole stores ---- */

#define COLS(v) v, sizeof(v) / sizeof(v[0])

static const struct store__column api_key_cols[] = {
    {"id", STORE__INT},         {"name", STORE__TEXT},
    {"prefix", STORE__TEXT},    {"hash", STORE__TEXT},
    {"created_at", STORE__INT}, {"revoked_at", STORE__INT},
    {"rate_limit", STORE__INT},
};

static const struct store__column staff_user_cols[] = {
    {"id", STORE__INT},         {"login", STORE__TEXT},
    {"name", STORE__TEXT},      {"password_hash", STORE__TEXT},
    {"roles", STORE__TEXT},     {"departments", STORE__TEXT},
    {"disabled", STORE__INT},   {"created_at", STORE__INT},
    {"updated_at", STORE__INT},
};

static const struct store__column staff_session_cols[] = {
    {"id", STORE__INT},         {"token_hash", STORE__TEXT},
    {"user_id", STORE__INT},    {"created_at", STORE__INT},
    {"expires_at", STORE__INT}, {"ended_at", STORE__INT},
};

static const struct store__column contact_cols[] = {
    {"id", STORE__INT},         {"first_name", STORE__TEXT},
    {"last_name", STORE__TEXT}, {"address", STORE__TEXT},
    {"language", STORE__TEXT},  {"merged_into", STORE__INT},
    {"created_at", STORE__INT}, {"updated_at", STORE__INT},
};

static const struct store__column contact_point_cols[] = {
    {"contact_id", STORE__INT},
    {"seq", STORE__INT},
    {"kind", STORE__TEXT},
    {"value", STORE__TEXT},
};

static const struct store__column audit_cols[] = {
    {"id", STORE__INT},           {"at", STORE__INT},
    {"actor", STORE__TEXT},       {"kind", STORE__TEXT},
    {"subject", STORE__TEXT},     {"subject_id", STORE__TEXT},
    {"before_json", STORE__JSON}, {"after_json", STORE__JSON},
};

static const struct store__column request_cols[] = {
    {"id", STORE__INT},
    {"public_id", STORE__TEXT},
    {"jurisdiction_id", STORE__TEXT},
    {"service_code", STORE__TEXT},
    {"service_name", STORE__TEXT},
    {"status", STORE__TEXT},
    {"status_notes", STORE__TEXT},
    {"description", STORE__TEXT},
    {"agency_responsible", STORE__TEXT},
    {"service_notice", STORE__TEXT},
    {"requested_at", STORE__INT},
    {"updated_at", STORE__INT},
    {"expected_at", STORE__INT},
    {"closed_at", STORE__INT},
    {"lat", STORE__REAL},
    {"lon", STORE__REAL},
    {"address", STORE__TEXT},
    {"address_id", STORE__TEXT},
    {"zipcode", STORE__TEXT},
    {"media_url", STORE__TEXT},
    {"channel", STORE__TEXT},
    {"language", STORE__TEXT},
    {"api_key_name", STORE__TEXT},
    {"email", STORE__TEXT},
    {"phone", STORE__TEXT},
    {"first_name", STORE__TEXT},
    {"last_name", STORE__TEXT},
    {"device_id", STORE__TEXT},
    {"account_id", STORE__TEXT},
    {"token", STORE__TEXT},
    {"contact_id", STORE__INT},
    {"interpreter_used", STORE__INT},
    {"escalated_at", STORE__INT},
    {"escalation_reason", STORE__TEXT},
    {"expert_id", STORE__INT},
    {"taken_at", STORE__INT},
};

static const struct store__column request_attr_cols[] = {
    {"request_id", STORE__INT},
    {"seq", STORE__INT},
    {"code", STORE__TEXT},
    {"value", STORE__TEXT},
};

static const struct store__column event_cols[] = {
    {"id", STORE__INT},
    {"request_id", STORE__INT},
    {"jurisdiction_id", STORE__TEXT},
    {"at", STORE__INT},
    {"actor", STORE__TEXT},
    {"kind", STORE__TEXT},
    {"public", STORE__INT},
    {"note", STORE__TEXT},
    {"before_json", STORE__JSON},
    {"after_json", STORE__JSON},
};

static const struct store__column request_import_cols[] = {
    {"request_id", STORE__INT},  {"format", STORE__TEXT},
    {"digest", STORE__TEXT},     {"department", STORE__TEXT},
    {"imported_at", STORE__INT}, {"changed_at", STORE__INT},
    {"attrs", STORE__TEXT},      {"line", STORE__INT},
};

static const struct store__column imported_service_cols[] = {
    {"id", STORE__INT},          {"code", STORE__TEXT},
    {"name", STORE__TEXT},       {"format", STORE__TEXT},
    {"department", STORE__TEXT}, {"created_at", STORE__INT},
};

/* Migration 2: the work engine. */
static const struct store__column work_order_cols[] = {
    {"id", STORE__INT},           {"request_id", STORE__INT},
    {"workflow", STORE__TEXT},    {"step", STORE__TEXT},
    {"name", STORE__TEXT},        {"department", STORE__TEXT},
    {"work_group", STORE__TEXT},  {"assignee", STORE__TEXT},
    {"status", STORE__TEXT},      {"priority", STORE__INT},
    {"sla", STORE__TEXT},         {"created_at", STORE__INT},
    {"updated_at", STORE__INT},   {"due_at", STORE__INT},
    {"at_risk_at", STORE__INT},   {"started_at", STORE__INT},
    {"completed_at", STORE__INT}, {"outcome", STORE__TEXT},
    {"notes", STORE__TEXT},       {"hold_reason", STORE__TEXT},
    {"held_since", STORE__INT},   {"held_seconds", STORE__INT},
    {"sla_state", STORE__TEXT},
};

static const struct store__column work_group_turn_cols[] = {
    {"work_group", STORE__TEXT},
    {"turns", STORE__INT},
};

static const struct store__column sla_escalation_cols[] = {
    {"work_order_id", STORE__INT},
    {"level", STORE__INT},
    {"at", STORE__INT},
    {"notified", STORE__TEXT},
};

static const struct store__column outbox_cols[] = {
    {"id", STORE__INT},
    {"created_at", STORE__INT},
    {"recipient", STORE__TEXT},
    {"subject", STORE__TEXT},
    {"body", STORE__TEXT},
    {"request_id", STORE__INT},
    {"work_order_id", STORE__INT},
    {"sent_at", STORE__INT},
};

static const struct store__column tow_record_cols[] = {
    {"id", STORE__INT},
    {"request_id", STORE__INT},
    {"work_order_id", STORE__INT},
    {"plate", STORE__TEXT},
    {"plate_state", STORE__TEXT},
    {"make", STORE__TEXT},
    {"model", STORE__TEXT},
    {"colour", STORE__TEXT},
    {"towed_at", STORE__INT},
    {"towed_from", STORE__TEXT},
    {"pound", STORE__TEXT},
    {"reason", STORE__TEXT},
    {"status", STORE__TEXT},
    {"notice_due_at", STORE__INT},
    {"notice_sent_at", STORE__INT},
    {"disposal_from", STORE__INT},
    {"ownership_checked", STORE__INT},
    {"payment_checked", STORE__INT},
    {"released_at", STORE__INT},
    {"disposed_at", STORE__INT},
    {"owner_name", STORE__TEXT},
    {"owner_address", STORE__TEXT},
    {"created_at", STORE__INT},
    {"updated_at", STORE__INT},
};

/* Migration 5: calls; legs and digest from migration 10. */
static const struct store__column call_cols[] = {
    {"id", STORE__INT},          {"callid", STORE__TEXT},
    {"caller", STORE__TEXT},     {"queue", STORE__TEXT},
    {"agent", STORE__TEXT},      {"entered_at", STORE__INT},
    {"answered_at", STORE__INT}, {"ended_at", STORE__INT},
    {"outcome", STORE__TEXT},    {"wait_s", STORE__INT},
    {"talk_s", STORE__INT},      {"events", STORE__TEXT},
    {"legs", STORE__TEXT},       {"digest", STORE__TEXT},
};

static const struct store__column call_agent_span_cols[] = {
    {"id", STORE__INT},    {"agent", STORE__TEXT},     {"queue", STORE__TEXT},
    {"kind", STORE__TEXT}, {"started_at", STORE__INT}, {"ended_at", STORE__INT},
};

static const struct store__column queue_log_source_cols[] = {
    {"path", STORE__TEXT},
    {"inode", STORE__TEXT},
    {"position", STORE__INT},
    {"updated_at", STORE__INT},
};

/*
 * Migration 6: the knowledge base. The search index (kb_fts and kb_gram
 * on SQLite, the search and heads columns on PostgreSQL) is built
 * differently on each database, so it is not copied: the copy rebuilds
 * it with kb_store_reindex().
 */
static const struct store__column kb_article_cols[] = {
    {"id", STORE__INT},          {"group_id", STORE__INT},
    {"group_key", STORE__TEXT},  {"lang", STORE__TEXT},
    {"status", STORE__TEXT},     {"category", STORE__TEXT},
    {"department", STORE__TEXT}, {"review_by", STORE__TEXT},
    {"version", STORE__INT},     {"created_at", STORE__INT},
    {"updated_at", STORE__INT},  {"published_at", STORE__INT},
    {"updated_by", STORE__TEXT}, {"title", STORE__TEXT},
    {"tags", STORE__TEXT},       {"body", STORE__TEXT},
};

static const struct store__column kb_article_service_cols[] = {
    {"article_id", STORE__INT},
    {"service_code", STORE__TEXT},
};

static const struct store__column kb_version_cols[] = {
    {"article_id", STORE__INT}, {"version", STORE__INT},
    {"at", STORE__INT},         {"actor", STORE__TEXT},
    {"action", STORE__TEXT},    {"restored_from", STORE__INT},
    {"changed", STORE__TEXT},   {"status", STORE__TEXT},
    {"content", STORE__JSON},
};

static const struct store__column kb_use_cols[] = {
    {"id", STORE__INT},       {"article_id", STORE__INT},
    {"at", STORE__INT},       {"actor", STORE__TEXT},
    {"channel", STORE__TEXT}, {"without_request", STORE__INT},
};

static const struct store__column kb_search_cols[] = {
    {"id", STORE__INT},     {"at", STORE__INT},      {"actor", STORE__TEXT},
    {"public", STORE__INT}, {"query", STORE__TEXT},  {"norm", STORE__TEXT},
    {"lang", STORE__TEXT},  {"results", STORE__INT},
};

/*
 * Every column of the schema, in the order of its CREATE TABLE and the
 * ALTER TABLEs after it. Failed sign-ins (login_failure) are not copied:
 * they only slow down guessing for 15 minutes. Nor is the knowledge base
 * search index (kb_fts, kb_gram, kb_article.search and heads): it differs
 * between the databases and is rebuilt from the copied articles.
 */
static const struct store__table tables[STORE_NTABLES] = {
    [STORE_API_KEY] = {"api_key", COLS(api_key_cols), 1, true},
    [STORE_STAFF_USER] = {"staff_user", COLS(staff_user_cols), 1, true},
    [STORE_STAFF_SESSION] = {"staff_session", COLS(staff_session_cols), 1,
                             true},
    [STORE_CONTACT] = {"contact", COLS(contact_cols), 1, true},
    [STORE_CONTACT_POINT] = {"contact_point", COLS(contact_point_cols), 2,
                             false},
    [STORE_REQUEST] = {"request", COLS(request_cols), 1, true},
    [STORE_REQUEST_ATTR] = {"request_attr", COLS(request_attr_cols), 2, false},
    [STORE_EVENT] = {"event", COLS(event_cols), 1, true},
    [STORE_REQUEST_IMPORT] = {"request_import", COLS(request_import_cols), 1,
                              false},
    [STORE_IMPORTED_SERVICE] = {"imported_service", COLS(imported_service_cols),
                                1, true},
    [STORE_AUDIT] = {"audit", COLS(audit_cols), 1, true},
    [STORE_WORK_ORDER] = {"work_order", COLS(work_order_cols), 1, true},
    [STORE_WORK_GROUP_TURN] = {"work_group_turn", COLS(work_group_turn_cols), 0,
                               false, 1},
    [STORE_SLA_ESCALATION] = {"sla_escalation", COLS(sla_escalation_cols), 2,
                              false},
    [STORE_OUTBOX] = {"outbox", COLS(outbox_cols), 1, true},
    [STORE_TOW_RECORD] = {"tow_record", COLS(tow_record_cols), 1, true},
    [STORE_CALL] = {"call", COLS(call_cols), 1, true},
    [STORE_CALL_AGENT_SPAN] = {"call_agent_span", COLS(call_agent_span_cols), 1,
                               true},
    [STORE_QUEUE_LOG_SOURCE] = {"queue_log_source", COLS(queue_log_source_cols),
                                0, false, 1},
    [STORE_KB_ARTICLE] = {"kb_article", COLS(kb_article_cols), 1, true},
    [STORE_KB_ARTICLE_SERVICE] = {"kb_article_service",
                                  COLS(kb_article_service_cols), 0, false, 2},
    [STORE_KB_VERSION] = {"kb_version", COLS(kb_version_cols), 2, false},
    [STORE_KB_USE] = {"kb_use", COLS(kb_use_cols), 1, true},
    [STORE_KB_SEARCH] = {"kb_search", COLS(kb_search_cols), 1, true},
};

/* The table's name in the schema. */
const char *
store_table_name(enum store_table t)
{
    return tables[t].name;
}

/* The number of columns of one exported row of t. */
size_t
store_table_width(enum store_table t)
{
    return tables[t].ncols;
}

/* Forwards to the back end and moves the cursor past the rows read. */
enum c311_rc
store_export(struct store *st, enum store_table t, struct store_cursor *cur,
             size_t limit, struct arena *a, const char ***cells, size_t *n,
             char **cause)
{
    const struct store__table *tab = &tables[t];
    const char *const *last;
    enum c311_rc rc;
    size_t k;

    *cells = NULL;
    *n = 0;
    if (limit == 0 || limit > INT32_MAX)
        return store__fail(cause, C311_ERR_INVALID,
                           "export limit must be positive");
    if (tab->nkey == 0) {
        /* Keyed by text: a page at an offset, in the order of the key. */
        int64_t at[2] = {cur->key[0] < 0 ? 0 : cur->key[0], 0};

        rc = st->ops->export_rows(st->impl, tab, at, limit, a, cells, n, cause);
        if (rc == C311_OK)
            cur->key[0] = at[0] + (int64_t)*n;
        return rc;
    }
    rc = st->ops->export_rows(st->impl, tab, cur->key, limit, a, cells, n,
                              cause);
    if (rc != C311_OK || *n == 0)
        return rc;
    last = *cells + (*n - 1) * tab->ncols;
    for (k = 0; k < tab->nkey; k++) {
        if (last[k] == NULL)
            return store__fail(cause, C311_ERR_INTERNAL, "%s row without a key",
                               tab->name);
        cur->key[k] = strtoll(last[k], NULL, 10);
    }
    return C311_OK;
}

/* Forwards to the back end. */
enum c311_rc
store_import(struct store *st, enum store_table t, const char *const *cells,
             size_t n, char **cause)
{
    if (n == 0)
        return C311_OK;
    return st->ops->import_rows(st->impl, &tables[t], cells, n, cause);
}

/* Forwards to the back end. */
enum c311_rc
store_count(struct store *st, enum store_table t, int64_t *n, char **cause)
{
    *n = 0;
    return st->ops->count_rows(st->impl, &tables[t], n, cause);
}
