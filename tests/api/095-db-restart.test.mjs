// SPDX-License-Identifier: MIT
//
// Database restart under load: one server on a PostgreSQL cluster of this
// file's own, a loop of POSTs and GETs running, and the cluster stopped
// (fast shutdown) for about two seconds, then started again. While the
// database is away every answer comes back promptly as a 503 error list
// in the requested format; afterwards the same server process recovers by
// itself and no acknowledged write is lost. PostgreSQL only.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { API, PgCluster, startServer } from './lib/server.mjs';
import { JSON_TYPE, XML_PROLOG, XML_TYPE, expectJson, expectXml, parseXml,
    xmllintWellFormed } from './lib/check.mjs';

const PG = Boolean(process.env.CIVIC311_TEST_PG_URL);
const skip = PG ? false : 'PostgreSQL only: CIVIC311_TEST_PG_URL is not set';

const PROMPT_MS = 5000;   // no answer may take longer, down or up
const DOWN_MS = 2000;     // how long the cluster stays stopped
const RECOVER_MS = 15000; // how long recovery may take after the start
const WORKERS = 4;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let cluster;
let srv;

before(async () => {
    if (!PG)
        return;
    cluster = await new PgCluster().start();
    srv = await startServer({ name: '095-db-restart', pgUrl: cluster.url });
});

after(async () => {
    await srv?.close();
    await cluster?.destroy();
});

// The database's state as the test sees it, with the instants it changed.
const phase = { stopAt: Infinity, downAt: Infinity, startAt: Infinity,
    upAt: Infinity };

// One step of the load loop: the kth operation of a worker. Every kind
// touches the database; `fmt` is the answer format asked for.
function operation(k, w) {
    const n = `${w}-${k}`;
    const post = (fmt) => ({
        kind: `POST requests.${fmt}`, fmt, post: true, n,
        run: () => srv.post(`${API}/requests.${fmt}`, [
            ['service_code', 'POTHOLE'], ['address_string', `${k} Main St`],
            ['description', `restart load ${n}`]],
        { timeout: PROMPT_MS }),
    });
    const get = (fmt, url) => ({
        kind: `GET ${url}`, fmt,
        run: () => srv.get(`${API}/${url}`, { timeout: PROMPT_MS }),
    });
    switch (k % 5) {
    case 0: return post('json');
    case 1: return post('xml');
    case 2: return get('json', 'requests.json?status=open&page_size=5');
    case 3: return get('xml', 'requests.xml?page_size=5');
    default: return get('json', `requests/${k % 2 ? '2026-999999' :
        'not-an-id'}.json`);
    }
}

// A 503 with the Open311 error list in `fmt`, never HTML; returns the
// descriptions. (expectErrors in check.mjs refuses every 5xx by design.)
function expect503(r, fmt, what) {
    assert.equal(r.status, 503, `${what}: ${r.status} ${r.text}`);
    assert.doesNotMatch(r.text.slice(0, 200), /<html|<!doctype/i, what);
    if (fmt === 'xml') {
        assert.equal(r.contentType, XML_TYPE, what);
        assert.ok(r.text.startsWith(XML_PROLOG), `${what}: ${r.text}`);
        xmllintWellFormed(r.text);
        const root = parseXml(r.text);
        assert.equal(root.name, 'errors', `${what}: ${r.text}`);
        return root.children.map((e) => {
            assert.equal(e.name, 'error', what);
            assert.deepEqual(e.children.map((c) => c.name),
                ['code', 'description'], what);
            assert.equal(e.child('code').text, '503', what);
            return e.child('description').text;
        });
    }
    assert.equal(r.contentType, JSON_TYPE, what);
    assert.ok(Array.isArray(r.json) && r.json.length >= 1,
        `${what}: ${r.text}`);
    return r.json.map((e) => {
        assert.deepEqual(Object.keys(e).sort(), ['code', 'description'], what);
        assert.equal(e.code, 503, what);
        return e.description;
    });
}

// The body of a POST's 201, parsed: its new id.
function acknowledgedId(op, r) {
    if (op.fmt === 'json')
        return expectJson(r, 201, op.kind)[0].service_request_id;
    const root = expectXml(r, 201, op.kind);
    assert.equal(root.name, 'service_requests');
    return root.child('request').child('service_request_id').text;
}

test('a database restart under load: prompt 503 error lists while down, ' +
    'recovery without a server restart, no acknowledged write lost',
{ skip }, async (t) => {
    const pid = srv.proc.pid;
    const results = []; // { op, t0, t1, r | error }
    const health = [];  // { t0, t1, status | error }
    let stop = false;

    async function worker(w) {
        for (let k = 0; !stop; k++) {
            const op = operation(k, w);
            const t0 = Date.now();
            try {
                const r = await op.run();
                results.push({ op, t0, t1: Date.now(), r });
            } catch (error) {
                results.push({ op, t0, t1: Date.now(), error });
            }
            await sleep(10);
        }
    }

    async function healthLoop() {
        while (!stop) {
            const t0 = Date.now();
            try {
                const r = await srv.get('/healthz',
                    { timeout: PROMPT_MS, record: false });
                health.push({ t0, t1: Date.now(), status: r.status });
            } catch (error) {
                health.push({ t0, t1: Date.now(), error });
            }
            await sleep(100);
        }
    }

    const loops = [...Array.from({ length: WORKERS }, (_, w) => worker(w)),
        healthLoop()];
    try {
        await sleep(1000);
        phase.stopAt = Date.now();
        await cluster.stop();
        phase.downAt = Date.now();
        await sleep(DOWN_MS);
        phase.startAt = Date.now();
        await cluster.start();
        phase.upAt = Date.now();

        // Recovery: a POST succeeds again within RECOVER_MS, then the loop
        // runs on for a second on the recovered database.
        let recovered = false;
        while (!recovered && Date.now() - phase.upAt < RECOVER_MS) {
            await sleep(200);
            recovered = results.some((x) => x.t0 > phase.upAt && x.op.post &&
                x.r?.status === 201);
        }
        assert.ok(recovered, 'no POST succeeded within ' +
            `${RECOVER_MS} ms of the restart; server log:\n` +
            srv.stderr.slice(-3000));
        await sleep(1000);
    } finally {
        stop = true;
        await Promise.all(loops);
    }

    // The same process served throughout.
    assert.equal(srv.proc.pid, pid);
    assert.equal(srv.proc.exitCode, null, 'the server exited');

    // Every answer: prompt, never a hang, never a 500 or HTML.
    for (const x of results) {
        const what = `${x.op.kind} at +${x.t0 - phase.stopAt} ms`;
        assert.equal(x.error, undefined, `${what}: ${x.error?.message}`);
        assert.ok(x.t1 - x.t0 < PROMPT_MS, `${what} took ${x.t1 - x.t0} ms`);
        assert.ok([200, 201, 404, 503].includes(x.r.status),
            `${what}: ${x.r.status} ${x.r.text}`);
        if (x.r.status === 503)
            expect503(x.r, x.op.fmt, what);
    }

    // While the cluster was down (sent after it stopped, answered before
    // it was started again) every answer was a 503 in the asked format.
    const down = results.filter((x) => x.t0 >= phase.downAt &&
        x.t1 <= phase.startAt);
    for (const x of down) {
        const what = `${x.op.kind} while down`;
        const msgs = expect503(x.r, x.op.fmt, what);
        assert.deepEqual(msgs, ['the service is busy; try again shortly'],
            what);
    }
    for (const fmt of ['json', 'xml']) {
        assert.ok(down.some((x) => x.op.post && x.op.fmt === fmt),
            `no POST in ${fmt} was answered while the database was down`);
        assert.ok(down.some((x) => !x.op.post && x.op.fmt === fmt),
            `no GET in ${fmt} was answered while the database was down`);
    }

    // Before the stop, and after the first answer from the restarted
    // database, nothing was refused.
    const recoveredAt = Math.min(...results.filter((x) => x.t0 > phase.upAt &&
        x.r.status !== 503).map((x) => x.t0));
    for (const x of results.filter((y) => y.t1 < phase.stopAt ||
        y.t0 > recoveredAt))
        assert.notEqual(x.r.status, 503,
            `${x.op.kind} at +${x.t0 - phase.stopAt} ms: 503 while up`);
    assert.ok(results.some((x) => x.t1 < phase.stopAt && x.op.post),
        'no POST ran before the stop');

    // /healthz reports the process, not the database: 200 throughout.
    assert.ok(health.some((h) => h.t0 >= phase.downAt &&
        h.t1 <= phase.startAt), 'no /healthz while the database was down');
    for (const h of health) {
        assert.equal(h.error, undefined, `/healthz: ${h.error?.message}`);
        assert.equal(h.status, 200, `/healthz at +${h.t0 - phase.stopAt} ms`);
        assert.ok(h.t1 - h.t0 < PROMPT_MS, `/healthz took ${h.t1 - h.t0} ms`);
    }

    t.diagnostic(`${results.length} answers, ${down.length} while down ` +
        `(${phase.startAt - phase.downAt} ms), slowest ${Math.max(
            ...results.map((x) => x.t1 - x.t0))} ms, served again ` +
        `${recoveredAt - phase.upAt} ms after the start`);

    // No acknowledged write is lost: each 201 reads back as posted.
    const acked = results.filter((x) => x.op.post && x.r.status === 201)
        .map((x) => ({ n: x.op.n, id: acknowledgedId(x.op, x.r) }));
    assert.equal(new Set(acked.map((a) => a.id)).size, acked.length,
        'an id was given out twice');
    for (const { n, id } of acked) {
        const q = expectJson(await srv.get(`${API}/requests/${id}.json`),
            200, `acknowledged ${id}`)[0];
        assert.equal(q.service_request_id, id);
        assert.equal(q.description, `restart load ${n}`, id);
    }
    const listed = new Set(expectJson(await srv.get(
        `${API}/requests.json?service_code=POTHOLE`), 200)
        .map((q) => q.service_request_id));
    for (const { id } of acked)
        assert.ok(listed.has(id), `${id} is not listed`);
});

test('server stops on SIGTERM with status 0 and no sanitizer report',
    { skip }, async () => {
        const r = await srv.stop();
        assert.deepEqual(srv.sanitizerReports(), [], srv.stderr.slice(-4000));
        assert.deepEqual(r, { code: 0, signal: null }, srv.stderr.slice(-4000));
    });
