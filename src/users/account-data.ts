// Account data (global and per room) and room tags (the m.tag room account data).
// Each write lands on the account_data stream, and /sync is woken for the user.
// Spec: client-server-api#client-config, #room-tagging.
import { MatrixError, forbidden, invalidParam, notFound } from '../api/errors.js';
import type { Requester } from '../api/route.js';
import { MAX_ID_BYTES, utf8Length } from '../matrix/ids.js';
import type { UsersContext } from './context.js';
import { pushRulesAccountData } from './push-rules.js';

const PUSH_RULES_TYPE = 'm.push_rules';
/** Types the server maintains through their own APIs (read markers, push rules). */
const SERVER_CONTROLLED = new Set(['m.fully_read', PUSH_RULES_TYPE]);
const TAG_TYPE = 'm.tag';

function checkOwner(requester: Requester, userId: string, what: string): void {
  if (userId !== requester.userId) throw forbidden(`Cannot ${what} account data for other users.`);
}

function checkRoomId(roomId: string | null): void {
  if (roomId !== null && (!roomId.startsWith('!') || roomId.length < 2 || utf8Length(roomId) > MAX_ID_BYTES)) {
    throw invalidParam(`${roomId} is not a valid room ID`);
  }
}

function checkType(type: string): void {
  if (type.length === 0 || utf8Length(type) > MAX_ID_BYTES) throw invalidParam('The account data type must be 1 to 255 bytes');
}

const decode = (bytes: Uint8Array): Record<string, unknown> => JSON.parse(Buffer.from(bytes).toString('utf8')) as Record<string, unknown>;
const encode = (content: unknown): Uint8Array => Buffer.from(JSON.stringify(content), 'utf8');

export async function getAccountData(
  ctx: UsersContext, requester: Requester, userId: string, roomId: string | null, type: string,
): Promise<Record<string, unknown>> {
  checkOwner(requester, userId, 'get');
  checkRoomId(roomId);
  const { store } = ctx;
  // Server-managed types are read "as normal" (client-server-api#client-config): the push rules
  // exist (as their defaults) before the user changes any.
  if (roomId === null && type === PUSH_RULES_TYPE) return store.read((tx) => pushRulesAccountData(ctx, tx, userId));
  const entry = await store.read((tx) => store.accountData.get(tx, userId, roomId, type));
  if (entry === undefined) throw notFound('Account data not found');
  return decode(entry.content);
}

export async function setAccountData(
  ctx: UsersContext, requester: Requester, userId: string, roomId: string | null, type: string, content: Record<string, unknown>,
): Promise<void> {
  checkOwner(requester, userId, 'add');
  checkRoomId(roomId);
  checkType(type);
  if (SERVER_CONTROLLED.has(type)) throw new MatrixError(405, 'M_BAD_JSON', `Cannot set ${type} through this API.`);
  const { store } = ctx;
  const pos = await store.write((tx) => store.accountData.put(tx, userId, roomId, type, encode(content)));
  ctx.events.accountDataChanged?.(userId, pos);
}

export async function getTags(ctx: UsersContext, requester: Requester, userId: string, roomId: string): Promise<Record<string, Record<string, unknown>>> {
  checkOwner(requester, userId, 'get');
  checkRoomId(roomId);
  const { store } = ctx;
  const entry = await store.read((tx) => store.accountData.get(tx, userId, roomId, TAG_TYPE));
  return entry === undefined ? {} : tagsOf(decode(entry.content));
}

function tagsOf(content: Record<string, unknown>): Record<string, Record<string, unknown>> {
  const tags = content.tags;
  return typeof tags === 'object' && tags !== null && !Array.isArray(tags) ? { ...(tags as Record<string, Record<string, unknown>>) } : {};
}

/** Read-modify-write of m.tag in one transaction, so concurrent tag edits do not lose each other. */
async function editTags(ctx: UsersContext, userId: string, roomId: string, edit: (tags: Record<string, Record<string, unknown>>) => boolean): Promise<void> {
  const { store } = ctx;
  const pos = await store.write(function* (tx) {
    const entry = yield* store.accountData.get(tx, userId, roomId, TAG_TYPE);
    const tags = entry === undefined ? {} : tagsOf(decode(entry.content));
    if (!edit(tags)) return undefined;
    return yield* store.accountData.put(tx, userId, roomId, TAG_TYPE, encode({ tags }));
  });
  if (pos !== undefined) ctx.events.accountDataChanged?.(userId, pos);
}

export async function setTag(
  ctx: UsersContext, requester: Requester, userId: string, roomId: string, tag: string, content: Record<string, unknown>,
): Promise<void> {
  checkOwner(requester, userId, 'add');
  checkRoomId(roomId);
  if (tag.length === 0 || utf8Length(tag) > MAX_ID_BYTES) throw invalidParam('Tags are 1 to 255 bytes');
  await editTags(ctx, userId, roomId, (tags) => {
    tags[tag] = content;
    return true;
  });
}

export async function deleteTag(ctx: UsersContext, requester: Requester, userId: string, roomId: string, tag: string): Promise<void> {
  checkOwner(requester, userId, 'delete');
  checkRoomId(roomId);
  await editTags(ctx, userId, roomId, (tags) => {
    if (!Object.hasOwn(tags, tag)) return false;
    delete tags[tag];
    return true;
  });
}
