// SPDX-License-Identifier: MIT
//
// Assertions shared by the API tests: content types, the Open311 error
// list in JSON and XML, datetimes in the city's zone, a small XML reader
// (plus xmllint as an independent parser) and answers that satisfy a
// service definition.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';

export const JSON_TYPE = 'application/json; charset=utf-8';
export const XML_TYPE = 'text/xml; charset=utf-8';
export const XML_PROLOG = '<?xml version="1.0" encoding="utf-8"?>';
export const CITY_ZONE = 'America/New_York';
export const JURISDICTION = 'democity.example';

// Every response: never a 500, never HTML.
export function assertNotBroken(r, what = '') {
    assert.ok(r.status < 500, `${what} answered ${r.status}: ${r.text}`);
    assert.doesNotMatch(r.contentType, /html/i, `${what} answered HTML`);
    assert.doesNotMatch(r.text.slice(0, 200), /<html|<!doctype/i,
        `${what} body looks like HTML`);
}

// A JSON response with the given status; returns the parsed body.
export function expectJson(r, status, what = '') {
    assertNotBroken(r, what);
    assert.equal(r.status, status, `${what}: status ${r.status}, body ${r.text}`);
    assert.equal(r.contentType, JSON_TYPE, `${what}: content type`);
    assert.notEqual(r.json, undefined, `${what}: body is not JSON: ${r.text}`);
    return r.json;
}

// An XML response with the given status; returns the parsed root element.
export function expectXml(r, status, what = '') {
    assertNotBroken(r, what);
    assert.equal(r.status, status, `${what}: status ${r.status}, body ${r.text}`);
    assert.equal(r.contentType, XML_TYPE, `${what}: content type`);
    assert.ok(r.text.startsWith(XML_PROLOG),
        `${what}: XML does not start with the prolog: ${r.text.slice(0, 80)}`);
    xmllintWellFormed(r.text);
    return parseXml(r.text);
}

// The spec's error list with `status` as HTTP status and as every code.
// Returns the descriptions. `fmt` is 'json' or 'xml'.
export function expectErrors(r, status, fmt = 'json', what = '') {
    if (fmt === 'xml') {
        const root = expectXml(r, status, what);
        assert.equal(root.name, 'errors', `${what}: root ${root.name}`);
        assert.ok(root.children.length >= 1, `${what}: no <error>`);
        return root.children.map((e) => {
            assert.equal(e.name, 'error');
            assert.deepEqual(e.children.map((c) => c.name),
                ['code', 'description'], `${what}: <error> children`);
            assert.equal(e.child('code').text, String(status));
            const d = e.child('description').text;
            assert.ok(d.length > 0, `${what}: empty description`);
            return d;
        });
    }
    const list = expectJson(r, status, what);
    assert.ok(Array.isArray(list), `${what}: error body is not a list: ${r.text}`);
    assert.ok(list.length >= 1, `${what}: empty error list`);
    return list.map((e) => {
        assert.deepEqual(Object.keys(e).sort(), ['code', 'description'],
            `${what}: error entry ${JSON.stringify(e)}`);
        assert.equal(e.code, status, `${what}: code in ${JSON.stringify(e)}`);
        assert.equal(typeof e.description, 'string');
        assert.ok(e.description.length > 0, `${what}: empty description`);
        return e.description;
    });
}

// The UTC offset of America/New_York at instant `ms`, as "-05:00".
export function cityOffset(ms) {
    const s = new Intl.DateTimeFormat('en-US', {
        timeZone: CITY_ZONE, timeZoneName: 'longOffset',
    }).formatToParts(new Date(ms)).find((p) => p.type === 'timeZoneName').value;
    const m = /^GMT([+-]\d\d:\d\d)$/.exec(s);
    return m ? m[1] : '+00:00';
}

// The year of instant `ms` in the city.
export function cityYear(ms) {
    return Number(new Intl.DateTimeFormat('en-US', {
        timeZone: CITY_ZONE, year: 'numeric' }).format(new Date(ms)));
}

const W3C = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)([+-]\d\d:\d\d)$/;

// Checks that s is "YYYY-MM-DDThh:mm:ss±hh:mm" with the city's offset at
// that instant and returns the instant in ms.
export function expectCityDatetime(s, what = 'datetime') {
    assert.equal(typeof s, 'string', `${what} is ${s}`);
    const m = W3C.exec(s);
    assert.ok(m, `${what} "${s}" is not YYYY-MM-DDThh:mm:ss±hh:mm`);
    const ms = Date.parse(s);
    assert.ok(!Number.isNaN(ms), `${what} "${s}" does not parse`);
    assert.equal(m[7], cityOffset(ms), `${what} "${s}": not the New York offset`);
    return ms;
}

// Writes instant ms in a given offset (minutes east of UTC), whole seconds.
export function isoWithOffset(ms, offsetMin) {
    const d = new Date(ms + offsetMin * 60000);
    const p = (n) => String(n).padStart(2, '0');
    const sign = offsetMin < 0 ? '-' : '+';
    const a = Math.abs(offsetMin);
    return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}` +
        `T${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}` +
        `${sign}${p(Math.floor(a / 60))}:${p(a % 60)}`;
}

// Instant ms as "YYYY-MM-DDThh:mm:ssZ".
export const isoUtc = (ms) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

// ---------------------------------------------------------------- XML

class Element {
    constructor(name) {
        this.name = name;
        this.children = [];
        this.text = '';
    }

    child(name) {
        return this.children.find((c) => c.name === name);
    }

    all(name) {
        return this.children.filter((c) => c.name === name);
    }
}

function decodeEntities(s) {
    return s.replace(/&(#x[0-9a-fA-F]+|#\d+|lt|gt|amp|quot|apos);/g, (_, e) => {
        if (e[0] === '#')
            return String.fromCodePoint(e[1] === 'x'
                ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
        return { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }[e];
    });
}

// A small reader for the element-only XML the API writes (no attributes
// expected, no mixed content). Returns the root Element; each element has
// name, children and text (its decoded character data).
export function parseXml(text) {
    let s = text.replace(/^\uFEFF/, '');
    s = s.replace(/^<\?xml[^?]*\?>/, '');
    const re = /<!--[\s\S]*?-->|<!\[CDATA\[([\s\S]*?)\]\]>|<(\/?)([A-Za-z_][\w.-]*)((?:\s+[^>]*?)?)(\/?)>|([^<]+)/g;
    const stack = [new Element('#document')];
    let m;
    while ((m = re.exec(s)) !== null) {
        const top = stack[stack.length - 1];
        if (m[0].startsWith('<!--'))
            continue;
        if (m[1] !== undefined) {
            top.text += m[1];
        } else if (m[3] !== undefined) {
            if (m[2] === '/') {
                assert.equal(top.name, m[3], `XML: </${m[3]}> closes <${top.name}>`);
                stack.pop();
            } else {
                const el = new Element(m[3]);
                top.children.push(el);
                if (m[5] !== '/')
                    stack.push(el);
            }
        } else if (m[6] !== undefined) {
            if (stack.length === 1) {
                assert.match(m[6], /^\s*$/, 'XML: text outside the root');
                continue;
            }
            top.text += decodeEntities(m[6]);
        }
    }
    assert.equal(stack.length, 1, 'XML: unclosed elements');
    assert.equal(stack[0].children.length, 1, 'XML: not exactly one root');
    return stack[0].children[0];
}

// Fails unless libxml2's xmllint finds the document well formed.
export function xmllintWellFormed(text) {
    try {
        execFileSync('xmllint', ['--noout', '-'], { input: text,
            stdio: ['pipe', 'pipe', 'pipe'] });
    } catch (e) {
        assert.fail(`xmllint: not well formed: ${e.stderr}\n${text.slice(0, 500)}`);
    }
}

// The string value of an XPath expression, computed by xmllint (which
// adds one newline of its own).
export function xmllintString(text, xpath) {
    const out = execFileSync('xmllint', ['--xpath', `string(${xpath})`, '-'],
        { input: text, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
    return out.endsWith('\n') ? out.slice(0, -1) : out;
}

// ---------------------------------------------------------------- answers

// An answer that satisfies attribute `a` of a service definition, as a list
// of [field, value] pairs.
export function answerFor(a) {
    const f = `attribute[${a.code}]`;
    switch (a.datatype) {
    case 'singlevaluelist':
        return [[f, a.values[0].key]];
    case 'multivaluelist':
        return [[`${f}[]`, a.values[0].key]];
    case 'number':
        return [[f, '2']];
    case 'datetime':
        return [[f, '2026-01-10T08:30:00-05:00']];
    default:
        return [[f, 'tests']];
    }
}

// Answers to every required question of a definition, leaving out the
// questions that `fields` (pairs about to be posted) already answer.
export function requiredAnswers(def, fields = []) {
    const given = new Set(fields.map(([k]) =>
        /^attribute\[([^\]]*)\]/.exec(k)?.[1]).filter(Boolean));
    return def.attributes.filter((a) => a.required && !given.has(a.code))
        .flatMap(answerFor);
}

// True when no string in `bodies` contains any of `secrets`; otherwise
// fails with the first body that does.
export function assertNoneContain(bodies, secrets, what = 'response') {
    for (const b of bodies)
        for (const s of secrets)
            assert.ok(!b.includes(s),
                `${what} contains private "${s}": ${b.slice(0, 300)}`);
}
