// User directory search: users who share a joined room with the requester, and users
// joined to public rooms (join rule "public"), matched case-insensitively on user id and
// display name. Spec: client-server-api#post_matrixclientv3user_directorysearch.
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

function* isPublicRoom(store: Store, tx: ReadTx, roomId: string): Op<boolean> {
  const eventId = yield* store.state.currentEntry(tx, roomId, 'm.room.join_rules', '');
  if (eventId === undefined) return false;
  const json = yield* store.events.json(tx, eventId);
  if (json === undefined) return false;
  try {
    const event = JSON.parse(Buffer.from(json).toString('utf8')) as { content?: { join_rule?: unknown } };
    return event.content?.join_rule === 'public';
  } catch {
    return false;
  }
}

function* candidates(store: Store, tx: ReadTx, userId: string): Op<Set<string>> {
  const users = new Set<string>();
  const seenRooms = new Set<string>();
  for (const m of yield* store.membership.ofUser(tx, userId, 'join')) {
    seenRooms.add(m.roomId);
    for (const member of yield* store.membership.ofRoom(tx, m.roomId, 'join')) users.add(member.userId);
  }
  // Every room the server knows (keys of the rooms tree are room nids).
  for (const entry of yield* tx.range(TREES.rooms, {})) {
    const roomId = yield* store.intern.string(tx, NidKind.room, readUint(entry.key));
    if (seenRooms.has(roomId) || !(yield* isPublicRoom(store, tx, roomId))) continue;
    for (const member of yield* store.membership.ofRoom(tx, roomId, 'join')) users.add(member.userId);
  }
  return users;
}

export async function searchUsers(
  ctx: UsersContext, requester: Requester, term: string, limit: number,
): Promise<{ results: DirectoryResult[]; limited: boolean }> {
  const { store } = ctx;
  const needle = term.toLowerCase().trim();
  const matches = await store.read(function* (tx) {
    const found: (DirectoryResult & { rank: number })[] = [];
    for (const userId of yield* candidates(store, tx, requester.userId)) {
      const profile = (yield* store.profiles.get(tx, userId)) ?? {};
      const name = typeof profile.displayname === 'string' ? profile.displayname : undefined;
      const id = userId.toLowerCase();
      const lname = name?.toLowerCase();
      const hit = id.includes(needle) || (lname?.includes(needle) ?? false);
      if (!hit) continue;
      // Prefix matches of the localpart or a word of the name first.
      const prefix = id.startsWith(`@${needle}`) || (lname !== undefined && (lname.startsWith(needle) || lname.includes(` ${needle}`)));
      found.push({
        user_id: userId,
        ...(name !== undefined ? { display_name: name } : {}),
        ...(typeof profile.avatar_url === 'string' ? { avatar_url: profile.avatar_url } : {}),
        rank: prefix ? 0 : 1,
      });
    }
    return found;
  });
  matches.sort((a, b) => a.rank - b.rank || (a.user_id < b.user_id ? -1 : a.user_id > b.user_id ? 1 : 0));
  return { results: matches.slice(0, limit).map(({ rank: _r, ...r }) => r), limited: matches.length > limit };
}
