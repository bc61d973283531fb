// Server-side key backups (client-server-api#server-side-key-backups): per user, numbered
// versions (1, 2, ... never reused: a deleted version keeps its record, marked deleted) and,
// per version, the backed-up megolm session keys by room and session. Each version record
// carries its key count and an etag counter bumped whenever its keys change (as Synapse),
// so neither needs a scan. Which of two keys for one session to keep is the caller's rule
// (src/e2ee/key-backup.ts), passed in: the store holds no protocol logic.

import { NidKind, TREES } from '../catalogue.js';
import { ByteReader, ByteWriter, uintKey } from '../keys.js';
import type { Op, ReadTx, WriteTx } from '../trees.js';
import type { Interner } from './intern.js';

export interface BackupVersion {
  readonly version: number;
  readonly algorithm: string;
  /** the auth_data JSON bytes */
  readonly authData: Uint8Array;
  readonly etag: number;
  readonly count: number;
  readonly deleted: boolean;
}

export interface BackedUpKey {
  readonly firstMessageIndex: number;
  readonly forwardedCount: number;
  readonly isVerified: boolean;
  /** the session_data JSON bytes (encrypted by the client; opaque here) */
  readonly sessionData: Uint8Array;
}

export interface BackedUpSession extends BackedUpKey {
  readonly roomId: string;
  readonly sessionId: string;
}

/** A version's counters after a change of its keys. */
export interface BackupCounters {
  readonly etag: number;
  readonly count: number;
}

function versionKey(userNid: number, version: number): Buffer {
  return new ByteWriter(20).uint(userNid).uint(version).done();
}

function sessionsPrefix(userNid: number, version: number, roomId?: string): Buffer {
  const w = new ByteWriter(64).uint(userNid).uint(version);
  if (roomId !== undefined) w.str(roomId);
  return w.done();
}

function sessionKey(userNid: number, version: number, roomId: string, sessionId: string): Buffer {
  return new ByteWriter(128).uint(userNid).uint(version).str(roomId).tail(sessionId).done();
}

function encodeVersion(v: Omit<BackupVersion, 'version'>): Buffer {
  return new ByteWriter(v.authData.length + 64)
    .vuint(v.etag).vuint(v.count).u8(v.deleted ? 1 : 0).vstr(v.algorithm).bytes(v.authData).done();
}

function decodeVersion(version: number, value: Uint8Array): BackupVersion {
  const r = new ByteReader(value);
  const etag = r.vuint();
  const count = r.vuint();
  const deleted = r.u8() === 1;
  const algorithm = r.vstr();
  return { version, algorithm, authData: r.rest(), etag, count, deleted };
}

function encodeKey(k: BackedUpKey): Buffer {
  return new ByteWriter(k.sessionData.length + 24)
    .u8(k.isVerified ? 1 : 0).vuint(k.firstMessageIndex).vuint(k.forwardedCount).bytes(k.sessionData).done();
}

function decodeKey(value: Uint8Array): BackedUpKey {
  const r = new ByteReader(value);
  const isVerified = r.u8() === 1;
  const firstMessageIndex = r.vuint();
  const forwardedCount = r.vuint();
  return { isVerified, firstMessageIndex, forwardedCount, sessionData: r.rest() };
}

export class KeyBackups {
  constructor(private readonly intern: Interner) {}

  /** A version of the user's backup, deleted or not; undefined if it never existed. */
  *version(tx: ReadTx, userId: string, version: number): Op<BackupVersion | undefined> {
    const userNid = yield* this.intern.nid(tx, NidKind.user, userId);
    if (userNid === undefined) return undefined;
    const v = yield* tx.get(TREES.keyBackupVersions, versionKey(userNid, version));
    return v === undefined ? undefined : decodeVersion(version, v);
  }

  /** The current backup: the highest version not deleted (as Synapse: deleting the newest makes the one before current again). */
  *current(tx: ReadTx, userId: string): Op<BackupVersion | undefined> {
    const userNid = yield* this.intern.nid(tx, NidKind.user, userId);
    if (userNid === undefined) return undefined;
    for (const e of yield* tx.prefix(TREES.keyBackupVersions, uintKey(userNid), { reverse: true })) {
      const r = new ByteReader(e.key);
      r.uint();
      const v = decodeVersion(r.uint(), e.value);
      if (!v.deleted) return v;
    }
    return undefined;
  }

  /** A new version, numbered above every version the user ever had. */
  *create(tx: WriteTx, userId: string, algorithm: string, authData: Uint8Array): Op<number> {
    const userNid = yield* this.intern.intern(tx, NidKind.user, userId);
    const [last] = yield* tx.prefix(TREES.keyBackupVersions, uintKey(userNid), { reverse: true, limit: 1 });
    let version = 1;
    if (last !== undefined) {
      const r = new ByteReader(last.key);
      r.uint();
      version = r.uint() + 1;
    }
    tx.put(TREES.keyBackupVersions, versionKey(userNid, version), encodeVersion({ algorithm, authData, etag: 0, count: 0, deleted: false }));
    return version;
  }

  /** Replace a version's auth_data (the version must exist). */
  *setAuthData(tx: WriteTx, userId: string, version: BackupVersion, authData: Uint8Array): Op<void> {
    const userNid = yield* this.intern.intern(tx, NidKind.user, userId);
    tx.put(TREES.keyBackupVersions, versionKey(userNid, version.version), encodeVersion({ ...version, authData }));
  }

  /** Mark a version deleted and drop its keys. */
  *markDeleted(tx: WriteTx, userId: string, version: BackupVersion): Op<void> {
    const userNid = yield* this.intern.intern(tx, NidKind.user, userId);
    for (const e of yield* tx.prefix(TREES.keyBackupSessions, sessionsPrefix(userNid, version.version))) tx.delete(TREES.keyBackupSessions, e.key);
    tx.put(TREES.keyBackupVersions, versionKey(userNid, version.version), encodeVersion({ ...version, count: 0, etag: version.etag + 1, deleted: true }));
  }

  /** Drop every version and key of the user (account deactivation, as Synapse). */
  *deleteAll(tx: WriteTx, userId: string): Op<void> {
    const userNid = yield* this.intern.nid(tx, NidKind.user, userId);
    if (userNid === undefined) return;
    for (const tree of [TREES.keyBackupSessions, TREES.keyBackupVersions] as const) {
      for (const e of yield* tx.prefix(tree, uintKey(userNid))) tx.delete(tree, e.key);
    }
  }

  /**
   * Store keys in a version. A session already stored is replaced only when
   * `replaces(stored, offered)` says so. The etag moves when anything changed.
   */
  *putSessions(
    tx: WriteTx, userId: string, version: BackupVersion, sessions: readonly BackedUpSession[],
    replaces: (stored: BackedUpKey, offered: BackedUpKey) => boolean,
  ): Op<BackupCounters> {
    const userNid = yield* this.intern.intern(tx, NidKind.user, userId);
    let { count, etag } = version;
    let changed = false;
    for (const s of sessions) {
      const k = sessionKey(userNid, version.version, s.roomId, s.sessionId);
      const old = yield* tx.get(TREES.keyBackupSessions, k);
      if (old !== undefined && !replaces(decodeKey(old), s)) continue;
      if (old === undefined) count++;
      tx.put(TREES.keyBackupSessions, k, encodeKey(s));
      changed = true;
    }
    if (changed) {
      etag++;
      tx.put(TREES.keyBackupVersions, versionKey(userNid, version.version), encodeVersion({ ...version, count, etag }));
    }
    return { count, etag };
  }

  /** The keys of a version: all, one room's, or one session's. */
  *sessions(tx: ReadTx, userId: string, version: number, roomId?: string, sessionId?: string): Op<BackedUpSession[]> {
    const userNid = yield* this.intern.nid(tx, NidKind.user, userId);
    if (userNid === undefined) return [];
    if (roomId !== undefined && sessionId !== undefined) {
      const v = yield* tx.get(TREES.keyBackupSessions, sessionKey(userNid, version, roomId, sessionId));
      return v === undefined ? [] : [{ roomId, sessionId, ...decodeKey(v) }];
    }
    const out: BackedUpSession[] = [];
    for (const e of yield* tx.prefix(TREES.keyBackupSessions, sessionsPrefix(userNid, version, roomId))) {
      const r = new ByteReader(e.key);
      r.uint();
      r.uint();
      const room = r.str();
      out.push({ roomId: room, sessionId: r.tail(), ...decodeKey(e.value) });
    }
    return out;
  }

  /** Delete keys of a version: all, one room's, or one session's. The etag moves when any was stored. */
  *deleteSessions(tx: WriteTx, userId: string, version: BackupVersion, roomId?: string, sessionId?: string): Op<BackupCounters> {
    const userNid = yield* this.intern.intern(tx, NidKind.user, userId);
    let removed = 0;
    if (roomId !== undefined && sessionId !== undefined) {
      const k = sessionKey(userNid, version.version, roomId, sessionId);
      if ((yield* tx.get(TREES.keyBackupSessions, k)) !== undefined) {
        tx.delete(TREES.keyBackupSessions, k);
        removed = 1;
      }
    } else {
      for (const e of yield* tx.prefix(TREES.keyBackupSessions, sessionsPrefix(userNid, version.version, roomId))) {
        tx.delete(TREES.keyBackupSessions, e.key);
        removed++;
      }
    }
    if (removed === 0) return { count: version.count, etag: version.etag };
    const next = { count: version.count - removed, etag: version.etag + 1 };
    tx.put(TREES.keyBackupVersions, versionKey(userNid, version.version), encodeVersion({ ...version, ...next }));
    return next;
  }
}
