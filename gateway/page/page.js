// The dashboard page's script, bundled with the client library into /app.js at gateway start
// (bundle-page.ts). The view (org, range) is in the URL; for each view the library fetches
// the dashboard and follows /ws; a commits:update for the org makes the page refetch and
// redraw, flashing what changed. A refused token stops everything: "sign in again".
import { connect, ConnectionState } from '../../client/mod.ts';
import { clearDashboard, renderDashboard, showAllDevelopersFrom } from './render.js';
import { delegateCells } from './svg-kit.js';
import { presetOf, presetRange, readView, viewUrl } from './view-state.js';

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
const claims = (() => {
  try {
    return JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
  } catch {
    return {};
  }
})();
const orgs = Array.isArray(claims.orgs) ? claims.orgs.map(String) : [];
const $ = (id) => document.getElementById(id);

/** What tests and the render bench read: `window.teampulse`. */
const state = (window.teampulse = {
  view: undefined,
  frames: [],
  dashboard: undefined,
  lastSeq: undefined,
  fetches: 0,
  states: [],
  flashed: [],
  firstRenderMs: undefined,
});

const tip = $('tip');
for (const id of ['series', 'calendar', 'punch']) delegateCells($(id), tip);

function showError(err) {
  const what = {
    bad_date: 'This range cannot be shown',
    bad_range: 'This range cannot be shown',
    range_too_long: 'This range is too long',
    forbidden_org: 'This org is not open to you',
  }[err.code];
  const head = what ?? `The gateway answered ${err.status || 'nothing'}`;
  $('error').textContent = `${head}: ${err.message}.`;
  $('error').hidden = false;
  $('error').dataset.code = err.code ?? '';
}

const time = (ms) => (ms ? new Date(ms).toLocaleTimeString() : 'never');
function showState(s, client) {
  if (state.states[state.states.length - 1] !== s) state.states.push(s);
  document.body.dataset.state = s;
  const status = (t) => ($('status').textContent = t);
  if (s === ConnectionState.live) status(`live · last update ${time(client?.lastUpdateAt)}`);
  else if (s === ConnectionState.resuming) status('connection lost · resuming…');
  else if (s === ConnectionState.stale)
    status(`stale · last update ${time(client?.lastUpdateAt)} · reconnecting…`);
  else if (s === ConnectionState.unauthorized)
    status(
      'Your access has expired or was refused: sign in again (open this page with a fresh token).',
    );
  else if (s === ConnectionState.connecting) status('connecting…');
  else if (s === ConnectionState.closed) status('stopped');
}

/** Fills the pickers from the view; the preset buttons say which one is on. */
function showView(view) {
  const picker = $('org-picker');
  const choices = orgs.includes(view.org) || !view.org ? orgs : [...orgs, view.org];
  picker.replaceChildren(
    ...choices.map((o) => {
      const opt = document.createElement('option');
      opt.value = o;
      opt.textContent = o;
      return opt;
    }),
  );
  picker.value = view.org;
  $('from-input').value = view.from;
  $('to-input').value = view.to;
  const preset = presetOf(view);
  for (const b of document.querySelectorAll('.presets button')) {
    b.setAttribute('aria-pressed', String(Number(b.dataset.days) === preset));
  }
}

let client;
let viewId = 0;
// One refetch at a time; updates landing meanwhile cause one more.
let fetching = false;
let again = false;

async function refresh(c, id) {
  if (fetching) {
    again = true;
    return;
  }
  fetching = true;
  try {
    const d = await c.refetch(state.view.org);
    if (id !== viewId) return;
    draw(d, true);
    if (c.state === ConnectionState.live) showState(ConnectionState.live, c);
  } catch (err) {
    if (id === viewId && err.status && err.status !== 401) showError(err);
  } finally {
    fetching = false;
    if (again && id === viewId) {
      again = false;
      void refresh(c, id);
    }
  }
}

function draw(d, flash) {
  state.fetches++;
  state.dashboard = d;
  if (state.lastSeq === undefined || d.asOfSeq > state.lastSeq) state.lastSeq = d.asOfSeq;
  $('error').hidden = true;
  const first = state.firstRenderMs === undefined;
  if (first) performance.mark('teampulse:render-start');
  const flashed = renderDashboard(d, { flash });
  if (flash) state.flashed = flashed;
  if (first) {
    // Layout included: reading a size makes the browser lay the new panels out now.
    void document.body.offsetHeight;
    performance.mark('teampulse:first-render');
    state.firstRenderMs = performance.measure(
      'teampulse:time-to-first-render',
      'teampulse:fetch-start',
      'teampulse:first-render',
    ).duration;
  }
}

/** Shows a view: stops following the previous one, fetches and follows this one. */
function start(view) {
  client?.close();
  const id = ++viewId;
  state.view = view;
  state.frames = [];
  state.lastSeq = undefined;
  fetching = false;
  again = false;
  showView(view);
  clearDashboard();
  $('error').hidden = true;
  if (state.firstRenderMs === undefined) performance.mark('teampulse:fetch-start');
  let c;
  let first = true;
  c = client = connect({
    url: location.origin,
    token,
    orgs: [view.org],
    from: view.from,
    to: view.to,
    onDashboard: (d) => {
      draw(d, !first);
      first = false;
    },
    onState: (s) => id === viewId && showState(s, c),
    onUpdate: (frame) => {
      state.frames.push(frame);
      state.lastSeq = frame.seq;
      void refresh(c, id);
    },
    onError: (err) => {
      if (id === viewId && err.status && err.status !== 401) showError(err);
    },
  });
  state.client = c;
}

/** A new view chosen on the page: a new history entry, then show it. */
function go(view) {
  history.pushState(null, '', viewUrl(view));
  start(view);
}

if (!token || orgs.length === 0) {
  $('status').textContent =
    'open this page as /?token=<gateway token>[&org=<org>]  (mint one: teampulse token --org <org>)';
} else {
  $('org-picker').addEventListener('change', (e) => go({ ...state.view, org: e.target.value }));
  $('view-form').addEventListener('submit', (e) => {
    e.preventDefault();
    go({ ...state.view, from: $('from-input').value, to: $('to-input').value });
  });
  for (const b of document.querySelectorAll('.presets button')) {
    b.addEventListener('click', () =>
      go({ ...state.view, ...presetRange(Number(b.dataset.days)) }),
    );
  }
  $('more-devs').addEventListener('click', () => {
    if (state.dashboard) showAllDevelopersFrom(state.dashboard);
  });
  addEventListener('popstate', () => start(readView(orgs)));
  // Charts are drawn at their box's width: redraw (without flashing) when it changes.
  let resized;
  let lastWidth = innerWidth;
  addEventListener('resize', () => {
    clearTimeout(resized);
    resized = setTimeout(() => {
      if (innerWidth === lastWidth || !state.dashboard) return;
      lastWidth = innerWidth;
      renderDashboard(state.dashboard, { flash: false });
    }, 150);
  });
  // Keep "last update" honest while nothing happens.
  setInterval(() => {
    if (client?.state === ConnectionState.live) showState(ConnectionState.live, client);
  }, 15_000);
  start(readView(orgs));
}
