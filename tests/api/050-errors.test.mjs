// SPDX-License-Identifier: MIT
//
// Every error case of the contract: its status, and the spec's error list
// in the requested format. Never a 500, never HTML.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { API, testCleanStop, useServer } from './lib/server.mjs';
import { expectErrors, expectJson } from './lib/check.mjs';

const ctx = useServer('050-errors', setup);

let answers; // valid answers to every required question of ABANDONED_VEHICLE

// A valid abandoned-vehicle POST with `change` applied: an object whose
// keys replace fields (null removes them) and whose `add` pairs are added.
function avFields(change = {}) {
    const base = new Map([
        ['service_code', 'ABANDONED_VEHICLE'],
        ['lat', '40.7128'],
        ['long', '-74.006'],
        ['description', 'error tests'],
    ]);
    let pairs = [...base, ...answers];
    for (const [k, v] of Object.entries(change)) {
        if (k === 'add')
            continue;
        pairs = pairs.filter(([f]) => f !== k);
        if (v !== null)
            pairs.push([k, v]);
    }
    return [...pairs, ...(change.add ?? [])];
}

async function postBoth(fields, status, what, opts = {}) {
    const json = expectErrors(await ctx.srv.post(`${API}/requests.json`,
        fields, opts), status, 'json', what);
    const xml = expectErrors(await ctx.srv.post(`${API}/requests.xml`,
        fields, opts), status, 'xml', what);
    assert.equal(xml.length, json.length, `${what}: JSON and XML differ`);
    return json;
}

async function setup() {
    const def = expectJson(await ctx.srv.get(
        `${API}/services/ABANDONED_VEHICLE.json`), 200);
    assert.equal(def.attributes.find((a) => a.code === 'HAZARD').required,
        true);
    answers = [['attribute[HAZARD]', 'no']];
    for (const a of def.attributes.filter((x) => x.required &&
        x.code !== 'HAZARD')) {
        const v = a.datatype.endsWith('valuelist') ? a.values[0].key
            : a.datatype === 'number' ? '1'
                : a.datatype === 'datetime' ? '2026-01-10T08:30:00-05:00' : 'x';
        answers.push([`attribute[${a.code}]${
            a.datatype === 'multivaluelist' ? '[]' : ''}`, v]);
    }
}

test('the valid base POST is accepted (so each case below tests one thing)',
    async () => {
        const r = await ctx.srv.post(`${API}/requests.json`, avFields());
        assert.equal(r.status, 201, r.text);
    });

test('api_key missing or wrong is a 403, checked first', async () => {
    await postBoth(avFields(), 403, 'no api_key', { apiKey: false });
    await postBoth([['api_key', 'not-a-key'], ...avFields()], 403, 'wrong key');
    await postBoth([['api_key', ''], ...avFields()], 403, 'empty key');
    await postBoth([['api_key', 'not-a-key'], ['lat', '999']], 403,
        'wrong key and bad fields');
});

test('service_code missing is a 400, unknown a 404 that lists the rest too',
    async () => {
        await postBoth(avFields({ service_code: null }), 400,
            'no service_code');
        const one = await postBoth(avFields({ service_code: 'NO_SUCH_SERVICE' }),
            404, 'unknown service');
        assert.deepEqual(one,
            ["service_code 'NO_SUCH_SERVICE' is not a known service"]);
        const three = await postBoth(avFields({ service_code: 'NO_SUCH_SERVICE',
            lat: '91', media_url: 'javascript:x' }), 404,
        'unknown service and two more problems');
        assert.deepEqual(three, [
            "service_code 'NO_SUCH_SERVICE' is not a known service",
            'lat is not a decimal latitude from -90 to 90',
            'media_url is not an http or https URL']);
        const r = await ctx.srv.post(`${API}/requests.json`,
            [['service_code', 'NOPE'], ['lat', '40'], ['long', '200']]);
        assert.equal(r.status, 404, r.text);
        assert.deepEqual(r.json, [
            { code: 404, description: "service_code 'NOPE' is not a known " +
                'service' },
            { code: 404, description: 'long is not a decimal longitude ' +
                'from -180 to 180' }]);
    });

test('a phone or email that cannot be used is refused, with the rest',
    async () => {
        const PHONE = 'phone cannot be read as a phone number (10 US ' +
            'digits, or + and 8 to 15 digits)';
        const r = await ctx.srv.post(`${API}/requests.json`,
            [['service_code', 'POTHOLE'], ['address_string', 'x'],
                ['email', 'bad'], ['phone', '123']]);
        assert.equal(r.status, 400, r.text);
        assert.deepEqual(r.json, [
            { code: 400, description: PHONE },
            { code: 400, description: 'email is not an email address' }]);
        assert.deepEqual(await postBoth(avFields({ phone: 'call me',
            lat: '91' }), 400, 'bad phone and lat'),
        ['lat is not a decimal latitude from -90 to 90', PHONE]);
        assert.deepEqual(await postBoth(avFields({ email: 'a@b c.org' }), 400,
            'email with a space'), ['email is not an email address']);
        // Usable ones are filed; a field left empty is no contact at all.
        for (const [phone, email] of [['(212) 555-0142', 'Resident@Example.org'],
            ['+44 20 7946 0958', ''], ['', '']]) {
            const ok = await ctx.srv.post(`${API}/requests.json`,
                avFields({ phone, email }));
            assert.equal(ok.status, 201, `${phone} ${email}: ${ok.text}`);
        }
    });

test('a field given twice is a 400', async () => {
    await postBoth(avFields({ add: [['description', 'again']] }), 400,
        'description twice');
    await postBoth(avFields({ add: [['lat', '40.7128']] }), 400, 'lat twice');
});

test('location: none, half a pair, or out of range is a 400', async () => {
    await postBoth(avFields({ lat: null, long: null }), 400, 'no location');
    await postBoth(avFields({ long: null }), 400, 'lat without long');
    await postBoth(avFields({ lat: null }), 400, 'long without lat');
    await postBoth(avFields({ lat: '91' }), 400, 'lat 91');
    await postBoth(avFields({ lat: '-90.5' }), 400, 'lat -90.5');
    await postBoth(avFields({ long: '181' }), 400, 'long 181');
    await postBoth(avFields({ lat: 'north' }), 400, 'lat not a number');
    await postBoth(avFields({ lat: '40.7abc' }), 400, 'lat trailing text');
    await postBoth(avFields({ lat: null, long: null,
        address_string: 'x'.repeat(1001) }), 400, 'address_string too long');
    const ok = await ctx.srv.post(`${API}/requests.json`,
        avFields({ lat: null, long: null, address_string: 'x'.repeat(1000) }));
    assert.equal(ok.status, 201, `1000-byte address: ${ok.text}`);
    const id = await ctx.srv.post(`${API}/requests.json`,
        avFields({ lat: null, long: null, address_id: 'A-77' }));
    assert.equal(id.status, 201, `address_id alone: ${id.text}`);
});

test('answers are checked against the service definition', async () => {
    await postBoth(avFields({ 'attribute[YEAR]': 'nineteen' }), 400,
        'number answer not a number');
    await postBoth(avFields({ 'attribute[HAZARD]': 'maybe' }), 400,
        'value not in the list');
    await postBoth(avFields({ add: [['attribute[MISSING_PARTS][]', 'wings']] }),
        400, 'multivalue not in the list');
    await postBoth(avFields({ 'attribute[HAZARD]': null }), 400,
        'required answer missing');
    await postBoth(avFields({ 'attribute[HAZARD]': null,
        add: [['attribute[HAZARD]', 'yes'], ['attribute[HAZARD]', 'no']] }),
    400, 'two values for a singlevaluelist');
    await postBoth(avFields({ 'attribute[HAZARD]': null,
        add: [['attribute[HAZARD][]', 'yes'], ['attribute[HAZARD][]', 'no']] }),
    400, 'two [] values for a singlevaluelist');
    await postBoth(avFields({ add: [['attribute[NO_SUCH_QUESTION]', '1']] }),
        400, 'unknown attribute');
    await postBoth(avFields({ 'attribute[FIRST_SEEN]': 'last tuesday' }), 400,
        'datetime answer not a datetime');
    await postBoth(avFields({ 'attribute[FIRST_SEEN]': '2026-01-10T08:30:00' }),
        400, 'datetime answer without offset');
});

test('several problems give one entry each', async () => {
    const list = await postBoth(avFields({ lat: null, long: null,
        'attribute[HAZARD]': null, 'attribute[YEAR]': 'old' }), 400,
    'three problems');
    assert.ok(list.length >= 3, `only ${list.length}: ${list.join(' | ')}`);
    assert.equal(new Set(list).size, list.length, 'repeated entries');
});

test('description: 4,000 characters fit (Chinese too), 4,001 do not',
    async () => {
        await postBoth(avFields({ description: 'a'.repeat(4001) }), 400,
            '4001 ASCII characters');
        await postBoth(avFields({ description: '灯'.repeat(4001) }), 400,
            '4001 Chinese characters');
        const r = await ctx.srv.post(`${API}/requests.json`,
            avFields({ description: '灯'.repeat(4000) }));
        const body = expectJson(r, 201, '4000 Chinese characters');
        const q = expectJson(await ctx.srv.get(
            `${API}/requests/${body[0].service_request_id}.json`), 200)[0];
        assert.equal(q.description, '灯'.repeat(4000));
    });

test('text that is not valid UTF-8 is a 400', async () => {
    const key = encodeURIComponent(ctx.srv.apiKey);
    const base = 'service_code=ABANDONED_VEHICLE&lat=40.7&long=-74.0&' +
        answers.map(([k, v]) => `${encodeURIComponent(k)}=${
            encodeURIComponent(v)}`).join('&');
    for (const bad of ['%FF%FE', 'ab%C3', '%C0%AF', '%ED%A0%80', '%F8%88%80%80'])
        for (const fmt of ['json', 'xml'])
            expectErrors(await ctx.srv.post(`${API}/requests.${fmt}`,
                `api_key=${key}&${base}&description=${bad}`), 400, fmt,
            `description ${bad}`);
    expectErrors(await ctx.srv.post(`${API}/requests.json`,
        `api_key=${key}&${base}&attribute%5BMAKE%5D=%FF`), 400, 'json',
    'answer not UTF-8');
});

test('a value that is not UTF-8 is listed with the other problems',
    async () => {
        const key = encodeURIComponent(ctx.srv.apiKey);
        let r = await ctx.srv.post(`${API}/requests.json`,
            `api_key=${key}&description=%ff&lat=100&long=0`);
        assert.equal(r.status, 400, r.text);
        assert.deepEqual(r.json.map((e) => e.description), [
            'description is not valid UTF-8', 'service_code is required',
            'lat is not a decimal latitude from -90 to 90']);
        assert.ok(r.json.every((e) => e.code === 400), r.text);
        // A field given but unreadable is not reported missing as well.
        r = await ctx.srv.post(`${API}/requests.xml`,
            `api_key=${key}&service_code=%C0%AF&lat=%ff&long=0` +
            '&email=%ED%A0%80');
        assert.deepEqual(expectErrors(r, 400, 'xml', 'three unreadable'), [
            'service_code is not valid UTF-8', 'lat is not valid UTF-8',
            'email is not valid UTF-8']);
        r = await ctx.srv.post(`${API}/requests.json`,
            `api_key=${key}&service_code=ABANDONED_VEHICLE&lat=40.7&long=-74` +
            '&attribute%5BHAZARD%5D=%ff&phone=12');
        assert.deepEqual(expectErrors(r, 400, 'json', 'answer unreadable')
            .slice(0, 1), ['attribute[HAZARD] is not valid UTF-8']);
        assert.ok(!r.json.some((e) => /HAZARD.*required|required.*HAZARD/i
            .test(e.description)), r.text);
        assert.ok(r.json.some((e) => e.description.startsWith(
            'phone cannot be read')), r.text);
    });

test('a NUL byte (%00) in a path or a form field name is a 400', async () => {
    const key = encodeURIComponent(ctx.srv.apiKey);
    const base = 'service_code=ABANDONED_VEHICLE&lat=40.7&long=-74.0&' +
        answers.map(([k, v]) => `${encodeURIComponent(k)}=${
            encodeURIComponent(v)}`).join('&');
    // Read as "api_key" and "description" if the NUL cut the names short.
    for (const body of [`api_key%00junk=${key}&${base}`,
        `api_key=${key}&${base}&description%00x=smuggled`])
        for (const fmt of ['json', 'xml'])
            expectErrors(await ctx.srv.post(`${API}/requests.${fmt}`, body),
                400, fmt, `form ${body.slice(0, 20)}`);
    const filed = expectJson(await ctx.srv.post(`${API}/requests.json`,
        avFields()), 201)[0].service_request_id;
    expectErrors(await ctx.srv.get(`${API}/requests/${filed}%00x.json`), 400,
        'json', 'path with %00');
    expectErrors(await ctx.srv.get(`${API}/requests/${filed}%00.xml`), 400,
        'xml', 'path with %00 before the extension');
    expectErrors(await ctx.srv.get('/index.html%00.xml'), 400, 'xml',
        'static path with %00');
});

test('media_url must be http or https', async () => {
    for (const bad of ['javascript:x', 'ftp://example.org/a.jpg',
        'data:text/html,hi', 'not a url'])
        await postBoth(avFields({ media_url: bad }), 400, `media_url ${bad}`);
    const ok = await ctx.srv.post(`${API}/requests.json`,
        avFields({ media_url: 'http://example.org/a.jpg' }));
    assert.equal(ok.status, 201, ok.text);
});

test('jurisdiction_id other than the city is a 400 on POST', async () => {
    await postBoth(avFields({ jurisdiction_id: 'othercity.example' }), 400,
        'other jurisdiction');
    const ok = await ctx.srv.post(`${API}/requests.json`,
        avFields({ jurisdiction_id: 'democity.example' }));
    assert.equal(ok.status, 201, ok.text);
});

test('a body over 64 KiB is a 413', async () => {
    const big = avFields({ description: 'x'.repeat(70 * 1024) });
    expectErrors(await ctx.srv.post(`${API}/requests.json`, big), 413, 'json');
    expectErrors(await ctx.srv.post(`${API}/requests.xml`, big), 413, 'xml');
    // The server still answers afterwards.
    expectJson(await ctx.srv.get('/healthz'), 200);
});

test('methods other than GET (and POST on requests) are a 405', async () => {
    const cases = [['DELETE', 'requests.json'], ['PUT', 'requests.json'],
        ['PATCH', 'requests/1999-000001.json'], ['DELETE', 'services.json'],
        ['POST', 'services.json'], ['POST', 'discovery.json'],
        ['POST', 'services/ABANDONED_VEHICLE.json'], ['DELETE', 'requests.xml']];
    for (const [method, p] of cases) {
        const fmt = p.endsWith('.xml') ? 'xml' : 'json';
        expectErrors(await ctx.srv.request(method, `${API}/${p}`, {
            body: '', headers: { 'content-type':
                'application/x-www-form-urlencoded' } }), 405, fmt,
        `${method} ${p}`);
    }
    const r = await ctx.srv.request('DELETE', `${API}/requests.json`);
    assert.equal(r.headers.allow, 'GET, HEAD, POST');
    const s = await ctx.srv.request('PUT', `${API}/services.json`);
    assert.equal(s.headers.allow, 'GET, HEAD');
});

test('browsers may call the API from any page (CORS)', async () => {
    const pre = await ctx.srv.request('OPTIONS', `${API}/requests.json`, {
        headers: { origin: 'https://app.example',
            'access-control-request-method': 'POST' } });
    assert.equal(pre.status, 204);
    assert.equal(pre.headers['access-control-allow-origin'], '*');
    assert.match(pre.headers['access-control-allow-methods'], /POST/);
    const get = await ctx.srv.get(`${API}/services.json`);
    assert.equal(get.headers['access-control-allow-origin'], '*');
    const err = await ctx.srv.get(`${API}/services/NOPE.json`);
    assert.equal(err.headers['access-control-allow-origin'], '*');
});

test('unknown paths and extensions are a 404', async () => {
    for (const p of [`${API}/nothing.json`, `${API}/nothing`,
        `${API}/requests.html`, `${API}/services/ABANDONED_VEHICLE.html`,
        `${API}/requests/a/b.json`])
        expectErrors(await ctx.srv.get(p), 404, 'json', p);
    expectErrors(await ctx.srv.get(`${API}/nothing.xml`), 404, 'xml');
});

test('static files: found, missing, .. segments, other methods', async () => {
    const index = await ctx.srv.get('/');
    assert.equal(index.status, 200);
    assert.match(index.contentType, /^text\/html/);
    expectErrors(await ctx.srv.get('/no-such-file.txt'), 404, 'json',
        'missing file');
    expectErrors(await ctx.srv.get('/.hidden'), 404, 'json', 'hidden file');
    expectErrors(await ctx.srv.get('/a/../../etc/passwd'), 400, 'json',
        '.. segment');
    expectErrors(await ctx.srv.get('/%2e%2e/etc/passwd'), 400, 'json',
        'encoded .. segment');
    expectErrors(await ctx.srv.request('POST', '/', { body: '' }), 405,
        'json', 'POST /');
});

// A page's directory named without its final slash is sent to it (its
// relative links and scripts only resolve from there), query kept.
test('a directory without its final slash redirects to it', async () => {
    for (const [from, to] of [['/console', '/console/'], ['/work', '/work/'],
        ['/dashboard', '/dashboard/'],
        ['/dashboard?from=2026-11-05&to=2026-12-04',
            '/dashboard/?from=2026-11-05&to=2026-12-04'],
        ['/dashboard?q=a%20b%26c', '/dashboard/?q=a%20b%26c']]) {
        for (const method of ['GET', 'HEAD']) {
            const r = await ctx.srv.request(method, from);
            assert.equal(r.status, 301, `${method} ${from}`);
            assert.equal(r.headers.location, to, `${method} ${from}`);
        }
    }
    const page = await ctx.srv.get('/console/');
    assert.equal(page.status, 200);
    assert.match(page.contentType, /^text\/html/);
    // Files and missing names are not redirected.
    assert.equal((await ctx.srv.get('/index.html')).status, 200);
    expectErrors(await ctx.srv.get('/console/index.html/'), 404, 'json',
        'a file named as a directory');
    expectErrors(await ctx.srv.get('/no-such-dir'), 404, 'json',
        'missing directory');
    expectErrors(await ctx.srv.get('/.git'), 404, 'json', 'hidden directory');
    assert.equal((await ctx.srv.get('/api/v1/nothing')).status, 404);
});

testCleanStop(ctx);
