// SPDX-License-Identifier: MIT
//
// Checks a request form before it is sent, with the same rules the server
// applies (docs/API.md, POST requests), so residents and agents see what
// to fix next to the field instead of after a round trip. Pure: no DOM;
// each problem is { field, key, params } where field is the id of the
// input and key an i18n key. Tested under node --test (tests/web/).

// Decimal numbers as the server reads them: 12, -3.5, 1e3.
const NUMBER_RE = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
// A coordinate as the server reads it: a sign, digits and at most one
// point, no exponent ("1e1" is refused), at most 64 characters.
const DECIMAL_RE = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
const decimalOk = (s) => s.length <= 64 && DECIMAL_RE.test(s);

// ISO 8601 instants with an offset.
const DATETIME_RE =
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

// An email address as the server keeps it: one @, a local part, a domain
// with a dot that neither starts nor ends with one, no spaces or control
// characters, at most 254 bytes.
const EMAIL_CHAR = '[^\\s@\\x00-\\x1f\\x7f]';
const EMAIL_RE = new RegExp(
    `^${EMAIL_CHAR}+@(?!\\.)${EMAIL_CHAR}*\\.${EMAIL_CHAR}*$`);

export function emailOk(email) {
    const s = String(email ?? '').trim();
    return EMAIL_RE.test(s) && !s.endsWith('.') &&
        new TextEncoder().encode(s).length <= 254;
}

// True when the server can read phone as a number to call back: spaces,
// dots, dashes, slashes and parentheses aside, "+" and 8 to 15 digits (not
// starting with 0), or a US number: 10 digits starting with 2-9, or 11
// starting with 1.
export function phoneOk(phone) {
    let d = '', plus = false;
    for (const c of String(phone ?? '').trim()) {
        if (c === '+' && d === '' && !plus)
            plus = true;
        else if (c >= '0' && c <= '9')
            d += c;
        else if (!' .-/()'.includes(c))
            return false;
    }
    if (plus)
        return d.length >= 8 && d.length <= 15 && d[0] !== '0';
    const us = d.length === 11 && d[0] === '1' ? d.slice(1) : d;
    return us.length === 10 && us[0] >= '2';
}

// The problem with a phone number typed in field, as a list (empty when
// there is none or it is good).
export function checkPhone(phone, field = 'phone') {
    return empty(phone) || phoneOk(phone) ? []
        : [{ field, key: 'validate.phone' }];
}

export const DESCRIPTION_MAX = 4000;

// The id of the input that answers attribute code.
export function attrField(code) {
    return `attr-${code}`;
}

// True when an answer is empty: "", only spaces, null or [].
function empty(v) {
    return v === undefined || v === null ||
        (Array.isArray(v) ? v.length === 0 : String(v).trim() === '');
}

// Problems with the answers to a service definition's attributes.
// answers maps code to a string (a list for multivaluelist).
export function checkAnswers(attributes, answers) {
    const out = [];
    for (const a of attributes ?? []) {
        if (a.variable === false)
            continue;
        const v = answers[a.code];
        const field = attrField(a.code);
        if (empty(v)) {
            if (a.required)
                out.push({ field, key: 'validate.required' });
            continue;
        }
        const keys = new Set((a.values ?? []).map((x) => String(x.key)));
        const vals = Array.isArray(v) ? v : [v];
        if (a.datatype === 'number' && !NUMBER_RE.test(String(v).trim()))
            out.push({ field, key: 'validate.number' });
        else if (a.datatype === 'datetime' &&
                 !DATETIME_RE.test(String(v).trim()))
            out.push({ field, key: 'validate.datetime' });
        else if ((a.datatype === 'singlevaluelist' ||
                  a.datatype === 'multivaluelist') &&
                 vals.some((x) => !keys.has(String(x))))
            out.push({ field, key: 'validate.choice' });
        else if (a.datatype !== 'multivaluelist' && vals.length > 1)
            out.push({ field, key: 'validate.one_answer' });
    }
    return out;
}

// Problems with a location: an address, or a latitude and longitude.
export function checkLocation({ address, lat, long }) {
    const out = [];
    const hasLat = !empty(lat), hasLong = !empty(long);
    if (empty(address) && !hasLat && !hasLong) {
        out.push({ field: 'address', key: 'validate.location_required' });
        return out;
    }
    if (hasLat !== hasLong) {
        out.push({ field: hasLat ? 'long' : 'lat', key: 'validate.both_coords' });
        return out;
    }
    if (hasLat) {
        const la = Number(lat), lo = Number(long);
        if (!decimalOk(String(lat).trim()) || !(la >= -90 && la <= 90))
            out.push({ field: 'lat', key: 'validate.lat' });
        if (!decimalOk(String(long).trim()) || !(lo >= -180 && lo <= 180))
            out.push({ field: 'long', key: 'validate.long' });
    }
    if (!empty(address) && new TextEncoder().encode(address).length > 1000)
        out.push({ field: 'address', key: 'validate.too_long',
            params: { max: 1000 } });
    return out;
}

// Problems with the description and contact details.
export function checkDetails({ description, email, phone }) {
    const out = [];
    if (!empty(description) && [...description].length > DESCRIPTION_MAX)
        out.push({ field: 'description', key: 'validate.too_long',
            params: { max: DESCRIPTION_MAX } });
    if (!empty(email) && !emailOk(email))
        out.push({ field: 'email', key: 'validate.email' });
    out.push(...checkPhone(phone));
    return out;
}

// The problem to show for one of the staff API's errors ({ field, code,
// message }, docs/API.md): a translated key for those the pages know (a
// phone or email the server cannot read, a required answer missing),
// else the server's own message. field is the input's id, by fieldOf
// (a function from the API's field path), or null.
export function serverProblem(err, fieldOf = () => null) {
    const path = err?.field ?? '';
    const field = path ? fieldOf(path) : null;
    const invalid = err?.code === 'invalid' || err?.code === 'invalid_type';
    let key = null;
    if (invalid && /(^|\.)phones?(\[\d+\])?$/.test(path))
        key = 'validate.phone';
    else if (invalid && /(^|\.)emails?(\[\d+\])?$/.test(path))
        key = 'validate.email';
    else if (err?.code === 'required' && /^attributes\./.test(path))
        key = 'validate.required';
    return key ? { field, key } : { field, text: err?.message ?? '' };
}

// What the Open311 server says of a request it refuses (its errors'
// descriptions, in English), read back into the page's own problems.
const attr = (key) => (m) => ({ field: `attr-${m[1]}`, key });
const OPEN311_PROBLEMS = [
    [/^lat and long must be given together/,
        () => ({ field: 'long', key: 'validate.both_coords' })],
    [/^lat is not a decimal latitude/,
        () => ({ field: 'lat', key: 'validate.lat' })],
    [/^long is not a decimal longitude/,
        () => ({ field: 'long', key: 'validate.long' })],
    [/^a location is required/,
        () => ({ field: 'address', key: 'validate.location_required' })],
    [/^description is over (\d+) characters/, (m) => ({ field: 'description',
        key: 'validate.too_long', params: { max: Number(m[1]) } })],
    [/^(address_string|email|phone|first_name|last_name) is over (\d+) bytes/,
        (m) => ({ field: m[1] === 'address_string' ? 'address' : m[1],
            key: 'validate.too_long', params: { max: Number(m[2]) } })],
    [/^attribute ([^\s:]+) is required$/, attr('validate.required')],
    [/^attribute ([^\s:]+) must be a number$/, attr('validate.number')],
    [/^attribute ([^\s:]+) must be an ISO 8601/, attr('validate.datetime')],
    [/^attribute ([^\s:]+): .* is not one of/, attr('validate.choice')],
    [/^attribute ([^\s:]+) takes one value$/, attr('validate.one_answer')],
    [/^attribute ([^\s:]+) is over (\d+) characters$/, (m) => ({
        field: `attr-${m[1]}`, key: 'validate.too_long',
        params: { max: Number(m[2]) } })],
];

// The problem to show for one of the Open311 server's error descriptions:
// the page's own message next to the field it names, else a translated
// "the city could not take the request" with the server's words after it.
export function open311Problem(message) {
    for (const [re, problem] of OPEN311_PROBLEMS) {
        const m = re.exec(message ?? '');
        if (m)
            return problem(m);
    }
    return { field: null, key: 'form.server_refused',
        params: { message: message ?? '' } };
}
