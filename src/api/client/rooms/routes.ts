// The room write endpoints (S2), listed once in src/api/client/index.ts.
import type { AnyRoute } from '../../route.js';
import { createRoomRoute } from './create-room.js';
import { joinRoomByIdOrAliasRoute } from './join-room-by-id-or-alias.js';
import { joinRoomRoute } from './join-room.js';
import { leaveRoomRoute } from './leave-room.js';
import { forgetRoomRoute } from './forget-room.js';
import { inviteUserRoute } from './invite-user.js';
import { kickUserRoute } from './kick-user.js';
import { banUserRoute } from './ban-user.js';
import { unbanUserRoute } from './unban-user.js';
import { knockRoomRoute } from './knock-room.js';
import { sendEventRoute } from './send-event.js';
import { putStateEventRoute } from './put-state-event.js';
import { putStateEventEmptyKeyRoute } from './put-state-event-empty-key.js';
import { redactEventRoute } from './redact-event.js';
import { postSendEventRoute } from './post-send-event.js';
import { postRedactEventRoute } from './post-redact-event.js';
import { upgradeRoomRoute } from './upgrade-room.js';

export const roomWriteRoutes: readonly AnyRoute[] = [
  createRoomRoute,
  joinRoomByIdOrAliasRoute,
  joinRoomRoute,
  leaveRoomRoute,
  forgetRoomRoute,
  inviteUserRoute,
  kickUserRoute,
  banUserRoute,
  unbanUserRoute,
  knockRoomRoute,
  sendEventRoute,
  putStateEventRoute,
  putStateEventEmptyKeyRoute,
  redactEventRoute,
  postSendEventRoute,
  postRedactEventRoute,
  upgradeRoomRoute,
];
