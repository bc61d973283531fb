// Micro: unpadded base64 encode and strict decode on every kernel path against
// Node's Buffer (which pads, so its arm strips the padding; and whose decoder
// is lenient: it skips invalid characters instead of rejecting them).
import type { Arm, Suite } from '../suite.js';
import { rng } from '../inputs/events.js';
import { checkedArm, kernelArms, referenceKernels, sizeLabel } from './micro-arms.js';

function bytesOf(n: number, seed: number): Uint8Array {
  const r = rng(seed);
  return new Uint8Array(n).map(() => Math.floor(r() * 256));
}

export const microBase64Suite: Suite = {
  name: 'micro-base64',
  tier: 'micro',
  description: 'unpadded base64 encode and strict decode, 32 B to 1 MiB: native vs wasm vs js vs Buffer',
  fits: () => true,
  async run(ctx) {
    const reference = referenceKernels();
    // 32 B: a key; 64 B: a signature; 1 KiB..1 MiB: hashes of media, key backups, to-device payloads
    const sizes = ctx.quick ? [64, 4096] : [32, 64, 1024, 64 * 1024, 1024 * 1024];
    for (const size of sizes) {
      if (ctx.signal.aborted) return;
      const bytes = bytesOf(size, size);
      const text = reference.base64Encode(bytes);
      const encodeArms: Arm[] = [
        ...kernelArms((k) => () => k.base64Encode(bytes), { bytesPerOp: size }),
        // Buffer pads; Matrix wants unpadded: drop the (at most two) '=' without a regex scan
        { name: 'Buffer', bytesPerOp: size, fn: () => { const s = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64'); return s.slice(0, s.length - (s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0)); } },
      ].map((a) => checkedArm(a, text, (r) => r as string));
      await ctx.compare(`encode ${sizeLabel(size)}`, encodeArms, { noisePair: true, baseline: 'Buffer', group: 'base64 encode', x: size, xLabel: 'input bytes', params: { bytes: size } });
      if (ctx.signal.aborted) return;
      const decodeArms: Arm[] = [
        ...kernelArms((k) => () => k.base64Decode(text), { bytesPerOp: size }),
        { name: 'Buffer', bytesPerOp: size, note: 'lenient: ignores invalid characters', fn: () => Buffer.from(text, 'base64') },
      ].map((a) => checkedArm(a, bytes, (r) => r as Uint8Array));
      await ctx.compare(`decode ${sizeLabel(size)}`, decodeArms, { noisePair: true, baseline: 'Buffer', group: 'base64 decode', x: size, xLabel: 'output bytes', params: { bytes: size } });
    }
  },
};
