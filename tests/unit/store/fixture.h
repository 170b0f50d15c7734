/* SPDX-License-Identifier: MIT */
/*
 * Shared set-up for the store tests, for either back end. By default each
 * test gets a fresh SQLite file in a mkdtemp directory. A file that
 * defines FIXTURE_PG before including a test file runs the same tests on
 * PostgreSQL instead: each test gets its own schema in the database named
 * by CIVIC311_TEST_PG_URL (see scripts/pg-cluster.sh), and is skipped when
 * that variable is unset. Suites are named through S() so that both runs
 * live in one binary (store and store_pg, ...).
 */
#ifndef CIVIC311_TEST_STORE_FIXTURE_H
#define CIVIC311_TEST_STORE_FIXTURE_H

#include <criterion/criterion.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store.h"

#ifdef FIXTURE_PG
#define S(suite) suite##_pg
static const bool fixture_pg = true;
#else
#define S(suite) suite
static const bool fixture_pg = false;
#endif

/* 2026-03-01T09:00:00Z and one day, for readable instants. */
#define T0  INT64_C(1772355600)
#define DAY INT64_C(86400)

static char fixture_dir[64];
static char fixture_db[1024]; /* the DSN: a file name or a postgresql:// URI */
static char fixture_schema[64];

/* Drops server notices, which would clutter the test output. */
static inline void
fixture_ignore_notice(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

/* Runs sql on the PostgreSQL server at dsn; the error goes to *err. */
static inline bool
fixture_pg_exec(const char *dsn, const char *sql, char **err)
{
    PGconn *db = PQconnectdb(dsn);
    PGresult *res = NULL;
    const char *msg;
    bool ok = false;

    if (PQstatus(db) != CONNECTION_OK) {
        msg = PQerrorMessage(db);
    } else {
        PQsetNoticeProcessor(db, fixture_ignore_notice, NULL);
        res = PQexec(db, sql);
        ok = PQresultStatus(res) == PGRES_COMMAND_OK ||
             PQresultStatus(res) == PGRES_TUPLES_OK;
        msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
    }
    if (!ok && err != NULL)
        *err = strdup(msg != NULL ? msg : "?");
    PQclear(res);
    PQfinish(db);
    return ok;
}

/*
 * Makes this test's database: a file in a new directory, or a new schema
 * that the DSN puts first on the search path.
 */
static inline void
fixture_setup(void)
{
    const char *url;
    char *err = NULL;
    char sql[256];

    if (!fixture_pg) {
        strcpy(fixture_dir, "/tmp/civic311-store-XXXXXX");
        cr_assert_not_null(mkdtemp(fixture_dir));
        snprintf(fixture_db, sizeof(fixture_db), "%s/test.db", fixture_dir);
        return;
    }
    url = getenv("CIVIC311_TEST_PG_URL");
    if (url == NULL || *url == '\0')
        cr_skip_test("CIVIC311_TEST_PG_URL is not set; start a server with "
                     "scripts/pg-cluster.sh start DIR and set it to the "
                     "output of scripts/pg-cluster.sh url DIR");
    snprintf(fixture_schema, sizeof(fixture_schema), "test_%ld",
             (long)getpid());
    snprintf(sql, sizeof(sql),
             "DROP SCHEMA IF EXISTS %s CASCADE;"
             " CREATE SCHEMA %s",
             fixture_schema, fixture_schema);
    cr_assert(fixture_pg_exec(url, sql, &err), "creating a schema: %s", err);
    cr_assert_lt(snprintf(fixture_db, sizeof(fixture_db),
                          "%s%coptions=-csearch_path%%3D%s", url,
                          strchr(url, '?') != NULL ? '&' : '?', fixture_schema),
                 (int)sizeof(fixture_db));
}

/* Removes the database: its files and directory, or its schema. */
static inline void
fixture_teardown(void)
{
    static const char *const suffixes[] = {"", "-wal", "-shm"};
    char path[1100];
    size_t i;

    if (fixture_pg) {
        if (fixture_schema[0] != '\0') {
            snprintf(path, sizeof(path), "DROP SCHEMA %s CASCADE",
                     fixture_schema);
            fixture_pg_exec(getenv("CIVIC311_TEST_PG_URL"), path, NULL);
        }
        return;
    }
    for (i = 0; i < 3; i++) {
        snprintf(path, sizeof(path), "%s%s", fixture_db, suffixes[i]);
        unlink(path);
    }
    rmdir(fixture_dir);
}

/*
 * Runs sql directly on the test database, behind the store's back;
 * returns false with the database's message in *err (malloc'd) on error.
 */
static inline bool
fixture_exec(const char *sql, char **err)
{
    sqlite3 *db;
    bool ok;

    if (fixture_pg)
        return fixture_pg_exec(fixture_db, sql, err);
    cr_assert_eq(sqlite3_open(fixture_db, &db), SQLITE_OK);
    ok = sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK;
    if (!ok && err != NULL)
        *err = strdup(sqlite3_errmsg(db));
    sqlite3_close(db);
    return ok;
}

/* Runs sql on the test database and returns the integer it selects. */
static inline int64_t
fixture_sql_int(const char *sql)
{
    sqlite3_stmt *stmt;
    PGresult *res;
    PGconn *pg;
    sqlite3 *db;
    int64_t v;

    if (fixture_pg) {
        pg = PQconnectdb(fixture_db);
        cr_assert_eq(PQstatus(pg), CONNECTION_OK, "%s", PQerrorMessage(pg));
        PQsetNoticeProcessor(pg, fixture_ignore_notice, NULL);
        res = PQexec(pg, sql);
        cr_assert_eq(PQresultStatus(res), PGRES_TUPLES_OK, "%s",
                     PQresultErrorMessage(res));
        cr_assert_eq(PQntuples(res), 1);
        v = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
        PQclear(res);
        PQfinish(pg);
        return v;
    }
    cr_assert_eq(sqlite3_open(fixture_db, &db), SQLITE_OK);
    cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL), SQLITE_OK, "%s",
                 sqlite3_errmsg(db));
    cr_assert_eq(sqlite3_step(stmt), SQLITE_ROW);
    v = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return v;
}

/* Opens the test database, failing the test on error. */
static inline struct store *
fixture_open(void)
{
    struct store_options opt = {2, false, false};
    struct store *st = NULL;
    char *cause = NULL;
    enum c311_rc rc;

    rc = store_open(fixture_db, &opt, &st, &cause);
    cr_assert_eq(rc, C311_OK, "store_open: %s", cause ? cause : "?");
    free(cause);
    return st;
}

/* A minimal open request for code, requested and updated at the given times. */
static inline struct sr
fixture_request(const char *code, int64_t requested, int64_t updated)
{
    struct sr req;

    memset(&req, 0, sizeof(req));
    req.jurisdiction_id = "demo.civic311.org";
    req.service_code = code;
    req.status = SR_OPEN;
    req.requested_at = requested;
    req.updated_at = updated;
    req.channel = "open311";
    return req;
}

/* Inserts req and fails the test unless it worked. */
static inline void
fixture_insert(struct store *st, struct sr *req, struct arena *a)
{
    char *cause = NULL;
    enum c311_rc rc;

    rc = store_request_insert(st, req, a, &cause);
    cr_assert_eq(rc, C311_OK, "insert: %s", cause ? cause : "?");
    free(cause);
}

#endif
