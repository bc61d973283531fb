// THE client-server route list. Every endpoint file exports one route; add one import
// and one entry here (keep edits tiny: several people edit this file).
import type { AnyRoute } from '../route.js';
import { versionsRoute } from './server-info/versions.js';
import { wellKnownClientRoute } from './server-info/well-known-client.js';
import { wellKnownServerRoute } from './server-info/well-known-server.js';
import { capabilitiesRoute } from './server-info/capabilities.js';
import { usersRoutes } from './account/routes.js';
import { roomWriteRoutes } from './rooms/routes.js';
import { syncRoutes } from './sync/routes.js';
import { roomReadRoutes } from './rooms-read/routes.js';
import { keyBackupRoutes } from './key-backup/routes.js';
import { reportRoutes } from './report/routes.js';
import { keysRoutes } from './keys/routes.js';

export const clientRoutes: readonly AnyRoute[] = [
  // server info (S1)
  versionsRoute,
  wellKnownClientRoute,
  wellKnownServerRoute,
  capabilitiesRoute,
  // accounts, profile, devices, presence, user directory, account data, filters (S3)
  ...usersRoutes,
  // room writes: createRoom, membership, send, state, redact (S2)
  ...roomWriteRoutes,
  // room reads: state, members, messages, context, event, relations, aliases, directory (S4)
  ...roomReadRoutes,
  // sync, typing, receipts, read markers, to-device (S5)
  ...syncRoutes,
  // server-side key backup: versions and backed-up room keys
  ...keyBackupRoutes,
  // reporting events, rooms and users
  ...reportRoutes,
  // end-to-end encryption keys
  ...keysRoutes,
];
