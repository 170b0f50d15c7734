// SPDX-License-Identifier: MIT
//
// The agent console and the work view. An agent pops a caller and files a
// request; a crew member completes a work order and its follow-up
// appears. Both need the staff API: on a server without it (as
// /web-config.json says) the pages must show their "not available yet"
// state, cleanly, and the flows are skipped.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DESKTOP, PHONE, addUser, features, openPage, seed, shot, signInAs,
    tr, unlabelled, useBrowser } from './lib/browser.mjs';

const env = useBrowser('staff');

for (const [page, name] of [['/console/', 'console'], ['/work/', 'work']]) {
    test(`${name}: says sign-in is not available yet without a staff API`,
        async (t) => {
            if ((await features(env.srv)).staff)
                return t.skip('this server has the staff API');
            for (const [viewport, size] of [[PHONE, '360'],
                [DESKTOP, 'desktop']]) {
                const p = await openPage(env, page, { viewport, lang: 'en' });
                const note = p.locator('#signin [data-state="not-available"]');
                assert.equal(await note.textContent(),
                    tr('en', 'common.not_available',
                        { what: tr('en', 'staff.sign_in_title') }));
                assert.equal(await p.isHidden('#app'), true);
                await shot(p, `${name}-unavailable-${size}`);
                assert.deepEqual(p.errors, []);
                await p.close();
            }
        });
}

test('console: an agent pops a caller and files a request', async (t) => {
    const f = await features(env.srv);
    if (!f.staff || !f.callers || !f.intake)
        return t.skip('the staff API (sign-in, callers, intake) is not ' +
            'on this server yet');
    addUser(env.srv, 'ann', ['agent']);
    // Olga called before: her earlier request came in through Open311.
    const [earlier] = await seed(env.srv, [{ service_code: 'POTHOLE',
        address_string: '3 Dock Road', first_name: 'Olga',
        last_name: 'Petrova', phone: '(718) 555-0134' }]);

    const page = await openPage(env, '/console/', { viewport: DESKTOP,
        lang: 'en', allow: f.workorders ? [] : [/status of 404/] });
    await signInAs(page, 'ann');
    assert.deepEqual(await unlabelled(page), []);

    await page.fill('#caller-phone', '718.555.0134');
    await page.click('#caller-form button[type="submit"]');
    await page.waitForSelector('#caller-summary');
    assert.equal(await page.textContent('#caller-summary'),
        tr('en', 'console.caller_known', { name: 'Olga Petrova', n: 1 }));
    assert.match(await page.textContent('#caller table'), new RegExp(earlier));
    assert.equal(await page.inputValue('#first_name'), 'Olga');

    // The 911 warning comes and goes with the description.
    await page.selectOption('#channel', 'phone');
    await page.selectOption('#caller-lang', 'zh');
    await page.check('#interpreter');
    await page.fill('#description', '人行道上有坑，还闻到煤气味');
    assert.equal(await page.isVisible('#emergency'), true);
    assert.equal(await page.textContent('#emergency'),
        tr('en', 'console.emergency', { words: '煤气' }));
    await shot(page, 'console-emergency-desktop');
    await page.fill('#description', 'Deep pothole by the bus stop');
    assert.equal(await page.isVisible('#emergency'), false);

    await page.selectOption('#service', 'POTHOLE');
    await page.waitForSelector('#attr-SIZE');
    await page.selectOption('#attr-SIZE', 'large');
    await page.fill('#address', '12 Quay Street');
    await page.click('#intake-submit');
    await page.waitForSelector('[data-saved]');
    const id = await page.getAttribute('[data-saved]', 'data-saved');
    assert.match(id, /^\d{4}-\d{6}$/);
    assert.equal(await page.textContent('#saved-dept'),
        'Department of Transportation');
    if (f.workorders)
        assert.ok(await page.locator('#saved-workorders li').count() >= 1);
    await shot(page, 'console-saved-desktop');

    // What was stored: the channel, language, interpreter and caller.
    const token = await page.evaluate(() =>
        sessionStorage.getItem('civic311.token'));
    const r = await env.srv.get(`/api/v1/requests/${id}`,
        { headers: { authorization: `Bearer ${token}` } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.channel, 'phone');
    assert.equal(r.json.language, 'zh');
    assert.equal(r.json.interpreter_used, true);
    assert.equal(r.json.description, 'Deep pothole by the bus stop');
    assert.equal(r.json.attributes.SIZE, 'large');
    assert.equal(r.json.caller.first_name, 'Olga');

    // Find it, add a public note, escalate it.
    await page.fill('#search-q', id);
    await page.click('#search-form button[type="submit"]');
    await page.waitForSelector(`[data-detail="${id}"]`);
    await page.fill('#note', 'A crew will look at it this week.');
    await page.check('#vis-public');
    await page.click(`[data-detail="${id}"] button[type="submit"]`);
    await page.waitForSelector('#detail-notes li');
    assert.match(await page.textContent('#detail-notes'),
        /A crew will look at it this week\./);
    const pub = await env.srv.get(`/open311/v2/requests/${id}.json`);
    assert.equal(pub.json[0].status_notes,
        'A crew will look at it this week.');
    await page.fill('#note', 'Caller is upset: third pothole this month');
    await page.click(`[data-detail="${id}"] button.secondary`);
    await page.waitForFunction(() => /Escalated/.test(
        document.querySelector('#detail-escalation')?.textContent ?? ''));
    await shot(page, 'console-detail-desktop');
    assert.deepEqual(page.errors, []);
    await page.close();
});

test('work: a crew member completes a work order and the follow-up ' +
    'appears', async (t) => {
    const f = await features(env.srv);
    if (!f.staff || !f.workorders)
        return t.skip('the work-order API is not on this server yet');
    addUser(env.srv, 'cal', ['crew'], ['SANITATION', 'POLICE']);
    addUser(env.srv, 'sue', ['supervisor'], ['SANITATION', 'POLICE']);
    const [id] = await seed(env.srv, [{ service_code: 'ABANDONED_VEHICLE',
        address_string: '40 Pier Road', 'attribute[HAZARD]': 'no',
        'attribute[CONDITION]': 'burned', 'attribute[MAKE]': 'Lada' }]);

    const page = await openPage(env, '/work/', { viewport: PHONE,
        lang: 'en', allow: [/status of 400/] });
    await signInAs(page, 'cal');
    assert.deepEqual(await unlabelled(page), []);
    const card = page.locator('[data-workorder]', { hasText: id });
    await card.waitFor();
    assert.match(await card.textContent(), /Inspect the reported vehicle/);
    await shot(page, 'work-queue-360');
    await card.getByRole('button', { name: tr('en', 'work.start') }).click();
    await page.waitForFunction((t) => document.querySelector(
        '#work-msg')?.textContent.startsWith(t), 'Work order');
    const started = page.locator('[data-workorder]', { hasText: id });
    assert.match(await started.textContent(),
        new RegExp(tr('en', 'wo.status.in_progress')));

    // This step needs an outcome: the first try asks for one.
    await started.getByRole('button', { name: tr('en', 'work.complete') })
        .click();
    await started.locator('select').waitFor();
    assert.deepEqual(await started.locator('select option').evaluateAll(
        (os) => os.map((o) => o.value)), ['', 'tow', 'not_found',
        'not_abandoned']);
    await started.locator('select').selectOption('tow');
    await started.getByRole('button', { name: tr('en', 'work.complete') })
        .click();
    const follow = page.locator('[data-workorder]',
        { hasText: 'Tow the vehicle to the pound' });
    await follow.waitFor();
    assert.match(await follow.textContent(), new RegExp(id));
    assert.match(await follow.textContent(), new RegExp(tr('en', 'work.new')));
    assert.equal(await page.locator('[data-workorder]',
        { hasText: 'Inspect the reported vehicle' }).count(), 0);
    await shot(page, 'work-followup-360');
    assert.deepEqual(page.errors, []);
    await page.close();

    // A supervisor sees the counts per work group.
    await env.browser.ctx.clearCookies();
    const sup = await openPage(env, '/work/', { viewport: DESKTOP,
        lang: 'es' });
    await sup.evaluate(() => sessionStorage.clear());
    await sup.reload();
    await sup.waitForSelector('body[data-ready="true"]');
    await signInAs(sup, 'sue');
    await sup.waitForSelector('#groups');
    const rows = await sup.$$eval('#groups tbody tr', (trs) => trs.map((r) =>
        [r.querySelector('th').textContent, ...[...r.querySelectorAll('td')]
            .map((c) => c.textContent)]));
    // (other tests of this file leave work for other groups)
    assert.deepEqual(rows.find((r) => r[0] === 'PD_TOWING'),
        ['PD_TOWING', '1', '0', '0']);
    assert.equal(rows.some((r) => r[0] === 'SAN_CLEANING'), false);
    await shot(sup, 'work-supervisor-es-desktop');
    assert.deepEqual(sup.errors, []);
    await sup.close();
});
