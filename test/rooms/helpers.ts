// A RoomService over a fresh LMDB store, with a recording event sink and an
// injectable clock, for the room tests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { kernels } from '../../src/accel/index.js';
import type { Kernels } from '../../src/accel/types.js';
import type { Requester } from '../../src/api/route.js';
import type { SigningKey } from '../../src/matrix/signing.js';
import { openStore, type Store } from '../../src/store/index.js';
import { StaticKeyRing } from '../../src/rooms/key-ring.js';
import { RoomServiceImpl, type MemberProfile } from '../../src/rooms/room-service.js';
import type { RoomEventSink } from '../../src/rooms/pipeline/index.js';

export const SERVER = 'test.local';

export function signingKeyFor(serverName: string, keyId = 'ed25519:t1'): SigningKey {
  return { seed: new Uint8Array(randomBytes(32)), keyId, serverName };
}

export function requester(localpart: string, server = SERVER, tokenId: number | string = 1): Requester {
  return { userId: `@${localpart}:${server}`, deviceId: 'DEV', accessTokenId: tokenId, isGuest: false };
}

export interface RoomsHarness {
  readonly store: Store;
  readonly rooms: RoomServiceImpl;
  readonly keyRing: StaticKeyRing;
  readonly signingKey: SigningKey;
  readonly k: Kernels;
  readonly notified: { roomId: string; eventId: string; streamPos: number }[];
  readonly clock: { t: number; now(): number };
  readonly profiles: Map<string, MemberProfile>;
  close(): Promise<void>;
}

export async function roomsHarness(opts: { defaultRoomVersion?: string; kernels?: Kernels } = {}): Promise<RoomsHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'myelin-rooms-'));
  const store = await openStore({ backend: 'lmdb', path: dir, mapSize: 256 * 1024 * 1024 });
  const k = opts.kernels ?? kernels();
  const signingKey = signingKeyFor(SERVER);
  const keyRing = new StaticKeyRing(k).addSigningKey(signingKey);
  const notified: RoomsHarness['notified'] = [];
  const sink: RoomEventSink = { roomEvent: (e) => notified.push({ roomId: e.roomId, eventId: e.eventId, streamPos: e.streamPos }) };
  const clock = { t: 1_700_000_000_000, now() { return (this.t += 1); } };
  const profiles = new Map<string, MemberProfile>();
  const rooms = new RoomServiceImpl({
    store, kernels: k, clock, signingKey, serverName: SERVER, defaultRoomVersion: opts.defaultRoomVersion ?? '10',
    sink, keyRing, profile: (u) => profiles.get(u),
  });
  return {
    store, rooms, keyRing, signingKey, k, notified, clock, profiles,
    async close() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The room's current state as type → state_key → content. */
export function currentState(h: RoomsHarness, roomId: string): Map<string, Record<string, unknown>> {
  const state = h.store.read((tx) => h.store.state.current(tx, roomId)) as ReadonlyMap<string, string>;
  const out = new Map<string, Record<string, unknown>>();
  for (const [key, id] of state) out.set(key, h.rooms.events.pdu(id)!.content as Record<string, unknown>);
  return out;
}

export function stateContent(h: RoomsHarness, roomId: string, type: string, stateKey = ''): Record<string, unknown> | undefined {
  return currentState(h, roomId).get(`${type}\u0000${stateKey}`);
}
