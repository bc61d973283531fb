// Micro: JS string → UTF-8 with lone-surrogate rejection, and finding a lone
// surrogate, on every kernel path against TextEncoder / Buffer (which replace
// lone surrogates with U+FFFD instead of refusing) and String#isWellFormed.
import type { Arm, Suite } from '../suite.js';
import { makeEvent } from '../inputs/events.js';
import { checkedArm, kernelArms, referenceKernels, sizeLabel } from './micro-arms.js';

const decoder = new TextDecoder();
const encoder = new TextEncoder();

export const microUtf16Suite: Suite = {
  name: 'micro-utf16',
  tier: 'micro',
  description: 'UTF-16 → UTF-8 with lone-surrogate checks: native vs wasm vs js vs TextEncoder/Buffer',
  fits: () => true,
  async run(ctx) {
    const reference = referenceKernels();
    const sizes = ctx.quick ? [1024] : [512, 4 * 1024, 64 * 1024];
    for (const size of sizes) {
      if (ctx.signal.aborted) return;
      const text = decoder.decode(makeEvent(size, 'message'));
      const expected = reference.utf8Encode(text);
      const bytes = expected.length;
      const arms: Arm[] = [
        ...kernelArms((k) => () => k.utf8Encode(text), { bytesPerOp: bytes }),
        { name: 'TextEncoder', bytesPerOp: bytes, note: 'writes U+FFFD for lone surrogates', fn: () => encoder.encode(text) },
        { name: 'Buffer.from', bytesPerOp: bytes, note: 'writes U+FFFD for lone surrogates', fn: () => Buffer.from(text, 'utf8') },
      ].map((a) => checkedArm(a, expected));
      await ctx.compare(`utf8Encode ${sizeLabel(bytes)} of event text`, arms, { noisePair: true, baseline: 'TextEncoder', group: 'utf8Encode', x: bytes, xLabel: 'UTF-8 bytes', params: { bytes } });
      if (ctx.signal.aborted) return;
      const wellFormed = (text as unknown as { isWellFormed?: () => boolean }).isWellFormed;
      const findArms: Arm[] = [
        ...kernelArms((k) => () => k.findLoneSurrogate(text), { bytesPerOp: bytes }),
        typeof wellFormed === 'function'
          ? { name: 'String#isWellFormed', bytesPerOp: bytes, note: 'yes/no only, no index', fn: () => wellFormed.call(text) }
          : { name: 'String#isWellFormed', fn: () => undefined, skip: `not in Node ${process.version}` },
      ];
      await ctx.compare(`findLoneSurrogate ${sizeLabel(bytes)}`, findArms, { baseline: 'js', group: 'findLoneSurrogate', x: bytes, xLabel: 'UTF-8 bytes', params: { bytes } });
    }
  },
};
