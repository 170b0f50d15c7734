// SPDX-License-Identifier: MIT
//
// Health check, discovery and the choice of format by path extension.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { API, testCleanStop, useServer } from './lib/server.mjs';
import { expectErrors, expectJson, expectXml, xmllintString } from './lib/check.mjs';

const ctx = useServer('010-discovery');

test('healthz answers {"status":"ok","version":...} in JSON', async () => {
    const body = expectJson(await ctx.srv.get('/healthz'), 200, 'healthz');
    assert.deepEqual(Object.keys(body).sort(), ['status', 'version']);
    assert.equal(body.status, 'ok');
    assert.match(body.version, /^\d+\.\d+\.\d+/);
});

test('discovery.json lists one production endpoint with both formats',
    async () => {
        const d = expectJson(await ctx.srv.get(`${API}/discovery.json`), 200);
        for (const k of ['changeset', 'contact', 'key_service', 'endpoints'])
            assert.ok(k in d, `discovery has no ${k}`);
        assert.equal(d.endpoints.length, 1);
        const e = d.endpoints[0];
        assert.equal(e.specification, 'http://wiki.open311.org/GeoReport_v2');
        assert.equal(e.type, 'production');
        assert.deepEqual(e.formats, ['application/json', 'text/xml']);
        assert.match(e.url, /^https?:\/\/[^/]+\/open311\/v2$/);
        assert.match(e.changeset, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$/);
        assert.match(d.changeset, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$/);
    });

test('discovery.xml has <discovery>, <endpoints><endpoint>, <formats><format>',
    async () => {
        const r = await ctx.srv.get(`${API}/discovery.xml`);
        const root = expectXml(r, 200);
        assert.equal(root.name, 'discovery');
        const eps = root.child('endpoints');
        assert.ok(eps, 'no <endpoints>');
        assert.equal(eps.all('endpoint').length, 1);
        const ep = eps.child('endpoint');
        assert.equal(ep.child('specification').text,
            'http://wiki.open311.org/GeoReport_v2');
        assert.equal(ep.child('type').text, 'production');
        assert.deepEqual(ep.child('formats').all('format').map((f) => f.text),
            ['application/json', 'text/xml']);
        assert.equal(xmllintString(r.text,
            '/discovery/endpoints/endpoint/formats/format[2]'), 'text/xml');
    });

test('a path without an extension answers in JSON', async () => {
    const json = expectJson(await ctx.srv.get(`${API}/services.json`), 200);
    const bare = expectJson(await ctx.srv.get(`${API}/services`), 200);
    assert.deepEqual(bare, json);
    expectJson(await ctx.srv.get(`${API}/discovery`), 200);
});

test('any other extension is a 404 error list in JSON', async () => {
    for (const p of ['services.html', 'discovery.html', 'services.csv',
        'requests.txt'])
        expectErrors(await ctx.srv.get(`${API}/${p}`), 404, 'json', p);
});

test('jurisdiction_id of the demo city is accepted, another one is a 400',
    async () => {
        expectJson(await ctx.srv.get(
            `${API}/discovery.json?jurisdiction_id=democity.example`), 200);
        expectJson(await ctx.srv.get(
            `${API}/services.json?jurisdiction_id=democity.example`), 200);
        expectErrors(await ctx.srv.get(
            `${API}/services.json?jurisdiction_id=othercity.example`), 400);
        expectErrors(await ctx.srv.get(
            `${API}/services.xml?jurisdiction_id=othercity.example`), 400, 'xml');
        expectErrors(await ctx.srv.get(
            `${API}/requests.json?jurisdiction_id=othercity.example`), 400);
    });

testCleanStop(ctx);
