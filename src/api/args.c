/* SPDX-License-Identifier: MIT */
/* API argument checks and conversions. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/args.h"

enum c311_rc
args_split_list(const char *s, struct arena *a, const char ***items, size_t *n)
{
    const char *p, *end, *b, *e;
    size_t count = 1, k = 0;
    const char **v;

    for (p = s; *p != '\0'; p++)
        count += *p == ',';
    v = arena_alloc(a, count * sizeof(*v));
    if (v == NULL)
        return C311_ERR_NOMEM;
    for (p = s;; p = end + 1) {
        end = strchrnul(p, ',');
        for (b = p; b < end && *b == ' '; b++)
            ;
        for (e = end; e > b && e[-1] == ' '; e--)
            ;
        if (e > b && (v[k++] = arena_strndup(a, b, (size_t)(e - b))) == NULL)
            return C311_ERR_NOMEM;
        if (*end == '\0')
            break;
    }
    *items = v;
    *n = k;
    return C311_OK;
}

bool
args_lang_ok(const char *s)
{
    size_t len = strlen(s), i, run = 0, primary = 0;

    /* The primary subtag: 2 to 8 letters (not x- or i-). */
    while (isalpha((unsigned char)s[primary]))
        primary++;
    if (len > 35 || primary < 2 || primary > 8 ||
        (s[primary] != '\0' && s[primary] != '-'))
        return false;
    for (i = 0; i < len; i++) {
        if (s[i] == '-') {
            if (run == 0 || run > 8)
                return false;
            run = 0;
        } else if (isalnum((unsigned char)s[i])) {
            run++;
        } else {
            return false;
        }
    }
    return run > 0 && run <= 8;
}

/*
 * The weight of an Accept-Language item's parameters p[0, n) (what
 * follows its tag), in thousandths: 1000 without "q=", -1 when a weight
 * is not a qvalue ("0", "0.5", "1.000"; at most three decimals).
 */
static int
accept_weight(const char *p, size_t n)
{
    const char *end = p + n, *q = NULL;
    int w = 0, scale = 100;

    while (p < end) {
        p += strspn(p, " \t;");
        if (p + 1 < end && (p[0] == 'q' || p[0] == 'Q') && p[1] == '=')
            q = p + 2;
        p += strcspn(p, ";");
    }
    if (q == NULL)
        return 1000;
    if (q >= end || (*q != '0' && *q != '1'))
        return -1;
    w = (*q++ - '0') * 1000;
    if (q < end && *q == '.') {
        for (q++; q < end && scale > 0 && isdigit((unsigned char)*q); q++) {
            w += (*q - '0') * scale;
            scale /= 10;
        }
    }
    q += strspn(q, " \t");
    return q == end || *q == ';' ? (w <= 1000 ? w : -1) : -1;
}

const char *
args_accept_language(const char *header, struct arena *a)
{
    const char *p = header, *best = NULL;
    size_t item, tag, best_len = 0, i;
    int w, best_w = 0;
    char buf[36], *out;

    while (p != NULL && *p != '\0') {
        p += strspn(p, " \t,");
        item = strcspn(p, ",");
        tag = strcspn(p, "; \t,");
        w = accept_weight(p + tag, item - tag);
        if (tag < sizeof(buf) && w > best_w) {
            memcpy(buf, p, tag);
            buf[tag] = '\0';
            if (args_lang_ok(buf)) {
                best = p;
                best_len = tag;
                best_w = w;
            }
        }
        p += item;
    }
    if (best == NULL || (out = arena_strndup(a, best, best_len)) == NULL)
        return NULL;
    /* Tags ignore case; the primary subtag is written in lower case. */
    for (i = 0; out[i] != '\0' && out[i] != '-'; i++)
        out[i] = (char)tolower((unsigned char)out[i]);
    return out;
}

bool
args_decimal(const char *s, double *out)
{
    const char *p = s;
    char *end;
    size_t digits = 0, points = 0;

    if (*p == '-' || *p == '+')
        p++;
    for (; *p != '\0'; p++) {
        if (isdigit((unsigned char)*p))
            digits++;
        else if (*p == '.' && points++ == 0)
            continue;
        else
            return false;
    }
    if (digits == 0 || strlen(s) > 64)
        return false;
    errno = 0;
    *out = strtod(s, &end);
    return errno == 0 && *end == '\0' && isfinite(*out);
}

bool
args_url_ok(const char *s)
{
    const unsigned char *p;
    size_t skip;

    if (strncasecmp(s, "http://", 7) == 0)
        skip = 7;
    else if (strncasecmp(s, "https://", 8) == 0)
        skip = 8;
    else
        return false;
    if (s[skip] == '\0' || s[skip] == '/' || s[skip] == '?' || s[skip] == '#')
        return false;
    for (p = (const unsigned char *)s; *p != '\0'; p++) {
        if (*p <= 0x20 || *p == 0x7f)
            return false;
    }
    return true;
}

int
args_attr_key(const char *key, struct arena *a, const char **code)
{
    static const char prefix[] = "attribute[";
    const char *start, *close;

    if (strncmp(key, prefix, sizeof(prefix) - 1) != 0)
        return strcmp(key, "attribute") == 0 ? -1 : 0;
    start = key + sizeof(prefix) - 1;
    close = strchr(start, ']');
    if (close == NULL || close == start)
        return -1;
    if (close[1] != '\0' && strcmp(close + 1, "[]") != 0)
        return -1;
    *code = arena_strndup(a, start, (size_t)(close - start));
    return *code == NULL ? -1 : 1;
}

bool
args_window(bool has_start, int64_t start, bool has_end, int64_t end,
            int64_t now, int days, int64_t *from, int64_t *to)
{
    int64_t span = (int64_t)days * 86400;

    if (has_start && has_end) {
        *from = start;
        *to = end;
        return start <= end;
    }
    if (has_start) {
        *from = start;
        *to = start + span;
    } else if (has_end) {
        *from = end - span;
        *to = end;
    } else {
        *from = now - span;
        *to = 0;
    }
    return true;
}

bool
args_uint(const char *s, unsigned long min, unsigned long max,
          unsigned long *out)
{
    char *end;
    unsigned long v;

    if (!isdigit((unsigned char)s[0]) || strlen(s) > 12)
        return false;
    errno = 0;
    v = strtoul(s, &end, 10);
    if (errno != 0 || *end != '\0' || v < min || v > max)
        return false;
    *out = v;
    return true;
}
