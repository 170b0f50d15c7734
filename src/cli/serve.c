/* SPDX-License-Identifier: MIT */
/* civic311 serve: placeholder until the command is written. */
#include <stdio.h>

#include "cli/cli.h"

int
cmd_serve(int argc, char **argv)
{
    fprintf(stderr, "civic311 serve: not available in this build\n");
    return CLI_FAIL;
}
