// Alarms: the fleet's alarms; technical support and supervisors acknowledge and assign them.
import { api, query, seg } from '../api.js';
import { badge, h, link, replace, time } from '../dom.js';
import { dataTable } from '../datatable.js';
import { t, tOr } from '../i18n.js';
import { may } from '../roles.js';
import { actionForm, errorBox, liveReload } from '../ui.js';
import { severityBadge } from './fleet.js';

/** Active users as [value, text] options (for assigning); empty when the role may not list users. */
export async function userOptions(role, filter) {
  const page = await api.get('/api/v1/users' + query({ role: filter, active: true, limit: 1000 }));
  return page.items.map(u => [u.userId, `${u.displayName} (${u.userId}, ${u.role})`]);
}

export async function renderAlarms(section, context) {
  const { me, params } = context;
  const status = params.get('status') || 'active';
  const canAck = may(me.role, 'acknowledgeAlarm');
  const canAssign = may(me.role, 'assignAlarm');
  const statusSelect = h('select', { 'aria-label': t('alarms.status') },
    [['active', t('alarmStatus.active')], ['cleared', t('alarmStatus.cleared')], ['all', t('alarms.statusAll')]].map(([v, text]) => h('option', { value: v }, text)));
  statusSelect.value = status;
  statusSelect.addEventListener('change', () => { location.hash = '#/alarms' + query({ status: statusSelect.value }); });
  const formArea = h('div');
  const listArea = h('div');
  const users = canAssign ? await userOptions(me.role).catch(() => []) : [];

  function openAssign(alarm) {
    replace(formArea, actionForm({
      title: t('alarms.assignTitle', { id: alarm.id, charger: alarm.chargerId, code: alarm.code }),
      testId: 'assign-alarm-form',
      fields: [
        { name: 'userId', label: t('alarms.assignTo'), type: 'select', required: true, options: [['', t('alarms.choose')], ...users], value: alarm.assignedTo ?? '' },
        { name: 'reason', label: t('alarms.note'), type: 'text' },
      ],
      submitText: t('alarms.assign'),
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
    { title: t('alarms.col.alarm'), value: a => String(a.id), class: 'num', sort: 'id' },
    { title: t('fleet.col.charger'), value: a => link('/chargers/' + encodeURIComponent(a.chargerId), a.chargerId), sort: 'chargerId' },
    { title: t('fleet.col.code'), value: a => a.code, sort: 'code' },
    { title: t('fleet.col.severity'), value: a => severityBadge(a.severity), sort: 'severity' },
    { title: t('alarms.status'), value: a => badge(tOr('alarmStatus.' + a.status, a.status), a.status === 'active' ? 'sev-major' : 'ok'), sort: 'status' },
    { title: t('fleet.col.raised'), value: a => time(a.raisedAt), sort: 'raisedAt' },
    { title: t('alarms.col.times'), value: a => String(a.raiseCount), class: 'num', sort: 'raiseCount' },
    { title: t('alarms.col.acknowledged'), value: a => a.acknowledgedBy ? h('span', null, a.acknowledgedBy, ' ', time(a.acknowledgedAt)) : null },
    { title: t('alarms.col.assignedTo'), value: a => a.assignedTo },
    { title: t('alarms.col.workOrder'), value: a => a.workOrder ? link('/work-orders/' + encodeURIComponent(a.workOrder), a.workOrder) : null },
  ];
  if (canAck || canAssign) {
    columns.push({
      title: t('alarms.col.actions'), value: a => h('span', { class: 'actions' },
        canAck && !a.acknowledgedAt ? h('button', { type: 'button', on: { click: () => acknowledge(a) } }, t('alarms.acknowledge')) : null,
        canAssign ? h('button', { type: 'button', on: { click: () => openAssign(a) } }, t('alarms.assign')) : null),
    });
  }

  // "3 active alarms", "1 cleared alarm", "5 alarms" (all).
  function countTitle(n) {
    if (status === 'all') return n === 1 ? t('alarms.countAllOne', { n }) : t('alarms.countAll', { n });
    const vars = { n, status: tOr('alarmStatus.' + status, status) };
    return n === 1 ? t('alarms.countOne', vars) : t('alarms.count', vars);
  }

  const list = dataTable({
    url: '/api/v1/alarms', filters: () => ({ status }), columns, defaultSort: '-raisedAt', pageSize: 50,
    testId: 'alarms', empty: t('alarms.noAlarm'), title: page => countTitle(page.total),
    rowAttrs: a => ({ 'data-alarm': String(a.id), 'data-charger': a.chargerId, 'data-code': a.code }),
  });
  replace(listArea, list.element);

  async function load() {
    try {
      await list.load();
    } catch (e) {
      if (context.isCurrent()) replace(listArea, errorBox(e), list.element);
    }
  }

  replace(section,
    h('div', { class: 'page-head' }, h('h1', null, t('alarms.title')), h('div', { class: 'filters' }, statusSelect),
      h('button', { type: 'button', on: { click: () => load() } }, t('common.refresh'))),
    rowErrors,
    formArea,
    listArea);
  await load();
  liveReload(section, context, ['service', 'alarms', 'work-orders'], load);
}

