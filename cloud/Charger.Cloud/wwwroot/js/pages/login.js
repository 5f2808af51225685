// The sign-in page: POST /api/v1/auth/login sets the HttpOnly sign-in cookie.
import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { errorBox } from '../ui.js';

export function renderLogin(section, { onSignedIn }) {
  const errors = h('div', { class: 'form-errors' });
  const user = h('input', { id: 'login-user', name: 'userId', autocomplete: 'username', required: true });
  const password = h('input', { id: 'login-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const button = h('button', { type: 'submit', class: 'primary' }, 'Sign in');
  const form = h('form', { class: 'login', 'data-testid': 'login-form' },
    h('h1', null, 'Sign in'),
    h('div', { class: 'field' }, h('label', { for: 'login-user' }, 'User'), user),
    h('div', { class: 'field' }, h('label', { for: 'login-password' }, 'Password'), password),
    errors,
    h('div', { class: 'buttons' }, button),
    h('p', { class: 'muted small' }, 'First run: the administrator\'s generated credential is in the file admin-credential of the data directory (mode 0600).'));
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
