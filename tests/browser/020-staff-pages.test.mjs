// SPDX-License-Identifier: MIT
//
// The agent console and the work view, in English, Chinese and Spanish.
// An agent pops a caller and files a request (the 911 warning in the
// page's language included), finds it, adds a public note and escalates
// it; a crew member starts, holds, resumes and completes a work order
// with an outcome offered up front, and its follow-up appears; a
// supervisor counts each work group's work. Switching the language keeps
// whatever was typed. Both pages need the staff API: on a server without
// it (as /web-config.json says) the pages must show their "not available
// yet" state, cleanly, and the flows are skipped.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { DESKTOP, LANGS, PHONE, addUser, cityText, features, openPage, seed,
    shot, signInAs, switchLang, tr, unlabelled, untranslated, useBrowser }
    from './lib/browser.mjs';

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

// The service names of the catalogue in lang, by code.
async function serviceNames(lang) {
    const r = await env.srv.get(`/open311/v2/services.json?lang=${lang}`);
    assert.equal(r.status, 200, r.text);
    return Object.fromEntries(r.json.map((s) =>
        [s.service_code, s.service_name]));
}

// The question of attribute code of service in lang.
async function question(service, code, lang) {
    const r = await env.srv.get(
        `/open311/v2/services/${service}.json?lang=${lang}`);
    return r.json.attributes.find((a) => a.code === code).description;
}

// A description that reads like an emergency, and the words the warning
// names, in each language.
const EMERGENCY = {
    en: ['Deep pothole, and a gas smell next to it', 'gas smell'],
    zh: ['人行道上有坑，还闻到煤气味', '煤气'],
    es: ['Hay un bache y un incendio en la esquina', 'incendio'],
};

// A bearer token for login (password "password-LOGIN").
async function apiToken(login) {
    const r = await env.srv.request('POST', '/api/v1/session', {
        body: JSON.stringify({ login, password: `password-${login}` }),
        headers: { 'content-type': 'application/json' } });
    assert.equal(r.status, 201, r.text);
    return r.json.token;
}

// The text of the label of the form control id.
function labelOf(page, id) {
    return page.textContent(`label[for="${id}"]`);
}

for (const [i, lang] of LANGS.entries()) {
    test(`console (${lang}): an agent pops a caller and files a request`,
        async (t) => {
            const f = await features(env.srv);
            if (!f.staff || !f.callers || !f.intake)
                return t.skip('the staff API (sign-in, callers, intake) is ' +
                    'not on this server yet');
            const agent = `ann-${lang}`;
            addUser(env.srv, agent, ['agent']);
            const phone = `(718) 555-01${30 + i}`;
            // Olga called before: her earlier request came through Open311.
            const [earlier] = await seed(env.srv, [{ service_code: 'POTHOLE',
                address_string: '3 Dock Road', first_name: 'Olga',
                last_name: 'Petrova', phone }]);
            const names = await serviceNames(lang);

            const page = await openPage(env, '/console/', {
                viewport: DESKTOP, lang,
                allow: f.workorders ? [] : [/status of 404/] });
            assert.equal(await labelOf(page, 'login'),
                tr(lang, 'staff.login'));
            await signInAs(page, agent);
            assert.deepEqual(await unlabelled(page), []);
            assert.equal(await labelOf(page, 'channel'),
                tr(lang, 'console.channel'));
            assert.equal(await page.textContent('#channel option[value=phone]'),
                tr(lang, 'channel.phone'));
            assert.equal(await page.textContent(
                '#service option[value=POTHOLE]'), names.POTHOLE);

            await page.fill('#caller-phone', phone.replace(/[() ]/g, '.'));
            await page.click('#caller-form button[type="submit"]');
            await page.waitForSelector('#caller-summary');
            assert.equal(await page.textContent('#caller-summary'),
                tr(lang, 'console.caller_known',
                    { name: 'Olga Petrova', n: 1 }));
            const row = page.locator('#caller table tbody tr',
                { hasText: earlier }).first();
            assert.equal(await row.locator('td').nth(1).textContent(),
                names.POTHOLE);
            assert.equal(await row.locator('td').nth(2).textContent(),
                tr(lang, 'status.open'));
            assert.equal(await page.inputValue('#first_name'), 'Olga');

            // The 911 warning comes and goes with the description.
            await page.selectOption('#channel', 'phone');
            await page.selectOption('#caller-lang', 'zh');
            await page.check('#interpreter');
            const [words, found] = EMERGENCY[lang];
            await page.fill('#description', words);
            assert.equal(await page.isVisible('#emergency'), true);
            assert.equal(await page.textContent('#emergency'),
                tr(lang, 'console.emergency', { words: found }));
            await shot(page, `console-emergency-${lang}-desktop`);
            await page.fill('#description', 'Deep pothole by the bus stop');
            assert.equal(await page.isVisible('#emergency'), false);

            await page.selectOption('#service', 'POTHOLE');
            await page.waitForSelector('#attr-SIZE');
            assert.equal((await labelOf(page, 'attr-SIZE'))
                .replace(/\s*\*$/, ''), await question('POTHOLE', 'SIZE',
                lang));
            await page.selectOption('#attr-SIZE', 'large');
            await page.fill('#address', '12 Quay Street');
            await page.click('#intake-submit');
            await page.waitForSelector('[data-saved]');
            const id = await page.getAttribute('[data-saved]', 'data-saved');
            assert.match(id, /^\d{4}-\d{6}$/);
            assert.equal(await page.textContent('[data-saved] h3'),
                tr(lang, 'console.saved', { id }));
            assert.equal(await page.textContent('#saved-dept'),
                cityText(lang, 'Department of Transportation'));
            if (f.workorders) {
                // A pothole goes to the roadway crews, due in 2 business
                // days (tests/api/120-workflow checks the time itself).
                const items = await page.$$eval('#saved-workorders li',
                    (lis) => lis.map((l) => l.textContent));
                assert.equal(items.length, 1);
                assert.match(items[0], new RegExp(
                    ` · ${cityText(lang, 'Roadway and Sidewalk Repair')} · ${
                        tr(lang,
                        'wo.status.open')} · ${tr(lang, 'work.due')}: `));
                assert.notEqual(await page.textContent('#saved-expected'),
                    tr(lang, 'track.expected_none'));
            }
            assert.deepEqual(await untranslated(page, lang), []);
            await shot(page, `console-saved-${lang}-desktop`);

            // What was stored: the channel, language, interpreter, caller.
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

            // Words find it among the descriptions.
            await page.fill('#search-q', 'bus stop');
            await page.click('#search-form button[type="submit"]');
            const hit = page.locator('#search-result tbody tr',
                { hasText: id });
            await hit.waitFor();
            assert.equal(await hit.locator('td').nth(1).textContent(),
                names.POTHOLE);

            // Open it by number: an internal note, a public note, then the
            // expert queue.
            await page.fill('#search-q', id);
            await page.click('#search-form button[type="submit"]');
            await page.waitForSelector(`[data-detail="${id}"]`);
            assert.equal(await page.textContent(`[data-detail="${id}"] h3`),
                `${id} · ${names.POTHOLE}`);
            assert.equal(await page.textContent('#detail-escalation'),
                tr(lang, 'console.not_escalated'));
            await page.fill('#note', 'Second call about it');
            await page.click(`[data-detail="${id}"] button[type="submit"]`);
            await page.waitForSelector('#detail-notes li');
            await page.fill('#note', 'A crew will look at it this week.');
            await page.check('#vis-public');
            await page.click(`[data-detail="${id}"] button[type="submit"]`);
            await page.waitForFunction(() => document.querySelectorAll(
                '#detail-notes li').length === 2);
            const notes = await page.$$eval('#detail-notes li',
                (lis) => lis.map((l) => l.textContent));
            const internal = notes.find((n) => n.endsWith(
                'Second call about it'));
            assert.match(internal, new RegExp(` · ${agent} · ${tr(lang,
                'console.note_internal')} · `));
            const pub = notes.find((n) => n.endsWith('this week.'));
            assert.ok(pub.includes(` · ${tr(lang, 'console.note_public')} · `),
                pub);
            const open311 = await env.srv.get(
                `/open311/v2/requests/${id}.json`);
            assert.equal(open311.json[0].status_notes,
                'A crew will look at it this week.');
            // Escalating needs its own reason; the note box is not it.
            await page.fill('#note', 'Not the reason');
            assert.equal(await labelOf(page, 'escalate-reason'),
                `${tr(lang, 'console.escalate_reason')} *`);
            await page.click('#escalate');
            await page.waitForSelector('#escalate-reason-error');
            assert.equal(await page.textContent('#escalate-reason-error'),
                tr(lang, 'validate.required'));
            assert.equal(await page.textContent('#detail-escalation'),
                tr(lang, 'console.not_escalated'));
            await page.fill('#escalate-reason',
                'Caller is upset: third pothole');
            await page.click('#escalate');
            const [pre, post] = tr(lang, 'console.escalated_at')
                .split('{at}');
            await page.waitForFunction(([a, b]) => {
                const s = document.querySelector('#detail-escalation')
                    ?.textContent ?? '';
                return s.startsWith(a) && s.endsWith(b) &&
                    s.length > a.length + b.length;
            }, [pre, post]);
            // The detail shows the reason, as the server keeps it.
            assert.equal(await page.textContent('#detail-escalation-reason'),
                'Caller is upset: third pothole');
            const esc = await env.srv.get(`/api/v1/requests/${id}`,
                { headers: { authorization: `Bearer ${token}` } });
            assert.equal(esc.json.escalation.reason,
                'Caller is upset: third pothole');
            assert.equal(await page.inputValue('#note'), '');
            assert.equal(await page.locator('#escalate-form').count(), 0);
            // An expert finds it waiting in their queue.
            addUser(env.srv, `eve-${lang}`, ['expert']);
            const queue = await env.srv.get('/api/v1/queues/expert',
                { headers: { authorization: `Bearer ${
                    await apiToken(`eve-${lang}`)}` } });
            assert.equal(queue.status, 200, queue.text);
            const list = Array.isArray(queue.json) ? queue.json
                : queue.json.requests;
            // (one more for each language's run so far, oldest first)
            const waiting = list.map((x) => x.service_request_id ?? x.id);
            assert.equal(waiting.length, i + 1);
            assert.equal(waiting.at(-1), id);
            assert.deepEqual(await untranslated(page, lang), []);
            await shot(page, `console-detail-${lang}-desktop`);
            assert.deepEqual(page.errors, []);
            await page.close();
        });
}

for (const lang of ['zh', 'es']) {
    test(`console (${lang}): a number that is not a phone is said in the ` +
        'page\'s language', async (t) => {
        const f = await features(env.srv);
        if (!f.staff || !f.callers || !f.intake)
            return t.skip('the staff API is not on this server yet');
        addUser(env.srv, `bad-phone-${lang}`, ['agent']);
        // (a caller the city does not know yet is a 404 from the server)
        const page = await openPage(env, '/console/', { viewport: PHONE,
            lang, allow: [/status of 404/] });
        await signInAs(page, `bad-phone-${lang}`);
        const asked = [];
        page.on('request', (r) => {
            if (r.url().includes('/api/v1/callers'))
                asked.push(r.url());
        });
        await page.fill('#caller-phone', '555-12');
        await page.click('#caller-form button[type="submit"]');
        await page.waitForSelector('#caller-phone-error');
        assert.equal(await page.textContent('#caller-phone-error'),
            tr(lang, 'validate.phone'));
        assert.equal(await page.getAttribute('#caller-phone',
            'aria-invalid'), 'true');
        assert.deepEqual(asked, []);
        // Saving with such a number in the caller's details is refused on
        // the page too, before the server could answer in English.
        await page.selectOption('#service', 'POTHOLE');
        await page.waitForSelector('#attr-SIZE');
        await page.selectOption('#attr-SIZE', 'small');
        await page.fill('#address', '5 Elm Street');
        await page.fill('#phone', '555-12');
        await page.click('#intake-submit');
        await page.waitForSelector('#phone-error');
        assert.equal(await page.textContent('#phone-error'),
            tr(lang, 'validate.phone'));
        assert.deepEqual(await untranslated(page, lang), []);
        // A good number pops the caller and the problem goes away.
        await page.fill('#caller-phone', '(212) 555-0177');
        await page.click('#caller-form button[type="submit"]');
        await page.waitForSelector('#caller-summary');
        assert.equal(await page.textContent('#caller-summary'),
            tr(lang, 'console.caller_new', { phone: '(212) 555-0177' }));
        assert.equal(await page.locator('#caller-phone-error').count(), 0);
        assert.equal(await page.getAttribute('#caller-phone',
            'aria-invalid'), null);
        await shot(page, `console-bad-phone-${lang}-360`);
        assert.deepEqual(page.errors, []);
        await page.close();
    });
}

test('console: a new call or a new pop leaves nothing of the last caller',
    async (t) => {
        const f = await features(env.srv);
        if (!f.staff || !f.callers || !f.intake)
            return t.skip('the staff API is not on this server yet');
        addUser(env.srv, 'ann-next', ['agent']);
        const page = await openPage(env, '/console/', { viewport: PHONE,
            lang: 'es', allow: [/status of 404/] });
        await signInAs(page, 'ann-next');
        const callerFields = () => page.evaluate(() => Object.fromEntries(
            ['caller-phone', 'first_name', 'last_name', 'phone', 'email',
                'caller-lang', 'channel'].map((id) =>
                [id, document.getElementById(id).value]).concat([
                ['interpreter', document.getElementById('interpreter')
                    .checked]])));
        // A first caller, in Chinese with an interpreter, is saved.
        await page.fill('#caller-phone', '212-555-0161');
        await page.click('#caller-form button[type="submit"]');
        await page.waitForSelector('#caller-summary');
        await page.selectOption('#channel', 'walk_in');
        await page.selectOption('#caller-lang', 'zh');
        await page.check('#interpreter');
        await page.fill('#first_name', 'Mei');
        await page.fill('#last_name', 'Lin');
        await page.fill('#email', 'mei@example.org');
        await page.selectOption('#service', 'POTHOLE');
        await page.waitForSelector('#attr-SIZE');
        await page.selectOption('#attr-SIZE', 'small');
        await page.fill('#address', '9 Pier Road');
        await page.click('#intake-submit');
        await page.waitForSelector('[data-saved]');
        // The caller is still on the line: their details stay...
        assert.equal(await page.inputValue('#first_name'), 'Mei');
        // ... until the agent starts a new call: all gone, the channel
        // (the agent's line) kept, the focus on the number.
        assert.equal(await page.textContent('#new-call'),
            tr('es', 'console.new_call'));
        await page.click('#new-call');
        assert.deepEqual(await callerFields(), { 'caller-phone': '',
            first_name: '', last_name: '', phone: '', email: '',
            'caller-lang': 'en', channel: 'walk_in', interpreter: false });
        assert.equal(await page.textContent('#caller'), '');
        assert.equal(await page.textContent('#saved'), '');
        assert.equal(await page.inputValue('#service'), '');
        assert.equal(await page.evaluate(() => document.activeElement.id),
            'caller-phone');
        // Without "New call", popping another number resets the details
        // it does not fill.
        await page.fill('#first_name', 'Left over');
        await page.selectOption('#caller-lang', 'zh');
        await page.check('#interpreter');
        await page.fill('#caller-phone', '(212) 555-0162');
        await page.click('#caller-form button[type="submit"]');
        await page.waitForSelector('#caller-summary');
        assert.deepEqual(await callerFields(), {
            'caller-phone': '(212) 555-0162', first_name: '', last_name: '',
            phone: '(212) 555-0162', email: '', 'caller-lang': 'en',
            channel: 'walk_in', interpreter: false });
        // The next request is this caller's, not the last one's.
        await page.selectOption('#service', 'POTHOLE');
        await page.waitForSelector('#attr-SIZE');
        await page.selectOption('#attr-SIZE', 'large');
        await page.fill('#address', '10 Pier Road');
        await page.click('#intake-submit');
        await page.waitForSelector('[data-saved]');
        const id = await page.getAttribute('[data-saved]', 'data-saved');
        const r = await env.srv.get(`/api/v1/requests/${id}`, { headers: {
            authorization: `Bearer ${await apiToken('ann-next')}` } });
        assert.equal(r.status, 200, r.text);
        assert.equal(r.json.language, 'en');
        assert.equal(r.json.interpreter_used, false);
        assert.notEqual(r.json.caller?.first_name, 'Mei');
        assert.deepEqual(page.errors, []);
        await page.close();
    });

// A caller known by number only (an app request gave the phone) tells
// the agent their name and email: saving the request saves them on the
// caller, with the caller's id in the request sent.
test('console: details typed for a known caller are saved on the caller',
    async (t) => {
        const f = await features(env.srv);
        if (!f.staff || !f.callers || !f.intake)
            return t.skip('the staff API is not on this server yet');
        addUser(env.srv, 'ann-known', ['agent']);
        await seed(env.srv, [{ service_code: 'POTHOLE',
            address_string: '4 Dock Road', phone: '(718) 555-0164' }]);
        const token = await apiToken('ann-known');
        const pop = async () => {
            const r = await env.srv.get('/api/v1/callers?phone=7185550164',
                { headers: { authorization: `Bearer ${token}` } });
            assert.equal(r.status, 200, r.text);
            return r.json;
        };
        const before = await pop();
        assert.equal(before.first_name, null);
        const page = await openPage(env, '/console/', { viewport: DESKTOP,
            lang: 'es', allow: f.workorders ? [] : [/status of 404/] });
        await signInAs(page, 'ann-known');
        await page.fill('#caller-phone', '(718) 555-0164');
        await page.click('#caller-form button[type="submit"]');
        await page.waitForSelector(`[data-caller="${before.id}"]`);
        await page.selectOption('#service', 'POTHOLE');
        await page.waitForSelector('#attr-SIZE');
        await page.selectOption('#attr-SIZE', 'small');
        await page.fill('#address', '4 Dock Road');
        await page.fill('#first_name', 'Olga');
        await page.fill('#last_name', 'Petrova');
        await page.fill('#email', 'olga@example.org');
        const sent = page.waitForRequest((q) => q.method() === 'POST' &&
            q.url().endsWith('/api/v1/requests'));
        await page.click('#intake-submit');
        assert.deepEqual((await sent).postDataJSON().caller, {
            id: before.id, first_name: 'Olga', last_name: 'Petrova',
            phone: '+17185550164', email: 'olga@example.org' });
        await page.waitForSelector('[data-saved]');
        const after = await pop();
        assert.deepEqual([after.id, after.first_name, after.last_name,
            after.phones, after.emails], [before.id, 'Olga', 'Petrova',
            ['+17185550164'], ['olga@example.org']]);
        assert.deepEqual(page.errors, []);
        await page.close();
    });

test('console: switching the language keeps the half-filled form',
    async (t) => {
        const f = await features(env.srv);
        if (!f.staff || !f.intake)
            return t.skip('the staff API is not on this server yet');
        addUser(env.srv, 'ann-switch', ['agent']);
        const page = await openPage(env, '/console/', { viewport: PHONE,
            lang: 'en', allow: f.workorders ? [] : [/status of 404/] });
        // The sign-in form translates in place too, keeping the login.
        await page.fill('#login', 'ann-switch');
        await switchLang(page, 'es');
        assert.equal(await labelOf(page, 'login'), tr('es', 'staff.login'));
        assert.equal(await page.inputValue('#login'), 'ann-switch');
        await switchLang(page, 'en');
        await signInAs(page, 'ann-switch');
        // A page that reloads loses this mark.
        await page.evaluate(() => {
            window.notReloaded = true;
        });
        await page.selectOption('#channel', 'walk_in');
        await page.selectOption('#caller-lang', 'es');
        await page.check('#interpreter');
        await page.selectOption('#service', 'POTHOLE');
        await page.waitForSelector('#attr-SIZE');
        await page.selectOption('#attr-SIZE', 'medium');
        await page.fill('#description', 'A fire in the bin by the pothole');
        await page.fill('#first_name', 'Lucía');
        await page.fill('#email', 'lucia@example.org');
        const typed = async () => Object.fromEntries(await Promise.all(
            ['channel', 'caller-lang', 'service', 'attr-SIZE', 'description',
                'address', 'first_name', 'email'].map(async (id) =>
                [id, await page.inputValue(`#${id}`)])));
        const before = await typed();
        // Saving without a location: the problem is shown, and stays
        // shown, translated.
        await page.click('#intake-submit');
        await page.waitForSelector('.error-summary:not([hidden])');

        for (const lang of ['zh', 'es', 'en']) {
            await switchLang(page, lang);
            assert.equal(await page.evaluate(() => window.notReloaded), true);
            assert.equal(await page.title(), `${await page.textContent(
                '.city-name')} 311 · ${tr(lang, 'console.title')}`);
            assert.deepEqual(await typed(), before);
            assert.equal(await page.isChecked('#interpreter'), true);
            assert.equal(await labelOf(page, 'description'),
                tr(lang, 'console.description'));
            assert.equal(await page.textContent(
                '#channel option[value=walk_in]'), tr(lang, 'channel.walk_in'));
            assert.equal(await page.textContent(
                '#service option[value=POTHOLE]'),
            (await serviceNames(lang)).POTHOLE);
            assert.equal((await labelOf(page, 'attr-SIZE'))
                .replace(/\s*\*$/, ''), await question('POTHOLE', 'SIZE',
                lang));
            assert.equal(await page.textContent('#emergency'),
                tr(lang, 'console.emergency', { words: 'fire' }));
            assert.equal(await page.textContent('.error-summary h3'),
                tr(lang, 'form.fix'));
            assert.equal(await page.textContent('#address-error'),
                tr(lang, 'validate.location_required'));
            assert.deepEqual(await untranslated(page, lang), []);
            if (lang === 'zh')
                await shot(page, 'console-switched-zh-360');
        }
        await page.fill('#address', '7 Mill Lane');
        await page.click('#intake-submit');
        await page.waitForSelector('[data-saved]');
        assert.deepEqual(page.errors, []);
        await page.close();
    });

// The work orders of request id, as boss sees them.
async function workOrdersOf(token, id) {
    const r = await env.srv.get(`/api/v1/requests/${id}/workorders`,
        { headers: { authorization: `Bearer ${token}` } });
    assert.equal(r.status, 200, r.text);
    return r.json;
}

// A signed-in page's bearer token.
function tokenOf(page) {
    return page.evaluate(() => sessionStorage.getItem('civic311.token'));
}

// The supervisor's table: { group name: [on track, at risk, breached] }.
async function groupCounts(page) {
    return Object.fromEntries(await page.$$eval('#groups tbody tr',
        (trs) => trs.map((r) => [r.querySelector('th').textContent,
            [...r.querySelectorAll('td')].map((c) => c.textContent)])));
}

for (const [i, lang] of LANGS.entries()) {
    test(`work (${lang}): a crew member starts, holds, resumes and ` +
        'completes a work order and the follow-up appears', async (t) => {
        const f = await features(env.srv);
        if (!f.staff || !f.workorders)
            return t.skip('the work-order API is not on this server yet');
        const crew = `cal-${lang}`;
        addUser(env.srv, crew, ['crew'], ['SANITATION', 'POLICE']);
        const said = 'Burned-out Lada by the fish market. It has been here ' +
            'for three weeks, the windows are broken and children climb on ' +
            'it after school.';
        const [id] = await seed(env.srv, [{ service_code: 'ABANDONED_VEHICLE',
            address_string: '40 Pier Road', 'attribute[HAZARD]': 'no',
            'attribute[CONDITION]': 'burned', 'attribute[MAKE]': 'Lada',
            description: said }]);

        const page = await openPage(env, '/work/', { viewport: PHONE,
            lang });
        await signInAs(page, crew);
        assert.deepEqual(await unlabelled(page), []);
        // "All my departments", then the account's two by name.
        assert.deepEqual(await page.$$eval('#department option', (os) =>
            os.map((o) => [o.value, o.textContent])), [
            ['', tr(lang, 'work.all_departments')],
            ['SANITATION', cityText(lang, 'Department of Sanitation')],
            ['POLICE', cityText(lang, 'Police Department')]]);
        const card = page.locator('[data-workorder]', { hasText: id });
        await card.waitFor();
        const woId = await card.getAttribute('data-workorder');
        const text = await card.textContent();
        // The step, work group and department in the page's language.
        const inspect = cityText(lang, 'Inspect the reported vehicle');
        assert.equal(await card.locator('h3').textContent(),
            `${id} · ${inspect}`);
        assert.ok(text.includes(cityText(lang, 'Precinct Patrol')), text);
        assert.ok(text.includes(cityText(lang, 'Police Department')), text);
        assert.deepEqual(await untranslated(page, lang), []);
        assert.doesNotMatch(text, /PD_PATROL|POLICE/);
        assert.equal(await card.getAttribute('data-sla'), 'on_track');
        assert.match(text, new RegExp(tr(lang, 'sla.on_track')));
        // Where the work is, in bold, and what the resident wrote: cut at
        // a word to at most 120 characters, the whole of it one click away.
        assert.equal(await card.locator('.where strong').textContent(),
            '40 Pier Road');
        assert.equal(await card.locator('.description summary').textContent(),
            'Burned-out Lada by the fish market. It has been here for ' +
            'three weeks, the windows are broken and children climb on it…');
        assert.equal(await card.locator('.description p').isVisible(), false);
        await card.locator('.description summary').click();
        assert.equal(await card.locator('.description p').textContent(), said);
        await shot(page, `work-queue-${lang}-360`);

        // Messages name the request and the step, as the card does.
        const say = (key) => page.waitForFunction((s) => document
            .querySelector('#work-msg')?.textContent === s,
        tr(lang, key, { request: id, step: inspect }));
        await card.getByRole('button', { name: tr(lang, 'work.start') })
            .click();
        await say('work.done_start');
        assert.match(await card.textContent(),
            new RegExp(tr(lang, 'wo.status.in_progress')));

        // On hold with a reason, then back.
        await page.fill(`#reason-${woId}`, 'Waiting for the owner');
        await card.getByRole('button', { name: tr(lang, 'work.hold') })
            .click();
        await say('work.done_hold');
        assert.match(await card.textContent(),
            new RegExp(`${tr(lang, 'wo.status.on_hold')}.*Waiting for the ` +
                'owner'));
        await card.getByRole('button', { name: tr(lang, 'work.resume') })
            .click();
        await say('work.done_resume');
        assert.match(await card.textContent(),
            new RegExp(tr(lang, 'wo.status.in_progress')));

        // The step's outcomes are offered before the first try.
        const choice = page.locator(`#outcome-${woId}`);
        assert.equal(await labelOf(page, `outcome-${woId}`),
            tr(lang, 'work.outcome'));
        assert.deepEqual(await choice.locator('option').evaluateAll(
            (os) => os.map((o) => [o.value, o.textContent])), [
            ['', tr(lang, 'form.choose')], ['tow', tr(lang, 'outcome.tow')],
            ['not_found', tr(lang, 'outcome.not_found')],
            ['not_abandoned', tr(lang, 'outcome.not_abandoned')]]);
        assert.deepEqual(await untranslated(page, lang), []);
        // Without one, the page asks and sends nothing.
        await card.getByRole('button', { name: tr(lang, 'work.complete') })
            .click();
        await say('work.choose_outcome_first');
        assert.equal(await page.evaluate(() =>
            document.activeElement.id), `outcome-${woId}`);
        const token = await tokenOf(page);
        assert.equal((await workOrdersOf(token, id))[0].status, 'in_progress');

        await choice.selectOption('tow');
        await page.fill(`#note-${woId}`, 'No plates');
        await card.getByRole('button', { name: tr(lang, 'work.complete') })
            .click();
        await say('work.done_complete');
        const follow = page.locator('[data-workorder]', { hasText: id })
            .filter({ hasText: cityText(lang,
                'Tow the vehicle to the pound') });
        await follow.waitFor();
        const followText = await follow.textContent();
        assert.match(followText, new RegExp(tr(lang, 'work.new')));
        assert.ok(followText.includes(cityText(lang,
            'Tow Pound and Vehicle Enforcement')), followText);
        assert.equal(await page.locator('[data-workorder]', { hasText: id })
            .filter({ hasText: inspect }).count(), 0);
        const done = (await workOrdersOf(token, id))
            .find((w) => w.step === 'INSPECT');
        assert.equal(done.outcome, 'tow');
        assert.equal(done.notes, 'No plates');
        assert.deepEqual(await untranslated(page, lang), []);
        await shot(page, `work-followup-${lang}-360`);
        assert.deepEqual(page.errors, []);
        await page.close();

        // A supervisor sees the counts per work group, by name: the tow
        // of each language's test so far.
        const boss = `sue-${lang}`;
        addUser(env.srv, boss, ['supervisor'], ['SANITATION', 'POLICE']);
        const sup = await openPage(env, '/work/', { viewport: DESKTOP,
            lang });
        await signInAs(sup, boss);
        await sup.waitForSelector('#groups');
        assert.deepEqual(await sup.$$eval('#groups thead th',
            (ths) => ths.map((h) => h.textContent)), [tr(lang, 'work.group'),
            tr(lang, 'sla.on_track'), tr(lang, 'sla.at_risk'),
            tr(lang, 'sla.breached')]);
        const rows = await groupCounts(sup);
        assert.deepEqual(rows[cityText(lang,
            'Tow Pound and Vehicle Enforcement')], [String(i + 1), '0', '0']);
        // (other tests of this file leave work for other groups)
        assert.equal(cityText(lang, 'Street Cleaning and Enforcement') in rows,
            false);
        assert.equal(Object.keys(rows).some((g) => /^[A-Z_]+$/.test(g)),
            false);
        assert.deepEqual(await untranslated(sup, lang), []);
        await shot(sup, `work-supervisor-${lang}-desktop`);
        assert.deepEqual(sup.errors, []);
        await sup.close();
    });
}

test('work: switching the language keeps a half-filled hold or completion',
    async (t) => {
        const f = await features(env.srv);
        if (!f.staff || !f.workorders)
            return t.skip('the work-order API is not on this server yet');
        addUser(env.srv, 'cal-switch', ['crew'], ['PARKS']);
        const [id] = await seed(env.srv, [{ service_code: 'FALLEN_TREE',
            address_string: '2 Park Row' }]);
        const page = await openPage(env, '/work/', { viewport: PHONE,
            lang: 'en' });
        await signInAs(page, 'cal-switch');
        const card = page.locator('[data-workorder]', { hasText: id });
        await card.waitFor();
        const woId = await card.getAttribute('data-workorder');
        await card.getByRole('button', { name: tr('en', 'work.start') })
            .click();
        await page.locator(`#outcome-${woId}`).waitFor();
        await page.evaluate(() => {
            window.notReloaded = true;
        });
        await page.selectOption(`#outcome-${woId}`, 'branch_only');
        await page.fill(`#note-${woId}`, 'Only the big branch');
        await page.fill(`#reason-${woId}`, 'Needs a bucket truck');
        for (const lang of ['zh', 'es']) {
            await switchLang(page, lang);
            assert.equal(await page.evaluate(() => window.notReloaded), true);
            assert.equal(await page.inputValue(`#outcome-${woId}`),
                'branch_only');
            assert.equal(await page.inputValue(`#note-${woId}`),
                'Only the big branch');
            assert.equal(await page.inputValue(`#reason-${woId}`),
                'Needs a bucket truck');
            assert.equal(await labelOf(page, `note-${woId}`),
                tr(lang, 'work.note'));
            assert.equal(await page.textContent(
                `#outcome-${woId} option[value=branch_only]`),
            tr(lang, 'outcome.branch_only'));
            assert.match(await card.textContent(),
                new RegExp(tr(lang, 'wo.status.in_progress')));
            // The server's names are asked again in the new language.
            assert.equal(await card.locator('h3').textContent(),
                `${id} · ${cityText(lang, 'Remove the fallen tree or branch')}`);
            const text = await card.textContent();
            assert.ok(text.includes(cityText(lang, 'Forestry')), text);
            assert.ok(text.includes(cityText(lang,
                'Department of Parks and Recreation')), text);
            assert.equal(await page.textContent(
                '#department option[value="PARKS"]'),
            cityText(lang, 'Department of Parks and Recreation'));
            assert.deepEqual(await untranslated(page, lang), []);
        }
        await card.getByRole('button', { name: tr('es', 'work.complete') })
            .click();
        await page.waitForFunction((s) => document.querySelector(
            '#work-msg')?.textContent === s,
        tr('es', 'work.done_complete', { request: id,
            step: cityText('es', 'Remove the fallen tree or branch') }));
        const [w] = await workOrdersOf(await tokenOf(page), id);
        assert.equal(w.outcome, 'branch_only');
        assert.equal(w.notes, 'Only the big branch');
        assert.deepEqual(page.errors, []);
        await page.close();
    });

test('work: "only mine" keeps the signed-in login\'s work orders',
    async (t) => {
        const f = await features(env.srv);
        if (!f.staff || !f.workorders)
            return t.skip('the work-order API is not on this server yet');
        addUser(env.srv, 'pd.officer1', ['crew'], ['POLICE']);
        addUser(env.srv, 'pd.officer2', ['crew'], ['POLICE']);
        const ids = await seed(env.srv, ['Opel', 'Seat'].map((make) => ({
            service_code: 'ABANDONED_VEHICLE', lat: '40.7000',
            long: '-74.0100', 'attribute[HAZARD]': 'no',
            'attribute[CONDITION]': 'damaged', 'attribute[MAKE]': make })));
        const page = await openPage(env, '/work/', { viewport: PHONE,
            lang: 'es' });
        await signInAs(page, 'pd.officer1');
        assert.equal(await labelOf(page, 'mine'), tr('es', 'work.only_mine'));
        assert.equal(await page.textContent('#view option[value=queue]'),
            tr('es', 'work.view_queue'));
        // One of the two goes to the officer, the other to a colleague.
        const token = await tokenOf(page);
        for (const [id, who] of [[ids[0], 'pd.officer1'],
            [ids[1], 'pd.officer2']]) {
            const [w] = await workOrdersOf(token, id);
            const r = await env.srv.request('POST',
                `/api/v1/workorders/${w.id}/reassign`, {
                    body: JSON.stringify({ work_group: 'PD_PATROL',
                        assignee: who }),
                    headers: { authorization: `Bearer ${token}`,
                        'content-type': 'application/json' } });
            assert.equal(r.status, 200, r.text);
        }
        await page.reload();
        const card = (id) => page.locator('[data-workorder]', { hasText: id });
        await card(ids[1]).waitFor();
        // Without an address, the card shows the coordinates.
        assert.equal(await card(ids[0]).locator('.where').textContent(),
            '40.70000, -74.01000');
        await page.check('#mine');
        await card(ids[1]).waitFor({ state: 'detached' });
        assert.equal(await card(ids[0]).count(), 1);
        const assignees = await page.$$eval('[data-workorder]', (cards) =>
            cards.map((c) => c.textContent.includes('pd.officer1')));
        assert.ok(assignees.length >= 1 && assignees.every(Boolean));
        await page.uncheck('#mine');
        await card(ids[1]).waitFor();
        assert.deepEqual(page.errors, []);
        await page.close();
    });

test('work: at-risk and breached work orders are marked, soonest due first',
    async (t) => {
        const f = await features(env.srv);
        if (!f.staff || !f.workorders)
            return t.skip('the work-order API is not on this server yet');
        // A fresh inspection (2 business days) joins the tows (1 each):
        // a sweep just past the inspection's at-risk time finds it at
        // risk and the tows, due earlier, breached.
        const [id] = await seed(env.srv, [{ service_code: 'ABANDONED_VEHICLE',
            address_string: '9 Slip Street', 'attribute[HAZARD]': 'no',
            'attribute[CONDITION]': 'damaged', 'attribute[MAKE]': 'Fiat' }]);
        addUser(env.srv, 'cal-sla', ['crew'], ['POLICE']);
        addUser(env.srv, 'sue-sla', ['supervisor'], ['POLICE']);
        let page = await openPage(env, '/work/', { viewport: DESKTOP,
            lang: 'en' });
        await signInAs(page, 'cal-sla');
        const token = await tokenOf(page);
        const [inspect] = await workOrdersOf(token, id);
        const now = new Date(Date.parse(inspect.at_risk_datetime) + 1000)
            .toISOString();
        execFileSync(env.srv.bin, ['sla', 'sweep', '--db', env.srv.db,
            '--config', env.srv.config, '--now', now], { stdio: 'ignore' });
        const list = (await env.srv.get('/api/v1/workorders?status=' +
            'unfinished&department=POLICE&limit=1000', { headers:
            { authorization: `Bearer ${token}` } })).json;
        // What each should be, from its own times.
        const state = (w) => Date.parse(w.due_datetime) <= Date.parse(now)
            ? 'breached' : Date.parse(w.at_risk_datetime) <= Date.parse(now)
                ? 'at_risk' : 'on_track';
        assert.equal(state(list.find((w) => w.service_request_id === id)),
            'at_risk');
        assert.ok(list.some((w) => state(w) === 'breached'));
        const sorted = [...list].sort((a, b) =>
            Date.parse(a.due_datetime) - Date.parse(b.due_datetime) ||
            a.id - b.id);
        await page.close();

        for (const lang of LANGS) {
            page = await openPage(env, '/work/', { viewport: PHONE, lang });
            await page.evaluate(() => sessionStorage.clear());
            await page.reload();
            await page.waitForSelector('body[data-ready="true"]');
            await signInAs(page, 'cal-sla');
            await page.waitForSelector('[data-workorder]');
            const cards = await page.$$eval('[data-workorder]', (els) =>
                els.map((e) => [e.dataset.workorder, e.dataset.sla,
                    e.querySelector('.sla-' + e.dataset.sla)?.textContent]));
            assert.deepEqual(cards, sorted.map((w) => [String(w.id),
                state(w), tr(lang, `sla.${state(w)}`)]));
            await shot(page, `work-sla-${lang}-360`);
            assert.deepEqual(page.errors, []);
            await page.close();

            const sup = await openPage(env, '/work/', { viewport: DESKTOP,
                lang });
            await sup.evaluate(() => sessionStorage.clear());
            await sup.reload();
            await sup.waitForSelector('body[data-ready="true"]');
            await signInAs(sup, 'sue-sla');
            await sup.waitForSelector('#groups');
            const count = (g, s) => String(list.filter((w) =>
                w.work_group === g && state(w) === s).length);
            const rows = await groupCounts(sup);
            for (const [g, name] of [['PD_TOWING', cityText(lang,
                'Tow Pound and Vehicle Enforcement')],
            ['PD_PATROL', cityText(lang, 'Precinct Patrol')]])
                assert.deepEqual(rows[name], ['on_track', 'at_risk',
                    'breached'].map((s) => count(g, s)), name);
            assert.deepEqual(await untranslated(sup, lang), []);
            await shot(sup, `work-supervisor-sla-${lang}-desktop`);
            assert.deepEqual(sup.errors, []);
            await sup.close();
        }
    });
