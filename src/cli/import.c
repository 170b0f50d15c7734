/* SPDX-License-Identifier: MIT */
/*
 * civic311 import: loads historical 311 data (NYC Open Data, Analyze
 * Boston) into the store. The file is streamed, never read whole; rows go
 * to the store in batches of one transaction each, stored by a second
 * thread while this one reads and maps the next batch; nothing is kept
 * per row (the store finds a key repeated in the file). Every row is counted:
 * imported, updated, unchanged or rejected (with its line and reason in
 * the rejects file), and oddities are counted as warnings by kind. A
 * re-import of the same file changes nothing. Imports never start work
 * orders. docs/IMPORT.md is the manual.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <malloc.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "io/config.h"
#include "io/csvin.h"
#include "io/csvout.h"
#include "io/import.h"
#include "store/import.h"
#include "store/store.h"
#include "util/isotime.h"
#include "util/secret.h"
#include "util/strmap.h"

#define IMPORT_DEFAULT_BATCH  10000
#define IMPORT_MAX_BATCH      50000
#define IMPORT_PROGRESS_S     0.2
#define IMPORT_STDERR_REJECTS 20

/*
 * Allocations from this size up get pages of their own, given back when
 * freed: each batch's arena is freed whole, and with glibc's default (a
 * threshold that rises after each such free) their memory would stay in
 * the heap, in pieces, so that peak memory drifted up with the file.
 */
#define IMPORT_MMAP_THRESHOLD (256 * 1024)

/*
 * Bytes of the shortest usual row: the file's size over this is an upper
 * estimate of its rows, which tells the store how large the run is.
 */
#define IMPORT_ROW_BYTES 256

static const char import_usage[] =
    "usage: civic311 import FILE --db PATH [--config FILE]\n"
    "                       [--format nyc|boston] [--rejects FILE] "
    "[--batch N]\n\n"
    "Imports historical 311 service requests from a CSV file: NYC Open Data\n"
    "\"311 Service Requests\" (current or older layout) or Analyze Boston\n"
    "311. Times are read in the jurisdiction's time zone; agencies, types\n"
    "and channels map through the config's `mapping` section. Importing the\n"
    "same file again changes nothing.\n\n"
    "  --db PATH       the store: a file, 'sqlite:FILE' or a postgresql://\n"
    "                  URL (created and migrated when needed)\n"
    "  --config FILE   city configuration (default config/demo-city.yaml)\n"
    "  --format F      nyc or boston (default: found from the header)\n"
    "  --rejects FILE  write each row that cannot be imported there, as CSV\n"
    "                  with its line and the reason (default: standard "
    "error)\n"
    "  --batch N       rows per transaction (default 10000)\n\n"
    "Exit status: 0 the file was read to its end (rows may be rejected),\n"
    "1 the import stopped, 2 wrong command line.\n";

struct import_opts {
    const char *file;
    const char *db;
    const char *config;
    const char *format;
    const char *rejects;
    size_t batch;
};

/* The counts the summary reports. */
struct import_counts {
    int64_t read, imported, updated, unchanged, rejected;
    int64_t closed, open; /* of the rows not rejected */
    int64_t warnings[IMPORT_NWARNINGS];
    int64_t services; /* imported services created by this run */
};

/*
 * Rows on their way to the store. While the writer thread stores one
 * batch, the reading thread maps the file's next rows into the other.
 */
struct batch {
    struct run *r;
    struct store_import_row *rows;
    int64_t *lines;             /* each row's line */
    unsigned *warnings;         /* each row's warnings */
    bool *made_up;              /* each row's service is an imported one */
    const char *const **fields; /* each row's fields */
    size_t n;
    struct arena arena; /* what the rows point to */
    enum c311_rc rc;    /* of storing it */
    char *cause;
};

/* One import run. */
struct run {
    const struct import_opts *o;
    const struct city *city;
    struct store *st;
    const char *base; /* the file's name without folders, for notes */
    struct import_layout lay;
    struct import_ctx ctx;
    struct arena lay_arena; /* the layout, for the whole run */
    bool have_header;

    struct batch slots[2];
    struct batch *fill;  /* the batch rows go to */
    struct batch *store; /* the batch being stored, or NULL */
    pthread_t writer;    /* storing it */
    bool threaded;       /* writer was started */

    struct strmap services; /* imported service codes met */
    struct import_counts c;

    FILE *rejects;
    int64_t rejects_to_stderr;
    int64_t now;

    /* Progress. */
    bool tty;
    off_t size;
    double started, last_draw;
    struct csvin *in;
    char *cause;
};

static int usage_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

/* Prints a usage error and the usage; returns CLI_USAGE. */
static int
usage_error(const char *fmt, ...)
{
    va_list ap;

    fputs("civic311 import: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs("\n\n", stderr);
    fputs(import_usage, stderr);
    return CLI_USAGE;
}

/* Reads the options into o; returns -1 to go on, or an exit status. */
static int
parse_opts(int argc, char **argv, struct import_opts *o)
{
    static const struct option options[] = {
        {"db", required_argument, NULL, 'd'},
        {"config", required_argument, NULL, 'c'},
        {"format", required_argument, NULL, 'f'},
        {"rejects", required_argument, NULL, 'r'},
        {"batch", required_argument, NULL, 'b'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    enum import_format fmt;
    char *end;
    long n;
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
            if (!import_format_parse(optarg, &fmt))
                return usage_error("--format must be nyc or boston, not '%s'",
                                   optarg);
            o->format = optarg;
            break;
        case 'r':
            o->rejects = optarg;
            break;
        case 'b':
            n = strtol(optarg, &end, 10);
            if (*optarg == '\0' || *end != '\0' || n < 1 ||
                n > IMPORT_MAX_BATCH)
                return usage_error("--batch must be a number from 1 to "
                                   "50000, not '%s'",
                                   optarg);
            o->batch = (size_t)n;
            break;
        case 'h':
            fputs(import_usage, stdout);
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
    if (o->file == NULL)
        return usage_error("%s",
                           "which file? (civic311 import FILE --db PATH)");
    if (o->db == NULL)
        return usage_error("%s", "--db is needed");
    return -1;
}

/* Seconds on a clock that only moves forward. */
static double
now_seconds(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- progress ---- */

/* Redraws the progress line: bar, percent of bytes, rows/s, time left. */
static void
draw_progress(struct run *r, double t)
{
    double done = r->size > 0 ? (double)r->in->bytes / (double)r->size : 0;
    double rate = t > r->started ? (double)r->c.read / (t - r->started) : 0;
    double left = done > 0 ? (t - r->started) * (1 - done) / done : 0;
    char bar[31];
    int i, fill;

    if (done > 1)
        done = 1;
    fill = (int)(done * 30);
    for (i = 0; i < 30; i++)
        bar[i] = i < fill ? '#' : '-';
    bar[30] = '\0';
    fprintf(stderr,
            "\r[%s] %3d%%  %" PRId64 " rows  %.0f rows/s  ETA %d:%02d   ", bar,
            (int)(done * 100), r->c.read, rate, (int)left / 60, (int)left % 60);
    fflush(stderr);
    r->last_draw = t;
}

/* Redraws the progress line now and then, on a terminal only. */
static void
tick(struct run *r)
{
    double t;

    if (!r->tty || r->c.read % 1024 != 0)
        return;
    t = now_seconds();
    if (t - r->last_draw >= IMPORT_PROGRESS_S)
        draw_progress(r, t);
}

/* Wipes the progress line before other text goes to the terminal. */
static void
clear_progress(struct run *r)
{
    if (r->tty && r->last_draw > 0)
        fputs("\r\033[K", stderr);
}

/* ---- rejects ---- */

/* Records a row that cannot be imported, with its line and reason. */
static void
reject(struct run *r, int64_t line, const char *why, const char *const *fields,
       size_t n)
{
    char num[24];

    r->c.rejected++;
    if (r->rejects != NULL) {
        snprintf(num, sizeof(num), "%" PRId64, line);
        csvout_field(r->rejects, num, false);
        csvout_field(r->rejects, why, n == 0);
        csvout_record(r->rejects, fields, n);
        return;
    }
    if (++r->rejects_to_stderr > IMPORT_STDERR_REJECTS)
        return;
    clear_progress(r);
    fprintf(stderr, "%s:%" PRId64 ": %s\n", r->o->file, line, why);
}

/* Opens the rejects file, if asked for one; false after a message. */
static bool
open_rejects(struct run *r)
{
    if (r->o->rejects == NULL)
        return true;
    r->rejects = fopen(r->o->rejects, "w");
    if (r->rejects == NULL) {
        fprintf(stderr, "civic311 import: cannot write %s: %s\n", r->o->rejects,
                strerror(errno));
        return false;
    }
    return true;
}

/* ---- batches ---- */

/*
 * Notes the imported service of a stored row the first time the run meets
 * its code. Rows the store refused note none: an import that stores
 * nothing creates no service.
 */
static enum c311_rc
note_service(struct run *r, const struct store_import_row *row)
{
    struct imported_service s;
    bool created = false;
    enum c311_rc rc;

    if (strmap_get(&r->services, row->req.service_code, &(int64_t){0}))
        return C311_OK;
    s.code = row->req.service_code;
    s.name = row->req.service_name;
    s.format = r->lay.format_name;
    s.department = row->department;
    s.created_at = r->now;
    rc = store_imported_service_put(r->st, &s, &created, &r->cause);
    if (rc != C311_OK)
        return rc;
    r->c.services += created;
    return strmap_add(&r->services, s.code, 1, NULL);
}

/*
 * Takes back what add_row counted for a row the store refused: its
 * status, and its warnings when asked (a repeated row is not looked at).
 */
static void
unmark(struct run *r, const struct batch *b, size_t i, bool warnings)
{
    unsigned w;

    r->c.closed -= b->rows[i].req.status == SR_CLOSED;
    r->c.open -= b->rows[i].req.status != SR_CLOSED;
    for (w = 0; warnings && w < IMPORT_NWARNINGS; w++)
        r->c.warnings[w] -= (b->warnings[i] >> w) & 1;
}

/* The writer thread: stores one batch. */
static void *
store_batch(void *arg)
{
    struct batch *b = arg;
    struct run *r = b->r;

    b->rc = store_import_batch(r->st, r->lay.format_name, b->rows, b->n, r->now,
                               &b->cause);
    return NULL;
}

/*
 * Waits for the batch being stored, if any, then counts what happened to
 * each of its rows and empties it.
 */
static enum c311_rc
settle(struct run *r)
{
    struct batch *b = r->store;
    struct store_import_row *row;
    enum c311_rc rc;
    const char *why;
    size_t i;

    if (b == NULL)
        return C311_OK;
    if (r->threaded)
        pthread_join(r->writer, NULL);
    r->store = NULL;
    rc = b->rc;
    if (rc != C311_OK) {
        free(r->cause);
        r->cause = b->cause;
        b->cause = NULL;
    }
    for (i = 0; rc == C311_OK && i < b->n; i++) {
        row = &b->rows[i];
        if (b->made_up[i] && row->outcome != STORE_IMPORT_NATIVE &&
            row->outcome != STORE_IMPORT_OTHER &&
            row->outcome != STORE_IMPORT_REPEATED)
            rc = note_service(r, row);
        switch (row->outcome) {
        case STORE_IMPORT_INSERTED:
            r->c.imported++;
            break;
        case STORE_IMPORT_UPDATED:
            r->c.updated++;
            break;
        case STORE_IMPORT_UNCHANGED:
            r->c.unchanged++;
            break;
        case STORE_IMPORT_NATIVE:
            unmark(r, b, i, false);
            reject(r, b->lines[i],
                   "the key is a request filed in this city; imports never "
                   "change those",
                   b->fields[i], r->lay.ncols);
            break;
        case STORE_IMPORT_OTHER:
            unmark(r, b, i, false);
            reject(r, b->lines[i],
                   "the key is a request imported from another format's "
                   "data; only an import in that format changes it",
                   b->fields[i], r->lay.ncols);
            break;
        case STORE_IMPORT_REPEATED:
            unmark(r, b, i, true);
            why = arena_printf(&b->arena,
                               "the key '%s' was on line %" PRId64 " already",
                               row->req.public_id, row->first_line);
            reject(r, b->lines[i], why != NULL ? why : "repeated key",
                   b->fields[i], r->lay.ncols);
            break;
        }
    }
    b->n = 0;
    arena_free(&b->arena);
    return rc;
}

/*
 * Hands the full batch to the writer thread, once the one before it is
 * stored, and goes on with the other batch.
 */
static enum c311_rc
flush(struct run *r)
{
    struct batch *b = r->fill;
    enum c311_rc rc;

    if (b->n == 0)
        return C311_OK;
    rc = settle(r);
    if (rc != C311_OK)
        return rc;
    b->r = r;
    r->store = b;
    r->threaded = pthread_create(&r->writer, NULL, store_batch, b) == 0;
    if (!r->threaded)
        store_batch(b); /* no thread to be had: store it here */
    r->fill = b == &r->slots[0] ? &r->slots[1] : &r->slots[0];
    return C311_OK;
}

/* Adds a mapped row to the batch, storing the batch once it is full. */
static enum c311_rc
add_row(struct run *r, const struct import_row *m, int64_t line)
{
    struct batch *b = r->fill;
    struct store_import_row *row = &b->rows[b->n];
    unsigned w;

    for (w = 0; w < IMPORT_NWARNINGS; w++)
        r->c.warnings[w] += (m->warnings >> w) & 1;
    r->c.closed += m->req.status == SR_CLOSED;
    r->c.open += m->req.status != SR_CLOSED;
    memset(row, 0, sizeof(*row));
    row->req = m->req;
    row->department = m->department;
    row->digest = arena_strdup(&b->arena, m->digest);
    row->note = arena_printf(&b->arena, "%s line %" PRId64 " of %s",
                             r->lay.format_name, line, r->base);
    if (row->digest == NULL || row->note == NULL)
        return C311_ERR_NOMEM;
    row->line = line;
    b->lines[b->n] = line;
    b->warnings[b->n] = m->warnings;
    b->made_up[b->n] = m->imported_service;
    b->fields[b->n] = m->fields;
    b->n++;
    return b->n == r->o->batch ? flush(r) : C311_OK;
}

/* Waits for the batch in flight after a failure, keeping the first cause. */
static void
settle_quietly(struct run *r)
{
    char *cause = r->cause;

    r->cause = NULL;
    settle(r);
    free(r->cause);
    r->cause = cause;
}

/* ---- records ---- */

/* The header: which layout, and the rejects file's header. */
static enum c311_rc
on_header(struct run *r, const struct csvin_record *rec)
{
    enum import_format want;
    const char *why = NULL;
    enum c311_rc rc;

    rc = import_layout_read(
        rec->fields, rec->nfields,
        r->o->format != NULL && import_format_parse(r->o->format, &want) ? &want
                                                                         : NULL,
        &r->lay_arena, &r->lay, &why);
    if (rc != C311_OK) {
        if (asprintf(&r->cause, "%s:%" PRId64 ": %s", r->o->file, rec->line,
                     why != NULL ? why : "out of memory") < 0)
            r->cause = NULL;
        return rc;
    }
    import_ctx_init(&r->ctx, r->city, &r->lay);
    r->have_header = true;
    if (r->rejects != NULL) {
        csvout_field(r->rejects, "line", false);
        csvout_field(r->rejects, "reason", false);
        csvout_record(r->rejects, rec->fields, rec->nfields);
    }
    return C311_OK;
}

/* One data row: mapped, refused or added to the batch. */
static enum c311_rc
on_row(struct run *r, const struct csvin_record *rec)
{
    struct import_row m;
    enum c311_rc rc;

    r->c.read++;
    tick(r);
    if (rec->too_long || rec->has_nul) {
        reject(r, rec->line,
               rec->too_long ? "the row is longer than 1 MiB"
                             : "the row holds a NUL byte",
               rec->fields, rec->nfields);
        return C311_OK;
    }
    rc =
        import_map_row(&r->ctx, rec->fields, rec->nfields, &r->fill->arena, &m);
    if (rc != C311_OK)
        return rc;
    if (m.reject != NULL) {
        reject(r, rec->line, m.reject, rec->fields, rec->nfields);
        return C311_OK;
    }
    return add_row(r, &m, rec->line);
}

/* csvin's callback: the header first, then the rows. */
static enum c311_rc
on_record(void *arg, struct csvin *in, const struct csvin_record *rec)
{
    struct run *r = arg;

    r->in = in;
    if (!r->have_header)
        return on_header(r, rec);
    return on_row(r, rec);
}

/* ---- summary ---- */

/* Prints what the run did: counts, then warnings by kind. */
static void
print_summary(const struct run *r)
{
    const char *sep = "";
    int w;

    printf("%s: %s\n", r->o->file, r->have_header ? r->lay.label : "no rows");
    printf("read %" PRId64 ", imported %" PRId64 ", updated %" PRId64
           ", unchanged %" PRId64 ", rejected %" PRId64 "\n",
           r->c.read, r->c.imported, r->c.updated, r->c.unchanged,
           r->c.rejected);
    printf("status: closed %" PRId64 ", open %" PRId64 "\n", r->c.closed,
           r->c.open);
    fputs("warnings:", stdout);
    for (w = 0; w < IMPORT_NWARNINGS; w++) {
        if (r->c.warnings[w] == 0)
            continue;
        printf("%s %s %" PRId64, sep, import_warning_name(w), r->c.warnings[w]);
        sep = ",";
    }
    puts(*sep == '\0' ? " none" : "");
    printf("imported services: %" PRId64 " new\n", r->c.services);
    if (r->rejects != NULL && r->c.rejected > 0)
        printf("rejected rows: %s\n", r->o->rejects);
}

/* The one line that ends a run on standard error. */
static void
print_rate(struct run *r)
{
    double secs = now_seconds() - r->started;

    clear_progress(r);
    if (r->rejects == NULL && r->rejects_to_stderr > IMPORT_STDERR_REJECTS)
        fprintf(stderr,
                "civic311 import: %" PRId64 " more rejected rows not shown; "
                "--rejects FILE keeps them all\n",
                r->rejects_to_stderr - IMPORT_STDERR_REJECTS);
    fprintf(stderr,
            "civic311 import: %" PRId64 " rows in %.2f s (%.0f rows/s)\n",
            r->c.read, secs, secs > 0 ? (double)r->c.read / secs : 0);
}

/* ---- the run ---- */

/* Reads the whole file through the batches; false after a message. */
static bool
read_file(struct run *r, FILE *f)
{
    struct csvin in;
    enum c311_rc rc;

    if (csvin_init(&in, f) != C311_OK) {
        fputs("civic311 import: out of memory\n", stderr);
        return false;
    }
    r->in = &in;
    rc = csvin_run(&in, on_record, r, &r->cause);
    if (rc == C311_OK)
        rc = flush(r);
    /* The last batch (or, after a failure, the one in flight) is stored. */
    if (rc == C311_OK)
        rc = settle(r);
    else if (r->store != NULL)
        settle_quietly(r);
    if (rc == C311_OK && r->rejects != NULL && fflush(r->rejects) != 0) {
        rc = C311_ERR_IO;
        if (asprintf(&r->cause, "writing %s: %s", r->o->rejects,
                     strerror(errno)) < 0)
            r->cause = NULL;
    }
    if (r->tty)
        draw_progress(r, now_seconds());
    print_rate(r);
    csvin_free(&in);
    if (rc == C311_OK)
        return true;
    fprintf(stderr, "civic311 import: stopped after %" PRId64 " rows: %s\n",
            r->c.read, r->cause != NULL ? r->cause : c311_rc_str(rc));
    return false;
}

/* Sets up the run's buffers and opens the file and the store. */
static int
run_import(struct run *r)
{
    struct store_options sopt = {1, true, false};
    struct batch *b;
    struct stat sb;
    FILE *f;
    int rc = CLI_FAIL;
    size_t i;

    for (i = 0; i < 2; i++) {
        b = &r->slots[i];
        b->rows = calloc(r->o->batch, sizeof(*b->rows));
        b->lines = calloc(r->o->batch, sizeof(*b->lines));
        b->fields = calloc(r->o->batch, sizeof(*b->fields));
        b->warnings = calloc(r->o->batch, sizeof(*b->warnings));
        b->made_up = calloc(r->o->batch, sizeof(*b->made_up));
        if (b->rows == NULL || b->lines == NULL || b->fields == NULL ||
            b->warnings == NULL || b->made_up == NULL) {
            fputs("civic311 import: out of memory\n", stderr);
            return CLI_FAIL;
        }
    }
    r->fill = &r->slots[0];
    f = fopen(r->o->file, "rb");
    if (f == NULL) {
        fprintf(stderr, "civic311 import: cannot read %s: %s\n", r->o->file,
                strerror(errno));
        return CLI_FAIL;
    }
    r->size = fstat(fileno(f), &sb) == 0 ? sb.st_size : 0;
    if (store_open(r->o->db, &sopt, &r->st, &r->cause) != C311_OK) {
        fprintf(stderr, "civic311 import: cannot open the store: %s\n",
                r->cause != NULL ? r->cause : "unknown error");
        goto out;
    }
    if (!open_rejects(r))
        goto out;
    r->now = isotime_now();
    r->started = now_seconds();
    r->tty = isatty(STDERR_FILENO) == 1;
    if (store_import_begin(r->st, (int64_t)(r->size / IMPORT_ROW_BYTES),
                           &r->cause) != C311_OK) {
        fprintf(stderr, "civic311 import: cannot start: %s\n",
                r->cause != NULL ? r->cause : "unknown error");
        goto out;
    }
    if (read_file(r, f))
        rc = CLI_OK;
    free(r->cause);
    r->cause = NULL;
    if (store_import_end(r->st, &r->cause) != C311_OK) {
        fprintf(stderr, "civic311 import: cannot finish: %s\n",
                r->cause != NULL ? r->cause : "unknown error");
        rc = CLI_FAIL;
    }
    print_summary(r);
    if (fflush(stdout) != 0)
        rc = CLI_FAIL;
out:
    if (r->rejects != NULL && fclose(r->rejects) != 0 && rc == CLI_OK) {
        fprintf(stderr, "civic311 import: writing %s: %s\n", r->o->rejects,
                strerror(errno));
        rc = CLI_FAIL;
    }
    fclose(f);
    return rc;
}

/* Runs the command; see import_usage for what it does. */
int
cmd_import(int argc, char **argv)
{
    struct import_opts o = {NULL, NULL, cli_default_config(),
                            NULL, NULL, IMPORT_DEFAULT_BATCH};
    struct config_report rep = CONFIG_REPORT_INIT;
    struct city *city = NULL;
    struct run r;
    size_t i;
    int rc;

    rc = parse_opts(argc, argv, &o);
    if (rc >= 0)
        return rc;
    if (config_load(o.config, &city, &rep) != C311_OK) {
        config_report_print(&rep, o.config, stderr);
        config_report_free(&rep);
        return CLI_FAIL;
    }
    config_report_free(&rep);
    if (isotime_set_zone(city->timezone) != C311_OK ||
        secret_init() != C311_OK) {
        fprintf(stderr,
                "civic311 import: cannot set up time zone %s or "
                "libsodium\n",
                city->timezone);
        config_free(city);
        return CLI_FAIL;
    }
    mallopt(M_MMAP_THRESHOLD, IMPORT_MMAP_THRESHOLD);
    memset(&r, 0, sizeof(r));
    r.o = &o;
    r.city = city;
    r.base = strrchr(o.file, '/') != NULL ? strrchr(o.file, '/') + 1 : o.file;
    r.services = (struct strmap)STRMAP_INIT;
    rc = run_import(&r);
    store_close(r.st);
    for (i = 0; i < 2; i++) {
        free(r.slots[i].rows);
        free(r.slots[i].lines);
        free(r.slots[i].fields);
        free(r.slots[i].warnings);
        free(r.slots[i].made_up);
        free(r.slots[i].cause);
        arena_free(&r.slots[i].arena);
    }
    free(r.cause);
    arena_free(&r.lay_arena);
    strmap_free(&r.services);
    config_free(city);
    return rc;
}
