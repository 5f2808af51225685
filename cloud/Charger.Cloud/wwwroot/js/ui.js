// Shared pieces of the pages: the error box, simple forms, loading state.
import { ApiError } from './api.js';
import { t } from './i18n.js';
import { h, replace } from './dom.js';
import { watch } from './live.js';

/** An error as the user sees it: the problem's title, its detail, and each wrong field. */
export function errorBox(error) {
  const lines = error instanceof ApiError ? error.fieldLines : [];
  const title = error instanceof ApiError ? error.title : t('error.generic');
  const detail = error instanceof ApiError ? error.detail : String(error?.message ?? error);
  return h('div', { class: 'error', role: 'alert', 'data-testid': 'error', dataset: { status: error?.status ?? '' } },
    h('strong', { class: 'error-title' }, title),
    detail ? h('span', { class: 'error-detail' }, ' ', detail) : null,
    lines.length ? h('ul', { class: 'error-fields' }, lines.map(l => h('li', null, l))) : null);
}

/**
 * A labelled form control. spec: { name, label, type: text|password|textarea|select|datetime-local|number|checkbox,
 * options: [[value, text]], required, value, placeholder }.
 */
export function field(spec) {
  const id = 'f-' + spec.name + '-' + Math.random().toString(36).slice(2, 8);
  let control;
  if (spec.type === 'textarea') {
    control = h('textarea', { id, name: spec.name, required: spec.required, rows: 3, placeholder: spec.placeholder });
    if (spec.value) control.value = spec.value;
  } else if (spec.type === 'select') {
    control = h('select', { id, name: spec.name, required: spec.required },
      (spec.options ?? []).map(([value, text]) => h('option', { value }, text)));
    if (spec.value !== undefined) control.value = spec.value;
  } else if (spec.type === 'checkbox') {
    control = h('input', { id, name: spec.name, type: 'checkbox' });
    control.checked = !!spec.value;
    return h('div', { class: 'field check' }, control, h('label', { for: id }, spec.label));
  } else {
    control = h('input', {
      id, name: spec.name, type: spec.type ?? 'text', required: spec.required, placeholder: spec.placeholder,
      autocomplete: spec.autocomplete, min: spec.min, max: spec.max,
    });
    if (spec.value !== undefined && spec.value !== null) control.value = spec.value;
  }
  return h('div', { class: 'field' }, h('label', { for: id }, spec.label, spec.required ? ' *' : ''), control);
}

/** The values of a form's named controls (checkboxes as booleans, empty strings as null). */
export function formValues(form) {
  const values = {};
  for (const el of form.elements) {
    if (!el.name) continue;
    if (el.type === 'checkbox') values[el.name] = el.checked;
    else values[el.name] = el.value === '' ? null : el.value;
  }
  return values;
}

/**
 * A form that calls submit(values) and shows the API's error (title and wrong fields) inside itself.
 * fields: specs for field(); onDone(result) runs after success.
 */
export function actionForm({ title, fields, submitText, submit, onDone, testId, cancel }) {
  const errors = h('div', { class: 'form-errors' });
  const button = h('button', { type: 'submit', class: 'primary' }, submitText ?? t('common.save'));
  const form = h('form', { class: 'action-form', 'data-testid': testId, novalidate: true },
    title ? h('h3', null, title) : null,
    fields.map(field),
    errors,
    h('div', { class: 'buttons' }, button,
      cancel ? h('button', { type: 'button', on: { click: cancel } }, t('common.cancel')) : null));
  form.addEventListener('submit', async event => {
    event.preventDefault();
    replace(errors);
    button.disabled = true;
    try {
      const result = await submit(formValues(form));
      if (onDone) await onDone(result);
    } catch (e) {
      replace(errors, errorBox(e));
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

/** A titled section with a heading and a body. */
export function panel(title, ...children) {
  return h('section', { class: 'panel' }, h('h2', null, title), ...children);
}

/** A definition list of [label, value] pairs. */
export function facts(pairs) {
  return h('dl', { class: 'facts' }, pairs.filter(p => p).map(([k, v]) => [h('dt', null, k), h('dd', null, v ?? '—')]));
}

/**
 * Reads the page's data again (load) whenever one of topics changes on the server (live.js), while the page is shown:
 * instead of polling.
 */
export function liveReload(section, context, topics, load) {
  watch(topics, load, () => context.isCurrent() && section.isConnected);
}
