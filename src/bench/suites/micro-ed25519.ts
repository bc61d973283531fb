// Micro: Ed25519 sign and verify on every kernel path against node:crypto,
// tweetnacl and @noble/ed25519; and verifyBatch (redact + canonicalize +
// verify) of send_join-shaped batches up to 10,000 events against the same
// job done with JSON.parse + json-canonicalize + node:crypto.
import { createHash, createPrivateKey, createPublicKey, sign as cryptoSign, verify as cryptoVerify } from 'node:crypto';
import type { RedactionRules } from '../../accel/types.js';
import type { Arm, Suite } from '../suite.js';
import { makeEvent, makeSendJoinBatch } from '../inputs/events.js';
import { roomVersion } from '../../matrix/room-versions.js';
import { kernelArms, optionalImport, packageArm, referenceKernels } from './micro-arms.js';

interface TweetNacl {
  sign: {
    detached: ((msg: Uint8Array, secretKey: Uint8Array) => Uint8Array) & { verify(msg: Uint8Array, sig: Uint8Array, publicKey: Uint8Array): boolean };
    keyPair: { fromSeed(seed: Uint8Array): { publicKey: Uint8Array; secretKey: Uint8Array } };
  };
}
interface Noble {
  hashes: { sha512?: (m: Uint8Array) => Uint8Array };
  sign(msg: Uint8Array, secretKey: Uint8Array): Uint8Array;
  verify(sig: Uint8Array, msg: Uint8Array, publicKey: Uint8Array): boolean;
}

const decoder = new TextDecoder();
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** The redaction a TypeScript server would write over parsed objects (top-level keys and content keys). */
function redactObject(o: Record<string, unknown>, rules: RedactionRules): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of rules.keepTopLevel) if (k in o) out[k] = o[k];
  const keep = rules.keepContent[String(o.type)] ?? [];
  const content = (o.content ?? {}) as Record<string, unknown>;
  const kept: Record<string, unknown> = {};
  if (keep.includes('*')) Object.assign(kept, content);
  else for (const k of keep) if (!k.includes('.') && k in content) kept[k] = content[k];
  out.content = kept;
  return out;
}

export const microEd25519Suite: Suite = {
  name: 'micro-ed25519',
  tier: 'micro',
  description: 'Ed25519 sign/verify and verifyBatch of send_join-shaped batches (up to 10,000 events): native vs wasm vs js vs node:crypto, tweetnacl, @noble/ed25519',
  fits: (env) => env.quick || env.machine.memoryBytes >= 1024 ** 3 || 'needs 1 GiB of memory for the 10,000-event batch',
  async run(ctx) {
    const reference = referenceKernels();
    const nacl = (await optionalImport<{ default: TweetNacl }>('tweetnacl'))?.default;
    const noble = await optionalImport<Noble>('@noble/ed25519');
    // noble needs a SHA-512 for its synchronous API; node:crypto's is the fastest at hand
    if (noble && !noble.hashes.sha512) noble.hashes.sha512 = (m) => new Uint8Array(createHash('sha512').update(m).digest());
    for (const [n, p] of [['tweetnacl', nacl], ['@noble/ed25519', noble]] as const) if (!p) ctx.note(`${n} is not installed: its arm is skipped`);

    const seed = new Uint8Array(32).map((_, i) => (i * 37 + 11) & 0xff);
    const publicKey = reference.ed25519PublicKey(seed);
    const message = reference.canonicalJson(makeEvent(700, 'message'));
    const signature = reference.ed25519Sign(seed, message);
    const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
    const publicKeyObject = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' });
    const naclSecret = nacl?.sign.keyPair.fromSeed(seed).secretKey;

    const signArms: Arm[] = [
      ...kernelArms((k) => () => k.ed25519Sign(seed, message)),
      { name: 'node:crypto', fn: () => cryptoSign(null, message, privateKey) },
      packageArm('tweetnacl', nacl, () => () => nacl!.sign.detached(message, naclSecret!)),
      packageArm('@noble/ed25519', noble, () => () => noble!.sign(message, seed), { note: 'SHA-512 from node:crypto' }),
    ];
    await ctx.compare(`sign ${message.length} B`, signArms, { noisePair: 'node:crypto', baseline: 'node:crypto', samples: 8, params: { bytes: message.length } });
    if (ctx.signal.aborted) return;

    const verifyArms: Arm[] = [
      ...kernelArms((k) => () => k.ed25519Verify(publicKey, message, signature)),
      { name: 'node:crypto', fn: () => cryptoVerify(null, message, publicKeyObject, signature) },
      packageArm('tweetnacl', nacl, () => () => nacl!.sign.detached.verify(message, signature, publicKey)),
      packageArm('@noble/ed25519', noble, () => () => noble!.verify(signature, message, publicKey), { note: 'SHA-512 from node:crypto' }),
    ];
    await ctx.compare(`verify ${message.length} B`, verifyArms, { noisePair: 'node:crypto', baseline: 'node:crypto', samples: 8, params: { bytes: message.length } });

    // verifyBatch: the send_join case. Inputs are built once per size (not timed).
    const rules = roomVersion('10')!.redaction;
    const jc = await optionalImport<{ canonicalize: (v: unknown) => string }>('json-canonicalize');
    const counts = ctx.quick ? [50] : [100, 1000, 10_000];
    const progress = ctx.progress('micro-ed25519: signing the batch inputs', 1);
    const full = makeSendJoinBatch(counts[counts.length - 1]!, reference, rules);
    progress.done();
    for (const count of counts) {
      if (ctx.signal.aborted) return;
      const objects = full.objects.slice(0, count);
      const required = full.required.slice(0, count);
      const bytes = objects.reduce((s, o) => s + o.length, 0);
      const keyObjects = new Map<string, ReturnType<typeof createPublicKey>>();
      for (const req of required) for (const r of req) if (!keyObjects.has(r.keyId)) keyObjects.set(r.keyId, createPublicKey({ key: Buffer.concat([SPKI_PREFIX, r.publicKey]), format: 'der', type: 'spki' }));
      const check = reference.verifyBatch({ objects, required, rules, mode: 'strict' });
      const bad = check.filter((r) => !r.ok).length;
      if (bad) ctx.log(`  note: ${bad} of ${count} batch events do not verify on the js path`);
      const arms: Arm[] = [
        ...kernelArms((k) => () => k.verifyBatch({ objects, required, rules, mode: 'strict' }), { bytesPerOp: bytes, itemsPerOp: count }),
        packageArm('JSON.parse + json-canonicalize + node:crypto', jc, () => () => objects.map((o, i) => {
          const ev = JSON.parse(decoder.decode(o)) as Record<string, unknown>;
          const sigs = ev.signatures as Record<string, Record<string, string>>;
          const red = redactObject(ev, rules);
          delete red.signatures; delete red.unsigned;
          const msg = Buffer.from(jc!.canonicalize(red));
          return required[i]!.every((r) => cryptoVerify(null, msg, keyObjects.get(r.keyId)!, Buffer.from(sigs[r.server]![r.keyId]!, 'base64')));
        }), { bytesPerOp: bytes, itemsPerOp: count, note: 'UTF-16 key order; no Matrix JSON or weak-key checks' }),
      ];
      await ctx.compare(`verifyBatch ${count} events`, arms, {
        baseline: 'js', samples: count >= 10_000 ? 5 : 8, maxCallsPerSample: count >= 1000 ? 1 : undefined, sampleMs: 200,
        group: 'verifyBatch (send_join)', x: count, xLabel: 'events', params: { events: count, bytes },
      });
    }
  },
};
