// The audit log (auditor, supervisor, admin): who changed what, newest first, with filters and further pages.
import { api, query } from '../api.js';
import { h, replace, table, time } from '../dom.js';
import { errorBox, panel } from '../ui.js';

export async function renderAudit(section, context) {
  const { params } = context;
  const actor = h('input', { 'aria-label': 'Actor', placeholder: 'actor', value: params.get('actor') ?? '' });
  const entityType = h('input', { 'aria-label': 'Entity type', placeholder: 'entity type', value: params.get('entityType') ?? '' });
  const action = h('input', { 'aria-label': 'Action', placeholder: 'action', value: params.get('action') ?? '' });
  const show = () => { location.hash = '#/audit' + query({ actor: actor.value.trim(), entityType: entityType.value.trim(), action: action.value.trim() }); };
  const filters = h('form', { class: 'filters', on: { submit: e => { e.preventDefault(); show(); } } }, actor, entityType, action, h('button', { type: 'submit' }, 'Filter'));
  const rows = [];
  const list = h('div');
  const more = h('div', { class: 'buttons' });

  async function load(cursor) {
    try {
      const page = await api.get('/api/v1/audit' + query({ actor: params.get('actor'), entityType: params.get('entityType'), action: params.get('action'), cursor, limit: 100 }));
      if (!context.isCurrent()) return;
      rows.push(...page.items);
      replace(list, table([
        { title: 'Time', value: e => time(e.at) },
        { title: 'Who', value: e => `${e.actorName} (${e.actorId}, ${e.actorRole})` },
        { title: 'Action', value: e => e.action },
        { title: 'Entity', value: e => `${e.entityType} ${e.entityId}` },
        { title: 'Detail', value: e => e.detail },
        { title: 'Request', value: e => e.method ? `${e.method} ${e.route ?? ''} ${e.status ?? ''}`.trim() : null },
      ], rows, { testId: 'audit', empty: 'No entry.' }));
      replace(more, page.nextCursor ? h('button', { type: 'button', on: { click: () => load(page.nextCursor) } }, 'More') : null);
    } catch (e) {
      if (context.isCurrent()) replace(list, errorBox(e));
    }
  }

  replace(section, h('div', { class: 'page-head' }, h('h1', null, 'Audit log'), filters), panel('Entries, newest first', list, more));
  await load(null);
}
