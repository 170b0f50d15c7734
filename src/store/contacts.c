/* SPDX-License-Identifier: MIT */
/*
 * Callers as contacts, on store/sqlx.h: the same SQL on every back end.
 * Phones and emails are rows of contact_point, numbered per contact.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "store/audit.h"
#include "store/backend.h"
#include "store/contacts.h"

#define CONTACT_COLUMNS                                                        \
    "id, first_name, last_name, address, language, merged_into,"               \
    " created_at, updated_at"

/* How far a chain of merges is followed before giving up. */
#define CONTACT_MERGE_DEPTH 16

/* Fills c from row i of a result selecting CONTACT_COLUMNS. */
static void
contacts_read(const struct sqlx_rows *r, size_t i, struct contact *c)
{
    memset(c, 0, sizeof(*c));
    c->id = sqlx_int(r, i, 0);
    c->first_name = sqlx_cell(r, i, 1);
    c->last_name = sqlx_cell(r, i, 2);
    c->address = sqlx_cell(r, i, 3);
    c->language = sqlx_cell(r, i, 4);
    c->merged_into = sqlx_int(r, i, 5);
    c->created_at = sqlx_int(r, i, 6);
    c->updated_at = sqlx_int(r, i, 7);
}

/* Loads the phones and emails of c, in the order they were added. */
static enum c311_rc
contacts_read_points(struct sqlx *x, struct contact *c, char **cause)
{
    const struct sqlx_val p[] = {SQLX_I(c->id)};
    struct sqlx_rows r;
    enum c311_rc rc;
    const char *kind;
    size_t i;

    rc = sqlx_exec(x,
                   "SELECT kind, value FROM contact_point"
                   " WHERE contact_id = $1 ORDER BY seq",
                   p, 1, &r, cause);
    if (rc != C311_OK)
        return rc;
    c->phones = arena_alloc(x->a, (r.nrows + 1) * sizeof(*c->phones));
    c->emails = arena_alloc(x->a, (r.nrows + 1) * sizeof(*c->emails));
    if (c->phones == NULL || c->emails == NULL)
        return store__fail(cause, C311_ERR_NOMEM, "out of memory");
    for (i = 0; i < r.nrows; i++) {
        kind = sqlx_cell(&r, i, 0);
        if (kind != NULL && strcmp(kind, "phone") == 0)
            c->phones[c->nphones++] = sqlx_cell(&r, i, 1);
        else
            c->emails[c->nemails++] = sqlx_cell(&r, i, 1);
    }
    return C311_OK;
}

/* Loads contact id and its points; C311_ERR_NOT_FOUND when absent. */
static enum c311_rc
contacts_load(struct sqlx *x, int64_t id, struct contact *c, char **cause)
{
    const struct sqlx_val p[] = {SQLX_I(id)};
    struct sqlx_rows r;
    enum c311_rc rc;

    rc = sqlx_exec(x, "SELECT " CONTACT_COLUMNS " FROM contact WHERE id = $1",
                   p, 1, &r, cause);
    if (rc != C311_OK)
        return rc;
    if (r.nrows == 0)
        return store__fail(cause, C311_ERR_NOT_FOUND, "no contact %lld",
                           (long long)id);
    contacts_read(&r, 0, c);
    return contacts_read_points(x, c, cause);
}

/* A JSON array of n strings, or NULL. */
static json_t *
contacts_strings(const char *const *v, size_t n)
{
    json_t *list = json_array();
    size_t i;

    for (i = 0; list != NULL && i < n; i++) {
        if (json_array_append_new(list, json_string(v[i])) < 0) {
            json_decref(list);
            return NULL;
        }
    }
    return list;
}

/* The contact as the audit trail records it, as JSON text in a. */
static const char *
contacts_json(const struct contact *c, struct arena *a)
{
    json_t *o = json_pack(
        "{s:I, s:s?, s:s?, s:o, s:o, s:s?, s:s?, s:o}", "id", (json_int_t)c->id,
        "first_name", c->first_name, "last_name", c->last_name, "phones",
        contacts_strings(c->phones, c->nphones), "emails",
        contacts_strings(c->emails, c->nemails), "address", c->address,
        "language", c->language, "merged_into",
        c->merged_into != 0 ? json_integer(c->merged_into) : json_null());
    char *text = o != NULL ? json_dumps(o, JSON_COMPACT) : NULL;
    const char *s = arena_strdup(a, text);

    free(text);
    json_decref(o);
    return s;
}

/* Appends an audit entry about contact id with before and after. */
static enum c311_rc
contacts_audit(struct sqlx *x, int64_t at, const char *actor, const char *kind,
               const struct contact *before, const struct contact *after,
               char **cause)
{
    const char *bj = NULL, *aj = NULL, *sid;

    sid = arena_printf(x->a, "%lld",
                       (long long)(after != NULL ? after->id : before->id));
    if (before != NULL)
        bj = contacts_json(before, x->a);
    if (after != NULL)
        aj = contacts_json(after, x->a);
    if (sid == NULL || (before != NULL && bj == NULL) ||
        (after != NULL && aj == NULL))
        return store__fail(cause, C311_ERR_NOMEM, "out of memory");
    return audit_append(x, at, actor, kind, "contact", sid, bj, aj, cause);
}

/* Adds one phone or email to contact id as number seq. */
static enum c311_rc
contacts_add_point(struct sqlx *x, int64_t id, int64_t seq, const char *kind,
                   const char *value, char **cause)
{
    const struct sqlx_val p[] = {SQLX_I(id), SQLX_I(seq), SQLX_T(kind),
                                 SQLX_T(value)};

    return sqlx_exec(x,
                     "INSERT INTO contact_point (contact_id, seq, kind, value)"
                     " VALUES ($1, $2, $3, $4)",
                     p, 4, NULL, cause);
}

/* True when v is among the n strings of list. */
static bool
contacts_has(const char *const *list, size_t n, const char *v)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (strcmp(list[i], v) == 0)
            return true;
    }
    return false;
}

/* What contacts_add_points() does with a point another contact has. */
enum contacts_clash_mode {
    CLASH_IGNORE, /* add it all the same: no other contact can have it */
    CLASH_SKIP,   /* leave it out */
    CLASH_REFUSE, /* refuse with C311_ERR_CONFLICT, filling *clash */
};

/* *other is a contact but c (not merged away) that has the point, or 0. */
static enum c311_rc
contacts_owner(struct sqlx *x, int64_t c, const char *kind, const char *value,
               int64_t *other, char **cause)
{
    const struct sqlx_val p[] = {SQLX_T(kind), SQLX_T(value), SQLX_I(c)};

    *other = 0;
    return sqlx_scalar(x,
                       "SELECT min(c.id) FROM contact_point p"
                       " JOIN contact c ON c.id = p.contact_id"
                       " WHERE p.kind = $1 AND p.value = $2"
                       " AND c.merged_into IS NULL AND c.id <> $3",
                       p, 3, other, cause);
}

/*
 * Adds one point of kind to c unless c has it; mode says what to do when
 * another contact has it, as a phone or email must find one caller.
 */
static enum c311_rc
contacts_add_one(struct sqlx *x, struct contact *c, const char *kind,
                 const char *value, enum contacts_clash_mode mode,
                 struct contact_clash *clash, size_t *added, char **cause)
{
    bool phone = strcmp(kind, "phone") == 0;
    const char **list = phone ? c->phones : c->emails;
    size_t *n = phone ? &c->nphones : &c->nemails;
    int64_t other = 0;
    enum c311_rc rc;

    if (contacts_has(list, *n, value))
        return C311_OK;
    if (mode != CLASH_IGNORE) {
        rc = contacts_owner(x, c->id, kind, value, &other, cause);
        if (rc != C311_OK)
            return rc;
    }
    if (other != 0 && mode == CLASH_SKIP)
        return C311_OK;
    if (other != 0) {
        if (clash != NULL) {
            clash->kind = kind;
            clash->value = value;
            clash->other = other;
        }
        return store__fail(cause, C311_ERR_CONFLICT,
                           "%s %s belongs to contact %lld", kind, value,
                           (long long)other);
    }
    rc = contacts_add_point(x, c->id, (int64_t)(c->nphones + c->nemails), kind,
                            value, cause);
    list[(*n)++] = value;
    (*added)++;
    return rc;
}

/*
 * Adds to c (loaded) the phones and emails of more it lacks, updating c;
 * *added says how many. mode and clash: see contacts_add_one().
 */
static enum c311_rc
contacts_add_points(struct sqlx *x, struct contact *c,
                    const struct contact *more, enum contacts_clash_mode mode,
                    struct contact_clash *clash, size_t *added, char **cause)
{
    enum c311_rc rc = C311_OK;
    size_t i;

    *added = 0;
    for (i = 0; rc == C311_OK && i < more->nphones; i++)
        rc = contacts_add_one(x, c, "phone", more->phones[i], mode, clash,
                              added, cause);
    for (i = 0; rc == C311_OK && i < more->nemails; i++)
        rc = contacts_add_one(x, c, "email", more->emails[i], mode, clash,
                              added, cause);
    return rc;
}

/* Marks contact c (loaded) as changed at now. */
static enum c311_rc
contacts_touch(struct sqlx *x, struct contact *c, int64_t now, char **cause)
{
    const struct sqlx_val p[] = {SQLX_I(c->id), SQLX_I(now)};

    c->updated_at = now;
    return sqlx_exec(x, "UPDATE contact SET updated_at = $2 WHERE id = $1", p,
                     2, NULL, cause);
}

/*
 * The contact (not merged away) with a phone, else an email, of want;
 * *id is 0 when none matches.
 */
static enum c311_rc
contacts_match(struct sqlx *x, const struct contact *want, int64_t *id,
               char **cause)
{
    static const char sql[] =
        "SELECT min(c.id) FROM contact_point p"
        " JOIN contact c ON c.id = p.contact_id"
        " WHERE p.kind = $1 AND p.value = $2 AND c.merged_into IS NULL";
    enum c311_rc rc = C311_OK;
    size_t i;

    *id = 0;
    for (i = 0; rc == C311_OK && *id == 0 && i < want->nphones; i++) {
        const struct sqlx_val p[] = {SQLX_T("phone"), SQLX_T(want->phones[i])};

        rc = sqlx_scalar(x, sql, p, 2, id, cause);
    }
    for (i = 0; rc == C311_OK && *id == 0 && i < want->nemails; i++) {
        const struct sqlx_val p[] = {SQLX_T("email"), SQLX_T(want->emails[i])};

        rc = sqlx_scalar(x, sql, p, 2, id, cause);
    }
    return rc;
}

/* Stores c as a new contact with its points; sets c->id. */
static enum c311_rc
contacts_insert(struct sqlx *x, struct contact *c, int64_t now,
                const char *actor, char **cause)
{
    const struct sqlx_val p[] = {
        SQLX_T(c->first_name), SQLX_T(c->last_name), SQLX_T(c->address),
        SQLX_T(c->language),   SQLX_I(now),
    };
    struct contact empty = {0};
    struct sqlx_rows r;
    enum c311_rc rc;
    size_t added;

    rc = sqlx_exec(x,
                   "INSERT INTO contact (first_name, last_name, address,"
                   " language, created_at, updated_at)"
                   " VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
                   p, 5, &r, cause);
    if (rc != C311_OK)
        return rc;
    empty.id = sqlx_int(&r, 0, 0);
    empty.phones = arena_alloc(x->a, (c->nphones + 1) * sizeof(char *));
    empty.emails = arena_alloc(x->a, (c->nemails + 1) * sizeof(char *));
    if (empty.phones == NULL || empty.emails == NULL)
        return store__fail(cause, C311_ERR_NOMEM, "out of memory");
    rc = contacts_add_points(x, &empty, c, CLASH_IGNORE, NULL, &added, cause);
    if (rc != C311_OK)
        return rc;
    c->id = empty.id;
    c->created_at = c->updated_at = now;
    return contacts_audit(x, now, actor, "contact.created", NULL, c, cause);
}

/*
 * Follows merged_into from id to the contact that holds the history now;
 * C311_ERR_NOT_FOUND when id is unknown.
 */
static enum c311_rc
contacts_follow(struct sqlx *x, int64_t id, int64_t *out, char **cause)
{
    struct sqlx_rows r;
    enum c311_rc rc;
    int depth;

    for (depth = 0; depth < CONTACT_MERGE_DEPTH; depth++) {
        const struct sqlx_val p[] = {SQLX_I(id)};

        rc = sqlx_exec(x, "SELECT merged_into FROM contact WHERE id = $1", p, 1,
                       &r, cause);
        if (rc != C311_OK)
            return rc;
        if (r.nrows == 0)
            return store__fail(cause, C311_ERR_NOT_FOUND, "no contact %lld",
                               (long long)id);
        if (sqlx_cell(&r, 0, 0) == NULL) {
            *out = id;
            return C311_OK;
        }
        id = sqlx_int(&r, 0, 0);
    }
    return store__fail(cause, C311_ERR_INTERNAL, "merge chain too long");
}

/*
 * The contact details a request brings when no caller was given: its
 * private fields, with the phone in E.164 when it can be, and the email
 * when it is one. *any is false when there is nothing to go by.
 */
static bool
contacts_from_request(const struct sr *req, struct arena *a, struct contact *c)
{
    char phone[CONTACT_PHONE_SIZE];
    const char *email;

    memset(c, 0, sizeof(*c));
    c->first_name = req->first_name;
    c->last_name = req->last_name;
    c->language = req->language;
    c->phones = arena_alloc(a, sizeof(*c->phones));
    c->emails = arena_alloc(a, sizeof(*c->emails));
    if (c->phones == NULL || c->emails == NULL)
        return false;
    if (req->phone != NULL && contact_phone_e164(req->phone, phone) &&
        (c->phones[0] = arena_strdup(a, phone)) != NULL)
        c->nphones = 1;
    email = req->email != NULL ? contact_email_norm(req->email, a) : NULL;
    if (email != NULL) {
        c->emails[0] = email;
        c->nemails = 1;
    }
    return true;
}

/* True when c says anything by which a caller could be known. */
static bool
contacts_any(const struct contact *c)
{
    return c->nphones > 0 || c->nemails > 0 ||
           (c->first_name != NULL && *c->first_name != '\0') ||
           (c->last_name != NULL && *c->last_name != '\0');
}

/* True when a and b are both absent or the same text. */
static bool
contacts_same(const char *a, const char *b)
{
    return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/*
 * Gives c's phone and email lists room (in a) for those of want to be
 * added; false when out of memory.
 */
static bool
contacts_make_room(struct arena *a, struct contact *c,
                   const struct contact *want)
{
    const char **phones =
        arena_alloc(a, (c->nphones + want->nphones + 1) * sizeof(char *));
    const char **emails =
        arena_alloc(a, (c->nemails + want->nemails + 1) * sizeof(char *));

    if (phones == NULL || emails == NULL)
        return false;
    memcpy(phones, c->phones, c->nphones * sizeof(char *));
    memcpy(emails, c->emails, c->nemails * sizeof(char *));
    c->phones = phones;
    c->emails = emails;
    return true;
}

/*
 * Saves on contact id (loaded here) what an agent typed for it: the names,
 * address and language in want replace the contact's where want has them,
 * and its phones and emails are added. Nothing is cleared: an absent or
 * empty member keeps what the contact had. A phone or email another
 * caller has is refused (C311_ERR_CONFLICT, *clash filled), or a search
 * by it would find the wrong caller. Any change moves updated_at.
 * TODO: a known caller's name, address, phone or email cannot be removed
 * (only replaced or added to); a wrong one stays on the record.
 */
static enum c311_rc
contacts_update(struct sqlx *x, int64_t id, const struct contact *want,
                int64_t now, const char *actor, struct contact_clash *clash,
                char **cause)
{
    struct contact before, have;
    enum c311_rc rc;
    size_t added;
    bool changed;

    if (!contacts_any(want) && (want->address == NULL || !*want->address) &&
        (want->language == NULL || !*want->language))
        return C311_OK;
    rc = contacts_load(x, id, &have, cause);
    if (rc != C311_OK)
        return rc;
    before = have;
    if (!contacts_make_room(x->a, &have, want))
        return store__fail(cause, C311_ERR_NOMEM, "out of memory");
    if (want->first_name != NULL && *want->first_name)
        have.first_name = want->first_name;
    if (want->last_name != NULL && *want->last_name)
        have.last_name = want->last_name;
    if (want->address != NULL && *want->address)
        have.address = want->address;
    if (want->language != NULL && *want->language)
        have.language = want->language;
    changed = !contacts_same(have.first_name, before.first_name) ||
              !contacts_same(have.last_name, before.last_name) ||
              !contacts_same(have.address, before.address) ||
              !contacts_same(have.language, before.language);
    if (changed) {
        const struct sqlx_val p[] = {
            SQLX_I(id),
            SQLX_T(have.first_name),
            SQLX_T(have.last_name),
            SQLX_T(have.address),
            SQLX_T(have.language),
            SQLX_I(now),
        };

        rc = sqlx_exec(x,
                       "UPDATE contact SET first_name = $2, last_name = $3,"
                       " address = $4, language = $5, updated_at = $6"
                       " WHERE id = $1",
                       p, 6, NULL, cause);
        if (rc != C311_OK)
            return rc;
        have.updated_at = now;
    }
    rc =
        contacts_add_points(x, &have, want, CLASH_REFUSE, clash, &added, cause);
    if (rc != C311_OK || (!changed && added == 0))
        return rc;
    if (!changed && (rc = contacts_touch(x, &have, now, cause)) != C311_OK)
        return rc;
    return contacts_audit(x, now, actor, "contact.updated", &before, &have,
                          cause);
}

/*
 * Finds or makes the contact of a new request: *id is 0 when the request
 * says nothing about its caller.
 */
static enum c311_rc
contacts_resolve(struct sqlx *x, const struct sr *req, const char *actor,
                 int64_t *id, char **cause)
{
    struct contact want, have;
    enum c311_rc rc;
    size_t added;

    *id = 0;
    if (req->caller != NULL && req->caller->id != 0) {
        rc = contacts_follow(x, req->caller->id, id, cause);
        if (rc != C311_OK)
            return rc;
        return contacts_update(x, *id, req->caller, req->requested_at, actor,
                               req->caller_clash, cause);
    }
    if (req->caller != NULL)
        want = *req->caller;
    else if (!contacts_from_request(req, x->a, &want))
        return store__fail(cause, C311_ERR_NOMEM, "out of memory");
    if (!contacts_any(&want))
        return C311_OK;
    rc = contacts_match(x, &want, id, cause);
    if (rc != C311_OK)
        return rc;
    if (*id == 0) {
        rc = contacts_insert(x, &want, req->requested_at, actor, cause);
        *id = want.id;
        return rc;
    }
    /* A known caller with a new phone or email: remember it too. */
    rc = contacts_load(x, *id, &have, cause);
    if (rc != C311_OK)
        return rc;
    {
        struct contact before = have;

        if (!contacts_make_room(x->a, &have, &want))
            return store__fail(cause, C311_ERR_NOMEM, "out of memory");
        /*
         * Staff typed these details: a phone or email of another caller is
         * refused. A resident's own fields (Open311) leave it out instead,
         * as the filing should not fail for it.
         */
        rc = contacts_add_points(
            x, &have, &want, req->caller != NULL ? CLASH_REFUSE : CLASH_SKIP,
            req->caller_clash, &added, cause);
        if (rc != C311_OK || added == 0)
            return rc;
        rc = contacts_touch(x, &have, req->requested_at, cause);
        if (rc != C311_OK)
            return rc;
        return contacts_audit(x, req->requested_at, actor, "contact.updated",
                              &before, &have, cause);
    }
}

/*
 * An agent who names the language a known caller spoke makes it the
 * caller's preferred one, so the next call's screen-pop offers it.
 */
static enum c311_rc
contacts_note_language(struct sqlx *x, const struct sr *req, int64_t id,
                       const char *actor, char **cause)
{
    struct contact before, after;
    enum c311_rc rc;

    if (id == 0 || req->actor == NULL || !req->language_stated ||
        req->language == NULL)
        return C311_OK;
    rc = contacts_load(x, id, &before, cause);
    if (rc != C311_OK || (before.language != NULL &&
                          strcmp(before.language, req->language) == 0))
        return rc;
    after = before;
    after.language = req->language;
    after.updated_at = req->requested_at;
    {
        const struct sqlx_val p[] = {SQLX_I(id), SQLX_T(req->language),
                                     SQLX_I(req->requested_at)};

        rc = sqlx_exec(x,
                       "UPDATE contact SET language = $2, updated_at = $3"
                       " WHERE id = $1",
                       p, 3, NULL, cause);
    }
    if (rc != C311_OK)
        return rc;
    return contacts_audit(x, req->requested_at, actor, "contact.updated",
                          &before, &after, cause);
}

enum c311_rc
store__request_filed(struct sqlx *x, const struct sr *req, int64_t id,
                     char **cause)
{
    const char *actor = req->actor;
    int64_t contact = 0;
    enum c311_rc rc;
    const char *after;

    if (actor == NULL)
        actor = req->api_key_name != NULL
                    ? arena_printf(x->a, "api_key:%s", req->api_key_name)
                    : req->channel;
    rc = contacts_resolve(x, req, actor, &contact, cause);
    if (rc == C311_OK)
        rc = contacts_note_language(x, req, contact, actor, cause);
    if (rc != C311_OK)
        return rc;
    {
        const struct sqlx_val p[] = {SQLX_I(id), SQLX_TIME(contact),
                                     SQLX_I(req->interpreter_used)};

        rc = sqlx_exec(x,
                       "UPDATE request SET contact_id = $2,"
                       " interpreter_used = $3 WHERE id = $1",
                       p, 3, NULL, cause);
    }
    if (rc != C311_OK || req->actor == NULL)
        return rc;
    /* Staff intake: who took it, and how. */
    after = NULL;
    {
        json_t *o = json_pack(
            "{s:s?, s:s?, s:b, s:o}", "channel", req->channel, "language",
            req->language, "interpreter_used", req->interpreter_used,
            "caller_id", contact != 0 ? json_integer(contact) : json_null());
        char *text = o != NULL ? json_dumps(o, JSON_COMPACT) : NULL;

        after = arena_strdup(x->a, text);
        free(text);
        json_decref(o);
    }
    if (after == NULL)
        return store__fail(cause, C311_ERR_NOMEM, "out of memory");
    return audit_request_event(x, id, req->requested_at, req->actor, "intake",
                               false, NULL, NULL, after, cause);
}

/* What the read calls below want. */
struct contacts_arg {
    int64_t id;
    const char *phone;
    struct contact *out;
    struct contacts_request **list;
    size_t *n;
};

/* Loads one contact by id. */
static enum c311_rc
contacts_get_work(struct sqlx *x, void *arg, char **cause)
{
    struct contacts_arg *w = arg;

    return contacts_load(x, w->id, w->out, cause);
}

enum c311_rc
contacts_get(struct store *st, int64_t id, struct arena *a, struct contact *out,
             char **cause)
{
    struct contacts_arg w = {id, NULL, out, NULL, NULL};

    memset(out, 0, sizeof(*out));
    return sqlx_run(st, false, contacts_get_work, &w, a, cause);
}

/* Finds the contact with a phone and loads it. */
static enum c311_rc
contacts_phone_work(struct sqlx *x, void *arg, char **cause)
{
    struct contacts_arg *w = arg;
    struct contact want = {0};
    const char *phones[1] = {w->phone};
    enum c311_rc rc;
    int64_t id;

    want.phones = phones;
    want.nphones = 1;
    rc = contacts_match(x, &want, &id, cause);
    if (rc != C311_OK)
        return rc;
    if (id == 0)
        return store__fail(cause, C311_ERR_NOT_FOUND, "no contact has %s",
                           w->phone);
    return contacts_load(x, id, w->out, cause);
}

enum c311_rc
contacts_by_phone(struct store *st, const char *phone, struct arena *a,
                  struct contact *out, char **cause)
{
    struct contacts_arg w = {0, phone, out, NULL, NULL};

    memset(out, 0, sizeof(*out));
    return sqlx_run(st, false, contacts_phone_work, &w, a, cause);
}

/* Reads the requests of one contact, newest first. */
static enum c311_rc
contacts_requests_work(struct sqlx *x, void *arg, char **cause)
{
    struct contacts_arg *w = arg;
    const struct sqlx_val p[] = {SQLX_I(w->id)};
    struct contacts_request *v;
    struct sqlx_rows r;
    enum c311_rc rc;
    const char *status;
    size_t i;

    rc = sqlx_exec(x,
                   "SELECT public_id, service_code, service_name, status,"
                   " description, address, channel, requested_at, updated_at"
                   " FROM request WHERE contact_id = $1"
                   " ORDER BY requested_at DESC, id DESC",
                   p, 1, &r, cause);
    if (rc != C311_OK || r.nrows == 0)
        return rc;
    v = arena_alloc(x->a, r.nrows * sizeof(*v));
    if (v == NULL)
        return store__fail(cause, C311_ERR_NOMEM, "out of memory");
    for (i = 0; i < r.nrows; i++) {
        v[i].public_id = sqlx_cell(&r, i, 0);
        v[i].service_code = sqlx_cell(&r, i, 1);
        v[i].service_name = sqlx_cell(&r, i, 2);
        status = sqlx_cell(&r, i, 3);
        v[i].status = status != NULL && strcmp(status, "closed") == 0
                          ? SR_CLOSED
                          : SR_OPEN;
        v[i].description = sqlx_cell(&r, i, 4);
        v[i].address = sqlx_cell(&r, i, 5);
        v[i].channel = sqlx_cell(&r, i, 6);
        v[i].requested_at = sqlx_int(&r, i, 7);
        v[i].updated_at = sqlx_int(&r, i, 8);
    }
    *w->list = v;
    *w->n = r.nrows;
    return C311_OK;
}

enum c311_rc
contacts_requests(struct store *st, int64_t id, struct arena *a,
                  struct contacts_request **out, size_t *n, char **cause)
{
    struct contacts_arg w = {id, NULL, NULL, out, n};

    *out = NULL;
    *n = 0;
    return sqlx_run(st, false, contacts_requests_work, &w, a, cause);
}

/* What contacts_merge_work() changes. */
struct contacts_merge_arg {
    int64_t keep, other;
    const char *actor;
    int64_t now;
};

/* Records in each moved request's history that its caller changed. */
static enum c311_rc
contacts_move_requests(struct sqlx *x, const struct contacts_merge_arg *w,
                       char **cause)
{
    const struct sqlx_val p[] = {SQLX_I(w->other), SQLX_I(w->keep),
                                 SQLX_I(w->now)};
    const char *bj, *aj;
    struct sqlx_rows r;
    enum c311_rc rc;
    size_t i;

    rc = sqlx_exec(x, "SELECT id FROM request WHERE contact_id = $1", p, 1, &r,
                   cause);
    if (rc != C311_OK)
        return rc;
    bj = arena_printf(x->a, "{\"caller_id\":%lld}", (long long)w->other);
    aj = arena_printf(x->a, "{\"caller_id\":%lld}", (long long)w->keep);
    if (bj == NULL || aj == NULL)
        return store__fail(cause, C311_ERR_NOMEM, "out of memory");
    for (i = 0; rc == C311_OK && i < r.nrows; i++)
        rc = audit_request_event(x, sqlx_int(&r, i, 0), w->now, w->actor,
                                 "caller_merged", false, NULL, bj, aj, cause);
    if (rc == C311_OK)
        rc = sqlx_exec(x,
                       "UPDATE request SET contact_id = $2"
                       " WHERE contact_id = $1",
                       p, 2, NULL, cause);
    return rc;
}

/* Moves requests and points from other to keep and marks other merged. */
static enum c311_rc
contacts_merge_work(struct sqlx *x, void *arg, char **cause)
{
    struct contacts_merge_arg *w = arg;
    struct contact keep, other, keep0, other0;
    const char **phones, **emails;
    enum c311_rc rc;
    size_t added;

    rc = contacts_load(x, w->keep, &keep, cause);
    if (rc == C311_OK)
        rc = contacts_load(x, w->other, &other, cause);
    if (rc != C311_OK)
        return rc;
    if (keep.merged_into != 0 || other.merged_into != 0)
        return store__fail(
            cause, C311_ERR_CONFLICT, "contact %lld was merged away already",
            (long long)(keep.merged_into != 0 ? keep.id : other.id));
    keep0 = keep;
    other0 = other;
    phones =
        arena_alloc(x->a, (keep.nphones + other.nphones + 1) * sizeof(char *));
    emails =
        arena_alloc(x->a, (keep.nemails + other.nemails + 1) * sizeof(char *));
    if (phones == NULL || emails == NULL)
        return store__fail(cause, C311_ERR_NOMEM, "out of memory");
    memcpy(phones, keep.phones, keep.nphones * sizeof(char *));
    memcpy(emails, keep.emails, keep.nemails * sizeof(char *));
    keep.phones = phones;
    keep.emails = emails;
    rc = contacts_add_points(x, &keep, &other, CLASH_IGNORE, NULL, &added,
                             cause);
    if (rc == C311_OK)
        rc = contacts_move_requests(x, w, cause);
    if (rc != C311_OK)
        return rc;
    {
        const struct sqlx_val p[] = {SQLX_I(w->other), SQLX_I(w->keep),
                                     SQLX_I(w->now)};

        rc = sqlx_exec(x,
                       "UPDATE contact SET merged_into = $2, updated_at = $3"
                       " WHERE id = $1",
                       p, 3, NULL, cause);
        if (rc == C311_OK)
            rc =
                sqlx_exec(x, "UPDATE contact SET updated_at = $3 WHERE id = $2",
                          p, 3, NULL, cause);
    }
    other.merged_into = keep.id;
    other.updated_at = keep.updated_at = w->now;
    if (rc == C311_OK)
        rc = contacts_audit(x, w->now, w->actor, "contact.merged", &other0,
                            &other, cause);
    if (rc == C311_OK)
        rc = contacts_audit(x, w->now, w->actor, "contact.updated", &keep0,
                            &keep, cause);
    return rc;
}

enum c311_rc
contacts_merge(struct store *st, int64_t keep, int64_t other, const char *actor,
               int64_t now, char **cause)
{
    struct contacts_merge_arg w = {keep, other, actor, now};
    struct arena a = ARENA_INIT;
    enum c311_rc rc;

    if (keep == other)
        return store__fail(cause, C311_ERR_INVALID,
                           "a contact cannot be merged into itself");
    rc = sqlx_run(st, true, contacts_merge_work, &w, &a, cause);
    arena_free(&a);
    return rc;
}
