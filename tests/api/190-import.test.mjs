// SPDX-License-Identifier: MIT
//
// Historical data end to end, on the real samples in tests/fixtures/import/
// (see its README): `civic311 import` of the NYC and Boston files into the
// server's own database, the imported requests as Open311 serves them,
// `civic311 report` against figures computed independently from the CSV
// files by tests/tools/311-figures.mjs, and an export that imports back
// unchanged.
//
// The figures of the NYC sample (924 requests made 2022-05-01 00:00:03 to
// 02:06:26 New York time), over [00:00, 03:00) that day:
//   requests 924, closed 480 (0.5195), no due times;
//   time to close over the 480: median 1941 s (00:32:21), 90th percentile
//   4354 s (01:12:34), nearest rank;
//   open at 03:00: 444, all under a day old;
//   busiest: Noise - Residential 379, Noise - Street/Sidewalk 159,
//   Noise - Commercial 116 (an imported service, NYC_NOISE_COMMERCIAL).
// The Boston sample (100 requests of January 2022) over the month:
//   requests 100, closed before February 81 (85 in all), due times 89:
//   72 met, 9 missed, 8 not judged, compliance 0.8889; open at the end 19.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { API, repoRoot, testCleanStop, useServer } from './lib/server.mjs';
import { expectJson } from './lib/check.mjs';
import { apiError, call, ok, sqlInt, staffToken } from './lib/staff.mjs';
import { cityFigures } from '../tools/311-figures.mjs';

const fixtures = path.join(repoRoot, 'tests', 'fixtures', 'import');
const NYC = path.join(fixtures, 'nyc-311_2022-05-01_00h-02h_fedhere-PyBOOT.csv');
const BOSTON = path.join(fixtures, 'boston-311_2022-01_100rows_qsv.csv');

const ctx = useServer('190-import');

// Runs a civic311 command on the server's database; returns its output.
function civic311(...args) {
    return execFileSync(ctx.srv.bin, [...args, '--db', ctx.srv.db,
        '--config', ctx.srv.config],
    { cwd: repoRoot, env: process.env, encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'] });
}

// The summary lines of an import, after the first (the file's layout).
function summary(out) {
    return out.trim().split('\n').slice(1);
}

test('the NYC sample imports whole: 924 rows, 480 closed, none rejected',
    () => {
        assert.deepEqual(summary(civic311('import', NYC)), [
            'read 924, imported 924, updated 0, unchanged 0, rejected 0',
            'status: closed 480, open 444',
            'warnings: no coordinates 11, intersection 67, no location 1, ' +
                'unmapped type 227, unmapped agency 10',
            'imported services: 21 new',
        ]);
    });

test('an import starts no work: no work orders, no messages', () => {
    assert.equal(sqlInt(ctx.srv, 'SELECT count(*) FROM request'), 924);
    assert.equal(sqlInt(ctx.srv, 'SELECT count(*) FROM work_order'), 0);
    assert.equal(sqlInt(ctx.srv, 'SELECT count(*) FROM outbox'), 0);
});

test('importing the NYC sample again changes nothing', () => {
    const lines = summary(civic311('import', NYC, '--format', 'nyc'));
    assert.equal(lines[0],
        'read 924, imported 0, updated 0, unchanged 924, rejected 0');
    assert.equal(lines[3], 'imported services: 0 new');
});

test('Open311 serves an imported request with its UTC times, status and ' +
    'agency', async () => {
    const [r] = expectJson(
        await ctx.srv.get(`${API}/requests/54046813.json`), 200);
    // Created 05/01/2022 12:00:09 AM, New York summer time (UTC-4).
    assert.equal(Date.parse(r.requested_datetime),
        Date.UTC(2022, 4, 1, 4, 0, 9));
    assert.equal(Date.parse(r.updated_datetime),
        Date.UTC(2022, 4, 1, 4, 7, 53));
    const { attributes, ...fields } = r;
    assert.deepEqual(fields, {
        service_request_id: '54046813',
        status: 'closed',
        status_notes: 'The Police Department responded to the complaint ' +
            'and took action to fix the condition.',
        service_name: 'Noise - Street or Sidewalk',
        service_code: 'NOISE_STREET',
        description: 'Loud Music/Party',
        agency_responsible: 'Police Department',
        service_notice: null,
        requested_datetime: '2022-05-01T00:00:09-04:00',
        updated_datetime: '2022-05-01T00:07:53-04:00',
        expected_datetime: null,
        address: '364 WEST  127 STREET',
        address_id: null,
        zipcode: '10027',
        lat: r.lat,
        long: r.long,
        media_url: null,
    });
    // In Chinese: the department the import mapped it to is named in
    // Chinese; the note, text from the source, stays as it came.
    const [zh] = expectJson(
        await ctx.srv.get(`${API}/requests/54046813.json?lang=zh`), 200);
    assert.equal(zh.agency_responsible, '警察局');
    assert.equal(zh.status_notes, r.status_notes);
    assert.ok(Math.abs(r.lat - 40.81237834836466) < 1e-12, String(r.lat));
    assert.ok(Math.abs(r.long + 73.95240115039357) < 1e-12, String(r.long));
    assert.equal(attributes.length, 22);
    assert.deepEqual(attributes.slice(0, 3), [
        { code: 'agency', value: 'NYPD' },
        { code: 'agency_name', value: 'New York City Police Department' },
        { code: 'complaint_type', value: 'Noise - Street/Sidewalk' },
    ]);
    assert.deepEqual(attributes.find((a) => a.code === 'open_data_channel_type'),
        { code: 'open_data_channel_type', value: 'MOBILE' });
});

test('imported services are found by code but never offered', async () => {
    const services = expectJson(await ctx.srv.get(`${API}/services.json`), 200);
    assert.ok(!services.some((s) => /^(NYC|BOSTON)_/.test(s.service_code)));
    expectJson(await ctx.srv.get(
        `${API}/services/NYC_NOISE_COMMERCIAL.json`), 404);
    const list = expectJson(await ctx.srv.get(`${API}/requests.json?` +
        'service_code=NYC_NOISE_COMMERCIAL&' +
        'start_date=2022-05-01T00:00:00-04:00&' +
        'end_date=2022-05-01T03:00:00-04:00'), 200);
    assert.equal(list.length, 116);
    assert.ok(list.every((r) => r.service_name === 'Noise - Commercial'));
});

// The report's figures as JSON.
function report(from, to, by) {
    return JSON.parse(civic311('report', '--from', from, '--to', to,
        '--by', by, '--json'));
}

// A group's figures without its key and name.
function figuresOf(group) {
    const { key, name, ...f } = group;
    return f;
}

test('report figures of the NYC sample match the CSV computed apart', () => {
    const from = '2022-05-01T00:00:00-04:00', to = '2022-05-01T03:00:00-04:00';
    const want = cityFigures(NYC, from, to);
    const got = report(from, to, 'hour');

    assert.deepEqual(got.total, want.total);
    assert.deepEqual(got.groups.map((g) => g.key), ['00', '01', '02']);
    for (const g of got.groups)
        assert.deepEqual(figuresOf(g), want.hours[g.key], `hour ${g.key}`);

    // The documented values.
    assert.equal(got.total.requests, 924);
    assert.equal(got.total.closed, 480);
    assert.equal(got.total.share_closed, 0.5195);
    assert.deepEqual(got.total.time_to_close,
        { timed: 480, median_seconds: 1941, p90_seconds: 4354 });
    assert.equal(got.total.sla.with_due, 0);
    assert.equal(got.total.sla.compliance, null);
    assert.equal(got.total.backlog.open_at_end, 444);
    assert.equal(got.total.backlog.by_age['0-1d'], 444);

    // Services with one complaint type each: the same counts as the CSV.
    const types = {
        NOISE_RESIDENTIAL: 'Noise - Residential',
        NOISE_STREET: 'Noise - Street/Sidewalk',
        NYC_NOISE_COMMERCIAL: 'Noise - Commercial',
        ILLEGAL_PARKING: 'Illegal Parking',
        NYC_NOISE_VEHICLE: 'Noise - Vehicle',
    };
    assert.deepEqual(got.top_services.slice(0, 5).map((s) =>
        [s.service_code, s.requests]),
    Object.entries(types).map(([code, type]) => [code, want.types[type]]));
    assert.equal(got.top_services[0].share, 0.4102);
});

test('report by channel and department of the NYC sample', () => {
    const from = '2022-05-01T00:00:00-04:00', to = '2022-05-01T03:00:00-04:00';
    const want = cityFigures(NYC, from, to);
    const channels = report(from, to, 'channel');
    // ONLINE, MOBILE and PHONE map to web, mobile and phone; UNKNOWN has
    // no mapping and is kept in lower case.
    assert.deepEqual(channels.groups.map((g) => [g.key, g.requests]), [
        ['web', want.channels.ONLINE],
        ['mobile', want.channels.MOBILE],
        ['phone', want.channels.PHONE],
        ['unknown', want.channels.UNKNOWN],
    ]);
    const depts = report(from, to, 'department');
    assert.deepEqual(depts.groups.slice(0, 3).map((g) => [g.key, g.requests]),
        [['POLICE', 885], ['SANITATION', 10], ['TRANSPORTATION', 10]]);
    assert.equal(depts.groups[0].name, 'Police Department');
});

// GET /api/v1/reports/summary as the account with token.
function summaryRoute(token, query) {
    return call(ctx.srv, 'GET', `reports/summary?${query}`, { token });
}

const NYC_PERIOD = 'from=2022-05-01T00:00:00-04:00' +
    '&to=2022-05-01T03:00:00-04:00';

test('the staff report route gives the CLI\'s figures to QA and admins',
    async () => {
        const admin = await staffToken(ctx.srv, 'rep-admin', ['admin']);
        const qa = await staffToken(ctx.srv, 'rep-qa', ['qa']);
        const cli = report('2022-05-01T00:00:00-04:00',
            '2022-05-01T03:00:00-04:00', 'department');
        for (const token of [admin, qa])
            assert.deepEqual(ok(await summaryRoute(token,
                `${NYC_PERIOD}&by=department`), 200), cli);
        // A local date works as a bound too; without by, no groups.
        const day = ok(await summaryRoute(admin,
            'from=2022-05-01&to=2022-05-01%2003:00'), 200);
        assert.equal(day.by, null);
        assert.deepEqual(day.groups, []);
        assert.deepEqual(day.total, cli.total);
    });

test('a supervisor of one department gets its requests only', async () => {
    const sup = await staffToken(ctx.srv, 'rep-sup', ['supervisor'],
        ['TRANSPORTATION']);
    const r = ok(await summaryRoute(sup, `${NYC_PERIOD}&by=department`), 200);
    // DOT's 10 requests: 3 Street Condition, 2 Broken Parking Meter, ...
    assert.equal(r.total.requests, 10);
    assert.deepEqual(r.groups.map((g) => [g.key, g.requests]),
        [['TRANSPORTATION', 10]]);
    const wide = await staffToken(ctx.srv, 'rep-sup-qa',
        ['supervisor', 'qa'], ['TRANSPORTATION']);
    assert.equal(ok(await summaryRoute(wide, NYC_PERIOD), 200).total.requests,
        924);
});

test('other roles, no token and bad parameters are refused', async () => {
    const agent = await staffToken(ctx.srv, 'rep-agent', ['agent']);
    const admin = await staffToken(ctx.srv, 'rep-admin2', ['admin']);
    apiError(await summaryRoute(agent, NYC_PERIOD), 403, 'forbidden');
    apiError(await summaryRoute(undefined, NYC_PERIOD), 401, 'unauthorized');
    apiError(await summaryRoute(admin, 'to=2022-05-02'), 400, 'required', 'from');
    apiError(await summaryRoute(admin, 'from=yesterday&to=2022-05-02'), 400,
        'invalid', 'from');
    apiError(await summaryRoute(admin, `${NYC_PERIOD}&by=week`), 400, 'invalid',
        'by');
    apiError(await summaryRoute(admin, 'from=2022-05-02&to=2022-05-01'), 400,
        'invalid', 'to');
});

test('the NYC sample exported and imported again changes nothing', () => {
    const out = path.join(ctx.srv.dir, 'export.csv');
    civic311('export', '--format', 'nyc', out, '--from', '2022-05-01',
        '--to', '2022-05-02');
    const text = fs.readFileSync(out, 'utf8');
    assert.equal(text.split('\n').length, 926); // header, 924, final newline
    assert.equal(summary(civic311('import', out))[0],
        'read 924, imported 0, updated 0, unchanged 924, rejected 0');
});

// Boston comes last: its requests still open would count in the
// backlog at the end of the NYC period.
test('the Boston sample imports whole: 100 rows, 85 closed', () => {
    assert.deepEqual(summary(civic311('import', BOSTON)), [
        'read 100, imported 100, updated 0, unchanged 0, rejected 0',
        'status: closed 85, open 15',
        'warnings: unmapped type 39, unmapped agency 58',
        'imported services: 19 new',
    ]);
});

test('an imported Boston request keeps its due time', async () => {
    const [r] = expectJson(
        await ctx.srv.get(`${API}/requests/101004120108.json`), 200);
    // open_dt 2022-01-08 12:54:49, target_dt 2022-01-11 08:30:00, EST.
    assert.equal(r.requested_datetime, '2022-01-08T12:54:49-05:00');
    assert.equal(r.expected_datetime, '2022-01-11T08:30:00-05:00');
    assert.equal(r.status, 'closed');
    assert.equal(r.service_code, 'BOSTON_CE_COLLECTION');
    assert.equal(r.agency_responsible, 'Public Works Department');
});

test('report figures of the Boston sample, due times included', () => {
    const from = '2022-01-01T00:00:00-05:00', to = '2022-02-01T00:00:00-05:00';
    const want = cityFigures(BOSTON, from, to);
    const got = report(from, to, 'hour');

    assert.deepEqual(got.total, want.total);
    for (const g of got.groups)
        assert.deepEqual(figuresOf(g), want.hours[g.key], `hour ${g.key}`);
    assert.deepEqual(got.total.sla,
        { with_due: 89, met: 72, missed: 9, unknown: 8, compliance: 0.8889 });
    assert.equal(got.total.closed, 81);
    assert.equal(got.total.backlog.open_at_end, 19);
});

testCleanStop(ctx);
