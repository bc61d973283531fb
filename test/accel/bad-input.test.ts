// Bad input: every path must refuse it with the same error code AND byte
// offset (JSON-SEMANTICS.md), never crash, never hang. Where the semantics
// leave the exact answer open, the paths must still agree with each other.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_JSON_DEPTH } from '../../src/accel/index.js';
import { kernelsUnderTest } from '../helpers/kernels.js';
import { bytes, checkAll, expectAgreement, expectOnEveryPath, jsonError, okBytes, utf8, type Outcome } from './kernel-fixtures.js';

const paths = kernelsUnderTest();
const TIMEOUT = { timeout: 60_000 };

type Case = [label: string, input: Buffer, expected: Outcome];
const ok = (canonical: string | Buffer): Outcome => okBytes(canonical);
const err = jsonError;

function run(cases: readonly Case[], mode: 'strict' | 'compat' = 'strict'): void {
  checkAll(cases, ([label, input, expected]) => {
    expectOnEveryPath(paths, `${label} (${mode})`, input, (k) => k.canonicalJson(input, mode), expected);
  });
}

describe('bad input: JSON syntax', () => {
  const cases: Case[] = [
    ['empty', utf8(''), err('syntax', 0)],
    ['only whitespace', utf8(' \t\r\n'), err('syntax', 4)],
    ['BOM before the value', bytes([0xef, 0xbb, 0xbf], '{}'), err('syntax', 0)],
    ['trailing garbage', utf8('{"a":1} x'), err('syntax', 8)],
    ['second value', utf8('{} {}'), err('syntax', 3)],
    ['trailing NUL', bytes('{}', [0]), err('syntax', 2)],
    ['extra close', utf8('{"a":1}}'), err('syntax', 7)],
    ['trailing whitespace is fine', utf8('{}  \n'), ok('{}')],
    ['trailing comma in array', utf8('[1,]'), err('syntax', 3)],
    ['trailing comma in object', utf8('{"a":1,}'), err('syntax', 7)],
    ['missing colon', utf8('{"a" 1}'), err('syntax', 5)],
    ['missing comma', utf8('{"a":1 "b":2}'), err('syntax', 7)],
    ['unquoted key', utf8('{a:1}'), err('syntax', 1)],
    ['single quotes', utf8("{'a':1}"), err('syntax', 1)],
    ['mismatched close', utf8('[}'), err('syntax', 1)],
    ['lone comma', utf8(','), err('syntax', 0)],
    ['NaN', utf8('NaN'), err('syntax', 0)],
    ['NaN in array', utf8('[NaN]'), err('syntax', 1)],
    ['Infinity', utf8('Infinity'), err('syntax', 0)],
    ['-Infinity', utf8('-Infinity'), err('syntax', 1)],
    ['Infinity in object', utf8('{"a":Infinity}'), err('syntax', 5)],
    ['leading zero', utf8('01'), err('syntax', 1)],
    ['negative leading zero', utf8('-01'), err('syntax', 2)],
    ['dot without digits', utf8('1.'), err('syntax', 2)],
    ['dot then exponent', utf8('1.e5'), err('syntax', 2)],
    ['exponent without digits', utf8('1e'), err('syntax', 2)],
    ['exponent sign without digits', utf8('[1e+]'), err('syntax', 4)],
    ['bare minus', utf8('-'), err('syntax', 1)],
    ['leading dot', utf8('.5'), err('syntax', 0)],
    ['leading plus', utf8('+1'), err('syntax', 0)],
    ['hex number', utf8('[0x10]'), err('syntax', 2)],
    ['truncated true', utf8('tru'), err('syntax', 3)],
    ['misspelt true', utf8('trUe'), err('syntax', 2)],
    ['two literals', utf8('true false'), err('syntax', 5)],
    ['unterminated string', utf8('"abc'), err('syntax', 4)],
    ['raw tab in string', utf8('"a\tb"'), err('syntax', 2)],
    ['raw newline in key', utf8('{"a\nb":1}'), err('syntax', 3)],
    ['raw 0x01 in string', bytes('"a', [0x01], '"'), err('syntax', 2)],
    ['raw 0x1f in string', bytes('"', [0x1f], '"'), err('syntax', 1)],
    ['raw DEL is allowed', bytes('"', [0x7f], '"'), ok(bytes('"', [0x7f], '"'))],
    ['escape \\x', utf8('"\\x41"'), err('syntax', 1)],
    ['escape \\a', utf8('["ab\\a"]'), err('syntax', 4)],
    ['escape \\U', utf8('"\\U0041"'), err('syntax', 1)],
    ['escape \\\'', utf8('"\\\'"'), err('syntax', 1)],
    ['escape \\u with bad hex', utf8('"\\u12G4"'), err('syntax', 1)],
    ['escape \\u cut short by the quote', utf8('"ab\\u12"'), err('syntax', 3)],
    ['non-ASCII outside strings', bytes('[1,', [0xc3, 0xa9], ']'), err('syntax', 3)],
  ];
  it(`${cases.length} cases, strict and compat`, TIMEOUT, () => { run(cases); run(cases, 'compat'); });
});

describe('bad input: UTF-8', () => {
  const s = (...b: number[]) => bytes('"', b, '"');
  const cases: Case[] = [
    ['overlong 2-byte NUL C0 80', s(0xc0, 0x80), err('invalid_utf8', 1)],
    ['overlong 2-byte C1 BF', s(0xc1, 0xbf), err('invalid_utf8', 1)],
    ['overlong 3-byte E0 80 80', s(0xe0, 0x80, 0x80), err('invalid_utf8', 1)],
    ['overlong 3-byte E0 9F BF', s(0xe0, 0x9f, 0xbf), err('invalid_utf8', 1)],
    ['overlong 4-byte F0 80 80 80', s(0xf0, 0x80, 0x80, 0x80), err('invalid_utf8', 1)],
    ['overlong 4-byte F0 8F BF BF', s(0xf0, 0x8f, 0xbf, 0xbf), err('invalid_utf8', 1)],
    ['above U+10FFFF: F4 90 80 80', s(0xf4, 0x90, 0x80, 0x80), err('invalid_utf8', 1)],
    ['F5 lead byte', s(0xf5, 0x80, 0x80, 0x80), err('invalid_utf8', 1)],
    ['5-byte form F8 88 80 80 80', s(0xf8, 0x88, 0x80, 0x80, 0x80), err('invalid_utf8', 1)],
    ['6-byte form FC 84 80 80 80 80', s(0xfc, 0x84, 0x80, 0x80, 0x80, 0x80), err('invalid_utf8', 1)],
    ['FE', s(0xfe), err('invalid_utf8', 1)],
    ['FF', s(0xff), err('invalid_utf8', 1)],
    ['lone continuation byte', bytes('"a', [0x80], 'b"'), err('invalid_utf8', 2)],
    ['two continuation bytes', bytes('"', [0xbf, 0xbf], '"'), err('invalid_utf8', 1)],
    ['truncated 3-byte sequence before the quote', s(0xe6, 0x97), err('invalid_utf8', 1)],
    ['truncated 4-byte sequence before the quote', s(0xf0, 0x9f, 0x98), err('invalid_utf8', 1)],
    ['truncated 2-byte sequence before the quote', s(0xc3), err('invalid_utf8', 1)],
    ['multibyte cut by the end of input', bytes('"ab', [0xe6, 0x97]), err('invalid_utf8', 3)],
    ['ED A0 cut by the end of input', bytes('"', [0xed, 0xa0]), err('lone_surrogate', 1)],
    ['ED A0 then a bad byte', bytes('"', [0xed, 0xa0, 0x41], '"'), err('lone_surrogate', 1)],
    ['truncated sequence mid-string', bytes('"ab', [0xe6], 'cd"'), err('invalid_utf8', 3)],
    ['bad continuation E6 41 41', s(0xe6, 0x41, 0x41), err('invalid_utf8', 1)],
    ['lead byte as continuation C3 C3 A9', s(0xc3, 0xc3, 0xa9), err('invalid_utf8', 1)],
    ['invalid in a key', bytes('{"', [0xc0, 0x80], '":1}'), err('invalid_utf8', 2)],
    ['invalid after valid multibyte', bytes('"日本', [0xe0, 0x80, 0x80], '"'), err('invalid_utf8', 7)],
    ['invalid deep in a long ASCII run', bytes('"', 'a'.repeat(1000), [0xff], '"'), err('invalid_utf8', 1001)],
    ['encoded high surrogate ED A0 80', s(0xed, 0xa0, 0x80), err('lone_surrogate', 1)],
    ['encoded low surrogate ED B0 80', s(0xed, 0xb0, 0x80), err('lone_surrogate', 1)],
    ['encoded surrogate ED BF BF after text', bytes('"x', [0xed, 0xbf, 0xbf], '"'), err('lone_surrogate', 2)],
    ['CESU-8 surrogate pair', s(0xed, 0xa0, 0xbd, 0xed, 0xb8, 0x80), err('lone_surrogate', 1)],
    ['U+D7FF is fine', s(0xed, 0x9f, 0xbf), ok(s(0xed, 0x9f, 0xbf))],
    ['U+E000 is fine', s(0xee, 0x80, 0x80), ok(s(0xee, 0x80, 0x80))],
    ['U+10FFFF is fine', s(0xf4, 0x8f, 0xbf, 0xbf), ok(s(0xf4, 0x8f, 0xbf, 0xbf))],
    ['U+FFFF is fine', s(0xef, 0xbf, 0xbf), ok(s(0xef, 0xbf, 0xbf))],
  ];
  it(`${cases.length} cases, strict and compat`, TIMEOUT, () => { run(cases); run(cases, 'compat'); });
});

describe('bad input: escaped surrogates', () => {
  const cases: Case[] = [
    ['high alone', utf8('"\\uD800"'), err('lone_surrogate', 1)],
    ['low alone', utf8('"\\uDC00"'), err('lone_surrogate', 1)],
    ['high then a non-surrogate escape', utf8('"\\uD83D\\u0041"'), err('lone_surrogate', 1)],
    ['high then a short escape', utf8('"\\uD83D\\n"'), err('lone_surrogate', 1)],
    ['high then a plain character', utf8('"\\uD83Dx"'), err('lone_surrogate', 1)],
    ['high at the end of the string', utf8('"ab\\uD83D"'), err('lone_surrogate', 3)],
    ['high, high, low', utf8('"\\uD83D\\uD83D\\uDE00"'), err('lone_surrogate', 1)],
    ['low then high', utf8('"a\\uDE00\\uD83D"'), err('lone_surrogate', 2)],
    ['lone surrogate in a key', utf8('{"\\uDBFF":1}'), err('lone_surrogate', 2)],
    ['high then a malformed escape', utf8('"\\uD800\\u12G4"'), err('lone_surrogate', 1)],
    ['high then a truncated low escape', utf8('"\\uD83D\\uDE0"'), err('lone_surrogate', 1)],
    ['high then the end of input', utf8('"\\uD800'), err('lone_surrogate', 1)],
    ['backslash at the end of input', utf8('"ab\\'), err('syntax', 3)],
    ['lone surrogate after multibyte text', utf8('["日", "\\udfff"]'), err('lone_surrogate', 9)],
    ['lower-case pair is fine', utf8('"\\ud83d\\ude00"'), ok('"😀"')],
    ['mixed-case pair is fine', utf8('"\\uD83D\\uDe00"'), ok('"😀"')],
    ['highest pair', utf8('"\\uDBFF\\uDFFF"'), ok('"\u{10FFFF}"')],
    ['\\u0000 is kept escaped', utf8('"\\u0000"'), ok('"\\u0000"')],
  ];
  it(`${cases.length} cases, strict and compat`, TIMEOUT, () => { run(cases); run(cases, 'compat'); });
});

describe('bad input: duplicate keys', () => {
  const cases: Case[] = [
    ['plain duplicate', utf8('{"a":1,"a":2}'), err('duplicate_key', 7)],
    ['duplicate only after unescaping', utf8('{"a":1,"\\u0061":2}'), err('duplicate_key', 7)],
    ['duplicate in a nested object', utf8('{"a":{"b":1,"b":2}}'), err('duplicate_key', 12)],
    ['duplicate after multibyte key', utf8('{"é":1,"\\u00e9":2}'), err('duplicate_key', 8)],
    ['astral duplicate via surrogate escapes', utf8('{"😀":1,"\\ud83d\\ude00":2}'), err('duplicate_key', 10)],
    ['third key repeats the first', utf8('{"a":1,"b":2,"a":3}'), err('duplicate_key', 13)],
    ['duplicate found before its value is read', utf8('{"a":1,"a":2.5}'), err('duplicate_key', 7)],
    ['same key in sibling objects is fine', utf8('[{"a":1},{"a":1}]'), ok('[{"a":1},{"a":1}]')],
    ['keys equal up to case are distinct', utf8('{"a":1,"A":2}'), ok('{"A":2,"a":1}')],
    ['escaped slash vs plain', utf8('{"/":1,"\\/":2}'), err('duplicate_key', 7)],
  ];
  it(`${cases.length} cases, strict and compat`, TIMEOUT, () => { run(cases); run(cases, 'compat'); });
  it('a number error before the duplicate wins in strict mode', () => {
    run([['float value before the duplicate', utf8('{"a":1.5,"a":2}'), err('not_integer', 5)]]);
    run([['float value before the duplicate', utf8('{"a":1.5,"a":2}'), err('duplicate_key', 9)]], 'compat');
  });
});

describe('bad input: nesting depth', () => {
  const arrays = (n: number) => utf8('['.repeat(n) + ']'.repeat(n));
  const objects = (n: number) => utf8('{"a":'.repeat(n) + '1' + '}'.repeat(n));
  const cases: Case[] = [
    [`${MAX_JSON_DEPTH} nested arrays are fine`, arrays(MAX_JSON_DEPTH), ok(arrays(MAX_JSON_DEPTH))],
    [`${MAX_JSON_DEPTH + 1} nested arrays`, arrays(MAX_JSON_DEPTH + 1), err('too_deep', MAX_JSON_DEPTH)],
    [`${MAX_JSON_DEPTH} nested objects are fine`, objects(MAX_JSON_DEPTH), ok(objects(MAX_JSON_DEPTH))],
    [`${MAX_JSON_DEPTH + 1} nested objects`, objects(MAX_JSON_DEPTH + 1), err('too_deep', 5 * MAX_JSON_DEPTH)],
    ['10,000 open brackets', utf8('['.repeat(10_000)), err('too_deep', MAX_JSON_DEPTH)],
    ['10,000 nested arrays, closed', arrays(10_000), err('too_deep', MAX_JSON_DEPTH)],
    ['10,000 nested objects', objects(10_000), err('too_deep', 5 * MAX_JSON_DEPTH)],
    ['alternating, 257 deep', utf8('[{"a":'.repeat(129) + '1' + '}]'.repeat(129)), err('too_deep', MAX_JSON_DEPTH / 2 * 6)],
    ['depth error wins over a later syntax error', utf8('['.repeat(300) + 'x'), err('too_deep', MAX_JSON_DEPTH)],
    ['syntax error before the depth limit wins', utf8('['.repeat(100) + 'x' + '['.repeat(300)), err('syntax', 100)],
  ];
  it(`${cases.length} cases, strict and compat`, TIMEOUT, () => { run(cases); run(cases, 'compat'); });
  it('200,000 open brackets: too_deep, no stack overflow', TIMEOUT, () => {
    const input = utf8('['.repeat(200_000));
    expectOnEveryPath(paths, 'deep', input, (k) => k.canonicalJson(input), err('too_deep', MAX_JSON_DEPTH));
  });
});

describe('bad input: numbers', () => {
  const strict: Case[] = [
    ['2^53 is out of range', utf8('9007199254740992'), err('integer_range', 0)],
    ['-2^53 is out of range', utf8('[-9007199254740992]'), err('integer_range', 1)],
    ['2^53-1 is fine', utf8('[9007199254740991,-9007199254740991]'), ok('[9007199254740991,-9007199254740991]')],
    ['400-digit integer', utf8('{"a":1' + '0'.repeat(400) + '}'), err('integer_range', 5)],
    ['5000-digit integer', utf8('1' + '0'.repeat(5000)), err('integer_range', 0)],
    ['fraction', utf8('{"a":1.0}'), err('not_integer', 5)],
    ['exponent', utf8('[1, 2.5e3]'), err('not_integer', 4)],
    ['1e400', utf8('{"a":1e400}'), err('not_integer', 5)],
    ['exponent with a huge exponent', utf8('1e99999999999999999999'), err('not_integer', 0)],
    ['-0 becomes 0', utf8('[-0]'), ok('[0]')],
    ['-0.0', utf8('-0.0'), err('not_integer', 0)],
    ['number check before the next byte', utf8('1.5x'), err('not_integer', 0)],
    ['range check before the next byte', utf8('99999999999999999]'), err('integer_range', 0)],
  ];
  const compat: Case[] = [
    ['1e400 overflows', utf8('{"a":1e400}'), err('number_range', 5)],
    ['huge exponent overflows', utf8('[1e99999999999999999999]'), err('number_range', 1)],
    ['huge negative exponent underflows to zero', utf8('[1e-99999999999999999999]'), ok('[0.0]')],
    ['4301-digit integer', utf8('7'.repeat(4301)), err('number_range', 0)],
    ['4300-digit integer is fine', utf8('7'.repeat(4300)), ok('7'.repeat(4300))],
  ];
  it(`${strict.length} strict cases and ${compat.length} compat cases`, TIMEOUT, () => { run(strict); run(compat, 'compat'); });
});

describe('large valid input', () => {
  it('a 1 MB ASCII string', TIMEOUT, () => {
    const input = utf8(JSON.stringify({ body: 'a'.repeat(1 << 20) }));
    expectOnEveryPath(paths, '1 MB ASCII', input, (k) => k.canonicalJson(input), ok(input));
  });
  it('a 1 MB string of multibyte text, control characters and escapes', TIMEOUT, () => {
    const unit = '日本語 😀 é "q" \\ \n\t\u0001 \u2028 / \u007f';
    const value = unit.repeat(Math.ceil((1 << 20) / Buffer.byteLength(unit)));
    const canonical = JSON.stringify({ body: value });
    expectOnEveryPath(paths, '1 MB mixed', canonical, (k) => k.canonicalJson(utf8(canonical)), ok(canonical));
    // the same value with every non-ASCII character written as \u escapes (a 2.5 MB input)
    const escaped = canonical.replace(/[^\x00-\x7f]/gu, (ch) => Array.from({ length: ch.length }, (_, i) => `\\u${ch.charCodeAt(i).toString(16).padStart(4, '0')}`).join(''));
    expectOnEveryPath(paths, '1 MB mixed, escaped', escaped, (k) => k.canonicalJson(utf8(escaped)), ok(canonical));
  });
  it('an array of 100,000 small objects', TIMEOUT, () => {
    const input = utf8(JSON.stringify(Array.from({ length: 100_000 }, (_, i) => ({ n: i, s: `x${i}` }))));
    expectOnEveryPath(paths, '100k objects', input, (k) => k.canonicalJson(input), ok(input));
  });
});

// Prefixes of real events: every one must be refused (a proper prefix of an object is never a document).
const EVENTS = [
  '{"auth_events":[],"content":{},"depth":3,"hashes":{"sha256":"5jM4wQpv6lnBo7CLIghJuHdW+s2CMBJPUOGOC89ncos"},"origin":"domain","origin_server_ts":1000000,"prev_events":[],"room_id":"!x:domain","sender":"@a:domain","signatures":{"domain":{"ed25519:1":"KxwGjPSDEtvnFgU00fwFz+l6d2pJM6XBIaMEn81SXPTRl16AqLAYqfIReFGZlHi5KLjAWbOoMszkwsQma+lYAg"}},"type":"X","unsigned":{"age_ts":1000000}}',
  '{ "type": "m.room.message", "content": { "body": "héllo 日本 😀 \\"quoted\\" \\\\ \\u00e9 \\ud83d\\ude00 \\n\\t", "msgtype": "m.text", "n": [1, -2, 0, true, false, null] },\n  "sender": "@alice:example.com", "depth": 12 }',
];

/** Where a prefix ends: `plain` (syntax at its length is the only answer), or inside an escape or a multibyte character. */
function cutKind(doc: Buffer, end: number): { kind: 'plain' } | { kind: 'escape'; at: number; afterHigh: boolean } | { kind: 'multibyte'; at: number } {
  let inString = false;
  for (let i = 0; i < end; i++) {
    const b = doc[i]!;
    if (!inString) { if (b === 0x22) inString = true; continue; }
    if (b === 0x22) { inString = false; continue; }
    if (b === 0x5c) {
      const len = doc[i + 1] === 0x75 ? 6 : 2;
      if (i + len > end) return { kind: 'escape', at: i, afterHigh: false };
      if (len === 6) {
        const unit = parseInt(doc.subarray(i + 2, i + 6).toString('latin1'), 16);
        if (unit >= 0xd800 && unit <= 0xdbff && i + 12 > end) return { kind: 'escape', at: i, afterHigh: true };
        if (unit >= 0xd800 && unit <= 0xdbff) { i += 11; continue; }
      }
      i += len - 1;
      continue;
    }
    if (b >= 0xc0) {
      const len = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
      if (i + len > end) return { kind: 'multibyte', at: i };
      i += len - 1;
    }
  }
  return { kind: 'plain' };
}

describe('bad input: truncated events', () => {
  it('every proper prefix of a few events is refused the same way by every path', TIMEOUT, () => {
    for (const [n, text] of EVENTS.entries()) {
      const doc = utf8(text);
      assert.doesNotThrow(() => JSON.parse(text), 'the whole event is valid JSON');
      checkAll(Array.from({ length: doc.length }, (_, end) => end), (end) => {
        const prefix = doc.subarray(0, end);
        const cut = cutKind(doc, end);
        const label = `event ${n} cut at ${end} (${cut.kind})`;
        // JSON-SEMANTICS.md (incl. its clarifications): a plain cut is syntax at the end; a cut escape is
        // syntax at its backslash, except after a high surrogate (lone_surrogate at the high one's
        // backslash); a cut multibyte character is invalid_utf8 at its first byte.
        const expected = cut.kind === 'plain' ? err('syntax', end)
          : cut.kind === 'multibyte' ? err('invalid_utf8', cut.at)
            : err(cut.afterHigh ? 'lone_surrogate' : 'syntax', cut.at);
        expectOnEveryPath(paths, label, prefix, (k) => k.canonicalJson(prefix), expected);
      });
    }
  });
});

describe('bad input: the JSON string kernel', () => {
  const cases: [string, Buffer, Outcome][] = [
    ['plain', utf8('abc'), { ok: 'abc' }],
    ['escapes', utf8('a\\"b\\\\c\\/d\\n\\u00e9\\ud83d\\ude00'), { ok: 'a"b\\c/d\né😀' }],
    ['empty', utf8(''), { ok: '' }],
    ['lone high', utf8('ab\\uD800'), err('lone_surrogate', 2)],
    ['lone low', utf8('\\uDC00x'), err('lone_surrogate', 0)],
    ['bad escape', utf8('x\\x'), err('syntax', 1)],
    ['truncated escape', utf8('x\\u12'), err('syntax', 1)],
    ['overlong UTF-8', bytes('a', [0xc0, 0x80]), err('invalid_utf8', 1)],
    ['encoded surrogate', bytes([0xed, 0xa0, 0x80]), err('lone_surrogate', 0)],
    ['raw control character', bytes('a', [0x01]), err('syntax', 1)],
    ['unescaped quote', utf8('ab"c'), err('syntax', 2)],
    ['trailing lone backslash', utf8('ab\\'), err('syntax', 2)],
    ['cut multibyte at the end', bytes('a', [0xe6, 0x97]), err('invalid_utf8', 1)],
  ];
  it(`${cases.length} string bodies`, () => {
    for (const [label, body, expected] of cases) {
      expectOnEveryPath(paths, `decodeJsonString ${label}`, body, (k) => k.decodeJsonString(body), expected);
    }
  });
});

describe('bad input: base64', () => {
  const refused = (label: string, text: string, urlSafe = false) => expectOnEveryPath(paths, `base64 ${label}`, text, (k) => k.base64Decode(text, urlSafe), { error: 'Base64Error' });
  const accepted = (label: string, text: string, plain: Buffer, urlSafe = false) => expectOnEveryPath(paths, `base64 ${label}`, text, (k) => k.base64Decode(text, urlSafe), okBytes(plain));
  it('refuses characters outside the alphabet, the other alphabet, bad lengths and bad padding', () => {
    refused('bad character !', 'Zm9v!');
    refused('space inside', 'Zm 9v');
    refused('trailing newline', 'Zm9v\n');
    refused('non-ASCII', 'Zm9vé');
    refused('URL-safe characters in standard mode', 'Zm-_');
    refused('standard characters in URL-safe mode', 'Zm+/', true);
    refused('length 1 mod 4', 'Zm9vY');
    refused('single character', 'A');
    refused('padding after a complete quantum', 'Zm9v=');
    refused('padding in the middle', 'Zg==Zg==');
    refused('padding first', '=Zg');
    refused('only padding', '====');
    refused('too much padding', 'Zg===');
    refused('misplaced padding', 'Z=g=');
    refused('padding where one = completes the quantum', 'Zm8==');
    refused('padding in URL-safe mode with a bad character', 'Zm8.', true);
  });
  it('accepts padded, unpadded and non-zero trailing bits', () => {
    accepted('empty', '', Buffer.alloc(0));
    accepted('unpadded', 'Zg', utf8('f'));
    accepted('padded', 'Zg==', utf8('f'));
    accepted('padded 2', 'Zm8=', utf8('fo'));
    accepted('trailing bits', 'Zh', utf8('f'));
    accepted('trailing bits 2', 'Zm9=', utf8('fo'));
    accepted('URL-safe', '-_-_', Buffer.from([0xfb, 0xff, 0xbf]), true);
    accepted('standard', '+/+/', Buffer.from([0xfb, 0xff, 0xbf]));
  });
  it('a padded 3-character quantum ("Zg=") gets the same answer everywhere', () => {
    expectAgreement(paths, 'base64 "Zg="', 'Zg=', (k) => k.base64Decode('Zg='));
  });
});

describe('bad input: JS strings with lone surrogates', () => {
  it('utf8Encode throws LoneSurrogateError at the UTF-16 index; findLoneSurrogate finds it', () => {
    const cases: [string, number][] = [['a\uD800b', 1], ['\uDC00', 0], ['ab\uD83D', 2], ['\uDE00\uD83D', 0], ['😀\uD800', 2], ['x'.repeat(1000) + '\uDFFF', 1000]];
    for (const [s, at] of cases) {
      expectOnEveryPath(paths, `utf8Encode ${JSON.stringify(s.slice(-8))}`, s, (k) => k.utf8Encode(s), { error: 'LoneSurrogateError', offset: at });
      expectOnEveryPath(paths, `findLoneSurrogate ${JSON.stringify(s.slice(-8))}`, s, (k) => k.findLoneSurrogate(s), { ok: String(at) });
    }
    expectOnEveryPath(paths, 'findLoneSurrogate pair', '😀', (k) => k.findLoneSurrogate('a😀b'), { ok: '-1' });
  });
  it('canonicalJson of a JS string holding a raw lone surrogate: lone_surrogate at its UTF-8 offset, before any parse', () => {
    for (const [s, at] of [['{"a":"\uD800"}', 6], ['["x\uDC00"]', 3], ['{"\uD83D":1}', 2], ['{"日":"\uDC00"}', 8], ['{ bad json \uD800', 11]] as const) {
      expectOnEveryPath(paths, `canonicalJson(string) ${JSON.stringify(s)}`, s, (k) => k.canonicalJson(s), err('lone_surrogate', at));
    }
  });
});

describe('bad input: event kernels', () => {
  const rules = { keepTopLevel: ['type', 'content'], keepContent: {} };
  it('a root that is not an object is syntax at its first byte; JSON errors pass through', () => {
    for (const [input, expected] of [
      ['  [1,2]', err('syntax', 2)], ['"x"', err('syntax', 0)], ['12', err('syntax', 0)],
      ['{"a":1,"a":2}', err('duplicate_key', 7)], ['{"a":1.5}', err('not_integer', 5)], ['{"a":', err('syntax', 5)],
      ['[1,x', err('syntax', 3)], ['[1]', err('syntax', 0)], ['  "s"', err('syntax', 2)],
    ] as const) {
      expectOnEveryPath(paths, `contentHash ${input}`, input, (k) => k.contentHash(utf8(input)), expected);
      expectOnEveryPath(paths, `redact ${input}`, input, (k) => k.redact(utf8(input), rules), expected);
      expectOnEveryPath(paths, `referenceHash ${input}`, input, (k) => k.referenceHash(utf8(input), rules), expected);
    }
  });
});
