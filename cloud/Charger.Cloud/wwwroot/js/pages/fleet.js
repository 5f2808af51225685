// The fleet: every charger (state, online, last seen, active faults) and the fleet's active faults.
import { api } from '../api.js';
import { badge, h, link, replace, table, time } from '../dom.js';
import { errorBox, liveReload, panel } from '../ui.js';

export function severityBadge(severity) {
  return badge(severity, 'sev-' + severity);
}

export function stateBadge(state) {
  return badge(state ?? 'unknown', 'state-' + String(state ?? 'unknown').toLowerCase());
}

export function onlineBadge(online) {
  return online ? badge('online', 'ok') : badge('offline', 'off');
}

export async function renderFleet(section, context) {
  const body = h('div');
  const stamp = h('span', { class: 'muted small' });
  replace(section,
    h('div', { class: 'page-head' }, h('h1', null, 'Fleet'), stamp,
      h('button', { type: 'button', on: { click: () => load() } }, 'Refresh')),
    body);

  async function load() {
    try {
      const [chargers, faults] = await Promise.all([api.get('/api/v1/chargers'), api.get('/api/v1/faults?status=active')]);
      if (!context.isCurrent()) return;
      replace(body,
        panel(`Chargers (${chargers.length})`, table([
          { title: 'Charger', value: c => link('/chargers/' + encodeURIComponent(c.id), c.id) },
          { title: 'State', value: c => stateBadge(c.state) },
          { title: 'Link', value: c => onlineBadge(c.online) },
          { title: 'Last seen', value: c => time(c.lastSeen) },
          { title: 'Active faults', value: c => c.activeFaults > 0 ? badge(String(c.activeFaults), 'sev-major') : '0', class: 'num' },
          { title: 'Model', value: c => c.model },
          { title: 'Firmware', value: c => c.firmwareVersion },
          { title: 'Agent', value: c => c.agentVersion },
          { title: 'Gaps', value: c => c.gaps?.length ? badge(String(c.gaps.length), 'warn') : '' },
        ], chargers, { testId: 'chargers', empty: 'No charger has reported yet.', rowAttrs: c => ({ 'data-charger': c.id }) })),
        panel(`Active faults (${faults.length})`, table([
          { title: 'Charger', value: f => link('/chargers/' + encodeURIComponent(f.chargerId), f.chargerId) },
          { title: 'Code', value: f => f.code },
          { title: 'Severity', value: f => severityBadge(f.severity) },
          { title: 'Component', value: f => f.component },
          { title: 'Value', value: f => f.value === null || f.value === undefined ? '' : `${f.value} ${f.unit ?? ''}`.trim() },
          { title: 'Blocks charging', value: f => f.blocksCharging ? 'yes' : 'no' },
          { title: 'Raised', value: f => time(f.raisedAt) },
          { title: 'Message', value: f => f.message },
        ], faults, { testId: 'active-faults', empty: 'No active fault.', rowAttrs: f => ({ 'data-charger': f.chargerId, 'data-code': f.code }) })));
      replace(stamp, 'updated ', time(new Date().toISOString()));
    } catch (e) {
      if (context.isCurrent()) replace(body, errorBox(e));
    }
  }

  await load();
  liveReload(section, context, ['fleet', 'service'], load);
}
