// SPDX-License-Identifier: MIT
//
// The agent console and the work view. An agent pops a caller and files a
// request; a crew member completes a work order and its follow-up
// appears. Both need the staff API: on a server without it (as
// /web-config.json says) the pages must show their "not available yet"
// state, cleanly, and the flows are skipped.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DESKTOP, PHONE, openPage, shot, tr, unlabelled, useBrowser }
    from './lib/browser.mjs';

const env = useBrowser('staff');

async function features() {
    return (await env.srv.get('/web-config.json')).json.features;
}

for (const [page, name] of [['/console/', 'console'], ['/work/', 'work']]) {
    test(`${name}: says sign-in is not available yet without a staff API`,
        async (t) => {
            if ((await features()).staff)
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
    const f = await features();
    if (!f.staff || !f.callers || !f.intake)
        return t.skip('the staff API (sign-in, callers, intake) is not ' +
            'on this server yet');
    const p = await openPage(env, '/console/', { viewport: DESKTOP,
        lang: 'en' });
    assert.deepEqual(await unlabelled(p), []);
    await p.close();
});

test('work: a crew member completes a work order and the follow-up ' +
    'appears', async (t) => {
    const f = await features();
    if (!f.staff || !f.workorders)
        return t.skip('the work-order API is not on this server yet');
    const p = await openPage(env, '/work/', { viewport: DESKTOP, lang: 'en' });
    assert.deepEqual(await unlabelled(p), []);
    await p.close();
});
