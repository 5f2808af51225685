// Customer care: complaints (list, one complaint with its workflow) and inquiries.
import { api, query, seg } from '../api.js';
import { badge, h, link, localInputToIso, replace, table, time } from '../dom.js';
import { may } from '../roles.js';
import { actionForm, facts, liveReload, panel } from '../ui.js';
import { dataTable } from '../datatable.js';
import { t, tOr } from '../i18n.js';

const channels = () => [['phone', t('channel.phone')], ['email', t('care.channel.eMail')], ['online', t('channel.online')]];
const ComplaintStates = ['', 'Recorded', 'Investigating', 'Planned', 'InProgress', 'AwaitingRevisit', 'Reopened', 'Satisfied', 'Closed'];

/** Server enumeration values in the user's language (the value as it is when the table has no text for it). */
const channelName = v => tOr('channel.' + v, v);
const complaintStateName = v => tOr('complaintState.' + v, v);
const roleIdName = v => tOr('care.roleId.' + v, v);

export async function renderComplaints(section, context) {
  const { me, params } = context;
  const state = params.get('state') ?? '';
  const select = h('select', { 'aria-label': t('care.complaints.stateFilter') }, ComplaintStates.map(s => h('option', { value: s }, s ? complaintStateName(s) : t('care.complaints.allStates'))));
  select.value = state;
  select.addEventListener('change', () => { location.hash = '#/complaints' + query({ state: select.value }); });
  const list = dataTable({
    url: '/api/v1/complaints', filters: () => ({ state }), defaultSort: '-receivedAt', pageSize: 50, testId: 'complaints',
    empty: t('care.complaints.empty'),
    title: page => page.total === 1 ? t('care.complaints.countOne', { n: page.total }) : t('care.complaints.countMany', { n: page.total }),
    rowAttrs: c => ({ 'data-complaint': String(c.id) }),
    columns: [
      { title: t('care.col.complaint'), value: c => link('/complaints/' + c.id, String(c.id)), sort: 'id' },
      { title: t('care.field.received'), value: c => time(c.receivedAt), sort: 'receivedAt' },
      { title: t('care.field.channel'), value: c => channelName(c.channel), sort: 'channel' },
      { title: t('care.field.customer'), value: c => c.customerId, sort: 'customerId' },
      { title: t('care.field.charger'), value: c => c.chargerId, sort: 'chargerId' },
      { title: t('care.field.workOrder'), value: c => c.workOrderId },
      { title: t('care.field.state'), value: c => badge(complaintStateName(c.state), 'wo'), sort: 'state' },
      { title: t('care.col.lastRevisit'), value: c => c.lastRevisitScore === null ? null : `${c.lastRevisitScore}/5`, sort: 'lastRevisitScore' },
      { title: t('care.field.content'), value: c => c.content },
    ],
  });
  const formArea = h('div');
  const openCreate = () => replace(formArea, actionForm({
    title: t('care.complaints.record'),
    testId: 'create-complaint-form',
    fields: [
      { name: 'channel', label: t('care.field.channel'), type: 'select', options: channels(), value: 'phone' },
      { name: 'customerId', label: t('care.field.customerId'), required: true },
      { name: 'chargerId', label: t('care.field.chargerId') },
      { name: 'workOrderId', label: t('care.field.workOrder') },
      { name: 'content', label: t('care.field.complaintContent'), type: 'textarea', required: true },
      { name: 'apology', label: t('care.field.apologyGiven'), type: 'textarea', required: true },
    ],
    submitText: t('care.form.record'),
    submit: v => api.post('/api/v1/complaints', v),
    onDone: c => { location.hash = '#/complaints/' + encodeURIComponent(c.id); },
    cancel: () => replace(formArea),
  }));
  replace(section,
    h('div', { class: 'page-head' }, h('h1', null, t('care.complaints.title')), h('div', { class: 'filters' }, select),
      may(me.role, 'recordComplaint') ? h('button', { type: 'button', class: 'primary', on: { click: openCreate } }, t('care.complaints.record')) : null),
    formArea,
    list.element);
  await list.load();
  liveReload(section, context, ['complaints'], list.load);
}

/** Complaint triggers: API path, label, role group, fields (made when a page is shown, in the user's language). */
const complaintActions = () => ({
  Investigate: { path: 'investigate', label: t('care.action.investigate'), who: 'superviseComplaint', fields: [{ name: 'investigator', label: t('care.field.investigator'), required: true }, { name: 'reason', label: t('care.field.note') }] },
  DetermineCause: { path: 'cause', label: t('care.action.determineCause'), who: 'superviseComplaint', fields: [{ name: 'cause', label: t('care.field.cause'), type: 'textarea', required: true }, { name: 'responsibleParty', label: t('care.field.responsibleParty'), required: true }, { name: 'reason', label: t('care.field.note') }] },
  Plan: { path: 'plan', label: t('care.action.plan'), who: 'superviseComplaint', fields: [{ name: 'measures', label: t('care.field.measures'), type: 'textarea', required: true }, { name: 'responsiblePerson', label: t('care.field.responsiblePerson'), required: true }, { name: 'deadline', label: t('care.field.deadline'), type: 'datetime-local', required: true }, { name: 'reason', label: t('care.field.note') }] },
  StartWork: { path: 'start', label: t('care.action.startWork'), who: 'recordComplaint', fields: [{ name: 'reason', label: t('care.field.note') }] },
  UpdateProgress: { path: 'progress', label: t('care.action.updateProgress'), who: 'recordComplaint', fields: [{ name: 'channel', label: t('care.field.channel'), type: 'select', options: channels(), value: 'phone' }, { name: 'message', label: t('care.field.message'), type: 'textarea', required: true }] },
  CompleteMeasures: { path: 'complete', label: t('care.action.completeMeasures'), who: 'recordComplaint', fields: [{ name: 'reason', label: t('care.field.note') }] },
  RecordRevisit: { path: 'revisit', label: t('care.action.recordRevisit'), who: 'recordComplaint', fields: [{ name: 'score', label: t('care.field.satisfaction'), type: 'number', min: 1, max: 5, required: true }, { name: 'comment', label: t('care.field.comment') }] },
  RecordLessons: { path: 'lessons', label: t('care.action.recordLessons'), who: 'superviseComplaint', fields: [{ name: 'summary', label: t('care.field.summary'), type: 'textarea', required: true }, { name: 'improvement', label: t('care.field.improvement'), type: 'textarea' }] },
  Close: { path: 'close', label: t('care.action.close'), who: 'superviseComplaint', fields: [{ name: 'reason', label: t('care.field.note') }] },
});

export async function renderComplaint(section, context) {
  const { me } = context;
  const c = await api.get('/api/v1/complaints/' + seg(context.args[0]));
  const formArea = h('div');
  const specs = complaintActions();
  const actions = (c.allowedTriggers ?? []).filter(a => specs[a] && may(me.role, specs[a].who));
  const open = trigger => {
    const spec = specs[trigger];
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
    h('div', { class: 'page-head' }, h('h1', null, t('care.complaint.heading'), h('span', { 'data-testid': 'complaint-id' }, String(c.id))),
      h('span', { 'data-testid': 'complaint-state' }, badge(complaintStateName(c.state), 'wo'))),
    panel(t('care.actions'), actions.length
      ? h('div', { class: 'buttons', 'data-testid': 'complaint-actions' }, actions.map(a => h('button', { type: 'button', on: { click: () => open(a) } }, specs[a].label)))
      : h('p', { class: 'muted', 'data-testid': 'no-actions' }, t('care.complaint.noActions')), formArea),
    panel(t('care.complaint.details'), facts([
      [t('care.field.received'), h('span', null, time(c.receivedAt), t('care.complaint.receivedBy'), c.recordedBy, t('care.complaint.receivedVia'), channelName(c.channel))], [t('care.field.customer'), c.customerId],
      [t('care.field.charger'), c.chargerId], [t('care.field.workOrder'), c.workOrderId ? link('/work-orders/' + encodeURIComponent(c.workOrderId), c.workOrderId) : null],
      [t('care.field.content'), c.content], [t('care.field.apology'), c.apology], [t('care.field.investigator'), c.investigator], [t('care.field.cause'), c.cause], [t('care.field.responsibleParty'), c.responsibleParty],
      [t('care.field.lessons'), c.lessons?.summary], [t('care.field.improvement'), c.lessons?.improvement], [t('care.field.closed'), time(c.closedAt)],
    ])),
    panel(t('care.complaint.plans'), table([
      { title: '#', value: p => String(p.number) }, { title: t('care.field.measures'), value: p => p.measures }, { title: t('care.col.responsible'), value: p => p.responsiblePerson },
      { title: t('care.field.deadline'), value: p => time(p.deadline) }, { title: t('care.col.by'), value: p => p.by },
    ], c.plans, { empty: t('care.complaint.noPlan') })),
    panel(t('care.complaint.progress'), table([
      { title: t('care.col.time'), value: p => time(p.at) }, { title: t('care.field.channel'), value: p => channelName(p.channel) }, { title: t('care.field.message'), value: p => p.message }, { title: t('care.col.by'), value: p => p.by },
    ], c.progress, { empty: t('care.complaint.noProgress') })),
    panel(t('care.complaint.revisits'), table([
      { title: t('care.col.time'), value: r => time(r.at) }, { title: t('care.col.score'), value: r => `${r.score}/5` }, { title: t('care.col.satisfied'), value: r => r.satisfied ? t('common.yes') : t('common.no') },
      { title: t('care.field.comment'), value: r => r.comment }, { title: t('care.col.by'), value: r => r.by },
    ], c.revisits, { empty: t('care.complaint.noRevisit') })),
    panel(t('care.complaint.history'), table([
      { title: t('care.col.time'), value: e => time(e.at) }, { title: t('care.col.action'), value: e => e.trigger ? tOr('complaintTrigger.' + e.trigger, e.trigger) : t('care.history.recorded') },
      { title: t('care.col.from'), value: e => e.from ? complaintStateName(e.from) : e.from },
      { title: t('care.col.to'), value: e => complaintStateName(e.to) }, { title: t('care.col.by'), value: e => t('care.history.actor', { name: e.actorName, role: roleIdName(e.actorRole) }) },
      { title: t('care.col.why'), value: e => e.reason },
    ], c.history, { empty: t('care.complaint.noHistory') })));
}

export async function renderInquiries(section, context) {
  const { me, params } = context;
  const status = params.get('status') ?? '';
  const select = h('select', { 'aria-label': t('care.field.status') },
    [['', t('care.inquiries.allStatuses')], ['routed', t('care.inquiries.routed')], ['answered', t('care.inquiries.answered')]].map(([v, text]) => h('option', { value: v }, text)));
  select.value = status;
  select.addEventListener('change', () => { location.hash = '#/inquiries' + query({ status: select.value }); });
  const formArea = h('div');
  const openCreate = () => replace(formArea, actionForm({
    title: t('care.inquiries.recordTitle'),
    testId: 'create-inquiry-form',
    fields: [
      { name: 'channel', label: t('care.field.channel'), type: 'select', options: channels(), value: 'phone' },
      { name: 'customerId', label: t('care.field.customerId'), required: true },
      { name: 'content', label: t('care.field.question'), type: 'textarea', required: true },
      { name: 'answer', label: t('care.field.answerOnTheSpot'), type: 'textarea' },
      { name: 'routedToRole', label: t('care.field.routeToRole'), type: 'select', options: [['', '—'], ['technical-support', t('care.inquiries.routeTechnicalSupport')], ['service-specialist', t('care.inquiries.routeServiceSpecialist')], ['supervisor', t('care.inquiries.routeSupervisor')]] },
      { name: 'routedToUser', label: t('care.field.routeToUser') },
      { name: 'promisedReplyBy', label: t('care.field.promisedReplyBy'), type: 'datetime-local' },
    ],
    submitText: t('care.form.record'),
    submit: v => api.post('/api/v1/inquiries', { ...v, promisedReplyBy: localInputToIso(v.promisedReplyBy) }),
    onDone: () => context.refresh(),
    cancel: () => replace(formArea),
  }));
  const answer = i => replace(formArea, actionForm({
    title: t('care.inquiries.answerTitle', { id: i.id }), testId: 'answer-inquiry-form',
    fields: [{ name: 'answer', label: t('care.field.answer'), type: 'textarea', required: true }],
    submitText: t('care.inquiries.answer'),
    submit: v => api.post(`/api/v1/inquiries/${seg(i.id)}/answer`, v),
    onDone: () => context.refresh(),
    cancel: () => replace(formArea),
  }));
  const columns = [
    { title: t('care.col.inquiry'), value: i => String(i.id), sort: 'id' },
    { title: t('care.field.received'), value: i => time(i.receivedAt), sort: 'receivedAt' },
    { title: t('care.field.channel'), value: i => channelName(i.channel), sort: 'channel' },
    { title: t('care.field.customer'), value: i => i.customerId, sort: 'customerId' },
    { title: t('care.field.question'), value: i => i.content },
    { title: t('care.field.status'), value: i => i.overdue ? badge(t('care.inquiries.overdue'), 'sev-critical') : badge(tOr('inquiryStatus.' + i.status, i.status), i.status === 'Answered' ? 'ok' : 'warn'), sort: 'status' },
    { title: t('care.col.routedTo'), value: i => i.routedToUser ?? (i.routedToRole ? roleIdName(i.routedToRole) : i.routedToRole) },
    { title: t('care.col.replyPromised'), value: i => time(i.promisedReplyBy), sort: 'promisedReplyBy' },
    { title: t('care.field.answer'), value: i => i.answer },
  ];
  if (may(me.role, 'answerInquiry')) {
    columns.push({ title: t('care.actions'), value: i => i.answeredAt ? null : h('button', { type: 'button', on: { click: () => answer(i) } }, t('care.inquiries.answer')) });
  }
  const list = dataTable({
    url: '/api/v1/inquiries', filters: () => ({ status }), columns, defaultSort: '-receivedAt', pageSize: 50, testId: 'inquiries',
    empty: t('care.inquiries.empty'),
    title: page => page.total === 1 ? t('care.inquiries.countOne', { n: page.total }) : t('care.inquiries.countMany', { n: page.total }),
    rowAttrs: i => ({ 'data-inquiry': String(i.id) }),
  });
  replace(section,
    h('div', { class: 'page-head' }, h('h1', null, t('care.inquiries.title')), h('div', { class: 'filters' }, select),
      may(me.role, 'recordInquiry') ? h('button', { type: 'button', class: 'primary', on: { click: openCreate } }, t('care.inquiries.record')) : null),
    formArea,
    list.element);
  await list.load();
  liveReload(section, context, ['inquiries'], list.load);
}
