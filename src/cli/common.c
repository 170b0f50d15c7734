/* SPDX-License-Identifier: MIT */
/* Helpers shared by the subcommands. */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "api/reports.h"
#include "cli/cli.h"

int
cli_wants_help(int argc, char **argv)
{
    int i;

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            return 0;
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
            return 1;
    }
    return 0;
}

/* An ISO 8601 instant with an offset, else a local date and time. */
bool
cli_parse_instant(const char *s, int64_t *out)
{
    return reports_parse_time(s, out);
}

/*
 * The demo city's file, looked for in the current folder first and then
 * beside the folder the binary sits in (build/civic311 finds
 * config/demo-city.yaml of its own checkout from anywhere).
 */
const char *
cli_default_config(void)
{
    static const char rel[] = "config/demo-city.yaml";
    static char beside[PATH_MAX];
    char exe[PATH_MAX], *slash;
    ssize_t n;

    if (access(rel, R_OK) == 0)
        return rel;
    n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n <= 0)
        return rel;
    exe[n] = '\0';
    slash = strrchr(exe, '/');
    if (slash == NULL)
        return rel;
    *slash = '\0';
    if (snprintf(beside, sizeof(beside), "%s/../%s", exe, rel) >=
            (int)sizeof(beside) ||
        access(beside, R_OK) != 0)
        return rel;
    return beside;
}
