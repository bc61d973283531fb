// User-interactive authentication sessions (client-server-api#user-interactive-authentication-api).
// A session is bound to one operation (e.g. `delete_devices:@alice:example.org`) so a completed
// password stage cannot be replayed against another endpoint. Sessions live in the store (any
// process can continue one, a restart keeps them) and expire after UIA_SESSION_TTL_MS.
import { randomBytes } from 'node:crypto';
import { MatrixError, forbidden, uiaChallenge, uiaRequired } from '../api/errors.js';
import type { Clock } from '../server/services.js';
import type { Store } from '../store/index.js';
import type { UiaAuth } from './service.js';

export interface UiaFlow {
  readonly stages: readonly string[];
}

export interface UiaOffer {
  readonly flows: readonly UiaFlow[];
  readonly params?: Record<string, unknown>;
}

/** A stage verifier: resolves with the user the stage proved (m.login.password), throws MatrixError when it fails. */
export type StageVerifier = (stage: string, auth: UiaAuth) => Promise<{ userId?: string }> | { userId?: string };

export interface UiaResult {
  readonly sessionId: string;
  /** the user a password stage authenticated, if any */
  readonly userId?: string;
  /** values saved with the session on earlier rounds */
  readonly saved: Record<string, unknown>;
}

/** A stage proved a user other than the requester: answered 403 as is, never as a UIA round. */
export class UiaWrongUser extends MatrixError {
  constructor(msg: string) { super(403, 'M_FORBIDDEN', msg); }
}

/** 15 minutes: enough to type a password or fetch a registration token. */
export const UIA_SESSION_TTL_MS = 15 * 60 * 1000;
/** Expired sessions removed per new session: keeps the tree small without a sweeper. */
const EXPIRE_BATCH = 16;

/** 12 hex digits of the creation time first, so ids sort by age (see the uia_sessions tree). */
function sessionId(now: number): string {
  return `${Math.max(0, Math.floor(now)).toString(16).padStart(12, '0')}${randomBytes(15).toString('base64url')}`;
}

export class UiaSessions {
  constructor(private readonly store: Store, private readonly clock: Clock, private readonly ttlMs = UIA_SESSION_TTL_MS) {}

  /**
   * Run one UIA round for `op`. Resolves when a whole flow is complete (the caller then
   * performs the operation and calls `finish`); otherwise throws the 401 challenge
   * (with `errcode` when a stage attempt failed).
   */
  async check(op: string, auth: UiaAuth | undefined, offer: UiaOffer, verify: StageVerifier, save: Record<string, unknown> = {}): Promise<UiaResult> {
    const { store } = this;
    const now = this.clock.now();
    let id: string;
    let session: { op: string; createdTs: number; completed: string[]; userId?: string; saved: Record<string, unknown> };
    if (auth?.session !== undefined) {
      if (typeof auth.session !== 'string') throw new MatrixError(400, 'M_BAD_JSON', 'auth.session must be a string');
      id = auth.session;
      const found = await store.read((tx) => store.uiaSessions.get(tx, id));
      if (found === undefined || found.createdTs <= now - this.ttlMs) throw new MatrixError(400, 'M_UNKNOWN', 'Unknown or expired UIA session');
      if (found.op !== op) throw forbidden('This UIA session was started for a different request');
      session = { ...found, completed: [...found.completed], saved: { ...found.saved } };
    } else {
      id = sessionId(now);
      session = { op, createdTs: now, completed: [], saved: {} };
    }
    let changed = auth?.session === undefined;
    for (const [k, v] of Object.entries(save)) {
      if (v !== undefined && session.saved[k] === undefined) {
        session.saved[k] = v;
        changed = true;
      }
    }

    const body = () => ({
      flows: offer.flows,
      params: offer.params ?? {},
      session: id,
      ...(session.completed.length > 0 ? { completed: [...session.completed] } : {}),
    });
    const persist = async () => {
      if (!changed) return;
      const expireBefore = sessionId(now - this.ttlMs).slice(0, 12);
      const isNew = auth?.session === undefined;
      await store.write(function* (tx) {
        if (isNew) yield* store.uiaSessions.deleteOlderThan(tx, expireBefore, EXPIRE_BATCH);
        yield* store.uiaSessions.put(tx, id, session);
      });
    };

    const type = auth?.type;
    if (type !== undefined) {
      if (typeof type !== 'string') throw new MatrixError(400, 'M_BAD_JSON', 'auth.type must be a string');
      if (!offer.flows.some((f) => f.stages.includes(type))) {
        await persist();
        throw uiaRequired(body(), 'M_UNRECOGNIZED', `Authentication type ${type} is not offered here`);
      }
      if (!session.completed.includes(type)) {
        try {
          const proved = await verify(type, auth!);
          if (proved.userId !== undefined) {
            if (session.userId !== undefined && session.userId !== proved.userId) throw forbidden('The session was started by another user');
            session.userId = proved.userId;
          }
        } catch (err) {
          if (err instanceof MatrixError && !(err instanceof UiaWrongUser) && (err.status === 401 || err.status === 403)) {
            await persist();
            throw uiaRequired(body(), err.errcode, err.message);
          }
          throw err;
        }
        session.completed.push(type);
        changed = true;
      }
    }

    await persist();
    const done = offer.flows.some((f) => f.stages.every((s) => session.completed.includes(s)));
    if (!done) throw uiaChallenge(body());
    return { sessionId: id, ...(session.userId !== undefined ? { userId: session.userId } : {}), saved: session.saved };
  }

  /** The operation succeeded: the session cannot authorise anything else. */
  async finish(sessionId: string): Promise<void> {
    const { store } = this;
    await store.write((tx) => store.uiaSessions.delete(tx, sessionId));
  }

  /** The values saved with a live session for `op`, if `sessionId` names one. */
  async savedOf(op: string, sessionId: unknown): Promise<Readonly<Record<string, unknown>> | undefined> {
    if (typeof sessionId !== 'string') return undefined;
    const { store } = this;
    const found = await store.read((tx) => store.uiaSessions.get(tx, sessionId));
    if (found === undefined || found.op !== op || found.createdTs <= this.clock.now() - this.ttlMs) return undefined;
    return found.saved;
  }

  /**
   * The operation succeeded and a retry of it must get the same answer (registration, as
   * Synapse: a client that lost the response registers "again" and gets the same account):
   * the session stays until it expires, carrying `outcome` in its saved values.
   */
  async complete(sessionId: string, outcome: Record<string, unknown>): Promise<void> {
    const { store } = this;
    await store.write(function* (tx) {
      const session = yield* store.uiaSessions.get(tx, sessionId);
      if (session !== undefined) yield* store.uiaSessions.put(tx, sessionId, { ...session, saved: { ...session.saved, ...outcome } });
    });
  }
}
