/* SPDX-License-Identifier: MIT */
/*
 * Renders the light markdown of articles (see kb_md.h) line by line: each
 * line opens, continues or closes a paragraph, a heading or a list, and
 * its inline text goes through one function that knows links and bold.
 * The same walk writes HTML or plain text.
 */
#include <string.h>
#include <strings.h>

#include "core/kb_md.h"
#include "core/kb_text.h"
#include "util/buf.h"

#define MD_OUT_MAX (256 * 1024)

enum block { BLK_NONE, BLK_P, BLK_UL, BLK_OL };

struct md {
    struct buf out;
    bool html;
    enum block open;
    bool any;      /* something written, so plain text needs a separator */
    uint32_t last; /* the last character of text written */
};

/* A link found in a line: [text](url), with offsets into the line. */
struct link {
    size_t text, text_end;
    size_t url, url_end;
    size_t end; /* just after ')' */
};

/* Finds "[text](url)" starting at s[i] == '['; false if there is none. */
static bool
find_link(const char *s, size_t len, size_t i, struct link *l)
{
    size_t j, k;

    if (s[i] != '[')
        return false;
    for (j = i + 1; j < len && s[j] != ']' && s[j] != '['; j++)
        ;
    if (j >= len || s[j] != ']' || j + 1 >= len || s[j + 1] != '(')
        return false;
    for (k = j + 2; k < len && s[k] != ')' && s[k] != ' '; k++)
        ;
    if (k >= len || s[k] != ')' || k == j + 2)
        return false;
    l->text = i + 1;
    l->text_end = j;
    l->url = j + 2;
    l->url_end = k;
    l->end = k + 1;
    return true;
}

/* True for an http, https, mailto or tel address without odd bytes. */
static bool
url_ok(const char *u, size_t n)
{
    static const char *const schemes[] = {"http://", "https://",
                                          "mailto:", "tel:"};
    size_t i, sl;

    for (i = 0; i < n; i++) {
        if ((unsigned char)u[i] <= 0x20 || u[i] == '<' || u[i] == '>' ||
            u[i] == '"' || u[i] == '\'' || u[i] == '\\' || u[i] == 0x7f)
            return false;
    }
    for (i = 0; i < 4; i++) {
        sl = strlen(schemes[i]);
        if (n > sl && strncasecmp(u, schemes[i], sl) == 0)
            return true;
    }
    return false;
}

/* True for CJK characters and CJK or fullwidth punctuation. */
static bool
is_wide(uint32_t cp)
{
    return kb_text_is_cjk(cp) || (cp >= 0x3000 && cp <= 0x303f) ||
           (cp >= 0xff00 && cp <= 0xffef);
}

/* Remembers the last character of s[0, n). */
static void
note_last(struct md *m, const char *s, size_t n)
{
    size_t start = n, k;

    if (n == 0)
        return;
    do
        start--;
    while (start > 0 && ((unsigned char)s[start] & 0xc0) == 0x80);
    m->last = kb_text_decode(s + start, n - start, &k);
}

/*
 * Separates a line from the one before in the same block: a line break,
 * or a space in plain text, but nothing between two CJK characters, which
 * a line break in the source must not split with a space.
 */
static void
put_join(struct md *m, const char *next, size_t n)
{
    size_t k;

    if (is_wide(m->last) && n > 0 && is_wide(kb_text_decode(next, n, &k)))
        return;
    buf_putc(&m->out, m->html ? '\n' : ' ');
}

/* Appends s[0, n) escaped for HTML, or as it is for plain text. */
static void
put_text(struct md *m, const char *s, size_t n)
{
    size_t i;

    note_last(m, s, n);
    if (!m->html) {
        buf_append(&m->out, s, n);
        return;
    }
    for (i = 0; i < n; i++) {
        switch (s[i]) {
        case '&':
            buf_puts(&m->out, "&amp;");
            break;
        case '<':
            buf_puts(&m->out, "&lt;");
            break;
        case '>':
            buf_puts(&m->out, "&gt;");
            break;
        case '"':
            buf_puts(&m->out, "&quot;");
            break;
        case '\'':
            buf_puts(&m->out, "&#39;");
            break;
        default:
            buf_putc(&m->out, s[i]);
        }
    }
}

/* Appends markup, which plain text leaves out. */
static void
put_tag(struct md *m, const char *tag)
{
    if (m->html)
        buf_puts(&m->out, tag);
}

/* Writes s[0, n) with bold; links are written by put_inline(). */
static void
put_bold(struct md *m, const char *s, size_t n)
{
    size_t i = 0, j, start = 0;

    while (i + 1 < n) {
        if (s[i] != '*' || s[i + 1] != '*') {
            i++;
            continue;
        }
        for (j = i + 2; j + 1 < n && !(s[j] == '*' && s[j + 1] == '*'); j++)
            ;
        if (j + 1 >= n || j == i + 2) {
            i++;
            continue;
        }
        put_text(m, s + start, i - start);
        put_tag(m, "<strong>");
        put_text(m, s + i + 2, j - i - 2);
        put_tag(m, "</strong>");
        i = start = j + 2;
    }
    put_text(m, s + start, n - start);
}

/* Writes one line's inline text: links, bold, and text. */
static void
put_inline(struct md *m, const char *s, size_t n)
{
    size_t i = 0, start = 0;
    struct link l;

    while (i < n) {
        if (!find_link(s, n, i, &l) || !url_ok(s + l.url, l.url_end - l.url)) {
            i++;
            continue;
        }
        put_bold(m, s + start, i - start);
        if (m->html) {
            buf_puts(&m->out, "<a href=\"");
            put_text(m, s + l.url, l.url_end - l.url);
            buf_puts(&m->out, "\">");
        }
        put_bold(m, s + l.text, l.text_end - l.text);
        put_tag(m, "</a>");
        i = start = l.end;
    }
    put_bold(m, s + start, n - start);
}

/* Closes whatever block is open. */
static void
close_block(struct md *m)
{
    static const char *const ends[] = {"", "</p>\n", "</li></ul>\n",
                                       "</li></ol>\n"};

    put_tag(m, ends[m->open]);
    m->open = BLK_NONE;
}

/* Starts a block of kind b, with a space before it in plain text. */
static void
open_block(struct md *m, enum block b)
{
    static const char *const starts[] = {"", "<p>", "<ul><li>", "<ol><li>"};

    close_block(m);
    if (!m->html && m->any)
        buf_putc(&m->out, ' ');
    put_tag(m, starts[b]);
    m->open = b;
    m->any = true;
}

/* The list kind an item line starts, and where its text begins. */
static enum block
list_item(const char *s, size_t n, size_t *text)
{
    size_t d;

    if (n >= 2 && (s[0] == '-' || s[0] == '*') && s[1] == ' ') {
        *text = 2;
        return BLK_UL;
    }
    d = strspn(s, "0123456789");
    if (d >= 1 && d <= 3 && d + 1 < n && (s[d] == '.' || s[d] == ')') &&
        s[d + 1] == ' ') {
        *text = d + 2;
        return BLK_OL;
    }
    return BLK_NONE;
}

/* Writes a heading line ("#" to "###" and a space); false if it is not. */
static bool
heading(struct md *m, const char *s, size_t n)
{
    static const char *const tags[][2] = {
        {"<h3>", "</h3>\n"}, {"<h4>", "</h4>\n"}, {"<h5>", "</h5>\n"}};
    size_t h = 0;

    while (h < n && h < 4 && s[h] == '#')
        h++;
    if (h == 0 || h > 3 || h >= n || s[h] != ' ')
        return false;
    close_block(m);
    if (!m->html && m->any)
        buf_putc(&m->out, ' ');
    m->any = true;
    put_tag(m, tags[h - 1][0]);
    put_inline(m, s + h + 1, n - h - 1);
    put_tag(m, tags[h - 1][1]);
    return true;
}

/* Handles one line of the source (without its line break). */
static void
md_line(struct md *m, const char *s, size_t n)
{
    enum block b;
    size_t text = 0, lead;

    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        n--;
    lead = strspn(s, " \t");
    if (lead >= n) {
        close_block(m);
        return;
    }
    if (lead > 0 && (m->open == BLK_UL || m->open == BLK_OL)) {
        put_join(m, s + lead, n - lead);
        put_inline(m, s + lead, n - lead);
        return;
    }
    if (heading(m, s + lead, n - lead))
        return;
    b = list_item(s + lead, n - lead, &text);
    if (b != BLK_NONE) {
        if (m->open == b) {
            put_tag(m, "</li><li>");
            if (!m->html)
                buf_putc(&m->out, ' ');
        } else {
            open_block(m, b);
        }
        put_inline(m, s + lead + text, n - lead - text);
        return;
    }
    if (m->open == BLK_P)
        put_join(m, s + lead, n - lead);
    else
        open_block(m, BLK_P);
    put_inline(m, s + lead, n - lead);
}

/* Walks md line by line and returns the text written, in a. */
static char *
render(const char *md, bool html, struct arena *a)
{
    struct md m = {BUF_INIT(MD_OUT_MAX), html, BLK_NONE, false, 0};
    const char *line = md;
    size_t n;
    char *s;

    while (*line != '\0') {
        n = strcspn(line, "\n");
        md_line(&m, line, n);
        line += n;
        if (*line == '\n')
            line++;
    }
    close_block(&m);
    if (m.out.failed) {
        buf_release(&m.out);
        return NULL;
    }
    s = arena_strndup(a, m.out.data != NULL ? m.out.data : "", m.out.len);
    buf_release(&m.out);
    return s;
}

/* Renders HTML; see kb_md.h. */
char *
kb_md_html(const char *md, struct arena *a)
{
    return render(md, true, a);
}

/* Renders plain text; see kb_md.h. */
char *
kb_md_plain(const char *md, struct arena *a)
{
    return render(md, false, a);
}

/* Checks every link's address; see kb_md.h. */
bool
kb_md_links_ok(const char *md, struct arena *a, const char **bad)
{
    const char *line = md;
    struct link l;
    size_t n, i;

    *bad = NULL;
    while (*line != '\0') {
        n = strcspn(line, "\n");
        for (i = 0; i < n; i++) {
            if (!find_link(line, n, i, &l))
                continue;
            if (!url_ok(line + l.url, l.url_end - l.url)) {
                *bad = arena_strndup(a, line + l.url, l.url_end - l.url);
                return false;
            }
            i = l.end - 1;
        }
        line += n;
        if (*line == '\n')
            line++;
    }
    return true;
}
