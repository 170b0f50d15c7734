/* SPDX-License-Identifier: MIT */
/*
 * The streaming CSV reader on small inputs: quoted newlines, a byte order
 * mark, CRLF, blank and trailing lines, trimming, and line numbers.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "io/csvin.h"

#define MAX_RECORDS 16

/* What the callback saw: every record joined as "a|b|c" with its line. */
struct seen {
    char text[MAX_RECORDS][256];
    int64_t line[MAX_RECORDS];
    bool too_long[MAX_RECORDS];
    bool has_nul[MAX_RECORDS];
    size_t n;
    size_t stop_after; /* 0: never stop */
};

/* Records one record, or stops the reading when asked to. */
static enum c311_rc
collect(void *arg, struct csvin *in, const struct csvin_record *rec)
{
    struct seen *s = arg;
    size_t i;

    (void)in;
    cr_assert_lt(s->n, MAX_RECORDS);
    s->text[s->n][0] = '\0';
    for (i = 0; i < rec->nfields; i++) {
        if (i > 0)
            strcat(s->text[s->n], "|");
        strncat(s->text[s->n], rec->fields[i], 64);
    }
    s->line[s->n] = rec->line;
    s->too_long[s->n] = rec->too_long;
    s->has_nul[s->n] = rec->has_nul;
    s->n++;
    if (s->stop_after != 0 && s->n == s->stop_after)
        return C311_ERR_INVALID;
    return C311_OK;
}

/* Reads the n bytes of text and returns the status. */
static enum c311_rc
read_text(const char *text, size_t n, struct seen *s)
{
    struct csvin in;
    char *cause = NULL;
    enum c311_rc rc;
    FILE *f = fmemopen((void *)text, n, "r");

    cr_assert_not_null(f);
    cr_assert_eq(csvin_init(&in, f), C311_OK);
    rc = csvin_run(&in, collect, s, &cause);
    csvin_free(&in);
    fclose(f);
    free(cause);
    return rc;
}

#define READ(lit, s) read_text((lit), sizeof(lit) - 1, (s))

Test(csvin, plain_lines_with_their_numbers)
{
    struct seen s = {0};

    cr_assert_eq(READ("a,b,c\n1,2,3\n4,5,6\n", &s), C311_OK);
    cr_assert_eq(s.n, 3);
    cr_assert_str_eq(s.text[0], "a|b|c");
    cr_assert_str_eq(s.text[2], "4|5|6");
    cr_assert_eq(s.line[0], 1);
    cr_assert_eq(s.line[1], 2);
    cr_assert_eq(s.line[2], 3);
}

Test(csvin, quoted_newlines_keep_the_record_and_count_lines)
{
    struct seen s = {0};

    cr_assert_eq(READ("k,note\n1,\"two\nlines\"\n2,\"a, \"\"b\"\"\"\n"
                      "3,\"x\n\ny\"\n4,z\n",
                      &s),
                 C311_OK);
    cr_assert_eq(s.n, 5);
    cr_assert_str_eq(s.text[1], "1|two\nlines");
    cr_assert_eq(s.line[1], 2);
    cr_assert_str_eq(s.text[2], "2|a, \"b\"");
    cr_assert_eq(s.line[2], 4);
    cr_assert_str_eq(s.text[3], "3|x\n\ny");
    cr_assert_eq(s.line[3], 5);
    cr_assert_str_eq(s.text[4], "4|z");
    cr_assert_eq(s.line[4], 8);
}

Test(csvin, a_byte_order_mark_is_skipped)
{
    struct seen s = {0};

    cr_assert_eq(READ("\xef\xbb\xbfUnique Key,Agency\n1,NYPD\n", &s), C311_OK);
    cr_assert_eq(s.n, 2);
    cr_assert_str_eq(s.text[0], "Unique Key|Agency");
    cr_assert_eq(s.line[0], 1);
}

Test(csvin, crlf_line_ends_read_like_lf)
{
    struct seen s = {0};

    cr_assert_eq(READ("a,b\r\n1,\"x\r\ny\"\r\n2,3\r\n", &s), C311_OK);
    cr_assert_eq(s.n, 3);
    cr_assert_str_eq(s.text[0], "a|b");
    cr_assert_str_eq(s.text[1], "1|x\r\ny");
    cr_assert_str_eq(s.text[2], "2|3");
    cr_assert_eq(s.line[2], 4);
}

Test(csvin, blank_lines_and_trailing_blank_lines_are_skipped)
{
    struct seen s = {0};

    cr_assert_eq(READ("a,b\n\n1,2\n\r\n\n3,4\n\n\n\n", &s), C311_OK);
    cr_assert_eq(s.n, 3);
    cr_assert_str_eq(s.text[1], "1|2");
    cr_assert_eq(s.line[1], 3);
    cr_assert_str_eq(s.text[2], "3|4");
    cr_assert_eq(s.line[2], 6);
}

Test(csvin, a_last_line_without_newline_is_read)
{
    struct seen s = {0};

    cr_assert_eq(READ("a,b\n1,2", &s), C311_OK);
    cr_assert_eq(s.n, 2);
    cr_assert_str_eq(s.text[1], "1|2");
    cr_assert_eq(s.line[1], 2);
}

Test(csvin, spaces_around_fields_are_trimmed_and_empty_fields_kept)
{
    struct seen s = {0};

    cr_assert_eq(READ("a,b,c,d\n x , \" y \",,\t\n", &s), C311_OK);
    cr_assert_eq(s.n, 2);
    cr_assert_str_eq(s.text[1], "x|y||");
}

Test(csvin, a_nul_byte_is_flagged)
{
    static const char text[] = "a,b\n1,x\0y\n";
    struct seen s = {0};

    cr_assert_eq(read_text(text, sizeof(text) - 1, &s), C311_OK);
    cr_assert_eq(s.n, 2);
    cr_assert_str_eq(s.text[1], "1|x");
    cr_assert(s.has_nul[1]);
    cr_assert_not(s.has_nul[0]);
}

Test(csvin, a_callback_failure_stops_the_reading)
{
    struct seen s = {.stop_after = 2};

    cr_assert_eq(READ("a\n1\n2\n3\n", &s), C311_ERR_INVALID);
    cr_assert_eq(s.n, 2);
}

Test(csvin, a_huge_record_is_cut_and_flagged)
{
    size_t n = CSVIN_RECORD_MAX + 100, i;
    char *text = malloc(n + 16);
    struct seen s = {0};

    cr_assert_not_null(text);
    strcpy(text, "a,b\n1,");
    for (i = strlen(text); i < n; i++)
        text[i] = 'x';
    memcpy(text + n, "\n2,3\n", 5);
    cr_assert_eq(read_text(text, n + 5, &s), C311_OK);
    cr_assert_eq(s.n, 3);
    cr_assert(s.too_long[1]);
    cr_assert_str_eq(s.text[1], "1|");
    cr_assert_str_eq(s.text[2], "2|3");
    cr_assert_not(s.too_long[2]);
    free(text);
}
