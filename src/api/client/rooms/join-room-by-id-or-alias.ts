// POST /_matrix/client/v3/join/{roomIdOrAlias} — client-server-api#post_matrixclientv3joinroomidoralias
import { route } from '../../route.js';
import { s } from '../../schema.js';
import { roomIdOrAliasParam } from './params.js';

/** Body keys that are request parameters, not member event content. */
const PARAMETERS = new Set(['reason', 'third_party_signed', 'membership', 'join_authorised_via_users_server']);

export const joinRoomByIdOrAliasRoute = route({
  method: 'POST',
  path: '/_matrix/client/{v}/join/{roomIdOrAlias}',
  auth: 'access_token',
  guests: true,
  rateLimit: 'join',
  body: s.object({ reason: s.string(), third_party_signed: s.record(s.any()) }),
  spec: 'client-server-api#post_matrixclientv3joinroomidoralias',
  // `via` / `server_name` name servers to join through: only local rooms are joinable until federation lands.
  handler: async ({ services, requester, params, body }) => {
    // Other keys of the body go into the member event's content, as Synapse does (sytest
    // "POST /join/:room_id can join a room with custom content").
    const content: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(body ?? {})) if (!PARAMETERS.has(k)) content[k] = v;
    const { room_id } = await services.rooms.join(requester, roomIdOrAliasParam(params), {
      ...(body?.reason !== undefined ? { reason: body.reason } : {}),
      ...(Object.keys(content).length > 0 ? { content } : {}),
    });
    return { body: { room_id } };
  },
});
