// User directory search: users who share a joined room with the requester, and users
// joined to public rooms (join rule "public") or world-readable ones, matched
// case-insensitively on user id and display name, every word of the term. Spec: client-server-api#post_matrixclientv3user_directorysearch.
// Candidates are gathered per search from the membership index; a maintained directory
// index is the step to take when servers hold many thousands of rooms.
import type { Requester } from '../api/route.js';
import { TREES } from '../store/catalogue.js';
import { readUint } from '../store/keys.js';
import { NidKind } from '../store/catalogue.js';
import type { Op, ReadTx } from '../store/trees.js';
import type { Store } from '../store/index.js';
import type { UsersContext } from './context.js';
import type { DirectoryResult } from './service.js';

function* stateContent(store: Store, tx: ReadTx, roomId: string, type: string): Op<Record<string, unknown> | undefined> {
  const eventId = yield* store.state.currentEntry(tx, roomId, type, '');
  return eventId === undefined ? undefined : yield* eventContent(store, tx, eventId);
}

function* eventContent(store: Store, tx: ReadTx, eventId: string): Op<Record<string, unknown> | undefined> {
  const json = yield* store.events.json(tx, eventId);
  if (json === undefined) return undefined;
  try {
    const content = (JSON.parse(Buffer.from(json).toString('utf8')) as { content?: unknown }).content;
    return typeof content === 'object' && content !== null && !Array.isArray(content) ? content as Record<string, unknown> : undefined;
  } catch {
    return undefined;
  }
}

/** Rooms whose members anyone may find: a public join rule or world-readable history (the spec's minimum). */
function* isDirectoryRoom(store: Store, tx: ReadTx, roomId: string): Op<boolean> {
  if ((yield* stateContent(store, tx, roomId, 'm.room.join_rules'))?.join_rule === 'public') return true;
  return (yield* stateContent(store, tx, roomId, 'm.room.history_visibility'))?.history_visibility === 'world_readable';
}

/**
 * Candidate users, each with a member event of theirs (remote users' names come from it). The
 * requester is one only through a directory room: sharing a private room with yourself does not
 * list you (as Synapse's users_who_share_private_rooms; Complement's user directory tests).
 */
function* candidates(store: Store, tx: ReadTx, userId: string): Op<Map<string, string>> {
  const users = new Map<string, string>();
  const seenRooms = new Set<string>();
  for (const m of yield* store.membership.ofUser(tx, userId, 'join')) {
    seenRooms.add(m.roomId);
    const listsSelf = !users.has(userId) && (yield* isDirectoryRoom(store, tx, m.roomId));
    for (const member of yield* store.membership.ofRoom(tx, m.roomId, 'join')) {
      if (member.userId !== userId || listsSelf) users.set(member.userId, member.eventId);
    }
  }
  // Every room the server knows (keys of the rooms tree are room nids).
  for (const entry of yield* tx.range(TREES.rooms, {})) {
    const roomId = yield* store.intern.string(tx, NidKind.room, readUint(entry.key));
    if (seenRooms.has(roomId) || !(yield* isDirectoryRoom(store, tx, roomId))) continue;
    for (const member of yield* store.membership.ofRoom(tx, roomId, 'join')) if (!users.has(member.userId)) users.set(member.userId, member.eventId);
  }
  return users;
}

export async function searchUsers(
  ctx: UsersContext, requester: Requester, term: string, limit: number,
): Promise<{ results: DirectoryResult[]; limited: boolean }> {
  const { store, serverName } = ctx;
  // Every word of the term must match (as Synapse does): "smith ali" finds "Alice Smith".
  const words = term.toLowerCase().split(/\s+/).filter((w) => w !== '');
  const matches = await store.read(function* (tx) {
    const found: (DirectoryResult & { rank: number; known: number })[] = [];
    for (const [userId, memberEventId] of yield* candidates(store, tx, requester.userId)) {
      // Our users' global profiles; remote users' profiles as their member event carries them.
      const local = userId.endsWith(`:${serverName}`);
      const profile = local ? (yield* store.profiles.get(tx, userId)) ?? {} : (yield* eventContent(store, tx, memberEventId)) ?? {};
      const name = typeof profile.displayname === 'string' ? profile.displayname : undefined;
      const avatar = typeof profile.avatar_url === 'string' ? profile.avatar_url : undefined;
      const id = userId.toLowerCase();
      const lname = name?.toLowerCase();
      if (!words.every((w) => id.includes(w) || (lname?.includes(w) ?? false))) continue;
      // Prefix matches of the localpart or of a word of the name first.
      const prefix = words.every((w) => id.startsWith(`@${w}`) || (lname !== undefined && (lname.startsWith(w) || lname.includes(` ${w}`))));
      found.push({
        user_id: userId,
        ...(name !== undefined ? { display_name: name } : {}),
        ...(avatar !== undefined ? { avatar_url: avatar } : {}),
        rank: prefix ? 0 : 1,
        known: name !== undefined || avatar !== undefined ? 0 : 1,
      });
    }
    return found;
  });
  // "Ordered by rank and then whether or not profile info is available."
  matches.sort((a, b) => a.rank - b.rank || a.known - b.known || (a.user_id < b.user_id ? -1 : a.user_id > b.user_id ? 1 : 0));
  return { results: matches.slice(0, limit).map(({ rank: _r, known: _k, ...r }) => r), limited: matches.length > limit };
}
