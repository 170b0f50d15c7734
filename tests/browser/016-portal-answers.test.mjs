// SPDX-License-Identifier: MIT
//
// A resident looks an answer up in the portal's knowledge base: the
// article the demo city ships about towed cars comes first, in the
// language of the page, with the words found marked. In Spanish the
// resident types grua without its accent and the article's grúa is
// marked. A result opens the whole article in the page (its list, its
// last sentence) and the resident goes back to the same results.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PHONE, features, openPage, shot, tr, useBrowser }
    from './lib/browser.mjs';

const env = useBrowser('answers');

const CASES = [
    { lang: 'en', q: 'towed car', title: /tow/i, mark: /tow/i,
        full: 'Towed car: where it is and how to get it back',
        end: 'the fees are refunded if you win.' },
    { lang: 'zh', q: '拖车', title: /拖/, mark: /拖车/,
        full: '拖车与扣车：如何找回被拖走的车辆', end: '胜诉后费用将予退还。' },
    { lang: 'es', q: 'grua coche', title: /^Auto remolcado/,
        mark: /^grúa$/i, full: 'Auto remolcado: dónde está y cómo recuperarlo',
        end: 'pague para liberar el auto' },
];

// The portal's answers page at 360 px in c.lang, once c.q has results.
async function searched(c) {
    const page = await openPage(env, '/#answers',
        { viewport: PHONE, lang: c.lang });
    await page.fill('#kb-q', c.q);
    await page.press('#kb-q', 'Enter');
    await page.waitForSelector('#kb-result .kb-list li');
    return page;
}

for (const c of CASES) {
    test(`answers: "${c.q}" finds the article first (${c.lang})`,
        async (t) => {
            if (!(await features(env.srv)).kb)
                return t.skip('the knowledge base is not on this server');
            const page = await searched(c);
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

for (const c of CASES) {
    test(`answers: a result opens the whole article and goes back (${
        c.lang})`, async (t) => {
        if (!(await features(env.srv)).kb)
            return t.skip('the knowledge base is not on this server');
        const page = await searched(c);
        await page.click('#kb-result .kb-list li summary');
        const read = '#kb-result .kb-list li .kb-read';
        assert.equal(await page.textContent(read), tr(c.lang, 'kb.read'));
        await page.click(read);
        await page.waitForSelector('#kb-result .kb-article');
        assert.equal(await page.textContent('#kb-article-title'), c.full);
        assert.equal(await page.evaluate(() => document.activeElement.id),
            'kb-article-title');
        const text = (await page.textContent('.kb-article-body'))
            .replace(/\s+/g, ' ');
        assert.ok(text.includes(c.end), text.slice(-200));
        // The three things to bring are a list, the link a link.
        assert.equal(await page.locator('.kb-article-body li').count(), 3);
        assert.equal(await page.getAttribute('.kb-article-body a', 'href'),
            'https://democity.example/');
        await shot(page, `portal-answers-article-${c.lang}-360`);
        assert.equal(await page.textContent('#kb-back'),
            tr(c.lang, 'kb.back'));
        await page.click('#kb-back');
        await page.waitForSelector('#kb-result .kb-list li');
        assert.match(await page.textContent('#kb-result .kb-list li summary'),
            c.title);
        assert.equal(await page.locator('#kb-result .kb-article').count(), 0);
        assert.deepEqual(page.errors, []);
        await page.close();
    });
}
