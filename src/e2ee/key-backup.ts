// Server-side key backups (spec: client-server-api#server-side-key-backups, key_backup.yaml):
// backup versions (create, current, read, update auth_data, delete) and the backed-up room
// keys in them. Versions are increasing integers per user, shown as strings (as Synapse).
// Keys are written only to the current version (403 M_WRONG_ROOM_KEYS_VERSION naming it);
// reads and deletes may name any version not deleted. Each request is one store write.
import { MatrixError, invalidParam, missingParam, notFound } from '../api/errors.js';
import type { Store } from '../store/index.js';
import type { BackedUpKey, BackedUpSession, BackupVersion } from '../store/repositories/key-backups.js';
import type { Op, ReadTx, WriteTx } from '../store/trees.js';

export interface KeyBackupDeps {
  readonly store: Store;
}

export type JsonObject = Record<string, unknown>;

/** KeyBackupData (definitions/key_backup_data.yaml), as validated by the routes' schemas. */
export interface KeyBackupData {
  readonly first_message_index: number;
  readonly forwarded_count: number;
  readonly is_verified: boolean;
  readonly session_data: JsonObject;
}

/** { roomId: { sessionId: KeyBackupData } } */
export type RoomKeysUpload = Readonly<Record<string, Readonly<Record<string, KeyBackupData>>>>;

export interface BackupVersionInfo {
  readonly algorithm: string;
  readonly auth_data: JsonObject;
  readonly version: string;
  readonly count: number;
  readonly etag: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const parseJson = (b: Uint8Array): JsonObject => JSON.parse(decoder.decode(b)) as JsonObject;

const unknownVersion = () => notFound('Unknown backup version');
const wrongVersion = (current: number) =>
  new MatrixError(403, 'M_WRONG_ROOM_KEYS_VERSION', 'Wrong backup version.', { current_version: String(current) });

/** Room and session ids become key parts: bounded like other Matrix ids. */
const MAX_ID_BYTES = 255;

/** A version path or query parameter: Synapse's versions are integers, anything else names no backup. */
function versionNumber(version: string): number | undefined {
  if (!/^[1-9][0-9]{0,14}$/.test(version)) return undefined;
  return Number(version);
}

function requireVersionParam(version: string | null): string {
  if (version === null) throw missingParam('version');
  return version;
}

function checkIds(roomId: string, sessionId?: string): void {
  if (!roomId.startsWith('!') || Buffer.byteLength(roomId, 'utf8') > MAX_ID_BYTES) {
    throw invalidParam(`${JSON.stringify(roomId)} is not a room id`);
  }
  if (sessionId !== undefined && (sessionId.length === 0 || Buffer.byteLength(sessionId, 'utf8') > MAX_ID_BYTES)) {
    throw invalidParam(`${JSON.stringify(sessionId)} is not a megolm session id`);
  }
}

function info(v: BackupVersion): BackupVersionInfo {
  return { algorithm: v.algorithm, auth_data: parseJson(v.authData), version: String(v.version), count: v.count, etag: String(v.etag) };
}

/**
 * The spec's rule for two keys of one session: the verified one wins; then the lower
 * first_message_index (it decrypts more); then the lower forwarded_count.
 */
export function replacesBackedUpKey(stored: BackedUpKey, offered: BackedUpKey): boolean {
  if (stored.isVerified !== offered.isVerified) return offered.isVerified;
  if (stored.firstMessageIndex !== offered.firstMessageIndex) return offered.firstMessageIndex < stored.firstMessageIndex;
  return offered.forwardedCount < stored.forwardedCount;
}

/** A version not deleted, or 404. */
function* liveVersion(deps: KeyBackupDeps, tx: ReadTx, userId: string, version: string): Op<BackupVersion> {
  const n = versionNumber(version);
  const v = n === undefined ? undefined : yield* deps.store.keyBackups.version(tx, userId, n);
  if (v === undefined || v.deleted) throw unknownVersion();
  return v;
}

export async function createBackupVersion(deps: KeyBackupDeps, userId: string, algorithm: string, authData: JsonObject): Promise<{ version: string }> {
  const bytes = encoder.encode(JSON.stringify(authData));
  const version = await deps.store.write((tx) => deps.store.keyBackups.create(tx, userId, algorithm, bytes));
  return { version: String(version) };
}

/** The current version's information, or 404 when there is none. */
export async function currentBackupVersion(deps: KeyBackupDeps, userId: string): Promise<BackupVersionInfo> {
  const v = await deps.store.read((tx) => deps.store.keyBackups.current(tx, userId));
  if (v === undefined) throw notFound('No current backup version');
  return info(v);
}

export async function backupVersion(deps: KeyBackupDeps, userId: string, version: string): Promise<BackupVersionInfo> {
  return info(await deps.store.read((tx) => liveVersion(deps, tx, userId, version)));
}

/** Only auth_data changes; the algorithm must stay and a version in the body must be this one. */
export async function updateBackupVersion(
  deps: KeyBackupDeps, userId: string, version: string, body: { algorithm: string; auth_data: JsonObject; version?: string },
): Promise<void> {
  if (body.version !== undefined && body.version !== version) throw invalidParam('Version in body does not match');
  const bytes = encoder.encode(JSON.stringify(body.auth_data));
  await deps.store.write(function* (tx) {
    const v = yield* liveVersion(deps, tx, userId, version);
    if (v.algorithm !== body.algorithm) throw invalidParam('Algorithm does not match');
    yield* deps.store.keyBackups.setAuthData(tx, userId, v, bytes);
  });
}

/** Delete a version and its keys; deleting it again succeeds (the spec), an unknown version is 404. */
export async function deleteBackupVersion(deps: KeyBackupDeps, userId: string, version: string): Promise<void> {
  const n = versionNumber(version);
  if (n === undefined) throw unknownVersion();
  await deps.store.write(function* (tx) {
    const v = yield* deps.store.keyBackups.version(tx, userId, n);
    if (v === undefined) throw unknownVersion();
    if (!v.deleted) yield* deps.store.keyBackups.markDeleted(tx, userId, v);
  });
}

/** Store keys in the current version: 404 without a backup, 403 naming the current version for any other. */
export async function putRoomKeys(
  deps: KeyBackupDeps, userId: string, version: string | null, rooms: RoomKeysUpload,
): Promise<{ etag: string; count: number }> {
  const requested = requireVersionParam(version);
  const sessions: BackedUpSession[] = [];
  for (const [roomId, byId] of Object.entries(rooms)) {
    for (const [sessionId, k] of Object.entries(byId)) {
      checkIds(roomId, sessionId);
      sessions.push({
        roomId, sessionId,
        firstMessageIndex: k.first_message_index,
        forwardedCount: k.forwarded_count,
        isVerified: k.is_verified,
        sessionData: encoder.encode(JSON.stringify(k.session_data)),
      });
    }
  }
  const counters = await deps.store.write(function* (tx: WriteTx) {
    const current = yield* deps.store.keyBackups.current(tx, userId);
    if (current === undefined) throw notFound(`Unknown backup version ${requested}`);
    if (String(current.version) !== requested) throw wrongVersion(current.version);
    return yield* deps.store.keyBackups.putSessions(tx, userId, current, sessions, replacesBackedUpKey);
  });
  return { etag: String(counters.etag), count: counters.count };
}

function keyData(k: BackedUpKey): KeyBackupData {
  return { first_message_index: k.firstMessageIndex, forwarded_count: k.forwardedCount, is_verified: k.isVerified, session_data: parseJson(k.sessionData) };
}

/** Every key of a version, by room: `{rooms: {roomId: {sessions: {...}}}}` (empty `rooms` when none). */
export async function getAllRoomKeys(deps: KeyBackupDeps, userId: string, version: string | null): Promise<{ rooms: JsonObject }> {
  const requested = requireVersionParam(version);
  const sessions = await deps.store.read(function* (tx) {
    const v = yield* liveVersion(deps, tx, userId, requested);
    return yield* deps.store.keyBackups.sessions(tx, userId, v.version);
  });
  const rooms: Record<string, { sessions: Record<string, KeyBackupData> }> = {};
  for (const s of sessions) (rooms[s.roomId] ??= { sessions: {} }).sessions[s.sessionId] = keyData(s);
  return { rooms };
}

/** One room's keys: `{sessions: {...}}`, empty when none. */
export async function getRoomKeys(deps: KeyBackupDeps, userId: string, version: string | null, roomId: string): Promise<{ sessions: JsonObject }> {
  const requested = requireVersionParam(version);
  const found = await deps.store.read(function* (tx) {
    const v = yield* liveVersion(deps, tx, userId, requested);
    return yield* deps.store.keyBackups.sessions(tx, userId, v.version, roomId);
  });
  const sessions: Record<string, KeyBackupData> = {};
  for (const s of found) sessions[s.sessionId] = keyData(s);
  return { sessions };
}

/** One session's key, or 404 (as Synapse) when it is not backed up. */
export async function getSessionKey(deps: KeyBackupDeps, userId: string, version: string | null, roomId: string, sessionId: string): Promise<KeyBackupData> {
  const requested = requireVersionParam(version);
  const [found] = await deps.store.read(function* (tx) {
    const v = yield* liveVersion(deps, tx, userId, requested);
    return yield* deps.store.keyBackups.sessions(tx, userId, v.version, roomId, sessionId);
  });
  if (found === undefined) throw notFound('No room_keys found');
  return keyData(found);
}

/** Delete keys (all, a room's, or one session's) from any version not deleted. */
export async function deleteRoomKeys(
  deps: KeyBackupDeps, userId: string, version: string | null, roomId?: string, sessionId?: string,
): Promise<{ etag: string; count: number }> {
  const requested = requireVersionParam(version);
  const counters = await deps.store.write(function* (tx) {
    const v = yield* liveVersion(deps, tx, userId, requested);
    return yield* deps.store.keyBackups.deleteSessions(tx, userId, v, roomId, sessionId);
  });
  return { etag: String(counters.etag), count: counters.count };
}
