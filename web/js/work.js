// SPDX-License-Identifier: MIT
//
// The work view. A crew member's queue: the department's work orders
// sorted by due time, at-risk and breached ones marked, with start, hold,
// resume and complete (with an outcome; follow-up orders then appear). A
// supervisor's view: every work group with its counts on track, at risk
// and breached. Work orders come from GET /api/v1/workorders.
import { staff, webConfig } from './api.js';
import { initI18n, onLangChange, t } from './i18n.js';
import { signIn, userBar } from './session.js';
import { fmtDate, fmtNum, h, notAvailable, say, setTimeZone, show }
    from './ui.js';

const $ = (id) => document.getElementById(id);
const SLA = ['on_track', 'at_risk', 'breached'];

let orders = [];
let seen = new Set();

// A work order's SLA state: the API's, else from its due time.
export function slaOf(w, now = Date.now()) {
    if (SLA.includes(w.sla))
        return w.sla;
    if (w.breached)
        return 'breached';
    if (w.at_risk)
        return 'at_risk';
    const due = Date.parse(w.due_at ?? '');
    if (!Number.isNaN(due) && due < now && w.status !== 'completed')
        return 'breached';
    return 'on_track';
}

// Sorted by due time, soonest first; no due time last.
export function byDue(list) {
    const key = (w) => {
        const d = Date.parse(w.due_at ?? '');
        return Number.isNaN(d) ? Infinity : d;
    };
    return [...list].sort((a, b) => key(a) - key(b));
}

async function act(w, action, body) {
    try {
        await staff('POST', `workorders/${encodeURIComponent(w.id)}/${action}`,
            { body: body ?? {} });
        say($('work-msg'), t(`work.done_${action}`, { id: w.id }), 'ok');
        await load();
    } catch (e) {
        say($('work-msg'), e.notAvailable ? t('common.not_available',
            { what: t('work.title') }) : e.message, 'error');
    }
}

function completeForm(w) {
    const id = `outcome-${w.id}`;
    const outcomes = w.outcomes ?? [];
    const input = outcomes.length
        ? h('select', { id }, outcomes.map((o) => h('option',
            { value: o.code ?? o }, o.name ?? o.code ?? o)))
        : h('input', { type: 'text', id });
    return h('form', { class: 'row', onsubmit: (ev) => {
        ev.preventDefault();
        act(w, 'complete', { outcome: input.value });
    } },
    h('div', { class: 'field' }, h('label', { for: id },
        t('work.outcome')), input),
    h('div', { class: 'field' }, h('button', { type: 'submit' },
        t('work.complete'))));
}

function actions(w) {
    switch (w.status) {
    case 'open':
    case 'assigned':
    case 'pending':
        return h('button', { type: 'button', onclick: () => act(w, 'start') },
            t('work.start'));
    case 'in_progress':
    case 'started':
        return [h('button', { type: 'button', class: 'secondary',
            onclick: () => act(w, 'hold') }, t('work.hold')), completeForm(w)];
    case 'on_hold':
    case 'held':
        return h('button', { type: 'button', onclick: () => act(w, 'resume') },
            t('work.resume'));
    default:
        return null;
    }
}

function queue() {
    const list = byDue(orders.filter((w) => w.status !== 'completed' &&
        w.status !== 'cancelled'));
    if (!list.length)
        return h('p', {}, t('work.empty'));
    return h('ul', { class: 'cards', id: 'queue' }, list.map((w) => {
        const sla = slaOf(w);
        return h('li', { 'data-workorder': w.id, 'data-sla': sla },
            h('div', { class: 'panel' },
                h('h3', {}, `${w.request_id ?? w.service_request_id ?? ''} · ${
                    w.service_name ?? w.task ?? w.step ?? ''}`,
                !seen.has(w.id) ? h('span', { class: 'status' },
                    ` ${t('work.new')}`) : null),
                h('p', {}, h('span', { class: `status sla-${sla}` },
                    t(`sla.${sla}`)), ' ', h('span', { class: 'status' },
                    t(`wo.status.${w.status}`))),
                h('dl', { class: 'facts' },
                    h('dt', {}, t('work.due')), h('dd', {}, fmtDate(w.due_at)),
                    h('dt', {}, t('work.group')), h('dd', {},
                        w.work_group_name ?? w.work_group ?? '—'),
                    h('dt', {}, t('track.address')), h('dd', {},
                        w.address ?? '—')),
                h('div', { class: 'actions' }, actions(w))));
    }));
}

function supervisor() {
    const groups = new Map();
    for (const w of orders) {
        if (w.status === 'completed' || w.status === 'cancelled')
            continue;
        const g = w.work_group_name ?? w.work_group ?? '—';
        if (!groups.has(g))
            groups.set(g, { on_track: 0, at_risk: 0, breached: 0 });
        groups.get(g)[slaOf(w)]++;
    }
    if (!groups.size)
        return h('p', {}, t('work.empty'));
    return h('div', { class: 'table-wrap' }, h('table', { id: 'groups' },
        h('thead', {}, h('tr', {}, h('th', {}, t('work.group')),
            SLA.map((s) => h('th', { class: 'num' }, t(`sla.${s}`))))),
        h('tbody', {}, [...groups].map(([g, c]) => h('tr', {},
            h('th', { scope: 'row' }, g),
            SLA.map((s) => h('td', { class: 'num', 'data-sla': s },
                fmtNum(c[s]))))))));
}

function render() {
    show($('work'), $('view').value === 'supervisor' ? supervisor() : queue());
}

async function load() {
    try {
        const res = await staff('GET', 'workorders',
            { params: { department: $('department').value } });
        const before = new Set(orders.map((w) => w.id));
        orders = Array.isArray(res) ? res : res.work_orders ?? [];
        seen = before.size ? before : new Set(orders.map((w) => w.id));
        render();
    } catch (e) {
        show($('work'), e.notAvailable ? notAvailable(t('work.title'))
            : h('p', { class: 'msg msg-error' }, t('common.error',
                { message: e.message })));
    }
}

async function start(me) {
    $('app').hidden = false;
    show($('user'), userBar(me));
    const depts = me.departments ?? [];
    $('department').replaceChildren(
        h('option', { value: '' }, t('work.all_departments')),
        depts.map((d) => h('option', { value: d.code ?? d }, d.name ?? d)));
    if (depts.length === 1)
        $('department').value = depts[0].code ?? depts[0];
    const roles = me.roles ?? [];
    if (roles.includes('supervisor') && !roles.includes('crew'))
        $('view').value = 'supervisor';
    $('department').addEventListener('change', load);
    $('view').addEventListener('change', render);
    await load();
}

async function main() {
    const cfg = await webConfig();
    setTimeZone(cfg.timezone);
    await initI18n(cfg.default_language);
    for (const el of document.querySelectorAll('.city-name'))
        el.textContent = cfg.city ?? '';
    onLangChange(() => location.reload());
    await signIn($('signin'), start, cfg.features);
    document.body.dataset.ready = 'true';
}

main();
