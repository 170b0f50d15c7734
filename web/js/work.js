// SPDX-License-Identifier: MIT
//
// The work view. A crew member's queue: the department's work orders
// sorted by due time, at-risk and breached ones marked, with start, hold,
// resume and complete (with an outcome; follow-up orders then appear). A
// supervisor's view: every work group with its counts on track, at risk
// and breached. Work orders come from GET /api/v1/workorders. The
// department queue lists every unfinished order of the departments picked;
// "only mine" keeps those assigned to the signed-in login.
import { staff, webConfig } from './api.js';
import { initI18n, onLangChange, t } from './i18n.js';
import { signIn, userBar } from './session.js';
import { fmtDate, fmtNum, h, keepValues, notAvailable, pageTitle, say,
    setTimeZone, show } from './ui.js';

const $ = (id) => document.getElementById(id);
const SLA = ['on_track', 'at_risk', 'breached'];

let orders = [];
let seen = new Set();
let me = null;
// Department names by code, as GET me and work orders give them.
const deptNames = new Map();

// The text of outcome code o in the page's language, else the code.
function outcomeText(o) {
    return t(`outcome.${o}`) === `outcome.${o}` ? o : t(`outcome.${o}`);
}

// A work order's work group: its name, else its code.
function groupOf(w) {
    return w.work_group_name ?? w.work_group ?? '—';
}

// A work order's SLA state: the API's (as of its last sweep), else from
// its due and at-risk times.
export function slaOf(w, now = Date.now()) {
    if (SLA.includes(w.sla_state))
        return w.sla_state;
    const due = Date.parse(w.due_datetime ?? '');
    const risk = Date.parse(w.at_risk_datetime ?? '');
    if (w.status === 'done')
        return 'on_track';
    if (!Number.isNaN(due) && due < now)
        return 'breached';
    if (!Number.isNaN(risk) && risk < now)
        return 'at_risk';
    return 'on_track';
}

// Sorted by due time, soonest first, no due time last, then by id.
export function byDue(list) {
    const key = (w) => {
        const d = Date.parse(w.due_datetime ?? '');
        return Number.isNaN(d) ? Infinity : d;
    };
    return [...list].sort((a, b) => key(a) - key(b) || a.id - b.id);
}

// Where the work is: the request's address, else its coordinates.
export function placeOf(w) {
    if (w.address)
        return w.address;
    if (typeof w.lat === 'number' && typeof w.long === 'number')
        return `${w.lat.toFixed(5)}, ${w.long.toFixed(5)}`;
    return null;
}

// Text cut to at most max characters at a word, with an ellipsis.
export function shorten(text, max = 120) {
    const s = (text ?? '').trim();
    if (s.length <= max)
        return s;
    const cut = s.slice(0, max - 1);
    const space = cut.lastIndexOf(' ');
    return `${(space > max / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

// What the resident said: short as it is, else cut with the full text
// one click away.
function descriptionOf(w) {
    const full = (w.description ?? '').trim();
    if (!full)
        return null;
    const short = shorten(full);
    if (short === full)
        return h('p', { class: 'description' }, full);
    return h('details', { class: 'description' },
        h('summary', {}, short), h('p', {}, full));
}

// Runs an action on w; resolves with the error when it failed.
async function act(w, action, body) {
    try {
        await staff('POST', `workorders/${encodeURIComponent(w.id)}/${action}`,
            { body: body ?? {} });
        await load();
        say($('work-msg'), t(`work.done_${action}`, {
            request: w.service_request_id ?? '', step: w.name ?? w.step ?? ''
        }), 'ok');
        return null;
    } catch (e) {
        say($('work-msg'), e.notAvailable ? t('common.not_available',
            { what: t('work.title') }) : e.message, 'error');
        return e;
    }
}

// The outcomes a refusal names ("outcome must be one of: a, b").
export function outcomesIn(message) {
    const m = /one of:\s*(.+)$/.exec(message ?? '');
    return m ? m[1].split(',').map((x) => x.trim()).filter(Boolean) : [];
}

// A required choice of outcomes, with its label, in box.
function outcomeChoice(box, id, outcomes) {
    const select = h('select', { id, required: true },
        h('option', { value: '' }, t('form.choose')),
        outcomes.map((o) => h('option', { value: o }, outcomeText(o))));
    show(box, h('label', { for: id }, t('work.outcome')), select);
    box.hidden = false;
    return select;
}

// Complete: with an optional note and, when the step takes outcomes (the
// work order lists them), the outcome. From a server whose work orders do
// not list them, the refusal names them and a choice of them appears.
function completeForm(w) {
    const id = `outcome-${w.id}`;
    const box = h('div', { class: 'field', hidden: true });
    const note = h('input', { type: 'text', id: `note-${w.id}` });
    let select = w.outcomes?.length ? outcomeChoice(box, id, w.outcomes)
        : null;
    const form = h('form', { class: 'complete', novalidate: true,
        onsubmit: async (ev) => {
        ev.preventDefault();
        const body = {};
        if (select && !select.value) {
            say($('work-msg'), t('work.choose_outcome_first'), 'error');
            select.focus();
            return;
        }
        if (select?.value)
            body.outcome = select.value;
        if (note.value.trim())
            body.note = note.value.trim();
        const e = await act(w, 'complete', body);
        const outcomes = e?.status === 400 ? outcomesIn(e.message) : [];
        if (outcomes.length && !select) {
            select = outcomeChoice(box, id, outcomes);
            say($('work-msg'), t('work.choose_outcome'), 'warn');
            select.focus();
        }
    } },
    box,
    h('div', { class: 'field' }, h('label', { for: `note-${w.id}` },
        t('work.note')), note),
    h('button', { type: 'submit' }, t('work.complete')));
    return form;
}

// Put on hold, with the reason the API asks for.
function holdForm(w) {
    const id = `reason-${w.id}`;
    const reason = h('input', { type: 'text', id, required: true });
    return h('form', { class: 'hold', novalidate: true, onsubmit: (ev) => {
        ev.preventDefault();
        if (!reason.value.trim()) {
            say($('work-msg'), t('work.reason_needed'), 'error');
            reason.focus();
            return;
        }
        act(w, 'hold', { reason: reason.value.trim() });
    } },
    h('div', { class: 'field' }, h('label', { for: id },
        t('work.hold_reason')), reason),
    h('button', { type: 'submit', class: 'secondary' }, t('work.hold')));
}

function actions(w) {
    switch (w.status) {
    case 'open':
        return [h('button', { type: 'button', onclick: () => act(w, 'start') },
            t('work.start')), holdForm(w)];
    case 'in_progress':
        return [completeForm(w), holdForm(w)];
    case 'on_hold':
        return h('button', { type: 'button', onclick: () => act(w, 'resume') },
            t('work.resume'));
    default:
        return null;
    }
}

// The orders shown: all, or only the signed-in login's when asked.
function shown() {
    return $('mine').checked ? orders.filter((w) => w.assignee === me?.login)
        : orders;
}

function queue() {
    const list = byDue(shown().filter((w) => w.status !== 'done'));
    if (!list.length)
        return h('p', {}, t('work.empty'));
    return h('ul', { class: 'queue', id: 'queue' }, list.map((w) => {
        const sla = slaOf(w);
        return h('li', { 'data-workorder': w.id, 'data-sla': sla },
            h('div', { class: 'panel' },
                h('h3', {}, `${w.service_request_id ?? ''} · ${
                    w.name ?? w.step ?? ''}`,
                !seen.has(w.id) ? h('span', { class: 'status' },
                    ` ${t('work.new')}`) : null),
                placeOf(w) ? h('p', { class: 'where' }, h('strong', {},
                    placeOf(w))) : null,
                descriptionOf(w),
                h('p', {}, h('span', { class: `status sla-${sla}` },
                    t(`sla.${sla}`)), ' ', h('span', { class: 'status' },
                    t(`wo.status.${w.status}`))),
                h('dl', { class: 'facts' },
                    h('dt', {}, t('work.due')), h('dd', {},
                        fmtDate(w.due_datetime)),
                    h('dt', {}, t('work.department')), h('dd', {},
                        w.department_name ?? w.department ?? '—'),
                    h('dt', {}, t('work.group')), h('dd', {}, groupOf(w)),
                    h('dt', {}, t('work.assignee')), h('dd', {},
                        w.assignee ?? '—'),
                    w.hold_reason ? [h('dt', {}, t('work.hold_reason')),
                        h('dd', {}, w.hold_reason)] : null),
                h('div', { class: 'actions' }, actions(w))));
    }));
}

function supervisor() {
    const groups = new Map();
    for (const w of shown()) {
        if (w.status === 'done')
            continue;
        const g = w.work_group ?? '—';
        if (!groups.has(g))
            groups.set(g, { name: groupOf(w), on_track: 0, at_risk: 0,
                breached: 0 });
        groups.get(g)[slaOf(w)]++;
    }
    if (!groups.size)
        return h('p', {}, t('work.empty'));
    return h('div', { class: 'table-wrap' }, h('table', { id: 'groups' },
        h('thead', {}, h('tr', {}, h('th', {}, t('work.group')),
            SLA.map((s) => h('th', { class: 'num' }, t(`sla.${s}`))))),
        h('tbody', {}, [...groups].map(([g, c]) => h('tr',
            { 'data-group': g }, h('th', { scope: 'row' }, c.name),
            SLA.map((s) => h('td', { class: 'num', 'data-sla': s },
                fmtNum(c[s]))))))));
}

function render() {
    show($('work'), $('view').value === 'supervisor' ? supervisor() : queue());
}

async function load() {
    try {
        const res = await staff('GET', 'workorders', { params: {
            department: $('department').value, status: 'unfinished',
            limit: 1000 } });
        const before = new Set(orders.map((w) => w.id));
        orders = Array.isArray(res) ? res : res.work_orders ?? [];
        seen = before.size ? before : new Set(orders.map((w) => w.id));
        let named = false;
        for (const w of orders) {
            if (w.department_name && !deptNames.has(w.department)) {
                deptNames.set(w.department, w.department_name);
                named = true;
            }
        }
        if (named)
            fillDepartments();
        render();
    } catch (e) {
        show($('work'), e.notAvailable ? notAvailable(t('work.title'))
            : h('p', { class: 'msg msg-error' }, t('common.error',
                { message: e.message })));
    }
}

// The department filter: the account's departments by name where known,
// keeping the one picked.
function fillDepartments() {
    const keep = $('department').value;
    const depts = me.departments ?? [];
    $('department').replaceChildren(
        h('option', { value: '' }, t('work.all_departments')),
        ...depts.map((d) => h('option', { value: d }, deptNames.get(d) ?? d)));
    $('department').value = keep;
}

// Asks again for the names the server gives in the page's language: the
// account's departments, and the steps, departments and work groups of
// the work orders on screen. The list itself stays as it is.
async function rename() {
    try {
        const user = await staff('GET', 'me');
        for (const [code, name] of Object.entries(
            user.department_names ?? {}))
            deptNames.set(code, name);
    } catch {
        // the names already shown stay
    }
    try {
        const res = await staff('GET', 'workorders', { params: {
            department: $('department').value, status: 'unfinished',
            limit: 1000 } });
        const named = new Map((Array.isArray(res) ? res
            : res.work_orders ?? []).map((w) => [w.id, w]));
        orders = orders.map((w) => {
            const n = named.get(w.id);
            return n ? { ...w, name: n.name, department_name:
                n.department_name, work_group_name: n.work_group_name } : w;
        });
        for (const w of orders) {
            if (w.department_name)
                deptNames.set(w.department, w.department_name);
        }
    } catch {
        // the names already shown stay
    }
}

// Draws the page again in the new language, in place, keeping whatever
// was typed or picked in the work orders' forms.
async function relabel() {
    if (!me)
        return;
    await rename();
    show($('user'), userBar(me));
    fillDepartments();
    await keepValues($('work'), render);
    const msg = $('work-msg');
    if (!msg.hidden)
        say(msg, '');
}

async function start(user) {
    me = user;
    for (const [code, name] of Object.entries(me.department_names ?? {}))
        deptNames.set(code, name);
    $('app').hidden = false;
    show($('user'), userBar(me));
    const depts = me.departments ?? [];
    fillDepartments();
    if (depts.length === 1)
        $('department').value = depts[0];
    const roles = me.roles ?? [];
    if (roles.includes('supervisor') && !roles.includes('crew'))
        $('view').value = 'supervisor';
    $('department').addEventListener('change', load);
    $('view').addEventListener('change', render);
    $('mine').addEventListener('change', render);
    await load();
}

async function main() {
    const cfg = await webConfig();
    setTimeZone(cfg.timezone);
    await initI18n(cfg.default_language);
    for (const el of document.querySelectorAll('.city-name'))
        el.textContent = cfg.city ?? '';
    pageTitle(cfg.city, 'work.title');
    onLangChange(relabel);
    await signIn($('signin'), start, cfg.features);
    document.body.dataset.ready = 'true';
}

main();
