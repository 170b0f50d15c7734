// SPDX-License-Identifier: MIT
//
// Bad input to the staff API: unknown routes and methods, malformed JSON,
// wrong top-level types, wrong member types, bodies over 64 KiB, invalid
// UTF-8. Each is answered {"error":{"code","message","field"}} with 400,
// 404, 405 or 413, and a refused request changes nothing: every table
// has the same rows before and after.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { testCleanStop, useServer } from './lib/server.mjs';
import {
    apiError, call, counts, ok, staffToken,
} from './lib/staff.mjs';

let token;
const ctx = useServer('110-staff-errors', async (srv) => {
    token = await staffToken(srv, 'ann', ['agent']);
});

const GOOD = {
    service_code: 'POTHOLE',
    location: { lat: 40.71, long: -74.0, address: '5 Error Lane' },
    description: 'A pothole',
    attributes: { SIZE: 'large' },
    caller: { first_name: 'Ima', phone: '2125550199' },
};

test('an unknown /api/v1 path is a 404 in the error shape', async () => {
    const e = apiError(await call(ctx.srv, 'GET', 'nothing/here', { token }),
        404, 'not_found');
    assert.equal(e.error.message, 'no such path');
    apiError(await call(ctx.srv, 'GET', '/api/v2/requests'), 404, 'not_found');
});

test('a wrong method is a 405 in the error shape', async () => {
    const e = apiError(await call(ctx.srv, 'PUT', 'requests', { token }),
        405, 'method_not_allowed');
    assert.equal(e.error.message, 'method PUT is not allowed here');
    apiError(await call(ctx.srv, 'DELETE', 'me', { token }), 405,
        'method_not_allowed');
});

// Each case: a body, and the message of the 400 it gets.
const BAD_BODIES = [
    ['{"service_code": "POTHOLE",', 'request body is not valid JSON: ' +
        "string or '}' expected near end of file (line 1, column 27)"],
    ['[1, 2]', 'request body must be a JSON object'],
    ['"POTHOLE"', 'request body is not valid JSON: \'[\' or \'{\' expected' +
        ' near \'"POTHOLE"\' (line 1, column 9)'],
    ['', 'request body is empty; send a JSON object'],
    ['{"a": 1, "a": 2}', 'request body is not valid JSON: duplicate object' +
        ' key near \'"a"\' (line 1, column 12)'],
];

test('malformed JSON and a top level that is not an object are 400s ' +
    'and write nothing', async () => {
    const before = counts(ctx.srv);
    for (const [body, message] of BAD_BODIES) {
        const e = apiError(await call(ctx.srv, 'POST', 'requests',
            { token, body }), 400, 'bad_request', null, body);
        assert.equal(e.error.message, message, body);
    }
    assert.deepEqual(counts(ctx.srv), before);
});

test('invalid UTF-8 and a NUL byte are 400s', async () => {
    const before = counts(ctx.srv);
    const bad = Buffer.concat([Buffer.from('{"description": "caf'),
        Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
    let e = apiError(await call(ctx.srv, 'POST', 'requests',
        { token, body: bad }), 400, 'bad_request');
    assert.equal(e.error.message, 'request body is not valid UTF-8');
    const nul = Buffer.concat([Buffer.from('{"description": "a'),
        Buffer.from([0]), Buffer.from('b"}')]);
    e = apiError(await call(ctx.srv, 'POST', 'requests', { token, body: nul }),
        400, 'bad_request');
    assert.equal(e.error.message, 'request body is not valid UTF-8');
    e = apiError(await call(ctx.srv, 'POST', 'requests',
        { token, body: '{"description": "a\\u0000b"}' }), 400, 'bad_request');
    assert.match(e.error.message, /^request body is not valid JSON: /);
    assert.deepEqual(counts(ctx.srv), before);
});

test('a body over 64 KiB is a 413, announced or not', async () => {
    const before = counts(ctx.srv);
    const big = JSON.stringify({ ...GOOD, description: 'x'.repeat(70000) });
    const e = apiError(await call(ctx.srv, 'POST', 'requests',
        { token, body: big }), 413, 'payload_too_large');
    assert.equal(e.error.message, 'request body is over 65536 bytes');
    assert.deepEqual(counts(ctx.srv), before);
});

test('wrong member types are 400s naming each field', async () => {
    const before = counts(ctx.srv);
    const r = await call(ctx.srv, 'POST', 'requests', {
        token,
        body: {
            service_code: 7,
            location: 'here',
            description: ['a'],
            attributes: { SIZE: { big: true } },
            caller: 'Ima',
            interpreter_used: 'yes',
        },
    });
    const e = apiError(r, 400, 'invalid_type', 'service_code');
    assert.deepEqual(e.errors.map((x) => [x.code, x.field]), [
        ['invalid_type', 'service_code'],
        ['invalid_type', 'location'],
        ['invalid_type', 'description'],
        ['invalid_type', 'attributes.SIZE'],
        ['invalid_type', 'caller'],
        ['invalid_type', 'interpreter_used'],
    ]);
    assert.equal(e.errors[0].message, 'service_code must be a string');
    assert.deepEqual(counts(ctx.srv), before);
});

test('a request refused for its answers writes no row, answer, contact or ' +
    'event', async () => {
    const before = counts(ctx.srv);
    const r = await call(ctx.srv, 'POST', 'requests', {
        token,
        body: { ...GOOD, attributes: { SIZE: 'enormous' },
            caller: { first_name: 'Newcomer', phone: '2125550100' } },
    });
    apiError(r, 400, 'invalid', 'attributes.SIZE');
    assert.deepEqual(counts(ctx.srv), before);
});

test('a refused note, escalation or merge writes nothing', async () => {
    const filed = ok(await call(ctx.srv, 'POST', 'requests',
        { token, body: GOOD }), 201);
    const before = counts(ctx.srv);
    const id = filed.service_request_id;
    apiError(await call(ctx.srv, 'POST', `requests/${id}/notes`,
        { token, body: { text: '', public: true } }), 400, 'required', 'text');
    apiError(await call(ctx.srv, 'POST', `requests/${id}/notes`,
        { token, body: { text: 'x', public: 'yes' } }), 400, 'invalid_type',
    'public');
    apiError(await call(ctx.srv, 'POST', `requests/${id}/escalate`,
        { token, body: { reason: 5 } }), 400, 'invalid_type', 'reason');
    apiError(await call(ctx.srv, 'POST', `callers/${filed.caller.id}/merge`,
        { token, body: { other: filed.caller.id } }), 400, 'invalid', 'other');
    apiError(await call(ctx.srv, 'POST', `callers/${filed.caller.id}/merge`,
        { token, body: { other: 'two' } }), 400, 'invalid_type', 'other');
    assert.deepEqual(counts(ctx.srv), before);
});

test('a good request after all that files normally', async () => {
    const before = counts(ctx.srv);
    ok(await call(ctx.srv, 'POST', 'requests', { token, body: GOOD }), 201);
    const after = counts(ctx.srv);
    assert.equal(after.request, before.request + 1);
    assert.equal(after.request_attr, before.request_attr + 1);
    // created and intake; the caller was known already.
    assert.equal(after.event, before.event + 2);
    assert.equal(after.contact, before.contact);
});

testCleanStop(ctx);
