// Micro: canonical JSON (bytes in, canonical bytes out) on every kernel path
// against the npm canonicalizers. The npm packages take a JS value, so their
// arm is the same job end to end: JSON.parse of the UTF-8 text, canonicalize,
// UTF-8 encode. They do not apply Matrix's rules (duplicate keys, integer
// range, lone surrogates) and most sort keys by UTF-16 units, not code points.
import type { Arm, Suite } from '../suite.js';
import { EVENT_SHAPES, makeEvent } from '../inputs/events.js';
import { checkedArm, kernelArms, optionalImport, packageArm, referenceKernels, sizeLabel } from './micro-arms.js';

type Stringify = (value: unknown) => string | undefined;

/** The npm canonicalizers, by package name, each as a value → string function. */
export async function npmCanonicalizers(): Promise<{ name: string; stringify?: Stringify }[]> {
  const canonicalize = await optionalImport<{ default: Stringify }>('canonicalize');
  const canonicalJson = await optionalImport<{ default: Stringify }>('canonical-json');
  const jsonCanonicalize = await optionalImport<{ canonicalize: Stringify }>('json-canonicalize');
  return [
    { name: 'canonicalize', ...(canonicalize ? { stringify: canonicalize.default } : {}) },
    { name: 'canonical-json', ...(canonicalJson ? { stringify: (v) => canonicalJson.default(v) } : {}) },
    { name: 'json-canonicalize', ...(jsonCanonicalize ? { stringify: jsonCanonicalize.canonicalize } : {}) },
  ];
}

/**
 * Whether a canonicalizer sorts keys by Unicode code point, as Matrix requires.
 * U+FB01 sorts before U+1F600 by code point, after it by UTF-16 units
 * (the astral character's high surrogate is 0xD83D).
 */
export function sortsByCodePoint(stringify: (v: unknown) => string | undefined): boolean {
  return stringify({ '\u{1F600}': 1, '\uFB01': 2 }) === '{"\uFB01":2,"\u{1F600}":1}';
}

const decoder = new TextDecoder();
const encoder = new TextEncoder();

export const microCanonicalJsonSuite: Suite = {
  name: 'micro-canonical-json',
  tier: 'micro',
  description: 'canonical JSON of real-shaped events, 0.5–64 KB, and a batch: native vs wasm vs js vs npm canonicalizers',
  fits: () => true,
  async run(ctx) {
    const reference = referenceKernels();
    const npm = await npmCanonicalizers();
    for (const p of npm) {
      if (!p.stringify) ctx.note(`${p.name} is not installed: its arm is skipped`);
      else ctx.note(`${p.name} ${sortsByCodePoint(p.stringify) ? 'sorts keys by code point (correct)' : 'sorts keys by UTF-16 units: wrong on astral keys'}`);
    }
    const kernelOrder = kernelArms((k) => () => k.canonicalJson(encoder.encode('{"\u{1F600}":1,"\uFB01":2}')));
    for (const a of kernelOrder) if (!a.skip) ctx.note(`${a.name} path ${decoder.decode(a.fn() as Uint8Array) === '{"\uFB01":2,"\u{1F600}":1}' ? 'sorts keys by code point (correct)' : 'does NOT sort keys by code point'}`);

    const sizes = ctx.quick ? [512, 4 * 1024] : [512, 1024, 4 * 1024, 16 * 1024, 64 * 1024];
    const shapes = ctx.quick ? EVENT_SHAPES.slice(0, 1) : EVENT_SHAPES;
    for (const shape of shapes) {
      for (const size of sizes) {
        if (ctx.signal.aborted) return;
        const input = makeEvent(size, shape);
        const expected = reference.canonicalJson(input);
        const note = (name: string) => npm.find((p) => p.name === name)?.stringify && !sortsByCodePoint(npm.find((p) => p.name === name)!.stringify!) ? 'UTF-16 key order' : undefined;
        const arms: Arm[] = [
          ...kernelArms((k) => () => k.canonicalJson(input), { bytesPerOp: input.length }),
          ...npm.map((p) => packageArm(p.name, p.stringify, () => {
            const stringify = p.stringify!;
            return () => encoder.encode(stringify(JSON.parse(decoder.decode(input)))!);
          }, { bytesPerOp: input.length, ...(note(p.name) ? { note: note(p.name)! } : {}) })),
        ].map((a) => checkedArm(a, expected));
        await ctx.compare(`${shape} event ${sizeLabel(input.length)}`, arms, {
          noisePair: true, baseline: 'js', group: `canonical JSON, ${shape} events`, x: input.length, xLabel: 'event size (bytes)',
          params: { bytes: input.length, shape },
        });
      }
    }

    // Many events in one boundary crossing (what ingest and send_join do).
    if (ctx.signal.aborted) return;
    const count = ctx.quick ? 20 : 1000;
    const batch = Array.from({ length: count }, (_, i) => makeEvent([600, 1024, 2048, 4096][i % 4]!, 'message', i + 1));
    const bytes = batch.reduce((s, e) => s + e.length, 0);
    const arms: Arm[] = [
      ...kernelArms((k) => () => k.canonicalJsonBatch(batch), { bytesPerOp: bytes, itemsPerOp: count }),
      ...npm.map((p) => packageArm(p.name, p.stringify, () => {
        const stringify = p.stringify!;
        return () => batch.map((e) => encoder.encode(stringify(JSON.parse(decoder.decode(e)))!));
      }, { bytesPerOp: bytes, itemsPerOp: count })),
    ];
    await ctx.compare(`batch of ${count} events (canonicalJsonBatch)`, arms, { baseline: 'js', params: { events: count, bytes } });
  },
};
