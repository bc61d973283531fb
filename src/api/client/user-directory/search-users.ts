// POST /_matrix/client/v3/user_directory/search — client-server-api#post_matrixclientv3user_directorysearch
import { route } from '../../route.js';
import { s } from '../../schema.js';

/** Default 10 (the spec's); at most 100 so one search stays cheap. */
const DEFAULT_LIMIT = 10;
const MAX_LIMIT = 100;

export const searchUsersRoute = route({
  method: 'POST',
  path: '/_matrix/client/{v}/user_directory/search',
  auth: 'access_token',
  rateLimit: 'default',
  body: s.object({ search_term: s.string({ maxLength: 255 }), limit: s.int({ min: 0 }) }, { required: ['search_term'] }),
  spec: 'client-server-api#post_matrixclientv3user_directorysearch',
  handler: async ({ services, requester, body }) => ({
    body: await services.users.searchUsers(requester, body.search_term, Math.min(body.limit ?? DEFAULT_LIMIT, MAX_LIMIT)),
  }),
});
