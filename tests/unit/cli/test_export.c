/* SPDX-License-Identifier: MIT */
/*
 * `civic311 export`: import -> export -> import changes nothing and a
 * second store exports the same bytes; the JSON array holds what GET
 * requests/{id}.json shows; the window and the command line. Run on
 * SQLite, and on PostgreSQL by test_export_pg.c.
 */
#include <jansson.h>

#include "../store/fixture.h"
#include "cli/cli.h"

#define IMPORT_FIXTURE(name) CIVIC311_SOURCE_DIR "/tests/fixtures/import/" name
#define DEMO_CITY            CIVIC311_SOURCE_DIR "/config/demo-city.yaml"

static char dir[64];
static char path_a[128], path_b[128], path_out[128], db_b[128];

/* A database, and a folder for the files and a second SQLite store. */
static void
setup(void)
{
    fixture_setup();
    strcpy(dir, "/tmp/civic311-export-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    snprintf(path_a, sizeof(path_a), "%s/a.csv", dir);
    snprintf(path_b, sizeof(path_b), "%s/b.csv", dir);
    snprintf(path_out, sizeof(path_out), "%s/out.txt", dir);
    snprintf(db_b, sizeof(db_b), "%s/b.db", dir);
}

/* Removes the folder and the database. */
static void
teardown(void)
{
    char line[128];

    snprintf(line, sizeof(line), "rm -rf '%s'", dir);
    if (system(line) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    fixture_teardown();
}

TestSuite(S(cli_export), .init = setup, .fini = teardown);

/* Reads a whole small file into a malloc'd string. */
static char *
slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    char *text = calloc(1, 1 << 20);
    size_t n;

    cr_assert_not_null(f, "%s", path);
    n = fread(text, 1, (1 << 20) - 1, f);
    text[n] = '\0';
    fclose(f);
    return text;
}

/* Runs a command with its standard output in path_out; returns its exit. */
static int
run(int (*cmd)(int, char **), char **argv)
{
    int argc = 0, saved, status;
    FILE *f;

    while (argv[argc] != NULL)
        argc++;
    fflush(stdout);
    saved = dup(STDOUT_FILENO);
    f = fopen(path_out, "w");
    cr_assert_not_null(f);
    dup2(fileno(f), STDOUT_FILENO);
    status = cmd(argc, argv);
    fflush(stdout);
    dup2(saved, STDOUT_FILENO);
    close(saved);
    fclose(f);
    return status;
}

/* Imports file into db; returns the summary printed. */
static char *
import(const char *file, const char *db)
{
    char *argv[] = {"import",   (char *)file, "--db", (char *)db,
                    "--config", DEMO_CITY,    NULL};

    cr_assert_eq(run(cmd_import, argv), CLI_OK);
    return slurp(path_out);
}

/* Exports db in format to file, with an optional window. */
static int export(const char *db, const char *format, const char *file,
                  const char *from, const char *to)
{
    char *argv[13] = {"export",       "--db",     (char *)db, "--format",
                      (char *)format, "--config", DEMO_CITY,  (char *)file};
    int argc = 8;

    if (from != NULL) {
        argv[argc++] = "--from";
        argv[argc++] = (char *)from;
    }
    if (to != NULL) {
        argv[argc++] = "--to";
        argv[argc++] = (char *)to;
    }
    argv[argc] = NULL; /* run() counts the arguments up to a NULL */
    return run(cmd_export, argv);
}

Test(S(cli_export), import_export_import_changes_nothing)
{
    char *out, *a, *b;

    free(import(IMPORT_FIXTURE("nyc-tricky.csv"), fixture_db));
    free(import(IMPORT_FIXTURE("nyc-bad.csv"), fixture_db));
    cr_assert_eq(export(fixture_db, "nyc", path_a, NULL, NULL), CLI_OK);

    /* The same store: every row is there already, unchanged. */
    out = import(path_a, fixture_db);
    cr_assert_not_null(strstr(out, "\nread 4, imported 0, updated 0, "
                                   "unchanged 4, rejected 0\n"),
                       "%s", out);
    free(out);

    /* A new store holds the same rows: its export is the same file. */
    out = import(path_a, db_b);
    cr_assert_not_null(strstr(out, "\nread 4, imported 4, updated 0, "
                                   "unchanged 0, rejected 0\n"),
                       "%s", out);
    free(out);
    cr_assert_eq(export(db_b, "nyc", path_b, NULL, NULL), CLI_OK);
    a = slurp(path_a);
    b = slurp(path_b);
    cr_assert_str_eq(a, b);
    cr_assert(strncmp(a, "Unique Key,Created Date,Closed Date,Agency,", 43) ==
              0);
    /* The quoted line break and quotes of the source survive. */
    cr_assert_not_null(strstr(a, ",\"The Police Department responded.\r\nA "
                                 "second line, with a comma and "
                                 "\"\"quotes\"\".\",05/01/2022 12:07:53 AM,"));
    cr_assert_not_null(strstr(a, "\n54046813,05/01/2022 12:00:09 AM,"
                                 "05/01/2022 12:07:46 AM,NYPD,"));
    cr_assert_not_null(strstr(a, ",40.81237834836466,-73.95240115039357,"
                                 "\"(40.81237834836466, "
                                 "-73.95240115039357)\"\n"));
    free(a);
    free(b);
}

Test(S(cli_export), json_holds_the_open311_view_within_the_window)
{
    json_error_t err;
    json_t *v, *r;

    free(import(IMPORT_FIXTURE("nyc-tricky.csv"), fixture_db));
    /* [00:00:05, 00:00:10) New York time: 54046813 (00:00:09) only. */
    cr_assert_eq(export(fixture_db, "open311-json", path_a,
                        "2022-05-01T00:00:05-04:00", "2022-05-01 00:00:10"),
                 CLI_OK);
    v = json_load_file(path_a, 0, &err);
    cr_assert_not_null(v, "%s", err.text);
    cr_assert(json_is_array(v));
    cr_assert_eq(json_array_size(v), 1);
    r = json_array_get(v, 0);
    cr_assert_str_eq(
        json_string_value(json_object_get(r, "service_request_id")),
        "54046813");
    cr_assert_str_eq(
        json_string_value(json_object_get(r, "requested_datetime")),
        "2022-05-01T00:00:09-04:00");
    cr_assert_str_eq(json_string_value(json_object_get(r, "status")), "closed");
    cr_assert_str_eq(
        json_string_value(json_object_get(r, "agency_responsible")),
        "Police Department");
    cr_assert_eq(json_real_value(json_object_get(r, "lat")), 40.81237834836466);
    cr_assert_eq(json_array_size(json_object_get(r, "attributes")), 22);
    cr_assert_null(json_object_get(r, "email"));
    json_decref(v);

    /* An empty window is an empty array. */
    cr_assert_eq(export(fixture_db, "open311-json", path_a, "2030-01-01", NULL),
                 CLI_OK);
    v = json_load_file(path_a, 0, &err);
    cr_assert_not_null(v, "%s", err.text);
    cr_assert_eq(json_array_size(v), 0);
    json_decref(v);
}

Test(S(cli_export), wrong_command_lines)
{
    cr_assert_eq(export(fixture_db, "xml", path_a, NULL, NULL), CLI_USAGE);
    cr_assert_eq(export(fixture_db, "nyc", path_a, "yesterday", NULL),
                 CLI_USAGE);
    cr_assert_eq(export(fixture_db, "nyc", path_a, "2022-05-02", "2022-05-01"),
                 CLI_USAGE);
    cr_assert_eq(export(fixture_db, "nyc", "/nonexistent/x.csv", NULL, NULL),
                 CLI_FAIL);
}

/* The line of file text that starts with key and a comma; "" if none. */
static char *
line_of(const char *text, const char *key)
{
    char start[64];
    const char *at, *end;

    snprintf(start, sizeof(start), "\n%s,", key);
    at = strstr(text, start);
    if (at == NULL)
        return strdup("");
    at++;
    end = strchr(at, '\n');
    return strndup(at, end != NULL ? (size_t)(end - at) : strlen(at));
}

/*
 * Runs `report --by department --json` over January to May 2022; returns
 * each group's key (or name, for requests without a department), requests
 * and closed, as "KEY requests closed" lines.
 */
static char *
departments(const char *db)
{
    char *argv[] = {"report",     "--db",   (char *)db,   "--config",
                    DEMO_CITY,    "--from", "2022-01-01", "--to",
                    "2022-06-01", "--by",   "department", "--json",
                    NULL};
    char *text, *list = NULL;
    json_error_t err;
    json_t *v, *g;
    size_t i, len = 0;
    FILE *f;

    cr_assert_eq(run(cmd_report, argv), CLI_OK);
    text = slurp(path_out);
    v = json_loads(text, 0, &err);
    cr_assert_not_null(v, "%s", err.text);
    f = open_memstream(&list, &len);
    json_array_foreach(json_object_get(v, "groups"), i, g)
    {
        const char *key = json_string_value(json_object_get(g, "key"));

        fprintf(f, "%s %lld %lld\n",
                key != NULL ? key
                            : json_string_value(json_object_get(g, "name")),
                json_integer_value(json_object_get(g, "requests")),
                json_integer_value(json_object_get(g, "closed")));
    }
    fclose(f);
    json_decref(v);
    free(text);
    return list;
}

/*
 * Boston requests keep their department through an NYC export: Agency is
 * the NYC code of the request's own department (the sample's 101004113385
 * is BTDT's, TRANSPORTATION, though its service Illegal Parking is
 * POLICE's), none for a request without one; a new store filled from the
 * export has the same departments, and the store it came from leaves the
 * Boston rows as they are.
 */
Test(S(cli_export), boston_requests_keep_their_department)
{
    char *out, *a, *line, *r1, *r2;

    free(import(IMPORT_FIXTURE("boston-311_2022-01_100rows_qsv.csv"),
                fixture_db));
    free(import(IMPORT_FIXTURE("nyc-tricky.csv"), fixture_db));
    cr_assert_eq(export(fixture_db, "nyc", path_a, NULL, NULL), CLI_OK);
    a = slurp(path_a);
    line = line_of(a, "101004113385");
    cr_assert(strncmp(line,
                      "101004113385,01/01/2022 09:17:38 AM,01/03/2022 "
                      "12:11:40 AM,DOT,Department of Transportation,Illegal "
                      "Parking,",
                      105) == 0,
              "%s", line);
    free(line);
    /* An imported service under BUILDINGS (ISD in the source). */
    line = line_of(a, "101004113298");
    cr_assert_not_null(strstr(line, " AM,DOB,Department of Buildings,"), "%s",
                       line);
    free(line);
    /* No department: the source's agency name only. */
    line = line_of(a, "101004113371");
    cr_assert_not_null(strstr(line, ",,Animal Control,"), "%s", line);
    free(line);
    free(a);

    out = import(path_a, db_b);
    cr_assert_not_null(strstr(out, "\nread 103, imported 103, updated 0, "
                                   "unchanged 0, rejected 0\n"),
                       "%s", out);
    free(out);
    r1 = departments(fixture_db);
    r2 = departments(db_b);
    cr_assert_str_eq(r1, r2);
    /*
     * The Boston sample's departments (POLICE adds the 3 NYC requests);
     * the 29 without one are grouped by the source's agency name.
     */
    cr_assert_str_eq(r1, "TRANSPORTATION 38 32\n"
                         "Public Works Department 24 23\n"
                         "SANITATION 21 17\n"
                         "BUILDINGS 8 6\n"
                         "POLICE 4 2\n"
                         "Mayor's 24 Hour Hotline 3 3\n"
                         "PARKS 3 3\n"
                         "Animal Control 1 1\n"
                         "Boston Water & Sewer Commission 1 0\n");
    free(r1);
    free(r2);

    /* The first store: NYC rows unchanged, Boston rows left alone. */
    out = import(path_a, fixture_db);
    cr_assert_not_null(strstr(out, "\nread 103, imported 0, updated 0, "
                                   "unchanged 3, rejected 100\n"),
                       "%s", out);
    /* The rejected rows' complaint types make no services either. */
    cr_assert_not_null(strstr(out, "\nimported services: 0 new\n"), "%s", out);
    free(out);
    cr_assert_eq(fixture_sql_int("SELECT count(*) FROM request_import i"
                                 " JOIN request r ON r.id = i.request_id"
                                 " WHERE r.public_id = '101004113385'"
                                 " AND i.format = 'boston'"
                                 " AND i.department = 'TRANSPORTATION'"),
                 1);
    cr_assert_eq(fixture_sql_int("SELECT count(*) FROM request_import"
                                 " WHERE format = 'boston'"),
                 100);
}
