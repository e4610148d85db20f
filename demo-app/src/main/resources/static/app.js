// The netcode demo dashboard: plain JavaScript, no build step, no dependencies.
// The arena and the match events come from a server-sent event stream (/arena/stream), the slot
// table (with each connection's round-trip time and packet loss) from /actuator/netcode, and in the
// fleet profile the fleet table (every game server with its occupancy and players) from /arena/fleet.
'use strict';

const COLORS = ['#ef4444', '#3b82f6', '#22c55e', '#eab308', '#a855f7', '#06b6d4', '#f97316', '#ec4899'];
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
  ctx.fillStyle = COLORS[player.color % COLORS.length];
  ctx.beginPath();
  ctx.arc(x, y, radius, 0, Math.PI * 2);
  ctx.fill();
  ctx.strokeStyle = 'rgba(255, 255, 255, 0.85)';
  ctx.lineWidth = 2;
  ctx.stroke();

  ctx.textAlign = 'center';
  ctx.fillStyle = '#e2e8f0';
  ctx.font = `600 ${Math.round(unit * 0.75)}px system-ui, sans-serif`;
  ctx.textBaseline = 'bottom';
  ctx.fillText(player.name, x, y - radius - 4);
  ctx.fillStyle = '#facc15';
  ctx.font = `${Math.round(unit * 0.65)}px system-ui, sans-serif`;
  ctx.textBaseline = 'top';
  ctx.fillText(String(player.score), x, y + radius + 3);
}

function renderScores(players) {
  const list = document.getElementById('scores');
  const rows = [...players].sort((a, b) => b.score - a.score || a.name.localeCompare(b.name));
  list.replaceChildren(...rows.map((p) => {
    const item = document.createElement('li');
    const swatch = document.createElement('span');
    swatch.className = 'swatch';
    swatch.style.background = COLORS[p.color % COLORS.length];
    const name = document.createElement('span');
    name.className = 'name';
    name.textContent = p.name;
    const score = document.createElement('b');
    score.textContent = p.score;
    item.append(swatch, name, score);
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
    renderSlots(await response.json());
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
    body.replaceChildren(row(['no clients connected'], 'empty', 9));
  }
  else {
    const now = Date.now();
    body.replaceChildren(...clients.map((c) => {
      const tr = row([
        c.index,
        c.clientId,
        c.address || 'loopback',
        clock(c.connectedSince) + ' (' + duration(now - Date.parse(c.connectedSince)) + ')',
        ago(now - Date.parse(c.lastPacketReceived)),
        c.connection ? fixed(c.connection.rttMillis, ' ms') : '–',
        c.connection ? fixed(c.connection.packetLossPercent, ' %') : '–',
        `${c.packetsReceived} / ${c.packetsSent}`,
        `${bytes(c.bytesReceived)} / ${bytes(c.bytesSent)}`,
      ]);
      tr.dataset.clientId = c.clientId;
      tr.cells[1].className = 'mono';
      tr.cells[2].className = 'mono';
      for (let i = 5; i < tr.cells.length; i++) {
        tr.cells[i].className = 'num';
      }
      return tr;
    }));
  }
  table.dataset.rows = String(clients.length);
}

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
