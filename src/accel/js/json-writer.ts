// Canonical JSON output (spec appendix "Canonical JSON"): no insignificant
// whitespace, keys in UTF-8 byte order, only `"`, `\` and bytes < 0x20 escaped.
import { ByteWriter } from './byte-writer.js';
import { JsonNumber, JsonString, type JsonValue } from './json-tree.js';

/** How each byte < 0x20 is written: the short escapes, else \u00XX in lower-case hex. */
const CONTROL_ESCAPES: readonly string[] = Array.from({ length: 0x20 }, (_, b) => {
  switch (b) {
    case 0x08:
      return '\\b';
    case 0x09:
      return '\\t';
    case 0x0a:
      return '\\n';
    case 0x0c:
      return '\\f';
    case 0x0d:
      return '\\r';
    default:
      return `\\u${b.toString(16).padStart(4, '0')}`;
  }
});

function needsEscape(b: number): boolean {
  return b < 0x20 || b === 0x22 || b === 0x5c;
}

function writeEscapedByte(out: ByteWriter, b: number): void {
  if (b < 0x20) out.latin1(CONTROL_ESCAPES[b]!);
  else {
    out.byte(0x5c);
    out.byte(b);
  }
}

function writeStringBytes(out: ByteWriter, s: JsonString): void {
  out.byte(0x22);
  if (s.plain) {
    out.bytes(s.source, s.start, s.end);
  } else {
    const b = s.source;
    let run = s.start;
    for (let i = s.start; i < s.end; i++) {
      if (needsEscape(b[i]!)) {
        out.bytes(b, run, i);
        writeEscapedByte(out, b[i]!);
        run = i + 1;
      }
    }
    out.bytes(b, run, s.end);
  }
  out.byte(0x22);
}

/** A key held as a byte string (see json-tree.ts). */
function writeKey(out: ByteWriter, key: string): void {
  out.byte(0x22);
  for (let i = 0; i < key.length; i++) {
    const b = key.charCodeAt(i);
    if (needsEscape(b)) writeEscapedByte(out, b);
    else out.byte(b);
  }
  out.byte(0x22);
}

/**
 * Keys in UTF-8 byte order: they are byte strings, so JS string order (by
 * UTF-16 unit) is byte order. Insertion sort for the small objects events are
 * made of; the built-in sort beyond.
 */
function sortedKeys(obj: Map<string, JsonValue>): string[] {
  const keys: string[] = [];
  for (const key of obj.keys()) keys.push(key);
  if (keys.length > 16) return keys.sort();
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i]!;
    let j = i;
    while (j > 0 && keys[j - 1]! > key) {
      keys[j] = keys[j - 1]!;
      j--;
    }
    keys[j] = key;
  }
  return keys;
}

export function writeCanonical(out: ByteWriter, value: JsonValue): void {
  if (value === null) out.latin1('null');
  else if (value === true) out.latin1('true');
  else if (value === false) out.latin1('false');
  else if (value instanceof JsonString) writeStringBytes(out, value);
  else if (value instanceof JsonNumber) out.latin1(value.text);
  else if (Array.isArray(value)) {
    out.byte(0x5b);
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out.byte(0x2c);
      writeCanonical(out, value[i]!);
    }
    out.byte(0x5d);
  } else {
    const keys = sortedKeys(value);
    out.byte(0x7b);
    for (let i = 0; i < keys.length; i++) {
      if (i > 0) out.byte(0x2c);
      writeKey(out, keys[i]!);
      out.byte(0x3a);
      writeCanonical(out, value.get(keys[i]!) as JsonValue);
    }
    out.byte(0x7d);
  }
}

const output = new ByteWriter();

/** Canonical bytes of a value (an exact-size copy). */
export function canonicalBytes(value: JsonValue): Uint8Array {
  output.reset();
  writeCanonical(output, value);
  return output.take();
}
