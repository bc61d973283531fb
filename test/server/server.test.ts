// The composed server: startTestServer over both adapters, health and metrics, the signing
// key and registration token kept across restarts, and `myelin start` as an operator runs it.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildConfig } from '../../src/config/index.js';
import { registrationPolicy } from '../../src/server/registration-token.js';
import { kernelsUnderTest } from '../helpers/kernels.js';
import { startTestServer } from '../helpers/server.js';

const repoRoot = resolve(new URL('.', import.meta.url).pathname, '..', '..', '..');

describe('composed server', () => {
  for (const adapter of ['node', 'uws'] as const) {
    it(`serves over ${adapter}: health, versions, errors, metrics with per-route latency`, async () => {
      const t = await startTestServer({ adapter });
      try {
        assert.equal(t.adapter, adapter);
        assert.match(t.url, /^http:\/\/127\.0\.0\.1:\d+$/);
        const health = await fetch(`${t.url}/health`);
        assert.equal(health.status, 200);
        assert.equal(await health.text(), 'OK');
        const versions = (await (await fetch(`${t.url}/_matrix/client/versions`)).json()) as { versions: string[] };
        assert.ok(versions.versions.includes('v1.1'));
        const unknown = await fetch(`${t.url}/_matrix/client/v3/capabilities`, { headers: { authorization: 'Bearer nope' } });
        assert.equal(unknown.status, 401);
        assert.equal(((await unknown.json()) as { errcode: string }).errcode, 'M_UNKNOWN_TOKEN');
        const metrics = await fetch(`${t.url}/_myelin/metrics`);
        assert.equal(metrics.status, 200);
        const text = await metrics.text();
        assert.match(text, /myelin_http_request_duration_seconds_count\{route="\/_matrix\/client\/versions",method="GET",status="200"\} 1/);
        assert.match(text, /myelin_http_request_duration_seconds_count\{route="\/_matrix\/client\/\{v\}\/capabilities",method="GET",status="401"\} 1/);
        assert.match(text, /# TYPE myelin_events_persisted_total counter/);
        assert.match(text, /# TYPE myelin_sync_waiters gauge/);
        // the same server through inject()
        const injected = await t.inject({ path: '/_matrix/client/versions' });
        assert.equal(injected.status, 200);
        assert.deepEqual(injected.json.versions, versions.versions);
      } finally {
        await t.close();
      }
    });
  }

  it('declared rate limits are enforced end to end (register class, keyed by client IP)', async () => {
    const t = await startTestServer({ adapter: 'none', config: { rate_limits: { enabled: true, register: { per_second: 0.01, burst: 2 } } } });
    try {
      const ask = (ip: string) => t.inject({ path: '/_matrix/client/v3/register/available?username=somebody', remoteAddress: ip });
      assert.equal((await ask('10.0.0.1')).status, 200);
      assert.equal((await ask('10.0.0.1')).status, 200);
      const limited = await ask('10.0.0.1');
      assert.equal(limited.status, 429);
      assert.equal(limited.json.errcode, 'M_LIMIT_EXCEEDED');
      assert.ok(limited.json.retry_after_ms > 0 && limited.json.retry_after_ms <= 100_000, `retry_after_ms ${limited.json.retry_after_ms}`);
      assert.equal((await ask('10.0.0.2')).status, 200, 'another client has its own bucket');
    } finally {
      await t.close();
    }
  });

  it('a registered user\'s token authenticates (UserService wired): capabilities over both adapters', async () => {
    for (const adapter of ['node', 'uws'] as const) {
      const t = await startTestServer({ adapter });
      try {
        const reg = async (body: Record<string, unknown>) => {
          const r = await fetch(`${t.url}/_matrix/client/v3/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
          return { status: r.status, json: (await r.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
        };
        const first = await reg({ username: 'carol', password: 'a long enough password' });
        let done = first;
        if (first.status === 401) done = await reg({ username: 'carol', password: 'a long enough password', auth: { type: 'm.login.dummy', session: first.json.session } });
        assert.equal(done.status, 200, JSON.stringify(done.json));
        const token = done.json.access_token as string;
        const caps = await fetch(`${t.url}/_matrix/client/v3/capabilities`, { headers: { authorization: `Bearer ${token}` } });
        assert.equal(caps.status, 200);
        const body = (await caps.json()) as { capabilities: Record<string, unknown> };
        assert.deepEqual(body.capabilities['m.3pid_changes'], { enabled: false });
        const legacy = await fetch(`${t.url}/_matrix/client/r0/capabilities?access_token=${encodeURIComponent(token)}`);
        assert.equal(legacy.status, 200);
      } finally {
        await t.close();
      }
    }
  });

  it('logs: one line per request with a request id; no tokens or passwords, even at debug', async () => {
    const lines: string[] = [];
    const t = await startTestServer({ adapter: 'none', log: 'debug', logStream: { write: (l) => { lines.push(l); } } });
    try {
      const password = 'correct horse battery staple';
      const first = await t.inject({ method: 'POST', path: '/_matrix/client/v3/register', body: { username: 'dave', password } });
      const done = first.status === 401
        ? await t.inject({ method: 'POST', path: '/_matrix/client/v3/register', body: { username: 'dave', password, auth: { type: 'm.login.dummy', session: first.json.session } } })
        : first;
      assert.equal(done.status, 200, done.text);
      const token = done.json.access_token as string;
      assert.equal((await t.inject({ path: `/_matrix/client/v3/capabilities?access_token=${token}` })).status, 200);
      assert.equal((await t.inject({ path: '/_matrix/client/v3/capabilities', accessToken: token })).status, 200);
      const login = await t.inject({ method: 'POST', path: '/_matrix/client/v3/login', body: { type: 'm.login.password', identifier: { type: 'm.id.user', user: 'dave' }, password } });
      assert.equal(login.status, 200, login.text);
      await new Promise((r) => setTimeout(r, 50));
      const all = lines.join('');
      assert.ok(!all.includes(token), 'access token never logged');
      assert.ok(!all.includes(login.json.access_token), 'new access token never logged');
      assert.ok(!all.includes(password), 'password never logged');
      const requests = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'request');
      assert.ok(requests.length >= 4);
      const ids = requests.map((r) => r.requestId);
      assert.equal(new Set(ids).size, ids.length, 'request ids are distinct');
      const caps = requests.find((r) => r.route === '/_matrix/client/{v}/capabilities');
      assert.equal(caps?.user, '@dave:localhost');
      assert.equal(caps?.status, 200);
    } finally {
      await t.close();
    }
  });

  it('composed end to end over both adapters: register, createRoom, send, sync wakes; close() ends a pending long-poll', async () => {
    for (const adapter of ['node', 'uws'] as const) {
      const t = await startTestServer({ adapter });
      try {
        const call = async (method: string, path: string, token?: string, body?: unknown) => {
          const r = await fetch(`${t.url}${path}`, {
            method, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
            body: body === undefined ? undefined : JSON.stringify(body),
          });
          return { status: r.status, json: (await r.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
        };
        let reg = await call('POST', '/_matrix/client/v3/register', undefined, { username: 'erin', password: 'erin password 123' });
        if (reg.status === 401) reg = await call('POST', '/_matrix/client/v3/register', undefined, { username: 'erin', password: 'erin password 123', auth: { type: 'm.login.dummy', session: reg.json.session } });
        assert.equal(reg.status, 200, JSON.stringify(reg.json));
        const token = reg.json.access_token as string;
        const room = await call('POST', '/_matrix/client/v3/createRoom', token, { name: 'lobby' });
        assert.equal(room.status, 200, JSON.stringify(room.json));
        const first = await call('GET', '/_matrix/client/v3/sync', token);
        assert.equal(first.status, 200, JSON.stringify(first.json));
        assert.ok(first.json.rooms?.join?.[room.json.room_id], 'the new room is in the initial sync');
        // a long-poll that a send wakes up
        const since = first.json.next_batch as string;
        const waiting = call('GET', `/_matrix/client/v3/sync?since=${encodeURIComponent(since)}&timeout=20000`, token);
        await new Promise((r) => setTimeout(r, 100));
        const sent = await call('PUT', `/_matrix/client/v3/rooms/${encodeURIComponent(room.json.room_id)}/send/m.room.message/t1`, token, { msgtype: 'm.text', body: 'hello' });
        assert.equal(sent.status, 200, JSON.stringify(sent.json));
        const woke = await waiting;
        assert.equal(woke.status, 200);
        const timeline = woke.json.rooms.join[room.json.room_id].timeline.events as { event_id: string }[];
        assert.ok(timeline.some((e) => e.event_id === sent.json.event_id), 'the sent event arrives through the long-poll');
        // shutdown with a long-poll pending: it is answered, and close() does not wait 20 s
        const pending = call('GET', `/_matrix/client/v3/sync?since=${encodeURIComponent(woke.json.next_batch)}&timeout=20000`, token).catch((e: unknown) => ({ status: 0, json: { error: String(e) } as Record<string, unknown> }));
        await new Promise((r) => setTimeout(r, 100));
        const t0 = Date.now();
        await t.close();
        assert.ok(Date.now() - t0 < 5000, `close() took ${Date.now() - t0} ms`);
        const last = await pending;
        assert.equal(last.status, 200, 'the pending sync is answered (empty) rather than cut off');
      } finally {
        await t.close();
      }
    }
  });

  it('metrics can be moved or turned off', async () => {
    const t = await startTestServer({ adapter: 'none', config: { metrics: { path: '/metrics' } } });
    try {
      assert.equal((await t.inject({ path: '/metrics' })).status, 200);
      assert.equal((await t.inject({ path: '/_myelin/metrics' })).status, 404);
    } finally {
      await t.close();
    }
    const off = await startTestServer({ adapter: 'none', config: { metrics: { enabled: false } } });
    try {
      assert.equal((await off.inject({ path: '/_myelin/metrics' })).status, 404);
    } finally {
      await off.close();
    }
  });

  it('the signing key is generated once and reused after a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'myelin-restart-'));
    try {
      const a = await startTestServer({ adapter: 'none', storePath: dir });
      const k1 = a.server.signingKey;
      await a.close();
      assert.equal(k1.generated, true);
      assert.match(k1.keyId, /^ed25519:a_[A-Za-z0-9_-]{4}$/);
      assert.equal(k1.seed.length, 32);
      const b = await startTestServer({ adapter: 'none', storePath: dir });
      const k2 = b.server.signingKey;
      // the public key really is the seed's
      assert.equal(b.services.kernels.base64Encode(b.services.kernels.ed25519PublicKey(k2.seed)), k2.publicKeyBase64);
      await b.close();
      assert.equal(k2.generated, false);
      assert.equal(k2.keyId, k1.keyId);
      assert.equal(k2.publicKeyBase64, k1.publicKeyBase64);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('registration policy: generated token is stored and reused; config token; open; disabled', () => {
    const dir = mkdtempSync(join(tmpdir(), 'myelin-regtoken-'));
    try {
      const cfg = (registration: Record<string, unknown>) => buildConfig({ source: 'test', values: { store: { path: dir }, registration } });
      const first = registrationPolicy(cfg({}));
      assert.equal(first.tokenSource, 'generated');
      assert.match(first.token ?? '', /^[A-Za-z0-9._~-]{16,64}$/);
      assert.equal(readFileSync(join(dir, 'registration_token'), 'utf8').trim(), first.token);
      const again = registrationPolicy(cfg({}));
      assert.equal(again.tokenSource, 'stored');
      assert.equal(again.token, first.token);
      assert.deepEqual(registrationPolicy(cfg({ token: 'fixed-token' })), { enabled: true, allowGuests: false, open: false, token: 'fixed-token', tokenSource: 'config' });
      assert.equal(registrationPolicy(cfg({ open: true })).open, true);
      assert.equal(registrationPolicy(cfg({ open: true })).token, undefined);
      assert.equal(registrationPolicy(cfg({ enabled: false })).enabled, false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('myelin start', () => {
  function start(cwd: string, env: Record<string, string> = {}) {
    const child = spawn(process.execPath, [join(repoRoot, 'bin', 'myelin.js'), 'start'], {
      cwd, env: { ...process.env, MYELIN_LISTEN_PORT: '0', MYELIN_LOGGING_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
    const ready = new Promise<{ url: string; token: string }>((res, rej) => {
      const timer = setTimeout(() => rej(new Error(`no start-up lines within 20 s:\n${out}\n${err}`)), 20000);
      const check = () => {
        const url = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
        const token = /registration token(?: \(new\))?: (\S+)/.exec(out)?.[1];
        if (url && token) { clearTimeout(timer); res({ url, token }); }
      };
      child.stdout.on('data', check);
      void exited.then((code) => rej(new Error(`exited ${code} before starting:\n${out}\n${err}`)));
    });
    return { child, ready, exited, output: () => out, errors: () => err };
  }

  it('with no config: localhost, LMDB under ./data, a printed registration token reused on restart, clean stop on SIGTERM', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'myelin-start-'));
    try {
      const a = start(cwd);
      const { url, token } = await a.ready;
      assert.match(a.output(), /myelin: localhost on http:\/\/127\.0\.0\.1:\d+ \(http: (uws|node).*kernels: (native|wasm|js)/);
      assert.match(a.output(), /registration token \(new\)/);
      const wk = (await (await fetch(`${url}/.well-known/matrix/client`)).json()) as Record<string, { base_url: string }>;
      assert.equal(wk['m.homeserver']!.base_url, `${url}/`, 'port 0 resolves to the real port in public_baseurl');
      assert.ok(existsSync(join(cwd, 'data', 'data.mdb')), 'LMDB under ./data');
      a.child.kill('SIGTERM');
      assert.equal(await a.exited, 0, `${a.output()}\n${a.errors()}`);
      assert.match(a.output(), /SIGTERM, stopping/);

      const b = start(cwd);
      const second = await b.ready;
      assert.equal(second.token, token, 'the same token after a restart');
      assert.doesNotMatch(b.output(), /\(new\)/);
      b.child.kill('SIGINT');
      assert.equal(await b.exited, 0, `${b.output()}\n${b.errors()}`);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });

  it('starts with each kernel path that loads here (accel: native, wasm, js) and says which one serves', async () => {
    for (const k of kernelsUnderTest()) {
      const cwd = mkdtempSync(join(tmpdir(), `myelin-start-${k.path}-`));
      try {
        const s = start(cwd, { MYELIN_ACCEL: k.path });
        const { url } = await s.ready;
        assert.match(s.output(), new RegExp(`kernels: ${k.path} json=`), s.output());
        const versions = await fetch(`${url}/_matrix/client/versions`);
        assert.equal(versions.status, 200);
        assert.equal(versions.statusText, 'OK');
        s.child.kill('SIGTERM');
        assert.equal(await s.exited, 0, `${s.output()}\n${s.errors()}`);
      } finally {
        rmSync(cwd, { recursive: true, force: true });
      }
    }
  });

  it('a bad config file stops the start with exit code 2 and the reason', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'myelin-start-bad-'));
    try {
      const child = spawn(process.execPath, [join(repoRoot, 'bin', 'myelin.js'), 'start', '--config', join(cwd, 'missing.yaml')], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
      let err = '';
      child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
      const code = await new Promise<number | null>((res) => child.on('exit', res));
      assert.equal(code, 2);
      assert.match(err, /cannot read config file .*missing\.yaml: ENOENT/);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});
