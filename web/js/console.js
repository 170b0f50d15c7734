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
import { answers, buildQuestions, clearErrors, rawAnswers, showErrors }
    from './form.js';
import { initI18n, LANG_NAMES, langTag, onLangChange, t } from './i18n.js';
import { signIn, userBar } from './session.js';
import { fmtDate, h, keepValues, notAvailable, pageTitle, say, setTimeZone,
    show } from './ui.js';
import { checkAnswers, checkDetails, checkLocation, checkPhone,
    serverProblem } from './validate.js';

const $ = (id) => document.getElementById(id);
const CHANNELS = ['phone', 'walk_in', 'tty', 'sms', 'email', 'web', 'app'];
const CALLER_LANGS = ['en', 'zh', 'es', 'other'];

let definition = null;
let caller = null;
let features = {};
let me = null;
// Service names in the page's language, by code.
let serviceNames = {};
// What is on screen, to draw again in another language: the caller pop
// ([phone, caller]), the saved request ([answer, work orders]), the
// search's list, the open request's number.
let popped = null;
let savedShown = null;
let found = null;
let detailId = null;
// The intake form's and the caller form's problems, while on screen.
let problems = null;
let popProblems = null;

// A service's name in the page's language, else as the API gave it.
function serviceName(r) {
    return serviceNames[r.service_code] ?? r.service_name ?? r.service_code ??
        '';
}

// Error text for a failed call, or the "not available yet" note; the
// server's errors the page knows are said in the page's language.
function failed(e, what) {
    if (e.notAvailable)
        return notAvailable(what);
    const p = serverProblem(e);
    return h('p', { class: 'msg msg-error' }, p.key ? t(p.key)
        : t('common.error', { message: e.message }));
}

// Shows the caller form's problems (none clears them).
function showPopProblems(list) {
    popProblems = list.length ? list : null;
    showErrors($('caller-form'), list);
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
                h('td', {}, serviceName(r)),
                h('td', {}, h('span', { class: `status status-${r.status}` },
                    t(`status.${r.status}`))),
                h('td', {}, fmtDate(r.requested_datetime ?? r.requested_at)));
        }))));
}

// ---- caller pop

async function findCaller(ev) {
    ev?.preventDefault();
    const phone = $('caller-phone').value.trim();
    const out = $('caller');
    popped = null;
    caller = null;
    if (!phone) {
        showPopProblems([]);
        show(out, h('p', { class: 'msg msg-error' }, t('console.enter_phone')));
        return;
    }
    // A number the server cannot read is said here, in the page's language.
    const bad = checkPhone(phone, 'caller-phone');
    showPopProblems(bad);
    if (bad.length) {
        show(out);
        return;
    }
    try {
        caller = await staff('GET', 'callers', { params: { phone } });
    } catch (e) {
        if (e.notAvailable || e.status !== 404) {
            const p = serverProblem(e, (f) => (f === 'phone'
                ? 'caller-phone' : null));
            if (p.key && p.field) {
                showPopProblems([p]);
                show(out);
            } else {
                show(out, failed(e, t('console.caller_title')));
            }
            return;
        }
    }
    // A new caller: the intake form starts with the number only; nothing
    // of the caller before stays (language and interpreter included).
    $('phone').value = caller?.phones?.[0] ?? phone;
    $('first_name').value = caller?.first_name ?? '';
    $('last_name').value = caller?.last_name ?? '';
    $('email').value = caller?.emails?.[0] ?? '';
    if (caller?.address && !$('address').value)
        $('address').value = caller.address;
    const base = String(caller?.language ?? '').split('-')[0];
    $('caller-lang').value = CALLER_LANGS.includes(base) ? base
        : caller?.language ? 'other' : CALLER_LANGS[0];
    $('interpreter').checked = false;
    popped = [phone, caller];
    showCaller();
}

// Starts the next call afresh: no caller, an empty intake form (the
// channel kept: it is the agent's line, not the caller's), nothing saved
// on screen.
function newCall() {
    const channel = $('channel').value;
    caller = null;
    popped = null;
    savedShown = null;
    definition = null;
    problems = null;
    $('caller-form').reset();
    showPopProblems([]);
    show($('caller'));
    $('intake').reset();
    clearErrors($('intake'));
    $('channel').value = channel;
    show($('questions'));
    show($('saved'));
    warnEmergency();
    $('caller-phone').focus();
}

// The popped caller: who they are, open requests and history.
function showCaller() {
    const [phone, caller] = popped;
    const history = caller?.requests ?? [];
    const open = history.filter((r) => r.open ?? r.status === 'open');
    const name = [caller?.first_name, caller?.last_name].filter(Boolean)
        .join(' ');
    show($('caller'), h('div', { 'data-caller': caller?.id ?? 'new' },
        h('p', { id: 'caller-summary' }, caller
            ? t('console.caller_known', { name: name || phone,
                n: history.length })
            : t('console.caller_new', { phone })),
        caller ? [h('h3', {}, t('console.open_requests')),
            requestTable(open, openDetail),
            h('details', {}, h('summary', {}, t('console.history',
                { n: history.length })), requestTable(history, openDetail))]
            : null));
}

// ---- intake

async function loadServices() {
    const services = await open311Get('services');
    serviceNames = Object.fromEntries(services.map((s) =>
        [s.service_code, s.service_name]));
    const sel = $('service');
    const keep = sel.value;
    sel.replaceChildren(h('option', { value: '' }, t('form.choose')),
        ...services.map((s) => h('option', { value: s.service_code },
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
    const found = [];
    if (!$('service').value)
        found.push({ field: 'service', key: 'validate.required' });
    const ans = definition ? answers($('questions'), definition) : {};
    const loc = { address: v('address'), lat: v('lat'), long: v('long') };
    found.push(...checkAnswers(definition?.attributes, ans),
        ...checkLocation(loc), ...checkDetails({
            description: $('description').value, email: v('email'),
            phone: v('phone') }));
    if (found.length) {
        problems = found;
        showErrors(form, problems);
        return;
    }
    problems = null;
    clearErrors(form);
    const contact = Object.fromEntries(Object.entries({
        first_name: v('first_name'), last_name: v('last_name'),
        phone: v('phone'), email: v('email') }).filter(([, x]) => x));
    const location = Object.fromEntries(Object.entries({
        address: loc.address || undefined,
        lat: loc.lat ? Number(loc.lat) : undefined,
        long: loc.long ? Number(loc.long) : undefined,
    }).filter(([, x]) => x !== undefined));
    const lang = $('caller-lang').value;
    const body = {
        service_code: $('service').value,
        channel: $('channel').value,
        interpreter_used: $('interpreter').checked,
        location,
        attributes: Object.fromEntries(Object.entries(ans)
            .filter(([, x]) => x !== '' && !(Array.isArray(x) && !x.length))),
        // A known caller's id goes with what the form shows of them, so
        // the name or email the agent typed or corrected is saved on the
        // caller (an emptied field leaves the caller's value as it was).
        caller: caller?.id ? { id: caller.id, ...contact }
            : Object.keys(contact).length ? contact : null,
    };
    if (lang !== 'other')
        body.language = lang;
    if ($('description').value.trim())
        body.description = $('description').value.trim();
    $('intake-submit').disabled = true;
    try {
        const res = await staff('POST', 'requests', { body });
        savedShown = [res, await workOrdersOf(res.service_request_id)];
        showSaved();
        // The caller stays on the line: keep who they are for the next one.
        const keep = ['channel', 'caller-lang', 'first_name', 'last_name',
            'phone', 'email'].map((k) => [k, $(k).value]);
        const interp = $('interpreter').checked;
        form.reset();
        for (const [k, x] of keep)
            $(k).value = x;
        $('interpreter').checked = interp;
        show($('questions'));
        definition = null;
        warnEmergency();
    } catch (e) {
        if (e.notAvailable) {
            show($('saved'), notAvailable(t('console.intake_title')));
        } else {
            // Known problems in the page's language, others in the
            // server's words; next to their field when it is on the form.
            problems = (e.errors ?? [{ field: e.field, code: e.code,
                message: e.message }]).map((x) => {
                const p = serverProblem(x, fieldOf);
                return p.field && form.querySelector(`#${CSS.escape(p.field)}`)
                    ? p : { ...p, field: null };
            });
            showErrors(form, problems);
        }
    } finally {
        $('intake-submit').disabled = false;
    }
}

// The input id for an API field path ("attributes.MAKE" -> attr-MAKE).
function fieldOf(path) {
    const m = /^attributes\.(.+)$/.exec(path);
    if (m)
        return `attr-${m[1]}`;
    return { 'location.address': 'address', 'location.lat': 'lat',
        'location.long': 'long', 'caller.phone': 'phone',
        'caller.email': 'email', 'caller.first_name': 'first_name',
        'caller.last_name': 'last_name', channel: 'channel',
        service_code: 'service' }[path] ?? path;
}

function workOrderList(list, id) {
    if (!list?.length)
        return h('p', {}, t('console.no_workorders'));
    return h('ul', { id }, list.map((w) => h('li', {},
        `${w.name ?? w.step ?? ''} · ${w.work_group_name ?? w.work_group ??
            ''} · ${t(`wo.status.${w.status}`)} · ${t('work.due')}: ${
            fmtDate(w.due_datetime)}`)));
}

// The work orders of request id, or null where the server has none.
async function workOrdersOf(id) {
    if (features.workorders === false)
        return null;
    try {
        const res = await staff('GET', `requests/${encodeURIComponent(id)}` +
            '/workorders');
        return Array.isArray(res) ? res : res.work_orders ?? [];
    } catch {
        return null;
    }
}

// The saved request and its work orders asked again, for the names of its
// department, steps and work groups in the page's language; as they were
// when the server does not answer.
async function savedAgain([r, orders]) {
    const id = r.service_request_id;
    try {
        const again = await staff('GET', `requests/${encodeURIComponent(id)}`);
        return [again, orders ? await workOrdersOf(id) ?? orders : orders];
    } catch {
        return [r, orders];
    }
}

// The saved request: its department, expected date and work orders.
function showSaved(focus = true) {
    const [r, orders] = savedShown;
    const id = r.service_request_id;
    const box = $('saved');
    show(box, h('div', { class: 'panel', 'data-saved': id },
        h('h3', {}, t('console.saved', { id })),
        h('dl', { class: 'facts' },
            h('dt', {}, t('track.department')),
            h('dd', { id: 'saved-dept' }, r.agency_responsible ??
                r.department ?? '—'),
            h('dt', {}, t('track.expected')),
            h('dd', { id: 'saved-expected' }, r.expected_datetime
                ? fmtDate(r.expected_datetime) : t('track.expected_none'))),
        h('h4', {}, t('console.workorders')),
        orders ? workOrderList(orders, 'saved-workorders')
            : notAvailable(t('console.workorders'))));
    if (focus)
        box.focus();
}

// ---- search, notes, escalation

// A request number (native, or an imported all-digit one that is not
// phone-sized) rather than words.
const ID_RE = /^(\d{4}-\d{6}|\d{5,9}|\d{12,})$/;
// A phone number: digits with the usual separators, 7 digits or more.
const PHONE_RE = /^\+?[\d\s().\/-]{7,}$/;

async function search(ev) {
    ev.preventDefault();
    const q = $('search-q').value.trim();
    const out = $('search-result');
    found = null;
    if (ID_RE.test(q)) {
        show(out);
        await openDetail(q);
        return;
    }
    if (PHONE_RE.test(q) && features.callers !== false) {
        show(out);
        $('caller-phone').value = q;
        await findCaller();
        $('caller-h').scrollIntoView();
        return;
    }
    try {
        const res = await staff('GET', 'requests', { params: { q } });
        found = Array.isArray(res) ? res : res.requests ?? [];
        show(out, requestTable(found, openDetail));
    } catch (e) {
        show(out, failed(e, t('console.search_title')));
    }
}

async function openDetail(id) {
    const box = $('detail');
    let r;
    detailId = id;
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
                { body: { text: note.note.value.trim(), public: note
                    .querySelector('input[name=vis]:checked').value ===
                    'public' } });
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
        h('button', { type: 'submit' }, t('console.add_note'))),
    msg);
    // Escalation has its own reason, required: the expert reads it.
    const escMsg = h('p', { role: 'status', hidden: true });
    const escalate = h('form', { class: 'panel', id: 'escalate-form',
        novalidate: true, onsubmit: async (ev) => {
            ev.preventDefault();
            const reason = escalate.reason.value.trim();
            if (!reason) {
                showErrors(escalate, [{ field: 'escalate-reason',
                    key: 'validate.required' }]);
                return;
            }
            clearErrors(escalate);
            try {
                await staff('POST', `requests/${encodeURIComponent(id)}` +
                    '/escalate', { body: { reason } });
                await openDetail(id);
                say($('detail').querySelector('[role=status]'),
                    t('console.escalated'), 'ok');
            } catch (e) {
                const p = serverProblem(e);
                say(escMsg, e.notAvailable ? t('common.not_available',
                    { what: t('console.escalation') })
                    : p.key ? t(p.key) : e.message, 'error');
            }
        } },
    h('div', { class: 'field' }, h('label', { for: 'escalate-reason' },
        t('console.escalate_reason'), ' *'),
    h('p', { class: 'hint', id: 'escalate-reason-hint' },
        t('console.escalate_reason_hint')),
    h('textarea', { id: 'escalate-reason', name: 'reason', rows: 2,
        required: true, 'aria-required': 'true',
        'aria-describedby': 'escalate-reason-hint' })),
    h('div', { class: 'actions' }, h('button', { type: 'submit',
        class: 'secondary', id: 'escalate' }, t('console.escalate'))),
    escMsg);
    const notes = r.notes ?? [];
    const orders = await workOrdersOf(id);
    show(box, h('div', { class: 'panel', 'data-detail': id },
        h('h3', {}, `${id} · ${serviceName(r)}`),
        h('dl', { class: 'facts' },
            h('dt', {}, t('track.status')), h('dd', {},
                t(`status.${r.status}`)),
            h('dt', {}, t('track.department')), h('dd', {},
                r.agency_responsible ?? r.department ?? '—'),
            h('dt', {}, t('track.expected')), h('dd', {},
                fmtDate(r.expected_datetime)),
            h('dt', {}, t('console.escalation')), h('dd',
                { id: 'detail-escalation' }, r.escalation
                    ? t('console.escalated_at', { at: fmtDate(
                        r.escalation.escalated_at) })
                    : t('console.not_escalated')),
            r.escalation ? [h('dt', {}, t('console.escalate_reason')),
                h('dd', { id: 'detail-escalation-reason' },
                    r.escalation.reason || '—')] : null),
        h('p', {}, r.description ?? ''),
        orders ? [h('h4', {}, t('console.workorders')),
            workOrderList(orders, 'detail-workorders')]
            : null,
        h('h4', {}, t('console.notes')),
        notes.length ? h('ul', { id: 'detail-notes' }, notes.map((n) =>
            // "user:LOGIN" is how the history names staff: show the login.
            h('li', {}, `${fmtDate(n.at)} · ${(n.author ?? '')
                .replace(/^user:/, '')} · ${t(
                n.public ? 'console.note_public' : 'console.note_internal')
            } · ${n.text}`))) : h('p', {}, t('console.no_notes')),
        note, r.escalation?.waiting ? null : escalate));
}

// ---- start

// Hides a form whose API the server lacks and says so in out.
function gate(feature, form, out, what) {
    if (features[feature] !== false)
        return;
    $(form).hidden = true;
    show($(out), notAvailable(t(what)));
}

// The channel and caller-language lists in the page's language, keeping
// what is picked.
function fillLists() {
    const keep = [$('channel').value, $('caller-lang').value];
    $('channel').replaceChildren(...CHANNELS.map((c) =>
        h('option', { value: c }, t(`channel.${c}`))));
    $('caller-lang').replaceChildren(...CALLER_LANGS.map((l) =>
        h('option', { value: l, lang: l === 'other' ? null : langTag(l) },
            l === 'other' ? t('console.lang_other') : LANG_NAMES[l])));
    if (keep[0])
        [$('channel').value, $('caller-lang').value] = keep;
}

// Draws everything on screen again in the new language, in place: what
// was typed or picked stays, the service's questions come back in the
// new language with their answers.
async function relabel() {
    if (!me)
        return;
    show($('user'), userBar(me));
    gates();
    fillLists();
    const raw = definition ? rawAnswers($('questions'), definition) : {};
    await loadServices();
    if (definition && $('service').value) {
        definition = await open311Get(`services/${encodeURIComponent(
            $('service').value)}`);
        buildQuestions($('questions'), definition, raw);
    }
    warnEmergency();
    if (problems)
        showErrors($('intake'), problems, { focus: false });
    if (popProblems)
        showErrors($('caller-form'), popProblems, { focus: false });
    if (popped)
        showCaller();
    if (savedShown) {
        savedShown = await savedAgain(savedShown);
        showSaved(false);
    }
    if (found)
        show($('search-result'), requestTable(found, openDetail));
    if (detailId && $('detail').firstChild)
        await keepValues($('detail'), () => openDetail(detailId));
}

// Says which parts the server lacks.
function gates() {
    gate('callers', 'caller-form', 'caller', 'console.caller_title');
    gate('intake', 'intake', 'saved', 'console.intake_title');
    gate('request_search', 'search-form', 'search-result',
        'console.search_title');
}

async function start(user) {
    me = user;
    $('app').hidden = false;
    gates();
    show($('user'), userBar(me));
    fillLists();
    $('caller-form').addEventListener('submit', findCaller);
    $('new-call').addEventListener('click', newCall);
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
    pageTitle(cfg.city, 'console.title');
    features = cfg.features ?? {};
    onLangChange(relabel);
    await signIn($('signin'), start, cfg.features);
    document.body.dataset.ready = 'true';
}

main().catch((e) => {
    document.body.append(h('p', { class: 'msg msg-error' },
        e instanceof ApiError ? e.message : String(e)));
});
