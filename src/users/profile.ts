// Profiles: display name, avatar URL and (spec v1.16) other fields. Display name and avatar
// changes are written into the user's member event in every joined room (RoomService).
// Spec: client-server-api#profiles, #events-on-change-of-profile-information.
import { MatrixError, forbidden, invalidParam, notFound } from '../api/errors.js';
import type { Requester } from '../api/route.js';
import { utf8Length } from '../matrix/ids.js';
import type { ProfileRecord } from '../store/repositories/profiles.js';
import type { UsersContext } from './context.js';
import { isLocalUserId } from './ids.js';
import type { Profile } from './service.js';

/** keyName grammar from profile.yaml. */
const FIELD_NAME = /^(avatar_url|displayname|m\.tz|[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+)$/;
const MAX_PROFILE_BYTES = 64 * 1024;
/** Synapse's limits, so names that work there work here. */
export const MAX_DISPLAYNAME_LENGTH = 256;
export const MAX_AVATAR_URL_LENGTH = 1000;

async function profileOf(ctx: UsersContext, userId: string): Promise<ProfileRecord> {
  const { store } = ctx;
  // Only local users for now (no federation profile queries yet): unknown users are 404.
  const found = isLocalUserId(userId, ctx.serverName)
    ? await store.read(function* (tx) {
      const account = yield* store.accounts.get(tx, userId);
      return account === undefined ? undefined : (yield* store.profiles.get(tx, userId)) ?? {};
    })
    : undefined;
  if (found === undefined) throw notFound('Profile not found');
  return found;
}

export async function getProfile(ctx: UsersContext, userId: string): Promise<Profile> {
  return profileOf(ctx, userId);
}

export async function getProfileField(ctx: UsersContext, userId: string, field: string): Promise<unknown> {
  if (!FIELD_NAME.test(field)) throw invalidParam(`Invalid profile field name: ${field}`);
  const profile = await profileOf(ctx, userId);
  if (!Object.hasOwn(profile, field)) throw notFound(`No ${field} set for this user`);
  return profile[field];
}

function checkValue(field: string, value: unknown): unknown {
  if (field === 'displayname' || field === 'avatar_url') {
    // Clients before v1.16 clear these with null or "".
    if (value === null || value === '') return undefined;
    if (typeof value !== 'string') throw new MatrixError(400, 'M_BAD_JSON', `${field} must be a string`);
    if (field === 'displayname' && value.length > MAX_DISPLAYNAME_LENGTH) throw invalidParam(`displayname: longer than ${MAX_DISPLAYNAME_LENGTH} characters`);
    if (field === 'avatar_url') {
      if (value.length > MAX_AVATAR_URL_LENGTH) throw invalidParam(`avatar_url: longer than ${MAX_AVATAR_URL_LENGTH} characters`);
      if (!value.startsWith('mxc://')) throw invalidParam('avatar_url must be an mxc:// URI');
    }
    return value;
  }
  if (field === 'm.tz' && typeof value !== 'string') throw new MatrixError(400, 'M_BAD_JSON', 'm.tz must be a string');
  return value;
}

async function writeField(ctx: UsersContext, requester: Requester, userId: string, field: string, value: unknown): Promise<void> {
  if (utf8Length(field) > 255) throw new MatrixError(400, 'M_KEY_TOO_LARGE', 'Profile field names are at most 255 bytes');
  if (!FIELD_NAME.test(field)) throw invalidParam(`Invalid profile field name: ${field}`);
  if (userId !== requester.userId) throw forbidden("Cannot change another user's profile");
  const { store } = ctx;
  const changed = await store.write(function* (tx) {
    const old = (yield* store.profiles.get(tx, userId)) ?? {};
    const next: Record<string, unknown> = { ...old };
    if (value === undefined) delete next[field];
    else next[field] = value;
    if (Buffer.byteLength(JSON.stringify(next)) > MAX_PROFILE_BYTES) {
      throw new MatrixError(400, 'M_PROFILE_TOO_LARGE', 'The profile would exceed 64 KiB');
    }
    if (JSON.stringify(old[field]) === JSON.stringify(next[field])) return undefined;
    yield* store.profiles.put(tx, userId, next);
    return next as ProfileRecord;
  });
  if (changed === undefined || (field !== 'displayname' && field !== 'avatar_url')) return;
  // Member events carry the profile: every joined room gets a new one (Synapse does the same).
  // null: the field is now unset (undefined would mean "unchanged" to RoomService).
  await ctx.rooms()?.updateProfileInRooms(userId, changed.displayname ?? null, changed.avatar_url ?? null);
}

export async function setProfileField(ctx: UsersContext, requester: Requester, userId: string, field: string, value: unknown): Promise<void> {
  await writeField(ctx, requester, userId, field, checkValue(field, value));
}

export async function deleteProfileField(ctx: UsersContext, requester: Requester, userId: string, field: string): Promise<void> {
  await writeField(ctx, requester, userId, field, undefined);
}
