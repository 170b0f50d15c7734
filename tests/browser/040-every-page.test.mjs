// SPDX-License-Identifier: MIT
//
// Every page, at 360 px and on a desktop, in English, Chinese and Spanish,
// and the staff pages also once signed in: no console errors, no form
// control without a label, no English string left where the language has
// its own, no sideways scrolling on a phone, the skip link first in the
// keyboard order with a visible focus ring, and every control reachable
// with Tab. Screenshots of each go to tests/artifacts/screens/.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DESKTOP, LANGS, PHONE, addUser, features, openPage, seed, shot,
    signInAs, tr, unlabelled, unreachable, untranslated, useBrowser }
    from './lib/browser.mjs';

const env = useBrowser('pages', async (srv) => {
    await seed(srv, [{ service_code: 'ABANDONED_VEHICLE',
        address_string: '40 Pier Road', 'attribute[HAZARD]': 'no',
        'attribute[CONDITION]': 'burned', 'attribute[MAKE]': 'Lada' }]);
});
const PAGES = [['/', 'portal'], ['/console/', 'console'], ['/work/', 'work'],
    ['/dashboard/', 'dashboard'], ['/#track', 'portal-track'],
    ['/#towed', 'portal-towed'], ['/#answers', 'portal-answers']];
// The staff pages once signed in, with what shows the page is drawn.
const SIGNED_IN = [['/console/', 'console', '#service option[value]'],
    ['/work/', 'work', '[data-workorder]'],
    ['/dashboard/', 'dashboard', '[data-chart="service"]']];
const SIZES = [[PHONE, '360'], [DESKTOP, 'desktop']];

// What every page must be, whichever state it is in.
async function check(page, lang) {
    assert.deepEqual(await unlabelled(page), []);
    assert.deepEqual(await untranslated(page, lang), []);
    assert.ok(await page.evaluate(() =>
        document.documentElement.scrollWidth <= innerWidth),
    'the page scrolls sideways');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() =>
        document.activeElement.className), 'skip');
    assert.equal(await page.evaluate(() =>
        getComputedStyle(document.activeElement).outlineStyle), 'solid');
    await page.keyboard.press('Tab');
    assert.notEqual(await page.evaluate(() =>
        document.activeElement.tagName), 'BODY');
    assert.deepEqual(await unreachable(page), []);
    assert.deepEqual(page.errors, []);
}

for (const lang of LANGS) {
    for (const [url, name] of PAGES) {
        for (const [viewport, size] of SIZES) {
            test(`${name} (${lang}, ${size}): clean, labelled, translated, ` +
                'keyboard-ready', async () => {
                const page = await openPage(env, url, { viewport, lang });
                await shot(page, `page-${name}-${lang}-${size}`);
                await check(page, lang);
                await page.close();
            });
        }
    }
    for (const [url, name, ready] of SIGNED_IN) {
        for (const [viewport, size] of SIZES) {
            test(`${name} signed in (${lang}, ${size}): clean, labelled, ` +
                'translated, keyboard-ready', async (t) => {
                const f = await features(env.srv);
                if (!f.staff || (name === 'work' && !f.workorders) ||
                    (name === 'dashboard' && !f.reports))
                    return t.skip('the staff API of this page is not on ' +
                        'this server yet');
                const login = `pat-${lang}-${size}-${name}`;
                addUser(env.srv, login, ['agent', 'crew', 'qa'], ['POLICE']);
                const page = await openPage(env, url, { viewport, lang });
                await page.waitForSelector('#signin-form');
                if (name === 'dashboard') {
                    await page.fill('#login', login);
                    await page.fill('#password', `password-${login}`);
                    await page.click('#signin-form button[type="submit"]');
                } else {
                    await signInAs(page, login);
                }
                await page.waitForSelector(ready, { state: 'attached' });
                // Afresh, signed in (the tab keeps the session), for the
                // keyboard order to start at the top.
                await page.reload();
                await page.waitForSelector('body[data-ready="true"]');
                await page.waitForSelector(ready, { state: 'attached' });
                await shot(page, `page-${name}-signed-in-${lang}-${size}`);
                await check(page, lang);
                await page.close();
            });
        }
    }
}

test('every page is in the chosen language from the first paint', async () => {
    const titles = { '/console/': 'console.title', '/work/': 'work.title',
        '/dashboard/': 'dash.title' };
    for (const [url] of PAGES.slice(0, 4)) {
        const page = await openPage(env, url, { viewport: DESKTOP,
            lang: 'zh' });
        const city = await page.textContent('.city-name');
        assert.equal(await page.title(), titles[url]
            ? `${city} 311 · ${tr('zh', titles[url])}` : `${city} 311`);
        assert.equal(await page.getAttribute('html', 'lang'), 'zh-Hans');
        assert.equal(await page.inputValue('#lang'), 'zh');
        assert.equal(await page.textContent('label[for="lang"]'),
            tr('zh', 'common.language'));
        assert.equal(await page.textContent('label[for="lang"]'), '语言');
        assert.deepEqual(page.errors, []);
        await page.close();
    }
});
