// SPDX-License-Identifier: MIT
//
// Staff sign-in for the console, the work view and the dashboard:
// POST /api/v1/session with login and password gives a token, kept in
// sessionStorage for this browser tab; GET /api/v1/me says who it is.
// A server without the staff API gets a "not available yet" note.
import { ApiError, setStaffToken, staff, staffToken } from './api.js';
import { t } from './i18n.js';
import { h, notAvailable, say, show } from './ui.js';

// The signed-in user, or null (no token, or it ended).
async function whoAmI() {
    if (!staffToken())
        return null;
    try {
        return await staff('GET', 'me');
    } catch (e) {
        if (e instanceof ApiError && e.status === 401) {
            setStaffToken(null);
            return null;
        }
        throw e;
    }
}

// Shows the sign-in form in box until someone signs in, then calls
// onSignedIn(user). Resolves once the first state is on screen. A server
// whose /web-config.json says it has no staff API gets the "not available
// yet" note instead. The form's texts carry their keys, so a change of
// language translates them in place.
export async function signIn(box, onSignedIn, features) {
    let me;
    if (features && features.staff === false) {
        show(box, notAvailable(t('staff.sign_in_title')));
        return;
    }
    try {
        me = await whoAmI();
    } catch (e) {
        show(box, e.notAvailable ? notAvailable(t('staff.sign_in_title'))
            : h('p', { class: 'msg msg-error' },
                t('common.error', { message: e.message })));
        return;
    }
    if (me) {
        show(box);
        await onSignedIn(me);
        return;
    }
    const msg = h('p', { role: 'status', hidden: true });
    const form = h('form', { class: 'panel', id: 'signin-form',
        onsubmit: async (ev) => {
            ev.preventDefault();
            say(msg, t('staff.signing_in'), 'info');
            try {
                const res = await staff('POST', 'session', { body: {
                    login: form.login.value.trim(),
                    password: form.password.value } });
                setStaffToken(res.token);
                const user = await staff('GET', 'me');
                show(box);
                await onSignedIn(user);
            } catch (e) {
                if (e.notAvailable)
                    show(box, notAvailable(t('staff.sign_in_title')));
                else
                    say(msg, e.status === 401 ? t('staff.bad_login')
                        : t('common.error', { message: e.message }), 'error');
            }
        } },
    h('h2', { 'data-i18n': 'staff.sign_in_title' }, t('staff.sign_in_title')),
    h('div', { class: 'field' },
        h('label', { for: 'login', 'data-i18n': 'staff.login' },
            t('staff.login')),
        h('input', { type: 'text', id: 'login', name: 'login',
            autocomplete: 'username', required: true })),
    h('div', { class: 'field' },
        h('label', { for: 'password', 'data-i18n': 'staff.password' },
            t('staff.password')),
        h('input', { type: 'password', id: 'password', name: 'password',
            autocomplete: 'current-password', required: true })),
    msg,
    h('div', { class: 'actions' },
        h('button', { type: 'submit', 'data-i18n': 'staff.sign_in' },
            t('staff.sign_in'))));
    show(box, form);
}

// Ends the session and reloads the page.
export async function signOut() {
    try {
        await staff('DELETE', 'session');
    } catch {
        // ended already or never there
    }
    setStaffToken(null);
    location.reload();
}

// The "Name · Sign out" bar for a signed-in user.
export function userBar(me) {
    return h('p', { class: 'userbar' },
        t('staff.signed_in_as', { name: me.name ?? me.login }), ' ',
        h('button', { type: 'button', class: 'link', onclick: signOut },
            t('staff.sign_out')));
}
