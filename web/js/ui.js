// SPDX-License-Identifier: MIT
//
// Small DOM helpers shared by the pages: an element builder, date
// formatting in the city's time zone and the current language, status
// messages read out by screen readers, and the page header.
import { currentLang, langTag, onLangChange, t } from './i18n.js';

// h('p', {class: 'x', onclick: f}, 'text', child...): builds an element.
// Attributes starting with "on" become listeners; null/false are skipped.
export function h(tag, attrs = {}, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs ?? {})) {
        if (v === null || v === undefined || v === false)
            continue;
        if (k.startsWith('on') && typeof v === 'function')
            el.addEventListener(k.slice(2), v);
        else if (k === 'class')
            el.className = v;
        else if (k === 'dataset')
            Object.assign(el.dataset, v);
        else if (v === true)
            el.setAttribute(k, '');
        else
            el.setAttribute(k, String(v));
    }
    for (const c of children.flat(Infinity)) {
        if (c === null || c === undefined || c === false)
            continue;
        el.append(c instanceof Node ? c : String(c));
    }
    return el;
}

let zone;

// Sets the time zone dates are shown in (the city's).
export function setTimeZone(tz) {
    zone = tz || undefined;
}

// "3 Dec 2026, 12:20" in the current language; "—" for null.
export function fmtDate(iso, withTime = true) {
    if (!iso)
        return '—';
    const d = new Date(iso);
    if (Number.isNaN(d.getTime()))
        return String(iso);
    const opts = withTime ? { dateStyle: 'medium', timeStyle: 'short' }
        : { dateStyle: 'medium' };
    try {
        return new Intl.DateTimeFormat(langTag(currentLang()),
            { ...opts, timeZone: zone }).format(d);
    } catch {
        return d.toLocaleString();
    }
}

// A number in the current language.
export function fmtNum(n, opts) {
    return new Intl.NumberFormat(langTag(currentLang()), opts).format(n);
}

// Shows text in a status element (role=status or alert); kind is
// 'info', 'ok', 'error' or 'warn'.
export function say(el, text, kind = 'info') {
    el.hidden = !text;
    el.className = `msg msg-${kind}`;
    el.textContent = text ?? '';
}

// The "not available yet" note for a part whose server API is missing.
export function notAvailable(what) {
    return h('p', { class: 'msg msg-warn', role: 'status',
        'data-state': 'not-available' }, t('common.not_available', { what }));
}

// An ISO 8601 instant with the browser's offset, from a datetime-local
// value ("2026-03-01T09:00"); null when the value is not a date.
export function localToIso(value) {
    if (!value)
        return null;
    const d = new Date(value);
    if (Number.isNaN(d.getTime()))
        return null;
    const off = -d.getTimezoneOffset();
    const sign = off >= 0 ? '+' : '-';
    const pad = (n) => String(Math.floor(Math.abs(n))).padStart(2, '0');
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}` +
        `T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}` +
        `${sign}${pad(off / 60)}:${pad(off % 60)}`;
}

// Runs redraw (which may be async) and gives every form control under el
// with an id the value, check or choice it had before, so that drawing a
// part of the page again (in another language) loses nothing typed.
export async function keepValues(el, redraw) {
    const before = new Map([...el.querySelectorAll(
        'input[id], select[id], textarea[id]')].map((c) => [c.id,
        c.type === 'checkbox' || c.type === 'radio' ? c.checked : c.value]));
    await redraw();
    for (const [id, v] of before) {
        const c = document.getElementById(id);
        if (!c || !el.contains(c))
            continue;
        if (c.type === 'checkbox' || c.type === 'radio')
            c.checked = v;
        else
            c.value = v;
    }
}

// Titles the page "CITY 311 · " and the text of key, in every language
// the page is switched to.
export function pageTitle(city, key) {
    const set = () => {
        document.title = `${city ?? ''} 311 · ${t(key)}`.trim();
    };
    set();
    onLangChange(set);
}

// Replaces the children of el.
export function show(el, ...children) {
    el.replaceChildren(...children.flat(Infinity).filter((c) =>
        c !== null && c !== undefined && c !== false));
}
