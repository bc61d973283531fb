// JSON text spliced into a response as it is: /sync assembles its answer from cached,
// already-serialized client events instead of re-serializing them per request.
export class RawJson {
  constructor(readonly json: string) {}
}

/**
 * JSON.stringify for plain data in which some values are RawJson (written verbatim).
 * Same output rules as JSON.stringify for what a sync response holds: object members whose
 * value is undefined are left out, undefined in arrays is null.
 */
export function encodeJson(v: unknown): string {
  if (v instanceof RawJson) return v.json;
  if (typeof v !== 'object' || v === null) return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) {
    let out = '[';
    for (let i = 0; i < v.length; i++) {
      if (i > 0) out += ',';
      out += v[i] === undefined ? 'null' : encodeJson(v[i]);
    }
    return out + ']';
  }
  let out = '{';
  let first = true;
  for (const k in v) {
    const x = (v as Record<string, unknown>)[k];
    if (x === undefined) continue;
    out += (first ? '' : ',') + JSON.stringify(k) + ':' + encodeJson(x);
    first = false;
  }
  return out + '}';
}
