// SPDX-License-Identifier: MIT
//
// web/js/stats.js: what the dashboard counts from public Open311 data.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addDays, bucketize, fromReports, pairs, slaOf, summarize, zoneDate,
    zoneInstant } from '../../web/js/stats.js';

const H = 3600000;
const NOW = Date.parse('2026-12-03T12:00:00Z');
const at = (h) => new Date(NOW - h * H).toISOString();

// Four requests: two closed (one in 2 h, one in 100 h), two open.
const LIST = [
    { status: 'closed', service_name: 'Pothole', agency_responsible: 'DOT',
        requested_datetime: at(10), updated_datetime: at(8),
        expected_datetime: at(5) },
    { status: 'closed', service_name: 'Pothole', agency_responsible: 'DOT',
        requested_datetime: at(200), updated_datetime: at(100),
        expected_datetime: at(150) },
    { status: 'open', service_name: 'Graffiti', agency_responsible: 'DSNY',
        requested_datetime: at(50), updated_datetime: at(50),
        expected_datetime: at(1) },
    { status: 'open', service_name: 'Pothole', agency_responsible: 'DOT',
        requested_datetime: at(24 * 40), updated_datetime: at(24 * 40),
        expected_datetime: null },
];

test('counts by status, service and department, largest first', () => {
    const s = summarize(LIST, NOW);
    assert.equal(s.total, 4);
    assert.deepEqual(s.by_status, [['closed', 2], ['open', 2]]);
    assert.deepEqual(s.by_service, [['Pothole', 3], ['Graffiti', 1]]);
    assert.deepEqual(s.by_department, [['DOT', 3], ['DSNY', 1]]);
    assert.equal(s.by_channel, null);
});

test('time to close and backlog age fall in day buckets', () => {
    const s = summarize(LIST, NOW);
    // closed after 2 h (0-1 d) and 100 h (4.2 d: 3-7 d)
    assert.deepEqual(s.time_to_close, [1, 0, 1, 0, 0]);
    // open for 50 h (2.1 d: 1-3 d) and 40 days (over 30)
    assert.deepEqual(s.backlog_age, [0, 1, 0, 0, 1]);
    // a bucket holds its lower bound, not its upper one
    assert.deepEqual(bucketize([0, 24 * H - 1, 24 * H, 30 * 24 * H]),
        [2, 1, 0, 0, 1]);
});

test('service levels: closed by the expected date or not', () => {
    // closed at -8 h, due -5 h: met; closed -100 h, due -150 h: missed;
    // open, due -1 h: late; no expected date: not counted
    assert.deepEqual(slaOf(LIST, NOW), { met: 1, missed: 1, open_late: 1,
        open_on_time: 0, percent: 50 });
    assert.equal(slaOf([LIST[3]], NOW), null);
    assert.deepEqual(slaOf([{ ...LIST[2], expected_datetime: at(-5) }], NOW),
        { met: 0, missed: 0, open_late: 0, open_on_time: 1, percent: null });
});

test('pairs reads the shapes a report may use', () => {
    assert.deepEqual(pairs({ open: 2, closed: 5 }),
        [['closed', 5], ['open', 2]]);
    assert.deepEqual(pairs([{ key: 'a', count: 1 }, { name: 'b', count: 3 }]),
        [['b', 3], ['a', 1]]);
    assert.deepEqual(pairs([['x', 2], ['y', 2]]), [['x', 2], ['y', 2]]);
    assert.deepEqual(pairs(null), []);
});

test('the reports API\'s figures become the page\'s', () => {
    const figures = (requests, closed) => ({ requests, closed,
        share_closed: closed / requests,
        time_to_close: { timed: closed, median_seconds: 5400,
            p90_seconds: 90000 },
        sla: { with_due: 4, met: 2, missed: 1, unknown: 1,
            compliance: 0.6667 },
        backlog: { open_at_end: requests - closed, by_age: { '0-1d': 3,
            '1-3d': 1, '3-7d': 0, '7-30d': 0, over_30d: 2 } } });
    const total = figures(10, 4);
    const r = (by, groups) => ({ from: 'x', to: 'y', by, total, groups,
        top_services: [] });
    const s = fromReports(
        r('service', [{ key: 'POTHOLE', name: 'Pothole', ...figures(7, 3) },
            { key: 'GRAFFITI', name: 'Graffiti', ...figures(3, 1) }]),
        r('department', [{ key: 'DOT', name: 'Transportation',
            ...figures(10, 4) }]),
        r('channel', [{ key: 'phone', name: 'phone', ...figures(6, 2) },
            { key: 'open311', name: 'open311', ...figures(4, 2) }]));
    assert.deepEqual(s, {
        total: 10,
        by_status: [['open', 6], ['closed', 4]],
        by_service: [['Pothole', 7], ['Graffiti', 3]],
        by_department: [['Transportation', 10]],
        by_channel: [['phone', 6], ['open311', 4]],
        sla: { met: 2, missed: 1, unknown: 1, percent: 66.7 },
        time_to_close: null,
        close_stats: { median_seconds: 5400, p90_seconds: 90000 },
        backlog_age: [3, 1, 0, 0, 2],
    });
});

test('services of the reports API are named in the page\'s language',
    () => {
        const total = { requests: 3, closed: 0, backlog: {} };
        const r = (by, groups) => ({ by, total, groups });
        const s = fromReports(
            r('service', [{ key: 'POTHOLE', name: 'Pothole', requests: 2 },
                { key: 'GONE', name: 'Gone', requests: 1 }]),
            r('department', []), r('channel', []), { POTHOLE: '坑洼' });
        // A service the catalogue no longer lists keeps the API's name.
        assert.deepEqual(s.by_service, [['坑洼', 2], ['Gone', 1]]);
    });

// The city's days whatever the machine's zone: 22:36 UTC on 4 December is
// already the 5th in Tokyo but still the 4th (17:36) in New York.
test('dates and day bounds are those of the time zone given', () => {
    const at = Date.parse('2026-12-04T22:36:00Z');
    assert.equal(zoneDate(at, 'America/New_York'), '2026-12-04');
    assert.equal(zoneDate(at, 'Asia/Tokyo'), '2026-12-05');
    assert.equal(zoneDate(Date.parse('2026-12-05T04:59:59Z'),
        'America/New_York'), '2026-12-04');
    assert.equal(zoneDate(Date.parse('2026-12-05T05:00:00Z'),
        'America/New_York'), '2026-12-05');
    assert.equal(zoneInstant('2026-12-04', '00:00:00', 'America/New_York'),
        '2026-12-04T00:00:00-05:00');
    assert.equal(zoneInstant('2026-12-04', '23:59:59', 'Asia/Tokyo'),
        '2026-12-04T23:59:59+09:00');
    assert.equal(zoneInstant('2026-07-01', '00:00:00', 'America/New_York'),
        '2026-07-01T00:00:00-04:00');
    assert.equal(zoneInstant('2026-07-01', '00:00:00', 'Asia/Kolkata'),
        '2026-07-01T00:00:00+05:30');
    // The days clocks change (8 March and 1 November 2026 in New York):
    // the offset in force at that time of day.
    assert.equal(zoneInstant('2026-03-08', '00:00:00', 'America/New_York'),
        '2026-03-08T00:00:00-05:00');
    assert.equal(zoneInstant('2026-03-08', '23:59:59', 'America/New_York'),
        '2026-03-08T23:59:59-04:00');
    assert.equal(zoneInstant('2026-11-01', '00:00:00', 'America/New_York'),
        '2026-11-01T00:00:00-04:00');
    assert.equal(zoneInstant('2026-11-01', '23:59:59', 'America/New_York'),
        '2026-11-01T23:59:59-05:00');
    assert.equal(zoneInstant('2026-12-04', '00:00:00', 'UTC'),
        '2026-12-04T00:00:00+00:00');
});

test('days are added across months and years', () => {
    assert.equal(addDays('2026-12-04', -29), '2026-11-05');
    assert.equal(addDays('2026-12-31', 1), '2027-01-01');
    assert.equal(addDays('2024-03-01', -1), '2024-02-29');
});
