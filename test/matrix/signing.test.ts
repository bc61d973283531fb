// Hashing and signing events (spec appendix "Cryptographic Test Vectors",
// "Event Signing"), per room version, on every kernel path.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { kernelsUnderTest } from '../helpers/kernels.js';
import { KNOWN_ROOM_VERSIONS, roomVersion } from '../../src/matrix/room-versions.js';
import {
  contentHash, hasValidContentHash, hashAndSignEvent, requiredSignatureServers, signJson, signOwnEvent, verifyEventSignatures, type SigningKey,
} from '../../src/matrix/signing.js';
import { referenceHash } from '../../src/matrix/event-format/index.js';

const SEED_B64 = 'YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1';

const minimalEvent = {
  room_id: '!x:domain', sender: '@a:domain', origin: 'domain', origin_server_ts: 1000000, signatures: {}, hashes: {},
  type: 'X', content: {}, prev_events: [], auth_events: [], depth: 3, unsigned: { age_ts: 1000000 },
};
const minimalSigned = {
  auth_events: [], content: {}, depth: 3, hashes: { sha256: '5jM4wQpv6lnBo7CLIghJuHdW+s2CMBJPUOGOC89ncos' }, origin: 'domain',
  origin_server_ts: 1000000, prev_events: [], room_id: '!x:domain', sender: '@a:domain',
  signatures: { domain: { 'ed25519:1': 'KxwGjPSDEtvnFgU00fwFz+l6d2pJM6XBIaMEn81SXPTRl16AqLAYqfIReFGZlHi5KLjAWbOoMszkwsQma+lYAg' } },
  type: 'X', unsigned: { age_ts: 1000000 },
};
const messageEvent = {
  content: { body: 'Here is the message content' }, event_id: '$0:domain', origin: 'domain', origin_server_ts: 1000000,
  type: 'm.room.message', room_id: '!r:domain', sender: '@u:domain', signatures: {}, unsigned: { age_ts: 1000000 },
};
const messageSigned = {
  content: { body: 'Here is the message content' }, event_id: '$0:domain', hashes: { sha256: 'onLKD1bGljeBWQhWZ1kaP9SorVmRQNdN5aM2JYU2n/g' },
  origin: 'domain', origin_server_ts: 1000000, type: 'm.room.message', room_id: '!r:domain', sender: '@u:domain',
  signatures: { domain: { 'ed25519:1': 'Wm+VzmOUOz08Ds+0NTWb1d4CZrVsJSikkeRxh6aCcUwu6pNC78FunoD7KNWzqFn241eYHYMGCA5McEiVPdhzBA' } },
  unsigned: { age_ts: 1000000 },
};

for (const k of kernelsUnderTest()) {
  const key: SigningKey = { seed: k.base64Decode(SEED_B64), keyId: 'ed25519:1', serverName: 'domain' };
  const publicKey = k.ed25519PublicKey(key.seed);

  describe(`event signing (${k.path})`, () => {
    it('signs our own events as hashAndSignEvent does, with their reference hash (fused kernel call or composed), in every room version', () => {
      const { signEvent: _fused, ...rest } = k;
      const composed = { ...rest } as typeof k; // the same kernels without the fused call
      const events = [
        { type: 'm.room.message', sender: '@a:domain', room_id: '!r:domain', content: { msgtype: 'm.text', body: 'héllo \u{1F600} "quoted"' }, prev_events: ['$p'], auth_events: ['$a', '$b'], depth: 7, origin_server_ts: 1700000000000, origin: 'domain' },
        { type: 'm.room.member', state_key: '@b:domain', sender: '@b:domain', room_id: '!r:domain', content: { membership: 'join', displayname: 'B', avatar_url: 'mxc://x/y' }, prev_events: [], auth_events: [], depth: 1, origin_server_ts: 1 },
        { type: 'X', sender: '@a:domain', room_id: '!x:domain', content: {}, prev_events: [], auth_events: [], depth: 3, origin_server_ts: 1000000 },
      ];
      for (const id of KNOWN_ROOM_VERSIONS) {
        const rules = roomVersion(id)!;
        for (const event of events) {
          const expected = hashAndSignEvent(rules, event, key, k);
          for (const kernels of [k, composed]) {
            const own = signOwnEvent(rules, event, key, kernels);
            assert.deepEqual(own.signed, expected, `room v${id}, ${event.type}`);
            assert.deepEqual(Buffer.from(own.referenceHash), Buffer.from(referenceHash(rules, expected, k)), `room v${id}, ${event.type}`);
            assert.deepEqual(Buffer.from(own.canonical), Buffer.from(k.canonicalJson(JSON.stringify(expected), rules.strictCanonicalJson ? 'strict' : 'compat')), `room v${id}, ${event.type}`);
          }
        }
      }
      if (k.signEvent) {
        // refused JSON is a CanonicalJsonError, as from the other calls
        const rules = roomVersion('10')!;
        assert.throws(() => k.signEvent!(new TextEncoder().encode('{"a":1.5}'), rules.redaction, key.seed, { server: 'domain', keyId: 'ed25519:1' }, 'strict'), { name: 'CanonicalJsonError' });
        assert.throws(() => k.signEvent!(new TextEncoder().encode('{"a":'), rules.redaction, key.seed, { server: 'domain', keyId: 'ed25519:1' }, 'strict'), { name: 'CanonicalJsonError' });
      }
    });

    it('signs JSON as the appendix says', () => {
      assert.deepEqual(signJson({}, key, k), { signatures: { domain: { 'ed25519:1': 'K8280/U9SSy9IVtjBuVeLr+HpOB4BQFWbg+UZaADMtTdGYI7Geitb76LTrr5QV/7Xg4ahLwYGYZzuHGZKM5ZAQ' } } });
      assert.deepEqual(signJson({ one: 1, two: 'Two' }, key, k), {
        one: 1, two: 'Two', signatures: { domain: { 'ed25519:1': 'KqmLSbO39/Bzb0QIYE82zqLwsA+PDzYIpIRA2sRQ4sL53+sN6/fpNSoqE7BP7vBZhG6kYdD13EIMJpvhJI+6Bw' } },
      });
    });

    for (const version of ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']) {
      it(`room v${version}: the appendix events hash and sign to the published values`, () => {
        const rules = roomVersion(version)!;
        assert.deepEqual(hashAndSignEvent(rules, minimalEvent, key, k), minimalSigned);
        assert.deepEqual(hashAndSignEvent(rules, messageEvent, key, k), messageSigned);
        assert.deepEqual(verifyEventSignatures(rules, messageSigned, [{ server: 'domain', keyId: 'ed25519:1', publicKey }], k), { ok: true });
      });
    }

    for (const version of ['11', '12']) {
      it(`room v${version}: same content hash, but the signature no longer covers origin`, () => {
        const rules = roomVersion(version)!;
        const signed = hashAndSignEvent(rules, minimalEvent, key, k);
        assert.deepEqual(signed.hashes, minimalSigned.hashes);
        const sig = (signed.signatures as Record<string, Record<string, string>>).domain!['ed25519:1'];
        assert.notEqual(sig, minimalSigned.signatures.domain['ed25519:1']);
        assert.deepEqual(verifyEventSignatures(rules, signed, [{ server: 'domain', keyId: 'ed25519:1', publicKey }], k), { ok: true });
        // origin is outside the v11 signature: changing it keeps the signature valid (but not the content hash)
        const moved = { ...signed, origin: 'elsewhere' };
        assert.deepEqual(verifyEventSignatures(rules, moved, [{ server: 'domain', keyId: 'ed25519:1', publicKey }], k), { ok: true });
        assert.equal(hasValidContentHash(rules, moved, k), false);
      });
    }

    it('a changed redactable field breaks the content hash, not the signature; a changed kept field breaks the signature', () => {
      const rules = roomVersion('10')!;
      const required = [{ server: 'domain', keyId: 'ed25519:1', publicKey }];
      assert.equal(hasValidContentHash(rules, messageSigned, k), true);
      const edited = { ...messageSigned, content: { body: 'edited' } };
      assert.equal(hasValidContentHash(rules, edited, k), false);
      assert.deepEqual(verifyEventSignatures(rules, edited, required, k), { ok: true });
      const moved = { ...messageSigned, room_id: '!other:domain' };
      assert.deepEqual(verifyEventSignatures(rules, moved, required, k), { ok: false, reason: 'invalid_signature', server: 'domain', keyId: 'ed25519:1' });
      const unsignedByOther = verifyEventSignatures(rules, messageSigned, [{ server: 'other', keyId: 'ed25519:1', publicKey }], k);
      assert.equal(unsignedByOther.ok, false);
    });

    it('the content hash ignores unsigned, signatures and hashes', () => {
      const rules = roomVersion('10')!;
      const a = contentHash(rules, { type: 'X', content: { a: 1 } }, k);
      const b = contentHash(rules, { type: 'X', content: { a: 1 }, unsigned: { age: 5 }, signatures: { s: {} }, hashes: { sha256: 'x' } }, k);
      assert.deepEqual(a, b);
      assert.notDeepEqual(a, contentHash(rules, { type: 'X', content: { a: 2 } }, k));
    });
  });
}

describe('servers whose signatures an event needs', () => {
  it('sender, v1 event id server, authorising server of v8+ restricted joins; not the sender of a 3pid invite', () => {
    const v1 = roomVersion('1')!;
    const v10 = roomVersion('10')!;
    const v7 = roomVersion('7')!;
    assert.deepEqual(requiredSignatureServers(v1, { sender: '@a:one', event_id: '$x:two', type: 'm.room.message', content: {} }).sort(), ['one', 'two']);
    assert.deepEqual(requiredSignatureServers(v10, { sender: '@a:one', type: 'm.room.message', content: {} }), ['one']);
    const join = { sender: '@a:one', type: 'm.room.member', state_key: '@a:one', content: { membership: 'join', join_authorised_via_users_server: '@m:three' } };
    assert.deepEqual(requiredSignatureServers(v10, join).sort(), ['one', 'three']);
    assert.deepEqual(requiredSignatureServers(v7, join), ['one']);
    const tpi = { sender: '@a:one', type: 'm.room.member', state_key: '@b:two', content: { membership: 'invite', third_party_invite: {} } };
    assert.deepEqual(requiredSignatureServers(v10, tpi), []);
  });
  it('knows every room version', () => {
    assert.deepEqual(KNOWN_ROOM_VERSIONS, ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12']);
  });
});
