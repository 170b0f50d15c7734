// SPDX-License-Identifier: MIT
//
// The dashboard: for a date range, the volume of requests by status,
// service, department and channel, SLA compliance, time to close and the
// age of the open backlog. Figures come from GET /api/v1/reports/summary;
// while a server lacks that API, the page counts what public Open311 data
// gives (status, service, department, time to close, backlog age) and
// says that channel and SLA figures are not available yet. Every chart
// has its numbers in a table too.
import { ApiError, open311Get, staff, staffToken, webConfig } from './api.js';
import { initI18n, onLangChange, t } from './i18n.js';
import { signIn, userBar } from './session.js';
import { BUCKETS, addDays, fromReports, summarize, zoneDate, zoneInstant }
    from './stats.js';
import { fmtNum, h, pageTitle, say, setTimeZone, show } from './ui.js';

const $ = (id) => document.getElementById(id);
const MAX_PAGES = 50;

let charts = [];
let last = null;
let features = {};
let user = null; // the signed-in account, once known
// The city's time zone (web-config.json); undefined: the browser's.
let cityZone;

// Roles the reports API answers (docs/API.md); others get public counts.
const REPORT_ROLES = ['supervisor', 'qa', 'admin'];

async function fromOpen311(from, to) {
    const list = [];
    for (let page = 1; page <= MAX_PAGES; page++) {
        const res = await open311Get('requests', { start_date: from,
            end_date: to, page, page_size: 1000 });
        list.push(...res);
        if (res.length < 1000)
            break;
    }
    return summarize(list);
}

function bucketLabels() {
    return BUCKETS.map(([lo, hi]) => (hi === Infinity
        ? t('dash.bucket_over', { n: lo }) : t('dash.bucket', { lo, hi })));
}

// The summary from the reports API for [from, to] (the city's dates; the
// reports API's end is exclusive, so it is asked for the day after).
async function fromReportsApi(from, to) {
    const ask = (by) => staff('GET', 'reports/summary',
        { params: { from, to: addDays(to, 1), by } });
    const [svc, dept, chan, services] = await Promise.all([ask('service'),
        ask('department'), ask('channel'), open311Get('services')]);
    return fromReports(svc, dept, chan, Object.fromEntries(services.map(
        (x) => [x.service_code, x.service_name])));
}

// t(prefix.key), or key itself when there is no such string.
function label(prefix, key) {
    const s = t(`${prefix}.${key}`);
    return s === `${prefix}.${key}` ? key : s;
}

// One chart with its data table; rows are [label, count] pairs.
function chartCard(id, title, rows, type = 'bar') {
    const canvas = h('canvas', { id: `chart-${id}`, role: 'img',
        'aria-label': title });
    const card = h('section', { class: 'panel', 'data-chart': id },
        h('h2', {}, title),
        h('div', { class: 'chart-box' }, canvas),
        h('details', {}, h('summary', {}, t('dash.data')),
            h('div', { class: 'table-wrap' }, h('table', {},
                h('thead', {}, h('tr', {}, h('th', {}, t('dash.item')),
                    h('th', { class: 'num' }, t('dash.count')))),
                h('tbody', {}, rows.map(([k, n]) => h('tr', {},
                    h('th', { scope: 'row' }, k),
                    h('td', { class: 'num', 'data-key': k }, fmtNum(n)))))))));
    if (globalThis.Chart && rows.length) {
        queueMicrotask(() => {
            charts.push(new globalThis.Chart(canvas, {
                type,
                data: { labels: rows.map(([k]) => k), datasets: [{
                    label: title, data: rows.map(([, n]) => n),
                    backgroundColor: ['#0b5394', '#1a7f37', '#9a6700',
                        '#cf222e', '#8250df', '#57606a', '#bf3989'],
                }] },
                options: { maintainAspectRatio: false, animation: false,
                    indexAxis: type === 'bar' && rows.length > 5 ? 'y' : 'x',
                    plugins: { legend: { display: type !== 'bar' } },
                    scales: type === 'bar' ? { x: { ticks: { precision: 0 } },
                        y: { ticks: { precision: 0 } } } : {} },
            }));
        });
    }
    return card;
}

// A chart's place with a note where there is nothing to draw.
function noteCard(id, title, text) {
    return h('section', { class: 'panel', 'data-chart': id },
        h('h2', {}, title), h('p', { class: 'msg msg-info',
            'data-state': 'empty' }, text));
}

// A part the figures lack: the server has no reports API, or (source
// no_role) the account's roles may not read it.
function unavailableCard(id, title, source) {
    return h('section', { class: 'panel', 'data-chart': id },
        h('h2', {}, title), h('p', { class: 'msg msg-warn',
            'data-state': 'not-available' },
        source === 'no_role' ? t('dash.needs_role', { what: title })
            : t('common.not_available', { what: title })));
}

// SLA rows: met, missed and the rest, as far as the figures tell.
function slaTable(sla) {
    return ['met', 'missed', 'unknown', 'open_late', 'open_on_time']
        .filter((k) => sla[k] !== undefined)
        .map((k) => [t(`dash.sla_${k}`), sla[k]]);
}

// Seconds as hours with one decimal.
// Seconds as hours: one decimal, two under an hour (a quick close is not 0).
function hours(sec) {
    if (sec === null || sec === undefined)
        return 0;
    return sec < 3600 ? Math.round(sec / 36) / 100
        : Math.round(sec / 360) / 10;
}

function render(s, source) {
    for (const c of charts)
        c.destroy();
    charts = [];
    const status = s.by_status.map(([k, n]) => [t(`status.${k}`), n]);
    show($('totals'), h('li', { id: 'total' }, h('strong', {},
        fmtNum(s.total ?? s.by_status.reduce((a, [, n]) => a + n, 0))),
    t('dash.total')), s.by_status.map(([k, n]) => h('li',
        { 'data-status': k }, h('strong', {}, fmtNum(n)), t(`status.${k}`))));
    const labels = bucketLabels();
    const slaRows = s.sla ? slaTable(s.sla) : null;
    show($('charts'),
        chartCard('status', t('dash.by_status'), status, 'doughnut'),
        chartCard('service', t('dash.by_service'), s.by_service),
        chartCard('department', t('dash.by_department'), s.by_department),
        s.by_channel ? chartCard('channel', t('dash.by_channel'),
            s.by_channel.map(([k, n]) => [label('channel', k), n]))
            : unavailableCard('channel', t('dash.by_channel'), source),
        slaRows ? chartCard('sla', s.sla.percent !== undefined &&
            s.sla.percent !== null ? t('dash.sla_percent', { pct: fmtNum(
                s.sla.percent) }) : t('dash.sla'), slaRows)
            : unavailableCard('sla', t('dash.sla'), source),
        s.time_to_close ? chartCard('close', t('dash.time_to_close'),
            labels.map((l, i) => [l, s.time_to_close[i] ?? 0])) : null,
        s.close_stats ? chartCard('close', t('dash.time_to_close_hours'),
            [[t('dash.median'), hours(s.close_stats.median_seconds)],
                [t('dash.p90'), hours(s.close_stats.p90_seconds)]]) : null,
        !s.close_stats && !s.time_to_close ? noteCard('close',
            t('dash.time_to_close_hours'), t('dash.none_closed')) : null,
        s.backlog_age ? chartCard('backlog', t('dash.backlog_age'),
            labels.map((l, i) => [l, s.backlog_age[i] ?? 0])) : null);
    say($('dash-msg'), source === 'open311' ? t('dash.public_only')
        : source === 'no_role' ? t('dash.no_reports_role') : '', 'info');
    show($('user'), user ? userBar(user) : null);
}

// Date input value to an ISO instant at the start or end of that day in
// the city (not in the browser's zone: an analyst elsewhere counts the
// city's days).
function dayBound(v, end) {
    return zoneInstant(v, end ? '23:59:59' : '00:00:00', cityZone);
}

async function load(ev) {
    ev?.preventDefault();
    const from = $('from').value, to = $('to').value;
    if (!from || !to || from > to) {
        say($('dash-msg'), t('dash.bad_range'), 'error');
        return;
    }
    say($('dash-msg'), t('dash.loading'), 'info');
    try {
        let s, source;
        // The reports API wants a signed-in user: ask before calling.
        const signedIn = (me) => {
            user = me;
            return load();
        };
        if (features.reports && !staffToken()) {
            await signIn($('signin'), signedIn, features);
            say($('dash-msg'), '', 'info');
            return;
        }
        if (features.reports && !user)
            user = await staff('GET', 'me').catch(() => null);
        // An account without a reporting role is not sent to be refused.
        const mayReport = !user ||
            (user.roles ?? []).some((r) => REPORT_ROLES.includes(r));
        try {
            if (features.reports === false)
                throw new ApiError(404, [], { notAvailable: true });
            if (!mayReport)
                throw new ApiError(403, [], {});
            s = await fromReportsApi(from, to);
            source = 'reports';
        } catch (e) {
            if (e instanceof ApiError && e.status === 401) {
                user = null;
                await signIn($('signin'), signedIn, features);
                say($('dash-msg'), '', 'info');
                return;
            }
            // 404: a server without the reports API (whatever its shape);
            // 403: an account whose roles do not include reports
            if (!e.notAvailable && e.status !== 404 && e.status !== 403)
                throw e;
            s = await fromOpen311(dayBound(from, false), dayBound(to, true));
            source = e.status === 403 ? 'no_role' : 'open311';
        }
        last = [s, source];
        render(s, source);
    } catch (e) {
        say($('dash-msg'), t('common.error', { message: e.message }), 'error');
    }
}

async function main() {
    const cfg = await webConfig();
    setTimeZone(cfg.timezone);
    await initI18n(cfg.default_language);
    for (const el of document.querySelectorAll('.city-name'))
        el.textContent = cfg.city ?? '';
    pageTitle(cfg.city, 'dash.title');
    features = cfg.features ?? {};
    cityZone = cfg.timezone || undefined;
    // The last 30 days, today being the city's date now.
    const today = zoneDate(Date.now(), cityZone);
    const params = new URLSearchParams(location.search);
    $('to').value = params.get('to') ?? today;
    $('from').value = params.get('from') ?? addDays(today, -29);
    $('range').addEventListener('submit', load);
    // Service names come from the server in the page's language: ask
    // again. (Before the figures, the sign-in form translates itself.)
    onLangChange(() => {
        if (last)
            return load();
        return null;
    });
    await load();
    document.body.dataset.ready = 'true';
}

main();
