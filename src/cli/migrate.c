/* SPDX-License-Identifier: MIT */
/* civic311 migrate: placeholder until the command is written. */
#include <stdio.h>

#include "cli/cli.h"

int
cmd_migrate(int argc, char **argv)
{
    fprintf(stderr, "civic311 migrate: not available in this build\n");
    return CLI_FAIL;
}
