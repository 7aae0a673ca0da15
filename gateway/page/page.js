// The dashboard page's script, bundled with the client library into /app.js at gateway start
// (bundle-page.ts). The library fetches the dashboard and follows /ws; a commits:update for
// the org makes the page refetch and redraw. A refused token stops everything: "sign in again".
import { connect, ConnectionState } from '../../client/mod.ts';

const TOKEN_KEY = 'teampulse.token';

/** Reads `?token=` once, keeps it in sessionStorage, and takes it out of the address bar. */
function takeToken() {
  const url = new URL(location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl);
    url.searchParams.delete('token');
    history.replaceState(history.state, '', url.pathname + url.search + url.hash);
    return fromUrl;
  }
  return sessionStorage.getItem(TOKEN_KEY) || '';
}

const token = takeToken();
const params = new URLSearchParams(location.search);
const claims = (() => {
  try {
    return JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
  } catch {
    return {};
  }
})();
const org = params.get('org') || (claims.orgs || [])[0] || '';
const day = (d) => d.toISOString().slice(0, 10);
const to = params.get('to') || day(new Date());
const from = params.get('from') || day(new Date(Date.parse(to) - 29 * 864e5));
const state = (window.teampulse = {
  org,
  frames: [],
  dashboard: undefined,
  lastSeq: undefined,
  fetches: 0,
  states: [],
});
const $ = (id) => document.getElementById(id);
const status = (text) => ($('status').textContent = text);
$('org').textContent = org ? `· ${org} · ${from} → ${to}` : '';

function shade(n, max) {
  if (!n) return '#ebedf0';
  const steps = ['#9be9a8', '#40c463', '#30a14e', '#216e39'];
  return steps[Math.min(steps.length - 1, Math.floor((n / Math.max(1, max)) * steps.length))];
}
function cell(n, max, title) {
  const s = document.createElement('span');
  s.style.background = shade(n, max);
  s.title = title;
  return s;
}
function rows(tbody, lines) {
  tbody.replaceChildren(
    ...lines.map((cols) => {
      const tr = document.createElement('tr');
      for (const c of cols) {
        const td = document.createElement('td');
        td.textContent = String(c);
        tr.append(td);
      }
      return tr;
    }),
  );
}
function render(d) {
  state.fetches++;
  state.dashboard = d;
  if (state.lastSeq === undefined || d.asOfSeq > state.lastSeq) state.lastSeq = d.asOfSeq;
  $('commits').textContent = d.totals.commits;
  $('developers').textContent = d.totals.developers;
  $('repos').textContent = d.totals.repos;
  $('seq').textContent = d.asOfSeq;
  const maxDay = Math.max(0, ...d.heatmap.days.map((x) => x.commits));
  $('days').replaceChildren(
    ...d.heatmap.days.map((x) => cell(x.commits, maxDay, `${x.day}: ${x.commits}`)),
  );
  const names = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
  const maxHour = Math.max(0, ...d.heatmap.weekdayHour.flat());
  const grid = [];
  d.heatmap.weekdayHour.forEach((hours, w) => {
    const label = document.createElement('div');
    label.textContent = names[w];
    grid.push(label, ...hours.map((n, h) => cell(n, maxHour, `${names[w]} ${h}:00: ${n}`)));
  });
  $('grid').replaceChildren(...grid);
  rows(
    $('devs'),
    d.developers.map((x) => [x.devId, x.commits, x.activeDays, x.activityIndex]),
  );
  rows(
    $('repoRows'),
    d.repos.map((x) => [x.repoId, x.commits, x.developers, x.filesChanged]),
  );
}

const time = (ms) => (ms ? new Date(ms).toLocaleTimeString() : 'never');
function showState(s, client) {
  state.states.push(s);
  document.body.dataset.state = s;
  if (s === ConnectionState.live) status(`live · last update ${time(client?.lastUpdateAt)}`);
  else if (s === ConnectionState.resuming) status('connection lost · resuming…');
  else if (s === ConnectionState.stale)
    status(`stale · last update ${time(client?.lastUpdateAt)} · still trying to reconnect…`);
  else if (s === ConnectionState.unauthorized)
    status(
      'Your access has expired or was refused: sign in again (open this page with a fresh token).',
    );
  else if (s === ConnectionState.connecting) status('connecting…');
}

// One refetch at a time; updates landing meanwhile cause one more.
let fetching = false;
let again = false;
async function refresh(client) {
  if (fetching) {
    again = true;
    return;
  }
  fetching = true;
  try {
    render(await client.refetch(org));
    if (client.state === ConnectionState.live) showState(ConnectionState.live, client);
  } catch (err) {
    status(`API ${err.status ?? ''}: ${err.message}`);
  } finally {
    fetching = false;
    if (again) {
      again = false;
      void refresh(client);
    }
  }
}

if (!token || !org) {
  status(
    'open this page as /?token=<gateway token>[&org=<org>]  (mint one: teampulse token --org <org>)',
  );
} else {
  let client;
  client = connect({
    url: location.origin,
    token,
    orgs: [org],
    from,
    to,
    onDashboard: render,
    onState: (s) => showState(s, client),
    onUpdate: (frame) => {
      state.frames.push(frame);
      state.lastSeq = frame.seq;
      void refresh(client);
    },
    onError: (err) => {
      if (err.status && err.status !== 401) status(`API ${err.status}: ${err.message}`);
    },
  });
  state.client = client;
}
