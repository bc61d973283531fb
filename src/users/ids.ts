// Local user ids, device ids and access tokens.
// Spec: appendices#user-identifiers (localpart grammar), client-server-api#using-access-tokens.
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { invalidUsername } from '../api/errors.js';
import { MAX_ID_BYTES, utf8Length } from '../matrix/ids.js';

/** Characters a new localpart may use (historical ids allowed more; we no longer create them). */
const LOCALPART = /^[a-z0-9._=\-/+]+$/;

/**
 * The user id for a requested username. Usernames are case-folded as Synapse does, so
 * "Alice" registers @alice. Throws M_INVALID_USERNAME with the reason.
 */
export function userIdFor(username: string, serverName: string): string {
  const localpart = username.toLowerCase();
  if (localpart.length === 0) throw invalidUsername('Username must not be empty');
  if (!LOCALPART.test(localpart)) throw invalidUsername("Username can only contain the characters a-z, 0-9, or '._=-/+'");
  if (localpart.startsWith('_')) throw invalidUsername('Usernames starting with "_" are reserved');
  if (/^\d+$/.test(localpart)) throw invalidUsername('Numeric usernames are reserved for guest accounts');
  const userId = `@${localpart}:${serverName}`;
  if (utf8Length(userId) > MAX_ID_BYTES) throw invalidUsername(`User ID may not be longer than ${MAX_ID_BYTES} bytes`);
  return userId;
}

/**
 * The local user a login identifier names: a full user id on this server or a bare
 * localpart, case-insensitively. Undefined when it cannot be one of our users.
 */
export function localUserIdOf(user: string, serverName: string): string | undefined {
  let localpart = user;
  if (user.startsWith('@')) {
    const colon = user.indexOf(':');
    if (colon < 0 || user.slice(colon + 1) !== serverName) return undefined;
    localpart = user.slice(1, colon);
  }
  localpart = localpart.toLowerCase();
  if (localpart.length === 0 || localpart.includes(':')) return undefined;
  return `@${localpart}:${serverName}`;
}

export function isLocalUserId(userId: string, serverName: string): boolean {
  return userId.startsWith('@') && userId.endsWith(`:${serverName}`) && userId.indexOf(':') === userId.length - serverName.length - 1;
}

/** A fresh localpart for registrations without a username (letters first, so never numeric). */
export function generatedLocalpart(): string {
  return `u${randomBytes(9).toString('hex')}`;
}

/** Guest localparts are numeric, as in Synapse, so they never collide with chosen names. */
export function guestLocalpart(): string {
  return String(randomInt(1, 2 ** 47));
}

const DEVICE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** Ten capital letters, like most servers' device ids. */
export function newDeviceId(): string {
  let id = '';
  for (const b of randomBytes(10)) id += DEVICE_ALPHABET[b % 26];
  return id;
}

/** 256 random bits; the prefix makes leaked tokens easy to spot in logs and secret scanners. */
export function newAccessToken(): string {
  return `myt_${randomBytes(32).toString('base64url')}`;
}

/** A stable id for a token (transaction-id scope), never the token itself. */
export function accessTokenId(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('base64url').slice(0, 22);
}

export const MAX_DEVICE_ID_LENGTH = 255;
