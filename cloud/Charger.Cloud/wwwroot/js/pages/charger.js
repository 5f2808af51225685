// One charger: its state and faults, its service view (alarms, work orders, block), events and service records.
import { api, query, seg } from '../api.js';
import { badge, h, link, replace, table, time } from '../dom.js';
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
    h('div', { class: 'page-head' }, h('h1', null, 'Charger ', h('span', { 'data-testid': 'charger-id' }, charger.id)),
      stateBadge(charger.state), onlineBadge(charger.online)),
    panel('Status', facts([
      ['State', charger.state],
      ['Last seen', time(charger.lastSeen)],
      ['Model', charger.model],
      ['Serial', charger.serial],
      ['Firmware', charger.firmwareVersion],
      ['Agent', charger.agentVersion],
      ['Last boot', charger.lastBootAt ? h('span', null, time(charger.lastBootAt), ' (', charger.bootReason ?? '?', ')') : null],
      ['Events', `${charger.appliedSeq} applied, ${charger.storedSeq} stored`],
      ['Gaps', charger.gaps?.length ? charger.gaps.map(g => `${g.from}-${g.to}${g.lost ? ' lost' : ''}${g.closedAt ? ' closed' : ''}`).join(', ') : 'none'],
    ])),
    panel('Active faults', table([
      { title: 'Code', value: f => f.code },
      { title: 'Severity', value: f => severityBadge(f.severity) },
      { title: 'Component', value: f => f.component },
      { title: 'Value', value: f => f.value === null || f.value === undefined ? '' : `${f.value} ${f.unit ?? ''}`.trim() },
      { title: 'Raised', value: f => time(f.raisedAt) },
      { title: 'Latching', value: f => f.latching ? 'yes' : 'no' },
      { title: 'Message', value: f => f.message },
    ], charger.faults, { testId: 'charger-faults', empty: 'No active fault.' })),
    serviceView,
    panel('Events', events),
    panel('Service records', records));

  loadServiceView(id, serviceView, context);
  loadEvents(charger, events, context);
  loadRecords(id, records, context);
}

async function loadServiceView(id, container, context) {
  try {
    const view = await api.get(`/api/v1/chargers/${seg(id)}/service`);
    if (!context.isCurrent()) return;
    replace(container,
      view.blocked ? h('div', { class: 'error', role: 'status' }, h('strong', null, 'Taken out of service'), ' ',
        view.blockReason ?? '', view.blockWorkOrder ? [' (', link('/work-orders/' + encodeURIComponent(view.blockWorkOrder), view.blockWorkOrder), ')'] : null) : null,
      panel('Active alarms', table([
        { title: 'Alarm', value: a => String(a.id) },
        { title: 'Code', value: a => a.code },
        { title: 'Severity', value: a => severityBadge(a.severity) },
        { title: 'Raised', value: a => time(a.raisedAt) },
        { title: 'Acknowledged by', value: a => a.acknowledgedBy },
        { title: 'Assigned to', value: a => a.assignedTo },
        { title: 'Work order', value: a => a.workOrder ? link('/work-orders/' + encodeURIComponent(a.workOrder), a.workOrder) : null },
      ], view.activeAlarms, { empty: 'No active alarm.' })),
      panel('Unfinished work orders', table([
        { title: 'Work order', value: w => link('/work-orders/' + encodeURIComponent(w.id), w.id) },
        { title: 'Kind', value: w => w.kind },
        { title: 'State', value: w => badge(w.state, 'wo') },
        { title: 'Engineer', value: w => w.engineerId },
        { title: 'Description', value: w => w.description },
      ], view.openWorkOrders, { empty: 'No unfinished work order.' })));
  } catch (e) {
    // Before the service area exists (404) there is simply no service view; other errors are shown.
    if (context.isCurrent() && e.status !== 404) replace(container, errorBox(e));
  }
}

function loadEvents(charger, container, context) {
  const type = h('select', { 'aria-label': 'Event type' }, EventTypes.map(t => h('option', { value: t }, t || 'all types')));
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
          { title: 'Seq', value: e => String(e.seq), class: 'num' },
          { title: 'Time', value: e => time(e.ts) },
          { title: 'Type', value: e => badge(e.type, 'type') },
          { title: 'Summary', value: e => summary(e) },
          { title: 'Received', value: e => time(e.receivedAt) },
        ], items, { testId: 'events', empty: 'No event in this range.', rowAttrs: e => ({ 'data-seq': String(e.seq) }) }),
        h('div', { class: 'buttons' },
          afterSeq > 0 ? h('button', { type: 'button', on: { click: () => load(false) } }, `Older (seq ≤ ${afterSeq})`) : null,
          top < charger.storedSeq ? h('button', { type: 'button', on: { click: () => load(true) } }, 'Newest') : null));
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
    case 'fault.raised': return `${d.code} ${d.severity ?? ''}${d.value !== undefined && d.value !== null ? ` ${d.value} ${d.unit ?? ''}` : ''} ${d.message ?? ''}`.trim();
    case 'fault.cleared': return `${d.code} cleared${d.reason ? ': ' + d.reason : ''}`;
    case 'state.changed': return `${d.from ?? '?'} → ${d.to ?? '?'}${d.trigger ? ' (' + d.trigger + ')' : ''}`;
    case 'boot': return `${d.reason ?? ''} agent ${d.agentVersion ?? '?'} firmware ${d.firmwareVersion ?? '?'}`;
    case 'service.record': return `${d.kind ?? ''} by ${d.engineerId ?? d.engineer ?? '?'}${d.workOrder ? ' for ' + d.workOrder : ''}`;
    case 'security.event': return `${d.kind ?? d.name ?? ''} ${d.engineer ?? ''} ${d.detail ?? ''}`.trim();
    default: return JSON.stringify(d).slice(0, 160);
  }
}

async function loadRecords(id, container, context) {
  try {
    const page = await api.get('/api/v1/service-records' + query({ chargerId: id, limit: 100 }));
    if (!context.isCurrent()) return;
    replace(container, table([
      { title: 'Time', value: r => time(r.ts) },
      { title: 'Kind', value: r => r.kind },
      { title: 'Engineer', value: r => r.engineerId },
      { title: 'Work order', value: r => r.workOrderRef ? link('/work-orders/' + encodeURIComponent(r.workOrderRef), r.workOrderRef) : null },
      { title: 'Findings', value: r => r.data?.findings },
      { title: 'Actions', value: r => r.data?.actions },
      { title: 'Customer confirmed', value: r => r.customerConfirmed ? 'yes' : 'no' },
    ], page.items.slice().reverse(), { testId: 'service-records', empty: 'No service record.' }));
  } catch (e) {
    if (context.isCurrent()) replace(container, errorBox(e));
  }
}
