// SPDX-License-Identifier: MIT
//
// Browser tests' harness: Debian's Chromium driven by playwright-core, a
// real civic311 server (tests/api/lib/server.mjs) with the portal's key,
// pages that record every console error and uncaught exception, and
// screenshots kept in tests/artifacts/screens/ for people to look at.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';
import { binaryPath, repoRoot, startServer } from '../../api/lib/server.mjs';

export const CHROMIUM = process.env.CIVIC311_CHROMIUM ?? '/usr/bin/chromium';
export const SCREENS = path.join(repoRoot, 'tests', 'artifacts', 'screens');
export const PHONE = { width: 360, height: 740 };
export const DESKTOP = { width: 1280, height: 900 };
export const LANGS = ['en', 'zh', 'es'];

// The pages' strings, as the browser loads them.
export const STRINGS = Object.fromEntries(LANGS.map((l) => [l, JSON.parse(
    fs.readFileSync(path.join(repoRoot, 'web', 'i18n', `${l}.json`), 'utf8'))]));

// The text of key in lang, with {name} placeholders filled.
export function tr(lang, key, params = {}) {
    const s = STRINGS[lang][key] ?? STRINGS.en[key];
    assert.ok(s !== undefined, `no string ${key}`);
    return s.replace(/\{(\w+)\}/g, (m, k) => params[k] ?? m);
}

// The city configuration the server runs with.
const CITY_CONFIG = process.env.CIVIC311_TEST_CONFIG ??
    path.join(repoRoot, 'config', 'demo-city.yaml');

// A YAML scalar as written in the configuration, without its quotes.
function unquote(s) {
    s = s.trim();
    return s.startsWith('"') ? JSON.parse(s) : s;
}

// The texts the configuration writes in English, Chinese and Spanish (as
// `key:` with en, zh and es lines under it, or `{en: ..., zh: ..., es:
// ...}`), as [en, zh, es]: names, descriptions, groups, hints and notes
// that the server gives the pages in the page's language.
export const CITY_TEXTS = (() => {
    const yaml = fs.readFileSync(CITY_CONFIG, 'utf8');
    const out = [];
    for (const m of yaml.matchAll(
        /^( *)[a-z_]+:\n\1 {2}en: (.+)\n\1 {2}zh: (.+)\n\1 {2}es: (.+)$/gm))
        out.push([m[2], m[3], m[4]].map(unquote));
    const v = String.raw`("(?:[^"\\]|\\.)*"|[^,{}"]+)`;
    for (const m of yaml.matchAll(new RegExp(
        String.raw`\{en: ${v}, zh: ${v}, es: ${v}\}`, 'g')))
        out.push([m[1], m[2], m[3]].map(unquote));
    return out;
})();

// The configuration's text in lang for what it writes as en in English.
export function cityText(lang, en) {
    const t = CITY_TEXTS.find(([e]) => e === en);
    assert.ok(t, `the configuration has no translated text '${en}'`);
    return t[LANGS.indexOf(lang)];
}

// Starts Chromium on a new empty profile; options go to the context
// (a timezoneId, for one).
export async function launchBrowser(options = {}) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'civic311-chromium-'));
    const ctx = await chromium.launchPersistentContext(dir, {
        ...options,
        executablePath: CHROMIUM,
        headless: true,
        args: ['--headless', '--no-sandbox', '--disable-gpu',
            '--disable-quic', '--no-first-run',
            '--disable-background-networking', '--disable-component-update',
            '--disable-sync'],
        viewport: DESKTOP,
    });
    return {
        ctx,
        async close() {
            await ctx.close();
            fs.rmSync(dir, { recursive: true, force: true });
        },
    };
}

// True when the binary under test takes `serve --portal-key-file` (a
// binary built from another branch may not, and is still worth running
// the staff pages against).
function hasPortalKey() {
    const help = execFileSync(binaryPath(), ['serve', '--help'],
        { encoding: 'utf8' });
    return help.includes('--portal-key-file');
}

// Registers hooks that run one server (with the portal's key and seeded
// data from setup(srv)) and one browser for a test file.
// $CIVIC311_TEST_CONFIG names another city configuration.
export function useBrowser(name, setup) {
    const env = {};
    before(async () => {
        const keyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'civic311-key-'));
        env.keyDir = keyDir;
        env.srv = await startServer({ name: `browser-${name}`,
            config: process.env.CIVIC311_TEST_CONFIG,
            extraArgs: hasPortalKey() ? ['--portal-key-file',
                path.join(keyDir, 'portal.key')] : [] });
        await features(env.srv); // marks a server without /web-config.json
        if (setup)
            await setup(env.srv);
        env.browser = await launchBrowser();
    });
    after(async () => {
        await env.browser?.close();
        await env.srv?.close();
        if (env.keyDir)
            fs.rmSync(env.keyDir, { recursive: true, force: true });
    });
    return env;
}

// Opens url on a new page of size viewport in language lang (set as the
// remembered choice before any script runs). page.errors collects
// console errors and uncaught exceptions.
export async function openPage(env, urlPath, { viewport = DESKTOP, lang,
    allow = [] } = {}) {
    const page = await env.browser.ctx.newPage();
    page.errors = [];
    if (env.srv.noWebConfig)
        allow = [...allow, /status of 404/];
    page.on('console', (m) => {
        if (m.type() === 'error' && !allow.some((re) => re.test(m.text())))
            page.errors.push(m.text());
    });
    page.on('pageerror', (e) => page.errors.push(String(e)));
    await page.setViewportSize(viewport);
    if (lang)
        await page.addInitScript((l) => {
            localStorage.setItem('civic311.lang', l);
        }, lang);
    await page.goto(env.srv.base + urlPath);
    await page.waitForSelector('body[data-ready="true"]');
    return page;
}

// Saves a full-page screenshot as tests/artifacts/screens/NAME.png.
export async function shot(page, name) {
    fs.mkdirSync(SCREENS, { recursive: true });
    await page.screenshot({ path: path.join(SCREENS, `${name}.png`),
        fullPage: true });
}

// Every visible form control that has no label.
export async function unlabelled(page) {
    return page.$$eval('input, select, textarea', (els) => els
        .filter((e) => e.type !== 'hidden' && e.offsetParent !== null)
        .filter((e) => !(e.labels?.length) && !e.getAttribute('aria-label') &&
            !e.getAttribute('aria-labelledby'))
        .map((e) => e.id || e.name || e.outerHTML.slice(0, 60)));
}

// Files n requests through Open311 with the server's test key.
export async function seed(srv, list) {
    const ids = [];
    for (const fields of list) {
        const r = await srv.post('/open311/v2/requests.json', fields);
        assert.equal(r.status, 201, r.text);
        ids.push(r.json[0].service_request_id);
    }
    return ids;
}

// Which staff and public APIs the server has: what /web-config.json says,
// or, from a server without it, what its routes answer.
export async function features(srv) {
    const r = await srv.get('/web-config.json');
    if (r.status === 200)
        return r.json.features;
    srv.noWebConfig = true; // pages then log its 404
    const spec = await srv.get('/api/v1/openapi.json');
    const paths = spec.status === 200 ? spec.json.paths ?? {} : null;
    const has = async (method, p) => {
        if (paths)
            return Object.keys(paths).some((k) =>
                k === p.split('?')[0] && paths[k][method.toLowerCase()]);
        const x = await srv.request(method, p, method === 'POST'
            ? { body: '{}' } : {});
        return !Array.isArray(x.json) || x.status !== 404 && x.status !== 405;
    };
    return {
        staff: await has('POST', '/api/v1/session'),
        callers: await has('GET', '/api/v1/callers?phone=1'),
        intake: await has('POST', '/api/v1/requests'),
        request_search: await has('GET', '/api/v1/requests'),
        workorders: await has('GET', '/api/v1/workorders'),
        reports: await has('GET', '/api/v1/reports/summary'),
        towed: await has('GET', '/api/v1/public/towed?plate=X'),
        kb: await has('GET', '/api/v1/public/kb/search?q=x'),
    };
}

// Adds a staff account with `civic311 user add`; its password is
// "password-LOGIN".
export function addUser(srv, login, roles, departments = []) {
    execFileSync(srv.bin, ['user', 'add', '--db', srv.db, '--config',
        srv.config, '--login', login, '--name', `Test ${login}`,
        ...roles.flatMap((r) => ['--role', r]),
        ...departments.flatMap((d) => ['--department', d])],
    { input: `password-${login}\n`, cwd: repoRoot,
        stdio: ['pipe', 'ignore', 'pipe'] });
}

// Signs in on the page's sign-in form.
export async function signInAs(page, login) {
    await page.fill('#login', login);
    await page.fill('#password', `password-${login}`);
    await page.click('#signin-form button[type="submit"]');
    await page.waitForSelector('#app:not([hidden])');
}

// The texts on the page (text, option labels, aria-label, placeholder and
// title) that are an English string of the pages whose lang string
// differs: what a page shows untranslated. The city's names, groups,
// hints and notes count too (CITY_TEXTS), also as a part of a line that
// joins several with " · ".
export async function untranslated(page, lang) {
    if (lang === 'en')
        return [];
    const i = LANGS.indexOf(lang);
    const english = Object.entries(STRINGS.en)
        .filter(([k, v]) => STRINGS[lang][k] !== v)
        .map(([, v]) => v.trim())
        .concat(CITY_TEXTS.filter((t) => t[i] !== t[0]).map((t) => t[0]));
    return page.evaluate((list) => {
        const want = new Set(list);
        const seen = [];
        const walk = document.createTreeWalker(document.body,
            NodeFilter.SHOW_TEXT);
        for (let n = walk.nextNode(); n; n = walk.nextNode()) {
            const el = n.parentElement;
            if (el.closest('script, style, [hidden]'))
                continue;
            seen.push(n.textContent.trim(),
                ...n.textContent.split(' · ').map((s) => s.trim()));
        }
        for (const el of document.querySelectorAll(
            '[aria-label], [placeholder], [title]'))
            for (const a of ['aria-label', 'placeholder', 'title'])
                if (el.hasAttribute(a))
                    seen.push(el.getAttribute(a).trim());
        seen.push(document.title.trim());
        return [...new Set(seen.filter((s) => want.has(s)))];
    }, english);
}

// The visible form controls, buttons and links that pressing Tab (up to
// 400 times, going round the page) never reaches: each one must be.
export async function unreachable(page) {
    const want = await page.$$eval('input, select, textarea, button, a[href]',
        (els) => {
            let n = 0;
            for (const e of els) {
                if (e.offsetParent === null || e.disabled ||
                    e.closest('[hidden], details:not([open]) > :not(summary)'))
                    continue;
                e.dataset.tabProbe = String(n++);
            }
            return n;
        });
    const reached = new Set();
    for (let i = 0; i < 400 && reached.size < want; i++) {
        await page.keyboard.press('Tab');
        const probe = await page.evaluate(() =>
            document.activeElement?.dataset?.tabProbe ?? null);
        if (probe !== null)
            reached.add(probe);
    }
    return page.$$eval('[data-tab-probe]', (els, got) => els
        .filter((e) => !got.includes(e.dataset.tabProbe))
        .map((e) => e.id || e.name || e.outerHTML.slice(0, 80)), [...reached]);
}

// Picks lang in the page's language switch and waits until the page has
// drawn itself again in it.
export async function switchLang(page, lang) {
    await page.selectOption('#lang', lang);
    await page.waitForSelector(`body[data-lang="${lang}"]`);
}
