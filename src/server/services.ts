// Everything a handler can reach, constructed explicitly by src/server/index.ts
// (no service locator). Each service is typed as the interface its owner exports.
import type { Logger } from 'pino';
import type { Kernels } from '../accel/types.js';
import type { MyelinConfig } from '../config/types.js';
import type { SigningKey } from '../matrix/signing.js';
import type { RoomReader } from '../rooms/read/reader.js';
import type { RoomService } from '../rooms/service.js';
import type { Store } from '../store/index.js';
import type { Notifier } from '../sync/notifier.js';
import type { SyncService } from '../sync/service.js';
import type { UserService } from '../users/service.js';
import type { Metrics } from './metrics.js';
import type { RegistrationPolicy } from './registration-token.js';

export type { Notifier, RoomReader, SyncService };

export interface Clock {
  /** milliseconds since the epoch */
  now(): number;
}

export interface Services {
  readonly config: MyelinConfig;
  /** config.server_name, for building ids */
  readonly serverName: string;
  readonly store: Store;
  readonly kernels: Kernels;
  readonly clock: Clock;
  /** pino; never log access tokens, passwords or registration tokens */
  readonly log: Logger;
  readonly metrics: Metrics;
  /** our ed25519 signing key (src/server/signing-key.ts) */
  readonly signingKey: SigningKey;
  /** who may register: open, or the registration token to require (S3's UIA m.login.registration_token) */
  readonly registration: RegistrationPolicy;
  /** S3: accounts, tokens, devices, profile, presence, directory, account data, filters */
  readonly users: UserService;
  /** S2: room writes through the event pipeline */
  readonly rooms: RoomService;
  /** S4: room reads with history visibility */
  readonly roomReader: RoomReader;
  /** S5: /sync, typing, receipts, to-device */
  readonly sync: SyncService;
  /** S5: wakes /sync waiters on room events, account data, presence */
  readonly notifier: Notifier;
}
