// The Security console: talks to /api/admin/* with the CSRF token the server hands out.
'use strict';

let csrfToken = '';
const $ = (id) => document.getElementById(id);
const TYPES = ['in-memory', 'redis', 'jdbc', 'mongodb'];

function status(text, ok) {
  const box = $('status');
  box.textContent = '';
  if (!text) return;
  const p = document.createElement('p');
  p.className = ok ? 'ok' : 'bad';
  p.textContent = text;
  box.appendChild(p);
}

function signedOut(message) {
  status(message || 'You are signed out.', false);
  const a = document.createElement('a');
  a.href = '/login';
  a.textContent = 'Sign in again';
  $('status').appendChild(a);
}

async function api(method, path, body) {
  const headers = { 'Accept': 'application/json' };
  if (method !== 'GET') headers['X-CSRF-Token'] = csrfToken;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(path, {
    method, headers, credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  let data = {};
  const text = await res.text();
  try { data = text ? JSON.parse(text) : {}; } catch (e) { data = { error: text }; }
  return { status: res.status, data };
}

function showType() {
  const type = $('type').value;
  for (const t of TYPES) {
    const fs = $('fields-' + t);
    fs.hidden = t !== type;
    fs.disabled = t !== type;
  }
}

// Shows the Redis fields of the chosen mode only; hidden ones are disabled (not sent, not tabbed).
function showRedisMode() {
  const mode = $('redis-mode').value;
  for (const el of document.querySelectorAll('[data-redis-modes]')) {
    const on = el.dataset.redisModes.split(' ').includes(mode);
    el.hidden = !on;
    for (const input of el.querySelectorAll('input, select, textarea')) input.disabled = !on;
  }
}

// A textarea of "host:port" entries, one per line or separated by commas -> the list.
function endpointList(id) {
  return $(id).value.split(/[\n,]/).map((e) => e.trim()).filter((e) => e !== '');
}

function clearErrors() {
  for (const el of document.querySelectorAll('.error')) el.textContent = '';
  for (const el of document.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
}

const FIELD_INPUT = {
  'authentication': 'authentication', 'session_timeout': 'session_timeout',
  'max_sessions_per_user': 'max_sessions_per_user', 'type': 'type',
  'redis.host': 'redis-host', 'redis.port': 'redis-port', 'redis.password': 'redis-password',
  'redis.database': 'redis-database', 'redis.mode': 'redis-mode',
  'redis.cluster_nodes': 'redis-cluster_nodes', 'redis.sentinels': 'redis-sentinels',
  'redis.master_name': 'redis-master_name', 'redis.sentinel_password': 'redis-sentinel_password',
  'jdbc.database': 'jdbc-database',
  'mongodb.host': 'mongodb-host', 'mongodb.port': 'mongodb-port',
  'mongodb.database': 'mongodb-database', 'mongodb.username': 'mongodb-username',
  'mongodb.password': 'mongodb-password',
};

function showErrors(data) {
  const errors = data.errors || {};
  let first = null;
  for (const [field, message] of Object.entries(errors)) {
    const box = $(field + '-error') || $('config-error');
    box.textContent = message;
    const input = $(FIELD_INPUT[field] || '');
    if (input) {
      input.setAttribute('aria-invalid', 'true');
      first = first || input;
    }
  }
  if (first) first.focus();
}

function passwordHelp(id, set) {
  $(id + '-help').textContent = set
    ? 'A password is set. Leave this empty to keep it.'
    : 'No password is set.';
}

function fill(s) {
  $('authentication').checked = !!s.authentication;
  $('session_timeout').value = s.session_timeout;
  $('max_sessions_per_user').value = String(s.max_sessions_per_user);
  const p = s.persistence;
  $('type').value = p.type;
  $('redis-host').value = p.redis.host;
  $('redis-port').value = String(p.redis.port);
  $('redis-database').value = String(p.redis.database);
  $('redis-password').value = '';
  passwordHelp('redis-password', p.redis.password_set);
  $('redis-mode').value = p.redis.mode || 'standalone';
  $('redis-cluster_nodes').value = (p.redis.cluster_nodes || []).join('\n');
  $('redis-sentinels').value = (p.redis.sentinels || []).join('\n');
  $('redis-master_name').value = p.redis.master_name || '';
  $('redis-sentinel_password').value = '';
  passwordHelp('redis-sentinel_password', p.redis.sentinel_password_set);
  showRedisMode();
  const select = $('jdbc-database');
  select.textContent = '';
  if (s.databases.length === 0) {
    const o = document.createElement('option');
    o.value = '';
    o.textContent = '(no [databases] configured)';
    select.appendChild(o);
  }
  for (const db of s.databases) {
    const o = document.createElement('option');
    o.value = db.name;
    o.textContent = db.name + ' (' + db.kind + ')';
    select.appendChild(o);
  }
  if (p.jdbc.database) select.value = p.jdbc.database;
  $('mongodb-host').value = p.mongodb.host;
  $('mongodb-port').value = String(p.mongodb.port);
  $('mongodb-database').value = p.mongodb.database;
  $('mongodb-username').value = p.mongodb.username;
  $('mongodb-password').value = '';
  passwordHelp('mongodb-password', p.mongodb.password_set);
  showType();
}

function formBody() {
  const type = $('type').value;
  const body = {
    authentication: $('authentication').checked,
    session_timeout: $('session_timeout').value.trim(),
    max_sessions_per_user: $('max_sessions_per_user').value.trim(),
    persistence: { type },
  };
  if (type === 'redis') {
    const mode = $('redis-mode').value;
    const redis = { mode, password: $('redis-password').value };
    if (mode === 'standalone') {
      redis.host = $('redis-host').value.trim();
      redis.port = $('redis-port').value.trim();
    } else if (mode === 'cluster') {
      redis.cluster_nodes = endpointList('redis-cluster_nodes');
    } else {
      redis.sentinels = endpointList('redis-sentinels');
      redis.master_name = $('redis-master_name').value.trim();
      redis.sentinel_password = $('redis-sentinel_password').value;
    }
    if (mode !== 'cluster') redis.database = $('redis-database').value.trim() || '0';
    body.persistence.redis = redis;
  } else if (type === 'jdbc') {
    body.persistence.jdbc = { database: $('jdbc-database').value };
  } else if (type === 'mongodb') {
    body.persistence.mongodb = {
      host: $('mongodb-host').value.trim(), port: $('mongodb-port').value.trim(),
      database: $('mongodb-database').value.trim(), username: $('mongodb-username').value.trim(),
      password: $('mongodb-password').value,
    };
  }
  return body;
}

async function load() {
  const { status: code, data } = await api('GET', '/api/admin/security');
  if (code === 401) return signedOut('You are signed out.');
  if (code !== 200) return status(data.error || ('error ' + code), false);
  csrfToken = data.csrf_token;
  $('whoami').textContent = 'Signed in as ' + data.user + ' · node ' + data.node +
      ' · store in use: ' + data.store_in_use;
  fill(data);
  await loadSessions();
}

function setBusy(busy) {
  $('test').disabled = busy;
  $('save').disabled = busy;
}

async function submit(save) {
  clearErrors();
  status(save ? 'Testing the connection, then saving…' : 'Testing the connection…', true);
  setBusy(true);
  try {
    const res = save ? await api('PUT', '/api/admin/security', formBody())
                     : await api('POST', '/api/admin/security/test', formBody());
    if (res.status === 401) return signedOut('You are signed out.');
    if (res.status === 400) {
      showErrors(res.data);
      return status('Not ' + (save ? 'saved' : 'tested') + ': ' + res.data.error, false);
    }
    if (res.status !== 200) {
      const field = $('type').value === 'jdbc' ? 'jdbc.database-error' : 'config-error';
      $(field).textContent = res.data.error || '';
      return status((save ? 'Not saved: ' : '') + (res.data.error || ('error ' + res.status)), false);
    }
    if (!save) return status('Connection OK: ' + res.data.message, true);
    status(res.data.message, true);
    fill(res.data);
    $('whoami').textContent = 'Signed out by the change · node ' + res.data.node +
        ' · store in use: ' + res.data.store_in_use;
    $('sessions').textContent = 'Sign in again to see the sessions in the new store.';
    // The previous store held this browser's session: it is not carried over.
    const again = document.createElement('a');
    again.href = '/login';
    again.textContent = 'Sign in again';
    $('status').appendChild(again);
  } catch (e) {
    status('Request failed: ' + e.message, false);
  } finally {
    setBusy(false);
  }
}

function cell(row, text, code) {
  const td = document.createElement('td');
  if (code) {
    const c = document.createElement('code');
    c.textContent = text;
    td.appendChild(c);
  } else {
    td.textContent = text;
  }
  row.appendChild(td);
}

// "2026-01-31T12:00:00.000Z" -> "2026-01-31 12:00:00 UTC"
function when(iso) {
  return iso.replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

async function loadSessions() {
  const user = $('sessions-user').value.trim();
  const { status: code, data } = await api(
      'GET', '/api/admin/sessions' + (user ? '?user=' + encodeURIComponent(user) : ''));
  const box = $('sessions');
  box.textContent = '';
  if (code === 401) return signedOut('You are signed out.');
  if (code !== 200) {
    const p = document.createElement('p');
    p.className = 'error';
    p.textContent = data.error || ('error ' + code);
    box.appendChild(p);
    return;
  }
  for (const u of data.users) {
    const head = document.createElement('div');
    head.className = 'user-head';
    const h = document.createElement('h3');
    h.textContent = u.user + ' — ' + u.sessions.length + ' session' + (u.sessions.length === 1 ? '' : 's');
    head.appendChild(h);
    if (u.sessions.length > 0) {
      const all = document.createElement('button');
      all.type = 'button';
      all.className = 'danger';
      all.textContent = 'Sign ' + u.user + ' out everywhere';
      all.addEventListener('click', () => endUser(u.user));
      head.appendChild(all);
    }
    box.appendChild(head);
    if (u.sessions.length === 0) continue;
    const table = document.createElement('table');
    const cap = document.createElement('caption');
    cap.className = 'help';
    cap.textContent = 'Sessions of ' + u.user;
    table.appendChild(cap);
    const hr = document.createElement('tr');
    for (const t of ['Handle', 'Created', 'Last access', 'Expires', 'Node', '']) {
      const th = document.createElement('th');
      th.scope = 'col';
      th.textContent = t;
      hr.appendChild(th);
    }
    table.appendChild(hr);
    for (const s of u.sessions) {
      const tr = document.createElement('tr');
      tr.dataset.handle = s.handle;
      cell(tr, s.handle.slice(0, 12) + '…' + (s.current ? ' (this browser)' : ''), true);
      tr.firstChild.title = s.handle;
      cell(tr, when(s.created_at));
      cell(tr, when(s.last_accessed_at));
      cell(tr, s.expires_at ? when(s.expires_at) : 'never');
      cell(tr, s.node || '—');
      const td = document.createElement('td');
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'danger';
      b.textContent = 'End this session';
      b.setAttribute('aria-label', 'End session ' + s.handle + ' of ' + u.user);
      b.addEventListener('click', () => endSession(s.handle));
      td.appendChild(b);
      tr.appendChild(td);
      table.appendChild(tr);
    }
    box.appendChild(table);
  }
}

async function endSession(handle) {
  const res = await api('DELETE', '/api/admin/sessions/' + encodeURIComponent(handle));
  if (res.status === 204) status('Session ended.', true);
  else status(res.data.error || ('error ' + res.status), false);
  await loadSessions();
}

async function endUser(user) {
  const res = await api('DELETE', '/api/admin/users/' + encodeURIComponent(user) + '/sessions');
  if (res.status === 200) status('Signed ' + user + ' out everywhere (' + res.data.removed + ' sessions).', true);
  else status(res.data.error || ('error ' + res.status), false);
  await loadSessions();
}

document.addEventListener('DOMContentLoaded', () => {
  $('type').addEventListener('change', () => { clearErrors(); showType(); });
  $('redis-mode').addEventListener('change', () => { clearErrors(); showRedisMode(); });
  $('test').addEventListener('click', () => submit(false));
  $('security-form').addEventListener('submit', (e) => { e.preventDefault(); submit(true); });
  $('sessions-filter').addEventListener('submit', (e) => { e.preventDefault(); loadSessions(); });
  load();
});
