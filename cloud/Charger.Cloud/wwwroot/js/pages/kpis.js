// KPIs of a period (supervisor, auditor): computed by the server from the records, never typed in.
import { api, query } from '../api.js';
import { h, localInputToIso, replace, table, toLocalInput } from '../dom.js';
import { panel } from '../ui.js';

const pct = v => v === null || v === undefined ? null : `${(v * 100).toFixed(1)} %`;
const num = (v, unit, digits = 1) => v === null || v === undefined ? null : `${Number(v).toFixed(digits)}${unit ? ' ' + unit : ''}`;

const Rows = [
  ['Customer satisfaction (mean score)', f => num(f.meanSatisfaction, '/ 5', 2), f => `${f.surveys} surveys`],
  ['Satisfied share', f => pct(f.satisfiedShare), f => `${f.satisfiedSurveys} of ${f.surveys}`],
  ['Repair timeliness rate', f => pct(f.repairTimelinessRate), f => `${f.repairsWithinSla} of ${f.repairsSlaKnown} within SLA`],
  ['Repair success (first-time fix) rate', f => pct(f.firstTimeFixRate), f => `${f.repairsFixedFirstTime} of ${f.repairsFixKnown}`],
  ['Complaint handling rate', f => pct(f.complaintHandlingRate), f => `${f.complaintsClosedSatisfied} of ${f.complaintsReceived} closed satisfied`],
  ['Mean service response time', f => num(f.meanResponseMinutes, 'min'), f => `${f.responses} responses`],
  ['MTTR', f => num(f.mttrHours, 'h', 2), f => `${f.repairsResolved} repairs resolved`],
  ['MTBF', f => num(f.mtbfHours, 'h'), f => f.failures === null ? null : `${f.failures} failures, ${f.chargers ?? '?'} chargers`],
  ['Availability', f => f.availability === null || f.availability === undefined ? null : `${(f.availability * 100).toFixed(2)} %`, f => f.downtimeHours === null ? null : `${num(f.downtimeHours, 'h')} down`],
];

export async function renderKpis(section, context) {
  const { params } = context;
  const to = params.get('to') ? new Date(params.get('to')) : new Date();
  const from = params.get('from') ? new Date(params.get('from')) : new Date(to.getTime() - 30 * 24 * 3600 * 1000);
  const groupBy = params.get('groupBy') ?? 'none';
  const fromInput = h('input', { type: 'datetime-local', 'aria-label': 'From', value: toLocalInput(from) });
  const toInput = h('input', { type: 'datetime-local', 'aria-label': 'To', value: toLocalInput(to) });
  const group = h('select', { 'aria-label': 'Group by' }, ['none', 'team', 'engineer', 'model'].map(g => h('option', { value: g }, g === 'none' ? 'fleet only' : 'by ' + g)));
  group.value = groupBy;
  const apply = h('button', { type: 'button', on: { click: () => {
    location.hash = '#/kpis' + query({ from: localInputToIso(fromInput.value), to: localInputToIso(toInput.value), groupBy: group.value });
  } } }, 'Show');
  const report = await api.get('/api/v1/kpis' + query({ from: from.toISOString(), to: to.toISOString(), groupBy: groupBy === 'none' ? '' : groupBy }));
  const groups = report.groups ?? [];
  const columns = [
    { title: 'KPI', value: r => r[0] },
    { title: 'Fleet', value: r => r[1](report.fleet), class: 'num' },
    { title: 'Basis', value: r => r[2](report.fleet) },
    ...groups.map(g => ({ title: g.key ?? '(none)', value: r => r[1](g.figures), class: 'num' })),
  ];
  replace(section,
    h('div', { class: 'page-head' }, h('h1', null, 'KPIs'), h('div', { class: 'filters' }, fromInput, toInput, group, apply)),
    panel(`Period ${report.from} – ${report.to}`, table(columns, Rows, { testId: 'kpis' })),
    h('p', { class: 'muted small' }, 'Computed from the records (work orders, surveys, complaints, downtimes); a figure without data shows —. Formulas: the customer-care README.'));
}
