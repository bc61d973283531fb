// Event-level operations over the parsed tree: content hash, redaction,
// reference hash, signing input (spec: server-server "Calculating the content
// hash", "Calculating the reference hash", client-server "Redactions").
import { CanonicalJsonError, type JsonMode, type RedactionRules } from '../types.js';
import { parseJson } from './json-reader.js';
import { isObject, JsonString, stringValue, toByteString, type JsonObject } from './json-tree.js';

/** Parses an event (or any signed object): the root must be an object. */
export function parseObject(bytes: Uint8Array, mode: JsonMode): JsonObject {
  const { value, rootStart } = parseJson(bytes, mode);
  if (!isObject(value)) throw new CanonicalJsonError('syntax', rootStart, `syntax at byte ${rootStart}: expected a JSON object`);
  return value;
}

/** A copy of the object without the given top-level keys. */
export function without(obj: JsonObject, keys: readonly string[]): JsonObject {
  const out = new Map(obj);
  for (const k of keys) out.delete(k);
  return out;
}

/** Synapse's compute_content_hash also drops age_ts, outlier and destinations (old rooms carry them). */
export const CONTENT_HASH_EXCLUDED = ['unsigned', 'signatures', 'hashes', 'age_ts', 'outlier', 'destinations'];
export const REFERENCE_HASH_EXCLUDED = ['signatures', 'unsigned', 'age_ts'];
export const SIGNING_EXCLUDED = ['signatures', 'unsigned'];

interface ContentRule {
  /** `"*"`: the whole content */
  readonly all: boolean;
  /** `"k"`: content.k */
  readonly keys: ReadonlySet<string>;
  /** `"a.b"`: content.a reduced to its keys b */
  readonly nested: ReadonlyMap<string, readonly string[]>;
}

interface CompiledRules {
  readonly keepTopLevel: ReadonlySet<string>;
  readonly content: ReadonlyMap<string, ContentRule>;
}

const compiled = new WeakMap<RedactionRules, CompiledRules>();

/** Rules with every name turned into the byte strings the tree's keys are. */
function compile(rules: RedactionRules): CompiledRules {
  let c = compiled.get(rules);
  if (c !== undefined) return c;
  const content = new Map<string, ContentRule>();
  for (const type of Object.keys(rules.keepContent)) {
    const keys = new Set<string>();
    const nested = new Map<string, string[]>();
    let all = false;
    for (const entry of rules.keepContent[type] ?? []) {
      if (entry === '*') {
        all = true;
        continue;
      }
      // "a.b": split at the first dot
      const dot = entry.indexOf('.');
      if (dot < 0) {
        keys.add(toByteString(entry));
      } else {
        const outer = toByteString(entry.slice(0, dot));
        const list = nested.get(outer) ?? [];
        list.push(toByteString(entry.slice(dot + 1)));
        nested.set(outer, list);
      }
    }
    content.set(type, { all, keys, nested });
  }
  c = { keepTopLevel: new Set(rules.keepTopLevel.map(toByteString)), content };
  compiled.set(rules, c);
  return c;
}

function redactContent(content: JsonObject, rule: ContentRule | undefined): JsonObject {
  if (rule === undefined) return new Map();
  if (rule.all) return content;
  const out: JsonObject = new Map();
  for (const key of rule.keys) {
    const v = content.get(key);
    if (v !== undefined) out.set(key, v);
  }
  for (const [outer, innerKeys] of rule.nested) {
    if (rule.keys.has(outer)) continue; // already kept whole
    const inner = content.get(outer);
    if (!isObject(inner)) continue;
    const kept: JsonObject = new Map();
    for (const key of innerKeys) {
      const v = inner.get(key);
      if (v !== undefined) kept.set(key, v);
    }
    out.set(outer, kept);
  }
  return out;
}

/** The redacted form of an event: kept top-level keys, and always a (filtered) content object. */
export function redactObject(event: JsonObject, rules: RedactionRules): JsonObject {
  const c = compile(rules);
  const out: JsonObject = new Map();
  for (const [key, value] of event) if (c.keepTopLevel.has(key)) out.set(key, value);
  const type = event.get('type');
  const content = event.get('content');
  const rule = type instanceof JsonString ? c.content.get(stringValue(type)) : undefined;
  out.set('content', isObject(content) ? redactContent(content, rule) : new Map());
  return out;
}
