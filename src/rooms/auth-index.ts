// Each room's auth-chain index (src/matrix/stateres/chain-index.ts), kept in
// memory once loaded and persisted by the store (auth_chain trees). State
// resolution adds the events it lacks; the pipeline saves what was added in the
// same write as the event that needed the resolution. Rooms without forks
// never build one.
import { ChainIndex } from '../matrix/stateres/index.js';
import type { Store } from '../store/index.js';
import type { Op, WriteTx } from '../store/trees.js';
import { readNow } from './event-source.js';

export class AuthIndexCache {
  private readonly byRoom = new Map<string, { index: ChainIndex; saved: number }>();

  constructor(private readonly store: Store) {}

  /** The room's index (loaded from the store the first time). */
  get(roomId: string): ChainIndex {
    let entry = this.byRoom.get(roomId);
    if (entry === undefined) {
      const authChain = this.store.authChain;
      const rows = readNow(this.store, (tx) => authChain.load(tx, roomId));
      const index = rows.eventIds.length === 0 ? new ChainIndex() : ChainIndex.fromSnapshot(rows);
      entry = { index, saved: rows.eventIds.length };
      this.byRoom.set(roomId, entry);
    }
    return entry.index;
  }

  /**
   * Whether the room's index may hold something to save: checked before starting the
   * `save` generator, which most events (rooms without forks have no index) do not need.
   */
  mayNeedSave(roomId: string): boolean {
    return this.byRoom.has(roomId);
  }

  /** Appends what the room's index gained since its last save (nothing when it did not grow). */
  *save(tx: WriteTx, roomId: string): Op<void> {
    const entry = this.byRoom.get(roomId);
    if (entry === undefined) return;
    const snapshot = entry.index.toSnapshot();
    if (snapshot.eventIds.length === entry.saved) return;
    yield* this.store.authChain.save(tx, roomId, snapshot);
    entry.saved = snapshot.eventIds.length;
  }
}
