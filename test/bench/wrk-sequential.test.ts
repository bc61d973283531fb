// wrk for the sequential cases: the generated scripts (an exact list served
// once in order; a stream of sends with new transaction ids), their Lua
// string escaping, and, when wrk is installed (Debian package "wrk"; CI may
// not have it: those tests are skipped), real runs against servers on
// 127.0.0.1: a node:http recorder and the fake homeserver driven by the
// macro-send and macro-romeo-juliet suites.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { findWrk, luaString, runWrkScript } from '../../src/bench/macro/wrk.js';
import { TXN_COUNTER, wrkSendStreamScript, wrkSequenceScript } from '../../src/bench/macro/wrk-scripts.js';
import { sequentialWrk } from '../../src/bench/macro/sends.js';
import { localpartOf, parsePlay } from '../../src/bench/macro/romeo-juliet.js';
import { playFile } from '../../src/bench/suites/macro-romeo-juliet.js';
import { runSuites, selectSuites } from '../../src/bench/runner.js';
import { suites } from '../../src/bench/suites/index.js';
import type { Target } from '../../src/bench/suite.js';
import { startFakeHomeserver, type FakeOptions } from './fake-homeserver.js';
import { silentProgress, testMachine } from './helpers.js';

/** Reads back a Lua 5.1 string literal of the escapes luaString writes. */
function decodeLuaString(lit: string): Buffer {
  assert.ok(lit.startsWith('"') && lit.endsWith('"'), lit);
  const out: number[] = [];
  const body = Buffer.from(lit.slice(1, -1), 'latin1');
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    assert.ok(c >= 0x20 && c < 0x7f, `only printable ASCII in the literal, found byte ${c}`);
    assert.ok(c !== 0x22, 'no bare quote inside');
    if (c !== 0x5c) { out.push(c); continue; }
    const e = String.fromCharCode(body[++i]!);
    if (e === 'n') out.push(10);
    else if (e === 'r') out.push(13);
    else if (e === '"' || e === '\\') out.push(e.charCodeAt(0));
    else {
      const digits = body.toString('latin1', i, i + 3);
      assert.match(digits, /^\d{3}$/, 'three-digit decimal escapes');
      out.push(Number(digits));
      i += 2;
    }
  }
  return Buffer.from(out);
}

test('Lua string literals hold exactly the bytes: quotes, backslashes, control characters, UTF-8', () => {
  const every = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  assert.deepEqual(decodeLuaString(luaString(every)), every);
  for (const s of ['O Romeo, Romeo! wherefore art thou "Romeo"?', "it's \\ 1\\2 — café ✓ 𝄞", 'a\nb\r\n\t\u0000\u2028', '\u00017', '']) {
    assert.equal(decodeLuaString(luaString(s)).toString('utf8'), s);
  }
  assert.equal(luaString('\u00017'), '"\\0017"', 'an escape followed by a digit stays unambiguous');
  const play = readFileSync(playFile());
  assert.deepEqual(decodeLuaString(luaString(play)), play);
});

test('the sequence script holds every request once, in order; the stream script counts transaction ids', () => {
  const reqs = ['PUT /a HTTP/1.1\r\n\r\n{"body":"first"}', 'PUT /b HTTP/1.1\r\n\r\n{"body":"sec\\"ond"}', Buffer.from('PUT /c HTTP/1.1\r\n\r\n{"body":"þriðja"}')];
  const lua = wrkSequenceScript(reqs);
  const literals = [...lua.matchAll(/^ {2}(".*"),$/gm)].map((m) => decodeLuaString(m[1]!).toString('utf8'));
  assert.deepEqual(literals, reqs.map((r) => r.toString()));
  assert.match(lua, /if answered\(status, body\) and myelin_answered >= total then finish\(\) end/);
  assert.match(lua, /wrk\.thread:stop\(\)/);
  assert.throws(() => wrkSequenceScript([]), /at least one request/);

  const send = `PUT /send/m.room.message/run1-${TXN_COUNTER} HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}`;
  const stream = wrkSendStreamScript(send, { seconds: 1.5 });
  assert.match(stream, /local head = "PUT \/send\/m\.room\.message\/run1-"\n/);
  assert.match(stream, /return head \.\. myelin_sent \.\. tail/);
  assert.match(stream, /local run_us = 1500000\nlocal max_answers = -1\n/);
  assert.match(wrkSendStreamScript(send, { seconds: 0.05, maxRequests: 40 }), /local run_us = 50000\nlocal max_answers = 40\n/);
  assert.throws(() => wrkSendStreamScript('PUT /send/x HTTP/1.1\r\n\r\n', { seconds: 1 }), /exactly once/);
  assert.throws(() => wrkSendStreamScript(`PUT /${TXN_COUNTER}/${TXN_COUNTER} HTTP/1.1\r\n\r\n`, { seconds: 1 }), /exactly once/);
  assert.throws(() => wrkSendStreamScript(send, { seconds: 0 }), /positive time/);
  assert.throws(() => wrkSendStreamScript(send, { seconds: 1, maxRequests: 0 }), /positive integer/);
});

test('sequentialWrk: quick runs use wrk only when MYELIN_BENCH_WRK names it', () => {
  assert.equal(sequentialWrk({ quick: true }, { PATH: '/usr/bin:/bin' }), undefined);
  assert.equal(sequentialWrk({ quick: true }, { MYELIN_BENCH_WRK: '/opt/wrk' }), '/opt/wrk');
  assert.equal(sequentialWrk({ quick: false }, { MYELIN_BENCH_WRK: '' }), undefined);
  assert.equal(sequentialWrk({ quick: false }, { MYELIN_BENCH_WRK: '/opt/wrk' }), '/opt/wrk');
});

const wrk = findWrk();
const needsWrk = { skip: wrk ? false : 'wrk is not installed' };

/** A node:http server recording every request (url, body) in arrival order. */
async function recorder(status: (url: string) => number = () => 200) {
  const seen: { url: string; body: string }[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ url: req.url!, body: Buffer.concat(chunks).toString('utf8') });
      const s = status(req.url!);
      res.writeHead(s, { 'content-type': 'application/json' });
      res.end(s === 200 ? '{"event_id":"$x"}' : '{"errcode":"M_LIMIT_EXCEEDED","error":"slow \\"down\\"","retry_after_ms":5}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, seen, close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }) };
}

const put = (path: string, body: string) => {
  const b = Buffer.from(body, 'utf8');
  return Buffer.concat([Buffer.from(`PUT ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${b.length}\r\n\r\n`), b]);
};

test('wrk serves an exact list once, in order, byte for byte, and stops after the last answer', { ...needsWrk, timeout: 60_000 }, async () => {
  const rec = await recorder();
  try {
    const play = parsePlay(readFileSync(playFile(), 'utf8')).lines.slice(0, 500);
    const bodies = play.map((l, i) => JSON.stringify({ msgtype: 'm.text', body: i % 7 === 0 ? `${l.text} — “quoted” \\ ✓` : l.text }));
    const reqs = bodies.map((b, i) => put(`/send/run-${i}`, b));
    const t0 = performance.now();
    const r = await runWrkScript('replay', { wrk: wrk!, target: { url: rec.url }, script: wrkSequenceScript(reqs), connections: 1, durationSeconds: 30, expect: reqs.length });
    const ms = performance.now() - t0;
    assert.equal(r.requests, reqs.length);
    assert.deepEqual(rec.seen.map((s) => s.url), reqs.map((_, i) => `/send/run-${i}`), 'every request once, in order');
    assert.deepEqual(rec.seen.map((s) => s.body), bodies, 'bodies arrive byte for byte');
    assert.ok(ms < 20_000, `wrk stopped after the last answer, not at its 30 s cap (${Math.round(ms)} ms)`);
    assert.ok(r.wallNs > 0 && r.wallNs < ms * 1e6, 'the wall time is first request to last answer');
    assert.equal(r.extra!.generator, 'wrk');
  } finally {
    await rec.close();
  }
});

test('wrk sends a stream with a new transaction id each; a non-2xx answer stops a run with the server\'s error', { ...needsWrk, timeout: 60_000 }, async () => {
  const rec = await recorder((url) => (url.includes('/limited') ? 429 : 200));
  try {
    // the script ends the run on an answer after its 1 s (wrk's -d is only a cap): no send is
    // left in flight, done by the server and counted by no one
    const t0 = performance.now();
    const r = await runWrkScript('stream', { wrk: wrk!, target: { url: rec.url }, script: wrkSendStreamScript(put(`/send/m.room.message/run7-${TXN_COUNTER}`, '{"body":"hi"}'), { seconds: 1 }), connections: 1, durationSeconds: 20 });
    const ms = performance.now() - t0;
    assert.ok(r.requests! > 10, `requests: ${r.requests}`);
    assert.equal(rec.seen.length, r.requests, 'every request the server saw was counted, no more');
    assert.deepEqual(rec.seen.map((s) => s.url), rec.seen.map((_, i) => `/send/m.room.message/run7-${i + 1}`), 'transaction ids 1, 2, 3, ... never repeated');
    assert.ok(r.wallNs >= 1e9 && r.wallNs < ms * 1e6, `the stream ran for its 1 s, first request to last answer (${r.wallNs} ns)`);
    assert.ok(ms < 15_000, `the script ended the run, not wrk's 20 s cap (${Math.round(ms)} ms)`);

    rec.seen.length = 0;
    const capped = await runWrkScript('stream', { wrk: wrk!, target: { url: rec.url }, script: wrkSendStreamScript(put(`/send/m.room.message/run8-${TXN_COUNTER}`, '{}'), { seconds: 10, maxRequests: 25 }), connections: 1, durationSeconds: 20 });
    assert.equal(capped.requests, 25);
    assert.deepEqual(rec.seen.map((s) => s.url), Array.from({ length: 25 }, (_, i) => `/send/m.room.message/run8-${i + 1}`), 'a stream with a cap stops at exactly that many sends');

    rec.seen.length = 0;
    const list = [put('/ok/1', '{}'), put('/limited/2', '{}'), put('/ok/3', '{}')];
    await assert.rejects(
      runWrkScript('replay', { wrk: wrk!, target: { url: rec.url }, script: wrkSequenceScript(list), connections: 1, durationSeconds: 20, expect: 3 }),
      /wrk: answer 2 of 2 was 429, not 2xx: \{"errcode":"M_LIMIT_EXCEEDED","error":"slow \\"down\\"".*\(rate limited: lift the target's rate limits/,
    );
    assert.deepEqual(rec.seen.map((s) => s.url), ['/ok/1', '/limited/2'], 'the run stopped at the first bad answer');
  } finally {
    await rec.close();
  }
});

async function runQuickWithWrk(name: string, target: Target) {
  const { progress } = silentProgress();
  const env = { machine: testMachine, quick: true, target };
  const before = process.env.MYELIN_BENCH_WRK;
  process.env.MYELIN_BENCH_WRK = wrk!;
  try {
    return await runSuites({ selection: selectSuites(suites, [name], env), asked: [name], machine: testMachine, target, quick: true, signal: new AbortController().signal, progress });
  } finally {
    if (before === undefined) delete process.env.MYELIN_BENCH_WRK; else process.env.MYELIN_BENCH_WRK = before;
  }
}

const messageBodies = (room: { events: { type: string; body?: string }[] }) => room.events.filter((e) => e.type === 'm.room.message').map((e) => e.body);

test('macro-send with wrk: a warm-up room, a wrk arm and a client arm in rooms of their own', { ...needsWrk, timeout: 60_000 }, async () => {
  const hs = await startFakeHomeserver();
  try {
    const r = await runQuickWithWrk('macro-send', { url: hs.url });
    assert.equal(r.suites[0]!.status, 'ran', r.suites[0]!.reason);
    const seq = r.cases.find((c) => c.name === 'PUT send, sequential')!;
    assert.deepEqual(seq.arms.map((a) => [a.name, a.extra?.generator ?? 'client']), [['sequential (wrk)', 'wrk'], ['sequential', 'client']]);
    const wrkArm = seq.arms[0]!;
    assert.equal(wrkArm.samplesNs.length, 1001, "wrk's percentiles");
    // every wrk run ends on an answer: the server did exactly the sends wrk counted
    const n = Number(wrkArm.extra!.requests);
    const counts = [...hs.rooms.values()].map(messageBodies).map((m) => m.length);
    assert.ok(counts.includes(n), `the wrk arm's sends are all in one room of their own: ${counts}, ${n}`);
    const warm = Number(seq.params!.warmupRequests);
    assert.equal(hs.counts.get('send')! - (n + 20 + 20), warm, 'the warm-up, then wrk, sequential, concurrent: each send counted once');
    assert.match(seq.notes!.join('\n'), /warm-up \(wrk, a room of its own\): \d+ requests .*; then 2 sends from this client/);
    assert.ok(r.notes.some((x) => x.includes('also load generator: wrk')), r.notes.join(' | '));
  } finally {
    await hs.close();
  }
});

test('macro-romeo-juliet with wrk: both replays hold every line in order, each from its speaker', { ...needsWrk, timeout: 120_000 }, async () => {
  const hs = await startFakeHomeserver();
  try {
    const r = await runQuickWithWrk('macro-romeo-juliet', { url: hs.url });
    assert.equal(r.suites[0]!.status, 'ran', r.suites[0]!.reason);
    const lines = parsePlay(readFileSync(playFile(), 'utf8')).lines.slice(0, 40);
    const replays = [...hs.rooms.values()].filter((room) => messageBodies(room).length === 40);
    assert.equal(replays.length, 2, 'one room per generator');
    for (const room of replays) {
      assert.deepEqual(messageBodies(room), lines.map((l) => l.text));
      const senders = room.events.filter((e) => e.type === 'm.room.message').map((e) => e.sender.slice(1).split(':')[0]!.replace(/^mb[a-z0-9]+_/, ''));
      assert.deepEqual(senders, lines.map((l) => localpartOf(l.speaker)));
    }
    const c = r.cases.find((x) => x.name === 'replay: 40 lines, in order')!;
    assert.deepEqual(c.arms.map((a) => a.name), ['replay (wrk)', 'replay']);
    assert.equal(c.arms[0]!.extra!.requests, 40);
    assert.ok(c.notes!.some((n) => n.startsWith('whole play (setup + replay from wrk): ')));
  } finally {
    await hs.close();
  }
});

test('a replay that loses lines fails the suite loudly, with wrk as with the client', { timeout: 120_000 }, async (t) => {
  for (const [generator, run] of [
    ['client', (target: Target) => {
      const { progress } = silentProgress();
      const env = { machine: testMachine, quick: true, target };
      return runSuites({ selection: selectSuites(suites, ['macro-romeo-juliet'], env), asked: ['macro-romeo-juliet'], machine: testMachine, target, quick: true, signal: new AbortController().signal, progress });
    }],
    ['wrk', (target: Target) => runQuickWithWrk('macro-romeo-juliet', target)],
  ] as const) {
    if (generator === 'wrk' && !wrk) { t.diagnostic('wrk is not installed: its half is skipped'); continue; }
    const options: FakeOptions = { dropSendEvery: 29 };
    const hs = await startFakeHomeserver(options);
    try {
      const r = await run({ url: hs.url });
      assert.equal(r.suites[0]!.status, 'failed', generator);
      assert.match(r.suites[0]!.reason!, /replay check FAILED: the room holds \d+ of 40 lines; line \d+ should be @/);
      assert.equal(r.cases.find((c) => c.name.startsWith('replay:')), undefined, 'no replay time is reported');
    } finally {
      await hs.close();
    }
  }
});
