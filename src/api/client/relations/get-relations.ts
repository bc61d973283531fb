// GET /_matrix/client/v1/rooms/{roomId}/relations/{eventId}[/{relType}[/{eventType}]]
// — client-server-api#get_matrixclientv1roomsroomidrelationseventid (and the relType / eventType
// variants). from/to/limit/dir paginate in stream order; `recurse` follows relations of relations.
import { invalidParam } from '../../errors.js';
import type { AnyRoute } from '../../route.js';
import { RELATIONS_RECURSION_DEPTH } from '../../../rooms/read/reader.js';
import { route, type RouteContext } from '../../route.js';
import { dirQuery, intQuery, optionalQuery, roomIdParam } from '../rooms-read/params.js';

async function handler({ services, requester, params, query }: RouteContext<undefined>) {
  const from = optionalQuery(query, 'from');
  const to = optionalQuery(query, 'to');
  const limit = intQuery(query, 'limit');
  const recurse = query.get('recurse');
  if (recurse !== null && recurse !== 'true' && recurse !== 'false') throw invalidParam('recurse must be true or false');
  const res = await services.roomReader.relations(requester.userId, roomIdParam(params), params.eventId!, {
    dir: dirQuery(query, 'b'),
    ...(params.relType !== undefined ? { relType: params.relType } : {}),
    ...(params.eventType !== undefined ? { eventType: params.eventType } : {}),
    ...(from !== undefined ? { from } : {}),
    ...(to !== undefined ? { to } : {}),
    ...(limit !== undefined ? { limit } : {}),
    recurse: recurse === 'true',
  }, requester.deviceId);
  // Present whenever the client gave `recurse` (spec): how many relations away events were looked for.
  if (recurse === null) return { body: res };
  return { body: { ...res, recursion_depth: recurse === 'true' ? RELATIONS_RECURSION_DEPTH : 1 } };
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
