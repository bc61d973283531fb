// GET /_matrix/client/versions — client-server-api#get_matrixclientversions
import { route } from '../../route.js';

/**
 * The spec versions whose endpoints we serve. We implement the client-server core of
 * these (no media repository, no end-to-end key endpoints yet); r0.6.1 is listed because
 * clients still probe for it before calling r0 paths.
 */
export const SUPPORTED_SPEC_VERSIONS: readonly string[] = [
  'r0.5.0', 'r0.6.0', 'r0.6.1',
  'v1.1', 'v1.2', 'v1.3', 'v1.4', 'v1.5', 'v1.6', 'v1.7', 'v1.8', 'v1.9', 'v1.10', 'v1.11', 'v1.12',
];

export const versionsRoute = route({
  method: 'GET',
  path: '/_matrix/client/versions',
  auth: 'optional_access_token',
  guests: true,
  rateLimit: 'none',
  spec: 'client-server-api#get_matrixclientversions',
  handler: () => ({ body: { versions: SUPPORTED_SPEC_VERSIONS, unstable_features: {} } }),
});
