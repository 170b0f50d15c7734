/* SPDX-License-Identifier: MIT */
/*
 * The tests of test_store.c, run on PostgreSQL (see fixture.h), and what
 * only a server can do: go away and come back under an open store.
 */
#define FIXTURE_PG 1
#include <pthread.h>

#include "test_store.c"

static char restart_dir[64];

/* Runs scripts/pg-cluster.sh cmd on the test's own cluster. */
static void
cluster(const char *cmd)
{
    char line[256];

    snprintf(line, sizeof(line), "sh '%s/scripts/pg-cluster.sh' %s '%s'",
             CIVIC311_SOURCE_DIR, cmd, restart_dir);
    cr_assert_eq(system(line), 0, "%s failed", line);
}

/*
 * Starts a private cluster, so that stopping it cannot disturb tests
 * running at the same time against CIVIC311_TEST_PG_URL.
 */
static void
restart_setup(void)
{
    char line[256];
    FILE *f;

    if (getenv("CIVIC311_TEST_PG_URL") == NULL)
        cr_skip_test("CIVIC311_TEST_PG_URL is not set; PostgreSQL tests "
                     "are off");
    strcpy(restart_dir, "/tmp/civic311-pg-XXXXXX");
    cr_assert_not_null(mkdtemp(restart_dir));
    cluster("start");
    snprintf(line, sizeof(line), "sh '%s/scripts/pg-cluster.sh' url '%s'",
             CIVIC311_SOURCE_DIR, restart_dir);
    f = popen(line, "r");
    cr_assert_not_null(f);
    cr_assert_not_null(fgets(fixture_db, sizeof(fixture_db), f));
    fixture_db[strcspn(fixture_db, "\n")] = '\0';
    cr_assert_eq(pclose(f), 0);
}

/* Stops the private cluster (if it still runs) and deletes it. */
static void
restart_teardown(void)
{
    char line[256];

    if (restart_dir[0] == '\0')
        return;
    snprintf(line, sizeof(line),
             "sh '%s/scripts/pg-cluster.sh' stop '%s' 2>/dev/null;"
             " rm -rf '%s'",
             CIVIC311_SOURCE_DIR, restart_dir, restart_dir);
    if (system(line) != 0)
        fprintf(stderr, "could not remove %s\n", restart_dir);
}

/* Asserts that rc is C311_ERR_UNAVAILABLE with a cause that says so. */
static void
assert_unavailable(enum c311_rc rc, char *cause, const char *call)
{
    cr_assert_eq(rc, C311_ERR_UNAVAILABLE, "%s: got %s (%s)", call,
                 c311_rc_str(rc), cause != NULL ? cause : "no cause");
    cr_assert_not_null(cause, "%s: no cause", call);
    cr_assert(strncmp(cause, "database unavailable", 20) == 0, "%s: %s", call,
              cause);
    free(cause);
}

Test(store_pg_restart, store_recovers_after_a_server_restart,
     .init = restart_setup, .fini = restart_teardown, .timeout = 120)
{
    struct arena a = ARENA_INIT;
    struct store *st = fixture_open();
    struct sr r1 = fixture_request("pothole", T0, T0);
    struct sr r2 = fixture_request("graffiti", T0 + DAY, T0 + DAY);
    struct sr_query q = {.limit = 10};
    struct api_key *keys;
    struct sr *got, *v;
    char *cause = NULL;
    enum c311_rc rc;
    size_t n;

    fixture_insert(st, &r1, &a);
    cr_assert_str_eq(r1.public_id, "2026-000001");

    cluster("stop");
    rc = store_request_insert(st, &r2, &a, &cause);
    assert_unavailable(rc, cause, "insert");
    cause = NULL;
    cr_assert_eq(r2.id, 0);
    cr_assert_null(r2.public_id);
    rc = store_request_get(st, "2026-000001", &a, &got, &cause);
    assert_unavailable(rc, cause, "get");
    cause = NULL;
    rc = store_request_query(st, &q, &a, &v, &n, &cause);
    assert_unavailable(rc, cause, "query");
    cause = NULL;
    rc = store_apikey_list(st, &a, &keys, &n, &cause);
    assert_unavailable(rc, cause, "apikey_list");
    cause = NULL;

    /* The same store object, never reopened, works once the server is back. */
    cluster("start");
    cr_assert_eq(store_request_get(st, "2026-000001", &a, &got, &cause),
                 C311_OK, "%s", cause);
    cr_assert_str_eq(got->service_code, "pothole");
    fixture_insert(st, &r2, &a);
    cr_assert_eq(r2.id, 2);
    cr_assert_str_eq(r2.public_id, "2026-000002");
    cr_assert_eq(store_request_query(st, &q, &a, &v, &n, NULL), C311_OK);
    cr_assert_eq(n, 2);
    cr_assert_str_eq(v[0].public_id, "2026-000002");
    cr_assert_str_eq(v[1].public_id, "2026-000001");
    cr_assert_eq(store_apikey_add(st, "kiosk", "p", "hash-1", 5, NULL),
                 C311_OK);

    store_close(st);
    arena_free(&a);
}

#define NOPENERS 4

static pthread_barrier_t open_barrier;

/* Opens the store as soon as every opener is ready; returns the status. */
static void *
open_at_once(void *arg)
{
    struct store **st = arg;

    pthread_barrier_wait(&open_barrier);
    if (store_open(fixture_db, NULL, st, NULL) != C311_OK)
        *st = NULL;
    return NULL;
}

TestSuite(store_pg_migrate, .init = fixture_setup, .fini = fixture_teardown);

Test(store_pg_migrate, servers_starting_at_once_migrate_once)
{
    struct store *st[NOPENERS] = {NULL};
    pthread_t th[NOPENERS];
    size_t i;

    cr_assert_eq(pthread_barrier_init(&open_barrier, NULL, NOPENERS), 0);
    for (i = 0; i < NOPENERS; i++)
        cr_assert_eq(pthread_create(&th[i], NULL, open_at_once, &st[i]), 0);
    for (i = 0; i < NOPENERS; i++)
        pthread_join(th[i], NULL);
    pthread_barrier_destroy(&open_barrier);

    for (i = 0; i < NOPENERS; i++) {
        cr_assert_not_null(st[i], "opener %zu failed", i);
        cr_assert_eq(store_schema_version(st[i]), store_schema_latest());
        store_close(st[i]);
    }
    /* Each migration recorded once, however many servers raced. */
    cr_assert_eq(fixture_sql_int("SELECT count(*) FROM schema_migration"),
                 fixture_sql_int("SELECT count(DISTINCT version)"
                                 " FROM schema_migration"));
    cr_assert_eq(fixture_sql_int("SELECT max(version) FROM schema_migration"),
                 store_schema_latest());
    cr_assert_eq(fixture_sql_int("SELECT count(*) FROM pg_trigger"
                                 " WHERE tgrelid = 'event'::regclass"
                                 " AND NOT tgisinternal"),
                 2);
}
