'use strict';
// express-session + connect-redis peer of sessiond for bench/http/run: the same routes and the
// same behaviour (see issue #3's HTTP API), sessions in Redis.
//
//   POST /api/login  {"username","password"}  -> 200 {"user","roles"} + cookie SESSION; bad -> 401
//   GET  /api/session                          -> 200 JSON (user, roles, times, attributes); 401 anonymous
//   PUT  /api/session/attributes/:name  body   -> 204 (raw body stored as the value); 401 anonymous
//   GET  /healthz                              -> 200
//
// Environment (defaults): PEER_HOST (127.0.0.1), PEER_PORT (18081), PEER_WORKERS (1; 2 or more
// runs a node:cluster with that many workers), PEER_USER (alice), PEER_PASSWORD (bench-password),
// REDIS_HOST (127.0.0.1), REDIS_PORT (16379), REDIS_PASSWORD (sessionpp-test), REDIS_DB (5),
// SESSION_SECRET (a fixed benchmark secret).

const cluster = require('node:cluster');
const crypto = require('node:crypto');

const env = (name, fallback) => process.env[name] ?? fallback;
const host = env('PEER_HOST', '127.0.0.1');
const port = Number(env('PEER_PORT', '18081'));
const workers = Number(env('PEER_WORKERS', '1'));
const user = env('PEER_USER', 'alice');
const password = env('PEER_PASSWORD', 'bench-password');
const redisHost = env('REDIS_HOST', '127.0.0.1');
const redisPort = Number(env('REDIS_PORT', '16379'));
const redisPassword = env('REDIS_PASSWORD', 'sessionpp-test');
const redisDb = Number(env('REDIS_DB', '5'));
const timeoutSeconds = 30 * 60;

if (workers > 1 && cluster.isPrimary) {
  let shuttingDown = false;
  for (let i = 0; i < workers; i++) cluster.fork();
  cluster.on('exit', (worker, code, signal) => {
    if (!shuttingDown) console.error(`express peer: worker ${worker.process.pid} exited (${signal || code})`);
  });
  const stop = () => {
    shuttingDown = true;
    for (const id in cluster.workers) cluster.workers[id].process.kill('SIGTERM');
    setTimeout(() => process.exit(0), 2000).unref();
    cluster.on('exit', () => {
      if (Object.keys(cluster.workers).length === 0) process.exit(0);
    });
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  console.log(`express peer: primary ${process.pid}, ${workers} workers on http://${host}:${port}`);
} else {
  main().catch((err) => {
    console.error(`express peer: ${err.message}`);
    process.exit(1);
  });
}

function sameSecret(given, expected) {
  const a = Buffer.from(String(given));
  const b = Buffer.from(expected);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

async function main() {
  const express = require('express');
  const session = require('express-session');
  const { RedisStore } = require('connect-redis');
  const { createClient } = require('redis');

  const client = createClient({
    socket: { host: redisHost, port: redisPort },
    password: redisPassword,
    database: redisDb,
  });
  client.on('error', (err) => console.error(`express peer: redis ${redisHost}:${redisPort}: ${err.message}`));
  await client.connect();

  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.use(
    session({
      name: 'SESSION',
      secret: env('SESSION_SECRET', 'sessionpp-bench-secret'),
      store: new RedisStore({ client, prefix: 'peer-express:', ttl: timeoutSeconds }),
      resave: false,
      saveUninitialized: false,
      rolling: false,
      cookie: { httpOnly: true, sameSite: 'lax', path: '/', secure: false },
    }),
  );
  app.use((req, res, next) => {
    res.set('X-Served-By', `express-${process.pid}`);
    next();
  });

  app.get('/healthz', (req, res) => res.type('text/plain').send('ok\n'));

  app.post('/api/login', express.json({ limit: '64kb' }), (req, res, next) => {
    const body = req.body || {};
    if (body.username !== user || !sameSecret(body.password ?? '', password)) {
      return res.status(401).json({ error: 'bad credentials' });
    }
    // A login always ends with a new id.
    req.session.regenerate((err) => {
      if (err) return next(err);
      const now = Date.now();
      req.session.user = user;
      req.session.roles = ['user'];
      req.session.createdAt = now;
      req.session.attributes = {};
      res.json({ user, roles: ['user'] });
    });
  });

  const signedIn = (req, res, next) => {
    if (!req.session || !req.session.user) return res.status(401).json({ error: 'not signed in' });
    next();
  };

  app.get('/api/session', signedIn, (req, res) => {
    const s = req.session;
    const now = Date.now();
    res.json({
      user: s.user,
      roles: s.roles,
      handle: req.sessionID.slice(0, 8),
      created_at: new Date(s.createdAt).toISOString(),
      last_accessed_at: new Date(now).toISOString(),
      expires_at: new Date(now + timeoutSeconds * 1000).toISOString(),
      max_inactive_seconds: timeoutSeconds,
      attributes: s.attributes || {},
    });
  });

  app.put(
    '/api/session/attributes/:name',
    signedIn,
    express.text({ type: () => true, limit: '64kb' }),
    (req, res) => {
      const attributes = req.session.attributes || {};
      attributes[req.params.name] = typeof req.body === 'string' ? req.body : '';
      req.session.attributes = attributes;
      res.status(204).end();
    },
  );

  app.use((err, req, res, next) => {
    console.error(`express peer: ${err.message}`);
    if (res.headersSent) return next(err);
    res.status(503).set('Retry-After', '1').json({ error: 'session store unavailable' });
  });

  const server = app.listen(port, host, () => {
    if (!cluster.isWorker) console.log(`express peer: ${process.pid} on http://${host}:${port}`);
  });
  server.keepAliveTimeout = 65000;
  const stop = () => {
    server.close(() => client.quit().finally(() => process.exit(0)));
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
