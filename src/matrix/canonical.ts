// Canonical JSON of protocol objects, through the kernels.
import type { JsonMode, Kernels } from '../accel/types.js';
import type { RoomVersionRules } from './room-versions.js';

/** Strict canonical JSON from room v6; python canonicaljson compatibility before. */
export function jsonMode(rules: RoomVersionRules): JsonMode {
  return rules.strictCanonicalJson ? 'strict' : 'compat';
}

const encoder = new TextEncoder();

/** JSON text of a value as UTF-8 bytes (JSON.stringify keeps lone surrogates as escapes the kernels reject). */
export function jsonBytes(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value));
}

/** Canonical JSON bytes of a value. */
export function canonicalBytes(k: Kernels, value: unknown, mode: JsonMode = 'strict'): Uint8Array {
  return k.canonicalJson(jsonBytes(value), mode);
}
