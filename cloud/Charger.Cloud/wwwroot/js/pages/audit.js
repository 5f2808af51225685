// The audit log (auditor, supervisor, admin): who changed what, newest first, with filters and further pages.
import { api, query } from '../api.js';
import { h, replace, table, time } from '../dom.js';
import { t } from '../i18n.js';
import { errorBox, panel } from '../ui.js';

export async function renderAudit(section, context) {
  const { params } = context;
  const actor = h('input', { 'aria-label': t('audit.actor'), placeholder: t('audit.actorPlaceholder'), value: params.get('actor') ?? '' });
  const entityType = h('input', { 'aria-label': t('audit.entityType'), placeholder: t('audit.entityTypePlaceholder'), value: params.get('entityType') ?? '' });
  const action = h('input', { 'aria-label': t('audit.action'), placeholder: t('audit.actionPlaceholder'), value: params.get('action') ?? '' });
  const show = () => { location.hash = '#/audit' + query({ actor: actor.value.trim(), entityType: entityType.value.trim(), action: action.value.trim() }); };
  const filters = h('form', { class: 'filters', on: { submit: e => { e.preventDefault(); show(); } } }, actor, entityType, action, h('button', { type: 'submit' }, t('common.filter')));
  const rows = [];
  const list = h('div');
  const more = h('div', { class: 'buttons' });

  async function load(cursor) {
    try {
      const page = await api.get('/api/v1/audit' + query({ actor: params.get('actor'), entityType: params.get('entityType'), action: params.get('action'), cursor, limit: 100 }));
      if (!context.isCurrent()) return;
      rows.push(...page.items);
      replace(list, table([
        { title: t('charger.col.time'), value: e => time(e.at) },
        { title: t('audit.col.who'), value: e => `${e.actorName} (${e.actorId}, ${e.actorRole})` },
        { title: t('audit.action'), value: e => e.action },
        { title: t('audit.col.entity'), value: e => `${e.entityType} ${e.entityId}` },
        { title: t('audit.col.detail'), value: e => e.detail },
        { title: t('audit.col.request'), value: e => e.method ? `${e.method} ${e.route ?? ''} ${e.status ?? ''}`.trim() : null },
      ], rows, { testId: 'audit', empty: t('audit.noEntry') }));
      replace(more, page.nextCursor ? h('button', { type: 'button', on: { click: () => load(page.nextCursor) } }, t('common.more')) : null);
    } catch (e) {
      if (context.isCurrent()) replace(list, errorBox(e));
    }
  }

  replace(section, h('div', { class: 'page-head' }, h('h1', null, t('audit.title')), filters), panel(t('audit.entries'), list, more));
  await load(null);
}
