// SPDX-License-Identifier: MIT
//
// web/js/validate.js: the checks the request forms run before sending,
// which follow the server's rules (docs/API.md, POST requests).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkAnswers, checkDetails, checkLocation, checkPhone, emailOk,
    open311Problem, phoneOk, serverProblem } from '../../web/js/validate.js';

const attrs = [
    { code: 'HAZARD', datatype: 'singlevaluelist', required: true,
        values: [{ key: 'yes' }, { key: 'no' }] },
    { code: 'MAKE', datatype: 'string', required: true },
    { code: 'YEAR', datatype: 'number' },
    { code: 'PARTS', datatype: 'multivaluelist',
        values: [{ key: 'wheels' }, { key: 'plates' }] },
    { code: 'SEEN', datatype: 'datetime' },
    { code: 'NOTE', datatype: 'text' },
    { code: 'INFO', datatype: 'string', variable: false, required: false },
];

test('required questions without an answer are flagged in order', () => {
    assert.deepEqual(checkAnswers(attrs, { MAKE: '   ' }), [
        { field: 'attr-HAZARD', key: 'validate.required' },
        { field: 'attr-MAKE', key: 'validate.required' },
    ]);
});

test('answers of the wrong kind are flagged', () => {
    assert.deepEqual(checkAnswers(attrs, {
        HAZARD: 'maybe', MAKE: 'Ford', YEAR: 'about 2009',
        PARTS: ['wheels', 'doors'], SEEN: '2026-03-01 09:00',
    }), [
        { field: 'attr-HAZARD', key: 'validate.choice' },
        { field: 'attr-YEAR', key: 'validate.number' },
        { field: 'attr-PARTS', key: 'validate.choice' },
        { field: 'attr-SEEN', key: 'validate.datetime' },
    ]);
});

test('good answers pass, numbers as the server reads them', () => {
    for (const year of ['2009', '-3.5', '1e3', '.5', '+7'])
        assert.deepEqual(checkAnswers(attrs, { HAZARD: 'no', MAKE: 'Ford',
            YEAR: year, PARTS: ['wheels', 'plates'],
            SEEN: '2026-03-01T09:00:00-05:00', NOTE: 'x' }), [], year);
    assert.deepEqual(checkAnswers(attrs, { HAZARD: 'no', MAKE: 'Ford',
        SEEN: '2026-03-01T14:00Z' }), []);
});

test('a location is an address or both coordinates, in range', () => {
    assert.deepEqual(checkLocation({ address: '', lat: '', long: '' }),
        [{ field: 'address', key: 'validate.location_required' }]);
    assert.deepEqual(checkLocation({ address: '1 Main St' }), []);
    assert.deepEqual(checkLocation({ lat: '40.7', long: '' }),
        [{ field: 'long', key: 'validate.both_coords' }]);
    assert.deepEqual(checkLocation({ lat: '', long: '-74' }),
        [{ field: 'lat', key: 'validate.both_coords' }]);
    assert.deepEqual(checkLocation({ lat: '91', long: '-181' }), [
        { field: 'lat', key: 'validate.lat' },
        { field: 'long', key: 'validate.long' }]);
    assert.deepEqual(checkLocation({ lat: '40.7128', long: '-74.0060' }), []);
    // Coordinates as the server reads them: plain decimals, no exponent,
    // hex or words, at most 64 characters.
    for (const [lat, long] of [['1e1', '-74'], ['40.7', '-7.4E1'],
        ['0x1A', '-74'], ['Infinity', '-74'], ['40.7.1', '-74'],
        ['40.' + '1'.repeat(62), '-74'], ['-', '-74'], ['.', '-74']]) {
        assert.deepEqual(checkLocation({ lat, long }).map((x) => x.field),
            [lat === '40.7' ? 'long' : 'lat'], `${lat}, ${long}`);
    }
    for (const [lat, long] of [['+40.', '-.5'], [' 40 ', '-74'],
        ['40.' + '1'.repeat(61), '-74'], ['-90', '180']])
        assert.deepEqual(checkLocation({ lat, long }), [], `${lat}, ${long}`);
    assert.deepEqual(checkLocation({ address: 'é'.repeat(501) }),
        [{ field: 'address', key: 'validate.too_long',
            params: { max: 1000 } }]);
});

test('descriptions up to 4,000 characters and emails with an @', () => {
    assert.deepEqual(checkDetails({ description: '坑'.repeat(4000),
        email: 'a@b.org' }), []);
    assert.deepEqual(checkDetails({ description: 'x'.repeat(4001),
        email: 'no-at-sign' }), [
        { field: 'description', key: 'validate.too_long',
            params: { max: 4000 } },
        { field: 'email', key: 'validate.email' }]);
});

test('phones the server can call back: US numbers or + and 8 to 15 digits',
    () => {
        for (const p of ['(212) 555-0123', '212.555.0123', '2125550123',
            '1-212-555-0123', '+1 212 555 0123', '+44 20 7946 0958',
            '(+86) 10-1234-5678', '+12345678', '+123456789012345'])
            assert.equal(phoneOk(p), true, p);
        for (const p of ['12345', '555-12', '0125550123', '112 555 0123',
            '212-555-01234', '+1234567', '+1234567890123456', '+0 20 7946 0958',
            '212 555 0123 x12', '++44 20 7946 0958', '1+212 555 0123'])
            assert.equal(phoneOk(p), false, p);
        assert.deepEqual(checkPhone(''), []);
        assert.deepEqual(checkPhone('555-12', 'caller-phone'),
            [{ field: 'caller-phone', key: 'validate.phone' }]);
        assert.deepEqual(checkDetails({ description: 'x', email: '',
            phone: '12345' }), [{ field: 'phone', key: 'validate.phone' }]);
        assert.deepEqual(checkDetails({ description: 'x',
            phone: ' (212) 555-0123 ' }), []);
    });

test('emails as the server keeps them: a dotted domain, no spaces', () => {
    for (const e of ['a@b.org', 'Name.Last+tag@Example.co.uk'])
        assert.equal(emailOk(e), true, e);
    for (const e of ['a@b', 'a@.b.org', 'a@b.org.', '@b.org', 'a@@b.org',
        'a b@c.org', 'a@b@c.org', `${'x'.repeat(250)}@b.org`])
        assert.equal(emailOk(e), false, e);
});

test('server errors the pages know are translated, others kept', () => {
    const ids = { 'caller.phone': 'phone', phone: 'caller-phone',
        'caller.email': 'email', 'attributes.MAKE': 'attr-MAKE' };
    const of = (p) => ids[p] ?? null;
    assert.deepEqual(serverProblem({ code: 'invalid', field: 'phone',
        message: 'phone is not a number that can be written in E.164' }, of),
    { field: 'caller-phone', key: 'validate.phone' });
    assert.deepEqual(serverProblem({ code: 'invalid', field: 'caller.phone',
        message: 'caller.phone cannot be read as a phone number' }, of),
    { field: 'phone', key: 'validate.phone' });
    assert.deepEqual(serverProblem({ code: 'invalid',
        field: 'caller.phones[1]', message: 'x' }, of),
    { field: null, key: 'validate.phone' });
    assert.deepEqual(serverProblem({ code: 'invalid', field: 'caller.email',
        message: 'bad email' }, of), { field: 'email', key: 'validate.email' });
    assert.deepEqual(serverProblem({ code: 'required',
        field: 'attributes.MAKE', message: 'attribute MAKE is required' }, of),
    { field: 'attr-MAKE', key: 'validate.required' });
    // Unknown ones keep the server's words.
    assert.deepEqual(serverProblem({ code: 'invalid',
        field: 'service_code', message: 'no service NOPE' }, of),
    { field: null, text: 'no service NOPE' });
    assert.deepEqual(serverProblem({ code: 'conflict', field: null,
        message: 'already escalated' }), { field: null,
        text: 'already escalated' });
    // A phone that is missing is not a bad phone.
    assert.deepEqual(serverProblem({ code: 'required', field: 'phone',
        message: 'phone is required' }, of),
    { field: 'caller-phone', text: 'phone is required' });
});

// The Open311 server's reasons (src/api/open311.c, src/core/catalog.c,
// word for word) become the page's own messages on their field; others
// a translated sentence carrying the server's words.
test('Open311 errors the portal knows are put on their field', () => {
    const cases = [
        ['lat is not a decimal latitude from -90 to 90',
            { field: 'lat', key: 'validate.lat' }],
        ['long is not a decimal longitude from -180 to 180',
            { field: 'long', key: 'validate.long' }],
        ['lat and long must be given together',
            { field: 'long', key: 'validate.both_coords' }],
        ['a location is required: lat and long, address_string or ' +
            'address_id', { field: 'address',
            key: 'validate.location_required' }],
        ['description is over 4000 characters', { field: 'description',
            key: 'validate.too_long', params: { max: 4000 } }],
        ['first_name is over 1000 bytes', { field: 'first_name',
            key: 'validate.too_long', params: { max: 1000 } }],
        ['address_string is over 1000 bytes', { field: 'address',
            key: 'validate.too_long', params: { max: 1000 } }],
        ['attribute MAKE is required',
            { field: 'attr-MAKE', key: 'validate.required' }],
        ['attribute YEAR must be a number',
            { field: 'attr-YEAR', key: 'validate.number' }],
        ['attribute SEEN must be an ISO 8601 datetime with an offset',
            { field: 'attr-SEEN', key: 'validate.datetime' }],
        ["attribute HAZARD: 'maybe' is not one of yes, no",
            { field: 'attr-HAZARD', key: 'validate.choice' }],
        ['attribute HAZARD takes one value',
            { field: 'attr-HAZARD', key: 'validate.one_answer' }],
        ['media_url is not an http or https URL', { field: null,
            key: 'form.server_refused',
            params: { message: 'media_url is not an http or https URL' } }],
    ];
    for (const [message, want] of cases)
        assert.deepEqual(open311Problem(message), want, message);
});
