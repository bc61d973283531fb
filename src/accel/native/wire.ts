// How kernel inputs and results cross into Rust, shared by the native and wasm
// paths: one concatenated buffer plus end offsets per batch (never one call per
// item), numeric result codes mapped back to the names in ../types.ts.
import {
  CanonicalJsonError,
  type CanonicalJsonErrorCode,
  type RedactionRules,
  type VerifyBatchInput,
  type VerifyFailure,
  type VerifyResult,
} from '../types.js';

/** Rust's `ErrorCode` (myelin-core json): index = code. */
const JSON_ERROR_CODES: readonly (CanonicalJsonErrorCode | undefined)[] = [
  undefined, 'syntax', 'invalid_utf8', 'lone_surrogate', 'duplicate_key',
  'not_integer', 'integer_range', 'number_range', 'too_deep',
];

export function jsonError(code: number, offset: number): CanonicalJsonError {
  const name = JSON_ERROR_CODES[code];
  if (name === undefined) throw new Error(`myelin: unknown canonical JSON error code ${code} from Rust`);
  return new CanonicalJsonError(name, offset);
}

/** Rust's `VerifyCode` (myelin-core verify): index = code, 0 = ok. */
const VERIFY_CODES: readonly (VerifyFailure | undefined)[] = [
  undefined, 'bad_json', 'missing_signature', 'bad_signature_encoding', 'invalid_signature',
];
export const NO_REQUIREMENT = 0xffffffff;

export function verifyFailure(code: number): VerifyFailure {
  const reason = VERIFY_CODES[code];
  if (reason === undefined) throw new Error(`myelin: unknown verify code ${code} from Rust`);
  return reason;
}

/** A view without copying, typed as a plain Uint8Array (tests compare prototypes). */
export function plain(bytes: Uint8Array): Uint8Array {
  return Object.getPrototypeOf(bytes) === Uint8Array.prototype
    ? bytes
    : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export interface Packed {
  readonly bytes: Uint8Array;
  /** ends[i] = where item i ends in `bytes` */
  readonly ends: Uint32Array;
}

export function pack(items: readonly Uint8Array[]): Packed {
  const ends = new Uint32Array(items.length);
  let total = 0;
  for (let i = 0; i < items.length; i++) {
    total += items[i]!.byteLength;
    ends[i] = total;
  }
  if (total > 0xffffffff) throw new RangeError('myelin: a kernel batch is limited to 4 GiB');
  return { bytes: Buffer.concat(items as Uint8Array[], total), ends };
}

const encoder = new TextEncoder();
const rulesJsonCache = new WeakMap<RedactionRules, Uint8Array>();

/** Rules cross as `{"keepTopLevel":[...],"keepContent":{...}}` (UTF-8), cached per rules object. */
export function rulesJson(rules: RedactionRules): Uint8Array {
  let bytes = rulesJsonCache.get(rules);
  if (bytes === undefined) {
    bytes = encoder.encode(JSON.stringify({ keepTopLevel: rules.keepTopLevel, keepContent: rules.keepContent }));
    rulesJsonCache.set(rules, bytes);
  }
  return bytes;
}

/** The required (server, keyId, publicKey) triples of a batch, flattened. */
export interface PackedRequirements {
  /** requiredEnds[i] = end (exclusive) of object i's requirements */
  readonly requiredEnds: Uint32Array;
  /** server j then key id j, UTF-8, back to back; nameEnds[2j], nameEnds[2j+1] their ends */
  readonly names: Uint8Array;
  readonly nameEnds: Uint32Array;
  readonly keys: Uint8Array;
  readonly keyEnds: Uint32Array;
}

export function packRequirements(batch: VerifyBatchInput): PackedRequirements {
  if (batch.required.length !== batch.objects.length) {
    throw new Error(`verifyBatch: ${batch.objects.length} objects but ${batch.required.length} lists of required signatures`);
  }
  const requiredEnds = new Uint32Array(batch.objects.length);
  const texts: string[] = [];
  const keys: Uint8Array[] = [];
  for (let i = 0; i < batch.required.length; i++) {
    for (const r of batch.required[i]!) {
      texts.push(r.server, r.keyId);
      keys.push(r.publicKey);
    }
    requiredEnds[i] = keys.length;
  }
  const nameEnds = new Uint32Array(texts.length);
  let end = 0;
  for (let k = 0; k < texts.length; k++) {
    end += Buffer.byteLength(texts[k]!, 'utf8');
    nameEnds[k] = end;
  }
  const packedKeys = pack(keys);
  return {
    requiredEnds,
    names: Buffer.from(texts.join(''), 'utf8'),
    nameEnds,
    keys: packedKeys.bytes,
    keyEnds: packedKeys.ends,
  };
}

/** Per object: [code, failing requirement index] pairs → VerifyResults. */
export function verifyResults(batch: VerifyBatchInput, req: PackedRequirements, codes: Uint32Array): VerifyResult[] {
  const out: VerifyResult[] = new Array(batch.objects.length);
  for (let i = 0; i < out.length; i++) {
    const code = codes[2 * i]!;
    if (code === 0) {
      out[i] = OK;
      continue;
    }
    const reason = verifyFailure(code);
    const j = codes[2 * i + 1]!;
    if (j === NO_REQUIREMENT) {
      out[i] = { ok: false, reason };
    } else {
      const first = i === 0 ? 0 : req.requiredEnds[i - 1]!;
      const r = batch.required[i]![j - first]!;
      out[i] = { ok: false, reason, server: r.server, keyId: r.keyId };
    }
  }
  return out;
}

const OK: VerifyResult = Object.freeze({ ok: true });
