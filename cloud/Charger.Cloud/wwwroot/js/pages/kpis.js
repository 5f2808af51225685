// KPIs of a period (supervisor, auditor): computed by the server from the records, never typed in.
import { api, query } from '../api.js';
import { h, localInputToIso, replace, table, toLocalInput } from '../dom.js';
import { t } from '../i18n.js';
import { panel } from '../ui.js';

const pct = v => v === null || v === undefined ? null : `${(v * 100).toFixed(1)} %`;
const num = (v, unit, digits = 1) => v === null || v === undefined ? null : `${Number(v).toFixed(digits)}${unit ? ' ' + unit : ''}`;

// [name, figure, basis]: functions, so the texts are those of the language shown.
const Rows = [
  [() => t('kpis.meanSatisfaction'), f => num(f.meanSatisfaction, '/ 5', 2), f => t('kpis.basis.surveys', { n: f.surveys })],
  [() => t('kpis.satisfiedShare'), f => pct(f.satisfiedShare), f => t('kpis.basis.satisfied', { n: f.satisfiedSurveys, total: f.surveys })],
  [() => t('kpis.repairTimeliness'), f => pct(f.repairTimelinessRate), f => t('kpis.basis.withinSla', { n: f.repairsWithinSla, total: f.repairsSlaKnown })],
  [() => t('kpis.firstTimeFix'), f => pct(f.firstTimeFixRate), f => t('kpis.basis.fixedFirstTime', { n: f.repairsFixedFirstTime, total: f.repairsFixKnown })],
  [() => t('kpis.complaintHandling'), f => pct(f.complaintHandlingRate), f => t('kpis.basis.closedSatisfied', { n: f.complaintsClosedSatisfied, total: f.complaintsReceived })],
  [() => t('kpis.meanResponse'), f => num(f.meanResponseMinutes, t('kpis.unit.minutes')), f => t('kpis.basis.responses', { n: f.responses })],
  [() => t('kpis.mttr'), f => num(f.mttrHours, t('kpis.unit.hours'), 2), f => t('kpis.basis.repairsResolved', { n: f.repairsResolved })],
  [() => t('kpis.mtbf'), f => num(f.mtbfHours, t('kpis.unit.hours')), f => f.failures === null ? null : t('kpis.basis.failures', { failures: f.failures, chargers: f.chargers ?? '?' })],
  [() => t('kpis.availability'), f => f.availability === null || f.availability === undefined ? null : `${(f.availability * 100).toFixed(2)} %`, f => f.downtimeHours === null ? null : t('kpis.basis.down', { time: num(f.downtimeHours, t('kpis.unit.hours')) })],
];

export async function renderKpis(section, context) {
  const { params } = context;
  const to = params.get('to') ? new Date(params.get('to')) : new Date();
  const from = params.get('from') ? new Date(params.get('from')) : new Date(to.getTime() - 30 * 24 * 3600 * 1000);
  const groupBy = params.get('groupBy') ?? 'none';
  const fromInput = h('input', { type: 'datetime-local', 'aria-label': t('kpis.from'), value: toLocalInput(from) });
  const toInput = h('input', { type: 'datetime-local', 'aria-label': t('kpis.to'), value: toLocalInput(to) });
  const group = h('select', { 'aria-label': t('kpis.groupBy') }, [
    ['none', t('kpis.group.none')], ['team', t('kpis.group.team')], ['engineer', t('kpis.group.engineer')], ['model', t('kpis.group.model')],
  ].map(([g, text]) => h('option', { value: g }, text)));
  group.value = groupBy;
  const apply = h('button', { type: 'button', on: { click: () => {
    location.hash = '#/kpis' + query({ from: localInputToIso(fromInput.value), to: localInputToIso(toInput.value), groupBy: group.value });
  } } }, t('kpis.show'));
  const report = await api.get('/api/v1/kpis' + query({ from: from.toISOString(), to: to.toISOString(), groupBy: groupBy === 'none' ? '' : groupBy }));
  const groups = report.groups ?? [];
  const columns = [
    { title: t('kpis.col.kpi'), value: r => r[0]() },
    { title: t('kpis.col.fleet'), value: r => r[1](report.fleet), class: 'num' },
    { title: t('kpis.col.basis'), value: r => r[2](report.fleet) },
    ...groups.map(g => ({ title: g.key ?? t('kpis.noKey'), value: r => r[1](g.figures), class: 'num' })),
  ];
  replace(section,
    h('div', { class: 'page-head' }, h('h1', null, t('kpis.title')), h('div', { class: 'filters' }, fromInput, toInput, group, apply)),
    panel(t('kpis.period', { from: report.from, to: report.to }), table(columns, Rows, { testId: 'kpis' })),
    h('p', { class: 'muted small' }, t('kpis.note')));
}
