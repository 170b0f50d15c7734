// SPDX-License-Identifier: MIT
//
// The knowledge base: search in English, Chinese and Spanish with
// language preference and fallback, the service keyword boost, editing
// with a restorable history, usage and its report, the public side, and
// `civic311 kb load` twice over. The demo city's articles are loaded by
// the server at its first start, in file order, English, Chinese then
// Spanish for each of its 36 groups: group g (from 0) has ids 3g+1, 3g+2
// and 3g+3, so 1, 2 and 3 are the towed car, 19, 20 and 21 bulky item
// pickup, and the first article made here is 109.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';

import { repoRoot, testCleanStop, useServer } from './lib/server.mjs';
import { expectJson } from './lib/check.mjs';
import { addUser, signIn } from './lib/staff.mjs';

const ctx = useServer('200-kb');
const tokens = {};

// One staff API call as login (an account with role, made on first use);
// body is sent as JSON.
async function call(login, role, method, url, body) {
    if (!tokens[login]) {
        addUser(ctx.srv, login, [role]);
        tokens[login] = await signIn(ctx.srv, login);
    }
    return ctx.srv.request(method, url, {
        body: body === undefined ? undefined : JSON.stringify(body),
        headers: { authorization: `Bearer ${tokens[login]}`,
            'content-type': 'application/json' },
    });
}

const agent = (method, url, body) => call('agent1', 'agent', method, url, body);
const editor = (method, url, body) =>
    call('editor1', 'editor', method, url, body);

// A staff search; returns the answer.
async function search(query) {
    return expectJson(await agent('GET', `/api/v1/kb/search?${query}`), 200,
        query);
}

const ids = (answer) => answer.results.map((r) => r.id);

test('towed car: the towed car article first, in English', async () => {
    const a = await search('q=towed+car&lang=en');
    assert.equal(a.mode, 'all');
    assert.deepEqual(ids(a), [1, 4, 7, 13, 100]);
    assert.equal(a.results[0].title,
        'Towed car: where it is and how to get it back');
    assert.equal(a.results[0].lang, 'en');
    assert.equal(a.results[0].matched_id, null);
    assert.deepEqual(a.results[0].services,
        ['ABANDONED_VEHICLE', 'BLOCKED_DRIVEWAY', 'ILLEGAL_PARKING']);
    assert.equal(a.results[0].snippet,
        'If your <mark>car</mark> is not where you parked it, first find ' +
        'out whether it was <mark>towed</mark> or stolen. Look up the ' +
        'plate under &quot;<mark>Towed</mark> vehicle&quot; on the 311 ' +
        'portal, democity.examp\u2026');
});

test('towed car with lang=zh: the Chinese translations of the matches',
    async () => {
        const a = await search('q=towed+car&lang=zh');
        assert.deepEqual(ids(a), [2, 5, 8, 14, 101]);
        assert.deepEqual(a.results.map((r) => r.matched_id),
            [1, 4, 7, 13, 100]);
        assert.equal(a.results[0].title, '拖车与扣车：如何找回被拖走的车辆');
        assert.ok(a.results.every((r) => r.lang === 'zh'));
    });

test('拖车 (two characters, no trigram): the Chinese towed car article first',
    async () => {
        const a = await search(`q=${encodeURIComponent('拖车')}&lang=zh`);
        assert.equal(a.mode, 'all');
        assert.deepEqual(ids(a), [2, 11, 5, 8, 101]);
        // 被拖车辆 (towed vehicles) has 拖车 in it too: no word breaks.
        assert.equal(a.results[0].snippet,
            '如果您的车不在原来停放的位置，请先确认车辆是被<mark>拖车</mark>' +
            '拖走还是被盗。可以在 311 门户网站 democity.example 的&quot;被' +
            '<mark>拖车</mark>辆&quot;栏目输入车牌号查询，或致电 311 询问；' +
            '<mark>拖车</mark>后两小时内即可查到记录。 以下情况车辆会被拖走：' +
            '在消防栓旁、公交车站或禁停<mark>拖车</mark>区停车，堵住他人车道，' +
            '道路临时封闭，或者车辆被举报为废弃车\u2026');
    });

test('拖车 with lang=en: the English translations', async () => {
    const a = await search(`q=${encodeURIComponent('拖车')}&lang=en`);
    assert.deepEqual(ids(a), [1, 10, 4, 7, 100]);
    assert.deepEqual(a.results.map((r) => r.matched_id), [2, 11, 5, 8, 101]);
});

test('bulky: bulky item pickup, in the language asked for', async () => {
    const en = await search('q=bulky&lang=en');
    assert.deepEqual(ids(en), [19]);
    assert.equal(en.results[0].title, 'Bulky item pickup');
    assert.equal(en.results[0].snippet,
        '\u2026311 agent or book at democity.example/<mark>bulky</mark>; ' +
        'you will get a date on your regular trash day within the next two ' +
        'weeks. Put the items at the curb after 6 pm the e\u2026');
    // The Chinese article has the word in its link, so it matches itself.
    const zh = await search('q=bulky&lang=zh');
    assert.deepEqual(ids(zh), [20]);
    assert.equal(zh.results[0].title, '大件物品清运');
    assert.equal(zh.results[0].matched_id, null);
    // Only the English one says mattress: its translation stands for it.
    const mattress = await search('q=mattress&lang=zh');
    assert.deepEqual(ids(mattress), [20]);
    assert.equal(mattress.results[0].matched_id, 19);
    const none = await search('q=bulky');
    assert.deepEqual(ids(none), [19]);
});

test('a Chinese sentence without spaces falls back to pairs of characters',
    async () => {
        const a = await search(`q=${encodeURIComponent('车被拖走了')}&lang=zh`);
        assert.equal(a.mode, 'any');
        assert.equal(a.results[0].id, 2);
    });

test('one Chinese character and a two-letter word are found', async () => {
    const mold = await search(`q=${encodeURIComponent('霉')}&lang=zh`);
    assert.deepEqual(ids(mold), [59]);
    // English matches first; then the Spanish "idioma" of language help,
    // shown in English.
    const id = await search('q=ID&lang=en');
    assert.deepEqual(ids(id), [1, 76, 106, 97]);
    assert.deepEqual(id.results.map((r) => r.matched_id),
        [null, null, null, 99]);
});

// A public search, as the residents' portal makes it; returns the answer.
async function publicSearch(query, headers) {
    return expectJson(await ctx.srv.get(`/api/v1/public/kb/search?${query}`,
        headers ? { headers } : undefined), 200, query);
}

const es = (q) => publicSearch(`q=${encodeURIComponent(q)}&lang=es`);

test('Spanish words, with or without accents, find the Spanish article',
    async () => {
        const towed = await es('remolcado');
        assert.deepEqual(ids(towed), [3, 6, 9, 15, 102]);
        assert.equal(towed.results[0].title,
            'Auto remolcado: dónde está y cómo recuperarlo');
        assert.ok(towed.results.every((r) => r.lang === 'es'));
        assert.ok(towed.results.every((r) => r.matched_id === null));
        // The towed car has grúa in its body and coche in its tags; the
        // blocked driveway, grúa in its body and cochera in its tags.
        for (const q of ['grúa coche', 'grua coche', 'GRÚA COCHE',
            'ＧＲＵＡ ＣＯＣＨＥ']) {
            const a = await es(q);
            assert.deepEqual(ids(a), [3, 12], q);
            assert.match(a.results[0].snippet, /<mark>grúa<\/mark>/, q);
        }
        assert.deepEqual(ids(await es('grua')), [3, 6, 12]);
        // Title, tags and body: 10 + 6 + 2 for trash collection days.
        assert.deepEqual(ids(await es('basura')).slice(0, 3), [27, 30, 39]);
        assert.deepEqual(ids(await es('bache')), [48, 102]);
        // "construidos" has ruido in it, but not at the start of a word.
        assert.deepEqual(ids(await es('ruido')), [18, 102]);
        for (const q of ['calefacción', 'calefaccion', 'CALEFACCION']) {
            const a = await es(q);
            assert.deepEqual(ids(a), [57, 102], q);
            assert.equal(a.results[0].title,
                'Normas de calefacción y agua caliente en apartamentos');
        }
    });

test('Spanish questions and plurals: common words and endings dropped',
    async () => {
        // Left: coche remolcado; only the towed car has both.
        const q = await es('¿Dónde está mi coche remolcado?');
        assert.equal(q.mode, 'all');
        assert.deepEqual(ids(q), [3]);
        // multas is read as multa: the parking ticket's title and tags.
        assert.equal((await es('multas')).results[0].id, 15);
        // farolas finds the streetlight article, whose title says farola.
        assert.deepEqual(ids(await es('farolas')), [51, 102]);
        assert.deepEqual(ids(await es('baches')), [48, 102]);
    });

test('a Spanish search in another language, and a regional tag',
    async () => {
        // Matched in Spanish, shown in English.
        const en = await publicSearch('q=remolcado&lang=en');
        assert.deepEqual(ids(en), [1, 4, 7, 13, 100]);
        assert.deepEqual(en.results.map((r) => r.matched_id),
            [3, 6, 9, 15, 102]);
        // A browser asking for Mexican Spanish gets the Spanish articles.
        const mx = await publicSearch('q=towed+car',
            { 'accept-language': 'es-MX,es;q=0.9,en;q=0.8' });
        assert.equal(mx.lang, 'es');
        assert.deepEqual(ids(mx), [3, 6, 9, 15, 102]);
        assert.deepEqual(mx.results.map((r) => r.matched_id),
            [1, 4, 7, 13, 100]);
        // The heaviest language counts, and a language weighed 0 is none.
        const heavy = await publicSearch('q=towed+car',
            { 'accept-language': 'en;q=0.1, es;q=0.9' });
        assert.equal(heavy.lang, 'es');
        assert.deepEqual(ids(heavy), [3, 6, 9, 15, 102]);
        const refused = await publicSearch('q=towed+car',
            { 'accept-language': 'es;q=0, en' });
        assert.equal(refused.lang, 'en');
        assert.deepEqual(ids(refused), [1, 4, 7, 13, 100]);
    });

test('filters: service alone lists its articles; category and language',
    async () => {
        const a = await search('service=BULKY_ITEM&lang=zh');
        assert.deepEqual(ids(a), [20]);
        const b = await search(`q=parking&category=${
            encodeURIComponent('Vehicles and Parking')}`);
        assert.ok(b.results.length > 0);
        assert.ok(b.results.every((r) => r.category === 'Vehicles and Parking'));
        const c = await search(`q=${encodeURIComponent('拖车')}&language=en`);
        assert.deepEqual(ids(c), []);
    });

test('search errors: sign-in, bad arguments', async () => {
    let r = await ctx.srv.get('/api/v1/kb/search?q=bulky');
    assert.equal(expectJson(r, 401).error.code, 'unauthorized');
    r = await agent('GET', '/api/v1/kb/search?lang=en');
    assert.deepEqual(expectJson(r, 400).error, { code: 'required',
        field: 'q',
        message: 'q is required unless category or service is given' });
    r = await agent('GET', '/api/v1/kb/search?q=x&lang=english!');
    assert.deepEqual(expectJson(r, 400).error, { code: 'invalid',
        field: 'lang', message: 'lang must be a language tag such as en or zh' });
    r = await agent('GET', `/api/v1/kb/search?q=${'a'.repeat(201)}`);
    assert.equal(expectJson(r, 400).error.field, 'q');
    r = await agent('GET', '/api/v1/kb/search?service=NOPE');
    assert.equal(expectJson(r, 404).error.field, 'service');
});

let draft; // the article the editing tests make

test('an editor writes a draft; agents may not', async () => {
    const body = {
        lang: 'en', title: 'Noise noise noise', body: 'Noise, noise.',
        category: 'Testing', tags: ['noise'], review_by: '2000-01-01',
    };
    let r = await agent('POST', '/api/v1/kb/articles', body);
    assert.equal(expectJson(r, 403).error.code, 'forbidden');
    r = await editor('POST', '/api/v1/kb/articles', body);
    draft = expectJson(r, 201);
    assert.equal(draft.id, 109);
    assert.equal(draft.group_id, 109);
    assert.equal(draft.status, 'draft');
    assert.equal(draft.version, 1);
    assert.equal(draft.updated_by, 'user:editor1');
    assert.equal(draft.body_html, '<p>Noise, noise.</p>\n');
    assert.deepEqual(draft.translations, []);
    r = await editor('POST', '/api/v1/kb/articles',
        { ...body, services: ['NOPE'] });
    assert.deepEqual(expectJson(r, 400).error, { code: 'invalid',
        field: 'services', message: "unknown service code 'NOPE'" });
    r = await editor('POST', '/api/v1/kb/articles', { ...body, title: '' });
    assert.deepEqual(expectJson(r, 400).error, { code: 'required',
        field: 'title', message: 'title is required' });
    r = await editor('POST', '/api/v1/kb/articles', { ...body, titel: 'x' });
    assert.deepEqual(expectJson(r, 400).error, { code: 'unknown',
        field: 'titel', message: 'unknown field titel' });
    r = await editor('POST', '/api/v1/kb/articles', { ...body, tags: 'x' });
    assert.equal(expectJson(r, 400).error.code, 'invalid_type');
    r = await editor('POST', '/api/v1/kb/articles',
        { ...body, body: 'see [this](javascript:alert(1))' });
    assert.equal(expectJson(r, 400).error.field, 'body');
});

test('the service keyword boost puts linked articles first', async () => {
    // The draft scores higher on "noise" but links no noise service.
    const a = await search('q=noise&lang=en');
    assert.deepEqual(ids(a).slice(0, 2), [16, 109]);
});

test('drafts are for staff: the public neither finds nor reads them',
    async () => {
        const staff = await search('q=noise+noise&lang=en');
        assert.ok(ids(staff).includes(109));
        let r = await ctx.srv.get('/api/v1/public/kb/search?q=noise&lang=en');
        const pub = expectJson(r, 200);
        assert.ok(!ids(pub).includes(109));
        assert.equal(pub.results[0].id, 16);
        assert.equal(pub.results[0].status, undefined);
        r = await ctx.srv.get('/api/v1/public/kb/articles/109');
        assert.equal(expectJson(r, 404).error.code, 'not_found');
    });

test('a translation joins the group; one article per language',
    async () => {
        let r = await editor('POST', '/api/v1/kb/articles', {
            lang: 'zh', translation_of: 109, title: '噪音测试', body: '噪音。',
        });
        const zh = expectJson(r, 201);
        assert.equal(zh.id, 110);
        assert.equal(zh.group_id, 109);
        assert.deepEqual(zh.translations,
            [{ id: 109, lang: 'en', title: 'Noise noise noise',
                status: 'draft' }]);
        r = await editor('POST', '/api/v1/kb/articles', {
            lang: 'zh', translation_of: 109, title: 'x', body: 'y',
        });
        assert.equal(expectJson(r, 409).error.code, 'conflict');
        r = await editor('POST', '/api/v1/kb/articles', {
            lang: 'zh', translation_of: 999999, title: 'x', body: 'y',
        });
        assert.equal(expectJson(r, 400).error.field, 'translation_of');
    });

test('editing keeps a restorable history', async () => {
    const url = '/api/v1/kb/articles/109';
    let r = await editor('PUT', url, {
        version: 1, title: 'Quiet hours', body: 'Quiet from 10 pm.',
        category: 'Testing', tags: ['noise', 'quiet'], review_by: '2000-01-01',
    });
    let a = expectJson(r, 200);
    assert.equal(a.version, 2);
    assert.equal(a.title, 'Quiet hours');
    r = await editor('PUT', url, { version: 1, title: 'Stale', body: 'x' });
    assert.equal(expectJson(r, 409).error.code, 'conflict');
    r = await editor('PUT', url, {
        title: 'Quiet hours', body: 'Quiet from 10 pm.', category: 'Testing',
        tags: ['noise', 'quiet'], review_by: '2000-01-01',
    });
    assert.equal(expectJson(r, 200).version, 2, 'no change, no version');
    r = await editor('POST', `${url}/publish`);
    a = expectJson(r, 200);
    assert.equal(a.version, 3);
    assert.equal(a.status, 'published');
    r = await editor('POST', `${url}/versions/1/restore`);
    a = expectJson(r, 200);
    assert.equal(a.version, 4);
    assert.equal(a.title, 'Noise noise noise');
    assert.equal(a.body, 'Noise, noise.');
    assert.deepEqual(a.tags, ['noise']);
    assert.equal(a.status, 'published');

    r = await agent('GET', `${url}/versions`);
    const h = expectJson(r, 200);
    assert.equal(h.article_id, 109);
    assert.deepEqual(h.versions.map((v) => [v.version, v.action,
        v.restored_from, v.changed, v.status, v.actor, v.content.title]), [
        [1, 'created', null, ['title', 'body', 'category', 'review_by',
            'tags'], 'draft', 'user:editor1', 'Noise noise noise'],
        [2, 'edited', null, ['title', 'body', 'tags'], 'draft',
            'user:editor1', 'Quiet hours'],
        [3, 'published', null, ['status'], 'published', 'user:editor1',
            'Quiet hours'],
        [4, 'restored', 1, ['title', 'body', 'tags'], 'published',
            'user:editor1', 'Noise noise noise'],
    ]);
    r = await editor('POST', `${url}/versions/9/restore`);
    assert.equal(expectJson(r, 404).error.code, 'not_found');
    r = await agent('POST', `${url}/versions/1/restore`);
    assert.equal(expectJson(r, 403).error.code, 'forbidden');
});

test('the public reads published articles with their translations',
    async () => {
        const r = await ctx.srv.get('/api/v1/public/kb/articles/1');
        const a = expectJson(r, 200);
        assert.equal(a.title, 'Towed car: where it is and how to get it back');
        // The other languages of the group, by language tag.
        assert.deepEqual(a.translations, [
            { id: 3, lang: 'es',
                title: 'Auto remolcado: dónde está y cómo recuperarlo' },
            { id: 2, lang: 'zh', title: '拖车与扣车：如何找回被拖走的车辆' }]);
        assert.equal(a.status, undefined);
        assert.equal(a.version, undefined);
        assert.match(a.body_html, /^<p>If your car is not where you parked/);
        assert.match(a.body_html,
            /<a href="https:\/\/democity.example\/">democity.example<\/a>/);
        assert.match(a.body_html, /<ul><li>a driver&#39;s licence/);
    });

test('uses and searches show in the report', async () => {
    const use = (id, channel, without) => agent('POST',
        `/api/v1/kb/articles/${id}/uses`,
        { channel, answered_without_request: without });
    let r = await use(19, 'phone', true);
    assert.deepEqual(Object.keys(expectJson(r, 201)).sort(),
        ['answered_without_request', 'article_id', 'at', 'channel']);
    expectJson(await use(19, 'web', false), 201);
    expectJson(await use(2, 'phone', true), 201);
    r = await use(19, 'pigeon', true);
    assert.deepEqual([expectJson(r, 400).error.code, r.json.error.field],
        ['invalid', 'channel']);
    r = await agent('POST', '/api/v1/kb/articles/19/uses', { channel: 'web' });
    assert.deepEqual([expectJson(r, 400).error.code, r.json.error.field],
        ['required', 'answered_without_request']);
    r = await use(999999, 'phone', true);
    assert.equal(expectJson(r, 404).error.code, 'not_found');
    await search('q=xyzzy');
    await search('q=XYZZY++');
    expectJson(await ctx.srv.get('/api/v1/public/kb/search?q=plugh'), 200);

    r = await agent('GET', '/api/v1/kb/reports');
    assert.equal(expectJson(r, 403).error.code, 'forbidden');
    r = await call('super1', 'supervisor', 'GET', '/api/v1/kb/reports');
    const rep = expectJson(r, 200);
    assert.deepEqual(rep.top_articles, [
        { id: 19, title: 'Bulky item pickup', lang: 'en', uses: 2 },
        { id: 2, title: '拖车与扣车：如何找回被拖走的车辆', lang: 'zh', uses: 1 },
    ]);
    assert.equal(rep.uses, 3);
    assert.equal(rep.answered_without_request, 2);
    assert.equal(rep.answered_without_request_share, 0.6667);
    // 拖车 limited to English articles, in the filter test, found nothing.
    assert.deepEqual(rep.empty_searches, [{ query: 'xyzzy', count: 2 },
        { query: 'plugh', count: 1 }, { query: '拖车', count: 1 }]);
    assert.equal(rep.searches_without_results, 4);
    // Every search with a q in this file so far, counted test by test:
    // 19 of them in Spanish.
    assert.equal(rep.searches, 39);
    assert.deepEqual(rep.overdue_articles[0], {
        id: 109, lang: 'en', title: 'Noise noise noise',
        review_by: '2000-01-01', status: 'published', department: null,
    });
    assert.ok(rep.overdue_articles.every((a) => a.review_by < rep.today));

    r = await call('super1', 'supervisor', 'GET',
        '/api/v1/kb/reports?from=2000-01-01&to=2000-12-31');
    const old = expectJson(r, 200);
    assert.deepEqual([old.uses, old.searches, old.top_articles], [0, 0, []]);
    assert.equal(old.answered_without_request_share, null);
    r = await call('super1', 'supervisor', 'GET',
        '/api/v1/kb/reports?from=2001-01-01&to=2000-01-01');
    assert.equal(expectJson(r, 400).error.field, 'from');
});

test('kb load adds what is missing, twice over changes nothing', () => {
    const srv = ctx.srv;
    const file = path.join(srv.dir, 'kb.yaml');
    const write = (body) => fs.writeFileSync(file, [
        'articles:',
        '  - key: load-test',
        '    services: [POTHOLE]',
        '    en: {title: Load test, tags: [load], body: "First."}',
        `    zh: {title: 加载测试, body: "${body}"}`,
        ''].join('\n'));
    const load = (...extra) => execFileSync(srv.bin, ['kb', 'load', '--db',
        srv.db, ...extra, file], { cwd: repoRoot, encoding: 'utf8' });
    write('第一版。');
    assert.equal(load(), '2 created, 0 updated, 0 unchanged\n');
    assert.equal(load(), '0 created, 0 updated, 2 unchanged\n');
    write('第二版。');
    assert.equal(load(), '0 created, 0 updated, 2 unchanged\n');
    assert.equal(load('--update'), '0 created, 1 updated, 1 unchanged\n');
    assert.equal(load('--update'), '0 created, 0 updated, 2 unchanged\n');
    const demo = execFileSync(srv.bin, ['kb', 'load', '--db', srv.db,
        'config/kb/demo-city.yaml'], { cwd: repoRoot, encoding: 'utf8' });
    // One article per language key ("    en:") of each group in the file.
    const langs = fs.readFileSync(path.join(repoRoot, 'config', 'kb',
        'demo-city.yaml'), 'utf8').match(/^ {4}[a-z]{2}(-[A-Za-z]+)?:$/gm);
    assert.equal(langs.length, 108);
    assert.equal(demo, `0 created, 0 updated, ${langs.length} unchanged\n`);
});

// Checks value against components.schemas[name] of docs/openapi.json,
// OpenAPI's nullable read as "or null".
function conforms(name, value) {
    const doc = JSON.parse(fs.readFileSync(path.join(repoRoot, 'docs',
        'openapi.json'), 'utf8'));
    const root = JSON.parse(JSON.stringify(doc.components.schemas)
        .replaceAll('#/components/schemas/', '#/$defs/'));
    const widen = (v) => {
        if (!v || typeof v !== 'object')
            return;
        Object.values(v).forEach(widen);
        if (v.nullable === true) {
            const copy = { ...v };
            delete copy.nullable;
            for (const k of Object.keys(v))
                delete v[k];
            v.anyOf = [{ type: 'null' }, copy];
        }
    };
    widen(root);
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    const check = ajv.compile({ $defs: root, $ref: `#/$defs/${name}` });
    assert.ok(check(value), `${name}: ${JSON.stringify(check.errors)}`);
}

test('answers satisfy the schemas of docs/openapi.json', async () => {
    conforms('KbArticle', expectJson(await agent('GET',
        '/api/v1/kb/articles/109'), 200));
    conforms('KbArticle', expectJson(await ctx.srv.get(
        '/api/v1/public/kb/articles/2'), 200));
    conforms('KbSearch', await search('q=towed+car&lang=zh'));
    conforms('KbSearch', expectJson(await ctx.srv.get(
        '/api/v1/public/kb/search?q=bulky'), 200));
    const h = expectJson(await agent('GET', '/api/v1/kb/articles/109/versions'),
        200);
    h.versions.forEach((v) => conforms('KbVersion', v));
    conforms('KbReport', expectJson(await call('super1', 'supervisor', 'GET',
        '/api/v1/kb/reports'), 200));
});

testCleanStop(ctx);
