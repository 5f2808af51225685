// Live updates: one server-sent-event stream (GET /api/v1/live) tells the open page which topics changed; the page
// reads again what it shows. Topics: 'fleet' (chargers' events and links), 'service' (what the service area derived
// from them), and the area of a change people made ('work-orders', 'alarms', 'complaints', 'inquiries', 'users', ...).

let source = null;
let retry = null;
let backoff = 0;
const watchers = new Set();

function open() {
  if (retry || (source && source.readyState !== EventSource.CLOSED)) return;
  source = new EventSource('/api/v1/live');
  // (Re)opened: what changed while the stream was down is unknown, so every watcher reads again.
  source.addEventListener('open', () => {
    backoff = 0;
    for (const w of watchers) w.fire();
  });
  source.addEventListener('changed', event => {
    let topic = null;
    try { topic = JSON.parse(event.data).topic; } catch { return; }
    for (const w of watchers) if (w.topics.has(topic)) w.fire();
  });
  // A refused stream (429, 503, a proxy's 502) is closed for good by the browser: open it again later, backing off,
  // while a page still watches. A dropped one the browser reopens by itself.
  source.addEventListener('error', () => {
    if (source.readyState !== EventSource.CLOSED || watchers.size === 0) return;
    backoff = Math.min(60, backoff ? backoff * 2 : 2);
    retry = setTimeout(() => { retry = null; if (watchers.size > 0) open(); }, backoff * 1000);
  });
}

/** Closes the stream (signing out). */
export function closeLive() {
  if (source) source.close();
  if (retry) clearTimeout(retry);
  source = null;
  retry = null;
  backoff = 0;
  watchers.clear();
}

/**
 * Calls reload() (async) when one of topics changes, while alive() is true; the watch ends by itself once alive() is
 * false. No timer: a change during a reload runs one more reload after it, so a burst of changes costs at most two.
 */
export function watch(topics, reload, alive) {
  const w = { topics: new Set(topics), running: false, again: false };
  w.fire = async () => {
    if (!alive()) { watchers.delete(w); return; }
    if (w.running) { w.again = true; return; }
    w.running = true;
    try {
      do {
        w.again = false;
        await reload();
      } while (w.again && alive());
    } finally {
      w.running = false;
    }
  };
  watchers.add(w);
  open();
  return () => watchers.delete(w);
}
