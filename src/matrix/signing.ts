// Hashes and signatures on events (spec: server-server "Signing Events",
// appendices "Signing JSON"): content hash, signing our own events, checking
// received ones, and which servers must have signed.
import type { Kernels, RequiredSignature, VerifyResult } from '../accel/types.js';
import { kernels as defaultKernels } from '../accel/index.js';
import type { RoomVersionRules } from './room-versions.js';
import { canonicalBytes, jsonBytes, jsonMode } from './canonical.js';
import { domainOf } from './ids.js';

/** Our server's signing key. */
export interface SigningKey {
  /** 32-byte Ed25519 seed */
  readonly seed: Uint8Array;
  /** e.g. `ed25519:a_XyZ` */
  readonly keyId: string;
  readonly serverName: string;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** SHA-256 of the event without unsigned, signatures, hashes (canonical JSON of the room version). */
export function contentHash(rules: RoomVersionRules, json: Readonly<Record<string, unknown>>, k: Kernels = defaultKernels()): Uint8Array {
  return k.contentHash(jsonBytes(json), jsonMode(rules));
}

/** Whether `hashes.sha256` matches the content hash (if not, the event is used redacted). */
export function hasValidContentHash(rules: RoomVersionRules, json: Readonly<Record<string, unknown>>, k: Kernels = defaultKernels()): boolean {
  const hashes = json.hashes;
  if (!isObject(hashes) || typeof hashes.sha256 !== 'string') return false;
  return hashes.sha256 === k.base64Encode(contentHash(rules, json, k));
}

/** The bytes an event's signatures cover: the redacted event without signatures and unsigned, canonical. */
export function eventSigningInput(rules: RoomVersionRules, json: Readonly<Record<string, unknown>>, k: Kernels = defaultKernels()): Uint8Array {
  const { signatures: _s, unsigned: _u, ...rest } = json;
  return k.redact(jsonBytes(rest), rules.redaction, jsonMode(rules));
}

/**
 * Adds `hashes.sha256` and our signature to an event (the object is not
 * modified; a new one is returned). Existing signatures by others are kept.
 */
export function hashAndSignEvent(
  rules: RoomVersionRules, json: Readonly<Record<string, unknown>>, key: SigningKey, k: Kernels = defaultKernels(),
): Record<string, unknown> {
  return hashAndSignEventWithInput(rules, json, key, k).signed;
}

/**
 * The same, also returning the bytes signed: the canonical redacted event
 * without signatures and unsigned. For an event that carries no `age_ts`
 * (ours never do) these are also the bytes of its reference hash, so the
 * builder derives the event id from them without redacting again.
 */
export function hashAndSignEventWithInput(
  rules: RoomVersionRules, json: Readonly<Record<string, unknown>>, key: SigningKey, k: Kernels = defaultKernels(),
): { signed: Record<string, unknown>; signingInput: Uint8Array } {
  const hashed: Record<string, unknown> = { ...json, hashes: { sha256: k.base64Encode(contentHash(rules, json, k)) } };
  const signingInput = eventSigningInput(rules, hashed, k);
  const signature = k.base64Encode(k.ed25519Sign(key.seed, signingInput));
  const existing = isObject(json.signatures) ? json.signatures : {};
  const ours = isObject(existing[key.serverName]) ? existing[key.serverName] as Record<string, unknown> : {};
  hashed.signatures = { ...existing, [key.serverName]: { ...ours, [key.keyId]: signature } };
  return { signed: hashed, signingInput };
}

/**
 * Hashes and signs an event we built (no `hashes`, `signatures`, `unsigned`
 * or `age_ts` yet) and returns its reference hash and canonical JSON too: one
 * kernel call where the kernels offer `signEvent` (native), else the same
 * composed from contentHash, redact, ed25519Sign, sha256 and canonicalJson
 * (tests hold the two equal).
 */
export function signOwnEvent(
  rules: RoomVersionRules, json: Readonly<Record<string, unknown>>, key: SigningKey, k: Kernels = defaultKernels(),
): { signed: Record<string, unknown>; referenceHash: Uint8Array; canonical: Uint8Array } {
  const fresh = json.hashes === undefined && json.signatures === undefined && json.unsigned === undefined && json.age_ts === undefined;
  if (k.signEvent === undefined || !fresh) {
    const { signed, signingInput } = hashAndSignEventWithInput(rules, json, key, k);
    return { signed, referenceHash: k.sha256(signingInput), canonical: canonicalBytes(k, signed, jsonMode(rules)) };
  }
  const r = k.signEvent(jsonBytes(json), rules.redaction, key.seed, { server: key.serverName, keyId: key.keyId }, jsonMode(rules));
  // Copied key by key, not spread: once the spread's inline cache had seen
  // several shapes, V8 gave every copy a map of its own, and every later read
  // of the event (parsePdu) missed its inline caches.
  const signed: Record<string, unknown> = {};
  for (const name of Object.keys(json)) signed[name] = json[name];
  signed.hashes = { sha256: k.base64Encode(r.contentHash) };
  signed.signatures = { [key.serverName]: { [key.keyId]: k.base64Encode(r.signature) } };
  return {
    signed,
    referenceHash: r.referenceHash,
    canonical: r.canonical,
  };
}

/** Signs a plain JSON object (Signing JSON): signature over canonical JSON without signatures and unsigned. */
export function signJson(json: Readonly<Record<string, unknown>>, key: SigningKey, k: Kernels = defaultKernels()): Record<string, unknown> {
  const { signatures, unsigned, ...rest } = json;
  const signature = k.base64Encode(k.ed25519Sign(key.seed, canonicalBytes(k, rest, 'strict')));
  const existing = isObject(signatures) ? signatures : {};
  const ours = isObject(existing[key.serverName]) ? existing[key.serverName] as Record<string, unknown> : {};
  return { ...json, signatures: { ...existing, [key.serverName]: { ...ours, [key.keyId]: signature } } };
}

/** Verifies the given signatures of one event (redacted form, as signed). */
export function verifyEventSignatures(
  rules: RoomVersionRules, json: Readonly<Record<string, unknown>>, required: readonly RequiredSignature[], k: Kernels = defaultKernels(),
): VerifyResult {
  const [result] = k.verifyBatch({ objects: [jsonBytes(json)], required: [required], rules: rules.redaction, mode: jsonMode(rules) });
  return result ?? { ok: false, reason: 'bad_json' };
}

/**
 * Servers whose signatures an event must carry: the sender's (except for
 * third-party invites, which another server may send), the event id's server
 * in v1–v2, and the authorising user's server on v8+ restricted joins.
 */
export function requiredSignatureServers(rules: RoomVersionRules, json: Readonly<Record<string, unknown>>): string[] {
  const servers = new Set<string>();
  const content = isObject(json.content) ? json.content : {};
  const isThirdPartyInvite = json.type === 'm.room.member' && content.membership === 'invite' && 'third_party_invite' in content;
  const sender = typeof json.sender === 'string' ? domainOf(json.sender) : undefined;
  if (sender !== undefined && !isThirdPartyInvite) servers.add(sender);
  if (rules.eventFormat === 'v1' && typeof json.event_id === 'string') {
    const d = domainOf(json.event_id);
    if (d !== undefined) servers.add(d);
  }
  if (rules.restrictedJoins && json.type === 'm.room.member' && content.membership === 'join' && typeof content.join_authorised_via_users_server === 'string') {
    const d = domainOf(content.join_authorised_via_users_server);
    if (d !== undefined) servers.add(d);
  }
  return [...servers];
}
