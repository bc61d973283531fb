// The wasm kernel path: myelin-core built for wasm32 + simd128. Hashing and
// Ed25519 run in node:crypto (OpenSSL) behind the libsodium acceptance policy
// (../ed25519-policy.ts, applied by ../js/ed25519.ts), as the issue allows.
import { createHash } from 'node:crypto';
import {
  Base64Error,
  CanonicalJsonError,
  LoneSurrogateError,
  type JsonMode,
  type Kernels,
  type RedactionRules,
  type RequiredSignature,
  type VerifyBatchInput,
  type VerifyResult,
} from '../types.js';
import { base64Decode as jsBase64Decode, base64Encode as jsBase64Encode } from '../js/base64.js';
import { ed25519PublicKey, ed25519Sign, ed25519Verify } from '../js/ed25519.js';
import { jsonError, pack, plain, rulesJson, verifyFailure } from '../native/wire.js';
import { wasmInstance, type WasmRuntime } from './instance.js';

/** Below these sizes crossing into wasm costs more than the work; done in JS (same results). */
const SHORT_BASE64_BYTES = 64;
const SHORT_BASE64_CHARS = 88;
const SHORT_UTF16_UNITS = 64;
/** code the wasm binding returns for malformed rules or metadata */
const BAD_REQUEST = 100;

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

export function createWasmKernels(): Kernels {
  const wasm = wasmInstance();
  if (wasm instanceof Error) throw wasm;
  return wasmKernels(wasm);
}

function sha256(bytes: Uint8Array): Uint8Array {
  return plain(createHash('sha256').update(bytes).digest());
}

function isWellFormed(text: string): boolean {
  return (text as unknown as { isWellFormed(): boolean }).isWellFormed();
}

function wasmKernels(wasm: WasmRuntime): Kernels {
  const ex = wasm.exports;
  const compat = (mode: JsonMode | undefined) => (mode === 'compat' ? 1 : 0);

  /** The byte output of a JSON operation, or its error thrown. */
  function jsonOutput(code: number): Uint8Array {
    if (code === BAD_REQUEST) throw new Error('myelin: malformed redaction rules');
    if (code !== 0) throw jsonError(code, wasm.result().offset);
    return wasm.output();
  }

  function withRules(rules: RedactionRules): number {
    return wasm.writeInput(1, rulesJson(rules));
  }

  function canonicalJson(input: Uint8Array | string, mode?: JsonMode): Uint8Array {
    if (typeof input === 'string') return jsonOutput(ex.myelin_canonicalize_utf16(wasm.writeUtf16(0, input), compat(mode)));
    return jsonOutput(ex.myelin_canonicalize(wasm.writeInput(0, input), compat(mode)));
  }

  function canonicalJsonBatch(inputs: readonly Uint8Array[], mode?: JsonMode): (Uint8Array | CanonicalJsonError)[] {
    const packed = pack(inputs);
    wasm.writeInput(0, packed.bytes);
    wasm.writeInput(1, new Uint8Array(packed.ends.buffer, packed.ends.byteOffset, packed.ends.byteLength));
    ex.myelin_canonicalize_batch(inputs.length, compat(mode));
    const r = wasm.result();
    const items = wasm.words(r.out2Ptr, r.out2Len);
    const output = wasm.bytes(r.outPtr, r.outLen);
    const out: (Uint8Array | CanonicalJsonError)[] = new Array(inputs.length);
    let start = 0;
    for (let i = 0; i < inputs.length; i++) {
      const end = items[3 * i]!;
      const code = items[3 * i + 1]!;
      out[i] = code === 0 ? output.slice(start, end) : jsonError(code, items[3 * i + 2]!);
      start = end;
    }
    return out;
  }

  function base64Encode(bytes: Uint8Array, urlSafe = false): string {
    if (bytes.byteLength < SHORT_BASE64_BYTES) return jsBase64Encode(bytes, urlSafe);
    ex.myelin_base64_encode(wasm.writeInput(0, bytes), urlSafe ? 1 : 0);
    const r = wasm.result();
    return Buffer.from(wasm.memory.buffer, r.outPtr, r.outLen).toString('latin1');
  }

  function base64Decode(text: string, urlSafe = false): Uint8Array {
    if (text.length < SHORT_BASE64_CHARS) return jsBase64Decode(text, urlSafe);
    // Non-ASCII characters (and lone surrogates, as U+FFFD) become bytes ≥ 0x80: outside the alphabet.
    if (ex.myelin_base64_decode(wasm.writeUtf8(0, text), urlSafe ? 1 : 0) !== 0) {
      throw new Base64Error(`not ${urlSafe ? 'URL-safe ' : ''}base64`);
    }
    return wasm.output();
  }

  function findLoneSurrogate(text: string): number {
    if (text.length < SHORT_UTF16_UNITS && isWellFormed(text)) return -1;
    return ex.myelin_find_lone_surrogate(wasm.writeUtf16(0, text));
  }

  function utf8Encode(text: string): Uint8Array {
    if (text.length < SHORT_UTF16_UNITS && isWellFormed(text)) return encoder.encode(text);
    if (ex.myelin_utf16_to_utf8(wasm.writeUtf16(0, text)) !== 0) throw new LoneSurrogateError(wasm.result().offset);
    return wasm.output();
  }

  function decodeJsonString(body: Uint8Array): string {
    const code = ex.myelin_decode_json_string(wasm.writeInput(0, body));
    if (code !== 0) throw jsonError(code, wasm.result().offset);
    const r = wasm.result();
    return decoder.decode(wasm.bytes(r.outPtr, r.outLen));
  }

  function verifyBatch(batch: VerifyBatchInput): VerifyResult[] {
    const n = batch.objects.length;
    if (batch.required.length !== n) {
      throw new Error(`verifyBatch: ${n} objects but ${batch.required.length} lists of required signatures`);
    }
    const objects = pack(batch.objects);
    const flat: RequiredSignature[] = [];
    const requiredEnds = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      for (const r of batch.required[i]!) flat.push(r);
      requiredEnds[i] = flat.length;
    }
    const m = flat.length;
    const names: string[] = [];
    for (const r of flat) names.push(r.server, r.keyId);
    const header = new Uint32Array(2 + 2 * n + 2 * m);
    header[0] = n;
    header[1] = m;
    header.set(objects.ends, 2);
    header.set(requiredEnds, 2 + n);
    let end = 0;
    for (let k = 0; k < names.length; k++) {
      end += Buffer.byteLength(names[k]!, 'utf8');
      header[2 + 2 * n + k] = end;
    }
    const nameBytes = Buffer.from(names.join(''), 'utf8');
    const meta = new Uint8Array(header.byteLength + nameBytes.byteLength);
    meta.set(new Uint8Array(header.buffer), 0);
    meta.set(nameBytes, header.byteLength);

    wasm.writeInput(0, objects.bytes);
    const metaLen = wasm.writeInput(1, meta);
    const rulesLen = batch.rules === undefined ? 0 : wasm.writeInput(2, rulesJson(batch.rules));
    const status = ex.myelin_verify_prepare(metaLen, rulesLen, batch.rules === undefined ? 0 : 1, compat(batch.mode));
    if (status !== 0) throw new Error('myelin: malformed verifyBatch request or redaction rules');
    const r = wasm.result();
    // Views into linear memory: no wasm call happens until the loop ends.
    const out = wasm.bytes(r.outPtr, r.outLen);
    const codes = wasm.words(r.out2Ptr, r.out2Len);
    const messages = out.subarray(64 * m);

    const results: VerifyResult[] = new Array(n);
    let messageStart = 0;
    for (let i = 0, j = 0; i < n; i++) {
      const code = codes[2 * i]!;
      const messageEnd = codes[2 * i + 1]!;
      const reqEnd = requiredEnds[i]!;
      let result: VerifyResult = { ok: true };
      if (code !== 0) {
        result = { ok: false, reason: verifyFailure(code) };
      } else {
        const message = messages.subarray(messageStart, messageEnd);
        for (; j < reqEnd; j++) {
          const req = flat[j]!;
          const lookup = codes[2 * n + j]!;
          if (lookup !== 0) {
            result = { ok: false, reason: verifyFailure(lookup), server: req.server, keyId: req.keyId };
            break;
          }
          if (!ed25519Verify(req.publicKey, message, out.subarray(64 * j, 64 * j + 64))) {
            result = { ok: false, reason: 'invalid_signature', server: req.server, keyId: req.keyId };
            break;
          }
        }
      }
      results[i] = result;
      j = reqEnd;
      messageStart = messageEnd;
    }
    return results;
  }

  ex.myelin_simd_levels();
  const [jsonLevel, base64Level, utf16Level] = decoder.decode(wasm.output()).split(',');

  return {
    path: 'wasm',
    features: {
      canonicalJson: `wasm ${jsonLevel}`,
      base64: `wasm ${base64Level} (under ${SHORT_BASE64_BYTES} bytes: Buffer in JS)`,
      utf16: `wasm ${utf16Level} (under ${SHORT_UTF16_UNITS} units: V8 in JS)`,
      sha256: 'openssl (node:crypto)',
      ed25519: 'openssl (node:crypto) + libsodium acceptance policy',
    },
    canonicalJson,
    canonicalJsonBatch,
    base64Encode,
    base64Decode,
    utf8Encode,
    findLoneSurrogate,
    decodeJsonString,
    sha256,
    contentHash: (event: Uint8Array, mode?: JsonMode) =>
      sha256(jsonOutput(ex.myelin_content_hash_input(wasm.writeInput(0, event), compat(mode)))),
    redact: (event: Uint8Array, rules: RedactionRules, mode?: JsonMode) => {
      const rulesLen = withRules(rules);
      return jsonOutput(ex.myelin_redact(wasm.writeInput(0, event), rulesLen, compat(mode)));
    },
    referenceHash: (event: Uint8Array, rules: RedactionRules, mode?: JsonMode) => {
      const rulesLen = withRules(rules);
      return sha256(jsonOutput(ex.myelin_reference_hash_input(wasm.writeInput(0, event), rulesLen, compat(mode))));
    },
    ed25519PublicKey,
    ed25519Sign,
    ed25519Verify,
    verifyBatch,
  };
}
