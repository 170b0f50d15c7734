#!/usr/bin/env node
// SPDX-License-Identifier: MIT
//
// Report figures computed straight from an NYC or Boston 311 CSV file,
// without civic311: a check on `civic311 report`, written apart from it
// (its own CSV reader, its own local-time conversion, its own counting)
// from the definitions in docs/REPORTS.md.
//
//   node tests/tools/311-figures.mjs FILE FROM TO [ZONE]
//
// FROM and TO are ISO 8601 instants with an offset; ZONE defaults to
// America/New_York (both cities' zone). Prints JSON: the figures of the
// period in total ("total", shaped like the report's), per local hour
// ("hours", keyed "00".."23"), requests per complaint type ("types") and
// per channel value ("channels").
import fs from 'node:fs';

// RFC 4180: fields split by commas, quoted fields may hold commas, quotes
// (doubled) and line breaks. Returns an array of records.
export function parseCsv(text) {
    if (text.charCodeAt(0) === 0xfeff)
        text = text.slice(1);
    const records = [];
    let rec = [], field = '', i = 0, quoted = false;
    while (i < text.length) {
        const c = text[i];
        if (quoted) {
            if (c === '"' && text[i + 1] === '"') { field += '"'; i += 2; continue; }
            if (c === '"') { quoted = false; i++; continue; }
            field += c; i++; continue;
        }
        if (c === '"') { quoted = true; i++; continue; }
        if (c === ',') { rec.push(field); field = ''; i++; continue; }
        if (c === '\r' || c === '\n') {
            rec.push(field); field = '';
            if (!(rec.length === 1 && rec[0] === ''))
                records.push(rec);
            rec = [];
            i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
            continue;
        }
        field += c; i++;
    }
    if (field !== '' || rec.length > 0) {
        rec.push(field);
        records.push(rec);
    }
    return records;
}

// The zone's offset from UTC, in minutes, at UTC milliseconds t.
function offsetAt(zone, t) {
    const parts = new Intl.DateTimeFormat('en-US', {
        timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit',
        day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    }).formatToParts(new Date(t));
    const p = Object.fromEntries(parts.map((x) => [x.type, x.value]));
    const local = Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute,
        +p.second);
    return Math.round((local - Math.floor(t / 1000) * 1000) / 60000);
}

// The local time of NYC ("MM/DD/YYYY hh:mm:ss AM") or Boston
// ("YYYY-MM-DD HH:MM:SS") in zone to UTC seconds: of the offsets around
// it, the ones that read back; the earliest instant when two do (an hour
// that happens twice), the offset before the change when none does (an
// hour that is skipped). null for an empty or unreadable text.
export function localTime(text, zone) {
    let m = /^(\d\d)\/(\d\d)\/(\d{4}) (\d\d):(\d\d):(\d\d) (AM|PM)$/
        .exec(text.trim());
    let y, mo, d, h, mi, s;
    if (m) {
        [y, mo, d, h, mi, s] = [+m[3], +m[1], +m[2], +m[4] % 12, +m[5], +m[6]];
        if (m[7] === 'PM')
            h += 12;
    } else if ((m = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)$/
        .exec(text.trim()))) {
        [y, mo, d, h, mi, s] = m.slice(1).map(Number);
    } else {
        return null;
    }
    const wall = Date.UTC(y, mo - 1, d, h, mi, s);
    const before = offsetAt(zone, wall - 86400000);
    const after = offsetAt(zone, wall + 86400000);
    const fits = [before, after].filter((o) =>
        offsetAt(zone, wall - o * 60000) === o);
    const off = fits.length === 0 ? before
        : Math.max(...fits); // the larger offset is the earlier instant
    return (wall - off * 60000) / 1000;
}

// Nearest rank: the value at rank ceil(p / 100 * n), from 1.
function nearestRank(sorted, p) {
    if (sorted.length === 0)
        return null;
    return sorted[Math.max(1, Math.ceil(p / 100 * sorted.length)) - 1];
}

const round4 = (x) => Math.round(x * 10000) / 10000;

// The figures of a list of requests { created, closed, due, isClosed }.
export function figures(rows, from, to) {
    const f = {
        requests: 0, closed: 0, timed: [], with_due: 0, met: 0, missed: 0,
        unknown: 0, open: 0, ages: [0, 0, 0, 0, 0],
    };
    const limits = [1, 3, 7, 30].map((d) => d * 86400);
    for (const r of rows) {
        const inPeriod = r.created >= from && r.created < to;
        const done = r.isClosed && (r.closed === null || r.closed < to);
        if (inPeriod) {
            f.requests++;
            if (done)
                f.closed++;
            if (done && r.closed !== null && r.closed >= r.created)
                f.timed.push(r.closed - r.created);
            if (r.due !== null) {
                f.with_due++;
                if (done && r.closed !== null)
                    r.closed <= r.due ? f.met++ : f.missed++;
                else if (!done && r.due < to)
                    f.missed++;
                else
                    f.unknown++;
            }
        }
        if (r.created < to && !done) {
            f.open++;
            const age = to - r.created;
            f.ages[limits.filter((l) => age >= l).length]++;
        }
    }
    f.timed.sort((a, b) => a - b);
    return {
        requests: f.requests,
        closed: f.closed,
        share_closed: f.requests ? round4(f.closed / f.requests) : null,
        time_to_close: {
            timed: f.timed.length,
            median_seconds: nearestRank(f.timed, 50),
            p90_seconds: nearestRank(f.timed, 90),
        },
        sla: {
            with_due: f.with_due, met: f.met, missed: f.missed,
            unknown: f.unknown,
            compliance: f.met + f.missed ? round4(f.met / (f.met + f.missed))
                : null,
        },
        backlog: {
            open_at_end: f.open,
            by_age: {
                '0-1d': f.ages[0], '1-3d': f.ages[1], '3-7d': f.ages[2],
                '7-30d': f.ages[3], over_30d: f.ages[4],
            },
        },
    };
}

// The columns of each city's layout that the figures read.
const layouts = {
    nyc: { key: 'Unique Key', created: 'Created Date', closed: 'Closed Date',
        due: 'Due Date', status: 'Status', type: 'Complaint Type',
        channel: 'Open Data Channel Type' },
    boston: { key: 'case_enquiry_id', created: 'open_dt', closed: 'closed_dt',
        due: 'target_dt', status: 'case_status', type: 'type',
        channel: 'source' },
};

// Reads the file and computes everything the tests compare.
export function cityFigures(file, fromIso, toIso, zone = 'America/New_York') {
    const [header, ...data] = parseCsv(fs.readFileSync(file, 'utf8'));
    const col = Object.fromEntries(header.map((n, i) => [n, i]));
    const L = 'Unique Key' in col ? layouts.nyc : layouts.boston;
    const cell = (r, name) => (col[name] === undefined ? ''
        : r[col[name]].trim());
    const from = Date.parse(fromIso) / 1000, to = Date.parse(toIso) / 1000;
    const hourOf = new Intl.DateTimeFormat('en-US', {
        timeZone: zone, hour: '2-digit', hourCycle: 'h23' });
    const rows = data.map((r) => ({
        created: localTime(cell(r, L.created), zone),
        closed: localTime(cell(r, L.closed), zone),
        due: localTime(cell(r, L.due), zone),
        isClosed: /^closed/i.test(cell(r, L.status)),
        type: cell(r, L.type),
        channel: cell(r, L.channel),
    }));
    const hours = {};
    for (const r of rows)
        (hours[hourOf.format(new Date(r.created * 1000))] ??= []).push(r);
    const count = (key) => {
        const out = {};
        for (const r of rows.filter((x) => x.created >= from && x.created < to))
            out[r[key]] = (out[r[key]] ?? 0) + 1;
        return out;
    };
    return {
        total: figures(rows, from, to),
        hours: Object.fromEntries(Object.entries(hours).sort()
            .map(([h, v]) => [h, figures(v, from, to)])),
        types: count('type'),
        channels: count('channel'),
    };
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop())) {
    const [file, from, to, zone] = process.argv.slice(2);
    if (!file || !from || !to) {
        console.error('usage: 311-figures.mjs FILE FROM TO [ZONE]');
        process.exit(2);
    }
    console.log(JSON.stringify(cityFigures(file, from, to, zone), null, 2));
}
