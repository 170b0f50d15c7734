// SPDX-License-Identifier: MIT
//
// How POST requests.json reads its form: unknown fields are ignored
// whatever their bytes (a field name that is not UTF-8 is still a 400);
// a field given twice is reported so even when a value is not UTF-8; a
// body that is not a form is a 400 before the api_key is looked at, as
// the key it would carry cannot be read.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { API, useServer } from './lib/server.mjs';

const ctx = useServer('052-post-form');

const BASE = 'service_code=POTHOLE&attribute%5BSIZE%5D=small' +
    '&lat=40.7128&long=-74.006';

// A raw form-encoded POST with the server's key.
function post(rest) {
    const key = encodeURIComponent(ctx.srv.apiKey);
    return ctx.srv.post(`${API}/requests.json`, `api_key=${key}&${rest}`);
}

test('an unknown field is ignored whatever its bytes', async () => {
    const r = await post(`${BASE}&x_extra=%FF&x_more=%C0%AF`);
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.length, 1);
    assert.match(r.json[0].service_request_id, /^\d{4}-\d{6}$/);
    const g = await ctx.srv.get(
        `${API}/requests/${r.json[0].service_request_id}.json`);
    assert.equal(g.status, 200, g.text);
    assert.equal(g.json[0].service_code, 'POTHOLE');
});

test('a field name that is not UTF-8 is still a 400', async () => {
    const r = await post(`${BASE}&x%FF=1`);
    assert.equal(r.status, 400, r.text);
    assert.deepEqual(r.json, [{ code: 400,
        description: 'a parameter name is not valid UTF-8' }]);
});

test('a field given twice is reported so when a value is not UTF-8',
    async () => {
        for (const rest of ['phone=%FF&phone=%FF', 'phone=%FF&phone=2125550101',
            'phone=2125550101&phone=%C0%AF']) {
            const r = await post(`${BASE}&${rest}`);
            assert.equal(r.status, 400, `${rest}: ${r.text}`);
            assert.deepEqual(r.json, [
                { code: 400, description: 'phone is not valid UTF-8' },
                { code: 400, description: 'phone is given more than once' },
            ], rest);
        }
        const r = await post(`${BASE}&description=%FF&description=ok`);
        assert.equal(r.status, 400, r.text);
        assert.deepEqual(r.json, [
            { code: 400, description: 'description is not valid UTF-8' },
            { code: 400, description: 'description is given more than once' },
        ]);
    });

test('a body that is not a form is a 400 before the key is looked at',
    async () => {
        for (const apiKey of [undefined, false]) {
            const r = await ctx.srv.request('POST', `${API}/requests.json`, {
                body: JSON.stringify({ service_code: 'POTHOLE',
                    api_key: apiKey === false ? 'not-a-key' : ctx.srv.apiKey }),
                headers: { 'content-type': 'application/json' } });
            assert.equal(r.status, 400, r.text);
            assert.deepEqual(r.json, [{ code: 400, description:
                'request body is not a readable application/x-www-form-'
                + 'urlencoded or multipart/form-data form' }]);
        }
    });
