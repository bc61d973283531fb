// The device key counts /sync sends (device_one_time_keys_count, device_unused_fallback_key_types)
// read by DeviceKeyCounter agree with the store's own E2eKeys reads: per algorithm, per device
// (a device id that extends another's is not counted with it), after claims use keys up.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '../../src/store/index.js';
import { DeviceKeyCounter } from '../../src/sync/device-key-counts.js';

const b = (s: string) => Buffer.from(s, 'utf8');

describe('device key counts', () => {
  let dir: string;
  let store: Store;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'myelin-keycounts-'));
    store = await openStore({ backend: 'lmdb', path: dir });
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  // /sync always reports signed_curve25519 (0 when none; see device-key-counts.ts), the store counts what is stored.
  const expected = async (userId: string, deviceId: string) => ({
    device_one_time_keys_count: { signed_curve25519: 0, ...await store.read((tx) => store.e2eKeys.oneTimeKeyCounts(tx, userId, deviceId)) },
    device_unused_fallback_key_types: (await store.read((tx) => store.e2eKeys.fallbackKeys(tx, userId, deviceId))).filter((k) => !k.used).map((k) => k.algorithm),
  });

  test('equal to the store reads, as keys are uploaded and claimed', async () => {
    const counter = new DeviceKeyCounter(store);
    const counts = (userId: string, deviceId: string) => store.read((tx) => counter.counts(tx, userId, deviceId));
    // A user never seen: no keys (and nothing remembered: keys uploaded later are counted).
    assert.deepEqual(await counts('@new:x', 'D'), { device_one_time_keys_count: { signed_curve25519: 0 }, device_unused_fallback_key_types: [] });

    await store.write(function* (tx) {
      yield* store.e2eKeys.addOneTimeKeys(tx, '@a:x', 'PHONE', [
        { algorithm: 'signed_curve25519', keyId: 'K1', key: b('{"key":"1"}') },
        { algorithm: 'signed_curve25519', keyId: 'K2', key: b('{"key":"2"}') },
        { algorithm: 'curve25519', keyId: 'K3', key: b('"3"') },
        { algorithm: 'alg\u0000nul', keyId: 'K4', key: b('"4"') },
      ]);
      // a device whose id extends PHONE's, and one with PHONE's id of another user
      yield* store.e2eKeys.addOneTimeKeys(tx, '@a:x', 'PHONE2', [{ algorithm: 'signed_curve25519', keyId: 'K9', key: b('"9"') }]);
      yield* store.e2eKeys.addOneTimeKeys(tx, '@b:x', 'PHONE', [{ algorithm: 'curve25519', keyId: 'K8', key: b('"8"') }]);
      yield* store.e2eKeys.setFallbackKey(tx, '@a:x', 'PHONE', { algorithm: 'signed_curve25519', keyId: 'FB', key: b('fb') });
      yield* store.e2eKeys.setFallbackKey(tx, '@a:x', 'PHONE', { algorithm: 'other_alg', keyId: 'FB2', key: b('fb2') });
      yield* store.e2eKeys.addOneTimeKeys(tx, '@new:x', 'D', [{ algorithm: 'curve25519', keyId: 'K7', key: b('"7"') }]);
    });
    const phone = await counts('@a:x', 'PHONE');
    assert.deepEqual(phone.device_one_time_keys_count, { curve25519: 1, signed_curve25519: 2, 'alg\u0000nul': 1 });
    assert.deepEqual([...phone.device_unused_fallback_key_types].sort(), ['other_alg', 'signed_curve25519']);
    for (const [u, d] of [['@a:x', 'PHONE'], ['@a:x', 'PHONE2'], ['@b:x', 'PHONE'], ['@new:x', 'D'], ['@a:x', 'NONE']] as const) {
      const mine = await counts(u, d);
      const theirs = await expected(u, d);
      assert.deepEqual(mine.device_one_time_keys_count, theirs.device_one_time_keys_count, `${u} ${d}`);
      assert.deepEqual([...mine.device_unused_fallback_key_types].sort(), [...theirs.device_unused_fallback_key_types].sort(), `${u} ${d}`);
    }
    assert.deepEqual((await counts('@new:x', 'D')).device_one_time_keys_count, { curve25519: 1, signed_curve25519: 0 });

    // Claims take the one-time keys first, then mark the fallback key used.
    for (let i = 0; i < 3; i++) await store.write((tx) => store.e2eKeys.claim(tx, '@a:x', 'PHONE', 'signed_curve25519'));
    const claimed = await counts('@a:x', 'PHONE');
    assert.deepEqual(claimed.device_one_time_keys_count, { curve25519: 1, signed_curve25519: 0, 'alg\u0000nul': 1 });
    assert.deepEqual(claimed.device_unused_fallback_key_types, ['other_alg']);
    assert.deepEqual(claimed.device_one_time_keys_count, (await expected('@a:x', 'PHONE')).device_one_time_keys_count);
  });
});
