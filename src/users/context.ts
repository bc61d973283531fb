// What every part of UserService uses, built once by createUserService (src/users/index.ts).
import type { Logger } from 'pino';
import type { RegistrationPolicy } from '../server/registration-token.js';
import type { Clock } from '../server/services.js';
import type { Store } from '../store/index.js';
import type { ScryptParams } from '../store/password.js';
import type { RoomService } from '../rooms/service.js';
import type { UserEvents } from './service.js';
import { UiaSessions } from './uia.js';

export interface UserServiceDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly serverName: string;
  readonly registration: RegistrationPolicy;
  readonly log?: Logger;
  /** RoomService is built after UserService (it reads profiles): reached lazily. */
  readonly rooms?: () => RoomService | undefined;
  readonly events?: UserEvents;
  /** scrypt cost for new password hashes (default: src/store/password.ts DEFAULT_SCRYPT) */
  readonly passwordHashing?: ScryptParams;
}

export interface UsersContext extends UserServiceDeps {
  readonly uia: UiaSessions;
  readonly events: UserEvents;
  readonly rooms: () => RoomService | undefined;
}

export function usersContext(deps: UserServiceDeps): UsersContext {
  return {
    ...deps,
    uia: new UiaSessions(deps.clock),
    events: deps.events ?? {},
    rooms: deps.rooms ?? (() => undefined),
  };
}
