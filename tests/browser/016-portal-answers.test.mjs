// SPDX-License-Identifier: MIT
//
// A resident looks an answer up in the portal's knowledge base: the
// article the demo city ships about towed cars comes first, in the
// language of the page, with the words found marked. In Spanish the
// resident types grua without its accent and the article's grúa is
// marked.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PHONE, features, openPage, shot, useBrowser }
    from './lib/browser.mjs';

const env = useBrowser('answers');

const CASES = [
    { lang: 'en', q: 'towed car', title: /tow/i, mark: /tow/i },
    { lang: 'zh', q: '拖车', title: /拖/, mark: /拖车/ },
    { lang: 'es', q: 'grua coche', title: /^Auto remolcado/,
        mark: /^grúa$/i },
];

for (const c of CASES) {
    test(`answers: "${c.q}" finds the article first (${c.lang})`,
        async (t) => {
            if (!(await features(env.srv)).kb)
                return t.skip('the knowledge base is not on this server');
            const page = await openPage(env, '/#answers',
                { viewport: PHONE, lang: c.lang });
            await page.fill('#kb-q', c.q);
            await page.press('#kb-q', 'Enter');
            await page.waitForSelector('#kb-result .kb-list li');
            const first = await page.textContent(
                '#kb-result .kb-list li summary');
            assert.match(first, c.title, `first title: ${first}`);
            const marks = await page.$$eval('#kb-result .kb-list mark',
                (ms) => ms.map((m) => m.textContent));
            assert.ok(marks.some((m) => c.mark.test(m)),
                `marked: ${marks.join(', ')}`);
            // No markup leaks into the text as literal tags.
            const body = await page.textContent('#kb-result');
            assert.ok(!body.includes('<mark>'), body.slice(0, 200));
            await shot(page, `portal-answers-${c.lang}-360`);
            assert.deepEqual(page.errors, []);
            await page.close();
        });
}
