// One charger: its state and faults, its service view (alarms, work orders, block), events and service records.
import { api, query, seg } from '../api.js';
import { badge, h, link, replace, table, time } from '../dom.js';
import { t, tOr } from '../i18n.js';
import { errorBox, facts, panel } from '../ui.js';
import { onlineBadge, severityBadge, stateBadge } from './fleet.js';

const PageSize = 50;
const EventTypes = ['', 'boot', 'state.changed', 'fault.raised', 'fault.cleared', 'service.record', 'security.event', 'counters'];

export async function renderCharger(section, context) {
  const id = context.args[0];
  const charger = await api.get('/api/v1/chargers/' + seg(id));
  const serviceView = h('div');
  const events = h('div');
  const records = h('div');
  replace(section,
    h('div', { class: 'page-head' }, h('h1', null, t('charger.title'), ' ', h('span', { 'data-testid': 'charger-id' }, charger.id)),
      stateBadge(charger.state), onlineBadge(charger.online)),
    panel(t('charger.status'), facts([
      [t('fleet.col.state'), charger.state == null ? null : tOr('chargerState.' + charger.state, charger.state)],
      [t('fleet.col.lastSeen'), time(charger.lastSeen)],
      [t('fleet.col.model'), charger.model],
      [t('charger.serial'), charger.serial],
      [t('fleet.col.firmware'), charger.firmwareVersion],
      [t('fleet.col.agent'), charger.agentVersion],
      [t('charger.lastBoot'), charger.lastBootAt
        ? h('span', null, time(charger.lastBootAt), ' (', charger.bootReason == null ? '?' : tOr('bootReason.' + charger.bootReason, charger.bootReason), ')')
        : null],
      [t('charger.events'), t('charger.seqCounts', { applied: charger.appliedSeq, stored: charger.storedSeq })],
      [t('fleet.col.gaps'), charger.gaps?.length
        ? charger.gaps.map(g => `${g.from}-${g.to}${g.lost ? ' ' + t('charger.gapLost') : ''}${g.closedAt ? ' ' + t('charger.gapClosed') : ''}`).join(', ')
        : t('common.none')],
    ])),
    panel(t('fleet.col.activeFaults'), table([
      { title: t('fleet.col.code'), value: f => f.code },
      { title: t('fleet.col.severity'), value: f => severityBadge(f.severity) },
      { title: t('fleet.col.component'), value: f => f.component },
      { title: t('fleet.col.value'), value: f => f.value === null || f.value === undefined ? '' : `${f.value} ${f.unit ?? ''}`.trim() },
      { title: t('fleet.col.raised'), value: f => time(f.raisedAt) },
      { title: t('charger.col.latching'), value: f => f.latching ? t('common.yes') : t('common.no') },
      { title: t('fleet.col.message'), value: f => f.message },
    ], charger.faults, { testId: 'charger-faults', empty: t('fleet.noFault') })),
    serviceView,
    panel(t('charger.events'), events),
    panel(t('charger.serviceRecords'), records));

  loadServiceView(id, serviceView, context);
  loadEvents(charger, events, context);
  loadRecords(id, records, context);
}

async function loadServiceView(id, container, context) {
  try {
    const view = await api.get(`/api/v1/chargers/${seg(id)}/service`);
    if (!context.isCurrent()) return;
    replace(container,
      view.blocked ? h('div', { class: 'error', role: 'status' }, h('strong', null, t('charger.blocked')), ' ',
        view.blockReason ?? '', view.blockWorkOrder ? [' (', link('/work-orders/' + encodeURIComponent(view.blockWorkOrder), view.blockWorkOrder), ')'] : null) : null,
      panel(t('charger.activeAlarms'), table([
        { title: t('alarms.col.alarm'), value: a => String(a.id) },
        { title: t('fleet.col.code'), value: a => a.code },
        { title: t('fleet.col.severity'), value: a => severityBadge(a.severity) },
        { title: t('fleet.col.raised'), value: a => time(a.raisedAt) },
        { title: t('charger.col.acknowledgedBy'), value: a => a.acknowledgedBy },
        { title: t('alarms.col.assignedTo'), value: a => a.assignedTo },
        { title: t('alarms.col.workOrder'), value: a => a.workOrder ? link('/work-orders/' + encodeURIComponent(a.workOrder), a.workOrder) : null },
      ], view.activeAlarms, { empty: t('charger.noActiveAlarm') })),
      panel(t('charger.openWorkOrders'), table([
        { title: t('alarms.col.workOrder'), value: w => link('/work-orders/' + encodeURIComponent(w.id), w.id) },
        { title: t('charger.col.kind'), value: w => tOr('workOrderKind.' + w.kind, w.kind) },
        { title: t('fleet.col.state'), value: w => badge(tOr('workOrderState.' + w.state, w.state), 'wo') },
        { title: t('charger.col.engineer'), value: w => w.engineerId },
        { title: t('charger.col.description'), value: w => w.description },
      ], view.openWorkOrders, { empty: t('charger.noOpenWorkOrder') })));
  } catch (e) {
    // Before the service area exists (404) there is simply no service view; other errors are shown.
    if (context.isCurrent() && e.status !== 404) replace(container, errorBox(e));
  }
}

function loadEvents(charger, container, context) {
  const type = h('select', { 'aria-label': t('charger.eventType') }, EventTypes.map(name => h('option', { value: name }, name || t('charger.allTypes'))));
  const list = h('div');
  let before = null;

  async function load(reset) {
    if (reset) before = null;
    // The API pages forwards from afterSeq; the newest page starts PageSize below the highest stored seq.
    const top = before ?? charger.storedSeq;
    const afterSeq = Math.max(0, top - PageSize);
    try {
      const page = await api.get(`/api/v1/chargers/${seg(charger.id)}/events` + query({ afterSeq, limit: PageSize, type: type.value }));
      if (!context.isCurrent()) return;
      const items = page.items.filter(e => e.seq <= top).reverse();
      before = afterSeq;
      replace(list,
        table([
          { title: t('charger.col.seq'), value: e => String(e.seq), class: 'num' },
          { title: t('charger.col.time'), value: e => time(e.ts) },
          { title: t('charger.col.type'), value: e => badge(e.type, 'type') },
          { title: t('charger.col.summary'), value: e => summary(e) },
          { title: t('charger.col.received'), value: e => time(e.receivedAt) },
        ], items, { testId: 'events', empty: t('charger.noEvent'), rowAttrs: e => ({ 'data-seq': String(e.seq) }) }),
        h('div', { class: 'buttons' },
          afterSeq > 0 ? h('button', { type: 'button', on: { click: () => load(false) } }, t('charger.older', { seq: afterSeq })) : null,
          top < charger.storedSeq ? h('button', { type: 'button', on: { click: () => load(true) } }, t('charger.newest')) : null));
    } catch (e) {
      if (context.isCurrent()) replace(list, errorBox(e));
    }
  }

  type.addEventListener('change', () => load(true));
  replace(container, h('div', { class: 'filters' }, type), list);
  load(true);
}

function summary(e) {
  const d = e.data ?? {};
  switch (e.type) {
    case 'fault.raised': return `${d.code} ${d.severity == null ? '' : tOr('severity.' + d.severity, d.severity)}${d.value !== undefined && d.value !== null ? ` ${d.value} ${d.unit ?? ''}` : ''} ${d.message ?? ''}`.trim();
    case 'fault.cleared': return d.reason ? t('charger.summary.clearedBecause', { code: String(d.code), reason: d.reason }) : t('charger.summary.cleared', { code: String(d.code) });
    case 'state.changed': return `${d.from == null ? '?' : tOr('chargerState.' + d.from, d.from)} → ${d.to == null ? '?' : tOr('chargerState.' + d.to, d.to)}${d.trigger ? ' (' + d.trigger + ')' : ''}`;
    case 'boot': return t('charger.summary.boot', {
      reason: d.reason == null ? '' : tOr('bootReason.' + d.reason, d.reason), agent: d.agentVersion ?? '?', firmware: d.firmwareVersion ?? '?',
    });
    case 'service.record': {
      const vars = { kind: d.kind == null ? '' : tOr('serviceRecordKind.' + d.kind, d.kind), engineer: d.engineerId ?? d.engineer ?? '?', workOrder: d.workOrder };
      return d.workOrder ? t('charger.summary.recordFor', vars) : t('charger.summary.record', vars);
    }
    case 'security.event': return `${d.kind ?? d.name ?? ''} ${d.engineer ?? ''} ${d.detail ?? ''}`.trim();
    default: return JSON.stringify(d).slice(0, 160);
  }
}

async function loadRecords(id, container, context) {
  try {
    const page = await api.get('/api/v1/service-records' + query({ chargerId: id, limit: 100 }));
    if (!context.isCurrent()) return;
    replace(container, table([
      { title: t('charger.col.time'), value: r => time(r.ts) },
      { title: t('charger.col.kind'), value: r => tOr('serviceRecordKind.' + r.kind, r.kind) },
      { title: t('charger.col.engineer'), value: r => r.engineerId },
      { title: t('alarms.col.workOrder'), value: r => r.workOrderRef ? link('/work-orders/' + encodeURIComponent(r.workOrderRef), r.workOrderRef) : null },
      { title: t('charger.col.findings'), value: r => r.data?.findings },
      { title: t('charger.col.actionsTaken'), value: r => r.data?.actions },
      { title: t('charger.col.customerConfirmed'), value: r => r.customerConfirmed ? t('common.yes') : t('common.no') },
    ], page.items.slice().reverse(), { testId: 'service-records', empty: t('charger.noRecord') }));
  } catch (e) {
    if (context.isCurrent()) replace(container, errorBox(e));
  }
}
