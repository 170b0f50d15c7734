/* SPDX-License-Identifier: MIT */
/* Line-oriented log writer with escaping of untrusted text. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "util/log.h"

enum log_level log_current_level = LOG_INFO;

static const char *const log_names[] = {"debug", "info", "notice", "warning",
                                        "error"};
static const char *const log_tags[] = {"DEBUG", "INFO ", "NOTE ", "WARN ",
                                       "ERROR"};

bool
log_parse_level(const char *name, enum log_level *out)
{
    size_t i;

    for (i = 0; i < sizeof(log_names) / sizeof(log_names[0]); i++) {
        if (strcmp(name, log_names[i]) == 0) {
            *out = (enum log_level)i;
            return true;
        }
    }
    return false;
}

void
log_set_level(enum log_level level)
{
    log_current_level = level;
}

void
log_write(enum log_level level, const char *module, const char *fmt, ...)
{
    char line[4096], stamp[32];
    struct timeval tv;
    struct tm tm;
    va_list ap;
    int n;

    if (level >= LOG_OFF)
        return;
    gettimeofday(&tv, NULL);
    gmtime_r(&tv.tv_sec, &tm);
    strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);

    n = snprintf(line, sizeof(line), "%s.%03ldZ %ld %s %s: ", stamp,
                 (long)(tv.tv_usec / 1000), (long)getpid(), log_tags[level],
                 module);
    if (n < 0 || (size_t)n >= sizeof(line))
        return;
    va_start(ap, fmt);
    vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
    va_end(ap);
    /* One write() per line keeps lines whole when threads log together. */
    n = (int)strlen(line);
    line[n++] = '\n';
    if (write(STDERR_FILENO, line, (size_t)n) < 0)
        return;
}

/* Length of the valid UTF-8 sequence at s, or 0 if it is not valid. */
static size_t
log_utf8_len(const unsigned char *s)
{
    size_t n, i;

    if (s[0] < 0x80)
        return 1;
    else if ((s[0] & 0xe0) == 0xc0 && s[0] >= 0xc2)
        n = 2;
    else if ((s[0] & 0xf0) == 0xe0)
        n = 3;
    else if ((s[0] & 0xf8) == 0xf0 && s[0] <= 0xf4)
        n = 4;
    else
        return 0;
    for (i = 1; i < n; i++)
        if ((s[i] & 0xc0) != 0x80)
            return 0;
    return n;
}

char *
log_escape(const char *s, char *out, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t o = 0, k;

    if (n == 0)
        return out;
    if (s == NULL) {
        snprintf(out, n, "(null)");
        return out;
    }
    while (*p != '\0') {
        k = log_utf8_len(p);
        if (k == 1 && (*p < 0x20 || *p == 0x7f || *p == '\\' || *p == '"'))
            k = 0;
        /* C1 controls (U+0080..U+009F) and the Unicode line and paragraph
         * separators (U+2028, U+2029) move terminals and split lines too. */
        if (k == 2 && p[0] == 0xc2 && p[1] < 0xa0)
            k = 0;
        if (k == 3 && p[0] == 0xe2 && p[1] == 0x80 &&
            (p[2] == 0xa8 || p[2] == 0xa9))
            k = 0;
        if (k == 0) {
            if (o + 4 >= n)
                break;
            snprintf(out + o, 5, "\\x%02x", *p);
            o += 4;
            p++;
            continue;
        }
        if (o + k >= n)
            break;
        memcpy(out + o, p, k);
        o += k;
        p += k;
    }
    out[o] = '\0';
    return out;
}
