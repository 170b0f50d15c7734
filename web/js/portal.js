// SPDX-License-Identifier: MIT
//
// The residents' portal: the service catalogue by group with a keyword
// search, the request form built from the service definition, the receipt
// with the request number and expected date, tracking by number, the
// towed-vehicle lookup and the knowledge base. Open311 does the filing,
// with the portal's own API key from /web-config.json.
import { ApiError, open311Get, open311Post, publicApi, webConfig }
    from './api.js';
import { detectEmergency } from './emergency.js';
import { answerFields, answers, buildQuestions, clearErrors, rawAnswers,
    showErrors } from './form.js';
import { currentLang, initI18n, onLangChange, t } from './i18n.js';
import { setupMap } from './map.js';
import { fmtDate, h, notAvailable, say, setTimeZone, show } from './ui.js';
import { checkAnswers, checkDetails, checkLocation, open311Problem }
    from './validate.js';

const $ = (id) => document.getElementById(id);

let services = [];
let current = null; // { service, definition }

// ---- tabs

function showTab() {
    const name = (location.hash.replace('#', '') || 'report').split('/')[0];
    const known = ['report', 'track', 'towed', 'answers'];
    const tab = known.includes(name) ? name : 'report';
    for (const s of document.querySelectorAll('[data-section]'))
        s.hidden = s.dataset.section !== tab;
    for (const a of document.querySelectorAll('[data-tab]')) {
        if (a.dataset.tab === tab)
            a.setAttribute('aria-current', 'page');
        else
            a.removeAttribute('aria-current');
    }
}

// ---- catalogue

// The group's name: Open311 gives it in the page's language.
function groupName(g) {
    return g || t('portal.group_other');
}

// True when every word of q is in the service's name, description,
// keywords or group.
export function matches(s, q) {
    const hay = [s.service_name, s.description, s.keywords,
        groupName(s.group)].join(' ').toLowerCase();
    return q.toLowerCase().split(/\s+/).filter(Boolean)
        .every((w) => hay.includes(w));
}

function renderCatalogue() {
    const q = $('service-search').value.trim();
    const list = q ? services.filter((s) => matches(s, q)) : services;
    const groups = new Map();
    for (const s of list) {
        const g = s.group ?? '';
        if (!groups.has(g))
            groups.set(g, []);
        groups.get(g).push(s);
    }
    say($('catalogue-msg'), q ? t('portal.search_count',
        { n: list.length }) : '', list.length ? 'info' : 'warn');
    show($('groups'), [...groups].map(([g, ss]) =>
        h('section', { class: 'group' }, h('h3', {}, groupName(g)),
            h('ul', { class: 'cards' }, ss.map((s) => h('li', {},
                h('button', { type: 'button', 'data-service': s.service_code,
                    onclick: () => openForm(s.service_code) },
                h('span', { class: 'name' }, s.service_name),
                h('span', { class: 'desc' }, s.description ?? '')))))
        )));
}

async function loadServices() {
    try {
        services = await open311Get('services');
        renderCatalogue();
    } catch (e) {
        say($('catalogue-msg'), t('common.error', { message: e.message }),
            'error');
    }
}

// ---- form

async function openForm(code, keep = false) {
    const prev = keep && current
        ? rawAnswers($('questions'), current.definition) : {};
    try {
        const definition = await open311Get(`services/${encodeURIComponent(
            code)}`);
        const service = services.find((s) => s.service_code === code) ??
            { service_code: code, service_name: code };
        current = { service, definition };
    } catch (e) {
        say($('catalogue-msg'), t('common.error', { message: e.message }),
            'error');
        return;
    }
    $('catalogue').hidden = true;
    $('receipt').hidden = true;
    $('request-form').hidden = false;
    $('form-title').textContent = current.service.service_name;
    $('form-desc').textContent = current.service.description ?? '';
    buildQuestions($('questions'), current.definition, prev);
    if (!keep) {
        clearErrors($('request-form'));
        say($('submit-msg'), '');
        $('form-title').focus();
    }
}

// Tells the resident to call 911 while the description reads like an
// emergency (the same words the agent console warns about).
function warnEmergency() {
    const { emergency, matches } = detectEmergency($('description').value);
    const box = $('emergency');
    box.hidden = !emergency;
    box.textContent = emergency ? t('portal.emergency_warning',
        { words: matches.join(', ') }) : '';
}

function closeForm() {
    current = null;
    $('request-form').hidden = true;
    $('catalogue').hidden = false;
    $('service-search').focus();
}

function fieldValues() {
    const v = (id) => $(id).value.trim();
    return {
        address: v('address'), lat: v('lat'), long: v('long'),
        description: $('description').value, email: v('email'),
        first_name: v('first_name'), last_name: v('last_name'),
        phone: v('phone'),
    };
}

async function submit(ev) {
    ev.preventDefault();
    const form = $('request-form');
    const ans = answers($('questions'), current.definition);
    const f = fieldValues();
    const problems = [...checkAnswers(current.definition.attributes, ans),
        ...checkLocation(f), ...checkDetails(f)];
    if (problems.length) {
        showErrors(form, problems);
        return;
    }
    clearErrors(form);
    const fields = [['service_code', current.service.service_code],
        ...answerFields(ans)];
    for (const [k, name] of [['address', 'address_string'], ['lat', 'lat'],
        ['long', 'long'], ['description', 'description'], ['email', 'email'],
        ['first_name', 'first_name'], ['last_name', 'last_name'],
        ['phone', 'phone']]) {
        if (f[k] && f[k].trim())
            fields.push([name, f[k].trim()]);
    }
    $('submit').disabled = true;
    say($('submit-msg'), t('form.sending'), 'info');
    try {
        const cfg = await webConfig();
        if (!cfg.portal_api_key)
            throw new ApiError(403, [t('portal.no_key')], { code: 'no_key' });
        const [res] = await open311Post(fields);
        await showReceipt(res);
        form.reset();
        warnEmergency();
        closeForm();
        $('catalogue').hidden = true;
        // The focus goes to the receipt's heading, not to the hidden
        // search box (which would drop it to the page's body).
        $('receipt-title').focus();
    } catch (e) {
        // The server's reasons in the page's language, next to their
        // field where the page knows it; a failure that never reached the
        // server (no key, no network) in its own words.
        let problems;
        if (e instanceof ApiError && e.code === 'no_key')
            problems = [{ field: null, text: e.message }];
        else if (e instanceof ApiError)
            problems = e.messages.map(open311Problem);
        else
            problems = [{ field: null, key: 'common.error',
                params: { message: e.message } }];
        showErrors(form, problems);
        say($('submit-msg'), '');
    } finally {
        $('submit').disabled = false;
    }
}

async function showReceipt(res) {
    let id = res.service_request_id;
    if (!id && res.token) {
        try {
            const [tok] = await open311Get(`tokens/${res.token}`);
            id = tok.service_request_id;
        } catch {
            // not resolved yet: the token is the receipt
        }
    }
    let req = null;
    if (id) {
        try {
            [req] = await open311Get(`requests/${encodeURIComponent(id)}`);
        } catch {
            req = null;
        }
    }
    const box = $('receipt');
    show(box, h('div', { class: 'panel', 'data-receipt': id ?? res.token },
        h('h2', { id: 'receipt-title', tabindex: '-1' },
            t('portal.receipt_title')),
        id ? [h('p', {}, t('portal.receipt_number')),
            h('p', { class: 'result-number', id: 'receipt-number' }, id)]
            : h('p', {}, t('portal.receipt_token', { token: res.token })),
        h('dl', { class: 'facts' },
            h('dt', {}, t('track.expected')),
            h('dd', { id: 'receipt-expected' }, req?.expected_datetime
                ? fmtDate(req.expected_datetime) : t('track.expected_none')),
            req?.agency_responsible ? [h('dt', {}, t('track.department')),
                h('dd', {}, req.agency_responsible)] : null),
        h('p', {}, t('portal.receipt_keep')),
        h('div', { class: 'actions' },
            id ? h('a', { class: 'button', href: `#track/${id}` },
                t('portal.receipt_track')) : null,
            h('button', { type: 'button', class: 'secondary', onclick: () => {
                box.hidden = true;
                $('catalogue').hidden = false;
                $('service-search').focus();
            } }, t('portal.receipt_another')))));
    box.hidden = false;
}

// ---- tracking

async function track(id) {
    const out = $('track-result');
    id = id.trim();
    if (!id) {
        show(out, h('p', { class: 'msg msg-error' }, t('track.enter_number')));
        return;
    }
    try {
        const [r] = await open311Get(`requests/${encodeURIComponent(id)}`);
        show(out, h('div', { class: 'panel', 'data-request': r.service_request_id },
            h('h3', {}, `${r.service_name ?? r.service_code} · ${
                r.service_request_id}`),
            h('dl', { class: 'facts' },
                h('dt', {}, t('track.status')),
                h('dd', {}, h('span', { class: `status status-${r.status}`,
                    id: 'track-status' }, t(`status.${r.status}`))),
                h('dt', {}, t('track.department')),
                h('dd', { id: 'track-dept' }, r.agency_responsible ?? '—'),
                h('dt', {}, t('track.requested')),
                h('dd', {}, fmtDate(r.requested_datetime)),
                h('dt', {}, t('track.expected')),
                h('dd', {}, r.expected_datetime ? fmtDate(r.expected_datetime)
                    : t('track.expected_none')),
                h('dt', {}, t('track.updated')),
                h('dd', {}, fmtDate(r.updated_datetime)),
                h('dt', {}, t('track.address')),
                h('dd', {}, r.address ?? (r.lat !== null && r.lat !== undefined
                    ? `${r.lat}, ${r.long}` : '—')),
                h('dt', {}, t('track.notes')),
                h('dd', { id: 'track-notes' }, r.status_notes ??
                    t('track.notes_none')))));
    } catch (e) {
        show(out, h('p', { class: 'msg msg-error' }, e.status === 404
            ? t('track.not_found', { id }) : t('common.error',
                { message: e.message })));
    }
}

// ---- towed vehicles

// One towed vehicle as the public lookup gives it.
function towedCard(v) {
    const pound = v.pound ?? {};
    const fact = (key, value) => (value ? [h('dt', {}, t(key)),
        h('dd', {}, value)] : null);
    return h('div', { class: 'panel', 'data-towed': v.plate },
        h('h3', {}, [v.plate, v.plate_state].filter(Boolean).join(' · ')),
        h('dl', { class: 'facts' },
            fact('towed.status', t(`towed.status.${v.status}`)),
            fact('towed.vehicle', [v.colour, v.make, v.model].filter(Boolean)
                .join(' ')),
            fact('towed.towed_at', v.towed_datetime
                ? fmtDate(v.towed_datetime) : null),
            fact('towed.towed_from', v.towed_from),
            fact('towed.pound', pound.name ?? pound.code),
            fact('towed.pound_address', pound.address),
            fact('towed.pound_hours', pound.hours),
            fact('towed.pound_phone', pound.phone),
            fact('towed.must_bring', v.must_bring),
            fact('towed.disposal', v.disposal_possible_datetime
                ? fmtDate(v.disposal_possible_datetime) : null)));
}

async function towed(plate) {
    const out = $('towed-result');
    plate = plate.trim();
    if (!plate) {
        show(out, h('p', { class: 'msg msg-error' }, t('towed.enter_plate')));
        return;
    }
    try {
        const res = await publicApi('towed', { plate });
        const list = Array.isArray(res) ? res : [];
        show(out, list.length ? list.map(towedCard)
            : h('p', { class: 'msg msg-info' }, t('towed.none', { plate })));
    } catch (e) {
        if (e.notAvailable)
            show(out, notAvailable(t('portal.tab_towed')));
        else if (e.status === 404)
            show(out, h('p', { class: 'msg msg-info', id: 'towed-none' },
                t('towed.none', { plate })));
        else
            show(out, h('p', { class: 'msg msg-error' }, t('common.error',
                { message: e.message })));
    }
}

// ---- knowledge base

// The nodes of a search snippet: HTML-escaped text with the matches in
// <mark>. Only <mark> is kept as markup; the rest is decoded to plain text
// (a textarea decodes entities without running anything).
function snippetNodes(snippet) {
    const decode = document.createElement('textarea');
    let marked = false;
    const nodes = [];
    for (const part of String(snippet).split(/(<mark>|<\/mark>)/)) {
        if (part === '<mark>' || part === '</mark>') {
            marked = part === '<mark>';
            continue;
        }
        decode.innerHTML = part;
        nodes.push(marked ? h('mark', {}, decode.value) : decode.value);
    }
    return nodes;
}

// The last list of results, shown again when the resident goes back from
// an article.
let kbList = null;

// Shows one published article whole, in place of the results. body_html
// is the server's rendering, where everything but its own few tags is
// escaped (docs/KB.md), so it is inserted as markup.
async function kbArticle(id) {
    const out = $('kb-result');
    try {
        const a = await publicApi(`kb/articles/${encodeURIComponent(id)}`);
        const body = h('div', { class: 'kb-article-body' });
        body.innerHTML = a.body_html ?? '';
        const back = h('button', { type: 'button', class: 'secondary',
            id: 'kb-back', onclick: () => {
                show(out, kbList);
                out.querySelector(`[data-article="${id}"]`)?.focus();
            } }, t('kb.back'));
        show(out, h('article', { class: 'panel kb-article',
            'data-article-id': a.id },
        h('h3', { id: 'kb-article-title', tabindex: '-1' }, a.title),
        body, h('div', { class: 'actions' }, back)));
        $('kb-article-title').focus();
    } catch (e) {
        show(out, h('p', { class: 'msg msg-error' }, e.status === 404
            ? t('kb.none') : t('common.error', { message: e.message })));
    }
}

async function kbSearch(q) {
    const out = $('kb-result');
    try {
        const res = await publicApi('kb/search',
            { q: q.trim(), lang: currentLang() });
        const list = Array.isArray(res) ? res : res.articles ?? res.results ??
            [];
        if (!list.length) {
            show(out, h('p', { class: 'msg msg-info' }, t('kb.none')));
            return;
        }
        kbList = h('ul', { class: 'kb-list' }, list.map((a) =>
            h('li', {}, h('details', {},
                h('summary', {}, a.title ?? a.question ?? a.id),
                h('div', { class: 'kb-body' }, a.snippet !== undefined
                    ? snippetNodes(a.snippet)
                    : a.body ?? a.answer ?? a.summary ?? ''),
                a.id !== undefined ? h('button', { type: 'button',
                    class: 'secondary kb-read', 'data-article': a.id,
                    onclick: () => kbArticle(a.id) }, t('kb.read'))
                    : null))));
        show(out, kbList);
    } catch (e) {
        if (e.notAvailable)
            show(out, notAvailable(t('portal.tab_answers')));
        else
            show(out, h('p', { class: 'msg msg-error' }, t('common.error',
                { message: e.message })));
    }
}

// ---- start

async function main() {
    const cfg = await webConfig();
    setTimeZone(cfg.timezone);
    await initI18n(cfg.default_language);
    for (const el of document.querySelectorAll('.city-name'))
        el.textContent = cfg.city ?? '';
    document.title = `${cfg.city ?? ''} 311`.trim();
    window.addEventListener('hashchange', () => {
        showTab();
        const m = location.hash.match(/^#track\/(.+)$/);
        if (m) {
            $('track-id').value = decodeURIComponent(m[1]);
            track($('track-id').value);
        }
    });
    showTab();
    $('service-search').addEventListener('input', renderCatalogue);
    $('back').addEventListener('click', closeForm);
    $('request-form').addEventListener('submit', submit);
    $('description').addEventListener('input', warnEmergency);
    $('track-form').addEventListener('submit', (e) => {
        e.preventDefault();
        track($('track-id').value);
    });
    $('towed-form').addEventListener('submit', (e) => {
        e.preventDefault();
        towed($('plate').value);
    });
    $('kb-form').addEventListener('submit', (e) => {
        e.preventDefault();
        kbSearch($('kb-q').value);
    });
    setupMap(cfg.map, $('map-box'), $('lat'), $('long'));
    for (const [feature, form, out, what] of [
        ['towed', 'towed-form', 'towed-result', 'portal.tab_towed'],
        ['kb', 'kb-form', 'kb-result', 'portal.tab_answers']]) {
        if (cfg.features?.[feature] === false) {
            $(form).hidden = true;
            show($(out), notAvailable(t(what)));
            onLangChange(() => show($(out), notAvailable(t(what))));
        }
    }
    onLangChange(async () => {
        warnEmergency();
        await loadServices();
        if (current)
            await openForm(current.service.service_code, true);
        // Answers on screen are asked again, in the new language.
        if ($('track-result').firstChild && $('track-id').value)
            await track($('track-id').value);
        if ($('towed-result').querySelector('[data-towed], #towed-none'))
            await towed($('plate').value);
        document.title = `${cfg.city ?? ''} 311`.trim();
    });
    await loadServices();
    const m = location.hash.match(/^#track\/(.+)$/);
    if (m) {
        $('track-id').value = decodeURIComponent(m[1]);
        await track($('track-id').value);
    }
    document.body.dataset.ready = 'true';
}

main();
