/* SPDX-License-Identifier: MIT */
/* Escaping of untrusted text before it reaches a log line. */
#include <criterion/criterion.h>

#include "util/log.h"

Test(log, escape_keeps_plain_and_chinese_text)
{
    char out[64];

    cr_assert_str_eq(log_escape("GET /open311/v2", out, sizeof(out)),
                     "GET /open311/v2");
    cr_assert_str_eq(log_escape("路灯坏了", out, sizeof(out)), "路灯坏了");
}

Test(log, escape_controls_quotes_and_bad_bytes)
{
    char out[64];

    cr_assert_str_eq(log_escape("a\nb\rc\x1b", out, sizeof(out)),
                     "a\\x0ab\\x0dc\\x1b");
    cr_assert_str_eq(log_escape("\"q\"\\", out, sizeof(out)),
                     "\\x22q\\x22\\x5c");
    cr_assert_str_eq(log_escape("\xff", out, sizeof(out)), "\\xff");
}

Test(log, escape_c1_controls_and_line_separators)
{
    char out[64];

    /* U+009B (CSI), U+0085 (NEL), U+2028, U+2029 */
    cr_assert_str_eq(log_escape("\xc2\x9b\xc2\x85", out, sizeof(out)),
                     "\\xc2\\x9b\\xc2\\x85");
    cr_assert_str_eq(log_escape("x\xe2\x80\xa8y\xe2\x80\xa9", out,
                                sizeof(out)),
                     "x\\xe2\\x80\\xa8y\\xe2\\x80\\xa9");
    /* U+00A0 and U+2030 are ordinary characters. */
    cr_assert_str_eq(log_escape("\xc2\xa0\xe2\x80\xb0", out, sizeof(out)),
                     "\xc2\xa0\xe2\x80\xb0");
}

Test(log, escape_cuts_to_fit)
{
    char out[8];

    cr_assert_str_eq(log_escape("abcdefghij", out, sizeof(out)), "abcdefg");
    cr_assert_str_eq(log_escape("ab\ncd", out, sizeof(out)), "ab\\x0ac");
}
