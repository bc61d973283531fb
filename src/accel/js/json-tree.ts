// The parsed form of a JSON text, shaped for canonical output rather than for
// JavaScript use: strings stay UTF-8 bytes, numbers stay canonical text, and
// object keys are "byte strings" (one UTF-16 unit per UTF-8 byte, i.e. the
// latin1 reading of the key's UTF-8) so that plain JS string comparison is
// UTF-8 byte order = code point order, which canonical JSON sorts by.

/**
 * A string value: its unescaped UTF-8 bytes, `source[start..end)`. Without
 * escapes that is a slice of the input itself (no copy, and no typed-array
 * view to allocate per string).
 */
export class JsonString {
  constructor(
    readonly source: Uint8Array,
    readonly start: number,
    readonly end: number,
    /** true when no byte needs escaping on output (the input had no escapes) */
    readonly plain: boolean,
  ) {}
}

/** A number, already in the canonical text of the mode it was parsed in. */
export class JsonNumber {
  constructor(readonly text: string) {}
}

/** keys are byte strings: see toByteString */
export type JsonObject = Map<string, JsonValue>;
export type JsonValue = null | boolean | JsonString | JsonNumber | JsonValue[] | JsonObject;

/** UTF-8 bytes → byte string (one char per byte). */
export function bytesToByteString(bytes: Uint8Array, start = 0, end = bytes.length): string {
  const n = end - start;
  if (n <= 64) {
    let s = '';
    for (let i = start; i < end; i++) s += String.fromCharCode(bytes[i]!);
    return s;
  }
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, n).toString('latin1');
}

/** A JS string (well-formed) → the byte string of its UTF-8 encoding, for key lookups. */
export function toByteString(text: string): string {
  // ASCII is its own byte string
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) >= 0x80) return Buffer.from(text, 'utf8').toString('latin1');
  }
  return text;
}

const utf8Decoder = new TextDecoder('utf-8', { ignoreBOM: true }); // a leading U+FEFF is content, not a BOM

/** A string value's JS string. */
export function stringValue(s: JsonString): string {
  return utf8Decoder.decode(s.source.subarray(s.start, s.end));
}

export function isObject(v: JsonValue | undefined): v is JsonObject {
  return v instanceof Map;
}
