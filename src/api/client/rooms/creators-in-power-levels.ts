// Rooms whose creators have infinite power (v12+) must not list a creator in the power
// levels' `users`; the auth rules refuse such an event, and Synapse answers a client that
// sends one with 400 rather than 403 (Complement TestPowerLevels). Checked before the write.
import { MatrixError, isMatrixError } from '../../errors.js';
import type { Requester } from '../../route.js';
import type { Services } from '../../../server/services.js';
import { roomVersion } from '../../../matrix/room-versions.js';

export async function refuseListedCreators(services: Services, requester: Requester, roomId: string, content: Record<string, unknown>): Promise<void> {
  const users = content.users;
  if (typeof users !== 'object' || users === null || Array.isArray(users)) return;
  let create: { sender?: unknown; content?: { room_version?: unknown; additional_creators?: unknown } };
  try {
    create = await services.roomReader.stateEvent(requester.userId, roomId, 'm.room.create', '', 'event') as typeof create;
  } catch (err) {
    if (isMatrixError(err)) return; // not readable or no such room: the write answers that
    throw err;
  }
  const version = typeof create.content?.room_version === 'string' ? create.content.room_version : '1';
  if (roomVersion(version)?.creatorsHaveInfinitePower !== true) return;
  const extra = Array.isArray(create.content?.additional_creators) ? create.content.additional_creators : [];
  for (const creator of [create.sender, ...extra]) {
    if (typeof creator === 'string' && Object.hasOwn(users, creator)) {
      throw new MatrixError(400, 'M_BAD_JSON', `${creator} created the room and has infinite power: it must not be listed in users`);
    }
  }
}
