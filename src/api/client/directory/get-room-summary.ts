// GET /_matrix/client/v1/room_summary/{roomIdOrAlias} — client-server-api#get_matrixclientv1room_summaryroomidoralias
import { roomSummary } from '../../../rooms/read/room-summary.js';
import { notFound } from '../../errors.js';
import { route } from '../../route.js';
import { roomIdOrAliasParam } from '../rooms/params.js';

export const getRoomSummaryRoute = route({
  method: 'GET',
  path: '/_matrix/client/{v}/room_summary/{roomIdOrAlias}',
  versions: ['v1'],
  // Unauthenticated callers get the summaries of open and world_readable rooms (spec: MAY).
  auth: 'optional_access_token',
  guests: true,
  rateLimit: 'default',
  spec: 'client-server-api#get_matrixclientv1room_summaryroomidoralias',
  handler: async ({ services, optionalRequester, params }) => {
    const idOrAlias = roomIdOrAliasParam(params);
    // `via` is for a summary fetched over federation, which this server does not do.
    const roomId = idOrAlias.startsWith('#') ? (await services.roomReader.resolveAlias(idOrAlias)).room_id : idOrAlias;
    const { store } = services;
    const summary = await store.read((tx) => roomSummary(tx, store, roomId, optionalRequester?.userId));
    if (summary === undefined) throw notFound('Room not found or not accessible');
    return { body: summary };
  },
});
