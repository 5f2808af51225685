// Alarms: the fleet's alarms; technical support and supervisors acknowledge and assign them.
import { api, query, seg } from '../api.js';
import { badge, h, link, replace, table, time } from '../dom.js';
import { may } from '../roles.js';
import { actionForm, errorBox, liveReload, panel } from '../ui.js';
import { severityBadge } from './fleet.js';

/** Active users as [value, text] options (for assigning); empty when the role may not list users. */
export async function userOptions(role, filter) {
  const users = await api.get('/api/v1/users' + query({ role: filter, active: true }));
  return users.map(u => [u.userId, `${u.displayName} (${u.userId}, ${u.role})`]);
}

export async function renderAlarms(section, context) {
  const { me, params } = context;
  const status = params.get('status') || 'active';
  const canAck = may(me.role, 'acknowledgeAlarm');
  const canAssign = may(me.role, 'assignAlarm');
  const statusSelect = h('select', { 'aria-label': 'Status' }, [['active', 'active'], ['cleared', 'cleared'], ['all', 'all']].map(([v, t]) => h('option', { value: v }, t)));
  statusSelect.value = status;
  statusSelect.addEventListener('change', () => { location.hash = '#/alarms' + query({ status: statusSelect.value }); });
  const formArea = h('div');
  const listArea = h('div');
  const users = canAssign ? await userOptions(me.role).catch(() => []) : [];

  function openAssign(alarm) {
    replace(formArea, actionForm({
      title: `Assign alarm ${alarm.id} (${alarm.chargerId} ${alarm.code})`,
      testId: 'assign-alarm-form',
      fields: [
        { name: 'userId', label: 'Assign to', type: 'select', required: true, options: [['', '— choose —'], ...users], value: alarm.assignedTo ?? '' },
        { name: 'reason', label: 'Note', type: 'text' },
      ],
      submitText: 'Assign',
      submit: v => api.post(`/api/v1/alarms/${seg(alarm.id)}/assign`, { userId: v.userId, reason: v.reason }),
      onDone: () => { replace(formArea); return load(); },
      cancel: () => replace(formArea),
    }));
    formArea.scrollIntoView({ block: 'nearest' });
  }

  const rowErrors = h('div');
  async function acknowledge(alarm) {
    replace(rowErrors);
    try {
      await api.post(`/api/v1/alarms/${seg(alarm.id)}/acknowledge`, {});
      await load();
    } catch (e) {
      replace(rowErrors, errorBox(e));
    }
  }

  const columns = [
    { title: 'Alarm', value: a => String(a.id), class: 'num' },
    { title: 'Charger', value: a => link('/chargers/' + encodeURIComponent(a.chargerId), a.chargerId) },
    { title: 'Code', value: a => a.code },
    { title: 'Severity', value: a => severityBadge(a.severity) },
    { title: 'Status', value: a => badge(a.status, a.status === 'active' ? 'sev-major' : 'ok') },
    { title: 'Raised', value: a => time(a.raisedAt) },
    { title: 'Times', value: a => String(a.raiseCount), class: 'num' },
    { title: 'Acknowledged', value: a => a.acknowledgedBy ? h('span', null, a.acknowledgedBy, ' ', time(a.acknowledgedAt)) : null },
    { title: 'Assigned to', value: a => a.assignedTo },
    { title: 'Work order', value: a => a.workOrder ? link('/work-orders/' + encodeURIComponent(a.workOrder), a.workOrder) : null },
  ];
  if (canAck || canAssign) {
    columns.push({
      title: 'Actions', value: a => h('span', { class: 'actions' },
        canAck && !a.acknowledgedAt ? h('button', { type: 'button', on: { click: () => acknowledge(a) } }, 'Acknowledge') : null,
        canAssign ? h('button', { type: 'button', on: { click: () => openAssign(a) } }, 'Assign') : null),
    });
  }

  async function load() {
    try {
      const page = await api.get('/api/v1/alarms' + query({ status, limit: 200 }));
      if (!context.isCurrent()) return;
      replace(listArea, panel(`${page.total} ${status === 'all' ? '' : status + ' '}alarm${page.total === 1 ? '' : 's'}`,
        table(columns, page.items, {
          testId: 'alarms', empty: 'No alarm.',
          rowAttrs: a => ({ 'data-alarm': String(a.id), 'data-charger': a.chargerId, 'data-code': a.code }),
        })));
    } catch (e) {
      if (context.isCurrent()) replace(listArea, errorBox(e));
    }
  }

  replace(section,
    h('div', { class: 'page-head' }, h('h1', null, 'Alarms'), h('div', { class: 'filters' }, statusSelect),
      h('button', { type: 'button', on: { click: () => load() } }, 'Refresh')),
    rowErrors,
    formArea,
    listArea);
  await load();
  liveReload(section, context, ['service', 'alarms', 'work-orders'], load);
}

