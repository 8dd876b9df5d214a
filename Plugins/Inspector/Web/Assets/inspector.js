// PluginNet inspector page: reads the live feed (/live), keeps rows per HTTP exchange, WebSocket
// connection and UDP socket, filters them, and fetches an item's detail on a click. Everything written
// into the page goes through textContent: bodies and URLs come from the network and are never markup.
'use strict';
const $ = (id) => document.getElementById(id);
// The page keeps at most this many rows per table and events per connection (the inspector keeps more; the HAR has them all).
const MaxRows = 5000;
const state = { paused: false, queue: [], idle: null, http: new Map(), ws: new Map(), udp: new Map(), scripts: new Set(), selected: null };

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) if (v !== undefined && v !== null) e.setAttribute(k, String(v));
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(c === undefined || c === null ? '' : String(c)));
  return e;
}
const clock = (ms) => new Date(ms).toLocaleTimeString(undefined, { hour12: false }) + '.' + String(ms % 1000).padStart(3, '0');
const bytes = (n) => n === undefined ? '' : n < 1024 ? n + ' B' : n < 1048576 ? (n / 1024).toFixed(1) + ' KB' : (n / 1048576).toFixed(1) + ' MB';
const ms = (v) => v === undefined ? '–' : v.toFixed(1);

function connect() {
  const socket = new WebSocket(`ws://${location.host}/live`);
  socket.onopen = () => setStatus('live');
  socket.onclose = () => { setStatus('closed'); setTimeout(connect, 2000); };
  socket.onmessage = (m) => {
    const batch = JSON.parse(m.data);
    if (state.paused) hold(batch); else apply(batch);
  };
}
// While paused, batches with new items wait in order. One with nothing new (the feed sends the scripts at
// least every second) only replaces the last such one: every batch carries the whole scripts list and
// counts, so only the newest matters, and an hour's pause does not pile up 3,600 of them.
function hold(batch) {
  if (batch.full || batch.items.length > 0) { state.queue.push(batch); state.idle = null; } else state.idle = batch;
  $('pause').dataset.held = state.queue.length;
}
function setStatus(s) { $('status').dataset.state = s; $('status').textContent = s === 'live' ? 'live' : s === 'closed' ? 'disconnected' : s; }

function apply(batch) {
  if (batch.full) reset();
  renderScripts(batch.scripts);
  for (const item of batch.items) upsert(item);
  evictBelow(batch.oldest);
  const seen = Object.entries(batch.seen).map(([k, v]) => `${k} ${v}`).join(', ');
  const evicted = Object.values(batch.evicted).reduce((a, b) => a + b, 0);
  $('counts').textContent = `${seen || 'nothing yet'} · kept ${bytes(batch.bytes)} of ${bytes(batch.maxBytes)}` + (evicted ? ` · ${evicted} evicted` : '');
  $('counts').dataset.evicted = evicted;
  applyFilters();
  if (state.selected) refreshDetail();
}
function reset() {
  for (const id of ['script-events', 'http', 'ws', 'udp']) $(id).tBodies[0].replaceChildren();
  state.http.clear(); state.ws.clear(); state.udp.clear();
}
function evictBelow(oldest) {
  for (const [seq, row] of state.http) if (seq < oldest) { row.remove(); state.http.delete(seq); }
  for (const map of [state.ws, state.udp]) for (const [key, g] of map) {
    g.events = g.events.filter((e) => e.seq >= oldest);
    if (!g.events.length) { g.row.remove(); map.delete(key); }
  }
  for (const row of [...$('script-events').tBodies[0].rows]) if (Number(row.dataset.seq) < oldest) row.remove();
}

function upsert(item) {
  addScriptOption(item.script);
  if (item.kind === 'http') return upsertHttp(item);
  if (item.kind === 'ws') return upsertGroup(state.ws, item.conn, item, $('ws'), wsCells);
  if (item.kind === 'udp') return upsertGroup(state.udp, item.sock, item, $('udp'), udpCells);
  if (item.kind === 'script') {
    const row = el('tr', { 'data-seq': item.seq, 'data-script': item.script, 'data-event': item.event },
      el('td', {}, clock(item.at)), el('td', {}, item.script), el('td', { 'data-field': 'event' }, item.event),
      el('td', {}, el('div', { 'data-field': 'message' }, item.message || ''), item.traceback ? el('pre', { 'data-field': 'traceback' }, item.traceback) : ''));
    const body = $('script-events').tBodies[0];
    body.append(row);
    if (body.rows.length > MaxRows) body.rows[0].remove();
  }
}

function httpStatusClass(i) { return i.status ? `status-${Math.floor(i.status / 100)}xx` : ''; }
function upsertHttp(i) {
  const notes = [i.state === 'cancelled' ? 'cancelled' : '', i.redirects ? `${i.redirects} redirect(s)` : '', i.attempts > 1 ? `${i.attempts} attempts` : '',
    i.waitedMs > 0 ? `waited ${ms(i.waitedMs)} ms` : '', i.error && i.state !== 'done' ? i.error : ''].filter(Boolean).join(' · ');
  const row = el('tr', { 'data-seq': i.seq, 'data-kind': 'http', 'data-script': i.script, 'data-method': i.method, 'data-url': i.url,
    'data-status': i.status ?? '', 'data-state': i.state },
    el('td', {}, clock(i.at)), el('td', { 'data-field': 'script' }, i.script), el('td', { 'data-field': 'method' }, i.method),
    el('td', { class: 'url', 'data-field': 'url', title: i.url }, i.url),
    el('td', { 'data-field': 'status', class: httpStatusClass(i) }, i.state === 'pending' ? 'pending' : i.state === 'cancelled' ? 'cancelled' : i.status || 'failed'),
    el('td', { 'data-field': 'duration' }, ms(i.durationMs)), el('td', { 'data-field': 'size' }, bytes(i.responseSize)), el('td', { 'data-field': 'notes' }, notes));
  row.item = i;
  row.onclick = () => select({ kind: 'http', seq: i.seq });
  const old = state.http.get(i.seq);
  if (old) old.replaceWith(row); else $('http').tBodies[0].append(row);
  state.http.set(i.seq, row);
  if (state.http.size > MaxRows) { const [oldest, r] = state.http.entries().next().value; r.remove(); state.http.delete(oldest); }
}

function upsertGroup(map, key, item, table, cells) {
  let g = map.get(key);
  if (!g) { g = { events: [], row: el('tr') }; map.set(key, g); table.tBodies[0].append(g.row); }
  const at = g.events.findIndex((e) => e.seq === item.seq);
  if (at >= 0) g.events[at] = item; else g.events.push(item);
  if (g.events.length > MaxRows) g.events.splice(1, g.events.length - MaxRows); // the first (its opening) stays
  const row = cells(key, g.events);
  row.onclick = () => select({ kind: item.kind, key });
  g.row.replaceWith(row); g.row = row;
}
function lastOf(events, names) { return [...events].reverse().find((e) => names.includes(e.event)); }
function wsCells(key, events) {
  const first = events[0], end = lastOf(events, ['Closed', 'Failed']);
  const opened = events.some((e) => ['Opened', 'Sent', 'Received'].includes(e.event));
  const messages = events.filter((e) => e.event === 'Sent' || e.event === 'Received');
  const url = (events.find((e) => e.url) || {}).url || '';
  const st = end ? end.event.toLowerCase() : opened ? 'open' : 'connecting';
  const side = first.side + (first.side === 'server' ? ` (client ${first.client})` : '');
  return el('tr', { 'data-conn': key, 'data-kind': 'ws', 'data-script': first.script, 'data-side': first.side, 'data-url': url, 'data-state': st,
    'data-messages': messages.length, 'data-search': messages.map((m) => m.preview).join('\n') },
  el('td', {}, clock(first.at)), el('td', {}, first.script), el('td', { 'data-field': 'side' }, side), el('td', { class: 'url', 'data-field': 'url' }, url),
  el('td', { 'data-field': 'state' }, st), el('td', { 'data-field': 'messages' }, `${messages.filter((m) => m.event === 'Sent').length} ↑ ${messages.filter((m) => m.event === 'Received').length} ↓`),
  el('td', { 'data-field': 'close' }, end ? (end.closeCode ?? '') + (end.closeReason ? ' ' + end.closeReason : '') + (end.error ? ' ' + end.error : '') : ''));
}
function udpCells(key, events) {
  const first = events[0], end = lastOf(events, ['Closed', 'Failed']);
  const grams = events.filter((e) => e.event === 'Sent' || e.event === 'Received');
  const local = (events.find((e) => e.local) || {}).local || '';
  return el('tr', { 'data-sock': key, 'data-kind': 'udp', 'data-script': first.script, 'data-state': end ? end.event.toLowerCase() : 'open',
    'data-datagrams': grams.length, 'data-search': grams.map((m) => (m.remote || '') + ' ' + m.preview).join('\n') },
  el('td', {}, clock(first.at)), el('td', {}, first.script), el('td', {}, first.socket), el('td', { 'data-field': 'local' }, local),
  el('td', { 'data-field': 'state' }, end ? end.event.toLowerCase() + (end.error ? ': ' + end.error : '') : 'open'),
  el('td', { 'data-field': 'datagrams' }, `${grams.filter((m) => m.event === 'Sent').length} ↑ ${grams.filter((m) => m.event === 'Received').length} ↓`));
}

function renderScripts(scripts) {
  const body = $('scripts').tBodies[0];
  body.replaceChildren(...scripts.map((s) => {
    addScriptOption(s.name);
    return el('tr', { 'data-script': s.name, 'data-state': s.state, 'data-errors': s.errors, 'data-resources': s.resources.length },
      el('td', {}, s.name), el('td', { 'data-field': 'state' }, s.state),
      el('td', { 'data-field': 'errors', title: s.lastError || '' }, s.errors),
      el('td', {}, el('ul', { class: 'ledger' }, ...s.resources.map((r) =>
        el('li', { 'data-resource-kind': r.kind, 'data-plugin': r.plugin }, `${r.kind} #${r.id} (${r.plugin}) ${r.description}`)))));
  }));
}
function addScriptOption(name) {
  if (state.scripts.has(name)) return;
  state.scripts.add(name);
  $('filter-script').append(el('option', { value: name }, name));
}

function applyFilters() {
  const script = $('filter-script').value, kind = $('filter-kind').value, status = $('filter-status').value;
  const text = $('filter-text').value.toLowerCase();
  for (const section of document.querySelectorAll('section[data-kind]')) section.classList.toggle('hidden', !!kind && section.dataset.kind !== kind);
  for (const row of document.querySelectorAll('#lists tbody tr')) {
    let show = !script || row.dataset.script === script;
    if (show && status && row.dataset.kind === 'http') show = statusMatches(row.dataset, status);
    else if (show && status && row.dataset.kind) show = false;
    if (show && text) show = (row.textContent + ' ' + (row.dataset.search || '') + ' ' + (row.dataset.url || '')).toLowerCase().includes(text);
    row.classList.toggle('hidden', !show);
  }
}
function statusMatches(d, f) {
  if (f === 'failed' || f === 'cancelled' || f === 'pending') return d.state === f;
  return d.state === 'done' && String(d.status).startsWith(f[0]);
}

async function select(what) {
  const was = state.selected;
  if (was && was.kind === what.kind && was.key === what.key && was.seq === what.seq) what.message = was.message;
  state.selected = what;
  for (const r of document.querySelectorAll('tr.selected:not(#detail-messages tr)')) r.classList.remove('selected');
  await refreshDetail();
}
async function refreshDetail(unmask) {
  const s = state.selected;
  const pane = $('detail');
  if (!s) { pane.hidden = true; return; }
  if (s.kind === 'http') {
    const row = state.http.get(s.seq);
    if (!row) return;
    row.classList.add('selected');
    const i = row.item;
    if (pane.dataset.seq === String(s.seq) && pane.dataset.state === i.state && !unmask) return;
    const detail = await (await fetch(`/api/item/${s.seq}${unmask ? '?unmask=1' : ''}`)).json();
    showHttp(i, detail, unmask);
  } else {
    const g = (s.kind === 'ws' ? state.ws : state.udp).get(s.key);
    if (!g) return;
    g.row.classList.add('selected');
    showMessages(s, g.events);
  }
}
function fields(pairs) {
  $('detail-fields').replaceChildren(...pairs.filter(([, v]) => v !== undefined && v !== '').flatMap(([k, v, f]) =>
    [el('dt', {}, k), el('dd', { 'data-field': f }, v)]));
}
function headersTable(id, headers) {
  return el('table', { id }, el('tbody', {}, ...(headers || []).map((h) =>
    el('tr', { 'data-name': h.name.toLowerCase(), 'data-masked': h.masked }, el('td', {}, h.name), el('td', { class: h.masked ? 'masked' : '' }, h.value)))));
}
function bodyBlock(id, title, b) {
  if (!b || b.size === 0) return el('div');
  return el('div', {}, el('h3', {}, `${title} (${bytes(b.size)}${b.truncated ? ', preview truncated' : ''}, ${b.format})`),
    el('pre', { id, 'data-format': b.format, 'data-size': b.size }, b.text));
}
function showHttp(i, d, unmask) {
  const pane = $('detail');
  pane.hidden = false; pane.dataset.kind = 'http'; pane.dataset.seq = i.seq; pane.dataset.state = i.state;
  $('detail-title').textContent = `${i.method} ${d.url}`;
  $('show-secrets').hidden = !d.hasSecrets || !!unmask;
  fields([['script', i.script, 'script'], ['method', i.method, 'method'], ['url', d.url, 'url'], ['state', i.state, 'state'],
    ['status', i.status, 'status'], ['error', i.error, 'error'], ['final url', i.finalUrl, 'finalUrl'], ['redirects', i.redirects, 'redirects'],
    ['attempts', i.attempts, 'attempts'], ['queued (ms)', ms(i.queuedMs), 'queued'], ['waited (ms)', ms(i.waitedMs), 'waited'],
    ['connected (ms)', ms(i.connectedMs), 'connected'], ['first byte (ms)', ms(i.firstByteMs), 'firstByte'], ['done (ms)', ms(i.durationMs), 'done'],
    ['request size', bytes(i.requestSize), 'requestSize'], ['response size', bytes(i.responseSize), 'responseSize'], ['type', i.mimeType, 'mimeType']]);
  $('detail-extra').replaceChildren(
    el('h3', {}, 'request headers'), headersTable('detail-request-headers', d.requestHeaders), bodyBlock('detail-request-body', 'request body', d.requestBody),
    el('h3', {}, 'response headers'), headersTable('detail-response-headers', d.responseHeaders), bodyBlock('detail-response-body', 'response body', d.responseBody));
}
// A connection's messages. Rebuilt only when its events changed (any batch refreshes the open detail),
// and the message the user opened stays open across a rebuild.
function showMessages(selected, events) {
  const pane = $('detail');
  const kind = selected.kind, key = String(selected.key);
  const version = `${events.length}:${events[events.length - 1].seq}`;
  const same = !pane.hidden && pane.dataset.kind === kind && pane.dataset.key === key;
  if (same && pane.dataset.version === version) return;
  const first = events[0], end = lastOf(events, ['Closed', 'Failed']);
  pane.hidden = false; pane.dataset.kind = kind; pane.dataset.key = key; pane.dataset.version = version; pane.dataset.seq = ''; pane.dataset.state = '';
  $('show-secrets').hidden = true;
  $('detail-title').textContent = kind === 'ws' ? `WebSocket ${(events.find((e) => e.url) || {}).url || ''}` : `UDP socket ${first.socket}`;
  fields([['script', first.script, 'script'], ['side', first.side, 'side'], ['local', (events.find((e) => e.local) || {}).local, 'local'],
    ['state', end ? end.event : 'open', 'state'], ['close code', end && end.closeCode, 'closeCode'], ['close reason', end && end.closeReason, 'closeReason'],
    ['error', end && end.error, 'error']]);
  const rows = events.filter((e) => e.event === 'Sent' || e.event === 'Received').map((e) => {
    const tr = el('tr', { 'data-seq': e.seq, 'data-dir': e.event === 'Sent' ? 'send' : 'receive', 'data-format': e.format, 'data-size': e.size,
      class: selected.message === e.seq ? 'selected' : undefined },
      el('td', {}, clock(e.at)), el('td', {}, e.remote || (e.binary ? 'binary' : 'text')), el('td', {}, bytes(e.size)), el('td', { 'data-field': 'preview' }, e.preview));
    tr.onclick = async () => {
      selected.message = e.seq;
      for (const r of $('detail-messages').querySelectorAll('tr.selected')) r.classList.remove('selected');
      tr.classList.add('selected');
      const d = await (await fetch(`/api/item/${e.seq}`)).json();
      $('detail-message-body').replaceChildren(bodyBlock('detail-message-text', 'message', d.payload));
    };
    return tr;
  });
  const body = (same && $('detail-message-body')) || el('div', { id: 'detail-message-body' });
  $('detail-extra').replaceChildren(el('h3', {}, kind === 'ws' ? 'messages' : 'datagrams'),
    el('table', { id: 'detail-messages' }, el('tbody', {}, ...rows)), body);
}

$('pause').onclick = () => {
  state.paused = !state.paused;
  $('pause').setAttribute('aria-pressed', state.paused);
  $('pause').textContent = state.paused ? 'Resume' : 'Pause';
  if (!state.paused) {
    const q = state.queue, idle = state.idle;
    state.queue = []; state.idle = null;
    q.forEach(apply);
    if (idle) apply(idle);
  }
  $('pause').dataset.held = state.queue.length;
};
$('clear').onclick = () => fetch('/api/clear', { method: 'POST' });
$('detail-close').onclick = () => { state.selected = null; $('detail').hidden = true; $('detail').dataset.seq = ''; };
$('show-secrets').onclick = () => refreshDetail(true);
for (const id of ['filter-script', 'filter-kind', 'filter-status', 'filter-text']) $(id).addEventListener('input', applyFilters);
connect();
