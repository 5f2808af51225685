// Users (admin): people, roles, enabling and disabling; a generated password is shown once.
import { api } from '../api.js';
import { badge, h, replace, table } from '../dom.js';
import { RoleNames } from '../roles.js';
import { actionForm, panel } from '../ui.js';

export async function renderUsers(section, context) {
  const users = await api.get('/api/v1/users');
  const formArea = h('div');
  const roles = Object.entries(RoleNames);
  const openCreate = () => replace(formArea, actionForm({
    title: 'New user (leave the password empty to generate one)',
    testId: 'create-user-form',
    fields: [
      { name: 'userId', label: 'User id', required: true },
      { name: 'displayName', label: 'Name', required: true },
      { name: 'role', label: 'Role', type: 'select', options: roles, value: 'repair-engineer' },
      { name: 'team', label: 'Team' },
      { name: 'password', label: 'Password', type: 'password', autocomplete: 'new-password' },
    ],
    submitText: 'Create',
    submit: v => api.post('/api/v1/users', v),
    onDone: created => {
      replace(formArea, h('div', { class: 'notice', role: 'status' }, 'Created ', created.user.userId,
        created.password ? [' with the password ', h('code', null, created.password), ' (shown once: give it to the user)'] : '.'));
      context.isCurrent() && api.get('/api/v1/users').then(list => replace(listArea, userTable(list)));
    },
    cancel: () => replace(formArea),
  }));
  const setActive = async (u, active) => {
    await api.patch('/api/v1/users/' + encodeURIComponent(u.userId), { active });
    context.refresh();
  };
  const userTable = list => table([
    { title: 'User', value: u => u.userId },
    { title: 'Name', value: u => u.displayName },
    { title: 'Role', value: u => RoleNames[u.role] ?? u.role },
    { title: 'Team', value: u => u.team },
    { title: 'Active', value: u => u.active ? badge('active', 'ok') : badge('disabled', 'off') },
    { title: 'Actions', value: u => h('button', { type: 'button', on: { click: () => setActive(u, !u.active) } }, u.active ? 'Disable' : 'Enable') },
  ], list, { testId: 'users' });
  const listArea = h('div', null, userTable(users));
  replace(section,
    h('div', { class: 'page-head' }, h('h1', null, 'Users'), h('button', { type: 'button', class: 'primary', on: { click: openCreate } }, 'New user')),
    formArea, panel(`${users.length} users`, listArea));
}
