// SPDX-License-Identifier: MIT
//
// Talking to the civic311 server: the page config (/web-config.json), the
// Open311 API (/open311/v2/, form posts with the portal's key) and the
// staff API (/api/v1/, JSON with a bearer token kept for the browser tab).
// Both are asked in the page's language: Open311 with `lang`, the staff
// API with Accept-Language (it names departments, work groups and steps
// in it).
//
// A staff route the server does not have yet answers 404 with the Open311
// error list of the static file handler (a JSON array); such a failure is
// an ApiError with notAvailable set, so pages can say "not available yet"
// instead of showing an error.
import { currentLang } from './i18n.js';

const TOKEN_KEY = 'civic311.token';

export class ApiError extends Error {
    constructor(status, messages, opts = {}) {
        super(messages.join('; ') || `HTTP ${status}`);
        this.status = status;
        this.messages = messages;
        this.field = opts.field ?? null;
        this.code = opts.code ?? null;
        this.notAvailable = opts.notAvailable ?? false;
        this.errors = opts.errors ?? null;
    }
}

let configPromise = null;

// The server's page settings; a server without the endpoint gives {}.
export function webConfig() {
    configPromise ??= fetch('/web-config.json')
        .then((r) => (r.ok ? r.json() : {}))
        .catch(() => ({}));
    return configPromise;
}

// Turns a failed response into an ApiError.
async function failure(r, staff) {
    let body = null;
    try {
        body = await r.json();
    } catch {
        // not JSON
    }
    if (Array.isArray(body)) {
        const messages = body.map((e) => e.description ?? String(e));
        return new ApiError(r.status, messages,
            { notAvailable: staff && r.status === 404 ||
                staff && r.status === 405 });
    }
    if (body && body.error)
        return new ApiError(r.status, [body.error.message ?? body.error.code],
            { field: body.error.field, code: body.error.code,
                errors: body.errors ?? null });
    return new ApiError(r.status, [`HTTP ${r.status}`]);
}

// GET /open311/v2/{path}.json with params (lang added).
export async function open311Get(path, params = {}) {
    const q = new URLSearchParams({ lang: currentLang(), ...params });
    const r = await fetch(`/open311/v2/${path}.json?${q}`);
    if (!r.ok)
        throw await failure(r, false);
    return r.json();
}

// POST /open311/v2/requests.json with the portal's key; fields is an
// array of [name, value] pairs.
export async function open311Post(fields) {
    const cfg = await webConfig();
    const body = new URLSearchParams([['api_key', cfg.portal_api_key ?? ''],
        ['lang', currentLang()], ...fields]);
    const r = await fetch('/open311/v2/requests.json', { method: 'POST', body });
    if (!r.ok)
        throw await failure(r, false);
    return r.json();
}

export function staffToken() {
    try {
        return sessionStorage.getItem(TOKEN_KEY);
    } catch {
        return null;
    }
}

export function setStaffToken(token) {
    try {
        if (token)
            sessionStorage.setItem(TOKEN_KEY, token);
        else
            sessionStorage.removeItem(TOKEN_KEY);
    } catch {
        // storage blocked: the session lasts this page only
    }
}

// A staff API call: method, path under /api/v1/, query params, JSON body.
export async function staff(method, path, { params, body } = {}) {
    const q = params ? `?${new URLSearchParams(
        Object.entries(params).filter(([, v]) => v !== undefined && v !== ''))}`
        : '';
    const headers = { accept: 'application/json',
        'accept-language': currentLang() };
    const token = staffToken();
    if (token)
        headers.authorization = `Bearer ${token}`;
    if (body !== undefined)
        headers['content-type'] = 'application/json';
    const r = await fetch(`/api/v1/${path}${q}`, {
        method, headers,
        body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (r.status === 204)
        return null;
    if (!r.ok)
        throw await failure(r, true);
    return r.json();
}

// A public API call under /api/v1/public/ (no token).
export async function publicApi(path, params = {}) {
    const q = new URLSearchParams({ lang: currentLang(), ...params });
    const r = await fetch(`/api/v1/public/${path}?${q}`);
    if (!r.ok)
        throw await failure(r, true);
    return r.json();
}
