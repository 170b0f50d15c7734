// SPDX-License-Identifier: MIT
//
// Every page, at 360 px and on a desktop: no console errors, no form
// control without a label, no sideways scrolling on a phone, the skip
// link first in the keyboard order and a visible focus ring.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DESKTOP, PHONE, openPage, shot, unlabelled, useBrowser }
    from './lib/browser.mjs';

const env = useBrowser('pages');
const PAGES = [['/', 'portal'], ['/console/', 'console'], ['/work/', 'work'],
    ['/dashboard/', 'dashboard'], ['/#track', 'portal-track'],
    ['/#towed', 'portal-towed'], ['/#answers', 'portal-answers']];

for (const [url, name] of PAGES) {
    for (const [viewport, size] of [[PHONE, '360'], [DESKTOP, 'desktop']]) {
        test(`${name} at ${size}: clean, labelled, keyboard-ready`,
            async () => {
                const page = await openPage(env, url, { viewport,
                    lang: 'en' });
                assert.deepEqual(await unlabelled(page), []);
                assert.ok(await page.evaluate(() =>
                    document.documentElement.scrollWidth <= innerWidth),
                'the page scrolls sideways');
                await page.keyboard.press('Tab');
                assert.equal(await page.evaluate(() =>
                    document.activeElement.className), 'skip');
                const ring = await page.evaluate(() =>
                    getComputedStyle(document.activeElement).outlineStyle);
                assert.equal(ring, 'solid');
                await page.keyboard.press('Tab');
                assert.notEqual(await page.evaluate(() =>
                    document.activeElement.tagName), 'BODY');
                if (size === '360' && name.startsWith('portal-'))
                    await shot(page, `${name}-360`);
                assert.deepEqual(page.errors, []);
                await page.close();
            });
    }
}

test('every page is in the chosen language from the first paint', async () => {
    for (const [url] of PAGES.slice(0, 4)) {
        const page = await openPage(env, url, { viewport: DESKTOP,
            lang: 'zh' });
        assert.equal(await page.getAttribute('html', 'lang'), 'zh-Hans');
        assert.equal(await page.inputValue('#lang'), 'zh');
        assert.equal(await page.textContent('label[for="lang"]'), '语言');
        assert.deepEqual(page.errors, []);
        await page.close();
    }
});
