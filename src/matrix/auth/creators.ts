// Who created the room: content.creator (v1–v10), the create event's sender
// (v11), plus content.additional_creators (v12).
import type { Pdu } from '../pdu.js';
import type { RoomVersionRules } from '../room-versions.js';

export function roomCreators(rules: RoomVersionRules, create: Pdu): string[] {
  if (!rules.creatorFromSender) {
    const creator = create.content.creator;
    return typeof creator === 'string' ? [creator] : [];
  }
  const creators = [create.sender];
  if (rules.creatorsHaveInfinitePower) {
    const extra = create.content.additional_creators;
    if (Array.isArray(extra)) for (const u of extra) if (typeof u === 'string') creators.push(u);
  }
  return creators;
}
