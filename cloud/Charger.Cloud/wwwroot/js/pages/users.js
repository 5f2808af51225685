// Users (admin): people, roles, enabling and disabling; a generated password is shown once.
import { api } from '../api.js';
import { badge, h, replace } from '../dom.js';
import { dataTable } from '../datatable.js';
import { t } from '../i18n.js';
import { roleName, Roles } from '../roles.js';
import { actionForm, liveReload } from '../ui.js';

export async function renderUsers(section, context) {
  const formArea = h('div');
  const roles = Object.values(Roles).map(role => [role, roleName(role)]);
  const openCreate = () => replace(formArea, actionForm({
    title: t('users.createTitle'),
    testId: 'create-user-form',
    fields: [
      { name: 'userId', label: t('users.userId'), required: true },
      { name: 'displayName', label: t('users.name'), required: true },
      { name: 'role', label: t('users.role'), type: 'select', options: roles, value: 'repair-engineer' },
      { name: 'team', label: t('users.team') },
      { name: 'password', label: t('users.password'), type: 'password', autocomplete: 'new-password' },
    ],
    submitText: t('users.create'),
    submit: v => api.post('/api/v1/users', v),
    onDone: created => {
      replace(formArea, h('div', { class: 'notice', role: 'status' }, created.password
        ? [t('users.createdWithPassword', { id: created.user.userId }), ' ', h('code', null, created.password), ' ', t('users.shownOnce')]
        : t('users.created', { id: created.user.userId })));
      if (context.isCurrent()) list.load();
    },
    cancel: () => replace(formArea),
  }));
  const setActive = async (u, active) => {
    await api.patch('/api/v1/users/' + encodeURIComponent(u.userId), { active });
    context.refresh();
  };
  const list = dataTable({
    url: '/api/v1/users', filters: () => ({}), defaultSort: 'userId', pageSize: 50, testId: 'users',
    title: page => t('users.count', { n: page.total }),
    rowAttrs: u => ({ 'data-user': u.userId }),
    columns: [
      { title: t('users.col.user'), value: u => u.userId, sort: 'userId' },
      { title: t('users.name'), value: u => u.displayName, sort: 'displayName' },
      { title: t('users.role'), value: u => roleName(u.role), sort: 'role' },
      { title: t('users.team'), value: u => u.team, sort: 'team' },
      { title: t('users.col.active'), value: u => u.active ? badge(t('users.active'), 'ok') : badge(t('users.disabled'), 'off'), sort: 'active' },
      { title: t('alarms.col.actions'), value: u => h('button', { type: 'button', on: { click: () => setActive(u, !u.active) } }, u.active ? t('users.disable') : t('users.enable')) },
    ],
  });
  replace(section,
    h('div', { class: 'page-head' }, h('h1', null, t('users.title')), h('button', { type: 'button', class: 'primary', on: { click: openCreate } }, t('users.new'))),
    formArea, list.element);
  await list.load();
  liveReload(section, context, ['users'], list.load);
}
