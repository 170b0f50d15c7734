// SPDX-License-Identifier: MIT
//
// A resident files a request in the portal and tracks it, in English,
// Chinese and Spanish, on a phone-sized screen: the catalogue, the form
// built from the service definition (all six datatypes), the messages
// shown before anything is sent, the receipt and the tracking page.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DESKTOP, LANGS, PHONE, addUser, cityText, features, openPage, seed,
    shot, switchLang, tr, unlabelled, untranslated, useBrowser }
    from './lib/browser.mjs';

const env = useBrowser('portal');

// The six datatypes of the abandoned-vehicle form, as a resident fills
// them (MAKE is a required string, FIRST_SEEN a datetime).
async function fillVehicle(page) {
    await page.selectOption('#attr-HAZARD', 'yes');
    await page.selectOption('#attr-CONDITION', 'damaged');
    await page.fill('#attr-MAKE', 'Ford');
    await page.fill('#attr-YEAR', '2009');
    await page.selectOption('#attr-BODY_STYLE', 'sedan');
    await page.check('#attr-MISSING_PARTS input[value="wheels"]');
    await page.check('#attr-MISSING_PARTS input[value="plates"]');
    await page.fill('#attr-FIRST_SEEN', '2026-11-20T08:30');
    await page.fill('#attr-LOCATION_DETAIL', 'Across from the school gate');
}

for (const lang of LANGS) {
    test(`a resident files and tracks a request (${lang}, 360 px)`,
        async () => {
            const page = await openPage(env, '/', { viewport: PHONE, lang });
            assert.equal(await page.getAttribute('html', 'lang'),
                lang === 'zh' ? 'zh-Hans' : lang);
            assert.equal(await page.textContent('[data-tab="report"]'),
                tr(lang, 'portal.tab_report'));
            await shot(page, `portal-catalogue-${lang}-360`);
            // So are the groups the catalogue is listed under.
            const heading = cityText(lang, 'Vehicles and Parking');
            assert.ok((await page.$$eval('.group h3',
                (hs) => hs.map((x) => x.textContent))).includes(heading));
            assert.deepEqual(await untranslated(page, lang), []);

            // Service names come from Open311 in the page's language.
            const name = { en: 'Abandoned Vehicle', zh: '废弃车辆',
                es: 'Vehículo abandonado' }[lang];
            await page.fill('#service-search', name);
            const btn = page.locator('[data-service="ABANDONED_VEHICLE"]');
            assert.equal(await btn.locator('.name').textContent(), name);
            await btn.click();
            await page.waitForSelector('#request-form:not([hidden])');
            assert.equal(await page.textContent('#form-title'), name);
            assert.deepEqual(await unlabelled(page), []);
            // The questions' hints, as the configuration words them.
            assert.equal(await page.textContent('#attr-MAKE-hint'),
                cityText(lang, 'for example Toyota, Ford, Honda'));
            assert.equal(await page.textContent('#attr-FIRST_SEEN-hint'),
                cityText(lang, 'the day and, if you remember, the time'));
            assert.deepEqual(await untranslated(page, lang), []);

            // Nothing filled: every required question and the location are
            // flagged before anything is sent.
            await page.click('#submit');
            const errors = await page.$$eval('.field-error',
                (els) => els.map((e) => [e.id, e.textContent]));
            assert.deepEqual(errors, [
                ['attr-HAZARD-error', tr(lang, 'validate.required')],
                ['attr-CONDITION-error', tr(lang, 'validate.required')],
                ['attr-MAKE-error', tr(lang, 'validate.required')],
                ['address-error', tr(lang, 'validate.location_required')],
            ]);
            assert.equal(await page.evaluate(() =>
                document.activeElement.className), 'error-summary');
            await shot(page, `portal-form-errors-${lang}-360`);

            // A year that is not a number is caught too, and so are a
            // phone the city could not call and an email without a domain.
            await fillVehicle(page);
            await page.fill('#attr-YEAR', 'about 2009');
            await page.fill('#address', '120 Main Street');
            await page.fill('#email', 'resident@example');
            await page.fill('#phone', '12345');
            await page.click('#submit');
            assert.deepEqual(await page.$$eval('.field-error',
                (els) => els.map((e) => [e.id, e.textContent])),
            [['attr-YEAR-error', tr(lang, 'validate.number')],
                ['email-error', tr(lang, 'validate.email')],
                ['phone-error', tr(lang, 'validate.phone')]]);
            assert.equal(await page.getAttribute('#phone', 'aria-invalid'),
                'true');

            await page.fill('#attr-YEAR', '2009');
            await page.fill('#phone', '(212) 555-0123');
            await page.fill('#description', `Grey sedan, no plates (${lang})`);
            await page.fill('#email', 'resident@example.org');
            // Sent from the keyboard: Enter in the last field.
            await page.press('#email', 'Enter');
            await page.waitForSelector('#receipt-number');
            const id = (await page.textContent('#receipt-number')).trim();
            assert.match(id, /^\d{4}-\d{6}$/);
            // The focus lands on the receipt's heading, which a screen
            // reader announces (the receipt is a status region).
            await page.waitForFunction(() =>
                document.activeElement?.id === 'receipt-title');
            assert.equal(await page.evaluate(() =>
                document.activeElement.textContent),
            tr(lang, 'portal.receipt_title'));
            assert.equal(await page.getAttribute('#receipt', 'role'),
                'status');
            await shot(page, `portal-receipt-${lang}-360`);

            // What the server stored is what was typed.
            const r = await env.srv.get(`/open311/v2/requests/${id}.json`);
            assert.equal(r.status, 200);
            const stored = r.json[0];
            // An expected date exists once work orders set one.
            if (stored.expected_datetime)
                assert.notEqual(await page.textContent('#receipt-expected'),
                    tr(lang, 'track.expected_none'));
            else
                assert.equal(await page.textContent('#receipt-expected'),
                    tr(lang, 'track.expected_none'));
            assert.equal(stored.service_code, 'ABANDONED_VEHICLE');
            assert.equal(stored.address, '120 Main Street');
            assert.equal(stored.description, `Grey sedan, no plates (${lang})`);
            const attrs = stored.attributes.map((a) => `${a.code}=${a.value}`)
                .sort();
            assert.equal(attrs.filter((a) => !a.startsWith('FIRST_SEEN'))
                .join(' '), 'BODY_STYLE=sedan CONDITION=damaged HAZARD=yes ' +
                'LOCATION_DETAIL=Across from the school gate MAKE=Ford ' +
                'MISSING_PARTS=plates MISSING_PARTS=wheels YEAR=2009');
            assert.match(attrs.find((a) => a.startsWith('FIRST_SEEN')),
                /^FIRST_SEEN=2026-11-20T08:30:00[+-]\d\d:\d\d$/);

            // Tracking by the number shown.
            await page.click(`a[href="#track/${id}"]`);
            await page.waitForSelector(`[data-request="${id}"]`);
            assert.equal(await page.textContent('#track-status'),
                tr(lang, 'status.open'));
            assert.equal(await page.textContent('#track-notes'),
                tr(lang, 'track.notes_none'));
            // The department, named in the page's language.
            assert.equal(stored.agency_responsible, 'Police Department');
            assert.equal(await page.textContent('#track-dept'),
                cityText(lang, 'Police Department'));
            assert.deepEqual(await untranslated(page, lang), []);
            await shot(page, `portal-track-${lang}-360`);
            assert.deepEqual(page.errors, []);
            await page.close();
        });
}

// A description that reads like an emergency in each language, and the
// words the warning names.
const EMERGENCY = {
    en: ['I smell gas in the hallway', 'smell gas'],
    zh: ['楼道里有煤气味', '煤气'],
    es: ['Huele a gas en la escalera', 'huele a gas'],
};

for (const lang of LANGS) {
    test(`the form tells a resident describing an emergency to call 911 (${
        lang})`, async () => {
        const page = await openPage(env, '/', { viewport: PHONE, lang });
        await page.click('[data-service="POTHOLE"]');
        await page.waitForSelector('#request-form:not([hidden])');
        assert.equal(await page.isVisible('#emergency'), false);
        const [words, found] = EMERGENCY[lang];
        await page.fill('#description', words);
        assert.equal(await page.isVisible('#emergency'), true);
        assert.equal(await page.textContent('#emergency'),
            tr(lang, 'portal.emergency_warning', { words: found }));
        assert.equal(await page.getAttribute('#emergency', 'role'), 'alert');
        await shot(page, `portal-emergency-${lang}-360`);
        // An ordinary matter with an alarming word does not warn.
        await page.fill('#description', 'Pothole next to the fire hydrant');
        assert.equal(await page.isVisible('#emergency'), false);
        assert.deepEqual(page.errors, []);
        await page.close();
    });
}

test('the language switch changes the page and is remembered', async () => {
    const page = await openPage(env, '/', { viewport: DESKTOP });
    await page.evaluate(() => localStorage.removeItem('civic311.lang'));
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    assert.equal(await page.textContent('#report-h'),
        tr('en', 'portal.report_title'));
    await page.selectOption('#lang', 'es');
    await page.waitForFunction(() => document.documentElement.lang === 'es');
    await page.waitForFunction(() => document.querySelector(
        '[data-service="POTHOLE"] .name')?.textContent === 'Bache');
    assert.equal(await page.textContent('#report-h'),
        tr('es', 'portal.report_title'));
    await page.waitForFunction((g) => [...document.querySelectorAll(
        '.group h3')].some((x) => x.textContent === g),
    cityText('es', 'Streets and Sidewalks'));
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    assert.equal(await page.inputValue('#lang'), 'es');
    assert.equal(await page.textContent('#report-h'),
        tr('es', 'portal.report_title'));
    await shot(page, 'portal-catalogue-es-desktop');
    assert.deepEqual(page.errors, []);
    await page.close();
});

test('a closed request\'s department and note follow the page\'s language',
    async (t) => {
        const f = await features(env.srv);
        if (!f.staff || !f.workorders)
            return t.skip('the work-order API is not on this server yet');
        const [id] = await seed(env.srv, [{ service_code: 'MISSED_COLLECTION',
            address_string: '3 Elm Street', 'attribute[MATERIAL]': 'trash' }]);
        // A crew member collects it: the request closes with the step's
        // note.
        addUser(env.srv, 'track-crew', ['crew'], ['SANITATION']);
        const s = await env.srv.request('POST', '/api/v1/session', {
            body: JSON.stringify({ login: 'track-crew',
                password: 'password-track-crew' }),
            headers: { 'content-type': 'application/json' } });
        assert.equal(s.status, 201, s.text);
        const auth = { authorization: `Bearer ${s.json.token}`,
            'content-type': 'application/json' };
        const wos = await env.srv.get(`/api/v1/requests/${id}/workorders`,
            { headers: auth });
        assert.equal(wos.status, 200, wos.text);
        const done = await env.srv.request('POST',
            `/api/v1/workorders/${wos.json[0].id}/complete`,
            { body: '{}', headers: auth });
        assert.equal(done.status, 200, done.text);

        const page = await openPage(env, `/#track/${id}`,
            { viewport: DESKTOP, lang: 'zh' });
        await page.waitForSelector(`[data-request="${id}"]`);
        assert.equal(await page.textContent('#track-status'),
            tr('zh', 'status.closed'));
        assert.equal(await page.textContent('#track-dept'), '环境卫生局');
        assert.equal(await page.textContent('#track-notes'), '物品已收走。');
        assert.deepEqual(await untranslated(page, 'zh'), []);
        await shot(page, 'portal-track-closed-zh-desktop');
        // The language switch asks again.
        await switchLang(page, 'es');
        await page.waitForFunction(() => document.querySelector(
            '#track-notes')?.textContent === 'Se recogió el material.');
        assert.equal(await page.textContent('#track-dept'),
            'Departamento de Sanidad');
        assert.deepEqual(await untranslated(page, 'es'), []);
        assert.deepEqual(page.errors, []);
        await page.close();
    });

// The page checks coordinates as the server reads them (decimals only,
// so "1e1" is caught before sending), and what the server still refuses
// is said in the page's language: next to the field it names, or as a
// translated sentence carrying the server's words.
test('the portal checks and explains refusals in its language (es)',
    async () => {
        const lang = 'es';
        const page = await openPage(env, '/', { viewport: DESKTOP, lang,
            allow: [/status of 400/] });
        await page.click('[data-service="ABANDONED_VEHICLE"]');
        await page.waitForSelector('#request-form:not([hidden])');
        await fillVehicle(page);
        const posts = [];
        page.on('request', (q) => {
            if (q.method() === 'POST')
                posts.push(q.url());
        });
        const errors = () => page.$$eval('.field-error',
            (els) => els.map((e) => [e.id, e.textContent]));
        await page.fill('#lat', '1e1');
        await page.fill('#long', '-73.95');
        await page.click('#submit');
        assert.deepEqual(await errors(),
            [['lat-error', tr(lang, 'validate.lat')]]);
        assert.deepEqual(posts, []);

        // A name longer than the server keeps (1,000 bytes): the server's
        // refusal lands on the name, in Spanish.
        await page.fill('#lat', '40.7');
        await page.fill('#first_name', 'x'.repeat(1001));
        await page.click('#submit');
        await page.waitForSelector('#first_name-error');
        assert.deepEqual(await errors(), [['first_name-error',
            tr(lang, 'validate.too_long', { max: 1000 })]]);
        assert.equal(posts.length, 1);

        // A reason the page has no field for: a translated sentence with
        // the server's own words.
        await page.fill('#first_name', 'Ana');
        const said = 'media_url is not an http or https URL';
        await page.route('**/open311/v2/requests.json', (route) =>
            route.fulfill({ status: 400, contentType: 'application/json',
                body: JSON.stringify([{ code: 400, description: said }]) }));
        await page.click('#submit');
        await page.waitForSelector('.error-summary li');
        assert.deepEqual(await page.$$eval('.error-summary li',
            (lis) => lis.map((l) => l.textContent)),
        [tr(lang, 'form.server_refused', { message: said })]);
        assert.deepEqual(await errors(), []);
        assert.deepEqual(page.errors, []);
        await page.close();
    });

test('an unknown request number says so', async () => {
    const page = await openPage(env, '/#track', { viewport: DESKTOP,
        lang: 'en', allow: [/status of 404/] });
    await page.fill('#track-id', '2026-999999');
    await page.click('#track-form button[type="submit"]');
    await page.waitForSelector('#track-result .msg-error');
    assert.equal(await page.textContent('#track-result'),
        tr('en', 'track.not_found', { id: '2026-999999' }));
    assert.deepEqual(page.errors, []);
    await page.close();
});
