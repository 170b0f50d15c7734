/* SPDX-License-Identifier: MIT */
/* civic311 apikey: placeholder until the command is written. */
#include <stdio.h>

#include "cli/cli.h"

int
cmd_apikey(int argc, char **argv)
{
    fprintf(stderr, "civic311 apikey: not available in this build\n");
    return CLI_FAIL;
}
