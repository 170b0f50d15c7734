// SPDX-License-Identifier: MIT
//
// The agent console: sign in, pop the caller by phone number (history and
// open requests), file a request for them with channel, language and
// interpreter flag, the service's questions in order and a 911 warning
// when the description reads like an emergency; then the department, work
// orders and due times. Request search, internal and public notes, and
// escalation to the expert queue. The staff API is docs/API.md.
import { ApiError, open311Get, staff, webConfig } from './api.js';
import { detectEmergency } from './emergency.js';
import { answers, buildQuestions, clearErrors, showErrors } from './form.js';
import { initI18n, LANG_NAMES, langTag, onLangChange, t } from './i18n.js';
import { signIn, userBar } from './session.js';
import { fmtDate, h, notAvailable, say, setTimeZone, show } from './ui.js';
import { checkAnswers, checkDetails, checkLocation } from './validate.js';

const $ = (id) => document.getElementById(id);
const CHANNELS = ['phone', 'walk_in', 'sms', 'tty', 'email', 'web',
    'mobile_app'];
const CALLER_LANGS = ['en', 'zh', 'es', 'other'];

let definition = null;
let caller = null;

// Error text for a failed call, or the "not available yet" note.
function failed(e, what) {
    if (e.notAvailable)
        return notAvailable(what);
    return h('p', { class: 'msg msg-error' },
        t('common.error', { message: e.message }));
}

// A list of requests as a table: number, service, status, date.
function requestTable(list, onOpen) {
    if (!list?.length)
        return h('p', {}, t('console.no_requests'));
    return h('div', { class: 'table-wrap' }, h('table', {},
        h('thead', {}, h('tr', {}, h('th', {}, t('console.col_id')),
            h('th', {}, t('console.col_service')),
            h('th', {}, t('track.status')),
            h('th', {}, t('track.requested')))),
        h('tbody', {}, list.map((r) => {
            const id = r.service_request_id ?? r.id;
            return h('tr', {},
                h('td', {}, onOpen ? h('button', { type: 'button',
                    class: 'link', onclick: () => onOpen(id) }, id) : id),
                h('td', {}, r.service_name ?? r.service_code ?? ''),
                h('td', {}, h('span', { class: `status status-${r.status}` },
                    t(`status.${r.status}`))),
                h('td', {}, fmtDate(r.requested_datetime ?? r.requested_at)));
        }))));
}

// ---- caller pop

async function findCaller(ev) {
    ev.preventDefault();
    const phone = $('caller-phone').value.trim();
    const out = $('caller');
    if (!phone) {
        show(out, h('p', { class: 'msg msg-error' }, t('console.enter_phone')));
        return;
    }
    try {
        const res = await staff('GET', 'callers', { params: { phone } });
        caller = res.caller ?? (res.phone ? res : null);
        const history = res.requests ?? res.history ?? caller?.requests ?? [];
        const open = res.open_requests ?? history.filter((r) =>
            r.status === 'open');
        $('phone').value = caller?.phone ?? phone;
        $('first_name').value = caller?.first_name ?? '';
        $('last_name').value = caller?.last_name ?? '';
        $('email').value = caller?.email ?? '';
        if (caller?.language && CALLER_LANGS.includes(caller.language))
            $('caller-lang').value = caller.language;
        show(out, h('div', { 'data-caller': phone },
            h('p', {}, caller ? t('console.caller_known', { name:
                [caller.first_name, caller.last_name].filter(Boolean)
                    .join(' ') || phone, n: history.length })
                : t('console.caller_new', { phone })),
            h('h3', {}, t('console.open_requests')),
            requestTable(open, openDetail),
            h('details', {}, h('summary', {}, t('console.history',
                { n: history.length })), requestTable(history, openDetail))));
    } catch (e) {
        show(out, failed(e, t('console.caller_title')));
    }
}

// ---- intake

async function loadServices() {
    const services = await open311Get('services');
    const sel = $('service');
    const keep = sel.value;
    sel.replaceChildren(h('option', { value: '' }, t('form.choose')),
        services.map((s) => h('option', { value: s.service_code },
            s.service_name)));
    sel.value = keep;
}

async function pickService() {
    const code = $('service').value;
    definition = null;
    if (!code) {
        show($('questions'));
        return;
    }
    definition = await open311Get(`services/${encodeURIComponent(code)}`);
    buildQuestions($('questions'), definition);
}

function warnEmergency() {
    const { emergency, matches } = detectEmergency($('description').value);
    const box = $('emergency');
    box.hidden = !emergency;
    box.textContent = emergency ? t('console.emergency', {
        words: matches.join(', ') }) : '';
}

async function save(ev) {
    ev.preventDefault();
    const form = $('intake');
    const v = (id) => $(id).value.trim();
    const problems = [];
    if (!$('service').value)
        problems.push({ field: 'service', key: 'validate.required' });
    const ans = definition ? answers($('questions'), definition) : {};
    const loc = { address: v('address'), lat: v('lat'), long: v('long') };
    problems.push(...checkAnswers(definition?.attributes, ans),
        ...checkLocation(loc), ...checkDetails({
            description: $('description').value, email: v('email') }));
    if (problems.length) {
        showErrors(form, problems);
        return;
    }
    clearErrors(form);
    const body = {
        service_code: $('service').value,
        channel: $('channel').value,
        language: $('caller-lang').value,
        interpreter: $('interpreter').checked,
        description: $('description').value.trim() || undefined,
        address_string: loc.address || undefined,
        lat: loc.lat ? Number(loc.lat) : undefined,
        long: loc.long ? Number(loc.long) : undefined,
        attributes: Object.fromEntries(Object.entries(ans)
            .filter(([, x]) => x !== '' && !(Array.isArray(x) && !x.length))),
        contact: {
            phone: v('phone') || undefined,
            first_name: v('first_name') || undefined,
            last_name: v('last_name') || undefined,
            email: v('email') || undefined,
        },
    };
    $('intake-submit').disabled = true;
    try {
        const res = await staff('POST', 'requests', { body });
        showSaved(res);
        form.reset();
        show($('questions'));
        definition = null;
        warnEmergency();
    } catch (e) {
        if (e.notAvailable)
            show($('saved'), notAvailable(t('console.intake_title')));
        else
            showErrors(form, [{ field: e.field ? fieldOf(e.field) : null,
                text: e.message }].map((p) => ($(p.field ?? '') ? p
                : { field: null, text: p.text })));
    } finally {
        $('intake-submit').disabled = false;
    }
}

// The input id for an API field path ("attributes.MAKE" -> attr-MAKE).
function fieldOf(path) {
    const m = /^attributes\.(.+)$/.exec(path);
    if (m)
        return `attr-${m[1]}`;
    return { address_string: 'address', 'contact.phone': 'phone',
        'contact.email': 'email' }[path] ?? path;
}

function workOrderList(list) {
    if (!list?.length)
        return h('p', {}, t('console.no_workorders'));
    return h('ul', {}, list.map((w) => h('li', {},
        `${w.work_group_name ?? w.work_group ?? ''} · ${t(
            `wo.status.${w.status}`)} · ${t('work.due')}: ${fmtDate(
            w.due_at ?? w.due)}`)));
}

function showSaved(res) {
    const r = res.request ?? res;
    const id = r.service_request_id ?? r.id;
    const box = $('saved');
    show(box, h('div', { class: 'panel', 'data-saved': id },
        h('h3', {}, t('console.saved', { id })),
        h('dl', { class: 'facts' },
            h('dt', {}, t('track.department')),
            h('dd', { id: 'saved-dept' }, r.department_name ??
                r.agency_responsible ?? r.department ?? '—'),
            h('dt', {}, t('track.expected')),
            h('dd', {}, fmtDate(r.expected_datetime ?? r.due_at))),
        h('h4', {}, t('console.workorders')),
        workOrderList(res.work_orders ?? r.work_orders)));
    box.focus();
}

// ---- search, notes, escalation

async function search(ev) {
    ev.preventDefault();
    const q = $('search-q').value.trim();
    const out = $('search-result');
    try {
        const res = await staff('GET', 'requests', { params: { q } });
        show(out, requestTable(Array.isArray(res) ? res : res.requests ?? [],
            openDetail));
    } catch (e) {
        show(out, failed(e, t('console.search_title')));
    }
}

async function openDetail(id) {
    const box = $('detail');
    let r;
    try {
        r = await staff('GET', `requests/${encodeURIComponent(id)}`);
        r = r.request ?? r;
    } catch (e) {
        show(box, failed(e, t('console.search_title')));
        return;
    }
    const msg = h('p', { role: 'status', hidden: true });
    const note = h('form', { class: 'panel', onsubmit: async (ev) => {
        ev.preventDefault();
        try {
            await staff('POST', `requests/${encodeURIComponent(id)}/notes`,
                { body: { text: note.note.value.trim(), visibility:
                    note.querySelector('input[name=vis]:checked').value } });
            say(msg, t('console.note_saved'), 'ok');
            openDetail(id);
        } catch (e) {
            say(msg, e.notAvailable ? t('common.not_available',
                { what: t('console.notes') }) : e.message, 'error');
        }
    } },
    h('div', { class: 'field' }, h('label', { for: 'note' },
        t('console.note')), h('textarea', { id: 'note', name: 'note',
        rows: 2 })),
    h('fieldset', {}, h('legend', {}, t('console.note_visibility')),
        h('div', { class: 'choice' }, h('input', { type: 'radio',
            id: 'vis-internal', name: 'vis', value: 'internal',
            checked: true }), h('label', { for: 'vis-internal' },
            t('console.note_internal'))),
        h('div', { class: 'choice' }, h('input', { type: 'radio',
            id: 'vis-public', name: 'vis', value: 'public' }),
        h('label', { for: 'vis-public' }, t('console.note_public')))),
    h('div', { class: 'actions' },
        h('button', { type: 'submit' }, t('console.add_note')),
        h('button', { type: 'button', class: 'secondary', onclick:
            async () => {
                try {
                    await staff('POST', `requests/${encodeURIComponent(id)}` +
                        '/escalate', { body: { reason: note.note.value.trim()
                            || undefined } });
                    say(msg, t('console.escalated'), 'ok');
                } catch (e) {
                    say(msg, e.message, 'error');
                }
            } }, t('console.escalate'))),
    msg);
    const notes = r.notes ?? [];
    show(box, h('div', { class: 'panel', 'data-detail': id },
        h('h3', {}, `${id} · ${r.service_name ?? r.service_code ?? ''}`),
        h('dl', { class: 'facts' },
            h('dt', {}, t('track.status')), h('dd', {},
                t(`status.${r.status}`)),
            h('dt', {}, t('track.department')), h('dd', {},
                r.agency_responsible ?? r.department ?? '—'),
            h('dt', {}, t('track.expected')), h('dd', {},
                fmtDate(r.expected_datetime))),
        h('h4', {}, t('console.notes')),
        notes.length ? h('ul', {}, notes.map((n) => h('li', {},
            `${fmtDate(n.created_at)} · ${t(`console.note_${n.visibility}`)
            } · ${n.text}`))) : h('p', {}, t('console.no_notes')),
        note));
}

// ---- start

let features = {};

// Hides a form whose API the server lacks and says so in out.
function gate(feature, form, out, what) {
    if (features[feature] !== false)
        return;
    $(form).hidden = true;
    show($(out), notAvailable(t(what)));
}

async function start(me) {
    $('app').hidden = false;
    gate('callers', 'caller-form', 'caller', 'console.caller_title');
    gate('intake', 'intake', 'saved', 'console.intake_title');
    gate('request_search', 'search-form', 'search-result',
        'console.search_title');
    show($('user'), userBar(me));
    $('channel').replaceChildren(...CHANNELS.map((c) =>
        h('option', { value: c }, t(`channel.${c}`))));
    $('caller-lang').replaceChildren(...CALLER_LANGS.map((l) =>
        h('option', { value: l, lang: l === 'other' ? null : langTag(l) },
            l === 'other' ? t('console.lang_other') : LANG_NAMES[l])));
    $('caller-form').addEventListener('submit', findCaller);
    $('service').addEventListener('change', () => pickService());
    $('description').addEventListener('input', warnEmergency);
    $('intake').addEventListener('submit', save);
    $('search-form').addEventListener('submit', search);
    await loadServices();
}

async function main() {
    const cfg = await webConfig();
    setTimeZone(cfg.timezone);
    await initI18n(cfg.default_language);
    for (const el of document.querySelectorAll('.city-name'))
        el.textContent = cfg.city ?? '';
    features = cfg.features ?? {};
    onLangChange(() => location.reload());
    await signIn($('signin'), start, cfg.features);
    document.body.dataset.ready = 'true';
}

main().catch((e) => {
    document.body.append(h('p', { class: 'msg msg-error' },
        e instanceof ApiError ? e.message : String(e)));
});
