// Redaction per room version (spec: client-server "Redactions" and the room
// versions' redaction fragments: v1, v6, v8, v9, v11). The rules are data in
// RoomVersionRules.redaction; the kernels apply them.
import type { Kernels } from '../accel/types.js';
import { kernels as defaultKernels } from '../accel/index.js';
import type { RoomVersionRules } from './room-versions.js';
import { jsonBytes, jsonMode } from './canonical.js';
import { domainOf } from './ids.js';

const decoder = new TextDecoder();

/** Canonical JSON bytes of the redacted event. */
export function redactEventBytes(rules: RoomVersionRules, json: Readonly<Record<string, unknown>>, k: Kernels = defaultKernels()): Uint8Array {
  return k.redact(jsonBytes(json), rules.redaction, jsonMode(rules));
}

/** The redacted event as an object. */
export function redactEvent(rules: RoomVersionRules, json: Readonly<Record<string, unknown>>, k: Kernels = defaultKernels()): Record<string, unknown> {
  return JSON.parse(decoder.decode(redactEventBytes(rules, json, k))) as Record<string, unknown>;
}

/**
 * Whether a redaction that passed auth is applied to the event it names
 * (spec v3+ "Handling redactions"): the redacter has the redact level, or is
 * on the same server as the original sender. In v1–v2 the auth rules already
 * decided (by event id servers), so an authorised redaction always applies.
 */
export function shouldApplyRedaction(
  rules: RoomVersionRules,
  redaction: { readonly sender: string },
  original: { readonly sender: string },
  redacterPowerLevel: number,
  redactLevel: number,
): boolean {
  if (rules.redactionDomainCheckInAuth) return true;
  if (redacterPowerLevel >= redactLevel) return true;
  return domainOf(redaction.sender) === domainOf(original.sender);
}
