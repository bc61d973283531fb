// RoomService: every write a client makes to a room (create, membership changes,
// send, put state, redact). Each call builds an event, signs it with our server key
// and runs it through the event pipeline (src/rooms/pipeline), one writer per room.
// Rejections are MatrixErrors (M_FORBIDDEN carries the auth rule's reason).
// Spec: client-server-api#creation, #room-membership, #sending-events-to-a-room, #redactions.

import type { Requester } from '../api/route.js';

/** POST /createRoom body (client-server-api#post_matrixclientv3createroom). */
export interface CreateRoomRequest {
  readonly visibility?: 'public' | 'private';
  readonly room_alias_name?: string;
  readonly name?: string;
  readonly topic?: string;
  readonly invite?: readonly string[];
  readonly invite_3pid?: readonly unknown[];
  readonly room_version?: string;
  readonly creation_content?: Record<string, unknown>;
  readonly initial_state?: readonly { type: string; state_key?: string; content: Record<string, unknown> }[];
  readonly preset?: 'private_chat' | 'public_chat' | 'trusted_private_chat';
  readonly is_direct?: boolean;
  readonly power_level_content_override?: Record<string, unknown>;
}

export interface CreateRoomResult {
  readonly room_id: string;
  /** the alias created from room_alias_name, if any */
  readonly room_alias?: string;
}

/** What a membership change or send answers: the event the server accepted. */
export interface SentEvent {
  readonly event_id: string;
  readonly room_id: string;
}

export interface RoomService {
  createRoom(requester: Requester, request: CreateRoomRequest): Promise<CreateRoomResult>;
  /** Join a local room by id or alias. `reason` goes into the member event. */
  join(requester: Requester, roomIdOrAlias: string, opts?: { reason?: string; content?: Record<string, unknown> }): Promise<SentEvent>;
  leave(requester: Requester, roomId: string, opts?: { reason?: string }): Promise<SentEvent>;
  /** Forget a room the user has left (it disappears from their sync). */
  forget(requester: Requester, roomId: string): Promise<void>;
  invite(requester: Requester, roomId: string, userId: string, opts?: { reason?: string; isDirect?: boolean }): Promise<SentEvent>;
  kick(requester: Requester, roomId: string, userId: string, opts?: { reason?: string }): Promise<SentEvent>;
  ban(requester: Requester, roomId: string, userId: string, opts?: { reason?: string }): Promise<SentEvent>;
  unban(requester: Requester, roomId: string, userId: string, opts?: { reason?: string }): Promise<SentEvent>;
  knock(requester: Requester, roomIdOrAlias: string, opts?: { reason?: string }): Promise<SentEvent>;
  /** Send a message-like event; idempotent per (access token, txnId). */
  sendEvent(requester: Requester, roomId: string, type: string, content: Record<string, unknown>, txnId: string): Promise<SentEvent>;
  /** Put a state event; answers the existing event id when the content is unchanged. */
  setState(requester: Requester, roomId: string, type: string, stateKey: string, content: Record<string, unknown>): Promise<SentEvent>;
  /** Redact an event; idempotent per (access token, txnId). */
  redact(requester: Requester, roomId: string, eventId: string, reason: string | undefined, txnId: string): Promise<SentEvent>;
  /** Propagate a profile change into the user's member event in every room they are joined to (S3). */
  updateProfileInRooms(userId: string, displayname: string | null | undefined, avatarUrl: string | null | undefined): Promise<void>;
  /** Upgrade a room to another room version (client-server-api "Room Upgrades"); answers the replacement room's id. */
  upgradeRoom(requester: Requester, roomId: string, newVersion: string, opts?: { additionalCreators?: readonly string[] }): Promise<{ replacement_room: string }>;
  /** Resolve a local alias to a room id (undefined when unknown). */
  resolveAlias(alias: string): Promise<string | undefined>;
  /** Whether the user forgot the room (and has not joined, been invited or knocked since): sync hides it. */
  isForgotten(userId: string, roomId: string): Promise<boolean>;
}
