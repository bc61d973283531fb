// Rooms a user has forgotten (client-server-api#post_matrixclientv3roomsroomidforget):
// kept per user in the transaction-ids repository (scope "forgotten"), value 1
// (forgotten) or 0 (joined again since). A later membership resets it.
import type { Store } from '../store/index.js';

const scope = (userId: string): string => `forgotten\u0000${userId}`;

export class ForgottenRooms {
  constructor(private readonly store: Store, private readonly now: () => number) {}

  async set(userId: string, roomId: string, forgotten: boolean): Promise<void> {
    const ids = this.store.transactionIds;
    const record = { ts: this.now(), response: Uint8Array.of(forgotten ? 1 : 0) };
    await this.store.write(function* (tx) {
      yield* ids.put(tx, scope(userId), roomId, record);
    });
  }

  async has(userId: string, roomId: string): Promise<boolean> {
    const ids = this.store.transactionIds;
    const rec = await this.store.read((tx) => ids.get(tx, scope(userId), roomId));
    return rec !== undefined && rec.response[0] === 1;
  }
}
