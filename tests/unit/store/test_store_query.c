/* SPDX-License-Identifier: MIT */
/* store_request_query: every filter, paging and order, with exact ids. */
#include "fixture.h"

static struct store *qst;
static struct arena qa = ARENA_INIT;

/*
 * Six requests (row ids 1..6); 3 and 4 share requested_at, so id breaks
 * the tie. Request 6 is in another jurisdiction.
 *
 *   id  code         status  requested   updated     jurisdiction
 *   1   pothole      open    T0          T0 + 10s    a
 *   2   graffiti     closed  T0 + 1d     T0 + 5d     a
 *   3   pothole      closed  T0 + 2d     T0 + 2d     a
 *   4   streetlight  open    T0 + 2d     T0 + 3d     a
 *   5   graffiti     open    T0 + 3d     T0 + 4d     a
 *   6   pothole      open    T0 + 4d     T0 + 4d     b
 */
static void
query_setup(void)
{
    static const struct {
        const char *code;
        enum sr_status status;
        int64_t requested, updated;
        const char *jurisdiction;
    } rows[] = {
        {"pothole", SR_OPEN, T0, T0 + 10, "a"},
        {"graffiti", SR_CLOSED, T0 + DAY, T0 + 5 * DAY, "a"},
        {"pothole", SR_CLOSED, T0 + 2 * DAY, T0 + 2 * DAY, "a"},
        {"streetlight", SR_OPEN, T0 + 2 * DAY, T0 + 3 * DAY, "a"},
        {"graffiti", SR_OPEN, T0 + 3 * DAY, T0 + 4 * DAY, "a"},
        {"pothole", SR_OPEN, T0 + 4 * DAY, T0 + 4 * DAY, "b"},
    };
    size_t i;

    fixture_setup();
    qst = fixture_open();
    for (i = 0; i < 6; i++) {
        struct sr req =
            fixture_request(rows[i].code, rows[i].requested, rows[i].updated);
        req.status = rows[i].status;
        req.jurisdiction_id = rows[i].jurisdiction;
        req.email = "someone@example.org";
        fixture_insert(qst, &req, &qa);
        cr_assert_eq(req.id, (int64_t)i + 1);
    }
}

/* Closes the store and removes the files. */
static void
query_teardown(void)
{
    store_close(qst);
    arena_free(&qa);
    fixture_teardown();
}

TestSuite(S(store_query), .init = query_setup, .fini = query_teardown);

/* Runs q and asserts the row ids that come back, in order. */
static void
expect_ids(const struct sr_query *q, const int64_t *want, size_t nwant)
{
    struct sr *v = NULL;
    char *cause = NULL;
    size_t n = 99, i;

    cr_assert_eq(store_request_query(qst, q, &qa, &v, &n, &cause), C311_OK,
                 "%s", cause);
    cr_assert_eq(n, nwant, "expected %zu rows, got %zu", nwant, n);
    for (i = 0; i < n; i++)
        cr_assert_eq(v[i].id, want[i], "row %zu: expected id %lld, got %lld", i,
                     (long long)want[i], (long long)v[i].id);
}

#define EXPECT(q, ...)                                                         \
    do {                                                                       \
        static const int64_t want_[] = {__VA_ARGS__};                          \
        expect_ids((q), want_, sizeof(want_) / sizeof(want_[0]));              \
    } while (0)

Test(S(store_query), all_newest_first_ties_by_id)
{
    struct sr_query q = {.limit = 100};

    EXPECT(&q, 6, 5, 4, 3, 2, 1);
}

Test(S(store_query), rows_carry_fields_but_no_answers)
{
    struct sr_query q = {.limit = 1};
    struct sr *v;
    size_t n;

    cr_assert_eq(store_request_query(qst, &q, &qa, &v, &n, NULL), C311_OK);
    cr_assert_eq(n, 1);
    cr_assert_str_eq(v[0].public_id, "2026-000006");
    cr_assert_str_eq(v[0].service_code, "pothole");
    cr_assert_str_eq(v[0].jurisdiction_id, "b");
    cr_assert_str_eq(v[0].email, "someone@example.org");
    cr_assert_eq(v[0].requested_at, T0 + 4 * DAY);
    cr_assert_eq(v[0].nattrs, 0);
}

Test(S(store_query), service_codes)
{
    const char *codes[] = {"pothole", "graffiti"};
    const char *one[] = {"streetlight"};
    const char *none[] = {"nothing"};
    struct sr_query q = {.limit = 100};

    q.service_codes = codes;
    q.nservice_codes = 2;
    EXPECT(&q, 6, 5, 3, 2, 1);
    q.service_codes = one;
    q.nservice_codes = 1;
    EXPECT(&q, 4);
    q.service_codes = none;
    expect_ids(&q, NULL, 0);
}

Test(S(store_query), status)
{
    struct sr_query q = {.limit = 100};

    q.want_open = true;
    EXPECT(&q, 6, 5, 4, 1);
    q.want_open = false;
    q.want_closed = true;
    EXPECT(&q, 3, 2);
    q.want_open = true;
    EXPECT(&q, 6, 5, 4, 3, 2, 1);
}

Test(S(store_query), requested_bounds_are_inclusive)
{
    struct sr_query q = {.limit = 100};

    q.requested_from = T0 + DAY;
    q.requested_to = T0 + 2 * DAY;
    EXPECT(&q, 4, 3, 2);
    q.requested_to = 0;
    EXPECT(&q, 6, 5, 4, 3, 2);
    q.requested_from = 0;
    q.requested_to = T0;
    EXPECT(&q, 1);
    q.requested_to = T0 - 1;
    expect_ids(&q, NULL, 0);
}

Test(S(store_query), updated_bounds_are_inclusive)
{
    struct sr_query q = {.limit = 100};

    q.updated_from = T0 + 4 * DAY;
    EXPECT(&q, 6, 5, 2);
    q.updated_from = 0;
    q.updated_to = T0 + 2 * DAY;
    EXPECT(&q, 3, 1);
    q.updated_from = T0 + 2 * DAY;
    q.updated_to = T0 + 3 * DAY;
    EXPECT(&q, 4, 3);
}

Test(S(store_query), filters_combine)
{
    const char *codes[] = {"pothole"};
    struct sr_query q = {.limit = 100};

    q.service_codes = codes;
    q.nservice_codes = 1;
    q.want_open = true;
    EXPECT(&q, 6, 1);
    q.jurisdiction_id = "a";
    EXPECT(&q, 1);
}

Test(S(store_query), public_ids_turn_other_filters_off)
{
    const char *ids[] = {"2026-000001", "2026-000004", "2026-000077"};
    const char *codes[] = {"graffiti"};
    struct sr_query q = {.limit = 100};

    q.public_ids = ids;
    q.npublic_ids = 3;
    q.service_codes = codes;
    q.nservice_codes = 1;
    q.want_closed = true;
    q.requested_from = T0 + 3 * DAY;
    EXPECT(&q, 4, 1);
}

Test(S(store_query), jurisdiction_scopes)
{
    const char *ids[] = {"2026-000001", "2026-000006"};
    struct sr_query q = {.limit = 100};

    q.jurisdiction_id = "a";
    EXPECT(&q, 5, 4, 3, 2, 1);
    q.jurisdiction_id = "b";
    EXPECT(&q, 6);
    q.public_ids = ids;
    q.npublic_ids = 2;
    EXPECT(&q, 6);
}

Test(S(store_query), offset_and_limit)
{
    struct sr_query q = {.limit = 2};

    EXPECT(&q, 6, 5);
    q.offset = 2;
    EXPECT(&q, 4, 3);
    q.offset = 5;
    q.limit = 10;
    EXPECT(&q, 1);
    q.offset = 6;
    expect_ids(&q, NULL, 0);
}

Test(S(store_query), zero_limit_is_invalid)
{
    struct sr_query q = {.limit = 0};
    struct sr *v;
    char *cause = NULL;
    size_t n;

    cr_assert_eq(store_request_query(qst, &q, &qa, &v, &n, &cause),
                 C311_ERR_INVALID);
    cr_assert_str_eq(cause, "query limit must be positive");
    free(cause);
}
