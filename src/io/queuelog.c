/* SPDX-License-Identifier: MIT */
/*
 * queue_log files, pipe or CSV, into a call stream. See io/queuelog.h.
 */
#include <csv.h>
#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "io/queuelog.h"

#define QUEUELOG_CELLS 16   /* cells of a CSV row kept; more are an error */
#define QUEUELOG_SNIFF 4096 /* bytes looked at to tell pipe from CSV */

/*
 * The longest pipe line read at all, before trimming, wherever it lies in
 * the pieces fed: longer ones are malformed. Trimmed and canonical, a line
 * must fit in ACD_LINE_MAX, so this only bounds the white space and empty
 * fields around it, and the memory a line cut across pieces takes.
 */
#define QUEUELOG_LINE_RAW_MAX (1024 * 1024)

/* The UTF-8 byte order mark some editors and exports put first. */
static const unsigned char utf8_bom[3] = {0xef, 0xbb, 0xbf};

/* Where each field of an event sits in a CSV row; -1 when absent. */
struct columns {
    int time, callid, queue, agent, event;
    int data[ACD_MAX_DATA];
    int joined; /* one "data" column with '|' between the values */
};

struct queuelog_reader {
    enum queuelog_format fmt;
    struct acd_stream *s;
    uint64_t fed, done;

    /* Auto: the first bytes, kept until they show the format. */
    char sniffed[QUEUELOG_SNIFF];
    size_t nsniffed;

    /* The bytes of a byte order mark seen so far, until decided. */
    size_t nbom;
    bool bom_done;

    /* Pipe: the line begun in an earlier piece. */
    char *partial;
    size_t npartial, partial_cap;
    bool overlong;

    /* CSV. */
    struct csv_parser csv;
    bool csv_ready;
    bool header_seen;
    struct columns cols;
    char cells[QUEUELOG_CELLS][ACD_LINE_MAX];
    size_t cell_len[QUEUELOG_CELLS];
    size_t ncells;
    bool row_bad;
};

/* The default order of an export without a header. */
static void
columns_default(struct columns *c)
{
    int i;

    c->time = 0;
    c->callid = 1;
    c->queue = 2;
    c->agent = 3;
    c->event = 4;
    for (i = 0; i < ACD_MAX_DATA; i++)
        c->data[i] = 5 + i;
    c->joined = -1;
}

/* Makes a reader that feeds stream s. */
struct queuelog_reader *
queuelog_reader_new(enum queuelog_format fmt, struct acd_stream *s)
{
    struct queuelog_reader *r = calloc(1, sizeof(*r));

    if (r == NULL)
        return NULL;
    r->fmt = fmt;
    r->s = s;
    columns_default(&r->cols);
    return r;
}

/* Frees a reader and its CSV parser. */
void
queuelog_reader_free(struct queuelog_reader *r)
{
    if (r == NULL)
        return;
    if (r->csv_ready)
        csv_free(&r->csv);
    free(r->partial);
    free(r);
}

/* Bytes up to the end of the last complete pipe line. */
uint64_t
queuelog_reader_done(const struct queuelog_reader *r)
{
    return r->done;
}

/* The format the reader settled on. */
enum queuelog_format
queuelog_reader_format(const struct queuelog_reader *r)
{
    return r->fmt;
}

/* ---- times ---- */

/* Reads n digits at s into *v; false unless they are all digits. */
static bool
digits(const char *s, size_t n, int *v)
{
    size_t i;

    *v = 0;
    for (i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return false;
        *v = *v * 10 + (s[i] - '0');
    }
    return true;
}

/* Length of s without a fraction of a second (".123456"). */
static size_t
without_fraction(const char *s, size_t n)
{
    const char *dot = memchr(s, '.', n);
    size_t i;

    if (dot == NULL)
        return n;
    for (i = (size_t)(dot - s) + 1; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return n;
    }
    return (size_t)(dot - s);
}

/* Reads epoch seconds or a local date and time. */
bool
queuelog_parse_time(const char *s, size_t n, int64_t *out)
{
    struct tm tm = {0};
    int y, mo, d, h, mi, se;
    time_t t;
    size_t i;

    n = without_fraction(s, n);
    for (i = 0; i < n && isdigit((unsigned char)s[i]); i++)
        ;
    if (i == n && n > 0 && n <= 12) {
        *out = strtoll(s, NULL, 10);
        return true;
    }
    if (n != 19 || s[4] != '-' || s[7] != '-' ||
        (s[10] != ' ' && s[10] != 'T') || s[13] != ':' || s[16] != ':' ||
        !digits(s, 4, &y) || !digits(s + 5, 2, &mo) || !digits(s + 8, 2, &d) ||
        !digits(s + 11, 2, &h) || !digits(s + 14, 2, &mi) ||
        !digits(s + 17, 2, &se))
        return false;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60)
        return false;
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = se;
    tm.tm_isdst = -1;
    t = mktime(&tm);
    if (t == (time_t)-1 || tm.tm_mday != d)
        return false;
    *out = (int64_t)t;
    return true;
}

/* ---- pipe ---- */

/* Hands one complete line to the stream. */
static void
pipe_line(struct queuelog_reader *r, const char *line, size_t n)
{
    acd_stream_feed(r->s, line, n);
}

/*
 * Keeps the start of a line that goes on in a later piece. A line over
 * QUEUELOG_LINE_RAW_MAX is only marked, as it is malformed anyway.
 */
static enum c311_rc
partial_add(struct queuelog_reader *r, const char *p, size_t n)
{
    size_t cap;
    char *t;

    if (r->overlong)
        return C311_OK;
    if (n > QUEUELOG_LINE_RAW_MAX - r->npartial) {
        r->overlong = true;
        return C311_OK;
    }
    if (r->npartial + n > r->partial_cap) {
        cap = r->partial_cap ? r->partial_cap : ACD_LINE_MAX;
        while (cap < r->npartial + n)
            cap *= 2;
        t = realloc(r->partial, cap);
        if (t == NULL)
            return C311_ERR_NOMEM;
        r->partial = t;
        r->partial_cap = cap;
    }
    memcpy(r->partial + r->npartial, p, n);
    r->npartial += n;
    return C311_OK;
}

/* Hands a line to the stream, or counts it malformed when overlong. */
static void
pipe_whole(struct queuelog_reader *r, const char *line, size_t n, bool overlong)
{
    if (overlong || n > QUEUELOG_LINE_RAW_MAX)
        acd_stream_reject(r->s, ACD_LINE_MALFORMED);
    else
        pipe_line(r, line, n);
}

/*
 * Splits buf into lines, keeping an unfinished last one for later. A line
 * that lies whole in buf goes to the stream without a copy; one cut across
 * pieces is put together first, so that it is judged as if whole.
 */
static enum c311_rc
pipe_feed(struct queuelog_reader *r, const char *buf, size_t n)
{
    const char *p = buf, *end = buf + n, *nl;
    size_t take;

    while (p < end) {
        nl = memchr(p, '\n', (size_t)(end - p));
        take = (size_t)((nl != NULL ? nl : end) - p);
        if (nl != NULL && r->npartial == 0 && !r->overlong) {
            pipe_whole(r, p, take, false);
        } else {
            if (partial_add(r, p, take) != C311_OK)
                return C311_ERR_NOMEM;
            if (nl == NULL)
                break;
            pipe_whole(r, r->partial, r->npartial, r->overlong);
            r->npartial = 0;
            r->overlong = false;
        }
        r->done = r->fed + (uint64_t)(nl + 1 - buf);
        p = nl + 1;
    }
    return C311_OK;
}

/* ---- CSV ---- */

/* Maps header names to columns; false when the row is not a header. */
static bool
csv_header(struct queuelog_reader *r)
{
    struct columns c;
    const char *name;
    size_t i;
    int k;

    if (strcasecmp(r->cells[0], "time") != 0 &&
        strcasecmp(r->cells[0], "id") != 0)
        return false;
    memset(&c, -1, sizeof(c));
    for (i = 0; i < r->ncells; i++) {
        name = r->cells[i];
        if (strcasecmp(name, "time") == 0)
            c.time = (int)i;
        else if (strcasecmp(name, "callid") == 0)
            c.callid = (int)i;
        else if (strcasecmp(name, "queuename") == 0 ||
                 strcasecmp(name, "queue") == 0)
            c.queue = (int)i;
        else if (strcasecmp(name, "agent") == 0)
            c.agent = (int)i;
        else if (strcasecmp(name, "event") == 0)
            c.event = (int)i;
        else if (strcasecmp(name, "data") == 0)
            c.joined = (int)i;
        else if (strncasecmp(name, "data", 4) == 0 &&
                 (k = atoi(name + 4)) >= 1 && k <= ACD_MAX_DATA)
            c.data[k - 1] = (int)i;
    }
    r->cols = c;
    return true;
}

/* The cell at column i, or "" when the row has no such column. */
static const char *
cell(struct queuelog_reader *r, int i, size_t *len)
{
    if (i < 0 || (size_t)i >= r->ncells) {
        *len = 0;
        return "";
    }
    *len = r->cell_len[i];
    return r->cells[i];
}

/* Splits a joined "a|b|c" data cell into up to ACD_MAX_DATA fields. */
static size_t
split_joined(const char *s, size_t n, const char **f, size_t *flen)
{
    const char *end = s + n, *bar;
    size_t k = 0;

    while (k < ACD_MAX_DATA) {
        bar = memchr(s, '|', (size_t)(end - s));
        f[k] = s;
        flen[k] = (size_t)((bar != NULL ? bar : end) - s);
        k++;
        if (bar == NULL)
            break;
        s = bar + 1;
    }
    return k;
}

/* Turns the row just read into a canonical line for the stream. */
static void
csv_event(struct queuelog_reader *r)
{
    const char *f[4 + ACD_MAX_DATA];
    size_t flen[4 + ACD_MAX_DATA], n, nf = 4, i;
    char out[ACD_LINE_MAX];
    const char *t;
    int64_t at;

    t = cell(r, r->cols.time, &n);
    if (r->row_bad || !queuelog_parse_time(t, n, &at)) {
        acd_stream_reject(r->s, ACD_LINE_MALFORMED);
        return;
    }
    f[0] = cell(r, r->cols.callid, &flen[0]);
    f[1] = cell(r, r->cols.queue, &flen[1]);
    f[2] = cell(r, r->cols.agent, &flen[2]);
    f[3] = cell(r, r->cols.event, &flen[3]);
    if (r->cols.joined >= 0) {
        t = cell(r, r->cols.joined, &n);
        nf += split_joined(t, n, f + 4, flen + 4);
    } else {
        for (i = 0; i < ACD_MAX_DATA; i++)
            f[nf++] = cell(r, r->cols.data[i], &flen[4 + i]);
    }
    for (i = 1; i < 3; i++) {
        if (flen[i] == 0) { /* NULL in the table: NONE in the log */
            f[i] = "NONE";
            flen[i] = 4;
        }
    }
    if (acd_canonical_fields(at, f, flen, nf, out, &n) != ACD_LINE_OK) {
        acd_stream_reject(r->s, ACD_LINE_MALFORMED);
        return;
    }
    acd_stream_feed_canonical(r->s, out, n);
}

/* libcsv: one cell. */
static void
csv_cell(void *data, size_t len, void *arg)
{
    struct queuelog_reader *r = arg;

    if (r->ncells == QUEUELOG_CELLS || len >= ACD_LINE_MAX) {
        r->row_bad = true;
        return;
    }
    memcpy(r->cells[r->ncells], data, len);
    r->cells[r->ncells][len] = '\0';
    r->cell_len[r->ncells] = len;
    r->ncells++;
}

/* libcsv: the end of a row. */
static void
csv_row(int term, void *arg)
{
    struct queuelog_reader *r = arg;

    (void)term;
    if (!r->header_seen && !r->row_bad && r->ncells > 0) {
        r->header_seen = true;
        if (csv_header(r)) {
            r->ncells = 0;
            return;
        }
    }
    if (r->ncells == 1 && r->cell_len[0] == 0)
        acd_stream_reject(r->s, ACD_LINE_BLANK);
    else
        csv_event(r);
    r->ncells = 0;
    r->row_bad = false;
}

/* Feeds bytes to libcsv, which calls csv_cell and csv_row. */
static enum c311_rc
csv_feed(struct queuelog_reader *r, const char *buf, size_t n)
{
    if (!r->csv_ready) {
        if (csv_init(&r->csv, CSV_APPEND_NULL) != 0)
            return C311_ERR_NOMEM;
        r->csv_ready = true;
    }
    if (csv_parse(&r->csv, buf, n, csv_cell, csv_row, r) != n)
        return csv_error(&r->csv) == CSV_ENOMEM ? C311_ERR_NOMEM
                                                : C311_ERR_INVALID;
    return C311_OK;
}

/* ---- both ---- */

enum shape { SHAPE_UNSURE, SHAPE_PIPE, SHAPE_CSV, SHAPE_OTHER };

/*
 * What a line that is not blank looks like: a time (digits, maybe a
 * fraction) then '|' is a pipe line; a time or a date and time, maybe
 * quoted, then ',' is a CSV row, and so is a header (time or id first).
 * Unsure while an unfinished line (whole false) ends before it is clear.
 */
static enum shape
line_shape(const char *p, const char *end, bool whole)
{
    const char *q;
    bool quoted;
    size_t i;

    while (p < end && isspace((unsigned char)*p))
        p++;
    quoted = p < end && *p == '"';
    q = p + quoted;
    if (q < end && isdigit((unsigned char)*q)) {
        while (q < end && (isdigit((unsigned char)*q) || *q == '.' ||
                           *q == '-' || *q == ':' || *q == ' ' || *q == 'T'))
            q++;
        if (q < end && *q == '|' && !quoted)
            return SHAPE_PIPE;
        if (q < end && *q == '"' && quoted)
            q++;
        if (q < end)
            return *q == ',' ? SHAPE_CSV : SHAPE_OTHER;
        return whole ? SHAPE_OTHER : SHAPE_UNSURE;
    }
    for (i = 0; i < 2; i++) {
        const char *name = i == 0 ? "time" : "id";
        size_t len = strlen(name), have = (size_t)(end - q);

        if (have < len + 1 + quoted)
            continue;
        if (strncasecmp(q, name, len) == 0 && q[len + quoted] == ',' &&
            (!quoted || q[len] == '"'))
            return SHAPE_CSV;
    }
    return !whole && (size_t)(end - q) < 6 ? SHAPE_UNSURE : SHAPE_OTHER;
}

/*
 * Decides the format from the first lines that show one, so that a junk
 * line or two before the log does not decide it: the first pipe-shaped or
 * CSV-shaped line wins. Stays undecided while the bytes seen end before
 * that is clear, unless final is set or the bytes kept fill their buffer;
 * then lines of white space only mean a pipe log (Asterisk's own), and
 * anything else CSV (whose header may name its columns in any order).
 */
static void
sniff(struct queuelog_reader *r, bool final)
{
    const char *p = r->sniffed, *end = r->sniffed + r->nsniffed, *nl, *q;
    bool full = final || r->nsniffed == sizeof(r->sniffed), content = false;
    enum shape sh;

    for (; p < end; p = nl + 1) {
        nl = memchr(p, '\n', (size_t)(end - p));
        for (q = p; q < (nl ? nl : end) && isspace((unsigned char)*q); q++)
            ;
        if (q < (nl ? nl : end)) {
            content = true;
            sh = line_shape(p, nl ? nl : end, nl != NULL || full);
            if (sh == SHAPE_UNSURE)
                return;
            if (sh != SHAPE_OTHER) {
                r->fmt = sh == SHAPE_PIPE ? QUEUELOG_PIPE : QUEUELOG_CSV;
                return;
            }
        }
        if (nl == NULL)
            break;
    }
    if (full)
        r->fmt = content ? QUEUELOG_CSV : QUEUELOG_PIPE;
}

/* Passes bytes to the reader of the format decided. */
static enum c311_rc
feed_format(struct queuelog_reader *r, const char *buf, size_t n)
{
    enum c311_rc rc = C311_OK;

    if (r->fmt == QUEUELOG_PIPE)
        rc = pipe_feed(r, buf, n);
    else
        rc = csv_feed(r, buf, n);
    r->fed += n;
    return rc;
}

/* Hands the bytes kept while sniffing to the format just decided. */
static enum c311_rc
replay_sniffed(struct queuelog_reader *r)
{
    size_t n = r->nsniffed;

    r->nsniffed = 0;
    r->fed -= n;
    return n > 0 ? feed_format(r, r->sniffed, n) : C311_OK;
}

/* Decides the format if needed and passes the bytes on. */
static enum c311_rc
feed_sniffing(struct queuelog_reader *r, const char *buf, size_t n)
{
    enum c311_rc rc;
    size_t take;

    if (r->fmt != QUEUELOG_AUTO)
        return feed_format(r, buf, n);
    take = sizeof(r->sniffed) - r->nsniffed;
    if (take > n)
        take = n;
    memcpy(r->sniffed + r->nsniffed, buf, take);
    r->nsniffed += take;
    r->fed += take;
    sniff(r, false);
    if (r->fmt == QUEUELOG_AUTO)
        return C311_OK;
    rc = replay_sniffed(r);
    if (rc == C311_OK && take < n)
        rc = feed_format(r, buf + take, n - take);
    return rc;
}

/*
 * Skips a byte order mark at the very start, in any format, then passes
 * the bytes on. The first bytes are held while they may still be one.
 */
enum c311_rc
queuelog_reader_feed(struct queuelog_reader *r, const char *buf, size_t n)
{
    enum c311_rc rc;

    if (!r->bom_done) {
        while (n > 0 && r->nbom < sizeof(utf8_bom) &&
               (unsigned char)*buf == utf8_bom[r->nbom]) {
            r->nbom++;
            buf++;
            n--;
        }
        if (r->nbom == sizeof(utf8_bom)) {
            r->bom_done = true;
            r->fed += sizeof(utf8_bom); /* where lines start in the file */
        } else if (n == 0) {
            return C311_OK;
        } else {
            r->bom_done = true;
            rc = feed_sniffing(r, (const char *)utf8_bom, r->nbom);
            if (rc != C311_OK)
                return rc;
        }
    }
    return n > 0 ? feed_sniffing(r, buf, n) : C311_OK;
}

/* Reads a last unfinished line or CSV row. */
enum c311_rc
queuelog_reader_finish(struct queuelog_reader *r)
{
    if (!r->bom_done) { /* a file of fewer bytes than a mark, all alike */
        r->bom_done = true;
        if (r->nbom > 0)
            feed_sniffing(r, (const char *)utf8_bom, r->nbom);
    }
    if (r->fmt == QUEUELOG_AUTO && r->nsniffed > 0) {
        sniff(r, true);
        replay_sniffed(r);
    }
    if (r->fmt == QUEUELOG_PIPE && (r->npartial > 0 || r->overlong)) {
        pipe_whole(r, r->partial, r->npartial, r->overlong);
        r->npartial = 0;
        r->overlong = false;
        r->done = r->fed;
    }
    if (r->fmt == QUEUELOG_CSV && r->csv_ready)
        csv_fini(&r->csv, csv_cell, csv_row, r);
    return C311_OK;
}
