// GET /_matrix/client/v1/rooms/{roomId}/relations/{eventId}[/{relType}[/{eventType}]]
// — client-server-api#get_matrixclientv1roomsroomidrelationseventid (and the relType / eventType
// variants). from/to/limit/dir paginate in stream order; `recurse` is not supported (answered as false).
import type { AnyRoute } from '../../route.js';
import { route, type RouteContext } from '../../route.js';
import { dirQuery, intQuery, optionalQuery, roomIdParam } from '../rooms-read/params.js';

async function handler({ services, requester, params, query }: RouteContext<undefined>) {
  const from = optionalQuery(query, 'from');
  const to = optionalQuery(query, 'to');
  const limit = intQuery(query, 'limit');
  const res = await services.roomReader.relations(requester.userId, roomIdParam(params), params.eventId!, {
    dir: dirQuery(query, 'b'),
    ...(params.relType !== undefined ? { relType: params.relType } : {}),
    ...(params.eventType !== undefined ? { eventType: params.eventType } : {}),
    ...(from !== undefined ? { from } : {}),
    ...(to !== undefined ? { to } : {}),
    ...(limit !== undefined ? { limit } : {}),
  }, requester.deviceId);
  return { body: query.get('recurse') === 'true' ? { ...res, recursion_depth: 1 } : res };
}

const base = {
  method: 'GET',
  versions: ['v1'],
  auth: 'access_token',
  rateLimit: 'none',
  spec: 'client-server-api#get_matrixclientv1roomsroomidrelationseventid',
  handler,
} as const;

export const relationsRoutes: readonly AnyRoute[] = [
  route({ ...base, path: '/_matrix/client/{v}/rooms/{roomId}/relations/{eventId}' }),
  route({ ...base, path: '/_matrix/client/{v}/rooms/{roomId}/relations/{eventId}/{relType}' }),
  route({ ...base, path: '/_matrix/client/{v}/rooms/{roomId}/relations/{eventId}/{relType}/{eventType}' }),
];
