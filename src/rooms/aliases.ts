// Local room aliases as RoomService needs them: resolve one, create one for
// createRoom's room_alias_name. The room directory and the alias endpoints are
// S4's (src/rooms/read); this is the contract they fill, plus a store-backed
// default kept in the transaction-ids repository (scope "room_alias") until the
// store has an aliases tree of its own.
import { roomInUse } from '../api/errors.js';
import type { Store } from '../store/index.js';

export interface RoomAliases {
  /** the room an alias (`#local:server`) points to */
  resolve(alias: string): Promise<string | undefined>;
  /** map a new alias; throws M_ROOM_IN_USE when taken */
  create(alias: string, roomId: string, creator: string): Promise<void>;
}

/** Publication in the local room directory (createRoom's `visibility`). */
export interface RoomDirectory {
  setVisibility(roomId: string, visibility: 'public' | 'private'): Promise<void>;
}

const ALIAS_SCOPE = 'room_alias';
const DIRECTORY_SCOPE = 'room_directory';
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class StoreRoomAliases implements RoomAliases, RoomDirectory {
  constructor(private readonly store: Store, private readonly now: () => number) {}

  async resolve(alias: string): Promise<string | undefined> {
    const ids = this.store.transactionIds;
    const rec = await this.store.read((tx) => ids.get(tx, ALIAS_SCOPE, alias));
    return rec === undefined ? undefined : decoder.decode(rec.response);
  }

  async create(alias: string, roomId: string, _creator: string): Promise<void> {
    const ids = this.store.transactionIds;
    const ts = this.now();
    const taken = await this.store.write(function* (tx) {
      if ((yield* ids.get(tx, ALIAS_SCOPE, alias)) !== undefined) return true;
      yield* ids.put(tx, ALIAS_SCOPE, alias, { ts, response: encoder.encode(roomId) });
      return false;
    });
    if (taken) throw roomInUse(`Room alias ${alias} is already taken`);
  }

  /** The local aliases pointing to a room (a room upgrade moves them). */
  async ofRoom(roomId: string): Promise<string[]> {
    const ids = this.store.transactionIds;
    const all = await this.store.read((tx) => ids.list(tx, ALIAS_SCOPE));
    return all.filter((a) => decoder.decode(a.record.response) === roomId).map((a) => a.txnId);
  }

  /** Point an existing alias at another room (its creator is kept). */
  async repoint(alias: string, roomId: string): Promise<void> {
    const ids = this.store.transactionIds;
    const ts = this.now();
    await this.store.write(function* (tx) {
      yield* ids.put(tx, ALIAS_SCOPE, alias, { ts, response: encoder.encode(roomId) });
    });
  }

  async setVisibility(roomId: string, visibility: 'public' | 'private'): Promise<void> {
    const ids = this.store.transactionIds;
    const ts = this.now();
    await this.store.write(function* (tx) {
      yield* ids.put(tx, DIRECTORY_SCOPE, roomId, { ts, response: encoder.encode(visibility) });
    });
  }

  async visibility(roomId: string): Promise<'public' | 'private'> {
    const ids = this.store.transactionIds;
    const rec = await this.store.read((tx) => ids.get(tx, DIRECTORY_SCOPE, roomId));
    return rec !== undefined && decoder.decode(rec.response) === 'public' ? 'public' : 'private';
  }
}
