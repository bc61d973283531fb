// GET /.well-known/matrix/server — server-server-api#getwell-knownmatrixserver
import { notFound } from '../../errors.js';
import { route } from '../../route.js';

/** Delegation for federation; served only when config well_known.server is set. */
export const wellKnownServerRoute = route({
  method: 'GET',
  path: '/.well-known/matrix/server',
  auth: 'none',
  rateLimit: 'none',
  spec: 'server-server-api#getwell-knownmatrixserver',
  handler: ({ services }) => {
    const delegated = services.config.well_known.server;
    if (!delegated) throw notFound('No server delegation configured');
    return { body: { 'm.server': delegated } };
  },
});
