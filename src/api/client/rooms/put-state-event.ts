// PUT /_matrix/client/v3/rooms/{roomId}/state/{eventType}/{stateKey} — client-server-api#put_matrixclientv3roomsroomidstateeventtypestatekey
import { route } from '../../route.js';
import { s } from '../../schema.js';
import { roomIdParam } from './params.js';
import { refuseListedCreators } from './creators-in-power-levels.js';

export const putStateEventRoute = route({
  method: 'PUT',
  path: '/_matrix/client/{v}/rooms/{roomId}/state/{eventType}/{stateKey}',
  auth: 'access_token',
  guests: true,
  rateLimit: 'message',
  body: s.record(s.any()),
  spec: 'client-server-api#put_matrixclientv3roomsroomidstateeventtypestatekey',
  handler: async ({ services, requester, params, body }) => {
    if (params.eventType === 'm.room.power_levels' && (params.stateKey ?? '') === '' && body !== undefined) await refuseListedCreators(services, requester, roomIdParam(params), body);
    const { event_id } = await services.rooms.setState(requester, roomIdParam(params), params.eventType!, params.stateKey ?? '', body ?? {});
    return { body: { event_id } };
  },
});
