// GET /_matrix/client/v3/login — client-server-api#get_matrixclientv3login
import { route } from '../../route.js';

export const loginFlowsRoute = route({
  method: 'GET',
  path: '/_matrix/client/{v}/login',
  auth: 'none',
  rateLimit: 'login',
  spec: 'client-server-api#get_matrixclientv3login',
  handler: ({ services }) => ({ body: { flows: services.users.loginFlows() } }),
});
