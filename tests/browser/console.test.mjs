// Browser tests of sessiond's Security console: playwright-core driving Debian's chromium
// headless against a real sessiond (and the test Redis and PostgreSQL of `scripts/services`).
// Run: npm ci && node --test   (ctest runs it as console_browser_tests)
// Env: SESSIOND_BINARY, SESSIONCTL_BINARY (default: ../../build-console/apps/...),
//      SESSIONPP_TEST_ARTIFACTS (screenshots; default ../../build-console/test-artifacts),
//      CI=true turns a missing store server from a skip into a failure.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const SESSIOND = process.env.SESSIOND_BINARY || path.join(root, 'build-console/apps/sessiond/sessiond');
const SESSIONCTL = process.env.SESSIONCTL_BINARY || path.join(root, 'build-console/apps/sessionctl/sessionctl');
const ARTIFACTS = process.env.SESSIONPP_TEST_ARTIFACTS || path.join(root, 'build-console/test-artifacts');
const REDIS_PORT = process.env.SESSIONPP_TEST_REDIS_PORT || '16379';
const REDIS_PASSWORD = process.env.SESSIONPP_TEST_REDIS_PASSWORD || 'sessionpp-test';
const IN_CI = !!process.env.CI && process.env.CI !== 'false' && process.env.CI !== '0';
const PG = 'postgresql://sessionpp:sessionpp-test@127.0.0.1:15432';
const CLUSTER_NODES = (process.env.SESSIONPP_TEST_REDIS_CLUSTER_NODES ||
  '127.0.0.1:17001,127.0.0.1:17002,127.0.0.1:17003,127.0.0.1:17004,127.0.0.1:17005,127.0.0.1:17006').split(',');
const CLUSTER_PASSWORD = process.env.SESSIONPP_TEST_REDIS_CLUSTER_PASSWORD || 'sessionpp-test';

fs.mkdirSync(ARTIFACTS, { recursive: true });

function hash(password) {
  return execFileSync(SESSIONCTL, ['hash-password'], { input: password + '\n' }).toString().trim();
}

let browser;
let hashes;
const nodes = [];

before(async () => {
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  hashes = { admin: hash('admin-pw'), alice: hash('alice-pw') };
});

after(async () => {
  await browser?.close();
  for (const n of nodes) n.stop();
});

function redisCli(args) {
  try {
    return execFileSync('redis-cli', ['-h', '127.0.0.1', '-p', REDIS_PORT, '--no-auth-warning',
      '-a', REDIS_PASSWORD, ...args]).toString();
  } catch (e) {
    return null;
  }
}

function needRedis(t) {
  if ((redisCli(['PING']) || '').includes('PONG')) return true;
  if (IN_CI) assert.fail(`Redis at 127.0.0.1:${REDIS_PORT} is down`);
  t.skip(`Redis at 127.0.0.1:${REDIS_PORT} is down`);
  return false;
}

function needCluster(t) {
  const [host, port] = [CLUSTER_NODES[0].slice(0, CLUSTER_NODES[0].lastIndexOf(':')),
    CLUSTER_NODES[0].slice(CLUSTER_NODES[0].lastIndexOf(':') + 1)];
  let info = '';
  try {
    info = execFileSync('redis-cli', ['-h', host, '-p', port, '--no-auth-warning', '-a', CLUSTER_PASSWORD,
      'CLUSTER', 'INFO']).toString();
  } catch (e) { /* down */ }
  if (info.includes('cluster_state:ok')) return true;
  if (IN_CI) assert.fail(`the Redis Cluster at ${CLUSTER_NODES[0]} is down`);
  t.skip(`the Redis Cluster at ${CLUSTER_NODES[0]} is down (scripts/services start redis-cluster)`);
  return false;
}

// A sessiond of this test's own: temp folder, config file, its own Redis key prefix.
async function startSessiond() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'console-browser-'));
  const prefix = 'cb' + crypto.randomBytes(5).toString('hex') + ':';
  const config = `[security]
session_timeout = "30m"

[security.session_persistence.redis]
key_prefix = "${prefix}"

[[security.users]]
username = "admin"
password_hash = "${hashes.admin}"
roles = ["admin", "user"]

[[security.users]]
username = "alice"
password_hash = "${hashes.alice}"
roles = ["user"]

[databases.main]
url = "${PG}/sessionpp"

[databases.readonly]
url = "${PG}/sessionpp_ro"
`;
  const file = path.join(dir, 'sessiond.toml');
  fs.writeFileSync(file, config);
  const portFile = path.join(dir, 'port');
  const out = fs.openSync(path.join(dir, 'output.log'), 'w');
  const child = spawn(SESSIOND, ['--config', file, '--listen', '127.0.0.1:0', '--port-file', portFile,
    '--node-name', 'browser-node'], { stdio: ['ignore', out, out] });
  const node = {
    dir, file, prefix, child,
    stop() { if (child.exitCode === null) child.kill('SIGKILL'); fs.rmSync(dir, { recursive: true, force: true }); },
  };
  nodes.push(node);
  for (let i = 0; i < 150 && !fs.existsSync(portFile); i++) await new Promise((r) => setTimeout(r, 100));
  const port = fs.readFileSync(portFile, 'utf8').trim();
  node.url = `http://127.0.0.1:${port}`;
  return node;
}

async function signIn(node, user, password) {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  const page = await context.newPage();
  await page.goto(node.url + '/login');
  await page.getByLabel('Username').fill(user);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(node.url + '/');
  return { context, page };
}

async function openConsole(node) {
  const s = await signIn(node, 'admin', 'admin-pw');
  const r = await s.page.goto(node.url + '/console/');
  assert.equal(r.status(), 200);
  // (waitForFunction would need 'unsafe-eval', which the console's CSP refuses.)
  await s.page.locator('#whoami', { hasText: 'Signed in as admin' }).waitFor();
  return s;
}

async function shot(page, name) {
  await page.screenshot({ path: path.join(ARTIFACTS, name), fullPage: true });
}

const errorOf = (page, field) => page.locator(`[id="${field}-error"]`);

test('anonymous gets 401 and a user without the admin role 403', async () => {
  const node = await startSessiond();
  const anon = await browser.newContext();
  const p = await anon.newPage();
  assert.equal((await p.goto(node.url + '/console/')).status(), 401);
  await anon.close();
  const { context, page } = await signIn(node, 'alice', 'alice-pw');
  assert.equal((await page.goto(node.url + '/console/')).status(), 403);
  const api = await page.evaluate(async () => (await fetch('/api/admin/security')).status);
  assert.equal(api, 403);
  await context.close();
});

test('switch to Redis, fill the fields, Test, Save: the file changes and a new login lands in Redis', async (t) => {
  if (!needRedis(t)) return;
  const node = await startSessiond();
  const { context, page } = await openConsole(node);
  await shot(page, 'console-overview.png');
  await page.getByLabel('Type').selectOption('redis');
  const redis = page.locator('#fields-redis');
  await redis.getByLabel('Host').fill('127.0.0.1');
  await redis.getByLabel('Port').fill(REDIS_PORT);
  await redis.getByLabel('Password', { exact: true }).fill(REDIS_PASSWORD);
  await redis.getByLabel('Database').fill('1');
  await page.getByRole('button', { name: 'Test connection' }).click();
  await page.locator('#status .ok', { hasText: 'Connection OK' }).waitFor();
  const before = fs.readFileSync(node.file, 'utf8');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.locator('#status .ok', { hasText: 'not carried over' }).waitFor();
  await shot(page, 'console-redis-saved.png');
  const after = fs.readFileSync(node.file, 'utf8');
  assert.notEqual(after, before);
  assert.match(after, /type = 'redis'/);
  assert.match(after, /port = 16379|port = \d+/);
  assert.ok(after.includes('alice'), 'users are kept');
  assert.ok(after.includes(node.prefix), 'the key prefix is kept');
  // The password field was emptied and the page says one is set; it is never sent back.
  assert.equal(await redis.getByLabel('Password', { exact: true }).inputValue(), '');
  assert.match(await page.locator('#redis-password-help').textContent(), /password is set/);
  const keysBefore = (redisCli(['-n', '1', '--scan', '--pattern', node.prefix + '*']) || '').trim();
  assert.equal(keysBefore, '');
  const other = await signIn(node, 'alice', 'alice-pw');
  const keysAfter = (redisCli(['-n', '1', '--scan', '--pattern', node.prefix + '*']) || '').trim();
  assert.ok(keysAfter.length > 0, 'the new login is stored in Redis under ' + node.prefix);
  await other.context.close();
  await context.close();
});

test('the JDBC dropdown lists the configured databases and refuses a read-only one with its reason', async () => {
  const node = await startSessiond();
  const { context, page } = await openConsole(node);
  await page.getByLabel('Type').selectOption('jdbc');
  const options = await page.locator('#jdbc-database option').allTextContents();
  assert.deepEqual(options, ['main (postgresql)', 'readonly (postgresql)']);
  await page.locator('#fields-jdbc').getByLabel('Database').selectOption('readonly');
  const before = fs.readFileSync(node.file, 'utf8');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.locator('#status .bad').waitFor();
  const message = await errorOf(page, 'jdbc.database').textContent();
  if (/unavailable|cannot connect/.test(message) && !IN_CI) {
    await context.close();
    return;  // PostgreSQL is down
  }
  assert.match(message, /read-only/);
  await shot(page, 'console-jdbc-read-only.png');
  assert.equal(fs.readFileSync(node.file, 'utf8'), before, 'nothing is saved');
  await context.close();
});

test('a bad port shows a field error and saves nothing', async () => {
  const node = await startSessiond();
  const { context, page } = await openConsole(node);
  await page.getByLabel('Type').selectOption('redis');
  const redis = page.locator('#fields-redis');
  await redis.getByLabel('Port').fill('99999');
  await redis.getByLabel('Host').fill('');
  const before = fs.readFileSync(node.file, 'utf8');
  await page.getByRole('button', { name: 'Save' }).click();
  await errorOf(page, 'redis.port').filter({ hasText: '65535' }).waitFor();
  assert.match(await errorOf(page, 'redis.host').textContent(), /required/);
  assert.equal(await redis.getByLabel('Port').getAttribute('aria-invalid'), 'true');
  await shot(page, 'console-field-errors.png');
  assert.equal(fs.readFileSync(node.file, 'utf8'), before);
  await context.close();
});

test('a change without the CSRF token is refused', async () => {
  const node = await startSessiond();
  const { context, page } = await openConsole(node);
  const status = await page.evaluate(async () => {
    const r = await fetch('/api/admin/security', {
      method: 'PUT', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ persistence: { type: 'in-memory' } }),
    });
    return r.status;
  });
  assert.equal(status, 403);
  const del = await page.evaluate(async () => (await fetch('/api/admin/users/alice/sessions', { method: 'DELETE' })).status);
  assert.equal(del, 403);
  await context.close();
});

test('end a session from the console: that browser is signed out', async () => {
  const node = await startSessiond();
  const alice = await signIn(node, 'alice', 'alice-pw');
  assert.match(await alice.page.content(), /alice/);
  const { context, page } = await openConsole(node);
  const row = page.locator('tr', { hasText: 'browser-node' }).filter({ has: page.getByRole('button', { name: /of alice$/ }) });
  await row.first().waitFor();
  await shot(page, 'console-sessions.png');
  await row.first().getByRole('button', { name: /End session/ }).click();
  await page.locator('#status .ok', { hasText: 'Session ended' }).waitFor();
  await alice.page.reload();
  assert.ok(await alice.page.getByRole('button', { name: 'Sign in' }).isVisible(), 'alice sees the sign-in form');
  await alice.context.close();
  await context.close();
});

test('every field is labelled and the form works from the keyboard', async () => {
  const node = await startSessiond();
  const { context, page } = await openConsole(node);
  const unlabelled = await page.evaluate(() =>
    [...document.querySelectorAll('input, select, textarea')].filter((e) => e.labels.length === 0).map((e) => e.id));
  assert.deepEqual(unlabelled, []);
  // Tab to the type select, choose JDBC with the arrow keys, tab to "Test connection", Enter.
  await page.locator('#max_sessions_per_user').focus();
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'type');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.locator('#type').inputValue(), 'jdbc');
  assert.ok(await page.locator('#fields-jdbc').isVisible());
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'jdbc-database');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'test');
  await page.keyboard.press('Enter');
  await page.locator('#status p').filter({ hasText: /Connection OK|unavailable|cannot connect/ }).waitFor();
  await context.close();
});

test('Redis mode: each mode shows its own fields only', async () => {
  const node = await startSessiond();
  const { context, page } = await openConsole(node);
  await page.getByLabel('Type').selectOption('redis');
  const redis = page.locator('#fields-redis');
  const visible = async (id) => page.locator('#' + id).isVisible();
  assert.equal(await redis.getByLabel('Mode').inputValue(), 'standalone');
  for (const id of ['redis-host', 'redis-port', 'redis-database', 'redis-password']) assert.ok(await visible(id), id);
  for (const id of ['redis-cluster_nodes', 'redis-sentinels', 'redis-master_name', 'redis-sentinel_password']) {
    assert.ok(!(await visible(id)), id);
  }
  await redis.getByLabel('Mode').selectOption('sentinel');
  for (const id of ['redis-sentinels', 'redis-master_name', 'redis-sentinel_password', 'redis-password', 'redis-database']) {
    assert.ok(await visible(id), id);
  }
  for (const id of ['redis-host', 'redis-port', 'redis-cluster_nodes']) assert.ok(!(await visible(id)), id);
  // A sentinel form without its fields: both errors, each next to its field.
  const before = fs.readFileSync(node.file, 'utf8');
  await page.getByRole('button', { name: 'Save' }).click();
  await errorOf(page, 'redis.sentinels').filter({ hasText: 'at least one' }).waitFor();
  assert.match(await errorOf(page, 'redis.master_name').textContent(), /required/);
  assert.equal(await redis.getByLabel('Master name').getAttribute('aria-invalid'), 'true');
  await shot(page, 'console-redis-sentinel-errors.png');
  assert.equal(fs.readFileSync(node.file, 'utf8'), before, 'nothing is saved');
  await redis.getByLabel('Mode').selectOption('standalone');
  assert.ok(await visible('redis-host'));
  assert.ok(!(await visible('redis-sentinels')));
  await context.close();
});

test('Redis Cluster: Cluster shows the nodes and hides host and port; a bad node is refused next to the field; a valid cluster saves', async (t) => {
  if (!needCluster(t)) return;
  const node = await startSessiond();
  const { context, page } = await openConsole(node);
  await page.getByLabel('Type').selectOption('redis');
  const redis = page.locator('#fields-redis');
  await redis.getByLabel('Mode').selectOption('cluster');
  assert.ok(await redis.getByLabel('Cluster nodes').isVisible());
  assert.ok(!(await redis.getByLabel('Host').isVisible()), 'host is hidden in cluster mode');
  assert.ok(!(await redis.getByLabel('Port').isVisible()), 'port is hidden in cluster mode');
  assert.ok(!(await redis.getByLabel('Database').isVisible()), 'cluster mode has database 0 only');

  const before = fs.readFileSync(node.file, 'utf8');
  await redis.getByLabel('Cluster nodes').fill(CLUSTER_NODES[0] + '\nnot-a-node\n');
  await redis.getByLabel('Password', { exact: true }).fill(CLUSTER_PASSWORD);
  await page.getByRole('button', { name: 'Save' }).click();
  await errorOf(page, 'redis.cluster_nodes').filter({ hasText: 'not-a-node' }).waitFor();
  assert.match(await errorOf(page, 'redis.cluster_nodes').textContent(), /HOST:PORT/);
  assert.equal(await redis.getByLabel('Cluster nodes').getAttribute('aria-invalid'), 'true');
  await shot(page, 'console-redis-cluster-error.png');
  assert.equal(fs.readFileSync(node.file, 'utf8'), before, 'nothing is saved');

  // Blank lines and spaces are dropped; commas work as well as new lines.
  await redis.getByLabel('Cluster nodes').fill(` ${CLUSTER_NODES[0]} ,\n\n ${CLUSTER_NODES[1]}\n`);
  await page.getByRole('button', { name: 'Save' }).click();
  await page.locator('#status .ok', { hasText: 'not carried over' }).waitFor();
  await shot(page, 'console-redis-cluster-saved.png');
  const after = fs.readFileSync(node.file, 'utf8');
  assert.match(after, /mode = 'cluster'/);
  assert.ok(after.includes(`cluster_nodes = [ '${CLUSTER_NODES[0]}', '${CLUSTER_NODES[1]}' ]`), after);
  assert.ok(!after.includes('sentinels'), after);
  assert.ok(after.includes(node.prefix), 'the key prefix is kept');
  // The page shows what was saved: the nodes one per line, the password field empty.
  assert.equal(await redis.getByLabel('Mode').inputValue(), 'cluster');
  assert.equal(await redis.getByLabel('Cluster nodes').inputValue(), CLUSTER_NODES[0] + '\n' + CLUSTER_NODES[1]);
  assert.equal(await redis.getByLabel('Password', { exact: true }).inputValue(), '');
  assert.match(await page.locator('#redis-password-help').textContent(), /password is set/);
  // A new login lands in the cluster and its page shows the signed-in user.
  const other = await signIn(node, 'alice', 'alice-pw');
  assert.match(await other.page.content(), /alice/);
  await other.context.close();
  await context.close();
});
