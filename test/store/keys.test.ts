// Key encoding: byte order equals logical order, and keys decode to what was encoded.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { ByteReader, ByteWriter, KeyError, prefixEnd } from '../../src/store/keys.js';

const uint = fc.oneof(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 2 ** 32 }), fc.maxSafeNat());
const str = fc.string({ unit: 'binary', maxLength: 12 });

const utf8Compare = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

test('(uint, string, uint) keys sort as their components, and round trip', () => {
  fc.assert(
    fc.property(fc.tuple(uint, str, uint), fc.tuple(uint, str, uint), (a, b) => {
      const ka = new ByteWriter().uint(a[0]).str(a[1]).uint(a[2]).done();
      const kb = new ByteWriter().uint(b[0]).str(b[1]).uint(b[2]).done();
      const logical = Math.sign(a[0] - b[0]) || Math.sign(utf8Compare(a[1], b[1])) || Math.sign(a[2] - b[2]);
      assert.equal(Math.sign(Buffer.compare(ka, kb)), logical);
      const r = new ByteReader(ka);
      assert.deepEqual([r.uint(), r.str(), r.uint()], a);
      assert.equal(r.done, true);
    }),
    { numRuns: 2000 },
  );
});

test('str and tail write the documented bytes (stored keys must not change): UTF-8, 00 escaped as 00 FF, ended by 00 00', () => {
  const documented = (s: string): Buffer => {
    const out: number[] = [];
    for (const b of Buffer.from(s, 'utf8')) out.push(...(b === 0 ? [0, 0xff] : [b]));
    return Buffer.from([...out, 0, 0]);
  };
  const anyString = fc.oneof(str, fc.string({ unit: 'grapheme', maxLength: 40 }), fc.constantFrom('\u0000', 'a\u0000b', '\ud800', 'x\udc00y', '@alice:example.org|DEV|send'));
  fc.assert(
    fc.property(fc.nat({ max: 70 }), anyString, anyString, (capacity, a, b) => {
      const key = new ByteWriter(capacity + 1).u8(7).str(a).tail(b).done();
      assert.deepEqual(key, Buffer.concat([Buffer.from([7]), documented(a), Buffer.from(b, 'utf8')]));
    }),
    { numRuns: 2000 },
  );
});

test('record varints and byte strings round trip', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.maxSafeNat(), fc.uint8Array({ maxLength: 40 }))), (items) => {
      const w = new ByteWriter(1);
      for (const [n, b] of items) w.vuint(n).vbytes(b);
      const r = new ByteReader(w.done());
      for (const [n, b] of items) {
        assert.equal(r.vuint(), n);
        assert.deepEqual(Buffer.from(r.vbytes()), Buffer.from(b));
      }
      assert.equal(r.done, true);
    }),
  );
});

test('bad input to the codec is a KeyError, never a crash or a wrong value', () => {
  assert.throws(() => new ByteWriter().uint(-1), KeyError);
  assert.throws(() => new ByteWriter().uint(2 ** 53), KeyError);
  assert.throws(() => new ByteWriter().vuint(1.5), KeyError);
  assert.throws(() => new ByteReader(Buffer.from([3, 1])).uint(), KeyError);
  assert.throws(() => new ByteReader(Buffer.from([9])).uint(), KeyError);
  assert.throws(() => new ByteReader(Buffer.from([0x61, 0, 7])).str(), KeyError);
  assert.throws(() => new ByteReader(Buffer.from([5, 1, 2])).vbytes(), KeyError);
});

test('prefixEnd is the first key after every key with the prefix', () => {
  assert.deepEqual(prefixEnd(Buffer.from([1, 2, 3])), Buffer.from([1, 2, 4]));
  assert.deepEqual(prefixEnd(Buffer.from([1, 0xff, 0xff])), Buffer.from([2]));
  assert.equal(prefixEnd(Buffer.from([0xff])), undefined);
});
