/* SPDX-License-Identifier: MIT */
/*
 * Calls rebuilt from the events of an automatic call distributor: the
 * Asterisk queue_log ("epoch|callid|queue|agent|EVENT|data..."). Pure
 * logic: lines in, calls and agent spans out, no files and no database.
 *
 * Every event has one canonical text, "epoch|callid|queue|agent|EVENT"
 * followed by its data fields with trailing empty ones dropped, whether it
 * was read from a pipe log or from a CSV export. That text is the event's
 * identity: a call holds a set of canonical lines, so reading the same line
 * twice, from the same file or from another, changes nothing.
 *
 * A stream (acd_stream_*) takes lines in log order, groups them by callid
 * and hands out a call once it has ended and stayed quiet for a grace
 * period, so memory holds only the calls in progress. acd_call_build turns
 * a call's event set into its queue legs; it sorts the events by time, so
 * lines out of order, duplicates, repeated completions and a missing
 * ENTERQUEUE are all handled there.
 */
#ifndef CIVIC311_ACD_H
#define CIVIC311_ACD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"
#include "util/status.h"

/* Longest canonical line kept; longer lines are counted as malformed. */
#define ACD_LINE_MAX 1024

/* Data fields after the event name (Asterisk writes at most five). */
#define ACD_MAX_DATA 5

/* The events this module understands; everything else is ACD_EV_UNKNOWN. */
enum acd_kind {
    ACD_EV_UNKNOWN = 0,
    ACD_EV_IGNORED, /* known and without effect on calls: DID, ... */
    ACD_EV_ENTERQUEUE,
    ACD_EV_RINGNOANSWER,
    ACD_EV_CONNECT,
    ACD_EV_COMPLETECALLER,
    ACD_EV_COMPLETEAGENT,
    ACD_EV_TRANSFER,         /* TRANSFER and BLINDTRANSFER */
    ACD_EV_ATTENDEDTRANSFER, /* its data fields are laid out differently */
    ACD_EV_ABANDON,
    ACD_EV_EXITWITHTIMEOUT,
    ACD_EV_EXITWITHKEY,
    ACD_EV_EXITEMPTY,
    ACD_EV_ADDMEMBER,
    ACD_EV_REMOVEMEMBER,
    ACD_EV_PAUSE,   /* PAUSE and PAUSEALL */
    ACD_EV_UNPAUSE, /* UNPAUSE and UNPAUSEALL */
};

/* One parsed event; the strings point into the parsed line. */
struct acd_event {
    int64_t at;
    enum acd_kind kind;
    const char *callid;
    const char *queue; /* "" for NONE */
    const char *agent; /* "" for NONE */
    const char *name;  /* the event name as written */
    const char *data[ACD_MAX_DATA];
    unsigned ndata;
};

/* What became of a line given to acd_canonical or a stream. */
enum acd_line {
    ACD_LINE_OK,
    ACD_LINE_BLANK,
    ACD_LINE_MALFORMED, /* too few fields, a bad time, too long */
};

/*
 * Writes the canonical text of a pipe-format line (len bytes, without or
 * with its newline) to out (ACD_LINE_MAX bytes) and its length to *outlen.
 */
enum acd_line acd_canonical_pipe(const char *line, size_t len, char *out,
                                 size_t *outlen);

/*
 * Writes the canonical text of an event given as fields: at, then callid,
 * queue, agent, event and up to ACD_MAX_DATA data fields (nf counts them
 * all, from callid). A field holding '|' cannot be written and makes the
 * line malformed; bytes that are not valid UTF-8, and control characters
 * (line breaks included), are written as '?'.
 */
enum acd_line acd_canonical_fields(int64_t at, const char *const *f,
                                   const size_t *flen, size_t nf, char *out,
                                   size_t *outlen);

/*
 * Parses a canonical line in place (its '|' become NULs) into ev. Returns
 * false when it is not one.
 */
bool acd_event_parse(char *line, struct acd_event *ev);

/* The kind of an event name ("CONNECT" ...). */
enum acd_kind acd_kind_of(const char *name);

/* ---- calls ---- */

struct acd_pending_call;

/* Where a queue leg stands or how it ended. */
enum acd_outcome {
    ACD_WAITING,     /* entered, no answer and no exit seen yet */
    ACD_TALKING,     /* answered, no end seen yet */
    ACD_COMPLETED,   /* answered, then COMPLETECALLER or COMPLETEAGENT */
    ACD_TRANSFERRED, /* answered, then transferred by the agent */
    ACD_ABANDONED,   /* the caller hung up while waiting */
    ACD_TIMEOUT,     /* EXITWITHTIMEOUT: the queue's time limit */
    ACD_EXITKEY,     /* EXITWITHKEY: the caller pressed a key to leave */
    ACD_EXITEMPTY,   /* EXITEMPTY: no agent could take calls */
    ACD_NOUTCOMES
};

/* Who ended an answered leg. */
enum acd_hangup {
    ACD_HANGUP_NONE,
    ACD_HANGUP_CALLER,
    ACD_HANGUP_AGENT,
    ACD_HANGUP_TRANSFER,
};

/* The outcome's name as stored and reported ("completed" ...). */
const char *acd_outcome_name(enum acd_outcome o);
/* The outcome named s; false when unknown. */
bool acd_outcome_parse(const char *s, enum acd_outcome *out);
/* True for TALKING, COMPLETED and TRANSFERRED. */
bool acd_outcome_answered(enum acd_outcome o);
/* True for ABANDONED, TIMEOUT, EXITKEY and EXITEMPTY. */
bool acd_outcome_unanswered(enum acd_outcome o);

const char *acd_hangup_name(enum acd_hangup h); /* NULL for NONE */
bool acd_hangup_parse(const char *s, enum acd_hangup *out);

/*
 * One stay of a call in one queue. Times are UTC seconds, 0 when unknown;
 * wait and talk are seconds, -1 when unknown.
 */
struct acd_leg {
    const char *queue;
    int64_t entered;
    bool entered_derived; /* no ENTERQUEUE: entered computed from a later
                             event's hold time */
    int64_t answered;
    int64_t ended;
    enum acd_outcome outcome;
    int64_t wait; /* hold time until answer, or until the caller left */
    int64_t talk; /* answer to hang-up or transfer */
    const char *agent;
    enum acd_hangup hangup;
    const char *transfer_to; /* "exten@context" of a transfer, or NULL */
    unsigned rings;          /* RINGNOANSWER attempts during this leg */
};

/* One RINGNOANSWER: an agent's phone rang and nobody picked up. */
struct acd_ring {
    int64_t at;
    const char *queue;
    const char *agent;
    int64_t ms; /* ring time in milliseconds */
};

/* A call: one callid, one or more queue legs in order of entry. */
struct acd_call {
    const char *callid;
    const char *caller;       /* caller id from ENTERQUEUE as logged, or NULL */
    int64_t entered;          /* first leg's entry */
    int64_t answered;         /* first answer of any leg, 0 if none */
    int64_t ended;            /* last leg's end, 0 while it goes on */
    enum acd_outcome outcome; /* first answered leg's, else the last leg's */
    int64_t wait; /* one leg: its wait; several: first entry to first
                     answer, or to the last end when none answered */
    int64_t talk; /* all legs' talk; -1 unanswered or one still talking */
    struct acd_leg *legs;
    size_t nlegs;
    struct acd_ring *rings;
    size_t nrings;
    unsigned repeated;  /* events that repeated one already applied */
    unsigned unknown;   /* events of unknown kind */
    const char *events; /* the event set: canonical lines sorted by time,
                           each ending in '\n' */
    size_t events_len;
    const uint64_t *hashes; /* acd_line_hash of each line of the set,
                               ascending, each once */
    size_t nhashes;
};

/*
 * A 64-bit hash of a canonical line (without its newline), the same in
 * every process on a little-endian machine: the stored identity of a line
 * once its call's event set is no longer kept (store/calls.h).
 */
uint64_t acd_line_hash(const char *line, size_t len);

/*
 * Fills the call's own times, outcome, wait and talk from its legs (as
 * acd_call_build does), e.g. after legs were added.
 */
void acd_call_summarise(struct acd_call *c);

/*
 * The legs and rings of c as compact text, one line each, in a: what a
 * report needs of a call without its event set. NULL when a runs out.
 */
char *acd_call_legs_text(const struct acd_call *c, struct arena *a);

/*
 * Reads legs text (from acd_call_legs_text) back into out, with the
 * call's callid and caller, and summarises it. Strings point into a copy
 * in a. C311_ERR_INVALID when the text is not legs text.
 */
enum c311_rc acd_call_from_legs(const char *callid, const char *caller,
                                const char *text, struct arena *a,
                                struct acd_call *out);

/*
 * Rebuilds call callid from text: canonical lines separated by '\n' (as
 * in acd_call.events, or two such sets one after the other). Lines of other
 * callids and identical lines count once. Everything is allocated in a.
 * C311_ERR_INVALID when no line names an event of a queue (only DID, or
 * nothing), C311_ERR_NOMEM when the arena runs out.
 */
enum c311_rc acd_call_build(const char *callid, const char *text, size_t len,
                            struct arena *a, struct acd_call *out);

/*
 * Rebuilds a call a stream handed out, as acd_call_build on its text, but
 * faster when the stream said what its lines are (p->lines). The call's
 * events may be p->text itself (when its lines are in time order).
 */
enum c311_rc acd_call_build_pending(const struct acd_pending_call *p,
                                    struct arena *a, struct acd_call *out);

/* ---- agents ---- */

/* What a span of agent state is. */
enum acd_span_kind {
    ACD_SPAN_MEMBER, /* logged in to a queue: ADDMEMBER to REMOVEMEMBER */
    ACD_SPAN_PAUSE,  /* paused: PAUSE to UNPAUSE */
};

/*
 * A change of agent state: a span starts (end 0) or ends (start 0: "the
 * span of this agent, queue and kind still open at end"). queue is "" for
 * PAUSEALL; an end with queue "" (UNPAUSEALL) ends the agent's pauses in
 * every queue.
 */
struct acd_span {
    const char *agent;
    const char *queue;
    enum acd_span_kind kind;
    int64_t start;
    int64_t end;
};

/* ---- streams ---- */

struct acd_stream_opts {
    int64_t grace; /* seconds a call is kept after its end (default 60) */
    int64_t stale; /* seconds of silence after which a call that has not
                      ended is handed out anyway (default 4 hours) */
};

/* Counters of what a stream was given. */
struct acd_counts {
    uint64_t lines;      /* every line, blank ones included */
    uint64_t blank;      /* empty or white space only */
    uint64_t malformed;  /* not an event line */
    uint64_t duplicate;  /* identical to a line of a call still held */
    uint64_t over_limit; /* dropped: their call's text was full (8 MiB) */
    uint64_t unknown;    /* event names this module does not know */
    uint64_t ignored;    /* known events without effect (DID, ...) */
    uint64_t call_events;
    uint64_t agent_events;
};

/*
 * What a stream learnt of one line of a call it hands out, so that the
 * call is rebuilt without hashing the line or reading its time again.
 */
struct acd_line_info {
    uint64_t hash; /* acd_line_hash of the line */
    int64_t at;    /* its time */
    uint32_t off;  /* where it starts in the call's text */
    uint32_t len;  /* its length, without the newline */
    enum acd_kind kind;
};

/* A call handed out by a stream: its callid and its event lines. */
struct acd_pending_call {
    const char *callid;
    const char *text; /* canonical lines, each ending in '\n' */
    size_t len;
    bool done; /* ended and quiet for the grace period: no line of it is
                  expected any more */
    const struct acd_line_info *lines; /* each line of text, in order and
                                          each once; NULL when unknown */
    size_t nlines;
};

struct acd_stream;

/* A new stream, or NULL when out of memory; opts may be NULL. */
struct acd_stream *acd_stream_new(const struct acd_stream_opts *opts);
void acd_stream_free(struct acd_stream *s);

/* Feeds one pipe-format line (its newline may be included). */
enum acd_line acd_stream_feed(struct acd_stream *s, const char *line,
                              size_t len);

/* Feeds a line already in canonical form (from acd_canonical_fields). */
enum acd_line acd_stream_feed_canonical(struct acd_stream *s, const char *c,
                                        size_t len);

/* Counts a line a reader rejected before it became canonical. */
void acd_stream_reject(struct acd_stream *s, enum acd_line why);

/* The stream's counters so far. */
const struct acd_counts *acd_stream_counts(const struct acd_stream *s);

/* Number of calls the stream holds. */
size_t acd_stream_held(const struct acd_stream *s);

/*
 * Hands out up to max calls that are ready (all held calls when all is
 * set), copied into a, and forgets them. Ready means ended and quiet for
 * opts.grace seconds of log time, or silent for opts.stale seconds. Sets
 * *n; C311_ERR_NOMEM when a runs out (the calls stay held).
 */
enum c311_rc acd_stream_take(struct acd_stream *s, bool all, size_t max,
                             struct arena *a, struct acd_pending_call **out,
                             size_t *n);

/*
 * Called with each call acd_stream_visit hands out; p and what it points
 * to are the stream's own and last only until fn returns. Non-OK stops.
 */
typedef enum c311_rc (*acd_take_fn)(void *arg,
                                    const struct acd_pending_call *p);

/*
 * As acd_stream_take, without copying: hands each call to fn, then
 * forgets it (also when fn fails: the call is then lost). Sets *n to the
 * number of calls handed out.
 */
enum c311_rc acd_stream_visit(struct acd_stream *s, bool all, size_t max,
                              acd_take_fn fn, void *arg, size_t *n);

/*
 * Hands out the agent state changes seen since the last call, in log
 * order, copied into a, and forgets them.
 */
enum c311_rc acd_stream_take_spans(struct acd_stream *s, struct arena *a,
                                   struct acd_span **out, size_t *n);

#endif
