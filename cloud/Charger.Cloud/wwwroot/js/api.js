// The API client: same-origin fetch with the sign-in cookie; errors as ApiError from RFC 9457 problem details.
import { t } from './i18n.js';

/** An API call that failed: the problem details' title, detail and the fields that are wrong. */
export class ApiError extends Error {
  constructor(status, problem) {
    const title = problem?.title || `HTTP ${status}`;
    super(title);
    this.status = status;
    this.title = title;
    this.detail = problem?.detail ?? null;
    // Validation problems: { field: [messages] }; a bad query parameter names itself in `parameter`.
    this.errors = problem?.errors ?? null;
    this.parameter = problem?.parameter ?? null;
  }

  /** Lines to show the user: "field: why" for each wrong field. */
  get fieldLines() {
    const lines = [];
    if (this.errors && typeof this.errors === 'object') {
      for (const [field, messages] of Object.entries(this.errors)) {
        for (const m of Array.isArray(messages) ? messages : [messages]) lines.push(`${field}: ${m}`);
      }
    }
    if (this.parameter) lines.push(t('error.parameter', { name: this.parameter }));
    return lines;
  }
}

async function request(method, path, body) {
  const init = { method, credentials: 'same-origin', headers: { Accept: 'application/json' } };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (e) {
    throw new ApiError(0, { title: t('error.unreachable'), detail: String(e?.message ?? e) });
  }
  const text = await response.text();
  let json = null;
  if (text) {
    try { json = JSON.parse(text); } catch { json = null; }
  }
  if (!response.ok) {
    const error = new ApiError(response.status, json ?? { title: `HTTP ${response.status}`, detail: text.slice(0, 300) || null });
    if (response.status === 401 && !path.startsWith('/api/v1/auth/')) {
      window.dispatchEvent(new CustomEvent('session-expired'));
    }
    throw error;
  }
  return json;
}

export const api = {
  get: path => request('GET', path),
  post: (path, body) => request('POST', path, body ?? {}),
  put: (path, body) => request('PUT', path, body ?? {}),
  patch: (path, body) => request('PATCH', path, body ?? {}),
};

/** A query string from an object, skipping empty values. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  }
  const s = q.toString();
  return s ? '?' + s : '';
}

/** Encodes a path segment (ids come from data). */
export const seg = s => encodeURIComponent(String(s));
