// SPDX-License-Identifier: MIT
//
// The pages' languages: English, Simplified Chinese and Spanish. Strings
// live in /i18n/{lang}.json as flat "area.key": "text" pairs; text may
// hold {name} placeholders. The choice is remembered in localStorage, so
// every page opens in the language last picked. Elements carry their key
// in data-i18n (text), data-i18n-placeholder, data-i18n-aria-label or
// data-i18n-title, and applyI18n() fills them in.
export const LANGS = ['en', 'zh', 'es'];
export const LANG_NAMES = { en: 'English', zh: '中文（简体）', es: 'Español' };
const STORE_KEY = 'civic311.lang';

let lang = 'en';
let dict = {};
let fallback = {};
const listeners = [];

// Reads localStorage without failing where storage is blocked.
function stored() {
    try {
        return localStorage.getItem(STORE_KEY);
    } catch {
        return null;
    }
}

// The language to start in: the remembered one, else the browser's, else
// the city's default, else English.
export function pickLang(saved, browserLangs, cityDefault) {
    if (LANGS.includes(saved))
        return saved;
    for (const l of browserLangs ?? []) {
        const base = String(l).toLowerCase().split('-')[0];
        if (LANGS.includes(base))
            return base;
    }
    return LANGS.includes(cityDefault) ? cityDefault : 'en';
}

async function load(l) {
    const r = await fetch(`/i18n/${l}.json`);
    if (!r.ok)
        throw new Error(`cannot load /i18n/${l}.json: ${r.status}`);
    return r.json();
}

// Replaces {name} in s with params.name.
export function fill(s, params) {
    if (!params)
        return s;
    return s.replace(/\{(\w+)\}/g, (m, k) =>
        params[k] !== undefined && params[k] !== null ? String(params[k]) : m);
}

// The text for key in the current language (English when missing there).
export function t(key, params) {
    const s = dict[key] ?? fallback[key];
    return s === undefined ? key : fill(s, params);
}

export function currentLang() {
    return lang;
}

// The BCP 47 tag for html lang and Intl.
export function langTag(l = lang) {
    return l === 'zh' ? 'zh-Hans' : l;
}

// Fills every element under root that names a key.
export function applyI18n(root = document) {
    for (const el of root.querySelectorAll('[data-i18n]'))
        el.textContent = t(el.dataset.i18n);
    for (const [attr, name] of [['i18nPlaceholder', 'placeholder'],
        ['i18nAriaLabel', 'aria-label'], ['i18nTitle', 'title']]) {
        const sel = `[data-${attr.replace(/[A-Z]/g, (c) =>
            '-' + c.toLowerCase())}]`;
        for (const el of root.querySelectorAll(sel))
            el.setAttribute(name, t(el.dataset[attr]));
    }
}

// Loads the strings of l and fills the page.
export async function setLang(l) {
    if (!LANGS.includes(l))
        l = 'en';
    const [en, d] = await Promise.all([
        Object.keys(fallback).length ? fallback : load('en'),
        l === 'en' ? null : load(l)]);
    fallback = en;
    dict = d ?? en;
    lang = l;
    try {
        localStorage.setItem(STORE_KEY, l);
    } catch {
        // private mode: the choice lasts this page only
    }
    document.documentElement.lang = langTag(l);
    applyI18n(document);
    for (const f of listeners)
        await f(l);
    // Once every part of the page has been drawn again (tests wait on it).
    document.body.dataset.lang = l;
}

// Runs f(lang) after every change of language.
export function onLangChange(f) {
    listeners.push(f);
}

// Starts in the right language and wires the <select id="lang"> switch.
export async function initI18n(cityDefault) {
    const first = pickLang(stored(), navigator.languages, cityDefault);
    const sel = document.getElementById('lang');
    if (sel) {
        sel.replaceChildren(...LANGS.map((l) => {
            const o = document.createElement('option');
            o.value = l;
            o.textContent = LANG_NAMES[l];
            o.lang = langTag(l);
            return o;
        }));
        sel.value = first;
        sel.addEventListener('change', () => setLang(sel.value));
    }
    lang = first;
    const [en, d] = await Promise.all([load('en'),
        first === 'en' ? null : load(first)]);
    fallback = en;
    dict = d ?? en;
    document.documentElement.lang = langTag(first);
    applyI18n(document);
    document.body.dataset.lang = first;
}
