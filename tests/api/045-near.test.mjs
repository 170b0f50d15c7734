// SPDX-License-Identifier: MIT
//
// The location filter on GET requests (an extension): lat and long with a
// radius in metres. Distances from the centre, by the haversine formula on
// the mean Earth radius 6,371,008.8 m (computed separately):
//   north_500  40.7173,-74.0060    500.3779 m
//   east_885   40.7128,-73.9955    884.9884 m
//   north_1501 40.7263,-74.0060  1,501.1336 m
//   sw_1849    40.7000,-74.0200  1,848.8930 m
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { API, testCleanStop, useServer } from './lib/server.mjs';
import { expectErrors, expectJson } from './lib/check.mjs';

const ctx = useServer('045-near', setup);
const CENTRE = 'lat=40.7128&long=-74.0060';
const POINTS = {
    north_500: ['40.7173', '-74.0060'],
    east_885: ['40.7128', '-73.9955'],
    north_1501: ['40.7263', '-74.0060'],
    sw_1849: ['40.7000', '-74.0200'],
};
const id = {}; // point name -> request id

async function setup() {
    for (const [name, [lat, long]] of Object.entries(POINTS)) {
        const r = expectJson(await ctx.srv.post(`${API}/requests.json`, [
            ['service_code', 'POTHOLE'], ['lat', lat], ['long', long],
            ['description', `near test ${name}`],
        ]), 201, name);
        id[r[0].service_request_id] = name;
    }
    // One request with an address only: never near anything.
    expectJson(await ctx.srv.post(`${API}/requests.json`, [
        ['service_code', 'POTHOLE'], ['address_string', '1 Centre Street'],
    ]), 201);
}

async function near(query) {
    const l = expectJson(await ctx.srv.get(
        `${API}/requests.json?service_code=POTHOLE&${query}`), 200, query);
    return l.map((r) => id[r.service_request_id] ?? r.service_request_id)
        .sort();
}

test('the default radius is 1,000 m', async () => {
    assert.deepEqual(await near(CENTRE), ['east_885', 'north_500']);
});

test('radius widens and narrows the circle', async () => {
    assert.deepEqual(await near(`${CENTRE}&radius=1600`),
        ['east_885', 'north_1501', 'north_500']);
    assert.deepEqual(await near(`${CENTRE}&radius=5000`),
        ['east_885', 'north_1501', 'north_500', 'sw_1849']);
    assert.deepEqual(await near(`${CENTRE}&radius=100`), []);
});

test('the circle is exact at its edge, not a box', async () => {
    assert.deepEqual(await near(`${CENTRE}&radius=500.39`), ['north_500']);
    assert.deepEqual(await near(`${CENTRE}&radius=500.37`), []);
    // sw_1849 lies inside the 1,849 m box's corner region but is found
    // only once the radius reaches its distance.
    assert.deepEqual(await near(`${CENTRE}&radius=1848.88`),
        ['east_885', 'north_1501', 'north_500']);
});

test('bad location filters are 400s', async () => {
    for (const q of ['lat=40.7', 'long=-74', 'radius=100',
        `${CENTRE}&radius=0`, `${CENTRE}&radius=50001`, `${CENTRE}&radius=x`,
        'lat=91&long=0', 'lat=0&long=181'])
        expectErrors(await ctx.srv.get(`${API}/requests.json?${q}`), 400,
            'json', q);
});

testCleanStop(ctx);
