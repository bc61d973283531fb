// The macro load driver against a tiny fake homeserver on 127.0.0.1: each
// suite does the requests it claims (counted by the server), records them,
// and fails clearly when the server misbehaves. Bounded: quick sizes only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { runSuites, selectSuites } from '../../src/bench/runner.js';
import { suites } from '../../src/bench/suites/index.js';
import type { Target } from '../../src/bench/suite.js';
import { parsePlay, localpartOf } from '../../src/bench/macro/romeo-juliet.js';
import { playFile } from '../../src/bench/suites/macro-romeo-juliet.js';
import { parseProcStat, ServerSampler } from '../../src/bench/macro/server-sampler.js';
import { startFakeHomeserver } from './fake-homeserver.js';
import { silentProgress, testMachine } from './helpers.js';

async function runMacro(name: string, target: Target) {
  const { progress } = silentProgress();
  const env = { machine: testMachine, quick: true, target };
  return runSuites({ selection: selectSuites(suites, [name], env), asked: [name], machine: testMachine, target, quick: true, signal: new AbortController().signal, progress });
}

test('macro-send: sequential and concurrent sends, every one reaching the server', async () => {
  const hs = await startFakeHomeserver();
  try {
    const r = await runMacro('macro-send', { url: hs.url });
    assert.deepEqual(r.suites.map((s) => [s.name, s.status, s.reason]), [['macro-send', 'ran', undefined]]);
    const [seq, conc] = r.cases;
    assert.equal(seq!.name, 'PUT send, sequential');
    assert.equal(seq!.kind, 'latency');
    assert.equal(seq!.arms[0]!.samplesNs.length, 20);
    assert.equal(seq!.arms[0]!.extra!.concurrency, 1);
    assert.ok(seq!.arms[0]!.opsPerSec! > 0);
    assert.equal(conc!.arms[0]!.samplesNs.length, 20);
    assert.equal(conc!.arms[0]!.extra!.concurrency, 4);
    const warm = Number(seq!.params!.warmupRequests);
    assert.ok(warm > 0 && warm <= 40, `a bounded warm-up: ${warm}`);
    assert.match(seq!.notes!.join('\n'), /^warm-up \(this client, a room of its own\): \d+ requests in \d+ windows/m);
    assert.equal(hs.counts.get('send'), warm + 20 + 20); // warm-up, sequential, concurrent
    const warmRoom = [...hs.rooms.values()].find((room) => room.events.filter((e) => e.type === 'm.room.message').length === warm);
    assert.ok(warmRoom, 'the warm-up sends went to a room of their own');
    assert.equal(hs.counts.get('unknown'), undefined);
    assert.ok(r.notes.some((n) => n.includes('load generator: Myelin bench HTTP/1.1 client')));
  } finally {
    await hs.close();
  }
});

test('macro-versions: round trips at 1 and 32 connections, with the generator\'s CPU per request beside the server\'s', async () => {
  const hs = await startFakeHomeserver();
  try {
    const r = await runMacro('macro-versions', { url: hs.url, serverPid: process.pid });
    assert.equal(r.suites[0]!.status, 'ran', r.suites[0]!.reason);
    const c = r.cases[0]!;
    assert.deepEqual(c.arms.map((a) => [a.name, a.samplesNs.length, a.extra!.concurrency]), [['sequential', 50, 1], ['32 at once', 50, 32]]);
    assert.equal(hs.counts.get('versions'), 5 + 50 + 50);
    assert.ok(c.arms.every((a) => Number(a.extra!.driverCpuNsPerOp) > 0));
    assert.match(c.notes!.join('\n'), /^sequential: load generator [\d.]+ (ns|µs|ms) of CPU per request, server /m);
  } finally {
    await hs.close();
  }
});

test('macro-sync: initial and incremental syncs with rotating since-tokens', async () => {
  const hs = await startFakeHomeserver();
  try {
    const r = await runMacro('macro-sync', { url: hs.url });
    assert.equal(r.suites[0]!.status, 'ran', r.suites[0]!.reason);
    assert.deepEqual(r.cases.map((c) => [c.name, c.arms[0]!.samplesNs.length]), [['/sync initial (timeline limit 20)', 8], ['/sync incremental, rotating since-tokens', 20]]);
    assert.equal(r.cases[1]!.params!.tokens, 4); // the first token and one per 4 of 12 messages
    assert.equal(hs.counts.get('sync-initial'), 1 + 8);
    assert.equal(hs.counts.get('sync-incremental'), 3 + 20);
  } finally {
    await hs.close();
  }
});

test('macro-messages: paginates back through the room from rotating tokens', async () => {
  const hs = await startFakeHomeserver();
  try {
    const r = await runMacro('macro-messages', { url: hs.url });
    assert.equal(r.suites[0]!.status, 'ran', r.suites[0]!.reason);
    const c = r.cases[0]!;
    assert.equal(c.arms[0]!.samplesNs.length, 20);
    // 30 messages + the create event, 10 per page: 4 pages walked, so 5 tokens (the first is "latest")
    assert.equal(c.params!.tokens, 5);
    assert.equal(hs.counts.get('messages'), 4 + 1 + 20);
    assert.ok(c.arms[0]!.bytesPerSec! > 0, 'response bytes are counted');
  } finally {
    await hs.close();
  }
});

test('macro-join: users join one by one; latency per slice of room size forms a growth series', async () => {
  const hs = await startFakeHomeserver();
  try {
    const r = await runMacro('macro-join', { url: hs.url });
    assert.equal(r.suites[0]!.status, 'ran', r.suites[0]!.reason);
    assert.deepEqual(r.cases.map((c) => [c.name, c.group, c.x, c.arms[0]!.samplesNs.length]), [
      ['join at 1–3 members', 'join latency', 1, 3],
      ['join at 4–6 members', 'join latency', 4, 3],
    ]);
    assert.equal(hs.counts.get('join'), 6);
    const room = [...hs.rooms.values()][0]!;
    assert.equal(room.members.size, 7);
  } finally {
    await hs.close();
  }
});

test('macro-romeo-juliet: every speaker registers, logs in, names itself, joins; lines arrive in order', async () => {
  const hs = await startFakeHomeserver();
  try {
    const r = await runMacro('macro-romeo-juliet', { url: hs.url });
    assert.equal(r.suites[0]!.status, 'ran', r.suites[0]!.reason);
    const play = parsePlay(readFileSync(playFile(), 'utf8'));
    const lines = play.lines.slice(0, 40);
    const cast = [...new Set(lines.map((l) => localpartOf(l.speaker)))];
    const warm = Number(r.cases[1]!.params!.warmupRequests);
    assert.ok(warm > 0 && warm <= 40, `a bounded warm-up: ${warm}`);
    assert.equal(hs.counts.get('send'), warm + 40);
    assert.equal(hs.counts.get('displayname'), cast.length);
    const messages = (x: { events: { type: string; body?: string }[] }) => x.events.filter((e) => e.type === 'm.room.message').map((e) => e.body);
    const room = [...hs.rooms.values()].find((x) => messages(x).length === 40)!;
    assert.equal(room.members.size, cast.length + 1);
    assert.deepEqual(messages(room), lines.map((l) => l.text));
    assert.ok(hs.counts.get('messages')! >= 1, 'the replay was read back');
    assert.match(r.cases[1]!.notes!.join('\n'), /before the replay, the server was warmed .* in another room: warm-up \(this client/);
    const names = [...hs.users.entries()].filter(([id]) => !id.includes('_director')).map(([, u]) => u.displayname).sort();
    assert.deepEqual(names, [...new Set(lines.map((l) => l.speaker))].sort());
    assert.deepEqual(r.cases.map((c) => c.kind), ['once', 'latency']);
    assert.ok(r.cases[1]!.notes!.some((n) => n.startsWith('whole play (setup + replay): ')));
  } finally {
    await hs.close();
  }
});

test('the play parses into speakers and spoken lines (headings and stage directions left out)', () => {
  const p = parsePlay('ACT I\nPROLOGUE\n\n    Two households\n\nSCENE I. Verona.\n\n    Enter SAMPSON\n\nSAMPSON\n\n    Gregory, o\' my word.\n    Exit\n\nNurse\n\n    Now, by my maidenhead\n');
  assert.deepEqual(p.characters, ['SAMPSON', 'Nurse']);
  assert.deepEqual(p.lines, [{ speaker: 'SAMPSON', text: "Gregory, o' my word." }, { speaker: 'Nurse', text: 'Now, by my maidenhead' }]);
  assert.equal(localpartOf('FRIAR LAURENCE'), 'friar_laurence');
  const full = parsePlay(readFileSync(playFile(), 'utf8'));
  assert.ok(full.lines.length > 3000 && full.characters.includes('JULIET'));
});

test('shared-secret registration: the Synapse admin endpoint with the right HMAC; a wrong secret fails clearly', async () => {
  const hs = await startFakeHomeserver({ sharedSecret: 'sekrit' });
  try {
    const ok = await runMacro('macro-send', { url: hs.url, sharedSecret: 'sekrit' });
    assert.equal(ok.suites[0]!.status, 'ran', ok.suites[0]!.reason);
    assert.equal(hs.counts.get('admin-register-POST'), 4);
    assert.equal(hs.counts.get('register'), undefined, 'the client API registration is not used');
    const bad = await runMacro('macro-send', { url: hs.url, sharedSecret: 'wrong' });
    assert.equal(bad.suites[0]!.status, 'failed');
    assert.match(bad.suites[0]!.reason!, /POST \/_synapse\/admin\/v1\/register → 403 M_FORBIDDEN: HMAC incorrect/);
    const none = await runMacro('macro-send', { url: hs.url });
    assert.match(none.suites[0]!.reason!, /register → 403 M_FORBIDDEN/);
  } finally {
    await hs.close();
  }
});

test('a server that answers sends with errors makes the suite fail with the Matrix error, not a hang', async () => {
  const hs = await startFakeHomeserver({ failSends: 500 });
  try {
    const r = await runMacro('macro-send', { url: hs.url });
    assert.equal(r.suites[0]!.status, 'failed');
    assert.match(r.suites[0]!.reason!, /PUT \/_matrix\/client\/v3\/rooms\/.*\/send\/m\.room\.message\/.* → 500 M_UNKNOWN: sends are broken today/);
  } finally {
    await hs.close();
  }
});

test('rate limiting: 429s are retried after retry_after_ms and reported, not counted as failures', async () => {
  const hs = await startFakeHomeserver({ rateLimitEvery: 5 });
  try {
    const r = await runMacro('macro-send', { url: hs.url });
    assert.equal(r.suites[0]!.status, 'ran', r.suites[0]!.reason);
    const limited = hs.counts.get('send-429')!;
    assert.ok(limited > 0);
    const warm = Number(r.cases[0]!.params!.warmupRequests);
    assert.equal(hs.counts.get('send'), warm + 40 + limited);
    assert.ok(r.notes.some((n) => n.includes(`the server rate-limited ${limited} requests`)), r.notes.join('|'));
  } finally {
    await hs.close();
  }
});

test('a target that is not listening fails the suite with the connection error', async () => {
  const hs = await startFakeHomeserver();
  const url = hs.url;
  await hs.close();
  const r = await runMacro('macro-send', { url });
  assert.equal(r.suites[0]!.status, 'failed');
  assert.match(r.suites[0]!.reason!, /ECONNREFUSED/);
});

test('server sampling: /proc parsing and sampling a live process', () => {
  const stat = '1234 (my (odd) name) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 1 0 100 1000000 500';
  assert.deepEqual(parseProcStat(stat, 'Name:\tnode\nVmRSS:\t  2048 kB\n'), { cpuNs: 3e9, rssBytes: 2048 * 1024 });
  const s = new ServerSampler(process.pid);
  s.begin();
  let x = 0;
  for (let i = 0; i < 1e6; i++) x += i;
  const r = s.end();
  assert.ok(x > 0);
  assert.ok(r && r.serverRssBytes > 0 && r.serverCpuNs >= 0);
  assert.equal(new ServerSampler(undefined).end(), undefined);
});
