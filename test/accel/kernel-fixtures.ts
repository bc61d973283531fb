// Shared by the cross-path kernel tests: where the shared vectors live, the
// redaction rules of room versions 1–10 (from the spec text), independent
// models of canonical JSON and redaction to check the kernels against, and
// helpers that compare every loaded path's answer to one expected answer.
import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, sign as nodeSign } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CanonicalJsonError, type JsonMode, type Kernels, type RedactionRules } from '../../src/accel/index.js';

// ---- locations ----

/** The directory holding package.json, found by walking up from this file (works from dist/ too). */
export const repoRoot: string = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('package.json not found above the test file');
    dir = up;
  }
})();

/** `../shared/vectors` beside the checkout (read in place, never copied). */
export const vectorsDir = resolve(repoRoot, '..', 'shared', 'vectors');

export function readVectors<T>(relative: string): T {
  return JSON.parse(readFileSync(join(vectorsDir, relative), 'utf8')) as T;
}

export function readTestData<T>(relative: string): T {
  return JSON.parse(readFileSync(join(repoRoot, 'test', 'data', relative), 'utf8')) as T;
}

// ---- redaction rules per room version (spec: content/rooms/fragments/v1-, v6-, v9-redactions.md, v8.md) ----

const TOP_LEVEL_V1 = [
  'event_id', 'type', 'room_id', 'sender', 'state_key', 'content', 'hashes', 'signatures', 'depth',
  'prev_events', 'prev_state', 'auth_events', 'origin', 'origin_server_ts', 'membership',
];
const POWER_LEVELS = ['ban', 'events', 'events_default', 'kick', 'redact', 'state_default', 'users', 'users_default'];
const CONTENT_V1: Record<string, string[]> = {
  'm.room.member': ['membership'],
  'm.room.create': ['creator'],
  'm.room.join_rules': ['join_rule'],
  'm.room.power_levels': POWER_LEVELS,
  'm.room.aliases': ['aliases'],
  'm.room.history_visibility': ['history_visibility'],
};
const CONTENT_V6 = Object.fromEntries(Object.entries(CONTENT_V1).filter(([t]) => t !== 'm.room.aliases'));
const CONTENT_V8 = { ...CONTENT_V6, 'm.room.join_rules': ['join_rule', 'allow'] };
const CONTENT_V9 = { ...CONTENT_V8, 'm.room.member': ['membership', 'join_authorised_via_users_server'] };

export const REDACTION_RULES: Readonly<Record<string, RedactionRules>> = {
  '1': { keepTopLevel: TOP_LEVEL_V1, keepContent: CONTENT_V1 },
  '2': { keepTopLevel: TOP_LEVEL_V1, keepContent: CONTENT_V1 },
  '3': { keepTopLevel: TOP_LEVEL_V1, keepContent: CONTENT_V1 },
  '4': { keepTopLevel: TOP_LEVEL_V1, keepContent: CONTENT_V1 },
  '5': { keepTopLevel: TOP_LEVEL_V1, keepContent: CONTENT_V1 },
  '6': { keepTopLevel: TOP_LEVEL_V1, keepContent: CONTENT_V6 },
  '7': { keepTopLevel: TOP_LEVEL_V1, keepContent: CONTENT_V6 },
  '8': { keepTopLevel: TOP_LEVEL_V1, keepContent: CONTENT_V8 },
  '9': { keepTopLevel: TOP_LEVEL_V1, keepContent: CONTENT_V9 },
  '10': { keepTopLevel: TOP_LEVEL_V1, keepContent: CONTENT_V9 },
};

/** Room versions 1–5 sign and hash with python canonicaljson's number rendering. */
export function modeForRoomVersion(version: string): JsonMode {
  return Number(version) <= 5 ? 'compat' : 'strict';
}

// ---- independent models (for values JSON.parse reads exactly: safe integers, well-formed strings) ----

/** UTF-8 byte order = Unicode code point order. */
export function compareCodePoints(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Canonical JSON of a parsed value, written from the spec's rules independently of every kernel path. */
export function canonicalOf(value: unknown): string {
  if (value === null || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new Error(`canonicalOf: not a safe integer: ${value}`);
    return String(value); // String(-0) is "0"
  }
  // JSON.stringify escapes exactly ", \, \b \f \n \r \t and other C0 as \u00xx (lower-case), nothing else
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalOf).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).sort(compareCodePoints);
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalOf(obj[k])}`).join(',')}}`;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The redaction algorithm as JSON-SEMANTICS.md states it, over a parsed event. */
export function redactModel(event: Record<string, unknown>, rules: RedactionRules): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of rules.keepTopLevel) if (k !== 'content' && Object.hasOwn(event, k)) out[k] = event[k];
  const content = isObject(event.content) ? event.content : {};
  const kept: Record<string, unknown> = {};
  const entries = typeof event.type === 'string' && Object.hasOwn(rules.keepContent, event.type) ? rules.keepContent[event.type]! : [];
  for (const entry of entries) {
    if (entry === '*') { Object.assign(kept, content); continue; }
    const dot = entry.indexOf('.');
    if (dot < 0) { if (Object.hasOwn(content, entry)) kept[entry] = content[entry]; continue; }
    const [outer, inner] = [entry.slice(0, dot), entry.slice(dot + 1)];
    const sub = content[outer];
    if (!isObject(sub)) continue;
    const prev = isObject(kept[outer]) ? (kept[outer] as Record<string, unknown>) : {};
    kept[outer] = Object.hasOwn(sub, inner) ? { ...prev, [inner]: sub[inner] } : prev;
  }
  out.content = kept;
  return out;
}

/** The bytes an event is signed over: redacted (when rules are given), without `signatures`/`unsigned`. */
export function signingInputModel(object: Record<string, unknown>, rules?: RedactionRules): Buffer {
  const base = rules ? redactModel(object, rules) : { ...object };
  delete base.signatures;
  delete base.unsigned;
  return Buffer.from(canonicalOf(base), 'utf8');
}

// ---- Ed25519 outside the kernels (node:crypto / OpenSSL), to make signatures the kernels must accept ----

const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export function opensslSign(seed: Uint8Array, message: Uint8Array): Buffer {
  const key = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  return nodeSign(null, message, key);
}

export function opensslPublicKey(seed: Uint8Array): Buffer {
  const key = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  return createPublicKey(key).export({ format: 'der', type: 'spki' }).subarray(12);
}

// ---- base64 outside the kernels ----

/** Lenient decode for fixtures (Buffer ignores bad characters: only use on trusted vector data). */
export const b64decode = (text: string): Buffer => Buffer.from(text, text.includes('-') || text.includes('_') ? 'base64url' : 'base64');
export const b64std = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64').replace(/=+$/, '');
export const b64url = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');

// ---- comparing what each path does ----

/** What one call did, in a form deepStrictEqual can compare across paths. */
export type Outcome =
  | { readonly ok: string }                                        // bytes as hex, or a value rendered as a string
  | { readonly error: string; readonly offset?: number }           // CanonicalJsonError code (+ offset) or another Error's name
  | { readonly threw: string };                                    // anything else thrown (a bug: tests expect none)

export function outcomeOf(fn: () => Uint8Array | string | boolean | number): Outcome {
  try {
    const v = fn();
    return { ok: v instanceof Uint8Array ? Buffer.from(v).toString('hex') : String(v) };
  } catch (err) {
    if (err instanceof CanonicalJsonError) return { error: err.code, offset: err.offset };
    if (err instanceof Error && (err.name === 'Base64Error' || err.name === 'LoneSurrogateError')) {
      const index = (err as { index?: number }).index;
      return index === undefined ? { error: err.name } : { error: err.name, offset: index };
    }
    return { threw: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
  }
}

export const okBytes = (text: string | Uint8Array): Outcome => ({ ok: Buffer.from(text as string).toString('hex') });
export const jsonError = (code: string, offset: number): Outcome => ({ error: code, offset });

function render(o: Outcome): string {
  if ('ok' in o) {
    const text = Buffer.from(o.ok, 'hex').toString('utf8');
    return `ok ${JSON.stringify(text.length > 200 ? `${text.slice(0, 200)}…(${text.length} chars)` : text)}`;
  }
  if ('error' in o) return o.offset === undefined ? `error ${o.error}` : `error ${o.error} at ${o.offset}`;
  return `THREW ${o.threw}`;
}

function describeInput(input: Uint8Array | string): string {
  const buf = Buffer.from(input as string);
  const text = buf.length > 120 ? `${buf.subarray(0, 120).toString('hex')}…(${buf.length} bytes)` : buf.toString('hex');
  return `input hex ${text}`;
}

/**
 * Runs `call` on every path and asserts each one gives `expected`; the
 * failure message lists every path's answer, so a disagreement is plain.
 */
export function expectOnEveryPath(
  paths: readonly Kernels[],
  label: string,
  input: Uint8Array | string,
  call: (k: Kernels) => Uint8Array | string | boolean | number,
  expected: Outcome,
): void {
  assert.ok(paths.length > 0, 'no kernel path loaded');
  const got = paths.map((k) => [k.path, outcomeOf(() => call(k))] as const);
  const wrong = got.filter(([, o]) => !sameOutcome(o, expected));
  if (wrong.length > 0) {
    const lines = got.map(([p, o]) => `  ${p.padEnd(6)} ${render(o)}${sameOutcome(o, expected) ? '' : '   <-- differs'}`);
    assert.fail(`${label}\n  ${describeInput(input)}\n  expected ${render(expected)}\n${lines.join('\n')}`);
  }
}

/** Asserts only that every path gives the same answer (for inputs where JSON-SEMANTICS.md leaves the exact answer open). */
export function expectAgreement(
  paths: readonly Kernels[],
  label: string,
  input: Uint8Array | string,
  call: (k: Kernels) => Uint8Array | string | boolean | number,
  check?: (o: Outcome) => string | undefined,
): Outcome | undefined {
  assert.ok(paths.length > 0, 'no kernel path loaded');
  const got = paths.map((k) => [k.path, outcomeOf(() => call(k))] as const);
  const first = got[0]?.[1];
  const problems: string[] = [];
  if (got.some(([, o]) => !sameOutcome(o, first!))) problems.push('paths disagree');
  for (const [p, o] of got) {
    if ('threw' in o) problems.push(`${p} threw`);
    const msg = check?.(o);
    if (msg) problems.push(`${p}: ${msg}`);
  }
  if (problems.length > 0) {
    const lines = got.map(([p, o]) => `  ${p.padEnd(6)} ${render(o)}`);
    assert.fail(`${label}: ${problems.join('; ')}\n  ${describeInput(input)}\n${lines.join('\n')}`);
  }
  return first;
}

export function sameOutcome(a: Outcome, b: Outcome): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export const utf8 = (text: string): Buffer => Buffer.from(text, 'utf8');
export const bytes = (...parts: (string | number[])[]): Buffer =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));

/**
 * Runs many checks and fails once at the end, listing the first `limit`
 * failures and the total, so one run shows the whole extent of a disagreement.
 */
export function checkAll<T>(items: readonly T[], check: (item: T, index: number) => void, limit = 8): void {
  const failures: string[] = [];
  for (const [i, item] of items.entries()) {
    try {
      check(item, i);
    } catch (err) {
      failures.push(err instanceof Error ? err.message : String(err));
    }
  }
  if (failures.length > 0) {
    assert.fail(`${failures.length} of ${items.length} checks failed; the first ${Math.min(limit, failures.length)}:\n\n${failures.slice(0, limit).join('\n\n')}`);
  }
}
