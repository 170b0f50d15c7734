/* SPDX-License-Identifier: MIT */
/*
 * The staff side of the store, on either back end (see fixture.h): typed
 * parameters of store/sqlx.h, accounts, sessions and failed sign-ins,
 * callers linked at filing, merges, notes, escalation, the request list,
 * API keys with limits, and the audit trail written with every change.
 */
#include "fixture.h"
#include "store/apikeys.h"
#include "store/audit.h"
#include "store/casework.h"
#include "store/contacts.h"
#include "store/sqlx.h"
#include "store/users.h"

TestSuite(S(store_staff), .init = fixture_setup, .fini = fixture_teardown);

/* Reads back every type the portable layer binds. */
static enum c311_rc
echo_work(struct sqlx *x, void *arg, char **cause)
{
    const struct sqlx_val p[] = {SQLX_I(-9007199254740993), SQLX_T("zß"),
                                 SQLX_T(NULL), SQLX_TIME(0)};

    return sqlx_exec(x,
                     "SELECT $1, $2, $3, $4, $2 || $2,"
                     " (SELECT count(*) FROM request WHERE id = $1)",
                     p, 4, arg, cause);
}

Test(S(store_staff), sqlx_binds_and_reads_every_type)
{
    struct arena a = ARENA_INIT;
    struct store *st = fixture_open();
    struct sqlx_rows r;
    char *cause = NULL;

    cr_assert_eq(sqlx_run(st, false, echo_work, &r, &a, &cause), C311_OK, "%s",
                 cause);
    cr_assert_eq(r.nrows, 1);
    cr_assert_eq(r.ncols, 6);
    cr_assert_eq(sqlx_int(&r, 0, 0), -9007199254740993);
    cr_assert_str_eq(sqlx_cell(&r, 0, 1), "zß");
    cr_assert_null(sqlx_cell(&r, 0, 2));
    cr_assert_null(sqlx_cell(&r, 0, 3));
    cr_assert_str_eq(sqlx_cell(&r, 0, 4), "zßzß");
    cr_assert_eq(sqlx_int(&r, 0, 5), 0);
    cr_assert_null(sqlx_cell(&r, 1, 0));
    store_close(st);
    arena_free(&a);
}

Test(S(store_staff), accounts_sessions_and_failures)
{
    struct arena a = ARENA_INIT;
    struct store *st = fixture_open();
    struct users_rec u = {0, "ann", "Ann", "agent,qa", "POLICE", false, 0, 0};
    struct users_rec got, *list;
    const char *hash;
    int64_t id, expires, count, oldest;
    char *cause = NULL;
    size_t n;

    cr_assert_eq(users_add(st, &u, "$argon2id$x", "cli", T0, &id, &cause),
                 C311_OK, "%s", cause);
    cr_assert_eq(id, 1);
    cr_assert_eq(users_add(st, &u, "$argon2id$y", "cli", T0, &id, &cause),
                 C311_ERR_CONFLICT);
    cr_assert_str_eq(cause, "login 'ann' is taken");
    free(cause);
    cause = NULL;
    cr_assert_eq(users_get(st, "ann", &a, &got, &hash, NULL), C311_OK);
    cr_assert_str_eq(got.name, "Ann");
    cr_assert_str_eq(got.roles, "agent,qa");
    cr_assert_str_eq(got.departments, "POLICE");
    cr_assert_str_eq(hash, "$argon2id$x");
    cr_assert_eq(got.created_at, T0);
    cr_assert_eq(users_get(st, "bob", &a, &got, &hash, NULL),
                 C311_ERR_NOT_FOUND);

    cr_assert_eq(users_session_add(st, 1, "h1", T0, T0 + 100, NULL), C311_OK);
    cr_assert_eq(
        users_session_find(st, "h1", T0 + 99, &a, &got, &expires, NULL),
        C311_OK);
    cr_assert_eq(expires, T0 + 100);
    cr_assert_str_eq(got.login, "ann");
    cr_assert_eq(users_session_find(st, "h1", T0 + 100, &a, &got, NULL, NULL),
                 C311_ERR_NOT_FOUND);
    cr_assert_eq(users_session_add(st, 1, "h2", T0, T0 + 100, NULL), C311_OK);
    cr_assert_eq(users_set_disabled(st, "ann", true, "cli", T0 + 1, NULL),
                 C311_OK);
    cr_assert_eq(users_session_find(st, "h2", T0 + 2, &a, &got, NULL, NULL),
                 C311_ERR_NOT_FOUND);
    cr_assert_eq(users_set_disabled(st, "ann", false, "cli", T0 + 3, NULL),
                 C311_OK);
    /* Disabling ended the session for good. */
    cr_assert_eq(users_session_find(st, "h2", T0 + 4, &a, &got, NULL, NULL),
                 C311_ERR_NOT_FOUND);
    cr_assert_eq(users_session_end(st, "h2", T0, NULL), C311_ERR_NOT_FOUND);
    cr_assert_eq(users_set_disabled(st, "bob", true, "cli", T0, NULL),
                 C311_ERR_NOT_FOUND);

    cr_assert_eq(users_failure_add(st, "ann", T0, T0 - 900, NULL), C311_OK);
    cr_assert_eq(users_failure_add(st, "ann", T0 + 10, T0 - 890, NULL),
                 C311_OK);
    cr_assert_eq(users_failure_add(st, "zed", T0 + 20, T0 - 880, NULL),
                 C311_OK);
    cr_assert_eq(users_failures(st, "ann", T0 - 900, &count, &oldest, NULL),
                 C311_OK);
    cr_assert_eq(count, 2);
    cr_assert_eq(oldest, T0);
    cr_assert_eq(users_failures(st, "ann", T0 + 5, &count, &oldest, NULL),
                 C311_OK);
    cr_assert_eq(count, 1);
    /* Failures older than the window are dropped as new ones come. */
    cr_assert_eq(users_failure_add(st, "zed", T0 + 2000, T0 + 1100, NULL),
                 C311_OK);
    cr_assert_eq(fixture_sql_int("SELECT count(*) FROM login_failure"), 1);
    cr_assert_eq(users_failures_clear(st, "zed", NULL), C311_OK);
    cr_assert_eq(fixture_sql_int("SELECT count(*) FROM login_failure"), 0);

    cr_assert_eq(users_list(st, &a, &list, &n, NULL), C311_OK);
    cr_assert_eq(n, 1);
    cr_assert_eq(list[0].disabled, false);
    cr_assert_eq(fixture_sql_int("SELECT count(*) FROM audit"
                                 " WHERE subject = 'user'"),
                 3);
    store_close(st);
    arena_free(&a);
}

/* Files a request with contact fields through the store. */
static struct sr
file(struct store *st, struct arena *a, const char *phone, const char *email,
     const struct contact *caller, int64_t at)
{
    struct sr r = fixture_request("POTHOLE", at, at);

    r.phone = phone;
    r.email = email;
    r.first_name = phone != NULL || email != NULL ? "Rita" : NULL;
    r.caller = caller;
    r.actor = caller != NULL ? "user:ann" : NULL;
    r.description = "Deep hole on Quay Street";
    fixture_insert(st, &r, a);
    return r;
}

Test(S(store_staff), callers_are_linked_matched_and_merged)
{
    struct arena a = ARENA_INIT;
    struct store *st = fixture_open();
    const char *phones[] = {"+13475550177"};
    struct contact tom = {0}, c;
    struct contacts_request *reqs;
    struct casework_info ci;
    size_t n;

    file(st, &a, "(212) 555-0101", "Rita@Example.com", NULL, T0);
    file(st, &a, "212 555 0101", NULL, NULL, T0 + 1);
    file(st, &a, "not a phone", "rita@example.com", NULL, T0 + 2);
    file(st, &a, NULL, NULL, NULL, T0 + 3);
    tom.first_name = "Tom";
    tom.phones = phones;
    tom.nphones = 1;
    file(st, &a, NULL, NULL, &tom, T0 + 4);

    cr_assert_eq(contacts_by_phone(st, "+12125550101", &a, &c, NULL), C311_OK);
    cr_assert_eq(c.id, 1);
    cr_assert_eq(c.nphones, 1);
    cr_assert_eq(c.nemails, 1);
    cr_assert_str_eq(c.emails[0], "rita@example.com");
    cr_assert_eq(contacts_requests(st, 1, &a, &reqs, &n, NULL), C311_OK);
    cr_assert_eq(n, 3);
    cr_assert_str_eq(reqs[0].public_id, "2026-000003");
    cr_assert_str_eq(reqs[2].public_id, "2026-000001");
    cr_assert_eq(casework_info(st, "2026-000004", &a, &ci, NULL), C311_OK);
    cr_assert_eq(ci.contact_id, 0);
    cr_assert_eq(casework_info(st, "2026-000005", &a, &ci, NULL), C311_OK);
    cr_assert_eq(ci.contact_id, 2);
    cr_assert_eq(fixture_sql_int("SELECT count(*) FROM event"
                                 " WHERE kind = 'intake'"),
                 1);

    cr_assert_eq(contacts_merge(st, 1, 2, "user:ann", T0 + 10, NULL), C311_OK);
    cr_assert_eq(contacts_get(st, 2, &a, &c, NULL), C311_OK);
    cr_assert_eq(c.merged_into, 1);
    cr_assert_eq(contacts_get(st, 1, &a, &c, NULL), C311_OK);
    cr_assert_eq(c.nphones, 2);
    cr_assert_str_eq(c.phones[1], "+13475550177");
    cr_assert_eq(contacts_requests(st, 1, &a, &reqs, &n, NULL), C311_OK);
    cr_assert_eq(n, 4);
    cr_assert_eq(contacts_merge(st, 1, 2, "user:ann", T0 + 11, NULL),
                 C311_ERR_CONFLICT);
    cr_assert_eq(contacts_merge(st, 1, 1, "user:ann", T0 + 11, NULL),
                 C311_ERR_INVALID);
    cr_assert_eq(contacts_merge(st, 1, 9, "user:ann", T0 + 11, NULL),
                 C311_ERR_NOT_FOUND);
    /* A request for the merged-away caller goes to the one it went to. */
    file(st, &a, NULL, NULL, &(struct contact){.id = 2}, T0 + 12);
    cr_assert_eq(casework_info(st, "2026-000006", &a, &ci, NULL), C311_OK);
    cr_assert_eq(ci.contact_id, 1);
    cr_assert_eq(fixture_sql_int("SELECT count(*) FROM audit"
                                 " WHERE subject = 'contact'"),
                 4);
    store_close(st);
    arena_free(&a);
}

/*
 * Details given with a known caller's id are saved on the caller: names,
 * address and language replace, phones and emails are added, absent ones
 * change nothing; each change is audited once, no change not at all.
 */
Test(S(store_staff), details_with_a_known_callers_id_are_saved)
{
    struct arena a = ARENA_INIT;
    struct store *st = fixture_open();
    const char *phones[] = {"+12125550101", "+17185550134"};
    const char *emails[] = {"olga@example.org"};
    struct contact typed = {0}, c;

    file(st, &a, "(212) 555-0101", NULL, NULL, T0);
    cr_assert_eq(contacts_get(st, 1, &a, &c, NULL), C311_OK);
    cr_assert_str_eq(c.first_name, "Rita");
    cr_assert_null(c.last_name);

    typed.id = 1;
    typed.first_name = "Olga";
    typed.last_name = "Petrova";
    typed.address = "3 Dock Road";
    typed.phones = phones;
    typed.nphones = 2;
    typed.emails = emails;
    typed.nemails = 1;
    file(st, &a, NULL, NULL, &typed, T0 + 1);
    cr_assert_eq(contacts_get(st, 1, &a, &c, NULL), C311_OK);
    cr_assert_str_eq(c.first_name, "Olga");
    cr_assert_str_eq(c.last_name, "Petrova");
    cr_assert_str_eq(c.address, "3 Dock Road");
    cr_assert_eq(c.nphones, 2);
    cr_assert_str_eq(c.phones[0], "+12125550101");
    cr_assert_str_eq(c.phones[1], "+17185550134");
    cr_assert_eq(c.nemails, 1);
    cr_assert_str_eq(c.emails[0], "olga@example.org");
    cr_assert_eq(c.updated_at, T0 + 1);

    /* The same again, and the id alone: nothing changes. */
    file(st, &a, NULL, NULL, &typed, T0 + 2);
    file(st, &a, NULL, NULL, &(struct contact){.id = 1}, T0 + 3);
    /* Only a last name: the first name and the rest stay. */
    file(st, &a, NULL, NULL,
         &(struct contact){.id = 1, .last_name = "Petrova-Ivanova"}, T0 + 4);
    cr_assert_eq(contacts_get(st, 1, &a, &c, NULL), C311_OK);
    cr_assert_str_eq(c.first_name, "Olga");
    cr_assert_str_eq(c.last_name, "Petrova-Ivanova");
    cr_assert_str_eq(c.address, "3 Dock Road");
    cr_assert_eq(c.nphones, 2);
    cr_assert_eq(c.updated_at, T0 + 4);
    cr_assert_eq(fixture_sql_int("SELECT count(*) FROM audit"
                                 " WHERE kind = 'contact.updated'"),
                 2);
    cr_assert_eq(fixture_sql_int("SELECT count(*) FROM request"
                                 " WHERE contact_id = 1"),
                 5);
    store_close(st);
    arena_free(&a);
}

Test(S(store_staff), notes_escalation_and_the_list)
{
    struct arena a = ARENA_INIT;
    struct store *st = fixture_open();
    const char *codes[] = {"POTHOLE"};
    struct casework_filter f = {0};
    struct casework_row *rows;
    struct audit_entry *h;
    struct casework_info ci;
    struct sr *got;
    int64_t total;
    size_t n;

    file(st, &a, NULL, NULL, NULL, T0);
    file(st, &a, NULL, NULL, NULL, T0 + DAY);
    cr_assert_eq(casework_note(st, "2026-000001", "user:ann", "inside", false,
                               T0 + 5, NULL),
                 C311_OK);
    cr_assert_eq(casework_note(st, "2026-000001", "user:ann", "outside", true,
                               T0 + 6, NULL),
                 C311_OK);
    cr_assert_eq(
        casework_note(st, "1999-000001", "user:ann", "x", true, T0, NULL),
        C311_ERR_NOT_FOUND);
    cr_assert_eq(store_request_get(st, "2026-000001", &a, &got, NULL), C311_OK);
    cr_assert_str_eq(got->status_notes, "outside");
    cr_assert_eq(got->updated_at, T0 + 6);

    cr_assert_eq(
        casework_escalate(st, "2026-000001", "user:ann", "hard", T0 + 7, NULL),
        C311_OK);
    cr_assert_eq(
        casework_escalate(st, "2026-000001", "user:ann", "again", T0 + 8, NULL),
        C311_ERR_CONFLICT);
    f.escalated = true;
    f.limit = 10;
    cr_assert_eq(casework_query(st, &f, &a, &rows, &n, &total, NULL), C311_OK);
    cr_assert_eq(n, 1);
    cr_assert_eq(total, 1);
    cr_assert_str_eq(rows[0].escalation_reason, "hard");
    cr_assert_eq(rows[0].escalated_at, T0 + 7);
    cr_assert_eq(casework_take(st, "2026-000001", 1, "user:eve", T0 + 9, NULL),
                 C311_ERR_INVALID); /* no staff user 1: a foreign key */
    cr_assert_eq(fixture_sql_int("SELECT count(*) FROM request"
                                 " WHERE taken_at IS NOT NULL"),
                 0);
    cr_assert_eq(casework_take(st, "2026-000002", 1, "user:eve", T0 + 9, NULL),
                 C311_ERR_CONFLICT);
    cr_assert_eq(casework_info(st, "2026-000001", &a, &ci, NULL), C311_OK);
    cr_assert_eq(ci.escalated_at, T0 + 7);
    cr_assert_str_eq(ci.escalation_reason, "hard");

    memset(&f, 0, sizeof(f));
    f.limit = 1;
    f.offset = 1;
    cr_assert_eq(casework_query(st, &f, &a, &rows, &n, &total, NULL), C311_OK);
    cr_assert_eq(n, 1);
    cr_assert_eq(total, 2);
    cr_assert_str_eq(rows[0].public_id, "2026-000001");
    memset(&f, 0, sizeof(f));
    f.limit = 10;
    f.text = "QUAY";
    f.codes = codes;
    f.ncodes = 1;
    f.restrict_codes = true;
    f.from = T0 + 1;
    cr_assert_eq(casework_query(st, &f, &a, &rows, &n, &total, NULL), C311_OK);
    cr_assert_eq(n, 1);
    cr_assert_str_eq(rows[0].public_id, "2026-000002");
    f.text = "50%_";
    cr_assert_eq(casework_query(st, &f, &a, &rows, &n, &total, NULL), C311_OK);
    cr_assert_eq(n, 0);
    f.text = NULL;
    f.scoped = true; /* a scope with no services sees nothing */
    cr_assert_eq(casework_query(st, &f, &a, &rows, &n, &total, NULL), C311_OK);
    cr_assert_eq(total, 0);

    cr_assert_eq(audit_history(st, "2026-000001", &a, &h, &n, NULL), C311_OK);
    cr_assert_eq(n, 4);
    cr_assert_str_eq(h[0].kind, "created");
    cr_assert_str_eq(h[1].kind, "note");
    cr_assert_eq(h[1].public, false);
    cr_assert_str_eq(h[1].note, "inside");
    cr_assert_eq(h[2].public, true);
    cr_assert_str_eq(h[3].kind, "escalated");
    cr_assert_eq(audit_history(st, "1999-000001", &a, &h, &n, NULL),
                 C311_ERR_NOT_FOUND);
    store_close(st);
    arena_free(&a);
}

Test(S(store_staff), keys_with_limits_and_the_trail)
{
    struct arena a = ARENA_INIT;
    struct store *st = fixture_open();
    struct audit_filter f = {0};
    struct apikeys_rec k, *v;
    struct audit_entry *e;
    int64_t id;
    size_t n;

    cr_assert_eq(apikeys_create(st, "app", "abcd1234", "h-app", 30, "user:ada",
                                T0, &id, NULL),
                 C311_OK);
    cr_assert_eq(id, 1);
    cr_assert_eq(apikeys_create(st, "app", "ffff0000", "h-app2", 0, "cli", T0,
                                &id, NULL),
                 C311_ERR_CONFLICT);
    /* PostgreSQL's identity skips the id the refused insert took. */
    cr_assert_eq(apikeys_create(st, "old", "eeee0000", "h-old", 0, "cli",
                                T0 + 1, &id, NULL),
                 C311_OK);
    cr_assert_eq(id, fixture_pg ? 3 : 2);
    cr_assert_eq(apikeys_find(st, "h-app", &a, &k, NULL), C311_OK);
    cr_assert_eq(k.rate_limit, 30);
    cr_assert_str_eq(k.name, "app");
    cr_assert_eq(apikeys_revoke(st, "old", "cli", T0 + 2, &a, &k, NULL),
                 C311_OK);
    cr_assert_eq(k.revoked_at, T0 + 2);
    cr_assert_eq(apikeys_find(st, "h-old", &a, &k, NULL), C311_ERR_NOT_FOUND);
    cr_assert_eq(apikeys_list(st, &a, &v, &n, NULL), C311_OK);
    cr_assert_eq(n, 2);
    cr_assert_eq(v[1].rate_limit, 0);
    cr_assert_eq(v[1].revoked_at, T0 + 2);

    f.limit = 10;
    cr_assert_eq(audit_query(st, &f, &a, &e, &n, NULL), C311_OK);
    cr_assert_eq(n, 3);
    cr_assert_str_eq(e[0].kind, "api_key.revoked");
    cr_assert_str_eq(e[0].subject_id, fixture_pg ? "3" : "2");
    f.actor = "user:ada";
    cr_assert_eq(audit_query(st, &f, &a, &e, &n, NULL), C311_OK);
    cr_assert_eq(n, 1);
    cr_assert_eq(e[0].at, T0);
    f.actor = NULL;
    f.from = T0 + 1;
    f.to = T0 + 1;
    cr_assert_eq(audit_query(st, &f, &a, &e, &n, NULL), C311_OK);
    cr_assert_eq(n, 1);
    cr_assert_str_eq(e[0].kind, "api_key.created");
    store_close(st);
    arena_free(&a);
}
