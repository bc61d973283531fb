import type { Pdu } from '../pdu.js';
import type { RoomVersionRules } from '../room-versions.js';

/** A PDU that does not follow its room version's event format. */
export class PduFormatError extends Error {
  override readonly name = 'PduFormatError';
  constructor(readonly reason: string) {
    super(reason);
  }
}

export function parsePdu(_rules: RoomVersionRules, _json: Record<string, unknown>, _eventId?: string): Pdu {
  throw new PduFormatError('not yet implemented');
}
