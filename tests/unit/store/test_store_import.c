/* SPDX-License-Identifier: MIT */
/*
 * Imported history in the store: batches that insert, leave alone and
 * update by key, native requests that an import must not touch, imported
 * services, bulk scans for exports and the rows a report reads. Run on
 * SQLite here and on PostgreSQL by test_store_import_pg.c.
 */
#include "fixture.h"
#include "store/import.h"

TestSuite(S(store_import), .init = fixture_setup, .fini = fixture_teardown);

static struct attr_answer attrs_a[] = {
    {"complaint_type", "Noise - Residential"},
    {"borough", "BRONX"},
    {"note", "tab\there, newline\nthere, back\\slash"},
};

static struct attr_answer attrs_b[] = {{"complaint_type", "Rodent"}};

/* An imported row with key, requested at t, closed at closed (0: open). */
static struct store_import_row
row(const char *key, int64_t t, int64_t closed, const char *digest)
{
    struct store_import_row r;

    memset(&r, 0, sizeof(r));
    r.req = fixture_request("NOISE_RESIDENTIAL", t, closed ? closed : t);
    r.req.public_id = key;
    r.req.channel = "web";
    r.req.agency_responsible = "Police Department";
    if (closed != 0) {
        r.req.status = SR_CLOSED;
        r.req.closed_at = closed;
    }
    r.department = "POLICE";
    r.digest = digest;
    r.note = "nyc line 2";
    return r;
}

/* Runs a batch and fails the test unless it worked. */
static void
batch(struct store *st, struct store_import_row *rows, size_t n)
{
    char *cause = NULL;
    enum c311_rc rc;

    rc = store_import_batch(st, "nyc", rows, n, T0 + 10 * DAY, &cause);
    cr_assert_eq(rc, C311_OK, "batch: %s", cause ? cause : "?");
    free(cause);
}

Test(S(store_import), a_batch_inserts_then_leaves_alone_then_updates)
{
    struct arena a = ARENA_INIT;
    struct store *st = fixture_open();
    struct store_import_row rows[3] = {
        row("54046813", T0, T0 + 3600, "d1"),
        row("54049402", T0 + 60, 0, "d2"),
        row("54050000", T0 + 120, 0, "d3"),
    };
    struct sr *got;

    rows[0].req.attrs = attrs_a;
    rows[0].req.nattrs = 3;
    rows[0].req.has_location = true;
    rows[0].req.lat = 40.81237834836466;
    rows[0].req.lon = -73.95240115039357;
    rows[0].req.status_notes = "The Police Department responded.";
    rows[1].req.attrs = attrs_b;
    rows[1].req.nattrs = 1;
    rows[2].department = NULL;
    batch(st, rows, 3);
    cr_assert_eq(rows[0].outcome, STORE_IMPORT_INSERTED);
    cr_assert_eq(rows[1].outcome, STORE_IMPORT_INSERTED);
    cr_assert_eq(rows[2].outcome, STORE_IMPORT_INSERTED);

    cr_assert_eq(store_request_get(st, "54046813", &a, &got, NULL), C311_OK);
    cr_assert_eq(got->status, SR_CLOSED);
    cr_assert_eq(got->requested_at, T0);
    cr_assert_eq(got->closed_at, T0 + 3600);
    cr_assert_str_eq(got->status_notes, "The Police Department responded.");
    cr_assert_eq(got->lat, 40.81237834836466);
    cr_assert_eq(got->lon, -73.95240115039357);
    cr_assert_eq(got->nattrs, 3);
    cr_assert_str_eq(got->attrs[0].code, "complaint_type");
    cr_assert_str_eq(got->attrs[2].value,
                     "tab\there, newline\nthere, back\\slash");
    cr_assert_eq(fixture_sql_int("SELECT count(*) FROM request_import"), 3);
    cr_assert_eq(fixture_sql_int("SELECT count(*) FROM request_import"
                                 " WHERE department = 'POLICE'"),
                 2);
    cr_assert_eq(fixture_sql_int("SELECT count(*) FROM event"
                                 " WHERE kind = 'imported' AND public = 0"
                                 " AND at = 1773219600"),
                 3);

    /* The same data again: nothing is written. */
    batch(st, rows, 3);
    cr_assert_eq(rows[0].outcome, STORE_IMPORT_UNCHANGED);
    cr_assert_eq(rows[1].outcome, STORE_IMPORT_UNCHANGED);
    cr_assert_eq(rows[2].outcome, STORE_IMPORT_UNCHANGED);
    cr_assert_eq(fixture_sql_int("SELECT count(*) FROM event"), 3);

    /* One row changed: it alone is rewritten, its attributes replaced. */
    rows[1].digest = "d2-closed";
    rows[1].req.status = SR_CLOSED;
    rows[1].req.closed_at = T0 + 7200;
    rows[1].req.attrs = attrs_a;
    rows[1].req.nattrs = 2;
    batch(st, rows, 3);
    cr_assert_eq(rows[0].outcome, STORE_IMPORT_UNCHANGED);
    cr_assert_eq(rows[1].outcome, STORE_IMPORT_UPDATED);
    cr_assert_eq(rows[2].outcome, STORE_IMPORT_UNCHANGED);
    cr_assert_eq(store_request_get(st, "54049402", &a, &got, NULL), C311_OK);
    cr_assert_eq(got->status, SR_CLOSED);
    cr_assert_eq(got->closed_at, T0 + 7200);
    cr_assert_eq(got->nattrs, 2);
    cr_assert_str_eq(got->attrs[1].value, "BRONX");
    cr_assert_eq(fixture_sql_int("SELECT count(*) FROM request"), 3);
    /* Answers are one JSON object with the import record, in order. */
    cr_assert_eq(fixture_sql_int("SELECT count(*) FROM request_attr"), 0);
    cr_assert_eq(fixture_sql_int("SELECT count(*) FROM request_import"
                                 " WHERE attrs = '{\"complaint_type\":"
                                 "\"Noise - Residential\",\"borough\":"
                                 "\"BRONX\"}'"),
                 1);
    cr_assert_eq(fixture_sql_int("SELECT count(*) FROM request_import"
                                 " WHERE attrs IS NULL"),
                 1);
    cr_assert_eq(fixture_sql_int("SELECT count(*) FROM event"
                                 " WHERE kind = 'import_updated'"),
                 1);
    cr_assert_eq(fixture_sql_int("SELECT count(*) FROM request_import"
                                 " WHERE digest = 'd2-closed'"),
                 1);
    store_close(st);
    arena_free(&a);
}

Test(S(store_import), a_run_refuses_a_key_it_met_before_keeping_the_first)
{
    struct arena a = ARENA_INIT;
    struct store *st = fixture_open();
    struct store_import_row first[3] = {
        row("7001", T0, 0, "a1"),
        row("7002", T0 + 60, 0, "b1"),
        row("7001", T0 + 120, 0, "a2"),
    };
    struct store_import_row second[2] = {
        row("7002", T0 + 180, 0, "b2"),
        row("7003", T0 + 240, 0, "c1"),
    };
    struct sr *got;

    first[0].line = 2;
    first[1].line = 3;
    first[2].line = 4;
    second[0].line = 5;
    second[1].line = 6;
    cr_assert_eq(store_import_begin(st, 5, NULL), C311_OK);
    batch(st, first, 3);
    batch(st, second, 2);
    cr_assert_eq(store_import_end(st, NULL), C311_OK);
    cr_assert_eq(first[0].outcome, STORE_IMPORT_INSERTED);
    cr_assert_eq(first[1].outcome, STORE_IMPORT_INSERTED);
    cr_assert_eq(first[2].outcome, STORE_IMPORT_REPEATED);
    cr_assert_eq(first[2].first_line, 2);
    cr_assert_eq(second[0].outcome, STORE_IMPORT_REPEATED);
    cr_assert_eq(second[0].first_line, 3);
    cr_assert_eq(second[1].outcome, STORE_IMPORT_INSERTED);
    /* The first row of a key is the one kept. */
    cr_assert_eq(store_request_get(st, "7001", &a, &got, NULL), C311_OK);
    cr_assert_eq(got->requested_at, T0);
    cr_assert_eq(fixture_sql_int("SELECT count(*) FROM request"), 3);
    cr_assert_eq(fixture_sql_int("SELECT line FROM request_import i"
                                 " JOIN request r ON r.id = i.request_id"
                                 " WHERE r.public_id = '7003'"),
                 6);

    /*
     * A new run over the stored keys: each is met once (unchanged or
     * updated), and a key met twice is refused even though it was stored
     * before the run.
     */
    first[0].line = 2;
    first[1] = row("7001", T0 + 300, 0, "a3");
    first[1].line = 3;
    first[2] = row("7003", T0 + 240, 0, "c1");
    first[2].line = 4;
    cr_assert_eq(store_import_begin(st, 3, NULL), C311_OK);
    batch(st, first, 3);
    cr_assert_eq(store_import_end(st, NULL), C311_OK);
    cr_assert_eq(first[0].outcome, STORE_IMPORT_UNCHANGED);
    cr_assert_eq(first[1].outcome, STORE_IMPORT_REPEATED);
    cr_assert_eq(first[1].first_line, 2);
    cr_assert_eq(first[2].outcome, STORE_IMPORT_UNCHANGED);
    cr_assert_eq(store_request_get(st, "7001", &a, &got, NULL), C311_OK);
    cr_assert_eq(got->requested_at, T0);

    /* Outside a run, the keys of earlier batches are not remembered. */
    batch(st, first, 1);
    cr_assert_eq(first[0].outcome, STORE_IMPORT_UNCHANGED);
    store_close(st);
    arena_free(&a);
}

#ifndef FIXTURE_PG
/* The indexes of the request table that SQL made (not UNIQUE's). */
#define REQUEST_INDEXES                                                        \
    "SELECT count(*) FROM sqlite_master WHERE type = 'index'"                  \
    " AND tbl_name = 'request' AND sql IS NOT NULL"

Test(S(store_import), a_bulk_load_rebuilds_its_indexes_even_after_a_kill)
{
    struct store_import_row r[2] = {
        row("8001", T0, 0, "a"),
        row("8002", T0 + 60, 0, "b"),
    };
    struct store *st = fixture_open();
    int64_t indexes = fixture_sql_int(REQUEST_INDEXES);

    cr_assert_eq(indexes, 10);
    /*
     * Many rows expected into an empty store: the indexes every row would
     * enter are set aside; the partial ones on callers, escalations and
     * phones, which no imported row enters, stay.
     */
    cr_assert_eq(store_import_begin(st, 1000000, NULL), C311_OK);
    cr_assert_eq(fixture_sql_int(REQUEST_INDEXES), 3);
    cr_assert_eq(fixture_sql_int("SELECT count(*) FROM index_deferred"), 7);
    batch(st, r, 2);
    cr_assert_eq(store_import_end(st, NULL), C311_OK);
    cr_assert_eq(fixture_sql_int(REQUEST_INDEXES), indexes);
    cr_assert_eq(fixture_sql_int("SELECT count(*) FROM index_deferred"), 0);

    /* A run stopped before its end: the next open builds them. */
    cr_assert_eq(store_import_begin(st, 1000000, NULL), C311_OK);
    cr_assert_eq(fixture_sql_int(REQUEST_INDEXES), 3);
    store_close(st);
    st = fixture_open();
    cr_assert_eq(fixture_sql_int(REQUEST_INDEXES), indexes);
    cr_assert_eq(fixture_sql_int("SELECT count(*) FROM index_deferred"), 0);
    cr_assert_eq(fixture_sql_int("SELECT count(*) FROM request"
                                 " INDEXED BY request_requested"
                                 " WHERE requested_at >= 0"),
                 2);

    /* A run small for the store keeps its indexes. */
    cr_assert_eq(store_import_begin(st, 3, NULL), C311_OK);
    cr_assert_eq(fixture_sql_int(REQUEST_INDEXES), indexes);
    cr_assert_eq(store_import_end(st, NULL), C311_OK);
    store_close(st);
}
#endif

Test(S(store_import), a_request_filed_here_is_never_overwritten)
{
    struct arena a = ARENA_INIT;
    struct store *st = fixture_open();
    struct sr native = fixture_request("POTHOLE", T0, T0);
    struct store_import_row r[2];
    struct sr *got;

    fixture_insert(st, &native, &a);
    cr_assert_str_eq(native.public_id, "2026-000001");
    r[0] = row("2026-000001", T0 + 60, 0, "dx");
    r[1] = row("101004143000", T0 + 60, 0, "dy");
    batch(st, r, 2);
    cr_assert_eq(r[0].outcome, STORE_IMPORT_NATIVE);
    cr_assert_eq(r[1].outcome, STORE_IMPORT_INSERTED);
    cr_assert_eq(store_request_get(st, "2026-000001", &a, &got, NULL), C311_OK);
    cr_assert_str_eq(got->service_code, "POTHOLE");
    cr_assert_eq(got->requested_at, T0);
    cr_assert_eq(fixture_sql_int("SELECT count(*) FROM request_import"), 1);

    /* New native requests still get ids after the imported rows. */
    native = fixture_request("POTHOLE", T0 + DAY, T0 + DAY);
    fixture_insert(st, &native, &a);
    cr_assert_str_eq(native.public_id, "2026-000003");
    store_close(st);
    arena_free(&a);
}

Test(S(store_import), rows_without_key_service_times_or_digest_are_refused)
{
    struct store *st = fixture_open();
    struct store_import_row r = row("1", T0, 0, "d");
    char *cause = NULL;

    r.req.public_id = NULL;
    cr_assert_eq(store_import_batch(st, "nyc", &r, 1, T0, &cause),
                 C311_ERR_INVALID);
    cr_assert_str_eq(cause, "imported row 1 has no key or no service");
    free(cause);
    cause = NULL;
    r = row("1", T0, 0, NULL);
    cr_assert_eq(store_import_batch(st, "nyc", &r, 1, T0, &cause),
                 C311_ERR_INVALID);
    cr_assert_str_eq(cause, "imported request '1' has no digest");
    free(cause);
    r = row("1", 0, 0, "d");
    cr_assert_eq(store_import_batch(st, "nyc", &r, 1, T0, NULL),
                 C311_ERR_INVALID);
    cr_assert_eq(fixture_sql_int("SELECT count(*) FROM request"), 0);
    store_close(st);
}

Test(S(store_import), imported_services_are_kept_once)
{
    struct arena a = ARENA_INIT;
    struct store *st = fixture_open();
    struct imported_service s1 = {"NYC_NOISE_COMMERCIAL", "Noise - Commercial",
                                  "nyc", "POLICE", T0};
    struct imported_service s2 = {"BOSTON_NEEDLE_PICKUP", "Needle Pickup",
                                  "boston", NULL, T0 + 1};
    struct imported_service again = {"NYC_NOISE_COMMERCIAL", "Other name",
                                     "nyc", NULL, T0 + 2};
    struct imported_service *v;
    bool created = false;
    size_t n;

    cr_assert_eq(store_imported_service_put(st, &s1, &created, NULL), C311_OK);
    cr_assert(created);
    cr_assert_eq(store_imported_service_put(st, &s2, &created, NULL), C311_OK);
    cr_assert(created);
    cr_assert_eq(store_imported_service_put(st, &again, &created, NULL),
                 C311_OK);
    cr_assert_not(created);
    cr_assert_eq(store_imported_service_list(st, &a, &v, &n, NULL), C311_OK);
    cr_assert_eq(n, 2);
    cr_assert_str_eq(v[0].code, "BOSTON_NEEDLE_PICKUP");
    cr_assert_null(v[0].department);
    cr_assert_str_eq(v[1].code, "NYC_NOISE_COMMERCIAL");
    cr_assert_str_eq(v[1].name, "Noise - Commercial");
    cr_assert_str_eq(v[1].department, "POLICE");
    cr_assert_eq(v[1].created_at, T0);
    store_close(st);
    arena_free(&a);
}

Test(S(store_import), a_scan_pages_through_requests_with_their_answers)
{
    struct arena a = ARENA_INIT;
    struct store *st = fixture_open();
    struct sr native = fixture_request("POTHOLE", T0 + 5 * DAY, T0 + 5 * DAY);
    struct store_import_row r[3] = {
        row("1001", T0, 0, "a"),
        row("1002", T0 + DAY, 0, "b"),
        row("1003", T0 + 2 * DAY, 0, "c"),
    };
    struct store_scan scan = {0};
    const char **formats, **depts;
    struct sr *v;
    size_t n;

    r[0].req.attrs = attrs_a;
    r[0].req.nattrs = 3;
    r[2].req.attrs = attrs_b;
    r[2].req.nattrs = 1;
    r[1].department = NULL;
    batch(st, r, 3);
    fixture_insert(st, &native, &a);

    cr_assert_eq(
        store_request_scan(st, &scan, 2, &a, &v, &formats, &depts, &n, NULL),
        C311_OK);
    cr_assert_eq(n, 2);
    cr_assert_str_eq(v[0].public_id, "1001");
    cr_assert_str_eq(formats[0], "nyc");
    cr_assert_str_eq(depts[0], "POLICE");
    cr_assert_null(depts[1]);
    cr_assert_eq(v[0].nattrs, 3);
    cr_assert_str_eq(v[0].attrs[1].value, "BRONX");
    cr_assert_str_eq(v[1].public_id, "1002");
    cr_assert_eq(v[1].nattrs, 0);
    cr_assert_eq(
        store_request_scan(st, &scan, 2, &a, &v, &formats, &depts, &n, NULL),
        C311_OK);
    cr_assert_eq(n, 2);
    cr_assert_str_eq(v[0].public_id, "1003");
    cr_assert_str_eq(formats[0], "nyc");
    cr_assert_null(formats[1]);
    cr_assert_str_eq(depts[0], "POLICE");
    cr_assert_null(depts[1]); /* filed here */
    cr_assert_eq(v[0].nattrs, 1);
    cr_assert_str_eq(v[0].attrs[0].value, "Rodent");
    cr_assert_str_eq(v[1].public_id, "2026-000004");
    cr_assert_eq(store_request_scan(st, &scan, 2, &a, &v, NULL, NULL, &n, NULL),
                 C311_OK);
    cr_assert_eq(n, 0);

    /* [T0 + 1 day, T0 + 5 days): the middle two. */
    scan = (struct store_scan){"demo.civic311.org", T0 + DAY, T0 + 5 * DAY, 0};
    cr_assert_eq(
        store_request_scan(st, &scan, 10, &a, &v, NULL, NULL, &n, NULL),
        C311_OK);
    cr_assert_eq(n, 2);
    cr_assert_str_eq(v[0].public_id, "1002");
    cr_assert_str_eq(v[1].public_id, "1003");
    scan = (struct store_scan){"elsewhere.example", 0, 0, 0};
    cr_assert_eq(
        store_request_scan(st, &scan, 10, &a, &v, NULL, NULL, &n, NULL),
        C311_OK);
    cr_assert_eq(n, 0);
    store_close(st);
    arena_free(&a);
}

/* What the report rows looked like, one letter per row seen. */
struct seen {
    char keys[16][32];
    size_t n;
};

/* Notes the service name of each row, with its status. */
static enum c311_rc
note_row(void *arg, const struct store_report_row *r)
{
    struct seen *s = arg;

    cr_assert_lt(s->n, 16);
    snprintf(s->keys[s->n], sizeof(s->keys[0]), "%s%s%s", r->service_name,
             r->closed ? "+" : "-", r->department ? r->department : "");
    s->n++;
    return C311_OK;
}

/* Orders the noted rows, the scan's order being unspecified. */
static int
cmp_keys(const void *a, const void *b)
{
    return strcmp(a, b);
}

Test(S(store_import), a_report_reads_the_window_and_the_backlog_at_its_end)
{
    struct arena a = ARENA_INIT;
    struct store *st = fixture_open();
    struct store_import_row r[5] = {
        row("1", T0 - 5 * DAY, 0, "a"),            /* old, still open */
        row("2", T0 - 5 * DAY, T0 - DAY, "b"),     /* old, closed before */
        row("3", T0 - 5 * DAY, T0 + 3 * DAY, "c"), /* old, closed after */
        row("4", T0 + DAY, T0 + 2 * DAY, "d"),     /* in the window */
        row("5", T0 + 3 * DAY, 0, "e"),            /* after the window */
    };
    const char *names[5] = {"A", "B", "C", "D", "E"};
    struct seen seen = {0};
    size_t i;

    for (i = 0; i < 5; i++)
        r[i].req.service_name = names[i];
    r[3].department = NULL;
    batch(st, r, 5);
    cr_assert_eq(store_report_scan(st, "demo.civic311.org", T0, T0 + 2 * DAY,
                                   note_row, &seen, NULL),
                 C311_OK);
    qsort(seen.keys, seen.n, sizeof(seen.keys[0]), cmp_keys);
    cr_assert_eq(seen.n, 3);
    cr_assert_str_eq(seen.keys[0], "A-POLICE");
    cr_assert_str_eq(seen.keys[1], "C+POLICE");
    cr_assert_str_eq(seen.keys[2], "D+");
    cr_assert_eq(store_report_scan(st, NULL, T0, T0, note_row, &seen, NULL),
                 C311_ERR_INVALID);
    store_close(st);
    arena_free(&a);
}
