// Everything a handler can reach, constructed explicitly by src/server/index.ts
// (no service locator). Each service is typed as the interface its owner exports.
import type { Logger } from 'pino';
import type { Kernels } from '../accel/types.js';
import type { MyelinConfig } from '../config/types.js';
import type { SigningKey } from '../matrix/signing.js';
import type { Store } from '../store/index.js';
import type { Metrics } from './metrics.js';
import type { UserService } from '../users/service.js';
import type { RoomService } from '../rooms/service.js';
import type { RegistrationPolicy } from './registration-token.js';

export interface Clock {
  /** milliseconds since the epoch */
  now(): number;
}

import type { RoomReader } from '../rooms/read/reader.js';
export type { RoomReader };
import type { SyncService } from '../sync/service.js';
import type { Notifier } from '../sync/notifier.js';
export type { SyncService, Notifier };

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
  readonly users: UserService;
  readonly rooms: RoomService;
  readonly roomReader: RoomReader;
  readonly sync: SyncService;
  readonly notifier: Notifier;
}
