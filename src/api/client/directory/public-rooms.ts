// GET and POST /_matrix/client/v3/publicRooms — client-server-api#get_matrixclientv3publicrooms,
// #post_matrixclientv3publicrooms. The local directory only; `since` is a `p<offset>` token.
import { route } from '../../route.js';
import { s } from '../../schema.js';
import { intQuery, optionalQuery } from '../rooms-read/params.js';

export const getPublicRoomsRoute = route({
  method: 'GET',
  path: '/_matrix/client/{v}/publicRooms',
  auth: 'optional_access_token',
  guests: true,
  rateLimit: 'default',
  spec: 'client-server-api#get_matrixclientv3publicrooms',
  handler: async ({ services, query }) => {
    const limit = intQuery(query, 'limit');
    const since = optionalQuery(query, 'since');
    const server = optionalQuery(query, 'server');
    return {
      body: await services.roomReader.publicRooms({
        ...(limit !== undefined ? { limit } : {}), ...(since !== undefined ? { since } : {}), ...(server !== undefined ? { server } : {}),
      }),
    };
  },
});

export const postPublicRoomsRoute = route({
  method: 'POST',
  path: '/_matrix/client/{v}/publicRooms',
  auth: 'access_token',
  guests: true,
  rateLimit: 'default',
  body: s.object({
    limit: s.int({ min: 0 }),
    since: s.string(),
    filter: s.object({ generic_search_term: s.string(), room_types: s.array(s.nullable(s.string())) }),
    include_all_networks: s.bool(),
    third_party_instance_id: s.string(),
  }),
  spec: 'client-server-api#post_matrixclientv3publicrooms',
  handler: async ({ services, query, body }) => {
    const server = optionalQuery(query, 'server');
    const f = body.filter;
    return {
      body: await services.roomReader.publicRooms({
        ...(typeof body.limit === 'number' ? { limit: body.limit } : {}),
        ...(typeof body.since === 'string' ? { since: body.since } : {}),
        ...(server !== undefined ? { server } : {}),
        ...(typeof f?.generic_search_term === 'string' ? { genericSearchTerm: f.generic_search_term } : {}),
        ...(f?.room_types !== undefined ? { roomTypes: f.room_types as (string | null)[] } : {}),
      }),
    };
  },
});
