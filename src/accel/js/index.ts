// The js kernel path: the TypeScript reference every other path is checked
// against, and the fallback where neither the native addon nor wasm loads.
import { createHash } from 'node:crypto';
import {
  CanonicalJsonError,
  type JsonMode,
  type Kernels,
  type RedactionRules,
  type RequiredSignature,
  type VerifyBatchInput,
  type VerifyResult,
} from '../types.js';
import { base64Decode, base64Encode } from './base64.js';
import { ed25519PublicKey, ed25519Sign, ed25519Verify } from './ed25519.js';
import {
  CONTENT_HASH_EXCLUDED,
  parseObject,
  redactObject,
  REFERENCE_HASH_EXCLUDED,
  SIGNING_EXCLUDED,
  without,
} from './event-json.js';
import { parseJson } from './json-reader.js';
import { isObject, JsonString, stringValue, toByteString, type JsonObject } from './json-tree.js';
import { canonicalBytes } from './json-writer.js';
import { decodeJsonString, findLoneSurrogate, utf8Encode, utf8Length } from './utf16.js';

function sha256(bytes: Uint8Array): Uint8Array {
  const d = createHash('sha256').update(bytes).digest();
  return new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
}

const encoder = new TextEncoder();

function canonicalJson(input: Uint8Array | string, mode: JsonMode = 'strict'): Uint8Array {
  if (typeof input === 'string') {
    const lone = findLoneSurrogate(input);
    if (lone >= 0) throw new CanonicalJsonError('lone_surrogate', utf8Length(input.slice(0, lone)));
    input = encoder.encode(input);
  }
  return canonicalBytes(parseJson(input, mode).value);
}

function canonicalJsonBatch(inputs: readonly Uint8Array[], mode: JsonMode = 'strict'): (Uint8Array | CanonicalJsonError)[] {
  return inputs.map((input) => {
    try {
      return canonicalJson(input, mode);
    } catch (err) {
      if (err instanceof CanonicalJsonError) return err;
      throw err;
    }
  });
}

function redact(event: Uint8Array, rules: RedactionRules, mode: JsonMode = 'strict'): Uint8Array {
  return canonicalBytes(redactObject(parseObject(event, mode), rules));
}

function contentHash(event: Uint8Array, mode: JsonMode = 'strict'): Uint8Array {
  return sha256(canonicalBytes(without(parseObject(event, mode), CONTENT_HASH_EXCLUDED)));
}

function referenceHash(event: Uint8Array, rules: RedactionRules, mode: JsonMode = 'strict'): Uint8Array {
  const redacted = redactObject(parseObject(event, mode), rules);
  return sha256(canonicalBytes(without(redacted, REFERENCE_HASH_EXCLUDED)));
}

/** signatures[server][keyId] of the original object, if present. */
function signatureOf(obj: JsonObject, required: RequiredSignature) {
  const all = obj.get('signatures');
  if (!isObject(all)) return undefined;
  const byServer = all.get(toByteString(required.server));
  if (!isObject(byServer)) return undefined;
  return byServer.get(toByteString(required.keyId));
}

function verifyOne(bytes: Uint8Array, required: readonly RequiredSignature[], rules: RedactionRules | undefined, mode: JsonMode): VerifyResult {
  let obj: JsonObject;
  try {
    obj = parseObject(bytes, mode);
  } catch (err) {
    if (err instanceof CanonicalJsonError) return { ok: false, reason: 'bad_json' };
    throw err;
  }
  const signed = rules === undefined ? obj : redactObject(obj, rules);
  const message = canonicalBytes(without(signed, SIGNING_EXCLUDED));
  for (const r of required) {
    const fail = (reason: 'missing_signature' | 'bad_signature_encoding' | 'invalid_signature'): VerifyResult => ({
      ok: false,
      reason,
      server: r.server,
      keyId: r.keyId,
    });
    const value = signatureOf(obj, r);
    if (value === undefined) return fail('missing_signature');
    if (!(value instanceof JsonString)) return fail('bad_signature_encoding');
    let signature: Uint8Array;
    try {
      signature = base64Decode(stringValue(value));
    } catch {
      return fail('bad_signature_encoding');
    }
    if (signature.length !== 64) return fail('bad_signature_encoding');
    if (!ed25519Verify(r.publicKey, message, signature)) return fail('invalid_signature');
  }
  return { ok: true };
}

function verifyBatch(batch: VerifyBatchInput): VerifyResult[] {
  if (batch.required.length !== batch.objects.length) {
    throw new Error(`verifyBatch: ${batch.objects.length} objects but ${batch.required.length} lists of required signatures`);
  }
  return batch.objects.map((bytes, i) => verifyOne(bytes, batch.required[i]!, batch.rules, batch.mode));
}

export function createJsKernels(): Kernels {
  return {
    path: 'js',
    features: {
      canonicalJson: 'typescript',
      base64: 'typescript checks + Buffer',
      utf16: 'typescript',
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
    contentHash,
    redact,
    referenceHash,
    ed25519PublicKey,
    ed25519Sign,
    ed25519Verify,
    verifyBatch,
  };
}
