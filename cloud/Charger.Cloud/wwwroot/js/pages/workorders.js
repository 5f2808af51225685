// Work orders: the list (with SLA due/breached), the SLA lists, opening one by hand, and one work order with its
// history and the actions the signed-in user may take now.
import { api, query, seg } from '../api.js';
import { badge, h, link, localInputToIso, replace, table, time, toLocalInput } from '../dom.js';
import { t, tOr } from '../i18n.js';
import { may, Roles, workOrderActions } from '../roles.js';
import { actionForm, errorBox, facts, liveReload, panel } from '../ui.js';
import { userOptions } from './alarms.js';
import { dataTable } from '../datatable.js';

const States = ['unfinished', 'open', 'triaged', 'assigned', 'en-route', 'on-site', 'waiting-for-parts', 'waiting-for-customer',
  'escalated', 'resolved', 'confirmed', 'closed', 'cancelled', 'all'];
const Kinds = ['repair', 'installation', 'maintenance', 'inspection', 'complaint-follow-up'];
const Priorities = ['low', 'normal', 'high', 'urgent'];

// Values from the server as people read them: the translated text when the table has one, else the value as it is.
const stateText = s => tOr('workOrderState.' + s, s);
const kindText = k => tOr('workOrderKind.' + k, k);
const priorityText = p => tOr('workOrderPriority.' + p, p);
const channelText = c => tOr('workOrderChannel.' + c, c);
const yesNo = b => (b ? t('common.yes') : t('common.no'));

export function slaBadge(w) {
  const s = w.sla;
  if (!s) return null;
  if (s.responseBreached || s.resolutionBreached) {
    return badge(s.responseBreached && s.resolutionBreached ? t('workOrders.sla.breached')
      : s.responseBreached ? t('workOrders.sla.responseBreached') : t('workOrders.sla.resolutionBreached'), 'sev-critical');
  }
  if (s.paused) return badge(t('workOrders.sla.paused'), 'warn');
  return badge(t('workOrders.sla.within'), 'ok');
}

function workOrderColumns() {
  return [
    { title: t('workOrders.col.workOrder'), value: w => link('/work-orders/' + encodeURIComponent(w.id), w.id), sort: 'id' },
    { title: t('workOrders.col.kind'), value: w => kindText(w.kind), sort: 'kind' },
    { title: t('fleet.col.state'), value: w => badge(stateText(w.state), 'wo'), sort: 'state' },
    { title: t('workOrders.col.priority'), value: w => priorityText(w.priority), sort: 'priority' },
    { title: t('fleet.col.charger'), value: w => w.chargerId ? link('/chargers/' + encodeURIComponent(w.chargerId), w.chargerId) : null, sort: 'chargerId' },
    { title: t('workOrders.col.engineer'), value: w => w.engineerId, sort: 'engineerId' },
    { title: t('workOrders.col.created'), value: w => time(w.createdAt), sort: 'createdAt' },
    { title: t('workOrders.col.responseDue'), value: w => time(w.sla?.responseDueAt) },
    { title: t('workOrders.col.resolutionDue'), value: w => time(w.sla?.resolutionDueAt) },
    { title: t('workOrders.col.sla'), value: slaBadge },
    { title: t('workOrders.col.description'), value: w => w.description },
  ];
}

const rowAttrs = w => ({ 'data-work-order': w.id, 'data-state': w.state });

export async function renderWorkOrders(section, context) {
  const { me, params } = context;
  const isEngineer = me.role === Roles.RepairEngineer;
  const state = params.has('state') ? params.get('state') : 'unfinished';
  const mine = params.has('mine') ? params.get('mine') === 'true' : isEngineer;
  const stateSelect = h('select', { 'aria-label': t('workOrders.field.state') }, States.map(s => h('option', { value: s },
    s === 'all' ? t('workOrders.allStates') : s === 'unfinished' ? t('workOrders.unfinished') : stateText(s))));
  stateSelect.value = state;
  const mineBox = h('input', { type: 'checkbox', id: 'wo-mine' });
  mineBox.checked = mine;
  const go = () => { location.hash = '#/work-orders' + query({ state: stateSelect.value || 'all', mine: mineBox.checked ? 'true' : 'false' }); };
  stateSelect.addEventListener('change', go);
  mineBox.addEventListener('change', go);

  const formArea = h('div');
  const listArea = h('div');
  const sla = h('div');

  const list = dataTable({
    url: '/api/v1/work-orders', filters: () => ({ state: state === 'all' ? '' : state, engineer: mine ? me.userId : '' }),
    columns: workOrderColumns(), defaultSort: '-id', pageSize: 50, testId: 'work-orders', empty: t('workOrders.empty'), rowAttrs,
    title: page => page.total === 1 ? t('workOrders.count.one', { n: page.total }) : t('workOrders.count.other', { n: page.total }),
  });
  replace(listArea, list.element);

  async function load() {
    try {
      await list.load();
    } catch (e) {
      if (context.isCurrent()) replace(listArea, errorBox(e), list.element);
    }
    if (!may(me.role, 'seeSla')) return;
    try {
      const [breached, dueSoon] = await Promise.all([api.get('/api/v1/sla/breached'), api.get('/api/v1/sla/due-soon')]);
      if (!context.isCurrent()) return;
      replace(sla,
        panel(t('workOrders.slaBreached', { n: breached.length }),
          table(workOrderColumns(), breached, { testId: 'sla-breached', empty: t('workOrders.noBreach'), rowAttrs })),
        panel(t('workOrders.slaDueSoon', { n: dueSoon.length }),
          table(workOrderColumns(), dueSoon, { testId: 'sla-due-soon', empty: t('workOrders.nothingDueSoon'), rowAttrs })));
    } catch (e) {
      if (context.isCurrent()) replace(sla, errorBox(e));
    }
  }

  replace(section,
    h('div', { class: 'page-head' }, h('h1', null, mine ? t('workOrders.mine') : t('workOrders.title')),
      h('div', { class: 'filters' }, stateSelect, h('span', { class: 'check' }, mineBox, h('label', { for: 'wo-mine' }, t('workOrders.assignedToMe')))),
      h('button', { type: 'button', on: { click: () => load() } }, t('common.refresh')),
      may(me.role, 'createWorkOrder')
        ? h('button', { type: 'button', class: 'primary', on: { click: () => openCreate(formArea, context) } }, t('workOrders.new'))
        : null),
    formArea,
    listArea,
    sla);
  await load();
  liveReload(section, context, ['service', 'work-orders', 'alarms'], load);
}

function openCreate(formArea, context) {
  replace(formArea, actionForm({
    title: t('workOrders.create.title'),
    testId: 'create-work-order-form',
    fields: [
      { name: 'kind', label: t('workOrders.field.kind'), type: 'select', options: Kinds.map(k => [k, kindText(k)]), value: 'repair' },
      {
        name: 'channel', label: t('workOrders.field.channel'), type: 'select',
        options: [['phone', channelText('phone')], ['email', t('workOrders.create.channelEmail')], ['online', channelText('online')]], value: 'phone',
      },
      { name: 'priority', label: t('workOrders.field.priority'), type: 'select', options: Priorities.map(p => [p, priorityText(p)]), value: 'normal' },
      { name: 'customerId', label: t('workOrders.field.customerId'), type: 'text' },
      { name: 'chargerId', label: t('workOrders.field.chargerId'), type: 'text' },
      { name: 'description', label: t('workOrders.field.description'), type: 'textarea', required: true },
    ],
    submitText: t('workOrders.create.submit'),
    submit: v => api.post('/api/v1/work-orders', v),
    onDone: created => { location.hash = '#/work-orders/' + encodeURIComponent(created.id); },
    cancel: () => replace(formArea),
  }));
}

/** What each action asks for, and the body it sends (built when shown, in the current language). */
function actionSpecs() {
  return {
    triage: {
      label: t('workOrders.action.triage'),
      fields: [{ name: 'remoteChecks', label: t('workOrders.field.remoteChecksSuggested'), type: 'textarea', required: true }, reason()],
    },
    assign: { label: t('workOrders.action.assign'), needsEngineers: true },
    'set-off': {
      label: t('workOrders.action.setOff'),
      fields: [{ name: 'arrivalAt', label: t('workOrders.field.arrival'), type: 'datetime-local', required: true }, reason()],
    },
    arrive: { label: t('workOrders.action.arrive'), fields: [reason()] },
    resolve: { label: t('workOrders.action.resolve'), fields: [reason(t('workOrders.field.whatWasDone'))] },
    'wait-for-parts': { label: t('workOrders.action.waitForParts'), fields: [reason(t('workOrders.field.whichParts'))] },
    'wait-for-customer': { label: t('workOrders.action.waitForCustomer'), fields: [reason()] },
    resume: { label: t('workOrders.action.resume'), fields: [reason()] },
    escalate: { label: t('workOrders.action.escalate'), fields: [reason(t('workOrders.field.escalationProblem'), true)] },
    decide: {
      label: t('workOrders.action.decide'), fields: [
        {
          name: 'decision', label: t('workOrders.field.decision'), type: 'select', required: true, options: [
            ['replace-charger', t('workOrders.decision.replaceCharger')],
            ['take-out-of-service', t('workOrders.decision.takeOutOfService')],
            ['continue-repair', t('workOrders.decision.continueRepair')]],
        },
        reason()],
    },
    confirm: { label: t('workOrders.action.confirm'), fields: [reason()] },
    close: { label: t('workOrders.action.close'), fields: [reason()] },
    cancel: { label: t('workOrders.action.cancel'), fields: [reason(t('workOrders.field.why'), true)] },
    reopen: {
      label: t('workOrders.action.reopen'),
      fields: [{ name: 'toAssigned', label: t('workOrders.field.toAssigned'), type: 'checkbox' }, reason(t('workOrders.field.why'), true)],
    },
  };
}

function reason(label, required) {
  return { name: 'reason', label: label ?? t('workOrders.field.note'), type: 'text', required: !!required };
}

export async function renderWorkOrder(section, context) {
  const { me } = context;
  const id = context.args[0];
  const detail = await api.get('/api/v1/work-orders/' + seg(id));
  const w = detail.workOrder;
  const actions = workOrderActions(me, w);
  const formArea = h('div');
  const specs = actionSpecs();

  async function openAction(action) {
    const spec = specs[action] ?? { label: action, fields: [reason()] };
    let fields = spec.fields ?? [];
    if (spec.needsEngineers) {
      let engineers = [];
      try { engineers = await userOptions(me.role, Roles.RepairEngineer); } catch (e) { replace(formArea, errorBox(e)); return; }
      fields = [{
        name: 'engineerId', label: t('role.repair-engineer'), type: 'select', required: true,
        options: [['', t('workOrders.choose')], ...engineers], value: w.engineerId ?? '',
      }, reason()];
    }
    if (action === 'set-off') {
      fields = fields.map(f => f.name === 'arrivalAt' ? { ...f, value: toLocalInput(new Date(Date.now() + 60 * 60 * 1000)) } : f);
    }
    replace(formArea, actionForm({
      title: t('workOrders.actionTitle', { action: spec.label, ref: w.id }),
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
    h('div', { class: 'page-head' }, h('h1', null, t('workOrders.heading'), h('span', { 'data-testid': 'work-order-id' }, w.id)),
      h('span', { 'data-testid': 'work-order-state' }, badge(stateText(w.state), 'wo')), slaBadge(w)),
    panel(t('workOrders.actions'),
      actions.length
        ? h('div', { class: 'buttons', 'data-testid': 'work-order-actions' },
          actions.map(a => h('button', { type: 'button', dataset: { action: a }, on: { click: () => openAction(a) } }, specs[a]?.label ?? a)))
        : h('p', { class: 'muted', 'data-testid': 'no-actions' },
          me.role === Roles.RepairEngineer && w.engineerId !== me.userId ? t('workOrders.notAssignedToYou') : t('workOrders.noActions')),
      formArea),
    panel(t('workOrders.panel.workOrder'), facts([
      [t('workOrders.field.kind'), kindText(w.kind)], [t('workOrders.field.state'), stateText(w.state)],
      [t('workOrders.field.priority'), priorityText(w.priority)], [t('workOrders.field.channel'), channelText(w.channel)],
      [t('workOrders.field.charger'), w.chargerId ? link('/chargers/' + encodeURIComponent(w.chargerId), w.chargerId) : null],
      [t('workOrders.field.customer'), w.customerId], [t('workOrders.field.customerTier'), tOr('customerTier.' + w.tier, w.tier)],
      [t('workOrders.field.fault'), w.faultCode],
      [t('workOrders.field.alarm'), w.alarmId === null || w.alarmId === undefined ? null : String(w.alarmId)],
      [t('workOrders.field.description'), w.description], [t('workOrders.field.remoteChecks'), w.remoteChecks],
      [t('workOrders.field.engineer'), h('span', { 'data-testid': 'work-order-engineer' }, w.engineerId ?? '—')], [t('workOrders.field.team'), w.team],
      [t('workOrders.field.arrivalAgreed'), time(w.agreedArrivalAt)], [t('workOrders.field.escalation'), w.escalationReason],
      [t('workOrders.field.decision'), w.decision ? tOr('workOrderDecision.' + w.decision, w.decision) : w.decision],
      [t('workOrders.field.created'), h('span', null, time(w.createdAt), t('workOrders.createdBy'), w.createdBy)],
      [t('workOrders.field.responded'), time(w.respondedAt)],
      [t('workOrders.field.resolved'), time(w.resolvedAt)], [t('workOrders.field.resolution'), w.resolution],
      [t('workOrders.field.confirmed'), time(w.confirmedAt)], [t('workOrders.field.closed'), time(w.closedAt)],
      w.cancelledAt ? [t('workOrders.field.cancelled'), h('span', null, time(w.cancelledAt), ' ', w.cancelReason ?? '')] : null,
      [t('workOrders.field.fixedFirstTime'), w.fixedFirstTime === null || w.fixedFirstTime === undefined ? null : yesNo(w.fixedFirstTime)],
    ])),
    panel(t('workOrders.panel.sla'), facts([
      [t('workOrders.field.responseTarget'), t('workOrders.minutes', { n: w.sla.responseTargetMinutes })],
      [t('workOrders.col.responseDue'), time(w.sla.responseDueAt)],
      [t('workOrders.field.responseBreached'), yesNo(w.sla.responseBreached)],
      [t('workOrders.field.resolutionTarget'), t('workOrders.minutes', { n: w.sla.resolutionTargetMinutes })],
      [t('workOrders.col.resolutionDue'), time(w.sla.resolutionDueAt)],
      [t('workOrders.field.resolutionBreached'), yesNo(w.sla.resolutionBreached)],
      [t('workOrders.field.clock'), w.sla.paused ? t('workOrders.sla.paused') : t('workOrders.sla.running')],
      [t('workOrders.field.workingHoursOnly'), yesNo(w.sla.workingHours)],
    ])),
    panel(t('workOrders.panel.history'), table([
      { title: t('workOrders.col.time'), value: e => time(e.at) },
      { title: t('workOrders.col.action'), value: e => tOr('workOrderHistory.' + e.action, e.action) },
      { title: t('workOrders.col.from'), value: e => stateText(e.fromState) },
      { title: t('workOrders.col.to'), value: e => stateText(e.toState) },
      { title: t('workOrders.col.by'), value: e => `${e.actorName} (${e.actorId}, ${e.actorRole})` },
      { title: t('workOrders.col.why'), value: e => e.reason },
    ], detail.history, { testId: 'work-order-history', empty: t('workOrders.noHistory') })),
    panel(t('workOrders.panel.waiting'), table([
      { title: t('workOrders.col.waitingFor'), value: p => stateText(p.waiting) },
      { title: t('workOrders.col.from'), value: p => time(p.from) }, { title: t('workOrders.col.to'), value: p => time(p.to) },
    ], detail.pauses, { empty: t('workOrders.noPause') })),
    panel(t('workOrders.panel.serviceRecords'), table([
      { title: t('fleet.col.charger'), value: r => r.chargerId }, { title: t('workOrders.col.seq'), value: r => String(r.seq) },
      { title: t('workOrders.col.time'), value: r => time(r.ts) },
      { title: t('workOrders.col.kind'), value: r => tOr('serviceRecordKind.' + r.kind, r.kind) },
      { title: t('workOrders.col.engineer'), value: r => r.engineerId },
      { title: t('workOrders.col.matchedBy'), value: r => tOr('serviceRecordMatch.' + r.match, r.match) },
      { title: t('workOrders.col.customerConfirmed'), value: r => yesNo(r.customerConfirmed) },
    ], detail.serviceRecords, { empty: t('workOrders.noServiceRecord') })));
}
