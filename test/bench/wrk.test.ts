// wrk as the second load generator: the generated Lua script and the parsing
// of its summary always; a real run against a node:http server on 127.0.0.1
// when wrk is installed (Debian package "wrk"), else that test is skipped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { findWrk, parseWrkOutput, runWrk, wrkRequestOf, wrkScript } from '../../src/bench/macro/wrk.js';
import { MatrixClient } from '../../src/bench/macro/client.js';

test('the Lua script rotates pre-formatted requests and quotes what it embeds', () => {
  const lua = wrkScript([
    { method: 'GET', path: '/_matrix/client/v3/sync?since=s1&filter=%7B%7D', headers: { Authorization: 'Bearer t"ok' } },
    { method: 'PUT', path: '/x', body: '{"body":"a\\\\b\nc"}' },
  ]);
  assert.match(lua, /wrk\.format\("GET", "\/_matrix\/client\/v3\/sync\?since=s1&filter=%7B%7D", \{ \["Authorization"\] = "Bearer t\\"ok" \}\)/);
  assert.match(lua, /wrk\.format\("PUT", "\/x", \{  \}, "\{\\"body\\":\\"a\\\\\\\\b\\nc\\"\}"\)/);
  assert.match(lua, /return reqs\[\(i % #reqs\) \+ 1\]/);
  assert.throws(() => wrkScript([]), /at least one request/);
  assert.equal(findWrk({ MYELIN_BENCH_WRK: '' }), undefined, 'MYELIN_BENCH_WRK= turns wrk off');
  assert.equal(findWrk({ PATH: '/nonexistent' }), undefined);
});

test('wrk output: the summary line and the CPU time from `times`', () => {
  const out = 'Running 1s test @ http://127.0.0.1:1/\n  1 threads and 2 connections\n' +
    'MYELIN_WRK {"requests":1000,"durationUs":1000000,"bytes":50000,"errors":{"connect":0,"read":0,"write":0,"status":0,"timeout":0},"quantilesUs":[10,20,30]}\n' +
    '0m0.010s 0m0.020s\n0m0.150s 0m1.250s\n';
  const { summary, cpuNs } = parseWrkOutput(out);
  assert.equal(summary.requests, 1000);
  assert.deepEqual(summary.quantilesUs, [10, 20, 30]);
  assert.equal(cpuNs, 1.4e9);
  assert.throws(() => parseWrkOutput('unable to connect to 127.0.0.1:1 Connection refused\n'), /wrk printed no summary: unable to connect/);
});

const wrk = findWrk();

test('wrk drives a server with the client\'s prepared requests; non-2xx answers fail the run', { skip: wrk ? false : 'wrk is not installed' }, async () => {
  const seen = new Map<string, number>();
  let badAuth = 0;
  const server = http.createServer((req, res) => {
    if (req.headers.authorization !== 'Bearer tok') badAuth++;
    seen.set(req.url!, (seen.get(req.url!) ?? 0) + 1);
    const failing = req.url!.includes('fail');
    res.writeHead(failing ? 500 : 200, { 'content-type': 'application/json' });
    res.end(failing ? '{"errcode":"M_UNKNOWN"}' : '{"next_batch":"s2"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new MatrixClient({ url }, 1);
  try {
    const s = { userId: '@a:x', accessToken: 'tok' };
    const reqs = ['s1', 's2', 's3'].map((t) => wrkRequestOf(client.syncRequest(s, t)));
    const r = await runWrk('wrk', { wrk: wrk!, target: { url, serverPid: process.pid }, requests: reqs, connections: 2, durationSeconds: 1 });
    assert.ok(r.requests! > 10, `requests: ${r.requests}`);
    assert.equal(r.latenciesNs.length, 1001);
    assert.ok(r.latenciesNs[500]! > 0 && r.latenciesNs[500]! <= r.latenciesNs[1000]!);
    assert.equal(r.bytesPerOp! > 0, true);
    assert.ok(Number(r.extra!.driverCpuNsPerOp) > 0, 'wrk\'s own CPU is measured');
    assert.ok(r.serverCpuNs! > 0, 'the server (this process) was sampled');
    assert.equal(badAuth, 0);
    assert.deepEqual([...seen.keys()].map((u) => new URL(u, url).searchParams.get('since')).sort(), ['s1', 's2', 's3']);
    const total = [...seen.values()].reduce((a, b) => a + b, 0);
    assert.ok(total >= r.requests!, 'every counted request reached the server');
    await assert.rejects(runWrk('wrk', { wrk: wrk!, target: { url }, requests: [{ method: 'GET', path: '/fail' }], connections: 1, durationSeconds: 1 }), /answers were not 2xx\/3xx/);
  } finally {
    client.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});
