// Micro: SHA-256 of bytes, and the content hash and reference hash of events
// (canonicalize + redact + SHA-256 in one call) on every kernel path, against
// node:crypto and the npm pipeline a TypeScript server would otherwise use
// (JSON.parse, drop the excluded keys, json-canonicalize, node:crypto).
import { createHash } from 'node:crypto';
import type { Arm, Suite } from '../suite.js';
import { makeEvent, rng } from '../inputs/events.js';
import { roomVersion } from '../../matrix/room-versions.js';
import { checkedArm, kernelArms, optionalImport, packageArm, referenceKernels, sizeLabel } from './micro-arms.js';

const decoder = new TextDecoder();

export const microHashesSuite: Suite = {
  name: 'micro-hashes',
  tier: 'micro',
  description: 'SHA-256, event content hash and reference hash: native vs wasm vs js vs node:crypto and an npm pipeline',
  fits: () => true,
  async run(ctx) {
    const reference = referenceKernels();
    const rules = roomVersion('10')!.redaction;
    const jc = await optionalImport<{ canonicalize: (v: unknown) => string }>('json-canonicalize');
    if (!jc) ctx.note('json-canonicalize is not installed: the npm pipeline arm is skipped');

    const sizes = ctx.quick ? [1024] : [64, 1024, 64 * 1024, 1024 * 1024];
    for (const size of sizes) {
      if (ctx.signal.aborted) return;
      const r = rng(size);
      const bytes = new Uint8Array(size).map(() => Math.floor(r() * 256));
      const expected = reference.sha256(bytes);
      const arms: Arm[] = [
        ...kernelArms((k) => () => k.sha256(bytes), { bytesPerOp: size }),
        { name: 'node:crypto', bytesPerOp: size, fn: () => createHash('sha256').update(bytes).digest() },
      ].map((a) => checkedArm(a, expected));
      await ctx.compare(`sha256 ${sizeLabel(size)}`, arms, { noisePair: true, baseline: 'node:crypto', group: 'sha256', x: size, xLabel: 'input bytes', params: { bytes: size } });
    }

    const eventSizes = ctx.quick ? [1024] : [512, 4 * 1024, 64 * 1024];
    for (const size of eventSizes) {
      if (ctx.signal.aborted) return;
      const event = makeEvent(size, 'message');
      const expected = reference.contentHash(event);
      const arms: Arm[] = [
        ...kernelArms((k) => () => k.contentHash(event), { bytesPerOp: event.length }),
        packageArm('JSON.parse + json-canonicalize + node:crypto', jc, () => () => {
          const o = JSON.parse(decoder.decode(event)) as Record<string, unknown>;
          delete o.signatures; delete o.unsigned; delete o.hashes;
          return createHash('sha256').update(jc!.canonicalize(o)).digest();
        }, { bytesPerOp: event.length, note: 'UTF-16 key order; no Matrix JSON checks' }),
      ].map((a) => checkedArm(a, expected));
      await ctx.compare(`content hash, event ${sizeLabel(event.length)}`, arms, { noisePair: true, baseline: 'js', group: 'content hash', x: event.length, xLabel: 'event bytes', params: { bytes: event.length } });
      if (ctx.signal.aborted) return;
      const refExpected = reference.referenceHash(event, rules);
      await ctx.compare(`reference hash (v10 redaction), event ${sizeLabel(event.length)}`,
        kernelArms((k) => () => k.referenceHash(event, rules), { bytesPerOp: event.length }).map((a) => checkedArm(a, refExpected)),
        { baseline: 'js', group: 'reference hash', x: event.length, xLabel: 'event bytes', params: { bytes: event.length } });
    }
  },
};
