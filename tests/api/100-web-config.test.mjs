// SPDX-License-Identifier: MIT
//
// GET /web-config.json and `serve --portal-key-file`: the portal's own
// Open311 key is made on the first start, written to the file and read
// back on the next; a revoked or foreign key stops the server; the map
// options reach the page; the features say which APIs the server has.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { Server, repoRoot } from './lib/server.mjs';
import { addUser, call, ok, signIn } from './lib/staff.mjs';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'civic311-webcfg-'));
const keyFile = path.join(dir, 'portal.key');
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const KEY_RE = /^c311_[0-9a-f]{64}$/;
let srv;

test('the first start makes the portal key and hands it to the pages',
    async () => {
        srv = new Server({ name: 'web-config', extraArgs: [
            '--portal-key-file', keyFile, '--map-tiles',
            'https://tiles.example/{z}/{x}/{y}.png', '--map-attribution',
            '© Example', '--map-center', '40.7128,-74.006,13'] });
        await srv.start();
        const key = fs.readFileSync(keyFile, 'utf8');
        assert.match(key, /^c311_[0-9a-f]{64}\n$/);
        assert.equal(fs.statSync(keyFile).mode & 0o777, 0o600);
        const r = await srv.get('/web-config.json');
        assert.equal(r.status, 200);
        assert.equal(r.contentType, 'application/json; charset=utf-8');
        assert.deepEqual(r.json, {
            city: 'Demo City', jurisdiction_id: 'democity.example',
            timezone: 'America/New_York', default_language: 'en',
            portal_api_key: key.trim(),
            map: { tile_url: 'https://tiles.example/{z}/{x}/{y}.png',
                attribution: '© Example', center: [40.7128, -74.006],
                zoom: 13 },
            features: r.json.features,
        });
        for (const v of Object.values(r.json.features))
            assert.equal(typeof v, 'boolean');
        assert.deepEqual(Object.keys(r.json.features).sort(), ['callers',
            'intake', 'kb', 'kb_staff', 'reports', 'request_search', 'staff',
            'towed', 'workorders']);
    });

test('the portal key files requests like any key', async () => {
    const key = fs.readFileSync(keyFile, 'utf8').trim();
    const r = await srv.post('/open311/v2/requests.json', { api_key: key,
        service_code: 'POTHOLE', address_string: '1 Main Street' });
    assert.equal(r.status, 201, r.text);
    const list = execFileSync(srv.bin, ['apikey', 'list', '--db', srv.db],
        { encoding: 'utf8' });
    assert.match(list, new RegExp(`^portal\\s+${key.slice(5, 13)}\\s+\\S+` +
        '\\s+active$', 'm'));
    // What the portal files is counted on the web channel; an app's key
    // stays open311.
    const app = execFileSync(srv.bin, ['apikey', 'create', '--db', srv.db,
        '--name', 'an-app'], { encoding: 'utf8' }).trim();
    const other = await srv.post('/open311/v2/requests.json', {
        api_key: app, service_code: 'POTHOLE',
        address_string: '2 Main Street' });
    assert.equal(other.status, 201, other.text);
    addUser(srv, 'wes', ['qa']);
    const token = await signIn(srv, 'wes');
    const channel = async (id) => ok(await call(srv, 'GET',
        `requests/${id}`, { token }), 200).channel;
    assert.equal(await channel(r.json[0].service_request_id), 'web');
    assert.equal(await channel(other.json[0].service_request_id), 'open311');
});

test('the next start reads the same key back', async () => {
    const before = fs.readFileSync(keyFile, 'utf8');
    await srv.restart();
    assert.equal(fs.readFileSync(keyFile, 'utf8'), before);
    const r = await srv.get('/web-config.json');
    assert.equal(r.json.portal_api_key, before.trim());
    assert.match(r.json.portal_api_key, KEY_RE);
    await srv.stop();
});

test('a revoked portal key stops the server with a reason', async () => {
    execFileSync(srv.bin, ['apikey', 'revoke', '--db', srv.db, '--name',
        'portal'], { stdio: 'ignore' });
    const r = spawnSync(srv.bin, ['serve', '--db', srv.db, '--config',
        srv.config, '--listen', '127.0.0.1:0', '--portal-key-file', keyFile],
    { cwd: repoRoot, encoding: 'utf8', timeout: 20000 });
    assert.equal(r.status, 1);
    assert.equal(r.stderr, `civic311 serve: portal key: the key in ${
        keyFile} is not an active key of this database (revoked, or ` +
        'another database): delete the file to make a new key\n');
});

test('a missing file with an active key of that name is refused',
    async () => {
        fs.rmSync(keyFile);
        execFileSync(srv.bin, ['apikey', 'create', '--db', srv.db, '--name',
            'portal'], { stdio: 'ignore' });
        const r = spawnSync(srv.bin, ['serve', '--db', srv.db, '--config',
            srv.config, '--listen', '127.0.0.1:0', '--portal-key-file',
            keyFile], { cwd: repoRoot, encoding: 'utf8', timeout: 20000 });
        assert.equal(r.status, 1);
        assert.equal(r.stderr, 'civic311 serve: portal key: an active key ' +
            `named 'portal' exists but ${keyFile} does not hold it: write ` +
            "that key to the file, or revoke it with 'civic311 apikey " +
            "revoke --name portal'\n");
        assert.equal(fs.existsSync(keyFile), false);
        await srv.close();
    });

test('a file that holds no key is refused', () => {
    fs.writeFileSync(keyFile, 'not a key\n');
    const r = spawnSync(srv.bin, ['serve', '--db', path.join(dir, 'x.db'),
        '--listen', '127.0.0.1:0', '--portal-key-file', keyFile],
    { cwd: repoRoot, encoding: 'utf8', timeout: 20000 });
    assert.equal(r.status, 1);
    assert.equal(r.stderr, `civic311 serve: portal key: ${keyFile} does ` +
        'not hold an API key on its first line\n');
});

test('bad map options are usage errors', () => {
    for (const [args, msg] of [
        [['--map-tiles', 'ftp://x/{z}'], '--map-tiles must be an http(s) ' +
            'URL or a path starting with /'],
        [['--map-center', '40.7'], '--map-center must be LAT,LONG or ' +
            'LAT,LONG,ZOOM'],
        [['--map-center', '91,0'], '--map-center must be LAT,LONG or ' +
            'LAT,LONG,ZOOM'],
        [['--map-center', '40,-74,20'], '--map-center must be LAT,LONG or ' +
            'LAT,LONG,ZOOM'],
    ]) {
        const r = spawnSync(srv.bin, ['serve', ...args], { cwd: repoRoot,
            encoding: 'utf8', timeout: 20000 });
        assert.equal(r.status, 2, args.join(' '));
        assert.equal(r.stderr, `civic311 serve: ${msg}\n`);
    }
});

test('without the options there is no key and no map', async () => {
    const plain = new Server({ name: 'web-config-plain' });
    await plain.start();
    const r = await plain.get('/web-config.json');
    assert.equal(r.json.portal_api_key, null);
    assert.deepEqual(r.json.map, { tile_url: null, attribution: null,
        center: null, zoom: null });
    await plain.close();
});
