// GET /_matrix/client/v3/capabilities — client-server-api#get_matrixclientv3capabilities
import { route } from '../../route.js';
import { KNOWN_ROOM_VERSIONS } from '../../../matrix/room-versions.js';

export const capabilitiesRoute = route({
  method: 'GET',
  path: '/_matrix/client/{v}/capabilities',
  auth: 'access_token',
  guests: true,
  rateLimit: 'default',
  spec: 'client-server-api#get_matrixclientv3capabilities',
  handler: ({ services }) => {
    const available: Record<string, 'stable' | 'unstable'> = {};
    for (const id of KNOWN_ROOM_VERSIONS) available[id] = 'stable';
    return {
      body: {
        capabilities: {
          'm.change_password': { enabled: true },
          'm.room_versions': { default: services.config.rooms.default_room_version, available },
          // v1.16: every profile field is the user's to change (m.set_* are its deprecated forerunners)
          'm.profile_fields': { enabled: true },
          'm.set_displayname': { enabled: true },
          'm.set_avatar_url': { enabled: true },
          'm.3pid_changes': { enabled: false },
        },
      },
    };
  },
});
