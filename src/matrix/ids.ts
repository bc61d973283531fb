// Identifier grammars (spec: appendices, "Identifier Grammar"). Checks here
// are what a receiving server must accept: historical user ids are allowed,
// only the sigil, the server name and the 255-byte limit are enforced.

/** The longest user id, room id, event id, state key or event type, in UTF-8 bytes. */
export const MAX_ID_BYTES = 255;

const encoder = new TextEncoder();

export function utf8Length(text: string): number {
  // Fast path for ASCII, the overwhelming case for ids.
  // eslint-disable-next-line no-control-regex
  return /^[\x00-\x7f]*$/.test(text) ? text.length : encoder.encode(text).length;
}

const IPV4 = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;
const IPV6 = /^\[[0-9A-Fa-f:.]{2,45}\]$/;
const DNS_NAME = /^[0-9A-Za-z.-]{1,255}$/;

/** server_name = hostname [ ":" port ] */
export function isValidServerName(name: string): boolean {
  let host = name;
  const bracket = name.lastIndexOf(']');
  const colon = name.lastIndexOf(':');
  if (colon > bracket) {
    const port = name.slice(colon + 1);
    if (!/^\d{1,5}$/.test(port)) return false;
    host = name.slice(0, colon);
  }
  if (host.startsWith('[')) return IPV6.test(host);
  if (IPV4.test(host)) return host.split('.').every((p) => Number(p) <= 255);
  return DNS_NAME.test(host);
}

/** The server name after the first `:` (user ids, v1–v11 room ids, v1–v2 event ids), or undefined. */
export function domainOf(id: string): string | undefined {
  const i = id.indexOf(':');
  return i < 0 ? undefined : id.slice(i + 1);
}

/** Splits `<sigil>localpart:server` and checks the server name; the localpart may be historical (anything but NUL and ':'). */
function isValidNamespacedId(id: string, sigil: string, allowEmptyLocalpart: boolean): boolean {
  if (!id.startsWith(sigil)) return false;
  if (utf8Length(id) > MAX_ID_BYTES) return false;
  const colon = id.indexOf(':');
  if (colon < 0) return false;
  const localpart = id.slice(1, colon);
  if (!allowEmptyLocalpart && localpart.length === 0) return false;
  if (localpart.includes('\u0000')) return false;
  return isValidServerName(id.slice(colon + 1));
}

/** A user id as servers must accept it over federation (historical localparts allowed). */
export function isValidUserId(id: string): boolean {
  return isValidNamespacedId(id, '@', true);
}

/** A user id whose localpart uses only the characters allowed today. */
export function isCompliantUserId(id: string): boolean {
  if (!isValidUserId(id)) return false;
  return /^@[a-z0-9._=\-/+]+:/.test(id);
}

/** `!opaque:domain` (room versions 1–11). */
export function isValidRoomIdWithDomain(id: string): boolean {
  return isValidNamespacedId(id, '!', false);
}

/** `$opaque:domain` (room versions 1–2). */
export function isValidV1EventId(id: string): boolean {
  return isValidNamespacedId(id, '$', false);
}

/** 43 characters of unpadded base64 of a SHA-256 hash, standard or URL-safe alphabet. */
export function isHashId(id: string, sigil: string, urlSafe: boolean): boolean {
  if (id.length !== 44 || id[0] !== sigil) return false;
  return urlSafe ? /^.[A-Za-z0-9_-]{43}$/.test(id) : /^.[A-Za-z0-9+/]{43}$/.test(id);
}
