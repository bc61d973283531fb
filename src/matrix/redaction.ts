// Redaction per room version (spec: client-server "Redactions" and the room
// versions' redaction fragments: v1, v6, v8, v9, v11). The rules are data in
// RoomVersionRules.redaction; the kernels apply them.
import type { Kernels } from '../accel/types.js';
import { kernels as defaultKernels } from '../accel/index.js';
import type { RoomVersionRules } from './room-versions.js';
import { jsonBytes, jsonMode } from './canonical.js';

const decoder = new TextDecoder();

/** Canonical JSON bytes of the redacted event. */
export function redactEventBytes(rules: RoomVersionRules, json: Readonly<Record<string, unknown>>, k: Kernels = defaultKernels()): Uint8Array {
  return k.redact(jsonBytes(json), rules.redaction, jsonMode(rules));
}

/** The redacted event as an object. */
export function redactEvent(rules: RoomVersionRules, json: Readonly<Record<string, unknown>>, k: Kernels = defaultKernels()): Record<string, unknown> {
  return JSON.parse(decoder.decode(redactEventBytes(rules, json, k))) as Record<string, unknown>;
}
