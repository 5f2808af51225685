// Every visible string of the UI comes from one table, wwwroot/i18n/strings.json: each key with its English and its
// Simplified Chinese text side by side ({name} marks a value put in). The language is chosen per user (kept in this
// browser for each user id; else the browser's languages; before sign-in, the last one used here), and dates and numbers are
// formatted by the browser's Intl for it (the server formats nothing for people).

export const Languages = Object.freeze({ en: 'English', zh: '中文' });

let strings = {};
let current = 'en';

/** Loads the table (once, before the first page is shown). */
export async function loadStrings() {
  const response = await fetch('/i18n/strings.json', { credentials: 'same-origin' });
  if (!response.ok) throw new Error(`the UI's texts could not be loaded (HTTP ${response.status})`);
  strings = await response.json();
}

/** The current language code (a key of Languages). */
export const lang = () => current;

/** The BCP 47 locale of the current language, for Intl and <html lang>. */
export const locale = () => (current === 'zh' ? 'zh-CN' : 'en-GB');

const storageKey = userId => 'charger-cloud.lang' + (userId ? ':' + userId : '');

// Browser storage may be off (private modes, policies): the language then lasts until the page is left.
function load(key) {
  try { return localStorage.getItem(key); } catch { return null; }
}

function save(key, value) {
  try { localStorage.setItem(key, value); } catch { /* not kept */ }
}

function apply(code) {
  current = Object.hasOwn(Languages, code) ? code : 'en';
  document.documentElement.lang = locale();
}

/** Picks the language of userId: their own choice, else the browser's; before sign-in (null), the last one used here. */
export function chooseLang(userId) {
  const stored = load(storageKey(userId));
  if (stored && Object.hasOwn(Languages, stored)) {
    apply(stored);
    return;
  }
  const browser = navigator.languages?.length ? navigator.languages : [navigator.language ?? 'en'];
  apply(browser.some(l => /^zh\b/i.test(l)) ? 'zh' : 'en');
}

/** Sets the language and keeps it for userId (and as the one to start with before the next sign-in). */
export function setLang(code, userId) {
  apply(code);
  save(storageKey(null), current);
  if (userId) save(storageKey(userId), current);
}

function fill(text, vars) {
  return vars ? text.replace(/\{(\w+)\}/g, (whole, name) => (vars[name] ?? whole)) : text;
}

/** The text of key in the current language, with vars put in. A missing key is an error the tests catch. */
export function t(key, vars) {
  const entry = strings[key];
  const text = entry?.[current];
  if (typeof text !== 'string') {
    console.error(`missing translation: ${key} (${current})`);
    return `⟦${key}⟧`;
  }
  return fill(text, vars);
}

/** The text of key when the table has it (an enumeration value such as a state), else fallback as it is. */
export function tOr(key, fallback) {
  const text = strings[key]?.[current];
  return typeof text === 'string' ? text : fallback;
}

/** A date and time in the current language's usual form, with seconds, 24-hour clock, local time zone. */
export function formatTime(date) {
  return new Intl.DateTimeFormat(locale(), {
    year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
  }).format(date);
}

/** A number in the current language's usual form. */
export function formatNumber(value, options) {
  return new Intl.NumberFormat(locale(), options).format(value);
}
