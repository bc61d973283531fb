// GET /_matrix/client/versions — client-server-api#get_matrixclientversions
import { route } from '../../route.js';

/**
 * The spec versions whose client-server changes we serve. Each version is listed once what it
 * added to the core we implement is there (changelog/v1.*.md); left out of every version, as
 * whole modules: the media repository, end-to-end key endpoints, /search, room upgrades,
 * /hierarchy, 3PIDs, the application service API and the OAuth 2.0 API (GET /auth_metadata
 * answers 404, so clients use the legacy login). r0.6.1 is listed because clients still probe
 * for it before calling r0 paths.
 * Not listed yet, v1.18: invite blocking (m.invite_permission_config, M_INVITE_BLOCKED) and the
 * admin suspend/lock endpoints (m.room.redaction through PUT /send is served); v1.19:
 * GET /v1/mutual_rooms.
 */
export const SUPPORTED_SPEC_VERSIONS: readonly string[] = [
  'r0.5.0', 'r0.6.0', 'r0.6.1',
  'v1.1', 'v1.2', 'v1.3', 'v1.4', 'v1.5', 'v1.6', 'v1.7', 'v1.8', 'v1.9', 'v1.10', 'v1.11', 'v1.12',
  // v1.13–v1.14: room and user reports; v1.15: room summary; v1.16: profile fields, format=event,
  // use_state_after, room v12; v1.17: no legacy mention push rules, signed_curve25519 always counted.
  'v1.13', 'v1.14', 'v1.15', 'v1.16', 'v1.17',
];

/**
 * Unstable feature flags clients probe, each only for a feature that works here: threads
 * (/threads, thread aggregations: MSC3440), private read receipts (m.read.private: MSC2285),
 * the room_types filter of /publicRooms (MSC3827).
 */
export const UNSTABLE_FEATURES: Readonly<Record<string, boolean>> = {
  'org.matrix.msc2285.stable': true,
  'org.matrix.msc3440.stable': true,
  'org.matrix.msc3827.stable': true,
};

export const versionsRoute = route({
  method: 'GET',
  path: '/_matrix/client/versions',
  auth: 'optional_access_token',
  guests: true,
  rateLimit: 'none',
  spec: 'client-server-api#get_matrixclientversions',
  handler: () => ({ body: { versions: SUPPORTED_SPEC_VERSIONS, unstable_features: UNSTABLE_FEATURES } }),
});
