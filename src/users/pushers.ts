// Pushers (client-server-api#push-notifications, #get_matrixclientv3pushers,
// #post_matrixclientv3pushersset): what a client registers so that a push gateway is told of
// events. They are kept per user, each tied to the device that set it: when that device goes
// (logout, deletion, the other sessions ended by a password change, deactivation) its pushers
// go with it, as Synapse ties them to the access token. Kept in the transaction-ids tree under
// their own scopes (small per user). Sending to gateways is not done here.
import { invalidParam, missingParam } from '../api/errors.js';
import type { Requester } from '../api/route.js';
import type { Op, ReadTx, WriteTx } from '../store/trees.js';
import type { UsersContext } from './context.js';

export interface Pusher {
  pushkey: string;
  kind: string;
  app_id: string;
  app_display_name: string;
  device_display_name: string;
  profile_tag?: string;
  lang: string;
  data: Record<string, unknown>;
}

/** POST /pushers/set: kind null deletes the pusher of that app_id and pushkey. */
export interface SetPusherRequest extends Omit<Pusher, 'kind'> {
  kind: string | null;
  append?: boolean;
}

interface StoredPusher extends Pusher { device_id: string }

const userScope = (userId: string): string => `pushers\u0000${userId}`;
/** app_id + pushkey → the users with such a pusher (to honour `append: false` across users) */
const keyScope = (appId: string, pushkey: string): string => `pusher_key\u0000${appId}\u0000${pushkey}`;
const pusherKey = (appId: string, pushkey: string): string => `${appId}\u0000${pushkey}`;
const encode = (v: unknown): Uint8Array => Buffer.from(JSON.stringify(v), 'utf8');
const decode = (b: Uint8Array): StoredPusher => JSON.parse(Buffer.from(b).toString('utf8')) as StoredPusher;

function* listOf(ctx: UsersContext, tx: ReadTx, userId: string): Op<StoredPusher[]> {
  return (yield* ctx.store.transactionIds.list(tx, userScope(userId))).map((r) => decode(r.record.response));
}

function* remove(ctx: UsersContext, tx: WriteTx, userId: string, appId: string, pushkey: string): Op<void> {
  yield* ctx.store.transactionIds.delete(tx, userScope(userId), pusherKey(appId, pushkey));
  yield* ctx.store.transactionIds.delete(tx, keyScope(appId, pushkey), userId);
}

export async function getPushers(ctx: UsersContext, requester: Requester): Promise<Pusher[]> {
  const list = await ctx.store.read((tx) => listOf(ctx, tx, requester.userId));
  return list.map(({ device_id: _d, ...p }) => p);
}

export async function setPusher(ctx: UsersContext, requester: Requester, req: SetPusherRequest): Promise<void> {
  const { store } = ctx;
  const userId = requester.userId;
  if (req.kind === null) {
    await store.write((tx) => remove(ctx, tx, userId, req.app_id, req.pushkey));
    return;
  }
  if (req.kind === 'http') {
    const url = req.data.url;
    if (url === undefined) throw missingParam('data.url', "Missing parameter: data.url (required for kind 'http')");
    if (typeof url !== 'string' || !/^https?:\/\//.test(url)) throw invalidParam("data.url must be an http(s) URL");
  }
  const { append, ...fields } = req;
  const stored: StoredPusher = { ...fields, kind: req.kind, device_id: requester.deviceId };
  const ts = ctx.clock.now();
  await store.write(function* (tx) {
    if (append !== true) {
      // "the homeserver must remove any other pushers with the same App ID and pushkey for different users"
      for (const other of yield* store.transactionIds.list(tx, keyScope(req.app_id, req.pushkey))) {
        if (other.txnId !== userId) yield* remove(ctx, tx, other.txnId, req.app_id, req.pushkey);
      }
    }
    yield* store.transactionIds.put(tx, userScope(userId), pusherKey(req.app_id, req.pushkey), { ts, response: encode(stored) });
    yield* store.transactionIds.put(tx, keyScope(req.app_id, req.pushkey), userId, { ts, response: new Uint8Array(0) });
  });
}

/** Inside the write that deletes devices: their pushers go too. */
export function* deletePushersOfDevices(ctx: UsersContext, tx: WriteTx, userId: string, deviceIds: readonly string[]): Op<void> {
  const gone = new Set(deviceIds);
  for (const p of yield* listOf(ctx, tx, userId)) {
    if (gone.has(p.device_id)) yield* remove(ctx, tx, userId, p.app_id, p.pushkey);
  }
}
