// Every tree of the store, with its key layout. This file is the schema:
// LMDB opens one named database per entry, PostgreSQL will create one table
// per entry (key bytea primary key, value bytea).
//
// Notation: `nid(kind)` is an interned string id (ordered uint, see keys.ts and
// repositories/intern.ts); `uint` an ordered uint; `str` a self-delimiting
// ordered string; `tail` raw UTF-8 to the end of the key; `+` concatenation.
// Values marked {record} use the varint record codec of the repository that
// owns the tree; {json} is UTF-8 JSON (cold, small records).

export const TREES = {
  // --- store-wide ---------------------------------------------------------
  /** utf8 name → value. "schema" → uint schema version. */
  meta: 'meta',
  /** utf8 counter name → uint last allocated value (stream positions, nids, snapshot ids). */
  counters: 'counters',
  /** kind:u8 + utf8 string (or 0xFF + sha256 for long strings) → uint nid */
  internByString: 'intern.by_string',
  /** kind:u8 + uint nid → utf8 string */
  internById: 'intern.by_id',

  // --- events ---------------------------------------------------------------
  /** nid(event) → {record} EventRecord (room, type, sender, depth, status, stream, state ids, prev/auth nids) */
  events: 'events.meta',
  /** nid(event) → canonical JSON bytes, opaque to the store */
  eventJson: 'events.json',
  /** nid(room) + uint stream → nid(event): the room timeline (accepted, non-outlier events) */
  roomTimeline: 'events.by_room_stream',
  /** uint stream → nid(room) + nid(event): all timelines interleaved (sync across rooms) */
  streamOrder: 'events.by_stream',
  /** nid(room) + uint depth + nid(event) → '' : topological order (backfill, /messages by depth) */
  roomDepth: 'events.by_room_depth',
  /** nid(prev event) + nid(event) → '' : DAG edges from a prev event to the events citing it */
  eventChildren: 'events.children',
  /** nid(room) + nid(event) → '' : outliers (events without state: auth chains, invites) */
  outliers: 'events.outliers',
  /** nid(event) → utf8 reason: rejected events, kept apart from every timeline and state */
  rejected: 'events.rejected',

  // --- room state -------------------------------------------------------------
  /** uint snapshot → {record} SnapshotRecord (room, parent, ordinal, base, entry count) */
  snapshots: 'state.snapshots',
  /**
   * uint snapshot + uint bucket (nid(statekey) >> 9) → the snapshot's delta against its base for that
   * bucket: sorted 8-byte records (u16 nid(statekey) & 511, u48 nid(event), 0 = removed)
   */
  snapshotDeltas: 'state.deltas',
  /** nid(room) + nid(statekey) → nid(event): the room's current state, materialised */
  currentState: 'state.current',
  /** nid(room) → {record} RoomRecord (current snapshot) */
  rooms: 'rooms',
  /** nid(room) + nid(event) → '' : forward extremities */
  forwardExtremities: 'rooms.forward_extremities',
  /** nid(room) + nid(user) → nid(event) + membership:tail (current membership) */
  membershipByRoom: 'membership.by_room',
  /** nid(user) + nid(room) → nid(event) + membership:tail */
  membershipByUser: 'membership.by_user',
  /** nid(event) → {record} chain, seq: the event's position in its room's chain cover index */
  authChainIndex: 'auth_chain.by_event',
  /**
   * The chain cover index of src/matrix/stateres/chain-index.ts, append-only, per room:
   *   nid(room) + 'e' + uint insertion no → {record} nid(event), chain, seq, nid(statekey)
   *   nid(room) + 'l' + uint link no      → {record} chain, seq, target chain, target seq
   *   nid(room) + 'n'                     → {record} events stored, links stored
   */
  authChainRoom: 'auth_chain.by_room',

  // --- users and devices ---------------------------------------------------
  /** nid(user) → {json} AccountRecord (password hash, flags, timestamps) */
  accounts: 'accounts',
  /** nid(user) + str device id → {json} DeviceRecord */
  devices: 'devices',
  /** sha256(access token) → {json} AccessTokenRecord (user, device, expiry). Tokens are never stored in clear. */
  accessTokens: 'tokens.access',
  /** nid(user) + str device id + sha256(token) → '' (log out a device / everywhere) */
  tokensByDevice: 'tokens.by_device',
  /** nid(user) + nid(room) (0 = global) + tail type → uint stream + content bytes */
  accountData: 'account_data',
  /** nid(user) + uint stream → nid(room) + tail type (changes since a sync token) */
  accountDataStream: 'account_data.by_stream',
  /** nid(user) + uint filter id → filter JSON bytes */
  filters: 'filters',
  /** nid(user) → {json} ProfileRecord (displayname, avatar_url) */
  profiles: 'profiles',
  /** nid(user) → {json} PresenceRecord (presence, status message, last active ts) */
  presence: 'presence',
  /** str scope + tail txn id → uint ts + response bytes (client and federation transaction ids) */
  transactionIds: 'txn_ids',
  /** nid(event) → str device id + tail txn id: the local device that sent the event (unsigned.transaction_id) */
  eventTxnIds: 'events.txn_ids',
  /** utf8 session id (12 hex digits of the creation ms, then random: key order is age order) → {json} UIA session */
  uiaSessions: 'uia_sessions',

  // --- ephemeral, streamed -------------------------------------------------
  /** nid(room) + str receipt type + nid(user) + str thread id → {record} receipt (event, ts, data, stream) */
  receipts: 'receipts',
  /** uint stream → nid(room) + str receipt type + nid(user) + str thread: receipts since a token */
  receiptsStream: 'receipts.by_stream',
  /** nid(user) + str device id + uint stream → message JSON bytes (the device's inbox) */
  toDevice: 'to_device',

  // --- end-to-end encryption -------------------------------------------------
  /** nid(user) + str device id → signed device keys JSON */
  deviceKeys: 'e2e.device_keys',
  /** nid(user) + str device id + str algorithm + tail key id → key JSON */
  oneTimeKeys: 'e2e.one_time_keys',
  /** nid(user) + str device id + tail algorithm → {json} fallback key (key id, key, used) */
  fallbackKeys: 'e2e.fallback_keys',
  /** nid(user) + tail usage (master, self_signing, user_signing) → cross-signing key JSON */
  crossSigningKeys: 'e2e.cross_signing',
  /** uint stream → nid(user): device list changes (sync device_lists, federation) */
  deviceListStream: 'e2e.device_lists',
  /** nid(user) + uint version → server-side key backup version: vuint etag, vuint count, u8 deleted, vstr algorithm, auth_data JSON */
  keyBackupVersions: 'e2e.backup_versions',
  /** nid(user) + uint version + str room id + tail session id → backed-up key: u8 is_verified, vuint first_message_index, vuint forwarded_count, session_data JSON */
  keyBackupSessions: 'e2e.backup_sessions',

  // --- relations --------------------------------------------------------------------------------
  /** nid(target event) + str rel_type ('m.room.redaction' for redactions) + uint stream pos + nid(event) → empty */
  relations: 'events.relations',
  // --- federation -----------------------------------------------------------------
  /** tail key id → {json} our signing key (seed, created, expired) */
  ownSigningKeys: 'keys.own',
  /** str server name + tail key id → {json} fetched verify key (key, valid until, expired, fetched) */
  remoteSigningKeys: 'keys.remote',
} as const;

export type TreeName = (typeof TREES)[keyof typeof TREES];

export const ALL_TREES: readonly TreeName[] = Object.values(TREES);

/** Interned string kinds (first byte of intern keys). Never renumber: they are on disk. */
export const NidKind = {
  event: 1,
  room: 2,
  user: 3,
  /** `type \0 state_key`, the StateKey of src/matrix/pdu.ts */
  stateKey: 4,
  /** event types (stored in event records) */
  eventType: 5,
} as const;
export type NidKind = (typeof NidKind)[keyof typeof NidKind];

/** Streams with store-allocated positions (counters named `stream.<name>`). */
export const STREAMS = ['events', 'account_data', 'receipts', 'to_device', 'device_lists'] as const;
export type StreamName = (typeof STREAMS)[number];
