/* SPDX-License-Identifier: MIT */
/*
 * Tests of `civic311 copy` and the store's export and import under it: a
 * SQLite store filled through the store API is copied to another SQLite
 * file, and to PostgreSQL and back (see fixture.h; skipped when
 * CIVIC311_TEST_PG_URL is unset), and every request must come out with
 * every field equal, every table with the same count and one field of
 * each of the later tables (work engine, calls, knowledge base) exact,
 * the copied articles searchable, and ids going on after the copied ones.
 */
#define FIXTURE_PG 1
#include <inttypes.h>

#include "cli/cli.h"
#include "fixture.h"
#include "store/kb_store.h"
#include "store/sqlx.h"

static char copy_dir[64];
static char copy_src[128];
static char copy_back[128];

/* Makes the directory of the SQLite stores; PostgreSQL is fixture's. */
static void
copy_setup_dir(void)
{
    strcpy(copy_dir, "/tmp/civic311-copy-XXXXXX");
    cr_assert_not_null(mkdtemp(copy_dir));
    snprintf(copy_src, sizeof(copy_src), "%s/src.db", copy_dir);
    snprintf(copy_back, sizeof(copy_back), "%s/back.db", copy_dir);
}

/* The PostgreSQL schema (or a skip) and the SQLite directory. */
static void
copy_setup_pg(void)
{
    fixture_setup();
    copy_setup_dir();
}

/* Removes the SQLite files and their directory. */
static void
copy_teardown_dir(void)
{
    char line[200];

    if (copy_dir[0] == '\0')
        return;
    snprintf(line, sizeof(line), "rm -rf '%s'", copy_dir);
    if (system(line) != 0)
        fprintf(stderr, "could not remove %s\n", copy_dir);
}

/* Drops the PostgreSQL schema and the SQLite files. */
static void
copy_teardown_pg(void)
{
    fixture_teardown();
    copy_teardown_dir();
}

/* Opens the store dsn, failing the test on error. */
static struct store *
open_dsn(const char *dsn)
{
    struct store_options opt = {2, false, false};
    struct store *st = NULL;
    char *cause = NULL;

    cr_assert_eq(store_open(dsn, &opt, &st, &cause), C311_OK, "%s: %s", dsn,
                 cause != NULL ? cause : "?");
    return st;
}

/* Runs `civic311 copy --from from --to to --batch 2`; returns its status. */
static int
run_copy(const char *from, const char *to)
{
    char *argv[] = {"copy",     "--from",  (char *)from, "--to",
                    (char *)to, "--batch", "2",          NULL};

    return cmd_copy(7, argv);
}

/* Runs the statements of arg (text) on x. */
static enum c311_rc
exec_work(struct sqlx *x, void *arg, char **cause)
{
    return sqlx_exec(x, arg, NULL, 0, NULL, cause);
}

/* Runs one SQL statement on st, failing the test on error. */
static void
exec_sql(struct store *st, const char *sql)
{
    struct arena a = ARENA_INIT;
    char *cause = NULL;

    cr_assert_eq(sqlx_run(st, true, exec_work, (void *)sql, &a, &cause),
                 C311_OK, "%s: %s", sql, cause != NULL ? cause : "?");
    arena_free(&a);
}

/* What text_work() runs and where the first cell goes. */
struct text_arg {
    const char *sql;
    char out[256];
};

/* Copies the first cell of the first row of w->sql to w->out. */
static enum c311_rc
text_work(struct sqlx *x, void *arg, char **cause)
{
    struct text_arg *w = arg;
    struct sqlx_rows r;
    enum c311_rc rc;

    rc = sqlx_exec(x, w->sql, NULL, 0, &r, cause);
    if (rc == C311_OK)
        snprintf(w->out, sizeof(w->out), "%s",
                 r.nrows > 0 && sqlx_cell(&r, 0, 0) != NULL
                     ? sqlx_cell(&r, 0, 0)
                     : "(null)");
    return rc;
}

/* Asserts that the first cell sql returns from st is want. */
static void
cell_is(struct store *st, const char *sql, const char *want)
{
    struct arena a = ARENA_INIT;
    struct text_arg w = {sql, ""};
    char *cause = NULL;

    cr_assert_eq(sqlx_run(st, false, text_work, &w, &a, &cause), C311_OK,
                 "%s: %s", sql, cause != NULL ? cause : "?");
    cr_assert_str_eq(w.out, want, "%s", sql);
    arena_free(&a);
}

/*
 * Fills the later tables: a work order of request 1 with an escalation, a
 * message and a tow record; three work group turns (two pages of a copy
 * in batches of 2); a call with an agent span and a log position; an
 * article in two services with its first version, a use and a search.
 */
static void
fill_later(struct store *st)
{
    static const char *tags[] = {"impound"};
    static const char *svcs[] = {"POTHOLE", "ABANDONED_VEHICLE"};
    struct kb_search_entry e = {T0,          NULL, true, "Towed car?",
                                "towed car", "en", 1};
    struct kb_article art;
    char *cause = NULL;

    exec_sql(st, "INSERT INTO work_order (id, request_id, workflow, step,"
                 " department, work_group, assignee, status, priority,"
                 " created_at, updated_at, held_seconds, sla_state)"
                 " VALUES (1, 1, 'pothole', 'fill', 'DOT', 'roads',"
                 " 'crew-7', 'on_hold', 2, 1000, 2000, 45, 'at_risk')");
    exec_sql(st, "INSERT INTO work_group_turn VALUES ('roads', 3),"
                 " ('parks', 1), ('lights', 12)");
    exec_sql(st, "INSERT INTO sla_escalation VALUES"
                 " (1, 2, 3000, 'supervisor@city.example')");
    exec_sql(st, "INSERT INTO outbox (id, created_at, recipient, subject,"
                 " body, request_id, work_order_id) VALUES (1, 3000,"
                 " 'supervisor@city.example', 'Work order 1 is late', NULL,"
                 " 1, 1)");
    exec_sql(st, "INSERT INTO tow_record (id, request_id, work_order_id,"
                 " plate, towed_at, pound, reason, status, created_at,"
                 " updated_at) VALUES (1, 1, 1, 'ABC-1234', 4000,"
                 " 'Pier 76', 'abandoned', 'held', 4000, 4000)");
    exec_sql(st, "INSERT INTO call (id, callid, caller, queue, agent,"
                 " entered_at, answered_at, ended_at, outcome, wait_s,"
                 " talk_s, events) VALUES (1, '1700000000.1', '2125550100',"
                 " 'main', 'Agent/7', 5000, 5020, 5200, 'answered', 20,"
                 " 180, 'ENTERQUEUE|x')");
    exec_sql(st, "INSERT INTO call_agent_span VALUES"
                 " (1, 'Agent/7', 'main', 'pause', 5300, 5400)");
    exec_sql(st, "INSERT INTO queue_log_source VALUES"
                 " ('/var/log/asterisk/queue_log', '42:7', 8192, 5500)");

    memset(&art, 0, sizeof(art));
    art.lang = "en";
    art.status = KB_PUBLISHED;
    art.c.title = "Towed vehicle";
    art.c.body = "Call the impound lot to get your car back.";
    art.c.tags = tags;
    art.c.ntags = 1;
    art.c.services = svcs;
    art.c.nservices = 2;
    cr_assert_eq(kb_store_create(st, &art, "user:ed", T0, &cause), C311_OK,
                 "%s", cause != NULL ? cause : "?");
    cr_assert_eq(art.id, 1);
    cr_assert_eq(kb_store_use_add(st, 1, "user:ed", "phone", true, T0, &cause),
                 C311_OK);
    cr_assert_eq(kb_store_search_log(st, &e, 1, &cause), C311_OK);
}

/* Asserts one field of each later table of y, and that search finds. */
static void
same_later(struct store *y)
{
    struct arena a = ARENA_INIT;
    static const struct kb_filter none;
    struct kb_article *v;
    struct kb_term *t;
    size_t nt, n;

    cell_is(y, "SELECT assignee FROM work_order WHERE id = 1", "crew-7");
    cell_is(y, "SELECT held_seconds FROM work_order WHERE id = 1", "45");
    cell_is(y, "SELECT turns FROM work_group_turn WHERE work_group = 'lights'",
            "12");
    cell_is(y, "SELECT notified FROM sla_escalation WHERE level = 2",
            "supervisor@city.example");
    cell_is(y, "SELECT subject FROM outbox WHERE id = 1",
            "Work order 1 is late");
    cell_is(y, "SELECT plate FROM tow_record WHERE id = 1", "ABC-1234");
    cell_is(y, "SELECT talk_s FROM call WHERE callid = '1700000000.1'", "180");
    cell_is(y, "SELECT kind FROM call_agent_span WHERE id = 1", "pause");
    cell_is(y, "SELECT position FROM queue_log_source", "8192");
    cell_is(y, "SELECT title FROM kb_article WHERE id = 1", "Towed vehicle");
    cell_is(y,
            "SELECT service_code FROM kb_article_service"
            " ORDER BY service_code LIMIT 1",
            "ABANDONED_VEHICLE");
    cell_is(y, "SELECT action FROM kb_version WHERE article_id = 1", "created");
    cell_is(y, "SELECT channel FROM kb_use WHERE id = 1", "phone");
    cell_is(y, "SELECT query FROM kb_search WHERE id = 1", "Towed car?");

    /* The index was rebuilt: long and short terms find the article. */
    cr_assert_eq(kb_text_terms("impound", &a, &t, &nt), C311_OK);
    cr_assert_eq(kb_store_find(y, &none, t, nt, false, &a, &v, &n, NULL),
                 C311_OK);
    cr_assert_eq(n, 1);
    cr_assert_eq(v[0].id, 1);
    cr_assert_eq(kb_text_terms("lot", &a, &t, &nt), C311_OK);
    cr_assert_eq(kb_store_find(y, &none, t, nt, false, &a, &v, &n, NULL),
                 C311_OK);
    cr_assert_eq(n, 1);
    arena_free(&a);
}

static struct attr_answer answers[] = {
    {"WHERE", "in the street"},
    {"SIZE", "large"},
    {"WHERE", "by the curb"},
};

/*
 * Fills st with five requests (one with every field set, one with its own
 * public id and an awkward text), three answers, and two api keys of which
 * one is revoked. Requests 1..5 get row ids 1..5.
 */
static void
fill(struct store *st)
{
    struct arena a = ARENA_INIT;
    struct sr full, r;
    char *cause = NULL;
    int i;

    full = fixture_request("POTHOLE", T0, T0 + 3600);
    full.service_name = "Pothole";
    full.status = SR_CLOSED;
    full.status_notes = "filled on Tuesday";
    full.description = "Deep pothole, \"right\" lane; caf\xc3\xa9 corner\n2nd";
    full.agency_responsible = "DOT";
    full.service_notice = "usually 3 days";
    full.expected_at = T0 + 3 * DAY;
    full.closed_at = T0 + 2 * DAY;
    full.has_location = true;
    full.lat = 40.712775826584047;
    full.lon = -74.005971600000013;
    full.address = "1 Centre St";
    full.address_id = "A-77";
    full.zipcode = "10007";
    full.media_url = "https://example.org/p.jpg";
    full.language = "es";
    full.api_key_name = "app";
    full.email = "ana@example.org";
    full.phone = "+1 212 555 0100";
    full.first_name = "Ana";
    full.last_name = "Ruiz";
    full.device_id = "dev-1";
    full.account_id = "acct-9";
    full.token = "tok-123";
    full.attrs = answers;
    full.nattrs = 3;
    fixture_insert(st, &full, &a);
    cr_assert_str_eq(full.public_id, "2026-000001");

    for (i = 0; i < 4; i++) {
        r = fixture_request(i % 2 ? "GRAFFITI" : "STREETLIGHT", T0 + i * DAY,
                            T0 + i * DAY);
        if (i == 1) {
            r.public_id = "LEGACY-7";
            r.description = "";
        }
        fixture_insert(st, &r, &a);
    }
    cr_assert_eq(store_apikey_add(st, "app", "c311_aaa", "aa11", T0, &cause),
                 C311_OK);
    cr_assert_eq(
        store_apikey_add(st, "old", "c311_bbb", "bb22", T0 + 1, &cause),
        C311_OK);
    cr_assert_eq(store_apikey_revoke(st, "old", T0 + DAY, &cause), C311_OK);
    arena_free(&a);
    fill_later(st);
}

/* Asserts that two strings are both NULL or equal. */
static void
same_str(const char *a, const char *b, const char *field)
{
    if (a == NULL || b == NULL)
        cr_assert(a == b, "%s: '%s' and '%s'", field, a ? a : "(null)",
                  b ? b : "(null)");
    else
        cr_assert_str_eq(a, b, "%s", field);
}

/* Asserts that request public_id is the same, answers included, in both. */
static void
same_request(struct store *x, struct store *y, const char *public_id)
{
    struct arena a = ARENA_INIT;
    struct sr *p, *q;
    char *cause = NULL;
    size_t i;

    cr_assert_eq(store_request_get(x, public_id, &a, &p, &cause), C311_OK,
                 "%s: %s", public_id, cause);
    cr_assert_eq(store_request_get(y, public_id, &a, &q, &cause), C311_OK,
                 "%s: %s", public_id, cause);
    cr_assert_eq(p->id, q->id);
    same_str(p->public_id, q->public_id, "public_id");
    same_str(p->jurisdiction_id, q->jurisdiction_id, "jurisdiction_id");
    same_str(p->service_code, q->service_code, "service_code");
    same_str(p->service_name, q->service_name, "service_name");
    cr_assert_eq(p->status, q->status);
    same_str(p->status_notes, q->status_notes, "status_notes");
    same_str(p->description, q->description, "description");
    same_str(p->agency_responsible, q->agency_responsible, "agency");
    same_str(p->service_notice, q->service_notice, "service_notice");
    cr_assert_eq(p->requested_at, q->requested_at);
    cr_assert_eq(p->updated_at, q->updated_at);
    cr_assert_eq(p->expected_at, q->expected_at);
    cr_assert_eq(p->closed_at, q->closed_at);
    cr_assert_eq(p->has_location, q->has_location);
    cr_assert(p->lat == q->lat, "lat %.17g != %.17g", p->lat, q->lat);
    cr_assert(p->lon == q->lon, "lon %.17g != %.17g", p->lon, q->lon);
    same_str(p->address, q->address, "address");
    same_str(p->address_id, q->address_id, "address_id");
    same_str(p->zipcode, q->zipcode, "zipcode");
    same_str(p->media_url, q->media_url, "media_url");
    same_str(p->channel, q->channel, "channel");
    same_str(p->language, q->language, "language");
    same_str(p->api_key_name, q->api_key_name, "api_key_name");
    same_str(p->email, q->email, "email");
    same_str(p->phone, q->phone, "phone");
    same_str(p->first_name, q->first_name, "first_name");
    same_str(p->last_name, q->last_name, "last_name");
    same_str(p->device_id, q->device_id, "device_id");
    same_str(p->account_id, q->account_id, "account_id");
    same_str(p->token, q->token, "token");
    cr_assert_eq(p->nattrs, q->nattrs);
    for (i = 0; i < p->nattrs; i++) {
        same_str(p->attrs[i].code, q->attrs[i].code, "answer code");
        same_str(p->attrs[i].value, q->attrs[i].value, "answer value");
    }
    arena_free(&a);
}

/* Asserts that every request, key and count of x is also in y. */
static void
same_store(struct store *x, struct store *y)
{
    static const char *const ids[] = {"2026-000001", "LEGACY-7", "2026-000002",
                                      "2026-000004", "2026-000005"};
    /* The one request with contact details made a caller (with a phone
     * and an email) and an audit entry. */
    static const int64_t counts[STORE_NTABLES] = {
        [STORE_API_KEY] = 2,
        [STORE_CONTACT] = 1,
        [STORE_CONTACT_POINT] = 2,
        [STORE_REQUEST] = 5,
        [STORE_REQUEST_ATTR] = 3,
        [STORE_EVENT] = 5,
        [STORE_AUDIT] = 1,
        [STORE_WORK_ORDER] = 1,
        [STORE_WORK_GROUP_TURN] = 3,
        [STORE_SLA_ESCALATION] = 1,
        [STORE_OUTBOX] = 1,
        [STORE_TOW_RECORD] = 1,
        [STORE_CALL] = 1,
        [STORE_CALL_AGENT_SPAN] = 1,
        [STORE_QUEUE_LOG_SOURCE] = 1,
        [STORE_KB_ARTICLE] = 1,
        [STORE_KB_ARTICLE_SERVICE] = 2,
        [STORE_KB_VERSION] = 1,
        [STORE_KB_USE] = 1,
        [STORE_KB_SEARCH] = 1,
    };
    struct arena a = ARENA_INIT;
    struct api_key *kx, *ky;
    struct api_key k;
    size_t nx, ny, i;
    char *cause = NULL;
    int64_t n;
    int t;

    for (i = 0; i < 5; i++)
        same_request(x, y, ids[i]);
    for (t = 0; t < STORE_NTABLES; t++) {
        cr_assert_eq(store_count(x, (enum store_table)t, &n, &cause), C311_OK);
        cr_assert_eq(n, counts[t], "source %s: %" PRId64,
                     store_table_name((enum store_table)t), n);
        cr_assert_eq(store_count(y, (enum store_table)t, &n, &cause), C311_OK);
        cr_assert_eq(n, counts[t], "%s: %" PRId64,
                     store_table_name((enum store_table)t), n);
    }
    same_later(y);
    cr_assert_eq(store_apikey_list(x, &a, &kx, &nx, &cause), C311_OK);
    cr_assert_eq(store_apikey_list(y, &a, &ky, &ny, &cause), C311_OK);
    cr_assert_eq(nx, 2);
    cr_assert_eq(ny, 2);
    for (i = 0; i < 2; i++) {
        cr_assert_eq(kx[i].id, ky[i].id);
        cr_assert_str_eq(kx[i].name, ky[i].name);
        cr_assert_str_eq(kx[i].prefix, ky[i].prefix);
        cr_assert_eq(kx[i].created_at, ky[i].created_at);
        cr_assert_eq(kx[i].revoked_at, ky[i].revoked_at);
    }
    cr_assert_eq(ky[1].revoked_at, T0 + DAY);
    /* The hash came along: the active key is found by it, not the other. */
    cr_assert_eq(store_apikey_find(y, "aa11", &a, &k, &cause), C311_OK);
    cr_assert_str_eq(k.name, "app");
    cr_assert_eq(store_apikey_find(y, "bb22", &a, &k, &cause),
                 C311_ERR_NOT_FOUND);
    free(cause);
    arena_free(&a);
}

/* Asserts that rows added to st after a copy get the next ids. */
static void
ids_go_on(struct store *st)
{
    struct arena a = ARENA_INIT;
    struct api_key *keys;
    char *cause = NULL;
    struct sr r;
    size_t n;

    r = fixture_request("POTHOLE", T0 + 9 * DAY, T0 + 9 * DAY);
    fixture_insert(st, &r, &a);
    cr_assert_eq(r.id, 6);
    cr_assert_str_eq(r.public_id, "2026-000006");
    cr_assert_eq(store_apikey_add(st, "new", "c311_ccc", "cc33", T0, &cause),
                 C311_OK, "%s", cause);
    cr_assert_eq(store_apikey_list(st, &a, &keys, &n, &cause), C311_OK);
    cr_assert_eq(n, 3);
    cr_assert_eq(keys[2].id, 3);
    exec_sql(st, "INSERT INTO outbox (created_at, recipient, subject)"
                 " VALUES (6000, 'a@city.example', 'next')");
    cell_is(st, "SELECT max(id) FROM outbox", "2");
    arena_free(&a);
}

Test(copy, command_line_errors_exit_2)
{
    char *none[] = {"copy", NULL};
    char *same[] = {"copy", "--from", "a.db", "--to", "a.db", NULL};
    char *batch[] = {"copy", "--from",  "a.db", "--to",
                     "b.db", "--batch", "0",    NULL};
    char *help[] = {"copy", "--help", NULL};

    cr_assert_eq(cmd_copy(1, none), CLI_USAGE);
    cr_assert_eq(cmd_copy(5, same), CLI_USAGE);
    cr_assert_eq(cmd_copy(7, batch), CLI_USAGE);
    cr_assert_eq(cmd_copy(2, help), CLI_OK);
}

Test(copy, sqlite_to_sqlite_keeps_every_field, .init = copy_setup_dir,
     .fini = copy_teardown_dir)
{
    struct store *src, *dst;
    char missing[160];

    src = open_dsn(copy_src);
    fill(src);
    store_close(src);
    cr_assert_eq(run_copy(copy_src, copy_back), CLI_OK);

    src = open_dsn(copy_src);
    dst = open_dsn(copy_back);
    same_store(src, dst);
    /* The short grams are rebuilt, not copied: as many as the source. */
    cell_is(dst,
            "SELECT count(*) = (SELECT count(*) FROM kb_gram WHERE"
            " article_id = 1) AND count(*) > 0 FROM kb_gram",
            "1");
    ids_go_on(dst);
    store_close(dst);
    store_close(src);

    /* A destination with rows is refused, and a missing source. */
    cr_assert_eq(run_copy(copy_src, copy_back), CLI_FAIL);
    snprintf(missing, sizeof(missing), "%s/none.db", copy_dir);
    cr_assert_eq(run_copy(missing, copy_back), CLI_FAIL);
    cr_assert_eq(access(missing, F_OK), -1, "the missing source was created");
}

Test(copy, sqlite_to_postgresql_and_back, .init = copy_setup_pg,
     .fini = copy_teardown_pg, .timeout = 60)
{
    struct store *src, *pg, *back;

    src = open_dsn(copy_src);
    fill(src);
    store_close(src);
    cr_assert_eq(run_copy(copy_src, fixture_db), CLI_OK);

    src = open_dsn(copy_src);
    pg = open_dsn(fixture_db);
    same_store(src, pg);
    /* Events came along with their JSON. */
    cr_assert_eq(fixture_sql_int("SELECT count(*) FROM event"
                                 " WHERE kind = 'created' AND after_json"
                                 " ->> 'public_id' = 'LEGACY-7'"),
                 1);
    store_close(pg);

    /* Back to a new SQLite file before anything is added on PostgreSQL. */
    cr_assert_eq(run_copy(fixture_db, copy_back), CLI_OK);
    back = open_dsn(copy_back);
    same_store(src, back);
    store_close(back);
    store_close(src);

    pg = open_dsn(fixture_db);
    ids_go_on(pg);
    store_close(pg);
    cr_assert_eq(run_copy(copy_src, fixture_db), CLI_FAIL);
}
