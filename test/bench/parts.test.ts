// Small parts of the harness: stats, progress text, CPU info parsing, target
// checks, and the generated benchmark inputs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { quantile, summarize, formatNs, formatRatio } from '../../src/bench/stats.js';
import { Progress, formatEta } from '../../src/bench/progress.js';
import { parseCpuInfo } from '../../src/bench/machine.js';
import { parseTarget, isLoopbackHost } from '../../src/bench/target.js';
import { downsampleSorted } from '../../src/bench/measure.js';
import { makeEvent, makeSendJoinBatch } from '../../src/bench/inputs/events.js';
import { sortsByCodePoint } from '../../src/bench/suites/micro-canonical-json.js';
import { tryLoadKernels } from '../../src/accel/index.js';
import type { Kernels } from '../../src/accel/types.js';
import { roomVersion } from '../../src/matrix/room-versions.js';

test('order statistics', () => {
  assert.equal(quantile([5, 1, 3], 0.5), 3);
  assert.equal(quantile([1, 2, 3, 4], 0.5), 2.5);
  const s = summarize([10, 20, 30, 40, 50]);
  assert.deepEqual([s.median, s.p25, s.p75, s.min, s.max, s.spread], [30, 20, 40, 10, 50, 20 / 30]);
  assert.ok(Number.isNaN(quantile([], 0.5)));
  assert.equal(formatNs(1500), '1.50 µs');
  assert.equal(formatNs(2.5e9), '2.50 s');
  assert.equal(formatRatio(0.004), '0.0040×');
  assert.deepEqual(downsampleSorted([5, 4, 3, 2, 1], 3), [1, 3, 5]);
  assert.equal(downsampleSorted(Array.from({ length: 10000 }, (_, i) => i)).length, 2000);
});

test('progress: bar text with percentage and ETA; nothing drawn off a terminal; log lines pass through', () => {
  assert.equal(Progress.render('case', 1, 4, 3000, 60), 'case [########----------------------]  25% ETA 9s');
  assert.match(Progress.render('case', 4, 4, 3000, 60), /100% ETA done$/);
  assert.equal(formatEta(125_000), '2m05s');
  const out: string[] = [];
  const p = new Progress({ write: (t: string) => out.push(t), isTTY: false });
  const bar = p.start('x', 3); bar.tick(); bar.done();
  p.log('hello');
  assert.deepEqual(out, ['hello\n']);
  const tty: string[] = [];
  let t = 0;
  const q = new Progress({ write: (s: string) => tty.push(s), isTTY: true, columns: 80 }, () => t);
  const b = q.start('y', 2); t = 1000; b.tick();
  assert.ok(tty.some((s) => s.includes('y [') && s.includes('50% ETA 1s')));
  b.done();
  assert.equal(tty[tty.length - 1], '\r\x1b[2K');
});

test('CPU info: x86 model and flags, ARM features', () => {
  const x86 = parseCpuInfo('processor\t: 0\nmodel name\t: AMD EPYC 7B13\nflags\t\t: fpu sse4_2 avx2 avx512f sha_ni bmi2\n\nprocessor\t: 1\nmodel name\t: AMD EPYC 7B13\n');
  assert.deepEqual(x86, { model: 'AMD EPYC 7B13', features: ['sse4_2', 'avx2', 'bmi2', 'sha_ni', 'avx512f'] });
  const arm = parseCpuInfo('processor\t: 0\nBogoMIPS\t: 243.75\nFeatures\t: fp asimd evtstrm aes pmull sha1 sha2 crc32\nCPU implementer\t: 0x41\n');
  assert.deepEqual(arm, { model: '', features: ['asimd', 'sha2', 'pmull'] });
});

test('targets are loopback only, with a clear error otherwise', () => {
  assert.deepEqual(parseTarget('http://127.0.0.1:8008/', { sharedSecret: 's', serverPid: '123' }), { url: 'http://127.0.0.1:8008', sharedSecret: 's', serverPid: 123 });
  assert.equal(parseTarget('http://localhost:8448').url, 'http://localhost:8448');
  assert.ok(isLoopbackHost('[::1]'));
  assert.ok(isLoopbackHost('127.1.2.3'));
  assert.ok(!isLoopbackHost('10.0.0.1'));
  assert.throws(() => parseTarget('http://matrix.org'), /loopback/);
  assert.throws(() => parseTarget('http://192.168.1.5:8008'), /loopback/);
  assert.throws(() => parseTarget('not a url'), /not a URL/);
  assert.throws(() => parseTarget('ftp://127.0.0.1'), /http/);
  assert.throws(() => parseTarget('http://127.0.0.1:8008', { serverPid: 'abc' }), /--server-pid/);
});

test('generated events: valid JSON, at most the target size and close to it, deterministic, real PDU shape', () => {
  for (const size of [1024, 4096, 65536]) {
    for (const shape of ['message', 'power_levels'] as const) {
      const e = makeEvent(size, shape);
      assert.ok(e.length <= size && e.length > size * 0.95, `${shape} ${size}: ${e.length}`);
      const o = JSON.parse(new TextDecoder().decode(e));
      for (const k of ['type', 'room_id', 'sender', 'content', 'origin_server_ts', 'depth', 'prev_events', 'auth_events', 'hashes', 'signatures']) assert.ok(k in o, k);
      assert.deepEqual(makeEvent(size, shape), e);
    }
  }
  // a 64 KB event stays within the PDU size limit
  assert.ok(makeEvent(65536).length <= 65536);
});

test('the send_join batch is signed for real: the js path verifies every event, and a flipped byte fails', () => {
  const k = tryLoadKernels('js') as Kernels;
  const rules = roomVersion('10')!.redaction;
  const b = makeSendJoinBatch(30, k, rules);
  const ok = k.verifyBatch({ objects: b.objects, required: b.required, rules, mode: 'strict' });
  assert.deepEqual(ok.map((r) => r.ok), new Array(30).fill(true));
  const tampered = b.objects.map((o) => o.slice());
  const text = new TextDecoder().decode(tampered[5]);
  tampered[5] = new TextEncoder().encode(text.replace('"membership":"join"', '"membership":"lave"'));
  const res = k.verifyBatch({ objects: tampered, required: b.required, rules, mode: 'strict' });
  assert.deepEqual(res[5], { ok: false, reason: 'invalid_signature', server: b.required[5]![0]!.server, keyId: b.required[5]![0]!.keyId });
});

test('code point key order check tells a correct canonicalizer from a UTF-16-ordered one', () => {
  const k = tryLoadKernels('js') as Kernels;
  const viaKernel = (v: unknown) => new TextDecoder().decode(k.canonicalJson(JSON.stringify(v)));
  const utf16Sorted = (v: unknown) => JSON.stringify(v, Object.keys(v as object).sort());
  assert.equal(sortsByCodePoint(viaKernel), true);
  assert.equal(sortsByCodePoint(utf16Sorted), false);
});
