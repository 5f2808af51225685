// The sign-in page: POST /api/v1/auth/login sets the HttpOnly sign-in cookie.
import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { errorBox } from '../ui.js';
import { t } from '../i18n.js';

export function renderLogin(section, { onSignedIn }) {
  const errors = h('div', { class: 'form-errors' });
  const user = h('input', { id: 'login-user', name: 'userId', autocomplete: 'username', required: true });
  const password = h('input', { id: 'login-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const button = h('button', { type: 'submit', class: 'primary' }, t('login.submit'));
  const form = h('form', { class: 'login', 'data-testid': 'login-form' },
    h('h1', null, t('login.title')),
    h('div', { class: 'field' }, h('label', { for: 'login-user' }, t('login.user')), user),
    h('div', { class: 'field' }, h('label', { for: 'login-password' }, t('login.password')), password),
    errors,
    h('div', { class: 'buttons' }, button),
    h('p', { class: 'muted small' }, t('login.firstRun')));
  form.addEventListener('submit', async event => {
    event.preventDefault();
    replace(errors);
    button.disabled = true;
    try {
      const me = await api.post('/api/v1/auth/login', { userId: user.value.trim(), password: password.value });
      password.value = '';
      onSignedIn(me);
    } catch (e) {
      replace(errors, errorBox(e));
      password.select();
    } finally {
      button.disabled = false;
    }
  });
  replace(section, form);
  user.focus();
}
