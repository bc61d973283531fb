// `myelin json ...` run as a child process, on every kernel path that loads,
// against the spec's own examples (appendices: canonical JSON, JSON signing,
// event signing test vectors).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { kernelsUnderTest } from '../helpers/kernels.js';
import { readVectors, repoRoot } from '../accel/kernel-fixtures.js';

const SPEC_SEED = 'YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1';
const SPEC_PUBLIC_KEY = 'XGX0JRS2Af3be3knz2fBiRbApjm2Dh61gXDJA8kcJNI';
const SIG_EMPTY = 'K8280/U9SSy9IVtjBuVeLr+HpOB4BQFWbg+UZaADMtTdGYI7Geitb76LTrr5QV/7Xg4ahLwYGYZzuHGZKM5ZAQ';
const SIG_ONE_TWO = 'KqmLSbO39/Bzb0QIYE82zqLwsA+PDzYIpIRA2sRQ4sL53+sN6/fpNSoqE7BP7vBZhG6kYdD13EIMJpvhJI+6Bw';
const SPEC_AUTH_EXAMPLE = `{
    "auth": {
        "success": true,
        "mxid": "@john.doe:example.com",
        "profile": {
            "display_name": "John Doe",
            "three_pids": [
                { "medium": "email", "address": "john.doe@example.org" },
                { "medium": "msisdn", "address": "123456789" }
            ]
        }
    }
}`;

interface Run { code: number | null; stdout: string; stderr: string }

/** Runs `node bin/myelin.js ...` with stdin; several run at once within a test (2 cores, slow startup). */
function myelin(args: string[], stdin = ''): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(repoRoot, 'bin', 'myelin.js'), ...args], { cwd: repoRoot, timeout: 60_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

function expectOk(run: Run, stdout: string, what: string): void {
  assert.equal(run.code, 0, `${what}: exit code (stderr: ${run.stderr})`);
  assert.equal(run.stdout, stdout, what);
}

const signArgs = ['--seed', SPEC_SEED, '--key-id', 'ed25519:1', '--server', 'domain'];
const verifyArgs = ['--public-key', SPEC_PUBLIC_KEY, '--key-id', 'ed25519:1', '--server', 'domain'];
const SIGNED_ONE_TWO = `{"one":1,"signatures":{"domain":{"ed25519:1":"${SIG_ONE_TWO}"}},"two":"Two","unsigned":{"anything":true}}`;
const MINIMAL_EVENT = '{"room_id":"!x:domain","sender":"@a:domain","origin":"domain","origin_server_ts":1000000,"signatures":{},"hashes":{},"type":"X","content":{},"prev_events":[],"auth_events":[],"depth":3,"unsigned":{"age_ts":1000000}}';
const MESSAGE_EVENT = '{"content":{"body":"Here is the message content"},"event_id":"$0:domain","origin":"domain","origin_server_ts":1000000,"type":"m.room.message","room_id":"!r:domain","sender":"@u:domain","signatures":{},"unsigned":{"age_ts":1000000}}';

const SPEC_MESSAGE_HASHED = '{"content":{"body":"Here is the message content"},"event_id":"$0:domain","hashes":{"sha256":"onLKD1bGljeBWQhWZ1kaP9SorVmRQNdN5aM2JYU2n/g"},"origin":"domain","origin_server_ts":1000000,"type":"m.room.message","room_id":"!r:domain","sender":"@u:domain","signatures":{},"unsigned":{"age_ts":1000000}}';
const SPEC_MESSAGE_SIGNED = '{"content":{"body":"Here is the message content"},"event_id":"$0:domain","hashes":{"sha256":"onLKD1bGljeBWQhWZ1kaP9SorVmRQNdN5aM2JYU2n/g"},"origin":"domain","origin_server_ts":1000000,"room_id":"!r:domain","sender":"@u:domain","signatures":{"domain":{"ed25519:1":"Wm+VzmOUOz08Ds+0NTWb1d4CZrVsJSikkeRxh6aCcUwu6pNC78FunoD7KNWzqFn241eYHYMGCA5McEiVPdhzBA"}},"type":"m.room.message","unsigned":{"age_ts":1000000}}\n';

/** A signed v10 PDU from the shared room fixtures (Synapse-made), without its derived event_id, and its key. */
function fixturePdu(): { text: string; server: string; keyId: string; publicKey: string } {
  const room = readVectors<{ events: Record<string, unknown>[]; signing_keys: { server: string; key_id: string; public_key: string }[] }>('rooms/refhash-v10.json');
  const event = room.events.find((e) => e.type === 'm.room.message') ?? room.events[room.events.length - 1]!;
  const { event_id: _id, ...pdu } = event;
  const server = Object.keys(pdu.signatures as object)[0]!;
  const key = room.signing_keys.find((k) => k.server === server)!;
  return { text: JSON.stringify(pdu), server, keyId: key.key_id, publicKey: key.public_key };
}

function expectFailure(run: Run, code: number, stderr: RegExp, what: string): void {
  assert.equal(run.code, code, `${what}: exit code (stderr: ${run.stderr})`);
  assert.equal(run.stdout, '', `${what}: nothing on stdout`);
  assert.match(run.stderr, stderr, what);
}

// The spec's examples on every path.
for (const path of kernelsUnderTest().map((k) => k.path)) {
  const accel = ['--accel', path];
  it(`myelin json --accel ${path}: canonical, sign, verify and hash give the spec's results`, async () => {
    const pdu = fixturePdu();
    const pduArgs = ['--public-key', pdu.publicKey, '--key-id', pdu.keyId, '--server', pdu.server];
    const [canonical, signEmpty, signOneTwo, valid, tampered, hash, hashMessage, signEvent, pduValid, pduUnredacted] = await Promise.all([
      myelin(['json', 'canonical', ...accel], SPEC_AUTH_EXAMPLE),
      myelin(['json', 'sign', ...signArgs, ...accel], '{}'),
      myelin(['json', 'sign', ...signArgs, ...accel], '{\n  "one": 1,\n  "two": "Two"\n}'),
      myelin(['json', 'verify', ...verifyArgs, ...accel], SIGNED_ONE_TWO),
      myelin(['json', 'verify', ...verifyArgs, ...accel], SIGNED_ONE_TWO.replace('"one":1', '"one":2')),
      myelin(['json', 'hash', ...accel], MINIMAL_EVENT),
      myelin(['json', 'hash', ...accel], MESSAGE_EVENT),
      myelin(['json', 'sign', ...signArgs, '--room-version', '1', ...accel], SPEC_MESSAGE_HASHED),
      myelin(['json', 'verify', ...pduArgs, '--room-version', '10', ...accel], pdu.text),
      myelin(['json', 'verify', ...pduArgs, ...accel], pdu.text),
    ]);
    expectOk(canonical, '{"auth":{"mxid":"@john.doe:example.com","profile":{"display_name":"John Doe","three_pids":[{"address":"john.doe@example.org","medium":"email"},{"address":"123456789","medium":"msisdn"}]},"success":true}}\n', 'canonical');
    expectOk(signEmpty, `{"signatures":{"domain":{"ed25519:1":"${SIG_EMPTY}"}}}\n`, 'sign {}');
    expectOk(signOneTwo, `{"one":1,"signatures":{"domain":{"ed25519:1":"${SIG_ONE_TWO}"}},"two":"Two"}\n`, 'sign one/two');
    expectOk(valid, 'valid: signed by domain with ed25519:1\n', 'verify');
    expectFailure(tampered, 1, /invalid_signature/, 'verify tampered');
    expectOk(hash, '5jM4wQpv6lnBo7CLIghJuHdW+s2CMBJPUOGOC89ncos\n', 'hash');
    expectOk(hashMessage, 'onLKD1bGljeBWQhWZ1kaP9SorVmRQNdN5aM2JYU2n/g\n', 'hash message');
    expectOk(signEvent, SPEC_MESSAGE_SIGNED, 'sign the spec event (signed in redacted form)');
    expectOk(pduValid, `valid: signed by ${pdu.server} with ${pdu.keyId}\n`, 'verify a v10 fixture PDU');
    expectFailure(pduUnredacted, 1, /invalid_signature/, 'a PDU checked without its room version (not redacted first)');
  });
}

// Options and failure reporting (the same code on every path, so checked once, on js).
describe('myelin json: options and errors', () => {
  const accel = ['--accel', 'js'];

  it('canonical: compat keeps a float that strict refuses at its offset; duplicates after unescaping are refused', async () => {
    const [compat, strict, dup] = await Promise.all([
      myelin(['json', 'canonical', '--compat', ...accel], '{"b": 1e2, "a": -0}'),
      myelin(['json', 'canonical', ...accel], '{"b": 1e2, "a": -0}'),
      myelin(['json', 'canonical', ...accel], '{"a":1,"\\u0061":2}'),
    ]);
    expectOk(compat, '{"a":0,"b":100.0}\n', 'canonical --compat');
    expectFailure(strict, 1, /not_integer at byte 6/, 'strict float');
    expectFailure(dup, 1, /duplicate_key at byte 7/, 'duplicate');
  });

  it('sign keeps other signatures and unsigned, refuses non-objects, floats and bad options', async () => {
    const usageCases = [
      ['--key-id', 'ed25519:1', '--server', 'domain'],
      ['--seed', 'AAAA', '--key-id', 'ed25519:1', '--server', 'domain'],
      ['--seed', SPEC_SEED, '--key-id', 'rsa:1', '--server', 'domain'],
      ['--seed', '!!', '--key-id', 'ed25519:1', '--server', 'domain'],
      [...signArgs, '--compat'],
      [...signArgs, '--room-version', '99'],
    ];
    const [kept, notObject, float, ...usage] = await Promise.all([
      myelin(['json', 'sign', ...signArgs, ...accel], '{"two":"Two","unsigned":{"age_ts":5},"signatures":{"other.example":{"ed25519:x":"abc"},"domain":{"ed25519:0":"old"}},"one":1}'),
      myelin(['json', 'sign', ...signArgs, ...accel], '[1]'),
      myelin(['json', 'sign', ...signArgs, ...accel], '{"a":1.5}'),
      ...usageCases.map((args) => myelin(['json', 'sign', ...args, ...accel], '{}')),
    ]);
    expectOk(kept, `{"one":1,"signatures":{"domain":{"ed25519:0":"old","ed25519:1":"${SIG_ONE_TWO}"},"other.example":{"ed25519:x":"abc"}},"two":"Two","unsigned":{"age_ts":5}}\n`, 'sign with existing signatures and unsigned');
    expectFailure(notObject, 1, /must be a JSON object/, 'sign [1]');
    expectFailure(float, 1, /not_integer at byte 5/, 'sign float');
    for (const [i, r] of usage.entries()) expectFailure(r, 2, /usage: |myelin json <tool>/, `usage error for ${usageCases[i]!.join(' ')}`);
  });

  it('verify: missing, badly encoded, malformed input and usage errors', async () => {
    const [missing, badSig, badJson, usage] = await Promise.all([
      myelin(['json', 'verify', ...verifyArgs.slice(0, 4), '--server', 'elsewhere', ...accel], SIGNED_ONE_TWO),
      myelin(['json', 'verify', ...verifyArgs, ...accel], SIGNED_ONE_TWO.replace(SIG_ONE_TWO, 'not base64!')),
      myelin(['json', 'verify', ...verifyArgs, ...accel], SIGNED_ONE_TWO.slice(0, -1)),
      myelin(['json', 'verify', '--key-id', 'ed25519:1', '--server', 'domain', ...accel], SIGNED_ONE_TWO),
    ]);
    expectFailure(missing, 1, /missing_signature/, 'missing');
    expectFailure(badSig, 1, /bad_signature_encoding/, 'bad signature');
    expectFailure(badJson, 1, new RegExp(`bad_json.*syntax at byte ${SIGNED_ONE_TWO.length - 1}`), 'bad json');
    expectFailure(usage, 2, /--public-key is required/, 'usage');
  });

  it('sign then verify round-trips with a fresh key; another key fails', async () => {
    const seed = Buffer.alloc(32, 42).toString('base64');
    const publicKey = spawnSync(process.execPath, ['-e', `const c=require('node:crypto');const k=c.createPrivateKey({key:Buffer.concat([Buffer.from('302e020100300506032b657004220420','hex'),Buffer.from('${seed}','base64')]),format:'der',type:'pkcs8'});process.stdout.write(c.createPublicKey(k).export({format:'der',type:'spki'}).subarray(12).toString('base64'))`], { encoding: 'utf8' }).stdout;
    const signed = await myelin(['json', 'sign', '--seed', seed, '--key-id', 'ed25519:a_B1', '--server', 'example.org', ...accel], '{"content":{"body":"日本語 😀"},"n":-0}');
    assert.equal(signed.code, 0, signed.stderr);
    const [ok, wrong] = await Promise.all([
      myelin(['json', 'verify', '--public-key', publicKey, '--key-id', 'ed25519:a_B1', '--server', 'example.org', ...accel], signed.stdout),
      myelin(['json', 'verify', '--public-key', SPEC_PUBLIC_KEY, '--key-id', 'ed25519:a_B1', '--server', 'example.org', ...accel], signed.stdout),
    ]);
    expectOk(ok, 'valid: signed by example.org with ed25519:a_B1\n', 'round trip');
    expectFailure(wrong, 1, /invalid_signature/, 'another key');
  });

  it('an unknown tool, a stray argument or an unknown path is a usage error (exit 2)', async () => {
    const cases = [['json', 'frobnicate'], ['json', 'canonical', 'extra'], ['json', 'canonical', '--accel', 'gpu'], ['json']];
    const runs = await Promise.all([...cases.map((args) => myelin(args, '{}')), myelin(['help', 'json'])]);
    for (const [i, args] of cases.entries()) assert.equal(runs[i]!.code, 2, `${args.join(' ')}: ${runs[i]!.stderr}`);
    assert.equal(runs[cases.length]!.code, 0);
    assert.match(runs[cases.length]!.stdout, /myelin json <tool>/);
  });
});
