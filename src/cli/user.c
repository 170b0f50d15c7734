/* SPDX-License-Identifier: MIT */
/*
 * civic311 user: adds, lists, disables and enables staff accounts. The
 * password of a new account is read from standard input (one line), never
 * from the command line where other users of the machine could see it;
 * only its argon2id hash is stored.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "api/staff.h"
#include "cli/cli.h"
#include "io/config.h"
#include "store/users.h"
#include "util/buf.h"
#include "util/password.h"
#include "util/secret.h"

#define USER_DEFAULT_DB "civic311.db"
#define USER_LOGIN_MAX  64
#define USER_NAME_MAX   200
#define USER_MAX_DEPTS  64

/* What the options of one subcommand came to. */
struct user_args {
    const char *db;
    const char *config;
    const char *login;
    const char *name;
    unsigned roles;
    const char *depts[USER_MAX_DEPTS];
    size_t ndepts;
};

struct user_cmd {
    const char *name;
    int (*run)(const struct user_args *args);
    unsigned opts; /* USER_OPT_* the command takes */
    const char *usage;
};

#define USER_OPT_LOGIN 0x1
#define USER_OPT_ADD   0x2 /* --name, --role, --department, --config */

static int user_add(const struct user_args *args);
static int user_list(const struct user_args *args);
static int user_disable(const struct user_args *args);
static int user_enable(const struct user_args *args);

static const struct user_cmd user_cmds[] = {
    {"add", user_add, USER_OPT_LOGIN | USER_OPT_ADD,
     "usage: civic311 user add [--db PATH] [--config FILE] --login LOGIN\n"
     "                         --name NAME --role ROLE [--role ROLE ...]\n"
     "                         [--department CODE ...] < password\n\n"
     "Adds a staff account; the password is the first line of standard\n"
     "input. ROLE is agent, expert, supervisor, crew, qa, editor or admin.\n"
     "CODE is a department code of the city configuration (default\n"
     "config/demo-city.yaml). LOGIN is 1 to 64 lowercase letters, digits,\n"
     "'.', '_' or '-'.\n"},
    {"list", user_list, 0,
     "usage: civic311 user list [--db PATH]\n\n"
     "Lists every account: login, name, roles, departments, status.\n"},
    {"disable", user_disable, USER_OPT_LOGIN,
     "usage: civic311 user disable [--db PATH] --login LOGIN\n\n"
     "Disables an account and ends its sessions at once.\n"},
    {"enable", user_enable, USER_OPT_LOGIN,
     "usage: civic311 user enable [--db PATH] --login LOGIN\n\n"
     "Enables a disabled account again.\n"},
};

#define NUSER_CMDS (sizeof(user_cmds) / sizeof(user_cmds[0]))

/* Prints the list of subcommands. */
static void
usage(FILE *f)
{
    fprintf(f, "usage: civic311 user COMMAND [--db PATH] [OPTIONS]\n\n"
               "Commands:\n"
               "  add       add a staff account (password on stdin)\n"
               "  list      list accounts\n"
               "  disable   disable an account and end its sessions\n"
               "  enable    enable an account again\n\n"
               "--db defaults to ./" USER_DEFAULT_DB ".\n"
               "Run 'civic311 user COMMAND --help' for details.\n");
}

/* True when login is 1 to 64 characters from [a-z0-9._-]. */
static bool
user_login_ok(const char *login)
{
    size_t n = strlen(login);

    return n > 0 && n <= USER_LOGIN_MAX &&
           strspn(login, "abcdefghijklmnopqrstuvwxyz0123456789._-") == n;
}

/* Reads one option of cmd into args; -1 to go on, else an exit status. */
static int
user_option(const struct user_cmd *cmd, int c, struct user_args *args)
{
    unsigned role;

    if ((c == 'l' && !(cmd->opts & USER_OPT_LOGIN)) ||
        (strchr("nrDc", c) != NULL && !(cmd->opts & USER_OPT_ADD))) {
        fprintf(stderr, "civic311 user: %s does not take that option\n",
                cmd->name);
        return CLI_USAGE;
    }
    switch (c) {
    case 'd':
        args->db = optarg;
        break;
    case 'c':
        args->config = optarg;
        break;
    case 'l':
        args->login = optarg;
        break;
    case 'n':
        args->name = optarg;
        break;
    case 'r':
        role = staff_role_parse(optarg);
        if (role == 0) {
            fprintf(stderr, "civic311 user: unknown role '%s'\n", optarg);
            return CLI_USAGE;
        }
        args->roles |= role;
        break;
    case 'D':
        if (args->ndepts == USER_MAX_DEPTS) {
            fprintf(stderr, "civic311 user: too many departments\n");
            return CLI_USAGE;
        }
        args->depts[args->ndepts++] = optarg;
        break;
    default:
        return CLI_USAGE;
    }
    return -1;
}

/* Checks that the options cmd needs are there. */
static int
user_check_args(const struct user_cmd *cmd, const struct user_args *args)
{
    if ((cmd->opts & USER_OPT_LOGIN) && args->login == NULL) {
        fprintf(stderr, "civic311 user: %s needs --login\n", cmd->name);
        return CLI_USAGE;
    }
    if (args->login != NULL && !user_login_ok(args->login)) {
        fprintf(stderr, "civic311 user: invalid login '%s'\n", args->login);
        return CLI_USAGE;
    }
    if (!(cmd->opts & USER_OPT_ADD))
        return -1;
    if (args->name == NULL || *args->name == '\0' ||
        strlen(args->name) > USER_NAME_MAX) {
        fprintf(stderr, "civic311 user: add needs --name (1 to %d bytes)\n",
                USER_NAME_MAX);
        return CLI_USAGE;
    }
    if (args->roles == 0) {
        fprintf(stderr, "civic311 user: add needs at least one --role\n");
        return CLI_USAGE;
    }
    return -1;
}

/* Parses the options of cmd; -1 to go on, else an exit status. */
static int
parse_args(const struct user_cmd *cmd, int argc, char **argv,
           struct user_args *args)
{
    static const struct option options[] = {
        {"db", required_argument, NULL, 'd'},
        {"config", required_argument, NULL, 'c'},
        {"login", required_argument, NULL, 'l'},
        {"name", required_argument, NULL, 'n'},
        {"role", required_argument, NULL, 'r'},
        {"department", required_argument, NULL, 'D'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c, rc;

    memset(args, 0, sizeof(*args));
    args->db = USER_DEFAULT_DB;
    args->config = cli_default_config();
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
        if (c == 'h') {
            fputs(cmd->usage, stdout);
            return CLI_OK;
        }
        if (c == ':' || c == '?') {
            fprintf(stderr, "civic311 user: %s '%s'\n",
                    c == ':' ? "option needs a value:" : "unknown option",
                    argv[optind - 1]);
            goto usage;
        }
        rc = user_option(cmd, c, args);
        if (rc != -1)
            goto usage;
    }
    if (optind < argc) {
        fprintf(stderr, "civic311 user: unexpected argument '%s'\n",
                argv[optind]);
        goto usage;
    }
    rc = user_check_args(cmd, args);
    if (rc == -1)
        return -1;
usage:
    fputc('\n', stderr);
    fputs(cmd->usage, stderr);
    return CLI_USAGE;
}

/*
 * Opens the database, printing why when it fails. Only add may create it:
 * listing or changing users in a store that is not there means a wrong --db.
 */
static struct store *
user_open_db(const char *db, bool existing)
{
    struct store_options opt = {1, true, existing};
    struct store *st = NULL;
    char *cause = NULL;

    if (store_open(db, &opt, &st, &cause) != C311_OK) {
        fprintf(stderr, "civic311 user: %s: %s\n", db,
                cause != NULL ? cause : "cannot open");
        free(cause);
        return NULL;
    }
    return st;
}

/*
 * Checks the departments against the city configuration and joins them
 * with spaces into b; false (with a message) when one is unknown.
 */
static bool
user_departments(const struct user_args *args, struct buf *b)
{
    struct config_report rep = CONFIG_REPORT_INIT;
    struct city *city = NULL;
    bool ok = true;
    size_t i;

    buf_puts(b, "");
    if (args->ndepts == 0)
        return true;
    if (config_load(args->config, &city, &rep) != C311_OK) {
        config_report_print(&rep, args->config, stderr);
        config_report_free(&rep);
        return false;
    }
    config_report_free(&rep);
    for (i = 0; i < args->ndepts; i++) {
        if (catalog_department(city, args->depts[i]) == NULL) {
            fprintf(stderr, "civic311 user: department '%s' is not in %s\n",
                    args->depts[i], args->config);
            ok = false;
        }
        buf_printf(b, "%s%s", i > 0 ? " " : "", args->depts[i]);
    }
    config_free(city);
    return ok && !b->failed;
}

/*
 * The fewest characters a password may have. Staff accounts reach
 * residents' names, phone numbers and addresses, and sign-in is only
 * slowed, not stopped, after failures: a password must not be guessable
 * in a few thousand tries.
 */
#define USER_PASSWORD_MIN 8

/* Characters (UTF-8 code points) in s. */
static size_t
user_chars(const char *s)
{
    size_t n = 0;

    for (; *s != '\0'; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/*
 * Reads the password: the first line of standard input, without its line
 * end. False (with a message) when it is empty, too short or too long.
 */
static bool
user_read_password(char *out, size_t size)
{
    size_t n;

    if (isatty(STDIN_FILENO))
        fprintf(stderr, "password: ");
    if (fgets(out, (int)size, stdin) == NULL) {
        fprintf(stderr, "civic311 user: no password on standard input\n");
        return false;
    }
    n = strcspn(out, "\r\n");
    if (out[n] == '\0' && !feof(stdin) && n == size - 1) {
        fprintf(stderr, "civic311 user: password is over %d bytes\n",
                PASSWORD_MAX);
        return false;
    }
    out[n] = '\0';
    if (n == 0) {
        fprintf(stderr, "civic311 user: the password is empty\n");
        return false;
    }
    if (user_chars(out) < USER_PASSWORD_MIN) {
        fprintf(stderr,
                "civic311 user: the password is shorter than %d characters\n",
                USER_PASSWORD_MIN);
        return false;
    }
    return true;
}

/* Adds an account with the password read from standard input. */
static int
user_add(const struct user_args *args)
{
    char password[PASSWORD_MAX + 2], hash[PASSWORD_HASH_SIZE];
    struct buf depts = BUF_INIT(4096);
    struct arena a = ARENA_INIT;
    struct users_rec u = {0};
    struct store *st = NULL;
    char *cause = NULL;
    enum c311_rc rc;
    int status = CLI_FAIL;

    if (secret_init() != C311_OK) {
        fprintf(stderr, "civic311 user: cannot initialise libsodium\n");
        return CLI_FAIL;
    }
    if (!user_departments(args, &depts) ||
        !user_read_password(password, sizeof(password)))
        goto out;
    rc = password_hash(password, hash);
    explicit_bzero(password, sizeof(password));
    if (rc != C311_OK) {
        fprintf(stderr, "civic311 user: hashing the password failed\n");
        goto out;
    }
    u.login = args->login;
    u.name = args->name;
    u.roles = staff_roles_format(args->roles, &a);
    u.departments = depts.data;
    st = user_open_db(args->db, false);
    if (st == NULL || u.roles == NULL)
        goto out;
    rc = users_add(st, &u, hash, "cli", time(NULL), NULL, &cause);
    if (rc != C311_OK) {
        fprintf(stderr, "civic311 user: %s\n",
                cause != NULL ? cause : c311_rc_str(rc));
        goto out;
    }
    printf("added user '%s' (%s)\n", args->login, u.roles);
    status = fflush(stdout) == 0 ? CLI_OK : CLI_FAIL;
out:
    free(cause);
    store_close(st);
    buf_release(&depts);
    arena_free(&a);
    return status;
}

/* Prints every account as a table. */
static int
user_list(const struct user_args *args)
{
    struct arena a = ARENA_INIT;
    struct users_rec *v;
    struct store *st;
    char *cause = NULL;
    size_t n, i;

    st = user_open_db(args->db, true);
    if (st == NULL)
        return CLI_FAIL;
    if (users_list(st, &a, &v, &n, &cause) != C311_OK) {
        fprintf(stderr, "civic311 user: %s\n", cause ? cause : "failed");
        free(cause);
        store_close(st);
        arena_free(&a);
        return CLI_FAIL;
    }
    printf("%-16s  %-24s  %-24s  %-20s  %s\n", "LOGIN", "NAME", "ROLES",
           "DEPARTMENTS", "STATUS");
    for (i = 0; i < n; i++)
        printf("%-16s  %-24s  %-24s  %-20s  %s\n", v[i].login, v[i].name,
               v[i].roles, *v[i].departments ? v[i].departments : "-",
               v[i].disabled ? "disabled" : "active");
    store_close(st);
    arena_free(&a);
    return fflush(stdout) == 0 ? CLI_OK : CLI_FAIL;
}

/* Sets the disabled flag of the account named by --login. */
static int
user_set_disabled(const struct user_args *args, bool disabled)
{
    struct store *st;
    char *cause = NULL;
    enum c311_rc rc;

    st = user_open_db(args->db, true);
    if (st == NULL)
        return CLI_FAIL;
    rc = users_set_disabled(st, args->login, disabled, "cli", time(NULL),
                            &cause);
    store_close(st);
    if (rc == C311_OK)
        printf("%s user '%s'\n", disabled ? "disabled" : "enabled",
               args->login);
    else if (rc == C311_ERR_NOT_FOUND)
        fprintf(stderr, "civic311 user: no user '%s'\n", args->login);
    else
        fprintf(stderr, "civic311 user: %s\n",
                cause != NULL ? cause : c311_rc_str(rc));
    free(cause);
    return rc == C311_OK ? CLI_OK : CLI_FAIL;
}

/* Disables an account. */
static int
user_disable(const struct user_args *args)
{
    return user_set_disabled(args, true);
}

/* Enables an account. */
static int
user_enable(const struct user_args *args)
{
    return user_set_disabled(args, false);
}

/* Entry point: dispatches to add, list, disable or enable. */
int
cmd_user(int argc, char **argv)
{
    struct user_args args;
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
    for (i = 0; i < NUSER_CMDS; i++) {
        if (strcmp(argv[1], user_cmds[i].name) != 0)
            continue;
        rc = parse_args(&user_cmds[i], argc - 1, argv + 1, &args);
        if (rc != -1)
            return rc;
        return user_cmds[i].run(&args);
    }
    fprintf(stderr, "civic311 user: unknown command '%s'\n\n", argv[1]);
    usage(stderr);
    return CLI_USAGE;
}
