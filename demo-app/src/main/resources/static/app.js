// The netcode demo dashboard: plain JavaScript, no build step; uPlot (a WebJar) draws the charts.
// The arena and the match events come from a server-sent event stream (/arena/stream), the slot
// table (with each connection's round-trip time and packet loss) and the charts from
// /actuator/netcode, and in the fleet profile the fleet table (every game server with its occupancy
// and players) from /arena/fleet.
'use strict';

/** Player n's colour: hues a golden angle apart never repeat and stay far apart for any number of players. */
function playerColor(n) {
  return `hsl(${(n * 137.508) % 360}, 75%, 60%)`;
}

const FRAME_MILLIS = 100; // the server sends about ten frames a second; we draw in between
const MARGIN = 2.2;       // arena units around the arena, so players on the edge keep their labels
const FEED_LINES = 12;    // match events shown, newest first

const canvas = document.getElementById('arena');
const ctx = canvas.getContext('2d');
const statusLine = document.getElementById('status');

let previous = null;   // the frame before the latest, to interpolate from
let latest = null;     // the latest frame
let latestAt = 0;      // when it arrived (performance.now())
let frames = 0;        // draws so far, exposed as canvas[data-frames] for tests
let drawPending = false;
let lastEvent = 0;     // sequence of the newest match event shown; a reconnected stream may repeat older ones
let playersBySlot = new Map(); // the stream's players by server slot, to name the slot table's rows
let adminAuthorization = null; // 'Basic …' once an admin has signed in; in memory only, never stored

// ---- arena stream ------------------------------------------------------------------------------

function setStreamState(state, text) {
  statusLine.dataset.state = state;
  document.getElementById('stream-state').textContent = text;
}

function connectStream() {
  const source = new EventSource('/arena/stream');
  source.onopen = () => setStreamState('connected', 'stream connected');
  source.onmessage = (event) => {
    previous = latest;
    latest = JSON.parse(event.data);
    latestAt = performance.now();
    document.getElementById('arena-placeholder').hidden = true;
    playersBySlot = new Map(latest.players.filter((p) => p.slot != null).map((p) => [p.slot, p]));
    document.getElementById('tick').textContent = latest.tick;
    document.getElementById('player-count').textContent = latest.players.length;
    renderScores(latest.players);
    requestDraw();
  };
  source.addEventListener('events', (event) => renderEvents(JSON.parse(event.data)));
  source.onerror = () => {
    setStreamState('reconnecting', 'reconnecting…');
    if (source.readyState === EventSource.CLOSED) {
      // Refused (for example 503, too many viewers): the browser gives up, so we retry ourselves.
      setTimeout(connectStream, 3000);
    }
  };
}

function requestDraw() {
  if (!drawPending) {
    drawPending = true;
    requestAnimationFrame(draw);
  }
}

function draw(now) {
  drawPending = false;
  if (!latest) {
    return;
  }
  const w = canvas.width;
  const h = canvas.height;
  const unit = Math.min(w / (latest.width + 2 * MARGIN), h / (latest.height + 2 * MARGIN));

  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.fillStyle = '#0b1120';
  ctx.fillRect(0, 0, w, h);
  // From here on (0, 0) is the arena's top-left corner.
  ctx.translate(Math.round((w - latest.width * unit) / 2), Math.round((h - latest.height * unit) / 2));
  drawGrid(latest.width * unit, latest.height * unit, unit);

  for (const coin of latest.coins) {
    drawCoin(coin.x * unit, coin.y * unit, unit);
  }

  // Slide each player from where it was in the previous frame to where it is now.
  const alpha = Math.min(1, (now - latestAt) / FRAME_MILLIS);
  const before = new Map(previous ? previous.players.map((p) => [p.name, p]) : []);
  for (const player of latest.players) {
    const from = before.get(player.name) || player;
    const x = from.x + (player.x - from.x) * alpha;
    const y = from.y + (player.y - from.y) * alpha;
    drawPlayer(player, x * unit, y * unit, unit);
  }

  canvas.dataset.frames = String(++frames);
  if (alpha < 1) {
    requestDraw();
  }
}

function drawGrid(w, h, unit) {
  ctx.strokeStyle = 'rgba(148, 163, 184, 0.08)';
  ctx.lineWidth = 1;
  ctx.beginPath();
  for (let x = 0; x <= latest.width; x += 4) {
    ctx.moveTo(x * unit + 0.5, 0);
    ctx.lineTo(x * unit + 0.5, h);
  }
  for (let y = 0; y <= latest.height; y += 4) {
    ctx.moveTo(0, y * unit + 0.5);
    ctx.lineTo(w, y * unit + 0.5);
  }
  ctx.stroke();
  ctx.strokeStyle = 'rgba(148, 163, 184, 0.35)';
  ctx.lineWidth = 2;
  ctx.strokeRect(0, 0, w, h);
}

function drawCoin(x, y, unit) {
  ctx.save();
  ctx.shadowColor = '#facc15';
  ctx.shadowBlur = unit * 0.8;
  ctx.fillStyle = '#facc15';
  ctx.beginPath();
  ctx.arc(x, y, unit * 0.45, 0, Math.PI * 2);
  ctx.fill();
  ctx.restore();
  ctx.strokeStyle = '#a16207';
  ctx.lineWidth = 2;
  ctx.stroke();
}

function drawPlayer(player, x, y, unit) {
  const radius = unit * 0.9;
  ctx.fillStyle = playerColor(player.color);
  ctx.beginPath();
  ctx.arc(x, y, radius, 0, Math.PI * 2);
  ctx.fill();
  ctx.strokeStyle = 'rgba(255, 255, 255, 0.85)';
  ctx.lineWidth = 2;
  ctx.stroke();

  // Labels stay readable where the canvas is drawn small (a phone): at least 11 CSS pixels high.
  const minimum = (11 * canvas.width) / Math.max(1, canvas.clientWidth);
  ctx.textAlign = 'center';
  ctx.fillStyle = '#e2e8f0';
  ctx.font = `600 ${Math.round(Math.max(unit * 0.75, minimum))}px system-ui, sans-serif`;
  ctx.textBaseline = 'bottom';
  ctx.fillText(player.name, x, y - radius - 4);
  ctx.fillStyle = '#facc15';
  ctx.font = `${Math.round(Math.max(unit * 0.65, minimum))}px system-ui, sans-serif`;
  ctx.textBaseline = 'top';
  ctx.fillText(String(player.score), x, y + radius + 3);
}

function renderScores(players) {
  const list = document.getElementById('scores');
  const rows = [...players].sort((a, b) => b.score - a.score || a.name.localeCompare(b.name));
  list.replaceChildren(...rows.map((p) => {
    const item = document.createElement('li');
    const name = document.createElement('span');
    name.className = 'name';
    name.textContent = p.name;
    const score = document.createElement('b');
    score.textContent = p.score;
    item.append(swatch(p.color), name, score);
    return item;
  }));
}

function renderEvents(entries) {
  const list = document.getElementById('events');
  for (const entry of entries) {
    if (entry.sequence <= lastEvent) {
      continue;
    }
    lastEvent = entry.sequence;
    const item = document.createElement('li');
    item.className = entry.kind.toLowerCase();
    item.dataset.sequence = entry.sequence;
    const time = document.createElement('time');
    time.textContent = clock(entry.epochMillis);
    const line = document.createElement('span');
    line.textContent = entry.line;
    item.append(time, line);
    list.prepend(item);
  }
  while (list.children.length > FEED_LINES) {
    list.lastElementChild.remove();
  }
  list.dataset.count = String(lastEvent);
}

// ---- slot table --------------------------------------------------------------------------------

async function pollSlots() {
  try {
    const response = await fetch('/actuator/netcode', { cache: 'no-store', headers: { Accept: 'application/json' } });
    if (!response.ok) {
      throw new Error(`HTTP ${response.status}`);
    }
    const server = await response.json();
    renderSlots(server);
    sample(server);
  }
  catch (error) {
    document.getElementById('server-summary').textContent = `slot table unavailable (${error.message}), retrying…`;
  }
  finally {
    setTimeout(pollSlots, 1000);
  }
}

function renderSlots(server) {
  const summary = document.getElementById('server-summary');
  summary.textContent = server.running
    ? `${server.connectedClients} / ${server.maxClients} connected · bound ${server.boundAddress}`
      + ` · protocol ${server.protocolId}`
    : 'game server stopped';

  const table = document.getElementById('slots');
  const body = table.tBodies[0];
  const clients = server.clients || [];
  if (clients.length === 0) {
    body.replaceChildren(row(['no clients connected'], 'empty', 12));
  }
  else {
    const now = Date.now();
    body.replaceChildren(...clients.map((c) => {
      const player = playersBySlot.get(c.index);
      const channels = c.connection ? c.connection.channels : [];
      const tr = row([
        c.index,
        player ? player.name : '–',
        c.clientId,
        c.address || 'loopback',
        clock(c.connectedSince) + ' (' + duration(now - Date.parse(c.connectedSince)) + ')',
        ago(now - Date.parse(c.lastPacketReceived)),
        c.connection ? fixed(c.connection.rttMillis, ' ms') : '–',
        c.connection ? fixed(c.connection.packetLossPercent, ' %') : '–',
        `${c.packetsReceived} / ${c.packetsSent}`,
        `${bytes(c.bytesReceived)} / ${bytes(c.bytesSent)}`,
        c.connection ? channels.reduce((sum, ch) => sum + ch.messagesDropped, c.connection.packetsInvalid) : '–',
        '',
      ]);
      tr.dataset.clientId = c.clientId;
      tr.dataset.slot = c.index;
      if (player) {
        tr.cells[1].prepend(swatch(player.color));
      }
      tr.cells[2].className = 'mono';
      tr.cells[3].className = 'mono';
      for (let i = 6; i < tr.cells.length; i++) {
        tr.cells[i].className = 'num';
      }
      tr.cells[10].title = c.connection
        ? `invalid packets ${c.connection.packetsInvalid}; messages dropped: `
          + channels.map((ch) => `${ch.name} ${ch.messagesDropped}`).join(', ')
        : '';
      if (adminAuthorization && !c.loopback) {
        const kick = document.createElement('button');
        kick.className = 'kick';
        kick.textContent = 'kick';
        kick.addEventListener('click', () => disconnect(c));
        tr.cells[11].append(kick);
      }
      return tr;
    }));
  }
  table.dataset.rows = String(clients.length);
}

function swatch(color) {
  const dot = document.createElement('span');
  dot.className = 'swatch';
  dot.style.background = playerColor(color);
  return dot;
}

// ---- admin: disconnect a player (DELETE /actuator/netcode/{slot}?clientId={id}, role ADMIN) -----

const adminForm = document.getElementById('admin');

function setAdmin(authorization, message) {
  adminAuthorization = authorization;
  for (const id of ['admin-user', 'admin-password', 'admin-sign-in']) {
    document.getElementById(id).hidden = authorization !== null;
  }
  document.getElementById('admin-sign-out').hidden = authorization === null;
  document.getElementById('admin-state').textContent = authorization === null
    ? 'Admins may disconnect players:' : 'Signed in: kick disconnects a player.';
  document.getElementById('admin-message').textContent = message || '';
}

adminForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const user = document.getElementById('admin-user').value;
  const password = document.getElementById('admin-password');
  setAdmin('Basic ' + btoa(unescape(encodeURIComponent(`${user}:${password.value}`))));
  password.value = '';
});
document.getElementById('admin-sign-out').addEventListener('click', () => setAdmin(null));

/** The token the server set in the XSRF-TOKEN cookie; a DELETE from the browser must echo it in a header. */
function csrfToken() {
  const cookie = document.cookie.split('; ').find((c) => c.startsWith('XSRF-TOKEN='));
  return cookie ? decodeURIComponent(cookie.slice('XSRF-TOKEN='.length)) : '';
}

async function disconnect(client) {
  const message = document.getElementById('admin-message');
  try {
    const response = await fetch(`/actuator/netcode/${client.index}?clientId=${client.clientId}`, {
      method: 'DELETE',
      // X-Requested-With: a wrong password then gets a bare 401, not the browser's own login dialog, whose
      // credentials the browser would keep sending by itself.
      headers: {
        Accept: 'application/json', Authorization: adminAuthorization, 'X-Requested-With': 'XMLHttpRequest',
        'X-XSRF-TOKEN': csrfToken(),
      },
    });
    if (response.status === 401) {
      setAdmin(null, 'wrong user or password');
    }
    else if (response.status === 403) {
      message.textContent = 'not allowed (HTTP 403: not an admin, or no CSRF token yet)';
    }
    else {
      const outcome = await response.json();
      message.textContent = outcome.disconnected
        ? `disconnected slot ${outcome.slot}` : `slot ${outcome.slot} not disconnected: ${outcome.reason}`;
    }
  }
  catch (error) {
    message.textContent = `disconnect failed (${error.message})`;
  }
}

// ---- charts: the last five minutes, one sample a second ---------------------------------------

const HISTORY_SECONDS = 300;
/** Whole numbers as such, fractions (a rate below ten a second) with one decimal. */
const count = (v) => (Number.isInteger(v) || Math.abs(v) >= 10 ? v.toFixed(0) : v.toFixed(1));
const samples = [];    // { t (epoch seconds), packets, bytes, players, drops, rtt, loss }: each a map of series to value
let previousTotals = null;

const CHARTS = [
  { id: 'chart-packets', key: 'packets', title: 'Packets / s', format: count },
  { id: 'chart-bytes', key: 'bytes', title: 'Bytes / s', format: (v) => bytes(Math.round(v)) },
  { id: 'chart-players', key: 'players', title: 'Connected players', format: count },
  { id: 'chart-drops', key: 'drops', title: 'Drops / s by reason', format: count },
  { id: 'chart-rtt', key: 'rtt', title: 'Round-trip time per player (ms)', format: (v) => v.toFixed(1), perPlayer: true },
  { id: 'chart-loss', key: 'loss', title: 'Packet loss per player (%)', format: (v) => v.toFixed(1), perPlayer: true },
];
const plots = new Map(); // chart id -> { plot, labels }
const playerNames = new Map(); // client id -> the stream's player in its slot, for the per-player series' labels and colours

function sample(server) {
  const now = Date.now();
  const clients = server.clients || [];
  const totals = {
    at: now,
    packetsIn: server.totals ? server.totals.packetsReceived : 0,
    packetsOut: server.totals ? server.totals.packetsSent : 0,
    drops: server.totals ? server.totals.drops : {},
    // Bytes are counted per connection: only clients present in both samples give a rate.
    clients: new Map(clients.map((c) => [c.clientId, c])),
  };
  const point = { t: now / 1000, packets: {}, bytes: {}, players: { connected: server.connectedClients },
    drops: {}, rtt: {}, loss: {} };
  if (previousTotals) {
    const seconds = Math.max(0.001, (now - previousTotals.at) / 1000);
    const rate = (a, b) => Math.max(0, a - b) / seconds;
    point.packets = { in: rate(totals.packetsIn, previousTotals.packetsIn), out: rate(totals.packetsOut, previousTotals.packetsOut) };
    let bytesIn = 0;
    let bytesOut = 0;
    for (const [id, c] of totals.clients) {
      const before = previousTotals.clients.get(id);
      if (before) {
        bytesIn += rate(c.bytesReceived, before.bytesReceived);
        bytesOut += rate(c.bytesSent, before.bytesSent);
      }
    }
    point.bytes = { in: bytesIn, out: bytesOut };
    for (const [reason, dropped] of Object.entries(totals.drops)) {
      point.drops[reason] = rate(dropped, previousTotals.drops[reason] || 0);
    }
  }
  for (const c of clients) {
    // Per player series are keyed by client id (a player who reconnects is a new line) and labelled
    // with the name once the arena stream has shown it.
    const player = playersBySlot.get(c.index);
    if (player) {
      playerNames.set(c.clientId, player);
    }
    if (c.connection) {
      point.rtt[c.clientId] = c.connection.rttMillis;
      point.loss[c.clientId] = c.connection.packetLossPercent;
    }
  }
  previousTotals = totals;
  samples.push(point);
  while (samples.length > 0 && samples[0].t < point.t - HISTORY_SECONDS) {
    samples.shift();
  }
  renderCharts();
}

/** Each series' label and colour: players by name and in their arena colour, the rest by key. */
function seriesStyle(chart, key, index) {
  if (chart.perPlayer) {
    const player = playerNames.get(key);
    return player ? { label: player.name, stroke: playerColor(player.color) } : { label: `client ${key}`, stroke: '#94a3b8' };
  }
  return { label: key, stroke: { in: '#38bdf8', out: '#f59e0b', connected: '#22c55e' }[key] || playerColor(index + 3) };
}

function renderCharts() {
  const times = samples.map((s) => s.t);
  for (const chart of CHARTS) {
    const keys = [];
    for (const s of samples) {
      for (const key of Object.keys(s[chart.key])) {
        if (!keys.includes(key)) {
          keys.push(key);
        }
      }
    }
    const data = [times, ...keys.map((key) => samples.map((s) => (key in s[chart.key] ? s[chart.key][key] : null)))];
    const styles = keys.map((key, i) => seriesStyle(chart, key, i));
    const labels = styles.map((style) => style.label);
    const element = document.getElementById(chart.id);
    let current = plots.get(chart.id);
    if (!current || current.labels.join('\n') !== labels.join('\n')) {
      // A new series or name (a player joined, a new drop reason): uPlot's series are fixed, so start again.
      if (current) {
        current.plot.destroy();
      }
      current = { labels, plot: new uPlot(chartOptions(chart, styles, element), data, element) };
      plots.set(chart.id, current);
    }
    else {
      current.plot.setData(data);
    }
    element.dataset.series = labels.join(',');
    element.dataset.points = String(times.length);
  }
}

function chartOptions(chart, styles, element) {
  const axis = { stroke: '#94a3b8', grid: { stroke: '#1e293b' }, ticks: { stroke: '#1e293b' } };
  return {
    title: chart.title,
    width: chartWidth(element),
    height: 170,
    scales: { x: { time: true }, y: { range: (u, min, max) => [0, Math.max(1, max * 1.1)] } },
    axes: [axis, { ...axis, size: 60, values: (u, values) => values.map(chart.format) }],
    series: [{}, ...styles.map((style) => ({
      ...style,
      width: 1.5,
      value: (u, v) => (v == null ? '–' : chart.format(v)),
    }))],
  };
}

function chartWidth(element) {
  return Math.max(200, Math.floor(element.clientWidth));
}

new ResizeObserver(() => {
  for (const chart of CHARTS) {
    const current = plots.get(chart.id);
    if (current) {
      current.plot.setSize({ width: chartWidth(document.getElementById(chart.id)), height: 170 });
    }
  }
}).observe(document.getElementById('charts'));

// ---- fleet table (fleet profile only: elsewhere /arena/fleet is 404 and the section stays hidden) ---

async function pollFleet() {
  let again = true;
  try {
    const response = await fetch('/arena/fleet', { cache: 'no-store', headers: { Accept: 'application/json' } });
    const section = document.getElementById('fleet-section');
    if (response.status === 404) {
      section.dataset.fleet = 'absent';
      again = false;
      return;
    }
    const fleet = await response.json();
    section.dataset.fleet = 'present';
    section.hidden = false;
    renderFleet(fleet);
  }
  catch (error) {
    document.getElementById('fleet-summary').textContent = `fleet table unavailable (${error.message}), retrying…`;
  }
  finally {
    if (again) {
      setTimeout(pollFleet, 1000);
    }
  }
}

function renderFleet(fleet) {
  document.getElementById('fleet-directory').textContent = fleet.directory;
  const servers = fleet.servers || [];
  const sum = (key) => servers.reduce((total, s) => total + s[key], 0);
  document.getElementById('fleet-summary').textContent = fleet.error
    ? `${fleet.error}, retrying…`
    : `${servers.length} servers · ${sum('connectedClients')} connected, ${sum('reservedSlots')} reserved, `
      + `${sum('freeSlots')} free of ${sum('maxClients')} slots · new players go by the ${fleet.policy} policy`;

  const table = document.getElementById('fleet');
  const body = table.tBodies[0];
  if (servers.length === 0) {
    body.replaceChildren(row(['no servers listed'], 'empty', 8));
  }
  else {
    body.replaceChildren(...servers.map((s) => {
      const tr = row([
        s.serverId,
        s.addresses.join(' '),
        s.labels.region || '–',
        '',
        `${s.connectedClients} / ${s.maxClients}`,
        s.reservedSlots,
        s.freeSlots,
        s.players ? (s.players.join(', ') || '–') : 'in another process',
      ]);
      tr.dataset.serverId = s.serverId;
      if (s.spectated) {
        const badge = document.createElement('span');
        badge.className = 'badge';
        badge.textContent = 'drawn above';
        tr.cells[0].append(' ', badge);
      }
      tr.cells[0].className = 'mono';
      tr.cells[1].className = 'mono';
      tr.cells[3].append(occupancyBar(s));
      for (let i = 4; i <= 6; i++) {
        tr.cells[i].className = 'num';
      }
      tr.cells[7].className = 'players';
      return tr;
    }));
  }
  table.dataset.rows = String(servers.length);
}

/** Connected slots, then reserved ones, as shares of the server's slots. */
function occupancyBar(server) {
  const bar = document.createElement('span');
  bar.className = 'occupancy';
  bar.title = `${server.connectedClients} connected, ${server.reservedSlots} reserved, ${server.freeSlots} free`;
  for (const [className, slots] of [['connected', server.connectedClients], ['reserved', server.reservedSlots]]) {
    const part = document.createElement('span');
    part.className = className;
    part.style.width = `${(100 * Math.min(slots, server.maxClients)) / server.maxClients}%`;
    bar.append(part);
  }
  return bar;
}

function row(values, className, colspan) {
  const tr = document.createElement('tr');
  if (className) {
    tr.className = className;
  }
  for (const value of values) {
    const td = document.createElement('td');
    td.textContent = value;
    if (colspan) {
      td.colSpan = colspan;
    }
    tr.append(td);
  }
  return tr;
}

function clock(time) { // an ISO string or epoch milliseconds
  return new Date(time).toLocaleTimeString([], { hour12: false });
}

function duration(millis) {
  const s = Math.max(0, Math.floor(millis / 1000));
  if (s < 60) {
    return `${s}s`;
  }
  if (s < 3600) {
    return `${Math.floor(s / 60)}m ${s % 60}s`;
  }
  return `${Math.floor(s / 3600)}h ${Math.floor(s / 60) % 60}m`;
}

function ago(millis) {
  return millis < 1000 ? `${Math.max(0, Math.round(millis))} ms ago` : `${(millis / 1000).toFixed(1)} s ago`;
}

function fixed(value, unit) {
  return Number.isFinite(value) ? value.toFixed(1) + unit : '–';
}

function bytes(n) {
  if (n < 1024) {
    return `${n} B`;
  }
  if (n < 1024 * 1024) {
    return `${(n / 1024).toFixed(1)} kB`;
  }
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

connectStream();
pollSlots();
pollFleet();
