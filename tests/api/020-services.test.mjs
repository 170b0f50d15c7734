// SPDX-License-Identifier: MIT
//
// The service list and service definitions of the demo city, in JSON and
// XML, against the Open311 schemas and the city's configuration.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { API, testCleanStop, useServer } from './lib/server.mjs';
import { expectErrors, expectJson, expectXml } from './lib/check.mjs';
import { validate } from './lib/schema.mjs';

const ctx = useServer('020-services');

const AV_ATTRIBUTES = [
    ['HAZARD', 'singlevaluelist'],
    ['CONDITION', 'singlevaluelist'],
    ['MAKE', 'string'],
    ['MODEL', 'string'],
    ['COLOUR', 'string'],
    ['YEAR', 'number'],
    ['BODY_STYLE', 'singlevaluelist'],
    ['MISSING_PARTS', 'multivaluelist'],
    ['FIRST_SEEN', 'datetime'],
    ['LOCATION_DETAIL', 'text'],
];

const SERVICE_KEYS = ['service_code', 'service_name', 'description',
    'metadata', 'type', 'keywords', 'group'];

test('services.json validates against services.json, entry by entry',
    async () => {
        const list = expectJson(await ctx.srv.get(`${API}/services.json`), 200);
        assert.deepEqual(validate('services.json', list), []);
        assert.ok(list.length >= 2);
        for (const s of list) {
            assert.deepEqual(validate('service.json', s), [], s.service_code);
            assert.deepEqual(Object.keys(s).sort(), [...SERVICE_KEYS].sort(),
                `keys of ${s.service_code}`);
        }
        const codes = list.map((s) => s.service_code);
        assert.equal(new Set(codes).size, codes.length, 'codes repeat');
    });

test('ABANDONED_VEHICLE is realtime with metadata, BULKY_ITEM is batch',
    async () => {
        const list = expectJson(await ctx.srv.get(`${API}/services.json`), 200);
        const av = list.find((s) => s.service_code === 'ABANDONED_VEHICLE');
        const bulky = list.find((s) => s.service_code === 'BULKY_ITEM');
        assert.ok(av, 'no ABANDONED_VEHICLE');
        assert.ok(bulky, 'no BULKY_ITEM');
        assert.equal(av.metadata, true);
        assert.equal(av.type, 'realtime');
        assert.equal(bulky.type, 'batch');
        assert.ok(av.service_name.length > 0);
    });

test('metadata is true exactly when the definition has attributes',
    async () => {
        const list = expectJson(await ctx.srv.get(`${API}/services.json`), 200);
        for (const s of list) {
            const def = expectJson(await ctx.srv.get(
                `${API}/services/${encodeURIComponent(s.service_code)}.json`),
            200, s.service_code);
            assert.deepEqual(validate('service-definition.json', def), []);
            assert.equal(def.service_code, s.service_code);
            assert.equal(def.attributes.length > 0, s.metadata, s.service_code);
        }
    });

test('services.xml has <services><service> with the JSON values', async () => {
    const list = expectJson(await ctx.srv.get(`${API}/services.json`), 200);
    const root = expectXml(await ctx.srv.get(`${API}/services.xml`), 200);
    assert.equal(root.name, 'services');
    const items = root.all('service');
    assert.equal(items.length, list.length);
    assert.equal(root.children.length, list.length);
    items.forEach((el, i) => {
        const s = list[i];
        assert.equal(el.child('service_code').text, s.service_code);
        assert.equal(el.child('service_name').text, s.service_name);
        assert.equal(el.child('metadata').text, String(s.metadata));
        assert.equal(el.child('type').text, s.type);
        assert.equal(el.child('description').text, s.description ?? '');
        assert.equal(el.child('group').text, s.group ?? '');
        assert.equal(el.child('keywords').text, s.keywords ?? '');
    });
});

test('ABANDONED_VEHICLE definition: codes, datatypes and order', async () => {
    const def = expectJson(await ctx.srv.get(
        `${API}/services/ABANDONED_VEHICLE.json`), 200);
    assert.deepEqual(validate('service-definition.json', def), []);
    assert.equal(def.service_code, 'ABANDONED_VEHICLE');
    assert.deepEqual(def.attributes.map((a) => [a.code, a.datatype]),
        AV_ATTRIBUTES);
    const orders = def.attributes.map((a) => a.order);
    assert.deepEqual(orders, [...orders].sort((x, y) => x - y),
        'order does not ascend');
    assert.equal(new Set(orders).size, orders.length, 'order repeats');
    for (const a of def.attributes) {
        for (const k of ['variable', 'code', 'datatype', 'required',
            'datatype_description', 'order', 'description'])
            assert.ok(k in a, `${a.code} has no ${k}`);
        const listType = /valuelist$/.test(a.datatype);
        assert.equal(Array.isArray(a.values) && a.values.length > 0, listType,
            `${a.code}: values only and always for list types`);
    }
    const hazard = def.attributes[0];
    assert.equal(hazard.required, true);
    assert.deepEqual(hazard.values.map((v) => v.key), ['yes', 'no']);
    const parts = def.attributes.find((a) => a.code === 'MISSING_PARTS');
    const keys = parts.values.map((v) => v.key);
    assert.ok(keys.includes('wheels') && keys.includes('plates'), keys.join());
});

test('ABANDONED_VEHICLE definition in XML matches the JSON', async () => {
    const def = expectJson(await ctx.srv.get(
        `${API}/services/ABANDONED_VEHICLE.json`), 200);
    const root = expectXml(await ctx.srv.get(
        `${API}/services/ABANDONED_VEHICLE.xml`), 200);
    assert.equal(root.name, 'service_definition');
    assert.equal(root.child('service_code').text, 'ABANDONED_VEHICLE');
    const attrs = root.child('attributes').all('attribute');
    assert.deepEqual(attrs.map((a) => [a.child('code').text,
        a.child('datatype').text]), AV_ATTRIBUTES);
    attrs.forEach((el, i) => {
        const a = def.attributes[i];
        assert.equal(el.child('required').text, String(a.required));
        assert.equal(el.child('variable').text, String(a.variable));
        assert.equal(el.child('order').text, String(a.order));
        const values = el.child('values');
        if (a.values) {
            assert.deepEqual(values.all('value').map((v) =>
                [v.child('key').text, v.child('name').text]),
            a.values.map((v) => [v.key, v.name]));
        }
    });
});

test('a service without questions has "attributes": []', async () => {
    const list = expectJson(await ctx.srv.get(`${API}/services.json`), 200);
    const plain = list.find((s) => s.metadata === false);
    if (!plain)
        return; // every service of the demo city asks questions
    const def = expectJson(await ctx.srv.get(
        `${API}/services/${plain.service_code}.json`), 200);
    assert.deepEqual(def, { service_code: plain.service_code, attributes: [] });
});

test('lang=zh gives Chinese names, lang=en English ones', async () => {
    const en = expectJson(await ctx.srv.get(`${API}/services.json?lang=en`), 200);
    const zh = expectJson(await ctx.srv.get(`${API}/services.json?lang=zh`), 200);
    assert.deepEqual(zh.map((s) => s.service_code), en.map((s) => s.service_code));
    const avEn = en.find((s) => s.service_code === 'ABANDONED_VEHICLE');
    const avZh = zh.find((s) => s.service_code === 'ABANDONED_VEHICLE');
    assert.notEqual(avZh.service_name, avEn.service_name);
    assert.match(avZh.service_name, /[\u4e00-\u9fff]/);
    assert.doesNotMatch(avEn.service_name, /[\u4e00-\u9fff]/);

    const defEn = expectJson(await ctx.srv.get(
        `${API}/services/ABANDONED_VEHICLE.json?lang=en`), 200);
    const defZh = expectJson(await ctx.srv.get(
        `${API}/services/ABANDONED_VEHICLE.json?lang=zh`), 200);
    assert.deepEqual(defZh.attributes.map((a) => a.code),
        defEn.attributes.map((a) => a.code));
    assert.deepEqual(defZh.attributes[0].values.map((v) => v.key), ['yes', 'no']);
    const zhXml = expectXml(await ctx.srv.get(`${API}/services.xml?lang=zh`), 200);
    const avXml = zhXml.all('service').find((s) =>
        s.child('service_code').text === 'ABANDONED_VEHICLE');
    assert.equal(avXml.child('service_name').text, avZh.service_name);
});

test('a language the catalogue lacks falls back, a bad tag is a 400',
    async () => {
        const en = expectJson(await ctx.srv.get(`${API}/services.json?lang=en`),
            200);
        const fr = expectJson(await ctx.srv.get(`${API}/services.json?lang=fr`),
            200);
        assert.deepEqual(fr, en);
        const es = expectJson(await ctx.srv.get(`${API}/services.json?lang=es`),
            200);
        assert.equal(es.find((s) => s.service_code === 'ABANDONED_VEHICLE')
            .service_name, 'Vehículo abandonado');
        for (const bad of ['<script>', 'e n', '12345678901234567890'])
            expectErrors(await ctx.srv.get(`${API}/services.json?lang=${
                encodeURIComponent(bad)}`), 400, 'json', `lang=${bad}`);
    });

test('an unknown service code is a 404 error list', async () => {
    expectErrors(await ctx.srv.get(`${API}/services/NO_SUCH_SERVICE.json`),
        404, 'json');
    expectErrors(await ctx.srv.get(`${API}/services/NO_SUCH_SERVICE.xml`),
        404, 'xml');
    expectErrors(await ctx.srv.get(`${API}/services/NO_SUCH_SERVICE`), 404);
});

testCleanStop(ctx);
