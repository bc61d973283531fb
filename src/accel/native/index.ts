// The native kernel path: myelin-core through the N-API addon, with sha2 and
// ed25519-dalek (verify_strict + the canonical-key check: libsodium semantics).
import {
  Base64Error,
  LoneSurrogateError,
  type JsonMode,
  type Kernels,
  type RedactionRules,
  type VerifyBatchInput,
  type VerifyResult,
} from '../types.js';
import { base64Decode as jsBase64Decode, base64Encode as jsBase64Encode } from '../js/base64.js';
import { loadNativeAddon, type Delivered, type JsonFailure, type NativeAddon } from './addon.js';
import { jsonError, pack, packRequirements, plain, rulesJson, verifyResults } from './wire.js';
import type { CanonicalJsonError } from '../types.js';

/**
 * Below these sizes a native call costs more than the work (crossing N-API,
 * copying the string out of V8, creating the Buffer), so the work is done in
 * JS: base64 of a signature or key, UTF-8 of an id. Measured on the reference
 * machine; both sides agree byte for byte (the shared tests run both).
 */
const SHORT_BASE64_BYTES = 96;
const SHORT_BASE64_CHARS = 128;
const SHORT_UTF16_UNITS = 64;

const encoder = new TextEncoder();

export function createNativeKernels(): Kernels {
  const addon = loadNativeAddon();
  if (addon instanceof Error) throw addon;
  return nativeKernels(addon);
}

function ok<T>(result: T | JsonFailure): T {
  if (typeof result === 'object' && result !== null && !(result instanceof Uint8Array)) {
    const f = result as JsonFailure;
    throw jsonError(f.code, f.offset);
  }
  return result as T;
}

/**
 * Small outputs come back in one reused scratch array and are copied out with
 * `slice` (a plain, independent Uint8Array); a Buffer made over Rust memory per
 * call costs several microseconds of GC bookkeeping.
 */
const SCRATCH_BYTES = 64 * 1024;
const scratch = new Uint8Array(SCRATCH_BYTES);

function take(result: Delivered): Uint8Array {
  return typeof result === 'number' ? scratch.slice(0, result) : plain(result);
}

function bytes(result: Delivered | JsonFailure): Uint8Array {
  return take(ok(result));
}

/** String.prototype.isWellFormed (Node 20+; not in the ES2022 lib typings). */
function isWellFormed(text: string): boolean {
  return (text as unknown as { isWellFormed(): boolean }).isWellFormed();
}

/** `"signatures":{"<server>":{"<key id>":"` as UTF-8, per signing key (a server has one or two). */
const prefixes = new Map<string, Uint8Array>();
function signaturesPrefix(server: string, keyId: string): Uint8Array {
  const id = `${server}\n${keyId}`;
  let p = prefixes.get(id);
  if (p === undefined) {
    p = encoder.encode(`"signatures":{${JSON.stringify(server)}:{${JSON.stringify(keyId)}:"`);
    if (prefixes.size >= 16) prefixes.clear();
    prefixes.set(id, p);
  }
  return p;
}

function nativeKernels(addon: NativeAddon): Kernels {
  const levels = addon.simdLevels();
  const compat = (mode: JsonMode | undefined) => mode === 'compat';

  function canonicalJsonBatch(inputs: readonly Uint8Array[], mode?: JsonMode) {
    const packed = pack(inputs);
    const items = new Uint32Array(3 * inputs.length);
    const delivered = addon.canonicalJsonBatch(packed.bytes, packed.ends, compat(mode), items, scratch);
    const output = typeof delivered === 'number' ? scratch : delivered;
    const out: (Uint8Array | CanonicalJsonError)[] = new Array(inputs.length);
    let start = 0;
    for (let i = 0; i < inputs.length; i++) {
      const end = items[3 * i]!;
      const code = items[3 * i + 1]!;
      // a copy, so one kept result does not pin the whole batch's output
      out[i] = code === 0 ? new Uint8Array(output.subarray(start, end)) : jsonError(code, items[3 * i + 2]!);
      start = end;
    }
    return out;
  }

  function utf8Encode(text: string): Uint8Array {
    if (text.length < SHORT_UTF16_UNITS) {
      if (isWellFormed(text)) return encoder.encode(text);
      throw new LoneSurrogateError(addon.findLoneSurrogate(text));
    }
    const r = addon.utf8Encode(text, scratch);
    if (typeof r === 'number' && r < 0) throw new LoneSurrogateError(-1 - r);
    return take(r);
  }

  function verifyBatch(batch: VerifyBatchInput): VerifyResult[] {
    const objects = pack(batch.objects);
    const req = packRequirements(batch);
    const codes = new Uint32Array(2 * batch.objects.length);
    addon.verifyBatch(
      objects.bytes, objects.ends, req.requiredEnds, req.names, req.nameEnds, req.keys, req.keyEnds,
      batch.rules === undefined ? undefined : rulesJson(batch.rules), compat(batch.mode), codes,
    );
    return verifyResults(batch, req, codes);
  }

  return {
    path: 'native',
    features: {
      canonicalJson: levels.canonicalJson,
      base64: `${levels.base64} (under ${SHORT_BASE64_BYTES} bytes: Buffer in JS)`,
      utf16: `${levels.utf16} (under ${SHORT_UTF16_UNITS} units: V8 in JS)`,
      sha256: levels.sha256,
      ed25519: levels.ed25519,
    },
    canonicalJson: (input: Uint8Array | string, mode?: JsonMode) =>
      bytes(typeof input === 'string' ? addon.canonicalJsonString(input, compat(mode), scratch) : addon.canonicalJson(input, compat(mode), scratch)),
    canonicalJsonBatch,
    signEvent(event: Uint8Array, rules: RedactionRules, seed: Uint8Array, signer: { readonly server: string; readonly keyId: string }, mode?: JsonMode) {
      const delivered = ok(addon.signEvent(event, rulesJson(rules), compat(mode), seed, signaturesPrefix(signer.server, signer.keyId), scratch));
      const out = typeof delivered === 'number' ? scratch.subarray(0, delivered) : plain(delivered);
      return { contentHash: out.slice(0, 32), signature: out.slice(32, 96), referenceHash: out.slice(96, 128), canonical: out.slice(128) };
    },
    base64Encode: (data: Uint8Array, urlSafe = false) =>
      data.byteLength < SHORT_BASE64_BYTES ? jsBase64Encode(data, urlSafe) : addon.base64Encode(data, urlSafe),
    base64Decode(text: string, urlSafe = false): Uint8Array {
      if (text.length < SHORT_BASE64_CHARS) return jsBase64Decode(text, urlSafe);
      const r = addon.base64Decode(text, urlSafe, scratch);
      if (r === null) throw new Base64Error(`not ${urlSafe ? 'URL-safe ' : ''}base64`);
      return take(r);
    },
    utf8Encode,
    findLoneSurrogate: (text: string) => (text.length < SHORT_UTF16_UNITS && isWellFormed(text) ? -1 : addon.findLoneSurrogate(text)),
    decodeJsonString: (body: Uint8Array) => ok(addon.decodeJsonString(body)),
    sha256: (data: Uint8Array) => take(addon.sha256(data, scratch)),
    contentHash: (event: Uint8Array, mode?: JsonMode) => bytes(addon.contentHash(event, compat(mode), scratch)),
    redact: (event: Uint8Array, rules: RedactionRules, mode?: JsonMode) => bytes(addon.redact(event, rulesJson(rules), compat(mode), scratch)),
    referenceHash: (event: Uint8Array, rules: RedactionRules, mode?: JsonMode) =>
      bytes(addon.referenceHash(event, rulesJson(rules), compat(mode), scratch)),
    ed25519PublicKey: (seed: Uint8Array) => take(addon.ed25519PublicKey(seed, scratch)),
    ed25519Sign: (seed: Uint8Array, message: Uint8Array) => take(addon.ed25519Sign(seed, message, scratch)),
    ed25519Verify: (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array) =>
      addon.ed25519Verify(publicKey, message, signature),
    verifyBatch,
  };
}
