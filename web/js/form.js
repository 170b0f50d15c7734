// SPDX-License-Identifier: MIT
//
// Builds the questions of an Open311 service definition as form fields,
// one per attribute in its order, for all six datatypes, and shows
// validation problems next to their fields and in a summary at the top.
// Shared by the portal and the agent console.
import { t } from './i18n.js';
import { h, localToIso } from './ui.js';
import { attrField } from './validate.js';

// A label with the required mark.
function labelText(a) {
    return [a.description ?? a.code,
        a.required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *')
            : null];
}

// The hint under a question (datatype_description), or null.
function hint(a, id) {
    return a.datatype_description
        ? h('p', { class: 'hint', id }, a.datatype_description) : null;
}

// One question as a field; prev is an earlier answer to restore.
function question(a, prev) {
    const id = attrField(a.code);
    const hintId = `${id}-hint`;
    const described = a.datatype_description ? hintId : null;
    const req = a.required ? true : null;
    if (a.variable === false)
        return h('p', { class: 'info' }, a.description);
    switch (a.datatype) {
    case 'text':
        return h('div', { class: 'field' },
            h('label', { for: id }, labelText(a)), hint(a, hintId),
            h('textarea', { id, name: id, rows: 3, required: req,
                'aria-describedby': described }, prev ?? ''));
    case 'singlevaluelist': {
        const sel = h('select', { id, name: id, required: req,
            'aria-describedby': described },
        h('option', { value: '' }, t('form.choose')),
        (a.values ?? []).map((v) => h('option', { value: v.key }, v.name)));
        sel.value = prev ?? '';
        return h('div', { class: 'field' },
            h('label', { for: id }, labelText(a)), hint(a, hintId), sel);
    }
    case 'multivaluelist': {
        const chosen = new Set(prev ?? []);
        return h('fieldset', { id, class: 'field choices',
            'aria-describedby': described },
        h('legend', {}, labelText(a)), hint(a, hintId),
        (a.values ?? []).map((v, i) => {
            const cid = `${id}-${i}`;
            return h('div', { class: 'choice' },
                h('input', { type: 'checkbox', id: cid, name: id, value: v.key,
                    checked: chosen.has(v.key) }),
                h('label', { for: cid }, v.name));
        }));
    }
    case 'datetime':
        return h('div', { class: 'field' },
            h('label', { for: id }, labelText(a)), hint(a, hintId),
            h('input', { type: 'datetime-local', id, name: id, required: req,
                value: prev ?? null, 'aria-describedby': described }));
    case 'number':
        return h('div', { class: 'field' },
            h('label', { for: id }, labelText(a)), hint(a, hintId),
            h('input', { type: 'text', inputmode: 'decimal', id, name: id,
                required: req, value: prev ?? null,
                'aria-describedby': described }));
    default:
        return h('div', { class: 'field' },
            h('label', { for: id }, labelText(a)), hint(a, hintId),
            h('input', { type: 'text', id, name: id, required: req,
                value: prev ?? null, 'aria-describedby': described }));
    }
}

// Fills container with the definition's questions in order, keeping the
// raw values of prev (as rawAnswers returns them).
export function buildQuestions(container, definition, prev = {}) {
    const attrs = [...(definition?.attributes ?? [])]
        .sort((x, y) => (x.order ?? 0) - (y.order ?? 0));
    container.replaceChildren(...attrs.map((a) => question(a, prev[a.code])));
}

// The values as typed (datetime-local as is), to rebuild the form.
export function rawAnswers(container, definition) {
    const out = {};
    for (const a of definition?.attributes ?? []) {
        const id = attrField(a.code);
        if (a.datatype === 'multivaluelist') {
            out[a.code] = [...container.querySelectorAll(
                `input[name="${id}"]:checked`)].map((x) => x.value);
        } else {
            const el = container.querySelector(`#${CSS.escape(id)}`);
            if (el && 'value' in el)
                out[a.code] = el.value;
        }
    }
    return out;
}

// The answers as the API takes them: datetimes as ISO instants (a value
// that is not a date is passed on as typed, for validation to flag).
export function answers(container, definition) {
    const raw = rawAnswers(container, definition);
    for (const a of definition?.attributes ?? []) {
        if (a.datatype === 'datetime' && raw[a.code])
            raw[a.code] = localToIso(raw[a.code]) ?? raw[a.code];
    }
    return raw;
}

// The answers as Open311 form fields.
export function answerFields(ans) {
    const out = [];
    for (const [code, v] of Object.entries(ans)) {
        if (Array.isArray(v))
            v.forEach((x) => out.push([`attribute[${code}][]`, x]));
        else if (v !== '' && v !== undefined)
            out.push([`attribute[${code}]`, v]);
    }
    return out;
}

// Removes every problem shown in form.
export function clearErrors(form) {
    for (const el of form.querySelectorAll('.field-error'))
        el.remove();
    for (const el of form.querySelectorAll('[aria-invalid]'))
        el.removeAttribute('aria-invalid');
    const sum = form.querySelector('.error-summary');
    if (sum)
        sum.hidden = true;
}

// "Question: " for the field el, from its label or legend.
function questionOf(form, el) {
    const label = el.tagName === 'FIELDSET' ? el.querySelector('legend')
        : form.querySelector(`label[for="${CSS.escape(el.id)}"]`);
    const text = (label?.textContent ?? '').replace(/\s*\*\s*$/, '').trim();
    return text ? `${text}: ` : '';
}

// Shows problems ({field, key, params} or {field: null, text}) next to
// their fields and in the form's .error-summary, which takes the focus
// unless focus is false (the same problems drawn again in another
// language).
export function showErrors(form, problems, { focus = true } = {}) {
    clearErrors(form);
    if (!problems.length)
        return;
    const items = [];
    for (const p of problems) {
        const text = p.text ?? t(p.key, p.params);
        const el = p.field ? form.querySelector(`#${CSS.escape(p.field)}`)
            : null;
        if (el) {
            const errId = `${p.field}-error`;
            const msg = h('p', { class: 'field-error', id: errId }, text);
            el.setAttribute('aria-invalid', 'true');
            const by = (el.getAttribute('aria-describedby') ?? '')
                .split(' ').filter((x) => x && x !== errId);
            el.setAttribute('aria-describedby', [...by, errId].join(' '));
            const holder = el.closest('.field') ?? el;
            if (holder === el && el.tagName === 'FIELDSET')
                el.append(msg);
            else
                holder.append(msg);
            items.push(h('li', {}, h('a', { href: `#${p.field}`, onclick:
                (e) => {
                    e.preventDefault();
                    (el.matches('fieldset') ? el.querySelector('input') : el)
                        ?.focus();
                } }, `${questionOf(form, el)}${text}`)));
        } else {
            items.push(h('li', {}, text));
        }
    }
    let sum = form.querySelector('.error-summary');
    if (!sum) {
        sum = h('div', { class: 'error-summary', tabindex: '-1',
            role: 'alert' });
        form.prepend(sum);
    }
    sum.replaceChildren(h('h3', {}, t('form.fix')), h('ul', {}, items));
    sum.hidden = false;
    if (focus)
        sum.focus();
}
