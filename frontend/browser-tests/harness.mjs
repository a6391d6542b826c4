// Starts the real `partners` server on a free port with a fresh data directory, creates users
// through its CLI, and opens Chromium pages that fail the test on console errors, page errors
// and CSP violations, with axe run on every page visited.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';

const frontendDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];
// The API answers these on purpose (signed out, not allowed, validation); Chromium logs each
// one as "Failed to load resource". Anything else, and any of these from a non-API URL, fails.
const EXPECTED_API_STATUSES = new Set([401, 403, 404, 409, 422]);

function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.on('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
}

export class App {
  /** @type {import('node:child_process').ChildProcess | null} */
  server = null;
  browser = null;
  logs = [];

  async start() {
    this.bin = resolve(frontendDir, process.env.PARTNERS_BIN ?? '../target/debug/partners');
    assert.ok(existsSync(this.bin), `no server binary at ${this.bin}: build it or set PARTNERS_BIN`);
    const dist = join(frontendDir, 'dist');
    assert.ok(existsSync(join(dist, 'index.html')), 'frontend/dist is missing: run npm run build first');
    this.dataDir = mkdtempSync(join(tmpdir(), 'partners-browser-'));
    const port = await freePort();
    this.baseUrl = `http://127.0.0.1:${port}`;
    this.env = { ...process.env, DATA_DIR: this.dataDir, BIND: `127.0.0.1:${port}`, PUBLIC_URL: this.baseUrl, FRONTEND_DIR: dist, LINK_CHECK: 'off' };
    delete this.env.DATABASE_URL;
    this.server = spawn(this.bin, ['serve', '--no-demo'], { env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
    for (const stream of [this.server.stdout, this.server.stderr]) stream.on('data', (d) => this.logs.push(String(d)));
    const exited = new Promise((_, fail) => this.server.once('exit', (code) => fail(new Error(`server exited (${code}):\n${this.logs.join('')}`))));
    await Promise.race([this.waitReady(), exited]);
    this.browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  }

  async waitReady() {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      try {
        const r = await fetch(`${this.baseUrl}/readyz`);
        if (r.status === 200) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`server not ready at ${this.baseUrl}/readyz within 60 s:\n${this.logs.join('')}`);
  }

  createUser(user) {
    const r = this.tryCreateUser(user);
    assert.ok(r.ok, `user create ${user.email} failed: ${r.output}`);
  }

  /** Creates a user through the CLI; returns whether it worked and what the CLI said. */
  tryCreateUser({ email, name, role, password, region }) {
    const args = ['user', 'create', '--email', email, '--name', name, '--role', role, '--password-stdin', '--verified'];
    if (region) args.push('--region', region);
    const r = spawnSync(this.bin, args, {
      env: this.env,
      input: `${password}\n`,
      encoding: 'utf8',
    });
    return { ok: r.status === 0, output: `${r.stderr}${r.stdout}` };
  }

  async stop() {
    await this.browser?.close().catch(() => {});
    if (this.server && this.server.exitCode === null) {
      const gone = new Promise((r) => this.server.once('exit', r));
      this.server.kill('SIGTERM');
      const timer = setTimeout(() => this.server.kill('SIGKILL'), 10_000);
      await gone;
      clearTimeout(timer);
    }
    if (this.dataDir) rmSync(this.dataDir, { recursive: true, force: true });
  }

  /** A separate browser profile (its own cookies) for one person. */
  async person() {
    const context = await this.browser.newContext({ baseURL: this.baseUrl, viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    const person = new Person(this, context, page);
    await person.watchCsp();
    return person;
  }
}

export class Person {
  problems = [];

  constructor(app, context, page) {
    this.app = app;
    this.context = context;
    this.page = page;
    page.on('pageerror', (err) => this.problems.push(`page error: ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() !== 'error') return;
      const text = msg.text();
      const status = /status of (\d{3})/.exec(text)?.[1];
      const url = msg.location()?.url ?? '';
      if (status && EXPECTED_API_STATUSES.has(Number(status)) && new URL(url, app.baseUrl).pathname.startsWith('/api/')) return;
      this.problems.push(`console error: ${text} (${url})`);
    });
    page.on('dialog', (d) => {
      this.problems.push(`unexpected dialog: ${d.message()}`);
      void d.dismiss();
    });
  }

  async watchCsp() {
    await this.page.exposeBinding('__reportCspViolation', (_src, v) => this.problems.push(`CSP violation: ${v}`));
    await this.page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        // @ts-ignore exposed by the harness
        window.__reportCspViolation(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`);
      });
    });
  }

  /** Fails if anything went wrong in the page since the last check. */
  assertClean() {
    const found = this.problems.splice(0);
    assert.deepEqual(found, [], `problems in the page:\n${found.join('\n')}`);
  }

  async axe(label) {
    const results = await new AxeBuilder({ page: this.page }).withTags(AXE_TAGS).analyze();
    const summary = results.violations.map(
      (v) => `${v.id} (${v.impact}): ${v.help}\n  ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join('\n  ')}`,
    );
    assert.deepEqual(summary, [], `axe found problems on ${label ?? this.page.url()}:\n${summary.join('\n')}`);
  }

  /** Waits for the app to settle on a page, then checks it is accessible and error-free. */
  async settled(expectedTitle, { axe = true } = {}) {
    await this.page.waitForLoadState('load');
    await this.page.waitForFunction(() => document.querySelector('#maincontent h1') !== null);
    if (expectedTitle) await this.page.waitForFunction((t) => document.title.startsWith(t), expectedTitle);
    // After a page change focus starts at its heading (or its error summary), as a reader would expect.
    const focused = await this.page.evaluate(() => {
      const el = document.activeElement;
      return el?.matches('#maincontent h1, #maincontent .nhsuk-error-summary') ? 'ok' : (el?.outerHTML.slice(0, 120) ?? 'nothing');
    });
    assert.equal(focused, 'ok', `focus is not on the main heading of ${this.page.url()}`);
    if (axe) await this.axe();
    this.assertClean();
  }

  /** Opens a page; `axe: false` when the caller runs axe itself once the page has grown. */
  async visit(path, expectedTitle, { axe = true } = {}) {
    await this.page.goto(path);
    await this.settled(expectedTitle, { axe });
  }

  h1() {
    return this.page.locator('#maincontent h1');
  }

  async signIn(email, password) {
    await this.visit('/sign-in', 'Sign in');
    await this.page.getByLabel('Email address').fill(email);
    await this.page.getByLabel('Password', { exact: true }).fill(password);
    await this.page.getByRole('button', { name: 'Sign in' }).click();
    await this.page.waitForURL((u) => u.pathname === '/');
    // With many links the header may move Sign out under its "More" menu: present is enough.
    await this.page.locator('#app-header a[href="/sign-out"]').first().waitFor({ state: 'attached' });
    await this.settled();
  }

  async signOut() {
    const link = this.page.locator('#app-header a[href="/sign-out"]').first();
    if (!(await link.isVisible())) {
      // The header's "More" menu holds the links that don't fit: open it first.
      await this.page.locator('#app-header .nhsuk-header__menu-toggle').click();
    }
    await link.click();
    await this.page.getByRole('heading', { level: 1, name: 'You have signed out' }).waitFor();
    await this.settled('You have signed out');
  }

  async close() {
    this.assertClean();
    await this.context.close();
  }
}

/**
 * The header link named `name` on `page`. With many links the header moves the ones that don't
 * fit under its "More" menu, where they are hidden until it is opened: open it when needed.
 */
export async function headerLink(page, name) {
  const link = page.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name });
  if ((await link.count()) === 0) {
    await page.locator('#app-header .nhsuk-header__menu-toggle').click();
  }
  return link;
}

/** Reads the newest link with `path?token=` from the outbox page, as an admin. */
export async function linkFromOutbox(admin, to, path) {
  await admin.visit(`/admin/outbox?to=${encodeURIComponent(to)}`, 'Mail outbox');
  const bodies = await admin.page.locator('.app-mail').allTextContents();
  const pattern = new RegExp(`https?://[^\\s"'<>]*${path.replace('/', '\\/')}\\?token=[^\\s"'<>]+`);
  for (const body of bodies) {
    const m = pattern.exec(body);
    if (m) return new URL(m[0]);
  }
  assert.fail(`no ${path} link in the outbox for ${to}:\n${bodies.join('\n---\n')}`);
}
