/* SPDX-License-Identifier: MIT */
/*
 * Calls rebuilt from queue_log events: canonical lines, the replay of one
 * call's event set into queue legs, and the stream that groups lines by
 * callid and hands out calls once they are over. See core/acd.h.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/acd.h"

/* ---- event names ---- */

#define NELEMS(v) (sizeof(v) / sizeof((v)[0]))

/*
 * The kind of the n bytes of an event name, in Asterisk's own spelling:
 * by its first letter, then its length and bytes (this runs for every
 * line read).
 */
static enum acd_kind
kind_of_n(const char *name, size_t n)
{
#define IS(s) (n == sizeof(s) - 1 && memcmp(name, s, sizeof(s) - 1) == 0)
    switch (n > 0 ? name[0] : '\0') {
    case 'A':
        if (IS("ABANDON"))
            return ACD_EV_ABANDON;
        if (IS("ADDMEMBER"))
            return ACD_EV_ADDMEMBER;
        if (IS("AGENTCALLED") || IS("AGENTDUMP") || IS("AGENTLOGIN") ||
            IS("AGENTLOGOFF"))
            return ACD_EV_IGNORED;
        if (IS("ATTENDEDTRANSFER"))
            return ACD_EV_ATTENDEDTRANSFER;
        break;
    case 'B':
        if (IS("BLINDTRANSFER"))
            return ACD_EV_TRANSFER;
        break;
    case 'C':
        if (IS("COMPLETEAGENT"))
            return ACD_EV_COMPLETEAGENT;
        if (IS("COMPLETECALLER"))
            return ACD_EV_COMPLETECALLER;
        if (IS("CONFIGRELOAD"))
            return ACD_EV_IGNORED;
        if (IS("CONNECT"))
            return ACD_EV_CONNECT;
        break;
    case 'D':
        if (IS("DID"))
            return ACD_EV_IGNORED;
        break;
    case 'E':
        if (IS("ENTERQUEUE"))
            return ACD_EV_ENTERQUEUE;
        if (IS("EXITEMPTY"))
            return ACD_EV_EXITEMPTY;
        if (IS("EXITWITHKEY"))
            return ACD_EV_EXITWITHKEY;
        if (IS("EXITWITHTIMEOUT"))
            return ACD_EV_EXITWITHTIMEOUT;
        break;
    case 'I':
        if (IS("INFO"))
            return ACD_EV_IGNORED;
        break;
    case 'P':
        if (IS("PAUSE") || IS("PAUSEALL"))
            return ACD_EV_PAUSE;
        break;
    case 'Q':
        if (IS("QUEUESTART"))
            return ACD_EV_IGNORED;
        break;
    case 'R':
        if (IS("REMOVEMEMBER"))
            return ACD_EV_REMOVEMEMBER;
        if (IS("RINGCANCELED"))
            return ACD_EV_IGNORED;
        if (IS("RINGNOANSWER"))
            return ACD_EV_RINGNOANSWER;
        break;
    case 'S':
        if (IS("SYSCOMPAT"))
            return ACD_EV_IGNORED;
        break;
    case 'T':
        if (IS("TRANSFER"))
            return ACD_EV_TRANSFER;
        break;
    case 'U':
        if (IS("UNPAUSE") || IS("UNPAUSEALL"))
            return ACD_EV_UNPAUSE;
        break;
    default:
        break;
    }
    return ACD_EV_UNKNOWN;
#undef IS
}

/* The kind of an event name. */
enum acd_kind
acd_kind_of(const char *name)
{
    return kind_of_n(name, strlen(name));
}

/* ---- canonical lines ---- */

/* Appends n bytes of s to out at *pos, failing past ACD_LINE_MAX - 1. */
static bool
put_bytes(char *out, size_t *pos, const char *s, size_t n)
{
    if (n >= ACD_LINE_MAX - *pos)
        return false;
    memcpy(out + *pos, s, n);
    *pos += n;
    return true;
}

/* Length of the valid UTF-8 sequence at s (n bytes left), 0 if invalid. */
static size_t
utf8_len(const unsigned char *s, size_t n)
{
    size_t len, i;
    unsigned cp;

    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xc2 && s[0] <= 0xdf)
        len = 2, cp = s[0] & 0x1f;
    else if (s[0] >= 0xe0 && s[0] <= 0xef)
        len = 3, cp = s[0] & 0x0f;
    else if (s[0] >= 0xf0 && s[0] <= 0xf4)
        len = 4, cp = s[0] & 0x07;
    else
        return 0;
    if (len > n)
        return 0;
    for (i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3f);
    }
    if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
        (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
        return 0;
    return len;
}

/*
 * Appends a field, each byte of invalid UTF-8 and each control character
 * written as '?', so that every canonical line is clean text for any
 * database. A '|' cannot be kept and fails.
 */
static bool
put_field(char *out, size_t *pos, const char *f, size_t n)
{
    const unsigned char *s = (const unsigned char *)f;
    size_t i = 0, k;

    /* Plain printable ASCII, the usual case, is copied as it is. */
    while (i < n && s[i] >= 0x20 && s[i] < 0x7f && s[i] != '|')
        i++;
    if (i == n)
        return put_bytes(out, pos, f, n);
    if (memchr(f, '|', n) != NULL)
        return false;
    if (!put_bytes(out, pos, f, i))
        return false;
    while (i < n) {
        k = utf8_len(s + i, n - i);
        if (k == 0 || s[i] < 0x20 || s[i] == 0x7f) {
            if (!put_bytes(out, pos, "?", 1))
                return false;
            i++;
            continue;
        }
        if (!put_bytes(out, pos, f + i, k))
            return false;
        i += k;
    }
    return true;
}

/* Writes the canonical text of an event given as fields. */
enum acd_line
acd_canonical_fields(int64_t at, const char *const *f, const size_t *flen,
                     size_t nf, char *out, size_t *outlen)
{
    char num[24];
    size_t i, pos = 0, last, k = 0;
    uint64_t v = (uint64_t)at;

    if (nf < 4 || nf > 4 + ACD_MAX_DATA || at < 0 || flen[0] == 0 ||
        flen[3] == 0)
        return ACD_LINE_MALFORMED;
    last = nf;
    while (last > 4 && flen[last - 1] == 0)
        last--;
    do {
        num[sizeof(num) - 1 - k++] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    if (!put_bytes(out, &pos, num + sizeof(num) - k, k))
        return ACD_LINE_MALFORMED;
    for (i = 0; i < last; i++) {
        if (!put_bytes(out, &pos, "|", 1) ||
            !put_field(out, &pos, f[i], flen[i]))
            return ACD_LINE_MALFORMED;
    }
    out[pos] = '\0';
    *outlen = pos;
    return ACD_LINE_OK;
}

/* Reads a whole field of decimal digits as an instant. */
static bool
parse_epoch(const char *s, size_t n, int64_t *out)
{
    int64_t v = 0;
    size_t i;

    if (n == 0 || n > 12)
        return false;
    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

/* Fields of a line at most: time, callid, queue, agent, event and data. */
#define LINE_FIELDS (5 + ACD_MAX_DATA)

/*
 * The high bit of each byte of w that equals c (exactly: no false hits
 * next to a match, unlike the shorter zero-byte test).
 */
static uint64_t
bytes_equal(uint64_t w, unsigned char c)
{
    const uint64_t lows = UINT64_C(0x7f7f7f7f7f7f7f7f);
    uint64_t x = w ^ (UINT64_C(0x0101010101010101) * c);

    return ~(((x & lows) + lows) | x | lows);
}

/*
 * Finds the bars of the n bytes at s, eight bytes at a time: writes the
 * offsets of the first max to bar and returns how many there are in all.
 * This runs on every line read, so it avoids a call per field.
 */
static size_t
find_bars(const char *s, size_t n, uint32_t *bar, size_t max)
{
    size_t i, k = 0;
    uint64_t w, m;

    for (i = 0; i + 8 <= n; i += 8) {
        memcpy(&w, s + i, 8);
        for (m = bytes_equal(w, '|'); m != 0; m &= m - 1) {
            if (k < max)
                bar[k] = (uint32_t)(i + (size_t)__builtin_ctzll(m) / 8);
            k++;
        }
    }
    for (; i < n; i++) {
        if (s[i] == '|') {
            if (k < max)
                bar[k] = (uint32_t)i;
            k++;
        }
    }
    return k;
}

/*
 * True when a trimmed pipe line is its own canonical text, as nearly every
 * line Asterisk writes is: printable ASCII, an epoch without leading
 * zeros, a callid and an event name, at most ACD_MAX_DATA data fields
 * and no empty one at the end. Writes the offsets of its bars to bar
 * (LINE_FIELDS - 1 of them at most) and their number to *nbars.
 */
static bool
already_canonical(const char *s, size_t n, uint32_t *bar, size_t *nbars)
{
    const uint64_t ones = UINT64_C(0x0101010101010101);
    const uint64_t highs = UINT64_C(0x8080808080808080);
    size_t i, bars;
    uint64_t w, m;

    if (n == 0 || n >= ACD_LINE_MAX || s[n - 1] == '|' ||
        (s[0] == '0' && (n < 2 || s[1] != '|')))
        return false;
    /*
     * Eight bytes at a time: none below 0x20 or above 0x7e, and where the
     * bars are, in the same pass.
     */
    for (i = 0, bars = 0; i + 8 <= n; i += 8) {
        memcpy(&w, s + i, 8);
        if (((w - ones * 0x20) & ~w & highs) != 0 ||
            (((w + ones * (127 - 0x7e)) | w) & highs) != 0)
            return false;
        for (m = bytes_equal(w, '|'); m != 0; m &= m - 1) {
            if (bars < LINE_FIELDS - 1)
                bar[bars] = (uint32_t)(i + (size_t)__builtin_ctzll(m) / 8);
            bars++;
        }
    }
    for (; i < n; i++) {
        if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
            return false;
        if (s[i] == '|') {
            if (bars < LINE_FIELDS - 1)
                bar[bars] = (uint32_t)i;
            bars++;
        }
    }
    *nbars = bars;
    if (bars < 4 || bars > 4 + ACD_MAX_DATA || bar[0] < 1 || bar[0] > 12 ||
        bar[1] <= bar[0] + 1 || bar[3] + 1 >= n || s[bar[3] + 1] == '|')
        return false;
    for (i = 0; i < bar[0]; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
    }
    return true;
}

/* Trims a pipe line; false when nothing is left. */
static bool
trim_line(const char **line, size_t *len)
{
    const char *p = *line;
    size_t n = *len;

    while (n > 0 && isspace((unsigned char)p[n - 1]))
        n--;
    while (n > 0 && isspace((unsigned char)*p))
        p++, n--;
    *line = p;
    *len = n;
    return n > 0;
}

/* Splits a pipe-format line into fields and writes its canonical text. */
enum acd_line
acd_canonical_pipe(const char *line, size_t len, char *out, size_t *outlen)
{
    const char *f[4 + ACD_MAX_DATA + 1];
    size_t flen[4 + ACD_MAX_DATA + 1];
    const char *p, *end, *bar;
    size_t nf = 0;
    int64_t at;

    uint32_t bars[LINE_FIELDS - 1];
    size_t nbars;

    if (!trim_line(&line, &len))
        return ACD_LINE_BLANK;
    p = line;
    end = line + len;
    if (already_canonical(p, len, bars, &nbars)) {
        memcpy(out, p, (size_t)(end - p));
        out[end - p] = '\0';
        *outlen = (size_t)(end - p);
        return ACD_LINE_OK;
    }
    bar = memchr(p, '|', (size_t)(end - p));
    if (bar == NULL || !parse_epoch(p, (size_t)(bar - p), &at))
        return ACD_LINE_MALFORMED;
    p = bar + 1;
    for (;;) {
        if (nf == NELEMS(f))
            return ACD_LINE_MALFORMED;
        bar = memchr(p, '|', (size_t)(end - p));
        f[nf] = p;
        flen[nf] = (size_t)((bar != NULL ? bar : end) - p);
        nf++;
        if (bar == NULL)
            break;
        p = bar + 1;
    }
    return acd_canonical_fields(at, f, flen, nf, out, outlen);
}

/* True when the n bytes at s spell NONE. */
static bool
is_none(const char *s, size_t n)
{
    return n == 4 && memcmp(s, "NONE", 4) == 0;
}

/*
 * Cuts the len bytes of a canonical line at its bars into ev. With known
 * set, ev's time and kind are filled already (a stream read them).
 */
static bool
event_cut(char *line, size_t len, struct acd_event *ev, bool known)
{
    uint32_t bar[LINE_FIELDS];
    char *f[LINE_FIELDS];
    size_t flen[LINE_FIELDS];
    size_t nf, i, start = 0;

    nf = find_bars(line, len, bar, LINE_FIELDS - 1) + 1;
    if (nf > LINE_FIELDS || nf < 5)
        return false;
    bar[nf - 1] = (uint32_t)len;
    for (i = 0; i < nf; i++) {
        f[i] = line + start;
        flen[i] = bar[i] - start;
        if (i + 1 < nf)
            line[bar[i]] = '\0';
        start = bar[i] + 1;
    }
    if (!known && !parse_epoch(f[0], flen[0], &ev->at))
        return false;
    ev->callid = f[1];
    ev->queue = is_none(f[2], flen[2]) ? "" : f[2];
    ev->agent = is_none(f[3], flen[3]) ? "" : f[3];
    ev->name = f[4];
    if (!known)
        ev->kind = kind_of_n(f[4], flen[4]);
    ev->ndata = (unsigned)(nf - 5);
    for (i = 0; i < ACD_MAX_DATA; i++)
        ev->data[i] = i < ev->ndata ? f[5 + i] : "";
    return true;
}

/* Cuts the len bytes of a canonical line at its bars into ev. */
static bool
event_parse_n(char *line, size_t len, struct acd_event *ev)
{
    return event_cut(line, len, ev, false);
}

/* Cuts a canonical line at its bars and names its fields. */
bool
acd_event_parse(char *line, struct acd_event *ev)
{
    return event_parse_n(line, strlen(line), ev);
}

/* ---- names of outcomes ---- */

static const char *const outcome_names[ACD_NOUTCOMES] = {
    [ACD_WAITING] = "waiting",     [ACD_TALKING] = "talking",
    [ACD_COMPLETED] = "completed", [ACD_TRANSFERRED] = "transferred",
    [ACD_ABANDONED] = "abandoned", [ACD_TIMEOUT] = "timeout",
    [ACD_EXITKEY] = "exitkey",     [ACD_EXITEMPTY] = "exitempty",
};

/* The outcome's name as stored and reported. */
const char *
acd_outcome_name(enum acd_outcome o)
{
    return o < ACD_NOUTCOMES ? outcome_names[o] : "waiting";
}

/* Finds the outcome called s. */
bool
acd_outcome_parse(const char *s, enum acd_outcome *out)
{
    size_t i;

    for (i = 0; i < ACD_NOUTCOMES; i++) {
        if (s != NULL && strcmp(s, outcome_names[i]) == 0) {
            *out = (enum acd_outcome)i;
            return true;
        }
    }
    return false;
}

/* True for the outcomes of an answered leg. */
bool
acd_outcome_answered(enum acd_outcome o)
{
    return o == ACD_TALKING || o == ACD_COMPLETED || o == ACD_TRANSFERRED;
}

/* True for the outcomes of a leg nobody answered. */
bool
acd_outcome_unanswered(enum acd_outcome o)
{
    return o == ACD_ABANDONED || o == ACD_TIMEOUT || o == ACD_EXITKEY ||
           o == ACD_EXITEMPTY;
}

/* The name of who hung up, or NULL for nobody. */
const char *
acd_hangup_name(enum acd_hangup h)
{
    switch (h) {
    case ACD_HANGUP_CALLER:
        return "caller";
    case ACD_HANGUP_AGENT:
        return "agent";
    case ACD_HANGUP_TRANSFER:
        return "transfer";
    default:
        return NULL;
    }
}

/* Reads a hang-up name; NULL or "" is nobody. */
bool
acd_hangup_parse(const char *s, enum acd_hangup *out)
{
    enum acd_hangup h;

    *out = ACD_HANGUP_NONE;
    if (s == NULL || *s == '\0')
        return true;
    for (h = ACD_HANGUP_CALLER; h <= ACD_HANGUP_TRANSFER; h++) {
        if (strcmp(s, acd_hangup_name(h)) == 0) {
            *out = h;
            return true;
        }
    }
    return false;
}

/* ---- rebuilding a call ---- */

/* One line of a call's event set while it is being rebuilt. */
struct item {
    struct acd_event ev;
    const char *line; /* the canonical text, kept whole */
    size_t len;
    uint64_t hash;
    size_t idx; /* order of appearance */
};

/*
 * A hash of n bytes, eight at a time (multiply and fold, as in common
 * non-cryptographic hashes): finds equal lines and callids quickly, and
 * is a stored line's identity (acd_line_hash), read in the machine's
 * byte order: little-endian on every platform the store runs on.
 */
static uint64_t
hash_bytes(const char *s, size_t n)
{
    uint64_t h = UINT64_C(0x9e3779b97f4a7c15) ^ n, w;

    for (; n >= 8; s += 8, n -= 8) {
        memcpy(&w, s, 8);
        h = (h ^ w) * UINT64_C(0xff51afd7ed558ccd);
        h ^= h >> 32;
    }
    w = 0;
    memcpy(&w, s, n);
    h = (h ^ w) * UINT64_C(0xc4ceb9fe1a85ec53);
    return h ^ (h >> 29);
}

/* The stored identity of a canonical line. */
uint64_t
acd_line_hash(const char *line, size_t len)
{
    return hash_bytes(line, len);
}

/* Orders items by hash, then text, then appearance: equal lines meet. */
static int
item_cmp_identity(const void *x, const void *y)
{
    const struct item *a = x, *b = y;
    int c;

    if (a->hash != b->hash)
        return a->hash < b->hash ? -1 : 1;
    if (a->len != b->len)
        return a->len < b->len ? -1 : 1;
    c = memcmp(a->line, b->line, a->len);
    if (c != 0)
        return c;
    return a->idx < b->idx ? -1 : a->idx > b->idx;
}

/*
 * Orders items by time; within a second an ENTERQUEUE comes first (a
 * queue is entered before anything happens in it), then appearance.
 */
static int
item_cmp_time(const void *x, const void *y)
{
    const struct item *a = x, *b = y;
    int ra = a->ev.kind != ACD_EV_ENTERQUEUE;
    int rb = b->ev.kind != ACD_EV_ENTERQUEUE;

    if (a->ev.at != b->ev.at)
        return a->ev.at < b->ev.at ? -1 : 1;
    if (ra != rb)
        return ra - rb;
    return a->idx < b->idx ? -1 : a->idx > b->idx;
}

/* Reads data field i as a count of seconds (or ms); -1 when it is not. */
static int64_t
data_int(const struct acd_event *ev, unsigned i)
{
    const char *s = ev->data[i];
    int64_t v;

    if (i >= ev->ndata || !parse_epoch(s, strlen(s), &v))
        return -1;
    return v;
}

/* A call being rebuilt, with room for its legs. */
struct build {
    struct arena *a;
    struct acd_call *call;
    size_t cap;
    bool oom;
};

/* The latest leg in queue, or NULL. */
static struct acd_leg *
leg_of(struct build *b, const char *queue)
{
    size_t i;

    for (i = b->call->nlegs; i > 0; i--) {
        if (strcmp(b->call->legs[i - 1].queue, queue) == 0)
            return &b->call->legs[i - 1];
    }
    return NULL;
}

/* True while the leg can still take an answer or an end. */
static bool
leg_open(const struct acd_leg *l)
{
    return l->outcome == ACD_WAITING || l->outcome == ACD_TALKING;
}

/* Adds a leg in queue that entered at entered; NULL when out of memory. */
static struct acd_leg *
leg_add(struct build *b, const char *queue, int64_t entered, bool derived)
{
    struct acd_call *c = b->call;
    struct acd_leg *v, *l;

    if (c->nlegs == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 2;
        v = arena_alloc(b->a, b->cap * sizeof(*v));
        if (v == NULL) {
            b->oom = true;
            return NULL;
        }
        if (c->nlegs > 0)
            memcpy(v, c->legs, c->nlegs * sizeof(*v));
        c->legs = v;
    }
    l = &c->legs[c->nlegs++];
    memset(l, 0, sizeof(*l));
    l->queue = queue;
    l->entered = entered < 0 ? 0 : entered;
    l->entered_derived = derived;
    l->outcome = ACD_WAITING;
    l->wait = -1;
    l->talk = -1;
    return l;
}

/* ENTERQUEUE: a new leg, or the entry a leg built without one lacked. */
static void
on_enter(struct build *b, const struct acd_event *ev)
{
    struct acd_leg *l = leg_of(b, ev->queue);

    if (b->call->caller == NULL && ev->ndata > 1 && ev->data[1][0] != '\0')
        b->call->caller = ev->data[1];
    if (l != NULL && l->entered_derived &&
        (l->answered == 0 || ev->at <= l->answered) &&
        (l->ended == 0 || ev->at <= l->ended)) {
        l->entered = ev->at;
        l->entered_derived = false;
        if (l->answered != 0)
            l->wait = l->answered - ev->at;
        return;
    }
    if (l != NULL && leg_open(l)) {
        b->call->repeated++;
        return;
    }
    leg_add(b, ev->queue, ev->at, false);
}

/*
 * The leg an event after the entry belongs to: the open leg of its queue,
 * or a new leg entered wait seconds (-1: unknown) before at.
 */
static struct acd_leg *
leg_for(struct build *b, const struct acd_event *ev, int64_t before)
{
    struct acd_leg *l = leg_of(b, ev->queue);

    if (l != NULL && leg_open(l))
        return l;
    if (l != NULL) {
        b->call->repeated++;
        return NULL;
    }
    return leg_add(b, ev->queue, before >= 0 ? ev->at - before : ev->at, true);
}

/* RINGNOANSWER: an attempt on an agent who did not pick up. */
static void
on_ring(struct build *b, const struct acd_event *ev)
{
    struct acd_call *c = b->call;
    struct acd_leg *l = leg_of(b, ev->queue);
    struct acd_ring *v;
    size_t cap;

    if (l == NULL)
        l = leg_add(b, ev->queue, ev->at, true);
    if (l != NULL && l->outcome == ACD_WAITING)
        l->rings++;
    if ((c->nrings & (c->nrings - 1)) == 0) {
        cap = c->nrings ? c->nrings * 2 : 1;
        v = arena_alloc(b->a, cap * sizeof(*v));
        if (v == NULL) {
            b->oom = true;
            return;
        }
        if (c->nrings > 0)
            memcpy(v, c->rings, c->nrings * sizeof(*v));
        c->rings = v;
    }
    v = &c->rings[c->nrings++];
    v->at = ev->at;
    v->queue = ev->queue;
    v->agent = ev->agent;
    v->ms = data_int(ev, 0) < 0 ? 0 : data_int(ev, 0);
}

/* Marks l answered at `at` by agent after hold seconds of waiting. */
static void
answer(struct acd_leg *l, int64_t at, const char *agent, int64_t hold)
{
    l->answered = at;
    l->agent = agent;
    l->outcome = ACD_TALKING;
    if (hold >= 0)
        l->wait = hold;
    else if (l->entered != 0 && at >= l->entered)
        l->wait = at - l->entered;
}

/* CONNECT(holdtime|bridged-uniqueid|ringtime). */
static void
on_connect(struct build *b, const struct acd_event *ev)
{
    int64_t hold = data_int(ev, 0);
    struct acd_leg *l = leg_for(b, ev, hold);

    if (l == NULL)
        return;
    if (l->outcome == ACD_TALKING) {
        b->call->repeated++;
        return;
    }
    answer(l, ev->at, ev->agent, hold);
}

/*
 * The end of an answered leg: COMPLETECALLER, COMPLETEAGENT
 * (holdtime|calltime|origposition), TRANSFER and BLINDTRANSFER
 * (exten|context|holdtime|calltime|origposition), ATTENDEDTRANSFER
 * (method|data|holdtime|calltime|origposition).
 */
static void
on_complete(struct build *b, const struct acd_event *ev)
{
    bool xfer =
        ev->kind == ACD_EV_TRANSFER || ev->kind == ACD_EV_ATTENDEDTRANSFER;
    int64_t hold = data_int(ev, xfer ? 2 : 0);
    int64_t talk = data_int(ev, xfer ? 3 : 1);
    struct acd_leg *l;

    l = leg_for(b, ev, hold >= 0 && talk >= 0 ? hold + talk : -1);
    if (l == NULL)
        return;
    if (l->outcome == ACD_WAITING)
        answer(l, talk >= 0 ? ev->at - talk : ev->at, ev->agent, hold);
    l->ended = ev->at;
    l->talk = talk >= 0 ? talk : ev->at - l->answered;
    if (ev->kind == ACD_EV_COMPLETECALLER) {
        l->outcome = ACD_COMPLETED;
        l->hangup = ACD_HANGUP_CALLER;
    } else if (ev->kind == ACD_EV_COMPLETEAGENT) {
        l->outcome = ACD_COMPLETED;
        l->hangup = ACD_HANGUP_AGENT;
    } else {
        l->outcome = ACD_TRANSFERRED;
        l->hangup = ACD_HANGUP_TRANSFER;
        if (ev->kind == ACD_EV_TRANSFER)
            l->transfer_to =
                arena_printf(b->a, "%s@%s", ev->data[0], ev->data[1]);
        else
            l->transfer_to =
                arena_printf(b->a, "%s:%s", ev->data[0], ev->data[1]);
    }
}

/*
 * A caller who left the queue unanswered: ABANDON, EXITWITHTIMEOUT and
 * EXITEMPTY (position|origposition|waittime), EXITWITHKEY
 * (key|position|origposition|waittime).
 */
static void
on_leave(struct build *b, const struct acd_event *ev)
{
    int64_t wait = data_int(ev, ev->kind == ACD_EV_EXITWITHKEY ? 3 : 2);
    struct acd_leg *l = leg_for(b, ev, wait);

    if (l == NULL)
        return;
    if (l->outcome != ACD_WAITING) {
        b->call->repeated++;
        return;
    }
    l->ended = ev->at;
    if (wait >= 0)
        l->wait = wait;
    else if (l->entered != 0 && ev->at >= l->entered)
        l->wait = ev->at - l->entered;
    l->outcome = ev->kind == ACD_EV_ABANDON           ? ACD_ABANDONED
                 : ev->kind == ACD_EV_EXITWITHTIMEOUT ? ACD_TIMEOUT
                 : ev->kind == ACD_EV_EXITWITHKEY     ? ACD_EXITKEY
                                                      : ACD_EXITEMPTY;
}

/* Applies one event, in time order, to the call being rebuilt. */
static void
apply(struct build *b, const struct acd_event *ev)
{
    switch (ev->kind) {
    case ACD_EV_ENTERQUEUE:
        on_enter(b, ev);
        break;
    case ACD_EV_RINGNOANSWER:
        on_ring(b, ev);
        break;
    case ACD_EV_CONNECT:
        on_connect(b, ev);
        break;
    case ACD_EV_COMPLETECALLER:
    case ACD_EV_COMPLETEAGENT:
    case ACD_EV_TRANSFER:
    case ACD_EV_ATTENDEDTRANSFER:
        on_complete(b, ev);
        break;
    case ACD_EV_ABANDON:
    case ACD_EV_EXITWITHTIMEOUT:
    case ACD_EV_EXITWITHKEY:
    case ACD_EV_EXITEMPTY:
        on_leave(b, ev);
        break;
    case ACD_EV_UNKNOWN:
        b->call->unknown++;
        break;
    default:
        break;
    }
}

/* The call's wait and talk from its times and legs. */
static void
summarise_durations(struct acd_call *c)
{
    size_t i;

    c->wait = c->nlegs == 1 ? c->legs[0].wait : -1;
    if (c->nlegs > 1 && c->answered != 0 && c->entered != 0)
        c->wait = c->answered - c->entered;
    else if (c->nlegs > 1 && c->ended != 0 && c->entered != 0)
        c->wait = c->ended - c->entered;
    c->talk = c->answered != 0 ? 0 : -1;
    for (i = 0; i < c->nlegs && c->talk >= 0; i++) {
        if (c->legs[i].answered == 0)
            continue;
        if (c->legs[i].talk < 0)
            c->talk = -1;
        else
            c->talk += c->legs[i].talk;
    }
}

/* Fills the call's own times and outcome from its legs. */
void
acd_call_summarise(struct acd_call *c)
{
    const struct acd_leg *last = &c->legs[c->nlegs - 1];
    const struct acd_leg *first_answered = NULL;
    size_t i;

    c->entered = c->legs[0].entered;
    for (i = 0; i < c->nlegs; i++) {
        if (c->legs[i].entered != 0 &&
            (c->entered == 0 || c->legs[i].entered < c->entered))
            c->entered = c->legs[i].entered;
        if (first_answered == NULL && c->legs[i].answered != 0)
            first_answered = &c->legs[i];
    }
    c->answered = first_answered ? first_answered->answered : 0;
    c->ended = leg_open(last) ? 0 : last->ended;
    c->outcome = first_answered ? first_answered->outcome : last->outcome;
    summarise_durations(c);
}

/* Sorts n items: by insertion when they are few, as a call's lines are. */
static void
sort_items(struct item *v, size_t n, int (*cmp)(const void *, const void *))
{
    struct item t;
    size_t i, j;

    if (n > 16) {
        qsort(v, n, sizeof(*v), cmp);
        return;
    }
    for (i = 1; i < n; i++) {
        if (cmp(&v[i - 1], &v[i]) <= 0)
            continue;
        t = v[i];
        for (j = i; j > 0 && cmp(&v[j - 1], &t) > 0; j--)
            v[j] = v[j - 1];
        v[j] = t;
    }
}

/*
 * Splits text into items of callid, drops repeated lines and sorts the
 * rest by time. Lines point into text; the parsed fields into one copy of
 * it in a. Sets *n.
 */
static enum c311_rc
collect(const char *callid, const char *text, size_t len, struct arena *a,
        struct item **out, size_t *n)
{
    struct item *v;
    char *copy;
    size_t cap = 1, k = 0, i, j, start;

    const char *nl;

    for (nl = text; (nl = memchr(nl, '\n', len - (size_t)(nl - text))) != NULL;
         nl++)
        cap++;
    copy = arena_strndup(a, text, len);
    v = arena_alloc(a, cap * sizeof(*v));
    if (copy == NULL || v == NULL)
        return C311_ERR_NOMEM;
    for (start = 0; start < len; start = i + 1) {
        nl = memchr(text + start, '\n', len - start);
        i = nl != NULL ? (size_t)(nl - text) : len;
        copy[i] = '\0';
        v[k].line = text + start;
        v[k].len = i - start;
        if (v[k].len == 0 || !event_parse_n(copy + start, v[k].len, &v[k].ev) ||
            strcmp(v[k].ev.callid, callid) != 0)
            continue;
        v[k].hash = hash_bytes(v[k].line, v[k].len);
        v[k].idx = k;
        k++;
    }
    sort_items(v, k, item_cmp_identity);
    for (i = j = 0; i < k; i++) {
        if (j > 0 && v[i].hash == v[j - 1].hash && v[i].len == v[j - 1].len &&
            memcmp(v[i].line, v[j - 1].line, v[i].len) == 0)
            continue;
        v[j++] = v[i];
    }
    sort_items(v, j, item_cmp_time);
    *out = v;
    *n = j;
    return C311_OK;
}

/* Writes the items' lines, in order, as the call's event set. */
static enum c311_rc
write_events(struct acd_call *c, const struct item *v, size_t n,
             const char *text, size_t len, struct arena *a)
{
    size_t i;
    uint64_t *h;
    char *p = NULL;

    if (text == NULL) {
        for (i = len = 0; i < n; i++)
            len += v[i].len + 1;
        p = arena_alloc(a, len + 1);
    }
    h = arena_alloc(a, (n + 1) * sizeof(*h));
    if ((text == NULL && p == NULL) || h == NULL)
        return C311_ERR_NOMEM;
    for (i = 0; i < n; i++)
        h[i] = v[i].hash;
    for (i = 1; i < n; i++) { /* by insertion: a call has few lines */
        uint64_t t = h[i];
        size_t j;

        for (j = i; j > 0 && h[j - 1] > t; j--)
            h[j] = h[j - 1];
        h[j] = t;
    }
    c->hashes = h;
    c->nhashes = n;
    c->events = text != NULL ? text : p;
    c->events_len = len;
    for (i = 0; text == NULL && i < n; i++) {
        memcpy(p, v[i].line, v[i].len);
        p[v[i].len] = '\n';
        p += v[i].len + 1;
    }
    return C311_OK;
}

/*
 * Makes items of the lines a stream described: they are all of the call
 * and each there once, so only their fields are cut and they are sorted
 * by time.
 */
static enum c311_rc
collect_known(const struct acd_pending_call *p, struct arena *a,
              struct item **out, size_t *n)
{
    const struct acd_line_info *li;
    struct item *v;
    char *copy;
    size_t i, k = 0;

    copy = arena_strndup(a, p->text, p->len);
    v = arena_alloc(a, (p->nlines + 1) * sizeof(*v));
    if (copy == NULL || v == NULL)
        return C311_ERR_NOMEM;
    for (i = 0; i < p->nlines; i++) {
        li = &p->lines[i];
        copy[li->off + li->len] = '\0';
        v[k].ev.at = li->at;
        v[k].ev.kind = li->kind;
        if (!event_cut(copy + li->off, li->len, &v[k].ev, true))
            continue;
        v[k].line = p->text + li->off;
        v[k].len = li->len;
        v[k].hash = li->hash;
        v[k].idx = k;
        k++;
    }
    sort_items(v, k, item_cmp_time);
    *out = v;
    *n = k;
    return C311_OK;
}

/*
 * Replays the items of a call, in time order, into its legs. text (len
 * bytes, NUL-terminated) is the call's event set when the items are all
 * its lines in the order they have there, else NULL.
 */
static enum c311_rc
build_items(const struct item *v, size_t n, const char *text, size_t len,
            struct arena *a, struct acd_call *out)
{
    struct build b = {a, out, 0, false};
    size_t i;

    for (i = 0; i < n && !b.oom; i++)
        apply(&b, &v[i].ev);
    if (b.oom)
        return C311_ERR_NOMEM;
    if (out->nlegs == 0)
        return C311_ERR_INVALID;
    acd_call_summarise(out);
    return write_events(out, v, n, text, len, a);
}

/* Replays a call's event set into its legs. */
enum c311_rc
acd_call_build(const char *callid, const char *text, size_t len,
               struct arena *a, struct acd_call *out)
{
    struct item *v;
    enum c311_rc rc;
    size_t n;

    memset(out, 0, sizeof(*out));
    out->callid = arena_strdup(a, callid);
    if (out->callid == NULL)
        return C311_ERR_NOMEM;
    rc = collect(callid, text, len, a, &v, &n);
    if (rc != C311_OK)
        return rc;
    return build_items(v, n, NULL, 0, a, out);
}

/* Replays a call a stream handed out, from what it knew of the lines. */
enum c311_rc
acd_call_build_pending(const struct acd_pending_call *p, struct arena *a,
                       struct acd_call *out)
{
    struct item *v;
    enum c311_rc rc;
    size_t n, i;

    if (p->lines == NULL)
        return acd_call_build(p->callid, p->text, p->len, a, out);
    memset(out, 0, sizeof(*out));
    out->callid = arena_strdup(a, p->callid);
    if (out->callid == NULL)
        return C311_ERR_NOMEM;
    rc = collect_known(p, a, &v, &n);
    if (rc != C311_OK)
        return rc;
    for (i = 0; i < n && v[i].idx == i; i++)
        ;
    /* In order already, as in a sorted log: the text is the event set. */
    if (i == n && n == p->nlines)
        return build_items(v, n, p->text, p->len, a, out);
    return build_items(v, n, NULL, 0, a, out);
}

/* ---- legs as text ---- */

/*
 * Legs text: one line per leg, then one per ring, fields between '|'
 * (no name in a canonical line holds '|' or a line break):
 *   L|queue|entered|derived|answered|ended|outcome|wait|talk|agent|hangup|
 *     transfer|rings
 *   R|at|queue|agent|ms
 */

/* Writes v in decimal at p, two digits at a time; returns the end. */
static char *
put_int(char *p, int64_t v)
{
    static const char pairs[] = "00010203040506070809101112131415161718192021"
                                "22232425262728293031323334353637383940414243"
                                "44454647484950515253545556575859606162636465"
                                "66676869707172737475767778798081828384858687"
                                "888990919293949596979899";
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v, t;
    size_t n = 1;
    char *e;

    if (v < 0)
        *p++ = '-';
    for (t = u; t >= 10; t /= 10)
        n++;
    e = p + n;
    while (u >= 100) {
        e -= 2;
        e[0] = pairs[2 * (u % 100)];
        e[1] = pairs[2 * (u % 100) + 1];
        u /= 100;
    }
    if (u >= 10) {
        e[-2] = pairs[2 * u];
        e[-1] = pairs[2 * u + 1];
    } else {
        e[-1] = (char)('0' + u);
    }
    return p + n;
}

/* Writes s (NULL as nothing) and a bar at p; returns the end. */
static char *
put_str(char *p, const char *s, char sep)
{
    size_t n = s != NULL ? strlen(s) : 0;

    memcpy(p, s != NULL ? s : "", n);
    p[n] = sep;
    return p + n + 1;
}

/* Bytes a string takes in legs text, with its separator. */
static size_t
str_room(const char *s)
{
    return (s != NULL ? strlen(s) : 0) + 1;
}

/* Writes the legs and rings of c as text. */
char *
acd_call_legs_text(const struct acd_call *c, struct arena *a)
{
    const struct acd_leg *l;
    const struct acd_ring *r;
    size_t room = 1, i;
    char *out, *p;

    for (i = 0; i < c->nlegs; i++) {
        l = &c->legs[i];
        room += 2 + 10 * 22 + str_room(l->queue) + str_room(l->agent) +
                str_room(l->transfer_to);
    }
    for (i = 0; i < c->nrings; i++)
        room += 2 + 2 * 22 + str_room(c->rings[i].queue) +
                str_room(c->rings[i].agent);
    out = p = arena_alloc(a, room);
    if (out == NULL)
        return NULL;
    for (i = 0; i < c->nlegs; i++) {
        l = &c->legs[i];
        *p++ = 'L';
        *p++ = '|';
        p = put_str(p, l->queue, '|');
        p = put_int(p, l->entered);
        *p++ = '|';
        *p++ = l->entered_derived ? '1' : '0';
        *p++ = '|';
        p = put_int(p, l->answered);
        *p++ = '|';
        p = put_int(p, l->ended);
        *p++ = '|';
        p = put_int(p, l->outcome);
        *p++ = '|';
        p = put_int(p, l->wait);
        *p++ = '|';
        p = put_int(p, l->talk);
        *p++ = '|';
        p = put_str(p, l->agent, '|');
        p = put_int(p, l->hangup);
        *p++ = '|';
        p = put_str(p, l->transfer_to, '|');
        p = put_int(p, l->rings);
        *p++ = '\n';
    }
    for (i = 0; i < c->nrings; i++) {
        r = &c->rings[i];
        *p++ = 'R';
        *p++ = '|';
        p = put_int(p, r->at);
        *p++ = '|';
        p = put_str(p, r->queue, '|');
        p = put_str(p, r->agent, '|');
        p = put_int(p, r->ms);
        *p++ = '\n';
    }
    *p = '\0';
    return out;
}

/* Reads a decimal field (maybe negative) that ends the field list f. */
static bool
field_int(const char *s, int64_t *out)
{
    bool neg = *s == '-';
    int64_t v = 0;
    size_t i = neg;

    if (s[i] == '\0')
        return false;
    for (; s[i] != '\0'; i++) {
        if (s[i] < '0' || s[i] > '9' || i > 19)
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = neg ? -v : v;
    return true;
}

/* Reads one "L|..." line into l. */
static bool
leg_line(char **f, size_t nf, struct acd_leg *l)
{
    int64_t v[9];
    static const int at[9] = {2, 3, 4, 5, 6, 7, 8, 10, 12};
    size_t i;

    if (nf != 13)
        return false;
    for (i = 0; i < 9; i++) {
        if (!field_int(f[at[i]], &v[i]))
            return false;
    }
    if (v[4] < 0 || v[4] >= ACD_NOUTCOMES || v[7] < ACD_HANGUP_NONE ||
        v[7] > ACD_HANGUP_TRANSFER || v[8] < 0)
        return false;
    memset(l, 0, sizeof(*l));
    l->queue = f[1];
    l->entered = v[0];
    l->entered_derived = v[1] != 0;
    l->answered = v[2];
    l->ended = v[3];
    l->outcome = (enum acd_outcome)v[4];
    l->wait = v[5];
    l->talk = v[6];
    l->agent = f[9][0] != '\0' ? f[9] : NULL;
    l->hangup = (enum acd_hangup)v[7];
    l->transfer_to = f[11][0] != '\0' ? f[11] : NULL;
    l->rings = (unsigned)v[8];
    return true;
}

/* Reads one "R|..." line into r. */
static bool
ring_line(char **f, size_t nf, struct acd_ring *r)
{
    if (nf != 5 || !field_int(f[1], &r->at) || !field_int(f[4], &r->ms))
        return false;
    r->queue = f[2];
    r->agent = f[3];
    return true;
}

/*
 * Cuts the line at p (ending in '\n') at its bars into at most max fields
 * (max - 1 bars at most), NUL-terminated; returns their number (max + 1
 * when there are more) and sets *next to the next line. The bars are
 * found eight bytes at a time, as every report reads every call's legs.
 */
static size_t
cut_legs_line(char *p, char **f, size_t max, char **next)
{
    char *nl = strchr(p, '\n');
    uint32_t bar[16];
    size_t nb, i;

    nb = find_bars(p, (size_t)(nl - p), bar, max - 1);
    f[0] = p;
    for (i = 0; i < nb && i < max - 1; i++) {
        p[bar[i]] = '\0';
        f[i + 1] = p + bar[i] + 1;
    }
    *nl = '\0';
    *next = nl + 1;
    return nb < max ? nb + 1 : max + 1;
}

/* Reads legs text back into a call. */
enum c311_rc
acd_call_from_legs(const char *callid, const char *caller, const char *text,
                   struct arena *a, struct acd_call *out)
{
    size_t nl = 0, nr = 0, nf, len = strlen(text);
    char *copy, *p, *next, *f[14];
    const char *q, *nlp, *end = text + len;

    memset(out, 0, sizeof(*out));
    for (q = text; q < end; q = nlp + 1) {
        nl += *q == 'L';
        nr += *q == 'R';
        nlp = memchr(q, '\n', (size_t)(end - q));
        if (nlp == NULL)
            return C311_ERR_INVALID;
    }
    copy = arena_strndup(a, text, len);
    out->legs = arena_alloc(a, (nl + 1) * sizeof(*out->legs));
    out->rings = arena_alloc(a, (nr + 1) * sizeof(*out->rings));
    if (copy == NULL || out->legs == NULL || out->rings == NULL)
        return C311_ERR_NOMEM;
    out->callid = callid;
    out->caller = caller;
    for (p = copy; p < copy + len; p = next) {
        nf = cut_legs_line(p, f, NELEMS(f), &next);
        if (p[0] == 'L' && p[1] == '\0' && out->nlegs < nl &&
            leg_line(f, nf, &out->legs[out->nlegs]))
            out->nlegs++;
        else if (p[0] == 'R' && p[1] == '\0' && out->nrings < nr &&
                 ring_line(f, nf, &out->rings[out->nrings]))
            out->nrings++;
        else
            return C311_ERR_INVALID;
    }
    if (out->nlegs == 0)
        return C311_ERR_INVALID;
    acd_call_summarise(out);
    return C311_OK;
}

/* ---- streams ---- */

#define STREAM_GRACE       60
#define STREAM_STALE       (4 * 3600)
#define STREAM_BUCKETS_MIN 1024
/*
 * The most text one call may hold while it is read: a call with thousands
 * of unanswered rings still fits; only a runaway callid (one reused for
 * days, say) reaches it, and memory stays bounded by the calls in progress.
 * TODO: lines of a call past STREAM_CALL_MAX_LEN are counted (over_limit)
 * and dropped, so such a call may miss its answer or its hangup.
 */
#define STREAM_CALL_MAX_LEN (8 * 1024 * 1024)

/*
 * Finished calls whose memory a stream keeps for the next ones, at most:
 * a log has a new callid every few lines, so allocating and freeing each
 * would cost more than the call's own work.
 */
#define STREAM_POOL_MAX 4096

/* The largest buffers of a finished call the pool keeps. */
#define STREAM_POOL_TEXT  4096
#define STREAM_POOL_LINES 64

/* A call the stream holds: its lines so far, in a list by last feed. */
struct held {
    struct held *hnext; /* hash chain, or the next in the pool */
    uint64_t hkey;
    size_t callid_len, callid_cap;
    char *callid; /* callid_short when it fits: one cache line with
                     the key, read for every line of the call */
    char callid_short[32];
    struct held *prev, *next; /* in s->ended or s->open */
    char *text;
    size_t len, cap;
    struct acd_line_info *lines; /* of the text, to drop an identical one */
    size_t nlines, lcap;
    int64_t end_at;  /* time of the last ending event, 0 if none */
    int64_t touched; /* the stream's clock when last fed */
    bool ended;
};

struct list {
    struct held *head, *tail;
};

struct span_rec {
    char *agent;
    char *queue;
    enum acd_span_kind kind;
    int64_t start, end;
};

struct acd_stream {
    struct acd_stream_opts opts;
    struct held **buckets;
    size_t nbuckets, nheld;
    struct list ended, open;
    struct held *pool; /* finished calls' memory, linked by hnext */
    size_t npool;
    int64_t clock; /* the latest event time seen */
    struct span_rec *spans;
    size_t nspans, spancap;
    struct acd_counts counts;
    bool oom;
};

/* Makes an empty stream with the given or default delays. */
struct acd_stream *
acd_stream_new(const struct acd_stream_opts *opts)
{
    struct acd_stream *s = calloc(1, sizeof(*s));

    if (s == NULL)
        return NULL;
    s->opts.grace = opts && opts->grace > 0 ? opts->grace : STREAM_GRACE;
    s->opts.stale = opts && opts->stale > 0 ? opts->stale : STREAM_STALE;
    s->nbuckets = STREAM_BUCKETS_MIN;
    s->buckets = calloc(s->nbuckets, sizeof(*s->buckets));
    if (s->buckets == NULL) {
        free(s);
        return NULL;
    }
    return s;
}

/* Frees one held call. */
static void
held_free(struct held *h)
{
    if (h->callid != h->callid_short)
        free(h->callid);
    free(h->text);
    free(h->lines);
    free(h);
}

/*
 * Keeps the memory of a finished call for the next one, or frees it: a
 * call's buffers larger than a usual call needs are not kept, so that
 * the pool stays small whatever calls went before.
 */
static void
held_release(struct acd_stream *s, struct held *h)
{
    if (s->npool >= STREAM_POOL_MAX || h->cap > STREAM_POOL_TEXT ||
        h->lcap > STREAM_POOL_LINES) {
        held_free(h);
        return;
    }
    h->hnext = s->pool;
    s->pool = h;
    s->npool++;
}

/* Frees the spans not yet handed out. */
static void
spans_clear(struct acd_stream *s)
{
    size_t i;

    for (i = 0; i < s->nspans; i++) {
        free(s->spans[i].agent);
        free(s->spans[i].queue);
    }
    s->nspans = 0;
}

/* Frees a stream and every call it still holds. */
void
acd_stream_free(struct acd_stream *s)
{
    struct held *h, *next;
    size_t i;

    if (s == NULL)
        return;
    for (i = 0; i < s->nbuckets; i++) {
        for (h = s->buckets[i]; h != NULL; h = next) {
            next = h->hnext;
            held_free(h);
        }
    }
    for (h = s->pool; h != NULL; h = next) {
        next = h->hnext;
        held_free(h);
    }
    spans_clear(s);
    free(s->spans);
    free(s->buckets);
    free(s);
}

/* The stream's counters. */
const struct acd_counts *
acd_stream_counts(const struct acd_stream *s)
{
    return &s->counts;
}

/* How many calls the stream holds. */
size_t
acd_stream_held(const struct acd_stream *s)
{
    return s->nheld;
}

/* Unlinks h from list l. */
static void
list_remove(struct list *l, struct held *h)
{
    if (h->prev != NULL)
        h->prev->next = h->next;
    else
        l->head = h->next;
    if (h->next != NULL)
        h->next->prev = h->prev;
    else
        l->tail = h->prev;
    h->prev = h->next = NULL;
}

/* Links h at the tail of list l. */
static void
list_append(struct list *l, struct held *h)
{
    h->prev = l->tail;
    h->next = NULL;
    if (l->tail != NULL)
        l->tail->next = h;
    else
        l->head = h;
    l->tail = h;
}

/* Doubles the hash table; on failure keeps the old one (only slower). */
static void
grow_buckets(struct acd_stream *s)
{
    size_t n = s->nbuckets * 2, i;
    struct held **v = calloc(n, sizeof(*v));
    struct held *h, *next;

    if (v == NULL)
        return;
    for (i = 0; i < s->nbuckets; i++) {
        for (h = s->buckets[i]; h != NULL; h = next) {
            next = h->hnext;
            h->hnext = v[h->hkey & (n - 1)];
            v[h->hkey & (n - 1)] = h;
        }
    }
    free(s->buckets);
    s->buckets = v;
    s->nbuckets = n;
}

/* An empty held call, from the pool when it has one; NULL when out of
 * memory. */
static struct held *
held_new(struct acd_stream *s, const char *callid, size_t len)
{
    struct held *h = s->pool;
    char *p;

    if (h != NULL) {
        s->pool = h->hnext;
        s->npool--;
    } else if ((h = calloc(1, sizeof(*h))) == NULL) {
        return NULL;
    } else {
        h->callid = h->callid_short;
        h->callid_cap = sizeof(h->callid_short);
    }
    if (len + 1 > h->callid_cap) {
        p = realloc(h->callid == h->callid_short ? NULL : h->callid, len + 1);
        if (p == NULL) {
            held_free(h);
            return NULL;
        }
        h->callid = p;
        h->callid_cap = len + 1;
    }
    memcpy(h->callid, callid, len);
    h->callid[len] = '\0';
    h->callid_len = len;
    h->len = 0;
    h->nlines = 0;
    h->end_at = 0;
    h->touched = 0;
    h->ended = false;
    h->prev = h->next = NULL;
    return h;
}

/* The held call with this callid, made when new; NULL when out of memory. */
static struct held *
held_get(struct acd_stream *s, const char *callid, size_t len)
{
    uint64_t key = hash_bytes(callid, len);
    struct held *h;

    for (h = s->buckets[key & (s->nbuckets - 1)]; h != NULL; h = h->hnext) {
        if (h->hkey == key && h->callid_len == len &&
            memcmp(h->callid, callid, len) == 0)
            return h;
    }
    h = held_new(s, callid, len);
    if (h == NULL)
        return NULL;
    h->hkey = key;
    h->hnext = s->buckets[key & (s->nbuckets - 1)];
    s->buckets[key & (s->nbuckets - 1)] = h;
    list_append(&s->open, h);
    if (++s->nheld > s->nbuckets)
        grow_buckets(s);
    return h;
}

/* Takes h out of the table and its list, without freeing it. */
static void
held_unlink(struct acd_stream *s, struct held *h)
{
    struct held **pp = &s->buckets[h->hkey & (s->nbuckets - 1)];

    while (*pp != h)
        pp = &(*pp)->hnext;
    *pp = h->hnext;
    list_remove(h->ended ? &s->ended : &s->open, h);
    s->nheld--;
}

/* True when h holds a line equal to line (hash first, then text). */
static bool
held_has(const struct held *h, uint64_t hash, const char *line, size_t len)
{
    const struct acd_line_info *li;
    size_t i;

    for (i = 0; i < h->nlines; i++) {
        li = &h->lines[i];
        if (li->hash == hash && li->len == len &&
            memcmp(h->text + li->off, line, len) == 0)
            return true;
    }
    return false;
}

/* Appends a line (and what is known of it) to h; false when out of
 * memory. The caller checks held_full first. */
static bool
held_append(struct held *h, const struct acd_line_info *info, const char *line,
            size_t len)
{
    size_t need = h->len + len + 1, cap;
    struct acd_line_info *lv;
    char *t;

    if (need + 1 > h->cap) { /* with a NUL after the text */
        cap = h->cap ? h->cap * 2 : 256;
        while (cap < need + 1)
            cap *= 2;
        t = realloc(h->text, cap);
        if (t == NULL)
            return false;
        h->text = t;
        h->cap = cap;
    }
    if (h->nlines == h->lcap) {
        cap = h->lcap ? h->lcap * 2 : 8;
        lv = realloc(h->lines, cap * sizeof(*lv));
        if (lv == NULL)
            return false;
        h->lines = lv;
        h->lcap = cap;
    }
    memcpy(h->text + h->len, line, len);
    h->text[h->len + len] = '\n';
    h->text[h->len + len + 1] = '\0';
    lv = &h->lines[h->nlines++];
    *lv = *info;
    lv->off = (uint32_t)h->len;
    lv->len = (uint32_t)len;
    h->len = need;
    return true;
}

/* True when a line of len bytes would take h past its limit. */
static bool
held_full(const struct held *h, size_t len)
{
    return h->len + len + 1 > STREAM_CALL_MAX_LEN;
}

/* Notes whether the call has ended after an event of this kind at `at`,
 * moving it between lists. */
static void
held_mark(struct acd_stream *s, struct held *h, enum acd_kind kind, int64_t at)
{
    bool ended = h->ended;

    switch (kind) {
    case ACD_EV_COMPLETECALLER:
    case ACD_EV_COMPLETEAGENT:
    case ACD_EV_TRANSFER:
    case ACD_EV_ATTENDEDTRANSFER:
    case ACD_EV_ABANDON:
    case ACD_EV_EXITWITHTIMEOUT:
    case ACD_EV_EXITWITHKEY:
    case ACD_EV_EXITEMPTY:
        ended = true;
        if (at > h->end_at)
            h->end_at = at;
        break;
    case ACD_EV_ENTERQUEUE:
    case ACD_EV_CONNECT:
        if (at > h->end_at)
            ended = false;
        break;
    default:
        break;
    }
    h->touched = s->clock;
    if (ended == h->ended && (ended ? s->ended.tail : s->open.tail) == h)
        return; /* already last in its list */
    list_remove(h->ended ? &s->ended : &s->open, h);
    h->ended = ended;
    list_append(ended ? &s->ended : &s->open, h);
}

/*
 * A line cut at its bars, without copying it: the fields the stream
 * needs, as pointers and lengths into the line.
 */
struct cut {
    int64_t at;
    enum acd_kind kind;
    const char *callid, *queue, *agent; /* queue and agent "" for NONE */
    size_t callid_len, queue_len, agent_len;
};

/* Cuts the len bytes of a line with nbars bars at bar (4 to 9). */
static void
cut_line(const char *c, size_t len, const uint32_t *bar, size_t nbars,
         struct cut *ev)
{
    size_t name_end = nbars > 4 ? bar[4] : len;

    ev->callid = c + bar[0] + 1;
    ev->callid_len = bar[1] - bar[0] - 1;
    ev->queue = c + bar[1] + 1;
    ev->queue_len = bar[2] - bar[1] - 1;
    ev->agent = c + bar[2] + 1;
    ev->agent_len = bar[3] - bar[2] - 1;
    if (is_none(ev->queue, ev->queue_len))
        ev->queue = "", ev->queue_len = 0;
    if (is_none(ev->agent, ev->agent_len))
        ev->agent = "", ev->agent_len = 0;
    ev->kind = kind_of_n(c + bar[3] + 1, name_end - bar[3] - 1);
}

/* Queues a change of agent state. */
static void
span_add(struct acd_stream *s, const struct cut *ev)
{
    struct span_rec *r, *v;
    size_t cap;

    if (s->nspans == s->spancap) {
        cap = s->spancap ? s->spancap * 2 : 16;
        v = realloc(s->spans, cap * sizeof(*v));
        if (v == NULL) {
            s->oom = true;
            return;
        }
        s->spans = v;
        s->spancap = cap;
    }
    r = &s->spans[s->nspans];
    r->agent = strndup(ev->agent, ev->agent_len);
    r->queue = strndup(ev->queue, ev->queue_len);
    if (r->agent == NULL || r->queue == NULL) {
        free(r->agent);
        free(r->queue);
        s->oom = true;
        return;
    }
    r->kind = ev->kind == ACD_EV_ADDMEMBER || ev->kind == ACD_EV_REMOVEMEMBER
                  ? ACD_SPAN_MEMBER
                  : ACD_SPAN_PAUSE;
    r->start =
        ev->kind == ACD_EV_ADDMEMBER || ev->kind == ACD_EV_PAUSE ? ev->at : 0;
    r->end = r->start == 0 ? ev->at : 0;
    s->nspans++;
}

/* Files a cut event of a call under its callid. */
static void
feed_call(struct acd_stream *s, const struct cut *ev, const char *c, size_t len)
{
    struct acd_line_info info;
    struct held *h;

    info.hash = hash_bytes(c, len);
    info.at = ev->at;
    info.kind = ev->kind;
    h = held_get(s, ev->callid, ev->callid_len);
    if (h == NULL) {
        s->oom = true;
        return;
    }
    if (held_has(h, info.hash, c, len)) {
        s->counts.duplicate++;
        return;
    }
    if (held_full(h, len)) {
        s->counts.over_limit++;
        return;
    }
    if (!held_append(h, &info, c, len)) {
        s->oom = true;
        return;
    }
    if (ev->kind == ACD_EV_UNKNOWN)
        s->counts.unknown++;
    else if (ev->kind == ACD_EV_IGNORED)
        s->counts.ignored++;
    else
        s->counts.call_events++;
    held_mark(s, h, ev->kind, ev->at);
}

/*
 * Files a canonical line cut at its bars, its time read: agent state,
 * ignored, or a line of its call.
 */
static void
feed_cut(struct acd_stream *s, const char *c, size_t len, const uint32_t *bar,
         size_t nbars, int64_t at)
{
    struct cut ev;

    ev.at = at;
    cut_line(c, len, bar, nbars, &ev);
    if (ev.at > s->clock)
        s->clock = ev.at;
    switch (ev.kind) {
    case ACD_EV_ADDMEMBER:
    case ACD_EV_REMOVEMEMBER:
    case ACD_EV_PAUSE:
    case ACD_EV_UNPAUSE:
        s->counts.agent_events++;
        if (ev.agent_len > 0)
            span_add(s, &ev);
        return;
    default:
        break;
    }
    if (is_none(ev.callid, ev.callid_len)) {
        if (ev.kind == ACD_EV_UNKNOWN)
            s->counts.unknown++;
        else
            s->counts.ignored++;
        return;
    }
    feed_call(s, &ev, c, len);
}

/* Files a canonical line: agent state, ignored, or a line of its call. */
enum acd_line
acd_stream_feed_canonical(struct acd_stream *s, const char *c, size_t len)
{
    uint32_t bar[LINE_FIELDS - 1];
    size_t nbars;
    int64_t at;

    s->counts.lines++;
    if (len >= ACD_LINE_MAX) {
        s->counts.malformed++;
        return ACD_LINE_MALFORMED;
    }
    nbars = find_bars(c, len, bar, LINE_FIELDS - 1);
    if (nbars < 4 || nbars > LINE_FIELDS - 1 || !parse_epoch(c, bar[0], &at)) {
        s->counts.malformed++;
        return ACD_LINE_MALFORMED;
    }
    feed_cut(s, c, len, bar, nbars, at);
    return ACD_LINE_OK;
}

/* Counts a line that never became canonical. */
void
acd_stream_reject(struct acd_stream *s, enum acd_line why)
{
    s->counts.lines++;
    if (why == ACD_LINE_BLANK)
        s->counts.blank++;
    else
        s->counts.malformed++;
}

/*
 * Makes a pipe-format line canonical and feeds it. A line that is its own
 * canonical text, as nearly all are, is filed where it lies, cut once.
 */
enum acd_line
acd_stream_feed(struct acd_stream *s, const char *line, size_t len)
{
    char c[ACD_LINE_MAX];
    uint32_t bar[LINE_FIELDS - 1];
    size_t n, nbars;
    enum acd_line r;
    int64_t at;

    if (trim_line(&line, &len) && already_canonical(line, len, bar, &nbars) &&
        parse_epoch(line, bar[0], &at)) {
        s->counts.lines++;
        feed_cut(s, line, len, bar, nbars, at);
        return ACD_LINE_OK;
    }
    r = acd_canonical_pipe(line, len, c, &n);
    if (r == ACD_LINE_OK)
        return acd_stream_feed_canonical(s, c, n);
    acd_stream_reject(s, r);
    return r;
}

/* True when h may be handed out now. */
static bool
held_ready(const struct acd_stream *s, const struct held *h)
{
    int64_t quiet = s->clock - h->touched;

    return quiet >= s->opts.stale || (h->ended && quiet >= s->opts.grace);
}

/* Copies h into the next slot of out; false when a runs out. */
static bool
hand_out(struct held *h, struct arena *a, struct acd_pending_call *p)
{
    struct acd_line_info *lv;

    p->callid = arena_strndup(a, h->callid, h->callid_len);
    p->text = arena_strndup(a, h->text, h->len);
    p->len = h->len;
    lv = arena_alloc(a, (h->nlines + 1) * sizeof(*lv));
    if (lv != NULL && h->nlines > 0)
        memcpy(lv, h->lines, h->nlines * sizeof(*lv));
    p->lines = lv;
    p->nlines = h->nlines;
    return p->callid != NULL && p->text != NULL && lv != NULL;
}

/* Hands out ready calls from the head of list l, up to max in total. */
static bool
take_from(struct acd_stream *s, struct list *l, bool all, size_t max,
          struct arena *a, struct acd_pending_call *v, size_t *n)
{
    struct held *h;

    while (*n < max && (h = l->head) != NULL && (all || held_ready(s, h))) {
        if (!hand_out(h, a, &v[*n]))
            return false;
        v[*n].done = h->ended && s->clock - h->touched >= s->opts.grace;
        (*n)++;
        held_unlink(s, h);
        held_release(s, h);
    }
    return true;
}

/* Hands out the ended calls first, then those silent too long. */
enum c311_rc
acd_stream_take(struct acd_stream *s, bool all, size_t max, struct arena *a,
                struct acd_pending_call **out, size_t *n)
{
    size_t cap = max < s->nheld ? max : s->nheld;
    struct acd_pending_call *v;

    *n = 0;
    *out = NULL;
    if (cap == 0)
        return s->oom ? C311_ERR_NOMEM : C311_OK;
    v = arena_alloc(a, cap * sizeof(*v));
    if (v == NULL)
        return C311_ERR_NOMEM;
    if (!take_from(s, &s->ended, all, cap, a, v, n) ||
        !take_from(s, &s->open, all, cap, a, v, n))
        return C311_ERR_NOMEM;
    *out = v;
    return s->oom ? C311_ERR_NOMEM : C311_OK;
}

/* Hands ready calls from the head of list l to fn, up to max in all. */
static enum c311_rc
visit_from(struct acd_stream *s, struct list *l, bool all, size_t max,
           acd_take_fn fn, void *arg, size_t *n)
{
    struct acd_pending_call p;
    enum c311_rc rc = C311_OK;
    struct held *h;

    while (rc == C311_OK && *n < max && (h = l->head) != NULL &&
           (all || held_ready(s, h))) {
        p.callid = h->callid;
        p.text = h->text;
        p.len = h->len;
        p.lines = h->lines;
        p.nlines = h->nlines;
        p.done = h->ended && s->clock - h->touched >= s->opts.grace;
        (*n)++;
        held_unlink(s, h);
        rc = fn(arg, &p);
        held_release(s, h);
    }
    return rc;
}

/* Hands the ended calls to fn first, then those silent too long. */
enum c311_rc
acd_stream_visit(struct acd_stream *s, bool all, size_t max, acd_take_fn fn,
                 void *arg, size_t *n)
{
    enum c311_rc rc;

    *n = 0;
    rc = visit_from(s, &s->ended, all, max, fn, arg, n);
    if (rc == C311_OK)
        rc = visit_from(s, &s->open, all, max, fn, arg, n);
    if (rc == C311_OK && s->oom)
        rc = C311_ERR_NOMEM;
    return rc;
}

/* Copies the queued agent state changes out and forgets them. */
enum c311_rc
acd_stream_take_spans(struct acd_stream *s, struct arena *a,
                      struct acd_span **out, size_t *n)
{
    struct acd_span *v = NULL;
    size_t i;

    *out = NULL;
    *n = 0;
    if (s->nspans > 0) {
        v = arena_alloc(a, s->nspans * sizeof(*v));
        if (v == NULL)
            return C311_ERR_NOMEM;
    }
    for (i = 0; i < s->nspans; i++) {
        v[i].agent = arena_strdup(a, s->spans[i].agent);
        v[i].queue = arena_strdup(a, s->spans[i].queue);
        if (v[i].agent == NULL || v[i].queue == NULL)
            return C311_ERR_NOMEM;
        v[i].kind = s->spans[i].kind;
        v[i].start = s->spans[i].start;
        v[i].end = s->spans[i].end;
    }
    *out = v;
    *n = s->nspans;
    spans_clear(s);
    return C311_OK;
}
