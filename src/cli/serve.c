/* SPDX-License-Identifier: MIT */
/*
 * civic311 serve: loads the city configuration, opens the store and runs
 * the HTTP server (Open311 API, health check, web pages) until SIGTERM or
 * SIGINT, then lets requests in flight finish and closes the store.
 */
#include <getopt.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/calls.h"
#include "api/admin.h"
#include "api/callers.h"
#include "api/kb.h"
#include "api/kb_log.h"
#include "api/open311.h"
#include "api/openapi.h"
#include "api/reports.h"
#include "api/requests.h"
#include "api/session.h"
#include "api/tows.h"
#include "api/workorders.h"
#include "cli/cli.h"
#include "jobs/sweep.h"
#include "api/webconfig.h"
#include "cli/cli.h"
#include "cli/kb_load.h"
#include "cli/portal_key.h"
#include "http/http.h"
#include "io/config.h"
#include "jobs/queuelog_follow.h"
#include "store/kb_store.h"
#include "util/isotime.h"
#include "util/log.h"
#include "util/secret.h"

struct serve_opts {
    const char *config;
    const char *db;
    const char *listen;
    const char *web_root;
    unsigned threads;
    const char *queue_log;
    bool print_routes;
    const char *portal_key_file; /* NULL: the portal cannot file */
    const char *portal_key_name;
    struct webconfig web;
};

/* Prints the command's usage to f. */
static void
usage(FILE *f)
{
    fprintf(f,
            "usage: civic311 serve [--config FILE] [--db PATH] "
            "[--listen ADDR:PORT]\n"
            "                      [--log-level LEVEL] [--web-root DIR] "
            "[--threads N]\n"
            "                      [--queue-log FILE] [--routes]\n\n"
            "Runs the HTTP server until SIGTERM or SIGINT.\n\n"
            "  --config FILE       city configuration "
            "(default config/demo-city.yaml)\n"
            "  --db PATH           database (default ./civic311.db)\n"
            "  --listen ADDR:PORT  address to listen on "
            "(default 127.0.0.1:8311)\n"
            "  --log-level LEVEL   debug, info, notice, warning or error "
            "(default info)\n"
            "  --web-root DIR      static files (default web)\n"
            "  --threads N         server threads (default twice the cores)\n"
            "  --queue-log FILE    follow the ACD's queue_log and store its "
            "calls\n"
            "  --routes            print every route (METHOD PATTERN) and "
            "exit\n"
            "\nWeb pages (see docs/WEB.md):\n"
            "  --portal-key-file FILE  the portal's Open311 key: read from "
            "FILE, or made\n"
            "                      and written there when FILE does not "
            "exist\n"
            "  --portal-key-name NAME  name of a key made so (default "
            "portal)\n"
            "  --map-tiles URL     tile URL template for the portal's map, "
            "such as\n"
            "                      https://tiles.example/{z}/{x}/{y}.png "
            "(default: no map)\n"
            "  --map-attribution TEXT  credit shown on the map\n"
            "  --map-center LAT,LONG[,ZOOM]  where the map opens\n");
}

/* Reads the options into o; returns -1 to go on, or an exit status. */
static int
parse_opts(int argc, char **argv, struct serve_opts *o)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},
        {"db", required_argument, NULL, 'd'},
        {"listen", required_argument, NULL, 'l'},
        {"log-level", required_argument, NULL, 'L'},
        {"web-root", required_argument, NULL, 'w'},
        {"threads", required_argument, NULL, 't'},
        {"queue-log", required_argument, NULL, 'q'},
        {"routes", no_argument, NULL, 'R'},
        {"portal-key-file", required_argument, NULL, 'k'},
        {"portal-key-name", required_argument, NULL, 'K'},
        {"map-tiles", required_argument, NULL, 'm'},
        {"map-attribution", required_argument, NULL, 'a'},
        {"map-center", required_argument, NULL, 'C'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    enum log_level level;
    char *end;
    long n;
    int ch;

    optind = 0;
    while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (ch) {
        case 'c':
            o->config = optarg;
            break;
        case 'd':
            o->db = optarg;
            break;
        case 'l':
            o->listen = optarg;
            break;
        case 'w':
            o->web_root = optarg;
            break;
        case 'q':
            o->queue_log = optarg;
            break;
        case 'L':
            if (!log_parse_level(optarg, &level)) {
                fprintf(stderr, "civic311 serve: unknown log level '%s'\n",
                        optarg);
                return CLI_USAGE;
            }
            log_set_level(level);
            break;
        case 't':
            n = strtol(optarg, &end, 10);
            if (*end != '\0' || n < 1 || n > 1024) {
                fprintf(stderr, "civic311 serve: --threads must be a "
                                "number from 1 to 1024\n");
                return CLI_USAGE;
            }
            o->threads = (unsigned)n;
            break;
        case 'R':
            o->print_routes = true;
            break;
        case 'k':
            o->portal_key_file = optarg;
            break;
        case 'K':
            o->portal_key_name = optarg;
            break;
        case 'm':
            if (strncmp(optarg, "https://", 8) != 0 &&
                strncmp(optarg, "http://", 7) != 0 && optarg[0] != '/') {
                fprintf(stderr, "civic311 serve: --map-tiles must be an "
                                "http(s) URL or a path starting with /\n");
                return CLI_USAGE;
            }
            o->web.map_tiles = optarg;
            break;
        case 'a':
            o->web.map_attribution = optarg;
            break;
        case 'C':
            if (!webconfig_parse_center(optarg, &o->web)) {
                fprintf(stderr, "civic311 serve: --map-center must be "
                                "LAT,LONG or LAT,LONG,ZOOM\n");
                return CLI_USAGE;
            }
            break;
        case 'h':
            usage(stdout);
            return CLI_OK;
        default:
            usage(stderr);
            return CLI_USAGE;
        }
    }
    if (optind != argc) {
        usage(stderr);
        return CLI_USAGE;
    }
    return -1;
}

/* Blocks SIGTERM and SIGINT (threads inherit it) and ignores SIGPIPE. */
static void
block_signals(sigset_t *set)
{
    sigemptyset(set);
    sigaddset(set, SIGTERM);
    sigaddset(set, SIGINT);
    pthread_sigmask(SIG_BLOCK, set, NULL);
    signal(SIGPIPE, SIG_IGN);
}

#define NELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* Every API module's routes; a new module adds its line here. */
static const struct route_table serve_route_tables[] = {
    {open311_routes, &open311_nroutes},
    {session_routes, &session_nroutes},
    {callers_routes, &callers_nroutes},
    {requests_routes, &requests_nroutes},
    {admin_routes, &admin_nroutes},
    {openapi_routes, &openapi_nroutes},
    {workorders_routes, &workorders_nroutes},
    {tows_routes, &tows_nroutes},
    {webconfig_routes, &webconfig_nroutes},
    {calls_routes, &calls_nroutes},
    {reports_routes, &reports_nroutes},
    {kb_routes, &kb_nroutes},
    {kb_find_routes, &kb_find_nroutes},
};

/* Prints every route of every module, one "METHOD PATTERN" a line. */
static int
print_routes(void)
{
    size_t i, j;

    for (i = 0; i < NELEMS(serve_route_tables); i++) {
        for (j = 0; j < *serve_route_tables[i].nroutes; j++)
            printf("%s %s\n", serve_route_tables[i].routes[j].method,
                   serve_route_tables[i].routes[j].pattern);
    }
    printf("%s %s\n", http_health_route.method, http_health_route.pattern);
    return fflush(stdout) == 0 ? CLI_OK : CLI_FAIL;
}

/* Runs the server over a loaded city and an open store until a signal. */
static int
run(const struct serve_opts *o, const struct city *city, struct store *st)
{
    struct app ctx = {city, st, o->web.portal_key ? o->portal_key_name : NULL};
    struct route *routes;
    struct http_config cfg = {0};
    struct http_server *srv = NULL;
    struct sweep_job *sweep = NULL;
    struct queuelog_follow *follow = NULL;
    char *cause = NULL;
    sigset_t set;
    size_t n = 0, i, j;
    int sig = 0;

    for (i = 0; i < NELEMS(serve_route_tables); i++)
        n += *serve_route_tables[i].nroutes;
    routes = calloc(n + 1, sizeof(*routes));
    if (routes == NULL) {
        fprintf(stderr, "civic311 serve: out of memory\n");
        return CLI_FAIL;
    }
    n = 0;
    for (i = 0; i < NELEMS(serve_route_tables); i++) {
        for (j = 0; j < *serve_route_tables[i].nroutes; j++)
            routes[n++] = serve_route_tables[i].routes[j];
    }
    routes[n++] = http_health_route;
    if (webconfig_set(&o->web, city, routes, n) != C311_OK) {
        fprintf(stderr, "civic311 serve: out of memory\n");
        free(routes);
        return CLI_FAIL;
    }
    cfg.listen = o->listen;
    cfg.threads = o->threads;
    cfg.web_root = o->web_root;
    cfg.routes = routes;
    cfg.nroutes = n;
    cfg.app = &ctx;

    block_signals(&set);
    /* Started after the signals are blocked, so that it inherits that. */
    if (kb_log_start(st) != C311_OK)
        log_warning("serve", "searches are logged as they happen: the "
                             "search log writer did not start");
    if (http_server_start(&cfg, &srv, &cause) != C311_OK) {
        fprintf(stderr, "civic311 serve: %s\n", cause ? cause : "failed");
        free(cause);
        free(routes);
        kb_log_stop();
        return CLI_FAIL;
    }
    log_info("serve", "listening on http://%s (%zu services, db %s)",
             http_server_address(srv), city->nservices, o->db);
    if (sweep_job_start(st, city, &sweep) != C311_OK)
        log_error("serve", "cannot start the sla sweep");
    /* After block_signals, so that the follower never takes SIGTERM. */
    if (o->queue_log != NULL &&
        queuelog_follow_start(st, o->queue_log, 0, &follow, &cause) !=
            C311_OK) {
        fprintf(stderr, "civic311 serve: %s\n", cause ? cause : "failed");
        free(cause);
    }
    sigwait(&set, &sig);
    log_info("serve", "%s received, stopping",
             sig == SIGINT ? "SIGINT" : "SIGTERM");
    sweep_job_stop(sweep);
    http_server_stop(srv);
    queuelog_follow_stop(follow);
    kb_log_stop();
    free(routes);
    return CLI_OK;
}

/*
 * Loads the city's starter knowledge base (kb/NAME next to the
 * configuration, when there is one) into an empty knowledge base. Returns
 * false when the file has problems or the store fails.
 */
static bool
seed_kb(const char *config, const struct city *city, struct store *st)
{
    struct arena a = ARENA_INIT;
    struct kb_load_stats stats;
    char *cause = NULL, *path;
    int64_t n = 0;
    bool ok = true;

    if (kb_store_count(st, &n, &cause) != C311_OK) {
        fprintf(stderr, "civic311 serve: reading the knowledge base: %s\n",
                cause ? cause : "unknown error");
        free(cause);
        return false;
    }
    path = kb_load_default_path(config, &a);
    if (n == 0 && path != NULL && access(path, R_OK) == 0) {
        ok = kb_load_file(st, city, path, false, isotime_now(), &stats,
                          stderr) == C311_OK;
        if (ok)
            log_info("serve", "knowledge base: %zu articles loaded from %s",
                     stats.created, path);
    }
    arena_free(&a);
    return ok;
}

/* The thread count the HTTP layer picks by default: twice the cores. */
static unsigned
serve_default_threads(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);

    return n > 0 ? (unsigned)n * 2 : 2;
}

/*
 * Reads or makes the portal's key when --portal-key-file is given, into
 * *key (malloc'd; NULL without the option). Prints why it fails.
 */
static enum c311_rc
serve_portal_key(const struct serve_opts *o, struct store *st, char **key)
{
    char *cause = NULL;
    enum c311_rc rc;

    *key = NULL;
    if (o->portal_key_file == NULL)
        return C311_OK;
    rc = portal_key_load(st, o->portal_key_file, o->portal_key_name, key,
                         &cause);
    if (rc != C311_OK)
        fprintf(stderr, "civic311 serve: portal key: %s\n",
                cause != NULL ? cause : c311_rc_str(rc));
    free(cause);
    return rc;
}

/* Runs the command; see usage() for what it does. */
int
cmd_serve(int argc, char **argv)
{
    struct serve_opts o = {cli_default_config(),
                           "./civic311.db",
                           "127.0.0.1:8311",
                           "web",
                           0,
                           NULL,
                           false,
                           NULL,
                           "portal",
                           {0}};
    struct config_report rep = CONFIG_REPORT_INIT;
    struct city *city = NULL;
    /* serve creates the store it is given: existing stays false. */
    struct store_options sopt = {0};
    struct store *st = NULL;
    char *cause = NULL, *key = NULL;
    int rc;

    rc = parse_opts(argc, argv, &o);
    if (rc >= 0)
        return rc;
    if (o.print_routes)
        return print_routes();
    if (config_load(o.config, &city, &rep) != C311_OK) {
        config_report_print(&rep, o.config, stderr);
        config_report_free(&rep);
        return CLI_FAIL;
    }
    config_report_free(&rep);
    rc = CLI_FAIL;
    if (isotime_set_zone(city->timezone) != C311_OK) {
        fprintf(stderr, "civic311 serve: unknown time zone %s\n",
                city->timezone);
        goto out_city;
    }
    if (secret_init() != C311_OK) {
        fprintf(stderr, "civic311 serve: cannot initialise libsodium\n");
        goto out_city;
    }
    /*
     * One read connection per HTTP worker thread, so no request waits for
     * a connection; every commit reaches the disk before it is answered.
     */
    sopt.readers = o.threads != 0 ? o.threads : serve_default_threads();
    sopt.synchronous = true;
    if (store_open(o.db, &sopt, &st, &cause) != C311_OK) {
        fprintf(stderr, "civic311 serve: cannot open the store: %s\n",
                cause ? cause : "unknown error");
        free(cause);
        goto out_city;
    }
    if (serve_portal_key(&o, st, &key) == C311_OK) {
        o.web.portal_key = key;
        if (seed_kb(o.config, city, st))
            rc = run(&o, city, st);
        free(key);
    }
    webconfig_clear();
    store_close(st);
out_city:
    config_free(city);
    return rc;
}
