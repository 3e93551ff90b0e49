// Starts the real pieces for an end-to-end run: the demo org, tauri-driver (which starts
// WebKitWebDriver and, per session, the real app binary), and a tiny W3C WebDriver client.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, homedir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const artifacts = join(root, 'tests', 'artifacts');
const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

export function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function waitFor(what, check, timeoutMs = 20000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      last = await check();
      if (last) return last;
    } catch (error) {
      last = error;
    }
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what} (last: ${last})`);
}

function startProcess(command, args, env) {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  child.output = () => output;
  return child;
}

async function stopProcess(child) {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  // SIGTERM lets tauri-driver stop its WebKitWebDriver child too.
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(5000)]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

/**
 * Ends app processes left behind by a WebDriver session (WebKitWebDriver does not always
 * end the app on DELETE /session): those started with this data directory.
 */
export function killLeftoverApps(dataDir) {
  if (!dataDir) return;
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const environ = readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0');
      const command = readFileSync(`/proc/${pid}/cmdline`, 'latin1');
      if (command.includes('callside-app') && environ.includes(`CALLSIDE_DATA_DIR=${dataDir}`)) {
        process.kill(Number(pid), 'SIGKILL');
      }
    } catch {
      // gone already, or not ours to read
    }
  }
}

/** The demo org on a free port. */
export async function startFakeOrg() {
  const port = await freePort();
  const child = startProcess(join(root, 'target/debug/callside-fake-org'), ['--port', String(port)], {});
  const url = `http://127.0.0.1:${port}`;
  await waitFor('the demo org', async () => (await fetch(`${url}/services/data/`)).ok);
  return {
    url,
    async records(type) {
      return (await fetch(`${url}/__admin/records/${type}`)).json();
    },
    async setLatency(ms) {
      const response = await fetch(`${url}/__admin/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ latencyMs: ms }),
      });
      if (!response.ok) throw new Error(`setting latency failed: ${response.status}`);
    },
    /** Every request the org received so far: `{method, path, query, status, body, fault}`. */
    async requests() {
      return (await fetch(`${url}/__admin/requests`)).json();
    },
    /** Sets latency, API usage and limit or fault rules (see the fake org's admin.rs). */
    async setFaults(faults) {
      const response = await fetch(`${url}/__admin/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(faults),
      });
      if (!response.ok) throw new Error(`setting faults failed: ${response.status}`);
      return response.json();
    },
    stop: () => stopProcess(child),
  };
}

/**
 * The app's environment for a run against `org`: its own callback port, data and config
 * directories, and the demo org's browser stand-in; `extra` adds or overrides.
 */
export async function appEnv(org, extra = {}) {
  return {
    CALLSIDE_LOGIN_URL: org.url,
    CALLSIDE_CLIENT_ID: 'CallsideDemoConsumerKey',
    CALLSIDE_CALLBACK_PORT: String(await freePort()),
    CALLSIDE_DATA_DIR: tempDir('callside-e2e-data-'),
    CALLSIDE_CONFIG: join(tempDir('callside-e2e-config-'), 'config.toml'),
    CALLSIDE_REGION: 'US',
    BROWSER: join(root, 'tests/support/headless-browser'),
    ...extra,
  };
}

/** tauri-driver with the app's environment; `session()` starts the real app. */
export async function startDriver(appEnv) {
  const port = await freePort();
  const nativePort = await freePort();
  const driverBin = existsSync(join(homedir(), '.cargo/bin/tauri-driver'))
    ? join(homedir(), '.cargo/bin/tauri-driver')
    : 'tauri-driver';
  const child = startProcess(driverBin, ['--port', String(port), '--native-port', String(nativePort)], appEnv);
  const base = `http://127.0.0.1:${port}`;
  await waitFor('tauri-driver', async () => (await fetch(`${base}/status`)).ok);
  return {
    async session() {
      const response = await fetch(`${base}/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          capabilities: { alwaysMatch: { 'tauri:options': { application: join(root, 'target/debug/callside-app') } } },
        }),
      });
      const body = await response.json();
      if (!response.ok) throw new Error(`new session failed: ${JSON.stringify(body)}\n${child.output()}`);
      return new Session(`${base}/session/${body.value.sessionId}`);
    },
    output: () => child.output(),
    async stop() {
      await stopProcess(child);
      killLeftoverApps(appEnv.CALLSIDE_DATA_DIR);
    },
  };
}

class Session {
  constructor(url) {
    this.url = url;
  }

  async command(method, path, body) {
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await response.json();
    if (!response.ok) throw new Error(`${method} ${path}: ${JSON.stringify(json.value)}`);
    return json.value;
  }

  async find(css) {
    const value = await this.command('POST', '/element', { using: 'css selector', value: css });
    return value[ELEMENT];
  }

  async findAll(css) {
    const values = await this.command('POST', '/elements', { using: 'css selector', value: css });
    return values.map((v) => v[ELEMENT]);
  }

  async click(css) {
    const id = await this.find(css);
    // As a person would: scroll the control into the middle of the panel, then click it.
    await this.command('POST', '/execute/sync', {
      script: 'arguments[0].scrollIntoView({block: "center"});',
      args: [{ [ELEMENT]: id }],
    });
    await this.command('POST', `/element/${id}/click`, {});
  }

  async type(css, text) {
    const id = await this.find(css);
    await this.command('POST', `/element/${id}/clear`, {});
    await this.command('POST', `/element/${id}/value`, { text });
  }

  async text(css) {
    return this.command('GET', `/element/${await this.find(css)}/text`);
  }

  /** The DOM text of an element, visible or scrolled away. */
  async textContent(css) {
    return this.command('POST', '/execute/sync', {
      script: 'const e = document.querySelector(arguments[0]); return e ? e.textContent : null;',
      args: [css],
    });
  }

  /** Sets a control's value (a <select> option, say) and fires `change`, as a pick would. */
  async setValue(css, value) {
    const found = await this.command('POST', '/execute/sync', {
      script:
        'const e = document.querySelector(arguments[0]); if (!e) return false; ' +
        'e.value = arguments[1]; e.dispatchEvent(new Event("change", { bubbles: true })); return e.value === arguments[1];',
      args: [css, value],
    });
    if (!found) throw new Error(`${css} could not be set to ${value}`);
  }

  async waitForText(css, expected, timeoutMs = 20000) {
    return waitFor(`${css} to show ${expected}`, async () => {
      const text = await this.text(css);
      return text.includes(expected) ? text : false;
    }, timeoutMs);
  }

  async screenshot(name) {
    mkdirSync(artifacts, { recursive: true });
    const path = join(artifacts, name);
    writeFileSync(path, Buffer.from(await this.command('GET', '/screenshot'), 'base64'));
    return path;
  }

  async close() {
    await fetch(this.url, { method: 'DELETE' }).catch(() => {});
  }
}

export function tempDir(prefix) {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function readJson(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}
