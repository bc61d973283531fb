// Real-shaped Matrix events for the micro suites, generated deterministically
// (same seed, same bytes on every machine): PDUs as a federation peer sends
// them (keys in arrival order, not sorted; raw UTF-8 with some non-ASCII text
// and escapes), from 0.5 KB to 64 KB, and a signed batch shaped like a
// send_join response.
import { createPrivateKey, sign as cryptoSign } from 'node:crypto';
import type { Kernels, RedactionRules, RequiredSignature } from '../../accel/types.js';

const encoder = new TextEncoder();

/** Small deterministic PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const WORDS = ['the', 'room', 'server', 'federation', 'state', 'event', 'join', 'message', 'hello', 'bridge', 'matrix', 'sync',
  'café', 'naïve', 'Grüße', 'señor', 'Ελληνικά', 'русский', '日本語', '中文', '한국어', '🎉', '👍', '🚀', 'ok', 'yes', 'no', 'lol'];

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)]!;
}

function b64(r: () => number, n: number, alphabet = B64): string {
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(r() * alphabet.length)];
  return s;
}

function sentence(r: () => number, chars: number): string {
  let s = '';
  while (s.length < chars) {
    s += pick(r, WORDS);
    const p = r();
    s += p < 0.04 ? '\n' : p < 0.06 ? ' "quoted" ' : p < 0.07 ? ' \\ ' : p < 0.12 ? ', ' : ' ';
  }
  // cut on a code point boundary: never leave half a surrogate pair
  let out = s.slice(0, chars);
  const last = out.charCodeAt(out.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) out = out.slice(0, -1);
  return out;
}

export type EventShape = 'message' | 'power_levels';
export const EVENT_SHAPES: readonly EventShape[] = ['message', 'power_levels'];

/** Envelope of a room v10 PDU, in the order a peer's JSON encoder might emit it. */
function envelope(r: () => number, type: string, content: Record<string, unknown>, stateKey?: string, lean = false): Record<string, unknown> {
  const server = `${pick(r, ['example.org', 'matrix.org', 'chat.example.com', 'kde.org'])}`;
  return {
    type,
    room_id: `!${b64(r, 18, B64URL.slice(0, 62))}:example.org`,
    sender: `@${pick(r, ['alice', 'bob', 'carol', 'dave'])}${Math.floor(r() * 1000)}:${server}`,
    ...(stateKey !== undefined ? { state_key: stateKey } : {}),
    content,
    origin: server,
    origin_server_ts: 1_700_000_000_000 + Math.floor(r() * 1e9),
    depth: 1 + Math.floor(r() * 100_000),
    prev_events: [`$${b64(r, 43, B64URL)}`],
    auth_events: (lean ? [0, 1] : [0, 1, 2]).map(() => `$${b64(r, 43, B64URL)}`),
    hashes: { sha256: b64(r, 43) },
    signatures: { [server]: { [`ed25519:a_${b64(r, 4, B64URL.slice(0, 62))}`]: b64(r, 86) } },
    ...(lean ? {} : { unsigned: { age_ts: 1_700_000_000_000 + Math.floor(r() * 1e9) } }),
  };
}

/**
 * One event of at most `targetBytes` of JSON text, as close to it as the shape
 * allows. Small targets use a lean envelope (two auth events, no HTML body,
 * no `unsigned`), as a short reaction or message would carry.
 */
export function makeEvent(targetBytes: number, shape: EventShape = 'message', seed = 1): Uint8Array {
  const build = (fill: number, lean: boolean): Uint8Array => {
    const rr = rng(seed);
    const r = rng(seed * 7919 + 1);
    if (shape === 'message') {
      const body = sentence(r, fill);
      const content = lean
        ? { msgtype: 'm.text', body }
        : { msgtype: 'm.text', body, format: 'org.matrix.custom.html', formatted_body: `<p>${sentence(r, Math.floor(fill / 4))}</p>`, 'm.mentions': {} };
      return encoder.encode(JSON.stringify(envelope(rr, 'm.room.message', content, undefined, lean)));
    }
    // power levels of a big room: many user ids, a sort-heavy object
    const users: Record<string, number> = {};
    for (let i = 0; i < fill; i++) users[`@${pick(r, ['u', 'user', 'bot', 'x'])}${b64(r, 6, B64URL.slice(0, 62)).toLowerCase()}${i}:${pick(r, ['example.org', 'matrix.org', 'kde.org'])}`] = pick(r, [0, 0, 0, 50, 100]);
    return encoder.encode(JSON.stringify(envelope(rr, 'm.room.power_levels', lean ? { users } : {
      users, users_default: 0, events: { 'm.room.name': 50, 'm.room.power_levels': 100, 'm.room.history_visibility': 100 }, events_default: 0,
      state_default: 50, ban: 50, kick: 50, redact: 50, invite: 0, notifications: { room: 50 },
    }, '', lean)));
  };
  const lean = build(0, false).length > targetBytes * 0.9;
  // the largest fill whose text fits the target (size grows with fill)
  let lo = 0, hi = 1;
  while (build(hi, lean).length <= targetBytes) hi *= 2;
  while (lo + 1 < hi) {
    const mid = (lo + hi) >> 1;
    if (build(mid, lean).length <= targetBytes) lo = mid; else hi = mid;
  }
  return build(lo, lean);
}

export interface SignedBatch {
  /** JSON texts of the PDUs, signed by their origin server */
  readonly objects: Uint8Array[];
  readonly required: RequiredSignature[][];
  readonly totalBytes: number;
}

/**
 * A send_join-shaped batch: the state and auth chain of a big room, mostly
 * m.room.member joins from a few dozen servers, each signed by its server
 * (the signatures verify; hashes are real). Built with the given (reference)
 * kernels; setup cost is not measured.
 */
export function makeSendJoinBatch(count: number, k: Kernels, rules: RedactionRules, seed = 42): SignedBatch {
  const r = rng(seed);
  const servers = Array.from({ length: 24 }, (_, i) => {
    const seedBytes = new Uint8Array(32).map(() => Math.floor(r() * 256));
    const der = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.from(seedBytes)]);
    return {
      name: `server${i}.example.org`,
      keyId: `ed25519:k${i}`,
      key: createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }),
      publicKey: k.ed25519PublicKey(seedBytes),
    };
  });
  const roomId = `!${b64(r, 18, B64URL.slice(0, 62))}:server0.example.org`;
  const objects: Uint8Array[] = [];
  const required: RequiredSignature[][] = [];
  let totalBytes = 0;
  for (let i = 0; i < count; i++) {
    const s = servers[i < 8 ? 0 : Math.floor(r() * servers.length)]!;
    const user = `@${pick(r, ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'])}${i}:${s.name}`;
    const type = i === 0 ? 'm.room.create' : i === 1 ? 'm.room.power_levels' : i === 2 ? 'm.room.join_rules' : 'm.room.member';
    const content: Record<string, unknown> = type === 'm.room.create' ? { room_version: '10', creator: user }
      : type === 'm.room.power_levels' ? { users: { [user]: 100 }, users_default: 0, events_default: 0, state_default: 50 }
      : type === 'm.room.join_rules' ? { join_rule: 'public' }
      : { membership: 'join', displayname: sentence(r, 4 + Math.floor(r() * 20)).replace(/\n/g, ' '), ...(r() < 0.5 ? { avatar_url: `mxc://${s.name}/${b64(r, 24, B64URL.slice(0, 62))}` } : {}) };
    const event: Record<string, unknown> = {
      auth_events: i < 3 ? [] : [`$${b64(r, 43, B64URL)}`, `$${b64(r, 43, B64URL)}`, `$${b64(r, 43, B64URL)}`],
      content,
      depth: i + 1,
      origin: s.name,
      origin_server_ts: 1_700_000_000_000 + i * 1000,
      prev_events: i === 0 ? [] : [`$${b64(r, 43, B64URL)}`],
      room_id: roomId,
      sender: user,
      state_key: type === 'm.room.member' ? user : '',
      type,
    };
    const hash = k.contentHash(encoder.encode(JSON.stringify(event)));
    event.hashes = { sha256: k.base64Encode(hash) };
    // Sign what verifyBatch checks: the redacted event without signatures and unsigned.
    const signedBytes = k.redact(encoder.encode(JSON.stringify(event)), rules);
    const signature = cryptoSign(null, signedBytes, s.key);
    event.signatures = { [s.name]: { [s.keyId]: k.base64Encode(new Uint8Array(signature)) } };
    event.unsigned = { age: Math.floor(r() * 10000) };
    const bytes = encoder.encode(JSON.stringify(event));
    objects.push(bytes);
    totalBytes += bytes.length;
    required.push([{ server: s.name, keyId: s.keyId, publicKey: s.publicKey }]);
  }
  return { objects, required, totalBytes };
}
