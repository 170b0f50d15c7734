/* SPDX-License-Identifier: MIT */
/* Store tests: round trips, public ids, conflicts, reopening, DSNs. */
#include "fixture.h"

TestSuite(S(store), .init = fixture_setup, .fini = fixture_teardown);

/* Asserts that two strings, either possibly NULL, are equal. */
static void
assert_str(const char *got, const char *want, const char *field)
{
    if (want == NULL) {
        cr_assert_null(got, "%s: expected NULL, got '%s'", field, got);
        return;
    }
    cr_assert_not_null(got, "%s: expected '%s', got NULL", field, want);
    cr_assert_str_eq(got, want, "%s", field);
}

Test(S(store), round_trip_of_every_field)
{
    static struct attr_answer attrs[] = {
        {"depth", "15"},       {"hazard", "cars"},          {"hazard", "bikes"},
        {"hazard", "walkers"}, {"note", "near the school"},
    };
    struct arena a = ARENA_INIT;
    struct store *st = fixture_open();
    struct sr req = fixture_request("pothole", T0, T0 + 60);
    struct sr *got = NULL;
    char *cause = NULL;

    req.public_id = "2026-900001";
    req.service_name = "Pothole";
    req.status = SR_CLOSED;
    req.status_notes = "filled";
    req.description = "a deep hole \xe5\x9d\x91";
    req.agency_responsible = "Public Works";
    req.service_notice = "within 5 days";
    req.expected_at = T0 + 5 * DAY;
    req.closed_at = T0 + 2 * DAY;
    req.has_location = true;
    req.lat = 37.762221815;
    req.lon = -122.4651145;
    req.address = "1 Main St";
    req.address_id = "A-17";
    req.zipcode = "94122";
    req.media_url = "https://example.org/p.jpg";
    req.channel = "phone";
    req.language = "zh";
    req.api_key_name = "mobile-app";
    req.email = "r@example.org";
    req.phone = "+1 555 0100";
    req.first_name = "Ana";
    req.last_name = "Li";
    req.device_id = "dev-1";
    req.account_id = "acct-9";
    req.token = "tok-abc";
    req.attrs = attrs;
    req.nattrs = 5;
    fixture_insert(st, &req, &a);
    cr_assert_eq(req.id, 1);
    cr_assert_str_eq(req.public_id, "2026-900001");

    cr_assert_eq(store_request_get(st, "2026-900001", &a, &got, &cause),
                 C311_OK, "%s", cause);
    cr_assert_eq(got->id, 1);
    assert_str(got->public_id, "2026-900001", "public_id");
    assert_str(got->jurisdiction_id, "demo.civic311.org", "jurisdiction_id");
    assert_str(got->service_code, "pothole", "service_code");
    assert_str(got->service_name, "Pothole", "service_name");
    cr_assert_eq(got->status, SR_CLOSED);
    assert_str(got->status_notes, "filled", "status_notes");
    assert_str(got->description, "a deep hole \xe5\x9d\x91", "description");
    assert_str(got->agency_responsible, "Public Works", "agency");
    assert_str(got->service_notice, "within 5 days", "service_notice");
    cr_assert_eq(got->requested_at, T0);
    cr_assert_eq(got->updated_at, T0 + 60);
    cr_assert_eq(got->expected_at, T0 + 5 * DAY);
    cr_assert_eq(got->closed_at, T0 + 2 * DAY);
    cr_assert(got->has_location);
    cr_assert_float_eq(got->lat, 37.762221815, 1e-12);
    cr_assert_float_eq(got->lon, -122.4651145, 1e-12);
    assert_str(got->address, "1 Main St", "address");
    assert_str(got->address_id, "A-17", "address_id");
    assert_str(got->zipcode, "94122", "zipcode");
    assert_str(got->media_url, "https://example.org/p.jpg", "media_url");
    assert_str(got->channel, "phone", "channel");
    assert_str(got->language, "zh", "language");
    assert_str(got->api_key_name, "mobile-app", "api_key_name");
    assert_str(got->email, "r@example.org", "email");
    assert_str(got->phone, "+1 555 0100", "phone");
    assert_str(got->first_name, "Ana", "first_name");
    assert_str(got->last_name, "Li", "last_name");
    assert_str(got->device_id, "dev-1", "device_id");
    assert_str(got->account_id, "acct-9", "account_id");
    assert_str(got->token, "tok-abc", "token");

    cr_assert_eq(got->nattrs, 5);
    assert_str(got->attrs[0].code, "depth", "attr 0");
    assert_str(got->attrs[0].value, "15", "attr 0 value");
    assert_str(got->attrs[1].code, "hazard", "attr 1");
    assert_str(got->attrs[1].value, "cars", "attr 1 value");
    assert_str(got->attrs[2].code, "hazard", "attr 2");
    assert_str(got->attrs[2].value, "bikes", "attr 2 value");
    assert_str(got->attrs[3].code, "hazard", "attr 3");
    assert_str(got->attrs[3].value, "walkers", "attr 3 value");
    assert_str(got->attrs[4].code, "note", "attr 4");
    assert_str(got->attrs[4].value, "near the school", "attr 4 value");

    store_close(st);
    arena_free(&a);
}

Test(S(store), unknown_fields_come_back_null)
{
    struct arena a = ARENA_INIT;
    struct store *st = fixture_open();
    struct sr req = fixture_request("graffiti", T0, T0);
    struct sr *got = NULL;

    req.jurisdiction_id = NULL;
    req.channel = NULL;
    req.description = ""; /* empty means unknown too */
    fixture_insert(st, &req, &a);

    cr_assert_eq(store_request_get(st, req.public_id, &a, &got, NULL), C311_OK);
    cr_assert_eq(got->status, SR_OPEN);
    cr_assert_null(got->jurisdiction_id);
    cr_assert_null(got->service_name);
    cr_assert_null(got->status_notes);
    cr_assert_null(got->description);
    cr_assert_null(got->agency_responsible);
    cr_assert_null(got->service_notice);
    cr_assert_eq(got->expected_at, 0);
    cr_assert_eq(got->closed_at, 0);
    cr_assert(!got->has_location);
    cr_assert_null(got->address);
    cr_assert_null(got->address_id);
    cr_assert_null(got->zipcode);
    cr_assert_null(got->media_url);
    cr_assert_null(got->channel);
    cr_assert_null(got->language);
    cr_assert_null(got->api_key_name);
    cr_assert_null(got->email);
    cr_assert_null(got->phone);
    cr_assert_null(got->first_name);
    cr_assert_null(got->last_name);
    cr_assert_null(got->device_id);
    cr_assert_null(got->account_id);
    cr_assert_null(got->token);
    cr_assert_eq(got->nattrs, 0);
    cr_assert_null(got->attrs);

    store_close(st);
    arena_free(&a);
}

Test(S(store), public_id_is_year_and_padded_row_id)
{
    struct arena a = ARENA_INIT;
    struct store *st = fixture_open();
    struct sr r1 = fixture_request("pothole", T0, T0);
    /* 2025-12-31T23:59:59Z: the year is taken in UTC. */
    struct sr r2 = fixture_request("pothole", INT64_C(1767225599), T0);
    struct sr r3 = fixture_request("pothole", T0, T0);
    struct sr r4 = fixture_request("pothole", T0, T0);

    fixture_insert(st, &r1, &a);
    fixture_insert(st, &r2, &a);
    r3.public_id = "LEGACY-7";
    fixture_insert(st, &r3, &a);
    fixture_insert(st, &r4, &a);

    cr_assert_eq(r1.id, 1);
    cr_assert_str_eq(r1.public_id, "2026-000001");
    cr_assert_eq(r2.id, 2);
    cr_assert_str_eq(r2.public_id, "2025-000002");
    cr_assert_eq(r3.id, 3);
    cr_assert_str_eq(r3.public_id, "LEGACY-7");
    cr_assert_str_eq(r4.public_id, "2026-000004");

    store_close(st);
    arena_free(&a);
}

Test(S(store), public_id_grows_past_six_digits)
{
    struct arena a = ARENA_INIT;
    struct store *st = fixture_open();
    struct sr r1 = fixture_request("pothole", T0, T0);
    struct sr r2 = fixture_request("pothole", T0, T0);

    r1.public_id = "seed";
    fixture_insert(st, &r1, &a);
    store_close(st);

    /*
     * Move the row id on so that the next one needs seven digits: SQLite
     * takes the largest id plus one, PostgreSQL the identity sequence.
     */
    if (fixture_pg)
        cr_assert(fixture_exec("SELECT setval(pg_get_serial_sequence("
                               "'request', 'id'), 1234567)",
                               NULL));
    else
        cr_assert(
            fixture_exec("UPDATE request SET id = 1234567 WHERE id = 1", NULL));
    st = fixture_open();
    fixture_insert(st, &r2, &a);
    cr_assert_eq(r2.id, 1234568);
    cr_assert_str_eq(r2.public_id, "2026-1234568");

    store_close(st);
    arena_free(&a);
}

Test(S(store), token_lookup)
{
    struct arena a = ARENA_INIT;
    struct store *st = fixture_open();
    struct sr r1 = fixture_request("pothole", T0, T0);
    struct sr r2 = fixture_request("pothole", T0, T0);
    struct sr *got = NULL;
    char *cause = NULL;

    r1.token = "batch-1";
    r2.token = "batch-2";
    fixture_insert(st, &r1, &a);
    fixture_insert(st, &r2, &a);

    cr_assert_eq(store_request_by_token(st, "batch-2", &a, &got, NULL),
                 C311_OK);
    cr_assert_str_eq(got->public_id, "2026-000002");
    cr_assert_str_eq(got->token, "batch-2");

    cr_assert_eq(store_request_by_token(st, "batch-3", &a, &got, &cause),
                 C311_ERR_NOT_FOUND);
    cr_assert_null(got);
    cr_assert_str_eq(cause, "no request 'batch-3'");
    free(cause);
    cause = NULL;
    cr_assert_eq(store_request_get(st, "2026-000009", &a, &got, &cause),
                 C311_ERR_NOT_FOUND);
    free(cause);

    store_close(st);
    arena_free(&a);
}

Test(S(store), duplicates_conflict_and_leave_nothing)
{
    static struct attr_answer attrs[] = {{"depth", "3"}};
    struct arena a = ARENA_INIT;
    struct store *st = fixture_open();
    struct sr r1 = fixture_request("pothole", T0, T0);
    struct sr r2 = fixture_request("pothole", T0, T0);
    struct sr r3 = fixture_request("pothole", T0, T0);
    struct sr r4 = fixture_request("graffiti", T0, T0);
    struct sr_query q = {.limit = 10};
    struct sr *v;
    char *cause = NULL;
    size_t n;

    r1.public_id = "X-1";
    r1.token = "t1";
    fixture_insert(st, &r1, &a);

    r2.public_id = "X-1";
    r2.attrs = attrs;
    r2.nattrs = 1;
    cr_assert_eq(store_request_insert(st, &r2, &a, &cause), C311_ERR_CONFLICT);
    cr_assert_str_eq(cause, "a request with this public id exists already");
    cr_assert_eq(r2.id, 0);
    free(cause);
    cause = NULL;

    r3.token = "t1";
    cr_assert_eq(store_request_insert(st, &r3, &a, &cause), C311_ERR_CONFLICT);
    cr_assert_str_eq(cause, "a request with this token exists already");
    cr_assert_null(r3.public_id);
    free(cause);

    /*
     * The failed inserts rolled back. SQLite reuses their row ids; a
     * PostgreSQL sequence never hands a number back, so ids 2 and 3 are
     * gone there.
     */
    fixture_insert(st, &r4, &a);
    cr_assert_str_eq(r4.public_id, fixture_pg ? "2026-000004" : "2026-000002");
    cr_assert_eq(store_request_query(st, &q, &a, &v, &n, NULL), C311_OK);
    cr_assert_eq(n, 2);

    store_close(st);
    arena_free(&a);
}

Test(S(store), insert_rejects_missing_fields)
{
    struct arena a = ARENA_INIT;
    struct store *st = fixture_open();
    struct sr r1 = fixture_request(NULL, T0, T0);
    struct sr r2 = fixture_request("pothole", 0, T0);
    char *cause = NULL;

    cr_assert_eq(store_request_insert(st, &r1, &a, &cause), C311_ERR_INVALID);
    cr_assert_str_eq(cause, "request has no service");
    free(cause);
    cr_assert_eq(store_request_insert(st, &r2, &a, NULL), C311_ERR_INVALID);

    store_close(st);
    arena_free(&a);
}

Test(S(store), insert_records_a_created_event)
{
    struct arena a = ARENA_INIT;
    struct store *st = fixture_open();
    struct sr r1 = fixture_request("pothole", T0, T0);
    char *err = NULL;

    r1.api_key_name = "app";
    fixture_insert(st, &r1, &a);
    store_close(st);

    cr_assert_eq(
        fixture_sql_int("SELECT count(*) FROM event WHERE request_id = 1"
                        " AND kind = 'created' AND public = 1"
                        " AND actor = 'api_key:app'"
                        " AND at = 1772355600"
                        " AND after_json ->> 'public_id' = '2026-000001'"),
        1);
    /* History is append-only. */
    cr_assert(!fixture_exec("DELETE FROM event", &err));
    cr_assert_str_eq(err, "event history is append-only");
    free(err);
    err = NULL;
    cr_assert(!fixture_exec("UPDATE event SET note = 'x'", &err));
    cr_assert_str_eq(err, "event history is append-only");
    free(err);
    arena_free(&a);
}

Test(S(store), reopen_keeps_data_and_schema_version)
{
    struct arena a = ARENA_INIT;
    struct store *st = fixture_open();
    struct sr r1 = fixture_request("pothole", T0, T0);
    struct sr *got;

    cr_assert_geq(store_schema_latest(), 1);
    cr_assert_eq(store_schema_version(st), store_schema_latest());
    fixture_insert(st, &r1, &a);
    store_close(st);

    st = fixture_open();
    cr_assert_eq(store_schema_version(st), store_schema_latest());
    cr_assert_eq(store_request_get(st, "2026-000001", &a, &got, NULL), C311_OK);
    cr_assert_str_eq(got->service_code, "pothole");
    store_close(st);

    /* Each migration recorded once, the newest among them. */
    cr_assert_eq(fixture_sql_int("SELECT count(*) FROM schema_migration"),
                 fixture_sql_int("SELECT count(DISTINCT version)"
                                 " FROM schema_migration"));
    cr_assert_eq(fixture_sql_int("SELECT max(version) FROM schema_migration"),
                 store_schema_latest());
    if (!fixture_pg)
        cr_assert_eq(fixture_sql_int("SELECT journal_mode = 'wal'"
                                     " FROM pragma_journal_mode"),
                     1);
    arena_free(&a);
}

Test(S(store), newer_schema_is_refused)
{
    struct store *st = fixture_open();
    char *cause = NULL, want[96];

    store_close(st);
    cr_assert(fixture_exec("INSERT INTO schema_migration"
                           " (version, name, applied_at)"
                           " VALUES (99, 'future', 0)",
                           NULL));

    cr_assert_eq(store_open(fixture_db, NULL, &st, &cause), C311_ERR_INVALID);
    cr_assert_null(st);
    snprintf(want, sizeof(want),
             "database schema version 99 is newer than this build knows (%d)",
             store_schema_latest());
    cr_assert_str_eq(cause, want);
    free(cause);
}

Test(S(store), dsn_picks_the_back_end)
{
    char dsn[1100];
    struct store *st = NULL;
    char *cause = NULL;

    /* No server listens there: the PostgreSQL back end says so. */
    cr_assert_eq(store_open("postgresql:///civic311?host=/nonexistent", NULL,
                            &st, &cause),
                 C311_ERR_UNAVAILABLE);
    cr_assert_null(st);
    cr_assert(strncmp(cause, "database unavailable: cannot connect: ",
                      strlen("database unavailable: cannot connect: ")) == 0,
              "%s", cause);
    free(cause);
    cause = NULL;
    cr_assert_eq(store_open("postgres:///x?host=/nonexistent", NULL, &st, NULL),
                 C311_ERR_UNAVAILABLE);
    cr_assert_null(st);
    cr_assert_eq(store_open("sqlite:", NULL, &st, NULL), C311_ERR_INVALID);

    if (fixture_pg) {
        /* Both URI schemes reach the server. */
        cr_assert_eq(strncmp(fixture_db, "postgresql://", 13), 0);
        snprintf(dsn, sizeof(dsn), "postgres://%s", fixture_db + 13);
    } else {
        snprintf(dsn, sizeof(dsn), "sqlite:%s", fixture_db);
    }
    cr_assert_eq(store_open(dsn, NULL, &st, &cause), C311_OK, "%s", cause);
    cr_assert_eq(store_schema_version(st), store_schema_latest());
    store_close(st);
    if (!fixture_pg)
        cr_assert_eq(access(fixture_db, F_OK), 0);
}
