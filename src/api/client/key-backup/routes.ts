// Server-side key backup routes (src/e2ee/key-backup.ts), listed once for src/api/client/index.ts.
import type { AnyRoute } from '../../route.js';
import { createBackupVersionRoute } from './create-backup-version.js';
import { deleteBackupVersionRoute } from './delete-backup-version.js';
import { deleteAllRoomKeysRoute, deleteRoomKeysRoute, deleteSessionKeyRoute } from './delete-room-keys.js';
import { backupVersionRoute } from './get-backup-version.js';
import { currentBackupVersionRoute } from './get-current-backup-version.js';
import { getAllRoomKeysRoute, getRoomKeysRoute, getSessionKeyRoute } from './get-room-keys.js';
import { putAllRoomKeysRoute, putRoomKeysRoute, putSessionKeyRoute } from './put-room-keys.js';
import { updateBackupVersionRoute } from './update-backup-version.js';

export const keyBackupRoutes: readonly AnyRoute[] = [
  createBackupVersionRoute, currentBackupVersionRoute, backupVersionRoute, updateBackupVersionRoute, deleteBackupVersionRoute,
  putAllRoomKeysRoute, putRoomKeysRoute, putSessionKeyRoute,
  getAllRoomKeysRoute, getRoomKeysRoute, getSessionKeyRoute,
  deleteAllRoomKeysRoute, deleteRoomKeysRoute, deleteSessionKeyRoute,
];
