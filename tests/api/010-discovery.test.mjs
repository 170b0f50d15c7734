// SPDX-License-Identifier: MIT
//
// Health check, discovery and the choice of format by path extension.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

import { API, repoRoot, startServer, testCleanStop, useServer }
    from './lib/server.mjs';
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

// The endpoint URL that discovery.json gives with these request headers.
async function endpointUrl(srv, headers) {
    const d = expectJson(await srv.get(`${API}/discovery.json`, { headers }),
        200);
    return d.endpoints[0].url;
}

test('X-Forwarded-Proto is ignored unless the city trusts its proxy',
    async () => {
        const url = `http://127.0.0.1:${ctx.srv.port}/open311/v2`;
        assert.equal(await endpointUrl(ctx.srv, {}), url);
        assert.equal(await endpointUrl(ctx.srv,
            { 'x-forwarded-proto': 'https' }), url);
    });

test('behind a trusted proxy, X-Forwarded-Proto https or http is the scheme',
    async () => {
        const dir = mkdtempSync(path.join(tmpdir(), 'civic311-proxy-'));
        const config = path.join(dir, 'city.yaml');
        const demo = readFileSync(
            path.join(repoRoot, 'config', 'demo-city.yaml'), 'utf8');
        assert.match(demo, /^jurisdiction:\n/m);
        writeFileSync(config, demo.replace(/^jurisdiction:\n/m,
            'jurisdiction:\n  trust_forwarded_proto: true\n'));
        const srv = await startServer({ name: '010-discovery-proxy', config });
        try {
            const where = `127.0.0.1:${srv.port}/open311/v2`;
            assert.equal(await endpointUrl(srv,
                { 'x-forwarded-proto': 'https' }), `https://${where}`);
            assert.equal(await endpointUrl(srv,
                { 'x-forwarded-proto': 'HTTPS' }), `https://${where}`);
            assert.equal(await endpointUrl(srv,
                { 'x-forwarded-proto': 'http' }), `http://${where}`);
            assert.equal(await endpointUrl(srv, {}), `http://${where}`);
            // Only the two schemes a URL here may have are believed.
            for (const other of ['ftp', 'javascript', 'https, http', 'https:'])
                assert.equal(await endpointUrl(srv,
                    { 'x-forwarded-proto': other }), `http://${where}`, other);
            assert.equal(await endpointUrl(srv,
                { 'x-forwarded-proto': 'https', host: 'open311.example.org' }),
            'https://open311.example.org/open311/v2');
        } finally {
            await srv.close();
        }
    });

testCleanStop(ctx);
