// GET /.well-known/matrix/client — client-server-api#getwell-knownmatrixclient
import { route } from '../../route.js';
import { publicBaseUrl } from '../../../config/index.js';

export const wellKnownClientRoute = route({
  method: 'GET',
  path: '/.well-known/matrix/client',
  auth: 'none',
  rateLimit: 'none',
  spec: 'client-server-api#getwell-knownmatrixclient',
  handler: ({ services }) => {
    const baseUrl = services.config.well_known.client_base_url || publicBaseUrl(services.config);
    return { body: { 'm.homeserver': { base_url: baseUrl } } };
  },
});
