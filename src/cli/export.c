/* SPDX-License-Identifier: MIT */
/*
 * civic311 export: writes the requests of the jurisdiction, all or those
 * requested in [--from, --to), as the current NYC Open Data layout (which
 * civic311 import reads back) or as a GeoReport v2 JSON array (what GET
 * requests/{id}.json answers, attributes included). Requests are read in
 * pages, never all at once.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/open311.h"
#include "cli/cli.h"
#include "io/config.h"
#include "io/csvout.h"
#include "io/export.h"
#include "io/import.h"
#include "store/import.h"
#include "store/store.h"
#include "util/isotime.h"

#define EXPORT_PAGE 1000

static const char export_usage[] =
    "usage: civic311 export --db PATH --format nyc|open311-json FILE\n"
    "                       [--from TIME] [--to TIME] [--config FILE]\n\n"
    "Writes the jurisdiction's requests to FILE ('-' for standard output):\n"
    "  nyc            CSV in the current NYC Open Data layout (41 columns),\n"
    "                 which civic311 import reads back\n"
    "  open311-json   a GeoReport v2 JSON array, one request per line, with\n"
    "                 its attributes\n\n"
    "  --db PATH       the store: a file, 'sqlite:FILE' or a postgresql:// "
    "URL\n"
    "  --from TIME     only requests made at or after TIME\n"
    "  --to TIME       only requests made before TIME\n"
    "  --config FILE   city configuration (default config/demo-city.yaml)\n\n"
    "TIME is ISO 8601 with an offset (2022-05-01T00:00:00-04:00) or a local\n"
    "date and time in the jurisdiction's zone (2022-05-01, 2022-05-01 "
    "06:00).\n"
    "Exit status: 0 written, 1 failed, 2 wrong command line.\n";

enum export_format { EXPORT_NYC, EXPORT_OPEN311_JSON };

struct export_opts {
    const char *db;
    const char *config;
    const char *file;
    enum export_format format;
    bool have_format;
    const char *from_text, *to_text;
    int64_t from, to;
};

static int usage_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

/* Prints a usage error and the usage; returns CLI_USAGE. */
static int
usage_error(const char *fmt, ...)
{
    va_list ap;

    fputs("civic311 export: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs("\n\n", stderr);
    fputs(export_usage, stderr);
    return CLI_USAGE;
}

/* Reads the options into o; returns -1 to go on, or an exit status. */
static int
parse_opts(int argc, char **argv, struct export_opts *o)
{
    static const struct option options[] = {
        {"db", required_argument, NULL, 'd'},
        {"config", required_argument, NULL, 'c'},
        {"format", required_argument, NULL, 'f'},
        {"from", required_argument, NULL, 'F'},
        {"to", required_argument, NULL, 'T'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;

    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
        switch (c) {
        case 'd':
            o->db = optarg;
            break;
        case 'c':
            o->config = optarg;
            break;
        case 'f':
            if (strcmp(optarg, "nyc") == 0)
                o->format = EXPORT_NYC;
            else if (strcmp(optarg, "open311-json") == 0)
                o->format = EXPORT_OPEN311_JSON;
            else
                return usage_error("--format must be nyc or open311-json, "
                                   "not '%s'",
                                   optarg);
            o->have_format = true;
            break;
        case 'F':
            o->from_text = optarg;
            break;
        case 'T':
            o->to_text = optarg;
            break;
        case 'h':
            fputs(export_usage, stdout);
            return CLI_OK;
        case ':':
            return usage_error("option '%s' needs a value", argv[optind - 1]);
        default:
            return usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        o->file = argv[optind++];
    if (optind < argc)
        return usage_error("unexpected argument '%s'", argv[optind]);
    if (o->db == NULL || !o->have_format || o->file == NULL)
        return usage_error("%s", "--db, --format and FILE are needed");
    return -1;
}

/* Reads --from and --to once the zone is set; returns -1 or a status. */
static int
parse_window(struct export_opts *o)
{
    if (o->from_text != NULL && !cli_parse_instant(o->from_text, &o->from))
        return usage_error("--from '%s' is not a date and time", o->from_text);
    if (o->to_text != NULL && !cli_parse_instant(o->to_text, &o->to))
        return usage_error("--to '%s' is not a date and time", o->to_text);
    if (o->from_text != NULL && o->to_text != NULL && o->from >= o->to)
        return usage_error("%s", "--from must come before --to");
    return -1;
}

/* Writes one page of requests as NYC rows. */
static enum c311_rc
write_nyc(FILE *f, const struct city *city, const struct sr *v,
          const char **formats, const char **departments, size_t n,
          struct arena *a)
{
    const char *fields[64];
    size_t ncols, i;

    import_nyc_columns(&ncols);
    for (i = 0; i < n; i++) {
        if (export_nyc_row(city, &v[i], formats[i], departments[i], a,
                           fields) != C311_OK)
            return C311_ERR_NOMEM;
        csvout_record(f, fields, ncols);
    }
    return C311_OK;
}

/* Writes one page of requests as JSON array members, one per line. */
static enum c311_rc
write_json(FILE *f, const struct city *city, const struct sr *v, size_t n,
           int64_t *written)
{
    json_t *o;
    size_t i;
    int rc;

    for (i = 0; i < n; i++) {
        o = open311_request_json(city, &v[i], city->default_lang, true);
        if (o == NULL)
            return C311_ERR_NOMEM;
        fputs(*written + (int64_t)i > 0 ? ",\n" : "\n", f);
        rc = json_dumpf(o, f, JSON_COMPACT | JSON_REAL_PRECISION(17));
        json_decref(o);
        if (rc != 0)
            return C311_ERR_IO;
    }
    return C311_OK;
}

/* Writes the layout's start: the NYC header, or the array's bracket. */
static void
write_head(FILE *f, enum export_format fmt)
{
    const struct import_column *cols;
    size_t n, i;

    if (fmt == EXPORT_OPEN311_JSON) {
        fputc('[', f);
        return;
    }
    cols = import_nyc_columns(&n);
    for (i = 0; i < n; i++)
        csvout_field(f, cols[i].name, i + 1 == n);
}

/* Pages through the store, writing every request; false after a message. */
static bool
export_all(const struct export_opts *o, const struct city *city,
           struct store *st, FILE *f, int64_t *written)
{
    struct store_scan scan = {city->jurisdiction_id, o->from, o->to, 0};
    struct arena a = ARENA_INIT;
    const char **formats, **departments;
    enum c311_rc rc;
    char *cause = NULL;
    struct sr *v;
    size_t n;

    write_head(f, o->format);
    for (;;) {
        rc = store_request_scan(st, &scan, EXPORT_PAGE, &a, &v, &formats,
                                &departments, &n, &cause);
        if (rc != C311_OK || n == 0)
            break;
        rc = o->format == EXPORT_NYC
                 ? write_nyc(f, city, v, formats, departments, n, &a)
                 : write_json(f, city, v, n, written);
        arena_free(&a);
        if (rc != C311_OK)
            break;
        *written += (int64_t)n;
    }
    arena_free(&a);
    if (o->format == EXPORT_OPEN311_JSON)
        fputs(*written > 0 ? "\n]\n" : "]\n", f);
    if (rc == C311_OK)
        return true;
    fprintf(stderr, "civic311 export: after %" PRId64 " requests: %s\n",
            *written, cause != NULL ? cause : c311_rc_str(rc));
    free(cause);
    return false;
}

/* Opens the store and the output, and writes. */
static int
run(const struct export_opts *o, const struct city *city)
{
    struct store_options sopt = {1, true, true};
    bool to_stdout = strcmp(o->file, "-") == 0;
    struct store *st = NULL;
    int64_t written = 0;
    char *cause = NULL;
    int rc = CLI_FAIL;
    FILE *f;

    if (store_open(o->db, &sopt, &st, &cause) != C311_OK) {
        fprintf(stderr, "civic311 export: cannot open the store: %s\n",
                cause != NULL ? cause : "unknown error");
        free(cause);
        return CLI_FAIL;
    }
    f = to_stdout ? stdout : fopen(o->file, "w");
    if (f == NULL) {
        fprintf(stderr, "civic311 export: cannot write %s: %s\n", o->file,
                strerror(errno));
        store_close(st);
        return CLI_FAIL;
    }
    if (export_all(o, city, st, f, &written))
        rc = CLI_OK;
    if ((to_stdout ? fflush(f) : fclose(f)) != 0 && rc == CLI_OK) {
        fprintf(stderr, "civic311 export: writing %s: %s\n", o->file,
                strerror(errno));
        rc = CLI_FAIL;
    }
    if (rc == CLI_OK)
        fprintf(stderr, "civic311 export: %" PRId64 " requests to %s\n",
                written, o->file);
    store_close(st);
    return rc;
}

/* Runs the command; see export_usage for what it does. */
int
cmd_export(int argc, char **argv)
{
    struct export_opts o = {0};
    struct config_report rep = CONFIG_REPORT_INIT;
    struct city *city = NULL;
    int rc;

    o.config = cli_default_config();
    rc = parse_opts(argc, argv, &o);
    if (rc >= 0)
        return rc;
    if (config_load(o.config, &city, &rep) != C311_OK) {
        config_report_print(&rep, o.config, stderr);
        config_report_free(&rep);
        return CLI_FAIL;
    }
    config_report_free(&rep);
    if (isotime_set_zone(city->timezone) != C311_OK) {
        fprintf(stderr, "civic311 export: unknown time zone %s\n",
                city->timezone);
        config_free(city);
        return CLI_FAIL;
    }
    rc = parse_window(&o);
    if (rc < 0)
        rc = run(&o, city);
    config_free(city);
    return rc;
}
