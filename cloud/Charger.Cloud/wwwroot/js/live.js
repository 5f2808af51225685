// Live updates: one server-sent-event stream (GET /api/v1/live) tells the open page which topics changed; the page
// reads again what it shows. Topics: 'fleet' (chargers' events and links), 'service' (what the service area derived
// from them), and the area of a change people made ('work-orders', 'alarms', 'complaints', 'inquiries', 'users', ...).

let source = null;
const watchers = new Set();

function open() {
  if (source && source.readyState !== EventSource.CLOSED) return;
  source = new EventSource('/api/v1/live');
  // (Re)opened: what changed while the stream was down is unknown, so every watcher reads again.
  source.addEventListener('open', () => { for (const w of watchers) w.fire(); });
  source.addEventListener('changed', event => {
    let topic = null;
    try { topic = JSON.parse(event.data).topic; } catch { return; }
    for (const w of watchers) if (w.topics.has(topic)) w.fire();
  });
}

/** Closes the stream (signing out). */
export function closeLive() {
  if (source) source.close();
  source = null;
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
