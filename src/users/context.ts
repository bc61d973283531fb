// What every part of UserService uses, built once by createUserService (src/users/index.ts).
import type { Logger } from 'pino';
import type { RegistrationPolicy } from '../server/registration-token.js';
import type { Clock } from '../server/services.js';
import type { Store } from '../store/index.js';
import { DEFAULT_SCRYPT, type ScryptParams } from '../store/password.js';
import type { RoomService } from '../rooms/service.js';
import type { UserEvents } from './service.js';
import { SessionCache } from './sessions.js';
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
  /** when each device's last_seen_ts was last written by this process ("userId|deviceId" → ms) */
  readonly lastSeen: Map<string, number>;
  /** access tokens already authenticated by this process (src/users/sessions.ts) */
  readonly sessions: SessionCache;
}

/**
 * MYELIN_SCRYPT_LN=<10..20> sets log2(N) of new password hashes when the composition passes no
 * `passwordHashing`: test suites use 10 (about a millisecond instead of a second per hash).
 * Existing hashes keep verifying with the parameters stored in them.
 */
export function passwordHashingFromEnv(env: NodeJS.ProcessEnv = process.env): ScryptParams | undefined {
  const ln = Number(env.MYELIN_SCRYPT_LN);
  return Number.isInteger(ln) && ln >= 10 && ln <= 20 ? { ...DEFAULT_SCRYPT, ln, p: 1 } : undefined;
}

export function usersContext(deps: UserServiceDeps): UsersContext {
  const passwordHashing = deps.passwordHashing ?? passwordHashingFromEnv();
  return {
    ...deps,
    ...(passwordHashing !== undefined ? { passwordHashing } : {}),
    uia: new UiaSessions(deps.store, deps.clock),
    events: deps.events ?? {},
    rooms: deps.rooms ?? (() => undefined),
    lastSeen: new Map(),
    sessions: new SessionCache(),
  };
}
