// RequestQuery (src/http/query.ts) answers exactly as URLSearchParams over the same query
// string, whether its quick parse answers (get, has) or the real parser does (everything else,
// and queries the quick parse cannot decode exactly).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RequestQuery } from '../../src/http/query.js';

const QUERIES = [
  '',
  'a=1',
  'timeout=0&filter=%7B%22room%22%3A%7B%22timeline%22%3A%7B%22limit%22%3A20%7D%7D%7D&since=s208_0_0_0_0_1_2',
  'x=1&y=%20z',
  'a=1&a=2&b=',
  'plus=a+b&sp%20ace=c%2Bd',
  'a+b=c',
  'novalue&=empty&&&a=1&',
  'eq=a=b=c',
  'euro=%E2%82%AC&emoji=%F0%9F%98%80&raw=\u00e9',
  'bad=%zz&ok=1',
  'lone=%&ok=1',
  'half=%4&ok=1',
  'invalid=%FF%FE&ok=1',
  'surrogate=%ED%A0%80',
  'overlong=%C0%AF',
  'upper=%4a%4A',
  '?lead=1',
  '??two=1',
  'access_token=abc%2Fdef',
  'a=%26&b=%3D',
];

function sameAs(q: string): void {
  const mine = new RequestQuery(q);
  const real = new URLSearchParams(q);
  const names = new Set([...real.keys(), 'absent', '', 'a', 'ok']);
  for (const n of names) {
    assert.equal(mine.get(n), real.get(n), `get(${JSON.stringify(n)}) of ${JSON.stringify(q)}`);
    assert.equal(mine.has(n), real.has(n), `has(${JSON.stringify(n)}) of ${JSON.stringify(q)}`);
  }
}

describe('RequestQuery', () => {
  it('get and has answer as URLSearchParams for plain, encoded, repeated and malformed queries', () => {
    for (const q of QUERIES) sameAs(q);
  });

  it('every other method sees the same parameters as URLSearchParams', () => {
    for (const q of QUERIES) {
      const real = new URLSearchParams(q);
      assert.deepEqual([...new RequestQuery(q)], [...real], q);
      assert.deepEqual([...new RequestQuery(q).entries()], [...real.entries()], q);
      assert.deepEqual([...new RequestQuery(q).keys()], [...real.keys()], q);
      assert.deepEqual([...new RequestQuery(q).values()], [...real.values()], q);
      assert.equal(new RequestQuery(q).toString(), real.toString(), q);
      assert.equal(new RequestQuery(q).size, real.size, q);
      for (const n of real.keys()) assert.deepEqual(new RequestQuery(q).getAll(n), real.getAll(n), q);
      const seen: string[] = [];
      new RequestQuery(q).forEach((v, k) => seen.push(`${k}=${v}`));
      const expected: string[] = [];
      real.forEach((v, k) => expected.push(`${k}=${v}`));
      assert.deepEqual(seen, expected, q);
    }
  });

  it('get after a change sees the change (and the parameters from before it)', () => {
    const q = new RequestQuery('a=1&b=2');
    assert.equal(q.get('a'), '1');
    q.append('c', '3');
    q.set('a', 'x');
    q.delete('b');
    assert.equal(q.get('a'), 'x');
    assert.equal(q.get('b'), null);
    assert.equal(q.get('c'), '3');
    assert.equal(q.toString(), 'a=x&c=3');
    assert.ok(q instanceof URLSearchParams);
  });

  it('has with a value, and a name given as a non-string, answer as URLSearchParams', () => {
    const q = new RequestQuery('a=1&1=one');
    const real = new URLSearchParams('a=1&1=one');
    assert.equal(q.has('a', '1'), real.has('a', '1'));
    assert.equal(q.has('a', '2'), real.has('a', '2'));
    assert.equal(new RequestQuery('a=1&1=one').get(1 as unknown as string), real.get(1 as unknown as string));
  });
});
