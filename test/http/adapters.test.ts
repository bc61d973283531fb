// Both adapters behave the same at the socket level: request fields as handlers see them,
// abort signals on client disconnect and on shutdown, and uWS shim detection.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { listen } from '../../src/http/index.js';
import type { HttpRequest, RequestHandler } from '../../src/http/types.js';

const distHttp = new URL('../../src/http/index.js', import.meta.url).pathname;

for (const adapter of ['node', 'uws'] as const) {
  describe(`${adapter} adapter`, () => {
    it('hands the handler method, raw path, query, lower-cased headers, body bytes and remote address', async () => {
      let seen: HttpRequest | undefined;
      let address: string | undefined;
      // (the address is read while the request is handled, as the router does)
      const handler: RequestHandler = async (req) => { seen = req; address = req.remoteAddress; return { status: 201, headers: { 'content-type': 'text/plain', 'x-reply': 'yes' }, body: 'done' }; };
      const { server } = await listen(handler, { adapter, host: '127.0.0.1', port: 0, maxBodyBytes: 1 << 20 });
      try {
        const res = await fetch(`http://127.0.0.1:${server.port}/_matrix/a%2Fb/c?x=1&y=%20z`, { method: 'PUT', headers: { 'X-Custom': 'Value' }, body: new Uint8Array([0, 1, 2, 255]) });
        assert.equal(res.status, 201);
        assert.equal(res.statusText, 'Created', 'the standard reason phrase');
        assert.equal(res.headers.get('x-reply'), 'yes');
        assert.equal(await res.text(), 'done');
        assert.ok(seen);
        assert.equal(seen.method, 'PUT');
        assert.equal(seen.path, '/_matrix/a%2Fb/c');
        assert.equal(seen.query.get('x'), '1');
        assert.equal(seen.query.get('y'), ' z');
        assert.equal(seen.headers['x-custom'], 'Value');
        assert.deepEqual([...seen.body], [0, 1, 2, 255]);
        assert.match(address ?? '', /127\.0\.0\.1/);
      } finally {
        await server.close();
      }
    });

    it('aborts the handler signal when the client disconnects', async () => {
      let resolveAborted!: () => void;
      const aborted = new Promise<void>((r) => { resolveAborted = r; });
      const handler: RequestHandler = (req) => new Promise((resolve) => {
        req.signal.addEventListener('abort', () => { resolveAborted(); resolve({ status: 200, body: 'late' }); });
      });
      const { server } = await listen(handler, { adapter, host: '127.0.0.1', port: 0, maxBodyBytes: 1024 });
      try {
        const r = httpRequest({ host: '127.0.0.1', port: server.port, path: '/wait', method: 'GET' });
        r.on('error', () => undefined);
        r.end();
        await new Promise((res) => setTimeout(res, 100));
        r.destroy();
        await Promise.race([aborted, new Promise((_, rej) => setTimeout(() => rej(new Error('signal not aborted within 3 s')), 3000))]);
      } finally {
        await server.close();
      }
    });

    it('close() aborts long-polls, lets them answer, and stops listening', async () => {
      // Close only once the long-poll is inside the handler (a fixed sleep raced on a loaded machine).
      let entered!: () => void;
      const handlerEntered = new Promise<void>((res) => { entered = res; });
      const handler: RequestHandler = (req) => new Promise((resolve) => {
        req.signal.addEventListener('abort', () => resolve({ status: 200, headers: { 'content-type': 'application/json' }, body: '{"aborted":true}' }));
        entered();
      });
      const { server } = await listen(handler, { adapter, host: '127.0.0.1', port: 0, maxBodyBytes: 1024 });
      const url = `http://127.0.0.1:${server.port}/sync`;
      const pending = fetch(url).then(async (r) => ({ status: r.status, body: await r.text() }), (e: unknown) => ({ status: 0, body: String(e) }));
      await Promise.race([handlerEntered, new Promise((_, rej) => setTimeout(() => rej(new Error('the request never reached the handler')), 10_000))]);
      const t0 = Date.now();
      await server.close();
      assert.ok(Date.now() - t0 < 4000, 'close() did not wait for the long-poll timeout');
      const res = await pending;
      assert.deepEqual(res, { status: 200, body: '{"aborted":true}' });
      await assert.rejects(fetch(url), 'no longer listening');
    });

    it('large responses (a big initial /sync) arrive whole', async () => {
      const big = Buffer.alloc(6 * 1024 * 1024);
      for (let i = 0; i < big.length; i++) big[i] = (i * 31) & 0xff;
      const { server } = await listen(async () => ({ status: 200, headers: { 'content-type': 'application/octet-stream' }, body: big }), { adapter, host: '127.0.0.1', port: 0, maxBodyBytes: 1024 });
      try {
        const res = await fetch(`http://127.0.0.1:${server.port}/sync`);
        assert.equal(res.status, 200);
        assert.ok(Buffer.from(await res.arrayBuffer()).equals(big));
      } finally {
        await server.close();
      }
    });

    it('a second server on a port in use fails to listen instead of sharing the port', async () => {
      const handler: RequestHandler = async () => ({ status: 200, body: 'first' });
      const { server } = await listen(handler, { adapter, host: '127.0.0.1', port: 0, maxBodyBytes: 1024 });
      try {
        await assert.rejects(listen(async () => ({ status: 200, body: 'second' }), { adapter, host: '127.0.0.1', port: server.port, maxBodyBytes: 1024 }));
        for (let i = 0; i < 4; i++) assert.equal(await (await fetch(`http://127.0.0.1:${server.port}/`)).text(), 'first');
      } finally {
        await server.close();
      }
    });

    it('a handler that rejects still gets a 500 M_UNKNOWN answer', async () => {
      const { server } = await listen(async () => { throw new Error('bug'); }, { adapter, host: '127.0.0.1', port: 0, maxBodyBytes: 1024 });
      try {
        const res = await fetch(`http://127.0.0.1:${server.port}/x`);
        assert.equal(res.status, 500);
        assert.equal(((await res.json()) as { errcode: string }).errcode, 'M_UNKNOWN');
      } finally {
        await server.close();
      }
    });
  });
}

describe('uWebSockets.js loading', () => {
  it('the JS fallback shim is detected, reported, and auto falls back to node:http', () => {
    const script = `
      const { loadUws, listen } = await import(${JSON.stringify(distHttp)});
      const u = loadUws();
      const { server, fallbackReason } = await listen(async () => ({ status: 200 }), { adapter: 'auto', host: '127.0.0.1', port: 0, maxBodyBytes: 1024 });
      let explicit = 'listened';
      try { await listen(async () => ({ status: 200 }), { adapter: 'uws', host: '127.0.0.1', port: 0, maxBodyBytes: 1024 }); } catch (e) { explicit = e.message; }
      console.log(JSON.stringify({ error: u instanceof Error ? u.message : null, adapter: server.adapter, fallbackReason, explicit }));
      await server.close();
    `;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, UWS_USE_FALLBACK: 'true' }, encoding: 'utf8', timeout: 20000 });
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    const out = JSON.parse(lines[lines.length - 1]!);
    assert.match(out.error, /fallback/i);
    assert.equal(out.adapter, 'node');
    assert.match(out.fallbackReason, /fallback/i);
    assert.match(out.explicit, /fallback/i);
    assert.equal(lines.length, 1, `the shim's own console output is not printed: ${r.stdout}`);
  });

  it('loads natively on this machine', async () => {
    const { loadUws } = await import('../../src/http/index.js');
    const u = loadUws();
    assert.ok(!(u instanceof Error), u instanceof Error ? u.message : '');
  });
});
