// Sync filters uploaded by clients: stored as given (JSON bytes), ids
// allocated from a store counter (unique across processes).

import { NidKind, TREES } from '../catalogue.js';
import { ByteWriter } from '../keys.js';
import type { Op, ReadTx, WriteTx } from '../trees.js';
import { allocate } from './counters.js';
import type { Interner } from './intern.js';

export interface FiltersRepository {
  /** Store a filter; returns its id. */
  create(tx: WriteTx, userId: string, filter: Uint8Array): Op<number>;
  get(tx: ReadTx, userId: string, filterId: number): Op<Uint8Array | undefined>;
}

export class Filters implements FiltersRepository {
  constructor(private readonly intern: Interner) {}

  *create(tx: WriteTx, userId: string, filter: Uint8Array): Op<number> {
    const userNid = yield* this.intern.intern(tx, NidKind.user, userId);
    const id = yield* allocate(tx, 'filter');
    tx.put(TREES.filters, new ByteWriter(16).uint(userNid).uint(id).done(), filter);
    return id;
  }

  *get(tx: ReadTx, userId: string, filterId: number): Op<Uint8Array | undefined> {
    if (!Number.isSafeInteger(filterId) || filterId < 0) return undefined;
    const userNid = yield* this.intern.nid(tx, NidKind.user, userId);
    if (userNid === undefined) return undefined;
    return yield* tx.get(TREES.filters, new ByteWriter(16).uint(userNid).uint(filterId).done());
  }
}
