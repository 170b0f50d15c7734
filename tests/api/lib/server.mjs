// SPDX-License-Identifier: MIT
//
// Starts a real civic311 server for black-box tests: a fresh database in a
// temporary directory, the demo city, a free port on 127.0.0.1 and an API
// key made with `civic311 apikey create`. Gives small HTTP helpers that
// record every response body (for checks over a whole file, such as "no
// private data in any public answer") and keeps the server's standard
// error for assertions on its log.
import assert from 'node:assert/strict';
import { spawn, execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(
    path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export const API = '/open311/v2';

const READY_TIMEOUT_MS = 20000;
const STOP_TIMEOUT_MS = 15000;

// The binary under test: $CIVIC311_BIN, else the sanitizer build, else the
// normal build.
export function binaryPath() {
    if (process.env.CIVIC311_BIN)
        return path.resolve(process.env.CIVIC311_BIN);
    for (const dir of ['build-asan', 'build']) {
        const p = path.join(repoRoot, dir, 'civic311');
        if (fs.existsSync(p))
            return p;
    }
    throw new Error('no civic311 binary: build it or set CIVIC311_BIN');
}

// A port that was free a moment ago (bind port 0, read it, close).
export function freePort() {
    return new Promise((resolve, reject) => {
        const s = net.createServer();
        s.unref();
        s.on('error', reject);
        s.listen(0, '127.0.0.1', () => {
            const { port } = s.address();
            s.close(() => resolve(port));
        });
    });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Encodes fields as application/x-www-form-urlencoded. `fields` is a string
// (sent as is), a Buffer, an array of [name, value] pairs (names may
// repeat) or an object (an array value repeats the name).
export function formEncode(fields) {
    if (typeof fields === 'string' || Buffer.isBuffer(fields))
        return fields;
    const pairs = Array.isArray(fields) ? fields : Object.entries(fields)
        .flatMap(([k, v]) => Array.isArray(v) ? v.map((x) => [k, x]) : [[k, v]]);
    return pairs.map(([k, v]) =>
        `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join('&');
}

// Every server started by this process, killed if the process exits early.
const running = new Set();
process.on('exit', () => {
    for (const s of running)
        s.proc?.kill('SIGKILL');
});

// With CIVIC311_TEST_PG_URL set (a DSN from scripts/pg-cluster.sh url), each
// server gets a database of its own on that PostgreSQL cluster instead of a
// SQLite file, so the whole suite runs against the PostgreSQL back end.
let pgDatabases = 0;

export function freshPgDatabase(url) {
    const name = `api_${process.pid}_${++pgDatabases}`;
    execFileSync('psql', [url, '-Atqc', `CREATE DATABASE ${name}`],
        { stdio: ['ignore', 'ignore', 'pipe'] });
    const u = new URL(url);
    u.pathname = `/${name}`;
    return u.toString();
}

export class Server {
    constructor(options = {}) {
        this.bin = binaryPath();
        this.name = options.name ?? 'api';
        this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'civic311-api-'));
        // options.db shares a database with another server (see
        // startServers); options.pgUrl picks the PostgreSQL cluster.
        const pgUrl = options.pgUrl ?? process.env.CIVIC311_TEST_PG_URL;
        this.db = options.db ?? (pgUrl ? freshPgDatabase(pgUrl)
            : path.join(this.dir, 't.db'));
        this.config = options.config ??
            path.join(repoRoot, 'config', 'demo-city.yaml');
        this.webRoot = path.join(repoRoot, 'web');
        this.proc = null;
        this.port = 0;
        this.stderr = '';   // all runs, in order
        this.bodies = [];   // every response body received, as text
        this.apiKey = null;
        // more `serve` options, such as --portal-key-file or --queue-log
        this.extraArgs = options.extraArgs ?? options.args ?? [];
    }

    get base() {
        return `http://127.0.0.1:${this.port}`;
    }

    // Starts the server and waits until /healthz answers 200. A port taken
    // between freePort() and the bind is retried with another one.
    async start() {
        let lastError;
        for (let attempt = 0; attempt < 3; attempt++) {
            this.port = await freePort();
            try {
                await this.#launch();
                return this;
            } catch (e) {
                lastError = e;
                if (!/address already in use|EADDRINUSE|bind/i.test(e.message))
                    break;
            }
        }
        throw lastError;
    }

    async #launch() {
        const args = ['serve', '--config', this.config, '--db', this.db,
            '--listen', `127.0.0.1:${this.port}`, '--web-root', this.webRoot,
            ...this.extraArgs];
        const proc = spawn(this.bin, args, {
            cwd: repoRoot,
            env: process.env,
            stdio: ['ignore', 'ignore', 'pipe'],
        });
        const startAt = this.stderr.length;
        this.proc = proc;
        running.add(this);
        proc.stderr.setEncoding('utf8');
        proc.stderr.on('data', (d) => { this.stderr += d; });
        proc.exited = new Promise((resolve) => {
            proc.on('exit', (code, signal) => {
                running.delete(this);
                resolve({ code, signal });
            });
        });
        proc.on('error', (e) => { this.stderr += `spawn error: ${e}\n`; });

        const deadline = Date.now() + READY_TIMEOUT_MS;
        for (;;) {
            if (proc.exitCode !== null || proc.signalCode !== null) {
                await proc.exited;
                throw new Error(`civic311 serve exited (${proc.exitCode ??
                    proc.signalCode}) before it was ready; stderr:\n` +
                    this.stderr.slice(startAt));
            }
            try {
                const r = await this.request('GET', '/healthz',
                    { record: false, timeout: 1000 });
                if (r.status === 200)
                    return;
            } catch {
                // not listening yet
            }
            if (Date.now() > deadline) {
                proc.kill('SIGKILL');
                await proc.exited;
                throw new Error(`civic311 serve not ready after ${
                    READY_TIMEOUT_MS} ms; stderr:\n` + this.stderr.slice(startAt));
            }
            await sleep(100);
        }
    }

    // Creates an API key with the CLI; the key is the one line it prints.
    // Its rate limit is the largest, so that load tests are not refused.
    createApiKey(name = 'tests') {
        const out = execFileSync(this.bin,
            ['apikey', 'create', '--db', this.db, '--name', name,
                '--rate-limit', '1000000'],
            { cwd: repoRoot, env: process.env, encoding: 'utf8',
              stdio: ['ignore', 'pipe', 'pipe'] });
        const lines = out.split('\n').filter((l) => l.trim() !== '');
        if (lines.length !== 1)
            throw new Error(`apikey create printed ${lines.length} lines:\n${out}`);
        return lines[0].trim();
    }

    // One HTTP exchange. Resolves with status, headers, body text (and json
    // when it parses); a response that arrives while the body is still being
    // sent (413) is returned even if the server then closes the connection.
    request(method, urlPath, opts = {}) {
        const { body, headers = {}, record = true, timeout = 30000 } = opts;
        return new Promise((resolve, reject) => {
            let done = false;
            const finish = (f, v) => { if (!done) { done = true; f(v); } };
            const req = http.request({
                host: '127.0.0.1', port: this.port, method, path: urlPath,
                headers: {
                    connection: 'close',
                    ...(body !== undefined ? {
                        'content-length': Buffer.byteLength(body) } : {}),
                    ...headers,
                },
                timeout,
            }, (res) => {
                const chunks = [];
                res.on('data', (c) => chunks.push(c));
                res.on('error', (e) => finish(reject, e));
                res.on('end', () => {
                    const raw = Buffer.concat(chunks);
                    const text = raw.toString('utf8');
                    if (record)
                        this.bodies.push(text);
                    let json;
                    try { json = JSON.parse(text); } catch { json = undefined; }
                    finish(resolve, {
                        status: res.statusCode,
                        headers: res.headers,
                        contentType: res.headers['content-type'] ?? '',
                        raw, text, json,
                    });
                });
            });
            req.on('timeout', () => req.destroy(new Error(
                `${method} ${urlPath}: no answer in ${timeout} ms`)));
            req.on('error', (e) => {
                // EPIPE/ECONNRESET after an early answer is fine; the
                // response handler settles the promise.
                setTimeout(() => finish(reject, e), 200);
            });
            if (body !== undefined)
                req.write(body);
            req.end();
        });
    }

    get(urlPath, opts = {}) {
        return this.request('GET', urlPath, opts);
    }

    // POSTs form fields (see formEncode). The API key is added unless
    // fields already name api_key or opts.apiKey is false.
    post(urlPath, fields = [], opts = {}) {
        let body = formEncode(fields);
        if (opts.apiKey !== false && typeof body === 'string' &&
                !/(^|&)api_key=/.test(body))
            body = `api_key=${encodeURIComponent(this.apiKey)}` +
                (body ? `&${body}` : '');
        return this.request('POST', urlPath, {
            ...opts,
            body,
            headers: {
                'content-type': 'application/x-www-form-urlencoded',
                ...(opts.headers ?? {}),
            },
        });
    }

    // SIGTERM and wait; resolves with { code, signal }.
    async stop() {
        const proc = this.proc;
        if (!proc || proc.exitCode !== null || proc.signalCode !== null)
            return proc ? proc.exited : { code: null, signal: null };
        proc.kill('SIGTERM');
        const timer = setTimeout(() => proc.kill('SIGKILL'), STOP_TIMEOUT_MS);
        const r = await proc.exited;
        clearTimeout(timer);
        return r;
    }

    // SIGKILL and wait: a crash, as far as the database can tell.
    async kill9() {
        const proc = this.proc;
        if (!proc || proc.exitCode !== null || proc.signalCode !== null)
            return;
        proc.kill('SIGKILL');
        await proc.exited;
    }

    // Starts again on the same database and port if it is still free.
    async restart() {
        await this.stop();
        return this.start();
    }

    // Sanitizer reports found in the server's standard error so far.
    sanitizerReports() {
        return this.stderr.split('\n').filter((l) =>
            /ERROR: (Address|Leak|Thread|Memory)Sanitizer|runtime error:/
                .test(l));
    }

    // Stops the server, keeps its log under tests/artifacts/ and removes
    // the temporary directory.
    async close() {
        const r = await this.stop();
        try {
            const dir = path.join(repoRoot, 'tests', 'artifacts');
            fs.mkdirSync(dir, { recursive: true });
            fs.writeFileSync(path.join(dir, `${this.name}.stderr.log`),
                this.stderr);
        } catch {
            // the log is a convenience only
        }
        if (!process.env.CIVIC311_KEEP_TMP)
            fs.rmSync(this.dir, { recursive: true, force: true });
        return r;
    }
}

// Starts a server with an API key ready; the usual start of a test file.
export async function startServer(options = {}) {
    const s = new Server(options);
    await s.start();
    s.apiKey = s.createApiKey();
    return s;
}

// Registers before/after hooks that run one server for a test file; the
// server is ctx.srv inside tests. `setup(srv)`, if given, runs once the
// server is up (in the same hook, so it never sees a missing server).
// options go to the Server (args: more `serve` arguments).
export function useServer(name, setup, options = {}) {
    const ctx = {};
    before(async () => {
        ctx.srv = await startServer({ ...options, name });
        if (setup)
            await setup(ctx.srv);
    });
    after(async () => { await ctx.srv?.close(); });
    return ctx;
}

// The last test of a file: SIGTERM ends the server with status 0 and its
// standard error holds no sanitizer report (leaks are reported at exit).
export function testCleanStop(ctx) {
    test('server stops on SIGTERM with status 0 and no sanitizer report',
        async () => {
            const r = await ctx.srv.stop();
            assert.deepEqual(ctx.srv.sanitizerReports(), [],
                ctx.srv.stderr.slice(-4000));
            assert.deepEqual(r, { code: 0, signal: null },
                ctx.srv.stderr.slice(-4000));
        });
}

// Starts n servers on ONE database (a fresh one, as for a single server),
// all at once, as several instances behind a load balancer would start;
// they share one API key, made once. Names are `${name}-1` ... `${name}-n`.
export async function startServers(n, options = {}) {
    const name = options.name ?? 'api';
    const first = new Server({ ...options, name: `${name}-1` });
    const all = [first];
    for (let i = 2; i <= n; i++)
        all.push(new Server({ ...options, name: `${name}-${i}`,
            db: first.db }));
    const started = await Promise.allSettled(all.map((s) => s.start()));
    const failed = started.find((r) => r.status === 'rejected');
    if (failed) {
        await Promise.all(all.map((s) => s.close()));
        throw failed.reason;
    }
    const key = first.createApiKey();
    for (const s of all)
        s.apiKey = key;
    return all;
}

// ---------------------------------------------------------------- clusters

const clusterScript = path.join(repoRoot, 'scripts', 'pg-cluster.sh');
const clusters = new Set();
process.on('exit', () => {
    for (const c of clusters)
        c.destroySync();
});

// Runs scripts/pg-cluster.sh CMD DIR without blocking the event loop (the
// test's own requests keep flowing); resolves with its standard output.
function clusterCommand(cmd, dir) {
    return new Promise((resolve, reject) => {
        // A private cluster listens on its socket only, never on the TCP
        // port a PGCLUSTER_PORT meant for the shared one.
        const env = { ...process.env };
        delete env.PGCLUSTER_PORT;
        execFile('sh', [clusterScript, cmd, dir], { encoding: 'utf8', env },
            (e, stdout, stderr) => e
                ? reject(new Error(`pg-cluster.sh ${cmd}: ${e.message}\n` +
                    stderr))
                : resolve(stdout.trim()));
    });
}

// A PostgreSQL cluster of the test's own (scripts/pg-cluster.sh in a new
// folder under /tmp, which the postgres system user can reach), for tests
// that stop and start the database: stopping the suite's shared cluster
// would break the test files that run beside them.
export class PgCluster {
    constructor() {
        this.dir = fs.mkdtempSync('/tmp/civic311-pgtest-');
        this.url = null;
    }

    // initdb (the first time) and start; resolves once it accepts clients.
    async start() {
        clusters.add(this);
        await clusterCommand('start', this.dir);
        this.url ??= await clusterCommand('url', this.dir);
        return this;
    }

    // Fast shutdown (pg_ctl stop -m fast): clients are disconnected.
    async stop() {
        await clusterCommand('stop', this.dir);
    }

    // Stops the cluster if it runs and removes its folder.
    async destroy() {
        try {
            await this.stop();
        } catch {
            // not running
        }
        clusters.delete(this);
        fs.rmSync(this.dir, { recursive: true, force: true });
    }

    // destroy(), for process exit where nothing asynchronous runs.
    destroySync() {
        try {
            execFileSync('sh', [clusterScript, 'stop', this.dir],
                { stdio: 'ignore', timeout: 10000 });
        } catch {
            // not running
        }
        fs.rmSync(this.dir, { recursive: true, force: true });
    }
}
