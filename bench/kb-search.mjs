// SPDX-License-Identifier: MIT
//
// Measures knowledge base search through the HTTP API for bench/kb.sh:
// signs in, then sends the queries below round after round from a few
// concurrent clients on kept-alive connections, and prints one JSON line
// with the latency percentiles over all searches and per query.
//
//   node bench/kb-search.mjs BASE_URL LOGIN PASSWORD ROUNDS CLIENTS
import http from 'node:http';

const [base, login, password, rounds = '20', clients = '4'] =
    process.argv.slice(2);
const url = new URL(base);
const agent = new http.Agent({ keepAlive: true, maxSockets: Number(clients) });

// English and Chinese, long and short terms, common and rare words, with
// and without a language preference or a filter.
export const QUERIES = [
    'q=towed+car&lang=en',
    'q=bulky&lang=en',
    'q=bulky&lang=zh',
    `q=${encodeURIComponent('拖车')}&lang=zh`,
    `q=${encodeURIComponent('拖车')}&lang=en`,
    `q=${encodeURIComponent('垃圾回收')}&lang=zh`,
    `q=${encodeURIComponent('我的车被拖走了')}&lang=zh`,
    `q=${encodeURIComponent('车')}&lang=zh`,
    'q=noise+at+night&lang=en',
    'q=property+tax&lang=en',
    'q=parking+ticket+hearing',
    'q=heat&lang=en',
    'q=id&lang=en',
    'q=recycling&category=Sanitation',
    'q=pothole&service=POTHOLE',
    'q=how+do+I+get+a+copy+of+my+birth+certificate',
    'q=zengilne+hydrant',
    'q=xyzzy',
];

function request(method, path, body, token) {
    return new Promise((resolve, reject) => {
        const headers = { 'content-type': 'application/json' };
        if (token)
            headers.authorization = `Bearer ${token}`;
        const t0 = process.hrtime.bigint();
        const req = http.request({ host: url.hostname, port: url.port,
            method, path, headers, agent }, (res) => {
            const chunks = [];
            res.on('data', (c) => chunks.push(c));
            res.on('end', () => resolve({
                status: res.statusCode,
                body: Buffer.concat(chunks).toString('utf8'),
                ms: Number(process.hrtime.bigint() - t0) / 1e6,
            }));
        });
        req.on('error', reject);
        if (body)
            req.write(body);
        req.end();
    });
}

function pct(v, p) {
    const s = [...v].sort((a, b) => a - b);
    return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

const session = await request('POST', '/api/v1/session',
    JSON.stringify({ login, password }));
if (session.status !== 201)
    throw new Error(`sign-in failed: ${session.status} ${session.body}`);
const { token } = JSON.parse(session.body);

// Warm up: every query once.
for (const q of QUERIES)
    await request('GET', `/api/v1/kb/search?${q}`, null, token);

const jobs = [];
for (let r = 0; r < Number(rounds); r++)
    for (const q of QUERIES)
        jobs.push(q);
const all = [];
const per = new Map(QUERIES.map((q) => [q, []]));
const counts = new Map();
let errors = 0;
const t0 = Date.now();
async function client() {
    for (;;) {
        const q = jobs.shift();
        if (q === undefined)
            return;
        const r = await request('GET', `/api/v1/kb/search?${q}`, null, token);
        if (r.status !== 200) {
            errors++;
            continue;
        }
        all.push(r.ms);
        per.get(q).push(r.ms);
        counts.set(q, JSON.parse(r.body).total);
    }
}
await Promise.all(Array.from({ length: Number(clients) }, client));
const secs = (Date.now() - t0) / 1000;
const fix = (x) => Number(x.toFixed(2));
console.log(JSON.stringify({
    searches: all.length,
    errors,
    per_second: fix(all.length / secs),
    p50: fix(pct(all, 50)),
    p95: fix(pct(all, 95)),
    p99: fix(pct(all, 99)),
    max: fix(Math.max(...all)),
    queries: QUERIES.map((q) => ({ q: decodeURIComponent(q), total:
        counts.get(q), p95: fix(pct(per.get(q), 95)) })),
}));
agent.destroy();
