// The room read endpoints (S4), listed once in src/api/client/index.ts.
import type { AnyRoute } from '../../route.js';
import { getStateRoute } from './get-state.js';
import { getStateEventEmptyKeyRoute, getStateEventRoute } from './get-state-event.js';
import { getMembersRoute } from './get-members.js';
import { getJoinedMembersRoute } from './get-joined-members.js';
import { getJoinedRoomsRoute } from './get-joined-rooms.js';
import { getMessagesRoute } from './get-messages.js';
import { getContextRoute } from './get-context.js';
import { getEventRoute } from './get-event.js';
import { getRoomAliasesRoute } from './get-room-aliases.js';
import { getRoomInitialSyncRoute } from './get-room-initial-sync.js';
import { directoryRoutes } from '../directory/routes.js';
import { relationsRoutes } from '../relations/get-relations.js';
import { getThreadsRoute } from '../relations/get-threads.js';
import { getTimestampToEventRoute } from './get-timestamp-to-event.js';
import { searchRoute } from '../search/search.js';

export const roomReadRoutes: readonly AnyRoute[] = [
  getStateRoute,
  getStateEventRoute,
  getStateEventEmptyKeyRoute,
  getMembersRoute,
  getJoinedMembersRoute,
  getJoinedRoomsRoute,
  getMessagesRoute,
  getContextRoute,
  getEventRoute,
  getRoomAliasesRoute,
  getRoomInitialSyncRoute,
  ...directoryRoutes,
  ...relationsRoutes,
  getThreadsRoute,
  getTimestampToEventRoute,
  searchRoute,
];
