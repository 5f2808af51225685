// One table for every list the server pages (ListRequest of Charger.Cloud.Http): pages of offset/limit with the total,
// sorting on the server by clicking a column that has a sort key, the page's own filters, and the whole filtered,
// sorted list as CSV. Pages give the columns and the filters; the table keeps paging and sorting.
import { api, query } from './api.js';
import { h, replace } from './dom.js';
import { t } from './i18n.js';
import { errorBox } from './ui.js';

const PageSizes = [10, 25, 50, 100, 200];

function cell(value) {
  if (value === undefined || value === null || value === '') return '—';
  return value;
}

/**
 * spec: {
 *   url: '/api/v1/alarms', filters: () => ({ status: 'active' }) (read at each load),
 *   columns: [{ title, value: row => text|Node, sort?: 'raisedAt' (a sort key of the endpoint), class? }],
 *   defaultSort: '-raisedAt', pageSize: 50, testId, empty, rowAttrs: row => attrs, title?: page => text (panel heading),
 * }
 * Returns { element, load(), reset() }: load() reads the current page again; reset() goes back to the first page.
 */
export function dataTable(spec) {
  const state = { offset: 0, limit: spec.pageSize ?? 50, sort: spec.defaultSort };
  const heading = h('h2');
  const body = h('div', { class: 'table-body' });
  const bar = h('div', { class: 'table-bar' });
  const errors = h('div');
  const element = h('section', { class: 'panel data-table', 'data-testid': spec.testId ? spec.testId + '-table' : null }, heading, errors, body, bar);
  let generation = 0;

  /** A reload from a click: its error is shown in the table, not lost. */
  function reload() {
    load().catch(e => replace(errors, errorBox(e)));
  }

  function params(extra) {
    return { ...spec.filters(), sort: state.sort, ...extra };
  }

  function sortHeader(column) {
    if (!column.sort) return h('th', { scope: 'col' }, column.title);
    const current = state.sort === column.sort ? 'ascending' : state.sort === '-' + column.sort ? 'descending' : 'none';
    const next = current === 'ascending' ? '-' + column.sort : column.sort;
    const arrow = current === 'ascending' ? ' ▲' : current === 'descending' ? ' ▼' : '';
    return h('th', { scope: 'col', 'aria-sort': current },
      h('button', { type: 'button', class: 'sort', title: t('table.sortBy', { column: column.title }), on: { click: () => { state.sort = next; state.offset = 0; reload(); } } },
        column.title, arrow));
  }

  function render(page) {
    replace(heading, spec.title ? spec.title(page) : '');
    if (page.items.length === 0) {
      replace(body, h('p', { class: 'empty', 'data-testid': spec.testId }, spec.empty ?? t('common.nothingToShow')));
    } else {
      replace(body, h('table', { 'data-testid': spec.testId },
        h('thead', null, h('tr', null, spec.columns.map(sortHeader))),
        h('tbody', null, page.items.map(row => h('tr', spec.rowAttrs ? spec.rowAttrs(row) : null,
          spec.columns.map(c => h('td', { class: c.class }, cell(c.value(row)))))))));
    }
    const from = page.total === 0 ? 0 : page.offset + 1;
    const to = page.offset + page.items.length;
    const size = h('select', { 'aria-label': t('table.pageSize'), on: { change: e => { state.limit = Number(e.target.value); state.offset = 0; reload(); } } },
      PageSizes.map(n => h('option', { value: String(n) }, t('table.perPage', { n }))));
    size.value = String(state.limit);
    replace(bar,
      h('span', { class: 'muted', 'data-testid': spec.testId ? spec.testId + '-range' : null }, t('table.range', { from, to, total: page.total })),
      h('button', { type: 'button', disabled: page.offset === 0, on: { click: () => { state.offset = Math.max(0, state.offset - state.limit); reload(); } } }, t('table.previous')),
      h('button', { type: 'button', disabled: to >= page.total, on: { click: () => { state.offset += state.limit; reload(); } } }, t('table.next')),
      size,
      h('a', { class: 'button', href: spec.url + query(params({ format: 'csv' })), download: '', 'data-testid': spec.testId ? spec.testId + '-csv' : null }, t('table.exportCsv')));
  }

  async function load() {
    // Only the newest request draws: a slower answer to an earlier click or reload is dropped.
    const mine = ++generation;
    const page = await api.get(spec.url + query(params({ offset: state.offset, limit: state.limit })));
    if (mine !== generation) return page;
    replace(errors);
    if (page.items.length === 0 && page.offset > 0 && page.total > 0) {
      // The list shrank under the current page (rows cleared, filters changed): show its last page.
      state.offset = Math.floor((page.total - 1) / state.limit) * state.limit;
      return load();
    }
    render(page);
    return page;
  }

  return { element, load, reset: () => { state.offset = 0; return load(); } };
}
