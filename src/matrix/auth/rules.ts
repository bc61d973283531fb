import type { Pdu } from '../pdu.js';
import type { RoomVersionRules } from '../room-versions.js';
import type { AuthResult, AuthState } from './index.js';

export function authorize(_rules: RoomVersionRules, _event: Pdu, _authState: AuthState): AuthResult {
  return { allowed: false, reason: 'auth rules not yet implemented' };
}
