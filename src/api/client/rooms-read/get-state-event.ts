// GET /_matrix/client/v3/rooms/{roomId}/state/{eventType}/{stateKey} (and without the state key)
// — client-server-api#get_matrixclientv3roomsroomidstateeventtypestatekey. `format=event` answers the whole event.
import { invalidParam } from '../../errors.js';
import { route, type RouteContext } from '../../route.js';
import { roomIdParam } from './params.js';

async function handler({ services, requester, params, query }: RouteContext<undefined>) {
  const format = query.get('format') ?? 'content';
  if (format !== 'content' && format !== 'event') throw invalidParam('format must be "content" or "event"');
  return {
    body: await services.roomReader.stateEvent(requester.userId, roomIdParam(params), params.eventType!, params.stateKey ?? '', format),
  };
}

export const getStateEventRoute = route({
  method: 'GET',
  path: '/_matrix/client/{v}/rooms/{roomId}/state/{eventType}/{stateKey}',
  auth: 'access_token',
  guests: true,
  rateLimit: 'none',
  spec: 'client-server-api#get_matrixclientv3roomsroomidstateeventtypestatekey',
  handler,
});

export const getStateEventEmptyKeyRoute = route({
  method: 'GET',
  path: '/_matrix/client/{v}/rooms/{roomId}/state/{eventType}',
  auth: 'access_token',
  guests: true,
  rateLimit: 'none',
  spec: 'client-server-api#get_matrixclientv3roomsroomidstateeventtypestatekey',
  handler,
});
