// The store: trees (one backend) + the typed repositories written over them.
// `openStore(config)` opens the configured backend, runs migrations and
// returns a Store. Reads: `store.read(tx => store.events.get(tx, id))`
// (synchronous on LMDB; await it anyway: other backends answer later).
// Writes: `await store.write(function* (tx) { ... })` — atomic, durable when
// the promise resolves, coalesced with other writes of the same turn.

import { LmdbBackend, type Durability } from './lmdb/backend.js';
import { migrate, SCHEMA_VERSION } from './migrations.js';
import type { Awaitable, Op, ReadTx, TreeBackend, TreeStats, WriteTx } from './trees.js';
import { AccountData } from './repositories/account-data.js';
import { Accounts } from './repositories/accounts.js';
import { AuthChainIndexStore } from './repositories/auth-chain.js';
import { Devices } from './repositories/devices.js';
import { E2eKeys } from './repositories/e2e-keys.js';
import { EventTxnIds } from './repositories/event-txn-ids.js';
import { Events, type PersistEventInput, type PersistedEvent } from './repositories/events.js';
import { ForwardExtremities } from './repositories/extremities.js';
import { Filters } from './repositories/filters.js';
import { Interner } from './repositories/intern.js';
import { KeyBackups } from './repositories/key-backups.js';
import { Memberships } from './repositories/membership.js';
import { Presence } from './repositories/presence.js';
import { Profiles } from './repositories/profiles.js';
import { StreamPositions } from './repositories/positions.js';
import { Receipts } from './repositories/receipts.js';
import { Relations } from './repositories/relations.js';
import { ServerKeys } from './repositories/server-keys.js';
import { StateSnapshots } from './repositories/state.js';
import { ToDevice } from './repositories/to-device.js';
import { TransactionIds } from './repositories/transaction-ids.js';
import { UiaSessions } from './repositories/uia-sessions.js';

export interface LmdbStoreConfig {
  readonly backend: 'lmdb';
  /** directory of the LMDB environment */
  readonly path: string;
  readonly mapSize?: number;
  /** `process`: acknowledged once in the OS page cache (default); `disk`: after fsync */
  readonly durability?: Durability;
  readonly flushIntervalMs?: number;
}

/** PostgreSQL will add its own config variant here. */
export type StoreConfig = LmdbStoreConfig;

export class Store {
  readonly intern = new Interner();
  readonly positions = new StreamPositions();
  readonly state = new StateSnapshots(this.intern);
  readonly membership = new Memberships(this.intern);
  readonly extremities = new ForwardExtremities(this.intern);
  readonly events = new Events(this.intern, this.state, this.extremities, this.positions);
  readonly authChain = new AuthChainIndexStore(this.intern);
  readonly accounts = new Accounts(this.intern);
  readonly devices = new Devices(this.intern);
  readonly accountData = new AccountData(this.intern, this.positions);
  readonly filters = new Filters(this.intern);
  readonly profiles = new Profiles(this.intern);
  readonly presence = new Presence(this.intern);
  readonly transactionIds = new TransactionIds();
  readonly eventTxnIds = new EventTxnIds(this.intern);
  readonly uiaSessions = new UiaSessions();
  readonly receipts = new Receipts(this.intern, this.positions);
  readonly toDevice = new ToDevice(this.intern, this.positions);
  readonly e2eKeys = new E2eKeys(this.intern, this.positions);
  readonly keyBackups = new KeyBackups(this.intern);
  readonly serverKeys = new ServerKeys();
  readonly relations = new Relations(this.intern);

  constructor(readonly backend: TreeBackend) {
    this.state.onCurrentStateChange((tx, roomNid, changes) => this.membership.apply(tx, roomNid, changes));
    this.events.onTimelineEvent((tx, eventNid, streamPos, input) => this.relations.index(tx, eventNid, streamPos, input.json, input.redacts));
  }

  read<T>(body: (tx: ReadTx) => Op<T>): Awaitable<T> {
    return this.backend.read(body);
  }

  /**
   * A read answered synchronously, for callers that cannot wait (the room
   * pipeline, state resolution): throws when the backend answers reads later.
   */
  readSync<T>(body: (tx: ReadTx) => Op<T>): T {
    if (this.backend.readSync !== undefined) return this.backend.readSync(body);
    const out = this.backend.read(body);
    if (out !== null && typeof out === 'object' && typeof (out as PromiseLike<T>).then === 'function') {
      throw new Error('store: this read needs a backend that answers reads synchronously (LMDB)');
    }
    return out as T;
  }

  write<T>(body: (tx: WriteTx) => Op<T>): Promise<T> {
    return this.backend.write(body);
  }

  /** Persist one event atomically (see Events.persist). */
  persistEvent(input: PersistEventInput): Promise<PersistedEvent> {
    return this.write((tx) => this.events.persist(tx, input));
  }

  /** Persist several events in one transaction, in order; all or none. */
  persistEvents(inputs: readonly PersistEventInput[]): Promise<PersistedEvent[]> {
    const events = this.events;
    return this.write(function* (tx) {
      const out: PersistedEvent[] = [];
      for (const input of inputs) out.push(yield* events.persist(tx, input));
      return out;
    });
  }

  stats(): Awaitable<readonly TreeStats[]> {
    return this.backend.stats();
  }

  close(): Promise<void> {
    return this.backend.close();
  }
}

/** Wrap an open backend: run migrations, return the store. */
export async function createStore(backend: TreeBackend): Promise<Store> {
  try {
    await migrate(backend);
  } catch (err) {
    await backend.close();
    throw err;
  }
  return new Store(backend);
}

export async function openStore(config: StoreConfig): Promise<Store> {
  switch (config.backend) {
    case 'lmdb':
      return createStore(new LmdbBackend({ path: config.path, mapSize: config.mapSize, durability: config.durability, flushIntervalMs: config.flushIntervalMs }));
    default:
      throw new Error(`store: unknown backend ${String((config as { backend: unknown }).backend)}`);
  }
}

export { SCHEMA_VERSION };
export type { StoreStats } from './stats.js';
export type { Durability } from './lmdb/backend.js';
