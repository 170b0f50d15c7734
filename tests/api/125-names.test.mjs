// SPDX-License-Identifier: MIT
//
// Names and notes from the city configuration in the language asked for:
// Open311 gives a service's group, a question's hint, a request's agency
// and its public status note in the language of `lang` or
// Accept-Language, else in the default language; the staff API names
// departments, work groups and steps in the language of Accept-Language.
// The texts compared are the demo city's own (config/demo-city.yaml).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { API, testCleanStop, useServer } from './lib/server.mjs';
import { expectJson, xmllintString } from './lib/check.mjs';
import { validate } from './lib/schema.mjs';
import { call, ok, staffToken } from './lib/staff.mjs';

const tokens = {};

const ctx = useServer('125-names', async (srv) => {
    tokens.boss = await staffToken(srv, 'boss', ['supervisor', 'admin']);
    tokens.crew = await staffToken(srv, 'san.crew', ['crew'],
        ['SANITATION', 'POLICE']);
});

// A staff call as login, in language lang (an Accept-Language value).
function staff(login, method, path, { lang, body } = {}) {
    return call(ctx.srv, method, path, { token: tokens[login], body,
        headers: lang ? { 'accept-language': lang } : {} });
}

// GET an Open311 path, JSON, with an optional Accept-Language header.
async function open311(path, lang) {
    return expectJson(await ctx.srv.get(`${API}/${path}`,
        { headers: lang ? { 'accept-language': lang } : {} }), 200, path);
}

async function file(service, fields) {
    const r = await ctx.srv.post(`${API}/requests.json`, {
        service_code: service, lat: '40.7128', long: '-74.0060', ...fields });
    assert.equal(r.status, 201, r.text);
    return r.json[0].service_request_id;
}

async function workOrders(id, lang) {
    return ok(await staff('boss', 'GET', `requests/${id}/workorders`,
        { lang }), 200);
}

test('a service\'s group comes in the language asked for', async () => {
    const group = async (query, lang) => (await open311(
        `services.json${query}`, lang)).find(
        (s) => s.service_code === 'MISSED_COLLECTION').group;
    assert.equal(await group(''), 'Sanitation');
    assert.equal(await group('?lang=es'), 'Limpieza y basura');
    assert.equal(await group('?lang=zh'), '环境卫生');
    assert.equal(await group('', 'es-MX,es;q=0.9'), 'Limpieza y basura');
    assert.equal(await group('', 'zh-CN'), '环境卫生');
    // lang wins over the header; a language without texts gets English.
    assert.equal(await group('?lang=es', 'zh'), 'Limpieza y basura');
    assert.equal(await group('?lang=fr'), 'Sanitation');
    // Weights count: the heaviest language, never one weighed 0.
    assert.equal(await group('', 'en;q=0.1, es;q=0.9'), 'Limpieza y basura');
    assert.equal(await group('', 'es;q=0, zh'), '环境卫生');
    assert.equal(await group('', 'es;q=0'), 'Sanitation');
    assert.equal(await group('', '*, x-private, zh-TW;q=0.5'), '环境卫生');
    const es = await open311('services.json?lang=es');
    assert.deepEqual(validate('services.json', es), []);
    assert.equal(es.find((s) => s.service_code === 'ABANDONED_VEHICLE').group,
        'Vehículos y estacionamiento');
    const xml = (await ctx.srv.get(`${API}/services.xml?lang=zh`)).text;
    assert.equal(xmllintString(xml,
        '//service[service_code="POTHOLE"]/group'), '街道与人行道');
});

test('a question\'s hint comes in the language asked for', async () => {
    const hints = async (query) => Object.fromEntries((await open311(
        `services/ABANDONED_VEHICLE.json${query}`)).attributes
        .filter((a) => a.datatype_description !== null)
        .map((a) => [a.code, a.datatype_description]));
    assert.deepEqual(await hints(''), {
        MAKE: 'for example Toyota, Ford, Honda',
        YEAR: 'a four-digit year such as 2012',
        FIRST_SEEN: 'the day and, if you remember, the time',
    });
    assert.deepEqual(await hints('?lang=zh'), {
        MAKE: '例如丰田、福特、本田',
        YEAR: '四位数的年份，例如 2012',
        FIRST_SEEN: '日期，如果记得，也请填写时间',
    });
    assert.deepEqual(await hints('?lang=es'), {
        MAKE: 'por ejemplo Toyota, Ford, Honda',
        YEAR: 'un año de cuatro cifras, como 2012',
        FIRST_SEEN: 'el día y, si lo recuerda, la hora',
    });
    const def = await open311('services/ABANDONED_VEHICLE.json?lang=es');
    assert.deepEqual(validate('service-definition.json', def), []);
});

let missed;

test('a request names its department in the language asked for',
    async () => {
        missed = await file('MISSED_COLLECTION',
            { 'attribute[MATERIAL]': 'trash' });
        const agency = async (query, lang) => (await open311(
            `requests/${missed}.json${query}`, lang))[0].agency_responsible;
        assert.equal(await agency(''), 'Department of Sanitation');
        assert.equal(await agency('?lang=zh'), '环境卫生局');
        assert.equal(await agency('?lang=es'), 'Departamento de Sanidad');
        assert.equal(await agency('', 'es'), 'Departamento de Sanidad');
        const list = await open311(
            `requests.json?service_request_id=${missed}&lang=zh`);
        assert.deepEqual(validate('requests.json', list), []);
        assert.equal(list[0].agency_responsible, '环境卫生局');
        // The staff view of the request follows Accept-Language too.
        const v = ok(await staff('boss', 'GET', `requests/${missed}`,
            { lang: 'es' }), 200);
        assert.equal(v.agency_responsible, 'Departamento de Sanidad');
    });

test('work orders name their step, department and work group in the ' +
    'language of Accept-Language', async () => {
    const names = (w) => [w.name, w.department_name, w.work_group_name];
    const [en] = await workOrders(missed);
    assert.deepEqual(names(en), ['Collect the material',
        'Department of Sanitation', 'Collection Operations']);
    const [zh] = await workOrders(missed, 'zh-CN,zh;q=0.9,en;q=0.5');
    assert.deepEqual(names(zh), ['收集物品', '环境卫生局', '垃圾收集作业组']);
    const [es] = await workOrders(missed, 'es');
    assert.deepEqual(names(es), ['Recoger el material',
        'Departamento de Sanidad', 'Operaciones de recolección']);
    // The work order list and one work order, too.
    const list = ok(await staff('crew', 'GET',
        'workorders?department=SANITATION', { lang: 'zh' }), 200);
    assert.deepEqual(names(list.find((w) => w.id === en.id)),
        names(zh));
    const one = ok(await staff('crew', 'GET', `workorders/${en.id}`,
        { lang: 'es' }), 200);
    assert.deepEqual(names(one), names(es));
    // A language without texts, or a header that is no tag: English.
    const [fr] = await workOrders(missed, 'fr');
    assert.deepEqual(names(fr), names(en));
    const [bad] = await workOrders(missed, '*');
    assert.deepEqual(names(bad), names(en));
    const [refused] = await workOrders(missed, 'zh;q=0, es;q=0.3');
    assert.deepEqual(names(refused), names(es));
});

test('GET /api/v1/me names the departments in the language asked for',
    async () => {
        const me = async (lang) => ok(await staff('crew', 'GET', 'me',
            { lang }), 200).department_names;
        assert.deepEqual(await me(), { SANITATION: 'Department of Sanitation',
            POLICE: 'Police Department' });
        assert.deepEqual(await me('zh'),
            { SANITATION: '环境卫生局', POLICE: '警察局' });
        assert.deepEqual(await me('es'), {
            SANITATION: 'Departamento de Sanidad',
            POLICE: 'Departamento de Policía' });
    });

test('a closed request\'s status note comes in the language asked for',
    async () => {
        const [wo] = await workOrders(missed);
        const done = ok(await staff('crew', 'POST',
            `workorders/${wo.id}/complete`, { lang: 'zh', body: {} }), 200);
        assert.equal(done.status, 'done');
        assert.equal(done.work_group_name, '垃圾收集作业组');
        const note = async (query) => (await open311(
            `requests/${missed}.json${query}`))[0];
        const en = await note('');
        assert.equal(en.status, 'closed');
        assert.equal(en.status_notes, 'The material was collected.');
        assert.equal((await note('?lang=zh')).status_notes, '物品已收走。');
        assert.equal((await note('?lang=es')).status_notes,
            'Se recogió el material.');
        const list = await open311(
            `requests.json?service_request_id=${missed}&lang=zh`);
        assert.deepEqual(validate('requests.json', list), []);
        assert.equal(list[0].status_notes, '物品已收走。');
        const v = ok(await staff('boss', 'GET', `requests/${missed}`,
            { lang: 'zh' }), 200);
        assert.equal(v.status_notes, '物品已收走。');
    });

test('an outcome\'s note closes the request even when nothing follows it',
    async () => {
        const id = await file('ABANDONED_VEHICLE', {
            'attribute[HAZARD]': 'no', 'attribute[CONDITION]': 'damaged',
            'attribute[MAKE]': 'Ford' });
        const [wo] = await workOrders(id, 'es');
        assert.equal(wo.name, 'Inspeccionar el vehículo reportado');
        assert.equal(wo.work_group_name, 'Patrulla de la comisaría');
        ok(await staff('crew', 'POST', `workorders/${wo.id}/complete`,
            { body: { outcome: 'not_found' } }), 200);
        const [en] = await open311(`requests/${id}.json`);
        assert.equal(en.status, 'closed');
        assert.equal(en.status_notes,
            'Inspectors did not find the vehicle at the location given.');
        const [zh] = await open311(`requests/${id}.json?lang=zh`);
        assert.equal(zh.status_notes, '检查人员在所报地点未找到该车辆。');
        assert.equal(zh.agency_responsible, '警察局');
    });

test('a public note typed by staff stays as typed in every language',
    async () => {
        const id = await file('MISSED_COLLECTION',
            { 'attribute[MATERIAL]': 'recycling' });
        ok(await staff('boss', 'POST', `requests/${id}/notes`,
            { body: { text: 'A truck comes back on Friday.', public: true } }),
        201);
        const [zh] = await open311(`requests/${id}.json?lang=zh`);
        assert.equal(zh.status_notes, 'A truck comes back on Friday.');
        assert.equal(zh.agency_responsible, '环境卫生局');
    });

test('reports name departments and services in the language asked for',
    async () => {
        const from = encodeURIComponent(
            new Date(Date.now() - 3600e3).toISOString());
        const to = encodeURIComponent(
            new Date(Date.now() + 3600e3).toISOString());
        const report = async (by, lang) => ok(await staff('boss', 'GET',
            `reports/summary?from=${from}&to=${to}&by=${by}`, { lang }), 200);
        const groups = (r) => r.groups.map((g) => [g.key, g.name, g.requests]);
        assert.deepEqual(groups(await report('department')), [
            ['SANITATION', 'Department of Sanitation', 2],
            ['POLICE', 'Police Department', 1]]);
        assert.deepEqual(groups(await report('department', 'zh')), [
            ['SANITATION', '环境卫生局', 2], ['POLICE', '警察局', 1]]);
        const es = await report('service', 'es');
        assert.deepEqual(groups(es), [
            ['MISSED_COLLECTION', 'Recolección no realizada', 2],
            ['ABANDONED_VEHICLE', 'Vehículo abandonado', 1]]);
        assert.deepEqual(es.top_services.map((s) => s.service_name),
            ['Recolección no realizada', 'Vehículo abandonado']);
    });

testCleanStop(ctx);
