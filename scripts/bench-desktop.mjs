// The desktop benchmark's runs (see scripts/bench-desktop): Callside and an empty Tauri
// window, both built as the installers build them (the `dist` profile), each started
// several times under WebDriver on this X display. Measures cold start to an
// interactive page, steady memory of the process tree (PSS and RSS from
// /proc/<pid>/smaps_rollup, the app and its WebKit processes), and for Callside a call
// event to the painted caller panel against the demo org with 150 ms added to every
// request, uncached and cached, beside the moment the data was ready. The empty window
// runs twice: with WebKit's defaults, and with the web view settings Callside makes on
// Linux (src-tauri/src/webview.rs); the targets compare like with like.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync, existsSync, chmodSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { appEnv, freePort, root, sleep, startFakeOrg, tempDir, waitFor } from '../tests/e2e/harness.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const SETTLE_MS = Number(process.env.BENCH_SETTLE_MS ?? 4000);
const LATENCY_MS = 150;
const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';
const out = join(root, 'target/bench-desktop');
mkdirSync(out, { recursive: true });

// Built with the installers' profile by scripts/bench-desktop.
const callsideBin = join(root, 'target/dist/callside-app');
const emptyBin = join(root, 'target/dist/empty-window');

// ---- processes and memory ------------------------------------------------

function readProc(pid, file) {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'latin1');
  } catch {
    return null;
  }
}

function pids() {
  return readdirSync('/proc').filter((name) => /^\d+$/.test(name)).map(Number);
}

/** The app process: its binary, started with this tag in its environment. */
function findApp(binary, tag) {
  for (const pid of pids()) {
    const command = readProc(pid, 'cmdline');
    const environ = readProc(pid, 'environ');
    if (command?.startsWith(binary) && environ?.split('\0').includes(`BENCH_TAG=${tag}`)) return pid;
  }
  return null;
}

/** The pid and every descendant (the WebKit web and network processes). */
function tree(pid) {
  const parent = new Map();
  for (const p of pids()) {
    const stat = readProc(p, 'stat');
    if (!stat) continue;
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    parent.set(p, ppid);
  }
  const members = new Set([pid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [p, pp] of parent) {
      if (!members.has(p) && members.has(pp)) {
        members.add(p);
        grew = true;
      }
    }
  }
  return [...members];
}

function memory(pid) {
  let rss = 0;
  let pss = 0;
  const processes = [];
  for (const p of tree(pid)) {
    const rollup = readProc(p, 'smaps_rollup');
    if (!rollup) continue;
    const kb = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(rollup)?.[1] ?? 0);
    const name = (readProc(p, 'comm') ?? '').trim();
    processes.push({ pid: p, name, rssKb: kb('Rss'), pssKb: kb('Pss') });
    rss += kb('Rss');
    pss += kb('Pss');
  }
  return { rssMb: rss / 1024, pssMb: pss / 1024, processes };
}

/** Ends the session's app: WebDriver closes it, and what outlives that is killed. */
async function endApp(session, binary, tag) {
  const pid = findApp(binary, tag);
  await session.close();
  if (pid === null) return;
  try {
    await waitFor('the app to end', () => findApp(binary, tag) === null, 5000);
  } catch {
    for (const p of tree(pid)) {
      try {
        process.kill(p, 'SIGKILL');
      } catch {
        // gone already
      }
    }
    await waitFor('the app to be killed', () => findApp(binary, tag) === null, 5000);
  }
  // The session bus lets go of a single-instance name a moment after its process ends.
  await sleep(1000);
}

// ---- WebDriver -------------------------------------------------------------

/**
 * The web view settings Callside makes on Linux (src-tauri/src/webview.rs, `SETTINGS`);
 * each run below sets them, or leaves them out, on purpose.
 */
const WEBVIEW_SETTINGS = [
  ['WEBKIT_DISABLE_COMPOSITING_MODE', '1'],
  ['JSC_useJIT', 'false'],
];

async function startDriver(env) {
  const port = await freePort();
  const nativePort = await freePort();
  const installed = join(homedir(), '.cargo/bin/tauri-driver');
  const childEnv = { ...process.env, ...env };
  for (const [name, value] of Object.entries(childEnv)) if (value === undefined) delete childEnv[name];
  const child = spawn(existsSync(installed) ? installed : 'tauri-driver', ['--port', String(port), '--native-port', String(nativePort)], {
    env: childEnv,
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  const base = `http://127.0.0.1:${port}`;
  await waitFor('tauri-driver', async () => (await fetch(`${base}/status`)).ok);
  return {
    base,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(5000)]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

async function webdriver(url, method, body) {
  const response = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await response.json();
  if (!response.ok) throw new Error(`${method} ${url}: ${JSON.stringify(json.value)}`);
  return json.value;
}

async function newSession(driver, application) {
  const value = await webdriver(`${driver.base}/session`, 'POST', {
    capabilities: { alwaysMatch: { 'tauri:options': { application } } },
  });
  const url = `${driver.base}/session/${value.sessionId}`;
  return {
    run: (script, args = []) => webdriver(`${url}/execute/sync`, 'POST', { script, args }),
    /** Runs a script that calls its last argument when done; the page is not polled meanwhile. */
    wait: (script, args = []) => webdriver(`${url}/execute/async`, 'POST', { script, args }),
    async click(css) {
      const found = await webdriver(`${url}/element`, 'POST', { using: 'css selector', value: css });
      await webdriver(`${url}/element/${found[ELEMENT]}/click`, 'POST', {});
    },
    close: () => fetch(url, { method: 'DELETE' }).catch(() => {}),
  };
}

/**
 * Milliseconds from asking for a session (the app starts) until `ready` holds in the page,
 * by the page's own clock: the page checks itself, WebDriver does not poll it.
 */
async function coldStart(driver, application, ready) {
  const started = Date.now();
  const session = await newSession(driver, application);
  // A script given to a page that then navigates is lost: ask again.
  for (let attempt = 0; ; attempt++) {
    try {
      const readyAt = await session.wait(
        `const done = arguments[arguments.length - 1];
         const check = () => { try { if (${ready}) return done(performance.timeOrigin + performance.now()); } catch {} setTimeout(check, 2); };
         check();`,
      );
      return { session, ms: readyAt - started };
    } catch (error) {
      if (attempt >= 20) throw error;
      await sleep(10);
    }
  }
}

/** Milliseconds from a small DOM change to two animation frames later: this display's paint. */
const TWO_FRAMES = `
  const done = arguments[arguments.length - 1];
  const start = performance.now();
  const probe = document.createElement('p');
  probe.textContent = 'frame probe ' + start;
  document.body.append(probe);
  requestAnimationFrame(() => requestAnimationFrame(() => {
    probe.remove();
    done(performance.now() - start);
  }));`;

async function twoFrames(session) {
  const samples = [];
  for (let i = 0; i < 5; i++) {
    samples.push(await session.wait(TWO_FRAMES));
    await sleep(200);
  }
  return median(samples);
}

// ---- statistics ------------------------------------------------------------

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const fmt = (value, digits = 0) => value.toFixed(digits);

// ---- the empty window ------------------------------------------------------

/**
 * The empty window with WebKit's defaults (`asCallside: false`), or with the web view
 * settings Callside makes on Linux (src-tauri/src/webview.rs): the fair yardstick.
 */
async function benchEmpty({ asCallside }) {
  const tag = `empty-${process.pid}-${asCallside ? 'as-callside' : 'default'}`;
  const settings = Object.fromEntries(WEBVIEW_SETTINGS.map(([name, value]) => [name, asCallside ? value : undefined]));
  const driver = await startDriver({ BENCH_TAG: tag, ...settings });
  const runs = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      const { session, ms } = await coldStart(driver, emptyBin, "document.readyState === 'complete' && !!document.getElementById('ready')");
      await sleep(SETTLE_MS);
      const pid = findApp(emptyBin, tag);
      if (!pid) throw new Error('the empty window process was not found');
      runs.push({ interactiveMs: ms, ...memory(pid), twoFramesMs: await twoFrames(session) });
      await endApp(session, emptyBin, tag);
    }
  } finally {
    await driver.stop();
  }
  return runs;
}

// ---- Callside --------------------------------------------------------------

/** The "lookup answered" log lines' times (ms since the epoch). */
function answeredTimes(log) {
  const times = [];
  for (const line of readFileSync(log, 'utf8').split('\n')) {
    if (!line.includes('lookup answered')) continue;
    const match = /(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?Z/.exec(line.replace(/\x1b\[[0-9;]*m/g, ''));
    if (!match) continue;
    times.push(Date.parse(`${match[1]}Z`) + Number(match[2] ?? 0) * 1000);
  }
  return times;
}

// Resolves window.__paint with the times (ms since the epoch) the caller's name reached
// the DOM and, two animation frames later, the screen.
const WATCH_PAINT = `
  const want = arguments[0];
  const panel = document.getElementById('caller-panel');
  window.__paint = new Promise((resolve) => {
    const observer = new MutationObserver(() => {
      if (panel.textContent.includes(want) && !panel.hidden) {
        observer.disconnect();
        const dom = performance.timeOrigin + performance.now();
        requestAnimationFrame(() => requestAnimationFrame(() => {
          resolve({ dom, painted: performance.timeOrigin + performance.now() });
        }));
      }
    });
    observer.observe(panel, { childList: true, subtree: true, characterData: true, attributes: true });
  });
  return true;`;

async function popAndTime(session, eventsUrl, token, log, number, name) {
  await session.run(WATCH_PAINT, [name]);
  const before = answeredTimes(log).length;
  const sent = Date.now();
  const response = await fetch(eventsUrl, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ event: 'ringing', number, direction: 'inbound' }),
  });
  if (response.status !== 202) throw new Error(`the call event was refused: ${response.status}`);
  const { dom, painted } = await session.wait('window.__paint.then(arguments[arguments.length - 1]);');
  const ready = await waitFor('the lookup log line', () => answeredTimes(log)[before] ?? false, 5000);
  return {
    eventToPaintMs: painted - sent,
    eventToDataMs: ready - sent,
    dataToDomMs: dom - ready,
    dataToPaintMs: painted - ready,
  };
}

async function benchCallside() {
  const org = await startFakeOrg();
  const tag = `callside-${process.pid}`;
  const eventsPort = await freePort();
  const log = join(out, 'callside-app.log');
  writeFileSync(log, '');
  // The app's log goes to a file: WebDriver starts the binary through this wrapper.
  const wrapper = join(out, 'callside-app-logged');
  writeFileSync(wrapper, `#!/bin/sh\nexec "${callsideBin}" "$@" 2>>"${log}"\n`);
  chmodSync(wrapper, 0o755);
  const env = await appEnv(org, {
    BENCH_TAG: tag,
    // Callside makes its own web view settings (src-tauri/src/webview.rs).
    ...Object.fromEntries(WEBVIEW_SETTINGS.map(([name]) => [name, undefined])),
    CALLSIDE_EVENTS_PORT: String(eventsPort),
    CALLSIDE_LOG: 'warn,callside_app::commands=debug',
    CALLSIDE_DATA_DIR: tempDir('callside-bench-data-'),
  });
  const eventsUrl = `http://127.0.0.1:${eventsPort}/v1/call-events`;
  const driver = await startDriver(env);
  const runs = [];
  try {
    // Signed in once; every measured start resumes that session, as a rep's day starts.
    {
      const { session } = await coldStart(driver, wrapper, "document.documentElement.dataset.ready === 'true'");
      await session.click('#signin-button');
      await waitFor('sign-in', async () => (await session.run("return document.getElementById('session-status').textContent;")).includes('Signed in'));
      await endApp(session, callsideBin, tag);
    }
    await org.setLatency(LATENCY_MS);
    for (let i = 0; i < RUNS; i++) {
      const { session, ms } = await coldStart(
        driver,
        wrapper,
        "document.documentElement.dataset.ready === 'true' && document.getElementById('session-status').textContent.includes('Signed in')",
      );
      const token = readFileSync(join(env.CALLSIDE_DATA_DIR, 'events-token'), 'utf8').trim();
      await waitFor('the call-event endpoint', async () => (await fetch(eventsUrl, { method: 'POST' })).status === 401);
      // The cache starts empty each run (Clear cache in the footer).
      const uncached = await popAndTime(session, eventsUrl, token, log, '+17205550111', 'Dana Whitfield');
      await sleep(1500); // the related records and the refresh behind the pop come in
      await popAndTime(session, eventsUrl, token, log, '+17205550133', 'Priya Raman');
      await sleep(1500);
      const cached = await popAndTime(session, eventsUrl, token, log, '+17205550111', 'Dana Whitfield');
      await sleep(SETTLE_MS);
      const pid = findApp(callsideBin, tag);
      if (!pid) throw new Error('the Callside process was not found');
      runs.push({ interactiveMs: ms, uncached, cached, ...memory(pid), twoFramesMs: await twoFrames(session) });
      await session.click('#clear-cache-button');
      await session.click('#clear-cache-confirm');
      await sleep(500);
      await endApp(session, callsideBin, tag);
    }
  } finally {
    await driver.stop();
    await org.stop();
  }
  return runs;
}

// ---- report ------------------------------------------------------------------

const emptyDefault = await benchEmpty({ asCallside: false });
const empty = await benchEmpty({ asCallside: true });
const callside = await benchCallside();
const m = (runs, pick) => median(runs.map(pick));
const windowFigures = (runs) => ({
  interactiveMs: m(runs, (r) => r.interactiveMs),
  pssMb: m(runs, (r) => r.pssMb),
  rssMb: m(runs, (r) => r.rssMb),
  twoFramesMs: m(runs, (r) => r.twoFramesMs),
});
const pop = (pick) => ({
  eventToDataMs: m(callside, (r) => pick(r).eventToDataMs),
  eventToPaintMs: m(callside, (r) => pick(r).eventToPaintMs),
  dataToDomMs: m(callside, (r) => pick(r).dataToDomMs),
  dataToPaintMs: m(callside, (r) => pick(r).dataToPaintMs),
});
const figures = {
  runs: RUNS,
  latencyMs: LATENCY_MS,
  // The yardstick the targets use: with Callside's web view settings.
  empty: windowFigures(empty),
  // For reference: with WebKit's defaults.
  emptyDefault: windowFigures(emptyDefault),
  callside: { ...windowFigures(callside), uncached: pop((r) => r.uncached), cached: pop((r) => r.cached) },
};
const targets = {
  interactive: figures.callside.interactiveMs - figures.empty.interactiveMs <= 150,
  memory: figures.callside.pssMb - figures.empty.pssMb <= 40,
  paint: Math.max(figures.callside.uncached.dataToPaintMs, figures.callside.cached.dataToPaintMs) <= 50,
};
writeFileSync(
  join(out, 'results.json'),
  `${JSON.stringify({ figures, targets, empty, emptyDefault, callside }, null, 2)}\n`,
);

const c = figures.callside;
const e = figures.empty;
const d = figures.emptyDefault;
const plus = (value, digits = 0) => `${value >= 0 ? '+' : ''}${fmt(value, digits)}`;
const rows = [
  ['cold start to interactive window', `${fmt(d.interactiveMs)} ms`, `${fmt(e.interactiveMs)} ms`, `${fmt(c.interactiveMs)} ms`, `${plus(c.interactiveMs - e.interactiveMs)} ms (target ≤ +150 ms)`],
  ['steady memory, PSS (process tree)', `${fmt(d.pssMb, 1)} MB`, `${fmt(e.pssMb, 1)} MB`, `${fmt(c.pssMb, 1)} MB`, `${plus(c.pssMb - e.pssMb, 1)} MB (target ≤ +40 MB)`],
  ['steady memory, RSS (process tree)', `${fmt(d.rssMb, 1)} MB`, `${fmt(e.rssMb, 1)} MB`, `${fmt(c.rssMb, 1)} MB`, `${plus(c.rssMb - e.rssMb, 1)} MB`],
  ['a small DOM change → two frames later (this display)', `${fmt(d.twoFramesMs)} ms`, `${fmt(e.twoFramesMs)} ms`, `${fmt(c.twoFramesMs)} ms`, ''],
  ['call event → data ready in the app, uncached', '', '', `${fmt(c.uncached.eventToDataMs)} ms`, ''],
  ['data ready → caller in the page (DOM), uncached', '', '', `${fmt(c.uncached.dataToDomMs)} ms`, ''],
  ['call event → painted panel, uncached', '', '', `${fmt(c.uncached.eventToPaintMs)} ms`, `${fmt(c.uncached.dataToPaintMs)} ms after the data (target ≤ 50 ms)`],
  ['call event → data ready in the app, cached', '', '', `${fmt(c.cached.eventToDataMs)} ms`, ''],
  ['data ready → caller in the page (DOM), cached', '', '', `${fmt(c.cached.dataToDomMs)} ms`, ''],
  ['call event → painted panel, cached', '', '', `${fmt(c.cached.eventToPaintMs)} ms`, `${fmt(c.cached.dataToPaintMs)} ms after the data (target ≤ 50 ms)`],
];
console.log(`\nDesktop benchmark: medians of ${RUNS} runs, installer (dist) builds, ${LATENCY_MS} ms added to every demo-org request\n`);
console.log('| measure | empty window, WebKit defaults | empty window, set up as Callside | Callside | Callside − empty (set up alike) |');
console.log('|---|---|---|---|---|');
for (const row of rows) console.log(`| ${row.join(' | ')} |`);
console.log(`\ntargets: interactive ${targets.interactive ? 'met' : 'MISSED'}, memory ${targets.memory ? 'met' : 'MISSED'}, paint ${targets.paint ? 'met' : 'MISSED'}`);
console.log(`all runs: ${join(out, 'results.json')}`);
