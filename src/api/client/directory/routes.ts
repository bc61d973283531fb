// Aliases and the local room directory (S4).
import type { AnyRoute } from '../../route.js';
import { getRoomAliasRoute } from './get-room-alias.js';
import { putRoomAliasRoute } from './put-room-alias.js';
import { deleteRoomAliasRoute } from './delete-room-alias.js';
import { getRoomVisibilityRoute } from './get-room-visibility.js';
import { putRoomVisibilityRoute } from './put-room-visibility.js';
import { getPublicRoomsRoute, postPublicRoomsRoute } from './public-rooms.js';
import { getRoomSummaryRoute } from './get-room-summary.js';

export const directoryRoutes: readonly AnyRoute[] = [
  getRoomAliasRoute,
  putRoomAliasRoute,
  deleteRoomAliasRoute,
  getRoomVisibilityRoute,
  putRoomVisibilityRoute,
  getPublicRoomsRoute,
  postPublicRoomsRoute,
  getRoomSummaryRoute,
];
