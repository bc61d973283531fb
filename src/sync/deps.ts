// What the sync services use, given by src/server/index.ts.
import type { Logger } from 'pino';
import type { RoomService } from '../rooms/service.js';
import type { Clock } from '../server/services.js';
import type { Store } from '../store/index.js';
import type { UserService } from '../users/service.js';
import type { Notifier } from './notifier.js';

export interface SyncDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly serverName: string;
  readonly notifier: Notifier;
  /** filters (getFilter) and presence (setPresence) */
  readonly users: Pick<UserService, 'getFilter' | 'setPresence'>;
  /** forgotten rooms are hidden from sync */
  readonly rooms: Pick<RoomService, 'isForgotten'>;
  readonly log?: Logger;
}
