// SPDX-License-Identifier: MIT
//
// XML output: markup characters and Chinese text round-trip exactly, every
// document is well formed for libxml2, and null is an empty element.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { API, testCleanStop, useServer } from './lib/server.mjs';
import {
    expectErrors, expectJson, expectXml, requiredAnswers, xmllintString,
} from './lib/check.mjs';

const ctx = useServer('060-xml');

const TRICKY = '路灯坏了 <b>&"\' ]]> &amp; &#x41; \u00e9\u{1F6A7}';

async function fileWith(fields) {
    const def = expectJson(await ctx.srv.get(
        `${API}/services/ABANDONED_VEHICLE.json`), 200);
    const body = expectJson(await ctx.srv.post(`${API}/requests.json`, [
        ['service_code', 'ABANDONED_VEHICLE'],
        ...requiredAnswers(def, fields),
        ...fields,
    ]), 201);
    return body[0].service_request_id;
}

test('a description with <, &, quotes and Chinese round-trips exactly',
    async () => {
        const id = await fileWith([['description', TRICKY],
            ['address_string', '<Main> & "Elm" \'St\''],
            ['attribute[MAKE]', 'Ford & <Sons>']]);
        const r = await ctx.srv.get(`${API}/requests/${id}.xml`);
        const root = expectXml(r, 200); // also checks xmllint --noout
        const q = root.child('request');
        assert.equal(q.child('description').text, TRICKY);
        assert.equal(q.child('address').text, '<Main> & "Elm" \'St\'');
        assert.equal(xmllintString(r.text,
            '/service_requests/request/description'), TRICKY);
        assert.equal(xmllintString(r.text, '/service_requests/request/address'),
            '<Main> & "Elm" \'St\'');
        assert.equal(xmllintString(r.text,
            "/service_requests/request/attributes/attribute[code='MAKE']/value"),
        'Ford & <Sons>');
        assert.ok(!r.text.includes('<b>'), 'raw markup in the XML');

        const json = expectJson(await ctx.srv.get(
            `${API}/requests/${id}.json`), 200)[0];
        assert.equal(json.description, TRICKY);
    });

test('the list, services, definitions and discovery are well formed',
    async () => {
        await fileWith([['lat', '40.7'], ['long', '-74'],
            ['description', TRICKY]]);
        for (const p of ['requests.xml', 'services.xml', 'services.xml?lang=zh',
            'services/ABANDONED_VEHICLE.xml', 'discovery.xml',
            'services/ABANDONED_VEHICLE.xml?lang=zh']) {
            const r = await ctx.srv.get(`${API}/${p}`);
            expectXml(r, 200, p);
        }
        const r = await ctx.srv.get(`${API}/requests.xml`);
        assert.equal(xmllintString(r.text,
            '/service_requests/request[1]/description'), TRICKY);
    });

test('null is written as an empty element', async () => {
    const id = await fileWith([['address_string', 'Pine St']]);
    const q = expectJson(await ctx.srv.get(`${API}/requests/${id}.json`),
        200)[0];
    assert.equal(q.lat, null);
    assert.equal(q.zipcode, null);
    assert.equal(q.media_url, null);
    const root = expectXml(await ctx.srv.get(`${API}/requests/${id}.xml`), 200);
    const el = root.child('request');
    for (const k of ['lat', 'long', 'zipcode', 'media_url', 'description']) {
        const c = el.child(k);
        assert.ok(c, `no <${k}>`);
        assert.equal(c.text, '', `<${k}> not empty`);
        assert.equal(c.children.length, 0);
    }
});

test('control characters never make the XML ill formed', async () => {
    const id = await fileWith([['address_string', 'Birch St'],
        ['description', 'line one\nline two\ttab\r\nend']]);
    const r = await ctx.srv.get(`${API}/requests/${id}.xml`);
    expectXml(r, 200);
    const d = xmllintString(r.text, '/service_requests/request/description');
    assert.equal(d.replace(/\r\n?/g, '\n'), 'line one\nline two\ttab\nend');

    // ESC and other C0 controls cannot appear in XML 1.0 at all: either the
    // POST refuses them or the XML leaves them out; never broken XML.
    const def = expectJson(await ctx.srv.get(
        `${API}/services/ABANDONED_VEHICLE.json`), 200);
    const p = await ctx.srv.post(`${API}/requests.json`, [
        ['service_code', 'ABANDONED_VEHICLE'], ['address_string', 'Ash St'],
        ...requiredAnswers(def), ['description', 'esc \u001b[31m red \u0001']]);
    if (p.status === 400) {
        expectErrors(p, 400, 'json', 'control characters');
    } else {
        const pid = expectJson(p, 201)[0].service_request_id;
        expectXml(await ctx.srv.get(`${API}/requests/${pid}.xml`), 200);
        expectXml(await ctx.srv.get(`${API}/requests.xml`), 200);
    }
});

testCleanStop(ctx);
