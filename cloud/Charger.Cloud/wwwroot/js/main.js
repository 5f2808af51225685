// The shell: who is signed in, the navigation their role sees, and the hash router (#/fleet, #/chargers/ID, ...).
import { api, ApiError } from './api.js';
import { h, replace } from './dom.js';
import { may, roleName, Roles } from './roles.js';
import { chooseLang, Languages, lang, loadStrings, setLang, t } from './i18n.js';
import { renderLogin } from './pages/login.js';
import { renderFleet } from './pages/fleet.js';
import { renderCharger } from './pages/charger.js';
import { renderAlarms } from './pages/alarms.js';
import { renderWorkOrders, renderWorkOrder } from './pages/workorders.js';
import { renderComplaints, renderComplaint, renderInquiries } from './pages/care.js';
import { renderKpis } from './pages/kpis.js';
import { renderUsers } from './pages/users.js';
import { renderAudit } from './pages/audit.js';
import { errorBox } from './ui.js';
import { closeLive } from './live.js';

const view = document.getElementById('view');
const nav = document.getElementById('nav');
const who = document.getElementById('who');
const language = document.getElementById('lang');

/** The signed-in user ({ userId, displayName, role, team }) or null. */
let me = null;

const routes = [
  { pattern: /^fleet$/, render: renderFleet },
  { pattern: /^chargers\/(.+)$/, render: renderCharger },
  { pattern: /^alarms$/, render: renderAlarms },
  { pattern: /^work-orders$/, render: renderWorkOrders },
  { pattern: /^work-orders\/(.+)$/, render: renderWorkOrder },
  { pattern: /^complaints$/, render: renderComplaints },
  { pattern: /^complaints\/(.+)$/, render: renderComplaint },
  { pattern: /^inquiries$/, render: renderInquiries },
  { pattern: /^kpis$/, render: renderKpis },
  { pattern: /^users$/, render: renderUsers },
  { pattern: /^audit$/, render: renderAudit },
];

function navItems(role) {
  const items = [['fleet', t('nav.fleet')], ['alarms', t('nav.alarms')], ['work-orders', t('nav.workOrders')]];
  if (may(role, 'readComplaints')) items.push(['complaints', t('nav.complaints')]);
  if (may(role, 'readInquiries')) items.push(['inquiries', t('nav.inquiries')]);
  if (may(role, 'readKpis')) items.push(['kpis', t('nav.kpis')]);
  if (may(role, 'readAudit')) items.push(['audit', t('nav.audit')]);
  if (may(role, 'manageUsers')) items.push(['users', t('nav.users')]);
  return items;
}

function currentRoute() {
  const hash = decodeURIComponent(location.hash.replace(/^#\/?/, ''));
  const [path, search] = hash.split('?');
  return { path: path || 'fleet', params: new URLSearchParams(search ?? '') };
}

/** The language picker in the header: the choice is kept for the signed-in user. */
function renderLanguage() {
  replace(language, Object.entries(Languages).map(([code, name]) => h('option', { value: code, lang: code === 'zh' ? 'zh-CN' : 'en' }, name)));
  language.value = lang();
  language.setAttribute('aria-label', t('app.language'));
  language.title = t('app.language');
}

language.addEventListener('change', () => {
  setLang(language.value, me?.userId ?? null);
  route();
});

function renderShell() {
  const { path } = currentRoute();
  nav.setAttribute('aria-label', t('app.pages'));
  renderLanguage();
  if (!me) {
    replace(nav);
    replace(who);
    return;
  }
  replace(nav, navItems(me.role).map(([route, text]) =>
    h('a', { href: '#/' + route, 'aria-current': path === route || path.startsWith(route + '/') ? 'page' : null }, text)));
  replace(who,
    h('span', { class: 'user', 'data-testid': 'signed-in-user' }, me.displayName, ' (', me.userId, ')'),
    h('span', { class: 'badge role', 'data-testid': 'signed-in-role', title: me.role }, roleName(me.role)),
    h('button', { type: 'button', class: 'link', on: { click: signOut } }, t('app.signOut')));
}

let generation = 0;

async function route() {
  const mine = ++generation;
  renderShell();
  if (!me) {
    const section = h('section', { class: 'page' });
    replace(view, section);
    renderLogin(section, { onSignedIn: user => { me = user; chooseLang(me.userId); route(); } });
    return;
  }
  const { path, params } = currentRoute();
  const match = routes.map(r => ({ r, m: r.pattern.exec(path) })).find(x => x.m);
  const section = h('section', { class: 'page', 'data-route': path });
  replace(view, section);
  if (!match) {
    replace(section, h('h1', null, t('app.notFound')), h('p', null, t('app.noPage', { path }), ' ', h('a', { href: '#/fleet' }, t('app.backToFleet'))));
    return;
  }
  const context = {
    me,
    params,
    args: match.m.slice(1),
    refresh: () => { if (mine === generation) route(); },
    isCurrent: () => mine === generation,
  };
  try {
    await match.r.render(section, context);
  } catch (e) {
    if (mine !== generation) return;
    section.append(errorBox(e));
    if (!(e instanceof ApiError)) console.error(e);
  }
}

async function signOut() {
  try { await api.post('/api/v1/auth/logout'); } catch { /* signed out either way */ }
  closeLive();
  me = null;
  chooseLang(null);
  location.hash = '#/fleet';
  route();
}

window.addEventListener('hashchange', route);
window.addEventListener('session-expired', () => { closeLive(); me = null; route(); });

async function start() {
  try {
    await loadStrings();
  } catch (e) {
    replace(view, h('p', { class: 'error', role: 'alert' }, String(e?.message ?? e)));
    return;
  }
  chooseLang(null);
  try {
    me = await api.get('/api/v1/auth/me');
    chooseLang(me.userId);
  } catch (e) {
    me = null;
    if (!(e instanceof ApiError) || e.status !== 401) {
      replace(view, errorBox(e));
      return;
    }
  }
  route();
}

export { Roles };
start();
