// Cross-signing (spec: client-server-api#cross-signing): uploading the master, self-signing and
// user-signing keys (POST /keys/device_signing/upload, UIA m.login.password once a master key
// exists, as Synapse) and signatures over device keys and master keys (POST /keys/signatures/upload).
// Signatures are merged into the stored key objects, so /keys/query returns them.
import { MatrixError, invalidParam } from '../api/errors.js';
import type { Requester } from '../api/route.js';
import type { Kernels } from '../accel/types.js';
import { canonicalBytes } from '../matrix/canonical.js';
import type { RegistrationPolicy } from '../server/registration-token.js';
import type { Clock } from '../server/services.js';
import type { UiaAuth } from '../users/service.js';
import { usersContext, type UsersContext } from '../users/context.js';
import { PASSWORD_FLOWS, passwordStage } from '../users/password-stage.js';
import { domainOf } from '../matrix/ids.js';
import type { WriteTx } from '../store/trees.js';
import { joinedRooms, sortedJson, type E2eeDeps, type JsonObject } from './keys.js';

export interface CrossSigningDeps extends E2eeDeps {
  readonly kernels: Kernels;
  readonly clock: Clock;
  readonly registration: RegistrationPolicy;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const toBytes = (v: unknown): Uint8Array => encoder.encode(JSON.stringify(v));
const fromBytes = (b: Uint8Array): JsonObject => JSON.parse(decoder.decode(b)) as JsonObject;
const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

const invalidSignature = (msg: string) => new MatrixError(400, 'M_INVALID_SIGNATURE', msg);

/** The UIA helpers need a users context; one per store is enough (sessions live in the store). */
const contexts = new WeakMap<object, UsersContext>();
function uiaContext(deps: CrossSigningDeps): UsersContext {
  let ctx = contexts.get(deps.store);
  if (ctx === undefined) {
    ctx = usersContext({ store: deps.store, clock: deps.clock, serverName: deps.serverName, registration: deps.registration });
    contexts.set(deps.store, ctx);
  }
  return ctx;
}

/** A cross-signing key's one ed25519 public key: [key id, public key bytes]. */
function publicKeyOf(key: JsonObject, what: string): [string, Uint8Array] {
  const entries = isObject(key.keys) ? Object.entries(key.keys) : [];
  if (entries.length !== 1 || typeof entries[0]![1] !== 'string' || !entries[0]![0].startsWith('ed25519:')) {
    throw invalidParam(`${what}: keys must hold exactly one ed25519 key`);
  }
  const pub = Buffer.from(entries[0]![1] as string, 'base64');
  if (pub.length !== 32) throw invalidParam(`${what}: the key is not an ed25519 public key`);
  return [entries[0]![0], pub];
}

/** Whether `obj` carries a valid signature by `userId`'s key `keyId` (signed JSON: without signatures and unsigned). */
function signedBy(k: Kernels, obj: JsonObject, userId: string, keyId: string, publicKey: Uint8Array): boolean {
  const sig = (obj.signatures as Record<string, Record<string, unknown>> | undefined)?.[userId]?.[keyId];
  if (typeof sig !== 'string') return false;
  const bytes = Buffer.from(sig, 'base64');
  if (bytes.length !== 64) return false;
  const { signatures: _s, unsigned: _u, ...rest } = obj;
  try {
    return k.ed25519Verify(publicKey, canonicalBytes(k, rest), bytes);
  } catch {
    return false;
  }
}

function checkCrossSigningKey(k: Kernels, key: unknown, userId: string, usage: string, signer?: [string, Uint8Array]): JsonObject {
  if (!isObject(key) || key.user_id !== userId || !Array.isArray(key.usage) || !key.usage.includes(usage)) {
    throw invalidParam(`Invalid ${usage} key`);
  }
  publicKeyOf(key, `${usage} key`);
  if (signer !== undefined && !signedBy(k, key, userId, signer[0], signer[1])) throw invalidSignature(`Invalid signature on ${usage} key`);
  return key;
}

const USAGES = [['master_key', 'master'], ['self_signing_key', 'self_signing'], ['user_signing_key', 'user_signing']] as const;

export interface DeviceSigningBody {
  readonly master_key?: JsonObject;
  readonly self_signing_key?: JsonObject;
  readonly user_signing_key?: JsonObject;
  readonly auth?: UiaAuth;
}

/** POST /keys/device_signing/upload */
export async function uploadSigningKeys(deps: CrossSigningDeps, requester: Requester, body: DeviceSigningBody): Promise<void> {
  const { store, kernels } = deps;
  const userId = requester.userId;
  const existing = await store.read((tx) => store.e2eKeys.crossSigningKeys(tx, userId));
  const oldMaster = existing.get('master');
  if (oldMaster !== undefined) {
    // Uploading exactly the keys already there is a retry: no UIA (Synapse, MSC3967).
    const same = USAGES.every(([field, usage]) => {
      const v = body[field];
      const old = existing.get(usage);
      return v === undefined || (old !== undefined && sortedJson(fromBytes(old)) === sortedJson(v));
    });
    if (same) return;
    // Replacing cross-signing keys needs the password; the first master key does not (Synapse).
    const ctx = uiaContext(deps);
    const { sessionId } = await ctx.uia.check(`device_signing_upload:${userId}`, body.auth, PASSWORD_FLOWS, passwordStage(ctx, userId));
    await ctx.uia.finish(sessionId);
  }
  const master = body.master_key !== undefined
    ? checkCrossSigningKey(kernels, body.master_key, userId, 'master')
    : oldMaster !== undefined ? fromBytes(oldMaster) : undefined;
  if (master === undefined) throw new MatrixError(400, 'M_MISSING_PARAM', 'No master key available');
  const masterKey = publicKeyOf(master, 'master key');
  const toStore: [string, JsonObject][] = [];
  if (body.master_key !== undefined) toStore.push(['master', master]);
  if (body.self_signing_key !== undefined) toStore.push(['self_signing', checkCrossSigningKey(kernels, body.self_signing_key, userId, 'self_signing', masterKey)]);
  if (body.user_signing_key !== undefined) toStore.push(['user_signing', checkCrossSigningKey(kernels, body.user_signing_key, userId, 'user_signing', masterKey)]);
  if (toStore.length === 0) return;
  const pos = await store.write(function* (tx: WriteTx) {
    for (const [usage, key] of toStore) yield* store.e2eKeys.setCrossSigningKey(tx, userId, usage, toBytes(key));
    return [yield* store.e2eKeys.markDeviceListChanged(tx, userId), yield* joinedRooms(store, tx, userId)] as const;
  });
  deps.notifier.deviceListChanged?.(userId, pos[0], pos[1]);
}

interface Failure { status: number; errcode: string; message: string }
const failure = (status: number, errcode: string, message: string): Failure => ({ status, errcode, message });

/** Copies the requester's signatures of `signed` into `stored` (only those; others' stay as they are). */
function withSignatures(stored: JsonObject, signed: JsonObject, signer: string): JsonObject {
  const newSigs = (signed.signatures as Record<string, Record<string, unknown>>)[signer]!;
  const sigs = isObject(stored.signatures) ? { ...(stored.signatures as Record<string, Record<string, unknown>>) } : {};
  sigs[signer] = { ...(sigs[signer] ?? {}), ...newSigs };
  return { ...stored, signatures: sigs };
}

/** The signed object is the stored one (signatures and unsigned aside)? */
function sameKey(stored: JsonObject, signed: JsonObject): boolean {
  const { signatures: _a, unsigned: _b, ...s } = stored;
  const { signatures: _c, unsigned: _d, ...n } = signed;
  return sortedJson(s) === sortedJson(n);
}

/** POST /keys/signatures/upload: returns failures per user and key id. */
export async function uploadSignatures(deps: CrossSigningDeps, requester: Requester, body: Record<string, unknown>): Promise<{ failures: Record<string, Record<string, Failure>> }> {
  const { store, kernels, serverName } = deps;
  const me = requester.userId;
  const failures: Record<string, Record<string, Failure>> = {};
  const fail = (u: string, k: string, f: Failure): void => { (failures[u] ??= {})[k] = f; };
  const changedUsers = new Set<string>();
  const positions = await store.write(function* (tx: WriteTx) {
    const mine = yield* store.e2eKeys.crossSigningKeys(tx, me);
    const selfSigning = mine.get('self_signing');
    const userSigning = mine.get('user_signing');
    for (const [userId, keys] of Object.entries(body)) {
      if (!isObject(keys)) throw new MatrixError(400, 'M_BAD_JSON', `${userId} must map key ids to signed keys`);
      for (const [keyId, signed] of Object.entries(keys)) {
        if (!isObject(signed) || !isObject(signed.signatures) || !isObject((signed.signatures as JsonObject)[me])) {
          fail(userId, keyId, failure(400, 'M_INVALID_SIGNATURE', 'No signature by the requester'));
          continue;
        }
        if (domainOf(userId) !== serverName) {
          fail(userId, keyId, failure(503, 'M_UNKNOWN', 'Federation is not available on this server'));
          continue;
        }
        const master = (yield* store.e2eKeys.crossSigningKeys(tx, userId)).get('master');
        const masterObj = master !== undefined ? fromBytes(master) : undefined;
        const masterPub = masterObj !== undefined ? publicKeyOf(masterObj, 'master key') : undefined;
        const isMaster = masterPub !== undefined && masterPub[0] === `ed25519:${keyId}`;
        if (userId === me && !isMaster) {
          // One of my devices, signed by my self-signing key.
          const stored = (yield* store.e2eKeys.deviceKeys(tx, me)).get(keyId);
          if (stored === undefined) { fail(userId, keyId, failure(404, 'M_NOT_FOUND', 'Unknown device')); continue; }
          if (selfSigning === undefined) { fail(userId, keyId, failure(404, 'M_NOT_FOUND', 'No self-signing key found')); continue; }
          const storedObj = fromBytes(stored);
          const signer = publicKeyOf(fromBytes(selfSigning), 'self-signing key');
          if (!sameKey(storedObj, signed)) { fail(userId, keyId, failure(400, 'M_INVALID_SIGNATURE', 'Key does not match the uploaded device keys')); continue; }
          if (!signedBy(kernels, signed, me, signer[0], signer[1])) { fail(userId, keyId, failure(400, 'M_INVALID_SIGNATURE', 'Invalid signature')); continue; }
          yield* store.e2eKeys.setDeviceKeys(tx, me, keyId, toBytes(withSignatures(storedObj, signed, me)));
          changedUsers.add(me);
        } else if (userId === me) {
          // My master key, signed by one of my devices.
          const sigs = (signed.signatures as Record<string, Record<string, unknown>>)[me]!;
          const devices = yield* store.e2eKeys.deviceKeys(tx, me);
          let good = sameKey(masterObj!, signed);
          for (const sigKeyId of Object.keys(sigs)) {
            if (!good) break;
            if (sigKeyId === masterPub![0]) continue;
            const dev = devices.get(sigKeyId.slice(sigKeyId.indexOf(':') + 1));
            const devKey = dev !== undefined ? (fromBytes(dev).keys as Record<string, unknown> | undefined)?.[sigKeyId] : undefined;
            good = typeof devKey === 'string' && signedBy(kernels, signed, me, sigKeyId, Buffer.from(devKey, 'base64'));
          }
          if (!good) { fail(userId, keyId, failure(400, 'M_INVALID_SIGNATURE', 'Invalid signature')); continue; }
          yield* store.e2eKeys.setCrossSigningKey(tx, me, 'master', toBytes(withSignatures(masterObj!, signed, me)));
          changedUsers.add(me);
        } else {
          // Another user's master key, signed by my user-signing key.
          if (userSigning === undefined) { fail(userId, keyId, failure(404, 'M_NOT_FOUND', 'No user-signing key found')); continue; }
          if (!isMaster) { fail(userId, keyId, failure(400, 'M_INVALID_SIGNATURE', 'Only master keys of other users can be signed')); continue; }
          const signer = publicKeyOf(fromBytes(userSigning), 'user-signing key');
          if (!sameKey(masterObj!, signed) || !signedBy(kernels, signed, me, signer[0], signer[1])) {
            fail(userId, keyId, failure(400, 'M_INVALID_SIGNATURE', 'Invalid signature'));
            continue;
          }
          yield* store.e2eKeys.setCrossSigningKey(tx, userId, 'master', toBytes(withSignatures(masterObj!, signed, me)));
          // The signer's own clients see it (Synapse: only the signer is told of user-signing signatures).
          changedUsers.add(me);
        }
      }
    }
    const out: [string, number, string[]][] = [];
    for (const u of changedUsers) out.push([u, yield* store.e2eKeys.markDeviceListChanged(tx, u), yield* joinedRooms(store, tx, u)]);
    return out;
  });
  for (const [u, pos, rooms] of positions) deps.notifier.deviceListChanged?.(u, pos, rooms);
  return { failures };
}
