// The examples of the spec's appendices (content/appendices.md: Canonical JSON
// examples, Unpadded Base64, Cryptographic Test Vectors), on every kernel path.
// Inputs and expected outputs are transcribed from the spec.
import { describe, it } from 'node:test';
import { kernelsUnderTest } from '../helpers/kernels.js';
import { expectOnEveryPath, jsonError, okBytes, REDACTION_RULES, utf8 } from './kernel-fixtures.js';

const paths = kernelsUnderTest();

const CANONICAL_EXAMPLES: [input: string, canonical: string][] = [
  ['{}', '{}'],
  ['{\n    "one": 1,\n    "two": "Two"\n}', '{"one":1,"two":"Two"}'],
  ['{\n    "b": "2",\n    "a": "1"\n}', '{"a":"1","b":"2"}'],
  ['{"b":"2","a":"1"}', '{"a":"1","b":"2"}'],
  [
    '{\n    "auth": {\n        "success": true,\n        "mxid": "@john.doe:example.com",\n        "profile": {\n            "display_name": "John Doe",\n            "three_pids": [\n                {\n                    "medium": "email",\n                    "address": "john.doe@example.org"\n                },\n                {\n                    "medium": "msisdn",\n                    "address": "123456789"\n                }\n            ]\n        }\n    }\n}',
    '{"auth":{"mxid":"@john.doe:example.com","profile":{"display_name":"John Doe","three_pids":[{"address":"john.doe@example.org","medium":"email"},{"address":"123456789","medium":"msisdn"}]},"success":true}}',
  ],
  ['{\n    "a": "日本語"\n}', '{"a":"日本語"}'],
  ['{\n    "本": 2,\n    "日": 1\n}', '{"日":1,"本":2}'],
  ['{\n    "a": "\\u65E5"\n}', '{"a":"日"}'],
  ['{\n    "a": null\n}', '{"a":null}'],
];

// The spec's last example, {"a": -0, "b": 1e10} → {"a":0,"b":10000000000}, treats 1e10 as an
// integer. Myelin does not (JSON-SEMANTICS.md): strict mode refuses any exponent, and compat mode
// renders it as Synapse does, as a float.
const SPEC_EXPONENT_EXAMPLE = '{\n    "a": -0,\n    "b": 1e10\n}';

const SEED = 'YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1';
const seed = () => {
  // decoded by each path: the seed's last character carries non-zero trailing bits, which every decoder must accept
  return Buffer.from('6090c103d5e7af6b15a970fd563ed75549e6159719ae5c3c31dee4316fb75c0d', 'hex');
};

describe('spec appendix: canonical JSON examples', () => {
  it('every example gives the spec\'s canonical bytes', () => {
    for (const [i, [input, canonical]] of CANONICAL_EXAMPLES.entries()) {
      expectOnEveryPath(paths, `example ${i}`, input, (k) => k.canonicalJson(utf8(input)), okBytes(canonical));
      expectOnEveryPath(paths, `example ${i} (compat)`, input, (k) => k.canonicalJson(utf8(input), 'compat'), okBytes(canonical));
    }
  });

  it('the -0 / 1e10 example: strict refuses the exponent at its first byte, compat renders it as python does', () => {
    const at = Buffer.from(SPEC_EXPONENT_EXAMPLE).indexOf('1e10');
    expectOnEveryPath(paths, 'spec -0/1e10 strict', SPEC_EXPONENT_EXAMPLE, (k) => k.canonicalJson(utf8(SPEC_EXPONENT_EXAMPLE)), jsonError('not_integer', at));
    expectOnEveryPath(paths, 'spec -0/1e10 compat', SPEC_EXPONENT_EXAMPLE, (k) => k.canonicalJson(utf8(SPEC_EXPONENT_EXAMPLE), 'compat'), okBytes('{"a":0,"b":10000000000.0}'));
    expectOnEveryPath(paths, 'spec -0 alone', '{"a": -0}', (k) => k.canonicalJson(utf8('{"a": -0}')), okBytes('{"a":0}'));
  });
});

describe('spec appendix: unpadded base64', () => {
  it('encodes the RFC 4648 examples without padding and decodes them back', () => {
    const cases: [string, string][] = [['', ''], ['f', 'Zg'], ['fo', 'Zm8'], ['foo', 'Zm9v'], ['foob', 'Zm9vYg'], ['fooba', 'Zm9vYmE'], ['foobar', 'Zm9vYmFy']];
    for (const [plain, encoded] of cases) {
      expectOnEveryPath(paths, `UNPADDED_BASE64("${plain}")`, plain, (k) => k.base64Encode(utf8(plain)), { ok: encoded });
      expectOnEveryPath(paths, `decode "${encoded}"`, encoded, (k) => k.base64Decode(encoded), okBytes(plain));
    }
  });

  it('decodes the spec\'s signing key seed, whose last character has non-zero trailing bits', () => {
    expectOnEveryPath(paths, 'SIGNING_KEY_SEED', SEED, (k) => k.base64Decode(SEED), okBytes(seed()));
  });
});

describe('spec appendix: JSON signing test vectors', () => {
  const cases: [input: string, signature: string][] = [
    ['{}', 'K8280/U9SSy9IVtjBuVeLr+HpOB4BQFWbg+UZaADMtTdGYI7Geitb76LTrr5QV/7Xg4ahLwYGYZzuHGZKM5ZAQ'],
    ['{\n    "one": 1,\n    "two": "Two"\n}', 'KqmLSbO39/Bzb0QIYE82zqLwsA+PDzYIpIRA2sRQ4sL53+sN6/fpNSoqE7BP7vBZhG6kYdD13EIMJpvhJI+6Bw'],
  ];

  it('signs with the spec seed to the spec signatures', () => {
    for (const [input, signature] of cases) {
      expectOnEveryPath(paths, `sign ${input}`, input,
        (k) => k.base64Encode(k.ed25519Sign(k.base64Decode(SEED), k.canonicalJson(utf8(input)))), { ok: signature });
    }
  });

  it('verifyBatch accepts the spec\'s signed JSON and refuses it once a value changes', () => {
    const signed = [
      `{"signatures":{"domain":{"ed25519:1":"${cases[0]![1]}"}}}`,
      `{"one":1,"signatures":{"domain":{"ed25519:1":"${cases[1]![1]}"}},"two":"Two"}`,
      `{"one":2,"signatures":{"domain":{"ed25519:1":"${cases[1]![1]}"}},"two":"Two"}`,
    ];
    for (const k of paths) {
      const publicKey = k.ed25519PublicKey(seed());
      const results = k.verifyBatch({
        objects: signed.map(utf8),
        required: signed.map(() => [{ server: 'domain', keyId: 'ed25519:1', publicKey }]),
        mode: 'strict',
      });
      expectOnEveryPath([k], 'verifyBatch spec vectors', signed.join('\n'), () => results.map((r) => (r.ok ? 'ok' : r.reason)).join(','),
        { ok: 'ok,ok,invalid_signature' });
    }
  });
});

describe('spec appendix: event signing test vectors', () => {
  // v1-format events (the second carries an `event_id` of the `$x:domain` form), so v1 redaction rules.
  const rules = REDACTION_RULES['1']!;
  const minimal = {
    room_id: '!x:domain', sender: '@a:domain', origin: 'domain', origin_server_ts: 1000000, signatures: {}, hashes: {},
    type: 'X', content: {}, prev_events: [], auth_events: [], depth: 3, unsigned: { age_ts: 1000000 },
  };
  const message = {
    content: { body: 'Here is the message content' }, event_id: '$0:domain', origin: 'domain', origin_server_ts: 1000000,
    type: 'm.room.message', room_id: '!r:domain', sender: '@u:domain', signatures: {}, unsigned: { age_ts: 1000000 },
  };
  const cases = [
    { name: 'minimal event', event: minimal, hash: '5jM4wQpv6lnBo7CLIghJuHdW+s2CMBJPUOGOC89ncos', signature: 'KxwGjPSDEtvnFgU00fwFz+l6d2pJM6XBIaMEn81SXPTRl16AqLAYqfIReFGZlHi5KLjAWbOoMszkwsQma+lYAg' },
    { name: 'redactable event', event: message, hash: 'onLKD1bGljeBWQhWZ1kaP9SorVmRQNdN5aM2JYU2n/g', signature: 'Wm+VzmOUOz08Ds+0NTWb1d4CZrVsJSikkeRxh6aCcUwu6pNC78FunoD7KNWzqFn241eYHYMGCA5McEiVPdhzBA' },
  ];

  it('content hash, then the signature over the redacted event, match the spec', () => {
    for (const c of cases) {
      const text = JSON.stringify(c.event);
      expectOnEveryPath(paths, `${c.name}: content hash`, text, (k) => k.base64Encode(k.contentHash(utf8(text))), { ok: c.hash });
      const hashed = JSON.stringify({ ...c.event, hashes: { sha256: c.hash } });
      // signing input: redacted, then without signatures/unsigned (redaction already dropped unsigned)
      expectOnEveryPath(paths, `${c.name}: signature`, hashed, (k) => {
        const redacted = JSON.parse(Buffer.from(k.redact(utf8(hashed), rules)).toString('utf8')) as Record<string, unknown>;
        delete redacted.signatures;
        return k.base64Encode(k.ed25519Sign(seed(), k.canonicalJson(JSON.stringify(redacted))));
      }, { ok: c.signature });
    }
  });

  it('verifyBatch with the v1 rules accepts the spec\'s signed events, also with the redactable content changed, and refuses a changed kept field', () => {
    const signedEvents = cases.map((c) => ({ ...c.event, hashes: { sha256: c.hash }, signatures: { domain: { 'ed25519:1': c.signature } } }));
    const objects = [
      ...signedEvents,
      { ...signedEvents[1]!, content: { body: 'a different body: redacted away, so still validly signed' } },
      { ...signedEvents[1]!, origin_server_ts: 1000001 },
      { ...signedEvents[0]!, hashes: { sha256: 'AAAA' } },
    ].map((e) => utf8(JSON.stringify(e)));
    for (const k of paths) {
      const publicKey = k.ed25519PublicKey(seed());
      const results = k.verifyBatch({ objects, required: objects.map(() => [{ server: 'domain', keyId: 'ed25519:1', publicKey }]), rules, mode: 'compat' });
      expectOnEveryPath([k], 'verifyBatch spec events', '', () => results.map((r) => (r.ok ? 'ok' : r.reason)).join(','),
        { ok: 'ok,ok,ok,invalid_signature,invalid_signature' });
    }
  });

  it('redacting the message event keeps only the v1 top-level keys and empties content', () => {
    const text = JSON.stringify({ ...message, hashes: { sha256: cases[1]!.hash } });
    const expected = '{"content":{},"event_id":"$0:domain","hashes":{"sha256":"onLKD1bGljeBWQhWZ1kaP9SorVmRQNdN5aM2JYU2n/g"},"origin":"domain","origin_server_ts":1000000,"room_id":"!r:domain","sender":"@u:domain","signatures":{},"type":"m.room.message"}';
    expectOnEveryPath(paths, 'redact spec message', text, (k) => k.redact(utf8(text), rules), okBytes(expected));
  });
});
