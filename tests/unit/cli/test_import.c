/* SPDX-License-Identifier: MIT */
/*
 * `civic311 import` end to end on the small files of
 * tests/fixtures/import/: a byte order mark, CRLF, a quoted newline and
 * blank lines; rows that must be refused, with their lines and reasons;
 * the older NYC layout; re-imports that change nothing or one row. Run on
 * SQLite, and on PostgreSQL by test_import_pg.c.
 */
#include "../store/fixture.h"
#include "cli/cli.h"
#include "store/import.h"

#define IMPORT_FIXTURE(name) CIVIC311_SOURCE_DIR "/tests/fixtures/import/" name
#define DEMO_CITY            CIVIC311_SOURCE_DIR "/config/demo-city.yaml"

static char out_path[256];
static char rejects_path[256];

/* A database and a place for the command's output and rejects. */
static void
setup(void)
{
    fixture_setup();
    snprintf(out_path, sizeof(out_path), "/tmp/civic311-import-out-%ld",
             (long)getpid());
    snprintf(rejects_path, sizeof(rejects_path),
             "/tmp/civic311-import-rejects-%ld.csv", (long)getpid());
}

/* Removes the database and the files. */
static void
teardown(void)
{
    unlink(out_path);
    unlink(rejects_path);
    fixture_teardown();
}

TestSuite(S(cli_import), .init = setup, .fini = teardown);

/* The whole of a small file, in a static buffer. */
static const char *
slurp(const char *path)
{
    static char text[16384];
    FILE *f = fopen(path, "r");
    size_t n;

    cr_assert_not_null(f, "%s", path);
    n = fread(text, 1, sizeof(text) - 1, f);
    text[n] = '\0';
    fclose(f);
    return text;
}

/*
 * Runs `civic311 import FILE --db ... --config demo` with one more option
 * pair (or none) and returns its standard output; *status gets the exit.
 */
static const char *
run_import(const char *file, const char *opt, const char *val, int *status)
{
    char *argv[10] = {"import",   (char *)file, "--db",
                      fixture_db, "--config",   DEMO_CITY};
    int argc = 6, saved;
    FILE *f;

    if (opt != NULL) {
        argv[argc++] = (char *)opt;
        argv[argc++] = (char *)val;
    }
    fflush(stdout);
    saved = dup(STDOUT_FILENO);
    f = fopen(out_path, "w");
    cr_assert_not_null(f);
    dup2(fileno(f), STDOUT_FILENO);
    *status = cmd_import(argc, argv);
    fflush(stdout);
    dup2(saved, STDOUT_FILENO);
    close(saved);
    fclose(f);
    return slurp(out_path);
}

/* The line of text that starts with prefix, or fails the test. */
static void
has_line(const char *text, const char *line)
{
    cr_assert_not_null(strstr(text, line), "no '%s' in:\n%s", line, text);
}

Test(S(cli_import), bom_crlf_quoted_newlines_and_blank_lines)
{
    const char *out;
    struct arena a = ARENA_INIT;
    struct store *st;
    struct sr *got;
    int status;

    out = run_import(IMPORT_FIXTURE("nyc-tricky.csv"), NULL, NULL, &status);
    cr_assert_eq(status, CLI_OK, "%s", out);
    has_line(out, "nyc-tricky.csv: NYC 311, current layout (41 columns)\n");
    has_line(out, "\nread 3, imported 3, updated 0, unchanged 0, "
                  "rejected 0\n");
    has_line(out, "\nwarnings: none\n");
    has_line(out, "\nimported services: 0 new\n");

    st = fixture_open();
    cr_assert_eq(store_request_get(st, "54046813", &a, &got, NULL), C311_OK);
    cr_assert_str_eq(got->status_notes,
                     "The Police Department responded.\r\nA second line, "
                     "with a comma and \"quotes\".");
    cr_assert_eq(got->requested_at, INT64_C(1651377609));
    store_close(st);

    out = run_import(IMPORT_FIXTURE("nyc-tricky.csv"), NULL, NULL, &status);
    cr_assert_eq(status, CLI_OK);
    has_line(out, "\nread 3, imported 0, updated 0, unchanged 3, "
                  "rejected 0\n");
    cr_assert_eq(fixture_sql_int("SELECT count(*) FROM request"), 3);
    cr_assert_eq(fixture_sql_int("SELECT count(*) FROM event"), 3);
    arena_free(&a);
}

Test(S(cli_import), refused_rows_go_to_the_rejects_file_with_line_and_reason)
{
    const char *out, *rej;
    int status;

    out = run_import(IMPORT_FIXTURE("nyc-bad.csv"), "--rejects", rejects_path,
                     &status);
    cr_assert_eq(status, CLI_OK, "%s", out);
    has_line(out, "\nread 7, imported 2, updated 0, unchanged 0, "
                  "rejected 5\n");
    has_line(out, "\nwarnings: closed before created 1, nonexistent local "
                  "time 1\n");
    rej = slurp(rejects_path);
    cr_assert(strncmp(rej, "line,reason,Unique Key,Created Date,", 36) == 0,
              "%s", rej);
    has_line(rej, "\n3,bad Closed Date '13/45/2022 10:00:00 AM',54046813,");
    has_line(rej, "\n4,\"the row has 40 fields, the header 41\",54045643,");
    has_line(rej, "\n5,the key '54049402' was on line 2 already,54049402,");
    has_line(rej, "\n6,Unique Key '2026-000001' has the form of this city's "
                  "own request ids,2026-000001,");
    has_line(rej, "\n8,no Unique Key,,05/01/2022 12:00:27 AM,");
    /* 1 header and 5 rejects. */
    cr_assert_eq(fixture_sql_int("SELECT count(*) FROM request"), 2);
    cr_assert_eq(fixture_sql_int("SELECT requested_at FROM request"
                                 " WHERE public_id = '54052808'"),
                 INT64_C(1647156600));
}

Test(S(cli_import), a_repeated_key_is_refused_across_batches_and_runs)
{
    const char *out;
    int status;

    /*
     * One row a batch: line 5 repeats the key of line 2, stored by an
     * earlier batch (and, the second time, by an earlier run).
     */
    out = run_import(IMPORT_FIXTURE("nyc-bad.csv"), "--batch", "1", &status);
    cr_assert_eq(status, CLI_OK, "%s", out);
    has_line(out, "\nread 7, imported 2, updated 0, unchanged 0, "
                  "rejected 5\n");
    has_line(out, "\nstatus: closed 1, open 1\n");
    has_line(out, "\nwarnings: closed before created 1, nonexistent local "
                  "time 1\n");
    out = run_import(IMPORT_FIXTURE("nyc-bad.csv"), "--batch", "1", &status);
    cr_assert_eq(status, CLI_OK, "%s", out);
    has_line(out, "\nread 7, imported 0, updated 0, unchanged 2, "
                  "rejected 5\n");
    cr_assert_eq(fixture_sql_int("SELECT count(*) FROM request"), 2);
    /* The first row of the key is the one kept. */
    cr_assert_eq(fixture_sql_int("SELECT line FROM request_import i"
                                 " JOIN request r ON r.id = i.request_id"
                                 " WHERE r.public_id = '54049402'"),
                 2);
}

Test(S(cli_import), the_older_nyc_layout_imports_its_extra_columns)
{
    const char *out;
    int status;

    out =
        run_import(IMPORT_FIXTURE("nyc-older.csv"), "--format", "nyc", &status);
    cr_assert_eq(status, CLI_OK, "%s", out);
    has_line(out, "nyc-older.csv: NYC 311, older layout (53 columns)\n");
    has_line(out, "\nread 2, imported 2, updated 0, unchanged 0, "
                  "rejected 0\n");
    cr_assert_eq(fixture_sql_int("SELECT count(*) FROM request_import"
                                 " WHERE attrs LIKE"
                                 " '%\"school_name\":\"Unspecified\"%'"),
                 2);
    /* Due 05/09/2022 12:00:09 AM EDT is a week and a day after. */
    cr_assert_eq(fixture_sql_int("SELECT expected_at - requested_at"
                                 " FROM request WHERE public_id = '54046813'"),
                 8 * DAY);
}

Test(S(cli_import), a_changed_row_is_updated_and_the_rest_left_alone)
{
    char path[1100];
    const char *text, *out;
    char *changed;
    FILE *f;
    int status;

    out = run_import(IMPORT_FIXTURE("nyc-tricky.csv"), NULL, NULL, &status);
    cr_assert_eq(status, CLI_OK, "%s", out);
    text = slurp(IMPORT_FIXTURE("nyc-tricky.csv"));
    changed = strdup(text);
    cr_assert_not_null(strstr(changed, "In Progress"));
    memcpy(strstr(changed, "In Progress"), "Assigned   ", 11);
    snprintf(path, sizeof(path), "%s.changed.csv", out_path);
    f = fopen(path, "w");
    fputs(changed, f);
    fclose(f);
    free(changed);

    out = run_import(path, "--format", "nyc", &status);
    unlink(path);
    cr_assert_eq(status, CLI_OK, "%s", out);
    has_line(out, "\nread 3, imported 0, updated 1, unchanged 2, "
                  "rejected 0\n");
    cr_assert_eq(fixture_sql_int("SELECT count(*) FROM request_import"
                                 " WHERE attrs LIKE"
                                 " '%\"status\":\"Assigned\"%'"),
                 1);
    cr_assert_eq(fixture_sql_int("SELECT count(*) FROM event"
                                 " WHERE kind = 'import_updated'"),
                 1);
}

Test(S(cli_import), wrong_command_lines_and_files)
{
    char *no_db[] = {"import", "x.csv", NULL};
    char *bad_fmt[] = {"import",   "x.csv", "--db", "x.db",
                       "--format", "csv",   NULL};
    const char *out;
    int status;

    cr_assert_eq(cmd_import(2, no_db), CLI_USAGE);
    cr_assert_eq(cmd_import(6, bad_fmt), CLI_USAGE);
    out = run_import(IMPORT_FIXTURE("nyc-tricky.csv"), "--format", "boston",
                     &status);
    cr_assert_eq(status, CLI_FAIL);
    has_line(out, "read 0, imported 0");
    out = run_import("/nonexistent/file.csv", NULL, NULL, &status);
    cr_assert_eq(status, CLI_FAIL);
}
