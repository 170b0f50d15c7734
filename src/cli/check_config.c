/* SPDX-License-Identifier: MIT */
/* civic311 check-config: placeholder until the command is written. */
#include <stdio.h>

#include "cli/cli.h"

int
cmd_check_config(int argc, char **argv)
{
    fprintf(stderr, "civic311 check-config: not available in this build\n");
    return CLI_FAIL;
}
