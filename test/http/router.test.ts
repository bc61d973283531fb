// The router's behaviour as a client sees it, through inject() and over real sockets with
// both adapters: every error case (unknown path, wrong method, not JSON, bad JSON, missing
// and invalid params, too large, missing/unknown token, rate limit), CORS, params, versions.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { clientRoutes } from '../../src/api/client/index.js';
import { forbidden } from '../../src/api/errors.js';
import { RateLimiter } from '../../src/api/rate-limit.js';
import { route, type AnyRoute, type Requester } from '../../src/api/route.js';
import { createRouter } from '../../src/api/router.js';
import { s } from '../../src/api/schema.js';
import { buildConfig } from '../../src/config/index.js';
import { inject, type InjectRequest } from '../../src/http/inject.js';
import { listen, loadUws } from '../../src/http/index.js';
import type { HttpServer, RequestHandler } from '../../src/http/types.js';
import { Metrics } from '../../src/server/metrics.js';
import type { Services } from '../../src/server/services.js';

const MAX_BODY = 4096;
const ALICE: Requester = { userId: '@alice:test', deviceId: 'DEV', accessTokenId: 1, isGuest: false };
const BOB: Requester = { userId: '@bob:test', deviceId: 'DEV2', accessTokenId: 2, isGuest: false };

const testRoutes: AnyRoute[] = [
  route({
    method: 'POST', path: '/_matrix/client/{v}/test/echo/{thing}', auth: 'access_token', rateLimit: 'message', spec: 'test',
    body: s.object({ name: s.string({ maxLength: 10 }), n: s.int({ min: 0 }), kind: s.enum(['a', 'b']), list: s.array(s.object({ t: s.string() }, { required: ['t'] })) }, { required: ['name'] }),
    handler: (ctx) => ({ body: { params: ctx.params, body: ctx.body, user: ctx.requester.userId, version: ctx.version } }),
  }),
  route({
    method: 'PUT', path: '/_matrix/client/{v}/test/rooms/{roomId}/state/{eventType}/{stateKey}', auth: 'none', rateLimit: 'none', spec: 'test',
    handler: (ctx) => ({ body: { params: ctx.params, body: ctx.body } }),
  }),
  route({
    method: 'GET', path: '/_matrix/client/{v}/test/optional', auth: 'optional_access_token', rateLimit: 'none', spec: 'test',
    handler: (ctx) => ({ body: { user: ctx.optionalRequester?.userId ?? null } }),
  }),
  route({
    method: 'GET', path: '/_matrix/client/{v}/test/boom', auth: 'none', rateLimit: 'none', spec: 'test',
    handler: () => { throw new Error('secret internal detail'); },
  }),
  route({
    method: 'GET', path: '/_matrix/client/{v}/test/forbidden', auth: 'none', rateLimit: 'none', spec: 'test',
    handler: () => { throw forbidden('no, you cannot'); },
  }),
  route({
    method: 'POST', path: '/_matrix/client/{v}/test/small', auth: 'none', rateLimit: 'none', spec: 'test', maxBodyBytes: 100,
    handler: () => ({ body: {} }),
  }),
  route({
    method: 'DELETE', path: '/_matrix/client/{v}/test/small', auth: 'none', rateLimit: 'none', spec: 'test',
    handler: (ctx) => ({ body: { got: ctx.body ?? null } }),
  }),
  route({
    method: 'GET', path: '/_matrix/client/{v}/test/v1only', versions: ['v1'], auth: 'none', rateLimit: 'none', spec: 'test',
    handler: () => ({ body: { ok: true } }),
  }),
];

let nowMs = 1_000_000;
const clock = { now: () => nowMs };

function makeHandler(): RequestHandler {
  const config = buildConfig({
    source: 'test',
    values: {
      http: { max_body_bytes: MAX_BODY },
      rate_limits: { enabled: true, message: { per_second: 1, burst: 3 } },
      well_known: { server: 'matrix.example.org:443' },
    },
  });
  const log = pino({ level: 'silent' });
  const metrics = new Metrics({ processMetrics: false });
  const services = {
    config, serverName: config.server_name, clock, log, metrics,
    users: { authenticate: (t: string) => (t === 'alice-token' ? ALICE : t === 'bob-token' ? BOB : null) },
  } as unknown as Services;
  return createRouter({ routes: [...clientRoutes, ...testRoutes], services, log, metrics, rateLimiter: new RateLimiter(config.rate_limits, clock), maxBodyBytes: MAX_BODY });
}

interface Res { status: number; json: any; headers: Record<string, string> } // eslint-disable-line @typescript-eslint/no-explicit-any
type Send = (r: InjectRequest) => Promise<Res>;

function overHttp(base: string): Send {
  return async (r) => {
    const headers: Record<string, string> = { ...(r.headers ?? {}) };
    if (r.accessToken) headers.authorization = `Bearer ${r.accessToken}`;
    let body: string | Uint8Array | undefined;
    if (r.body instanceof Uint8Array || typeof r.body === 'string') body = r.body;
    else if (r.body !== undefined) { body = JSON.stringify(r.body); headers['content-type'] ??= 'application/json'; }
    const res = await fetch(base + r.path, { method: r.method ?? 'GET', headers, body });
    const text = await res.text();
    let json: unknown;
    try { json = JSON.parse(text); } catch { json = undefined; }
    return { status: res.status, json, headers: Object.fromEntries(res.headers) };
  };
}

function suite(name: string, setup: () => Promise<{ send: Send; close(): Promise<void> }>) {
  describe(name, () => {
    let send: Send;
    let close: () => Promise<void>;
    before(async () => { ({ send, close } = await setup()); });
    after(async () => { await close(); });

    const expectError = (res: Res, status: number, errcode: string) => {
      assert.equal(res.status, status, JSON.stringify(res.json));
      assert.equal(res.json?.errcode, errcode);
      assert.equal(typeof res.json?.error, 'string');
      assert.equal(res.headers['access-control-allow-origin'], '*', 'errors carry CORS headers too');
      assert.match(res.headers['content-type'] ?? '', /^application\/json/);
    };

    it('unknown path → 404 M_UNRECOGNIZED', async () => {
      expectError(await send({ path: '/_matrix/client/v3/no/such/thing' }), 404, 'M_UNRECOGNIZED');
      expectError(await send({ path: '/' }), 404, 'M_UNRECOGNIZED');
      // a version the route does not declare
      expectError(await send({ path: '/_matrix/client/v3/test/v1only' }), 404, 'M_UNRECOGNIZED');
    });

    it('known path, wrong method → 405 M_UNRECOGNIZED', async () => {
      expectError(await send({ method: 'POST', path: '/_matrix/client/versions', body: {} }), 405, 'M_UNRECOGNIZED');
      expectError(await send({ method: 'GET', path: '/_matrix/client/v3/test/echo/x' }), 405, 'M_UNRECOGNIZED');
    });

    it('a 405 says which methods the path allows (RFC 9110 §15.5.6: Allow header)', async () => {
      const allow = (h: Record<string, string>): string[] => (h['allow'] ?? '').split(',').map((m) => m.trim()).filter(Boolean).sort();
      assert.deepEqual(allow((await send({ method: 'POST', path: '/_matrix/client/versions', body: {} })).headers), ['GET', 'OPTIONS']);
      // the all-literal fast path and the parameter walk agree
      const echo = await send({ method: 'GET', path: '/_matrix/client/v3/test/echo/x' });
      assert.deepEqual(allow(echo.headers), ['OPTIONS', 'POST']);
      // a 404 has none
      assert.equal((await send({ path: '/_matrix/client/v3/no/such/thing' })).headers['allow'], undefined);
    });

    it('OPTIONS preflight on any path → CORS headers (spec: web browser clients)', async () => {
      for (const path of ['/_matrix/client/v3/sync', '/_matrix/client/v3/no/such', '/.well-known/matrix/client']) {
        const res = await send({ method: 'OPTIONS', path, headers: { origin: 'https://app.example', 'access-control-request-method': 'PUT' } });
        assert.ok(res.status === 200 || res.status === 204, `status ${res.status}`);
        assert.equal(res.headers['access-control-allow-origin'], '*');
        const methods = (res.headers['access-control-allow-methods'] ?? '').split(/,\s*/);
        for (const m of ['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS']) assert.ok(methods.includes(m), `allow-methods has ${m}`);
        const allowHeaders = (res.headers['access-control-allow-headers'] ?? '').toLowerCase().split(/,\s*/);
        for (const h of ['x-requested-with', 'content-type', 'authorization']) assert.ok(allowHeaders.includes(h), `allow-headers has ${h}`);
      }
    });

    it('r0 and v3 both answer; ctx.version tells which', async () => {
      for (const v of ['r0', 'v3']) {
        const res = await send({ method: 'POST', path: `/_matrix/client/${v}/test/echo/x`, accessToken: 'alice-token', body: { name: 'n' } });
        assert.equal(res.status, 200);
        assert.equal(res.json.version, v);
      }
      nowMs += 10_000; // refill the message bucket for later tests
      assert.equal((await send({ path: '/_matrix/client/v1/test/v1only' })).status, 200);
    });

    it('path params are percent-decoded, %2F stays inside one param, empty state key matches', async () => {
      const res = await send({ method: 'PUT', path: '/_matrix/client/v3/test/rooms/!abc%3Aexample.org/state/m.room.name/a%2Fb%20c', body: { name: 'x' } });
      assert.equal(res.status, 200);
      assert.deepEqual(res.json.params, { roomId: '!abc:example.org', eventType: 'm.room.name', stateKey: 'a/b c' });
      const empty = await send({ method: 'PUT', path: '/_matrix/client/v3/test/rooms/!abc%3Aexample.org/state/m.room.name/', body: { name: 'x' } });
      assert.equal(empty.status, 200);
      assert.equal(empty.json.params.stateKey, '');
      expectError(await send({ method: 'PUT', path: '/_matrix/client/v3/test/rooms/%E0%A4%A/state/m.room.name/', body: {} }), 400, 'M_INVALID_PARAM');
    });

    it('body that is not JSON → 400 M_NOT_JSON', async () => {
      const h = { 'content-type': 'application/json' };
      expectError(await send({ method: 'PUT', path: '/_matrix/client/v3/test/rooms/!r:x/state/t/', headers: h, body: '{"name": ' }), 400, 'M_NOT_JSON');
      expectError(await send({ method: 'PUT', path: '/_matrix/client/v3/test/rooms/!r:x/state/t/', headers: h, body: 'hello' }), 400, 'M_NOT_JSON');
      expectError(await send({ method: 'PUT', path: '/_matrix/client/v3/test/rooms/!r:x/state/t/', headers: h, body: new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]) }), 400, 'M_NOT_JSON');
    });

    it('JSON of the wrong shape → 400 M_BAD_JSON (naming the field)', async () => {
      expectError(await send({ method: 'PUT', path: '/_matrix/client/v3/test/rooms/!r:x/state/t/', body: '[1,2]' }), 400, 'M_BAD_JSON');
      const ok = { accessToken: 'bob-token', method: 'POST', path: '/_matrix/client/v3/test/echo/x' } as const;
      let res = await send({ ...ok, body: { name: 5 } });
      expectError(res, 400, 'M_BAD_JSON');
      assert.match(res.json.error, /name/);
      res = await send({ ...ok, body: { name: 'a', list: [{ t: 'x' }, { t: 1 }] } });
      expectError(res, 400, 'M_BAD_JSON');
      assert.match(res.json.error, /list\[1\]\.t/);
      expectError(await send({ ...ok, body: { name: 'a', n: 1.5 } }), 400, 'M_BAD_JSON');
      nowMs += 10_000;
    });

    it('required field absent → 400 M_MISSING_PARAM; value not allowed → 400 M_INVALID_PARAM', async () => {
      const ok = { accessToken: 'bob-token', method: 'POST', path: '/_matrix/client/v3/test/echo/x' } as const;
      let res = await send({ ...ok, body: { n: 1 } });
      expectError(res, 400, 'M_MISSING_PARAM');
      assert.match(res.json.error, /name/);
      res = await send({ ...ok, body: '' });
      expectError(res, 400, 'M_MISSING_PARAM');
      expectError(await send({ ...ok, body: { name: 'a', kind: 'c' } }), 400, 'M_INVALID_PARAM');
      nowMs += 10_000;
      expectError(await send({ ...ok, body: { name: 'a', n: -1 } }), 400, 'M_INVALID_PARAM');
      expectError(await send({ ...ok, body: { name: 'much too long a name' } }), 400, 'M_INVALID_PARAM');
      nowMs += 10_000;
    });

    it('a valid body reaches the handler with unlisted fields kept', async () => {
      const res = await send({ accessToken: 'alice-token', method: 'POST', path: '/_matrix/client/v3/test/echo/some%20thing', body: { name: 'a', n: 3, kind: 'b', extra: { deep: [1] } } });
      assert.equal(res.status, 200);
      assert.deepEqual(res.json, { params: { thing: 'some thing' }, body: { name: 'a', n: 3, kind: 'b', extra: { deep: [1] } }, user: '@alice:test', version: 'v3' });
      nowMs += 10_000;
    });

    it('bodies over the limit → 413 M_TOO_LARGE (server-wide and per route)', async () => {
      const big = JSON.stringify({ name: 'x'.repeat(MAX_BODY) });
      expectError(await send({ method: 'PUT', path: '/_matrix/client/v3/test/rooms/!r:x/state/t/', body: big }), 413, 'M_TOO_LARGE');
      expectError(await send({ method: 'POST', path: '/_matrix/client/v3/test/small', body: { pad: 'y'.repeat(200) } }), 413, 'M_TOO_LARGE');
      assert.equal((await send({ method: 'POST', path: '/_matrix/client/v3/test/small', body: { pad: 'y' } })).status, 200);
    });

    it('DELETE with a JSON body (UIA on device deletion) gets the body', async () => {
      const res = await send({ method: 'DELETE', path: '/_matrix/client/v3/test/small', body: { auth: { type: 'm.login.dummy' } } });
      assert.deepEqual(res.json, { got: { auth: { type: 'm.login.dummy' } } });
      assert.deepEqual((await send({ method: 'DELETE', path: '/_matrix/client/v3/test/small' })).json, { got: null });
    });

    it('missing token → 401 M_MISSING_TOKEN; unknown → 401 M_UNKNOWN_TOKEN; query access_token works', async () => {
      expectError(await send({ method: 'POST', path: '/_matrix/client/v3/test/echo/x', body: { name: 'a' } }), 401, 'M_MISSING_TOKEN');
      expectError(await send({ method: 'POST', path: '/_matrix/client/v3/test/echo/x', accessToken: 'nope', body: { name: 'a' } }), 401, 'M_UNKNOWN_TOKEN');
      expectError(await send({ method: 'POST', path: '/_matrix/client/v3/test/echo/x', headers: { authorization: 'Basic abc' }, body: { name: 'a' } }), 401, 'M_MISSING_TOKEN');
      expectError(await send({ method: 'POST', path: '/_matrix/client/v3/test/echo/x?access_token=nope', body: { name: 'a' } }), 401, 'M_UNKNOWN_TOKEN');
      // auth comes before body parsing: no token + bad JSON is still 401
      expectError(await send({ method: 'POST', path: '/_matrix/client/v3/test/echo/x', body: '{' }), 401, 'M_MISSING_TOKEN');
      const q = await send({ method: 'POST', path: '/_matrix/client/v3/test/echo/x?access_token=alice-token', body: { name: 'a' } });
      assert.equal(q.status, 200);
      assert.equal(q.json.user, '@alice:test');
      nowMs += 10_000;
    });

    it('optional_access_token: none → anonymous, valid → user, unknown → M_UNKNOWN_TOKEN', async () => {
      assert.deepEqual((await send({ path: '/_matrix/client/v3/test/optional' })).json, { user: null });
      assert.deepEqual((await send({ path: '/_matrix/client/v3/test/optional', accessToken: 'bob-token' })).json, { user: '@bob:test' });
      expectError(await send({ path: '/_matrix/client/v3/test/optional', accessToken: 'bad' }), 401, 'M_UNKNOWN_TOKEN');
    });

    it('rate limit: burst then 429 M_LIMIT_EXCEEDED with retry_after_ms, per user, refills with time', async () => {
      nowMs += 60_000;
      const req = { accessToken: 'alice-token', method: 'POST', path: '/_matrix/client/v3/test/echo/x', body: { name: 'a' } } as const;
      for (let i = 0; i < 3; i++) assert.equal((await send(req)).status, 200, `request ${i + 1} of the burst`);
      const limited = await send(req);
      expectError(limited, 429, 'M_LIMIT_EXCEEDED');
      assert.ok(Number.isInteger(limited.json.retry_after_ms) && limited.json.retry_after_ms > 0 && limited.json.retry_after_ms <= 1000, `retry_after_ms ${limited.json.retry_after_ms}`);
      // another user has their own bucket
      assert.equal((await send({ ...req, accessToken: 'bob-token' })).status, 200);
      nowMs += limited.json.retry_after_ms;
      assert.equal((await send(req)).status, 200, 'allowed again after retry_after_ms');
      expectError(await send(req), 429, 'M_LIMIT_EXCEEDED');
      nowMs += 10_000;
    });

    it('a handler crash → 500 M_UNKNOWN without internal details; Matrix errors keep their status', async () => {
      const res = await send({ path: '/_matrix/client/v3/test/boom' });
      expectError(res, 500, 'M_UNKNOWN');
      assert.doesNotMatch(JSON.stringify(res.json), /secret internal detail/);
      const f = await send({ path: '/_matrix/client/v3/test/forbidden' });
      expectError(f, 403, 'M_FORBIDDEN');
      assert.equal(f.json.error, 'no, you cannot');
    });

    it('versions, well-known and capabilities have the spec shapes', async () => {
      const v = await send({ path: '/_matrix/client/versions' });
      assert.equal(v.status, 200);
      assert.ok(Array.isArray(v.json.versions) && v.json.versions.includes('v1.1') && v.json.versions.every((x: unknown) => typeof x === 'string' && /^(r0|v1)\.\d+(\.\d+)?$/.test(x)));
      assert.equal(typeof v.json.unstable_features, 'object');
      const wk = await send({ path: '/.well-known/matrix/client' });
      assert.equal(wk.status, 200);
      assert.equal(wk.json['m.homeserver'].base_url, 'http://127.0.0.1:8008/');
      assert.equal(wk.headers['access-control-allow-origin'], '*');
      const ws = await send({ path: '/.well-known/matrix/server' });
      assert.deepEqual(ws.json, { 'm.server': 'matrix.example.org:443' });
      expectError(await send({ path: '/_matrix/client/v3/capabilities' }), 401, 'M_MISSING_TOKEN');
      const c = await send({ path: '/_matrix/client/v3/capabilities', accessToken: 'alice-token' });
      assert.equal(c.status, 200);
      const caps = c.json.capabilities;
      assert.deepEqual(caps['m.change_password'], { enabled: true });
      assert.deepEqual(caps['m.set_displayname'], { enabled: true });
      assert.deepEqual(caps['m.set_avatar_url'], { enabled: true });
      assert.deepEqual(caps['m.3pid_changes'], { enabled: false });
      assert.equal(caps['m.room_versions'].default, '10');
      assert.deepEqual(Object.keys(caps['m.room_versions'].available).sort((a, b) => +a - +b), ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12']);
      assert.ok(Object.values(caps['m.room_versions'].available).every((x) => x === 'stable'));
      assert.equal((await send({ path: '/_matrix/client/r0/capabilities', accessToken: 'alice-token' })).status, 200);
    });
  });
}

suite('router through inject()', async () => {
  const handler = makeHandler();
  return { send: (r) => inject(handler, r), close: async () => {} };
});

for (const adapter of ['node', 'uws'] as const) {
  suite(`router over ${adapter === 'uws' ? 'uWebSockets.js' : 'node:http'} (127.0.0.1)`, async () => {
    if (adapter === 'uws') {
      const u = loadUws();
      assert.ok(!(u instanceof Error), `uWS must load natively on this machine: ${u instanceof Error ? u.message : ''}`);
    }
    const { server } = await listen(makeHandler(), { adapter, host: '127.0.0.1', port: 0, maxBodyBytes: MAX_BODY });
    assert.equal(server.adapter, adapter);
    return { send: overHttp(`http://127.0.0.1:${(server as HttpServer).port}`), close: () => server.close() };
  });
}
