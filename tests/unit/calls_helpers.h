/* SPDX-License-Identifier: MIT */
/*
 * What the tests of the contact-centre modules share: reading a fixture
 * whole and feeding text to a call stream line by line.
 */
#ifndef CIVIC311_TEST_CALLS_HELPERS_H
#define CIVIC311_TEST_CALLS_HELPERS_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/acd.h"

/* The shared queue_log sample and its CSV export. */
#define CALLS_FIXTURES CIVIC311_SOURCE_DIR "/tests/fixtures/calls/"
#define SAMPLE         CALLS_FIXTURES "sample_queue_log"

/* Reads a whole file into a malloc'd string; *n (when set) its length. */
static inline char *
slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long len;

    cr_assert_not_null(f, "cannot open %s", path);
    fseek(f, 0, SEEK_END);
    len = ftell(f);
    rewind(f);
    buf = malloc((size_t)len + 1);
    cr_assert_eq(fread(buf, 1, (size_t)len, f), (size_t)len);
    buf[len] = '\0';
    fclose(f);
    if (n != NULL)
        *n = (size_t)len;
    return buf;
}

/* Feeds every line of text to s. */
static inline void
feed_text(struct acd_stream *s, const char *text)
{
    const char *p = text, *nl;

    while (*p != '\0') {
        nl = strchr(p, '\n');
        if (nl == NULL)
            nl = p + strlen(p);
        acd_stream_feed(s, p, (size_t)(nl - p));
        p = *nl ? nl + 1 : nl;
    }
}

#endif
