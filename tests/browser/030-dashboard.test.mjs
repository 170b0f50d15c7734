// SPDX-License-Identifier: MIT
//
// The dashboard shows the seeded requests' counts at 360 px and on a
// desktop, in the three languages: from the reports API (by status,
// service, department and channel, due-time compliance, time to close and
// backlog age, for a date range) for a signed-in QA analyst, or, on a
// server without it, from public Open311 data, the parts that need the
// reports API saying they are not available yet.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DESKTOP, LANGS, PHONE, addUser, cityText, features, launchBrowser,
    openPage, seed, shot, switchLang, tr, untranslated, useBrowser }
    from './lib/browser.mjs';

const SEED = [['POTHOLE', 3], ['STREETLIGHT_OUT', 1],
    ['MISSED_COLLECTION', 2]];

const env = useBrowser('dashboard', async (srv) => {
    const list = [];
    for (const [code, n] of SEED) {
        for (let i = 0; i < n; i++)
            list.push({ service_code: code, address_string: `${i} Elm St`,
                ...(code === 'MISSED_COLLECTION'
                    ? { 'attribute[MATERIAL]': 'trash' } : {}) });
    }
    await seed(srv, list);
});

// The numbers of the chart whose data-chart is id, as { label: count }.
async function table(page, id) {
    return page.$$eval(`[data-chart="${id}"] tbody tr`, (rows) =>
        Object.fromEntries(rows.map((r) => [r.querySelector('th').textContent,
            r.querySelector('td').textContent])));
}

for (const lang of LANGS) {
    test(`the dashboard shows the seeded counts (${lang})`, async (t) => {
        if ((await features(env.srv)).reports)
            return t.skip('this server has the reports API (tested below)');
        const page = await openPage(env, '/dashboard/', { viewport: DESKTOP,
            lang });
        await page.waitForSelector('[data-chart="service"]');
        assert.equal(await page.textContent('#total strong'), '6');
        assert.deepEqual(await table(page, 'status'),
            { [tr(lang, 'status.open')]: '6' });
        const names = Object.fromEntries(await Promise.all(SEED.map(
            async ([code]) => [code, (await env.srv.get(
                `/open311/v2/services.json?lang=${lang}`)).json
                .find((s) => s.service_code === code).service_name])));
        assert.deepEqual(await table(page, 'service'), {
            [names.POTHOLE]: '3', [names.MISSED_COLLECTION]: '2',
            [names.STREETLIGHT_OUT]: '1' });
        // Departments as the server routed the requests (the work engine
        // may route by work group): the demo city gives 4 and 2.
        const depts = {};
        for (const r of (await env.srv.get(
            `/open311/v2/requests.json?lang=${lang}`)).json)
            depts[r.agency_responsible] = String(
                Number(depts[r.agency_responsible] ?? 0) + 1);
        assert.deepEqual(await table(page, 'department'), depts);
        assert.deepEqual(Object.values(depts).sort(), ['2', '4']);
        // Filed just now: nothing closed, all six open less than a day.
        const backlog = await table(page, 'backlog');
        assert.equal(backlog[tr(lang, 'dash.bucket', { lo: 0, hi: 1 })], '6');
        assert.equal(await page.locator('[data-chart="channel"] ' +
            '[data-state="not-available"]').count(), 1);
        // Service levels need expected dates, which work orders set.
        if ((await features(env.srv)).workorders)
            assert.equal((await table(page, 'sla'))[
                tr(lang, 'dash.sla_open_on_time')], '6');
        else
            assert.equal(await page.locator('[data-chart="sla"] ' +
                '[data-state="not-available"]').count(), 1);
        // Chart.js drew on every canvas.
        const drawn = await page.$$eval('canvas', (cs) => cs.map((c) =>
            c.width > 0 && c.height > 0));
        assert.ok(drawn.length >= 4 && drawn.every(Boolean));
        await shot(page, `dashboard-${lang}-desktop`);
        assert.deepEqual(page.errors, []);
        await page.close();
    });
}

test('the dashboard fits a 360 px screen', async (t) => {
    if ((await features(env.srv)).reports)
        return t.skip('this server asks for a sign-in first');
    const page = await openPage(env, '/dashboard/', { viewport: PHONE,
        lang: 'en' });
    await page.waitForSelector('[data-chart="service"]');
    assert.equal(await page.evaluate(() =>
        document.documentElement.scrollWidth), 360);
    await shot(page, 'dashboard-en-360');
    assert.deepEqual(page.errors, []);
    await page.close();
});

test('a range with no requests shows zero', async (t) => {
    if ((await features(env.srv)).reports)
        return t.skip('this server asks for a sign-in first');
    const page = await openPage(env, '/dashboard/?from=2020-01-01&to=2020-01-31',
        { viewport: DESKTOP, lang: 'en' });
    await page.waitForSelector('#total');
    assert.equal(await page.textContent('#total strong'), '0');
    assert.deepEqual(page.errors, []);
    await page.close();
});

// The names of the seeded services in lang, by code.
async function serviceNames(lang) {
    return Object.fromEntries((await env.srv.get(
        `/open311/v2/services.json?lang=${lang}`)).json.map((s) =>
        [s.service_code, s.service_name]));
}

// Opens the dashboard (at url) and signs in as login there.
async function signedIn(login, lang, { url = '/dashboard/',
    viewport = DESKTOP } = {}) {
    const page = await openPage(env, url, { viewport, lang });
    await page.waitForSelector('#signin-form');
    assert.equal(await page.textContent('label[for="login"]'),
        tr(lang, 'staff.login'));
    await page.fill('#login', login);
    await page.fill('#password', `password-${login}`);
    await page.click('#signin-form button[type="submit"]');
    await page.waitForSelector('[data-chart="service"]');
    return page;
}

// The titles of the charts, in order.
function titles(page) {
    return page.$$eval('[data-chart] h2', (hs) => hs.map((x) =>
        x.textContent));
}

for (const lang of LANGS) {
    test(`a QA analyst sees the reports API's counts (${lang})`,
        async (t) => {
            if (!(await features(env.srv)).reports)
                return t.skip('the reports API is not on this server yet');
            // QA sees every department; a supervisor sees only its own.
            addUser(env.srv, `rita-${lang}`, ['qa']);
            const names = await serviceNames(lang);
            const page = await signedIn(`rita-${lang}`, lang);
            assert.equal(await page.textContent('#total strong'), '6');
            assert.deepEqual(await titles(page), [tr(lang, 'dash.by_status'),
                tr(lang, 'dash.by_service'), tr(lang, 'dash.by_department'),
                tr(lang, 'dash.by_channel'), tr(lang, 'dash.sla'),
                tr(lang, 'dash.time_to_close_hours'),
                tr(lang, 'dash.backlog_age')]);
            assert.deepEqual(await table(page, 'status'),
                { [tr(lang, 'status.open')]: '6' });
            assert.deepEqual(await table(page, 'service'), {
                [names.POTHOLE]: '3', [names.MISSED_COLLECTION]: '2',
                [names.STREETLIGHT_OUT]: '1' });
            // Potholes and street lights are the roads department's,
            // named in the page's language.
            assert.deepEqual(await table(page, 'department'), {
                [cityText(lang, 'Department of Transportation')]: '4',
                [cityText(lang, 'Department of Sanitation')]: '2' });
            // Filed through Open311, all six.
            assert.deepEqual(await table(page, 'channel'),
                { [tr(lang, 'channel.open311')]: '6' });
            // Each has a due time from its work order, none due yet.
            assert.deepEqual(await table(page, 'sla'), {
                [tr(lang, 'dash.sla_met')]: '0',
                [tr(lang, 'dash.sla_missed')]: '0',
                [tr(lang, 'dash.sla_unknown')]: '6' });
            assert.equal(await page.textContent(
                '[data-chart="close"] [data-state="empty"]'),
            tr(lang, 'dash.none_closed'));
            const backlog = await table(page, 'backlog');
            assert.equal(backlog[tr(lang, 'dash.bucket', { lo: 0, hi: 1 })],
                '6');
            assert.equal(Object.values(backlog).reduce((a, n) =>
                a + Number(n), 0), 6);
            const drawn = await page.$$eval('canvas', (cs) => cs.map((c) =>
                c.width > 0 && c.height > 0));
            assert.ok(drawn.length >= 6 && drawn.every(Boolean));
            assert.deepEqual(await untranslated(page, lang), []);
            await shot(page, `dashboard-reports-${lang}-desktop`);

            // Another language in place: the services and departments
            // follow.
            const other = lang === 'zh' ? 'es' : 'zh';
            await switchLang(page, other);
            const others = await serviceNames(other);
            assert.equal((await table(page, 'service'))[others.POTHOLE], '3');
            assert.equal((await table(page, 'department'))[cityText(other,
                'Department of Transportation')], '4');
            assert.equal(await page.textContent('[data-chart="sla"] h2'),
                tr(other, 'dash.sla'));
            await switchLang(page, lang);

            // A range with none of them: zero everywhere.
            await page.fill('#from', '2020-01-01');
            await page.fill('#to', '2020-01-31');
            await page.click('#range button[type="submit"]');
            await page.waitForFunction(() => document.querySelector(
                '#total strong')?.textContent === '0');
            assert.deepEqual(await table(page, 'service'), {});
            assert.deepEqual(await table(page, 'sla'), {
                [tr(lang, 'dash.sla_met')]: '0',
                [tr(lang, 'dash.sla_missed')]: '0',
                [tr(lang, 'dash.sla_unknown')]: '0' });
            assert.deepEqual(page.errors, []);
            await page.close();

            // On a phone: no sideways scrolling.
            const phone = await signedIn(`rita-${lang}`, lang,
                { viewport: PHONE });
            assert.equal(await phone.evaluate(() =>
                document.documentElement.scrollWidth), 360);
            await shot(phone, `dashboard-reports-${lang}-360`);
            assert.deepEqual(phone.errors, []);
            await phone.close();
        });
}

test('a closed request gives the time to close', async (t) => {
    const f = await features(env.srv);
    if (!f.reports || !f.workorders)
        return t.skip('the reports and work-order APIs are not on this ' +
            'server yet');
    // An inspector finds no pothole: that closes the request.
    addUser(env.srv, 'ida', ['admin']);
    const session = await env.srv.request('POST', '/api/v1/session', {
        body: JSON.stringify({ login: 'ida', password: 'password-ida' }),
        headers: { 'content-type': 'application/json' } });
    assert.equal(session.status, 201, session.text);
    const auth = { authorization: `Bearer ${session.json.token}` };
    const orders = (await env.srv.get('/api/v1/workorders?status=' +
        'unfinished&limit=1000', { headers: auth })).json;
    const pothole = orders.find((w) => w.service_code === 'POTHOLE');
    const r = await env.srv.request('POST',
        `/api/v1/workorders/${pothole.id}/complete`, { headers: { ...auth,
            'content-type': 'application/json' },
        body: JSON.stringify({ outcome: 'not_found' }) });
    assert.equal(r.status, 200, r.text);
    const closed = (await env.srv.get(`/open311/v2/requests/${
        pothole.service_request_id}.json`)).json[0];
    assert.equal(closed.status, 'closed');
    // Closed within seconds of filing: 0.0 hours, median and 90th alike.
    const took = (Date.parse(closed.updated_datetime) -
        Date.parse(closed.requested_datetime)) / 3600000;
    assert.ok(took < 0.05, String(took));
    for (const lang of LANGS) {
        const page = await signedIn(`rita-${lang}`, lang);
        assert.deepEqual(await table(page, 'status'), {
            [tr(lang, 'status.open')]: '5', [tr(lang, 'status.closed')]: '1' });
        assert.deepEqual(await table(page, 'close'), {
            [tr(lang, 'dash.median')]: '0', [tr(lang, 'dash.p90')]: '0' });
        assert.equal((await table(page, 'sla'))[tr(lang, 'dash.sla_met')],
            '1');
        assert.deepEqual(await untranslated(page, lang), []);
        await shot(page, `dashboard-closed-${lang}-desktop`);
        assert.deepEqual(page.errors, []);
        await page.close();
    }
});


// An agent may sign in but not read reports: the page does not ask the
// reports API to refuse it (no 403 in the console), counts the public
// data and says why the channel figures are missing.
for (const lang of LANGS) {
    test(`an agent sees public counts and why (${lang})`, async (t) => {
        if (!(await features(env.srv)).reports)
            return t.skip('the reports API is not on this server yet');
        addUser(env.srv, `abe-${lang}`, ['agent']);
        const page = await signedIn(`abe-${lang}`, lang);
        assert.equal(await page.textContent('#total strong'), '6');
        assert.equal(await page.textContent('#dash-msg'),
            tr(lang, 'dash.no_reports_role'));
        assert.equal(await page.textContent('[data-chart="channel"] ' +
            '[data-state="not-available"]'), tr(lang, 'dash.needs_role',
            { what: tr(lang, 'dash.by_channel') }));
        // Who is signed in, with a way out.
        assert.equal(await page.textContent('#user .userbar button'),
            tr(lang, 'staff.sign_out'));
        assert.deepEqual(page.errors, []);
        await page.close();
    });
}

// A browser in Tokyo at 22:36 UTC on 4 December 2026 is already on the 5th,
// while the city (New York in the demo configuration) is on the 4th: the
// default range ends on the city's today, and the public counts ask for
// the city's midnights, not Tokyo's.
test('the dashboard counts the city\'s days in a browser elsewhere',
    async () => {
        const cfg = (await env.srv.get('/web-config.json')).json;
        assert.equal(cfg?.timezone ?? 'America/New_York', 'America/New_York');
        const tokyo = await launchBrowser({ timezoneId: 'Asia/Tokyo' });
        try {
            const page = await tokyo.ctx.newPage();
            const errors = [];
            page.on('pageerror', (e) => errors.push(String(e)));
            await page.clock.setFixedTime(new Date('2026-12-04T22:36:00Z'));
            const asked = [];
            page.on('request', (q) => {
                if (q.url().includes('/open311/v2/requests.json'))
                    asked.push(new URL(q.url()).searchParams);
            });
            await page.addInitScript(() => {
                localStorage.setItem('civic311.lang', 'en');
            });
            await page.goto(`${env.srv.base}/dashboard/`);
            await page.waitForSelector('body[data-ready="true"]');
            assert.equal(await page.evaluate(() =>
                Intl.DateTimeFormat().resolvedOptions().timeZone),
            'Asia/Tokyo');
            assert.equal(await page.inputValue('#to'), '2026-12-04');
            assert.equal(await page.inputValue('#from'), '2026-11-05');
            if ((await features(env.srv)).reports) {
                // An agent has no reports role: the page counts public data.
                addUser(env.srv, 'abe-tokyo', ['agent']);
                await page.fill('#login', 'abe-tokyo');
                await page.fill('#password', 'password-abe-tokyo');
                await page.click('#signin-form button[type="submit"]');
            }
            await page.waitForSelector('[data-chart="status"]');
            assert.equal(asked.length, 1);
            assert.equal(asked[0].get('start_date'),
                '2026-11-05T00:00:00-05:00');
            assert.equal(asked[0].get('end_date'),
                '2026-12-04T23:59:59-05:00');
            assert.deepEqual(errors, []);
        } finally {
            await tokyo.close();
        }
    });
