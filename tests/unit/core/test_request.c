/* SPDX-License-Identifier: MIT */
/* The public status names of a service request. */
#include <criterion/criterion.h>

#include "core/request.h"

Test(request, status_names)
{
    enum sr_status s;

    cr_assert_str_eq(sr_status_name(SR_OPEN), "open");
    cr_assert_str_eq(sr_status_name(SR_CLOSED), "closed");
    cr_assert(sr_status_parse("closed", &s));
    cr_assert_eq(s, SR_CLOSED);
    cr_assert(sr_status_parse("open", &s));
    cr_assert_eq(s, SR_OPEN);
    cr_assert_not(sr_status_parse("Open", &s));
    cr_assert_not(sr_status_parse(NULL, &s));
}
