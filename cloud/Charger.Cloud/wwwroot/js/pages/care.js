// Customer care: complaints (list, one complaint with its workflow) and inquiries.
import { api, query, seg } from '../api.js';
import { badge, h, link, localInputToIso, replace, table, time } from '../dom.js';
import { may } from '../roles.js';
import { actionForm, facts, panel } from '../ui.js';

const Channels = [['phone', 'phone'], ['email', 'e-mail'], ['online', 'online']];
const ComplaintStates = ['', 'Recorded', 'Investigating', 'Planned', 'InProgress', 'AwaitingRevisit', 'Reopened', 'Satisfied', 'Closed'];

export async function renderComplaints(section, context) {
  const { me, params } = context;
  const state = params.get('state') ?? '';
  const select = h('select', { 'aria-label': 'State' }, ComplaintStates.map(s => h('option', { value: s }, s || 'all states')));
  select.value = state;
  select.addEventListener('change', () => { location.hash = '#/complaints' + query({ state: select.value }); });
  const items = await api.get('/api/v1/complaints' + query({ state, limit: 200 }));
  const formArea = h('div');
  const openCreate = () => replace(formArea, actionForm({
    title: 'Record a complaint',
    testId: 'create-complaint-form',
    fields: [
      { name: 'channel', label: 'Channel', type: 'select', options: Channels, value: 'phone' },
      { name: 'customerId', label: 'Customer id', required: true },
      { name: 'chargerId', label: 'Charger id' },
      { name: 'workOrderId', label: 'Work order' },
      { name: 'content', label: 'Complaint', type: 'textarea', required: true },
      { name: 'apology', label: 'Apology given', type: 'textarea', required: true },
    ],
    submitText: 'Record',
    submit: v => api.post('/api/v1/complaints', v),
    onDone: c => { location.hash = '#/complaints/' + encodeURIComponent(c.id); },
    cancel: () => replace(formArea),
  }));
  replace(section,
    h('div', { class: 'page-head' }, h('h1', null, 'Complaints'), h('div', { class: 'filters' }, select),
      may(me.role, 'recordComplaint') ? h('button', { type: 'button', class: 'primary', on: { click: openCreate } }, 'Record a complaint') : null),
    formArea,
    panel(`${items.length} complaint${items.length === 1 ? '' : 's'}`, table([
      { title: 'Complaint', value: c => link('/complaints/' + c.id, String(c.id)) },
      { title: 'Received', value: c => time(c.receivedAt) },
      { title: 'Channel', value: c => c.channel },
      { title: 'Customer', value: c => c.customerId },
      { title: 'Charger', value: c => c.chargerId },
      { title: 'Work order', value: c => c.workOrderId },
      { title: 'State', value: c => badge(c.state, 'wo') },
      { title: 'Last revisit', value: c => c.lastRevisitScore === null ? null : `${c.lastRevisitScore}/5` },
      { title: 'Content', value: c => c.content },
    ], items, { testId: 'complaints', empty: 'No complaint.' })));
}

/** Complaint triggers: API path, label, role group, fields. */
const ComplaintActions = {
  Investigate: { path: 'investigate', label: 'Investigate', who: 'superviseComplaint', fields: [{ name: 'investigator', label: 'Investigator', required: true }, { name: 'reason', label: 'Note' }] },
  DetermineCause: { path: 'cause', label: 'Cause and responsibility', who: 'superviseComplaint', fields: [{ name: 'cause', label: 'Cause', type: 'textarea', required: true }, { name: 'responsibleParty', label: 'Responsible party', required: true }, { name: 'reason', label: 'Note' }] },
  Plan: { path: 'plan', label: 'Handling plan', who: 'superviseComplaint', fields: [{ name: 'measures', label: 'Measures', type: 'textarea', required: true }, { name: 'responsiblePerson', label: 'Person responsible', required: true }, { name: 'deadline', label: 'Deadline', type: 'datetime-local', required: true }, { name: 'reason', label: 'Note' }] },
  StartWork: { path: 'start', label: 'Start the measures', who: 'recordComplaint', fields: [{ name: 'reason', label: 'Note' }] },
  UpdateProgress: { path: 'progress', label: 'Progress update to the customer', who: 'recordComplaint', fields: [{ name: 'channel', label: 'Channel', type: 'select', options: Channels, value: 'phone' }, { name: 'message', label: 'Message', type: 'textarea', required: true }] },
  CompleteMeasures: { path: 'complete', label: 'Measures done', who: 'recordComplaint', fields: [{ name: 'reason', label: 'Note' }] },
  RecordRevisit: { path: 'revisit', label: 'Revisit', who: 'recordComplaint', fields: [{ name: 'score', label: 'Satisfaction (1-5)', type: 'number', min: 1, max: 5, required: true }, { name: 'comment', label: 'Comment' }] },
  RecordLessons: { path: 'lessons', label: 'Lessons learned', who: 'superviseComplaint', fields: [{ name: 'summary', label: 'Summary', type: 'textarea', required: true }, { name: 'improvement', label: 'Improvement', type: 'textarea' }] },
  Close: { path: 'close', label: 'Close', who: 'superviseComplaint', fields: [{ name: 'reason', label: 'Note' }] },
};

export async function renderComplaint(section, context) {
  const { me } = context;
  const c = await api.get('/api/v1/complaints/' + seg(context.args[0]));
  const formArea = h('div');
  const actions = (c.allowedTriggers ?? []).filter(t => ComplaintActions[t] && may(me.role, ComplaintActions[t].who));
  const open = trigger => {
    const spec = ComplaintActions[trigger];
    replace(formArea, actionForm({
      title: spec.label, testId: 'action-form', fields: spec.fields, submitText: spec.label,
      submit: v => {
        const body = { ...v };
        if ('deadline' in body) body.deadline = localInputToIso(body.deadline);
        if ('score' in body && body.score !== null) body.score = Number(body.score);
        return api.post(`/api/v1/complaints/${seg(c.id)}/${spec.path}`, body);
      },
      onDone: () => context.refresh(),
      cancel: () => replace(formArea),
    }));
  };
  replace(section,
    h('div', { class: 'page-head' }, h('h1', null, 'Complaint ', h('span', { 'data-testid': 'complaint-id' }, String(c.id))),
      h('span', { 'data-testid': 'complaint-state' }, badge(c.state, 'wo'))),
    panel('Actions', actions.length
      ? h('div', { class: 'buttons', 'data-testid': 'complaint-actions' }, actions.map(t => h('button', { type: 'button', on: { click: () => open(t) } }, ComplaintActions[t].label)))
      : h('p', { class: 'muted', 'data-testid': 'no-actions' }, 'Nothing you may do on this complaint now.'), formArea),
    panel('Complaint', facts([
      ['Received', h('span', null, time(c.receivedAt), ' by ', c.recordedBy, ' via ', c.channel)], ['Customer', c.customerId],
      ['Charger', c.chargerId], ['Work order', c.workOrderId ? link('/work-orders/' + encodeURIComponent(c.workOrderId), c.workOrderId) : null],
      ['Content', c.content], ['Apology', c.apology], ['Investigator', c.investigator], ['Cause', c.cause], ['Responsible party', c.responsibleParty],
      ['Lessons', c.lessons?.summary], ['Improvement', c.lessons?.improvement], ['Closed', time(c.closedAt)],
    ])),
    panel('Plans', table([
      { title: '#', value: p => String(p.number) }, { title: 'Measures', value: p => p.measures }, { title: 'Responsible', value: p => p.responsiblePerson },
      { title: 'Deadline', value: p => time(p.deadline) }, { title: 'By', value: p => p.by },
    ], c.plans, { empty: 'No plan yet.' })),
    panel('Progress updates', table([
      { title: 'Time', value: p => time(p.at) }, { title: 'Channel', value: p => p.channel }, { title: 'Message', value: p => p.message }, { title: 'By', value: p => p.by },
    ], c.progress, { empty: 'No update yet.' })),
    panel('Revisits', table([
      { title: 'Time', value: r => time(r.at) }, { title: 'Score', value: r => `${r.score}/5` }, { title: 'Satisfied', value: r => r.satisfied ? 'yes' : 'no' },
      { title: 'Comment', value: r => r.comment }, { title: 'By', value: r => r.by },
    ], c.revisits, { empty: 'No revisit yet.' })),
    panel('History', table([
      { title: 'Time', value: t => time(t.at) }, { title: 'Action', value: t => t.trigger ?? 'recorded' }, { title: 'From', value: t => t.from },
      { title: 'To', value: t => t.to }, { title: 'By', value: t => `${t.actorName} (${t.actorRole})` }, { title: 'Why', value: t => t.reason },
    ], c.history, { empty: 'No history.' })));
}

export async function renderInquiries(section, context) {
  const { me, params } = context;
  const status = params.get('status') ?? '';
  const select = h('select', { 'aria-label': 'Status' }, [['', 'all'], ['routed', 'routed'], ['answered', 'answered']].map(([v, t]) => h('option', { value: v }, t)));
  select.value = status;
  select.addEventListener('change', () => { location.hash = '#/inquiries' + query({ status: select.value }); });
  const items = await api.get('/api/v1/inquiries' + query({ status, limit: 200 }));
  const formArea = h('div');
  const openCreate = () => replace(formArea, actionForm({
    title: 'Record an inquiry (answer it on the spot, or route it with a promised reply time)',
    testId: 'create-inquiry-form',
    fields: [
      { name: 'channel', label: 'Channel', type: 'select', options: Channels, value: 'phone' },
      { name: 'customerId', label: 'Customer id', required: true },
      { name: 'content', label: 'Question', type: 'textarea', required: true },
      { name: 'answer', label: 'Answer given on the spot', type: 'textarea' },
      { name: 'routedToRole', label: 'Or route to role', type: 'select', options: [['', '—'], ['technical-support', 'technical support'], ['service-specialist', 'service specialist'], ['supervisor', 'supervisor']] },
      { name: 'routedToUser', label: 'Or route to user' },
      { name: 'promisedReplyBy', label: 'Reply promised by', type: 'datetime-local' },
    ],
    submitText: 'Record',
    submit: v => api.post('/api/v1/inquiries', { ...v, promisedReplyBy: localInputToIso(v.promisedReplyBy) }),
    onDone: () => context.refresh(),
    cancel: () => replace(formArea),
  }));
  const answer = i => replace(formArea, actionForm({
    title: `Answer inquiry ${i.id}`, testId: 'answer-inquiry-form',
    fields: [{ name: 'answer', label: 'Answer', type: 'textarea', required: true }],
    submitText: 'Answer',
    submit: v => api.post(`/api/v1/inquiries/${seg(i.id)}/answer`, v),
    onDone: () => context.refresh(),
    cancel: () => replace(formArea),
  }));
  const columns = [
    { title: 'Inquiry', value: i => String(i.id) },
    { title: 'Received', value: i => time(i.receivedAt) },
    { title: 'Channel', value: i => i.channel },
    { title: 'Customer', value: i => i.customerId },
    { title: 'Question', value: i => i.content },
    { title: 'Status', value: i => i.overdue ? badge('overdue', 'sev-critical') : badge(i.status, i.status === 'Answered' ? 'ok' : 'warn') },
    { title: 'Routed to', value: i => i.routedToUser ?? i.routedToRole },
    { title: 'Reply promised', value: i => time(i.promisedReplyBy) },
    { title: 'Answer', value: i => i.answer },
  ];
  if (may(me.role, 'answerInquiry')) {
    columns.push({ title: 'Actions', value: i => i.answeredAt ? null : h('button', { type: 'button', on: { click: () => answer(i) } }, 'Answer') });
  }
  replace(section,
    h('div', { class: 'page-head' }, h('h1', null, 'Inquiries'), h('div', { class: 'filters' }, select),
      may(me.role, 'recordInquiry') ? h('button', { type: 'button', class: 'primary', on: { click: openCreate } }, 'Record an inquiry') : null),
    formArea,
    panel(`${items.length} inquir${items.length === 1 ? 'y' : 'ies'}`, table(columns, items, { testId: 'inquiries', empty: 'No inquiry.' })));
}
