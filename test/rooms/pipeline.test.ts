// The event pipeline against events built and signed by a simulated remote
// server: accepted, dropped (format, signatures), redacted on a bad content
// hash, rejected (auth events), soft-failed (current state), forks resolved.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildEvent } from '../../src/matrix/event-builder.js';
import { authStateFromEvents } from '../../src/matrix/auth/index.js';
import type { Pdu } from '../../src/matrix/pdu.js';
import type { SigningKey } from '../../src/matrix/signing.js';
import { EventDropped, type PipelineResult } from '../../src/rooms/pipeline/index.js';
import type { Kernels } from '../../src/accel/types.js';
import { kernelsUnderTest } from '../helpers/kernels.js';
import { requester, roomsHarness, signingKeyFor, stateContent, type RoomsHarness } from './helpers.js';

const REMOTE = 'remote.example';
const alice = requester('alice');
const rita = `@rita:${REMOTE}`;

interface Setup {
  readonly h: RoomsHarness;
  readonly remoteKey: SigningKey;
  readonly roomId: string;
}

async function setup(version = '10', k?: Kernels): Promise<Setup> {
  const h = await roomsHarness(k ? { kernels: k } : {});
  const remoteKey = signingKeyFor(REMOTE, 'ed25519:r1');
  h.keyRing.addSigningKey(remoteKey);
  const { room_id } = await h.rooms.createRoom(alice, { preset: 'public_chat', room_version: version });
  return { h, remoteKey, roomId: room_id };
}

function extremities(s: Setup): string[] {
  return s.h.store.read((tx) => s.h.store.extremities.get(tx, s.roomId)) as string[];
}

function stateAt(s: Setup, eventId: string): Pdu[] {
  const snap = s.h.store.read((tx) => s.h.store.events.stateSnapshot(tx, eventId, 'after')) as number;
  const map = s.h.store.read((tx) => s.h.store.state.at(tx, snap)) as ReadonlyMap<string, string>;
  return [...map.values()].map((id) => s.h.rooms.events.pdu(id)!);
}

/** A remote event following `prev` (default: the forward extremities), auth events chosen from the state after the first prev event. */
function remote(
  s: Setup, type: string, content: Record<string, unknown>,
  opts: { stateKey?: string; prev?: string[]; key?: SigningKey; sender?: string; extraAuth?: Pdu[] } = {},
) {
  const rules = s.h.rooms.events.roomRules(s.roomId)!;
  const prev = opts.prev ?? extremities(s);
  const prevEvents = prev.map((id) => s.h.rooms.events.get(id)!.pdu);
  const authState = authStateFromEvents([...stateAt(s, prev[0]!), ...(opts.extraAuth ?? [])]);
  return buildEvent({
    rules, roomId: s.roomId, sender: opts.sender ?? rita, type, ...(opts.stateKey !== undefined ? { stateKey: opts.stateKey } : {}),
    content, prevEvents, authState, origin: REMOTE, originServerTs: Date.now(), signingKey: opts.key ?? s.remoteKey, kernels: s.h.k,
  });
}

async function receiveOne(s: Setup, json: Record<string, unknown>): Promise<PipelineResult | EventDropped> {
  const rules = s.h.rooms.events.roomRules(s.roomId)!;
  const [out] = await s.h.rooms.pipeline.receive([{ rules, json }]);
  return out!;
}

function accepted(r: PipelineResult | EventDropped): PipelineResult {
  assert.ok(!(r instanceof EventDropped), `dropped: ${r instanceof EventDropped ? r.message : ''}`);
  return r as PipelineResult;
}

function timelineIds(s: Setup): string[] {
  return (s.h.store.read((tx) => s.h.store.events.timeline(tx, s.roomId)) as { eventId: string }[]).map((e) => e.eventId);
}

async function withSetup(version: string, fn: (s: Setup) => Promise<void>): Promise<void> {
  const s = await setup(version);
  try {
    await fn(s);
  } finally {
    await s.h.close();
  }
}

for (const version of ['1', '10', '12']) {
  test(`v${version}: a remote join and message signed by the remote key are accepted onto the timeline`, async () => {
    await withSetup(version, async (s) => {
      const join = remote(s, 'm.room.member', { membership: 'join', displayname: 'Rita' }, { stateKey: rita });
      const r = accepted(await receiveOne(s, join.json));
      assert.equal(r.status, 'timeline');
      assert.equal(stateContent(s.h, s.roomId, 'm.room.member', rita)!.membership, 'join');
      const msg = remote(s, 'm.room.message', { msgtype: 'm.text', body: 'hello from afar' });
      const m = accepted(await receiveOne(s, msg.json));
      assert.equal(m.status, 'timeline');
      assert.deepEqual(extremities(s), [msg.eventId]);
      assert.equal(timelineIds(s).at(-1), msg.eventId);
      assert.equal(s.h.notified.at(-1)!.eventId, msg.eventId);
      // The same event again changes nothing.
      const again = accepted(await receiveOne(s, msg.json));
      assert.equal(again.duplicate, true);
      assert.equal(timelineIds(s).filter((id) => id === msg.eventId).length, 1);
    });
  });
}

test('a bad signature, or a key we do not know, drops the event (not stored)', async () => {
  await withSetup('10', async (s) => {
    const join = remote(s, 'm.room.member', { membership: 'join' }, { stateKey: rita });
    const forged = structuredClone(join.json);
    const other = remote(s, 'm.room.member', { membership: 'join' }, { stateKey: rita, key: signingKeyFor(REMOTE, 'ed25519:r1') });
    (forged.signatures as Record<string, Record<string, string>>)[REMOTE]!['ed25519:r1'] = (other.json.signatures as Record<string, Record<string, string>>)[REMOTE]!['ed25519:r1']!;
    const r = await receiveOne(s, forged);
    assert.ok(r instanceof EventDropped);
    assert.equal(r.step, 'signatures');
    assert.equal(s.h.rooms.events.get(join.eventId), undefined);

    const unknownKey = remote(s, 'm.room.member', { membership: 'join' }, { stateKey: rita, key: signingKeyFor(REMOTE, 'ed25519:other') });
    const u = await receiveOne(s, unknownKey.json);
    assert.ok(u instanceof EventDropped);
    assert.match(u.reason, /no known ed25519 key of remote\.example/);

    const unsigned = structuredClone(join.json);
    delete (unsigned.signatures as Record<string, unknown>)[REMOTE];
    const n = await receiveOne(s, unsigned);
    assert.ok(n instanceof EventDropped);
    assert.match(n.reason, /no signature of remote\.example/);
  });
});

test('a bad format or an event over 65,536 bytes is dropped', async () => {
  await withSetup('10', async (s) => {
    const join = remote(s, 'm.room.member', { membership: 'join' }, { stateKey: rita });
    accepted(await receiveOne(s, join.json));
    // Built small (the builder refuses oversized events), then grown in transit.
    const big = structuredClone(remote(s, 'm.room.message', { body: 'x' }).json);
    (big.content as Record<string, unknown>).body = 'x'.repeat(70_000);
    const r = await receiveOne(s, big);
    assert.ok(r instanceof EventDropped);
    assert.equal(r.step, 'format');
    assert.match(r.reason, /65536/);
    const noSender = structuredClone(remote(s, 'm.room.message', { body: 'x' }).json);
    delete noSender.sender;
    const f = await receiveOne(s, noSender);
    assert.ok(f instanceof EventDropped);
    assert.equal(f.step, 'format');
  });
});

test('a content hash mismatch: the event is kept, redacted (spec: receipt check 3)', async () => {
  await withSetup('10', async (s) => {
    accepted(await receiveOne(s, remote(s, 'm.room.member', { membership: 'join' }, { stateKey: rita }).json));
    const msg = remote(s, 'm.room.message', { msgtype: 'm.text', body: 'original' });
    const tampered = structuredClone(msg.json);
    (tampered.content as Record<string, unknown>).body = 'tampered in transit';
    const r = accepted(await receiveOne(s, tampered));
    assert.equal(r.status, 'timeline');
    // Signatures cover the redacted form, so the event id is the same and the content is gone.
    assert.equal(r.eventId, msg.eventId);
    assert.deepEqual(s.h.rooms.events.pdu(r.eventId)!.content, {});
    const stored = s.h.store.read((tx) => s.h.store.events.json(tx, r.eventId)) as Uint8Array;
    assert.doesNotMatch(Buffer.from(stored).toString(), /tampered|original/);
  });
});

test('failing auth against its auth events: rejected, stored apart with the reason', async () => {
  await withSetup('10', async (s) => {
    // Rita never joined: her message's auth events do not make her a member.
    const msg = remote(s, 'm.room.message', { body: 'let me talk' });
    const r = accepted(await receiveOne(s, msg.json));
    assert.equal(r.status, 'rejected');
    assert.match(r.reason!, /not in the room|member|join/i);
    assert.equal(s.h.rooms.events.get(msg.eventId)!.status, 'rejected');
    assert.match(s.h.store.read((tx) => s.h.store.events.rejectionReason(tx, msg.eventId)) as string, /./);
    assert.ok(!timelineIds(s).includes(msg.eventId));
    assert.ok(!extremities(s).includes(msg.eventId));

    // Banned, Rita joins anyway: rejected. Her next event, citing that join as her membership, is rejected too.
    await s.h.rooms.ban(alice, s.roomId, rita);
    const join = remote(s, 'm.room.member', { membership: 'join' }, { stateKey: rita });
    const rj = accepted(await receiveOne(s, join.json));
    assert.equal(rj.status, 'rejected');
    const rejectedJoin = s.h.rooms.events.get(join.eventId)!.pdu;
    const next = remote(s, 'm.room.message', { body: 'on a rejected join' }, { extraAuth: [rejectedJoin] });
    assert.ok(next.pdu.authEvents.includes(join.eventId));
    const rn = accepted(await receiveOne(s, next.json));
    assert.equal(rn.status, 'rejected');
    assert.match(rn.reason!, new RegExp(`auth event \\${join.eventId} was rejected`));
  });
});

test('passing its auth events and state before, failing the current state: soft-failed', async () => {
  await withSetup('10', async (s) => {
    const join = remote(s, 'm.room.member', { membership: 'join' }, { stateKey: rita });
    accepted(await receiveOne(s, join.json));
    await s.h.rooms.ban(alice, s.roomId, rita);
    const notifiedBefore = s.h.notified.length;
    // Rita, not yet aware of the ban, sends after her join.
    const msg = remote(s, 'm.room.message', { body: 'still here?' }, { prev: [join.eventId] });
    const r = accepted(await receiveOne(s, msg.json));
    assert.equal(r.status, 'soft_failed');
    assert.match(r.reason!, /ban|not in the room|join/i);
    assert.equal(s.h.rooms.events.get(msg.eventId)!.status, 'soft_failed');
    assert.ok(!timelineIds(s).includes(msg.eventId), 'soft-failed events are not on the timeline');
    assert.ok(!extremities(s).includes(msg.eventId), 'nor forward extremities');
    assert.equal(s.h.notified.length, notifiedBefore, 'nor sent to clients');
  });
});

test('forks: an event citing two branches gets the resolved state of both', async () => {
  await withSetup('10', async (s) => {
    const join = remote(s, 'm.room.member', { membership: 'join', displayname: 'Rita' }, { stateKey: rita });
    accepted(await receiveOne(s, join.json));
    // Branch A (remote): Rita changes her display name, citing her join.
    const a = remote(s, 'm.room.member', { membership: 'join', displayname: 'Rita A' }, { stateKey: rita, prev: [join.eventId] });
    // Branch B (local): Alice names the room, also after Rita's join.
    await s.h.rooms.setState(alice, s.roomId, 'm.room.name', '', { name: 'Branch B' });
    const bId = extremities(s)[0]!;
    const ra = accepted(await receiveOne(s, a.json));
    assert.equal(ra.status, 'timeline');
    assert.deepEqual(new Set(extremities(s)), new Set([a.eventId, bId]));
    // The current state resolves both branches.
    assert.equal(stateContent(s.h, s.roomId, 'm.room.member', rita)!.displayname, 'Rita A');
    assert.equal(stateContent(s.h, s.roomId, 'm.room.name')!.name, 'Branch B');
    // Rita's next event cites both branches: the state before it is the resolution.
    const c = remote(s, 'm.room.message', { body: 'merged' }, { prev: [a.eventId, bId] });
    const rc = accepted(await receiveOne(s, c.json));
    assert.equal(rc.status, 'timeline');
    assert.deepEqual(extremities(s), [c.eventId]);
    const before = s.h.store.read((tx) => s.h.store.events.stateSnapshot(tx, c.eventId, 'before')) as number;
    const map = s.h.store.read((tx) => s.h.store.state.at(tx, before)) as ReadonlyMap<string, string>;
    assert.equal(map.get(`m.room.member\u0000${rita}`), a.eventId);
    assert.equal(map.get('m.room.name\u0000'), bId);
    // The resolutions indexed the room's auth chains, and the index was persisted with the events.
    const rows = s.h.store.read((tx) => s.h.store.authChain.load(tx, s.roomId)) as unknown as { eventIds: string[] };
    const createId = s.h.store.read((tx) => s.h.store.state.currentEntry(tx, s.roomId, 'm.room.create', '')) as string;
    assert.ok(rows.eventIds.includes(createId) && rows.eventIds.includes(a.eventId), 'auth chain index persisted');
    // Our next event merges nothing new and follows Rita's.
    const sent = await s.h.rooms.sendEvent(alice, s.roomId, 'm.room.message', { body: 'after merge' }, 'tx');
    assert.deepEqual(s.h.rooms.events.pdu(sent.event_id)!.prevEvents, [c.eventId]);
  });
});

test('our events follow the room as the writer last saw it: after a remote event, and across a fork, they cite every forward extremity', async () => {
  await withSetup('10', async (s) => {
    const join = remote(s, 'm.room.member', { membership: 'join', displayname: 'Rita' }, { stateKey: rita });
    accepted(await receiveOne(s, join.json));
    // A local event right after a remote one cites it (the writer's head was refreshed).
    const hello = await s.h.rooms.sendEvent(alice, s.roomId, 'm.room.message', { body: 'hello Rita' }, 'tx1');
    assert.deepEqual(s.h.rooms.events.pdu(hello.event_id)!.prevEvents, [join.eventId]);
    // Rita forks from her join while Alice talks: two forward extremities.
    const fork = remote(s, 'm.room.member', { membership: 'join', displayname: 'Rita of the fork' }, { stateKey: rita, prev: [join.eventId] });
    accepted(await receiveOne(s, fork.json));
    assert.deepEqual(new Set(extremities(s)), new Set([hello.event_id, fork.eventId]));
    // Alice's next events merge both, and then follow her own.
    const merge = await s.h.rooms.sendEvent(alice, s.roomId, 'm.room.message', { body: 'merging' }, 'tx2');
    assert.deepEqual(new Set(s.h.rooms.events.pdu(merge.event_id)!.prevEvents), new Set([hello.event_id, fork.eventId]));
    assert.deepEqual(extremities(s), [merge.event_id]);
    const next = await s.h.rooms.sendEvent(alice, s.roomId, 'm.room.message', { body: 'next' }, 'tx3');
    assert.deepEqual(s.h.rooms.events.pdu(next.event_id)!.prevEvents, [merge.event_id]);
    assert.equal(stateContent(s.h, s.roomId, 'm.room.member', rita)!.displayname, 'Rita of the fork');
  });
});

test('a fork where one branch bans the other branch\'s sender: resolution keeps the ban', async () => {
  await withSetup('10', async (s) => {
    const join = remote(s, 'm.room.member', { membership: 'join' }, { stateKey: rita });
    accepted(await receiveOne(s, join.json));
    await s.h.rooms.ban(alice, s.roomId, rita, { reason: 'fork test' });
    const banId = extremities(s)[0]!;
    // Rita, concurrently, sets her display name (a state event) citing her join only.
    const a = remote(s, 'm.room.member', { membership: 'join', displayname: 'sneaky' }, { stateKey: rita, prev: [join.eventId] });
    const r = accepted(await receiveOne(s, a.json));
    assert.equal(r.status, 'soft_failed');
    assert.equal(stateContent(s.h, s.roomId, 'm.room.member', rita)!.membership, 'ban');
    assert.deepEqual(extremities(s), [banId]);
  });
});

test('events of different rooms in one batch; each room in order', async () => {
  const s = await setup('10');
  try {
    const other = await s.h.rooms.createRoom(alice, { preset: 'public_chat' });
    const s2: Setup = { ...s, roomId: other.room_id };
    const j1 = remote(s, 'm.room.member', { membership: 'join' }, { stateKey: rita });
    const j2 = remote(s2, 'm.room.member', { membership: 'join' }, { stateKey: rita });
    const rules = s.h.rooms.events.roomRules(s.roomId)!;
    const out = await s.h.rooms.pipeline.receive([{ rules, json: j1.json }, { rules, json: j2.json }]);
    assert.deepEqual(out.map((r) => (r instanceof EventDropped ? r.message : r.status)), ['timeline', 'timeline']);
    assert.equal(stateContent(s.h, other.room_id, 'm.room.member', rita)!.membership, 'join');
  } finally {
    await s.h.close();
  }
});

for (const k of kernelsUnderTest()) {
  test(`kernel path ${k.path}: signatures batch-verified, forgeries dropped, content hash mismatches redacted`, async () => {
    const s = await setup('10', k);
    try {
      const joins = [rita, `@ron:${REMOTE}`, `@rex:${REMOTE}`].map((u) => remote(s, 'm.room.member', { membership: 'join' }, { stateKey: u, sender: u }));
      const forged = structuredClone(joins[1]!.json);
      (forged.content as Record<string, unknown>).membership = 'ban'; // signed content changed: signature fails
      const tampered = structuredClone(joins[2]!.json);
      (tampered.content as Record<string, unknown>).displayname = 'added'; // unsigned-by-redaction content: hash fails only
      const rules = s.h.rooms.events.roomRules(s.roomId)!;
      const out = await s.h.rooms.pipeline.receive([joins[0]!.json, forged, tampered].map((json) => ({ rules, json })));
      assert.equal((out[0] as PipelineResult).status, 'timeline');
      assert.ok(out[1] instanceof EventDropped && out[1].step === 'signatures');
      assert.equal((out[2] as PipelineResult).status, 'timeline');
      assert.equal(s.h.rooms.events.pdu(joins[2]!.eventId)!.content.displayname, undefined);
    } finally {
      await s.h.close();
    }
  });
}

test('our own m.room.create citing prev events is rejected by auth rule 1 and not stored (the trusted path runs step 3 for it)', async () => {
  await withSetup('10', async (s) => {
    const rules = s.h.rooms.events.roomRules(s.roomId)!;
    const prev = extremities(s).map((id) => s.h.rooms.events.get(id)!.pdu);
    const built = buildEvent({
      rules, roomId: s.roomId, sender: alice.userId, type: 'm.room.create', stateKey: '', content: { room_version: '10', creator: alice.userId },
      prevEvents: prev, authState: authStateFromEvents([]), originServerTs: Date.now(), signingKey: s.h.signingKey, kernels: s.h.k,
    });
    const before = timelineIds(s);
    const { pipeline } = s.h.rooms;
    const r = await pipeline.queue.run(s.roomId, () => pipeline.submitLocal({ rules, json: built.json, trusted: true, eventId: built.eventId, bytes: built.bytes, pdu: built.pdu }));
    assert.equal(r.status, 'rejected');
    assert.match(r.reason ?? '', /prev_events/);
    assert.deepEqual(timelineIds(s), before);
  });
});
