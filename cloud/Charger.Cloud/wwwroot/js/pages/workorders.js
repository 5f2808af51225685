// Work orders: the list (with SLA due/breached), the SLA lists, opening one by hand, and one work order with its
// history and the actions the signed-in user may take now.
import { api, query, seg } from '../api.js';
import { badge, h, link, localInputToIso, replace, table, time, toLocalInput } from '../dom.js';
import { may, Roles, workOrderActions } from '../roles.js';
import { actionForm, errorBox, facts, liveReload, panel } from '../ui.js';
import { userOptions } from './alarms.js';

const States = ['unfinished', 'open', 'triaged', 'assigned', 'en-route', 'on-site', 'waiting-for-parts', 'waiting-for-customer',
  'escalated', 'resolved', 'confirmed', 'closed', 'cancelled', 'all'];
const Kinds = ['repair', 'installation', 'maintenance', 'inspection', 'complaint-follow-up'];
const Priorities = ['low', 'normal', 'high', 'urgent'];

export function slaBadge(w) {
  const s = w.sla;
  if (!s) return null;
  if (s.responseBreached || s.resolutionBreached) {
    return badge(s.responseBreached && s.resolutionBreached ? 'breached' : s.responseBreached ? 'response breached' : 'resolution breached', 'sev-critical');
  }
  if (s.paused) return badge('paused', 'warn');
  return badge('within SLA', 'ok');
}

function workOrderColumns() {
  return [
    { title: 'Work order', value: w => link('/work-orders/' + encodeURIComponent(w.id), w.id) },
    { title: 'Kind', value: w => w.kind },
    { title: 'State', value: w => badge(w.state, 'wo') },
    { title: 'Priority', value: w => w.priority },
    { title: 'Charger', value: w => w.chargerId ? link('/chargers/' + encodeURIComponent(w.chargerId), w.chargerId) : null },
    { title: 'Engineer', value: w => w.engineerId },
    { title: 'Created', value: w => time(w.createdAt) },
    { title: 'Response due', value: w => time(w.sla?.responseDueAt) },
    { title: 'Resolution due', value: w => time(w.sla?.resolutionDueAt) },
    { title: 'SLA', value: slaBadge },
    { title: 'Description', value: w => w.description },
  ];
}

const rowAttrs = w => ({ 'data-work-order': w.id, 'data-state': w.state });

export async function renderWorkOrders(section, context) {
  const { me, params } = context;
  const isEngineer = me.role === Roles.RepairEngineer;
  const state = params.has('state') ? params.get('state') : 'unfinished';
  const mine = params.has('mine') ? params.get('mine') === 'true' : isEngineer;
  const stateSelect = h('select', { 'aria-label': 'State' }, States.map(s => h('option', { value: s }, s === 'all' ? 'all states' : s)));
  stateSelect.value = state;
  const mineBox = h('input', { type: 'checkbox', id: 'wo-mine' });
  mineBox.checked = mine;
  const go = () => { location.hash = '#/work-orders' + query({ state: stateSelect.value || 'all', mine: mineBox.checked ? 'true' : 'false' }); };
  stateSelect.addEventListener('change', go);
  mineBox.addEventListener('change', go);

  const formArea = h('div');
  const listArea = h('div');
  const sla = h('div');

  async function load() {
    try {
      const page = await api.get('/api/v1/work-orders' + query({ state: state === 'all' ? '' : state, engineer: mine ? me.userId : '', limit: 200 }));
      if (!context.isCurrent()) return;
      replace(listArea, panel(`${page.total} work order${page.total === 1 ? '' : 's'}`,
        table(workOrderColumns(), page.items, { testId: 'work-orders', empty: 'No work order.', rowAttrs })));
    } catch (e) {
      if (context.isCurrent()) replace(listArea, errorBox(e));
    }
    if (!may(me.role, 'seeSla')) return;
    try {
      const [breached, dueSoon] = await Promise.all([api.get('/api/v1/sla/breached'), api.get('/api/v1/sla/due-soon')]);
      if (!context.isCurrent()) return;
      replace(sla,
        panel(`SLA breached (${breached.length})`, table(workOrderColumns(), breached, { testId: 'sla-breached', empty: 'No breach.', rowAttrs })),
        panel(`SLA due within 4 hours (${dueSoon.length})`, table(workOrderColumns(), dueSoon, { testId: 'sla-due-soon', empty: 'Nothing due soon.', rowAttrs })));
    } catch (e) {
      if (context.isCurrent()) replace(sla, errorBox(e));
    }
  }

  replace(section,
    h('div', { class: 'page-head' }, h('h1', null, mine ? 'My work orders' : 'Work orders'),
      h('div', { class: 'filters' }, stateSelect, h('span', { class: 'check' }, mineBox, h('label', { for: 'wo-mine' }, 'assigned to me'))),
      h('button', { type: 'button', on: { click: () => load() } }, 'Refresh'),
      may(me.role, 'createWorkOrder') ? h('button', { type: 'button', class: 'primary', on: { click: () => openCreate(formArea, context) } }, 'New work order') : null),
    formArea,
    listArea,
    sla);
  await load();
  liveReload(section, context, ['service', 'work-orders', 'alarms'], load);
}

function openCreate(formArea, context) {
  replace(formArea, actionForm({
    title: 'New work order (customer call, e-mail or online message)',
    testId: 'create-work-order-form',
    fields: [
      { name: 'kind', label: 'Kind', type: 'select', options: Kinds.map(k => [k, k]), value: 'repair' },
      { name: 'channel', label: 'Channel', type: 'select', options: [['phone', 'phone'], ['email', 'e-mail'], ['online', 'online']], value: 'phone' },
      { name: 'priority', label: 'Priority', type: 'select', options: Priorities.map(p => [p, p]), value: 'normal' },
      { name: 'customerId', label: 'Customer id', type: 'text' },
      { name: 'chargerId', label: 'Charger id', type: 'text' },
      { name: 'description', label: 'Description', type: 'textarea', required: true },
    ],
    submitText: 'Open work order',
    submit: v => api.post('/api/v1/work-orders', v),
    onDone: created => { location.hash = '#/work-orders/' + encodeURIComponent(created.id); },
    cancel: () => replace(formArea),
  }));
}

/** What each action asks for, and the body it sends. */
const ActionSpecs = {
  triage: { label: 'Triage', fields: [{ name: 'remoteChecks', label: 'Remote checks suggested to the customer', type: 'textarea', required: true }, reason()] },
  assign: { label: 'Assign', needsEngineers: true },
  'set-off': { label: 'En route', fields: [{ name: 'arrivalAt', label: 'Arrival agreed with the customer', type: 'datetime-local', required: true }, reason()] },
  arrive: { label: 'On site', fields: [reason()] },
  resolve: { label: 'Resolved', fields: [reason('What was done')] },
  'wait-for-parts': { label: 'Wait for parts', fields: [reason('Which parts')] },
  'wait-for-customer': { label: 'Wait for customer', fields: [reason()] },
  resume: { label: 'Resume', fields: [reason()] },
  escalate: { label: 'Escalate', fields: [reason('The quality or safety problem', true)] },
  decide: {
    label: 'Decide', fields: [
      { name: 'decision', label: 'Decision', type: 'select', required: true, options: [['replace-charger', 'replace the charger'], ['take-out-of-service', 'take out of service'], ['continue-repair', 'continue the repair']] },
      reason()],
  },
  confirm: { label: 'Customer confirmed', fields: [reason()] },
  close: { label: 'Close', fields: [reason()] },
  cancel: { label: 'Cancel work order', fields: [reason('Why', true)] },
  reopen: { label: 'Reopen', fields: [{ name: 'toAssigned', label: 'back to the assigned engineer', type: 'checkbox' }, reason('Why', true)] },
};

function reason(label, required) {
  return { name: 'reason', label: label ?? 'Note', type: 'text', required: !!required };
}

export async function renderWorkOrder(section, context) {
  const { me } = context;
  const id = context.args[0];
  const detail = await api.get('/api/v1/work-orders/' + seg(id));
  const w = detail.workOrder;
  const actions = workOrderActions(me, w);
  const formArea = h('div');

  async function openAction(action) {
    const spec = ActionSpecs[action] ?? { label: action, fields: [reason()] };
    let fields = spec.fields ?? [];
    if (spec.needsEngineers) {
      let engineers = [];
      try { engineers = await userOptions(me.role, Roles.RepairEngineer); } catch (e) { replace(formArea, errorBox(e)); return; }
      fields = [{ name: 'engineerId', label: 'Repair engineer', type: 'select', required: true, options: [['', '— choose —'], ...engineers], value: w.engineerId ?? '' }, reason()];
    }
    if (action === 'set-off') {
      fields = fields.map(f => f.name === 'arrivalAt' ? { ...f, value: toLocalInput(new Date(Date.now() + 60 * 60 * 1000)) } : f);
    }
    replace(formArea, actionForm({
      title: `${spec.label}: ${w.id}`,
      testId: 'action-form',
      fields,
      submitText: spec.label,
      submit: v => {
        const body = { ...v };
        if ('arrivalAt' in body) body.arrivalAt = localInputToIso(body.arrivalAt);
        return api.post(`/api/v1/work-orders/${seg(w.id)}/${action}`, body);
      },
      onDone: () => context.refresh(),
      cancel: () => replace(formArea),
    }));
  }

  replace(section,
    h('div', { class: 'page-head' }, h('h1', null, 'Work order ', h('span', { 'data-testid': 'work-order-id' }, w.id)),
      h('span', { 'data-testid': 'work-order-state' }, badge(w.state, 'wo')), slaBadge(w)),
    panel('Actions',
      actions.length
        ? h('div', { class: 'buttons', 'data-testid': 'work-order-actions' },
          actions.map(a => h('button', { type: 'button', dataset: { action: a }, on: { click: () => openAction(a) } }, ActionSpecs[a]?.label ?? a)))
        : h('p', { class: 'muted', 'data-testid': 'no-actions' },
          me.role === Roles.RepairEngineer && w.engineerId !== me.userId ? 'This work order is not assigned to you.' : 'Nothing you may do on this work order now.'),
      formArea),
    panel('Work order', facts([
      ['Kind', w.kind], ['State', w.state], ['Priority', w.priority], ['Channel', w.channel],
      ['Charger', w.chargerId ? link('/chargers/' + encodeURIComponent(w.chargerId), w.chargerId) : null],
      ['Customer', w.customerId], ['Customer tier', w.tier],
      ['Fault', w.faultCode], ['Alarm', w.alarmId === null || w.alarmId === undefined ? null : String(w.alarmId)],
      ['Description', w.description], ['Remote checks', w.remoteChecks],
      ['Engineer', h('span', { 'data-testid': 'work-order-engineer' }, w.engineerId ?? '—')], ['Team', w.team],
      ['Arrival agreed', time(w.agreedArrivalAt)], ['Escalation', w.escalationReason], ['Decision', w.decision],
      ['Created', h('span', null, time(w.createdAt), ' by ', w.createdBy)], ['Responded', time(w.respondedAt)],
      ['Resolved', time(w.resolvedAt)], ['Resolution', w.resolution], ['Confirmed', time(w.confirmedAt)], ['Closed', time(w.closedAt)],
      w.cancelledAt ? ['Cancelled', h('span', null, time(w.cancelledAt), ' ', w.cancelReason ?? '')] : null,
      ['Fixed first time', w.fixedFirstTime === null || w.fixedFirstTime === undefined ? null : w.fixedFirstTime ? 'yes' : 'no'],
    ])),
    panel('SLA', facts([
      ['Response target', `${w.sla.responseTargetMinutes} min`], ['Response due', time(w.sla.responseDueAt)],
      ['Response breached', w.sla.responseBreached ? 'yes' : 'no'],
      ['Resolution target', `${w.sla.resolutionTargetMinutes} min`], ['Resolution due', time(w.sla.resolutionDueAt)],
      ['Resolution breached', w.sla.resolutionBreached ? 'yes' : 'no'],
      ['Clock', w.sla.paused ? 'paused' : 'running'], ['Working hours only', w.sla.workingHours ? 'yes' : 'no'],
    ])),
    panel('History', table([
      { title: 'Time', value: t => time(t.at) },
      { title: 'Action', value: t => t.action },
      { title: 'From', value: t => t.fromState },
      { title: 'To', value: t => t.toState },
      { title: 'By', value: t => `${t.actorName} (${t.actorId}, ${t.actorRole})` },
      { title: 'Why', value: t => t.reason },
    ], detail.history, { testId: 'work-order-history', empty: 'No history.' })),
    panel('Waiting', table([
      { title: 'Waiting for', value: p => p.waiting }, { title: 'From', value: p => time(p.from) }, { title: 'To', value: p => time(p.to) },
    ], detail.pauses, { empty: 'The SLA clock never stood still.' })),
    panel('Service records', table([
      { title: 'Charger', value: r => r.chargerId }, { title: 'Seq', value: r => String(r.seq) }, { title: 'Time', value: r => time(r.ts) },
      { title: 'Kind', value: r => r.kind }, { title: 'Engineer', value: r => r.engineerId }, { title: 'Matched by', value: r => r.match },
      { title: 'Customer confirmed', value: r => r.customerConfirmed ? 'yes' : 'no' },
    ], detail.serviceRecords, { empty: 'No service record attached.' })));
}
