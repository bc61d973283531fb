// The one TypeScript interface of Myelin's byte-level kernels. Three
// implementations (native addon, wasm, TypeScript reference) must agree byte
// for byte, including on which inputs they reject and with which error code.

export type AccelPath = 'native' | 'wasm' | 'js';
export const ACCEL_PATHS: readonly AccelPath[] = ['native', 'wasm', 'js'];

/**
 * strict: room v6+ and everything Myelin signs itself (spec appendix, canonical JSON).
 * compat: room v1–v5 events, rendered exactly as python canonicaljson (Synapse) does:
 * out-of-range integers kept as exact digits, non-integers as Python float repr.
 */
export type JsonMode = 'strict' | 'compat';

/** Why a JSON text was refused. Every path reports the same code and byte offset. */
export type CanonicalJsonErrorCode =
  | 'syntax'          // not JSON: unexpected byte, truncated input, trailing data
  | 'invalid_utf8'    // raw bytes that are not UTF-8 (overlong, surrogate code points, truncated)
  | 'lone_surrogate'  // \uD800–\uDFFF escape without its pair (or a raw lone surrogate in a JS string)
  | 'duplicate_key'   // the same key twice in one object (after unescaping)
  | 'not_integer'     // strict mode: fraction or exponent
  | 'integer_range'   // strict mode: integer outside ±(2^53−1)
  | 'number_range'    // compat mode: a number Python cannot render (overflows a double to infinity)
  | 'too_deep';       // nesting deeper than MAX_JSON_DEPTH

/** Nesting limit (arrays plus objects) for every path. Deeper input is `too_deep`. */
export const MAX_JSON_DEPTH = 256;

export class CanonicalJsonError extends Error {
  override readonly name = 'CanonicalJsonError';
  constructor(
    readonly code: CanonicalJsonErrorCode,
    /** byte offset in the UTF-8 input where the problem was found */
    readonly offset: number,
    message?: string,
  ) {
    super(message ?? `${code} at byte ${offset}`);
  }
}

export class Base64Error extends Error {
  override readonly name = 'Base64Error';
}

export class LoneSurrogateError extends Error {
  override readonly name = 'LoneSurrogateError';
  /** index of the lone surrogate, in UTF-16 code units */
  constructor(readonly index: number) {
    super(`lone surrogate at UTF-16 index ${index}`);
  }
}

/**
 * What a redaction keeps, per room version, passed as data so that the protocol
 * layer (src/matrix) owns the rules and the kernels only apply them.
 */
export interface RedactionRules {
  /** top-level keys kept (besides `content`, which is always present, maybe emptied) */
  readonly keepTopLevel: readonly string[];
  /**
   * content keys kept per event type. `"*"` keeps the whole content. A path
   * `"a.b"` keeps `content.a` only if it is an object, and only its key `b`.
   */
  readonly keepContent: Readonly<Record<string, readonly string[]>>;
}

/** A signature that must be present and valid. */
export interface RequiredSignature {
  readonly server: string;
  /** e.g. `ed25519:a_XyZ` */
  readonly keyId: string;
  /** 32-byte Ed25519 public key */
  readonly publicKey: Uint8Array;
}

/** What `signEvent` returns. */
export interface SignedEventHashes {
  readonly contentHash: Uint8Array;
  readonly signature: Uint8Array;
  readonly referenceHash: Uint8Array;
  /** canonical JSON of the event with its hashes and this one signature */
  readonly canonical: Uint8Array;
}

export interface VerifyBatchInput {
  /** JSON texts (UTF-8 bytes) of the signed objects: events, key responses, requests */
  readonly objects: readonly Uint8Array[];
  /** per object, the signatures it must carry */
  readonly required: readonly (readonly RequiredSignature[])[];
  /** for PDUs: redact with these rules before verifying (events are signed in redacted form) */
  readonly rules?: RedactionRules;
  readonly mode: JsonMode;
}

export type VerifyFailure =
  | 'bad_json'              // the object does not canonicalize in this mode
  | 'missing_signature'     // no signatures[server][keyId]
  | 'bad_signature_encoding'// not unpadded base64 of 64 bytes
  | 'invalid_signature';    // does not verify (includes weak keys, non-canonical S, small-order R/A)

export type VerifyResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: VerifyFailure; readonly server?: string; readonly keyId?: string };

/** Which SIMD level (or library) each kernel uses on this path, for `myelin doctor`. */
export interface KernelFeatures {
  readonly canonicalJson: string;
  readonly base64: string;
  readonly utf16: string;
  readonly sha256: string;
  readonly ed25519: string;
}

export interface Kernels {
  readonly path: AccelPath;
  readonly features: KernelFeatures;

  // ---- canonical JSON ----
  /** JSON text → canonical UTF-8 bytes. Throws CanonicalJsonError. A string input with a raw lone surrogate is `lone_surrogate`. */
  canonicalJson(input: Uint8Array | string, mode?: JsonMode): Uint8Array;
  /** Many texts in one boundary crossing; a failure is returned in place, never thrown. */
  canonicalJsonBatch(inputs: readonly Uint8Array[], mode?: JsonMode): (Uint8Array | CanonicalJsonError)[];

  // ---- base64 ----
  /** unpadded; standard alphabet, or URL-safe when urlSafe */
  base64Encode(bytes: Uint8Array, urlSafe?: boolean): string;
  /** padded or unpadded, non-zero trailing bits accepted; anything else throws Base64Error */
  base64Decode(text: string, urlSafe?: boolean): Uint8Array;

  // ---- UTF-16 ----
  /** JS string → UTF-8, throwing LoneSurrogateError instead of writing U+FFFD */
  utf8Encode(text: string): Uint8Array;
  /** index (UTF-16 units) of the first lone surrogate, or -1 */
  findLoneSurrogate(text: string): number;
  /**
   * The body of a JSON string literal (between the quotes, UTF-8) → its value.
   * Decodes every escape including surrogate pairs; throws CanonicalJsonError
   * (`lone_surrogate`, `syntax`, `invalid_utf8`) with offsets relative to the body.
   */
  decodeJsonString(body: Uint8Array): string;

  // ---- hashes ----
  sha256(bytes: Uint8Array): Uint8Array;
  /** SHA-256 of the canonical JSON of the event without `unsigned`, `signatures`, `hashes` */
  contentHash(event: Uint8Array, mode?: JsonMode): Uint8Array;
  /** canonical JSON of the event redacted by `rules`: only `keepTopLevel` keys stay (so `unsigned` goes), content filtered by `keepContent` */
  redact(event: Uint8Array, rules: RedactionRules, mode?: JsonMode): Uint8Array;
  /** SHA-256 of the canonical JSON of the redacted event without `signatures`, `unsigned`, `age_ts` */
  referenceHash(event: Uint8Array, rules: RedactionRules, mode?: JsonMode): Uint8Array;

  // ---- Ed25519 (libsodium / Synapse semantics: see src/accel/ed25519-policy.ts) ----
  ed25519PublicKey(seed: Uint8Array): Uint8Array;
  ed25519Sign(seed: Uint8Array, message: Uint8Array): Uint8Array;
  ed25519Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
  /**
   * Optional: hash and sign one of our own events in a single call (the native
   * path has it; src/matrix/signing.ts composes the same from the calls above
   * elsewhere). `event`: the event's JSON text WITHOUT `hashes`, `signatures`
   * and `unsigned`; `signer`: whose signature it gets (`server`, `keyId`).
   * Returns its content hash, our signature of the redacted event carrying
   * that hash, the SHA-256 of those signed bytes (the reference hash, for an
   * event without `age_ts`) and the canonical JSON of the signed event.
   */
  signEvent?(event: Uint8Array, rules: RedactionRules, seed: Uint8Array, signer: { readonly server: string; readonly keyId: string }, mode?: JsonMode): SignedEventHashes;
  /** strip `signatures`/`unsigned` (after redaction when rules are given), canonicalize, verify every required signature */
  verifyBatch(batch: VerifyBatchInput): VerifyResult[];
}
