// The reporting routes (spec: modules/report_content), listed once for src/api/client/index.ts.
import type { AnyRoute } from '../../route.js';
import { reportEventRoute } from './report-event.js';
import { reportRoomRoute } from './report-room.js';
import { reportUserRoute } from './report-user.js';

export const reportRoutes: readonly AnyRoute[] = [reportEventRoute, reportRoomRoute, reportUserRoute];
