// GET /_matrix/client/v1/rooms/{roomId}/threads — client-server-api#get_matrixclientv1roomsroomidthreads
// Thread roots with their bundled aggregations, the most recently active thread first.
import { invalidParam } from '../../errors.js';
import { route } from '../../route.js';
import { intQuery, optionalQuery, roomIdParam } from '../rooms-read/params.js';

export const getThreadsRoute = route({
  method: 'GET',
  path: '/_matrix/client/{v}/rooms/{roomId}/threads',
  versions: ['v1'],
  auth: 'access_token',
  rateLimit: 'none',
  spec: 'client-server-api#get_matrixclientv1roomsroomidthreads',
  handler: async ({ services, requester, params, query }) => {
    const include = query.get('include') ?? 'all';
    if (include !== 'all' && include !== 'participated') throw invalidParam('include must be "all" or "participated"');
    const limit = intQuery(query, 'limit');
    if (limit === 0) throw invalidParam('limit must be greater than zero');
    const from = optionalQuery(query, 'from');
    const body = await services.roomReader.threads(requester.userId, roomIdParam(params), {
      include,
      ...(limit !== undefined ? { limit } : {}),
      ...(from !== undefined ? { from } : {}),
    }, requester.deviceId);
    return { body };
  },
});
