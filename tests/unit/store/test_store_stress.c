/* SPDX-License-Identifier: MIT */
/* The store under many threads, and after its process is killed. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>

#include "fixture.h"

TestSuite(S(store_stress), .init = fixture_setup, .fini = fixture_teardown,
          .timeout = 120);

#define NTHREADS   8
#define PER_THREAD 50

struct inserter {
    struct store *st;
    int64_t ids[PER_THREAD];
    int failures;
};

/* Inserts PER_THREAD requests, reading one back after each insert. */
static void *
insert_many(void *arg)
{
    struct inserter *w = arg;
    struct arena a = ARENA_INIT;
    struct sr *got;
    int i;

    for (i = 0; i < PER_THREAD; i++) {
        struct sr req = fixture_request("pothole", T0 + i, T0 + i);

        if (store_request_insert(w->st, &req, &a, NULL) != C311_OK ||
            store_request_get(w->st, req.public_id, &a, &got, NULL) !=
                C311_OK ||
            got->id != req.id)
            w->failures++;
        w->ids[i] = req.id;
    }
    arena_free(&a);
    return NULL;
}

/* Orders ids for the distinctness check. */
static int
cmp_id(const void *x, const void *y)
{
    int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;

    return (a > b) - (a < b);
}

Test(S(store_stress), eight_threads_insert_400_distinct_requests)
{
    static struct inserter w[NTHREADS];
    static int64_t all[NTHREADS * PER_THREAD];
    struct arena a = ARENA_INIT;
    struct store *st = fixture_open();
    pthread_t th[NTHREADS];
    struct sr_query q = {.limit = 1000};
    struct sr *v;
    size_t n, i;

    for (i = 0; i < NTHREADS; i++) {
        w[i].st = st;
        cr_assert_eq(pthread_create(&th[i], NULL, insert_many, &w[i]), 0);
    }
    for (i = 0; i < NTHREADS; i++) {
        pthread_join(th[i], NULL);
        cr_assert_eq(w[i].failures, 0, "thread %zu failed %d times", i,
                     w[i].failures);
        memcpy(&all[i * PER_THREAD], w[i].ids, sizeof(w[i].ids));
    }

    qsort(all, NTHREADS * PER_THREAD, sizeof(all[0]), cmp_id);
    /* Distinct ids 1..400: sorted, each is its position plus one. */
    for (i = 0; i < NTHREADS * PER_THREAD; i++)
        cr_assert_eq(all[i], (int64_t)i + 1, "id %zu is %lld", i,
                     (long long)all[i]);

    cr_assert_eq(store_request_query(st, &q, &a, &v, &n, NULL), C311_OK);
    cr_assert_eq(n, 400);
    store_close(st);
    arena_free(&a);
}

/* In the child: inserts until killed, writing each committed id to fd. */
static void
child_insert_forever(int fd)
{
    struct store_options opt = {1, false, false};
    struct arena a = ARENA_INIT;
    struct store *st;
    int i;

    if (store_open(fixture_db, &opt, &st, NULL) != C311_OK)
        _exit(3);
    for (i = 0; i < 100000; i++) {
        struct sr req = fixture_request("pothole", T0, T0);

        req.description = "written before the crash";
        if (store_request_insert(st, &req, &a, NULL) != C311_OK)
            _exit(4);
        if (write(fd, &req.id, sizeof(req.id)) != sizeof(req.id))
            _exit(5);
        if (i % 64 == 0)
            arena_free(&a);
    }
    _exit(0);
}

/* Reads acknowledged ids from fd into ids until EOF; returns how many. */
static size_t
read_acks(int fd, pid_t child, int64_t *ids, size_t max, size_t kill_after)
{
    size_t n = 0;
    ssize_t r;

    while (n < max) {
        r = read(fd, &ids[n], sizeof(ids[n]));
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        cr_assert_eq(r, (ssize_t)sizeof(ids[n]));
        if (++n == kill_after)
            kill(child, SIGKILL);
    }
    return n;
}

Test(S(store_stress), acknowledged_inserts_survive_sigkill)
{
    static int64_t acked[100000];
    struct arena a = ARENA_INIT;
    struct store *st;
    struct sr *got;
    int fds[2], status;
    pid_t child;
    size_t n, i;
    char pid[32];

    /* Create the schema first so the child starts inserting at once. */
    st = fixture_open();
    store_close(st);

    cr_assert_eq(pipe(fds), 0);
    child = fork();
    cr_assert_neq(child, -1);
    if (child == 0) {
        close(fds[0]);
        child_insert_forever(fds[1]);
    }
    close(fds[1]);
    n = read_acks(fds[0], child, acked, 100000, 200);
    close(fds[0]);
    cr_assert_eq(waitpid(child, &status, 0), child);
    cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
              "child was not killed mid-way (status %d)", status);
    cr_assert_geq(n, 200);

    st = fixture_open();
    for (i = 0; i < n; i++) {
        cr_assert_eq(acked[i], (int64_t)i + 1);
        snprintf(pid, sizeof(pid), "2026-%06lld", (long long)acked[i]);
        cr_assert_eq(store_request_get(st, pid, &a, &got, NULL), C311_OK,
                     "acknowledged request %s is lost", pid);
        cr_assert_str_eq(got->description, "written before the crash");
    }
    store_close(st);
    arena_free(&a);
}
