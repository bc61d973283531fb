// JSON text spliced into a response as it is: /sync assembles its answer from cached,
// already-serialized client events instead of re-serializing them per request.
export class RawJson {
  constructor(readonly json: string) {}

  /** JSON.stringify of a response holding RawJson still gives the right text (slowly: encodeJson splices instead). */
  toJSON(): unknown {
    return JSON.parse(this.json);
  }
}

/** A JSON string: quoted as it is unless it holds what JSON escapes (controls, `"`, `\\`, surrogates: JSON.stringify does those). */
function encodeString(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return JSON.stringify(s);
  }
  return `"${s}"`;
}

/**
 * JSON.stringify for plain data in which some values are RawJson (written verbatim).
 * Same output as JSON.stringify for what a sync response holds: object members whose value is
 * undefined are left out, undefined in arrays and non-finite numbers are null. Small values are
 * written with templates (a JSON.stringify call per sub-object cost more than the whole skeleton).
 */
export function encodeJson(v: unknown): string {
  switch (typeof v) {
    case 'string': return encodeString(v);
    case 'number': return Number.isFinite(v) ? String(v) : 'null';
    case 'boolean': return v ? 'true' : 'false';
    case 'object': break;
    default: return JSON.stringify(v) ?? 'null';
  }
  if (v === null) return 'null';
  if (v instanceof RawJson) return v.json;
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    let out = '[';
    for (let i = 0; i < v.length; i++) {
      if (i > 0) out += ',';
      out += v[i] === undefined ? 'null' : encodeJson(v[i]);
    }
    return out + ']';
  }
  if (typeof (v as { toJSON?: unknown }).toJSON === 'function') return JSON.stringify(v);
  let out = '{';
  for (const k in v) {
    const x = (v as Record<string, unknown>)[k];
    if (x === undefined || typeof x === 'function' || typeof x === 'symbol') continue;
    out += (out.length === 1 ? '' : ',') + encodeString(k) + ':' + encodeJson(x);
  }
  return out + '}';
}

/** Keys of the response's fixed shape (plain ASCII: written without a scan). */
const KNOWN_KEYS = new Set([
  'next_batch', 'rooms', 'join', 'invite', 'leave', 'knock', 'account_data', 'presence', 'to_device', 'device_lists',
  'device_one_time_keys_count', 'device_unused_fallback_key_types', 'state', 'timeline', 'ephemeral', 'unread_notifications', 'summary',
]);

/** `{}` without walking (a for-in over an empty object still costs an enumeration). */
function isEmptyObject(o: object): boolean {
  for (const _ in o) return false; // eslint-disable-line @typescript-eslint/no-unused-vars
  return true;
}

/** Whether `o` has exactly `n` own enumerable keys (without the array Object.keys makes). */
function hasKeyCount(o: object, n: number): boolean {
  let count = 0;
  for (const _ in o) count++; // eslint-disable-line @typescript-eslint/no-unused-vars
  return count === n;
}

/** `{"events":[…]}` */
function eventList(x: unknown): string {
  const events = (x as { events?: unknown[] } | undefined)?.events;
  return Array.isArray(events) && events.length === 0 ? '{"events":[]}' : encodeJson(x);
}

function roomSection(section: Record<string, unknown>): string {
  let out = '';
  for (const k in section) {
    const v = section[k];
    if (v === undefined) continue;
    let text: string;
    switch (k) {
      case 'state': case 'ephemeral': case 'account_data': text = eventList(v); break;
      case 'timeline': {
        const t = v as { events: unknown; limited: unknown; prev_batch: unknown };
        text = typeof t.limited === 'boolean' && hasKeyCount(t, 3)
          ? `{"events":${encodeJson(t.events)},"limited":${t.limited ? 'true' : 'false'},"prev_batch":${encodeJson(t.prev_batch)}}`
          : encodeJson(v);
        break;
      }
      case 'unread_notifications': {
        const u = v as { notification_count: unknown; highlight_count: unknown };
        text = typeof u.notification_count === 'number' && typeof u.highlight_count === 'number' && hasKeyCount(u, 2)
          ? `{"notification_count":${u.notification_count},"highlight_count":${u.highlight_count}}`
          : encodeJson(v);
        break;
      }
      default: text = encodeJson(v);
    }
    out += `${out === '' ? '{' : ','}${KNOWN_KEYS.has(k) ? `"${k}"` : encodeString(k)}:${text}`;
  }
  return out === '' ? '{}' : `${out}}`;
}

function roomsOfKind(rooms: unknown): string {
  if (typeof rooms !== 'object' || rooms === null || isEmptyObject(rooms)) return '{}';
  let out = '';
  for (const roomId in rooms) {
    const section = (rooms as Record<string, unknown>)[roomId];
    if (section === undefined) continue;
    out += `${out === '' ? '{' : ','}${encodeString(roomId)}:${roomSection(section as Record<string, unknown>)}`;
  }
  return out === '' ? '{}' : `${out}}`;
}

/**
 * The text of a /sync response: encodeJson's output, with the response's fixed shape written
 * from templates (most sections of an incremental sync are empty).
 */
export function encodeSyncResponse(r: Record<string, unknown>): string {
  let out = '';
  for (const k in r) {
    const v = r[k];
    if (v === undefined) continue;
    let text: string;
    switch (k) {
      case 'rooms': {
        let rooms = '';
        for (const kind in v as Record<string, unknown>) {
          rooms += `${rooms === '' ? '{' : ','}${KNOWN_KEYS.has(kind) ? `"${kind}"` : encodeString(kind)}:${roomsOfKind((v as Record<string, unknown>)[kind])}`;
        }
        text = rooms === '' ? '{}' : `${rooms}}`;
        break;
      }
      case 'account_data': case 'presence': case 'to_device': text = eventList(v); break;
      case 'device_lists': {
        const d = v as { changed?: unknown[]; left?: unknown[] };
        text = d.changed?.length === 0 && d.left?.length === 0 && hasKeyCount(d, 2) ? '{"changed":[],"left":[]}' : encodeJson(v);
        break;
      }
      default: text = typeof v === 'object' && v !== null && !Array.isArray(v) && isEmptyObject(v) ? '{}' : encodeJson(v);
    }
    out += `${out === '' ? '{' : ','}${KNOWN_KEYS.has(k) ? `"${k}"` : encodeString(k)}:${text}`;
  }
  return out === '' ? '{}' : `${out}}`;
}
