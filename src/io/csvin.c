/* SPDX-License-Identifier: MIT */
/*
 * The streaming CSV reader. libcsv parses whatever bytes it is given and
 * calls back at the end of each field and record, but does not count
 * lines; so the reader feeds it one physical line at a time and notes the
 * line where each record's first non-blank line starts.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "io/csvin.h"

#define CSVIN_BLOCK   (256 * 1024)
#define CSVIN_NOFIELD ((size_t)-1)

/* Prepares the reader; libcsv's own options stay at their defaults. */
enum c311_rc
csvin_init(struct csvin *in, FILE *f)
{
    memset(in, 0, sizeof(*in));
    in->f = f;
    in->text = (struct buf)BUF_INIT(0);
    in->await_start = true;
    in->at_line_start = true;
    if (csv_init(&in->parser, 0) != 0)
        return C311_ERR_NOMEM;
    return C311_OK;
}

/* Frees the parser and the field buffers. */
void
csvin_free(struct csvin *in)
{
    csv_free(&in->parser);
    buf_release(&in->text);
    free(in->offsets);
    free(in->ptrs);
    in->offsets = NULL;
    in->ptrs = NULL;
    in->cap = 0;
}

/* True for the bytes a field is trimmed of. */
static bool
is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* Makes room for one more field offset; false when memory runs out. */
static bool
grow_fields(struct csvin *in)
{
    size_t cap;
    size_t *o;
    const char **p;

    if (in->nfields < in->cap)
        return true;
    cap = in->cap == 0 ? 64 : in->cap * 2;
    o = realloc(in->offsets, cap * sizeof(*o));
    if (o == NULL)
        return false;
    in->offsets = o;
    p = realloc(in->ptrs, cap * sizeof(*p));
    if (p == NULL)
        return false;
    in->ptrs = p;
    in->cap = cap;
    return true;
}

/* libcsv: the end of one field, s[0 .. len). */
static void
on_field(void *s, size_t len, void *data)
{
    struct csvin *in = data;
    const char *v = s != NULL ? s : "";
    const char *nul;

    if (in->rc != C311_OK)
        return;
    if (!grow_fields(in)) {
        in->rc = C311_ERR_NOMEM;
        return;
    }
    if ((nul = memchr(v, '\0', len)) != NULL) {
        in->has_nul = true;
        len = (size_t)(nul - v);
    }
    while (len > 0 && is_blank(*v)) {
        v++;
        len--;
    }
    while (len > 0 && is_blank(v[len - 1]))
        len--;
    if (in->text.len + len + 1 > CSVIN_RECORD_MAX) {
        in->too_long = true;
        in->offsets[in->nfields++] = CSVIN_NOFIELD;
        return;
    }
    in->offsets[in->nfields++] = in->text.len;
    if (buf_append(&in->text, v, len) != C311_OK ||
        buf_putc(&in->text, '\0') != C311_OK)
        in->rc = C311_ERR_NOMEM;
}

/* libcsv: the end of a record; hands it to the caller's function. */
static void
on_record(int c, void *data)
{
    struct csvin *in = data;
    struct csvin_record rec;
    size_t i;

    if (in->rc == C311_OK && in->nfields > 0) {
        for (i = 0; i < in->nfields; i++)
            in->ptrs[i] = in->offsets[i] == CSVIN_NOFIELD
                              ? ""
                              : in->text.data + in->offsets[i];
        rec.fields = in->ptrs;
        rec.nfields = in->nfields;
        rec.line = in->record_line;
        rec.too_long = in->too_long;
        rec.has_nul = in->has_nul;
        in->rc = in->fn(in->arg, in, &rec);
    }
    buf_reset(&in->text);
    in->nfields = 0;
    in->too_long = false;
    in->has_nul = false;
    in->await_start = true;
}

/*
 * Feeds bytes p[0 .. n) that hold at most one line end, at their end.
 * A new physical line that is not blank starts the next record when the
 * last one has ended.
 */
static enum c311_rc
feed(struct csvin *in, const char *p, size_t n, char **cause)
{
    if (in->at_line_start) {
        in->line++;
        if (in->await_start && !(n >= 1 && (p[0] == '\n' || p[0] == '\r'))) {
            in->record_line = in->line;
            in->await_start = false;
        }
    }
    in->at_line_start = n > 0 && p[n - 1] == '\n';
    if (csv_parse(&in->parser, p, n, on_field, on_record, in) != n &&
        in->rc == C311_OK) {
        in->rc = C311_ERR_INVALID;
        if (cause != NULL &&
            asprintf(cause, "line %lld: %s", (long long)in->line,
                     csv_strerror(csv_error(&in->parser))) < 0)
            *cause = NULL;
    }
    return in->rc;
}

/* Feeds one block of the file, line by line. */
static enum c311_rc
feed_block(struct csvin *in, const char *p, size_t n, char **cause)
{
    const char *nl;
    size_t len;
    enum c311_rc rc = C311_OK;

    while (rc == C311_OK && n > 0) {
        nl = memchr(p, '\n', n);
        len = nl != NULL ? (size_t)(nl - p) + 1 : n;
        rc = feed(in, p, len, cause);
        p += len;
        n -= len;
    }
    return rc;
}

/* Reads the file block by block; see csvin.h. */
enum c311_rc
csvin_run(struct csvin *in, csvin_record_fn fn, void *arg, char **cause)
{
    static const char bom[3] = {'\xef', '\xbb', '\xbf'};
    char *block = malloc(CSVIN_BLOCK);
    bool first = true;
    enum c311_rc rc = C311_OK;
    size_t n, skip;

    if (block == NULL)
        return C311_ERR_NOMEM;
    in->fn = fn;
    in->arg = arg;
    while (rc == C311_OK && (n = fread(block, 1, CSVIN_BLOCK, in->f)) > 0) {
        in->bytes += n;
        skip = first && n >= 3 && memcmp(block, bom, 3) == 0 ? 3 : 0;
        first = false;
        rc = feed_block(in, block + skip, n - skip, cause);
    }
    if (rc == C311_OK && ferror(in->f)) {
        rc = C311_ERR_IO;
        if (cause != NULL &&
            asprintf(cause, "reading failed: %s", strerror(errno)) < 0)
            *cause = NULL;
    }
    if (rc == C311_OK) {
        csv_fini(&in->parser, on_field, on_record, in);
        rc = in->rc;
    }
    free(block);
    if (rc == C311_ERR_NOMEM && cause != NULL && *cause == NULL &&
        asprintf(cause, "out of memory") < 0)
        *cause = NULL;
    return rc;
}
