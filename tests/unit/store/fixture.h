/* SPDX-License-Identifier: MIT */
/*
 * Shared set-up for the store tests: a fresh SQLite file in a mkdtemp
 * directory per test, and a helper to build a request with the fields the
 * store requires.
 */
#ifndef CIVIC311_TEST_STORE_FIXTURE_H
#define CIVIC311_TEST_STORE_FIXTURE_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store.h"

/* 2026-03-01T09:00:00Z and one day, for readable instants. */
#define T0  INT64_C(1772355600)
#define DAY INT64_C(86400)

static char fixture_dir[64];
static char fixture_db[128];

/* Creates the directory that holds this test's database file. */
static inline void
fixture_setup(void)
{
    strcpy(fixture_dir, "/tmp/civic311-store-XXXXXX");
    cr_assert_not_null(mkdtemp(fixture_dir));
    snprintf(fixture_db, sizeof(fixture_db), "%s/test.db", fixture_dir);
}

/* Removes the database, its WAL files and the directory. */
static inline void
fixture_teardown(void)
{
    static const char *const suffixes[] = {"", "-wal", "-shm"};
    char path[160];
    size_t i;

    for (i = 0; i < 3; i++) {
        snprintf(path, sizeof(path), "%s%s", fixture_db, suffixes[i]);
        unlink(path);
    }
    rmdir(fixture_dir);
}

/* Opens the test database, failing the test on error. */
static inline struct store *
fixture_open(void)
{
    struct store_options opt = {2, false};
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
