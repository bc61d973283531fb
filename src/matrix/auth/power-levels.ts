import type { RoomVersionRules } from '../room-versions.js';
import type { AuthState } from './index.js';

export function userPowerLevel(_rules: RoomVersionRules, _userId: string, _authState: AuthState): number {
  return 0;
}
