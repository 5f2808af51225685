// DOM helpers. Data is only ever put into the page as text (textContent, attribute values), never parsed as HTML.
import { formatTime, t } from './i18n.js';

/**
 * Creates an element. attrs: { class, id, href, type, ..., on: { click: fn }, dataset: {...} };
 * children: strings (inserted as text), numbers, nodes, arrays of them, null/undefined/false (skipped).
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'on') {
      for (const [event, handler] of Object.entries(value)) el.addEventListener(event, handler);
    } else if (key === 'dataset') {
      Object.assign(el.dataset, value);
    } else if (key === 'class') {
      el.className = value;
    } else if (key === 'value') {
      el.value = value;
    } else if (value === true) {
      el.setAttribute(key, '');
    } else {
      el.setAttribute(key, String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else if (child instanceof Node) el.append(child);
    else el.append(document.createTextNode(String(child)));
  }
}

/** Replaces the children of el. */
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/**
 * A table. columns: [{ title, value: row => string|Node, class? }]; rows: array.
 * rowAttrs(row) gives attributes of each <tr> (e.g. data-id). empty: text shown when there is no row.
 */
export function table(columns, rows, { empty, rowAttrs, caption, testId } = {}) {
  if (!rows || rows.length === 0) return h('p', { class: 'empty', 'data-testid': testId }, empty ?? t('common.nothingToShow'));
  return h('table', { 'data-testid': testId },
    caption ? h('caption', null, caption) : null,
    h('thead', null, h('tr', null, columns.map(c => h('th', { scope: 'col' }, c.title)))),
    h('tbody', null, rows.map(row => h('tr', rowAttrs ? rowAttrs(row) : null,
      columns.map(c => h('td', { class: c.class }, cell(c.value(row))))))));
}

function cell(value) {
  if (value === undefined || value === null || value === '') return '—';
  return value;
}

/** An internal link to a route of the UI (hash routing). */
export function link(route, text) {
  return h('a', { href: '#' + route }, text);
}

const pad = n => String(n).padStart(2, '0');

/** An ISO-8601 timestamp in local time, in the user's language's form (Intl), in a <time> element (title: the UTC value). */
export function time(iso) {
  if (!iso) return null;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return h('time', { datetime: d.toISOString(), title: d.toISOString() }, formatTime(d));
}

/** A small coloured label (severity, state, online...). kind picks the colour class. */
export function badge(text, kind) {
  if (text === undefined || text === null) return null;
  return h('span', { class: `badge ${kind ?? ''}`.trim() }, String(text));
}

/** A value from a <input type="datetime-local"> as an ISO timestamp (local time), or null. */
export function localInputToIso(value) {
  if (!value) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** A Date as the value of <input type="datetime-local">. */
export function toLocalInput(d) {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
