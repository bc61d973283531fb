// Content hash, redaction, reference hash and signatures of real events (the
// Synapse-made room fixtures in ../shared/vectors/rooms, room versions 1–10)
// on every path. Redaction rules come from the spec text (kernel-fixtures.ts).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import type { RedactionRules, RequiredSignature } from '../../src/accel/index.js';
import { roomVersion } from '../../src/matrix/room-versions.js';
import { kernelsUnderTest } from '../helpers/kernels.js';
import {
  b64decode, b64std, b64url, canonicalOf, checkAll, expectOnEveryPath, modeForRoomVersion, okBytes, readVectors, REDACTION_RULES, redactModel, utf8,
} from './kernel-fixtures.js';

interface SigningKey { server: string; key_id: string; public_key: string; seed: string }
interface RoomFixture {
  room_version: string;
  signing_keys: SigningKey[];
  events: Record<string, unknown>[];
  reference_hash?: { event: string; expected_event_id: string; expected_reference_hash: string; description?: string }[];
  redaction?: { event: string; expected: Record<string, unknown>; description?: string }[];
}

const paths = kernelsUnderTest();
const sha256 = (b: Uint8Array): Buffer => createHash('sha256').update(b).digest();
const VERSIONS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10'];

/** v3+ events have no event_id of their own: it is derived from the reference hash. */
function withoutDerivedId(event: Record<string, unknown>, version: string): Record<string, unknown> {
  if (Number(version) < 3) return event;
  const { event_id: _omitted, ...rest } = event;
  return rest;
}

function eventIdFromHash(hash: Uint8Array, version: string): string {
  return `$${version === '3' ? b64std(hash) : b64url(hash)}`;
}

for (const version of VERSIONS) {
  const rules = REDACTION_RULES[version]!;
  const mode = modeForRoomVersion(version);

  describe(`room v${version} fixtures (${mode} mode)`, () => {
    const refhash = readVectors<RoomFixture>(`rooms/refhash-v${version}.json`);
    const byId = new Map(refhash.events.map((e) => [e.event_id as string, e]));

    it(`content hash of all ${refhash.events.length} events equals their hashes.sha256`, () => {
      checkAll(refhash.events, (event) => {
        const text = JSON.stringify(withoutDerivedId(event, version));
        const expected = (event.hashes as { sha256: string }).sha256;
        expectOnEveryPath(paths, `v${version} contentHash ${event.event_id as string}`, text, (k) => b64std(k.contentHash(utf8(text), mode)), { ok: expected });
      });
    });

    it(`reference hashes and event ids of ${refhash.reference_hash?.length ?? 0} events`, () => {
      assert.ok(refhash.reference_hash && refhash.reference_hash.length > 0);
      checkAll(refhash.reference_hash, (c) => {
        const event = byId.get(c.event)!;
        const text = JSON.stringify(withoutDerivedId(event, version));
        expectOnEveryPath(paths, `v${version} referenceHash ${c.event} (${c.description ?? ''})`, text, (k) => b64std(k.referenceHash(utf8(text), rules, mode)), { ok: c.expected_reference_hash });
        if (Number(version) >= 3) {
          expectOnEveryPath(paths, `v${version} event id ${c.event}`, text, (k) => eventIdFromHash(k.referenceHash(utf8(text), rules, mode), version), { ok: c.expected_event_id });
        }
      });
    });

    it('every event\'s signatures verify in one batch; a changed kept field fails', () => {
      const keys = new Map(refhash.signing_keys.map((k) => [`${k.server} ${k.key_id}`, k]));
      const objects: Uint8Array[] = [];
      const required: RequiredSignature[][] = [];
      for (const event of refhash.events) {
        const sigs = event.signatures as Record<string, Record<string, string>>;
        const req: RequiredSignature[] = [];
        for (const [server, byKey] of Object.entries(sigs)) {
          for (const keyId of Object.keys(byKey)) {
            const key = keys.get(`${server} ${keyId}`);
            if (key) req.push({ server, keyId, publicKey: b64decode(key.public_key) });
          }
        }
        assert.ok(req.length > 0, 'each fixture event is signed by a listed key');
        objects.push(utf8(JSON.stringify(withoutDerivedId(event, version))));
        required.push(req);
      }
      const tampered = refhash.events.map((e) => utf8(JSON.stringify({ ...withoutDerivedId(e, version), origin_server_ts: (e.origin_server_ts as number) + 1 })));
      for (const k of paths) {
        const results = k.verifyBatch({ objects, required, rules, mode });
        assert.deepEqual(results.map((r) => (r.ok ? 'ok' : r.reason)), objects.map(() => 'ok'), `${k.path}: fixture signatures`);
        const bad = k.verifyBatch({ objects: tampered, required, rules, mode });
        assert.deepEqual(bad.map((r) => (r.ok ? 'ok' : r.reason)), objects.map(() => 'invalid_signature'), `${k.path}: tampered fixture events`);
      }
    });

    it('redaction matches Synapse\'s redacted events and the redaction model', () => {
      const fixture = readVectors<RoomFixture>(`rooms/redaction-v${version}.json`);
      const events = new Map(fixture.events.map((e) => [e.event_id as string, e]));
      assert.ok(fixture.redaction && fixture.redaction.length > 0);
      checkAll(fixture.redaction, (c) => {
        // the expected form keeps event_id (Synapse keeps it as an attribute), so redact the event as given
        const text = JSON.stringify(events.get(c.event)!);
        expectOnEveryPath(paths, `v${version} redact ${c.event} (${c.description ?? ''})`, text, (k) => k.redact(utf8(text), rules, mode), okBytes(canonicalOf(c.expected)));
      });
      checkAll([...fixture.events, ...refhash.events], (event) => {
        const text = JSON.stringify(event);
        expectOnEveryPath(paths, `v${version} redact model ${event.event_id as string}`, text, (k) => k.redact(utf8(text), rules, mode), okBytes(canonicalOf(redactModel(event, rules))));
      });
    });
  });
}

describe('the protocol layer\'s room-version rules agree with the spec text used here', () => {
  const normalize = (r: RedactionRules) => ({
    keepTopLevel: [...r.keepTopLevel].sort(),
    keepContent: Object.fromEntries(Object.entries(r.keepContent).map(([t, keys]) => [t, [...keys].sort()]).sort(([a], [b]) => (a! < b! ? -1 : 1))),
  });
  it('redaction rules and JSON mode of v1–v10 (src/matrix/room-versions.ts)', () => {
    for (const version of VERSIONS) {
      const rules = roomVersion(version);
      assert.ok(rules, `room version ${version} is known`);
      assert.deepEqual(normalize(rules.redaction), normalize(REDACTION_RULES[version]!), `v${version} redaction rules`);
      assert.equal(rules.strictCanonicalJson ? 'strict' : 'compat', modeForRoomVersion(version), `v${version} JSON mode`);
    }
  });
});

describe('event kernels on hand-made events (every path)', () => {
  const rules = REDACTION_RULES['10']!;

  it('content hash drops unsigned, signatures, hashes, age_ts, outlier, destinations and nothing else', () => {
    const core = { type: 'm.room.message', content: { body: 'x' }, sender: '@a:b', depth: 1, origin_server_ts: 5 };
    const noisy = { ...core, unsigned: { age: 1 }, signatures: { b: {} }, hashes: { sha256: 'abc' }, age_ts: 3, outlier: true, destinations: ['x'] };
    const expected = utf8(canonicalOf(core));
    for (const k of paths) {
      expectOnEveryPath([k], 'contentHash noisy', JSON.stringify(noisy), () => k.contentHash(utf8(JSON.stringify(noisy))), okBytes(sha256(expected)));
      expectOnEveryPath([k], 'contentHash keeps age', '', () => k.contentHash(utf8(JSON.stringify({ ...core, age: 3 }))), okBytes(sha256(utf8(canonicalOf({ ...core, age: 3 })))));
    }
  });

  it('redaction: content always present, non-object content emptied, missing type keeps no content keys', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ type: 'm.room.member', sender: '@a:b' }, '{"content":{},"sender":"@a:b","type":"m.room.member"}'],
      [{ type: 'm.room.member', content: 'not an object' }, '{"content":{},"type":"m.room.member"}'],
      [{ type: 'm.room.member', content: [1, 2] }, '{"content":{},"type":"m.room.member"}'],
      [{ content: { membership: 'join' } }, '{"content":{}}'],
      [{ type: 7, content: { membership: 'join' } }, '{"content":{},"type":7}'],
      [{ type: 'm.room.member', content: { membership: 'join', displayname: 'x', join_authorised_via_users_server: '@s:x' }, unsigned: { a: 1 }, extra: 1 }, '{"content":{"join_authorised_via_users_server":"@s:x","membership":"join"},"type":"m.room.member"}'],
      [{ type: 'm.room.power_levels', content: { users: { '@a:b': 100 }, events: {}, invite: 50, notifications: {} } }, '{"content":{"events":{},"users":{"@a:b":100}},"type":"m.room.power_levels"}'],
    ];
    for (const [event, expected] of cases) {
      const text = JSON.stringify(event);
      expectOnEveryPath(paths, `redact ${text}`, text, (k) => k.redact(utf8(text), rules), okBytes(expected));
    }
  });

  it('redaction rules as data: "*" keeps the whole content, "a.b" keeps one key of a nested object', () => {
    const custom = {
      keepTopLevel: ['type', 'content'],
      keepContent: { 'm.all': ['*'], 'm.nested': ['third_party_invite.signed', 'membership'], 'm.both': ['a', 'a.b'] },
    };
    const cases: [Record<string, unknown>, string][] = [
      [{ type: 'm.all', content: { z: 1, a: [2] } }, '{"content":{"a":[2],"z":1},"type":"m.all"}'],
      [{ type: 'm.nested', content: { membership: 'invite', third_party_invite: { signed: { mxid: '@x:y' }, display_name: 'd' } } }, '{"content":{"membership":"invite","third_party_invite":{"signed":{"mxid":"@x:y"}}},"type":"m.nested"}'],
      [{ type: 'm.nested', content: { third_party_invite: { display_name: 'd' } } }, '{"content":{"third_party_invite":{}},"type":"m.nested"}'],
      [{ type: 'm.nested', content: { third_party_invite: 'string' } }, '{"content":{},"type":"m.nested"}'],
      [{ type: 'm.nested', sender: '@a:b', content: {} }, '{"content":{},"type":"m.nested"}'],
      [{ type: 'm.both', content: { a: { b: 1, c: 2 }, d: 3 } }, '{"content":{"a":{"b":1,"c":2}},"type":"m.both"}'],
      [{ type: 'constructor', content: { a: 1 } }, '{"content":{},"type":"constructor"}'],
      [{ type: '__proto__', content: { a: 1 } }, '{"content":{},"type":"__proto__"}'],
    ];
    for (const [event, expected] of cases) {
      const text = JSON.stringify(event);
      expectOnEveryPath(paths, `redact custom ${text}`, text, (k) => k.redact(utf8(text), custom), okBytes(expected));
      assert.equal(canonicalOf(redactModel(event, custom)), expected, 'the model agrees with the expected bytes');
    }
  });

  it('reference hash drops signatures, unsigned and age_ts after redaction', () => {
    const event = { type: 'm.room.message', content: { body: 'gone' }, sender: '@a:b', signatures: { b: { 'ed25519:x': 'sig' } }, unsigned: { age: 1 }, age_ts: 9, hashes: { sha256: 'h' }, depth: 2 };
    const rulesWithAgeTs = { keepTopLevel: [...rules.keepTopLevel, 'age_ts'], keepContent: rules.keepContent };
    const expected = utf8('{"content":{},"depth":2,"hashes":{"sha256":"h"},"sender":"@a:b","type":"m.room.message"}');
    for (const k of paths) {
      expectOnEveryPath([k], 'referenceHash', JSON.stringify(event), () => k.referenceHash(utf8(JSON.stringify(event)), rulesWithAgeTs), okBytes(sha256(expected)));
    }
  });
});
