// The fleet: every charger (state, online, last seen, active faults) and the fleet's active faults.
import { api } from '../api.js';
import { badge, h, link, replace, table, time } from '../dom.js';
import { errorBox, liveReload, panel } from '../ui.js';
import { t, tOr } from '../i18n.js';

export function severityBadge(severity) {
  return badge(tOr('severity.' + severity, severity), 'sev-' + severity);
}

export function stateBadge(state) {
  const value = state ?? 'unknown';
  return badge(tOr('chargerState.' + value, value), 'state-' + String(value).toLowerCase());
}

export function onlineBadge(online) {
  return online ? badge(t('link.online'), 'ok') : badge(t('link.offline'), 'off');
}

export async function renderFleet(section, context) {
  const body = h('div');
  const stamp = h('span', { class: 'muted small' });
  replace(section,
    h('div', { class: 'page-head' }, h('h1', null, t('fleet.title')), stamp,
      h('button', { type: 'button', on: { click: () => load() } }, t('common.refresh'))),
    body);

  async function load() {
    try {
      const [chargers, faults] = await Promise.all([api.get('/api/v1/chargers'), api.get('/api/v1/faults?status=active')]);
      if (!context.isCurrent()) return;
      replace(body,
        panel(t('fleet.chargers', { n: chargers.length }), table([
          { title: t('fleet.col.charger'), value: c => link('/chargers/' + encodeURIComponent(c.id), c.id) },
          { title: t('fleet.col.state'), value: c => stateBadge(c.state) },
          { title: t('fleet.col.link'), value: c => onlineBadge(c.online) },
          { title: t('fleet.col.lastSeen'), value: c => time(c.lastSeen) },
          { title: t('fleet.col.activeFaults'), value: c => c.activeFaults > 0 ? badge(String(c.activeFaults), 'sev-major') : '0', class: 'num' },
          { title: t('fleet.col.model'), value: c => c.model },
          { title: t('fleet.col.firmware'), value: c => c.firmwareVersion },
          { title: t('fleet.col.agent'), value: c => c.agentVersion },
          { title: t('fleet.col.gaps'), value: c => c.gaps?.length ? badge(String(c.gaps.length), 'warn') : '' },
        ], chargers, { testId: 'chargers', empty: t('fleet.noCharger'), rowAttrs: c => ({ 'data-charger': c.id }) })),
        panel(t('fleet.activeFaults', { n: faults.length }), table([
          { title: t('fleet.col.charger'), value: f => link('/chargers/' + encodeURIComponent(f.chargerId), f.chargerId) },
          { title: t('fleet.col.code'), value: f => f.code },
          { title: t('fleet.col.severity'), value: f => severityBadge(f.severity) },
          { title: t('fleet.col.component'), value: f => f.component },
          { title: t('fleet.col.value'), value: f => f.value === null || f.value === undefined ? '' : `${f.value} ${f.unit ?? ''}`.trim() },
          { title: t('fleet.col.blocksCharging'), value: f => f.blocksCharging ? t('common.yes') : t('common.no') },
          { title: t('fleet.col.raised'), value: f => time(f.raisedAt) },
          { title: t('fleet.col.message'), value: f => f.message },
        ], faults, { testId: 'active-faults', empty: t('fleet.noFault'), rowAttrs: f => ({ 'data-charger': f.chargerId, 'data-code': f.code }) })));
      replace(stamp, t('fleet.updated'), time(new Date().toISOString()));
    } catch (e) {
      if (context.isCurrent()) replace(body, errorBox(e));
    }
  }

  await load();
  liveReload(section, context, ['fleet', 'service'], load);
}
