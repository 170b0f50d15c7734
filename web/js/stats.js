// SPDX-License-Identifier: MIT
//
// The dashboard's arithmetic over public Open311 requests: counts by a
// field, age buckets, service levels. Pure: tested under node --test
// (tests/web/).

const DAY = 86400000;

// Age buckets for time to close and backlog age, in days: [from, to).
export const BUCKETS = [[0, 1], [1, 3], [3, 7], [7, 30], [30, Infinity]];

// [[label, count], ...] from {key: n}, [{key|name|code, count}] or
// [[key, n]]; sorted by count, largest first.
export function pairs(v) {
    let out;
    if (!v)
        out = [];
    else if (Array.isArray(v))
        out = v.map((x) => (Array.isArray(x) ? x
            : [x.name ?? x.key ?? x.code ?? x.label ?? '—',
                x.count ?? x.n ?? x.value ?? 0]));
    else
        out = Object.entries(v);
    return out.map(([k, n]) => [String(k), Number(n)])
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

// Counts of values of f over list.
function countBy(list, f) {
    const m = new Map();
    for (const x of list) {
        const k = f(x) ?? '—';
        m.set(k, (m.get(k) ?? 0) + 1);
    }
    return [...m];
}

// How many durations (ms) fall in each bucket.
export function bucketize(durations) {
    const counts = BUCKETS.map(() => 0);
    for (const ms of durations) {
        const d = ms / DAY;
        const i = BUCKETS.findIndex(([lo, hi]) => d >= lo && d < hi);
        if (i >= 0)
            counts[i]++;
    }
    return counts;
}

// Service levels from public data: closed requests closed by their
// expected date (met) or after it (missed), open ones past it (open_late)
// or not (open_on_time); percent is met of all closed ones with a date.
// null when no request has an expected date.
export function slaOf(list, now = Date.now()) {
    const dated = list.filter((r) => r.expected_datetime);
    if (!dated.length)
        return null;
    const out = { met: 0, missed: 0, open_late: 0, open_on_time: 0 };
    for (const r of dated) {
        const due = Date.parse(r.expected_datetime);
        if (r.status === 'closed')
            out[Date.parse(r.updated_datetime) <= due ? 'met' : 'missed']++;
        else
            out[now > due ? 'open_late' : 'open_on_time']++;
    }
    const closed = out.met + out.missed;
    out.percent = closed ? Math.round(1000 * out.met / closed) / 10 : null;
    return out;
}

// The summary from public Open311 data for [from, to].
export function summarize(list, now = Date.now()) {
    const closed = list.filter((r) => r.status === 'closed');
    const open = list.filter((r) => r.status === 'open');
    return {
        total: list.length,
        by_status: pairs(countBy(list, (r) => r.status)),
        by_service: pairs(countBy(list, (r) => r.service_name ??
            r.service_code)),
        by_department: pairs(countBy(list, (r) => r.agency_responsible)),
        by_channel: null,
        sla: slaOf(list, now),
        time_to_close: bucketize(closed.map((r) =>
            Date.parse(r.updated_datetime) - Date.parse(r.requested_datetime))),
        backlog_age: bucketize(open.map((r) =>
            now - Date.parse(r.requested_datetime))),
    };
}


// The backlog bands of the reports API, in the order of BUCKETS.
export const REPORT_AGES = ['0-1d', '1-3d', '3-7d', '7-30d', 'over_30d'];

// The page's summary from three answers of GET /api/v1/reports/summary
// (docs/REPORTS.md) for one period, broken down by service, department
// and channel (each also carries the total). serviceNames (code to name)
// names the services in the page's language, as the API does when asked
// in it.
export function fromReports(byService, byDepartment, byChannel,
    serviceNames = {}) {
    const tot = byService.total;
    const groups = (r, names = {}) => (r?.groups ?? []).map((g) =>
        [String(names[g.key] ?? g.name ?? g.key), Number(g.requests)]);
    const sla = tot.sla ?? {};
    return {
        total: tot.requests,
        by_status: [['open', tot.requests - tot.closed],
            ['closed', tot.closed]].filter(([, n]) => n > 0),
        by_service: groups(byService, serviceNames),
        by_department: groups(byDepartment),
        by_channel: (byChannel?.groups ?? []).map((g) =>
            [String(g.key), Number(g.requests)]),
        sla: tot.sla ? { met: sla.met, missed: sla.missed,
            unknown: sla.unknown, percent: sla.compliance === null ||
                sla.compliance === undefined ? null
                : Math.round(1000 * sla.compliance) / 10 } : null,
        time_to_close: null,
        close_stats: tot.time_to_close?.timed ? {
            median_seconds: tot.time_to_close.median_seconds,
            p90_seconds: tot.time_to_close.p90_seconds } : null,
        backlog_age: REPORT_AGES.map((k) =>
            Number(tot.backlog?.by_age?.[k] ?? 0)),
    };
}

// ---- days in the city's time zone (tz: an IANA name; undefined: the
// browser's own zone)

// How far (ms) tz's wall clock is ahead of UTC at instant ms.
function zoneOffset(ms, tz) {
    const f = new Intl.DateTimeFormat('en-US', { timeZone: tz,
        hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
        hour: '2-digit', minute: '2-digit', second: '2-digit' });
    const p = Object.fromEntries(f.formatToParts(new Date(ms))
        .map((x) => [x.type, Number(x.value)]));
    const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour % 24, p.minute,
        p.second);
    return wall - Math.floor(ms / 1000) * 1000;
}

// The date (YYYY-MM-DD) it is in tz at instant ms.
export function zoneDate(ms, tz) {
    return new Date(ms + zoneOffset(ms, tz)).toISOString().slice(0, 10);
}

// The date n days after date v (YYYY-MM-DD); n may be negative.
export function addDays(v, n) {
    const d = new Date(`${v}T12:00:00Z`);
    d.setUTCDate(d.getUTCDate() + n);
    return d.toISOString().slice(0, 10);
}

// The wall-clock time (HH:MM:SS) of date v in tz as an ISO instant with
// tz's offset at that time: ("2026-12-04", "00:00:00", "America/New_York")
// -> "2026-12-04T00:00:00-05:00". The offset is asked twice, at the
// first guess and at the instant it gives, so days on which the clocks
// change get the offset in force at that time.
export function zoneInstant(v, time, tz) {
    const wall = Date.parse(`${v}T${time}Z`);
    let off = zoneOffset(wall - zoneOffset(wall, tz), tz);
    off = zoneOffset(wall - off, tz);
    const min = Math.round(off / 60000);
    const p = (n) => String(Math.trunc(n)).padStart(2, '0');
    return `${v}T${time}${min < 0 ? '-' : '+'}${p(Math.abs(min) / 60)}:${
        p(Math.abs(min) % 60)}`;
}
