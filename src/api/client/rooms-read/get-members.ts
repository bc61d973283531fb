// GET /_matrix/client/v3/rooms/{roomId}/members — client-server-api#get_matrixclientv3roomsroomidmembers
import { invalidParam } from '../../errors.js';
import { route } from '../../route.js';
import { optionalQuery, roomIdParam } from './params.js';

const MEMBERSHIPS = ['join', 'invite', 'knock', 'leave', 'ban'];

function membershipQuery(query: URLSearchParams, name: string): string | undefined {
  const v = optionalQuery(query, name);
  if (v !== undefined && !MEMBERSHIPS.includes(v)) throw invalidParam(`${name} must be one of ${MEMBERSHIPS.join(', ')}`);
  return v;
}

export const getMembersRoute = route({
  method: 'GET',
  path: '/_matrix/client/{v}/rooms/{roomId}/members',
  auth: 'access_token',
  guests: true,
  rateLimit: 'none',
  spec: 'client-server-api#get_matrixclientv3roomsroomidmembers',
  handler: async ({ services, requester, params, query }) => {
    const at = optionalQuery(query, 'at');
    const membership = membershipQuery(query, 'membership');
    const notMembership = membershipQuery(query, 'not_membership');
    return {
      body: await services.roomReader.members(requester.userId, roomIdParam(params), {
        ...(at !== undefined ? { at } : {}),
        ...(membership !== undefined ? { membership } : {}),
        ...(notMembership !== undefined ? { notMembership } : {}),
      }),
    };
  },
});
