/* SPDX-License-Identifier: MIT */
/* Helpers shared by the subcommands. */
#include <string.h>

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
