// The macro suites' own HTTP/1.1 client against real servers on 127.0.0.1:
// node:http (Content-Length and chunked answers) and raw TCP servers that
// split, cut or withhold responses. Errors must surface, never hang.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { Http1Connection, Http1Pool, HttpProtocolError, ResponseParser } from '../../src/bench/macro/http1.js';
import { MatrixApiError, MatrixClient } from '../../src/bench/macro/client.js';

const GET = (path: string) => `GET ${path} HTTP/1.1\r\nHost: test\r\n\r\n`;

async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

async function closeServer(server: net.Server): Promise<void> {
  (server as http.Server).closeAllConnections?.();
  await new Promise((resolve) => server.close(resolve));
}

/** A node:http server; counts TCP connections. */
async function httpServer(handler: http.RequestListener) {
  const server = http.createServer(handler);
  let connections = 0;
  server.on('connection', () => connections++);
  const port = await listen(server);
  return { port, server, connections: () => connections, close: () => closeServer(server) };
}

/** A raw TCP server: `onRequest` gets the socket once a whole request head has arrived. */
async function rawServer(onRequest: (socket: net.Socket, n: number) => void) {
  let n = 0;
  let connections = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let buf = '';
    socket.on('data', (d) => {
      buf += d.toString('latin1');
      while (buf.includes('\r\n\r\n')) {
        buf = buf.slice(buf.indexOf('\r\n\r\n') + 4);
        onRequest(socket, n++);
      }
    });
  });
  const port = await listen(server);
  return {
    port, connections: () => connections,
    close: async () => { for (const s of sockets) s.destroy(); await closeServer(server); },
  };
}

const CHUNKED = 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n' +
  '7\r\n{"a":"b\r\n' + '10;ext=1\r\n' + '","long":"xxxxx"\r\n' + '1\r\n}\r\n' + '0\r\nX-Trailer: yes\r\n\r\n';
const CHUNKED_BODY = '{"a":"b","long":"xxxxx"}';

test('parser: a chunked response split at every byte boundary gives the same body', () => {
  const bytes = Buffer.from(CHUNKED, 'latin1');
  for (let cut = 1; cut < bytes.length; cut++) {
    const p = new ResponseParser();
    p.feed(bytes.subarray(0, cut));
    assert.equal(p.done, false, `not done after ${cut} bytes`);
    assert.equal(p.feed(bytes.subarray(cut)), bytes.length - cut);
    assert.ok(p.done, `done after the rest (cut at ${cut})`);
    assert.equal(p.status, 200);
    assert.equal(p.body()!.toString(), CHUNKED_BODY, `cut at ${cut}`);
    assert.equal(p.bytes, CHUNKED_BODY.length);
  }
  const p = new ResponseParser();
  for (const b of bytes) p.feed(Buffer.from([b]));
  assert.ok(p.done);
  assert.equal(p.body()!.toString(), CHUNKED_BODY);
});

test('parser: Content-Length, no-body statuses, HEAD, interim 100, Connection: close, HTTP/1.0', () => {
  const one = (text: string, head = false, keepBody = true) => {
    const p = new ResponseParser(head, keepBody);
    const used = p.feed(Buffer.from(text));
    return { p, used };
  };
  let { p, used } = one('HTTP/1.1 201 Created\r\ncontent-length: 5\r\n\r\nhello');
  assert.deepEqual([p.done, p.status, p.body()!.toString(), p.close, used], [true, 201, 'hello', false, 48]);
  ({ p } = one('HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n'));
  assert.deepEqual([p.done, p.status, p.bytes], [true, 204, 0]);
  ({ p } = one('HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n', true));
  assert.deepEqual([p.done, p.bytes], [true, 0], 'HEAD: no body whatever Content-Length says');
  ({ p } = one('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok'));
  assert.deepEqual([p.done, p.status, p.body()!.toString(), p.close], [true, 200, 'ok', true]);
  ({ p } = one('HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok'));
  assert.equal(p.close, true, 'HTTP/1.0 without keep-alive closes');
  ({ p } = one('HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc', false, false));
  assert.deepEqual([p.done, p.bytes, p.body()], [true, 3, undefined], 'a 2xx body is counted, not kept, when not asked for');
  ({ p } = one('HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\n\r\nabc', false, false));
  assert.equal(p.body()!.toString(), 'abc', 'an error body is kept to report it');
  ({ p, used } = one('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA'));
  assert.deepEqual([p.done, used], [true, 40], 'bytes past the response are not taken');
  ({ p } = one('HTTP/1.1 200 OK\r\n\r\nuntil close'));
  assert.equal(p.readsUntilClose, true);
  assert.equal(p.finishOnClose(), true);
  assert.equal(p.body()!.toString(), 'until close');
});

test('parser: malformed responses are errors', () => {
  const bad = (text: string) => assert.throws(() => new ResponseParser().feed(Buffer.from(text)), HttpProtocolError, text);
  bad('SSH-2.0-OpenSSH\r\n\r\n');
  bad('HTTP/1.1 2x0 OK\r\n\r\n');
  bad('HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n');
  bad('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n');
  bad('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabXY');
  assert.throws(() => new ResponseParser().feed(Buffer.alloc(70_000, 65)), /head too large/);
});

test('Content-Length and chunked answers from node:http over one kept-alive connection', async () => {
  const srv = await httpServer((req, res) => {
    if (req.url === '/chunked') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"parts":[');
      setTimeout(() => { res.write('1,2,'); setTimeout(() => res.end('3]}'), 2); }, 2);
      return;
    }
    if (req.url === '/missing') { res.writeHead(404, { 'content-type': 'application/json' }); res.end('{"errcode":"M_NOT_FOUND","error":"no"}'); return; }
    const body = JSON.stringify({ path: req.url });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
  const c = new Http1Connection({ host: '127.0.0.1', port: srv.port });
  try {
    const a = await c.request(GET('/one'));
    assert.deepEqual([a.status, JSON.parse(a.body!.toString())], [200, { path: '/one' }]);
    assert.ok(a.latencyNs > 0);
    const b = await c.request(GET('/chunked'));
    assert.deepEqual([b.status, b.body!.toString(), b.bytes], [200, '{"parts":[1,2,3]}', 17]);
    for (let i = 0; i < 20; i++) {
      const r = await c.request(GET(`/n${i}`), { keepBody: false });
      assert.deepEqual([r.status, r.body, r.bytes], [200, undefined, JSON.stringify({ path: `/n${i}` }).length]);
    }
    const m = await c.request(GET('/missing'), { keepBody: false });
    assert.deepEqual([m.status, JSON.parse(m.body!.toString()).errcode], [404, 'M_NOT_FOUND']);
    assert.equal(srv.connections(), 1, 'every request on the one kept-alive connection');
    assert.equal(c.connects, 1);
  } finally {
    c.close();
    await srv.close();
  }
});

test('a response dribbled byte by byte across TCP reads is reassembled', async () => {
  const srv = await rawServer((socket) => {
    const bytes = Buffer.from(CHUNKED, 'latin1');
    let i = 0;
    const next = () => { if (i < bytes.length) { socket.write(bytes.subarray(i, i + 1)); i++; setTimeout(next, 0); } };
    next();
  });
  const c = new Http1Connection({ host: '127.0.0.1', port: srv.port });
  try {
    const r = await c.request(GET('/'));
    assert.equal(r.body!.toString(), CHUNKED_BODY);
    const again = await c.request(GET('/'));
    assert.equal(again.body!.toString(), CHUNKED_BODY);
    assert.equal(srv.connections(), 1);
  } finally {
    c.close();
    await srv.close();
  }
});

test('Connection: close is honoured: the next request opens a new connection', async () => {
  const srv = await httpServer((_req, res) => { res.writeHead(200, { connection: 'close', 'content-length': 2 }); res.end('ok'); });
  const c = new Http1Connection({ host: '127.0.0.1', port: srv.port });
  try {
    for (let i = 0; i < 3; i++) assert.equal((await c.request(GET('/'))).body!.toString(), 'ok');
    assert.equal(srv.connections(), 3);
  } finally {
    c.close();
    await srv.close();
  }
});

test('a connection closed mid-response is an error, not a hang', async () => {
  const srv = await rawServer((socket) => {
    socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789');
    setTimeout(() => socket.destroy(), 5);
  });
  const c = new Http1Connection({ host: '127.0.0.1', port: srv.port });
  try {
    await assert.rejects(c.request(GET('/'), { retryable: true }), /closed the connection mid-response \(after \d+ bytes\)/);
  } finally {
    c.close();
    await srv.close();
  }
});

test('a closed idle keep-alive connection is reopened for an idempotent request; a silent server times out', async () => {
  const srv = await rawServer((socket, n) => {
    socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
    if (n === 0) setTimeout(() => socket.destroy(), 5); // drops the kept-alive connection while idle
  });
  const c = new Http1Connection({ host: '127.0.0.1', port: srv.port });
  try {
    assert.equal((await c.request(GET('/'), { retryable: true })).status, 200);
    await new Promise((r) => setTimeout(r, 30));
    assert.equal((await c.request(GET('/'), { retryable: true })).status, 200);
    assert.equal(srv.connections(), 2);
  } finally {
    c.close();
    await srv.close();
  }
  const silent = await rawServer(() => {});
  const s = new Http1Connection({ host: '127.0.0.1', port: silent.port, timeoutMs: 150 });
  try {
    await assert.rejects(s.request(GET('/')), /no answer in 0.15s/);
  } finally {
    s.close();
    await silent.close();
  }
});

test('garbage from the server and refused connections are errors', async () => {
  const srv = await rawServer((socket) => socket.write('SSH-2.0-nope\r\n\r\n'));
  const c = new Http1Connection({ host: '127.0.0.1', port: srv.port });
  try {
    await assert.rejects(c.request(GET('/')), HttpProtocolError);
  } finally {
    c.close();
    await srv.close();
  }
  const gone = new Http1Connection({ host: '127.0.0.1', port: srv.port });
  await assert.rejects(gone.request(GET('/')), /ECONNREFUSED/);
});

test('pool: at most `max` connections, callers beyond wait their turn', async () => {
  let inFlight = 0, peak = 0;
  const srv = await httpServer((_req, res) => {
    inFlight++; peak = Math.max(peak, inFlight);
    setTimeout(() => { inFlight--; res.writeHead(200, { 'content-length': 1 }); res.end('k'); }, 3);
  });
  const pool = new Http1Pool({ host: '127.0.0.1', port: srv.port }, 4);
  try {
    const rs = await Promise.all(Array.from({ length: 24 }, () => pool.request(GET('/'))));
    assert.ok(rs.every((r) => r.status === 200));
    assert.equal(peak, 4);
    assert.equal(srv.connections(), 4);
    assert.equal(pool.connects, 4);
    // closing the pool fails what is in flight and what waits, rather than leaving it hanging
    const pending = Array.from({ length: 6 }, () => pool.request(GET('/')));
    pool.close();
    const settled = await Promise.allSettled(pending);
    assert.deepEqual(settled.map((x) => x.status), Array(6).fill('rejected'));
    await assert.rejects(pool.request(GET('/')), /the HTTP client is closed/);
  } finally {
    pool.close();
    await srv.close();
  }
});

test('MatrixClient: prepared requests carry method, path, JSON body and token; timed() throws the Matrix error', async () => {
  const seen: { method?: string; url?: string; auth?: string; body: string }[] = [];
  const srv = await httpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, auth: req.headers.authorization, body: Buffer.concat(chunks).toString() });
      if (req.url!.includes('bad')) { res.writeHead(403, { 'content-type': 'application/json' }); res.end('{"errcode":"M_FORBIDDEN","error":"not you"}'); return; }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"event_id":"$e"}'); // chunked: no Content-Length given
    });
  });
  const client = new MatrixClient({ url: `http://127.0.0.1:${srv.port}/base/` }, 2);
  try {
    const s = { userId: '@a:x', accessToken: 'tok' };
    const sent = await client.send(s, '!r:x', 't1', 'héllo');
    assert.equal(sent.body.event_id, '$e');
    assert.deepEqual(seen[0], { method: 'PUT', url: '/base/_matrix/client/v3/rooms/!r%3Ax/send/m.room.message/t1', auth: 'Bearer tok', body: '{"msgtype":"m.text","body":"héllo"}' });
    const t = await client.timed(client.syncRequest(s, 's1'));
    assert.deepEqual(t.bytes, '{"event_id":"$e"}'.length);
    assert.match(seen[1]!.url!, /^\/base\/_matrix\/client\/v3\/sync\?timeout=0&filter=.*&since=s1$/);
    await assert.rejects(client.timed(client.prepare('POST', '/bad', {}, 'tok')), (e: unknown) => e instanceof MatrixApiError && e.status === 403 && /POST \/bad → 403 M_FORBIDDEN: not you/.test(e.message));
    assert.equal(client.connects, 1);
  } finally {
    client.close();
    await srv.close();
  }
});

test('https: the same client over TLS (a throwaway certificate made with openssl), and an untrusted one refused', async (t) => {
  const { execFileSync } = await import('node:child_process');
  const { mkdtempSync, readFileSync, rmSync } = await import('node:fs');
  const os = await import('node:os');
  const path = await import('node:path');
  const https = await import('node:https');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'myelin-bench-test-tls-'));
  try {
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=localhost',
        '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')], { stdio: 'ignore', timeout: 10_000 });
    } catch {
      t.skip('openssl is not available to make a certificate');
      return;
    }
    const cert = readFileSync(path.join(dir, 'cert.pem'));
    const server = https.createServer({ key: readFileSync(path.join(dir, 'key.pem')), cert }, (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"versions":["v1.11"]}');
    });
    let connections = 0;
    server.on('secureConnection', () => connections++);
    const port = await listen(server);
    const c = new Http1Connection({ host: '127.0.0.1', port, tls: true, tlsOptions: { ca: cert } });
    const untrusted = new Http1Connection({ host: '127.0.0.1', port, tls: true });
    try {
      for (let i = 0; i < 3; i++) assert.equal((await c.request(GET('/_matrix/client/versions'))).body!.toString(), '{"versions":["v1.11"]}');
      assert.equal(connections, 1, 'kept alive over TLS');
      await assert.rejects(untrusted.request(GET('/')), /self[- ]signed certificate/);
    } finally {
      c.close();
      untrusted.close();
      await closeServer(server);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
