/* SPDX-License-Identifier: MIT */
/*
 * civic311 apikey: creates, lists and revokes the keys Open311 clients send
 * with POST requests. A key is shown once, when created; the database keeps
 * only its first characters (to recognise it in a list) and its SHA-256.
 * Creating and revoking are recorded in the audit trail as done by "cli".
 *
 * A key reads "c311_" followed by 64 lowercase hex digits (32 random
 * bytes); the hash covers the whole key, prefix included.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>

#include "cli/apikey.h"
#include "cli/cli.h"
#include "store/apikeys.h"
#include "store/store.h"
#include "util/secret.h"

#define APIKEY_DEFAULT_DB "civic311.db"
#define APIKEY_PREFIX_LEN 8 /* hex digits kept to recognise a key */
#define APIKEY_NAME_MAX   64

/* What the options of one subcommand came to. */
struct apikey_args {
    const char *db;
    const char *name;
    int64_t rate_limit; /* 0: the city's default */
};

struct apikey_cmd {
    const char *name;
    int (*run)(const struct apikey_args *args);
    bool needs_name;
    const char *usage;
};

static int apikey_create(const struct apikey_args *args);
static int apikey_list(const struct apikey_args *args);
static int apikey_revoke(const struct apikey_args *args);

static const struct apikey_cmd apikey_cmds[] = {
    {"create", apikey_create, true,
     "usage: civic311 apikey create [--db PATH] --name NAME "
     "[--rate-limit N]\n\n"
     "Creates a key and prints it once on standard output; only its\n"
     "prefix and hash are stored. NAME is 1 to 64 letters, digits, '.',\n"
     "'_' or '-'. N is the Open311 requests per minute the key may make\n"
     "(1 to 1000000; default: the city's api_key_rate_limit, 120).\n"},
    {"list", apikey_list, false,
     "usage: civic311 apikey list [--db PATH]\n\n"
     "Lists every key: name, prefix, creation time (UTC) and status.\n"},
    {"revoke", apikey_revoke, true,
     "usage: civic311 apikey revoke [--db PATH] --name NAME\n\n"
     "Revokes the active key called NAME; clients using it are refused.\n"},
};

#define NAPIKEY_CMDS (sizeof(apikey_cmds) / sizeof(apikey_cmds[0]))

/* Prints the list of subcommands. */
static void
usage(FILE *f)
{
    fprintf(f, "usage: civic311 apikey COMMAND [--db PATH] [--name NAME]\n\n"
               "Commands:\n"
               "  create   create a key and print it once\n"
               "  list     list keys\n"
               "  revoke   revoke a key\n\n"
               "--db defaults to ./" APIKEY_DEFAULT_DB ".\n"
               "Run 'civic311 apikey COMMAND --help' for details.\n");
}

/* True when name is 1 to 64 characters from [A-Za-z0-9._-]. */
static bool
valid_name(const char *name)
{
    size_t n = strlen(name);

    return n > 0 && n <= APIKEY_NAME_MAX &&
           strspn(name, "abcdefghijklmnopqrstuvwxyz"
                        "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == n;
}

/* Reads a rate limit of 1 to 1000000 requests per minute. */
static bool
apikey_rate(const char *s, int64_t *out)
{
    char *end;
    long v = strtol(s, &end, 10);

    if (*s < '1' || *s > '9' || *end != '\0' || v < 1 || v > 1000000)
        return false;
    *out = v;
    return true;
}

/*
 * Parses --db, --name, --rate-limit and --help for cmd. Returns -1 to go on, or
 * the exit status to return at once (help printed, or a usage error).
 */
static int
parse_args(const struct apikey_cmd *cmd, int argc, char **argv,
           struct apikey_args *args)
{
    static const struct option options[] = {
        {"db", required_argument, NULL, 'd'},
        {"name", required_argument, NULL, 'n'},
        {"rate-limit", required_argument, NULL, 'r'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;

    args->db = APIKEY_DEFAULT_DB;
    args->name = NULL;
    args->rate_limit = 0;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
        switch (c) {
        case 'd':
            args->db = optarg;
            break;
        case 'n':
            if (!cmd->needs_name) {
                fprintf(stderr, "civic311 apikey: %s takes no --name\n",
                        cmd->name);
                goto usage;
            }
            args->name = optarg;
            break;
        case 'r':
            if (strcmp(cmd->name, "create") != 0 ||
                !apikey_rate(optarg, &args->rate_limit)) {
                fprintf(stderr,
                        "civic311 apikey: --rate-limit takes a number from "
                        "1 to 1000000, with create only\n");
                goto usage;
            }
            break;
        case 'h':
            fputs(cmd->usage, stdout);
            return CLI_OK;
        case ':':
            fprintf(stderr, "civic311 apikey: option '%s' needs a value\n",
                    argv[optind - 1]);
            goto usage;
        default:
            goto bad_option;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "civic311 apikey: unexpected argument '%s'\n",
                argv[optind]);
        goto usage;
    }
    if (cmd->needs_name && args->name == NULL) {
        fprintf(stderr, "civic311 apikey: %s needs --name\n", cmd->name);
        goto usage;
    }
    if (args->name != NULL && !valid_name(args->name)) {
        fprintf(stderr, "civic311 apikey: invalid key name '%s'\n", args->name);
        goto usage;
    }
    return -1;

bad_option:
    fprintf(stderr, "civic311 apikey: unknown option '%s'\n", argv[optind - 1]);
usage:
    fputc('\n', stderr);
    fputs(cmd->usage, stderr);
    return CLI_USAGE;
}

/*
 * Opens the database for a subcommand, printing why when it fails. Only
 * create may start a new database file: listing or revoking in a file that
 * is not there means the wrong --db, not an empty list.
 */
static struct store *
open_db(const char *db, bool must_exist)
{
    struct store_options opt = {1, true, must_exist};
    struct store *st = NULL;
    char *cause = NULL;

    if (store_open(db, &opt, &st, &cause) != C311_OK) {
        fprintf(stderr, "civic311 apikey: %s: %s\n", db,
                cause != NULL ? cause : "cannot open");
        free(cause);
        return NULL;
    }
    return st;
}

/* Makes and stores a key; see cli/apikey.h. */
enum c311_rc
apikey_make(struct store *st, const char *name, int64_t rate_limit,
            const char *actor, char key[APIKEY_SIZE], char **cause)
{
    char prefix[APIKEY_PREFIX_LEN + 1];
    char hash[SECRET_HASH_HEX_SIZE];

    memcpy(key, APIKEY_SCHEME, strlen(APIKEY_SCHEME));
    secret_token(key + strlen(APIKEY_SCHEME), APIKEY_RANDOM);
    memcpy(prefix, key + strlen(APIKEY_SCHEME), APIKEY_PREFIX_LEN);
    prefix[APIKEY_PREFIX_LEN] = '\0';
    secret_hash_hex(key, hash);
    return apikeys_create(st, name, prefix, hash, rate_limit, actor, time(NULL),
                          NULL, cause);
}

/* Makes a key, stores its prefix and hash, and prints it. */
static int
apikey_create(const struct apikey_args *args)
{
    char key[APIKEY_SIZE];
    struct store *st;
    char *cause = NULL;
    enum c311_rc rc;

    if (secret_init() != C311_OK) {
        fprintf(stderr, "civic311 apikey: cannot initialise libsodium\n");
        return CLI_FAIL;
    }
    st = open_db(args->db, false);
    if (st == NULL)
        return CLI_FAIL;
    rc = apikey_make(st, args->name, args->rate_limit, "cli", key, &cause);
    store_close(st);
    if (rc == C311_ERR_CONFLICT)
        fprintf(stderr,
                "civic311 apikey: an active key named '%s' exists "
                "already\n",
                args->name);
    else if (rc != C311_OK)
        fprintf(stderr, "civic311 apikey: %s\n",
                cause != NULL ? cause : c311_rc_str(rc));
    free(cause);
    if (rc != C311_OK)
        return CLI_FAIL;
    printf("%s\n", key);
    fprintf(stderr,
            "civic311 apikey: key '%s' added to %s; it is shown only "
            "this once\n",
            args->name, args->db);
    return fflush(stdout) == 0 ? CLI_OK : CLI_FAIL;
}

/* Writes t as "YYYY-MM-DDThh:mm:ssZ". */
static void
format_utc(int64_t t, char out[32])
{
    time_t tt = (time_t)t;
    struct tm tm;

    if (gmtime_r(&tt, &tm) == NULL ||
        strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        snprintf(out, 32, "%lld", (long long)t);
}

/* Prints every key as a table. */
static int
apikey_list(const struct apikey_args *args)
{
    struct arena a = ARENA_INIT;
    struct api_key *keys;
    struct store *st;
    char *cause = NULL;
    char created[32];
    int width = 4;
    size_t n, i;

    st = open_db(args->db, true);
    if (st == NULL)
        return CLI_FAIL;
    if (store_apikey_list(st, &a, &keys, &n, &cause) != C311_OK) {
        fprintf(stderr, "civic311 apikey: %s\n", cause ? cause : "failed");
        free(cause);
        store_close(st);
        arena_free(&a);
        return CLI_FAIL;
    }
    for (i = 0; i < n; i++)
        if ((int)strlen(keys[i].name) > width)
            width = (int)strlen(keys[i].name);

    printf("%-*s  %-8s  %-20s  %s\n", width, "NAME", "PREFIX", "CREATED",
           "STATUS");
    for (i = 0; i < n; i++) {
        format_utc(keys[i].created_at, created);
        printf("%-*s  %-8s  %-20s  %s\n", width, keys[i].name, keys[i].prefix,
               created, keys[i].revoked_at != 0 ? "revoked" : "active");
    }
    store_close(st);
    arena_free(&a);
    return fflush(stdout) == 0 ? CLI_OK : CLI_FAIL;
}

/* Revokes the active key with the given name. */
static int
apikey_revoke(const struct apikey_args *args)
{
    struct arena a = ARENA_INIT;
    struct store *st;
    char *cause = NULL;
    enum c311_rc rc;

    st = open_db(args->db, true);
    if (st == NULL)
        return CLI_FAIL;
    rc = apikeys_revoke(st, args->name, "cli", time(NULL), &a, NULL, &cause);
    store_close(st);
    if (rc == C311_OK)
        printf("revoked key '%s'\n", args->name);
    else if (rc == C311_ERR_NOT_FOUND)
        fprintf(stderr, "civic311 apikey: no active key named '%s'\n",
                args->name);
    else if (rc != C311_OK)
        fprintf(stderr, "civic311 apikey: %s\n",
                cause != NULL ? cause : c311_rc_str(rc));
    free(cause);
    arena_free(&a);
    return rc == C311_OK ? CLI_OK : CLI_FAIL;
}

/* Entry point: dispatches to create, list or revoke. */
int
cmd_apikey(int argc, char **argv)
{
    struct apikey_args args;
    size_t i;
    int rc;

    if (argc < 2) {
        usage(stderr);
        return CLI_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return CLI_OK;
    }
    for (i = 0; i < NAPIKEY_CMDS; i++) {
        if (strcmp(argv[1], apikey_cmds[i].name) != 0)
            continue;
        rc = parse_args(&apikey_cmds[i], argc - 1, argv + 1, &args);
        if (rc != -1)
            return rc;
        return apikey_cmds[i].run(&args);
    }
    fprintf(stderr, "civic311 apikey: unknown command '%s'\n\n", argv[1]);
    usage(stderr);
    return CLI_USAGE;
}
