// SPDX-License-Identifier: MIT
//
// A vehicle owner looks a plate up in the portal and learns which pound
// holds the car and what to bring; an unknown plate says none is on
// record. Needs the public towed lookup: on a server without it the tab
// must say it is not available yet.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PHONE, addUser, features, openPage, shot, tr, useBrowser }
    from './lib/browser.mjs';

const env = useBrowser('towed');

test('towed vehicle: not available yet without the lookup', async (t) => {
    if ((await features(env.srv)).towed)
        return t.skip('this server has the towed-vehicle lookup');
    const page = await openPage(env, '/#towed', { viewport: PHONE,
        lang: 'es' });
    assert.equal(await page.isHidden('#towed-form'), true);
    assert.equal(await page.textContent('#towed-result'),
        tr('es', 'common.not_available',
            { what: tr('es', 'portal.tab_towed') }));
    await shot(page, 'portal-towed-unavailable-es-360');
    assert.deepEqual(page.errors, []);
    await page.close();
});

for (const lang of ['en', 'zh']) {
    test(`towed vehicle: an owner finds the pound (${lang})`, async (t) => {
        if (!(await features(env.srv)).towed)
            return t.skip('the towed-vehicle lookup is not on this server ' +
                'yet');
        if (lang === 'en') {
            addUser(env.srv, 'tow.sup', ['supervisor'], ['POLICE']);
            const s = await env.srv.request('POST', '/api/v1/session', {
                body: JSON.stringify({ login: 'tow.sup',
                    password: 'password-tow.sup' }) });
            assert.equal(s.status, 201, s.text);
            const r = await env.srv.request('POST', '/api/v1/tows', {
                headers: { authorization: `Bearer ${s.json.token}` },
                body: JSON.stringify({ plate: 'abc-1234', plate_state: 'NY',
                    make: 'Ford', model: 'Focus', colour: 'blue',
                    towed_from: '12 Elm Street', pound: 'POUND_NORTH',
                    reason: 'violation' }) });
            assert.equal(r.status, 201, r.text);
        }
        const page = await openPage(env, '/#towed', { viewport: PHONE, lang,
            allow: [/status of 404/] });
        await page.fill('#plate', 'ABC 1234');
        await page.click('#towed-form button[type="submit"]');
        await page.waitForSelector('[data-towed="ABC1234"]');
        const text = await page.textContent('[data-towed="ABC1234"]');
        assert.match(text, /North Tow Pound/);
        assert.match(text, /1200 Harbor Road/);
        assert.match(text, /blue Ford Focus/);
        assert.match(text, new RegExp(tr(lang, 'towed.status.towed')));
        await shot(page, `portal-towed-${lang}-360`);

        await page.fill('#plate', 'ZZZ9999');
        await page.click('#towed-form button[type="submit"]');
        await page.waitForSelector('#towed-none');
        assert.equal(await page.textContent('#towed-none'),
            tr(lang, 'towed.none', { plate: 'ZZZ9999' }));
        assert.deepEqual(page.errors, []);
        await page.close();
    });
}
