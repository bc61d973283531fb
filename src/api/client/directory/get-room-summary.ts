// GET /_matrix/client/v1/room_summary/{roomIdOrAlias} — client-server-api#get_matrixclientv1room_summaryroomidoralias
// (v1.15, MSC3266); also at MSC3266's unstable path, which matrix-js-sdk's getRoomSummary calls.
// A token is optional: without one only rooms anyone may join, knock on or read are summarised.
import { invalidParam } from '../../errors.js';
import { route, type RouteContext } from '../../route.js';

async function summary({ services, optionalRequester, params }: RouteContext<unknown>): Promise<{ body: unknown }> {
  const id = params.roomIdOrAlias ?? '';
  if (!id.startsWith('!') && !id.startsWith('#')) throw invalidParam(`${JSON.stringify(id)} is neither a room id nor a room alias`);
  return { body: await services.roomReader.roomSummary(optionalRequester?.userId, id) };
}

export const getRoomSummaryRoute = route({
  method: 'GET',
  path: '/_matrix/client/{v}/room_summary/{roomIdOrAlias}',
  versions: ['v1'],
  auth: 'optional_access_token',
  guests: true,
  rateLimit: 'default',
  spec: 'client-server-api#get_matrixclientv1room_summaryroomidoralias',
  handler: summary,
});

export const getRoomSummaryUnstableRoute = route({
  method: 'GET',
  path: '/_matrix/client/unstable/im.nheko.summary/summary/{roomIdOrAlias}',
  auth: 'optional_access_token',
  guests: true,
  rateLimit: 'default',
  spec: 'client-server-api#get_matrixclientv1room_summaryroomidoralias',
  handler: summary,
});
